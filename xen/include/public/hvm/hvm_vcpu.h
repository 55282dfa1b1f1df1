/* SPDX-License-Identifier: MIT */
/*
 * hvm_vcpu.h - the register state VCPUOP_initialise takes for an x86
 * HVM/PVH vCPU.
 *
 * Written for this project from the published Xen 4.17 ABI: names, values
 * and layouts are fixed by that ABI, the text is our own.  The layout is
 * the same for 32- and 64-bit callers (every 64-bit member sits on an
 * 8-byte boundary), so there is no compat variant.
 */

#ifndef XEN_PUBLIC_HVM_HVM_VCPU_H
#define XEN_PUBLIC_HVM_HVM_VCPU_H

#include "../xen.h"

/*
 * Protected (or compatibility) mode.  The *_ar members hold the
 * descriptor's attribute bits: type 0-3, s 4, dpl 5-6, p 7, avl 8, l 9,
 * db 10, g 11; bits 12-15 must be zero.
 */
struct vcpu_hvm_x86_32 {
    uint32_t eax;
    uint32_t ecx;
    uint32_t edx;
    uint32_t ebx;
    uint32_t esp;
    uint32_t ebp;
    uint32_t esi;
    uint32_t edi;
    uint32_t eip;
    uint32_t eflags;

    uint32_t cr0;
    uint32_t cr3;
    uint32_t cr4;

    uint32_t pad1;

    uint64_t efer;

    uint32_t cs_base;
    uint32_t ds_base;
    uint32_t ss_base;
    uint32_t es_base;
    uint32_t tr_base;
    uint32_t cs_limit;
    uint32_t ds_limit;
    uint32_t ss_limit;
    uint32_t es_limit;
    uint32_t tr_limit;
    uint16_t cs_ar;
    uint16_t ds_ar;
    uint16_t ss_ar;
    uint16_t es_ar;
    uint16_t tr_ar;

    uint16_t pad2[3];
};
typedef struct vcpu_hvm_x86_32 xen_vcpu_hvm_x86_32_t;

/* Long mode: the segments are flat 64-bit ones, set by the hypervisor. */
struct vcpu_hvm_x86_64 {
    uint64_t rax;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rbx;
    uint64_t rsp;
    uint64_t rbp;
    uint64_t rsi;
    uint64_t rdi;
    uint64_t rip;
    uint64_t rflags;

    uint64_t cr0;
    uint64_t cr3;
    uint64_t cr4;
    uint64_t efer;
};
typedef struct vcpu_hvm_x86_64 xen_vcpu_hvm_x86_64_t;

struct vcpu_hvm_context {
#define VCPU_HVM_MODE_32B 0     /* cpu_regs.x86_32 */
#define VCPU_HVM_MODE_64B 1     /* cpu_regs.x86_64 */
    uint32_t mode;

    uint32_t pad;

    union {
        xen_vcpu_hvm_x86_32_t x86_32;
        xen_vcpu_hvm_x86_64_t x86_64;
    } cpu_regs;
};
typedef struct vcpu_hvm_context vcpu_hvm_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_hvm_context_t);

#endif /* XEN_PUBLIC_HVM_HVM_VCPU_H */
