/*
 * Memory-mapped device access.  Accesses are single, naturally sized
 * loads/stores (the "volatile" keeps the compiler from merging, splitting
 * or reordering them); barriers are left to callers that need ordering
 * against normal memory.
 */
#ifndef ASM_ARM_IO_H
#define ASM_ARM_IO_H

#include <xen/types.h>

static inline uint32_t mmio_read32(uintptr_t addr)
{
    uint32_t v;

    asm volatile ("ldr %w0, [%1]" : "=r" (v) : "r" (addr) : "memory");
    return v;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
    asm volatile ("str %w0, [%1]" : : "rZ" (v), "r" (addr) : "memory");
}

static inline uint64_t mmio_read64(uintptr_t addr)
{
    uint64_t v;

    asm volatile ("ldr %0, [%1]" : "=r" (v) : "r" (addr) : "memory");
    return v;
}

static inline void mmio_write64(uintptr_t addr, uint64_t v)
{
    asm volatile ("str %x0, [%1]" : : "rZ" (v), "r" (addr) : "memory");
}

#endif /* ASM_ARM_IO_H */
