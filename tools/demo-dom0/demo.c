/*
 * demo-dom0: what `make run` boots as domain 0, the same flow on arm64 and
 * x86_64.  vCPU 0 greets, asks the hypervisor who it is (xen_version),
 * starts every other vCPU (arm64: PSCI CPU_ON; x86_64: VCPUOP_initialise +
 * VCPUOP_up where offered); the architecture may show its event channels
 * (x86_64: VIRQ_TIMER and an IPI delivered as upcall interrupts); then all
 * vCPUs search for primes for a while, each noticing which other vCPUs made
 * progress while it was running itself (proof that they ran at the same
 * time, on different physical CPUs), report, and vCPU 0 shuts the domain
 * down with SCHEDOP_shutdown.
 *
 * Options (the kernel command line):
 *   demo.shutdown=poweroff|reboot|crash   the shutdown reason (poweroff)
 *   demo.work=MS                          how long each vCPU works (300)
 *   demo.vcpus=N                          use at most N vCPUs (all)
 */
#include "demo.h"
#include <public/xen.h>
#include <public/version.h>
#include <public/sched.h>

#define barrier()   demo_arch_barrier()

/* Shared between vCPUs: each one writes only its own slots. */
static volatile unsigned int up[DEMO_MAX_VCPUS];
static volatile unsigned int done[DEMO_MAX_VCPUS];
static volatile unsigned long progress[DEMO_MAX_VCPUS];
static volatile unsigned long seen_with[DEMO_MAX_VCPUS];  /* bit j: j ran alongside */
static volatile unsigned long primes_found[DEMO_MAX_VCPUS];
static volatile unsigned int go;
static unsigned int nr_vcpus;
static unsigned long work_ms = 300;
static unsigned long hz;

static unsigned long ticks_to_ms(unsigned long t)
{
    return hz >= 1000 ? t / (hz / 1000) : 0;
}

static long sched_op(int cmd, void *arg)
{
    return demo_hypercall(__HYPERVISOR_sched_op, (unsigned long)cmd, (unsigned long)arg,
                          0, 0, 0);
}

static void yield(void)
{
    sched_op(SCHEDOP_yield, NULL);
}

static const char *reason_name(unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return "SHUTDOWN_poweroff";
    case SHUTDOWN_reboot:   return "SHUTDOWN_reboot";
    case SHUTDOWN_crash:    return "SHUTDOWN_crash";
    default:                return "?";
    }
}

void demo_shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };
    long rc;

    demo_printf("demo-dom0: shutting down: SCHEDOP_shutdown(%s)\n", reason_name(reason));
    rc = sched_op(SCHEDOP_shutdown, &s);
    demo_printf("demo-dom0: FAIL: still running after SCHEDOP_shutdown (%ld)\n", rc);
    demo_arch_halt();
}

/* ------------------------------------------------------------ the work */

static bool is_prime(unsigned long n)
{
    if (n < 2)
        return false;
    if (n % 2 == 0)
        return n == 2;
    for (unsigned long d = 3; d * d <= n; d += 2) {
        if (n % d == 0)
            return false;
    }
    return true;
}

static void list_vcpus(char *buf, size_t size, unsigned long mask)
{
    size_t len = 0;

    buf[0] = '\0';
    for (unsigned int j = 0; j < DEMO_MAX_VCPUS && len < size; j++) {
        if (mask & (1ul << j))
            len += (size_t)demo_snprintf(buf + len, size - len, "%s%u", len ? "," : "", j);
    }
    if (!mask)
        demo_snprintf(buf, size, "none");
}

/*
 * Test odd numbers for primality (vCPU `id` takes every nr_vcpus-th one)
 * for work_ms.  Between two of our own steps that follow each other
 * closely (no gap: we were not descheduled), another vCPU's progress
 * counter moving means it was running at the same time as we were.
 */
static void work(unsigned int id)
{
    unsigned long start = demo_arch_ticks(), end = start + work_ms * (hz / 1000);
    unsigned long close = hz / 2000;                /* 0.5 ms */
    unsigned long last[DEMO_MAX_VCPUS], prev = start, n, tested = 0, primes = 0, largest = 0;
    unsigned long seen = 0;
    char list[64];

    for (unsigned int j = 0; j < nr_vcpus; j++)
        last[j] = progress[j];
    n = 3 + 2ul * id;
    for (;;) {
        unsigned long t = demo_arch_ticks();

        if (t >= end)
            break;
        for (unsigned int j = 0; j < nr_vcpus; j++) {
            unsigned long p = progress[j];

            if (j != id && p != last[j] && t - prev < close)
                seen |= 1ul << j;
            last[j] = p;
        }
        prev = t;
        if (is_prime(n)) {
            primes++;
            largest = n;
        }
        n += 2ul * nr_vcpus;
        tested++;
        progress[id] = tested;
    }
    seen_with[id] = seen;
    primes_found[id] = primes;
    list_vcpus(list, sizeof(list), seen);
    demo_printf("demo-dom0: vCPU%u: tested %lu numbers in %lu ms, %lu primes (largest %lu); "
                "saw vCPUs %s running at the same time\n",
                id, tested, ticks_to_ms(demo_arch_ticks() - start), primes, largest, list);
}

/* ------------------------------------------------------------ vCPUs */

void demo_secondary(unsigned int id)
{
    up[id] = 1;
    barrier();
    demo_arch_vcpu_hello(id);
    while (!go)
        yield();
    barrier();
    work(id);
    barrier();
    done[id] = 1;
    barrier();
    demo_arch_vcpu_off(id);
}

/* Wait (yielding) until every started vCPU has set its flag; false on timeout. */
static bool wait_all(volatile unsigned int *flag, unsigned int first, unsigned long ms)
{
    unsigned long deadline = demo_arch_ticks() + ms * (hz / 1000);

    for (unsigned int i = first; i < nr_vcpus; i++) {
        while (!flag[i]) {
            if (demo_arch_ticks() > deadline)
                return false;
            yield();
        }
    }
    barrier();
    return true;
}

/* ------------------------------------------------------------ options */

struct options {
    unsigned int reason;
    unsigned long vcpus;
};

static void parse_options(const char *s, struct options *o)
{
    while (*s) {
        const char *w = s, *end;
        size_t len;

        while (*s && *s != ' ')
            s++;
        len = (size_t)(s - w);
        while (*s == ' ')
            s++;
        if (len > 14 && !demo_strncmp(w, "demo.shutdown=", 14)) {
            w += 14;
            len -= 14;
            if (len == 8 && !demo_strncmp(w, "poweroff", 8))
                o->reason = SHUTDOWN_poweroff;
            else if (len == 6 && !demo_strncmp(w, "reboot", 6))
                o->reason = SHUTDOWN_reboot;
            else if (len == 5 && !demo_strncmp(w, "crash", 5))
                o->reason = SHUTDOWN_crash;
            else
                demo_printf("demo-dom0: unknown demo.shutdown= value ignored\n");
        } else if (len > 10 && !demo_strncmp(w, "demo.work=", 10)) {
            unsigned long v = demo_strtoul(w + 10, &end);

            if (end == w + len && v >= 1 && v <= 60000)
                work_ms = v;
        } else if (len > 11 && !demo_strncmp(w, "demo.vcpus=", 11)) {
            unsigned long v = demo_strtoul(w + 11, &end);

            if (end == w + len && v >= 1)
                o->vcpus = v;
        }
    }
}

void demo_run(unsigned long boot_arg)
{
    struct options opt = { .reason = SHUTDOWN_poweroff, .vcpus = DEMO_MAX_VCPUS };
    xen_extraversion_t extra;
    struct demo_boot b;
    unsigned long total = 0, pairs = 0;
    unsigned int started = 1;
    long ver;

    hz = demo_arch_tick_hz();
    demo_arch_hello();

    ver = demo_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    memset(extra, 0, sizeof(extra));
    if (demo_hypercall(__HYPERVISOR_xen_version, XENVER_extraversion,
                       (unsigned long)extra, 0, 0, 0) < 0)
        extra[0] = '\0';
    extra[sizeof(extra) - 1] = '\0';
    demo_printf("demo-dom0: the hypervisor says Xen %ld.%ld%s\n",
                ver >> 16, ver & 0xffff, extra);

    demo_arch_boot_info(boot_arg, &b);
    parse_options(b.bootargs, &opt);
    nr_vcpus = b.nr_cpus ? b.nr_cpus : 1;
    if (nr_vcpus > opt.vcpus)
        nr_vcpus = (unsigned int)opt.vcpus;
    if (nr_vcpus > DEMO_MAX_VCPUS)
        nr_vcpus = DEMO_MAX_VCPUS;
    demo_printf("demo-dom0: command line \"%s\"; %u vCPUs %s, using %u, "
                "%lu ms of work each\n", b.bootargs, b.nr_cpus, b.cpus_from, nr_vcpus, work_ms);

    up[0] = 1;
    for (unsigned int i = 1; i < nr_vcpus; i++) {
        const char *why = "?";
        bool fatal = true;
        long rc = demo_arch_start_vcpu(i, &why, &fatal);

        if (rc) {
            demo_printf("demo-dom0: %scannot start vCPU%u: %s (%ld); carrying on with %u\n",
                        fatal ? "FAIL: " : "", i, why, rc, i);
            nr_vcpus = i;
            break;
        }
        started++;
    }
    if (!wait_all(up, 1, 5000))
        demo_printf("demo-dom0: FAIL: not every vCPU came up\n");

    demo_arch_events();

    demo_printf("demo-dom0: %u of %u vCPUs up; working for %lu ms\n",
                started, nr_vcpus, work_ms);
    barrier();
    go = 1;
    barrier();
    work(0);
    if (!wait_all(done, 1, work_ms + 10000))
        demo_printf("demo-dom0: FAIL: not every vCPU finished\n");

    for (unsigned int i = 0; i < nr_vcpus; i++) {
        total += primes_found[i];
        for (unsigned int j = i + 1; j < nr_vcpus; j++) {
            if ((seen_with[i] >> j & 1) || (seen_with[j] >> i & 1))
                pairs++;
        }
    }
    demo_printf("demo-dom0: all %u vCPUs done: %lu primes in total; %lu pair(s) of vCPUs "
                "seen running at the same time\n", nr_vcpus, total, pairs);
    demo_shutdown(opt.reason);
}
