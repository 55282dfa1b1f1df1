/* arm64 start of day: what head.S, entry.S and setup.c share. */
#ifndef ASM_ARM_SETUP_H
#define ASM_ARM_SETUP_H

/* Boot CPU stack, in .bss (head.S points sp at its top). */
#define BOOT_STACK_SIZE     (32 * 1024)

/* Saved register frame built by the exception vectors (entry.S). */
#define TRAP_FRAME_SIZE     (34 * 8)

#ifndef __ASSEMBLY__

#include <xen/types.h>
#include <xen/compiler.h>

struct trap_frame {
    uint64_t x[31];     /* x0..x30 */
    uint64_t sp;        /* stack pointer at the time of the exception */
    uint64_t elr;
    uint64_t spsr;
};

/* Linker script symbols: the image, from the header to the end of .bss. */
extern char _start[], _end[], __bss_start[], __bss_end[];

/* Called by head.S with the MMU off, on the boot stack, .bss cleared. */
noreturn void arm64_start(paddr_t fdt_pa, paddr_t image_base, unsigned int el);

/* Called by entry.S for any exception: we expect none yet. */
noreturn void arm64_unexpected_trap(struct trap_frame *regs, unsigned int vector);

#endif /* !__ASSEMBLY__ */

#endif /* ASM_ARM_SETUP_H */
