/* SPDX-License-Identifier: MIT */
/*
 * sched.c - HYPERVISOR_sched_op sub-ops that return.  The shutdown reasons
 * themselves end the machine when dom0 uses them; the runner boots once
 * per reason and watches what QEMU does (gt.final=..., see main.c).
 */
#include "gt-xen.h"

GT_TEST(sched_yield, "sched_op.yield")
{
    EXPECT_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
    EXPECT_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
}

GT_TEST(sched_unknown, "sched_op.unknown_cmd")
{
    EXPECT_EQ(HYPERVISOR_sched_op(99, NULL), -XEN_ENOSYS);
    EXPECT_EQ(HYPERVISOR_sched_op(-1, NULL), -XEN_ENOSYS);
}

GT_TEST(sched_shutdown_fault, "sched_op.shutdown_bad_pointer")
{
    /* The argument is read before anything happens: no shutdown. */
    EXPECT_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    EXPECT_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown_code, (void *)GT_UNMAPPED_ADDR),
              -XEN_EFAULT);
}
