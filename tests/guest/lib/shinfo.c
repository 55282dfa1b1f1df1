/* SPDX-License-Identifier: MIT */
/*
 * shinfo.c - the kernel's shared_info page for tests that only need to
 * read it: whatever a test already mapped (gt_cfg.shared_info), else a
 * page of ours mapped once with XENMAPSPACE_shared_info.
 */
#include "gt-xen.h"
#include <public/memory.h>

static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));

volatile struct shared_info *gt_shared_info(void)
{
    static struct xen_add_to_physmap x;

    if (gt_cfg.shared_info)
        return gt_cfg.shared_info;
    x.domid = DOMID_SELF;
    x.space = XENMAPSPACE_shared_info;
    x.idx = 0;
    x.gpfn = gt_gfn_of(shinfo_page);
    if (gt_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&x,
                     0, 0, 0) != 0)
        return NULL;
    gt_cfg.shared_info = shinfo_page;
    return gt_cfg.shared_info;
}
