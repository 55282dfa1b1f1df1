/*
 * x86_64 state of a domain and of a vCPU: what common code's struct
 * domain / struct vcpu point to through their opaque `arch` members
 * (allocated by arch_domain_create() / arch_vcpu_create(), domain.c).
 *
 * Every guest is an HVM (PVH) guest run with AMD SVM and nested paging.
 * A vCPU's architectural state lives in its VMCB, except the general
 * registers the VMCB does not hold (svm_gprs: saved and reloaded around
 * every VMRUN by svm-entry.S) and the FPU/SSE registers (left in the CPU
 * while the vCPU is current, saved by arch_context_switch()).
 */
#ifndef ASM_X86_DOMAIN_H
#define ASM_X86_DOMAIN_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/list.h>
#include <xen/spinlock.h>

struct domain;
struct vcpu;
struct vmcb;

/* ------------------------------------------------------------ nested paging */

struct p2m_domain {
    spinlock_t lock;
    paddr_t root;               /* machine address of the level-4 table */
    struct list_node pages;     /* every table page (page_info.list) */
    unsigned long nr_pages;     /* ... how many */
    uint64_t flush_gen;         /* bumped whenever a live translation goes */
    uint64_t max_mapped_gfn;    /* highest gfn ever mapped */
    unsigned long nr_foreign;   /* foreign entries (each holds a page reference) */
};

/* ------------------------------------------------------------ domain */

#define HVM_DEBUGCON_MAX 128    /* one line of port 0xe9 output */
#define HVM_E820_MAX     8

/* One entry of a domain's memory map, in the E820 layout Xen's guests read. */
struct e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;              /* XEN_HVM_MEMMAP_TYPE_* (E820 numbering) */
} __packed;

struct arch_domain {
    struct p2m_domain p2m;
    uint32_t emulation_flags;   /* XEN_X86_EMU_* it was created with */
    uint32_t misc_flags;        /* XEN_X86_MSR_RELAXED */

    /* The guest-physical memory map its builder set up (XENMEM_memory_map). */
    unsigned int nr_e820;
    struct e820_entry e820[HVM_E820_MAX];

    /* Port 0xe9 debug console: bytes until a newline. */
    spinlock_t debugcon_lock;
    unsigned int debugcon_len;
    char debugcon[HVM_DEBUGCON_MAX];
};

/* ------------------------------------------------------------ vCPU */

/*
 * The guest registers the VMCB does not hold (it has rax, rsp, rip and
 * rflags).  svm-entry.S knows the offsets (SVM_GPR_* there).
 */
struct svm_gprs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/* FXSAVE image: x87, MMX and SSE state. */
struct fxsave_area {
    uint8_t bytes[512];
} __aligned(16);

struct arch_vcpu {
    struct svm_gprs regs;
    struct vcpu *vcpu;

    struct vmcb *vmcb;          /* one heap page */
    paddr_t vmcb_pa;

    /* ASID handed out by the CPU it last ran on, and that CPU's generation. */
    uint32_t asid;
    unsigned int asid_cpu;
    uint64_t asid_gen;
    uint64_t p2m_gen;           /* p2m flush_gen when the ASID was taken */

    /* A handler asked to be re-run (hypercall_create_continuation()). */
    bool hcall_preempted;
    /*
     * In a hypercall from 32-bit mode: compat handlers may hand native
     * ones pointers into `xlat` (guestcopy.c lets those through).  The
     * continuation's arguments at full width, for compat handlers to map
     * translated pointers back (hvm.c).
     */
    bool hcall_compat;
    void *xlat;                 /* COMPAT_XLAT_SIZE bytes of the heap */
    uint64_t cont_args[5];

    /* HVMOP_set_evtchn_upcall_vector: this vCPU's own vector (0: none). */
    uint8_t upcall_vector;

    /* Given a register state to start from (a builder, later VCPUOP_initialise). */
    bool initialised;

    struct fxsave_area fpu;
};

#endif /* ASM_X86_DOMAIN_H */
