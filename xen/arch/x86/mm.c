/*
 * The hypervisor's own page tables (docs/x86_64-memory-and-traps.md).
 *
 * head.S boots on link-time tables (1:1 low 4 GiB, image at the top).
 * Once the memory map is known, x86_mm_init() builds the run-time tables
 * every CPU then uses:
 *
 *   - the direct map: the RAM, ACPI and module ranges of the memory map,
 *     its reserved ranges below 4 GiB, and the first MiB, at DIRECTMAP_VIRT_START +
 *     machine address, read/write, not executable, with 1 GiB or 2 MiB
 *     pages where alignment allows;
 *   - the image at XEN_VIRT_OFFSET with per-section permissions (text
 *     read-only and executable, rodata read-only, data and bss writable,
 *     not executable) and the boot stack's guard page left out;
 *   - nothing in the low half: NULL and other stray low pointers fault.
 *
 * Page-table pages come from one run of RAM below 4 GiB carved out
 * before the heap exists (kept out of the heap through boot_info.rsv[],
 * its unused tail handed back later), then from the heap.
 */
#include <xen/arch.h>
#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/processor.h>

extern char __image_start[], __image_end[];
extern char __rodata_start[], __data_start[];
extern char boot_stack_guard[];

/* Memory below this stays out of the heap (BIOS data, AP trampoline). */
#define LOW_MEM_END        0x100000ULL

#define TABLE_FLAGS        (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED)

uint64_t x86_idle_cr3;
uint64_t x86_cr4_features;
uint64_t x86_efer_features;

static bool have_nx, have_pge, have_1g;
static bool on_runtime_tables;      /* x86_mm_init() switched CR3 */
static bool heap_up;
static paddr_t idle_l4;

static paddr_t early_start, early_next, early_end;

#define DMAP_RANGES_MAX (BOOT_MEM_MAX + BOOT_MODULES_MAX + 1)
static struct {
    paddr_t start, end;
} dmap[DMAP_RANGES_MAX];
static unsigned int nr_dmap;

static DEFINE_SPINLOCK(pt_lock);
static DEFINE_SPINLOCK(ioremap_lock);
static uint64_t ioremap_next = IOREMAP_VIRT_START;

/* ------------------------------------------------------------ tables */

/* Where a page-table page can be written: 1:1 before the switch. */
static uint64_t *pt_va(paddr_t pa)
{
    return on_runtime_tables ? dmap_va(pa) : boot_phys_to_virt(pa);
}

static paddr_t pt_alloc(void)
{
    paddr_t pa;

    if (heap_up) {
        mfn_t m = alloc_pages(0);

        if (mfn_eq(m, INVALID_MFN))
            return 0;
        pa = mfn_to_maddr(m);
    } else {
        if (early_next >= early_end)
            return 0;
        pa = early_next;
        early_next += PAGE_SIZE;
    }
    memset(pt_va(pa), 0, PAGE_SIZE);
    return pa;
}

static uint64_t leaf_flags(unsigned int attrs)
{
    uint64_t f = PTE_PRESENT | PTE_ACCESSED | PTE_DIRTY;

    if (attrs & MAP_W)
        f |= PTE_WRITABLE;
    if (!(attrs & MAP_X) && have_nx)
        f |= PTE_NX;
    if (attrs & MAP_UC)
        f |= PTE_PCD | PTE_PWT;     /* PAT entry 3: UC */
    if (have_pge)
        f |= PTE_GLOBAL;
    return f;
}

/* The table an entry points to, allocating it if absent. */
static uint64_t *next_table(uint64_t *e, int *err)
{
    if (!(*e & PTE_PRESENT)) {
        paddr_t t = pt_alloc();

        if (!t) {
            *err = -ENOMEM;
            return NULL;
        }
        *e = t | TABLE_FLAGS;
    } else if (*e & PTE_PSE) {
        *err = -EEXIST;
        return NULL;
    }
    return pt_va(*e & PTE_ADDR_MASK);
}

static unsigned int pt_index(uint64_t va, unsigned int shift)
{
    return (unsigned int)((va >> shift) & (PT_ENTRIES - 1));
}

int map_pages(uint64_t va, paddr_t pa, uint64_t size, unsigned int attrs)
{
    const uint64_t flags = leaf_flags(attrs);
    const bool big = !(attrs & MAP_SMALL);
    int err = 0;

    if ((va | pa | size) & (PAGE_SIZE - 1))
        return -EINVAL;

    spin_lock(&pt_lock);
    while (size && !err) {
        uint64_t *l3, *l2, *l1, *e, step;

        l3 = next_table(&pt_va(idle_l4)[pt_index(va, L4_SHIFT)], &err);
        if (!l3)
            break;
        e = &l3[pt_index(va, L3_SHIFT)];
        if (big && have_1g && !((va | pa) & (SIZE_1G - 1)) && size >= SIZE_1G) {
            if (*e & PTE_PRESENT) {
                err = -EEXIST;
                break;
            }
            *e = pa | flags | PTE_PSE;
            step = SIZE_1G;
        } else {
            l2 = next_table(e, &err);
            if (!l2)
                break;
            e = &l2[pt_index(va, L2_SHIFT)];
            if (big && !((va | pa) & (SIZE_2M - 1)) && size >= SIZE_2M) {
                if (*e & PTE_PRESENT) {
                    err = -EEXIST;
                    break;
                }
                *e = pa | flags | PTE_PSE;
                step = SIZE_2M;
            } else {
                l1 = next_table(e, &err);
                if (!l1)
                    break;
                e = &l1[pt_index(va, L1_SHIFT)];
                if (*e & PTE_PRESENT) {
                    err = -EEXIST;
                    break;
                }
                *e = pa | flags;
                step = PAGE_SIZE;
            }
        }
        va += step;
        pa += step;
        size -= step;
    }
    spin_unlock(&pt_lock);
    return err;
}

/* Translate va through the run-time tables; false if it is not mapped. */
static bool walk(uint64_t va, paddr_t *pa)
{
    static const unsigned int shifts[] = { L4_SHIFT, L3_SHIFT, L2_SHIFT, L1_SHIFT };
    paddr_t table;

    /* Only our run-time tables can be walked safely (through the direct map). */
    if (!on_runtime_tables || (read_cr3() & PTE_ADDR_MASK) != idle_l4)
        return false;
    table = idle_l4;
    for (unsigned int level = 0; level < 4; level++) {
        uint64_t e = pt_va(table)[pt_index(va, shifts[level])];
        uint64_t span = 1ULL << shifts[level];

        if (!(e & PTE_PRESENT))
            return false;
        if (level == 3 || (level > 0 && (e & PTE_PSE))) {
            *pa = (e & PTE_ADDR_MASK & ~(span - 1)) | (va & (span - 1));
            return true;
        }
        table = e & PTE_ADDR_MASK;
    }
    return false;
}

bool va_is_mapped(uint64_t va)
{
    paddr_t pa;

    return walk(va, &pa);
}

/* ------------------------------------------------------------ direct map */

static void dmap_add(paddr_t start, paddr_t end)
{
    if (end > DIRECTMAP_SIZE)
        end = DIRECTMAP_SIZE;
    start = ROUNDDOWN(start, PAGE_SIZE);
    end = ROUNDUP(end, PAGE_SIZE);
    if (start >= end || nr_dmap >= DMAP_RANGES_MAX)
        return;
    dmap[nr_dmap].start = start;
    dmap[nr_dmap].end = end;
    nr_dmap++;
}

/* Sort by start and merge overlapping or touching ranges. */
static void dmap_merge(void)
{
    unsigned int out = 0;

    for (unsigned int i = 1; i < nr_dmap; i++)
        for (unsigned int j = i; j > 0 && dmap[j].start < dmap[j - 1].start; j--) {
            paddr_t s = dmap[j].start, e = dmap[j].end;

            dmap[j] = dmap[j - 1];
            dmap[j - 1].start = s;
            dmap[j - 1].end = e;
        }
    for (unsigned int i = 0; i < nr_dmap; i++) {
        if (out && dmap[i].start <= dmap[out - 1].end) {
            if (dmap[i].end > dmap[out - 1].end)
                dmap[out - 1].end = dmap[i].end;
            continue;
        }
        dmap[out++] = dmap[i];
    }
    nr_dmap = out;
}

bool dmap_covers(paddr_t pa, uint64_t len)
{
    if (len == 0 || pa + len < pa)
        return false;
    for (unsigned int i = 0; i < nr_dmap; i++)
        if (pa >= dmap[i].start && pa + len <= dmap[i].end)
            return true;
    return false;
}

/* ------------------------------------------------------------ early pool */

/* An upper bound on the page-table pages x86_mm_init() needs. */
static uint64_t tables_needed(paddr_t image_size)
{
    uint64_t n = 1;                         /* the PML4 */

    for (unsigned int i = 0; i < nr_dmap; i++) {
        uint64_t size = dmap[i].end - dmap[i].start;

        n += 2;                             /* level 1 at either end */
        n += (size >> L3_SHIFT) + 2;        /* level 2 */
        n += (size >> L4_SHIFT) + 2;        /* level 3 */
    }
    n += (image_size >> L2_SHIFT) + 2 + 2;  /* the image */
    return n + 8;
}

/* Lowest start of anything in [s, e) that the pool must not take, or e. */
static paddr_t first_conflict(const struct boot_info *bi, paddr_t s, paddr_t e)
{
    paddr_t img_s = image_virt_to_phys(__image_start);
    paddr_t img_e = image_virt_to_phys(__image_end);
    paddr_t c = e;

    if (s < img_e && img_s < e && img_s < c)
        c = img_s;
    for (unsigned int i = 0; i < bi->nr_mods && i < BOOT_MODULES_MAX; i++) {
        paddr_t ms = bi->mods[i].start, me = ms + bi->mods[i].size;

        if (s < me && ms < e && ms < c)
            c = ms;
    }
    /* RAM that another entry of the map also claims is not trusted. */
    for (unsigned int i = 0; i < bi->nr_mem && i < BOOT_MEM_MAX; i++) {
        paddr_t rs = bi->mem[i].start, re = rs + bi->mem[i].size;

        if (bi->mem[i].type != BOOT_MEM_RAM && s < re && rs < e && rs < c)
            c = rs;
    }
    return c < s ? s : c;
}

/* Highest page-aligned run of `size` bytes of free RAM in [1 MiB, 4 GiB). */
static paddr_t find_pool(const struct boot_info *bi, uint64_t size)
{
    paddr_t best = 0;

    for (unsigned int i = 0; i < bi->nr_mem && i < BOOT_MEM_MAX; i++) {
        const struct boot_mem_region *r = &bi->mem[i];
        paddr_t lo, hi;

        if (r->type != BOOT_MEM_RAM)
            continue;
        lo = ROUNDUP(r->start, PAGE_SIZE);
        hi = r->start + r->size;
        if (lo < LOW_MEM_END)
            lo = LOW_MEM_END;
        if (hi > BOOT_IDENT_LIMIT)
            hi = BOOT_IDENT_LIMIT;
        hi = ROUNDDOWN(hi, PAGE_SIZE);
        while (hi > lo && hi - lo >= size) {
            paddr_t cand = hi - size, c = first_conflict(bi, cand, hi);

            if (c == hi) {
                if (cand > best)
                    best = cand;
                break;
            }
            hi = ROUNDDOWN(c, PAGE_SIZE);
        }
    }
    return best;
}

/* ------------------------------------------------------------ set-up */

static void map_or_panic(uint64_t va, paddr_t pa, uint64_t size, unsigned int attrs,
                         const char *what)
{
    int rc = map_pages(va, pa, size, attrs);

    if (rc)
        panic("mm: cannot map %s (%#llx bytes at %#llx): error %d", what,
              (unsigned long long)size, (unsigned long long)pa, rc);
}

static void map_image_part(const char *from, const char *to, unsigned int attrs,
                           const char *what)
{
    uint64_t s = (uint64_t)(uintptr_t)from;
    uint64_t e = ROUNDUP((uint64_t)(uintptr_t)to, PAGE_SIZE);

    if (e > s)
        map_or_panic(s, image_virt_to_phys(from), e - s, attrs, what);
}

void x86_mm_init(struct boot_info *bi)
{
    struct cpuid_regs l1 = cpuid(1), x1 = cpuid_ext(CPUID_EXT_FEATURES);
    paddr_t image_size = image_virt_to_phys(__image_end) - image_virt_to_phys(__image_start);
    uint64_t pages, ram_above = 0, mapped = 0;
    uint64_t cr4;

    have_nx = x1.edx & CPUIDX1_EDX_NX;
    have_pge = l1.edx & CPUID1_EDX_PGE;
    have_1g = x1.edx & CPUIDX1_EDX_PAGE1G;

    /* What the direct map covers: the first MiB, the map, the modules. */
    dmap_add(0, LOW_MEM_END);
    for (unsigned int i = 0; i < bi->nr_mem && i < BOOT_MEM_MAX; i++) {
        const struct boot_mem_region *r = &bi->mem[i];

        paddr_t end = r->start + r->size;

        if (end > DIRECTMAP_SIZE && r->type == BOOT_MEM_RAM)
            ram_above += end - (r->start > DIRECTMAP_SIZE ? r->start : DIRECTMAP_SIZE);
        /*
         * Bad RAM is never touched.  Reserved ranges matter below 4 GiB
         * (firmware data, BIOS areas); above, they are address-space
         * holes and device windows, left unmapped.
         */
        if (r->type == BOOT_MEM_UNUSABLE)
            continue;
        if (r->type == BOOT_MEM_RESERVED && end > BOOT_IDENT_LIMIT)
            end = r->start < BOOT_IDENT_LIMIT ? BOOT_IDENT_LIMIT : r->start;
        dmap_add(r->start, end);
    }
    for (unsigned int i = 0; i < bi->nr_mods && i < BOOT_MODULES_MAX; i++)
        dmap_add(bi->mods[i].start, bi->mods[i].start + bi->mods[i].size);
    dmap_merge();

    pages = tables_needed(image_size);
    early_start = find_pool(bi, pages * PAGE_SIZE);
    if (!early_start)
        panic("mm: no room below 4 GiB for %llu page-table pages",
              (unsigned long long)pages);
    early_next = early_start;
    early_end = early_start + pages * PAGE_SIZE;

    idle_l4 = pt_alloc();
    for (unsigned int i = 0; i < nr_dmap; i++) {
        map_or_panic(DIRECTMAP_VIRT_START + dmap[i].start, dmap[i].start,
                     dmap[i].end - dmap[i].start, MAP_W, "the direct map");
        mapped += dmap[i].end - dmap[i].start;
    }

    map_image_part(__image_start, __rodata_start, MAP_X, "text");
    map_image_part(__rodata_start, __data_start, MAP_R, "rodata");
    map_image_part(__data_start, boot_stack_guard, MAP_W, "data");
    map_image_part(boot_stack_guard + PAGE_SIZE, __image_end, MAP_W, "bss");

    /* NX must be on before tables using it are loaded; PAT is reset below. */
    if (have_nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    if (l1.edx & CPUID1_EDX_PAT)
        wrmsr(MSR_PAT, PAT_POWER_ON);
    cr4 = read_cr4();
    if (have_pge)
        cr4 |= X86_CR4_PGE;
    write_cr4(cr4);
    write_cr3(idle_l4);
    on_runtime_tables = true;

    x86_idle_cr3 = idle_l4;
    x86_cr4_features = cr4;
    x86_efer_features = have_nx ? EFER_NXE : 0;

    printk("mm: direct map of %u ranges, %llu MiB; page tables: %llu of %llu pages at %#llx;%s%s%s\n",
           nr_dmap, (unsigned long long)(mapped >> 20),
           (unsigned long long)((early_next - early_start) >> PAGE_SHIFT),
           (unsigned long long)pages, (unsigned long long)early_start,
           have_1g ? " 1G pages," : "",
           have_nx ? " NX," : "", have_pge ? " global pages" : "");
    if (ram_above)
        printk("mm: %llu MiB of RAM above %llu GiB is beyond the direct map, unused\n",
               (unsigned long long)(ram_above >> 20),
               (unsigned long long)(DIRECTMAP_SIZE >> 30));
}

bool x86_mm_ready(void)
{
    return on_runtime_tables;
}

void x86_mm_heap_ready(void)
{
    heap_up = true;
    /* The pool's unused tail goes to the heap. */
    if (early_next < early_end)
        heap_release_range(early_next, early_end);
    early_end = early_next;
}

void *ioremap(paddr_t pa, size_t size)
{
    paddr_t base = ROUNDDOWN(pa, PAGE_SIZE);
    uint64_t len, va;

    if (size == 0 || pa + size < pa)
        return NULL;
    len = ROUNDUP(pa + size, PAGE_SIZE) - base;
    spin_lock(&ioremap_lock);
    va = ioremap_next;
    /* One unmapped page between mappings catches overruns. */
    if (len > IOREMAP_VIRT_START + IOREMAP_VIRT_SIZE - va - PAGE_SIZE) {
        spin_unlock(&ioremap_lock);
        return NULL;
    }
    ioremap_next += len + PAGE_SIZE;
    spin_unlock(&ioremap_lock);
    if (map_pages(va, base, len, MAP_W | MAP_UC | MAP_SMALL))
        return NULL;
    return (void *)(uintptr_t)(va + (pa - base));
}

/* ------------------------------------------------------------ arch.h */

void *arch_maddr_to_virt(paddr_t ma)
{
    if (!on_runtime_tables)
        return boot_phys_to_virt(ma);
    if (ma >= DIRECTMAP_SIZE)
        panic("machine address %#llx is beyond the direct map", (unsigned long long)ma);
    return dmap_va(ma);
}

paddr_t arch_virt_to_maddr(const void *p)
{
    uint64_t va = (uint64_t)(uintptr_t)p;
    paddr_t pa;

    if (va >= DIRECTMAP_VIRT_START && va < DIRECTMAP_VIRT_START + DIRECTMAP_SIZE)
        return va - DIRECTMAP_VIRT_START;
    if (va >= XEN_VIRT_OFFSET)
        return va - XEN_VIRT_OFFSET;
    if (!on_runtime_tables && va < BOOT_IDENT_LIMIT)
        return va;
    /* Stacks and ioremap: whatever the tables say. */
    if (walk(va, &pa))
        return pa;
    panic("%p is not mapped", p);
}

void arch_heap_prepare(struct boot_info *bi)
{
    bi->image_start = image_virt_to_phys(__image_start);
    bi->image_end = image_virt_to_phys(__image_end);
    bi->dmap_start = 0;
    bi->dmap_end = DIRECTMAP_SIZE;
    if (!boot_info_add_rsv(bi, 0, LOW_MEM_END) ||
        !boot_info_add_rsv(bi, early_start, early_end - early_start))
        panic("mm: no room in boot_info to reserve early memory");
}
