/* SPDX-License-Identifier: MIT */
/* gt-arch.h - arm32 (AArch32, ARM state, SVC mode) side of the framework. */
#ifndef GT_ARCH_H
#define GT_ARCH_H

#include <stdint.h>

#define GT_ARCH_NAME "arm32"
#define GT_ARCH_BITS 32

/*
 * hvc #0xEA1 in ARM state: number in r12, arguments in r0-r4, result in r0.
 * A debug build of Xen may overwrite r1-r4 and r12, so they are outputs.
 */
static inline long gt_arch_hypercall(unsigned long nr, unsigned long a1,
                                     unsigned long a2, unsigned long a3,
                                     unsigned long a4, unsigned long a5)
{
    register unsigned long r12 __asm__("r12") = nr;
    register unsigned long r0 __asm__("r0") = a1;
    register unsigned long r1 __asm__("r1") = a2;
    register unsigned long r2 __asm__("r2") = a3;
    register unsigned long r3 __asm__("r3") = a4;
    register unsigned long r4 __asm__("r4") = a5;

    __asm__ volatile("hvc #0xea1"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r12)
                     :
                     : "memory");
    return (long)r0;
}

/* SMCCC call through hvc #0 (function id in r0), result in r0. */
static inline unsigned long gt_arch_smccc(unsigned long fid, unsigned long a1,
                                          unsigned long a2, unsigned long a3)
{
    register unsigned long r0 __asm__("r0") = fid;
    register unsigned long r1 __asm__("r1") = a1;
    register unsigned long r2 __asm__("r2") = a2;
    register unsigned long r3 __asm__("r3") = a3;

    __asm__ volatile("hvc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "r12", "memory");
    return r0;
}

#endif /* GT_ARCH_H */
