/*
 * domain.c calls into the event-channel code (xen/include/xen/event.h);
 * host tests that do not link it (the scheduler, grant-table and physmap
 * tests; tests/unit/evtchn tests it, with domain.c) link these, which do
 * nothing, successfully, except as said below.
 */
#include <xen/event.h>

int evtchn_init(struct domain *d, unsigned int max_port)
{
    (void)d; (void)max_port;
    return 0;
}

void evtchn_destroy(struct domain *d) { (void)d; }
void evtchn_destroy_final(struct domain *d) { (void)d; }

int evtchn_vcpu_init(struct vcpu *v)
{
    (void)v;
    return 0;
}

void evtchn_vcpu_destroy(struct vcpu *v) { (void)v; }
/* As for a guest with VIRQ_TIMER bound and unmasked: the single-shot timer ends a block. */
void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq)
{
    if (virq == VIRQ_TIMER)
        vcpu_unblock(v);
}

void send_global_virq(uint32_t virq) { (void)virq; }
