/*
 * Domains and vCPUs, and the scheduler that runs vCPUs on physical CPUs.
 *
 * This header is the contract between common code, the scheduler
 * (xen/common/sched/) and each architecture.  Architecture state hangs off
 * opaque pointers (struct arch_domain / struct arch_vcpu, defined and
 * allocated by the arch), so common code never needs asm/ headers.
 *
 * Execution model: one hypervisor stack per physical CPU.  A guest trap
 * saves the guest's registers in the current vCPU's arch frame; the handler
 * runs; pending softirqs (SCHEDULE_SOFTIRQ among them) run on the way out;
 * then the arch exit path resumes whatever vCPU is current *now*: a guest
 * vCPU is entered with its saved frame, the idle vCPU restarts idle_loop()
 * on a fresh stack.  schedule() therefore never switches stacks: it picks the
 * next vCPU, makes it current and calls arch_context_switch().
 */
#ifndef XEN_SCHED_H
#define XEN_SCHED_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/spinlock.h>
#include <xen/atomic.h>
#include <xen/list.h>
#include <xen/timer.h>
#include <xen/percpu.h>
#include <xen/smp.h>
#include <public/xen.h>
#include <public/vcpu.h>
#include <public/domctl.h>
#include <public/hvm/params.h>

struct arch_domain;
struct arch_vcpu;
struct evtchn;
struct evtchn_port_ops;
struct evtchn_fifo_vcpu;
struct evtchn_fifo_domain;
struct grant_table;

/* Event-channel storage: groups of ports (see xen/event.h). */
#define EVTCHN_GROUPS   32

/* ------------------------------------------------------------ vCPU */

/* pause_flags bits: reasons a vCPU may not run, besides pause_count. */
#define VPF_BLOCKED   0     /* blocked waiting for an event (SCHEDOP_block) */
#define VPF_DOWN      1     /* not brought up yet / VCPUOP_down / PSCI CPU_OFF */

struct vcpu {
    unsigned int vcpu_id;
    unsigned int processor;         /* pCPU it runs on or last ran on */
    struct domain *domain;

    unsigned long pause_flags;      /* VPF_* (atomic bit ops) */
    atomic_t pause_count;           /* domain/vcpu pause nesting */
    bool is_running;                /* its state is loaded on `processor` */

    /* Accounting, in the public layout guests can map (VCPUOP_register_runstate_*). */
    struct vcpu_runstate_info runstate;

    /* Where the guest registered its vcpu_info (VCPUOP_register_vcpu_info), else in shared_info. */
    struct vcpu_info *vcpu_info;
    mfn_t vcpu_info_mfn;            /* INVALID_MFN while in shared_info */

    struct timer singleshot_timer;  /* VCPUOP_set_singleshot_timer / SCHEDOP_block deadline */

    void *sched_priv;               /* the scheduler's per-vCPU data */
    struct arch_vcpu *arch;         /* registers, system state: the arch's */

    bool paused_for_shutdown;       /* holds a pause reference for domain_shutdown() */

    /* Event channels (xen/common/event_channel.c, xen/include/xen/event.h). */
    spinlock_t virq_lock;           /* virq_to_evtchn[] against VIRQ senders */
    uint32_t virq_to_evtchn[NR_VIRQS];  /* port bound to each VIRQ here, 0 = none */
    int poll_evtchn;                /* SCHEDOP_poll: 0 none, -1 any, else the one port */
    struct timer poll_timer;        /* SCHEDOP_poll timeout */
    struct evtchn_fifo_vcpu *evtchn_fifo;   /* FIFO queues and control block */

    /* Toolstack control (xen/common/domctl.c). */
    bool is_initialised;            /* given a register state (setvcpucontext) */
    cpumask_t cpu_hard_affinity;    /* XEN_DOMCTL_setvcpuaffinity; all CPUs at creation */
    cpumask_t cpu_soft_affinity;    /* (recorded and reported; credit.c does not use them yet) */
};

/* ------------------------------------------------------------ domain */

/*
 * I/O resources the toolstack granted a domain (XEN_DOMCTL_iomem_permission,
 * XEN_DOMCTL_irq_permission): sorted, disjoint, inclusive ranges.  The
 * hardware domain implicitly has everything.
 */
#define IOCAP_MAX_RANGES 16
struct iocap_set {
    unsigned int nr;
    struct { uint64_t s, e; } r[IOCAP_MAX_RANGES];
};

/* May d use machine frames s..e / physical IRQ irq (domctl.c)? */
bool iomem_access_permitted(struct domain *d, uint64_t s, uint64_t e);
bool irq_access_permitted(struct domain *d, unsigned int irq);

struct domain {
    domid_t domain_id;
    xen_domain_handle_t handle;     /* toolstack UUID */
    uint32_t ssidref;
    uint32_t cdf;                   /* XEN_DOMCTL_CDF_* it was created with */

    spinlock_t lock;
    atomic_t refcnt;                /* get_domain()/put_domain() */
    struct list_node domain_list;   /* on the global list, by domid */

    bool is_privileged;             /* the control domain */
    bool is_dying;                  /* being destroyed: refuse new references */
    bool is_shutting_down;
    bool is_shut_down;
    unsigned int shutdown_code;     /* SHUTDOWN_* */
    atomic_t pause_count;

    unsigned int max_vcpus;
    struct vcpu **vcpu;             /* [max_vcpus], NULL where not created */

    /* Memory: pages owned by the domain (page_info list), and its limits. */
    spinlock_t page_alloc_lock;
    struct list_node page_list; 
    unsigned long tot_pages;
    unsigned long max_pages;

    struct shared_info *shared_info;
    mfn_t shared_info_mfn;
    /*
     * x86: shared_info and vcpu_info are read in the 32-bit guest layout
     * (2-level words and selector of 32 bits).  Latched, as Xen does, by
     * the domain's own hypercall-page MSR write or HVM_PARAM_CALLBACK_IRQ,
     * from the mode its vCPU is in then.  Always false on Arm.
     */
    bool shinfo_32bit;

    uint64_t hvm_params[HVM_NR_PARAMS];

    void *sched_priv;
    struct arch_domain *arch;

    /* Pauses by the toolstack (XEN_DOMCTL_pausedomain); creation leaves one. Under `lock`. */
    unsigned int controller_pause_count;

    /* Event channels (xen/common/event_channel.c, xen/include/xen/event.h). */
    spinlock_t event_lock;          /* allocation, binding, closing, ABI switches */
    struct evtchn **evtchn_group[EVTCHN_GROUPS];    /* groups of buckets, on demand */
    unsigned int valid_evtchns;     /* ports below this have storage */
    unsigned int max_evtchn_port;   /* config->max_evtchn_port */
    unsigned int active_evtchns;    /* ports in use (not free, not port 0) */
    unsigned int next_evtchn;       /* EVTCHNOP_reset in progress: where it resumes */
    const struct evtchn_port_ops *evtchn_port_ops;  /* 2-level or FIFO */
    struct evtchn_fifo_domain *evtchn_fifo;         /* FIFO event array, NULL for 2-level */
    uint32_t *pirq_to_evtchn;       /* bound physical IRQs (allocated on demand) */
    unsigned long poll_mask[128 / (8 * sizeof(unsigned long))];   /* vCPUs in SCHEDOP_poll */

    /* Toolstack control (xen/common/domctl.c). */
    struct domain *target;          /* set_target: we are its device model (holds a reference) */
    bool kill_in_progress;          /* domain_kill_preemptible() keeps the creation reference */
    int64_t time_offset_seconds;    /* XEN_DOMCTL_settimeoffset */
    bool time_offset_set;
    bool debugger_attached;         /* XEN_DOMCTL_setdebugging */
    uint16_t sched_cap;             /* credit cap as set (not enforced yet) */
    uint32_t suspend_evtchn;        /* XEN_DOMCTL_subscribe */
    unsigned long paging_mempool_pages; /* XEN_DOMCTL_set_paging_mempool_size */
    struct iocap_set iomem_caps;    /* machine frames it may map (under `lock`) */
    struct iocap_set irq_caps;      /* physical IRQs it may use (under `lock`) */

    /* Grant table and its limits (xen/common/grant_table.c, xen/grant_table.h). */
    struct grant_table *grant_table;
};

static inline bool has_32bit_shinfo(const struct domain *d)
{
    return read_atomic(&d->shinfo_32bit);
}

/* x86: latch shinfo_32bit from current's mode if current is d's (hvm.c). */
void arch_latch_shinfo_size(struct domain *d);

/* Most vCPUs a domain may have (config->max_vcpus); the arch may allow fewer. */
#define DOMAIN_MAX_VCPUS    128

/* shutdown_code before any shutdown. */
#define SHUTDOWN_CODE_INVALID (~0U)

#define for_each_vcpu(d, v)                                             \
    for (unsigned int _i_##v = 0; _i_##v < (d)->max_vcpus; _i_##v++)    \
        if (((v) = (d)->vcpu[_i_##v]) != NULL)

/* The vCPU running on this CPU (the idle vCPU when none). */
DECLARE_PER_CPU(struct vcpu *, curr_vcpu);
#define current (this_cpu(curr_vcpu))

/*
 * The idle domain owns one idle vCPU per pCPU; it never runs guest code.
 * No arch hook is ever called to create or destroy it or its vCPUs: their
 * `arch` pointers are NULL (arch_context_switch() gets them as prev/next).
 */
extern struct domain *idle_domain;
static inline bool is_idle_vcpu(const struct vcpu *v) { return v->domain == idle_domain; }
static inline bool is_idle_domain(const struct domain *d) { return d == idle_domain; }

extern struct domain *hardware_domain;  /* dom0 */

static inline bool is_hardware_domain(const struct domain *d)
{
    return d && d == hardware_domain;
}

/* Each CPU's idle vCPU (NULL until the CPU has been through sched_init_cpu()). */
extern struct vcpu *idle_vcpu[NR_CPUS];

/* Nothing keeps v off a CPU: no pause flag, no vCPU or domain pause. */
static inline bool vcpu_runnable(const struct vcpu *v)
{
    return !read_atomic(&v->pause_flags) &&
           !atomic_read(&v->pause_count) &&
           !atomic_read(&v->domain->pause_count);
}

/* ------------------------------------------------------------ domain API */

/*
 * Create a domain: domid, its creation parameters (as XEN_DOMCTL_createdomain
 * passes them, already validated only for pointers), privileged or not.
 * Returns the domain with one reference held, or NULL with *err set to the
 * errno Xen would return (-EINVAL, -EEXIST, -ENOMEM, ...).
 * The domain starts paused by the system controller (see
 * domain_unpause_by_systemcontroller()); domid 0 becomes hardware_domain.
 */
struct domain *domain_create(domid_t domid,
                             const struct xen_domctl_createdomain *config,
                             bool is_privileged, int *err);

/*
 * Create vCPU `id` of `d` (down, not runnable until brought up); NULL if id
 * is out of range or taken, or on allocation/arch failure.
 */
struct vcpu *vcpu_create(struct domain *d, unsigned int id);

/* Take/drop a reference; the last put frees everything (pages returned). */
bool get_domain(struct domain *d);      /* false if it is dying */
void put_domain(struct domain *d);

/*
 * Destroy the domains whose last reference went while one of their own
 * vCPUs was current on that CPU (schedule() calls this once it has
 * switched away).
 */
void domain_reap(void);

/* Look a domain up by id and take a reference; NULL if none/dying. */
struct domain *get_domain_by_id(domid_t domid);

/*
 * The domain with the smallest id >= domid, dying ones included (the
 * toolstack still sees and destroys those), with a reference taken; NULL
 * if there is none.  For the control hypercalls.
 */
struct domain *domain_find_from(domid_t domid);

/*
 * XEN_DOMCTL_destroydomain: domain_kill() in preemptible steps, for a
 * caller holding a reference of its own.  The creation reference stays
 * until the domain's frames are back (up to `budget` are freed per
 * call, and only while nobody else holds a reference: otherwise they go
 * with the last one).  -ERESTART while frames remain: call again.
 */
int domain_kill_preemptible(struct domain *d, unsigned long budget);

/*
 * Start destruction: vCPUs stop, pages are released as references go.
 * Drops the creation reference (once): a caller that holds no reference
 * of its own must not touch d afterwards.
 */
int domain_kill(struct domain *d);

/* SCHEDOP_shutdown and friends; for the hardware domain, arch_domain_shutdown decides. */
void domain_shutdown(struct domain *d, unsigned int reason);

void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
void vcpu_pause(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);

/*
 * The _nosync forms only take the pause reference and ask for a reschedule:
 * for a vCPU (or domain) pausing itself.  The waiting forms must not be
 * used on the caller's own vCPU / domain.
 */
void vcpu_pause_nosync(struct vcpu *v);
void domain_pause_nosync(struct domain *d);

/*
 * The toolstack's pause (XEN_DOMCTL_pausedomain/unpausedomain).  Domains
 * are created paused once this way: whoever creates one (the dom0 builder,
 * XEN_DOMCTL_createdomain's caller) unpauses it when it is ready to run.
 * Unpausing a domain that has no such pause gives -EINVAL.
 */
void domain_pause_by_systemcontroller(struct domain *d);
int domain_unpause_by_systemcontroller(struct domain *d);

/*
 * Memory owned by a domain: 2^order frames from the heap, each frame
 * linked on d->page_list with owner = d and counted in tot_pages (NULL if
 * the heap is empty or max_pages would be exceeded).  free_domheap_pages()
 * gives them back early; whatever is still on page_list when the domain is
 * destroyed is freed one frame at a time, so anything else that puts frames
 * on page_list must make each frame individually freeable the same way.
 * max_pages starts unlimited (~0UL) until XEN_DOMCTL_max_mem sets it.
 */
struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order);
void free_domheap_pages(struct domain *d, struct page_info *pg, unsigned int order);

/* ------------------------------------------------------------ scheduler API */

void scheduler_init(void);                  /* idle domain, per-CPU run queues */
int sched_init_vcpu(struct vcpu *v);        /* pick its pCPU, allocate sched_priv */
void sched_destroy_vcpu(struct vcpu *v);
int sched_init_domain(struct domain *d);    /* weight/cap defaults */
void sched_destroy_domain(struct domain *d);

/* Make v runnable if nothing prevents it (flags, pause counts); kicks its pCPU. */
void vcpu_wake(struct vcpu *v);
/* Take v off its CPU soon (it is not runnable any more); does not wait. */
void vcpu_sleep_nosync(struct vcpu *v);
/* ... and wait until it is no longer running anywhere. */
void vcpu_sleep_sync(struct vcpu *v);

/* For the current vCPU: SCHEDOP_block (sleep until an event), SCHEDOP_yield. */
void vcpu_block(void);
void vcpu_yield(void);

/* Clear VPF_BLOCKED and wake v if it was blocked (event delivery calls this). */
void vcpu_unblock(struct vcpu *v);

/*
 * Does v have an event or interrupt waiting that should stop it blocking?
 * vcpu_block() asks after setting VPF_BLOCKED.  The scheduler carries a
 * weak default that looks at vcpu_info->evtchn_upcall_pending only; the
 * event-channel code (which must also consult the Arm vGIC) provides the
 * real one.  Called with no scheduler lock held.
 */
bool vcpu_has_pending_events(struct vcpu *v);

/* v's runstate with the time spent in the current state added in. */
void vcpu_runstate_get(struct vcpu *v, struct vcpu_runstate_info *rs);

/* Bring a vCPU up/down (VCPUOP_up/down, PSCI CPU_ON/OFF). */
void vcpu_up(struct vcpu *v);
void vcpu_down(struct vcpu *v);

/*
 * Called by the arch once prev's state is saved: prev may now run elsewhere.
 * Call it last: once it returns, prev (and prev->arch) may already be freed
 * by a domain destruction waiting on another CPU.
 */
void sched_context_saved(struct vcpu *prev);

/* Print, per vCPU of d, the pCPUs it ran on (at dom0 shutdown, vCPU destruction). */
void sched_print_placement(const struct domain *d);

/* Per-domain credit weight (XEN_DOMCTL_scheduler_op later). */
int sched_set_weight(struct domain *d, unsigned int weight);

#define SCHED_DEFAULT_WEIGHT    256
#define SCHED_MAX_WEIGHT        65535     /* valid weights: 1 .. this */

unsigned int sched_get_weight(const struct domain *d);

/*
 * Give `cpu` its idle vCPU, run queue and timers, with it as `current`.
 * scheduler_init() does it for the boot CPU; start_secondary_common() for
 * each secondary before it is marked online (host tests call it directly).
 */
int sched_init_cpu(unsigned int cpu);

/* The SCHEDULE_SOFTIRQ handler (see the header comment and arch_context_switch()). */
void schedule(void);

#endif /* XEN_SCHED_H */
