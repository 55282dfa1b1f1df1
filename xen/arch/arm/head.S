/*
 * arm64 entry points and Linux arm64 Image header.
 *
 * Loaders (QEMU -kernel, U-Boot booti, GRUB, UEFI stubs...) treat the raw
 * image as a Linux "Image": a 64-byte header at offset 0 followed by code,
 * loaded at a 2 MiB-aligned address, entered at offset 0 with
 *   x0 = physical address of the device tree blob, x1 = x2 = x3 = 0,
 *   MMU off, interrupts masked, at EL2 (for us: we are the hypervisor).
 *
 * The image is linked at address 0 as a position-independent executable
 * and relocates itself: the loader may put it at any 2 MiB boundary.  It
 * keeps running at that address once the MMU is on (see asm/mm.h).
 *
 * Secondary CPUs enter at secondary_entry, started by PSCI CPU_ON with the
 * MMU off and x0 = their struct arm_cpu.
 */
#include <asm/cpu.h>
#include <asm/setup.h>
#include <asm/sysregs.h>

/* The one relocation type a static PIE with a base of 0 produces. */
#define R_AARCH64_RELATIVE  1027

/* Image header flags: little-endian, 4K pages, place anywhere in RAM. */
#define IMAGE_FLAG_BE           (0 << 0)
#define IMAGE_FLAG_PAGE_4K      (1 << 1)
#define IMAGE_FLAG_ANYWHERE     (1 << 3)
#define IMAGE_FLAGS (IMAGE_FLAG_BE | IMAGE_FLAG_PAGE_4K | IMAGE_FLAG_ANYWHERE)

        .section .text.head, "ax", %progbits
        .global _start
_start:
        /* --- 64-byte Image header ----------------------------------- */
        b       boot_entry              /* code0: jump over the header */
        .long   0                       /* code1 */
        .quad   0                       /* text_offset from 2 MiB boundary */
        .quad   __image_size            /* bytes the loader must leave free */
        .quad   IMAGE_FLAGS
        .quad   0                       /* res2 */
        .quad   0                       /* res3 */
        .quad   0                       /* res4 */
        .ascii  "ARM\x64"               /* magic */
        .long   0                       /* res5: no PE/COFF header */

boot_entry:
        mov     x19, x0                 /* device tree, kept across setup */
        msr     daifset, #0xf           /* nothing may interrupt us yet */

        mrs     x20, CurrentEL
        ubfx    x20, x20, #CURRENT_EL_SHIFT, #2
        cmp     x20, #2
        b.eq    at_el2
        cmp     x20, #1
        b.eq    at_el1
        /* EL0 cannot happen and EL3 needs firmware we are not: stop. */
1:      wfe
        b       1b

at_el2:
        /* Known hypervisor controls: no VHE, no traps, FP/SIMD usable. */
        ldr     x0, =HCR_EL2_BOOT
        msr     hcr_el2, x0
        ldr     x0, =CPTR_EL2_BOOT
        msr     cptr_el2, x0
        ldr     x0, =SCTLR_EL2_MMU_OFF
        msr     sctlr_el2, x0
        /* Per-CPU pointer of the boot CPU: cpu_data[0]. */
        adrp    x0, cpu_data
        add     x0, x0, :lo12:cpu_data
        msr     tpidr_el2, x0
        b       common_entry

at_el1:
        /*
         * The loader should have kept EL2 for us.  Carry on far enough to
         * find the console and say so (arm64_start refuses to go further).
         */
        ldr     x0, =CPACR_EL1_FPEN_ALL
        msr     cpacr_el1, x0

common_entry:
        msr     spsel, #1               /* SP_ELx, never SP_EL0 */
        isb

        /*
         * Apply our own dynamic relocations.  Linked at 0, every pointer
         * stored in data is "load address + addend".  With the MMU off all
         * accesses must be naturally aligned; ELF rela entries and the
         * 64-bit slots they patch are.
         */
        adr     x21, _start             /* where we were loaded */
        adrp    x9, __rela_start
        add     x9, x9, :lo12:__rela_start
        adrp    x10, __rela_end
        add     x10, x10, :lo12:__rela_end
relocate:
        cmp     x9, x10
        b.hs    relocated
        ldp     x11, x12, [x9], #16     /* r_offset, r_info */
        ldr     x13, [x9], #8           /* r_addend */
        cmp     w12, #R_AARCH64_RELATIVE
        b.ne    relocate                /* the linker emits no other kind */
        add     x13, x13, x21
        str     x13, [x21, x11]
        b       relocate
relocated:

        /* Zero .bss (8-byte aligned at both ends, see xen.lds.S). */
        adrp    x9, __bss_start
        add     x9, x9, :lo12:__bss_start
        adrp    x10, __bss_end
        add     x10, x10, :lo12:__bss_end
clear_bss:
        cmp     x9, x10
        b.hs    bss_clear
        str     xzr, [x9], #8
        b       clear_bss
bss_clear:

        /* The boot CPU's stack is cpu_stacks[0]. */
        adrp    x9, cpu_stacks
        add     x9, x9, :lo12:cpu_stacks
        add     sp, x9, #STACK_SIZE

        /* Any exception from here on is reported, not silently fatal. */
        cmp     x20, #2
        b.ne    1f
        adrp    x9, hyp_vectors
        add     x9, x9, :lo12:hyp_vectors
        msr     vbar_el2, x9
        b       2f
1:      adrp    x9, el1_vectors
        add     x9, x9, :lo12:el1_vectors
        msr     vbar_el1, x9
2:      isb

        mov     x0, x19                 /* fdt_pa */
        mov     x1, x21                 /* image_base */
        mov     x2, x20                 /* el */
        mov     x29, xzr                /* end of the frame chain */
        mov     x30, xzr
        bl      arm64_start
3:      wfi                             /* arm64_start does not return */
        b       3b

/*
 * Secondary CPU entry, from PSCI CPU_ON: MMU and caches off, x0 = our
 * struct arm_cpu (an identity-mapped address in the image).  Until the MMU
 * is on, only data the boot CPU cleaned to memory may be read
 * (mmu_boot_params), and nothing is written.
 */
        .global secondary_entry
secondary_entry:
        msr     daifset, #0xf
        mov     x19, x0
        mrs     x20, CurrentEL
        ubfx    x20, x20, #CURRENT_EL_SHIFT, #2
        cmp     x20, #2
        b.ne    secondary_park          /* no EL2: the boot CPU times out */

        msr     spsel, #1
        ldr     x0, =HCR_EL2_HYP
        msr     hcr_el2, x0
        ldr     x0, =CPTR_EL2_BOOT
        msr     cptr_el2, x0
        ldr     x0, =SCTLR_EL2_MMU_OFF
        msr     sctlr_el2, x0
        isb

        adrp    x1, mmu_boot_params
        add     x1, x1, :lo12:mmu_boot_params
        ldp     x2, x3, [x1]            /* mair, tcr */
        ldp     x4, x5, [x1, #16]       /* ttbr0, sctlr */
        msr     mair_el2, x2
        msr     tcr_el2, x3
        msr     ttbr0_el2, x4
        isb
        tlbi    alle2                   /* nothing stale from firmware */
        dsb     nsh
        ic      iallu
        dsb     nsh
        isb
        msr     sctlr_el2, x5           /* MMU and caches on */
        isb

        msr     tpidr_el2, x19
        ldr     x0, [x19, #CPU_STACK_TOP_OFFSET]
        mov     sp, x0
        adrp    x0, hyp_vectors
        add     x0, x0, :lo12:hyp_vectors
        msr     vbar_el2, x0
        isb

        mov     x0, x19
        mov     x29, xzr
        mov     x30, xzr
        bl      arm64_secondary_start
secondary_park:
        wfe
        b       secondary_park

        .ltorg
