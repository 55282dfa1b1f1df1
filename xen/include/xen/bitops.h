/*
 * Bit operations on words and on bitmaps (arrays of unsigned long, bit 0
 * is the least significant bit of word 0).
 *
 * set_bit() & co. are atomic (relaxed: they order nothing else);
 * test_and_*() are fully ordered; the __-prefixed forms are not atomic
 * and are for data the caller alone can see or has locked.
 */
#ifndef XEN_BITOPS_H
#define XEN_BITOPS_H

#include <xen/types.h>
#include <xen/atomic.h>

#define BITS_PER_BYTE      8
#define BITS_PER_LONG      (sizeof(unsigned long) * BITS_PER_BYTE)
#define BITS_TO_LONGS(n)   (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

#define BIT_WORD(nr)       ((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)       (1UL << ((nr) % BITS_PER_LONG))

/* ------------------------------------------------------------ one word */

/* 1-based index of the lowest / highest set bit, 0 if none (ffs() style). */
static inline unsigned int ffs_ul(unsigned long x)
{
    return x ? (unsigned int)__builtin_ctzl(x) + 1 : 0;
}

static inline unsigned int fls_ul(unsigned long x)
{
    return x ? (unsigned int)(BITS_PER_LONG - __builtin_clzl(x)) : 0;
}

static inline unsigned int ffs64(uint64_t x)
{
    return x ? (unsigned int)__builtin_ctzll(x) + 1 : 0;
}

static inline unsigned int fls64(uint64_t x)
{
    return x ? (unsigned int)(64 - __builtin_clzll(x)) : 0;
}

/* Population count without libgcc (no popcnt instruction assumed). */
static inline unsigned int hweight64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned int)((x * 0x0101010101010101ULL) >> 56);
}

static inline unsigned int hweight_long(unsigned long x)
{
    return hweight64(x);
}

/* ------------------------------------------------------------ bitmaps */

static inline void set_bit(unsigned int nr, unsigned long *addr)
{
    __atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline void clear_bit(unsigned int nr, unsigned long *addr)
{
    __atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline void change_bit(unsigned int nr, unsigned long *addr)
{
    __atomic_fetch_xor(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline bool test_and_set_bit(unsigned int nr, unsigned long *addr)
{
    return __atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr),
                             __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_and_clear_bit(unsigned int nr, unsigned long *addr)
{
    return __atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr),
                              __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_and_change_bit(unsigned int nr, unsigned long *addr)
{
    return __atomic_fetch_xor(&addr[BIT_WORD(nr)], BIT_MASK(nr),
                              __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_bit(unsigned int nr, const unsigned long *addr)
{
    return __atomic_load_n(&addr[BIT_WORD(nr)], __ATOMIC_RELAXED) & BIT_MASK(nr);
}

static inline void __set_bit(unsigned int nr, unsigned long *addr)
{
    addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned int nr, unsigned long *addr)
{
    addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline bool __test_and_set_bit(unsigned int nr, unsigned long *addr)
{
    bool old = addr[BIT_WORD(nr)] & BIT_MASK(nr);

    addr[BIT_WORD(nr)] |= BIT_MASK(nr);
    return old;
}

static inline bool __test_and_clear_bit(unsigned int nr, unsigned long *addr)
{
    bool old = addr[BIT_WORD(nr)] & BIT_MASK(nr);

    addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
    return old;
}

/*
 * Index of the first set (or clear) bit at or after `start`, or `size` if
 * there is none.  Bits at and beyond `size` are never looked at.
 */
static inline unsigned int bitmap__find(const unsigned long *addr,
                                        unsigned int size, unsigned int start,
                                        unsigned long invert)
{
    while (start < size) {
        unsigned long w = (read_atomic(&addr[BIT_WORD(start)]) ^ invert) &
                          (~0UL << (start % BITS_PER_LONG));

        if (w) {
            unsigned int bit = (unsigned int)(BIT_WORD(start) * BITS_PER_LONG) +
                               (unsigned int)__builtin_ctzl(w);

            return bit < size ? bit : size;
        }
        start = (unsigned int)((BIT_WORD(start) + 1) * BITS_PER_LONG);
    }
    return size;
}

static inline unsigned int find_next_bit(const unsigned long *addr,
                                         unsigned int size, unsigned int start)
{
    return bitmap__find(addr, size, start, 0);
}

static inline unsigned int find_next_zero_bit(const unsigned long *addr,
                                              unsigned int size, unsigned int start)
{
    return bitmap__find(addr, size, start, ~0UL);
}

static inline unsigned int find_first_bit(const unsigned long *addr, unsigned int size)
{
    return find_next_bit(addr, size, 0);
}

static inline unsigned int find_first_zero_bit(const unsigned long *addr,
                                               unsigned int size)
{
    return find_next_zero_bit(addr, size, 0);
}

/* Iterate over the set bits of a bitmap of `size` bits. */
#define for_each_set_bit(bit, addr, size)                                 \
    for ((bit) = find_first_bit(addr, size); (bit) < (size);              \
         (bit) = find_next_bit(addr, size, (bit) + 1))

static inline unsigned int bitmap_weight(const unsigned long *addr, unsigned int size)
{
    unsigned int w = 0, i;

    for (i = 0; i < size / BITS_PER_LONG; i++)
        w += hweight_long(read_atomic(&addr[i]));
    if (size % BITS_PER_LONG)
        w += hweight_long(read_atomic(&addr[i]) & (BIT_MASK(size) - 1));
    return w;
}

#endif /* XEN_BITOPS_H */
