/* Control registers, MSRs and small CPU primitives. */
#ifndef ASM_X86_PROCESSOR_H
#define ASM_X86_PROCESSOR_H

#define X86_CR0_PE      (1u << 0)
#define X86_CR0_MP      (1u << 1)
#define X86_CR0_ET      (1u << 4)
#define X86_CR0_NE      (1u << 5)
#define X86_CR0_WP      (1u << 16)
#define X86_CR0_PG      (1u << 31)

#define X86_CR4_PAE     (1u << 5)
#define X86_CR4_LA57    (1u << 12)

#define MSR_EFER        0xc0000080
#define EFER_LME        (1u << 8)

#define CPUID_EXT_LEAF_MAX  0x80000000
#define CPUID_EXT_FEATURES  0x80000001
#define CPUID_EXT_EDX_LM    29          /* bit: long mode */

#ifndef __ASSEMBLY__
#include <xen/types.h>

static inline void cpu_relax(void)
{
    asm volatile ("pause" ::: "memory");
}

static inline void local_irq_disable(void)
{
    asm volatile ("cli" ::: "memory");
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;

    asm volatile ("mov %%cr2, %0" : "=r" (v));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;

    asm volatile ("mov %%cr3, %0" : "=r" (v));
    return v;
}

static inline void write_cr3(uint64_t v)
{
    asm volatile ("mov %0, %%cr3" : : "r" (v) : "memory");
}
#endif /* !__ASSEMBLY__ */

#endif /* ASM_X86_PROCESSOR_H */
