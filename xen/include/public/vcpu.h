/* SPDX-License-Identifier: MIT */
/*
 * vcpu.h - the vcpu_op hypercall: bringing vCPUs up and down, their
 * timers, and where their shared state lives in guest memory.
 *
 * Written for this project from the published Xen 4.17 ABI: command
 * numbers, structure tags, member names and layouts are fixed by that
 * ABI, the text is our own.
 *
 * Hypercall: vcpu_op(int cmd, unsigned int vcpuid, void *arg).
 */

#ifndef XEN_PUBLIC_VCPU_H
#define XEN_PUBLIC_VCPU_H

#include "xen.h"

/*
 * Set the initial state of a vCPU that has not run yet.
 * arg: vcpu_guest_context (PV) or vcpu_hvm_context (x86 HVM).
 */
#define VCPUOP_initialise            0

/* Start an initialised vCPU.  arg: NULL. */
#define VCPUOP_up                    1

/* Stop a vCPU; it can be brought up again with VCPUOP_up.  arg: NULL. */
#define VCPUOP_down                  2

/* 1 if the vCPU is up, else 0.  arg: NULL. */
#define VCPUOP_is_up                 3

/* Read the vCPU's run-state accounting.  arg: struct vcpu_runstate_info. */
#define VCPUOP_get_runstate_info     4
struct vcpu_runstate_info {
    int state;                          /* RUNSTATE_* */
    uint64_t state_entry_time;          /* system time of the last change */
    /*
     * Set in state_entry_time while the hypervisor updates a registered
     * copy (with VMASST_TYPE_runstate_update_flag enabled).
     */
#define XEN_RUNSTATE_UPDATE          (xen_mk_ullong(1) << 63)
    uint64_t time[4];                   /* ns spent in each state */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);

#define RUNSTATE_running  0             /* on a physical CPU */
#define RUNSTATE_runnable 1             /* waiting for a physical CPU */
#define RUNSTATE_blocked  2             /* waiting for an event */
#define RUNSTATE_offline  3             /* down, or otherwise not runnable */

/*
 * Have the hypervisor keep a copy of the run-state information at a
 * guest address, refreshed whenever the vCPU is scheduled.  The address
 * is virtual for PV guests and used by HVM guests as is.
 * arg: struct vcpu_register_runstate_memory_area.
 */
#define VCPUOP_register_runstate_memory_area 5
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        struct vcpu_runstate_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_runstate_memory_area_t);

/* Periodic timer raising VIRQ_TIMER.  arg: struct vcpu_set_periodic_timer / NULL. */
#define VCPUOP_set_periodic_timer    6
#define VCPUOP_stop_periodic_timer   7
struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_periodic_timer_t);

/* One-shot timer raising VIRQ_TIMER.  arg: struct vcpu_set_singleshot_timer / NULL. */
#define VCPUOP_set_singleshot_timer  8
#define VCPUOP_stop_singleshot_timer 9
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;            /* system time of expiry */
    uint32_t flags;                     /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_singleshot_timer_t);

/* Fail with -ETIME if the timeout already passed (may be ignored). */
#define _VCPU_SSHOTTMR_future (0)
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future)

/*
 * Move this vCPU's vcpu_info out of shared_info to offset within guest
 * frame mfn.  Once only per vCPU; needed for vCPUs beyond
 * XEN_LEGACY_MAX_VCPUS.  arg: struct vcpu_register_vcpu_info.
 */
#define VCPUOP_register_vcpu_info   10
struct vcpu_register_vcpu_info {
    uint64_t mfn;                       /* frame holding the vcpu_info */
    uint32_t offset;                    /* its offset in the frame */
    uint32_t rsvd;                      /* zero */
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_vcpu_info_t);

/* Raise an NMI on the vCPU.  arg: NULL. */
#define VCPUOP_send_nmi             11

/*
 * The physical CPU identifiers of the vCPU (control domain with pinned
 * vCPUs only).  arg: struct vcpu_get_physid.
 */
#define VCPUOP_get_physid           12
struct vcpu_get_physid {
    uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_get_physid_t);
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

/*
 * Keep a second copy of the vCPU's vcpu_time_info at a guest address
 * (e.g. for a user-space clock).  Same address rules as the run-state
 * area.  arg: struct vcpu_register_time_memory_area.
 */
#define VCPUOP_register_vcpu_time_memory_area   13
DEFINE_XEN_GUEST_HANDLE(vcpu_time_info_t);
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        struct vcpu_time_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_time_memory_area_t);

#endif /* XEN_PUBLIC_VCPU_H */
