/*
 * Spinlocks: FIFO ticket locks.
 *
 * Taking a lock draws a ticket (`next`), then waits until `owner` reaches
 * it; releasing hands the lock to the following ticket, so waiters are
 * served in arrival order.  The _irqsave/_irq variants also mask this
 * CPU's interrupts, as needed for any lock an IRQ handler may take.
 * A recursive lock may be re-taken by the CPU that holds it.
 */
#ifndef XEN_SPINLOCK_H
#define XEN_SPINLOCK_H

#include <xen/types.h>
#include <xen/arch.h>
#include <xen/atomic.h>

#define SPINLOCK_NO_CPU 0xffffu

typedef struct spinlock {
    union {
        uint32_t word;              /* both tickets, for trylock's CAS */
        struct {
            uint16_t owner;         /* ticket now holding the lock */
            uint16_t next;          /* ticket the next locker gets */
        } t;
    };
    uint16_t recurse_cpu;           /* holder of a recursive lock */
    uint16_t recurse_cnt;           /* its nesting depth */
} spinlock_t;

#define SPIN_LOCK_UNLOCKED \
    { { .word = 0 }, .recurse_cpu = SPINLOCK_NO_CPU, .recurse_cnt = 0 }
#define DEFINE_SPINLOCK(name) spinlock_t name = SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *l)
{
    *l = (spinlock_t)SPIN_LOCK_UNLOCKED;
}

static inline void spin_lock(spinlock_t *l)
{
    uint16_t ticket = __atomic_fetch_add(&l->t.next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&l->t.owner, __ATOMIC_ACQUIRE) != ticket)
        arch_cpu_relax();
}

/* Take the lock only if nobody holds or waits for it. */
static inline bool spin_trylock(spinlock_t *l)
{
    spinlock_t old, new;

    old.word = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
    if (old.t.owner != old.t.next)
        return false;
    new.word = old.word;
    new.t.next++;
    return __atomic_compare_exchange_n(&l->word, &old.word, new.word, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
    /* Only the holder writes `owner`, so a plain read of it is stable. */
    store_release(&l->t.owner, (uint16_t)(l->t.owner + 1));
}

/* A snapshot: true if held (or being waited for) by anyone. */
static inline bool spin_is_locked(const spinlock_t *l)
{
    spinlock_t s;

    s.word = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
    return s.t.owner != s.t.next;
}

static inline unsigned long spin__lock_irqsave(spinlock_t *l)
{
    unsigned long flags = arch_irq_save();

    spin_lock(l);
    return flags;
}

#define spin_lock_irqsave(l, flags) ((flags) = spin__lock_irqsave(l))

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    arch_irq_restore(flags);
}

/* For code that knows interrupts are enabled on entry. */
static inline void spin_lock_irq(spinlock_t *l)
{
    arch_irq_disable();
    spin_lock(l);
}

static inline void spin_unlock_irq(spinlock_t *l)
{
    spin_unlock(l);
    arch_irq_enable();
}

/* ------------------------------------------------------------ recursive */

static inline void spin_lock_recursive(spinlock_t *l)
{
    uint16_t cpu = (uint16_t)arch_smp_processor_id();

    /* Only this CPU can have stored its own number here. */
    if (read_atomic(&l->recurse_cpu) != cpu) {
        spin_lock(l);
        write_atomic(&l->recurse_cpu, cpu);
    }
    l->recurse_cnt++;
}

static inline void spin_unlock_recursive(spinlock_t *l)
{
    if (--l->recurse_cnt == 0) {
        write_atomic(&l->recurse_cpu, (uint16_t)SPINLOCK_NO_CPU);
        spin_unlock(l);
    }
}

#endif /* XEN_SPINLOCK_H */
