/*
 * Inside the scheduler: what core.c (vCPU state machine, schedule(), idle
 * vCPUs) and credit.c (the policy: run queues, credits, load balancing)
 * share.  Nothing outside xen/common/sched/ includes this.
 *
 * Locking: each pCPU has one scheduler lock, always taken with interrupts
 * masked.  It protects that CPU's run queue and `current`, and the
 * scheduling state (runstate, run-queue membership, is_running going up)
 * of every vCPU whose `processor` names the CPU.  `processor` changes only
 * with the old CPU's lock held (and the new one's, when work is stolen), so
 * vcpu_sched_lock() re-checks it once it holds a lock.  Credit's accounting
 * lock nests inside scheduler locks; timer queue locks nest inside both.
 */
#ifndef XEN_COMMON_SCHED_PRIVATE_H
#define XEN_COMMON_SCHED_PRIVATE_H

#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/timer.h>

#ifndef CONFIG_SCHED_CREDIT_TSLICE_MS
#define CONFIG_SCHED_CREDIT_TSLICE_MS 30
#endif

struct sched_pcpu {
    spinlock_t lock;
    struct list_node runq;          /* runnable vCPUs waiting here (credit.c's order) */
    struct vcpu *idle;
    struct timer tick;              /* credit.c: burn credits, end the slice */
    s_time_t slice_end;
    bool up;                        /* sched_init_cpu() done */
} __aligned(SMP_CACHE_BYTES);

DECLARE_PER_CPU(struct sched_pcpu, sched_pcpu);

/* CPUs whose current vCPU is their idle vCPU (a hint: read without locks). */
extern cpumask_t sched_idle_cpus;

/* Lock the CPU v is on; returns the lock, for sched_unlock(). */
spinlock_t *vcpu_sched_lock(const struct vcpu *v, unsigned long *flags);

static inline void sched_unlock(spinlock_t *lock, unsigned long flags)
{
    spin_unlock_irqrestore(lock, flags);
}

static inline struct vcpu *cpu_curr(unsigned int cpu)
{
    return read_atomic(&per_cpu(curr_vcpu, cpu));
}

/* ------------------------------------------------------------ credit.c */

void credit_init(void);
void credit_cpu_init(unsigned int cpu);
int credit_alloc_domain(struct domain *d);
void credit_free_domain(struct domain *d);
int credit_alloc_vcpu(struct vcpu *v);
void credit_free_vcpu(struct vcpu *v);     /* v off every queue already */

/* With v's CPU lock held. */
bool credit_on_runq(const struct vcpu *v);
void credit_runq_remove(struct vcpu *v);
/* Queue a woken v on its CPU and get the right CPU to reschedule. */
void credit_wake(struct vcpu *v);
/* The current vCPU v asked to let others run first (SCHEDOP_yield). */
void credit_yield(struct vcpu *v);
/* prev's state is saved and it is still queued: let an idle CPU take it. */
void credit_saved_queued(struct vcpu *v);

/*
 * The policy half of schedule(), with `cpu`'s lock held: charge prev,
 * requeue it if still runnable, choose what runs next (possibly stealing
 * from another CPU, whose lock it try-locks), off the queue, with
 * processor == cpu; arms the CPU's tick.  Returns the idle vCPU if nothing.
 */
struct vcpu *credit_schedule(unsigned int cpu, struct vcpu *prev, s_time_t now);

int credit_set_weight(struct domain *d, unsigned int weight);
unsigned int credit_get_weight(const struct domain *d);

/* ------------------------------------------------------------ placement log */

/*
 * Which pCPUs each vCPU has run on, kept by core.c beside the policy's
 * sched_priv (found by hashing the vCPU's address): set in schedule() when
 * the vCPU is picked, printed when it is destroyed and by
 * sched_print_placement().  `together` is the most vCPUs of its domain
 * seen current at once when it was switched in (itself included).
 */
struct sched_placement {
    struct list_node link;          /* on its hash bucket */
    const struct vcpu *v;
    cpumask_t ran_on;
    unsigned int together;
};

/* One line per vCPU of d that has run: "d0v1: ran on pCPUs 1,3 (...)". */
void sched_print_placement(const struct domain *d);

#endif /* XEN_COMMON_SCHED_PRIVATE_H */
