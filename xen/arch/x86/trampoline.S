/*
 * Secondary CPU start-up.
 *
 * x86_trampoline_start .. x86_trampoline_end is copied by smpboot.c to a
 * page below 1 MiB whose number is the STARTUP IPI vector.  A woken CPU
 * starts there in real mode (CS = page << 8, IP = 0), finds its own
 * physical base from CS, patches the few absolute addresses it needs
 * (GDT base, far-jump targets) in the copy, and goes through 32-bit
 * protected mode into long mode on the boot page tables (l4_boot, whose
 * 1:1 map covers the copy), as the manuals lay out.  It then jumps to
 * x86_ap_entry at its linked address, which switches to the run-time page
 * tables and a stack of its own and calls x86_start_secondary().
 *
 * Only x86_trampoline_cr3 is filled in by C, in the copy, before the IPI.
 */
#include <asm/layout.h>
#include <asm/processor.h>

#define TRAMP_CS32  0x08
#define TRAMP_DS32  0x10
#define TRAMP_CS64  0x18
#define OFF(sym)    ((sym) - x86_trampoline_start)

/* After INIT, CR0 has caching disabled: this value turns it back on. */
#define AP_CR0      (X86_CR0_PG | X86_CR0_WP | X86_CR0_NE | X86_CR0_ET | X86_CR0_PE)

        .section .rodata.trampoline, "a", @progbits
        .balign 16
        .globl  x86_trampoline_start, x86_trampoline_end, x86_trampoline_cr3
        .code16
x86_trampoline_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        xor     %ebx, %ebx
        mov     %ax, %bx
        shl     $4, %ebx                /* ebx = physical address of the copy */

        leal    OFF(tramp_gdt)(%ebx), %eax
        movl    %eax, OFF(tramp_gdt_base)
        leal    OFF(tramp_32)(%ebx), %eax
        movl    %eax, OFF(tramp_jump32)
        leal    OFF(tramp_64)(%ebx), %eax
        movl    %eax, OFF(tramp_jump64)

        lgdtl   OFF(tramp_gdtr)
        mov     %cr0, %eax
        or      $X86_CR0_PE, %eax
        mov     %eax, %cr0
        ljmpl   *OFF(tramp_jump32)

        .code32
tramp_32:
        mov     $TRAMP_DS32, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %cr4, %eax
        or      $X86_CR4_PAE, %eax
        mov     %eax, %cr4
        mov     OFF(x86_trampoline_cr3)(%ebx), %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        wrmsr
        mov     $AP_CR0, %eax
        mov     %eax, %cr0
        /* Paging on, long mode active: a 64-bit code segment gets us in. */
        ljmpl   *OFF(tramp_jump64)(%ebx)

        .code64
tramp_64:
        movabs  $x86_ap_entry, %rax
        jmp     *%rax

        .balign 8
tramp_gdt:
        .quad   0
        .quad   0x00cf9b000000ffff      /* 0x08: 32-bit flat code */
        .quad   0x00cf93000000ffff      /* 0x10: 32-bit flat data */
        .quad   0x00af9b000000ffff      /* 0x18: 64-bit code */
tramp_gdt_end:

        .balign 4
        .short  0
tramp_gdtr:
        .short  tramp_gdt_end - tramp_gdt - 1
tramp_gdt_base:
        .long   0
tramp_jump32:                           /* far pointers: offset, selector */
        .long   0
        .short  TRAMP_CS32
tramp_jump64:
        .long   0
        .short  TRAMP_CS64
        .balign 4
x86_trampoline_cr3:
        .long   0
x86_trampoline_end:

/*
 * In long mode on the boot tables, at the linked address.  The EFER and
 * CR4 bits the run-time tables need come first, then the tables, then
 * the stack smpboot.c set up for this CPU.
 */
        .text
        .globl  x86_ap_entry
x86_ap_entry:
        mov     $MSR_EFER, %ecx
        rdmsr
        or      x86_efer_features(%rip), %eax
        wrmsr
        mov     x86_cr4_features(%rip), %rax
        mov     %rax, %cr4
        mov     x86_idle_cr3(%rip), %rax
        mov     %rax, %cr3
        mov     x86_ap_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        call    x86_start_secondary
        ud2
