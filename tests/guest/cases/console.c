/* SPDX-License-Identifier: MIT */
/* console.c - HYPERVISOR_console_io, as dom0 may use it. */
#include "gt-xen.h"

GT_TEST(console_write, "console_io.write")
{
    static const char msg[] = "GT: console_io write of a line with no framework buffering\n";

    gt_flush();
    EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(msg) - 1, (void *)msg), 0);
    /* Nothing to write is fine too. */
    EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0, (void *)msg), 0);
}

GT_TEST(console_write_long, "console_io.write_long")
{
    static char buf[700];
    size_t n = 0;

    /* Longer than any internal bounce buffer: must come out whole. */
    gt_flush();
    n += (size_t)gt_snprintf(buf, sizeof(buf), "GT: long line:");
    while (n < sizeof(buf) - 8)
        n += (size_t)gt_snprintf(buf + n, sizeof(buf) - n, " %03zu", n);
    buf[n++] = '\n';
    EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)n, buf), 0);
}

GT_TEST(console_write_fault, "console_io.write_bad_buffer")
{
    EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 16, (void *)GT_UNMAPPED_ADDR),
              -XEN_EFAULT);
}

GT_TEST(console_read, "console_io.read")
{
    static char buf[64];

    /* The runner gives QEMU no input: nothing is pending. */
    memset(buf, 0x5a, sizeof(buf));
    EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf), 0);
    EXPECT_EQ(buf[0], 0x5a);
    EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_read, 0, buf), 0);
    /* A count that would not fit the (int) result is refused. */
    EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_read, 0x80000000u, buf), -XEN_E2BIG);
}

GT_TEST(console_unknown, "console_io.unknown_cmd")
{
    static char buf[8];

    EXPECT_EQ(HYPERVISOR_console_io(2, sizeof(buf), buf), -XEN_ENOSYS);
    EXPECT_EQ(HYPERVISOR_console_io(-1, sizeof(buf), buf), -XEN_ENOSYS);
}

/*
 * Whether a wait that began at @start (a counter_now() value) has run for
 * @secs seconds.  arm64 reads the virtual counter; elsewhere the loop
 * counts its own turns (each a hypercall or two, so a few microseconds or
 * more under TCG): a bound, not a clock.
 */
static uint64_t counter_now(void)
{
#if defined(__aarch64__)
    uint64_t cnt;

    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(cnt));
    return cnt;
#else
    static uint64_t turns;

    return turns++;
#endif
}

static bool waited(uint64_t start, unsigned int secs)
{
#if defined(__aarch64__)
    uint64_t frq;

    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
    return counter_now() - start >= frq * secs;
#else
    return counter_now() - start >= 200000ull * secs;
#endif
}

/*
 * Typed input reaches dom0's CONSOLEIO_read (both hypervisors hand serial
 * input to dom0 once booted).  Only the console-rx boot tests run it:
 * they pass gt.input=TEXT and type TEXT when the marker line appears.
 */
GT_TEST(console_read_input, "console_io.read_input")
{
    static char want[32], got[64];
    unsigned int have = 0;
    uint64_t start;

    if (!gt_bootarg("gt.input", want, sizeof(want)) || !want[0])
        gt_skip("needs serial input: run by tests/boot/*-console-rx.t");
    gt_printf("GT: console input wanted: %s\n", want);
    gt_flush();
    start = counter_now();
    while (have < strlen(want) && !waited(start, 20)) {
        long n = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(got) - 1 - have, got + have);

        ASSERT_GE(n, 0);
        have += (unsigned int)n;
        if (!n)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    got[have] = '\0';
    EXPECT_STREQ(got, want);
}
