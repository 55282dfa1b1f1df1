/*
 * Guest traps: what traps.c, vpsci.c, domain.c and entry.S share.
 */
#ifndef ASM_ARM_TRAPS_H
#define ASM_ARM_TRAPS_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <asm/setup.h>

struct vcpu;

/* True if the trap came from AArch32 state (EL0 or EL1). */
static inline bool trap_from_aarch32(const struct trap_frame *regs)
{
    return regs->spsr & SPSR_MODE_AARCH32;
}

/*
 * Exceptions for the current vCPU, taken at its EL1 as the hardware would
 * (AArch64 or AArch32 EL1 depending on the domain):
 *  - undefined instruction at @insn_pc (ESR EC 0 / Undefined mode),
 *    the trapped instruction being @il32 ? 4 : 2 bytes long;
 *  - synchronous external abort on a data access (@is_write) or an
 *    instruction fetch at guest virtual address @va, the faulting
 *    instruction being the one at the frame's PC.
 */
void inject_undef(struct trap_frame *regs, uint64_t insn_pc, bool il32);
void inject_dabt(struct trap_frame *regs, uint64_t va, bool is_write, bool il32);
void inject_iabt(struct trap_frame *regs, uint64_t va, bool il32);

/* Step over the trapped instruction (2 or 4 bytes, Thumb IT state kept). */
void advance_pc(struct trap_frame *regs, uint64_t esr);

/*
 * SMCCC call from the guest (HVC #0, or a trapped SMC): function id in
 * x0/r0, results written back into the frame.
 */
void vsmccc_call(struct trap_frame *regs);

/*
 * Something about the current vCPU that only crashing its domain fixes:
 * print why (with the vCPU and its PC) and shut the domain down with
 * SHUTDOWN_crash.  The hypervisor carries on.
 */
void guest_crash(struct vcpu *v, const char *fmt, ...) __printf(2, 3);

/*
 * A hypercall handler wants to be re-run with new arguments (a long
 * operation preempting itself): the guest's PC goes back to its HVC and
 * the argument registers get the values described by @format ('i' int,
 * 'l' long, 'h' guest handle), one per argument.  Returns @op; the
 * handler returns that and its result is not written to x0/r0.
 */
unsigned long hypercall_create_continuation(unsigned int op, const char *format, ...);

/* Per-CPU guest-related EL2 set-up (stage 2 control, debug/PMU traps). */
void guest_cpu_init(void);

/* entry.S: restart the idle loop on this CPU's empty stack. */
noreturn void arm64_idle_on_fresh_stack(void);

/* entry.S: eager FP/SIMD switch. */
struct fpsimd_state;
void fpsimd_save(struct fpsimd_state *fp);
void fpsimd_restore(const struct fpsimd_state *fp);

#endif /* ASM_ARM_TRAPS_H */
