/*
 * Host unit tests for the core primitives: lists, bit operations, atomics,
 * spinlocks, the page allocator and xmalloc, over the fake architecture.
 *
 * The page allocator is checked against an independent model of which
 * frames it may hand out (whole pages inside one RAM region and clear of
 * every hole), by draining it completely, and against a shadow of what is
 * allocated during random alloc/free sequences; every page handed out is
 * stamped with its own frame number, so that a page handed out twice shows
 * up as a clobbered stamp.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/atomic.h>
#include <xen/bitops.h>
#include <xen/boot_info.h>
#include <xen/errno.h>
#include <xen/list.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include "fake_arch.h"

#include "../check.h"

/* Give up on a test function after a flood of failures. */
#define BAIL_IF_FLOODED() do { if (failures > 50) { printf("too many failures\n"); exit(1); } } while (0)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static uint64_t rnd_below(uint64_t n) { return n ? rnd() % n : 0; }

static struct boot_info bi;

/* ================================================================ lists */

struct item {
    int v;
    struct list_node link;
};

static void test_list(void)
{
    LIST_DEFINE(head);
    struct item items[6], *it, *tmp;
    int expect[] = { 5, 0, 1, 2, 3, 4 }, i = 0;
    LIST_DEFINE(other);

    CHECK(list_is_empty(&head) && list_front(&head) == NULL, "new list not empty");
    for (int k = 0; k < 6; k++) {
        items[k].v = k;
        list_init(&items[k].link);
        CHECK(!list_is_linked(&items[k].link), "fresh node linked");
    }
    for (int k = 0; k < 5; k++)
        list_push_back(&head, &items[k].link);
    list_push_front(&head, &items[5].link);
    CHECK(list_count(&head) == 6, "count %zu", list_count(&head));
    list_foreach_entry(it, &head, link)
        CHECK(it->v == expect[i++], "order at %d: %d", i - 1, it->v);
    CHECK(list_front_entry(&head, struct item, link)->v == 5, "front");
    CHECK(list_back_entry(&head, struct item, link)->v == 4, "back");

    /* Remove odd values while walking. */
    list_foreach_entry_safe(it, tmp, &head, link)
        if (it->v & 1)
            list_remove(&it->link);
    CHECK(list_count(&head) == 3 && !list_is_linked(&items[1].link), "safe removal");
    i = 0;
    list_foreach_entry(it, &head, link) {
        static const int even[] = { 0, 2, 4 };
        CHECK(it->v == even[i++], "after removal %d", it->v);
    }

    list_insert_after(&items[0].link, &items[1].link);     /* 0 1 2 4 */
    list_insert_before(&items[4].link, &items[3].link);    /* 0 1 2 3 4 */
    i = 0;
    list_foreach_entry(it, &head, link)
        CHECK(it->v == i++, "insert order %d", it->v);

    list_push_back(&other, &items[5].link);
    list_splice_back(&other, &head);                        /* 5 0 1 2 3 4 */
    CHECK(list_is_empty(&head) && list_count(&other) == 6, "splice");
    i = 0;
    list_foreach_entry(it, &other, link)
        CHECK(it->v == expect[i++], "splice order %d", it->v);
    list_move_back(&other, &items[5].link);
    CHECK(list_back_entry(&other, struct item, link)->v == 5, "move_back");
    for (int k = 0; k < 6; k++) {
        struct list_node *n = list_pop_front(&other);

        CHECK(n && list_entry(n, struct item, link)->v == k, "pop %d", k);
    }
    CHECK(list_pop_front(&other) == NULL, "pop empty");
}

/* ================================================================ bits, atomics */

static void test_bitops_atomics(void)
{
    DECLARE_BITMAP(bm, 200) = { 0 };
    atomic_t a = ATOMIC_INIT(5);
    unsigned long w = 0;
    unsigned int bit, n = 0;

    CHECK(ffs_ul(0) == 0 && ffs_ul(1) == 1 && ffs_ul(0x80) == 8, "ffs_ul");
    CHECK(fls_ul(0) == 0 && fls_ul(1) == 1 && fls_ul(~0UL) == BITS_PER_LONG, "fls_ul");
    CHECK(fls64(1ULL << 40) == 41 && ffs64(1ULL << 63) == 64, "fls64/ffs64");
    for (int i = 0; i < 1000; i++) {
        uint64_t x = rnd();
        CHECK(hweight64(x) == (unsigned int)__builtin_popcountll(x), "hweight64 %llx",
              (unsigned long long)x);
    }

    CHECK(find_first_bit(bm, 200) == 200 && find_first_zero_bit(bm, 200) == 0, "empty bitmap");
    set_bit(3, bm);
    set_bit(64, bm);
    set_bit(199, bm);
    CHECK(test_bit(64, bm) && !test_bit(65, bm), "test_bit");
    CHECK(find_first_bit(bm, 200) == 3 && find_next_bit(bm, 200, 4) == 64 &&
          find_next_bit(bm, 200, 65) == 199 && find_next_bit(bm, 199, 65) == 199,
          "find_next_bit");
    for_each_set_bit(bit, bm, 200)
        n++;
    CHECK(n == 3 && bitmap_weight(bm, 200) == 3 && bitmap_weight(bm, 199) == 2, "weight");
    CHECK(test_and_clear_bit(64, bm) && !test_and_clear_bit(64, bm), "test_and_clear");
    CHECK(!test_and_set_bit(100, bm) && test_and_set_bit(100, bm), "test_and_set");
    CHECK(find_next_zero_bit(bm, 200, 3) == 4, "find_next_zero_bit");
    __set_bit(5, &w);
    CHECK(__test_and_clear_bit(5, &w) && w == 0, "non-atomic ops");

    CHECK(atomic_inc_return(&a) == 6 && atomic_dec_return(&a) == 5, "inc/dec return");
    CHECK(atomic_cmpxchg(&a, 5, 9) == 5 && atomic_read(&a) == 9, "cmpxchg hit");
    CHECK(atomic_cmpxchg(&a, 5, 1) == 9 && atomic_read(&a) == 9, "cmpxchg miss");
    CHECK(atomic_add_unless(&a, 1, 9) == 9 && atomic_read(&a) == 9, "add_unless blocked");
    CHECK(atomic_add_unless(&a, 1, 0) == 9 && atomic_read(&a) == 10, "add_unless");
    atomic_set(&a, 1);
    CHECK(atomic_dec_and_test(&a), "dec_and_test");
    CHECK(atomic_xchg(&a, 7) == 0 && atomic_read(&a) == 7, "xchg");
}

/* ================================================================ spinlocks */

#define LOCK_THREADS 4
#define LOCK_ROUNDS  20000

static DEFINE_SPINLOCK(test_lock);
static unsigned long shared_counter;
static unsigned long inside;
static atomic_t trylock_wins;

static void *lock_worker(void *arg)
{
    unsigned int cpu = (unsigned int)(uintptr_t)arg;

    fake_set_cpu(cpu);
    for (int i = 0; i < LOCK_ROUNDS; i++) {
        unsigned long flags;

        if (i % 3 == 0) {
            spin_lock_irqsave(&test_lock, flags);
            if (fake_irqs_enabled(cpu))
                __atomic_fetch_add(&inside, 1000000, __ATOMIC_RELAXED);
        } else if (i % 3 == 1) {
            spin_lock_recursive(&test_lock);
            spin_lock_recursive(&test_lock);
        } else {
            while (!spin_trylock(&test_lock))
                arch_cpu_relax();
            atomic_inc(&trylock_wins);
        }
        /* Nobody else may be in here. */
        if (__atomic_fetch_add(&inside, 1, __ATOMIC_RELAXED) != 0)
            __atomic_fetch_add(&inside, 1000000, __ATOMIC_RELAXED);
        shared_counter++;
        __atomic_fetch_sub(&inside, 1, __ATOMIC_RELAXED);

        if (i % 3 == 0) {
            spin_unlock_irqrestore(&test_lock, flags);
        } else if (i % 3 == 1) {
            spin_unlock_recursive(&test_lock);
            spin_unlock_recursive(&test_lock);
        } else {
            spin_unlock(&test_lock);
        }
    }
    return NULL;
}

static void test_spinlock(void)
{
    pthread_t th[LOCK_THREADS];
    unsigned long flags;
    spinlock_t l;

    spin_lock_init(&l);
    CHECK(!spin_is_locked(&l), "fresh lock held");
    CHECK(spin_trylock(&l) && spin_is_locked(&l) && !spin_trylock(&l), "trylock");
    spin_unlock(&l);
    CHECK(!spin_is_locked(&l), "unlock");

    fake_set_irqs(0, true);
    spin_lock_irqsave(&l, flags);
    CHECK(!fake_irqs_enabled(0), "irqsave masks");
    spin_unlock_irqrestore(&l, flags);
    CHECK(fake_irqs_enabled(0), "irqrestore unmasks");
    fake_set_irqs(0, false);
    spin_lock_irqsave(&l, flags);
    spin_unlock_irqrestore(&l, flags);
    CHECK(!fake_irqs_enabled(0), "irqrestore keeps masked");
    fake_set_irqs(0, true);
    spin_lock_irq(&l);
    CHECK(!fake_irqs_enabled(0), "lock_irq");
    spin_unlock_irq(&l);
    CHECK(fake_irqs_enabled(0), "unlock_irq");

    spin_lock_recursive(&l);
    spin_lock_recursive(&l);
    spin_lock_recursive(&l);
    spin_unlock_recursive(&l);
    spin_unlock_recursive(&l);
    CHECK(spin_is_locked(&l), "recursive still held");
    spin_unlock_recursive(&l);
    CHECK(!spin_is_locked(&l) && l.recurse_cpu == SPINLOCK_NO_CPU, "recursive released");

    /* Many wrap-arounds of the 16-bit tickets. */
    for (int i = 0; i < 70000; i++) {
        spin_lock(&l);
        spin_unlock(&l);
    }
    CHECK(!spin_is_locked(&l) && spin_trylock(&l), "after ticket wrap");
    spin_unlock(&l);

    for (unsigned int i = 0; i < LOCK_THREADS; i++)
        pthread_create(&th[i], NULL, lock_worker, (void *)(uintptr_t)i);
    for (unsigned int i = 0; i < LOCK_THREADS; i++)
        pthread_join(th[i], NULL);
    fake_set_cpu(0);
    CHECK(shared_counter == (unsigned long)LOCK_THREADS * LOCK_ROUNDS,
          "lost updates: %lu", shared_counter);
    CHECK(inside == 0, "mutual exclusion or irqsave broken (%lu)", inside);
    CHECK(!spin_is_locked(&test_lock), "lock left held");
}

/* ================================================================ heap helpers */

#define MB(x) ((uint64_t)(x) << 20)
#define PG 4096ULL

static void bi_reset(void)
{
    memset(&bi, 0, sizeof(bi));
    bi.cmdline = "";
}

static void add_mem(uint64_t start, uint64_t size, enum boot_mem_type t)
{
    bi.mem[bi.nr_mem++] = (struct boot_mem_region){ start, size, t };
}

static void add_mod(uint64_t start, uint64_t size)
{
    bi.mods[bi.nr_mods++] = (struct boot_module){ start, size, "module", NULL };
}

/* [s, s+size) with wrap-around treated as reaching the top. */
static bool overlaps(uint64_t s, uint64_t size, uint64_t a, uint64_t b)
{
    uint64_t e = s + size;

    if (size == 0)
        return false;
    if (e < s)
        e = ~0ULL;
    return s < b && a < e;
}

static bool covers(uint64_t s, uint64_t size, uint64_t a, uint64_t b)
{
    uint64_t e = s + size;

    if (size == 0)
        return false;
    if (e < s)
        e = ~0ULL;
    return s <= a && b <= e;
}

/* May the frame at machine address `a` go to the heap, per boot_info.h's rules? */
static bool frame_allowed(uint64_t a)
{
    uint64_t b = a + PG;
    bool ram = false;
    unsigned int nr_mem = bi.nr_mem < BOOT_MEM_MAX ? bi.nr_mem : BOOT_MEM_MAX;

    if (a < bi.dmap_start || (bi.dmap_end && b > bi.dmap_end) || a == 0)
        return false;
    for (unsigned int i = 0; i < nr_mem; i++) {
        const struct boot_mem_region *r = &bi.mem[i];

        if (r->type == BOOT_MEM_RAM && covers(r->start, r->size, a, b))
            ram = true;
        if (r->type != BOOT_MEM_RAM && overlaps(r->start, r->size, a, b))
            return false;
    }
    for (unsigned int i = 0; i < bi.nr_mods; i++)
        if (overlaps(bi.mods[i].start, bi.mods[i].size, a, b))
            return false;
    for (unsigned int i = 0; i < bi.nr_rsv; i++)
        if (overlaps(bi.rsv[i].start, bi.rsv[i].size, a, b))
            return false;
    if (bi.image_end > bi.image_start &&
        overlaps(bi.image_start, bi.image_end - bi.image_start, a, b))
        return false;
    return ram;
}

/* Frames (of the arena) per model state. */
static unsigned char *model;            /* 1 = allowed */
static unsigned char *taken;            /* 1 = handed out */
static size_t arena_frames;

static void model_build(void)
{
    arena_frames = fake_mem_size() / PG;
    free(model);
    free(taken);
    model = calloc(arena_frames, 1);
    taken = calloc(arena_frames, 1);
    for (size_t f = 0; f < arena_frames; f++)
        model[f] = frame_allowed(fake_mem_base() + f * PG);
}

static size_t model_allowed(void)
{
    size_t n = 0;

    for (size_t f = 0; f < arena_frames; f++)
        n += model[f];
    return n;
}

/*
 * Frames of page_info the heap should need: one array per maximal run of
 * RAM (regions rounded inward to pages, clipped to the direct map, then
 * merged) that holds at least one allowed frame.
 */
static size_t model_meta_pages(void)
{
    uint64_t s[BOOT_MEM_MAX], e[BOOT_MEM_MAX];
    unsigned int n = 0, nr_mem = bi.nr_mem < BOOT_MEM_MAX ? bi.nr_mem : BOOT_MEM_MAX;
    uint64_t lo = (bi.dmap_start + PG - 1) & ~(PG - 1);
    uint64_t hi = bi.dmap_end ? bi.dmap_end & ~(PG - 1) : ~0ULL & ~(PG - 1);
    size_t pages = 0;

    for (unsigned int i = 0; i < nr_mem; i++) {
        uint64_t rs = bi.mem[i].start, re = rs + bi.mem[i].size;

        if (bi.mem[i].type != BOOT_MEM_RAM || !bi.mem[i].size || rs >= (~0ULL & ~(PG - 1)))
            continue;
        if (re < rs || re > (~0ULL & ~(PG - 1)))
            re = ~0ULL & ~(PG - 1);
        rs = (rs + PG - 1) & ~(PG - 1);
        re &= ~(PG - 1);
        if (rs < lo) rs = lo;
        if (re > hi) re = hi;
        if (rs < re) {
            s[n] = rs;
            e[n++] = re;
        }
    }
    /* Merge (selection sort is fine for a handful). */
    for (unsigned int i = 0; i < n; i++)
        for (unsigned int j = i + 1; j < n; j++)
            if (s[j] < s[i]) {
                uint64_t t = s[i]; s[i] = s[j]; s[j] = t;
                t = e[i]; e[i] = e[j]; e[j] = t;
            }
    for (unsigned int i = 0; i < n;) {
        uint64_t rs = s[i], re = e[i];
        bool any = false;

        for (i++; i < n && s[i] <= re; i++)
            if (e[i] > re)
                re = e[i];
        for (uint64_t a = rs; a < re; a += PG)
            if (a >= fake_mem_base() && a - fake_mem_base() < fake_mem_size() &&
                model[(a - fake_mem_base()) / PG])
                any = true;
        if (any)
            pages += (((re - rs) / PG) * sizeof(struct page_info) + PG - 1) / PG;
    }
    return pages;
}

static size_t frame_index(mfn_t m)
{
    return (size_t)((mfn_to_maddr(m) - fake_mem_base()) / PG);
}

static bool mfn_in_arena(mfn_t m)
{
    uint64_t a = mfn_to_maddr(m);

    return a >= fake_mem_base() && a - fake_mem_base() < fake_mem_size();
}

static uint64_t *stamp_of(mfn_t m)
{
    return mfn_to_virt(m);
}

/*
 * Allocate order-0 pages until the heap is empty, checking each against the
 * model.  Returns how many; their frame numbers go to *out (malloc'd).
 */
static size_t drain(mfn_t **out)
{
    size_t n = 0, cap = 1024;
    mfn_t *list = malloc(cap * sizeof(*list)), m;

    while (!mfn_eq(m = alloc_pages(0), INVALID_MFN)) {
        if (!mfn_in_arena(m)) {
            CHECK(0, "frame %#llx outside the arena", (unsigned long long)mfn_x(m));
            break;
        }
        CHECK(model[frame_index(m)], "frame %#llx handed out but must be kept",
              (unsigned long long)mfn_x(m));
        CHECK(!taken[frame_index(m)], "frame %#llx handed out twice",
              (unsigned long long)mfn_x(m));
        BAIL_IF_FLOODED();
        taken[frame_index(m)] = 1;
        *stamp_of(m) = mfn_x(m);
        if (n == cap)
            list = realloc(list, (cap *= 2) * sizeof(*list));
        list[n++] = m;
    }
    *out = list;
    return n;
}

static void shuffle(mfn_t *a, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rnd_below(i);
        mfn_t t = a[i - 1];

        a[i - 1] = a[j];
        a[j] = t;
    }
}

static void snapshot_blocks(unsigned long *blocks)
{
    for (unsigned int o = 0; o <= MAX_ORDER; o++)
        blocks[o] = heap_free_blocks(o);
}

static bool same_blocks(const unsigned long *a, const unsigned long *b)
{
    return !memcmp(a, b, sizeof(unsigned long) * (MAX_ORDER + 1));
}

/*
 * The whole-heap check: drain, verify against the model (and that the
 * page_info arrays sit in allowed but unhanded frames), free everything
 * in random order and verify full coalescing.
 */
static void drain_and_refill_opt(const char *what, bool exact)
{
    unsigned long before[MAX_ORDER + 1], after[MAX_ORDER + 1];
    unsigned long free0 = total_free_pages();
    size_t allowed, meta, n;
    mfn_t *list;

    model_build();
    allowed = model_allowed();
    meta = model_meta_pages();
    snapshot_blocks(before);

    n = drain(&list);
    CHECK(n == free0, "%s: drained %zu, free count said %lu", what, n, free0);
    CHECK(total_free_pages() == 0, "%s: free count %lu after drain", what, total_free_pages());
    CHECK(!exact || n + meta == allowed, "%s: %zu handed out + %zu metadata != %zu allowed",
          what, n, meta, allowed);
    CHECK(total_heap_pages() == n, "%s: heap pages %lu vs %zu", what, total_heap_pages(), n);

    /* page_info arrays live in allowed frames that were not handed out. */
    for (size_t i = 0; i < n; i += 97) {
        struct page_info *pg = mfn_to_page(list[i]);
        paddr_t pa = arch_virt_to_maddr(pg);
        size_t f = (size_t)((pa - fake_mem_base()) / PG);

        CHECK(pg && page_state(pg) == PGC_STATE_INUSE, "%s: page state", what);
        CHECK(pa >= fake_mem_base() && f < arena_frames && model[f] && !taken[f],
              "%s: page_info of %#llx at %#llx", what,
              (unsigned long long)mfn_x(list[i]), (unsigned long long)pa);
        CHECK(mfn_eq(page_to_mfn(pg), list[i]), "%s: page_to_mfn", what);
    }

    shuffle(list, n);
    for (size_t i = 0; i < n; i++) {
        CHECK(*stamp_of(list[i]) == mfn_x(list[i]), "%s: page %#llx clobbered", what,
              (unsigned long long)mfn_x(list[i]));
        BAIL_IF_FLOODED();
        free_pages(list[i], 0);
    }
    snapshot_blocks(after);
    CHECK(total_free_pages() == free0, "%s: free count %lu after refill, was %lu",
          what, total_free_pages(), free0);
    CHECK(same_blocks(before, after), "%s: free blocks differ after full coalescing", what);
    free(list);
}

static void drain_and_refill(const char *what)
{
    drain_and_refill_opt(what, true);
}

/* ================================================================ heap tests */

/* A small machine: 64 MiB at 2 GiB with an image, modules, holes. */
static void setup_small_machine(void)
{
    uint64_t base = 0x80000000ULL;

    fake_mem_init(base, MB(64));
    bi_reset();
    add_mem(base, MB(40), BOOT_MEM_RAM);
    add_mem(base + MB(40), MB(1) + 123, BOOT_MEM_RESERVED);   /* unaligned end */
    add_mem(base + MB(40), MB(24), BOOT_MEM_RAM);             /* overlaps the hole */
    add_mem(base + MB(10) + 5, 100, BOOT_MEM_ACPI);           /* inside RAM */
    add_mod(base + MB(20) + 77, MB(3));
    add_mod(base + MB(63), MB(4));                            /* runs past RAM */
    bi.image_start = base + MB(2);
    bi.image_end = base + MB(2) + 300 * 1024 + 1;
    bi.rsv[bi.nr_rsv++] = (struct boot_range){ base + MB(30), PG };
    bi.rsv[bi.nr_rsv++] = (struct boot_range){ base + MB(30) + 2 * PG + 1, 1 };
}

static void test_heap_basic(void)
{
    unsigned int regions;
    mfn_t m;

    setup_small_machine();
    regions = heap_init(&bi);
    CHECK(regions >= 5, "regions %u", regions);
    CHECK(total_free_pages() > 10000 && total_free_pages() < 16384,
          "free pages %lu", total_free_pages());
    drain_and_refill("small machine");

    /* Each order that fits between the holes: aligned, in range, freed back. */
    for (unsigned int o = 0; o <= 11; o++) {
        unsigned long before = total_free_pages();

        m = alloc_pages(o);
        CHECK(!mfn_eq(m, INVALID_MFN), "order %u failed", o);
        if (mfn_eq(m, INVALID_MFN))
            continue;
        CHECK(!(mfn_x(m) & ((1ULL << o) - 1)), "order %u misaligned %#llx", o,
              (unsigned long long)mfn_x(m));
        CHECK(total_free_pages() == before - (1UL << o), "order %u count", o);
        free_pages(m, o);
        CHECK(total_free_pages() == before, "order %u free count", o);
    }
    CHECK(mfn_eq(alloc_pages(MAX_ORDER + 1), INVALID_MFN), "order above MAX_ORDER");
    CHECK(mfn_eq(alloc_pages(12), INVALID_MFN), "no free aligned 16 MiB in this layout");

    /* Xenheap helpers round-trip through the direct map. */
    {
        unsigned char *p = alloc_xenheap_pages(2);

        CHECK(p && ((uintptr_t)p & (4 * PG - 1)) == ((uintptr_t)fake_mem_arena() & (4 * PG - 1)),
              "xenheap alignment");
        memset(p, 0x5a, 4 * PG);
        CHECK(mfn_eq(virt_to_mfn(p), maddr_to_mfn(arch_virt_to_maddr(p))), "virt_to_mfn");
        CHECK(page_to_virt(virt_to_page(p + 3 * PG)) == p + 3 * PG, "page_to_virt");
        free_xenheap_pages(p, 2);
        free_xenheap_pages(NULL, 3);
    }
    CHECK(mfn_to_page(_mfn(0)) == NULL && !mfn_valid(maddr_to_mfn(0x80000000ULL + MB(64))),
          "frames outside RAM have no page_info");
    CHECK(mfn_valid(maddr_to_mfn(0x80000000ULL + MB(2))), "image frames have a page_info");
}

static void test_heap_bad_frees(void)
{
    uint64_t base = 0x80000000ULL;
    unsigned long before;
    static mfn_t m, m2;     /* static: survives the longjmp()s below */

    setup_small_machine();
    heap_init(&bi);
    before = total_free_pages();
    fake_printk_quiet(true);

    m = alloc_pages(2);
    free_pages(m, 2);
    CHECK(FAKE_EXPECT_PANIC(free_pages(m, 2)), "double free not caught");
    CHECK(FAKE_EXPECT_PANIC(free_pages(m, 0)), "double free of part not caught");
    CHECK(free_pages_checked(m, 2) == -EINVAL, "checked double free");

    m = alloc_pages(2);
    CHECK(FAKE_EXPECT_PANIC(free_pages(mfn_add(m, 1), 1)), "misaligned free not caught");
    CHECK(FAKE_EXPECT_PANIC(free_pages(m, 3)), "free beyond allocation not caught");
    CHECK(FAKE_EXPECT_PANIC(free_pages(m, MAX_ORDER + 1)), "order above MAX_ORDER");
    CHECK(free_pages_checked(m, MAX_ORDER + 1) == -EINVAL, "checked huge order");
    CHECK(FAKE_EXPECT_PANIC(free_pages(maddr_to_mfn(base + MB(2)), 0)), "image frame freed");
    CHECK(FAKE_EXPECT_PANIC(free_pages(maddr_to_mfn(base + MB(64)), 0)), "frame past RAM");
    CHECK(FAKE_EXPECT_PANIC(free_pages(INVALID_MFN, 0)), "INVALID_MFN freed");
    CHECK(free_pages_checked(maddr_to_mfn(base + MB(20) + PG), 0) == -EINVAL, "module frame");
    CHECK(free_pages_checked(_mfn(0), 0) == -EINVAL, "frame 0");
    CHECK(total_free_pages() == before - 4, "bad frees changed the count");
    /* Frees in pieces are fine. */
    CHECK(free_pages_checked(mfn_add(m, 2), 1) == 0, "checked partial free");
    free_pages(m, 0);
    free_pages(mfn_add(m, 1), 0);
    CHECK(total_free_pages() == before, "pieces did not add up");

    m = alloc_pages(0);
    m2 = alloc_pages(0);
    CHECK(FAKE_EXPECT_PANIC(free_xenheap_pages((char *)mfn_to_virt(m) + 8, 0)),
          "unaligned xenheap free");
    free_pages(m, 0);
    free_pages(m2, 0);
    CHECK(total_free_pages() == before, "count after xenheap checks");
    fake_printk_quiet(false);
    drain_and_refill("after bad frees");
}

/* Orders 0..MAX_ORDER on a machine big enough for a MAX_ORDER block. */
static void test_heap_every_order(void)
{
    uint64_t base = 0x40000000ULL, size = (PG << MAX_ORDER) + MB(64);
    unsigned long full;
    size_t nbig = 0;
    mfn_t m;

    fake_mem_init(base, size);
    bi_reset();
    add_mem(base, size, BOOT_MEM_RAM);
    bi.image_start = base + (PG << MAX_ORDER) + MB(32);
    bi.image_end = bi.image_start + MB(1);
    heap_init(&bi);
    full = total_free_pages();

    for (unsigned int o = 0; o <= MAX_ORDER; o++) {
        m = alloc_pages(o);
        CHECK(!mfn_eq(m, INVALID_MFN), "order %u failed", o);
        if (mfn_eq(m, INVALID_MFN))
            continue;
        CHECK(!(mfn_x(m) & ((1ULL << o) - 1)), "order %u misaligned", o);
        /* First and last page of the block are usable memory. */
        *stamp_of(m) = 1;
        *stamp_of(mfn_add(m, (1ULL << o) - 1)) = 2;
        free_pages(m, o);
        CHECK(total_free_pages() == full, "order %u: count not restored", o);
    }
    CHECK(heap_free_blocks(MAX_ORDER) == 1, "one MAX_ORDER block expected, %lu",
          heap_free_blocks(MAX_ORDER));

    /* Exhaustion: largest blocks first, then everything else. */
    while (!mfn_eq(m = alloc_pages(MAX_ORDER), INVALID_MFN))
        nbig++;
    CHECK(nbig == 1, "%zu MAX_ORDER blocks", nbig);
    for (int o = MAX_ORDER; o >= 0; o--)
        while (!mfn_eq(alloc_pages((unsigned int)o), INVALID_MFN))
            ;
    CHECK(total_free_pages() == 0, "not exhausted: %lu", total_free_pages());
    for (unsigned int o = 0; o <= MAX_ORDER; o++)
        CHECK(mfn_eq(alloc_pages(o), INVALID_MFN), "order %u after exhaustion", o);
    fake_mem_release();
}

/* Fragmentation: free every other page, then the rest. */
static void test_heap_fragmentation(void)
{
    unsigned long before[MAX_ORDER + 1], after[MAX_ORDER + 1], full;
    uint64_t base = 0x100000000ULL;
    mfn_t *pages, m;
    size_t n = 0;

    fake_mem_init(base, MB(16));
    bi_reset();
    add_mem(base, MB(16), BOOT_MEM_RAM);
    heap_init(&bi);
    full = total_free_pages();
    snapshot_blocks(before);
    pages = malloc(full * sizeof(*pages));

    while (!mfn_eq(m = alloc_pages(0), INVALID_MFN))
        pages[n++] = m;
    CHECK(n == full, "drain %zu of %lu", n, full);
    for (size_t i = 0; i < n; i++)
        if (mfn_x(pages[i]) & 1)
            free_pages(pages[i], 0);
    CHECK(heap_free_blocks(0) == total_free_pages() && total_free_pages() > 0,
          "odd frames should stay single: %lu blocks, %lu free", heap_free_blocks(0),
          total_free_pages());
    CHECK(mfn_eq(alloc_pages(1), INVALID_MFN), "order 1 from a checkerboard");
    for (size_t i = 0; i < n; i++)
        if (!(mfn_x(pages[i]) & 1))
            free_pages(pages[i], 0);
    snapshot_blocks(after);
    CHECK(total_free_pages() == full && same_blocks(before, after), "checkerboard coalescing");

    /* Orders mixed: grab order-3 blocks, free their halves and quarters separately. */
    n = 0;
    while (!mfn_eq(m = alloc_pages(3), INVALID_MFN))
        pages[n++] = m;
    for (size_t i = 0; i < n; i++) {
        free_pages(mfn_add(pages[i], 4), 2);
        free_pages(mfn_add(pages[i], 2), 1);
    }
    CHECK(heap_free_blocks(2) + heap_free_blocks(1) > 0 && mfn_eq(alloc_pages(3), INVALID_MFN),
          "no order-3 block while every first quarter is held");
    for (size_t i = 0; i < n; i++)
        free_pages(pages[i], 1);
    snapshot_blocks(after);
    CHECK(total_free_pages() == full && same_blocks(before, after), "mixed-order coalescing");
    free(pages);
    fake_mem_release();
}

/* Random boot descriptions against the model. */
static void random_machine(void)
{
    static const uint64_t bases[] = { 0, 0x40000000ULL, 0x100003000ULL, 0x7ff000ULL };
    uint64_t base = bases[rnd_below(4)], size = MB(4) + PG * rnd_below(1024);
    unsigned int nram = 1 + (unsigned int)rnd_below(5);

    fake_mem_init(base, size);
    bi_reset();
    for (unsigned int i = 0; i < nram; i++) {
        uint64_t s = base + rnd_below(size), len = rnd_below(base + size - s) + 1;

        if (rnd_below(3) == 0) {            /* page aligned */
            s &= ~(PG - 1);
            len = (len + PG - 1) & ~(PG - 1);
            if (s + len > base + size)
                len = base + size - s;
        }
        add_mem(s, len, BOOT_MEM_RAM);
    }
    if (rnd_below(4) == 0)
        add_mem(base + rnd_below(size), 0, BOOT_MEM_RAM);            /* empty */
    for (unsigned int i = (unsigned int)rnd_below(8); i; i--)
        add_mem(base + rnd_below(size + MB(1)) - (rnd_below(2) ? MB(1) : 0),
                rnd_below(MB(1)), BOOT_MEM_RESERVED + (enum boot_mem_type)rnd_below(5));
    for (unsigned int i = (unsigned int)rnd_below(4); i; i--)
        add_mod(base + rnd_below(size), rnd_below(MB(2)));
    for (unsigned int i = (unsigned int)rnd_below(4); i; i--)
        bi.rsv[bi.nr_rsv++] = (struct boot_range){ base + rnd_below(size), rnd_below(MB(1)) };
    if (rnd_below(2)) {
        bi.image_start = base + rnd_below(size);
        bi.image_end = bi.image_start + rnd_below(MB(1));
    }
    if (rnd_below(6) == 0)                  /* a hole that wraps the address space */
        add_mem(~0ULL - MB(1), MB(3), BOOT_MEM_RESERVED);
    if (rnd_below(4) == 0) {                /* a direct map narrower than RAM */
        bi.dmap_start = base + rnd_below(size / 2);
        bi.dmap_end = bi.dmap_start + rnd_below(size / 2) + 1;
    }
    if (rnd_below(8) == 0) {                /* RAM that runs off the end, clipped */
        add_mem(base + size - MB(1), ~0ULL, BOOT_MEM_RAM);
        if (!bi.dmap_end || bi.dmap_end > base + size)
            bi.dmap_end = base + size;
    }
}

static void test_heap_random_layouts(void)
{
    unsigned int left_out = 0;

    fake_printk_quiet(true);
    for (int iter = 0; iter < 150; iter++) {
        unsigned long warned = fake_printk_count("heap:");
        char what[32];
        bool exact;

        random_machine();
        heap_init(&bi);
        /* A bank whose frame table fits nowhere is left out (and said so). */
        exact = fake_printk_count("heap:") == warned;
        left_out += !exact;
        snprintf(what, sizeof(what), "layout %d", iter);
        drain_and_refill_opt(what, exact);
        BAIL_IF_FLOODED();
    }
    fake_printk_quiet(false);
    CHECK(left_out < 10, "%u of 150 layouts left a bank out", left_out);
    fake_mem_release();
}

/* Many RAM entries, more than fit, and degenerate ones. */
static void test_heap_odd_boot_info(void)
{
    uint64_t base = 0x200000000ULL;

    fake_mem_init(base, MB(8));
    bi_reset();
    for (unsigned int i = 0; i < BOOT_MEM_MAX; i++)
        add_mem(base + i * 2 * 8 * PG, 8 * PG, BOOT_MEM_RAM);      /* 128 banks */
    heap_init(&bi);
    drain_and_refill("128 banks");
    bi.nr_mem = BOOT_MEM_MAX + 50;          /* a corrupt count is clamped */
    bi.nr_mods = 1000;
    bi.nr_rsv = 1000;
    heap_init(&bi);
    CHECK(total_free_pages() > 0, "clamped counts");
    bi.nr_mods = bi.nr_rsv = 0;

    /* No RAM at all, or only RAM that is all kept. */
    bi_reset();
    CHECK(heap_init(&bi) == 0 && total_free_pages() == 0, "no RAM");
    CHECK(mfn_eq(alloc_pages(0), INVALID_MFN), "alloc with no RAM");
    add_mem(base, MB(8), BOOT_MEM_RAM);
    add_mod(base, MB(8));
    CHECK(heap_init(&bi) == 0 && total_free_pages() == 0, "all RAM kept");
    /* RAM too fragmented for its own frame table: left out, with a warning. */
    bi_reset();
    add_mem(base, MB(8), BOOT_MEM_RAM);
    for (unsigned int i = 0; i < BOOT_MEM_MAX - 1; i++)
        add_mem(base + i * 16 * PG, PG, BOOT_MEM_RESERVED);
    bi.rsv[bi.nr_rsv++] = (struct boot_range){ base + 2032 * PG, PG };
    {
        unsigned long warned = fake_printk_count("heap:");

        fake_printk_quiet(true);
        CHECK(heap_init(&bi) == 0 && total_free_pages() == 0, "fragmented bank used");
        fake_printk_quiet(false);
        CHECK(fake_printk_count("heap:") == warned + 1, "no warning for the left-out bank");
    }
    /* ... while a second, healthy bank still works. */
    bi.nr_mem--;
    fake_mem_init(base, MB(16));
    add_mem(base + MB(12), MB(4), BOOT_MEM_RAM);
    fake_printk_quiet(true);
    heap_init(&bi);
    fake_printk_quiet(false);
    CHECK(total_free_pages() > 900, "healthy bank: %lu pages", total_free_pages());
    fake_mem_release();
}

/* heap_release_range(): boot-kept frames join the heap later. */
static void test_heap_release(void)
{
    uint64_t base = 0x80000000ULL;
    unsigned long before, added;
    mfn_t *list;
    size_t n;

    setup_small_machine();
    heap_init(&bi);
    before = total_free_pages();
    /* The module at base+20M+77 (3 MiB): frames [20M, 23M+77) are kept. */
    added = heap_release_range(base + MB(20), base + MB(23) + PG);
    CHECK(added == (MB(3) + PG) / PG, "released %lu frames", added);
    CHECK(total_free_pages() == before + added, "free count after release");
    CHECK(heap_release_range(base + MB(20), base + MB(23)) == 0, "released twice");
    /* Everything: the frame table itself must stay out. */
    added = heap_release_range(0, ~0ULL);
    CHECK(added > 0, "release all");

    /* The model now: all RAM frames except the frame table's. */
    bi.nr_mods = 0;
    bi.nr_rsv = 0;
    bi.image_end = bi.image_start = 0;
    bi.nr_mem = 1;                          /* RAM [base, base+40M) */
    add_mem(base + MB(40), MB(24), BOOT_MEM_RAM);
    model_build();
    n = drain(&list);
    CHECK(n + model_meta_pages() == model_allowed(),
          "after release-all: %zu + %zu != %zu", n, model_meta_pages(), model_allowed());
    for (size_t i = 0; i < n; i++)
        free_pages(list[i], 0);
    free(list);
    fake_mem_release();
}

/* Random alloc/free against a shadow of allocated frames. */
static void test_heap_stress(void)
{
    struct blk { mfn_t m; unsigned int order; } *live;
    size_t nlive = 0, cap = 100000;
    uint64_t base = 0x40000000ULL;
    unsigned long full, held = 0;

    fake_mem_init(base, MB(32));
    bi_reset();
    add_mem(base, MB(32), BOOT_MEM_RAM);
    add_mem(base + MB(7) + 3 * PG, 5 * PG, BOOT_MEM_RESERVED);
    bi.image_start = base + MB(1);
    bi.image_end = base + MB(2);
    heap_init(&bi);
    model_build();
    full = total_free_pages();
    live = malloc(cap * sizeof(*live));

    for (int op = 0; op < 60000; op++) {
        if (nlive && (rnd_below(100) < 45 || nlive == cap)) {
            size_t i = rnd_below(nlive);
            struct blk b = live[i];

            for (uint64_t k = 0; k < (1ULL << b.order); k++) {
                mfn_t p = mfn_add(b.m, k);

                CHECK(*stamp_of(p) == mfn_x(p), "stamp of %#llx clobbered",
                      (unsigned long long)mfn_x(p));
                taken[frame_index(p)] = 0;
            }
            free_pages(b.m, b.order);
            held -= 1UL << b.order;
            live[i] = live[--nlive];
        } else {
            unsigned int order = rnd_below(10) ? (unsigned int)rnd_below(4)
                                               : (unsigned int)rnd_below(11);
            mfn_t m = alloc_pages(order);

            if (mfn_eq(m, INVALID_MFN)) {
                CHECK(total_free_pages() < (1UL << order) ||
                      heap_free_blocks(order) == 0, "spurious failure at order %u", order);
                continue;
            }
            CHECK(!(mfn_x(m) & ((1ULL << order) - 1)), "misaligned order %u", order);
            for (uint64_t k = 0; k < (1ULL << order); k++) {
                mfn_t p = mfn_add(m, k);
                size_t f = frame_index(p);

                CHECK(mfn_in_arena(p) && model[f] && !taken[f],
                      "frame %#llx bad or handed out twice", (unsigned long long)mfn_x(p));
                taken[f] = 1;
                *stamp_of(p) = mfn_x(p);
            }
            held += 1UL << order;
            live[nlive++] = (struct blk){ m, order };
        }
        CHECK(total_free_pages() == full - held, "count drift at op %d", op);
        if (op % 5000 == 0) {
            /* Random bogus frees are refused and change nothing. */
            for (int k = 0; k < 50; k++) {
                mfn_t bogus = maddr_to_mfn(base + rnd_below(MB(32)));
                unsigned int o = (unsigned int)rnd_below(4);
                bool all_taken = !(mfn_x(bogus) & ((1ULL << o) - 1));

                for (uint64_t j = 0; all_taken && j < (1ULL << o); j++) {
                    size_t f = frame_index(mfn_add(bogus, j));
                    all_taken = f < arena_frames && taken[f];
                }
                if (!all_taken)
                    CHECK(free_pages_checked(bogus, o) == -EINVAL, "bogus free accepted");
            }
        }
        BAIL_IF_FLOODED();
    }
    while (nlive) {
        nlive--;
        free_pages(live[nlive].m, live[nlive].order);
    }
    CHECK(total_free_pages() == full, "stress: count not restored");
    free(live);
    drain_and_refill("after stress");
    fake_mem_release();
}

/* ================================================================ xmalloc */

struct odd {
    char c;
    long double ld;
};

static void test_xmalloc(void)
{
    struct alloc { unsigned char *p; size_t size; unsigned char fill; } *live;
    size_t nlive = 0, cap = 4000;
    unsigned long full;
    void *p, *q, *keep;

    fake_mem_init(0x80000000ULL, MB(32));
    bi_reset();
    add_mem(0x80000000ULL, MB(32), BOOT_MEM_RAM);
    heap_init(&bi);
    xmalloc_init();
    full = total_free_pages();
    live = malloc(cap * sizeof(*live));

    /* Sizes, alignment, no overlap (fill patterns survive), across classes. */
    for (int op = 0; op < 40000; op++) {
        if (nlive && (rnd_below(2) || nlive == cap)) {
            size_t i = rnd_below(nlive);
            struct alloc a = live[i];
            bool ok = true;

            for (size_t k = 0; k < a.size; k++)
                ok &= a.p[k] == a.fill;
            CHECK(ok, "object %p (%zu bytes) overwritten", (void *)a.p, a.size);
            xfree(a.p);
            live[i] = live[--nlive];
        } else {
            size_t size = rnd_below(8) ? rnd_below(300) :
                          rnd_below(4) ? rnd_below(5000) : rnd_below(40000);
            size_t align = rnd_below(3) ? 0 : (size_t)1 << rnd_below(14);
            unsigned char *a = _xmalloc(size, align);

            CHECK(a != NULL, "xmalloc(%zu, %zu) failed", size, align);
            if (!a)
                continue;
            CHECK(!align || !((uintptr_t)a & (align - 1)), "xmalloc(%zu, %zu) = %p misaligned",
                  size, align, (void *)a);
            CHECK(size < 16 || !((uintptr_t)a & 15), "xmalloc(%zu) not 16-aligned", size);
            live[nlive].p = a;
            live[nlive].size = size;
            live[nlive].fill = (unsigned char)(rnd() | 1);
            memset(a, live[nlive].fill, size);
            nlive++;
        }
        BAIL_IF_FLOODED();
    }
    while (nlive)
        xfree(live[--nlive].p);
    CHECK(xmalloc_pages() == 0, "xmalloc still holds %lu pages", xmalloc_pages());
    CHECK(total_free_pages() == full, "xmalloc leaked %lu pages", full - total_free_pages());

    /* Typed helpers. */
    {
        struct odd *o = xmalloc(struct odd);
        uint32_t *arr = xzalloc_array(uint32_t, 1000);
        bool zero = true;

        CHECK(o && !((uintptr_t)o & (__alignof__(struct odd) - 1)), "xmalloc(type) alignment");
        for (int i = 0; arr && i < 1000; i++)
            zero &= arr[i] == 0;
        CHECK(arr && zero, "xzalloc_array not zeroed");
        xfree(o);
        xfree(arr);
    }
    /* Zeroing of recycled memory. */
    for (int i = 0; i < 100; i++) {
        unsigned char *d = xmalloc_bytes(64), *z;
        bool zero = true;

        memset(d, 0xff, 64);
        xfree(d);
        z = xzalloc_bytes(64);
        for (int k = 0; k < 64; k++)
            zero &= z[k] == 0;
        CHECK(zero, "xzalloc_bytes not zeroed");
        xfree(z);
    }

    /* Overflow and nonsense. */
    CHECK(xmalloc_array(uint64_t, SIZE_MAX / 4) == NULL, "array overflow not refused");
    CHECK(_xzalloc_array(SIZE_MAX / 2 + 1, 0, 2) == NULL, "zalloc array overflow");
    CHECK(_xmalloc(SIZE_MAX, 0) == NULL, "SIZE_MAX bytes");
    CHECK(_xmalloc(64, 3) == NULL, "non-power-of-two alignment");
    p = _xmalloc(0, 0);
    CHECK(p != NULL, "xmalloc(0)");
    xfree(p);
    xfree(NULL);

    /* Bad frees panic. */
    fake_printk_quiet(true);
    keep = xmalloc_bytes(40);
    p = xmalloc_bytes(40);
    q = xmalloc_bytes(40);
    xfree(p);
    CHECK(FAKE_EXPECT_PANIC(xfree(p)), "slab double free not caught");
    CHECK(FAKE_EXPECT_PANIC(xfree((char *)q + 8)), "interior slab pointer not caught");
    CHECK(FAKE_EXPECT_PANIC(xfree((char *)((uintptr_t)q & ~(PG - 1)) + 63 * 64)),
          "uncarved slab object not caught");
    /* Data that looks like a free cookie is not a double free. */
    xfree(q);
    {
        uintptr_t cookie = ((uintptr_t *)q)[1];     /* what xfree left there */
        uintptr_t *r = xmalloc_bytes(40);

        CHECK((void *)r == q, "freed object not reused first");
        r[0] = 0;
        r[1] = cookie;
        CHECK(!FAKE_EXPECT_PANIC(xfree(r)), "cookie-like data taken for a double free");
    }
    xfree(keep);
    p = _xmalloc(3 * 4096, 0);
    CHECK(FAKE_EXPECT_PANIC(xfree((char *)p + 4096)), "interior large pointer not caught");
    xfree(p);
    CHECK(FAKE_EXPECT_PANIC(xfree(p)), "large double free not caught");
    {
        static char not_heap[64];
        void *pg = alloc_xenheap_page();

        CHECK(FAKE_EXPECT_PANIC(xfree(not_heap)), "non-heap pointer not caught");
        CHECK(FAKE_EXPECT_PANIC(xfree(pg)), "plain heap page not caught");
        free_xenheap_page(pg);
    }
    fake_printk_quiet(false);
    CHECK(xmalloc_pages() == 0 && total_free_pages() == full, "after bad frees");

    /* Exhaustion: NULL, no crash, and everything comes back. */
    nlive = 0;
    while (nlive < cap && (p = _xmalloc(MB(1), 0)) != NULL)
        live[nlive++].p = p;
    CHECK(nlive > 0 && nlive < 32, "MiB allocations: %zu", nlive);
    while (nlive < cap && (p = xmalloc_bytes(1000)) != NULL)
        live[nlive++].p = p;
    CHECK(nlive < cap && xmalloc_bytes(16) == NULL && total_free_pages() == 0,
          "small allocations after exhaustion");
    while (nlive)
        xfree(live[--nlive].p);
    CHECK(xmalloc_pages() == 0 && total_free_pages() == full, "exhaustion leaked");
    free(live);
    fake_mem_release();
}

int main(void)
{
    fake_reset();
    test_list();
    test_bitops_atomics();
    test_spinlock();
    test_heap_basic();
    test_heap_bad_frees();
    test_heap_every_order();
    test_heap_fragmentation();
    test_heap_random_layouts();
    test_heap_odd_boot_info();
    test_heap_release();
    test_heap_stress();
    test_xmalloc();
    printf("mm: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
