/*
 * The scheduler's architecture-neutral core: the idle domain and each
 * CPU's idle vCPU, the vCPU state machine (wake, sleep, block, yield,
 * up/down), runstate accounting, schedule() itself and the idle loop.
 * Which vCPU runs next is credit.c's business.  A small placement log
 * records which pCPUs each vCPU has run on, for the console.
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
#include <xen/lib.h>
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

/* ------------------------------------------------------------ placement log */

/*
 * The records live in a small hash table of their own (the per-vCPU
 * pointer belongs to the policy).  A bucket lock is a leaf lock: it is
 * never held while taking another, and schedule() takes it after dropping
 * its CPU's lock, with IRQs still masked.
 */
#define PLACEMENT_BUCKETS 64

static struct placement_bucket {
    spinlock_t lock;
    struct list_node head;
} placement_table[PLACEMENT_BUCKETS];

static struct placement_bucket *placement_bucket(const struct vcpu *v)
{
    uintptr_t a = (uintptr_t)v;

    return &placement_table[((a >> 6) ^ (a >> 14)) % PLACEMENT_BUCKETS];
}

/* v's record, with its bucket's lock held; NULL if it has none. */
static struct sched_placement *placement_find(struct placement_bucket *b,
                                              const struct vcpu *v)
{
    struct sched_placement *p;

    list_foreach_entry(p, &b->head, link) {
        if (p->v == v)
            return p;
    }
    return NULL;
}

static void placement_init(void)
{
    for (unsigned int i = 0; i < PLACEMENT_BUCKETS; i++) {
        spin_lock_init(&placement_table[i].lock);
        list_init(&placement_table[i].head);
    }
}

static int placement_add(const struct vcpu *v)
{
    struct placement_bucket *b = placement_bucket(v);
    struct sched_placement *p = xzalloc(struct sched_placement);
    unsigned long flags;

    if (!p)
        return -ENOMEM;
    p->v = v;
    cpumask_clear(&p->ran_on);
    spin_lock_irqsave(&b->lock, flags);
    list_push_back(&b->head, &p->link);
    spin_unlock_irqrestore(&b->lock, flags);
    return 0;
}

/* Copy v's record out (false if none); with `take`, unlink and free it. */
static bool placement_get(const struct vcpu *v, struct sched_placement *out, bool take)
{
    struct placement_bucket *b = placement_bucket(v);
    struct sched_placement *p;
    unsigned long flags;

    spin_lock_irqsave(&b->lock, flags);
    p = placement_find(b, v);
    if (p) {
        cpumask_copy(&out->ran_on, &p->ran_on);
        out->together = p->together;
        if (take)
            list_remove(&p->link);
    }
    spin_unlock_irqrestore(&b->lock, flags);
    if (p && take)
        xfree(p);
    return p != NULL;
}

/* schedule(), IRQs masked: `next` has just become current on `cpu`. */
static void placement_note(const struct vcpu *next, unsigned int cpu)
{
    struct placement_bucket *b = placement_bucket(next);
    const struct domain *d = next->domain;
    struct sched_placement *p;
    unsigned int together = 0;
    struct vcpu *w;

    /* A snapshot without locks: good enough for a statistic. */
    for_each_vcpu(d, w) {
        if (cpu_curr(read_atomic(&w->processor)) == w)
            together++;
    }
    spin_lock(&b->lock);
    p = placement_find(b, next);
    if (p) {
        cpumask_set_cpu(cpu, &p->ran_on);
        if (together > p->together)
            p->together = together;
    }
    spin_unlock(&b->lock);
}

static void placement_print(struct vcpu *v, const struct sched_placement *p)
{
    struct vcpu_runstate_info rs;
    char cpus[96];
    size_t len = 0;
    unsigned int cpu;

    cpus[0] = '\0';
    for_each_cpu(cpu, &p->ran_on) {
        if (len + 12 >= sizeof(cpus)) {
            snprintf(cpus + len, sizeof(cpus) - len, ",...");
            break;
        }
        len += snprintf(cpus + len, sizeof(cpus) - len, "%s%u", len ? "," : "", cpu);
    }
    vcpu_runstate_get(v, &rs);
    printk("d%uv%u: ran on pCPUs %s (%lu ms, up to %u of d%u's vCPUs running at once)\n",
           v->domain->domain_id, v->vcpu_id, cpus,
           (unsigned long)(rs.time[RUNSTATE_running] / MILLISECS(1)), p->together,
           v->domain->domain_id);
}

void sched_print_placement(const struct domain *d)
{
    struct sched_placement p;
    struct vcpu *v;

    for_each_vcpu(d, v) {
        if (placement_get(v, &p, false) && !cpumask_empty(&p.ran_on))
            placement_print(v, &p);
    }
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
    placement_init();

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
    int rc;

    v->processor = initial_cpu();
    rc = credit_alloc_vcpu(v);
    if (rc)
        return rc;
    if (placement_add(v)) {
        credit_free_vcpu(v);
        return -ENOMEM;
    }
    return 0;
}

void sched_destroy_vcpu(struct vcpu *v)
{
    struct sched_placement p;
    unsigned long flags;
    spinlock_t *lock;

    if (!v->sched_priv)
        return;
    /* Drop the record quietly: a toolstack creating and destroying domains
     * in a loop would fill the console (dom0's is printed at shutdown). */
    (void)placement_get(v, &p, true);
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
    if (!is_idle_vcpu(next))
        placement_note(next, cpu);

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
