/*
 * arm64 start of day in C.
 *
 * head.S gets here on the boot stack with the MMU off, .bss zeroed and our
 * relocations applied.  Order matters:
 *   1. per-CPU data of the boot CPU, then the page tables (image with its
 *      permissions, the device tree read-only) with MMU and caches on
 *      (libfdt needs Normal memory),
 *   2. validate the device tree (untrusted) and read it,
 *   3. console on the PL011 it names (mapped through ioremap()),
 *   4. refuse to continue below EL2; map all RAM into the direct map and
 *      hand over to common code.
 * The interrupt controller, timer and other CPUs come later, from
 * arch_init_late() (smp.c), once common code has its heap.
 */
#include <xen/arch.h>
#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <libfdt.h>
#include <asm/bootfdt.h>
#include <asm/cpu.h>
#include <asm/mm.h>
#include <asm/pl011.h>
#include <asm/psci.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/sysregs.h>
#include <asm/time.h>

static struct boot_info boot_info;
static struct arm_boot_fdt boot_fdt;
static char loader_name[96];
static char firmware_name[64];

#ifdef CONFIG_CMDLINE
static char full_cmdline[BOOT_CMDLINE_MAX];
#endif

/*
 * Stack protector support for Debian's libfdt.a (built with
 * -fstack-protector-strong; our own code is not).  The guard gets the
 * boot-time counter mixed in before the first libfdt call.
 */
uintptr_t __stack_chk_guard = 0x5a3cc3a5e1f00f1eUL;

noreturn void __stack_chk_fail(void);
noreturn void __stack_chk_fail(void)
{
    panic("stack smashing detected (libfdt)");
}

void arch_cpu_relax(void)
{
    asm volatile ("yield" : : : "memory");
}

noreturn void arch_halt(void)
{
    asm volatile ("msr daifset, #2" : : : "memory");
    smp_stop_others();
    /* Powers off if firmware lets us (QEMU then exits with status 0). */
    psci_system_off();
    for (;;)
        asm volatile ("wfi" : : : "memory");
}

const struct arm_boot_fdt *arm64_boot_fdt(void)
{
    return &boot_fdt;
}

/*
 * Is @name among the "selftest=a,b,..." options?  (Hypervisor command
 * line; the options exist to exercise fatal paths from tests.)
 */
bool arm64_selftest_requested(const char *name)
{
    static const char key[] = "selftest=";
    const char *p = boot_info.cmdline;
    size_t nlen = strlen(name);

    while (p && *p) {
        const char *tok, *end;

        while (*p == ' ')
            p++;
        tok = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - tok) <= sizeof(key) - 1 || strncmp(tok, key, sizeof(key) - 1))
            continue;
        for (tok += sizeof(key) - 1; tok < p; tok = end + 1) {
            for (end = tok; end < p && *end != ','; end++)
                ;
            if ((size_t)(end - tok) == nlen && !strncmp(tok, name, nlen))
                return true;
        }
    }
    return false;
}

/* Read the device tree if it passes every check; say why not otherwise. */
static const char *load_fdt(paddr_t fdt_pa, size_t mapped, paddr_t image_start,
                            paddr_t image_end)
{
    const char *why;

    if (fdt_pa == 0)
        return "none passed in x0";
    if (fdt_pa & 7)
        return "not 8-byte aligned";
    if (fdt_pa >= image_start && fdt_pa < image_end)
        return "inside the hypervisor image";
    if (!mapped)
        return "outside the memory the boot map covers";
    why = arm_fdt_validate((const void *)(uintptr_t)fdt_pa, mapped);
    if (why)
        return why;
    /* head.S cleared .bss over anything the loader put there. */
    if (fdt_pa < image_start &&
        fdt_pa + fdt_totalsize((const void *)(uintptr_t)fdt_pa) > image_start)
        return "overlaps the hypervisor image";
    arm_fdt_parse((const void *)(uintptr_t)fdt_pa, fdt_pa, &boot_info, &boot_fdt);
    return NULL;
}

static void console_init(bool mmu)
{
#ifdef CONFIG_PL011
    paddr_t base = boot_fdt.uart_base;
    void *regs;

    if (!base)
        base = CONFIG_PL011_FALLBACK_BASE;
    if (!base)
        return;
    /* With the MMU off (a failed boot map) physical addresses work as is. */
    regs = mmu ? ioremap(base, PL011_REGS_SIZE) : (void *)(uintptr_t)base;
    if (regs)
        pl011_console_init(regs);
#else
    (void)mmu;
#endif
}

static void describe_loader(void)
{
    unsigned int major, minor;

    /* U-Boot records itself in /chosen; other loaders leave no trace. */
    if (boot_fdt.uboot_version)
        snprintf(loader_name, sizeof(loader_name), "%s%s (arm64 Image, booti)",
                 strncmp(boot_fdt.uboot_version, "U-Boot", 6) ? "U-Boot " : "",
                 boot_fdt.uboot_version);
    else
        snprintf(loader_name, sizeof(loader_name), "arm64 Image protocol, device tree%s",
                 boot_fdt.size ? "" : " unusable");
    boot_info.loader = loader_name;

    if (psci_version(&major, &minor))
        snprintf(firmware_name, sizeof(firmware_name), "PSCI %u.%u via %s",
                 major, minor, psci_conduit_name());
    else
        snprintf(firmware_name, sizeof(firmware_name), "no PSCI");
    boot_info.firmware = firmware_name;
}

/*
 * All RAM into the direct map: the RAM regions sorted and merged (banks
 * may overlap or touch), then mapped with the largest blocks that fit.  A
 * range that cannot be mapped is kept from the heap.
 */
static void setup_directmap(struct boot_info *bi)
{
    static struct boot_range ram[BOOT_MEM_MAX];
    unsigned int n = 0, merged = 0, used, total;
    paddr_t limit = mm_directmap_limit();

    for (unsigned int i = 0; i < bi->nr_mem; i++) {
        struct boot_range r = { bi->mem[i].start, bi->mem[i].size };
        unsigned int j;

        if (bi->mem[i].type != BOOT_MEM_RAM || r.start >= limit)
            continue;
        if (r.start + r.size > limit)
            r.size = limit - r.start;
        for (j = n; j > 0 && ram[j - 1].start > r.start; j--)
            ram[j] = ram[j - 1];
        ram[j] = r;
        n++;
    }
    for (unsigned int i = 0; i < n; i++) {
        if (merged && ram[i].start <= ram[merged - 1].start + ram[merged - 1].size) {
            paddr_t end = ram[i].start + ram[i].size;

            if (end > ram[merged - 1].start + ram[merged - 1].size)
                ram[merged - 1].size = end - ram[merged - 1].start;
        } else {
            ram[merged++] = ram[i];
        }
    }
    for (unsigned int i = 0; i < merged; i++) {
        if (mm_map_directmap(ram[i].start, ram[i].size))
            continue;
        printk("arm64: RAM %#llx-%#llx not in the direct map (page-table pool full)\n",
               (unsigned long long)ram[i].start,
               (unsigned long long)(ram[i].start + ram[i].size - 1));
        if (!boot_info_add_rsv(bi, ram[i].start, ram[i].size))
            panic("arm64: too many RAM ranges left out of the direct map");
    }

    bi->dmap_start = 0;
    bi->dmap_end = limit;
    mm_pool_usage(&used, &total);
    printk("arm64: direct map of %u RAM range(s) at %#lx, %u of %u page-table pages used\n",
           merged, DIRECTMAP_VIRT_START, used, total);
}

void arch_heap_prepare(struct boot_info *bi)
{
    /* Everything was filled in by arm64_start(); just make sure. */
    if (bi->image_end <= bi->image_start || !bi->dmap_end)
        panic("arm64: heap fields of the boot information are missing");
}

noreturn void arm64_start(paddr_t fdt_pa, paddr_t image_base, unsigned int el)
{
    paddr_t image_end = (paddr_t)(uintptr_t)_end;
    const char *fdt_problem;
    size_t fdt_mapped;
    bool mmu;

    smp_early_init(el);
    mmu = mm_boot_init(el, image_base, image_end, fdt_pa, &fdt_mapped);
    if (el == 2) {
        /* Our vectors are in place: physical interrupts come to EL2. */
        WRITE_SYSREG(HCR_EL2_HYP, hcr_el2);
        isb();
        asm volatile ("msr daifclr, #4" : : : "memory");   /* SErrors reported */
        time_early_init();
    }
    __stack_chk_guard ^= READ_SYSREG(cntpct_el0) << 16;

    /* Without the MMU every DTB access would risk alignment faults. */
    fdt_problem = mmu ? load_fdt(fdt_pa, fdt_mapped, image_base, image_end)
                      : "boot map unavailable";
    psci_init(boot_fdt.psci, el);
    console_init(mmu);

    printk("arm64: entered at EL%u, image %#llx-%#llx, device tree at %#llx\n",
           el, (unsigned long long)image_base, (unsigned long long)image_end - 1,
           (unsigned long long)fdt_pa);
    if (el != 2)
        panic("entered at EL%u: this hypervisor needs EL2 (CPU without virtualization, or the loader dropped to EL1)", el);
    if (!mmu)
        panic("arm64: cannot map the image at %#llx", (unsigned long long)image_base);

    if (fdt_problem) {
        printk("arm64: device tree unusable (%s): no memory map, modules or command line\n",
               fdt_problem);
        boot_info.cmdline = "";
    } else {
        printk("arm64: device tree %u bytes, model \"%s\", console %s%s\n",
               boot_fdt.size, boot_fdt.model ? boot_fdt.model : "unknown",
               boot_fdt.uart_node ? boot_fdt.uart_node : "none",
               boot_fdt.uart_from_stdout_path ? " (stdout-path)" : "");
        if (boot_fdt.bad_entries)
            printk("arm64: %u device tree entries ignored\n", boot_fdt.bad_entries);
    }

    boot_info.arch = "arm64";
    describe_loader();

#ifdef CONFIG_CMDLINE
    /* Built-in options first, so the loader's win on conflicts. */
    if (CONFIG_CMDLINE[0]) {
        snprintf(full_cmdline, sizeof(full_cmdline), "%s%s%s", CONFIG_CMDLINE,
                 boot_info.cmdline[0] ? " " : "", boot_info.cmdline);
        boot_info.cmdline = full_cmdline;
    }
#endif

    smp_prepare_cpus(&boot_fdt);
    if (boot_fdt.timer_hyp_intid)
        timer_hyp_intid = boot_fdt.timer_hyp_intid;

    /* What the heap must leave alone: the image (with its page tables and
     * stacks); the device tree is a module already. */
    boot_info.image_start = image_base;
    boot_info.image_end = image_end;
    setup_directmap(&boot_info);

    start_xen_common(&boot_info);
}
