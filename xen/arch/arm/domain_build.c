/*
 * Domain 0 on arm64: arch_build_hardware_domain().
 *
 * From the boot modules (kernel, optional ramdisk, the kernel's command
 * line) and the hypervisor options dom0_mem= / dom0_max_vcpus=:
 *   1. probe the kernel (kernel.c): arm64 Image -> AArch64 domain,
 *      arm32 zImage -> AArch32 domain;
 *   2. create domain 0 (privileged, paused) and all its vCPUs;
 *   3. give it RAM: large naturally aligned heap blocks, mapped 1:1
 *      (guest frame == machine frame) so that a dom0 driving DMA without
 *      an IOMMU hands devices addresses that are real;
 *   4. place and copy kernel, ramdisk and a device tree made for it
 *      (dom0_fdt.c), clean them to the point of coherency (the guest
 *      starts with its MMU and caches off);
 *   5. boot vCPU 0 at the kernel entry with the boot protocol's
 *      registers; the others wait for PSCI CPU_ON;
 *   6. return the consumed modules' memory to the heap.
 * common code then unpauses the domain.  Layout: docs/arm64-dom0.md.
 */
#include <xen/arch.h>
#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/xmalloc.h>
#include <public/domctl.h>
#include <asm/domain.h>
#include <asm/domain_build.h>
#include <asm/p2m.h>

#define SZ_2M               (2UL << 20)
#define SZ_4G               (1ULL << 32)
#define ORDER_2M            (21 - PAGE_SHIFT)
#define ORDER_128M          (27 - PAGE_SHIFT)

/* Heap left to the hypervisor when dom0_mem asks for everything. */
#define HV_RESERVE_MIN      (32 * DOM0_MiB)

/* Grant-table window: Xen's guest default, else the first free 16 MiB. */
#define GNTTAB_BASE_PREF    0x38000000ULL
#define GNTTAB_SIZE         0x01000000ULL

/* Grant and event limits (Xen's defaults for dom0). */
#define DOM0_GRANT_FRAMES   64
#define DOM0_MAPTRACK_FRAMES 1024

/* Blocks refused while looking for RAM below 4 GiB (AArch32). */
#define MAX_HELD_BLOCKS     32

struct dom0_build {
    struct domain *d;
    const struct boot_module *kmod, *rdmod, *fdtmod;
    struct dom0_kernel k;
    struct dom0_placement pl;
    unsigned int nr_vcpus;
    uint64_t mem;
    unsigned int nr_banks;
    struct dom0_bank banks[DOM0_MAX_BANKS];
    struct dom0_fdt_info fdt;
    void *fdt_blob;
    int fdt_size;
};

/* ------------------------------------------------------------ helpers */

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

static const struct boot_module *find_module(const struct boot_info *bi, const char *kind)
{
    for (unsigned int i = 0; i < bi->nr_mods && i < BOOT_MODULES_MAX; i++)
        if (bi->mods[i].kind && !strcmp(bi->mods[i].kind, kind))
            return &bi->mods[i];
    return NULL;
}

/* Is the module wholly inside one RAM region we can read through the direct map? */
static bool module_readable(const struct boot_info *bi, const struct boot_module *m)
{
    paddr_t end;

    if (!m->size || __builtin_add_overflow(m->start, m->size, &end))
        return false;
    if (bi->dmap_end && (end > bi->dmap_end || m->start < bi->dmap_start))
        return false;
    for (unsigned int i = 0; i < bi->nr_mem && i < BOOT_MEM_MAX; i++) {
        const struct boot_mem_region *r = &bi->mem[i];

        if (r->type == BOOT_MEM_RAM && m->start >= r->start &&
            end - r->start <= r->size)
            return true;
    }
    return false;
}

static void dcache_clean_inval(paddr_t pa, uint64_t len)
{
    uint64_t ctr, line;
    uintptr_t p, end;

    if (!len)
        return;
    asm volatile ("mrs %0, ctr_el0" : "=r" (ctr));
    line = 4UL << ((ctr >> 16) & 0xf);
    p = (uintptr_t)arch_maddr_to_virt(pa);
    end = p + len;
    for (p &= ~(uintptr_t)(line - 1); p < end; p += line)
        asm volatile ("dc civac, %0" : : "r" (p) : "memory");
    asm volatile ("dsb sy" : : : "memory");
}

/* ------------------------------------------------------------ memory */

static int bank_add(struct dom0_build *b, paddr_t start, paddr_t size)
{
    unsigned int i, n = b->nr_banks;

    /* Sorted by address; merge with neighbours that touch. */
    for (i = 0; i < n && b->banks[i].start < start; i++)
        ;
    if (i > 0 && b->banks[i - 1].start + b->banks[i - 1].size == start) {
        b->banks[i - 1].size += size;
        if (i < n && b->banks[i - 1].start + b->banks[i - 1].size == b->banks[i].start) {
            b->banks[i - 1].size += b->banks[i].size;
            memmove(&b->banks[i], &b->banks[i + 1], (n - i - 1) * sizeof(b->banks[0]));
            b->nr_banks--;
        }
        return 0;
    }
    if (i < n && start + size == b->banks[i].start) {
        b->banks[i].start = start;
        b->banks[i].size += size;
        return 0;
    }
    if (n == DOM0_MAX_BANKS)
        return -ENOSPC;
    memmove(&b->banks[i + 1], &b->banks[i], (n - i) * sizeof(b->banks[0]));
    b->banks[i].start = start;
    b->banks[i].size = size;
    b->nr_banks++;
    return 0;
}

static unsigned int floor_log2(uint64_t x)
{
    return 63 - (unsigned int)__builtin_clzll(x);
}

/* Give back frames [first, first + n) of an allocated block, in aligned pieces. */
static void free_tail(struct domain *d, struct page_info *pg, unsigned long first,
                      unsigned long total)
{
    while (first < total) {
        unsigned int o = first ? (unsigned int)__builtin_ctzl(first) : floor_log2(total);

        while (first + (1UL << o) > total)
            o--;
        free_domheap_pages(d, pg + first, o);
        first += 1UL << o;
    }
}

/*
 * b->mem bytes (a multiple of 2 MiB) of RAM for dom0, as few and as large
 * naturally aligned blocks as the heap has, recorded as banks.  AArch32:
 * all of it below 4 GiB, and the first block 128 MiB aligned (Linux's
 * zImage finds the start of RAM by rounding its own address down to 128
 * MiB).  Short of the request, dom0 gets what there was if that is at
 * least DOM0_MEM_MIN, else -ENOMEM.
 */
static int allocate_memory(struct dom0_build *b)
{
    struct domain *d = b->d;
    unsigned long left = b->mem >> PAGE_SHIFT;
    unsigned int order = floor_log2(left), nr_held = 0;
    struct { struct page_info *pg; unsigned int order; } held[MAX_HELD_BLOCKS];
    bool low = b->k.is_32bit, first = true;
    int rc = 0;

    if (order > MAX_ORDER)
        order = MAX_ORDER;
    while (left) {
        unsigned int want = (1UL << order) > left ? floor_log2(left) : order, o = want;
        unsigned long keep;
        struct page_info *pg;
        paddr_t start;

        /* AArch32 start of RAM: a 128 MiB aligned block, trimmed. */
        if (low && first && o < ORDER_128M)
            o = ORDER_128M;
        pg = alloc_domheap_pages(d, o);
        if (!pg && o != want) {
            o = want;
            pg = alloc_domheap_pages(d, o);
        }
        if (!pg) {
            if (want <= ORDER_2M) {
                rc = -ENOMEM;
                break;
            }
            order = want - 1;
            continue;
        }
        start = mfn_to_maddr(page_to_mfn(pg));
        if (low && start + ((paddr_t)PAGE_SIZE << o) > SZ_4G) {
            if (nr_held == MAX_HELD_BLOCKS) {
                free_domheap_pages(d, pg, o);
                rc = -ENOMEM;
                break;
            }
            held[nr_held].pg = pg;
            held[nr_held++].order = o;
            continue;
        }
        keep = (1UL << o) > left ? left : 1UL << o;
        if (keep < (1UL << o))
            free_tail(d, pg, keep, 1UL << o);
        if (bank_add(b, start, (paddr_t)keep << PAGE_SHIFT)) {
            free_tail(d, pg, 0, keep);
            rc = -ENOSPC;
            break;
        }
        left -= keep;
        first = false;
    }

    for (unsigned int i = 0; i < nr_held; i++)
        free_domheap_pages(d, held[i].pg, held[i].order);
    if (!rc)
        return 0;

    /* Short of the request (fragments below 2 MiB, too many banks). */
    if (rc == -ENOSPC)
        printk("dom0: RAM too fragmented: more than %u banks needed\n", DOM0_MAX_BANKS);
    else
        printk("dom0: heap exhausted with %llu MiB still to allocate%s\n",
               (unsigned long long)(left >> (20 - PAGE_SHIFT)),
               low ? " (AArch32: below 4 GiB)" : "");
    if (b->mem - ((uint64_t)left << PAGE_SHIFT) < DOM0_MEM_MIN)
        return -ENOMEM;
    b->mem -= (uint64_t)left << PAGE_SHIFT;
    printk("dom0: going on with %llu MiB\n", (unsigned long long)(b->mem >> 20));
    return 0;
}

static int map_memory(struct dom0_build *b)
{
    for (unsigned int i = 0; i < b->nr_banks; i++) {
        mfn_t mfn = maddr_to_mfn(b->banks[i].start);
        int rc = p2m_map_range(b->d, _gfn(mfn_x(mfn)), mfn,
                               b->banks[i].size >> PAGE_SHIFT, p2m_ram_rw);

        if (rc) {
            printk("dom0: cannot map RAM %#llx-%#llx 1:1 (error %d)\n",
                   (unsigned long long)b->banks[i].start,
                   (unsigned long long)(b->banks[i].start + b->banks[i].size - 1), rc);
            return rc;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ layout */

/* Does [base, base + size) collide with dom0's RAM, host RAM or the vGIC? */
static bool window_taken(const struct dom0_build *b, const struct boot_info *bi,
                         paddr_t base, paddr_t size)
{
    for (unsigned int i = 0; i < b->nr_banks; i++)
        if (ranges_overlap(base, size, b->banks[i].start, b->banks[i].size))
            return true;
    /* Host RAM: dom0 may later get any of it 1:1 (ballooning). */
    for (unsigned int i = 0; i < bi->nr_mem && i < BOOT_MEM_MAX; i++)
        if (ranges_overlap(base, size, bi->mem[i].start, bi->mem[i].size))
            return true;
    return ranges_overlap(base, size, b->fdt.gicd_base, b->fdt.gicd_size) ||
           ranges_overlap(base, size, b->fdt.gicr_base, b->fdt.gicr_size);
}

static int choose_gnttab(struct dom0_build *b, const struct boot_info *bi)
{
    paddr_t base = GNTTAB_BASE_PREF;

    /* Below 4 GiB, where even an AArch32 kernel without LPAE reaches it. */
    for (paddr_t cand = GNTTAB_SIZE; window_taken(b, bi, base, GNTTAB_SIZE); cand += GNTTAB_SIZE) {
        if (cand >= SZ_4G) {
            printk("dom0: no free 16 MiB guest-physical window below 4 GiB for the grant table\n");
            return -ENOSPC;
        }
        base = cand;
    }
    b->fdt.gnttab_base = base;
    b->fdt.gnttab_size = GNTTAB_SIZE;
    return 0;
}

/* The virtual GIC sits at fixed guest addresses: they must miss dom0's RAM. */
static int check_vgic(const struct dom0_build *b)
{
    uint64_t ipa_top = 1ULL << p2m_ipa_bits();

    for (unsigned int i = 0; i < b->nr_banks; i++) {
        const struct dom0_bank *r = &b->banks[i];

        if (ranges_overlap(r->start, r->size, b->fdt.gicd_base, b->fdt.gicd_size) ||
            ranges_overlap(r->start, r->size, b->fdt.gicr_base, b->fdt.gicr_size)) {
            printk("dom0: RAM %#llx-%#llx overlaps the virtual GIC at %#llx\n",
                   (unsigned long long)r->start,
                   (unsigned long long)(r->start + r->size - 1),
                   (unsigned long long)b->fdt.gicd_base);
            return -EINVAL;
        }
        if (r->start + r->size > ipa_top) {
            printk("dom0: RAM %#llx-%#llx beyond the %u-bit guest physical address space\n",
                   (unsigned long long)r->start,
                   (unsigned long long)(r->start + r->size - 1), p2m_ipa_bits());
            return -EINVAL;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ loading */

static int copy_in(struct dom0_build *b, paddr_t gpa, const void *src, uint64_t len,
                   const char *what)
{
    unsigned long left = copy_to_guest_phys(b->d, gpa, src, len);

    if (left) {
        printk("dom0: copying the %s to %#llx failed (%lu of %llu bytes left)\n",
               what, (unsigned long long)gpa, left, (unsigned long long)len);
        return -EFAULT;
    }
    return 0;
}

static int make_fdt(struct dom0_build *b, const struct boot_info *bi)
{
    const void *host = NULL;
    size_t cap = 16 * 1024;
    int rc;

    if (b->fdtmod && module_readable(bi, b->fdtmod))
        host = arch_maddr_to_virt(b->fdtmod->start);
    b->fdt.host_fdt = host;
    b->fdt.nr_vcpus = b->nr_vcpus;
    b->fdt.nr_banks = b->nr_banks;
    b->fdt.banks = b->banks;
    b->fdt.bootargs = b->kmod->cmdline;
    b->fdt.initrd_start = b->pl.initrd_start;
    b->fdt.initrd_end = b->pl.initrd_end;

    for (;;) {
        b->fdt_blob = xmalloc_bytes(cap);
        if (!b->fdt_blob)
            return -ENOMEM;
        rc = dom0_fdt_build(b->fdt_blob, cap, &b->fdt);
        if (rc != -ENOSPC || cap >= DOM0_FDT_SLOT)
            break;
        xfree(b->fdt_blob);
        b->fdt_blob = NULL;
        cap *= 2;
    }
    if (rc < 0) {
        printk("dom0: cannot build the device tree (error %d)\n", rc);
        return rc;
    }
    b->fdt_size = rc;
    return 0;
}

static int load(struct dom0_build *b, const struct boot_info *bi)
{
    const void *kimg = arch_maddr_to_virt(b->kmod->start);
    uint64_t rdsize = b->rdmod ? b->rdmod->size : 0;
    char err[192];
    int rc;

    rc = dom0_kernel_place(&b->k, b->banks, b->nr_banks, rdsize, &b->pl, err, sizeof(err));
    if (rc) {
        printk("dom0: cannot place the kernel: %s\n", err);
        return rc;
    }
    if ((rc = make_fdt(b, bi)) != 0)
        return rc;

    if ((rc = copy_in(b, b->pl.kernel_start, kimg, b->k.copy_size, "kernel")) != 0 ||
        (rc = copy_in(b, b->pl.dtb_start, b->fdt_blob, (uint64_t)b->fdt_size, "device tree")) != 0)
        return rc;
    if (b->rdmod &&
        (rc = copy_in(b, b->pl.initrd_start, arch_maddr_to_virt(b->rdmod->start), rdsize,
                      "ramdisk")) != 0)
        return rc;

    /*
     * The guest's first accesses bypass the caches: everything of its
     * RAM goes to the point of coherency (what we copied, and whatever
     * the hypervisor may have left dirty there before), then no stale
     * instructions anywhere.
     */
    for (unsigned int i = 0; i < b->nr_banks; i++)
        dcache_clean_inval(b->banks[i].start, b->banks[i].size);
    asm volatile ("ic ialluis\n\tdsb ish\n\tisb" : : : "memory");
    return 0;
}

static void start_boot_vcpu(struct dom0_build *b)
{
    struct vcpu *v = b->d->vcpu[0];

    if (b->k.is_32bit) {
        /* r0 = 0, r1 = machine type (none: device tree), r2 = device tree. */
        const uint64_t args[3] = { 0, 0xffffffffU, b->pl.dtb_start };

        arch_vcpu_reset(v, b->pl.entry, args, 3);
    } else {
        /* x0 = device tree, x1..x3 reserved (zero). */
        const uint64_t args[4] = { b->pl.dtb_start, 0, 0, 0 };

        arch_vcpu_reset(v, b->pl.entry, args, 4);
    }
    vcpu_up(v);
}

/* ------------------------------------------------------------ modules */

/*
 * Hand [s, e) back to the heap, minus anything still in use: the image,
 * the reserved ranges and every module we keep (index >= first).
 */
struct keep_list {
    unsigned int n;
    struct boot_range r[1 + BOOT_MODULES_MAX + BOOT_RSV_MAX];
};

static unsigned long release_except(const struct keep_list *keep, unsigned int first,
                                    paddr_t s, paddr_t e)
{
    for (unsigned int i = first; i < keep->n; i++) {
        paddr_t ks = keep->r[i].start, ke = ks + keep->r[i].size;
        unsigned long n = 0;

        if (!ranges_overlap(s, e - s, ks, keep->r[i].size))
            continue;
        if (s < ks)
            n += release_except(keep, i + 1, s, ks);
        if (ke < e)
            n += release_except(keep, i + 1, ke, e);
        return n;
    }
    return heap_release_range(s, e);
}

static unsigned long release_modules(const struct boot_info *bi,
                                     const struct boot_module *a,
                                     const struct boot_module *b)
{
    static struct keep_list keep;
    const struct boot_module *rel[2] = { a, b };
    unsigned long frames = 0;

    keep.n = 0;
    keep.r[keep.n++] = (struct boot_range){ bi->image_start, bi->image_end - bi->image_start };
    for (unsigned int i = 0; i < bi->nr_mods && i < BOOT_MODULES_MAX; i++)
        if (&bi->mods[i] != a && &bi->mods[i] != b && bi->mods[i].size)
            keep.r[keep.n++] = (struct boot_range){ bi->mods[i].start, bi->mods[i].size };
    for (unsigned int i = 0; i < bi->nr_rsv && i < BOOT_RSV_MAX; i++)
        keep.r[keep.n++] = bi->rsv[i];

    for (unsigned int i = 0; i < 2; i++) {
        paddr_t end;

        if (!rel[i] || __builtin_add_overflow(rel[i]->start, rel[i]->size, &end))
            continue;
        frames += release_except(&keep, 0, rel[i]->start, end);
    }
    return frames;
}

/* ------------------------------------------------------------ sizing */

static unsigned int choose_vcpus(const struct dom0_options *opt)
{
    unsigned int online = num_online_cpus(), n = online;

    if (opt->max_vcpus && opt->max_vcpus < n)
        n = opt->max_vcpus;
    else if (opt->max_vcpus > n)
        printk("dom0: dom0_max_vcpus=%u capped to the %u online CPUs\n", opt->max_vcpus, online);
    if (n > DOMAIN_MAX_VCPUS)
        n = DOMAIN_MAX_VCPUS;
    return n ? n : 1;
}

static uint64_t choose_memory(const struct dom0_options *opt)
{
    uint64_t free = (uint64_t)total_free_pages() << PAGE_SHIFT;
    uint64_t reserve = free / 16 > HV_RESERVE_MIN ? free / 16 : HV_RESERVE_MIN;
    uint64_t cap = free > reserve ? ROUNDDOWN(free - reserve, (uint64_t)SZ_2M) : 0;
    uint64_t want = opt->mem ? opt->mem : DOM0_MEM_DEFAULT;

    want = ROUNDUP(want, (uint64_t)SZ_2M);
    if (want > cap) {
        printk("dom0: %s%llu MiB capped to %llu MiB (%llu MiB free, %llu MiB kept for the hypervisor)\n",
               opt->mem ? "dom0_mem=" : "default ", (unsigned long long)(want >> 20),
               (unsigned long long)(cap >> 20), (unsigned long long)(free >> 20),
               (unsigned long long)(reserve >> 20));
        want = cap;
    }
    return want;
}

/* ------------------------------------------------------------ entry */

static void print_layout(const struct dom0_build *b)
{
    const struct dom0_kernel *k = &b->k;

    if (k->kind == DOM0_KERNEL_ARM64_IMAGE)
        printk("dom0: kernel: arm64 Image, %llu bytes at %#llx (text_offset %#llx, image_size %#llx, %s pages, %s)\n",
               (unsigned long long)b->kmod->size, (unsigned long long)b->kmod->start,
               (unsigned long long)k->text_offset, (unsigned long long)k->image_size,
               k->page_kib == 4 ? "4K" : k->page_kib == 16 ? "16K" :
               k->page_kib == 64 ? "64K" : "unspecified",
               k->place_anywhere ? "anywhere" : "near the start of RAM");
    else
        printk("dom0: kernel: arm32 zImage, %llu bytes at %#llx (%s%s)\n",
               (unsigned long long)b->kmod->size, (unsigned long long)b->kmod->start,
               k->zimage_start ? "fixed load address" : "relocatable",
               k->appended_dtb ? ", appended device tree" : "");
    printk("dom0: %u vCPU%s, %s, %llu MiB of RAM mapped 1:1 in %u bank%s\n",
           b->nr_vcpus, b->nr_vcpus == 1 ? "" : "s", k->is_32bit ? "AArch32" : "AArch64",
           (unsigned long long)(b->mem >> 20), b->nr_banks, b->nr_banks == 1 ? "" : "s");
    for (unsigned int i = 0; i < b->nr_banks; i++)
        printk("dom0:   RAM %#018llx-%#018llx (%llu MiB)\n",
               (unsigned long long)b->banks[i].start,
               (unsigned long long)(b->banks[i].start + b->banks[i].size - 1),
               (unsigned long long)(b->banks[i].size >> 20));
    if (k->is_32bit && (b->pl.ram_base & (DOM0_ZIMAGE_WINDOW - 1)))
        printk("dom0: AArch32: no 128 MiB aligned start of RAM with room for the zImage: a Linux kernel will not find its RAM\n");
    else if (k->is_32bit && b->pl.ram_base > b->banks[0].start)
        printk("dom0: AArch32: RAM below %#llx is out of a Linux kernel's reach (it starts RAM at a 128 MiB boundary)\n",
               (unsigned long long)b->pl.ram_base);
    printk("dom0: kernel at %#llx-%#llx, entry %#llx\n",
           (unsigned long long)b->pl.kernel_start, (unsigned long long)b->pl.kernel_end - 1,
           (unsigned long long)b->pl.entry);
    printk("dom0: device tree at %#llx (%d bytes)\n",
           (unsigned long long)b->pl.dtb_start, b->fdt_size);
    if (b->rdmod)
        printk("dom0: ramdisk at %#llx-%#llx (%llu bytes)\n",
               (unsigned long long)b->pl.initrd_start,
               (unsigned long long)b->pl.initrd_end - 1,
               (unsigned long long)b->rdmod->size);
    printk("dom0: grant table window %#llx-%#llx, event channel PPI %u\n",
           (unsigned long long)b->fdt.gnttab_base,
           (unsigned long long)(b->fdt.gnttab_base + b->fdt.gnttab_size - 1),
           b->fdt.evtchn_intid);
    printk("dom0: command line \"%s\"\n", b->kmod->cmdline ? b->kmod->cmdline : "");
}

int arch_build_hardware_domain(struct boot_info *bi)
{
    static struct dom0_build build;
    struct dom0_build *b = &build;
    struct xen_domctl_createdomain config;
    struct dom0_options opt;
    char err[192];
    unsigned long released;
    int rc;

    memset(b, 0, sizeof(*b));
    b->kmod = find_module(bi, "kernel");
    if (!b->kmod) {
        printk("dom0: no kernel module\n");
        return -ENOENT;
    }
    b->rdmod = find_module(bi, "ramdisk");
    b->fdtmod = find_module(bi, "host-dtb");

    if (!module_readable(bi, b->kmod)) {
        printk("dom0: kernel module %#llx+%#llx is not in RAM\n",
               (unsigned long long)b->kmod->start, (unsigned long long)b->kmod->size);
        return -EINVAL;
    }
    if (b->rdmod && !module_readable(bi, b->rdmod)) {
        printk("dom0: ramdisk module %#llx+%#llx is not in RAM\n",
               (unsigned long long)b->rdmod->start, (unsigned long long)b->rdmod->size);
        return -EINVAL;
    }
    rc = dom0_kernel_probe(arch_maddr_to_virt(b->kmod->start), b->kmod->size, &b->k,
                           err, sizeof(err));
    if (rc) {
        printk("dom0: unusable kernel: %s\n", err);
        return rc;
    }

    dom0_parse_options(bi->cmdline, &opt);
    if (opt.bad)
        printk("dom0: %u malformed dom0_mem=/dom0_max_vcpus= option%s ignored\n",
               opt.bad, opt.bad == 1 ? "" : "s");
    b->nr_vcpus = choose_vcpus(&opt);
    b->mem = choose_memory(&opt);
    if (b->mem < DOM0_MEM_MIN) {
        printk("dom0: only %llu MiB of RAM available, %llu MiB needed at least\n",
               (unsigned long long)(b->mem >> 20), (unsigned long long)(DOM0_MEM_MIN >> 20));
        return -ENOMEM;
    }

    memset(&config, 0, sizeof(config));
    config.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    config.flags |= evtchn_dom0_cdf(bi->cmdline);       /* dom0_evtchn_fifo=0 */
    config.max_vcpus = b->nr_vcpus;
    config.max_evtchn_port = ~0U;
    config.max_grant_frames = DOM0_GRANT_FRAMES;
    config.max_maptrack_frames = DOM0_MAPTRACK_FRAMES;
    config.grant_opts = XEN_DOMCTL_GRANT_version(1);
    config.arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
    config.arch.nr_spis = 0;            /* no device passed through */
    b->d = domain_create(0, &config, true, &rc);
    if (!b->d) {
        printk("dom0: domain_create failed (error %d)\n", rc);
        return rc ? rc : -EINVAL;
    }
    arch_domain_set_aarch32(b->d, b->k.is_32bit);
    for (unsigned int i = 0; i < b->nr_vcpus; i++) {
        if (!vcpu_create(b->d, i)) {
            printk("dom0: cannot create vCPU %u\n", i);
            rc = -ENOMEM;
            goto fail;
        }
    }

    /* Build-time extras (refused blocks) must not hit the limit. */
    b->d->max_pages = ~0UL;
    if ((rc = allocate_memory(b)) != 0)
        goto fail;
    b->d->max_pages = b->d->tot_pages;

    dom0_fdt_vgic_layout(&b->fdt, b->nr_vcpus);
    if ((rc = check_vgic(b)) != 0 || (rc = choose_gnttab(b, bi)) != 0 ||
        (rc = map_memory(b)) != 0 || (rc = load(b, bi)) != 0)
        goto fail;

    start_boot_vcpu(b);
    print_layout(b);

    xfree(b->fdt_blob);
    b->fdt_blob = NULL;
    released = release_modules(bi, b->kmod, b->rdmod);
    printk("dom0: boot modules consumed: %lu KiB back to the heap\n",
           released << (PAGE_SHIFT - 10));
    return 0;

 fail:
    xfree(b->fdt_blob);
    b->fdt_blob = NULL;
    domain_kill(b->d);
    return rc;
}
