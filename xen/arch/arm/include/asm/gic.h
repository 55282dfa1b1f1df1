/*
 * GICv3 interrupt controller: distributor, one redistributor per CPU and
 * the system-register CPU interface, all interrupts in (non-secure)
 * group 1.  SGIs carry IPIs; PPIs the timer; SPIs come with devices.
 */
#ifndef ASM_ARM_GIC_H
#define ASM_ARM_GIC_H

#include <xen/types.h>

/* Interrupt numbers (INTIDs). */
#define GIC_NR_SGIS         16
#define GIC_FIRST_SPI       32
#define GIC_SPURIOUS_FIRST  1020        /* 1020..1023: no interrupt */
#define GIC_MAINTENANCE_PPI 25          /* virtual interface maintenance */

/* The SGIs we use.  Not ABI: only the hypervisor sends them. */
#define SGI_SOFTIRQ         0           /* look at pending softirqs */
#define SGI_PING            1           /* IPI self-test */
#define SGI_STOP            2           /* halt (another CPU panicked) */

#define GIC_MAX_RDIST_REGIONS 8

/* What the device tree says (bootfdt.c fills it). */
struct gic_dt_info {
    const char *node;               /* NULL: no usable GICv3 found */
    paddr_t dist_base, dist_size;
    unsigned int nr_rdist;
    paddr_t rdist_base[GIC_MAX_RDIST_REGIONS];
    paddr_t rdist_size[GIC_MAX_RDIST_REGIONS];
    uint64_t rdist_stride;          /* 0: from GICR_TYPER */
};

struct arm_cpu;

/* Boot CPU: map and set up the distributor.  Panics if unusable. */
void gic_init(const struct gic_dt_info *dt);

/*
 * Any CPU, for itself: find and wake its redistributor, set up SGIs and
 * PPIs (only those in @enable_ppis_sgis enabled) and the CPU interface.
 * Returns false (with a message) if this CPU has no redistributor.
 */
bool gic_cpu_init(struct arm_cpu *cpu, uint32_t enable_ppis_sgis);

/* Send SGI @sgi to CPU @cpu (may be this one). */
void gic_send_sgi(const struct arm_cpu *cpu, unsigned int sgi);

/* Acknowledge the highest-priority pending interrupt: its INTID. */
uint32_t gic_ack(void);

/* Priority drop and deactivation of an acknowledged interrupt. */
void gic_eoi(uint32_t intid);

/* Enable/disable one SGI/PPI on this CPU, or one SPI. */
void gic_set_enabled(unsigned int intid, bool enable);

#endif /* ASM_ARM_GIC_H */
