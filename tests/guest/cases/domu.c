/* SPDX-License-Identifier: MIT */
/*
 * domu.c - dom0 builds, runs and destroys a domU, the way a toolstack does
 * on Arm (createdomain, max_vcpus, set_address_size, max_mem,
 * populate_physmap, foreign mappings to load the image, cacheflush,
 * setvcpucontext, unpause), then talks to it: the domU grants dom0 a page
 * and binds an interdomain channel to a port dom0 left unbound; dom0 maps
 * the grant, reads the domU's message, answers, and the domU powers off.
 * dom0 then destroys it and checks that every page came back, 50 times
 * more.  Then three variants: destroyed while dom0 still maps its page,
 * destroyed while it runs, and a domU that takes an abort.
 *
 * The domU is domu/ (always AArch64), handed to dom0 as its ramdisk.  It
 * has no console: how it ended is its shutdown code (gt-domu.h).  Every
 * wait is bounded; a domU that crashes shows up in getdomaininfo.
 */
/* A toolstack's view of the headers (domctl, sysctl), at the newest interface. */
#define __XEN_TOOLS__ 1
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#include "gt-xen.h"
#include "gt-domu.h"
#include <public/memory.h>
#include <public/grant_table.h>
#include <public/event_channel.h>
#include <public/domctl.h>
#include <public/sysctl.h>

#if GT_ARCH_ARM

#if !__has_include(<public/errno.h>)
enum { XEN_ESRCH = 3, XEN_EAGAIN = 11, XEN_EBUSY = 16, XEN_EEXIST = 17 };
#endif
#ifndef XEN_ERESTART
#define XEN_ERESTART 85
#endif

#define CYCLES          50
#define GRANT_REF       8u              /* past the refs toolstacks reserve */
#define DOMU_GNTTAB_GFN (GUEST_GNTTAB_BASE / GT_PAGE_SIZE)
/* dom0 guest-physical windows with nothing behind them, clear of gnttab.c's. */
#define FOREIGN_GFN     ((GT_UNMAPPED_ADDR + 0x1000000ul) / GT_PAGE_SIZE)
#define GRANT_GFN       (FOREIGN_GFN + GT_DOMU_RAM_PAGES)

/* ---- time ------------------------------------------------------------------- */

static uint64_t ticks(void)
{
#if GT_ARCH_BITS == 64
    uint64_t v;

    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
#else
    uint32_t lo, hi;

    __asm__ volatile("isb; mrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi));
    return ((uint64_t)hi << 32) | lo;
#endif
}

static uint64_t tick_hz(void)
{
#if GT_ARCH_BITS == 64
    uint64_t v;

    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
#else
    uint32_t v;

    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v));
    return v;
#endif
}

static unsigned long ms_since(uint64_t t0)
{
    return (unsigned long)gt_udiv64((ticks() - t0) * 1000, tick_hz(), NULL);
}

static void yield(void)
{
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/* ---- hypercalls ------------------------------------------------------------- */

static struct xen_domctl dc;

static long domctl(uint32_t cmd, domid_t dom)
{
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return gt_hypercall(__HYPERVISOR_domctl, (unsigned long)&dc, 0, 0, 0, 0);
}

static void domctl_clear(void)
{
    memset(&dc, 0, sizeof(dc));
}

static long memory_op(unsigned long cmd, void *arg)
{
    return gt_hypercall(__HYPERVISOR_memory_op, cmd, (unsigned long)arg, 0, 0, 0);
}

static long evtchn_op(int cmd, void *arg)
{
    return gt_hypercall(__HYPERVISOR_event_channel_op, (unsigned long)cmd,
                        (unsigned long)arg, 0, 0, 0);
}

static long gnttab_op(unsigned int cmd, void *arg, unsigned int count)
{
    return gt_hypercall(__HYPERVISOR_grant_table_op, cmd, (unsigned long)arg, count, 0, 0);
}

static unsigned int nr_cpus = 1;        /* physinfo's max_cpu_id + 1 */

/* XEN_SYSCTL_physinfo's free_pages, or -1. */
static int64_t free_pages(void)
{
    static struct xen_sysctl sc;

    memset(&sc, 0, sizeof(sc));
    sc.cmd = XEN_SYSCTL_physinfo;
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    if (gt_hypercall(__HYPERVISOR_sysctl, (unsigned long)&sc, 0, 0, 0, 0))
        return -1;
    if (sc.u.physinfo.max_cpu_id < 64)
        nr_cpus = sc.u.physinfo.max_cpu_id + 1;
    return (int64_t)sc.u.physinfo.free_pages;
}

/* getdomaininfo of exactly dom: 0 and the flags, or -ESRCH once it is gone. */
static long domain_flags(domid_t dom, uint32_t *flags)
{
    long rc;

    domctl_clear();
    rc = domctl(XEN_DOMCTL_getdomaininfo, dom);
    if (rc)
        return rc;
    if (dc.u.getdomaininfo.domain != dom)
        return -XEN_ESRCH;      /* Xen answered with the next domain up */
    *flags = dc.u.getdomaininfo.flags;
    return 0;
}

static long close_port(evtchn_port_t port)
{
    static struct evtchn_close c;

    c.port = port;
    return evtchn_op(EVTCHNOP_close, &c);
}

/* ---- dom0's shared_info ----------------------------------------------------- */

static uint8_t own_shinfo_page[4096] __attribute__((aligned(4096)));

/* The mapping evtchn.c made, or our own when it did not run. */
static volatile uint8_t *shinfo(void)
{
    static struct xen_add_to_physmap x;

    if (!gt_cfg.shared_info) {
        x.domid = DOMID_SELF;
        x.space = XENMAPSPACE_shared_info;
        x.idx = 0;
        x.gpfn = gt_gfn_of(own_shinfo_page);
        if (memory_op(XENMEM_add_to_physmap, &x) == 0)
            gt_cfg.shared_info = own_shinfo_page;
    }
    return gt_cfg.shared_info;
}

/* 2-level ABI: bit `port` of evtchn_pending, taken bytewise (no atomics on
 * Device memory, and only this vCPU ever clears bits). */
static volatile uint8_t *pending_byte(evtchn_port_t port)
{
    volatile struct shared_info *si = (volatile struct shared_info *)shinfo();

    return (volatile uint8_t *)si->evtchn_pending + port / 8;
}

static bool port_pending(evtchn_port_t port)
{
    return (*pending_byte(port) >> (port % 8)) & 1;
}

static void port_clear(evtchn_port_t port)
{
    *pending_byte(port) &= (uint8_t)~(1u << (port % 8));
}

/* ---- the domU image ----------------------------------------------------------- */

static const uint8_t *image;
static uint32_t image_len, image_size;      /* file bytes; bytes it occupies */

static uint64_t be_cells(const uint8_t *p, uint32_t len)
{
    uint64_t v = 0;

    for (uint32_t i = 0; i < len; i++)
        v = (v << 8) | p[i];
    return v;
}

/* The ramdisk from /chosen, checked to be the domU's Image. */
static const char *find_image(void)
{
    const void *fdt = (const void *)gt_cfg.dtb;
    const uint8_t *s, *e;
    uint32_t ls = 0, le = 0;
    uint64_t start, end, size = 0;

    s = gt_fdt_getprop(fdt, "/chosen", "linux,initrd-start", &ls);
    e = gt_fdt_getprop(fdt, "/chosen", "linux,initrd-end", &le);
    if (!s || !e || (ls != 4 && ls != 8) || (le != 4 && le != 8))
        return "no linux,initrd-start/end in /chosen (the runner passes the domU as initrd)";
    start = be_cells(s, ls);
    end = be_cells(e, le);
    if (end <= start || end - start < 64 || end - start > GT_DOMU_RAM_PAGES * GT_PAGE_SIZE)
        return "the ramdisk has an unusable size";
    image = (const uint8_t *)(uintptr_t)start;
    image_len = (uint32_t)(end - start);
    if (memcmp(image + 0x38, "ARM\x64", 4) != 0)
        return "the ramdisk is not an arm64 Image";
    for (unsigned int i = 0; i < 8; i++)
        size |= (uint64_t)image[0x10 + i] << (8 * i);
    if (size < image_len || size > GT_DOMU_RAM_PAGES * GT_PAGE_SIZE)
        return "the domU Image's size field is unusable";
    image_size = (uint32_t)size;
    return NULL;
}

/* ---- one cycle --------------------------------------------------------------- */

struct cycle {
    bool verbose;
    unsigned int mode;          /* GT_DOMU_MODE_* */
    uint32_t nonce;
    domid_t dom;                /* 0 until created */
    evtchn_port_t port;         /* dom0's end, 0 if none */
    unsigned int map_pages;     /* pages of the image, mapped into dom0 */
    bool destroy_mapped;        /* destroy before unmapping the grant */
    bool foreign_mapped, grant_mapped;
    grant_handle_t handle;
    unsigned int destroy_calls;
    uint32_t shutdown_code;
};

static evtchn_port_t virq_port;         /* VIRQ_DOM_EXC, 0 if not ours */
static int64_t free_warm;               /* after cycle 1, settled */

static xen_pfn_t pfns[GT_DOMU_RAM_PAGES];
static xen_ulong_t idxs[GT_DOMU_RAM_PAGES];
static int errs[GT_DOMU_RAM_PAGES];
static struct vcpu_guest_context vctx;

#define SAY(...) do { if (c->verbose) gt_printf(__VA_ARGS__); } while (0)

static bool create(struct cycle *c)
{
    struct xen_domctl_createdomain *cd = &dc.u.createdomain;
    long rc;

    domctl_clear();
    cd->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    cd->max_vcpus = 1;
    cd->max_evtchn_port = 1023;
    cd->max_grant_frames = 1;
    cd->max_maptrack_frames = 0;
    cd->grant_opts = XEN_DOMCTL_GRANT_version(1);
    cd->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_NATIVE;
    cd->arch.tee_type = XEN_DOMCTL_CONFIG_TEE_NONE;
    cd->arch.nr_spis = 0;
    if (!EXPECT_EQ(domctl(XEN_DOMCTL_createdomain, 0), 0))
        return false;
    c->dom = dc.domain;
    SAY("  createdomain: domid %u, gic_version %u\n", c->dom, cd->arch.gic_version);
    if (!EXPECT_GT(c->dom, 0) || !EXPECT_LT(c->dom, DOMID_FIRST_RESERVED))
        return false;
    if (c->verbose)
        EXPECT_EQ(cd->arch.gic_version, XEN_DOMCTL_CONFIG_GIC_V3);

    domctl_clear();
    dc.u.max_vcpus.max = 1;
    if (!EXPECT_EQ(domctl(XEN_DOMCTL_max_vcpus, c->dom), 0))
        return false;
    if (c->verbose) {
        /* A new Arm domain is AArch32 until the builder says otherwise. */
        memset(&vctx, 0, sizeof(vctx));
        vctx.user_regs.cpsr = PSR_GUEST64_INIT;
        domctl_clear();
        set_xen_guest_handle(dc.u.vcpucontext.ctxt, &vctx);
        rc = domctl(XEN_DOMCTL_setvcpucontext, c->dom);
        SAY("  setvcpucontext with an AArch64 cpsr before set_address_size: %ld\n", rc);
        EXPECT_EQ(rc, -XEN_EINVAL);
    }
    domctl_clear();
    dc.u.address_size.size = 64;
    if (!EXPECT_EQ(domctl(XEN_DOMCTL_set_address_size, c->dom), 0))
        return false;
    domctl_clear();
    dc.u.max_mem.max_memkb = (GT_DOMU_RAM_PAGES + 16) * (GT_PAGE_SIZE / 1024);
    return EXPECT_EQ(domctl(XEN_DOMCTL_max_mem, c->dom), 0);
}

/* RAM, the image in it through foreign mappings, the caches, the mappings gone. */
static bool load(struct cycle *c)
{
    static struct xen_memory_reservation r;
    static struct xen_add_to_physmap_batch b;
    static struct xen_remove_from_physmap rm;
    unsigned int bad = 0;
    long rc;

    for (unsigned int i = 0; i < GT_DOMU_RAM_PAGES; i++) {
        pfns[i] = GT_DOMU_BASE / GT_PAGE_SIZE + i;
        idxs[i] = pfns[i];
    }
    memset(&r, 0, sizeof(r));
    set_xen_guest_handle(r.extent_start, pfns);
    r.nr_extents = GT_DOMU_RAM_PAGES;
    r.extent_order = 0;
    r.domid = c->dom;
    rc = memory_op(XENMEM_populate_physmap, &r);
    SAY("  populate_physmap: %ld of %u pages at 0x%lx\n", rc, GT_DOMU_RAM_PAGES, GT_DOMU_BASE);
    if (!EXPECT_EQ(rc, GT_DOMU_RAM_PAGES))
        return false;
    if (c->verbose) {
        /* The width is fixed once the domain owns memory, even to the same value. */
        domctl_clear();
        dc.u.address_size.size = 64;
        rc = domctl(XEN_DOMCTL_set_address_size, c->dom);
        SAY("  set_address_size(64) with memory: %ld\n", rc);
        EXPECT_EQ(rc, -XEN_EBUSY);
    }

    /* Only the pages the image occupies: each mapping costs a TLB flush. */
    for (unsigned int i = 0; i < c->map_pages; i++) {
        pfns[i] = FOREIGN_GFN + i;
        errs[i] = 99;
    }
    memset(&b, 0, sizeof(b));
    b.domid = DOMID_SELF;
    b.space = XENMAPSPACE_gmfn_foreign;
    b.size = (uint16_t)c->map_pages;
    b.u.foreign_domid = c->dom;
    set_xen_guest_handle(b.idxs, idxs);
    set_xen_guest_handle(b.gpfns, pfns);
    set_xen_guest_handle(b.errs, errs);
    rc = memory_op(XENMEM_add_to_physmap_batch, &b);
    for (unsigned int i = 0; i < c->map_pages; i++)
        bad += errs[i] != 0;
    SAY("  add_to_physmap_batch(gmfn_foreign, %u pages at 0x%lx): %ld, %u errors (first %d)\n",
        c->map_pages, (unsigned long)(FOREIGN_GFN * GT_PAGE_SIZE), rc, bad, errs[0]);
    if (!EXPECT_EQ(rc, 0) || !EXPECT_EQ(bad, 0))
        return false;
    c->foreign_mapped = true;

    /* The image, then zeros up to its size (its bss), through dom0's window. */
    {
        volatile uint8_t *dst = (volatile uint8_t *)(uintptr_t)(FOREIGN_GFN * GT_PAGE_SIZE);

        memcpy((void *)dst, image, image_len);
        memset((void *)(dst + image_len), 0, image_size - image_len);
        if (!EXPECT_EQ(memcmp((const void *)dst, image, image_len), 0))
            return false;
    }

    domctl_clear();
    dc.u.cacheflush.start_pfn = GT_DOMU_BASE / GT_PAGE_SIZE;
    dc.u.cacheflush.nr_pfns = GT_DOMU_RAM_PAGES;
    if (!EXPECT_EQ(domctl(XEN_DOMCTL_cacheflush, c->dom), 0))
        return false;

    bad = 0;
    for (unsigned int i = 0; i < c->map_pages; i++) {
        rm.domid = DOMID_SELF;
        rm.gpfn = FOREIGN_GFN + i;
        bad += memory_op(XENMEM_remove_from_physmap, &rm) != 0;
    }
    SAY("  image %u bytes (%u with bss) copied, cacheflush, %u foreign pages unmapped "
        "(%u failures)\n", image_len, image_size, c->map_pages - bad, bad);
    if (!EXPECT_EQ(bad, 0))
        return false;
    c->foreign_mapped = false;
    return true;
}

static bool start(struct cycle *c)
{
    static struct evtchn_alloc_unbound a;

    a.dom = DOMID_SELF;
    a.remote_dom = c->dom;
    a.port = 0;
    if (!EXPECT_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0))
        return false;
    c->port = a.port;
    port_clear(c->port);

    memset(&vctx, 0, sizeof(vctx));
    vctx.user_regs.x0 = c->port;
    vctx.user_regs.x1 = GRANT_REF;
    vctx.user_regs.x2 = DOMU_GNTTAB_GFN;
    vctx.user_regs.x3 = c->nonce;
    vctx.user_regs.x4 = 0;                     /* dom0 */
    vctx.user_regs.x5 = c->mode;
    vctx.user_regs.pc64 = GT_DOMU_BASE;
    vctx.user_regs.cpsr = PSR_GUEST64_INIT | PSR_DBG_MASK;
    vctx.sctlr = SCTLR_GUEST_INIT;
    vctx.flags = VGCF_online;
    domctl_clear();
    dc.u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(dc.u.vcpucontext.ctxt, &vctx);
    if (!EXPECT_EQ(domctl(XEN_DOMCTL_setvcpucontext, c->dom), 0))
        return false;
    SAY("  dom0 port %u unbound for d%u; vCPU 0 at 0x%lx, cpsr 0x%x, x0-x5 = %u %u 0x%lx 0x%x 0 %u\n",
        c->port, c->dom, GT_DOMU_BASE, (unsigned int)vctx.user_regs.cpsr, c->port, GRANT_REF,
        (unsigned long)DOMU_GNTTAB_GFN, c->nonce, c->mode);
    if (virq_port)
        port_clear(virq_port);
    domctl_clear();
    return EXPECT_EQ(domctl(XEN_DOMCTL_unpausedomain, c->dom), 0);
}

/* Wait for the port (or for the domU to stop); false on timeout or stop. */
static bool wait_port(struct cycle *c, uint64_t t0)
{
    uint64_t limit = 2 * tick_hz();
    uint32_t flags = 0;

    while (!port_pending(c->port)) {
        if (domain_flags(c->dom, &flags) == 0 && (flags & XEN_DOMINF_shutdown)) {
            gt_fail_at(__FILE__, __LINE__, "d%u shut down (code 0x%x) before notifying dom0",
                       c->dom, (flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
            return false;
        }
        if (ticks() - t0 > limit) {
            gt_fail_at(__FILE__, __LINE__, "no event from d%u within 2 s (flags 0x%x)",
                       c->dom, flags);
            return false;
        }
        yield();
    }
    port_clear(c->port);
    return true;
}

static bool converse(struct cycle *c)
{
    static struct gnttab_map_grant_ref mop;
    volatile struct gt_domu_page *p =
        (volatile struct gt_domu_page *)(uintptr_t)(GRANT_GFN * GT_PAGE_SIZE);
    uint64_t t0 = ticks();
    char text[sizeof(p->text)];

    if (!wait_port(c, t0))
        return false;
    SAY("  event from d%u after %lu ms\n", c->dom, ms_since(t0));

    memset(&mop, 0, sizeof(mop));
    mop.host_addr = GRANT_GFN * GT_PAGE_SIZE;
    mop.flags = GNTMAP_host_map;
    mop.ref = GRANT_REF;
    mop.dom = c->dom;
    mop.status = 99;
    if (!EXPECT_EQ(gnttab_op(GNTTABOP_map_grant_ref, &mop, 1), 0) ||
        !EXPECT_EQ(mop.status, GNTST_okay))
        return false;
    c->grant_mapped = true;
    c->handle = mop.handle;

    for (unsigned int i = 0; i < sizeof(text); i++)
        text[i] = p->text[i];
    text[sizeof(text) - 1] = '\0';
    SAY("  grant ref %u of d%u mapped at 0x%lx (handle %u): magic 0x%x nonce 0x%x port %u "
        "gfn 0x%x \"%s\"\n", GRANT_REF, c->dom, (unsigned long)(GRANT_GFN * GT_PAGE_SIZE),
        mop.handle, p->magic, p->nonce, p->port, p->self_gfn, text);
    if (!EXPECT_XEQ(p->magic, GT_DOMU_HELLO) | !EXPECT_XEQ(p->nonce, c->nonce) |
        !EXPECT_STREQ(text, GT_DOMU_TEXT) | !EXPECT_NE(p->port, 0))
        return false;

    /* Everything the domU tried on dom0's controls was refused. */
    {
        static const char *const what[GT_DOMU_NR_PROBES] = {
            "domctl getdomaininfo(dom0)", "sysctl physinfo", "current_reservation(dom0)",
            "acquire_resource(dom0 grant frame)", "gmfn_foreign batch from dom0",
            "gmfn_foreign batch entry",
        };
        static const int want[GT_DOMU_NR_PROBES] = {
            -XEN_EPERM, -XEN_EPERM, -XEN_EPERM, -XEN_EPERM, 0, -XEN_EPERM,
        };

        for (unsigned int i = 0; i < GT_DOMU_NR_PROBES; i++)
            if (p->probe[i] != want[i])
                gt_fail_at(__FILE__, __LINE__, "domU's %s: %d, expected %d", what[i],
                           (int)p->probe[i], want[i]);
        if (c->verbose)
            SAY("  domU's reach for dom0's controls: %d %d %d %d %d/%d\n", (int)p->probe[0],
                (int)p->probe[1], (int)p->probe[2], (int)p->probe[3], (int)p->probe[4],
                (int)p->probe[5]);
    }

    /* The reply, and a notification the domU does not need but Xen delivers. */
    p->reply = GT_DOMU_REPLY(c->nonce);
    {
        static struct evtchn_send s;

        s.port = c->port;
        if (!EXPECT_EQ(evtchn_op(EVTCHNOP_send, &s), 0))
            return false;
    }
    return true;
}

static bool wait_shutdown(struct cycle *c, unsigned int want)
{
    uint64_t t0 = ticks();
    uint32_t flags = 0;

    for (;;) {
        if (!EXPECT_EQ(domain_flags(c->dom, &flags), 0))
            return false;
        if (flags & XEN_DOMINF_shutdown)
            break;
        if (ticks() - t0 > 2 * tick_hz()) {
            gt_fail_at(__FILE__, __LINE__, "d%u still running after 2 s (flags 0x%x)",
                       c->dom, flags);
            return false;
        }
        yield();
    }
    c->shutdown_code = (flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    SAY("  d%u shut down after %lu ms: flags 0x%x, code %u\n", c->dom, ms_since(t0), flags,
        c->shutdown_code);
    if (c->grant_mapped)
        SAY("  the domU saw the reply: 0x%x\n",
            ((volatile struct gt_domu_page *)(uintptr_t)(GRANT_GFN * GT_PAGE_SIZE))->seen_reply);
    if (virq_port && c->verbose) {
        /* Xen marks the domain shut down, then sends the VIRQ: allow a moment. */
        t0 = ticks();
        while (!port_pending(virq_port) && ticks() - t0 < tick_hz() / 10)
            yield();
        SAY("  VIRQ_DOM_EXC (port %u) pending: %d\n", virq_port, port_pending(virq_port));
        EXPECT_TRUE(port_pending(virq_port));
    }
    return EXPECT_EQ(c->shutdown_code, want);
}

/* Undo whatever the cycle got to; true if the domain is gone. */
static bool unmap_grant(struct cycle *c)
{
    static struct gnttab_unmap_grant_ref uop;
    bool ok = true;

    memset(&uop, 0, sizeof(uop));
    uop.host_addr = GRANT_GFN * GT_PAGE_SIZE;
    uop.handle = c->handle;
    uop.status = 99;
    ok &= EXPECT_EQ(gnttab_op(GNTTABOP_unmap_grant_ref, &uop, 1), 0);
    ok &= EXPECT_EQ(uop.status, GNTST_okay);
    c->grant_mapped = false;
    return ok;
}

static bool teardown(struct cycle *c)
{
    static struct xen_remove_from_physmap rm;
    bool ok = true;

    if (c->grant_mapped && !c->destroy_mapped)
        ok &= unmap_grant(c);
    if (c->foreign_mapped) {
        for (unsigned int i = 0; i < c->map_pages; i++) {
            rm.domid = DOMID_SELF;
            rm.gpfn = FOREIGN_GFN + i;
            memory_op(XENMEM_remove_from_physmap, &rm);
        }
        c->foreign_mapped = false;
    }
    if (c->port) {
        ok &= EXPECT_EQ(close_port(c->port), 0);
        c->port = 0;
    }
    if (c->dom) {
        uint64_t t0 = ticks();
        uint32_t flags;
        long rc;

        /* As libxc: again while Xen says it is not finished. */
        do {
            domctl_clear();
            rc = domctl(XEN_DOMCTL_destroydomain, c->dom);
            c->destroy_calls++;
        } while ((rc == -XEN_ERESTART || rc == -XEN_EAGAIN) && c->destroy_calls < 100000);
        SAY("  destroydomain: %ld after %u call(s)\n", rc, c->destroy_calls);
        ok &= EXPECT_EQ(rc, 0);
        if (c->grant_mapped) {
            volatile struct gt_domu_page *p =
                (volatile struct gt_domu_page *)(uintptr_t)(GRANT_GFN * GT_PAGE_SIZE);
            long rc2;

            for (unsigned int i = 0; i < 20; i++)
                yield();
            flags = 0;
            rc2 = domain_flags(c->dom, &flags);
            SAY("  with its page still mapped by dom0: getdomaininfo %ld, flags 0x%x, "
                "page magic 0x%x, free pages %lld\n", rc2, flags, p->magic,
                (long long)free_pages());
            EXPECT_XEQ(p->magic, GT_DOMU_HELLO);
            /* Listed and dying until the last reference goes; its RAM is back already. */
            ok &= EXPECT_EQ(rc2, 0);
            ok &= EXPECT_TRUE(flags & XEN_DOMINF_dying);
            ok &= EXPECT_LE(free_warm - free_pages(), 64);
            ok &= unmap_grant(c);
        }
        /* The last references go a little later (Xen: RCU). */
        while (domain_flags(c->dom, &flags) == 0) {
            if (ticks() - t0 > 2 * tick_hz()) {
                gt_fail_at(__FILE__, __LINE__, "d%u still listed 2 s after destroydomain "
                           "(flags 0x%x)", c->dom, flags);
                return false;
            }
            yield();
        }
        SAY("  d%u gone after %lu ms\n", c->dom, ms_since(t0));
        c->dom = 0;
    }
    return ok;
}

static bool run_cycle(struct cycle *c)
{
    bool ok;

    unsigned long ms[3];
    uint64_t t0 = ticks();

    c->map_pages = (image_size + GT_PAGE_SIZE - 1) / GT_PAGE_SIZE;
    ok = create(c) && load(c);
    ms[0] = ms_since(t0);
    ok = ok && start(c);

    if (c->mode == GT_DOMU_MODE_FAULT) {
        ok = ok && wait_shutdown(c, SHUTDOWN_crash);
    } else if (c->mode == GT_DOMU_MODE_SPIN) {
        uint64_t t1 = ticks();
        uint32_t flags = 0;

        /* Let it run a while; it must neither stop nor block. */
        while (ok && ticks() - t1 < tick_hz() / 20)
            yield();
        ok = ok && EXPECT_EQ(domain_flags(c->dom, &flags), 0);
        SAY("  d%u after 50 ms: flags 0x%x\n", c->dom, flags);
        ok = ok && EXPECT_EQ(flags & (XEN_DOMINF_shutdown | XEN_DOMINF_blocked | XEN_DOMINF_dying), 0);
    } else
        ok = ok && converse(c) && wait_shutdown(c, SHUTDOWN_poweroff);

    if (!ok && c->dom) {
        uint32_t flags = 0;

        if (domain_flags(c->dom, &flags) == 0)
            gt_printf("  d%u at the failure: flags 0x%x (shutdown code %u)\n", c->dom, flags,
                      (flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
    }
    ms[1] = ms_since(t0);
    ok &= teardown(c);
    ms[2] = ms_since(t0);
    SAY("  time: build %lu ms, run %lu ms, teardown %lu ms\n", ms[0], ms[1] - ms[0],
        ms[2] - ms[1]);
    return ok;
}

/* ---- the tests ------------------------------------------------------------ */

static bool first_ok;

/*
 * Run dom0's vCPU 0 on every CPU in turn (hard affinity), then anywhere
 * again.  Real Xen frees the last of a domain (its structures, p2m root,
 * grant table) in an RCU callback, and the grace period needs every CPU
 * that was busy to pass through Xen again; the CPU that ran the domU
 * sleeps in idle until something wakes it, which took seconds.
 */
static void visit_cpus(void)
{
    static uint8_t map[8];
    struct xen_domctl_vcpuaffinity *va = &dc.u.vcpuaffinity;

    for (unsigned int cpu = 0; cpu <= nr_cpus; cpu++) {
        memset(map, 0, sizeof(map));
        if (cpu < nr_cpus)
            map[cpu / 8] = (uint8_t)(1u << (cpu % 8));
        else
            memset(map, 0xff, sizeof(map));
        domctl_clear();
        va->vcpu = 0;
        va->flags = XEN_VCPUAFFINITY_HARD;
        set_xen_guest_handle(va->cpumap_hard.bitmap, map);
        va->cpumap_hard.nr_bits = sizeof(map) * 8;
        domctl(XEN_DOMCTL_setvcpuaffinity, 0);
        for (unsigned int i = 0; i < 4; i++)
            yield();
    }
}

/*
 * free_pages once it is back at `want`, or, when want is -1 (not known),
 * once it has not moved for 100 ms; at most 4 s.
 */
static int64_t settled_free_pages(int64_t want)
{
    uint64_t t0 = ticks(), still = ticks();
    int64_t v = free_pages(), last = v;

    while (v != want && ticks() - t0 < 4 * tick_hz()) {
        if (want < 0 && ticks() - still > tick_hz() / 10)
            break;
        visit_cpus();
        v = free_pages();
        if (v != last) {
            last = v;
            still = ticks();
        }
    }
    return v;
}

/*
 * The first cycle, every step printed.  Afterwards dom0 itself may keep a
 * few pages it did not have before: real Xen 4.17 keeps 3 (stage-2 tables
 * for dom0's new mapping windows and a maptrack frame for its first grant
 * mapping), so this cycle is also the warm-up for the exact count below.
 */
GT_TEST(domu_build_run, "domu.build_run")
{
    static struct evtchn_bind_virq bv;
    struct cycle c = { .verbose = true, .nonce = 0x1000 };
    const char *why = find_image();
    int64_t before;
    uint64_t t0;

    if (why)
        gt_skip("%s", why);
    if (!shinfo())
        gt_skip("dom0's shared_info could not be mapped");
    gt_printf("  domU image: %u bytes at %p, %u with bss\n", image_len, (const void *)image,
              image_size);

    bv.virq = VIRQ_DOM_EXC;
    bv.vcpu = 0;
    if (evtchn_op(EVTCHNOP_bind_virq, &bv) == 0)
        virq_port = bv.port;
    gt_printf("  VIRQ_DOM_EXC %s\n", virq_port ? "bound" : "already bound elsewhere: not watched");

    /* Settled first: domains earlier tests destroyed may still be going (Xen: RCU). */
    before = settled_free_pages(-1);
    ASSERT_GE(before, 0);
    t0 = ticks();
    first_ok = run_cycle(&c);
    gt_printf("  cycle 1: %lu ms\n", ms_since(t0));
    free_warm = settled_free_pages(-1);
    gt_printf("  free pages: %lld before, %lld after (dom0 keeps %lld)\n", (long long)before,
              (long long)free_warm, (long long)(before - free_warm));
    EXPECT_GE(before - free_warm, 0);
    EXPECT_LE(before - free_warm, 16);
}

/* 50 more cycles; then free_pages must be exactly what it was after the first. */
GT_TEST(domu_cycles, "domu.cycles_free_pages")
{
    uint64_t t0 = ticks();
    int64_t now;
    unsigned int n, done = 0;

    if (!first_ok)
        gt_skip("the first cycle did not work");
    for (n = 1; n <= CYCLES; n++) {
        struct cycle c = { .verbose = false, .nonce = 0x1000 + n * 0x101 };

        if (!run_cycle(&c)) {
            gt_fail_at(__FILE__, __LINE__, "cycle %u of %u failed (details above)", n, CYCLES);
            break;
        }
        done++;
    }
    gt_printf("  %u cycles in %lu ms\n", done, ms_since(t0));
    now = settled_free_pages(free_warm);
    gt_printf("  free pages: %lld after the first cycle, %lld after %u more\n",
              (long long)free_warm, (long long)now, done);
    EXPECT_EQ(now, free_warm);
}

/*
 * dom0 destroys the domU while it still maps the granted page: the page
 * stays readable, and everything is back once dom0 unmaps it.
 */
GT_TEST(domu_destroy_mapped, "domu.destroy_with_grant_mapped")
{
    struct cycle c = { .verbose = true, .destroy_mapped = true, .nonce = 0x4000 };
    int64_t now;

    if (!first_ok)
        gt_skip("the first cycle did not work");
    EXPECT_TRUE(run_cycle(&c));
    now = settled_free_pages(free_warm);
    gt_printf("  free pages: %lld after the first cycle, %lld now\n", (long long)free_warm,
              (long long)now);
    EXPECT_EQ(now, free_warm);
}

/* A domU that never stops: destroyed while it runs, every page comes back. */
GT_TEST(domu_destroy_running, "domu.destroy_running")
{
    struct cycle c = { .verbose = true, .mode = GT_DOMU_MODE_SPIN, .nonce = 0x3000 };
    int64_t now;

    if (!first_ok)
        gt_skip("the first cycle did not work");
    EXPECT_TRUE(run_cycle(&c));
    now = settled_free_pages(free_warm);
    gt_printf("  free pages: %lld after the first cycle, %lld now\n", (long long)free_warm,
              (long long)now);
    EXPECT_EQ(now, free_warm);
}

/*
 * A domU that loads from guest-physical memory with nothing behind it: the
 * hypervisor injects a data abort, its vectors call SCHEDOP_shutdown(crash),
 * and dom0 sees that in getdomaininfo; the pages come back all the same.
 */
GT_TEST(domu_fault, "domu.fault_reported")
{
    struct cycle c = { .verbose = true, .mode = GT_DOMU_MODE_FAULT, .nonce = 0x2000 };
    int64_t now;

    if (!first_ok)
        gt_skip("the first cycle did not work");
    EXPECT_TRUE(run_cycle(&c));
    now = settled_free_pages(free_warm);
    gt_printf("  free pages: %lld after the first cycle, %lld now\n", (long long)free_warm,
              (long long)now);
    EXPECT_EQ(now, free_warm);
    if (virq_port)
        close_port(virq_port);
    virq_port = 0;
}

#endif /* GT_ARCH_ARM */
