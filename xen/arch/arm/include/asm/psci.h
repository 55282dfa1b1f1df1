/* PSCI (Arm Power State Coordination Interface) calls the hypervisor makes. */
#ifndef ASM_ARM_PSCI_H
#define ASM_ARM_PSCI_H

#include <xen/types.h>

/* PSCI 0.2+ function ids (SMC32 / SMC64 calling conventions). */
#define PSCI_0_2_FN_PSCI_VERSION  0x84000000U
#define PSCI_0_2_FN_SYSTEM_OFF    0x84000008U
#define PSCI_0_2_FN_SYSTEM_RESET  0x84000009U
#define PSCI_0_2_FN64_CPU_ON      0xc4000003U

/* Return codes. */
#define PSCI_SUCCESS              0
#define PSCI_NOT_SUPPORTED        (-1)
#define PSCI_INVALID_PARAMETERS   (-2)
#define PSCI_DENIED               (-3)
#define PSCI_ALREADY_ON           (-4)
#define PSCI_ON_PENDING           (-5)
#define PSCI_INTERNAL_FAILURE     (-6)
#define PSCI_NOT_PRESENT          (-7)
#define PSCI_DISABLED             (-8)
#define PSCI_INVALID_ADDRESS      (-9)

/* How PSCI calls reach the firmware, as the DT /psci "method" names it. */
enum psci_conduit {
    PSCI_CONDUIT_NONE = 0,
    PSCI_CONDUIT_SMC,
    PSCI_CONDUIT_HVC,
};

/* Pick the conduit; HVC is refused at EL2 (it would trap to ourselves). */
void psci_init(enum psci_conduit conduit, unsigned int el);

/* The conduit in use, as text for the boot log ("smc", "hvc", "none"). */
const char *psci_conduit_name(void);

/* PSCI_VERSION from firmware; false without a conduit or on error. */
bool psci_version(unsigned int *major, unsigned int *minor);

/* Ask firmware to power the machine off; returns only if it refuses. */
void psci_system_off(void);

/* ... to reset it. */
void psci_system_reset(void);

/*
 * Start the CPU with affinity @mpidr at physical address @entry (MMU off,
 * at our EL), with x0 = @context.  Returns a PSCI status code.
 */
int psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context);

/* Text for a PSCI status code. */
const char *psci_error_name(int err);

#endif /* ASM_ARM_PSCI_H */
