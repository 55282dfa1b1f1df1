/*
 * The structures 32-bit x86 guests pass to handlers that serve them
 * natively, without translation.  compat/xlat.h asserts, for each
 * `same` entry of compat-xlat.lst, that its i386 layout is the native
 * one; this file makes the build depend on every entry those handlers
 * rely on, so dropping one from the list (or a header change that makes
 * it differ) is a compile error here rather than a guest-visible bug.
 */
#include <xen/compiler.h>
#include <compat/xlat.h>

/* event_channel_op: every sub-op (event_channel.c). */
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_alloc_unbound);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_bind_interdomain);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_bind_virq);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_bind_pirq);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_bind_ipi);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_close);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_send);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_status);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_bind_vcpu);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_unmask);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_reset);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_init_control);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_expand_array);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_set_priority);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_evtchn_fifo_control_block);

/* sched_op: everything but sched_poll (sched_op.c reads that one itself). */
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_sched_shutdown);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_sched_remote_shutdown);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_sched_pin_override);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_sched_watchdog);

/* vcpu_op: the sub-ops vcpu_op.c reads with the native structure. */
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_vcpu_register_vcpu_info);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_vcpu_set_periodic_timer);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_vcpu_time_info);

/* hvm_op: parameters and the upcall vector (hvm_param.c, arch/x86/hvm.c). */
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_hvm_param);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_hvm_evtchn_upcall_vector);
