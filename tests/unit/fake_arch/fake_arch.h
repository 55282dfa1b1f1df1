/*
 * A fake architecture for host unit tests of common code: implements
 * xen/arch.h (and printk/panic) on top of the host.
 *
 *   memory  a page-aligned malloc'd arena posing as machine memory at a
 *           chosen fake machine address, so virtual and machine addresses
 *           differ as on real hardware;
 *   CPUs    the current CPU is per host thread (fake_set_cpu()), so tests
 *           can play several CPUs from one thread or run real threads;
 *   IRQs    a per-CPU enabled flag;
 *   time    a clock that moves only when the test says so;
 *   panic   longjmp()s back into FAKE_EXPECT_PANIC(), else aborts.
 */
#ifndef FAKE_ARCH_H
#define FAKE_ARCH_H

#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#ifndef CONFIG_NR_CPUS
#error "build with -DCONFIG_NR_CPUS=..."
#endif

/* Machine memory [base, base + size) backed by a fresh arena (zeroed). */
void fake_mem_init(uint64_t base, size_t size);
void fake_mem_release(void);
void *fake_mem_arena(void);
uint64_t fake_mem_base(void);
size_t fake_mem_size(void);

void fake_set_cpu(unsigned int cpu);        /* for the calling thread */
unsigned int fake_get_cpu(void);
bool fake_irqs_enabled(unsigned int cpu);
void fake_set_irqs(unsigned int cpu, bool enabled);

/* The clock, and what each CPU's timer was last programmed to (0 = off). */
void fake_clock_set(uint64_t ns);
void fake_clock_advance(uint64_t ns);
uint64_t fake_clock(void);
uint64_t fake_timer_deadline(unsigned int cpu);
unsigned long fake_timer_programs(unsigned int cpu);

/*
 * Called by arch_cpu_relax() (spin-waits) instead of yielding the thread
 * when set: a single-threaded test uses it to run the other fake CPUs
 * while one of them waits for them.
 */
extern void (*fake_relax_hook)(void);

/* Softirq IPIs sent to each CPU. */
unsigned long fake_ipis(unsigned int cpu);

/* Reset CPUs, IRQ flags, clock, timers and IPI counts. */
void fake_reset(void);

/* printk lines seen (all, and those starting with `prefix`); quiet mode. */
unsigned long fake_printk_count(const char *prefix);
void fake_printk_quiet(bool quiet);

/*
 * Domain hooks of xen/arch.h (fake_domain.c, for tests that link the
 * domain and scheduler code; build with -D__XEN__).  Each arch_*_create
 * allocates a little memory so that leaks show in page counts.
 */
struct vcpu;
extern int fake_sanitise_rc;                /* arch_sanitise_domain_config() result */
extern int fake_domain_create_rc;           /* arch_domain_create(): fail with it if != 0 */
extern int fake_vcpu_create_fail_id;        /* arch_vcpu_create() fails for this vCPU id (-1: none) */
extern int fake_build_hwdom_rc;             /* arch_build_hardware_domain() result */
extern long fake_arch_domains, fake_arch_vcpus;   /* live arch objects */
extern unsigned long fake_switches[CONFIG_NR_CPUS]; /* arch_context_switch() calls */
extern unsigned long fake_switch_violations;  /* contract breaches seen by arch_context_switch() */
extern unsigned long fake_kicks;
extern unsigned long fake_hwdom_shutdowns;
extern unsigned int fake_hwdom_shutdown_reason;
/* arch_hardware_domain_shutdown() longjmp()s here (else it aborts). */
extern __thread jmp_buf *fake_shutdown_jmp;
void fake_domain_reset(void);

/*
 * The last hypercall_create_continuation(): how many so far, the hypercall
 * and up to 5 arguments.  fake_arch.c's recorder is weak: a test that needs
 * more (a side effect, another record) defines its own.
 */
struct fake_continuation {
    unsigned long count;
    unsigned int op;
    unsigned int nargs;
    uint64_t args[5];
};
extern struct fake_continuation fake_cont;

/* Panic capture. */
extern __thread jmp_buf *fake_panic_jmp;
extern __thread char fake_panic_msg[256];
extern unsigned long fake_panics;

/* Evaluates to true if `stmt` panicked. */
#define FAKE_EXPECT_PANIC(stmt) ({                                   \
    jmp_buf jb__;                                                    \
    bool panicked__ = false;                                         \
    jmp_buf *saved__ = fake_panic_jmp;                               \
    if (setjmp(jb__) == 0) {                                         \
        fake_panic_jmp = &jb__;                                      \
        stmt;                                                        \
    } else {                                                         \
        panicked__ = true;                                           \
    }                                                                \
    fake_panic_jmp = saved__;                                        \
    panicked__; })

#endif /* FAKE_ARCH_H */
