/*
 * Boot-time identity map (see asm/mm.h for why we want the MMU on).
 *
 * One level-1 table covers the low 512 GiB with 1 GiB Device blocks.  A
 * gigabyte that holds the image or the device tree gets a level-2 table
 * instead: Device 2 MiB blocks, except the blocks we need as Normal memory.
 * All of this runs with the MMU off, so it is plain, aligned C.
 */
#include <xen/lib.h>
#include <asm/mm.h>
#include <asm/sysregs.h>

#define PT_ENTRIES      512
#define L1_SHIFT        30
#define L2_SHIFT        21

/* Descriptor bits (VMSAv8-64 stage 1, 4K granule). */
#define PTE_BLOCK       0x1UL               /* bits[1:0] = 01 at levels 1-2 */
#define PTE_TABLE       0x3UL               /* bits[1:0] = 11 */
#define PTE_ATTRIDX(i)  ((uint64_t)(i) << 2)
#define PTE_AP1         (1UL << 6)          /* RES1 in the EL2 regime */
#define PTE_SH_INNER    (3UL << 8)
#define PTE_AF          (1UL << 10)         /* accessed: no AF faults */
#define PTE_PXN         (1UL << 53)         /* EL1 regime only */
#define PTE_XN          (1UL << 54)         /* UXN at EL1, XN at EL2 */
#define PTE_ADDR_MASK   0x0000fffffffff000UL

/* Two gigabytes each for the image and the device tree is plenty. */
#define BOOT_L2_TABLES  4

static uint64_t boot_l1[PT_ENTRIES] __aligned(4096);
static uint64_t boot_l2[BOOT_L2_TABLES][PT_ENTRIES] __aligned(4096);
static unsigned int boot_l2_used;
static unsigned int boot_el;

static uint64_t block_attrs(bool normal, bool exec)
{
    uint64_t a = PTE_BLOCK | PTE_AF;

    if (normal)
        a |= PTE_ATTRIDX(MT_NORMAL) | PTE_SH_INNER;
    else
        a |= PTE_ATTRIDX(MT_DEVICE);
    if (!exec)
        a |= boot_el == 2 ? PTE_XN : (PTE_XN | PTE_PXN);
    else if (boot_el == 1)
        a |= PTE_XN;        /* never executable from EL0 */
    if (boot_el == 2)
        a |= PTE_AP1;
    return a;
}

static bool is_table(uint64_t pte)
{
    return (pte & 3) == PTE_TABLE;
}

/* Make one 2 MiB block Normal memory; false if the tables cannot. */
static bool map_normal_block(paddr_t pa, bool exec)
{
    unsigned int l1 = (unsigned int)(pa >> L1_SHIFT);
    unsigned int l2 = (unsigned int)(pa >> L2_SHIFT) % PT_ENTRIES;
    uint64_t *table;

    if (pa >= BOOT_MAP_LIMIT)
        return false;
    if (!is_table(boot_l1[l1])) {
        if (boot_l2_used == BOOT_L2_TABLES)
            return false;
        table = boot_l2[boot_l2_used++];
        /* Keep the rest of this gigabyte the Device memory it was. */
        for (unsigned int i = 0; i < PT_ENTRIES; i++)
            table[i] = ((uint64_t)l1 << L1_SHIFT) + ((uint64_t)i << L2_SHIFT) +
                       block_attrs(false, false);
        boot_l1[l1] = (uint64_t)(uintptr_t)table | PTE_TABLE;
    }
    table = (uint64_t *)(uintptr_t)(boot_l1[l1] & PTE_ADDR_MASK);
    /* A block shared by the image and the device tree stays executable. */
    if (!exec && (table[l2] & PTE_ATTRIDX(7)) == PTE_ATTRIDX(MT_NORMAL))
        return true;
    table[l2] = ROUNDDOWN(pa, BOOT_BLOCK_SIZE) | block_attrs(true, exec);
    return true;
}

static bool map_normal(paddr_t start, paddr_t end, bool exec)
{
    bool ok = true;

    if (end <= start || end > BOOT_MAP_LIMIT)
        return false;
    for (paddr_t pa = ROUNDDOWN(start, BOOT_BLOCK_SIZE); pa < end;
         pa += BOOT_BLOCK_SIZE)
        ok = map_normal_block(pa, exec) && ok;
    return ok;
}

static unsigned int lookup_attr(paddr_t pa)
{
    uint64_t pte;

    if (pa >= BOOT_MAP_LIMIT)
        return ~0U;
    pte = boot_l1[pa >> L1_SHIFT];
    if (is_table(pte))
        pte = ((const uint64_t *)(uintptr_t)(pte & PTE_ADDR_MASK))
              [(pa >> L2_SHIFT) % PT_ENTRIES];
    return (unsigned int)(pte >> 2) & 7;
}

static bool range_has_attr(paddr_t pa, paddr_t size, unsigned int attr)
{
    paddr_t end = pa + size;

    if (size == 0 || end < pa || end > BOOT_MAP_LIMIT || !boot_el)
        return false;
    for (paddr_t p = ROUNDDOWN(pa, BOOT_BLOCK_SIZE); p < end; p += BOOT_BLOCK_SIZE)
        if (lookup_attr(p) != attr)
            return false;
    return true;
}

bool boot_mm_is_normal(paddr_t pa, paddr_t size)
{
    return range_has_attr(pa, size, MT_NORMAL);
}

bool boot_mm_is_device(paddr_t pa, paddr_t size)
{
    return range_has_attr(pa, size, MT_DEVICE);
}

/*
 * Drop any cache lines for [start, end): we wrote this memory (relocations,
 * .bss, tables) with the caches off, so memory is current and a cached copy
 * left by the loader would be stale once caches turn on.
 */
static void invalidate_dcache_range(paddr_t start, paddr_t end)
{
    uint64_t ctr = READ_SYSREG(ctr_el0);
    paddr_t line = 4UL << ((ctr >> 16) & 0xf);     /* DminLine, in words */

    for (paddr_t p = ROUNDDOWN(start, line); p < end; p += line)
        asm volatile ("dc ivac, %0" : : "r" (p) : "memory");
    dsb_sy();
}

static uint64_t pa_range_field(void)
{
    uint64_t pa_range = READ_SYSREG(id_aa64mmfr0_el1) & ID_AA64MMFR0_PARANGE_MASK;

    /* Values above 48 bits need 52-bit descriptors we do not use. */
    return pa_range > PARANGE_48BIT ? PARANGE_48BIT : pa_range;
}

bool boot_mm_init(unsigned int el, paddr_t image_start, paddr_t image_end,
                  paddr_t fdt_pa)
{
    uint64_t tcr, sctlr;

    if (el != 1 && el != 2)
        return false;
    boot_el = el;

    for (unsigned int i = 0; i < PT_ENTRIES; i++)
        boot_l1[i] = ((uint64_t)i << L1_SHIFT) | block_attrs(false, false);

    if (!map_normal(image_start, image_end, true)) {
        boot_el = 0;
        return false;
    }
    /* A device tree we cannot map is reported later, by the caller. */
    if (fdt_pa && fdt_pa < BOOT_MAP_LIMIT - BOOT_FDT_MAX_SIZE)
        map_normal(fdt_pa, fdt_pa + BOOT_FDT_MAX_SIZE, false);

    invalidate_dcache_range(image_start, image_end);

    tcr = TCR_T0SZ(BOOT_VA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
          TCR_SH0_INNER | TCR_TG0_4K;
    if (el == 2) {
        tcr |= TCR_EL2_RES1 | (pa_range_field() << TCR_EL2_PS_SHIFT);
        WRITE_SYSREG(MAIR_BOOT, mair_el2);
        WRITE_SYSREG(tcr, tcr_el2);
        WRITE_SYSREG((uintptr_t)boot_l1, ttbr0_el2);
        isb();
        asm volatile ("tlbi alle2" : : : "memory");
        dsb_sy();
        isb();
        sctlr = READ_SYSREG(sctlr_el2);
    } else {
        /* TG1 = 4K (0b10): with EPD1 set it only has to be a valid value. */
        tcr |= TCR_EL1_EPD1 | (2UL << 30) | (pa_range_field() << TCR_EL1_IPS_SHIFT);
        WRITE_SYSREG(MAIR_BOOT, mair_el1);
        WRITE_SYSREG(tcr, tcr_el1);
        WRITE_SYSREG((uintptr_t)boot_l1, ttbr0_el1);
        isb();
        asm volatile ("tlbi vmalle1" : : : "memory");
        dsb_sy();
        isb();
        sctlr = READ_SYSREG(sctlr_el1);
    }

    sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
    sctlr &= ~(SCTLR_A | SCTLR_WXN | SCTLR_EE);
    if (el == 2)
        WRITE_SYSREG(sctlr, sctlr_el2);
    else
        WRITE_SYSREG(sctlr, sctlr_el1);
    isb();
    asm volatile ("ic iallu" : : : "memory");
    dsb_sy();
    isb();
    return true;
}
