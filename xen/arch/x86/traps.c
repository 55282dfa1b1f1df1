/*
 * Exceptions and interrupts.
 *
 * One IDT, shared by all CPUs, sends every vector through entry.S to
 * x86_trap().  Exceptions (vectors 0-31) in the hypervisor are bugs: they
 * produce a crash report (vector, error code decoded, the faulting RIP,
 * control registers, every general register, the top of the stack) and
 * stop the machine.  #DF, NMI and #MC run on IST stacks, so even a
 * blown stack gets its report.  Interrupts (32-255) are dispatched here;
 * pending softirqs run on the way out when the interrupted code had
 * interrupts enabled.
 *
 * Stopping the machine: the CPU that crashes (or halts) first sends an
 * NMI to every other CPU, whose NMI handler sees `stopping` and halts.
 */
#include <xen/arch.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <asm/ns16550.h>
#include <asm/traps.h>

#define NR_VECTORS       256
#define STUB_SIZE        16     /* entry.S aligns each stub to 16 bytes */
#define IDT_TYPE_INTGATE 0x8e   /* present, DPL 0, 64-bit interrupt gate */

#define PIC1_CMD         0x20
#define PIC1_DATA        0x21
#define PIC2_CMD         0xa0
#define PIC2_DATA        0xa1
#define PIC_EOI          0x20
#define PIC_ICW1_INIT    0x11    /* edge, cascade, ICW4 follows */
#define PIC_ICW4_8086    0x01

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};
BUILD_BUG_ON(sizeof(struct idt_entry) != 16);
BUILD_BUG_ON(sizeof(struct cpu_regs) != 22 * 8);

struct __packed idt_pointer {
    uint16_t limit;
    uint64_t base;
};

extern const char x86_vector_stubs[];

static struct idt_entry idt[NR_VECTORS] __aligned(16);
static bool idt_built;

static bool stopping;               /* other CPUs are being halted */
static unsigned int nr_stopped;
static unsigned long nr_pic_spurious;

static const char *const exception_names[X86_NR_EXCEPTIONS] = {
    [0] = "divide error (#DE)",          [1] = "debug (#DB)",
    [2] = "NMI",                         [3] = "breakpoint (#BP)",
    [4] = "overflow (#OF)",              [5] = "bound range (#BR)",
    [6] = "invalid opcode (#UD)",        [7] = "device not available (#NM)",
    [8] = "double fault (#DF)",          [10] = "invalid TSS (#TS)",
    [11] = "segment not present (#NP)",  [12] = "stack fault (#SS)",
    [13] = "general protection (#GP)",   [14] = "page fault (#PF)",
    [16] = "x87 error (#MF)",            [17] = "alignment check (#AC)",
    [18] = "machine check (#MC)",        [19] = "SIMD error (#XM)",
    [20] = "virtualisation (#VE)",       [21] = "control protection (#CP)",
    [29] = "VMM communication (#VC)",    [30] = "security (#SX)",
};

static void build_idt(void)
{
    for (unsigned int v = 0; v < NR_VECTORS; v++) {
        uint64_t handler = (uint64_t)(uintptr_t)(x86_vector_stubs + v * STUB_SIZE);
        uint8_t ist = v == X86_EXC_DF ? IST_DF :
                      v == X86_EXC_NMI ? IST_NMI :
                      v == X86_EXC_MC ? IST_MC : 0;

        idt[v] = (struct idt_entry){
            .offset_low = (uint16_t)handler,
            .selector = GDT_SEL_CODE64,
            .ist = ist,
            .type_attr = IDT_TYPE_INTGATE,
            .offset_mid = (uint16_t)(handler >> 16),
            .offset_high = (uint32_t)(handler >> 32),
        };
    }
    idt_built = true;
}

void x86_load_idt(void)
{
    struct idt_pointer ptr;

    if (!idt_built)
        build_idt();
    ptr.limit = sizeof(idt) - 1;
    ptr.base = (uint64_t)(uintptr_t)idt;
    asm volatile ("lidt %0" : : "m" (ptr));
}

/* ------------------------------------------------------------ stopping */

unsigned int x86_stop_other_cpus(void)
{
    unsigned int others = num_online_cpus() - 1;

    if (!apic_ready() || num_online_cpus() <= 1)
        return 0;
    /* Someone else is stopping everybody, us included: wait for it. */
    if (xchg(&stopping, true))
        halt_forever();
    apic_send_nmi_allbutself();
    /* Give them a moment, so that their output does not mix with ours. */
    for (unsigned long spins = 0; spins < 50000000UL &&
                                  read_atomic(&nr_stopped) < others; spins++)
        cpu_relax();
    return read_atomic(&nr_stopped);
}

static noreturn void nmi_stop(void)
{
    __atomic_fetch_add(&nr_stopped, 1, __ATOMIC_SEQ_CST);
    halt_forever();
}

noreturn void arch_halt(void)
{
    /* No ACPI power-off (that needs AML): stop every CPU for good. */
    local_irq_disable();
    x86_stop_other_cpus();
    halt_forever();
}

/* ------------------------------------------------------------ crash report */

static void print_error_code(unsigned int vector, uint64_t ec)
{
    if (vector == X86_EXC_PF) {
        printk(" [%s, %s, %s%s%s%s]",
               ec & 1 ? "protection violation" : "not present",
               ec & 2 ? "write" : "read",
               ec & 4 ? "user" : "supervisor",
               ec & 8 ? ", reserved bit set" : "",
               ec & 16 ? ", instruction fetch" : "",
               ec & 64 ? ", shadow stack" : "");
    } else if ((vector == 10 || vector == 11 || vector == 12 || vector == 13) && ec) {
        static const char *const tables[] = { "GDT", "IDT", "LDT", "IDT" };

        printk(" [%s entry %#llx%s]", tables[(ec >> 1) & 3],
               (unsigned long long)((ec & 0xffff) >> 3),
               ec & 1 ? ", external event" : "");
    }
}

/* Does va lie in a stack guard page?  Then the fault was an overflow. */
static int guard_page_owner(uint64_t va)
{
    extern char boot_stack_guard[];
    uint64_t g = (uint64_t)(uintptr_t)boot_stack_guard;

    if (va >= g && va < g + PAGE_SIZE)
        return 0;
    if (va >= STACKS_VIRT_START && va < STACKS_VIRT_START + NR_CPUS * STACK_SLOT_SIZE) {
        unsigned int cpu = (unsigned int)((va - STACKS_VIRT_START) / STACK_SLOT_SIZE);

        if (!va_is_mapped(va))
            return (int)cpu;
    }
    return -1;
}

static void dump_stack(uint64_t rsp)
{
    const unsigned int words = 24;

    rsp &= ~7ULL;
    printk("Stack at %016llx:", (unsigned long long)rsp);
    for (unsigned int i = 0; i < words; i++) {
        uint64_t a = rsp + i * 8;

        /* Read only what is mapped: a bad stack must not fault again. */
        if (!va_is_mapped(a)) {
            printk("\n  (unmapped from here)");
            break;
        }
        if (i % 4 == 0)
            printk("\n ");
        printk(" %016llx", (unsigned long long)*(const volatile uint64_t *)(uintptr_t)a);
    }
    printk("\n");
}

noreturn void x86_fatal_trap(const struct cpu_regs *r)
{
    struct x86_cpu *c = this_x86_cpu();
    unsigned int vector = (unsigned int)r->vector;
    const char *name = vector < X86_NR_EXCEPTIONS ? exception_names[vector] : NULL;
    uint64_t cr2 = read_cr2();
    unsigned int stopped;
    int guard;

    local_irq_disable();
    /* A fault while reporting one: the report is what broke, so stop. */
    if (c->trap_depth++)
        halt_forever();
    stopped = x86_stop_other_cpus();

    printk("\n*** CPU %u: Unexpected exception %u: %s, error code %#llx",
           c->id, vector, name ? name : "reserved", (unsigned long long)r->error_code);
    print_error_code(vector, r->error_code);
    printk("\n");
    printk("rip %016llx  cs %04llx  rflags %016llx\n",
           (unsigned long long)r->rip, (unsigned long long)r->cs,
           (unsigned long long)r->rflags);
    printk("rsp %016llx  ss %04llx  cr2 %016llx\n",
           (unsigned long long)r->rsp, (unsigned long long)r->ss,
           (unsigned long long)cr2);
    printk("cr0 %016llx  cr3 %016llx  cr4 %016llx\n",
           (unsigned long long)read_cr0(), (unsigned long long)read_cr3(),
           (unsigned long long)read_cr4());
    printk("rax %016llx  rbx %016llx  rcx %016llx\n",
           (unsigned long long)r->rax, (unsigned long long)r->rbx,
           (unsigned long long)r->rcx);
    printk("rdx %016llx  rsi %016llx  rdi %016llx\n",
           (unsigned long long)r->rdx, (unsigned long long)r->rsi,
           (unsigned long long)r->rdi);
    printk("rbp %016llx  r8  %016llx  r9  %016llx\n",
           (unsigned long long)r->rbp, (unsigned long long)r->r8,
           (unsigned long long)r->r9);
    printk("r10 %016llx  r11 %016llx  r12 %016llx\n",
           (unsigned long long)r->r10, (unsigned long long)r->r11,
           (unsigned long long)r->r12);
    printk("r13 %016llx  r14 %016llx  r15 %016llx\n",
           (unsigned long long)r->r13, (unsigned long long)r->r14,
           (unsigned long long)r->r15);

    guard = guard_page_owner(vector == X86_EXC_PF ? cr2 : r->rsp - 8);
    if ((vector == X86_EXC_PF || vector == X86_EXC_DF) && guard >= 0)
        printk("Stack overflow: CPU %d ran into its stack guard page\n", guard);
    else
        dump_stack(r->rsp);
    if (stopped)
        printk("Other CPUs: %u stopped\n", stopped);

    panic("unexpected exception %u (%s) on CPU %u at rip %016llx", vector,
          name ? name : "reserved", c->id, (unsigned long long)r->rip);
}

/* ------------------------------------------------------------ dispatch */

void pic_disable(void)
{
    /* Re-based to 0x20/0x28 first, so even a spurious IRQ is no exception. */
    outb(PIC_ICW1_INIT, PIC1_CMD);
    outb(PIC_ICW1_INIT, PIC2_CMD);
    outb(VECTOR_PIC_BASE, PIC1_DATA);
    outb(VECTOR_PIC_BASE + 8, PIC2_DATA);
    outb(1u << 2, PIC1_DATA);                   /* slave on IRQ 2 */
    outb(2, PIC2_DATA);
    outb(PIC_ICW4_8086, PIC1_DATA);
    outb(PIC_ICW4_8086, PIC2_DATA);
    outb(0xff, PIC1_DATA);
    outb(0xff, PIC2_DATA);
}

static void pic_spurious(unsigned int vector)
{
    /* The PICs are masked: only spurious IRQ 7/15 get here.  A spurious
       IRQ 15 still came through the master's cascade input. */
    if (vector == VECTOR_PIC_BASE + 15)
        outb(PIC_EOI, PIC1_CMD);
    nr_pic_spurious++;
}

/* The idle vCPU (or none yet, early in boot) is current on this CPU. */
static bool no_guest_current(void)
{
    struct vcpu *v = current;

    return !v || is_idle_vcpu(v);
}

void x86_trap(struct cpu_regs *r)
{
    unsigned int vector = (unsigned int)r->vector;

    if (vector < X86_NR_EXCEPTIONS) {
        if (vector == X86_EXC_NMI && read_atomic(&stopping))
            nmi_stop();
        x86_fatal_trap(r);
    }

    switch (vector) {
    case VECTOR_TIMER:
        lapic_eoi();
        timer_interrupt();
        break;
    case VECTOR_SOFTIRQ:
        lapic_eoi();        /* the softirqs themselves run below */
        break;
    case VECTOR_CONSOLE:
        ns16550_rx_interrupt();
        lapic_eoi();
        break;
    case VECTOR_APIC_ERROR:
        lapic_error_interrupt();
        break;
    case VECTOR_SPURIOUS:
        break;              /* no EOI for these */
    default:
        if (vector >= VECTOR_PIC_BASE && vector < VECTOR_PIC_BASE + 16) {
            pic_spurious(vector);
            break;
        }
        printk("CPU %u: unexpected interrupt, vector %#x\n", smp_processor_id(), vector);
        lapic_eoi();
        break;
    }

    if ((r->rflags & X86_EFLAGS_IF) && no_guest_current())
        do_softirq();
}

/* ------------------------------------------------------------ arch.h */

void arch_cpu_relax(void)
{
    cpu_relax();
}

void arch_idle_wait(void)
{
    /*
     * An interrupt between the idle loop's last look and here ran the
     * softirqs on its way out, and may have made a guest vCPU current:
     * look again with interrupts off.  "sti; hlt" cannot lose an interrupt
     * (none is taken between the two), so nothing raised later is missed.
     */
    local_irq_disable();
    if (softirq_pending(smp_processor_id()) || !no_guest_current()) {
        local_irq_enable();
        return;
    }
    asm volatile ("sti; hlt" ::: "memory");
}

unsigned long arch_irq_save(void)
{
    unsigned long f = read_rflags();

    local_irq_disable();
    return f;
}

void arch_irq_restore(unsigned long flags)
{
    if (flags & X86_EFLAGS_IF)
        local_irq_enable();
    else
        local_irq_disable();
}

void arch_irq_enable(void)
{
    local_irq_enable();
}

void arch_irq_disable(void)
{
    local_irq_disable();
}

bool arch_irqs_enabled(void)
{
    return read_rflags() & X86_EFLAGS_IF;
}
