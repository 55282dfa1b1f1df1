/*
 * Linker script for the x86_64 image (preprocessed by the build).
 *
 * Sections are linked at XEN_VIRT_START and loaded (ELF physical address,
 * which is what GRUB's multiboot2 loader uses) XEN_VIRT_OFFSET lower.
 * The multiboot2 header comes first so that it lands in the first 32 KiB
 * of the file.
 */
#include <asm/layout.h>

#define LOAD(sec) AT(ADDR(sec) - XEN_VIRT_OFFSET)

OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64", "elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(mb2_entry32)

PHDRS
{
    text PT_LOAD FLAGS(5);      /* R X */
    rodata PT_LOAD FLAGS(4);    /* R */
    data PT_LOAD FLAGS(6);      /* R W */
    note PT_NOTE FLAGS(4);
}

SECTIONS
{
    . = XEN_VIRT_START;
    __image_start = .;

    .text : LOAD(.text) {
        KEEP(*(.multiboot2))
        *(.text.head)
        *(.text .text.*)
    } :text

    /* Page-aligned boundaries: mm.c maps each part with its own rights. */
    . = ALIGN(4096);
    __rodata_start = .;
    .rodata : LOAD(.rodata) {
        *(.rodata .rodata.*)
    } :rodata

    /* Common code prints the build id from between these two symbols. */
    .note.gnu.build-id : LOAD(.note.gnu.build-id) {
        __note_gnu_build_id_start = .;
        KEEP(*(.note.gnu.build-id))
        __note_gnu_build_id_end = .;
    } :rodata :note

    . = ALIGN(4096);
    __data_start = .;
    .data : LOAD(.data) {
        *(.data.page_aligned)
        *(.data .data.*)
    } :data

    .bss : LOAD(.bss) {
        . = ALIGN(4096);
        __bss_start = .;
        *(.bss.page_aligned)
        *(.bss.stack)
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(8);
        __bss_end = .;
    } :data

    __image_end = .;

    /* Non-allocated sections (debug info, symbols) keep their defaults. */

    /DISCARD/ : {
        *(.eh_frame)
        *(.note.GNU-stack)
        *(.note.gnu.property)
        *(.comment)
    }
}

/* The boot page tables map only the first GiB at the high address. */
ASSERT(__image_end - XEN_VIRT_OFFSET <= BOOT_HIGH_LIMIT, "image too large for the boot mapping")
ASSERT(__image_start == XEN_VIRT_START, "image does not start at XEN_VIRT_START")
