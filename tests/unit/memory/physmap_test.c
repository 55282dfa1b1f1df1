/*
 * Host tests of memory_op's page-moving operations (xen/common/memory.c):
 * reservations, continuations, foreign mappings and their references,
 * remove_from_physmap and acquire_resource, under ASan and UBSan.
 *
 * Linked with the real domain code, page allocator, xmalloc, scheduler,
 * grant tables and default XSM policy over tests/unit/fake_arch, so every
 * page a domain gets is a real heap page and the free page count tells
 * whether destruction returned everything.  Faked here: guest memory
 * (hypercall arguments are host pointers, except one unmapped area), a
 * p2m per domain that keeps the reference contract of xen/p2m.h for
 * foreign entries, preemption, continuations and the event-channel hooks.
 * Built for Arm (dom0 direct-mapped); see memory.t.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "hypercall_env.h"
#include <xen/boot_info.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/xmalloc.h>
#include <public/memory.h>

#include "fake_arch.h"

#include "../check.h"

#define CHECK_EQ(expr, want) do {                               \
    long v_ = (long)(expr), w_ = (long)(want);                  \
    CHECK(v_ == w_, "%s = %ld, expected %ld", #expr, v_, w_);   \
} while (0)

/* ================================================================ guest memory */

static unsigned char bad_area[8192] __attribute__((aligned(4096)));
#define BAD ((void *)bad_area)

static unsigned long clip(uint64_t va, unsigned long len)
{
    uint64_t a = (uint64_t)(uintptr_t)bad_area;

    if (va < a + sizeof(bad_area) && va + len > a)
        return va < a ? (unsigned long)(a - va) : 0;
    return len;
}

unsigned long arch_copy_to_guest(uint64_t guest_va, const void *src, unsigned long len)
{
    unsigned long ok = clip(guest_va, len);

    memcpy((void *)(uintptr_t)guest_va, src, ok);
    return len - ok;
}

unsigned long arch_copy_from_guest(void *dst, uint64_t guest_va, unsigned long len)
{
    unsigned long ok = clip(guest_va, len);

    memcpy(dst, (const void *)(uintptr_t)guest_va, ok);
    return len - ok;
}

/* ================================================================ p2m */

#define P2M_GFN_LIMIT   (1ULL << 28)
#define P2M_BUCKETS     4096

struct p2m_ent {
    struct p2m_ent *next;
    struct domain *d;
    uint64_t gfn;
    mfn_t mfn;
    p2m_type_t t;
};

static struct p2m_ent *p2m_hash[P2M_BUCKETS];
static pthread_mutex_t p2m_mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned long foreign_puts;      /* references the p2m dropped */

static unsigned int bucket(const struct domain *d, uint64_t gfn)
{
    return (unsigned int)(((uintptr_t)d >> 4) ^ (gfn * 2654435761u)) % P2M_BUCKETS;
}

static struct p2m_ent **p2m_find(struct domain *d, uint64_t gfn)
{
    struct p2m_ent **pp = &p2m_hash[bucket(d, gfn)];

    for (; *pp; pp = &(*pp)->next)
        if ((*pp)->d == d && (*pp)->gfn == gfn)
            return pp;
    return pp;
}

/* An entry goes: a foreign one gives its page reference back (the contract). */
static void ent_gone(struct p2m_ent *e)
{
    if (p2m_is_foreign(e->t)) {
        foreign_puts++;
        put_page(mfn_to_page(e->mfn));
    }
}

static void ent_free(struct p2m_ent **pp)
{
    struct p2m_ent *e = *pp;

    *pp = e->next;
    ent_gone(e);
    free(e);
}

int p2m_init(struct domain *d)
{
    (void)d;
    return 0;
}

static void p2m_drop(struct domain *d)
{
    pthread_mutex_lock(&p2m_mutex);
    for (unsigned int b = 0; b < P2M_BUCKETS; b++) {
        struct p2m_ent **pp = &p2m_hash[b];

        while (*pp) {
            if ((*pp)->d == d)
                ent_free(pp);
            else
                pp = &(*pp)->next;
        }
    }
    pthread_mutex_unlock(&p2m_mutex);
}

void p2m_teardown(struct domain *d)
{
    p2m_drop(d);
}

void fake_arch_domain_destroy(struct domain *d);
void arch_domain_destroy(struct domain *d)
{
    p2m_drop(d);
    fake_arch_domain_destroy(d);
}

int p2m_map_range(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned long nr, p2m_type_t t)
{
    if (t == p2m_invalid || nr > P2M_GFN_LIMIT || gfn_x(gfn) > P2M_GFN_LIMIT - nr ||
        (p2m_is_foreign(t) && nr != 1))
        return -EINVAL;
    pthread_mutex_lock(&p2m_mutex);
    for (unsigned long i = 0; i < nr; i++) {
        struct p2m_ent **pp = p2m_find(d, gfn_x(gfn) + i);

        if (!*pp) {
            *pp = calloc(1, sizeof(**pp));
            (*pp)->d = d;
            (*pp)->gfn = gfn_x(gfn) + i;
        } else {
            ent_gone(*pp);
        }
        (*pp)->mfn = mfn_add(mfn, i);
        (*pp)->t = t;
    }
    pthread_mutex_unlock(&p2m_mutex);
    return 0;
}

int p2m_unmap_range(struct domain *d, gfn_t gfn, unsigned long nr)
{
    if (nr > P2M_GFN_LIMIT || gfn_x(gfn) > P2M_GFN_LIMIT - nr)
        return -EINVAL;
    pthread_mutex_lock(&p2m_mutex);
    for (unsigned long i = 0; i < nr; i++) {
        struct p2m_ent **pp = p2m_find(d, gfn_x(gfn) + i);

        if (*pp)
            ent_free(pp);
    }
    pthread_mutex_unlock(&p2m_mutex);
    return 0;
}

int p2m_remove_page(struct domain *d, gfn_t gfn, mfn_t mfn)
{
    struct p2m_ent **pp;
    int rc = 0;

    if (gfn_x(gfn) >= P2M_GFN_LIMIT)
        return -EINVAL;
    pthread_mutex_lock(&p2m_mutex);
    pp = p2m_find(d, gfn_x(gfn));
    if (!*pp)
        rc = -ENOENT;
    else if (!mfn_eq((*pp)->mfn, mfn))
        rc = -EILSEQ;
    else
        ent_free(pp);
    pthread_mutex_unlock(&p2m_mutex);
    return rc;
}

mfn_t p2m_lookup(struct domain *d, gfn_t gfn, p2m_type_t *t)
{
    struct p2m_ent *e;
    mfn_t m = INVALID_MFN;

    if (t)
        *t = p2m_invalid;
    pthread_mutex_lock(&p2m_mutex);
    e = *p2m_find(d, gfn_x(gfn));
    if (e) {
        m = e->mfn;
        if (t)
            *t = e->t;
    }
    pthread_mutex_unlock(&p2m_mutex);
    return m;
}

bool p2m_max_mapped_gfn(struct domain *d, uint64_t *gfn)
{
    (void)d;
    *gfn = 0;
    return true;
}

static unsigned int p2m_entries(struct domain *d)
{
    unsigned int n = 0;

    pthread_mutex_lock(&p2m_mutex);
    for (unsigned int b = 0; b < P2M_BUCKETS; b++)
        for (struct p2m_ent *e = p2m_hash[b]; e; e = e->next)
            if (!d || e->d == d)
                n++;
    pthread_mutex_unlock(&p2m_mutex);
    return n;
}

static bool maps(struct domain *d, uint64_t gfn, mfn_t m, p2m_type_t t)
{
    p2m_type_t got;

    return mfn_eq(p2m_lookup(d, _gfn(gfn), &got), m) && got == t;
}

/* ================================================================ preemption, events */

/* Pending "softirqs": never, always, or every `preempt_every`-th look. */
static unsigned long preempt_every, preempt_looks;

bool test_softirq_pending(unsigned int cpu)
{
    (void)cpu;
    if (!preempt_every)
        return false;
    return ++preempt_looks % preempt_every == 0;
}

/* Continuations are recorded in fake_cont (fake_arch.c). */

/* The event-channel stand-ins are in tests/unit/fake_arch/fake_evtchn.c. */

/* ================================================================ machine, domains */

#define MEM_BASE    0x40000000ULL
#define MEM_SIZE    (64UL << 20)

static struct boot_info bi;
static unsigned long base_free;

static void setup(void)
{
    fake_reset();
    fake_domain_reset();
    fake_printk_quiet(true);
    fake_mem_init(MEM_BASE, MEM_SIZE);
    memset(&bi, 0, sizeof(bi));
    bi.mem[bi.nr_mem++] = (struct boot_mem_region){ MEM_BASE, MEM_SIZE, BOOT_MEM_RAM };
    bi.image_start = MEM_BASE;
    bi.image_end = MEM_BASE + (1 << 20);
    heap_init(&bi);
    xmalloc_init();
    softirq_init();
    timer_init();
    smp_init();
    scheduler_init();
    fake_set_cpu(0);
    fake_clock_set(1000000);
    base_free = total_free_pages();
}

static struct domain *mkdom(domid_t id, int grant_frames)
{
    struct xen_domctl_createdomain c;
    struct domain *d;
    int err = 0;

    memset(&c, 0, sizeof(c));
    c.max_vcpus = 1;
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c.max_grant_frames = grant_frames;
    c.max_maptrack_frames = -1;
    c.grant_opts = XEN_DOMCTL_GRANT_version(1);
    c.max_evtchn_port = 1023;
    d = domain_create(id, &c, id == 0, &err);
    if (!d || !vcpu_create(d, 0)) {
        printf("domain_create(%u): %d\n", id, err);
        exit(1);
    }
    return d;
}

static void kill_dom(struct domain *d)
{
    per_cpu(curr_vcpu, fake_get_cpu()) = idle_vcpu[fake_get_cpu()];
    domain_kill(d);
}

static void check_no_leaks(const char *what)
{
    CHECK(total_free_pages() == base_free, "%s: %lu pages free, expected %lu", what,
          total_free_pages(), base_free);
    CHECK(p2m_entries(NULL) == 0, "%s: %u p2m entries left", what, p2m_entries(NULL));
}

/* dom0's RAM: a page of its own at gfn == mfn (it is direct-mapped). */
static mfn_t dom0_page(struct domain *d0)
{
    struct page_info *pg = alloc_domheap_pages(d0, 0);
    mfn_t m;

    if (!pg)
        abort();
    m = page_to_mfn(pg);
    if (p2m_map_range(d0, _gfn(mfn_x(m)), m, 1, p2m_ram_rw))
        abort();
    return m;
}

static unsigned long refs(mfn_t m)
{
    return read_atomic(&mfn_to_page(m)->count);
}

/* ================================================================ hypercalls */

static long mop(struct domain *caller, unsigned long cmd, void *arg)
{
    XEN_GUEST_HANDLE_PARAM(void) h;
    unsigned int cpu = fake_get_cpu();
    struct vcpu *saved = per_cpu(curr_vcpu, cpu);
    long rc;

    set_xen_guest_handle(h, arg);
    per_cpu(curr_vcpu, cpu) = caller->vcpu[0];
    rc = do_memory_op(cmd, h);
    per_cpu(curr_vcpu, cpu) = saved;
    return rc;
}

/* Re-issue continuations the way the guest's re-executed trap would. */
static long mop_all(struct domain *caller, unsigned long cmd, void *arg, unsigned long *conts)
{
    long rc;

    for (;;) {
        unsigned long before = fake_cont.count;

        rc = mop(caller, cmd, arg);
        if (fake_cont.count == before)
            return rc;
        CHECK(fake_cont.op == __HYPERVISOR_memory_op && fake_cont.args[1] == (uintptr_t)arg,
              "continuation of op %u", fake_cont.op);
        CHECK((fake_cont.args[0] & 63) == (cmd & 63), "continuation keeps the sub-op");
        CHECK(fake_cont.args[0] >> 6 > cmd >> 6, "continuation makes progress");
        cmd = fake_cont.args[0];
        if (conts)
            (*conts)++;
    }
}

static struct xen_memory_reservation resv;

static long reserve(struct domain *caller, unsigned int op, unsigned long progress,
                    xen_pfn_t *list, unsigned long nr, unsigned int order, unsigned int flags,
                    domid_t dom)
{
    set_xen_guest_handle(resv.extent_start, list);
    resv.nr_extents = nr;
    resv.extent_order = order;
    resv.mem_flags = flags;
    resv.domid = dom;
    return mop(caller, op | (progress << 6), &resv);
}

/* ================================================================ tests */

static long remove_gfn(struct domain *caller, domid_t dom, xen_pfn_t gfn);

static void test_reservations(void)
{
    struct domain *d0 = mkdom(0, -1), *d1 = mkdom(1, -1), *d2 = mkdom(2, -1);
    static xen_pfn_t l[16];
    unsigned long free0;
    p2m_type_t t;
    mfn_t m;

    d1->max_pages = 16;
    /* dom0 fills d1's physical space. */
    for (unsigned int i = 0; i < 4; i++)
        l[i] = 0x100 + i;
    CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 4, 0, 0, 1), 4);
    CHECK_EQ(d1->tot_pages, 4);
    for (unsigned int i = 0; i < 4; i++) {
        m = p2m_lookup(d1, _gfn(0x100 + i), &t);
        CHECK(t == p2m_ram_rw && mfn_to_page(m)->owner == d1 && refs(m) == 1,
              "gfn %#x backed by a page of d1", 0x100 + i);
        CHECK(((uint64_t *)mfn_to_virt(m))[17] == 0, "new pages are clear");
    }
    /* An extent of 4 pages; then pages that are not mapped. */
    l[0] = 0x200;
    CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 1, 2, 0, 1), 1);
    CHECK_EQ(d1->tot_pages, 8);
    CHECK(p2m_entries(d1) == 8, "8 frames mapped");
    CHECK_EQ(reserve(d0, XENMEM_increase_reservation, 0, NULL, 2, 0, 0, 1), 2);
    CHECK_EQ(d1->tot_pages, 10);
    CHECK(p2m_entries(d1) == 8, "increase maps nothing");

    /* The caller's order limit: 9 for d1, 18 for dom0 (and then the heap decides). */
    l[0] = 0x400;
    CHECK_EQ(reserve(d1, XENMEM_populate_physmap, 0, l, 1, 10, 0, DOMID_SELF), 0);
    CHECK_EQ(reserve(d1, XENMEM_populate_physmap, 0, l, 1, 19, XENMEMF_populate_on_demand,
                     DOMID_SELF), 0);
    /* max_pages: 6 more fit. */
    for (unsigned int i = 0; i < 10; i++)
        l[i] = 0x300 + i;
    CHECK_EQ(reserve(d1, XENMEM_populate_physmap, 0, l, 10, 0, 0, DOMID_SELF), 6);
    CHECK_EQ(d1->tot_pages, 16);
    CHECK_EQ(reserve(d1, XENMEM_increase_reservation, 0, NULL, 1, 0, 0, DOMID_SELF), 0);

    /* Refusals report the progress they came with. */
    CHECK_EQ(reserve(d2, XENMEM_populate_physmap, 0, l, 1, 0, 0, 1), 0);       /* XSM */
    CHECK_EQ(reserve(d2, XENMEM_decrease_reservation, 3, l, 5, 0, 0, 1), 3);
    CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 1, 0, 0, 9), 0);        /* no d9 */
    CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 4, l, 4, 0, 0, 1), 4);
    CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 1UL << 26, 0, 0, 1), 0);
    CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 1, 0, XENMEMF_address_bits(12), 1), 0);
    CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 1, 0, XENMEMF_node(1), 1), 0);
    CHECK_EQ(reserve(d2, XENMEM_populate_physmap, 0, l, 1, 0, XENMEMF_exact_node(1),
                     DOMID_SELF), 0);
    CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, BAD, 1, 0, 0, 1), 0);
    CHECK_EQ(mop(d0, XENMEM_populate_physmap | (2 << 6), BAD), 2);
    CHECK_EQ(d1->tot_pages, 16);

    /* Giving pages back frees them. */
    free0 = total_free_pages();
    l[0] = 0x100;
    l[1] = 0x101;
    CHECK_EQ(reserve(d1, XENMEM_decrease_reservation, 0, l, 2, 0, 0, DOMID_SELF), 2);
    CHECK_EQ(d1->tot_pages, 14);
    CHECK_EQ(total_free_pages(), free0 + 2);
    CHECK(mfn_eq(p2m_lookup(d1, _gfn(0x100), &t), INVALID_MFN), "gfn 0x100 unmapped");
    CHECK_EQ(reserve(d1, XENMEM_decrease_reservation, 0, l, 1, 0, 0, DOMID_SELF), 0);
    /* The extent of 4, by dom0; an extent only partly there stops the list. */
    l[0] = 0x200;
    CHECK_EQ(reserve(d0, XENMEM_decrease_reservation, 0, l, 1, 2, 0, 1), 1);
    CHECK_EQ(d1->tot_pages, 10);
    l[0] = 0x102;
    l[1] = 0x400;
    CHECK_EQ(reserve(d1, XENMEM_decrease_reservation, 0, l, 2, 1, 0, DOMID_SELF), 1);
    CHECK_EQ(d1->tot_pages, 8);
    /* shared_info mapped over RAM: unmapped by decrease, but it is not d1's to free. */
    {
        struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                        .idx = 0, .gpfn = 0x301 };

        CHECK_EQ(mop(d1, XENMEM_add_to_physmap, &x), 0);
        l[0] = 0x301;
        CHECK_EQ(reserve(d1, XENMEM_decrease_reservation, 0, l, 1, 0, 0, DOMID_SELF), 1);
        CHECK_EQ(d1->tot_pages, 8);         /* the RAM page it replaced stays d1's */
        CHECK(mfn_eq(p2m_lookup(d1, _gfn(0x301), &t), INVALID_MFN), "shared_info unmapped");
        /* ... and it may be mapped again, then removed the other way. */
        CHECK_EQ(mop(d1, XENMEM_add_to_physmap, &x), 0);
        CHECK_EQ(remove_gfn(d1, DOMID_SELF, 0x301), 0);
        CHECK_EQ(remove_gfn(d1, DOMID_SELF, 0x301), -ENOENT);
    }

    /* dom0 is direct-mapped: its pages leave its p2m but stay its own. */
    m = dom0_page(d0);
    {
        unsigned long tot = d0->tot_pages;

        l[0] = mfn_x(m);
        CHECK_EQ(reserve(d0, XENMEM_decrease_reservation, 0, l, 1, 0, 0, DOMID_SELF), 1);
        CHECK_EQ(d0->tot_pages, tot);
        CHECK(mfn_eq(p2m_lookup(d0, _gfn(mfn_x(m)), &t), INVALID_MFN), "unmapped");
        CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 1, 0, 0, DOMID_SELF), 1);
        CHECK(maps(d0, mfn_x(m), m, p2m_ram_rw), "the same frame is back");
        CHECK_EQ(d0->tot_pages, tot);
        /* Frames it does not own (d1's, or no RAM at all) cannot be populated. */
        l[0] = mfn_x(p2m_lookup(d1, _gfn(0x302), &t));
        CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 1, 0, 0, DOMID_SELF), 0);
        l[0] = 0x10;
        CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 1, 0, 0, DOMID_SELF), 0);
        /* PoD for another domain on Arm: counted, nothing done. */
        CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 1, 0, XENMEMF_populate_on_demand,
                         1), 1);
    }

    kill_dom(d2);
    kill_dom(d1);
    kill_dom(d0);
    check_no_leaks("reservations");
}

static void test_continuations(void)
{
    struct domain *d0 = mkdom(0, -1), *d1 = mkdom(1, -1);
    const unsigned long million = 1UL << 20;
    xen_pfn_t *l = malloc(million * sizeof(*l));
    unsigned long conts = 0;
    mfn_t m = dom0_page(d0);

    /* Every extent: a continuation after the first, resuming where it stopped. */
    for (unsigned int i = 0; i < 5; i++)
        l[i] = 0x100 + i;
    preempt_every = 1;
    CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 5, 0, 0, 1), __HYPERVISOR_memory_op);
    CHECK(fake_cont.args[0] == (XENMEM_populate_physmap | (1UL << 6)), "cmd %#lx",
          (unsigned long)fake_cont.args[0]);
    CHECK_EQ(d1->tot_pages, 1);
    CHECK_EQ(mop_all(d0, fake_cont.args[0], &resv, &conts), 5);
    CHECK_EQ(conts, 3);
    CHECK_EQ(d1->tot_pages, 5);
    conts = 0;
    CHECK_EQ(reserve(d0, XENMEM_decrease_reservation, 0, l, 5, 0, 0, 1), __HYPERVISOR_memory_op);
    CHECK_EQ(mop_all(d0, fake_cont.args[0], &resv, &conts), 5);
    CHECK_EQ(d1->tot_pages, 0);
    CHECK_EQ(conts, 3);

    /* A million extents: preempted every 1000, never an error, every one done. */
    for (unsigned long i = 0; i < million; i++)
        l[i] = mfn_x(m);
    preempt_every = 1000;
    preempt_looks = 0;
    conts = 0;
    set_xen_guest_handle(resv.extent_start, l);
    resv.nr_extents = million;
    resv.extent_order = 0;
    resv.mem_flags = 0;
    resv.domid = DOMID_SELF;
    CHECK_EQ(mop_all(d0, XENMEM_populate_physmap, &resv, &conts), million);
    CHECK(conts > 1000 && conts < 1100, "%lu continuations", conts);
    CHECK(maps(d0, mfn_x(m), m, p2m_ram_rw), "still mapped once");
    preempt_every = 0;
    free(l);

    kill_dom(d1);
    kill_dom(d0);
    check_no_leaks("continuations");
}

static struct xen_add_to_physmap_batch batch;
static xen_ulong_t b_idx[4];
static xen_pfn_t b_gpfn[4];
static int b_err[4];

static long foreign_map(struct domain *caller, domid_t into, domid_t from, xen_ulong_t idx,
                        xen_pfn_t gpfn)
{
    long rc;

    batch.domid = into;
    batch.space = XENMAPSPACE_gmfn_foreign;
    batch.size = 1;
    batch.u.foreign_domid = from;
    b_idx[0] = idx;
    b_gpfn[0] = gpfn;
    b_err[0] = 0x5a5a;
    set_xen_guest_handle(batch.idxs, b_idx);
    set_xen_guest_handle(batch.gpfns, b_gpfn);
    set_xen_guest_handle(batch.errs, b_err);
    rc = mop(caller, XENMEM_add_to_physmap_batch, &batch);
    return rc ? rc : b_err[0];
}

static long remove_gfn(struct domain *caller, domid_t dom, xen_pfn_t gfn)
{
    struct xen_remove_from_physmap x = { .domid = dom, .gpfn = gfn };

    return mop(caller, XENMEM_remove_from_physmap, &x);
}

static void test_foreign(void)
{
    struct domain *d0 = mkdom(0, -1), *d1 = mkdom(1, -1), *d2 = mkdom(2, -1);
    static xen_pfn_t l[4] = { 0x100, 0x101, 0x102, 0x103 };
    unsigned long puts;
    p2m_type_t t;
    mfn_t a, b;

    CHECK_EQ(reserve(d0, XENMEM_populate_physmap, 0, l, 4, 0, 0, 1), 4);
    a = p2m_lookup(d1, _gfn(0x100), &t);
    b = p2m_lookup(d1, _gfn(0x101), &t);

    /* Mapped with a reference; removed, the reference goes. */
    CHECK_EQ(foreign_map(d0, DOMID_SELF, 1, 0x100, 0x5000), 0);
    CHECK(maps(d0, 0x5000, a, p2m_map_foreign_rw), "foreign entry");
    CHECK_EQ(refs(a), 2);
    CHECK_EQ(remove_gfn(d0, DOMID_SELF, 0x5000), 0);
    CHECK_EQ(refs(a), 1);
    CHECK_EQ(remove_gfn(d0, DOMID_SELF, 0x5000), -ENOENT);
    /* Overwritten: the old reference goes, the new one stays. */
    CHECK_EQ(foreign_map(d0, DOMID_SELF, 1, 0x100, 0x5000), 0);
    CHECK_EQ(foreign_map(d0, DOMID_SELF, 1, 0x101, 0x5000), 0);
    CHECK(refs(a) == 1 && refs(b) == 2, "refs %lu %lu", refs(a), refs(b));
    /* Not d0's page: decrease_reservation leaves it alone. */
    l[0] = 0x5000;
    CHECK_EQ(reserve(d0, XENMEM_decrease_reservation, 0, l, 1, 0, 0, DOMID_SELF), 0);
    CHECK_EQ(refs(b), 2);
    l[0] = 0x100;

    /* Refusals. */
    CHECK_EQ(foreign_map(d0, DOMID_SELF, 0, 0x100, 0x5001), -ESRCH);     /* own id */
    CHECK_EQ(foreign_map(d0, DOMID_SELF, DOMID_SELF, 0x100, 0x5001), -EINVAL);
    CHECK_EQ(foreign_map(d0, DOMID_SELF, 9, 0x100, 0x5001), -ESRCH);
    CHECK_EQ(foreign_map(d0, DOMID_SELF, DOMID_XEN, 0x100, 0x5001), -EINVAL);
    CHECK_EQ(foreign_map(d0, DOMID_SELF, 1, 0x999, 0x5001), -EINVAL);    /* nothing there */
    CHECK_EQ(foreign_map(d0, DOMID_SELF, 1, 0x100, ~0ULL), -EINVAL);     /* invalid gfn ends the call */
    CHECK_EQ(foreign_map(d0, DOMID_SELF, 1, 0x100, P2M_GFN_LIMIT), -EINVAL);
    CHECK_EQ(refs(a), 1);
    CHECK_EQ(foreign_map(d2, DOMID_SELF, 1, 0x100, 0x5001), -EPERM);     /* not privileged */
    CHECK_EQ(foreign_map(d2, 1, 0, 0x100, 0x5001), -EPERM);              /* nor on d1 */
    /* A device model may map its target's pages. */
    d2->target = d1;
    CHECK_EQ(foreign_map(d2, DOMID_SELF, 1, 0x102, 0x6000), 0);
    d2->target = NULL;
    /* d2's foreign entry is no RAM of d2's to hand on. */
    CHECK_EQ(foreign_map(d0, DOMID_SELF, 2, 0x6000, 0x7000), -EINVAL);
    {
        mfn_t own = dom0_page(d0);

        /* d1 is not privileged: it may not map d0's pages. */
        CHECK_EQ(foreign_map(d1, DOMID_SELF, 0, mfn_x(own), 0x7000), -EPERM);
    }

    /* The owner goes first: the mapped page stays until the mapping does. */
    puts = foreign_puts;
    kill_dom(d1);
    CHECK(refs(b) == 1 && mfn_to_page(b)->owner == NULL, "d1's page held by d0's mapping");
    CHECK_EQ(remove_gfn(d0, DOMID_SELF, 0x5000), 0);
    CHECK_EQ(foreign_puts, puts + 1);
    /* The mapper goes: its p2m gives back what it held (d2's entry of d1's page). */
    kill_dom(d2);
    kill_dom(d0);
    check_no_leaks("foreign");
}

static struct xen_mem_acquire_resource acq;

static long acquire(struct domain *caller, unsigned long progress, domid_t dom, uint16_t type,
                    uint32_t id, uint32_t nr, uint32_t pad, uint64_t frame, xen_pfn_t *list)
{
    acq.domid = dom;
    acq.type = type;
    acq.id = id;
    acq.nr_frames = nr;
    acq.pad = pad;
    acq.frame = frame;
    set_xen_guest_handle(acq.frame_list, list);
    return mop(caller, XENMEM_acquire_resource | (progress << 6), &acq);
}

static void test_acquire(void)
{
    struct domain *d0 = mkdom(0, -1), *d1 = mkdom(1, 40), *d2 = mkdom(2, -1);
    static xen_pfn_t g[40];
    unsigned long conts = 0;
    p2m_type_t t;

    for (unsigned int i = 0; i < 40; i++)
        g[i] = 0x8000 + i;

    /* The size query. */
    CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_grant_table, 0, 0, 0, 0, NULL), 0);
    CHECK_EQ(acq.nr_frames, 40);
    CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_grant_table, 0, 1, 0, 0, NULL), -EINVAL);
    CHECK_EQ(acquire(d0, 1, 1, XENMEM_resource_grant_table, 0, 0, 0, 0, NULL), -EINVAL);
    /* Unknown types: Xen's size query answers -EOPNOTSUPP as a frame count. */
    CHECK_EQ(acquire(d0, 0, 1, 77, 0, 0, 0, 0, NULL), 0);
    CHECK_EQ(acq.nr_frames, (uint32_t)-EOPNOTSUPP);
    CHECK_EQ(acquire(d0, 0, 1, 77, 0, 1, 0, 0, g), -EOPNOTSUPP);
    /* Nothing to map: status frames on Arm (version 1), ioreq servers, trace buffers. */
    CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_grant_table, 1, 0, 0, 0, NULL), -EINVAL);
    CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_grant_table, 9, 0, 0, 0, NULL), -EINVAL);
    CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_ioreq_server, 0, 0, 0, 0, NULL), -EINVAL);
    CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_vmtrace_buf, 0, 0, 0, 0, NULL), -EINVAL);

    /* Argument checks, in Xen's order. */
    CHECK_EQ(mop(d0, XENMEM_acquire_resource, BAD), -EFAULT);
    CHECK_EQ(acquire(d0, 0, 9, XENMEM_resource_grant_table, 0, 0, 1, 0, NULL), -EINVAL);
    CHECK_EQ(acquire(d0, 0, 9, XENMEM_resource_grant_table, 0, 1, 0, 1ULL << 32, g), -EINVAL);
    CHECK_EQ(acquire(d0, 0, 9, XENMEM_resource_grant_table, 0, 2, 0, 0xffffffffULL, g), -EINVAL);
    CHECK_EQ(acquire(d0, 0, 9, XENMEM_resource_grant_table, 0, 1, 0, 0, g), -ESRCH);
    CHECK_EQ(acquire(d0, 0, DOMID_SELF, XENMEM_resource_grant_table, 0, 0, 0, 0, NULL), -ESRCH);
    CHECK_EQ(acquire(d0, 0, 0, XENMEM_resource_grant_table, 0, 0, 0, 0, NULL), -EPERM);
    CHECK_EQ(acquire(d2, 0, 1, XENMEM_resource_grant_table, 0, 0, 0, 0, NULL), -EPERM);
    CHECK_EQ(acquire(d1, 0, 0, XENMEM_resource_grant_table, 0, 0, 0, 0, NULL), -EPERM);
    CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_grant_table, 0, 1U << 26, 0, 0, g), -EINVAL);
    CHECK_EQ(acquire(d0, 3, 1, XENMEM_resource_grant_table, 0, 3, 0, 0, g), -EINVAL);
    CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_grant_table, 0, 2, 0, 39, g), -EINVAL);

    /* Mapping two frames into dom0's physmap, each holding a reference. */
    CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_grant_table, 0, 2, 0, 0, g), 0);
    {
        mfn_t f0 = p2m_lookup(d0, _gfn(0x8000), &t);

        CHECK(t == p2m_map_foreign_rw && mfn_to_page(f0)->owner == d1, "grant frame 0 mapped");
        CHECK_EQ(refs(f0), 2);
        CHECK(p2m_entries(d0) == 2, "two entries");
        CHECK_EQ(remove_gfn(d0, DOMID_SELF, 0x8001), 0);
        CHECK_EQ(refs(f0), 2);
    }
    /* A device model may map its target's frames. */
    d2->target = d1;
    CHECK_EQ(acquire(d2, 0, 1, XENMEM_resource_grant_table, 0, 1, 0, 5, g), 0);
    CHECK(p2m_entries(d2) == 1, "d2 maps one frame");
    d2->target = NULL;

    /* Long requests go in batches of 32 with a continuation between them. */
    preempt_every = 1;
    CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_grant_table, 0, 40, 0, 0, g),
             __HYPERVISOR_memory_op);
    CHECK(fake_cont.args[0] == (XENMEM_acquire_resource | (32UL << 6)), "cmd %#lx",
          (unsigned long)fake_cont.args[0]);
    CHECK_EQ(mop_all(d0, fake_cont.args[0], &acq, &conts), 0);
    preempt_every = 0;
    CHECK(p2m_entries(d0) == 40, "%u entries", p2m_entries(d0));

    /* Failures: unreadable list (nothing mapped), a bad gfn after the first (-EIO). */
    {
        unsigned long free0 = total_free_pages();

        CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_grant_table, 0, 2, 0, 0, BAD), -EFAULT);
        g[1] = ~0ULL;
        CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_grant_table, 0, 2, 0, 0, g), -EIO);
        g[0] = ~0ULL;
        CHECK_EQ(acquire(d0, 0, 1, XENMEM_resource_grant_table, 0, 2, 0, 0, g), -EINVAL);
        CHECK_EQ(total_free_pages(), free0);
        CHECK_EQ(refs(p2m_lookup(d0, _gfn(0x8002), &t)), 2);
    }

    /* d1 goes first: its frames stay as long as d0 and d2 map them. */
    kill_dom(d1);
    CHECK(total_free_pages() < base_free, "frames still held");
    kill_dom(d0);
    kill_dom(d2);
    check_no_leaks("acquire");
}

static void test_misc(void)
{
    struct domain *d0 = mkdom(0, -1), *d1 = mkdom(1, -1);
    struct xen_vnuma_topology_info vt = { .domid = DOMID_SELF };
    struct xen_memory_exchange ex;
    struct xen_reserved_device_memory_map rdm = { .flags = XENMEM_RDM_ALL, .nr_entries = 4 };

    CHECK_EQ(mop(d1, XENMEM_get_vnumainfo, &vt), -EOPNOTSUPP);
    vt.domid = 0;
    CHECK_EQ(mop(d1, XENMEM_get_vnumainfo, &vt), -EPERM);
    vt.pad = 1;
    CHECK_EQ(mop(d1, XENMEM_get_vnumainfo, &vt), -EINVAL);

    /* Claims: checked, not recorded. */
    d1->max_pages = 100;
    CHECK_EQ(reserve(d0, XENMEM_claim_pages, 0, NULL, 50, 0, 0, 1), 0);
    CHECK_EQ(reserve(d0, XENMEM_claim_pages, 0, NULL, 101, 0, 0, 1), -EINVAL);
    CHECK_EQ(reserve(d1, XENMEM_claim_pages, 0, NULL, 50, 0, 0, 1), -EPERM);
    CHECK_EQ(reserve(d0, XENMEM_claim_pages, 0, NULL, 50, 0, 0, DOMID_SELF), -EINVAL);
    d1->max_pages = ~0UL;
    CHECK_EQ(reserve(d0, XENMEM_claim_pages, 0, NULL, 1UL << 40, 0, 0, 1), -ENOMEM);

    memset(&ex, 0, sizeof(ex));
    CHECK_EQ(mop(d1, XENMEM_exchange, &ex), 0);
    ex.in.nr_extents = ex.out.nr_extents = 1;
    ex.in.domid = ex.out.domid = DOMID_SELF;
    CHECK_EQ(mop(d1, XENMEM_exchange, &ex), -EOPNOTSUPP);
    ex.in.domid = ex.out.domid = 0;
    CHECK_EQ(mop(d1, XENMEM_exchange, &ex), -EPERM);
    ex.in.extent_order = 10;
    ex.out.extent_order = 10;
    CHECK_EQ(mop(d1, XENMEM_exchange, &ex), -EPERM);
    CHECK_EQ(mop(d0, XENMEM_exchange, &ex), -EOPNOTSUPP);
    ex.out.nr_extents = 2;
    CHECK_EQ(mop(d0, XENMEM_exchange, &ex), -EINVAL);

    CHECK_EQ(mop(d1, XENMEM_reserved_device_memory_map, &rdm), 0);
    CHECK_EQ(rdm.nr_entries, 0);
    CHECK_EQ(mop(d1, XENMEM_get_sharing_freed_pages, BAD), 0);

    kill_dom(d1);
    kill_dom(d0);
    check_no_leaks("misc");
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "FAIL: timeout\n";
    (void)!write(1, msg, sizeof(msg) - 1);
    _exit(1);
}

int main(void)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        { "reservations", test_reservations },
        { "continuations", test_continuations },
        { "foreign", test_foreign },
        { "acquire", test_acquire },
        { "misc", test_misc },
    };

    signal(SIGALRM, on_alarm);
    alarm(50);
    setvbuf(stdout, NULL, _IONBF, 0);
    setup();
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        int before = failures;

        tests[i].fn();
        printf("%s %s\n", failures == before ? "ok  " : "FAIL", tests[i].name);
    }
    fake_mem_release();
    printf("physmap: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
