/*
 * AMD SVM: the virtual machine control block (VMCB), exit codes and the
 * bits we use, after the AMD64 Architecture Programmer's Manual vol. 2,
 * chapter 15 and appendix B.  The hypervisor side is in svm.c.
 */
#ifndef ASM_X86_SVM_H
#define ASM_X86_SVM_H

#include <xen/types.h>
#include <xen/compiler.h>

/* ------------------------------------------------------------ CPUID / MSRs */

#define CPUIDX1_ECX_SVM         (1u << 2)       /* leaf 0x80000001 ECX */
#define CPUID_SVM_LEAF          0x8000000a
#define  SVM_FEAT_NPT           (1u << 0)       /* EDX: nested paging */
#define  SVM_FEAT_NRIPS         (1u << 3)       /* EDX: next RIP saved on exit */

#define MSR_VM_CR               0xc0010114
#define  VM_CR_SVMDIS           (1u << 4)       /* firmware disabled SVM */
#define MSR_VM_HSAVE_PA         0xc0010117
#define EFER_SVME               (1u << 12)

/* ------------------------------------------------------------ intercepts */

/* Word at 0x0c ("misc 1"). */
#define ICPT1_INTR              (1u << 0)
#define ICPT1_NMI               (1u << 1)
#define ICPT1_VINTR             (1u << 4)
#define ICPT1_CPUID             (1u << 18)
#define ICPT1_INVD              (1u << 22)
#define ICPT1_HLT               (1u << 24)
#define ICPT1_INVLPGA           (1u << 26)
#define ICPT1_IOIO              (1u << 27)
#define ICPT1_MSR               (1u << 28)
#define ICPT1_SHUTDOWN          (1u << 31)

/* Word at 0x10 ("misc 2"). */
#define ICPT2_VMRUN             (1u << 0)
#define ICPT2_VMMCALL           (1u << 1)
#define ICPT2_VMLOAD            (1u << 2)
#define ICPT2_VMSAVE            (1u << 3)
#define ICPT2_STGI              (1u << 4)
#define ICPT2_CLGI              (1u << 5)
#define ICPT2_SKINIT            (1u << 6)
#define ICPT2_XSETBV            (1u << 13)

/* ------------------------------------------------------------ exit codes */

#define VMEXIT_EXCP_BASE        0x040           /* + vector */
#define VMEXIT_INTR             0x060
#define VMEXIT_NMI              0x061
#define VMEXIT_VINTR            0x064
#define VMEXIT_CPUID            0x072
#define VMEXIT_INVD             0x076
#define VMEXIT_HLT              0x078
#define VMEXIT_INVLPGA          0x07a
#define VMEXIT_IOIO             0x07b
#define VMEXIT_MSR              0x07c
#define VMEXIT_SHUTDOWN         0x07f
#define VMEXIT_VMRUN            0x080
#define VMEXIT_VMMCALL          0x081
#define VMEXIT_VMLOAD           0x082
#define VMEXIT_VMSAVE           0x083
#define VMEXIT_STGI             0x084
#define VMEXIT_CLGI             0x085
#define VMEXIT_SKINIT           0x086
#define VMEXIT_XSETBV           0x08d
#define VMEXIT_NPF              0x400
#define VMEXIT_INVALID          ((uint64_t)-1)

/* IOIO exit: EXITINFO1 fields (EXITINFO2 is the next RIP). */
#define IOIO_IN                 (1u << 0)
#define IOIO_STR                (1u << 2)
#define IOIO_REP                (1u << 3)
#define IOIO_SZ_SHIFT           4               /* 1, 2 or 4 bytes, one-hot */
#define IOIO_SZ_MASK            (7u << IOIO_SZ_SHIFT)
#define IOIO_PORT_SHIFT         16

/* NPF exit: EXITINFO1 is a page-fault style error code. */
#define NPF_PRESENT             (1ull << 0)
#define NPF_WRITE               (1ull << 1)
#define NPF_FETCH               (1ull << 4)
#define NPF_GUEST_FINAL         (1ull << 32)    /* on the final guest physical access */
#define NPF_GUEST_TABLE         (1ull << 33)    /* on a guest page-table access */

/* ------------------------------------------------------------ events */

/* EVENTINJ and EXITINTINFO share this layout. */
#define EVT_VECTOR_MASK         0xffu
#define EVT_TYPE_SHIFT          8
#define EVT_TYPE_MASK           (7u << EVT_TYPE_SHIFT)
#define  EVT_TYPE_INTR          (0u << EVT_TYPE_SHIFT)
#define  EVT_TYPE_NMI           (2u << EVT_TYPE_SHIFT)
#define  EVT_TYPE_EXCEPTION     (3u << EVT_TYPE_SHIFT)
#define  EVT_TYPE_SOFT_INT      (4u << EVT_TYPE_SHIFT)
#define EVT_ERROR_VALID         (1u << 11)
#define EVT_VALID               (1u << 31)
#define EVT_ERROR_SHIFT         32

/* V_INTR word at 0x60. */
#define VINTR_TPR_MASK          0xffull
#define VINTR_IRQ               (1ull << 8)
#define VINTR_PRIO_SHIFT        16
#define VINTR_IGN_TPR           (1ull << 20)
#define VINTR_MASKING           (1ull << 24)
#define VINTR_VECTOR_SHIFT      32

/* Interrupt state word at 0x68. */
#define INTSTATE_SHADOW         (1ull << 0)

/* TLB_CONTROL byte at 0x5c. */
#define TLB_CTRL_NONE           0
#define TLB_CTRL_FLUSH_ALL      1

#define NP_ENABLE               (1ull << 0)

/* ------------------------------------------------------------ the VMCB */

/* Segment registers in the save area. */
struct vmcb_seg {
    uint16_t sel;
    uint16_t attr;      /* descriptor bits 40-47 in 7:0, bits 52-55 in 11:8 */
    uint32_t limit;
    uint64_t base;
};

/* Segment attribute bits (the compressed descriptor form above). */
#define SEG_ATTR_TYPE_MASK      0x00f
#define SEG_ATTR_S              0x010
#define SEG_ATTR_DPL_SHIFT      5
#define SEG_ATTR_P              0x080
#define SEG_ATTR_L              0x200
#define SEG_ATTR_DB             0x400
#define SEG_ATTR_G              0x800

struct vmcb {
    /* Control area, 0x000 - 0x3ff. */
    uint32_t cr_intercepts;         /* 0x000 */
    uint32_t dr_intercepts;         /* 0x004 */
    uint32_t exception_intercepts;  /* 0x008 */
    uint32_t intercepts1;           /* 0x00c */
    uint32_t intercepts2;           /* 0x010 */
    uint32_t intercepts3;           /* 0x014 */
    uint8_t  rsvd_018[0x03c - 0x018];
    uint16_t pause_filter_thresh;   /* 0x03c */
    uint16_t pause_filter_count;    /* 0x03e */
    uint64_t iopm_base_pa;          /* 0x040 */
    uint64_t msrpm_base_pa;         /* 0x048 */
    uint64_t tsc_offset;            /* 0x050 */
    uint32_t guest_asid;            /* 0x058 */
    uint8_t  tlb_control;           /* 0x05c */
    uint8_t  rsvd_05d[3];
    uint64_t vintr;                 /* 0x060 */
    uint64_t int_state;             /* 0x068 */
    uint64_t exitcode;              /* 0x070 */
    uint64_t exitinfo1;             /* 0x078 */
    uint64_t exitinfo2;             /* 0x080 */
    uint64_t exitintinfo;           /* 0x088 */
    uint64_t np_control;            /* 0x090 */
    uint64_t avic_apic_bar;         /* 0x098 */
    uint64_t ghcb_pa;               /* 0x0a0 */
    uint64_t eventinj;              /* 0x0a8 */
    uint64_t n_cr3;                 /* 0x0b0 */
    uint64_t virt_ext;              /* 0x0b8 */
    uint32_t clean_bits;            /* 0x0c0 */
    uint32_t rsvd_0c4;
    uint64_t next_rip;              /* 0x0c8 */
    uint8_t  insn_len;              /* 0x0d0 */
    uint8_t  insn_bytes[15];        /* 0x0d1 */
    uint8_t  rsvd_0e0[0x400 - 0x0e0];

    /* State save area, 0x400 - 0xfff. */
    struct vmcb_seg es, cs, ss, ds, fs, gs;     /* 0x400 */
    struct vmcb_seg gdtr, ldtr, idtr, tr;       /* 0x460 */
    uint8_t  rsvd_4a0[0x4cb - 0x4a0];
    uint8_t  cpl;                   /* 0x4cb */
    uint32_t rsvd_4cc;
    uint64_t efer;                  /* 0x4d0 */
    uint8_t  rsvd_4d8[0x548 - 0x4d8];
    uint64_t cr4;                   /* 0x548 */
    uint64_t cr3;                   /* 0x550 */
    uint64_t cr0;                   /* 0x558 */
    uint64_t dr7;                   /* 0x560 */
    uint64_t dr6;                   /* 0x568 */
    uint64_t rflags;                /* 0x570 */
    uint64_t rip;                   /* 0x578 */
    uint8_t  rsvd_580[0x5d8 - 0x580];
    uint64_t rsp;                   /* 0x5d8 */
    uint8_t  rsvd_5e0[0x5f8 - 0x5e0];
    uint64_t rax;                   /* 0x5f8 */
    uint64_t star;                  /* 0x600 */
    uint64_t lstar;                 /* 0x608 */
    uint64_t cstar;                 /* 0x610 */
    uint64_t sfmask;                /* 0x618 */
    uint64_t kernel_gs_base;        /* 0x620 */
    uint64_t sysenter_cs;           /* 0x628 */
    uint64_t sysenter_esp;          /* 0x630 */
    uint64_t sysenter_eip;          /* 0x638 */
    uint64_t cr2;                   /* 0x640 */
    uint8_t  rsvd_648[0x668 - 0x648];
    uint64_t g_pat;                 /* 0x668 */
    uint64_t dbgctl;                /* 0x670 */
    uint8_t  rsvd_678[0x1000 - 0x678];
};

BUILD_BUG_ON(sizeof(struct vmcb) != 0x1000);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, iopm_base_pa) != 0x040);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, vintr) != 0x060);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, eventinj) != 0x0a8);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, next_rip) != 0x0c8);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, tr) != 0x490);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, cpl) != 0x4cb);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, efer) != 0x4d0);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, rflags) != 0x570);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, rsp) != 0x5d8);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, rax) != 0x5f8);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, cr2) != 0x640);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb, g_pat) != 0x668);

#endif /* ASM_X86_SVM_H */
