/*
 * memory_op (hypercall 12): the part of Xen 4.17's memory operations a
 * translated dom0 needs first.
 *
 *   XENMEM_add_to_physmap          shared_info; grant_table (-ENOSYS until
 *                                  grant tables exist); gmfn and
 *                                  gmfn_range (-ENOSYS: Xen on Arm has no
 *                                  such spaces either); dev_mmio
 *   XENMEM_add_to_physmap_batch    the same spaces, one result per entry
 *   XENMEM_maximum_ram_page        one past the highest RAM frame
 *   XENMEM_current_reservation     pages a domain owns
 *   XENMEM_maximum_reservation     pages it may own
 *   XENMEM_maximum_gpfn            highest guest frame ever mapped
 *
 * Every other XENMEM_* is -ENOSYS for now (reservations, exchange,
 * remove_from_physmap, acquire_resource, ... come later).  The argument
 * checks, their order and the errno values follow Xen's common/memory.c
 * and arch/arm/mm.c; see docs/memory-ops.md.
 */
#include "hypercall_env.h"
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/spinlock.h>
#include <public/memory.h>
#include <xen/grant_table.h>

/* cmd = op | (progress << MEMOP_EXTENT_SHIFT), as in Xen. */
#define MEMOP_EXTENT_SHIFT  6
#define MEMOP_CMD_MASK      ((1UL << MEMOP_EXTENT_SHIFT) - 1)

/* A guest frame number no mapping may use. */
#define GPFN_INVALID        (~(xen_pfn_t)0)

/* The progress field of add_to_physmap(_batch) continuations is 16 bits. */
BUILD_BUG_ON((uint16_t)-1 > (UINT_MAX >> MEMOP_EXTENT_SHIFT));

/* ------------------------------------------------------------ hooks */

/*
 * Two numbers this file needs from elsewhere.  Their owners (the page
 * allocator, each arch's p2m) are expected to provide them; until then
 * these defaults say "unknown" and the sub-ops that need them answer
 * -ENOSYS.
 *
 * heap_max_page(): one past the highest RAM frame (Xen's max_page).
 * p2m_max_mapped_gfn(): the highest guest frame d's p2m has ever mapped
 * (Xen's p2m->max_mapped_gfn: it never goes down, 0 before any mapping).
 */
unsigned long heap_max_page(void);
bool p2m_max_mapped_gfn(struct domain *d, uint64_t *gfn);

__attribute__((__weak__)) unsigned long heap_max_page(void)
{
    return 0;
}

__attribute__((__weak__)) bool p2m_max_mapped_gfn(struct domain *d, uint64_t *gfn)
{
    (void)d;
    (void)gfn;
    return false;
}

/*
 * Sub-ops of the architecture (x86: XENMEM_memory_map, in
 * xen/arch/x86/hvm.c); it gets the whole cmd, as in Xen.
 */
long arch_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

__attribute__((__weak__)) long arch_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    (void)cmd;
    (void)arg;
    return -ENOSYS;
}

/* ------------------------------------------------------------ domains */

/*
 * The domain an argument names, with a reference held (Xen's
 * rcu_lock_domain_by_any_id()): DOMID_SELF is the caller.  NULL means
 * -ESRCH.
 */
static struct domain *memop_get_domain(domid_t domid)
{
    struct domain *d;

    if (domid != DOMID_SELF)
        return get_domain_by_id(domid);
    d = current->domain;
    return get_domain(d) ? d : NULL;
}

/* Xen's counters are unsigned int: report ours the same way. */
static long as_uint(unsigned long n)
{
    return n > UINT_MAX ? (long)UINT_MAX : (long)n;
}

/* ------------------------------------------------------------ shared_info */

/*
 * Where d's shared_info frame is mapped, if anywhere.  As Xen does for
 * the hypervisor pages it lets a guest map, the frame's own page_info
 * remembers the guest frame: `count` holds gfn + 1 (0: never mapped).
 * The record is only a hint: it counts if the p2m still maps the frame
 * there, so a mapping replaced or removed by other means (a later
 * remove_from_physmap, the domain mapping something else over it) frees
 * the page for a new add_to_physmap without this file being told.
 */
static DEFINE_SPINLOCK(shinfo_lock);

static bool shinfo_mapped(struct domain *d, const struct page_info *pg)
{
    p2m_type_t t;
    mfn_t m;

    if (!pg->count)
        return false;
    m = p2m_lookup(d, _gfn(pg->count - 1), &t);
    return t == p2m_ram_rw && mfn_eq(m, d->shared_info_mfn);
}

/*
 * Xen (arch/arm/mm.c) maps a hypervisor page only once: a second request,
 * at the same or another frame, is -EBUSY until the first mapping is
 * gone.  Whatever the target frame held before (usually one of the
 * guest's RAM pages) is simply replaced; that page stays the domain's.
 */
static int map_shared_info(struct domain *d, uint64_t gfn)
{
    struct page_info *pg = mfn_to_page(d->shared_info_mfn);
    int rc;

    if (!pg || !d->shared_info)
        return -EINVAL;

    spin_lock(&shinfo_lock);
    if (shinfo_mapped(d, pg)) {
        rc = -EBUSY;
    } else {
        rc = p2m_map_range(d, _gfn(gfn), d->shared_info_mfn, 1, p2m_ram_rw);
        if (!rc)
            pg->count = gfn + 1;
    }
    spin_unlock(&shinfo_lock);
    return rc;
}

/* ------------------------------------------------------------ add_to_physmap */

/*
 * One (space, idx) -> gfn mapping: Xen's xenmem_add_to_physmap_one() on
 * Arm.  `foreign` is the owner for XENMAPSPACE_gmfn_foreign.
 */
static int add_to_physmap_one(struct domain *d, unsigned int space, domid_t foreign,
                              xen_ulong_t idx, xen_pfn_t gpfn)
{
    (void)foreign;

    switch (space) {
    case XENMAPSPACE_shared_info:
        if (idx != 0)
            return -EINVAL;
        return map_shared_info(d, gpfn);

    case XENMAPSPACE_grant_table: {
        mfn_t m;
        return gnttab_map_frame(d, idx, _gfn(gpfn), &m);
    }

    case XENMAPSPACE_gmfn_foreign:
        return -ENOSYS;             /* foreign mappings need page references: later */

    case XENMAPSPACE_dev_mmio:
        /*
         * Xen maps the frame only if the domain may access it and answers
         * 0 either way.  No domain has I/O memory permissions here (no
         * device is passed through), so nothing is mapped.
         */
        return 0;

    default:
        /* gmfn (and thus gmfn_range) and unknown spaces: Xen on Arm too. */
        return -ENOSYS;
    }
}

/* Xen's xatp_permission_check(): every guest we run is translated. */
static int physmap_permission(struct domain *d, unsigned int space)
{
    /* Only the hardware domain maps device memory, and only into itself. */
    if (space == XENMAPSPACE_dev_mmio &&
        (!is_hardware_domain(d) || d != current->domain))
        return -EACCES;
    return hc_xsm_target(current->domain, d);      /* xsm_add_to_physmap */
}

/*
 * The single form.  Returns a result, or for gmfn_range a positive count
 * of frames done when it stopped early (the caller makes the
 * continuation).
 */
static long add_to_physmap(struct domain *d, struct xen_add_to_physmap *xatp,
                           unsigned int start)
{
    unsigned int done = 0;
    long rc = 0;

    if (xatp->gpfn == GPFN_INVALID)
        return -EINVAL;
    if (xatp->space != XENMAPSPACE_gmfn_range)
        return add_to_physmap_one(d, xatp->space, DOMID_INVALID, xatp->idx, xatp->gpfn);

    if (xatp->size < start)
        return -EILSEQ;
    if (xatp->gpfn + xatp->size < xatp->gpfn || xatp->idx + xatp->size < xatp->idx)
        return -EOVERFLOW;
    xatp->idx += start;
    xatp->gpfn += start;
    xatp->size -= start;

    while (xatp->size > done) {
        rc = add_to_physmap_one(d, XENMAPSPACE_gmfn, DOMID_INVALID, xatp->idx, xatp->gpfn);
        if (rc < 0)
            break;
        xatp->idx++;
        xatp->gpfn++;
        if (xatp->size > ++done && hc_preempt_check()) {
            rc = start + done;
            break;
        }
    }
    return rc;
}

/*
 * The batch form, from entry `extent` on: 0 when done, a negative errno
 * for the whole call, or a positive entry index to continue from.
 */
static long add_to_physmap_batch(struct domain *d, struct xen_add_to_physmap_batch *b,
                                 unsigned int extent)
{
    uint64_t idxs = guest_handle_va(b->idxs);
    uint64_t gpfns = guest_handle_va(b->gpfns);
    uint64_t errs = guest_handle_va(b->errs);
    domid_t foreign = DOMID_INVALID;

    if (b->size < extent)
        return -EILSEQ;
    if (b->size == extent)
        return extent ? -EILSEQ : 0;

    switch (b->space) {
    case XENMAPSPACE_dev_mmio:
        if (b->u.res0)
            return -EOPNOTSUPP;
        break;
    case XENMAPSPACE_gmfn_foreign:
        foreign = b->u.foreign_domid;
        break;
    }

    while (b->size > extent) {
        xen_ulong_t idx;
        xen_pfn_t gpfn;
        int rc;

        if (arch_copy_from_guest(&idx, idxs + (uint64_t)extent * sizeof(idx), sizeof(idx)) ||
            arch_copy_from_guest(&gpfn, gpfns + (uint64_t)extent * sizeof(gpfn), sizeof(gpfn)))
            return -EFAULT;
        if (gpfn == GPFN_INVALID)
            return -EINVAL;

        rc = add_to_physmap_one(d, b->space, foreign, idx, gpfn);
        if (arch_copy_to_guest(errs + (uint64_t)extent * sizeof(rc), &rc, sizeof(rc)))
            return -EFAULT;

        if (b->size > ++extent && hc_preempt_check())
            return extent;
    }
    return 0;
}

/* ------------------------------------------------------------ the hypercall */

/* XENMEM_current_reservation, _maximum_reservation, _maximum_gpfn. */
static long domain_query(unsigned int op, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_domain m;
    struct domain *d;
    uint64_t gfn;
    long rc;

    if (!hc_copy_from(&m, arg, 0, sizeof(m)))
        return -EFAULT;
    d = memop_get_domain(m.domid);
    if (!d)
        return -ESRCH;
    rc = hc_xsm_target(current->domain, d);        /* xsm_memory_stat_reservation */
    if (rc)
        goto out;

    switch (op) {
    case XENMEM_current_reservation:
        rc = as_uint(read_atomic(&d->tot_pages));
        break;
    case XENMEM_maximum_reservation:
        rc = as_uint(read_atomic(&d->max_pages));
        break;
    default:    /* XENMEM_maximum_gpfn */
        rc = p2m_max_mapped_gfn(d, &gfn) ? (long)gfn : -ENOSYS;
        break;
    }
 out:
    put_domain(d);
    return rc;
}

long do_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    unsigned long start_extent = cmd >> MEMOP_EXTENT_SHIFT;
    unsigned int op = cmd & MEMOP_CMD_MASK;
    struct domain *d;
    long rc;

    switch (op) {
    case XENMEM_maximum_ram_page: {
        unsigned long max = heap_max_page();

        if (start_extent)
            return -EINVAL;
        return max ? (long)max : -ENOSYS;
    }

    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        if (start_extent)
            return -EINVAL;
        return domain_query(op, arg);

    case XENMEM_add_to_physmap: {
        struct xen_add_to_physmap xatp;

        if (start_extent != (uint16_t)start_extent)
            return -EDOM;
        if (!hc_copy_from(&xatp, arg, 0, sizeof(xatp)))
            return -EFAULT;
        /* Foreign frames only through the batch form. */
        if (xatp.space == XENMAPSPACE_gmfn_foreign)
            return -ENOSYS;
        d = memop_get_domain(xatp.domid);
        if (!d)
            return -ESRCH;
        rc = physmap_permission(d, xatp.space);
        if (!rc)
            rc = add_to_physmap(d, &xatp, (unsigned int)start_extent);
        put_domain(d);
        if (xatp.space == XENMAPSPACE_gmfn_range && rc > 0)
            rc = (long)hypercall_create_continuation(__HYPERVISOR_memory_op, "lh",
                                                     op | ((unsigned long)rc << MEMOP_EXTENT_SHIFT),
                                                     arg.p);
        return rc;
    }

    case XENMEM_add_to_physmap_batch: {
        struct xen_add_to_physmap_batch xatpb;

        if (start_extent != (uint16_t)start_extent)
            return -EDOM;
        if (!hc_copy_from(&xatpb, arg, 0, sizeof(xatpb)))
            return -EFAULT;
        if (xatpb.space == XENMAPSPACE_gmfn_range)
            return -EOPNOTSUPP;
        d = memop_get_domain(xatpb.domid);
        if (!d)
            return -ESRCH;
        rc = physmap_permission(d, xatpb.space);
        if (!rc)
            rc = add_to_physmap_batch(d, &xatpb, (unsigned int)start_extent);
        put_domain(d);
        if (rc > 0)
            rc = (long)hypercall_create_continuation(__HYPERVISOR_memory_op, "lh",
                                                     op | ((unsigned long)rc << MEMOP_EXTENT_SHIFT),
                                                     arg.p);
        return rc;
    }

    default:
        return arch_memory_op(cmd, arg);
    }
}
