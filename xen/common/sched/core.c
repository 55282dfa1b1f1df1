/*
 * The scheduler's architecture-neutral core: the idle domain and each
 * CPU's idle vCPU, the vCPU state machine (wake, sleep, block, yield,
 * up/down), runstate accounting, schedule() itself and the idle loop.
 * Which vCPU runs next is credit.c's business.
 *
 * A vCPU is on a CPU (current there), waiting on its CPU's run queue, or
 * neither (not runnable).  is_running stays set from the moment schedule()
 * makes it current until the arch has saved its state after switching away
 * (sched_context_saved()); until then no other CPU may pick it up.
 */
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/xmalloc.h>
#include <xen/mm.h>
#include <xen/bug.h>
#include <xen/errno.h>
#include <xen/console.h>
#include "private.h"

DEFINE_PER_CPU(struct vcpu *, curr_vcpu);
DEFINE_PER_CPU(struct sched_pcpu, sched_pcpu);

struct domain *idle_domain;
struct vcpu *idle_vcpu[NR_CPUS];
cpumask_t sched_idle_cpus;

static unsigned int place_rotor;    /* spreads new vCPUs over the CPUs */

spinlock_t *vcpu_sched_lock(const struct vcpu *v, unsigned long *flags)
{
    for (;;) {
        unsigned int cpu = read_atomic(&v->processor);
        spinlock_t *lock = &per_cpu(sched_pcpu, cpu).lock;

        spin_lock_irqsave(lock, *flags);
        if (read_atomic(&v->processor) == cpu)
            return lock;
        spin_unlock_irqrestore(lock, *flags);
    }
}

/* ------------------------------------------------------------ runstate */

/* Close the current state's interval at `now` and enter `state`. */
static void runstate_set(struct vcpu *v, int state, s_time_t now)
{
    struct vcpu_runstate_info *rs = &v->runstate;

    if (now > rs->state_entry_time) {
        rs->time[rs->state] += now - rs->state_entry_time;
        rs->state_entry_time = now;
    }
    rs->state = state;
}

/* The state of a vCPU that is not on a CPU. */
static int waiting_state(const struct vcpu *v)
{
    if (vcpu_runnable(v))
        return RUNSTATE_runnable;
    return test_bit(VPF_BLOCKED, &v->pause_flags) ? RUNSTATE_blocked
                                                  : RUNSTATE_offline;
}

void vcpu_runstate_get(struct vcpu *v, struct vcpu_runstate_info *rs)
{
    unsigned long flags;
    spinlock_t *lock = vcpu_sched_lock(v, &flags);
    s_time_t now = NOW();

    *rs = v->runstate;
    if (now > rs->state_entry_time)
        rs->time[rs->state] += now - rs->state_entry_time;
    sched_unlock(lock, flags);
}

/* ------------------------------------------------------------ set-up */

int sched_init_cpu(unsigned int cpu)
{
    struct sched_pcpu *sp;
    struct vcpu *v;

    if (cpu >= NR_CPUS || !idle_domain)
        return -EINVAL;
    sp = &per_cpu(sched_pcpu, cpu);
    if (read_atomic(&sp->up))
        return 0;

    v = xzalloc(struct vcpu);
    if (!v)
        return -ENOMEM;
    v->vcpu_id = cpu;
    v->processor = cpu;
    v->domain = idle_domain;
    v->is_running = true;
    v->runstate.state = RUNSTATE_running;
    v->runstate.state_entry_time = NOW();
    v->vcpu_info_mfn = INVALID_MFN;

    spin_lock_init(&sp->lock);
    list_init(&sp->runq);
    sp->idle = v;
    credit_cpu_init(cpu);

    idle_domain->vcpu[cpu] = v;
    idle_vcpu[cpu] = v;
    write_atomic(&per_cpu(curr_vcpu, cpu), v);
    cpumask_set_cpu(cpu, &sched_idle_cpus);
    smp_wmb();                      /* all of the above before `up` */
    write_atomic(&sp->up, true);
    return 0;
}

void scheduler_init(void)
{
    struct domain *d;

    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        per_cpu(sched_pcpu, cpu).up = false;
        per_cpu(curr_vcpu, cpu) = NULL;
        idle_vcpu[cpu] = NULL;
    }
    cpumask_clear(&sched_idle_cpus);
    place_rotor = 0;

    d = xzalloc(struct domain);
    if (d)
        d->vcpu = xzalloc_array(struct vcpu *, NR_CPUS);
    if (!d || !d->vcpu)
        panic("scheduler_init: no memory for the idle domain");
    d->domain_id = DOMID_IDLE;
    spin_lock_init(&d->lock);
    spin_lock_init(&d->page_alloc_lock);
    list_init(&d->domain_list);
    list_init(&d->page_list);
    atomic_set(&d->refcnt, 1);
    d->max_vcpus = NR_CPUS;
    d->shared_info_mfn = INVALID_MFN;
    d->shutdown_code = SHUTDOWN_CODE_INVALID;
    idle_domain = d;

    credit_init();
    open_softirq(SCHEDULE_SOFTIRQ, schedule);

    if (sched_init_cpu(smp_processor_id()))
        panic("scheduler_init: no memory for CPU%u's idle vCPU", smp_processor_id());
    printk("Scheduler: credit, %u ms time slice\n", CONFIG_SCHED_CREDIT_TSLICE_MS);
}

/* Where a new vCPU starts: the online CPUs in turn. */
static unsigned int initial_cpu(void)
{
    unsigned int n = num_online_cpus(), k, cpu;

    if (n) {
        k = __atomic_fetch_add(&place_rotor, 1, __ATOMIC_RELAXED) % n;
        for_each_online_cpu(cpu) {
            if (k-- == 0) {
                if (read_atomic(&per_cpu(sched_pcpu, cpu).up))
                    return cpu;
                break;
            }
        }
    }
    return smp_processor_id();
}

int sched_init_domain(struct domain *d)
{
    return credit_alloc_domain(d);
}

void sched_destroy_domain(struct domain *d)
{
    credit_free_domain(d);
}

int sched_init_vcpu(struct vcpu *v)
{
    v->processor = initial_cpu();
    return credit_alloc_vcpu(v);
}

void sched_destroy_vcpu(struct vcpu *v)
{
    unsigned long flags;
    spinlock_t *lock;

    if (!v->sched_priv)
        return;
    lock = vcpu_sched_lock(v, &flags);
    BUG_ON(cpu_curr(v->processor) == v || read_atomic(&v->is_running));
    if (credit_on_runq(v))
        credit_runq_remove(v);
    sched_unlock(lock, flags);
    credit_free_vcpu(v);
}

int sched_set_weight(struct domain *d, unsigned int weight)
{
    return credit_set_weight(d, weight);
}

unsigned int sched_get_weight(const struct domain *d)
{
    return credit_get_weight(d);
}

/* ------------------------------------------------------------ state machine */

void vcpu_wake(struct vcpu *v)
{
    unsigned long flags;
    spinlock_t *lock;
    s_time_t now;

    if (is_idle_vcpu(v))
        return;
    lock = vcpu_sched_lock(v, &flags);
    now = NOW();
    if (vcpu_runnable(v)) {
        if (v->runstate.state >= RUNSTATE_blocked)
            runstate_set(v, RUNSTATE_runnable, now);
        /* Running (or still being switched away from here): no queueing twice. */
        if (cpu_curr(v->processor) != v && !credit_on_runq(v))
            credit_wake(v);
    } else if (v->runstate.state >= RUNSTATE_blocked &&
               v->runstate.state != waiting_state(v)) {
        runstate_set(v, waiting_state(v), now);
    }
    sched_unlock(lock, flags);
}

void vcpu_sleep_nosync(struct vcpu *v)
{
    unsigned long flags;
    spinlock_t *lock;

    if (is_idle_vcpu(v))
        return;
    lock = vcpu_sched_lock(v, &flags);
    if (!vcpu_runnable(v)) {
        if (credit_on_runq(v))
            credit_runq_remove(v);
        if (v->runstate.state != RUNSTATE_running &&
            v->runstate.state != waiting_state(v))
            runstate_set(v, waiting_state(v), NOW());
        if (cpu_curr(v->processor) == v)
            cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
    }
    sched_unlock(lock, flags);
}

void vcpu_sleep_sync(struct vcpu *v)
{
    BUG_ON(v == current);
    vcpu_sleep_nosync(v);
    while (!vcpu_runnable(v) && load_acquire(&v->is_running))
        arch_cpu_relax();
    smp_mb();                       /* its saved state before whatever we do next */
}

void sched_context_saved(struct vcpu *prev)
{
    unsigned long flags;
    spinlock_t *lock;

    if (is_idle_vcpu(prev)) {
        store_release(&prev->is_running, false);
        return;
    }
    /*
     * Under the lock: whoever waits for is_running to drop before freeing
     * prev (domain destruction) then takes this lock too, after us.
     */
    lock = vcpu_sched_lock(prev, &flags);
    store_release(&prev->is_running, false);
    /* Descheduled but still runnable: another CPU may take it now. */
    if (credit_on_runq(prev))
        credit_saved_queued(prev);
    sched_unlock(lock, flags);
}

/*
 * Weak: the event-channel code replaces it with one that knows every
 * source of events (and on Arm, the vGIC's pending interrupts).
 */
__attribute__((__weak__)) bool vcpu_has_pending_events(struct vcpu *v)
{
    return v->vcpu_info && read_atomic(&v->vcpu_info->evtchn_upcall_pending);
}

void vcpu_block(void)
{
    struct vcpu *v = current;

    BUG_ON(!v || is_idle_vcpu(v));
    set_bit(VPF_BLOCKED, &v->pause_flags);
    smp_mb();                       /* the flag before looking for events */
    if (vcpu_has_pending_events(v)) {
        clear_bit(VPF_BLOCKED, &v->pause_flags);
        return;
    }
    /* schedule() sees it is not runnable (unless an event beats it there). */
    raise_softirq(SCHEDULE_SOFTIRQ);
}

void vcpu_unblock(struct vcpu *v)
{
    if (test_and_clear_bit(VPF_BLOCKED, &v->pause_flags))
        vcpu_wake(v);
}

void vcpu_yield(void)
{
    struct vcpu *v = current;
    unsigned long flags;
    spinlock_t *lock;

    if (!v || is_idle_vcpu(v))
        return;
    lock = vcpu_sched_lock(v, &flags);
    credit_yield(v);
    sched_unlock(lock, flags);
    raise_softirq(SCHEDULE_SOFTIRQ);
}

void vcpu_up(struct vcpu *v)
{
    if (test_and_clear_bit(VPF_DOWN, &v->pause_flags))
        vcpu_wake(v);
}

void vcpu_down(struct vcpu *v)
{
    if (!test_and_set_bit(VPF_DOWN, &v->pause_flags))
        vcpu_sleep_nosync(v);
}

/* ------------------------------------------------------------ schedule() */

void schedule(void)
{
    unsigned int cpu = smp_processor_id();
    struct sched_pcpu *sp = &per_cpu(sched_pcpu, cpu);
    struct vcpu *prev, *next;
    unsigned long flags;
    s_time_t now;

    if (!read_atomic(&sp->up))
        return;

    flags = arch_irq_save();
    spin_lock(&sp->lock);
    prev = cpu_curr(cpu);
    now = NOW();
    next = credit_schedule(cpu, prev, now);
    if (is_idle_vcpu(next))
        cpumask_set_cpu(cpu, &sched_idle_cpus);
    else
        cpumask_clear_cpu(cpu, &sched_idle_cpus);
    if (next == prev) {
        spin_unlock(&sp->lock);
        arch_irq_restore(flags);
        domain_reap();
        return;
    }

    runstate_set(prev, is_idle_vcpu(prev) ? RUNSTATE_runnable : waiting_state(prev), now);
    runstate_set(next, RUNSTATE_running, now);
    write_atomic(&next->is_running, true);
    write_atomic(&per_cpu(curr_vcpu, cpu), next);
    spin_unlock(&sp->lock);

    /* The arch saves prev, loads next and calls sched_context_saved(prev). */
    arch_context_switch(prev, next);
    arch_irq_restore(flags);
    /* A domain that killed itself can go now that its vCPU is off this CPU. */
    domain_reap();
}

/* ------------------------------------------------------------ idle loop */

/*
 * These two live here rather than in smp.c so that smp.c (cross-CPU calls)
 * stays usable without the scheduler.
 */
noreturn void idle_loop(void)
{
    unsigned int cpu = smp_processor_id();

    arch_irq_enable();
    for (;;) {
        do_softirq();
        if (!is_idle_vcpu(current))
            arch_enter_guest();
        if (!softirq_pending(cpu))
            arch_idle_wait();
    }
}

noreturn void start_secondary_common(void)
{
    unsigned int cpu = smp_processor_id();

    if (sched_init_cpu(cpu))
        panic("CPU%u: no memory for its idle vCPU", cpu);
    smp_mb();                       /* this CPU's set-up before it is seen online */
    cpumask_set_cpu(cpu, &cpu_online_map);
    idle_loop();
}
