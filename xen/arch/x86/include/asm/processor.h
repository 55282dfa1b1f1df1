/* Control registers, MSRs, CPUID and small CPU primitives. */
#ifndef ASM_X86_PROCESSOR_H
#define ASM_X86_PROCESSOR_H

#define X86_CR0_PE      (1u << 0)
#define X86_CR0_MP      (1u << 1)
#define X86_CR0_ET      (1u << 4)
#define X86_CR0_NE      (1u << 5)
#define X86_CR0_WP      (1u << 16)
#define X86_CR0_PG      (1u << 31)

#define X86_CR4_PSE     (1u << 4)
#define X86_CR4_PAE     (1u << 5)
#define X86_CR4_PGE     (1u << 7)
#define X86_CR4_LA57    (1u << 12)

#define X86_EFLAGS_IF   (1u << 9)
#define X86_EFLAGS_DF   (1u << 10)

#define MSR_APIC_BASE       0x0000001b
#define  APIC_BASE_BSP      (1u << 8)
#define  APIC_BASE_EXTD     (1u << 10)      /* x2APIC mode */
#define  APIC_BASE_ENABLE   (1u << 11)
#define MSR_PAT             0x00000277
#define MSR_EFER            0xc0000080
#define  EFER_SCE           (1u << 0)
#define  EFER_LME           (1u << 8)
#define  EFER_LMA           (1u << 10)
#define  EFER_NXE           (1u << 11)
#define MSR_FS_BASE         0xc0000100
#define MSR_GS_BASE         0xc0000101
#define MSR_KERNEL_GS_BASE  0xc0000102

/* The power-on PAT: WB, WT, UC-, UC, twice (PCD/PWT select the first 4). */
#define PAT_POWER_ON        0x0007040600070406ULL

#define CPUID_EXT_LEAF_MAX  0x80000000
#define CPUID_EXT_FEATURES  0x80000001
#define CPUID_EXT_EDX_LM    29          /* bit: long mode */

/* CPUID feature bits we look at: leaf 1 and leaf 0x80000001. */
#define CPUID1_EDX_TSC      (1u << 4)
#define CPUID1_EDX_MSR      (1u << 5)
#define CPUID1_EDX_APIC     (1u << 9)
#define CPUID1_EDX_PGE      (1u << 13)
#define CPUID1_EDX_PAT      (1u << 16)
#define CPUID1_ECX_X2APIC   (1u << 21)
#define CPUID1_ECX_TSCDL    (1u << 24)
#define CPUIDX1_EDX_NX      (1u << 20)
#define CPUIDX1_EDX_PAGE1G  (1u << 26)
#define CPUIDX7_EDX_INVTSC  (1u << 8)   /* leaf 0x80000007 */

#ifndef __ASSEMBLY__
#include <xen/types.h>
#include <xen/compiler.h>

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t sub)
{
    struct cpuid_regs r;

    asm volatile ("cpuid"
                  : "=a" (r.eax), "=b" (r.ebx), "=c" (r.ecx), "=d" (r.edx)
                  : "a" (leaf), "c" (sub));
    return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
    return cpuid_count(leaf, 0);
}

/* Extended leaf, or all zeroes when the CPU does not have it. */
static inline struct cpuid_regs cpuid_ext(uint32_t leaf)
{
    if (cpuid(CPUID_EXT_LEAF_MAX).eax < leaf)
        return (struct cpuid_regs){ 0, 0, 0, 0 };
    return cpuid(leaf);
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    asm volatile ("rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    asm volatile ("wrmsr" : : "c" (msr), "a" ((uint32_t)v),
                  "d" ((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile ("rdtsc" : "=a" (lo), "=d" (hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void)
{
    asm volatile ("pause" ::: "memory");
}

static inline void local_irq_disable(void)
{
    asm volatile ("cli" ::: "memory");
}

static inline void local_irq_enable(void)
{
    asm volatile ("sti" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
    uint64_t f;

    asm volatile ("pushf; pop %0" : "=r" (f) : : "memory");
    return f;
}

static inline uint64_t read_cr0(void)
{
    uint64_t v;

    asm volatile ("mov %%cr0, %0" : "=r" (v));
    return v;
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

static inline uint64_t read_cr4(void)
{
    uint64_t v;

    asm volatile ("mov %%cr4, %0" : "=r" (v));
    return v;
}

static inline void write_cr4(uint64_t v)
{
    asm volatile ("mov %0, %%cr4" : : "r" (v) : "memory");
}

static inline noreturn void halt_forever(void)
{
    for (;;)
        asm volatile ("cli; hlt" ::: "memory");
}
#endif /* !__ASSEMBLY__ */

#endif /* ASM_X86_PROCESSOR_H */
