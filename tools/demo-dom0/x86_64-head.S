/*
 * demo-dom0, x86_64: the PVH entry (32-bit protected mode, paging off,
 * %ebx = struct hvm_start_info), the switch to long mode on a 1:1 map of
 * the low 4 GiB, the entry of vCPUs started with VCPUOP_initialise (already
 * in long mode), the exception and upcall stubs, and the hypercall stub
 * that calls through the hypercall page.  Linked at a fixed address.
 */
#include "demo.h"
#include <public/elfnote.h>

#define SEL_CODE32      0x08
#define SEL_DATA        0x10
#define SEL_CODE64      0x18
#define MSR_EFER        0xc0000080
#define EFER_LME        (1 << 8)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define PDE_2M          0x083           /* present, writable, 2 MiB page */
#define PTE_TABLE       0x003           /* present, writable */

/* One "Xen" note: name size 4, descriptor between labels 2 and 3. */
        .macro  note type
        .pushsection .note.Xen, "a", @note
        .balign 4
        .long   4, 3f - 2f, \type
        .asciz  "Xen"
2:
        .endm
        .macro  note_end
3:      .balign 4
        .popsection
        .endm

        note    XEN_ELFNOTE_PHYS32_ENTRY
        .long   pvh_start
        note_end
        note    XEN_ELFNOTE_GUEST_OS
        .asciz  "demo-dom0"
        note_end
        note    XEN_ELFNOTE_XEN_VERSION
        .asciz  "xen-3.0"
        note_end
        note    XEN_ELFNOTE_LOADER
        .asciz  "generic"
        note_end

        .section .data
        .balign 16
demo_gdt:
        .quad   0
        .quad   0x00cf9b000000ffff      /* 0x08: 32-bit code, flat */
        .quad   0x00cf93000000ffff      /* 0x10: data, flat */
        .quad   0x00af9b000000ffff      /* 0x18: 64-bit code */
demo_gdt_end:
        .balign 8
        .word   0, 0, 0
demo_gdt_desc:                          /* 8-byte base: lgdt works from both modes */
        .word   demo_gdt_end - demo_gdt - 1
        .quad   demo_gdt

        .section .text.entry, "ax"
        .code32
        .global pvh_start
pvh_start:
        cli
        cld
        mov     %ebx, %esi              /* the start info, kept in esi */
        lgdt    demo_gdt_desc
        ljmp    $SEL_CODE32, $1f
1:      mov     $SEL_DATA, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs

        /* The builder zeroes the bss (p_memsz); do not count on it. */
        mov     $demo_bss_start, %edi
        mov     $demo_bss_end, %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb

        /* Four page directories of 2 MiB pages: physical 0 - 4 GiB, 1:1. */
        xor     %ecx, %ecx
2:      mov     %ecx, %eax
        shl     $21, %eax
        or      $PDE_2M, %eax
        mov     %eax, demo_pd(, %ecx, 8)
        inc     %ecx
        cmp     $2048, %ecx
        jb      2b
        xor     %ecx, %ecx
3:      mov     %ecx, %eax
        shl     $12, %eax
        add     $(demo_pd + PTE_TABLE), %eax
        mov     %eax, demo_pdpt(, %ecx, 8)
        inc     %ecx
        cmp     $4, %ecx
        jb      3b
        movl    $(demo_pdpt + PTE_TABLE), demo_pml4

        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $demo_pml4, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        wrmsr
        mov     %cr0, %eax
        or      $CR0_PG, %eax
        mov     %eax, %cr0
        ljmp    $SEL_CODE64, $4f

        .code64
4:      mov     $SEL_DATA, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        lea     demo_stacks + DEMO_STACK_SIZE(%rip), %rsp
        mov     %esi, %edi              /* start info, zero-extended */
        call    demo_x86_main
        jmp     demo_arch_halt

/*
 * A vCPU started by VCPUOP_initialise (VCPU_HVM_MODE_64B): long mode on our
 * page tables, rsp = its stack, rdi = its index.  The segment registers
 * hold what the hypervisor made up: load our GDT, selectors and IDT.
 */
        .global demo_x86_secondary_entry
demo_x86_secondary_entry:
        lgdt    demo_gdt_desc(%rip)
        pushq   $SEL_CODE64
        lea     1f(%rip), %rax
        pushq   %rax
        lretq
1:      mov     $SEL_DATA, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        call    demo_x86_secondary
        jmp     demo_arch_halt

        .global demo_arch_halt
demo_arch_halt:
        cli
        hlt
        jmp     demo_arch_halt

/*
 * long demo_hypercall(nr, a0..a4): C passes rdi rsi rdx rcx r8 r9; the
 * hypercall page's stubs take rdi rsi rdx r10 r8 and put the number in
 * eax themselves.  Its slot is 32 bytes.
 */
        .global demo_hypercall
demo_hypercall:
        shl     $5, %rdi
        lea     demo_hypercall_page(%rip), %r11
        add     %rdi, %r11
        mov     %rsi, %rdi
        mov     %rdx, %rsi
        mov     %rcx, %rdx
        mov     %r8, %r10
        mov     %r9, %r8
        jmp     *%r11                   /* the stub's ret returns to our caller */

/* ---- interrupts ---------------------------------------------------------- */

/* Exceptions 0-31, 16 bytes each: an error code of 0 where the CPU pushes
 * none (all but 8, 10-14, 17, 21, 29, 30), then the vector. */
        .macro  exc n
        .balign 16
        .if !(\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
        pushq   $0
        .endif
        pushq   $\n
        jmp     exc_common
        .endm

        .text
        .balign 16
        .global demo_x86_exc_stubs
demo_x86_exc_stubs:
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        exc     \n
        .endr

/* Frame for C: vector, error code, rip, cs, rflags, rsp, ss (struct demo_x86_exc). */
exc_common:
        mov     %rsp, %rdi
        and     $-16, %rsp
        call    demo_x86_exception      /* does not return */
        jmp     demo_arch_halt

/* The event-channel upcall vector: the C handler with the caller-saved
 * registers preserved around it. */
        .global demo_x86_upcall_stub
demo_x86_upcall_stub:
        push    %rax
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbp
        mov     %rsp, %rbp              /* callee-saved: survives the call */
        and     $-16, %rsp
        call    demo_x86_upcall
        mov     %rbp, %rsp
        pop     %rbp
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

/* ---- memory ---------------------------------------------------------------- */

        .section .bss.page, "aw", @nobits
        .balign 4096
        .global demo_hypercall_page
demo_hypercall_page:
        .skip   4096
        .global demo_pml4
demo_pml4:
        .skip   4096
demo_pdpt:
        .skip   4096
demo_pd:
        .skip   4 * 4096

        .section .bss.stacks, "aw", @nobits
        .balign 16
        .global demo_stacks
demo_stacks:
        .skip   DEMO_STACK_SIZE * DEMO_MAX_VCPUS

        .section .note.GNU-stack, "", %progbits
