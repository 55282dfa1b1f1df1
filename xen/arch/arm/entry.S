/*
 * EL2 exception vectors and the register save/restore around them.
 *
 * Exceptions taken from the hypervisor itself build a struct trap_frame
 * (asm/setup.h) on the current EL2 stack and call C:
 *
 *   current EL, SP_EL2:  sync   -> arm64_hyp_sync()   (reports, panics)
 *                        IRQ    -> arm64_irq_hyp()
 *                        FIQ, SError -> arm64_bad_vector()
 *   current EL, SP_EL0:  never used by us -> arm64_bad_vector()
 *
 * Exceptions from guests (lower EL, AArch64 and AArch32) save the guest's
 * registers into the current vCPU's frame (arm_cpu.guest_frame, found
 * through TPIDR_EL2), on an empty EL2 stack, and call C:
 *
 *                        sync   -> arm64_trap_from_guest()
 *                        IRQ    -> arm64_irq_guest()
 *                        FIQ, SError -> arm64_guest_async_abort()
 *
 * then all leave through guest_exit: arm64_leave_hypervisor() runs the
 * pending softirqs (the scheduler may make another vCPU current) and
 * returns the frame of the guest vCPU to enter, which is restored before
 * the eret; if the idle vCPU is current instead it never returns, and the
 * idle loop restarts on this CPU's empty stack.  Every guest entry resets
 * SP_EL2 to the top of the stack, so a guest exception always starts on
 * an empty one.
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

/*
 * Entry from a guest: its registers into the current vCPU's frame, whose
 * address ends up in x0 (and x19, preserved across calls).  x0 and x1 wait
 * on the (empty) EL2 stack until there is a register free to move them.
 */
.macro guest_entry
        stp     x0, x1, [sp, #-16]!
        mrs     x0, tpidr_el2
        ldr     x0, [x0, #CPU_GUEST_FRAME_OFFSET]
        stp     x2, x3, [x0, #16]
        stp     x4, x5, [x0, #32]
        stp     x6, x7, [x0, #48]
        stp     x8, x9, [x0, #64]
        stp     x10, x11, [x0, #80]
        stp     x12, x13, [x0, #96]
        stp     x14, x15, [x0, #112]
        stp     x16, x17, [x0, #128]
        stp     x18, x19, [x0, #144]
        stp     x20, x21, [x0, #160]
        stp     x22, x23, [x0, #176]
        stp     x24, x25, [x0, #192]
        stp     x26, x27, [x0, #208]
        stp     x28, x29, [x0, #224]
        str     x30, [x0, #240]
        ldp     x2, x3, [sp], #16
        stp     x2, x3, [x0, #0]
        mrs     x21, sp_el0
        str     x21, [x0, #TRAP_FRAME_SP]
        mrs     x22, elr_el2
        mrs     x23, spsr_el2
        stp     x22, x23, [x0, #TRAP_FRAME_ELR]
        mrs     x24, esr_el2
        mrs     x25, far_el2
        stp     x24, x25, [x0, #TRAP_FRAME_ESR]
        mov     x19, x0
        mov     x29, xzr                /* backtraces stop here */
        mov     x30, xzr
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
        bl      arm64_trap_from_guest
        b       guest_exit

guest_irq:
        guest_entry
        bl      arm64_irq_guest
        b       guest_exit

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
        bl      arm64_guest_async_abort
        /* fall through */

/*
 * Back to whichever guest vCPU is current once softirqs have run (or to
 * the idle loop: arm64_leave_hypervisor() does not return then).  Returns
 * with IRQs masked and x0 = the frame to restore.
 */
guest_exit:
        bl      arm64_leave_hypervisor
        mrs     x1, tpidr_el2
        ldr     x1, [x1, #CPU_STACK_TOP_OFFSET]
        mov     sp, x1                  /* the next guest exception starts here */
        ldr     x21, [x0, #TRAP_FRAME_SP]
        msr     sp_el0, x21
        ldp     x22, x23, [x0, #TRAP_FRAME_ELR]
        msr     elr_el2, x22
        msr     spsr_el2, x23
        ldp     x2, x3, [x0, #16]
        ldp     x4, x5, [x0, #32]
        ldp     x6, x7, [x0, #48]
        ldp     x8, x9, [x0, #64]
        ldp     x10, x11, [x0, #80]
        ldp     x12, x13, [x0, #96]
        ldp     x14, x15, [x0, #112]
        ldp     x16, x17, [x0, #128]
        ldp     x18, x19, [x0, #144]
        ldp     x20, x21, [x0, #160]
        ldp     x22, x23, [x0, #176]
        ldp     x24, x25, [x0, #192]
        ldp     x26, x27, [x0, #208]
        ldp     x28, x29, [x0, #224]
        ldr     x30, [x0, #240]
        ldp     x0, x1, [x0, #0]
        eret
        dsb     nsh                     /* no speculation past eret */
        isb

/*
 * arch_enter_guest(): from the idle loop, for the guest vCPU the scheduler
 * made current.  The idle loop's stack is given up.
 */
        .global arch_enter_guest
arch_enter_guest:
        msr     daifset, #2
        mrs     x1, tpidr_el2
        ldr     x1, [x1, #CPU_STACK_TOP_OFFSET]
        mov     sp, x1
        mov     x29, xzr
        mov     x30, xzr
        b       guest_exit

/* arm64_idle_on_fresh_stack(): the idle vCPU is current; start over. */
        .global arm64_idle_on_fresh_stack
arm64_idle_on_fresh_stack:
        mrs     x1, tpidr_el2
        ldr     x1, [x1, #CPU_STACK_TOP_OFFSET]
        mov     sp, x1
        mov     x29, xzr
        mov     x30, xzr
        b       idle_loop

/* ---- FP/SIMD state of guests (struct fpsimd_state, asm/domain.h) -------- */

        .global fpsimd_save
fpsimd_save:
        stp     q0, q1, [x0, #0]
        stp     q2, q3, [x0, #32]
        stp     q4, q5, [x0, #64]
        stp     q6, q7, [x0, #96]
        stp     q8, q9, [x0, #128]
        stp     q10, q11, [x0, #160]
        stp     q12, q13, [x0, #192]
        stp     q14, q15, [x0, #224]
        stp     q16, q17, [x0, #256]
        stp     q18, q19, [x0, #288]
        stp     q20, q21, [x0, #320]
        stp     q22, q23, [x0, #352]
        stp     q24, q25, [x0, #384]
        stp     q26, q27, [x0, #416]
        stp     q28, q29, [x0, #448]
        stp     q30, q31, [x0, #480]
        mrs     x1, fpsr
        str     x1, [x0, #FPSIMD_FPSR_OFFSET]
        mrs     x1, fpcr
        str     x1, [x0, #FPSIMD_FPCR_OFFSET]
        ret

        .global fpsimd_restore
fpsimd_restore:
        ldp     q0, q1, [x0, #0]
        ldp     q2, q3, [x0, #32]
        ldp     q4, q5, [x0, #64]
        ldp     q6, q7, [x0, #96]
        ldp     q8, q9, [x0, #128]
        ldp     q10, q11, [x0, #160]
        ldp     q12, q13, [x0, #192]
        ldp     q14, q15, [x0, #224]
        ldp     q16, q17, [x0, #256]
        ldp     q18, q19, [x0, #288]
        ldp     q20, q21, [x0, #320]
        ldp     q22, q23, [x0, #352]
        ldp     q24, q25, [x0, #384]
        ldp     q26, q27, [x0, #416]
        ldp     q28, q29, [x0, #448]
        ldp     q30, q31, [x0, #480]
        ldr     x1, [x0, #FPSIMD_FPSR_OFFSET]
        msr     fpsr, x1
        ldr     x1, [x0, #FPSIMD_FPCR_OFFSET]
        msr     fpcr, x1
        ret

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
