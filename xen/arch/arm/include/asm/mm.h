/*
 * The boot-time memory map: an identity (VA == PA) stage-1 translation
 * set up before any C code touches the device tree.
 *
 * With the MMU off every data access is Device memory, where unaligned
 * accesses fault and caches are bypassed; libfdt (built by Debian for
 * normal user space) is not written for that.  So the boot CPU first maps
 * the low 512 GiB as Device memory and then, at 2 MiB granularity, our
 * own image and the device tree window as Normal write-back memory.
 */
#ifndef ASM_ARM_MM_H
#define ASM_ARM_MM_H

#include <xen/types.h>

#define BOOT_VA_BITS        39                      /* 512 GiB, level 1 start */
#define BOOT_MAP_LIMIT      (1ULL << BOOT_VA_BITS)  /* first address not mapped */
#define BOOT_BLOCK_SIZE     (2ULL << 20)            /* Normal memory granularity */

/* The device tree is at most 2 MiB (the Linux arm64 boot protocol's limit). */
#define BOOT_FDT_MAX_SIZE   (2U << 20)

/*
 * Build the tables and turn the MMU and caches on at exception level @el
 * (1 or 2).  [image_start, image_end) becomes executable Normal memory;
 * if @fdt_pa is non-zero, BOOT_FDT_MAX_SIZE bytes from it become Normal
 * (read/write, never executable).  Returns false (MMU left off) if the
 * image itself lies outside the range the boot tables can map.
 */
bool boot_mm_init(unsigned int el, paddr_t image_start, paddr_t image_end,
                  paddr_t fdt_pa);

/* Is [pa, pa + size) mapped as Normal memory / as Device memory? */
bool boot_mm_is_normal(paddr_t pa, paddr_t size);
bool boot_mm_is_device(paddr_t pa, paddr_t size);

#endif /* ASM_ARM_MM_H */
