/*
 * Event channels: the internal interface.
 *
 * An event channel is a port number in a domain.  Ports are bound to a
 * source (another domain's port, a virtual IRQ, a physical IRQ, a vCPU of
 * the same domain) and raising them marks the port pending in the guest's
 * memory and, if the guest has not masked it, notifies one of its vCPUs
 * through the upcall (on Arm the PPI the device tree's /hypervisor node
 * names, on x86 the HVM callback).  How "pending" and "masked" look in
 * guest memory is the port ABI, chosen by the guest: the 2-level bitmaps of
 * shared_info (event_2l.c) or the FIFO event words and queues
 * (event_fifo.c, after EVTCHNOP_init_control).  docs/event-channels.md has
 * the whole story.
 *
 * Storage: struct evtchn objects live in buckets of EVTCHN_BUCKET_PORTS,
 * allocated when a port in them is first needed, found through groups of
 * bucket pointers (also allocated on demand); ports below
 * d->valid_evtchns have storage, and storage is never freed before the
 * domain is.
 *
 * Locking (outermost first):
 *   d->event_lock      port allocation, binding, closing, ABI switches
 *                      (hypercall context only; two domains' locks are
 *                      taken in address order);
 *   chn->lock          a small reader/writer lock: state changes take it
 *                      for writing (with event_lock held), raising and
 *                      unmasking for reading; interrupt context only ever
 *                      tries it (evtchn_read_trylock());
 *   v->virq_lock       the vCPU's VIRQ -> port table (IRQs masked);
 *   FIFO queue locks   (IRQs masked), then the arch's upcall delivery.
 * Nothing here calls put_domain() with any of these held.
 */
#ifndef XEN_EVENT_H
#define XEN_EVENT_H

#include <xen/types.h>
#include <xen/atomic.h>
#include <xen/spinlock.h>
#include <xen/sched.h>
#include <public/event_channel.h>

/* ------------------------------------------------------------ limits */

#define EVTCHN_BUCKET_PORTS     64u
#define EVTCHN_GROUP_BUCKETS    64u
#define EVTCHN_GROUP_PORTS      (EVTCHN_BUCKET_PORTS * EVTCHN_GROUP_BUCKETS)
#define EVTCHN_MAX_PORTS        ((unsigned int)EVTCHN_FIFO_NR_CHANNELS)   /* 2^17 */
#define EVTCHN_NR_GROUPS        (EVTCHN_MAX_PORTS / EVTCHN_GROUP_PORTS)

/* Ports of the 2-level ABI: one bit per port in a word per bit of a word. */
#define EVTCHN_2L_WORD_BITS     ((unsigned int)(sizeof(xen_ulong_t) * 8))
#define EVTCHN_2L_PORTS         (EVTCHN_2L_WORD_BITS * EVTCHN_2L_WORD_BITS)

/* Physical IRQs a domain may bind (Xen on Arm: NR_IRQS). */
#define EVTCHN_NR_PIRQS         1024u

/* ------------------------------------------------------------ channels */

enum evtchn_state {
    ECS_FREE = 0,           /* available */
    ECS_RESERVED,           /* port 0: never handed out */
    ECS_UNBOUND,            /* waiting for a remote domain to bind */
    ECS_INTERDOMAIN,        /* connected to a port of a (maybe the same) domain */
    ECS_PIRQ,               /* a physical IRQ */
    ECS_VIRQ,               /* a virtual IRQ */
    ECS_IPI,                /* raised by the domain itself */
};

/* Reader/writer lock word of a channel: readers count up, one writer bit. */
#define EVTCHN_LOCK_WRITER      0x80000000u

struct evtchn {
    uint32_t lock;              /* see evtchn_read_lock() & co. */
    uint32_t port;
    uint8_t state;              /* enum evtchn_state */
    uint8_t priority;           /* FIFO: queue for its next linking */
    bool pending;               /* FIFO: raised while it had no event word yet */
    uint8_t fifo_linking;       /* FIFO: one raise at a time (fifo_lastq is its) */
    uint16_t notify_vcpu_id;    /* vCPU notified (0 when free) */
    uint16_t _pad2;
    uint32_t fifo_lastq;        /* FIFO: queue last linked on, EVTCHN_LASTQ() */
    union {
        struct {
            domid_t remote_domid;       /* who may bind */
        } unbound;
        struct {
            struct domain *remote_dom;
            evtchn_port_t remote_port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};

/* FIFO: the queue a port was last linked on, packed in one word. */
#define EVTCHN_LASTQ(vcpu, prio)    (((uint32_t)(vcpu) << 8) | (prio))
#define EVTCHN_LASTQ_VCPU(q)        ((q) >> 8)
#define EVTCHN_LASTQ_PRIO(q)        ((q) & 0xffu)

static inline void evtchn_read_lock(struct evtchn *chn)
{
    for (;;) {
        uint32_t v = __atomic_load_n(&chn->lock, __ATOMIC_RELAXED);

        if (!(v & EVTCHN_LOCK_WRITER) &&
            __atomic_compare_exchange_n(&chn->lock, &v, v + 1, false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
        arch_cpu_relax();
    }
}

/* Fails only while a writer holds (or waits for) the lock. */
static inline bool evtchn_read_trylock(struct evtchn *chn)
{
    uint32_t v = __atomic_load_n(&chn->lock, __ATOMIC_RELAXED);

    while (!(v & EVTCHN_LOCK_WRITER))
        if (__atomic_compare_exchange_n(&chn->lock, &v, v + 1, false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return true;
    return false;
}

static inline void evtchn_read_unlock(struct evtchn *chn)
{
    __atomic_fetch_sub(&chn->lock, 1, __ATOMIC_RELEASE);
}

/*
 * Writers hold their domain's event_lock, so there is at most one per
 * channel: it announces itself (new readers wait) and waits for the
 * readers already in to leave.
 */
static inline void evtchn_write_lock(struct evtchn *chn)
{
    __atomic_fetch_or(&chn->lock, EVTCHN_LOCK_WRITER, __ATOMIC_RELAXED);
    while (__atomic_load_n(&chn->lock, __ATOMIC_ACQUIRE) != EVTCHN_LOCK_WRITER)
        arch_cpu_relax();
}

static inline void evtchn_write_unlock(struct evtchn *chn)
{
    __atomic_fetch_and(&chn->lock, ~EVTCHN_LOCK_WRITER, __ATOMIC_RELEASE);
}

/* Has port p storage (it may still be free)? */
static inline bool port_is_valid(const struct domain *d, evtchn_port_t p)
{
    /* Acquire: the bucket's contents before we look into it. */
    return p < __atomic_load_n(&d->valid_evtchns, __ATOMIC_ACQUIRE);
}

/* Only for ports that passed port_is_valid(). */
static inline struct evtchn *evtchn_from_port(const struct domain *d, evtchn_port_t p)
{
    struct evtchn **group = d->evtchn_group[p / EVTCHN_GROUP_PORTS];

    return &group[(p % EVTCHN_GROUP_PORTS) / EVTCHN_BUCKET_PORTS][p % EVTCHN_BUCKET_PORTS];
}

/* Bound to something a guest may raise, unmask, poll (not free, not port 0). */
static inline bool evtchn_usable(const struct evtchn *chn)
{
    return read_atomic(&chn->state) > ECS_RESERVED;
}

/* ------------------------------------------------------------ port ABIs */

/*
 * What a port ABI does with guest memory.  Called with something held that
 * keeps the channel's state from changing: its lock (either way) or its
 * domain's event_lock.  set_pending's vcpu may be NULL (the notified vCPU
 * does not exist): the port is then only marked pending.
 */
struct evtchn_port_ops {
    const char *name;
    void (*init)(struct domain *d, struct evtchn *chn);             /* on binding */
    void (*set_pending)(struct domain *d, struct vcpu *v, struct evtchn *chn);
    void (*clear_pending)(struct domain *d, struct evtchn *chn);
    void (*unmask)(struct domain *d, struct evtchn *chn);           /* EVTCHNOP_unmask */
    bool (*is_pending)(const struct domain *d, const struct evtchn *chn);
    bool (*is_masked)(const struct domain *d, const struct evtchn *chn);
    /* Still linked in a guest queue after being closed: not reusable yet (may be NULL). */
    bool (*is_busy)(const struct domain *d, const struct evtchn *chn);
    /* NULL: the ABI has no priorities (-ENOSYS). */
    int (*set_priority)(struct domain *d, struct evtchn *chn, unsigned int priority);
    unsigned int (*max_ports)(const struct domain *d);
};

extern const struct evtchn_port_ops evtchn_port_ops_2l;
/* Clear every 2-level pending bit and every vCPU's selector, in d's layout. */
void evtchn_2l_clear_all(struct domain *d);
extern const struct evtchn_port_ops evtchn_port_ops_fifo;

/* FIFO state (event_fifo.c). */
struct evtchn_fifo_queue {
    spinlock_t lock;
    uint32_t *head;             /* in the control block (NULL until it is mapped) */
    uint32_t tail;              /* last port linked here, 0 for none */
    uint8_t priority;
};

struct evtchn_fifo_vcpu {
    struct evtchn_fifo_control_block *control_block;   /* NULL until init_control */
    mfn_t control_mfn;
    struct evtchn_fifo_queue queue[EVTCHN_FIFO_MAX_QUEUES];
};

#define EVTCHN_FIFO_WORDS_PER_PAGE  ((unsigned int)(PAGE_SIZE / sizeof(event_word_t)))
#define EVTCHN_FIFO_MAX_PAGES       (EVTCHN_MAX_PORTS / EVTCHN_FIFO_WORDS_PER_PAGE)

struct evtchn_fifo_domain {
    event_word_t *array[EVTCHN_FIFO_MAX_PAGES];     /* mapped guest pages */
    mfn_t array_mfn[EVTCHN_FIFO_MAX_PAGES];
    unsigned int nr_words;                          /* ports that have an event word */
};

/* FIFO entry points (event_fifo.c), called by event_channel.c with d->event_lock held. */
int evtchn_fifo_init_control(struct domain *d, struct vcpu *v, uint64_t gfn, uint32_t offset);
int evtchn_fifo_expand_array(struct domain *d, uint64_t gfn);
void evtchn_fifo_destroy(struct domain *d);     /* unmap everything, back to no FIFO state */
int evtchn_fifo_vcpu_init(struct vcpu *v);
void evtchn_fifo_vcpu_destroy(struct vcpu *v);

/* Statistics the host tests look at: events FIFO had to give up on (only a hostile guest). */
extern unsigned long evtchn_fifo_dropped;

/* ------------------------------------------------------------ the rest of the hypervisor */

/* Per domain, from domain_create(); max_port is config->max_evtchn_port. */
int evtchn_init(struct domain *d, unsigned int max_port);
/* Close every port (domain_kill(), domain destruction); idempotent.  d must be dying. */
void evtchn_destroy(struct domain *d);
/* Free the storage (last thing before the domain is freed). */
void evtchn_destroy_final(struct domain *d);
/* Per vCPU, from vcpu_create() / its undoing. */
int evtchn_vcpu_init(struct vcpu *v);
void evtchn_vcpu_destroy(struct vcpu *v);

/* Raise a per-vCPU VIRQ (VIRQ_TIMER, ...) on v if it is bound there. */
void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq);
/* Raise a global VIRQ in d, if d bound it. */
void send_guest_global_virq(struct domain *d, uint32_t virq);
/* Raise a global VIRQ (VIRQ_CONSOLE, VIRQ_DOM_EXC) in whichever domain handles it. */
void send_global_virq(uint32_t virq);
/* Make d the handler of a global VIRQ (default: the hardware domain). */
int set_global_virq_handler(struct domain *d, uint32_t virq);
/* Raise the port a physical IRQ of d is bound to. */
void send_guest_pirq(struct domain *d, unsigned int pirq);

/* EVTCHNOP_send on port of d. */
int evtchn_send(struct domain *d, evtchn_port_t port);
/* EVTCHNOP_reset on d (resuming a preempted one or not); -ERESTART when preempted. */
int evtchn_reset(struct domain *d, bool resuming);

/* 1 if pending, 0 if not, -EINVAL for a port that is not bound. */
int evtchn_port_poll(struct domain *d, evtchn_port_t port);

/* SCHEDOP_poll for the current vCPU (ports: guest array of nr_ports port numbers). */
long evtchn_sched_poll(uint64_t ports_va, unsigned int nr_ports, uint64_t timeout);

/* Some poller of d may wait for port: wake it. */
void evtchn_check_pollers(struct domain *d, evtchn_port_t port);

/*
 * Set v's evtchn_upcall_pending; if it was clear, deliver the upcall
 * (arch_evtchn_upcall()).  Also after moving a vcpu_info.
 */
void vcpu_mark_events_pending(struct vcpu *v);

/*
 * Creation flags for domain 0 from the hypervisor command line:
 * dom0_evtchn_fifo=0 hides the FIFO ABI, dom0_evtchn_upcall_vector=0 the
 * x86 per-vCPU upcall vector (XEN_DOMCTL_CDF_no_* in public/domctl.h).
 */
uint32_t evtchn_dom0_cdf(const char *cmdline);

/* May d use the FIFO ABI (init_control, expand_array, set_priority)? */
static inline bool evtchn_fifo_offered(const struct domain *d)
{
    return !(d->cdf & XEN_DOMCTL_CDF_no_evtchn_fifo);
}

/* May d use HVMOP_set_evtchn_upcall_vector (x86)?  Its handler must ask. */
static inline bool evtchn_upcall_vector_offered(const struct domain *d)
{
    return !(d->cdf & XEN_DOMCTL_CDF_no_upcall_vector);
}

/* ------------------------------------------------------------ arch hooks */

/*
 * Each has a weak default (event_channel.c; sched_op.c for the last one)
 * that an architecture may replace (xen/arch/arm/evtchn.c replaces all).
 *
 * arch_evtchn_upcall(): v's evtchn_upcall_pending just went from 0 to 1
 * (or its vcpu_info moved): make the guest take its upcall.  Default:
 * wake v and kick it (the x86 HVM entry path injects the callback vector
 * while the flag is set).  Any context, IRQs may be masked.
 *
 * arch_vcpu_has_pending_events(): should v stop blocking (SCHEDOP_block,
 * WFI)?  Default: evtchn_upcall_pending.
 *
 * arch_local_events_need_delivery(): would the current vCPU take an
 * upcall right now (SCHEDOP_poll returns at once)?  Default: as above,
 * unless the x86 upcall mask is set.
 *
 * arch_local_event_delivery_enable(): SCHEDOP_block re-enables event
 * delivery for the caller.  Default: nothing (sched_op.c clears the x86
 * upcall mask itself); Arm unmasks IRQs in the saved PSTATE, as Xen.
 */
void arch_evtchn_upcall(struct vcpu *v);
bool arch_vcpu_has_pending_events(struct vcpu *v);
bool arch_local_events_need_delivery(struct vcpu *v);
void arch_local_event_delivery_enable(struct vcpu *v);

/*
 * EVTCHNOP_bind_pirq, once the port is claimed: may d bind this physical
 * IRQ?  0 or an errno.  Default 0 (x86 HVM: binding always works); Arm has
 * no physical IRQs to hand out and says -ENOMEM, as Xen 4.17 does.
 */
int arch_evtchn_bind_pirq(struct domain *d, unsigned int pirq);

#endif /* XEN_EVENT_H */
