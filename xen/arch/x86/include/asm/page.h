/*
 * x86_64 4-level page tables and the hypervisor's own mappings (mm.c).
 */
#ifndef ASM_X86_PAGE_H
#define ASM_X86_PAGE_H

#include <xen/types.h>
#include <asm/layout.h>

/* Page-table entry bits (PTE_PRESENT, PTE_WRITABLE, PTE_PSE: layout.h). */
#define PTE_USER        0x004ULL
#define PTE_PWT         0x008ULL
#define PTE_PCD         0x010ULL
#define PTE_ACCESSED    0x020ULL
#define PTE_DIRTY       0x040ULL
#define PTE_GLOBAL      0x100ULL
#define PTE_NX          (1ULL << 63)
#define PTE_ADDR_MASK   0x000ffffffffff000ULL

#define L1_SHIFT        12
#define L2_SHIFT        21
#define L3_SHIFT        30
#define L4_SHIFT        39
#define PT_ENTRIES      512

#define SIZE_2M         (1ULL << L2_SHIFT)
#define SIZE_1G         (1ULL << L3_SHIFT)

/* Attributes for map_pages(). */
#define MAP_R           0u          /* read-only, not executable */
#define MAP_W           (1u << 0)   /* writable */
#define MAP_X           (1u << 1)   /* executable */
#define MAP_UC          (1u << 2)   /* uncached (device registers) */
#define MAP_SMALL       (1u << 3)   /* 4 KiB pages only */

struct boot_info;

/*
 * Build the run-time page tables from the memory map (direct map, image
 * with per-section permissions, empty stack and ioremap areas) and load
 * them.  Called once on the boot CPU, after the MBI is parsed and before
 * anything else needs the direct map.
 */
void x86_mm_init(struct boot_info *bi);

/* True once x86_mm_init() has switched to the run-time tables. */
bool x86_mm_ready(void);

/* Page-table pages come from the heap from now on (arch_init_late). */
void x86_mm_heap_ready(void);

/*
 * Map machine [pa, pa + size) at virtual va (all page aligned) with MAP_*
 * attributes, using 2 MiB / 1 GiB pages where alignment allows.  Returns
 * 0, -ENOMEM (no page-table memory) or -EEXIST (already mapped).
 */
int map_pages(uint64_t va, paddr_t pa, uint64_t size, unsigned int attrs);

/* Map device registers uncached; NULL if the ioremap area is full. */
void *ioremap(paddr_t pa, size_t size);

/* Is [pa, pa + len) inside the direct map (memory the firmware listed)? */
bool dmap_covers(paddr_t pa, uint64_t len);

/* Is the page holding va mapped in the current tables (for crash dumps)? */
bool va_is_mapped(uint64_t va);

/* CR3 / CR4 / EFER bits every CPU uses once on the run-time tables. */
extern uint64_t x86_idle_cr3;
extern uint64_t x86_cr4_features;
extern uint64_t x86_efer_features;

static inline void *dmap_va(paddr_t pa)
{
    return (void *)(uintptr_t)(DIRECTMAP_VIRT_START + pa);
}

#endif /* ASM_X86_PAGE_H */
