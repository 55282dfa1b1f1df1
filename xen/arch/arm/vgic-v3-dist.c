/*
 * Virtual GICv3: the distributor (GICD) and redistributor (GICR) register
 * frames, emulated on stage-2 data aborts.
 *
 * What the guest sees: affinity routing always on, every interrupt in
 * non-secure group 1, no LPIs/ITS, no message-based SPIs, no security
 * extensions (GICD_CTLR in the non-secure view: EnableGrp1A and ARE_NS).
 * SGI/PPI state lives in the redistributors; the distributor's registers
 * for INTIDs below 32 are RAZ/WI as affinity routing demands.
 *
 * Accesses must be naturally aligned and of a size the register allows
 * (32-bit for most, 8- or 32-bit for the byte-wide IPRIORITYR, 64- or
 * 32-bit halves for the 64-bit IROUTER/GICR_TYPER/...).  Anything else,
 * and any offset we do not implement, reads as zero and ignores writes;
 * the first such access of each kind per domain is logged.
 */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/vgic-private.h>

#define SZ(n)   (1U << (n))     /* access-size set: SZ(1) | SZ(4) ... */

enum bitreg { BR_ENABLE, BR_PENDING, BR_ACTIVE };

/* The guest's view of one interrupt's pending/active state. */
static bool irq_pending_view(const struct vgic_irq *irq, const struct vgic_cpu *holder)
{
    if (irq->pending)
        return true;
    /* Loaded in a running vCPU's LR: as the last flush put it there. */
    return irq->lr != VGIC_NONE && holder && !irq->drop_pending &&
           (holder->lr_val[irq->lr] & ICH_LR_PENDING);
}

static bool irq_active_view(const struct vgic_irq *irq, const struct vgic_cpu *holder)
{
    if (irq->lr != VGIC_NONE && holder)
        return !irq->drop_active && (irq->active || (holder->lr_val[irq->lr] & ICH_LR_ACTIVE));
    return irq->active;
}

static const struct vgic_cpu *irq_holder(const struct vgic_dist *vd, const struct vgic_irq *irq)
{
    if (irq->queued_on == VGIC_NONE || (unsigned int)irq->queued_on >= vd->nr_vcpus)
        return NULL;
    return vd->vcpus[irq->queued_on];
}

/* 32 interrupts from `first` (private ones through vc, else SPIs). */
static uint32_t bank_read(struct vgic_dist *vd, struct vgic_cpu *vc, unsigned int first,
                          enum bitreg r)
{
    uint32_t bits = 0;

    for (unsigned int i = 0; i < 32; i++) {
        struct vgic_irq *irq = vgic_irq_of(vd, vc, first + i);
        bool b = false;

        if (!irq)
            continue;
        switch (r) {
        case BR_ENABLE:
            b = irq->enabled;
            break;
        case BR_PENDING:
            b = irq_pending_view(irq, irq_holder(vd, irq));
            break;
        case BR_ACTIVE:
            b = irq_active_view(irq, irq_holder(vd, irq));
            break;
        }
        bits |= (uint32_t)b << i;
    }
    return bits;
}

static void bank_write(struct vgic_dist *vd, struct vgic_cpu *vc, unsigned int first,
                       enum bitreg r, bool set, uint32_t bits, struct vgic_kick *kick)
{
    for (unsigned int i = 0; i < 32; i++) {
        struct vgic_irq *irq;

        if (!(bits & (1U << i)))
            continue;
        irq = vgic_irq_of(vd, vc, first + i);
        if (!irq)
            continue;
        switch (r) {
        case BR_ENABLE:
            vgic_irq_set_enabled(vd, irq, set, kick);
            break;
        case BR_PENDING:
            vgic_irq_set_pending(vd, irq, set, kick);
            break;
        case BR_ACTIVE:
            vgic_irq_set_active(vd, irq, set, kick);
            break;
        }
    }
}

/*
 * The set/clear register pairs (ISENABLER/ICENABLER, ...), 0x80 bytes
 * apart, start at `base`: which kind, and whether it sets.
 */
static bool decode_bitreg(uint32_t reg, uint32_t base, enum bitreg *r, bool *set)
{
    if (reg < base || reg >= base + 6 * 0x80)
        return false;
    switch ((reg - base) / 0x80) {
    case 0: *r = BR_ENABLE;  *set = true;  break;
    case 1: *r = BR_ENABLE;  *set = false; break;
    case 2: *r = BR_PENDING; *set = true;  break;
    case 3: *r = BR_PENDING; *set = false; break;
    case 4: *r = BR_ACTIVE;  *set = true;  break;
    default: *r = BR_ACTIVE; *set = false; break;
    }
    return true;
}

/* Byte-wide priority of INTID `intid`; RAZ/WI outside what exists. */
static uint8_t prio_read(struct vgic_dist *vd, struct vgic_cpu *vc, unsigned int intid)
{
    struct vgic_irq *irq = vgic_irq_of(vd, vc, intid);

    return irq ? irq->priority : 0;
}

static void prio_write(struct vgic_dist *vd, struct vgic_cpu *vc, unsigned int intid,
                       uint8_t prio, struct vgic_kick *kick)
{
    struct vgic_irq *irq = vgic_irq_of(vd, vc, intid);

    if (!irq)
        return;
    irq->priority = prio & VGIC_PRIO_MASK;
    vgic_irq_update(vd, irq, kick);
}

/* IPRIORITYR: `size` bytes (1 or 4) from byte offset `boff` = first INTID. */
static void prio_access(struct vgic_dist *vd, struct vgic_cpu *vc, unsigned int boff,
                        bool is_write, unsigned int size, uint64_t *val,
                        struct vgic_kick *kick)
{
    if (is_write) {
        for (unsigned int i = 0; i < size; i++)
            prio_write(vd, vc, boff + i, (uint8_t)(*val >> (8 * i)), kick);
    } else {
        uint64_t v = 0;

        for (unsigned int i = 0; i < size; i++)
            v |= (uint64_t)prio_read(vd, vc, boff + i) << (8 * i);
        *val = v;
    }
}

/* ICFGR word for 16 INTIDs from `first`: bit 2k+1 set = edge. */
static uint32_t cfg_read(struct vgic_dist *vd, struct vgic_cpu *vc, unsigned int first)
{
    uint32_t v = 0;

    for (unsigned int i = 0; i < 16; i++) {
        struct vgic_irq *irq = vgic_irq_of(vd, vc, first + i);

        if (irq && irq->edge)
            v |= 2U << (2 * i);
    }
    return v;
}

static void cfg_write(struct vgic_dist *vd, struct vgic_cpu *vc, unsigned int first,
                      uint32_t v)
{
    for (unsigned int i = 0; i < 16; i++) {
        struct vgic_irq *irq = vgic_irq_of(vd, vc, first + i);

        if (irq)
            irq->edge = !!(v & (2U << (2 * i)));
    }
}

/* The CoreSight-style ID registers at the top of each frame. */
static bool id_reg(uint32_t off, uint32_t *v)
{
    static const uint8_t cidr[4] = { 0x0d, 0xf0, 0x05, 0xb1 };

    switch (off) {
    case GIC_PIDR0: *v = VGIC_PIDR0; return true;
    case GIC_PIDR1: *v = VGIC_PIDR1; return true;
    case GIC_PIDR2: *v = VGIC_PIDR2; return true;
    case GIC_PIDR4: *v = VGIC_PIDR4; return true;
    case GIC_PIDR3:
    case GIC_PIDR4 + 4:
    case GIC_PIDR4 + 8:
    case GIC_PIDR4 + 12:
        *v = 0;
        return true;
    }
    if (off >= GIC_CIDR0 && off < GIC_CIDR0 + 16 && !(off & 3)) {
        *v = cidr[(off - GIC_CIDR0) / 4];
        return true;
    }
    return false;
}

static bool size_align_ok(uint32_t off, unsigned int size, unsigned int allowed)
{
    if (size > 8 || !(allowed & SZ(size)))
        return false;
    return !(off & (size - 1));
}

static void bad_access(struct vgic_dist *vd, const char *frame, uint32_t off,
                       bool is_write, unsigned int size, uint64_t *val)
{
    vgic_warn_once(vd, VGIC_WARN_BAD_ACCESS,
                   "bad %u-byte %s of %s offset %#x (RAZ/WI)\n",
                   size, is_write ? "write" : "read", frame, off);
    if (!is_write)
        *val = 0;
}

static void unknown_reg(struct vgic_dist *vd, const char *frame, uint32_t off,
                        bool is_write, uint64_t *val)
{
    vgic_warn_once(vd, VGIC_WARN_UNKNOWN_REG,
                   "%s of unimplemented %s offset %#x (RAZ/WI)\n",
                   is_write ? "write" : "read", frame, off);
    if (!is_write)
        *val = 0;
}

/* A 64-bit register accessed whole or as a 32-bit half. */
static uint64_t reg64_read(uint64_t reg, uint32_t off, unsigned int size)
{
    if (size == 8)
        return reg;
    return (off & 4) ? reg >> 32 : (uint32_t)reg;
}

static uint64_t reg64_merge(uint64_t reg, uint32_t off, unsigned int size, uint64_t v)
{
    if (size == 8)
        return v;
    if (off & 4)
        return (reg & 0xffffffffULL) | ((v & 0xffffffffULL) << 32);
    return (reg & ~0xffffffffULL) | (v & 0xffffffffULL);
}

/* ------------------------------------------------------------ distributor */

static uint32_t dist_typer(const struct vgic_dist *vd)
{
    unsigned int cpus = vd->nr_vcpus < 8 ? vd->nr_vcpus : 8;

    /* ITLinesNumber: 32 * (N + 1) INTIDs; IDbits: 10 (no LPIs); no MBIS/LPIS. */
    return (vd->nr_spis + 31) / 32 | ((cpus - 1) << GICD_TYPER_CPUS_SHIFT) |
           ((10U - 1) << GICD_TYPER_IDBITS_SHIFT);
}

/* One of the 32-bit-only distributor registers; lock held. */
static void dist_reg32(struct vgic_dist *vd, uint32_t off, bool is_write, uint64_t *val,
                       struct vgic_kick *kick)
{
    uint32_t v = is_write ? (uint32_t)*val : 0;
    enum bitreg r;
    bool set;

    if (decode_bitreg(off, GICD_ISENABLER, &r, &set)) {
        unsigned int n = (off & 0x7f) / 4;

        /* Word 0 (SGIs/PPIs) is the redistributors' business. */
        if (n == 0)
            goto raz_wi;
        if (is_write)
            bank_write(vd, NULL, 32 * n, r, set, v, kick);
        else
            *val = bank_read(vd, NULL, 32 * n, r);
        return;
    }

    if (off >= GICD_IGROUPR && off < GICD_IGROUPR + 0x80) {
        unsigned int n = (off - GICD_IGROUPR) / 4;
        uint32_t ones = 0;

        /* Group 1, read-only, for every SPI that exists. */
        for (unsigned int i = 0; n && i < 32; i++)
            if (vgic_irq_of(vd, NULL, 32 * n + i))
                ones |= 1U << i;
        if (!is_write)
            *val = ones;
        return;
    }

    if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
        unsigned int n = (off - GICD_ICFGR) / 4;

        if (n < 2)
            goto raz_wi;
        if (is_write)
            cfg_write(vd, NULL, 16 * n, v);
        else
            *val = cfg_read(vd, NULL, 16 * n);
        return;
    }

    switch (off) {
    case GICD_CTLR:
        if (is_write) {
            bool en = !!(v & GICD_CTLR_ENABLE_G1A);

            if (en != vd->enabled) {
                vd->enabled = en;
                vgic_kick_all(vd, kick);
            }
        } else {
            *val = GICD_CTLR_ARE_NS | (vd->enabled ? GICD_CTLR_ENABLE_G1A : 0);
        }
        return;
    case GICD_TYPER:
        if (!is_write)
            *val = dist_typer(vd);
        return;
    case GICD_IIDR:
        if (!is_write)
            *val = VGIC_IIDR;
        return;
    case GICD_TYPER2:
    case GICD_STATUSR:
    case GICD_SETSPI_NSR:
    case GICD_CLRSPI_NSR:
    case GICD_SETSPI_SR:
    case GICD_CLRSPI_SR:
    case GICD_SGIR:
        goto raz_wi;
    }

    /* Group modifiers and non-secure access: RAZ/WI without security. */
    if ((off >= GICD_IGRPMODR && off < GICD_IGRPMODR + 0x80) ||
        (off >= GICD_NSACR && off < GICD_NSACR + 0x100))
        goto raz_wi;

    if (id_reg(off, &v)) {
        if (!is_write)
            *val = v;
        return;
    }

    unknown_reg(vd, "GICD", off, is_write, val);
    return;

raz_wi:
    if (!is_write)
        *val = 0;
}

bool vgic_dist_mmio(struct vgic_dist *vd, struct vcpu *v, uint32_t off,
                    bool is_write, unsigned int size, uint64_t *val)
{
    struct vgic_kick kick = { { 0 } };
    unsigned long flags;

    (void)v;
    if (is_write && size < 8)
        *val &= (1ULL << (8 * size)) - 1;

    if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
        if (!size_align_ok(off, size, SZ(1) | SZ(4))) {
            bad_access(vd, "GICD", off, is_write, size, val);
            return true;
        }
        flags = vgic_lock(vd);
        /* INTIDs below 32 come back as NULL (no vc): RAZ/WI. */
        prio_access(vd, NULL, off - GICD_IPRIORITYR, is_write, size, val, &kick);
        vgic_unlock(vd, flags);
        vgic_do_kicks(vd, &kick);
        return true;
    }

    if ((off >= GICD_ITARGETSR && off < GICD_ICFGR) ||
        (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10)) {
        /* Legacy targets and SGI pending bits: RES0 with affinity routing. */
        if (!size_align_ok(off, size, SZ(1) | SZ(4)))
            bad_access(vd, "GICD", off, is_write, size, val);
        else if (!is_write)
            *val = 0;
        return true;
    }

    if (off >= GICD_IROUTER && off < GICD_IROUTER_END) {
        unsigned int intid = (off - GICD_IROUTER) / 8;

        if (!size_align_ok(off, size, SZ(4) | SZ(8))) {
            bad_access(vd, "GICD", off, is_write, size, val);
            return true;
        }
        if (intid < VGIC_NR_PRIVATE || intid - VGIC_NR_PRIVATE >= vd->nr_spis) {
            if (!is_write)
                *val = 0;
            return true;
        }
        flags = vgic_lock(vd);
        if (is_write)
            vgic_spi_set_route(vd, intid - VGIC_NR_PRIVATE,
                               reg64_merge(vd->irouter[intid - VGIC_NR_PRIVATE], off,
                                           size, *val), &kick);
        else
            *val = reg64_read(vd->irouter[intid - VGIC_NR_PRIVATE], off, size);
        vgic_unlock(vd, flags);
        vgic_do_kicks(vd, &kick);
        return true;
    }

    if (!size_align_ok(off, size, SZ(4))) {
        bad_access(vd, "GICD", off, is_write, size, val);
        return true;
    }
    flags = vgic_lock(vd);
    dist_reg32(vd, off, is_write, val, &kick);
    vgic_unlock(vd, flags);
    vgic_do_kicks(vd, &kick);
    return true;
}

/* ------------------------------------------------------------ redistributor */

static uint64_t rdist_typer(const struct vgic_dist *vd, unsigned int id)
{
    uint64_t aff = vcpu_id_to_affinity(id);
    /* Affinity_Value = Aff3.Aff2.Aff1.Aff0 in bits 63:32. */
    uint64_t affv = (aff & 0xffffff) | (((aff >> 32) & 0xff) << 24);
    uint64_t t = (affv << 32) | ((uint64_t)id << GICR_TYPER_PROC_SHIFT);

    if (id + 1 == vd->nr_vcpus)
        t |= GICR_TYPER_LAST;
    return t;
}

/* RD_base frame. */
static void rd_frame(struct vgic_dist *vd, unsigned int id, struct vgic_cpu *vc,
                     uint32_t off, bool is_write, unsigned int size, uint64_t *val)
{
    uint32_t v;

    switch (off) {
    case GICR_TYPER:
    case GICR_TYPER + 4:
        if (!size_align_ok(off, size, SZ(4) | SZ(8)))
            break;
        if (!is_write)
            *val = reg64_read(rdist_typer(vd, id), off, size);
        return;
    case GICR_SETLPIR: case GICR_SETLPIR + 4:
    case GICR_CLRLPIR: case GICR_CLRLPIR + 4:
    case GICR_PROPBASER: case GICR_PROPBASER + 4:
    case GICR_PENDBASER: case GICR_PENDBASER + 4:
    case GICR_INVLPIR: case GICR_INVLPIR + 4:
    case GICR_INVALLR: case GICR_INVALLR + 4:
        /* No LPIs. */
        if (!size_align_ok(off, size, SZ(4) | SZ(8)))
            break;
        if (!is_write)
            *val = 0;
        return;
    }

    if (!size_align_ok(off, size, SZ(4))) {
        bad_access(vd, "GICR", off, is_write, size, val);
        return;
    }

    switch (off) {
    case GICR_CTLR:          /* no LPIs to enable, writes complete at once */
    case GICR_STATUSR:
    case GICR_SYNCR:         /* never busy */
        if (!is_write)
            *val = 0;
        return;
    case GICR_IIDR:
        if (!is_write)
            *val = VGIC_IIDR;
        return;
    case GICR_WAKER:
        if (!vc) {
            if (!is_write)
                *val = 0;
        } else if (is_write) {
            /* ChildrenAsleep follows ProcessorSleep at once. */
            vc->waker = (uint32_t)*val & GICR_WAKER_PS;
        } else {
            *val = vc->waker ? (GICR_WAKER_PS | GICR_WAKER_CA) : 0;
        }
        return;
    }

    if (id_reg(off, &v)) {
        if (!is_write)
            *val = v;
        return;
    }
    unknown_reg(vd, "GICR", off, is_write, val);
    return;
}

/* SGI_base frame, `off` relative to it. */
static void sgi_frame(struct vgic_dist *vd, struct vgic_cpu *vc, uint32_t off,
                      bool is_write, unsigned int size, uint64_t *val,
                      struct vgic_kick *kick)
{
    enum bitreg r;
    bool set;

    if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR_END) {
        if (!size_align_ok(off, size, SZ(1) | SZ(4)))
            bad_access(vd, "GICR SGI", off, is_write, size, val);
        else if (!vc)
            *val = is_write ? *val : 0;
        else
            prio_access(vd, vc, off - GICR_IPRIORITYR0, is_write, size, val, kick);
        return;
    }

    if (!size_align_ok(off, size, SZ(4))) {
        bad_access(vd, "GICR SGI", off, is_write, size, val);
        return;
    }
    if (!vc) {
        if (!is_write)
            *val = 0;
        return;
    }

    if (decode_bitreg(off, GICR_ISENABLER0, &r, &set)) {
        /* Only word 0 exists (no extended PPI range). */
        if (off & 0x7f) {
            if (!is_write)
                *val = 0;
        } else if (is_write) {
            bank_write(vd, vc, 0, r, set, (uint32_t)*val, kick);
        } else {
            *val = bank_read(vd, vc, 0, r);
        }
        return;
    }

    switch (off) {
    case GICR_IGROUPR0:
        if (!is_write)
            *val = 0xffffffffU;     /* all group 1, read-only */
        return;
    case GICR_ICFGR0:
        if (!is_write)
            *val = 0xaaaaaaaaU;     /* SGIs: edge, read-only */
        return;
    case GICR_ICFGR1:
        if (is_write)
            cfg_write(vd, vc, 16, (uint32_t)*val);
        else
            *val = cfg_read(vd, vc, 16);
        return;
    case GICR_IGRPMODR0:
    case GICR_NSACR:
        if (!is_write)
            *val = 0;
        return;
    }

    /* Extended PPI words and other reserved space of the frame. */
    if ((off >= GICR_IGROUPR0 && off < GICR_IGROUPR0 + 0x80) ||
        (off >= GICR_ICFGR0 && off < GICR_ICFGR0 + 0x100) ||
        (off >= GICR_IGRPMODR0 && off < GICR_IGRPMODR0 + 0x80)) {
        if (!is_write)
            *val = 0;
        return;
    }
    unknown_reg(vd, "GICR SGI", off, is_write, val);
}

bool vgic_rdist_mmio(struct vgic_dist *vd, unsigned int id, uint32_t off,
                     bool is_write, unsigned int size, uint64_t *val)
{
    struct vgic_kick kick = { { 0 } };
    struct vgic_cpu *vc;
    unsigned long flags;

    if (id >= vd->nr_vcpus || off >= VGIC_GICR_STRIDE)
        return false;
    if (size == 0 || size > 8 || (size & (size - 1)) || (off & (size - 1))) {
        bad_access(vd, "GICR", off, is_write, size, val);
        return true;
    }
    if (is_write && size < 8)
        *val &= (1ULL << (8 * size)) - 1;

    flags = vgic_lock(vd);
    vc = vd->vcpus[id];
    if (off >= GICR_SGI_BASE)
        sgi_frame(vd, vc, off - GICR_SGI_BASE, is_write, size, val, &kick);
    else
        rd_frame(vd, id, vc, off, is_write, size, val);
    vgic_unlock(vd, flags);
    vgic_do_kicks(vd, &kick);
    return true;
}
