/* SPDX-License-Identifier: MIT */
/*
 * gt-x86.h - what the two x86 test kernels (x86_64: long mode, x86_32:
 * 32-bit protected mode, both PVH guests) share: the hypercall page, CPUID,
 * MSR access, segment selectors and the leaf routines tests use to provoke
 * exceptions.  Included by each width's gt-arch.h.
 */
#ifndef GT_X86_H
#define GT_X86_H

#define GT_ARCH_X86 1
#define GT_ARCH_ARM 0

/*
 * Guest-physical memory with nothing behind it: above the 256 MiB of RAM
 * the runner gives dom0 (dom0_mem=256M on a 1 GiB machine) and far below
 * the PCI hole.  The x86_64 kernel maps it 1:1 like all of the low 4 GiB,
 * so a hypercall given this address fails in the guest-physical lookup.
 */
#define GT_UNMAPPED_ADDR 0x30000000ul

/* Selectors of the kernel's own GDT (head.S). */
#define GT_X86_CS32 0x08
#define GT_X86_DS   0x10
#define GT_X86_CS64 0x18

/* Exception vectors. */
#define GT_X86_DE 0
#define GT_X86_BP 3
#define GT_X86_UD 6
#define GT_X86_GP 13
#define GT_X86_PF 14

#define GT_X86_HCALL_STUBS 128   /* 32-byte stubs in the 4 KiB page */

/* Slots of gt_x86_regcheck()'s out[] (the order of the x86 encoding). */
#define GT_X86_R_AX 0
#define GT_X86_R_CX 1
#define GT_X86_R_DX 2
#define GT_X86_R_BX 3
#define GT_X86_R_SP 4
#define GT_X86_R_BP 5
#define GT_X86_R_SI 6
#define GT_X86_R_DI 7
#define GT_X86_R_8  8
#define GT_X86_R_9  9
#define GT_X86_R_10 10
#define GT_X86_R_11 11
#define GT_X86_R_12 12
#define GT_X86_R_13 13
#define GT_X86_R_14 14
#define GT_X86_R_15 15
#define GT_X86_NR_REGS 16

#ifndef __ASSEMBLY__

#include <stdint.h>

/*
 * The hypercall: number and up to five arguments, result as the guest
 * sees it.  Numbers below 128 go through the hypercall page (the usual
 * way), larger ones straight through the trap instruction.  64-bit:
 * rdi rsi rdx r10 r8, 32-bit: ebx ecx edx esi edi; result in rax/eax.
 */
long gt_x86_hypercall(unsigned long nr, unsigned long a1, unsigned long a2,
                      unsigned long a3, unsigned long a4, unsigned long a5);
/* The same, always through VMMCALL (AMD) or VMCALL (Intel) in the kernel,
 * with the whole number register loaded (64-bit: all of rax). */
long gt_x86_raw_hypercall(unsigned long nr, unsigned long a1, unsigned long a2,
                          unsigned long a3, unsigned long a4, unsigned long a5);

static inline long gt_arch_hypercall(unsigned long nr, unsigned long a1,
                                     unsigned long a2, unsigned long a3,
                                     unsigned long a4, unsigned long a5)
{
    return gt_x86_hypercall(nr, a1, a2, a3, a4, a5);
}

/* Filled in at boot (arch/x86/boot.c). */
struct gt_x86_info {
    uint32_t hv_base;          /* CPUID leaf of the "XenVMMXenVMM" signature */
    uint32_t hv_max_leaf;      /* its eax */
    uint32_t hcall_msr;        /* leaf base+2: ebx */
    uint32_t hcall_pages;      /* leaf base+2: eax */
    int vendor_amd;            /* VMMCALL (1) or VMCALL (0) */
    uintptr_t start_info;      /* physical address of struct hvm_start_info */
};
extern struct gt_x86_info gt_x86;

/* The machine state at the PVH entry point (head.S). */
struct gt_x86_entry_state {
    uint32_t cr0, cr4, eflags, cs, efer;
};
extern struct gt_x86_entry_state gt_x86_entry;
/* The page the hypervisor filled with hypercall stubs (page aligned). */
extern uint8_t gt_x86_hcall_page[4096];

struct gt_cpuid {
    uint32_t a, b, c, d;
};

static inline struct gt_cpuid gt_x86_cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct gt_cpuid r;

    __asm__ volatile("cpuid"
                     : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

/*
 * Leaf routines (head.S).  Each *_insn label marks the instruction that
 * may fault, so a test can compare it with the reported return address.
 */
uint64_t gt_x86_rdmsr(uint32_t msr);
void gt_x86_wrmsr(uint32_t msr, uint64_t val);
uint32_t gt_x86_load32(uintptr_t addr);
void gt_x86_store32(uintptr_t addr, uint32_t val);
void gt_x86_ud2(void);
void gt_x86_vmcall(void);      /* eax = xen_version, arg 0 = 0 */
void gt_x86_vmmcall(void);
extern const char gt_x86_rdmsr_insn[], gt_x86_wrmsr_insn[], gt_x86_load32_insn[],
    gt_x86_store32_insn[], gt_x86_ud2_insn[], gt_x86_vmcall_insn[], gt_x86_vmmcall_insn[];

/*
 * Loads a pattern into every general-purpose register the hypercall ABI
 * does not use, makes hypercall nr (first argument arg, the others 0)
 * through the page, and stores what each register held afterwards into
 * out[] (indexed as GT_X86_R_*; out[GT_X86_R_AX] = result).
 */
long gt_x86_regcheck(unsigned long nr, unsigned long arg, unsigned long *out);

#endif /* !__ASSEMBLY__ */

#endif /* GT_X86_H */
