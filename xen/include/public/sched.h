/* SPDX-License-Identifier: MIT */
/*
 * sched.h - the sched_op hypercall: yielding, blocking, shutting down
 * and polling event channels.
 *
 * Written for this project from the published Xen 4.17 ABI: command
 * numbers, structure tags, member names and layouts are fixed by that
 * ABI, the text is our own.
 *
 * Hypercall: sched_op(int cmd, void *arg).  The older sched_op_compat
 * (number 6) took an unsigned long instead of a pointer for shutdown.
 */

#ifndef XEN_PUBLIC_SCHED_H
#define XEN_PUBLIC_SCHED_H

#include "event_channel.h"

/* Give up the CPU but stay runnable.  arg: NULL. */
#define SCHEDOP_yield       0

/*
 * Sleep until an event is pending for this vCPU.  Also clears the
 * vCPU's upcall mask, so no wakeup is lost.  arg: NULL.
 */
#define SCHEDOP_block       1

/* Stop the whole domain.  arg: struct sched_shutdown. */
#define SCHEDOP_shutdown    2

/*
 * Sleep until one of the given ports is pending or the absolute system
 * time timeout (0 = none) passes.  arg: struct sched_poll.
 */
#define SCHEDOP_poll        3

/* Stop another domain (privileged).  arg: struct sched_remote_shutdown. */
#define SCHEDOP_remote_shutdown        4

/*
 * Record the reason the domain will shut down with, without shutting it
 * down yet (used before a crash dump, say).  arg: struct sched_shutdown.
 */
#define SCHEDOP_shutdown_code 5

/*
 * Arm (id 0 = new) or disarm (timeout 0) a watchdog that shuts the domain
 * down with SHUTDOWN_watchdog unless re-armed within timeout seconds.
 * Returns the id of a new watchdog.  arg: struct sched_watchdog.
 */
#define SCHEDOP_watchdog    6

/*
 * Temporarily pin the calling vCPU to a physical CPU (control domain,
 * e.g. for firmware calls); pcpu < 0 removes the pin.
 * arg: struct sched_pin_override.
 */
#define SCHEDOP_pin_override 7

struct sched_shutdown {
    unsigned int reason;                /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_shutdown_t);

struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;
    unsigned int nr_ports;
    uint64_t timeout;
};
typedef struct sched_poll sched_poll_t;
DEFINE_XEN_GUEST_HANDLE(sched_poll_t);

struct sched_remote_shutdown {
    domid_t domain_id;
    unsigned int reason;                /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_remote_shutdown_t);

struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;                   /* seconds */
};
typedef struct sched_watchdog sched_watchdog_t;
DEFINE_XEN_GUEST_HANDLE(sched_watchdog_t);

struct sched_pin_override {
    int32_t pcpu;
};
typedef struct sched_pin_override sched_pin_override_t;
DEFINE_XEN_GUEST_HANDLE(sched_pin_override_t);

/* Shutdown reasons, reported to the toolstack. */
#define SHUTDOWN_poweroff   0           /* clean exit: destroy */
#define SHUTDOWN_reboot     1           /* destroy and start again */
#define SHUTDOWN_suspend    2           /* state saved, may be resumed */
#define SHUTDOWN_crash      3           /* the guest crashed */
#define SHUTDOWN_watchdog   4           /* a watchdog expired */
/* Reset the domain in place (e.g. kexec) without destroying it. */
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX        5           /* highest valid reason */

#endif /* XEN_PUBLIC_SCHED_H */
