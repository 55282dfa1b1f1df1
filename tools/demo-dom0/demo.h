/*
 * demo-dom0: a tiny freestanding dom0 (AArch64 Image, or x86_64 PVH ELF)
 * that shows the hypervisor working (see README.md).  Shared between the
 * entry code and the C files; demo.c is the same on both architectures,
 * arm64.c and x86_64.c supply the demo_arch_* hooks.
 */
#ifndef DEMO_H
#define DEMO_H

#define DEMO_MAX_VCPUS      16          /* vCPUs we can give a stack to */
#define DEMO_STACK_SHIFT    14          /* 16 KiB per vCPU */
#define DEMO_STACK_SIZE     (1 << DEMO_STACK_SHIFT)

#ifndef __ASSEMBLY__

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>

#define DEMO_HIDDEN __attribute__((visibility("hidden")))
#define DEMO_NORETURN __attribute__((noreturn))

/* Entry code (head.S, x86_64-head.S) */
long demo_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
                    unsigned long a2, unsigned long a3, unsigned long a4) DEMO_HIDDEN;

/* demo.c: the architecture-neutral flow */
DEMO_NORETURN void demo_run(unsigned long boot_arg) DEMO_HIDDEN;
DEMO_NORETURN void demo_secondary(unsigned int id) DEMO_HIDDEN;
DEMO_NORETURN void demo_shutdown(unsigned int reason) DEMO_HIDDEN;

/* What the boot information says (device tree, or PVH start info + ACPI). */
struct demo_boot {
    const char *bootargs;               /* never NULL */
    unsigned int nr_cpus;               /* vCPUs described; 0 if unknown */
    const char *cpus_from;              /* where: "in the device tree", ... */
    const char *error;                  /* why it was not usable, or NULL */
};

/* arm64.c / x86_64.c: the architecture's part */
void demo_arch_hello(void) DEMO_HIDDEN;                     /* first line */
void demo_arch_vcpu_hello(unsigned int id) DEMO_HIDDEN;     /* a secondary is up */
void demo_arch_boot_info(unsigned long boot_arg, struct demo_boot *b) DEMO_HIDDEN;
unsigned long demo_arch_ticks(void) DEMO_HIDDEN;            /* monotonic counter */
unsigned long demo_arch_tick_hz(void) DEMO_HIDDEN;          /* its frequency */
/* Start vCPU id at demo_secondary(id): 0, or <0 with *why saying why not
 * (*fatal false: the hypervisor does not offer it, not a failure). */
long demo_arch_start_vcpu(unsigned int id, const char **why, bool *fatal) DEMO_HIDDEN;
DEMO_NORETURN void demo_arch_vcpu_off(unsigned int id) DEMO_HIDDEN;
void demo_arch_events(void) DEMO_HIDDEN;                    /* event-channel demo, may be empty */
DEMO_NORETURN void demo_arch_halt(void) DEMO_HIDDEN;
void demo_arch_barrier(void) DEMO_HIDDEN;

/* lib.c: console, formatting, strings */
int demo_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) DEMO_HIDDEN;
int demo_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4))) DEMO_HIDDEN;
/* One console_io write per call: a line from one vCPU never mixes with another's. */
void demo_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2))) DEMO_HIDDEN;
size_t demo_strlen(const char *s) DEMO_HIDDEN;
int demo_strncmp(const char *a, const char *b, size_t n) DEMO_HIDDEN;
unsigned long demo_strtoul(const char *s, const char **end) DEMO_HIDDEN;
void *memset(void *d, int c, size_t n) DEMO_HIDDEN;
void *memcpy(void *d, const void *s, size_t n) DEMO_HIDDEN;

/* arm64: head.S, fdt.c */
unsigned long demo_smccc(unsigned long fid, unsigned long a1, unsigned long a2,
                         unsigned long a3) DEMO_HIDDEN;
extern char demo_secondary_entry[] DEMO_HIDDEN;
DEMO_NORETURN void demo_main(unsigned long dtb) DEMO_HIDDEN;
DEMO_NORETURN void demo_exception(unsigned long vector, unsigned long esr,
                                  unsigned long elr, unsigned long far) DEMO_HIDDEN;
struct demo_dt {
    const char *bootargs;               /* /chosen/bootargs, or "" */
    unsigned int nr_cpus;               /* /cpus/cpu@* nodes */
    const char *error;                  /* why the blob was not usable, or NULL */
};
void demo_fdt_scan(unsigned long dtb, struct demo_dt *dt) DEMO_HIDDEN;

#endif /* __ASSEMBLY__ */
#endif /* DEMO_H */
