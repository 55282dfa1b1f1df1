/*
 * demo-dom0, arm64 part: the generic timer as clock, the device tree for
 * the command line and the vCPU count, PSCI (hvc #0) to start and stop
 * vCPUs, and the report of an unexpected exception.
 */
#include "demo.h"
#include <public/xen.h>
#include <public/sched.h>

#define PSCI_CPU_OFF        0x84000002ul
#define PSCI_CPU_ON64       0xc4000003ul
#define PSCI_SUCCESS        0

#define READ_SYSREG(r) ({ unsigned long v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })

/* The MPIDR affinity of vCPU `id`, as the hypervisor numbers them. */
static unsigned long vcpu_mpidr(unsigned int id)
{
    return ((unsigned long)(id / 16) << 8) | (id % 16);
}

void demo_main(unsigned long dtb)
{
    demo_run(dtb);
}

/* With the MMU off all memory is Device memory: ordered, uncached; fence anyway. */
void demo_arch_barrier(void)
{
    __asm__ volatile("dmb sy" ::: "memory");
}

unsigned long demo_arch_ticks(void)
{
    __asm__ volatile("isb" ::: "memory");
    return READ_SYSREG(cntvct_el0);
}

unsigned long demo_arch_tick_hz(void)
{
    return READ_SYSREG(cntfrq_el0);
}

void demo_arch_hello(void)
{
    demo_printf("demo-dom0: hello from an arm64 dom0 (vCPU0 at EL%lu, MPIDR 0x%lx)\n",
                (READ_SYSREG(CurrentEL) >> 2) & 3, READ_SYSREG(mpidr_el1) & 0xffffff);
}

void demo_arch_vcpu_hello(unsigned int id)
{
    demo_printf("demo-dom0: vCPU%u: up (MPIDR 0x%lx)\n", id, READ_SYSREG(mpidr_el1) & 0xffffff);
}

void demo_arch_boot_info(unsigned long dtb, struct demo_boot *b)
{
    struct demo_dt dt;

    demo_fdt_scan(dtb, &dt);
    if (dt.error)
        demo_printf("demo-dom0: device tree at 0x%lx unusable (%s): one vCPU, defaults\n",
                    dtb, dt.error);
    b->bootargs = dt.bootargs;
    b->nr_cpus = dt.nr_cpus;
    b->cpus_from = "in the device tree";
    b->error = dt.error;
}

long demo_arch_start_vcpu(unsigned int id, const char **why, bool *fatal)
{
    unsigned long rc = demo_smccc(PSCI_CPU_ON64, vcpu_mpidr(id),
                                  (unsigned long)demo_secondary_entry, id);

    *why = "PSCI CPU_ON";
    *fatal = true;
    return rc == PSCI_SUCCESS ? 0 : (long)rc;
}

void demo_arch_vcpu_off(unsigned int id)
{
    demo_smccc(PSCI_CPU_OFF, 0, 0, 0);
    demo_printf("demo-dom0: FAIL: vCPU%u: PSCI CPU_OFF returned\n", id);
    demo_arch_halt();
}

/* The arm64 demo shows no event channels (the conformance suite does). */
void demo_arch_events(void)
{
}

void demo_arch_halt(void)
{
    for (;;)
        __asm__ volatile("wfi");
}

void demo_exception(unsigned long vector, unsigned long esr, unsigned long elr,
                    unsigned long far)
{
    demo_printf("demo-dom0: FAIL: unexpected exception (vector %lu, ESR 0x%lx, ELR 0x%lx, "
                "FAR 0x%lx) on MPIDR 0x%lx\n", vector, esr, elr, far,
                READ_SYSREG(mpidr_el1) & 0xffffff);
    demo_shutdown(SHUTDOWN_crash);
}
