/* SPDX-License-Identifier: MIT */
/*
 * traps.c - exceptions the hypervisor injects into the guest: HVC with an
 * immediate other than 0xEA1 (undefined instruction), access to guest
 * physical space with nothing behind it (data abort).  The hypervisor must
 * survive both and keep serving hypercalls.  Arm only.
 */
#include "gt-xen.h"

#if GT_ARCH_ARM     /* x86 has its own: cases/x86-traps.c */

#define UNMAPPED_IPA GT_UNMAPPED_ADDR

void gt_hvc_imm_1(void), gt_hvc_imm_ea0(void), gt_hvc_imm_ffff(void), gt_udf(void);
uint32_t gt_load32(uintptr_t addr);
void gt_store32(uintptr_t addr, uint32_t val);
extern const char gt_hvc_imm_1_insn[], gt_hvc_imm_ea0_insn[], gt_hvc_imm_ffff_insn[];
extern const char gt_udf_insn[], gt_load32_insn[], gt_store32_insn[];

static void call(void *fn)
{
    ((void (*)(void))fn)();
}

static void print_trap(const char *what, const struct gt_trap *t)
{
    gt_printf("  %s: %s exception, syndrome 0x%llx addr 0x%llx pc 0x%llx spsr 0x%llx\n",
              what, gt_trap_kind_name(t->kind), (unsigned long long)t->syndrome,
              (unsigned long long)t->addr, (unsigned long long)t->pc,
              (unsigned long long)t->spsr);
}

static void still_alive(void)
{
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_version, NULL), 0x40011);
}

/*
 * The return address the guest sees, relative to the faulting instruction.
 * Architecturally an undefined instruction gives ELR_EL1 = insn (AArch64)
 * or LR_und = insn + 4 (AArch32), and a data abort ELR_EL1 = insn or
 * LR_abt = insn + 8.  Xen 4.17 builds the HVC undef from the trapped HVC's
 * return address, which is already past the instruction (insn + 4 on
 * AArch64, insn + 8 on AArch32), and its AArch32 data abort uses insn + 0.
 * Either value is accepted; which one was seen is printed.
 */
static void expect_return_offset(const char *what, uint64_t pc, const void *insn,
                                 int architectural, int xen417)
{
    long long off = (long long)(pc - (uint64_t)(uintptr_t)insn);

    if (off == xen417 && off != architectural)
        gt_printf("  %s: return address insn%+lld, as Xen 4.17 gives\n", what, off);
    else if (off == architectural)
        gt_printf("  %s: return address insn%+lld, architectural\n", what, off);
    else
        gt_fail_at(__FILE__, __LINE__, "%s: return address insn%+lld, want %+d "
                   "(architectural) or %+d (Xen 4.17)", what, off, architectural, xen417);
}

static void expect_hvc_undef(const char *what, void (*fn)(void), const char *insn)
{
    struct gt_trap t;

    if (!gt_catch(call, (void *)fn, &t)) {
        gt_fail_at(__FILE__, __LINE__, "%s: no exception", what);
        return;
    }
    print_trap(what, &t);
#if GT_ARCH_BITS == 64
    EXPECT_EQ(t.kind, GT_TRAP_SYNC);
    EXPECT_XEQ(GT_ESR_EC(t.syndrome), GT_EC_UNKNOWN);
    EXPECT_XEQ(t.syndrome & GT_ESR_IL, GT_ESR_IL);
    expect_return_offset(what, t.pc, insn, 0, 4);
#else
    /* SPSR_und is not checked: under QEMU 7.2 TCG it reads 0 after any
     * exception a hypervisor injects into an AArch32 guest. */
    EXPECT_EQ(t.kind, GT_TRAP_UNDEF);
    expect_return_offset(what, t.pc, insn, 4, 8);
#endif
}

GT_TEST(trap_hvc_imm, "hvc.bad_immediate")
{
    expect_hvc_undef("hvc #1", gt_hvc_imm_1, gt_hvc_imm_1_insn);
    expect_hvc_undef("hvc #0xea0", gt_hvc_imm_ea0, gt_hvc_imm_ea0_insn);
    expect_hvc_undef("hvc #0xffff", gt_hvc_imm_ffff, gt_hvc_imm_ffff_insn);
    still_alive();
}

GT_TEST(trap_udf, "trap.guest_undef")
{
    struct gt_trap t;

    /* Handled by the CPU at EL1 without the hypervisor: checks the
     * framework's own exception path. */
    ASSERT_TRUE(gt_catch(call, (void *)gt_udf, &t));
    print_trap("udf", &t);
#if GT_ARCH_BITS == 64
    EXPECT_XEQ(GT_ESR_EC(t.syndrome), GT_EC_UNKNOWN);
    EXPECT_XEQ(t.pc, (uintptr_t)gt_udf_insn);
#else
    EXPECT_EQ(t.kind, GT_TRAP_UNDEF);
    EXPECT_XEQ(t.pc, (uintptr_t)gt_udf_insn + 4);
#endif
}

static void load_unmapped(void *arg)
{
    (void)arg;
    gt_load32(UNMAPPED_IPA);
}

static void store_unmapped(void *arg)
{
    (void)arg;
    gt_store32(UNMAPPED_IPA + 0x10, 0x12345678);
}

static void expect_dabt(const char *what, void (*fn)(void *), const char *insn,
                        uintptr_t addr)
{
    struct gt_trap t;

    if (!gt_catch(fn, NULL, &t)) {
        gt_fail_at(__FILE__, __LINE__, "%s: no exception", what);
        return;
    }
    print_trap(what, &t);
#if GT_ARCH_BITS == 64
    /* The fault status code is the hypervisor's choice (Xen: ISS 0). */
    EXPECT_EQ(t.kind, GT_TRAP_SYNC);
    EXPECT_XEQ(GT_ESR_EC(t.syndrome), GT_EC_DABT_CUR);
    EXPECT_XEQ(t.syndrome & GT_ESR_IL, GT_ESR_IL);
    expect_return_offset(what, t.pc, insn, 0, 0);
#else
    /* DFSR is the hypervisor's choice (Xen: 0x2, a debug event). */
    EXPECT_EQ(t.kind, GT_TRAP_DABT);
    expect_return_offset(what, t.pc, insn, 8, 0);
#endif
    EXPECT_XEQ(t.addr, addr);
}

GT_TEST(trap_dabt, "abort.unmapped_ipa")
{
    expect_dabt("load", load_unmapped, gt_load32_insn, UNMAPPED_IPA);
    expect_dabt("store", store_unmapped, gt_store32_insn, UNMAPPED_IPA + 0x10);
    still_alive();
}

GT_TEST(smccc_version, "smccc.hvc0_psci_version")
{
    /* hvc #0 is the SMCCC conduit, not a Xen hypercall. */
    unsigned long v = gt_arch_smccc(0x84000000ul, 0, 0, 0);   /* PSCI_VERSION */

    gt_printf("  PSCI_VERSION = 0x%lx\n", v);
    EXPECT_XEQ(v, 0x10001);                                   /* PSCI 1.1 */
    v = gt_arch_smccc(0x80000000ul, 0, 0, 0);                 /* SMCCC_VERSION */
    gt_printf("  SMCCC_VERSION = 0x%lx\n", v);
    EXPECT_XEQ(v, 0x10001);                                   /* SMCCC 1.1 */
    still_alive();
}

#endif /* GT_ARCH_ARM */
