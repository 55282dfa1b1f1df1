/* SPDX-License-Identifier: MIT */
/*
 * arch-x86/hvm/save.h - x86 HVM save records.
 *
 * Written for this project from the published Xen 4.17 ABI: type codes
 * and record layouts are fixed by that ABI, the text is our own.
 * Include <public/hvm/save.h>, not this file.
 */

/* Entered through the generic header, which includes us back. */
#include "../../hvm/save.h"

#ifndef XEN_PUBLIC_ARCH_X86_HVM_SAVE_H
#define XEN_PUBLIC_ARCH_X86_HVM_SAVE_H

/* Record 1 (HEADER): first in every stream. */
#define HVM_FILE_MAGIC   0x54381286
#define HVM_FILE_VERSION 0x00000001

struct hvm_save_header {
    uint32_t magic;                     /* HVM_FILE_MAGIC */
    uint32_t version;                   /* HVM_FILE_VERSION */
    uint64_t changeset;                 /* hypervisor revision that saved it */
    uint32_t cpuid;                     /* CPUID.1:EAX of the saving host */
    uint32_t gtsc_khz;                  /* guest TSC frequency */
};

DECLARE_HVM_SAVE_TYPE(HEADER, 1, struct hvm_save_header);

/*
 * Record 2 (CPU): one per vCPU.  Streams from before msr_tsc_aux and
 * flags existed carry the shorter hvm_hw_cpu_compat layout.
 */
struct hvm_hw_cpu {
    uint8_t fpu_regs[512];              /* FXSAVE image */

    uint64_t rax;
    uint64_t rbx;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rbp;
    uint64_t rsi;
    uint64_t rdi;
    uint64_t rsp;
    uint64_t r8;
    uint64_t r9;
    uint64_t r10;
    uint64_t r11;
    uint64_t r12;
    uint64_t r13;
    uint64_t r14;
    uint64_t r15;

    uint64_t rip;
    uint64_t rflags;

    uint64_t cr0;
    uint64_t cr2;
    uint64_t cr3;
    uint64_t cr4;

    uint64_t dr0;
    uint64_t dr1;
    uint64_t dr2;
    uint64_t dr3;
    uint64_t dr6;
    uint64_t dr7;

    uint32_t cs_sel;
    uint32_t ds_sel;
    uint32_t es_sel;
    uint32_t fs_sel;
    uint32_t gs_sel;
    uint32_t ss_sel;
    uint32_t tr_sel;
    uint32_t ldtr_sel;

    uint32_t cs_limit;
    uint32_t ds_limit;
    uint32_t es_limit;
    uint32_t fs_limit;
    uint32_t gs_limit;
    uint32_t ss_limit;
    uint32_t tr_limit;
    uint32_t ldtr_limit;
    uint32_t idtr_limit;
    uint32_t gdtr_limit;

    uint64_t cs_base;
    uint64_t ds_base;
    uint64_t es_base;
    uint64_t fs_base;
    uint64_t gs_base;
    uint64_t ss_base;
    uint64_t tr_base;
    uint64_t ldtr_base;
    uint64_t idtr_base;
    uint64_t gdtr_base;

    uint32_t cs_arbytes;
    uint32_t ds_arbytes;
    uint32_t es_arbytes;
    uint32_t fs_arbytes;
    uint32_t gs_arbytes;
    uint32_t ss_arbytes;
    uint32_t tr_arbytes;
    uint32_t ldtr_arbytes;

    uint64_t sysenter_cs;
    uint64_t sysenter_esp;
    uint64_t sysenter_eip;

    uint64_t shadow_gs;                 /* KERNEL_GS_BASE */

    uint64_t msr_flags;                 /* unused */
    uint64_t msr_lstar;
    uint64_t msr_star;
    uint64_t msr_cstar;
    uint64_t msr_syscall_mask;
    uint64_t msr_efer;
    uint64_t msr_tsc_aux;

    uint64_t tsc;                       /* guest TSC value */

    /* Event being delivered when the state was taken, if any. */
    union {
        uint32_t pending_event;
        struct {
            uint8_t pending_vector:8;
            uint8_t pending_type:3;
            uint8_t pending_error_valid:1;
            uint32_t pending_reserved:19;
            uint8_t pending_valid:1;
        };
    };
    uint32_t error_code;                /* of the pending event */

#define _XEN_X86_FPU_INITIALISED        0
#define XEN_X86_FPU_INITIALISED         (1U << _XEN_X86_FPU_INITIALISED)
    uint32_t flags;
    uint32_t pad0;
};

struct hvm_hw_cpu_compat {
    uint8_t fpu_regs[512];

    uint64_t rax;
    uint64_t rbx;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rbp;
    uint64_t rsi;
    uint64_t rdi;
    uint64_t rsp;
    uint64_t r8;
    uint64_t r9;
    uint64_t r10;
    uint64_t r11;
    uint64_t r12;
    uint64_t r13;
    uint64_t r14;
    uint64_t r15;

    uint64_t rip;
    uint64_t rflags;

    uint64_t cr0;
    uint64_t cr2;
    uint64_t cr3;
    uint64_t cr4;

    uint64_t dr0;
    uint64_t dr1;
    uint64_t dr2;
    uint64_t dr3;
    uint64_t dr6;
    uint64_t dr7;

    uint32_t cs_sel;
    uint32_t ds_sel;
    uint32_t es_sel;
    uint32_t fs_sel;
    uint32_t gs_sel;
    uint32_t ss_sel;
    uint32_t tr_sel;
    uint32_t ldtr_sel;

    uint32_t cs_limit;
    uint32_t ds_limit;
    uint32_t es_limit;
    uint32_t fs_limit;
    uint32_t gs_limit;
    uint32_t ss_limit;
    uint32_t tr_limit;
    uint32_t ldtr_limit;
    uint32_t idtr_limit;
    uint32_t gdtr_limit;

    uint64_t cs_base;
    uint64_t ds_base;
    uint64_t es_base;
    uint64_t fs_base;
    uint64_t gs_base;
    uint64_t ss_base;
    uint64_t tr_base;
    uint64_t ldtr_base;
    uint64_t idtr_base;
    uint64_t gdtr_base;

    uint32_t cs_arbytes;
    uint32_t ds_arbytes;
    uint32_t es_arbytes;
    uint32_t fs_arbytes;
    uint32_t gs_arbytes;
    uint32_t ss_arbytes;
    uint32_t tr_arbytes;
    uint32_t ldtr_arbytes;

    uint64_t sysenter_cs;
    uint64_t sysenter_esp;
    uint64_t sysenter_eip;

    uint64_t shadow_gs;

    uint64_t msr_flags;
    uint64_t msr_lstar;
    uint64_t msr_star;
    uint64_t msr_cstar;
    uint64_t msr_syscall_mask;
    uint64_t msr_efer;
    /* no msr_tsc_aux in this layout */

    uint64_t tsc;

    union {
        uint32_t pending_event;
        struct {
            uint8_t pending_vector:8;
            uint8_t pending_type:3;
            uint8_t pending_error_valid:1;
            uint32_t pending_reserved:19;
            uint8_t pending_valid:1;
        };
    };
    uint32_t error_code;
    /* no flags in this layout */
};

/*
 * Turn a CPU record of either layout, in place, into the current one.
 * The fields that move lie at the end, so they are copied last-first.
 * Old streams always had the FPU state initialised.
 */
static inline int _hvm_hw_fix_cpu(void *h, uint32_t size)
{
    union hvm_hw_cpu_union {
        struct hvm_hw_cpu nat;
        struct hvm_hw_cpu_compat cmp;
    } *ucpu = (union hvm_hw_cpu_union *)h;

    if (size == sizeof(struct hvm_hw_cpu_compat)) {
        ucpu->nat.error_code = ucpu->cmp.error_code;
        ucpu->nat.pending_event = ucpu->cmp.pending_event;
        ucpu->nat.tsc = ucpu->cmp.tsc;
        ucpu->nat.msr_tsc_aux = 0;
    }
    ucpu->nat.flags = XEN_X86_FPU_INITIALISED;

    return 0;
}

DECLARE_HVM_SAVE_TYPE_COMPAT(CPU, 2, struct hvm_hw_cpu,
                             struct hvm_hw_cpu_compat, _hvm_hw_fix_cpu);

/* Record 3 (PIC): one per 8259, master first. */
struct hvm_hw_vpic {
    uint8_t irr;
    uint8_t imr;
    uint8_t isr;

    uint8_t irq_base;                   /* vector of input 0 */

    /*
     * Initialisation progress, 0 when idle: bits 0-1 the next ICW to
     * expect, bit 2 ICW4 needed, bit 3 single mode (no ICW3).
     */
    uint8_t init_state:4;

    uint8_t priority_add:4;             /* input with the highest priority */

    uint8_t readsel_isr:1;              /* reads return ISR, not IRR */
    uint8_t poll:1;                     /* next read is a poll */
    uint8_t auto_eoi:1;
    uint8_t rotate_on_auto_eoi:1;
    uint8_t special_fully_nested_mode:1;
    uint8_t special_mask_mode:1;
    uint8_t is_master:1;                /* fixed by position */

    uint8_t elcr;                       /* level-triggered inputs */

    uint8_t int_output;                 /* state of the INT line */
};

DECLARE_HVM_SAVE_TYPE(PIC, 3, struct hvm_hw_vpic);

/* Record 4 (IOAPIC). */
union vioapic_redir_entry {
    uint64_t bits;
    struct {
        uint8_t vector;
        uint8_t delivery_mode:3;
        uint8_t dest_mode:1;
        uint8_t delivery_status:1;
        uint8_t polarity:1;
        uint8_t remote_irr:1;
        uint8_t trig_mode:1;
        uint8_t mask:1;
        uint8_t reserve:7;
        uint8_t reserved[4];
        uint8_t dest_id;
    } fields;
};

/* 16 ISA and 32 PCI interrupt pins. */
#define VIOAPIC_NUM_PINS  48

/* The record layout for an IO-APIC with cnt pins. */
#define XEN_HVM_VIOAPIC(name, cnt)                                      \
    struct name {                                                       \
        uint64_t base_address;                                          \
        uint32_t ioregsel;                                              \
        uint32_t id;                                                    \
        union vioapic_redir_entry redirtbl[cnt];                        \
    }

XEN_HVM_VIOAPIC(hvm_hw_vioapic, VIOAPIC_NUM_PINS);

/* The hypervisor sizes its IO-APICs itself; everyone else uses 48. */
#ifndef __XEN__
#undef XEN_HVM_VIOAPIC
#else
#undef VIOAPIC_NUM_PINS
#endif

DECLARE_HVM_SAVE_TYPE(IOAPIC, 4, struct hvm_hw_vioapic);

/* Record 5 (LAPIC): one per vCPU. */
struct hvm_hw_lapic {
    uint64_t apic_base_msr;
    uint32_t disabled;                  /* software/hardware disable flags */
    uint32_t timer_divisor;
    uint64_t tdt_msr;                   /* TSC deadline */
};

DECLARE_HVM_SAVE_TYPE(LAPIC, 5, struct hvm_hw_lapic);

/* Record 6 (LAPIC_REGS): the APIC register page, one per vCPU. */
struct hvm_hw_lapic_regs {
    uint8_t data[1024];
};

DECLARE_HVM_SAVE_TYPE(LAPIC_REGS, 6, struct hvm_hw_lapic_regs);

/* Record 7 (PCI_IRQ): levels of the INTx wires, bit device * 4 + pin. */
struct hvm_hw_pci_irqs {
    union {
        unsigned long i[16 / sizeof(unsigned long)];
        uint64_t pad[2];
    };
};

DECLARE_HVM_SAVE_TYPE(PCI_IRQ, 7, struct hvm_hw_pci_irqs);

/* Record 8 (ISA_IRQ): levels of the 16 ISA IRQ wires. */
struct hvm_hw_isa_irqs {
    union {
        unsigned long i[1];
        uint64_t pad[1];
    };
};

DECLARE_HVM_SAVE_TYPE(ISA_IRQ, 8, struct hvm_hw_isa_irqs);

/*
 * Record 9 (PCI_LINK): the PCI-to-ISA router.  Device d's pin p uses
 * link (d + p) & 3; route[] gives each link's ISA IRQ.
 */
struct hvm_hw_pci_link {
    uint8_t route[4];
    uint8_t pad0[4];
};

DECLARE_HVM_SAVE_TYPE(PCI_LINK, 9, struct hvm_hw_pci_link);

/* Record 10 (PIT): the 8254. */
struct hvm_hw_pit {
    struct hvm_hw_pit_channel {
        uint32_t count;                 /* up to 65536 */
        uint16_t latched_count;
        uint8_t count_latched;
        uint8_t status_latched;
        uint8_t status;
        uint8_t read_state;
        uint8_t write_state;
        uint8_t write_latch;
        uint8_t rw_mode;
        uint8_t mode;
        uint8_t bcd;                    /* not emulated */
        uint8_t gate;
    } channels[3];
    uint32_t speaker_data_on;
    uint32_t pad0;
};

DECLARE_HVM_SAVE_TYPE(PIT, 10, struct hvm_hw_pit);

/* Record 11 (RTC). */
#define RTC_CMOS_SIZE 14
struct hvm_hw_rtc {
    uint8_t cmos_data[RTC_CMOS_SIZE];   /* clock registers */
    uint8_t cmos_index;                 /* selected register */
    uint8_t pad0;
    int64_t rtc_offset;                 /* offset from host time */
};

DECLARE_HVM_SAVE_TYPE(RTC, 11, struct hvm_hw_rtc);

/* Record 12 (HPET): the register block plus hidden state. */
#define HPET_TIMER_NUM     3
struct hvm_hw_hpet {
    uint64_t capability;
    uint64_t res0;
    uint64_t config;
    uint64_t res1;
    uint64_t isr;
    uint64_t res2[25];
    uint64_t mc64;                      /* main counter */
    uint64_t res3;
    struct {
        uint64_t config;
        uint64_t cmp;
        uint64_t fsb;                   /* not emulated */
        uint64_t res4;
    } timers[HPET_TIMER_NUM];
    uint64_t res5[4 * (24 - HPET_TIMER_NUM)];  /* pads the block to 0x400 */

    uint64_t period[HPET_TIMER_NUM];    /* last comparator value written */
};

DECLARE_HVM_SAVE_TYPE(HPET, 12, struct hvm_hw_hpet);

/* Record 13 (PMTIMER): ACPI PM timer and PM1a event registers. */
struct hvm_hw_pmtimer {
    uint32_t tmr_val;                   /* 32-bit free-running counter */
    uint16_t pm1a_sts;
    uint16_t pm1a_en;
};

DECLARE_HVM_SAVE_TYPE(PMTIMER, 13, struct hvm_hw_pmtimer);

/* Record 14 (MTRR): one per vCPU. */
struct hvm_hw_mtrr {
#define MTRR_VCNT 8
#define NUM_FIXED_MSR 11
    uint64_t msr_pat_cr;
    uint64_t msr_mtrr_var[MTRR_VCNT * 2];   /* base/mask pairs */
    uint64_t msr_mtrr_fixed[NUM_FIXED_MSR];
    uint64_t msr_mtrr_cap;
    uint64_t msr_mtrr_def_type;
};

DECLARE_HVM_SAVE_TYPE(MTRR, 14, struct hvm_hw_mtrr);

/*
 * Record 16 (CPU_XSAVE): extended state, one per vCPU.  Its size
 * depends on the features saved, so it has no DECLARE_HVM_SAVE_TYPE.
 */
struct hvm_hw_cpu_xsave {
    uint64_t xfeature_mask;             /* ignored */
    uint64_t xcr0;
    uint64_t xcr0_accum;                /* every XCR0 value ever set */
    struct {
        struct { char x[512]; } fpu_sse;

        struct hvm_hw_cpu_xsave_hdr {
            uint64_t xstate_bv;
            uint64_t xcomp_bv;
            uint64_t reserved[6];
        } xsave_hdr;
        /* extended components follow */
    } save_area;
};

#define CPU_XSAVE_CODE  16

/* Record 15 (VIRIDIAN_DOMAIN): Hyper-V emulation, per domain. */
struct hvm_viridian_domain_context {
    uint64_t hypercall_gpa;
    uint64_t guest_os_id;
    uint64_t time_ref_count;
    uint64_t reference_tsc;
};

DECLARE_HVM_SAVE_TYPE(VIRIDIAN_DOMAIN, 15, struct hvm_viridian_domain_context);

/* Record 17 (VIRIDIAN_VCPU): Hyper-V emulation, per vCPU. */
struct hvm_viridian_vcpu_context {
    uint64_t vp_assist_msr;
    uint8_t apic_assist_pending;
    uint8_t _pad[7];
    uint64_t simp_msr;
    uint64_t sint_msr[16];
    uint64_t stimer_config_msr[4];
    uint64_t stimer_count_msr[4];
};

DECLARE_HVM_SAVE_TYPE(VIRIDIAN_VCPU, 17, struct hvm_viridian_vcpu_context);

/* Record 18 (VMCE_VCPU): virtual machine check state, per vCPU. */
struct hvm_vmce_vcpu {
    uint64_t caps;                      /* MCG_CAP */
    uint64_t mci_ctl2_bank0;
    uint64_t mci_ctl2_bank1;
    uint64_t mcg_ext_ctl;
};

DECLARE_HVM_SAVE_TYPE(VMCE_VCPU, 18, struct hvm_vmce_vcpu);

/* Record 19 (TSC_ADJUST): IA32_TSC_ADJUST, per vCPU. */
struct hvm_tsc_adjust {
    uint64_t tsc_adjust;
};

DECLARE_HVM_SAVE_TYPE(TSC_ADJUST, 19, struct hvm_tsc_adjust);

/* Record 20 (CPU_MSR): a variable list of MSR values, per vCPU. */
struct hvm_msr {
    uint32_t count;
    struct hvm_one_msr {
        uint32_t index;
        uint32_t _rsvd;
        uint64_t val;
    } msr[XEN_FLEX_ARRAY_DIM];
};

#define CPU_MSR_CODE  20

/* 22 to 34 are reserved (used out of tree). */

/* Highest type code in use. */
#define HVM_SAVE_CODE_MAX 20

#endif /* XEN_PUBLIC_ARCH_X86_HVM_SAVE_H */
