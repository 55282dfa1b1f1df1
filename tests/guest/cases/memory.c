/* SPDX-License-Identifier: MIT */
/*
 * memory.c - HYPERVISOR_memory_op on Arm, from dom0: the domain and
 * machine queries, the argument checks of XENMEM_add_to_physmap(_batch),
 * reservations on a direct-mapped dom0 (decrease_reservation unmaps a
 * page but dom0 keeps it; populate_physmap maps it back), continuations,
 * remove_from_physmap, and the refusals of acquire_resource and friends
 * that dom0 can provoke on its own (mapping another domain's frames is
 * acquire.c's).  Mapping shared_info itself is evtchn.c's business (it
 * runs first and keeps the page mapped); every page unmapped here is
 * mapped back before the test ends.  x86 guests reach memory_op through
 * Xen's HVM filter: x86-pvh.c covers what they may use.
 */
#include "gt-xen.h"
#include <public/memory.h>

/* Toolstack-only parts of public/memory.h (not visible to a guest build). */
#define GT_XENMEM_get_sharing_freed_pages       18
#define GT_XENMEM_get_sharing_shared_pages      19
#define GT_XENMEM_claim_pages                   24
#define GT_XENMEM_reserved_device_memory_map    27
#define GT_XENMEM_RDM_ALL                       1

/* struct xen_reserved_device_memory_map: the same layout for AArch64 and AArch32. */
struct gt_rdm_map {
    uint32_t flags;
    uint32_t nr_entries;
    uint64_t buffer;                    /* a guest handle: 8 bytes on Arm */
    uint32_t dev;                       /* physdev_pci_device_t */
    uint32_t pad;
};

#if GT_ARCH_ARM

#if !__has_include(<public/errno.h>)
enum {
    XEN_ESRCH = 3, XEN_EDOM = 33, XEN_EOVERFLOW = 75,
    XEN_EILSEQ = 84, XEN_EOPNOTSUPP = 95,
};
#endif

#define PROGRESS(n) ((unsigned long)(n) << 6)   /* the cmd bits above XENMEM_* */

static long memory_op(unsigned long cmd, void *arg)
{
    return gt_hypercall(__HYPERVISOR_memory_op, cmd, (unsigned long)arg, 0, 0, 0);
}

static long domain_query(unsigned int op, domid_t dom)
{
    static struct xen_memory_domain m;

    m.domid = dom;
    return memory_op(op, &m);
}

static struct xen_add_to_physmap xatp;

static long add_to_physmap(unsigned long progress, domid_t dom, unsigned int space,
                           uint64_t idx, uint64_t gpfn, uint16_t size)
{
    xatp.domid = dom;
    xatp.size = size;
    xatp.space = space;
    xatp.idx = idx;
    xatp.gpfn = gpfn;
    return memory_op(XENMEM_add_to_physmap | PROGRESS(progress), &xatp);
}

/* Pages only these tests hand to the hypervisor (or take away from themselves). */
static uint8_t scratch[4][4096] __attribute__((aligned(4096)));

/* dom0's RAM from the device tree: pages, and one past the highest frame. */
static bool dom0_ram(uint64_t *pages, uint64_t *end_frame)
{
    uint32_t len = 0;
    const uint8_t *reg = gt_fdt_getprop((const void *)gt_cfg.dtb, "/memory", "reg", &len);

    *pages = *end_frame = 0;
    if (!reg || len < 16 || len % 16)
        return false;
    for (uint32_t off = 0; off < len; off += 16) {
        uint64_t base = 0, size = 0;

        for (unsigned int i = 0; i < 8; i++) {
            base = (base << 8) | reg[off + i];
            size = (size << 8) | reg[off + 8 + i];
        }
        *pages += size / GT_PAGE_SIZE;
        if ((base + size) / GT_PAGE_SIZE > *end_frame)
            *end_frame = (base + size) / GT_PAGE_SIZE;
    }
    return *pages != 0;
}

static const domid_t no_such_domains[] = {
    1, 7, DOMID_IO, DOMID_XEN, DOMID_COW, DOMID_INVALID, DOMID_IDLE,
};

GT_TEST(memop_reservation, "memory_op.reservation")
{
    static const unsigned int ops[] = {
        XENMEM_current_reservation, XENMEM_maximum_reservation, XENMEM_maximum_gpfn,
    };
    uint64_t pages, end;

    ASSERT_TRUE(dom0_ram(&pages, &end));
    /* dom0 owns exactly the RAM its device tree lists, and may not grow. */
    EXPECT_EQ(domain_query(XENMEM_current_reservation, DOMID_SELF), (long)pages);
    EXPECT_EQ(domain_query(XENMEM_current_reservation, 0), (long)pages);
    EXPECT_EQ(domain_query(XENMEM_maximum_reservation, DOMID_SELF), (long)pages);
    gt_printf("  %llu pages of RAM\n", (unsigned long long)pages);

    for (unsigned int i = 0; i < GT_ARRAY_SIZE(ops); i++) {
        for (unsigned int j = 0; j < GT_ARRAY_SIZE(no_such_domains); j++)
            EXPECT_EQ(domain_query(ops[i], no_such_domains[j]), -XEN_ESRCH);
        EXPECT_EQ(memory_op(ops[i], (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
        /* Not preemptible: progress bits are refused before anything is read. */
        EXPECT_EQ(memory_op(ops[i] | PROGRESS(1), (void *)GT_UNMAPPED_ADDR), -XEN_EINVAL);
    }
}

GT_TEST(memop_max_gpfn, "memory_op.maximum_gpfn")
{
    uint64_t pages, end;
    long gpfn = domain_query(XENMEM_maximum_gpfn, DOMID_SELF);

    ASSERT_TRUE(dom0_ram(&pages, &end));
    gt_printf("  maximum_gpfn 0x%lx, RAM ends at frame 0x%llx\n", gpfn,
              (unsigned long long)end);
    /* At least the RAM; Xen's dom0 also has the host's device windows mapped. */
    EXPECT_GE(gpfn, (long)end - 1);
    EXPECT_EQ(domain_query(XENMEM_maximum_gpfn, 0), gpfn);
}

GT_TEST(memop_max_ram, "memory_op.maximum_ram_page")
{
    uint64_t pages, end;
    long max = memory_op(XENMEM_maximum_ram_page, NULL);

    ASSERT_TRUE(dom0_ram(&pages, &end));
    gt_printf("  maximum_ram_page 0x%lx\n", max);
    /* dom0 is mapped 1:1, so its RAM is machine RAM. */
    EXPECT_GE(max, (long)end);
    /* The argument is not looked at. */
    EXPECT_EQ(memory_op(XENMEM_maximum_ram_page, (void *)GT_UNMAPPED_ADDR), max);
    EXPECT_EQ(memory_op(XENMEM_maximum_ram_page | PROGRESS(1), NULL), -XEN_EINVAL);
}

GT_TEST(memop_physmap_errors, "memory_op.add_to_physmap_errors")
{
    uint64_t gfn = gt_gfn_of(scratch[0]);

    EXPECT_EQ(memory_op(XENMEM_add_to_physmap, (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    /* The progress field is 16 bits wide. */
    EXPECT_EQ(memory_op(XENMEM_add_to_physmap | PROGRESS(0x10000), (void *)GT_UNMAPPED_ADDR),
              -XEN_EDOM);
    /* Foreign frames only through the batch form, before the domain is looked at. */
    EXPECT_EQ(add_to_physmap(0, 7, XENMAPSPACE_gmfn_foreign, 0, gfn, 0), -XEN_ENOSYS);
    EXPECT_EQ(add_to_physmap(0, 1, XENMAPSPACE_shared_info, 0, gfn, 0), -XEN_ESRCH);
    EXPECT_EQ(add_to_physmap(0, DOMID_XEN, XENMAPSPACE_shared_info, 0, gfn, 0), -XEN_ESRCH);
    /* An invalid frame, whatever the space; then the space's own checks. */
    EXPECT_EQ(add_to_physmap(0, DOMID_SELF, XENMAPSPACE_shared_info, 0, ~0ull, 0), -XEN_EINVAL);
    EXPECT_EQ(add_to_physmap(0, DOMID_SELF, 99, 0, ~0ull, 0), -XEN_EINVAL);
    EXPECT_EQ(add_to_physmap(0, DOMID_SELF, XENMAPSPACE_shared_info, 1, gfn, 0), -XEN_EINVAL);
    /* Arm has no gmfn space; unknown spaces likewise. */
    EXPECT_EQ(add_to_physmap(0, DOMID_SELF, XENMAPSPACE_gmfn, gt_gfn_of(scratch[1]), gfn, 0),
              -XEN_ENOSYS);
    EXPECT_EQ(add_to_physmap(0, DOMID_SELF, 6, 0, gfn, 0), -XEN_ENOSYS);
    EXPECT_EQ(add_to_physmap(0, DOMID_SELF, 99, 0, gfn, 0), -XEN_ENOSYS);

    /* gmfn_range: nothing to do is success, else gmfn's answer. */
    EXPECT_EQ(add_to_physmap(0, DOMID_SELF, XENMAPSPACE_gmfn_range, 0x100, gfn, 0), 0);
    EXPECT_EQ(add_to_physmap(0, DOMID_SELF, XENMAPSPACE_gmfn_range, 0x100, gfn, 1), -XEN_ENOSYS);
    EXPECT_EQ(add_to_physmap(0, DOMID_SELF, XENMAPSPACE_gmfn_range, 0x100, ~1ull, 5),
              -XEN_EOVERFLOW);
    EXPECT_EQ(add_to_physmap(3, DOMID_SELF, XENMAPSPACE_gmfn_range, 0, 100, 2), -XEN_EILSEQ);
    EXPECT_EQ(add_to_physmap(2, DOMID_SELF, XENMAPSPACE_gmfn_range, 0, 100, 2), 0);
}

GT_TEST(memop_dev_mmio, "memory_op.add_to_physmap_dev_mmio")
{
    /*
     * The hardware domain may map device frames into itself; a frame it
     * has no permission for (here the UART the hypervisor keeps) is
     * quietly not mapped.  Either way the answer is 0.
     */
    EXPECT_EQ(add_to_physmap(0, DOMID_SELF, XENMAPSPACE_dev_mmio, 0x9000000 >> 12,
                             gt_gfn_of(scratch[1]), 0), 0);
    EXPECT_EQ(add_to_physmap(0, 1, XENMAPSPACE_dev_mmio, 0x9000000 >> 12,
                             gt_gfn_of(scratch[1]), 0), -XEN_ESRCH);
}

static struct xen_add_to_physmap_batch batch;
static xen_ulong_t b_idx[4];
static xen_pfn_t b_gpfn[4];
static int b_err[4];

static long add_batch(unsigned long progress, domid_t dom, uint16_t space, uint16_t size,
                      uint16_t res0)
{
    batch.domid = dom;
    batch.space = space;
    batch.size = size;
    batch.u.res0 = res0;
    set_xen_guest_handle(batch.idxs, b_idx);
    set_xen_guest_handle(batch.gpfns, b_gpfn);
    set_xen_guest_handle(batch.errs, b_err);
    for (unsigned int i = 0; i < GT_ARRAY_SIZE(b_err); i++)
        b_err[i] = 0x5a5a;
    return memory_op(XENMEM_add_to_physmap_batch | PROGRESS(progress), &batch);
}

GT_TEST(memop_batch, "memory_op.add_to_physmap_batch")
{
    b_idx[0] = 1;                           /* shared_info has only index 0 */
    b_idx[1] = gt_gfn_of(scratch[1]);
    b_idx[2] = 0;
    b_gpfn[0] = gt_gfn_of(scratch[0]);
    b_gpfn[1] = gt_gfn_of(scratch[0]);
    b_gpfn[2] = ~0ull;

    EXPECT_EQ(memory_op(XENMEM_add_to_physmap_batch, (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    EXPECT_EQ(memory_op(XENMEM_add_to_physmap_batch | PROGRESS(0x10000),
                        (void *)GT_UNMAPPED_ADDR), -XEN_EDOM);
    EXPECT_EQ(add_batch(0, DOMID_SELF, XENMAPSPACE_gmfn_range, 1, 0), -XEN_EOPNOTSUPP);
    EXPECT_EQ(add_batch(0, 7, XENMAPSPACE_shared_info, 1, 0), -XEN_ESRCH);
    EXPECT_EQ(add_batch(0, DOMID_SELF, XENMAPSPACE_dev_mmio, 1, 1), -XEN_EOPNOTSUPP);

    /* Size against progress. */
    EXPECT_EQ(add_batch(0, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0), 0);
    EXPECT_EQ(add_batch(2, DOMID_SELF, XENMAPSPACE_shared_info, 2, 0), -XEN_EILSEQ);
    EXPECT_EQ(add_batch(3, DOMID_SELF, XENMAPSPACE_shared_info, 2, 0), -XEN_EILSEQ);
    EXPECT_EQ(b_err[0], 0x5a5a);

    /* One result per entry. */
    EXPECT_EQ(add_batch(0, DOMID_SELF, XENMAPSPACE_shared_info, 1, 0), 0);
    EXPECT_EQ(b_err[0], -XEN_EINVAL);
    EXPECT_EQ(b_err[1], 0x5a5a);
    b_idx[0] = gt_gfn_of(scratch[1]);
    EXPECT_EQ(add_batch(0, DOMID_SELF, XENMAPSPACE_gmfn, 2, 0), 0);
    EXPECT_EQ(b_err[0], -XEN_ENOSYS);
    EXPECT_EQ(b_err[1], -XEN_ENOSYS);
    /* An invalid frame ends the call; entries before it keep their result. */
    EXPECT_EQ(add_batch(0, DOMID_SELF, XENMAPSPACE_gmfn, 3, 0), -XEN_EINVAL);
    EXPECT_EQ(b_err[1], -XEN_ENOSYS);
    EXPECT_EQ(b_err[2], 0x5a5a);
    /* Resuming from entry 1 leaves entry 0 alone. */
    EXPECT_EQ(add_batch(1, DOMID_SELF, XENMAPSPACE_gmfn, 2, 0), 0);
    EXPECT_EQ(b_err[0], 0x5a5a);
    EXPECT_EQ(b_err[1], -XEN_ENOSYS);
}

GT_TEST(memop_grant_frames, "memory_op.add_to_physmap_grant_table")
{
    /* Frames beyond the table's maximum size are refused. */
    EXPECT_EQ(add_to_physmap(0, DOMID_SELF, XENMAPSPACE_grant_table, 100000,
                             gt_gfn_of(scratch[1]), 0), -XEN_EINVAL);
}

GT_TEST(memop_unknown, "memory_op.not_on_arm")
{
    /* Sub-ops Xen on Arm does not have (x86 only, or unknown). */
    static const unsigned int ops[] = {
        XENMEM_machphys_mfn_list, 8, XENMEM_memory_map, XENMEM_machine_memory_map,
        XENMEM_machphys_mapping, XENMEM_set_memory_map, 16, 17, 20, 21, 22, 25, 29, 40, 63,
    };

    for (unsigned int i = 0; i < GT_ARRAY_SIZE(ops); i++) {
        EXPECT_EQ(memory_op(ops[i], scratch[0]), -XEN_ENOSYS);
        EXPECT_EQ(memory_op(ops[i] | PROGRESS(5), (void *)GT_UNMAPPED_ADDR), -XEN_ENOSYS);
    }
}

/* ------------------------------------------------------------ reservations */

static struct xen_memory_reservation resv;

static long reserve(unsigned int op, unsigned long progress, xen_pfn_t *list,
                    unsigned long nr, unsigned int order, unsigned int flags, domid_t dom)
{
    set_xen_guest_handle(resv.extent_start, list);
    resv.nr_extents = nr;
    resv.extent_order = order;
    resv.mem_flags = flags;
    resv.domid = dom;
    return memory_op(op | PROGRESS(progress), &resv);
}

static xen_pfn_t one_gfn[1];

GT_TEST(memop_resv_refusals, "memory_op.reservation_refusals")
{
    static const unsigned int ops[] = {
        XENMEM_increase_reservation, XENMEM_decrease_reservation, XENMEM_populate_physmap,
    };

    one_gfn[0] = gt_gfn_of(scratch[2]);
    for (unsigned int i = 0; i < GT_ARRAY_SIZE(ops); i++) {
        unsigned int op = ops[i];

        /* Never an errno: a request that cannot start reports the progress it came with. */
        EXPECT_EQ(memory_op(op, (void *)GT_UNMAPPED_ADDR), 0);
        EXPECT_EQ(memory_op(op | PROGRESS(7), (void *)GT_UNMAPPED_ADDR), 7);
        EXPECT_EQ(reserve(op, 5, one_gfn, 3, 0, 0, DOMID_SELF), 5);
        EXPECT_EQ(reserve(op, 3, one_gfn, 3, 0, 0, DOMID_SELF), 3);
        /* More extents than a continuation could count. */
        EXPECT_EQ(reserve(op, 0, one_gfn, 1ul << 26, 0, 0, DOMID_SELF), 0);
        for (unsigned int j = 0; j < GT_ARRAY_SIZE(no_such_domains); j++)
            EXPECT_EQ(reserve(op, 0, one_gfn, 1, 0, 0, no_such_domains[j]), 0);
        /* Extents above the control domain's limit (2^18 pages). */
        EXPECT_EQ(reserve(op, 0, one_gfn, 1, 19, 0, DOMID_SELF), 0);
        /* An address limit of a page or less; a NUMA node that does not exist. */
        EXPECT_EQ(reserve(op, 0, one_gfn, 1, 0, XENMEMF_address_bits(12), DOMID_SELF), 0);
        EXPECT_EQ(reserve(op, 0, one_gfn, 1, 0, XENMEMF_node(1), DOMID_SELF), 0);
        /* The extent list is not readable. */
        if (op != XENMEM_increase_reservation)
            EXPECT_EQ(reserve(op, 0, (xen_pfn_t *)GT_UNMAPPED_ADDR, 1, 0, 0, DOMID_SELF), 0);
    }
    /* Populate-on-demand, never on oneself. */
    EXPECT_EQ(reserve(XENMEM_populate_physmap, 0, one_gfn, 1, 0, XENMEMF_populate_on_demand,
                      DOMID_SELF), 0);
    /* dom0 is at its maximum: no more pages. */
    EXPECT_EQ(reserve(XENMEM_increase_reservation, 0, NULL, 1, 0, 0, DOMID_SELF), 0);
    /* dom0 is direct-mapped: a hole in its physical space has no page to back it. */
    one_gfn[0] = GT_UNMAPPED_ADDR >> 12;
    EXPECT_EQ(reserve(XENMEM_populate_physmap, 0, one_gfn, 1, 0, 0, DOMID_SELF), 0);
    EXPECT_EQ(reserve(XENMEM_decrease_reservation, 0, one_gfn, 1, 0, 0, DOMID_SELF), 0);
}

static void load_word(void *p)
{
    gt_printf("  loaded %x\n", *(volatile uint32_t *)p);
}

/* Does reading the page fault? */
static bool unmapped(void *page)
{
    struct gt_trap t;

    return gt_catch(load_word, page, &t);
}

GT_TEST(memop_decrease_populate, "memory_op.decrease_populate")
{
    volatile uint32_t *w = (volatile uint32_t *)scratch[2];
    long before = domain_query(XENMEM_current_reservation, DOMID_SELF);

    w[0] = 0x600dcafe;
    w[1023] = 0x5ca1ab1e;
    one_gfn[0] = gt_gfn_of(scratch[2]);
    ASSERT_EQ(reserve(XENMEM_decrease_reservation, 0, one_gfn, 1, 0, 0, DOMID_SELF), 1);
    /* Unmapped, but a direct-mapped dom0 keeps the page. */
    EXPECT_TRUE(unmapped(scratch[2]));
    EXPECT_EQ(domain_query(XENMEM_current_reservation, DOMID_SELF), before);
    /* Nothing left to give back or to unmap there. */
    EXPECT_EQ(reserve(XENMEM_decrease_reservation, 0, one_gfn, 1, 0, 0, DOMID_SELF), 0);
    EXPECT_EQ(reserve(XENMEM_populate_physmap, 0, one_gfn, 1, 0, 0, DOMID_SELF), 1);
    ASSERT_TRUE(!unmapped(scratch[2]));
    /* The same frame came back, contents and all. */
    EXPECT_XEQ(w[0], 0x600dcafe);
    EXPECT_XEQ(w[1023], 0x5ca1ab1e);
    w[1] = 0x12345678;
    EXPECT_XEQ(w[1], 0x12345678);

    /* An extent counts once all of it is gone; the list stops at the first failure. */
    {
        static xen_pfn_t two[2];

        two[0] = gt_gfn_of(scratch[2]);
        two[1] = GT_UNMAPPED_ADDR >> 12;
        EXPECT_EQ(reserve(XENMEM_decrease_reservation, 0, two, 2, 0, 0, DOMID_SELF), 1);
        EXPECT_TRUE(unmapped(scratch[2]));
        EXPECT_EQ(reserve(XENMEM_populate_physmap, 0, two, 2, 0, 0, DOMID_SELF), 1);
        EXPECT_TRUE(!unmapped(scratch[2]));
    }
    EXPECT_EQ(domain_query(XENMEM_current_reservation, DOMID_SELF), before);
}

/* Enough extents that a preemption in between is likely on a loaded host. */
#define MANY 4096
static xen_pfn_t many[MANY];

GT_TEST(memop_populate_many, "memory_op.populate_many")
{
    uint64_t gfn = gt_gfn_of(scratch[3]);

    for (unsigned int i = 0; i < MANY; i++)
        many[i] = gfn;
    /* The same frame, mapped again and again: continuations keep the count. */
    EXPECT_EQ(reserve(XENMEM_populate_physmap, 0, many, MANY, 0, 0, DOMID_SELF), MANY);
    /* Resuming from a progress value. */
    EXPECT_EQ(reserve(XENMEM_populate_physmap, MANY - 10, many, MANY, 0, 0, DOMID_SELF), MANY);
    /* Only the first removal finds something. */
    EXPECT_EQ(reserve(XENMEM_decrease_reservation, 0, many, MANY, 0, 0, DOMID_SELF), 1);
    EXPECT_EQ(reserve(XENMEM_decrease_reservation, 100, many, MANY, 0, 0, DOMID_SELF), 100);
    EXPECT_EQ(reserve(XENMEM_populate_physmap, 0, many, 1, 0, 0, DOMID_SELF), 1);
    EXPECT_TRUE(!unmapped(scratch[3]));
}

/* ------------------------------------------------------------ remove_from_physmap */

static struct xen_remove_from_physmap rfp;

static long remove_from_physmap(unsigned long progress, domid_t dom, uint64_t gpfn)
{
    rfp.domid = dom;
    rfp.gpfn = gpfn;
    return memory_op(XENMEM_remove_from_physmap | PROGRESS(progress), &rfp);
}

GT_TEST(memop_remove_from_physmap, "memory_op.remove_from_physmap")
{
    uint64_t gfn = gt_gfn_of(scratch[2]);

    EXPECT_EQ(memory_op(XENMEM_remove_from_physmap | PROGRESS(1), (void *)GT_UNMAPPED_ADDR),
              -XEN_EINVAL);
    EXPECT_EQ(memory_op(XENMEM_remove_from_physmap, (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    for (unsigned int j = 0; j < GT_ARRAY_SIZE(no_such_domains); j++)
        EXPECT_EQ(remove_from_physmap(0, no_such_domains[j], gfn), -XEN_ESRCH);
    EXPECT_EQ(remove_from_physmap(0, DOMID_SELF, GT_UNMAPPED_ADDR >> 12), -XEN_ENOENT);
    EXPECT_EQ(remove_from_physmap(0, DOMID_SELF, ~0ull), -XEN_ENOENT);

    ASSERT_EQ(remove_from_physmap(0, 0, gfn), 0);
    EXPECT_TRUE(unmapped(scratch[2]));
    EXPECT_EQ(remove_from_physmap(0, DOMID_SELF, gfn), -XEN_ENOENT);
    one_gfn[0] = gfn;
    EXPECT_EQ(reserve(XENMEM_populate_physmap, 0, one_gfn, 1, 0, 0, DOMID_SELF), 1);
    EXPECT_TRUE(!unmapped(scratch[2]));
}

/* ------------------------------------------------------------ gmfn_foreign */

GT_TEST(memop_foreign_refusals, "memory_op.gmfn_foreign_refusals")
{
    static const struct {
        domid_t foreign;
        int err;
    } cases[] = {
        { 0, -XEN_ESRCH },              /* one's own id: not a foreign domain */
        { DOMID_SELF, -XEN_EINVAL },    /* oneself by the other name */
        { 7, -XEN_ESRCH },
        { DOMID_XEN, -XEN_EINVAL },     /* no guest RAM there */
    };

    for (unsigned int i = 0; i < GT_ARRAY_SIZE(cases); i++) {
        b_idx[0] = gt_gfn_of(scratch[2]);
        b_gpfn[0] = gt_gfn_of(scratch[1]);
        EXPECT_EQ(add_batch(0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, cases[i].foreign), 0);
        EXPECT_EQ(b_err[0], cases[i].err);
        EXPECT_EQ(b_err[1], 0x5a5a);
    }
    EXPECT_TRUE(!unmapped(scratch[1]));
}

/* ------------------------------------------------------------ acquire_resource */

static struct xen_mem_acquire_resource acq;

static long acquire(unsigned long progress, domid_t dom, uint16_t type, uint32_t id,
                    uint32_t nr, uint32_t pad, uint64_t frame, xen_pfn_t *list)
{
    acq.domid = dom;
    acq.type = type;
    acq.id = id;
    acq.nr_frames = nr;
    acq.pad = pad;
    acq.frame = frame;
    set_xen_guest_handle(acq.frame_list, list);
    return memory_op(XENMEM_acquire_resource | PROGRESS(progress), &acq);
}

GT_TEST(memop_acquire_refusals, "memory_op.acquire_resource_refusals")
{
    EXPECT_EQ(memory_op(XENMEM_acquire_resource, (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    /* pad, then the frame range, before the domain is looked at. */
    EXPECT_EQ(acquire(0, 7, XENMEM_resource_grant_table, 0, 0, 1, 0, NULL), -XEN_EINVAL);
    EXPECT_EQ(acquire(0, 7, XENMEM_resource_grant_table, 0, 1, 0, 1ull << 32, one_gfn),
              -XEN_EINVAL);
    EXPECT_EQ(acquire(0, 7, XENMEM_resource_grant_table, 0, 1, 0, 0xffffffffull, one_gfn),
              -XEN_EINVAL);
    EXPECT_EQ(acquire(0, 7, XENMEM_resource_grant_table, 0, 1, 0, 0xfffffffeull, one_gfn),
              -XEN_ESRCH);
    /* Only another, existing domain: DOMID_SELF names none, one's own id is refused. */
    EXPECT_EQ(acquire(0, DOMID_SELF, XENMEM_resource_grant_table, 0, 0, 0, 0, NULL),
              -XEN_ESRCH);
    EXPECT_EQ(acquire(0, DOMID_XEN, XENMEM_resource_grant_table, 0, 0, 0, 0, NULL),
              -XEN_ESRCH);
    EXPECT_EQ(acquire(0, 0, XENMEM_resource_grant_table, 0, 0, 0, 0, NULL), -XEN_EPERM);
    EXPECT_EQ(acquire(0, 0, XENMEM_resource_grant_table, 0, 1, 0, 0, one_gfn), -XEN_EPERM);
    EXPECT_EQ(acquire(0, 0, 77, 0, 0, 0, 0, NULL), -XEN_EPERM);
    EXPECT_EQ(acquire(3, 0, XENMEM_resource_grant_table, 1, 0, 0, 0, NULL), -XEN_EPERM);
    EXPECT_EQ(acq.nr_frames, 0);
}

/* ------------------------------------------------------------ the rest */

GT_TEST(memop_vnuma, "memory_op.get_vnumainfo")
{
    static struct xen_vnuma_topology_info vt;

    EXPECT_EQ(memory_op(XENMEM_get_vnumainfo | PROGRESS(1), (void *)GT_UNMAPPED_ADDR),
              -XEN_EINVAL);
    EXPECT_EQ(memory_op(XENMEM_get_vnumainfo, (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    vt.domid = DOMID_SELF;
    vt.pad = 1;
    EXPECT_EQ(memory_op(XENMEM_get_vnumainfo, &vt), -XEN_EINVAL);
    vt.pad = 0;
    vt.domid = 7;
    EXPECT_EQ(memory_op(XENMEM_get_vnumainfo, &vt), -XEN_ESRCH);
    /* No virtual NUMA layout. */
    vt.domid = DOMID_SELF;
    EXPECT_EQ(memory_op(XENMEM_get_vnumainfo, &vt), -XEN_EOPNOTSUPP);
    vt.domid = 0;
    EXPECT_EQ(memory_op(XENMEM_get_vnumainfo, &vt), -XEN_EOPNOTSUPP);
}

GT_TEST(memop_claim, "memory_op.claim_pages")
{
    uint64_t pages, end;

    ASSERT_TRUE(dom0_ram(&pages, &end));
    EXPECT_EQ(memory_op(GT_XENMEM_claim_pages | PROGRESS(1), (void *)GT_UNMAPPED_ADDR), -XEN_EINVAL);
    EXPECT_EQ(memory_op(GT_XENMEM_claim_pages, (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    EXPECT_EQ(reserve(GT_XENMEM_claim_pages, 0, one_gfn, 0, 0, 0, 0), -XEN_EINVAL);
    EXPECT_EQ(reserve(GT_XENMEM_claim_pages, 0, NULL, 0, 1, 0, 0), -XEN_EINVAL);
    EXPECT_EQ(reserve(GT_XENMEM_claim_pages, 0, NULL, 0, 0, 1, 0), -XEN_EINVAL);
    /* By id only: DOMID_SELF and unknown domains are -EINVAL, not -ESRCH. */
    EXPECT_EQ(reserve(GT_XENMEM_claim_pages, 0, NULL, 0, 0, 0, DOMID_SELF), -XEN_EINVAL);
    EXPECT_EQ(reserve(GT_XENMEM_claim_pages, 0, NULL, 0, 0, 0, 7), -XEN_EINVAL);
    /* 0 cancels (there is nothing to cancel); a claim must exceed what it has, within its maximum. */
    EXPECT_EQ(reserve(GT_XENMEM_claim_pages, 0, NULL, 0, 0, 0, 0), 0);
    EXPECT_EQ(reserve(GT_XENMEM_claim_pages, 0, NULL, pages, 0, 0, 0), -XEN_EINVAL);
    EXPECT_EQ(reserve(GT_XENMEM_claim_pages, 0, NULL, pages + 1, 0, 0, 0), -XEN_EINVAL);
}

GT_TEST(memop_exchange, "memory_op.exchange")
{
    static struct xen_memory_exchange ex;

    EXPECT_EQ(memory_op(XENMEM_exchange | PROGRESS(1), (void *)GT_UNMAPPED_ADDR), -XEN_EINVAL);
    EXPECT_EQ(memory_op(XENMEM_exchange, (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    /* Nothing to exchange. */
    EXPECT_EQ(memory_op(XENMEM_exchange, &ex), 0);
    ex.in.extent_order = 19;
    ex.nr_exchanged = 0x77;
    EXPECT_EQ(memory_op(XENMEM_exchange, &ex), -XEN_EPERM);
    ex.in.extent_order = 0;
    ex.nr_exchanged = 0;
    ex.in.nr_extents = 1;
    ex.out.nr_extents = 2;
    EXPECT_EQ(memory_op(XENMEM_exchange, &ex), -XEN_EINVAL);
    ex.out.nr_extents = 1;
    ex.out.domid = 1;
    EXPECT_EQ(memory_op(XENMEM_exchange, &ex), -XEN_EINVAL);
    ex.out.domid = 0;
    ex.nr_exchanged = 2;
    EXPECT_EQ(memory_op(XENMEM_exchange, &ex), -XEN_EINVAL);
    EXPECT_EQ(ex.nr_exchanged, 2);
}

GT_TEST(memop_arm_other, "memory_op.arm_other")
{
    static struct gt_rdm_map rdm;

    /* No memory sharing on Arm: nothing freed, nothing shared; the argument is not read. */
    EXPECT_EQ(memory_op(GT_XENMEM_get_sharing_freed_pages, (void *)GT_UNMAPPED_ADDR), 0);
    EXPECT_EQ(memory_op(GT_XENMEM_get_sharing_shared_pages, (void *)GT_UNMAPPED_ADDR), 0);
    /* No IOMMU reservations: an empty list. */
    EXPECT_EQ(memory_op(GT_XENMEM_reserved_device_memory_map | PROGRESS(1), &rdm), -XEN_EINVAL);
    EXPECT_EQ(memory_op(GT_XENMEM_reserved_device_memory_map, (void *)GT_UNMAPPED_ADDR),
              -XEN_EFAULT);
    rdm.flags = 2;
    EXPECT_EQ(memory_op(GT_XENMEM_reserved_device_memory_map, &rdm), -XEN_EINVAL);
    rdm.flags = GT_XENMEM_RDM_ALL;
    rdm.nr_entries = 5;
    EXPECT_EQ(memory_op(GT_XENMEM_reserved_device_memory_map, &rdm), 0);
    EXPECT_EQ(rdm.nr_entries, 0);
}

#endif /* GT_ARCH_ARM */
