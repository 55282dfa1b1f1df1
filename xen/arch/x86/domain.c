/*
 * Domains and vCPUs on x86_64 (the domain hooks of xen/arch.h): creation
 * checks, per-domain and per-vCPU state, the context switch, kicks, and
 * what happens when domain 0 shuts down.
 *
 * Only HVM guests with hardware-assisted paging exist (AMD SVM + NPT).
 * What a guest vCPU keeps in the CPU while it is current: its FPU/SSE
 * registers (saved and loaded by arch_context_switch(); the hypervisor
 * never touches them).  Everything else is in its VMCB and arch_vcpu,
 * which svm.c loads around each VMRUN.
 */
#include <xen/arch.h>
#include <xen/atomic.h>
#include <xen/compat.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/version.h>
#include <xen/xmalloc.h>
#include <public/domctl.h>
#include <public/sched.h>
#include <asm/domain.h>
#include <asm/hvm.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <asm/traps.h>

#define HVM_MAX_VCPUS   128

/* The device sets Xen 4.17 accepts (its emulation_flags_ok()). */
#define EMU_DOM0        (XEN_X86_EMU_LAPIC | XEN_X86_EMU_IOAPIC | XEN_X86_EMU_VPCI)
#define EMU_HVM         (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI)
#define EMU_PVH         XEN_X86_EMU_LAPIC

/* ------------------------------------------------------------ domains */

int arch_sanitise_domain_config(struct xen_domctl_createdomain *config)
{
    uint32_t flags = config->flags;

    /* No PV support, and HVM needs SVM with nested paging (no shadow paging). */
    if (!(flags & XEN_DOMCTL_CDF_hvm) || !svm_usable())
        return -EINVAL;
    if (!(flags & XEN_DOMCTL_CDF_hap))
        return -EINVAL;
    if (flags & XEN_DOMCTL_CDF_nested_virt)
        return -EINVAL;
    if (config->max_vcpus > HVM_MAX_VCPUS)
        return -EINVAL;
    if (config->arch.misc_flags & ~XEN_X86_MSR_RELAXED)
        return -EINVAL;
    return 0;
}

static bool emulation_flags_ok(const struct domain *d, uint32_t emu)
{
    /* Domain 0 is the hardware domain (common code makes it so). */
    if (d->domain_id == 0)
        return emu == EMU_DOM0;
    return emu == EMU_HVM || emu == EMU_PVH;
}

int arch_domain_create(struct domain *d, const struct xen_domctl_createdomain *config)
{
    struct arch_domain *a;
    int rc;

    if (!config || !emulation_flags_ok(d, config->arch.emulation_flags))
        return -EOPNOTSUPP;
    a = xzalloc(struct arch_domain);
    if (!a)
        return -ENOMEM;
    d->arch = a;
    a->emulation_flags = config->arch.emulation_flags;
    a->misc_flags = config->arch.misc_flags;
    spin_lock_init(&a->debugcon_lock);
    rc = p2m_init(d);
    if (rc) {
        p2m_teardown(d);
        xfree(a);
        d->arch = NULL;
    }
    return rc;
}

void arch_domain_destroy(struct domain *d)
{
    if (!d->arch)
        return;
    p2m_teardown(d);
    xfree(d->arch);
    d->arch = NULL;
}

unsigned int x86_domain_memory_map(const struct domain *d, struct e820_entry *buf,
                                   unsigned int max)
{
    const struct arch_domain *a = d->arch;
    unsigned int n;

    if (!a)
        return 0;
    n = read_atomic(&a->nr_e820);
    for (unsigned int i = 0; i < n && i < max; i++)
        buf[i] = a->e820[i];
    return n;
}

/* ------------------------------------------------------------ vCPUs */

int arch_vcpu_create(struct vcpu *v)
{
    struct arch_vcpu *a;
    int rc;

    if (!v->domain->arch)
        return -EINVAL;
    a = xzalloc(struct arch_vcpu);
    if (!a)
        return -ENOMEM;
    a->vcpu = v;
    v->arch = a;
    /* Where compat hypercalls build native arguments (xen/compat.h). */
    a->xlat = alloc_xenheap_pages(1);
    if (!a->xlat) {
        xfree(a);
        v->arch = NULL;
        return -ENOMEM;
    }
    BUILD_BUG_ON(COMPAT_XLAT_SIZE != 2 * PAGE_SIZE);
    rc = svm_vcpu_init(v);
    if (rc) {
        free_xenheap_pages(a->xlat, 1);
        xfree(a);
        v->arch = NULL;
    }
    return rc;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    if (!v->arch)
        return;
    svm_vcpu_destroy(v);
    if (v->arch->xlat)
        free_xenheap_pages(v->arch->xlat, 1);
    xfree(v->arch);
    v->arch = NULL;
}

/* ------------------------------------------------------------ switching */

void x86_fpu_save(struct vcpu *v)
{
    asm volatile ("fxsave64 %0" : "=m" (v->arch->fpu));
}

void x86_fpu_load(struct vcpu *v)
{
    asm volatile ("fxrstor64 %0" : : "m" (v->arch->fpu));
}

void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
    if (prev != next) {
        if (x86_vcpu_is_guest(prev))
            x86_fpu_save(prev);
        if (x86_vcpu_is_guest(next))
            x86_fpu_load(next);
    }
    /* As Xen: a fresh time record each time the vCPU is scheduled in. */
    x86_update_vcpu_time(next);
    sched_context_saved(prev);
}

void arch_vcpu_kick(struct vcpu *v)
{
    unsigned int cpu = read_atomic(&v->processor);

    /*
     * Running elsewhere: the IPI stops the guest (#VMEXIT(INTR)) and the
     * VMRUN loop looks at what is pending before it enters again.  Here,
     * or not running: the next entry sees it anyway.
     */
    smp_mb();
    if (read_atomic(&v->is_running) && cpu != smp_processor_id())
        arch_send_softirq_ipi(cpu);
}

/* ------------------------------------------------------------ dom0 */

#define RESET_CONTROL_PORT  0xcf9       /* PCI reset control register */
#define KBC_STATUS_PORT     0x64
#define KBC_CMD_PULSE_RESET 0xfe
#define CRASH_RESET_DELAY_US 5000000UL

static const char *shutdown_name(unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff:   return "poweroff";
    case SHUTDOWN_reboot:     return "reboot";
    case SHUTDOWN_suspend:    return "suspend";
    case SHUTDOWN_crash:      return "crash";
    case SHUTDOWN_watchdog:   return "watchdog";
    case SHUTDOWN_soft_reset: return "soft_reset";
    default:                  return "unknown";
    }
}

/* "noreboot" (or noreboot=1/true/yes/on) on our command line. */
static bool opt_noreboot(void)
{
    static const char key[] = "noreboot";
    const char *p = hv_saved_cmdline();

    while (*p) {
        const char *tok;
        size_t len;

        while (*p == ' ')
            p++;
        tok = p;
        while (*p && *p != ' ')
            p++;
        len = (size_t)(p - tok);
        if (len < sizeof(key) - 1 || strncmp(tok, key, sizeof(key) - 1))
            continue;
        if (len == sizeof(key) - 1)
            return true;
        if (tok[sizeof(key) - 1] != '=')
            continue;
        tok += sizeof(key);
        len -= sizeof(key);
        return (len == 1 && tok[0] == '1') || (len == 4 && !strncmp(tok, "true", 4)) ||
               (len == 3 && !strncmp(tok, "yes", 3)) || (len == 2 && !strncmp(tok, "on", 2));
    }
    return false;
}

/* Reset the machine: PCI reset control, then the keyboard controller, then a triple fault. */
static noreturn void machine_reset(void)
{
    static const struct __packed { uint16_t limit; uint64_t base; } no_idt = { 0, 0 };

    outb(0x02, RESET_CONTROL_PORT);
    udelay(50);
    outb(0x06, RESET_CONTROL_PORT);
    udelay(100000);
    for (unsigned int i = 0; i < 100000 && (inb(KBC_STATUS_PORT) & 2); i++)
        udelay(10);
    outb(KBC_CMD_PULSE_RESET, KBC_STATUS_PORT);
    udelay(100000);
    asm volatile ("lidt %0; int3" : : "m" (no_idt));
    halt_forever();
}

/*
 * As Xen 4.17 on x86: power-off halts every CPU (turning a PC off needs
 * the _S5 object of the DSDT's AML, which we do not interpret); reboot,
 * watchdog and soft reset reset the machine at once; a crash or any other
 * reason resets it after 5 seconds, or halts it with "noreboot".
 */
noreturn void arch_hardware_domain_shutdown(unsigned int reason)
{
    local_irq_disable();
    x86_stop_other_cpus();
    switch (reason) {
    case SHUTDOWN_poweroff:
        printk("dom0 shut down: reason %u (poweroff): halting machine\n", reason);
        halt_forever();
    case SHUTDOWN_reboot:
    case SHUTDOWN_watchdog:
    case SHUTDOWN_soft_reset:
        printk("dom0 shut down: reason %u (%s): resetting the machine\n", reason,
               shutdown_name(reason));
        machine_reset();
    default:
        if (opt_noreboot()) {
            printk("dom0 shut down: reason %u (%s): noreboot given, halting machine\n",
                   reason, shutdown_name(reason));
            halt_forever();
        }
        printk("dom0 shut down: reason %u (%s): resetting the machine in 5 seconds\n",
               reason, shutdown_name(reason));
        udelay(CRASH_RESET_DELAY_US);
        machine_reset();
    }
}
