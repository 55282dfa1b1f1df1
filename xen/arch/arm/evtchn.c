/*
 * Event-channel upcalls on Arm: the PPI that dom0's device tree names in
 * its /hypervisor node (GUEST_EVTCHN_PPI, 31), raised through the virtual
 * GIC, and the guest's IRQ mask where Xen consults it.
 *
 * Delivery: when a vCPU's evtchn_upcall_pending goes from 0 to 1 the PPI
 * is made pending (vcpu_mark_events_pending()); the vGIC keeps it pending
 * while the guest has it masked and, if it is raised again while the
 * guest is still handling it (active), delivers it once more after the
 * guest's EOI.  A guest that clears the flag before scanning, as the ABI
 * says, therefore always takes a PPI after the last flag it has not seen.
 *
 * Re-delivery: the flag is level-like.  When a vCPU is about to wait
 * (SCHEDOP_block, WFI, SCHEDOP_poll) with the flag still set but the vGIC
 * has nothing it could take, the PPI is asserted again instead of letting
 * the vCPU sleep on an event it was told about (a flag copied by
 * VCPUOP_register_vcpu_info, or set while the PPI was being torn down).
 * EVTCHNOP_unmask re-raises through the port ABI.  None of this needs the
 * vGIC's internals: only asm/vgic.h.
 */
#include <xen/event.h>
#include <xen/sched.h>
#include <xen/errno.h>
#include <asm/domain.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>

void arch_evtchn_upcall(struct vcpu *v)
{
    vgic_inject_irq(v, GUEST_EVTCHN_PPI);
}

bool arch_vcpu_has_pending_events(struct vcpu *v)
{
    const struct vcpu_info *vi = read_atomic(&v->vcpu_info);

    if (vgic_vcpu_pending_irq(v))
        return true;
    if (!vi || !read_atomic(&vi->evtchn_upcall_pending))
        return false;
    /* Told about an event, nothing to take: assert the upcall again. */
    vgic_inject_irq(v, GUEST_EVTCHN_PPI);
    return vgic_vcpu_pending_irq(v);
}

/* As Xen: nothing needs delivering while the guest masks IRQs (PSTATE.I, also AArch32's CPSR.I). */
bool arch_local_events_need_delivery(struct vcpu *v)
{
    if (!v->arch || (v->arch->regs.spsr & DAIF_I))
        return false;
    return arch_vcpu_has_pending_events(v);
}

/* SCHEDOP_block returns to the guest with IRQs unmasked, as on Xen. */
void arch_local_event_delivery_enable(struct vcpu *v)
{
    if (v->arch)
        v->arch->regs.spsr &= ~DAIF_I;
}

/* Xen on Arm has no physical-IRQ structures for guests: binding one fails so. */
int arch_evtchn_bind_pirq(struct domain *d, unsigned int pirq)
{
    (void)d;
    (void)pirq;
    return -ENOMEM;
}
