/* SPDX-License-Identifier: MIT */
/* trap.c - x86 exception handler: turn a frame into a gt_trap. */
#include "gt.h"
#include "gt-arch.h"

#if GT_ARCH_BITS == 64
struct gt_x86_frame {
    unsigned long r15, r14, r13, r12, r11, r10, r9, r8;
    unsigned long bp, di, si, dx, cx, bx, ax;
    unsigned long vector, error;
    unsigned long ip, cs, flags, sp, ss;
};
_Static_assert(sizeof(struct gt_x86_frame) == 22 * 8, "frame layout");
#else
struct gt_x86_frame {
    unsigned long di, si, bp, sp_pusha, bx, dx, cx, ax;   /* pusha */
    unsigned long vector, error;
    unsigned long ip, cs, flags;
};
_Static_assert(sizeof(struct gt_x86_frame) == 13 * 4, "frame layout");
#endif

void gt_x86_trap(struct gt_x86_frame *f);
void gt_longjmp(struct gt_jmpbuf *jb, long val) __attribute__((noreturn));

void gt_x86_trap(struct gt_x86_frame *f)
{
    struct gt_trap t = {
        .kind = GT_TRAP_X86_BASE + (unsigned int)f->vector,
        .syndrome = f->error,
        .pc = f->ip,
        .spsr = f->flags,
    };
    struct gt_jmpbuf *jb;

    if (f->vector == GT_X86_PF) {
        unsigned long cr2;

        __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
        t.addr = cr2;
    }
    jb = gt_trap_taken(&t);
    if (!jb) {
        /* Nowhere to go: the framework has already reported and stopped. */
        for (;;)
            __asm__ volatile("pause");
    }
    /* The frame is abandoned: the jump restores the stack of the catcher
     * (or of the test), and interrupts stay off as they always are. */
    gt_longjmp(jb, 1);
}
