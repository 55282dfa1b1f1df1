/*
 * Online CPUs and cross-CPU calls.
 *
 * Cross-CPU calls: one request at a time, under call_lock.  The caller
 * publishes fn/data and the set of CPUs still to respond, raises
 * CALL_FUNCTION_SOFTIRQ on them and spins until the set is empty.  A CPU
 * responds (clears its bit) after running fn if the caller waits, else as
 * soon as it has copied fn/data.  A CPU spinning for call_lock keeps
 * answering requests meanwhile, so two CPUs calling each other cannot
 * deadlock.
 */
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/arch.h>

cpumask_t cpu_online_map;

static DEFINE_SPINLOCK(call_lock);
static struct {
    void (*fn)(void *data);
    void *data;
    bool wait;
    cpumask_t pending;              /* CPUs yet to respond */
} call;

static void call_function_softirq(void)
{
    unsigned int cpu = smp_processor_id();
    void (*fn)(void *);
    void *data;

    if (!cpumask_test_cpu(cpu, &call.pending))
        return;
    smp_rmb();                      /* see the request published with our bit */
    fn = call.fn;
    data = call.data;
    if (call.wait) {
        fn(data);
        smp_mb();                   /* fn's effects before our answer */
        cpumask_clear_cpu(cpu, &call.pending);
    } else {
        smp_mb();                   /* done with `call` before our answer */
        cpumask_clear_cpu(cpu, &call.pending);
        fn(data);
    }
}

void smp_init(void)
{
    cpumask_clear(&cpu_online_map);
    cpumask_set_cpu(smp_processor_id(), &cpu_online_map);
    spin_lock_init(&call_lock);
    cpumask_clear(&call.pending);
    open_softirq(CALL_FUNCTION_SOFTIRQ, call_function_softirq);
}

void on_selected_cpus(const cpumask_t *mask, void (*fn)(void *data), void *data,
                      bool wait)
{
    unsigned int me = smp_processor_id();
    bool local = cpumask_test_cpu(me, mask);
    cpumask_t targets;

    cpumask_and(&targets, mask, &cpu_online_map);
    cpumask_clear_cpu(me, &targets);

    if (!cpumask_empty(&targets)) {
        while (!spin_trylock(&call_lock)) {
            call_function_softirq();
            arch_cpu_relax();
        }
        call.fn = fn;
        call.data = data;
        call.wait = wait;
        smp_wmb();                  /* the request before the bits that announce it */
        cpumask_copy(&call.pending, &targets);
        smp_mb();                   /* request visible before the softirqs */
        cpumask_raise_softirq(&targets, CALL_FUNCTION_SOFTIRQ);
        while (!cpumask_empty(&call.pending))
            arch_cpu_relax();
        smp_mb();
        spin_unlock(&call_lock);
    }

    if (local) {
        unsigned long flags = arch_irq_save();

        fn(data);
        arch_irq_restore(flags);
    }
}

void on_each_cpu(void (*fn)(void *data), void *data, bool wait)
{
    on_selected_cpus(&cpu_online_map, fn, data, wait);
}

void smp_call_function(void (*fn)(void *data), void *data, bool wait)
{
    cpumask_t others;

    cpumask_copy(&others, &cpu_online_map);
    cpumask_clear_cpu(smp_processor_id(), &others);
    on_selected_cpus(&others, fn, data, wait);
}

/*
 * idle_loop() and start_secondary_common() are the scheduler's
 * (xen/common/sched/core.c): they need the idle vCPUs, and this file stays
 * usable on its own (the host timer tests link it without a scheduler).
 */
