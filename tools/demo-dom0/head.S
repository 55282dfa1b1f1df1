/*
 * demo-dom0: the arm64 Image header, the entry points of the boot vCPU and
 * of vCPUs started with PSCI CPU_ON, exception vectors and the two trap
 * stubs (hypercall, SMCCC).  Everything is reached PC-relative: the image
 * runs wherever the domain builder put it.
 */
#include "demo.h"

        .section .head, "ax"
        .global _start
_start:
        b       demo_entry              /* code0 */
        .long   0                       /* code1 */
        .quad   0                       /* text_offset */
        .quad   demo_image_size         /* image_size: file plus .bss */
        .quad   0xa                     /* little-endian, 4K pages, anywhere */
        .quad   0, 0, 0                 /* res2-res4 */
        .ascii  "ARM\x64"               /* magic */
        .long   0                       /* res5 */

        .text
/* Boot vCPU: x0 = device tree, MMU and caches off, EL1h, DAIF masked. */
demo_entry:
        mov     x19, x0
        /* .bss is not part of the file: clear it (8-byte aligned both ends). */
        adrp    x9, demo_bss_start
        add     x9, x9, :lo12:demo_bss_start
        adrp    x10, demo_bss_end
        add     x10, x10, :lo12:demo_bss_end
1:      cmp     x9, x10
        b.hs    2f
        str     xzr, [x9], #8
        b       1b
2:      mov     x0, #0
        bl      set_stack
        mov     x0, x19
        bl      demo_main
        b       demo_halt

/* CPU_ON entry: x0 = context id = our vCPU index. */
        .global demo_secondary_entry
demo_secondary_entry:
        cmp     x0, #DEMO_MAX_VCPUS
        b.hs    demo_halt
        mov     x19, x0
        bl      set_stack
        mov     x0, x19
        bl      demo_secondary
        b       demo_halt

/* sp = top of vCPU x0's stack; VBAR_EL1 = our vectors.  Uses x9, x10. */
set_stack:
        adrp    x9, demo_stacks
        add     x9, x9, :lo12:demo_stacks
        add     x10, x0, #1
        add     x9, x9, x10, lsl #DEMO_STACK_SHIFT
        mov     sp, x9
        adrp    x9, demo_vectors
        add     x9, x9, :lo12:demo_vectors
        msr     vbar_el1, x9
        isb
        ret

demo_halt:
        wfi
        b       demo_halt

/* demo_hypercall(nr, a0..a4): hvc #0xEA1 with the number in x16. */
        .global demo_hypercall
demo_hypercall:
        mov     x16, x0
        mov     x0, x1
        mov     x1, x2
        mov     x2, x3
        mov     x3, x4
        mov     x4, x5
        hvc     #0xea1
        ret

/* demo_smccc(fid, a1, a2, a3): SMCCC call through hvc #0 (PSCI). */
        .global demo_smccc
demo_smccc:
        hvc     #0
        ret

/* Nothing is expected to trap: report the exception and give up. */
        .macro  vector n
        .balign 0x80
        mov     x0, #\n
        b       vector_common
        .endm

        .balign 2048
demo_vectors:
        .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
        vector  \n
        .endr

vector_common:
        mrs     x1, esr_el1
        mrs     x2, elr_el1
        mrs     x3, far_el1
        bl      demo_exception
        b       demo_halt

        .bss
        .balign 16
demo_stacks:
        .space  DEMO_STACK_SIZE * DEMO_MAX_VCPUS

        .section .note.GNU-stack, "", %progbits
