/*
 * Linker script for the arm64 hypervisor image.
 *
 * Linked at 0 as a static position-independent executable: head.S applies
 * the R_AARCH64_RELATIVE entries between __rela_start and __rela_end for
 * wherever the loader put us.  $(O)/xen.bin is this layout copied out byte
 * for byte from _start up to the end of .data; .bss follows in memory and
 * is included in the Image header's size.
 */
#include <asm/setup.h>

OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_start)

PHDRS
{
    text PT_LOAD FLAGS(5);          /* R X */
    data PT_LOAD FLAGS(6);          /* R W */
    dynamic PT_DYNAMIC FLAGS(6);
    note PT_NOTE FLAGS(4);
}

SECTIONS
{
    . = 0;
    _start_image = .;

    .text : {
        KEEP(*(.text.head))             /* Image header: must be first */
        *(.text .text.*)
    } :text
    _etext = .;

    /* Text is mapped read-only executable up to here, rodata (and the
     * rest up to .data) read-only, .data and .bss read-write. */
    . = ALIGN(4096);
    __rodata_start = .;
    .rodata : {
        *(.rodata .rodata.*)
    } :data
    /* Common code prints the build id from these symbols. */
    .note.gnu.build-id : {
        __note_gnu_build_id_start = .;
        KEEP(*(.note.gnu.build-id))
        __note_gnu_build_id_end = .;
    } :data :note

    . = ALIGN(8);
    .rela.dyn : {
        __rela_start = .;
        *(.rela .rela.*)
        __rela_end = .;
    } :data

    /* Left over from linking as PIE; small, and harmless in the image. */
    .dynamic : { *(.dynamic) } :data :dynamic
    .dynsym : { *(.dynsym) } :data
    .dynstr : { *(.dynstr) } :data
    .hash : { *(.hash) } :data
    .gnu.hash : { *(.gnu.hash) } :data

    . = ALIGN(4096);
    __data_start = .;
    .data : {
        *(.data .data.*)
        *(.got .got.*)
    } :data
    _edata = .;

    /* Page tables, per-CPU data and stacks live here (8-byte aligned ends
     * for head.S's clearing loop). */
    . = ALIGN(4096);
    .bss (NOLOAD) : {
        __bss_start = .;
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(8);
        __bss_end = .;
    } :data

    . = ALIGN(4096);
    _end = .;

    /DISCARD/ : {
        *(.interp)
        *(.eh_frame .eh_frame_hdr)
        *(.comment)
        *(.note.GNU-stack)
    }

    /* Everything else (debug info) stays in the ELF only. */
}

/* The Image header's image_size: everything the loader must keep free. */
__image_size = _end - _start_image;

ASSERT(_start == 0, "the Image header must be at offset 0")
ASSERT((__bss_start % 8) == 0, ".bss start must be 8-byte aligned")
