/*
 * The few UEFI definitions the EFI64 multiboot2 entry needs: the system
 * table, the boot services we call (GetMemoryMap, ExitBootServices) and
 * memory descriptors.  Layouts follow the UEFI specification; services
 * use the Microsoft x64 calling convention, hence ms_abi.
 */
#ifndef ASM_X86_EFI_H
#define ASM_X86_EFI_H

#include <xen/types.h>
#include <xen/compiler.h>

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status_t;
typedef void *efi_handle_t;

#define EFI_ERROR_BIT           (1ULL << 63)
#define EFI_SUCCESS             0
#define EFI_INVALID_PARAMETER   (EFI_ERROR_BIT | 2)
#define EFI_BUFFER_TOO_SMALL    (EFI_ERROR_BIT | 5)

#define EFI_SYSTEM_TABLE_SIGNATURE  0x5453595320494249ULL   /* "IBI SYST" */
#define EFI_BOOT_SERVICES_SIGNATURE 0x56524553544f4f42ULL   /* "BOOTSERV" */

struct efi_table_header {
    uint64_t signature;
    uint32_t revision;
    uint32_t header_size;
    uint32_t crc32;
    uint32_t reserved;
};

struct efi_memory_descriptor {
    uint32_t type;
    uint32_t pad;
    uint64_t physical_start;
    uint64_t virtual_start;
    uint64_t number_of_pages;   /* 4 KiB pages */
    uint64_t attribute;
};

/* Memory types. */
#define EFI_RESERVED_MEMORY         0
#define EFI_LOADER_CODE             1
#define EFI_LOADER_DATA             2
#define EFI_BOOT_SERVICES_CODE      3
#define EFI_BOOT_SERVICES_DATA      4
#define EFI_RUNTIME_SERVICES_CODE   5
#define EFI_RUNTIME_SERVICES_DATA   6
#define EFI_CONVENTIONAL_MEMORY     7
#define EFI_UNUSABLE_MEMORY         8
#define EFI_ACPI_RECLAIM_MEMORY     9
#define EFI_ACPI_MEMORY_NVS         10
#define EFI_MEMORY_MAPPED_IO        11
#define EFI_MEMORY_MAPPED_IO_PORT   12
#define EFI_PAL_CODE                13
#define EFI_PERSISTENT_MEMORY       14

#define EFI_MEMORY_WB               (1ULL << 3)
#define EFI_PAGE_SHIFT              12

typedef efi_status_t EFIAPI (*efi_get_memory_map_t)(
    uint64_t *map_size, struct efi_memory_descriptor *map, uint64_t *map_key,
    uint64_t *descriptor_size, uint32_t *descriptor_version);
typedef efi_status_t EFIAPI (*efi_exit_boot_services_t)(
    efi_handle_t image, uint64_t map_key);

/* Only the services we call are typed; the rest are placeholders. */
struct efi_boot_services {
    struct efi_table_header hdr;
    void *raise_tpl;
    void *restore_tpl;
    void *allocate_pages;
    void *free_pages;
    efi_get_memory_map_t get_memory_map;
    void *allocate_pool;
    void *free_pool;
    void *create_event;
    void *set_timer;
    void *wait_for_event;
    void *signal_event;
    void *close_event;
    void *check_event;
    void *install_protocol_interface;
    void *reinstall_protocol_interface;
    void *uninstall_protocol_interface;
    void *handle_protocol;
    void *reserved;
    void *register_protocol_notify;
    void *locate_handle;
    void *locate_device_path;
    void *install_configuration_table;
    void *load_image;
    void *start_image;
    void *exit;
    void *unload_image;
    efi_exit_boot_services_t exit_boot_services;
};

struct efi_system_table {
    struct efi_table_header hdr;
    const uint16_t *firmware_vendor;    /* UCS-2 */
    uint32_t firmware_revision;
    efi_handle_t console_in_handle;
    void *con_in;
    efi_handle_t console_out_handle;
    void *con_out;
    efi_handle_t standard_error_handle;
    void *std_err;
    void *runtime_services;
    struct efi_boot_services *boot_services;
    uint64_t number_of_table_entries;
    void *configuration_table;
};

#endif /* ASM_X86_EFI_H */
