/*
 * demo-dom0, x86_64 part: a PVH dom0 in long mode.  The hypervisor is found
 * through CPUID (the "XenVMMXenVMM" leaves), the hypercall page installed
 * with the MSR they name; the TSC is the clock (its rate from the Xen
 * leaves); the command line comes from the PVH start info and the vCPU
 * count from the ACPI MADT it points at.  Secondary vCPUs are started with
 * VCPUOP_initialise (64-bit HVM context) + VCPUOP_up where the hypervisor
 * offers that.  The event-channel demo binds VIRQ_TIMER and an IPI and
 * takes their upcalls as interrupts (HVM_PARAM_CALLBACK_IRQ, vector type).
 */
#include "demo.h"
#include <public/xen.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/arch-x86/hvm/start_info.h>

#define UPCALL_VECTOR   0xf3
#define SEL_CODE64      0x18
#define XEN_ENOSYS      38

/* Xen's vcpu_hvm_context (public/hvm/hvm_vcpu.h), the 64-bit member only;
 * the union is sized for the larger 32-bit one (120 bytes). */
struct demo_vcpu_hvm_context {
    uint32_t mode;                      /* 1: VCPU_HVM_MODE_64B */
    uint32_t pad;
    union {
        struct {
            uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, rip, rflags;
            uint64_t cr0, cr3, cr4, efer;
        } x86_64;
        uint8_t x86_32[120];
    } regs;
};
#define VCPU_HVM_MODE_64B 1

/* What the exception stubs leave on the stack. */
struct demo_x86_exc {
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
};

extern char demo_hypercall_page[] DEMO_HIDDEN;
extern char demo_pml4[] DEMO_HIDDEN;
extern char demo_stacks[] DEMO_HIDDEN;
extern char demo_x86_exc_stubs[] DEMO_HIDDEN;
extern char demo_x86_upcall_stub[] DEMO_HIDDEN;
extern char demo_x86_secondary_entry[] DEMO_HIDDEN;
DEMO_NORETURN void demo_x86_main(uint32_t start_info) DEMO_HIDDEN;
DEMO_NORETURN void demo_x86_secondary(unsigned long id) DEMO_HIDDEN;
DEMO_NORETURN void demo_x86_exception(const struct demo_x86_exc *f) DEMO_HIDDEN;
void demo_x86_upcall(void) DEMO_HIDDEN;

static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint32_t xen_base, hcall_msr;
static unsigned long tsc_hz;
static bool tsc_rate_guessed;
static char cmdline[1024];
static struct vcpu_info vcpu0_info __attribute__((aligned(64)));
static volatile unsigned long upcalls;

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

static void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/* Before there is a hypercall page: Xen's debug port, and stop. */
DEMO_NORETURN static void early_fail(const char *msg)
{
    while (*msg)
        outb(0xe9, (uint8_t)*msg++);
    demo_arch_halt();
}

static void set_gate(unsigned int vec, const void *fn)
{
    uintptr_t a = (uintptr_t)fn;

    idt[vec] = (struct idt_gate){
        .off_lo = (uint16_t)a, .sel = SEL_CODE64, .ist = 0, .type = 0x8e,   /* interrupt gate */
        .off_mid = (uint16_t)(a >> 16), .off_hi = (uint32_t)(a >> 32),
    };
}

static void load_idt(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } d = {
        sizeof(idt) - 1, (uintptr_t)idt,
    };

    __asm__ volatile("lidt %0" : : "m"(d));
}

void demo_x86_main(uint32_t start_info)
{
    uint32_t r[4];

    /* The hypervisor's leaves start at 0x40000000 or a multiple of 0x100 above. */
    for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
        cpuid(base, 0, r);
        if (r[1] == 0x566e6558 && r[2] == 0x65584d4d && r[3] == 0x4d4d566e && r[0] >= base + 3) {
            xen_base = base;                                /* "XenVMMXenVMM" */
            break;
        }
    }
    if (!xen_base)
        early_fail("demo-dom0: FAIL: no Xen CPUID leaves\n");
    cpuid(xen_base + 2, 0, r);                      /* eax pages, ebx MSR */
    if (r[0] < 1)
        early_fail("demo-dom0: FAIL: no hypercall page offered\n");
    hcall_msr = r[1];
    wrmsr(hcall_msr, (uintptr_t)demo_hypercall_page);   /* page 0 at this frame */

    cpuid(xen_base + 3, 0, r);                      /* ecx: TSC kHz */
    tsc_hz = (unsigned long)r[2] * 1000;
    if (!tsc_hz) {
        tsc_hz = 1000000000ul;
        tsc_rate_guessed = true;
    }

    for (unsigned int v = 0; v < 32; v++)
        set_gate(v, demo_x86_exc_stubs + 16 * v);
    set_gate(UPCALL_VECTOR, demo_x86_upcall_stub);
    load_idt();

    demo_run(start_info);
}

void demo_x86_secondary(unsigned long id)
{
    load_idt();
    demo_secondary((unsigned int)id);
}

/* ------------------------------------------------------------ the hooks */

void demo_arch_barrier(void)
{
    __asm__ volatile("mfence" ::: "memory");
}

unsigned long demo_arch_ticks(void)
{
    return rdtsc();
}

unsigned long demo_arch_tick_hz(void)
{
    return tsc_hz;
}

static unsigned int apic_id(void)
{
    uint32_t r[4];

    cpuid(1, 0, r);
    return r[1] >> 24;
}

void demo_arch_hello(void)
{
    demo_printf("demo-dom0: hello from an x86_64 PVH dom0 (vCPU0 in long mode, APIC id %u)\n",
                apic_id());
    demo_printf("demo-dom0: Xen CPUID leaves at 0x%x; hypercall page at 0x%lx through MSR 0x%x; "
                "TSC %lu kHz%s\n", xen_base, (unsigned long)(uintptr_t)demo_hypercall_page,
                hcall_msr, tsc_hz / 1000, tsc_rate_guessed ? " (guessed: leaf 3 says 0)" : "");
}

void demo_arch_vcpu_hello(unsigned int id)
{
    demo_printf("demo-dom0: vCPU%u: up (APIC id %u)\n", id, apic_id());
}

static bool sum_ok(const uint8_t *p, uint32_t len)
{
    uint8_t s = 0;

    while (len--)
        s = (uint8_t)(s + *p++);
    return s == 0;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

/* Enabled processors in the MADT the RSDP leads to; 0 if none is found. */
static unsigned int madt_cpus(uint64_t rsdp_pa)
{
    const uint8_t *rsdp = (const uint8_t *)(uintptr_t)rsdp_pa, *sdt;
    uint32_t len, entry = 4;
    unsigned int n = 0;

    if (!rsdp_pa || rsdp_pa >= (1ull << 32) || demo_strncmp((const char *)rsdp, "RSD PTR ", 8) ||
        !sum_ok(rsdp, 20))
        return 0;
    if (rsdp[15] >= 2 && rd64(rsdp + 24)) {
        if (rd64(rsdp + 24) >= (1ull << 32))
            return 0;                               /* beyond our 1:1 map */
        sdt = (const uint8_t *)(uintptr_t)rd64(rsdp + 24);
        entry = 8;
    } else {
        sdt = (const uint8_t *)(uintptr_t)rd32(rsdp + 16);
    }
    if (!sdt)
        return 0;
    len = rd32(sdt + 4);
    if (len < 36 || len > 65536 || !sum_ok(sdt, len))
        return 0;
    for (uint32_t off = 36; off + entry <= len; off += entry) {
        uint64_t pa = entry == 8 ? rd64(sdt + off) : rd32(sdt + off);
        const uint8_t *t = (const uint8_t *)(uintptr_t)pa;
        uint32_t tlen;

        if (!pa || pa >= (1ull << 32) || demo_strncmp((const char *)t, "APIC", 4))
            continue;
        tlen = rd32(t + 4);
        if (tlen < 44 || tlen > 65536 || !sum_ok(t, tlen))
            return 0;
        for (uint32_t o = 44; o + 2 <= tlen && t[o + 1] >= 2 && o + t[o + 1] <= tlen;
             o += t[o + 1]) {
            if (t[o] == 0 && t[o + 1] >= 8 && (rd32(t + o + 4) & 1))
                n++;                                /* local APIC, enabled */
            else if (t[o] == 9 && t[o + 1] >= 16 && (rd32(t + o + 8) & 1))
                n++;                                /* local x2APIC, enabled */
        }
        return n;
    }
    return 0;
}

void demo_arch_boot_info(unsigned long pa, struct demo_boot *b)
{
    const struct hvm_start_info *si = (const struct hvm_start_info *)pa;

    b->bootargs = "";
    b->nr_cpus = 0;
    b->cpus_from = "in the MADT";
    b->error = NULL;
    if (!pa || pa >= (1ul << 32) || si->magic != XEN_HVM_START_MAGIC_VALUE) {
        b->error = "no PVH start info";
        demo_printf("demo-dom0: start info at 0x%lx unusable: one vCPU, defaults\n", pa);
        return;
    }
    if (si->cmdline_paddr && si->cmdline_paddr < (1ull << 32)) {
        const char *c = (const char *)(uintptr_t)si->cmdline_paddr;
        size_t i;

        for (i = 0; i < sizeof(cmdline) - 1 && c[i]; i++)
            cmdline[i] = c[i];
        cmdline[i] = '\0';
        b->bootargs = cmdline;
    }
    b->nr_cpus = madt_cpus(si->rsdp_paddr);
    demo_printf("demo-dom0: PVH start info at 0x%lx: version %u, flags 0x%x, %u module(s), "
                "%u memory map entries, RSDP at 0x%lx\n", pa, si->version, si->flags,
                si->nr_modules, si->version >= 1 ? si->memmap_entries : 0,
                (unsigned long)si->rsdp_paddr);
}

long demo_arch_start_vcpu(unsigned int id, const char **why, bool *fatal)
{
    static struct demo_vcpu_hvm_context ctx;
    uint64_t cr0, cr3, cr4;
    long rc;

    __asm__ volatile("mov %%cr0, %0; mov %%cr3, %1; mov %%cr4, %2"
                     : "=r"(cr0), "=r"(cr3), "=r"(cr4));
    memset(&ctx, 0, sizeof(ctx));
    ctx.mode = VCPU_HVM_MODE_64B;
    ctx.regs.x86_64.rip = (uintptr_t)demo_x86_secondary_entry;
    ctx.regs.x86_64.rsp = (uintptr_t)demo_stacks + (uint64_t)(id + 1) * DEMO_STACK_SIZE;
    ctx.regs.x86_64.rdi = id;
    ctx.regs.x86_64.rflags = 0x2;
    ctx.regs.x86_64.cr0 = cr0;
    ctx.regs.x86_64.cr3 = cr3;
    ctx.regs.x86_64.cr4 = cr4;
    ctx.regs.x86_64.efer = (1u << 8) | (1u << 10);      /* LME, LMA */
    rc = demo_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_initialise, id, (uintptr_t)&ctx, 0, 0);
    if (rc) {
        *fatal = rc != -XEN_ENOSYS;
        *why = rc == -XEN_ENOSYS ? "VCPUOP_initialise is not offered by this hypervisor"
                                 : "VCPUOP_initialise";
        return rc;
    }
    rc = demo_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_up, id, 0, 0, 0);
    *why = "VCPUOP_up";
    *fatal = true;
    return rc;
}

void demo_arch_vcpu_off(unsigned int id)
{
    long rc = demo_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_down, id, 0, 0, 0);

    demo_printf("demo-dom0: FAIL: vCPU%u: VCPUOP_down returned %ld\n", id, rc);
    demo_arch_halt();
}

void demo_x86_exception(const struct demo_x86_exc *f)
{
    uint64_t cr2;

    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    demo_printf("demo-dom0: FAIL: unexpected exception %lu (error 0x%lx) at %lx:%lx, "
                "rflags 0x%lx, rsp 0x%lx, cr2 0x%lx, APIC id %u\n",
                (unsigned long)f->vector, (unsigned long)f->error, (unsigned long)f->cs,
                (unsigned long)f->rip, (unsigned long)f->rflags, (unsigned long)f->rsp,
                (unsigned long)cr2, apic_id());
    demo_shutdown(SHUTDOWN_crash);
}

/* ------------------------------------------------------------ event channels */

/* The upcall: acknowledge it in our vcpu_info (the vector stays asserted
 * while evtchn_upcall_pending is set) and count it. */
void demo_x86_upcall(void)
{
    vcpu0_info.evtchn_upcall_pending = 0;
    __atomic_store_n(&vcpu0_info.evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    upcalls++;
}

static long evtchn_op(int cmd, void *arg)
{
    return demo_hypercall(__HYPERVISOR_event_channel_op, (unsigned long)cmd,
                          (unsigned long)arg, 0, 0, 0);
}

static long evtchn_close(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };

    return evtchn_op(EVTCHNOP_close, &c);
}

/* Interrupts on, halted until an upcall comes or `ms` pass; ticks waited or 0. */
static unsigned long wait_upcall(unsigned long before, unsigned long ms)
{
    unsigned long t0 = rdtsc(), deadline = t0 + ms * (tsc_hz / 1000);

    while (upcalls == before) {
        if (rdtsc() > deadline)
            return 0;
        /* sti's shadow covers hlt: an upcall cannot slip in between. */
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
    return rdtsc() - t0;
}

/* Xen system time now, from vcpu_info's time record; 0 if it has none. */
static uint64_t system_time_ns(void)
{
    const volatile struct vcpu_time_info *t = &vcpu0_info.time;
    uint32_t ver;
    uint64_t ns, delta;

    do {
        ver = t->version;
        __asm__ volatile("" ::: "memory");
        if (!t->tsc_to_system_mul)
            return 0;
        delta = rdtsc() - t->tsc_timestamp;
        if (t->tsc_shift < 0)
            delta >>= -t->tsc_shift;
        else
            delta <<= t->tsc_shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        __asm__ volatile("" ::: "memory");
    } while ((ver & 1) || ver != t->version);
    return ns;
}

#define TIMER_ROUNDS 3

void demo_arch_events(void)
{
    struct vcpu_register_vcpu_info reg = {
        .mfn = (uintptr_t)&vcpu0_info >> 12, .offset = (uintptr_t)&vcpu0_info & 0xfff,
    };
    struct xen_hvm_param p = {
        .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
        .value = (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | UPCALL_VECTOR,
    };
    unsigned long us[TIMER_ROUNDS], waited;
    evtchn_port_t timer_port = 0;
    bool timed;
    long rc;

    rc = demo_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, (uintptr_t)&reg, 0, 0);
    if (rc) {
        demo_printf("demo-dom0: FAIL: events: VCPUOP_register_vcpu_info: %ld\n", rc);
        return;
    }
    rc = demo_hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uintptr_t)&p, 0, 0, 0);
    if (rc) {
        demo_printf("demo-dom0: FAIL: events: HVM_PARAM_CALLBACK_IRQ (vector 0x%x): %ld\n",
                    UPCALL_VECTOR, rc);
        return;
    }
    timed = system_time_ns() != 0;
    /* Registering flagged everything pending: take that upcall first, or round 1 counts it. */
    if (vcpu0_info.evtchn_upcall_pending)
        wait_upcall(upcalls, 100);

    /*
     * Each round binds VIRQ_TIMER, arms a one-shot timer and sleeps (hlt)
     * until the upcall; closing the port clears its pending bit, which we
     * could not do ourselves without mapping shared_info.
     */
    for (unsigned int i = 0; i < TIMER_ROUNDS; i++) {
        struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
        struct vcpu_set_singleshot_timer st = { .flags = 0 };
        unsigned long before = upcalls;

        rc = evtchn_op(EVTCHNOP_bind_virq, &bv);
        if (rc) {
            demo_printf("demo-dom0: FAIL: events: EVTCHNOP_bind_virq(VIRQ_TIMER): %ld\n", rc);
            return;
        }
        timer_port = bv.port;
        /* 10 ms on; with no system time in vcpu_info, a deadline already past: at once. */
        st.timeout_abs_ns = timed ? system_time_ns() + 10000000ull * (i + 1) : 0;
        rc = demo_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0,
                            (uintptr_t)&st, 0, 0);
        if (rc) {
            demo_printf("demo-dom0: FAIL: events: VCPUOP_set_singleshot_timer: %ld\n", rc);
            evtchn_close(timer_port);
            return;
        }
        waited = wait_upcall(before, 2000);
        evtchn_close(timer_port);
        if (!waited) {
            demo_printf("demo-dom0: FAIL: events: no upcall for VIRQ_TIMER (port %u) in 2 s\n",
                        timer_port);
            return;
        }
        us[i] = waited / (tsc_hz / 1000000 ? tsc_hz / 1000000 : 1);
    }
    demo_printf("demo-dom0: events: VIRQ_TIMER on port %u: %u upcalls on vector 0x%x, "
                "after %lu, %lu, %lu us (%s)\n", timer_port, TIMER_ROUNDS, UPCALL_VECTOR,
                us[0], us[1], us[2], timed ? "timers 10, 20, 30 ms ahead"
                                           : "no system time in vcpu_info: timers due at once");

    {
        struct evtchn_bind_ipi bi = { .vcpu = 0 };
        struct evtchn_send s;
        unsigned long before = upcalls;

        rc = evtchn_op(EVTCHNOP_bind_ipi, &bi);
        if (rc) {
            demo_printf("demo-dom0: FAIL: events: EVTCHNOP_bind_ipi: %ld\n", rc);
            return;
        }
        s.port = bi.port;
        rc = evtchn_op(EVTCHNOP_send, &s);
        waited = rc ? 0 : wait_upcall(before, 2000);
        evtchn_close(bi.port);
        if (!waited) {
            demo_printf("demo-dom0: FAIL: events: IPI to ourselves on port %u: send %ld, "
                        "no upcall in 2 s\n", bi.port, rc);
            return;
        }
        demo_printf("demo-dom0: events: IPI to ourselves on port %u: upcall after %lu us; "
                    "%lu upcalls in all\n", bi.port,
                    waited / (tsc_hz / 1000000 ? tsc_hz / 1000000 : 1), upcalls);
    }
}
