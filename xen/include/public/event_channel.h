/* SPDX-License-Identifier: MIT */
/*
 * event_channel.h - event channels: the hypervisor's notification
 * mechanism between domains, from virtual and physical IRQs, and between
 * vCPUs of one domain.
 *
 * Written for this project from the published Xen 4.17 ABI: operation
 * numbers, structure tags, member names and layouts are fixed by that ABI,
 * the text is our own.
 *
 * Hypercall: event_channel_op(int cmd, void *arg), arg being the structure
 * named after the command.  Every structure has the same layout for 32-
 * and 64-bit guests.
 */

#ifndef XEN_PUBLIC_EVENT_CHANNEL_H
#define XEN_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_bind_pirq        2
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset           10
#define EVTCHNOP_init_control    11
#define EVTCHNOP_expand_array    12
#define EVTCHNOP_set_priority    13
#ifdef __XEN__
/* Continuation of a preempted reset; never accepted from guests. */
#define EVTCHNOP_reset_cont      14
#endif

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/*
 * EVTCHNOP_alloc_unbound: allocate a port in domain dom that remote_dom
 * may later connect to.  Only privileged callers may name another dom.
 */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom;            /* in */
    evtchn_port_t port;                 /* out */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/*
 * EVTCHNOP_bind_interdomain: connect a new local port to an unbound port
 * of remote_dom that was allocated for us (or for DOMID_SELF).
 */
struct evtchn_bind_interdomain {
    domid_t remote_dom;                 /* in */
    evtchn_port_t remote_port;          /* in */
    evtchn_port_t local_port;           /* out */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

/*
 * EVTCHNOP_bind_virq: deliver virq to a new port on vcpu.  Per-vCPU
 * VIRQs can be bound once per vCPU, global ones only with vcpu 0.
 */
struct evtchn_bind_virq {
    uint32_t virq;                      /* in: VIRQ_* */
    uint32_t vcpu;                      /* in */
    evtchn_port_t port;                 /* out */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

/* EVTCHNOP_bind_pirq: deliver a physical IRQ (privileged domains). */
struct evtchn_bind_pirq {
    uint32_t pirq;                      /* in */
#define BIND_PIRQ__WILL_SHARE 1         /* the line may be shared */
    uint32_t flags;                     /* in: BIND_PIRQ__* */
    evtchn_port_t port;                 /* out */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

/* EVTCHNOP_bind_ipi: a port for notifying vcpu of the caller's domain. */
struct evtchn_bind_ipi {
    uint32_t vcpu;                      /* in */
    evtchn_port_t port;                 /* out */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

/* EVTCHNOP_close: free a port; an interdomain peer becomes unbound. */
struct evtchn_close {
    evtchn_port_t port;                 /* in */
};
typedef struct evtchn_close evtchn_close_t;

/* EVTCHNOP_send: raise the other end of an interdomain or IPI port. */
struct evtchn_send {
    evtchn_port_t port;                 /* in */
};
typedef struct evtchn_send evtchn_send_t;

/* EVTCHNOP_status: what a port of dom (DOMID_SELF or, if privileged, any) is bound to. */
struct evtchn_status {
    domid_t dom;                        /* in */
    evtchn_port_t port;                 /* in */
#define EVTCHNSTAT_closed       0       /* free */
#define EVTCHNSTAT_unbound      1       /* waiting for a peer */
#define EVTCHNSTAT_interdomain  2       /* connected to another domain */
#define EVTCHNSTAT_pirq         3       /* physical IRQ */
#define EVTCHNSTAT_virq         4       /* virtual IRQ */
#define EVTCHNSTAT_ipi          5       /* intra-domain notification */
    uint32_t status;                    /* out: EVTCHNSTAT_* */
    uint32_t vcpu;                      /* out: vCPU notified */
    union {
        struct {
            domid_t dom;                /* allowed peer */
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;                                /* out, by status */
};
typedef struct evtchn_status evtchn_status_t;

/*
 * EVTCHNOP_bind_vcpu: notify another vCPU from now on.  Allowed for
 * interdomain, unbound, physical-IRQ and global virtual-IRQ ports.
 */
struct evtchn_bind_vcpu {
    evtchn_port_t port;                 /* in */
    uint32_t vcpu;                      /* in */
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

/* EVTCHNOP_unmask: clear the mask and re-raise the upcall if pending. */
struct evtchn_unmask {
    evtchn_port_t port;                 /* in */
};
typedef struct evtchn_unmask evtchn_unmask_t;

/*
 * EVTCHNOP_reset: close every port of dom and go back to the 2-level
 * ABI (DOMID_SELF, or any domain for a privileged caller).
 */
struct evtchn_reset {
    domid_t dom;                        /* in */
};
typedef struct evtchn_reset evtchn_reset_t;

/*
 * EVTCHNOP_init_control: switch to the FIFO ABI by registering vcpu's
 * control block, at offset within guest frame control_gfn.  The first
 * call switches the domain; each vCPU then needs its own call.
 */
struct evtchn_init_control {
    uint64_t control_gfn;               /* in */
    uint32_t offset;                    /* in: 8-byte aligned, block fits the page */
    uint32_t vcpu;                      /* in */
    uint8_t link_bits;                  /* out: EVTCHN_FIFO_LINK_BITS */
    uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

/* EVTCHNOP_expand_array: add one page of event words (FIFO ABI). */
struct evtchn_expand_array {
    uint64_t array_gfn;                 /* in */
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

/* EVTCHNOP_set_priority: move a port to another queue (FIFO ABI). */
struct evtchn_set_priority {
    evtchn_port_t port;                 /* in */
    uint32_t priority;                  /* in: EVTCHN_FIFO_PRIORITY_MAX..MIN */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/*
 * Argument of the old event_channel_op_compat hypercall (number 16):
 * the command followed by its argument.
 */
struct evtchn_op {
    uint32_t cmd;                       /* EVTCHNOP_* */
    union {
        evtchn_alloc_unbound_t alloc_unbound;
        evtchn_bind_interdomain_t bind_interdomain;
        evtchn_bind_virq_t bind_virq;
        evtchn_bind_pirq_t bind_pirq;
        evtchn_bind_ipi_t bind_ipi;
        evtchn_close_t close;
        evtchn_send_t send;
        evtchn_status_t status;
        evtchn_bind_vcpu_t bind_vcpu;
        evtchn_unmask_t unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_op_t);

/*
 * 2-level ABI: one pending and one mask bit per port in shared_info, so
 * as many ports as bits in a word, squared.
 */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/*
 * FIFO ABI.  Each port has a 32-bit event word in the guest's event
 * array pages; pending events are linked into per-vCPU queues, one per
 * priority, whose heads live in the vCPU's control block.
 */

/* Priority 0 is served first; new ports get the default. */
#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15

#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)

typedef uint32_t event_word_t;

/* Bit numbers in an event word. */
#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED  30
#define EVTCHN_FIFO_LINKED  29          /* on a queue */
#define EVTCHN_FIFO_BUSY    28          /* hypervisor is relinking it */

/* The low bits hold the next port of the queue. */
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)

#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

struct evtchn_fifo_control_block {
    uint32_t ready;                     /* bit per non-empty queue */
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];  /* first port of each queue */
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;

#endif /* XEN_PUBLIC_EVENT_CHANNEL_H */
