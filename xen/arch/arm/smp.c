/*
 * CPUs: per-CPU data, secondary bring-up through PSCI CPU_ON, IPIs, and
 * the late arch setup that ties them together (arch_init_late()).
 *
 * Logical CPU numbers: 0 is the boot CPU, then the other /cpus nodes in
 * device tree order, up to CONFIG_NR_CPUS.  Each CPU's struct arm_cpu is
 * in TPIDR_EL2.
 */
#include <xen/arch.h>
#include <xen/atomic.h>
#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/timer.h>
#include <asm/bootfdt.h>
#include <asm/cpu.h>
#include <asm/gic.h>
#include <asm/mm.h>
#include <asm/pl011.h>
#include <asm/psci.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/sysregs.h>
#include <asm/time.h>
#include <asm/p2m.h>
#include <asm/traps.h>

#define CPU_START_TIMEOUT_US    2000000
#define IPI_TIMEOUT_US          10000000    /* generous: TCG vCPU threads on a loaded host stall */

struct arm_cpu cpu_data[CONFIG_NR_CPUS];
unsigned int nr_cpu_ids = 1;
uint8_t cpu_stacks[CONFIG_NR_CPUS][STACK_SIZE] __aligned(STACK_SIZE);
uint8_t emergency_stacks[CONFIG_NR_CPUS][EMERGENCY_STACK_SIZE] __aligned(16);

/* TPIDR_EL2 is only ours at EL2 (a bad boot at EL1 still prints). */
static bool percpu_ready;
static bool gic_ready;

/* SGIs and PPIs every CPU enables in its redistributor (the virtual GIC
 * enables the maintenance and virtual timer PPIs when it first loads a
 * vCPU on a CPU). */
static uint32_t local_irq_mask(void)
{
    return (1U << SGI_SOFTIRQ) | (1U << SGI_PING) | (1U << SGI_STOP) |
           (1U << timer_hyp_intid);
}

BUILD_BUG_ON(__builtin_offsetof(struct arm_cpu, id) != CPU_ID_OFFSET);
BUILD_BUG_ON(__builtin_offsetof(struct arm_cpu, stack_top) != CPU_STACK_TOP_OFFSET);
BUILD_BUG_ON(__builtin_offsetof(struct arm_cpu, stack_limit) != CPU_STACK_LIMIT_OFFSET);
BUILD_BUG_ON(__builtin_offsetof(struct arm_cpu, emergency_top) != CPU_EMERGENCY_OFFSET);
BUILD_BUG_ON(__builtin_offsetof(struct arm_cpu, guest_frame) != CPU_GUEST_FRAME_OFFSET);
BUILD_BUG_ON(STACK_SIZE & (STACK_SIZE - 1));

static void cpu_data_init(unsigned int id, uint64_t mpidr)
{
    struct arm_cpu *cpu = &cpu_data[id];

    cpu->id = id;
    cpu->mpidr = mpidr & MPIDR_AFF_MASK;
    cpu->stack_top = (vaddr_t)(uintptr_t)&cpu_stacks[id][STACK_SIZE];
    cpu->stack_limit = (vaddr_t)(uintptr_t)&cpu_stacks[id][STACK_GUARD_SIZE];
    cpu->emergency_top = (vaddr_t)(uintptr_t)&emergency_stacks[id][EMERGENCY_STACK_SIZE];
}

void smp_early_init(unsigned int el)
{
    if (el != 2)
        return;
    cpu_data_init(0, READ_SYSREG(mpidr_el1));
    percpu_ready = true;
}

unsigned int arch_smp_processor_id(void)
{
    if (unlikely(!percpu_ready))
        return 0;
    return this_arm_cpu()->id;
}

void smp_prepare_cpus(const struct arm_boot_fdt *fdt)
{
    uint64_t boot = cpu_data[0].mpidr;
    bool boot_listed = false;
    unsigned int skipped = 0;

    for (unsigned int i = 0; i < fdt->nr_cpu_mpidrs; i++) {
        uint64_t mpidr = fdt->cpu_mpidr[i];

        if (mpidr == boot) {
            boot_listed = true;
            continue;
        }
        if (nr_cpu_ids >= CONFIG_NR_CPUS) {
            skipped++;
            continue;
        }
        cpu_data_init(nr_cpu_ids++, mpidr);
    }
    if (fdt->nr_cpu_mpidrs && !boot_listed)
        printk("arm64: the boot CPU (MPIDR 0x%llx) is not in /cpus\n",
               (unsigned long long)boot);
    if (skipped)
        printk("arm64: %u CPU(s) beyond CONFIG_NR_CPUS=%u left offline\n",
               skipped, CONFIG_NR_CPUS);
}

static bool wait_for(const volatile unsigned long *counter, unsigned long above)
{
    struct patient_wait give_up;

    patient_wait_start(&give_up, IPI_TIMEOUT_US);
    while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) <= above)
        if (patient_wait_over(&give_up))
            return false;
    return true;
}

/* Move @cpu from state @from to @to unless someone else moved it first. */
static bool claim_state(struct arm_cpu *cpu, int from, int to)
{
    return __atomic_compare_exchange_n(&cpu->state, &from, to, false,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static noreturn void park_this_cpu(void)
{
    for (;;)
        asm volatile ("msr daifset, #0xf; wfi" : : : "memory");
}

static void start_cpu(struct arm_cpu *cpu)
{
    paddr_t entry = (paddr_t)(uintptr_t)secondary_entry;   /* identity-mapped */
    struct patient_wait give_up;
    int rc, state;

    store_release(&cpu->state, CPU_STATE_STARTING);
    rc = psci_cpu_on(cpu->mpidr, entry, (uint64_t)(uintptr_t)cpu);
    if (rc != PSCI_SUCCESS) {
        printk("CPU%u: PSCI CPU_ON for MPIDR 0x%llx failed: %s (%d)\n", cpu->id,
               (unsigned long long)cpu->mpidr, psci_error_name(rc), rc);
        store_release(&cpu->state, CPU_STATE_OFF);
        return;
    }
    /* Online in common code's eyes: start_secondary_common() ran. */
    patient_wait_start(&give_up, CPU_START_TIMEOUT_US);
    while (!cpu_online(cpu->id)) {
        state = load_acquire(&cpu->state);
        if (state == CPU_STATE_FAILED) {
            printk("CPU%u: MPIDR 0x%llx could not finish its setup\n", cpu->id,
                   (unsigned long long)cpu->mpidr);
            return;
        }
        if (patient_wait_over(&give_up)) {
            /* Only a CPU that has not claimed ONLINE can be given up. */
            if (state == CPU_STATE_ONLINE ||
                !claim_state(cpu, state, CPU_STATE_ABANDONED)) {
                if (state != CPU_STATE_ONLINE)
                    continue;       /* it moved on just now: look again */
                printk("CPU%u: MPIDR 0x%llx is stuck entering common code\n", cpu->id,
                       (unsigned long long)cpu->mpidr);
                return;
            }
            printk("CPU%u: MPIDR 0x%llx did not come up (%s), left parked\n", cpu->id,
                   (unsigned long long)cpu->mpidr,
                   state == CPU_STATE_STARTING ? "never reached the hypervisor"
                                               : "stuck in its setup");
            return;
        }
        arch_cpu_relax();
    }
    printk("CPU%u: online (MPIDR 0x%llx)\n", cpu->id, (unsigned long long)cpu->mpidr);
}

noreturn void arm64_secondary_start(struct arm_cpu *cpu)
{
    asm volatile ("msr daifclr, #4" : : : "memory");   /* SErrors reported */
    time_cpu_init();
    guest_cpu_init();
    if (!gic_cpu_init(cpu, local_irq_mask())) {
        claim_state(cpu, CPU_STATE_STARTING, CPU_STATE_FAILED);
        park_this_cpu();
    }
    /* Too late if the boot CPU has given up on us: stay out of its way. */
    if (!claim_state(cpu, CPU_STATE_STARTING, CPU_STATE_ONLINE))
        park_this_cpu();
    start_secondary_common();
}

void arch_send_softirq_ipi(unsigned int cpu)
{
    if (!gic_ready || cpu >= nr_cpu_ids)
        return;
    gic_send_sgi(&cpu_data[cpu], SGI_SOFTIRQ);
}

/* Ask every other started CPU to stop (a panic is under way). */
void smp_stop_others(void)
{
    unsigned int me = arch_smp_processor_id();

    if (!gic_ready)
        return;
    for (unsigned int i = 0; i < nr_cpu_ids; i++)
        if (i != me && load_acquire(&cpu_data[i].state) != CPU_STATE_OFF)
            gic_send_sgi(&cpu_data[i], SGI_STOP);
}

/* ---- self-tests ---------------------------------------------------------- */

static void count_call(void *data)
{
    atomic_inc(data);
}

/* Every online CPU (this one included) must answer an SGI. */
static void ipi_selftest(void)
{
    unsigned long before[CONFIG_NR_CPUS];
    unsigned int cpu, answered = 0, asked = 0;
    unsigned long flags = arch_irq_save();
    atomic_t calls = ATOMIC_INIT(0);

    for_each_online_cpu(cpu)
        before[cpu] = __atomic_load_n(&cpu_data[cpu].ipi_pings, __ATOMIC_ACQUIRE);
    for_each_online_cpu(cpu) {
        gic_send_sgi(&cpu_data[cpu], SGI_PING);
        asked++;
    }
    arch_irq_enable();
    for_each_online_cpu(cpu) {
        if (wait_for(&cpu_data[cpu].ipi_pings, before[cpu]))
            answered++;
        else
            printk("IPI: CPU%u did not answer SGI %u\n", cpu, SGI_PING);
    }
    if (answered != asked) {
        arch_irq_restore(flags);
        panic("IPI: %u of %u CPUs answered", answered, asked);
    }

    /* The softirq IPI path, through common code's cross-CPU call. */
    on_each_cpu(count_call, &calls, true);
    arch_irq_restore(flags);
    if ((unsigned int)atomic_read(&calls) != asked)
        panic("IPI: cross-CPU call ran on %d of %u CPUs", atomic_read(&calls), asked);
    printk("IPI: ok (SGI answered by %u of %u CPUs, cross-CPU call ran on %u)\n",
           answered, asked, (unsigned int)atomic_read(&calls));
}

static volatile unsigned long timers_fired;

static void timer_selftest_fn(void *data)
{
    unsigned int *where = data;

    *where = arch_smp_processor_id();
    __atomic_fetch_add(&timers_fired, 1, __ATOMIC_RELEASE);
}

/* A 1 ms common-code timer on each online CPU must fire on that CPU. */
static void timer_all_cpus_selftest(void)
{
    static struct timer timers[CONFIG_NR_CPUS];
    static unsigned int fired_on[CONFIG_NR_CPUS];
    unsigned int cpu, n = 0;
    unsigned long flags = arch_irq_save();
    struct patient_wait give_up;

    timers_fired = 0;
    for_each_online_cpu(cpu) {
        fired_on[cpu] = ~0U;
        init_timer(&timers[cpu], timer_selftest_fn, &fired_on[cpu], cpu);
        set_timer(&timers[cpu], NOW() + MILLISECS(1));
        n++;
    }
    arch_irq_enable();
    patient_wait_start(&give_up, IPI_TIMEOUT_US);
    while (__atomic_load_n(&timers_fired, __ATOMIC_ACQUIRE) < n && !patient_wait_over(&give_up))
        arch_cpu_relax();
    arch_irq_restore(flags);
    for_each_online_cpu(cpu) {
        kill_timer(&timers[cpu]);
        if (fired_on[cpu] != cpu && fired_on[cpu] != ~0U)
            panic("timer: the 1 ms timer for CPU%u fired on CPU%u", cpu, fired_on[cpu]);
    }
    if (timers_fired < n) {
        /*
         * Seen a few times on a heavily loaded TCG host, never on an idle
         * one: warn and go on rather than stop the machine; the boot tests
         * still want the "ok" line.  CNTHP_CTL bit 2 says whether this
         * CPU's comparator condition was met.
         */
        for_each_online_cpu(cpu)
            if (fired_on[cpu] == ~0U)
                printk("timer: WARNING: the 1 ms timer for CPU%u had not fired after %u s "
                       "of running (CPU%u CNTHP_CTL %#lx)\n", cpu, IPI_TIMEOUT_US / 1000000,
                       arch_smp_processor_id(), (unsigned long)READ_SYSREG(cnthp_ctl_el2));
        return;
    }
    printk("timer: ok (1 ms timer fired on each of %u CPUs)\n", n);
}

static __attribute__((noinline)) void selftest_fault(void)
{
    printk("selftest: reading unmapped address %#lx\n", FAULT_TEST_VA);
    (void)*(volatile uint64_t *)FAULT_TEST_VA;
    panic("selftest: the read of %#lx did not fault", FAULT_TEST_VA);
}

static void selftest_fault_call(void *data)
{
    (void)data;
    selftest_fault();
}

/* The fault on the last online CPU, from a cross-CPU call (IRQ exit path). */
static void selftest_remote_fault(void)
{
    unsigned int cpu, last = 0;
    cpumask_t target;

    for_each_online_cpu(cpu)
        last = cpu;
    if (!last) {
        printk("selftest: remote-fault needs a second CPU\n");
        return;
    }
    cpumask_clear(&target);
    cpumask_set_cpu(last, &target);
    printk("selftest: CPU%u reads an unmapped address\n", last);
    arch_irq_enable();
    on_selected_cpus(&target, selftest_fault_call, NULL, true);
    panic("selftest: CPU%u survived reading %#lx", last, FAULT_TEST_VA);
}

/* Not a tail call: the volatile store after the call keeps each frame. */
static __attribute__((noinline)) unsigned long selftest_recurse(unsigned long depth)
{
    volatile uint8_t pad[512];
    unsigned long r;

    pad[0] = (uint8_t)depth;
    if (depth > STACK_SIZE)         /* never: the guard page comes first */
        return 0;
    r = selftest_recurse(depth + 1);
    pad[1] = (uint8_t)r;
    return pad[0] + pad[1];
}

/* ---- arch_init_late ----------------------------------------------------- */

void arch_init_late(struct boot_info *bi)
{
    const struct arm_boot_fdt *fdt = arm64_boot_fdt();
    unsigned int online;

    (void)bi;
    mm_selfcheck();
    gic_init(&fdt->gic);
    time_cpu_init();
    p2m_boot_init();
    guest_cpu_init();
    if (!gic_cpu_init(&cpu_data[0], local_irq_mask()))
        panic("GICv3: the boot CPU's interrupt controller is unusable");
    gic_ready = true;
    /* SPIs are routed to this CPU: console input interrupts come here. */
    if (pl011_console_enable_rx(fdt->uart_intid))
        gic_set_enabled(fdt->uart_intid, true);
    timer_selftest();

    printk("CPU0: online (MPIDR 0x%llx, boot CPU)\n", (unsigned long long)cpu_data[0].mpidr);
    mm_publish_boot_params();
    for (unsigned int i = 1; i < nr_cpu_ids; i++)
        start_cpu(&cpu_data[i]);
    online = num_online_cpus();
    if (online < nr_cpu_ids)
        printk("arm64: %u of %u CPUs came up\n", online, nr_cpu_ids);

    ipi_selftest();
    timer_all_cpus_selftest();

    if (arm64_selftest_requested("fault"))
        selftest_fault();
    if (arm64_selftest_requested("remote-fault"))
        selftest_remote_fault();
    if (arm64_selftest_requested("stack")) {
        printk("selftest: recursing until the stack guard page\n");
        selftest_recurse(0);
    }
}
