/*
 * x86_64 image entry: the multiboot2 header, the two ways GRUB can enter
 * us, the boot page tables and GDT.
 *
 *  BIOS (or any loader that exits EFI boot services itself):
 *      mb2_entry32 - 32-bit protected mode, paging off, eax = magic,
 *      ebx = MBI.  We build nothing at run time: the page tables below are
 *      complete at link time, so we load them, enable long mode and jump
 *      to the linked (high) address.
 *
 *  UEFI with GRUB honouring our EFI boot-services tag:
 *      mb2_entry_efi64 - 64-bit mode on the firmware's page tables, GDT
 *      and IDT, boot services still running, eax = magic, rbx = MBI.  We
 *      keep the firmware's 1:1 mappings (so its interrupt handlers and
 *      services keep working), add our high mapping next to them, and let
 *      C call ExitBootServices before switching to our own tables.
 *
 * Until the switch to the high address, code runs at its physical address
 * while linked XEN_VIRT_OFFSET higher: only PA() constants and RIP-relative
 * references are valid there.
 */
#include <asm/layout.h>
#include <asm/multiboot2.h>
#include <asm/processor.h>

#define PA(sym)     ((sym) - XEN_VIRT_OFFSET)
#define COM1_DATA   0x3f8
#define COM1_LSR    0x3fd
#define LSR_THRE    0x20

/* ------------------------------------------------------------------------
 * Multiboot2 header: must sit, 8-byte aligned, in the first 32 KiB of the
 * file; the linker script puts this section first.
 */
        .section .multiboot2, "a", @progbits
        .balign 8
mb2_header:
        .long   MB2_HEADER_MAGIC
        .long   MB2_HEADER_ARCH_I386
        .long   mb2_header_end - mb2_header
        .long   0x100000000 - (MB2_HEADER_MAGIC + MB2_HEADER_ARCH_I386 + \
                               (mb2_header_end - mb2_header))

        /* Required information: the memory map (and its coarse fallback). */
        .balign 8
        .short  MB2_HDR_TAG_INFO_REQUEST, 0
        .long   8 + 2 * 4
        .long   MB2_TAG_BASIC_MEMINFO
        .long   MB2_TAG_MMAP

        /* 32-bit entry point (physical). */
        .balign 8
        .short  MB2_HDR_TAG_ENTRY_ADDRESS, 0
        .long   12
        .long   PA(mb2_entry32)

        /* We print on the serial port only; an EGA text console is fine. */
        .balign 8
        .short  MB2_HDR_TAG_CONSOLE_FLAGS, 0
        .long   12
        .long   MB2_CONSOLE_EGA_TEXT_SUPPORTED

        /* Page-align modules (guest kernels are mapped page by page). */
        .balign 8
        .short  MB2_HDR_TAG_MODULE_ALIGN, 0
        .long   8

        /*
         * On UEFI: leave boot services running and enter at the 64-bit
         * EFI entry.  Optional, so loaders without EFI ignore both.
         */
        .balign 8
        .short  MB2_HDR_TAG_EFI_BS, MB2_HDR_TAG_OPTIONAL
        .long   8

        .balign 8
        .short  MB2_HDR_TAG_ENTRY_ADDRESS_EFI64, MB2_HDR_TAG_OPTIONAL
        .long   12
        .long   PA(mb2_entry_efi64)

        .balign 8
        .short  MB2_HDR_TAG_END, 0
        .long   8
mb2_header_end:

/* ------------------------------------------------------------------------
 * Entry code, executed at physical addresses.
 */
        .section .text.head, "ax", @progbits
        .code32
        .globl  mb2_entry32
mb2_entry32:
        cli
        cld
        /* Keep magic in ebp and the MBI address in esi: cpuid eats ebx. */
        mov     %eax, %ebp
        mov     %ebx, %esi
        mov     $PA(boot_stack_top), %esp

        cmp     $MB2_BOOT_MAGIC, %ebp
        jne     .Lbad_magic32

        /* GRUB zeroes .bss (memsz > filesz), but do not rely on it. */
        mov     $PA(__bss_start), %edi
        mov     $PA(__bss_end), %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb

        /* Long mode must exist before we commit to it. */
        mov     $CPUID_EXT_LEAF_MAX, %eax
        cpuid
        cmp     $CPUID_EXT_FEATURES, %eax
        jb      .Lno_long_mode
        mov     $CPUID_EXT_FEATURES, %eax
        cpuid
        bt      $CPUID_EXT_EDX_LM, %edx
        jnc     .Lno_long_mode

        lgdt    PA(boot_gdtr32)

        mov     %cr4, %eax
        or      $X86_CR4_PAE, %eax
        mov     %eax, %cr4

        mov     $PA(l4_boot), %eax
        mov     %eax, %cr3

        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        wrmsr

        mov     %cr0, %eax
        or      $(X86_CR0_PG | X86_CR0_WP | X86_CR0_NE | X86_CR0_PE), %eax
        mov     %eax, %cr0

        /* Paging is on; the far jump loads the 64-bit code segment. */
        ljmp    $GDT_SEL_CODE64, $PA(.Lentry64_low)

.Lbad_magic32:
        mov     $PA(.Lmsg_bad_magic), %esi
        jmp     .Lfail32
.Lno_long_mode:
        mov     $PA(.Lmsg_no_long_mode), %esi
        /* fall through */

/* Print the string at esi on COM1 and stop: nothing else works yet. */
.Lfail32:
        mov     $COM1_LSR, %dx
1:      movzbl  (%esi), %ebx
        test    %ebx, %ebx
        jz      3f
2:      in      %dx, %al
        test    $LSR_THRE, %al
        jz      2b
        mov     %bl, %al
        mov     $COM1_DATA, %dx
        out     %al, %dx
        mov     $COM1_LSR, %dx
        inc     %esi
        jmp     1b
3:      cli
        hlt
        jmp     3b

        .code64
.Lentry64_low:
        /* Still at the physical address: go to where we are linked. */
        movabs  $.Lentry64_high, %rax
        jmp     *%rax

/*
 * UEFI entry.  Boot services are live: interrupts stay as the firmware
 * left them and its GDT/IDT stay loaded until ExitBootServices.
 */
        .globl  mb2_entry_efi64
mb2_entry_efi64:
        cld
        mov     %eax, %ebp              /* magic */
        mov     %rbx, %r12              /* MBI */
        cmp     $MB2_BOOT_MAGIC, %ebp
        jne     .Lbad_magic64

        lea     __bss_start(%rip), %rdi
        lea     __bss_end(%rip), %rcx
        sub     %rdi, %rcx
        xor     %eax, %eax
        rep stosb

        /* Our tables are 4-level; we cannot join a 5-level hierarchy. */
        mov     %cr4, %rax
        bt      $12, %rax               /* CR4.LA57 */
        jc      .Lla57

        /*
         * l4_efi = the firmware's PML4 entries 0-510 (its 1:1 map) plus
         * slot 511 pointing at our table for the top 512 GiB.
         */
        mov     %cr3, %rsi
        and     $~0xfff, %rsi
        lea     l4_efi(%rip), %rdi
        mov     $511, %ecx
        rep movsq
        lea     l3_high(%rip), %rax
        or      $(PTE_PRESENT | PTE_WRITABLE), %rax
        mov     %rax, (%rdi)
        lea     l4_efi(%rip), %rax
        mov     %rax, %cr3

        movabs  $.Lefi64_high, %rax
        jmp     *%rax

.Lbad_magic64:
        lea     .Lmsg_bad_magic(%rip), %rsi
        jmp     .Lfail64
.Lla57:
        lea     .Lmsg_la57(%rip), %rsi
.Lfail64:
        mov     $COM1_LSR, %dx
1:      movzbl  (%rsi), %ebx
        test    %ebx, %ebx
        jz      3f
2:      in      %dx, %al
        test    $LSR_THRE, %al
        jz      2b
        mov     %bl, %al
        mov     $COM1_DATA, %dx
        out     %al, %dx
        mov     $COM1_LSR, %dx
        inc     %rsi
        jmp     1b
3:      cli
        hlt
        jmp     3b

.Lmsg_bad_magic:
        .asciz  "\r\nx86_64 hypervisor: not started by a multiboot2 loader\r\n"
.Lmsg_no_long_mode:
        .asciz  "\r\nx86_64 hypervisor: this CPU has no long mode\r\n"
.Lmsg_la57:
        .asciz  "\r\nx86_64 hypervisor: firmware uses 5-level paging, unsupported\r\n"

/* ------------------------------------------------------------------------
 * From here on we run at the linked address.
 */
        .text
.Lentry64_high:
        lgdt    boot_gdtr64(%rip)
        mov     $GDT_SEL_DATA, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lea     boot_stack_top(%rip), %rsp
        /* The upper halves of registers are undefined after the switch. */
        mov     %ebp, %edi
        mov     %esi, %esi
        call    x86_start_multiboot2
        ud2

.Lefi64_high:
        lea     boot_stack_top(%rip), %rsp
        mov     %ebp, %edi
        mov     %r12, %rsi
        call    x86_start_efi64
        ud2

/* ------------------------------------------------------------------------
 * GDT.  Accessed bits are preset so the CPU never writes to it.
 */
        .section .rodata, "a", @progbits
        .balign 16
boot_gdt:
        .quad   0                       /* null */
        .quad   0x00af9b000000ffff      /* 0x08: 64-bit code, DPL 0 */
        .quad   0x00cf93000000ffff      /* 0x10: flat read/write data */
boot_gdt_end:

        .balign 8
        .short  0
boot_gdtr32:                            /* for lgdt in 32-bit mode */
        .short  boot_gdt_end - boot_gdt - 1
        .long   PA(boot_gdt)

        .balign 8
        .short  0, 0, 0
boot_gdtr64:
        .short  boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

/* ------------------------------------------------------------------------
 * Boot page tables, complete at link time (physical addresses via PA()).
 *
 *   l4_boot[0]   -> l3_ident: 1:1 map of [0, 4 GiB) in 2 MiB pages,
 *                   except the first 2 MiB, mapped with 4 KiB pages and
 *                   page 0 left out so that NULL dereferences fault.
 *   l4_boot[511] -> l3_high[510] -> the same first level-2 table: physical
 *                   [0, 1 GiB) at XEN_VIRT_OFFSET, where the image is linked.
 *
 * Everything is write-back; firmware MTRRs keep MMIO uncached.
 */
#define PDE_TABLE   (PTE_PRESENT | PTE_WRITABLE)
#define PDE_2M      (PTE_PRESENT | PTE_WRITABLE | PTE_PSE)

        .section .data.page_aligned, "aw", @progbits
        .balign 4096
        .globl  l4_boot
l4_boot:
        .quad   PA(l3_ident) + PDE_TABLE
        .fill   510, 8, 0
        .quad   PA(l3_high) + PDE_TABLE

        .balign 4096
l3_ident:
        .quad   PA(l2_ident) + 0 * 4096 + PDE_TABLE
        .quad   PA(l2_ident) + 1 * 4096 + PDE_TABLE
        .quad   PA(l2_ident) + 2 * 4096 + PDE_TABLE
        .quad   PA(l2_ident) + 3 * 4096 + PDE_TABLE
        .fill   508, 8, 0

        .balign 4096
l3_high:
        .fill   510, 8, 0
        .quad   PA(l2_ident) + PDE_TABLE
        .quad   0

        .balign 4096
l2_ident:
        .quad   PA(l1_first) + PDE_TABLE
        .set    .Lpde, 1
        .rept   4 * 512 - 1
        .quad   (.Lpde << 21) + PDE_2M
        .set    .Lpde, .Lpde + 1
        .endr

        .balign 4096
l1_first:
        .quad   0
        .set    .Lpte, 1
        .rept   511
        .quad   (.Lpte << 12) + PDE_TABLE
        .set    .Lpte, .Lpte + 1
        .endr

/* Run-time built PML4 for the EFI entry (see mb2_entry_efi64). */
        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
l4_efi:
        .skip   4096

/*
 * The boot CPU's stack.  The page below it is left out of the run-time
 * page tables (mm.c), so an overflow faults instead of corrupting .bss.
 */
        .section .bss.stack, "aw", @nobits
        .balign 4096
        .globl  boot_stack_guard, boot_stack_top
boot_stack_guard:
        .skip   4096
boot_stack:
        .skip   BOOT_STACK_SIZE
boot_stack_top:
