/* SPDX-License-Identifier: MIT */
/*
 * head.S - x86_64 guest test kernel: a PVH kernel.  The hypervisor enters
 * pvh_start in 32-bit protected mode, paging off, with %ebx = physical
 * address of struct hvm_start_info.  We load our own GDT, clear the bss,
 * map the low 4 GiB 1:1 with 2 MiB pages, switch to long mode and call
 * gt_x86_main().  Also here: exception stubs, setjmp/longjmp, the
 * hypercall entry points and the leaf routines tests use to fault.
 *
 * Linked at a fixed physical address (image.lds); nothing is relocated.
 */
#define __ASSEMBLY__
#include "gt-x86.h"
#include "gt-x86-head.h"

#define MSR_EFER        0xc0000080
#define EFER_LME        (1 << 8)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define PTE_P_RW        0x003
#define PDE_2M_P_RW     0x083

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

        /* 2048 2 MiB entries: physical 0 - 4 GiB. */
        xor     %ecx, %ecx
2:      mov     %ecx, %eax
        shl     $21, %eax
        or      $PDE_2M_P_RW, %eax
        mov     %eax, gt_pd(, %ecx, 8)
        inc     %ecx
        cmp     $2048, %ecx
        jb      2b
        /* PDPT entries 0-3 point at the four directories. */
        xor     %ecx, %ecx
3:      mov     %ecx, %eax
        shl     $12, %eax
        add     $(gt_pd + PTE_P_RW), %eax
        mov     %eax, gt_pdpt(, %ecx, 8)
        inc     %ecx
        cmp     $4, %ecx
        jb      3b
        movl    $(gt_pdpt + PTE_P_RW), gt_pml4

        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $gt_pml4, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        wrmsr
        mov     %cr0, %eax
        or      $CR0_PG, %eax
        mov     %eax, %cr0
        ljmp    $GT_X86_CS64, $long_mode

        .code64
long_mode:
        mov     $GT_X86_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        mov     $gt_stack_top, %rsp
        mov     %esi, %edi              /* start info (zero-extended) */
        mov     $pvh_start, %esi        /* where we run */
        call    gt_x86_main
4:      pause
        jmp     4b

/* ---- exceptions ---------------------------------------------------------- */

/* One 16-byte stub per vector: a zero error code where the CPU pushes
 * none, then the vector number.  boot.c points the IDT at them. */
        .macro  vector n
        .balign 16
        .if !GT_X86_HAS_ERRCODE(\n)
        pushq   $0
        .endif
        pushq   $\n
        jmp     trap_common
        .endm

        .text
        .balign 16
        .global gt_x86_vector_stubs
gt_x86_vector_stubs:
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        vector  \n
        .endr

/* struct gt_x86_frame (trap.c): r15 ... rax, vector, error, then the
 * CPU's rip, cs, rflags, rsp, ss. */
trap_common:
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
        and     $-16, %rsp
        call    gt_x86_trap             /* leaves through gt_longjmp */
5:      pause
        jmp     5b

/* ---- setjmp / longjmp: rbx rbp r12-r15, rsp and rip --------------------- */

        .global gt_setjmp
gt_setjmp:
        mov     %rbx, 0(%rdi)
        mov     %rbp, 8(%rdi)
        mov     %r12, 16(%rdi)
        mov     %r13, 24(%rdi)
        mov     %r14, 32(%rdi)
        mov     %r15, 40(%rdi)
        lea     8(%rsp), %rax
        mov     %rax, 48(%rdi)
        mov     (%rsp), %rax
        mov     %rax, 56(%rdi)
        xor     %eax, %eax
        ret

        .global gt_longjmp
gt_longjmp:
        mov     %rsi, %rax
        test    %rax, %rax
        jnz     1f
        inc     %rax                    /* never return 0 from a longjmp */
1:      mov     0(%rdi), %rbx
        mov     8(%rdi), %rbp
        mov     16(%rdi), %r12
        mov     24(%rdi), %r13
        mov     32(%rdi), %r14
        mov     40(%rdi), %r15
        mov     48(%rdi), %rsp
        jmp     *56(%rdi)

/* ---- hypercalls ---------------------------------------------------------- */

/*
 * long gt_x86_hypercall(nr, a1, a2, a3, a4, a5): the C arguments arrive in
 * rdi rsi rdx rcx r8 r9 and move to rdi rsi rdx r10 r8.  Through the page
 * this is a tail jump: the stub's ret goes back to our caller.
 */
        .global gt_x86_hypercall
gt_x86_hypercall:
        cmp     $GT_X86_HCALL_STUBS, %rdi
        jae     gt_x86_raw_hypercall
        cmpb    $0, gt_x86_hcall_ready
        je      gt_x86_raw_hypercall
        mov     %rdi, %rax
        shl     $5, %rax
        add     $gt_x86_hcall_page, %rax
        mov     %rsi, %rdi
        mov     %rdx, %rsi
        mov     %rcx, %rdx
        mov     %r8, %r10
        mov     %r9, %r8
        jmp     *%rax

        .global gt_x86_raw_hypercall
gt_x86_raw_hypercall:
        mov     %rdi, %rax              /* the whole register is the number */
        mov     %rsi, %rdi
        mov     %rdx, %rsi
        mov     %rcx, %rdx
        mov     %r8, %r10
        mov     %r9, %r8
        cmpb    $0, gt_x86_use_vmmcall
        je      1f
        vmmcall
        ret
1:      vmcall
        ret

/*
 * long gt_x86_regcheck(nr = rdi, arg = rsi, out = rdx): a pattern in every
 * register the 64-bit hypercall ABI leaves alone (rbx rcx rbp r9 r11-r15),
 * the call through the page, then every register into out[GT_X86_R_*].
 */
        .macro  fill reg, idx
        movabs  $(0xc3c3a5a500006700 + \idx), %\reg
        .endm

        .global gt_x86_regcheck
gt_x86_regcheck:
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdx                    /* out */
        mov     %rdi, %rax
        shl     $5, %rax
        add     $gt_x86_hcall_page, %rax
        mov     %rsi, %rdi
        xor     %esi, %esi
        xor     %edx, %edx
        xor     %r10d, %r10d
        xor     %r8d, %r8d
        fill    rbx, GT_X86_R_BX
        fill    rcx, GT_X86_R_CX
        fill    rbp, GT_X86_R_BP
        fill    r9, GT_X86_R_9
        fill    r11, GT_X86_R_11
        fill    r12, GT_X86_R_12
        fill    r13, GT_X86_R_13
        fill    r14, GT_X86_R_14
        fill    r15, GT_X86_R_15
        call    *%rax
        push    %rax                    /* result */
        mov     8(%rsp), %rax           /* out */
        mov     %rbx, 8*GT_X86_R_BX(%rax)
        mov     %rcx, 8*GT_X86_R_CX(%rax)
        mov     %rdx, 8*GT_X86_R_DX(%rax)
        mov     %rsi, 8*GT_X86_R_SI(%rax)
        mov     %rdi, 8*GT_X86_R_DI(%rax)
        mov     %rbp, 8*GT_X86_R_BP(%rax)
        mov     %r8, 8*GT_X86_R_8(%rax)
        mov     %r9, 8*GT_X86_R_9(%rax)
        mov     %r10, 8*GT_X86_R_10(%rax)
        mov     %r11, 8*GT_X86_R_11(%rax)
        mov     %r12, 8*GT_X86_R_12(%rax)
        mov     %r13, 8*GT_X86_R_13(%rax)
        mov     %r14, 8*GT_X86_R_14(%rax)
        mov     %r15, 8*GT_X86_R_15(%rax)
        pop     %rcx
        mov     %rcx, 8*GT_X86_R_AX(%rax)
        mov     %rcx, %rax
        add     $8, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        ret

/* ---- leaf routines that may fault; *_insn marks the instruction -------- */

        .global gt_x86_rdmsr, gt_x86_rdmsr_insn
gt_x86_rdmsr:
        mov     %edi, %ecx
gt_x86_rdmsr_insn:
        rdmsr
        shl     $32, %rdx
        or      %rdx, %rax
        ret

        .global gt_x86_wrmsr, gt_x86_wrmsr_insn
gt_x86_wrmsr:
        mov     %edi, %ecx
        mov     %esi, %eax
        mov     %rsi, %rdx
        shr     $32, %rdx
gt_x86_wrmsr_insn:
        wrmsr
        ret

        .global gt_x86_load32, gt_x86_load32_insn
gt_x86_load32:
gt_x86_load32_insn:
        mov     (%rdi), %eax
        ret

        .global gt_x86_store32, gt_x86_store32_insn
gt_x86_store32:
gt_x86_store32_insn:
        mov     %esi, (%rdi)
        ret

        .global gt_x86_ud2, gt_x86_ud2_insn
gt_x86_ud2:
gt_x86_ud2_insn:
        ud2
        ret

        .global gt_x86_vmcall, gt_x86_vmcall_insn
gt_x86_vmcall:
        mov     $17, %eax               /* xen_version, in case it is taken */
        xor     %edi, %edi
gt_x86_vmcall_insn:
        vmcall
        ret

        .global gt_x86_vmmcall, gt_x86_vmmcall_insn
gt_x86_vmmcall:
        mov     $17, %eax
        xor     %edi, %edi
gt_x86_vmmcall_insn:
        vmmcall
        ret

/* ---- stack and page tables ---------------------------------------------- */

        .section .bss.stack, "aw", @nobits
        .balign 16
        .skip   16384
        .global gt_stack_top
gt_stack_top:

        .section .bss.pagetables, "aw", @nobits
        .balign 4096
gt_pml4:
        .skip   4096
gt_pdpt:
        .skip   4096
gt_pd:
        .skip   4 * 4096
