/*
 * Bringing up the secondary CPUs the MADT lists, one at a time.
 *
 * For each: a stack slot (IST stacks and the primary stack, mapped with
 * guard pages between them), then INIT, 10 ms, and up to two STARTUP
 * IPIs pointing at the trampoline copy below 1 MiB.  The CPU runs
 * trampoline.S, lands in x86_start_secondary() with its own stack, sets
 * up its descriptor tables and local APIC, answers, and joins the idle
 * loop through start_secondary_common().  A CPU that does not answer in
 * time is sent INIT again (so it cannot wake up later with a stale
 * number) and left out.
 */
#include <xen/arch.h>
#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/smp.h>
#include <xen/timer.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/hvm.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/time.h>

/* Below the VGA window; SIPI vectors 0xa0-0xbf point into it. */
#define TRAMPOLINE_LIMIT    0xa0000ULL
#define CALLIN_TIMEOUT_MS   2000

extern const char x86_trampoline_start[], x86_trampoline_end[];
extern const char x86_trampoline_cr3[];
extern uint64_t l4_boot[];

/* Read by x86_ap_entry / x86_start_secondary for the CPU being started. */
uint64_t x86_ap_stack_top;
static unsigned int ap_booting;
static unsigned int ap_callin;          /* number of the CPU that answered */
static const struct acpi_info *smp_acpi;
static uint32_t acpi_uid[NR_CPUS];

noreturn void x86_start_secondary(void);

/* Does [pa, pa + TRAMPOLINE_SIZE) touch anything but RAM the map lists? */
static bool trampoline_clash(const struct boot_info *bi, paddr_t pa)
{
    for (unsigned int j = 0; j < bi->nr_mem && j < BOOT_MEM_MAX; j++)
        if (bi->mem[j].type != BOOT_MEM_RAM && pa < bi->mem[j].start + bi->mem[j].size &&
            bi->mem[j].start < pa + TRAMPOLINE_SIZE)
            return true;
    for (unsigned int j = 0; j < bi->nr_mods && j < BOOT_MODULES_MAX; j++)
        if (pa < bi->mods[j].start + bi->mods[j].size &&
            bi->mods[j].start < pa + TRAMPOLINE_SIZE)
            return true;
    return false;
}

/* The highest RAM page in [4 KiB, 640 KiB) for the trampoline (low memory is not heap). */
static paddr_t find_trampoline_page(const struct boot_info *bi)
{
    paddr_t best = 0;

    for (unsigned int i = 0; i < bi->nr_mem && i < BOOT_MEM_MAX; i++) {
        const struct boot_mem_region *r = &bi->mem[i];
        paddr_t lo = ROUNDUP(r->start, PAGE_SIZE);
        paddr_t hi = ROUNDDOWN(r->start + r->size, PAGE_SIZE);

        if (r->type != BOOT_MEM_RAM)
            continue;
        if (lo < PAGE_SIZE)
            lo = PAGE_SIZE;
        if (hi > TRAMPOLINE_LIMIT)
            hi = TRAMPOLINE_LIMIT;
        for (paddr_t pa = hi - TRAMPOLINE_SIZE; hi >= lo + TRAMPOLINE_SIZE && pa >= lo;
             pa -= PAGE_SIZE)
            if (!trampoline_clash(bi, pa)) {
                if (pa > best)
                    best = pa;
                break;
            }
    }
    return best;
}

/* Map `size` bytes of fresh heap memory at va; false if out of memory. */
static bool map_stack(uint64_t va, uint64_t size)
{
    unsigned int order = 0;
    mfn_t m;

    while ((PAGE_SIZE << order) < size)
        order++;
    m = alloc_pages(order);
    if (mfn_eq(m, INVALID_MFN))
        return false;
    memset(mfn_to_virt(m), 0, size);
    return map_pages(va, mfn_to_maddr(m), size, MAP_W) == 0;
}

static bool setup_stacks(unsigned int cpu)
{
    uint64_t slot = STACKS_VIRT_START + (uint64_t)cpu * STACK_SLOT_SIZE;

    if (x86_cpus[cpu].stack_slot)
        return true;        /* from an earlier attempt */
    if (!map_stack(slot + SLOT_IST_DF, IST_STACK_SIZE) ||
        !map_stack(slot + SLOT_IST_NMI, IST_STACK_SIZE) ||
        !map_stack(slot + SLOT_IST_MC, IST_STACK_SIZE) ||
        !map_stack(slot + SLOT_PRIMARY, PRIMARY_STACK_SIZE))
        return false;
    x86_cpus[cpu].stack_slot = slot;
    return true;
}

static bool wait_callin(unsigned int cpu, uint64_t deadline)
{
    while (load_acquire(&ap_callin) != cpu) {
        if (arch_now_ns() > deadline)
            return false;
        cpu_relax();
    }
    return true;
}

static bool boot_one(unsigned int cpu, uint32_t apic_id, paddr_t tramp)
{
    uint64_t deadline;
    bool sent = true;

    if (!setup_stacks(cpu)) {
        printk("SMP: no memory for CPU %u's stacks\n", cpu);
        return false;
    }
    x86_cpus[cpu].apic_id = apic_id;
    x86_ap_stack_top = x86_cpus[cpu].stack_slot + STACK_SLOT_SIZE;
    write_atomic(&ap_booting, cpu);
    write_atomic(&ap_callin, 0u);
    smp_mb();

    /* INIT, then STARTUP (twice if needed), as the manuals describe. */
    sent &= apic_send_ipi(apic_id, APIC_DM_INIT | APIC_ICR_ASSERT);
    udelay(10000);
    deadline = arch_now_ns() + MILLISECS(CALLIN_TIMEOUT_MS);
    for (unsigned int i = 0; i < 2 && load_acquire(&ap_callin) != cpu; i++) {
        sent &= apic_send_ipi(apic_id, APIC_DM_STARTUP | (uint32_t)(tramp >> PAGE_SHIFT));
        udelay(200);
    }
    if (!wait_callin(cpu, deadline)) {
        /* Park it again: it must not wake up later as this CPU number. */
        apic_send_ipi(apic_id, APIC_DM_INIT | APIC_ICR_ASSERT);
        printk("SMP: CPU %u (APIC id %u) did not start%s\n", cpu, apic_id,
               sent ? "" : " (the APIC did not send the IPIs)");
        return false;
    }
    /* It answered; it is online once start_secondary_common() says so. */
    while (!cpu_online(cpu)) {
        if (arch_now_ns() > deadline) {
            printk("SMP: CPU %u (APIC id %u) answered but did not come online\n",
                   cpu, apic_id);
            return false;
        }
        cpu_relax();
    }
    printk("SMP: CPU %u (APIC id %u) online\n", cpu, apic_id);
    return true;
}

void x86_smp_boot(const struct boot_info *bi, const struct acpi_info *acpi)
{
    uint32_t bsp = x86_cpus[0].apic_id;
    unsigned int next = 1, left_out = 0, failed = 0;
    paddr_t tramp;
    size_t tsize = (size_t)(x86_trampoline_end - x86_trampoline_start);

    BUILD_BUG_ON(STACK_SLOT_SIZE * NR_CPUS > (1ULL << L4_SHIFT));
    smp_acpi = acpi;
    if (!acpi->have_madt) {
        printk("SMP: no MADT, running on the boot CPU only\n");
        return;
    }
    if (acpi->nr_cpus <= 1)
        return;
    tramp = find_trampoline_page(bi);
    if (!tramp || tsize > TRAMPOLINE_SIZE) {
        printk("SMP: no room below 640 KiB for the start-up code, one CPU only\n");
        return;
    }
    memcpy(dmap_va(tramp), x86_trampoline_start, tsize);
    *(uint32_t *)((char *)dmap_va(tramp) + (x86_trampoline_cr3 - x86_trampoline_start)) =
        (uint32_t)image_virt_to_phys(l4_boot);

    for (unsigned int i = 0; i < acpi->nr_cpus; i++) {
        const struct acpi_cpu *c = &acpi->cpus[i];

        if (c->apic_id == bsp)
            continue;
        if (!apic_x2apic_mode() && c->apic_id > 0xfe) {
            printk("SMP: APIC id %u needs x2APIC mode, CPU left out\n", c->apic_id);
            left_out++;
            continue;
        }
        if (next >= NR_CPUS) {
            left_out++;
            continue;
        }
        acpi_uid[next] = c->uid;
        if (boot_one(next, c->apic_id, tramp))
            next++;
        else
            failed++;
    }
    if (left_out)
        printk("SMP: %u CPU(s) left out (CONFIG_NR_CPUS is %u)\n", left_out, NR_CPUS);
    if (failed)
        printk("SMP: %u CPU(s) failed to start\n", failed);
}

uint32_t x86_acpi_uid(unsigned int cpu)
{
    return cpu < NR_CPUS ? acpi_uid[cpu] : 0;
}

void x86_set_acpi_uid(unsigned int cpu, uint32_t uid)
{
    if (cpu < NR_CPUS)
        acpi_uid[cpu] = uid;
}

noreturn void x86_start_secondary(void)
{
    unsigned int cpu = read_atomic(&ap_booting);
    uint64_t slot = x86_cpus[cpu].stack_slot;
    const uint64_t ist[NR_IST] = {
        [IST_DF - 1] = slot + SLOT_IST_DF + IST_STACK_SIZE,
        [IST_NMI - 1] = slot + SLOT_IST_NMI + IST_STACK_SIZE,
        [IST_MC - 1] = slot + SLOT_IST_MC + IST_STACK_SIZE,
    };

    x86_cpu_init(cpu, ist);
    lapic_setup_cpu(smp_acpi, acpi_uid[cpu]);
    x86_timer_setup_cpu();
    if (apic_current_id() != x86_cpus[cpu].apic_id)
        printk("SMP: CPU %u has APIC id %u, expected %u\n", cpu, apic_current_id(),
               x86_cpus[cpu].apic_id);
    x86_cpus[cpu].apic_id = apic_current_id();
    svm_cpu_init();

    store_release(&ap_callin, cpu);
    start_secondary_common();
}
