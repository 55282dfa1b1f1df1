/*
 * x86_64 start of day in C: console, boot information, then common code.
 *
 * head.S calls one of two entry points, both already on our stack at the
 * linked (high) address:
 *   x86_start_multiboot2 - the 32-bit entry (BIOS, or a loader that exited
 *                          EFI boot services itself); our page tables and
 *                          GDT are loaded, interrupts are off.
 *   x86_start_efi64      - the EFI64 entry; still on the firmware's tables,
 *                          GDT and IDT, with boot services running.
 */
#include <xen/arch.h>
#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <asm/layout.h>
#include <asm/multiboot2.h>
#include <asm/ns16550.h>
#include <asm/processor.h>
#include <asm/setup.h>

#define CONSOLE_BAUD 115200

static struct boot_info boot_info;
static struct mb2_boot mb2_boot;

#ifdef CONFIG_CMDLINE
static char full_cmdline[BOOT_CMDLINE_MAX];
#endif

noreturn void arch_halt(void)
{
    /* No ACPI yet, hence no power-off: stop this CPU for good. */
    for (;;)
        asm volatile ("cli; hlt" ::: "memory");
}

void arch_cpu_relax(void)
{
    cpu_relax();
}

static void console_init(void)
{
#ifdef CONFIG_NS16550
    /* Without a UART there is nowhere to print; carry on silently. */
    ns16550_console_init(NS16550_COM1_PORT, CONSOLE_BAUD);
#endif
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

static noreturn void finish_boot(void)
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

    start_xen_common(&boot_info);
}

noreturn void x86_start_multiboot2(uint32_t magic, uint64_t mbi_pa)
{
    x86_traps_init();
    console_init();
    printk("x86_64: 32-bit multiboot2 entry\n");
    parse_boot_info(magic, mbi_pa, 0);

    /*
     * EFI tables in the MBI mean UEFI firmware whose boot services the
     * loader already ended (it did not take our EFI64 entry).
     */
    if (mb2_boot.efi64_systab)
        boot_info.firmware = efi_firmware_name(mb2_boot.efi64_systab);
    else if (mb2_boot.efi32_systab)
        boot_info.firmware = "UEFI (32-bit)";
    else
        boot_info.firmware = "BIOS";

    finish_boot();
}

noreturn void x86_start_efi64(uint32_t magic, uint64_t mbi_pa)
{
    console_init();
    parse_boot_info(magic, mbi_pa, MB2_PARSE_SKIP_MMAP);
    boot_info.firmware = efi_firmware_name(mb2_boot.efi64_systab);

    efi_exit_boot_services(&mb2_boot, &boot_info);

    /* The machine is ours: our GDT, IDT and page tables from here on. */
    x86_load_boot_gdt();
    x86_traps_init();
    write_cr3(image_virt_to_phys(l4_boot));

    finish_boot();
}
