/*
 * Virtual timer: the guest's EL1 virtual timer (CNTV_*), interrupt PPI 27.
 *
 * The guest programs CNTV_CTL_EL0/CNTV_CVAL_EL0 itself (no traps) against
 * the virtual counter; CNTVOFF_EL2 stays 0 (time.c), so the guest's
 * virtual counter is the physical one.  Physical IRQs are routed to EL2
 * (HCR_EL2.IMO), so when the timer condition is met while the guest runs,
 * the physical PPI 27 reaches us: vtimer_interrupt() sets CNTV_CTL.IMASK
 * (the line is level-sensitive: it would fire again at once) and makes
 * virtual PPI 27 pending.  Once the guest has deactivated that interrupt
 * (its LR carries the EOI-maintenance bit, so we hear about it),
 * vtimer_sync() lifts our mask again; if the condition still holds, the
 * physical line fires again, which is exactly a level-sensitive line.
 *
 * While the vCPU is switched out its timer state is saved and the
 * hardware timer disabled; if it was armed and unmasked, a hypervisor
 * timer for the same deadline injects PPI 27 and wakes the vCPU.
 */
#include <xen/arch.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/timer.h>
#include <asm/vgic-private.h>

#define NS_PER_SEC 1000000000ULL

/* The vtimer whose state is in this pCPU's CNTV_* registers. */
static DEFINE_PER_CPU(struct vtimer *, vtimer_loaded);

static struct vtimer *vtimer_of(const struct vcpu *v)
{
    struct vgic_cpu *vc = vgic_cpu_of(v);

    return vc && vc->vtimer.initialised ? &vc->vtimer : NULL;
}

/* System time when the virtual counter reaches `cval`; false if never (in practice). */
static bool cval_to_deadline(uint64_t cval, s_time_t *deadline)
{
    uint64_t hz = vtimer_hw_counter_hz();
    uint64_t now_cnt = vtimer_hw_read_count();
    s_time_t now = NOW();
    uint64_t delta, secs, rem, ns;

    /* A 64-bit counter does not wrap in practice: compare plainly. */
    if (cval <= now_cnt) {
        *deadline = now;
        return true;
    }
    delta = cval - now_cnt;
    if (!hz)
        return false;
    secs = delta / hz;
    rem = delta % hz;
    /* Centuries away (Linux parks a stopped timer at the end of time). */
    if (secs > (1ULL << 32))
        return false;
    /* Round up: firing early would only make the guest see nothing yet. */
    ns = secs * NS_PER_SEC + (rem * NS_PER_SEC + hz - 1) / hz;
    *deadline = now + ns;
    return true;
}

static void vtimer_expired(void *data)
{
    struct vtimer *vt = data;
    unsigned long flags;
    bool inject = false;

    spin_lock_irqsave(&vt->lock, flags);
    /* Loaded again meanwhile: the hardware timer takes over. */
    if (!vt->loaded && (vt->ctl & VT_CTL_ENABLE) && !(vt->ctl & VT_CTL_IMASK)) {
        vt->ctl |= VT_CTL_IMASK;
        vt->masked_by_us = true;
        inject = true;
    }
    spin_unlock_irqrestore(&vt->lock, flags);
    if (inject)
        vgic_inject_irq(vt->v, GUEST_VTIMER_PPI);
}

int vtimer_vcpu_init(struct vcpu *v)
{
    struct vgic_cpu *vc = vgic_cpu_of(v);
    struct vtimer *vt;

    /* Lives in the vCPU's vGIC state: vgic_vcpu_init() comes first. */
    if (!vc)
        return -EINVAL;
    vt = &vc->vtimer;
    if (vt->initialised)
        return -EEXIST;
    vt->v = v;
    vt->ctl = 0;
    vt->cval = 0;
    vt->masked_by_us = false;
    vt->loaded = false;
    init_timer(&vt->timer, vtimer_expired, vt,
               v->processor < NR_CPUS ? v->processor : 0);
    vt->initialised = true;
    v->arch->vtimer = vt;
    return 0;
}

void vtimer_cpu_destroy(struct vgic_cpu *vc)
{
    struct vtimer *vt = &vc->vtimer;
    unsigned long flags;

    if (!vt->initialised)
        return;
    /* Without our lock: the callback takes it. */
    kill_timer(&vt->timer);
    flags = arch_irq_save();
    for (unsigned int c = 0; c < NR_CPUS; c++)
        if (per_cpu(vtimer_loaded, c) == vt)
            per_cpu(vtimer_loaded, c) = NULL;
    vt->initialised = false;
    if (vt->v && vt->v->arch)
        vt->v->arch->vtimer = NULL;
    arch_irq_restore(flags);
}

void vtimer_vcpu_destroy(struct vcpu *v)
{
    struct vgic_cpu *vc = vgic_cpu_of(v);

    if (vc)
        vtimer_cpu_destroy(vc);
}

void vtimer_save(struct vcpu *v)
{
    struct vtimer *vt = vtimer_of(v);
    unsigned int cpu = smp_processor_id();
    unsigned long flags;
    s_time_t deadline;
    uint64_t ctl;

    if (!vt)
        return;
    spin_lock_irqsave(&vt->lock, flags);
    if (!vt->loaded) {
        spin_unlock_irqrestore(&vt->lock, flags);
        return;
    }
    ctl = vtimer_hw_read_ctl();
    vt->cval = vtimer_hw_read_cval();
    /* Off while someone else runs here. */
    vtimer_hw_write_ctl(0);
    vgic_hw_sync();
    vt->ctl = ctl & (VT_CTL_ENABLE | VT_CTL_IMASK);
    vt->loaded = false;
    if (this_cpu(vtimer_loaded) == vt)
        this_cpu(vtimer_loaded) = NULL;

    if ((vt->ctl & VT_CTL_ENABLE) && !(vt->ctl & VT_CTL_IMASK) &&
        cval_to_deadline(vt->cval, &deadline)) {
        if (vt->timer.cpu != cpu)
            migrate_timer(&vt->timer, cpu);
        set_timer(&vt->timer, deadline);
    }
    spin_unlock_irqrestore(&vt->lock, flags);
}

void vtimer_restore(struct vcpu *v)
{
    struct vtimer *vt = vtimer_of(v);
    unsigned long flags;

    if (!vt)
        return;
    spin_lock_irqsave(&vt->lock, flags);
    stop_timer(&vt->timer);
    vtimer_hw_write_cval(vt->cval);
    vtimer_hw_write_ctl(vt->ctl);
    vgic_hw_sync();
    vt->loaded = true;
    this_cpu(vtimer_loaded) = vt;
    spin_unlock_irqrestore(&vt->lock, flags);
}

void vtimer_interrupt(void)
{
    struct vtimer *vt = this_cpu(vtimer_loaded);
    struct vcpu *v = NULL;
    unsigned long flags;
    uint64_t ctl;

    if (!vt) {
        /* Nobody's timer is loaded here: keep the line quiet. */
        vtimer_hw_write_ctl(0);
        vgic_hw_sync();
        return;
    }
    spin_lock_irqsave(&vt->lock, flags);
    ctl = vtimer_hw_read_ctl();
    if (vt->loaded && (ctl & VT_CTL_ENABLE) && (ctl & VT_CTL_ISTATUS) &&
        !(ctl & VT_CTL_IMASK)) {
        vtimer_hw_write_ctl((ctl | VT_CTL_IMASK) & (VT_CTL_ENABLE | VT_CTL_IMASK));
        vgic_hw_sync();
        vt->masked_by_us = true;
        v = vt->v;
    }
    spin_unlock_irqrestore(&vt->lock, flags);
    if (v)
        vgic_inject_irq(v, GUEST_VTIMER_PPI);
}

void vtimer_sync(struct vgic_cpu *vc)
{
    struct vtimer *vt = &vc->vtimer;
    unsigned long flags;

    /* The guest is done with the last timer interrupt: let the line speak again. */
    if (!vt->initialised || !__atomic_load_n(&vt->masked_by_us, __ATOMIC_RELAXED))
        return;
    spin_lock_irqsave(&vt->lock, flags);
    if (vt->masked_by_us) {
        if (vt->loaded && this_cpu(vtimer_loaded) == vt) {
            vtimer_hw_write_ctl(vtimer_hw_read_ctl() & VT_CTL_ENABLE);
            vgic_hw_sync();
        } else {
            s_time_t deadline;

            /* Switched out already: the hypervisor timer stands in for the line. */
            vt->ctl &= ~VT_CTL_IMASK;
            if ((vt->ctl & VT_CTL_ENABLE) && cval_to_deadline(vt->cval, &deadline)) {
                if (vt->timer.cpu != smp_processor_id())
                    migrate_timer(&vt->timer, smp_processor_id());
                set_timer(&vt->timer, deadline);
            }
        }
        vt->masked_by_us = false;
    }
    spin_unlock_irqrestore(&vt->lock, flags);
}
