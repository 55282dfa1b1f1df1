/*
 * Domains and vCPUs on arm64: creation, reset, the context switch, guest
 * entry from the idle loop, kicks, and the machine action when domain 0
 * shuts down.
 *
 * What a guest vCPU owns in the hardware while it is current on a CPU:
 *   - its general registers only at guest level (the trap vectors save
 *     them into arch_vcpu.regs on every exit, the exit path reloads them);
 *   - its EL1 system registers, FP/SIMD registers, virtual GIC (ICH_*) and
 *     virtual timer state, stage 2 (VTTBR_EL2), HCR_EL2 and the virtual
 *     MPIDR/MIDR, which arch_context_switch() saves and loads.
 * The idle vCPU leaves the last guest's EL1 state in place (nothing runs
 * at EL1 meanwhile, the next switch overwrites it) but turns stage 2 off.
 */
#include <xen/arch.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/xmalloc.h>
#include <public/domctl.h>
#include <public/sched.h>
#include <asm/vgic.h>
#include <asm/cpu.h>
#include <asm/domain.h>
#include <asm/p2m.h>
#include <asm/psci.h>
#include <asm/smp.h>
#include <asm/sysregs.h>
#include <asm/traps.h>

/*
 * HCR_EL2 while a guest runs: stage 2 on; physical interrupts to EL2;
 * broadcast maintenance and inner-shareable barriers (a vCPU moves
 * between CPUs); WFI/WFE and SMC trapped.  RW when EL1 is AArch64.
 */
#define HCR_GUEST   (HCR_EL2_VM | HCR_EL2_SWIO | HCR_EL2_PTW | HCR_EL2_FMO | \
                     HCR_EL2_IMO | HCR_EL2_AMO | HCR_EL2_FB | HCR_EL2_BSU_INNER | \
                     HCR_EL2_TWI | HCR_EL2_TWE | HCR_EL2_TSC)

/* SCTLR_EL1 RES1 bits (ARMv8.0) on top of the public reset value. */
#define SCTLR_EL1_RES1      0x30d00800UL
/* PSTATE at reset: EL1h (SVC for AArch32), D, A, I, F masked. */
#define PSR_GUEST64_RESET   (PSR_GUEST64_INIT | PSR_DBG_MASK)

/* MPIDR_EL1 bit 31 is RES1. */
#define MPIDR_RES1          (1UL << 31)

static bool domain_is_idle(const struct domain *d)
{
    return d == idle_domain || d->domain_id == DOMID_IDLE;
}

static bool vcpu_is_guest(const struct vcpu *v)
{
    return v && v->arch && !domain_is_idle(v->domain);
}

/* ---- per-CPU ------------------------------------------------------------ */

void guest_cpu_init(void)
{
    uint64_t pmu_counters = (READ_SYSREG(pmcr_el0) >> 11) & MDCR_EL2_HPMN_MASK;

    p2m_cpu_init();
    /* Debug and PMU registers trap (and read as zero, see traps.c). */
    WRITE_SYSREG(MDCR_EL2_GUEST | pmu_counters, mdcr_el2);
    isb();
}

/* ---- domains ------------------------------------------------------------ */

int arch_sanitise_domain_config(struct xen_domctl_createdomain *config)
{
    const uint32_t required = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    const uint32_t optional = XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_vpmu;

    if ((config->flags & ~optional) != required)
        return -EINVAL;
    if (config->iommu_opts & XEN_DOMCTL_IOMMU_no_sharept)
        return -EINVAL;
    if (config->arch.gic_version == XEN_DOMCTL_CONFIG_GIC_NATIVE)
        config->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
    /* Only a virtual GICv3 exists. */
    if (config->arch.gic_version != XEN_DOMCTL_CONFIG_GIC_V3)
        return -EINVAL;
    if (config->max_vcpus > GUEST_MAX_VCPUS)
        return -EINVAL;
    if (config->arch.tee_type != XEN_DOMCTL_CONFIG_TEE_NONE)
        return -EINVAL;
    /* INTIDs 32..1019. */
    if (config->arch.nr_spis > 1020 - 32)
        return -EINVAL;
    /* No clock-frequency in the host's timer node: the guest reads CNTFRQ. */
    config->arch.clock_frequency = 0;
    return 0;
}

int arch_domain_create(struct domain *d, const struct xen_domctl_createdomain *config)
{
    struct arch_domain *a = xzalloc(struct arch_domain);
    int rc;

    if (!a)
        return -ENOMEM;
    d->arch = a;
    spin_lock_init(&a->vcpu_lock);
    if (domain_is_idle(d))
        return 0;

    /* AArch32 until the builder says otherwise (Xen's toolstack always does). */
    a->is_32bit = true;
    a->gic_version = config ? config->arch.gic_version : XEN_DOMCTL_CONFIG_GIC_V3;
    a->nr_spis = config ? config->arch.nr_spis : 0;
    rc = p2m_init(d);
    if (rc)
        goto fail;
    rc = vgic_domain_init(d, a->nr_spis);
    if (rc) {
        p2m_teardown(d);
        goto fail;
    }
    return 0;

fail:
    xfree(a);
    d->arch = NULL;
    return rc;
}

void arch_domain_destroy(struct domain *d)
{
    if (!d->arch)
        return;
    if (!domain_is_idle(d)) {
        vgic_domain_destroy(d);
        p2m_teardown(d);
    }
    xfree(d->arch);
    d->arch = NULL;
}

bool is_32bit_domain(const struct domain *d)
{
    return d->arch && d->arch->is_32bit;
}

static uint64_t guest_hcr(const struct domain *d)
{
    return HCR_GUEST | (is_32bit_domain(d) ? 0 : HCR_EL2_RW);
}

void arch_domain_set_aarch32(struct domain *d, bool aarch32)
{
    struct vcpu *v;

    d->arch->is_32bit = aarch32;
    for_each_vcpu(d, v)
        if (v->arch) {
            v->arch->hcr = guest_hcr(d);
            arch_vcpu_reset(v, 0, NULL, 0);
        }
}

unsigned int affinity_to_vcpu_id(uint64_t aff)
{
    /* Aff0 0..15, Aff1 the group, nothing in Aff2/Aff3. */
    if (aff & ~0xffffUL & MPIDR_AFF_MASK)
        return ~0U;
    if ((aff & 0xff) > 0xf)
        return ~0U;
    return (unsigned int)(((aff >> 8) & 0xff) << 4 | (aff & 0xf));
}

/* ---- vCPUs -------------------------------------------------------------- */

void arch_vcpu_reset(struct vcpu *v, uint64_t entry, const uint64_t *args,
                     unsigned int nargs)
{
    struct arch_vcpu *a = v->arch;
    bool aarch32 = is_32bit_domain(v->domain);

    memset(&a->regs, 0, sizeof(a->regs));
    memset(&a->sys, 0, sizeof(a->sys));
    memset(&a->fp, 0, sizeof(a->fp));
    for (unsigned int i = 0; i < nargs && i < 8; i++)
        a->regs.x[i] = aarch32 ? (uint32_t)args[i] : args[i];
    if (aarch32) {
        a->regs.elr = (uint32_t)entry & ~1U;
        a->regs.spsr = PSR_GUEST32_INIT | ((entry & 1) ? PSR_THUMB : 0);
        a->sys.sctlr = SCTLR_GUEST_INIT;
    } else {
        a->regs.elr = entry;
        a->regs.spsr = PSR_GUEST64_RESET;
        a->sys.sctlr = SCTLR_GUEST_INIT | SCTLR_EL1_RES1;
    }
    a->hcall_preempted = false;
}

int arch_vcpu_create(struct vcpu *v)
{
    struct arch_vcpu *a = xzalloc(struct arch_vcpu);
    int rc;

    if (!a)
        return -ENOMEM;
    a->vcpu = v;
    v->arch = a;
    if (domain_is_idle(v->domain))
        return 0;

    a->hcr = guest_hcr(v->domain);
    a->vmpidr = MPIDR_RES1 | vcpu_id_to_affinity(v->vcpu_id);
    a->vpidr = READ_SYSREG(midr_el1);
    arch_vcpu_reset(v, 0, NULL, 0);

    rc = vgic_vcpu_init(v);
    if (rc)
        goto fail;
    rc = vtimer_vcpu_init(v);
    if (rc) {
        vgic_vcpu_destroy(v);
        goto fail;
    }
    return 0;

fail:
    xfree(a);
    v->arch = NULL;
    return rc;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    if (!v->arch)
        return;
    if (!domain_is_idle(v->domain)) {
        vtimer_vcpu_destroy(v);
        vgic_vcpu_destroy(v);
    }
    xfree(v->arch);
    v->arch = NULL;
}

/* ---- context switch ----------------------------------------------------- */

static void save_el1(struct el1_sysregs *s, bool aarch32)
{
    s->sctlr = READ_SYSREG(sctlr_el1);
    s->actlr = READ_SYSREG(actlr_el1);
    s->cpacr = READ_SYSREG(cpacr_el1);
    s->csselr = READ_SYSREG(csselr_el1);
    s->ttbr0 = READ_SYSREG(ttbr0_el1);
    s->ttbr1 = READ_SYSREG(ttbr1_el1);
    s->tcr = READ_SYSREG(tcr_el1);
    s->mair = READ_SYSREG(mair_el1);
    s->amair = READ_SYSREG(amair_el1);
    s->vbar = READ_SYSREG(vbar_el1);
    s->contextidr = READ_SYSREG(contextidr_el1);
    s->tpidr_el0 = READ_SYSREG(tpidr_el0);
    s->tpidrro_el0 = READ_SYSREG(tpidrro_el0);
    s->tpidr_el1 = READ_SYSREG(tpidr_el1);
    s->sp_el1 = READ_SYSREG(sp_el1);
    s->elr_el1 = READ_SYSREG(elr_el1);
    s->spsr_el1 = READ_SYSREG(spsr_el1);
    s->esr = READ_SYSREG(esr_el1);
    s->far = READ_SYSREG(far_el1);
    s->afsr0 = READ_SYSREG(afsr0_el1);
    s->afsr1 = READ_SYSREG(afsr1_el1);
    s->par = READ_SYSREG(par_el1);
    s->cntkctl = READ_SYSREG(cntkctl_el1);
    if (aarch32) {
        s->spsr_abt = READ_SYSREG(spsr_abt);
        s->spsr_und = READ_SYSREG(spsr_und);
        s->spsr_irq = READ_SYSREG(spsr_irq);
        s->spsr_fiq = READ_SYSREG(spsr_fiq);
        s->dacr32 = READ_SYSREG(dacr32_el2);
        s->ifsr32 = READ_SYSREG(ifsr32_el2);
        s->fpexc32 = READ_SYSREG(fpexc32_el2);
    }
}

static void restore_el1(const struct el1_sysregs *s, bool aarch32)
{
    WRITE_SYSREG(s->sctlr, sctlr_el1);
    WRITE_SYSREG(s->actlr, actlr_el1);
    WRITE_SYSREG(s->cpacr, cpacr_el1);
    WRITE_SYSREG(s->csselr, csselr_el1);
    WRITE_SYSREG(s->ttbr0, ttbr0_el1);
    WRITE_SYSREG(s->ttbr1, ttbr1_el1);
    WRITE_SYSREG(s->tcr, tcr_el1);
    WRITE_SYSREG(s->mair, mair_el1);
    WRITE_SYSREG(s->amair, amair_el1);
    WRITE_SYSREG(s->vbar, vbar_el1);
    WRITE_SYSREG(s->contextidr, contextidr_el1);
    WRITE_SYSREG(s->tpidr_el0, tpidr_el0);
    WRITE_SYSREG(s->tpidrro_el0, tpidrro_el0);
    WRITE_SYSREG(s->tpidr_el1, tpidr_el1);
    WRITE_SYSREG(s->sp_el1, sp_el1);
    WRITE_SYSREG(s->elr_el1, elr_el1);
    WRITE_SYSREG(s->spsr_el1, spsr_el1);
    WRITE_SYSREG(s->esr, esr_el1);
    WRITE_SYSREG(s->far, far_el1);
    WRITE_SYSREG(s->afsr0, afsr0_el1);
    WRITE_SYSREG(s->afsr1, afsr1_el1);
    WRITE_SYSREG(s->par, par_el1);
    WRITE_SYSREG(s->cntkctl, cntkctl_el1);
    if (aarch32) {
        WRITE_SYSREG(s->spsr_abt, spsr_abt);
        WRITE_SYSREG(s->spsr_und, spsr_und);
        WRITE_SYSREG(s->spsr_irq, spsr_irq);
        WRITE_SYSREG(s->spsr_fiq, spsr_fiq);
        WRITE_SYSREG(s->dacr32, dacr32_el2);
        WRITE_SYSREG(s->ifsr32, ifsr32_el2);
        WRITE_SYSREG(s->fpexc32, fpexc32_el2);
    }
}

static void save_guest(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;

    vtimer_save(v);
    vgic_save_state(v);
    save_el1(&a->sys, is_32bit_domain(v->domain));
    fpsimd_save(&a->fp);
}

static void load_guest(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;

    p2m_load(v->domain);
    WRITE_SYSREG(a->hcr, hcr_el2);
    WRITE_SYSREG(a->vmpidr, vmpidr_el2);
    WRITE_SYSREG(a->vpidr, vpidr_el2);
    restore_el1(&a->sys, is_32bit_domain(v->domain));
    fpsimd_restore(&a->fp);
    isb();
    vgic_restore_state(v);
    vtimer_restore(v);
}

void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
    struct arm_cpu *cpu = this_arm_cpu();

    if (prev != next) {
        if (vcpu_is_guest(prev))
            save_guest(prev);
        if (vcpu_is_guest(next)) {
            load_guest(next);
            cpu->guest_frame = &next->arch->regs;
        } else {
            /*
             * Idle: stage 2 off and no tables named, so that nothing (not
             * even a speculative walk) reads tables that may be freed
             * with their domain while this CPU idles.
             */
            WRITE_SYSREG(HCR_EL2_HYP, hcr_el2);
            WRITE_SYSREG(0, vttbr_el2);
            isb();
            cpu->guest_frame = NULL;
        }
    }
    sched_context_saved(prev);
}

/* ---- running guests ----------------------------------------------------- */

void arch_vcpu_kick(struct vcpu *v)
{
    unsigned int cpu = __atomic_load_n(&v->processor, __ATOMIC_RELAXED);

    /*
     * A vCPU running elsewhere leaves the guest for the SGI and re-enters
     * through the exit path, which loads what is pending for it.  One that
     * is not running picks it up when it is next entered.
     */
    smp_mb();
    if (__atomic_load_n(&v->is_running, __ATOMIC_RELAXED) && cpu != smp_processor_id())
        arch_send_softirq_ipi(cpu);
}

noreturn void arch_hardware_domain_shutdown(unsigned int reason)
{
    asm volatile ("msr daifset, #2" : : : "memory");
    smp_stop_others();
    /*
     * As Xen: only a power-off request turns the machine off; reboot,
     * crash and every other reason reset it.  Under QEMU -no-reboot both
     * end QEMU with status 0; only SYSTEM_OFF is a shutdown request
     * (trace event qemu_system_shutdown_request), a reset is not.
     */
    if (reason == SHUTDOWN_poweroff) {
        printk("Domain 0 shut down: powering off\n");
        psci_system_off();
    } else {
        printk("Domain 0 shut down (reason %u): resetting the machine\n", reason);
        psci_system_reset();
    }
    for (;;)
        asm volatile ("wfi" : : : "memory");
}
