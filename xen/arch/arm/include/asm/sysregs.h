/*
 * AArch64 system register access and the register bits the boot path uses.
 *
 * Only what early setup needs lives here; values are from the Arm ARM.
 */
#ifndef ASM_ARM_SYSREGS_H
#define ASM_ARM_SYSREGS_H

/* ---- constants shared with assembly ---------------------------------- */

/* CurrentEL holds the exception level in bits [3:2]. */
#define CURRENT_EL_SHIFT    2

/* CPTR_EL2 (HCR_EL2.E2H == 0): bits 13, 12, 9 and 7:0 are RES1; TFP (bit 10)
 * clear lets EL2 use FP/SIMD (Debian's libfdt.a contains NEON code). */
#define CPTR_EL2_RES1       0x000032ffUL
#define CPTR_EL2_TZ         (1UL << 8)
#define CPTR_EL2_BOOT       (CPTR_EL2_RES1 | CPTR_EL2_TZ)

/* CPACR_EL1.FPEN = 0b11: no FP/SIMD traps at EL1 (used only when a loader
 * wrongly enters us at EL1 and we stay long enough to say so). */
#define CPACR_EL1_FPEN_ALL  (3UL << 20)

/* HCR_EL2 while we boot: EL1 is AArch64, no VHE, nothing trapped yet. */
#define HCR_EL2_RW          (1UL << 31)
#define HCR_EL2_BOOT        HCR_EL2_RW

/* SCTLR_ELx bits common to EL1 and EL2. */
#define SCTLR_M             (1UL << 0)   /* stage 1 MMU enable */
#define SCTLR_A             (1UL << 1)   /* alignment checking */
#define SCTLR_C             (1UL << 2)   /* data cache enable */
#define SCTLR_SA            (1UL << 3)   /* SP alignment check */
#define SCTLR_I             (1UL << 12)  /* instruction cache enable */
#define SCTLR_WXN           (1UL << 19)  /* writable implies execute-never */
#define SCTLR_EE            (1UL << 25)  /* big-endian data at this EL */

/* TCR_ELx fields for the TTBR0 region (same positions at EL1 and EL2). */
#define TCR_T0SZ(bits)      ((64UL - (bits)) << 0)
#define TCR_IRGN0_WBWA      (1UL << 8)
#define TCR_ORGN0_WBWA      (1UL << 10)
#define TCR_SH0_INNER       (3UL << 12)
#define TCR_TG0_4K          (0UL << 14)
#define TCR_EL1_EPD1        (1UL << 23)  /* no TTBR1 walks */
#define TCR_EL2_RES1        ((1UL << 31) | (1UL << 23))
#define TCR_EL2_PS_SHIFT    16
#define TCR_EL1_IPS_SHIFT   32

/* ID_AA64MMFR0_EL1.PARange, bits [3:0]. */
#define ID_AA64MMFR0_PARANGE_MASK 0xfUL
#define PARANGE_48BIT       5

/* MAIR attribute encodings and the indices our page tables use. */
#define MAIR_ATTR_DEVICE_nGnRnE 0x00UL
#define MAIR_ATTR_NORMAL_WB     0xffUL   /* inner/outer write-back, RW-allocate */
#define MT_DEVICE           0
#define MT_NORMAL           1
#define MAIR_BOOT           ((MAIR_ATTR_DEVICE_nGnRnE << (8 * MT_DEVICE)) | \
                             (MAIR_ATTR_NORMAL_WB << (8 * MT_NORMAL)))

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

static inline unsigned int current_el(void)
{
    return (unsigned int)(READ_SYSREG(CurrentEL) >> CURRENT_EL_SHIFT) & 3;
}

#endif /* !__ASSEMBLY__ */

#endif /* ASM_ARM_SYSREGS_H */
