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
};

/* ------------------------------------------------------------ domain */

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

    uint64_t hvm_params[HVM_NR_PARAMS];

    void *sched_priv;
    struct arch_domain *arch;
};

#define for_each_vcpu(d, v)                                             \
    for (unsigned int _i_##v = 0; _i_##v < (d)->max_vcpus; _i_##v++)    \
        if (((v) = (d)->vcpu[_i_##v]) != NULL)

/* The vCPU running on this CPU (the idle vCPU when none). */
DECLARE_PER_CPU(struct vcpu *, curr_vcpu);
#define current (this_cpu(curr_vcpu))

/* The idle domain owns one idle vCPU per pCPU; it never runs guest code. */
extern struct domain *idle_domain;
static inline bool is_idle_vcpu(const struct vcpu *v) { return v->domain == idle_domain; }
static inline bool is_idle_domain(const struct domain *d) { return d == idle_domain; }

extern struct domain *hardware_domain;  /* dom0 */

/* ------------------------------------------------------------ domain API */

/*
 * Create a domain: domid, its creation parameters (as XEN_DOMCTL_createdomain
 * passes them, already validated only for pointers), privileged or not.
 * Returns the domain with one reference held, or NULL with *err set to the
 * errno Xen would return (-EINVAL, -EEXIST, -ENOMEM, ...).
 */
struct domain *domain_create(domid_t domid,
                             const struct xen_domctl_createdomain *config,
                             bool is_privileged, int *err);

/* Create vCPU `id` of `d` (down, not runnable until brought up). */
struct vcpu *vcpu_create(struct domain *d, unsigned int id);

/* Take/drop a reference; the last put frees everything (pages returned). */
bool get_domain(struct domain *d);      /* false if it is dying */
void put_domain(struct domain *d);

/* Look a domain up by id and take a reference; NULL if none/dying. */
struct domain *get_domain_by_id(domid_t domid);

/* Start destruction: vCPUs stop, pages are released as references go. */
int domain_kill(struct domain *d);

/* SCHEDOP_shutdown and friends; for the hardware domain, arch_domain_shutdown decides. */
void domain_shutdown(struct domain *d, unsigned int reason);

void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
void vcpu_pause(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);

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

/* Bring a vCPU up/down (VCPUOP_up/down, PSCI CPU_ON/OFF). */
void vcpu_up(struct vcpu *v);
void vcpu_down(struct vcpu *v);

/* Called by the arch once prev's state is saved: prev may now run elsewhere. */
void sched_context_saved(struct vcpu *prev);

/* Per-domain credit weight (XEN_DOMCTL_scheduler_op later). */
int sched_set_weight(struct domain *d, unsigned int weight);

#endif /* XEN_SCHED_H */
