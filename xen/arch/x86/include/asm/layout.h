/*
 * Where the x86_64 image lives, physically and virtually.
 *
 * GRUB copies the image to XEN_PHYS_START (the ELF segments' physical
 * addresses).  The code is linked XEN_VIRT_OFFSET higher, in the top 2 GiB
 * of the address space, so that C can use -mcmodel=kernel (every symbol is
 * a sign-extended 32-bit address).  Shared by C, assembly and the linker
 * script, hence no C-only syntax outside the !__ASSEMBLY__ block.
 */
#ifndef ASM_X86_LAYOUT_H
#define ASM_X86_LAYOUT_H

#ifdef __ASSEMBLY__
#define X86_UL(x) x
#else
#define X86_UL(x) x##UL
#endif

/* Physical load address: 2 MiB, clear of the BIOS area and the ISA hole. */
#define XEN_PHYS_START    X86_UL(0x200000)

/* virtual = physical + XEN_VIRT_OFFSET for everything in the image. */
#define XEN_VIRT_OFFSET   X86_UL(0xffffffff80000000)
#define XEN_VIRT_START    (XEN_VIRT_OFFSET + XEN_PHYS_START)

/*
 * The boot page tables map physical [0, 4 GiB) 1:1 (loader data, ACPI,
 * MMIO) and physical [0, 1 GiB) again at XEN_VIRT_OFFSET (the image).
 */
#define BOOT_IDENT_LIMIT  X86_UL(0x100000000)
#define BOOT_HIGH_LIMIT   X86_UL(0x40000000)

#define BOOT_STACK_SIZE   X86_UL(0x4000)

/* Boot GDT selectors (see head.S). */
#define GDT_SEL_CODE64    0x08
#define GDT_SEL_DATA      0x10

/* Page-table entry bits used by the boot tables. */
#define PTE_PRESENT       0x001
#define PTE_WRITABLE      0x002
#define PTE_PSE           0x080   /* 2 MiB page in a level-2 entry */

#ifndef __ASSEMBLY__
#include <stdint.h>

/* Physical address of something inside the image. */
static inline uint64_t image_virt_to_phys(const void *p)
{
    return (uint64_t)(uintptr_t)p - XEN_VIRT_OFFSET;
}

/* Pointer to physical memory below BOOT_IDENT_LIMIT (1:1 mapped). */
static inline void *boot_phys_to_virt(uint64_t pa)
{
    return (void *)(uintptr_t)pa;
}
#endif

#endif /* ASM_X86_LAYOUT_H */
