/*
 * Interrupt masking, the IRQ path and the way back into a guest.
 *
 * vector (entry.S) -> registers saved -> acknowledge (ICC_IAR1_EL1),
 * dispatch, EOI, until nothing is pending -> softirqs -> registers
 * restored -> eret.  Handlers run with IRQs masked.
 *
 * Softirqs (the scheduler among them) run:
 *   - after an interrupt of the hypervisor itself, with IRQs still masked,
 *     but only when no guest vCPU is current (the idle loop, start of
 *     day): code running for a guest, say a hypercall with IRQs enabled,
 *     must not have the vCPU switched under its feet; its softirqs wait
 *     for the way out;
 *   - on every way back to a guest (arm64_leave_hypervisor()), with IRQs
 *     enabled, until none is left.
 */
#include <xen/arch.h>
#include <xen/console.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <asm/vgic.h>
#include <asm/cpu.h>
#include <asm/domain.h>
#include <asm/gic.h>
#include <asm/pl011.h>
#include <asm/setup.h>
#include <asm/sysregs.h>
#include <asm/time.h>
#include <asm/traps.h>

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

/* Is a guest vCPU (not the idle one, not none yet) current on this CPU? */
static bool guest_is_current(void)
{
    struct vcpu *v = current;

    return v && !is_idle_vcpu(v);
}

void arch_idle_wait(void)
{
    /*
     * The scheduler may have made a guest vCPU current from a softirq:
     * go and run it.  Otherwise sleep.  With IRQs masked from the check
     * to the wfi, an interrupt that makes a guest current cannot slip in
     * between (it wakes the wfi and is taken once IRQs are enabled again,
     * the next call sees the guest).  An interrupt that raced with the
     * idle loop's softirq check has run do_softirq() on its way out.
     */
    arch_irq_disable();
    if (guest_is_current())
        arch_enter_guest();
    asm volatile ("dsb sy; wfi" : : : "memory");
    arch_irq_enable();
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
        } else if (intid == GUEST_VTIMER_PPI) {
            /* The EL1 virtual timer of the guest loaded on this CPU. */
            vtimer_interrupt();
        } else if (intid == GIC_MAINTENANCE_PPI) {
            vgic_maintenance_interrupt();
        } else if (pl011_handle_irq(intid)) {
            /* console input, now in the ring */
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
    if (!guest_is_current() && softirq_pending(arch_smp_processor_id()))
        do_softirq();
}

void arm64_irq_guest(struct trap_frame *regs)
{
    (void)regs;
    vgic_sync_lrs(current);
    handle_irqs();
}

struct trap_frame *arm64_leave_hypervisor(void)
{
    for (;;) {
        unsigned int cpu;
        struct vcpu *v;

        arch_irq_disable();
        cpu = arch_smp_processor_id();
        if (softirq_pending(cpu)) {
            arch_irq_enable();
            do_softirq();
            continue;
        }
        v = current;
        if (!v || is_idle_vcpu(v))
            arm64_idle_on_fresh_stack();
        /* Work raised from now on comes as an IPI, taken right after the eret. */
        vgic_flush_lrs(v);
        /* Where its next exception saves its registers (normally set already). */
        this_arm_cpu()->guest_frame = &v->arch->regs;
        return &v->arch->regs;
    }
}
