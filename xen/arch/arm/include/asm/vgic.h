/*
 * Virtual GICv3 and virtual timer: the contract between the guest trap
 * and entry/exit code (traps.c, domain.c) and the virtual interrupt
 * controller (vgic*.c, vtimer.c).
 *
 * The guest sees a GICv3: a distributor and one redistributor per vCPU,
 * emulated by trapping their MMIO frames (stage 2 leaves them unmapped),
 * and the CPU interface through the hardware's ICH_* virtual interface:
 * pending virtual interrupts are written into the list registers before
 * the guest is entered and read back after it exits.
 */
#ifndef ASM_ARM_VGIC_H
#define ASM_ARM_VGIC_H

#include <xen/types.h>

struct domain;
struct vcpu;

/*
 * Guest physical layout of dom0's virtual GIC (what its device tree says).
 * Other domains get the layout Xen's toolstack writes for them, from
 * public/arch-arm.h (GUEST_GICV3_*).
 */
#define DOM0_VGICD_BASE     0x08000000UL
#define DOM0_VGICD_SIZE     0x00010000UL
#define DOM0_VGICR_BASE     0x080a0000UL
#define VGIC_GICR_STRIDE    0x00020000UL      /* RD_base + SGI_base frames */

/* Interrupts the guest sees. */
#define GUEST_VTIMER_PPI    27                /* CNTV */
#define GUEST_EVTCHN_PPI    31                /* Xen's event-channel upcall */

int vgic_domain_init(struct domain *d, unsigned int nr_spis);
void vgic_domain_destroy(struct domain *d);
int vgic_vcpu_init(struct vcpu *v);
void vgic_vcpu_destroy(struct vcpu *v);

/* Make virtual interrupt `virq` pending for v (kicks v if needed). */
void vgic_inject_irq(struct vcpu *v, unsigned int virq);

/* Is there an interrupt v could take (for WFI and SCHEDOP_block wake-ups)? */
bool vgic_vcpu_pending_irq(struct vcpu *v);

/*
 * A stage-2 data abort at `gpa`: emulate it if it hits the virtual GIC.
 * Returns true when handled (*val read or written, `size` bytes, 1..8).
 */
bool vgic_mmio_access(struct vcpu *v, paddr_t gpa, bool is_write,
                      unsigned int size, uint64_t *val);

/* A trapped ICC_SGI1R_EL1 write (guest IPI); false if not handled. */
bool vgic_emulate_sgi1r(struct vcpu *v, uint64_t val);

/* Around guest execution, on the vCPU's pCPU with IRQs masked. */
void vgic_flush_lrs(struct vcpu *v);   /* before entry: pending -> LRs */
void vgic_sync_lrs(struct vcpu *v);    /* after exit: LRs -> state */

/* Context switch of the ICH_* state. */
void vgic_save_state(struct vcpu *v);
void vgic_restore_state(struct vcpu *v);

/* Virtual timer: CNTV_* of the guest are its own; when it fires while the
 * vCPU is not running (or the physical PPI 27 reaches EL2), inject PPI 27. */
int vtimer_vcpu_init(struct vcpu *v);
void vtimer_vcpu_destroy(struct vcpu *v);
void vtimer_save(struct vcpu *v);      /* on switch-out: arm a hypervisor timer for its deadline */
void vtimer_restore(struct vcpu *v);
void vtimer_interrupt(void);           /* the physical PPI 27 fired at EL2 */

/* ---- additions (vGIC) ---- */

/* The GIC maintenance interrupt (PPI 25 on QEMU virt) fired at EL2. */
void vgic_maintenance_interrupt(void);

#endif /* ASM_ARM_VGIC_H */
