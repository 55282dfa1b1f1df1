/* SPDX-License-Identifier: MIT */
/*
 * vcpu.c - HYPERVISOR_vcpu_op.  On Arm, Xen 4.17 implements only the two
 * registration sub-ops; it looks the vCPU up first (-ENOENT) and refuses
 * every other sub-op with -EINVAL, VCPUOP_is_up included.  x86 has the
 * common set (is_up, up, timers, runstate, ...) and -ENOSYS for the rest.
 */
#include "gt-xen.h"

#define NO_SUCH_VCPU 4096u

static uint8_t info_page[2][4096] __attribute__((aligned(4096)));

#if GT_ARCH_ARM
GT_TEST(vcpu_is_up, "vcpu_op.is_up")
{
    /* x86 answers 1 here; Arm 4.17 has no such sub-op for guests. */
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), -XEN_EINVAL);
    if (gt_cfg.nr_cpus > 1)
        EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), -XEN_EINVAL);
}
#else
GT_TEST(vcpu_is_up, "vcpu_op.is_up")
{
    /* vCPU 0 runs this; the others were created but never started. */
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    if (gt_cfg.nr_cpus > 1)
        EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
}
#endif

GT_TEST(vcpu_nonexistent, "vcpu_op.nonexistent_vcpu")
{
    /* The vCPU is looked up before the sub-op is considered. */
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, NO_SUCH_VCPU, NULL), -XEN_ENOENT);
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0xffffffffu, NULL), -XEN_ENOENT);
    if (gt_cfg.nr_cpus)
        EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, gt_cfg.nr_cpus, NULL), -XEN_ENOENT);
    EXPECT_EQ(HYPERVISOR_vcpu_op(99, NO_SUCH_VCPU, NULL), -XEN_ENOENT);
}

#if GT_ARCH_ARM
GT_TEST(vcpu_unknown, "vcpu_op.other_subops")
{
    /* Sub-ops Arm guests may not use, and one nobody defines. */
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_up, 0, NULL), -XEN_EINVAL);
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, NULL), -XEN_EINVAL);
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, NULL), -XEN_EINVAL);
    EXPECT_EQ(HYPERVISOR_vcpu_op(99, 0, NULL), -XEN_EINVAL);
}
#else
GT_TEST(vcpu_unknown, "vcpu_op.other_subops")
{
    static struct vcpu_set_periodic_timer period;

    EXPECT_EQ(HYPERVISOR_vcpu_op(99, 0, NULL), -XEN_ENOSYS);
    /* A period under 1 ms is refused before anything changes. */
    period.period_ns = 999999;
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &period), -XEN_EINVAL);
    /* The one-shot timer is only a vCPU's own business. */
    if (gt_cfg.nr_cpus > 1)
        EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 1, NULL), -XEN_EINVAL);
}

GT_TEST(vcpu_runstate, "vcpu_op.get_runstate_info")
{
    static struct vcpu_runstate_info rs;

    memset(&rs, 0xa5, sizeof(rs));
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &rs), 0);
    gt_printf("  vCPU 0: state %d, state_entry_time %llu\n", rs.state,
              (unsigned long long)rs.state_entry_time);
    EXPECT_EQ(rs.state, RUNSTATE_running);
    if (gt_cfg.nr_cpus > 1) {
        memset(&rs, 0xa5, sizeof(rs));
        EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 1, &rs), 0);
        EXPECT_EQ(rs.state, RUNSTATE_offline);
    }
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, (void *)GT_UNMAPPED_ADDR),
              -XEN_EFAULT);
}
#endif

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

#if GT_ARCH_ARM
    _Static_assert(sizeof(struct vcpu_info) == 48, "Arm vcpu_info is 48 bytes");
#else
    _Static_assert(sizeof(struct vcpu_info) == 64, "x86 vcpu_info is 64 bytes");
#endif

    /* Refusals that must leave the vCPU unregistered. */
    EXPECT_EQ(register_info(NO_SUCH_VCPU, gfn, off), -XEN_ENOENT);
    EXPECT_EQ(register_info(0, gfn, 4096 - sizeof(struct vcpu_info) + 8), -XEN_ENXIO);
#if GT_ARCH_ARM
    EXPECT_EQ(register_info(0, gfn, 4), -XEN_ENXIO);          /* misaligned */
#else
    /* A 32-bit x86 guest's vcpu_info needs only 4-byte alignment. */
    EXPECT_EQ(register_info(0, gfn, 2), -XEN_ENXIO);          /* misaligned */
#if GT_ARCH_BITS == 64
    EXPECT_EQ(register_info(0, gfn, 4), -XEN_ENXIO);
#endif
#endif
    EXPECT_EQ(register_info(0, GT_UNMAPPED_ADDR >> 12, off), -XEN_EINVAL); /* no RAM */

    memset(info_page[0], 0x77, sizeof(info_page[0]));
    ASSERT_EQ(register_info(0, gfn, off), 0);
    gt_cfg.vcpu0_info = vi;
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

#if GT_ARCH_X86
/* Last: a hypervisor that wrongly starts vCPU 1 here would change what
 * the tests above see. */
GT_TEST(vcpu_up_no_context, "vcpu_op.up_without_context")
{
    /* Nobody gave vCPU 1 a context (VCPUOP_initialise): it cannot start. */
    if (gt_cfg.nr_cpus < 2)
        gt_skip("one vCPU");
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
}
#endif
