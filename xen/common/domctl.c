/*
 * domctl (hypercall 36): the toolstack's operations on one domain.
 *
 * The flow, learned from Xen 4.17's common/domctl.c: the whole struct
 * xen_domctl is copied in (-EFAULT); an interface version other than
 * XEN_DOMCTL_INTERFACE_VERSION is -EACCES; the target domain is looked
 * up, dying ones included (-ESRCH, except for createdomain, which has
 * none, and getdomaininfo, which searches); XSM decides (-EPERM for
 * anyone but the control domain under the default policy); one domctl
 * runs at a time (a busy lock makes the caller retry through a
 * continuation); the structure goes back to the caller only for the
 * operations that return data in it.  Commands common code does not know
 * go to arch_do_domctl() (-ENOSYS if it does not know them either).
 * docs/domain-control.md lists every command and its errors.
 */
#include "hypercall_env.h"
#include "control.h"
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/xmalloc.h>
#include <xen/event.h>
#include <xen/arch.h>
#include <xsm/xsm.h>

static DEFINE_SPINLOCK(domctl_lock);

/* destroydomain gives frames back in batches of this many between preemption checks. */
#define RELINQUISH_BATCH    512u

/* Xen's limit on toolstack pauses of one domain. */
#define MAX_CONTROLLER_PAUSES   255u

/* The stage-2 pool size a new domain reports before the toolstack sets one, as on Xen. */
#ifdef CONFIG_X86
#define INITIAL_PAGING_POOL_PAGES   256u
#else
#define INITIAL_PAGING_POOL_PAGES   16u
#endif

/* ------------------------------------------------------------ helpers shared with sysctl.c */

unsigned int ctl_nr_cpu_ids(void)
{
    unsigned int cpu, last = 0;

    for_each_online_cpu(cpu)
        last = cpu;
    return last + 1;
}

int ctl_bitmap_to_guest(struct xenctl_bitmap *xb, const unsigned long *bits,
                        unsigned int nbits)
{
    uint8_t bytes[(NR_CPUS + 7) / 8];
    unsigned int guest_bytes = (xb->nr_bits + 7) / 8;
    unsigned int our_bytes = (nbits + 7) / 8;
    unsigned int n = guest_bytes < our_bytes ? guest_bytes : our_bytes;

    /* Our maps are CPU or node maps: never more bits than NR_CPUS. */
    if (n > sizeof(bytes))
        n = sizeof(bytes);
    memset(bytes, 0, n);
    for (unsigned int b = 0; b < n * 8 && b < nbits; b++)
        if (test_bit(b, bits))
            bytes[b / 8] |= (uint8_t)(1u << (b % 8));
    if (n && copy_to_guest(xb->bitmap, bytes, n))
        return -EFAULT;
    /* The rest of the caller's map is cleared. */
    if (guest_bytes > n && arch_clear_guest(guest_handle_va(xb->bitmap) + n, guest_bytes - n))
        return -EFAULT;
    return 0;
}

int ctl_bitmap_from_guest(unsigned long *bits, const struct xenctl_bitmap *xb,
                          unsigned int nbits)
{
    uint8_t bytes[(NR_CPUS + 7) / 8];
    unsigned int guest_bytes = (xb->nr_bits + 7) / 8;
    unsigned int our_bytes = (nbits + 7) / 8;
    unsigned int n = guest_bytes < our_bytes ? guest_bytes : our_bytes;

    if (n > sizeof(bytes))
        n = sizeof(bytes);
    for (unsigned int i = 0; i < BITS_TO_LONGS(nbits); i++)
        bits[i] = 0;
    if (!n)
        return 0;
    if (copy_from_guest(bytes, xb->bitmap, n))
        return -EFAULT;
    /* The caller's last byte may be partly beyond its nr_bits. */
    if (n == guest_bytes && (xb->nr_bits & 7))
        bytes[n - 1] &= (uint8_t)((1u << (xb->nr_bits & 7)) - 1);
    for (unsigned int b = 0; b < n * 8 && b < nbits; b++)
        if (bytes[b / 8] & (1u << (b % 8)))
            set_bit(b, bits);
    return 0;
}

void getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    struct vcpu_runstate_info rs;
    uint32_t flags = XEN_DOMINF_blocked;
    uint64_t cpu_time = 0;
    unsigned long pages;
    struct vcpu *v;

    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;

    /* Blocked only if every online vCPU is; running if any is on a CPU. */
    for_each_vcpu(d, v) {
        vcpu_runstate_get(v, &rs);
        cpu_time += rs.time[RUNSTATE_running];
        info->max_vcpu_id = v->vcpu_id;
        if (test_bit(VPF_DOWN, &v->pause_flags))
            continue;
        if (!test_bit(VPF_BLOCKED, &v->pause_flags))
            flags &= ~XEN_DOMINF_blocked;
        if (read_atomic(&v->is_running))
            flags |= XEN_DOMINF_running;
        info->nr_online_vcpus++;
    }
    info->cpu_time = cpu_time;

    /* Before any shutdown the code is ~0: bits 16-31 all set, as on Xen. */
    info->flags = (info->nr_online_vcpus ? flags : 0) |
                  /* Dying once destruction has done its part (Xen's DOMDYING_dead). */
                  (read_atomic(&d->is_dying) && !read_atomic(&d->kill_in_progress) ?
                   XEN_DOMINF_dying : 0) |
                  (read_atomic(&d->is_shut_down) ? XEN_DOMINF_shutdown : 0) |
                  (read_atomic(&d->controller_pause_count) ? XEN_DOMINF_paused : 0) |
                  (d->debugger_attached ? XEN_DOMINF_debugged : 0) |
                  ((d->cdf & XEN_DOMCTL_CDF_xs_domain) ? XEN_DOMINF_xs_domain : 0) |
                  ((d->cdf & XEN_DOMCTL_CDF_hvm) ? XEN_DOMINF_hvm_guest : 0) |
                  (read_atomic(&d->shutdown_code) << XEN_DOMINF_shutdownshift);

    xsm_security_domaininfo(d, info);

    /* Xen keeps these counters in 32 bits: "unlimited" reads as 2^32 - 1. */
    info->tot_pages = read_atomic(&d->tot_pages);
    pages = read_atomic(&d->max_pages);
    info->max_pages = pages > UINT_MAX ? UINT_MAX : pages;
    info->shared_info_frame = mfn_x(d->shared_info_mfn);
    info->cpupool = 0;
    memcpy(info->handle, d->handle, sizeof(info->handle));

    arch_get_domain_info(d, info);
}

/* ------------------------------------------------------------ I/O capabilities */

static bool iocap_covers(const struct iocap_set *set, uint64_t s, uint64_t e)
{
    for (unsigned int i = 0; i < set->nr; i++)
        if (set->r[i].s <= s && e <= set->r[i].e)
            return true;
    return false;
}

bool iomem_access_permitted(struct domain *d, uint64_t s, uint64_t e)
{
    unsigned long flags;
    bool ok;

    if (is_hardware_domain(d))
        return true;
    spin_lock_irqsave(&d->lock, flags);
    ok = iocap_covers(&d->iomem_caps, s, e);
    spin_unlock_irqrestore(&d->lock, flags);
    return ok;
}

bool irq_access_permitted(struct domain *d, unsigned int irq)
{
    unsigned long flags;
    bool ok;

    if (is_hardware_domain(d))
        return true;
    spin_lock_irqsave(&d->lock, flags);
    ok = iocap_covers(&d->irq_caps, irq, irq);
    spin_unlock_irqrestore(&d->lock, flags);
    return ok;
}

/* Add [s, e], merging with overlapping and adjacent ranges; -ENOMEM when full. */
static int iocap_add(struct iocap_set *set, uint64_t s, uint64_t e)
{
    unsigned int i = 0, j;

    /* First range that ends at or after s - 1 (could touch [s, e]). */
    while (i < set->nr && set->r[i].e + 1 < s && set->r[i].e != (uint64_t)~0ULL)
        i++;
    /* Ranges i .. j-1 overlap or touch [s, e]: they merge into one. */
    for (j = i; j < set->nr && (e == (uint64_t)~0ULL || set->r[j].s <= e + 1); j++) {
        if (set->r[j].s < s)
            s = set->r[j].s;
        if (set->r[j].e > e)
            e = set->r[j].e;
    }
    if (j == i) {
        if (set->nr == IOCAP_MAX_RANGES)
            return -ENOMEM;
        memmove(&set->r[i + 1], &set->r[i], (set->nr - i) * sizeof(set->r[0]));
        set->nr++;
    } else if (j > i + 1) {
        memmove(&set->r[i + 1], &set->r[j], (set->nr - j) * sizeof(set->r[0]));
        set->nr -= j - i - 1;
    }
    set->r[i].s = s;
    set->r[i].e = e;
    return 0;
}

/* Remove [s, e]; splitting a range may need a slot (-ENOMEM). */
static int iocap_remove(struct iocap_set *set, uint64_t s, uint64_t e)
{
    for (unsigned int i = 0; i < set->nr; i++) {
        uint64_t rs = set->r[i].s, re = set->r[i].e;

        if (re < s || rs > e)
            continue;
        if (rs < s && re > e) {
            if (set->nr == IOCAP_MAX_RANGES)
                return -ENOMEM;
            memmove(&set->r[i + 1], &set->r[i], (set->nr - i) * sizeof(set->r[0]));
            set->nr++;
            set->r[i].e = s - 1;
            set->r[i + 1].s = e + 1;
            return 0;
        }
        if (rs < s) {
            set->r[i].e = s - 1;
        } else if (re > e) {
            set->r[i].s = e + 1;
        } else {
            memmove(&set->r[i], &set->r[i + 1], (set->nr - i - 1) * sizeof(set->r[0]));
            set->nr--;
            i--;
        }
    }
    return 0;
}

static int iocap_change(struct domain *d, struct iocap_set *set, uint64_t s, uint64_t e,
                        bool allow)
{
    unsigned long flags;
    int rc;

    spin_lock_irqsave(&d->lock, flags);
    rc = allow ? iocap_add(set, s, e) : iocap_remove(set, s, e);
    spin_unlock_irqrestore(&d->lock, flags);
    return rc;
}

/* ------------------------------------------------------------ domain ids */

static bool domid_is_free(domid_t id)
{
    struct domain *d;

    if (id >= DOMID_FIRST_RESERVED)
        return false;
    domid_t found;

    d = domain_find_from(id);
    if (!d)
        return true;
    found = d->domain_id;
    put_domain(d);
    return found != id;
}

/* The id createdomain hands out when the caller asked for none: the next free one after the last. */
static int domid_allocate(domid_t *out)
{
    static domid_t rover;
    domid_t id;

    for (id = rover + 1; id != rover; id++) {
        if (id == DOMID_FIRST_RESERVED)
            id = 1;
        if (domid_is_free(id))
            break;
    }
    if (id == rover)
        return -ENOMEM;
    rover = id;
    *out = id;
    return 0;
}

/* The domain with exactly this id (dying ones too), with a reference. */
static struct domain *ctl_lookup(domid_t id)
{
    struct domain *d = domain_find_from(id);

    if (d && d->domain_id != id) {
        put_domain(d);
        d = NULL;
    }
    return d;
}

/* ------------------------------------------------------------ the commands */

static long domctl_createdomain(struct xen_domctl *op)
{
    struct xen_domctl_createdomain *cfg = &op->u.createdomain;
    struct domain *d;
    domid_t id = op->domain;
    unsigned long flags;
    int rc;

    /* 1 .. DOMID_FIRST_RESERVED-1 is a wish; 0 (or a reserved id) asks us to choose. */
    if (id > 0 && id < DOMID_FIRST_RESERVED) {
        if (!domid_is_free(id))
            return -EEXIST;
    } else if ((rc = domid_allocate(&id)) != 0) {
        return rc;
    }

    /* What domain_create() does not look at itself. */
    if (cfg->grant_opts & ~XEN_DOMCTL_GRANT_version_mask)
        return -EINVAL;

    d = domain_create(id, cfg, false, &rc);
    if (!d)
        return rc;
    rc = xsm_domain_create(XSM_HOOK, d, cfg->ssidref);
    if (rc) {
        domain_kill(d);
        return rc;
    }
    /* A toolstack's domain may own nothing until max_mem says how much (Xen: 0). */
    spin_lock_irqsave(&d->page_alloc_lock, flags);
    d->max_pages = 0;
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    write_atomic(&d->paging_mempool_pages, INITIAL_PAGING_POOL_PAGES);
    /* Hand back what the arch settled (Arm: the GIC version chosen for "native"). */
    arch_sanitise_domain_config(cfg);
    op->domain = id;
    return 0;
}

static long domctl_destroydomain(struct domain *d, XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u)
{
    int rc;

    /* A domain cannot take itself apart from inside (Xen's domain_kill()). */
    if (d == current->domain)
        return -EINVAL;
    while ((rc = domain_kill_preemptible(d, RELINQUISH_BATCH)) == -ERESTART)
        if (hc_preempt_check())
            return (long)hypercall_create_continuation(__HYPERVISOR_domctl, "h", u.p);
    return rc;
}

static long domctl_getdomaininfo(struct xen_domctl *op, struct domain *d)
{
    struct domain *found = d;
    long rc;

    /* No such domain: the next one up, as Xen (its toolstack walks the list this way). */
    if (!found) {
        if (op->domain >= DOMID_FIRST_RESERVED)
            return -EINVAL;
        found = domain_find_from(op->domain);
        if (!found)
            return -ESRCH;
    }
    rc = xsm_getdomaininfo(XSM_HOOK, found);
    if (!rc) {
        getdomaininfo(found, &op->u.getdomaininfo);
        op->domain = op->u.getdomaininfo.domain;
    }
    if (found != d)
        put_domain(found);
    return rc;
}

static long domctl_max_vcpus(struct domain *d, unsigned int max)
{
    long rc = 0;

    /* The count is fixed at creation: this only creates the vCPUs. */
    if (d == current->domain || max != d->max_vcpus)
        return -EINVAL;
    domain_pause(d);
    for (unsigned int i = 0; i < max; i++) {
        if (d->vcpu[i])
            continue;
        if (!vcpu_create(d, i)) {
            rc = -ENOMEM;
            break;
        }
    }
    domain_unpause(d);
    return rc;
}

static bool vcpu_has_context(const struct vcpu *v)
{
    return read_atomic(&v->is_initialised) || !test_bit(VPF_DOWN, &v->pause_flags);
}

static long domctl_setvcpucontext(struct domain *d, struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context *ctxt;
    struct vcpu *v;
    long rc;

    if (d == current->domain || vc->vcpu >= d->max_vcpus || !(v = d->vcpu[vc->vcpu]))
        return -EINVAL;

    /* No context: back to the power-on state, down. */
    if (guest_handle_is_null(vc->ctxt)) {
        domain_pause(d);
        arch_reset_vcpu_context(v);
        vcpu_down(v);
        clear_bit(VPF_BLOCKED, &v->pause_flags);
        write_atomic(&v->is_initialised, false);
        domain_unpause(d);
        return 0;
    }

    ctxt = xmalloc(struct vcpu_guest_context);
    if (!ctxt)
        return -ENOMEM;
    if (copy_from_guest(ctxt, vc->ctxt, 1)) {
        rc = -EFAULT;
    } else {
        domain_pause(d);
        rc = arch_set_vcpu_context(v, ctxt);
        if (!rc)
            write_atomic(&v->is_initialised, true);
        domain_unpause(d);
    }
    xfree(ctxt);
    return rc;
}

static long domctl_getvcpucontext(struct domain *d, struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context *ctxt;
    struct vcpu *v;
    long rc;

    if (vc->vcpu >= d->max_vcpus || !(v = d->vcpu[vc->vcpu]) || v == current)
        return -EINVAL;
    if (!vcpu_has_context(v))
        return -ENODATA;
    ctxt = xzalloc(struct vcpu_guest_context);
    if (!ctxt)
        return -ENOMEM;
    vcpu_pause(v);
    rc = arch_get_vcpu_context(v, ctxt);
    vcpu_unpause(v);
    if (!rc && copy_to_guest(vc->ctxt, ctxt, 1))
        rc = -EFAULT;
    xfree(ctxt);
    return rc;
}

static long domctl_getvcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *vi)
{
    struct vcpu_runstate_info rs;
    struct vcpu *v;

    if (vi->vcpu >= d->max_vcpus)
        return -EINVAL;
    if (!(v = d->vcpu[vi->vcpu]))
        return -ESRCH;
    vcpu_runstate_get(v, &rs);
    vi->online = !test_bit(VPF_DOWN, &v->pause_flags);
    vi->blocked = test_bit(VPF_BLOCKED, &v->pause_flags);
    vi->running = read_atomic(&v->is_running);
    vi->cpu_time = rs.time[RUNSTATE_running];
    vi->cpu = read_atomic(&v->processor);
    return 0;
}

static long domctl_vcpuaffinity(struct domain *d, unsigned int cmd,
                                struct xen_domctl_vcpuaffinity *va)
{
    unsigned int nbits = ctl_nr_cpu_ids();
    cpumask_t hard, soft, eff;
    struct vcpu *v;
    int rc = 0;

    if (va->vcpu >= d->max_vcpus)
        return -EINVAL;
    if (!(v = d->vcpu[va->vcpu]))
        return -ESRCH;
    if (!va->flags ||
        ((va->flags & XEN_VCPUAFFINITY_HARD) && guest_handle_is_null(va->cpumap_hard.bitmap)) ||
        ((va->flags & XEN_VCPUAFFINITY_SOFT) && guest_handle_is_null(va->cpumap_soft.bitmap)))
        return -EINVAL;

    if (cmd == XEN_DOMCTL_getvcpuaffinity) {
        if (va->flags & XEN_VCPUAFFINITY_HARD)
            rc = ctl_bitmap_to_guest(&va->cpumap_hard, v->cpu_hard_affinity.bits, nbits);
        if (!rc && (va->flags & XEN_VCPUAFFINITY_SOFT))
            rc = ctl_bitmap_to_guest(&va->cpumap_soft, v->cpu_soft_affinity.bits, nbits);
        return rc;
    }

    /* Set: both masks are read before anything changes. */
    cpumask_copy(&hard, &v->cpu_hard_affinity);
    cpumask_copy(&soft, &v->cpu_soft_affinity);
    if (va->flags & XEN_VCPUAFFINITY_HARD) {
        rc = ctl_bitmap_from_guest(hard.bits, &va->cpumap_hard, nbits);
        if (rc)
            return rc;
        /* A hard affinity must leave the vCPU somewhere to run. */
        cpumask_and(&eff, &hard, &cpu_online_map);
        if (cpumask_empty(&eff))
            return -EINVAL;
    }
    if (va->flags & XEN_VCPUAFFINITY_SOFT) {
        rc = ctl_bitmap_from_guest(soft.bits, &va->cpumap_soft, nbits);
        if (rc)
            return rc;
    }
    cpumask_copy(&v->cpu_hard_affinity, &hard);
    cpumask_copy(&v->cpu_soft_affinity, &soft);

    /* What comes back is what the scheduler would use. */
    if (va->flags & XEN_VCPUAFFINITY_HARD) {
        cpumask_and(&eff, &hard, &cpu_online_map);
        rc = ctl_bitmap_to_guest(&va->cpumap_hard, eff.bits, nbits);
    }
    if (!rc && (va->flags & XEN_VCPUAFFINITY_SOFT)) {
        cpumask_and(&eff, &soft, &cpu_online_map);
        cpumask_and(&eff, &eff, &hard);
        rc = ctl_bitmap_to_guest(&va->cpumap_soft, eff.bits, nbits);
    }
    return rc;
}

static long domctl_nodeaffinity(struct domain *d, unsigned int cmd,
                                struct xen_domctl_nodeaffinity *na)
{
    unsigned long nodes = 1;    /* node 0 */
    int rc;

    (void)d;
    if (cmd == XEN_DOMCTL_getnodeaffinity)
        return ctl_bitmap_to_guest(&na->nodemap, &nodes, CTL_NR_NODES);
    rc = ctl_bitmap_from_guest(&nodes, &na->nodemap, CTL_NR_NODES);
    if (rc)
        return rc;
    /* It must name an online node; with one node there is nothing to record. */
    return (nodes & 1) ? 0 : -EINVAL;
}

static long domctl_scheduler_op(struct domain *d, struct xen_domctl_scheduler_op *so)
{
    long rc = xsm_domctl_scheduler_op(XSM_HOOK, d, so->cmd);

    if (rc)
        return rc;
    if (so->sched_id != XEN_SCHEDULER_CREDIT)
        return -EINVAL;
    switch (so->cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        so->u.credit.weight = (uint16_t)sched_get_weight(d);
        so->u.credit.cap = d->sched_cap;
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        /* 0 leaves the weight, 0xffff the cap as they are. */
        if (so->u.credit.weight) {
            rc = sched_set_weight(d, so->u.credit.weight);
            if (rc)
                return rc;
        }
        if (so->u.credit.cap != 0xffff)
            d->sched_cap = so->u.credit.cap;
        return 0;
    default:
        /* Per-vCPU parameters: credit has none. */
        return -EINVAL;
    }
}

static long domctl_irq_permission(struct domain *d, struct xen_domctl_irq_permission *ip)
{
    struct domain *caller = current->domain;
    unsigned int pirq = ip->pirq;

    if (pirq >= EVTCHN_NR_PIRQS)
        return -EINVAL;
    /* Physical IRQs map 1:1; 0 is no IRQ.  Only what the caller may use can be given. */
    if (!pirq || !irq_access_permitted(caller, pirq) ||
        xsm_irq_permission(XSM_HOOK, d, pirq, ip->allow_access))
        return -EPERM;
    return iocap_change(d, &d->irq_caps, pirq, pirq, ip->allow_access);
}

static long domctl_iomem_permission(struct domain *d, struct xen_domctl_iomem_permission *ip)
{
    uint64_t s = ip->first_mfn, e = s + ip->nr_mfns - 1;

    if (e < s)
        return -EINVAL;
    if (!iomem_access_permitted(current->domain, s, e) ||
        xsm_iomem_permission(XSM_HOOK, d, s, e, ip->allow_access))
        return -EPERM;
    return iocap_change(d, &d->iomem_caps, s, e, ip->allow_access);
}

static long domctl_memory_mapping(struct domain *d, struct xen_domctl_memory_mapping *mm)
{
    uint64_t gfn = mm->first_gfn, mfn = mm->first_mfn, nr = mm->nr_mfns;
    uint64_t mfn_end = mfn + nr - 1;
    long rc;

    if (mfn_end < mfn || gfn + nr - 1 < gfn)
        return -EINVAL;
    /* Long ranges would have to be preempted: the caller splits them. */
    if (nr > 64)
        return -E2BIG;
    if (!iomem_access_permitted(current->domain, mfn, mfn_end) ||
        !iomem_access_permitted(d, mfn, mfn_end))
        return -EPERM;
    rc = xsm_iomem_mapping(XSM_HOOK, d, mfn, mfn_end, mm->add_mapping);
    if (rc)
        return rc;
    if (mm->add_mapping)
        return p2m_map_range(d, _gfn(gfn), _mfn(mfn), nr, p2m_mmio_direct_dev);
    return p2m_unmap_range(d, _gfn(gfn), nr);
}

static long domctl_set_target(struct domain *d, domid_t target)
{
    struct domain *e = get_domain_by_id(target);
    long rc;

    if (!e)
        return -ESRCH;
    if (d == e || d->target) {
        put_domain(e);
        return -EINVAL;
    }
    rc = (e->cdf & XEN_DOMCTL_CDF_hvm) ? xsm_set_target(XSM_HOOK, d, e) : -EOPNOTSUPP;
    if (rc) {
        put_domain(e);
        return rc;
    }
    /* d keeps the reference on e until d is destroyed. */
    write_atomic(&d->target, e);
    return 0;
}

static long domctl_set_paging_mempool_size(struct domain *d, uint64_t size)
{
    unsigned long pages = (unsigned long)(size >> PAGE_SHIFT);

    /* Whole pages, and a count that fits (32-bit builds). */
    if ((size & (PAGE_SIZE - 1)) || pages != (size >> PAGE_SHIFT))
        return -EINVAL;
    /* Stage-2 tables come from the heap as needed: the size is only recorded. */
    write_atomic(&d->paging_mempool_pages, pages);
    return 0;
}

/* ------------------------------------------------------------ the hypercall */

long do_domctl(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u_domctl)
{
    struct xen_domctl op;
    struct domain *d = NULL;
    bool copyback = false;
    long rc;

    if (copy_from_guest(&op, u_domctl, 1))
        return -EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;

    switch (op.cmd) {
    case XEN_DOMCTL_createdomain:
        break;
    case XEN_DOMCTL_assign_device:
    case XEN_DOMCTL_deassign_device:
        /* DOMID_IO would name the hypervisor's I/O domain; we have none. */
        if (op.domain == DOMID_IO || op.domain == DOMID_INVALID)
            return op.domain == DOMID_IO ? -ENOSYS : -ESRCH;
        goto lookup;
    case XEN_DOMCTL_test_assign_device:
    case XEN_DOMCTL_vm_event_op:
        if (op.domain == DOMID_INVALID)
            break;
        /* fall through */
    default:
    lookup:
        d = ctl_lookup(op.domain);
        if (!d && op.cmd != XEN_DOMCTL_getdomaininfo)
            return -ESRCH;
        break;
    }

    rc = xsm_domctl(XSM_OTHER, d, op.cmd, op.u.createdomain.ssidref);
    if (rc)
        goto out_put;

    if (!spin_trylock(&domctl_lock)) {
        if (d)
            put_domain(d);
        return (long)hypercall_create_continuation(__HYPERVISOR_domctl, "h", u_domctl.p);
    }

    switch (op.cmd) {
    case XEN_DOMCTL_createdomain:
        rc = domctl_createdomain(&op);
        copyback = !rc;
        break;

    case XEN_DOMCTL_destroydomain:
        rc = domctl_destroydomain(d, u_domctl);
        break;

    case XEN_DOMCTL_pausedomain:
        rc = -EINVAL;
        if (d == current->domain)
            break;
        rc = -EOVERFLOW;
        if (read_atomic(&d->controller_pause_count) >= MAX_CONTROLLER_PAUSES)
            break;
        domain_pause_by_systemcontroller(d);
        rc = 0;
        break;

    case XEN_DOMCTL_unpausedomain:
        rc = domain_unpause_by_systemcontroller(d);
        break;

    case XEN_DOMCTL_getdomaininfo:
        rc = domctl_getdomaininfo(&op, d);
        copyback = !rc;
        break;

    case XEN_DOMCTL_max_vcpus:
        rc = domctl_max_vcpus(d, op.u.max_vcpus.max);
        break;

    case XEN_DOMCTL_setvcpucontext:
        rc = domctl_setvcpucontext(d, &op.u.vcpucontext);
        break;

    case XEN_DOMCTL_getvcpucontext:
        rc = domctl_getvcpucontext(d, &op.u.vcpucontext);
        copyback = !rc;
        break;

    case XEN_DOMCTL_getvcpuinfo:
        rc = domctl_getvcpuinfo(d, &op.u.getvcpuinfo);
        copyback = !rc;
        break;

    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity:
        rc = domctl_vcpuaffinity(d, op.cmd, &op.u.vcpuaffinity);
        break;

    case XEN_DOMCTL_setnodeaffinity:
    case XEN_DOMCTL_getnodeaffinity:
        rc = domctl_nodeaffinity(d, op.cmd, &op.u.nodeaffinity);
        break;

    case XEN_DOMCTL_scheduler_op:
        rc = domctl_scheduler_op(d, &op.u.scheduler_op);
        copyback = true;
        break;

    case XEN_DOMCTL_max_mem: {
        uint64_t pages = op.u.max_mem.max_memkb >> (PAGE_SHIFT - 10);
        unsigned long flags;

        /* Below what the domain has already: it can only shrink until it fits. */
        spin_lock_irqsave(&d->page_alloc_lock, flags);
        d->max_pages = pages > UINT_MAX ? UINT_MAX : (unsigned long)pages;
        spin_unlock_irqrestore(&d->page_alloc_lock, flags);
        rc = 0;
        break;
    }

    case XEN_DOMCTL_setdomainhandle:
        memcpy(d->handle, op.u.setdomainhandle.handle, sizeof(d->handle));
        rc = 0;
        break;

    case XEN_DOMCTL_setdebugging:
        rc = -EINVAL;
        if (d == current->domain)
            break;
        domain_pause(d);
        d->debugger_attached = op.u.setdebugging.enable != 0;
        domain_unpause(d);
        rc = 0;
        break;

    case XEN_DOMCTL_irq_permission:
        rc = domctl_irq_permission(d, &op.u.irq_permission);
        break;

    case XEN_DOMCTL_iomem_permission:
        rc = domctl_iomem_permission(d, &op.u.iomem_permission);
        break;

    case XEN_DOMCTL_memory_mapping:
        rc = domctl_memory_mapping(d, &op.u.memory_mapping);
        break;

    case XEN_DOMCTL_settimeoffset:
        d->time_offset_seconds = op.u.settimeoffset.time_offset_seconds;
        write_atomic(&d->time_offset_set, true);
        rc = 0;
        break;

    case XEN_DOMCTL_set_target:
        rc = domctl_set_target(d, op.u.set_target.target);
        break;

    case XEN_DOMCTL_subscribe:
        d->suspend_evtchn = op.u.subscribe.port;
        rc = 0;
        break;

    case XEN_DOMCTL_set_virq_handler:
        rc = set_global_virq_handler(d, op.u.set_virq_handler.virq);
        break;

    case XEN_DOMCTL_get_paging_mempool_size:
        op.u.paging_mempool.size = (uint64_t)read_atomic(&d->paging_mempool_pages) << PAGE_SHIFT;
        rc = 0;
        copyback = true;
        break;

    case XEN_DOMCTL_set_paging_mempool_size:
        rc = domctl_set_paging_mempool_size(d, op.u.paging_mempool.size);
        break;

    default:
        rc = d ? arch_do_domctl(&op, d, &copyback) : -ENOSYS;
        break;
    }

    spin_unlock(&domctl_lock);

 out_put:
    if (d)
        put_domain(d);
    if (copyback && copy_to_guest(u_domctl, &op, 1))
        rc = -EFAULT;
    return rc;
}
