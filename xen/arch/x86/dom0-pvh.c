/*
 * Domain 0 on x86_64 as a PVH guest: arch_build_hardware_domain().
 *
 * From the boot modules (the first is the kernel, whose module command
 * line is dom0's command line; an optional second one is its ramdisk) and
 * the hypervisor options dom0_mem= (default 256 MiB) / dom0_max_vcpus=
 * (default: one per online CPU):
 *   1. check the kernel: ELF32 or ELF64 with a PHYS32_ENTRY note (pvh-elf.c);
 *   2. create domain 0 (privileged, HVM with nested paging) and its vCPUs;
 *   3. give it zeroed RAM from the heap at guest physical 0: [0, 640 KiB),
 *      then from 1 MiB up (the legacy VGA/ROM hole 0xa0000-0xfffff stays
 *      unmapped), what does not fit below 3.5 GiB going above 4 GiB;
 *      2 MiB pages wherever the block lines up;
 *   4. turn the last page below 3.5 GiB into ACPI tables made for dom0 (an
 *      RSDP, an XSDT and a MADT listing one local APIC per vCPU), load the
 *      kernel's segments at their physical addresses, then the ramdisk and
 *      the PVH boot information (struct hvm_start_info, version 1: command
 *      line, module list, memory map, RSDP) in RAM after it;
 *   5. start vCPU 0 at the entry point in the PVH state (svm.c): 32-bit
 *      protected mode, paging off, ebx = start info; the others stay down;
 *   6. hand the consumed modules' memory back to the heap.
 * Common code then unpauses the domain.  Nothing of the machine (MMIO,
 * I/O ports, ACPI tables) is passed through yet.
 */
#include <limits.h>
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
#include <public/domctl.h>
#include <public/xen.h>
#include <public/hvm/start_info.h>
#include <asm/domain.h>
#include <asm/hvm.h>
#include <asm/page.h>
#include <asm/pvh.h>

#define MiB                 (1ULL << 20)
#define DOM0_MEM_DEFAULT    (256 * MiB)
#define DOM0_MEM_MIN        (4 * MiB)
#define HV_RESERVE_MIN      (32 * MiB)      /* heap kept back for ourselves */

#define LOW_RAM_END         0xa0000ULL      /* conventional memory */
#define HIGH_RAM_START      0x100000ULL
#define BELOW_4G_RAM_END    0xe0000000ULL   /* leave room for a future MMIO hole */
#define ABOVE_4G_START      0x100000000ULL

#define ORDER_2M            9
#define SIZE_2M_BYTES       (1ULL << (PAGE_SHIFT + ORDER_2M))

#define MAX_RAM_REGIONS     3
#define MAX_MAP_ENTRIES     (MAX_RAM_REGIONS + 1)   /* and the ACPI page */
#define CMDLINE_MAX         1024

/* Grant and event limits Xen gives dom0. */
#define DOM0_GRANT_FRAMES   64
#define DOM0_MAPTRACK_FRAMES 1024

struct ram_region {
    uint64_t start, end;
};

struct dom0_build {
    struct domain *d;
    const struct boot_module *kmod, *rdmod;
    const uint8_t *kimage;
    struct pvh_kernel k;
    unsigned int nr_vcpus;
    uint64_t mem;
    unsigned int nr_ram;
    struct ram_region ram[MAX_RAM_REGIONS];     /* RAM for the kernel & co. */
    uint64_t acpi_gpa;                          /* the page of ACPI tables */
    unsigned int nr_map;
    struct hvm_memmap_table_entry map[MAX_MAP_ENTRIES];
    /* Where things went (guest physical). */
    uint64_t rd_start, info_start, si_addr, modlist_addr, memmap_addr, cmdline_addr,
             rd_cmdline_addr, rsdp_addr;
};

/* ------------------------------------------------------------ modules */

static const struct boot_module *find_module(const struct boot_info *bi, const char *kind)
{
    for (unsigned int i = 0; i < bi->nr_mods && i < BOOT_MODULES_MAX; i++)
        if (bi->mods[i].kind && !strcmp(bi->mods[i].kind, kind) && bi->mods[i].size)
            return &bi->mods[i];
    return NULL;
}

static bool module_readable(const struct boot_module *m)
{
    return m->start + m->size > m->start && dmap_covers(m->start, m->size);
}

/* ------------------------------------------------------------ sizing */

static unsigned int choose_vcpus(const struct pvh_dom0_options *opt)
{
    unsigned int n = num_online_cpus();

    if (opt->max_vcpus && opt->max_vcpus < n)
        n = opt->max_vcpus;
    if (n > DOMAIN_MAX_VCPUS)
        n = DOMAIN_MAX_VCPUS;
    return n ? n : 1;
}

static uint64_t choose_memory(const struct pvh_dom0_options *opt)
{
    uint64_t free = (uint64_t)total_free_pages() << PAGE_SHIFT;
    uint64_t reserve = free / 16 > HV_RESERVE_MIN ? free / 16 : HV_RESERVE_MIN;
    uint64_t cap = free > reserve ? ROUNDDOWN(free - reserve, (uint64_t)PAGE_SIZE) : 0;
    uint64_t want = opt->mem ? opt->mem : DOM0_MEM_DEFAULT;

    if (opt->mem_max && want > opt->mem_max)
        want = opt->mem_max;
    want = ROUNDUP(want, (uint64_t)PAGE_SIZE);
    if (want > cap) {
        printk("dom0: %llu MiB capped to %llu MiB (%llu MiB free, %llu MiB kept for the hypervisor)\n",
               (unsigned long long)(want >> 20), (unsigned long long)(cap >> 20),
               (unsigned long long)(free >> 20), (unsigned long long)(reserve >> 20));
        want = cap;
    }
    return want;
}

/* Guest physical layout of `mem` bytes of RAM. */
static void lay_out_ram(struct dom0_build *b)
{
    uint64_t left = b->mem, n;

    b->nr_ram = 0;
    n = left < LOW_RAM_END ? left : LOW_RAM_END;
    b->ram[b->nr_ram++] = (struct ram_region){ 0, n };
    left -= n;
    if (!left)
        return;
    n = left < BELOW_4G_RAM_END - HIGH_RAM_START ? left : BELOW_4G_RAM_END - HIGH_RAM_START;
    b->ram[b->nr_ram++] = (struct ram_region){ HIGH_RAM_START, HIGH_RAM_START + n };
    left -= n;
    if (left)
        b->ram[b->nr_ram++] = (struct ram_region){ ABOVE_4G_START, ABOVE_4G_START + left };
}

/* Is [s, s + len) inside one RAM region? */
static bool in_ram(const struct dom0_build *b, uint64_t s, uint64_t len)
{
    for (unsigned int i = 0; i < b->nr_ram; i++)
        if (s >= b->ram[i].start && s <= b->ram[i].end && len <= b->ram[i].end - s)
            return true;
    return false;
}

/* ------------------------------------------------------------ memory */

static int populate(struct domain *d, uint64_t start, uint64_t end)
{
    uint64_t g = start;

    while (g < end) {
        unsigned int order = 0;
        struct page_info *pg = NULL;
        mfn_t m;
        int rc;

        if (!(g & (SIZE_2M_BYTES - 1)) && end - g >= SIZE_2M_BYTES) {
            pg = alloc_domheap_pages(d, ORDER_2M);
            if (pg)
                order = ORDER_2M;
        }
        if (!pg)
            pg = alloc_domheap_pages(d, 0);
        if (!pg)
            return -ENOMEM;
        m = page_to_mfn(pg);
        /* Whatever the heap held before is not dom0's business. */
        memset(mfn_to_virt(m), 0, PAGE_SIZE << order);
        rc = p2m_map_range(d, _gfn(g >> PAGE_SHIFT), m, 1UL << order, p2m_ram_rw);
        if (rc)
            return rc;
        g += PAGE_SIZE << order;
    }
    return 0;
}

static int allocate_memory(struct dom0_build *b)
{
    for (unsigned int i = 0; i < b->nr_ram; i++) {
        int rc = populate(b->d, b->ram[i].start, b->ram[i].end);

        if (rc) {
            printk("dom0: out of memory populating %#llx-%#llx\n",
                   (unsigned long long)b->ram[i].start, (unsigned long long)b->ram[i].end);
            return rc;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ ACPI */

/*
 * dom0 gets ACPI tables of its own, as on Xen: an ACPI 2.0 RSDP, an XSDT
 * and a MADT with one enabled local APIC per vCPU (APIC id 2 * vCPU id,
 * the ids CPUID reports).  No other host table is passed on yet (no MMIO
 * or firmware memory is mapped into dom0).
 */
#define ACPI_OEM_ID         "NEWHV "
#define ACPI_OEM_TABLE_ID   "PVH DOM0"
#define ACPI_RSDP_OFF       0
#define ACPI_XSDT_OFF       64
#define ACPI_MADT_OFF       128
#define ACPI_HDR_LEN        36
#define MADT_LAPIC_BASE     0xfee00000u

static void acpi_put(uint8_t *p, unsigned int off, uint64_t v, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        p[off + i] = (uint8_t)(v >> (8 * i));
}

static uint8_t acpi_sum(const uint8_t *p, unsigned int len)
{
    uint8_t sum = 0;

    for (unsigned int i = 0; i < len; i++)
        sum += p[i];
    return (uint8_t)-sum;
}

/* A standard table header (the checksum is filled once the body is there). */
static void acpi_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    acpi_put(t, 4, len, 4);
    t[8] = rev;
    memcpy(t + 10, ACPI_OEM_ID, 6);
    memcpy(t + 16, ACPI_OEM_TABLE_ID, 8);
    acpi_put(t, 24, 1, 4);                      /* OEM revision */
    memcpy(t + 28, "NHV ", 4);                  /* creator */
    acpi_put(t, 32, 1, 4);                      /* creator revision */
}

static int build_acpi(struct dom0_build *b)
{
    static uint8_t page[PAGE_SIZE];
    uint8_t *rsdp = page + ACPI_RSDP_OFF, *xsdt = page + ACPI_XSDT_OFF;
    uint8_t *madt = page + ACPI_MADT_OFF;
    uint32_t madt_len = ACPI_HDR_LEN + 8 + 8 * b->nr_vcpus;

    BUILD_BUG_ON(ACPI_MADT_OFF + ACPI_HDR_LEN + 8 + 8 * DOMAIN_MAX_VCPUS > PAGE_SIZE);
    memset(page, 0, sizeof(page));

    acpi_header(madt, "APIC", madt_len, 4);
    acpi_put(madt, ACPI_HDR_LEN, MADT_LAPIC_BASE, 4);
    acpi_put(madt, ACPI_HDR_LEN + 4, 0, 4);    /* no dual 8259 setup */
    for (unsigned int i = 0; i < b->nr_vcpus; i++) {
        uint8_t *e = madt + ACPI_HDR_LEN + 8 + 8 * i;

        e[0] = 0;                               /* processor local APIC */
        e[1] = 8;
        e[2] = (uint8_t)i;                      /* ACPI processor UID */
        e[3] = (uint8_t)(2 * i);                /* APIC id */
        acpi_put(e, 4, 1, 4);                   /* enabled */
    }
    madt[9] = acpi_sum(madt, madt_len);

    acpi_header(xsdt, "XSDT", ACPI_HDR_LEN + 8, 1);
    acpi_put(xsdt, ACPI_HDR_LEN, b->acpi_gpa + ACPI_MADT_OFF, 8);
    xsdt[9] = acpi_sum(xsdt, ACPI_HDR_LEN + 8);

    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, ACPI_OEM_ID, 6);
    rsdp[15] = 2;                               /* ACPI 2.0+ */
    acpi_put(rsdp, 20, 36, 4);
    acpi_put(rsdp, 24, b->acpi_gpa + ACPI_XSDT_OFF, 8);
    rsdp[8] = acpi_sum(rsdp, 20);
    rsdp[32] = acpi_sum(rsdp, 36);
    b->rsdp_addr = b->acpi_gpa + ACPI_RSDP_OFF;

    if (copy_to_guest_phys(b->d, b->acpi_gpa, page, PAGE_SIZE)) {
        printk("dom0: cannot write the ACPI tables\n");
        return -EFAULT;
    }
    return 0;
}

/*
 * Take the ACPI page off the end of the RAM below 4 GiB and record the
 * memory map the guest sees (start info and XENMEM_memory_map).
 */
static void set_memory_map(struct dom0_build *b)
{
    struct arch_domain *a = b->d->arch;

    b->acpi_gpa = b->ram[1].end - PAGE_SIZE;
    b->ram[1].end = b->acpi_gpa;
    b->nr_map = 0;
    for (unsigned int i = 0; i < b->nr_ram; i++) {
        b->map[b->nr_map++] = (struct hvm_memmap_table_entry){
            .addr = b->ram[i].start, .size = b->ram[i].end - b->ram[i].start,
            .type = XEN_HVM_MEMMAP_TYPE_RAM,
        };
        if (i == 1)
            b->map[b->nr_map++] = (struct hvm_memmap_table_entry){
                .addr = b->acpi_gpa, .size = PAGE_SIZE, .type = XEN_HVM_MEMMAP_TYPE_ACPI,
            };
    }
    BUILD_BUG_ON(MAX_MAP_ENTRIES > HVM_E820_MAX);
    for (unsigned int i = 0; i < b->nr_map; i++)
        a->e820[i] = (struct e820_entry){ b->map[i].addr, b->map[i].size, b->map[i].type };
    write_atomic(&a->nr_e820, b->nr_map);
}

/* ------------------------------------------------------------ loading */

static int copy_in(struct dom0_build *b, uint64_t gpa, const void *src, uint64_t len,
                   const char *what)
{
    if (copy_to_guest_phys(b->d, gpa, src, len)) {
        printk("dom0: cannot copy the %s to %#llx\n", what, (unsigned long long)gpa);
        return -EFAULT;
    }
    return 0;
}

static int load_kernel(struct dom0_build *b)
{
    for (unsigned int i = 0; i < b->k.nr_segments; i++) {
        const struct pvh_segment *s = &b->k.seg[i];
        int rc;

        if (!in_ram(b, s->paddr, s->memsz)) {
            printk("dom0: kernel segment %#llx-%#llx is not in dom0's RAM\n",
                   (unsigned long long)s->paddr,
                   (unsigned long long)(s->paddr + s->memsz - 1));
            return -EINVAL;
        }
        /* The tail (bss) is already zero: all of dom0's RAM was cleared. */
        rc = copy_in(b, s->paddr, b->kimage + s->offset, s->filesz, "kernel");
        if (rc)
            return rc;
    }
    return 0;
}

/* Does [s, s + len) keep clear of the kernel? */
static bool clear_of_kernel(const struct dom0_build *b, uint64_t s, uint64_t len)
{
    return s + len <= b->k.start || s >= b->k.end;
}

/* Lowest page-aligned spot of `len` bytes above 1 MiB, clear of the kernel. */
static uint64_t find_space(const struct dom0_build *b, uint64_t len)
{
    for (unsigned int i = 0; i < b->nr_ram; i++) {
        uint64_t cands[2] = {
            ROUNDUP(b->ram[i].start > HIGH_RAM_START ? b->ram[i].start : HIGH_RAM_START,
                    (uint64_t)PAGE_SIZE),
            ROUNDUP(b->k.end, (uint64_t)PAGE_SIZE),
        };

        for (unsigned int c = 0; c < 2; c++)
            if (in_ram(b, cands[c], len) && cands[c] >= b->ram[i].start &&
                clear_of_kernel(b, cands[c], len))
                return cands[c];
    }
    return ~0ULL;
}

static uint64_t align8(uint64_t x)
{
    return ROUNDUP(x, 8ULL);
}

/*
 * The ramdisk, then one block: start_info, the module list, the memory map,
 * dom0's command line and the ramdisk's.
 */
static int load_boot_info(struct dom0_build *b)
{
    const char *cmdline = b->kmod->cmdline;
    const char *rd_cmdline = b->rdmod ? b->rdmod->cmdline : NULL;
    uint64_t cl_len = cmdline ? strnlen(cmdline, CMDLINE_MAX - 1) + 1 : 0;
    uint64_t rcl_len = rd_cmdline ? strnlen(rd_cmdline, CMDLINE_MAX - 1) + 1 : 0;
    uint64_t rd_size = b->rdmod ? ROUNDUP(b->rdmod->size, (uint64_t)PAGE_SIZE) : 0;
    uint64_t info_len, base, at;
    struct hvm_start_info si;
    struct hvm_modlist_entry mod;
    int rc;

    info_len = align8(sizeof(si)) + (b->rdmod ? align8(sizeof(mod)) : 0) +
               align8(sizeof(b->map[0]) * b->nr_map) + align8(cl_len) + align8(rcl_len);
    base = find_space(b, rd_size + info_len);
    if (base == ~0ULL) {
        printk("dom0: no room in RAM for the ramdisk and boot information (%llu bytes)\n",
               (unsigned long long)(rd_size + info_len));
        return -ENOMEM;
    }

    memset(&si, 0, sizeof(si));
    memset(&mod, 0, sizeof(mod));

    if (b->rdmod) {
        b->rd_start = base;
        rc = copy_in(b, base, arch_maddr_to_virt(b->rdmod->start), b->rdmod->size, "ramdisk");
        if (rc)
            return rc;
    }
    at = b->info_start = base + rd_size;

    b->si_addr = at;
    at += align8(sizeof(si));
    if (b->rdmod) {
        b->modlist_addr = at;
        at += align8(sizeof(mod));
    }
    b->memmap_addr = at;
    at += align8(sizeof(b->map[0]) * b->nr_map);
    if (cl_len) {
        b->cmdline_addr = at;
        rc = copy_in(b, at, cmdline, cl_len - 1, "command line");
        if (rc)
            return rc;
        at += align8(cl_len);           /* the NUL is already there: RAM is zero */
    }
    if (rcl_len) {
        b->rd_cmdline_addr = at;
        rc = copy_in(b, at, rd_cmdline, rcl_len - 1, "ramdisk command line");
        if (rc)
            return rc;
    }

    if (b->rdmod) {
        mod.paddr = b->rd_start;
        mod.size = b->rdmod->size;
        mod.cmdline_paddr = b->rd_cmdline_addr;
        rc = copy_in(b, b->modlist_addr, &mod, sizeof(mod), "module list");
        if (rc)
            return rc;
    }
    si.magic = XEN_HVM_START_MAGIC_VALUE;
    si.version = 1;
    si.flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    si.nr_modules = b->rdmod ? 1 : 0;
    si.modlist_paddr = b->modlist_addr;
    si.cmdline_paddr = b->cmdline_addr;
    si.rsdp_paddr = b->rsdp_addr;
    si.memmap_paddr = b->memmap_addr;
    si.memmap_entries = b->nr_map;
    rc = copy_in(b, b->memmap_addr, b->map, sizeof(b->map[0]) * b->nr_map, "memory map");
    if (rc)
        return rc;
    return copy_in(b, b->si_addr, &si, sizeof(si), "start info");
}

/* ------------------------------------------------------------ entry */

static void print_layout(const struct dom0_build *b)
{
    printk("dom0: PVH kernel: ELF%u, %llu bytes at %#llx, entry %#x\n",
           b->k.is_64bit ? 64 : 32, (unsigned long long)b->kmod->size,
           (unsigned long long)b->kmod->start, b->k.entry);
    printk("dom0: %u vCPU%s, %llu MiB of RAM\n", b->nr_vcpus, b->nr_vcpus == 1 ? "" : "s",
           (unsigned long long)(b->mem >> 20));
    for (unsigned int i = 0; i < b->nr_map; i++)
        printk("dom0:   %s 0x%016llx-0x%016llx\n",
               b->map[i].type == XEN_HVM_MEMMAP_TYPE_RAM ? "RAM " : "ACPI",
               (unsigned long long)b->map[i].addr,
               (unsigned long long)(b->map[i].addr + b->map[i].size - 1));
    printk("dom0: kernel at %#llx-%#llx\n", (unsigned long long)b->k.start,
           (unsigned long long)b->k.end - 1);
    if (b->rdmod)
        printk("dom0: ramdisk at %#llx (%llu bytes)\n", (unsigned long long)b->rd_start,
               (unsigned long long)b->rdmod->size);
    printk("dom0: start info at %#llx, command line \"%s\"\n",
           (unsigned long long)b->si_addr, b->kmod->cmdline ? b->kmod->cmdline : "");
}

int arch_build_hardware_domain(struct boot_info *bi)
{
    static struct dom0_build build;
    struct dom0_build *b = &build;
    struct xen_domctl_createdomain config;
    struct pvh_dom0_options opt;
    unsigned long released;
    char err[160];
    int rc;

    memset(b, 0, sizeof(*b));
    b->kmod = find_module(bi, "kernel");
    if (!b->kmod)
        return -ENOENT;
    b->rdmod = find_module(bi, "ramdisk");

    if (!svm_usable()) {
        printk("dom0: this CPU has no usable SVM with nested paging: no PVH dom0\n");
        return -ENODEV;
    }
    if (!module_readable(b->kmod) || (b->rdmod && !module_readable(b->rdmod))) {
        printk("dom0: a boot module lies outside the memory we can reach\n");
        return -EINVAL;
    }
    b->kimage = arch_maddr_to_virt(b->kmod->start);
    rc = pvh_elf_parse(b->kimage, b->kmod->size, &b->k, err, sizeof(err));
    if (rc) {
        printk("dom0: unusable kernel: %s\n", err);
        return rc;
    }

    pvh_parse_options(bi->cmdline, &opt);
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
    lay_out_ram(b);

    memset(&config, 0, sizeof(config));
    config.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    /* dom0_evtchn_fifo=0, dom0_evtchn_upcall_vector=0: as on Arm. */
    config.flags |= evtchn_dom0_cdf(bi->cmdline);
    config.max_vcpus = b->nr_vcpus;
    config.max_evtchn_port = ~0U;
    config.max_grant_frames = DOM0_GRANT_FRAMES;
    config.max_maptrack_frames = DOM0_MAPTRACK_FRAMES;
    config.grant_opts = XEN_DOMCTL_GRANT_version(1);
    config.arch.emulation_flags = XEN_X86_EMU_LAPIC | XEN_X86_EMU_IOAPIC | XEN_X86_EMU_VPCI;
    b->d = domain_create(0, &config, true, &rc);
    if (!b->d) {
        printk("dom0: domain_create failed (error %d)\n", rc);
        return rc ? rc : -EINVAL;
    }
    for (unsigned int i = 0; i < b->nr_vcpus; i++) {
        if (!vcpu_create(b->d, i)) {
            printk("dom0: cannot create vCPU %u\n", i);
            rc = -ENOMEM;
            goto fail;
        }
    }

    b->d->max_pages = ~0UL;
    if ((rc = allocate_memory(b)) != 0)
        goto fail;
    /* Xen's limit: dom0_mem=max:S, else none (UINT_MAX pages). */
    b->d->max_pages = opt.mem_max && (opt.mem_max >> PAGE_SHIFT) < UINT_MAX
                      ? opt.mem_max >> PAGE_SHIFT : UINT_MAX;
    if (b->d->max_pages < b->d->tot_pages)
        b->d->max_pages = b->d->tot_pages;
    set_memory_map(b);

    if ((rc = build_acpi(b)) != 0 || (rc = load_kernel(b)) != 0 ||
        (rc = load_boot_info(b)) != 0)
        goto fail;
    if (b->si_addr >= ABOVE_4G_START) {
        printk("dom0: the start info landed above 4 GiB\n");
        rc = -ENOMEM;
        goto fail;
    }

    svm_vcpu_reset_pvh(b->d->vcpu[0], b->k.entry, (uint32_t)b->si_addr);
    vcpu_up(b->d->vcpu[0]);
    print_layout(b);

    released = heap_release_range(b->kmod->start, b->kmod->start + b->kmod->size);
    if (b->rdmod)
        released += heap_release_range(b->rdmod->start, b->rdmod->start + b->rdmod->size);
    printk("dom0: boot modules consumed: %lu KiB back to the heap\n",
           released << (PAGE_SHIFT - 10));
    return 0;

 fail:
    domain_kill(b->d);
    return rc;
}
