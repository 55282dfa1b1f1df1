/*
 * sched_op (hypercall 29): a vCPU gives up its CPU, blocks, or shuts its
 * domain (or, for the control domain, another one) down.
 *
 * Errno values follow Xen 4.17: a bad argument pointer is -EFAULT before
 * anything happens; shutdown reasons are not checked (the reason is cut to
 * 8 bits and recorded, the first recorded code winning); unknown
 * sub-ops are -ENOSYS.  SCHEDOP_poll is event_channel.c's
 * (evtchn_sched_poll()).  SCHEDOP_watchdog and SCHEDOP_pin_override are
 * not written yet: they answer -ENOSYS once their argument has passed
 * Xen's checks.
 */
#include "hypercall_env.h"
#include <xen/atomic.h>
#include <xen/event.h>
#include <public/sched.h>

/* struct sched_poll as a 32-bit x86 guest lays it out: 4-byte handle, 4-aligned timeout. */
#define COMPAT_SCHED_POLL_SIZE 16

/*
 * Weak defaults for builds without event channels (the host tests of the
 * handlers, tests/unit/hypercalls): the real ones are in event_channel.c
 * and, for Arm's PSTATE.I, xen/arch/arm/evtchn.c.
 */
__attribute__((__weak__))
long evtchn_sched_poll(uint64_t ports_va, unsigned int nr_ports, uint64_t timeout)
{
    (void)ports_va; (void)nr_ports; (void)timeout;
    return -ENOSYS;
}

__attribute__((__weak__)) void arch_local_event_delivery_enable(struct vcpu *v)
{
    (void)v;
}

static long sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg, bool compat)
{
    struct vcpu *curr = current;
    struct domain *currd = curr->domain;

    switch (cmd) {
    case SCHEDOP_yield:
        vcpu_yield();
        return 0;

    case SCHEDOP_block:
        /* Blocking re-enables event delivery (the x86 upcall mask, Arm's PSTATE.I). */
#ifdef XEN_HAVE_PV_UPCALL_MASK
        if (curr->vcpu_info)
            write_atomic(&curr->vcpu_info->evtchn_upcall_mask, 0);
#endif
        arch_local_event_delivery_enable(curr);
        vcpu_block();
        return 0;

    case SCHEDOP_shutdown: {
        struct sched_shutdown s;

        if (!hc_copy_from(&s, arg, 0, sizeof(s)))
            return -EFAULT;
        domain_shutdown(currd, hc_shutdown_reason(currd, s.reason));
        return 0;
    }

    case SCHEDOP_shutdown_code: {
        struct sched_shutdown s;

        if (!hc_copy_from(&s, arg, 0, sizeof(s)))
            return -EFAULT;
        /* Only the first code sticks; a later SCHEDOP_shutdown uses it. */
        cmpxchg(&currd->shutdown_code, SHUTDOWN_CODE_INVALID, (unsigned int)(uint8_t)s.reason);
        return 0;
    }

    case SCHEDOP_poll: {
        struct sched_poll p;
        uint64_t ports;

        BUILD_BUG_ON(sizeof(p) < COMPAT_SCHED_POLL_SIZE);
        if (compat) {
            uint32_t c[4];      /* ports handle, nr_ports, timeout (two halves) */

            BUILD_BUG_ON(sizeof(c) != COMPAT_SCHED_POLL_SIZE);
            if (!hc_copy_from(c, arg, 0, sizeof(c)))
                return -EFAULT;
            ports = c[0];
            p.nr_ports = c[1];
            p.timeout = c[2] | ((uint64_t)c[3] << 32);
        } else {
            if (!hc_copy_from(&p, arg, 0, sizeof(p)))
                return -EFAULT;
            ports = guest_handle_va(p.ports);
        }
        return evtchn_sched_poll(ports, p.nr_ports, p.timeout);
    }

    case SCHEDOP_remote_shutdown: {
        struct sched_remote_shutdown rs;
        struct domain *d;
        int rc;

        if (!hc_copy_from(&rs, arg, 0, sizeof(rs)))
            return -EFAULT;
        d = get_domain_by_id(rs.domain_id);
        if (!d)
            return -ESRCH;
        rc = hc_xsm_dm_priv(currd, d);                      /* xsm_schedop_shutdown */
        if (rc == 0)
            domain_shutdown(d, hc_shutdown_reason(d, rs.reason));
        put_domain(d);
        return rc;
    }

    case SCHEDOP_watchdog: {
        struct sched_watchdog w;

        if (!hc_copy_from(&w, arg, 0, sizeof(w)))
            return -EFAULT;
        return -ENOSYS;         /* needs per-domain watchdog timers in struct domain */
    }

    case SCHEDOP_pin_override: {
        struct sched_pin_override po;

        if (!is_hardware_domain(currd))
            return -EPERM;
        if (!hc_copy_from(&po, arg, 0, sizeof(po)))
            return -EFAULT;
        if (po.pcpu >= NR_CPUS)
            return -EINVAL;
        return -ENOSYS;         /* needs temporary affinity in the scheduler */
    }

    default:
        return -ENOSYS;
    }
}

long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    return sched_op(cmd, arg, false);
}

#ifdef CONFIG_COMPAT
/*
 * Every argument the implemented sub-ops read has the same layout for
 * 32-bit guests; only sched_poll is smaller.
 */
int compat_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    return hc_clamp_int(sched_op(cmd, arg, true));
}
#endif
