/* SPDX-License-Identifier: MIT */
/* trap.c - arm64 exception handler: turn a frame into a gt_trap. */
#include "gt.h"
#include "gt-arch.h"

struct gt_arm64_frame {
    uint64_t x[31];
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
    uint64_t pad;
};
_Static_assert(sizeof(struct gt_arm64_frame) == 288, "frame layout");

void gt_arm64_trap(struct gt_arm64_frame *f, unsigned long vector);
void gt_longjmp(struct gt_jmpbuf *jb, long val) __attribute__((noreturn));

#define SPSR_EL1H_MASKED 0x3c5   /* EL1h, D, A, I and F masked */

void gt_arm64_trap(struct gt_arm64_frame *f, unsigned long vector)
{
    static const unsigned int kinds[4] = {
        GT_TRAP_SYNC, GT_TRAP_IRQ, GT_TRAP_FIQ, GT_TRAP_SERROR,
    };
    struct gt_trap t = {
        .kind = kinds[vector & 3],
        .syndrome = f->esr,
        .addr = f->far,
        .pc = f->elr,
        .spsr = f->spsr,
    };
    struct gt_jmpbuf *jb;

    jb = gt_trap_taken(&t);
    if (!jb) {
        /* Nowhere to go: the framework has already reported and stopped. */
        for (;;)
            __asm__ volatile("wfi");
    }
    /* Return from the exception straight into gt_longjmp(jb, 1). */
    f->elr = (uint64_t)(uintptr_t)gt_longjmp;
    f->x[0] = (uint64_t)(uintptr_t)jb;
    f->x[1] = 1;
    f->spsr = SPSR_EL1H_MASKED;
}
