/*
 * dom0's device tree, written from scratch with libfdt's sequential-write
 * API (fdt_create, fdt_begin_node, fdt_property, ...).
 *
 * What dom0 sees is what we emulate or grant, nothing of the host's
 * hardware: memory, vCPUs, PSCI through HVC, the architected timer, a
 * virtual GICv3, the Xen /hypervisor node and /chosen.  From the host tree
 * we copy only descriptive strings (root compatible and model, the CPUs'
 * compatible) and the timer's clock-frequency/always-on, which describe
 * the same hardware dom0 runs on.  No device is passed through (see
 * docs/arm64-dom0.md): a Linux dom0 with console=hvc0 needs none.
 *
 * Pure data manipulation: the host tests build this file unchanged.
 */
#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <libfdt.h>
#include <asm/domain_build.h>
#include <asm/vgic.h>

/* GIC binding: first cell 1 = PPI (number 0..15), third = trigger type. */
#define DT_GIC_PPI              1
#define DT_IRQ_LEVEL_HIGH       4

/* Architected timer PPIs (INTID - 16): secure and non-secure physical,
 * virtual, hypervisor physical. */
static const uint32_t timer_ppis[4] = { 13, 14, 11, 10 };

#define GIC_PHANDLE             1

/* A host property that is a sane string list (non-empty, NUL-ended), or NULL. */
static const char *host_strings(const void *fdt, int node, const char *name, int *len)
{
    const char *p;

    if (!fdt || node < 0)
        return NULL;
    p = fdt_getprop(fdt, node, name, len);
    if (!p || *len <= 1 || *len > 512 || p[*len - 1] != '\0' || p[0] == '\0')
        return NULL;
    return p;
}

static int host_cpus_compatible(const void *fdt, const char **compat, int *len)
{
    int cpus, node;

    if (!fdt || (cpus = fdt_path_offset(fdt, "/cpus")) < 0)
        return -1;
    fdt_for_each_subnode(node, fdt, cpus) {
        int tlen;
        const char *type = fdt_getprop(fdt, node, "device_type", &tlen);

        if (!type || tlen != 4 || memcmp(type, "cpu", 4))
            continue;
        *compat = host_strings(fdt, node, "compatible", len);
        return *compat ? 0 : -1;
    }
    return -1;
}

static int host_timer_node(const void *fdt)
{
    int node;

    if (!fdt)
        return -1;
    node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
    if (node < 0)
        node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv7-timer");
    return node;
}

/* Sequential-write helpers: stop at the first libfdt error. */
#define TRY(expr) do { int rc_ = (expr); if (rc_ < 0) return rc_; } while (0)

static int prop_u64s(void *fdt, const char *name, const uint64_t *v, unsigned int n)
{
    fdt64_t cells[2 * DOM0_MAX_BANKS + 2];

    if (n > ARRAY_SIZE(cells))
        return -FDT_ERR_BADVALUE;
    for (unsigned int i = 0; i < n; i++)
        cells[i] = cpu_to_fdt64(v[i]);
    return fdt_property(fdt, name, cells, (int)(n * sizeof(cells[0])));
}

static int prop_u32s(void *fdt, const char *name, const uint32_t *v, unsigned int n)
{
    fdt32_t cells[12];

    if (n > ARRAY_SIZE(cells))
        return -FDT_ERR_BADVALUE;
    for (unsigned int i = 0; i < n; i++)
        cells[i] = cpu_to_fdt32(v[i]);
    return fdt_property(fdt, name, cells, (int)(n * sizeof(cells[0])));
}

static int make_root_props(void *fdt, const struct dom0_fdt_info *info)
{
    static const char def_compat[] = "xen,dom0";
    int root = info->host_fdt ? fdt_path_offset(info->host_fdt, "/") : -1;
    const char *s;
    int len;

    TRY(fdt_property_u32(fdt, "#address-cells", 2));
    TRY(fdt_property_u32(fdt, "#size-cells", 2));
    TRY(fdt_property_u32(fdt, "interrupt-parent", GIC_PHANDLE));
    if ((s = host_strings(info->host_fdt, root, "compatible", &len)))
        TRY(fdt_property(fdt, "compatible", s, len));
    else
        TRY(fdt_property(fdt, "compatible", def_compat, sizeof(def_compat)));
    if ((s = host_strings(info->host_fdt, root, "model", &len)))
        TRY(fdt_property(fdt, "model", s, len));
    else
        TRY(fdt_property_string(fdt, "model", "dom0"));
    return 0;
}

static int make_memory(void *fdt, const struct dom0_fdt_info *info)
{
    uint64_t reg[2 * DOM0_MAX_BANKS];
    char name[32];

    for (unsigned int i = 0; i < info->nr_banks; i++) {
        reg[2 * i] = info->banks[i].start;
        reg[2 * i + 1] = info->banks[i].size;
    }
    snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)info->banks[0].start);
    TRY(fdt_begin_node(fdt, name));
    TRY(fdt_property_string(fdt, "device_type", "memory"));
    TRY(prop_u64s(fdt, "reg", reg, 2 * info->nr_banks));
    return fdt_end_node(fdt);
}

static int make_cpus(void *fdt, const struct dom0_fdt_info *info)
{
    static const char def64[] = "arm,armv8";
    const char *compat = NULL;
    int clen = 0;

    if (host_cpus_compatible(info->host_fdt, &compat, &clen)) {
        compat = def64;
        clen = sizeof(def64);
    }

    TRY(fdt_begin_node(fdt, "cpus"));
    TRY(fdt_property_u32(fdt, "#address-cells", 1));
    TRY(fdt_property_u32(fdt, "#size-cells", 0));
    for (unsigned int id = 0; id < info->nr_vcpus; id++) {
        uint64_t mpidr = dom0_vcpu_mpidr(id);
        char name[32];

        snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
        TRY(fdt_begin_node(fdt, name));
        TRY(fdt_property_string(fdt, "device_type", "cpu"));
        TRY(fdt_property(fdt, "compatible", compat, clen));
        TRY(fdt_property_u32(fdt, "reg", (uint32_t)mpidr));
        TRY(fdt_property_string(fdt, "enable-method", "psci"));
        TRY(fdt_end_node(fdt));
    }
    return fdt_end_node(fdt);
}

static int make_psci(void *fdt)
{
    static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";

    TRY(fdt_begin_node(fdt, "psci"));
    TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
    TRY(fdt_property_string(fdt, "method", "hvc"));
    return fdt_end_node(fdt);
}

static int make_timer(void *fdt, const struct dom0_fdt_info *info)
{
    static const char compat[] = "arm,armv8-timer\0arm,armv7-timer";
    int host = host_timer_node(info->host_fdt);
    uint32_t irqs[3 * ARRAY_SIZE(timer_ppis)];
    const fdt32_t *freq;
    int len;

    for (unsigned int i = 0; i < ARRAY_SIZE(timer_ppis); i++) {
        irqs[3 * i] = DT_GIC_PPI;
        irqs[3 * i + 1] = timer_ppis[i];
        irqs[3 * i + 2] = DT_IRQ_LEVEL_HIGH;
    }
    TRY(fdt_begin_node(fdt, "timer"));
    TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
    TRY(prop_u32s(fdt, "interrupts", irqs, ARRAY_SIZE(irqs)));
    if (host >= 0) {
        /* Firmware that leaves CNTFRQ unset says the rate here. */
        freq = fdt_getprop(info->host_fdt, host, "clock-frequency", &len);
        if (freq && len == sizeof(*freq) && fdt32_to_cpu(*freq))
            TRY(fdt_property_u32(fdt, "clock-frequency", fdt32_to_cpu(*freq)));
        if (fdt_getprop(info->host_fdt, host, "always-on", &len))
            TRY(fdt_property(fdt, "always-on", NULL, 0));
    }
    return fdt_end_node(fdt);
}

static int make_gic(void *fdt, const struct dom0_fdt_info *info)
{
    uint64_t reg[4] = { info->gicd_base, info->gicd_size, info->gicr_base, info->gicr_size };
    char name[48];

    snprintf(name, sizeof(name), "interrupt-controller@%llx",
             (unsigned long long)info->gicd_base);
    TRY(fdt_begin_node(fdt, name));
    TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
    TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
    TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
    TRY(fdt_property_u32(fdt, "#address-cells", 2));
    TRY(fdt_property_u32(fdt, "#size-cells", 2));
    TRY(fdt_property(fdt, "ranges", NULL, 0));
    TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
    TRY(prop_u64s(fdt, "reg", reg, ARRAY_SIZE(reg)));
    TRY(fdt_property_u32(fdt, "phandle", GIC_PHANDLE));
    return fdt_end_node(fdt);
}

/*
 * Xen's guest binding: compatible "xen,xen-<version>", "xen,xen"; reg =
 * where the guest maps grant-table frames; interrupts = the event-channel
 * upcall.  Linux finds it by the exact name "hypervisor".
 */
static int make_hypervisor(void *fdt, const struct dom0_fdt_info *info)
{
    static const char compat[] = "xen,xen-4.17\0xen,xen";
    uint64_t reg[2] = { info->gnttab_base, info->gnttab_size };
    uint32_t irq[3] = { DT_GIC_PPI, info->evtchn_intid - 16, DT_IRQ_LEVEL_HIGH };

    TRY(fdt_begin_node(fdt, "hypervisor"));
    TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
    TRY(prop_u64s(fdt, "reg", reg, ARRAY_SIZE(reg)));
    TRY(prop_u32s(fdt, "interrupts", irq, ARRAY_SIZE(irq)));
    return fdt_end_node(fdt);
}

static int make_chosen(void *fdt, const struct dom0_fdt_info *info)
{
    TRY(fdt_begin_node(fdt, "chosen"));
    if (info->bootargs && info->bootargs[0])
        TRY(fdt_property_string(fdt, "bootargs", info->bootargs));
    if (info->initrd_end > info->initrd_start) {
        TRY(fdt_property_u64(fdt, "linux,initrd-start", info->initrd_start));
        TRY(fdt_property_u64(fdt, "linux,initrd-end", info->initrd_end));
    }
    return fdt_end_node(fdt);
}

static int build(void *fdt, size_t size, const struct dom0_fdt_info *info)
{
    TRY(fdt_create(fdt, (int)size));
    TRY(fdt_finish_reservemap(fdt));
    TRY(fdt_begin_node(fdt, ""));
    TRY(make_root_props(fdt, info));
    TRY(make_chosen(fdt, info));
    TRY(make_hypervisor(fdt, info));
    TRY(make_psci(fdt));
    TRY(make_cpus(fdt, info));
    TRY(make_memory(fdt, info));
    TRY(make_gic(fdt, info));
    TRY(make_timer(fdt, info));
    TRY(fdt_end_node(fdt));
    return fdt_finish(fdt);
}

static bool info_ok(const struct dom0_fdt_info *info)
{
    if (!info->nr_vcpus || info->nr_vcpus > 4096)
        return false;
    if (!info->nr_banks || info->nr_banks > DOM0_MAX_BANKS || !info->banks)
        return false;
    for (unsigned int i = 0; i < info->nr_banks; i++)
        if (!info->banks[i].size)
            return false;
    if (info->evtchn_intid < 16 || info->evtchn_intid > 31)
        return false;
    if (!info->gicd_size || !info->gicr_size || !info->gnttab_size)
        return false;
    if (info->initrd_end < info->initrd_start)
        return false;
    return true;
}

void dom0_fdt_vgic_layout(struct dom0_fdt_info *info, unsigned int nr_vcpus)
{
    info->gicd_base = DOM0_VGICD_BASE;
    info->gicd_size = DOM0_VGICD_SIZE;
    info->gicr_base = DOM0_VGICR_BASE;
    info->gicr_size = (paddr_t)VGIC_GICR_STRIDE * nr_vcpus;
    info->evtchn_intid = GUEST_EVTCHN_PPI;
}

int dom0_fdt_build(void *buf, size_t size, const struct dom0_fdt_info *info)
{
    int rc;

    if (!buf || !info || !info_ok(info))
        return -EINVAL;
    if (size > INT32_MAX)
        size = INT32_MAX;
    rc = build(buf, size, info);
    if (rc == -FDT_ERR_NOSPACE)
        return -ENOSPC;
    if (rc < 0)
        return -EINVAL;
    return (int)fdt_totalsize(buf);
}
