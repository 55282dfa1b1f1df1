/*
 * arm64 start of day in C.
 *
 * head.S gets here on the boot stack with the MMU off, .bss zeroed and our
 * relocations applied.  Order matters:
 *   1. identity map with caches on (libfdt needs Normal memory),
 *   2. validate the device tree (untrusted) and read it,
 *   3. console on the PL011 it names,
 *   4. refuse to continue below EL2, else hand over to common code.
 */
#include <xen/arch.h>
#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <libfdt.h>
#include <asm/bootfdt.h>
#include <asm/mm.h>
#include <asm/pl011.h>
#include <asm/psci.h>
#include <asm/setup.h>
#include <asm/sysregs.h>

static struct boot_info boot_info;
static struct arm_boot_fdt boot_fdt;
static char loader_name[96];
static char firmware_name[64];
static paddr_t image_load_base;     /* for link-time offsets in reports */

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
    /* Powers off if firmware lets us (QEMU then exits with status 0). */
    psci_system_off();
    for (;;)
        asm volatile ("wfi" : : : "memory");
}

static const char *const vector_names[16] = {
    "sync (SP_EL0)", "IRQ (SP_EL0)", "FIQ (SP_EL0)", "SError (SP_EL0)",
    "sync", "IRQ", "FIQ", "SError",
    "sync from lower EL (AArch64)", "IRQ from lower EL (AArch64)",
    "FIQ from lower EL (AArch64)", "SError from lower EL (AArch64)",
    "sync from lower EL (AArch32)", "IRQ from lower EL (AArch32)",
    "FIQ from lower EL (AArch32)", "SError from lower EL (AArch32)",
};

noreturn void arm64_unexpected_trap(struct trap_frame *regs, unsigned int vector)
{
    static bool in_trap;
    uint64_t esr, far;

    /*
     * A trap while reporting one (say the PSCI call in arch_halt() is
     * undefined because there is no EL3 firmware) must not recurse.
     */
    if (in_trap)
        for (;;)
            asm volatile ("wfi" : : : "memory");
    in_trap = true;

    if (current_el() == 2) {
        esr = READ_SYSREG(esr_el2);
        far = READ_SYSREG(far_el2);
    } else {
        esr = READ_SYSREG(esr_el1);
        far = READ_SYSREG(far_el1);
    }
    printk("\nUnexpected exception: %s at EL%u\n",
           vector < 16 ? vector_names[vector] : "?", current_el());
    printk("  ESR %016llx (class %#llx)  FAR %016llx\n",
           (unsigned long long)esr, (unsigned long long)(esr >> 26) & 0x3f,
           (unsigned long long)far);
    /* The image is linked at 0: ELR minus the load address is what
     * addr2line -e build/arm64/xen wants. */
    printk("  ELR %016llx (image+%#llx)  SPSR %016llx  SP %016llx\n",
           (unsigned long long)regs->elr,
           (unsigned long long)(regs->elr - image_load_base),
           (unsigned long long)regs->spsr, (unsigned long long)regs->sp);
    for (unsigned int i = 0; i < 31; i += 2) {
        if (i == 30)
            printk("  x30 %016llx\n", (unsigned long long)regs->x[30]);
        else
            printk("  x%-2u %016llx  x%-2u %016llx\n",
                   i, (unsigned long long)regs->x[i],
                   i + 1, (unsigned long long)regs->x[i + 1]);
    }
    panic("unexpected exception");
}

/* Read the device tree if it passes every check; say why not otherwise. */
static const char *load_fdt(paddr_t fdt_pa, paddr_t image_start, paddr_t image_end)
{
    const char *why;

    if (fdt_pa == 0)
        return "none passed in x0";
    if (fdt_pa & 7)
        return "not 8-byte aligned";
    if (fdt_pa >= image_start && fdt_pa < image_end)
        return "inside the hypervisor image";
    if (!boot_mm_is_normal(fdt_pa, BOOT_FDT_MAX_SIZE))
        return "outside the memory the boot map covers";
    why = arm_fdt_validate((const void *)(uintptr_t)fdt_pa, BOOT_FDT_MAX_SIZE);
    if (why)
        return why;
    /* head.S cleared .bss over anything the loader put there. */
    if (fdt_pa < image_start &&
        fdt_pa + fdt_totalsize((const void *)(uintptr_t)fdt_pa) > image_start)
        return "overlaps the hypervisor image";
    arm_fdt_parse((const void *)(uintptr_t)fdt_pa, fdt_pa, &boot_info, &boot_fdt);
    return NULL;
}

static void console_init(void)
{
#ifdef CONFIG_PL011
    paddr_t base = boot_fdt.uart_base;

    if (!base)
        base = CONFIG_PL011_FALLBACK_BASE;
    /* Only a UART the boot map covers as device memory can be used. */
    if (base && boot_mm_is_device(base, PL011_REGS_SIZE))
        pl011_console_init(base);
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

noreturn void arm64_start(paddr_t fdt_pa, paddr_t image_base, unsigned int el)
{
    paddr_t image_end = (paddr_t)(uintptr_t)_end;
    const char *fdt_problem;
    bool mmu;

    image_load_base = image_base;
    mmu = boot_mm_init(el, image_base, image_end, fdt_pa);
    __stack_chk_guard ^= READ_SYSREG(cntpct_el0) << 16;

    /* Without the MMU every DTB access would risk alignment faults. */
    fdt_problem = mmu ? load_fdt(fdt_pa, image_base, image_end)
                      : "boot map unavailable";
    psci_init(boot_fdt.psci, el);
    console_init();

    printk("arm64: entered at EL%u, image %#llx-%#llx, device tree at %#llx\n",
           el, (unsigned long long)image_base, (unsigned long long)image_end - 1,
           (unsigned long long)fdt_pa);
    if (el != 2)
        panic("entered at EL%u: this hypervisor needs EL2 (CPU without virtualization, or the loader dropped to EL1)", el);

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

    start_xen_common(&boot_info);
}
