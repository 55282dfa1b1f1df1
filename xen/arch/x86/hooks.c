/*
 * x86_64 implementations of the xen/arch.h interface, minimal for now:
 * one CPU, no interrupt sources (the legacy PICs are masked and nothing
 * else is programmed), so the timer is never armed and the idle wait
 * just spins.  System time is the TSC, calibrated once against the PIT.
 *
 * The direct map is the boot page tables' 1:1 map of the low 4 GiB
 * (virtual == machine address, page 0 unmapped); image addresses are
 * translated through XEN_VIRT_OFFSET.
 */
#include <xen/arch.h>
#include <xen/boot_info.h>
#include <xen/console.h>
#include <asm/io.h>
#include <asm/layout.h>

#define X86_EFLAGS_IF   (1UL << 9)

#define PIT_HZ          1193182
#define PIT_CH2_DATA    0x42
#define PIT_MODE        0x43
#define PIT_SPEAKER     0x61        /* bit 0: channel 2 gate, bit 5: its output */
#define PIC1_DATA       0x21
#define PIC2_DATA       0xa1

/* Everything below 1 MiB stays out of the heap (BIOS data, future AP trampoline). */
#define LOW_MEM_KEEP    0x100000UL

extern char __image_start[], __image_end[];

/* ------------------------------------------------------------ CPU */

unsigned int arch_smp_processor_id(void)
{
    return 0;
}

void arch_idle_wait(void)
{
    /* Nothing could wake a hlt yet. */
    asm volatile ("pause" ::: "memory");
}

void arch_send_softirq_ipi(unsigned int cpu)
{
    /* Only CPU 0 is ever online, and it polls its own softirqs. */
    (void)cpu;
}

void arch_init_late(struct boot_info *bi)
{
    (void)bi;
    /* A stray sti must not let the BIOS's PIT tick in at exception vectors. */
    outb(0xff, PIC1_DATA);
    outb(0xff, PIC2_DATA);
}

/* ------------------------------------------------------------ IRQ mask */

static unsigned long read_flags(void)
{
    unsigned long f;

    asm volatile ("pushf; pop %0" : "=r" (f) : : "memory");
    return f;
}

unsigned long arch_irq_save(void)
{
    unsigned long f = read_flags();

    asm volatile ("cli" ::: "memory");
    return f;
}

void arch_irq_restore(unsigned long flags)
{
    asm volatile ("push %0; popf" : : "r" (flags) : "memory", "cc");
}

void arch_irq_enable(void)
{
    asm volatile ("sti" ::: "memory");
}

void arch_irq_disable(void)
{
    asm volatile ("cli" ::: "memory");
}

bool arch_irqs_enabled(void)
{
    return read_flags() & X86_EFLAGS_IF;
}

/* ------------------------------------------------------------ memory */

void *arch_maddr_to_virt(paddr_t ma)
{
    if (ma >= BOOT_IDENT_LIMIT)
        panic("maddr %#llx is outside the direct map", (unsigned long long)ma);
    return (void *)(uintptr_t)ma;
}

paddr_t arch_virt_to_maddr(const void *va)
{
    uintptr_t v = (uintptr_t)va;

    return v >= XEN_VIRT_OFFSET ? v - XEN_VIRT_OFFSET : v;
}

void arch_heap_prepare(struct boot_info *bi)
{
    if (!bi->image_end) {
        bi->image_start = image_virt_to_phys(__image_start);
        bi->image_end = image_virt_to_phys(__image_end);
    }
    bi->dmap_start = 0;
    bi->dmap_end = BOOT_IDENT_LIMIT;
    if (!boot_info_add_rsv(bi, 0, LOW_MEM_KEEP))
        panic("no room to reserve low memory");
}

/* ------------------------------------------------------------ time */

static uint64_t tsc_at_boot;
static uint64_t ns_per_tick_32;     /* ns per TSC tick, 32.32 fixed point */

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile ("rdtsc" : "=a" (lo), "=d" (hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Count TSC ticks across 10 ms of PIT channel 2; assume 1 GHz if that fails. */
static void calibrate_tsc(void)
{
    const uint16_t latch = PIT_HZ / 100;
    uint64_t t0, t1, hz = 0;
    unsigned long spins = 0;
    uint8_t v = inb(PIT_SPEAKER);

    outb((v & ~0x02) | 0x01, PIT_SPEAKER);  /* gate on, speaker off */
    outb(0xb0, PIT_MODE);                   /* channel 2, lo/hi, mode 0 */
    outb(latch & 0xff, PIT_CH2_DATA);
    outb(latch >> 8, PIT_CH2_DATA);
    t0 = rdtsc();
    while (!(inb(PIT_SPEAKER) & 0x20) && ++spins < 10000000UL)
        ;
    t1 = rdtsc();
    outb(v, PIT_SPEAKER);

    if (spins < 10000000UL)
        hz = (t1 - t0) * 100;
    if (hz < 100000000ULL || hz > 100000000000ULL)
        hz = 1000000000ULL;
    ns_per_tick_32 = (1000000000ULL << 32) / hz;
    tsc_at_boot = t0;
}

uint64_t arch_now_ns(void)
{
    if (!ns_per_tick_32)
        calibrate_tsc();
    return (uint64_t)(((unsigned __int128)(rdtsc() - tsc_at_boot) *
                       ns_per_tick_32) >> 32);
}

void arch_timer_program(uint64_t deadline_ns)
{
    /* No timer interrupt yet: timers are only run when someone polls. */
    (void)deadline_ns;
}
