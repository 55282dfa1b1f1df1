/*
 * One-shot timers on system time (nanoseconds, see arch_now_ns()).
 *
 * Each timer belongs to one CPU; its callback runs there, from
 * TIMER_SOFTIRQ, with no timer lock held, so it may set, stop or kill any
 * timer (itself included).  Each CPU keeps its active timers sorted by
 * deadline and arms its hardware timer (arch_timer_program()) for the
 * earliest; the arch calls timer_interrupt() when that fires.
 */
#ifndef XEN_TIMER_H
#define XEN_TIMER_H

#include <xen/types.h>
#include <xen/list.h>
#include <xen/arch.h>

typedef uint64_t s_time_t;      /* system time in ns */

#define NOW()           ((s_time_t)arch_now_ns())
#define SECONDS(s)      ((s_time_t)(s) * 1000000000ULL)
#define MILLISECS(ms)   ((s_time_t)(ms) * 1000000ULL)
#define MICROSECS(us)   ((s_time_t)(us) * 1000ULL)
#define NANOSECS(ns)    ((s_time_t)(ns))
#define STIME_MAX       (~(s_time_t)0)

enum timer_status {
    TIMER_STATUS_INVALID = 0,   /* never initialised (zeroed memory) */
    TIMER_STATUS_INACTIVE,      /* initialised, not queued */
    TIMER_STATUS_ACTIVE,        /* queued on its CPU */
    TIMER_STATUS_KILLED,        /* killed: set_timer() is ignored */
};

struct timer {
    s_time_t expires;           /* deadline while active */
    void (*fn)(void *data);
    void *data;
    struct list_node link;      /* in its CPU's queue while active */
    uint16_t cpu;               /* CPU it fires on */
    uint8_t status;             /* enum timer_status */
};

/* Reset every CPU's queue (start of day, host tests). */
void timer_init(void);

/* Prepare `t` to call fn(data) on `cpu`.  `t` must not be active. */
void init_timer(struct timer *t, void (*fn)(void *data), void *data,
                unsigned int cpu);

/* (Re)arm `t` for system time `expires`; a past deadline fires at once. */
void set_timer(struct timer *t, s_time_t expires);

/* Disarm `t` if active (its callback may already be running). */
void stop_timer(struct timer *t);

/*
 * Disarm `t` for good and wait until its callback is not running on
 * another CPU; afterwards `t` may be freed.  init_timer() revives it.
 */
void kill_timer(struct timer *t);

/* Move `t` to another CPU, keeping it armed if it was. */
void migrate_timer(struct timer *t, unsigned int new_cpu);

bool timer_is_active(const struct timer *t);

/* Earliest deadline queued on `cpu`, STIME_MAX if none. */
s_time_t timer_next_deadline(unsigned int cpu);

/* Called by the arch from its timer interrupt handler. */
void timer_interrupt(void);

#endif /* XEN_TIMER_H */
