/* SPDX-License-Identifier: MIT */
/*
 * multicall.c - HYPERVISOR_multicall: every entry runs and gets its own
 * result, whatever the others did; a multicall inside a multicall is
 * refused in its entry only; an unreadable list fails the call.
 */
#include "gt-ctl.h"

static multicall_entry_t mc[8];
static struct xen_domctl mc_dc;

static long multicall(multicall_entry_t *list, unsigned int nr)
{
    return gt_hypercall(__HYPERVISOR_multicall, (unsigned long)list, nr, 0, 0, 0);
}

static void entry(unsigned int i, unsigned long op, unsigned long a0, unsigned long a1)
{
    memset(&mc[i], 0, sizeof(mc[i]));
    mc[i].op = op;
    mc[i].args[0] = a0;
    mc[i].args[1] = a1;
    mc[i].result = 0x5a5a;
}

GT_TEST(multicall_results, "multicall.results")
{
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);

    entry(0, __HYPERVISOR_xen_version, XENVER_version, 0);
    entry(1, 9999, 0, 0);                                   /* no such hypercall */
    entry(2, __HYPERVISOR_xen_version, XENVER_pagesize, 0);
    entry(3, __HYPERVISOR_xen_version, XENVER_extraversion, GT_UNMAPPED_ADDR);
    entry(4, __HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    entry(5, __HYPERVISOR_domctl, (unsigned long)gt_dc(&mc_dc, XEN_DOMCTL_getdomaininfo, 0), 0);
    entry(6, __HYPERVISOR_domctl, (unsigned long)GT_UNMAPPED_ADDR, 0);
    entry(7, __HYPERVISOR_xen_version, 999, 0);
    EXPECT_EQ(multicall(mc, 8), 0);
    EXPECT_EQ((long)mc[0].result, version);
    EXPECT_EQ((long)mc[1].result, -XEN_ENOSYS);
    EXPECT_EQ((long)mc[2].result, 4096);
    EXPECT_EQ((long)mc[3].result, -XEN_EFAULT);
    EXPECT_EQ((long)mc[4].result, 0);
    EXPECT_EQ((long)mc[5].result, 0);
    EXPECT_EQ(mc_dc.u.getdomaininfo.domain, 0);
    EXPECT_EQ((long)mc[6].result, -XEN_EFAULT);
    EXPECT_EQ((long)mc[7].result, -XEN_ENOSYS);
    /* The entries are otherwise left as they were. */
    EXPECT_XEQ(mc[0].op, __HYPERVISOR_xen_version);
    EXPECT_XEQ(mc[2].args[0], XENVER_pagesize);

    /* Nothing to do. */
    EXPECT_EQ(multicall(mc, 0), 0);
    EXPECT_EQ(multicall((multicall_entry_t *)GT_UNMAPPED_ADDR, 0), 0);
}

GT_TEST(multicall_nested, "multicall.nested")
{
    static multicall_entry_t inner[1];

    memset(inner, 0, sizeof(inner));
    inner[0].op = __HYPERVISOR_xen_version;
    inner[0].args[0] = XENVER_pagesize;
    inner[0].result = 0x5a5a;
    entry(0, __HYPERVISOR_xen_version, XENVER_pagesize, 0);
    entry(1, __HYPERVISOR_multicall, (unsigned long)inner, 1);
    entry(2, __HYPERVISOR_xen_version, XENVER_pagesize, 0);
    EXPECT_EQ(multicall(mc, 3), 0);
    EXPECT_EQ((long)mc[0].result, 4096);
    EXPECT_EQ((long)mc[1].result, -XEN_EINVAL);
    EXPECT_EQ((long)mc[2].result, 4096);
    /* The inner batch never ran. */
    EXPECT_EQ((long)inner[0].result, 0x5a5a);
}

GT_TEST(multicall_fault, "multicall.bad_list")
{
    EXPECT_EQ(multicall((multicall_entry_t *)GT_UNMAPPED_ADDR, 1), -XEN_EFAULT);
    EXPECT_EQ(multicall((multicall_entry_t *)GT_UNMAPPED_ADDR, 3), -XEN_EFAULT);
}
