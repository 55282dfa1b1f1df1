/* Hypervisor-internal <stdlib.h>: number parsing only (no allocation here). */
#ifndef HV_LIBC_STDLIB_H
#define HV_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);

#endif
