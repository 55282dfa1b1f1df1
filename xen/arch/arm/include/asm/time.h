/*
 * The generic timer: system time from the physical counter (CNTPCT_EL0),
 * one-shot deadlines on the EL2 physical timer (CNTHP, PPI 26 on QEMU
 * virt; the EL2 virtual timer is not wired there).
 */
#ifndef ASM_ARM_TIME_H
#define ASM_ARM_TIME_H

#include <xen/types.h>

/* Default EL2 physical timer interrupt (PPI 10) if the DT does not say. */
#define TIMER_HYP_PPI_DEFAULT   26

/* Boot CPU, early: counter frequency and time zero.  Works before SMP. */
void time_early_init(void);

/* Each CPU: timers off, EL1 access policy.  Sets up nothing in the GIC. */
void time_cpu_init(void);

/* The INTID of the EL2 physical timer (from the device tree). */
extern unsigned int timer_hyp_intid;

/* Counter frequency in Hz. */
extern uint64_t counter_hz;

/* Raw counter value @us microseconds from now, and whether it has passed. */
uint64_t counter_deadline_us(uint64_t us);
bool counter_passed(uint64_t deadline);

/*
 * A bounded wait for boot-time self-tests that charges only the time this
 * CPU was seen running: a gap of more than 50 ms between two looks means
 * the host stopped the emulated CPU (a loaded TCG host), and is not
 * counted.  patient_wait_over() must be called often (every loop turn).
 */
struct patient_wait {
    uint64_t last, spent, limit, gap;   /* counter ticks */
};
void patient_wait_start(struct patient_wait *w, uint64_t us);
bool patient_wait_over(struct patient_wait *w);

/* The timer PPI fired: quiet it, then let common code run its timers. */
void timer_irq(void);

/* Self-test: a 1 ms one-shot must fire (IRQs are enabled meanwhile). */
void timer_selftest(void);

#endif /* ASM_ARM_TIME_H */
