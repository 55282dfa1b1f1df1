/*
 * Nested page tables (AMD NPT): each domain's guest physical -> machine
 * translation, the implementation of xen/p2m.h on x86_64.
 *
 * The format is the CPU's own 4-level long-mode one, walked by the
 * hardware with the host's paging rules: every level needs the user bit
 * (nested walks are user accesses), the memory type comes from the host
 * PAT through PWT/PCD (index 0 = write-back for RAM, index 3 = uncached
 * for device memory).  Guest physical addresses have 48 bits.  Leaves are
 * 2 MiB pages where the guest and machine frames are both aligned and the
 * whole block is being mapped, else 4 KiB pages.  A leaf keeps its p2m
 * type in the three software-available bits 9-11.
 *
 * Table pages come from the heap, are linked on the p2m's list and go back
 * at teardown.  Changes happen under the p2m lock.  Removing or replacing
 * a present entry bumps flush_gen: every vCPU of the domain compares it
 * before VMRUN and takes a fresh ASID (so no stale translation survives),
 * and vCPUs running elsewhere are kicked out of the guest to notice.
 */
#include <xen/arch.h>
#include <xen/atomic.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <asm/domain.h>
#include <asm/hvm.h>
#include <asm/page.h>

#define NPT_P           (1ULL << 0)
#define NPT_RW          (1ULL << 1)
#define NPT_US          (1ULL << 2)
#define NPT_PWT         (1ULL << 3)
#define NPT_PCD         (1ULL << 4)
#define NPT_A           (1ULL << 5)
#define NPT_D           (1ULL << 6)
#define NPT_PS          (1ULL << 7)
#define NPT_TYPE_SHIFT  9
#define NPT_TYPE_MASK   (7ULL << NPT_TYPE_SHIFT)
#define NPT_ADDR_MASK   0x000ffffffffff000ULL
#define NPT_ADDR_2M     0x000fffffffe00000ULL

#define NPT_TABLE       (NPT_P | NPT_RW | NPT_US | NPT_A)

#define GFN_BITS        (48 - PAGE_SHIFT)
#define FRAMES_2M       512UL

BUILD_BUG_ON(p2m_map_foreign_ro > 7);

static struct p2m_domain *p2m_of(const struct domain *d)
{
    return &d->arch->p2m;
}

static uint64_t *table_va(uint64_t entry)
{
    return arch_maddr_to_virt(entry & NPT_ADDR_MASK);
}

static unsigned int idx(uint64_t gfn, unsigned int level)
{
    /* level 4 .. 1: bits 47-39, 38-30, 29-21, 20-12 of the address. */
    return (unsigned int)((gfn >> (9 * (level - 1))) & 511);
}

/* ------------------------------------------------------------ tables */

static paddr_t table_alloc(struct p2m_domain *p2m)
{
    mfn_t m = alloc_pages(0);
    struct page_info *pg;

    if (mfn_eq(m, INVALID_MFN))
        return 0;
    memset(mfn_to_virt(m), 0, PAGE_SIZE);
    pg = mfn_to_page(m);
    list_push_back(&p2m->pages, &pg->list);
    p2m->nr_pages++;
    return mfn_to_maddr(m);
}

static void table_free(struct p2m_domain *p2m, paddr_t pa)
{
    struct page_info *pg = mfn_to_page(maddr_to_mfn(pa));

    list_remove(&pg->list);
    p2m->nr_pages--;
    free_pages(maddr_to_mfn(pa), 0);
}

static uint64_t leaf_bits(p2m_type_t t)
{
    uint64_t e = NPT_P | NPT_US | NPT_A | NPT_D | ((uint64_t)t << NPT_TYPE_SHIFT);

    switch (t) {
    case p2m_ram_rw:
    case p2m_grant_map_rw:
    case p2m_map_foreign_rw:
        return e | NPT_RW;
    case p2m_mmio_direct_dev:
        return e | NPT_RW | NPT_PWT | NPT_PCD;
    default:
        return e;                   /* read-only kinds */
    }
}

/*
 * The level-1 table under a level-2 entry: allocated when absent, made
 * from a 2 MiB leaf (same translation, 512 small leaves) when it is one.
 * NULL when out of memory.
 */
static uint64_t *l1_of(struct p2m_domain *p2m, uint64_t *l2e)
{
    uint64_t old = *l2e, *l1;
    paddr_t t;

    if ((old & NPT_P) && !(old & NPT_PS))
        return table_va(old);
    t = table_alloc(p2m);
    if (!t)
        return NULL;
    l1 = arch_maddr_to_virt(t);
    if (old & NPT_P) {
        uint64_t base = old & NPT_ADDR_2M;
        uint64_t bits = old & ~(NPT_ADDR_MASK | NPT_PS);

        for (unsigned int i = 0; i < 512; i++)
            l1[i] = (base + ((uint64_t)i << PAGE_SHIFT)) | bits;
    }
    /* Same translation as before: no flush needed for the split itself. */
    write_atomic(l2e, t | NPT_TABLE);
    return l1;
}

/* The table below a level-4/3 entry, allocated when absent. */
static uint64_t *next_level(struct p2m_domain *p2m, uint64_t *e)
{
    paddr_t t;

    if (*e & NPT_P)
        return table_va(*e);
    t = table_alloc(p2m);
    if (!t)
        return NULL;
    write_atomic(e, t | NPT_TABLE);
    return arch_maddr_to_virt(t);
}

/* Level-2 entry for gfn, building the upper levels; NULL when out of memory. */
static uint64_t *l2e_of(struct p2m_domain *p2m, uint64_t gfn, bool alloc)
{
    uint64_t *l4 = arch_maddr_to_virt(p2m->root), *l3, *l2;

    if (!alloc && !(l4[idx(gfn, 4)] & NPT_P))
        return NULL;
    l3 = next_level(p2m, &l4[idx(gfn, 4)]);
    if (!l3)
        return NULL;
    if (!alloc && !(l3[idx(gfn, 3)] & NPT_P))
        return NULL;
    l2 = next_level(p2m, &l3[idx(gfn, 3)]);
    if (!l2)
        return NULL;
    return &l2[idx(gfn, 2)];
}

/* A present translation changed: vCPUs must not use cached ones. */
static void p2m_flush(struct domain *d)
{
    struct vcpu *v;

    __atomic_fetch_add(&p2m_of(d)->flush_gen, 1, __ATOMIC_SEQ_CST);
    for_each_vcpu(d, v)
        arch_vcpu_kick(v);
}

static bool is_foreign_leaf(uint64_t e)
{
    return (e & NPT_P) && p2m_is_foreign((p2m_type_t)((e & NPT_TYPE_MASK) >> NPT_TYPE_SHIFT));
}

/*
 * A foreign 4 KiB leaf went (already cleared or overwritten): its page
 * reference goes once no vCPU can still use the old translation.
 */
static void put_foreign(struct domain *d, uint64_t old)
{
    p2m_flush(d);
    p2m_of(d)->nr_foreign--;
    put_page(mfn_to_page(_mfn((old & NPT_ADDR_MASK) >> PAGE_SHIFT)));
}

/* Free the level-1 table a 2 MiB leaf replaces (dropping its foreign entries). */
static void drop_l1(struct domain *d, uint64_t old)
{
    struct p2m_domain *p2m = p2m_of(d);

    if ((old & NPT_P) && !(old & NPT_PS)) {
        uint64_t *l1 = table_va(old);

        for (unsigned int i = 0; i < 512 && p2m->nr_foreign; i++)
            if (is_foreign_leaf(l1[i]))
                put_foreign(d, l1[i]);
        table_free(p2m, old & NPT_ADDR_MASK);
    }
}

/* ------------------------------------------------------------ xen/p2m.h */

paddr_t p2m_root(const struct domain *d)
{
    return p2m_of(d)->root;
}

int p2m_init(struct domain *d)
{
    struct p2m_domain *p2m = p2m_of(d);

    spin_lock_init(&p2m->lock);
    list_init(&p2m->pages);
    p2m->nr_pages = 0;
    p2m->flush_gen = 0;
    p2m->nr_foreign = 0;
    p2m->root = table_alloc(p2m);
    return p2m->root ? 0 : -ENOMEM;
}

/* Drop the references of the foreign entries under a level-4/3/2 table. */
static void put_foreign_refs(struct p2m_domain *p2m, uint64_t *table, unsigned int level)
{
    for (unsigned int i = 0; i < 512 && p2m->nr_foreign; i++) {
        uint64_t e = table[i];

        if (!(e & NPT_P) || (level == 2 && (e & NPT_PS)))
            continue;
        if (level > 1) {
            put_foreign_refs(p2m, table_va(e), level - 1);
        } else if (is_foreign_leaf(e)) {
            table[i] = 0;
            p2m->nr_foreign--;
            put_page(mfn_to_page(_mfn((e & NPT_ADDR_MASK) >> PAGE_SHIFT)));
        }
    }
}

void p2m_teardown(struct domain *d)
{
    struct p2m_domain *p2m = p2m_of(d);
    struct list_node *n;

    /* No vCPU of d runs any more: nothing can use these translations. */
    if (p2m->root && p2m->nr_foreign)
        put_foreign_refs(p2m, arch_maddr_to_virt(p2m->root), 4);

    while ((n = list_pop_front(&p2m->pages)) != NULL) {
        struct page_info *pg = list_entry(n, struct page_info, list);

        free_pages(page_to_mfn(pg), 0);
    }
    p2m->nr_pages = 0;
    p2m->root = 0;
}

static bool range_ok(uint64_t gfn, unsigned long nr)
{
    return nr <= (1ULL << GFN_BITS) && gfn <= (1ULL << GFN_BITS) - nr;
}

int p2m_map_range(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned long nr,
                  p2m_type_t t)
{
    struct p2m_domain *p2m = p2m_of(d);
    uint64_t g = gfn_x(gfn), m = mfn_x(mfn);
    bool flush = false;
    int rc = 0;

    if (t == p2m_invalid || t > p2m_map_foreign_ro || !range_ok(g, nr) ||
        (m + nr) < m || ((m + nr) >> (52 - PAGE_SHIFT)) || (p2m_is_foreign(t) && nr != 1))
        return -EINVAL;

    spin_lock(&p2m->lock);
    while (nr) {
        uint64_t *l2e = l2e_of(p2m, g, true), *l1, old;

        if (!l2e) {
            rc = -ENOMEM;
            break;
        }
        if (!(g & (FRAMES_2M - 1)) && !(m & (FRAMES_2M - 1)) && nr >= FRAMES_2M) {
            old = *l2e;
            write_atomic(l2e, (m << PAGE_SHIFT) | leaf_bits(t) | NPT_PS);
            if (old & NPT_P) {
                flush = true;
                drop_l1(d, old);
            }
            g += FRAMES_2M;
            m += FRAMES_2M;
            nr -= FRAMES_2M;
            continue;
        }
        l1 = l1_of(p2m, l2e);
        if (!l1) {
            rc = -ENOMEM;
            break;
        }
        old = l1[idx(g, 1)];
        write_atomic(&l1[idx(g, 1)], (m << PAGE_SHIFT) | leaf_bits(t));
        if (is_foreign_leaf(old))
            put_foreign(d, old);
        else if (old & NPT_P)
            flush = true;
        g++;
        m++;
        nr--;
    }
    /* g is one past the last frame written. */
    if (g != gfn_x(gfn) && g - 1 > p2m->max_mapped_gfn)
        p2m->max_mapped_gfn = g - 1;
    if (!rc && p2m_is_foreign(t))
        p2m->nr_foreign++;
    spin_unlock(&p2m->lock);
    if (flush)
        p2m_flush(d);
    return rc;
}

bool p2m_max_mapped_gfn(struct domain *d, uint64_t *gfn)
{
    *gfn = read_atomic(&p2m_of(d)->max_mapped_gfn);
    return true;
}

int p2m_unmap_range(struct domain *d, gfn_t gfn, unsigned long nr)
{
    struct p2m_domain *p2m = p2m_of(d);
    uint64_t g = gfn_x(gfn);
    bool flush = false;
    int rc = 0;

    if (!range_ok(g, nr))
        return -EINVAL;

    spin_lock(&p2m->lock);
    while (nr) {
        uint64_t *l2e = l2e_of(p2m, g, false), *l1;
        unsigned long step = FRAMES_2M - (g & (FRAMES_2M - 1));

        if (step > nr)
            step = nr;
        if (!l2e || !(*l2e & NPT_P)) {
            /* Nothing mapped in this 2 MiB block (or above it). */
            g += step;
            nr -= step;
            continue;
        }
        if ((*l2e & NPT_PS) && step == FRAMES_2M) {
            write_atomic(l2e, 0);
            flush = true;
            g += step;
            nr -= step;
            continue;
        }
        l1 = l1_of(p2m, l2e);
        if (!l1) {
            rc = -ENOMEM;
            break;
        }
        for (unsigned long i = 0; i < step; i++, g++) {
            uint64_t old = l1[idx(g, 1)];

            if (old & NPT_P) {
                write_atomic(&l1[idx(g, 1)], 0);
                if (is_foreign_leaf(old))
                    put_foreign(d, old);
                else
                    flush = true;
            }
        }
        nr -= step;
    }
    spin_unlock(&p2m->lock);
    if (flush)
        p2m_flush(d);
    return rc;
}

int p2m_remove_page(struct domain *d, gfn_t gfn, mfn_t mfn)
{
    struct p2m_domain *p2m = p2m_of(d);
    uint64_t g = gfn_x(gfn), e, *l2e, *l1;
    bool flush = false;
    int rc = 0;

    if (!range_ok(g, 1))
        return -EINVAL;
    spin_lock(&p2m->lock);
    l2e = l2e_of(p2m, g, false);
    e = l2e ? *l2e : 0;
    if (!(e & NPT_P)) {
        rc = -ENOENT;
        goto out;
    }
    if (e & NPT_PS) {
        if (((e & NPT_ADDR_2M) >> PAGE_SHIFT) + (g & (FRAMES_2M - 1)) != mfn_x(mfn)) {
            rc = -EILSEQ;
            goto out;
        }
        /* Split the 2 MiB leaf (same translation), then clear one page. */
        l1 = l1_of(p2m, l2e);
        if (!l1) {
            rc = -ENOMEM;
            goto out;
        }
    } else {
        l1 = table_va(e);
    }
    e = l1[idx(g, 1)];
    if (!(e & NPT_P))
        rc = -ENOENT;
    else if ((e & NPT_ADDR_MASK) >> PAGE_SHIFT != mfn_x(mfn))
        rc = -EILSEQ;
    if (rc)
        goto out;
    write_atomic(&l1[idx(g, 1)], 0);
    if (is_foreign_leaf(e))
        put_foreign(d, e);
    else
        flush = true;
 out:
    spin_unlock(&p2m->lock);
    if (flush)
        p2m_flush(d);
    return rc;
}

mfn_t p2m_lookup(struct domain *d, gfn_t gfn, p2m_type_t *t)
{
    struct p2m_domain *p2m = p2m_of(d);
    uint64_t g = gfn_x(gfn), e, *l2e;
    mfn_t m = INVALID_MFN;
    p2m_type_t type = p2m_invalid;

    if (!d->arch || !p2m->root || !range_ok(g, 1))
        goto out;
    spin_lock(&p2m->lock);
    l2e = l2e_of(p2m, g, false);
    e = l2e ? *l2e : 0;
    if ((e & NPT_P) && (e & NPT_PS)) {
        m = _mfn(((e & NPT_ADDR_2M) >> PAGE_SHIFT) + (g & (FRAMES_2M - 1)));
    } else if (e & NPT_P) {
        e = table_va(e)[idx(g, 1)];
        if (e & NPT_P)
            m = _mfn((e & NPT_ADDR_MASK) >> PAGE_SHIFT);
    }
    if (!mfn_eq(m, INVALID_MFN))
        type = (p2m_type_t)((e & NPT_TYPE_MASK) >> NPT_TYPE_SHIFT);
    spin_unlock(&p2m->lock);
 out:
    if (t)
        *t = type;
    return m;
}
