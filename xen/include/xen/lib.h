/* Small freestanding library (xen/lib/): strings, numbers, formatting. */
#ifndef XEN_LIB_H
#define XEN_LIB_H

#include <stdarg.h>
#include <string.h>
#include <stdlib.h>
#include <xen/types.h>
#include <xen/compiler.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
