/*
 * Exceptions and interrupts: the IDT, the register frame the entry stubs
 * build (entry.S), and the interrupt vectors we use.
 */
#ifndef ASM_X86_TRAPS_H
#define ASM_X86_TRAPS_H

/* Exception vectors with names used in code. */
#define X86_EXC_NMI     2
#define X86_EXC_DF      8
#define X86_EXC_PF      14
#define X86_EXC_MC      18
#define X86_NR_EXCEPTIONS 32

/*
 * Interrupt vectors.  The legacy PICs are moved to 0x20-0x2f (and
 * masked) so that their spurious interrupts cannot look like exceptions;
 * the local APIC's own vectors sit in the highest priority class.
 */
#define VECTOR_PIC_BASE     0x20
#define VECTOR_CONSOLE      0x30    /* console UART input (ISA IRQ 4) */
#define VECTOR_TIMER        0xf0    /* local APIC timer */
#define VECTOR_SOFTIRQ      0xf1    /* IPI: look at your softirqs */
#define VECTOR_APIC_ERROR   0xfe
#define VECTOR_SPURIOUS     0xff    /* low nibble all ones, as old APICs need */

#ifndef __ASSEMBLY__
#include <xen/types.h>
#include <xen/compiler.h>

/* What entry.S pushes, lowest address first. */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    /* pushed by the CPU */
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Build the shared IDT (once) and load it on this CPU. */
void x86_load_idt(void);

/* C side of every vector (entry.S). */
void x86_trap(struct cpu_regs *regs);

/*
 * Stop every other online CPU (NMI) so that a crash report or a halt is
 * the last thing the machine does; returns once they are stopped or a
 * short wait ran out, with the number that stopped.
 */
unsigned int x86_stop_other_cpus(void);

/* Re-base the legacy 8259 PICs above the exceptions and mask them. */
void pic_disable(void);

/* Report a fatal exception and stop the machine (traps.c). */
noreturn void x86_fatal_trap(const struct cpu_regs *regs);
#endif

#endif /* ASM_X86_TRAPS_H */
