/* SPDX-License-Identifier: MIT */
/*
 * bench-x86_64.S - the entry of the event-channel callback vector
 * (HVM_PARAM_CALLBACK_IRQ, vector method) for the upcall benchmark: save
 * the caller-saved registers, call bench_x86_upcall(), iretq.  The CPU
 * leaves rsp 8 mod 16 after its 5-word frame; nine pushes make the call
 * see the ABI's alignment.
 */
        .text
        .global bench_x86_upcall_entry
bench_x86_upcall_entry:
        push    %rax
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        cld
        call    bench_x86_upcall
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rax
        iretq
