/*
 * Stage 2 translation: each domain's guest physical -> machine tables.
 *
 * Format (VTCR_EL2): 4K granule, inner-shareable write-back walks, walks
 * start at level 1; the guest physical space is min(40 bits, PA size), so
 * the first level is 1 or 2 concatenated pages (2 for 40 bits).  Leaves
 * are 1 GiB blocks (level 1), 2 MiB blocks (level 2) or pages (level 3);
 * blocks are used wherever the guest and machine addresses are both
 * aligned and the whole block is being mapped.  The p2m type of a leaf is
 * kept in the descriptor's software bits.
 *
 * Every table page comes from the heap and is linked on the p2m's page
 * list, so teardown returns each one.  Changes happen under the p2m lock.
 * Removing or replacing a valid entry is break-before-make: the entry is
 * cleared, the domain's TLB entries are invalidated on every CPU (TLBI by
 * VMID, broadcast), and only then is anything new written.  A guest access
 * that hits the short window in between takes a stage 2 fault, which the
 * trap handler retries (p2m_fault_is_stale()).
 *
 * VMIDs are 8 bits: 255 domains at once (VMID 0 is never handed out).
 */
#include <xen/arch.h>
#include <xen/bitops.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <asm/domain.h>
#include <asm/p2m.h>
#include <asm/sysregs.h>

/* Descriptor bits (stage 2, 4K granule). */
#define DESC_VALID          (1UL << 0)
#define DESC_TABLE          (1UL << 1)      /* table (levels 1-2) or page (level 3) */
#define DESC_ADDR_MASK      0x0000fffffffff000UL
#define S2_MEMATTR_NORMAL   (0xfUL << 2)    /* outer and inner write-back */
#define S2_MEMATTR_DEVICE   (0x1UL << 2)    /* Device-nGnRE */
#define S2_AP_RO            (1UL << 6)
#define S2_AP_RW            (3UL << 6)
#define S2_AP_MASK          (3UL << 6)
#define S2_SH_INNER         (3UL << 8)
#define S2_AF               (1UL << 10)
#define S2_XN               (1UL << 54)
#define S2_TYPE_SHIFT       55              /* bits [58:55]: ours */
#define S2_TYPE_MASK        (0xfUL << S2_TYPE_SHIFT)

#define ENTRIES_PER_TABLE   512
#define LEVEL_SHIFT(l)      (12 + 9 * (3 - (l)))    /* 30, 21, 12 */
#define LEVEL_FRAMES(l)     (1UL << (9 * (3 - (l)))) /* frames one entry maps */

#define NR_VMIDS            256

static uint64_t vtcr;
static unsigned int ipa_bits, pa_bits, root_order;

static DEFINE_SPINLOCK(vmid_lock);
static DECLARE_BITMAP(vmid_used, NR_VMIDS);

/* ---- set-up ------------------------------------------------------------- */

void p2m_boot_init(void)
{
    static const unsigned int bits_of_parange[] = { 32, 36, 40, 42, 44, 48 };
    unsigned int parange = READ_SYSREG(id_aa64mmfr0_el1) & ID_AA64MMFR0_PARANGE_MASK;

    /* 52-bit output addresses need another descriptor format: stay at 48. */
    if (parange >= ARRAY_SIZE(bits_of_parange))
        parange = PARANGE_48BIT;
    pa_bits = bits_of_parange[parange];
    ipa_bits = pa_bits < P2M_IPA_BITS_MAX ? pa_bits : P2M_IPA_BITS_MAX;
    /* One level 1 table covers 39 bits; beyond that, concatenate. */
    root_order = ipa_bits > 39 ? ipa_bits - 39 : 0;

    vtcr = VTCR_T0SZ(ipa_bits) | VTCR_SL0_L1 | VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA |
           VTCR_SH0_INNER | VTCR_TG0_4K | ((uint64_t)parange << VTCR_PS_SHIFT) |
           VTCR_RES1;
    __set_bit(0, vmid_used);
    printk("p2m: %u-bit guest physical addresses (PA %u bits), %u-page first level, 8-bit VMIDs\n",
           ipa_bits, pa_bits, 1U << root_order);
}

void p2m_cpu_init(void)
{
    WRITE_SYSREG(vtcr, vtcr_el2);
    WRITE_SYSREG(0, vttbr_el2);
    isb();
    /* Whatever firmware or an earlier life left in the TLBs for EL1&0. */
    asm volatile ("tlbi alle1; dsb nsh; isb" : : : "memory");
}

unsigned int p2m_ipa_bits(void)
{
    return ipa_bits;
}

static int vmid_alloc(uint8_t *vmid)
{
    unsigned int id;

    spin_lock(&vmid_lock);
    id = find_first_zero_bit(vmid_used, NR_VMIDS);
    if (id < NR_VMIDS)
        __set_bit(id, vmid_used);
    spin_unlock(&vmid_lock);
    if (id >= NR_VMIDS)
        return -EBUSY;
    *vmid = (uint8_t)id;
    return 0;
}

static void vmid_free(uint8_t vmid)
{
    spin_lock(&vmid_lock);
    if (vmid)
        __clear_bit(vmid, vmid_used);
    spin_unlock(&vmid_lock);
}

/* ---- TLB maintenance ---------------------------------------------------- */

/*
 * Invalidate every TLB entry of p2m's VMID on every CPU (stage 1 entries
 * cached with this stage 2 included).  TLBI by VMID acts on the VMID in
 * VTTBR_EL2, so it is borrowed for the duration, with interrupts masked.
 */
static void p2m_flush_tlb(const struct p2m_domain *p2m)
{
    unsigned long flags = arch_irq_save();
    uint64_t old = READ_SYSREG(vttbr_el2);

    if (old != p2m->vttbr) {
        WRITE_SYSREG(p2m->vttbr, vttbr_el2);
        isb();
    }
    asm volatile ("dsb ishst; tlbi vmalls12e1is; dsb ish; isb" : : : "memory");
    if (old != p2m->vttbr) {
        WRITE_SYSREG(old, vttbr_el2);
        isb();
    }
    arch_irq_restore(flags);
}

void p2m_load(struct domain *d)
{
    WRITE_SYSREG(d->arch->p2m.vttbr, vttbr_el2);
    isb();
}

/* ---- tables ------------------------------------------------------------- */

static uint64_t *table_of(uint64_t desc)
{
    return arch_maddr_to_virt(desc & DESC_ADDR_MASK);
}

static bool is_leaf(uint64_t desc, unsigned int level)
{
    /* Level 3: only pages (0b11); levels 1-2: blocks are 0b01. */
    return level == 3 ? (desc & 3) == 3 : (desc & 3) == 1;
}

static bool is_table(uint64_t desc, unsigned int level)
{
    return level < 3 && (desc & 3) == 3;
}

static uint64_t *root_entry(const struct p2m_domain *p2m, uint64_t gfn)
{
    uint64_t *root = arch_maddr_to_virt(p2m->root);

    return &root[gfn >> (LEVEL_SHIFT(1) - PAGE_SHIFT)];
}

static unsigned int index_at(uint64_t gfn, unsigned int level)
{
    return (unsigned int)(gfn >> (LEVEL_SHIFT(level) - PAGE_SHIFT)) & (ENTRIES_PER_TABLE - 1);
}

/* A zeroed table page, linked on the p2m's list; 0 if the heap is empty. */
static paddr_t new_table(struct p2m_domain *p2m)
{
    mfn_t mfn = alloc_pages(0);
    struct page_info *pg;

    if (mfn_eq(mfn, INVALID_MFN))
        return 0;
    pg = mfn_to_page(mfn);
    memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    list_push_back(&p2m->pages, &pg->list);
    p2m->nr_pages++;
    return mfn_to_maddr(mfn);
}

/* Make a new entry visible to the table walkers of every CPU. */
static void write_entry(uint64_t *entry, uint64_t desc)
{
    __atomic_store_n(entry, desc, __ATOMIC_RELAXED);
    dsb_ishst();
}

static uint64_t leaf_attrs(p2m_type_t t)
{
    uint64_t a = S2_AF | ((uint64_t)t << S2_TYPE_SHIFT);

    switch (t) {
    case p2m_ram_rw:
        return a | S2_MEMATTR_NORMAL | S2_AP_RW | S2_SH_INNER;
    case p2m_ram_ro:
        return a | S2_MEMATTR_NORMAL | S2_AP_RO | S2_SH_INNER;
    case p2m_mmio_direct_dev:
        return a | S2_MEMATTR_DEVICE | S2_AP_RW | S2_XN;
    case p2m_grant_map_rw:
    case p2m_map_foreign_rw:
        return a | S2_MEMATTR_NORMAL | S2_AP_RW | S2_SH_INNER | S2_XN;
    case p2m_grant_map_ro:
    case p2m_map_foreign_ro:
        return a | S2_MEMATTR_NORMAL | S2_AP_RO | S2_SH_INNER | S2_XN;
    case p2m_invalid:
        break;
    }
    return 0;
}

/*
 * Replace the block at @entry (level 1 or 2) by a table of the next level
 * mapping the same frames with the same attributes (break-before-make).
 */
static int shatter(struct p2m_domain *p2m, uint64_t *entry, unsigned int level)
{
    uint64_t block = *entry, *t;
    uint64_t attrs = block & ~DESC_ADDR_MASK & ~3UL;
    paddr_t ma = block & DESC_ADDR_MASK, table = new_table(p2m);
    uint64_t step = LEVEL_FRAMES(level + 1) << PAGE_SHIFT;
    uint64_t kind = level + 1 == 3 ? (DESC_VALID | DESC_TABLE) : DESC_VALID;

    if (!table)
        return -ENOMEM;
    t = arch_maddr_to_virt(table);
    for (unsigned int i = 0; i < ENTRIES_PER_TABLE; i++)
        t[i] = (ma + i * step) | attrs | kind;
    write_entry(entry, 0);
    p2m_flush_tlb(p2m);
    write_entry(entry, table | DESC_VALID | DESC_TABLE);
    return 0;
}

static p2m_type_t type_of(uint64_t desc)
{
    return (p2m_type_t)((desc & S2_TYPE_MASK) >> S2_TYPE_SHIFT);
}

/*
 * A foreign entry is going: its page reference may only be dropped once
 * no TLB can still translate to the page, so invalidate now rather than
 * leaving it to the caller.  Foreign entries are single pages.
 */
static void drop_foreign(struct p2m_domain *p2m, uint64_t *entry, uint64_t desc)
{
    write_entry(entry, 0);
    p2m_flush_tlb(p2m);
    p2m->nr_foreign--;
    put_page(mfn_to_page(maddr_to_mfn(desc & DESC_ADDR_MASK)));
}

/*
 * Clear [gfn, gfn + nr).  Blocks only partly inside are split first.
 * Sets *flush when a valid leaf went away (the caller invalidates).
 */
static int clear_range(struct p2m_domain *p2m, uint64_t gfn, uint64_t nr, bool *flush)
{
    uint64_t end = gfn + nr;

    while (gfn < end) {
        uint64_t *entry = root_entry(p2m, gfn);
        unsigned int level = 1;

        for (;;) {
            uint64_t desc = *entry, span = LEVEL_FRAMES(level);
            bool whole = !(gfn & (span - 1)) && end - gfn >= span;
            int rc;

            if (!(desc & DESC_VALID)) {
                gfn = (gfn | (span - 1)) + 1;       /* nothing mapped here */
                break;
            }
            if (is_leaf(desc, level)) {
                if (whole && level == 3 && p2m_is_foreign(type_of(desc))) {
                    drop_foreign(p2m, entry, desc);
                    gfn += span;
                    break;
                }
                if (whole) {
                    write_entry(entry, 0);
                    *flush = true;
                    gfn += span;
                    break;
                }
                rc = shatter(p2m, entry, level);
                if (rc)
                    return rc;
                desc = *entry;
            }
            entry = &table_of(desc)[index_at(gfn, level + 1)];
            level++;
        }
    }
    return 0;
}

/*
 * The entry for @gfn at @level, creating missing tables on the way.  NULL
 * when the heap is out of pages.  Must not meet a leaf above @level (the
 * caller cleared the range first).
 */
static uint64_t *entry_for(struct p2m_domain *p2m, uint64_t gfn, unsigned int level)
{
    uint64_t *entry = root_entry(p2m, gfn);

    for (unsigned int l = 1; l < level; l++) {
        uint64_t desc = *entry;

        if (!(desc & DESC_VALID)) {
            paddr_t t = new_table(p2m);

            if (!t)
                return NULL;
            desc = t | DESC_VALID | DESC_TABLE;
            write_entry(entry, desc);
        } else if (!is_table(desc, l)) {
            if (shatter(p2m, entry, l))
                return NULL;
            desc = *entry;
        }
        entry = &table_of(desc)[index_at(gfn, l + 1)];
    }
    return entry;
}

/* Largest leaf level usable at (gfn, mfn) for at most @left frames. */
static unsigned int leaf_level(struct p2m_domain *p2m, uint64_t gfn, uint64_t mfn,
                               uint64_t left)
{
    for (unsigned int level = 1; level < 3; level++) {
        uint64_t span = LEVEL_FRAMES(level);
        uint64_t *entry = root_entry(p2m, gfn);

        if (((gfn | mfn) & (span - 1)) || left < span)
            continue;
        /* Only over an empty slot: a table left behind stays in use. */
        for (unsigned int l = 1; l < level && is_table(*entry, l); l++)
            entry = &table_of(*entry)[index_at(gfn, l + 1)];
        if (!(*entry & DESC_VALID))
            return level;
    }
    return 3;
}

static bool range_ok(uint64_t first, uint64_t nr, unsigned int bits)
{
    uint64_t limit = 1UL << (bits - PAGE_SHIFT);

    return first < limit && nr <= limit - first;
}

/* ---- xen/p2m.h ---------------------------------------------------------- */

int p2m_init(struct domain *d)
{
    struct p2m_domain *p2m = &d->arch->p2m;
    mfn_t root;
    int rc;

    spin_lock_init(&p2m->lock);
    list_init(&p2m->pages);
    p2m->nr_pages = 0;
    p2m->nr_foreign = 0;
    rc = vmid_alloc(&p2m->vmid);
    if (rc) {
        printk("p2m: d%u: no VMID left\n", d->domain_id);
        return rc;
    }
    root = alloc_pages(root_order);
    if (mfn_eq(root, INVALID_MFN)) {
        vmid_free(p2m->vmid);
        return -ENOMEM;
    }
    memset(mfn_to_virt(root), 0, PAGE_SIZE << root_order);
    dsb_ishst();
    p2m->root = mfn_to_maddr(root);
    p2m->root_order = root_order;
    p2m->vttbr = p2m->root | ((uint64_t)p2m->vmid << VTTBR_VMID_SHIFT);
    /* A VMID is flushed when freed; once more for anything since. */
    p2m_flush_tlb(p2m);
    return 0;
}

/* Drop the reference of every foreign entry under a table at @level. */
static void put_foreign_refs(struct p2m_domain *p2m, uint64_t *table, unsigned int level,
                             unsigned int entries)
{
    for (unsigned int i = 0; i < entries && p2m->nr_foreign; i++) {
        uint64_t desc = table[i];

        if (!(desc & DESC_VALID))
            continue;
        if (is_table(desc, level)) {
            put_foreign_refs(p2m, table_of(desc), level + 1, ENTRIES_PER_TABLE);
        } else if (level == 3 && p2m_is_foreign(type_of(desc))) {
            table[i] = 0;
            p2m->nr_foreign--;
            put_page(mfn_to_page(maddr_to_mfn(desc & DESC_ADDR_MASK)));
        }
    }
}

void p2m_teardown(struct domain *d)
{
    struct p2m_domain *p2m;

    if (!d->arch)
        return;
    p2m = &d->arch->p2m;
    if (!p2m->root)
        return;
    /* Nothing of this VMID may survive in any TLB before it is reused. */
    p2m_flush_tlb(p2m);
    /* Only now may the pages it mapped from other domains go. */
    if (p2m->nr_foreign)
        put_foreign_refs(p2m, arch_maddr_to_virt(p2m->root), 1,
                         ENTRIES_PER_TABLE << p2m->root_order);
    while (!list_is_empty(&p2m->pages)) {
        struct page_info *pg = list_entry(list_pop_front(&p2m->pages),
                                          struct page_info, list);

        free_pages(page_to_mfn(pg), 0);
    }
    p2m->nr_pages = 0;
    free_pages(maddr_to_mfn(p2m->root), p2m->root_order);
    p2m->root = 0;
    vmid_free(p2m->vmid);
    p2m->vmid = 0;
}

int p2m_map_range(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned long nr,
                  p2m_type_t t)
{
    struct p2m_domain *p2m = &d->arch->p2m;
    uint64_t g = gfn_x(gfn), m = mfn_x(mfn), done = 0;
    bool flush = false;
    int rc;

    if (!leaf_attrs(t) || !range_ok(g, nr, ipa_bits) || !range_ok(m, nr, pa_bits) ||
        (p2m_is_foreign(t) && nr != 1))
        return -EINVAL;
    if (!nr)
        return 0;

    spin_lock(&p2m->lock);
    rc = clear_range(p2m, g, nr, &flush);
    if (flush)
        p2m_flush_tlb(p2m);
    while (!rc && done < nr) {
        unsigned int level = leaf_level(p2m, g + done, m + done, nr - done);
        uint64_t *entry = entry_for(p2m, g + done, level);

        if (!entry) {
            rc = -ENOMEM;
            break;
        }
        write_entry(entry, ((m + done) << PAGE_SHIFT) | leaf_attrs(t) | DESC_VALID |
                           (level == 3 ? DESC_TABLE : 0));
        done += LEVEL_FRAMES(level);
    }
    if (!rc && g + nr - 1 > p2m->max_mapped_gfn)
        p2m->max_mapped_gfn = g + nr - 1;
    if (!rc && p2m_is_foreign(t))
        p2m->nr_foreign++;
    if (rc && done) {
        /* Leave nothing half-done behind. */
        flush = false;
        clear_range(p2m, g, done, &flush);
        if (flush)
            p2m_flush_tlb(p2m);
    }
    spin_unlock(&p2m->lock);
    return rc;
}

int p2m_unmap_range(struct domain *d, gfn_t gfn, unsigned long nr)
{
    struct p2m_domain *p2m = &d->arch->p2m;
    bool flush = false;
    int rc;

    if (!range_ok(gfn_x(gfn), nr, ipa_bits))
        return -EINVAL;
    spin_lock(&p2m->lock);
    rc = clear_range(p2m, gfn_x(gfn), nr, &flush);
    if (flush)
        p2m_flush_tlb(p2m);
    spin_unlock(&p2m->lock);
    return rc;
}

/* The leaf mapping @gfn and its level, or 0 (with *level unset). */
static uint64_t find_leaf(const struct p2m_domain *p2m, uint64_t gfn, unsigned int *level);

int p2m_remove_page(struct domain *d, gfn_t gfn, mfn_t mfn)
{
    struct p2m_domain *p2m = &d->arch->p2m;
    unsigned int level = 3;
    bool flush = false;
    uint64_t desc;
    int rc;

    if (!range_ok(gfn_x(gfn), 1, ipa_bits))
        return -EINVAL;
    spin_lock(&p2m->lock);
    desc = find_leaf(p2m, gfn_x(gfn), &level);
    if (!desc) {
        rc = -ENOENT;
    } else if (((desc & DESC_ADDR_MASK) >> PAGE_SHIFT) +
               (gfn_x(gfn) & (LEVEL_FRAMES(level) - 1)) != mfn_x(mfn)) {
        rc = -EILSEQ;
    } else {
        rc = clear_range(p2m, gfn_x(gfn), 1, &flush);
        if (flush)
            p2m_flush_tlb(p2m);
    }
    spin_unlock(&p2m->lock);
    return rc;
}

static uint64_t find_leaf(const struct p2m_domain *p2m, uint64_t gfn, unsigned int *level)
{
    uint64_t *entry = root_entry(p2m, gfn);

    for (unsigned int l = 1; l <= 3; l++) {
        uint64_t desc = __atomic_load_n(entry, __ATOMIC_RELAXED);

        if (!(desc & DESC_VALID))
            return 0;
        if (is_leaf(desc, l)) {
            *level = l;
            return desc;
        }
        entry = &table_of(desc)[index_at(gfn, l + 1)];
    }
    return 0;
}

mfn_t p2m_lookup(struct domain *d, gfn_t gfn, p2m_type_t *t)
{
    struct p2m_domain *p2m = &d->arch->p2m;
    uint64_t desc = 0;
    unsigned int level = 3;
    mfn_t mfn = INVALID_MFN;

    if (t)
        *t = p2m_invalid;
    if (!p2m->root || !range_ok(gfn_x(gfn), 1, ipa_bits))
        return INVALID_MFN;
    spin_lock(&p2m->lock);
    desc = find_leaf(p2m, gfn_x(gfn), &level);
    spin_unlock(&p2m->lock);
    if (!desc)
        return INVALID_MFN;
    mfn = _mfn(((desc & DESC_ADDR_MASK) >> PAGE_SHIFT) +
               (gfn_x(gfn) & (LEVEL_FRAMES(level) - 1)));
    if (t)
        *t = type_of(desc);
    return mfn;
}

bool p2m_max_mapped_gfn(struct domain *d, uint64_t *gfn)
{
    *gfn = read_atomic(&d->arch->p2m.max_mapped_gfn);
    return true;
}

/* ---- asm/p2m.h ---------------------------------------------------------- */

bool p2m_fault_is_stale(struct domain *d, paddr_t gpa, bool is_write, bool is_exec)
{
    struct p2m_domain *p2m = &d->arch->p2m;
    unsigned int level = 3;
    uint64_t desc;

    if (!range_ok(gpa >> PAGE_SHIFT, 1, ipa_bits))
        return false;
    spin_lock(&p2m->lock);
    desc = find_leaf(p2m, gpa >> PAGE_SHIFT, &level);
    spin_unlock(&p2m->lock);
    if (!desc)
        return false;
    if (is_write && (desc & S2_AP_MASK) != S2_AP_RW)
        return false;
    if (is_exec && (desc & S2_XN))
        return false;
    return true;
}

unsigned long p2m_table_pages(struct domain *d)
{
    return d->arch->p2m.nr_pages + (1UL << d->arch->p2m.root_order);
}
