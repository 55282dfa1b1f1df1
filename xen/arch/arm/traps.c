/*
 * Synchronous exceptions and the ones we never expect.
 *
 * The hypervisor's own faults are bugs: each is reported (what happened,
 * ESR decoded, FAR, ELR as an image offset, registers, the frame-pointer
 * chain) and the machine is halted through panic().  Traps from guests go
 * through one dispatcher keyed on ESR_EL2.EC; nothing is handled yet, so
 * every class panics naming itself.
 */
#include <xen/arch.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <asm/cpu.h>
#include <asm/mm.h>
#include <asm/setup.h>
#include <asm/sysregs.h>

/* Frames the backtrace follows at most. */
#define BACKTRACE_DEPTH 16

static const char *const ec_names[64] = {
    [EC_UNKNOWN]     = "unknown reason",
    [EC_WFX]         = "WFI/WFE",
    [EC_CP15_32]     = "AArch32 MCR/MRC (cp15)",
    [EC_CP15_64]     = "AArch32 MCRR/MRRC (cp15)",
    [EC_CP14_32]     = "AArch32 MCR/MRC (cp14)",
    [EC_CP14_LS]     = "AArch32 LDC/STC (cp14)",
    [EC_FP_ASIMD]    = "FP/SIMD access",
    [EC_CP10_ID]     = "AArch32 VMRS (cp10)",
    [EC_PAC]         = "pointer authentication",
    [EC_CP14_64]     = "AArch32 MRRC (cp14)",
    [EC_BTI]         = "branch target",
    [EC_ILLEGAL]     = "illegal execution state",
    [EC_SVC32]       = "AArch32 SVC",
    [EC_HVC32]       = "AArch32 HVC",
    [EC_SMC32]       = "AArch32 SMC",
    [EC_SVC64]       = "SVC",
    [EC_HVC64]       = "HVC",
    [EC_SMC64]       = "SMC",
    [EC_SYSREG]      = "MSR/MRS/system instruction",
    [EC_SVE]         = "SVE access",
    [EC_ERET]        = "ERET",
    [EC_IABT_LOW]    = "instruction abort from a lower EL",
    [EC_IABT_CUR]    = "instruction abort",
    [EC_PC_ALIGN]    = "PC alignment fault",
    [EC_DABT_LOW]    = "data abort from a lower EL",
    [EC_DABT_CUR]    = "data abort",
    [EC_SP_ALIGN]    = "SP alignment fault",
    [EC_FP_EXC32]    = "AArch32 FP exception",
    [EC_FP_EXC64]    = "FP exception",
    [EC_SERROR]      = "SError",
    [EC_BREAKPT_LOW] = "breakpoint from a lower EL",
    [EC_BREAKPT_CUR] = "breakpoint",
    [EC_SOFTSTP_LOW] = "software step from a lower EL",
    [EC_SOFTSTP_CUR] = "software step",
    [EC_WATCHPT_LOW] = "watchpoint from a lower EL",
    [EC_WATCHPT_CUR] = "watchpoint",
    [EC_BKPT32]      = "AArch32 BKPT",
    [EC_VECTOR32]    = "AArch32 vector catch",
    [EC_BRK64]       = "BRK",
};

static const char *const vector_names[16] = {
    "sync (SP_EL0)", "IRQ (SP_EL0)", "FIQ (SP_EL0)", "SError (SP_EL0)",
    "sync", "IRQ", "FIQ", "SError",
    "sync from lower EL (AArch64)", "IRQ from lower EL (AArch64)",
    "FIQ from lower EL (AArch64)", "SError from lower EL (AArch64)",
    "sync from lower EL (AArch32)", "IRQ from lower EL (AArch32)",
    "FIQ from lower EL (AArch32)", "SError from lower EL (AArch32)",
};

static unsigned int esr_ec(uint64_t esr)
{
    return (unsigned int)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

static const char *ec_name(unsigned int ec)
{
    return ec < 64 && ec_names[ec] ? ec_names[ec] : "reserved class";
}

/* Instruction/data abort status code, in words. */
static void describe_fault_status(uint64_t esr, char *buf, size_t len)
{
    unsigned int fsc = (unsigned int)(esr & ESR_xFSC_MASK);
    unsigned int level = fsc & 3;
    const char *what = NULL;

    switch (fsc >> 2) {
    case 0: what = "address size fault"; break;
    case 1: what = "translation fault"; break;
    case 2: what = "access flag fault"; break;
    case 3: what = "permission fault"; break;
    }
    if (what)
        snprintf(buf, len, "%s, level %u", what, level);
    else if (fsc == 0x10)
        snprintf(buf, len, "synchronous external abort");
    else if (fsc == 0x21)
        snprintf(buf, len, "alignment fault");
    else if (fsc == 0x30)
        snprintf(buf, len, "TLB conflict abort");
    else
        snprintf(buf, len, "fault status %#x", fsc);
}

static void print_esr(uint64_t esr, uint64_t far)
{
    unsigned int ec = esr_ec(esr);
    char detail[64];

    printk("  ESR %#llx: EC %#x (%s), IL %u, ISS %#llx\n",
           (unsigned long long)esr, ec, ec_name(ec), (esr & ESR_IL) ? 32 : 16,
           (unsigned long long)(esr & ESR_ISS_MASK));
    switch (ec) {
    case EC_DABT_CUR:
    case EC_DABT_LOW:
        describe_fault_status(esr, detail, sizeof(detail));
        printk("  %s, %s, FAR %016llx%s\n", detail,
               (esr & ESR_DABT_WNR) ? "write" : "read", (unsigned long long)far,
               (esr & ESR_ABT_FNV) ? " (not valid)" : "");
        break;
    case EC_IABT_CUR:
    case EC_IABT_LOW:
        describe_fault_status(esr, detail, sizeof(detail));
        printk("  %s, FAR %016llx%s\n", detail, (unsigned long long)far,
               (esr & ESR_ABT_FNV) ? " (not valid)" : "");
        break;
    case EC_PC_ALIGN:
        printk("  FAR %016llx\n", (unsigned long long)far);
        break;
    case EC_BRK64:
        printk("  BRK #%#llx\n", (unsigned long long)(esr & 0xffff));
        break;
    }
}

void print_code_address(const char *prefix, uint64_t addr)
{
    paddr_t start = (paddr_t)(uintptr_t)_start, end = (paddr_t)(uintptr_t)_etext;

    /* The image is linked at 0: the offset is what addr2line wants. */
    if (addr >= start && addr < end)
        printk("%simage+%#llx\n", prefix, (unsigned long long)(addr - start));
    else
        printk("%s%#llx (outside the image's code)\n", prefix, (unsigned long long)addr);
}

static void print_registers(const struct trap_frame *regs)
{
    printk("  SPSR %016llx  SP %016llx\n", (unsigned long long)regs->spsr,
           (unsigned long long)regs->sp);
    for (unsigned int i = 0; i < 30; i += 3)
        printk("  x%-2u %016llx  x%-2u %016llx  x%-2u %016llx\n",
               i, (unsigned long long)regs->x[i],
               i + 1, (unsigned long long)regs->x[i + 1],
               i + 2, (unsigned long long)regs->x[i + 2]);
    printk("  x30 %016llx\n", (unsigned long long)regs->x[30]);
}

/*
 * Follow the frame records (x29 -> {previous x29, return address}) while
 * they stay inside this CPU's stack, ascending.  Needs
 * -fno-omit-frame-pointer (build.mk); leaf functions show up through x30.
 * Return addresses are printed as their call sites (4 bytes back): after a
 * call to a noreturn function the return address is already the next
 * function's first instruction.
 */
static void print_backtrace(const struct trap_frame *regs, const struct arm_cpu *cpu)
{
    uint64_t fp = regs->x[29];
    vaddr_t lo = cpu->stack_limit, hi = cpu->stack_top;

    printk("Call trace (addr2line -e build/arm64/xen):\n");
    print_code_address("  pc  ", regs->elr);
    if (regs->x[30])
        print_code_address("  lr  ", regs->x[30] - 4);
    for (unsigned int depth = 0; depth < BACKTRACE_DEPTH; depth++) {
        const uint64_t *frame = (const uint64_t *)(uintptr_t)fp;
        uint64_t next;

        if (!lo || fp < lo || fp + 16 > hi || (fp & 15))
            break;
        if (frame[1] == 0)
            break;
        print_code_address("  ", frame[1] - 4);
        next = frame[0];
        if (next <= fp)
            break;
        fp = next;
    }
}

/* Only one fatal report per CPU: a fault while reporting just stops. */
static struct arm_cpu *enter_fatal(void)
{
    struct arm_cpu *cpu = this_arm_cpu();

    if (cpu->in_fatal)
        for (;;)
            asm volatile ("msr daifset, #0xf; wfi" : : : "memory");
    cpu->in_fatal = true;
    return cpu;
}

void arm64_hyp_sync(struct trap_frame *regs)
{
    struct arm_cpu *cpu = enter_fatal();
    unsigned int ec = esr_ec(regs->esr);

    printk("\nEL2 exception on CPU%u: %s in the hypervisor\n", cpu->id, ec_name(ec));
    print_esr(regs->esr, regs->far);
    print_code_address("  ELR ", regs->elr);
    print_registers(regs);
    print_backtrace(regs, cpu);
    panic("hypervisor fault (%s) on CPU%u", ec_name(ec), cpu->id);
}

noreturn void arm64_hyp_stack_overflow(struct trap_frame *regs)
{
    struct arm_cpu *cpu = enter_fatal();

    printk("\nEL2 exception on CPU%u: hypervisor stack overflow\n", cpu->id);
    printk("  SP %016llx ran into the guard page below %016llx\n",
           (unsigned long long)regs->sp, (unsigned long long)cpu->stack_limit);
    print_esr(regs->esr, regs->far);
    print_code_address("  ELR ", regs->elr);
    print_registers(regs);
    print_backtrace(regs, cpu);
    panic("hypervisor stack overflow on CPU%u", cpu->id);
}

noreturn void arm64_bad_vector(struct trap_frame *regs, unsigned int vector)
{
    struct arm_cpu *cpu = enter_fatal();

    printk("\nEL2 exception on CPU%u: unexpected %s\n", cpu->id,
           vector < 16 ? vector_names[vector] : "?");
    print_esr(regs->esr, regs->far);
    print_code_address("  ELR ", regs->elr);
    print_registers(regs);
    print_backtrace(regs, cpu);
    panic("unexpected exception (%s) on CPU%u",
          vector < 16 ? vector_names[vector] : "?", cpu->id);
}

/* Only reached when a loader entered us at EL1 and something went wrong. */
noreturn void arm64_el1_trap(struct trap_frame *regs, unsigned int vector)
{
    static bool in_trap;

    if (in_trap)
        for (;;)
            asm volatile ("wfi" : : : "memory");
    in_trap = true;
    printk("\nUnexpected exception: %s at EL1\n",
           vector < 16 ? vector_names[vector] : "?");
    print_esr(regs->esr, regs->far);
    print_code_address("  ELR ", regs->elr);
    print_registers(regs);
    panic("unexpected exception");
}

/*
 * The one dispatcher for synchronous traps from guests (EL1/EL0, AArch64
 * and AArch32).  Handlers come with guests; until then every class is a
 * clean panic that names it.
 */
void arm64_trap_from_guest(struct trap_frame *regs)
{
    unsigned int ec = esr_ec(regs->esr);
    bool aarch32 = regs->spsr & SPSR_MODE_AARCH32;

    switch (ec) {
    default:
        printk("\nTrap from a guest (%s) on CPU%u: %s\n", aarch32 ? "AArch32" : "AArch64",
               arch_smp_processor_id(), ec_name(ec));
        print_esr(regs->esr, regs->far);
        printk("  guest PC %016llx  SPSR %016llx\n", (unsigned long long)regs->elr,
               (unsigned long long)regs->spsr);
        panic("unhandled guest trap: EC %#x (%s)", ec, ec_name(ec));
    }
}

noreturn void arm64_guest_async_abort(struct trap_frame *regs, unsigned int vector)
{
    printk("\n%s on CPU%u, guest PC %016llx\n", vector < 16 ? vector_names[vector] : "?",
           arch_smp_processor_id(), (unsigned long long)regs->elr);
    panic("unhandled %s", vector < 16 ? vector_names[vector] : "?");
}
