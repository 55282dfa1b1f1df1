/*
 * Interrupt masking and the IRQ path.
 *
 * vector (entry.S) -> registers saved -> acknowledge (ICC_IAR1_EL1),
 * dispatch, EOI, until nothing is pending -> do_softirq() if anything is
 * pending for this CPU -> registers restored -> eret.  Handlers run with
 * IRQs masked; softirqs run with the interrupted context's state for
 * hypervisor interrupts (masked), with IRQs enabled on the way to a guest.
 */
#include <xen/arch.h>
#include <xen/console.h>
#include <xen/softirq.h>
#include <asm/cpu.h>
#include <asm/gic.h>
#include <asm/setup.h>
#include <asm/sysregs.h>
#include <asm/time.h>

unsigned long arch_irq_save(void)
{
    unsigned long flags = READ_SYSREG(daif);

    asm volatile ("msr daifset, #2" : : : "memory");
    return flags;
}

void arch_irq_restore(unsigned long flags)
{
    WRITE_SYSREG(flags, daif);
}

void arch_irq_enable(void)
{
    asm volatile ("msr daifclr, #2" : : : "memory");
}

void arch_irq_disable(void)
{
    asm volatile ("msr daifset, #2" : : : "memory");
}

bool arch_irqs_enabled(void)
{
    return !(READ_SYSREG(daif) & DAIF_I);
}

void arch_idle_wait(void)
{
    /*
     * An interrupt that raced with the idle loop's softirq check has run
     * do_softirq() on its way out already, so sleeping here loses nothing.
     */
    asm volatile ("dsb sy; wfi" : : : "memory");
}

/* Another CPU panicked: stop here for good, quietly. */
static noreturn void stop_this_cpu(void)
{
    for (;;)
        asm volatile ("msr daifset, #0xf; wfi" : : : "memory");
}

static void handle_sgi(uint32_t sgi)
{
    switch (sgi) {
    case SGI_SOFTIRQ:
        /* Nothing to do here: softirqs run on the way out. */
        break;
    case SGI_PING:
        __atomic_fetch_add(&this_arm_cpu()->ipi_pings, 1, __ATOMIC_RELEASE);
        break;
    case SGI_STOP:
        stop_this_cpu();
    default:
        printk("CPU%u: unexpected SGI %u\n", arch_smp_processor_id(), sgi);
        break;
    }
}

static void handle_irqs(void)
{
    for (;;) {
        uint32_t intid = gic_ack();

        if (intid >= GIC_SPURIOUS_FIRST)
            break;
        if (intid < GIC_NR_SGIS) {
            handle_sgi(intid);
        } else if (intid == timer_hyp_intid) {
            timer_irq();
        } else {
            /* Nobody asked for it: keep it from coming back. */
            printk("CPU%u: unexpected interrupt %u, disabled\n",
                   arch_smp_processor_id(), intid);
            gic_set_enabled(intid, false);
        }
        gic_eoi(intid);
    }
}

void arm64_irq_hyp(struct trap_frame *regs)
{
    (void)regs;
    handle_irqs();
    if (softirq_pending(arch_smp_processor_id()))
        do_softirq();
}

void arm64_irq_guest(struct trap_frame *regs)
{
    handle_irqs();
    arm64_leave_hypervisor(regs);
}

/* Last stop before returning to a guest: no softirq left behind. */
void arm64_leave_hypervisor(struct trap_frame *regs)
{
    unsigned int cpu = arch_smp_processor_id();

    (void)regs;
    while (softirq_pending(cpu)) {
        arch_irq_enable();
        do_softirq();
        arch_irq_disable();
    }
}
