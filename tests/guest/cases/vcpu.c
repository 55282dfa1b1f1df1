/* SPDX-License-Identifier: MIT */
/*
 * vcpu.c - HYPERVISOR_vcpu_op.  On Arm, Xen 4.17 implements only the two
 * registration sub-ops; it looks the vCPU up first (-ENOENT) and refuses
 * every other sub-op with -EINVAL, VCPUOP_is_up included.
 */
#include "gt-xen.h"

#define NO_SUCH_VCPU 4096u

static uint8_t info_page[2][4096] __attribute__((aligned(4096)));

GT_TEST(vcpu_is_up, "vcpu_op.is_up")
{
    /* x86 answers 1 here; Arm 4.17 has no such sub-op for guests. */
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), -XEN_EINVAL);
    if (gt_cfg.nr_cpus > 1)
        EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), -XEN_EINVAL);
}

GT_TEST(vcpu_nonexistent, "vcpu_op.nonexistent_vcpu")
{
    /* The vCPU is looked up before the sub-op is considered. */
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, NO_SUCH_VCPU, NULL), -XEN_ENOENT);
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0xffffffffu, NULL), -XEN_ENOENT);
    if (gt_cfg.nr_cpus)
        EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, gt_cfg.nr_cpus, NULL), -XEN_ENOENT);
    EXPECT_EQ(HYPERVISOR_vcpu_op(99, NO_SUCH_VCPU, NULL), -XEN_ENOENT);
}

GT_TEST(vcpu_unknown, "vcpu_op.other_subops")
{
    /* Sub-ops Arm guests may not use, and one nobody defines. */
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_up, 0, NULL), -XEN_EINVAL);
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, NULL), -XEN_EINVAL);
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, NULL), -XEN_EINVAL);
    EXPECT_EQ(HYPERVISOR_vcpu_op(99, 0, NULL), -XEN_EINVAL);
}

static long register_info(unsigned int vcpu, uint64_t gfn, uint32_t offset)
{
    static struct vcpu_register_vcpu_info r;

    r.mfn = gfn;
    r.offset = offset;
    r.rsvd = 0;
    return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);
}

GT_TEST(vcpu_register_info, "vcpu_op.register_vcpu_info")
{
    uint64_t gfn = gt_gfn_of(info_page[0]);
    const uint32_t off = 128;
    struct vcpu_info *vi = (struct vcpu_info *)(info_page[0] + off);

    _Static_assert(sizeof(struct vcpu_info) == 48, "Arm vcpu_info is 48 bytes");

    /* Refusals that must leave the vCPU unregistered. */
    EXPECT_EQ(register_info(NO_SUCH_VCPU, gfn, off), -XEN_ENOENT);
    EXPECT_EQ(register_info(0, gfn, 4096 - sizeof(struct vcpu_info) + 8), -XEN_ENXIO);
    EXPECT_EQ(register_info(0, gfn, 4), -XEN_ENXIO);          /* misaligned */
    EXPECT_EQ(register_info(0, 0xc0000000ul >> 12, off), -XEN_EINVAL); /* no RAM */

    memset(info_page[0], 0x77, sizeof(info_page[0]));
    ASSERT_EQ(register_info(0, gfn, off), 0);
    /* Xen copies the old area in and then marks every event pending. */
    EXPECT_EQ(vi->evtchn_upcall_pending, 1);
    EXPECT_XEQ(vi->evtchn_pending_sel, ~(xen_ulong_t)0);
    EXPECT_EQ(vi->time.version & 1, 0);
    gt_printf("  vcpu_info at gfn 0x%llx+%u: pending %u sel 0x%llx time.version %u\n",
              (unsigned long long)gfn, off, vi->evtchn_upcall_pending,
              (unsigned long long)vi->evtchn_pending_sel, vi->time.version);
    /* Bytes around the area are not touched. */
    EXPECT_EQ(info_page[0][off - 1], 0x77);
    EXPECT_EQ(info_page[0][off + sizeof(struct vcpu_info)], 0x77);

    /* Only once per vCPU. */
    EXPECT_EQ(register_info(0, gfn, off), -XEN_EINVAL);

    /* An offline vCPU may be registered by another one. */
    if (gt_cfg.nr_cpus > 1) {
        vi = (struct vcpu_info *)info_page[1];
        memset(info_page[1], 0x77, sizeof(info_page[1]));
        EXPECT_EQ(register_info(1, gt_gfn_of(info_page[1]), 0), 0);
        EXPECT_EQ(vi->evtchn_upcall_pending, 1);
        EXPECT_XEQ(vi->evtchn_pending_sel, ~(xen_ulong_t)0);
    }
}
