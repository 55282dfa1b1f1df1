/*
 * Internals of the virtual GICv3 and virtual timer, shared by vgic.c
 * (interrupt state, injection, list-register logic), vgic-v3-dist.c
 * (distributor and redistributor MMIO emulation), vtimer.c and vgic-lr.c
 * (the only file that touches ICH_* and CNTV_* system registers).
 *
 * Not for other subsystems: they use asm/vgic.h.  The host unit tests
 * (tests/unit/vgic/) include this header and replace vgic-lr.c with fakes.
 *
 * Locking: one spinlock per domain (vgic_dist.lock, always taken with
 * IRQs masked) protects every interrupt's state, every vCPU's queue and
 * the distributor/redistributor registers.  The virtual timer of a vCPU
 * has its own lock (vtimer.lock), never held while taking the vGIC lock.
 * Nothing from the scheduler is called with either lock held.
 */
#ifndef ASM_ARM_VGIC_PRIVATE_H
#define ASM_ARM_VGIC_PRIVATE_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/list.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <public/xen.h>
#include <asm/vgic.h>
#include <asm/domain.h>
#include <xen/sched.h>

struct domain;
struct vcpu;

/* ------------------------------------------------------------ limits */

#define VGIC_NR_PRIVATE     32          /* SGIs 0-15, PPIs 16-31 */
#define VGIC_NR_SGIS        16
#define VGIC_MAX_SPIS       988         /* INTIDs 32..1019 */
#define VGIC_MAX_VCPUS      128         /* what the SGI/affinity scheme covers here */
#define VGIC_MAX_LRS        16          /* ICH_LR0..15_EL2 */
#define VGIC_MAX_APRS       4           /* ICH_AP{0,1}R0..3_EL2 */
#define VGIC_PRIO_MASK      0xf8        /* 5 priority bits: all an LR is sure to hold */
#define VGIC_MAINT_PPI      25          /* GICv3 maintenance interrupt on QEMU virt */
#define VGIC_NONE           (-1)

/* Other domains: Xen's guest layout (public/arch-arm.h GUEST_GICV3_*), as libxl writes it. */
#define VGIC_DOMU_GICD_BASE 0x03001000UL
#define VGIC_DOMU_GICR_BASE 0x03020000UL
#ifdef GUEST_GICV3_GICD_BASE
_Static_assert(VGIC_DOMU_GICD_BASE == GUEST_GICV3_GICD_BASE, "domU GICD");
_Static_assert(VGIC_DOMU_GICR_BASE == GUEST_GICV3_GICR0_BASE, "domU GICR");
_Static_assert(VGIC_GICR_STRIDE * VGIC_MAX_VCPUS == GUEST_GICV3_GICR0_SIZE, "domU GICR size");
#endif

/* ------------------------------------------------------------ GIC registers */

/* Distributor frame offsets. */
#define GICD_CTLR           0x0000
#define GICD_TYPER          0x0004
#define GICD_IIDR           0x0008
#define GICD_TYPER2         0x000c
#define GICD_STATUSR        0x0010
#define GICD_SETSPI_NSR     0x0040
#define GICD_CLRSPI_NSR     0x0048
#define GICD_SETSPI_SR      0x0050
#define GICD_CLRSPI_SR      0x0058
#define GICD_IGROUPR        0x0080
#define GICD_ISENABLER      0x0100
#define GICD_ICENABLER      0x0180
#define GICD_ISPENDR        0x0200
#define GICD_ICPENDR        0x0280
#define GICD_ISACTIVER      0x0300
#define GICD_ICACTIVER      0x0380
#define GICD_IPRIORITYR     0x0400
#define GICD_ITARGETSR      0x0800
#define GICD_ICFGR          0x0c00
#define GICD_IGRPMODR       0x0d00
#define GICD_NSACR          0x0e00
#define GICD_SGIR           0x0f00
#define GICD_CPENDSGIR      0x0f10
#define GICD_SPENDSGIR      0x0f20
#define GICD_IROUTER        0x6000
#define GICD_IROUTER_END    0x8000

/* ID registers, same place in every 64 KiB GIC frame. */
#define GIC_PIDR4           0xffd0
#define GIC_PIDR0           0xffe0
#define GIC_PIDR1           0xffe4
#define GIC_PIDR2           0xffe8
#define GIC_PIDR3           0xffec
#define GIC_CIDR0           0xfff0

#define GICD_CTLR_ENABLE_G1A (1U << 1)  /* non-secure group 1 enable */
#define GICD_CTLR_ARE_NS    (1U << 4)
#define GICD_TYPER_IDBITS_SHIFT 19
#define GICD_TYPER_CPUS_SHIFT   5
#define GICD_IROUTER_IRM    (1ULL << 31)
#define GICD_IROUTER_MASK   0xff80ffffffULL /* Aff3, IRM, Aff2, Aff1, Aff0 */

/* Redistributor: RD_base frame, SGI_base frame 64 KiB above. */
#define GICR_SGI_BASE       0x10000
#define GICR_CTLR           0x0000
#define GICR_IIDR           0x0004
#define GICR_TYPER          0x0008
#define GICR_STATUSR        0x0010
#define GICR_WAKER          0x0014
#define GICR_SETLPIR        0x0040
#define GICR_CLRLPIR        0x0048
#define GICR_PROPBASER      0x0070
#define GICR_PENDBASER      0x0078
#define GICR_INVLPIR        0x00a0
#define GICR_INVALLR        0x00b0
#define GICR_SYNCR          0x00c0
/* SGI_base frame, relative to it */
#define GICR_IGROUPR0       0x0080
#define GICR_ISENABLER0     0x0100
#define GICR_ICENABLER0     0x0180
#define GICR_ISPENDR0       0x0200
#define GICR_ICPENDR0       0x0280
#define GICR_ISACTIVER0     0x0300
#define GICR_ICACTIVER0     0x0380
#define GICR_IPRIORITYR0    0x0400
#define GICR_IPRIORITYR_END 0x0420
#define GICR_ICFGR0         0x0c00
#define GICR_ICFGR1         0x0c04
#define GICR_IGRPMODR0      0x0d00
#define GICR_NSACR          0x0e00

#define GICR_TYPER_LAST     (1ULL << 4)
#define GICR_TYPER_PROC_SHIFT 8
#define GICR_WAKER_PS       (1U << 1)   /* ProcessorSleep */
#define GICR_WAKER_CA       (1U << 2)   /* ChildrenAsleep */

/* Identification: implementer Arm (JEP106 0x43b), GIC architecture 3. */
#define VGIC_IIDR           0x0000043bU
#define VGIC_PIDR0          0x92U
#define VGIC_PIDR1          0xb4U
#define VGIC_PIDR2          0x3bU       /* ArchRev 3, JEDEC, designer bits */
#define VGIC_PIDR4          0x04U

/* ICC_SGI1R_EL1 fields. */
#define SGI1R_TARGETS(v)    ((unsigned int)((v) & 0xffff))
#define SGI1R_AFF1(v)       ((unsigned int)(((v) >> 16) & 0xff))
#define SGI1R_INTID(v)      ((unsigned int)(((v) >> 24) & 0xf))
#define SGI1R_AFF2(v)       ((unsigned int)(((v) >> 32) & 0xff))
#define SGI1R_IRM           (1ULL << 40)
#define SGI1R_RS(v)         ((unsigned int)(((v) >> 44) & 0xf))
#define SGI1R_AFF3(v)       ((unsigned int)(((v) >> 48) & 0xff))

/* ICH_LR<n>_EL2. */
#define ICH_LR_VINTID_MASK  0xffffffffULL
#define ICH_LR_PRIO_SHIFT   48
#define ICH_LR_EOI          (1ULL << 41)    /* maintenance IRQ on deactivation (HW = 0) */
#define ICH_LR_GROUP1       (1ULL << 60)
#define ICH_LR_HW           (1ULL << 61)
#define ICH_LR_PENDING      (1ULL << 62)
#define ICH_LR_ACTIVE       (1ULL << 63)

/* ICH_HCR_EL2. */
#define ICH_HCR_EN          (1ULL << 0)
#define ICH_HCR_UIE         (1ULL << 1)     /* underflow: <= 1 valid LR */
#define ICH_HCR_NPIE        (1ULL << 3)     /* no LR pending */

/* ICH_VMCR_EL2. */
#define ICH_VMCR_VENG1      (1ULL << 1)
#define ICH_VMCR_VPMR_SHIFT 24

/* ICH_VTR_EL2. */
#define ICH_VTR_LISTREGS(v) ((unsigned int)((v) & 0x1f) + 1)
#define ICH_VTR_PREBITS(v)  ((unsigned int)(((v) >> 26) & 7) + 1)

/* ICC_SRE_EL1: system-register interface (what a GICv3 guest needs). */
#define VGIC_SRE_EL1_INIT   0x1ULL

/* CNTV_CTL_EL0 (same as asm/sysregs.h CNT_CTL_*, repeated for host tests). */
#define VT_CTL_ENABLE       (1ULL << 0)
#define VT_CTL_IMASK        (1ULL << 1)
#define VT_CTL_ISTATUS      (1ULL << 2)

/* ------------------------------------------------------------ state */

/* One virtual interrupt. */
struct vgic_irq {
    struct list_node link;      /* on the queue of vcpu `queued_on` */
    uint16_t intid;
    int16_t target;             /* vCPU it is routed to, VGIC_NONE if nowhere */
    int16_t queued_on;          /* vCPU whose queue holds it, VGIC_NONE */
    int8_t lr;                  /* list register while loaded, VGIC_NONE */
    uint8_t priority;           /* masked with VGIC_PRIO_MASK */
    bool enabled;
    bool pending;               /* latched, not (or no longer) in an LR */
    bool active;
    bool edge;                  /* ICFGR: edge (true) or level */
    bool drop_pending;          /* ICPENDR while in an LR: ignore its P bit at sync */
    bool drop_active;           /* ICACTIVER while in an LR: ignore its A bit */
};

/* The virtual timer of one vCPU. */
struct vtimer {
    spinlock_t lock;
    struct vcpu *v;
    struct timer timer;         /* wakes the vCPU while it is not running */
    uint64_t ctl;               /* CNTV_CTL_EL0 while not loaded */
    uint64_t cval;              /* CNTV_CVAL_EL0 while not loaded */
    bool masked_by_us;          /* IMASK is set by us, not the guest */
    bool loaded;                /* its state is in the hardware (this pCPU) */
    bool initialised;
};

/* Per vCPU: redistributor, private interrupts, queue, saved ICH_* state. */
struct vgic_cpu {
    struct vgic_dist *dist;
    struct vcpu *v;
    unsigned int id;
    uint64_t mpidr;             /* vcpu_id_to_affinity(): Aff0 = id % 16, Aff1 = id / 16 */

    struct vgic_irq priv[VGIC_NR_PRIVATE];
    struct list_node queue;     /* pending or active interrupts routed here */
    uint32_t waker;             /* GICR_WAKER.ProcessorSleep */

    /* List registers as loaded by the last flush (on this vCPU's pCPU). */
    bool lrs_loaded;
    unsigned int nr_lrs_used;
    struct vgic_irq *lr_irq[VGIC_MAX_LRS];
    uint64_t lr_val[VGIC_MAX_LRS];  /* what the flush wrote */
    bool hcr_uie;               /* the flush set ICH_HCR_EL2.UIE (else it is plain En) */

    /* ICH_* and ICC_SRE_EL1 while the vCPU is switched out. */
    uint64_t vmcr;
    uint64_t sre_el1;
    uint64_t ap0r[VGIC_MAX_APRS];
    uint64_t ap1r[VGIC_MAX_APRS];
    bool hw_loaded;             /* VMCR/APRs are in the hardware now */

    struct vtimer vtimer;
};

/* Per domain: distributor and the vCPUs' redistributors. */
struct vgic_dist {
    spinlock_t lock;
    struct domain *d;
    bool enabled;               /* GICD_CTLR.EnableGrp1A */
    paddr_t gicd_base;          /* guest-physical frames (dom0: host-like layout, */
    paddr_t gicr_base;          /* other domains: public/arch-arm.h GUEST_GICV3_*) */
    unsigned int nr_spis;       /* a multiple of 32 */
    unsigned int nr_vcpus;      /* redistributor frames: d->max_vcpus */
    struct vgic_irq *spis;      /* [nr_spis], INTID 32 + index */
    uint64_t *irouter;          /* [nr_spis] */
    struct vgic_cpu **vcpus;    /* [nr_vcpus], NULL until vgic_vcpu_init() */
    unsigned long warned;       /* VGIC_WARN_* already printed once */
};

#define VGIC_WARN_BAD_ACCESS    (1UL << 0)
#define VGIC_WARN_UNKNOWN_REG   (1UL << 1)
#define VGIC_WARN_BAD_INJECT    (1UL << 2)
#define VGIC_WARN_LR_OVERFLOW   (1UL << 3)

/* vCPUs to kick once the lock is dropped. */
struct vgic_kick {
    unsigned long mask[VGIC_MAX_VCPUS / (8 * sizeof(unsigned long))];
};

/* ------------------------------------------------------------ vgic.c */

static inline struct vgic_dist *vgic_dist_of(const struct domain *d)
{
    return d && d->arch ? (struct vgic_dist *)d->arch->vgic : NULL;
}

static inline struct vgic_cpu *vgic_cpu_of(const struct vcpu *v)
{
    return v && v->arch ? (struct vgic_cpu *)v->arch->vgic : NULL;
}

/* vCPU id of an affinity (vcpu_id_to_affinity() in asm/domain.h), VGIC_NONE if none. */
int vgic_affinity_to_vcpu(const struct vgic_dist *vd, uint64_t aff);

/* INTID -> state (private ones from vc), NULL if out of range. */
struct vgic_irq *vgic_irq_of(struct vgic_dist *vd, struct vgic_cpu *vc,
                             unsigned int intid);

/*
 * After any change of an interrupt's state (lock held): queue it on its
 * target, take it off when idle, note who must look at it.
 */
void vgic_irq_update(struct vgic_dist *vd, struct vgic_irq *irq,
                     struct vgic_kick *kick);
/* Set/clear an interrupt's pending/active state from a register write. */
void vgic_irq_set_pending(struct vgic_dist *vd, struct vgic_irq *irq, bool set,
                          struct vgic_kick *kick);
void vgic_irq_set_active(struct vgic_dist *vd, struct vgic_irq *irq, bool set,
                         struct vgic_kick *kick);
void vgic_irq_set_enabled(struct vgic_dist *vd, struct vgic_irq *irq, bool set,
                          struct vgic_kick *kick);
void vgic_spi_set_route(struct vgic_dist *vd, unsigned int spi, uint64_t irouter,
                        struct vgic_kick *kick);
void vgic_kick_all(struct vgic_dist *vd, struct vgic_kick *kick);

/* Kick (lock dropped): wake blocked vCPUs, IPI running ones. */
void vgic_do_kicks(struct vgic_dist *vd, const struct vgic_kick *kick);

/* Lock helpers (IRQs masked while held). */
unsigned long vgic_lock(struct vgic_dist *vd);
void vgic_unlock(struct vgic_dist *vd, unsigned long flags);

/* Print `fmt` once per domain for warning class `bit`. */
void vgic_warn_once(struct vgic_dist *vd, unsigned long bit, const char *fmt, ...)
    __printf(3, 4);

/* ------------------------------------------------------------ vgic-v3-dist.c */

bool vgic_dist_mmio(struct vgic_dist *vd, struct vcpu *v, uint32_t off,
                    bool is_write, unsigned int size, uint64_t *val);
bool vgic_rdist_mmio(struct vgic_dist *vd, unsigned int id, uint32_t off,
                     bool is_write, unsigned int size, uint64_t *val);

/* ------------------------------------------------------------ vtimer.c */

/* After the vCPU's LRs are read back: unmask the timer once the guest is done. */
void vtimer_sync(struct vgic_cpu *vc);
void vtimer_cpu_destroy(struct vgic_cpu *vc);

/* ------------------------------------------------------------ vgic-lr.c (hardware) */

uint64_t vgic_hw_read_vtr(void);
uint64_t vgic_hw_read_lr(unsigned int n);
void vgic_hw_write_lr(unsigned int n, uint64_t val);
void vgic_hw_write_hcr(uint64_t val);
uint64_t vgic_hw_read_hcr(void);
uint64_t vgic_hw_read_vmcr(void);
void vgic_hw_write_vmcr(uint64_t val);
uint64_t vgic_hw_read_apr(unsigned int group, unsigned int n);
void vgic_hw_write_apr(unsigned int group, unsigned int n, uint64_t val);
uint64_t vgic_hw_read_sre_el1(void);
void vgic_hw_write_sre_el1(uint64_t val);
void vgic_hw_sync(void);                    /* isb */
void vgic_hw_enable_ppi(unsigned int intid); /* this pCPU's redistributor */

uint64_t vtimer_hw_read_ctl(void);
void vtimer_hw_write_ctl(uint64_t val);
uint64_t vtimer_hw_read_cval(void);
void vtimer_hw_write_cval(uint64_t val);
uint64_t vtimer_hw_read_count(void);         /* CNTVCT_EL0 */
uint64_t vtimer_hw_counter_hz(void);

#endif /* ASM_ARM_VGIC_PRIVATE_H */
