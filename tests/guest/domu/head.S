/* SPDX-License-Identifier: MIT */
/*
 * head.S - the domU of the domain-building test: a Linux arm64 Image
 * header (dom0 checks the magic and reads the size), a stack, vectors
 * that turn any exception into SCHEDOP_shutdown(crash), then domu_main()
 * with the entry registers x0-x4 untouched.  Linked at GT_DOMU_BASE.
 */
        .section .head, "ax"
        .global _start
_start:
        b       entry                   /* code0 */
        .long   0                       /* code1 */
        .quad   0                       /* text_offset */
        .quad   domu_image_size         /* image size, bss included */
        .quad   0xa                     /* little endian, 4K pages, anywhere */
        .quad   0, 0, 0
        .ascii  "ARM\x64"
        .long   0

        .text
entry:
        msr     daifset, #0xf
        adrp    x9, domu_stack_top
        add     x9, x9, :lo12:domu_stack_top
        mov     sp, x9
        adrp    x9, domu_vectors
        add     x9, x9, :lo12:domu_vectors
        msr     vbar_el1, x9
        isb
        bl      domu_main
1:      wfi
        b       1b

/* Every vector: report and crash (the stack may be what broke: reset it). */
        .macro  vector
        .balign 0x80
        adrp    x9, domu_stack_top
        add     x9, x9, :lo12:domu_stack_top
        mov     sp, x9
        mrs     x0, esr_el1
        mrs     x1, elr_el1
        mrs     x2, far_el1
        b       domu_trap
        .endm

        .balign 0x800
domu_vectors:
        .rept   16
        vector
        .endr

        .bss
        .balign 16
        .skip   8192
        .global domu_stack_top
domu_stack_top:
