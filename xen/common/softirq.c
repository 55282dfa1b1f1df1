/*
 * Softirqs.  Each CPU has a word of pending bits, set atomically by
 * anyone, and cleared one bit at a time by the owning CPU right before it
 * runs that handler.  `active` stops do_softirq() from nesting on a CPU
 * (say when an interrupt arrives during a handler and the arch calls
 * do_softirq() on its way out): the outer loop sees the new bits.
 */
#include <xen/softirq.h>
#include <xen/percpu.h>
#include <xen/atomic.h>
#include <xen/bitops.h>
#include <xen/console.h>

BUILD_BUG_ON(NR_SOFTIRQS > BITS_PER_LONG);

struct softirq_cpu {
    unsigned long pending;
    bool active;
} __aligned(SMP_CACHE_BYTES);

static DEFINE_PER_CPU(struct softirq_cpu, softirq_cpu);
static softirq_handler_t handlers[NR_SOFTIRQS];

void softirq_init(void)
{
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        write_atomic(&per_cpu(softirq_cpu, cpu).pending, 0UL);
        per_cpu(softirq_cpu, cpu).active = false;
    }
    for (unsigned int i = 0; i < NR_SOFTIRQS; i++)
        handlers[i] = NULL;
}

void open_softirq(unsigned int nr, softirq_handler_t handler)
{
    if (nr >= NR_SOFTIRQS)
        panic("open_softirq: no softirq %u", nr);
    handlers[nr] = handler;
}

void raise_softirq(unsigned int nr)
{
    set_bit(nr, &this_cpu(softirq_cpu).pending);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    if (cpu >= NR_CPUS || nr >= NR_SOFTIRQS)
        return;
    /* An already pending softirq needs no second interrupt. */
    if (!test_and_set_bit(nr, &per_cpu(softirq_cpu, cpu).pending) &&
        cpu != arch_smp_processor_id())
        arch_send_softirq_ipi(cpu);
}

void cpumask_raise_softirq(const cpumask_t *mask, unsigned int nr)
{
    unsigned int cpu;

    for_each_cpu(cpu, mask)
        cpu_raise_softirq(cpu, nr);
}

bool softirq_pending(unsigned int cpu)
{
    return cpu < NR_CPUS && read_atomic(&per_cpu(softirq_cpu, cpu).pending);
}

void do_softirq(void)
{
    struct softirq_cpu *s = &this_cpu(softirq_cpu);
    unsigned long pending;

    if (read_atomic(&s->active))
        return;

    do {
        write_atomic(&s->active, true);
        barrier();
        while ((pending = load_acquire(&s->pending)) != 0) {
            unsigned int nr = ffs_ul(pending) - 1;

            clear_bit(nr, &s->pending);
            smp_mb();       /* clear the bit before looking at the work */
            if (handlers[nr])
                handlers[nr]();
        }
        barrier();
        write_atomic(&s->active, false);
        /* An interrupt between the last look and here left work behind. */
    } while (read_atomic(&s->pending));
}
