/*
 * Softirqs: deferred per-CPU work, run outside interrupt handlers.
 *
 * Raising a softirq sets its bit in a CPU's pending word (and interrupts
 * that CPU through arch_send_softirq_ipi() if it is another one).  The CPU
 * runs pending handlers from do_softirq(), which the idle loop calls and
 * the arch calls on the way out of every interrupt.  Lower numbers run
 * first; a handler raised again while running runs again.
 */
#ifndef XEN_SOFTIRQ_H
#define XEN_SOFTIRQ_H

#include <xen/types.h>
#include <xen/smp.h>

enum {
    TIMER_SOFTIRQ,           /* expired timers (timer.c) */
    CALL_FUNCTION_SOFTIRQ,   /* on_selected_cpus() requests (smp.c) */
    SCHEDULE_SOFTIRQ,        /* pick the next vCPU, after the rest */
    NR_SOFTIRQS
};

typedef void (*softirq_handler_t)(void);

/* Forget every handler and pending bit (start of day, host tests). */
void softirq_init(void);

void open_softirq(unsigned int nr, softirq_handler_t handler);

/* Mark softirq `nr` pending on this CPU. */
void raise_softirq(unsigned int nr);

/* ... on `cpu` (interrupting it if it is not this CPU). */
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);

/* ... on every CPU in `mask`. */
void cpumask_raise_softirq(const cpumask_t *mask, unsigned int nr);

bool softirq_pending(unsigned int cpu);

/*
 * Run this CPU's pending softirqs until none is left.  Handlers run with
 * the caller's interrupt state.  Calls nested inside a handler (say from
 * an interrupt exit) return at once: the outer loop picks up the work.
 */
void do_softirq(void);

#endif /* XEN_SOFTIRQ_H */
