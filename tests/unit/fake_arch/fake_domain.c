/*
 * The domain hooks of xen/arch.h for host tests (see fake_arch.h): arch
 * state is a small allocation, failures are injected through variables,
 * a context switch only checks its contract and reports prev saved.
 */
#include <stdio.h>
#include <stdlib.h>

#include <xen/arch.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>
#include "fake_arch.h"

struct arch_domain {
    void *page;                     /* a heap page, so leaks show */
    domid_t id;
};

struct arch_vcpu {
    unsigned int id;
    unsigned long regs[8];
};

int fake_sanitise_rc;
int fake_domain_create_rc;
int fake_vcpu_create_fail_id = -1;
int fake_build_hwdom_rc = -ENOENT;
long fake_arch_domains, fake_arch_vcpus;
unsigned long fake_switches[CONFIG_NR_CPUS];
unsigned long fake_switch_violations;
unsigned long fake_kicks;
unsigned long fake_hwdom_shutdowns;
unsigned int fake_hwdom_shutdown_reason;
__thread jmp_buf *fake_shutdown_jmp;

void fake_domain_reset(void)
{
    fake_sanitise_rc = 0;
    fake_domain_create_rc = 0;
    fake_vcpu_create_fail_id = -1;
    fake_build_hwdom_rc = -ENOENT;
    fake_arch_domains = fake_arch_vcpus = 0;
    for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
        fake_switches[i] = 0;
    fake_switch_violations = 0;
    fake_kicks = 0;
    fake_hwdom_shutdowns = 0;
    fake_hwdom_shutdown_reason = ~0U;
}

int arch_sanitise_domain_config(struct xen_domctl_createdomain *config)
{
    (void)config;
    return fake_sanitise_rc;
}

int arch_domain_create(struct domain *d, const struct xen_domctl_createdomain *config)
{
    struct arch_domain *a;

    (void)config;
    if (fake_domain_create_rc)
        return fake_domain_create_rc;
    a = xzalloc(struct arch_domain);
    if (!a)
        return -ENOMEM;
    a->page = alloc_xenheap_page();
    if (!a->page) {
        xfree(a);
        return -ENOMEM;
    }
    a->id = d->domain_id;
    d->arch = a;
    fake_arch_domains++;
    return 0;
}

void arch_domain_destroy(struct domain *d)
{
    if (!d->arch)
        return;
    free_xenheap_page(d->arch->page);
    xfree(d->arch);
    d->arch = NULL;
    fake_arch_domains--;
}

int arch_vcpu_create(struct vcpu *v)
{
    if ((int)v->vcpu_id == fake_vcpu_create_fail_id)
        return -ENOMEM;
    v->arch = xzalloc(struct arch_vcpu);
    if (!v->arch)
        return -ENOMEM;
    v->arch->id = v->vcpu_id;
    fake_arch_vcpus++;
    return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    xfree(v->arch);
    v->arch = NULL;
    fake_arch_vcpus--;
}

void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
    unsigned int cpu = arch_smp_processor_id();

    /* Interrupts masked, next already current, prev still marked running. */
    if (arch_irqs_enabled() || current != next || prev == next ||
        !prev->is_running || !next->is_running || next->processor != cpu)
        fake_switch_violations++;
    fake_switches[cpu]++;
    sched_context_saved(prev);
}

noreturn void arch_enter_guest(void)
{
    fprintf(stderr, "arch_enter_guest() called in a host test\n");
    abort();
}

void arch_vcpu_kick(struct vcpu *v)
{
    (void)v;
    fake_kicks++;
}

noreturn void arch_hardware_domain_shutdown(unsigned int reason)
{
    fake_hwdom_shutdowns++;
    fake_hwdom_shutdown_reason = reason;
    if (fake_shutdown_jmp)
        longjmp(*fake_shutdown_jmp, 1);
    fprintf(stderr, "arch_hardware_domain_shutdown(%u) with nowhere to go\n", reason);
    abort();
}

int arch_build_hardware_domain(struct boot_info *bi)
{
    (void)bi;
    return fake_build_hwdom_rc;
}
