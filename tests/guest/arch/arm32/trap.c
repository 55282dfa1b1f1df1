/* SPDX-License-Identifier: MIT */
/* trap.c - arm32 exception handler: turn a frame into a gt_trap. */
#include "gt.h"
#include "gt-arch.h"

/* What head.S pushed on the SVC stack: r0-r12, lr_svc, then srsdb's pair. */
struct gt_arm32_frame {
    uint32_t r[13];
    uint32_t lr_svc;
    uint32_t pc;      /* the exception mode's LR */
    uint32_t cpsr;    /* the exception mode's SPSR */
};
_Static_assert(sizeof(struct gt_arm32_frame) == 64, "frame layout");

void gt_arm32_trap(struct gt_arm32_frame *f, unsigned int kind);
void gt_longjmp(struct gt_jmpbuf *jb, long val) __attribute__((noreturn));

#define CPSR_SVC_MASKED 0x1d3   /* SVC mode, A, I and F masked, ARM state */

static uint32_t read_dfsr(void) { uint32_t v; __asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(v)); return v; }
static uint32_t read_dfar(void) { uint32_t v; __asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(v)); return v; }
static uint32_t read_ifsr(void) { uint32_t v; __asm__ volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(v)); return v; }
static uint32_t read_ifar(void) { uint32_t v; __asm__ volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(v)); return v; }

void gt_arm32_trap(struct gt_arm32_frame *f, unsigned int kind)
{
    struct gt_trap t = {
        .kind = kind,
        .pc = f->pc,
        .spsr = f->cpsr,
    };
    struct gt_jmpbuf *jb;

    if (kind == GT_TRAP_DABT) {
        t.syndrome = read_dfsr();
        t.addr = read_dfar();
    } else if (kind == GT_TRAP_PABT) {
        t.syndrome = read_ifsr();
        t.addr = read_ifar();
    }
    jb = gt_trap_taken(&t);
    if (!jb) {
        for (;;)
            __asm__ volatile("wfi");
    }
    /* Return from the exception straight into gt_longjmp(jb, 1). */
    f->pc = (uint32_t)(uintptr_t)gt_longjmp;
    f->r[0] = (uint32_t)(uintptr_t)jb;
    f->r[1] = 1;
    f->cpsr = CPSR_SVC_MASKED;
}
