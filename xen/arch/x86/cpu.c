/*
 * Per-CPU descriptor tables and identity.
 *
 * Each CPU has its own GDT (so that its TSS descriptor, which the CPU
 * marks busy, is its own) and TSS (IST stacks for #DF, NMI and #MC, so
 * that those run on a known-good stack even when the interrupted one is
 * not); all CPUs share one IDT (traps.c).  %gs holds the address of the
 * CPU's struct x86_cpu, giving arch_smp_processor_id() in one load.
 */
#include <xen/arch.h>
#include <xen/lib.h>
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/processor.h>
#include <asm/traps.h>

BUILD_BUG_ON(sizeof(struct x86_tss) != 104);
BUILD_BUG_ON(__builtin_offsetof(struct x86_cpu, id) != X86_CPU_ID_OFFSET);

struct x86_cpu x86_cpus[NR_CPUS];

/* Code and data descriptors, accessed bits preset (the CPU never writes them). */
#define DESC_CODE64     0x00af9b000000ffffULL
#define DESC_DATA       0x00cf93000000ffffULL
#define DESC_TSS_AVAIL  0x89ULL     /* present, DPL 0, available 64-bit TSS */

struct __packed desc_ptr {
    uint16_t limit;
    uint64_t base;
};

unsigned int arch_smp_processor_id(void)
{
    unsigned int id;

    asm ("mov %%gs:%c1, %0" : "=r" (id) : "i" (X86_CPU_ID_OFFSET));
    return id;
}

void x86_cpu_set_gs(unsigned int cpu)
{
    struct x86_cpu *c = &x86_cpus[cpu];

    c->self = c;
    c->id = cpu;
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
}

static void set_tss_descriptor(uint64_t *gdt, const struct x86_tss *tss)
{
    uint64_t base = (uint64_t)(uintptr_t)tss;
    uint64_t limit = sizeof(*tss) - 1;

    gdt[GDT_SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                           (DESC_TSS_AVAIL << 40) | (((limit >> 16) & 0xf) << 48) |
                           (((base >> 24) & 0xff) << 56);
    gdt[GDT_SEL_TSS / 8 + 1] = base >> 32;
}

void x86_cpu_init(unsigned int cpu, const uint64_t ist_top[NR_IST])
{
    struct x86_cpu *c = &x86_cpus[cpu];
    struct desc_ptr gdtr;

    memset(c->gdt, 0, sizeof(c->gdt));
    c->gdt[GDT_SEL_CODE64 / 8] = DESC_CODE64;
    c->gdt[GDT_SEL_DATA / 8] = DESC_DATA;
    memset(&c->tss, 0, sizeof(c->tss));
    for (unsigned int i = 0; i < NR_IST; i++)
        c->tss.ist[i] = ist_top[i];
    c->tss.iomap_base = sizeof(c->tss);    /* no I/O permission bitmap */
    set_tss_descriptor(c->gdt, &c->tss);

    gdtr.limit = sizeof(c->gdt) - 1;
    gdtr.base = (uint64_t)(uintptr_t)c->gdt;

    /*
     * New GDT, data segments, then CS through a far return.  Loading a
     * null selector into %fs/%gs may clear their bases, so %gs gets its
     * base back afterwards.
     */
    asm volatile ("lgdt %[gdtr]\n\t"
                  "mov %[ds], %%ds\n\t"
                  "mov %[ds], %%es\n\t"
                  "mov %[ds], %%ss\n\t"
                  "mov %[null], %%fs\n\t"
                  "mov %[null], %%gs\n\t"
                  "pushq %[cs]\n\t"
                  "lea 1f(%%rip), %%rax\n\t"
                  "push %%rax\n\t"
                  "lretq\n"
                  "1:\n\t"
                  "ltr %w[tss]"
                  :
                  : [gdtr] "m" (gdtr), [ds] "r" (GDT_SEL_DATA), [null] "r" (0),
                    [cs] "i" (GDT_SEL_CODE64), [tss] "r" (GDT_SEL_TSS)
                  : "rax", "memory");
    x86_cpu_set_gs(cpu);
    x86_load_idt();

    /* Our memory types rely on the power-on PAT: make sure it is that. */
    if (cpuid(1).edx & CPUID1_EDX_PAT)
        wrmsr(MSR_PAT, PAT_POWER_ON);
}
