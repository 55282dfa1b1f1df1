/*
 * GICv3 driver (Arm IHI 0069): distributor, redistributors found by
 * walking the GICR frames for the one whose GICR_TYPER affinity matches a
 * CPU's MPIDR, and the ICC_* system-register CPU interface.
 *
 * Everything is non-secure group 1, one priority (0xa0) for all sources,
 * EOImode 0 (one EOIR write drops priority and deactivates).  SPIs are
 * set up disabled and routed to the boot CPU, ready for device drivers.
 */
#include <xen/arch.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <asm/cpu.h>
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/mm.h>
#include <asm/sysregs.h>
#include <asm/time.h>

/* Distributor registers. */
#define GICD_CTLR           0x0000
#define GICD_TYPER          0x0004
#define GICD_IGROUPR        0x0080
#define GICD_ISENABLER      0x0100
#define GICD_ICENABLER      0x0180
#define GICD_ICPENDR        0x0280
#define GICD_ICACTIVER      0x0380
#define GICD_IPRIORITYR     0x0400
#define GICD_ICFGR          0x0c00
#define GICD_IGRPMODR       0x0d00
#define GICD_IROUTER        0x6000
#define GICD_PIDR2          0xffe8

#define GICD_CTLR_RWP       (1U << 31)
#define GICD_CTLR_ARE_NS    (1U << 4)
#define GICD_CTLR_GRP1A     (1U << 1)   /* EnableGrp1 with DS = 1 */
#define GICD_CTLR_GRP1      (1U << 0)   /* EnableGrp1 in the non-secure view */

/* Redistributor: RD_base frame, then SGI_base 64 KiB above it. */
#define GICR_CTLR           0x0000
#define GICR_TYPER          0x0008
#define GICR_WAKER          0x0014
#define GICR_PIDR2          0xffe8
#define GICR_SGI_OFFSET     0x10000
#define GICR_IGROUPR0       0x0080
#define GICR_ISENABLER0     0x0100
#define GICR_ICENABLER0     0x0180
#define GICR_ICPENDR0       0x0280
#define GICR_ICACTIVER0     0x0380
#define GICR_IPRIORITYR0    0x0400
#define GICR_IGRPMODR0      0x0d00

#define GICR_CTLR_RWP       (1U << 3)
#define GICR_TYPER_VLPIS    (1UL << 1)
#define GICR_TYPER_LAST     (1UL << 4)
#define GICR_WAKER_SLEEP    (1U << 1)   /* ProcessorSleep */
#define GICR_WAKER_ASLEEP   (1U << 2)   /* ChildrenAsleep */
#define GICR_FRAME_V3       0x20000     /* RD + SGI */
#define GICR_FRAME_V4       0x40000     /* + VLPI + reserved */

#define PIDR2_ARCH(v)       (((v) >> 4) & 0xf)

#define GIC_PRIORITY        0xa0
#define GIC_PRIORITY_X4     0xa0a0a0a0U
#define GIC_PMR             0xf0        /* everything above priority 0xf0 */
#define GIC_RWP_TIMEOUT_US  1000000

static vaddr_t gicd;
static unsigned int gic_lines;
static unsigned int nr_rdist;
static struct {
    vaddr_t base;
    paddr_t size;
} rdist[GIC_MAX_RDIST_REGIONS];
static uint64_t rdist_stride;

static bool wait_bits_clear(vaddr_t reg, uint32_t bits)
{
    uint64_t deadline = counter_deadline_us(GIC_RWP_TIMEOUT_US);

    while (mmio_read32(reg) & bits)
        if (counter_passed(deadline))
            return false;
    return true;
}

static void gicd_wait_rwp(void)
{
    if (!wait_bits_clear(gicd + GICD_CTLR, GICD_CTLR_RWP))
        panic("GICv3: distributor register writes do not complete");
}

void gic_init(const struct gic_dt_info *dt)
{
    uint32_t pidr2, typer, ctlr;
    uint64_t route;

    if (!dt->node)
        panic("GICv3: the device tree has no usable \"arm,gic-v3\" node");
    gicd = (vaddr_t)ioremap(dt->dist_base, dt->dist_size < 0x10000 ? 0x10000 : dt->dist_size);
    if (!gicd)
        panic("GICv3: cannot map the distributor at %#llx",
              (unsigned long long)dt->dist_base);
    if (arch_virt_to_maddr((void *)gicd) != dt->dist_base)
        panic("GICv3: the distributor's mapping does not translate back");
    pidr2 = mmio_read32(gicd + GICD_PIDR2);
    if (PIDR2_ARCH(pidr2) != 3 && PIDR2_ARCH(pidr2) != 4)
        panic("GICv3: distributor at %#llx is GIC architecture version %u",
              (unsigned long long)dt->dist_base, PIDR2_ARCH(pidr2));

    nr_rdist = 0;
    for (unsigned int i = 0; i < dt->nr_rdist && i < GIC_MAX_RDIST_REGIONS; i++) {
        void *va = ioremap(dt->rdist_base[i], dt->rdist_size[i]);

        if (!va) {
            printk("GICv3: cannot map redistributor region %#llx+%#llx\n",
                   (unsigned long long)dt->rdist_base[i],
                   (unsigned long long)dt->rdist_size[i]);
            continue;
        }
        rdist[nr_rdist].base = (vaddr_t)va;
        rdist[nr_rdist].size = dt->rdist_size[i];
        nr_rdist++;
    }
    rdist_stride = dt->rdist_stride;
    if (!nr_rdist)
        panic("GICv3: no usable redistributor region");

    /* Off while we set it up; affinity routing before any group enable. */
    mmio_write32(gicd + GICD_CTLR, 0);
    gicd_wait_rwp();

    typer = mmio_read32(gicd + GICD_TYPER);
    gic_lines = 32 * ((typer & 0x1f) + 1);
    if (gic_lines > GIC_SPURIOUS_FIRST)
        gic_lines = GIC_SPURIOUS_FIRST;

    /* SPIs: group 1, disabled, idle, one priority, level, to the boot CPU. */
    for (unsigned int i = GIC_FIRST_SPI; i < gic_lines; i += 32) {
        mmio_write32(gicd + GICD_IGROUPR + i / 8, ~0U);
        mmio_write32(gicd + GICD_IGRPMODR + i / 8, 0);
        mmio_write32(gicd + GICD_ICENABLER + i / 8, ~0U);
        mmio_write32(gicd + GICD_ICPENDR + i / 8, ~0U);
        mmio_write32(gicd + GICD_ICACTIVER + i / 8, ~0U);
    }
    gicd_wait_rwp();
    for (unsigned int i = GIC_FIRST_SPI; i < gic_lines; i += 4)
        mmio_write32(gicd + GICD_IPRIORITYR + i, GIC_PRIORITY_X4);
    for (unsigned int i = GIC_FIRST_SPI; i < gic_lines; i += 16)
        mmio_write32(gicd + GICD_ICFGR + i / 4, 0);

    mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE_NS);
    gicd_wait_rwp();
    route = this_arm_cpu()->mpidr & MPIDR_AFF_MASK;
    for (unsigned int i = GIC_FIRST_SPI; i < gic_lines; i++)
        mmio_write64(gicd + GICD_IROUTER + 8 * i, route);

    ctlr = GICD_CTLR_ARE_NS | GICD_CTLR_GRP1A | GICD_CTLR_GRP1;
    mmio_write32(gicd + GICD_CTLR, ctlr);
    gicd_wait_rwp();

    printk("GICv3: distributor %#llx (%s), %u interrupt lines, %u redistributor region(s)\n",
           (unsigned long long)dt->dist_base, dt->node, gic_lines, nr_rdist);
}

/* The redistributor whose GICR_TYPER names this affinity, or 0. */
static vaddr_t find_rdist(uint64_t mpidr)
{
    uint32_t aff = (uint32_t)(((mpidr >> 32) & 0xff) << 24) | (uint32_t)(mpidr & 0xffffff);

    for (unsigned int r = 0; r < nr_rdist; r++) {
        vaddr_t base = rdist[r].base, end = rdist[r].base + rdist[r].size;

        while (base + GICR_FRAME_V3 <= end) {
            uint32_t pidr2 = mmio_read32(base + GICR_PIDR2);
            uint64_t typer;

            if (PIDR2_ARCH(pidr2) != 3 && PIDR2_ARCH(pidr2) != 4)
                break;
            typer = mmio_read64(base + GICR_TYPER);
            if ((uint32_t)(typer >> 32) == aff)
                return base;
            if (typer & GICR_TYPER_LAST)
                break;
            if (rdist_stride)
                base += rdist_stride;
            else
                base += (typer & GICR_TYPER_VLPIS) ? GICR_FRAME_V4 : GICR_FRAME_V3;
        }
    }
    return 0;
}

bool gic_cpu_init(struct arm_cpu *cpu, uint32_t enable_ppis_sgis)
{
    vaddr_t rd = find_rdist(cpu->mpidr), sgi;
    uint32_t waker;
    uint64_t sre;

    if (!rd) {
        printk("GICv3: no redistributor for CPU%u (MPIDR 0x%llx)\n", cpu->id,
               (unsigned long long)cpu->mpidr);
        return false;
    }
    cpu->gicr_rd = rd;
    cpu->gicr_sgi = sgi = rd + GICR_SGI_OFFSET;

    /* Tell the redistributor this CPU is awake. */
    waker = mmio_read32(rd + GICR_WAKER);
    mmio_write32(rd + GICR_WAKER, waker & ~GICR_WAKER_SLEEP);
    if (!wait_bits_clear(rd + GICR_WAKER, GICR_WAKER_ASLEEP)) {
        printk("GICv3: CPU%u's redistributor does not wake up\n", cpu->id);
        return false;
    }

    /* SGIs and PPIs: all off and idle, group 1, one priority. */
    mmio_write32(sgi + GICR_ICENABLER0, ~0U);
    if (!wait_bits_clear(rd + GICR_CTLR, GICR_CTLR_RWP)) {
        printk("GICv3: CPU%u's redistributor register writes do not complete\n", cpu->id);
        return false;
    }
    mmio_write32(sgi + GICR_ICPENDR0, ~0U);
    mmio_write32(sgi + GICR_ICACTIVER0, ~0U);
    mmio_write32(sgi + GICR_IGROUPR0, ~0U);
    mmio_write32(sgi + GICR_IGRPMODR0, 0);
    for (unsigned int i = 0; i < 32; i += 4)
        mmio_write32(sgi + GICR_IPRIORITYR0 + i, GIC_PRIORITY_X4);
    mmio_write32(sgi + GICR_ISENABLER0, enable_ppis_sgis);

    /* CPU interface: system registers (also for EL1 later), group 1 on. */
    sre = READ_SYSREG(icc_sre_el2);
    WRITE_SYSREG(sre | ICC_SRE_SRE | ICC_SRE_EL2_ENABLE, icc_sre_el2);
    isb();
    if (!(READ_SYSREG(icc_sre_el2) & ICC_SRE_SRE)) {
        printk("GICv3: CPU%u cannot use the system register interface\n", cpu->id);
        return false;
    }
    WRITE_SYSREG(GIC_PMR, icc_pmr_el1);
    WRITE_SYSREG(0, icc_bpr1_el1);
    WRITE_SYSREG(0, icc_ctlr_el1);          /* EOImode 0 */
    WRITE_SYSREG(1, icc_igrpen1_el1);
    isb();
    return true;
}

void gic_send_sgi(const struct arm_cpu *cpu, unsigned int sgi)
{
    uint64_t m = cpu->mpidr;
    uint64_t aff0 = m & 0xff, aff1 = (m >> 8) & 0xff, aff2 = (m >> 16) & 0xff,
             aff3 = (m >> 32) & 0xff;
    uint64_t val = (aff3 << 48) | ((aff0 >> 4) << 44) | (aff2 << 32) |
                   ((uint64_t)(sgi & 0xf) << 24) | (aff1 << 16) | (1UL << (aff0 & 0xf));

    /* What the target is meant to see must be visible before the SGI. */
    dsb_ishst();
    WRITE_SYSREG(val, icc_sgi1r_el1);
    isb();
}

uint32_t gic_ack(void)
{
    uint32_t intid = (uint32_t)READ_SYSREG(icc_iar1_el1) & 0xffffff;

    /* Reads of the interrupt's device state must follow the acknowledge. */
    dsb_sy();
    return intid;
}

void gic_eoi(uint32_t intid)
{
    WRITE_SYSREG(intid, icc_eoir1_el1);
    isb();
}

void gic_set_enabled(unsigned int intid, bool enable)
{
    uint32_t bit = 1U << (intid % 32);

    if (intid < GIC_FIRST_SPI) {
        vaddr_t sgi = this_arm_cpu()->gicr_sgi;

        if (!sgi)
            return;
        mmio_write32(sgi + (enable ? GICR_ISENABLER0 : GICR_ICENABLER0), bit);
    } else if (intid < gic_lines) {
        mmio_write32(gicd + (enable ? GICD_ISENABLER : GICD_ICENABLER) + (intid / 32) * 4, bit);
    }
}
