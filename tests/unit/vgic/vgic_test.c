/*
 * Host unit tests of the virtual GICv3 and virtual timer (xen/arch/arm/
 * vgic.c, vgic-v3-dist.c, vtimer.c) over the fake arch, under ASan and
 * UBSan.  vgic-lr.c (the system registers) is replaced by a fake GIC
 * virtual CPU interface and virtual timer per fake CPU; the scheduler's
 * vcpu_unblock() and the arch's arch_vcpu_kick() just count.
 *
 * Covered: every distributor/redistributor register the guest can use,
 * reserved space and malformed accesses (sizes, alignment, offsets) as
 * RAZ/WI, SGI emulation, list-register loading by priority with
 * underflow maintenance, read-back of what the guest did, wake-ups, the
 * virtual timer's mask/inject/unmask cycle and its hypervisor timer, a
 * random fuzz with invariant checks, and concurrent injection.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <xen/errno.h>
#include <asm/vgic-private.h>
#include "fake_arch.h"

#include "../check.h"

static __thread uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* ================================================================ fakes */

void *_xmalloc(size_t size, size_t align) { (void)align; return malloc(size ? size : 1); }
void *_xzalloc(size_t size, size_t align) { (void)align; return calloc(1, size ? size : 1); }
void *_xmalloc_array(size_t size, size_t align, size_t n)
{
    (void)align;
    return n && size > SIZE_MAX / n ? NULL : malloc(size * n > 0 ? size * n : 1);
}
void *_xzalloc_array(size_t size, size_t align, size_t n)
{
    (void)align;
    return n && size > SIZE_MAX / n ? NULL : calloc(1, size * n > 0 ? size * n : 1);
}
void xfree(void *p) { free(p); }

#define MAXV 8
static unsigned long wakes[MAXV], kicks[MAXV];

void vcpu_unblock(struct vcpu *v)
{
    if (test_and_clear_bit(VPF_BLOCKED, &v->pause_flags))
        __atomic_fetch_add(&wakes[v->vcpu_id % MAXV], 1, __ATOMIC_RELAXED);
}
void arch_vcpu_kick(struct vcpu *v) { __atomic_fetch_add(&kicks[v->vcpu_id % MAXV], 1, __ATOMIC_RELAXED); }

/* One fake GIC virtual CPU interface and virtual timer per fake CPU. */
#define FAKE_NR_LRS 4
static struct fake_hw {
    uint64_t lr[VGIC_MAX_LRS];
    uint64_t hcr, vmcr, apr[2][VGIC_MAX_APRS], sre;
    uint64_t cntv_ctl, cntv_cval;
    bool ppi_on[32];
    unsigned long bad;          /* accesses to registers that do not exist */
    unsigned long lr_writes, hcr_writes;
} hw[NR_CPUS];
static uint64_t fake_vtr = 0x90b80003;   /* QEMU cortex-a57: 4 LRs, 5 bits */

#define HW (hw[fake_get_cpu()])

uint64_t vgic_hw_read_vtr(void) { return fake_vtr; }
uint64_t vgic_hw_read_lr(unsigned int n)
{
    if (n >= FAKE_NR_LRS) { HW.bad++; return 0; }
    return HW.lr[n];
}
void vgic_hw_write_lr(unsigned int n, uint64_t val)
{
    if (n >= FAKE_NR_LRS) { HW.bad++; return; }
    HW.lr[n] = val;
    HW.lr_writes++;
}
void vgic_hw_write_hcr(uint64_t val) { HW.hcr = val; HW.hcr_writes++; }
uint64_t vgic_hw_read_hcr(void) { return HW.hcr; }
uint64_t vgic_hw_read_vmcr(void) { return HW.vmcr; }
void vgic_hw_write_vmcr(uint64_t val) { HW.vmcr = val; }
uint64_t vgic_hw_read_apr(unsigned int g, unsigned int n)
{
    if (g > 1 || n >= 1) { HW.bad++; return 0; }
    return HW.apr[g][n];
}
void vgic_hw_write_apr(unsigned int g, unsigned int n, uint64_t val)
{
    if (g > 1 || n >= 1) { HW.bad++; return; }
    HW.apr[g][n] = val;
}
uint64_t vgic_hw_read_sre_el1(void) { return HW.sre; }
void vgic_hw_write_sre_el1(uint64_t val) { HW.sre = val; }
void vgic_hw_sync(void) { }
void vgic_hw_enable_ppi(unsigned int intid) { if (intid < 32) HW.ppi_on[intid] = true; }

/* The counter runs at 62.5 MHz: 16 ns per tick, from the fake clock. */
uint64_t vtimer_hw_read_count(void) { return fake_clock() / 16; }
uint64_t vtimer_hw_counter_hz(void) { return 62500000; }
uint64_t vtimer_hw_read_ctl(void)
{
    uint64_t c = HW.cntv_ctl & (VT_CTL_ENABLE | VT_CTL_IMASK);

    if ((c & VT_CTL_ENABLE) && vtimer_hw_read_count() >= HW.cntv_cval)
        c |= VT_CTL_ISTATUS;
    return c;
}
void vtimer_hw_write_ctl(uint64_t val) { HW.cntv_ctl = val & (VT_CTL_ENABLE | VT_CTL_IMASK); }
uint64_t vtimer_hw_read_cval(void) { return HW.cntv_cval; }
void vtimer_hw_write_cval(uint64_t val) { HW.cntv_cval = val; }

/* ================================================================ helpers */

static struct domain *dom;
static struct vcpu *vcpus[MAXV];

static struct domain *make_domain(domid_t id, unsigned int nr_vcpus)
{
    struct domain *d = calloc(1, sizeof(*d));

    d->domain_id = id;
    d->max_vcpus = nr_vcpus;
    d->vcpu = calloc(nr_vcpus, sizeof(*d->vcpu));
    d->arch = calloc(1, sizeof(*d->arch));
    return d;
}

static struct vcpu *make_vcpu(struct domain *d, unsigned int id)
{
    struct vcpu *v = calloc(1, sizeof(*v));

    v->vcpu_id = id;
    v->domain = d;
    v->processor = id % NR_CPUS;
    v->arch = calloc(1, sizeof(*v->arch));
    d->vcpu[id] = v;
    return v;
}

static void free_domain(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        if (d->vcpu[i])
            free(d->vcpu[i]->arch);
        free(d->vcpu[i]);
    }
    free(d->vcpu);
    free(d->arch);
    free(d);
}

static void reset_world(void)
{
    fake_reset();
    softirq_init();
    timer_init();
    smp_init();
    memset(hw, 0, sizeof(hw));
    memset(wakes, 0, sizeof(wakes));
    memset(kicks, 0, sizeof(kicks));
}

/* dom0-like: 4 vCPUs, 64 SPIs, vGIC and timers set up. */
static void setup(unsigned int nr_vcpus, unsigned int nr_spis)
{
    reset_world();
    dom = make_domain(0, nr_vcpus);
    CHECK(vgic_domain_init(dom, nr_spis) == 0, "domain init");
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        vcpus[i] = make_vcpu(dom, i);
        CHECK(vgic_vcpu_init(vcpus[i]) == 0, "vcpu %u init", i);
        CHECK(vtimer_vcpu_init(vcpus[i]) == 0, "vtimer %u init", i);
    }
}

static void teardown(void)
{
    for (unsigned int i = 0; i < dom->max_vcpus; i++) {
        vtimer_vcpu_destroy(vcpus[i]);
        vgic_vcpu_destroy(vcpus[i]);
    }
    vgic_domain_destroy(dom);
    free_domain(dom);
    dom = NULL;
}

static struct vgic_dist *VD(void) { return vgic_dist_of(dom); }

static uint64_t gicd_r(unsigned int off, unsigned int size)
{
    uint64_t v = 0xdeadbeefdeadbeefULL;

    CHECK(vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE + off, false, size, &v),
          "GICD read %#x not handled", off);
    return v;
}

static void gicd_w(unsigned int off, unsigned int size, uint64_t v)
{
    CHECK(vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE + off, true, size, &v),
          "GICD write %#x not handled", off);
}

static uint64_t gicr_r(unsigned int id, unsigned int off, unsigned int size)
{
    uint64_t v = 0xdeadbeefdeadbeefULL;

    CHECK(vgic_mmio_access(vcpus[0], DOM0_VGICR_BASE + (paddr_t)id * VGIC_GICR_STRIDE + off,
                           false, size, &v), "GICR%u read %#x not handled", id, off);
    return v;
}

static void gicr_w(unsigned int id, unsigned int off, unsigned int size, uint64_t v)
{
    CHECK(vgic_mmio_access(vcpus[0], DOM0_VGICR_BASE + (paddr_t)id * VGIC_GICR_STRIDE + off,
                           true, size, &v), "GICR%u write %#x not handled", id, off);
}

#define SGI(off) (GICR_SGI_BASE + (off))

/* Run vCPU `id` on its fake CPU: restore, flush; the caller plays the guest. */
static void enter(unsigned int id)
{
    fake_set_cpu(vcpus[id]->processor);
    vgic_restore_state(vcpus[id]);
    vtimer_restore(vcpus[id]);
    vgic_flush_lrs(vcpus[id]);
}

static void leave(unsigned int id)
{
    fake_set_cpu(vcpus[id]->processor);
    vgic_sync_lrs(vcpus[id]);
    vtimer_save(vcpus[id]);
    vgic_save_state(vcpus[id]);
    fake_set_cpu(0);
}

/* The LR of vCPU id (its CPU) holding `intid`, or -1. */
static int lr_of(unsigned int id, unsigned int intid)
{
    struct fake_hw *h = &hw[vcpus[id]->processor];

    for (int i = 0; i < FAKE_NR_LRS; i++)
        if ((h->lr[i] >> 62) && (h->lr[i] & 0xffffffff) == intid)
            return i;
    return -1;
}

/* The guest acknowledges (P -> A) and/or deactivates (A -> inactive) an LR. */
static void guest_ack(unsigned int id, int lr)
{
    uint64_t *l = &hw[vcpus[id]->processor].lr[lr];

    *l = (*l & ~(3ULL << 62)) | ICH_LR_ACTIVE;
}

static void guest_eoi(unsigned int id, int lr)
{
    hw[vcpus[id]->processor].lr[lr] &= ~(3ULL << 62);
}

/* Structural invariants of the queues and LR bookkeeping. */
static void check_invariants(const char *where)
{
    struct vgic_dist *vd = VD();
    unsigned int queued_total = 0, listed_total = 0;

    for (unsigned int c = 0; c < vd->nr_vcpus; c++) {
        struct vgic_cpu *vc = vd->vcpus[c];

        if (!vc)
            continue;
        for (struct list_node *n = vc->queue.next; n != &vc->queue; n = n->next) {
            struct vgic_irq *irq = container_of(n, struct vgic_irq, link);

            listed_total++;
            CHECK(irq->queued_on == (int)c, "%s: INTID %u on queue %u says %d",
                  where, irq->intid, c, irq->queued_on);
        }
    }
    for (unsigned int i = 0; i < vd->nr_spis + vd->nr_vcpus * 32; i++) {
        struct vgic_irq *irq;
        bool loaded_somewhere = false;

        if (i < vd->nr_spis) {
            irq = &vd->spis[i];
        } else {
            struct vgic_cpu *vc = vd->vcpus[(i - vd->nr_spis) / 32];

            if (!vc)
                continue;
            irq = &vc->priv[(i - vd->nr_spis) % 32];
        }
        if (irq->queued_on != VGIC_NONE) {
            queued_total++;
            CHECK(list_is_linked(&irq->link), "%s: INTID %u queued but unlinked", where, irq->intid);
            loaded_somewhere = vd->vcpus[irq->queued_on]->lrs_loaded;
        } else {
            CHECK(!list_is_linked(&irq->link), "%s: INTID %u linked, not queued", where, irq->intid);
        }
        if (irq->lr != VGIC_NONE)
            CHECK(loaded_somewhere && vd->vcpus[irq->queued_on]->lr_irq[irq->lr] == irq,
                  "%s: INTID %u claims LR %d", where, irq->intid, irq->lr);
        if (irq->lr == VGIC_NONE && !irq->pending && !irq->active)
            CHECK(irq->queued_on == VGIC_NONE, "%s: idle INTID %u still queued", where, irq->intid);
        if ((irq->pending || irq->active) && irq->target != VGIC_NONE &&
            vd->vcpus[irq->target])
            CHECK(irq->queued_on != VGIC_NONE, "%s: busy INTID %u not queued", where, irq->intid);
        CHECK(!(irq->priority & ~VGIC_PRIO_MASK), "%s: INTID %u priority %#x", where,
              irq->intid, irq->priority);
    }
    CHECK(queued_total == listed_total, "%s: %u queued, %u on lists", where, queued_total,
          listed_total);
    /* The flush's fast path relies on it: an LR no vCPU uses is zero. */
    for (unsigned int c = 0; c < NR_CPUS; c++) {
        unsigned int used = 0;

        for (unsigned int i = 0; i < vd->nr_vcpus; i++) {
            struct vgic_cpu *vc = vd->vcpus[i];

            if (vc && vc->lrs_loaded && vc->v->processor == c && vc->nr_lrs_used > used)
                used = vc->nr_lrs_used;
        }
        for (unsigned int i = used; i < FAKE_NR_LRS; i++)
            CHECK(hw[c].lr[i] == 0, "%s: CPU %u LR%u %#llx unused but not zero", where, c, i,
                  (unsigned long long)hw[c].lr[i]);
    }
}

/* ================================================================ tests */

static void test_init_errors(void)
{
    struct domain *d;
    struct vcpu *v;

    reset_world();
    d = make_domain(7, 2);
    CHECK(vgic_domain_init(d, 989) == -EINVAL, "too many SPIs");
    CHECK(vgic_domain_init(d, 32) == 0, "init");
    CHECK(vgic_domain_init(d, 32) == -EEXIST, "double init");
    v = make_vcpu(d, 0);
    CHECK(vtimer_vcpu_init(v) == -EINVAL, "vtimer before vgic vcpu");
    CHECK(vgic_vcpu_init(v) == 0, "vcpu init");
    CHECK(vgic_vcpu_init(v) == -EEXIST, "vcpu double init");
    CHECK(vtimer_vcpu_init(v) == 0, "vtimer init");
    CHECK(vtimer_vcpu_init(v) == -EEXIST, "vtimer double init");

    /* Not dom0: Xen's guest layout. */
    {
        uint64_t val = 0;

        CHECK(!vgic_mmio_access(v, DOM0_VGICD_BASE, false, 4, &val), "dom0 base on a domU");
        CHECK(vgic_mmio_access(v, VGIC_DOMU_GICD_BASE + GIC_PIDR2, false, 4, &val) &&
              (val & 0xf0) == 0x30, "domU GICD PIDR2");
        CHECK(vgic_mmio_access(v, VGIC_DOMU_GICR_BASE + GICR_TYPER, false, 8, &val) &&
              (val & GICR_TYPER_LAST) == 0, "domU GICR0 TYPER (2 vCPUs, not last)");
    }
    /* Domain destroy also destroys the vCPU state left behind. */
    vgic_domain_destroy(d);
    CHECK(vgic_dist_of(d) == NULL && vgic_cpu_of(v) == NULL && !v->arch->vtimer, "gone");
    vgic_inject_irq(v, 40);          /* no state: ignored */
    vgic_flush_lrs(v);
    vgic_sync_lrs(v);
    CHECK(!vgic_vcpu_pending_irq(v), "no state, nothing pending");
    free_domain(d);

    /* vCPU limits. */
    d = make_domain(8, VGIC_MAX_VCPUS + 1);
    CHECK(vgic_domain_init(d, 0) == -EINVAL, "too many vCPUs");
    free_domain(d);
    d = make_domain(9, 1);
    CHECK(vgic_domain_init(d, 0) == 0, "no SPIs");
    v = make_vcpu(d, 0);
    CHECK(vgic_vcpu_init(v) == 0, "vcpu");
    {
        struct vcpu *bad = make_vcpu(d, 0);

        bad->vcpu_id = 5;
        CHECK(vgic_vcpu_init(bad) == -EINVAL, "vcpu id beyond max_vcpus");
        free(bad->arch);
        free(bad);
        d->vcpu[0] = v;
    }
    vgic_domain_destroy(d);
    free_domain(d);
}

static void test_id_registers(void)
{
    setup(4, 64);
    CHECK(gicd_r(GICD_CTLR, 4) == GICD_CTLR_ARE_NS, "CTLR reset %#llx",
          (unsigned long long)gicd_r(GICD_CTLR, 4));
    {
        uint64_t t = gicd_r(GICD_TYPER, 4);

        CHECK((t & 0x1f) == 2, "TYPER ITLinesNumber %llu", (unsigned long long)(t & 0x1f));
        CHECK(((t >> 5) & 7) == 3, "TYPER CPUNumber");
        CHECK(((t >> 19) & 0x1f) == 9, "TYPER IDbits");
        CHECK(!(t & (1U << 16)) && !(t & (1U << 17)), "no MBIS, no LPIS");
    }
    CHECK(gicd_r(GICD_IIDR, 4) == VGIC_IIDR, "IIDR");
    CHECK((gicd_r(GIC_PIDR2, 4) & 0xf0) == 0x30, "GICD PIDR2 arch 3");
    CHECK(gicd_r(GIC_CIDR0, 4) == 0x0d && gicd_r(GIC_CIDR0 + 12, 4) == 0xb1, "CIDR");

    gicd_w(GICD_CTLR, 4, 0xffffffff);
    CHECK(gicd_r(GICD_CTLR, 4) == (GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A), "CTLR enable");
    CHECK(VD()->enabled, "enabled");
    gicd_w(GICD_CTLR, 4, 0);
    CHECK(gicd_r(GICD_CTLR, 4) == GICD_CTLR_ARE_NS, "ARE stays, group off");
    gicd_w(GICD_TYPER, 4, 0);
    CHECK((gicd_r(GICD_TYPER, 4) & 0x1f) == 2, "TYPER read-only");

    for (unsigned int i = 0; i < 4; i++) {
        uint64_t t = gicr_r(i, GICR_TYPER, 8);

        CHECK(t >> 32 == i, "GICR%u affinity %#llx", i, (unsigned long long)(t >> 32));
        CHECK(((t >> 8) & 0xffff) == i, "GICR%u processor number", i);
        CHECK(!!(t & GICR_TYPER_LAST) == (i == 3), "GICR%u Last", i);
        CHECK(gicr_r(i, GICR_TYPER, 4) == (uint32_t)t, "GICR%u TYPER low half", i);
        CHECK(gicr_r(i, GICR_TYPER + 4, 4) == t >> 32, "GICR%u TYPER high half", i);
        CHECK((gicr_r(i, GIC_PIDR2, 4) & 0xf0) == 0x30, "GICR%u PIDR2", i);
        CHECK(gicr_r(i, GICR_IIDR, 4) == VGIC_IIDR, "GICR IIDR");
        CHECK(gicr_r(i, GICR_CTLR, 4) == 0, "GICR CTLR");
        /* Wake-up handshake. */
        CHECK(gicr_r(i, GICR_WAKER, 4) == (GICR_WAKER_PS | GICR_WAKER_CA), "asleep at reset");
        gicr_w(i, GICR_WAKER, 4, 0);
        CHECK(gicr_r(i, GICR_WAKER, 4) == 0, "awake");
        gicr_w(i, GICR_WAKER, 4, GICR_WAKER_PS | 0x1);
        CHECK(gicr_r(i, GICR_WAKER, 4) == (GICR_WAKER_PS | GICR_WAKER_CA), "asleep again");
        gicr_w(i, GICR_WAKER, 4, 0);
        CHECK(gicr_r(i, SGI(GICR_IGROUPR0), 4) == 0xffffffff, "group 1");
        gicr_w(i, SGI(GICR_IGROUPR0), 4, 0);
        CHECK(gicr_r(i, SGI(GICR_IGROUPR0), 4) == 0xffffffff, "group RO");
        CHECK(gicr_r(i, SGI(GICR_ICFGR0), 4) == 0xaaaaaaaa, "SGIs edge");
        gicr_w(i, SGI(GICR_ICFGR0), 4, 0);
        CHECK(gicr_r(i, SGI(GICR_ICFGR0), 4) == 0xaaaaaaaa, "SGI cfg RO");
        CHECK(gicr_r(i, SGI(GICR_ISENABLER0), 4) == 0xffff, "SGIs enabled at reset");
    }
    /* Beyond the last redistributor: not ours. */
    {
        uint64_t v = 0;

        CHECK(!vgic_mmio_access(vcpus[0], DOM0_VGICR_BASE + 4 * VGIC_GICR_STRIDE, false, 4, &v),
              "GICR past the last vCPU");
        CHECK(!vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE - 4, false, 4, &v), "below GICD");
        CHECK(!vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE + DOM0_VGICD_SIZE, false, 4, &v),
              "above GICD");
        CHECK(!vgic_mmio_access(vcpus[0], 0, false, 4, &v), "address 0");
        CHECK(!vgic_mmio_access(vcpus[0], ~0ULL, false, 4, &v), "address max");
        CHECK(vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE, false, 4, NULL), "NULL val tolerated");
    }
    /* IGROUPR: group 1 for existing SPIs, nothing else. */
    CHECK(gicd_r(GICD_IGROUPR, 4) == 0, "IGROUPR0 RAZ");
    CHECK(gicd_r(GICD_IGROUPR + 4, 4) == 0xffffffff, "IGROUPR1");
    CHECK(gicd_r(GICD_IGROUPR + 8, 4) == 0xffffffff, "IGROUPR2");
    CHECK(gicd_r(GICD_IGROUPR + 12, 4) == 0, "IGROUPR3 (no SPIs)");
    teardown();
}

static void test_bit_registers(void)
{
    static const unsigned int set_regs[3] = { GICD_ISENABLER, GICD_ISPENDR, GICD_ISACTIVER };

    setup(4, 64);
    for (unsigned int r = 0; r < 3; r++) {
        unsigned int s = set_regs[r], c = s + 0x80;

        /* Word 0 belongs to the redistributors. */
        gicd_w(s, 4, 0xffffffff);
        CHECK(gicd_r(s, 4) == 0 && gicd_r(c, 4) == 0, "GICD %#x word 0 RAZ/WI", s);
        gicd_w(s + 4, 4, 0x80000001);
        CHECK(gicd_r(s + 4, 4) == 0x80000001, "GICD %#x set", s);
        CHECK(gicd_r(c + 4, 4) == 0x80000001, "GICD %#x seen through clear reg", c);
        gicd_w(s + 8, 4, 0xffffffff);
        gicd_w(c + 4, 4, 0x00000001);
        CHECK(gicd_r(s + 4, 4) == 0x80000000, "GICD %#x clear", c);
        CHECK(gicd_r(s + 8, 4) == 0xffffffff, "GICD %#x word 2", s);
        /* Beyond nr_spis. */
        gicd_w(s + 12, 4, 0xffffffff);
        CHECK(gicd_r(s + 12, 4) == 0, "GICD %#x word 3 RAZ", s);
        gicd_w(c + 4, 4, 0xffffffff);
        gicd_w(c + 8, 4, 0xffffffff);
        CHECK(gicd_r(s + 4, 4) == 0 && gicd_r(s + 8, 4) == 0, "all clear");

        /* Redistributor word 0. */
        gicr_w(2, SGI(s), 4, 0x08000002);
        CHECK((gicr_r(2, SGI(s), 4) & 0x08000002) == 0x08000002, "GICR %#x set", s);
        gicr_w(2, SGI(c), 4, 0xffffffff);
        CHECK(gicr_r(2, SGI(s), 4) == 0, "GICR %#x cleared", s);
        CHECK(gicr_r(2, SGI(s + 4), 4) == 0, "GICR %#x word 1 RAZ", s);
    }
    check_invariants("bits");

    /* Config: SPIs and PPIs writable (edge bits only), GICD 0/1 RAZ/WI. */
    gicd_w(GICD_ICFGR, 4, 0xffffffff);
    gicd_w(GICD_ICFGR + 4, 4, 0xffffffff);
    CHECK(gicd_r(GICD_ICFGR, 4) == 0 && gicd_r(GICD_ICFGR + 4, 4) == 0, "GICD ICFGR0/1 RAZ");
    gicd_w(GICD_ICFGR + 8, 4, 0xffffffff);
    CHECK(gicd_r(GICD_ICFGR + 8, 4) == 0xaaaaaaaa, "ICFGR2 edge bits only");
    gicd_w(GICD_ICFGR + 8, 4, 0x00000008);
    CHECK(gicd_r(GICD_ICFGR + 8, 4) == 0x00000008, "ICFGR2 one edge");
    gicd_w(GICD_ICFGR + 24, 4, 0xffffffff);
    CHECK(gicd_r(GICD_ICFGR + 24, 4) == 0, "ICFGR beyond SPIs");
    gicr_w(1, SGI(GICR_ICFGR1), 4, 0x20000000);
    CHECK(gicr_r(1, SGI(GICR_ICFGR1), 4) == 0x20000000, "PPI 30 edge");
    CHECK(gicr_r(0, SGI(GICR_ICFGR1), 4) == 0, "other vCPU's PPIs untouched");
    teardown();
}

static void test_priority_and_routing(void)
{
    setup(4, 64);
    /* Bytes and words; low 3 bits are not implemented. */
    gicd_w(GICD_IPRIORITYR + 32, 4, 0xa0b1c2d3);
    CHECK(gicd_r(GICD_IPRIORITYR + 32, 4) == 0xa0b0c0d0, "word %#llx",
          (unsigned long long)gicd_r(GICD_IPRIORITYR + 32, 4));
    gicd_w(GICD_IPRIORITYR + 35, 1, 0x18);
    CHECK(gicd_r(GICD_IPRIORITYR + 35, 1) == 0x18, "byte");
    CHECK(gicd_r(GICD_IPRIORITYR + 32, 4) == 0x18b0c0d0, "byte within word");
    gicd_w(GICD_IPRIORITYR, 4, 0xffffffff);
    CHECK(gicd_r(GICD_IPRIORITYR, 4) == 0, "GICD priorities of private INTIDs RAZ");
    gicd_w(GICD_IPRIORITYR + 96, 4, 0xffffffff);
    CHECK(gicd_r(GICD_IPRIORITYR + 96, 4) == 0, "beyond nr_spis");
    gicr_w(3, SGI(GICR_IPRIORITYR0 + 27), 1, 0x80);
    CHECK(gicr_r(3, SGI(GICR_IPRIORITYR0 + 24), 4) == 0x80000000, "PPI 27 priority");
    CHECK(VD()->vcpus[3]->priv[27].priority == 0x80, "state");

    /* IROUTER: whole and halves, affinity to vCPU, invalid, any-PE. */
    CHECK(gicd_r(GICD_IROUTER + 8 * 40, 8) == 0, "reset route");
    gicd_w(GICD_IROUTER + 8 * 40, 8, 2);
    CHECK(gicd_r(GICD_IROUTER + 8 * 40, 8) == 2, "route 64");
    CHECK(VD()->spis[8].target == 2, "target vCPU 2");
    gicd_w(GICD_IROUTER + 8 * 40, 4, 3);
    CHECK(gicd_r(GICD_IROUTER + 8 * 40, 4) == 3 && VD()->spis[8].target == 3, "route low half");
    gicd_w(GICD_IROUTER + 8 * 40 + 4, 4, 0x1);
    CHECK(gicd_r(GICD_IROUTER + 8 * 40, 8) == 0x100000003ULL, "Aff3 in high half");
    CHECK(VD()->spis[8].target == VGIC_NONE, "Aff3 1: nobody");
    gicd_w(GICD_IROUTER + 8 * 40, 8, GICD_IROUTER_IRM | 3);
    CHECK(VD()->spis[8].target == 0, "IRM: vCPU 0");
    gicd_w(GICD_IROUTER + 8 * 40, 8, ~0ULL);
    CHECK(gicd_r(GICD_IROUTER + 8 * 40, 8) == GICD_IROUTER_MASK, "reserved bits RAZ");
    gicd_w(GICD_IROUTER + 8 * 41, 8, 0x10);         /* Aff0 16: no such vCPU */
    CHECK(VD()->spis[9].target == VGIC_NONE, "Aff0 16");
    gicd_w(GICD_IROUTER + 8 * 5, 8, 1);
    CHECK(gicd_r(GICD_IROUTER + 8 * 5, 8) == 0, "IROUTER of a PPI RAZ/WI");
    gicd_w(GICD_IROUTER + 8 * 1019, 8, 1);
    CHECK(gicd_r(GICD_IROUTER + 8 * 1019, 8) == 0, "IROUTER beyond SPIs");

    /* A pending SPI follows its routing when not active. */
    gicd_w(GICD_CTLR, 4, GICD_CTLR_ENABLE_G1A);
    gicd_w(GICD_IROUTER + 8 * 50, 8, 1);
    gicd_w(GICD_ISENABLER + 4, 4, 1U << 18);
    vgic_inject_irq(vcpus[0], 50);
    CHECK(VD()->spis[18].queued_on == 1, "queued on vCPU 1");
    CHECK(kicks[1] == 1, "vCPU 1 kicked");
    gicd_w(GICD_IROUTER + 8 * 50, 8, 2);
    CHECK(VD()->spis[18].queued_on == 2, "moved to vCPU 2");
    gicd_w(GICD_IROUTER + 8 * 50, 8, 0x300);        /* Aff1 3: vCPU 48, none */
    CHECK(VD()->spis[18].queued_on == 2, "stays put without a target");
    gicd_w(GICD_ISACTIVER + 4, 4, 1U << 18);
    gicd_w(GICD_IROUTER + 8 * 50, 8, 0);
    CHECK(VD()->spis[18].queued_on == 2, "active: stays until done");
    gicd_w(GICD_ICACTIVER + 4, 4, 1U << 18);
    CHECK(VD()->spis[18].queued_on == 0, "then moves");
    gicd_w(GICD_ICPENDR + 4, 4, 1U << 18);
    CHECK(VD()->spis[18].queued_on == VGIC_NONE, "idle: off the queue");
    check_invariants("routing");
    teardown();
}

static void test_bad_accesses(void)
{
    static const unsigned int sizes[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 64, 1u << 31 };

    setup(4, 64);
    fake_printk_quiet(true);
    gicd_w(GICD_CTLR, 4, GICD_CTLR_ENABLE_G1A);
    gicd_w(GICD_ISENABLER + 4, 4, 0x5);

    /* Wrong sizes on 32-bit registers: RAZ/WI, state untouched. */
    for (unsigned int s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        uint64_t v = ~0ULL;

        if (sizes[s] == 4)
            continue;
        CHECK(vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE + GICD_CTLR, false, sizes[s], &v) &&
              v == 0, "CTLR size %u reads %#llx", sizes[s], (unsigned long long)v);
        v = 0;
        vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE + GICD_CTLR, true, sizes[s], &v);
        v = ~0ULL;
        vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE + GICD_ICENABLER + 4, true, sizes[s], &v);
        vgic_mmio_access(vcpus[1], DOM0_VGICR_BASE + GICR_WAKER, true, sizes[s], &v);
        vgic_mmio_access(vcpus[1], DOM0_VGICR_BASE + GICR_SGI_BASE + GICR_ICENABLER0, true,
                         sizes[s], &v);
        v = ~0ULL;
        CHECK(vgic_mmio_access(vcpus[2], DOM0_VGICR_BASE + GICR_TYPER, false, sizes[s], &v),
              "GICR TYPER size %u handled", sizes[s]);
        CHECK(sizes[s] == 8 || v == 0, "GICR TYPER size %u reads %#llx", sizes[s],
              (unsigned long long)v);
    }
    CHECK(VD()->enabled, "CTLR survived bad writes");
    CHECK(gicd_r(GICD_ISENABLER + 4, 4) == 0x5, "enables survived");
    CHECK(gicr_r(0, SGI(GICR_ISENABLER0), 4) == 0xffff, "SGI enables survived");

    /* Misaligned. */
    for (unsigned int off = 1; off < 8; off++) {
        uint64_t v = ~0ULL;

        if (off == 4)
            continue;
        vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE + GICD_ICENABLER + off, true, 4, &v);
        v = ~0ULL;
        CHECK(vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE + GICD_TYPER + off, false, 4, &v) &&
              v == 0, "misaligned %u", off);
        v = ~0ULL;
        CHECK(vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE + GICD_IROUTER + 8 * 40 + off, false,
                               8, &v) && v == 0, "misaligned IROUTER %u", off);
        v = ~0ULL;
        CHECK(vgic_mmio_access(vcpus[0], DOM0_VGICD_BASE + GICD_IPRIORITYR + 32 + (off & 3),
                               false, 4, &v) && ((off & 3) == 0 || v == 0),
              "misaligned IPRIORITYR %u", off);
    }
    CHECK(gicd_r(GICD_ISENABLER + 4, 4) == 0x5, "enables survived misaligned writes");
    /* 2-byte access to a byte register, 1-byte access to IROUTER. */
    CHECK(gicd_r(GICD_IPRIORITYR + 32, 2) == 0, "halfword IPRIORITYR");
    CHECK(gicd_r(GICD_IROUTER + 8 * 40, 1) == 0, "byte IROUTER");
    CHECK(gicd_r(GICD_IROUTER + 8 * 40, 2) == 0, "halfword IROUTER");
    CHECK(fake_printk_count("vgic: d0: bad") == 1, "bad accesses logged once (%lu)",
          fake_printk_count("vgic: d0: bad"));
    fake_printk_quiet(false);
    check_invariants("bad");
    teardown();
}

/* Offsets of the GICD frame that hold state or identification. */
static bool gicd_implemented(unsigned int off, unsigned int nr_spis)
{
    unsigned int words = nr_spis / 32;

    if (off == GICD_CTLR || off == GICD_TYPER || off == GICD_IIDR)
        return true;
    for (unsigned int base = GICD_IGROUPR; base < GICD_IPRIORITYR; base += 0x80)
        if (off >= base + 4 && off < base + 4 + 4 * words)
            return true;
    if (off >= GICD_IPRIORITYR + 32 && off < GICD_IPRIORITYR + 32 + nr_spis)
        return true;
    if (off >= GICD_ICFGR + 8 && off < GICD_ICFGR + 8 + 8 * words)
        return true;
    if (off >= GICD_IROUTER + 8 * 32 && off < GICD_IROUTER + 8 * (32 + nr_spis))
        return true;
    return off >= 0xffd0;
}

static bool gicr_implemented(unsigned int off)
{
    static const unsigned int sgi_regs[] = {
        GICR_IGROUPR0, GICR_ISENABLER0, GICR_ICENABLER0, GICR_ISPENDR0, GICR_ICPENDR0,
        GICR_ISACTIVER0, GICR_ICACTIVER0, GICR_ICFGR0, GICR_ICFGR1,
    };

    if (off < GICR_SGI_BASE)
        return off == GICR_IIDR || off == GICR_TYPER || off == GICR_TYPER + 4 ||
               off == GICR_WAKER || off >= 0xffd0;
    off -= GICR_SGI_BASE;
    for (unsigned int i = 0; i < sizeof(sgi_regs) / sizeof(sgi_regs[0]); i++)
        if (off == sgi_regs[i])
            return true;
    return off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR_END;
}

static void test_reserved_space(void)
{
    unsigned int bad = 0;

    setup(4, 64);
    fake_printk_quiet(true);
    /* Write ones everywhere reserved, then every reserved word must read 0. */
    for (unsigned int off = 0; off < DOM0_VGICD_SIZE; off += 4)
        if (!gicd_implemented(off, 64))
            gicd_w(off, 4, 0xffffffff);
    for (unsigned int off = 0; off < DOM0_VGICD_SIZE; off += 4)
        if (!gicd_implemented(off, 64) && gicd_r(off, 4) != 0 && bad++ < 5)
            CHECK(false, "GICD reserved %#x reads non-zero", off);
    for (unsigned int off = 0; off < VGIC_GICR_STRIDE; off += 4)
        if (!gicr_implemented(off))
            gicr_w(1, off, 4, 0xffffffff);
    for (unsigned int off = 0; off < VGIC_GICR_STRIDE; off += 4)
        if (!gicr_implemented(off) && gicr_r(1, off, 4) != 0 && bad++ < 10)
            CHECK(false, "GICR reserved %#x reads non-zero", off);
    CHECK(bad == 0, "%u reserved words non-zero", bad);
    /* And the real state is still at reset values. */
    CHECK(gicd_r(GICD_CTLR, 4) == GICD_CTLR_ARE_NS, "CTLR untouched");
    CHECK(gicd_r(GICD_ISENABLER + 4, 4) == 0, "enables untouched");
    CHECK(gicr_r(1, GICR_WAKER, 4) == (GICR_WAKER_PS | GICR_WAKER_CA), "WAKER untouched");
    CHECK(fake_printk_count("vgic: d0: write of unimplemented") +
          fake_printk_count("vgic: d0: read of unimplemented") == 1, "unknown offsets logged once");
    fake_printk_quiet(false);
    check_invariants("reserved");
    teardown();
}

static void test_sgi(void)
{
    setup(4, 32);
    gicd_w(GICD_CTLR, 4, GICD_CTLR_ENABLE_G1A);

    CHECK(vgic_emulate_sgi1r(vcpus[0], (3ULL << 24) | 0x6), "target list");
    CHECK(VD()->vcpus[1]->priv[3].pending && VD()->vcpus[2]->priv[3].pending, "SGI 3 to 1, 2");
    CHECK(!VD()->vcpus[0]->priv[3].pending && !VD()->vcpus[3]->priv[3].pending, "not 0, 3");
    CHECK(kicks[1] == 1 && kicks[2] == 1 && kicks[0] == 0, "targets kicked");

    CHECK(vgic_emulate_sgi1r(vcpus[2], (5ULL << 24) | SGI1R_IRM | 0xffff), "broadcast");
    CHECK(VD()->vcpus[0]->priv[5].pending && VD()->vcpus[1]->priv[5].pending &&
          VD()->vcpus[3]->priv[5].pending && !VD()->vcpus[2]->priv[5].pending,
          "IRM: all but self");

    /* Aff1 = 1 (vCPUs 16..31), Aff2/Aff3/RS set: nobody here. */
    vgic_emulate_sgi1r(vcpus[0], (7ULL << 24) | (1ULL << 16) | 0xffff);
    vgic_emulate_sgi1r(vcpus[0], (7ULL << 24) | (1ULL << 32) | 0xffff);
    vgic_emulate_sgi1r(vcpus[0], (7ULL << 24) | (1ULL << 48) | 0xffff);
    vgic_emulate_sgi1r(vcpus[0], (7ULL << 24) | (1ULL << 44) | 0xffff);
    for (unsigned int i = 0; i < 4; i++)
        CHECK(!VD()->vcpus[i]->priv[7].pending, "SGI 7 reached nobody (%u)", i);
    /* Self-IPI. */
    vgic_emulate_sgi1r(vcpus[3], (9ULL << 24) | 0x8);
    CHECK(VD()->vcpus[3]->priv[9].pending, "self");
    /* Pending SGIs are visible in the redistributor and clearable. */
    CHECK((gicr_r(3, SGI(GICR_ISPENDR0), 4) & 0x220) == 0x220, "ISPENDR0 shows SGIs 5, 9");
    gicr_w(3, SGI(GICR_ICPENDR0), 4, 0x200);
    CHECK(!VD()->vcpus[3]->priv[9].pending, "cleared");
    /* A disabled SGI is pending but does not wake anyone. */
    gicr_w(1, SGI(GICR_ICENABLER0), 4, 1U << 11);
    set_bit(VPF_BLOCKED, &vcpus[1]->pause_flags);
    vgic_emulate_sgi1r(vcpus[0], (11ULL << 24) | 0x2);
    CHECK(VD()->vcpus[1]->priv[11].pending && wakes[1] == 0, "disabled: no wake");
    gicr_w(1, SGI(GICR_ISENABLER0), 4, 1U << 11);
    CHECK(wakes[1] == 1 && !test_bit(VPF_BLOCKED, &vcpus[1]->pause_flags), "enabled: woken");
    check_invariants("sgi");
    teardown();
}

static void test_lrs(void)
{
    struct vgic_cpu *vc;
    int lr;

    setup(2, 64);
    vc = VD()->vcpus[0];
    gicd_w(GICD_CTLR, 4, GICD_CTLR_ENABLE_G1A);
    gicd_w(GICD_ISENABLER + 4, 4, 0xffffffff);
    gicd_w(GICD_ISENABLER + 8, 4, 0xffffffff);
    /* Priorities: INTID 32+i gets 0x10 * (8 - i) for i < 8 (higher INTID, more urgent). */
    for (unsigned int i = 0; i < 8; i++)
        gicd_w(GICD_IPRIORITYR + 32 + i, 1, 0x10 * (8 - i));

    /* Nothing pending: all LRs empty, no maintenance. */
    enter(0);
    for (unsigned int i = 0; i < FAKE_NR_LRS; i++)
        CHECK(hw[0].lr[i] == 0, "LR%u empty", i);
    CHECK(hw[0].hcr == ICH_HCR_EN, "HCR En only");
    CHECK(hw[0].ppi_on[VGIC_MAINT_PPI] && hw[0].ppi_on[GUEST_VTIMER_PPI], "PPIs 25, 27 enabled");
    leave(0);

    /* One SPI. */
    vgic_inject_irq(vcpus[0], 33);
    enter(0);
    CHECK(hw[0].lr[0] == (33 | ICH_LR_GROUP1 | ICH_LR_PENDING | (0x70ULL << ICH_LR_PRIO_SHIFT)),
          "LR0 %#llx", (unsigned long long)hw[0].lr[0]);
    CHECK(gicd_r(GICD_ISPENDR + 4, 4) == 2, "pending while loaded");
    guest_ack(0, 0);
    leave(0);
    CHECK(vc->priv[0].queued_on == VGIC_NONE && VD()->spis[1].active && !VD()->spis[1].pending,
          "active after the guest took it");
    CHECK(gicd_r(GICD_ISACTIVER + 4, 4) == 2, "ISACTIVER");
    vgic_inject_irq(vcpus[0], 33);        /* again while active */
    enter(0);
    CHECK((hw[0].lr[0] >> 62) == 3, "pending+active in one LR");
    guest_eoi(0, 0);                      /* deactivates; pending stays in the LR? no: */
    hw[0].lr[0] = 0;                      /* the guest took and finished both */
    leave(0);
    CHECK(!VD()->spis[1].active && !VD()->spis[1].pending &&
          VD()->spis[1].queued_on == VGIC_NONE, "done");

    /* Eight at once: the four most urgent get LRs, underflow maintenance on. */
    for (unsigned int i = 0; i < 8; i++)
        vgic_inject_irq(vcpus[0], 32 + i);
    enter(0);
    for (unsigned int i = 4; i < 8; i++)
        CHECK(lr_of(0, 32 + i) >= 0, "INTID %u loaded", 32 + i);
    for (unsigned int i = 0; i < 4; i++)
        CHECK(lr_of(0, 32 + i) < 0, "INTID %u waits", 32 + i);
    CHECK(hw[0].hcr == (ICH_HCR_EN | ICH_HCR_UIE), "underflow requested");
    CHECK(lr_of(0, 39) == 0, "most urgent first");
    /* The guest takes 39 and 38, finishes 38; maintenance exit. */
    guest_ack(0, lr_of(0, 39));
    lr = lr_of(0, 38);
    guest_ack(0, lr);
    guest_eoi(0, lr);
    vgic_maintenance_interrupt();
    CHECK(hw[0].hcr == ICH_HCR_EN, "maintenance quietened");
    leave(0);
    CHECK(VD()->spis[7].active && !VD()->spis[7].pending, "39 active");
    CHECK(!VD()->spis[6].active && !VD()->spis[6].pending, "38 done");
    enter(0);
    /* Active 39 first, then 37, 36, 35 by priority; 34..32 still waiting. */
    CHECK(lr_of(0, 39) == 0 && (hw[0].lr[0] >> 62) == 2, "active one first");
    CHECK(lr_of(0, 37) >= 0 && lr_of(0, 36) >= 0 && lr_of(0, 35) >= 0, "next three");
    CHECK(lr_of(0, 34) < 0, "34 waits");
    CHECK(hw[0].hcr & ICH_HCR_UIE, "still more");
    /* Everything handled. */
    for (int i = 0; i < FAKE_NR_LRS; i++)
        hw[0].lr[i] &= ~(3ULL << 62);
    leave(0);
    enter(0);
    CHECK(lr_of(0, 34) >= 0 && lr_of(0, 33) >= 0 && lr_of(0, 32) >= 0, "the rest");
    CHECK(hw[0].hcr == ICH_HCR_EN, "all fit");
    for (int i = 0; i < FAKE_NR_LRS; i++)
        hw[0].lr[i] = 0;
    leave(0);
    CHECK(list_is_empty(&vc->queue), "queue drained");

    /* A higher-priority arrival displaces a pending (not active) one. */
    for (unsigned int i = 0; i < 4; i++)
        vgic_inject_irq(vcpus[0], 32 + i);
    enter(0);
    CHECK(lr_of(0, 39) < 0, "39 not pending");
    leave(0);
    vgic_inject_irq(vcpus[0], 39);
    enter(0);
    CHECK(lr_of(0, 39) == 0 && lr_of(0, 32) < 0, "39 in, 32 out");
    CHECK(VD()->spis[0].pending, "32 still pending in software");
    leave(0);

    /* ICPENDR while loaded on a running vCPU: the LR's pending bit is ignored. */
    enter(0);
    gicd_w(GICD_ICPENDR + 4, 4, 1U << 7);
    CHECK(gicd_r(GICD_ISPENDR + 4, 4) & (1U << 7) ? 0 : 1, "clear visible at once");
    leave(0);
    CHECK(!VD()->spis[7].pending && VD()->spis[7].queued_on == VGIC_NONE, "39 cleared");
    /* ICACTIVER likewise. */
    vgic_inject_irq(vcpus[0], 39);
    enter(0);
    guest_ack(0, lr_of(0, 39));
    leave(0);
    enter(0);
    gicd_w(GICD_ICACTIVER + 4, 4, 1U << 7);
    CHECK(!(gicd_r(GICD_ISACTIVER + 4, 4) & (1U << 7)), "deactivated view");
    leave(0);
    CHECK(!VD()->spis[7].active, "deactivated");

    /* Disabling the distributor keeps pending interrupts out of the LRs. */
    gicd_w(GICD_CTLR, 4, 0);
    enter(0);
    CHECK(hw[0].lr[0] == 0, "distributor off: nothing loaded");
    leave(0);
    gicd_w(GICD_CTLR, 4, GICD_CTLR_ENABLE_G1A);
    CHECK(kicks[0] > 0, "re-enable kicks");
    check_invariants("lrs");

    /* Flush twice without a sync: the second reloads, nothing is lost. */
    enter(0);
    vgic_flush_lrs(vcpus[0]);
    check_invariants("double flush");
    leave(0);
    /* Sync without flush: nothing happens. */
    vgic_sync_lrs(vcpus[0]);
    check_invariants("lone sync");
    CHECK(hw[0].bad == 0 && hw[1].bad == 0, "no access to missing LRs/APRs");
    teardown();
}

/* Nothing pending: entries and exits touch no LR and not ICH_HCR_EL2. */
static void test_fast_path(void)
{
    struct vgic_cpu *vc;
    unsigned long lrw, hcrw;
    int lr;

    setup(2, 64);
    vc = VD()->vcpus[0];
    gicd_w(GICD_CTLR, 4, GICD_CTLR_ENABLE_G1A);
    gicr_w(0, SGI(GICR_ISENABLER0), 4, 1U << GUEST_EVTCHN_PPI);
    enter(0);
    for (unsigned int i = 0; i < FAKE_NR_LRS; i++)
        CHECK(hw[0].lr[i] == 0, "LR%u empty", i);
    CHECK(hw[0].hcr == ICH_HCR_EN, "HCR En");
    lrw = hw[0].lr_writes;
    hcrw = hw[0].hcr_writes;
    for (unsigned int n = 0; n < 100; n++) {
        vgic_sync_lrs(vcpus[0]);
        vgic_flush_lrs(vcpus[0]);
    }
    CHECK(hw[0].lr_writes == lrw && hw[0].hcr_writes == hcrw,
          "idle exits wrote %lu LRs, %lu HCRs", hw[0].lr_writes - lrw, hw[0].hcr_writes - hcrw);
    check_invariants("fast path");

    /* The upcall PPI made pending from another pCPU while vCPU 0 runs: a kick, then loaded. */
    kicks[0] = 0;
    fake_set_cpu(1);
    vgic_inject_irq(vcpus[0], GUEST_EVTCHN_PPI);
    fake_set_cpu(vcpus[0]->processor);
    CHECK(kicks[0] == 1, "injector kicked the running vCPU (%lu)", kicks[0]);
    vgic_sync_lrs(vcpus[0]);            /* the exit for the IPI */
    vgic_flush_lrs(vcpus[0]);
    lr = lr_of(0, GUEST_EVTCHN_PPI);
    CHECK(lr == 0, "PPI 31 in LR0 (%d)", lr);
    CHECK(hw[0].hcr == ICH_HCR_EN, "no maintenance for one interrupt");
    guest_ack(0, 0);
    vgic_sync_lrs(vcpus[0]);
    vgic_flush_lrs(vcpus[0]);
    CHECK((hw[0].lr[0] >> 62) == 2, "still active, still loaded");
    guest_eoi(0, 0);
    vgic_sync_lrs(vcpus[0]);
    CHECK(list_is_empty(&vc->queue) && hw[0].lr[0] == 0, "done, LR cleared");
    lrw = hw[0].lr_writes;
    vgic_flush_lrs(vcpus[0]);
    CHECK(hw[0].lr_writes == lrw, "fast again");

    /* Overflow: UIE on, and off again (once) after the sync. */
    for (unsigned int i = 0; i < 6; i++)
        vgic_inject_irq(vcpus[0], i);
    vgic_sync_lrs(vcpus[0]);
    vgic_flush_lrs(vcpus[0]);
    CHECK(hw[0].hcr == (ICH_HCR_EN | ICH_HCR_UIE), "underflow requested");
    for (int i = 0; i < FAKE_NR_LRS; i++)
        hw[0].lr[i] &= ~(3ULL << 62);
    vgic_sync_lrs(vcpus[0]);
    CHECK(hw[0].hcr == ICH_HCR_EN, "UIE dropped at the sync");
    vgic_flush_lrs(vcpus[0]);
    CHECK(lr_of(0, 4) >= 0 && lr_of(0, 5) >= 0 && hw[0].hcr == ICH_HCR_EN, "the last two");
    CHECK(hw[0].lr[2] == 0 && hw[0].lr[3] == 0, "LR2, LR3 unused and zero");
    check_invariants("fast path overflow");
    for (int i = 0; i < FAKE_NR_LRS; i++)
        hw[0].lr[i] &= ~(3ULL << 62);
    leave(0);
    CHECK(list_is_empty(&vc->queue), "queue drained");
    check_invariants("fast path end");
    teardown();
}

static void test_pending_and_state(void)
{
    setup(2, 32);
    gicd_w(GICD_CTLR, 4, GICD_CTLR_ENABLE_G1A);

    /* The guest's CPU interface: group 1 on, PMR 0xf0. */
    enter(1);
    hw[1].vmcr = ICH_VMCR_VENG1 | (0xf0ULL << ICH_VMCR_VPMR_SHIFT);
    hw[1].apr[1][0] = 0x8;
    hw[1].apr[0][0] = 0x1;
    hw[1].sre = 0x7;
    leave(1);
    CHECK(!vgic_vcpu_pending_irq(vcpus[1]), "nothing");
    gicr_w(1, SGI(GICR_IPRIORITYR0 + 20), 1, 0xf0);
    gicr_w(1, SGI(GICR_ISENABLER0), 4, 1U << 20);
    vgic_inject_irq(vcpus[1], 20);
    CHECK(!vgic_vcpu_pending_irq(vcpus[1]), "masked by PMR");
    gicr_w(1, SGI(GICR_IPRIORITYR0 + 20), 1, 0xe8);
    CHECK(vgic_vcpu_pending_irq(vcpus[1]), "below PMR");
    gicr_w(1, SGI(GICR_ICENABLER0), 4, 1U << 20);
    CHECK(!vgic_vcpu_pending_irq(vcpus[1]), "disabled");
    gicr_w(1, SGI(GICR_ISENABLER0), 4, 1U << 20);
    gicd_w(GICD_CTLR, 4, 0);
    CHECK(!vgic_vcpu_pending_irq(vcpus[1]), "distributor off");
    gicd_w(GICD_CTLR, 4, GICD_CTLR_ENABLE_G1A);

    /* State round trip through another vCPU on the same pCPU. */
    vcpus[0]->processor = 1;
    enter(0);
    CHECK(hw[1].vmcr == 0 && hw[1].apr[1][0] == 0 && hw[1].sre == VGIC_SRE_EL1_INIT,
          "vCPU 0's own state");
    leave(0);
    enter(1);
    CHECK(hw[1].vmcr == (ICH_VMCR_VENG1 | (0xf0ULL << ICH_VMCR_VPMR_SHIFT)) &&
          hw[1].apr[1][0] == 0x8 && hw[1].apr[0][0] == 0x1 && hw[1].sre == 0x7,
          "vCPU 1's state back");
    /* Loaded here: the live VMCR counts.  Group 1 off in the guest. */
    CHECK(lr_of(1, 20) >= 0, "20 loaded");
    CHECK(vgic_vcpu_pending_irq(vcpus[1]), "pending while loaded (from the LR)");
    hw[1].vmcr = 0;
    fake_set_cpu(1);
    CHECK(!vgic_vcpu_pending_irq(vcpus[1]), "live VMCR: group 1 off");
    leave(1);
    vcpus[0]->processor = 0;

    /* Wake-up of a blocked vCPU on injection. */
    set_bit(VPF_BLOCKED, &vcpus[1]->pause_flags);
    gicr_w(1, SGI(GICR_ISENABLER0), 4, 1U << 19);
    vgic_inject_irq(vcpus[1], 19);
    CHECK(wakes[1] == 1 && !test_bit(VPF_BLOCKED, &vcpus[1]->pause_flags), "woken");
    /* Bad INTIDs are ignored. */
    fake_printk_quiet(true);
    vgic_inject_irq(vcpus[1], 64);
    vgic_inject_irq(vcpus[1], 1020);
    vgic_inject_irq(vcpus[1], ~0U);
    CHECK(fake_printk_count("vgic: d0: injection") == 1, "bad injection logged once");
    fake_printk_quiet(false);
    check_invariants("pending");
    teardown();
}

/* Take the timer interrupt on `cpu` if due and run its softirqs. */
static void run_cpu(unsigned int cpu)
{
    uint64_t d;

    fake_set_cpu(cpu);
    d = fake_timer_deadline(cpu);
    if (d && d <= fake_clock())
        timer_interrupt();
    do_softirq();
    fake_set_cpu(0);
}

static void test_vtimer(void)
{
    struct vgic_cpu *vc;
    struct vtimer *vt;
    int lr;

    setup(2, 32);
    vc = VD()->vcpus[0];
    vt = &vc->vtimer;
    fake_clock_set(1000000);
    gicd_w(GICD_CTLR, 4, GICD_CTLR_ENABLE_G1A);
    gicr_w(0, SGI(GICR_ISENABLER0), 4, 1U << GUEST_VTIMER_PPI);

    /* Switched out with the timer armed 1000 ticks (16 us) ahead. */
    enter(0);
    hw[0].cntv_cval = fake_clock() / 16 + 1000;
    hw[0].cntv_ctl = VT_CTL_ENABLE;
    leave(0);
    CHECK(hw[0].cntv_ctl == 0, "hardware timer off while switched out");
    CHECK(timer_is_active(&vt->timer) && vt->timer.expires == 1000000 + 16000,
          "hypervisor timer for the deadline (%llu)", (unsigned long long)vt->timer.expires);
    set_bit(VPF_BLOCKED, &vcpus[0]->pause_flags);
    fake_clock_advance(15999);
    run_cpu(0);
    CHECK(!vc->priv[GUEST_VTIMER_PPI].pending, "not yet");
    fake_clock_advance(1);
    run_cpu(0);
    CHECK(vc->priv[GUEST_VTIMER_PPI].pending, "PPI 27 injected");
    CHECK(wakes[0] == 1, "vCPU woken");
    CHECK(vt->masked_by_us && (vt->ctl & VT_CTL_IMASK), "masked by us");

    /* Back in: the line stays masked until the guest is done. */
    enter(0);
    CHECK(hw[0].cntv_ctl == (VT_CTL_ENABLE | VT_CTL_IMASK), "restored masked");
    CHECK(!timer_is_active(&vt->timer), "hypervisor timer stopped");
    lr = lr_of(0, GUEST_VTIMER_PPI);
    CHECK(lr >= 0 && (hw[0].lr[lr] & ICH_LR_EOI), "LR with EOI maintenance");
    guest_ack(0, lr);
    vgic_sync_lrs(vcpus[0]);              /* an exit in the guest's handler */
    CHECK(hw[0].cntv_ctl & VT_CTL_IMASK, "still masked while active");
    vgic_flush_lrs(vcpus[0]);
    lr = lr_of(0, GUEST_VTIMER_PPI);
    CHECK(lr >= 0 && (hw[0].lr[lr] >> 62) == 2, "active in LR");
    guest_eoi(0, lr);                     /* EOI maintenance -> exit */
    vgic_maintenance_interrupt();
    CHECK(!(hw[0].lr[lr] & ICH_LR_EOI), "maintenance quietened the EOI bit");
    vgic_sync_lrs(vcpus[0]);
    CHECK(hw[0].cntv_ctl == VT_CTL_ENABLE, "unmasked after deactivation");
    CHECK(!vt->masked_by_us, "flag clear");

    /* The physical PPI fires while the guest runs. */
    vgic_flush_lrs(vcpus[0]);
    fake_set_cpu(0);
    vtimer_interrupt();
    CHECK(hw[0].cntv_ctl == (VT_CTL_ENABLE | VT_CTL_IMASK), "masked by the interrupt");
    CHECK(vc->priv[GUEST_VTIMER_PPI].pending && vt->masked_by_us, "injected");
    /* A second (spurious) one changes nothing. */
    vtimer_interrupt();
    CHECK(hw[0].cntv_ctl == (VT_CTL_ENABLE | VT_CTL_IMASK), "still masked");
    vgic_sync_lrs(vcpus[0]);
    vgic_flush_lrs(vcpus[0]);
    lr = lr_of(0, GUEST_VTIMER_PPI);
    CHECK(lr >= 0, "loaded");
    /* The guest reprograms (clears IMASK itself, deadline ahead), then EOIs. */
    hw[0].cntv_cval = fake_clock() / 16 + 100000;
    hw[0].cntv_ctl = VT_CTL_ENABLE;
    hw[0].lr[lr] = 0;
    vgic_sync_lrs(vcpus[0]);
    CHECK(hw[0].cntv_ctl == VT_CTL_ENABLE && !vt->masked_by_us, "guest's own unmask kept");

    /* Switched out while masked by us: no hypervisor timer (already pending). */
    vgic_flush_lrs(vcpus[0]);
    hw[0].cntv_cval = 0;
    vtimer_interrupt();
    leave(0);
    CHECK(!timer_is_active(&vt->timer), "no timer while the interrupt is pending");
    /* Guest clears the pending state from another vCPU while switched out:
     * on its next run the line comes back by itself (level). */
    gicr_w(0, SGI(GICR_ICPENDR0), 4, 1U << GUEST_VTIMER_PPI);
    enter(0);
    leave(0);
    CHECK(!vt->masked_by_us && !(vt->ctl & VT_CTL_IMASK), "unmasked in the saved state");
    CHECK(timer_is_active(&vt->timer), "and the hypervisor timer stands in");

    /* Masked by us, then the guest clears the pending state itself while it
     * runs with nothing in its LRs: the next exit (fast path) unmasks. */
    enter(0);
    hw[0].cntv_cval = 0;
    hw[0].cntv_ctl = VT_CTL_ENABLE;
    fake_set_cpu(0);
    vtimer_interrupt();
    CHECK(vt->masked_by_us && vc->priv[GUEST_VTIMER_PPI].pending, "masked, pending");
    vgic_sync_lrs(vcpus[0]);
    gicr_w(0, SGI(GICR_ICPENDR0), 4, 1U << GUEST_VTIMER_PPI);
    fake_set_cpu(0);
    vgic_flush_lrs(vcpus[0]);
    CHECK(vc->nr_lrs_used == 0, "nothing to load");
    vgic_sync_lrs(vcpus[0]);
    CHECK(!vt->masked_by_us && hw[0].cntv_ctl == VT_CTL_ENABLE, "unmasked on the fast path");
    hw[0].cntv_ctl = 0;
    leave(0);

    /* Nothing loaded on this pCPU: a stray PPI 27 turns the timer off. */
    fake_set_cpu(0);
    hw[0].cntv_ctl = VT_CTL_ENABLE;
    vtimer_interrupt();
    CHECK(hw[0].cntv_ctl == 0, "stray interrupt silenced");

    /* A deadline at the end of time arms nothing; masked/disabled ones neither. */
    enter(0);
    hw[0].cntv_cval = ~0ULL;
    hw[0].cntv_ctl = VT_CTL_ENABLE;
    leave(0);
    CHECK(!timer_is_active(&vt->timer), "never");
    enter(0);
    hw[0].cntv_cval = 0;
    hw[0].cntv_ctl = VT_CTL_ENABLE | VT_CTL_IMASK;
    leave(0);
    CHECK(!timer_is_active(&vt->timer), "guest-masked");
    enter(0);
    hw[0].cntv_ctl = 0;
    leave(0);
    CHECK(!timer_is_active(&vt->timer), "disabled");
    /* Deadline in the past: fires at once. */
    enter(0);
    hw[0].cntv_cval = 1;
    hw[0].cntv_ctl = VT_CTL_ENABLE;
    gicr_w(0, SGI(GICR_ICPENDR0), 4, 1U << GUEST_VTIMER_PPI);
    leave(0);
    CHECK(timer_is_active(&vt->timer) && vt->timer.expires <= fake_clock(), "past: now");
    run_cpu(0);
    CHECK(vc->priv[GUEST_VTIMER_PPI].pending, "fired");

    /* Migration: switched out on CPU 1, the timer follows. */
    gicr_w(0, SGI(GICR_ICPENDR0), 4, 1U << GUEST_VTIMER_PPI);
    vcpus[0]->processor = 1;
    enter(0);
    leave(0);                        /* masked_by_us still from before -> unmask path */
    enter(0);
    hw[1].cntv_cval = fake_clock() / 16 + 10;
    hw[1].cntv_ctl = VT_CTL_ENABLE;
    leave(0);
    CHECK(vt->timer.cpu == 1 && timer_is_active(&vt->timer), "timer on CPU 1");
    fake_clock_advance(160);
    run_cpu(1);
    CHECK(vc->priv[GUEST_VTIMER_PPI].pending, "fired on CPU 1");
    vcpus[0]->processor = 0;
    check_invariants("vtimer");
    teardown();
}

/* ---------------------------------------------------------------- fuzz */

static void fuzz_one(void)
{
    static const unsigned int sizes[] = { 1, 2, 4, 8, 4, 4, 8, 1, 0, 3, 16 };
    unsigned int what = rnd() % 100;
    unsigned int id = rnd() % dom->max_vcpus;
    uint64_t val = rnd();

    if (rnd() % 4 == 0)
        val &= 0xffffffff;
    if (what < 55) {
        /* MMIO anywhere in or around the frames. */
        paddr_t gpa;
        unsigned int size = sizes[rnd() % (sizeof(sizes) / sizeof(sizes[0]))];

        if (rnd() % 2)
            gpa = DOM0_VGICD_BASE - 0x40 + rnd() % (DOM0_VGICD_SIZE + 0x80);
        else
            gpa = DOM0_VGICR_BASE - 0x40 + rnd() % (dom->max_vcpus * VGIC_GICR_STRIDE + 0x80);
        if (rnd() % 3)
            gpa &= ~(paddr_t)(size ? size - 1 : 0);
        /* Favour the interesting registers. */
        if (rnd() % 3 == 0) {
            static const unsigned int hot[] = {
                GICD_CTLR, GICD_ISENABLER + 4, GICD_ICENABLER + 4, GICD_ISPENDR + 4,
                GICD_ICPENDR + 4, GICD_ISACTIVER + 4, GICD_ICACTIVER + 8, GICD_IPRIORITYR + 36,
                GICD_IROUTER + 8 * 33, GICD_IROUTER + 8 * 60, GICD_ICFGR + 8,
            };
            gpa = DOM0_VGICD_BASE + hot[rnd() % (sizeof(hot) / sizeof(hot[0]))];
            size = gpa >= DOM0_VGICD_BASE + GICD_IROUTER ? 8 : 4;
            if (gpa >= DOM0_VGICD_BASE + GICD_IROUTER)
                val &= 0x3;
        }
        vgic_mmio_access(vcpus[id], gpa, rnd() % 2, size, &val);
    } else if (what < 70) {
        vgic_inject_irq(vcpus[id], (unsigned int)(rnd() % 100));
    } else if (what < 78) {
        vgic_emulate_sgi1r(vcpus[id], rnd() & (0xffULL << 48 | 0x1fULL << 40 | 0xff0fffffULL));
    } else if (what < 90) {
        /* Run a vCPU: the guest does random things to its LRs. */
        enter(id);
        for (int i = 0; i < FAKE_NR_LRS; i++) {
            uint64_t *l = &hw[vcpus[id]->processor].lr[i];

            if (*l && rnd() % 2)
                *l = (*l & ~(3ULL << 62)) | ((rnd() % 4) << 62);
        }
        if (rnd() % 4 == 0)
            vgic_maintenance_interrupt();
        if (rnd() % 4 == 0)
            vgic_vcpu_pending_irq(vcpus[id]);
        leave(id);
    } else if (what < 95) {
        vgic_vcpu_pending_irq(vcpus[id]);
    } else {
        fake_set_cpu(vcpus[id]->processor);
        vtimer_interrupt();
        fake_set_cpu(0);
    }
}

static void test_fuzz(void)
{
    setup(4, 64);
    fake_printk_quiet(true);
    for (unsigned int i = 0; i < 200000; i++) {
        fuzz_one();
        if (i % 997 == 0)
            check_invariants("fuzz");
        if (i % 50000 == 0) {
            fake_clock_advance(1000000);
            for (unsigned int c = 0; c < NR_CPUS; c++)
                run_cpu(c);
        }
    }
    check_invariants("fuzz end");
    for (unsigned int c = 0; c < NR_CPUS; c++)
        CHECK(hw[c].bad == 0, "CPU %u touched missing registers", c);
    fake_printk_quiet(false);
    teardown();

    /* Tiny configurations: no SPIs, one vCPU. */
    setup(1, 0);
    fake_printk_quiet(true);
    for (unsigned int i = 0; i < 20000; i++)
        fuzz_one();
    check_invariants("fuzz small");
    fake_printk_quiet(false);
    teardown();
}

/* ---------------------------------------------------------------- concurrency */

static volatile bool stop_threads;

static void *injector(void *arg)
{
    unsigned int cpu = (unsigned int)(uintptr_t)arg;

    fake_set_cpu(cpu);
    rng ^= cpu * 0x1234567ULL;
    while (!__atomic_load_n(&stop_threads, __ATOMIC_ACQUIRE)) {
        unsigned int id = rnd() % 2;
        uint64_t v;

        switch (rnd() % 5) {
        case 0:
            vgic_inject_irq(vcpus[id], 32 + rnd() % 64);
            break;
        case 1:
            vgic_emulate_sgi1r(vcpus[id], ((rnd() % 16) << 24) | (rnd() & 3));
            break;
        case 2:
            v = rnd() & 0xffffffff;
            vgic_mmio_access(vcpus[id], DOM0_VGICD_BASE + GICD_ICPENDR + 4 + 4 * (rnd() % 2),
                             true, 4, &v);
            break;
        case 3:
            v = rnd() % 2;
            vgic_mmio_access(vcpus[id], DOM0_VGICD_BASE + GICD_IROUTER + 8 * (32 + rnd() % 64),
                             true, 8, &v);
            break;
        default:
            vgic_inject_irq(vcpus[id], rnd() % 32);
            break;
        }
    }
    return NULL;
}

static void *runner(void *arg)
{
    unsigned int id = (unsigned int)(uintptr_t)arg;

    rng ^= (id + 7) * 0x9876543ULL;
    for (unsigned int n = 0; n < 20000; n++) {
        enter(id);
        for (int i = 0; i < FAKE_NR_LRS; i++) {
            uint64_t *l = &hw[vcpus[id]->processor].lr[i];

            if (*l && rnd() % 2)
                *l &= ~(3ULL << 62);
        }
        vgic_vcpu_pending_irq(vcpus[id]);
        leave(id);
    }
    return NULL;
}

static void test_concurrency(void)
{
    pthread_t inj[2], run[2];

    setup(2, 64);
    gicd_w(GICD_CTLR, 4, GICD_CTLR_ENABLE_G1A);
    gicd_w(GICD_ISENABLER + 4, 4, 0xffffffff);
    gicd_w(GICD_ISENABLER + 8, 4, 0xffffffff);
    /* vCPU i runs on fake CPU i; injectors play CPUs 2 and 3. */
    stop_threads = false;
    for (unsigned int i = 0; i < 2; i++)
        pthread_create(&inj[i], NULL, injector, (void *)(uintptr_t)(2 + i));
    for (unsigned int i = 0; i < 2; i++)
        pthread_create(&run[i], NULL, runner, (void *)(uintptr_t)i);
    for (unsigned int i = 0; i < 2; i++)
        pthread_join(run[i], NULL);
    __atomic_store_n(&stop_threads, true, __ATOMIC_RELEASE);
    for (unsigned int i = 0; i < 2; i++)
        pthread_join(inj[i], NULL);
    fake_set_cpu(0);
    check_invariants("concurrent");
    CHECK(kicks[0] + kicks[1] > 0, "kicks happened");
    teardown();
}

int main(void)
{
    test_init_errors();
    test_id_registers();
    test_bit_registers();
    test_priority_and_routing();
    test_bad_accesses();
    test_reserved_space();
    test_sgi();
    test_lrs();
    test_fast_path();
    test_pending_and_state();
    test_vtimer();
    test_fuzz();
    test_concurrency();

    printf("vgic: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
