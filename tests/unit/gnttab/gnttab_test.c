/*
 * Host tests of xen/common/grant_table.c, under ASan and UBSan.
 *
 * Linked with the real domain code (domain.c), page allocator, xmalloc
 * and scheduler over tests/unit/fake_arch's machine memory, so grant
 * frames, domain RAM and page references are real heap pages and the
 * free page count tells whether anything leaked.  Faked here: guest
 * virtual memory (hypercall arguments are host pointers; one unmapped and
 * one read-only area), a p2m per domain, preemption and continuations,
 * and the event-channel hooks domain.c calls.
 *
 * Built for Arm (version 1 only) and x86 (version 2 too); see gnttab.t.
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
#include <public/grant_table.h>
#include <public/memory.h>

#include "fake_arch.h"

#include "../check.h"

#define CHECK_EQ(expr, want) do {                               \
    long v_ = (long)(expr), w_ = (long)(want);                  \
    CHECK(v_ == w_, "%s = %ld, expected %ld", #expr, v_, w_);   \
} while (0)

#define V2 (GNTTAB_MAX_VERSION >= 2)

/* ================================================================ guest memory */

/* Hypercall arguments are host pointers, except in two areas: unmapped and read-only. */
static unsigned char guest_area[3][8192] __attribute__((aligned(4096)));
#define bad_area    guest_area[1]
#define ro_area     guest_area[2]

/* Shorten *ok so that [va, va + *ok) stays below `area` if it runs into it. */
static void clip(uint64_t va, unsigned long len, const void *area, size_t size,
                 unsigned long *ok)
{
    uint64_t a = (uint64_t)(uintptr_t)area;

    if (va < a + size && va + len > a) {
        unsigned long before = va < a ? (unsigned long)(a - va) : 0;

        if (before < *ok)
            *ok = before;
    }
}

unsigned long arch_copy_to_guest(uint64_t guest_va, const void *src, unsigned long len)
{
    unsigned long ok = len;

    clip(guest_va, len, bad_area, sizeof(bad_area), &ok);
    clip(guest_va, len, ro_area, sizeof(ro_area), &ok);
    memcpy((void *)(uintptr_t)guest_va, src, ok);
    return len - ok;
}

unsigned long arch_copy_from_guest(void *dst, uint64_t guest_va, unsigned long len)
{
    unsigned long ok = len;

    clip(guest_va, len, bad_area, sizeof(bad_area), &ok);
    memcpy(dst, (const void *)(uintptr_t)guest_va, ok);
    return len - ok;
}

/* ================================================================ p2m */

#define P2M_GFN_LIMIT   (1ULL << 28)    /* a 40-bit guest physical space */
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
static int p2m_fail_next;               /* p2m_map_range() fails once with this */

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
            if ((*pp)->d == d) {
                struct p2m_ent *e = *pp;

                *pp = e->next;
                free(e);
            } else {
                pp = &(*pp)->next;
            }
        }
    }
    pthread_mutex_unlock(&p2m_mutex);
}

void p2m_teardown(struct domain *d)
{
    p2m_drop(d);
}

int p2m_map_range(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned long nr, p2m_type_t t)
{
    int rc = 0;

    if (t == p2m_invalid || nr > P2M_GFN_LIMIT || gfn_x(gfn) > P2M_GFN_LIMIT - nr)
        return -EINVAL;
    pthread_mutex_lock(&p2m_mutex);
    if (p2m_fail_next) {
        rc = p2m_fail_next;
        p2m_fail_next = 0;
    }
    for (unsigned long i = 0; !rc && i < nr; i++) {
        struct p2m_ent **pp = p2m_find(d, gfn_x(gfn) + i);

        if (!*pp) {
            *pp = calloc(1, sizeof(**pp));
            (*pp)->d = d;
            (*pp)->gfn = gfn_x(gfn) + i;
        }
        (*pp)->mfn = mfn_add(mfn, i);
        (*pp)->t = t;
    }
    pthread_mutex_unlock(&p2m_mutex);
    return rc;
}

int p2m_unmap_range(struct domain *d, gfn_t gfn, unsigned long nr)
{
    if (nr > P2M_GFN_LIMIT || gfn_x(gfn) > P2M_GFN_LIMIT - nr)
        return -EINVAL;
    pthread_mutex_lock(&p2m_mutex);
    for (unsigned long i = 0; i < nr; i++) {
        struct p2m_ent **pp = p2m_find(d, gfn_x(gfn) + i), *e = *pp;

        if (e) {
            *pp = e->next;
            free(e);
        }
    }
    pthread_mutex_unlock(&p2m_mutex);
    return 0;
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

/* Entries of d (any domain if NULL) that are grant mappings; or that map mfn. */
static unsigned int p2m_count(struct domain *d, bool grants_only, const mfn_t *mfn)
{
    unsigned int n = 0;

    pthread_mutex_lock(&p2m_mutex);
    for (unsigned int b = 0; b < P2M_BUCKETS; b++)
        for (struct p2m_ent *e = p2m_hash[b]; e; e = e->next)
            if ((!d || e->d == d) &&
                (!grants_only || e->t == p2m_grant_map_rw || e->t == p2m_grant_map_ro) &&
                (!mfn || mfn_eq(e->mfn, *mfn)))
                n++;
    pthread_mutex_unlock(&p2m_mutex);
    return n;
}

/* The fake arch's domain teardown, wrapped: the p2m goes with it. */
void fake_arch_domain_destroy(struct domain *d);
void arch_domain_destroy(struct domain *d)
{
    p2m_drop(d);
    fake_arch_domain_destroy(d);
}

/* ================================================================ preemption, events */

static bool force_preempt;

bool test_softirq_pending(unsigned int cpu)
{
    (void)cpu;
    return force_preempt;
}

/* Continuations are recorded in fake_cont (fake_arch.c). */

/* The event-channel stand-ins are in tests/unit/fake_arch/fake_evtchn.c. */

/* ================================================================ machine, domains */

#define MEM_BASE    0x40000000ULL
#define MEM_SIZE    (64UL << 20)
#define RAM_GFN     0x1000ULL           /* where test domains have their RAM */
#define GT_GFN      0x38000ULL          /* where they map their grant frames */
#define MAP_GFN     0x50000ULL          /* where mappers map grants */
#define ST_GFN      0x39000ULL          /* where they map status frames */

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
    for (unsigned int cpu = 1; cpu < CONFIG_NR_CPUS; cpu++) {
        fake_set_cpu(cpu);
        if (sched_init_cpu(cpu))
            abort();
        cpumask_set_cpu(cpu, &cpu_online_map);
    }
    fake_set_cpu(0);
    fake_clock_set(1000000);
    base_free = total_free_pages();
}

static void as(struct domain *d)
{
    unsigned int cpu = fake_get_cpu();

    per_cpu(curr_vcpu, cpu) = d ? d->vcpu[0] : idle_vcpu[cpu];
}

static struct domain *mkdom_cfg(domid_t id, int frames, int maptrack, unsigned int opts,
                                int *err)
{
    struct xen_domctl_createdomain c;
    struct domain *d;

    memset(&c, 0, sizeof(c));
    c.max_vcpus = 1;
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c.max_grant_frames = frames;
    c.max_maptrack_frames = maptrack;
    c.grant_opts = opts;
    c.max_evtchn_port = 1023;
    d = domain_create(id, &c, id == 0, err);
    if (d && !vcpu_create(d, 0)) {
        printf("vcpu_create(d%u) failed\n", id);
        exit(1);
    }
    return d;
}

static struct domain *mkdom_lim(domid_t id, int frames, int maptrack)
{
    int err = 0;
    struct domain *d = mkdom_cfg(id, frames, maptrack,
                                 XEN_DOMCTL_GRANT_version(GNTTAB_MAX_VERSION), &err);

    if (!d) {
        printf("domain_create(%u): %d\n", id, err);
        exit(1);
    }
    return d;
}

static struct domain *mkdom(domid_t id)
{
    return mkdom_lim(id, -1, -1);
}

static void kill_dom(struct domain *d)
{
    as(NULL);
    domain_kill(d);
}

static void check_no_leaks(const char *what)
{
    CHECK(total_free_pages() == base_free, "%s: %lu pages free, expected %lu", what,
          total_free_pages(), base_free);
    CHECK(p2m_count(NULL, false, NULL) == 0, "%s: p2m entries left", what);
}

/* A RAM page of d at gfn (its p2m_ram_rw). */
static mfn_t give_page(struct domain *d, uint64_t gfn)
{
    struct page_info *pg = alloc_domheap_pages(d, 0);
    mfn_t m;

    if (!pg)
        abort();
    m = page_to_mfn(pg);
    memset(mfn_to_virt(m), 0, PAGE_SIZE);
    if (p2m_map_range(d, _gfn(gfn), m, 1, p2m_ram_rw))
        abort();
    return m;
}

static unsigned long refs(mfn_t m)
{
    return read_atomic(&mfn_to_page(m)->count);
}

/* Grant frame idx of d as the guest sees it (mapped at GT_GFN + idx on first use). */
static void *frame_va(struct domain *d, unsigned int idx)
{
    p2m_type_t t;
    mfn_t m = p2m_lookup(d, _gfn(GT_GFN + idx), &t);

    if (mfn_eq(m, INVALID_MFN) && gnttab_map_frame(d, idx, _gfn(GT_GFN + idx), &m))
        abort();
    return mfn_to_virt(m);
}

static grant_entry_v1_t *e1(struct domain *d, grant_ref_t ref)
{
    return &((grant_entry_v1_t *)frame_va(d, ref / 512))[ref % 512];
}

static grant_entry_v2_t *e2(struct domain *d, grant_ref_t ref)
{
    return &((grant_entry_v2_t *)frame_va(d, ref / 256))[ref % 256];
}

/* Status word of ref in d (version 2): status frames mapped at ST_GFN + n. */
static grant_status_t *st2(struct domain *d, grant_ref_t ref)
{
    unsigned int idx = ref / 2048;
    p2m_type_t t;
    mfn_t m = p2m_lookup(d, _gfn(ST_GFN + idx), &t);

    if (mfn_eq(m, INVALID_MFN) &&
        gnttab_map_frame(d, idx | XENMAPIDX_grant_table_status, _gfn(ST_GFN + idx), &m))
        abort();
    return &((grant_status_t *)mfn_to_virt(m))[ref % 2048];
}

static unsigned int version_of(struct domain *d);

/* The granter's side: publish a grant, in whichever version d uses. */
static void grant(struct domain *d, grant_ref_t ref, uint16_t flags, domid_t to, uint64_t gfn)
{
    if (version_of(d) == 1) {
        grant_entry_v1_t *e = e1(d, ref);

        e->domid = to;
        e->frame = (uint32_t)gfn;
        __atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
    } else {
        grant_entry_v2_t *e = e2(d, ref);

        e->hdr.domid = to;
        e->full_page.frame = gfn;
        __atomic_store_n(&e->hdr.flags, flags, __ATOMIC_RELEASE);
    }
}

/* The flags word the granter sees (v1: in the entry; v2: the status word). */
static uint16_t status_of(struct domain *d, grant_ref_t ref)
{
    if (version_of(d) == 1)
        return read_atomic(&e1(d, ref)->flags) & (GTF_reading | GTF_writing);
    return read_atomic(st2(d, ref));
}

/* ================================================================ hypercalls */

static long gop(struct domain *caller, unsigned int cmd, void *arg, unsigned int count)
{
    XEN_GUEST_HANDLE_PARAM(void) h;
    unsigned int cpu = fake_get_cpu();
    struct vcpu *saved = per_cpu(curr_vcpu, cpu);
    long rc;

    set_xen_guest_handle(h, arg);
    per_cpu(curr_vcpu, cpu) = caller->vcpu[0];
    rc = do_grant_table_op(cmd, h, count);
    per_cpu(curr_vcpu, cpu) = saved;
    return rc;
}

static unsigned int version_of(struct domain *d)
{
    struct gnttab_get_version gv = { .dom = DOMID_SELF };

    if (gop(d, GNTTABOP_get_version, &gv, 1))
        abort();
    return gv.version;
}

static int16_t map1(struct domain *ld, domid_t dom, grant_ref_t ref, uint32_t flags,
                    uint64_t gfn, grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = gfn << PAGE_SHIFT, .flags = flags, .ref = ref, .dom = dom,
        .status = 99, .handle = 0xdead, .dev_bus_addr = 0xbeef,
    };
    long rc = gop(ld, GNTTABOP_map_grant_ref, &op, 1);

    CHECK(rc == 0, "map_grant_ref returned %ld", rc);
    if (handle)
        *handle = op.handle;
    if (op.status != GNTST_okay)
        CHECK(op.handle == 0xdead && op.dev_bus_addr == 0xbeef, "outputs touched on failure");
    return op.status;
}

static int16_t unmap1(struct domain *ld, uint64_t gfn, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = {
        .host_addr = gfn << PAGE_SHIFT, .handle = handle, .status = 99,
    };
    long rc = gop(ld, GNTTABOP_unmap_grant_ref, &op, 1);

    CHECK(rc == 0, "unmap_grant_ref returned %ld", rc);
    return op.status;
}

static struct gnttab_query_size qsize(struct domain *caller, domid_t dom)
{
    struct gnttab_query_size q = { .dom = dom, .status = 99 };

    CHECK_EQ(gop(caller, GNTTABOP_query_size, &q, 1), 0);
    return q;
}

static int16_t copy1(struct domain *caller, struct gnttab_copy *op)
{
    long rc;

    op->status = 99;
    rc = gop(caller, GNTTABOP_copy, op, 1);
    CHECK(rc == 0, "copy returned %ld", rc);
    return op->status;
}

/* ================================================================ tests */

static void test_init_limits(void)
{
    struct { int frames, mt; unsigned int opts; int rc; } cases[] = {
        { -1, -1, 0, -EINVAL },                         /* version 0 */
        { -1, -1, 3, -EINVAL },
        { -1, -1, 2, V2 ? 0 : -EINVAL },
        { -1, -1, 0x11, -EINVAL },                      /* unknown option bit */
        { 0, -1, 1, -EINVAL },
        { 65, -1, 1, -EINVAL },
        { 64, 1024, 1, 0 },
        { 1, 0, 1, 0 },
        { -1, 1025, 1, -EINVAL },
    };

    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int err = 1;
        struct domain *d = mkdom_cfg(1, cases[i].frames, cases[i].mt, cases[i].opts, &err);

        CHECK(err == cases[i].rc && !d == !!cases[i].rc, "case %u: err %d, expected %d",
              i, err, cases[i].rc);
        if (d)
            kill_dom(d);
        check_no_leaks("init limits");
    }

    /* Defaults: one frame now, 64 at most; dom0 the same. */
    {
        struct domain *d0 = mkdom(0), *d1 = mkdom_lim(1, 4, 1);
        struct gnttab_query_size q = qsize(d1, DOMID_SELF);

        CHECK(q.status == GNTST_okay && q.nr_frames == 1 && q.max_nr_frames == 4,
              "query_size of a small domain: %d %u %u", q.status, q.nr_frames, q.max_nr_frames);
        q = qsize(d0, DOMID_SELF);
        CHECK(q.status == GNTST_okay && q.nr_frames == 1 && q.max_nr_frames == 64,
              "dom0: %d %u %u", q.status, q.nr_frames, q.max_nr_frames);
        q = qsize(d0, 1);
        CHECK(q.status == GNTST_okay && q.max_nr_frames == 4, "dom0 asks about d1");
        q = qsize(d1, 0);
        CHECK(q.status == GNTST_permission_denied, "d1 asks about dom0: %d", q.status);
        q = qsize(d1, 7);
        CHECK(q.status == GNTST_bad_domain, "no such domain: %d", q.status);
        q.dom = DOMID_SELF;
        CHECK_EQ(gop(d1, GNTTABOP_query_size, &q, 2), -EINVAL);
        CHECK_EQ(gop(d1, GNTTABOP_query_size, bad_area, 1), -EFAULT);
        memcpy(ro_area, &q, sizeof(q));
        CHECK_EQ(gop(d1, GNTTABOP_query_size, ro_area, 1), -EFAULT);
        kill_dom(d1);
        kill_dom(d0);
    }
    check_no_leaks("defaults");
}

static void test_map_frame(void)
{
    struct domain *d = mkdom_lim(1, 4, -1);
    mfn_t m, m2;
    p2m_type_t t;
    xen_pfn_t list[8];

    CHECK_EQ(gnttab_map_frame(d, 0, _gfn(GT_GFN), &m), 0);
    CHECK(mfn_eq(p2m_lookup(d, _gfn(GT_GFN), &t), m) && t == p2m_ram_rw, "frame 0 mapped");
    CHECK(mfn_to_page(m)->owner == d && refs(m) == 1 && (mfn_to_page(m)->flags & PGC_XEN_HEAP),
          "frame shared with the domain");
    CHECK_EQ(gnttab_map_frame(d, 0, _gfn(GT_GFN), &m2), -EBUSY);
    CHECK_EQ(gnttab_map_frame(d, 0, _gfn(GT_GFN + 7), &m2), -EBUSY);
    CHECK_EQ(gnttab_map_frame(d, 4, _gfn(GT_GFN + 4), &m2), -EINVAL);
    CHECK_EQ(gnttab_map_frame(d, XENMAPIDX_grant_table_status, _gfn(ST_GFN), &m2), -EINVAL);
    CHECK_EQ(gnttab_map_frame(d, 1, _gfn(~0ULL), &m2), -EINVAL);
    CHECK_EQ(gnttab_map_frame(d, 1, _gfn(P2M_GFN_LIMIT), &m2), -EINVAL);
    CHECK_EQ(qsize(d, DOMID_SELF).nr_frames, 2);        /* grown before the p2m said no */
    CHECK_EQ(gnttab_map_frame(d, 2, _gfn(GT_GFN + 2), &m2), 0);
    CHECK_EQ(qsize(d, DOMID_SELF).nr_frames, 3);
    /* Once the guest maps something else there, the frame may go elsewhere. */
    give_page(d, GT_GFN);
    CHECK_EQ(gnttab_map_frame(d, 0, _gfn(GT_GFN + 9), &m2), 0);
    CHECK(mfn_eq(m, m2), "same frame");
    p2m_unmap_range(d, _gfn(GT_GFN + 9), 1);
    CHECK_EQ(gnttab_map_frame(d, 0, _gfn(GT_GFN), &m2), 0);

    /* setup_table: where the guest put each frame, ~0 for nowhere. */
    {
        struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 4 };

        set_xen_guest_handle(st.frame_list, list);
        memset(list, 0x55, sizeof(list));
        CHECK_EQ(gop(d, GNTTABOP_setup_table, &st, 1), 0);
        CHECK(st.status == GNTST_okay && list[0] == GT_GFN && list[1] == (xen_pfn_t)~0ULL &&
              list[2] == GT_GFN + 2 && list[3] == (xen_pfn_t)~0ULL && list[4] == 0x5555555555555555ULL,
              "setup_table frames %d %#lx %#lx %#lx %#lx", st.status, (unsigned long)list[0],
              (unsigned long)list[1], (unsigned long)list[2], (unsigned long)list[3]);
        CHECK_EQ(qsize(d, DOMID_SELF).nr_frames, 4);
        st.nr_frames = 5;
        CHECK_EQ(gop(d, GNTTABOP_setup_table, &st, 1), 0);
        CHECK_EQ(st.status, GNTST_general_error);
        st.nr_frames = 2;
        set_xen_guest_handle(st.frame_list, (xen_pfn_t *)ro_area);
        CHECK_EQ(gop(d, GNTTABOP_setup_table, &st, 1), 0);
        CHECK_EQ(st.status, GNTST_bad_virt_addr);
        st.dom = 9;
        CHECK_EQ(gop(d, GNTTABOP_setup_table, &st, 1), 0);
        CHECK_EQ(st.status, GNTST_bad_domain);
        CHECK_EQ(gop(d, GNTTABOP_setup_table, &st, 0), -EINVAL);
        CHECK_EQ(gop(d, GNTTABOP_setup_table, bad_area, 1), -EFAULT);
        memcpy(ro_area, &st, sizeof(st));
        CHECK_EQ(gop(d, GNTTABOP_setup_table, ro_area, 1), -EFAULT);
        {
            struct domain *d2 = mkdom(2);

            st.dom = 1;
            st.nr_frames = 0;
            CHECK_EQ(gop(d2, GNTTABOP_setup_table, &st, 1), 0);
            CHECK_EQ(st.status, GNTST_permission_denied);
            kill_dom(d2);
        }
    }

    /* acquire_resource's view. */
    CHECK_EQ(gnttab_resource_max_frames(d, XENMEM_resource_grant_table_id_shared), 4);
    CHECK_EQ(gnttab_resource_max_frames(d, XENMEM_resource_grant_table_id_status), V2 ? 1 : 0);
    CHECK_EQ(gnttab_resource_max_frames(d, 7), 0);
    CHECK_EQ(gnttab_acquire_resource(d, XENMEM_resource_grant_table_id_shared, 1, 3, list), 3);
    CHECK(list[0] == mfn_x(virt_to_mfn(frame_va(d, 1))) && refs(_mfn(list[0])) == 2,
          "acquired frames hold a reference each");
    for (unsigned int i = 0; i < 3; i++)
        put_page(mfn_to_page(_mfn(list[i])));
    CHECK_EQ(gnttab_acquire_resource(d, XENMEM_resource_grant_table_id_shared, 3, 2, list), -EINVAL);
    CHECK_EQ(gnttab_acquire_resource(d, XENMEM_resource_grant_table_id_shared, 0, 0, list), -EINVAL);
    CHECK_EQ(gnttab_acquire_resource(d, XENMEM_resource_grant_table_id_status, 0, 1, list), -EINVAL);
    CHECK_EQ(gnttab_acquire_resource(d, 5, 0, 1, list), -EINVAL);

    /* A frame someone still holds outlives the domain, and goes with the last reference. */
    CHECK_EQ(gnttab_acquire_resource(d, XENMEM_resource_grant_table_id_shared, 0, 1, list), 1);
    kill_dom(d);
    CHECK(total_free_pages() == base_free - 1, "held frame outlives its table");
    put_page(mfn_to_page(_mfn(list[0])));
    check_no_leaks("map_frame");
}

static void test_map_errors(void)
{
    struct domain *g = mkdom_lim(1, 2, -1), *m = mkdom(2), *o = mkdom(3);
    mfn_t page = give_page(g, RAM_GFN), mmio = alloc_pages(0);
    grant_handle_t h;
    p2m_type_t t;

    p2m_map_range(g, _gfn(RAM_GFN + 1), mmio, 1, p2m_mmio_direct_dev);
    grant(g, 10, GTF_permit_access, 2, RAM_GFN);

    CHECK_EQ(map1(m, 1, 10, 0, MAP_GFN, &h), GNTST_bad_gntref);
    CHECK_EQ(map1(m, 1, 10, GNTMAP_readonly, MAP_GFN, &h), GNTST_bad_gntref);
    CHECK_EQ(map1(m, 1, 10, GNTMAP_device_map, MAP_GFN, &h), GNTST_general_error);
    CHECK_EQ(map1(m, 1, 10, GNTMAP_host_map | GNTMAP_device_map, MAP_GFN, &h),
             GNTST_general_error);
    CHECK_EQ(map1(m, 1, 10, GNTMAP_host_map | GNTMAP_application_map, MAP_GFN, &h),
             GNTST_general_error);
    CHECK_EQ(map1(m, 1, 10, GNTMAP_host_map | GNTMAP_contains_pte, MAP_GFN, &h),
             GNTST_general_error);
    CHECK_EQ(map1(m, 9, 10, GNTMAP_host_map, MAP_GFN, &h), GNTST_bad_domain);
    CHECK_EQ(map1(m, DOMID_SELF, 10, GNTMAP_host_map, MAP_GFN, &h), GNTST_bad_domain);
    CHECK_EQ(map1(m, 1, 512, GNTMAP_host_map, MAP_GFN, &h), GNTST_bad_gntref);
    CHECK_EQ(map1(m, 1, 0xffffffff, GNTMAP_host_map, MAP_GFN, &h), GNTST_bad_gntref);
    /* Not granted to us, not granted at all, the wrong kind of grant. */
    CHECK_EQ(map1(o, 1, 10, GNTMAP_host_map, MAP_GFN, &h), GNTST_general_error);
    CHECK_EQ(map1(m, 1, 11, GNTMAP_host_map, MAP_GFN, &h), GNTST_general_error);
    grant(g, 11, GTF_accept_transfer, 2, RAM_GFN);
    CHECK_EQ(map1(m, 1, 11, GNTMAP_host_map, MAP_GFN, &h), GNTST_general_error);
    grant(g, 11, GTF_permit_access | GTF_sub_page, 2, RAM_GFN);
    CHECK_EQ(map1(m, 1, 11, GNTMAP_host_map, MAP_GFN, &h), GNTST_general_error);
    grant(g, 11, GTF_permit_access | GTF_readonly, 2, RAM_GFN);
    CHECK_EQ(map1(m, 1, 11, GNTMAP_host_map, MAP_GFN, &h), GNTST_general_error);
    CHECK_EQ(status_of(g, 11), 0);
    /* Frames that are not the granter's RAM. */
    grant(g, 12, GTF_permit_access, 2, RAM_GFN + 1);    /* MMIO */
    CHECK_EQ(map1(m, 1, 12, GNTMAP_host_map, MAP_GFN, &h), GNTST_bad_page);
    grant(g, 12, GTF_permit_access, 2, RAM_GFN + 2);    /* nothing */
    CHECK_EQ(map1(m, 1, 12, GNTMAP_host_map, MAP_GFN, &h), GNTST_bad_page);
    grant(g, 12, GTF_permit_access, 2, 0xffffffffU);
    CHECK_EQ(map1(m, 1, 12, GNTMAP_host_map, MAP_GFN, &h), GNTST_bad_page);
    CHECK_EQ(status_of(g, 12), 0);
    /* A page m owns, placed in g's p2m (as RAM, a grant mapping, a foreign one): not g's to grant. */
    p2m_map_range(g, _gfn(RAM_GFN + 3), give_page(m, RAM_GFN), 1, p2m_ram_rw);
    grant(g, 12, GTF_permit_access, 2, RAM_GFN + 3);
    CHECK_EQ(map1(m, 1, 12, GNTMAP_host_map, MAP_GFN, &h), GNTST_bad_page);
    p2m_map_range(g, _gfn(RAM_GFN + 3), p2m_lookup(m, _gfn(RAM_GFN), NULL), 1, p2m_grant_map_rw);
    CHECK_EQ(map1(m, 1, 12, GNTMAP_host_map, MAP_GFN, &h), GNTST_bad_page);
    p2m_map_range(g, _gfn(RAM_GFN + 3), p2m_lookup(m, _gfn(RAM_GFN), NULL), 1,
                  p2m_map_foreign_rw);
    CHECK_EQ(map1(m, 1, 12, GNTMAP_host_map, MAP_GFN, &h), GNTST_bad_page);
    /* g's own page through a grant mapping of its own: fine, as on Xen. */
    p2m_map_range(g, _gfn(RAM_GFN + 3), page, 1, p2m_grant_map_ro);
    CHECK_EQ(map1(m, 1, 12, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN, &h), GNTST_okay);
    CHECK_EQ(unmap1(m, MAP_GFN, h), GNTST_okay);
    /* Arm's host mappings: no other flag bits, a valid address (cache attributes do not matter). */
    grant(g, 13, GTF_permit_access | GTF_PAT, 2, RAM_GFN);
    CHECK_EQ(map1(m, 1, 13, GNTMAP_host_map, MAP_GFN, &h), GNTST_okay);
    CHECK_EQ(unmap1(m, MAP_GFN, h), GNTST_okay);
    CHECK_EQ(map1(m, 1, 10, GNTMAP_host_map | (1u << 16), MAP_GFN, &h), GNTST_general_error);
    CHECK_EQ(map1(m, 1, 10, GNTMAP_host_map, P2M_GFN_LIMIT, &h), GNTST_general_error);
    p2m_fail_next = -ENOMEM;
    CHECK_EQ(map1(m, 1, 10, GNTMAP_host_map, MAP_GFN, &h), GNTST_general_error);
    CHECK_EQ(status_of(g, 10), 0);
    CHECK_EQ(status_of(g, 13), 0);
    CHECK_EQ(refs(page), 1);
    CHECK_EQ(p2m_count(m, true, NULL), 0);
    /* Pinned by m: nobody else gets it, even read-only. */
    CHECK_EQ(map1(m, 1, 10, GNTMAP_host_map, MAP_GFN, &h), GNTST_okay);
    grant(g, 10, GTF_permit_access, 3, RAM_GFN);
    CHECK_EQ(map1(o, 1, 10, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN, &h), GNTST_general_error);
    CHECK(mfn_eq(p2m_lookup(m, _gfn(MAP_GFN), &t), page) && t == p2m_grant_map_rw,
          "the first mapping is untouched");
    CHECK_EQ(p2m_count(o, true, NULL), 0);

    kill_dom(o);
    kill_dom(m);
    kill_dom(g);
    free_pages(mmio, 0);
    check_no_leaks("map errors");
}

static void test_map_unmap(void)
{
    struct domain *g = mkdom(1), *m = mkdom(2);
    mfn_t page = give_page(g, RAM_GFN), page2 = give_page(g, RAM_GFN + 1);
    grant_handle_t h[4];
    p2m_type_t t;

    grant(g, 20, GTF_permit_access, 2, RAM_GFN);
    strcpy(mfn_to_virt(page), "hello from g");
    {
        struct gnttab_map_grant_ref op = {
            .host_addr = MAP_GFN << PAGE_SHIFT, .flags = GNTMAP_host_map, .ref = 20, .dom = 1,
        };

        CHECK_EQ(gop(m, GNTTABOP_map_grant_ref, &op, 1), 0);
        CHECK(op.status == GNTST_okay && op.handle == 0 &&
              op.dev_bus_addr == mfn_to_maddr(page), "map: %d %u %#llx", op.status, op.handle,
              (unsigned long long)op.dev_bus_addr);
        h[0] = op.handle;
    }
    CHECK(mfn_eq(p2m_lookup(m, _gfn(MAP_GFN), &t), page) && t == p2m_grant_map_rw, "mapped rw");
    CHECK(!strcmp(mfn_to_virt(p2m_lookup(m, _gfn(MAP_GFN), NULL)), "hello from g"), "contents");
    CHECK_EQ(status_of(g, 20), GTF_reading | GTF_writing);
    CHECK_EQ(refs(page), 2);
    /* A second, read-only mapping of the same grant; a new frame number does not matter. */
    write_atomic(&e1(g, 20)->frame, (uint32_t)(RAM_GFN + 1));
    CHECK_EQ(map1(m, 1, 20, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN + 1, &h[1]), GNTST_okay);
    CHECK(mfn_eq(p2m_lookup(m, _gfn(MAP_GFN + 1), &t), page) && t == p2m_grant_map_ro,
          "mapped ro, the pinned frame");
    CHECK_EQ(h[1], 1);
    CHECK_EQ(refs(page), 3);
    CHECK_EQ(refs(page2), 1);
    /* Unmapping: an address without the frame, none, stale handles. */
    CHECK_EQ(unmap1(m, MAP_GFN + 5, h[0]), GNTST_general_error);
    CHECK_EQ(unmap1(m, 0, h[0]), GNTST_okay);
    CHECK_EQ(refs(page), 3);
    CHECK_EQ(unmap1(m, MAP_GFN, 2), GNTST_bad_handle);
    CHECK_EQ(unmap1(m, MAP_GFN, 256), GNTST_bad_handle);
    CHECK_EQ(unmap1(m, MAP_GFN, 0xffffffff), GNTST_bad_handle);
    /* As Xen: any address mapping the same frame will do (here h[1]'s). */
    CHECK_EQ(unmap1(m, MAP_GFN + 1, h[0]), GNTST_okay);
    CHECK_EQ(unmap1(m, MAP_GFN, h[0]), GNTST_bad_handle);
    CHECK_EQ(p2m_lookup(m, _gfn(MAP_GFN + 1), NULL).mfn, INVALID_MFN.mfn);
    CHECK_EQ(status_of(g, 20), GTF_reading);            /* the reader is left */
    CHECK_EQ(refs(page), 2);
    CHECK_EQ(p2m_count(m, true, NULL), 1);              /* never more entries than handles */
    CHECK_EQ(unmap1(m, MAP_GFN + 1, h[1]), GNTST_general_error);
    CHECK_EQ(unmap1(m, MAP_GFN, h[1]), GNTST_okay);
    CHECK_EQ(refs(page), 1);
    CHECK_EQ(status_of(g, 20), 0);
    CHECK_EQ(p2m_count(m, true, NULL), 0);
    /* Unpinned, the entry is read again: the new frame number counts now. */
    CHECK_EQ(map1(m, 1, 20, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN + 1, &h[1]), GNTST_okay);
    CHECK(mfn_eq(p2m_lookup(m, _gfn(MAP_GFN + 1), NULL), page2), "the new frame");
    CHECK_EQ(refs(page2), 2);
    /* The guest put something else where a mapping was: unmap refuses, nothing leaks later. */
    give_page(m, MAP_GFN + 1);
    CHECK_EQ(unmap1(m, MAP_GFN + 1, h[1]), GNTST_general_error);
    CHECK_EQ(refs(page2), 2);
    /* unmap_and_replace: Arm has no replacement. */
    {
        struct gnttab_unmap_and_replace op = {
            .host_addr = (MAP_GFN + 2) << PAGE_SHIFT, .new_addr = 0x1000, .handle = h[1],
        };

        CHECK_EQ(map1(m, 1, 20, GNTMAP_host_map, MAP_GFN + 2, &h[2]), GNTST_okay);
        CHECK_EQ(h[2], 3);
        op.handle = h[2];
        CHECK_EQ(gop(m, GNTTABOP_unmap_and_replace, &op, 1), 0);
        CHECK_EQ(op.status, GNTST_general_error);
        op.new_addr = 0;
        CHECK_EQ(gop(m, GNTTABOP_unmap_and_replace, &op, 1), 0);
        CHECK_EQ(op.status, GNTST_okay);
        CHECK_EQ(p2m_count(m, true, NULL), 0);
    }
    /* Handles come back oldest first, after the rest of the first batch. */
    CHECK_EQ(map1(m, 1, 20, GNTMAP_host_map, MAP_GFN + 3, &h[3]), GNTST_okay);
    CHECK_EQ(h[3], 4);
    CHECK_EQ(unmap1(m, MAP_GFN + 3, h[3]), GNTST_okay);
    /* Mapping our own grant is allowed (by domain id, not DOMID_SELF). */
    grant(g, 21, GTF_permit_access, 1, RAM_GFN);
    CHECK_EQ(map1(g, 1, 21, GNTMAP_host_map, MAP_GFN, &h[0]), GNTST_okay);
    CHECK_EQ(refs(page), 2);
    CHECK_EQ(unmap1(g, MAP_GFN, h[0]), GNTST_okay);
    CHECK_EQ(refs(page), 1);
    CHECK_EQ(status_of(g, 21), 0);

    /* h[1] is still held (its address was taken over): the domain's end releases it. */
    CHECK_EQ(status_of(g, 20), GTF_reading);
    kill_dom(m);
    CHECK_EQ(status_of(g, 20), 0);
    CHECK_EQ(refs(page2), 1);
    CHECK_EQ(refs(page), 1);
    kill_dom(g);
    check_no_leaks("map/unmap");
}

static void test_limits(void)
{
    struct domain *g = mkdom(1), *m = mkdom_lim(2, 1, 1);
    mfn_t page = give_page(g, RAM_GFN);
    grant_handle_t h;
    unsigned int n = 0;

    grant(g, 30, GTF_permit_access, 2, RAM_GFN);
    grant(g, 31, GTF_permit_access, 2, RAM_GFN);
    grant(g, 32, GTF_permit_access, 2, RAM_GFN);
    /* One maptrack frame: 255 mappings (one free entry always stays in reserve). */
    while (n < 300 && map1(m, 1, 30 + n / 120, GNTMAP_host_map | GNTMAP_readonly,
                           MAP_GFN + n, &h) == GNTST_okay)
        n++;
    CHECK_EQ(n, 255);
    CHECK_EQ(map1(m, 1, 30, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN + 400, &h), GNTST_no_space);
    CHECK_EQ(refs(page), 256);
    CHECK_EQ(unmap1(m, MAP_GFN + 5, 5), GNTST_okay);
    CHECK_EQ(map1(m, 1, 30, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN + 5, &h), GNTST_okay);
    CHECK_EQ(h, 255);
    kill_dom(m);
    CHECK_EQ(refs(page), 1);
    CHECK_EQ(status_of(g, 30), 0);

    /* No maptrack at all. */
    m = mkdom_lim(2, 1, 0);
    CHECK_EQ(map1(m, 1, 30, GNTMAP_host_map, MAP_GFN, &h), GNTST_no_space);
    kill_dom(m);

    /* 8-bit pin counters: 128 writable mappings of one grant, then no more. */
    m = mkdom(2);
    n = 0;
    while (n < 200 && map1(m, 1, 30, GNTMAP_host_map, MAP_GFN + n, &h) == GNTST_okay)
        n++;
    CHECK_EQ(n, 128);
    CHECK_EQ(map1(m, 1, 30, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN + 300, &h), GNTST_okay);
    kill_dom(m);
    CHECK_EQ(refs(page), 1);
    CHECK_EQ(status_of(g, 30), 0);
    kill_dom(g);
    check_no_leaks("limits");
}

static void test_batches(void)
{
    struct domain *g = mkdom(1), *m = mkdom(2);
    struct gnttab_map_grant_ref maps[40];
    struct gnttab_unmap_grant_ref unmaps[40];

    give_page(g, RAM_GFN);
    grant(g, 40, GTF_permit_access, 2, RAM_GFN);
    memset(maps, 0, sizeof(maps));
    for (unsigned int i = 0; i < 40; i++) {
        maps[i].host_addr = (MAP_GFN + i) << PAGE_SHIFT;
        maps[i].flags = GNTMAP_host_map | GNTMAP_readonly;
        maps[i].ref = 40;
        maps[i].dom = 1;
    }
    CHECK_EQ(gop(m, 0x80000000U | GNTTABOP_map_grant_ref, maps, 1), -EINVAL);
    CHECK_EQ(gop(m, (1U << 12) | GNTTABOP_map_grant_ref, maps, 1), -EINVAL);
    CHECK_EQ(gop(m, GNTTABOP_map_grant_ref, maps, 0x80000000U), -EINVAL);
    CHECK_EQ(gop(m, GNTTABOP_map_grant_ref, maps, 0), 0);
    /* Preempted after the first: continued with the rest. */
    force_preempt = true;
    memset(&fake_cont, 0, sizeof(fake_cont));
    CHECK_EQ(gop(m, GNTTABOP_map_grant_ref, maps, 3), __HYPERVISOR_grant_table_op);
    force_preempt = false;
    CHECK(fake_cont.count == 1 && fake_cont.args[0] == GNTTABOP_map_grant_ref &&
          fake_cont.args[1] == (uint64_t)(uintptr_t)&maps[1] && fake_cont.args[2] == 2,
          "map continuation %lu %#llx %#llx", fake_cont.count,
          (unsigned long long)fake_cont.args[0], (unsigned long long)fake_cont.args[2]);
    CHECK(maps[0].status == GNTST_okay && maps[0].handle == 0, "first done");
    CHECK_EQ(gop(m, GNTTABOP_map_grant_ref, &maps[1], 39), 0);
    for (unsigned int i = 0; i < 40; i++)
        CHECK(maps[i].status == GNTST_okay && maps[i].handle == i, "map %u: %d", i, maps[i].status);
    /* A fault ends the batch; what was done stays done. */
    memcpy(bad_area - 2 * sizeof(maps[0]), &maps[0], 2 * sizeof(maps[0]));
    CHECK_EQ(gop(m, GNTTABOP_map_grant_ref, bad_area - 2 * sizeof(maps[0]), 3), -EFAULT);
    CHECK_EQ(p2m_count(m, true, NULL), 40);             /* same addresses: replaced */
    memcpy(ro_area, &maps[0], sizeof(maps[0]));
    CHECK_EQ(gop(m, GNTTABOP_map_grant_ref, ro_area, 1), -EFAULT);

    /* Unmaps: a preemption point after each 32. */
    memset(unmaps, 0, sizeof(unmaps));
    for (unsigned int i = 0; i < 40; i++) {
        unmaps[i].host_addr = (MAP_GFN + i) << PAGE_SHIFT;
        unmaps[i].handle = i;
    }
    force_preempt = true;
    memset(&fake_cont, 0, sizeof(fake_cont));
    CHECK_EQ(gop(m, GNTTABOP_unmap_grant_ref, unmaps, 40), __HYPERVISOR_grant_table_op);
    force_preempt = false;
    CHECK(fake_cont.count == 1 && fake_cont.args[1] == (uint64_t)(uintptr_t)&unmaps[32] &&
          fake_cont.args[2] == 8, "unmap continuation");
    CHECK_EQ(gop(m, GNTTABOP_unmap_grant_ref, &unmaps[32], 8), 0);
    for (unsigned int i = 0; i < 40; i++)
        CHECK_EQ(unmaps[i].status, GNTST_okay);
    CHECK_EQ(gop(m, GNTTABOP_unmap_grant_ref, bad_area, 1), -EFAULT);
    memcpy(ro_area, &unmaps[0], sizeof(unmaps[0]));
    CHECK_EQ(gop(m, GNTTABOP_unmap_grant_ref, ro_area, 1), -EFAULT);
    /* The three made while faulting shared addresses 0 and 1: gone with those. */
    CHECK_EQ(p2m_count(m, true, NULL), 0);
    kill_dom(m);
    kill_dom(g);
    check_no_leaks("batches");
}

static void test_copy(void)
{
    struct domain *g = mkdom(1), *m = mkdom(2), *o = mkdom(3);
    mfn_t gp = give_page(g, RAM_GFN), mp = give_page(m, RAM_GFN);
    struct gnttab_copy op;

    give_page(o, RAM_GFN);
    char *gv = mfn_to_virt(gp), *mv = mfn_to_virt(mp);

    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        gv[i] = (char)i;
    grant(g, 50, GTF_permit_access, 2, RAM_GFN);
    grant(g, 51, GTF_permit_access | GTF_readonly, 2, RAM_GFN);

    /* From a grant into our own frame. */
    memset(&op, 0, sizeof(op));
    op.source.u.ref = 50;
    op.source.domid = 1;
    op.source.offset = 100;
    op.dest.u.gmfn = RAM_GFN;
    op.dest.domid = DOMID_SELF;
    op.dest.offset = 10;
    op.len = 200;
    op.flags = GNTCOPY_source_gref;
    CHECK_EQ(copy1(m, &op), GNTST_okay);
    CHECK(!memcmp(mv + 10, gv + 100, 200) && mv[9] == 0 && mv[210] == 0, "copied");
    CHECK_EQ(status_of(g, 50), 0);
    CHECK_EQ(refs(gp), 1);
    /* ... and back, into the granted page. */
    memset(mv, 0x77, 64);
    op.source.u.gmfn = RAM_GFN;
    op.source.domid = DOMID_SELF;
    op.source.offset = 0;
    op.dest.u.ref = 50;
    op.dest.domid = 1;
    op.dest.offset = 4000;
    op.len = 64;
    op.flags = GNTCOPY_dest_gref;
    CHECK_EQ(copy1(m, &op), GNTST_okay);
    CHECK(gv[4000] == 0x77 && gv[4063] == 0x77, "copied into the grant");
    op.dest.offset = 4033;
    CHECK_EQ(copy1(m, &op), GNTST_bad_copy_arg);
    op.dest.offset = 0;
    op.dest.u.ref = 51;                                 /* read-only grant */
    CHECK_EQ(copy1(m, &op), GNTST_general_error);
    CHECK_EQ(status_of(g, 51), 0);
    op.dest.u.ref = 52;                                 /* not granted */
    CHECK_EQ(copy1(m, &op), GNTST_general_error);
    op.dest.u.ref = 5000;
    CHECK_EQ(copy1(m, &op), GNTST_bad_gntref);
    CHECK_EQ(copy1(o, &op), GNTST_bad_gntref);          /* range before grantee */
    op.dest.u.ref = 50;
    CHECK_EQ(copy1(o, &op), GNTST_general_error);       /* granted to someone else */
    op.dest.domid = 8;
    CHECK_EQ(copy1(m, &op), GNTST_bad_domain);
    /* Frames by number are for the caller's own memory only. */
    op.dest.domid = 1;
    op.flags = 0;
    op.dest.u.gmfn = RAM_GFN;
    CHECK_EQ(copy1(m, &op), GNTST_permission_denied);
    op.dest.domid = DOMID_SELF;
    op.source.u.gmfn = RAM_GFN + 1;
    CHECK_EQ(copy1(m, &op), GNTST_bad_page);
    op.source.u.gmfn = RAM_GFN;
    op.source.offset = 4095;
    op.len = 2;
    CHECK_EQ(copy1(m, &op), GNTST_bad_copy_arg);
    op.len = 1;
    CHECK_EQ(copy1(m, &op), GNTST_okay);
    op.len = 0;
    CHECK_EQ(copy1(m, &op), GNTST_okay);
    /* While m maps the grant read-only, copying into it is still fine (writers upgrade). */
    {
        grant_handle_t h;

        CHECK_EQ(map1(m, 1, 50, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN, &h), GNTST_okay);
        op.flags = GNTCOPY_dest_gref;
        op.dest.u.ref = 50;
        op.dest.domid = 1;
        op.source.offset = 0;
        op.dest.offset = 0;
        op.len = 16;
        CHECK_EQ(copy1(m, &op), GNTST_okay);
        CHECK_EQ(status_of(g, 50), GTF_reading);
        CHECK_EQ(copy1(o, &op), GNTST_general_error);   /* pinned by m */
        CHECK_EQ(unmap1(m, MAP_GFN, h), GNTST_okay);
        CHECK_EQ(status_of(g, 50), 0);
    }
    /* Batches: preemption and faults. */
    {
        struct gnttab_copy ops[3];

        for (unsigned int i = 0; i < 3; i++)
            ops[i] = op;
        force_preempt = true;
        memset(&fake_cont, 0, sizeof(fake_cont));
        CHECK_EQ(gop(m, GNTTABOP_copy, ops, 3), __HYPERVISOR_grant_table_op);
        force_preempt = false;
        CHECK(fake_cont.args[1] == (uint64_t)(uintptr_t)&ops[1] && fake_cont.args[2] == 2,
              "copy continuation");
        CHECK_EQ(gop(m, GNTTABOP_copy, bad_area, 1), -EFAULT);
        memcpy(ro_area, &op, sizeof(op));
        CHECK_EQ(gop(m, GNTTABOP_copy, ro_area, 1), -EFAULT);
    }
    CHECK_EQ(refs(gp), 1);
    CHECK_EQ(refs(mp), 1);
    kill_dom(o);
    kill_dom(m);
    kill_dom(g);
    check_no_leaks("copy");
}

static void test_version_ops(void)
{
    struct domain *d = mkdom(1), *o = mkdom(2);
    struct gnttab_set_version sv;
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    struct gnttab_get_status_frames gs = { .dom = DOMID_SELF };
    uint64_t list[4];

    CHECK_EQ(gop(d, GNTTABOP_get_version, &gv, 1), 0);
    CHECK_EQ(gv.version, 1);
    gv.dom = 9;
    CHECK_EQ(gop(d, GNTTABOP_get_version, &gv, 1), -ESRCH);
    gv.dom = 2;
    CHECK_EQ(gop(d, GNTTABOP_get_version, &gv, 1), -EPERM);
    CHECK_EQ(gop(d, GNTTABOP_get_version, bad_area, 1), -EFAULT);
    memcpy(ro_area, &gv, sizeof(gv));
    gv.dom = DOMID_SELF;
    memcpy(ro_area, &gv, sizeof(gv));
    CHECK_EQ(gop(d, GNTTABOP_get_version, ro_area, 1), -EFAULT);

    sv.version = 3;
    CHECK_EQ(gop(d, GNTTABOP_set_version, &sv, 1), -EINVAL);
    CHECK_EQ(sv.version, 1);
    sv.version = 0;
    CHECK_EQ(gop(d, GNTTABOP_set_version, &sv, 1), -EINVAL);
    sv.version = 1;
    CHECK_EQ(gop(d, GNTTABOP_set_version, &sv, 1), 0);
    CHECK_EQ(gop(d, GNTTABOP_set_version, bad_area, 1), -EFAULT);
    memcpy(ro_area, &sv, sizeof(sv));
    CHECK_EQ(gop(d, GNTTABOP_set_version, ro_area, 1), -EFAULT);

    set_xen_guest_handle(gs.frame_list, list);
    gs.nr_frames = 0;
    CHECK_EQ(gop(d, GNTTABOP_get_status_frames, &gs, 1), 0);
    CHECK_EQ(gs.status, GNTST_okay);
    gs.nr_frames = 1;
    CHECK_EQ(gop(d, GNTTABOP_get_status_frames, &gs, 1), 0);
    CHECK_EQ(gs.status, GNTST_general_error);
    CHECK_EQ(gop(d, GNTTABOP_get_status_frames, &gs, 2), -EINVAL);
    CHECK_EQ(gop(d, GNTTABOP_get_status_frames, bad_area, 1), -EFAULT);
    gs.dom = 9;
    CHECK_EQ(gop(d, GNTTABOP_get_status_frames, &gs, 1), 0);
    CHECK_EQ(gs.status, GNTST_bad_domain);
    gs.dom = 2;
    CHECK_EQ(gop(d, GNTTABOP_get_status_frames, &gs, 1), 0);
    CHECK_EQ(gs.status, GNTST_permission_denied);

    sv.version = 2;
    if (!V2) {
        CHECK_EQ(gop(d, GNTTABOP_set_version, &sv, 1), -ENOSYS);
        CHECK_EQ(sv.version, 1);
    } else {
        mfn_t page = give_page(d, RAM_GFN);
        grant_handle_t h;

        /* Reserved entries carry over; pins beyond them forbid a switch. */
        grant(d, 1, GTF_permit_access | GTF_readonly, 2, RAM_GFN);
        grant(d, 9, GTF_permit_access, 2, RAM_GFN);
        CHECK_EQ(map1(o, 1, 9, GNTMAP_host_map, MAP_GFN, &h), GNTST_okay);
        CHECK_EQ(gop(d, GNTTABOP_set_version, &sv, 1), -EBUSY);
        CHECK_EQ(sv.version, 1);
        CHECK_EQ(unmap1(o, MAP_GFN, h), GNTST_okay);
        CHECK_EQ(map1(o, 1, 1, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN, &h), GNTST_okay);
        sv.version = 2;
        CHECK_EQ(gop(d, GNTTABOP_set_version, &sv, 1), 0);
        CHECK_EQ(sv.version, 2);
        CHECK_EQ(version_of(d), 2);
        CHECK(e2(d, 1)->hdr.flags == (GTF_permit_access | GTF_readonly) &&
              e2(d, 1)->hdr.domid == 2 && e2(d, 1)->full_page.frame == RAM_GFN &&
              *st2(d, 1) == GTF_reading, "entry 1 in version 2 form");
        CHECK_EQ(e2(d, 9)->hdr.flags, 0);
        gs.dom = DOMID_SELF;
        gs.nr_frames = 1;
        list[0] = 0;
        CHECK_EQ(gop(d, GNTTABOP_get_status_frames, &gs, 1), 0);
        CHECK(gs.status == GNTST_okay && list[0] == ST_GFN, "status frame at %#llx",
              (unsigned long long)list[0]);
        gs.nr_frames = 2;
        CHECK_EQ(gop(d, GNTTABOP_get_status_frames, &gs, 1), 0);
        CHECK_EQ(gs.status, GNTST_general_error);
        /* Unmapping the reserved entry clears its status word. */
        CHECK_EQ(unmap1(o, MAP_GFN, h), GNTST_okay);
        CHECK_EQ(*st2(d, 1), 0);
        /* Back to 1: not with entries version 1 cannot express. */
        grant(d, 2, GTF_transitive, 2, 0);
        sv.version = 1;
        CHECK_EQ(gop(d, GNTTABOP_set_version, &sv, 1), -ERANGE);
        CHECK_EQ(sv.version, 2);
        grant(d, 2, GTF_permit_access, 2, 1ULL << 32);
        sv.version = 1;
        CHECK_EQ(gop(d, GNTTABOP_set_version, &sv, 1), -ERANGE);
        grant(d, 2, GTF_permit_access, 2, RAM_GFN);
        /* ... nor while someone holds a status frame. */
        {
            xen_pfn_t mfns[1];

            CHECK_EQ(gnttab_acquire_resource(d, XENMEM_resource_grant_table_id_status, 0, 1,
                                             mfns), 1);
            sv.version = 1;
            CHECK_EQ(gop(d, GNTTABOP_set_version, &sv, 1), -EBUSY);
            CHECK_EQ(sv.version, 2);
            put_page(mfn_to_page(_mfn(mfns[0])));
        }
        sv.version = 1;
        CHECK_EQ(gop(d, GNTTABOP_set_version, &sv, 1), 0);
        CHECK_EQ(sv.version, 1);
        CHECK(e1(d, 2)->flags == GTF_permit_access && e1(d, 2)->frame == RAM_GFN &&
              e1(d, 1)->flags == (GTF_permit_access | GTF_readonly), "entries back in version 1");
        CHECK_EQ(p2m_lookup(d, _gfn(ST_GFN), NULL).mfn, INVALID_MFN.mfn);   /* status frame gone */
        CHECK_EQ(refs(page), 1);
    }
    kill_dom(o);
    kill_dom(d);
    check_no_leaks("versions");
}

/* Version 2 only: sub-page and transitive grants, status frames. */
static void test_v2(void)
{
    struct domain *a = mkdom(1), *b = mkdom(2), *c = mkdom(3);
    struct gnttab_set_version sv = { .version = 2 };
    struct gnttab_copy op;
    mfn_t ap = give_page(a, RAM_GFN), cp = give_page(c, RAM_GFN);
    grant_handle_t h;
    char *av = mfn_to_virt(ap), *cv = mfn_to_virt(cp);

    CHECK_EQ(gop(a, GNTTABOP_set_version, &sv, 1), 0);
    CHECK_EQ(gop(b, GNTTABOP_set_version, &sv, 1), 0);
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        av[i] = (char)(i * 7);

    /* A whole page, version 2 layout: mapped, status in its own frame. */
    grant(a, 300, GTF_permit_access, 3, RAM_GFN);
    CHECK_EQ(map1(c, 1, 300, GNTMAP_host_map, MAP_GFN, &h), GNTST_okay);
    CHECK_EQ(*st2(a, 300), GTF_reading | GTF_writing);
    CHECK_EQ(e2(a, 300)->hdr.flags, GTF_permit_access);
    CHECK_EQ(map1(c, 1, 256 * 2, GNTMAP_host_map, MAP_GFN + 1, &h), GNTST_bad_gntref);
    CHECK_EQ(unmap1(c, MAP_GFN, 0), GNTST_okay);
    CHECK_EQ(*st2(a, 300), 0);

    /* Sub-page: copy within the window only; never mapped. */
    {
        grant_entry_v2_t *e = e2(a, 301);

        e->hdr.domid = 3;
        e->sub_page.frame = RAM_GFN;
        e->sub_page.page_off = 512;
        e->sub_page.length = 100;
        __atomic_store_n(&e->hdr.flags, GTF_permit_access | GTF_sub_page, __ATOMIC_RELEASE);
    }
    CHECK_EQ(map1(c, 1, 301, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN, &h), GNTST_general_error);
    memset(&op, 0, sizeof(op));
    op.source.u.ref = 301;
    op.source.domid = 1;
    op.source.offset = 512;
    op.dest.u.gmfn = RAM_GFN;
    op.dest.domid = DOMID_SELF;
    op.len = 100;
    op.flags = GNTCOPY_source_gref;
    CHECK_EQ(copy1(c, &op), GNTST_okay);
    CHECK(!memcmp(cv, av + 512, 100), "sub-page copied");
    op.source.offset = 511;
    CHECK_EQ(copy1(c, &op), GNTST_general_error);
    op.source.offset = 513;
    CHECK_EQ(copy1(c, &op), GNTST_general_error);
    CHECK_EQ(*st2(a, 301), 0);

    /* Transitive: b passes a's grant 302 (to b) on to c as b's 40. */
    grant(a, 302, GTF_permit_access, 2, RAM_GFN);
    {
        grant_entry_v2_t *e = e2(b, 40);

        e->hdr.domid = 3;
        e->transitive.trans_domid = 1;
        e->transitive.gref = 302;
        __atomic_store_n(&e->hdr.flags, GTF_transitive, __ATOMIC_RELEASE);
    }
    CHECK_EQ(map1(c, 2, 40, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN, &h), GNTST_general_error);
    memset(cv, 0, PAGE_SIZE);
    op.source.u.ref = 40;
    op.source.domid = 2;
    op.source.offset = 1000;
    op.len = 50;
    CHECK_EQ(copy1(c, &op), GNTST_okay);
    CHECK(!memcmp(cv, av + 1000, 50), "transitive copy");
    CHECK_EQ(*st2(a, 302), 0);
    CHECK_EQ(*st2(b, 40), 0);
    CHECK_EQ(refs(ap), 1);
    /* Not to itself, not through a missing domain, not two levels deep. */
    e2(b, 40)->transitive.trans_domid = 2;
    CHECK_EQ(copy1(c, &op), GNTST_general_error);
    e2(b, 40)->transitive.trans_domid = 9;
    CHECK_EQ(copy1(c, &op), GNTST_general_error);
    {
        grant_entry_v2_t *e = e2(a, 303);

        e->hdr.domid = 2;
        e->transitive.trans_domid = 3;
        e->transitive.gref = 1;
        __atomic_store_n(&e->hdr.flags, GTF_transitive, __ATOMIC_RELEASE);
    }
    e2(b, 40)->transitive.trans_domid = 1;
    e2(b, 40)->transitive.gref = 303;
    CHECK_EQ(copy1(c, &op), GNTST_general_error);
    CHECK_EQ(*st2(b, 40), 0);
    CHECK_EQ(*st2(a, 303), 0);

    /* Status frames through acquire_resource. */
    {
        xen_pfn_t mfns[2];

        CHECK_EQ(gnttab_resource_max_frames(a, XENMEM_resource_grant_table_id_status), 8);
        /* One status frame per 8 grant frames: asking for the second grows the table to 16. */
        CHECK_EQ(gnttab_acquire_resource(a, XENMEM_resource_grant_table_id_status, 0, 2, mfns), 2);
        CHECK_EQ(qsize(a, DOMID_SELF).nr_frames, 16);
        put_page(mfn_to_page(_mfn(mfns[0])));
        put_page(mfn_to_page(_mfn(mfns[1])));
        CHECK_EQ(gnttab_map_frame(a, 1 | XENMAPIDX_grant_table_status, _gfn(ST_GFN + 1), &ap), 0);
        CHECK_EQ(gnttab_map_frame(a, 8 | XENMAPIDX_grant_table_status, _gfn(ST_GFN + 8), &ap),
                 -EINVAL);
        CHECK_EQ(gnttab_acquire_resource(a, XENMEM_resource_grant_table_id_status, 7, 1, mfns),
                 1);
        CHECK_EQ(qsize(a, DOMID_SELF).nr_frames, 64);
        put_page(mfn_to_page(_mfn(mfns[0])));
    }
    kill_dom(c);
    kill_dom(b);
    kill_dom(a);
    check_no_leaks("version 2");
}

static void test_swap_flush_misc(void)
{
    struct domain *d = mkdom(1), *o = mkdom(2);
    mfn_t page = give_page(d, RAM_GFN), opage = give_page(o, RAM_GFN);
    struct gnttab_swap_grant_ref sw[2];
    struct gnttab_cache_flush cf;
    grant_handle_t h;

    grant(d, 60, GTF_permit_access, 2, RAM_GFN);
    grant(d, 61, GTF_permit_access | GTF_readonly, 3, RAM_GFN + 5);
    sw[0] = (struct gnttab_swap_grant_ref){ .ref_a = 60, .ref_b = 61 };
    sw[1] = (struct gnttab_swap_grant_ref){ .ref_a = 60, .ref_b = 600 };
    CHECK_EQ(gop(d, GNTTABOP_swap_grant_ref, sw, 2), 0);
    CHECK(sw[0].status == GNTST_okay && sw[1].status == GNTST_bad_gntref, "swap statuses");
    CHECK(e1(d, 60)->domid == 3 && e1(d, 61)->domid == 2 && e1(d, 61)->frame == RAM_GFN,
          "swapped");
    sw[0] = (struct gnttab_swap_grant_ref){ .ref_a = 61, .ref_b = 61 };
    CHECK_EQ(gop(d, GNTTABOP_swap_grant_ref, sw, 1), 0);
    CHECK_EQ(sw[0].status, GNTST_okay);
    CHECK_EQ(map1(o, 1, 61, GNTMAP_host_map, MAP_GFN, &h), GNTST_okay);
    sw[0] = (struct gnttab_swap_grant_ref){ .ref_a = 60, .ref_b = 61 };
    CHECK_EQ(gop(d, GNTTABOP_swap_grant_ref, sw, 1), 0);
    CHECK_EQ(sw[0].status, GNTST_eagain);
    CHECK_EQ(gop(d, GNTTABOP_swap_grant_ref, bad_area, 1), -EFAULT);

    /* cache_flush: own frames, frames mapped through a grant, nothing else. */
    memset(&cf, 0, sizeof(cf));
    cf.a.dev_bus_addr = mfn_to_maddr(page);
    cf.length = 64;
    cf.op = GNTTAB_CACHE_CLEAN;
    CHECK_EQ(gop(d, GNTTABOP_cache_flush, &cf, 1), 0);
    CHECK_EQ(gop(o, GNTTABOP_cache_flush, &cf, 1), 0);          /* o maps it */
    cf.a.dev_bus_addr = mfn_to_maddr(opage);
    CHECK_EQ(gop(d, GNTTABOP_cache_flush, &cf, 1), -EINVAL);    /* not granted to d */
    cf.a.dev_bus_addr = mfn_to_maddr(virt_to_mfn(d->shared_info));
    CHECK_EQ(gop(d, GNTTABOP_cache_flush, &cf, 1), -EPERM);     /* the hypervisor's */
    cf.a.dev_bus_addr = 0x1000;                                 /* not RAM */
    CHECK_EQ(gop(d, GNTTABOP_cache_flush, &cf, 1), -EINVAL);
    cf.a.dev_bus_addr = mfn_to_maddr(page);
    cf.op = GNTTAB_CACHE_SOURCE_GREF | GNTTAB_CACHE_CLEAN;
    CHECK_EQ(gop(d, GNTTABOP_cache_flush, &cf, 1), -EINVAL);
    cf.op = GNTTAB_CACHE_INVAL;
    cf.offset = 4090;
    CHECK_EQ(gop(d, GNTTABOP_cache_flush, &cf, 1), -EINVAL);
    cf.offset = 4096;
    cf.length = 0;
    CHECK_EQ(gop(d, GNTTABOP_cache_flush, &cf, 1), -EINVAL);
    cf.offset = 0;
    cf.length = 4097;
    CHECK_EQ(gop(d, GNTTABOP_cache_flush, &cf, 1), -EINVAL);
    cf.length = 0;
    CHECK_EQ(gop(d, GNTTABOP_cache_flush, &cf, 1), 0);
    CHECK_EQ(gop(d, (5U << 12) | GNTTABOP_cache_flush, &cf, 1), -EILSEQ);
    CHECK_EQ(gop(d, GNTTABOP_cache_flush, bad_area, 1), -EFAULT);

    /* The rest. */
    CHECK_EQ(gop(d, GNTTABOP_transfer, &cf, 1), -EOPNOTSUPP);
    CHECK_EQ(gop(d, GNTTABOP_dump_table, &cf, 1), -ENOSYS);
    CHECK_EQ(gop(d, 13, &cf, 1), -ENOSYS);
    CHECK_EQ(gop(d, 0xfff, &cf, 1), -ENOSYS);
    CHECK_EQ(refs(page), 2);
    kill_dom(o);
    CHECK_EQ(refs(page), 1);
    kill_dom(d);
    check_no_leaks("swap/flush/misc");
}

/* Domain destruction with live mappings, in every order. */
static void test_destroy(void)
{
    for (unsigned int order = 0; order < 4; order++) {
        struct domain *g = mkdom(1), *m = mkdom(2);
        mfn_t page = give_page(g, RAM_GFN);
        grant_handle_t h, hs;

        grant(g, 70, GTF_permit_access, 2, RAM_GFN);
        grant(g, 71, GTF_permit_access, 1, RAM_GFN);
        grant(m, 70, GTF_permit_access, 1, RAM_GFN);
        give_page(m, RAM_GFN);
        CHECK_EQ(map1(m, 1, 70, GNTMAP_host_map, MAP_GFN, &h), GNTST_okay);
        CHECK_EQ(map1(g, 1, 71, GNTMAP_host_map | GNTMAP_readonly, MAP_GFN, &hs), GNTST_okay);
        CHECK_EQ(map1(g, 2, 70, GNTMAP_host_map, MAP_GFN + 1, &hs), GNTST_okay);
        CHECK_EQ(refs(page), 3);

        switch (order) {
        case 0:
            /* The granter goes first: its page stays mapped (and allocated) for m. */
            kill_dom(g);
            CHECK_EQ(refs(page), 2);
            CHECK(mfn_eq(p2m_lookup(m, _gfn(MAP_GFN), NULL), page), "still mapped in m");
            CHECK(get_domain_by_id(1) == NULL, "the granter is dying");
            CHECK_EQ(unmap1(m, MAP_GFN, h), GNTST_okay);
            CHECK_EQ(p2m_count(m, true, NULL), 0);
            kill_dom(m);
            break;
        case 1:
            /* The mapper goes first: its mappings are torn down at once. */
            kill_dom(m);
            CHECK_EQ(refs(page), 2);
            CHECK_EQ(status_of(g, 70), 0);
            CHECK_EQ(p2m_count(NULL, true, &page), 1);  /* g's own read-only one */
            kill_dom(g);
            break;
        case 2:
            /* Both die holding each other's pages: whichever goes last frees all. */
            kill_dom(g);
            kill_dom(m);
            break;
        case 3:
            kill_dom(m);
            kill_dom(g);
            break;
        }
        check_no_leaks("destroy");
    }
}

/* ================================================================ threads */

struct flipper {
    struct domain *g;
    grant_ref_t ref;
    uint32_t states[2];                 /* (flags | domid << 16) words to alternate */
    volatile bool stop;
    unsigned long flips;            /* atomic */
};

/* One change of the entry; the status bits the hypervisor set are kept, as a guest should. */
static void flip_once(struct flipper *f, uint64_t *x)
{
    uint32_t *word = (uint32_t *)e1(f->g, f->ref);
    uint32_t cur = __atomic_load_n(word, __ATOMIC_RELAXED), want;

    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    want = f->states[*x & 1] | (cur & (GTF_reading | GTF_writing));
    __atomic_compare_exchange_n(word, &cur, want, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
    __atomic_fetch_add(&f->flips, 1, __ATOMIC_RELAXED);
}

static void *flip_thread(void *arg)
{
    struct flipper *f = arg;
    uint64_t x = 88172645463325252ULL;

    while (!f->stop)
        flip_once(f, &x);
    return NULL;
}

struct mapper {
    struct flipper *flip;               /* also flip the entry between attempts */
    struct domain *m, *g;
    unsigned int cpu;
    grant_ref_t ref;
    uint32_t flags;
    uint64_t gfn;
    unsigned int iters;
    unsigned long ok, failed, bad;
};

static void *map_thread(void *arg)
{
    struct mapper *mp = arg;
    uint64_t x = 0x9e3779b97f4a7c15ULL * (mp->cpu + 1);

    fake_set_cpu(mp->cpu);
    for (unsigned int i = 0; i < mp->iters; i++) {
        grant_handle_t h;
        int16_t st;

        /* With few host CPUs the flipper may not run alongside: change it here too. */
        if (mp->flip)
            flip_once(mp->flip, &x);
        st = map1(mp->m, mp->g->domain_id, mp->ref, mp->flags, mp->gfn, &h);

        if (st == GNTST_okay) {
            p2m_type_t t;

            mp->ok++;
            if (!mfn_eq(p2m_lookup(mp->m, _gfn(mp->gfn), &t), INVALID_MFN) &&
                t != ((mp->flags & GNTMAP_readonly) ? p2m_grant_map_ro : p2m_grant_map_rw))
                mp->bad++;
            if (unmap1(mp->m, mp->gfn, h) != GNTST_okay)
                mp->bad++;
        } else if (st == GNTST_general_error) {
            mp->failed++;
        } else {
            mp->bad++;
        }
    }
    return NULL;
}

static void test_threads(void)
{
    struct domain *g = mkdom(1), *m = mkdom(2), *o = mkdom(3);
    mfn_t page = give_page(g, RAM_GFN);
    struct flipper f = { .g = g, .ref = 80 };
    struct mapper mp[2];
    pthread_t ft, mt[2];

    /* The granter alternates read-only-to-m and writable-to-someone-else: rw maps never work. */
    f.states[0] = (GTF_permit_access | GTF_readonly) | (2u << 16);
    f.states[1] = GTF_permit_access | (3u << 16);
    grant(g, 80, GTF_permit_access | GTF_readonly, 2, RAM_GFN);
    memset(mp, 0, sizeof(mp));
    for (unsigned int i = 0; i < 2; i++)
        mp[i] = (struct mapper){ .flip = &f, .m = m, .g = g, .cpu = 1 + i, .ref = 80,
                                 .flags = GNTMAP_host_map, .gfn = MAP_GFN + i, .iters = 3000 };
    pthread_create(&ft, NULL, flip_thread, &f);
    for (unsigned int i = 0; i < 2; i++)
        pthread_create(&mt[i], NULL, map_thread, &mp[i]);
    for (unsigned int i = 0; i < 2; i++)
        pthread_join(mt[i], NULL);
    f.stop = true;
    pthread_join(ft, NULL);
    CHECK(mp[0].ok == 0 && mp[1].ok == 0 && mp[0].bad == 0 && mp[1].bad == 0,
          "no writable mapping of a grant that never allowed one (%lu %lu, %lu flips)",
          mp[0].ok + mp[1].ok, mp[0].bad + mp[1].bad, f.flips);
    CHECK_EQ(refs(page), 1);
    CHECK_EQ(read_atomic(&e1(g, 80)->flags) & (GTF_reading | GTF_writing), 0);

    /* Now read-only to m or withdrawn: read-only maps work some of the time, never leak. */
    f.stop = false;
    f.flips = 0;
    f.states[0] = (GTF_permit_access | GTF_readonly) | (2u << 16);
    f.states[1] = GTF_invalid | (2u << 16);
    for (unsigned int i = 0; i < 2; i++)
        mp[i] = (struct mapper){ .flip = &f, .m = m, .g = g, .cpu = 1 + i, .ref = 80,
                                 .flags = GNTMAP_host_map | GNTMAP_readonly, .gfn = MAP_GFN + i,
                                 .iters = 3000 };
    pthread_create(&ft, NULL, flip_thread, &f);
    for (unsigned int i = 0; i < 2; i++)
        pthread_create(&mt[i], NULL, map_thread, &mp[i]);
    for (unsigned int i = 0; i < 2; i++)
        pthread_join(mt[i], NULL);
    f.stop = true;
    pthread_join(ft, NULL);
    CHECK(mp[0].bad + mp[1].bad == 0, "unexpected results: %lu", mp[0].bad + mp[1].bad);
    CHECK(mp[0].ok + mp[0].failed == 3000, "all accounted for");
    CHECK(mp[0].ok + mp[1].ok > 0 && mp[0].failed + mp[1].failed > 0, "both outcomes seen");
    printf("     read-only maps under flipping: %lu ok, %lu refused, %lu flips\n",
           mp[0].ok + mp[1].ok, mp[0].failed + mp[1].failed, f.flips);
    CHECK_EQ(refs(page), 1);
    CHECK_EQ(read_atomic(&e1(g, 80)->flags) & (GTF_reading | GTF_writing), 0);
    CHECK_EQ(p2m_count(NULL, true, NULL), 0);

    /* Two vCPUs of m and a copier in o hammer one stable grant; pins must balance. */
    grant(g, 80, GTF_permit_access, 2, RAM_GFN);
    for (unsigned int i = 0; i < 2; i++)
        mp[i] = (struct mapper){ .m = m, .g = g, .cpu = 1 + i, .ref = 80,
                                 .flags = GNTMAP_host_map | (i ? GNTMAP_readonly : 0),
                                 .gfn = MAP_GFN + i, .iters = 3000 };
    for (unsigned int i = 0; i < 2; i++)
        pthread_create(&mt[i], NULL, map_thread, &mp[i]);
    for (unsigned int i = 0; i < 2; i++)
        pthread_join(mt[i], NULL);
    CHECK(mp[0].ok == 3000 && mp[1].ok == 3000 && mp[0].bad + mp[1].bad == 0,
          "concurrent maps: %lu %lu bad %lu", mp[0].ok, mp[1].ok, mp[0].bad + mp[1].bad);
    CHECK_EQ(refs(page), 1);
    CHECK_EQ(read_atomic(&e1(g, 80)->flags), GTF_permit_access);

    kill_dom(o);
    kill_dom(m);
    kill_dom(g);
    check_no_leaks("threads");
}

/* ================================================================ main */

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "gnttab: timed out\n";
    if (write(2, msg, sizeof(msg) - 1) < 0)
        _exit(2);
    _exit(2);
}

int main(void)
{
    struct {
        const char *name;
        void (*fn)(void);
        bool v2_only;
    } tests[] = {
        { "init_limits", test_init_limits, false },
        { "map_frame", test_map_frame, false },
        { "map_errors", test_map_errors, false },
        { "map_unmap", test_map_unmap, false },
        { "limits", test_limits, false },
        { "batches", test_batches, false },
        { "copy", test_copy, false },
        { "versions", test_version_ops, false },
        { "v2", test_v2, true },
        { "swap_flush_misc", test_swap_flush_misc, false },
        { "destroy", test_destroy, false },
        { "threads", test_threads, false },
    };

    signal(SIGALRM, on_alarm);
    alarm(50);
    setvbuf(stdout, NULL, _IONBF, 0);
    setup();
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        int before = failures;

        if (tests[i].v2_only && !V2)
            continue;
        tests[i].fn();
        printf("%s %s\n", failures == before ? "ok  " : "FAIL", tests[i].name);
    }
    fake_mem_release();
    printf("gnttab (max version %d): %d checks, %d failures\n", GNTTAB_MAX_VERSION, checks,
           failures);
    return failures ? 1 : 0;
}
