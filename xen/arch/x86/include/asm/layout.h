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

/* The boot CPU's stack (head.S), with an unmapped guard page below it. */
#define BOOT_STACK_SIZE   X86_UL(0x8000)

/*
 * Run-time virtual layout (docs/x86_64-memory-and-traps.md).  The low
 * half of the address space is left unmapped once the run-time page
 * tables are loaded, so stray low pointers fault.
 *
 *   PML4 256      per-CPU stack slots (secondary CPUs), guard pages between
 *   PML4 257      ioremap: device registers, uncached, 1 GiB
 *   PML4 262-271  direct map of the machine's memory, 5 TiB
 *   PML4 511      the image, at XEN_VIRT_OFFSET
 */
#define STACKS_VIRT_START     X86_UL(0xffff800000000000)
#define STACK_SLOT_SIZE       X86_UL(0x20000)     /* 128 KiB per CPU */
#define IOREMAP_VIRT_START    X86_UL(0xffff808000000000)
#define IOREMAP_VIRT_SIZE     X86_UL(0x40000000)
#define DIRECTMAP_VIRT_START  X86_UL(0xffff830000000000)
#define DIRECTMAP_SIZE        X86_UL(0x50000000000)

/*
 * Inside a CPU's stack slot (offsets from its start; holes are unmapped
 * guard pages): three 8 KiB IST stacks and the 32 KiB primary stack.
 */
#define IST_STACK_SIZE        X86_UL(0x2000)
#define SLOT_IST_DF           X86_UL(0x01000)
#define SLOT_IST_NMI          X86_UL(0x04000)
#define SLOT_IST_MC           X86_UL(0x07000)
#define PRIMARY_STACK_SIZE    X86_UL(0x8000)
#define SLOT_PRIMARY          (STACK_SLOT_SIZE - PRIMARY_STACK_SIZE)

/* Where the AP start-up code is copied: a page below 1 MiB (SIPI vector). */
#define TRAMPOLINE_SIZE       X86_UL(0x1000)

/* GDT selectors: the boot GDT (head.S) and each CPU's GDT (cpu.c). */
#define GDT_SEL_CODE64    0x08
#define GDT_SEL_DATA      0x10
#define GDT_SEL_TSS       0x18    /* per-CPU GDTs only: 16-byte descriptor */

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
