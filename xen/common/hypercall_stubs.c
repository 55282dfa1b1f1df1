/*
 * Handlers the hypercall table routes to (arm32, arm64, hvm32 and hvm64
 * columns) that are not written yet, plus the few that stay -ENOSYS for
 * good on Arm as on Xen 4.17.  Each stub names the work that replaces it
 * (ROADMAP = /work/shared/ROADMAP.md item).  Deleting a stub here once its
 * real handler exists is part of that work; the generated prototypes
 * (included through hypercall_env.h) check every signature.
 */
#include "hypercall_env.h"

/* ------------------------------------------------------------ all guests */

/*
 * The real handler is xen/common/memory.c, which the hypervisor links;
 * this weak one only serves builds without it (the host tests of the
 * other handlers, tests/unit/hypercalls).
 */
__attribute__((__weak__))
long do_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    (void)cmd; (void)arg;
    return -ENOSYS;
}

/*
 * do_multicall, do_sysctl, do_domctl and compat_multicall live in
 * multicall.c, sysctl.c and domctl.c, which the hypervisor links; these
 * weak ones, like do_memory_op's, only serve host tests built without them.
 */
__attribute__((__weak__))
long do_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_t) call_list, unsigned int nr_calls)
{
    (void)call_list; (void)nr_calls;
    return -ENOSYS;
}

/*
 * The real handler is xen/common/event_channel.c, which the hypervisor
 * links; this weak one only serves builds without it (the host tests of
 * the other handlers, tests/unit/hypercalls).
 */
__attribute__((__weak__))
long do_event_channel_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    (void)cmd; (void)arg;
    return -ENOSYS;
}

__attribute__((__weak__))
long do_sysctl(XEN_GUEST_HANDLE_PARAM(xen_sysctl_t) u_sysctl)
{
    (void)u_sysctl;
    return -ENOSYS;
}

__attribute__((__weak__))
long do_domctl(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u_domctl)
{
    (void)u_domctl;
    return -ENOSYS;
}

long do_platform_op(XEN_GUEST_HANDLE_PARAM(xen_platform_op_t) u_xenpf_op)
{
    (void)u_xenpf_op;
    return -ENOSYS;             /* ROADMAP 4 (Arm: XENPF_settime64), ROADMAP 5 (x86) */
}

long do_vm_assist(unsigned int cmd, unsigned int type)
{
    (void)cmd; (void)type;
    return -ENOSYS;             /* with the runstate area updates (Arm: runstate_update_flag) */
}

long do_xsm_op(XEN_GUEST_HANDLE_PARAM(void) op)
{
    (void)op;
    return -ENOSYS;             /* ROADMAP 6: XSM (the dummy and SILO policies answer this too) */
}

#ifdef CONFIG_GRANT_TABLE
/*
 * The real handler is xen/common/grant_table.c, which the hypervisor
 * links; this weak one only serves builds without it (host tests).
 */
__attribute__((__weak__))
long do_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    (void)cmd; (void)uop; (void)count;
    return -ENOSYS;
}
#endif

#ifdef CONFIG_ARGO
long do_argo_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg1,
                XEN_GUEST_HANDLE_PARAM(void) arg2, unsigned long arg3, unsigned long arg4)
{
    (void)cmd; (void)arg1; (void)arg2; (void)arg3; (void)arg4;
    return -ENOSYS;             /* Argo: not planned */
}
#endif

#ifdef CONFIG_IOREQ_SERVER
long do_dm_op(domid_t domid, unsigned int nr_bufs, XEN_GUEST_HANDLE_PARAM(xen_dm_op_buf_t) bufs)
{
    (void)domid; (void)nr_bufs; (void)bufs;
    return -ENOSYS;             /* device-model ops (ioreq servers): not planned yet */
}
#endif

#ifdef CONFIG_HYPFS
long do_hypfs_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(const_char) arg1, unsigned long arg2,
                 XEN_GUEST_HANDLE_PARAM(void) arg3, unsigned long arg4)
{
    (void)cmd; (void)arg1; (void)arg2; (void)arg3; (void)arg4;
    return -ENOSYS;             /* hypervisor file system: not planned yet */
}
#endif

/* ------------------------------------------------------------ Arm */

#ifdef CONFIG_ARM
/*
 * AArch32 guests: memory_op results (page counts, frame numbers) may not
 * fit r0.  Saturate rather than let a truncated value pass for an errno.
 */
int arm32_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    return hc_clamp_int(do_memory_op(cmd, arg));
}

/* Xen 4.17 on Arm without PCI passthrough: no physdev operations. */
int do_arm_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    (void)cmd; (void)arg;
    return -ENOSYS;             /* final (PCI passthrough is not planned) */
}

/* The pre-3.x forms of three hypercalls: never offered on Arm (final). */
long dep_event_channel_op_compat(XEN_GUEST_HANDLE_PARAM(evtchn_op_t) uop)
{
    (void)uop;
    return -ENOSYS;
}

long dep_physdev_op_compat(XEN_GUEST_HANDLE_PARAM(physdev_op_t) uop)
{
    (void)uop;
    return -ENOSYS;
}

long dep_sched_op_compat(int cmd, unsigned long arg)
{
    (void)cmd; (void)arg;
    return -ENOSYS;
}
#endif /* CONFIG_ARM */

/* ------------------------------------------------------------ x86 HVM */

#if defined(CONFIG_X86) && defined(CONFIG_HVM)
/*
 * The real hvm_memory_op and hvm_grant_table_op (Xen's HVM filters, then
 * the native or compat handler) are in xen/arch/x86/hvm.c; these weak ones
 * only serve host tests built without it.
 */
__attribute__((__weak__))
long hvm_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    (void)cmd; (void)arg;
    return -ENOSYS;
}

#ifdef CONFIG_GRANT_TABLE
__attribute__((__weak__))
long hvm_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    (void)cmd; (void)uop; (void)count;
    return -ENOSYS;
}
#endif

long hvm_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    (void)cmd; (void)arg;
    return -ENOSYS;             /* ROADMAP 5: x86 physdev ops for HVM */
}

long do_set_timer_op(s_time_t timeout)
{
    (void)timeout;
    return -ENOSYS;             /* ROADMAP 5: x86 timers */
}

long do_xenpmu_op(unsigned int op, XEN_GUEST_HANDLE_PARAM(xen_pmu_params_t) arg)
{
    (void)op; (void)arg;
    return -ENOSYS;             /* vPMU: not planned */
}

long do_paging_domctl_cont(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u_domctl)
{
    (void)u_domctl;
    return -ENOSYS;             /* ROADMAP 5: x86 paging domctl continuations */
}

#endif /* CONFIG_X86 && CONFIG_HVM */

#ifdef CONFIG_COMPAT
int compat_platform_op(XEN_GUEST_HANDLE_PARAM(compat_platform_op_t) u_xenpf_op)
{
    (void)u_xenpf_op;
    return -ENOSYS;             /* ROADMAP 5: compat translation */
}

__attribute__((__weak__))
int compat_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_compat_t) call_list,
                     uint32_t nr_calls)
{
    (void)call_list; (void)nr_calls;
    return -ENOSYS;             /* see do_multicall above */
}

int compat_set_timer_op(uint32_t lo, int32_t hi)
{
    (void)lo; (void)hi;
    return -ENOSYS;             /* ROADMAP 5: x86 timers */
}

int compat_xsm_op(XEN_GUEST_HANDLE_PARAM(void) op)
{
    (void)op;
    return -ENOSYS;             /* ROADMAP 6: XSM */
}

#ifdef CONFIG_ARGO
int compat_argo_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg1,
                   XEN_GUEST_HANDLE_PARAM(void) arg2, unsigned long arg3, unsigned long arg4)
{
    (void)cmd; (void)arg1; (void)arg2; (void)arg3; (void)arg4;
    return -ENOSYS;             /* Argo: not planned */
}
#endif

#ifdef CONFIG_IOREQ_SERVER
int compat_dm_op(domid_t domid, unsigned int nr_bufs, XEN_GUEST_HANDLE_PARAM(void) bufs)
{
    (void)domid; (void)nr_bufs; (void)bufs;
    return -ENOSYS;             /* device-model ops: not planned yet */
}
#endif
#endif /* CONFIG_COMPAT */
