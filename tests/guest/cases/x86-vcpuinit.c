/* SPDX-License-Identifier: MIT */
/*
 * x86-vcpuinit.c - VCPUOP_initialise with a vcpu_hvm_context, then
 * VCPUOP_up: vCPU 1 starts in this kernel's own mode (flat 32-bit
 * protected mode, or long mode on our page tables), stores a register it
 * was given into a flag and takes itself down again, so the rest of the
 * suite sees the same single running vCPU as before.
 */
#include "gt-xen.h"

#if GT_ARCH_X86
#include "gt-x86.h"
#include <public/hvm/hvm_vcpu.h>

#define NO_SUCH_VCPU    4096u
#define VI_EEXIST       17      /* Xen's EEXIST (gt-xen.h lists fewer) */
#define AP_MAGIC        0x600dc0deu
#define MSR_EFER        0xc0000080u
#define CR0_PG          (1u << 31)

volatile uint32_t gt_ap_flag;
uint8_t gt_ap_stack[1024] __attribute__((aligned(16)));

/* VCPUOP_down is 2; vcpu_op (24) sits at 24 * 32 in the hypercall page. */
_Static_assert(VCPUOP_down == 2 && __HYPERVISOR_vcpu_op == 24, "numbers in the asm below");

/*
 * vCPU 1's code: no C, so it needs only the few bytes of stack the
 * hypercall page's call uses.  ebx carries AP_MAGIC in; the loop keeps it
 * down should it ever be brought up again.
 */
#if GT_ARCH_BITS == 64
__asm__(".pushsection .text\n"
        ".global gt_ap_entry\n"
        "gt_ap_entry:\n"
        "    movl %ebx, gt_ap_flag(%rip)\n"
        "1:  mov $2, %edi\n"
        "    mov $1, %esi\n"
        "    xor %edx, %edx\n"
        "    call gt_x86_hcall_page + 24 * 32\n"
        "    jmp 1b\n"
        ".popsection\n");
#else
__asm__(".pushsection .text\n"
        ".global gt_ap_entry\n"
        "gt_ap_entry:\n"
        "    movl %ebx, gt_ap_flag\n"
        "1:  mov $2, %ebx\n"
        "    mov $1, %ecx\n"
        "    xor %edx, %edx\n"
        "    call gt_x86_hcall_page + 24 * 32\n"
        "    jmp 1b\n"
        ".popsection\n");
#endif
extern const char gt_ap_entry[];

static struct vcpu_hvm_context ctx;

static uintptr_t read_cr(int n)
{
    uintptr_t v = 0;

    if (n == 0)
        __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    else if (n == 3)
        __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    else
        __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

/* A context that starts vCPU 1 at gt_ap_entry in the mode we run in. */
static void own_mode_context(void)
{
    uintptr_t sp = (uintptr_t)(gt_ap_stack + sizeof(gt_ap_stack));

    memset(&ctx, 0, sizeof(ctx));
#if GT_ARCH_BITS == 64
    ctx.mode = VCPU_HVM_MODE_64B;
    ctx.cpu_regs.x86_64.rip = (uintptr_t)gt_ap_entry;
    ctx.cpu_regs.x86_64.rsp = sp;
    ctx.cpu_regs.x86_64.rbx = AP_MAGIC;
    ctx.cpu_regs.x86_64.rflags = 0x2;
    ctx.cpu_regs.x86_64.cr0 = read_cr(0);
    ctx.cpu_regs.x86_64.cr3 = read_cr(3);
    ctx.cpu_regs.x86_64.cr4 = read_cr(4);
    ctx.cpu_regs.x86_64.efer = gt_x86_rdmsr(MSR_EFER);
#else
    struct vcpu_hvm_x86_32 *r = &ctx.cpu_regs.x86_32;

    ctx.mode = VCPU_HVM_MODE_32B;
    r->eip = (uintptr_t)gt_ap_entry;
    r->esp = sp;
    r->ebx = AP_MAGIC;
    r->eflags = 0x2;
    r->cr0 = read_cr(0);
    r->cr3 = read_cr(3);
    r->cr4 = read_cr(4);
    r->efer = gt_x86_rdmsr(MSR_EFER);
    /* Flat 4 GiB (read the same whether or not G scales the limit). */
    r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xffffffff;
    r->cs_ar = 0xc9b;
    r->ds_ar = r->ss_ar = r->es_ar = 0xc93;
    r->tr_ar = 0x8b;
    r->tr_limit = 0x67;
#endif
}

static long initialise(unsigned int vcpu, void *arg)
{
    return HYPERVISOR_vcpu_op(VCPUOP_initialise, vcpu, arg);
}

GT_TEST(x86_vcpuinit_refused, "vcpu_op.initialise_refused")
{
    if (gt_cfg.nr_cpus < 2)
        gt_skip("one vCPU");
    own_mode_context();
    EXPECT_EQ(initialise(NO_SUCH_VCPU, &ctx), -XEN_ENOENT);
    /* vCPU 0 (us) got its state from the domain builder. */
    EXPECT_EQ(initialise(0, &ctx), -VI_EEXIST);
    EXPECT_EQ(initialise(1, (void *)GT_UNMAPPED_ADDR), -XEN_EFAULT);

    ctx.mode = 2;
    EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
    own_mode_context();
    ctx.pad = 1;
    EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);

    /* Long mode needs paging, PAE and LME. */
    memset(&ctx, 0, sizeof(ctx));
    ctx.mode = VCPU_HVM_MODE_64B;
    ctx.cpu_regs.x86_64.cr0 = 0x80000011;
    ctx.cpu_regs.x86_64.cr4 = 0x20;
    ctx.cpu_regs.x86_64.efer = 0x100;
    ctx.cpu_regs.x86_64.rip = 0x0000800000000000ull;    /* not canonical */
    EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
    ctx.cpu_regs.x86_64.rip = 0x100000;
    ctx.cpu_regs.x86_64.cr0 = 0x11;
    EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
    ctx.cpu_regs.x86_64.cr0 = 0x80000011;
    ctx.cpu_regs.x86_64.cr4 = 0;
    EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
    ctx.cpu_regs.x86_64.cr4 = 0x20;
    ctx.cpu_regs.x86_64.efer = 0;
    EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
    /* Features this guest was not offered: VMX in CR4, SVM in EFER. */
    ctx.cpu_regs.x86_64.efer = 0x100;
    ctx.cpu_regs.x86_64.cr4 = 0x20 | (1u << 13);
    EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
    ctx.cpu_regs.x86_64.cr4 = 0x20;
    ctx.cpu_regs.x86_64.efer = 0x100 | (1u << 12);
    EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);

    /* 32-bit: segment attributes, the CS limit, DPLs, EFER. */
    memset(&ctx, 0, sizeof(ctx));
    ctx.mode = VCPU_HVM_MODE_32B;
    {
        struct vcpu_hvm_x86_32 *r = &ctx.cpu_regs.x86_32;

        r->cr0 = 0x11;
        r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xffffffff;
        r->cs_ar = 0xc9b;
        r->ds_ar = r->ss_ar = r->es_ar = 0xc93;
        r->tr_ar = 0x8b;
        r->tr_limit = 0x67;
        r->cs_ar = 0;                               /* null CS */
        EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
        r->cs_ar = 0xc93;                           /* data in CS */
        EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
        r->cs_ar = 0x409b;                          /* bits 12-15 */
        EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
        r->cs_ar = 0xc9b;
        r->ss_ar = 0xc9b;                           /* code in SS */
        EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
        r->ss_ar = 0xcf3;                           /* SS.DPL 3, CS.DPL 0 */
        EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
        r->ss_ar = 0xc13;                           /* not present */
        EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
        r->ss_ar = 0xc93;
        r->tr_ar = 0xc93;                           /* data in TR */
        EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
        r->tr_ar = 0x8b;
        r->cs_ar = 0x49b;                           /* byte-granular 1 MiB CS... */
        r->cs_limit = 0xfffff;
        r->eip = 0x100000;                          /* ...and EIP past it */
        EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
        r->cs_ar = 0xc9b;
        r->cs_limit = 0xffffffff;
        r->efer = 1u << 10;                         /* LMA without LME */
        EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
        r->efer = 0;
        r->pad1 = 1;
        EXPECT_EQ(initialise(1, &ctx), -XEN_EINVAL);
    }
    /* None of that left vCPU 1 startable. */
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
}

GT_TEST(x86_vcpuinit_up, "vcpu_op.initialise_and_up")
{
    unsigned int i;

    if (gt_cfg.nr_cpus < 2)
        gt_skip("one vCPU");
    own_mode_context();
    gt_ap_flag = 0;
    ASSERT_EQ(initialise(1, &ctx), 0);
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    /* Once only. */
    EXPECT_EQ(initialise(1, &ctx), -VI_EEXIST);
    ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), 0);
    for (i = 0; i < 100000 && gt_ap_flag != AP_MAGIC; i++)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    EXPECT_XEQ(gt_ap_flag, AP_MAGIC);
    /* It takes itself down again. */
    for (i = 0; i < 100000 && HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL) != 0; i++)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    gt_printf("  vCPU 1 ran (flag 0x%x) after %u yields; down again\n", gt_ap_flag, i);
    /* Down is not uninitialised. */
    EXPECT_EQ(initialise(1, &ctx), -VI_EEXIST);
}

#endif
