/*
 * Host tests of xen/common/memory.c (memory_op), under ASan and UBSan.
 *
 * Linked with the real page allocator over tests/unit/fake_arch's machine
 * memory (so each domain's shared_info is a real heap page with its
 * page_info), the real hypercall stubs (arm32_memory_op) and the fakes
 * below: guest virtual memory, a p2m, domains with reference counts, the
 * current vCPU, softirq state and continuations.
 *
 * Built twice by memory.t: with the heap_max_page()/p2m_max_mapped_gfn()
 * hooks provided here (HAVE_HOOKS), and without them (memory.c's weak
 * defaults: the sub-ops that need them answer -ENOSYS).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypercall_env.h"
#include <xen/boot_info.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <public/memory.h>

#include "fake_arch.h"

#include "../check.h"

/* ------------------------------------------------------------ guest memory */

/* A writable window, a read-only page and nothing at GVA_BAD. */
#define GVA_RW   0x10000000UL
#define GVA_RO   0x20000000UL
#define GVA_BAD  0x30000000UL
static unsigned char gmem[16384] __attribute__((aligned(8)));
static unsigned char grom[4096] __attribute__((aligned(8)));
#define G(off)   (GVA_RW + (uint64_t)(off))
#define GEND     (GVA_RW + sizeof(gmem))

static unsigned char *guest_byte(uint64_t va, bool write)
{
    if (va >= GVA_RW && va - GVA_RW < sizeof(gmem))
        return &gmem[va - GVA_RW];
    if (!write && va >= GVA_RO && va - GVA_RO < sizeof(grom))
        return &grom[va - GVA_RO];
    return NULL;
}

unsigned long arch_copy_to_guest(uint64_t guest_va, const void *src, unsigned long len)
{
    for (unsigned long i = 0; i < len; i++) {
        unsigned char *p = guest_byte(guest_va + i, true);

        if (!p)
            return len - i;
        *p = ((const unsigned char *)src)[i];
    }
    return 0;
}

unsigned long arch_copy_from_guest(void *dst, uint64_t guest_va, unsigned long len)
{
    for (unsigned long i = 0; i < len; i++) {
        unsigned char *p = guest_byte(guest_va + i, false);

        if (!p)
            return len - i;
        ((unsigned char *)dst)[i] = *p;
    }
    return 0;
}

unsigned long arch_clear_guest(uint64_t guest_va, unsigned long len)
{
    static const unsigned char zero[64];
    unsigned long left = len;

    while (left) {
        unsigned long n = left < sizeof(zero) ? left : sizeof(zero);
        unsigned long miss = arch_copy_to_guest(guest_va + (len - left), zero, n);

        if (miss)
            return left - (n - miss);
        left -= n;
    }
    return 0;
}

/* ------------------------------------------------------------ p2m */

/* One frame per entry; a later mapping of the same gfn replaces it. */
#define P2M_MAX 64
static struct {
    struct domain *d;
    uint64_t gfn, mfn;
    p2m_type_t t;
} p2m[P2M_MAX];
static unsigned int nr_p2m;
static int p2m_fail_rc;             /* next p2m_map_range() fails with this */
static unsigned long p2m_maps;      /* successful p2m_map_range() calls */

static int p2m_find(struct domain *d, uint64_t gfn)
{
    for (unsigned int i = 0; i < nr_p2m; i++)
        if (p2m[i].d == d && p2m[i].gfn == gfn)
            return (int)i;
    return -1;
}

int p2m_map_range(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned long nr, p2m_type_t t)
{
    if (p2m_fail_rc) {
        int rc = p2m_fail_rc;

        p2m_fail_rc = 0;
        return rc;
    }
    if (gfn_x(gfn) >= (1ULL << 28))             /* a 40-bit guest physical space */
        return -EINVAL;
    for (unsigned long i = 0; i < nr; i++) {
        int k = p2m_find(d, gfn_x(gfn) + i);

        if (k < 0) {
            if (nr_p2m == P2M_MAX)
                abort();
            k = (int)nr_p2m++;
        }
        p2m[k].d = d;
        p2m[k].gfn = gfn_x(gfn) + i;
        p2m[k].mfn = mfn_x(mfn) + i;
        p2m[k].t = t;
    }
    p2m_maps++;
    return 0;
}

int p2m_unmap_range(struct domain *d, gfn_t gfn, unsigned long nr)
{
    for (unsigned long i = 0; i < nr; i++) {
        int k = p2m_find(d, gfn_x(gfn) + i);

        if (k >= 0)
            p2m[k] = p2m[--nr_p2m];
    }
    return 0;
}

mfn_t p2m_lookup(struct domain *d, gfn_t gfn, p2m_type_t *t)
{
    int k = p2m_find(d, gfn_x(gfn));

    if (k < 0) {
        *t = p2m_invalid;
        return INVALID_MFN;
    }
    *t = p2m[k].t;
    return _mfn(p2m[k].mfn);
}

static bool maps(struct domain *d, uint64_t gfn, mfn_t mfn, p2m_type_t t)
{
    p2m_type_t got;

    return mfn_eq(p2m_lookup(d, _gfn(gfn), &got), mfn) && got == t;
}

/*
 * Grant tables are tested in tests/unit/gnttab; here the grant-table space
 * only has to reach them, after memory.c's own checks.
 */
#include <xen/grant_table.h>
int gnttab_map_frame(struct domain *d, unsigned long idx, gfn_t gfn, mfn_t *mfn)
{
    (void)d; (void)idx; (void)gfn; (void)mfn;
    return -ENOSYS;
}

unsigned int gnttab_resource_max_frames(struct domain *d, unsigned int id)
{
    (void)d; (void)id;
    return 0;
}

int gnttab_acquire_resource(struct domain *d, unsigned int id, unsigned int frame,
                            unsigned int nr_frames, xen_pfn_t mfn_list[])
{
    (void)d; (void)id; (void)frame; (void)nr_frames; (void)mfn_list;
    return -EINVAL;
}

int p2m_remove_page(struct domain *d, gfn_t gfn, mfn_t mfn)
{
    int k = p2m_find(d, gfn_x(gfn));

    if (k < 0)
        return -ENOENT;
    if (p2m[k].mfn != mfn_x(mfn))
        return -EILSEQ;
    p2m[k] = p2m[--nr_p2m];
    return 0;
}

/*
 * Reservations are tested in physmap_test.c with the real domain code;
 * here no domain can get pages.
 */
struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order)
{
    (void)d; (void)order;
    return NULL;
}

void free_domheap_pages(struct domain *d, struct page_info *pg, unsigned int order)
{
    (void)d; (void)pg; (void)order;
    abort();
}

/* ------------------------------------------------------------ hooks */

#ifdef HAVE_HOOKS
static unsigned long max_page_value = 0x80000;
static uint64_t max_gfn_value[3] = { 0xfffffff, 0x12345, 0x7fffffffffUL };

unsigned long heap_max_page(void)
{
    return max_page_value;
}

bool p2m_max_mapped_gfn(struct domain *d, uint64_t *gfn)
{
    *gfn = max_gfn_value[d->domain_id % 3];
    return true;
}
#endif

/* ------------------------------------------------------------ domains */

DEFINE_PER_CPU(struct vcpu *, curr_vcpu);
struct domain *hardware_domain;
struct domain *idle_domain;

static struct domain dom0, domU, dom2, dying;
static struct vcpu v0, vU, v2, vD;
static struct vcpu *v0p[1], *vUp[1], *v2p[1], *vDp[1];
static struct domain *const all_domains[] = { &dom0, &domU, &dom2, &dying };
static long refs_taken, refs_dropped;

bool get_domain(struct domain *d)
{
    if (!d || d->is_dying)
        return false;
    atomic_inc(&d->refcnt);
    refs_taken++;
    return true;
}

struct domain *get_domain_by_id(domid_t domid)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(all_domains); i++)
        if (all_domains[i]->domain_id == domid)
            return get_domain(all_domains[i]) ? all_domains[i] : NULL;
    return NULL;
}

void put_domain(struct domain *d)
{
    CHECK(atomic_read(&d->refcnt) > 1, "put_domain of d%u without a reference", d->domain_id);
    atomic_dec(&d->refcnt);
    refs_dropped++;
}

static void build_domain(struct domain *d, domid_t id, bool priv, struct vcpu *v,
                         struct vcpu **vp)
{
    if (d->shared_info)
        free_xenheap_page(d->shared_info);
    memset(d, 0, sizeof(*d));
    d->domain_id = id;
    d->is_privileged = priv;
    spin_lock_init(&d->lock);
    atomic_set(&d->refcnt, 1);
    d->max_vcpus = 1;
    d->vcpu = vp;
    d->shared_info = alloc_xenheap_page();
    if (!d->shared_info)
        abort();
    memset(d->shared_info, 0, PAGE_SIZE);
    d->shared_info_mfn = virt_to_mfn(d->shared_info);
    d->tot_pages = 1000 + id;
    d->max_pages = 2000 + id;
    memset(v, 0, sizeof(*v));
    v->domain = d;
    vp[0] = v;
}

static void act_as(struct vcpu *v)
{
    this_cpu(curr_vcpu) = v;
}

/* ------------------------------------------------------------ softirqs, continuations */

static bool softirq_is_pending;

bool softirq_pending(unsigned int cpu)
{
    (void)cpu;
    return softirq_is_pending;
}

/* Continuations are recorded in fake_cont (fake_arch.c). */

/* ------------------------------------------------------------ the world */

#define MEM_BASE 0x80000000ULL
#define MEM_SIZE (4UL << 20)

static struct boot_info bi;

static void reset_world(void)
{
    static bool heap_ready;

    if (!heap_ready) {
        fake_mem_init(MEM_BASE, MEM_SIZE);
        memset(&bi, 0, sizeof(bi));
        boot_info_add_mem(&bi, MEM_BASE, MEM_SIZE, BOOT_MEM_RAM);
        heap_init(&bi);
        heap_ready = true;
    }
    build_domain(&dom0, 0, true, &v0, v0p);
    build_domain(&domU, 1, false, &vU, vUp);
    build_domain(&dom2, 2, false, &v2, v2p);
    build_domain(&dying, 3, false, &vD, vDp);
    dying.is_dying = true;
    hardware_domain = &dom0;
    act_as(&v0);

    nr_p2m = 0;
    p2m_fail_rc = 0;
    p2m_maps = 0;
    softirq_is_pending = false;
    memset(&fake_cont, 0, sizeof(fake_cont));
    memset(gmem, 0, sizeof(gmem));
    memset(grom, 0, sizeof(grom));
    refs_taken = refs_dropped = 0;
}

static void check_refs(const char *where)
{
    CHECK(refs_taken == refs_dropped, "%s: %ld references taken, %ld dropped",
          where, refs_taken, refs_dropped);
    for (unsigned int i = 0; i < ARRAY_SIZE(all_domains); i++)
        CHECK(atomic_read(&all_domains[i]->refcnt) == 1, "%s: d%u refcnt %d", where,
              all_domains[i]->domain_id, atomic_read(&all_domains[i]->refcnt));
}

/* ------------------------------------------------------------ calls */

static XEN_GUEST_HANDLE_PARAM(void) H(uint64_t va)
{
    return (XEN_GUEST_HANDLE_PARAM(void)){ (void *)(uintptr_t)va };
}

/* A 64-bit guest's call, and an AArch32 guest's (32-bit registers, clamped). */
static long mem64(uint64_t cmd, uint64_t va)
{
    return do_memory_op(cmd, H(va));
}

static long mem32(uint32_t cmd, uint32_t va)
{
    long rc = arm32_memory_op(cmd, H(va));

    CHECK(rc == (long)(int32_t)rc, "arm32 result %#lx does not fit r0", rc);
    return rc;
}

/* Put a struct xen_memory_domain at G(off). */
static uint64_t put_domid(unsigned int off, domid_t id)
{
    struct xen_memory_domain m = { .domid = id };

    memcpy(&gmem[off], &m, sizeof(m));
    return G(off);
}

/* Put a struct xen_add_to_physmap at G(0). */
static uint64_t put_xatp(domid_t dom, unsigned int space, uint64_t idx, uint64_t gpfn,
                         uint16_t size)
{
    struct xen_add_to_physmap x = {
        .domid = dom, .size = size, .space = space, .idx = idx, .gpfn = gpfn,
    };

    memcpy(gmem, &x, sizeof(x));
    return G(0);
}

static long atp(domid_t dom, unsigned int space, uint64_t idx, uint64_t gpfn, uint16_t size)
{
    return mem64(XENMEM_add_to_physmap, put_xatp(dom, space, idx, gpfn, size));
}

/* ------------------------------------------------------------ tests */

static void test_unknown_ops(void)
{
    static const unsigned int handled[] = {
        XENMEM_maximum_ram_page, XENMEM_current_reservation, XENMEM_maximum_reservation,
        XENMEM_maximum_gpfn, XENMEM_add_to_physmap, XENMEM_add_to_physmap_batch,
        XENMEM_increase_reservation, XENMEM_decrease_reservation, XENMEM_populate_physmap,
        XENMEM_exchange, XENMEM_remove_from_physmap, XENMEM_get_sharing_freed_pages,
        XENMEM_get_sharing_shared_pages, XENMEM_claim_pages, XENMEM_get_vnumainfo,
        XENMEM_reserved_device_memory_map, XENMEM_acquire_resource,
    };

    reset_world();
    for (unsigned int op = 0; op < 64; op++) {
        bool known = false;

        for (unsigned int i = 0; i < ARRAY_SIZE(handled); i++)
            known |= handled[i] == op;
        if (known)
            continue;
        CHECK_RC(mem64(op, G(0)), -ENOSYS);
        CHECK_RC(mem64(op | (5UL << 6), GVA_BAD), -ENOSYS);
        CHECK_RC(mem32(op, (uint32_t)G(0)), -ENOSYS);
    }
    CHECK(p2m_maps == 0, "nothing mapped");
    check_refs("unknown ops");
}

static void test_maximum_ram_page(void)
{
    reset_world();
#ifdef HAVE_HOOKS
    CHECK_RC(mem64(XENMEM_maximum_ram_page, 0), 0x80000);
    /* The argument is not looked at. */
    CHECK_RC(mem64(XENMEM_maximum_ram_page, GVA_BAD), 0x80000);
    CHECK_RC(mem32(XENMEM_maximum_ram_page, 0), 0x80000);
    /* Any domain may ask. */
    act_as(&vU);
    CHECK_RC(mem64(XENMEM_maximum_ram_page, 0), 0x80000);
    /* Frame numbers beyond int saturate for AArch32 guests. */
    max_page_value = 0x123456789UL;
    CHECK_RC(mem64(XENMEM_maximum_ram_page, 0), 0x123456789L);
    CHECK_RC(mem32(XENMEM_maximum_ram_page, 0), INT_MAX);
    max_page_value = 0x80000;
#else
    CHECK_RC(mem64(XENMEM_maximum_ram_page, 0), -ENOSYS);
    CHECK_RC(mem32(XENMEM_maximum_ram_page, 0), -ENOSYS);
#endif
    /* No progress field. */
    CHECK_RC(mem64(XENMEM_maximum_ram_page | (1UL << 6), 0), -EINVAL);
    CHECK_RC(mem32(XENMEM_maximum_ram_page | (1U << 6), 0), -EINVAL);
}

static void test_reservations(void)
{
    static const unsigned int ops[] = {
        XENMEM_current_reservation, XENMEM_maximum_reservation, XENMEM_maximum_gpfn,
    };

    reset_world();
    for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
        unsigned int op = ops[i];

        /* Refusals, in Xen's order: progress field, pointer, domain, permission. */
        CHECK_RC(mem64(op | (1UL << 6), GVA_BAD), -EINVAL);
        CHECK_RC(mem64(op | (1UL << 6), put_domid(0, DOMID_SELF)), -EINVAL);
        CHECK_RC(mem64(op, GVA_BAD), -EFAULT);
        CHECK_RC(mem64(op, GEND - 1), -EFAULT);          /* the domid straddles the end */
        CHECK_RC(mem64(op, put_domid(0, 7)), -ESRCH);
        CHECK_RC(mem64(op, put_domid(0, DOMID_IO)), -ESRCH);
        CHECK_RC(mem64(op, put_domid(0, DOMID_XEN)), -ESRCH);
        CHECK_RC(mem64(op, put_domid(0, DOMID_INVALID)), -ESRCH);
        CHECK_RC(mem64(op, put_domid(0, DOMID_IDLE)), -ESRCH);
        CHECK_RC(mem64(op, put_domid(0, 3)), -ESRCH);    /* dying */
        act_as(&vU);
        CHECK_RC(mem64(op, put_domid(0, 0)), -EPERM);
        CHECK_RC(mem64(op, put_domid(0, 2)), -EPERM);
        CHECK_RC(mem64(op, put_domid(0, 7)), -ESRCH);
        act_as(&v0);
        /* Read-only memory is fine: the argument is only read. */
        memcpy(grom, &(struct xen_memory_domain){ .domid = DOMID_SELF }, 2);
        CHECK(mem64(op, GVA_RO) != -EFAULT, "op %u: read-only argument", op);
    }

    CHECK_RC(mem64(XENMEM_current_reservation, put_domid(0, DOMID_SELF)), 1000);
    CHECK_RC(mem64(XENMEM_current_reservation, put_domid(0, 0)), 1000);
    CHECK_RC(mem64(XENMEM_current_reservation, put_domid(0, 2)), 1002);
    CHECK_RC(mem64(XENMEM_maximum_reservation, put_domid(0, DOMID_SELF)), 2000);
    CHECK_RC(mem64(XENMEM_maximum_reservation, put_domid(0, 1)), 2001);
    CHECK_RC(mem32(XENMEM_maximum_reservation, (uint32_t)put_domid(0, 1)), 2001);
    act_as(&vU);
    CHECK_RC(mem64(XENMEM_current_reservation, put_domid(0, DOMID_SELF)), 1001);
    CHECK_RC(mem64(XENMEM_maximum_reservation, put_domid(0, 1)), 2001);
    act_as(&v0);

    /* Xen's counters are unsigned int: "unlimited" reads as UINT_MAX. */
    dom2.max_pages = ~0UL;
    CHECK_RC(mem64(XENMEM_maximum_reservation, put_domid(0, 2)), (long)UINT_MAX);
    CHECK_RC(mem32(XENMEM_maximum_reservation, (uint32_t)put_domid(0, 2)), INT_MAX);
    dom2.tot_pages = 0x100000000UL;
    CHECK_RC(mem64(XENMEM_current_reservation, put_domid(0, 2)), (long)UINT_MAX);

#ifdef HAVE_HOOKS
    CHECK_RC(mem64(XENMEM_maximum_gpfn, put_domid(0, DOMID_SELF)), 0xfffffff);
    CHECK_RC(mem64(XENMEM_maximum_gpfn, put_domid(0, 1)), 0x12345);
    CHECK_RC(mem64(XENMEM_maximum_gpfn, put_domid(0, 2)), 0x7fffffffffL);
    CHECK_RC(mem32(XENMEM_maximum_gpfn, (uint32_t)put_domid(0, 2)), INT_MAX);
    act_as(&vU);
    CHECK_RC(mem64(XENMEM_maximum_gpfn, put_domid(0, DOMID_SELF)), 0x12345);
    act_as(&v0);
#else
    CHECK_RC(mem64(XENMEM_maximum_gpfn, put_domid(0, DOMID_SELF)), -ENOSYS);
#endif
    check_refs("reservations");
}

static void test_shared_info(void)
{
    struct page_info *pg;
    mfn_t si0;

    reset_world();
    si0 = dom0.shared_info_mfn;
    pg = mfn_to_page(si0);
    CHECK(pg && pg->count == 0, "shared_info page_info starts clear");

    /* Refusals before anything is mapped. */
    CHECK_RC(mem64(XENMEM_add_to_physmap, GVA_BAD), -EFAULT);
    CHECK_RC(mem64(XENMEM_add_to_physmap, GEND - 8), -EFAULT);
    CHECK_RC(mem64(XENMEM_add_to_physmap | (0x10000UL << 6), GVA_BAD), -EDOM);
    CHECK_RC(mem64(XENMEM_add_to_physmap | (1UL << 40), GVA_BAD), -EDOM);
    CHECK_RC(atp(7, XENMAPSPACE_shared_info, 0, 0x100, 0), -ESRCH);
    CHECK_RC(atp(3, XENMAPSPACE_shared_info, 0, 0x100, 0), -ESRCH);
    CHECK_RC(atp(DOMID_IO, XENMAPSPACE_shared_info, 0, 0x100, 0), -ESRCH);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 1, 0x100, 0), -EINVAL);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, ~0ULL, 0), -EINVAL);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 1ULL << 30, 0), -EINVAL);
    p2m_fail_rc = -ENOMEM;
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x100, 0), -ENOMEM);
    CHECK(nr_p2m == 0 && pg->count == 0, "a failed mapping leaves nothing behind");
    act_as(&vU);
    CHECK_RC(atp(0, XENMAPSPACE_shared_info, 0, 0x100, 0), -EPERM);
    act_as(&v0);
    CHECK(nr_p2m == 0, "nothing mapped yet");

    /* Over a RAM frame of the guest: replaced, as on Xen. */
    p2m_map_range(&dom0, _gfn(0x100), _mfn(0x4242), 1, p2m_ram_rw);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x100, 0), 0);
    CHECK(maps(&dom0, 0x100, si0, p2m_ram_rw), "shared_info mapped at 0x100");
    CHECK(pg->count == 0x101, "page_info records gfn 0x100 (count %#lx)", pg->count);
    /* The size and the progress field play no part outside gmfn_range. */
    CHECK_RC(mem64(XENMEM_add_to_physmap | (5UL << 6),
                   put_xatp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x101, 9)), -EBUSY);

    /* Once mapped, again is -EBUSY, wherever. */
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x100, 0), -EBUSY);
    CHECK_RC(atp(0, XENMAPSPACE_shared_info, 0, 0x200, 0), -EBUSY);
    CHECK_RC(mem32(XENMEM_add_to_physmap,
                   (uint32_t)put_xatp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x200, 0)), -EBUSY);
    CHECK(!maps(&dom0, 0x200, si0, p2m_ram_rw), "not mapped twice");

    /* Gone from the old frame (removed, or something else mapped there): free again. */
    p2m_unmap_range(&dom0, _gfn(0x100), 1);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x200, 0), 0);
    CHECK(maps(&dom0, 0x200, si0, p2m_ram_rw) && pg->count == 0x201, "moved to 0x200");
    p2m_map_range(&dom0, _gfn(0x200), _mfn(0x4243), 1, p2m_ram_rw);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x300, 0), 0);
    CHECK(maps(&dom0, 0x300, si0, p2m_ram_rw) && pg->count == 0x301, "moved to 0x300");
    /* A record pointing at a frame mapped another way does not count either. */
    p2m_map_range(&dom0, _gfn(0x300), si0, 1, p2m_ram_ro);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x301, 0), 0);
    CHECK(pg->count == 0x302, "moved to 0x301");

    /* Gfn 0 is a frame like any other (the record is gfn + 1). */
    p2m_unmap_range(&dom0, _gfn(0x301), 1);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0, 0), 0);
    CHECK(pg->count == 1 && maps(&dom0, 0, si0, p2m_ram_rw), "mapped at gfn 0");
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x400, 0), -EBUSY);

    /* Each domain's own page; the control domain may map another's for it. */
    act_as(&vU);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x100, 0), 0);
    CHECK(maps(&domU, 0x100, domU.shared_info_mfn, p2m_ram_rw), "domU's own");
    CHECK(!maps(&dom0, 0x100, domU.shared_info_mfn, p2m_ram_rw), "not in dom0's p2m");
    CHECK_RC(atp(2, XENMAPSPACE_shared_info, 0, 0x100, 0), -EPERM);
    act_as(&v0);
    CHECK_RC(atp(2, XENMAPSPACE_shared_info, 0, 0x180, 0), 0);
    CHECK(maps(&dom2, 0x180, dom2.shared_info_mfn, p2m_ram_rw), "dom2's, mapped by dom0");
    CHECK_RC(atp(1, XENMAPSPACE_shared_info, 0, 0x180, 0), -EBUSY);

    /* An AArch32 guest: same call, 32-bit registers. */
    reset_world();
    CHECK_RC(mem32(XENMEM_add_to_physmap,
                   (uint32_t)put_xatp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0xfffff, 0)), 0);
    CHECK(maps(&dom0, 0xfffff, dom0.shared_info_mfn, p2m_ram_rw), "arm32: mapped");
    check_refs("shared_info");
}

static void test_other_spaces(void)
{
    reset_world();

    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_grant_table, 0, 0x100, 0), -ENOSYS);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_grant_table, XENMAPIDX_grant_table_status, 0x100, 0),
             -ENOSYS);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_gmfn, 0x10, 0x100, 0), -ENOSYS);
    CHECK_RC(atp(DOMID_SELF, 6, 0, 0x100, 0), -ENOSYS);
    CHECK_RC(atp(DOMID_SELF, 0xffffffffu, 0, 0x100, 0), -ENOSYS);
    /* The invalid frame is refused before the space is looked at. */
    CHECK_RC(atp(DOMID_SELF, 6, 0, ~0ULL, 0), -EINVAL);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_grant_table, 0, ~0ULL, 0), -EINVAL);
    /* Foreign frames: batch only, refused before the domain is looked up. */
    CHECK_RC(atp(7, XENMAPSPACE_gmfn_foreign, 0, 0x100, 0), -ENOSYS);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, ~0ULL, 0), -ENOSYS);

    /* gmfn_range: nothing to do is success; else gmfn's answer. */
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_gmfn_range, 0x10, 0x100, 0), 0);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_gmfn_range, 0x10, 0x100, 3), -ENOSYS);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_gmfn_range, 0x10, ~0ULL, 3), -EINVAL);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_gmfn_range, 0x10, ~0ULL - 1, 3), -EOVERFLOW);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_gmfn_range, ~0ULL - 1, 0x100, 3), -EOVERFLOW);
    CHECK_RC(mem64(XENMEM_add_to_physmap | (4UL << 6),
                   put_xatp(DOMID_SELF, XENMAPSPACE_gmfn_range, 0x10, 0x100, 3)), -EILSEQ);
    CHECK_RC(mem64(XENMEM_add_to_physmap | (3UL << 6),
                   put_xatp(DOMID_SELF, XENMAPSPACE_gmfn_range, 0x10, 0x100, 3)), 0);
    CHECK_RC(mem64(XENMEM_add_to_physmap | (2UL << 6),
                   put_xatp(DOMID_SELF, XENMAPSPACE_gmfn_range, 0x10, 0x100, 3)), -ENOSYS);
    CHECK(fake_cont.count == 0, "no continuation");

    /* dev_mmio: the hardware domain, for itself; nothing is permitted, so nothing is mapped. */
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_dev_mmio, 0x9000, 0x100, 0), 0);
    CHECK_RC(atp(0, XENMAPSPACE_dev_mmio, 0x9000, 0x100, 0), 0);
    CHECK(nr_p2m == 0, "dev_mmio maps nothing");
    CHECK_RC(atp(1, XENMAPSPACE_dev_mmio, 0x9000, 0x100, 0), -EACCES);
    act_as(&vU);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_dev_mmio, 0x9000, 0x100, 0), -EACCES);
    /* Spaces other than dev_mmio ask XSM only. */
    CHECK_RC(atp(0, XENMAPSPACE_grant_table, 0, 0x100, 0), -EPERM);
    CHECK_RC(atp(DOMID_SELF, XENMAPSPACE_grant_table, 0, 0x100, 0), -ENOSYS);
    act_as(&v0);
    check_refs("other spaces");
}

/* Put a batch at G(0): its arrays at G(256) (idxs), G(512) (gpfns), G(768) (errs). */
#define B_IDX  256
#define B_GPFN 512
#define B_ERR  768

static uint64_t put_batch(domid_t dom, uint16_t space, uint16_t size, uint16_t res0,
                          const uint64_t *idx, const uint64_t *gpfn)
{
    struct xen_add_to_physmap_batch b;

    memset(&b, 0, sizeof(b));
    b.domid = dom;
    b.space = space;
    b.size = size;
    b.u.res0 = res0;
    b.idxs.p = (void *)(uintptr_t)G(B_IDX);
    b.gpfns.p = (void *)(uintptr_t)G(B_GPFN);
    b.errs.p = (void *)(uintptr_t)G(B_ERR);
    memcpy(gmem, &b, sizeof(b));
    for (unsigned int i = 0; i < size; i++) {
        xen_ulong_t x = idx[i];
        xen_pfn_t g = gpfn[i];

        memcpy(&gmem[B_IDX + i * sizeof(x)], &x, sizeof(x));
        memcpy(&gmem[B_GPFN + i * sizeof(g)], &g, sizeof(g));
    }
    memset(&gmem[B_ERR], 0x5a, 256);
    return G(0);
}

static int err_at(unsigned int i)
{
    int e;

    memcpy(&e, &gmem[B_ERR + i * sizeof(e)], sizeof(e));
    return e;
}

static void set_handle(size_t off, uint64_t va)
{
    memcpy(&gmem[off], &va, sizeof(va));
}

static void test_batch(void)
{
    static const uint64_t idx[4] = { 0, 1, 0, 0 };
    static const uint64_t gpfn[4] = { 0x100, 0x101, 0x102, 0x103 };
    uint64_t a;

    reset_world();

    /* Whole-call refusals. */
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, GVA_BAD), -EFAULT);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch | (0x10000UL << 6), GVA_BAD), -EDOM);
    a = put_batch(DOMID_SELF, XENMAPSPACE_gmfn_range, 1, 0, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), -EOPNOTSUPP);
    a = put_batch(7, XENMAPSPACE_shared_info, 1, 0, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), -ESRCH);
    act_as(&vU);
    a = put_batch(0, XENMAPSPACE_shared_info, 1, 0, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), -EPERM);
    a = put_batch(DOMID_SELF, XENMAPSPACE_dev_mmio, 1, 0, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), -EACCES);
    act_as(&v0);
    a = put_batch(DOMID_SELF, XENMAPSPACE_dev_mmio, 1, 1, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), -EOPNOTSUPP);

    /* Progress against size. */
    a = put_batch(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), 0);
    a = put_batch(DOMID_SELF, XENMAPSPACE_shared_info, 2, 0, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch | (2UL << 6), a), -EILSEQ);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch | (3UL << 6), a), -EILSEQ);
    CHECK(nr_p2m == 0 && err_at(0) == 0x5a5a5a5a, "nothing done");

    /* Per-entry results: mapped, bad index, already mapped, already mapped. */
    a = put_batch(DOMID_SELF, XENMAPSPACE_shared_info, 4, 0, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), 0);
    CHECK(err_at(0) == 0 && err_at(1) == -EINVAL && err_at(2) == -EBUSY &&
          err_at(3) == -EBUSY && err_at(4) == 0x5a5a5a5a,
          "errs %d %d %d %d %#x", err_at(0), err_at(1), err_at(2), err_at(3), err_at(4));
    CHECK(maps(&dom0, 0x100, dom0.shared_info_mfn, p2m_ram_rw), "entry 0 mapped");

    /* Other spaces, per entry. */
    a = put_batch(DOMID_SELF, XENMAPSPACE_grant_table, 2, 0, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), 0);
    CHECK(err_at(0) == -ENOSYS && err_at(1) == -ENOSYS, "grant_table entries");
    a = put_batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, 2, 1, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), 0);
    /* Nothing is mapped at those frames of d1 (foreign mappings: physmap_test.c). */
    CHECK(err_at(0) == -EINVAL && err_at(1) == -EINVAL, "gmfn_foreign entries");
    a = put_batch(DOMID_SELF, XENMAPSPACE_dev_mmio, 2, 0, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), 0);
    CHECK(err_at(0) == 0 && err_at(1) == 0, "dev_mmio entries");
    a = put_batch(DOMID_SELF, 77, 1, 0, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), 0);
    CHECK(err_at(0) == -ENOSYS, "unknown space entry");

    /* An invalid frame stops the call; earlier entries keep their results. */
    {
        static const uint64_t g2[3] = { 0x500, ~0ULL, 0x502 };

        a = put_batch(DOMID_SELF, XENMAPSPACE_grant_table, 3, 0, idx, g2);
        CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), -EINVAL);
        CHECK(err_at(0) == -ENOSYS && err_at(1) == 0x5a5a5a5a, "stopped at entry 1");
    }

    /* Unreachable arrays. */
    a = put_batch(DOMID_SELF, XENMAPSPACE_grant_table, 2, 0, idx, gpfn);
    set_handle(offsetof(struct xen_add_to_physmap_batch, idxs), GVA_BAD);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), -EFAULT);
    a = put_batch(DOMID_SELF, XENMAPSPACE_grant_table, 2, 0, idx, gpfn);
    set_handle(offsetof(struct xen_add_to_physmap_batch, gpfns), GEND - 8);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), -EFAULT);   /* entry 1 unreachable */
    CHECK(err_at(0) == -ENOSYS, "entry 0 done first");
    a = put_batch(DOMID_SELF, XENMAPSPACE_grant_table, 2, 0, idx, gpfn);
    set_handle(offsetof(struct xen_add_to_physmap_batch, errs), GVA_RO);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), -EFAULT);

    /* Preemption: after each entry but the last; the guest re-runs the call. */
    reset_world();
    softirq_is_pending = true;
    a = put_batch(DOMID_SELF, XENMAPSPACE_shared_info, 3, 0, idx, gpfn);
    CHECK_RC(mem64(XENMEM_add_to_physmap_batch, a), __HYPERVISOR_memory_op);
    CHECK(fake_cont.count == 1 && fake_cont.op == __HYPERVISOR_memory_op &&
          fake_cont.args[0] == (XENMEM_add_to_physmap_batch | (1UL << 6)) && fake_cont.args[1] == a,
          "continuation %#llx %#llx", (unsigned long long)fake_cont.args[0],
          (unsigned long long)fake_cont.args[1]);
    CHECK(err_at(0) == 0 && err_at(1) == 0x5a5a5a5a, "one entry done");
    CHECK_RC(mem64(fake_cont.args[0], fake_cont.args[1]), __HYPERVISOR_memory_op);
    CHECK(fake_cont.args[0] == (XENMEM_add_to_physmap_batch | (2UL << 6)), "second step");
    CHECK_RC(mem64(fake_cont.args[0], fake_cont.args[1]), 0);        /* the last entry: no check */
    CHECK(fake_cont.count == 2, "two continuations");
    CHECK(err_at(1) == -EINVAL && err_at(2) == -EBUSY && err_at(3) == 0x5a5a5a5a,
          "all entries done");
    softirq_is_pending = false;
    check_refs("batch");
}

int main(void)
{
    fake_printk_quiet(true);

    test_unknown_ops();
    test_maximum_ram_page();
    test_reservations();
    test_shared_info();
    test_other_spaces();
    test_batch();

    printf("memory_op (%s): %d checks, %d failures\n",
#ifdef HAVE_HOOKS
           "with hooks",
#else
           "weak defaults",
#endif
           checks, failures);
    return failures ? 1 : 0;
}
