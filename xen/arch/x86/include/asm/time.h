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

/* Xen's TSC-to-ns scale for guests: ns = ((tsc << shift) * mul) >> 32. */
void x86_tsc_scale(uint32_t *mul, int8_t *shift);

/*
 * Stamp v's vcpu_time_info with the current TSC (as v sees it) and system
 * time.  On the CPU about to run v, or by v itself.
 */
struct vcpu;
void x86_update_vcpu_time(struct vcpu *v);

#endif /* ASM_X86_TIME_H */
