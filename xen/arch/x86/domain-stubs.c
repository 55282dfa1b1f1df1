/*
 * Placeholders for the domain hooks of xen/arch.h until x86_64 guests
 * exist: creating a domain fails, and there is never a dom0 kernel to
 * build, so the boot halts as before.  The switch/entry hooks can only be
 * reached with a guest vCPU, which cannot exist here.
 */
#include <xen/arch.h>
#include <xen/bug.h>
#include <xen/errno.h>
#include <xen/sched.h>

int arch_sanitise_domain_config(struct xen_domctl_createdomain *config)
{
    (void)config;
    return -EOPNOTSUPP;
}

int arch_domain_create(struct domain *d, const struct xen_domctl_createdomain *config)
{
    (void)d;
    (void)config;
    return -ENOSYS;
}

void arch_domain_destroy(struct domain *d)
{
    (void)d;
}

int arch_vcpu_create(struct vcpu *v)
{
    (void)v;
    return -ENOSYS;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    (void)v;
}

void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
    (void)prev;
    (void)next;
    BUG();
}

noreturn void arch_enter_guest(void)
{
    BUG();
}

void arch_vcpu_kick(struct vcpu *v)
{
    (void)v;
}

noreturn void arch_hardware_domain_shutdown(unsigned int reason)
{
    (void)reason;
    arch_halt();
}

int arch_build_hardware_domain(struct boot_info *bi)
{
    (void)bi;
    return -ENOENT;
}
