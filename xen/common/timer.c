/*
 * Timers.  Each CPU has a queue of active timers sorted by deadline
 * (equal deadlines fire in the order they were set), protected by the
 * queue's lock, which is always taken with interrupts masked.
 *
 * A timer's `cpu` changes only under both queue locks (migrate_timer()),
 * so whoever holds the lock of the queue `cpu` names may use the timer:
 * lock_timer() retries until the two agree.
 *
 * Hardware: the CPU owning a queue keeps its one-shot timer armed for the
 * queue's head.  Another CPU that puts a new head on a queue raises
 * TIMER_SOFTIRQ there instead, and the owner re-arms from the softirq.
 * Removing a timer never re-arms: an early interrupt only finds nothing to
 * run and re-arms for the real head.
 */
#include <xen/timer.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/percpu.h>
#include <xen/console.h>

struct timer_queue {
    spinlock_t lock;
    struct list_node active;        /* sorted by expires */
    struct timer *running;          /* callback now running, if any */
} __aligned(SMP_CACHE_BYTES);

static DEFINE_PER_CPU(struct timer_queue, timer_queue);

static struct timer_queue *lock_timer(struct timer *t, unsigned long *flags)
{
    for (;;) {
        unsigned int cpu = read_atomic(&t->cpu);
        struct timer_queue *q = &per_cpu(timer_queue, cpu);

        spin_lock_irqsave(&q->lock, *flags);
        if (read_atomic(&t->cpu) == cpu)
            return q;
        spin_unlock_irqrestore(&q->lock, *flags);
    }
}

static struct timer *queue_head(struct timer_queue *q)
{
    return list_front_entry(&q->active, struct timer, link);
}

/* Arm this CPU's hardware for its queue head; queue lock held. */
static void program_local(struct timer_queue *q)
{
    struct timer *head = queue_head(q);

    if (!head) {
        arch_timer_program(0);
        return;
    }
    if (head->expires <= NOW()) {
        /* Already due: no need for the hardware to tell us. */
        raise_softirq(TIMER_SOFTIRQ);
        return;
    }
    arch_timer_program(head->expires);
}

/* Queue `t` (inactive, on q); returns true if it became the head. */
static bool enqueue(struct timer_queue *q, struct timer *t)
{
    struct timer *pos;

    list_foreach_entry(pos, &q->active, link)
        if (pos->expires > t->expires)
            break;
    /* `pos` is the first later timer, or the sentinel's container. */
    list_insert_before(&pos->link, &t->link);
    t->status = TIMER_STATUS_ACTIVE;
    return q->active.next == &t->link;
}

static void dequeue(struct timer *t)
{
    list_remove(&t->link);
    t->status = TIMER_STATUS_INACTIVE;
}

/* After `t` became the head of q (lock held): get q's CPU to re-arm. */
static void head_changed(struct timer_queue *q, unsigned int cpu)
{
    if (cpu == arch_smp_processor_id())
        program_local(q);
    else
        cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
}

void init_timer(struct timer *t, void (*fn)(void *data), void *data,
                unsigned int cpu)
{
    if (cpu >= NR_CPUS)
        panic("init_timer: CPU %u out of range", cpu);
    t->expires = 0;
    t->fn = fn;
    t->data = data;
    list_init(&t->link);
    write_atomic(&t->cpu, (uint16_t)cpu);
    t->status = TIMER_STATUS_INACTIVE;
}

void set_timer(struct timer *t, s_time_t expires)
{
    struct timer_queue *q;
    unsigned long flags;

    q = lock_timer(t, &flags);
    if (t->status == TIMER_STATUS_ACTIVE)
        dequeue(t);
    if (t->status == TIMER_STATUS_INACTIVE) {
        t->expires = expires;
        if (enqueue(q, t))
            head_changed(q, t->cpu);
    }
    spin_unlock_irqrestore(&q->lock, flags);
}

void stop_timer(struct timer *t)
{
    struct timer_queue *q;
    unsigned long flags;

    q = lock_timer(t, &flags);
    if (t->status == TIMER_STATUS_ACTIVE)
        dequeue(t);
    spin_unlock_irqrestore(&q->lock, flags);
}

void kill_timer(struct timer *t)
{
    struct timer_queue *q;
    unsigned long flags;
    unsigned int cpu;

    q = lock_timer(t, &flags);
    if (t->status == TIMER_STATUS_ACTIVE)
        dequeue(t);
    t->status = TIMER_STATUS_KILLED;
    cpu = t->cpu;
    spin_unlock_irqrestore(&q->lock, flags);

    /* A callback of ours still running elsewhere must finish first. */
    if (cpu != arch_smp_processor_id())
        while (load_acquire(&q->running) == t)
            arch_cpu_relax();
}

void migrate_timer(struct timer *t, unsigned int new_cpu)
{
    struct timer_queue *old_q, *new_q, *first, *second;
    unsigned long flags;
    unsigned int old_cpu;
    bool active;

    if (new_cpu >= NR_CPUS)
        panic("migrate_timer: CPU %u out of range", new_cpu);

    /* Both locks, lower CPU number first, with `cpu` stable under them. */
    for (;;) {
        old_cpu = read_atomic(&t->cpu);
        if (old_cpu == new_cpu)
            return;
        old_q = &per_cpu(timer_queue, old_cpu);
        new_q = &per_cpu(timer_queue, new_cpu);
        first = old_cpu < new_cpu ? old_q : new_q;
        second = old_cpu < new_cpu ? new_q : old_q;
        flags = arch_irq_save();
        spin_lock(&first->lock);
        spin_lock(&second->lock);
        if (read_atomic(&t->cpu) == old_cpu)
            break;
        spin_unlock(&second->lock);
        spin_unlock(&first->lock);
        arch_irq_restore(flags);
    }

    active = t->status == TIMER_STATUS_ACTIVE;
    if (active)
        dequeue(t);
    write_atomic(&t->cpu, (uint16_t)new_cpu);
    if (active && enqueue(new_q, t))
        head_changed(new_q, new_cpu);

    spin_unlock(&second->lock);
    spin_unlock(&first->lock);
    arch_irq_restore(flags);
}

bool timer_is_active(const struct timer *t)
{
    return read_atomic(&t->status) == TIMER_STATUS_ACTIVE;
}

s_time_t timer_next_deadline(unsigned int cpu)
{
    struct timer_queue *q;
    struct timer *head;
    unsigned long flags;
    s_time_t next;

    if (cpu >= NR_CPUS)
        return STIME_MAX;
    q = &per_cpu(timer_queue, cpu);
    spin_lock_irqsave(&q->lock, flags);
    head = queue_head(q);
    next = head ? head->expires : STIME_MAX;
    spin_unlock_irqrestore(&q->lock, flags);
    return next;
}

void timer_interrupt(void)
{
    raise_softirq(TIMER_SOFTIRQ);
}

static void timer_softirq(void)
{
    struct timer_queue *q = &this_cpu(timer_queue);
    struct timer *t;
    unsigned long flags;
    s_time_t now;

    spin_lock_irqsave(&q->lock, flags);
    now = NOW();
    while ((t = queue_head(q)) && t->expires <= now) {
        void (*fn)(void *) = t->fn;
        void *data = t->data;

        dequeue(t);
        store_release(&q->running, t);
        spin_unlock_irqrestore(&q->lock, flags);

        fn(data);

        spin_lock_irqsave(&q->lock, flags);
        store_release(&q->running, (struct timer *)NULL);
    }
    program_local(q);
    spin_unlock_irqrestore(&q->lock, flags);
}

void timer_init(void)
{
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        struct timer_queue *q = &per_cpu(timer_queue, cpu);

        spin_lock_init(&q->lock);
        list_init(&q->active);
        q->running = NULL;
    }
    open_softirq(TIMER_SOFTIRQ, timer_softirq);
}
