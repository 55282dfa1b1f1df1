/*
 * demo-dom0: a tiny freestanding AArch64 dom0 that shows the hypervisor
 * working (see README.md).  Shared between head.S and the C files.
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

/* head.S */
long demo_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
                    unsigned long a2, unsigned long a3, unsigned long a4) DEMO_HIDDEN;
unsigned long demo_smccc(unsigned long fid, unsigned long a1, unsigned long a2,
                         unsigned long a3) DEMO_HIDDEN;
extern char demo_secondary_entry[] DEMO_HIDDEN;

/* demo.c: C entry points called from head.S */
DEMO_NORETURN void demo_main(unsigned long dtb) DEMO_HIDDEN;
DEMO_NORETURN void demo_secondary(unsigned long id) DEMO_HIDDEN;
DEMO_NORETURN void demo_exception(unsigned long vector, unsigned long esr,
                                  unsigned long elr, unsigned long far) DEMO_HIDDEN;

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

/* fdt.c: what we need from our device tree */
struct demo_dt {
    const char *bootargs;               /* /chosen/bootargs, or "" */
    unsigned int nr_cpus;               /* /cpus/cpu@* nodes */
    const char *error;                  /* why the blob was not usable, or NULL */
};
void demo_fdt_scan(unsigned long dtb, struct demo_dt *dt) DEMO_HIDDEN;

#endif /* __ASSEMBLY__ */
#endif /* DEMO_H */
