/* arm64 start of day: what head.S, entry.S and the C code share. */
#ifndef ASM_ARM_SETUP_H
#define ASM_ARM_SETUP_H

/*
 * Saved register frame built by the exception vectors (entry.S); must stay
 * a multiple of 16 bytes (the stack pointer's alignment).
 */
#define TRAP_FRAME_SIZE     (36 * 8)
#define TRAP_FRAME_SP       (31 * 8)
#define TRAP_FRAME_ELR      (32 * 8)
#define TRAP_FRAME_ESR      (34 * 8)

/* struct fpsimd_state (asm/domain.h): q0-q31, then FPSR and FPCR. */
#define FPSIMD_FPSR_OFFSET  (64 * 8)
#define FPSIMD_FPCR_OFFSET  (65 * 8)

#ifndef __ASSEMBLY__

#include <xen/types.h>
#include <xen/compiler.h>

struct boot_info;

struct trap_frame {
    uint64_t x[31];     /* x0..x30 */
    uint64_t sp;        /* interrupted SP: SP_EL2 for the hypervisor, SP_EL0 for guests */
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;       /* ESR_EL2 at entry (meaningful for synchronous exceptions) */
    uint64_t far;       /* FAR_EL2 at entry (meaningful for aborts) */
};

/* Linker script symbols (see xen.lds.S). */
extern char _start[], _etext[], __rodata_start[], __data_start[], _edata[],
            _end[], __bss_start[], __bss_end[];

/* Called by head.S with the MMU off, on the boot stack, .bss cleared. */
noreturn void arm64_start(paddr_t fdt_pa, paddr_t image_base, unsigned int el);

/* Exception handlers called by entry.S (traps.c, irq.c). */
void arm64_hyp_sync(struct trap_frame *regs);
noreturn void arm64_hyp_stack_overflow(struct trap_frame *regs);
noreturn void arm64_bad_vector(struct trap_frame *regs, unsigned int vector);
noreturn void arm64_el1_trap(struct trap_frame *regs, unsigned int vector);
void arm64_trap_from_guest(struct trap_frame *regs);
void arm64_guest_async_abort(struct trap_frame *regs, unsigned int vector);
void arm64_irq_hyp(struct trap_frame *regs);
void arm64_irq_guest(struct trap_frame *regs);

/*
 * The way back to a guest: run pending softirqs, then return (IRQs
 * masked) the frame of the guest vCPU now current, its virtual interrupts
 * loaded; if the idle vCPU is current, restart the idle loop instead.
 */
struct trap_frame *arm64_leave_hypervisor(void);

/* "selftest=..." options from the command line (setup.c). */
bool arm64_selftest_requested(const char *name);

/* Print "image+0x..." for a code address, or the address itself. */
void print_code_address(const char *prefix, uint64_t addr);

#endif /* !__ASSEMBLY__ */

#endif /* ASM_ARM_SETUP_H */
