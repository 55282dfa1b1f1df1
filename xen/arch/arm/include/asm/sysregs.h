/*
 * AArch64 system register access and the register bits the hypervisor
 * uses.  Values are from the Arm ARM (DDI 0487); only what we program is
 * named here.
 */
#ifndef ASM_ARM_SYSREGS_H
#define ASM_ARM_SYSREGS_H

/* ---- constants shared with assembly ---------------------------------- */

/* CurrentEL holds the exception level in bits [3:2]. */
#define CURRENT_EL_SHIFT    2

/* CPTR_EL2 (HCR_EL2.E2H == 0): bits 13, 12, 9 and 7:0 are RES1; TFP (bit 10)
 * clear lets EL2 use FP/SIMD (Debian's libfdt.a is ordinary user-space
 * code); TZ (bit 8) traps SVE. */
#define CPTR_EL2_RES1       0x000032ffUL
#define CPTR_EL2_TZ         (1UL << 8)
#define CPTR_EL2_BOOT       (CPTR_EL2_RES1 | CPTR_EL2_TZ)

/* CPACR_EL1.FPEN = 0b11: no FP/SIMD traps at EL1 (used only when a loader
 * wrongly enters us at EL1 and we stay long enough to say so). */
#define CPACR_EL1_FPEN_ALL  (3UL << 20)

/*
 * HCR_EL2.  While booting: EL1 is AArch64, no VHE, nothing trapped.  Once
 * the vectors are ours, physical IRQs, FIQs and SErrors are routed to EL2
 * (IMO/FMO/AMO): without that, an IRQ targets EL1 and is never taken
 * while we run at EL2.
 */
#define HCR_EL2_FMO         (1UL << 3)
#define HCR_EL2_IMO         (1UL << 4)
#define HCR_EL2_AMO         (1UL << 5)
#define HCR_EL2_RW          (1UL << 31)
#define HCR_EL2_BOOT        HCR_EL2_RW
#define HCR_EL2_HYP         (HCR_EL2_RW | HCR_EL2_IMO | HCR_EL2_FMO | HCR_EL2_AMO)

/* HCR_EL2 bits for running guests (see domain.c for the set we use). */
#define HCR_EL2_VM          (1UL << 0)   /* stage 2 translation on */
#define HCR_EL2_SWIO        (1UL << 1)   /* set/way invalidate is clean+invalidate */
#define HCR_EL2_PTW         (1UL << 2)   /* stage 1 walks hitting Device memory fault */
#define HCR_EL2_FB          (1UL << 9)   /* broadcast TLB/cache maintenance */
#define HCR_EL2_BSU_INNER   (1UL << 10)  /* barriers at least inner shareable */
#define HCR_EL2_TWI         (1UL << 13)  /* trap WFI */
#define HCR_EL2_TWE         (1UL << 14)  /* trap WFE */
#define HCR_EL2_TID3        (1UL << 18)  /* trap ID group 3 registers */
#define HCR_EL2_TSC         (1UL << 19)  /* trap SMC */
#define HCR_EL2_TACR        (1UL << 21)  /* trap ACTLR_EL1 */

/* VTCR_EL2: stage 2 translation control (4K granule). */
#define VTCR_T0SZ(bits)     ((64UL - (bits)) << 0)
#define VTCR_SL0_L1         (1UL << 6)   /* walks start at level 1 */
#define VTCR_IRGN0_WBWA     (1UL << 8)
#define VTCR_ORGN0_WBWA     (1UL << 10)
#define VTCR_SH0_INNER      (3UL << 12)
#define VTCR_TG0_4K         (0UL << 14)
#define VTCR_PS_SHIFT       16
#define VTCR_RES1           (1UL << 31)

/* VTTBR_EL2: VMID in bits [55:48]. */
#define VTTBR_VMID_SHIFT    48

/* MDCR_EL2: trap debug (TDA, TDOSA, TDRA) and PMU (TPM, TPMCR) accesses. */
#define MDCR_EL2_HPMN_MASK  0x1fUL
#define MDCR_EL2_TPMCR      (1UL << 5)
#define MDCR_EL2_TPM        (1UL << 6)
#define MDCR_EL2_TDOSA      (1UL << 10)
#define MDCR_EL2_TDA        (1UL << 9)
#define MDCR_EL2_TDRA       (1UL << 11)
#define MDCR_EL2_GUEST      (MDCR_EL2_TPMCR | MDCR_EL2_TPM | MDCR_EL2_TDA | \
                             MDCR_EL2_TDOSA | MDCR_EL2_TDRA)

/* HPFAR_EL2.FIPA: bits [47:12] of the faulting IPA, held in [43:4]. */
#define HPFAR_FIPA_MASK     0xffffffffff0UL
#define HPFAR_FIPA_SHIFT    8

/* PAR_EL1 after an AT instruction. */
#define PAR_F               (1UL << 0)   /* the translation failed */
#define PAR_PA_MASK         0x0000fffffffff000UL
#define PAR_ATTR_SHIFT      56

/* SCTLR_ELx bits common to EL1 and EL2. */
#define SCTLR_M             (1UL << 0)   /* stage 1 MMU enable */
#define SCTLR_A             (1UL << 1)   /* alignment checking */
#define SCTLR_C             (1UL << 2)   /* data cache enable */
#define SCTLR_SA            (1UL << 3)   /* SP alignment check */
#define SCTLR_I             (1UL << 12)  /* instruction cache enable */
#define SCTLR_WXN           (1UL << 19)  /* writable implies execute-never */
#define SCTLR_EE            (1UL << 25)  /* big-endian data at this EL */

/* SCTLR_EL2 (no VHE): RES1 bits 4, 5, 11, 16, 18, 22, 23, 28, 29. */
#define SCTLR_EL2_RES1      0x30c50830UL
#define SCTLR_EL2_MMU_OFF   SCTLR_EL2_RES1
#define SCTLR_EL2_HYP       (SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | \
                             SCTLR_I | SCTLR_WXN)

/* TCR_ELx fields for the TTBR0 region (same positions at EL1 and EL2). */
#define TCR_T0SZ(bits)      ((64UL - (bits)) << 0)
#define TCR_IRGN0_WBWA      (1UL << 8)
#define TCR_ORGN0_WBWA      (1UL << 10)
#define TCR_SH0_INNER       (3UL << 12)
#define TCR_TG0_4K          (0UL << 14)
#define TCR_EL1_EPD1        (1UL << 23)  /* no TTBR1 walks */
#define TCR_EL1_TG1_4K      (2UL << 30)
#define TCR_EL2_RES1        ((1UL << 31) | (1UL << 23))
#define TCR_EL2_PS_SHIFT    16
#define TCR_EL1_IPS_SHIFT   32

/* ID_AA64MMFR0_EL1.PARange, bits [3:0]. */
#define ID_AA64MMFR0_PARANGE_MASK 0xfUL
#define PARANGE_48BIT       5

/*
 * MAIR attribute encodings and the indices our page tables use.  Index 0
 * (strongly ordered) is what an all-zero descriptor field means, so a
 * mistake errs on the safe side.
 */
#define MAIR_ATTR_DEVICE_nGnRnE 0x00UL
#define MAIR_ATTR_NORMAL_WB     0xffUL   /* inner/outer write-back, RW-allocate */
#define MAIR_ATTR_DEVICE_nGnRE  0x04UL
#define MAIR_ATTR_NORMAL_NC     0x44UL   /* inner/outer non-cacheable */
#define MT_DEVICE_nGnRnE    0
#define MT_NORMAL           1
#define MT_DEVICE           2
#define MT_NORMAL_NC        3
#define MAIR_VALUE          ((MAIR_ATTR_DEVICE_nGnRnE << (8 * MT_DEVICE_nGnRnE)) | \
                             (MAIR_ATTR_NORMAL_WB << (8 * MT_NORMAL)) |           \
                             (MAIR_ATTR_DEVICE_nGnRE << (8 * MT_DEVICE)) |        \
                             (MAIR_ATTR_NORMAL_NC << (8 * MT_NORMAL_NC)))

/* ESR_ELx: exception class and the fields we decode. */
#define ESR_EC_SHIFT        26
#define ESR_EC_MASK         0x3fUL
#define ESR_IL              (1UL << 25)
#define ESR_ISS_MASK        0x1ffffffUL

#define EC_UNKNOWN          0x00
#define EC_WFX              0x01
#define EC_CP15_32          0x03
#define EC_CP15_64          0x04
#define EC_CP14_32          0x05
#define EC_CP14_LS          0x06
#define EC_FP_ASIMD         0x07
#define EC_CP10_ID          0x08
#define EC_PAC              0x09
#define EC_CP14_64          0x0c
#define EC_BTI              0x0d
#define EC_ILLEGAL          0x0e
#define EC_SVC32            0x11
#define EC_HVC32            0x12
#define EC_SMC32            0x13
#define EC_SVC64            0x15
#define EC_HVC64            0x16
#define EC_SMC64            0x17
#define EC_SYSREG           0x18
#define EC_SVE              0x19
#define EC_ERET             0x1a
#define EC_IABT_LOW         0x20
#define EC_IABT_CUR         0x21
#define EC_PC_ALIGN         0x22
#define EC_DABT_LOW         0x24
#define EC_DABT_CUR         0x25
#define EC_SP_ALIGN         0x26
#define EC_FP_EXC32         0x28
#define EC_FP_EXC64         0x2c
#define EC_SERROR           0x2f
#define EC_BREAKPT_LOW      0x30
#define EC_BREAKPT_CUR      0x31
#define EC_SOFTSTP_LOW      0x32
#define EC_SOFTSTP_CUR      0x33
#define EC_WATCHPT_LOW      0x34
#define EC_WATCHPT_CUR      0x35
#define EC_BKPT32           0x38
#define EC_VECTOR32         0x3a
#define EC_BRK64            0x3c

/* Instruction/data abort ISS. */
#define ESR_xFSC_MASK       0x3fUL      /* fault status code */
#define ESR_DABT_WNR        (1UL << 6)  /* write, not read */
#define ESR_ABT_S1PTW       (1UL << 7)  /* stage 2 fault on a stage 1 walk */
#define ESR_ABT_FNV         (1UL << 10) /* FAR not valid */
#define ESR_DABT_ISV        (1UL << 24) /* the fields below are valid */
#define ESR_DABT_SAS_SHIFT  22          /* access size: 1 << SAS bytes */
#define ESR_DABT_SSE        (1UL << 21) /* sign-extend the loaded value */
#define ESR_DABT_SRT_SHIFT  16          /* register, AArch64 numbering */
#define ESR_DABT_SF         (1UL << 15) /* 64-bit register */
#define FSC_SEA             0x10        /* synchronous external abort */

/* Fault status code groups (the level is in bits [1:0]). */
#define FSC_TYPE_MASK       0x3c
#define FSC_TRANSLATION     0x04
#define FSC_ACCESS_FLAG     0x08
#define FSC_PERMISSION      0x0c

/* ISS of trapped AArch32 instructions: condition code valid, and its value. */
#define ESR_CV              (1UL << 24)
#define ESR_COND_SHIFT      20

/* WFx ISS: bit 0 set for WFE. */
#define ESR_WFX_WFE         (1UL << 0)

/* MSR/MRS (EC 0x18) ISS: Op0, Op2, Op1, CRn, Rt, CRm, direction (1 = read). */
#define ESR_SYSREG_READ     (1UL << 0)
#define ESR_SYSREG_RT(esr)  (((esr) >> 5) & 0x1f)
#define ESR_SYSREG_KEY(esr) ((esr) & 0x3ffc1eUL)    /* everything but Rt, dir */
#define SYSREG_KEY(op0, op1, crn, crm, op2)                              \
    (((unsigned long)(op0) << 20) | ((unsigned long)(op2) << 17) |       \
     ((unsigned long)(op1) << 14) | ((unsigned long)(crn) << 10) |       \
     ((unsigned long)(crm) << 1))
#define SYSREG_KEY_ICC_SGI1R_EL1    SYSREG_KEY(3, 0, 12, 11, 5)
#define SYSREG_OP0(key)     (((key) >> 20) & 3)
#define SYSREG_CRN(key)     (((key) >> 10) & 0xf)

/* AArch32 MCR/MRC (EC 0x03/0x05) and MCRR/MRRC (EC 0x04/0x0c) ISS. */
#define ESR_CP_READ         (1UL << 0)
#define ESR_CP32_RT(esr)    (((esr) >> 5) & 0x1f)
#define ESR_CP32_CRN(esr)   (((esr) >> 10) & 0xf)
#define ESR_CP64_RT(esr)    (((esr) >> 5) & 0x1f)
#define ESR_CP64_RT2(esr)   (((esr) >> 10) & 0x1f)
#define ESR_CP64_OPC1(esr)  (((esr) >> 16) & 0xf)
#define ESR_CP_CRM(esr)     (((esr) >> 1) & 0xf)

/* DAIF bits as they appear in the DAIF register and SPSR. */
#define DAIF_F              (1UL << 6)
#define DAIF_I              (1UL << 7)
#define DAIF_A              (1UL << 8)
#define DAIF_D              (1UL << 9)

/* SPSR_EL2.M[4:0]: where the exception came from. */
#define SPSR_MODE_MASK      0x1fUL
#define SPSR_MODE_EL2H      0x09
#define SPSR_MODE_AARCH32   0x10
#define SPSR_MODE_EL0T      0x00
#define SPSR_MODE_EL1T      0x04
#define SPSR_MODE_EL1H      0x05

/* AArch32 PSTATE (CPSR) fields. */
#define PSR32_MODE_USR      0x10
#define PSR32_MODE_FIQ      0x11
#define PSR32_MODE_IRQ      0x12
#define PSR32_MODE_SVC      0x13
#define PSR32_MODE_ABT      0x17
#define PSR32_MODE_HYP      0x1a
#define PSR32_MODE_UND      0x1b
#define PSR32_MODE_SYS      0x1f
#define PSR32_T             (1UL << 5)
#define PSR32_F             (1UL << 6)
#define PSR32_I             (1UL << 7)
#define PSR32_A             (1UL << 8)
#define PSR32_E             (1UL << 9)
#define PSR32_IT_LOW_MASK   (0x3UL << 25)   /* IT[1:0] */
#define PSR32_IT_HIGH_MASK  (0x3fUL << 10)  /* IT[7:2] */
#define PSR32_J             (1UL << 24)
#define PSR32_IL            (1UL << 20)
#define PSR32_SS            (1UL << 21)
#define PSR_NZCV_SHIFT      28

/* SCTLR_EL1 seen as the AArch32 SCTLR. */
#define SCTLR32_V           (1UL << 13)  /* high exception vectors */
#define SCTLR32_TE          (1UL << 30)  /* exceptions taken in Thumb */
/* TTBCR.EAE (TCR_EL1[31] for AArch32): long-descriptor translation. */
#define TTBCR_EAE           (1UL << 31)

/* MPIDR_EL1 affinity fields: Aff0-2 in [23:0], Aff3 in [39:32]. */
#define MPIDR_AFF_MASK      0xff00ffffffUL

/* CNTHP_CTL_EL2 / CNTx_CTL_EL0. */
#define CNT_CTL_ENABLE      (1UL << 0)
#define CNT_CTL_IMASK       (1UL << 1)
#define CNT_CTL_ISTATUS     (1UL << 2)

/* CNTHCTL_EL2 (no VHE): EL1/EL0 may read the physical counter (EL1PCTEN);
 * their use of the physical timer (EL1PCEN) stays trapped. */
#define CNTHCTL_EL2_EL1PCTEN (1UL << 0)
#define CNTHCTL_EL2_EL1PCEN  (1UL << 1)

/* ICC_SRE_EL2: system register interface on, and allowed at EL1. */
#define ICC_SRE_SRE         (1UL << 0)
#define ICC_SRE_EL2_ENABLE  (1UL << 3)

#ifndef __ASSEMBLY__

#include <xen/types.h>

#define READ_SYSREG(name) ({                                    \
        uint64_t val_;                                          \
        asm volatile ("mrs %0, " #name : "=r" (val_));          \
        val_;                                                   \
    })

#define WRITE_SYSREG(val, name)                                 \
    asm volatile ("msr " #name ", %0" : : "r" ((uint64_t)(val)) : "memory")

static inline void isb(void)
{
    asm volatile ("isb" : : : "memory");
}

static inline void dsb_sy(void)
{
    asm volatile ("dsb sy" : : : "memory");
}

static inline void dsb_ish(void)
{
    asm volatile ("dsb ish" : : : "memory");
}

static inline void dsb_ishst(void)
{
    asm volatile ("dsb ishst" : : : "memory");
}

static inline unsigned int current_el(void)
{
    return (unsigned int)(READ_SYSREG(CurrentEL) >> CURRENT_EL_SHIFT) & 3;
}

#endif /* !__ASSEMBLY__ */

#endif /* ASM_ARM_SYSREGS_H */
