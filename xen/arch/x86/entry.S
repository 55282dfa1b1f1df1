/*
 * Entry stubs for all 256 vectors.
 *
 * Each stub makes the stack look the same whatever the vector (a dummy
 * error code where the CPU pushes none, then the vector number) and jumps
 * to x86_trap_entry, which saves the general registers, hands the frame
 * (struct cpu_regs, asm/traps.h) to x86_trap() and returns with iretq.
 *
 * The CPU aligns %rsp to 16 bytes before pushing its 5-word frame; with
 * the 2 words of a stub and the 15 registers below, the frame is 22 words
 * (176 bytes), so the call into C happens on a 16-byte aligned stack.
 */
#include <asm/layout.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                           (v) == 21 || (v) == 29 || (v) == 30)

        .text
        .balign 16
        .globl  x86_vector_stubs
x86_vector_stubs:
        .set    .Lvec, 0
        .rept   256
        .balign 16
        .if     !HAS_ERROR_CODE(.Lvec)
        push    $0
        .endif
        push    $.Lvec
        jmp     x86_trap_entry
        .set    .Lvec, .Lvec + 1
        .endr

        .balign 16
x86_trap_entry:
        cld
        push    %rax
        push    %rbx
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %rbp
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, %rdi
        call    x86_trap
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rbp
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rbx
        pop     %rax
        add     $16, %rsp               /* vector and error code */
        iretq
