/* arm64 CPU bring-up helpers shared by setup.c, smp.c and the IRQ path. */
#ifndef ASM_ARM_SMP_H
#define ASM_ARM_SMP_H

#include <xen/types.h>

struct arm_boot_fdt;

/* Boot CPU, first thing in C: its struct arm_cpu (only at EL2). */
void smp_early_init(unsigned int el);

/* Number the CPUs the device tree lists (boot CPU = 0). */
void smp_prepare_cpus(const struct arm_boot_fdt *fdt);

/* Ask the other CPUs to stop (from arch_halt()). */
void smp_stop_others(void);

/* What the boot device tree said (setup.c). */
const struct arm_boot_fdt *arm64_boot_fdt(void);

#endif /* ASM_ARM_SMP_H */
