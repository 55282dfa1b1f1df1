/*
 * Domains and their vCPUs: creation, the global list, references,
 * pausing, shutdown and destruction.
 *
 * Lifetime: domain_create() returns a domain holding one reference, the
 * "creation" reference, which domain_kill() drops.  Everyone else holds
 * references taken with get_domain()/get_domain_by_id().  The last
 * put_domain() destroys the domain: vCPUs, arch state, scheduler state,
 * shared_info and every page still on page_list go back.  The domain stays
 * on the list (its domid taken) until then, but dying domains cannot be
 * looked up.  If that last reference goes on a CPU where one of the
 * domain's own vCPUs is current (it killed itself), destruction waits on
 * the reap list until that CPU has switched away (domain_reap()).
 */
#include <xen/sched.h>
#include <xen/mm.h>
#include <xen/xmalloc.h>
#include <xen/bug.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/softirq.h>
#include <xen/event.h>
#include <xen/grant_table.h>

struct domain *hardware_domain;

/*
 * Grant tables (xen/grant_table.h).  The hypervisor links grant_table.c;
 * these do-nothing stand-ins only serve host tests that link this file
 * without it.
 */
__attribute__((__weak__))
int grant_table_init(struct domain *d, int max_grant_frames, int max_maptrack_frames,
                     unsigned int options)
{
    (void)d; (void)max_grant_frames; (void)max_maptrack_frames; (void)options;
    return 0;
}

__attribute__((__weak__)) void gnttab_release_mappings(struct domain *d) { (void)d; }
__attribute__((__weak__)) void grant_table_destroy(struct domain *d) { (void)d; }

/* All domains but the idle one, in domid order; and those waiting to be destroyed. */
static DEFINE_SPINLOCK(domlist_lock);
static LIST_DEFINE(domain_list_head);
static LIST_DEFINE(reap_list);

/* Where vcpu_info points for vCPUs beyond shared_info's array until the guest registers one. */
static struct vcpu_info dummy_vcpu_info;

/* Creation flags common code knows; the arch may refuse some more. */
#define CDF_KNOWN   (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |                  \
                     XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_oos_off |     \
                     XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu |          \
                     XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu)

BUILD_BUG_ON(CDF_KNOWN != ((XEN_DOMCTL_CDF_MAX << 1) - 1));

/* Our own creation flags (public/domctl.h): ABI features hidden from the guest. */
#define CDF_OURS    (XEN_DOMCTL_CDF_no_evtchn_fifo | XEN_DOMCTL_CDF_no_upcall_vector)

BUILD_BUG_ON(CDF_OURS & CDF_KNOWN);

static struct vcpu *curr_or_null(void)
{
    return read_atomic(&per_cpu(curr_vcpu, smp_processor_id()));
}

/* Is one of d's vCPUs current on this CPU? */
static bool running_here(const struct domain *d)
{
    struct vcpu *cur = curr_or_null();

    return cur && cur->domain == d;
}

/* ------------------------------------------------------------ config */

static int sanitise_domain_config(struct xen_domctl_createdomain *config)
{
    if (config->flags & ~(CDF_KNOWN | CDF_OURS))
        return -EINVAL;
    /* Hardware-assisted paging is for HVM guests only. */
    if ((config->flags & XEN_DOMCTL_CDF_hap) && !(config->flags & XEN_DOMCTL_CDF_hvm))
        return -EINVAL;
    /* No tboot, no IOMMU, no vPMU, no processor trace (yet). */
    if (config->flags & (XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_iommu |
                         XEN_DOMCTL_CDF_vpmu))
        return -EINVAL;
    if (config->iommu_opts)
        return -EINVAL;
    if (config->vmtrace_size)
        return -EINVAL;
    if (config->max_vcpus < 1 || config->max_vcpus > DOMAIN_MAX_VCPUS)
        return -EINVAL;
    if (config->cpupool_id != 0)
        return -EINVAL;
    /* Our own flags are common code's business: the arch checks the rest. */
    {
        uint32_t ours = config->flags & CDF_OURS;
        int rc;

        config->flags &= ~ours;
        rc = arch_sanitise_domain_config(config);
        config->flags |= ours;
        return rc;
    }
}

/* ------------------------------------------------------------ list */

static struct domain *find_locked(domid_t domid)
{
    struct domain *d;

    list_foreach_entry(d, &domain_list_head, domain_list)
        if (d->domain_id >= domid)
            return d->domain_id == domid ? d : NULL;
    return NULL;
}

/* Insert d in domid order; -EEXIST if the id is taken. */
static int domlist_insert(struct domain *d)
{
    unsigned long flags;
    struct domain *pos;
    int rc = 0;

    spin_lock_irqsave(&domlist_lock, flags);
    list_foreach_entry(pos, &domain_list_head, domain_list)
        if (pos->domain_id >= d->domain_id)
            break;
    if (&pos->domain_list != &domain_list_head && pos->domain_id == d->domain_id)
        rc = -EEXIST;
    else
        list_insert_before(&pos->domain_list, &d->domain_list);
    if (!rc && d->domain_id == 0)
        hardware_domain = d;
    spin_unlock_irqrestore(&domlist_lock, flags);
    return rc;
}

static bool domid_taken(domid_t domid)
{
    unsigned long flags;
    bool taken;

    spin_lock_irqsave(&domlist_lock, flags);
    taken = find_locked(domid) != NULL;
    spin_unlock_irqrestore(&domlist_lock, flags);
    return taken;
}

/* ------------------------------------------------------------ memory */

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order)
{
    unsigned long n = 1UL << order, flags;
    struct page_info *pg;
    mfn_t mfn;

    if (order > MAX_ORDER)
        return NULL;
    spin_lock_irqsave(&d->page_alloc_lock, flags);
    if (d->is_dying || d->tot_pages + n > d->max_pages || d->tot_pages + n < n) {
        spin_unlock_irqrestore(&d->page_alloc_lock, flags);
        return NULL;
    }
    d->tot_pages += n;              /* claim first: the heap may be slow */
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);

    mfn = alloc_pages(order);
    if (mfn_eq(mfn, INVALID_MFN)) {
        spin_lock_irqsave(&d->page_alloc_lock, flags);
        d->tot_pages -= n;
        spin_unlock_irqrestore(&d->page_alloc_lock, flags);
        return NULL;
    }

    spin_lock_irqsave(&d->page_alloc_lock, flags);
    for (unsigned long i = 0; i < n; i++) {
        struct page_info *p = mfn_to_page(mfn_add(mfn, i));

        p->owner = d;
        p->count = 1;               /* the allocation's reference (get_page()) */
        list_push_back(&d->page_list, &p->list);
    }
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    pg = mfn_to_page(mfn);
    return pg;
}

void free_domheap_pages(struct domain *d, struct page_info *pg, unsigned int order)
{
    unsigned long n = 1UL << order, flags;
    mfn_t mfn = page_to_mfn(pg);

    spin_lock_irqsave(&d->page_alloc_lock, flags);
    for (unsigned long i = 0; i < n; i++) {
        struct page_info *p = mfn_to_page(mfn_add(mfn, i));

        BUG_ON(!p || p->owner != d);
        list_remove(&p->list);
    }
    BUG_ON(d->tot_pages < n);
    d->tot_pages -= n;
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    /* Frames still referenced (say grant-mapped) go when their last user lets go. */
    put_pages_alloc_ref(mfn, order);
}

/* Every frame still on page_list goes back, one at a time. */
static void release_pages(struct domain *d)
{
    unsigned long flags;
    struct list_node *n;

    spin_lock_irqsave(&d->page_alloc_lock, flags);
    while ((n = list_pop_front(&d->page_list)) != NULL) {
        struct page_info *p = list_entry(n, struct page_info, list);

        if (d->tot_pages)
            d->tot_pages--;
        put_pages_alloc_ref(page_to_mfn(p), 0);
    }
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
}

/* ------------------------------------------------------------ vCPUs */

static void vcpu_singleshot_fn(void *data)
{
    /* As Xen: the guest hears of it through VIRQ_TIMER, if it bound that. */
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

/* Undo vcpu_create(); the vCPU must be off every CPU. */
static void vcpu_free(struct vcpu *v)
{
    kill_timer(&v->singleshot_timer);
    evtchn_vcpu_destroy(v);
    /* The reference VCPUOP_register_vcpu_info took on the guest's page. */
    if (!mfn_eq(v->vcpu_info_mfn, INVALID_MFN))
        put_page(mfn_to_page(v->vcpu_info_mfn));
    if (v->arch)
        arch_vcpu_destroy(v);
    sched_destroy_vcpu(v);
    xfree(v);
}

struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
    struct vcpu *v;
    unsigned long flags;

    if (!d || is_idle_domain(d) || id >= d->max_vcpus || d->vcpu[id] || d->is_dying)
        return NULL;

    v = xzalloc(struct vcpu);
    if (!v)
        return NULL;
    v->vcpu_id = id;
    v->domain = d;
    v->pause_flags = 1UL << VPF_DOWN;
    atomic_set(&v->pause_count, 0);
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = NOW();
    v->vcpu_info = id < XEN_LEGACY_MAX_VCPUS ? &d->shared_info->vcpu_info[id]
                                              : &dummy_vcpu_info;
    v->vcpu_info_mfn = INVALID_MFN;
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        cpumask_set_cpu(cpu, &v->cpu_hard_affinity);
        cpumask_set_cpu(cpu, &v->cpu_soft_affinity);
    }

    if (sched_init_vcpu(v)) {
        xfree(v);
        return NULL;
    }
    init_timer(&v->singleshot_timer, vcpu_singleshot_fn, v, v->processor);
    if (evtchn_vcpu_init(v)) {
        vcpu_free(v);
        return NULL;
    }
    if (arch_vcpu_create(v)) {
        v->arch = NULL;
        vcpu_free(v);
        return NULL;
    }

    /* Published last: for_each_vcpu() users see complete vCPUs only. */
    spin_lock_irqsave(&d->lock, flags);
    if (d->vcpu[id] || d->is_dying) {
        spin_unlock_irqrestore(&d->lock, flags);
        vcpu_free(v);
        return NULL;
    }
    if (d->is_shutting_down) {
        v->paused_for_shutdown = true;
        atomic_inc(&v->pause_count);
    }
    store_release(&d->vcpu[id], v);
    spin_unlock_irqrestore(&d->lock, flags);
    return v;
}

/* ------------------------------------------------------------ create / destroy */

/* Free what domain_create() made, in reverse; vCPUs gone, off every CPU. */
static void domain_free(struct domain *d, bool arch_made)
{
    grant_table_destroy(d);         /* before the p2m goes */
    if (arch_made)
        arch_domain_destroy(d);
    sched_destroy_domain(d);
    release_pages(d);
    if (d->shared_info)
        free_xenheap_page(d->shared_info);
    evtchn_destroy_final(d);
    xfree(d->vcpu);
    xfree(d);
}

struct domain *domain_create(domid_t domid,
                             const struct xen_domctl_createdomain *config,
                             bool is_privileged, int *err)
{
    struct xen_domctl_createdomain cfg;
    struct domain *d;
    int rc;

    if (!config || domid >= DOMID_FIRST_RESERVED) {
        rc = -EINVAL;
        goto out;
    }
    cfg = *config;
    if ((rc = sanitise_domain_config(&cfg)) != 0)
        goto out;
    if (domid_taken(domid)) {
        rc = -EEXIST;
        goto out;
    }

    rc = -ENOMEM;
    d = xzalloc(struct domain);
    if (!d)
        goto out;
    d->domain_id = domid;
    memcpy(d->handle, cfg.handle, sizeof(d->handle));
    d->ssidref = cfg.ssidref;
    d->cdf = cfg.flags;
    d->is_privileged = is_privileged;
    spin_lock_init(&d->lock);
    spin_lock_init(&d->page_alloc_lock);
    list_init(&d->domain_list);
    list_init(&d->page_list);
    atomic_set(&d->refcnt, 1);
    /* Created paused: the creator unpauses when the domain is ready. */
    atomic_set(&d->pause_count, 1);
    d->controller_pause_count = 1;
    d->shutdown_code = SHUTDOWN_CODE_INVALID;
    d->max_pages = ~0UL;
    d->shared_info_mfn = INVALID_MFN;

    d->max_vcpus = cfg.max_vcpus;
    d->vcpu = xzalloc_array(struct vcpu *, cfg.max_vcpus);
    d->shared_info = alloc_xenheap_page();
    if (!d->vcpu || !d->shared_info)
        goto fail;
    memset(d->shared_info, 0, PAGE_SIZE);
    d->shared_info_mfn = virt_to_mfn(d->shared_info);
    if ((rc = evtchn_init(d, cfg.max_evtchn_port)) != 0)
        goto fail;
    if ((rc = grant_table_init(d, cfg.max_grant_frames, cfg.max_maptrack_frames,
                               cfg.grant_opts)) != 0)
        goto fail;

    if ((rc = sched_init_domain(d)) != 0)
        goto fail;
    if ((rc = arch_domain_create(d, &cfg)) != 0)
        goto fail;
    if ((rc = domlist_insert(d)) != 0) {
        domain_free(d, true);
        goto out;
    }
    *err = 0;
    return d;

 fail:
    domain_free(d, false);
 out:
    *err = rc;
    return NULL;
}

/* The last reference is gone. */
static void domain_destroy(struct domain *d)
{
    unsigned long flags;
    struct vcpu *v;

    BUG_ON(running_here(d));
    write_atomic(&d->is_dying, true);

    spin_lock_irqsave(&domlist_lock, flags);
    if (list_is_linked(&d->domain_list))
        list_remove(&d->domain_list);
    if (hardware_domain == d)
        hardware_domain = NULL;
    spin_unlock_irqrestore(&domlist_lock, flags);

    /* Nothing of ours may still be on a CPU (normally domain_kill() paused it all). */
    for_each_vcpu(d, v) {
        set_bit(VPF_DOWN, &v->pause_flags);
        vcpu_sleep_sync(v);
    }
    /* Usually done by domain_kill() already; the vCPUs must still exist. */
    evtchn_destroy(d);
    gnttab_release_mappings(d);
    for_each_vcpu(d, v) {
        d->vcpu[v->vcpu_id] = NULL;
        vcpu_free(v);
    }
    /* The reference XEN_DOMCTL_set_target took on the domain we serve. */
    if (d->target)
        put_domain(d->target);
    domain_free(d, true);
    send_global_virq(VIRQ_DOM_EXC);
}

bool get_domain(struct domain *d)
{
    if (!d || read_atomic(&d->is_dying))
        return false;
    return atomic_add_unless(&d->refcnt, 1, 0) != 0;
}

void put_domain(struct domain *d)
{
    int left = atomic_dec_return(&d->refcnt);
    unsigned long flags;
    struct vcpu *v;

    BUG_ON(left < 0);
    if (left)
        return;
    if (!running_here(d)) {
        domain_destroy(d);
        return;
    }
    /* Cannot free the vCPU we are running on: after the next switch. */
    write_atomic(&d->is_dying, true);
    for_each_vcpu(d, v) {
        set_bit(VPF_DOWN, &v->pause_flags);
        vcpu_sleep_nosync(v);
    }
    spin_lock_irqsave(&domlist_lock, flags);
    if (list_is_linked(&d->domain_list))
        list_remove(&d->domain_list);
    list_push_back(&reap_list, &d->domain_list);
    spin_unlock_irqrestore(&domlist_lock, flags);
    raise_softirq(SCHEDULE_SOFTIRQ);
}

void domain_reap(void)
{
    unsigned long flags;
    struct domain *d;

    if (read_atomic(&reap_list.next) == &reap_list)
        return;
    for (;;) {
        struct domain *found = NULL;

        spin_lock_irqsave(&domlist_lock, flags);
        list_foreach_entry(d, &reap_list, domain_list) {
            if (!running_here(d)) {
                found = d;
                list_remove(&d->domain_list);
                break;
            }
        }
        spin_unlock_irqrestore(&domlist_lock, flags);
        if (!found)
            return;
        domain_destroy(found);
    }
}

struct domain *get_domain_by_id(domid_t domid)
{
    unsigned long flags;
    struct domain *d;

    spin_lock_irqsave(&domlist_lock, flags);
    d = find_locked(domid);
    if (d && !get_domain(d))
        d = NULL;
    spin_unlock_irqrestore(&domlist_lock, flags);
    return d;
}

struct domain *domain_find_from(domid_t domid)
{
    unsigned long flags;
    struct domain *d, *found = NULL;

    spin_lock_irqsave(&domlist_lock, flags);
    list_foreach_entry(d, &domain_list_head, domain_list) {
        /* A domain whose last reference is going is skipped. */
        if (d->domain_id >= domid && atomic_add_unless(&d->refcnt, 1, 0)) {
            found = d;
            break;
        }
    }
    spin_unlock_irqrestore(&domlist_lock, flags);
    return found;
}

int domain_kill_preemptible(struct domain *d, unsigned long budget)
{
    unsigned long flags;
    struct list_node *n;
    bool first;

    spin_lock_irqsave(&d->lock, flags);
    first = !d->is_dying;
    write_atomic(&d->is_dying, true);
    if (first)
        d->kill_in_progress = true;
    spin_unlock_irqrestore(&d->lock, flags);

    /* The first step is domain_kill()'s, but for the creation reference. */
    if (first) {
        if (running_here(d))
            domain_pause_nosync(d);
        else
            domain_pause(d);
        evtchn_destroy(d);
        gnttab_release_mappings(d);
    }
    /* Killed through domain_kill(), or finished by an earlier call. */
    if (!d->kill_in_progress)
        return 0;

    /*
     * Frames go back now only if nobody but the creation reference and
     * the caller's holds the domain (dying domains hand out no new
     * references that reach memory), and not while we run on it.
     */
    if (atomic_read(&d->refcnt) == 2 && !running_here(d)) {
        spin_lock_irqsave(&d->page_alloc_lock, flags);
        while (budget && (n = list_pop_front(&d->page_list)) != NULL) {
            struct page_info *p = list_entry(n, struct page_info, list);

            if (d->tot_pages)
                d->tot_pages--;
            /* As release_pages(): a frame someone still maps goes with that reference. */
            put_pages_alloc_ref(page_to_mfn(p), 0);
            budget--;
        }
        first = list_is_empty(&d->page_list);
        spin_unlock_irqrestore(&d->page_alloc_lock, flags);
        if (!first)
            return -ERESTART;
    }

    d->kill_in_progress = false;
    put_domain(d);                  /* the creation reference */
    send_global_virq(VIRQ_DOM_EXC);
    return 0;
}

int domain_kill(struct domain *d)
{
    unsigned long flags;
    bool first;

    spin_lock_irqsave(&d->lock, flags);
    first = !d->is_dying;
    write_atomic(&d->is_dying, true);
    spin_unlock_irqrestore(&d->lock, flags);
    if (!first)
        return 0;

    /* Stop every vCPU; a domain killing itself cannot wait for itself. */
    if (running_here(d))
        domain_pause_nosync(d);
    else
        domain_pause(d);
    /* Its ports go now: peers see theirs unbound, its VIRQ handlers revert. */
    evtchn_destroy(d);
    /* So do the grant mappings it holds (those of its own pages stay until unmapped). */
    gnttab_release_mappings(d);
    put_domain(d);                  /* the creation reference */
    send_global_virq(VIRQ_DOM_EXC);
    return 0;
}

/* ------------------------------------------------------------ pause */

void vcpu_pause(struct vcpu *v)
{
    atomic_inc(&v->pause_count);
    vcpu_sleep_sync(v);
}

void vcpu_pause_nosync(struct vcpu *v)
{
    atomic_inc(&v->pause_count);
    vcpu_sleep_nosync(v);
}

void vcpu_unpause(struct vcpu *v)
{
    int left = atomic_dec_return(&v->pause_count);

    BUG_ON(left < 0);
    if (left == 0)
        vcpu_wake(v);
}

void domain_pause(struct domain *d)
{
    struct vcpu *v;

    BUG_ON(running_here(d));
    atomic_inc(&d->pause_count);
    for_each_vcpu(d, v)
        vcpu_sleep_sync(v);
}

void domain_pause_nosync(struct domain *d)
{
    struct vcpu *v;

    atomic_inc(&d->pause_count);
    for_each_vcpu(d, v)
        vcpu_sleep_nosync(v);
}

void domain_unpause(struct domain *d)
{
    struct vcpu *v;
    int left = atomic_dec_return(&d->pause_count);

    BUG_ON(left < 0);
    if (left == 0)
        for_each_vcpu(d, v)
            vcpu_wake(v);
}

void domain_pause_by_systemcontroller(struct domain *d)
{
    unsigned long flags;

    spin_lock_irqsave(&d->lock, flags);
    d->controller_pause_count++;
    spin_unlock_irqrestore(&d->lock, flags);
    domain_pause(d);
}

int domain_unpause_by_systemcontroller(struct domain *d)
{
    unsigned long flags;
    bool paused;

    spin_lock_irqsave(&d->lock, flags);
    paused = d->controller_pause_count != 0;
    if (paused)
        d->controller_pause_count--;
    spin_unlock_irqrestore(&d->lock, flags);
    if (!paused)
        return -EINVAL;
    domain_unpause(d);
    return 0;
}

/* ------------------------------------------------------------ shutdown */

void domain_shutdown(struct domain *d, unsigned int reason)
{
    unsigned long flags;
    struct vcpu *v;

    if (is_hardware_domain(d)) {
        printk("Hardware domain %u shut down: reason %u\n", d->domain_id, reason);
        sched_print_placement(d);   /* where its vCPUs ran, before the machine goes */
        arch_hardware_domain_shutdown(reason);
    }

    spin_lock_irqsave(&d->lock, flags);
    if (d->is_shutting_down) {
        /* The first reason stands. */
        spin_unlock_irqrestore(&d->lock, flags);
        return;
    }
    d->is_shutting_down = true;
    d->shutdown_code = reason;
    /* Each vCPU holds a pause reference until the domain is resumed or destroyed. */
    for_each_vcpu(d, v) {
        if (!v->paused_for_shutdown) {
            v->paused_for_shutdown = true;
            vcpu_pause_nosync(v);
        }
    }
    d->is_shut_down = true;
    spin_unlock_irqrestore(&d->lock, flags);
    /* The toolstack (the VIRQ_DOM_EXC handler, normally dom0) looks at it. */
    send_global_virq(VIRQ_DOM_EXC);
}
