/* SPDX-License-Identifier: MIT */
/*
 * head.S - x86_32 guest test kernel: a PVH kernel that stays where the
 * hypervisor starts it, in 32-bit protected mode with paging off (so a
 * pointer is a guest-physical address).  Entered at pvh_start with %ebx =
 * physical address of struct hvm_start_info.  Also here: exception stubs,
 * setjmp/longjmp, the hypercall entry points and the leaf routines tests
 * use to fault.  C functions take their arguments on the stack (cdecl).
 *
 * Linked at a fixed physical address (image.lds); nothing is relocated.
 */
#define __ASSEMBLY__
#include "gt-x86.h"
#include "gt-x86-head.h"

        xen_pvh_notes pvh_start
        gt_gdt_tables

        .section .text.entry, "ax"
        .code32
        .global pvh_start
pvh_start:
        record_entry_state
        cli
        cld
        mov     %ebx, %esi              /* keep the start info */
        lgdt    gt_gdt_desc
        ljmp    $GT_X86_CS32, $1f
1:      mov     $GT_X86_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs

        /* The loader zeroes the bss too; ours might not yet. */
        mov     $__bss_start, %edi
        mov     $__bss_end, %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb
        mov     $gt_stack_top, %esp

        push    $pvh_start              /* where we run */
        push    %esi                    /* start info */
        call    gt_x86_main
2:      pause
        jmp     2b

/* ---- exceptions ---------------------------------------------------------- */

        .macro  vector n
        .balign 16
        .if !GT_X86_HAS_ERRCODE(\n)
        pushl   $0
        .endif
        pushl   $\n
        jmp     trap_common
        .endm

        .text
        .balign 16
        .global gt_x86_vector_stubs
gt_x86_vector_stubs:
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        vector  \n
        .endr

/* struct gt_x86_frame (trap.c): pusha's edi ... eax, vector, error, then
 * the CPU's eip, cs, eflags (same privilege level: no esp/ss). */
trap_common:
        pusha
        mov     %esp, %eax
        and     $-16, %esp
        sub     $12, %esp
        push    %eax
        call    gt_x86_trap             /* leaves through gt_longjmp */
3:      pause
        jmp     3b

/* ---- setjmp / longjmp: ebx esi edi ebp, esp and eip ---------------------- */

        .global gt_setjmp
gt_setjmp:
        mov     4(%esp), %eax
        mov     %ebx, 0(%eax)
        mov     %esi, 4(%eax)
        mov     %edi, 8(%eax)
        mov     %ebp, 12(%eax)
        lea     4(%esp), %ecx
        mov     %ecx, 16(%eax)
        mov     (%esp), %ecx
        mov     %ecx, 20(%eax)
        xor     %eax, %eax
        ret

        .global gt_longjmp
gt_longjmp:
        mov     4(%esp), %edx
        mov     8(%esp), %eax
        test    %eax, %eax
        jnz     1f
        inc     %eax                    /* never return 0 from a longjmp */
1:      mov     0(%edx), %ebx
        mov     4(%edx), %esi
        mov     8(%edx), %edi
        mov     12(%edx), %ebp
        mov     16(%edx), %esp
        jmp     *20(%edx)

/* ---- hypercalls ---------------------------------------------------------- */

/*
 * long gt_x86_hypercall(nr, a1, a2, a3, a4, a5): number in eax, arguments
 * in ebx ecx edx esi edi.  ebx, esi and edi belong to the caller.
 */
        .global gt_x86_hypercall, gt_x86_raw_hypercall
gt_x86_hypercall:
        push    %ebx
        push    %esi
        push    %edi
        call    load_args
        cmp     $GT_X86_HCALL_STUBS, %eax
        jae     2f
        cmpb    $0, gt_x86_hcall_ready
        je      2f
        shl     $5, %eax
        add     $gt_x86_hcall_page, %eax
        call    *%eax
        jmp     3f

gt_x86_raw_hypercall:
        push    %ebx
        push    %esi
        push    %edi
        call    load_args
2:      cmpb    $0, gt_x86_use_vmmcall
        je      1f
        vmmcall
        jmp     3f
1:      vmcall
3:      pop     %edi
        pop     %esi
        pop     %ebx
        ret

/* Called with three registers pushed: the caller's arguments start 20 bytes
 * above our return address. */
load_args:
        mov     20(%esp), %eax
        mov     24(%esp), %ebx
        mov     28(%esp), %ecx
        mov     32(%esp), %edx
        mov     36(%esp), %esi
        mov     40(%esp), %edi
        ret

/*
 * long gt_x86_regcheck(nr, arg, out): the 32-bit ABI uses every register
 * but ebp (and esp): a pattern in ebp, the call through the page (arg in
 * ebx, the other arguments 0), then every register into out[GT_X86_R_*].
 */
        .global gt_x86_regcheck
gt_x86_regcheck:
        push    %ebp
        push    %ebx
        push    %esi
        push    %edi
        mov     20(%esp), %eax
        shl     $5, %eax
        add     $gt_x86_hcall_page, %eax
        mov     24(%esp), %ebx
        xor     %ecx, %ecx
        xor     %edx, %edx
        xor     %esi, %esi
        xor     %edi, %edi
        mov     $(0xc3a56700 + GT_X86_R_BP), %ebp
        call    *%eax
        push    %eax                    /* result */
        mov     32(%esp), %eax          /* out */
        mov     %ebx, 4*GT_X86_R_BX(%eax)
        mov     %ecx, 4*GT_X86_R_CX(%eax)
        mov     %edx, 4*GT_X86_R_DX(%eax)
        mov     %esi, 4*GT_X86_R_SI(%eax)
        mov     %edi, 4*GT_X86_R_DI(%eax)
        mov     %ebp, 4*GT_X86_R_BP(%eax)
        pop     %ecx
        mov     %ecx, 4*GT_X86_R_AX(%eax)
        mov     %ecx, %eax
        pop     %edi
        pop     %esi
        pop     %ebx
        pop     %ebp
        ret

/* ---- leaf routines that may fault; *_insn marks the instruction -------- */

        .global gt_x86_rdmsr, gt_x86_rdmsr_insn
gt_x86_rdmsr:
        mov     4(%esp), %ecx
gt_x86_rdmsr_insn:
        rdmsr                           /* edx:eax is the uint64_t result */
        ret

        .global gt_x86_wrmsr, gt_x86_wrmsr_insn
gt_x86_wrmsr:
        mov     4(%esp), %ecx
        mov     8(%esp), %eax
        mov     12(%esp), %edx
gt_x86_wrmsr_insn:
        wrmsr
        ret

        .global gt_x86_load32, gt_x86_load32_insn
gt_x86_load32:
        mov     4(%esp), %eax
gt_x86_load32_insn:
        mov     (%eax), %eax
        ret

        .global gt_x86_store32, gt_x86_store32_insn
gt_x86_store32:
        mov     4(%esp), %eax
        mov     8(%esp), %ecx
gt_x86_store32_insn:
        mov     %ecx, (%eax)
        ret

        .global gt_x86_ud2, gt_x86_ud2_insn
gt_x86_ud2:
gt_x86_ud2_insn:
        ud2
        ret

        .global gt_x86_vmcall, gt_x86_vmcall_insn
gt_x86_vmcall:
        push    %ebx
        mov     $17, %eax               /* xen_version, in case it is taken */
        xor     %ebx, %ebx
gt_x86_vmcall_insn:
        vmcall
        pop     %ebx
        ret

        .global gt_x86_vmmcall, gt_x86_vmmcall_insn
gt_x86_vmmcall:
        push    %ebx
        mov     $17, %eax
        xor     %ebx, %ebx
gt_x86_vmmcall_insn:
        vmmcall
        pop     %ebx
        ret

/* ---- stack --------------------------------------------------------------- */

        .section .bss.stack, "aw", @nobits
        .balign 16
        .skip   16384
        .global gt_stack_top
gt_stack_top:
