/* SPDX-License-Identifier: MIT */
/*
 * main.c - the domU that cases/domu.c builds and runs.  It has no console
 * (a domU's console_io is refused by a release Xen), so it talks to dom0
 * only through one granted page and one interdomain event channel, and
 * tells how it ended through its shutdown code: poweroff when dom0's
 * reply arrived, 0x80 | step when a step failed, crash on an exception
 * (which dom0 provokes on purpose with GT_DOMU_MODE_FAULT).
 */
#include "gt-ctl.h"
#include "gt-domu.h"
#include <public/memory.h>
#include <public/grant_table.h>
#include <public/event_channel.h>

void domu_main(uint64_t dom0_port, uint64_t ref, uint64_t gnttab_gfn, uint64_t nonce,
               uint64_t dom0_id, uint64_t mode);
void domu_trap(uint64_t esr, uint64_t elr, uint64_t far) __attribute__((noreturn));

static struct gt_domu_page page __attribute__((aligned(4096)));

static void __attribute__((noreturn)) shutdown(unsigned int reason)
{
    static struct sched_shutdown sd;

    for (;;) {
        sd.reason = reason;
        gt_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&sd, 0, 0, 0);
        /* Shutdown never returns to a domU; if it did, stop anyway. */
        reason = SHUTDOWN_crash;
    }
}

void domu_trap(uint64_t esr, uint64_t elr, uint64_t far)
{
    (void)esr; (void)elr; (void)far;
    shutdown(SHUTDOWN_crash);
}

static uint64_t ticks(void)
{
    uint64_t v;

    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static uint64_t tick_hz(void)
{
    uint64_t v;

    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

static void fail(enum gt_domu_step step)
{
    shutdown(GT_DOMU_FAIL_BASE | step);
}

/* What an unprivileged domain gets when it reaches for dom0's controls. */
static void probe_privilege(domid_t dom0)
{
    static struct xen_domctl dc;
    static struct xen_sysctl sc;
    static struct xen_memory_domain md;
    static struct xen_mem_acquire_resource mar;
    static struct xen_add_to_physmap_batch b;
    static xen_pfn_t frames[1];
    static xen_ulong_t idx[1];
    static xen_pfn_t gpfn[1];
    static int errs[1];

    gt_dc(&dc, XEN_DOMCTL_getdomaininfo, dom0);
    page.probe[GT_DOMU_PROBE_DOMCTL] = (int32_t)gt_domctl(&dc);
    gt_sc(&sc, XEN_SYSCTL_physinfo);
    page.probe[GT_DOMU_PROBE_SYSCTL] = (int32_t)gt_sysctl(&sc);
    md.domid = dom0;
    page.probe[GT_DOMU_PROBE_RESERVATION] =
        (int32_t)gt_memory_op(XENMEM_current_reservation, &md);

    mar.domid = dom0;
    mar.type = XENMEM_resource_grant_table;
    mar.id = XENMEM_resource_grant_table_id_shared;
    mar.frame = 0;
    mar.nr_frames = 1;
    frames[0] = GT_DOMU_HOLE / GT_PAGE_SIZE;
    set_xen_guest_handle(mar.frame_list, frames);
    page.probe[GT_DOMU_PROBE_ACQUIRE] = (int32_t)gt_memory_op(XENMEM_acquire_resource, &mar);

    b.domid = DOMID_SELF;
    b.space = XENMAPSPACE_gmfn_foreign;
    b.size = 1;
    b.u.foreign_domid = dom0;
    idx[0] = 0x40000;           /* somewhere in dom0's RAM (1 GiB) */
    gpfn[0] = GT_DOMU_HOLE / GT_PAGE_SIZE;
    errs[0] = 12345;
    set_xen_guest_handle(b.idxs, idx);
    set_xen_guest_handle(b.gpfns, gpfn);
    set_xen_guest_handle(b.errs, errs);
    page.probe[GT_DOMU_PROBE_FOREIGN] = (int32_t)gt_memory_op(XENMEM_add_to_physmap_batch, &b);
    page.probe[GT_DOMU_PROBE_FOREIGN_ERR] = errs[0];
}

void domu_main(uint64_t dom0_port, uint64_t ref, uint64_t gnttab_gfn, uint64_t nonce,
               uint64_t dom0_id, uint64_t mode)
{
    static struct xen_add_to_physmap xatp;
    static struct evtchn_bind_interdomain bind;
    static struct evtchn_send send;
    volatile grant_entry_v1_t *gt;
    uint64_t deadline;
    const char *s = GT_DOMU_TEXT;
    unsigned int i;

    /* The hypervisor injects an abort; our vectors turn it into a crash. */
    if (mode == GT_DOMU_MODE_FAULT)
        (void)*(volatile uint32_t *)GT_DOMU_HOLE;
    /* Until dom0 destroys us. */
    while (mode == GT_DOMU_MODE_SPIN)
        gt_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);

    /* Frame 0 of our grant table, where dom0 said. */
    xatp.domid = DOMID_SELF;
    xatp.space = XENMAPSPACE_grant_table;
    xatp.idx = 0;
    xatp.gpfn = gnttab_gfn;
    if (gt_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&xatp,
                     0, 0, 0))
        fail(GT_DOMU_STEP_GNTTAB_MAP);

    /* Grant our page to dom0: frame and domain first, the flags last. */
    gt = (volatile grant_entry_v1_t *)(uintptr_t)(gnttab_gfn * GT_PAGE_SIZE) + ref;
    gt->domid = (domid_t)dom0_id;
    gt->frame = (uint32_t)gt_gfn_of(&page);
    __asm__ volatile("dmb ish" ::: "memory");
    gt->flags = GTF_permit_access;

    bind.remote_dom = (domid_t)dom0_id;
    bind.remote_port = (evtchn_port_t)dom0_port;
    if (gt_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain,
                     (unsigned long)&bind, 0, 0, 0))
        fail(GT_DOMU_STEP_BIND);

    /* The message; the magic says it is complete. */
    probe_privilege((domid_t)dom0_id);
    page.nonce = (uint32_t)nonce;
    page.port = bind.local_port;
    page.self_gfn = (uint32_t)gt_gfn_of(&page);
    for (i = 0; s[i] && i < sizeof(page.text) - 1; i++)
        page.text[i] = s[i];
    __asm__ volatile("dmb ish" ::: "memory");
    *(volatile uint32_t *)&page.magic = GT_DOMU_HELLO;
    __asm__ volatile("dmb ish" ::: "memory");

    send.port = bind.local_port;
    if (gt_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send,
                     0, 0, 0))
        fail(GT_DOMU_STEP_SEND);

    /* dom0's answer comes through the same page; give it two seconds. */
    deadline = ticks() + 2 * tick_hz();
    while (*(volatile uint32_t *)&page.reply != GT_DOMU_REPLY((uint32_t)nonce)) {
        if (ticks() > deadline)
            fail(GT_DOMU_STEP_WAIT_REPLY);
        gt_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
    }
    *(volatile uint32_t *)&page.seen_reply = page.reply;
    shutdown(SHUTDOWN_poweroff);
}
