/*
 * Virtual GICv3: interrupt state, injection, SGIs, and the list-register
 * cache of each vCPU.
 *
 * Every virtual interrupt has one struct vgic_irq (SPIs per domain, SGIs
 * and PPIs per vCPU).  While it is pending or active it sits on the queue
 * of one vCPU (its routing target when it was queued).  The list
 * registers are a cache of the queue: vgic_flush_lrs() loads the most
 * urgent interrupts (active ones first, then pending ones by priority)
 * right before the guest is entered, vgic_sync_lrs() folds what the guest
 * did to them back into the software state right after it exits and
 * empties the LRs.  So LRs never need saving on a context switch; only
 * ICH_VMCR_EL2, the active-priority registers and ICC_SRE_EL1 do.  With
 * nothing queued for the vCPU (the usual hypercall or trap), neither of
 * the two touches a register or the lock.
 *
 * Injection from another pCPU marks the interrupt pending and kicks the
 * target: a running vCPU exits (IPI) and picks it up on re-entry, a
 * blocked one is woken.
 *
 * The state hangs off struct arch_domain.vgic / arch_vcpu.vgic (and
 * arch_vcpu.vtimer points at the timer inside the vCPU's state).
 */
#include <xen/arch.h>
#include <xen/bitops.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/xmalloc.h>
#include <asm/domain.h>
#include <asm/vgic-private.h>

#include <stdarg.h>

/* Hardware facts, read once from ICH_VTR_EL2. */
static unsigned int nr_lrs;
static unsigned int nr_aprs;
static bool hw_probed;

/* The vCPU whose ICH_* state is in this pCPU's registers. */
static DEFINE_PER_CPU(struct vgic_cpu *, vgic_loaded);
/* Physical PPIs we need (maintenance, virtual timer) enabled here. */
static DEFINE_PER_CPU(bool, vgic_ppis_on);

static void vgic_probe_hw(void)
{
    uint64_t vtr;
    unsigned int pre;

    if (hw_probed)
        return;
    vtr = vgic_hw_read_vtr();
    nr_lrs = ICH_VTR_LISTREGS(vtr);
    if (nr_lrs > VGIC_MAX_LRS)
        nr_lrs = VGIC_MAX_LRS;
    /* 5 preemption bits: one APR per group, 6: two, 7: four. */
    pre = ICH_VTR_PREBITS(vtr);
    nr_aprs = pre >= 7 ? 4 : pre == 6 ? 2 : 1;
    hw_probed = true;
}

/* ------------------------------------------------------------ helpers */

/* A vCPU's state goes away: no pCPU may keep pointing at it. */
static void vgic_forget_vcpu(const struct vgic_cpu *vc)
{
    for (unsigned int c = 0; c < NR_CPUS; c++)
        if (per_cpu(vgic_loaded, c) == vc)
            per_cpu(vgic_loaded, c) = NULL;
}

unsigned long vgic_lock(struct vgic_dist *vd)
{
    unsigned long flags;

    spin_lock_irqsave(&vd->lock, flags);
    return flags;
}

void vgic_unlock(struct vgic_dist *vd, unsigned long flags)
{
    spin_unlock_irqrestore(&vd->lock, flags);
}

void vgic_warn_once(struct vgic_dist *vd, unsigned long bit, const char *fmt, ...)
{
    char msg[160];
    va_list ap;

    if (__atomic_fetch_or(&vd->warned, bit, __ATOMIC_RELAXED) & bit)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printk("vgic: d%u: %s", vd->d->domain_id, msg);
}

/* The inverse of vcpu_id_to_affinity() (asm/domain.h) within this domain. */
int vgic_affinity_to_vcpu(const struct vgic_dist *vd, uint64_t aff)
{
    unsigned int aff0 = aff & 0xff, aff1 = (aff >> 8) & 0xff;
    unsigned int id;

    if ((aff >> 16) & 0xff || (aff >> 32) & 0xff || aff0 >= 16)
        return VGIC_NONE;
    id = aff1 * 16 + aff0;
    return id < vd->nr_vcpus ? (int)id : VGIC_NONE;
}

struct vgic_irq *vgic_irq_of(struct vgic_dist *vd, struct vgic_cpu *vc,
                             unsigned int intid)
{
    if (intid < VGIC_NR_PRIVATE)
        return vc ? &vc->priv[intid] : NULL;
    if (intid - VGIC_NR_PRIVATE < vd->nr_spis)
        return &vd->spis[intid - VGIC_NR_PRIVATE];
    return NULL;
}

static void kick_add(struct vgic_kick *kick, int id)
{
    if (kick && id >= 0 && id < VGIC_MAX_VCPUS)
        __set_bit((unsigned int)id, kick->mask);
}

void vgic_kick_all(struct vgic_dist *vd, struct vgic_kick *kick)
{
    for (unsigned int i = 0; i < vd->nr_vcpus; i++)
        if (vd->vcpus[i] && !list_is_empty(&vd->vcpus[i]->queue))
            kick_add(kick, (int)i);
}

/* Could the guest take it if its CPU interface allowed? */
static bool irq_deliverable(const struct vgic_dist *vd, const struct vgic_irq *irq)
{
    return vd->enabled && irq->enabled && irq->pending;
}

void vgic_irq_update(struct vgic_dist *vd, struct vgic_irq *irq,
                     struct vgic_kick *kick)
{
    struct vgic_cpu *tvc;

    /* In a running vCPU's LRs: that vCPU sorts it out at its next exit. */
    if (irq->lr != VGIC_NONE) {
        kick_add(kick, irq->queued_on);
        return;
    }

    if (!irq->pending && !irq->active) {
        if (irq->queued_on != VGIC_NONE) {
            list_remove(&irq->link);
            irq->queued_on = VGIC_NONE;
        }
        return;
    }

    tvc = irq->target != VGIC_NONE ? vd->vcpus[irq->target] : NULL;
    if (irq->queued_on != VGIC_NONE) {
        /* Re-routed: an active one stays until the guest is done with it. */
        if (!irq->active && tvc && irq->queued_on != irq->target) {
            list_remove(&irq->link);
            list_push_back(&tvc->queue, &irq->link);
            irq->queued_on = irq->target;
        }
    } else if (tvc) {
        list_push_back(&tvc->queue, &irq->link);
        irq->queued_on = irq->target;
    }

    if (irq->queued_on != VGIC_NONE && irq_deliverable(vd, irq))
        kick_add(kick, irq->queued_on);
}

void vgic_irq_set_pending(struct vgic_dist *vd, struct vgic_irq *irq, bool set,
                          struct vgic_kick *kick)
{
    irq->pending = set;
    irq->drop_pending = !set && irq->lr != VGIC_NONE;
    vgic_irq_update(vd, irq, kick);
}

void vgic_irq_set_active(struct vgic_dist *vd, struct vgic_irq *irq, bool set,
                         struct vgic_kick *kick)
{
    irq->active = set;
    irq->drop_active = !set && irq->lr != VGIC_NONE;
    vgic_irq_update(vd, irq, kick);
}

void vgic_irq_set_enabled(struct vgic_dist *vd, struct vgic_irq *irq, bool set,
                          struct vgic_kick *kick)
{
    irq->enabled = set;
    vgic_irq_update(vd, irq, kick);
}

void vgic_spi_set_route(struct vgic_dist *vd, unsigned int spi, uint64_t irouter,
                        struct vgic_kick *kick)
{
    struct vgic_irq *irq = &vd->spis[spi];

    irouter &= GICD_IROUTER_MASK;
    vd->irouter[spi] = irouter;
    /* "Any PE" mode: vCPU 0 takes them. */
    irq->target = (irouter & GICD_IROUTER_IRM) ? 0 : vgic_affinity_to_vcpu(vd, irouter);
    vgic_irq_update(vd, irq, kick);
}

static void vgic_kick_vcpu(struct vcpu *v)
{
    /* Wake it if blocked (WFI, SCHEDOP_block); make it re-enter if running. */
    vcpu_unblock(v);
    arch_vcpu_kick(v);
}

void vgic_do_kicks(struct vgic_dist *vd, const struct vgic_kick *kick)
{
    struct domain *d = vd->d;

    for (unsigned int i = 0; i < VGIC_MAX_VCPUS && i < d->max_vcpus; i++)
        if (test_bit(i, kick->mask) && d->vcpu && d->vcpu[i])
            vgic_kick_vcpu(d->vcpu[i]);
}

/* ------------------------------------------------------------ init */

int vgic_domain_init(struct domain *d, unsigned int nr_spis)
{
    struct vgic_dist *vd;

    if (!d || !d->arch || !d->max_vcpus || d->max_vcpus > VGIC_MAX_VCPUS)
        return -EINVAL;
    if (nr_spis > VGIC_MAX_SPIS)
        return -EINVAL;
    if (vgic_dist_of(d))
        return -EEXIST;

    /* Whole registers of 32 lines, but no INTID beyond 1019. */
    nr_spis = (nr_spis + 31) & ~31U;
    if (nr_spis > VGIC_MAX_SPIS)
        nr_spis = VGIC_MAX_SPIS;

    vd = xzalloc(struct vgic_dist);
    if (!vd)
        return -ENOMEM;
    spin_lock_init(&vd->lock);
    vd->d = d;
    vd->nr_spis = nr_spis;
    vd->nr_vcpus = d->max_vcpus;
    if (d->domain_id == 0) {
        vd->gicd_base = DOM0_VGICD_BASE;
        vd->gicr_base = DOM0_VGICR_BASE;
    } else {
        /* Where Xen's toolstack (libxl) puts the GICv3 in a guest's device tree. */
        vd->gicd_base = VGIC_DOMU_GICD_BASE;
        vd->gicr_base = VGIC_DOMU_GICR_BASE;
    }
    vd->vcpus = xzalloc_array(struct vgic_cpu *, vd->nr_vcpus);
    if (nr_spis) {
        vd->spis = xzalloc_array(struct vgic_irq, nr_spis);
        vd->irouter = xzalloc_array(uint64_t, nr_spis);
    }
    if (!vd->vcpus || (nr_spis && (!vd->spis || !vd->irouter))) {
        xfree(vd->irouter);
        xfree(vd->spis);
        xfree(vd->vcpus);
        xfree(vd);
        return -ENOMEM;
    }
    for (unsigned int i = 0; i < nr_spis; i++) {
        struct vgic_irq *irq = &vd->spis[i];

        list_init(&irq->link);
        irq->intid = (uint16_t)(VGIC_NR_PRIVATE + i);
        irq->target = 0;            /* IROUTER 0: vCPU 0 */
        irq->queued_on = VGIC_NONE;
        irq->lr = VGIC_NONE;
    }

    d->arch->vgic = vd;
    return 0;
}

void vgic_domain_destroy(struct domain *d)
{
    struct vgic_dist *vd = vgic_dist_of(d);

    if (!vd)
        return;
    for (unsigned int i = 0; i < vd->nr_vcpus; i++)
        if (vd->vcpus[i])
            vgic_vcpu_destroy(vd->vcpus[i]->v);
    d->arch->vgic = NULL;

    xfree(vd->irouter);
    xfree(vd->spis);
    xfree(vd->vcpus);
    xfree(vd);
}

int vgic_vcpu_init(struct vcpu *v)
{
    struct vgic_dist *vd;
    struct vgic_cpu *vc;
    unsigned long flags;
    int rc = 0;

    if (!v || !v->arch)
        return -EINVAL;
    vd = vgic_dist_of(v->domain);
    if (!vd || v->vcpu_id >= vd->nr_vcpus)
        return -EINVAL;
    if (v->arch->vgic)
        return -EEXIST;

    vc = xzalloc(struct vgic_cpu);
    if (!vc)
        return -ENOMEM;
    vc->dist = vd;
    vc->v = v;
    vc->id = v->vcpu_id;
    vc->mpidr = vcpu_id_to_affinity(v->vcpu_id);
    list_init(&vc->queue);
    for (unsigned int i = 0; i < VGIC_NR_PRIVATE; i++) {
        struct vgic_irq *irq = &vc->priv[i];

        list_init(&irq->link);
        irq->intid = (uint16_t)i;
        irq->target = (int16_t)v->vcpu_id;
        irq->queued_on = VGIC_NONE;
        irq->lr = VGIC_NONE;
        /* SGIs are edge-triggered and start enabled. */
        irq->edge = i < VGIC_NR_SGIS;
        irq->enabled = i < VGIC_NR_SGIS;
    }
    vc->waker = GICR_WAKER_PS;
    vc->sre_el1 = VGIC_SRE_EL1_INIT;
    spin_lock_init(&vc->vtimer.lock);

    flags = vgic_lock(vd);
    if (vd->vcpus[v->vcpu_id])
        rc = -EEXIST;
    else
        vd->vcpus[v->vcpu_id] = vc;
    vgic_unlock(vd, flags);
    if (rc)
        xfree(vc);
    else
        v->arch->vgic = vc;
    return rc;
}

void vgic_vcpu_destroy(struct vcpu *v)
{
    struct vgic_dist *vd;
    struct vgic_cpu *vc;
    unsigned long flags;

    if (!v)
        return;
    vd = vgic_dist_of(v->domain);
    vc = vgic_cpu_of(v);
    if (!vd || !vc)
        return;

    vtimer_cpu_destroy(vc);

    flags = vgic_lock(vd);
    /* Shared interrupts queued here lose their place (but not their state). */
    while (!list_is_empty(&vc->queue)) {
        struct vgic_irq *irq = container_of(list_front(&vc->queue), struct vgic_irq, link);

        list_remove(&irq->link);
        irq->queued_on = VGIC_NONE;
        irq->lr = VGIC_NONE;
    }
    vd->vcpus[vc->id] = NULL;
    vgic_unlock(vd, flags);
    v->arch->vgic = NULL;

    flags = arch_irq_save();
    vgic_forget_vcpu(vc);
    arch_irq_restore(flags);
    xfree(vc);
}

/* ------------------------------------------------------------ injection */

void vgic_inject_irq(struct vcpu *v, unsigned int virq)
{
    struct vgic_dist *vd;
    struct vgic_cpu *vc;
    struct vgic_irq *irq;
    struct vgic_kick kick = { { 0 } };
    unsigned long flags;

    if (!v)
        return;
    vd = vgic_dist_of(v->domain);
    vc = vgic_cpu_of(v);
    if (!vd || !vc)
        return;

    flags = vgic_lock(vd);
    irq = vgic_irq_of(vd, vc, virq);
    if (irq)
        vgic_irq_set_pending(vd, irq, true, &kick);
    vgic_unlock(vd, flags);

    if (!irq) {
        vgic_warn_once(vd, VGIC_WARN_BAD_INJECT, "injection of INTID %u ignored\n", virq);
        return;
    }
    vgic_do_kicks(vd, &kick);
}

bool vgic_emulate_sgi1r(struct vcpu *v, uint64_t val)
{
    struct vgic_dist *vd;
    struct vgic_cpu *self;
    struct vgic_kick kick = { { 0 } };
    unsigned int sgi = SGI1R_INTID(val);
    unsigned long flags;

    if (!v)
        return false;
    vd = vgic_dist_of(v->domain);
    self = vgic_cpu_of(v);
    if (!vd || !self)
        return false;

    flags = vgic_lock(vd);
    if (val & SGI1R_IRM) {
        /* Everyone but the sender. */
        for (unsigned int i = 0; i < vd->nr_vcpus; i++)
            if (vd->vcpus[i] && i != self->id)
                vgic_irq_set_pending(vd, &vd->vcpus[i]->priv[sgi], true, &kick);
    } else if (!SGI1R_AFF3(val) && !SGI1R_AFF2(val) && !SGI1R_RS(val)) {
        /* Our vCPUs all have Aff3 = Aff2 = 0 and Aff0 < 16. */
        unsigned int base = SGI1R_AFF1(val) * 16, targets = SGI1R_TARGETS(val);

        for (unsigned int b = 0; b < 16; b++) {
            unsigned int id = base + b;

            if ((targets & (1U << b)) && id < vd->nr_vcpus && vd->vcpus[id])
                vgic_irq_set_pending(vd, &vd->vcpus[id]->priv[sgi], true, &kick);
        }
    }
    vgic_unlock(vd, flags);
    vgic_do_kicks(vd, &kick);
    return true;
}

/* ------------------------------------------------------------ pending check */

bool vgic_vcpu_pending_irq(struct vcpu *v)
{
    struct vgic_dist *vd;
    struct vgic_cpu *vc;
    struct list_node *n;
    unsigned long flags;
    uint64_t vmcr;
    unsigned int pmr;
    bool found = false;

    if (!v)
        return false;
    vd = vgic_dist_of(v->domain);
    vc = vgic_cpu_of(v);
    if (!vd || !vc)
        return false;

    flags = vgic_lock(vd);
    /* The live VMCR when it is loaded here (the guest may have changed its PMR). */
    vmcr = this_cpu(vgic_loaded) == vc ? vgic_hw_read_vmcr() : vc->vmcr;
    pmr = (unsigned int)(vmcr >> ICH_VMCR_VPMR_SHIFT) & 0xff;
    if (vd->enabled && (vmcr & ICH_VMCR_VENG1)) {
        for (n = vc->queue.next; n != &vc->queue && !found; n = n->next) {
            struct vgic_irq *irq = container_of(n, struct vgic_irq, link);

            found = irq->pending && irq->enabled && !irq->active && irq->priority < pmr;
        }
        /* Loaded as pending on a pCPU (it runs): the LR value from the flush. */
        for (unsigned int i = 0; vc->lrs_loaded && i < vc->nr_lrs_used && !found; i++) {
            struct vgic_irq *irq = vc->lr_irq[i];

            found = (vc->lr_val[i] & (ICH_LR_PENDING | ICH_LR_ACTIVE)) == ICH_LR_PENDING &&
                    irq->priority < pmr;
        }
    }
    vgic_unlock(vd, flags);
    return found;
}

/* ------------------------------------------------------------ list registers */

/* Sort key: active ones first, then by priority (lower value = more urgent). */
static unsigned int lr_key(const struct vgic_irq *irq)
{
    return (irq->active ? 0 : 0x100U) | irq->priority;
}

/* Load the most urgent of a non-empty queue into the LRs. */
static void __attribute__((noinline)) flush_lrs_slow(struct vgic_cpu *vc)
{
    struct vgic_dist *vd = vc->dist;
    struct vgic_irq *sel[VGIC_MAX_LRS];
    struct list_node *n;
    unsigned int nsel = 0, nactive = 0;
    bool overflow = false;
    unsigned long flags;

    vgic_probe_hw();
    flags = vgic_lock(vd);
    for (n = vc->queue.next; n != &vc->queue; n = n->next) {
        struct vgic_irq *irq = container_of(n, struct vgic_irq, link);
        unsigned int pos;

        if (!irq->active && !irq_deliverable(vd, irq))
            continue;
        nactive += irq->active;
        /* Insertion into the sorted selection of the nr_lrs best. */
        pos = nsel;
        while (pos > 0 && lr_key(sel[pos - 1]) > lr_key(irq))
            pos--;
        if (pos >= nr_lrs) {
            overflow = true;
            continue;
        }
        if (nsel == nr_lrs) {
            overflow = true;
            nsel--;             /* the least urgent one drops out */
        }
        for (unsigned int j = nsel; j > pos; j--)
            sel[j] = sel[j - 1];
        sel[pos] = irq;
        nsel++;
    }
    if (nactive > nr_lrs)
        vgic_warn_once(vd, VGIC_WARN_LR_OVERFLOW,
                       "d%uv%u has more active interrupts than list registers\n",
                       vd->d->domain_id, vc->id);

    for (unsigned int i = 0; i < nsel; i++) {
        struct vgic_irq *irq = sel[i];
        uint64_t lr = (uint64_t)irq->intid | ICH_LR_GROUP1 |
                      ((uint64_t)irq->priority << ICH_LR_PRIO_SHIFT);

        if (irq_deliverable(vd, irq)) {
            lr |= ICH_LR_PENDING;
            irq->pending = false;       /* the LR holds it now */
        }
        if (irq->active)
            lr |= ICH_LR_ACTIVE;
        /* The timer line stays masked until the guest deactivates it: hear about that. */
        if (irq->intid == GUEST_VTIMER_PPI && vc->vtimer.masked_by_us)
            lr |= ICH_LR_EOI;
        irq->lr = (int8_t)i;
        vc->lr_irq[i] = irq;
        vc->lr_val[i] = lr;
        vgic_hw_write_lr(i, lr);
    }
    /* LRs nsel.. are zero already: every sync clears the ones it read. */
    vc->nr_lrs_used = nsel;
    vc->lrs_loaded = true;
    /*
     * More than fits: exit when the LRs drain (with one LR that would be
     * at once).  Otherwise ICH_HCR_EL2 is plain En from the last sync or
     * restore: leave it.
     */
    vc->hcr_uie = overflow && nr_lrs > 1;
    if (vc->hcr_uie)
        vgic_hw_write_hcr(ICH_HCR_EN | ICH_HCR_UIE);
    vgic_unlock(vd, flags);
}

void vgic_flush_lrs(struct vcpu *v)
{
    struct vgic_cpu *vc = vgic_cpu_of(v);

    if (!vc)
        return;
    if (vc->lrs_loaded)
        vgic_sync_lrs(v);     /* never load twice */

    /*
     * Fast path: nothing pending or active for this vCPU (its queue holds
     * every such interrupt routed here, the timer's and the upcall's too).
     * The LRs are all zero and ICH_HCR_EL2 is plain En already, so there
     * is nothing to write and no lock to take.  An interrupt queued by
     * another pCPU after this unlocked look is not lost: its injector
     * kicks us (arch_vcpu_kick() sees is_running, see the barrier in
     * vgic_restore_state()), and the IPI, taken right after the eret,
     * brings us back here.  One from this pCPU was queued before we got
     * here (IRQs are masked now).
     */
    vc->lrs_loaded = true;
    if (__atomic_load_n(&vc->queue.next, __ATOMIC_RELAXED) == &vc->queue) {
        vc->nr_lrs_used = 0;    /* the sync still checks the timer's mask */
        return;
    }
    flush_lrs_slow(vc);
}

/* Only the timer's mask may need lifting (no LR was used). */
static void __attribute__((noinline)) sync_timer_only(struct vgic_cpu *vc)
{
    unsigned long flags = vgic_lock(vc->dist);
    bool timer_idle = !vc->priv[GUEST_VTIMER_PPI].pending &&
                      !vc->priv[GUEST_VTIMER_PPI].active;

    vgic_unlock(vc->dist, flags);
    if (timer_idle)
        vtimer_sync(vc);
}

/* Read back the LRs the last flush used. */
static void __attribute__((noinline)) sync_lrs_slow(struct vgic_cpu *vc)
{
    struct vgic_dist *vd = vc->dist;
    struct vgic_kick kick = { { 0 } };
    unsigned long flags;
    bool timer_idle;

    flags = vgic_lock(vd);
    for (unsigned int i = 0; i < vc->nr_lrs_used; i++) {
        struct vgic_irq *irq = vc->lr_irq[i];
        uint64_t lr = vgic_hw_read_lr(i);

        vgic_hw_write_lr(i, 0);
        vc->lr_irq[i] = NULL;
        if (!irq)
            continue;
        irq->lr = VGIC_NONE;
        if (irq->drop_active)
            irq->active = false;
        else
            irq->active = !!(lr & ICH_LR_ACTIVE);
        if ((lr & ICH_LR_PENDING) && !irq->drop_pending)
            irq->pending = true;
        irq->drop_pending = irq->drop_active = false;
        vgic_irq_update(vd, irq, &kick);
    }
    vc->nr_lrs_used = 0;
    vc->lrs_loaded = false;
    /* Nothing for the maintenance interrupt to say until the next flush. */
    if (vc->hcr_uie) {
        vgic_hw_write_hcr(ICH_HCR_EN);
        vc->hcr_uie = false;
    }
    timer_idle = !vc->priv[GUEST_VTIMER_PPI].pending && !vc->priv[GUEST_VTIMER_PPI].active;
    vgic_unlock(vd, flags);

    /* This vCPU picks up its own on re-entry; others may need an IPI. */
    if (vc->id < VGIC_MAX_VCPUS)
        __clear_bit(vc->id, kick.mask);
    vgic_do_kicks(vd, &kick);
    if (timer_idle)
        vtimer_sync(vc);
}

void vgic_sync_lrs(struct vcpu *v)
{
    struct vgic_cpu *vc = vgic_cpu_of(v);

    if (!vc || !vc->lrs_loaded)
        return;
    if (vc->nr_lrs_used) {
        sync_lrs_slow(vc);
        return;
    }
    /* Nothing was loaded (the common case): no LR to read, HCR is plain En. */
    vc->lrs_loaded = false;
    if (__atomic_load_n(&vc->vtimer.masked_by_us, __ATOMIC_RELAXED))
        sync_timer_only(vc);
}

void vgic_maintenance_interrupt(void)
{
    /*
     * Only the exit matters: the LRs are read back on the way in.  Quiet
     * the (level) maintenance line meanwhile: no underflow/no-pending
     * request, no deactivated LR still asking for an EOI notification.
     */
    vgic_probe_hw();
    vgic_hw_write_hcr(vgic_hw_read_hcr() & ~(ICH_HCR_UIE | ICH_HCR_NPIE));
    for (unsigned int i = 0; i < nr_lrs; i++) {
        uint64_t lr = vgic_hw_read_lr(i);

        if ((lr & ICH_LR_EOI) && !(lr & (ICH_LR_PENDING | ICH_LR_ACTIVE)))
            vgic_hw_write_lr(i, lr & ~ICH_LR_EOI);
    }
}

/* ------------------------------------------------------------ context switch */

void vgic_save_state(struct vcpu *v)
{
    struct vgic_cpu *vc = vgic_cpu_of(v);
    unsigned long flags;

    if (!vc)
        return;
    vgic_probe_hw();
    if (vc->lrs_loaded)
        vgic_sync_lrs(v);

    flags = arch_irq_save();
    vc->vmcr = vgic_hw_read_vmcr();
    for (unsigned int i = 0; i < nr_aprs; i++) {
        vc->ap0r[i] = vgic_hw_read_apr(0, i);
        vc->ap1r[i] = vgic_hw_read_apr(1, i);
    }
    vc->sre_el1 = vgic_hw_read_sre_el1();
    vgic_hw_write_hcr(0);
    vc->hw_loaded = false;
    if (this_cpu(vgic_loaded) == vc)
        this_cpu(vgic_loaded) = NULL;
    arch_irq_restore(flags);
}

void vgic_restore_state(struct vcpu *v)
{
    struct vgic_cpu *vc = vgic_cpu_of(v);
    unsigned long flags;

    if (!vc)
        return;
    vgic_probe_hw();

    flags = arch_irq_save();
    if (!this_cpu(vgic_ppis_on)) {
        /* Our physical interrupts: maintenance and the EL1 virtual timer. */
        vgic_hw_enable_ppi(VGIC_MAINT_PPI);
        vgic_hw_enable_ppi(GUEST_VTIMER_PPI);
        /* From here on an LR no vCPU uses is zero (flush relies on it). */
        for (unsigned int i = 0; i < nr_lrs; i++)
            vgic_hw_write_lr(i, 0);
        this_cpu(vgic_ppis_on) = true;
    }
    vgic_hw_write_sre_el1(vc->sre_el1);
    vgic_hw_sync();
    vgic_hw_write_vmcr(vc->vmcr);
    for (unsigned int i = 0; i < nr_aprs; i++) {
        vgic_hw_write_apr(0, i, vc->ap0r[i]);
        vgic_hw_write_apr(1, i, vc->ap1r[i]);
    }
    vgic_hw_write_hcr(ICH_HCR_EN);
    vc->hcr_uie = false;
    vgic_hw_sync();
    vc->hw_loaded = true;
    this_cpu(vgic_loaded) = vc;
    /*
     * The scheduler set v->is_running before switching to it; order that
     * store before the lockless queue reads of every flush from now on.
     * Pairs with the barrier in arch_vcpu_kick(): an injector on another
     * pCPU either sees is_running (and sends the IPI) or we see its queue.
     */
    smp_mb();
    arch_irq_restore(flags);
}

/* ------------------------------------------------------------ MMIO entry */

bool vgic_mmio_access(struct vcpu *v, paddr_t gpa, bool is_write,
                      unsigned int size, uint64_t *val)
{
    struct vgic_dist *vd;
    uint64_t scratch = 0;

    if (!v || !(vd = vgic_dist_of(v->domain)))
        return false;
    if (!val)
        val = &scratch;

    if (gpa >= vd->gicd_base && gpa - vd->gicd_base < DOM0_VGICD_SIZE)
        return vgic_dist_mmio(vd, v, (uint32_t)(gpa - vd->gicd_base), is_write, size, val);

    if (gpa >= vd->gicr_base &&
        gpa - vd->gicr_base < (paddr_t)vd->nr_vcpus * VGIC_GICR_STRIDE) {
        paddr_t rel = gpa - vd->gicr_base;

        return vgic_rdist_mmio(vd, (unsigned int)(rel / VGIC_GICR_STRIDE),
                               (uint32_t)(rel % VGIC_GICR_STRIDE), is_write, size, val);
    }
    return false;
}
