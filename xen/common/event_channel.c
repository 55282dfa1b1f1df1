/*
 * Event channels: ports, their binding and raising, the event_channel_op
 * hypercall (32), SCHEDOP_poll, VIRQs, and the per-domain life cycle.
 * What pending/masked mean in guest memory is the port ABI's business
 * (event_2l.c, event_fifo.c); the interface and the locking rules are in
 * xen/include/xen/event.h, the guest-visible behaviour in
 * docs/event-channels.md.
 *
 * Every sub-op follows Xen 4.17's checks, their order and errno values;
 * the privilege checks are the default XSM policy (hypercall_env.h).
 */
#include "hypercall_env.h"
#include <xen/event.h>
#include <xen/bitops.h>
#include <xen/bug.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/xmalloc.h>

BUILD_BUG_ON(EVTCHN_NR_GROUPS != EVTCHN_GROUPS);
BUILD_BUG_ON(DOMAIN_MAX_VCPUS > 128);
BUILD_BUG_ON(DOMAIN_MAX_VCPUS > EVTCHN_LASTQ_VCPU(~0u));

/* Most ports SCHEDOP_poll takes (Xen's limit). */
#define POLL_MAX_PORTS  128

/* Closing ports in EVTCHNOP_reset: look for other work every this many. */
#define RESET_PREEMPT_MASK  0x3fu

/* ------------------------------------------------------------ arch defaults */

__attribute__((__weak__)) void arch_evtchn_upcall(struct vcpu *v)
{
    vcpu_unblock(v);
    arch_vcpu_kick(v);
}

__attribute__((__weak__)) bool arch_vcpu_has_pending_events(struct vcpu *v)
{
    const struct vcpu_info *vi = read_atomic(&v->vcpu_info);

    return vi && read_atomic(&vi->evtchn_upcall_pending);
}

__attribute__((__weak__)) bool arch_local_events_need_delivery(struct vcpu *v)
{
#ifdef XEN_HAVE_PV_UPCALL_MASK
    const struct vcpu_info *vi = read_atomic(&v->vcpu_info);

    if (vi && read_atomic(&vi->evtchn_upcall_mask))
        return false;
#endif
    return arch_vcpu_has_pending_events(v);
}

/* Binding a physical IRQ: Arm has none to give (-ENOMEM, as Xen); elsewhere allowed. */
__attribute__((__weak__)) int arch_evtchn_bind_pirq(struct domain *d, unsigned int pirq)
{
    (void)d;
    (void)pirq;
    return 0;
}

/* The scheduler's SCHEDOP_block/WFI question; replaces its weak default. */
bool vcpu_has_pending_events(struct vcpu *v)
{
    return arch_vcpu_has_pending_events(v);
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    struct vcpu_info *vi = read_atomic(&v->vcpu_info);

    if (vi && !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        arch_evtchn_upcall(v);
}

/* ------------------------------------------------------------ helpers */

static bool virq_is_global(uint32_t virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true;        /* the VIRQ_ARCH_* ones too, on both architectures */
    }
}

static struct vcpu *domain_vcpu(const struct domain *d, unsigned int id)
{
    return id < d->max_vcpus ? read_atomic(&d->vcpu[id]) : NULL;
}

static const struct evtchn_port_ops *port_ops(const struct domain *d)
{
    return load_acquire(&d->evtchn_port_ops);
}

static unsigned int max_evtchns(const struct domain *d)
{
    return port_ops(d)->max_ports(d);
}

static bool port_busy(const struct domain *d, const struct evtchn *chn)
{
    const struct evtchn_port_ops *ops = port_ops(d);

    return ops->is_busy && ops->is_busy(d, chn);
}

/*
 * Raise chn of d for vCPU vcpu_id (its channel lock or d's event_lock is
 * held).  A 2-level raise racing with the switch to FIFO looks at the ops
 * again once its bit is set: the switch publishes the new ops, then
 * collects the 2-level bits, so one of the two sees the other.
 */
static void port_set_pending(struct domain *d, unsigned int vcpu_id, struct evtchn *chn)
{
    const struct evtchn_port_ops *ops = port_ops(d), *now;
    struct vcpu *v;

    if (!evtchn_usable(chn))
        return;
    v = domain_vcpu(d, vcpu_id);
    ops->set_pending(d, v, chn);
    if (ops != &evtchn_port_ops_2l)
        return;
    smp_mb();
    now = port_ops(d);
    if (now != ops)
        now->set_pending(d, v, chn);
}

static void port_init(struct domain *d, struct evtchn *chn)
{
    const struct evtchn_port_ops *ops = port_ops(d);

    if (ops->init)
        ops->init(d, chn);
}

/* DOMID_SELF (the caller, no reference needed) or a domain id (referenced). */
static struct domain *lookup_domain(domid_t dom, bool *ref)
{
    if (dom == DOMID_SELF) {
        *ref = false;
        return current->domain;
    }
    *ref = true;
    return get_domain_by_id(dom);
}

static void release_domain(struct domain *d, bool ref)
{
    if (ref)
        put_domain(d);
}

/* Two domains' event locks, lower address first. */
static void lock_two(struct domain *a, struct domain *b)
{
    if (a == b) {
        spin_lock(&a->event_lock);
    } else if ((uintptr_t)a < (uintptr_t)b) {
        spin_lock(&a->event_lock);
        spin_lock(&b->event_lock);
    } else {
        spin_lock(&b->event_lock);
        spin_lock(&a->event_lock);
    }
}

static void unlock_two(struct domain *a, struct domain *b)
{
    if (a != b)
        spin_unlock(&b->event_lock);
    spin_unlock(&a->event_lock);
}

static void write_lock_two(struct evtchn *a, struct evtchn *b)
{
    if ((uintptr_t)a < (uintptr_t)b) {
        evtchn_write_lock(a);
        evtchn_write_lock(b);
    } else {
        evtchn_write_lock(b);
        evtchn_write_lock(a);
    }
}

static void write_unlock_two(struct evtchn *a, struct evtchn *b)
{
    evtchn_write_unlock(a);
    evtchn_write_unlock(b);
}

/* ------------------------------------------------------------ port allocation */

static struct evtchn *alloc_bucket(evtchn_port_t first)
{
    struct evtchn *b = xzalloc_array(struct evtchn, EVTCHN_BUCKET_PORTS);

    if (b)
        for (unsigned int i = 0; i < EVTCHN_BUCKET_PORTS; i++)
            b[i].port = first + i;
    return b;
}

/*
 * Claim `port` (event_lock held): storage up to it is allocated first.
 * -ENOSPC beyond the domain's limit or the ABI's, -EBUSY if taken (or
 * still queued in the guest after a close).
 */
static int allocate_port(struct domain *d, evtchn_port_t port)
{
    if (port > d->max_evtchn_port || port >= max_evtchns(d))
        return -ENOSPC;

    if (port_is_valid(d, port)) {
        const struct evtchn *chn = evtchn_from_port(d, port);

        if (chn->state != ECS_FREE || port_busy(d, chn))
            return -EBUSY;
    } else {
        unsigned int next = d->valid_evtchns;

        do {
            struct evtchn ***group = &d->evtchn_group[next / EVTCHN_GROUP_PORTS];
            struct evtchn *bucket;

            if (!*group) {
                *group = xzalloc_array(struct evtchn *, EVTCHN_GROUP_BUCKETS);
                if (!*group)
                    return -ENOMEM;
            }
            bucket = alloc_bucket(next);
            if (!bucket)
                return -ENOMEM;
            (*group)[(next % EVTCHN_GROUP_PORTS) / EVTCHN_BUCKET_PORTS] = bucket;
            next += EVTCHN_BUCKET_PORTS;
            /* Readers check valid_evtchns first, then walk to the bucket. */
            store_release(&d->valid_evtchns, next);
        } while (port >= next);
    }
    write_atomic(&d->active_evtchns, d->active_evtchns + 1);
    return 0;
}

/* The lowest free port (event_lock held), or an errno. */
static int get_free_port(struct domain *d)
{
    if (read_atomic(&d->is_dying))
        return -EINVAL;
    for (evtchn_port_t port = 0; port <= d->max_evtchn_port; port++) {
        int rc = allocate_port(d, port);

        if (rc == 0)
            return (int)port;
        if (rc != -EBUSY)
            return rc;
    }
    return -ENOSPC;
}

/* On an error path: a port claimed but left free is not in use after all. */
static void check_free_port(struct domain *d, int port)
{
    if (port >= 0 && port_is_valid(d, (evtchn_port_t)port) &&
        evtchn_from_port(d, (evtchn_port_t)port)->state == ECS_FREE)
        write_atomic(&d->active_evtchns, d->active_evtchns - 1);
}

/* Back to free (write lock held): nothing of the old binding may show. */
static void evtchn_free(struct domain *d, struct evtchn *chn)
{
    port_ops(d)->clear_pending(d, chn);
    write_atomic(&d->active_evtchns, d->active_evtchns - 1);
    write_atomic(&chn->state, (uint8_t)ECS_FREE);
    write_atomic(&chn->notify_vcpu_id, (uint16_t)0);
    write_atomic(&chn->pending, false);
}

/* ------------------------------------------------------------ the sub-ops */

static int evtchn_alloc_unbound(struct evtchn_alloc_unbound *alloc)
{
    struct domain *d;
    struct evtchn *chn;
    bool ref;
    int port, rc;

    d = lookup_domain(alloc->dom, &ref);
    if (!d)
        return -ESRCH;

    spin_lock(&d->event_lock);
    port = rc = get_free_port(d);
    if (rc < 0)
        goto out;
    rc = hc_xsm_target(current->domain, d);                 /* xsm_evtchn_unbound */
    if (rc)
        goto out;

    chn = evtchn_from_port(d, (evtchn_port_t)port);
    evtchn_write_lock(chn);
    chn->u.unbound.remote_domid = alloc->remote_dom == DOMID_SELF
                                  ? current->domain->domain_id : alloc->remote_dom;
    write_atomic(&chn->state, (uint8_t)ECS_UNBOUND);
    port_init(d, chn);
    evtchn_write_unlock(chn);
    alloc->port = (evtchn_port_t)port;

 out:
    check_free_port(d, port);
    spin_unlock(&d->event_lock);
    release_domain(d, ref);
    return rc;
}

static int evtchn_bind_interdomain(struct evtchn_bind_interdomain *bind)
{
    struct domain *ld = current->domain, *rd;
    evtchn_port_t rport = bind->remote_port;
    struct evtchn *lchn, *rchn;
    bool ref;
    int lport, rc;

    rd = lookup_domain(bind->remote_dom, &ref);
    if (!rd)
        return -ESRCH;

    lock_two(ld, rd);
    lport = rc = get_free_port(ld);
    if (rc < 0)
        goto out;
    rc = -EINVAL;
    if (!port_is_valid(rd, rport))
        goto out;
    rchn = evtchn_from_port(rd, rport);
    if (rchn->state != ECS_UNBOUND || rchn->u.unbound.remote_domid != ld->domain_id)
        goto out;
    rc = 0;                                                 /* xsm_evtchn_interdomain: XSM_HOOK */

    lchn = evtchn_from_port(ld, (evtchn_port_t)lport);
    write_lock_two(lchn, rchn);
    lchn->u.interdomain.remote_dom = rd;
    lchn->u.interdomain.remote_port = rport;
    write_atomic(&lchn->state, (uint8_t)ECS_INTERDOMAIN);
    port_init(ld, lchn);
    rchn->u.interdomain.remote_dom = ld;
    rchn->u.interdomain.remote_port = (evtchn_port_t)lport;
    write_atomic(&rchn->state, (uint8_t)ECS_INTERDOMAIN);
    /* Whatever the remote end sent while unbound was dropped: say something may be there. */
    port_set_pending(ld, lchn->notify_vcpu_id, lchn);
    write_unlock_two(lchn, rchn);
    bind->local_port = (evtchn_port_t)lport;

 out:
    check_free_port(ld, lport);
    unlock_two(ld, rd);
    release_domain(rd, ref);
    return rc;
}

static int evtchn_bind_virq(struct evtchn_bind_virq *bind)
{
    struct domain *d = current->domain;
    uint32_t virq = bind->virq;
    struct evtchn *chn;
    unsigned long flags;
    struct vcpu *v;
    int port;

    if (virq >= NR_VIRQS)
        return -EINVAL;
    if (virq_is_global(virq) && bind->vcpu != 0)
        return -EINVAL;
    v = domain_vcpu(d, bind->vcpu);
    if (!v)
        return -ENOENT;

    spin_lock(&d->event_lock);
    if (read_atomic(&v->virq_to_evtchn[virq])) {
        spin_unlock(&d->event_lock);
        return -EEXIST;
    }
    port = get_free_port(d);
    if (port < 0) {
        spin_unlock(&d->event_lock);
        return port;
    }
    chn = evtchn_from_port(d, (evtchn_port_t)port);
    evtchn_write_lock(chn);
    chn->notify_vcpu_id = (uint16_t)v->vcpu_id;
    chn->u.virq = virq;
    write_atomic(&chn->state, (uint8_t)ECS_VIRQ);
    port_init(d, chn);
    evtchn_write_unlock(chn);
    bind->port = (evtchn_port_t)port;

    /* Visible to senders only now, complete. */
    spin_lock_irqsave(&v->virq_lock, flags);
    write_atomic(&v->virq_to_evtchn[virq], (uint32_t)port);
    spin_unlock_irqrestore(&v->virq_lock, flags);
    spin_unlock(&d->event_lock);
    return 0;
}

static int evtchn_bind_ipi(struct evtchn_bind_ipi *bind)
{
    struct domain *d = current->domain;
    struct evtchn *chn;
    int port;

    if (!domain_vcpu(d, bind->vcpu))
        return -ENOENT;

    spin_lock(&d->event_lock);
    port = get_free_port(d);
    if (port >= 0) {
        chn = evtchn_from_port(d, (evtchn_port_t)port);
        evtchn_write_lock(chn);
        chn->notify_vcpu_id = (uint16_t)bind->vcpu;
        write_atomic(&chn->state, (uint8_t)ECS_IPI);
        port_init(d, chn);
        evtchn_write_unlock(chn);
        bind->port = (evtchn_port_t)port;
    }
    spin_unlock(&d->event_lock);
    return port < 0 ? port : 0;
}

static int evtchn_bind_pirq(struct evtchn_bind_pirq *bind)
{
    struct domain *d = current->domain;
    uint32_t pirq = bind->pirq;
    struct evtchn *chn;
    int port, rc;

    if (pirq >= EVTCHN_NR_PIRQS)
        return -EINVAL;

    spin_lock(&d->event_lock);
    rc = -EEXIST;
    port = -1;
    if (d->pirq_to_evtchn && d->pirq_to_evtchn[pirq])
        goto out;
    port = rc = get_free_port(d);
    if (rc < 0)
        goto out;
    rc = arch_evtchn_bind_pirq(d, pirq);
    if (rc)
        goto out;
    rc = -ENOMEM;
    if (!d->pirq_to_evtchn &&
        !(d->pirq_to_evtchn = xzalloc_array(uint32_t, EVTCHN_NR_PIRQS)))
        goto out;
    rc = 0;

    chn = evtchn_from_port(d, (evtchn_port_t)port);
    evtchn_write_lock(chn);
    chn->u.pirq = pirq;
    write_atomic(&chn->state, (uint8_t)ECS_PIRQ);
    port_init(d, chn);
    evtchn_write_unlock(chn);
    write_atomic(&d->pirq_to_evtchn[pirq], (uint32_t)port);
    bind->port = (evtchn_port_t)port;

 out:
    check_free_port(d, port);
    spin_unlock(&d->event_lock);
    return rc;
}

/*
 * Close port1 of d1.  An interdomain peer goes back to unbound (still
 * reserved for d1).  Needs both domains' event locks: the peer's is taken
 * in address order, or tried when it comes first and the whole thing is
 * retried if that fails.  While the pair is bound and d1's lock is held,
 * the peer cannot finish closing its end, so it cannot go away.
 */
static int evtchn_close(struct domain *d1, evtchn_port_t port1)
{
    struct evtchn *chn1, *chn2;
    struct domain *d2;
    unsigned long flags;
    struct vcpu *v;
    int rc = 0;

    if (!port_is_valid(d1, port1))
        return -EINVAL;
    chn1 = evtchn_from_port(d1, port1);

 again:
    spin_lock(&d1->event_lock);
    switch (chn1->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        rc = -EINVAL;
        break;

    case ECS_UNBOUND:
    case ECS_IPI:
        evtchn_write_lock(chn1);
        evtchn_free(d1, chn1);
        evtchn_write_unlock(chn1);
        break;

    case ECS_PIRQ:
        if (d1->pirq_to_evtchn)
            write_atomic(&d1->pirq_to_evtchn[chn1->u.pirq], 0u);
        evtchn_write_lock(chn1);
        evtchn_free(d1, chn1);
        evtchn_write_unlock(chn1);
        break;

    case ECS_VIRQ:
        /* A global VIRQ's port is in vCPU 0's table whoever it notifies. */
        v = d1->vcpu[virq_is_global(chn1->u.virq) ? 0 : chn1->notify_vcpu_id];
        spin_lock_irqsave(&v->virq_lock, flags);
        write_atomic(&v->virq_to_evtchn[chn1->u.virq], 0u);
        spin_unlock_irqrestore(&v->virq_lock, flags);
        evtchn_write_lock(chn1);
        evtchn_free(d1, chn1);
        evtchn_write_unlock(chn1);
        break;

    case ECS_INTERDOMAIN:
        d2 = chn1->u.interdomain.remote_dom;
        if (d2 != d1) {
            if ((uintptr_t)d2 > (uintptr_t)d1) {
                spin_lock(&d2->event_lock);
            } else if (!spin_trylock(&d2->event_lock)) {
                spin_unlock(&d1->event_lock);
                arch_cpu_relax();
                goto again;
            }
        }
        chn2 = evtchn_from_port(d2, chn1->u.interdomain.remote_port);
        BUG_ON(chn2->state != ECS_INTERDOMAIN || chn2->u.interdomain.remote_dom != d1 ||
               chn2->u.interdomain.remote_port != port1);
        write_lock_two(chn1, chn2);
        evtchn_free(d1, chn1);
        chn2->u.unbound.remote_domid = d1->domain_id;
        write_atomic(&chn2->state, (uint8_t)ECS_UNBOUND);
        write_unlock_two(chn1, chn2);
        if (d2 != d1)
            spin_unlock(&d2->event_lock);
        break;

    default:
        BUG();
    }
    spin_unlock(&d1->event_lock);
    return rc;
}

int evtchn_send(struct domain *ld, evtchn_port_t lport)
{
    struct evtchn *lchn, *rchn;
    struct domain *rd;
    int rc = 0;

    if (!port_is_valid(ld, lport))
        return -EINVAL;
    lchn = evtchn_from_port(ld, lport);

    evtchn_read_lock(lchn);
    switch (read_atomic(&lchn->state)) {                    /* xsm_evtchn_send: XSM_HOOK */
    case ECS_INTERDOMAIN:
        /* The peer's state cannot change while we hold our end's lock. */
        rd = lchn->u.interdomain.remote_dom;
        rchn = evtchn_from_port(rd, lchn->u.interdomain.remote_port);
        port_set_pending(rd, read_atomic(&rchn->notify_vcpu_id), rchn);
        break;
    case ECS_IPI:
        port_set_pending(ld, read_atomic(&lchn->notify_vcpu_id), lchn);
        break;
    case ECS_UNBOUND:
        break;                                              /* dropped, not an error */
    default:
        rc = -EINVAL;
        break;
    }
    evtchn_read_unlock(lchn);
    return rc;
}

static int evtchn_status(struct evtchn_status *status)
{
    struct domain *d;
    struct evtchn *chn;
    bool ref;
    int rc;

    d = lookup_domain(status->dom, &ref);
    if (!d)
        return -ESRCH;
    if (!port_is_valid(d, status->port)) {
        release_domain(d, ref);
        return -EINVAL;
    }
    chn = evtchn_from_port(d, status->port);

    spin_lock(&d->event_lock);
    rc = hc_xsm_target(current->domain, d);                 /* xsm_evtchn_status */
    if (rc)
        goto out;
    switch (chn->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        status->status = EVTCHNSTAT_closed;
        break;
    case ECS_UNBOUND:
        status->status = EVTCHNSTAT_unbound;
        status->u.unbound.dom = chn->u.unbound.remote_domid;
        break;
    case ECS_INTERDOMAIN:
        status->status = EVTCHNSTAT_interdomain;
        status->u.interdomain.dom = chn->u.interdomain.remote_dom->domain_id;
        status->u.interdomain.port = chn->u.interdomain.remote_port;
        break;
    case ECS_PIRQ:
        status->status = EVTCHNSTAT_pirq;
        status->u.pirq = chn->u.pirq;
        break;
    case ECS_VIRQ:
        status->status = EVTCHNSTAT_virq;
        status->u.virq = chn->u.virq;
        break;
    case ECS_IPI:
        status->status = EVTCHNSTAT_ipi;
        break;
    default:
        BUG();
    }
    status->vcpu = chn->notify_vcpu_id;

 out:
    spin_unlock(&d->event_lock);
    release_domain(d, ref);
    return rc;
}

static int evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu_id)
{
    struct domain *d = current->domain;
    struct evtchn *chn;
    struct vcpu *v;
    int rc = 0;

    v = domain_vcpu(d, vcpu_id);
    if (!v)
        return -ENOENT;
    if (!port_is_valid(d, port))
        return -EINVAL;
    chn = evtchn_from_port(d, port);

    spin_lock(&d->event_lock);
    switch (chn->state) {
    case ECS_VIRQ:
        if (!virq_is_global(chn->u.virq)) {
            rc = -EINVAL;
            break;
        }
        /* fall through */
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
    case ECS_PIRQ:
        /* Raised from now on for v; a port already queued stays where it is. */
        write_atomic(&chn->notify_vcpu_id, (uint16_t)v->vcpu_id);
        break;
    default:
        rc = -EINVAL;
        break;
    }
    spin_unlock(&d->event_lock);
    return rc;
}

static int evtchn_unmask(evtchn_port_t port)
{
    struct domain *d = current->domain;
    struct evtchn *chn;

    if (!port_is_valid(d, port))
        return -EINVAL;
    chn = evtchn_from_port(d, port);
    evtchn_read_lock(chn);
    if (evtchn_usable(chn))
        port_ops(d)->unmask(d, chn);
    evtchn_read_unlock(chn);
    return 0;
}

static int evtchn_set_priority(const struct evtchn_set_priority *set)
{
    struct domain *d = current->domain;
    const struct evtchn_port_ops *ops;
    struct evtchn *chn;
    int rc;

    if (!port_is_valid(d, set->port))
        return -EINVAL;
    chn = evtchn_from_port(d, set->port);
    evtchn_read_lock(chn);
    ops = port_ops(d);
    if (!ops->set_priority)
        rc = -ENOSYS;
    else if (!evtchn_usable(chn))
        rc = -EACCES;
    else
        rc = ops->set_priority(d, chn, set->priority);
    evtchn_read_unlock(chn);
    return rc;
}

/*
 * Back to 2-level (event_lock held, every port closed).  Bits left in
 * shared_info from before the FIFO days would make new ports look raised,
 * and a stale selector bit would swallow the upcall of the next port in
 * its word: both go (Xen leaves them; nothing can rely on them).
 */
static void switch_to_2l(struct domain *d)
{
    evtchn_fifo_destroy(d);
    store_release(&d->evtchn_port_ops, &evtchn_port_ops_2l);
    evtchn_2l_clear_all(d);
}

int evtchn_reset(struct domain *d, bool resuming)
{
    unsigned int i;
    int rc = 0;

    if (d != current->domain && !read_atomic(&d->controller_pause_count))
        return -EINVAL;

    /* One reset at a time; a continuation resumes where it stopped. */
    spin_lock(&d->event_lock);
    i = resuming ? d->next_evtchn : !d->next_evtchn;
    if (i > d->next_evtchn)
        d->next_evtchn = i;
    spin_unlock(&d->event_lock);
    if (!i)
        return -EBUSY;

    for (; port_is_valid(d, i) && read_atomic(&d->active_evtchns); i++) {
        evtchn_close(d, i);
        if (!(i & RESET_PREEMPT_MASK) && hc_preempt_check()) {
            spin_lock(&d->event_lock);
            d->next_evtchn = i;
            spin_unlock(&d->event_lock);
            return -ERESTART;
        }
    }

    spin_lock(&d->event_lock);
    d->next_evtchn = 0;
    if (d->active_evtchns)
        rc = -EAGAIN;           /* the guest bound new ports meanwhile */
    else if (port_ops(d) != &evtchn_port_ops_2l || d->evtchn_fifo)
        switch_to_2l(d);
    spin_unlock(&d->event_lock);
    return rc;
}

static int evtchn_init_control(struct evtchn_init_control *init)
{
    struct domain *d = current->domain;
    struct vcpu *v;
    int rc;

    init->link_bits = EVTCHN_FIFO_LINK_BITS;
    v = domain_vcpu(d, init->vcpu);
    if (!v)
        return -ENOENT;
    /* Inside the page, 8-byte aligned. */
    if (init->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) ||
        (init->offset & 7))
        return -EINVAL;

    spin_lock(&d->event_lock);
    rc = evtchn_fifo_init_control(d, v, init->control_gfn, init->offset);
    spin_unlock(&d->event_lock);
    return rc;
}

static int evtchn_expand_array(const struct evtchn_expand_array *expand)
{
    struct domain *d = current->domain;
    int rc;

    if (!load_acquire(&d->evtchn_fifo))
        return -EOPNOTSUPP;
    spin_lock(&d->event_lock);
    rc = d->evtchn_fifo ? evtchn_fifo_expand_array(d, expand->array_gfn) : -EOPNOTSUPP;
    spin_unlock(&d->event_lock);
    return rc;
}

/* ------------------------------------------------------------ the hypercall */

/* Copy the argument in, run the sub-op, copy it back out on success. */
#define INOUT(type, call) ({                                            \
    type a__;                                                           \
    long rc__;                                                          \
    if (!hc_copy_from(&a__, arg, 0, sizeof(a__)))                       \
        return -EFAULT;                                                 \
    rc__ = call(&a__);                                                  \
    if (!rc__ && !hc_copy_to(arg, 0, &a__, sizeof(a__)))                \
        rc__ = -EFAULT;         /* the port stays bound, as on Xen */   \
    rc__; })

long do_event_channel_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *currd = current->domain;

    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        return INOUT(struct evtchn_alloc_unbound, evtchn_alloc_unbound);

    case EVTCHNOP_bind_interdomain:
        return INOUT(struct evtchn_bind_interdomain, evtchn_bind_interdomain);

    case EVTCHNOP_bind_virq:
        return INOUT(struct evtchn_bind_virq, evtchn_bind_virq);

    case EVTCHNOP_bind_ipi:
        return INOUT(struct evtchn_bind_ipi, evtchn_bind_ipi);

    case EVTCHNOP_bind_pirq:
        return INOUT(struct evtchn_bind_pirq, evtchn_bind_pirq);

    case EVTCHNOP_close: {
        struct evtchn_close c;

        if (!hc_copy_from(&c, arg, 0, sizeof(c)))
            return -EFAULT;
        return evtchn_close(currd, c.port);
    }

    case EVTCHNOP_send: {
        struct evtchn_send s;

        if (!hc_copy_from(&s, arg, 0, sizeof(s)))
            return -EFAULT;
        return evtchn_send(currd, s.port);
    }

    case EVTCHNOP_status:
        return INOUT(struct evtchn_status, evtchn_status);

    case EVTCHNOP_bind_vcpu: {
        struct evtchn_bind_vcpu b;

        if (!hc_copy_from(&b, arg, 0, sizeof(b)))
            return -EFAULT;
        return evtchn_bind_vcpu(b.port, b.vcpu);
    }

    case EVTCHNOP_unmask: {
        struct evtchn_unmask u;

        if (!hc_copy_from(&u, arg, 0, sizeof(u)))
            return -EFAULT;
        return evtchn_unmask(u.port);
    }

    case EVTCHNOP_reset:
    case EVTCHNOP_reset_cont: {
        struct evtchn_reset r;
        struct domain *d;
        bool ref;
        int rc;

        if (!hc_copy_from(&r, arg, 0, sizeof(r)))
            return -EFAULT;
        d = lookup_domain(r.dom, &ref);
        if (!d)
            return -ESRCH;
        rc = hc_xsm_target(currd, d);                       /* xsm_evtchn_reset */
        if (!rc)
            rc = evtchn_reset(d, cmd == EVTCHNOP_reset_cont);
        release_domain(d, ref);
        if (rc == -ERESTART)
            return (long)hypercall_create_continuation(__HYPERVISOR_event_channel_op, "ih",
                                                       EVTCHNOP_reset_cont,
                                                       (void *)(uintptr_t)guest_handle_va(arg));
        return rc;
    }

    /* The FIFO ABI, unless the domain's creator hid it (then as before Xen 4.4). */
    case EVTCHNOP_init_control:
        if (!evtchn_fifo_offered(currd))
            return -ENOSYS;
        return INOUT(struct evtchn_init_control, evtchn_init_control);

    case EVTCHNOP_expand_array: {
        struct evtchn_expand_array e;

        if (!evtchn_fifo_offered(currd))
            return -ENOSYS;
        if (!hc_copy_from(&e, arg, 0, sizeof(e)))
            return -EFAULT;
        return evtchn_expand_array(&e);
    }

    case EVTCHNOP_set_priority: {
        struct evtchn_set_priority p;

        if (!evtchn_fifo_offered(currd))
            return -ENOSYS;
        if (!hc_copy_from(&p, arg, 0, sizeof(p)))
            return -EFAULT;
        return evtchn_set_priority(&p);
    }

    default:
        return -ENOSYS;
    }
}

/* ------------------------------------------------------------ VIRQs and PIRQs */

void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq)
{
    struct domain *d;
    unsigned long flags;
    uint32_t port;

    if (!v || virq >= NR_VIRQS || virq_is_global(virq))
        return;
    d = v->domain;
    spin_lock_irqsave(&v->virq_lock, flags);
    port = read_atomic(&v->virq_to_evtchn[virq]);
    if (port) {
        struct evtchn *chn = evtchn_from_port(d, port);

        /* Only a port being bound or closed is write-locked: nothing to raise then. */
        if (evtchn_read_trylock(chn)) {
            port_set_pending(d, v->vcpu_id, chn);
            evtchn_read_unlock(chn);
        }
    }
    spin_unlock_irqrestore(&v->virq_lock, flags);
}

void send_guest_global_virq(struct domain *d, uint32_t virq)
{
    unsigned long flags;
    struct vcpu *v;
    uint32_t port;

    if (!d || !d->vcpu || virq >= NR_VIRQS || !virq_is_global(virq))
        return;
    v = domain_vcpu(d, 0);
    if (!v)
        return;
    spin_lock_irqsave(&v->virq_lock, flags);
    port = read_atomic(&v->virq_to_evtchn[virq]);
    if (port) {
        struct evtchn *chn = evtchn_from_port(d, port);

        if (evtchn_read_trylock(chn)) {
            port_set_pending(d, read_atomic(&chn->notify_vcpu_id), chn);
            evtchn_read_unlock(chn);
        }
    }
    spin_unlock_irqrestore(&v->virq_lock, flags);
}

/*
 * Who handles each global VIRQ (NULL: the hardware domain).  Each entry
 * holds a reference; raising happens under the lock, so a handler being
 * torn down (clear_global_virq_handlers()) is never raised afterwards.
 */
static DEFINE_SPINLOCK(global_virq_lock);
static struct domain *global_virq_handlers[NR_VIRQS];

void send_global_virq(uint32_t virq)
{
    unsigned long flags;
    struct domain *d;

    if (virq >= NR_VIRQS || !virq_is_global(virq))
        return;
    spin_lock_irqsave(&global_virq_lock, flags);
    d = global_virq_handlers[virq] ? global_virq_handlers[virq] : read_atomic(&hardware_domain);
    if (d && !read_atomic(&d->is_dying))
        send_guest_global_virq(d, virq);
    spin_unlock_irqrestore(&global_virq_lock, flags);
}

int set_global_virq_handler(struct domain *d, uint32_t virq)
{
    struct domain *old;
    unsigned long flags;

    if (virq >= NR_VIRQS || !virq_is_global(virq))
        return -EINVAL;
    if (read_atomic(&global_virq_handlers[virq]) == d)
        return 0;
    if (!get_domain(d))
        return -EINVAL;
    spin_lock_irqsave(&global_virq_lock, flags);
    old = global_virq_handlers[virq];
    global_virq_handlers[virq] = d;
    spin_unlock_irqrestore(&global_virq_lock, flags);
    if (old)
        put_domain(old);
    return 0;
}

static void clear_global_virq_handlers(struct domain *d)
{
    unsigned int n = 0;
    unsigned long flags;

    spin_lock_irqsave(&global_virq_lock, flags);
    for (unsigned int virq = 0; virq < NR_VIRQS; virq++) {
        if (global_virq_handlers[virq] == d) {
            global_virq_handlers[virq] = NULL;
            n++;
        }
    }
    spin_unlock_irqrestore(&global_virq_lock, flags);
    while (n--)
        put_domain(d);
}

void send_guest_pirq(struct domain *d, unsigned int pirq)
{
    struct evtchn *chn;
    uint32_t port;

    if (!d || pirq >= EVTCHN_NR_PIRQS || !load_acquire(&d->pirq_to_evtchn))
        return;
    port = read_atomic(&d->pirq_to_evtchn[pirq]);
    if (!port || !port_is_valid(d, port))
        return;
    chn = evtchn_from_port(d, port);
    if (evtchn_read_trylock(chn)) {
        if (read_atomic(&chn->state) == ECS_PIRQ && chn->u.pirq == pirq)
            port_set_pending(d, read_atomic(&chn->notify_vcpu_id), chn);
        evtchn_read_unlock(chn);
    }
}

/* ------------------------------------------------------------ polling */

int evtchn_port_poll(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;
    int rc = -EINVAL;

    if (!port_is_valid(d, port))
        return rc;
    chn = evtchn_from_port(d, port);
    evtchn_read_lock(chn);
    if (evtchn_usable(chn))
        rc = port_ops(d)->is_pending(d, chn);
    evtchn_read_unlock(chn);
    return rc;
}

void evtchn_check_pollers(struct domain *d, evtchn_port_t port)
{
    unsigned int id;

    if (find_first_bit(d->poll_mask, d->max_vcpus) >= d->max_vcpus)
        return;
    for_each_set_bit(id, d->poll_mask, d->max_vcpus) {
        struct vcpu *v = domain_vcpu(d, id);
        int p;

        if (!v)
            continue;
        p = read_atomic(&v->poll_evtchn);
        if ((p <= 0 || (evtchn_port_t)p == port) && test_and_clear_bit(id, d->poll_mask)) {
            write_atomic(&v->poll_evtchn, 0);
            vcpu_unblock(v);
        }
    }
}

static void poll_timer_fn(void *data)
{
    struct vcpu *v = data;

    if (test_and_clear_bit(v->vcpu_id, v->domain->poll_mask))
        vcpu_unblock(v);
}

long evtchn_sched_poll(uint64_t ports_va, unsigned int nr_ports, uint64_t timeout)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    evtchn_port_t port = 0;
    long rc;

    if (nr_ports > POLL_MAX_PORTS)
        return -EINVAL;

    /* Blocked and polling first, then look: a raise from now on wakes us. */
    set_bit(VPF_BLOCKED, &v->pause_flags);
    write_atomic(&v->poll_evtchn, -1);
    set_bit(v->vcpu_id, d->poll_mask);
    smp_mb();

    /* Woken already (someone saw one flag but not the other): just return. */
    rc = 0;
    if (read_atomic(&v->poll_evtchn) == 0 || !test_bit(VPF_BLOCKED, &v->pause_flags) ||
        !test_bit(v->vcpu_id, d->poll_mask))
        goto out;
    if (arch_local_events_need_delivery(v))
        goto out;

    for (unsigned int i = 0; i < nr_ports; i++) {
        rc = -EFAULT;
        if (arch_copy_from_guest(&port, ports_va + (uint64_t)i * sizeof(port), sizeof(port)))
            goto out;
        rc = evtchn_port_poll(d, port);
        if (rc) {
            if (rc > 0)
                rc = 0;
            goto out;
        }
    }

    if (nr_ports == 1)
        write_atomic(&v->poll_evtchn, (int)port);
    if (timeout) {
        migrate_timer(&v->poll_timer, smp_processor_id());
        set_timer(&v->poll_timer, timeout);
    }
    raise_softirq(SCHEDULE_SOFTIRQ);
    return 0;

 out:
    write_atomic(&v->poll_evtchn, 0);
    clear_bit(v->vcpu_id, d->poll_mask);
    clear_bit(VPF_BLOCKED, &v->pause_flags);
    return rc;
}

/* ------------------------------------------------------------ life cycle */

int evtchn_init(struct domain *d, unsigned int max_port)
{
    int port;

    spin_lock_init(&d->event_lock);
    d->evtchn_port_ops = &evtchn_port_ops_2l;
    d->max_evtchn_port = max_port < INT_MAX ? max_port : INT_MAX;

    spin_lock(&d->event_lock);
    port = get_free_port(d);
    if (port == 0)
        evtchn_from_port(d, 0)->state = ECS_RESERVED;
    spin_unlock(&d->event_lock);
    if (port != 0)
        return port < 0 ? port : -EINVAL;
    d->active_evtchns = 0;      /* port 0 is not "in use" */
    if (d->cdf & (XEN_DOMCTL_CDF_no_evtchn_fifo | XEN_DOMCTL_CDF_no_upcall_vector))
        printk("d%u: hidden from the guest:%s%s\n", d->domain_id,
               evtchn_fifo_offered(d) ? "" : " FIFO event channels",
               evtchn_upcall_vector_offered(d) ? "" : " per-vCPU upcall vector");
    return 0;
}

void evtchn_destroy(struct domain *d)
{
    unsigned int valid;

    BUG_ON(!read_atomic(&d->is_dying));
    if (!d->evtchn_port_ops)
        return;                 /* creation failed before evtchn_init() */

    /* Whoever allocated a port before is_dying was seen has finished. */
    spin_lock(&d->event_lock);
    valid = d->valid_evtchns;
    spin_unlock(&d->event_lock);

    for (unsigned int port = valid; port-- > 1;)
        evtchn_close(d, port);

    clear_global_virq_handlers(d);

    spin_lock(&d->event_lock);
    if (port_ops(d) != &evtchn_port_ops_2l || d->evtchn_fifo) {
        evtchn_fifo_destroy(d);
        store_release(&d->evtchn_port_ops, &evtchn_port_ops_2l);
    }
    spin_unlock(&d->event_lock);
}

void evtchn_destroy_final(struct domain *d)
{
    for (unsigned int g = 0; g < EVTCHN_NR_GROUPS; g++) {
        if (!d->evtchn_group[g])
            continue;
        for (unsigned int b = 0; b < EVTCHN_GROUP_BUCKETS; b++)
            xfree(d->evtchn_group[g][b]);
        xfree(d->evtchn_group[g]);
        d->evtchn_group[g] = NULL;
    }
    d->valid_evtchns = 0;
    xfree(d->pirq_to_evtchn);
    d->pirq_to_evtchn = NULL;
}

int evtchn_vcpu_init(struct vcpu *v)
{
    spin_lock_init(&v->virq_lock);
    init_timer(&v->poll_timer, poll_timer_fn, v, v->processor);
    return evtchn_fifo_vcpu_init(v);
}

void evtchn_vcpu_destroy(struct vcpu *v)
{
    kill_timer(&v->poll_timer);
    evtchn_fifo_vcpu_destroy(v);
}

/* ------------------------------------------------------------ dom0 options */

/* "name", "name=<bool>" or "no-name": -1 if the word is not about name. */
static int bool_option(const char *word, size_t len, const char *name)
{
    size_t n = strlen(name);
    const char *val;

    if (len == n + 3 && !strncmp(word, "no-", 3) && !strncmp(word + 3, name, n))
        return 0;
    if (len < n || strncmp(word, name, n))
        return -1;
    if (len == n)
        return 1;
    if (word[n] != '=')
        return -1;
    val = word + n + 1;
    len -= n + 1;
    static const char *const off[] = { "0", "no", "false", "off", "disable" };
    static const char *const on[] = { "1", "yes", "true", "on", "enable" };
    for (unsigned int i = 0; i < ARRAY_SIZE(off); i++) {
        if (len == strlen(off[i]) && !strncmp(val, off[i], len))
            return 0;
        if (len == strlen(on[i]) && !strncmp(val, on[i], len))
            return 1;
    }
    return -1;                  /* malformed: ignored */
}

uint32_t evtchn_dom0_cdf(const char *cmdline)
{
    uint32_t flags = 0;

    while (cmdline && *cmdline) {
        size_t len;
        int v;

        while (*cmdline == ' ')
            cmdline++;
        for (len = 0; cmdline[len] && cmdline[len] != ' '; len++)
            ;
        if ((v = bool_option(cmdline, len, "dom0_evtchn_fifo")) >= 0)
            flags = v ? flags & ~XEN_DOMCTL_CDF_no_evtchn_fifo
                      : flags | XEN_DOMCTL_CDF_no_evtchn_fifo;
        else if ((v = bool_option(cmdline, len, "dom0_evtchn_upcall_vector")) >= 0)
            flags = v ? flags & ~XEN_DOMCTL_CDF_no_upcall_vector
                      : flags | XEN_DOMCTL_CDF_no_upcall_vector;
        cmdline += len;
    }
    return flags;
}
