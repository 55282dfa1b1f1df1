/*
 * Host unit tests for softirqs, timers and cross-CPU calls, over the fake
 * architecture: one host thread plays several CPUs (fake_set_cpu()) for
 * the deterministic tests, and real threads play CPUs 1..3 for the
 * concurrent ones.  The timer queue is also checked against a model
 * through random set/stop/advance sequences.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include "fake_arch.h"

#include "../check.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void reset_all(void)
{
    fake_reset();
    softirq_init();
    timer_init();
    smp_init();
}

/* Let CPU `cpu` take its timer interrupt if due, then run softirqs. */
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

/* ================================================================ softirqs */

static int log_buf[32], log_n;
static bool nested_ran;

static void log_it(int v)
{
    if (log_n < 32)
        log_buf[log_n++] = v;
}

static void h0(void) { log_it(0); }
static void h1_raises_0(void)
{
    log_it(1);
    if (log_n < 4)
        raise_softirq(0);
}
static unsigned int h2_cpu;
static void h2_again_once(void)
{
    static int times;

    log_it(2);
    h2_cpu = smp_processor_id();
    if (++times == 1)
        raise_softirq(2);
}

static void h_nested(void)
{
    int before = log_n;

    log_it(10);
    raise_softirq(0);
    do_softirq();                  /* must return at once */
    nested_ran = log_n != before + 1;
}

static bool log_is(const int *want, int n)
{
    return log_n == n && !memcmp(log_buf, want, sizeof(int) * (size_t)n);
}

static void test_softirq(void)
{
    static const int want1[] = { 0, 1, 0, 2, 2 };
    static const int want2[] = { 10, 0 };

    reset_all();
    open_softirq(0, h0);
    open_softirq(1, h1_raises_0);
    open_softirq(2, h2_again_once);

    raise_softirq(2);
    raise_softirq(0);
    raise_softirq(1);
    CHECK(softirq_pending(0) && !softirq_pending(1), "pending");
    do_softirq();
    CHECK(log_is(want1, 5), "order: got %d entries: %d %d %d %d %d", log_n,
          log_buf[0], log_buf[1], log_buf[2], log_buf[3], log_buf[4]);
    CHECK(!softirq_pending(0), "still pending");
    CHECK(fake_ipis(0) == 0, "self-raise sent an IPI");

    /* A nested do_softirq() from a handler runs nothing. */
    log_n = 0;
    open_softirq(1, h_nested);
    raise_softirq(1);
    do_softirq();
    CHECK(!nested_ran && log_is(want2, 2), "nested do_softirq ran handlers");

    /* Remote raise: one IPI per transition to pending, none to self. */
    cpumask_set_cpu(1, &cpu_online_map);
    log_n = 0;
    cpu_raise_softirq(1, 2);
    cpu_raise_softirq(1, 2);
    cpu_raise_softirq(0, 0);
    CHECK(fake_ipis(1) == 1 && fake_ipis(0) == 0, "IPIs: cpu1 %lu cpu0 %lu",
          fake_ipis(1), fake_ipis(0));
    CHECK(softirq_pending(1) && softirq_pending(0), "remote pending");
    do_softirq();                   /* CPU 0 runs only its own */
    CHECK(log_n == 1 && log_buf[0] == 0 && softirq_pending(1), "CPU 0 ran CPU 1's work");
    run_cpu(1);
    CHECK(log_n == 2 && log_buf[1] == 2 && h2_cpu == 1, "CPU 1's softirq (cpu %u)", h2_cpu);
    {
        cpumask_t m;

        cpumask_clear(&m);
        cpumask_set_cpu(1, &m);
        cpumask_set_cpu(2, &m);
        cpumask_raise_softirq(&m, 0);
        CHECK(fake_ipis(1) == 2 && fake_ipis(2) == 1 && softirq_pending(2), "mask raise");
    }
    cpu_raise_softirq(NR_CPUS, 0);  /* out of range: ignored */
    fake_printk_quiet(true);
    CHECK(FAKE_EXPECT_PANIC(open_softirq(NR_SOFTIRQS, h0)), "bad softirq number");
    fake_printk_quiet(false);
}

/* ================================================================ timers */

struct ttimer {
    struct timer t;
    int id;
    unsigned int fired;
    unsigned int fired_cpu;
    uint64_t fired_at;
};

static int fire_log[256], fire_n;

static void record(void *data)
{
    struct ttimer *tt = data;

    tt->fired++;
    tt->fired_cpu = smp_processor_id();
    tt->fired_at = fake_clock();
    if (fire_n < 256)
        fire_log[fire_n++] = tt->id;
}

static void tinit(struct ttimer *tt, int id, unsigned int cpu, void (*fn)(void *))
{
    memset(tt, 0, sizeof(*tt));
    tt->id = id;
    init_timer(&tt->t, fn ? fn : record, tt, cpu);
}

static struct ttimer periodic;
static void periodic_fn(void *data)
{
    record(data);
    set_timer(&periodic.t, periodic.t.expires + 100);
}

static struct ttimer victim, killer, self_killer, chained, chain_target;
static void stop_victim(void *data)
{
    record(data);
    stop_timer(&victim.t);
}
static void kill_self(void *data)
{
    record(data);
    kill_timer(&self_killer.t);
    set_timer(&self_killer.t, 0);   /* ignored: killed */
}
static void chain(void *data)
{
    record(data);
    set_timer(&chain_target.t, fake_clock() + 50);
}

static void test_timers(void)
{
    struct ttimer t[5];
    static const uint64_t when[5] = { 5000, 3000, 3000, 9000, 4000 };

    reset_all();
    fake_clock_set(1000);
    for (int i = 0; i < 5; i++) {
        tinit(&t[i], i, 0, NULL);
        set_timer(&t[i].t, when[i]);
    }
    CHECK(fake_timer_deadline(0) == 3000, "programmed %llu",
          (unsigned long long)fake_timer_deadline(0));
    CHECK(timer_next_deadline(0) == 3000 && timer_next_deadline(1) == STIME_MAX, "next deadline");
    CHECK(timer_is_active(&t[0].t), "active");

    fake_clock_set(2999);
    run_cpu(0);
    CHECK(fire_n == 0, "fired early");
    fake_clock_set(3500);
    run_cpu(0);
    CHECK(fire_n == 2 && fire_log[0] == 1 && fire_log[1] == 2, "equal deadlines in set order");
    CHECK(fake_timer_deadline(0) == 4000 && !timer_is_active(&t[1].t), "re-armed for 4000");

    stop_timer(&t[4].t);
    stop_timer(&t[4].t);            /* twice is fine */
    fake_clock_set(6000);
    run_cpu(0);
    CHECK(fire_n == 3 && fire_log[2] == 0 && t[4].fired == 0, "cancelled timer fired");
    CHECK(fake_timer_deadline(0) == 9000, "armed for 9000");

    set_timer(&t[3].t, 7000);       /* re-arm earlier */
    CHECK(fake_timer_deadline(0) == 7000, "re-arm reprograms");
    set_timer(&t[3].t, 8000);       /* and later again */
    fake_clock_set(7500);
    run_cpu(0);
    CHECK(t[3].fired == 0, "moved timer fired at its old time");
    fake_clock_set(10000);
    run_cpu(0);
    CHECK(t[3].fired == 1 && t[3].fired_at == 10000 && fire_n == 4, "moved timer");
    CHECK(fake_timer_deadline(0) == 0, "empty queue not disarmed");

    /* A deadline already past runs at the next softirq, no interrupt. */
    set_timer(&t[0].t, 9000);
    CHECK(softirq_pending(0), "past deadline did not raise TIMER_SOFTIRQ");
    do_softirq();
    CHECK(t[0].fired == 2, "past deadline");

    /* Periodic: a late softirq catches up on every missed period. */
    tinit(&periodic, 50, 0, periodic_fn);
    set_timer(&periodic.t, 10100);
    fake_clock_set(11000);
    run_cpu(0);
    CHECK(periodic.fired == 10, "periodic fired %u times", periodic.fired);
    CHECK(fake_timer_deadline(0) == 11100, "periodic next %llu",
          (unsigned long long)fake_timer_deadline(0));
    kill_timer(&periodic.t);
    CHECK(!timer_is_active(&periodic.t) && fake_timer_deadline(0) == 11100,
          "kill leaves hardware alone");
    set_timer(&periodic.t, 11050);
    CHECK(!timer_is_active(&periodic.t), "killed timer armed");
    fake_clock_set(12000);
    run_cpu(0);
    CHECK(periodic.fired == 10 && fake_timer_deadline(0) == 0, "killed timer fired");
    init_timer(&periodic.t, periodic_fn, &periodic, 0);
    set_timer(&periodic.t, 12100);
    CHECK(timer_is_active(&periodic.t), "revived timer");
    stop_timer(&periodic.t);

    /* Callbacks that stop a due timer, kill themselves, set another. */
    fire_n = 0;
    tinit(&killer, 60, 0, stop_victim);
    tinit(&victim, 61, 0, NULL);
    tinit(&self_killer, 62, 0, kill_self);
    tinit(&chained, 63, 0, chain);
    tinit(&chain_target, 64, 0, NULL);
    set_timer(&killer.t, 12500);
    set_timer(&victim.t, 12500);
    set_timer(&self_killer.t, 12600);
    set_timer(&chained.t, 12700);
    fake_clock_set(13000);
    run_cpu(0);
    CHECK(killer.fired == 1 && victim.fired == 0, "stopped-in-batch timer fired");
    CHECK(self_killer.fired == 1 && !timer_is_active(&self_killer.t), "self-kill");
    CHECK(chained.fired == 1 && chain_target.fired == 0 && timer_is_active(&chain_target.t) &&
          fake_timer_deadline(0) == 13050, "chained timer");
    fake_clock_set(13050);
    run_cpu(0);
    CHECK(chain_target.fired == 1, "chained timer did not fire");
    CHECK(fake_irqs_enabled(0), "IRQs left masked");
}

static void test_remote_timers(void)
{
    struct ttimer a, b;
    unsigned long ipis;

    reset_all();
    cpumask_set_cpu(1, &cpu_online_map);
    fake_clock_set(100);

    tinit(&a, 1, 1, NULL);
    set_timer(&a.t, 500);
    CHECK(fake_ipis(1) == 1 && softirq_pending(1), "remote head: no IPI");
    CHECK(fake_timer_deadline(0) == 0 && fake_timer_deadline(1) == 0, "wrong CPU programmed");
    run_cpu(1);
    CHECK(fake_timer_deadline(1) == 500, "CPU 1 armed %llu",
          (unsigned long long)fake_timer_deadline(1));
    ipis = fake_ipis(1);
    tinit(&b, 2, 1, NULL);
    set_timer(&b.t, 900);           /* not the head: CPU 1 need not know */
    CHECK(fake_ipis(1) == ipis, "IPI for a non-head timer");
    fake_clock_set(600);
    run_cpu(0);
    CHECK(a.fired == 0, "ran on the wrong CPU");
    run_cpu(1);
    CHECK(a.fired == 1 && a.fired_cpu == 1 && fake_timer_deadline(1) == 900, "remote fire");

    /* Migration of an armed timer. */
    migrate_timer(&b.t, 0);
    CHECK(b.t.cpu == 0 && timer_is_active(&b.t) && fake_timer_deadline(0) == 900,
          "migrated timer not armed on CPU 0");
    CHECK(timer_next_deadline(1) == STIME_MAX, "left behind on CPU 1");
    fake_clock_set(1000);
    run_cpu(1);
    CHECK(b.fired == 0, "fired on the old CPU");
    run_cpu(0);
    CHECK(b.fired == 1 && b.fired_cpu == 0, "migrated timer");
    migrate_timer(&b.t, 1);         /* inactive: just moves */
    CHECK(b.t.cpu == 1 && !timer_is_active(&b.t), "inactive migration");
    migrate_timer(&b.t, 1);
    fake_printk_quiet(true);
    CHECK(FAKE_EXPECT_PANIC(init_timer(&b.t, record, &b, NR_CPUS)), "bad CPU");
    fake_printk_quiet(false);
}

/* Random set/stop/advance against a model of CPU 0's queue. */
#define NT 48
static struct ttimer rt[NT];
static uint64_t model_exp[NT], model_seq[NT], seq;
static bool model_on[NT];
static int expect_log[4096], expect_n, got_log[4096], got_n;

static void rec_random(void *data)
{
    struct ttimer *tt = data;

    if (got_n < 4096)
        got_log[got_n++] = tt->id;
    CHECK(tt->t.expires <= fake_clock(), "timer %d fired early", tt->id);
}

static void test_timer_model(void)
{
    reset_all();
    fake_clock_set(1);
    for (int i = 0; i < NT; i++)
        tinit(&rt[i], i, 0, rec_random);

    for (int op = 0; op < 20000 && expect_n < 4000; op++) {
        int i = (int)(rnd() % NT);
        uint64_t r = rnd() % 10;

        if (r < 5) {
            uint64_t when = fake_clock() + rnd() % 1000;

            set_timer(&rt[i].t, when);
            model_on[i] = true;
            model_exp[i] = when;
            model_seq[i] = ++seq;
        } else if (r < 7) {
            stop_timer(&rt[i].t);
            model_on[i] = false;
        } else {
            fake_clock_advance(rnd() % 300);
            /* The model fires everything due, by (deadline, set order). */
            for (;;) {
                int best = -1;

                for (int k = 0; k < NT; k++)
                    if (model_on[k] && model_exp[k] <= fake_clock() &&
                        (best < 0 || model_exp[k] < model_exp[best] ||
                         (model_exp[k] == model_exp[best] && model_seq[k] < model_seq[best])))
                        best = k;
                if (best < 0)
                    break;
                model_on[best] = false;
                expect_log[expect_n++] = best;
            }
            /* Always interrupt: spurious timer interrupts must be harmless. */
            timer_interrupt();
            do_softirq();
            {
                uint64_t min = 0;

                for (int k = 0; k < NT; k++)
                    if (model_on[k] && (!min || model_exp[k] < min))
                        min = model_exp[k];
                CHECK(fake_timer_deadline(0) == min, "armed %llu, head %llu",
                      (unsigned long long)fake_timer_deadline(0), (unsigned long long)min);
            }
        }
        for (int k = 0; k < NT && op % 100 == 0; k++)
            CHECK(timer_is_active(&rt[k].t) == model_on[k], "timer %d active state", k);
        if (failures > 20)
            break;
    }
    CHECK(got_n == expect_n && !memcmp(got_log, expect_log, sizeof(int) * (size_t)got_n),
          "firing order differs from the model (%d vs %d firings)", got_n, expect_n);
}

/* ================================================================ threads as CPUs */

#define NCPU 4

static volatile bool stop_cpus;
static unsigned long call_count[NCPU];
static atomic_t nowait_count;
static volatile bool cpu1_calls, cpu1_quiet;
static atomic_t cpu1_done_calls;

static void count_call(void *data)
{
    (void)data;
    __atomic_fetch_add(&call_count[smp_processor_id()], 1, __ATOMIC_RELAXED);
}

static void count_nowait(void *data)
{
    (void)data;
    atomic_inc(&nowait_count);
}

static void *cpu_thread(void *arg)
{
    unsigned int cpu = (unsigned int)(uintptr_t)arg;

    fake_set_cpu(cpu);
    fake_set_irqs(cpu, true);
    while (!__atomic_load_n(&stop_cpus, __ATOMIC_ACQUIRE)) {
        uint64_t d = fake_timer_deadline(cpu);

        if (d && d <= fake_clock())
            timer_interrupt();
        do_softirq();
        /* CPU 1 makes calls of its own, racing CPU 0's. */
        if (cpu == 1 && __atomic_load_n(&cpu1_calls, __ATOMIC_ACQUIRE)) {
            smp_call_function(count_call, NULL, true);
            atomic_inc(&cpu1_done_calls);
        } else if (cpu == 1) {
            __atomic_store_n(&cpu1_quiet, true, __ATOMIC_RELEASE);
        }
        arch_idle_wait();
    }
    return NULL;
}

static struct ttimer xt[NCPU * 8];
static struct ttimer slow;
static volatile int slow_state;     /* 1 = running, 2 = finished */

static void slow_fn(void *data)
{
    record(data);
    __atomic_store_n(&slow_state, 1, __ATOMIC_RELEASE);
    usleep(20000);
    __atomic_store_n(&slow_state, 2, __ATOMIC_RELEASE);
}

static void test_threads(void)
{
    pthread_t th[NCPU];
    unsigned long before[NCPU];
    bool all;

    reset_all();
    fake_clock_set(1000);
    for (unsigned int c = 1; c < NCPU; c++)
        cpumask_set_cpu(c, &cpu_online_map);
    CHECK(num_online_cpus() == NCPU, "online %u", num_online_cpus());
    for (unsigned int c = 1; c < NCPU; c++)
        pthread_create(&th[c], NULL, cpu_thread, (void *)(uintptr_t)c);

    /* on_each_cpu, waiting. */
    for (int i = 0; i < 200; i++) {
        for (unsigned int c = 0; c < NCPU; c++)
            before[c] = __atomic_load_n(&call_count[c], __ATOMIC_RELAXED);
        on_each_cpu(count_call, NULL, true);
        all = true;
        for (unsigned int c = 0; c < NCPU; c++)
            all &= __atomic_load_n(&call_count[c], __ATOMIC_RELAXED) == before[c] + 1;
        CHECK(all, "on_each_cpu round %d incomplete", i);
        if (!all)
            break;
    }
    CHECK(fake_irqs_enabled(0), "IRQs masked after the local call");

    /* Not waiting: every CPU still runs it exactly once. */
    for (int i = 0; i < 200; i++)
        on_each_cpu(count_nowait, NULL, false);
    for (int spin = 0; spin < 5000 && atomic_read(&nowait_count) != 200 * NCPU; spin++)
        usleep(1000);
    CHECK(atomic_read(&nowait_count) == 200 * NCPU, "no-wait calls: %d",
          atomic_read(&nowait_count));

    /* Two CPUs calling at once must not deadlock. */
    __atomic_store_n(&cpu1_calls, true, __ATOMIC_RELEASE);
    for (int i = 0; i < 300; i++)
        smp_call_function(count_call, NULL, true);
    __atomic_store_n(&cpu1_quiet, false, __ATOMIC_RELEASE);
    __atomic_store_n(&cpu1_calls, false, __ATOMIC_RELEASE);
    /* CPU 1 may be waiting for us to answer its last call. */
    while (!__atomic_load_n(&cpu1_quiet, __ATOMIC_ACQUIRE))
        run_cpu(0);
    CHECK(atomic_read(&cpu1_done_calls) > 0, "CPU 1 never got a call through");

    /* Timers on every CPU, set from CPU 0, fire where they belong. */
    fire_n = 0;
    for (unsigned int i = 0; i < NCPU * 8; i++) {
        tinit(&xt[i], (int)i, i % NCPU, NULL);
        set_timer(&xt[i].t, fake_clock() + 10 + 10 * i);
    }
    for (int step = 0; step < 40; step++) {
        fake_clock_advance(10);
        run_cpu(0);
        usleep(500);
    }
    for (int spin = 0; spin < 2000; spin++) {
        bool done = true;

        run_cpu(0);
        for (unsigned int i = 0; i < NCPU * 8; i++)
            done &= __atomic_load_n(&xt[i].fired, __ATOMIC_ACQUIRE) == 1;
        if (done)
            break;
        usleep(1000);
    }
    for (unsigned int i = 0; i < NCPU * 8; i++)
        CHECK(xt[i].fired == 1 && xt[i].fired_cpu == i % NCPU,
              "timer %u: fired %u on CPU %u", i, xt[i].fired, xt[i].fired_cpu);

    /* kill_timer() waits for a callback running on another CPU. */
    tinit(&slow, 99, 2, slow_fn);
    set_timer(&slow.t, fake_clock() + 5);
    fake_clock_advance(10);
    for (int spin = 0; spin < 5000 && !__atomic_load_n(&slow_state, __ATOMIC_ACQUIRE); spin++)
        usleep(200);
    CHECK(slow_state == 1, "slow callback did not start (%d)", slow_state);
    kill_timer(&slow.t);
    CHECK(slow_state == 2, "kill_timer returned while the callback ran");

    __atomic_store_n(&stop_cpus, true, __ATOMIC_RELEASE);
    for (unsigned int c = 1; c < NCPU; c++)
        pthread_join(th[c], NULL);
    fake_set_cpu(0);
}

int main(void)
{
    test_softirq();
    test_timers();
    test_remote_timers();
    test_timer_model();
    test_threads();
    printf("timer: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
