/* SPDX-License-Identifier: MIT */
/*
 * sysctl.c - HYPERVISOR_sysctl from dom0: the interface version and the
 * structure's address, then the host queries a toolstack makes at start
 * (physinfo, sched_id, the domain list, CPU and NUMA topology, CPU pools,
 * the console ring), with the refusals for bad buffers.
 */
#include "gt-ctl.h"

static struct xen_sysctl op;

static long sc(uint32_t cmd)
{
    return gt_sysctl(gt_sc(&op, cmd));
}

GT_TEST(sysctl_version, "sysctl.interface_version")
{
    static const uint32_t bad[] = { 0, 0x14, 0x16, XEN_DOMCTL_INTERFACE_VERSION | 0x100, ~0u };

    for (unsigned int i = 0; i < GT_ARRAY_SIZE(bad); i++) {
        gt_sc(&op, XEN_SYSCTL_physinfo)->interface_version = bad[i];
        EXPECT_EQ(gt_sysctl(&op), -XEN_EACCES);
    }
    EXPECT_EQ(gt_sysctl((struct xen_sysctl *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    EXPECT_EQ(gt_sysctl((struct xen_sysctl *)(GT_UNMAPPED_ADDR - 8)), -XEN_EFAULT);
    /* Unknown commands, and ones Xen 4.17 retired (13, 24, 28). */
    EXPECT_EQ(sc(0), -XEN_ENOSYS);
    EXPECT_EQ(sc(13), -XEN_ENOSYS);
    EXPECT_EQ(sc(99), -XEN_ENOSYS);
    EXPECT_EQ(sc(~0u), -XEN_ENOSYS);
}

GT_TEST(sysctl_physinfo, "sysctl.physinfo")
{
    struct xen_sysctl_physinfo *pi = &op.u.physinfo;

    ASSERT_EQ(sc(XEN_SYSCTL_physinfo), 0);
    gt_printf("  threads/core %u cores/socket %u cpus %u max_cpu_id %u nodes %u max_node %u "
              "khz %u caps 0x%x arch_caps 0x%x\n", pi->threads_per_core, pi->cores_per_socket,
              pi->nr_cpus, pi->max_cpu_id, pi->nr_nodes, pi->max_node_id, pi->cpu_khz,
              pi->capabilities, pi->arch_capabilities);
    gt_printf("  pages total %llu free %llu scrub %llu outstanding %llu max_mfn 0x%llx\n",
              (unsigned long long)pi->total_pages, (unsigned long long)pi->free_pages,
              (unsigned long long)pi->scrub_pages, (unsigned long long)pi->outstanding_pages,
              (unsigned long long)pi->max_mfn);
    /* The host has as many CPUs as dom0 has vCPUs here (QEMU -smp 2, no dom0_max_vcpus). */
    EXPECT_EQ(pi->nr_cpus, gt_cfg.nr_cpus);
    EXPECT_GE(pi->max_cpu_id + 1, pi->nr_cpus);
    EXPECT_GE(pi->threads_per_core, 1);
    EXPECT_GE(pi->cores_per_socket, 1);
    EXPECT_EQ(pi->nr_nodes, 1);
    /* x86: the highest node id Xen was built for; Arm has no NUMA. */
    EXPECT_EQ(pi->max_node_id, GT_ARCH_ARM ? 0 : 63);
    EXPECT_TRUE(pi->cpu_khz > 0);
    EXPECT_TRUE(pi->free_pages > 0 && pi->free_pages < pi->total_pages);
    /* QEMU has 1 GiB; dom0 has 256 MiB of it. */
    EXPECT_TRUE(pi->total_pages > 65536 && pi->total_pages <= 262144);
    EXPECT_TRUE(pi->max_mfn >= pi->total_pages);
    EXPECT_EQ(pi->outstanding_pages, 0);
    EXPECT_XEQ(pi->capabilities & (XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
                                   XEN_SYSCTL_PHYSCAP_gnttab_v1),
               XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_gnttab_v1);
}

GT_TEST(sysctl_sched_id, "sysctl.sched_id")
{
    ASSERT_EQ(sc(XEN_SYSCTL_sched_id), 0);
    gt_printf("  sched_id %u\n", op.u.sched_id.sched_id);
    /* Debian's Xen runs credit2; ours credit (docs/differences.md). */
    EXPECT_TRUE(op.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT ||
                op.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT2);
}

static xen_domctl_getdomaininfo_t infos[4];

static long domlist(domid_t first, uint32_t max, void *buf)
{
    gt_sc(&op, XEN_SYSCTL_getdomaininfolist);
    op.u.getdomaininfolist.first_domain = first;
    op.u.getdomaininfolist.max_domains = max;
    op.u.getdomaininfolist.num_domains = 0x5555;
    set_xen_guest_handle(op.u.getdomaininfolist.buffer, buf);
    return gt_sysctl(&op);
}

GT_TEST(sysctl_domlist, "sysctl.getdomaininfolist")
{
    long id;

    memset(infos, 0xa5, sizeof(infos));
    ASSERT_EQ(domlist(0, 4, infos), 0);
    EXPECT_EQ(op.u.getdomaininfolist.num_domains, 1);
    EXPECT_EQ(infos[0].domain, 0);
    EXPECT_EQ(infos[0].nr_online_vcpus, 1);
    EXPECT_EQ(infos[1].domain, 0xa5a5);
    EXPECT_EQ(domlist(0, 0, infos), 0);
    EXPECT_EQ(op.u.getdomaininfolist.num_domains, 0);
    EXPECT_EQ(domlist(1, 4, infos), 0);
    EXPECT_EQ(op.u.getdomaininfolist.num_domains, 0);
    EXPECT_EQ(domlist(DOMID_SELF, 4, infos), 0);
    EXPECT_EQ(op.u.getdomaininfolist.num_domains, 0);
    EXPECT_EQ(domlist(0, 4, (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);
    /* Nothing to write: the buffer is never touched. */
    EXPECT_EQ(domlist(0, 0, (void *)GT_UNMAPPED_ADDR), 0);

    /* A new domain is listed after dom0, in id order. */
    id = gt_ctl_create(0);
    ASSERT_TRUE(id > 0);
    memset(infos, 0xa5, sizeof(infos));
    EXPECT_EQ(domlist(0, 4, infos), 0);
    EXPECT_EQ(op.u.getdomaininfolist.num_domains, 2);
    EXPECT_EQ(infos[0].domain, 0);
    EXPECT_EQ(infos[1].domain, id);
    EXPECT_XEQ(infos[1].flags & XEN_DOMINF_paused, XEN_DOMINF_paused);
    EXPECT_EQ(domlist(1, 4, infos), 0);
    EXPECT_EQ(op.u.getdomaininfolist.num_domains, 1);
    EXPECT_EQ(infos[0].domain, id);
    EXPECT_EQ(domlist(0, 1, infos), 0);
    EXPECT_EQ(op.u.getdomaininfolist.num_domains, 1);
    EXPECT_EQ(gt_ctl_destroy((domid_t)id), 0);
}

static char con[1024];

GT_TEST(sysctl_readconsole, "sysctl.readconsole")
{
    uint32_t n, index;

    memset(con, 0, sizeof(con));
    gt_sc(&op, XEN_SYSCTL_readconsole);
    set_xen_guest_handle(op.u.readconsole.buffer, con);
    op.u.readconsole.count = sizeof(con) - 1;
    ASSERT_EQ(gt_sysctl(&op), 0);
    n = op.u.readconsole.count;
    index = op.u.readconsole.index;
    gt_printf("  read %u bytes, index %u, starting \"%.40s\"\n", n, index, con);
    EXPECT_TRUE(n > 0 && n <= sizeof(con) - 1);
    EXPECT_TRUE(index >= n);

    /* Nothing asked for, nothing read. */
    gt_sc(&op, XEN_SYSCTL_readconsole);
    set_xen_guest_handle(op.u.readconsole.buffer, con);
    op.u.readconsole.count = 0;
    EXPECT_EQ(gt_sysctl(&op), 0);
    EXPECT_EQ(op.u.readconsole.count, 0);

    /* A buffer that cannot be written. */
    gt_sc(&op, XEN_SYSCTL_readconsole);
    set_xen_guest_handle(op.u.readconsole.buffer, (char *)GT_UNMAPPED_ADDR);
    op.u.readconsole.count = 64;
    EXPECT_EQ(gt_sysctl(&op), -XEN_EFAULT);

    /* Incremental from where the first read ended: at most what came since. */
    gt_sc(&op, XEN_SYSCTL_readconsole);
    set_xen_guest_handle(op.u.readconsole.buffer, con);
    op.u.readconsole.count = sizeof(con) - 1;
    op.u.readconsole.incremental = 1;
    op.u.readconsole.index = index;
    EXPECT_EQ(gt_sysctl(&op), 0);
    gt_printf("  incremental: %u bytes, index %u\n", op.u.readconsole.count,
              op.u.readconsole.index);
    EXPECT_EQ(op.u.readconsole.index, index + op.u.readconsole.count);
}

static xen_sysctl_cpuinfo_t cpuinfo[8];

GT_TEST(sysctl_getcpuinfo, "sysctl.getcpuinfo")
{
    gt_sc(&op, XEN_SYSCTL_getcpuinfo)->u.getcpuinfo.max_cpus = GT_ARRAY_SIZE(cpuinfo);
    set_xen_guest_handle(op.u.getcpuinfo.info, cpuinfo);
    ASSERT_EQ(gt_sysctl(&op), 0);
    gt_printf("  %u CPUs, idle %llu %llu ns\n", op.u.getcpuinfo.nr_cpus,
              (unsigned long long)cpuinfo[0].idletime, (unsigned long long)cpuinfo[1].idletime);
    EXPECT_EQ(op.u.getcpuinfo.nr_cpus, gt_cfg.nr_cpus);

    gt_sc(&op, XEN_SYSCTL_getcpuinfo)->u.getcpuinfo.max_cpus = 1;
    set_xen_guest_handle(op.u.getcpuinfo.info, cpuinfo);
    EXPECT_EQ(gt_sysctl(&op), 0);
    EXPECT_EQ(op.u.getcpuinfo.nr_cpus, 1);

    gt_sc(&op, XEN_SYSCTL_getcpuinfo)->u.getcpuinfo.max_cpus = 4;
    set_xen_guest_handle(op.u.getcpuinfo.info, (xen_sysctl_cpuinfo_t *)GT_UNMAPPED_ADDR);
    EXPECT_EQ(gt_sysctl(&op), -XEN_EFAULT);
}

static xen_sysctl_cputopo_t topo[8];

GT_TEST(sysctl_cputopoinfo, "sysctl.cputopoinfo")
{
    uint32_t n;

    /* No array: how many entries there are. */
    gt_sc(&op, XEN_SYSCTL_cputopoinfo)->u.cputopoinfo.num_cpus = 0;
    ASSERT_EQ(gt_sysctl(&op), 0);
    n = op.u.cputopoinfo.num_cpus;
    gt_printf("  %u CPU ids\n", n);
    EXPECT_GE(n, gt_cfg.nr_cpus);

    memset(topo, 0xa5, sizeof(topo));
    gt_sc(&op, XEN_SYSCTL_cputopoinfo)->u.cputopoinfo.num_cpus = GT_ARRAY_SIZE(topo);
    set_xen_guest_handle(op.u.cputopoinfo.cputopo, topo);
    ASSERT_EQ(gt_sysctl(&op), 0);
    EXPECT_EQ(op.u.cputopoinfo.num_cpus, n);
    for (unsigned int i = 0; i < gt_cfg.nr_cpus && i < GT_ARRAY_SIZE(topo); i++) {
        gt_printf("  cpu %u: core %u socket %u node %u\n", i, topo[i].core, topo[i].socket,
                  topo[i].node);
        EXPECT_EQ(topo[i].node, 0);
    }
    EXPECT_XEQ(topo[n].core, 0xa5a5a5a5u);

    /* A short array: filled as far as it goes, and the count says how far. */
    memset(topo, 0xa5, sizeof(topo));
    gt_sc(&op, XEN_SYSCTL_cputopoinfo)->u.cputopoinfo.num_cpus = 1;
    set_xen_guest_handle(op.u.cputopoinfo.cputopo, topo);
    EXPECT_EQ(gt_sysctl(&op), 0);
    EXPECT_EQ(op.u.cputopoinfo.num_cpus, 1);
    EXPECT_EQ(topo[0].node, 0);
    EXPECT_XEQ(topo[1].core, 0xa5a5a5a5u);

    gt_sc(&op, XEN_SYSCTL_cputopoinfo)->u.cputopoinfo.num_cpus = 4;
    set_xen_guest_handle(op.u.cputopoinfo.cputopo, (xen_sysctl_cputopo_t *)GT_UNMAPPED_ADDR);
    EXPECT_EQ(gt_sysctl(&op), -XEN_EFAULT);
}

static xen_sysctl_meminfo_t meminfo[2];
static uint32_t distance[4];

GT_TEST(sysctl_numainfo, "sysctl.numainfo")
{
    gt_sc(&op, XEN_SYSCTL_numainfo);
    ASSERT_EQ(gt_sysctl(&op), 0);
    EXPECT_EQ(op.u.numainfo.num_nodes, 1);

    memset(meminfo, 0xa5, sizeof(meminfo));
    memset(distance, 0xa5, sizeof(distance));
    gt_sc(&op, XEN_SYSCTL_numainfo)->u.numainfo.num_nodes = 2;
    set_xen_guest_handle(op.u.numainfo.meminfo, meminfo);
    set_xen_guest_handle(op.u.numainfo.distance, distance);
    ASSERT_EQ(gt_sysctl(&op), 0);
    gt_printf("  nodes %u: size %llu free %llu distance %u %u %u %u\n", op.u.numainfo.num_nodes,
              (unsigned long long)meminfo[0].memsize, (unsigned long long)meminfo[0].memfree,
              distance[0], distance[1], distance[2], distance[3]);
    EXPECT_EQ(op.u.numainfo.num_nodes, 1);
    EXPECT_TRUE(meminfo[0].memsize > (256ull << 20) && meminfo[0].memsize <= (1ull << 30));
    EXPECT_TRUE(meminfo[0].memfree > 0 && meminfo[0].memfree < meminfo[0].memsize);
    EXPECT_XEQ(meminfo[1].memsize, 0xa5a5a5a5a5a5a5a5ull);
    /* A node is at the local distance from itself. */
    EXPECT_TRUE(distance[0] == 10 || distance[0] == 20);

    gt_sc(&op, XEN_SYSCTL_numainfo)->u.numainfo.num_nodes = 1;
    set_xen_guest_handle(op.u.numainfo.meminfo, (xen_sysctl_meminfo_t *)GT_UNMAPPED_ADDR);
    set_xen_guest_handle(op.u.numainfo.distance, distance);
    EXPECT_EQ(gt_sysctl(&op), -XEN_EFAULT);
}

static uint8_t poolmap[8];

static long pool(uint32_t cmd, uint32_t id)
{
    gt_sc(&op, XEN_SYSCTL_cpupool_op);
    op.u.cpupool_op.op = cmd;
    op.u.cpupool_op.cpupool_id = id;
    set_xen_guest_handle(op.u.cpupool_op.cpumap.bitmap, poolmap);
    op.u.cpupool_op.cpumap.nr_bits = sizeof(poolmap) * 8;
    return gt_sysctl(&op);
}

GT_TEST(sysctl_cpupool, "sysctl.cpupool_op")
{
    static struct xen_sysctl s;
    uint32_t sched;

    ASSERT_EQ(gt_sysctl(gt_sc(&s, XEN_SYSCTL_sched_id)), 0);
    sched = s.u.sched_id.sched_id;

    /* The list a toolstack walks: INFO from 0 upwards until -ENOENT. */
    memset(poolmap, 0xa5, sizeof(poolmap));
    ASSERT_EQ(pool(XEN_SYSCTL_CPUPOOL_OP_INFO, 0), 0);
    gt_printf("  pool %u sched %u n_dom %u map %02x %02x\n", op.u.cpupool_op.cpupool_id,
              op.u.cpupool_op.sched_id, op.u.cpupool_op.n_dom, poolmap[0], poolmap[1]);
    EXPECT_EQ(op.u.cpupool_op.cpupool_id, 0);
    EXPECT_EQ(op.u.cpupool_op.sched_id, sched);
    /* dom0, and any domain destroyed earlier that is not quite gone yet. */
    EXPECT_GE(op.u.cpupool_op.n_dom, 1);
    EXPECT_XEQ(poolmap[0], (1u << gt_cfg.nr_cpus) - 1);
    EXPECT_XEQ(poolmap[7], 0);
    EXPECT_EQ(pool(XEN_SYSCTL_CPUPOOL_OP_INFO, 1), -XEN_ENOENT);
    EXPECT_EQ(pool(XEN_SYSCTL_CPUPOOL_OP_INFO, XEN_SYSCTL_CPUPOOL_PAR_ANY), -XEN_ENOENT);

    /* Every CPU is in pool 0: none is free. */
    memset(poolmap, 0xa5, sizeof(poolmap));
    EXPECT_EQ(pool(XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0), 0);
    EXPECT_XEQ(poolmap[0], 0);

    EXPECT_EQ(pool(99, 0), -XEN_ENOSYS);
    EXPECT_EQ(pool(XEN_SYSCTL_CPUPOOL_OP_DESTROY, 1), -XEN_ENOENT);

    /* The map cannot be written. */
    gt_sc(&op, XEN_SYSCTL_cpupool_op);
    op.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
    set_xen_guest_handle(op.u.cpupool_op.cpumap.bitmap, (uint8_t *)GT_UNMAPPED_ADDR);
    op.u.cpupool_op.cpumap.nr_bits = 64;
    EXPECT_EQ(gt_sysctl(&op), -XEN_EFAULT);
}

GT_TEST(sysctl_debug_keys, "sysctl.debug_keys")
{
    /* No keys: the list is never read. */
    gt_sc(&op, XEN_SYSCTL_debug_keys)->u.debug_keys.nr_keys = 0;
    set_xen_guest_handle(op.u.debug_keys.keys, (const char *)GT_UNMAPPED_ADDR);
    EXPECT_EQ(gt_sysctl(&op), 0);
    gt_sc(&op, XEN_SYSCTL_debug_keys)->u.debug_keys.nr_keys = 1;
    set_xen_guest_handle(op.u.debug_keys.keys, (const char *)GT_UNMAPPED_ADDR);
    EXPECT_EQ(gt_sysctl(&op), -XEN_EFAULT);
}
