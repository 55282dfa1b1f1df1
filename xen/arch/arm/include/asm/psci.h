/* PSCI (Arm Power State Coordination Interface) calls the boot CPU makes. */
#ifndef ASM_ARM_PSCI_H
#define ASM_ARM_PSCI_H

#include <xen/types.h>

/* PSCI 0.2+ function ids (SMC32 calling convention). */
#define PSCI_0_2_FN_PSCI_VERSION  0x84000000U
#define PSCI_0_2_FN_SYSTEM_OFF    0x84000008U

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

#endif /* ASM_ARM_PSCI_H */
