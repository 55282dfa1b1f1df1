/*
 * Atomic operations and memory barriers, built on the GCC __atomic
 * builtins so that common code needs nothing from an architecture.
 *
 * Plain read_atomic()/write_atomic() are single-copy atomic with no
 * ordering; the atomic_t operations that return a value are fully ordered
 * (sequentially consistent), the void ones are relaxed.
 */
#ifndef XEN_ATOMIC_H
#define XEN_ATOMIC_H

#include <xen/types.h>

/* Compiler-only barrier. */
#define barrier()       __asm__ __volatile__("" ::: "memory")

/* CPU barriers between processors (and with IRQ handlers on this one). */
#define smp_mb()        __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()       __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()       __atomic_thread_fence(__ATOMIC_RELEASE)

/* Access a shared scalar exactly once, without tearing. */
#define read_atomic(p)      __atomic_load_n(p, __ATOMIC_RELAXED)
#define write_atomic(p, v)  __atomic_store_n(p, v, __ATOMIC_RELAXED)
#define load_acquire(p)     __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)

/* Generic exchange helpers on any naturally aligned scalar; return the old value. */
#define xchg(p, v)          __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)
#define cmpxchg(p, old, new) ({                                           \
    __typeof__(*(p)) o__ = (old);                                         \
    __atomic_compare_exchange_n(p, &o__, new, false,                      \
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);      \
    o__; })

typedef struct { int counter; } atomic_t;
typedef struct { int64_t counter; } atomic64_t;

#define ATOMIC_INIT(i) { (i) }

static inline int atomic_read(const atomic_t *v)
{
    return read_atomic(&v->counter);
}

static inline void atomic_set(atomic_t *v, int i)
{
    write_atomic(&v->counter, i);
}

static inline void atomic_add(int i, atomic_t *v)
{
    __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);
}

static inline void atomic_sub(int i, atomic_t *v)
{
    __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);
}

static inline void atomic_inc(atomic_t *v) { atomic_add(1, v); }
static inline void atomic_dec(atomic_t *v) { atomic_sub(1, v); }

static inline int atomic_add_return(int i, atomic_t *v)
{
    return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline int atomic_sub_return(int i, atomic_t *v)
{
    return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline int atomic_inc_return(atomic_t *v) { return atomic_add_return(1, v); }
static inline int atomic_dec_return(atomic_t *v) { return atomic_sub_return(1, v); }

static inline bool atomic_dec_and_test(atomic_t *v)
{
    return atomic_sub_return(1, v) == 0;
}

/* Returns the value before the exchange (== old on success). */
static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
    return cmpxchg(&v->counter, old, new);
}

static inline int atomic_xchg(atomic_t *v, int new)
{
    return xchg(&v->counter, new);
}

/* Add `a` unless the counter equals `u`; returns the value seen before. */
static inline int atomic_add_unless(atomic_t *v, int a, int u)
{
    int c = atomic_read(v);

    while (c != u &&
           !__atomic_compare_exchange_n(&v->counter, &c, c + a, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
    return c;
}

static inline int64_t atomic64_read(const atomic64_t *v)
{
    return read_atomic(&v->counter);
}

static inline void atomic64_set(atomic64_t *v, int64_t i)
{
    write_atomic(&v->counter, i);
}

static inline int64_t atomic64_add_return(int64_t i, atomic64_t *v)
{
    return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline void atomic64_add(int64_t i, atomic64_t *v)
{
    __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);
}

#endif /* XEN_ATOMIC_H */
