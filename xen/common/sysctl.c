/*
 * sysctl (hypercall 35): the toolstack's host-wide queries.
 *
 * The flow, learned from Xen 4.17's common/sysctl.c: the whole struct
 * xen_sysctl is copied in (-EFAULT); an interface version other than
 * XEN_SYSCTL_INTERFACE_VERSION is -EACCES; XSM decides (the control
 * domain only, by default: -EPERM); one sysctl runs at a time; by
 * default the structure goes back only when the command succeeded.
 * Unknown commands are -ENOSYS.  docs/domain-control.md has the details.
 */
#include "hypercall_env.h"
#include "control.h"
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/console.h>
#include <xen/arch.h>
#include <xsm/xsm.h>

static DEFINE_SPINLOCK(sysctl_lock);

/* ------------------------------------------------------------ readconsole */

/*
 * Where the last clearing read stopped (Xen's conringc), under
 * sysctl_lock.  Reads start there, or at the oldest byte the ring still
 * holds if output has overwritten it since.
 */
static uint32_t console_cleared;

static uint32_t console_oldest(uint32_t tail)
{
    uint32_t size = console_ring_size();

    return tail - console_cleared > size ? tail - size : console_cleared;
}

static long readconsole(struct xen_sysctl_readconsole *rc)
{
    uint32_t tail = console_ring_tail();
    uint32_t c = console_oldest(tail);
    uint32_t sofar = 0;
    char buf[128];

    /* Incremental: go on from the caller's index if it lies within what we hold. */
    if (rc->incremental && rc->index - c != 0 && rc->index - c <= tail - c)
        c = rc->index;

    while (c != tail && sofar < rc->count) {
        uint32_t want = tail - c, pos = c;
        unsigned int n;

        if (want > sizeof(buf))
            want = sizeof(buf);
        if (want > rc->count - sofar)
            want = rc->count - sofar;
        n = console_ring_fetch(&pos, buf, want);
        if (pos != c) {
            /* Overwritten while we read: what is left of our snapshot starts later. */
            if (pos - c >= tail - c) {
                c = tail;
                break;
            }
            if (n > tail - pos)
                n = tail - pos;
            c = pos;
        }
        if (!n)
            break;
        if (copy_to_guest_offset(rc->buffer, sofar, buf, n))
            return -EFAULT;
        sofar += n;
        c += n;
    }

    if (rc->clear)
        console_cleared = tail - c > console_ring_size() ? tail - console_ring_size() : c;
    rc->count = sofar;
    rc->index = c;
    return 0;
}

/* ------------------------------------------------------------ lists */

static long getdomaininfolist(struct xen_sysctl_getdomaininfolist *gl)
{
    struct xen_domctl_getdomaininfo info;
    unsigned int id = gl->first_domain;
    uint32_t num = 0;

    while (num < gl->max_domains && id < DOMID_FIRST_RESERVED) {
        struct domain *d = domain_find_from((domid_t)id);
        int rc = 0;

        if (!d)
            break;
        id = d->domain_id + 1u;
        if (!xsm_getdomaininfo(XSM_HOOK, d)) {
            getdomaininfo(d, &info);
            if (copy_to_guest_offset(gl->buffer, num, &info, 1))
                rc = -EFAULT;
            else
                num++;
        }
        put_domain(d);
        if (rc)
            return rc;
    }
    gl->num_domains = num;
    return 0;
}

static long getcpuinfo(struct xen_sysctl_getcpuinfo *gc)
{
    unsigned int nr = ctl_nr_cpu_ids(), i;

    if (nr > gc->max_cpus)
        nr = gc->max_cpus;
    for (i = 0; i < nr; i++) {
        struct xen_sysctl_cpuinfo ci = { 0 };
        struct vcpu_runstate_info rs;

        /* A CPU's idle time is its idle vCPU's running time. */
        if (idle_vcpu[i]) {
            vcpu_runstate_get(idle_vcpu[i], &rs);
            ci.idletime = rs.time[RUNSTATE_running];
        }
        if (copy_to_guest_offset(gc->info, i, &ci, 1))
            return -EFAULT;
    }
    gc->nr_cpus = i;
    return 0;
}

static void physinfo(struct xen_sysctl_physinfo *pi)
{
    unsigned long max = heap_max_page();

    memset(pi, 0, sizeof(*pi));
    /* Every CPU a core and a socket of its own, as Xen reports on Arm. */
    pi->threads_per_core = 1;
    pi->cores_per_socket = 1;
    pi->nr_cpus = num_online_cpus();
    pi->max_cpu_id = ctl_nr_cpu_ids() - 1;
    pi->nr_nodes = CTL_NR_NODES;
#ifdef CONFIG_X86
    /* Xen on x86 reports the highest node id it was built for (64 nodes), not the highest online. */
    pi->max_node_id = 63;
#else
    pi->max_node_id = CTL_NR_NODES - 1;
#endif
    pi->total_pages = total_heap_pages();
    pi->free_pages = total_free_pages();
    pi->max_mfn = max ? max - 1 : 0;
    arch_do_physinfo(pi);
#ifdef CONFIG_GRANT_TABLE
    pi->capabilities |= XEN_SYSCTL_PHYSCAP_gnttab_v1;
#endif
}

/* Distance between a node and itself, as Xen reports it. */
#ifdef CONFIG_ARM
#define LOCAL_NODE_DISTANCE 20u
#else
#define LOCAL_NODE_DISTANCE 10u
#endif

static long numainfo(struct xen_sysctl_numainfo *ni)
{
    unsigned int nodes = CTL_NR_NODES, i = nodes;

    if (!guest_handle_is_null(ni->meminfo) || !guest_handle_is_null(ni->distance)) {
        if (nodes > ni->num_nodes)
            nodes = ni->num_nodes;
        for (i = 0; i < nodes; i++) {
            if (!guest_handle_is_null(ni->meminfo)) {
                struct xen_sysctl_meminfo mi = {
                    .memsize = (uint64_t)total_heap_pages() << PAGE_SHIFT,
                    .memfree = (uint64_t)total_free_pages() << PAGE_SHIFT,
                };

                if (copy_to_guest_offset(ni->meminfo, i, &mi, 1))
                    return -EFAULT;
            }
            if (!guest_handle_is_null(ni->distance)) {
                for (unsigned int j = 0; j < nodes; j++) {
                    uint32_t dist = LOCAL_NODE_DISTANCE;

                    if (copy_to_guest_offset(ni->distance, i * nodes + j, &dist, 1))
                        return -EFAULT;
                }
            }
        }
    }
    ni->num_nodes = i;
    return 0;
}

static long cputopoinfo(struct xen_sysctl_cputopoinfo *ti)
{
    unsigned int cpus = ctl_nr_cpu_ids(), i = cpus;

    if (!guest_handle_is_null(ti->cputopo)) {
        if (cpus > ti->num_cpus)
            cpus = ti->num_cpus;
        for (i = 0; i < cpus; i++) {
            struct xen_sysctl_cputopo t = { 0, 0, 0 };

            if (!cpu_online(i)) {
                t.core = XEN_INVALID_CORE_ID;
                t.socket = XEN_INVALID_SOCKET_ID;
                t.node = XEN_INVALID_NODE_ID;
            }
            if (copy_to_guest_offset(ti->cputopo, i, &t, 1))
                return -EFAULT;
        }
    }
    ti->num_cpus = i;
    return 0;
}

/* ------------------------------------------------------------ CPU pools: just pool 0 */

static unsigned int pool0_domains(void)
{
    unsigned int n = 0, id = 0;
    struct domain *d;

    while (id < DOMID_FIRST_RESERVED && (d = domain_find_from((domid_t)id)) != NULL) {
        id = d->domain_id + 1u;
        n++;
        put_domain(d);
    }
    return n;
}

static long cpupool_op(struct xen_sysctl_cpupool_op *cp)
{
    unsigned int nbits = ctl_nr_cpu_ids();
    cpumask_t none;

    switch (cp->op) {
    case XEN_SYSCTL_CPUPOOL_OP_INFO:
        /* The first pool with an id >= the one asked for. */
        if (cp->cpupool_id > 0)
            return -ENOENT;
        cp->cpupool_id = 0;
        cp->sched_id = XEN_SCHEDULER_CREDIT;
        cp->n_dom = pool0_domains();
        return ctl_bitmap_to_guest(&cp->cpumap, cpu_online_map.bits, nbits);
    case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
        /* Every CPU belongs to pool 0. */
        cpumask_clear(&none);
        return ctl_bitmap_to_guest(&cp->cpumap, none.bits, nbits);
    case XEN_SYSCTL_CPUPOOL_OP_CREATE:
        return -EOPNOTSUPP;
    case XEN_SYSCTL_CPUPOOL_OP_DESTROY:
        return cp->cpupool_id ? -ENOENT : -EBUSY;
    case XEN_SYSCTL_CPUPOOL_OP_ADDCPU:
        if (cp->cpupool_id)
            return -ENOENT;
        if (cp->cpu != XEN_SYSCTL_CPUPOOL_PAR_ANY && cp->cpu >= nbits)
            return -EINVAL;
        /* No CPU is free to add. */
        return -ENODEV;
    case XEN_SYSCTL_CPUPOOL_OP_RMCPU:
        if (cp->cpupool_id)
            return -ENOENT;
        if (cp->cpu != XEN_SYSCTL_CPUPOOL_PAR_ANY && cp->cpu >= nbits)
            return -EINVAL;
        return -EBUSY;
    case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN: {
        struct domain *d;
        long rc;

        if (cp->domid >= DOMID_FIRST_RESERVED || !(d = get_domain_by_id((domid_t)cp->domid)))
            return -ESRCH;
        rc = d == current->domain ? -EPERM : (cp->cpupool_id ? -ENOENT : 0);
        put_domain(d);
        return rc;
    }
    default:
        return -ENOSYS;
    }
}

static long scheduler_op(struct xen_sysctl_scheduler_op *so)
{
    struct xen_sysctl_credit_schedule *cs = &so->u.sched_credit;
    long rc = xsm_sysctl_scheduler_op(XSM_HOOK, so->cmd);

    if (rc)
        return rc;
    if (so->cmd != XEN_SYSCTL_SCHEDOP_putinfo && so->cmd != XEN_SYSCTL_SCHEDOP_getinfo)
        return -EINVAL;
    if (so->cpupool_id)
        return -ESRCH;
    if (so->sched_id != XEN_SCHEDULER_CREDIT)
        return -EINVAL;
    if (so->cmd == XEN_SYSCTL_SCHEDOP_getinfo) {
        cs->tslice_ms = CONFIG_SCHED_CREDIT_TSLICE_MS;
        cs->ratelimit_us = 0;
        cs->vcpu_migr_delay_us = 0;
        return 0;
    }
    /* Xen's checks; then our credit scheduler's parameters are fixed at build time. */
    if (cs->tslice_ms > XEN_SYSCTL_CSCHED_TSLICE_MAX || cs->tslice_ms < XEN_SYSCTL_CSCHED_TSLICE_MIN ||
        (cs->ratelimit_us && (cs->ratelimit_us > XEN_SYSCTL_SCHED_RATELIMIT_MAX ||
                              cs->ratelimit_us < XEN_SYSCTL_SCHED_RATELIMIT_MIN)) ||
        (uint64_t)cs->ratelimit_us * 1000 > (uint64_t)cs->tslice_ms * 1000000 ||
        cs->vcpu_migr_delay_us > XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US)
        return -EINVAL;
    return -EOPNOTSUPP;
}

/* ------------------------------------------------------------ debug keys */

static void key_dump_domains(void)
{
    unsigned int id = 0;
    struct domain *d;

    while (id < DOMID_FIRST_RESERVED && (d = domain_find_from((domid_t)id)) != NULL) {
        unsigned int online = 0;
        struct vcpu *v;

        id = d->domain_id + 1u;
        for_each_vcpu(d, v)
            if (!test_bit(VPF_DOWN, &v->pause_flags))
                online++;
        printk("d%u: %lu pages (max %lu), %u of %u vCPUs online%s%s\n", d->domain_id,
               read_atomic(&d->tot_pages), read_atomic(&d->max_pages), online, d->max_vcpus,
               read_atomic(&d->is_dying) ? ", dying" : "",
               read_atomic(&d->is_shut_down) ? ", shut down" : "");
        put_domain(d);
    }
}

static long debug_keys(struct xen_sysctl_debug_keys *dk)
{
    for (uint32_t i = 0; i < dk->nr_keys; i++) {
        char c;

        if (copy_from_guest_offset(&c, dk->keys, i, 1))
            return -EFAULT;
        switch (c) {
        case 'q':
            printk("'q' pressed -> dumping domain info\n");
            key_dump_domains();
            break;
        case 'h':
            printk("'h' pressed -> keys: 'q' domain info\n");
            break;
        default:
            printk("'%c' pressed -> no such key\n", c);
            break;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ the hypercall */

long do_sysctl(XEN_GUEST_HANDLE_PARAM(xen_sysctl_t) u_sysctl)
{
    struct xen_sysctl op;
    /* Copy back: -1 on success only, 1 always, 0 never. */
    int copyback = -1;
    long rc;

    if (copy_from_guest(&op, u_sysctl, 1))
        return -EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    rc = xsm_sysctl(XSM_PRIV, op.cmd);
    if (rc)
        return rc;

    while (!spin_trylock(&sysctl_lock))
        if (hc_preempt_check())
            return (long)hypercall_create_continuation(__HYPERVISOR_sysctl, "h", u_sysctl.p);

    switch (op.cmd) {
    case XEN_SYSCTL_readconsole:
        rc = xsm_readconsole(XSM_HOOK, op.u.readconsole.clear);
        if (!rc)
            rc = readconsole(&op.u.readconsole);
        break;

    case XEN_SYSCTL_physinfo:
        physinfo(&op.u.physinfo);
        rc = 0;
        break;

    case XEN_SYSCTL_sched_id:
        op.u.sched_id.sched_id = XEN_SCHEDULER_CREDIT;
        rc = 0;
        break;

    case XEN_SYSCTL_getdomaininfolist:
        rc = getdomaininfolist(&op.u.getdomaininfolist);
        break;

    case XEN_SYSCTL_debug_keys:
        rc = debug_keys(&op.u.debug_keys);
        copyback = 0;
        break;

    case XEN_SYSCTL_getcpuinfo:
        rc = getcpuinfo(&op.u.getcpuinfo);
        break;

    case XEN_SYSCTL_cputopoinfo:
        rc = cputopoinfo(&op.u.cputopoinfo);
        break;

    case XEN_SYSCTL_numainfo:
        rc = numainfo(&op.u.numainfo);
        break;

    case XEN_SYSCTL_cpupool_op:
        rc = cpupool_op(&op.u.cpupool_op);
        break;

    case XEN_SYSCTL_scheduler_op:
        rc = scheduler_op(&op.u.scheduler_op);
        break;

    default:
        rc = -ENOSYS;
        copyback = 0;
        break;
    }

    spin_unlock(&sysctl_lock);

    if (copyback && (!rc || copyback > 0) && copy_to_guest(u_sysctl, &op, 1))
        rc = -EFAULT;
    return rc;
}
