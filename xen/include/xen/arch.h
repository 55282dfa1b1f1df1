/*
 * The interface every architecture implements for common code.
 *
 * Common code includes only this header (never an architecture's asm/
 * internals); each arch provides the functions in xen/arch/<arch>/.
 */
#ifndef XEN_ARCH_H
#define XEN_ARCH_H

#include <xen/compiler.h>

/* Stop this CPU for good: power the machine off where the platform can. */
noreturn void arch_halt(void);

/* Spin-wait hint for busy loops (e.g. "yield"/"pause"). */
void arch_cpu_relax(void);

#endif /* XEN_ARCH_H */
