/*
 * The hypervisor's own address space: EL2 stage-1 translation, 4K
 * granule, 48-bit virtual addresses (four levels, TTBR0_EL2 only), one set
 * of tables shared by every CPU.  See docs/arm64-memory-and-traps.md.
 *
 *   0x0000_0000_0000_0000  identity area (VA == PA), holding only
 *   ..0x0000_7fff_ffff_ffff  - the image: text RX, rodata R, data/bss RW,
 *                              stack guard pages unmapped
 *                            - the boot device tree, read-only
 *   0x0000_8000_0000_0000  direct map of all RAM: VA = PA + this,
 *   ..0x0000_bfff_ffff_ffff  Normal write-back, RW, never executable
 *                            (read-only over the image's text and rodata)
 *   0x0000_c000_0000_0000  ioremap window (1 GiB): device registers,
 *   ..0x0000_c000_3fff_ffff  Device-nGnRE, RW, never executable
 *   0x0000_ffff_ffff_f000  never mapped (selftest=fault reads it)
 *
 * The image runs where the loader put it (it relocates itself for that
 * address), so turning the MMU on or off needs no trampoline.
 */
#ifndef ASM_ARM_MM_H
#define ASM_ARM_MM_H

#include <xen/types.h>

#define VA_BITS                 48
#define IDENTITY_AREA_END       0x0000800000000000UL
#define DIRECTMAP_VIRT_START    0x0000800000000000UL
#define DIRECTMAP_SIZE          0x0000400000000000UL    /* 64 TiB of PA */
#define IOREMAP_VIRT_START      0x0000c00000000000UL
#define IOREMAP_SIZE            0x0000000040000000UL    /* 1 GiB */
#define FAULT_TEST_VA           0x0000fffffffff000UL

/* The device tree is at most 2 MiB (the Linux arm64 boot protocol's limit). */
#define BOOT_FDT_MAX_SIZE       (2U << 20)

/*
 * Build the tables and turn the MMU and caches on at exception level @el
 * (1 or 2), with the MMU still off on entry.  The image gets its section
 * permissions; if @fdt_pa is non-zero, the device tree there is mapped
 * read-only (its header says how big it is, at most BOOT_FDT_MAX_SIZE) and
 * *@fdt_mapped says how many bytes from @fdt_pa are readable.  Returns
 * false (MMU left off) if the image itself cannot be mapped.
 */
bool mm_boot_init(unsigned int el, paddr_t image_start, paddr_t image_end,
                  paddr_t fdt_pa, size_t *fdt_mapped);

/*
 * Map [start, start + size) of RAM into the direct map.  Ranges must not
 * overlap earlier ones (callers merge them first).  Returns false if the
 * range is beyond the direct map or the tables ran out; nothing is then
 * promised about it.
 */
bool mm_map_directmap(paddr_t start, paddr_t size);

/* First machine address the direct map cannot reach (PA size, 64 TiB). */
paddr_t mm_directmap_limit(void);

/*
 * Map device registers [pa, pa + size) into the ioremap window and return
 * the address of pa there, or NULL.  Mappings are permanent.
 */
void *ioremap(paddr_t pa, size_t size);

/* Save the MMU configuration for secondary CPUs (clean to memory). */
void mm_publish_boot_params(void);

/*
 * Check with the MMU's own address translation (AT) that the image, the
 * direct map and the guard pages have the permissions we meant; panics if
 * not, else prints one line.
 */
void mm_selfcheck(void);

/* Page-table pages used so far and available (for the boot log). */
void mm_pool_usage(unsigned int *used, unsigned int *total);

#endif /* ASM_ARM_MM_H */
