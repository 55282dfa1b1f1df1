/*
 * Running HVM/PVH guests on x86_64: the interfaces between svm.c (the
 * VMCB and the VMRUN loop), hvm.c (what a guest exit means: hypercalls,
 * MSRs, port I/O), cpuid.c, p2m.c (nested paging), guestcopy.c and
 * domain.c (the arch_* hooks of xen/arch.h).
 */
#ifndef ASM_X86_HVM_H
#define ASM_X86_HVM_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/svm.h>

struct domain;
struct vcpu;
struct cpuid_regs;

/* ------------------------------------------------------------ svm.c */

/* SVM with nested paging works on this machine (boot CPU checked). */
bool svm_usable(void);

/* Turn SVM on for the calling CPU (EFER.SVME, host save area). */
void svm_cpu_init(void);

/* The VMCB of a new vCPU (intercepts, ASID bookkeeping); 0 or -ENOMEM. */
int svm_vcpu_init(struct vcpu *v);
void svm_vcpu_destroy(struct vcpu *v);

/*
 * Put v in the PVH boot state: 32-bit protected mode, paging off, flat
 * 4 GiB segments, eip = entry, ebx = ebx, everything else at reset.
 */
void svm_vcpu_reset_pvh(struct vcpu *v, uint32_t entry, uint32_t ebx);

/* Have the next VMRUN deliver an exception (error code when has_ec). */
void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_ec,
                          uint32_t ec);

/* The VMRUN loop: runs whatever vCPU is current, forever (fresh stack). */
noreturn void svm_run_loop(void);

/* Move this CPU's stack pointer to the top of its stack and call fn. */
noreturn void x86_reset_stack_and_call(void (*fn)(void));

/* svm-entry.S: one VMRUN of the guest whose VMCB is at vmcb_pa. */
void svm_vmrun(struct svm_gprs *regs, paddr_t vmcb_pa, paddr_t host_area_pa);

/* ------------------------------------------------------------ hvm.c */

/* Guest execution mode, as Xen numbers it: 0 real, 1 vm86, 2/4 16/32-bit, 8 64-bit. */
unsigned int hvm_guest_mode(const struct vcpu *v);

void hvm_hypercall(struct vcpu *v);
/* RDMSR / WRMSR: 0 done, -1 inject #GP. */
int hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
/* IN/OUT: false if the access cannot be handled (the domain is crashed). */
bool hvm_portio(struct vcpu *v, uint64_t exitinfo1);

/*
 * A load or store to guest-physical memory nothing backs: complete the
 * instruction at RIP as Xen does without a device model (loads read all
 * ones, stores vanish).  false when it is not a move we decode (emulate.c).
 */
bool hvm_emulate_null_mmio(struct vcpu *v, bool *is_write);

/* Fill a hypercall page (what the guest's write to MSR 0x40000000 asks for). */
void hvm_init_hypercall_page(void *page);

/* The event-channel upcall vector of v, or 0 when none is configured. */
unsigned int hvm_upcall_vector(const struct vcpu *v);

/*
 * Something is wrong with v's domain (not with the hypervisor): report it
 * with the vCPU's state and shut the domain down with SHUTDOWN_crash.
 */
void hvm_crash_domain(struct vcpu *v, const char *fmt, ...) __printf(2, 3);

/* ------------------------------------------------------------ cpuid.c */

void hvm_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t subleaf,
               struct cpuid_regs *res);

/* ------------------------------------------------------------ p2m.c */

/* Machine address of d's nested page table root (the VMCB's nCR3). */
paddr_t p2m_root(const struct domain *d);

/* ------------------------------------------------------------ guestcopy.c */

/*
 * Translate a linear address of v (which must be current or not running)
 * through its page tables: the guest-physical address, or false when a
 * table entry is missing or forbids the access.
 */
bool hvm_linear_to_gpa(struct vcpu *v, uint64_t va, bool write, uint64_t *gpa);

/* ------------------------------------------------------------ domain.c */

/*
 * d's memory map (what XENMEM_memory_map returns): up to `max` entries of
 * struct e820_entry (20 bytes each) into buf; returns how many d has in
 * all, 0 when its builder gave it none.
 */
unsigned int x86_domain_memory_map(const struct domain *d, struct e820_entry *buf,
                                   unsigned int max);

/* Is v a guest vCPU (not idle, has arch state)? */
static inline bool x86_vcpu_is_guest(const struct vcpu *v)
{
    return v && v->arch && !is_idle_vcpu(v);
}

/* Save / load the FPU-SSE registers of a guest vCPU. */
void x86_fpu_save(struct vcpu *v);
void x86_fpu_load(struct vcpu *v);

/* A handler asks to be re-run with these arguments ('i', 'l', 'h'). */
unsigned long hypercall_create_continuation(unsigned int op, const char *format, ...);

#endif /* ASM_X86_HVM_H */
