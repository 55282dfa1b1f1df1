/*
 * EL2 exception vectors and the register save/restore around them.
 *
 * Every exception builds a struct trap_frame (asm/setup.h) on the current
 * EL2 stack and calls C:
 *
 *   current EL, SP_EL2:  sync   -> arm64_hyp_sync()   (reports, panics)
 *                        IRQ    -> arm64_irq_hyp()
 *                        FIQ, SError -> arm64_bad_vector()
 *   lower EL (AArch64 and AArch32):
 *                        sync   -> arm64_trap_from_guest(), then
 *                                  arm64_leave_hypervisor()
 *                        IRQ    -> arm64_irq_guest()
 *                        FIQ, SError -> arm64_guest_async_abort()
 *   current EL, SP_EL0:  never used by us -> arm64_bad_vector()
 *
 * Stack overflow: the synchronous vector checks, before touching the
 * stack, whether the frame would land in this CPU's guard page; if so it
 * switches to the CPU's emergency stack and reports.  SP_EL0 serves as the
 * scratch register for that check: while the hypervisor runs, the guest's
 * SP_EL0 sits in its trap frame.
 *
 * el1_vectors only exist to report an exception when a loader wrongly
 * entered us at EL1.
 */
#include <asm/cpu.h>
#include <asm/setup.h>

/* x2..x30 into the frame (x0, x1 are already there). */
.macro save_gprs
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x19, [sp, #144]
        stp     x20, x21, [sp, #160]
        stp     x22, x23, [sp, #176]
        stp     x24, x25, [sp, #192]
        stp     x26, x27, [sp, #208]
        stp     x28, x29, [sp, #224]
        str     x30, [sp, #240]
.endm

/* The interrupted SP (in \oldsp) and the EL2 exception registers. */
.macro save_el2_regs oldsp
        str     \oldsp, [sp, #TRAP_FRAME_SP]
        mrs     x22, elr_el2
        mrs     x23, spsr_el2
        stp     x22, x23, [sp, #TRAP_FRAME_ELR]
        mrs     x24, esr_el2
        mrs     x25, far_el2
        stp     x24, x25, [sp, #TRAP_FRAME_ESR]
.endm

.macro restore_and_eret
        ldp     x22, x23, [sp, #TRAP_FRAME_ELR]
        msr     elr_el2, x22
        msr     spsr_el2, x23
        ldp     x0, x1, [sp, #0]
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x16, x17, [sp, #128]
        ldp     x18, x19, [sp, #144]
        ldp     x20, x21, [sp, #160]
        ldp     x22, x23, [sp, #176]
        ldp     x24, x25, [sp, #192]
        ldp     x26, x27, [sp, #208]
        ldp     x28, x29, [sp, #224]
        ldr     x30, [sp, #240]
        add     sp, sp, #TRAP_FRAME_SIZE
        eret
        dsb     nsh                     /* no speculation past eret */
        isb
.endm

/* A vector slot that just branches to its handler. */
.macro ventry target
        .balign 128
        b       \target
.endm

/* A vector slot we never expect: frame, index in x1, report. */
.macro vbad index
        .balign 128
        sub     sp, sp, #TRAP_FRAME_SIZE
        stp     x0, x1, [sp, #0]
        mov     x1, #\index
        b       hyp_bad_vector
.endm

/* Entry of a lower-EL handler: frame on the (empty) EL2 stack. */
.macro guest_entry
        sub     sp, sp, #TRAP_FRAME_SIZE
        stp     x0, x1, [sp, #0]
        save_gprs
        mrs     x21, sp_el0
        save_el2_regs x21
.endm

        .section .text, "ax", %progbits
        .balign 2048
        .global hyp_vectors
hyp_vectors:
        vbad    0               /* current EL, SP_EL0: sync */
        vbad    1               /*                     IRQ */
        vbad    2               /*                     FIQ */
        vbad    3               /*                     SError */
        ventry  hyp_sync        /* current EL, SP_EL2: sync */
        ventry  hyp_irq         /*                     IRQ */
        vbad    6               /*                     FIQ */
        vbad    7               /*                     SError */
        ventry  guest_sync      /* lower EL, AArch64:  sync */
        ventry  guest_irq       /*                     IRQ */
        ventry  guest_fiq64     /*                     FIQ */
        ventry  guest_serror64  /*                     SError */
        ventry  guest_sync      /* lower EL, AArch32:  sync */
        ventry  guest_irq       /*                     IRQ */
        ventry  guest_fiq32     /*                     FIQ */
        ventry  guest_serror32  /*                     SError */

/* ---- hypervisor context ------------------------------------------------- */

hyp_sync:
        /*
         * Would the frame touch the guard page?  That is
         * (sp - FRAME) - (limit - GUARD) < GUARD, unsigned; a limit of 0
         * (not set up yet) never matches.
         */
        msr     sp_el0, x0
        mrs     x0, tpidr_el2
        ldr     x0, [x0, #CPU_STACK_LIMIT_OFFSET]
        sub     x0, x0, #STACK_GUARD_SIZE
        add     x0, x0, #TRAP_FRAME_SIZE
        sub     x0, sp, x0
        cmp     x0, #STACK_GUARD_SIZE
        b.lo    hyp_stack_overflow
        mrs     x0, sp_el0

        sub     sp, sp, #TRAP_FRAME_SIZE
        stp     x0, x1, [sp, #0]
        save_gprs
        add     x21, sp, #TRAP_FRAME_SIZE
        save_el2_regs x21
        mov     x0, sp
        bl      arm64_hyp_sync
        restore_and_eret

hyp_stack_overflow:
        /* x0 is scratch (the real x0 is in SP_EL0); sp is the bad SP. */
        mrs     x0, tpidr_el2
        ldr     x0, [x0, #CPU_EMERGENCY_OFFSET]
        sub     x0, sp, x0              /* x0 = old - new */
        sub     sp, sp, x0              /* sp = new */
        add     x0, sp, x0              /* x0 = old */
        sub     sp, sp, #TRAP_FRAME_SIZE
        str     x1, [sp, #8]
        mrs     x1, sp_el0
        str     x1, [sp, #0]
        mov     x1, x0
        save_gprs
        save_el2_regs x1
        mov     x0, sp
        bl      arm64_hyp_stack_overflow
1:      wfi
        b       1b

hyp_irq:
        sub     sp, sp, #TRAP_FRAME_SIZE
        stp     x0, x1, [sp, #0]
        save_gprs
        add     x21, sp, #TRAP_FRAME_SIZE
        save_el2_regs x21
        mov     x0, sp
        bl      arm64_irq_hyp
        restore_and_eret

hyp_bad_vector:
        /* x0, x1 saved; x1 = vector index. */
        save_gprs
        add     x21, sp, #TRAP_FRAME_SIZE
        save_el2_regs x21
        mov     x0, sp
        bl      arm64_bad_vector
1:      wfi
        b       1b

/* ---- lower exception levels (guests) ------------------------------------ */

guest_sync:
        guest_entry
        mov     x0, sp
        bl      arm64_trap_from_guest
        mov     x0, sp
        bl      arm64_leave_hypervisor
        b       guest_return

guest_irq:
        guest_entry
        mov     x0, sp
        bl      arm64_irq_guest
        b       guest_return

guest_fiq64:
        guest_entry
        mov     x1, #10
        b       guest_async
guest_serror64:
        guest_entry
        mov     x1, #11
        b       guest_async
guest_fiq32:
        guest_entry
        mov     x1, #14
        b       guest_async
guest_serror32:
        guest_entry
        mov     x1, #15
guest_async:
        mov     x0, sp
        bl      arm64_guest_async_abort
1:      wfi
        b       1b

guest_return:
        ldr     x21, [sp, #TRAP_FRAME_SP]
        msr     sp_el0, x21
        restore_and_eret

/* ---- EL1: only to report a bad boot ------------------------------------- */

.macro vel1 index
        .balign 128
        sub     sp, sp, #TRAP_FRAME_SIZE
        stp     x0, x1, [sp, #0]
        mov     x1, #\index
        b       el1_report
.endm

        .balign 2048
        .global el1_vectors
el1_vectors:
        vel1    0
        vel1    1
        vel1    2
        vel1    3
        vel1    4
        vel1    5
        vel1    6
        vel1    7
        vel1    8
        vel1    9
        vel1    10
        vel1    11
        vel1    12
        vel1    13
        vel1    14
        vel1    15

el1_report:
        save_gprs
        add     x21, sp, #TRAP_FRAME_SIZE
        str     x21, [sp, #TRAP_FRAME_SP]
        mrs     x22, elr_el1
        mrs     x23, spsr_el1
        stp     x22, x23, [sp, #TRAP_FRAME_ELR]
        mrs     x24, esr_el1
        mrs     x25, far_el1
        stp     x24, x25, [sp, #TRAP_FRAME_ESR]
        mov     x0, sp
        bl      arm64_el1_trap
1:      wfi
        b       1b
