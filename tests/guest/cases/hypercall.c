/* SPDX-License-Identifier: MIT */
/*
 * hypercall.c - the trap itself: unknown and unsupported numbers, the
 * width of results, what a hypercall may and may not clobber.
 */
#include "gt-xen.h"

#if GT_ARCH_ARM
long gt_hvc_regcheck(unsigned long nr, unsigned long arg, void *out);
long gt_hypercall_wide_nr(unsigned long nr, unsigned long arg);
#elif GT_ARCH_BITS == 64
/* x86_64: rax loaded whole, straight through the trap instruction. */
static long gt_hypercall_wide_nr(unsigned long nr, unsigned long arg)
{
    return gt_x86_raw_hypercall(nr, arg, 0, 0, 0, 0);
}
#endif

GT_TEST(hcall_unknown, "hypercall.unknown_number")
{
    /* Never defined, retired, or past the end of the table. */
    static const unsigned long nrs[] = { 11, 43, 44, 45, 46, 47, 56, 63, 64, 100,
                                         0xea1, 0xffff, ~0ul };

    for (size_t i = 0; i < GT_ARRAY_SIZE(nrs); i++) {
        long rc = gt_hypercall(nrs[i], 0, 0, 0, 0, 0);

        if (rc != -XEN_ENOSYS)
            gt_fail_at(__FILE__, __LINE__, "hypercall %lu returned %ld, not -ENOSYS",
                       nrs[i], rc);
    }
}

#if GT_ARCH_ARM
GT_TEST(hcall_not_on_arm, "hypercall.x86_only_numbers")
{
    /* x86 PV/HVM-only hypercalls, the arch_* range, and the deprecated
     * sched_op_compat/event_channel_op_compat/physdev_op_compat stubs. */
    static const unsigned long nrs[] = { 0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 14, 15, 16,
                                         19, 22, 23, 25, 26, 28, 30, 31, 37, 38, 40,
                                         48, 49, 50, 51, 52, 53, 54, 55 };

    for (size_t i = 0; i < GT_ARRAY_SIZE(nrs); i++) {
        long rc = gt_hypercall(nrs[i], 0, 0, 0, 0, 0);

        if (rc != -XEN_ENOSYS)
            gt_fail_at(__FILE__, __LINE__, "hypercall %lu returned %ld, not -ENOSYS",
                       nrs[i], rc);
    }
}

#endif

GT_TEST(hcall_result_width, "hypercall.result_width")
{
    unsigned long raw = (unsigned long)gt_hypercall(100, 0, 0, 0, 0, 0);

    /* -ENOSYS fills the whole register the guest reads: 64 or 32 bits. */
    gt_printf("  raw result register 0x%lx\n", raw);
#if GT_ARCH_BITS == 64
    EXPECT_XEQ(raw, 0xffffffffffffffdaul);
#else
    EXPECT_XEQ(raw, 0xffffffdaul);
#endif
    raw = (unsigned long)gt_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    EXPECT_XEQ(raw, 0x40011);
}

#if GT_ARCH_BITS == 64
GT_TEST(hcall_wide_nr, "hypercall.number_upper_bits")
{
    /* The whole of x16 (x86_64: rax) is the number: xen_version (17) with
     * bit 32 set is not xen_version. */
    EXPECT_EQ(gt_hypercall_wide_nr((1ul << 32) | __HYPERVISOR_xen_version, 0),
              -XEN_ENOSYS);
    EXPECT_EQ(gt_hypercall_wide_nr(__HYPERVISOR_xen_version, 0), 0x40011);
}
#endif

#if GT_ARCH_ARM
static void check_preserved(unsigned long nr, unsigned long arg, long want)
{
#if GT_ARCH_BITS == 64
    uint64_t out[32];
    static const unsigned int regs[] = { 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17,
                                         18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
                                         29, 30 };
    const uint64_t base = 0xc3c3a5a500006700ull;
#else
    uint32_t out[16];
    static const unsigned int regs[] = { 5, 6, 7, 8, 9, 10, 11, 14 };
    const uint32_t base = 0xc3a56700u;
#endif

    memset(out, 0, sizeof(out));
    EXPECT_EQ(gt_hvc_regcheck(nr, arg, out), want);
    EXPECT_EQ((long)out[0], want);
    for (size_t i = 0; i < GT_ARRAY_SIZE(regs); i++) {
        unsigned int r = regs[i];

        if (out[r] != base + r)
            gt_fail_at(__FILE__, __LINE__, "hypercall %lu changed %s%u: 0x%llx", nr,
                       GT_ARCH_BITS == 64 ? "x" : "r", r, (unsigned long long)out[r]);
    }
#if GT_ARCH_BITS == 32
    EXPECT_EQ(out[13], 0);      /* sp */
#endif
}

GT_TEST(hcall_preserves, "hypercall.preserved_registers")
{
    /* Only the result register and the argument/number registers may change. */
    check_preserved(__HYPERVISOR_xen_version, XENVER_version, 0x40011);
    check_preserved(100, 0, -XEN_ENOSYS);
    check_preserved(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
}
#endif /* GT_ARCH_ARM (x86: cases/x86-hypercall.c) */
