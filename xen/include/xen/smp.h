/*
 * CPUs: sets of CPUs (cpumask_t), which of them are online, secondary CPU
 * start-up, the idle loop and running a function on other CPUs.
 */
#ifndef XEN_SMP_H
#define XEN_SMP_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/bitops.h>
#include <xen/percpu.h>

#define smp_processor_id() arch_smp_processor_id()

/* ------------------------------------------------------------ cpumask */

typedef struct cpumask {
    DECLARE_BITMAP(bits, NR_CPUS);
} cpumask_t;

static inline void cpumask_clear(cpumask_t *m)
{
    for (unsigned int i = 0; i < BITS_TO_LONGS(NR_CPUS); i++)
        write_atomic(&m->bits[i], 0UL);
}

static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
    set_bit(cpu, m->bits);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    clear_bit(cpu, m->bits);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *m)
{
    return cpu < NR_CPUS && test_bit(cpu, m->bits);
}

static inline bool cpumask_test_and_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    return test_and_clear_bit(cpu, m->bits);
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
    return bitmap_weight(m->bits, NR_CPUS);
}

static inline bool cpumask_empty(const cpumask_t *m)
{
    return find_first_bit(m->bits, NR_CPUS) >= NR_CPUS;
}

static inline unsigned int cpumask_first(const cpumask_t *m)
{
    return find_first_bit(m->bits, NR_CPUS);
}

static inline unsigned int cpumask_next(unsigned int cpu, const cpumask_t *m)
{
    return find_next_bit(m->bits, NR_CPUS, cpu + 1);
}

/* dst = a & b (word by word: not atomic as a whole). */
static inline void cpumask_and(cpumask_t *dst, const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < BITS_TO_LONGS(NR_CPUS); i++)
        write_atomic(&dst->bits[i], read_atomic(&a->bits[i]) & read_atomic(&b->bits[i]));
}

static inline void cpumask_copy(cpumask_t *dst, const cpumask_t *src)
{
    for (unsigned int i = 0; i < BITS_TO_LONGS(NR_CPUS); i++)
        write_atomic(&dst->bits[i], read_atomic(&src->bits[i]));
}

#define for_each_cpu(cpu, mask) for_each_set_bit(cpu, (mask)->bits, NR_CPUS)

/* ------------------------------------------------------------ online CPUs */

extern cpumask_t cpu_online_map;

#define for_each_online_cpu(cpu) for_each_cpu(cpu, &cpu_online_map)

static inline bool cpu_online(unsigned int cpu)
{
    return cpumask_test_cpu(cpu, &cpu_online_map);
}

static inline unsigned int num_online_cpus(void)
{
    return cpumask_weight(&cpu_online_map);
}

/* Start of day: only the CPU running it is online. */
void smp_init(void);

/*
 * What a secondary CPU's arch start-up code calls last, once the CPU has
 * its stack, exception vectors, interrupt controller and timer set up and
 * with interrupts still masked.  Marks the CPU online and enters the idle
 * loop; never returns.
 */
noreturn void start_secondary_common(void);

/*
 * The idle loop: runs pending softirqs, else waits for an interrupt.
 * Enables interrupts.  The arch should call do_softirq() on the way out of
 * every interrupt too, so that work raised there is not left waiting.
 */
noreturn void idle_loop(void);

/*
 * Run fn(data) on every online CPU in `mask` (on this one directly, with
 * interrupts masked; on the others from CALL_FUNCTION_SOFTIRQ) and return
 * when all have finished (wait) or at least taken the request (!wait).
 * The caller must have interrupts enabled and hold no lock that fn or a
 * target CPU's interrupt path may need.
 */
void on_selected_cpus(const cpumask_t *mask, void (*fn)(void *data), void *data,
                      bool wait);
void on_each_cpu(void (*fn)(void *data), void *data, bool wait);
/* Every online CPU except this one. */
void smp_call_function(void (*fn)(void *data), void *data, bool wait);

#endif /* XEN_SMP_H */
