/* SPDX-License-Identifier: MIT */
/* gt-arch.h - arm64 (AArch64, EL1) side of the guest test framework. */
#ifndef GT_ARCH_H
#define GT_ARCH_H

#include <stdint.h>

#define GT_ARCH_NAME "arm64"
#define GT_ARCH_BITS 64

/*
 * hvc #0xEA1: number in x16, arguments in x0-x4, result in x0.  A debug
 * build of Xen may overwrite x1-x4 and x16, so all of them are outputs.
 */
static inline long gt_arch_hypercall(unsigned long nr, unsigned long a1,
                                     unsigned long a2, unsigned long a3,
                                     unsigned long a4, unsigned long a5)
{
    register unsigned long x16 __asm__("x16") = nr;
    register unsigned long x0 __asm__("x0") = a1;
    register unsigned long x1 __asm__("x1") = a2;
    register unsigned long x2 __asm__("x2") = a3;
    register unsigned long x3 __asm__("x3") = a4;
    register unsigned long x4 __asm__("x4") = a5;

    __asm__ volatile("hvc #0xea1"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x16)
                     :
                     : "memory");
    return (long)x0;
}

/* SMCCC call through hvc #0 (function id in x0), result in x0. */
static inline unsigned long gt_arch_smccc(unsigned long fid, unsigned long a1,
                                          unsigned long a2, unsigned long a3)
{
    register unsigned long x0 __asm__("x0") = fid;
    register unsigned long x1 __asm__("x1") = a1;
    register unsigned long x2 __asm__("x2") = a2;
    register unsigned long x3 __asm__("x3") = a3;

    __asm__ volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                       "x13", "x14", "x15", "x16", "x17", "memory");
    return x0;
}

/* Syndrome decoding helpers for the tests. */
#define GT_ESR_EC(esr)      (((esr) >> 26) & 0x3f)
#define GT_ESR_IL           (1u << 25)
#define GT_EC_UNKNOWN       0x00
#define GT_EC_DABT_CUR      0x25

#endif /* GT_ARCH_H */
