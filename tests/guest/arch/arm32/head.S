/* SPDX-License-Identifier: MIT */
/*
 * head.S - arm32 guest test kernel: zImage header, entry in SVC mode with
 * r2 = device tree, self-relocation, exception vectors, setjmp and the
 * leaf routines tests use to provoke exceptions.  ARM state throughout.
 *
 * Linked at 0 as a static PIE: R_ARM_RELATIVE entries are applied first.
 */

#define R_ARM_RELATIVE 23
#define MODE_SVC 0x13

        .syntax unified
        .arm
        .arch   armv7ve

        .section .head, "ax"
        .global _start
_start:
        .rept   8
        mov     r0, r0
        .endr
        b       entry                   /* 0x20 */
        .word   0x016f2818              /* 0x24: zImage magic */
        .word   0                       /* 0x28: start (position independent) */
        .word   gt_image_size           /* 0x2c: end, bss included */

        .text
entry:
        cpsid   aif
        mov     r8, r2                  /* device tree */
        adr     r7, offsets             /* PC-relative: nothing to relocate */
        ldmia   r7, {r0, r1, r2, r3}
        add     r9, r7, r3              /* _start: where we run; linked at 0 */
        add     sp, r7, r0              /* gt_stack_top */
        add     r0, r7, r1              /* __rel_start */
        add     r1, r7, r2              /* __rel_end */

        /* Apply R_ARM_RELATIVE: *(base + offset) += base. */
1:      cmp     r0, r1
        bhs     2f
        ldmia   r0!, {r2, r3}           /* r_offset, r_info */
        and     r3, r3, #0xff
        cmp     r3, #R_ARM_RELATIVE
        bne     1b
        ldr     r4, [r9, r2]
        add     r4, r4, r9
        str     r4, [r9, r2]
        b       1b
2:
        /* Exceptions in ARM state, through VBAR rather than the high vectors. */
        mrc     p15, 0, r0, c1, c0, 0   /* SCTLR */
        bic     r0, r0, #(1 << 13)      /* V */
        bic     r0, r0, #(1 << 30)      /* TE */
        mcr     p15, 0, r0, c1, c0, 0
        adr     r0, gt_vectors
        mcr     p15, 0, r0, c12, c0, 0  /* VBAR */
        isb

        mov     r0, r8
        mov     r1, r9
        bl      gt_main
3:      wfi
        b       3b

offsets:
        .word   gt_stack_top - offsets
        .word   __rel_start - offsets
        .word   __rel_end - offsets
        .word   _start - offsets

/* ---- exception vectors ------------------------------------------------- */

        .balign 32
gt_vectors:
        b       vec_reset
        b       vec_und
        b       vec_svc
        b       vec_pabt
        b       vec_dabt
        b       vec_hyp
        b       vec_irq
        b       vec_fiq

        /* Save the exception mode's LR and SPSR, then everything else, on
         * the SVC stack (the mode this kernel runs in). */
        .macro  vec_entry name, kind
\name:
        srsdb   sp!, #MODE_SVC
        cps     #MODE_SVC
        push    {r0-r12, lr}
        mov     r1, #\kind
        b       trap_common
        .endm

        /* kinds: see enum gt_trap_kind in gt.h */
        vec_entry vec_reset, 8
        vec_entry vec_und, 4
        vec_entry vec_svc, 5
        vec_entry vec_pabt, 6
        vec_entry vec_dabt, 7
        vec_entry vec_hyp, 8
        vec_entry vec_irq, 1
        vec_entry vec_fiq, 2

trap_common:
        mov     r0, sp                  /* struct gt_arm32_frame */
        mov     r4, sp
        bic     sp, sp, #7              /* AAPCS stack alignment for C */
        bl      gt_arm32_trap
        mov     sp, r4
        pop     {r0-r12, lr}
        rfeia   sp!

/* ---- setjmp / longjmp (callee-saved r4-r11, sp, lr) -------------------- */

        .global gt_setjmp
gt_setjmp:
        mov     r2, sp
        stmia   r0, {r4-r11}
        str     r2, [r0, #32]
        str     lr, [r0, #36]
        mov     r0, #0
        bx      lr

        .global gt_longjmp
gt_longjmp:
        ldmia   r0, {r4-r11}
        ldr     r2, [r0, #32]
        ldr     lr, [r0, #36]
        mov     sp, r2
        movs    r0, r1
        moveq   r0, #1                  /* never return 0 from a longjmp */
        bx      lr

/* ---- leaf routines that trap; the labels mark the trapping instruction -- */

        .global gt_hvc_imm_1, gt_hvc_imm_1_insn
gt_hvc_imm_1:
        mov     r12, #17                /* xen_version, in case it is taken */
        mov     r0, #0
gt_hvc_imm_1_insn:
        hvc     #1
        bx      lr

        .global gt_hvc_imm_ea0, gt_hvc_imm_ea0_insn
gt_hvc_imm_ea0:
        mov     r12, #17
        mov     r0, #0
gt_hvc_imm_ea0_insn:
        hvc     #0xea0
        bx      lr

        .global gt_hvc_imm_ffff, gt_hvc_imm_ffff_insn
gt_hvc_imm_ffff:
        mov     r12, #17
        mov     r0, #0
gt_hvc_imm_ffff_insn:
        hvc     #0xffff
        bx      lr

        .global gt_udf, gt_udf_insn
gt_udf:
gt_udf_insn:
        udf     #0
        bx      lr

        /* r0 = address: one 32-bit load, value returned in r0 */
        .global gt_load32, gt_load32_insn
gt_load32:
gt_load32_insn:
        ldr     r0, [r0]
        bx      lr

        /* r0 = address, r1 = value: one 32-bit store */
        .global gt_store32, gt_store32_insn
gt_store32:
gt_store32_insn:
        str     r1, [r0]
        bx      lr

/*
 * long gt_hvc_regcheck(unsigned long nr, unsigned long arg, uint32_t out[16])
 * Loads a pattern into r5-r11 and lr, makes the hypercall (number nr,
 * r0 = arg, r1-r4 = 0) and stores the registers it returned with into
 * out[n] (out[0] = result, out[13] = sp after minus sp before).
 */
        .global gt_hvc_regcheck
gt_hvc_regcheck:
        push    {r4-r11, lr}
        push    {r2}                    /* out */
        mov     r12, r0
        mov     r0, r1
        mov     r1, #0
        mov     r2, #0
        mov     r3, #0
        mov     r4, #0
        movw    r5, #0x6705
        movt    r5, #0xc3a5
        movw    r6, #0x6706
        movt    r6, #0xc3a5
        movw    r7, #0x6707
        movt    r7, #0xc3a5
        movw    r8, #0x6708
        movt    r8, #0xc3a5
        movw    r9, #0x6709
        movt    r9, #0xc3a5
        movw    r10, #0x670a
        movt    r10, #0xc3a5
        movw    r11, #0x670b
        movt    r11, #0xc3a5
        movw    lr, #0x670e
        movt    lr, #0xc3a5
        mov     r3, sp                  /* r3 is an argument: 0 is reloaded */
        str     r3, [sp, #-4]!          /* sp before the call, for the check */
        mov     r3, #0
        hvc     #0xea1
        ldr     r1, [sp, #4]            /* out; r1 is not checked */
        str     r0, [r1, #0]
        add     r2, r1, #20
        stmia   r2, {r5-r11}
        str     r12, [r1, #48]
        ldr     r2, [sp], #4            /* sp before; sp is back to it now */
        sub     r2, sp, r2
        str     r2, [r1, #52]           /* 0 if sp survived */
        str     lr, [r1, #56]
        add     sp, sp, #4
        pop     {r4-r11, lr}
        bx      lr

/* ---- stack ------------------------------------------------------------- */

        .bss
        .balign 16
gt_stack:
        .skip   16384
        .global gt_stack_top
gt_stack_top:
