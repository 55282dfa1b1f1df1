/*
 * The interface every architecture implements for common code.
 *
 * Common code includes only this header (never an architecture's asm/
 * internals); each arch provides the functions in xen/arch/<arch>/.
 * Host unit tests link a fake architecture implementing the same set.
 */
#ifndef XEN_ARCH_H
#define XEN_ARCH_H

#include <xen/compiler.h>
#include <xen/types.h>

struct boot_info;

/* ------------------------------------------------------------ CPU */

/* Stop this CPU for good: power the machine off where the platform can. */
noreturn void arch_halt(void);

/* Spin-wait hint for busy loops (e.g. "yield"/"pause"). */
void arch_cpu_relax(void);

/* Index of the CPU we run on, 0 .. CONFIG_NR_CPUS-1 (0 = boot CPU). */
unsigned int arch_smp_processor_id(void);

/* Wait for an interrupt (called by the idle loop with IRQs enabled). */
void arch_idle_wait(void);

/* ------------------------------------------------------------ IRQ mask */

/* Mask this CPU's interrupts and return the previous state. */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
void arch_irq_disable(void);
bool arch_irqs_enabled(void);

/* ------------------------------------------------------------ memory */

/*
 * Every RAM page the heap hands out is reachable through the direct map:
 * these convert between machine addresses and hypervisor virtual ones.
 */
void *arch_maddr_to_virt(paddr_t ma);
paddr_t arch_virt_to_maddr(const void *va);

/*
 * Called by start_xen_common() after the banner, just before the heap is
 * built: complete the heap fields of *bi (image_start/image_end,
 * dmap_start/dmap_end, rsv[]; see boot_info.h) if early setup did not.
 * On return arch_maddr_to_virt() must work for all RAM in the direct map.
 */
void arch_heap_prepare(struct boot_info *bi);

/* ------------------------------------------------------------ time */

/* System time: nanoseconds since boot, monotonic, same on every CPU. */
uint64_t arch_now_ns(void);

/*
 * Arm this CPU's one-shot timer to fire at system time `deadline_ns`
 * (0 disarms it).  When it fires, the arch calls timer_interrupt().
 */
void arch_timer_program(uint64_t deadline_ns);

/*
 * Refresh the current vCPU's vcpu_time_info (x86; the default does
 * nothing): after it moves its vcpu_info or sets a one-shot timer.
 */
struct vcpu;
void arch_vcpu_time_update(struct vcpu *v);

/* ------------------------------------------------------------ SMP */

/* Interrupt `cpu` so that it looks at its pending softirqs. */
void arch_send_softirq_ipi(unsigned int cpu);

/*
 * Late arch setup, called by start_xen_common() once the heap, xmalloc,
 * softirqs and timers work: interrupt controller, timer interrupt,
 * secondary CPUs (each calls start_secondary_common()).
 */
void arch_init_late(struct boot_info *bi);

/* ------------------------------------------------------------ domains */

struct domain;
struct vcpu;
struct xen_domctl_createdomain;

/*
 * Check the arch part of a createdomain request (config->arch, flags the
 * arch cannot honour) before anything is allocated: 0 or -EINVAL/-EOPNOTSUPP.
 */
int arch_sanitise_domain_config(struct xen_domctl_createdomain *config);

/* Allocate and set up d->arch (p2m, virtual interrupt controller, ...). */
int arch_domain_create(struct domain *d, const struct xen_domctl_createdomain *config);
/* Free everything arch_domain_create() made; called once all vCPUs are gone. */
void arch_domain_destroy(struct domain *d);

/* Allocate and reset v->arch (registers, system state, timers). */
int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);

/*
 * Switch this CPU from prev to next (either may be an idle vCPU): save
 * prev's state, load next's, then call sched_context_saved(prev).  Called
 * by schedule() with interrupts masked, `current` already set to next.
 * It does not return to next: the arch exit path enters whatever vCPU is
 * current when the interrupt/trap that led here unwinds.
 */
void arch_context_switch(struct vcpu *prev, struct vcpu *next);

/*
 * Leave the idle loop for a guest vCPU that schedule() made current:
 * enter it with its saved frame.  Never returns.
 */
noreturn void arch_enter_guest(void);

/* Make v notice new work soon (an event, a wake-up): IPI its pCPU if it runs. */
void arch_vcpu_kick(struct vcpu *v);

/*
 * The hardware domain (dom0) shut down with `reason` (SHUTDOWN_*): power
 * the machine off, or reset it for SHUTDOWN_reboot.  Never returns.
 */
noreturn void arch_hardware_domain_shutdown(unsigned int reason);

/*
 * Build domain 0 from the boot modules (kernel, optional ramdisk and its
 * command line) and leave it paused-free, ready for the scheduler.
 * -ENOENT when the loader gave no kernel (the hypervisor then halts),
 * another errno when the modules are unusable (reported, then halt).
 */
int arch_build_hardware_domain(struct boot_info *bi);

/* ------------------------------------------------------------ control (domctl, sysctl, multicall) */

struct vcpu_guest_context;
struct xen_domctl;
struct xen_domctl_getdomaininfo;
struct xen_sysctl_physinfo;
struct multicall_entry;

/*
 * XEN_DOMCTL_setvcpucontext: give v (of a paused domain, never the
 * caller's) the register state *ctxt, in the public vcpu_guest_context
 * layout of the arch, starting from the vCPU's power-on state; bring it
 * up or down as ctxt->flags (VGCF_online) says.  0, -EINVAL for a state
 * the guest may not have, -EOPNOTSUPP where the arch has no such context.
 */
int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *ctxt);

/* XEN_DOMCTL_getvcpucontext: fill *ctxt (zeroed by the caller) from paused v. */
int arch_get_vcpu_context(struct vcpu *v, struct vcpu_guest_context *ctxt);

/*
 * XEN_DOMCTL_setvcpucontext with a null context: put v back in its
 * power-on state (the caller then marks it down and uninitialised).
 */
void arch_reset_vcpu_context(struct vcpu *v);

/*
 * VCPUOP_initialise on x86 HVM: check *ctx as Xen does (-EINVAL) and load
 * it into v, which has not run since it was last reset; then mark v
 * initialised (still down).  Called with d->lock held.  Arches without it
 * get -ENOSYS.
 */
struct vcpu_hvm_context;
int arch_set_info_hvm_guest(struct vcpu *v, const struct vcpu_hvm_context *ctx);

/* The arch part of getdomaininfo: XEN_DOMINF_hap, gpaddr_bits, arch_config. */
void arch_get_domain_info(const struct domain *d, struct xen_domctl_getdomaininfo *info);

/*
 * Domctl commands common code does not know (d is never NULL here):
 * -ENOSYS for unknown ones.  Set *copyback when *op must go back to the
 * caller's buffer.
 */
long arch_do_domctl(struct xen_domctl *op, struct domain *d, bool *copyback);

/* XEN_SYSCTL_physinfo: cpu_khz, XEN_SYSCTL_PHYSCAP_* the arch offers, arch bits. */
void arch_do_physinfo(struct xen_sysctl_physinfo *pi);

/*
 * Multicall: run one entry for the current vCPU as if it had made that
 * hypercall itself (the handler table of its mode, the argument checks of
 * the trap path), leaving the vCPU's saved registers as they were.
 * Returns false with call->result set; true when the handler asked to be
 * continued: call->op and call->args[] then describe the call to re-run
 * (call->result is untouched).
 */
bool arch_multicall_call(struct multicall_entry *call);

#endif /* XEN_ARCH_H */
