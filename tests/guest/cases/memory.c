/* SPDX-License-Identifier: MIT */
/*
 * memory.c - HYPERVISOR_memory_op on Arm: the domain and machine queries
 * and the argument checks of XENMEM_add_to_physmap(_batch).  Mapping
 * shared_info itself is evtchn.c's business (it runs first and keeps the
 * page mapped); nothing here maps anything the later tests could notice.
 * x86 guests reach memory_op through Xen's HVM filter: x86-pvh.c covers
 * what they may use.
 */
#include "gt-xen.h"
#include <public/memory.h>

#if GT_ARCH_ARM

#if !__has_include(<public/errno.h>)
enum {
    XEN_ESRCH = 3, XEN_EDOM = 33, XEN_EOVERFLOW = 75, XEN_EILSEQ = 84,
    XEN_EOPNOTSUPP = 95,
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

/* Pages only these tests hand to the hypervisor. */
static uint8_t scratch[2][4096] __attribute__((aligned(4096)));

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

#endif /* GT_ARCH_ARM */
