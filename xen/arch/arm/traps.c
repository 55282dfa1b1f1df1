/*
 * Synchronous exceptions: the hypervisor's own, and every trap from a
 * guest.
 *
 * The hypervisor's own faults are bugs: each is reported (what happened,
 * ESR decoded, FAR, ELR as an image offset, registers, the frame-pointer
 * chain) and the machine is halted through panic().
 *
 * Traps from guests go through one dispatcher keyed on ESR_EL2.EC
 * (arm64_trap_from_guest()): hypercalls (HVC #0xEA1), SMCCC/PSCI (HVC #0
 * and trapped SMCs), stage 2 data aborts (virtual GIC MMIO, else an abort
 * for the guest), WFI/WFE, and the system registers we trap.  Whatever a
 * guest does wrong ends in an exception injected into that guest, or at
 * worst in its domain crashing; never in a hypervisor panic.
 */
#include <xen/arch.h>
#include <xen/bitops.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/platform.h>
#include <public/event_channel.h>
#include <public/physdev.h>
#include <generated/hypercall-defs.h>
#include <asm/vgic.h>
#include <asm/cpu.h>
#include <asm/domain.h>
#include <asm/mm.h>
#include <asm/p2m.h>
#include <asm/setup.h>
#include <asm/sysregs.h>
#include <asm/traps.h>

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


/* ======================================================================== */
/* Traps from guests                                                         */
/* ======================================================================== */

/* Guest mistakes worth a line in the log, but not an unbounded number. */
#define GUEST_LOG_MAX   32
static unsigned int guest_log_count;

static bool guest_log_ok(void)
{
    return __atomic_fetch_add(&guest_log_count, 1, __ATOMIC_RELAXED) < GUEST_LOG_MAX;
}

void guest_crash(struct vcpu *v, const char *fmt, ...)
{
    char why[128];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printk("d%uv%u crashed: %s (PC %#llx, PSTATE %#llx)\n", v->domain->domain_id,
           v->vcpu_id, why, (unsigned long long)v->arch->regs.elr,
           (unsigned long long)v->arch->regs.spsr);
    domain_shutdown(v->domain, SHUTDOWN_crash);
}

/* ---- registers ----------------------------------------------------------- */

/* Register @n of a trapped instruction (AArch64 numbering; 31 is zero). */
static uint64_t get_reg(const struct trap_frame *regs, unsigned int n)
{
    return n < 31 ? regs->x[n] : 0;
}

static void set_reg(struct trap_frame *regs, unsigned int n, uint64_t val)
{
    if (n < 31)
        regs->x[n] = trap_from_aarch32(regs) ? (uint32_t)val : val;
}

/* Thumb IT block: move to the next instruction's condition. */
static uint64_t it_advance(uint64_t cpsr)
{
    uint64_t it = ((cpsr >> 8) & 0xfc) | ((cpsr >> 25) & 3);

    if (!it)
        return cpsr;
    it = (it & 7) ? ((it & 0xe0) | ((it << 1) & 0x1f)) : 0;
    cpsr &= ~(PSR32_IT_LOW_MASK | PSR32_IT_HIGH_MASK);
    return cpsr | ((it & 3) << 25) | ((it >> 2) << 10);
}

void advance_pc(struct trap_frame *regs, uint64_t esr)
{
    uint64_t len = (esr & ESR_IL) ? 4 : 2;

    if (trap_from_aarch32(regs)) {
        if (regs->spsr & PSR32_T)
            regs->spsr = it_advance(regs->spsr);
        regs->elr = (uint32_t)(regs->elr + len);
    } else {
        regs->elr += len;
    }
}

/* Does an AArch32 condition code pass with these flags? */
static bool cond_passes(uint64_t cpsr, unsigned int cond)
{
    bool n = (cpsr >> 31) & 1, z = (cpsr >> 30) & 1, c = (cpsr >> 29) & 1,
         v = (cpsr >> 28) & 1, r;

    switch (cond >> 1) {
    case 0: r = z; break;                   /* EQ / NE */
    case 1: r = c; break;                   /* CS / CC */
    case 2: r = n; break;                   /* MI / PL */
    case 3: r = v; break;                   /* VS / VC */
    case 4: r = c && !z; break;             /* HI / LS */
    case 5: r = n == v; break;              /* GE / LT */
    case 6: r = !z && n == v; break;        /* GT / LE */
    default: return true;                   /* AL (and the 0b1111 space) */
    }
    return (cond & 1) ? !r : r;
}

/*
 * A trapped AArch32 instruction may be conditional: it only takes effect
 * if its condition passes (from the syndrome, or else the IT state).
 */
static bool aarch32_cond_ok(const struct trap_frame *regs, uint64_t esr)
{
    unsigned int cond;

    if (!trap_from_aarch32(regs))
        return true;
    if (esr & ESR_CV) {
        cond = (esr >> ESR_COND_SHIFT) & 0xf;
    } else {
        uint64_t it = ((regs->spsr >> 8) & 0xfc) | ((regs->spsr >> 25) & 3);

        if (!(regs->spsr & PSR32_T) || !it)
            return true;
        cond = (unsigned int)(it >> 4);
    }
    return cond_passes(regs->spsr, cond);
}

/* ---- injecting exceptions ------------------------------------------------ */

#define VECTOR64_CURRENT_SP0    0x000
#define VECTOR64_CURRENT_SPX    0x200
#define VECTOR64_LOWER64        0x400
#define VECTOR64_LOWER32        0x600
#define VECTOR32_UND            0x04
#define VECTOR32_PABT           0x0c
#define VECTOR32_DABT           0x10
#define PSR_GUEST64_EXC         (PSR_MODE_EL1h | DAIF_D | DAIF_A | DAIF_I | DAIF_F)

/* Where an exception taken to AArch64 EL1 lands, by the mode it left. */
static uint64_t vector64(const struct trap_frame *regs)
{
    uint64_t base = READ_SYSREG(vbar_el1);

    if (trap_from_aarch32(regs))
        return base + VECTOR64_LOWER32;
    switch (regs->spsr & SPSR_MODE_MASK) {
    case SPSR_MODE_EL0T: return base + VECTOR64_LOWER64;
    case SPSR_MODE_EL1T: return base + VECTOR64_CURRENT_SP0;
    default:             return base + VECTOR64_CURRENT_SPX;
    }
}

static void enter_el1_aarch64(struct trap_frame *regs, uint64_t esr, uint64_t elr)
{
    uint64_t target = vector64(regs);

    WRITE_SYSREG(elr, elr_el1);
    WRITE_SYSREG(regs->spsr, spsr_el1);
    WRITE_SYSREG(esr, esr_el1);
    regs->spsr = PSR_GUEST64_EXC;
    regs->elr = target;
}

/* AArch32 EL1: switch to @mode as an exception entry does; returns the vector base. */
static uint64_t enter_el1_aarch32(struct trap_frame *regs, unsigned int mode)
{
    uint64_t sctlr = READ_SYSREG(sctlr_el1), cpsr = regs->spsr;

    cpsr &= ~(SPSR_MODE_MASK | PSR32_T | PSR32_IT_LOW_MASK | PSR32_IT_HIGH_MASK |
              PSR32_J | PSR32_E | PSR32_IL | PSR32_SS);
    cpsr |= mode | PSR32_I;
    if (mode == PSR32_MODE_ABT)
        cpsr |= PSR32_A;
    if (sctlr & SCTLR32_TE)
        cpsr |= PSR32_T;
    if (sctlr & SCTLR_EE)
        cpsr |= PSR32_E;
    regs->spsr = cpsr;
    if (sctlr & SCTLR32_V)
        return 0xffff0000UL;
    return READ_SYSREG(vbar_el1) & 0xffffffe0UL;
}

void inject_undef(struct trap_frame *regs, uint64_t insn_pc, bool il32)
{
    if (is_32bit_domain(current->domain)) {
        uint64_t old = regs->spsr;
        /* LR_und (X22) = the instruction + 4 (ARM) or + 2 (Thumb). */
        uint64_t lr = insn_pc + ((old & PSR32_T) ? 2 : 4);
        uint64_t base = enter_el1_aarch32(regs, PSR32_MODE_UND);

        WRITE_SYSREG(old, spsr_und);
        regs->x[22] = (uint32_t)lr;
        regs->elr = (uint32_t)(base + VECTOR32_UND);
    } else {
        uint64_t esr = ((uint64_t)EC_UNKNOWN << ESR_EC_SHIFT) | (il32 ? ESR_IL : 0);

        enter_el1_aarch64(regs, esr, insn_pc);
    }
}

static void inject_abort(struct trap_frame *regs, bool prefetch, uint64_t va,
                         bool is_write, bool il32)
{
    if (is_32bit_domain(current->domain)) {
        uint64_t old = regs->spsr, pc = regs->elr;
        bool lpae = READ_SYSREG(tcr_el1) & TTBCR_EAE;
        /* Synchronous external abort, in the format TTBCR.EAE selects. */
        uint64_t fsr = lpae ? ((1UL << 9) | FSC_SEA) : 0x8;
        uint64_t base = enter_el1_aarch32(regs, PSR32_MODE_ABT);
        uint64_t far = READ_SYSREG(far_el1);

        WRITE_SYSREG(old, spsr_abt);
        if (prefetch) {
            /* IFAR is FAR_EL1[63:32], IFSR is IFSR32_EL2; LR_abt = insn + 4. */
            WRITE_SYSREG((far & 0xffffffffUL) | ((uint64_t)(uint32_t)va << 32), far_el1);
            WRITE_SYSREG(fsr, ifsr32_el2);
            regs->x[20] = (uint32_t)(pc + 4);
            regs->elr = (uint32_t)(base + VECTOR32_PABT);
        } else {
            /* DFAR is FAR_EL1[31:0], DFSR is ESR_EL1; LR_abt = insn + 8. */
            WRITE_SYSREG((far & ~0xffffffffUL) | (uint32_t)va, far_el1);
            WRITE_SYSREG(fsr | (is_write ? (1UL << 11) : 0), esr_el1);
            regs->x[20] = (uint32_t)(pc + 8);
            regs->elr = (uint32_t)(base + VECTOR32_DABT);
        }
    } else {
        bool from_el0 = trap_from_aarch32(regs) ||
                        (regs->spsr & SPSR_MODE_MASK) == SPSR_MODE_EL0T;
        unsigned int ec = prefetch ? (from_el0 ? EC_IABT_LOW : EC_IABT_CUR)
                                   : (from_el0 ? EC_DABT_LOW : EC_DABT_CUR);
        uint64_t esr = ((uint64_t)ec << ESR_EC_SHIFT) | (il32 ? ESR_IL : 0) | FSC_SEA |
                       (!prefetch && is_write ? ESR_DABT_WNR : 0);

        WRITE_SYSREG(va, far_el1);
        enter_el1_aarch64(regs, esr, regs->elr);
    }
}

void inject_dabt(struct trap_frame *regs, uint64_t va, bool is_write, bool il32)
{
    inject_abort(regs, false, va, is_write, il32);
}

void inject_iabt(struct trap_frame *regs, uint64_t va, bool il32)
{
    inject_abort(regs, true, va, false, il32);
}

/* The trapped instruction itself is undefined for the guest. */
static void undef_trapped(struct trap_frame *regs, uint64_t esr, const char *what)
{
    struct vcpu *v = current;

    if (guest_log_ok())
        printk("d%uv%u: %s at PC %#llx (ESR %#llx): undefined instruction injected\n",
               v->domain->domain_id, v->vcpu_id, what, (unsigned long long)regs->elr,
               (unsigned long long)esr);
    inject_undef(regs, regs->elr, esr & ESR_IL);
}

/* ---- hypercalls ---------------------------------------------------------- */

unsigned long hypercall_create_continuation(unsigned int op, const char *format, ...)
{
    struct arch_vcpu *a = current->arch;
    struct trap_frame *regs = &a->regs;
    bool aarch32 = trap_from_aarch32(regs);
    va_list ap;

    va_start(ap, format);
    for (unsigned int i = 0; format[i] && i < 5; i++) {
        uint64_t val;

        switch (format[i]) {
        case 'i': val = va_arg(ap, unsigned int); break;
        case 'h': val = (uint64_t)(uintptr_t)va_arg(ap, void *); break;
        case 'l':
        default:  val = va_arg(ap, unsigned long); break;
        }
        regs->x[i] = aarch32 ? (uint32_t)val : val;
    }
    va_end(ap);
    if (aarch32)
        regs->x[12] = op;
    else
        regs->x[16] = op;
    a->hcall_preempted = true;
    return op;
}

/*
 * An AArch32 guest sees r0 only.  A result that is not a 32-bit signed
 * value would be silently truncated (a huge count turned into an error
 * code, or the reverse): the guest gets -ERANGE instead.
 */
static uint32_t arm32_result(long ret)
{
    if (ret < INT32_MIN || ret > INT32_MAX)
        return (uint32_t)-ERANGE;
    return (uint32_t)ret;
}

static void do_hypercall(struct trap_frame *regs)
{
    struct arch_vcpu *a = current->arch;
    long ret;

    a->hcall_preempted = false;
    if (trap_from_aarch32(regs)) {
        call_handlers_arm32((uint32_t)regs->x[12], ret, (uint32_t)regs->x[0],
                            (uint32_t)regs->x[1], (uint32_t)regs->x[2],
                            (uint32_t)regs->x[3], (uint32_t)regs->x[4]);
        if (!a->hcall_preempted)
            regs->x[0] = arm32_result(ret);
    } else {
        call_handlers_arm64(regs->x[16], ret, regs->x[0], regs->x[1], regs->x[2],
                            regs->x[3], regs->x[4]);
        if (!a->hcall_preempted)
            regs->x[0] = (uint64_t)ret;
    }
    /* Preempted: back to the HVC (4 bytes in A64, A32 and T32) to go on. */
    if (a->hcall_preempted) {
        regs->elr -= 4;
        if (trap_from_aarch32(regs))
            regs->elr = (uint32_t)regs->elr;
    }
}

/* HVC: the return address is already past the instruction.  Immediate
 * XEN_HYPERCALL_TAG (public/arch-arm.h) is a hypercall, 0 the SMCCC conduit. */
static void do_trap_hvc(struct trap_frame *regs, uint64_t esr)
{
    unsigned int imm = esr & 0xffff;

    if (imm == XEN_HYPERCALL_TAG)
        do_hypercall(regs);
    else if (imm == 0)
        vsmccc_call(regs);
    else
        inject_undef(regs, regs->elr - 4, true);
}

/* SMC (trapped by HCR_EL2.TSC): the return address is the SMC itself. */
static void do_trap_smc(struct trap_frame *regs, uint64_t esr)
{
    if (!aarch32_cond_ok(regs, esr)) {
        advance_pc(regs, esr);
        return;
    }
    /* A64 SMC carries an immediate (SMCCC wants 0); A32 reports none. */
    if (!trap_from_aarch32(regs) && (esr & 0xffff)) {
        undef_trapped(regs, esr, "SMC with a non-zero immediate");
        return;
    }
    vsmccc_call(regs);
    advance_pc(regs, esr);
}

/* ---- WFI / WFE ----------------------------------------------------------- */

static void do_trap_wfx(struct trap_frame *regs, uint64_t esr)
{
    struct vcpu *v = current;

    if (aarch32_cond_ok(regs, esr)) {
        if (esr & ESR_WFX_WFE) {
            vcpu_yield();
        } else {
            /*
             * Block, unless an interrupt is already waiting.  VPF_BLOCKED is
             * up (vcpu_block()) before the vGIC is asked, so an injection
             * racing with the check finds it set and unblocks us.
             */
            vcpu_block();
            if (vgic_vcpu_pending_irq(v))
                vcpu_unblock(v);
        }
    }
    advance_pc(regs, esr);
}

/* ---- system registers ---------------------------------------------------- */

/* Debug and PMU registers (trapped through MDCR_EL2) read as zero, ignore writes. */
static void raz_wi(struct trap_frame *regs, uint64_t esr, unsigned int rt, bool read)
{
    if (read)
        set_reg(regs, rt, 0);
    advance_pc(regs, esr);
}

static void do_trap_sysreg(struct trap_frame *regs, uint64_t esr)
{
    uint64_t key = ESR_SYSREG_KEY(esr);
    unsigned int rt = ESR_SYSREG_RT(esr);
    bool read = esr & ESR_SYSREG_READ;

    if (key == SYSREG_KEY_ICC_SGI1R_EL1 && !read) {
        if (vgic_emulate_sgi1r(current, get_reg(regs, rt)))
            advance_pc(regs, esr);
        else
            undef_trapped(regs, esr, "ICC_SGI1R_EL1 write");
        return;
    }
    /* ICC_ASGI1R_EL1, ICC_SGI0R_EL1: group 0 and other-security SGIs do not exist here. */
    if ((key == SYSREG_KEY(3, 0, 12, 11, 6) || key == SYSREG_KEY(3, 0, 12, 11, 7)) && !read) {
        advance_pc(regs, esr);
        return;
    }
    /* op0 == 2: debug; op0 == 3 CRn == 9 or op1 == 3 CRn == 14: PMU. */
    if (SYSREG_OP0(key) == 2 ||
        (SYSREG_OP0(key) == 3 && SYSREG_CRN(key) == 9) ||
        (SYSREG_OP0(key) == 3 && SYSREG_CRN(key) == 14 && ((key >> 14) & 7) == 3)) {
        raz_wi(regs, esr, rt, read);
        return;
    }
    undef_trapped(regs, esr, read ? "MRS of a trapped register" : "MSR to a trapped register");
}

/* AArch32 coprocessor accesses: cp14 (debug), cp15 (PMU, GIC SGIs). */
static void do_trap_cp(struct trap_frame *regs, uint64_t esr, unsigned int ec)
{
    bool read = esr & ESR_CP_READ;

    if (!aarch32_cond_ok(regs, esr)) {
        advance_pc(regs, esr);
        return;
    }
    switch (ec) {
    case EC_CP15_32:
        if (ESR_CP32_CRN(esr) == 9) {               /* PMU */
            raz_wi(regs, esr, ESR_CP32_RT(esr), read);
            return;
        }
        break;
    case EC_CP15_64:
        if (ESR_CP_CRM(esr) == 12 && !read) {       /* ICC_*SGI*R */
            uint64_t val = (uint32_t)get_reg(regs, ESR_CP64_RT(esr)) |
                           (get_reg(regs, ESR_CP64_RT2(esr)) << 32);

            if (ESR_CP64_OPC1(esr) != 0 || vgic_emulate_sgi1r(current, val)) {
                advance_pc(regs, esr);
                return;
            }
        }
        break;
    case EC_CP14_32:
        raz_wi(regs, esr, ESR_CP32_RT(esr), read);
        return;
    case EC_CP14_64:
        if (read) {
            set_reg(regs, ESR_CP64_RT(esr), 0);
            set_reg(regs, ESR_CP64_RT2(esr), 0);
        }
        advance_pc(regs, esr);
        return;
    case EC_CP14_LS:
        advance_pc(regs, esr);
        return;
    }
    undef_trapped(regs, esr, "trapped coprocessor access");
}

/* ---- aborts -------------------------------------------------------------- */

/* An emulated MMIO access described by the syndrome (ISV set). */
static bool mmio_access(struct trap_frame *regs, uint64_t esr, paddr_t gpa)
{
    unsigned int sas = (esr >> ESR_DABT_SAS_SHIFT) & 3, size = 1U << sas;
    unsigned int rt = (esr >> ESR_DABT_SRT_SHIFT) & 0x1f;
    bool is_write = esr & ESR_DABT_WNR;
    uint64_t mask = size == 8 ? ~0UL : (1UL << (8 * size)) - 1;
    uint64_t val = is_write ? get_reg(regs, rt) & mask : 0;

    if (!vgic_mmio_access(current, gpa, is_write, size, &val))
        return false;
    if (!is_write) {
        val &= mask;
        if ((esr & ESR_DABT_SSE) && size < 8 && (val >> (8 * size - 1)) & 1)
            val |= ~mask;
        if (!(esr & ESR_DABT_SF))
            val = (uint32_t)val;
        set_reg(regs, rt, val);
    }
    return true;
}

static paddr_t fault_ipa(uint64_t hpfar, uint64_t far)
{
    return ((hpfar & HPFAR_FIPA_MASK) << HPFAR_FIPA_SHIFT) | (far & (PAGE_SIZE - 1));
}

static void report_abort(const struct trap_frame *regs, uint64_t esr, paddr_t gpa,
                         bool gpa_known, const char *what)
{
    struct vcpu *v = current;
    char detail[64];

    if (!guest_log_ok())
        return;
    describe_fault_status(esr, detail, sizeof(detail));
    printk("d%uv%u: %s at VA %#llx", v->domain->domain_id, v->vcpu_id, what,
           (unsigned long long)regs->far);
    if (gpa_known)
        printk(" (IPA %#llx)", (unsigned long long)gpa);
    printk(", %s, PC %#llx: abort injected\n", detail, (unsigned long long)regs->elr);
}

static void do_trap_dabt(struct trap_frame *regs, uint64_t esr, uint64_t hpfar)
{
    struct vcpu *v = current;
    unsigned int type = esr & FSC_TYPE_MASK;
    bool is_write = esr & ESR_DABT_WNR, stage2;
    paddr_t gpa = fault_ipa(hpfar, regs->far);

    /* Stage 2 translation or access flag faults give the IPA in HPFAR. */
    stage2 = type == FSC_TRANSLATION || type == FSC_ACCESS_FLAG;
    if (stage2 && !(esr & ESR_ABT_S1PTW)) {
        if ((esr & ESR_DABT_ISV) && mmio_access(regs, esr, gpa)) {
            advance_pc(regs, esr);
            return;
        }
        if (p2m_fault_is_stale(v->domain, gpa, is_write, false))
            return;                         /* the tables changed meanwhile: retry */
        /* Cache maintenance by VA on nothing: nothing to do. */
        if (esr & (1UL << 8)) {
            advance_pc(regs, esr);
            return;
        }
        report_abort(regs, esr, gpa, true,
                     is_write ? "write to unmapped guest memory" :
                                "read of unmapped guest memory");
    } else if (stage2) {
        /* Stage 2 fault while walking the guest's own page tables. */
        if (p2m_fault_is_stale(v->domain, gpa, false, false))
            return;
        report_abort(regs, esr, gpa, true, "page-table walk through unmapped memory");
    } else {
        report_abort(regs, esr, 0, false, "data abort");
    }
    inject_dabt(regs, regs->far, is_write, esr & ESR_IL);
}

static void do_trap_iabt(struct trap_frame *regs, uint64_t esr, uint64_t hpfar)
{
    struct vcpu *v = current;
    unsigned int type = esr & FSC_TYPE_MASK;
    paddr_t gpa = fault_ipa(hpfar, regs->far);

    if ((type == FSC_TRANSLATION || type == FSC_ACCESS_FLAG) &&
        p2m_fault_is_stale(v->domain, gpa, false, !(esr & ESR_ABT_S1PTW)))
        return;
    report_abort(regs, esr, gpa, type == FSC_TRANSLATION || type == FSC_ACCESS_FLAG,
                 "instruction fetch abort");
    inject_iabt(regs, regs->far, esr & ESR_IL);
}

/* ---- the dispatcher ------------------------------------------------------ */

/*
 * Every synchronous exception from a guest (EL1/EL0, AArch64 and
 * AArch32), with the registers saved in the current vCPU's frame.  Runs
 * with interrupts enabled once the virtual GIC has read back its list
 * registers; the exit path (arm64_leave_hypervisor) masks them again.
 */
void arm64_trap_from_guest(struct trap_frame *regs)
{
    struct vcpu *v = current;
    uint64_t esr = regs->esr;
    unsigned int ec = esr_ec(esr);
    uint64_t hpfar = 0;

    if (ec == EC_DABT_LOW || ec == EC_IABT_LOW)
        hpfar = READ_SYSREG(hpfar_el2);
    vgic_sync_lrs(v);
    arch_irq_enable();

    switch (ec) {
    case EC_HVC64:
    case EC_HVC32:
        do_trap_hvc(regs, esr);
        break;
    case EC_SMC64:
    case EC_SMC32:
        do_trap_smc(regs, esr);
        break;
    case EC_DABT_LOW:
        do_trap_dabt(regs, esr, hpfar);
        break;
    case EC_IABT_LOW:
        do_trap_iabt(regs, esr, hpfar);
        break;
    case EC_WFX:
        do_trap_wfx(regs, esr);
        break;
    case EC_SYSREG:
        do_trap_sysreg(regs, esr);
        break;
    case EC_CP15_32:
    case EC_CP15_64:
    case EC_CP14_32:
    case EC_CP14_64:
    case EC_CP14_LS:
        do_trap_cp(regs, esr, ec);
        break;
    default:
        /* Nothing else is trapped on purpose: the instruction is undefined. */
        undef_trapped(regs, esr, ec_name(ec));
        break;
    }
}

/* FIQ or SError taken from a guest. */
void arm64_guest_async_abort(struct trap_frame *regs, unsigned int vector)
{
    struct vcpu *v = current;
    const char *name = vector < 16 ? vector_names[vector] : "?";

    vgic_sync_lrs(v);
    if ((vector & 3) == 3) {
        /* An SError the guest caused (a device it owns aborted a write). */
        guest_crash(v, "%s, ESR %#llx", name, (unsigned long long)regs->esr);
        return;
    }
    /* No FIQ source is in use: note it and carry on. */
    if (guest_log_ok())
        printk("CPU%u: unexpected %s, guest PC %#llx\n", arch_smp_processor_id(), name,
               (unsigned long long)regs->elr);
}
