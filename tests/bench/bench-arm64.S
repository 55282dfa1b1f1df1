/* SPDX-License-Identifier: MIT */
/*
 * bench-arm64.S - the benchmark's own EL1 vector table: an IRQ from the
 * current EL goes straight to bench_irq() (the upcall benchmarks take one
 * per operation, so the framework's catch-and-longjmp would dominate);
 * anything else puts the framework's vectors back and retries the
 * instruction, so that the framework reports it as usual.
 */
        .text
        .balign 0x800
        .global bench_vectors
bench_vectors:
        .rept   5                       /* SP_EL0: all four; SP_ELx: sync */
        .balign 0x80
        b       other
        .endr
        .balign 0x80                    /* SP_ELx: IRQ */
        b       irq
        .rept   10                      /* SP_ELx FIQ/SError, lower ELs */
        .balign 0x80
        b       other
        .endr

irq:
        sub     sp, sp, #160            /* caller-saved registers only */
        stp     x0, x1, [sp, #0]
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x30, [sp, #144]
        bl      bench_irq
        ldp     x0, x1, [sp, #0]
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x16, x17, [sp, #128]
        ldp     x18, x30, [sp, #144]
        add     sp, sp, #160
        eret

other:
        sub     sp, sp, #16
        stp     x0, x1, [sp]
        adrp    x0, bench_saved_vbar
        ldr     x0, [x0, :lo12:bench_saved_vbar]
        msr     vbar_el1, x0
        isb
        ldp     x0, x1, [sp]
        add     sp, sp, #16
        eret
