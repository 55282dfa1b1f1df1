/*
 * memory_op (hypercall 12): Xen 4.17's memory operations for translated
 * guests (every guest we run: Arm, x86 HVM/PVH).
 *
 *   XENMEM_increase_reservation    pages for a domain, not mapped
 *   XENMEM_decrease_reservation    unmap guest frames and free their pages
 *   XENMEM_populate_physmap        back guest frames with new pages
 *   XENMEM_add_to_physmap(_batch)  shared_info, grant_table, dev_mmio,
 *                                  gmfn_foreign (batch form only)
 *   XENMEM_remove_from_physmap     unmap one guest frame
 *   XENMEM_acquire_resource        map another domain's grant-table frames
 *   XENMEM_maximum_ram_page, current/maximum_reservation, maximum_gpfn
 *   XENMEM_claim_pages, get_vnumainfo, reserved_device_memory_map,
 *   exchange (checks only) and Arm's get_sharing_* counters.
 *
 * The argument checks, their order and the errno values follow Xen's
 * common/memory.c and arch/arm/mm.c; see docs/memory-ops.md, and
 * docs/memory-model.md for who owns which page and who holds references.
 */
#include "hypercall_env.h"
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/spinlock.h>
#include <public/memory.h>
#include <xen/grant_table.h>
#include <xsm/xsm.h>

/* cmd = op | (progress << MEMOP_EXTENT_SHIFT), as in Xen. */
#define MEMOP_EXTENT_SHIFT  6
#define MEMOP_CMD_MASK      ((1UL << MEMOP_EXTENT_SHIFT) - 1)

/* A guest frame number no mapping may use. */
#define GPFN_INVALID        (~(xen_pfn_t)0)

/* The progress field of add_to_physmap(_batch) continuations is 16 bits. */
BUILD_BUG_ON((uint16_t)-1 > (UINT_MAX >> MEMOP_EXTENT_SHIFT));

/* ------------------------------------------------------------ hooks */

/*
 * Two numbers this file needs from elsewhere.  The page allocator and each
 * arch's p2m provide them; these weak defaults, which say "unknown" (the
 * sub-ops that need them answer -ENOSYS), serve host tests linked without.
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

/* ------------------------------------------------------------ foreign frames */

/*
 * Map one frame that another domain owns into d's p2m.  The caller holds
 * a reference to the page on the owner's behalf; the p2m keeps it while
 * the entry exists (xen/p2m.h), so on failure it is dropped here.
 */
static int map_foreign_frame(struct domain *d, xen_pfn_t gfn, mfn_t mfn, p2m_type_t t)
{
    int rc = p2m_map_range(d, _gfn(gfn), mfn, 1, t);

    if (rc)
        put_page(mfn_to_page(mfn));
    return rc;
}

/*
 * XENMAPSPACE_gmfn_foreign: frame `idx` of domain `foreign` at `gpfn` of
 * d.  As Xen's get_pg_owner(): DOMID_SELF is the caller, the caller's
 * own id is refused (-ESRCH); the hypervisor's pseudo-domains own no
 * guest RAM, so nothing of theirs can be mapped (-EINVAL once allowed).
 */
static int map_gmfn_foreign(struct domain *d, domid_t foreign, xen_ulong_t idx,
                            xen_pfn_t gpfn)
{
    struct domain *od;
    struct page_info *pg;
    p2m_type_t t;
    mfn_t mfn;
    int rc;

    if (foreign == DOMID_SELF) {
        od = current->domain;
        if (!get_domain(od))
            return -ESRCH;
    } else if (foreign == current->domain->domain_id) {
        return -ESRCH;
    } else if (foreign == DOMID_IO || foreign == DOMID_XEN) {
        rc = xsm_default_action(XSM_TARGET, d, NULL);   /* xsm_map_gmfn_foreign */
        return rc ? rc : -EINVAL;
    } else {
        od = get_domain_by_id(foreign);
        if (!od)
            return -ESRCH;
    }

    rc = -EINVAL;
    if (od == d)
        goto out;
    rc = xsm_map_gmfn_foreign(XSM_TARGET, d, od);
    if (rc)
        goto out;

    /* Only the owner's ordinary RAM, with a reference for the mapping. */
    rc = -EINVAL;
    mfn = p2m_lookup(od, _gfn(idx), &t);
    if (t != p2m_ram_rw && t != p2m_ram_ro)
        goto out;
    pg = mfn_to_page(mfn);
    if (!pg || !get_page(pg, od))
        goto out;
    rc = map_foreign_frame(d, gpfn, mfn, t == p2m_ram_rw ? p2m_map_foreign_rw
                                                         : p2m_map_foreign_ro);
 out:
    put_domain(od);
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
        return map_gmfn_foreign(d, foreign, idx, gpfn);

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
    return xsm_add_to_physmap(XSM_TARGET, current->domain, d);
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

/* ------------------------------------------------------------ reservations */

/*
 * Largest extent a caller may ask for (Xen's max_order() with its
 * default build limits): 2^9 pages for everyone, 2^18 for the control
 * domain, at least 2^10 (Arm) / 2^12 (x86) for the hardware domain.
 */
#define DOMU_MAX_ORDER      9
#define CTLDOM_MAX_ORDER    18
#ifdef CONFIG_ARM
#define HWDOM_MAX_ORDER     10
#else
#define HWDOM_MAX_ORDER     12
#endif

/* Xen's NUMA_NO_NODE, and how many nodes we have (none described: one). */
#define NO_NODE             0xffu
#define NR_NODES            1u

static unsigned int memop_max_order(const struct domain *caller)
{
    unsigned int order = DOMU_MAX_ORDER;

    if (caller->is_privileged && order < CTLDOM_MAX_ORDER)
        order = CTLDOM_MAX_ORDER;
    if (is_hardware_domain(caller) && order < HWDOM_MAX_ORDER)
        order = HWDOM_MAX_ORDER;
    return order < MAX_ORDER ? order : MAX_ORDER;
}

/*
 * A domain whose guest frames equal machine frames: dom0 on Arm.  Its
 * pages never leave it through these ops (Xen keeps them allocated so
 * that the same frame comes back with populate_physmap).
 */
static bool direct_mapped(const struct domain *d)
{
#ifdef CONFIG_ARM
    return is_hardware_domain(d);
#else
    (void)d;
    return false;
#endif
}

/* One reservation request in progress (Xen's struct memop_args). */
struct memop_args {
    struct domain *d;
    uint64_t list;                  /* extent_start (guest virtual) */
    unsigned long nr_extents;
    unsigned long nr_done;          /* extents done, including earlier continuations */
    unsigned int order;
    unsigned int addr_bits;         /* 0, or pages must lie below 2^addr_bits */
    bool pod;                       /* XENMEMF_populate_on_demand (populate only) */
    bool preempted;
};

/* Smallest order with 2^order >= pages. */
static unsigned int order_of_pages(unsigned long pages)
{
    unsigned int order = 0;

    while (order < BITS_PER_LONG - 1 && (1UL << order) < pages)
        order++;
    return order;
}

/* Xen's construct_memop_from_reservation(): -EINVAL for flags it cannot honour. */
static int memop_from_reservation(const struct xen_memory_reservation *r,
                                  struct memop_args *a)
{
    unsigned int bits = XENMEMF_get_address_bits(r->mem_flags);
    unsigned int node = XENMEMF_get_node(r->mem_flags);
    const struct domain *caller = current->domain;

    a->list = guest_handle_va(r->extent_start);
    a->nr_extents = r->nr_extents;
    a->order = r->extent_order;
    a->addr_bits = 0;
    a->pod = false;
    a->preempted = false;

    /* A limit at or above the top of RAM is no limit. */
    if (bits && bits < order_of_pages(heap_max_page()) + PAGE_SHIFT) {
        if (bits <= PAGE_SHIFT)
            return -EINVAL;
        a->addr_bits = bits;
    }
    /* No domain has a virtual NUMA layout: a vnode request asks for nothing. */
    if (r->mem_flags & XENMEMF_vnode)
        return 0;
    if (node == NO_NODE)
        return 0;
    if (is_hardware_domain(caller) || caller->is_privileged)
        return node < NR_NODES ? 0 : -EINVAL;
    return (r->mem_flags & XENMEMF_exact_node_request) ? -EINVAL : 0;
}

static bool extent_below(struct page_info *pg, unsigned int order, unsigned int bits)
{
    paddr_t end = mfn_to_maddr(page_to_mfn(pg)) + ((paddr_t)PAGE_SIZE << order);

    return !bits || bits >= 64 || end <= ((paddr_t)1 << bits);
}

/*
 * 2^order pages for d, below 2^bits when asked.  The buddy allocator has
 * no address zones: blocks above the limit are held while it tries again
 * (a few times), then given back.
 */
static struct page_info *alloc_extent(struct domain *d, unsigned int order, unsigned int bits)
{
    struct page_info *held[8], *pg;
    unsigned int n = 0;

    for (;;) {
        pg = alloc_domheap_pages(d, order);
        if (!pg || extent_below(pg, order, bits))
            break;
        if (n == ARRAY_SIZE(held)) {
            free_domheap_pages(d, pg, order);
            pg = NULL;
            break;
        }
        held[n++] = pg;
    }
    while (n)
        free_domheap_pages(d, held[--n], order);
    /* Whatever the heap held before (another domain's data) must not show. */
    if (pg)
        memset(page_to_virt(pg), 0, PAGE_SIZE << order);
    return pg;
}

static void increase_reservation(struct memop_args *a)
{
    unsigned long i;

    if (a->order > memop_max_order(current->domain))
        return;
    for (i = a->nr_done; i < a->nr_extents; i++) {
        if (i != a->nr_done && hc_preempt_check()) {
            a->preempted = true;
            break;
        }
        /* Translated guests are not told the machine frames: nothing to write. */
        if (!alloc_extent(a->d, a->order, a->addr_bits))
            break;
    }
    a->nr_done = i;
}

/* Back 2^order guest frames at gpfn. */
static bool populate_extent(struct domain *d, xen_pfn_t gpfn, unsigned int order,
                            unsigned int bits)
{
    unsigned long n = 1UL << order;
    struct page_info *pg;

    if (direct_mapped(d)) {
        /* Guest frame = machine frame: only pages the domain already owns. */
        for (unsigned long j = 0; j < n; j++) {
            pg = gpfn + j < gpfn ? NULL : mfn_to_page(_mfn(gpfn + j));
            if (!pg || !get_page(pg, d))
                return false;
            put_page(pg);
        }
        return !p2m_map_range(d, _gfn(gpfn), _mfn(gpfn), n, p2m_ram_rw);
    }

    pg = alloc_extent(d, order, bits);
    if (!pg)
        return false;
    if (p2m_map_range(d, _gfn(gpfn), page_to_mfn(pg), n, p2m_ram_rw)) {
        free_domheap_pages(d, pg, order);
        return false;
    }
    return true;
}

static void populate_physmap(struct memop_args *a)
{
    struct domain *curr = current->domain;
    unsigned long i;

    if (a->order > (a->pod ? MAX_ORDER : memop_max_order(curr)))
        return;
    for (i = a->nr_done; i < a->nr_extents; i++) {
        xen_pfn_t gpfn;

        if (i != a->nr_done && hc_preempt_check()) {
            a->preempted = true;
            break;
        }
        if (arch_copy_from_guest(&gpfn, a->list + i * sizeof(gpfn), sizeof(gpfn)))
            break;
        if (a->pod) {
            /* Never on oneself. */
            if (a->d == curr)
                break;
#ifdef CONFIG_ARM
            /* Arm has no populate-on-demand: Xen counts the extent done untouched. */
            continue;
#else
            break;                  /* not implemented on x86 (docs/differences.md) */
#endif
        }
        if (!populate_extent(a->d, gpfn, a->order, a->addr_bits))
            break;
    }
    a->nr_done = i;
}

/*
 * Take guest frame gfn away from d (Xen's guest_remove_page()): the
 * mapping goes and, unless d is direct-mapped, so does the page.  Pages
 * of the hypervisor's own that d maps (shared_info, grant frames) are
 * only unmapped.  -EINVAL: nothing valid mapped; -ENXIO: not d's page
 * (foreign, granted, device memory); -EILSEQ: changed under us.
 */
static int guest_remove_page(struct domain *d, xen_pfn_t gfn)
{
    struct page_info *pg;
    p2m_type_t t;
    mfn_t mfn;
    int rc;

    mfn = p2m_lookup(d, _gfn(gfn), &t);
    pg = mfn_eq(mfn, INVALID_MFN) ? NULL : mfn_to_page(mfn);
    if (!pg)
        return -EINVAL;
    /* d's shared_info (a hypervisor page Xen counts as d's): unmapped only. */
    if (mfn_eq(mfn, d->shared_info_mfn)) {
        rc = p2m_remove_page(d, _gfn(gfn), mfn);
        return rc != -ENOENT ? rc : -EINVAL;
    }
    if (!get_page(pg, d))
        return -ENXIO;
    /* Only the remover that actually cleared the entry frees the page. */
    rc = p2m_remove_page(d, _gfn(gfn), mfn);
    if (!rc && !direct_mapped(d) && !(read_atomic(&pg->flags) & PGC_XEN_HEAP))
        free_domheap_pages(d, pg, 0);
    put_page(pg);
    return rc != -ENOENT ? rc : -EINVAL;
}

static void decrease_reservation(struct memop_args *a)
{
    unsigned long i;

    if (a->order > memop_max_order(current->domain))
        return;
    for (i = a->nr_done; i < a->nr_extents; i++) {
        xen_pfn_t gmfn;

        if (i != a->nr_done && hc_preempt_check()) {
            a->preempted = true;
            break;
        }
        if (arch_copy_from_guest(&gmfn, a->list + i * sizeof(gmfn), sizeof(gmfn)))
            break;
        /* An extent counts only once all of it is gone. */
        for (unsigned long j = 0; j < (1UL << a->order); j++)
            if (guest_remove_page(a->d, gmfn + j))
                goto out;
    }
 out:
    a->nr_done = i;
}

/*
 * increase_reservation, decrease_reservation, populate_physmap.  As in
 * Xen, the result is the number of extents done (counting those of
 * earlier continuations), never an errno: a request that cannot start
 * (unreadable, too long to encode a continuation, unknown domain, no
 * permission, bad flags) reports the progress it came with.
 */
static long reservation_op(unsigned int op, unsigned long start, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_reservation r;
    struct memop_args a;
    struct domain *d;

    if (!hc_copy_from(&r, arg, 0, sizeof(r)))
        return (long)start;
    /* The progress must fit the command word of a continuation. */
    if (r.nr_extents > (UINT_MAX >> MEMOP_EXTENT_SHIFT))
        return (long)start;
    if (start >= r.nr_extents)
        return (long)start;
    d = memop_get_domain(r.domid);
    if (!d)
        return (long)start;
    a.d = d;
    if (memop_from_reservation(&r, &a)) {
        put_domain(d);
        return (long)start;
    }
    a.nr_done = start;
    if (op == XENMEM_populate_physmap && (r.mem_flags & XENMEMF_populate_on_demand))
        a.pod = true;
    if (xsm_memory_adjust_reservation(XSM_TARGET, current->domain, d)) {
        put_domain(d);
        return (long)start;
    }

    switch (op) {
    case XENMEM_increase_reservation:
        increase_reservation(&a);
        break;
    case XENMEM_decrease_reservation:
        decrease_reservation(&a);
        break;
    default:
        populate_physmap(&a);
        break;
    }
    put_domain(d);

    if (a.preempted)
        return (long)hypercall_create_continuation(__HYPERVISOR_memory_op, "lh",
                                                   op | (a.nr_done << MEMOP_EXTENT_SHIFT),
                                                   arg.p);
    return (long)a.nr_done;
}

/* ------------------------------------------------------------ remove_from_physmap */

static long remove_from_physmap(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_remove_from_physmap x;
    struct page_info *pg;
    struct domain *d;
    p2m_type_t t;
    mfn_t mfn;
    long rc;

    if (!hc_copy_from(&x, arg, 0, sizeof(x)))
        return -EFAULT;
    d = memop_get_domain(x.domid);
    if (!d)
        return -ESRCH;
    rc = xsm_remove_from_physmap(XSM_TARGET, current->domain, d);
    if (rc)
        goto out;

    /*
     * Xen's get_page_from_gfn(): RAM-like entries only, and a reference
     * on the page while it is unmapped.  A foreign entry's page is held
     * by the entry itself; a granted page is not d's (-ENOENT, as Xen).
     */
    rc = -ENOENT;
    mfn = p2m_lookup(d, _gfn(x.gpfn), &t);
    pg = mfn_eq(mfn, INVALID_MFN) ? NULL : mfn_to_page(mfn);
    if (!pg)
        goto out;
    switch (t) {
    case p2m_map_foreign_rw:
    case p2m_map_foreign_ro:
        rc = p2m_remove_page(d, _gfn(x.gpfn), mfn);
        break;
    case p2m_ram_rw:
        /* shared_info is d's for Xen; ours keeps it outside get_page()'s reach. */
        if (mfn_eq(mfn, d->shared_info_mfn)) {
            rc = p2m_remove_page(d, _gfn(x.gpfn), mfn);
            break;
        }
        /* fall through */
    case p2m_ram_ro:
    case p2m_grant_map_rw:
    case p2m_grant_map_ro:
        if (!get_page(pg, d))
            break;
        /* The page stays d's (Xen frees nothing here either). */
        rc = p2m_remove_page(d, _gfn(x.gpfn), mfn);
        put_page(pg);
        break;
    default:
        break;
    }
 out:
    put_domain(d);
    return rc;
}

/* ------------------------------------------------------------ acquire_resource */

/* Frames per step: the stride of the preemption checks. */
#define ACQUIRE_BATCH 32

/*
 * How many frames resource (type, id) of d has; 0 if none.  Types we do
 * not know give -EOPNOTSUPP cast to unsigned, as in Xen: not 0, so a
 * size query "succeeds" with that number.
 */
static unsigned int resource_max_frames(struct domain *d, unsigned int type, unsigned int id)
{
    switch (type) {
    case XENMEM_resource_grant_table:
        return gnttab_resource_max_frames(d, id);
    case XENMEM_resource_ioreq_server:     /* no ioreq servers */
    case XENMEM_resource_vmtrace_buf:      /* no domain has trace buffers */
        return 0;
    default:
        return (unsigned int)-EOPNOTSUPP;
    }
}

/* Frames [frame, frame + nr) with a reference each: nr, or -errno. */
static int fetch_resource(struct domain *d, unsigned int type, unsigned int id,
                          unsigned int frame, unsigned int nr, xen_pfn_t mfns[])
{
    switch (type) {
    case XENMEM_resource_grant_table:
        return gnttab_acquire_resource(d, id, frame, nr, mfns);
    case XENMEM_resource_ioreq_server:
    case XENMEM_resource_vmtrace_buf:
        return -EINVAL;
    default:
        return -EOPNOTSUPP;
    }
}

/* Xen's rcu_lock_remote_domain_by_id(): an existing domain other than the caller. */
static int get_remote_domain(domid_t domid, struct domain **d)
{
    *d = get_domain_by_id(domid);
    if (!*d)
        return -ESRCH;
    if (*d == current->domain) {
        put_domain(*d);
        return -EPERM;
    }
    return 0;
}

static long acquire_resource(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned long start)
{
    struct domain *currd = current->domain, *d;
    struct xen_mem_acquire_resource r;
    unsigned int max;
    uint64_t list;
    long rc;

    if (!hc_copy_from(&r, arg, 0, sizeof(r)))
        return -EFAULT;
    if (r.pad)
        return -EINVAL;
    /* frame is 64 bits, the resource's size 32: refuse what does not fit. */
    if ((r.frame >> 32) || ((r.frame + r.nr_frames) >> 32))
        return -EINVAL;
    rc = get_remote_domain(r.domid, &d);
    if (rc)
        return rc;
    rc = xsm_domain_resource_map(XSM_DM_PRIV, d);
    if (rc)
        goto out;

    max = resource_max_frames(d, r.type, r.id);
    rc = -EINVAL;
    if (!max)
        goto out;

    if (guest_handle_is_null(r.frame_list)) {
        /* The size query. */
        if (r.nr_frames || start)
            goto out;
        r.nr_frames = max;
        rc = hc_copy_to(arg, offsetof(struct xen_mem_acquire_resource, nr_frames),
                        &r.nr_frames, sizeof(r.nr_frames)) ? 0 : -EFAULT;
        goto out;
    }

    if (start >= r.nr_frames || r.nr_frames > (UINT_MAX >> MEMOP_EXTENT_SHIFT))
        goto out;
    r.nr_frames -= (uint32_t)start;
    r.frame += start;
    list = guest_handle_va(r.frame_list) + start * sizeof(xen_pfn_t);

    do {
        xen_pfn_t mfns[ACQUIRE_BATCH], gfns[ACQUIRE_BATCH];
        unsigned int todo = r.nr_frames < ACQUIRE_BATCH ? r.nr_frames : ACQUIRE_BATCH;
        unsigned int done, i = 0;

        rc = fetch_resource(d, r.type, r.id, (unsigned int)r.frame, todo, mfns);
        if (rc < 0)
            goto out;
        done = (unsigned int)rc;
        if (!done || done > todo) {
            rc = -EINVAL;           /* a fetcher broke its contract */
            goto out;
        }

        /* The caller is translated: it says where each frame goes. */
        rc = 0;
        if (arch_copy_from_guest(gfns, list, done * sizeof(xen_pfn_t)))
            rc = -EFAULT;
        for (; !rc && i < done; i++) {
            rc = map_foreign_frame(currd, gfns[i], _mfn(mfns[i]), p2m_map_foreign_rw);
            /* Frames before it are mapped: the caller must unmap them. */
            if (rc && i)
                rc = -EIO;
        }
        /* References of frames never handed to the p2m (the failed one put its own). */
        for (; i < done; i++)
            put_page(mfn_to_page(_mfn(mfns[i])));
        if (rc)
            goto out;

        r.nr_frames -= done;
        r.frame += done;
        list += done * sizeof(xen_pfn_t);
        start += done;

        if (done < todo || (r.nr_frames && hc_preempt_check())) {
            rc = (long)hypercall_create_continuation(__HYPERVISOR_memory_op, "lh",
                                                     XENMEM_acquire_resource |
                                                     (start << MEMOP_EXTENT_SHIFT),
                                                     arg.p);
            goto out;
        }
    } while (r.nr_frames);
    rc = 0;

 out:
    put_domain(d);
    return rc;
}

/* ------------------------------------------------------------ the rest */

/* XENMEM_get_vnumainfo: no domain has a virtual NUMA layout. */
static long get_vnumainfo(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_vnuma_topology_info t;
    struct domain *d;
    long rc;

    if (!hc_copy_from(&t, arg, 0, sizeof(t)))
        return -EFAULT;
    if (t.pad)
        return -EINVAL;
    d = memop_get_domain(t.domid);
    if (!d)
        return -ESRCH;
    rc = xsm_get_vnumainfo(XSM_TARGET, d);
    put_domain(d);
    return rc ? rc : -EOPNOTSUPP;
}

/*
 * XENMEM_claim_pages: Xen's argument checks and its answer; the claim
 * itself is not recorded (docs/differences.md).
 */
static long claim_pages(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_reservation r;
    unsigned long tot, max;
    struct domain *d;
    long rc;

    if (!hc_copy_from(&r, arg, 0, sizeof(r)))
        return -EFAULT;
    if (!guest_handle_is_null(r.extent_start) || r.extent_order || r.mem_flags)
        return -EINVAL;
    /* By id only: DOMID_SELF names no domain here. */
    d = get_domain_by_id(r.domid);
    if (!d)
        return -EINVAL;
    rc = xsm_claim_pages(XSM_PRIV, d);
    if (!rc && r.nr_extents) {
        tot = read_atomic(&d->tot_pages);
        max = read_atomic(&d->max_pages);
        if (r.nr_extents <= tot || r.nr_extents > max)
            rc = -EINVAL;
        else if (r.nr_extents - tot > total_free_pages())
            rc = -ENOMEM;
    }
    put_domain(d);
    return rc;
}

/*
 * XENMEM_exchange: Xen's checks, in its order (nr_exchanged is written
 * back on every failure).  The exchange itself is not implemented: only
 * PV guests use it.
 */
static long memory_exchange(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_exchange x;
    unsigned int max = memop_max_order(current->domain);
    unsigned int in_o, out_o, node;
    struct domain *d;
    long rc;

    if (!hc_copy_from(&x, arg, 0, sizeof(x)))
        return -EFAULT;
    in_o = x.in.extent_order;
    out_o = x.out.extent_order;
    if ((in_o > out_o ? in_o : out_o) > max) {
        rc = -EPERM;
        goto fail;
    }
    if (x.nr_exchanged > x.in.nr_extents || x.in.domid != x.out.domid ||
        in_o >= BITS_PER_LONG || out_o >= BITS_PER_LONG ||
        (~0UL >> in_o) < x.in.nr_extents || (~0UL >> out_o) < x.out.nr_extents ||
        (x.in.nr_extents << in_o) != (x.out.nr_extents << out_o)) {
        rc = -EINVAL;
        goto fail;
    }
    if (x.nr_exchanged == x.in.nr_extents)
        return 0;
    node = XENMEMF_get_node(x.out.mem_flags);
    if (node != NO_NODE &&
        ((is_hardware_domain(current->domain) || current->domain->is_privileged)
             ? node >= NR_NODES : !!(x.out.mem_flags & XENMEMF_exact_node_request))) {
        rc = -EINVAL;
        goto fail;
    }
    d = memop_get_domain(x.in.domid);
    if (!d) {
        rc = -ESRCH;
        goto fail;
    }
    rc = xsm_memory_exchange(XSM_TARGET, d);
    put_domain(d);
    if (!rc)
        rc = -EOPNOTSUPP;
 fail:
    if (!hc_copy_to(arg, offsetof(struct xen_memory_exchange, nr_exchanged),
                    &x.nr_exchanged, sizeof(x.nr_exchanged)))
        rc = -EFAULT;
    return rc;
}

/*
 * XENMEM_reserved_device_memory_map: no IOMMU reserves anything here, so
 * the answer is an empty list.
 */
static long reserved_device_memory_map(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_reserved_device_memory_map m;

    if (!hc_copy_from(&m, arg, 0, sizeof(m)))
        return -EFAULT;
    if (m.flags & ~XENMEM_RDM_ALL)
        return -EINVAL;
    m.nr_entries = 0;
    return hc_copy_to(arg, 0, &m, sizeof(m)) ? 0 : -EFAULT;
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
    rc = xsm_memory_stat_reservation(XSM_TARGET, current->domain, d);
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

    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(op, start_extent, arg);

    case XENMEM_remove_from_physmap:
        if (start_extent)
            return -EINVAL;
        return remove_from_physmap(arg);

    case XENMEM_acquire_resource:
        return acquire_resource(arg, start_extent);

    case XENMEM_exchange:
        if (start_extent)
            return -EINVAL;
        return memory_exchange(arg);

    case XENMEM_claim_pages:
        if (start_extent)
            return -EINVAL;
        return claim_pages(arg);

    case XENMEM_get_vnumainfo:
        if (start_extent)
            return -EINVAL;
        return get_vnumainfo(arg);

    case XENMEM_reserved_device_memory_map:
        if (start_extent)
            return -EINVAL;
        return reserved_device_memory_map(arg);

#ifdef CONFIG_ARM
    case XENMEM_get_sharing_freed_pages:
    case XENMEM_get_sharing_shared_pages:
        return 0;                   /* no memory sharing on Arm: nothing freed or shared */
#endif

    default:
        /* The arch's own (x86: XENMEM_memory_map); PV-only and paging ops: -ENOSYS. */
        return arch_memory_op(cmd, arg);
    }
}
