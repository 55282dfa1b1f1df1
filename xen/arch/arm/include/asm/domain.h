/*
 * arm64 state of a domain and of a vCPU: what common code's
 * struct domain / struct vcpu point to through their opaque `arch`
 * members (allocated by arch_domain_create() / arch_vcpu_create()).
 *
 * A guest vCPU's general registers live in arch_vcpu.regs: the EL2
 * vectors save them there on every trap from the guest (the per-CPU
 * pointer arm_cpu.guest_frame says where), and the exit path restores
 * them from there.  The EL1 system registers, the FP/SIMD registers and
 * the virtual GIC/timer state stay in the hardware while the vCPU is
 * current and are saved/restored only by arch_context_switch().
 */
#ifndef ASM_ARM_DOMAIN_H
#define ASM_ARM_DOMAIN_H

#include <xen/types.h>
#include <xen/spinlock.h>
#include <xen/list.h>
#include <asm/setup.h>

struct domain;
struct vcpu;

/* ------------------------------------------------------------ stage 2 */

struct p2m_domain {
    spinlock_t lock;
    paddr_t root;               /* machine address of the first level (level 1) */
    unsigned int root_order;    /* 2^order concatenated root pages */
    uint8_t vmid;
    uint64_t vttbr;             /* root | vmid */
    struct list_node pages;     /* every table page (page_info.list) */
    unsigned long nr_pages;     /* ... how many */
    uint64_t max_mapped_gfn;    /* highest gfn ever mapped */
    unsigned long nr_foreign;   /* foreign entries (each holds a page reference) */
};

/* ------------------------------------------------------------ domain */

struct arch_domain {
    struct p2m_domain p2m;
    bool is_32bit;              /* vCPUs run AArch32 at EL1 (HCR_EL2.RW clear) */
    uint8_t gic_version;        /* XEN_DOMCTL_CONFIG_GIC_V3 */
    uint32_t nr_spis;
    spinlock_t vcpu_lock;       /* PSCI CPU_ON against itself */
    void *vgic;                 /* the virtual GIC's (vgic*.c) per-domain state */
};

/* ------------------------------------------------------------ vCPU */

/* FP/SIMD registers, saved eagerly on every switch (entry.S). */
struct fpsimd_state {
    uint64_t q[64];             /* q0..q31, low half first */
    uint64_t fpsr;
    uint64_t fpcr;
} __aligned(16);

/* The EL1 (and AArch32) system registers a vCPU owns. */
struct el1_sysregs {
    uint64_t sctlr, actlr, cpacr, csselr;
    uint64_t ttbr0, ttbr1, tcr, mair, amair;
    uint64_t vbar, contextidr;
    uint64_t tpidr_el0, tpidrro_el0, tpidr_el1;
    uint64_t sp_el1, elr_el1, spsr_el1;
    uint64_t esr, far, afsr0, afsr1, par;
    uint64_t cntkctl;
    /* AArch32 EL1 state (banked SPSRs, DACR, IFSR, FPEXC) */
    uint64_t spsr_abt, spsr_und, spsr_irq, spsr_fiq;
    uint64_t dacr32, ifsr32, fpexc32;
};

struct arch_vcpu {
    struct trap_frame regs;     /* x0-x30, SP_EL0, PC (ELR), PSTATE (SPSR) */
    struct vcpu *vcpu;
    struct el1_sysregs sys;
    struct fpsimd_state fp;

    /* Hypervisor controls loaded with the vCPU. */
    uint64_t hcr;
    uint64_t vmpidr;            /* VMPIDR_EL2: what the guest reads as MPIDR */
    uint64_t vpidr;             /* VPIDR_EL2: ... as MIDR */

    /* A handler asked to be re-run (hypercall_create_continuation()). */
    bool hcall_preempted;

    void *vgic;                 /* the virtual GIC's per-vCPU state */
    void *vtimer;               /* the virtual timer's per-vCPU state */
};

/* ------------------------------------------------------------ helpers */

/*
 * MPIDR affinity of vCPU @id: 16 vCPUs per Aff0 group (one GICv3 SGI
 * target list), the group in Aff1.  The same numbers as dom0's device
 * tree (domain_build.h) and the virtual redistributors.
 */
static inline uint64_t vcpu_id_to_affinity(unsigned int id)
{
    return (uint64_t)(id & 0xf) | ((uint64_t)((id >> 4) & 0xff) << 8);
}

/* The vCPU whose affinity is @aff (MPIDR affinity fields), or ~0U. */
unsigned int affinity_to_vcpu_id(uint64_t aff);

bool is_32bit_domain(const struct domain *d);

/*
 * Domain builders: make @d an AArch32 domain.  Call before the first
 * vCPU runs (it resets the mode of every vCPU created so far).
 */
void arch_domain_set_32bit(struct domain *d);

/*
 * Put a vCPU in its power-on state, ready to run at @entry (a Thumb
 * entry point has bit 0 set, AArch32 only) with the first argument
 * registers x0/r0.. = @args[0..nargs-1] and everything else reset:
 * EL1h (AArch64) or SVC (AArch32), interrupts masked, MMU and caches
 * off.  Used by domain builders (boot vCPU) and PSCI CPU_ON.  The vCPU
 * must not be running.
 */
void arch_vcpu_reset(struct vcpu *v, uint64_t entry, const uint64_t *args,
                     unsigned int nargs);

#endif /* ASM_ARM_DOMAIN_H */
