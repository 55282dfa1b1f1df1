/*
 * Exception vectors for the boot CPU.
 *
 * We take no exceptions on purpose yet: interrupts are masked and there
 * are no guests.  Anything that does arrive (a data abort from a bad
 * pointer, an undefined instruction...) is saved into a struct trap_frame
 * and reported by arm64_unexpected_trap(), which never returns.
 */
#include <asm/setup.h>

/* Each of the 16 vectors is 128 bytes: save x0/x1, load the index, jump. */
.macro vector index
        .balign 128
        sub     sp, sp, #TRAP_FRAME_SIZE
        stp     x0, x1, [sp, #0]
        mov     x1, #\index
        b       save_and_report
.endm

        .section .text, "ax", %progbits
        .balign 2048
        .global exception_vectors
exception_vectors:
        vector 0        /* current EL, SP_EL0: synchronous */
        vector 1        /*                     IRQ */
        vector 2        /*                     FIQ */
        vector 3        /*                     SError */
        vector 4        /* current EL, SP_ELx: synchronous */
        vector 5        /*                     IRQ */
        vector 6        /*                     FIQ */
        vector 7        /*                     SError */
        vector 8        /* lower EL, AArch64: synchronous */
        vector 9        /*                     IRQ */
        vector 10       /*                     FIQ */
        vector 11       /*                     SError */
        vector 12       /* lower EL, AArch32: synchronous */
        vector 13       /*                     IRQ */
        vector 14       /*                     FIQ */
        vector 15       /*                     SError */

save_and_report:
        /* x0 and x1 are saved; x1 holds the vector index. */
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
        add     x2, sp, #TRAP_FRAME_SIZE        /* sp before the exception */
        stp     x30, x2, [sp, #240]
        /* ELR/SPSR of whichever EL we run at (1 only on a bad boot). */
        mrs     x2, CurrentEL
        cmp     x2, #(2 << 2)
        b.ne    1f
        mrs     x2, elr_el2
        mrs     x3, spsr_el2
        b       2f
1:      mrs     x2, elr_el1
        mrs     x3, spsr_el1
2:      stp     x2, x3, [sp, #256]
        mov     x0, sp
        bl      arm64_unexpected_trap
3:      wfi
        b       3b
