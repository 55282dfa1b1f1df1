/* SPDX-License-Identifier: MIT */
/*
 * head.S - arm64 guest test kernel: Linux arm64 Image header, entry at EL1
 * with x0 = device tree, self-relocation, exception vectors, setjmp and
 * the small leaf routines tests use to provoke exceptions.
 *
 * The image is linked at 0 as a static PIE and may be loaded anywhere: the
 * entry code applies its own R_AARCH64_RELATIVE relocations first.
 */

#define FRAME_SIZE  288          /* struct gt_arm64_frame, 16-byte multiple */
#define R_AARCH64_RELATIVE 1027

        .section .head, "ax"
        .global _start
_start:
        b       entry                   /* code0 */
        .long   0                       /* code1 */
        .quad   0                       /* text_offset: load at a 2 MiB boundary */
        .quad   gt_image_size           /* image size, bss included */
        .quad   0xa                     /* little endian, 4K pages, anywhere */
        .quad   0, 0, 0                 /* reserved */
        .ascii  "ARM\x64"               /* magic */
        .long   0                       /* no PE/COFF header */

        .text
entry:
        msr     daifset, #0xf           /* stay masked: the tests poll */
        mov     x19, x0                 /* device tree */
        adr     x20, _start             /* where we run; linked at 0 */

        adrp    x1, gt_stack_top
        add     x1, x1, :lo12:gt_stack_top
        mov     sp, x1

        /* Apply R_AARCH64_RELATIVE: *(base + offset) = base + addend. */
        adrp    x1, __rela_start
        add     x1, x1, :lo12:__rela_start
        adrp    x2, __rela_end
        add     x2, x2, :lo12:__rela_end
1:      cmp     x1, x2
        b.hs    2f
        ldp     x3, x4, [x1], #16       /* r_offset, r_info */
        ldr     x5, [x1], #8            /* r_addend */
        cmp     x4, #R_AARCH64_RELATIVE
        b.ne    1b
        add     x5, x5, x20
        str     x5, [x20, x3]
        b       1b
2:
        adrp    x1, gt_vectors
        add     x1, x1, :lo12:gt_vectors
        msr     vbar_el1, x1
        isb

        mov     x0, x19
        mov     x1, x20
        bl      gt_main
3:      wfi
        b       3b

/* ---- exception vectors ------------------------------------------------- */

        .macro  vector kind
        .balign 0x80
        sub     sp, sp, #FRAME_SIZE
        stp     x0, x1, [sp, #0]
        mov     x1, #\kind
        b       trap_common
        .endm

        .balign 0x800
gt_vectors:
        /* current EL with SP_EL0 */
        vector  0
        vector  1
        vector  2
        vector  3
        /* current EL with SP_ELx: where this kernel runs */
        vector  0
        vector  1
        vector  2
        vector  3
        /* lower EL, AArch64 and AArch32: never used */
        vector  0
        vector  1
        vector  2
        vector  3
        vector  0
        vector  1
        vector  2
        vector  3

trap_common:
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
        mrs     x2, elr_el1
        stp     x30, x2, [sp, #240]
        mrs     x3, spsr_el1
        mrs     x4, esr_el1
        stp     x3, x4, [sp, #256]
        mrs     x5, far_el1
        str     x5, [sp, #272]

        mov     x0, sp
        bl      gt_arm64_trap

        ldp     x30, x2, [sp, #240]
        msr     elr_el1, x2
        ldr     x3, [sp, #256]
        msr     spsr_el1, x3
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
        ldp     x0, x1, [sp, #0]
        add     sp, sp, #FRAME_SIZE
        eret

/* ---- setjmp / longjmp (callee-saved x19-x30 and sp) -------------------- */

        .global gt_setjmp
gt_setjmp:
        stp     x19, x20, [x0, #0]
        stp     x21, x22, [x0, #16]
        stp     x23, x24, [x0, #32]
        stp     x25, x26, [x0, #48]
        stp     x27, x28, [x0, #64]
        stp     x29, x30, [x0, #80]
        mov     x2, sp
        str     x2, [x0, #96]
        mov     x0, #0
        ret

        .global gt_longjmp
gt_longjmp:
        ldp     x19, x20, [x0, #0]
        ldp     x21, x22, [x0, #16]
        ldp     x23, x24, [x0, #32]
        ldp     x25, x26, [x0, #48]
        ldp     x27, x28, [x0, #64]
        ldp     x29, x30, [x0, #80]
        ldr     x2, [x0, #96]
        mov     sp, x2
        cmp     x1, #0
        csinc   x0, x1, xzr, ne         /* never return 0 from a longjmp */
        ret

/* ---- leaf routines that trap; the labels mark the trapping instruction -- */

        .global gt_hvc_imm_1, gt_hvc_imm_1_insn
gt_hvc_imm_1:
        mov     x16, #17                /* xen_version, in case it is taken */
        mov     x0, #0
gt_hvc_imm_1_insn:
        hvc     #1
        ret

        .global gt_hvc_imm_ea0, gt_hvc_imm_ea0_insn
gt_hvc_imm_ea0:
        mov     x16, #17
        mov     x0, #0
gt_hvc_imm_ea0_insn:
        hvc     #0xea0
        ret

        .global gt_hvc_imm_ffff, gt_hvc_imm_ffff_insn
gt_hvc_imm_ffff:
        mov     x16, #17
        mov     x0, #0
gt_hvc_imm_ffff_insn:
        hvc     #0xffff
        ret

        .global gt_udf, gt_udf_insn
gt_udf:
gt_udf_insn:
        udf     #0
        ret

        /* x0 = address: one 32-bit load, value returned in x0 */
        .global gt_load32, gt_load32_insn
gt_load32:
gt_load32_insn:
        ldr     w0, [x0]
        ret

        /* x0 = address, x1 = value: one 32-bit store */
        .global gt_store32, gt_store32_insn
gt_store32:
gt_store32_insn:
        str     w1, [x0]
        ret

        /* the hypercall number in x16 with its upper half set */
        .global gt_hypercall_wide_nr
gt_hypercall_wide_nr:
        mov     x16, x0
        mov     x0, x1
        hvc     #0xea1
        ret

/*
 * long gt_hvc_regcheck(unsigned long nr, unsigned long arg, uint64_t out[32])
 * Loads a pattern into x5-x15 and x17-x30, makes the hypercall (number nr,
 * x0 = arg, x1-x4 = 0) and stores every register it returned with into
 * out[n] (out[0] = result).  The caller checks the patterns survived.
 */
        .macro  fill reg, n
        movz    \reg, #(0x6700 + \n)
        movk    \reg, #0xa5a5, lsl #32
        movk    \reg, #0xc3c3, lsl #48
        .endm

        .global gt_hvc_regcheck
gt_hvc_regcheck:
        stp     x29, x30, [sp, #-96]!
        stp     x19, x20, [sp, #16]
        stp     x21, x22, [sp, #32]
        stp     x23, x24, [sp, #48]
        stp     x25, x26, [sp, #64]
        stp     x27, x28, [sp, #80]
        str     x2, [sp, #-16]!
        mov     x16, x0
        mov     x0, x1
        mov     x1, #0
        mov     x2, #0
        mov     x3, #0
        mov     x4, #0
        fill    x5, 5
        fill    x6, 6
        fill    x7, 7
        fill    x8, 8
        fill    x9, 9
        fill    x10, 10
        fill    x11, 11
        fill    x12, 12
        fill    x13, 13
        fill    x14, 14
        fill    x15, 15
        fill    x17, 17
        fill    x18, 18
        fill    x19, 19
        fill    x20, 20
        fill    x21, 21
        fill    x22, 22
        fill    x23, 23
        fill    x24, 24
        fill    x25, 25
        fill    x26, 26
        fill    x27, 27
        fill    x28, 28
        fill    x29, 29
        fill    x30, 30
        hvc     #0xea1
        ldr     x1, [sp]                /* out; x1 is not checked */
        str     x0, [x1, #0]
        stp     x5, x6, [x1, #40]
        stp     x7, x8, [x1, #56]
        stp     x9, x10, [x1, #72]
        stp     x11, x12, [x1, #88]
        stp     x13, x14, [x1, #104]
        str     x15, [x1, #120]
        str     x16, [x1, #128]
        stp     x17, x18, [x1, #136]
        stp     x19, x20, [x1, #152]
        stp     x21, x22, [x1, #168]
        stp     x23, x24, [x1, #184]
        stp     x25, x26, [x1, #200]
        stp     x27, x28, [x1, #216]
        stp     x29, x30, [x1, #232]
        add     sp, sp, #16
        ldp     x19, x20, [sp, #16]
        ldp     x21, x22, [sp, #32]
        ldp     x23, x24, [sp, #48]
        ldp     x25, x26, [sp, #64]
        ldp     x27, x28, [sp, #80]
        ldp     x29, x30, [sp], #96
        ret

/* ---- stack ------------------------------------------------------------- */

        .bss
        .balign 16
gt_stack:
        .skip   16384
        .global gt_stack_top
gt_stack_top:
