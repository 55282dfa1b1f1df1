/*
 * Forced into every fuzz target's compilation (-include): what the
 * hypervisor's xen/lib has and glibc 2.36 lacks.  Same role as the shim
 * tests/boot/arm64-fdt-parse.t generates for its harness.
 */
#include <stddef.h>
size_t strlcpy(char *dst, const char *src, size_t size);
