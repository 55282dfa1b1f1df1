/* SPDX-License-Identifier: MIT */
/*
 * x86-hypercall.c - the x86 hypercall page and trap: what the hypervisor
 * writes into the page, the MSR that asks for it, numbers an HVM guest may
 * not use, and which registers a hypercall leaves alone.
 */
#include "gt-xen.h"

#if GT_ARCH_X86

#include <public/memory.h>

#define HCALL_MSR 0x40000000u
#define STUB_SIZE 32

static uint8_t spare_page[4096] __attribute__((aligned(4096)));

static void still_alive(void)
{
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_version, NULL), 0x40011);
}

/*
 * The page as Xen 4.17 writes it for an HVM guest: int3 (0xcc) everywhere,
 * then in each 32-byte slot i "mov $i, %eax; <trap>; ret", where <trap> is
 * VMMCALL (0f 01 d9) on AMD and VMCALL (0f 01 c1) on Intel - except slot
 * 23 (iret, meaningless for HVM), which holds ud2 (0f 0b).
 */
static void expected_page(uint8_t *p)
{
    memset(p, 0xcc, 4096);
    for (unsigned int i = 0; i < GT_X86_HCALL_STUBS; i++) {
        uint8_t *s = p + STUB_SIZE * i;

        if (i == __HYPERVISOR_iret) {
            s[0] = 0x0f;
            s[1] = 0x0b;
            continue;
        }
        s[0] = 0xb8;
        s[1] = (uint8_t)i;
        s[2] = s[3] = s[4] = 0;
        s[5] = 0x0f;
        s[6] = 0x01;
        s[7] = gt_x86.vendor_amd ? 0xd9 : 0xc1;
        s[8] = 0xc3;
    }
}

static unsigned int compare_page(const char *what, const uint8_t *got)
{
    static uint8_t want[4096];
    unsigned int bad = 0;

    expected_page(want);
    for (unsigned int off = 0; off < sizeof(want); off++) {
        if (got[off] == want[off])
            continue;
        if (bad++ < 4)
            gt_fail_at(__FILE__, __LINE__, "%s: byte 0x%03x (slot %u + %u) is 0x%02x, "
                       "expected 0x%02x", what, off, off / STUB_SIZE, off % STUB_SIZE,
                       got[off], want[off]);
    }
    if (bad > 4)
        gt_printf("  %s: %u bytes differ in all\n", what, bad);
    return bad;
}

GT_TEST(hcall_page_contents, "hypercall_page.contents")
{
    const uint8_t *p = gt_x86_hcall_page;

    gt_printf("  slot 0: %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x\n", p[0], p[1],
              p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]);
    gt_printf("  slot 23: %02x %02x %02x\n", p[23 * 32], p[23 * 32 + 1], p[23 * 32 + 2]);
    compare_page("hypercall page", p);
}

static void call_stub(void *stub)
{
    ((void (*)(void))stub)();
}

GT_TEST(hcall_page_iret, "hypercall_page.iret_slot_faults")
{
    uint8_t *stub = gt_x86_hcall_page + STUB_SIZE * __HYPERVISOR_iret;
    struct gt_trap t;

    /* Calling the iret slot runs its ud2: #UD at the start of the slot. */
    ASSERT_TRUE(gt_catch(call_stub, stub, &t));
    gt_printf("  %s at 0x%llx, error code 0x%llx\n", gt_trap_kind_name(t.kind),
              (unsigned long long)t.pc, (unsigned long long)t.syndrome);
    EXPECT_EQ(t.kind, GT_TRAP_X86_BASE + GT_X86_UD);
    EXPECT_XEQ(t.pc, (uintptr_t)stub);
    /* And the number itself, made directly, is not a hypercall for HVM. */
    EXPECT_EQ(gt_x86_raw_hypercall(__HYPERVISOR_iret, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    still_alive();
}

static void do_rdmsr(void *arg)
{
    gt_x86_rdmsr((uint32_t)(uintptr_t)arg);
}

GT_TEST(hcall_page_msr_read, "hypercall_page.msr_reads_zero")
{
    struct gt_trap t;

    /* Whatever was written, the MSR reads back as 0. */
    if (gt_catch(do_rdmsr, (void *)(uintptr_t)HCALL_MSR, &t)) {
        gt_fail_at(__FILE__, __LINE__, "rdmsr 0x%x: %s", HCALL_MSR, gt_trap_kind_name(t.kind));
        return;
    }
    EXPECT_XEQ(gt_x86_rdmsr(HCALL_MSR), 0);
}

GT_TEST(hcall_page_second, "hypercall_page.another_page")
{
    /* Any RAM page may be made a hypercall page, as often as one likes. */
    memset(spare_page, 0x5a, sizeof(spare_page));
    gt_x86_wrmsr(HCALL_MSR, (uintptr_t)spare_page);
    compare_page("second page", spare_page);
    /* The first page is unchanged and still works. */
    compare_page("first page", gt_x86_hcall_page);
    still_alive();
}

struct wrmsr_args {
    uint32_t msr;
    uint64_t val;
};

static void do_wrmsr(void *arg)
{
    const struct wrmsr_args *a = arg;

    gt_x86_wrmsr(a->msr, a->val);
}

static void expect_wrmsr_gp(const char *what, uint32_t msr, uint64_t val)
{
    struct wrmsr_args a = { msr, val };
    struct gt_trap t;

    if (!gt_catch(do_wrmsr, &a, &t)) {
        gt_fail_at(__FILE__, __LINE__, "%s: wrmsr 0x%x <- 0x%llx did not fault", what, msr,
                   (unsigned long long)val);
        return;
    }
    gt_printf("  %s: %s, error code 0x%llx, at 0x%llx\n", what, gt_trap_kind_name(t.kind),
              (unsigned long long)t.syndrome, (unsigned long long)t.pc);
    EXPECT_EQ(t.kind, GT_TRAP_X86_BASE + GT_X86_GP);
    EXPECT_XEQ(t.syndrome, 0);
    EXPECT_XEQ(t.pc, (uintptr_t)gt_x86_wrmsr_insn);
}

GT_TEST(hcall_page_msr_bad, "hypercall_page.msr_refusals")
{
    struct gt_trap t;

    memset(spare_page, 0x5a, sizeof(spare_page));
    /* The low 12 bits select a page of a multi-page area: only 0 exists. */
    expect_wrmsr_gp("page index 1", HCALL_MSR, (uintptr_t)spare_page | 1);
    EXPECT_EQ(spare_page[0], 0x5a);
    /* No RAM behind the address. */
    expect_wrmsr_gp("no RAM", HCALL_MSR, GT_UNMAPPED_ADDR);
    /* The MSRs next to it are not Xen's. */
    expect_wrmsr_gp("MSR 0x40000001", HCALL_MSR + 1, 0);
    if (EXPECT_TRUE(gt_catch(do_rdmsr, (void *)(uintptr_t)(HCALL_MSR + 1), &t))) {
        EXPECT_EQ(t.kind, GT_TRAP_X86_BASE + GT_X86_GP);
        EXPECT_XEQ(t.pc, (uintptr_t)gt_x86_rdmsr_insn);
    }
    still_alive();
}

GT_TEST(hcall_pv_only, "hypercall.pv_only_numbers")
{
    /* Hypercalls only PV guests have (x86 HVM table: none), and the
     * unused arch_* slots. */
    static const unsigned long nrs[] = { 0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 14, 16, 19, 22,
                                         25, 28, 30, 31, 37, 38, 48, 50, 51, 52, 53, 54,
                                         55 };

    for (size_t i = 0; i < GT_ARRAY_SIZE(nrs); i++) {
        long rc = gt_hypercall(nrs[i], 0, 0, 0, 0, 0);

        if (rc != -XEN_ENOSYS)
            gt_fail_at(__FILE__, __LINE__, "hypercall %lu returned %ld, not -ENOSYS",
                       nrs[i], rc);
    }
}

GT_TEST(hcall_page_vs_raw, "hypercall.page_and_trap_agree")
{
    /* The page is a convenience: the trap instruction with the number in
     * eax does the same. */
    EXPECT_EQ(gt_x86_raw_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0),
              0x40011);
    EXPECT_EQ(gt_x86_raw_hypercall(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0, 0),
              4096);
    EXPECT_EQ(gt_x86_raw_hypercall(11, 0, 0, 0, 0, 0), -XEN_ENOSYS);
}

static void check_preserved(unsigned long nr, unsigned long arg, long want)
{
    static unsigned long out[GT_X86_NR_REGS];
#if GT_ARCH_BITS == 64
    static const unsigned int regs[] = { GT_X86_R_BX, GT_X86_R_CX, GT_X86_R_BP, GT_X86_R_9,
                                         GT_X86_R_11, GT_X86_R_12, GT_X86_R_13, GT_X86_R_14,
                                         GT_X86_R_15 };
    static const char *const names[GT_X86_NR_REGS] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11",
        "r12", "r13", "r14", "r15",
    };
    const unsigned long base = 0xc3c3a5a500006700ul;
#else
    static const unsigned int regs[] = { GT_X86_R_BP };
    static const char *const names[GT_X86_NR_REGS] = {
        "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    };
    const unsigned long base = 0xc3a56700ul;
#endif

    memset(out, 0, sizeof(out));
    EXPECT_EQ(gt_x86_regcheck(nr, arg, out), want);
    EXPECT_EQ((long)out[GT_X86_R_AX], want);
    for (size_t i = 0; i < GT_ARRAY_SIZE(regs); i++) {
        unsigned int r = regs[i];

        if (out[r] != base + r)
            gt_fail_at(__FILE__, __LINE__, "hypercall %lu changed %s: 0x%lx", nr, names[r],
                       out[r]);
    }
}

GT_TEST(hcall_preserves, "hypercall.preserved_registers")
{
    /* Only the result register and the argument registers may change
     * (64-bit: rdi rsi rdx r10 r8; 32-bit: every register but ebp). */
    check_preserved(__HYPERVISOR_xen_version, XENVER_version, 0x40011);
    check_preserved(100, 0, -XEN_ENOSYS);
    check_preserved(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
}

GT_TEST(hcall_saturation, "hypercall.compat_result_saturation")
{
    static domid_t self = DOMID_SELF;
    long max;

    /* dom0's page limit is UINT_MAX (nothing set one). */
    max = gt_hypercall(__HYPERVISOR_memory_op, XENMEM_maximum_reservation,
                       (unsigned long)&self, 0, 0, 0);
    gt_printf("  XENMEM_maximum_reservation = %ld (0x%lx)\n", max, (unsigned long)max);
#if GT_ARCH_BITS == 64
    /* A 64-bit guest gets the value as it is. */
    EXPECT_EQ(max, 0xffffffffl);
#else
    /* The 32-bit (compat) memory_op clamps results to the int range
     * instead of letting them wrap to a negative "error". */
    EXPECT_EQ(max, 0x7fffffffl);
#endif
}

#endif /* GT_ARCH_X86 */
