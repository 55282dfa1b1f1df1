/*
 * The boot device tree: validation and the facts early setup needs.
 *
 * Everything in the blob is treated as hostile.  arm_fdt_validate() runs
 * libfdt's full structural check before the parser starts, so libfdt's
 * accessors stay inside the blob; the parser then checks every property it
 * reads for length, termination and sane cell counts.  A problem costs the
 * one entry it affects ("fdt: ..." on the console), never the boot.
 */
#include <libfdt.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <asm/bootfdt.h>

/* Bus nesting deeper than this is not a real machine. */
#define MAX_BUS_DEPTH   16

/* MPIDR_EL1 affinity fields: Aff3 [39:32], Aff2..Aff0 [23:0]. */
#define MPIDR_AFFINITY_BITS 0xff00ffffffULL

static char fdt_cmdline[BOOT_CMDLINE_MAX];

struct fdt_parse {
    const void *fdt;
    struct boot_info *bi;
    struct arm_boot_fdt *out;
};

static void bad_entry(struct fdt_parse *p, const char *fmt, ...) __printf(2, 3);

static void bad_entry(struct fdt_parse *p, const char *fmt, ...)
{
    va_list ap;

    p->out->bad_entries++;
    printk("fdt: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
}

static const char *node_name(const void *fdt, int node)
{
    const char *name = fdt_get_name(fdt, node, NULL);

    if (!name)
        return "?";
    return name[0] ? name : "/";
}

const char *arm_fdt_validate(const void *fdt, size_t avail)
{
    int err;

    if (!fdt || avail < sizeof(struct fdt_header))
        return "no room for a header";
    if (fdt_magic(fdt) != FDT_MAGIC)
        return "bad magic";
    err = fdt_check_header(fdt);
    if (err)
        return fdt_strerror(err);
    if (fdt_totalsize(fdt) > avail)
        return "larger than the space it may occupy";
    /*
     * dtc, QEMU and U-Boot all write version 17.  Debian's libfdt 1.6.1
     * accepts headers back to version 2 but fdt_check_full() then reads
     * through a NULL pointer (seen with versions 2-15), so older blobs
     * are refused before it looks.
     */
    if (fdt_version(fdt) < 17)
        return "device tree format older than version 17";
    /* Walks every tag, name and string offset against totalsize. */
    err = fdt_check_full(fdt, fdt_totalsize(fdt));
    if (err)
        return fdt_strerror(err);
    return NULL;
}

/*
 * A string property: present, non-empty and NUL-terminated inside its
 * length.  Malformed ones count as bad entries; absent ones are just NULL.
 */
static const char *prop_string(struct fdt_parse *p, int node, const char *name)
{
    int len;
    const char *s = fdt_getprop(p->fdt, node, name, &len);

    if (!s)
        return NULL;
    if (len <= 0 || s[len - 1] != '\0') {
        bad_entry(p, "%s: property '%s' is not a string", node_name(p->fdt, node), name);
        return NULL;
    }
    return s;
}

static bool node_enabled(struct fdt_parse *p, int node)
{
    const char *status = prop_string(p, node, "status");

    return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

static bool compatible(const void *fdt, int node, const char *compat)
{
    return fdt_node_check_compatible(fdt, node, compat) == 0;
}

/* Cells make a 64-bit number only if every cell above the low two is 0. */
static bool read_number(const fdt32_t *cells, int n, uint64_t *val)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++) {
        uint32_t c = fdt32_ld(&cells[i]);

        if (i < n - 2 && c != 0)
            return false;
        v = (v << 32) | c;
    }
    *val = v;
    return true;
}

/*
 * A cell-count property of `node`, or of its nearest ancestor that has one.
 * The spec says a missing #address-cells/#size-cells means 2/1, but QEMU's
 * guest-loader writes /chosen/module@ nodes with 2+2-cell "reg" under a
 * /chosen without either property, and Xen (whose tree walker inherits
 * from ancestors) reads them with the root's counts: so do we.
 */
static int inherited_cells(const void *fdt, int node, const char *name, int dflt)
{
    while (node >= 0) {
        int len;
        const fdt32_t *prop = fdt_getprop(fdt, node, name, &len);

        if (prop)
            return len == (int)sizeof(*prop) ? (int)fdt32_to_cpu(*prop) : -1;
        if (node == 0)
            break;
        node = fdt_parent_offset(fdt, node);
    }
    return dflt;
}

/* #address-cells and #size-cells a bus gives its children's "reg". */
static bool bus_cells(struct fdt_parse *p, int bus, int *ac, int *sc)
{
    *ac = inherited_cells(p->fdt, bus, "#address-cells", 2);
    *sc = inherited_cells(p->fdt, bus, "#size-cells", 1);
    if (*ac < 1 || *ac > FDT_MAX_NCELLS || *sc < 0 || *sc > FDT_MAX_NCELLS) {
        bad_entry(p, "%s: bad #address-cells/#size-cells", node_name(p->fdt, bus));
        return false;
    }
    return true;
}

/*
 * Call @fn for each (address, size) pair of @node's "reg", decoded with the
 * cell counts of @bus (its parent).  Returns the number of pairs passed on.
 */
typedef void (*reg_fn)(struct fdt_parse *p, int node, uint64_t addr,
                       uint64_t size, void *arg);

static unsigned int for_each_reg(struct fdt_parse *p, int node, int bus,
                                 reg_fn fn, void *arg)
{
    int ac, sc, len;
    const fdt32_t *reg = fdt_getprop(p->fdt, node, "reg", &len);
    unsigned int stride, count, used = 0;

    if (!reg)
        return 0;
    if (!bus_cells(p, bus, &ac, &sc))
        return 0;
    stride = (unsigned int)(ac + sc);
    if (len <= 0 || len % (int)(stride * 4)) {
        bad_entry(p, "%s: 'reg' length %d does not fit %d+%d cells",
                  node_name(p->fdt, node), len, ac, sc);
        if (len <= 0)
            return 0;
    }
    count = (unsigned int)len / (stride * 4);
    for (unsigned int i = 0; i < count; i++) {
        uint64_t addr, size = 0;
        const fdt32_t *e = reg + i * stride;

        if (!read_number(e, ac, &addr) || !read_number(e + ac, sc, &size)) {
            bad_entry(p, "%s: 'reg' entry %u does not fit 64 bits",
                      node_name(p->fdt, node), i);
            continue;
        }
        fn(p, node, addr, size, arg);
        used++;
    }
    return used;
}

/* ---- memory ------------------------------------------------------------ */

static void add_region(struct fdt_parse *p, int node, uint64_t addr,
                       uint64_t size, void *arg)
{
    enum boot_mem_type type = *(const enum boot_mem_type *)arg;

    if (size == 0)
        return;
    if (addr + size < addr) {
        bad_entry(p, "%s: region %#llx+%#llx wraps", node_name(p->fdt, node),
                  (unsigned long long)addr, (unsigned long long)size);
        return;
    }
    if (p->bi->nr_mem >= BOOT_MEM_MAX) {
        bad_entry(p, "%s: memory map full, region %#llx dropped",
                  node_name(p->fdt, node), (unsigned long long)addr);
        return;
    }
    boot_info_add_mem(p->bi, addr, size, type);
}

static void parse_memory(struct fdt_parse *p)
{
    static const char memory[] = "memory";
    enum boot_mem_type ram = BOOT_MEM_RAM, reserved = BOOT_MEM_RESERVED;
    int node, n, resmem;

    for (node = fdt_node_offset_by_prop_value(p->fdt, -1, "device_type",
                                              memory, sizeof(memory));
         node >= 0;
         node = fdt_node_offset_by_prop_value(p->fdt, node, "device_type",
                                              memory, sizeof(memory))) {
        if (!node_enabled(p, node))
            continue;
        for_each_reg(p, node, fdt_parent_offset(p->fdt, node), add_region, &ram);
    }

    /* The header's reservation block (/memreserve/ in source form). */
    n = fdt_num_mem_rsv(p->fdt);
    if (n < 0)
        bad_entry(p, "bad memory reservation block");
    for (int i = 0; i < n; i++) {
        uint64_t addr, size;

        if (fdt_get_mem_rsv(p->fdt, i, &addr, &size) == 0)
            add_region(p, 0, addr, size, &reserved);
    }

    /* Static /reserved-memory children; "size"-only ones are allocations
     * an OS would make, not carve-outs, and have no address yet. */
    resmem = fdt_path_offset(p->fdt, "/reserved-memory");
    if (resmem >= 0) {
        int child;

        fdt_for_each_subnode(child, p->fdt, resmem) {
            if (node_enabled(p, child))
                for_each_reg(p, child, resmem, add_region, &reserved);
        }
    }
}

/* ---- console UART ------------------------------------------------------ */

/*
 * Turn a bus address of @node into a CPU physical address through the
 * "ranges" of every bus above it (an empty "ranges" maps 1:1, a missing one
 * means the bus is not memory-mapped at all).
 */
static bool translate_address(struct fdt_parse *p, int node, uint64_t *addr)
{
    int bus = fdt_parent_offset(p->fdt, node);

    for (int depth = 0; bus > 0; depth++) {
        int parent = fdt_parent_offset(p->fdt, bus);
        int len, cac, csc, pac, psc;
        const fdt32_t *ranges;
        unsigned int stride;
        bool found = false;

        if (parent < 0 || depth >= MAX_BUS_DEPTH)
            return false;
        ranges = fdt_getprop(p->fdt, bus, "ranges", &len);
        if (!ranges)
            return false;
        if (len > 0) {
            if (!bus_cells(p, bus, &cac, &csc) || !bus_cells(p, parent, &pac, &psc))
                return false;
            stride = (unsigned int)(cac + pac + csc);
            if (len % (int)(stride * 4)) {
                bad_entry(p, "%s: bad 'ranges' length %d", node_name(p->fdt, bus), len);
                return false;
            }
            for (int i = 0; i < len / (int)(stride * 4) && !found; i++) {
                const fdt32_t *e = ranges + i * stride;
                uint64_t child, target, size;

                if (!read_number(e, cac, &child) ||
                    !read_number(e + cac, pac, &target) ||
                    !read_number(e + cac + pac, csc, &size))
                    continue;
                if (*addr >= child && *addr - child < size &&
                    target + (*addr - child) >= target) {
                    *addr = target + (*addr - child);
                    found = true;
                }
            }
            if (!found)
                return false;
        }
        bus = parent;
    }
    return bus == 0;
}

struct uart_reg {
    bool seen;
    uint64_t addr;
};

static void first_reg(struct fdt_parse *p, int node, uint64_t addr,
                      uint64_t size, void *arg)
{
    struct uart_reg *r = arg;

    (void)p;
    (void)node;
    (void)size;
    if (!r->seen) {
        r->seen = true;
        r->addr = addr;
    }
}

static void find_uart_irq(struct fdt_parse *p, int node);

static bool use_uart(struct fdt_parse *p, int node)
{
    struct uart_reg r = { false, 0 };

    if (!compatible(p->fdt, node, "arm,pl011") || !node_enabled(p, node))
        return false;
    for_each_reg(p, node, fdt_parent_offset(p->fdt, node), first_reg, &r);
    if (!r.seen || r.addr == 0)
        return false;
    if (!translate_address(p, node, &r.addr)) {
        bad_entry(p, "%s: address not reachable from the CPU", node_name(p->fdt, node));
        return false;
    }
    p->out->uart_base = r.addr;
    p->out->uart_node = node_name(p->fdt, node);
    find_uart_irq(p, node);
    return true;
}

static void find_uart(struct fdt_parse *p, int chosen)
{
    const char *path = NULL;
    int node;

    if (chosen >= 0) {
        path = prop_string(p, chosen, "stdout-path");
        if (!path)
            path = prop_string(p, chosen, "linux,stdout-path");
    }
    if (path) {
        /* "path-or-alias[:options]", e.g. "/pl011@9000000:115200n8". */
        const char *colon = strchr(path, ':');
        int len = colon ? (int)(colon - path) : (int)strlen(path);

        node = fdt_path_offset_namelen(p->fdt, path, len);
        if (node >= 0 && use_uart(p, node)) {
            p->out->uart_from_stdout_path = true;
            return;
        }
    }
    for (node = fdt_node_offset_by_compatible(p->fdt, -1, "arm,pl011");
         node >= 0;
         node = fdt_node_offset_by_compatible(p->fdt, node, "arm,pl011"))
        if (use_uart(p, node))
            return;
}

/* ---- PSCI, CPUs -------------------------------------------------------- */

static void find_psci(struct fdt_parse *p)
{
    /* PSCI 0.1 ("arm,psci" alone) has no fixed function ids: unusable. */
    int node = fdt_node_offset_by_compatible(p->fdt, -1, "arm,psci-1.0");
    const char *method;

    if (node < 0)
        node = fdt_node_offset_by_compatible(p->fdt, -1, "arm,psci-0.2");
    if (node < 0 || !node_enabled(p, node))
        return;
    method = prop_string(p, node, "method");
    if (method && !strcmp(method, "smc"))
        p->out->psci = PSCI_CONDUIT_SMC;
    else if (method && !strcmp(method, "hvc"))
        p->out->psci = PSCI_CONDUIT_HVC;
    else
        bad_entry(p, "%s: no usable 'method'", node_name(p->fdt, node));
}

static void add_cpu(struct fdt_parse *p, int node, uint64_t addr,
                    uint64_t size, void *arg)
{
    struct arm_boot_fdt *out = p->out;

    (void)size;
    (void)arg;
    if (addr & ~MPIDR_AFFINITY_BITS) {
        bad_entry(p, "%s: 'reg' %#llx is not an MPIDR affinity", node_name(p->fdt, node),
                  (unsigned long long)addr);
        return;
    }
    for (unsigned int i = 0; i < out->nr_cpu_mpidrs; i++)
        if (out->cpu_mpidr[i] == addr) {
            bad_entry(p, "%s: MPIDR %#llx listed twice", node_name(p->fdt, node),
                      (unsigned long long)addr);
            return;
        }
    if (out->nr_cpu_mpidrs >= ARM_FDT_MAX_CPUS) {
        bad_entry(p, "%s: more than %u CPUs, dropped", node_name(p->fdt, node),
                  ARM_FDT_MAX_CPUS);
        return;
    }
    out->cpu_mpidr[out->nr_cpu_mpidrs++] = addr;
}

/* Count enabled CPUs; keep the MPIDR ("reg", first entry) of each. */
static unsigned int count_cpus(struct fdt_parse *p)
{
    int cpus = fdt_path_offset(p->fdt, "/cpus"), cpu;
    unsigned int n = 0;

    if (cpus < 0)
        return 0;
    fdt_for_each_subnode(cpu, p->fdt, cpus) {
        const char *type = prop_string(p, cpu, "device_type");
        unsigned int before = p->out->nr_cpu_mpidrs;

        if (!type || strcmp(type, "cpu") || !node_enabled(p, cpu))
            continue;
        n++;
        if (!fdt_getprop(p->fdt, cpu, "reg", NULL))
            bad_entry(p, "%s: no 'reg'", node_name(p->fdt, cpu));
        else
            for_each_reg(p, cpu, cpus, add_cpu, NULL);
        /* A CPU has one MPIDR: extra entries are not other CPUs. */
        if (p->out->nr_cpu_mpidrs > before + 1)
            p->out->nr_cpu_mpidrs = before + 1;
    }
    return n;
}

/* ---- interrupt controller and timer ------------------------------------ */

struct reg_list {
    unsigned int n;
    uint64_t addr[2 + GIC_MAX_RDIST_REGIONS];
    uint64_t size[2 + GIC_MAX_RDIST_REGIONS];
};

static void collect_reg(struct fdt_parse *p, int node, uint64_t addr,
                        uint64_t size, void *arg)
{
    struct reg_list *r = arg;

    (void)p;
    (void)node;
    if (r->n < 2 + GIC_MAX_RDIST_REGIONS) {
        r->addr[r->n] = addr;
        r->size[r->n] = size;
        r->n++;
    }
}

static uint32_t prop_u32(struct fdt_parse *p, int node, const char *name, uint32_t dflt)
{
    int len;
    const fdt32_t *v = fdt_getprop(p->fdt, node, name, &len);

    if (!v)
        return dflt;
    if (len != 4) {
        bad_entry(p, "%s: property '%s' is not one cell", node_name(p->fdt, node), name);
        return dflt;
    }
    return fdt32_ld(v);
}

/* The first enabled GICv3: distributor, then the redistributor regions. */
static void find_gic(struct fdt_parse *p)
{
    struct gic_dt_info *gic = &p->out->gic;
    struct reg_list r = { 0 };
    unsigned int nr_rdist;
    int node, len;
    const fdt32_t *stride;

    for (node = fdt_node_offset_by_compatible(p->fdt, -1, "arm,gic-v3");
         node >= 0 && !node_enabled(p, node);
         node = fdt_node_offset_by_compatible(p->fdt, node, "arm,gic-v3"))
        ;
    if (node < 0)
        return;
    nr_rdist = prop_u32(p, node, "#redistributor-regions", 1);
    if (nr_rdist < 1 || nr_rdist > GIC_MAX_RDIST_REGIONS) {
        bad_entry(p, "%s: %u redistributor regions", node_name(p->fdt, node), nr_rdist);
        return;
    }
    for_each_reg(p, node, fdt_parent_offset(p->fdt, node), collect_reg, &r);
    if (r.n < 1 + nr_rdist) {
        bad_entry(p, "%s: 'reg' lacks the distributor or a redistributor region",
                  node_name(p->fdt, node));
        return;
    }
    for (unsigned int i = 0; i < 1 + nr_rdist; i++) {
        if (r.size[i] == 0 || r.addr[i] + r.size[i] < r.addr[i] ||
            !translate_address(p, node, &r.addr[i])) {
            bad_entry(p, "%s: 'reg' entry %u unusable", node_name(p->fdt, node), i);
            return;
        }
    }
    gic->dist_base = r.addr[0];
    gic->dist_size = r.size[0];
    gic->nr_rdist = nr_rdist;
    for (unsigned int i = 0; i < nr_rdist; i++) {
        gic->rdist_base[i] = r.addr[1 + i];
        gic->rdist_size[i] = r.size[1 + i];
    }
    stride = fdt_getprop(p->fdt, node, "redistributor-stride", &len);
    if (stride && len == 8)
        gic->rdist_stride = (uint64_t)fdt32_ld(&stride[0]) << 32 | fdt32_ld(&stride[1]);
    else if (stride)
        bad_entry(p, "%s: bad 'redistributor-stride'", node_name(p->fdt, node));
    gic->node = node_name(p->fdt, node);
}

/*
 * The architected timer's interrupts are, in order: secure physical,
 * non-secure physical, virtual, hypervisor physical (then hypervisor
 * virtual).  With a GIC parent each is <type number flags>, type 1 = PPI.
 */
/*
 * The "interrupts" property of @node if its interrupt parent (own or
 * inherited "interrupt-parent") uses the GIC's 3-cell form, else NULL.
 */
static const fdt32_t *gic_interrupts(struct fdt_parse *p, int node, int *len)
{
    const fdt32_t *irqs = fdt_getprop(p->fdt, node, "interrupts", len);
    int parent = -1;

    if (!irqs)
        return NULL;
    for (int n = node, depth = 0; n >= 0 && depth < MAX_BUS_DEPTH; depth++) {
        int plen;
        const fdt32_t *ph = fdt_getprop(p->fdt, n, "interrupt-parent", &plen);

        if (ph && plen == 4) {
            parent = fdt_node_offset_by_phandle(p->fdt, fdt32_ld(ph));
            break;
        }
        if (n == 0)
            break;
        n = fdt_parent_offset(p->fdt, n);
    }
    if (parent < 0 || prop_u32(p, parent, "#interrupt-cells", 0) != 3) {
        bad_entry(p, "%s: interrupts not in the GIC's 3-cell form", node_name(p->fdt, node));
        return NULL;
    }
    return irqs;
}

/*
 * The architected timer's interrupts are, in order: secure physical,
 * non-secure physical, virtual, hypervisor physical (then hypervisor
 * virtual).  With a GIC parent each is <type number flags>, type 1 = PPI.
 */
static void find_timer(struct fdt_parse *p)
{
    int node = fdt_node_offset_by_compatible(p->fdt, -1, "arm,armv8-timer");
    int len;
    const fdt32_t *irqs;

    if (node < 0 || !node_enabled(p, node))
        return;
    irqs = gic_interrupts(p, node, &len);
    if (!irqs)
        return;
    if (len < 4 * 12 || len % 12) {
        bad_entry(p, "%s: 'interrupts' has no hypervisor timer entry", node_name(p->fdt, node));
        return;
    }
    if (fdt32_ld(&irqs[9]) != 1 || fdt32_ld(&irqs[10]) >= 16) {
        bad_entry(p, "%s: hypervisor timer interrupt is not a PPI", node_name(p->fdt, node));
        return;
    }
    p->out->timer_hyp_intid = 16 + fdt32_ld(&irqs[10]);
}

/*
 * The console UART's receive interrupt: its first "interrupts" entry, an
 * SPI (<0 n flags> = INTID 32 + n).  0 (receive polled by nobody) when
 * absent or not an SPI the GIC architecture can have.
 */
static void find_uart_irq(struct fdt_parse *p, int node)
{
    int len;
    const fdt32_t *irqs = gic_interrupts(p, node, &len);

    if (!irqs)
        return;
    if (len < 12 || fdt32_ld(&irqs[0]) != 0 || fdt32_ld(&irqs[1]) >= 988) {
        bad_entry(p, "%s: interrupt is not an SPI", node_name(p->fdt, node));
        return;
    }
    p->out->uart_intid = 32 + fdt32_ld(&irqs[1]);
}

/* ---- /chosen: modules and command lines -------------------------------- */

static void add_module(struct fdt_parse *p, int node, uint64_t addr,
                       uint64_t size, void *arg)
{
    struct boot_info *bi = p->bi;
    const char *kind = arg;

    if (size == 0 || addr + size < addr) {
        bad_entry(p, "%s: bad module range", node_name(p->fdt, node));
        return;
    }
    if (bi->nr_mods >= BOOT_MODULES_MAX) {
        bad_entry(p, "%s: too many modules, dropped", node_name(p->fdt, node));
        return;
    }
    bi->mods[bi->nr_mods].start = addr;
    bi->mods[bi->nr_mods].size = size;
    bi->mods[bi->nr_mods].kind = kind;
    bi->mods[bi->nr_mods].cmdline = prop_string(p, node, "bootargs");
    bi->nr_mods++;
}

/* The specific kind a module's "compatible" names, or NULL if generic. */
static const char *module_kind(const void *fdt, int node)
{
    if (compatible(fdt, node, "multiboot,kernel") ||
        compatible(fdt, node, "xen,linux-zimage"))
        return "kernel";
    if (compatible(fdt, node, "multiboot,ramdisk") ||
        compatible(fdt, node, "xen,linux-initrd"))
        return "ramdisk";
    if (compatible(fdt, node, "xen,xsm-policy"))
        return "xsm-policy";
    if (compatible(fdt, node, "multiboot,device-tree"))
        return "device-tree";
    return NULL;
}

static void parse_modules(struct fdt_parse *p, int chosen)
{
    unsigned int generic = 0;
    int node;

    fdt_for_each_subnode(node, p->fdt, chosen) {
        const char *kind;

        if (!compatible(p->fdt, node, "multiboot,module") &&
            !compatible(p->fdt, node, "xen,multiboot-module"))
            continue;
        kind = module_kind(p->fdt, node);
        /* Xen's convention: untyped modules are the kernel, then ramdisk. */
        if (!kind) {
            if (generic == 0)
                kind = "kernel";
            else if (generic == 1)
                kind = "ramdisk";
            generic++;
        }
        if (!for_each_reg(p, node, chosen, add_module, (void *)kind))
            bad_entry(p, "%s: module without a usable 'reg'", node_name(p->fdt, node));
    }
}

static struct boot_module *find_module(struct boot_info *bi, const char *kind)
{
    for (unsigned int i = 0; i < bi->nr_mods; i++)
        if (bi->mods[i].kind && !strcmp(bi->mods[i].kind, kind))
            return &bi->mods[i];
    return NULL;
}

/*
 * Xen's rules for /chosen command lines, plus one case of our own: with no
 * dom0 kernel at all, "bootargs" has no other taker and is ours (so plain
 * "qemu -kernel xen.bin -append ..." works).  Who gets what:
 *
 *   xen,xen-bootargs present        -> hypervisor; dom0: dom0-bootargs, else bootargs
 *   xen,dom0-bootargs present       -> bootargs to the hypervisor
 *   kernel module has own bootargs  -> bootargs to the hypervisor
 *   no kernel module                -> bootargs to the hypervisor
 *   otherwise                       -> bootargs to dom0; hypervisor gets nothing
 *
 * A kernel module's own "bootargs" always wins for dom0.
 */
static void choose_cmdlines(struct fdt_parse *p, int chosen)
{
    const char *xen_args = NULL, *dom0_args = NULL, *bootargs = NULL;
    const char *ours = "", *dom0;
    struct boot_module *kernel = find_module(p->bi, "kernel");

    if (chosen >= 0) {
        xen_args = prop_string(p, chosen, "xen,xen-bootargs");
        dom0_args = prop_string(p, chosen, "xen,dom0-bootargs");
        bootargs = prop_string(p, chosen, "bootargs");
    }

    if (xen_args) {
        ours = xen_args;
        p->out->cmdline_source = "xen,xen-bootargs";
        dom0 = dom0_args ? dom0_args : bootargs;
    } else if (dom0_args || !kernel || kernel->cmdline) {
        if (bootargs) {
            ours = bootargs;
            p->out->cmdline_source = "bootargs";
        }
        dom0 = dom0_args;
    } else {
        dom0 = bootargs;
    }
    if (kernel && !kernel->cmdline)
        kernel->cmdline = dom0;

    if (strlcpy(fdt_cmdline, ours, sizeof(fdt_cmdline)) >= sizeof(fdt_cmdline))
        bad_entry(p, "command line longer than %zu bytes, truncated",
                  sizeof(fdt_cmdline) - 1);
    p->bi->cmdline = fdt_cmdline;
}

void arm_fdt_parse(const void *fdt, paddr_t fdt_pa, struct boot_info *bi,
                   struct arm_boot_fdt *out)
{
    struct fdt_parse p = { .fdt = fdt, .bi = bi, .out = out };
    int chosen = fdt_path_offset(fdt, "/chosen");

    memset(out, 0, sizeof(*out));
    out->size = fdt_totalsize(fdt);
    out->model = prop_string(&p, 0, "model");
    if (chosen >= 0)
        out->uboot_version = prop_string(&p, chosen, "u-boot,version");

    find_uart(&p, chosen);
    find_psci(&p);
    bi->nr_cpus = count_cpus(&p);
    find_gic(&p);
    find_timer(&p);
    parse_memory(&p);

    /* The blob itself is ours to keep until we are done with it. */
    if (bi->nr_mods < BOOT_MODULES_MAX) {
        bi->mods[bi->nr_mods].start = fdt_pa;
        bi->mods[bi->nr_mods].size = out->size;
        bi->mods[bi->nr_mods].kind = "host-dtb";
        bi->mods[bi->nr_mods].cmdline = NULL;
        bi->nr_mods++;
    }
    if (chosen >= 0)
        parse_modules(&p, chosen);
    choose_cmdlines(&p, chosen);
}
