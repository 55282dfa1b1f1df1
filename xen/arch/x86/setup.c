/*
 * x86_64 start of day in C.
 *
 * head.S calls one of two entry points, both already on the boot stack at
 * the linked (high) address:
 *   x86_start_multiboot2 - the 32-bit entry (BIOS, or a loader that exited
 *                          EFI boot services itself); the boot page tables
 *                          and GDT are loaded, interrupts are off.
 *   x86_start_efi64      - the EFI64 entry; still on the firmware's tables,
 *                          GDT and IDT, with boot services running.
 * Both then: run-time page tables (mm.c), ACPI tables, banner (common
 * code).  arch_init_late() brings up the local APIC, the timer and the
 * other CPUs once the heap exists.
 */
#include <xen/arch.h>
#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/timer.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/hvm.h>
#include <asm/layout.h>
#include <asm/multiboot2.h>
#include <asm/ns16550.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/time.h>
#include <asm/traps.h>

#define CONSOLE_BAUD 115200

static struct boot_info boot_info;
static struct mb2_boot mb2_boot;
static struct acpi_info acpi_info;
static uint64_t efi_rsdp;

/* The boot CPU's IST stacks (the other CPUs get theirs from the heap). */
static uint8_t bsp_ist_stacks[NR_IST][IST_STACK_SIZE] __aligned(16);

#ifdef CONFIG_CMDLINE
static char full_cmdline[BOOT_CMDLINE_MAX];
#endif

static void console_init(void)
{
#ifdef CONFIG_NS16550
    /* Without a UART there is nowhere to print; carry on silently. */
    ns16550_console_init(NS16550_COM1_PORT, CONSOLE_BAUD);
#endif
}

static void bsp_cpu_init(void)
{
    uint64_t ist[NR_IST];

    for (unsigned int i = 0; i < NR_IST; i++)
        ist[i] = (uint64_t)(uintptr_t)(bsp_ist_stacks[i] + IST_STACK_SIZE);
    x86_cpu_init(0, ist);
}

/*
 * The MBI is addressed through the 1:1 map, which ends at 4 GiB and leaves
 * page 0 out (so that NULL dereferences fault).
 */
static void parse_boot_info(uint32_t magic, uint64_t mbi_pa, unsigned int flags)
{
    if (magic != MB2_BOOT_MAGIC)
        panic("not started by a multiboot2 loader (magic %#x)", magic);
    if (mbi_pa < PAGE_SIZE || mbi_pa >= BOOT_IDENT_LIMIT)
        panic("multiboot2 information at %#llx is out of reach",
              (unsigned long long)mbi_pa);
    if (!mb2_parse(boot_phys_to_virt(mbi_pa), BOOT_IDENT_LIMIT - mbi_pa, flags,
                   &boot_info, &mb2_boot))
        panic("no usable multiboot2 information");
    if (mb2_boot.bad_tags)
        printk("multiboot2: %u malformed tag(s) skipped\n", mb2_boot.bad_tags);
}

static noreturn void finish_boot(bool efi)
{
    boot_info.arch = "x86_64";
    if (!boot_info.loader)
        boot_info.loader = "unknown multiboot2 loader";

#ifdef CONFIG_CMDLINE
    /* Built-in options first, so the loader's win on conflicts. */
    if (CONFIG_CMDLINE[0]) {
        snprintf(full_cmdline, sizeof(full_cmdline), "%s%s%s", CONFIG_CMDLINE,
                 boot_info.cmdline[0] ? " " : "", boot_info.cmdline);
        boot_info.cmdline = full_cmdline;
    }
#endif

    /* The MBI and the boot 1:1 map are done with from here on. */
    x86_mm_init(&boot_info);
    if (x86_acpi_init(&mb2_boot, efi_rsdp, efi, &acpi_info) && acpi_info.have_madt)
        boot_info.nr_cpus = acpi_info.nr_cpus;

    start_xen_common(&boot_info);
}

noreturn void x86_start_multiboot2(uint32_t magic, uint64_t mbi_pa)
{
    bsp_cpu_init();
    console_init();
    printk("x86_64: 32-bit multiboot2 entry\n");
    parse_boot_info(magic, mbi_pa, 0);

    /*
     * EFI tables in the MBI mean UEFI firmware whose boot services the
     * loader already ended (it did not take our EFI64 entry).
     */
    if (mb2_boot.efi64_systab) {
        boot_info.firmware = efi_firmware_name(mb2_boot.efi64_systab);
        efi_rsdp = efi_find_rsdp(mb2_boot.efi64_systab);
    } else if (mb2_boot.efi32_systab) {
        boot_info.firmware = "UEFI (32-bit)";
    } else {
        boot_info.firmware = "BIOS";
    }

    finish_boot(mb2_boot.efi64_systab || mb2_boot.efi32_systab);
}

noreturn void x86_start_efi64(uint32_t magic, uint64_t mbi_pa)
{
    /* Only %gs for now: the firmware's GDT and IDT serve it until it exits. */
    x86_cpu_set_gs(0);
    console_init();
    parse_boot_info(magic, mbi_pa, MB2_PARSE_SKIP_MMAP);
    boot_info.firmware = efi_firmware_name(mb2_boot.efi64_systab);
    efi_rsdp = efi_find_rsdp(mb2_boot.efi64_systab);

    efi_exit_boot_services(&mb2_boot, &boot_info);

    /* The machine is ours: our descriptor tables and page tables from here on. */
    bsp_cpu_init();
    write_cr3(image_virt_to_phys(l4_boot));

    finish_boot(true);
}

/* ------------------------------------------------------------ self-tests */

static volatile s_time_t timer_fired_at;
static unsigned int timers_fired;
static bool timer_wrong_cpu;

static void local_timer_fn(void *data)
{
    (void)data;
    timer_fired_at = NOW();
}

/* A one-shot timer on this CPU, through the common timer code. */
static void timer_selftest(void)
{
    struct timer t;
    s_time_t start, limit;

    init_timer(&t, local_timer_fn, NULL, smp_processor_id());
    start = NOW();
    limit = start + SECONDS(2);
    set_timer(&t, start + MILLISECS(10));
    local_irq_enable();
    while (!timer_fired_at && NOW() < limit)
        cpu_relax();
    local_irq_disable();
    kill_timer(&t);
    if (timer_fired_at)
        printk("timer: ok (one-shot for +10 ms fired at +%llu us)\n",
               (unsigned long long)((timer_fired_at - start) / 1000));
    else
        printk("timer: FAILED (one-shot for +10 ms did not fire within 2 s)\n");
}

static struct timer cpu_timers[NR_CPUS];

static void cpu_timer_fn(void *data)
{
    if ((uintptr_t)data != smp_processor_id())
        write_atomic(&timer_wrong_cpu, true);
    __atomic_fetch_add(&timers_fired, 1, __ATOMIC_SEQ_CST);
}

static void count_cpu(void *data)
{
    __atomic_fetch_add((unsigned int *)data, 1, __ATOMIC_SEQ_CST);
}

/* Every other CPU: a timer set from here (an IPI there), and a cross-CPU call. */
static void smp_selftest(void)
{
    unsigned int cpu, others = num_online_cpus() - 1, called = 0;
    s_time_t limit = NOW() + SECONDS(2);

    for_each_online_cpu(cpu) {
        if (cpu == smp_processor_id())
            continue;
        init_timer(&cpu_timers[cpu], cpu_timer_fn, (void *)(uintptr_t)cpu, cpu);
        set_timer(&cpu_timers[cpu], NOW() + MILLISECS(5));
    }
    local_irq_enable();
    while (read_atomic(&timers_fired) < others && NOW() < limit)
        cpu_relax();
    on_each_cpu(count_cpu, &called, true);
    local_irq_disable();

    if (read_atomic(&timers_fired) == others && !timer_wrong_cpu)
        printk("timer: ok on all %u CPUs\n", others + 1);
    else
        printk("timer: FAILED, %u of %u other CPUs' timers fired%s\n",
               read_atomic(&timers_fired), others,
               timer_wrong_cpu ? ", some on the wrong CPU" : "");
    if (called == others + 1)
        printk("SMP: cross-CPU call ran on all %u CPUs\n", called);
    else
        printk("SMP: cross-CPU call FAILED: ran on %u of %u CPUs\n", called, others + 1);
}

/*
 * selftest=... on the command line crashes the hypervisor on purpose, to
 * show (and let tests/boot/x86_64-crash.t check) the crash report.
 */
#define SELFTEST_ADDR 0xdead0000ULL

static __attribute__((noinline)) void selftest_page_fault(void *unused)
{
    /* Recognisable values in the registers the report prints. */
    register uint64_t r8 asm("r8") = 0x0808080808080808ULL;
    register uint64_t r9 asm("r9") = 0x0909090909090909ULL;
    register uint64_t r10 asm("r10") = 0x1010101010101010ULL;
    register uint64_t r11 asm("r11") = 0x1111111111111111ULL;
    register uint64_t r12 asm("r12") = 0x1212121212121212ULL;
    register uint64_t r13 asm("r13") = 0x1313131313131313ULL;
    register uint64_t r14 asm("r14") = 0x1414141414141414ULL;
    register uint64_t r15 asm("r15") = 0x1515151515151515ULL;

    (void)unused;
    asm volatile ("movq $0x5a, (%%rax)"
                  : : "a" (SELFTEST_ADDR), "b" (0x0123456789abcdefULL),
                      "c" (0xccccccccccccccccULL), "d" (0xddddddddddddddddULL),
                      "S" (0x5151515151515151ULL), "D" (0xd1d1d1d1d1d1d1d1ULL),
                      "r" (r8), "r" (r9), "r" (r10), "r" (r11),
                      "r" (r12), "r" (r13), "r" (r14), "r" (r15)
                  : "memory");
}

static __attribute__((noinline)) void selftest_invalid_opcode(void)
{
    asm volatile ("ud2");
}

static volatile unsigned long recursion_limit = ~0UL;

/* Eats the stack until it hits the guard page (no tail call: the sum). */
static __attribute__((noinline)) unsigned long selftest_recurse(unsigned long depth)
{
    volatile unsigned char frame[512];

    frame[0] = (unsigned char)depth;
    if (depth == recursion_limit)
        return 0;
    return selftest_recurse(depth + 1) + frame[0];
}

static const char *cmdline_option(const char *cmdline, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = cmdline; p && *p; ) {
        while (*p == ' ')
            p++;
        if (strncmp(p, name, n) == 0 && p[n] == '=')
            return p + n + 1;
        while (*p && *p != ' ')
            p++;
    }
    return NULL;
}

static bool option_is(const char *value, const char *want)
{
    size_t n = strlen(want);

    return value && strncmp(value, want, n) == 0 && (value[n] == '\0' || value[n] == ' ');
}

static void run_selftest(const char *cmdline)
{
    const char *v = cmdline_option(cmdline, "selftest");
    cpumask_t one;

    if (!v)
        return;
    if (option_is(v, "pf")) {
        printk("selftest: page fault at %#llx on CPU 0\n", SELFTEST_ADDR);
        selftest_page_fault(NULL);
    } else if (option_is(v, "ud")) {
        printk("selftest: invalid opcode on CPU 0\n");
        selftest_invalid_opcode();
    } else if (option_is(v, "stack")) {
        printk("selftest: stack overflow on CPU 0\n");
        printk("%lu\n", selftest_recurse(0));
    } else if (option_is(v, "ap-pf")) {
        if (num_online_cpus() < 2) {
            printk("selftest: ap-pf needs a second CPU\n");
            return;
        }
        printk("selftest: page fault at %#llx on CPU 1\n", SELFTEST_ADDR);
        cpumask_clear(&one);
        cpumask_set_cpu(1, &one);
        local_irq_enable();
        on_selected_cpus(&one, selftest_page_fault, NULL, true);
        local_irq_disable();
    } else {
        printk("selftest: unknown test '%s' (pf, ud, stack, ap-pf)\n", v);
        return;
    }
    printk("selftest: FAILED, the hypervisor survived\n");
}

/* ------------------------------------------------------------ late set-up */

void arch_init_late(struct boot_info *bi)
{
    uint32_t uid = 0;

    x86_mm_heap_ready();
    pic_disable();
    ioapic_mask_all(&acpi_info);
    if (!lapic_init_bsp(&acpi_info)) {
        printk("x86_64: no local APIC: no timer interrupt, one CPU\n");
        return;
    }
    x86_cpus[0].apic_id = apic_current_id();
    for (unsigned int i = 0; i < acpi_info.nr_cpus; i++)
        if (acpi_info.cpus[i].apic_id == x86_cpus[0].apic_id)
            uid = acpi_info.cpus[i].uid;
    x86_set_acpi_uid(0, uid);
    lapic_setup_cpu(&acpi_info, uid);
    /* COM1's input on ISA IRQ 4, to this CPU. */
    if (ioapic_route_isa_irq(&acpi_info, 4, VECTOR_CONSOLE, x86_cpus[0].apic_id))
        ns16550_console_enable_rx();

    x86_time_init(&acpi_info);
    timer_selftest();
    svm_cpu_init();

    x86_smp_boot(bi, &acpi_info);
    if (num_online_cpus() > 1)
        smp_selftest();

    run_selftest(bi->cmdline);
}
