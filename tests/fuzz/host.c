/*
 * The few hypervisor services the parsers call, for the fuzz targets:
 * printk (silent unless FUZZ_VERBOSE is set: formatting every message is
 * part of what gets fuzzed, printing it is not) and strlcpy.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

static int verbose = -1;

int vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (verbose < 0)
        verbose = getenv("FUZZ_VERBOSE") != NULL;
    if (verbose)
        fputs(buf, stderr);
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, what);
    abort();
}

void *fuzz_exact_copy(const void *data, size_t size)
{
    void *p = malloc(size ? size : 1);

    if (!p)
        abort();
    memcpy(p, data, size);
    return p;
}

bool fuzz_cstr_within(const char *s, const void *base, size_t size)
{
    const char *b = base;

    if (s < b || s >= b + size)
        return false;
    return memchr(s, '\0', (size_t)(b + size - s)) != NULL;
}
