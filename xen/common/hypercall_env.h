/*
 * Private to the hypercall handlers in xen/common/: everything the
 * generated prototypes need in scope, the generated header itself, and
 * the default privilege checks (the dummy XSM policy) that stand in for
 * xen/xsm/ until it exists.  See docs/hypercalls.md.
 */
#ifndef COMMON_HYPERCALL_ENV_H
#define COMMON_HYPERCALL_ENV_H

#include <limits.h>
#include <xen/types.h>
#include <xen/errno.h>
#include <xen/compiler.h>
#include <xen/sched.h>
#include <xen/timer.h>
#include <xen/guest_access.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <public/xen.h>
#include <public/event_channel.h>
#include <public/physdev.h>
#include <public/platform.h>
#include <public/sysctl.h>
#include <public/domctl.h>

/*
 * Handle types some prototypes name that no header of ours declares yet.
 * Their handlers are stubs, so the element types may stay incomplete; a
 * public header that appears later takes over.
 */
#ifdef CONFIG_IOREQ_SERVER
#if __has_include(<public/hvm/dm_op.h>)
#include <public/hvm/dm_op.h>
#else
typedef struct xen_dm_op_buf xen_dm_op_buf_t;
__DEFINE_XEN_GUEST_HANDLE(xen_dm_op_buf_t, xen_dm_op_buf_t);
#endif
#endif
#ifdef CONFIG_X86
#if __has_include(<public/pmu.h>)
#include <public/pmu.h>
#else
typedef struct xen_pmu_params xen_pmu_params_t;
__DEFINE_XEN_GUEST_HANDLE(xen_pmu_params_t, xen_pmu_params_t);
#endif
/* The compat structures are named compat_*; these are the handle names. */
typedef struct compat_multicall_entry multicall_entry_compat_t;
typedef struct compat_platform_op compat_platform_op_t;
__DEFINE_XEN_GUEST_HANDLE(multicall_entry_compat_t, multicall_entry_compat_t);
__DEFINE_XEN_GUEST_HANDLE(compat_platform_op_t, compat_platform_op_t);
#endif

#include <generated/hypercall-defs.h>

/* ------------------------------------------------------------ guest memory */

/* Byte-sized copies through an untyped handle; true when every byte moved. */
#define hc_copy_to(hnd, off, src, len) \
    (arch_copy_to_guest(guest_handle_va(hnd) + (off), (src), (len)) == 0)
#define hc_copy_from(dst, hnd, off, len) \
    (arch_copy_from_guest((dst), guest_handle_va(hnd) + (off), (len)) == 0)

/* ------------------------------------------------------------ who is asking */

static inline bool hc_is_control_domain(const struct domain *d)
{
    return d->is_privileged;
}

/*
 * The default XSM actions (Xen's dummy policy), one helper per kind.  Each
 * call site names the Xen hook it stands for, so that the switch to real
 * XSM hooks is mechanical.  There is no device-model "target" relation in
 * struct domain yet, so XSM_DM_PRIV reduces to XSM_PRIV.
 */
static inline int hc_xsm_priv(const struct domain *src)         /* XSM_PRIV */
{
    return hc_is_control_domain(src) ? 0 : -EPERM;
}

static inline int hc_xsm_dm_priv(const struct domain *src,      /* XSM_DM_PRIV */
                                 const struct domain *target)
{
    (void)target;
    return hc_xsm_priv(src);
}

static inline int hc_xsm_target(const struct domain *src,       /* XSM_TARGET */
                                const struct domain *target)
{
    return src == target ? 0 : hc_xsm_dm_priv(src, target);
}

/* ------------------------------------------------------------ preemption */

/*
 * A long operation stops when other work waits on this CPU (pending
 * softirqs) and has the hypercall re-run with updated arguments: the
 * handler returns hypercall_create_continuation(), whose result the trap
 * code does not pass to the guest.  The arch's trap code provides it
 * (arm64: xen/arch/arm/traps.c); format letters: 'i' int, 'l' long,
 * 'h' guest handle.
 */
unsigned long hypercall_create_continuation(unsigned int op, const char *format, ...);

static inline bool hc_preempt_check(void)
{
    return softirq_pending(smp_processor_id());
}

/* ------------------------------------------------------------ shutdown */

/*
 * The reason a shutdown takes effect with, as Xen's domain_shutdown()
 * decides it: a code recorded earlier (SCHEDOP_shutdown_code) wins over
 * the one given now; reasons are 8 bits.
 */
static inline unsigned int hc_shutdown_reason(const struct domain *d, unsigned int reason)
{
    unsigned int code = read_atomic(&d->shutdown_code);

    return code != SHUTDOWN_CODE_INVALID ? code : (uint8_t)reason;
}

/* ------------------------------------------------------------ results */

/*
 * Handlers an AArch32 (or compat) guest reaches return results that land
 * in a 32-bit register.  A value outside int would come out truncated,
 * possibly looking like an error code; saturate instead (INT_MIN is no
 * errno, errnos being -1 .. -4095).
 */
static inline int hc_clamp_int(long rc)
{
    if (rc > INT_MAX)
        return INT_MAX;
    if (rc < INT_MIN)
        return INT_MIN;
    return (int)rc;
}

/* ------------------------------------------------------------ boot hooks */

/* Keep the hypervisor command line for XENVER_commandline (kernel.c). */
#include <xen/version.h>  /* hypercall_save_cmdline() */


#endif /* COMMON_HYPERCALL_ENV_H */
