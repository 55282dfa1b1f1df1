/*
 * Local APIC: per-CPU set-up, EOI, errors and IPIs.
 *
 * We keep the mode the firmware chose: xAPIC (registers in a 4 KiB MMIO
 * page, mapped uncached) or x2APIC (registers as MSRs 0x800 + offset/16,
 * 32-bit APIC ids).  Only physical destinations are used.
 */
#include <xen/arch.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/smp.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define MSR_X2APIC_BASE     0x800
#define MSR_X2APIC_ICR      0x830
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ULL

/* How long to wait for the APIC to accept an IPI (polls of the ICR). */
#define ICR_SPIN_LIMIT      1000000

/* MADT interrupt flags: polarity in bits 1:0 (3 = active low). */
#define MPS_POLARITY_MASK   0x3
#define MPS_ACTIVE_LOW      0x3

static volatile uint32_t *lapic_regs;
static bool x2apic, ready;
static unsigned int max_lvt;

bool apic_ready(void)
{
    return ready;
}

bool apic_x2apic_mode(void)
{
    return x2apic;
}

uint32_t apic_read(unsigned int reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
    return lapic_regs[reg >> 2];
}

void apic_write(unsigned int reg, uint32_t v)
{
    if (x2apic)
        wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
    else
        lapic_regs[reg >> 2] = v;
}

uint32_t apic_current_id(void)
{
    uint32_t id = apic_read(APIC_ID);

    return x2apic ? id : id >> 24;
}

bool lapic_init_bsp(const struct acpi_info *acpi)
{
    uint64_t base;
    uint32_t ver;

    if (!(cpuid(1).edx & CPUID1_EDX_APIC)) {
        printk("APIC: this CPU has no local APIC\n");
        return false;
    }
    base = rdmsr(MSR_APIC_BASE);
    if (base & APIC_BASE_EXTD) {
        x2apic = true;
    } else {
        paddr_t pa = base & APIC_BASE_ADDR_MASK;

        if (!(base & APIC_BASE_ENABLE)) {
            wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
            if (!(rdmsr(MSR_APIC_BASE) & APIC_BASE_ENABLE)) {
                printk("APIC: the local APIC is disabled and stays so\n");
                return false;
            }
        }
        lapic_regs = ioremap(pa, PAGE_SIZE);
        if (!lapic_regs) {
            printk("APIC: cannot map the local APIC at %#llx\n", (unsigned long long)pa);
            return false;
        }
        if (acpi && acpi->have_madt && acpi->lapic_addr != pa)
            printk("APIC: MADT places the local APIC at %#llx, the CPU at %#llx: "
                   "using the CPU's\n", (unsigned long long)acpi->lapic_addr,
                   (unsigned long long)pa);
    }
    ready = true;
    ver = apic_read(APIC_VERSION);
    max_lvt = (ver >> 16) & 0xff;
    printk("APIC: local APIC id %u, %s mode, version %#x, %u LVT entries\n",
           apic_current_id(), x2apic ? "x2APIC" : "xAPIC", ver & 0xff, max_lvt + 1);
    return true;
}

/* LINT0/LINT1 set-up for the processor with ACPI UID `uid`. */
static void setup_lints(const struct acpi_info *acpi, uint32_t uid, bool bsp)
{
    uint32_t lint[2] = { APIC_LVT_MASKED, APIC_LVT_MASKED };
    bool any = false;

    for (unsigned int i = 0; acpi && i < acpi->nr_lapic_nmis; i++) {
        const struct acpi_lapic_nmi *n = &acpi->lapic_nmis[i];

        any = true;
        if (!n->all && n->uid != uid)
            continue;
        /* NMIs are edge triggered whatever the flags say. */
        lint[n->lint] = APIC_DM_NMI;
        if ((n->flags & MPS_POLARITY_MASK) == MPS_ACTIVE_LOW)
            lint[n->lint] |= APIC_LVT_ACTIVE_LOW;
    }
    /* Without MADT entries: the PC convention, NMI on the boot CPU's LINT1. */
    if (!any && bsp)
        lint[1] = APIC_DM_NMI;
    /* LINT0 (the 8259's ExtINT path) stays masked: the PICs are not used. */
    apic_write(APIC_LVT_LINT0, lint[0] == APIC_DM_NMI ? lint[0] : APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT1, lint[1]);
}

void lapic_setup_cpu(const struct acpi_info *acpi, uint32_t acpi_uid)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    /* Secondary CPUs follow the boot CPU's mode. */
    if (x2apic && !(base & APIC_BASE_EXTD))
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_EXTD);
    else if (!(base & APIC_BASE_ENABLE))
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);

    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VECTOR_TIMER);
    setup_lints(acpi, acpi_uid, base & APIC_BASE_BSP);
    if (max_lvt >= 4)
        apic_write(APIC_LVT_PERF, APIC_LVT_MASKED);
    if (max_lvt >= 5)
        apic_write(APIC_LVT_THERM, APIC_LVT_MASKED);
    apic_write(APIC_LVT_ERROR, VECTOR_APIC_ERROR);
    /* The error status is latched by a write; clear what firmware left. */
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_TDCR, APIC_TDCR_DIV16);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | VECTOR_SPURIOUS);
}

void lapic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

void lapic_error_interrupt(void)
{
    uint32_t esr;

    apic_write(APIC_ESR, 0);
    esr = apic_read(APIC_ESR);
    lapic_eoi();
    printk("APIC: error on CPU %u, ESR %#x\n", smp_processor_id(), esr);
}

static bool icr_wait_idle(void)
{
    if (x2apic)
        return true;
    for (unsigned int i = 0; i < ICR_SPIN_LIMIT; i++) {
        if (!(apic_read(APIC_ICR) & APIC_ICR_BUSY))
            return true;
        cpu_relax();
    }
    return false;
}

bool apic_send_ipi(uint32_t dest, uint32_t icr)
{
    unsigned long flags;
    bool ok;

    if (!ready)
        return false;
    /* The two ICR writes must not be split by an IPI sent from an interrupt. */
    flags = arch_irq_save();
    if (x2apic) {
        /* MSR writes to the ICR are not ordered after earlier stores. */
        asm volatile ("mfence" ::: "memory");
        wrmsr(MSR_X2APIC_ICR, ((uint64_t)dest << 32) | icr);
        ok = true;
    } else {
        ok = icr_wait_idle();
        apic_write(APIC_ICR2, dest << 24);
        apic_write(APIC_ICR, icr);
        ok = icr_wait_idle() && ok;
    }
    arch_irq_restore(flags);
    return ok;
}

void apic_send_nmi_allbutself(void)
{
    unsigned int me = smp_processor_id(), cpu;

    /* One by one, to online CPUs only: never to CPUs we did not start. */
    for_each_online_cpu(cpu)
        if (cpu != me)
            apic_send_ipi(x86_cpus[cpu].apic_id, APIC_DM_NMI | APIC_ICR_ASSERT);
}

/* ------------------------------------------------------------ I/O APICs */

#define IOAPIC_REGSEL       0x00
#define IOAPIC_WINDOW       0x10
#define IOAPIC_REG_VERSION  0x01
#define IOAPIC_REG_REDIR    0x10    /* two registers per input */
#define IOAPIC_REDIR_MASKED (1u << 16)

static uint32_t ioapic_read(volatile uint32_t *io, unsigned int reg)
{
    io[IOAPIC_REGSEL / 4] = reg;
    return io[IOAPIC_WINDOW / 4];
}

static void ioapic_write(volatile uint32_t *io, unsigned int reg, uint32_t v)
{
    io[IOAPIC_REGSEL / 4] = reg;
    io[IOAPIC_WINDOW / 4] = v;
}

void ioapic_mask_all(const struct acpi_info *acpi)
{
    unsigned int inputs = 0;

    /* Nothing routes device interrupts yet: whatever firmware set up goes. */
    for (unsigned int i = 0; acpi && i < acpi->nr_ioapics; i++) {
        volatile uint32_t *io = ioremap(acpi->ioapics[i].addr, 0x20);
        unsigned int n;

        if (!io) {
            printk("IOAPIC: cannot map I/O APIC %u at %#x\n", acpi->ioapics[i].id,
                   acpi->ioapics[i].addr);
            continue;
        }
        n = ((ioapic_read(io, IOAPIC_REG_VERSION) >> 16) & 0xff) + 1;
        for (unsigned int pin = 0; pin < n; pin++) {
            unsigned int reg = IOAPIC_REG_REDIR + 2 * pin;

            ioapic_write(io, reg, ioapic_read(io, reg) | IOAPIC_REDIR_MASKED);
        }
        inputs += n;
    }
    if (acpi && acpi->nr_ioapics)
        printk("IOAPIC: %u I/O APIC(s), all %u inputs masked\n", acpi->nr_ioapics, inputs);
}

#define IOAPIC_REDIR_ACTIVE_LOW (1u << 13)
#define IOAPIC_REDIR_LEVEL      (1u << 15)
/* MPS INTI flags of a source override: polarity bits 1:0, trigger 3:2. */
#define MPS_POLARITY_LOW        3u
#define MPS_TRIGGER_LEVEL       (3u << 2)
#define MPS_TRIGGER_MASK        (3u << 2)

bool ioapic_route_isa_irq(const struct acpi_info *acpi, unsigned int isa_irq,
                          unsigned int vector, uint32_t apic_id)
{
    /* ISA defaults: the GSI of the same number, edge, active high. */
    uint32_t gsi = isa_irq, lo;
    uint16_t flags = 0;

    if (!acpi)
        return false;
    for (unsigned int i = 0; i < acpi->nr_overrides; i++)
        if (acpi->overrides[i].bus == 0 && acpi->overrides[i].source == isa_irq) {
            gsi = acpi->overrides[i].gsi;
            flags = acpi->overrides[i].flags;
        }
    lo = vector & 0xff;
    if ((flags & MPS_POLARITY_LOW) == MPS_POLARITY_LOW)
        lo |= IOAPIC_REDIR_ACTIVE_LOW;
    if ((flags & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL)
        lo |= IOAPIC_REDIR_LEVEL;

    for (unsigned int i = 0; i < acpi->nr_ioapics; i++) {
        volatile uint32_t *io;
        unsigned int n, reg;

        if (gsi < acpi->ioapics[i].gsi_base)
            continue;
        io = ioremap(acpi->ioapics[i].addr, 0x20);
        if (!io)
            continue;
        n = ((ioapic_read(io, IOAPIC_REG_VERSION) >> 16) & 0xff) + 1;
        if (gsi - acpi->ioapics[i].gsi_base >= n)
            continue;
        reg = IOAPIC_REG_REDIR + 2 * (gsi - acpi->ioapics[i].gsi_base);
        /* Destination first, while the entry is still masked. */
        ioapic_write(io, reg, IOAPIC_REDIR_MASKED);
        ioapic_write(io, reg + 1, (apic_id & 0xff) << 24);
        ioapic_write(io, reg, lo);
        return true;
    }
    return false;
}

void arch_send_softirq_ipi(unsigned int cpu)
{
    if (cpu < NR_CPUS && cpu_online(cpu))
        apic_send_ipi(x86_cpus[cpu].apic_id,
                      APIC_DM_FIXED | APIC_ICR_ASSERT | VECTOR_SOFTIRQ);
}
