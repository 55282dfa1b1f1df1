/* SPDX-License-Identifier: MIT */
/*
 * x86-traps.c - exceptions an x86 HVM guest sees (and the hypervisor must
 * survive): #UD for ud2 and for the other vendor's hypercall instruction,
 * #PF from the guest's own page tables, and what a load or store to
 * guest-physical memory with nothing behind it does.
 */
#include "gt-xen.h"

#if GT_ARCH_X86

#if GT_ARCH_BITS == 64
/* Above the 4 GiB the x86_64 kernel maps. */
#define UNMAPPED_VA 0x140000000ull
#else
/* The 4 MiB the x86_32 kernel leaves out of its page tables (below). */
#define UNMAPPED_VA 0xc0000000ull
#endif

static void call(void *fn)
{
    ((void (*)(void))fn)();
}

static void print_trap(const char *what, const struct gt_trap *t)
{
    gt_printf("  %s: %s, error code 0x%llx, cr2 0x%llx, ip 0x%llx, flags 0x%llx\n", what,
              gt_trap_kind_name(t->kind), (unsigned long long)t->syndrome,
              (unsigned long long)t->addr, (unsigned long long)t->pc,
              (unsigned long long)t->spsr);
}

static void still_alive(void)
{
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_version, NULL), 0x40011);
}

static void expect_ud(const char *what, void (*fn)(void), const char *insn)
{
    struct gt_trap t;

    if (!gt_catch(call, (void *)fn, &t)) {
        gt_fail_at(__FILE__, __LINE__, "%s: no exception", what);
        return;
    }
    print_trap(what, &t);
    EXPECT_EQ(t.kind, GT_TRAP_X86_BASE + GT_X86_UD);
    EXPECT_XEQ(t.pc, (uintptr_t)insn);     /* a fault: the instruction itself */
    EXPECT_XEQ(t.syndrome, 0);
}

GT_TEST(trap_ud2, "trap.ud2")
{
    expect_ud("ud2", gt_x86_ud2, gt_x86_ud2_insn);
    still_alive();
}

GT_TEST(trap_other_vendor, "trap.other_vendor_hypercall_insn")
{
    /* VMCALL on AMD (VMMCALL on Intel) is not turned into a hypercall for
     * a guest that sees the host's own vendor: #UD. */
    if (gt_x86.vendor_amd)
        expect_ud("vmcall", gt_x86_vmcall, gt_x86_vmcall_insn);
    else
        expect_ud("vmmcall", gt_x86_vmmcall, gt_x86_vmmcall_insn);
    still_alive();
}

static void load_unmapped_va(void *arg)
{
    (void)arg;
    gt_x86_load32((uintptr_t)UNMAPPED_VA);
}

static void store_unmapped_va(void *arg)
{
    (void)arg;
    gt_x86_store32((uintptr_t)UNMAPPED_VA + 0x10, 0x12345678);
}

static void expect_pf(const char *what, void (*fn)(void *), const char *insn,
                      uint64_t addr, uint64_t error)
{
    struct gt_trap t;

    if (!gt_catch(fn, NULL, &t)) {
        gt_fail_at(__FILE__, __LINE__, "%s: no exception", what);
        return;
    }
    print_trap(what, &t);
    EXPECT_EQ(t.kind, GT_TRAP_X86_BASE + GT_X86_PF);
    EXPECT_XEQ(t.pc, (uintptr_t)insn);
    EXPECT_XEQ(t.addr, addr);
    EXPECT_XEQ(t.syndrome, error);
}

#if GT_ARCH_BITS == 32
/*
 * The 32-bit kernel runs with paging off; for this test it turns paging on
 * with one page directory of 4 MiB pages (CR4.PSE) mapping everything 1:1
 * but UNMAPPED_VA, and off again afterwards.
 */
#define CR0_PG  (1ul << 31)
#define CR4_PSE (1ul << 4)

static uint32_t pd32[1024] __attribute__((aligned(4096)));

static void paging(bool on)
{
    unsigned long cr0, cr4;

    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    if (on) {
        for (uint32_t i = 0; i < 1024; i++)
            pd32[i] = (i << 22) | 0x83;         /* present, writable, 4 MiB */
        pd32[UNMAPPED_VA >> 22] = 0;
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_PSE));
        __asm__ volatile("mov %0, %%cr3" : : "r"((unsigned long)pd32) : "memory");
        __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_PG) : "memory");
    } else {
        __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 & ~CR0_PG) : "memory");
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~CR4_PSE));
    }
}
#else
static void paging(bool on)
{
    (void)on;       /* long mode: always on */
}
#endif

GT_TEST(trap_page_fault, "trap.page_fault")
{
    paging(true);
    /* Not present; error code: read 0, write 2 (supervisor, not fetch). */
    expect_pf("load", load_unmapped_va, gt_x86_load32_insn, UNMAPPED_VA, 0);
    expect_pf("store", store_unmapped_va, gt_x86_store32_insn, UNMAPPED_VA + 0x10, 2);
    paging(false);
    still_alive();
}

static void load_unbacked(void *arg)
{
    *(uint32_t *)arg = gt_x86_load32(GT_UNMAPPED_ADDR);
}

static void store_unbacked(void *arg)
{
    (void)arg;
    gt_x86_store32(GT_UNMAPPED_ADDR, 0x12345678);
}

GT_TEST(mmio_unbacked, "mmio.unbacked_gpa")
{
    /* No RAM and no device: the access is emulated and goes nowhere -
     * loads read all ones, stores are dropped, and no exception. */
    static uint32_t val;
    struct gt_trap t;

    val = 0;
    if (gt_catch(load_unbacked, &val, &t)) {
        print_trap("load", &t);
        gt_fail_at(__FILE__, __LINE__, "load from 0x%lx faulted", GT_UNMAPPED_ADDR);
    } else {
        gt_printf("  load from 0x%lx: 0x%08x\n", GT_UNMAPPED_ADDR, val);
        EXPECT_XEQ(val, 0xffffffffu);
    }
    if (gt_catch(store_unbacked, NULL, &t)) {
        print_trap("store", &t);
        gt_fail_at(__FILE__, __LINE__, "store to 0x%lx faulted", GT_UNMAPPED_ADDR);
    }
    val = 0;
    if (!gt_catch(load_unbacked, &val, &t))
        EXPECT_XEQ(val, 0xffffffffu);
    still_alive();
}

#endif /* GT_ARCH_X86 */
