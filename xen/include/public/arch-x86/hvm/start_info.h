/* SPDX-License-Identifier: MIT */
/*
 * arch-x86/hvm/start_info.h - boot information of a PVH guest.
 *
 * Written for this project from the published Xen 4.17 ABI: the magic
 * value, memory types and structure layouts are fixed by that ABI, the
 * text is our own.
 *
 * A PVH kernel is entered at the address of its XEN_ELFNOTE_PHYS32_ENTRY
 * note in 32-bit protected mode with paging off, flat 4 GiB CS/DS/ES
 * segments, a valid TR, interrupts off, and %ebx holding the physical
 * address of struct hvm_start_info.  All addresses below are physical,
 * all structures 8-byte aligned.
 *
 * Version 0 ends before memmap_paddr; version 1 adds the memory map.
 */

#ifndef XEN_PUBLIC_ARCH_X86_HVM_START_INFO_H
#define XEN_PUBLIC_ARCH_X86_HVM_START_INFO_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578

/* Memory map entry types (as in E820). */
#define XEN_HVM_MEMMAP_TYPE_RAM       1
#define XEN_HVM_MEMMAP_TYPE_RESERVED  2
#define XEN_HVM_MEMMAP_TYPE_ACPI      3
#define XEN_HVM_MEMMAP_TYPE_NVS       4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE  5
#define XEN_HVM_MEMMAP_TYPE_DISABLED  6
#define XEN_HVM_MEMMAP_TYPE_PMEM      7

#ifndef __ASSEMBLY__

struct hvm_start_info {
    uint32_t magic;                     /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;
    uint32_t flags;                     /* SIF_* */
    uint32_t nr_modules;                /* entries at modlist_paddr */
    uint64_t modlist_paddr;             /* struct hvm_modlist_entry[] */
    uint64_t cmdline_paddr;             /* NUL-terminated, 0 = none */
    uint64_t rsdp_paddr;                /* ACPI RSDP, 0 = look for it */
    /* version 1 */
    uint64_t memmap_paddr;              /* struct hvm_memmap_table_entry[] */
    uint32_t memmap_entries;
    uint32_t reserved;                  /* zero */
};

struct hvm_modlist_entry {
    uint64_t paddr;                     /* module start */
    uint64_t size;                      /* in bytes */
    uint64_t cmdline_paddr;             /* 0 = none */
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;                      /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;                  /* zero */
};

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_ARCH_X86_HVM_START_INFO_H */
