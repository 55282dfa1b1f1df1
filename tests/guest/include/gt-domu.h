/* SPDX-License-Identifier: MIT */
/*
 * gt-domu.h - what the dom0 test kernel (cases/domu.c) and the tiny domU
 * it builds (domu/) agree on: where the domU lives, its entry registers,
 * and the layout of the page it grants to dom0.
 */
#ifndef GT_DOMU_H
#define GT_DOMU_H

#include <stdint.h>

/* The domU is linked at the start of Xen's guest RAM (GUEST_RAM0_BASE). */
#define GT_DOMU_BASE        0x40000000ul
#define GT_DOMU_RAM_PAGES   256u            /* 1 MiB of RAM */

/*
 * Entry registers (AArch64, EL1h, MMU off):
 *   x0 = dom0's unbound port, x1 = the grant ref to use, x2 = the gfn where
 *   the domU maps frame 0 of its grant table, x3 = a nonce for this cycle,
 *   x4 = dom0's domain id, x5 = GT_DOMU_MODE_*.
 */
#define GT_DOMU_MODE_TALK   0               /* the conversation */
#define GT_DOMU_MODE_FAULT  1               /* load from GT_DOMU_HOLE first */
#define GT_DOMU_MODE_SPIN   2               /* yield forever */
#define GT_DOMU_HOLE        0xc0000000ul    /* nothing there in a domU */

/* Shutdown codes the domU uses besides poweroff (success) and crash. */
#define GT_DOMU_FAIL_BASE   0x80u           /* 0x80 | step that failed */
enum gt_domu_step {
    GT_DOMU_STEP_GNTTAB_MAP = 1,            /* add_to_physmap(grant_table) */
    GT_DOMU_STEP_BIND = 2,                  /* EVTCHNOP_bind_interdomain */
    GT_DOMU_STEP_SEND = 3,                  /* EVTCHNOP_send */
    GT_DOMU_STEP_WAIT_REPLY = 4,            /* no reply from dom0 in time */
};

/*
 * Control operations the domU tries on dom0 before it talks: each must be
 * refused (it is not privileged).  Results go to gt_domu_page.probe[].
 */
enum gt_domu_probe {
    GT_DOMU_PROBE_DOMCTL,       /* XEN_DOMCTL_getdomaininfo of dom0 */
    GT_DOMU_PROBE_SYSCTL,       /* XEN_SYSCTL_physinfo */
    GT_DOMU_PROBE_RESERVATION,  /* XENMEM_current_reservation of dom0 */
    GT_DOMU_PROBE_ACQUIRE,      /* XENMEM_acquire_resource: dom0's grant frame 0 */
    GT_DOMU_PROBE_FOREIGN,      /* add_to_physmap_batch gmfn_foreign from dom0: result */
    GT_DOMU_PROBE_FOREIGN_ERR,  /* ... and its one entry's error */
    GT_DOMU_NR_PROBES
};

#define GT_DOMU_HELLO       0x55646f6du     /* "moDU" little-endian */
#define GT_DOMU_REPLY(n)    ((n) ^ 0x5a5a5a5au)
#define GT_DOMU_TEXT        "hello dom0, this is the domU"

/* The page the domU grants (fields written once, magic last). */
struct gt_domu_page {
    uint32_t magic;         /* GT_DOMU_HELLO once the rest is valid */
    uint32_t nonce;         /* x3 */
    uint32_t port;          /* the domU's end of the channel */
    uint32_t self_gfn;      /* gfn of this page in the domU */
    char text[48];          /* GT_DOMU_TEXT */
    uint32_t reply;         /* dom0: GT_DOMU_REPLY(nonce) */
    uint32_t seen_reply;    /* domU: the reply it saw, just before powering off */
    int32_t probe[GT_DOMU_NR_PROBES];   /* written before magic */
};

#endif /* GT_DOMU_H */
