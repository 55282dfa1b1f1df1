/*
 * The page allocator: a binary buddy system over machine frames.
 *
 * Start of day (heap_init()) turns the boot information into "banks"
 * (maximal runs of RAM that the direct map reaches) and "free ranges"
 * (bank memory minus everything that must be kept, see struct boot_info).
 * Each bank gets an array of struct page_info, carved from the top of the
 * largest free range, then every free range is cut into naturally aligned
 * blocks that go onto the free list of their order.
 *
 * Invariants, under heap_lock:
 *   - every frame of a free block is PGC_STATE_FREE; the block's first
 *     frame ("head") has order == the block's order and sits on
 *     free_lists[order]; every other free frame has order PAGE_ORDER_NONE;
 *   - no two free buddies of the same order below MAX_ORDER coexist: a
 *     freed block merges with its buddy as long as the buddy is a free head
 *     of the same order (if the buddy were only partly free it could not
 *     be such a head, and if it were inside a larger free block the freed
 *     block would be inside that block as well, i.e. not in use);
 *   - blocks never cross a bank boundary (buddies outside the bank are
 *     not looked at).
 */
#include <xen/mm.h>
#include <xen/boot_info.h>
#include <xen/spinlock.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>

/* Highest representable page-aligned end of a range. */
#define PADDR_TOP   (~(paddr_t)0 & ~(paddr_t)(PAGE_SIZE - 1))

#define HEAP_BANKS_MAX  BOOT_MEM_MAX
/* Enough for all RAM, all holes and the pieces one can cut the other into. */
#define SCRATCH_MAX     (2 * BOOT_MEM_MAX + BOOT_MODULES_MAX + BOOT_RSV_MAX + 8)

struct range {
    paddr_t start, end;                 /* [start, end), page aligned */
};

struct heap_bank {
    uint64_t first;                     /* first frame */
    uint64_t nr;                        /* frames */
    struct page_info *pages;            /* nr entries, in the direct map */
    paddr_t meta_start, meta_end;       /* where `pages` lives */
};

static DEFINE_SPINLOCK(heap_lock);
static struct heap_bank banks[HEAP_BANKS_MAX];
static unsigned int nr_banks;
static struct list_node free_lists[MAX_ORDER + 1];
static unsigned long free_blocks[MAX_ORDER + 1];
static unsigned long nr_free_pages, nr_heap_pages;

/* Start-of-day scratch space (too big for the stack). */
static struct range ram[SCRATCH_MAX], holes[SCRATCH_MAX], fr[SCRATCH_MAX];

/* ------------------------------------------------------------ lookups */

static struct heap_bank *bank_of_mfn(uint64_t mfn)
{
    unsigned int lo = 0, hi = nr_banks;

    while (lo < hi) {
        unsigned int mid = lo + (hi - lo) / 2;
        struct heap_bank *b = &banks[mid];

        if (mfn < b->first)
            hi = mid;
        else if (mfn - b->first >= b->nr)
            lo = mid + 1;
        else
            return b;
    }
    return NULL;
}

struct page_info *mfn_to_page(mfn_t mfn)
{
    struct heap_bank *b = bank_of_mfn(mfn_x(mfn));

    return b ? &b->pages[mfn_x(mfn) - b->first] : NULL;
}

mfn_t page_to_mfn(const struct page_info *pg)
{
    for (unsigned int i = 0; i < nr_banks; i++) {
        const struct heap_bank *b = &banks[i];

        if (pg >= b->pages && pg < b->pages + b->nr)
            return _mfn(b->first + (uint64_t)(pg - b->pages));
    }
    panic("page_to_mfn: %p is not a heap page_info", (const void *)pg);
}

/* ------------------------------------------------------------ buddy core */

/*
 * Put the 2^order frames at `mfn` (in bank b, none of them free yet) on
 * the free lists, merging with free buddies.  heap_lock held.
 */
static void free_block_locked(struct heap_bank *b, uint64_t mfn, unsigned int order)
{
    struct page_info *pg = &b->pages[mfn - b->first];
    uint64_t n = 1ULL << order;

    for (uint64_t i = 0; i < n; i++) {
        pg[i].flags = PGC_STATE_FREE;
        pg[i].order = PAGE_ORDER_NONE;
    }
    nr_free_pages += n;

    while (order < MAX_ORDER) {
        uint64_t buddy = mfn ^ (1ULL << order);
        struct page_info *bp;

        if (buddy < b->first || buddy - b->first + (1ULL << order) > b->nr)
            break;
        bp = &b->pages[buddy - b->first];
        if (page_state(bp) != PGC_STATE_FREE || bp->order != order)
            break;
        list_remove(&bp->list);
        free_blocks[order]--;
        bp->order = PAGE_ORDER_NONE;
        mfn &= ~(1ULL << order);
        order++;
    }

    pg = &b->pages[mfn - b->first];
    pg->order = order;
    list_push_front(&free_lists[order], &pg->list);
    free_blocks[order]++;
}

/* Cut [s, e) (frames) into maximal aligned blocks and free them. */
static void free_run_locked(struct heap_bank *b, uint64_t s, uint64_t e)
{
    while (s < e) {
        unsigned int order = MAX_ORDER;

        if (s)
            order = (unsigned int)__builtin_ctzll(s) < order ?
                    (unsigned int)__builtin_ctzll(s) : order;
        while ((1ULL << order) > e - s)
            order--;
        free_block_locked(b, s, order);
        s += 1ULL << order;
    }
}

mfn_t alloc_pages(unsigned int order)
{
    struct page_info *pg;
    unsigned long flags;
    unsigned int j;
    mfn_t mfn;

    if (order > MAX_ORDER)
        return INVALID_MFN;

    spin_lock_irqsave(&heap_lock, flags);
    for (j = order; j <= MAX_ORDER; j++)
        if (!list_is_empty(&free_lists[j]))
            break;
    if (j > MAX_ORDER) {
        spin_unlock_irqrestore(&heap_lock, flags);
        return INVALID_MFN;
    }

    pg = list_entry(list_pop_front(&free_lists[j]), struct page_info, list);
    free_blocks[j]--;

    /* Return the upper halves of a larger block to their lists. */
    while (j > order) {
        struct page_info *half;

        j--;
        half = pg + (1UL << j);
        half->order = j;
        list_push_front(&free_lists[j], &half->list);
        free_blocks[j]++;
    }

    for (unsigned long i = 0; i < (1UL << order); i++) {
        list_init(&pg[i].list);
        pg[i].owner = NULL;
        pg[i].count = 0;
        pg[i].flags = PGC_STATE_INUSE;
        pg[i].order = PAGE_ORDER_NONE;
    }
    nr_free_pages -= 1UL << order;
    mfn = page_to_mfn(pg);
    spin_unlock_irqrestore(&heap_lock, flags);
    return mfn;
}

/* 0 if [mfn, mfn + 2^order) is an aligned run of in-use heap frames. */
static int check_block_locked(uint64_t mfn, unsigned int order,
                              struct heap_bank **bank)
{
    struct heap_bank *b;
    uint64_t n;

    if (order > MAX_ORDER)
        return -EINVAL;
    n = 1ULL << order;
    if (mfn & (n - 1))
        return -EINVAL;
    b = bank_of_mfn(mfn);
    if (!b || mfn - b->first + n > b->nr)
        return -EINVAL;
    for (uint64_t i = 0; i < n; i++)
        if (page_state(&b->pages[mfn - b->first + i]) != PGC_STATE_INUSE)
            return -EINVAL;
    *bank = b;
    return 0;
}

int free_pages_checked(mfn_t mfn, unsigned int order)
{
    struct heap_bank *b;
    unsigned long flags;
    int rc;

    spin_lock_irqsave(&heap_lock, flags);
    rc = check_block_locked(mfn_x(mfn), order, &b);
    if (!rc)
        free_block_locked(b, mfn_x(mfn), order);
    spin_unlock_irqrestore(&heap_lock, flags);
    return rc;
}

void free_pages(mfn_t mfn, unsigned int order)
{
    if (free_pages_checked(mfn, order))
        panic("free_pages: frame %#llx order %u is not an allocated heap block",
              (unsigned long long)mfn_x(mfn), order);
}

void *alloc_xenheap_pages(unsigned int order)
{
    mfn_t mfn = alloc_pages(order);

    return mfn_eq(mfn, INVALID_MFN) ? NULL : mfn_to_virt(mfn);
}

void free_xenheap_pages(void *va, unsigned int order)
{
    if (!va)
        return;
    if ((uintptr_t)va & (PAGE_SIZE - 1))
        panic("free_xenheap_pages: %p is not page aligned", va);
    free_pages(virt_to_mfn(va), order);
}

/* ------------------------------------------------------------ references */

bool get_page(struct page_info *pg, const struct domain *d)
{
    unsigned long c;

    /* Never touch `count` of a page d does not own: others use it differently. */
    if (!pg || !d || read_atomic(&pg->owner) != (const void *)d)
        return false;
    c = read_atomic(&pg->count);
    do {
        if (c == 0 || c == ~0UL)
            return false;
    } while (!__atomic_compare_exchange_n(&pg->count, &c, c + 1, false,
                                          __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
    /* Freed and handed to someone else between the two reads: not ours. */
    if (read_atomic(&pg->owner) != (const void *)d) {
        put_page(pg);
        return false;
    }
    return true;
}

void put_page(struct page_info *pg)
{
    unsigned long left = __atomic_sub_fetch(&pg->count, 1, __ATOMIC_ACQ_REL);

    if (left == ~0UL)
        panic("put_page: frame %#llx has no reference left",
              (unsigned long long)mfn_x(page_to_mfn(pg)));
    if (left)
        return;
    write_atomic(&pg->owner, NULL);
    free_pages(page_to_mfn(pg), 0);
}

void put_pages_alloc_ref(mfn_t mfn, unsigned int order)
{
    struct page_info *pg = mfn_to_page(mfn);
    unsigned long n = 1UL << order, dropped = 0;

    if (!pg)
        panic("put_pages_alloc_ref: frame %#llx is not a heap frame",
              (unsigned long long)mfn_x(mfn));
    for (unsigned long i = 0; i < n; i++)
        write_atomic(&pg[i].owner, NULL);
    /* Usually nobody else holds any: the whole block goes back at once. */
    for (unsigned long i = 0; i < n; i++) {
        unsigned long one = 1;

        if (__atomic_compare_exchange_n(&pg[i].count, &one, 0, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
            dropped++;
    }
    if (dropped == n) {
        free_pages(mfn, order);
        return;
    }
    /* A count of 0 here is one we just dropped (nobody can revive it). */
    for (unsigned long i = 0; i < n; i++) {
        if (read_atomic(&pg[i].count) == 0)
            free_pages(mfn_add(mfn, i), 0);
        else
            put_page(&pg[i]);
    }
}

void share_xen_page_with_guest(struct page_info *pg, struct domain *d)
{
    pg->flags |= PGC_XEN_HEAP;
    write_atomic(&pg->count, 1UL);
    store_release(&pg->owner, (void *)d);
}

unsigned long heap_max_page(void)
{
    const struct heap_bank *top = nr_banks ? &banks[nr_banks - 1] : NULL;

    return top ? top->first + top->nr : 0;
}

unsigned long total_free_pages(void)
{
    return read_atomic(&nr_free_pages);
}

unsigned long total_heap_pages(void)
{
    return read_atomic(&nr_heap_pages);
}

unsigned long heap_free_blocks(unsigned int order)
{
    return order <= MAX_ORDER ? read_atomic(&free_blocks[order]) : 0;
}

unsigned long heap_release_range(paddr_t start, paddr_t end)
{
    unsigned long flags, added = 0;

    start = start > PADDR_TOP ? PADDR_TOP : ROUNDUP(start, PAGE_SIZE);
    end = ROUNDDOWN(end, PAGE_SIZE);
    if (start >= end)
        return 0;

    spin_lock_irqsave(&heap_lock, flags);
    for (unsigned int i = 0; i < nr_banks; i++) {
        struct heap_bank *b = &banks[i];
        uint64_t s = start >> PAGE_SHIFT, e = end >> PAGE_SHIFT;
        uint64_t meta_s = b->meta_start >> PAGE_SHIFT;
        uint64_t meta_e = b->meta_end >> PAGE_SHIFT;
        uint64_t run = 0;
        bool in_run = false;

        if (s < b->first)
            s = b->first;
        if (e > b->first + b->nr)
            e = b->first + b->nr;

        /* Free each maximal run of kept frames, never our own metadata. */
        for (uint64_t m = s; m <= e; m++) {
            bool ok = m < e && !(m >= meta_s && m < meta_e) &&
                      page_state(&b->pages[m - b->first]) == PGC_STATE_RESERVED;

            if (ok && !in_run) {
                run = m;
                in_run = true;
            } else if (!ok && in_run) {
                free_run_locked(b, run, m);
                added += m - run;
                in_run = false;
            }
        }
    }
    nr_heap_pages += added;
    spin_unlock_irqrestore(&heap_lock, flags);
    return added;
}

/* ------------------------------------------------------------ start of day */

static void sort_ranges(struct range *r, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        struct range x = r[i];
        unsigned int j = i;

        for (; j > 0 && r[j - 1].start > x.start; j--)
            r[j] = r[j - 1];
        r[j] = x;
    }
}

/* Sort, then fuse overlapping and touching ranges; returns the new count. */
static unsigned int merge_ranges(struct range *r, unsigned int n)
{
    unsigned int out = 0;

    sort_ranges(r, n);
    for (unsigned int i = 0; i < n; i++) {
        if (out && r[i].start <= r[out - 1].end) {
            if (r[i].end > r[out - 1].end)
                r[out - 1].end = r[i].end;
        } else {
            r[out++] = r[i];
        }
    }
    return out;
}

/* [start, start + size) as whole pages: inward (RAM) or outward (holes). */
static bool page_range(paddr_t start, paddr_t size, bool outward, struct range *r)
{
    paddr_t end = start + size;

    if (size == 0 || start >= PADDR_TOP)
        return false;
    if (end < start || end > PADDR_TOP)     /* wraps or reaches the top */
        end = PADDR_TOP;
    if (outward) {
        r->start = ROUNDDOWN(start, PAGE_SIZE);
        r->end = ROUNDUP(end, PAGE_SIZE);
    } else {
        r->start = ROUNDUP(start, PAGE_SIZE);
        r->end = ROUNDDOWN(end, PAGE_SIZE);
    }
    return r->start < r->end;
}

static void add_hole(unsigned int *n, paddr_t start, paddr_t size)
{
    struct range r;

    if (*n < SCRATCH_MAX && page_range(start, size, true, &r))
        holes[(*n)++] = r;
}

/* The largest free range (index), or -1 if none holds `bytes`. */
static int largest_free(unsigned int n, paddr_t bytes)
{
    int best = -1;

    for (unsigned int i = 0; i < n; i++)
        if (fr[i].end - fr[i].start >= bytes &&
            (best < 0 || fr[i].end - fr[i].start > fr[best].end - fr[best].start))
            best = (int)i;
    return best;
}

unsigned int heap_init(const struct boot_info *bi)
{
    unsigned int nr_mem = bi->nr_mem < BOOT_MEM_MAX ? bi->nr_mem : BOOT_MEM_MAX;
    unsigned int nr_mods = bi->nr_mods < BOOT_MODULES_MAX ? bi->nr_mods : BOOT_MODULES_MAX;
    unsigned int nr_rsv = bi->nr_rsv < BOOT_RSV_MAX ? bi->nr_rsv : BOOT_RSV_MAX;
    paddr_t dmap_lo = bi->dmap_start > PADDR_TOP ? PADDR_TOP : ROUNDUP(bi->dmap_start, PAGE_SIZE);
    paddr_t dmap_hi = bi->dmap_end ? ROUNDDOWN(bi->dmap_end, PAGE_SIZE) : PADDR_TOP;
    unsigned int n_ram = 0, n_holes = 0, n_free = 0, regions = 0;

    spin_lock_init(&heap_lock);
    for (unsigned int o = 0; o <= MAX_ORDER; o++) {
        list_init(&free_lists[o]);
        free_blocks[o] = 0;
    }
    nr_banks = 0;
    nr_free_pages = nr_heap_pages = 0;

    /* 1. RAM the direct map reaches, in whole pages. */
    for (unsigned int i = 0; i < nr_mem; i++) {
        struct range r;

        if (bi->mem[i].type != BOOT_MEM_RAM ||
            !page_range(bi->mem[i].start, bi->mem[i].size, false, &r))
            continue;
        if (r.start < dmap_lo)
            r.start = dmap_lo;
        if (r.end > dmap_hi)
            r.end = dmap_hi;
        if (r.start < r.end)
            ram[n_ram++] = r;
    }
    n_ram = merge_ranges(ram, n_ram);

    /* 2. Everything to keep, in whole pages. */
    for (unsigned int i = 0; i < nr_mem; i++)
        if (bi->mem[i].type != BOOT_MEM_RAM)
            add_hole(&n_holes, bi->mem[i].start, bi->mem[i].size);
    for (unsigned int i = 0; i < nr_mods; i++)
        add_hole(&n_holes, bi->mods[i].start, bi->mods[i].size);
    for (unsigned int i = 0; i < nr_rsv; i++)
        add_hole(&n_holes, bi->rsv[i].start, bi->rsv[i].size);
    if (bi->image_end > bi->image_start)
        add_hole(&n_holes, bi->image_start, bi->image_end - bi->image_start);
    add_hole(&n_holes, 0, PAGE_SIZE);
    n_holes = merge_ranges(holes, n_holes);

    /* 3. Free ranges = RAM minus holes; banks = RAM runs with free frames. */
    for (unsigned int i = 0; i < n_ram; i++) {
        paddr_t cur = ram[i].start;
        unsigned int before = n_free;

        for (unsigned int h = 0; h < n_holes && cur < ram[i].end; h++) {
            if (holes[h].end <= cur || holes[h].start >= ram[i].end)
                continue;
            if (holes[h].start > cur && n_free < SCRATCH_MAX)
                fr[n_free++] = (struct range){ cur, holes[h].start };
            cur = holes[h].end > cur ? holes[h].end : cur;
        }
        if (cur < ram[i].end && n_free < SCRATCH_MAX)
            fr[n_free++] = (struct range){ cur, ram[i].end };

        if (n_free > before) {
            if (nr_banks == HEAP_BANKS_MAX) {
                printk("heap: too many RAM banks, ignoring %#llx-%#llx\n",
                       (unsigned long long)ram[i].start,
                       (unsigned long long)ram[i].end - 1);
                n_free = before;
                continue;
            }
            banks[nr_banks++] = (struct heap_bank){
                .first = ram[i].start >> PAGE_SHIFT,
                .nr = (ram[i].end - ram[i].start) >> PAGE_SHIFT,
            };
        }
    }

    /* 4. Each bank's page_info array, from the top of the largest free range. */
    for (unsigned int i = 0; i < nr_banks; i++) {
        struct heap_bank *b = &banks[i];
        paddr_t bytes = ROUNDUP((paddr_t)b->nr * sizeof(struct page_info), PAGE_SIZE);
        int f = largest_free(n_free, bytes);

        if (f < 0) {
            /* Leave the bank out: drop its free ranges too. */
            paddr_t s = b->first << PAGE_SHIFT, e = (b->first + b->nr) << PAGE_SHIFT;
            unsigned int out = 0;

            printk("heap: no room for the frame table of %#llx-%#llx, not used\n",
                   (unsigned long long)s, (unsigned long long)e - 1);
            for (unsigned int j = 0; j < n_free; j++)
                if (fr[j].start < s || fr[j].start >= e)
                    fr[out++] = fr[j];
            n_free = out;
            b->nr = 0;
            continue;
        }
        fr[f].end -= bytes;
        b->meta_start = fr[f].end;
        b->meta_end = fr[f].end + bytes;
        b->pages = arch_maddr_to_virt(b->meta_start);
    }

    /* Squeeze out banks that got no frame table. */
    {
        unsigned int out = 0;

        for (unsigned int i = 0; i < nr_banks; i++)
            if (banks[i].nr)
                banks[out++] = banks[i];
        nr_banks = out;
    }

    /* 5. Every frame starts kept; then the free ranges go to the lists. */
    for (unsigned int i = 0; i < nr_banks; i++) {
        for (uint64_t j = 0; j < banks[i].nr; j++) {
            struct page_info *pg = &banks[i].pages[j];

            list_init(&pg->list);
            pg->owner = NULL;
            pg->count = 0;
            pg->flags = PGC_STATE_RESERVED;
            pg->order = PAGE_ORDER_NONE;
        }
    }
    for (unsigned int i = 0; i < n_free; i++) {
        uint64_t s = fr[i].start >> PAGE_SHIFT, e = fr[i].end >> PAGE_SHIFT;
        struct heap_bank *b;

        if (s >= e)
            continue;
        b = bank_of_mfn(s);
        if (!b)
            continue;
        free_run_locked(b, s, e);
        nr_heap_pages += e - s;
        regions++;
    }
    return regions;
}
