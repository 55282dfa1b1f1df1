/*
 * A proportional-share ("credit") scheduling policy.
 *
 * Credits are CPU time in units of 1/CREDITS_PER_MS ms.  A vCPU spends
 * them while it runs (charged at every tick and every reschedule) and
 * earns them once per accounting period, when the period's worth of every
 * online CPU is shared among the domains that have used CPU lately, in
 * proportion to their weights, and within a domain equally among those of
 * its vCPUs.  A vCPU with credit left is UNDER, one in debt is OVER; UNDER
 * vCPUs run first, OVER ones only when no UNDER vCPU wants the CPU, so the
 * scheme stays work-conserving.  A vCPU that has banked a full period's
 * worth without spending it stops earning (it is idle) until it runs again.
 * An UNDER vCPU waking up is BOOSTed above the rest until its first tick or
 * until it leaves the CPU, so that mostly idle (interactive, I/O) vCPUs get
 * the CPU at once rather than a time slice later.
 *
 * Each CPU has one FIFO run queue; the next vCPU is the first one of the
 * best priority, so a descheduled vCPU goes behind its peers (round robin).
 * A vCPU that yields lets any other vCPU queued on its CPU go first,
 * whatever their priorities.  A CPU that has nothing UNDER to run looks at the
 * other CPUs' queues and steals the best waiting vCPU it finds, which is
 * what spreads a domain's vCPUs over CPUs; a wake-up that cannot run at
 * once on its own CPU prods an idle CPU into doing so.
 */
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/xmalloc.h>
#include <xen/bug.h>
#include <xen/errno.h>
#include "private.h"

#define CREDITS_PER_MS      10
#define NS_PER_CREDIT       (MILLISECS(1) / CREDITS_PER_MS)
#define TSLICE              MILLISECS(CONFIG_SCHED_CREDIT_TSLICE_MS)
#define TICK                (TSLICE < MILLISECS(10) ? TSLICE : MILLISECS(10))
/* Accounting runs once per time slice; one CPU's worth of a period: */
#define ACCT_PERIOD         TSLICE
#define PERIOD_CREDITS      ((int)(CONFIG_SCHED_CREDIT_TSLICE_MS * CREDITS_PER_MS))

BUILD_BUG_ON(CONFIG_SCHED_CREDIT_TSLICE_MS < 1);

enum { PRI_IDLE, PRI_OVER, PRI_UNDER, PRI_BOOST };     /* higher runs first */

struct credit_dom {
    struct domain *dom;
    unsigned int weight;
    unsigned int nr_active;             /* vCPUs on active_vcpus */
    struct list_node active_vcpus;
    struct list_node active_link;       /* on active_doms while nr_active */
};

struct credit_vcpu {
    struct vcpu *vcpu;
    struct credit_dom *cdom;
    atomic_t credit;
    s_time_t charged_to;                /* running time charged up to here */
    struct list_node runq_link;         /* on its CPU's run queue */
    struct list_node active_link;       /* on cdom->active_vcpus */
    bool active;                        /* earns credits (under acct_lock) */
    bool boost;                         /* woke up with credit (CPU lock) */
    bool yield;                         /* asked to let others go first (CPU lock) */
};

/* Accounting: the active lists and their total weight. */
static spinlock_t acct_lock;
static struct list_node active_doms;
static unsigned long weight_total;
static struct timer acct_timer;
static bool acct_armed;
static s_time_t acct_next;

static inline struct credit_vcpu *CV(const struct vcpu *v)
{
    return v->sched_priv;
}

static int pri(const struct vcpu *v)
{
    if (is_idle_vcpu(v))
        return PRI_IDLE;
    if (atomic_read(&CV(v)->credit) < 0)
        return PRI_OVER;
    return CV(v)->boost ? PRI_BOOST : PRI_UNDER;
}

/* ------------------------------------------------------------ accounting */

/* acct_lock held. */
static void activate(struct credit_vcpu *cv)
{
    struct credit_dom *cd = cv->cdom;

    list_push_back(&cd->active_vcpus, &cv->active_link);
    write_atomic(&cv->active, true);
    if (cd->nr_active++ == 0) {
        list_push_back(&active_doms, &cd->active_link);
        weight_total += cd->weight;
    }
}

/* acct_lock held. */
static void deactivate(struct credit_vcpu *cv)
{
    struct credit_dom *cd = cv->cdom;

    list_remove(&cv->active_link);
    write_atomic(&cv->active, false);
    if (--cd->nr_active == 0) {
        list_remove(&cd->active_link);
        weight_total -= cd->weight;
    }
}

/* Charge v for its running time up to `now`; its CPU's lock held. */
static void burn(struct vcpu *v, s_time_t now)
{
    struct credit_vcpu *cv = CV(v);
    unsigned long flags;

    if (now > cv->charged_to) {
        uint64_t n = (now - cv->charged_to) / NS_PER_CREDIT;

        /* Whole credits only: the remainder is charged next time. */
        cv->charged_to += n * NS_PER_CREDIT;
        if (n > (uint64_t)PERIOD_CREDITS * 4)
            n = (uint64_t)PERIOD_CREDITS * 4;
        atomic_sub((int)n, &cv->credit);
    }
    if (!read_atomic(&cv->active)) {
        spin_lock_irqsave(&acct_lock, flags);
        if (!cv->active)
            activate(cv);
        spin_unlock_irqrestore(&acct_lock, flags);
    }
}

static void acct_fn(void *unused)
{
    s_time_t now = NOW();
    struct credit_dom *cd, *cdn;
    struct credit_vcpu *cv, *cvn;
    unsigned long flags, weights;
    int64_t total;

    (void)unused;
    spin_lock_irqsave(&acct_lock, flags);
    weights = weight_total;
    total = (int64_t)PERIOD_CREDITS * num_online_cpus();
    if (weights) {
        list_foreach_entry_safe(cd, cdn, &active_doms, active_link) {
            int64_t share = total * cd->weight / (int64_t)weights;
            int64_t each = (share + cd->nr_active - 1) / cd->nr_active;

            /* No vCPU can use more than one CPU. */
            if (each > PERIOD_CREDITS)
                each = PERIOD_CREDITS;
            list_foreach_entry_safe(cv, cvn, &cd->active_vcpus, active_link) {
                int old = atomic_read(&cv->credit), seen, want;

                /* Pay, keeping within one period's worth either way. */
                for (;;) {
                    want = old + (int)each;
                    want = want > PERIOD_CREDITS ? PERIOD_CREDITS :
                           want < -PERIOD_CREDITS ? -PERIOD_CREDITS : want;
                    seen = atomic_cmpxchg(&cv->credit, old, want);
                    if (seen == old)
                        break;
                    old = seen;         /* its CPU charged it meanwhile */
                }
                /* Not spending what it gets: idle, stop paying it. */
                if (old + (int)each > PERIOD_CREDITS)
                    deactivate(cv);
            }
        }
    }
    acct_next += ACCT_PERIOD;
    if (acct_next <= now)
        acct_next = now + ACCT_PERIOD;
    spin_unlock_irqrestore(&acct_lock, flags);
    set_timer(&acct_timer, acct_next);
}

/* ------------------------------------------------------------ set-up */

void credit_init(void)
{
    spin_lock_init(&acct_lock);
    list_init(&active_doms);
    weight_total = 0;
    acct_armed = false;
    /* Accounting runs on the CPU that set the scheduler up. */
    init_timer(&acct_timer, acct_fn, NULL, smp_processor_id());
}

int credit_alloc_domain(struct domain *d)
{
    struct credit_dom *cd = xzalloc(struct credit_dom);
    unsigned long flags;
    bool arm;

    if (!cd)
        return -ENOMEM;
    cd->dom = d;
    cd->weight = SCHED_DEFAULT_WEIGHT;
    list_init(&cd->active_vcpus);
    list_init(&cd->active_link);
    d->sched_priv = cd;

    /* The accounting timer starts with the first domain. */
    spin_lock_irqsave(&acct_lock, flags);
    arm = !acct_armed;
    acct_armed = true;
    if (arm)
        acct_next = NOW() + ACCT_PERIOD;
    spin_unlock_irqrestore(&acct_lock, flags);
    if (arm)
        set_timer(&acct_timer, acct_next);
    return 0;
}

void credit_free_domain(struct domain *d)
{
    struct credit_dom *cd = d->sched_priv;

    if (!cd)
        return;
    BUG_ON(cd->nr_active);
    d->sched_priv = NULL;
    xfree(cd);
}

int credit_alloc_vcpu(struct vcpu *v)
{
    struct credit_vcpu *cv = xzalloc(struct credit_vcpu);

    if (!cv)
        return -ENOMEM;
    cv->vcpu = v;
    cv->cdom = v->domain->sched_priv;
    BUG_ON(!cv->cdom);
    atomic_set(&cv->credit, 0);
    list_init(&cv->runq_link);
    list_init(&cv->active_link);
    v->sched_priv = cv;
    return 0;
}

void credit_free_vcpu(struct vcpu *v)
{
    struct credit_vcpu *cv = CV(v);
    unsigned long flags;

    if (!cv)
        return;
    BUG_ON(list_is_linked(&cv->runq_link));
    spin_lock_irqsave(&acct_lock, flags);
    if (cv->active)
        deactivate(cv);
    spin_unlock_irqrestore(&acct_lock, flags);
    v->sched_priv = NULL;
    xfree(cv);
}

int credit_set_weight(struct domain *d, unsigned int weight)
{
    struct credit_dom *cd = d->sched_priv;
    unsigned long flags;

    if (!cd || weight < 1 || weight > SCHED_MAX_WEIGHT)
        return -EINVAL;
    spin_lock_irqsave(&acct_lock, flags);
    if (cd->nr_active)
        weight_total = weight_total - cd->weight + weight;
    cd->weight = weight;
    spin_unlock_irqrestore(&acct_lock, flags);
    return 0;
}

unsigned int credit_get_weight(const struct domain *d)
{
    const struct credit_dom *cd = d->sched_priv;

    return cd ? read_atomic(&cd->weight) : 0;
}

/* ------------------------------------------------------------ run queues */

bool credit_on_runq(const struct vcpu *v)
{
    return list_is_linked(&CV(v)->runq_link);
}

void credit_runq_remove(struct vcpu *v)
{
    list_remove(&CV(v)->runq_link);
}

static void runq_append(struct sched_pcpu *sp, struct vcpu *v)
{
    BUG_ON(list_is_linked(&CV(v)->runq_link));
    list_push_back(&sp->runq, &CV(v)->runq_link);
}

/*
 * The first queued vCPU of the best priority above `floor` that may run
 * here now (state saved, or `self`, the vCPU this CPU is switching from),
 * leaving out `skip`.
 */
static struct vcpu *runq_best(struct sched_pcpu *sp, int floor, const struct vcpu *self,
                              const struct vcpu *skip)
{
    struct vcpu *best = NULL;
    struct credit_vcpu *cv;

    list_foreach_entry(cv, &sp->runq, runq_link) {
        struct vcpu *v = cv->vcpu;
        int p;

        if (v == skip || (v != self && read_atomic(&v->is_running)))
            continue;
        p = pri(v);
        if (p > floor) {
            best = v;
            floor = p;
            if (p == PRI_BOOST)
                break;
        }
    }
    return best;
}

/* The online CPU after `cpu`, wrapping around (NR_CPUS if none is online). */
static unsigned int online_after(unsigned int cpu)
{
    unsigned int next = cpumask_next(cpu, &cpu_online_map);

    return next < NR_CPUS ? next : cpumask_first(&cpu_online_map);
}

/* Walk the other online CPUs, starting after `cpu`. */
#define for_each_other_cpu(peer, cpu, n)                                    \
    for ((n) = num_online_cpus(), (peer) = online_after(cpu);               \
         (n)-- && (peer) < NR_CPUS; (peer) = online_after(peer))            \
        if ((peer) != (cpu))

/* Take a waiting vCPU better than `floor` from another CPU's queue. */
static struct vcpu *steal(unsigned int cpu, int floor)
{
    unsigned int peer, n;

    for_each_other_cpu(peer, cpu, n) {
        struct sched_pcpu *psp = &per_cpu(sched_pcpu, peer);
        struct vcpu *v;

        if (!read_atomic(&psp->up) || read_atomic(&psp->runq.next) == &psp->runq)
            continue;
        /* We hold our own lock: never wait for another CPU's. */
        if (!spin_trylock(&psp->lock))
            continue;
        v = runq_best(psp, floor, NULL, NULL);
        if (v) {
            credit_runq_remove(v);
            write_atomic(&v->processor, cpu);
        }
        spin_unlock(&psp->lock);
        if (v)
            return v;
    }
    return NULL;
}

/*
 * Ask one idle CPU other than `cpu` to look for work.  It leaves the idle
 * set until its schedule() finds nothing, so the next caller asks another.
 */
static void tickle_idler(unsigned int cpu)
{
    unsigned int peer, n;

    if (cpumask_empty(&sched_idle_cpus))
        return;
    for_each_other_cpu(peer, cpu, n) {
        if (cpumask_test_and_clear_cpu(peer, &sched_idle_cpus)) {
            cpu_raise_softirq(peer, SCHEDULE_SOFTIRQ);
            return;
        }
    }
}

void credit_wake(struct vcpu *v)
{
    unsigned int cpu = v->processor;
    struct sched_pcpu *sp = &per_cpu(sched_pcpu, cpu);
    struct vcpu *curr = cpu_curr(cpu);
    bool crowded = !list_is_empty(&sp->runq);

    CV(v)->boost = atomic_read(&CV(v)->credit) >= 0;
    runq_append(sp, v);
    if (is_idle_vcpu(curr) || pri(v) > pri(curr)) {
        /* Its CPU takes it (a preempted vCPU will ask for an idler itself). */
        cpumask_clear_cpu(cpu, &sched_idle_cpus);
        cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
        if (!crowded)
            return;
    }
    /* More waiting here than this CPU will take now: another one should. */
    tickle_idler(cpu);
}

void credit_saved_queued(struct vcpu *v)
{
    if (!cpumask_empty(&sched_idle_cpus))
        tickle_idler(v->processor);
}

/* ------------------------------------------------------------ scheduling */

void credit_yield(struct vcpu *v)
{
    CV(v)->yield = true;
}

static void tick_fn(void *data)
{
    unsigned int cpu = (unsigned int)(uintptr_t)data;
    struct sched_pcpu *sp = &per_cpu(sched_pcpu, cpu);
    unsigned long flags;
    struct vcpu *curr;

    spin_lock_irqsave(&sp->lock, flags);
    curr = cpu_curr(cpu);
    if (!is_idle_vcpu(curr)) {
        s_time_t now = NOW();

        burn(curr, now);
        CV(curr)->boost = false;
        /* Slice over, or someone better waiting (curr spent its credit, a boost). */
        if (now >= sp->slice_end || runq_best(sp, pri(curr), NULL, NULL))
            raise_softirq(SCHEDULE_SOFTIRQ);
        else
            set_timer(&sp->tick, now + TICK < sp->slice_end ? now + TICK : sp->slice_end);
    }
    spin_unlock_irqrestore(&sp->lock, flags);
}

void credit_cpu_init(unsigned int cpu)
{
    struct sched_pcpu *sp = &per_cpu(sched_pcpu, cpu);

    init_timer(&sp->tick, tick_fn, (void *)(uintptr_t)cpu, cpu);
    sp->slice_end = 0;
}

struct vcpu *credit_schedule(unsigned int cpu, struct vcpu *prev, s_time_t now)
{
    struct sched_pcpu *sp = &per_cpu(sched_pcpu, cpu);
    struct vcpu *next, *stolen, *yielder = NULL;
    int best;

    if (!is_idle_vcpu(prev)) {
        struct credit_vcpu *cv = CV(prev);

        burn(prev, now);
        cv->boost = false;
        if (cv->yield && vcpu_runnable(prev))
            yielder = prev;
        cv->yield = false;
        if (vcpu_runnable(prev))
            runq_append(sp, prev);
    }

    next = runq_best(sp, PRI_IDLE, prev, yielder);
    best = next ? pri(next) : PRI_IDLE;
    if (best < PRI_UNDER && (stolen = steal(cpu, best)) != NULL)
        next = stolen;
    if (!next)
        next = yielder;             /* nobody else: it goes on */
    if (next)
        list_remove(&CV(next)->runq_link);
    else
        next = sp->idle;

    if (is_idle_vcpu(next)) {
        stop_timer(&sp->tick);
        sp->slice_end = 0;
    } else {
        if (next != prev)
            CV(next)->charged_to = now;
        sp->slice_end = now + TSLICE;
        set_timer(&sp->tick, now + TICK);
    }
    return next;
}
