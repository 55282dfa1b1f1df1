/*
 * Per-CPU state of the arm64 code: one struct arm_cpu per possible CPU,
 * found through TPIDR_EL2 (set by head.S before any C runs on that CPU),
 * and the EL2 stacks.
 *
 * Each CPU's stack is STACK_SIZE bytes, STACK_SIZE-aligned, and its lowest
 * page is left unmapped: running off the end faults instead of silently
 * overwriting whatever lies below.  The EL2 synchronous exception vector
 * notices a fault in that guard page and moves to the CPU's small
 * emergency stack to report it (entry.S).
 */
#ifndef ASM_ARM_CPU_H
#define ASM_ARM_CPU_H

#define STACK_SIZE              (32 * 1024)
#define STACK_GUARD_SIZE        4096
#define EMERGENCY_STACK_SIZE    (8 * 1024)

/* Offsets into struct arm_cpu for assembly (checked in smp.c). */
#define CPU_ID_OFFSET           0
#define CPU_STACK_TOP_OFFSET    8
#define CPU_STACK_LIMIT_OFFSET  16
#define CPU_EMERGENCY_OFFSET    24
#define CPU_GUEST_FRAME_OFFSET  32

#ifndef __ASSEMBLY__

#include <xen/types.h>
#include <xen/compiler.h>
#include <asm/sysregs.h>

#ifndef CONFIG_NR_CPUS
#error "CONFIG_NR_CPUS must come from the configuration"
#endif

enum cpu_state {
    CPU_STATE_OFF = 0,      /* never started (or not present) */
    CPU_STATE_STARTING,     /* PSCI CPU_ON issued, not heard from yet */
    CPU_STATE_ONLINE,       /* EL2 set up, about to enter common code */
    CPU_STATE_FAILED,       /* came up but could not finish its setup */
    CPU_STATE_ABANDONED,    /* the boot CPU stopped waiting: must park */
};

struct arm_cpu {
    unsigned int id;            /* logical number: 0 = boot CPU */
    unsigned int pad0;
    vaddr_t stack_top;          /* initial SP */
    vaddr_t stack_limit;        /* lowest usable byte, above the guard */
    vaddr_t emergency_top;      /* SP for reporting a stack overflow */
    void *guest_frame;          /* where a trap from the guest saves its
                                   registers: the current vCPU's frame */
    uint64_t mpidr;             /* MPIDR_EL1 affinity fields */
    int state;                  /* enum cpu_state, written with release */
    bool in_fatal;              /* reporting a fatal exception already */
    vaddr_t gicr_rd;            /* this CPU's redistributor RD_base */
    vaddr_t gicr_sgi;           /* ... and its SGI_base frame */
    unsigned long ipi_pings;    /* SGI_PING received (self-test) */
    unsigned long timer_irqs;   /* timer interrupts taken */
} __aligned(64);

extern struct arm_cpu cpu_data[CONFIG_NR_CPUS];
extern unsigned int nr_cpu_ids;     /* CPUs we know an MPIDR for */

static inline struct arm_cpu *this_arm_cpu(void)
{
    return (struct arm_cpu *)READ_SYSREG(tpidr_el2);
}

/* Stacks, in .bss (smp.c). */
extern uint8_t cpu_stacks[CONFIG_NR_CPUS][STACK_SIZE];
extern uint8_t emergency_stacks[CONFIG_NR_CPUS][EMERGENCY_STACK_SIZE];

/* Where head.S sends a CPU started by PSCI CPU_ON (x0 = its arm_cpu). */
extern char secondary_entry[];

/* Called by head.S on a secondary CPU: MMU on, own stack, vectors set. */
noreturn void arm64_secondary_start(struct arm_cpu *cpu);

/*
 * Parameters a secondary CPU loads with its MMU still off (so the boot CPU
 * cleans them to memory): the boot CPU's MMU configuration.
 */
struct mmu_boot_params {
    uint64_t mair;
    uint64_t tcr;
    uint64_t ttbr0;
    uint64_t sctlr;
};
extern struct mmu_boot_params mmu_boot_params;

#endif /* !__ASSEMBLY__ */

#endif /* ASM_ARM_CPU_H */
