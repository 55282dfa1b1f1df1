/*
 * The interface every architecture implements for common code.
 *
 * Common code includes only this header (never an architecture's asm/
 * internals); each arch provides the functions in xen/arch/<arch>/.
 * Host unit tests link a fake architecture implementing the same set.
 */
#ifndef XEN_ARCH_H
#define XEN_ARCH_H

#include <xen/compiler.h>
#include <xen/types.h>

struct boot_info;

/* ------------------------------------------------------------ CPU */

/* Stop this CPU for good: power the machine off where the platform can. */
noreturn void arch_halt(void);

/* Spin-wait hint for busy loops (e.g. "yield"/"pause"). */
void arch_cpu_relax(void);

/* Index of the CPU we run on, 0 .. CONFIG_NR_CPUS-1 (0 = boot CPU). */
unsigned int arch_smp_processor_id(void);

/* Wait for an interrupt (called by the idle loop with IRQs enabled). */
void arch_idle_wait(void);

/* ------------------------------------------------------------ IRQ mask */

/* Mask this CPU's interrupts and return the previous state. */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
void arch_irq_disable(void);
bool arch_irqs_enabled(void);

/* ------------------------------------------------------------ memory */

/*
 * Every RAM page the heap hands out is reachable through the direct map:
 * these convert between machine addresses and hypervisor virtual ones.
 */
void *arch_maddr_to_virt(paddr_t ma);
paddr_t arch_virt_to_maddr(const void *va);

/*
 * Called by start_xen_common() after the banner, just before the heap is
 * built: complete the heap fields of *bi (image_start/image_end,
 * dmap_start/dmap_end, rsv[]; see boot_info.h) if early setup did not.
 * On return arch_maddr_to_virt() must work for all RAM in the direct map.
 */
void arch_heap_prepare(struct boot_info *bi);

/* ------------------------------------------------------------ time */

/* System time: nanoseconds since boot, monotonic, same on every CPU. */
uint64_t arch_now_ns(void);

/*
 * Arm this CPU's one-shot timer to fire at system time `deadline_ns`
 * (0 disarms it).  When it fires, the arch calls timer_interrupt().
 */
void arch_timer_program(uint64_t deadline_ns);

/* ------------------------------------------------------------ SMP */

/* Interrupt `cpu` so that it looks at its pending softirqs. */
void arch_send_softirq_ipi(unsigned int cpu);

/*
 * Late arch setup, called by start_xen_common() once the heap, xmalloc,
 * softirqs and timers work: interrupt controller, timer interrupt,
 * secondary CPUs (each calls start_secondary_common()).
 */
void arch_init_late(struct boot_info *bi);

#endif /* XEN_ARCH_H */
