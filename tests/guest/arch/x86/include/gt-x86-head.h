/* SPDX-License-Identifier: MIT */
/*
 * gt-x86-head.h - assembler pieces both x86 head.S files use: the "Xen"
 * ELF notes that make the ELF a PVH kernel, and the GDT.
 */
#ifndef GT_X86_HEAD_H
#define GT_X86_HEAD_H

#include <public/elfnote.h>

/* Header and name of one note named "Xen" in .note.Xen; the descriptor
 * goes between the labels 3 and 4. */
        .macro  xen_note_head type:req
        .pushsection .note.Xen, "a", @note
        .balign 4
        .long   2f - 1f                 /* name size */
        .long   4f - 3f                 /* descriptor size */
        .long   \type
1:      .asciz  "Xen"
2:      .balign 4
3:
        .endm

        .macro  xen_note_tail
4:      .balign 4
        .popsection
        .endm

/* A numeric note (32 bits) and a string note (gas drops the quotes of a
 * macro argument, so the string is given bare). */
        .macro  xen_note_num type:req, val:req
        xen_note_head \type
        .long   \val
        xen_note_tail
        .endm

        .macro  xen_note_str type:req, val:req
        xen_note_head \type
        .asciz  "\val"
        xen_note_tail
        .endm

/*
 * Xen's PVH domain builder needs only the 32-bit entry point; the other
 * notes say what this is (Xen prints them while it loads the kernel).
 */
        .macro  xen_pvh_notes entry:req
        xen_note_num XEN_ELFNOTE_PHYS32_ENTRY, \entry
        xen_note_str XEN_ELFNOTE_GUEST_OS, gt-conformance
        xen_note_str XEN_ELFNOTE_GUEST_VERSION, 1
        xen_note_str XEN_ELFNOTE_XEN_VERSION, xen-3.0
        xen_note_str XEN_ELFNOTE_LOADER, generic
        .endm

/*
 * Flat segments: 0x08 32-bit code, 0x10 data, 0x18 64-bit code (the
 * selectors in gt-x86.h).  The descriptor's base field is 8 bytes so that
 * lgdt reads it correctly in either mode.
 */
        .macro  gt_gdt_tables
        .pushsection .data.gdt, "aw"
        .balign 16
gt_gdt:
        .quad   0
        .quad   0x00cf9b000000ffff      /* 32-bit code, base 0, 4 GiB */
        .quad   0x00cf93000000ffff      /* data, base 0, 4 GiB */
        .quad   0x00af9b000000ffff      /* 64-bit code */
gt_gdt_end:
        .balign 8
        .word   0, 0, 0
gt_gdt_desc:
        .word   gt_gdt_end - gt_gdt - 1
        .long   gt_gdt, 0               /* base; lgdt in 32-bit mode reads 4 bytes */
        .popsection
        .endm

/*
 * First thing at the entry: note CR0, CR4, EFLAGS, CS and EFER as the
 * domain builder left them (struct gt_x86_entry_state, in .data so that
 * clearing the bss keeps it).  Needs a few bytes of stack: its own.
 * Leaves ebx alone.
 */
        .macro  record_entry_state
        mov     $gt_x86_entry_stack_top, %esp
        pushf
        pop     %eax
        mov     %eax, gt_x86_entry + 8
        mov     %cr0, %eax
        mov     %eax, gt_x86_entry + 0
        mov     %cr4, %eax
        mov     %eax, gt_x86_entry + 4
        xor     %eax, %eax
        mov     %cs, %ax
        mov     %eax, gt_x86_entry + 12
        mov     $0xc0000080, %ecx       /* EFER */
        rdmsr
        mov     %eax, gt_x86_entry + 16
        .pushsection .data.entry_stack, "aw"
        .balign 16
        .skip   16
gt_x86_entry_stack_top:
        .popsection
        .endm

/* Exception vectors that push an error code. */
#define GT_X86_HAS_ERRCODE(n) \
        ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17 || (n) == 21 || \
         (n) == 29 || (n) == 30)

#endif /* GT_X86_HEAD_H */
