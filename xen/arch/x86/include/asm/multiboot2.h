/*
 * Multiboot2 (specification version 2.0): the header we put in the image
 * and the boot information (MBI) tags the loader hands us.
 *
 * The constants are usable from assembly (head.S builds the header); the
 * structures describe the MBI and are only ever read through the
 * bounds-checked helpers in multiboot2.c.
 */
#ifndef ASM_X86_MULTIBOOT2_H
#define ASM_X86_MULTIBOOT2_H

/* --- Image header ----------------------------------------------------- */
#define MB2_HEADER_MAGIC        0xe85250d6
#define MB2_HEADER_ARCH_I386    0           /* 32-bit protected mode entry */

#define MB2_HDR_TAG_END                 0
#define MB2_HDR_TAG_INFO_REQUEST        1
#define MB2_HDR_TAG_ADDRESS             2
#define MB2_HDR_TAG_ENTRY_ADDRESS       3
#define MB2_HDR_TAG_CONSOLE_FLAGS       4
#define MB2_HDR_TAG_FRAMEBUFFER         5
#define MB2_HDR_TAG_MODULE_ALIGN        6
#define MB2_HDR_TAG_EFI_BS              7
#define MB2_HDR_TAG_ENTRY_ADDRESS_EFI32 8
#define MB2_HDR_TAG_ENTRY_ADDRESS_EFI64 9
#define MB2_HDR_TAG_RELOCATABLE         10

#define MB2_HDR_TAG_OPTIONAL            1   /* loader may ignore the tag */

#define MB2_CONSOLE_REQUIRED            1
#define MB2_CONSOLE_EGA_TEXT_SUPPORTED  2

/* --- Boot information ------------------------------------------------- */
#define MB2_BOOT_MAGIC          0x36d76289  /* in eax at entry */

#define MB2_TAG_ALIGN           8

#define MB2_TAG_END             0
#define MB2_TAG_CMDLINE         1
#define MB2_TAG_LOADER_NAME     2
#define MB2_TAG_MODULE          3
#define MB2_TAG_BASIC_MEMINFO   4
#define MB2_TAG_BOOTDEV         5
#define MB2_TAG_MMAP            6
#define MB2_TAG_VBE             7
#define MB2_TAG_FRAMEBUFFER     8
#define MB2_TAG_ELF_SECTIONS    9
#define MB2_TAG_APM             10
#define MB2_TAG_EFI32_SYSTAB    11
#define MB2_TAG_EFI64_SYSTAB    12
#define MB2_TAG_SMBIOS          13
#define MB2_TAG_ACPI_OLD        14
#define MB2_TAG_ACPI_NEW        15
#define MB2_TAG_NETWORK         16
#define MB2_TAG_EFI_MMAP        17
#define MB2_TAG_EFI_BS_ACTIVE   18
#define MB2_TAG_EFI32_IMAGE     19
#define MB2_TAG_EFI64_IMAGE     20
#define MB2_TAG_LOAD_BASE       21

/* Memory map entry types. */
#define MB2_MEM_AVAILABLE       1
#define MB2_MEM_RESERVED        2
#define MB2_MEM_ACPI_RECLAIM    3
#define MB2_MEM_NVS             4
#define MB2_MEM_BAD             5

#ifndef __ASSEMBLY__
#include <xen/types.h>

/* Fixed start of the MBI. */
struct mb2_info_header {
    uint32_t total_size;        /* including this header and the end tag */
    uint32_t reserved;
};

/* Every tag starts with this; the next tag is at ROUNDUP(size, 8). */
struct mb2_tag {
    uint32_t type;
    uint32_t size;              /* including this header, excluding padding */
};

struct mb2_tag_string {         /* CMDLINE, LOADER_NAME */
    struct mb2_tag hdr;
    char string[];              /* NUL-terminated */
};

struct mb2_tag_module {
    struct mb2_tag hdr;
    uint32_t mod_start;
    uint32_t mod_end;           /* exclusive */
    char cmdline[];             /* NUL-terminated */
};

struct mb2_tag_basic_meminfo {
    struct mb2_tag hdr;
    uint32_t mem_lower;         /* KiB from 0 */
    uint32_t mem_upper;         /* KiB from 1 MiB */
};

struct mb2_tag_mmap {
    struct mb2_tag hdr;
    uint32_t entry_size;
    uint32_t entry_version;
    /* entries follow, entry_size bytes apart */
};

struct mb2_mmap_entry {
    uint64_t base_addr;
    uint64_t length;
    uint32_t type;
    uint32_t reserved;
};

struct mb2_tag_efi64 {          /* EFI64_SYSTAB, EFI64_IMAGE */
    struct mb2_tag hdr;
    uint64_t pointer;
};

struct mb2_tag_efi32 {          /* EFI32_SYSTAB, EFI32_IMAGE */
    struct mb2_tag hdr;
    uint32_t pointer;
};

struct mb2_tag_efi_mmap {
    struct mb2_tag hdr;
    uint32_t descr_size;
    uint32_t descr_version;
    /* EFI memory descriptors follow */
};
#endif /* !__ASSEMBLY__ */

#endif /* ASM_X86_MULTIBOOT2_H */
