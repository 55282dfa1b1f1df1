/*
 * The few hypervisor services the parsers call, for the fuzz targets:
 * printk (silent unless FUZZ_VERBOSE is set: formatting every message is
 * part of what gets fuzzed, printing it is not) and strlcpy.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
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

/*
 * libfdt is Debian's binary, not built with ASan: its reads past a heap
 * block land in ASan's redzone unnoticed.  So the device tree targets also
 * run each input from here: the copy ends (8-byte aligned, as libfdt
 * requires) right before an inaccessible page, and the pages in front of
 * the one it starts in are inaccessible too; a stray read outside faults
 * whoever makes it.  One mapping serves every run: mprotect() only when
 * the number of pages changes (mapping per run is ten times slower).
 */
#define GUARD_MAX   (1u << 20)

const void *fuzz_guarded_copy(const void *data, size_t size)
{
    static uint8_t *map;
    static size_t page, pages, open_from;
    size_t padded = (size + 7) & ~(size_t)7, first;
    uint8_t *blob;

    if (!map) {
        page = (size_t)sysconf(_SC_PAGESIZE);
        pages = GUARD_MAX / page;
        /* pages usable ones, then the guard page after them. */
        map = mmap(NULL, (pages + 1) * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED)
            abort();
        open_from = pages;
    }
    if (padded > pages * page)
        abort();
    blob = map + pages * page - padded;
    first = (size_t)(blob - map) / page;
    if (first != open_from) {
        if (first < open_from && mprotect(map + first * page, (open_from - first) * page,
                                          PROT_READ | PROT_WRITE))
            abort();
        if (first > open_from && mprotect(map + open_from * page, (first - open_from) * page,
                                          PROT_NONE))
            abort();
        open_from = first;
    }
    memset(map + first * page, 0, (size_t)(blob - (map + first * page)));
    memcpy(blob, data, size);
    memset(blob + size, 0, padded - size);
    return blob;
}
