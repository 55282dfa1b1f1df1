/*
 * System time and the per-CPU one-shot timer.
 *
 * System time is the physical counter since boot, in nanoseconds: the
 * counter is shared by all CPUs, so the value agrees between them.  The
 * one-shot deadline is the EL2 physical timer's compare value (CNTHP_CVAL);
 * its interrupt is level-sensitive, so the handler disables the timer
 * before common code reprograms it.
 */
#include <xen/arch.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/timer.h>
#include <asm/cpu.h>
#include <asm/setup.h>
#include <asm/sysregs.h>
#include <asm/time.h>

#define NSEC_PER_SEC    1000000000ULL

uint64_t counter_hz;
unsigned int timer_hyp_intid = TIMER_HYP_PPI_DEFAULT;
static uint64_t boot_count;         /* counter value at system time 0 */
static uint64_t ns_per_tick;        /* when the frequency divides 1 GHz */

/* The self-test's state: the handler records when the timer fired. */
static volatile bool selftest_armed;
static volatile uint64_t selftest_fired_ns;

static inline uint64_t read_counter(void)
{
    /* Keep the read from being hoisted above earlier instructions. */
    isb();
    return READ_SYSREG(cntpct_el0);
}

void time_early_init(void)
{
    counter_hz = READ_SYSREG(cntfrq_el0) & 0xffffffffUL;
    if (!counter_hz) {
        /* Firmware should have set it; QEMU virt's counter runs at 62.5 MHz. */
        printk("arm64: CNTFRQ_EL0 is 0, assuming 62.5 MHz\n");
        counter_hz = 62500000;
    }
    ns_per_tick = NSEC_PER_SEC % counter_hz ? 0 : NSEC_PER_SEC / counter_hz;
    boot_count = read_counter();
}

void time_cpu_init(void)
{
    WRITE_SYSREG(0, cnthp_ctl_el2);
    WRITE_SYSREG(0, cntp_ctl_el0);
    WRITE_SYSREG(0, cntv_ctl_el0);
    WRITE_SYSREG(0, cntvoff_el2);
    WRITE_SYSREG(CNTHCTL_EL2_EL1PCTEN, cnthctl_el2);
    isb();
}

/*
 * Exact (rounded down), so that ticks_to_ns(ns_to_ticks(t)) >= t: a timer
 * programmed for t never fires at a time that reads as before t.
 */
static uint64_t ticks_to_ns(uint64_t ticks)
{
    if (ns_per_tick)
        return ticks * ns_per_tick;
    return ticks / counter_hz * NSEC_PER_SEC + ticks % counter_hz * NSEC_PER_SEC / counter_hz;
}

/* Rounded up: a deadline must never fire early.  Saturates. */
static uint64_t ns_to_ticks(uint64_t ns)
{
    uint64_t secs = ns / NSEC_PER_SEC, rem = ns % NSEC_PER_SEC;

    if (secs > (UINT64_MAX - counter_hz) / counter_hz)
        return UINT64_MAX;
    return secs * counter_hz + (rem * counter_hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
}

static uint64_t us_to_ticks(uint64_t us)
{
    uint64_t hz = counter_hz ? counter_hz : 62500000;

    return (us * hz + 999999) / 1000000;
}

uint64_t counter_deadline_us(uint64_t us)
{
    return read_counter() + us_to_ticks(us);
}

bool counter_passed(uint64_t deadline)
{
    return (int64_t)(read_counter() - deadline) >= 0;
}

#define PATIENT_GAP_US 50000

void patient_wait_start(struct patient_wait *w, uint64_t us)
{
    w->last = read_counter();
    w->spent = 0;
    w->limit = us_to_ticks(us);
    w->gap = us_to_ticks(PATIENT_GAP_US);
}

bool patient_wait_over(struct patient_wait *w)
{
    uint64_t now = read_counter(), step = now - w->last;

    w->last = now;
    if (step < w->gap)
        w->spent += step;
    return w->spent >= w->limit;
}

uint64_t arch_now_ns(void)
{
    return ticks_to_ns(read_counter() - boot_count);
}

void arch_timer_program(uint64_t deadline_ns)
{
    uint64_t ticks;

    if (!deadline_ns) {
        WRITE_SYSREG(0, cnthp_ctl_el2);
        isb();
        return;
    }
    ticks = ns_to_ticks(deadline_ns);
    /* Far beyond any uptime: park the compare value at the end of time. */
    WRITE_SYSREG(ticks > UINT64_MAX - boot_count ? UINT64_MAX : boot_count + ticks,
                 cnthp_cval_el2);
    WRITE_SYSREG(CNT_CTL_ENABLE, cnthp_ctl_el2);
    isb();
}

void timer_irq(void)
{
    this_arm_cpu()->timer_irqs++;
    /* Level-triggered: the line stays up until the timer is disabled. */
    WRITE_SYSREG(0, cnthp_ctl_el2);
    isb();
    if (selftest_armed && arch_smp_processor_id() == 0) {
        selftest_fired_ns = arch_now_ns();
        selftest_armed = false;
        return;
    }
    timer_interrupt();
}

void timer_selftest(void)
{
    uint64_t start, deadline, cval, ctl;
    struct patient_wait give_up;
    unsigned long flags;

    /* Whatever common code had armed is put back afterwards. */
    flags = arch_irq_save();
    ctl = READ_SYSREG(cnthp_ctl_el2);
    cval = READ_SYSREG(cnthp_cval_el2);
    selftest_fired_ns = 0;
    selftest_armed = true;
    start = arch_now_ns();
    deadline = start + 1000000;
    arch_timer_program(deadline);
    patient_wait_start(&give_up, 10000000);

    /* Spin rather than wfi: if the timer never fires, nothing would wake us. */
    arch_irq_enable();
    while (selftest_armed && !patient_wait_over(&give_up))
        arch_cpu_relax();
    arch_irq_disable();

    if (selftest_armed) {
        selftest_armed = false;
        WRITE_SYSREG(0, cnthp_ctl_el2);
        isb();
        panic("timer: the 1 ms one-shot on the EL2 physical timer (INTID %u) never fired",
              timer_hyp_intid);
    }
    if (selftest_fired_ns < deadline)
        panic("timer: one-shot fired %llu ns early",
              (unsigned long long)(deadline - selftest_fired_ns));
    printk("timer: ok (1 ms one-shot on INTID %u fired after %llu us, counter %llu Hz)\n",
           timer_hyp_intid, (unsigned long long)(selftest_fired_ns - start) / 1000,
           (unsigned long long)counter_hz);

    WRITE_SYSREG(cval, cnthp_cval_el2);
    WRITE_SYSREG(ctl, cnthp_ctl_el2);
    isb();
    arch_irq_restore(flags);
}
