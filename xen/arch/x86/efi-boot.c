/*
 * The UEFI side of the EFI64 multiboot2 entry.
 *
 * GRUB entered us with boot services still running (our header asks for
 * that, as Xen's does), so the firmware still owns memory.  We fetch the
 * memory map, hand the machine over with ExitBootServices and keep that
 * final map: it is the only accurate one (the MBI's copy was taken before
 * GRUB and we were done allocating).
 *
 * Runs on the firmware's GDT, IDT and 1:1 mappings (head.S added our high
 * mapping beside them) with interrupts as the firmware left them.
 */
#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <asm/efi.h>
#include <asm/layout.h>
#include <asm/processor.h>
#include <asm/setup.h>

BUILD_BUG_ON(offsetof(struct efi_system_table, boot_services) != 96);
BUILD_BUG_ON(offsetof(struct efi_boot_services, get_memory_map) != 56);
BUILD_BUG_ON(offsetof(struct efi_boot_services, exit_boot_services) != 232);
BUILD_BUG_ON(sizeof(struct efi_memory_descriptor) != 40);

/* The map may change between GetMemoryMap and ExitBootServices: retry. */
#define EXIT_BS_ATTEMPTS 8

/* Room for ~1300 descriptors of 48 bytes: OVMF uses about a hundred. */
static uint64_t efi_map_buf[64 * 1024 / sizeof(uint64_t)];

static char firmware_name[96];

static const struct efi_system_table *efi_systab(uint64_t pa)
{
    const struct efi_system_table *st;

    /* The pointer comes from the MBI: check it before following it. */
    if (pa == 0 || pa % 8 || pa >= BOOT_IDENT_LIMIT - sizeof(*st))
        return NULL;
    st = boot_phys_to_virt(pa);
    if (st->hdr.signature != EFI_SYSTEM_TABLE_SIGNATURE)
        return NULL;
    return st;
}

const char *efi_firmware_name(uint64_t systab)
{
    const struct efi_system_table *st = efi_systab(systab);
    size_t n = 0;

    if (!st)
        return "UEFI";
    n = (size_t)snprintf(firmware_name, sizeof(firmware_name), "UEFI");
    /* Only follow the vendor string where the 1:1 map certainly reaches. */
    if (st->firmware_vendor &&
        (uintptr_t)st->firmware_vendor < BOOT_IDENT_LIMIT - 2 * 48) {
        n += (size_t)snprintf(firmware_name + n, sizeof(firmware_name) - n, ", ");
        /* UCS-2 to ASCII, printable characters only. */
        for (unsigned int i = 0; i < 48 && st->firmware_vendor[i] &&
                                 n + 1 < sizeof(firmware_name); i++) {
            uint16_t c = st->firmware_vendor[i];

            firmware_name[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
        }
        firmware_name[n] = '\0';
    }
    if (n + 1 < sizeof(firmware_name))
        snprintf(firmware_name + n, sizeof(firmware_name) - n, " rev %#x",
                 st->firmware_revision);
    return firmware_name;
}

static enum boot_mem_type efi_mem_type(const struct efi_memory_descriptor *d)
{
    switch (d->type) {
    case EFI_CONVENTIONAL_MEMORY:
    case EFI_BOOT_SERVICES_CODE:
    case EFI_BOOT_SERVICES_DATA:
    case EFI_LOADER_CODE:
    case EFI_LOADER_DATA:
        /*
         * Free once boot services are gone.  Loader memory holds our image,
         * the MBI and the modules: users of the map must keep clear of
         * those (they are listed separately), as on BIOS.
         */
        return (d->attribute & EFI_MEMORY_WB) ? BOOT_MEM_RAM : BOOT_MEM_RESERVED;
    case EFI_ACPI_RECLAIM_MEMORY:
        return BOOT_MEM_ACPI;
    case EFI_ACPI_MEMORY_NVS:
        return BOOT_MEM_NVS;
    case EFI_UNUSABLE_MEMORY:
        return BOOT_MEM_UNUSABLE;
    default:
        return BOOT_MEM_RESERVED;   /* runtime services, MMIO, ... */
    }
}

/* Turn the EFI map into boot_info regions, merging touching same-type runs. */
static void record_efi_map(struct boot_info *bi, uint64_t map_size, uint64_t desc_size)
{
    const uint8_t *p = (const uint8_t *)efi_map_buf;
    paddr_t run_start = 0, run_size = 0;
    enum boot_mem_type run_type = BOOT_MEM_RESERVED;

    for (uint64_t off = 0; off + desc_size <= map_size; off += desc_size) {
        struct efi_memory_descriptor d;
        paddr_t start, size;
        enum boot_mem_type type;

        memcpy(&d, p + off, sizeof(d));
        if (d.number_of_pages == 0 ||
            d.number_of_pages > (UINT64_MAX >> EFI_PAGE_SHIFT))
            continue;
        start = d.physical_start;
        size = d.number_of_pages << EFI_PAGE_SHIFT;
        type = efi_mem_type(&d);
        if (start + size < start)
            continue;

        if (run_size && type == run_type && run_start + run_size == start) {
            run_size += size;
            continue;
        }
        if (run_size)
            boot_info_add_mem(bi, run_start, run_size, run_type);
        run_start = start;
        run_size = size;
        run_type = type;
    }
    if (run_size)
        boot_info_add_mem(bi, run_start, run_size, run_type);
}

void efi_exit_boot_services(const struct mb2_boot *mb, struct boot_info *bi)
{
    const struct efi_system_table *st = efi_systab(mb->efi64_systab);
    const struct efi_boot_services *bs;
    uint64_t map_size = 0, map_key = 0, desc_size = 0;
    uint32_t desc_version = 0;
    efi_status_t status = EFI_INVALID_PARAMETER;

    if (!st)
        panic("EFI entry without a valid EFI system table (MBI says %#llx)",
              (unsigned long long)mb->efi64_systab);
    if (!mb->efi64_image)
        panic("EFI entry without the loader's EFI image handle");
    bs = st->boot_services;
    if (!bs || (uintptr_t)bs >= BOOT_IDENT_LIMIT ||
        bs->hdr.signature != EFI_BOOT_SERVICES_SIGNATURE)
        panic("EFI boot services table missing or corrupt");

    for (unsigned int attempt = 0; attempt < EXIT_BS_ATTEMPTS; attempt++) {
        map_size = sizeof(efi_map_buf);
        status = bs->get_memory_map(&map_size, (struct efi_memory_descriptor *)efi_map_buf,
                                    &map_key, &desc_size, &desc_version);
        if (status != EFI_SUCCESS)
            panic("EFI GetMemoryMap failed: %#llx (map needs %llu bytes)",
                  (unsigned long long)status, (unsigned long long)map_size);
        /* Nothing that could allocate may run between the two calls. */
        status = bs->exit_boot_services((efi_handle_t)(uintptr_t)mb->efi64_image, map_key);
        if (status == EFI_SUCCESS)
            break;
    }
    if (status != EFI_SUCCESS)
        panic("EFI ExitBootServices failed: %#llx", (unsigned long long)status);

    /* The firmware's timer interrupt must not reach an IDT we replace. */
    local_irq_disable();

    if (desc_size < sizeof(struct efi_memory_descriptor) || desc_size % 8 ||
        map_size > sizeof(efi_map_buf)) {
        printk("efi: implausible memory map (descriptor size %llu, %llu bytes)\n",
               (unsigned long long)desc_size, (unsigned long long)map_size);
        return;
    }
    record_efi_map(bi, map_size, desc_size);
    printk("x86_64: EFI64 entry, boot services exited (%llu memory descriptors)\n",
           (unsigned long long)(map_size / desc_size));
}

/* ACPI in the EFI configuration table (GUIDs in their in-memory byte order). */
static const uint8_t acpi20_guid[16] = {
    0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
    0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81,
};
static const uint8_t acpi10_guid[16] = {
    0x30, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11,
    0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d,
};

#define EFI_CONFIG_ENTRY_SIZE   24      /* GUID + pointer */
#define EFI_CONFIG_MAX_ENTRIES  1024

uint64_t efi_find_rsdp(uint64_t systab)
{
    const struct efi_system_table *st = efi_systab(systab);
    uint64_t n, tbl, acpi10 = 0;

    if (!st)
        return 0;
    n = st->number_of_table_entries;
    tbl = (uint64_t)(uintptr_t)st->configuration_table;
    /* The table is firmware data reached through the boot 1:1 map. */
    if (!tbl || n == 0 || n > EFI_CONFIG_MAX_ENTRIES ||
        tbl >= BOOT_IDENT_LIMIT || BOOT_IDENT_LIMIT - tbl < n * EFI_CONFIG_ENTRY_SIZE)
        return 0;
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *e = (const uint8_t *)boot_phys_to_virt(tbl + i * EFI_CONFIG_ENTRY_SIZE);
        uint64_t ptr;

        memcpy(&ptr, e + 16, sizeof(ptr));
        if (memcmp(e, acpi20_guid, 16) == 0)
            return ptr;
        if (memcmp(e, acpi10_guid, 16) == 0 && !acpi10)
            acpi10 = ptr;
    }
    return acpi10;
}
