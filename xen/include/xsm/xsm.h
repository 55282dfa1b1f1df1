/*
 * XSM: the security hooks every privileged operation asks before acting.
 *
 * Callers use the xsm_*() wrappers below.  Each takes, as its first
 * argument, the default action the call site expects (XSM_HOOK,
 * XSM_TARGET, ...): it documents at the call site who may do what under
 * the default policy, in the manner of Xen's call sites, and is otherwise
 * ignored.  The wrapper calls through the active module's hook table.
 *
 * Modules: the default ("dummy") policy lives in xen/xsm/dummy.c and is
 * active from the start.  Another module (SILO, Flask) registers its own
 * table at boot with xsm_register(); hooks it leaves NULL fall back to
 * the default policy's.  Nothing needs the table to change afterwards.
 * See xen/xsm/README.md and docs/domain-control.md.
 */
#ifndef XSM_XSM_H
#define XSM_XSM_H

#include <xen/types.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <public/domctl.h>

struct evtchn;

/* What the default policy lets through at a given call site. */
typedef enum xsm_default {
    XSM_HOOK,       /* anyone: the caller already proved a right to ask */
    XSM_DM_PRIV,    /* the control domain, or a device model on its target */
    XSM_TARGET,     /* the domain itself, a device model on it, or the control domain */
    XSM_PRIV,       /* the control domain only */
    XSM_XS_PRIV,    /* the xenstore domain, a device model on it, or the control domain */
    XSM_OTHER,      /* depends on the arguments (see the hook) */
} xsm_default_t;

/* The hook table a security module provides. */
struct xsm_ops {
    const char *name;

    /* domains */
    int (*domain_create)(struct domain *d, uint32_t ssidref);
    int (*alloc_security_domain)(struct domain *d);
    void (*free_security_domain)(struct domain *d);
    int (*init_hardware_domain)(struct domain *d);
    int (*getdomaininfo)(struct domain *d);
    void (*security_domaininfo)(struct domain *d, struct xen_domctl_getdomaininfo *info);
    int (*set_target)(struct domain *d, struct domain *e);

    /* control hypercalls */
    int (*domctl)(struct domain *d, unsigned int cmd, uint32_t ssidref);
    int (*domctl_scheduler_op)(struct domain *d, int cmd);
    int (*sysctl)(int cmd);
    int (*sysctl_scheduler_op)(int cmd);
    int (*readconsole)(uint32_t clear);
    int (*irq_permission)(struct domain *d, int pirq, uint8_t allow);
    int (*iomem_permission)(struct domain *d, uint64_t s, uint64_t e, uint8_t allow);
    int (*iomem_mapping)(struct domain *d, uint64_t s, uint64_t e, uint8_t allow);
    int (*platform_op)(uint32_t op);

    /* event channels */
    int (*evtchn_unbound)(struct domain *d, struct evtchn *chn, domid_t id2);
    int (*evtchn_interdomain)(struct domain *d1, struct evtchn *chn1,
                              struct domain *d2, struct evtchn *chn2);
    int (*evtchn_send)(struct domain *d, struct evtchn *chn);
    int (*evtchn_status)(struct domain *d, struct evtchn *chn);
    int (*evtchn_reset)(struct domain *d1, struct domain *d2);

    /* grant tables */
    int (*grant_mapref)(struct domain *d1, struct domain *d2, uint32_t flags);
    int (*grant_unmapref)(struct domain *d1, struct domain *d2);
    int (*grant_setup)(struct domain *d1, struct domain *d2);
    int (*grant_transfer)(struct domain *d1, struct domain *d2);
    int (*grant_copy)(struct domain *d1, struct domain *d2);
    int (*grant_query_size)(struct domain *d1, struct domain *d2);

    /* memory */
    int (*memory_exchange)(struct domain *d);
    int (*memory_adjust_reservation)(struct domain *d1, struct domain *d2);
    int (*memory_stat_reservation)(struct domain *d1, struct domain *d2);
    int (*add_to_physmap)(struct domain *d1, struct domain *d2);
    int (*remove_from_physmap)(struct domain *d1, struct domain *d2);
    int (*map_gmfn_foreign)(struct domain *d, struct domain *t);
    int (*claim_pages)(struct domain *d);
    int (*domain_resource_map)(struct domain *d);
    int (*get_vnumainfo)(struct domain *d);

    /* other hypercalls */
    int (*console_io)(struct domain *d, int cmd);
    int (*schedop_shutdown)(struct domain *d1, struct domain *d2);
    int (*hvm_param)(struct domain *d, unsigned long op);
    int (*xen_version)(uint32_t op);
    long (*do_xsm_op)(uint64_t op_va);
};

/* The active module's table (the default policy until one registers). */
extern const struct xsm_ops *xsm_ops;

/* The default policy, complete: what NULL hooks of other modules fall back to. */
extern const struct xsm_ops xsm_dummy_ops;

/*
 * Make `ops` the active module (boot time, before any domain but the idle
 * one exists).  NULL hooks in `ops` are filled in from the default policy,
 * which is why it is not const.  0, or -EINVAL for a NULL table.
 */
int xsm_register(struct xsm_ops *ops);

/* The name of the active module ("dummy", ...). */
static inline const char *xsm_module_name(void)
{
    return xsm_ops->name;
}

/* ------------------------------------------------------------ the default policy */

static inline bool xsm_is_control_domain(const struct domain *d)
{
    return d && d->is_privileged;
}

static inline bool xsm_is_xenstore_domain(const struct domain *d)
{
    return d && (d->cdf & XEN_DOMCTL_CDF_xs_domain);
}

/*
 * The default policy's decision for `src` acting on `target` (which may
 * be NULL for host-wide operations): 0 or -EPERM.  The control domain
 * passes every level but XSM_OTHER (which only hooks use, to pick one);
 * XSM_DM_PRIV also lets the target's device model (set_target) through,
 * XSM_TARGET also the domain itself, XSM_XS_PRIV also the xenstore
 * domain (but not the domain itself).  XSM_HOOK lets everyone through.
 */
static inline int xsm_default_action(xsm_default_t action, const struct domain *src,
                                     const struct domain *target)
{
    switch (action) {
    case XSM_HOOK:
        return 0;
    case XSM_TARGET:
        if (src == target)
            return 0;
        goto dm_priv;
    case XSM_XS_PRIV:
        /* Not the domain itself: the xenstore domain instead. */
        if (xsm_is_xenstore_domain(src))
            return 0;
        goto dm_priv;
    case XSM_DM_PRIV:
    dm_priv:
        if (src && target && src->target == target)
            return 0;
        /* fall through */
    case XSM_PRIV:
        return xsm_is_control_domain(src) ? 0 : -EPERM;
    default:
        return -EPERM;
    }
}

/* ------------------------------------------------------------ wrappers */

#define XSM_CALL(hook, ...) (xsm_ops->hook(__VA_ARGS__))

static inline int xsm_domain_create(xsm_default_t def, struct domain *d, uint32_t ssidref)
{
    (void)def;
    return XSM_CALL(domain_create, d, ssidref);
}

static inline int xsm_alloc_security_domain(struct domain *d)
{
    return XSM_CALL(alloc_security_domain, d);
}

static inline void xsm_free_security_domain(struct domain *d)
{
    XSM_CALL(free_security_domain, d);
}

static inline int xsm_init_hardware_domain(xsm_default_t def, struct domain *d)
{
    (void)def;
    return XSM_CALL(init_hardware_domain, d);
}

static inline int xsm_getdomaininfo(xsm_default_t def, struct domain *d)
{
    (void)def;
    return XSM_CALL(getdomaininfo, d);
}

static inline void xsm_security_domaininfo(struct domain *d,
                                           struct xen_domctl_getdomaininfo *info)
{
    XSM_CALL(security_domaininfo, d, info);
}

static inline int xsm_set_target(xsm_default_t def, struct domain *d, struct domain *e)
{
    (void)def;
    return XSM_CALL(set_target, d, e);
}

static inline int xsm_domctl(xsm_default_t def, struct domain *d, unsigned int cmd,
                             uint32_t ssidref)
{
    (void)def;
    return XSM_CALL(domctl, d, cmd, ssidref);
}

static inline int xsm_domctl_scheduler_op(xsm_default_t def, struct domain *d, int cmd)
{
    (void)def;
    return XSM_CALL(domctl_scheduler_op, d, cmd);
}

static inline int xsm_sysctl(xsm_default_t def, int cmd)
{
    (void)def;
    return XSM_CALL(sysctl, cmd);
}

static inline int xsm_sysctl_scheduler_op(xsm_default_t def, int cmd)
{
    (void)def;
    return XSM_CALL(sysctl_scheduler_op, cmd);
}

static inline int xsm_readconsole(xsm_default_t def, uint32_t clear)
{
    (void)def;
    return XSM_CALL(readconsole, clear);
}

static inline int xsm_irq_permission(xsm_default_t def, struct domain *d, int pirq,
                                     uint8_t allow)
{
    (void)def;
    return XSM_CALL(irq_permission, d, pirq, allow);
}

static inline int xsm_iomem_permission(xsm_default_t def, struct domain *d, uint64_t s,
                                       uint64_t e, uint8_t allow)
{
    (void)def;
    return XSM_CALL(iomem_permission, d, s, e, allow);
}

static inline int xsm_iomem_mapping(xsm_default_t def, struct domain *d, uint64_t s,
                                    uint64_t e, uint8_t allow)
{
    (void)def;
    return XSM_CALL(iomem_mapping, d, s, e, allow);
}

static inline int xsm_platform_op(xsm_default_t def, uint32_t op)
{
    (void)def;
    return XSM_CALL(platform_op, op);
}

static inline int xsm_evtchn_unbound(xsm_default_t def, struct domain *d,
                                     struct evtchn *chn, domid_t id2)
{
    (void)def;
    return XSM_CALL(evtchn_unbound, d, chn, id2);
}

static inline int xsm_evtchn_interdomain(xsm_default_t def, struct domain *d1,
                                         struct evtchn *chn1, struct domain *d2,
                                         struct evtchn *chn2)
{
    (void)def;
    return XSM_CALL(evtchn_interdomain, d1, chn1, d2, chn2);
}

static inline int xsm_evtchn_send(xsm_default_t def, struct domain *d, struct evtchn *chn)
{
    (void)def;
    return XSM_CALL(evtchn_send, d, chn);
}

static inline int xsm_evtchn_status(xsm_default_t def, struct domain *d, struct evtchn *chn)
{
    (void)def;
    return XSM_CALL(evtchn_status, d, chn);
}

static inline int xsm_evtchn_reset(xsm_default_t def, struct domain *d1, struct domain *d2)
{
    (void)def;
    return XSM_CALL(evtchn_reset, d1, d2);
}

static inline int xsm_grant_mapref(xsm_default_t def, struct domain *d1, struct domain *d2,
                                   uint32_t flags)
{
    (void)def;
    return XSM_CALL(grant_mapref, d1, d2, flags);
}

static inline int xsm_grant_unmapref(xsm_default_t def, struct domain *d1, struct domain *d2)
{
    (void)def;
    return XSM_CALL(grant_unmapref, d1, d2);
}

static inline int xsm_grant_setup(xsm_default_t def, struct domain *d1, struct domain *d2)
{
    (void)def;
    return XSM_CALL(grant_setup, d1, d2);
}

static inline int xsm_grant_transfer(xsm_default_t def, struct domain *d1, struct domain *d2)
{
    (void)def;
    return XSM_CALL(grant_transfer, d1, d2);
}

static inline int xsm_grant_copy(xsm_default_t def, struct domain *d1, struct domain *d2)
{
    (void)def;
    return XSM_CALL(grant_copy, d1, d2);
}

static inline int xsm_grant_query_size(xsm_default_t def, struct domain *d1, struct domain *d2)
{
    (void)def;
    return XSM_CALL(grant_query_size, d1, d2);
}

static inline int xsm_memory_exchange(xsm_default_t def, struct domain *d)
{
    (void)def;
    return XSM_CALL(memory_exchange, d);
}

static inline int xsm_memory_adjust_reservation(xsm_default_t def, struct domain *d1,
                                                struct domain *d2)
{
    (void)def;
    return XSM_CALL(memory_adjust_reservation, d1, d2);
}

static inline int xsm_memory_stat_reservation(xsm_default_t def, struct domain *d1,
                                              struct domain *d2)
{
    (void)def;
    return XSM_CALL(memory_stat_reservation, d1, d2);
}

static inline int xsm_add_to_physmap(xsm_default_t def, struct domain *d1, struct domain *d2)
{
    (void)def;
    return XSM_CALL(add_to_physmap, d1, d2);
}

static inline int xsm_remove_from_physmap(xsm_default_t def, struct domain *d1,
                                          struct domain *d2)
{
    (void)def;
    return XSM_CALL(remove_from_physmap, d1, d2);
}

static inline int xsm_map_gmfn_foreign(xsm_default_t def, struct domain *d, struct domain *t)
{
    (void)def;
    return XSM_CALL(map_gmfn_foreign, d, t);
}

static inline int xsm_claim_pages(xsm_default_t def, struct domain *d)
{
    (void)def;
    return XSM_CALL(claim_pages, d);
}

static inline int xsm_domain_resource_map(xsm_default_t def, struct domain *d)
{
    (void)def;
    return XSM_CALL(domain_resource_map, d);
}

static inline int xsm_get_vnumainfo(xsm_default_t def, struct domain *d)
{
    (void)def;
    return XSM_CALL(get_vnumainfo, d);
}

static inline int xsm_console_io(xsm_default_t def, struct domain *d, int cmd)
{
    (void)def;
    return XSM_CALL(console_io, d, cmd);
}

static inline int xsm_schedop_shutdown(xsm_default_t def, struct domain *d1,
                                       struct domain *d2)
{
    (void)def;
    return XSM_CALL(schedop_shutdown, d1, d2);
}

static inline int xsm_hvm_param(xsm_default_t def, struct domain *d, unsigned long op)
{
    (void)def;
    return XSM_CALL(hvm_param, d, op);
}

static inline int xsm_xen_version(xsm_default_t def, uint32_t op)
{
    (void)def;
    return XSM_CALL(xen_version, op);
}

static inline long xsm_do_xsm_op(uint64_t op_va)
{
    return XSM_CALL(do_xsm_op, op_va);
}

#undef XSM_CALL

#endif /* XSM_XSM_H */
