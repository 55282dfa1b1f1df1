/*
 * EL2 stage-1 page tables (layout in asm/mm.h).
 *
 * The tables come from a fixed pool in .bss, so they exist before any
 * allocator does and are covered by the image range the heap never hands
 * out.  mm_boot_init() runs with the MMU off (plain, aligned C); after
 * that, tables are changed only by adding entries where there were none,
 * which needs no break-before-make, under mm_lock.
 */
#include <xen/arch.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/spinlock.h>
#include <asm/cpu.h>
#include <asm/mm.h>
#include <asm/setup.h>
#include <asm/sysregs.h>

#define PT_ENTRIES      512
#define PT_POOL_PAGES   64

/* Descriptor bits (VMSAv8-64 stage 1, 4K granule). */
#define PTE_VALID       0x1UL
#define PTE_TYPE_MASK   0x3UL
#define PTE_BLOCK       0x1UL               /* levels 1-2 */
#define PTE_TABLE       0x3UL               /* levels 0-2 */
#define PTE_PAGE        0x3UL               /* level 3 */
#define PTE_ATTRIDX(i)  ((uint64_t)(i) << 2)
#define PTE_AP1         (1UL << 6)          /* EL0 access at EL1; RES1 at EL2 */
#define PTE_AP2_RO      (1UL << 7)
#define PTE_SH_INNER    (3UL << 8)
#define PTE_AF          (1UL << 10)         /* accessed: no AF faults */
#define PTE_PXN         (1UL << 53)         /* EL1 regime only */
#define PTE_XN          (1UL << 54)         /* UXN at EL1, XN at EL2 */
#define PTE_ADDR_MASK   0x0000fffffffff000UL

#define LEVEL_SHIFT(l)  (39 - 9 * (l))
#define LEVEL_SIZE(l)   (1UL << LEVEL_SHIFT(l))

enum map_kind {
    MAP_TEXT,       /* Normal, read-only, executable */
    MAP_RODATA,     /* Normal, read-only */
    MAP_DATA,       /* Normal, read-write */
    MAP_DEVICE,     /* Device-nGnRE, read-write */
};

static uint64_t pt_pool[PT_POOL_PAGES][PT_ENTRIES] __aligned(4096);
static unsigned int pt_pool_used;
static uint64_t *pt_root;
static unsigned int mm_el;
static bool mm_live;                /* MMU on: changes need barriers, lock */
static unsigned int pa_bits = 48;
static vaddr_t ioremap_next = IOREMAP_VIRT_START;
static paddr_t image_ro_start, image_ro_end;    /* text + rodata */
static DEFINE_SPINLOCK(mm_lock);

struct mmu_boot_params mmu_boot_params __aligned(64);

static uint64_t *pt_alloc(void)
{
    uint64_t *t;

    if (pt_pool_used == PT_POOL_PAGES)
        return NULL;
    t = pt_pool[pt_pool_used++];
    for (unsigned int i = 0; i < PT_ENTRIES; i++)
        t[i] = 0;
    return t;
}

static uint64_t leaf_attrs(enum map_kind kind)
{
    uint64_t a = PTE_AF;
    bool exec = kind == MAP_TEXT;

    if (kind == MAP_DEVICE)
        a |= PTE_ATTRIDX(MT_DEVICE);
    else
        a |= PTE_ATTRIDX(MT_NORMAL) | PTE_SH_INNER;
    if (kind == MAP_TEXT || kind == MAP_RODATA)
        a |= PTE_AP2_RO;
    if (mm_el == 2) {
        a |= PTE_AP1;
        if (!exec)
            a |= PTE_XN;
    } else {
        /* EL1 regime (only to report a bad boot): nothing for EL0. */
        a |= PTE_XN;
        if (!exec)
            a |= PTE_PXN;
    }
    return a;
}

static void write_pte(uint64_t *slot, uint64_t val)
{
    __atomic_store_n(slot, val, __ATOMIC_RELAXED);
    /* The walker must see the entry before anything uses it. */
    if (mm_live) {
        dsb_ishst();
        isb();
    }
}

/*
 * Install one leaf of LEVEL_SIZE(level) bytes.  Only empty slots are
 * filled: a clash means two users of one address range, a bug we report.
 */
static int set_leaf(vaddr_t va, paddr_t pa, unsigned int level, uint64_t attrs)
{
    uint64_t *t = pt_root;
    unsigned int idx;

    for (unsigned int l = 0; l < level; l++) {
        idx = (unsigned int)(va >> LEVEL_SHIFT(l)) % PT_ENTRIES;
        if (!(t[idx] & PTE_VALID)) {
            uint64_t *next = pt_alloc();

            if (!next)
                return -ENOMEM;
            /* Tables live in the identity-mapped image: VA == PA. */
            write_pte(&t[idx], (uint64_t)(uintptr_t)next | PTE_TABLE);
        } else if ((t[idx] & PTE_TYPE_MASK) != PTE_TABLE) {
            return -EEXIST;
        }
        t = (uint64_t *)(uintptr_t)(t[idx] & PTE_ADDR_MASK);
    }
    idx = (unsigned int)(va >> LEVEL_SHIFT(level)) % PT_ENTRIES;
    if (t[idx] & PTE_VALID)
        return -EEXIST;
    write_pte(&t[idx], pa | attrs | (level == 3 ? PTE_PAGE : PTE_BLOCK));
    return 0;
}

/* Map with the largest blocks alignment allows (if @blocks). */
static int map_range(vaddr_t va, paddr_t pa, uint64_t size, enum map_kind kind,
                     bool blocks)
{
    uint64_t attrs = leaf_attrs(kind);

    if ((va | pa | size) & (PAGE_SIZE - 1))
        return -EINVAL;
    if (pa + size < pa || (pa + size - 1) >> pa_bits || va + size < va ||
        (va + size - 1) >> VA_BITS)
        return -ERANGE;
    while (size) {
        unsigned int level = 3;
        int rc;

        for (unsigned int l = 1; blocks && l < 3; l++)
            if (!((va | pa) & (LEVEL_SIZE(l) - 1)) && size >= LEVEL_SIZE(l)) {
                level = l;
                break;
            }
        rc = set_leaf(va, pa, level, attrs);
        if (rc)
            return rc;
        va += LEVEL_SIZE(level);
        pa += LEVEL_SIZE(level);
        size -= LEVEL_SIZE(level);
    }
    return 0;
}

/* Remove one 4K page mapping (MMU still off: no TLB maintenance). */
static void unmap_page_early(vaddr_t va)
{
    uint64_t *t = pt_root;

    for (unsigned int l = 0; l < 3; l++) {
        uint64_t e = t[(va >> LEVEL_SHIFT(l)) % PT_ENTRIES];

        if ((e & PTE_TYPE_MASK) != PTE_TABLE)
            return;
        t = (uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK);
    }
    t[(va >> LEVEL_SHIFT(3)) % PT_ENTRIES] = 0;
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

static void clean_dcache_range(const void *start, size_t len)
{
    uint64_t ctr = READ_SYSREG(ctr_el0);
    uintptr_t line = 4UL << ((ctr >> 16) & 0xf);
    uintptr_t end = (uintptr_t)start + len;

    for (uintptr_t p = ROUNDDOWN((uintptr_t)start, line); p < end; p += line)
        asm volatile ("dc cvac, %0" : : "r" (p) : "memory");
    dsb_sy();
}

static uint64_t pa_range_field(void)
{
    static const unsigned int bits[] = { 32, 36, 40, 42, 44, 48 };
    uint64_t pa_range = READ_SYSREG(id_aa64mmfr0_el1) & ID_AA64MMFR0_PARANGE_MASK;

    /* Values above 48 bits need 52-bit descriptors we do not use. */
    if (pa_range > PARANGE_48BIT)
        pa_range = PARANGE_48BIT;
    pa_bits = bits[pa_range];
    return pa_range;
}

/* The image with its section permissions, 4K pages, guard pages left out. */
static bool map_image(paddr_t start, paddr_t end)
{
    paddr_t rodata = (paddr_t)(uintptr_t)__rodata_start;
    paddr_t data = (paddr_t)(uintptr_t)__data_start;

    if (start >= IDENTITY_AREA_END || end > IDENTITY_AREA_END ||
        !(start < rodata && rodata <= data && data < end))
        return false;
    image_ro_start = start;
    image_ro_end = data;
    if (map_range(start, start, rodata - start, MAP_TEXT, false) ||
        map_range(rodata, rodata, data - rodata, MAP_RODATA, false) ||
        map_range(data, data, ROUNDUP(end, PAGE_SIZE) - data, MAP_DATA, false))
        return false;
    for (unsigned int cpu = 0; cpu < CONFIG_NR_CPUS; cpu++)
        unmap_page_early((vaddr_t)(uintptr_t)cpu_stacks[cpu]);
    return true;
}

/* Bytes of device tree to map: its own size if the header looks sane. */
static size_t fdt_window_size(paddr_t fdt_pa)
{
    /* MMU off: aligned 32-bit reads of the big-endian header are fine. */
    const volatile uint32_t *hdr = (const volatile uint32_t *)(uintptr_t)fdt_pa;
    uint32_t size;

    if (__builtin_bswap32(hdr[0]) != 0xd00dfeedU)
        return PAGE_SIZE;           /* enough for validation to say why */
    size = __builtin_bswap32(hdr[1]);
    if (size > BOOT_FDT_MAX_SIZE || size < 4)
        return BOOT_FDT_MAX_SIZE;   /* validation reports "too large" */
    return size;
}

/* The device tree, read-only, in the identity area (minus any image page). */
static size_t map_fdt(paddr_t fdt_pa, paddr_t image_start, paddr_t image_end)
{
    size_t size;
    paddr_t start, end;

    if (!fdt_pa || (fdt_pa & 7) || fdt_pa >= IDENTITY_AREA_END - BOOT_FDT_MAX_SIZE ||
        (fdt_pa >= image_start && fdt_pa < image_end))
        return 0;
    size = fdt_window_size(fdt_pa);
    start = ROUNDDOWN(fdt_pa, PAGE_SIZE);
    end = ROUNDUP(fdt_pa + size, PAGE_SIZE);
    /* A blob running into the image is refused later; map up to it. */
    if (start < image_start && end > image_start)
        end = image_start;
    if (map_range(start, start, end - start, MAP_RODATA, false))
        return 0;
    return (size_t)(end - fdt_pa);
}

bool mm_boot_init(unsigned int el, paddr_t image_start, paddr_t image_end,
                  paddr_t fdt_pa, size_t *fdt_mapped)
{
    uint64_t tcr, sctlr, ps;

    *fdt_mapped = 0;
    if (el != 1 && el != 2)
        return false;
    mm_el = el;
    ps = pa_range_field();
    pt_root = pt_alloc();
    if (!map_image(image_start, image_end))
        return false;
    *fdt_mapped = map_fdt(fdt_pa, image_start, image_end);

    invalidate_dcache_range(image_start, image_end);

    tcr = TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
          TCR_SH0_INNER | TCR_TG0_4K;
    if (el == 2) {
        tcr |= TCR_EL2_RES1 | (ps << TCR_EL2_PS_SHIFT);
        sctlr = SCTLR_EL2_HYP;
        WRITE_SYSREG(MAIR_VALUE, mair_el2);
        WRITE_SYSREG(tcr, tcr_el2);
        WRITE_SYSREG((uintptr_t)pt_root, ttbr0_el2);
        isb();
        asm volatile ("tlbi alle2" : : : "memory");
        dsb_sy();
        isb();
        WRITE_SYSREG(sctlr, sctlr_el2);
        mmu_boot_params.mair = MAIR_VALUE;
        mmu_boot_params.tcr = tcr;
        mmu_boot_params.ttbr0 = (uintptr_t)pt_root;
        mmu_boot_params.sctlr = sctlr;
    } else {
        tcr |= TCR_EL1_EPD1 | TCR_EL1_TG1_4K | (ps << TCR_EL1_IPS_SHIFT);
        WRITE_SYSREG(MAIR_VALUE, mair_el1);
        WRITE_SYSREG(tcr, tcr_el1);
        WRITE_SYSREG((uintptr_t)pt_root, ttbr0_el1);
        isb();
        asm volatile ("tlbi vmalle1" : : : "memory");
        dsb_sy();
        isb();
        sctlr = READ_SYSREG(sctlr_el1);
        sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
        sctlr &= ~(SCTLR_A | SCTLR_WXN | SCTLR_EE);
        WRITE_SYSREG(sctlr, sctlr_el1);
    }
    isb();
    asm volatile ("ic iallu" : : : "memory");
    dsb_sy();
    isb();
    mm_live = true;
    return true;
}

void mm_publish_boot_params(void)
{
    clean_dcache_range(&mmu_boot_params, sizeof(mmu_boot_params));
}

paddr_t mm_directmap_limit(void)
{
    paddr_t pa_limit = 1UL << pa_bits;

    return pa_limit < DIRECTMAP_SIZE ? pa_limit : DIRECTMAP_SIZE;
}

/* The machine address the MMU gives @va at EL2 (read), or ~0 if none. */
static paddr_t el2_translate(vaddr_t va)
{
    unsigned long flags = arch_irq_save();
    uint64_t par;

    asm volatile ("at s1e2r, %0" : : "r" (va) : "memory");
    isb();
    par = READ_SYSREG(par_el1);
    arch_irq_restore(flags);
    if (par & 1)
        return ~(paddr_t)0;
    return (par & PTE_ADDR_MASK) | (va & (PAGE_SIZE - 1));
}

/* [s, e) of RAM into the direct map, read-write or read-only. */
static int map_directmap(paddr_t s, paddr_t e, enum map_kind kind)
{
    if (e <= s)
        return 0;
    return map_range(DIRECTMAP_VIRT_START + s, s, e - s, kind, true);
}

bool mm_map_directmap(paddr_t start, paddr_t size)
{
    paddr_t s = ROUNDUP(start, PAGE_SIZE), e = ROUNDDOWN(start + size, PAGE_SIZE);
    paddr_t ro_s, ro_e;
    int rc;

    if (start + size < start || e > mm_directmap_limit())
        return false;
    if (e <= s)
        return true;
    /* The image's code and constants stay read-only through this alias. */
    ro_s = image_ro_start < s ? s : image_ro_start;
    ro_e = image_ro_end > e ? e : image_ro_end;
    spin_lock(&mm_lock);
    if (ro_s < ro_e)
        rc = map_directmap(s, ro_s, MAP_DATA) ?: map_directmap(ro_s, ro_e, MAP_RODATA) ?:
             map_directmap(ro_e, e, MAP_DATA);
    else
        rc = map_directmap(s, e, MAP_DATA);
    spin_unlock(&mm_lock);
    /* Both ends must now be where they belong. */
    return rc == 0 && mm_el == 2 &&
           el2_translate(DIRECTMAP_VIRT_START + s) == s &&
           el2_translate(DIRECTMAP_VIRT_START + e - 1) == e - 1;
}

void *ioremap(paddr_t pa, size_t size)
{
    paddr_t base = ROUNDDOWN(pa, PAGE_SIZE);
    uint64_t len;
    vaddr_t va;
    void *ret = NULL;

    if (!size || pa + size < pa)
        return NULL;
    len = ROUNDUP(pa + size, PAGE_SIZE) - base;
    spin_lock(&mm_lock);
    va = ioremap_next;
    /* Big ranges share the 2 MiB offset of their address: blocks fit. */
    if (len >= LEVEL_SIZE(2))
        va = ROUNDUP(va, LEVEL_SIZE(2)) + (base & (LEVEL_SIZE(2) - 1));
    if (va + len <= IOREMAP_VIRT_START + IOREMAP_SIZE && va + len > va &&
        map_range(va, base, len, MAP_DEVICE, true) == 0) {
        /* An unmapped page between mappings catches overruns. */
        ioremap_next = va + len + PAGE_SIZE;
        ret = (void *)(uintptr_t)(va + (pa - base));
    }
    spin_unlock(&mm_lock);
    return ret;
}

void mm_pool_usage(unsigned int *used, unsigned int *total)
{
    *used = pt_pool_used;
    *total = PT_POOL_PAGES;
}

/* ---- checking what the MMU does ----------------------------------------- */

/* Does a read (or write) at EL2 of @va translate?  Asks the MMU itself. */
static bool el2_access_ok(vaddr_t va, bool write)
{
    unsigned long flags = arch_irq_save();
    uint64_t par;

    if (write)
        asm volatile ("at s1e2w, %0" : : "r" (va) : "memory");
    else
        asm volatile ("at s1e2r, %0" : : "r" (va) : "memory");
    isb();
    par = READ_SYSREG(par_el1);
    arch_irq_restore(flags);
    return !(par & 1);
}

/* The leaf descriptor for @va in our tables, 0 if none. */
static uint64_t leaf_of(vaddr_t va)
{
    const uint64_t *t = pt_root;

    for (unsigned int l = 0; l <= 3; l++) {
        uint64_t e = t[(va >> LEVEL_SHIFT(l)) % PT_ENTRIES];

        if (!(e & PTE_VALID))
            return 0;
        if (l == 3 || (e & PTE_TYPE_MASK) == PTE_BLOCK)
            return e;
        t = (const uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK);
    }
    return 0;
}

struct mm_expect {
    const char *what;
    vaddr_t va;
    bool read, write, exec;
};

void mm_selfcheck(void)
{
    vaddr_t text = (vaddr_t)(uintptr_t)_start;
    vaddr_t rodata = (vaddr_t)(uintptr_t)__rodata_start;
    vaddr_t data = (vaddr_t)(uintptr_t)__data_start;
    const struct mm_expect expect[] = {
        { "text", text, true, false, true },
        { "rodata", rodata, true, false, false },
        { "data", data, true, true, false },
        { "bss", (vaddr_t)(uintptr_t)__bss_start, true, true, false },
        { "direct map of text", DIRECTMAP_VIRT_START + text, true, false, false },
        { "direct map of data", DIRECTMAP_VIRT_START + data, true, true, false },
        { "never-mapped page", FAULT_TEST_VA, false, false, false },
        { "null page", 0, false, false, false },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(expect); i++) {
        const struct mm_expect *e = &expect[i];
        uint64_t leaf = leaf_of(e->va);
        bool exec = leaf && !(leaf & PTE_XN);

        if (el2_access_ok(e->va, false) != e->read ||
            el2_access_ok(e->va, true) != e->write || exec != e->exec)
            panic("mm: %s at %#lx is not %s%s%s", e->what, e->va,
                  e->read ? "readable" : "unmapped", e->write ? ", writable" : "",
                  e->exec ? ", executable" : "");
    }
    for (unsigned int cpu = 0; cpu < CONFIG_NR_CPUS; cpu++)
        if (el2_access_ok((vaddr_t)(uintptr_t)cpu_stacks[cpu], false))
            panic("mm: CPU%u's stack guard page is mapped", cpu);
    printk("mm: ok (text RX, rodata RO, data RW+XN, %u stack guard pages unmapped)\n",
           CONFIG_NR_CPUS);
}

/* ---- the contract with common code ------------------------------------- */

void *arch_maddr_to_virt(paddr_t ma)
{
    if (unlikely(ma >= DIRECTMAP_SIZE))
        panic("maddr_to_virt: %#llx is beyond the direct map", (unsigned long long)ma);
    return (void *)(uintptr_t)(DIRECTMAP_VIRT_START + ma);
}

paddr_t arch_virt_to_maddr(const void *va)
{
    vaddr_t v = (vaddr_t)va;
    paddr_t pa;

    if (v - DIRECTMAP_VIRT_START < DIRECTMAP_SIZE)
        return v - DIRECTMAP_VIRT_START;
    if (v < IDENTITY_AREA_END)
        return v;                   /* the image and the boot device tree */
    /* Anything else (ioremap window): ask the MMU. */
    pa = el2_translate(v);
    if (pa == ~(paddr_t)0)
        panic("virt_to_maddr: %p is not mapped", va);
    return pa;
}
