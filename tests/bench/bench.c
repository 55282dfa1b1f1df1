/* SPDX-License-Identifier: MIT */
/*
 * bench.c - micro-benchmarks of the hypervisor's hot paths, run as dom0 on
 * real Xen 4.17 and on ours (tests/bench/run-bench.sh).  Built with the
 * guest test framework (tests/guest/lib, arch/<arch>): each benchmark is a
 * GT_TEST, so gt.only= selects them and the usual TEST/SUMMARY lines come
 * out, plus one line per benchmark:
 *
 *   BENCH <name> ops=<n> ticks=<counter ticks for all n> [irqs=<n>]
 *
 * The clock is the guest's own virtual counter (CNTVCT_EL0 on Arm, the TSC
 * on x86), read before and after a loop of n operations.  Under QEMU
 * -icount shift=0 virtual time advances 1 ns per executed instruction
 * (guest and hypervisor alike), so the figures count instructions and are
 * the same on every run.  One BENCH-INFO line gives the counter frequency.
 *
 * bench.div=<d> on the command line divides every loop count (the smoke
 * test uses it to stay short).
 */
#include "gt-xen.h"
#include <public/memory.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#if GT_ARCH_X86
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#endif

/* ---- clock ----------------------------------------------------------------- */

static uint64_t ticks(void)
{
    uint64_t v;
#if GT_ARCH_X86
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    v = ((uint64_t)hi << 32) | lo;
#elif GT_ARCH_BITS == 64
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
#else
    __asm__ volatile("isb; mrrc p15, 1, %Q0, %R0, c14" : "=r"(v));
#endif
    return v;
}

static unsigned long loops(unsigned long n)
{
    static unsigned long div;
    char buf[16];

    if (!div) {
        div = 1;
        if (gt_bootarg("bench.div", buf, sizeof(buf))) {
            div = 0;
            for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
                div = div * 10 + (unsigned long)(*p - '0');
            if (!div)
                div = 1;
        }
    }
    return n / div ? n / div : 1;
}

static void report(const char *name, unsigned long ops, uint64_t t, long irqs)
{
    if (irqs >= 0)
        gt_printf("BENCH %s ops=%lu ticks=%llu irqs=%ld\n", name, ops,
                  (unsigned long long)t, irqs);
    else
        gt_printf("BENCH %s ops=%lu ticks=%llu\n", name, ops, (unsigned long long)t);
}

GT_TEST(bench_info, "bench.info")
{
#if GT_ARCH_ARM && GT_ARCH_BITS == 64
    unsigned long f;

    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    gt_printf("BENCH-INFO counter_hz=%lu\n", f);
#elif GT_ARCH_X86
    /* QEMU's TSC under -icount is its virtual clock in ns: 1 GHz (bench.calibrate checks). */
    gt_printf("BENCH-INFO counter_hz=1000000000\n");
#else
    gt_printf("BENCH-INFO counter_hz=0\n");
#endif
}

/*
 * The clock itself: a loop of exactly two instructions per iteration.  Under
 * -icount shift=0 it must come out at 2 instructions per operation; the
 * runner derives the counter's instructions per tick from it where the
 * frequency is not architected (x86's TSC).
 */
GT_TEST(bench_calibrate, "bench.calibrate")
{
    unsigned long n = 1000000, left = n;
    uint64_t t0, t1;

    t0 = ticks();
#if GT_ARCH_X86
    __asm__ volatile("1: dec %0; jnz 1b" : "+r"(left) : : "cc");
#elif GT_ARCH_BITS == 64
    __asm__ volatile("1: subs %0, %0, #1; b.ne 1b" : "+r"(left) : : "cc");
#else
    __asm__ volatile("1: subs %0, %0, #1; bne 1b" : "+r"(left) : : "cc");
#endif
    t1 = ticks();
    report("calibrate_2insn", n, t1 - t0, -1);
}

/* ---- hypercall round trips ------------------------------------------------- */

GT_TEST(bench_null, "bench.null_hypercall")
{
    unsigned long n = loops(200000);
    uint64_t t0, t1;
    long rc = 0;

    t0 = ticks();
    for (unsigned long i = 0; i < n; i++)
        rc |= HYPERVISOR_xen_version(XENVER_version, NULL);
    t1 = ticks();
    ASSERT_TRUE(rc > 0);
    report("null_hypercall", n, t1 - t0, -1);
}

GT_TEST(bench_yield, "bench.sched_yield")
{
    unsigned long n = loops(100000);
    uint64_t t0, t1;
    long rc = 0;

    t0 = ticks();
    for (unsigned long i = 0; i < n; i++)
        rc |= HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    t1 = ticks();
    EXPECT_EQ(rc, 0);
    report("sched_yield", n, t1 - t0, -1);
}

/* ---- grant copy ------------------------------------------------------------ */

#if GT_ARCH_ARM

static long gnttab_op(unsigned int cmd, void *arg, unsigned int count)
{
    return gt_hypercall(__HYPERVISOR_grant_table_op, cmd, (unsigned long)arg, count, 0, 0);
}

static long memory_op(unsigned long cmd, void *arg)
{
    return gt_hypercall(__HYPERVISOR_memory_op, cmd, (unsigned long)arg, 0, 0, 0);
}

/* Big-endian 64-bit address cell pair from a device-tree property. */
static uint64_t fdt_u64(const uint8_t *p)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static uint8_t copy_src[4096] __attribute__((aligned(4096)));
static uint8_t copy_dst[4096] __attribute__((aligned(4096)));

GT_TEST(bench_gnttab_copy, "bench.gnttab_copy_page")
{
    static struct xen_add_to_physmap xatp;
    static struct gnttab_copy op;
    const uint8_t *reg;
    uint32_t len = 0;
    unsigned long n = loops(20000);
    grant_entry_v1_t *table;
    uint64_t t0, t1;
    int bad = 0;

    /* Frame 0 of our grant table at the start of the /hypervisor window. */
    reg = gt_fdt_getprop((const void *)gt_cfg.dtb, "/hypervisor", "reg", &len);
    ASSERT_TRUE(reg && len >= 16);
    xatp.domid = DOMID_SELF;
    xatp.space = XENMAPSPACE_grant_table;
    xatp.idx = 0;
    xatp.gpfn = fdt_u64(reg) / GT_PAGE_SIZE;
    ASSERT_EQ(memory_op(XENMEM_add_to_physmap, &xatp), 0);
    table = (grant_entry_v1_t *)(uintptr_t)(xatp.gpfn * GT_PAGE_SIZE);

    for (unsigned int i = 0; i < sizeof(copy_src); i++)
        copy_src[i] = (uint8_t)(i * 7 + 1);
    /* dom0 grants the page to itself (domain id 0). */
    table[8].domid = 0;
    table[8].frame = (uint32_t)gt_gfn_of(copy_src);
    __atomic_store_n(&table[8].flags, GTF_permit_access | GTF_readonly, __ATOMIC_SEQ_CST);

    op.source.u.ref = 8;
    op.source.domid = 0;
    op.source.offset = 0;
    op.dest.u.gmfn = gt_gfn_of(copy_dst);
    op.dest.domid = DOMID_SELF;
    op.dest.offset = 0;
    op.len = sizeof(copy_dst);
    op.flags = GNTCOPY_source_gref;

    t0 = ticks();
    for (unsigned long i = 0; i < n; i++) {
        gnttab_op(GNTTABOP_copy, &op, 1);
        bad |= op.status;
    }
    t1 = ticks();
    EXPECT_EQ(bad, GNTST_okay);
    EXPECT_EQ(memcmp(copy_src, copy_dst, sizeof(copy_dst)), 0);
    __atomic_store_n(&table[8].flags, 0, __ATOMIC_SEQ_CST);
    report("gnttab_copy_page", n, t1 - t0, -1);
}

/* ---- event channels with the upcall taken ---------------------------------- */

static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
#define SI ((volatile struct shared_info *)shinfo_page)

static long evtchn_op(int cmd, void *arg)
{
    return gt_hypercall(__HYPERVISOR_event_channel_op, (unsigned long)cmd,
                        (unsigned long)arg, 0, 0, 0);
}

static long evtchn_send(evtchn_port_t port)
{
    static struct evtchn_send s;

    s.port = port;
    return evtchn_op(EVTCHNOP_send, &s);
}

#if GT_ARCH_BITS == 64
#define ICC_WRITE(reg, v) __asm__ volatile("msr " reg ", %0; isb" : : "r"((uint64_t)(v)))
#define ICC_READ(reg, v)  __asm__ volatile("mrs %0, " reg : "=r"(v))
#define ICC_PMR     "S3_0_C4_C6_0"
#define ICC_IAR1    "S3_0_C12_C12_0"
#define ICC_EOIR1   "S3_0_C12_C12_1"
#define ICC_BPR1    "S3_0_C12_C12_3"
#define ICC_IGRPEN1 "S3_0_C12_C12_7"
#define IRQ_ON()    __asm__ volatile("msr daifclr, #2" ::: "memory")
#define IRQ_OFF()   __asm__ volatile("msr daifset, #2" ::: "memory")
#define VBAR_READ(v)  __asm__ volatile("mrs %0, vbar_el1" : "=r"(v))
#define VBAR_WRITE(v) __asm__ volatile("msr vbar_el1, %0; isb" : : "r"(v))
#else
#define ICC_WRITE(reg, v) __asm__ volatile("mcr " reg "; isb" : : "r"((uint32_t)(v)))
#define ICC_READ(reg, v)  __asm__ volatile("mrc " reg : "=r"(v))
#define ICC_PMR     "p15, 0, %0, c4, c6, 0"
#define ICC_IAR1    "p15, 0, %0, c12, c12, 0"
#define ICC_EOIR1   "p15, 0, %0, c12, c12, 1"
#define ICC_BPR1    "p15, 0, %0, c12, c12, 3"
#define ICC_IGRPEN1 "p15, 0, %0, c12, c12, 7"
#define IRQ_ON()    __asm__ volatile("cpsie i" ::: "memory")
#define IRQ_OFF()   __asm__ volatile("cpsid i" ::: "memory")
#endif

/* Set by the IRQ handler (bench-arm64.S calls bench_irq()). */
static unsigned int upcall_intid;
static volatile unsigned long upcalls, other_irqs;
extern const char bench_vectors[];
uintptr_t bench_saved_vbar;     /* the framework's vectors, for other exceptions */
void bench_irq(void);

/* A guest's upcall handler, 2-level ABI, vCPU 0: what Linux does, minus the work. */
void bench_irq(void)
{
    volatile struct vcpu_info *vi = &SI->vcpu_info[0];
    unsigned long v;
    unsigned int intid;
    xen_ulong_t sel;

    ICC_READ(ICC_IAR1, v);
    intid = (unsigned int)(v & 0xffffff);
    if (intid >= 1020)
        return;
    if (intid == upcall_intid) {
        /*
         * Plain loads and stores, no exchange: the benchmark runs on one
         * pCPU, so the hypervisor never writes these while we run (and the
         * guest library has no out-of-line atomics).
         */
        vi->evtchn_upcall_pending = 0;
        sel = vi->evtchn_pending_sel;
        vi->evtchn_pending_sel = 0;
        while (sel) {
            unsigned int w = (unsigned int)__builtin_ctzll(sel);

            sel &= sel - 1;
            SI->evtchn_pending[w] = 0;
        }
        upcalls++;
    } else {
        other_irqs++;
    }
    ICC_WRITE(ICC_EOIR1, intid);
}

/* The event-channel PPI from /hypervisor interrupts (a PPI), 0 if none. */
static unsigned int find_upcall_intid(void)
{
    uint32_t len = 0;
    const uint8_t *irq = gt_fdt_getprop((const void *)gt_cfg.dtb, "/hypervisor", "interrupts",
                                        &len);

    if (!irq || len != 12 || irq[3] != 1 || irq[4] || irq[5] || irq[6] || irq[7] >= 16)
        return 0;
    return 16u + irq[7];
}

static bool gic_bases(uintptr_t *gicd, uintptr_t *gicr)
{
    static const char *const paths[] = { "/intc", "/interrupt-controller" };
    uint32_t len = 0;
    const uint8_t *reg = NULL;

    for (unsigned int i = 0; i < GT_ARRAY_SIZE(paths) && !reg; i++)
        reg = gt_fdt_getprop((const void *)gt_cfg.dtb, paths[i], "reg", &len);
    if (!reg || len < 32)
        return false;
    *gicd = (uintptr_t)fdt_u64(reg);
    *gicr = (uintptr_t)fdt_u64(reg + 16);
    return *gicd && *gicr;
}

static evtchn_port_t loop_a, loop_b;    /* an interdomain pair, both ends ours */
static bool evtchn_ready;

/* shared_info, the GIC with the upcall PPI on, our IRQ vector, a loopback pair. */
static void evtchn_setup(void)
{
    static struct xen_add_to_physmap x;
    static struct evtchn_alloc_unbound a;
    static struct evtchn_bind_interdomain b;
    uintptr_t gicd, gicr;
    unsigned long v;

    if (evtchn_ready)
        return;
    upcall_intid = find_upcall_intid();
    if (!upcall_intid)
        gt_skip("no usable /hypervisor interrupts");
    if (!gic_bases(&gicd, &gicr))
        gt_skip("no GICv3 node");

    x.domid = DOMID_SELF;
    x.space = XENMAPSPACE_shared_info;
    x.idx = 0;
    x.gpfn = gt_gfn_of(shinfo_page);
    ASSERT_EQ(memory_op(XENMEM_add_to_physmap, &x), 0);

    *(volatile uint32_t *)(gicd + 0x0) = (1u << 4) | (1u << 1);           /* ARE, Grp1 */
    ((volatile uint8_t *)(gicr + 0x10000 + 0x400))[upcall_intid] = 0x80;   /* priority */
    *(volatile uint32_t *)(gicr + 0x10000 + 0x100) = 1u << upcall_intid;   /* enable */
    ICC_WRITE(ICC_PMR, 0xff);
    ICC_WRITE(ICC_BPR1, 0);
    ICC_WRITE(ICC_IGRPEN1, 1);
    for (unsigned int i = 0; i < 8; i++) {
        ICC_READ(ICC_IAR1, v);
        if ((v & 0xffffff) >= 1020)
            break;
        ICC_WRITE(ICC_EOIR1, v & 0xffffff);
    }

    a.dom = DOMID_SELF;
    a.remote_dom = DOMID_SELF;
    ASSERT_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
    b.remote_dom = DOMID_SELF;
    b.remote_port = a.port;
    ASSERT_EQ(evtchn_op(EVTCHNOP_bind_interdomain, &b), 0);
    loop_a = a.port;
    loop_b = b.local_port;

    VBAR_READ(bench_saved_vbar);
    VBAR_WRITE((uintptr_t)bench_vectors);
    /* Whatever is already pending (an upcall from the setup) is taken now. */
    IRQ_ON();
    for (unsigned int i = 0; i < 100; i++)
        __asm__ volatile("isb");
    IRQ_OFF();
    evtchn_ready = true;
}

/* EVTCHNOP_send on one end; the upcall for the other end is taken at once. */
GT_TEST(bench_evtchn, "bench.evtchn_send_upcall")
{
    unsigned long n = loops(50000);
    uint64_t t0, t1;
    long rc = 0;

    evtchn_setup();
    upcalls = other_irqs = 0;
    IRQ_ON();
    t0 = ticks();
    for (unsigned long i = 0; i < n; i++)
        rc |= evtchn_send(loop_b);
    t1 = ticks();
    IRQ_OFF();
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(upcalls, n);
    EXPECT_EQ(other_irqs, 0);
    report("evtchn_send_upcall", n, t1 - t0, (long)upcalls);
}

/*
 * With IRQs masked, send to ourselves, then SCHEDOP_block: the pending
 * event makes it return at once, with IRQs unmasked, and the upcall is
 * taken.  The block/wake path without a real sleep.
 */
GT_TEST(bench_block, "bench.evtchn_send_block")
{
    unsigned long n = loops(50000);
    uint64_t t0, t1;
    long rc = 0;

    evtchn_setup();
    upcalls = other_irqs = 0;
    t0 = ticks();
    for (unsigned long i = 0; i < n; i++) {
        rc |= evtchn_send(loop_b);
        rc |= HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        IRQ_OFF();
    }
    t1 = ticks();
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(upcalls, n);
    EXPECT_EQ(other_irqs, 0);
    report("evtchn_send_block", n, t1 - t0, (long)upcalls);
}

/* Leave nothing behind for the final act: our vectors out, the pair closed. */
GT_TEST(bench_cleanup, "bench.zz_cleanup")
{
    static evtchn_port_t p;

    if (!evtchn_ready)
        return;
    VBAR_WRITE(bench_saved_vbar);
    p = loop_a;
    EXPECT_EQ(evtchn_op(EVTCHNOP_close, &p), 0);
    p = loop_b;
    EXPECT_EQ(evtchn_op(EVTCHNOP_close, &p), 0);
    ICC_WRITE(ICC_IGRPEN1, 0);
    evtchn_ready = false;
}

#endif /* GT_ARCH_ARM */

/* ---- x86_64: the event-channel upcall through the callback vector ----------- */

#if GT_ARCH_X86 && GT_ARCH_BITS == 64

#define BENCH_UPCALL_VECTOR 0xf3

static uint8_t x86_shinfo[4096] __attribute__((aligned(4096)));
#define XSI ((volatile struct shared_info *)x86_shinfo)

struct bench_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
};
static struct bench_gate bench_idt[256] __attribute__((aligned(16)));
extern const char bench_x86_upcall_entry[];
static volatile unsigned long x86_upcalls;
void bench_x86_upcall(void);

/* What a guest's upcall handler does on vCPU 0, 2-level ABI, minus the work. */
void bench_x86_upcall(void)
{
    volatile struct vcpu_info *vi = &XSI->vcpu_info[0];
    xen_ulong_t sel;

    /* One pCPU: nothing writes these while we run, so no locked exchange. */
    vi->evtchn_upcall_pending = 0;
    sel = vi->evtchn_pending_sel;
    vi->evtchn_pending_sel = 0;
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctzll(sel);

        sel &= sel - 1;
        XSI->evtchn_pending[w] = 0;
    }
    x86_upcalls++;
}

static long x86_op(unsigned long nr, unsigned long cmd, void *arg)
{
    return gt_hypercall(nr, cmd, (unsigned long)arg, 0, 0, 0);
}

GT_TEST(bench_x86_evtchn, "bench.evtchn_send_upcall")
{
    static struct xen_add_to_physmap x;
    static struct xen_hvm_param hp;
    static struct evtchn_alloc_unbound a;
    static struct evtchn_bind_interdomain b;
    static struct evtchn_send snd;
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } old, desc;
    unsigned long n = loops(50000);
    uintptr_t entry = (uintptr_t)bench_x86_upcall_entry;
    uint64_t t0, t1;
    long rc = 0;

    /* A full IDT: the framework's 32 exception gates plus the callback vector. */
    __asm__ volatile("sidt %0" : "=m"(old));
    memcpy(bench_idt, (const void *)(uintptr_t)old.base, (size_t)old.limit + 1);
    bench_idt[BENCH_UPCALL_VECTOR] = bench_idt[0];
    bench_idt[BENCH_UPCALL_VECTOR].off_lo = (uint16_t)entry;
    bench_idt[BENCH_UPCALL_VECTOR].off_mid = (uint16_t)(entry >> 16);
    bench_idt[BENCH_UPCALL_VECTOR].off_hi = (uint32_t)(entry >> 32);
    desc.limit = sizeof(bench_idt) - 1;
    desc.base = (uintptr_t)bench_idt;
    __asm__ volatile("lidt %0" : : "m"(desc));

    x.domid = DOMID_SELF;
    x.space = XENMAPSPACE_shared_info;
    x.idx = 0;
    x.gpfn = gt_gfn_of(x86_shinfo);
    rc = x86_op(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x);
    if (rc) {
        __asm__ volatile("lidt %0" : : "m"(old));
        gt_skip("shared_info not mappable: XENMEM_add_to_physmap returned %ld", rc);
    }
    XSI->vcpu_info[0].evtchn_upcall_mask = 0;
    hp.domid = DOMID_SELF;
    hp.index = HVM_PARAM_CALLBACK_IRQ;
    hp.value = ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | BENCH_UPCALL_VECTOR;
    ASSERT_EQ(x86_op(__HYPERVISOR_hvm_op, HVMOP_set_param, &hp), 0);

    a.dom = DOMID_SELF;
    a.remote_dom = DOMID_SELF;
    ASSERT_EQ(x86_op(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &a), 0);
    b.remote_dom = DOMID_SELF;
    b.remote_port = a.port;
    ASSERT_EQ(x86_op(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, &b), 0);
    snd.port = b.local_port;

    /* Anything already pending is taken first. */
    __asm__ volatile("sti; nop; nop; cli" ::: "memory");
    x86_upcalls = 0;
    __asm__ volatile("sti" ::: "memory");
    t0 = ticks();
    for (unsigned long i = 0; i < n; i++)
        rc |= x86_op(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &snd);
    t1 = ticks();
    __asm__ volatile("cli" ::: "memory");
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(x86_upcalls, n);
    report("evtchn_send_upcall", n, t1 - t0, (long)x86_upcalls);

    hp.value = 0;
    EXPECT_EQ(x86_op(__HYPERVISOR_hvm_op, HVMOP_set_param, &hp), 0);
    __asm__ volatile("lidt %0" : : "m"(old));
}

#endif /* GT_ARCH_X86 && GT_ARCH_BITS == 64 */
