/*
 * hvm_op (hypercall 34): HVMOP_set_param / HVMOP_get_param, the per-domain
 * parameters through which the toolstack tells a guest where its xenstore
 * and console rings are and how events reach it.
 *
 * Rules are Xen 4.17's for Arm (arch/arm/hvm.c): a domain may read its own
 * callback, store and console parameters but set none of them; the
 * toolstack (any domain the default XSM policy lets act on the target:
 * the control domain) may set and read those and the monitor ring.
 * Everything else, including indexes past HVM_NR_PARAMS, is -EINVAL.
 * On x86 (Xen's arch/x86/hvm/hvm.c) a domain may also set its own
 * callback (how its upcall is delivered) and its store and console event
 * channels; the rest of the x86 list (VM86 TSS, ACPI I/O ports, ...) is
 * not kept here and stays -EINVAL.
 */
#include "hypercall_env.h"
#include <public/hvm/params.h>
#include <public/hvm/hvm_op.h>

static int set_param_allowed(const struct domain *d, uint32_t index)
{
    switch (index) {
#ifdef CONFIG_X86
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_EVTCHN:
        return 0;
#else
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_EVTCHN:
#endif
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_MONITOR_RING_PFN:
        /* For the toolstack only. */
        return d == current->domain ? -EPERM : 0;
    default:
        return -EINVAL;
    }
}

static int get_param_allowed(const struct domain *d, uint32_t index)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN:
        return 0;
    case HVM_PARAM_MONITOR_RING_PFN:
        return d == current->domain ? -EPERM : 0;
    default:
        return -EINVAL;
    }
}

__attribute__((__weak__)) void arch_latch_shinfo_size(struct domain *d) { (void)d; }

static long hvm_param_op(unsigned long op, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *currd = current->domain;
    struct xen_hvm_param a;
    struct domain *d;
    bool ref = false;
    long rc;

    if (!hc_copy_from(&a, arg, 0, sizeof(a)))
        return -EFAULT;

    /* DOMID_SELF or a domain by id (a reference is held for the latter). */
    if (a.domid == DOMID_SELF) {
        d = currd;
    } else {
        d = get_domain_by_id(a.domid);
        if (!d)
            return -ESRCH;
        ref = true;
    }

    rc = hc_xsm_target(currd, d);                           /* xsm_hvm_param */
    if (rc)
        goto out;

    if (op == HVMOP_set_param) {
        rc = set_param_allowed(d, a.index);
        if (rc)
            goto out;
        BUILD_BUG_ON(ARRAY_SIZE(d->hvm_params) != HVM_NR_PARAMS);
        write_atomic(&d->hvm_params[a.index], a.value);
        if (a.index == HVM_PARAM_CALLBACK_IRQ)
            arch_latch_shinfo_size(d);
    } else {
        rc = get_param_allowed(d, a.index);
        if (rc)
            goto out;
        a.value = read_atomic(&d->hvm_params[a.index]);
        rc = hc_copy_to(arg, 0, &a, sizeof(a)) ? 0 : -EFAULT;
    }

 out:
    if (ref)
        put_domain(d);
    return rc;
}

/* The architecture's own operations (x86: xen/arch/x86/hvm.c). */
long arch_do_hvm_op(unsigned long op, XEN_GUEST_HANDLE_PARAM(void) arg);

__attribute__((__weak__)) long arch_do_hvm_op(unsigned long op, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    (void)op;
    (void)arg;
    return -ENOSYS;
}

long do_hvm_op(unsigned long op, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch (op) {
    case HVMOP_set_param:
    case HVMOP_get_param:
        return hvm_param_op(op, arg);

    case HVMOP_guest_request_vm_event:
        /* No monitor (vm_event) support: the request goes nowhere. */
        return guest_handle_is_null(arg) ? 0 : -EINVAL;

    default:
        return arch_do_hvm_op(op, arg);
    }
}
