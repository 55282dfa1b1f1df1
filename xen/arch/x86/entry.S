/*
 * Exception entry stubs for vectors 0-31.
 *
 * Each stub makes the stack look the same whatever the vector (a dummy
 * error code where the CPU pushes none, then the vector number), saves the
 * general registers and hands a struct cpu_exception_frame (traps.c) to
 * x86_exception(), which reports and halts.  Nothing returns yet: there is
 * no exception we can recover from at this stage.
 */
#include <asm/layout.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                           (v) == 21 || (v) == 29 || (v) == 30)

        .text
        .balign 16
        .globl  x86_exception_stubs
x86_exception_stubs:
        .set    .Lvec, 0
        .rept   32
        .balign 16
        .if     !HAS_ERROR_CODE(.Lvec)
        push    $0
        .endif
        push    $.Lvec
        jmp     exception_common
        .set    .Lvec, .Lvec + 1
        .endr

exception_common:
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
        and     $~15, %rsp              /* ABI stack alignment for the call */
        call    x86_exception
1:      cli
        hlt
        jmp     1b
