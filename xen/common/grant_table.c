/*
 * Grant tables: grant_table_op (hypercall 20) and what domain creation,
 * destruction and memory_op need (xen/grant_table.h).
 *
 * A domain publishes grants in its shared frames (version 1: 8-byte
 * entries; version 2: 16-byte entries plus separate status frames); other
 * domains name a grant by (domain, reference) to map the page into their
 * own p2m or to copy to or from it.  The frames are the guest's memory:
 * every word read from them may change at any moment, so each is read
 * once, and the flags a mapping depends on are claimed with a
 * compare-and-exchange on the entry's first 32 bits.
 *
 * Per granted entry the hypervisor keeps an "active" entry: pin counts by
 * kind (host/device, read/write), the grantee and the frame pinned.  Per
 * mapping domain a "maptrack" table records each mapping it holds; the
 * index is the handle the guest unmaps with.  A mapping holds a pin on the
 * active entry, a reference on the page (get_page(): the page cannot be
 * freed while mapped) and a reference on the granting domain (its table
 * stays until the last mapping of it goes, as Xen's "zombie" domains).
 *
 * Locks: gt->lock protects a table's size, version, frames and active
 * entries; gt->mt_lock its maptrack free list.  Neither is held while
 * taking the other table's lock, and no lock is held across put_domain().
 * Maptrack entries change hands with atomic state transitions (see
 * MT_*), so an unmap and the domain's own teardown cannot both release
 * one mapping.
 *
 * Learned from Xen 4.17's xen/common/grant_table.c, xen/arch/arm/mm.c
 * (create/replace_grant_host_mapping), xen/arch/arm/include/asm/grant_table.h
 * and docs/misc/grant-tables.txt; see docs/grant-tables.md.
 */
#include "hypercall_env.h"
#include <xen/bug.h>
#include <xen/grant_table.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <public/grant_table.h>
#include <public/memory.h>

/* cmd = op | (opaque << 12): only cache_flush carries something there (Xen's ABI). */
#define GNTTABOP_CONTINUATION_ARG_SHIFT 12
#define GNTTABOP_CMD_MASK       ((1U << GNTTABOP_CONTINUATION_ARG_SHIFT) - 1)
#define GNTTABOP_ARG_MASK       (~GNTTABOP_CMD_MASK)

#define INITIAL_NR_GRANT_FRAMES 1U
#define UNMAP_BATCH             32      /* unmaps between preemption checks */

#define V1_PER_FRAME        (PAGE_SIZE / sizeof(grant_entry_v1_t))     /* 512 */
#define V2_PER_FRAME        (PAGE_SIZE / sizeof(grant_entry_v2_t))     /* 256 */
#define STATUS_PER_FRAME    (PAGE_SIZE / sizeof(grant_status_t))       /* 2048 */
#define ACTIVE_PER_FRAME    V1_PER_FRAME
/* The maptrack limit counts Xen's 16-byte entries per page. */
#define MT_PER_FRAME        256U
#define MT_NONE             (~0U)

#define INVALID_XEN_PFN     (~(xen_pfn_t)0)

/* Pin counts: four 8-bit counters in one word. */
#define PIN_HSTW            0x00000001U     /* host mapping, writable */
#define PIN_HSTR            0x00000100U     /* host mapping, read-only */
#define PIN_DEVW            0x00010000U     /* device mapping, writable */
#define PIN_DEVR            0x01000000U     /* device mapping, read-only */
#define PIN_ALL(inc)        (0xffU * (inc))
#define PIN_WRITERS         (PIN_ALL(PIN_HSTW) | PIN_ALL(PIN_DEVW))
/* Top bit of the counters `inc` adds to: one more could overflow. */
#define PIN_FULL(inc)       ((inc) << 7)

struct active_grant {
    uint32_t pin;                   /* PIN_* counts; 0 = not in use */
    domid_t domid;                  /* who holds the pins */
    bool is_sub_page;               /* v2 sub-page or transitive: copy only */
    uint16_t start;                 /* usable window of the page (copy) */
    uint16_t length;
    grant_ref_t trans_gref;         /* the grant the frame came from ... */
    struct domain *trans_domain;    /* ... in this table (rd itself unless transitive) */
    mfn_t mfn;
};

/* Maptrack entry states (changed with atomics; MT_FREE ones sit on the free list). */
enum { MT_FREE, MT_SETUP, MT_LIVE, MT_CLAIMED };

struct maptrack {
    uint32_t state;
    uint32_t flags;                 /* GNTMAP_* of the mapping */
    grant_ref_t ref;
    domid_t domid;
    struct domain *rd;              /* granter (a reference held) */
    mfn_t mfn;
    uint64_t gfn;                   /* where host-mapped */
    uint32_t next;                  /* free list */
};

struct grant_table {
    spinlock_t lock;
    struct domain *domain;
    unsigned int version;           /* 1 or 2 */
    unsigned int max_version;
    unsigned int max_frames;
    unsigned int max_maptrack_frames;
    unsigned int nr_frames;         /* shared frames allocated */
    unsigned int nr_status_frames;  /* version 2 only */
    void **shared;                  /* [max_frames] */
    xen_pfn_t *shared_gfn;          /* where the guest asked each to be, else ~0 */
    grant_status_t **status;        /* [status_frames(max_frames)] */
    xen_pfn_t *status_gfn;
    struct active_grant **active;   /* [max_frames] chunks of ACTIVE_PER_FRAME */

    spinlock_t mt_lock;             /* the free list and growth */
    struct maptrack **mt;           /* [max_maptrack_frames] chunks of MT_PER_FRAME */
    unsigned int mt_limit;          /* handles below this exist */
    unsigned int mt_head, mt_tail;  /* free handles, oldest first */
};

/* The (flags, domid) pair every entry starts with, as one word. */
union entry_word {
    uint32_t raw;
    struct {
        uint16_t flags;
        domid_t domid;
    };
};

static unsigned int status_frames(unsigned int grant_frames)
{
    return (grant_frames * V2_PER_FRAME + STATUS_PER_FRAME - 1) / STATUS_PER_FRAME;
}

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * (gt->version == 1 ? V1_PER_FRAME : V2_PER_FRAME);
}

static grant_entry_v1_t *v1_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &((grant_entry_v1_t *)gt->shared[ref / V1_PER_FRAME])[ref % V1_PER_FRAME];
}

static grant_entry_v2_t *v2_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &((grant_entry_v2_t *)gt->shared[ref / V2_PER_FRAME])[ref % V2_PER_FRAME];
}

static grant_entry_header_t *entry_hdr(struct grant_table *gt, grant_ref_t ref)
{
    if (gt->version == 1)
        return (grant_entry_header_t *)v1_entry(gt, ref);
    return &v2_entry(gt, ref)->hdr;
}

/* Where GTF_reading/GTF_writing of ref live: the entry (v1) or its status word (v2). */
static uint16_t *status_word(struct grant_table *gt, grant_ref_t ref)
{
    if (gt->version == 1)
        return &entry_hdr(gt, ref)->flags;
    return &gt->status[ref / STATUS_PER_FRAME][ref % STATUS_PER_FRAME];
}

static struct active_grant *active_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / ACTIVE_PER_FRAME][ref % ACTIVE_PER_FRAME];
}

static struct maptrack *mt_entry(struct grant_table *gt, unsigned int handle)
{
    return &gt->mt[handle / MT_PER_FRAME][handle % MT_PER_FRAME];
}

static void clear_status(uint16_t *status, uint16_t bits)
{
    __atomic_fetch_and(status, (uint16_t)~bits, __ATOMIC_SEQ_CST);
}

static void set_status(uint16_t *status, uint16_t bits)
{
    __atomic_fetch_or(status, bits, __ATOMIC_SEQ_CST);
}

/* A domain by id, with a reference; DOMID_SELF is the caller. */
static struct domain *lookup_any(domid_t domid)
{
    struct domain *d;

    if (domid != DOMID_SELF)
        return get_domain_by_id(domid);
    d = current->domain;
    return get_domain(d) ? d : NULL;
}

/*
 * The domain a setup/query sub-op names, with a reference, if the caller
 * may act on it (XSM target check); else NULL and the GNTST_ code to report.
 */
static struct domain *lookup_target(domid_t domid, int16_t *status)
{
    struct domain *d = lookup_any(domid);

    if (!d) {
        *status = GNTST_bad_domain;
        return NULL;
    }
    if (hc_xsm_target(current->domain, d)) {
        put_domain(d);
        *status = GNTST_permission_denied;
        return NULL;
    }
    return d;
}

/* ------------------------------------------------------------ frames */

/* A zeroed hypervisor page shared with d, or NULL. */
static void *alloc_frame(struct domain *d)
{
    void *p = alloc_xenheap_page();

    if (!p)
        return NULL;
    memset(p, 0, PAGE_SIZE);
    share_xen_page_with_guest(virt_to_page(p), d);
    return p;
}

/* Where frame `va` is mapped in d according to the record, if the p2m still agrees. */
static bool frame_mapped(struct domain *d, void *va, xen_pfn_t gfn)
{
    p2m_type_t t;

    if (gfn == INVALID_XEN_PFN)
        return false;
    return mfn_eq(p2m_lookup(d, _gfn(gfn), &t), virt_to_mfn(va)) && t == p2m_ram_rw;
}

/* Take the frame out of d's p2m (if the guest still has it) and stop sharing it. */
static void drop_frame(struct domain *d, void *va, xen_pfn_t gfn, bool unmap)
{
    if (unmap && frame_mapped(d, va, gfn))
        p2m_unmap_range(d, _gfn(gfn), 1);
    put_pages_alloc_ref(virt_to_mfn(va), 0);
}

/* Version 2: status frames to cover nr grant frames.  Under gt->lock. */
static int populate_status(struct grant_table *gt, unsigned int nr)
{
    unsigned int want = status_frames(nr), i;

    for (i = gt->nr_status_frames; i < want; i++) {
        gt->status[i] = alloc_frame(gt->domain);
        if (!gt->status[i])
            goto fail;
        gt->status_gfn[i] = INVALID_XEN_PFN;
    }
    gt->nr_status_frames = want;
    return 0;

 fail:
    while (i-- > gt->nr_status_frames) {
        drop_frame(gt->domain, gt->status[i], INVALID_XEN_PFN, false);
        gt->status[i] = NULL;
    }
    return -ENOMEM;
}

/* Version 2 -> 1: the status frames go (-EBUSY, nothing done, if anyone else holds one).  Under gt->lock. */
static int unpopulate_status(struct grant_table *gt)
{
    for (unsigned int i = 0; i < gt->nr_status_frames; i++)
        if (read_atomic(&virt_to_page(gt->status[i])->count) != 1)
            return -EBUSY;
    for (unsigned int i = 0; i < gt->nr_status_frames; i++) {
        drop_frame(gt->domain, gt->status[i], gt->status_gfn[i], true);
        gt->status[i] = NULL;
    }
    gt->nr_status_frames = 0;
    return 0;
}

/* Grow to `want` shared frames (at least the initial one).  Under gt->lock. */
static int grow_table(struct grant_table *gt, unsigned int want)
{
    unsigned int i;

    if (want < INITIAL_NR_GRANT_FRAMES)
        want = INITIAL_NR_GRANT_FRAMES;
    if (want > gt->max_frames)
        return -EINVAL;
    if (want <= gt->nr_frames && (gt->version == 1 || status_frames(want) <= gt->nr_status_frames))
        return 0;

    for (i = gt->nr_frames; i < want; i++) {
        if (!gt->active[i]) {
            gt->active[i] = xzalloc_array(struct active_grant, ACTIVE_PER_FRAME);
            if (!gt->active[i])
                return -ENOMEM;     /* chunks made so far stay: harmless */
        }
    }
    for (i = gt->nr_frames; i < want; i++) {
        gt->shared[i] = alloc_frame(gt->domain);
        if (!gt->shared[i])
            goto fail;
        gt->shared_gfn[i] = INVALID_XEN_PFN;
    }
    if (gt->version == 2 && populate_status(gt, want))
        goto fail;
    gt->nr_frames = want > gt->nr_frames ? want : gt->nr_frames;
    return 0;

 fail:
    while (i-- > gt->nr_frames) {
        drop_frame(gt->domain, gt->shared[i], INVALID_XEN_PFN, false);
        gt->shared[i] = NULL;
    }
    return -ENOMEM;
}

/* ------------------------------------------------------------ lifetime */

int grant_table_init(struct domain *d, int max_grant_frames, int max_maptrack_frames,
                     unsigned int options)
{
    unsigned int version = options & XEN_DOMCTL_GRANT_version_mask;
    struct grant_table *gt;
    int rc;

    if (options & ~XEN_DOMCTL_GRANT_version_mask)
        return -EINVAL;
    if (!version || version > GNTTAB_MAX_VERSION)
        return -EINVAL;
    if (max_grant_frames < 0)
        max_grant_frames = GNTTAB_MAX_GRANT_FRAMES;
    if (max_maptrack_frames < 0)
        max_maptrack_frames = GNTTAB_MAX_MAPTRACK_FRAMES;
    if (max_grant_frames < (int)INITIAL_NR_GRANT_FRAMES ||
        max_grant_frames > GNTTAB_MAX_GRANT_FRAMES ||
        max_maptrack_frames > GNTTAB_MAX_MAPTRACK_FRAMES)
        return -EINVAL;

    gt = xzalloc(struct grant_table);
    if (!gt)
        return -ENOMEM;
    spin_lock_init(&gt->lock);
    spin_lock_init(&gt->mt_lock);
    gt->domain = d;
    gt->version = 1;
    gt->max_version = version;
    gt->max_frames = (unsigned int)max_grant_frames;
    gt->max_maptrack_frames = (unsigned int)max_maptrack_frames;
    gt->mt_head = gt->mt_tail = MT_NONE;
    d->grant_table = gt;            /* from here grant_table_destroy() undoes it all */

    gt->shared = xzalloc_array(void *, gt->max_frames);
    gt->shared_gfn = xzalloc_array(xen_pfn_t, gt->max_frames);
    gt->active = xzalloc_array(struct active_grant *, gt->max_frames);
    if (GNTTAB_MAX_VERSION > 1) {
        gt->status = xzalloc_array(grant_status_t *, status_frames(gt->max_frames));
        gt->status_gfn = xzalloc_array(xen_pfn_t, status_frames(gt->max_frames));
    }
    if (gt->max_maptrack_frames)
        gt->mt = xzalloc_array(struct maptrack *, gt->max_maptrack_frames);
    if (!gt->shared || !gt->shared_gfn || !gt->active ||
        (GNTTAB_MAX_VERSION > 1 && (!gt->status || !gt->status_gfn)) ||
        (gt->max_maptrack_frames && !gt->mt)) {
        grant_table_destroy(d);
        return -ENOMEM;
    }
    spin_lock(&gt->lock);
    rc = grow_table(gt, 0);
    spin_unlock(&gt->lock);
    if (rc)
        grant_table_destroy(d);
    return rc;
}

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table;

    if (!gt)
        return;
    /* Normally released already; a leftover would keep its granter forever. */
    gnttab_release_mappings(d);
    for (unsigned int i = 0; i < gt->nr_frames; i++)
        drop_frame(d, gt->shared[i], INVALID_XEN_PFN, false);
    for (unsigned int i = 0; i < gt->nr_status_frames; i++)
        drop_frame(d, gt->status[i], INVALID_XEN_PFN, false);
    if (gt->active)
        for (unsigned int i = 0; i < gt->max_frames; i++)
            xfree(gt->active[i]);
    if (gt->mt)
        for (unsigned int i = 0; i < gt->max_maptrack_frames; i++)
            xfree(gt->mt[i]);
    xfree(gt->mt);
    xfree(gt->active);
    xfree(gt->status_gfn);
    xfree(gt->status);
    xfree(gt->shared_gfn);
    xfree(gt->shared);
    xfree(gt);
    d->grant_table = NULL;
}

/* ------------------------------------------------------------ maptrack */

/*
 * A free handle (now MT_SETUP, owned by the caller), or MT_NONE when the
 * domain is at its limit or out of memory.  As Xen's, the free list
 * always keeps its last entry, and a new chunk's handles come first.
 */
static unsigned int mt_get(struct grant_table *gt)
{
    struct maptrack *chunk = NULL;
    unsigned int h;

    for (;;) {
        spin_lock(&gt->mt_lock);
        if (gt->mt_head != MT_NONE && gt->mt_head != gt->mt_tail) {
            h = gt->mt_head;
            gt->mt_head = mt_entry(gt, h)->next;
            write_atomic(&mt_entry(gt, h)->state, (uint32_t)MT_SETUP);
            spin_unlock(&gt->mt_lock);
            xfree(chunk);
            return h;
        }
        if (gt->mt_limit / MT_PER_FRAME >= gt->max_maptrack_frames) {
            spin_unlock(&gt->mt_lock);
            xfree(chunk);
            return MT_NONE;
        }
        if (chunk) {
            unsigned int first = gt->mt_limit;

            for (unsigned int i = 0; i < MT_PER_FRAME; i++) {
                chunk[i].state = MT_FREE;
                chunk[i].next = first + i + 1;
            }
            chunk[0].state = MT_SETUP;
            chunk[MT_PER_FRAME - 1].next = gt->mt_head;
            if (gt->mt_tail == MT_NONE)
                gt->mt_tail = first + MT_PER_FRAME - 1;
            gt->mt_head = first + 1;
            gt->mt[first / MT_PER_FRAME] = chunk;
            store_release(&gt->mt_limit, first + MT_PER_FRAME);
            spin_unlock(&gt->mt_lock);
            return first;
        }
        spin_unlock(&gt->mt_lock);
        chunk = xzalloc_array(struct maptrack, MT_PER_FRAME);
        if (!chunk)
            return MT_NONE;
    }
}

static void mt_put(struct grant_table *gt, unsigned int h)
{
    struct maptrack *e = mt_entry(gt, h);

    spin_lock(&gt->mt_lock);
    write_atomic(&e->rd, (struct domain *)NULL);
    write_atomic(&e->state, (uint32_t)MT_FREE);
    e->next = MT_NONE;
    if (gt->mt_tail == MT_NONE)
        gt->mt_head = h;
    else
        mt_entry(gt, gt->mt_tail)->next = h;
    gt->mt_tail = h;
    spin_unlock(&gt->mt_lock);
}

/* Take a published mapping for tearing down; false if someone else already did. */
static bool mt_claim(struct maptrack *e)
{
    uint32_t live = MT_LIVE;

    return __atomic_compare_exchange_n(&e->state, &live, MT_CLAIMED, false,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* ------------------------------------------------------------ pinning */

/*
 * Claim GTF_reading (and GTF_writing) on a version 1 entry for domain
 * ldom.  The guest may rewrite the entry at any time: its flags and
 * domid are checked and updated as one word, a few times at most.
 * Mapping (as opposed to copying) also refuses GTF_sub_page.
 */
static int pin_status_v1(grant_entry_header_t *hdr, const struct active_grant *act,
                         bool readonly, bool mapping, domid_t ldom)
{
    uint32_t *word = (uint32_t *)hdr;
    uint16_t mask = GTF_type_mask | (mapping ? GTF_sub_page : 0);
    union entry_word cur, upd;

    cur.raw = read_atomic(word);
    for (unsigned int tries = 0; ; tries++) {
        if (!act->pin && ((cur.flags & mask) != GTF_permit_access || cur.domid != ldom))
            return GNTST_general_error;
        upd = cur;
        upd.flags |= GTF_reading;
        if (!readonly) {
            if (cur.flags & GTF_readonly)
                return GNTST_general_error;
            upd.flags |= GTF_writing;
        }
        if (__atomic_compare_exchange_n(word, &cur.raw, upd.raw, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return GNTST_okay;
        if (tries == 4)
            return GNTST_general_error;     /* the guest keeps changing it */
    }
}

/* The same for version 2, whose status bits are in a word of their own. */
static bool v2_entry_unusable(union entry_word w, uint16_t mask, bool mapping, domid_t ldom)
{
    return ((w.flags & mask) != GTF_permit_access &&
            (mapping || (w.flags & mask) != GTF_transitive)) ||
           w.domid != ldom;
}

static int pin_status_v2(grant_entry_header_t *hdr, uint16_t *status,
                         const struct active_grant *act, bool readonly, bool mapping,
                         domid_t ldom)
{
    uint32_t *word = (uint32_t *)hdr;
    uint16_t mask = GTF_type_mask | (mapping ? GTF_sub_page : 0);
    union entry_word cur;

    cur.raw = read_atomic(word);
    if (!act->pin && v2_entry_unusable(cur, mask, mapping, ldom))
        return GNTST_general_error;
    if (readonly) {
        set_status(status, GTF_reading);
    } else {
        if (cur.flags & GTF_readonly)
            return GNTST_general_error;
        set_status(status, GTF_reading | GTF_writing);
    }
    /* The guest sees the status before we look at the entry again. */
    smp_mb();
    cur.raw = read_atomic(word);
    if (!act->pin) {
        if (v2_entry_unusable(cur, mask, mapping, ldom) ||
            (!readonly && (cur.flags & GTF_readonly))) {
            clear_status(status, GTF_reading | GTF_writing);
            return GNTST_general_error;
        }
    } else if (!readonly && (cur.flags & GTF_readonly)) {
        clear_status(status, GTF_writing);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

static int pin_status(struct grant_table *gt, grant_ref_t ref, const struct active_grant *act,
                      bool readonly, bool mapping, domid_t ldom)
{
    if (gt->version == 1)
        return pin_status_v1(entry_hdr(gt, ref), act, readonly, mapping, ldom);
    return pin_status_v2(entry_hdr(gt, ref), status_word(gt, ref), act, readonly, mapping,
                         ldom);
}

/* Drop the status bits the remaining pins no longer justify.  Under gt->lock. */
static void reduce_status(struct grant_table *gt, grant_ref_t ref,
                          const struct active_grant *act, bool readonly)
{
    uint16_t bits = act->pin ? 0 : GTF_reading;

    if (!readonly && !(act->pin & PIN_WRITERS))
        bits |= GTF_writing;
    if (bits)
        clear_status(status_word(gt, ref), bits);
}

/*
 * The page rd has at guest frame gfn, with a reference taken: RAM (or a
 * grant mapping) of rd's own, not MMIO, nor a page of someone else's.
 */
static int get_paged_frame(struct domain *rd, uint64_t gfn, mfn_t *mfn,
                           struct page_info **pg)
{
    p2m_type_t t;
    mfn_t m = p2m_lookup(rd, _gfn(gfn), &t);
    struct page_info *p;

    *pg = NULL;
    if (t != p2m_ram_rw && t != p2m_ram_ro && t != p2m_grant_map_rw && t != p2m_grant_map_ro)
        return GNTST_bad_page;
    p = mfn_to_page(m);
    if (!p || !get_page(p, rd))
        return GNTST_bad_page;
    *mfn = m;
    *pg = p;
    return GNTST_okay;
}

/* Undo one pin of kind `inc` on (rd, ref). */
static void unpin(struct domain *rd, grant_ref_t ref, uint32_t inc, bool readonly)
{
    struct grant_table *rgt = rd->grant_table;
    struct active_grant *act;

    spin_lock(&rgt->lock);
    act = active_entry(rgt, ref);
    BUG_ON((act->pin & PIN_ALL(inc)) == 0);
    act->pin -= inc;
    reduce_status(rgt, ref, act, readonly);
    spin_unlock(&rgt->lock);
}

/* ------------------------------------------------------------ map / unmap */

static uint32_t pin_inc_for(uint32_t flags)
{
    uint32_t inc = 0;
    bool ro = flags & GNTMAP_readonly;

    if (flags & GNTMAP_device_map)
        inc += ro ? PIN_DEVR : PIN_DEVW;
    if (flags & GNTMAP_host_map)
        inc += ro ? PIN_HSTR : PIN_HSTW;
    return inc;
}

/* Does ld's p2m still map mfn at gfn the way a grant mapping does? */
static bool host_mapping_present(struct domain *ld, uint64_t gfn, mfn_t mfn)
{
    p2m_type_t t;

    return mfn_eq(p2m_lookup(ld, _gfn(gfn), &t), mfn) &&
           (t == p2m_grant_map_rw || t == p2m_grant_map_ro);
}

/*
 * Tear down a mapping claimed by the caller and give its handle back,
 * taking the frame out of ld's p2m at unmap_gfn if it is still there.
 */
static void release_mapping(struct domain *ld, unsigned int handle, uint64_t unmap_gfn)
{
    struct maptrack *e = mt_entry(ld->grant_table, handle);
    struct domain *rd = e->rd;

    if ((e->flags & GNTMAP_host_map) && host_mapping_present(ld, unmap_gfn, e->mfn))
        p2m_unmap_range(ld, _gfn(unmap_gfn), 1);
    unpin(rd, e->ref, pin_inc_for(e->flags), e->flags & GNTMAP_readonly);
    put_page(mfn_to_page(e->mfn));
    mt_put(ld->grant_table, handle);
    put_domain(rd);
}

static void map_grant_ref(struct gnttab_map_grant_ref *op)
{
    struct domain *ld = current->domain, *rd;
    struct grant_table *lgt = ld->grant_table, *rgt;
    struct active_grant *act;
    struct maptrack *e;
    struct page_info *pg = NULL;
    bool ro = op->flags & GNTMAP_readonly;
    uint32_t inc = pin_inc_for(op->flags);
    unsigned int handle;
    grant_ref_t ref = op->ref;
    mfn_t mfn;
    int rc;

    if (!inc) {
        op->status = GNTST_bad_gntref;
        return;
    }
    /* Every guest here is translated: no device or PTE-based mappings. */
    if (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte)) {
        op->status = GNTST_general_error;
        return;
    }
    rd = get_domain_by_id(op->dom);
    if (!rd) {
        op->status = GNTST_bad_domain;
        return;
    }
    /* XSM: grant_mapref is a hook the default policy allows. */
    handle = mt_get(lgt);
    if (handle == MT_NONE) {
        put_domain(rd);
        op->status = GNTST_no_space;
        return;
    }
    e = mt_entry(lgt, handle);
    write_atomic(&e->rd, rd);

    rgt = rd->grant_table;
    spin_lock(&rgt->lock);
    if (ref >= nr_entries(rgt)) {
        rc = GNTST_bad_gntref;
        goto unlock;
    }
    act = active_entry(rgt, ref);
    if (act->pin && (act->domid != ld->domain_id || (act->pin & PIN_FULL(inc)) ||
                     act->is_sub_page)) {
        rc = GNTST_general_error;
        goto unlock;
    }
    if (!act->pin || (!ro && !(act->pin & PIN_WRITERS))) {
        rc = pin_status(rgt, ref, act, ro, true, ld->domain_id);
        if (rc != GNTST_okay)
            goto unlock;
        if (!act->pin) {
            uint64_t gfn = rgt->version == 1 ? read_atomic(&v1_entry(rgt, ref)->frame)
                                             : read_atomic(&v2_entry(rgt, ref)->full_page.frame);

            rc = get_paged_frame(rd, gfn, &mfn, &pg);
            if (rc != GNTST_okay) {
                reduce_status(rgt, ref, act, ro);
                goto unlock;
            }
            act->domid = ld->domain_id;
            act->mfn = mfn;
            act->start = 0;
            act->length = PAGE_SIZE;
            act->is_sub_page = false;
            act->trans_domain = rd;
            act->trans_gref = ref;
        }
    }
    mfn = act->mfn;
    /* Each mapping holds its own page reference. */
    if (!pg && !get_page(mfn_to_page(mfn), rd)) {
        reduce_status(rgt, ref, act, ro);
        rc = GNTST_general_error;
        goto unlock;
    }
    act->pin += inc;
    spin_unlock(&rgt->lock);

    e->flags = op->flags;
    e->ref = ref;
    e->domid = op->dom;
    e->mfn = mfn;
    e->gfn = op->host_addr >> PAGE_SHIFT;

    /*
     * The host mapping, as Xen on Arm: host_addr is a guest physical
     * address, no other flag may be set.  (GTF_PAT/PWT/PCD only matter to
     * Xen for I/O frames, which cannot be granted here.)
     */
    rc = GNTST_general_error;
    if ((op->flags & ~GNTMAP_readonly) == GNTMAP_host_map &&
        !p2m_map_range(ld, _gfn(e->gfn), mfn, 1, ro ? p2m_grant_map_ro : p2m_grant_map_rw))
        rc = GNTST_okay;
    if (rc != GNTST_okay) {
        unpin(rd, ref, inc, ro);
        put_page(mfn_to_page(mfn));
        mt_put(lgt, handle);
        put_domain(rd);
        op->status = rc;
        return;
    }
    /* Published: from now on an unmap or the domain's teardown may take it. */
    store_release(&e->state, (uint32_t)MT_LIVE);
    op->dev_bus_addr = mfn_to_maddr(mfn);
    op->handle = handle;
    op->status = GNTST_okay;
    return;

 unlock:
    spin_unlock(&rgt->lock);
    mt_put(lgt, handle);
    put_domain(rd);
    op->status = rc;
}

/* unmap_grant_ref (new_addr 0) and unmap_and_replace (dev_bus_addr 0). */
static int16_t unmap_common(uint64_t host_addr, uint64_t dev_bus_addr, uint64_t new_addr,
                            grant_handle_t handle)
{
    struct domain *ld = current->domain;
    struct grant_table *lgt = ld->grant_table;
    struct maptrack *e;
    int16_t rc;

    if (handle >= load_acquire(&lgt->mt_limit))
        return GNTST_bad_handle;
    e = mt_entry(lgt, handle);
    /* Ours while claimed: nothing else may release or reuse it under us. */
    if (!mt_claim(e))
        return GNTST_bad_handle;
    if (dev_bus_addr && (e->flags & GNTMAP_device_map) &&
        dev_bus_addr != mfn_to_maddr(e->mfn))
        rc = GNTST_bad_dev_addr;
    else if (!host_addr || !(e->flags & GNTMAP_host_map))
        rc = GNTST_okay;                /* nothing to unmap, and that is no error */
    /*
     * Arm: no replacement mapping, and the frame must be mapped (as a
     * grant) at host_addr, not necessarily where this handle put it: like
     * Xen, any of the domain's mappings of the frame will do.  Each
     * successful unmap removes one p2m entry with one handle, so a frame
     * never has more grant entries in a p2m than handles holding it.
     */
    else if (new_addr || !host_mapping_present(ld, host_addr >> PAGE_SHIFT, e->mfn))
        rc = GNTST_general_error;
    else {
        release_mapping(ld, handle, host_addr >> PAGE_SHIFT);
        return GNTST_okay;
    }
    store_release(&e->state, (uint32_t)MT_LIVE);
    return rc;
}

/* ------------------------------------------------------------ copy */

/* One side of a copy: the frame and the part of it the grant allows. */
struct copy_buf {
    struct domain *d;               /* reference held */
    bool have_grant;
    grant_ref_t ref;
    bool readonly;
    mfn_t mfn;
    struct page_info *pg;           /* reference held */
    uint16_t start, length;
};

/* Positive result of acquire_for_copy(): the table moved under us, retry. */
#define COPY_RETRY  1

static void release_for_copy(struct domain *rd, grant_ref_t ref, bool readonly)
{
    struct grant_table *rgt = rd->grant_table;
    struct active_grant *act;
    struct domain *td;
    grant_ref_t tref;

    spin_lock(&rgt->lock);
    act = active_entry(rgt, ref);
    td = act->trans_domain;             /* rd itself unless pinned through a transitive grant */
    tref = act->trans_gref;
    act->pin -= readonly ? PIN_HSTR : PIN_HSTW;
    reduce_status(rgt, ref, act, readonly);
    spin_unlock(&rgt->lock);

    if (td != rd) {
        release_for_copy(td, tref, readonly);
        put_domain(td);
    }
}

/*
 * Pin (rd, ref) for a copy by ldom; the frame comes back with a page
 * reference, and the window of it the grant covers.  Transitive grants
 * (version 2) are followed one level.
 */
static int acquire_for_copy(struct domain *rd, grant_ref_t ref, domid_t ldom, bool readonly,
                            bool allow_transitive, mfn_t *mfn, struct page_info **pg,
                            uint16_t *start, uint16_t *length)
{
    struct grant_table *rgt = rd->grant_table;
    uint32_t inc = readonly ? PIN_HSTR : PIN_HSTW, old_pin;
    struct active_grant *act;
    grant_entry_v2_t *e2;
    uint16_t *status;
    int rc;

    *pg = NULL;
    spin_lock(&rgt->lock);
    if (ref >= nr_entries(rgt)) {
        spin_unlock(&rgt->lock);
        return GNTST_bad_gntref;
    }
    act = active_entry(rgt, ref);
    if (act->pin && (act->domid != ldom || (act->pin & PIN_FULL(inc)))) {
        spin_unlock(&rgt->lock);
        return GNTST_general_error;
    }
    e2 = rgt->version == 2 ? v2_entry(rgt, ref) : NULL;
    status = status_word(rgt, ref);
    old_pin = act->pin;

    if (e2 && (read_atomic(&e2->hdr.flags) & GTF_type_mask) == GTF_transitive) {
        domid_t tdom;
        grant_ref_t tref;
        struct domain *td;
        mfn_t tmfn;
        uint16_t tstart, tlen;

        if ((!old_pin || (!readonly && !(old_pin & PIN_WRITERS))) &&
            (rc = pin_status_v2(&e2->hdr, status, act, readonly, false, ldom)) != GNTST_okay)
            goto unlock;
        rc = GNTST_general_error;
        if (!allow_transitive)
            goto unlock_clear;
        tdom = read_atomic(&e2->transitive.trans_domid);
        tref = read_atomic(&e2->transitive.gref);
        if (tdom == rd->domain_id)
            goto unlock_clear;          /* a grant may not lead to itself */
        td = get_domain_by_id(tdom);
        if (!td)
            goto unlock_clear;
        /* Never two tables locked at once: let go, follow, come back. */
        spin_unlock(&rgt->lock);
        rc = acquire_for_copy(td, tref, rd->domain_id, readonly, false, &tmfn, pg,
                              &tstart, &tlen);
        spin_lock(&rgt->lock);
        act = active_entry(rgt, ref);
        if (rc != GNTST_okay) {
            put_domain(td);
            reduce_status(rgt, ref, act, readonly);
            spin_unlock(&rgt->lock);
            return rc;
        }
        /* Changed while unlocked (version switch, other pins): start again. */
        if (rgt->version != 2 || act->pin != old_pin ||
            (old_pin && (act->domid != ldom || !mfn_eq(act->mfn, tmfn) ||
                         act->start != tstart || act->length != tlen ||
                         act->trans_domain != td || act->trans_gref != tref ||
                         !act->is_sub_page))) {
            spin_unlock(&rgt->lock);
            release_for_copy(td, tref, readonly);
            put_domain(td);
            spin_lock(&rgt->lock);
            reduce_status(rgt, ref, active_entry(rgt, ref), readonly);
            spin_unlock(&rgt->lock);
            put_page(*pg);
            *pg = NULL;
            return COPY_RETRY;
        }
        if (!old_pin) {
            act->domid = ldom;
            act->start = tstart;
            act->length = tlen;
            act->trans_domain = td;
            act->trans_gref = tref;
            act->mfn = tmfn;
            act->is_sub_page = true;    /* never mappable */
        }
        /* Each acquisition keeps its reference on td until released. */
    } else if (!old_pin || (!readonly && !(old_pin & PIN_WRITERS))) {
        uint64_t gfn;
        uint16_t s = 0, l = PAGE_SIZE;
        bool sub = false;
        mfn_t m;

        rc = pin_status(rgt, ref, act, readonly, false, ldom);
        if (rc != GNTST_okay)
            goto unlock;
        if (!e2) {
            gfn = read_atomic(&v1_entry(rgt, ref)->frame);
        } else if (!(read_atomic(&e2->hdr.flags) & GTF_sub_page)) {
            gfn = read_atomic(&e2->full_page.frame);
        } else {
            gfn = read_atomic(&e2->sub_page.frame);
            s = read_atomic(&e2->sub_page.page_off);
            l = read_atomic(&e2->sub_page.length);
            sub = true;
        }
        if (!old_pin) {
            rc = get_paged_frame(rd, gfn, &m, pg);
            if (rc != GNTST_okay)
                goto unlock_clear;
            act->domid = ldom;
            act->is_sub_page = sub;
            act->start = s;
            act->length = l;
            act->trans_domain = rd;
            act->trans_gref = ref;
            act->mfn = m;
        } else if (!get_page(mfn_to_page(act->mfn), rd)) {
            rc = GNTST_general_error;
            goto unlock_clear;
        } else {
            *pg = mfn_to_page(act->mfn);
        }
    } else {
        /* Pinned the way we need it already: just another user of the frame. */
        if (act->trans_domain != rd || !get_page(mfn_to_page(act->mfn), rd)) {
            rc = GNTST_bad_domain;
            goto unlock_clear;
        }
        *pg = mfn_to_page(act->mfn);
    }

    act->pin += inc;
    *start = act->start;
    *length = act->length;
    *mfn = act->mfn;
    spin_unlock(&rgt->lock);
    return GNTST_okay;

 unlock_clear:
    reduce_status(rgt, ref, act, readonly);
 unlock:
    spin_unlock(&rgt->lock);
    return rc;
}

static void copy_buf_release(struct copy_buf *b)
{
    if (b->have_grant) {
        release_for_copy(b->d, b->ref, b->readonly);
        b->have_grant = false;
    }
    if (b->pg) {
        put_page(b->pg);
        b->pg = NULL;
    }
    if (b->d) {
        put_domain(b->d);
        b->d = NULL;
    }
}

/* Only the caller itself may name a frame by its guest frame number. */
static int copy_buf_domain(const struct gnttab_copy_ptr *p, bool by_gref, struct copy_buf *b)
{
    if (p->domid != DOMID_SELF && !by_gref)
        return GNTST_permission_denied;
    b->d = lookup_any(p->domid);
    return b->d ? GNTST_okay : GNTST_bad_domain;
}

static int copy_buf_claim(const struct gnttab_copy_ptr *p, bool by_gref, bool readonly,
                          struct copy_buf *b)
{
    int rc;

    b->readonly = readonly;
    if (by_gref) {
        rc = acquire_for_copy(b->d, p->u.ref, current->domain->domain_id, readonly, true,
                              &b->mfn, &b->pg, &b->start, &b->length);
        if (rc != GNTST_okay)
            return rc;
        b->ref = p->u.ref;
        b->have_grant = true;
        return GNTST_okay;
    }
    rc = get_paged_frame(b->d, p->u.gmfn, &b->mfn, &b->pg);
    b->start = 0;
    b->length = PAGE_SIZE;
    return rc;
}

static int copy_one(const struct gnttab_copy *op)
{
    struct copy_buf src = { 0 }, dst = { 0 };
    int rc;

    rc = copy_buf_domain(&op->source, op->flags & GNTCOPY_source_gref, &src);
    if (rc == GNTST_okay)
        rc = copy_buf_domain(&op->dest, op->flags & GNTCOPY_dest_gref, &dst);
    /* XSM: grant_copy is a hook the default policy allows. */
    if (rc == GNTST_okay)
        rc = copy_buf_claim(&op->source, op->flags & GNTCOPY_source_gref, true, &src);
    if (rc == GNTST_okay)
        rc = copy_buf_claim(&op->dest, op->flags & GNTCOPY_dest_gref, false, &dst);
    if (rc == GNTST_okay) {
        if ((unsigned int)op->source.offset + op->len > PAGE_SIZE ||
            (unsigned int)op->dest.offset + op->len > PAGE_SIZE)
            rc = GNTST_bad_copy_arg;
        else if (op->source.offset < src.start ||
                 op->source.offset + op->len > src.start + src.length ||
                 op->dest.offset < dst.start ||
                 op->dest.offset + op->len > dst.start + dst.length)
            rc = GNTST_general_error;   /* outside what was granted */
        else
            memmove((char *)mfn_to_virt(dst.mfn) + op->dest.offset,
                    (const char *)mfn_to_virt(src.mfn) + op->source.offset, op->len);
    }
    copy_buf_release(&src);
    copy_buf_release(&dst);
    return rc;
}

/* ------------------------------------------------------------ other sub-ops */

/*
 * Tell a translated guest where it mapped each of the first nr shared (or
 * status) frames, ~0 for nowhere, in the 8-byte list at guest address
 * `list` (setup_table's xen_pfn_t and get_status_frames' uint64_t entries
 * alike).  Every entry is tried; GNTST_bad_virt_addr if any write faulted.
 * Table lock held.
 */
static int16_t report_frame_gfns(struct domain *d, bool status, unsigned int nr, uint64_t list)
{
    struct grant_table *gt = d->grant_table;
    int16_t rc = GNTST_okay;

    _Static_assert(sizeof(xen_pfn_t) == sizeof(uint64_t), "8-byte frame lists");
    for (unsigned int i = 0; i < nr; i++) {
        void *va = status ? (void *)gt->status[i] : gt->shared[i];
        xen_pfn_t at = status ? gt->status_gfn[i] : gt->shared_gfn[i];
        uint64_t gfn = frame_mapped(d, va, at) ? at : INVALID_XEN_PFN;

        if (arch_copy_to_guest(list + i * sizeof(gfn), &gfn, sizeof(gfn)))
            rc = GNTST_bad_virt_addr;
    }
    return rc;
}

static long setup_table(XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    struct gnttab_setup_table op;
    struct grant_table *gt;
    struct domain *d;

    if (count != 1)
        return -EINVAL;
    if (!hc_copy_from(&op, uop, 0, sizeof(op)))
        return -EFAULT;
    d = lookup_target(op.dom, &op.status);          /* xsm_grant_setup */
    if (!d)
        goto out;
    gt = d->grant_table;
    spin_lock(&gt->lock);
    if (op.nr_frames > gt->max_frames) {
        op.status = GNTST_general_error;
    } else if (op.nr_frames > gt->nr_frames && grow_table(gt, op.nr_frames)) {
        op.status = GNTST_general_error;
    } else {
        op.status = report_frame_gfns(d, false, op.nr_frames,
                                      guest_handle_va(op.frame_list));
    }
    spin_unlock(&gt->lock);
 out:
    if (d)
        put_domain(d);
    if (!hc_copy_to(uop, offsetof(struct gnttab_setup_table, status), &op.status,
                    sizeof(op.status)))
        return -EFAULT;
    return 0;
}

static long query_size(XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    struct gnttab_query_size op;
    struct domain *d;

    if (count != 1)
        return -EINVAL;
    if (!hc_copy_from(&op, uop, 0, sizeof(op)))
        return -EFAULT;
    d = lookup_target(op.dom, &op.status);          /* xsm_grant_query_size */
    if (d) {
        spin_lock(&d->grant_table->lock);
        op.nr_frames = d->grant_table->nr_frames;
        op.max_nr_frames = d->grant_table->max_frames;
        spin_unlock(&d->grant_table->lock);
        op.status = GNTST_okay;
        put_domain(d);
    }
    if (!hc_copy_to(uop, 0, &op, sizeof(op)))
        return -EFAULT;
    return 0;
}

static long set_version(XEN_GUEST_HANDLE_PARAM(void) uop)
{
    struct domain *d = current->domain;
    struct grant_table *gt = d->grant_table;
    grant_entry_v1_t keep[GNTTAB_NR_RESERVED_ENTRIES];
    struct gnttab_set_version op;
    long rc;

    if (!hc_copy_from(&op, uop, 0, sizeof(op)))
        return -EFAULT;

    spin_lock(&gt->lock);
    rc = -EINVAL;
    if (op.version != 1 && op.version != 2)
        goto out;
    rc = -ENOSYS;                       /* as if set_version did not exist */
    if (op.version == 2 && gt->max_version == 1)
        goto out;
    rc = 0;
    if (op.version == gt->version)
        goto out;

    /* Only the first entries (console, xenstore) may stay in use across a switch. */
    rc = -EBUSY;
    for (unsigned int i = GNTTAB_NR_RESERVED_ENTRIES; i < nr_entries(gt); i++)
        if (active_entry(gt, i)->pin)
            goto out;

    if (gt->version == 1) {
        rc = populate_status(gt, gt->nr_frames);
        if (rc)
            goto out;
        memcpy(keep, v1_entry(gt, 0), sizeof(keep));
    } else {
        rc = -ERANGE;                   /* entries version 1 cannot express */
        for (unsigned int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
            grant_entry_v2_t *e = v2_entry(gt, i);

            switch (e->hdr.flags & GTF_type_mask) {
            case GTF_permit_access:
                if (e->full_page.frame >> 32)
                    goto out;
                break;
            case GTF_transitive:
                goto out;
            }
        }
        for (unsigned int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
            grant_entry_v2_t *e = v2_entry(gt, i);

            memset(&keep[i], 0, sizeof(keep[i]));
            if ((e->hdr.flags & GTF_type_mask) == GTF_permit_access) {
                keep[i].flags = e->hdr.flags | *status_word(gt, i);
                keep[i].domid = e->hdr.domid;
                keep[i].frame = (uint32_t)e->full_page.frame;
            }
        }
        rc = unpopulate_status(gt);
        if (rc)
            goto out;
    }

    for (unsigned int i = 0; i < gt->nr_frames; i++)
        memset(gt->shared[i], 0, PAGE_SIZE);
    gt->version = op.version;
    for (unsigned int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
        if (gt->version == 1) {
            *v1_entry(gt, i) = keep[i];
        } else {
            grant_entry_v2_t *e = v2_entry(gt, i);

            *status_word(gt, i) = keep[i].flags & (GTF_reading | GTF_writing);
            e->hdr.flags = keep[i].flags & ~(GTF_reading | GTF_writing);
            e->hdr.domid = keep[i].domid;
            e->full_page.frame = keep[i].frame;
        }
    }
    rc = 0;
 out:
    op.version = gt->version;
    spin_unlock(&gt->lock);
    if (!hc_copy_to(uop, 0, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}

static long get_status_frames(XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    struct gnttab_get_status_frames op;
    struct grant_table *gt;
    struct domain *d;

    if (count != 1)
        return -EINVAL;
    if (!hc_copy_from(&op, uop, 0, sizeof(op)))
        return -EFAULT;
    d = lookup_target(op.dom, &op.status);          /* xsm_grant_setup */
    if (!d)
        goto out;
    gt = d->grant_table;
    spin_lock(&gt->lock);
    if (op.nr_frames > gt->nr_status_frames) {
        op.status = GNTST_general_error;
    } else {
        op.status = report_frame_gfns(d, true, op.nr_frames,
                                      guest_handle_va(op.frame_list));
    }
    spin_unlock(&gt->lock);
 out:
    if (d)
        put_domain(d);
    if (!hc_copy_to(uop, offsetof(struct gnttab_get_status_frames, status), &op.status,
                    sizeof(op.status)))
        return -EFAULT;
    return 0;
}

static long get_version(XEN_GUEST_HANDLE_PARAM(void) uop)
{
    struct gnttab_get_version op;
    struct domain *d;
    int rc;

    if (!hc_copy_from(&op, uop, 0, sizeof(op)))
        return -EFAULT;
    d = lookup_any(op.dom);
    if (!d)
        return -ESRCH;
    rc = hc_xsm_target(current->domain, d);       /* xsm_grant_query_size */
    if (rc) {
        put_domain(d);
        return rc;
    }
    op.version = read_atomic(&d->grant_table->version);
    put_domain(d);
    if (!hc_copy_to(uop, offsetof(struct gnttab_get_version, version), &op.version,
                    sizeof(op.version)))
        return -EFAULT;
    return 0;
}

static int16_t swap_grant_ref(grant_ref_t a, grant_ref_t b)
{
    struct grant_table *gt = current->domain->grant_table;
    int16_t rc = GNTST_okay;

    spin_lock(&gt->lock);
    if (a >= nr_entries(gt) || b >= nr_entries(gt)) {
        rc = GNTST_bad_gntref;
    } else if (a != b) {
        if (active_entry(gt, a)->pin || active_entry(gt, b)->pin) {
            rc = GNTST_eagain;
        } else if (gt->version == 1) {
            grant_entry_v1_t t = *v1_entry(gt, a);

            *v1_entry(gt, a) = *v1_entry(gt, b);
            *v1_entry(gt, b) = t;
        } else {
            grant_entry_v2_t t = *v2_entry(gt, a);
            grant_status_t s = *status_word(gt, a);

            *v2_entry(gt, a) = *v2_entry(gt, b);
            *status_word(gt, a) = *status_word(gt, b);
            *v2_entry(gt, b) = t;
            *status_word(gt, b) = s;
        }
    }
    spin_unlock(&gt->lock);
    return rc;
}

/*
 * Cache maintenance on a frame the caller owns or has mapped through a
 * grant.  Our guests' mappings are all cacheable and nothing does
 * non-coherent DMA yet, so the maintenance itself is the arch's, a no-op
 * by default.
 */
__attribute__((__weak__))
int arch_grant_cache_flush(void *va, unsigned int len, unsigned int op)
{
    (void)va; (void)len; (void)op;
    return 0;
}

static int cache_flush_one(const struct gnttab_cache_flush *cf, unsigned int opaque)
{
    struct domain *d = current->domain, *owner = NULL;
    struct grant_table *gt = d->grant_table;
    struct page_info *pg;
    mfn_t mfn;
    int rc;

    if (cf->offset >= PAGE_SIZE || cf->length > PAGE_SIZE ||
        (unsigned int)cf->offset + cf->length > PAGE_SIZE ||
        (cf->op & ~(GNTTAB_CACHE_INVAL | GNTTAB_CACHE_CLEAN)))
        return -EINVAL;
    if (!cf->length || !cf->op)
        return opaque ? -EILSEQ : 0;
    mfn = maddr_to_mfn(cf->a.dev_bus_addr);
    pg = mfn_to_page(mfn);
    if (!pg)
        return -EINVAL;
    if (get_page(pg, d)) {
        owner = d;
    } else {
        /* Someone else's: only through a mapping we hold of it. */
        unsigned int limit = load_acquire(&gt->mt_limit);

        for (unsigned int h = 0; h < limit && !owner; h++) {
            struct maptrack *e = mt_entry(gt, h);

            /* Only the page reference matters: owner is never dereferenced. */
            if (load_acquire(&e->state) == MT_LIVE && mfn_eq(e->mfn, mfn) &&
                get_page(pg, read_atomic(&e->rd)))
                owner = read_atomic(&e->rd);
        }
        if (!owner)                     /* no owner at all, or not granted to us */
            return read_atomic(&pg->owner) ? -EINVAL : -EPERM;
    }
    rc = arch_grant_cache_flush((char *)mfn_to_virt(mfn) + cf->offset, cf->length, cf->op);
    put_page(pg);
    return rc;
}

/* ------------------------------------------------------------ the hypercall */

/* Per-sub-op batch loops: 0 or -errno, *done ops completed, *more if preempted. */
static long map_batch(uint64_t va, unsigned int count, unsigned int *done, bool *more)
{
    struct gnttab_map_grant_ref op;

    for (unsigned int i = 0; i < count; i++) {
        if (i && hc_preempt_check()) {
            *more = true;
            return 0;
        }
        if (arch_copy_from_guest(&op, va + i * sizeof(op), sizeof(op)))
            return -EFAULT;
        map_grant_ref(&op);
        if (arch_copy_to_guest(va + i * sizeof(op), &op, sizeof(op)))
            return -EFAULT;
        *done = i + 1;
    }
    return 0;
}

static long unmap_batch(uint64_t va, unsigned int count, bool replace, unsigned int *done,
                        bool *more)
{
    size_t size = replace ? sizeof(struct gnttab_unmap_and_replace)
                          : sizeof(struct gnttab_unmap_grant_ref);
    size_t st = replace ? offsetof(struct gnttab_unmap_and_replace, status)
                        : offsetof(struct gnttab_unmap_grant_ref, status);

    for (unsigned int i = 0; i < count; i++) {
        int16_t status;

        /* As Xen: a preemption point after every batch of 32. */
        if (i && !(i % UNMAP_BATCH) && hc_preempt_check()) {
            *more = true;
            return 0;
        }
        if (replace) {
            struct gnttab_unmap_and_replace op;

            if (arch_copy_from_guest(&op, va + i * size, sizeof(op)))
                return -EFAULT;
            status = unmap_common(op.host_addr, 0, op.new_addr, op.handle);
        } else {
            struct gnttab_unmap_grant_ref op;

            if (arch_copy_from_guest(&op, va + i * size, sizeof(op)))
                return -EFAULT;
            status = unmap_common(op.host_addr, op.dev_bus_addr, 0, op.handle);
        }
        if (arch_copy_to_guest(va + i * size + st, &status, sizeof(status)))
            return -EFAULT;
        *done = i + 1;
    }
    return 0;
}

static long copy_batch(uint64_t va, unsigned int count, unsigned int *done, bool *more)
{
    struct gnttab_copy op;

    for (unsigned int i = 0; i < count; i++) {
        int rc;

        if (i && hc_preempt_check()) {
            *more = true;
            return 0;
        }
        if (arch_copy_from_guest(&op, va + i * sizeof(op), sizeof(op)))
            return -EFAULT;
        rc = copy_one(&op);
        if (rc == COPY_RETRY) {
            *more = true;               /* retried from this op */
            return 0;
        }
        op.status = (int16_t)rc;
        if (arch_copy_to_guest(va + i * sizeof(op) + offsetof(struct gnttab_copy, status),
                               &op.status, sizeof(op.status)))
            return -EFAULT;
        *done = i + 1;
    }
    return 0;
}

static long swap_batch(uint64_t va, unsigned int count, unsigned int *done, bool *more)
{
    struct gnttab_swap_grant_ref op;

    for (unsigned int i = 0; i < count; i++) {
        if (i && hc_preempt_check()) {
            *more = true;
            return 0;
        }
        if (arch_copy_from_guest(&op, va + i * sizeof(op), sizeof(op)))
            return -EFAULT;
        op.status = swap_grant_ref(op.ref_a, op.ref_b);
        if (arch_copy_to_guest(va + i * sizeof(op) +
                               offsetof(struct gnttab_swap_grant_ref, status),
                               &op.status, sizeof(op.status)))
            return -EFAULT;
        *done = i + 1;
    }
    return 0;
}

static long cache_flush_batch(uint64_t va, unsigned int count, unsigned int opaque,
                              unsigned int *done, bool *more)
{
    struct gnttab_cache_flush op;

    for (unsigned int i = 0; i < count; i++) {
        long rc;

        if (i && hc_preempt_check()) {
            *more = true;
            return 0;
        }
        if (arch_copy_from_guest(&op, va + i * sizeof(op), sizeof(op)))
            return -EFAULT;
        rc = cache_flush_one(&op, i ? 0 : opaque);
        if (rc)
            return rc;
        *done = i + 1;
    }
    return 0;
}

long do_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    unsigned int opaque = cmd & GNTTABOP_ARG_MASK, done = 0;
    uint64_t va = guest_handle_va(uop);
    size_t size = 0;
    bool more = false;
    long rc;

    if ((int)count < 0)
        return -EINVAL;
    cmd &= GNTTABOP_CMD_MASK;
    if (cmd != GNTTABOP_cache_flush && opaque)
        return -EINVAL;
    if (!current->domain->grant_table)
        return -ENOSYS;

    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        size = sizeof(struct gnttab_map_grant_ref);
        rc = map_batch(va, count, &done, &more);
        break;
    case GNTTABOP_unmap_grant_ref:
        size = sizeof(struct gnttab_unmap_grant_ref);
        rc = unmap_batch(va, count, false, &done, &more);
        break;
    case GNTTABOP_unmap_and_replace:
        size = sizeof(struct gnttab_unmap_and_replace);
        rc = unmap_batch(va, count, true, &done, &more);
        break;
    case GNTTABOP_setup_table:
        return setup_table(uop, count);
    case GNTTABOP_transfer:
        /* Page transfer exists for PV guests only: none here, as Xen without CONFIG_PV. */
        return -EOPNOTSUPP;
    case GNTTABOP_copy:
        size = sizeof(struct gnttab_copy);
        rc = copy_batch(va, count, &done, &more);
        break;
    case GNTTABOP_query_size:
        return query_size(uop, count);
    case GNTTABOP_set_version:
        return set_version(uop);
    case GNTTABOP_get_status_frames:
        return get_status_frames(uop, count);
    case GNTTABOP_get_version:
        return get_version(uop);
    case GNTTABOP_swap_grant_ref:
        size = sizeof(struct gnttab_swap_grant_ref);
        rc = swap_batch(va, count, &done, &more);
        break;
    case GNTTABOP_cache_flush:
        size = sizeof(struct gnttab_cache_flush);
        rc = cache_flush_batch(va, count, opaque >> GNTTABOP_CONTINUATION_ARG_SHIFT,
                               &done, &more);
        break;
    default:
        return -ENOSYS;                 /* dump_table included, as Xen */
    }
    if (rc || !more)
        return rc;
    return (long)hypercall_create_continuation(__HYPERVISOR_grant_table_op, "ihi", cmd,
                                               (void *)(uintptr_t)(va + done * size),
                                               count - done);
}

/* ------------------------------------------------------------ teardown */

void gnttab_release_mappings(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    unsigned int limit;

    if (!gt)
        return;
    /*
     * Every mapping d holds goes: out of its p2m, pins and page references
     * dropped, the granters' references put.  One that an unmap on another
     * vCPU is taking apart right now is that unmap's to finish.  (A guest
     * that unmapped handles at each other's addresses may keep an entry
     * in its p2m: d never runs again, and its p2m goes with it.)
     * Mappings others hold of d's grants stay, with their page references:
     * those frames (and d's table) remain until they are unmapped, as on
     * Xen.
     */
    limit = load_acquire(&gt->mt_limit);
    for (unsigned int h = 0; h < limit; h++) {
        struct maptrack *e = mt_entry(gt, h);

        if (load_acquire(&e->state) == MT_LIVE && mt_claim(e))
            release_mapping(d, h, e->gfn);
    }
}

/* ------------------------------------------------------------ memory_op */

/* Frame idx of d's table (status frame with `status`), growing it; under gt->lock. */
static int frame_for(struct grant_table *gt, bool status, unsigned long idx, void **va,
                     xen_pfn_t **gfn_slot)
{
    if (status) {
        /* Enough grant frames for status frame idx to exist. */
        unsigned long need = ((idx + 1) * STATUS_PER_FRAME + V2_PER_FRAME - 1) / V2_PER_FRAME;

        if (idx >= gt->nr_status_frames &&
            (need > gt->max_frames || grow_table(gt, (unsigned int)need)))
            return -EINVAL;
        if (idx >= gt->nr_status_frames)
            return -EINVAL;
        *va = gt->status[idx];
        *gfn_slot = &gt->status_gfn[idx];
        return 0;
    }
    if (idx >= gt->nr_frames &&
        (idx >= gt->max_frames || grow_table(gt, (unsigned int)idx + 1)))
        return -EINVAL;
    *va = gt->shared[idx];
    *gfn_slot = &gt->shared_gfn[idx];
    return 0;
}

int gnttab_map_frame(struct domain *d, unsigned long idx, gfn_t gfn, mfn_t *mfn)
{
    struct grant_table *gt = d->grant_table;
    bool status = false;
    xen_pfn_t *slot;
    void *va;
    int rc;

    if (!gt || gfn_x(gfn) == INVALID_XEN_PFN)
        return -EINVAL;
    spin_lock(&gt->lock);
    if (gt->version == 2 && (idx & XENMAPIDX_grant_table_status)) {
        idx &= ~(unsigned long)XENMAPIDX_grant_table_status;
        status = true;
    }
    rc = frame_for(gt, status, idx, &va, &slot);
    if (!rc && frame_mapped(d, va, *slot))
        rc = -EBUSY;                    /* mapped once at a time, as on Xen for Arm */
    if (!rc)
        rc = p2m_map_range(d, gfn, virt_to_mfn(va), 1, p2m_ram_rw);
    if (!rc) {
        *slot = gfn_x(gfn);
        *mfn = virt_to_mfn(va);
    }
    spin_unlock(&gt->lock);
    return rc;
}

unsigned int gnttab_resource_max_frames(struct domain *d, unsigned int id)
{
    struct grant_table *gt = d->grant_table;

    if (!gt)
        return 0;
    switch (id) {
    case XENMEM_resource_grant_table_id_shared:
        return gt->max_frames;
    case XENMEM_resource_grant_table_id_status:
        return GNTTAB_MAX_VERSION < 2 ? 0 : status_frames(gt->max_frames);
    }
    return 0;
}

int gnttab_acquire_resource(struct domain *d, unsigned int id, unsigned int frame,
                            unsigned int nr_frames, xen_pfn_t mfn_list[])
{
    struct grant_table *gt = d->grant_table;
    unsigned int last;
    int rc = -EINVAL;

    if (!gt || !nr_frames)
        return -EINVAL;
    last = frame + nr_frames - 1;
    spin_lock(&gt->lock);
    switch (id) {
    case XENMEM_resource_grant_table_id_shared:
    case XENMEM_resource_grant_table_id_status: {
        bool status = id == XENMEM_resource_grant_table_id_status;
        xen_pfn_t *slot;
        void *va;

        if (status && gt->version != 2)
            break;
        rc = frame_for(gt, status, last, &va, &slot);
        if (rc)
            break;
        for (unsigned int i = 0; i < nr_frames; i++) {
            void *f = status ? (void *)gt->status[frame + i] : gt->shared[frame + i];

            /* Cannot fail: the table holds the frame, owned by d. */
            BUG_ON(!get_page(virt_to_page(f), d));
            mfn_list[i] = mfn_x(virt_to_mfn(f));
        }
        rc = (int)nr_frames;
        break;
    }
    }
    spin_unlock(&gt->lock);
    return rc;
}
