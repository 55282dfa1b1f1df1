/*
 * Host unit tests for domains, vCPUs and the credit scheduler, over the
 * fake architecture under ASan/UBSan.
 *
 * One host thread plays every CPU: the test switches the fake current CPU,
 * lets due timers fire and runs pending softirqs (SCHEDULE_SOFTIRQ among
 * them) CPU by CPU, while a fake clock moves in small steps.  A guest vCPU
 * "runs" simply by being current while time passes; the runstate
 * accounting then says how much CPU time each got.  When code on one CPU
 * waits for another (vcpu_sleep_sync()), arch_cpu_relax() runs the other
 * CPUs' softirqs so the wait can end.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include <xen/boot_info.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/smp.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <public/sched.h>
#include "fake_arch.h"

#include "../check.h"

#define MS(x)   ((uint64_t)(x) * 1000000ULL)
#define US(x)   ((uint64_t)(x) * 1000ULL)

static uint64_t rng = 0x6a09e667f3bcc909ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* ================================================================ machine */

/*
 * Where "toolstack" calls (domain_pause() & co.) come from in tests with
 * at most three CPUs: a CPU the scheduler does not know, so that no vCPU
 * is current there, as for a dom0 vCPU pausing another domain.
 */
#define TS_CPU  (CONFIG_NR_CPUS - 1)

static struct boot_info bi;
static unsigned int ncpus;
static unsigned long base_free;     /* free pages once the scheduler is up */

static void run_cpu(unsigned int cpu)
{
    unsigned int saved = fake_get_cpu();
    uint64_t d;

    fake_set_cpu(cpu);
    d = fake_timer_deadline(cpu);
    if (d && d <= fake_clock())
        timer_interrupt();
    do_softirq();
    fake_set_cpu(saved);
}

static bool cpu_due(unsigned int cpu)
{
    uint64_t d = fake_timer_deadline(cpu);

    return softirq_pending(cpu) || (d && d <= fake_clock());
}

/* Run every CPU until none has work left. */
static void settle(void)
{
    for (int round = 0; round < 64; round++) {
        bool any = false;

        for (unsigned int cpu = 0; cpu < ncpus; cpu++) {
            if (cpu_due(cpu)) {
                run_cpu(cpu);
                any = true;
            }
        }
        if (!any)
            return;
    }
    CHECK(0, "CPUs never settled");
}

/* Let `ns` of time pass in steps of `step`, the CPUs working after each. */
static void advance(uint64_t ns, uint64_t step)
{
    while (ns) {
        uint64_t d = ns < step ? ns : step;

        fake_clock_advance(d);
        ns -= d;
        settle();
    }
}

/* A CPU waiting for others: let them run (not re-entered). */
static void relax_run_others(void)
{
    static bool busy;
    unsigned int me = fake_get_cpu();

    if (busy)
        return;
    busy = true;
    for (unsigned int cpu = 0; cpu < ncpus; cpu++)
        if (cpu != me && cpu_due(cpu))
            run_cpu(cpu);
    busy = false;
}

/* Bring CPU `cpu` into the scheduler and online (what start_secondary_common() does). */
static void cpu_up(unsigned int cpu)
{
    unsigned int saved = fake_get_cpu();

    fake_set_cpu(cpu);
    CHECK(sched_init_cpu(cpu) == 0, "sched_init_cpu(%u)", cpu);
    cpumask_set_cpu(cpu, &cpu_online_map);
    fake_set_cpu(saved);
    if (cpu >= ncpus)
        ncpus = cpu + 1;
}

/* A fresh machine: 64 MiB, `online` CPUs up (the rest can come later). */
static void setup(unsigned int online)
{
    uint64_t base = 0x40000000ULL;

    fake_reset();
    fake_domain_reset();
    fake_printk_quiet(true);
    fake_mem_init(base, 64 << 20);
    memset(&bi, 0, sizeof(bi));
    bi.mem[bi.nr_mem++] = (struct boot_mem_region){ base, 64 << 20, BOOT_MEM_RAM };
    bi.image_start = base;
    bi.image_end = base + (1 << 20);
    heap_init(&bi);
    xmalloc_init();
    softirq_init();
    timer_init();
    smp_init();
    scheduler_init();
    ncpus = 1;
    for (unsigned int cpu = 1; cpu < online; cpu++)
        cpu_up(cpu);
    fake_relax_hook = relax_run_others;
    fake_clock_set(MS(1));
    base_free = total_free_pages();
}

static struct vcpu *curr_on(unsigned int cpu)
{
    return per_cpu(curr_vcpu, cpu);
}

static struct domain *mkdom(domid_t id, unsigned int nr_vcpus, int *err)
{
    struct xen_domctl_createdomain c;

    memset(&c, 0, sizeof(c));
    c.max_vcpus = nr_vcpus;
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c.max_grant_frames = -1;
    c.max_maptrack_frames = -1;
    c.handle[0] = (uint8_t)id;
    return domain_create(id, &c, id == 0, err);
}

/* A domain with all its vCPUs created, up and unpaused. */
static struct domain *start_dom(domid_t id, unsigned int nr_vcpus)
{
    int err = 1;
    struct domain *d = mkdom(id, nr_vcpus, &err);

    CHECK(d && err == 0, "domain_create(%u): %d", id, err);
    if (!d)
        exit(1);
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        struct vcpu *v = vcpu_create(d, i);

        CHECK(v != NULL, "vcpu_create(d%u, %u)", id, i);
        if (!v)
            exit(1);
        vcpu_up(v);
    }
    CHECK(domain_unpause_by_systemcontroller(d) == 0, "unpause d%u", id);
    return d;
}

static uint64_t run_time(struct vcpu *v)
{
    struct vcpu_runstate_info rs;

    vcpu_runstate_get(v, &rs);
    return rs.time[RUNSTATE_running];
}

/* Kill a domain we hold only the creation reference of. */
static void kill_dom(struct domain *d)
{
    CHECK(domain_kill(d) == 0, "domain_kill");
}

static void check_clean(const char *what)
{
    settle();
    CHECK(total_free_pages() == base_free, "%s: %lu pages free, %lu at start",
          what, total_free_pages(), base_free);
    CHECK(fake_arch_domains == 0 && fake_arch_vcpus == 0,
          "%s: arch objects left: %ld domains, %ld vCPUs", what,
          fake_arch_domains, fake_arch_vcpus);
    CHECK(fake_switch_violations == 0, "%s: %lu context switch contract breaches",
          what, fake_switch_violations);
    for (unsigned int cpu = 0; cpu < ncpus; cpu++)
        CHECK(curr_on(cpu) == idle_vcpu[cpu], "%s: CPU%u not idle", what, cpu);
}

/* ================================================================ tests */

static void test_idle(void)
{
    setup(3);
    CHECK(idle_domain && idle_domain->domain_id == DOMID_IDLE, "idle domain");
    for (unsigned int cpu = 0; cpu < 3; cpu++) {
        struct vcpu *v = idle_vcpu[cpu];

        CHECK(v && is_idle_vcpu(v) && v->processor == cpu && v->vcpu_id == cpu,
              "idle vCPU of CPU%u", cpu);
        CHECK(curr_on(cpu) == v, "CPU%u runs its idle vCPU", cpu);
        CHECK(v && v->arch == NULL, "idle vCPUs have no arch state");
    }
    CHECK(idle_vcpu[3] == NULL && curr_on(3) == NULL, "no idle vCPU for an absent CPU");
    CHECK(sched_init_cpu(NR_CPUS) == -EINVAL, "CPU out of range");
    CHECK(sched_init_cpu(1) == 0 && curr_on(1) == idle_vcpu[1], "second init is a no-op");
    /* Nothing to run: no switches, no pages used by time passing. */
    advance(MS(100), MS(1));
    for (unsigned int cpu = 0; cpu < 3; cpu++)
        CHECK(fake_switches[cpu] == 0, "CPU%u switched with nothing to run", cpu);
    CHECK(total_free_pages() == base_free, "idling allocated memory");
    /* A CPU coming up later gets its idle vCPU. */
    cpu_up(3);
    CHECK(idle_vcpu[3] && curr_on(3) == idle_vcpu[3] && cpu_online(3), "late CPU");
}

static void test_create_destroy(void)
{
    struct domain *d, *d2;
    struct page_info *pg[3];
    int err = 1;

    setup(2);

    /* Created: shared_info zeroed, vCPUs down, domain paused, on the list. */
    d = mkdom(5, 40, &err);
    CHECK(d && err == 0, "create: %d", err);
    if (!d)
        return;
    CHECK(d->domain_id == 5 && d->max_vcpus == 40 && d->handle[0] == 5, "fields");
    CHECK(d->cdf == (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap), "cdf %#x", d->cdf);
    CHECK(!d->is_privileged && hardware_domain == NULL, "d5 is not dom0");
    CHECK(d->shared_info && mfn_eq(d->shared_info_mfn, virt_to_mfn(d->shared_info)),
          "shared_info and its frame");
    {
        const unsigned char *p = (const unsigned char *)d->shared_info;
        bool zero = true;

        for (size_t i = 0; i < PAGE_SIZE; i++)
            zero &= p[i] == 0;
        CHECK(zero, "shared_info not zeroed");
    }
    CHECK(atomic_read(&d->refcnt) == 1 && atomic_read(&d->pause_count) == 1, "ref/pause");
    CHECK(d->arch != NULL && fake_arch_domains == 1, "arch_domain_create ran");
    CHECK(sched_get_weight(d) == SCHED_DEFAULT_WEIGHT, "default weight");

    for (unsigned int i = 0; i < 40; i++) {
        struct vcpu *v = vcpu_create(d, i);

        CHECK(v && d->vcpu[i] == v && v->vcpu_id == i && v->domain == d, "vCPU %u", i);
        if (!v)
            continue;
        CHECK(test_bit(VPF_DOWN, &v->pause_flags) && !vcpu_runnable(v), "vCPU %u starts down", i);
        CHECK(v->runstate.state == RUNSTATE_offline, "vCPU %u offline", i);
        CHECK(v->arch != NULL && v->sched_priv != NULL, "vCPU %u arch/sched", i);
        CHECK(v->processor < 2, "vCPU %u on CPU%u", i, v->processor);
        CHECK(mfn_eq(v->vcpu_info_mfn, INVALID_MFN), "vcpu_info_mfn");
        if (i < XEN_LEGACY_MAX_VCPUS)
            CHECK(v->vcpu_info == &d->shared_info->vcpu_info[i], "vCPU %u vcpu_info", i);
        else
            CHECK(v->vcpu_info != NULL &&
                  ((uintptr_t)v->vcpu_info < (uintptr_t)d->shared_info ||
                   (uintptr_t)v->vcpu_info >= (uintptr_t)d->shared_info + PAGE_SIZE),
                  "vCPU %u vcpu_info outside shared_info", i);
    }
    CHECK(vcpu_create(d, 3) == NULL, "vCPU 3 twice");
    CHECK(vcpu_create(d, 40) == NULL, "vCPU id out of range");
    CHECK(vcpu_create(idle_domain, 0) == NULL, "vCPUs of the idle domain");
    CHECK(fake_arch_vcpus == 40, "arch vCPUs %ld", fake_arch_vcpus);
    /* vCPUs are spread over the CPUs as they are created. */
    {
        unsigned int on[2] = { 0, 0 };
        struct vcpu *v;

        for_each_vcpu(d, v)
            on[v->processor]++;
        CHECK(on[0] == 20 && on[1] == 20, "placement %u/%u", on[0], on[1]);
    }

    /* Memory owned by the domain. */
    pg[0] = alloc_domheap_pages(d, 0);
    pg[1] = alloc_domheap_pages(d, 3);
    pg[2] = alloc_domheap_pages(d, 2);
    CHECK(pg[0] && pg[1] && pg[2] && d->tot_pages == 13, "domheap pages: %lu", d->tot_pages);
    CHECK(pg[1] && pg[1][5].owner == d && list_count(&d->page_list) == 13, "owner/list");
    if (pg[2])
        free_domheap_pages(d, pg[2], 2);
    CHECK(d->tot_pages == 9 && list_count(&d->page_list) == 9, "after an early free");
    d->max_pages = 10;
    CHECK(alloc_domheap_pages(d, 1) == NULL && d->tot_pages == 9, "max_pages enforced");
    CHECK(alloc_domheap_pages(d, 0) != NULL && d->tot_pages == 10, "up to max_pages");
    CHECK(total_free_pages() < base_free, "pages in use");

    /* Lookups. */
    d2 = get_domain_by_id(5);
    CHECK(d2 == d && atomic_read(&d->refcnt) == 2, "get_domain_by_id");
    if (d2)
        put_domain(d2);
    CHECK(get_domain_by_id(6) == NULL, "no domain 6");

    /* Run some vCPUs for a while, then destroy with them on the CPUs. */
    vcpu_up(d->vcpu[0]);
    vcpu_up(d->vcpu[1]);
    vcpu_up(d->vcpu[33]);
    domain_unpause_by_systemcontroller(d);
    advance(MS(50), MS(1));
    CHECK(run_time(d->vcpu[0]) > 0 && run_time(d->vcpu[33]) > 0, "vCPUs ran");
    kill_dom(d);
    check_clean("create/kill");
    CHECK(get_domain_by_id(5) == NULL, "gone from the list");

    /* The creator dropping its reference without a kill frees it all too. */
    d = start_dom(7, 3);
    alloc_domheap_pages(d, 4);
    advance(MS(20), MS(1));
    put_domain(d);
    check_clean("create/put");

    /* Many domains, destroyed in a scrambled order. */
    {
        struct domain *ds[20];

        for (unsigned int i = 0; i < 20; i++) {
            ds[i] = start_dom((domid_t)(100 + (i * 7) % 20), 1 + i % 3);
            alloc_domheap_pages(ds[i], i % 4);
        }
        advance(MS(30), MS(1));
        for (unsigned int i = 0; i < 20; i++)
            kill_dom(ds[(i * 13) % 20]);
        check_clean("20 domains");
    }
}

static void test_bad_configs(void)
{
    struct xen_domctl_createdomain c;
    struct domain *d;
    int err;

    setup(1);
#define TRY(expect, what) do {                                              \
        err = 1;                                                            \
        d = domain_create(3, &c, false, &err);                              \
        CHECK(d == NULL && err == (expect), "%s: got %p, %d, want %d",      \
              what, (void *)d, err, expect);                                \
        if (d)                                                              \
            kill_dom(d);                                                    \
    } while (0)

    memset(&c, 0, sizeof(c));
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c.max_vcpus = 0;
    TRY(-EINVAL, "no vCPUs");
    c.max_vcpus = DOMAIN_MAX_VCPUS + 1;
    TRY(-EINVAL, "too many vCPUs");
    c.max_vcpus = ~0U;
    TRY(-EINVAL, "absurd vCPU count");
    c.max_vcpus = 1;
    c.flags = XEN_DOMCTL_CDF_hvm | (XEN_DOMCTL_CDF_MAX << 1);
    TRY(-EINVAL, "unknown flag");
    c.flags = 0x80000000u;
    TRY(-EINVAL, "unknown high flag");
    c.flags = XEN_DOMCTL_CDF_hap;
    TRY(-EINVAL, "HAP without HVM");
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_iommu;
    TRY(-EINVAL, "IOMMU without one");
    c.flags = XEN_DOMCTL_CDF_hvm;
    c.iommu_opts = XEN_DOMCTL_IOMMU_no_sharept;
    TRY(-EINVAL, "IOMMU options without IOMMU");
    c.iommu_opts = 0;
    c.vmtrace_size = 4096;
    TRY(-EINVAL, "vmtrace");
    c.vmtrace_size = 0;
    c.cpupool_id = 2;
    TRY(-EINVAL, "unknown cpupool");
    c.cpupool_id = 0;
    fake_sanitise_rc = -EOPNOTSUPP;
    TRY(-EOPNOTSUPP, "arch refuses the config");
    fake_sanitise_rc = 0;
    fake_domain_create_rc = -ENOMEM;
    TRY(-ENOMEM, "arch_domain_create fails");
    fake_domain_create_rc = 0;

    err = 1;
    CHECK(domain_create(DOMID_FIRST_RESERVED, &c, false, &err) == NULL && err == -EINVAL,
          "reserved domid: %d", err);
    err = 1;
    CHECK(domain_create(DOMID_SELF, &c, false, &err) == NULL && err == -EINVAL, "DOMID_SELF");
    err = 1;
    CHECK(domain_create(4, NULL, false, &err) == NULL && err == -EINVAL, "no config");
    CHECK(total_free_pages() == base_free, "failed creations leaked: %lu vs %lu",
          total_free_pages(), base_free);

    /* Duplicate id. */
    err = 1;
    d = domain_create(3, &c, false, &err);
    CHECK(d && err == 0, "good config: %d", err);
    {
        struct domain *dup;

        err = 1;
        dup = domain_create(3, &c, false, &err);
        CHECK(dup == NULL && err == -EEXIST, "duplicate id: %d", err);
    }
    /* A vCPU the arch cannot create leaves nothing behind. */
    fake_vcpu_create_fail_id = 0;
    CHECK(d && vcpu_create(d, 0) == NULL && d->vcpu[0] == NULL, "arch vCPU failure");
    fake_vcpu_create_fail_id = -1;
    CHECK(d && vcpu_create(d, 0) != NULL, "vCPU after the failure");
    if (d)
        kill_dom(d);
    check_clean("bad configs");

    /* Out of memory: every allocation stage, nothing leaked. */
    {
        LIST_DEFINE(hoard);
        unsigned long got = 0;
        mfn_t m;

        while (!mfn_eq(m = alloc_pages(0), INVALID_MFN)) {
            list_push_back(&hoard, &mfn_to_page(m)->list);
            got++;
        }
        err = 1;
        d = domain_create(9, &c, false, &err);
        CHECK(d == NULL && err == -ENOMEM, "no memory: %p %d", (void *)d, err);
        /* Give pages back one at a time until creation works. */
        for (unsigned long i = 0; i < got && !d; i++) {
            struct list_node *n = list_pop_front(&hoard);

            free_pages(page_to_mfn(list_entry(n, struct page_info, list)), 0);
            err = 1;
            d = domain_create(9, &c, false, &err);
            CHECK(d ? err == 0 : err == -ENOMEM, "partial memory: %d", err);
        }
        CHECK(d != NULL, "never created with memory back");
        if (d) {
            CHECK(vcpu_create(d, 0) == NULL || d->vcpu[0] != NULL, "vCPU in low memory");
            kill_dom(d);
        }
        while (!list_is_empty(&hoard)) {
            struct list_node *n = list_pop_front(&hoard);

            free_pages(page_to_mfn(list_entry(n, struct page_info, list)), 0);
        }
        check_clean("out of memory");
    }
#undef TRY
}

static void test_refcounts(void)
{
    struct domain *d, *again;
    int err;

    setup(1);
    d = start_dom(11, 2);
    CHECK(get_domain(d) && atomic_read(&d->refcnt) == 2, "get_domain");
    CHECK(get_domain(d) && atomic_read(&d->refcnt) == 3, "get_domain twice");
    put_domain(d);
    CHECK(atomic_read(&d->refcnt) == 2, "put_domain");

    /* Killed while we hold a reference: dying, not freed, not findable. */
    kill_dom(d);
    CHECK(d->is_dying && atomic_read(&d->refcnt) == 1, "dying, our ref left");
    CHECK(!get_domain(d), "no new references to a dying domain");
    CHECK(get_domain_by_id(11) == NULL, "a dying domain cannot be looked up");
    CHECK(domain_kill(d) == 0 && atomic_read(&d->refcnt) == 1, "second kill is a no-op");
    CHECK(fake_arch_domains == 1, "still there");
    err = 1;
    again = mkdom(11, 1, &err);
    CHECK(again == NULL && err == -EEXIST, "domid busy until the last put: %d", err);
    settle();
    CHECK(!d->vcpu[0]->is_running && !d->vcpu[1]->is_running, "dying domain's vCPUs stopped");
    put_domain(d);
    check_clean("refcounts");

    /* The id is free again. */
    err = 1;
    again = mkdom(11, 1, &err);
    CHECK(again && err == 0, "domid reused: %d", err);
    if (again)
        kill_dom(again);

    /* hardware_domain follows domain 0. */
    d = start_dom(0, 1);
    CHECK(hardware_domain == d && is_hardware_domain(d) && d->is_privileged, "dom0");
    kill_dom(d);
    CHECK(hardware_domain == NULL, "dom0 gone");
    check_clean("dom0");
}

static void test_state_machine(void)
{
    struct domain *d;
    struct vcpu *v, *w;
    int err = 1;

    setup(1);
    d = mkdom(1, 2, &err);
    v = vcpu_create(d, 0);
    w = vcpu_create(d, 1);
    CHECK(v && w, "vCPUs");
    if (!v || !w)
        return;

    /* Up but the domain still paused by its creator. */
    vcpu_up(v);
    settle();
    CHECK(!test_bit(VPF_DOWN, &v->pause_flags) && !vcpu_runnable(v), "up, paused");
    CHECK(v->runstate.state == RUNSTATE_offline && curr_on(0) != v, "paused: offline");
    CHECK(domain_unpause_by_systemcontroller(d) == 0, "unpause");
    CHECK(domain_unpause_by_systemcontroller(d) == -EINVAL, "second unpause refused");
    CHECK(vcpu_runnable(v) && v->runstate.state == RUNSTATE_runnable, "runnable");
    CHECK(softirq_pending(0), "the wake-up asked CPU0 to reschedule");
    settle();
    CHECK(curr_on(0) == v && v->is_running && v->runstate.state == RUNSTATE_running,
          "running");
    CHECK(w->runstate.state == RUNSTATE_offline && !w->is_running, "w still down");
    advance(MS(10), MS(1));
    CHECK(run_time(v) >= MS(9), "ran %llu ns", (unsigned long long)run_time(v));

    /* Block: off the CPU until woken. */
    fake_set_cpu(0);
    vcpu_block();
    CHECK(test_bit(VPF_BLOCKED, &v->pause_flags), "blocked flag");
    settle();
    CHECK(curr_on(0) == idle_vcpu[0] && !v->is_running, "blocked vCPU descheduled");
    CHECK(v->runstate.state == RUNSTATE_blocked, "runstate blocked (%d)", v->runstate.state);
    advance(MS(10), MS(1));
    {
        struct vcpu_runstate_info rs;

        vcpu_runstate_get(v, &rs);
        CHECK(rs.time[RUNSTATE_blocked] >= MS(10), "blocked time %llu",
              (unsigned long long)rs.time[RUNSTATE_blocked]);
    }
    vcpu_unblock(v);
    CHECK(v->runstate.state == RUNSTATE_runnable, "unblocked: runnable");
    settle();
    CHECK(curr_on(0) == v, "running again");
    vcpu_unblock(v);            /* not blocked: nothing */
    settle();
    CHECK(curr_on(0) == v, "spurious unblock harmless");

    /* An event already pending: block returns at once. */
    v->vcpu_info->evtchn_upcall_pending = 1;
    vcpu_block();
    CHECK(!test_bit(VPF_BLOCKED, &v->pause_flags), "pending event: not blocked");
    settle();
    CHECK(curr_on(0) == v, "pending event: still running");
    v->vcpu_info->evtchn_upcall_pending = 0;

    /* A wake-up between block and schedule() keeps it running. */
    vcpu_block();
    vcpu_unblock(v);
    settle();
    CHECK(curr_on(0) == v && v->runstate.state == RUNSTATE_running, "block raced by a wake");

    /* The single-shot timer ends a block. */
    vcpu_block();
    settle();
    CHECK(curr_on(0) != v, "blocked for the timer");
    set_timer(&v->singleshot_timer, fake_clock() + MS(5));
    advance(MS(4), MS(1));
    CHECK(curr_on(0) != v, "woke early");
    advance(MS(2), MS(1));
    CHECK(curr_on(0) == v, "single-shot timer woke it");

    /* Yield: alone it keeps the CPU; with a peer the peer runs. */
    vcpu_yield();
    settle();
    CHECK(curr_on(0) == v, "yield with nobody else");
    vcpu_up(w);
    settle();
    CHECK(curr_on(0) == w, "a vCPU waking with credit preempts (boost)");
    vcpu_yield();
    settle();
    CHECK(curr_on(0) == v && v->runstate.state == RUNSTATE_running &&
          w->runstate.state == RUNSTATE_runnable, "yield hands over");
    vcpu_yield();
    settle();
    CHECK(curr_on(0) == w, "and back");
    /* Without yields they share the CPU by time slices. */
    {
        uint64_t tv = run_time(v), tw = run_time(w);

        advance(MS(300), US(500));
        tv = run_time(v) - tv;
        tw = run_time(w) - tw;
        CHECK(tv >= MS(120) && tw >= MS(120), "round robin: %.1f / %.1f ms",
              tv / 1e6, tw / 1e6);
    }

    /* Down: off the CPU, offline; up again: back. */
    vcpu_down(v);
    settle();
    CHECK(curr_on(0) == w && v->runstate.state == RUNSTATE_offline && !v->is_running,
          "down");
    CHECK(!vcpu_runnable(v) && test_bit(VPF_DOWN, &v->pause_flags), "down flag");
    vcpu_down(w);
    settle();
    CHECK(curr_on(0) == idle_vcpu[0], "both down: idle");
    vcpu_up(w);
    vcpu_up(v);
    settle();
    CHECK(curr_on(0) == w || curr_on(0) == v, "up again");
    /* A blocked vCPU going down is offline; coming up it is still blocked. */
    fake_set_cpu(0);
    {
        struct vcpu *c = curr_on(0);

        vcpu_block();
        settle();
        vcpu_down(c);
        /* As on Xen: blocked wins over offline. */
        CHECK(c->runstate.state == RUNSTATE_blocked, "blocked+down: blocked (%d)",
              c->runstate.state);
        vcpu_unblock(c);
        CHECK(c->runstate.state == RUNSTATE_offline && !vcpu_runnable(c),
              "unblocked but down: offline (%d)", c->runstate.state);
        vcpu_up(c);
        CHECK(c->runstate.state == RUNSTATE_runnable, "then runnable");
    }
    advance(MS(100), MS(1));
    CHECK(fake_switch_violations == 0, "switch contract");
    kill_dom(d);
    check_clean("state machine");
}

static void test_runstate_totals(void)
{
    struct domain *d;
    uint64_t t0;

    setup(2);
    t0 = fake_clock();
    d = start_dom(2, 3);
    for (int i = 0; i < 200; i++) {
        struct vcpu *v = d->vcpu[rnd() % 3];

        switch (rnd() % 4) {
        case 0: vcpu_down(v); break;
        case 1: vcpu_up(v); break;
        case 2: vcpu_pause_nosync(v); vcpu_unpause(v); break;
        case 3: vcpu_unblock(v); break;
        }
        advance(US(100 + rnd() % 5000), US(500));
    }
    for (unsigned int i = 0; i < 3; i++) {
        struct vcpu_runstate_info rs;
        uint64_t sum;

        vcpu_runstate_get(d->vcpu[i], &rs);
        sum = rs.time[0] + rs.time[1] + rs.time[2] + rs.time[3];
        CHECK(sum == fake_clock() - t0, "vCPU %u: states add up to %llu, elapsed %llu", i,
              (unsigned long long)sum, (unsigned long long)(fake_clock() - t0));
    }
    kill_dom(d);
    check_clean("runstate totals");
}

static void test_fairness(void)
{
    struct domain *a, *b, *c;
    uint64_t ta, tb, tc, total;
    double r;

    /* One CPU, weights 256 and 512, both always busy: about 1:2. */
    setup(1);
    a = start_dom(1, 1);
    b = start_dom(2, 1);
    CHECK(sched_set_weight(b, 512) == 0 && sched_get_weight(b) == 512, "weight 512");
    CHECK(sched_set_weight(a, 0) == -EINVAL, "weight 0");
    CHECK(sched_set_weight(a, SCHED_MAX_WEIGHT + 1) == -EINVAL, "weight too big");
    CHECK(sched_get_weight(a) == 256, "weight unchanged");
    advance(MS(1000), US(100));
    ta = run_time(a->vcpu[0]);
    tb = run_time(b->vcpu[0]);
    r = (double)tb / (double)ta;
    printf("fairness 256:512 over 1 s on 1 CPU: %.1f ms vs %.1f ms (ratio %.3f)\n",
           ta / 1e6, tb / 1e6, r);
    CHECK(ta + tb >= MS(990), "CPU left idle: %llu ns used", (unsigned long long)(ta + tb));
    CHECK(r > 1.8 && r < 2.2, "ratio %.3f not about 2", r);
    kill_dom(a);
    kill_dom(b);
    check_clean("fairness 1:2");

    /* Three domains 1:1:2 on two CPUs, three busy vCPUs. */
    setup(2);
    a = start_dom(1, 1);
    b = start_dom(2, 1);
    c = start_dom(3, 1);
    sched_set_weight(c, 512);
    advance(MS(1000), US(100));
    ta = run_time(a->vcpu[0]);
    tb = run_time(b->vcpu[0]);
    tc = run_time(c->vcpu[0]);
    total = ta + tb + tc;
    printf("fairness 256:256:512 over 1 s on 2 CPUs: %.1f / %.1f / %.1f ms\n",
           ta / 1e6, tb / 1e6, tc / 1e6);
    CHECK(total >= MS(1980), "CPUs left idle: %llu ns used of 2 s", (unsigned long long)total);
    /* Shares 1/2, 1/2, 1 CPU: c is capped at one CPU. */
    CHECK(tc >= MS(900), "weight-512 vCPU got %.1f ms", tc / 1e6);
    CHECK(ta >= MS(400) && tb >= MS(400), "weight-256 vCPUs got %.1f / %.1f ms",
          ta / 1e6, tb / 1e6);
    kill_dom(a);
    kill_dom(b);
    kill_dom(c);
    check_clean("fairness 1:1:2");

    /* A mostly idle domain does not lose its turn to a hog. */
    setup(1);
    a = start_dom(1, 1);    /* hog */
    b = start_dom(2, 1);    /* wakes every 20 ms, works ~2 ms */
    {
        uint64_t worst = 0;

        for (int i = 0; i < 50; i++) {
            uint64_t woke, ran;
            struct vcpu *bv = b->vcpu[0];

            /* Let b block when it runs. */
            for (int k = 0; k < 200 && curr_on(0) != bv; k++)
                advance(US(100), US(100));
            if (curr_on(0) != bv)
                break;
            advance(MS(2), US(100));
            if (curr_on(0) == bv) {
                fake_set_cpu(0);
                vcpu_block();
                settle();
            }
            advance(MS(18), US(500));
            woke = fake_clock();
            vcpu_unblock(bv);
            settle();
            for (int k = 0; k < 400 && curr_on(0) != bv; k++)
                advance(US(100), US(100));
            ran = fake_clock() - woke;
            if (ran > worst)
                worst = ran;
        }
        printf("latency of a light vCPU against a hog: worst %.1f ms\n", worst / 1e6);
        CHECK(worst <= MS(1), "light vCPU waited %.1f ms behind a hog", worst / 1e6);
    }
    kill_dom(a);
    kill_dom(b);
    check_clean("light vs hog");
}

static void test_stealing(void)
{
    struct domain *d;
    int err = 1;

    /* Both vCPUs created while only CPU0 was online: both start there. */
    setup(1);
    d = mkdom(0, 2, &err);
    CHECK(d && vcpu_create(d, 0) && vcpu_create(d, 1), "dom0 with 2 vCPUs");
    if (!d || !d->vcpu[1])
        return;
    CHECK(d->vcpu[0]->processor == 0 && d->vcpu[1]->processor == 0, "both on CPU0");
    cpu_up(1);
    vcpu_up(d->vcpu[0]);
    vcpu_up(d->vcpu[1]);
    domain_unpause_by_systemcontroller(d);
    advance(MS(100), US(100));
    {
        uint64_t t0 = run_time(d->vcpu[0]), t1 = run_time(d->vcpu[1]);

        printf("stealing: 2 vCPUs on 2 CPUs, 100 ms: %.1f / %.1f ms\n", t0 / 1e6, t1 / 1e6);
        CHECK(t0 >= MS(98) && t1 >= MS(98), "both should run all the time: %.1f / %.1f ms",
              t0 / 1e6, t1 / 1e6);
        CHECK(d->vcpu[0]->processor != d->vcpu[1]->processor, "spread over the CPUs");
        CHECK(fake_switches[1] > 0, "CPU1 never ran anything");
    }
    kill_dom(d);
    check_clean("stealing 2");

    /* Four vCPUs made on CPU0, four CPUs: all run at once. */
    setup(1);
    d = mkdom(4, 4, &err);
    for (unsigned int i = 0; i < 4; i++)
        vcpu_create(d, i);
    for (unsigned int cpu = 1; cpu < 4; cpu++)
        cpu_up(cpu);
    for (unsigned int i = 0; i < 4; i++)
        vcpu_up(d->vcpu[i]);
    domain_unpause_by_systemcontroller(d);
    settle();
    {
        unsigned int busy = 0;

        for (unsigned int cpu = 0; cpu < 4; cpu++)
            busy += !is_idle_vcpu(curr_on(cpu));
        CHECK(busy == 4, "%u of 4 CPUs busy right after the wake-ups", busy);
    }
    advance(MS(100), US(100));
    for (unsigned int i = 0; i < 4; i++)
        CHECK(run_time(d->vcpu[i]) >= MS(99), "vCPU %u ran %.1f ms of 100", i,
              run_time(d->vcpu[i]) / 1e6);
    kill_dom(d);
    check_clean("stealing 4");

    /* Three busy vCPUs on two CPUs: each gets about two thirds. */
    setup(2);
    d = start_dom(6, 3);
    advance(MS(1500), US(100));
    for (unsigned int i = 0; i < 3; i++) {
        uint64_t t = run_time(d->vcpu[i]);

        CHECK(t >= MS(900) && t <= MS(1100), "vCPU %u ran %.1f ms of 1500 (want ~1000)",
              i, t / 1e6);
    }
    kill_dom(d);
    check_clean("3 on 2");
}

static void test_pause(void)
{
    struct domain *d;
    struct vcpu *v, *w;
    uint64_t t;

    setup(2);
    d = start_dom(8, 2);
    v = d->vcpu[0];
    w = d->vcpu[1];
    settle();
    CHECK(v->is_running && w->is_running && v->processor != w->processor,
          "both running on their own CPUs");

    /* Pausing the vCPU running on CPU1 waits until it is off. */
    fake_set_cpu(TS_CPU);
    {
        struct vcpu *far = v->processor == 1 ? v : w;

        CHECK(curr_on(1) == far, "far vCPU on CPU1");
        vcpu_pause(far);
        CHECK(!far->is_running && curr_on(1) != far, "vcpu_pause returned with it running");
        CHECK(far->runstate.state == RUNSTATE_offline, "paused: offline");
        t = run_time(far);
        advance(MS(50), MS(1));
        CHECK(run_time(far) == t, "a paused vCPU ran");
        vcpu_pause(far);
        vcpu_unpause(far);
        advance(MS(10), MS(1));
        CHECK(run_time(far) == t, "nested pause: still paused");
        vcpu_unpause(far);
        advance(MS(10), MS(1));
        CHECK(run_time(far) > t, "unpaused vCPU did not run");
    }

    /* Domain pause stops both and waits. */
    advance(MS(10), MS(1));
    domain_pause(d);
    CHECK(!v->is_running && !w->is_running, "domain_pause returned with vCPUs running");
    CHECK(curr_on(0) == idle_vcpu[0] && curr_on(1) == idle_vcpu[1], "CPUs idle");
    t = run_time(v) + run_time(w);
    advance(MS(30), MS(1));
    CHECK(run_time(v) + run_time(w) == t, "paused domain ran");
    domain_pause_by_systemcontroller(d);
    domain_unpause(d);
    advance(MS(10), MS(1));
    CHECK(run_time(v) + run_time(w) == t, "still paused by the controller");
    CHECK(domain_unpause_by_systemcontroller(d) == 0, "controller unpause");
    advance(MS(10), MS(1));
    CHECK(run_time(v) > 0 && run_time(v) + run_time(w) > t + MS(15), "resumed");

    kill_dom(d);
    fake_set_cpu(0);
    check_clean("pause");
}

static void test_shutdown(void)
{
    struct domain *d, *dom0;
    jmp_buf jb;

    setup(2);
    d = start_dom(9, 2);
    advance(MS(5), MS(1));
    domain_shutdown(d, SHUTDOWN_reboot);
    CHECK(d->is_shutting_down && d->is_shut_down && d->shutdown_code == SHUTDOWN_reboot,
          "shutdown state");
    settle();
    CHECK(!d->vcpu[0]->is_running && !d->vcpu[1]->is_running, "vCPUs stopped");
    domain_shutdown(d, SHUTDOWN_crash);
    CHECK(d->shutdown_code == SHUTDOWN_reboot, "the first reason stands");
    CHECK(fake_hwdom_shutdowns == 0, "a domU's shutdown reached the arch");
    /* From its own vCPU (SCHEDOP_shutdown): no waiting on itself. */
    kill_dom(d);
    d = start_dom(10, 1);
    settle();
    {
        unsigned int cpu = d->vcpu[0]->processor;

        CHECK(curr_on(cpu) == d->vcpu[0], "running");
        fake_set_cpu(cpu);
        domain_shutdown(d, SHUTDOWN_poweroff);
        settle();
        fake_set_cpu(0);
        CHECK(curr_on(cpu) != d->vcpu[0] && d->shutdown_code == SHUTDOWN_poweroff,
              "shut down from its own vCPU");
    }
    kill_dom(d);
    check_clean("domU shutdown");

    /* A domain killed from its own vCPU does not wait for itself. */
    d = start_dom(12, 1);
    settle();
    {
        unsigned int cpu = d->vcpu[0]->processor;

        CHECK(curr_on(cpu) == d->vcpu[0] && get_domain(d), "running, referenced");
        fake_set_cpu(cpu);
        CHECK(domain_kill(d) == 0 && d->is_dying, "self kill");
        settle();
        fake_set_cpu(0);
        CHECK(curr_on(cpu) != d->vcpu[0] && !d->vcpu[0]->is_running, "off its CPU");
        put_domain(d);
    }
    check_clean("self kill");

    /* The hardware domain's shutdown goes to the arch with the reason. */
    dom0 = start_dom(0, 2);
    advance(MS(5), MS(1));
    fake_shutdown_jmp = &jb;
    if (setjmp(jb) == 0) {
        domain_shutdown(dom0, SHUTDOWN_reboot);
        CHECK(0, "arch_hardware_domain_shutdown returned");
    }
    fake_shutdown_jmp = NULL;
    CHECK(fake_hwdom_shutdowns == 1 && fake_hwdom_shutdown_reason == SHUTDOWN_reboot,
          "hook: %lu calls, reason %u", fake_hwdom_shutdowns, fake_hwdom_shutdown_reason);
    fake_shutdown_jmp = &jb;
    if (setjmp(jb) == 0)
        domain_shutdown(dom0, SHUTDOWN_crash);
    fake_shutdown_jmp = NULL;
    CHECK(fake_hwdom_shutdowns == 2 && fake_hwdom_shutdown_reason == SHUTDOWN_crash,
          "crash reason %u", fake_hwdom_shutdown_reason);
    kill_dom(dom0);
    check_clean("dom0 shutdown");
}

/*
 * Random operations on 4 CPUs; after each step the invariants: a vCPU is
 * current on at most one CPU and then "running"; a runnable vCPU that is
 * not current waits as "runnable", and then no CPU sits idle (work is
 * stolen or handed out).
 */
static void test_random(void)
{
    struct domain *ds[3];
    unsigned int nd = 3;
    unsigned long paused[3][4] = { { 0 } };

    setup(4);
    ds[0] = start_dom(0, 4);
    ds[1] = start_dom(1, 3);
    ds[2] = start_dom(2, 2);
    sched_set_weight(ds[2], 1024);

    for (int step = 0; step < 3000; step++) {
        struct domain *d = ds[rnd() % nd];
        unsigned int i = rnd() % d->max_vcpus;
        struct vcpu *v = d->vcpu[i];
        unsigned int di = (unsigned int)(d - ds[0]);

        di = d == ds[0] ? 0 : d == ds[1] ? 1 : 2;
        switch (rnd() % 9) {
        case 0: vcpu_down(v); break;
        case 1: vcpu_up(v); break;
        case 2:
            if (curr_on(fake_get_cpu()) != v) {
                vcpu_pause(v);
                paused[di][i]++;
            }
            break;
        case 3:
            if (paused[di][i]) {
                paused[di][i]--;
                vcpu_unpause(v);
            }
            break;
        case 4: {
            unsigned int cpu = rnd() % 4;

            fake_set_cpu(cpu);
            if (!is_idle_vcpu(curr_on(cpu)))
                vcpu_block();
            fake_set_cpu(0);
            break;
        }
        case 5: vcpu_unblock(v); break;
        case 6: {
            unsigned int cpu = rnd() % 4;

            fake_set_cpu(cpu);
            vcpu_yield();
            fake_set_cpu(0);
            break;
        }
        case 7: sched_set_weight(d, 1 + rnd() % 2000); break;
        case 8: advance(US(rnd() % 20000), US(1000)); break;
        }
        settle();

        bool any_idle = false, any_waiting = false;

        for (unsigned int cpu = 0; cpu < 4; cpu++)
            any_idle |= is_idle_vcpu(curr_on(cpu));
        for (unsigned int k = 0; k < nd; k++) {
            struct vcpu *x;

            for_each_vcpu(ds[k], x) {
                unsigned int on = 0;

                for (unsigned int cpu = 0; cpu < 4; cpu++)
                    on += curr_on(cpu) == x;
                CHECK(on <= 1, "step %d: d%u v%u current on %u CPUs", step,
                      ds[k]->domain_id, x->vcpu_id, on);
                if (on) {
                    CHECK(x->runstate.state == RUNSTATE_running && x->is_running &&
                          curr_on(x->processor) == x,
                          "step %d: current d%u v%u in state %d", step,
                          ds[k]->domain_id, x->vcpu_id, x->runstate.state);
                } else {
                    CHECK(!x->is_running, "step %d: d%u v%u is_running off-CPU", step,
                          ds[k]->domain_id, x->vcpu_id);
                    if (vcpu_runnable(x)) {
                        any_waiting = true;
                        CHECK(x->runstate.state == RUNSTATE_runnable,
                              "step %d: waiting d%u v%u in state %d", step,
                              ds[k]->domain_id, x->vcpu_id, x->runstate.state);
                    } else {
                        int want = test_bit(VPF_BLOCKED, &x->pause_flags) ? RUNSTATE_blocked
                                                                          : RUNSTATE_offline;

                        CHECK(x->runstate.state == want,
                              "step %d: stopped d%u v%u in state %d, want %d", step,
                              ds[k]->domain_id, x->vcpu_id, x->runstate.state, want);
                    }
                }
            }
        }
        CHECK(!(any_idle && any_waiting), "step %d: a CPU idles while a vCPU waits", step);
        if (failures > 30) {
            printf("too many failures\n");
            exit(1);
        }
    }
    CHECK(fake_switch_violations == 0, "switch contract breaches: %lu", fake_switch_violations);
    for (unsigned int k = 0; k < nd; k++)
        kill_dom(ds[k]);
    check_clean("random");
}

/*
 * Real threads as CPUs: three CPU threads run their timers and softirqs
 * and make "guest" hypercalls (block, yield, VCPUOP_down on themselves)
 * from whatever vCPU is current, while the main thread plays toolstack
 * and event source: it creates, kills, pauses, wakes and re-weights
 * domains and moves the clock.  Checks for deadlocks (the alarm), for
 * use-after-free (ASan) and for the per-CPU invariants.
 */
#define STRESS_CPUS 3

static bool stress_stop;
static unsigned long stress_bad, stress_switches_seen, stress_guest_calls;

static void *stress_cpu(void *arg)
{
    unsigned int cpu = (unsigned int)(uintptr_t)arg;
    uint64_t r = 0x9e3779b97f4a7c15ULL * (cpu + 1);

    fake_set_cpu(cpu);
    while (!__atomic_load_n(&stress_stop, __ATOMIC_ACQUIRE)) {
        uint64_t d = fake_timer_deadline(cpu);
        struct vcpu *c;

        if (d && d <= fake_clock())
            timer_interrupt();
        do_softirq();
        c = curr_on(cpu);
        if (!c || !c->is_running || c->processor != cpu || c->runstate.state != RUNSTATE_running)
            __atomic_fetch_add(&stress_bad, 1, __ATOMIC_RELAXED);
        if (c && !is_idle_vcpu(c)) {
            r ^= r << 13; r ^= r >> 7; r ^= r << 17;
            switch (r % 97) {
            case 0: case 1: case 2: vcpu_block(); break;
            case 3: case 4: vcpu_yield(); break;
            case 5: vcpu_down(c); break;
            default: break;
            }
            if (r % 97 <= 5)
                __atomic_fetch_add(&stress_guest_calls, 1, __ATOMIC_RELAXED);
        }
        sched_yield();
    }
    return NULL;
}

static void test_threads(void)
{
    pthread_t th[STRESS_CPUS];
    struct domain *ds[4] = { NULL };
    unsigned int paused[4] = { 0 };
    domid_t next_id = 1;

    setup(STRESS_CPUS);
    fake_relax_hook = NULL;         /* the CPU threads do the work */
    stress_stop = false;
    for (unsigned int cpu = 0; cpu < STRESS_CPUS; cpu++)
        pthread_create(&th[cpu], NULL, stress_cpu, (void *)(uintptr_t)cpu);
    fake_set_cpu(TS_CPU);

    for (int step = 0; step < 6000; step++) {
        unsigned int k = rnd() % 4;
        struct domain *d = ds[k];
        struct vcpu *v = d ? d->vcpu[rnd() % d->max_vcpus] : NULL;

        switch (rnd() % 12) {
        case 0:
            if (!d) {
                ds[k] = start_dom(next_id++, 1 + rnd() % 4);
                paused[k] = 0;
            } else if (rnd() % 4 == 0) {
                while (paused[k]--)
                    domain_unpause(d);
                kill_dom(d);
                ds[k] = NULL;
            }
            break;
        case 1:
            if (d && paused[k] < 3) {
                if (rnd() % 2)
                    domain_pause(d);
                else
                    domain_pause_nosync(d);
                paused[k]++;
            }
            break;
        case 2:
            if (d && paused[k]) {
                paused[k]--;
                domain_unpause(d);
            }
            break;
        case 3: case 4:
            if (v)
                vcpu_unblock(v);
            break;
        case 5:
            if (v)
                vcpu_up(v);
            break;
        case 6:
            if (v) {
                vcpu_pause(v);
                vcpu_unpause(v);
            }
            break;
        case 7:
            if (v)
                set_timer(&v->singleshot_timer, fake_clock() + US(rnd() % 3000));
            break;
        case 8:
            if (d)
                sched_set_weight(d, 1 + rnd() % 1000);
            break;
        default:
            fake_clock_advance(US(50 + rnd() % 500));
            break;
        }
        if ((step & 63) == 0)
            usleep(200);
    }
    for (unsigned int k = 0; k < 4; k++) {
        if (!ds[k])
            continue;
        while (paused[k]--)
            domain_unpause(ds[k]);
        kill_dom(ds[k]);
    }
    __atomic_store_n(&stress_stop, true, __ATOMIC_RELEASE);
    for (unsigned int cpu = 0; cpu < STRESS_CPUS; cpu++)
        pthread_join(th[cpu], NULL);
    fake_set_cpu(0);
    for (unsigned int cpu = 0; cpu < STRESS_CPUS; cpu++)
        stress_switches_seen += fake_switches[cpu];
    printf("threads: %lu context switches, %lu guest calls, %u domains\n",
           stress_switches_seen, stress_guest_calls, next_id - 1);
    CHECK(stress_bad == 0, "%lu times a CPU's current vCPU was inconsistent", stress_bad);
    CHECK(stress_switches_seen > 100, "hardly any switching: %lu", stress_switches_seen);
    fake_relax_hook = relax_run_others;
    check_clean("threads");
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "sched: timed out (deadlock?)\n";
    if (write(2, msg, sizeof(msg) - 1) < 0)
        _exit(2);
    _exit(2);
}

int main(void)
{
    struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        { "idle", test_idle },
        { "create_destroy", test_create_destroy },
        { "bad_configs", test_bad_configs },
        { "refcounts", test_refcounts },
        { "state_machine", test_state_machine },
        { "runstate_totals", test_runstate_totals },
        { "fairness", test_fairness },
        { "stealing", test_stealing },
        { "pause", test_pause },
        { "shutdown", test_shutdown },
        { "random", test_random },
        { "threads", test_threads },
    };

    signal(SIGALRM, on_alarm);
    alarm(40);
    setvbuf(stdout, NULL, _IONBF, 0);
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        int before = failures;

        tests[i].fn();
        printf("%s %s\n", failures == before ? "ok  " : "FAIL", tests[i].name);
    }
    fake_relax_hook = NULL;
    fake_mem_release();
    printf("sched: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
