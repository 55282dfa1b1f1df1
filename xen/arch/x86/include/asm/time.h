/*
 * Time (time.c): system time from the TSC, one-shot timers from the
 * local APIC timer, both calibrated at boot against the HPET or the PIT.
 */
#ifndef ASM_X86_TIME_H
#define ASM_X86_TIME_H

#include <xen/types.h>

struct acpi_info;

/* Calibrate the TSC and the APIC timer (boot CPU, interrupts off). */
void x86_time_init(const struct acpi_info *acpi);

/* A secondary CPU's APIC timer, set up as on the boot CPU. */
void x86_timer_setup_cpu(void);

/* Busy-wait (needs x86_time_init(); before it, a rough spin). */
void udelay(unsigned long us);

/* Frequencies found by the calibration (0 before it). */
uint64_t x86_tsc_hz(void);
uint64_t x86_apic_timer_hz(void);

#endif /* ASM_X86_TIME_H */
