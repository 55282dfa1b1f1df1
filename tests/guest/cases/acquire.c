/* SPDX-License-Identifier: MIT */
/*
 * acquire.c - XENMEM_acquire_resource from dom0 on a new domain's grant
 * table: the size query, mapping its frames into dom0 at a free
 * guest-physical address, and each refusal in the order Xen checks:
 * the structure, pad, the frame range, the domain (not oneself), the
 * resource type, then the frames asked for.
 *
 * Not here: a domU asking for dom0's resources (needs code running in a
 * domU; see the domU tests).
 */
#include "gt-ctl.h"

/* Where the frames appear in dom0: nothing is there, nothing else uses it. */
#define MAP_GFN ((GT_UNMAPPED_ADDR + 0x100000) / GT_PAGE_SIZE)

static struct xen_mem_acquire_resource xmar;
static xen_pfn_t gfns[GT_CTL_GNT_FRAMES + 1];

static long acquire(domid_t dom, uint16_t type, uint32_t id, uint64_t frame, uint32_t nr,
                    xen_pfn_t *list)
{
    memset(&xmar, 0, sizeof(xmar));
    xmar.domid = dom;
    xmar.type = type;
    xmar.id = id;
    xmar.frame = frame;
    xmar.nr_frames = nr;
    xmar.frame_list.p = list;           /* the rest of the handle is zero (memset) */
    return gt_memory_op(XENMEM_acquire_resource, &xmar);
}

static long unmap_gfn(uint64_t gfn)
{
    static struct xen_remove_from_physmap x;

    x.domid = DOMID_SELF;
    x.gpfn = gfn;
    return gt_memory_op(XENMEM_remove_from_physmap, &x);
}

static domid_t new_domain(void)
{
    long id = gt_ctl_create(0);

    if (id <= 0)
        gt_abort_at(__FILE__, __LINE__, "createdomain: %ld", id);
    return (domid_t)id;
}

GT_TEST(acquire_size, "acquire_resource.size")
{
    domid_t d = new_domain();

    /* A null list and no frames: how many frames the resource has. */
    EXPECT_EQ(acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared,
                      0, 0, NULL), 0);
    EXPECT_EQ(xmar.nr_frames, GT_CTL_GNT_FRAMES);
    /* frame is not looked at by the query. */
    EXPECT_EQ(acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared,
                      2, 0, NULL), 0);
    EXPECT_EQ(xmar.nr_frames, GT_CTL_GNT_FRAMES);
    /* Status frames exist only where grant table v2 is built in (x86, not Arm). */
#if GT_ARCH_ARM
    EXPECT_EQ(acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_status,
                      0, 0, NULL), -XEN_EINVAL);
#else
    EXPECT_EQ(acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_status,
                      0, 0, NULL), 0);
    gt_printf("  status frames: %u\n", xmar.nr_frames);
    EXPECT_EQ(xmar.nr_frames, 1);
#endif
    /* A null list with frames asked for. */
    EXPECT_EQ(acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared,
                      0, 1, NULL), -XEN_EINVAL);
    /* A resource of size 0 (no trace buffers were asked for at creation). */
    EXPECT_EQ(acquire(d, XENMEM_resource_vmtrace_buf, 0, 0, 0, NULL), -XEN_EINVAL);
    /* An unknown grant table part. */
    EXPECT_EQ(acquire(d, XENMEM_resource_grant_table, 2, 0, 0, NULL), -XEN_EINVAL);
    EXPECT_EQ(gt_ctl_destroy(d), 0);
}

GT_TEST(acquire_map, "acquire_resource.map_grant_table")
{
    domid_t d = new_domain();
    volatile uint32_t *p;

    for (unsigned int i = 0; i < GT_CTL_GNT_FRAMES; i++)
        gfns[i] = MAP_GFN + i;
    /* Frames 1 and 2 of the shared table, at MAP_GFN and MAP_GFN + 1. */
    if (EXPECT_EQ(acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared,
                          1, 2, gfns), 0)) {
        /* A new domain's grant entries are all empty; ours to write now. */
        p = (volatile uint32_t *)(uintptr_t)(MAP_GFN * GT_PAGE_SIZE);
        EXPECT_XEQ(p[0], 0);
        EXPECT_XEQ(p[1023], 0);
        p[5] = 0x12345678;
        EXPECT_XEQ(p[5], 0x12345678);
        p = (volatile uint32_t *)(uintptr_t)((MAP_GFN + 1) * GT_PAGE_SIZE);
        EXPECT_XEQ(p[1], 0);
        /* Unmapped before anything else goes there (x86 Xen crashes a caller
         * that maps over a foreign mapping). */
        EXPECT_EQ(unmap_gfn(MAP_GFN), 0);
        EXPECT_EQ(unmap_gfn(MAP_GFN + 1), 0);
    }
    /* The whole table. */
    if (EXPECT_EQ(acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared,
                          0, GT_CTL_GNT_FRAMES, gfns), 0)) {
        /* Frame 1 is now at MAP_GFN + 1, with what was written through the first mapping. */
        p = (volatile uint32_t *)(uintptr_t)((MAP_GFN + 1) * GT_PAGE_SIZE);
        EXPECT_XEQ(p[5], 0x12345678);
        for (unsigned int i = 0; i < GT_CTL_GNT_FRAMES; i++)
            EXPECT_EQ(unmap_gfn(MAP_GFN + i), 0);
    }
    EXPECT_EQ(gt_ctl_destroy(d), 0);
}

GT_TEST(acquire_refused, "acquire_resource.refused")
{
    const uint16_t gt = XENMEM_resource_grant_table;
    const uint32_t shr = XENMEM_resource_grant_table_id_shared;
    domid_t d = new_domain();

    gfns[0] = MAP_GFN;
    gfns[1] = MAP_GFN + 1;

    /* The structure itself. */
    EXPECT_EQ(gt_memory_op(XENMEM_acquire_resource, (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    /* pad must be 0; checked before the domain is looked at. */
    acquire(d, gt, shr, 0, 0, NULL);
    xmar.pad = 1;
    EXPECT_EQ(gt_memory_op(XENMEM_acquire_resource, &xmar), -XEN_EINVAL);
    acquire(0x7fef, gt, shr, 0, 0, NULL);
    xmar.pad = 0x80000000u;
    EXPECT_EQ(gt_memory_op(XENMEM_acquire_resource, &xmar), -XEN_EINVAL);
    /* frame and frame + nr_frames must fit in 32 bits, also before the domain. */
    EXPECT_EQ(acquire(d, gt, shr, 1ull << 32, 1, gfns), -XEN_EINVAL);
    EXPECT_EQ(acquire(0x7fef, gt, shr, 1ull << 32, 0, NULL), -XEN_EINVAL);
    EXPECT_EQ(acquire(d, gt, shr, 0xffffffffu, 1, gfns), -XEN_EINVAL);
    EXPECT_EQ(acquire(d, gt, shr, 0xfffffff0u, 0x20, gfns), -XEN_EINVAL);

    /* The domain: none, a reserved id, or the caller itself. */
    EXPECT_EQ(acquire(0x7fef, gt, shr, 0, 0, NULL), -XEN_ESRCH);
    EXPECT_EQ(acquire(DOMID_SELF, gt, shr, 0, 0, NULL), -XEN_ESRCH);
    EXPECT_EQ(acquire(DOMID_XEN, gt, shr, 0, 0, NULL), -XEN_ESRCH);
    EXPECT_EQ(acquire(DOMID_INVALID, gt, shr, 0, 0, NULL), -XEN_ESRCH);
    EXPECT_EQ(acquire(0, gt, shr, 0, 0, NULL), -XEN_EPERM);
    EXPECT_EQ(acquire(0, gt, shr, 0, 1, gfns), -XEN_EPERM);

    /* A type nobody knows: refused when frames are asked for. */
    EXPECT_EQ(acquire(d, 7, 0, 0, 1, gfns), -XEN_EOPNOTSUPP);
    EXPECT_EQ(acquire(d, 0xffff, 0, 0, 1, gfns), -XEN_EOPNOTSUPP);

    /* Frames beyond the table's limit (4 frames). */
    EXPECT_EQ(acquire(d, gt, shr, GT_CTL_GNT_FRAMES, 1, gfns), -XEN_EINVAL);
    EXPECT_EQ(acquire(d, gt, shr, GT_CTL_GNT_FRAMES - 1, 2, gfns), -XEN_EINVAL);
    EXPECT_EQ(acquire(d, gt, shr, 0x10000, 1, gfns), -XEN_EINVAL);
    /* Status frames of a version 1 table. */
    EXPECT_EQ(acquire(d, gt, XENMEM_resource_grant_table_id_status, 0, 1, gfns), -XEN_EINVAL);
    /* A frame list that cannot be read. */
    EXPECT_EQ(acquire(d, gt, shr, 0, 1, (xen_pfn_t *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    EXPECT_EQ(gt_ctl_destroy(d), 0);
}
