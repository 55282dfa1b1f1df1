/* SPDX-License-Identifier: MIT */
/*
 * x86-compat.c - hypercalls whose argument layouts differ between 32-bit
 * and 64-bit x86 guests.  Built into both kernels: the 32-bit one goes
 * through the hypervisor's compat translation, the 64-bit one through
 * the native handlers, and both must see Xen 4.17's results with their
 * own layouts (sizes, where each field and each result lands).  Also the
 * sub-ops Xen hides from HVM guests, and HVMOP_set_evtchn_upcall_vector.
 */
/*
 * The domain-control ABI is for toolstacks, which dom0 plays here; they
 * always get the newest interface (spelt as public/xen-compat.h does).
 */
#define __XEN_TOOLS__ 1
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
/* The tools' 32-bit set_xen_guest_handle() clears a 64-bit handle through a cast. */
#pragma GCC diagnostic ignored "-Wstrict-aliasing"
#include "gt-xen.h"

#if GT_ARCH_X86

#include <public/memory.h>
#include <public/grant_table.h>
#include <public/vcpu.h>
#include <public/hvm/hvm_op.h>
#include <public/event_channel.h>
#include <public/domctl.h>
#include <public/arch-x86/hvm/start_info.h>

/* Errno values the framework's header does not name. */
enum { XEN_ESRCH = 3, XEN_EOPNOTSUPP = 95 };

#define POISON8  0xa5u
#define NO_DOMAIN 0x1234u               /* a domid nobody has */

static uint8_t cpage[3][4096] __attribute__((aligned(4096)));

static long memory_op(unsigned long cmd, void *arg)
{
    return gt_hypercall(__HYPERVISOR_memory_op, cmd, (unsigned long)arg, 0, 0, 0);
}

static long gnttab_op(unsigned int cmd, void *arg, unsigned int count)
{
    return gt_hypercall(__HYPERVISOR_grant_table_op, cmd, (unsigned long)arg, count, 0, 0);
}

/* ---- sizes: what the guest's own compiler says the hypervisor must use ---- */

GT_TEST(compat_sizes, "compat.layouts")
{
#if GT_ARCH_BITS == 32
    EXPECT_EQ(sizeof(struct xen_mem_acquire_resource), 28);
    EXPECT_EQ(sizeof(struct gnttab_copy), 24);
    EXPECT_EQ(sizeof(struct gnttab_setup_table), 16);
    EXPECT_EQ(sizeof(struct multicall_entry), 32);
    EXPECT_EQ(sizeof(struct vcpu_runstate_info), 44);
    EXPECT_EQ(sizeof(struct xen_add_to_physmap), 16);
    EXPECT_EQ(sizeof(xen_pfn_t), 4);
#else
    EXPECT_EQ(sizeof(struct xen_mem_acquire_resource), 32);
    EXPECT_EQ(sizeof(struct gnttab_copy), 40);
    EXPECT_EQ(sizeof(struct gnttab_setup_table), 24);
    EXPECT_EQ(sizeof(struct multicall_entry), 64);
    EXPECT_EQ(sizeof(struct vcpu_runstate_info), 48);
    EXPECT_EQ(sizeof(struct xen_add_to_physmap), 24);
    EXPECT_EQ(sizeof(xen_pfn_t), 8);
#endif
}

/* ---- memory_op ---------------------------------------------------------- */

GT_TEST(compat_memop_hidden, "compat.memory_op.hvm_hidden")
{
    static struct xen_machphys_mapping m;

    /* PV-only views of memory: HVM guests of either width never get them. */
    EXPECT_EQ(memory_op(XENMEM_machphys_mapping, &m), -XEN_ENOSYS);
    /* Unknown sub-ops, and a known one with continuation bits it cannot have. */
    EXPECT_EQ(memory_op(63, &m), -XEN_ENOSYS);
    EXPECT_EQ(memory_op(XENMEM_memory_map | (1ul << 6), &m), -XEN_ENOSYS);
}

GT_TEST(compat_memop_batch_empty, "compat.memory_op.add_to_physmap_batch_args")
{
    static struct xen_add_to_physmap_batch b;
    static xen_ulong_t idxs[1];
    static xen_pfn_t gpfns[1];
    static int errs[1];

    b.domid = DOMID_SELF;
    b.space = XENMAPSPACE_gmfn_range;
    b.size = 1;
    set_xen_guest_handle(b.idxs, idxs);
    set_xen_guest_handle(b.gpfns, gpfns);
    set_xen_guest_handle(b.errs, errs);
    /* Ranges only through the single form. */
    EXPECT_EQ(memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_EOPNOTSUPP);
    b.space = XENMAPSPACE_shared_info;
    b.domid = NO_DOMAIN;
    gpfns[0] = GT_UNMAPPED_ADDR >> 12;
    EXPECT_EQ(memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_ESRCH);
    /* Nothing to do is success. */
    b.domid = DOMID_SELF;
    b.size = 0;
    EXPECT_EQ(memory_op(XENMEM_add_to_physmap_batch, &b), 0);
}

GT_TEST(compat_memop_exchange, "compat.memory_op.exchange_args")
{
    static struct xen_memory_exchange x;
    static xen_pfn_t in[2], out[2];

    memset(&x, 0, sizeof(x));
    set_xen_guest_handle(x.in.extent_start, in);
    set_xen_guest_handle(x.out.extent_start, out);
    x.in.domid = x.out.domid = DOMID_SELF;
    /* One page in, two out: the sizes must match. */
    x.in.nr_extents = 1;
    x.out.nr_extents = 2;
    EXPECT_EQ(memory_op(XENMEM_exchange, &x), -XEN_EINVAL);
    /* More already done than asked for. */
    x.out.nr_extents = 1;
    x.nr_exchanged = 2;
    EXPECT_EQ(memory_op(XENMEM_exchange, &x), -XEN_EINVAL);
    /* Nothing left to do. */
    x.nr_exchanged = 1;
    EXPECT_EQ(memory_op(XENMEM_exchange, &x), 0);
    EXPECT_EQ(x.nr_exchanged, 1);
}

GT_TEST(compat_memop_vnuma, "compat.memory_op.get_vnumainfo")
{
    static struct xen_vnuma_topology_info t;
    static unsigned int dist[4], map[4];
    static struct xen_vmemrange ranges[2];

    memset(&t, 0, sizeof(t));
    t.domid = DOMID_SELF;
    t.nr_vnodes = 2;
    t.nr_vcpus = 4;
    t.nr_vmemranges = 2;
    set_xen_guest_handle(t.vdistance.h, dist);
    set_xen_guest_handle(t.vcpu_to_vnode.h, map);
    set_xen_guest_handle(t.vmemrange.h, ranges);
    /* dom0 has no virtual NUMA topology. */
    EXPECT_EQ(memory_op(XENMEM_get_vnumainfo, &t), -XEN_EOPNOTSUPP);
    t.domid = NO_DOMAIN;
    EXPECT_EQ(memory_op(XENMEM_get_vnumainfo, &t), -XEN_ESRCH);
    t.pad = 1;
    EXPECT_EQ(memory_op(XENMEM_get_vnumainfo, &t), -XEN_EINVAL);
}

/*
 * A guest-physical page the hypervisor cannot read, right after one it
 * can: the end of one of the memory map's regions, checked by asking the
 * hypervisor to read a byte on either side (console_io copies it in).
 */
struct e820ent {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

static uint8_t *page_before_hole(void)
{
    static struct e820ent map[32];
    static struct xen_memory_map arg;

    arg.nr_entries = GT_ARRAY_SIZE(map);
    set_xen_guest_handle(arg.buffer, map);
    if (memory_op(XENMEM_memory_map, &arg) != 0)
        return NULL;
    for (unsigned int i = 0; i < arg.nr_entries && i < GT_ARRAY_SIZE(map); i++) {
        uint64_t end = map[i].addr + map[i].size;
        uint8_t *last = (uint8_t *)(uintptr_t)(end - 4096);

        if (map[i].type != XEN_HVM_MEMMAP_TYPE_RAM || (end & 4095) || end > 0xc0000000u ||
            map[i].size < 4096)
            continue;
        /* Not this image's own pages. */
        if ((uintptr_t)last >= gt_cfg.load && (uintptr_t)last < gt_cfg.load + 0x400000)
            continue;
        if (HYPERVISOR_console_io(CONSOLEIO_write, 0, (char *)last + 4095) == 0 &&
            HYPERVISOR_console_io(CONSOLEIO_write, 1, (char *)(uintptr_t)end) == -XEN_EFAULT)
            return last;
    }
    return NULL;
}

static struct xen_mem_acquire_resource *at_page_end(uint8_t *last, size_t back)
{
    return (struct xen_mem_acquire_resource *)(last + 4096 - back);
}

GT_TEST(compat_acquire_straddle, "compat.memory_op.acquire_resource_straddling")
{
    uint8_t *last = page_before_hole(), save[64];
    struct xen_mem_acquire_resource *r;
    long rc;

    if (!last)
        gt_skip("no RAM page followed by a hole in the memory map");
    gt_printf("  last page before a hole: %p\n", (void *)last);
    memcpy(save, last + 4096 - sizeof(save), sizeof(save));
    /* Four bytes short of fitting: the last four are unreadable. */
    r = at_page_end(last, sizeof(*r) - 4);
    memset(last + 4096 - (sizeof(*r) - 4), 0, sizeof(*r) - 4);
    rc = memory_op(XENMEM_acquire_resource, r);
    memcpy(last + 4096 - sizeof(save), save, sizeof(save));
    EXPECT_EQ(rc, -XEN_EFAULT);
}

GT_TEST(compat_acquire_page_end, "compat.memory_op.acquire_resource_page_end")
{
    uint8_t *last = page_before_hole(), save[64];
    struct xen_mem_acquire_resource *r;
    long self, pad, none;

    if (!last)
        gt_skip("no RAM page followed by a hole in the memory map");
    memcpy(save, last + 4096 - sizeof(save), sizeof(save));
    /* Exactly at the end: the hypervisor must read no more than its size. */
    r = at_page_end(last, sizeof(*r));
    memset(r, 0, sizeof(*r));
    r->domid = DOMID_SELF;
    r->type = XENMEM_resource_grant_table;
    r->id = XENMEM_resource_grant_table_id_shared;
    /* A size query on oneself: DOMID_SELF names no other domain. */
    self = memory_op(XENMEM_acquire_resource, r);
    r->pad = 1;
    pad = memory_op(XENMEM_acquire_resource, r);
    r->pad = 0;
    r->domid = NO_DOMAIN;
    none = memory_op(XENMEM_acquire_resource, r);
    memcpy(last + 4096 - sizeof(save), save, sizeof(save));
    gt_printf("  self %ld, pad %ld, no domain %ld\n", self, pad, none);
    EXPECT_EQ(self, -XEN_ESRCH);
    EXPECT_EQ(pad, -XEN_EINVAL);
    EXPECT_EQ(none, -XEN_ESRCH);
}

/*
 * A real resource needs another domain: an empty PVH domain whose grant
 * table dom0 sizes and maps through a structure ending a page before a
 * hole, then unmaps and destroys.
 */
static long domctl(struct xen_domctl *d)
{
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return gt_hypercall(__HYPERVISOR_domctl, (unsigned long)d, 0, 0, 0, 0);
}

#define DOMU_GRANT_FRAMES 2
#define MAP_GFN (GT_UNMAPPED_ADDR >> 12)

GT_TEST(compat_acquire_map, "compat.memory_op.acquire_resource_map")
{
    static struct xen_domctl dc;
    static xen_pfn_t gfns[1];
    static struct xen_remove_from_physmap rm;
    uint8_t *last = page_before_hole(), save[64];
    struct xen_mem_acquire_resource *r;
    long size_rc, map_rc, rm_rc;
    uint32_t nr = 0;
    domid_t domid;

    if (!last)
        gt_skip("no RAM page followed by a hole in the memory map");
    memset(&dc, 0, sizeof(dc));
    dc.cmd = XEN_DOMCTL_createdomain;
    dc.domain = 0;                          /* the hypervisor picks one */
    dc.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    dc.u.createdomain.max_vcpus = 1;
    dc.u.createdomain.max_evtchn_port = 1023;
    dc.u.createdomain.max_grant_frames = DOMU_GRANT_FRAMES;
    dc.u.createdomain.max_maptrack_frames = 1;
    dc.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    dc.u.createdomain.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    ASSERT_EQ(domctl(&dc), 0);
    domid = dc.domain;
    gt_printf("  created d%u\n", domid);

    memcpy(save, last + 4096 - sizeof(save), sizeof(save));
    r = at_page_end(last, sizeof(*r));
    memset(r, 0, sizeof(*r));
    r->domid = domid;
    r->type = XENMEM_resource_grant_table;
    r->id = XENMEM_resource_grant_table_id_shared;
    size_rc = memory_op(XENMEM_acquire_resource, r);
    nr = r->nr_frames;
    /* Map its first frame where dom0 has nothing. */
    gfns[0] = MAP_GFN;
    r->nr_frames = 1;
    r->frame = 0;
    set_xen_guest_handle(r->frame_list, gfns);
    map_rc = memory_op(XENMEM_acquire_resource, r);
    memcpy(last + 4096 - sizeof(save), save, sizeof(save));

    rm.domid = DOMID_SELF;
    rm.gpfn = MAP_GFN;
    rm_rc = map_rc ? 0 : memory_op(XENMEM_remove_from_physmap, &rm);

    memset(&dc, 0, sizeof(dc));
    dc.cmd = XEN_DOMCTL_destroydomain;
    dc.domain = domid;
    EXPECT_EQ(domctl(&dc), 0);

    gt_printf("  size query %ld: %u frames; map %ld; unmap %ld\n", size_rc, nr, map_rc, rm_rc);
    EXPECT_EQ(size_rc, 0);
    EXPECT_EQ(nr, DOMU_GRANT_FRAMES);
    EXPECT_EQ(map_rc, 0);
    EXPECT_EQ(rm_rc, 0);
}

/* ---- grant_table_op ----------------------------------------------------- */

GT_TEST(compat_gnttab_hidden, "compat.grant_table_op.hvm_hidden")
{
    static uint8_t buf[64];

    /* Not audited for HVM guests in Xen 4.17: absent, whatever the arguments. */
    EXPECT_EQ(gnttab_op(GNTTABOP_dump_table, buf, 1), -XEN_ENOSYS);
    EXPECT_EQ(gnttab_op(GNTTABOP_transfer, buf, 1), -XEN_ENOSYS);
    EXPECT_EQ(gnttab_op(GNTTABOP_unmap_and_replace, buf, 1), -XEN_ENOSYS);
    EXPECT_EQ(gnttab_op(GNTTABOP_get_status_frames, buf, 1), -XEN_ENOSYS);
    EXPECT_EQ(gnttab_op(GNTTABOP_cache_flush, buf, 1), -XEN_ENOSYS);
    EXPECT_EQ(gnttab_op(100, buf, 1), -XEN_ENOSYS);
}

GT_TEST(compat_gnttab_setup, "compat.grant_table_op.setup_table")
{
    static struct gnttab_setup_table st;
    static struct gnttab_query_size qs;
    static xen_pfn_t list[3];

    memset(list, POISON8, sizeof(list));
    st.dom = DOMID_SELF;
    st.nr_frames = 1;
    st.status = 99;
    set_xen_guest_handle(st.frame_list, list);
    ASSERT_EQ(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
    gt_printf("  status %d, frame 0 = 0x%llx\n", st.status, (unsigned long long)list[0]);
    EXPECT_EQ(st.status, GNTST_okay);
    EXPECT_EQ(st.nr_frames, 1);
    /* One element of the guest's own width written, nothing after it. */
    EXPECT_TRUE(list[0] != list[1]);
    EXPECT_EQ(((uint8_t *)list)[sizeof(list[0])], POISON8);
    EXPECT_EQ(((uint8_t *)list)[sizeof(list) - 1], POISON8);
    /* Only one at a time.  None: the compat loop has nothing to do, the
     * native handler insists on exactly one. */
    EXPECT_EQ(gnttab_op(GNTTABOP_setup_table, &st, 2), -XEN_EINVAL);
#if GT_ARCH_BITS == 32
    EXPECT_EQ(gnttab_op(GNTTABOP_setup_table, &st, 0), 0);
#else
    EXPECT_EQ(gnttab_op(GNTTABOP_setup_table, &st, 0), -XEN_EINVAL);
#endif

    qs.dom = DOMID_SELF;
    qs.status = 99;
    ASSERT_EQ(gnttab_op(GNTTABOP_query_size, &qs, 1), 0);
    gt_printf("  query_size: %u of %u frames\n", qs.nr_frames, qs.max_nr_frames);
    EXPECT_EQ(qs.status, GNTST_okay);
    EXPECT_GE(qs.nr_frames, 1);
    EXPECT_GE(qs.max_nr_frames, qs.nr_frames);
}

GT_TEST(compat_gnttab_copy, "compat.grant_table_op.copy")
{
    static struct gnttab_copy op[3];

    for (unsigned int i = 0; i < 64; i++)
        cpage[0][i] = (uint8_t)(0x40 + i);
    memset(cpage[1], 0, sizeof(cpage[1]));
    memset(op, 0, sizeof(op));
    /* Frame to frame within oneself; each status at the guest's offset. */
    for (unsigned int i = 0; i < 3; i++) {
        op[i].source.u.gmfn = gt_gfn_of(cpage[0]);
        op[i].source.domid = DOMID_SELF;
        op[i].source.offset = (uint16_t)(i * 8);
        op[i].dest.u.gmfn = gt_gfn_of(cpage[1]);
        op[i].dest.domid = DOMID_SELF;
        op[i].dest.offset = (uint16_t)(100 + i * 16);
        op[i].len = 8;
        op[i].status = 99;
    }
    op[1].dest.offset = 4090;           /* runs off the page */
    EXPECT_EQ(gnttab_op(GNTTABOP_copy, op, 3), 0);
    gt_printf("  statuses %d %d %d\n", op[0].status, op[1].status, op[2].status);
    EXPECT_EQ(op[0].status, GNTST_okay);
    EXPECT_EQ(op[1].status, GNTST_bad_copy_arg);
    EXPECT_EQ(op[2].status, GNTST_okay);
    EXPECT_EQ(cpage[1][100], 0x40);
    EXPECT_EQ(cpage[1][107], 0x47);
    EXPECT_EQ(cpage[1][108], 0);
    EXPECT_EQ(cpage[1][132], 0x50);
    EXPECT_EQ(cpage[1][139], 0x57);
    /* The rest of each entry is left as it was. */
    EXPECT_EQ(op[2].len, 8);
    EXPECT_XEQ(op[2].dest.u.gmfn, gt_gfn_of(cpage[1]));
}

/* ---- multicall ---------------------------------------------------------- */

GT_TEST(compat_multicall, "compat.multicall")
{
    static struct multicall_entry mc[4];
    static domid_t self = DOMID_SELF;

    memset(mc, 0, sizeof(mc));
    mc[0].op = __HYPERVISOR_xen_version;
    mc[0].args[0] = XENVER_version;
    mc[1].op = __HYPERVISOR_memory_op;
    mc[1].args[0] = XENMEM_maximum_reservation;
    mc[1].args[1] = (uintptr_t)&self;
    mc[2].op = __HYPERVISOR_xen_version;
    mc[2].args[0] = XENVER_pagesize;
    mc[3].op = 63;
    for (unsigned int i = 0; i < 4; i++)
        mc[i].result = 0x5a5a;
    ASSERT_EQ(gt_hypercall(__HYPERVISOR_multicall, (unsigned long)mc, 4, 0, 0, 0), 0);
    EXPECT_XEQ(mc[0].result, 0x40011);
#if GT_ARCH_BITS == 32
    /* The compat memory_op saturates inside a multicall too. */
    EXPECT_XEQ(mc[1].result, 0x7fffffff);
#else
    EXPECT_XEQ(mc[1].result, 0xffffffff);
#endif
    EXPECT_XEQ(mc[2].result, 4096);
    EXPECT_EQ((long)mc[3].result, -XEN_ENOSYS);
    /* Arguments are not written back. */
    EXPECT_XEQ(mc[1].args[1], (uintptr_t)&self);
    EXPECT_XEQ(mc[2].args[0], XENVER_pagesize);
}

/* ---- vcpu_op ------------------------------------------------------------ */

GT_TEST(compat_runstate, "compat.vcpu_op.get_runstate_info")
{
    static uint8_t buf[64];
    struct vcpu_runstate_info *rs = (struct vcpu_runstate_info *)buf;

    memset(buf, POISON8, sizeof(buf));
    ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, buf), 0);
    gt_printf("  state %d, entered %llu, running %llu ns\n", rs->state,
              (unsigned long long)rs->state_entry_time,
              (unsigned long long)rs->time[RUNSTATE_running]);
    EXPECT_EQ(rs->state, RUNSTATE_running);
    EXPECT_GT(rs->time[RUNSTATE_running], 0);
    /* Exactly the guest's size written. */
    EXPECT_EQ(buf[sizeof(*rs)], POISON8);
    EXPECT_EQ(buf[sizeof(buf) - 1], POISON8);
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 4096, buf), -XEN_ENOENT);
}

/* ---- result width ------------------------------------------------------- */

GT_TEST(compat_result_ends, "compat.result_saturation_ends")
{
    static domid_t self = DOMID_SELF;
    long max = memory_op(XENMEM_maximum_reservation, &self);

#if GT_ARCH_BITS == 32
    /* The top end: UINT_MAX pages come back as INT_MAX, not as -1. */
    EXPECT_EQ(max, 0x7fffffffl);
#else
    EXPECT_EQ(max, 0xffffffffl);
#endif
    /* The bottom of the errno range passes unchanged (sign-extended). */
    EXPECT_EQ(memory_op(63, &self), -XEN_ENOSYS);
    EXPECT_EQ(gnttab_op(GNTTABOP_setup_table, &self, 2), -XEN_EINVAL);
}

/* ---- the per-vCPU upcall vector ----------------------------------------- */

/*
 * Delivery uses vector 0x1f: the kernel's IDT has gates for 0-31 only, and
 * gt_catch() reports whatever arrives through them.  Xen raises the vector
 * in the emulated local APIC, which must be software-enabled first and
 * wants an EOI afterwards; ours has no local APIC and ignores both writes.
 */
#define UPCALL_VEC      0x1f
#define LAPIC_EOI       0xfee000b0ul
#define LAPIC_SVR       0xfee000f0ul

static long set_upcall_vector(unsigned int vcpu, unsigned int vector)
{
    static struct xen_hvm_evtchn_upcall_vector uv;

    uv.vcpu = vcpu;
    uv.vector = (uint8_t)vector;
    return gt_hypercall(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
                        (unsigned long)&uv, 0, 0, 0);
}

static void wait_for_upcall(void *arg)
{
    (void)arg;
    __asm__ volatile("sti");
    for (unsigned long i = 0; i < 20000000ul; i++)
        __asm__ volatile("pause");
    __asm__ volatile("cli");
}

GT_TEST(compat_upcall_vector, "hvm_op.set_evtchn_upcall_vector")
{
    static struct evtchn_bind_ipi ipi;
    static struct evtchn_send send;
    static struct evtchn_close cl;
    struct gt_trap t;
    bool taken;

    EXPECT_EQ(set_upcall_vector(0, 0x0f), -XEN_EINVAL);    /* exceptions are not for events */
    EXPECT_EQ(set_upcall_vector(4096, UPCALL_VEC), -XEN_ENOENT);
    EXPECT_EQ(gt_hypercall(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
                           GT_UNMAPPED_ADDR, 0, 0, 0), -XEN_EFAULT);

    /* Software-enable the local APIC (vector 0xff for spurious ones). */
    *(volatile uint32_t *)LAPIC_SVR = 0x1ff;
    ASSERT_EQ(set_upcall_vector(0, UPCALL_VEC), 0);
    /* An event for vCPU 0: an IPI channel to itself. */
    ipi.vcpu = 0;
    ASSERT_EQ(gt_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi,
                           (unsigned long)&ipi, 0, 0, 0), 0);
    send.port = ipi.port;
    EXPECT_EQ(gt_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
                           (unsigned long)&send, 0, 0, 0), 0);

    /* Interrupts on for a moment: the upcall arrives through the vector. */
    taken = gt_catch(wait_for_upcall, NULL, &t);
    *(volatile uint32_t *)LAPIC_EOI = 0;
    cl.port = ipi.port;
    EXPECT_EQ(gt_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_close,
                           (unsigned long)&cl, 0, 0, 0), 0);
    ASSERT_TRUE(taken);
    gt_printf("  port %u: %s at 0x%llx\n", ipi.port, gt_trap_kind_name(t.kind),
              (unsigned long long)t.pc);
    EXPECT_EQ(t.kind, GT_TRAP_X86_BASE + UPCALL_VEC);
}

#endif /* GT_ARCH_X86 */
