/*
 * System time and the one-shot timer.
 *
 * System time is the TSC scaled to nanoseconds since calibration; every
 * CPU reads its own TSC, which assumes the TSCs run in step (true of
 * invariant TSCs, reported at boot, and of QEMU).  The one-shot timer is
 * each CPU's local APIC timer (divide by 16, one-shot mode); on expiry
 * traps.c calls timer_interrupt().
 *
 * Both are calibrated once, on the boot CPU, by counting TSC ticks and
 * APIC timer ticks across 50 ms of a reference clock: the HPET when ACPI
 * describes one and it looks sane, else PIT channel 2.  Conversions are
 * 32.32 fixed-point multiplies (no 128-bit division at run time).
 */
#include <xen/arch.h>
#include <xen/atomic.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <public/xen.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/domain.h>
#include <asm/hvm.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/svm.h>
#include <asm/time.h>
#include <asm/traps.h>

#define NS_PER_SEC          1000000000ULL
#define CALIBRATE_MS        50

#define PIT_HZ              1193182
#define PIT_CH2_DATA        0x42
#define PIT_MODE            0x43
#define PIT_CTRL            0x61    /* bit 0: channel 2 gate, 1: speaker, 5: OUT2 */
#define PIT_CH2_MODE0       0xb0    /* channel 2, low then high byte, mode 0 */
#define PIT_SPIN_LIMIT      20000000UL

#define HPET_CAPABILITIES   0x000   /* period (fs) in 63:32, 64-bit counter bit 13 */
#define HPET_CONFIG         0x010
#define  HPET_CONFIG_ENABLE (1u << 0)
#define HPET_COUNTER        0x0f0
#define HPET_CAP_64BIT      (1u << 13)
#define HPET_MAX_PERIOD_FS  100000000ULL    /* 100 ns, the specification's limit */
#define HPET_STALL_LIMIT    1000000UL       /* reads without the counter moving */

static uint64_t tsc_hz, tsc_base, tsc_ns_mult;  /* ns per TSC tick, 32.32 */
static uint64_t apic_hz, apic_tick_mult;        /* APIC ticks per ns, 32.32 */
static bool timer_ready;
/* The guests' scale, ns = ((tsc << shift) * mul) >> 32, and pvclock flags. */
static uint32_t pv_mul;
static int8_t pv_shift;
static uint8_t pv_flags;

struct sample {
    uint64_t tsc;
    uint32_t apic;
};

static struct sample take_sample(void)
{
    struct sample s;

    s.tsc = rdtsc();
    s.apic = apic_read(APIC_TMCCT);
    return s;
}

/* Reference: the HPET main counter.  Returns the elapsed ns, 0 on failure. */
static uint64_t measure_hpet(paddr_t addr, struct sample *a, struct sample *b)
{
    volatile uint8_t *h = ioremap(addr, 1024);
    uint64_t cap, period_fs, target, delta = 0, last, now;
    unsigned long stall = 0;
    bool wide;

    if (!h)
        return 0;
    cap = *(volatile uint64_t *)(h + HPET_CAPABILITIES);
    period_fs = cap >> 32;
    wide = cap & HPET_CAP_64BIT;
    if (period_fs == 0 || period_fs > HPET_MAX_PERIOD_FS) {
        printk("time: HPET reports a period of %llu fs, not using it\n",
               (unsigned long long)period_fs);
        return 0;
    }
    if (!(*(volatile uint32_t *)(h + HPET_CONFIG) & HPET_CONFIG_ENABLE))
        *(volatile uint32_t *)(h + HPET_CONFIG) |= HPET_CONFIG_ENABLE;

    target = CALIBRATE_MS * 1000000000000ULL / period_fs;
#define HPET_READ() (wide ? *(volatile uint64_t *)(h + HPET_COUNTER) \
                          : *(volatile uint32_t *)(h + HPET_COUNTER))
    last = HPET_READ();
    *a = take_sample();
    for (;;) {
        now = HPET_READ();
        if (now == last) {
            if (++stall > HPET_STALL_LIMIT) {
                printk("time: the HPET counter does not move, not using it\n");
                return 0;
            }
            continue;
        }
        stall = 0;
        delta += wide ? now - last : (uint32_t)(now - last);
        last = now;
        if (delta >= target)
            break;
    }
    *b = take_sample();
#undef HPET_READ
    return delta * period_fs / 1000000;
}

/* Reference: PIT channel 2 counting down once in mode 0. */
static uint64_t measure_pit(struct sample *a, struct sample *b)
{
    const uint32_t latch = PIT_HZ / 1000 * CALIBRATE_MS;
    uint8_t saved = inb(PIT_CTRL);
    unsigned long spins = 0;

    BUILD_BUG_ON(PIT_HZ / 1000 * CALIBRATE_MS > 0xffff);

    outb((saved & ~0x02) | 0x01, PIT_CTRL);     /* gate on, speaker off */
    outb(PIT_CH2_MODE0, PIT_MODE);
    outb(latch & 0xff, PIT_CH2_DATA);
    outb(latch >> 8, PIT_CH2_DATA);
    *a = take_sample();
    while (!(inb(PIT_CTRL) & 0x20) && ++spins < PIT_SPIN_LIMIT)
        ;
    *b = take_sample();
    outb(saved, PIT_CTRL);
    if (spins >= PIT_SPIN_LIMIT) {
        printk("time: PIT channel 2 never reached its terminal count\n");
        return 0;
    }
    return (uint64_t)latch * NS_PER_SEC / PIT_HZ;
}

/*
 * A 32-bit mul is a fraction below one, so the shifted rate must land in
 * (1 GHz, 2 GHz].
 */
static void pv_scale_init(uint64_t hz)
{
    int s = 0;

    while (hz > 2 * NS_PER_SEC) {
        hz >>= 1;
        s--;
    }
    while (hz <= NS_PER_SEC) {
        hz <<= 1;
        s++;
    }
    pv_mul = (uint32_t)((NS_PER_SEC << 32) / hz);
    pv_shift = (int8_t)s;
}

static void print_mhz(const char *what, uint64_t hz)
{
    printk("%s %llu.%03llu MHz", what, (unsigned long long)(hz / 1000000),
           (unsigned long long)(hz / 1000 % 1000));
}

void x86_time_init(const struct acpi_info *acpi)
{
    struct sample a, b;
    uint64_t ns = 0;
    const char *ref = "HPET";
    bool invariant = cpuid_ext(0x80000007).edx & CPUIDX7_EDX_INVTSC;

    /* The APIC timer free-runs, masked, from its largest count. */
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VECTOR_TIMER);
    apic_write(APIC_TDCR, APIC_TDCR_DIV16);
    apic_write(APIC_TMICT, 0xffffffffu);

    if (acpi && acpi->have_hpet)
        ns = measure_hpet(acpi->hpet_addr, &a, &b);
    if (!ns) {
        ref = "PIT";
        ns = measure_pit(&a, &b);
    }
    apic_write(APIC_TMICT, 0);

    if (ns) {
        tsc_hz = (b.tsc - a.tsc) * NS_PER_SEC / ns;
        apic_hz = (uint64_t)(a.apic - b.apic) * NS_PER_SEC / ns;
    }
    if (tsc_hz < 10000000ULL || tsc_hz > 100000000000ULL) {
        printk("time: TSC calibration failed (%llu Hz), assuming 1 GHz\n",
               (unsigned long long)tsc_hz);
        tsc_hz = NS_PER_SEC;
    }
    if (apic_hz < 100000ULL || apic_hz >= (1ULL << 32)) {
        printk("time: APIC timer calibration failed (%llu Hz), assuming 62.5 MHz\n",
               (unsigned long long)apic_hz);
        apic_hz = 62500000ULL;
    }
    tsc_ns_mult = (NS_PER_SEC << 32) / tsc_hz;
    apic_tick_mult = (apic_hz << 32) / NS_PER_SEC;
    tsc_base = rdtsc();
    pv_scale_init(tsc_hz);
    /* One base and one scale on every CPU: as monotonic as the TSCs are. */
    pv_flags = invariant ? XEN_PVCLOCK_TSC_STABLE_BIT : 0;

    print_mhz("time: TSC", tsc_hz);
    printk("%s, ", invariant ? " (invariant)" : "");
    print_mhz("APIC timer", apic_hz);
    printk(" (bus / %u), calibrated against the %s over %llu ms\n", APIC_TIMER_DIVISOR,
           ns ? ref : "nothing", (unsigned long long)(ns / 1000000));

    /* From here on the timer interrupts: one-shot, unmasked, stopped. */
    apic_write(APIC_LVT_TIMER, VECTOR_TIMER);
    timer_ready = true;
}

void x86_timer_setup_cpu(void)
{
    apic_write(APIC_TDCR, APIC_TDCR_DIV16);
    apic_write(APIC_TMICT, 0);
    apic_write(APIC_LVT_TIMER, VECTOR_TIMER);
}

uint64_t x86_tsc_hz(void)
{
    return tsc_hz;
}

uint64_t x86_apic_timer_hz(void)
{
    return apic_hz;
}

void x86_tsc_scale(uint32_t *mul, int8_t *shift)
{
    *mul = pv_mul;
    *shift = pv_shift;
}

static uint64_t tsc_to_ns(uint64_t tsc)
{
    int64_t d = (int64_t)(tsc - tsc_base);

    /* A TSC slightly behind the boot CPU's must not wrap to the far future. */
    if (d < 0)
        d = 0;
    return (uint64_t)(((unsigned __int128)d * tsc_ns_mult) >> 32);
}

void x86_update_vcpu_time(struct vcpu *v)
{
    struct vcpu_info *vi = read_atomic(&v->vcpu_info);
    volatile struct vcpu_time_info *t;
    uint64_t tsc;
    uint32_t ver;

    if (!vi || !tsc_ns_mult || !x86_vcpu_is_guest(v) || !v->arch->vmcb)
        return;
    t = &vi->time;
    tsc = rdtsc();
    /* Odd while the fields change: the guest retries until it reads even. */
    ver = t->version;
    t->version = ver | 1;
    smp_wmb();
    t->tsc_timestamp = tsc + v->arch->vmcb->tsc_offset;
    t->system_time = tsc_to_ns(tsc);
    t->tsc_to_system_mul = pv_mul;
    t->tsc_shift = pv_shift;
    t->flags = pv_flags;
    smp_wmb();
    t->version = (ver | 1) + 1;
}

void udelay(unsigned long us)
{
    uint64_t start = rdtsc(), ticks;

    if (!tsc_hz) {
        for (unsigned long i = 0; i < us * 100; i++)
            cpu_relax();
        return;
    }
    ticks = us * tsc_hz / 1000000;
    while (rdtsc() - start < ticks)
        cpu_relax();
}

uint64_t arch_now_ns(void)
{
    if (!tsc_ns_mult)
        return 0;
    return tsc_to_ns(rdtsc());
}

void arch_timer_program(uint64_t deadline_ns)
{
    uint64_t now, ticks;

    if (!timer_ready)
        return;
    if (deadline_ns == 0) {
        apic_write(APIC_TMICT, 0);
        return;
    }
    now = arch_now_ns();
    ticks = deadline_ns > now ?
            (uint64_t)(((unsigned __int128)(deadline_ns - now) * apic_tick_mult) >> 32) : 0;
    /* Too far away: fire early, the timer code re-arms for the rest. */
    if (ticks > 0xffffffffULL)
        ticks = 0xffffffffULL;
    if (ticks == 0)
        ticks = 1;
    apic_write(APIC_TMICT, (uint32_t)ticks);
}

void arch_vcpu_time_update(struct vcpu *v)
{
    x86_update_vcpu_time(v);
}
