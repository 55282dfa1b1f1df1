/*
 * Finding the RSDP and running the table parser (acpi.c) over the direct
 * map.
 *
 * Where the RSDP comes from, in order: the loader's copy in a multiboot2
 * ACPI tag (the 2.0 one preferred), the EFI configuration table, and on
 * BIOS machines the classic scan of the EBDA's first KiB and of
 * 0xe0000-0xfffff.  The parser reads tables only where the direct map
 * covers them, that is, where the memory map says there is memory.
 */
#include <xen/console.h>
#include <xen/lib.h>
#include <asm/acpi.h>
#include <asm/multiboot2.h>
#include <asm/page.h>
#include <asm/setup.h>

#define BDA_EBDA_SEGMENT    0x40e
#define EBDA_SCAN_SIZE      1024
#define BIOS_ROM_START      0xe0000
#define BIOS_ROM_SIZE       0x20000

static const void *dmap_map(void *ctx, uint64_t pa, uint64_t len)
{
    (void)ctx;
    return dmap_covers(pa, len) ? dmap_va(pa) : NULL;
}

static const struct acpi_mem dmap_mem = { dmap_map, NULL };

static uint64_t bios_scan(void)
{
    const uint16_t *seg = dmap_map(NULL, BDA_EBDA_SEGMENT, sizeof(*seg));
    uint64_t ebda = seg ? (uint64_t)*seg << 4 : 0, found = 0;

    /* The EBDA, when the BIOS data area names a plausible one. */
    if (ebda >= 0x80000 && ebda < 0xa0000)
        found = acpi_scan_rsdp(&dmap_mem, ebda, EBDA_SCAN_SIZE);
    if (!found)
        found = acpi_scan_rsdp(&dmap_mem, BIOS_ROM_START, BIOS_ROM_SIZE);
    return found;
}

static void print_summary(const struct acpi_info *info, const char *from)
{
    printk("ACPI: RSDP revision %u, OEM '%s', from %s; %s at %#llx lists %u valid table(s):",
           info->revision, info->oem_id, from, info->xsdt ? "XSDT" : "RSDT",
           (unsigned long long)info->root_addr, info->nr_tables);
    for (unsigned int i = 0; i < info->nr_tables && i < ACPI_MAX_TABLES; i++)
        printk(" %s", info->sigs[i]);
    printk("\n");

    if (info->have_madt) {
        printk("ACPI: MADT: %u CPU(s) enabled", info->nr_cpus);
        if (info->nr_cpus_off)
            printk(", %u more listed but not enabled", info->nr_cpus_off);
        if (info->nr_cpus_lost)
            printk(", %u more beyond %u", info->nr_cpus_lost, ACPI_MAX_CPUS);
        printk(" (APIC ids");
        for (unsigned int i = 0; i < info->nr_cpus && i < 16; i++)
            printk(" %u", info->cpus[i].apic_id);
        printk("%s), %u I/O APIC(s), %u interrupt override(s), local APIC at %#llx\n",
               info->nr_cpus > 16 ? " ..." : "", info->nr_ioapics, info->nr_overrides,
               (unsigned long long)info->lapic_addr);
    } else {
        printk("ACPI: no usable MADT: one CPU only\n");
    }
    if (info->have_hpet)
        printk("ACPI: HPET at %#llx\n", (unsigned long long)info->hpet_addr);
    if (info->errors)
        printk("ACPI: %u problem(s) in the firmware tables, see above\n", info->errors);
}

bool x86_acpi_init(const struct mb2_boot *mb, uint64_t efi_rsdp, bool efi,
                   struct acpi_info *info)
{
    const void *rsdp = NULL;
    uint64_t len = 0, pa = 0;
    const char *from = NULL;

    memset(info, 0, sizeof(*info));
    if (mb->acpi_rsdp_len) {
        if (acpi_rsdp_valid(mb->acpi_rsdp, mb->acpi_rsdp_len)) {
            rsdp = mb->acpi_rsdp;
            len = mb->acpi_rsdp_len;
            from = "the loader";
        } else {
            printk("ACPI: the loader's copy of the RSDP is not valid, ignored\n");
        }
    }
    if (!rsdp) {
        if (efi_rsdp) {
            pa = efi_rsdp;
            from = "the EFI configuration table";
        } else if (!efi) {
            pa = bios_scan();
            from = "a BIOS area scan";
        }
        if (pa) {
            len = dmap_covers(pa, ACPI_RSDP_V2_SIZE) ? ACPI_RSDP_V2_SIZE : ACPI_RSDP_V1_SIZE;
            rsdp = dmap_map(NULL, pa, len);
        }
    }
    if (!rsdp) {
        printk("ACPI: no RSDP found: one CPU, no ACPI devices\n");
        return false;
    }
    if (!acpi_parse(&dmap_mem, rsdp, len, pa, info)) {
        printk("ACPI: no usable tables: one CPU, no ACPI devices\n");
        return false;
    }
    print_summary(info, from);
    return true;
}
