/* SPDX-License-Identifier: MIT */
/* console.c - line-buffered output through CONSOLEIO_write. */
#include "gt-xen.h"

static char line[256];
static size_t used;

void gt_puts_raw(const char *s, size_t len)
{
    /* The hypervisor reads the buffer; it lives in our (identity) memory. */
    while (len) {
        unsigned int chunk = len > 4096 ? 4096 : (unsigned int)len;

        if (HYPERVISOR_console_io(CONSOLEIO_write, chunk, (void *)s) < 0)
            return;
        s += chunk;
        len -= chunk;
    }
}

void gt_flush(void)
{
    if (used) {
        gt_puts_raw(line, used);
        used = 0;
    }
}

static void emit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        line[used++] = s[i];
        if (s[i] == '\n' || used == sizeof(line))
            gt_flush();
    }
}

void gt_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = gt_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    emit(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void gt_print_field(const char *label, const char *s, size_t max)
{
    char buf[200];
    size_t o = 0;

    for (size_t i = 0; i < max && s[i] && o + 5 < sizeof(buf); i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f && c != '\\') {
            buf[o++] = (char)c;
        } else {
            o += (size_t)gt_snprintf(buf + o, sizeof(buf) - o, "\\x%02x", c);
        }
    }
    buf[o] = '\0';
    gt_printf("  %s: \"%s\"%s\n", label, buf, strnlen(s, max) == max ? " (no NUL)" : "");
}
