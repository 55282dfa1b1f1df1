/*
 * Per-CPU state of the x86 code: descriptor tables, stacks, identity.
 * %gs points at the running CPU's struct x86_cpu from its first
 * instruction in C (cpu.c), which is how it knows who it is.
 */
#ifndef ASM_X86_CPU_H
#define ASM_X86_CPU_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/percpu.h>

#define GDT_ENTRIES     5       /* null, code, data, TSS (two slots) */

/* IST slots in the TSS (1-based, as the IDT names them). */
#define IST_DF          1
#define IST_NMI         2
#define IST_MC          3
#define NR_IST          3

struct __packed x86_tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct x86_cpu {
    struct x86_cpu *self;       /* %gs:0 */
    unsigned int id;            /* %gs:8, the CPU number */
    uint32_t apic_id;
    unsigned int trap_depth;    /* nested fatal-exception reports */
    uint64_t gdt[GDT_ENTRIES] __aligned(16);
    struct x86_tss tss __aligned(16);
    uint64_t stack_slot;        /* base of its stack slot, 0 for CPU 0 */
} __aligned(SMP_CACHE_BYTES);

extern struct x86_cpu x86_cpus[NR_CPUS];

#define X86_CPU_ID_OFFSET 8

static inline struct x86_cpu *this_x86_cpu(void)
{
    struct x86_cpu *c;

    asm ("mov %%gs:0, %0" : "=r" (c));
    return c;
}

/* Point %gs at CPU `cpu`'s structure (first thing each CPU does in C). */
void x86_cpu_set_gs(unsigned int cpu);

/*
 * Load CPU `cpu`'s GDT, TSS (IST stacks whose tops are in ist_top[]) and
 * the shared IDT, reload every segment register and %gs, and program PAT.
 */
void x86_cpu_init(unsigned int cpu, const uint64_t ist_top[NR_IST]);

#endif /* ASM_X86_CPU_H */
