/* SPDX-License-Identifier: MIT */
/*
 * gt-ctl.h - the toolstack's side of the ABI for the control tests:
 * domctl, sysctl and memory_op structures (tools-only headers), typed
 * wrappers, and building or tearing down an empty domain.
 *
 * Include this instead of gt-xen.h: the tools-only parts of the public
 * headers must be switched on before the first public header is read.
 */
#ifndef GT_CTL_H
#define GT_CTL_H

#define __XEN_TOOLS__ 1
/* What xen-compat.h forces for tools; defined the same way here so that
 * gt-xen.h's own default does not clash with it. */
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__

#include "gt-xen.h"
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/memory.h>

/* The errno values the control tests use beyond gt-xen.h's stop-gap list. */
#if !__has_include(<public/errno.h>)
enum {
    XEN_ESRCH = 3, XEN_ENOMEM = 12, XEN_EACCES = 13, XEN_EBUSY = 16, XEN_EEXIST = 17,
    XEN_ENODATA = 61, XEN_EOVERFLOW = 75, XEN_ERESTART = 85, XEN_EOPNOTSUPP = 95,
};
#endif

static inline long gt_domctl(struct xen_domctl *op)
{
    return gt_hypercall(__HYPERVISOR_domctl, (unsigned long)op, 0, 0, 0, 0);
}

static inline long gt_sysctl(struct xen_sysctl *op)
{
    return gt_hypercall(__HYPERVISOR_sysctl, (unsigned long)op, 0, 0, 0, 0);
}

static inline long gt_memory_op(unsigned long cmd, void *arg)
{
    return gt_hypercall(__HYPERVISOR_memory_op, cmd, (unsigned long)arg, 0, 0, 0);
}

/* A zeroed domctl with the right version, command and domain. */
static inline struct xen_domctl *gt_dc(struct xen_domctl *op, uint32_t cmd, domid_t dom)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = dom;
    return op;
}

static inline struct xen_sysctl *gt_sc(struct xen_sysctl *op, uint32_t cmd)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return op;
}

/* Limits of the empty domains the tests create. */
#define GT_CTL_VCPUS        2u
#define GT_CTL_GNT_FRAMES   4

/*
 * The creation request an ordinary toolstack makes for a small guest:
 * Arm: an HVM+HAP domain with the host's GIC, a few SPIs, no TEE; x86: a
 * PVH domain (HVM+HAP, only the local APIC emulated).
 */
static inline void gt_ctl_create_config(struct xen_domctl *op, domid_t want)
{
    struct xen_domctl_createdomain *c = &op->u.createdomain;

    gt_dc(op, XEN_DOMCTL_createdomain, want);
    c->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c->max_vcpus = GT_CTL_VCPUS;
    c->max_evtchn_port = 1023;
    c->max_grant_frames = GT_CTL_GNT_FRAMES;
    c->max_maptrack_frames = 16;
    c->grant_opts = XEN_DOMCTL_GRANT_version(1);
#if GT_ARCH_ARM
    c->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_NATIVE;
    c->arch.nr_spis = 32;
    c->arch.tee_type = XEN_DOMCTL_CONFIG_TEE_NONE;
#else
    c->arch.emulation_flags = XEN_X86_EMU_LAPIC;
#endif
}

/* Create an empty domain (paused, no vCPUs yet); its id, or a -errno. */
static inline long gt_ctl_create(domid_t want)
{
    static struct xen_domctl op;
    long rc;

    gt_ctl_create_config(&op, want);
    rc = gt_domctl(&op);
    return rc ? rc : op.domain;
}

/* Destroy a domain, following any -ERESTART the caller gets to see. */
static inline long gt_ctl_destroy(domid_t dom)
{
    static struct xen_domctl op;
    long rc;
    unsigned int tries = 0;

    do
        rc = gt_domctl(gt_dc(&op, XEN_DOMCTL_destroydomain, dom));
    while (rc == -XEN_ERESTART && ++tries < 100000);
    return rc;
}

#endif /* GT_CTL_H */
