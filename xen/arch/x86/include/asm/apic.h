/*
 * Local APIC (apic.c): xAPIC through MMIO or, when the firmware left it
 * enabled, x2APIC through MSRs.
 */
#ifndef ASM_X86_APIC_H
#define ASM_X86_APIC_H

#include <xen/types.h>

struct acpi_info;

/* Register offsets (xAPIC MMIO; x2APIC MSR = 0x800 + offset / 16). */
#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_LDR        0x0d0
#define APIC_DFR        0x0e0
#define APIC_SVR        0x0f0
#define  APIC_SVR_ENABLE    (1u << 8)
#define APIC_ESR        0x280
#define APIC_ICR        0x300
#define APIC_ICR2       0x310   /* xAPIC: destination in bits 31:24 */
#define APIC_LVT_TIMER  0x320
#define APIC_LVT_THERM  0x330
#define APIC_LVT_PERF   0x340
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERROR  0x370
#define APIC_TMICT      0x380   /* timer initial count */
#define APIC_TMCCT      0x390   /* timer current count */
#define APIC_TDCR       0x3e0   /* timer divide configuration */

#define APIC_LVT_MASKED     (1u << 16)
#define APIC_LVT_LEVEL      (1u << 15)
#define APIC_LVT_ACTIVE_LOW (1u << 13)

/* ICR fields. */
#define APIC_DM_FIXED       (0u << 8)
#define APIC_DM_NMI         (4u << 8)
#define APIC_DM_INIT        (5u << 8)
#define APIC_DM_STARTUP     (6u << 8)
#define APIC_ICR_BUSY       (1u << 12)
#define APIC_ICR_ASSERT     (1u << 14)
#define APIC_ICR_LEVEL      (1u << 15)
#define APIC_DEST_SELF      (1u << 18)
#define APIC_DEST_ALLBUT    (3u << 18)

#define APIC_TDCR_DIV16     0x3
#define APIC_TIMER_DIVISOR  16

/* Map and program the boot CPU's local APIC; false if there is none. */
bool lapic_init_bsp(const struct acpi_info *acpi);

/* Program this CPU's local APIC (every CPU, the boot CPU included). */
void lapic_setup_cpu(const struct acpi_info *acpi, uint32_t acpi_uid);

bool apic_ready(void);
bool apic_x2apic_mode(void);
uint32_t apic_read(unsigned int reg);
void apic_write(unsigned int reg, uint32_t v);

/* This CPU's APIC id. */
uint32_t apic_current_id(void);

void lapic_eoi(void);
void lapic_error_interrupt(void);

/*
 * Send an IPI: `icr` is the low ICR word (vector, delivery mode, level,
 * shorthand), dest the APIC id when no shorthand is used.  Returns false
 * if the APIC never reported the previous IPI as sent.
 */
bool apic_send_ipi(uint32_t dest, uint32_t icr);
void apic_send_nmi_allbutself(void);

/* Mask every input of every I/O APIC the MADT lists. */
void ioapic_mask_all(const struct acpi_info *acpi);
/*
 * Deliver ISA IRQ @isa_irq (through the MADT's source overrides) as
 * @vector, fixed, to the CPU with local APIC ID @apic_id.  False when no
 * I/O APIC has its GSI.
 */
bool ioapic_route_isa_irq(const struct acpi_info *acpi, unsigned int isa_irq,
                          unsigned int vector, uint32_t apic_id);

#endif /* ASM_X86_APIC_H */
