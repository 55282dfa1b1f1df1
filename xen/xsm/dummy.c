/*
 * The default security policy ("dummy", as Xen calls it): the control
 * domain may do everything; a domain may act on itself where Xen lets it;
 * a device-model domain (XEN_DOMCTL_set_target) may act on its target
 * where Xen's XSM_DM_PRIV / XSM_TARGET allow it; the xenstore domain may
 * list domains.  Every decision goes through xsm_default_action()
 * (xsm/xsm.h); each hook below names the level it applies, as learned
 * from Xen 4.17's default hooks.
 */
#include <xen/sched.h>
#include <xen/errno.h>
#include <xsm/xsm.h>
#include <public/xen.h>
#include <public/version.h>
#include <public/domctl.h>

#define CALLER (current->domain)

/* ------------------------------------------------------------ domains */

static int dummy_domain_create(struct domain *d, uint32_t ssidref)
{
    (void)ssidref;
    return xsm_default_action(XSM_HOOK, CALLER, d);
}

static int dummy_alloc_security_domain(struct domain *d)
{
    (void)d;
    return 0;
}

static void dummy_free_security_domain(struct domain *d)
{
    (void)d;
}

static int dummy_init_hardware_domain(struct domain *d)
{
    return xsm_default_action(XSM_HOOK, CALLER, d);
}

static int dummy_getdomaininfo(struct domain *d)
{
    return xsm_default_action(XSM_HOOK, CALLER, d);
}

/* No labels: getdomaininfo's ssidref stays 0. */
static void dummy_security_domaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    (void)d;
    (void)info;
}

static int dummy_set_target(struct domain *d, struct domain *e)
{
    (void)d;
    (void)e;
    return xsm_default_action(XSM_HOOK, CALLER, NULL);
}

/* ------------------------------------------------------------ control hypercalls */

static int dummy_domctl(struct domain *d, unsigned int cmd, uint32_t ssidref)
{
    (void)ssidref;
    switch (cmd) {
    /* What a device model needs on its guest. */
    case XEN_DOMCTL_ioport_mapping:
    case XEN_DOMCTL_memory_mapping:
    case XEN_DOMCTL_bind_pt_irq:
    case XEN_DOMCTL_unbind_pt_irq:
        return xsm_default_action(XSM_DM_PRIV, CALLER, d);
    /* The xenstore domain watches domains come and go. */
    case XEN_DOMCTL_getdomaininfo:
        return xsm_default_action(XSM_XS_PRIV, CALLER, d);
    default:
        return xsm_default_action(XSM_PRIV, CALLER, d);
    }
}

static int dummy_domctl_scheduler_op(struct domain *d, int cmd)
{
    (void)cmd;
    return xsm_default_action(XSM_HOOK, CALLER, d);
}

static int dummy_sysctl(int cmd)
{
    (void)cmd;
    return xsm_default_action(XSM_PRIV, CALLER, NULL);
}

static int dummy_sysctl_scheduler_op(int cmd)
{
    (void)cmd;
    return xsm_default_action(XSM_HOOK, CALLER, NULL);
}

static int dummy_readconsole(uint32_t clear)
{
    (void)clear;
    return xsm_default_action(XSM_HOOK, CALLER, NULL);
}

static int dummy_irq_permission(struct domain *d, int pirq, uint8_t allow)
{
    (void)pirq;
    (void)allow;
    return xsm_default_action(XSM_HOOK, CALLER, d);
}

static int dummy_iomem_permission(struct domain *d, uint64_t s, uint64_t e, uint8_t allow)
{
    (void)s;
    (void)e;
    (void)allow;
    return xsm_default_action(XSM_HOOK, CALLER, d);
}

static int dummy_iomem_mapping(struct domain *d, uint64_t s, uint64_t e, uint8_t allow)
{
    (void)s;
    (void)e;
    (void)allow;
    return xsm_default_action(XSM_HOOK, CALLER, d);
}

static int dummy_platform_op(uint32_t op)
{
    (void)op;
    return xsm_default_action(XSM_PRIV, CALLER, NULL);
}

/* ------------------------------------------------------------ event channels */

static int dummy_evtchn_unbound(struct domain *d, struct evtchn *chn, domid_t id2)
{
    (void)chn;
    (void)id2;
    return xsm_default_action(XSM_TARGET, CALLER, d);
}

static int dummy_evtchn_interdomain(struct domain *d1, struct evtchn *chn1,
                                    struct domain *d2, struct evtchn *chn2)
{
    (void)chn1;
    (void)chn2;
    return xsm_default_action(XSM_HOOK, d1, d2);
}

static int dummy_evtchn_send(struct domain *d, struct evtchn *chn)
{
    (void)chn;
    return xsm_default_action(XSM_HOOK, d, NULL);
}

static int dummy_evtchn_status(struct domain *d, struct evtchn *chn)
{
    (void)chn;
    return xsm_default_action(XSM_TARGET, CALLER, d);
}

static int dummy_evtchn_reset(struct domain *d1, struct domain *d2)
{
    return xsm_default_action(XSM_TARGET, d1, d2);
}

/* ------------------------------------------------------------ grant tables */

static int dummy_grant_mapref(struct domain *d1, struct domain *d2, uint32_t flags)
{
    (void)flags;
    return xsm_default_action(XSM_HOOK, d1, d2);
}

static int dummy_grant_unmapref(struct domain *d1, struct domain *d2)
{
    return xsm_default_action(XSM_HOOK, d1, d2);
}

static int dummy_grant_setup(struct domain *d1, struct domain *d2)
{
    return xsm_default_action(XSM_TARGET, d1, d2);
}

static int dummy_grant_transfer(struct domain *d1, struct domain *d2)
{
    return xsm_default_action(XSM_HOOK, d1, d2);
}

static int dummy_grant_copy(struct domain *d1, struct domain *d2)
{
    return xsm_default_action(XSM_HOOK, d1, d2);
}

static int dummy_grant_query_size(struct domain *d1, struct domain *d2)
{
    return xsm_default_action(XSM_TARGET, d1, d2);
}

/* ------------------------------------------------------------ memory */

static int dummy_memory_exchange(struct domain *d)
{
    return xsm_default_action(XSM_TARGET, CALLER, d);
}

static int dummy_memory_adjust_reservation(struct domain *d1, struct domain *d2)
{
    return xsm_default_action(XSM_TARGET, d1, d2);
}

static int dummy_memory_stat_reservation(struct domain *d1, struct domain *d2)
{
    return xsm_default_action(XSM_TARGET, d1, d2);
}

static int dummy_add_to_physmap(struct domain *d1, struct domain *d2)
{
    return xsm_default_action(XSM_TARGET, d1, d2);
}

static int dummy_remove_from_physmap(struct domain *d1, struct domain *d2)
{
    return xsm_default_action(XSM_TARGET, d1, d2);
}

static int dummy_map_gmfn_foreign(struct domain *d, struct domain *t)
{
    return xsm_default_action(XSM_TARGET, d, t);
}

static int dummy_claim_pages(struct domain *d)
{
    return xsm_default_action(XSM_PRIV, CALLER, d);
}

/* XENMEM_acquire_resource: the control domain, or d's device model. */
static int dummy_domain_resource_map(struct domain *d)
{
    return xsm_default_action(XSM_DM_PRIV, CALLER, d);
}

static int dummy_get_vnumainfo(struct domain *d)
{
    return xsm_default_action(XSM_TARGET, CALLER, d);
}

/* ------------------------------------------------------------ other hypercalls */

static int dummy_console_io(struct domain *d, int cmd)
{
#ifdef CONFIG_DEBUG
    /* Debug builds let every domain write (Xen: CONFIG_VERBOSE_DEBUG). */
    if (cmd == CONSOLEIO_write)
        return xsm_default_action(XSM_HOOK, d, NULL);
#else
    (void)cmd;
#endif
    return xsm_default_action(XSM_PRIV, d, NULL);
}

static int dummy_schedop_shutdown(struct domain *d1, struct domain *d2)
{
    return xsm_default_action(XSM_DM_PRIV, d1, d2);
}

static int dummy_hvm_param(struct domain *d, unsigned long op)
{
    (void)op;
    return xsm_default_action(XSM_TARGET, CALLER, d);
}

static int dummy_xen_version(uint32_t op)
{
    switch (op) {
    case XENVER_version:
    case XENVER_platform_parameters:
    case XENVER_get_features:
    case XENVER_extraversion:
    case XENVER_compile_info:
    case XENVER_capabilities:
    case XENVER_changeset:
    case XENVER_pagesize:
    case XENVER_guest_handle:
        return xsm_default_action(XSM_HOOK, CALLER, NULL);
    default:
        return xsm_default_action(XSM_PRIV, CALLER, NULL);
    }
}

/* There is no policy to load or query. */
static long dummy_do_xsm_op(uint64_t op_va)
{
    (void)op_va;
    return -ENOSYS;
}

/* ------------------------------------------------------------ the table */

const struct xsm_ops xsm_dummy_ops = {
    .name                       = "dummy",

    .domain_create              = dummy_domain_create,
    .alloc_security_domain      = dummy_alloc_security_domain,
    .free_security_domain       = dummy_free_security_domain,
    .init_hardware_domain       = dummy_init_hardware_domain,
    .getdomaininfo              = dummy_getdomaininfo,
    .security_domaininfo        = dummy_security_domaininfo,
    .set_target                 = dummy_set_target,

    .domctl                     = dummy_domctl,
    .domctl_scheduler_op        = dummy_domctl_scheduler_op,
    .sysctl                     = dummy_sysctl,
    .sysctl_scheduler_op        = dummy_sysctl_scheduler_op,
    .readconsole                = dummy_readconsole,
    .irq_permission             = dummy_irq_permission,
    .iomem_permission           = dummy_iomem_permission,
    .iomem_mapping              = dummy_iomem_mapping,
    .platform_op                = dummy_platform_op,

    .evtchn_unbound             = dummy_evtchn_unbound,
    .evtchn_interdomain         = dummy_evtchn_interdomain,
    .evtchn_send                = dummy_evtchn_send,
    .evtchn_status              = dummy_evtchn_status,
    .evtchn_reset               = dummy_evtchn_reset,

    .grant_mapref               = dummy_grant_mapref,
    .grant_unmapref             = dummy_grant_unmapref,
    .grant_setup                = dummy_grant_setup,
    .grant_transfer             = dummy_grant_transfer,
    .grant_copy                 = dummy_grant_copy,
    .grant_query_size           = dummy_grant_query_size,

    .memory_exchange            = dummy_memory_exchange,
    .memory_adjust_reservation  = dummy_memory_adjust_reservation,
    .memory_stat_reservation    = dummy_memory_stat_reservation,
    .add_to_physmap             = dummy_add_to_physmap,
    .remove_from_physmap        = dummy_remove_from_physmap,
    .map_gmfn_foreign           = dummy_map_gmfn_foreign,
    .claim_pages                = dummy_claim_pages,
    .domain_resource_map        = dummy_domain_resource_map,
    .get_vnumainfo              = dummy_get_vnumainfo,

    .console_io                 = dummy_console_io,
    .schedop_shutdown           = dummy_schedop_shutdown,
    .hvm_param                  = dummy_hvm_param,
    .xen_version                = dummy_xen_version,
    .do_xsm_op                  = dummy_do_xsm_op,
};
