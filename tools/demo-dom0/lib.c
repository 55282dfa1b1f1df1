/*
 * demo-dom0: the little C library it needs: a printf that writes whole
 * lines through the console_io hypercall, and a few string helpers.
 */
#include "demo.h"
#include <public/xen.h>

size_t demo_strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

int demo_strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

/* Decimal digits; *end is where they stopped. */
unsigned long demo_strtoul(const char *s, const char **end)
{
    unsigned long v = 0;

    while (*s >= '0' && *s <= '9')
        v = v * 10 + (unsigned long)(*s++ - '0');
    if (end)
        *end = s;
    return v;
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;

    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;

    while (n--)
        *p++ = *q++;
    return d;
}

/* ------------------------------------------------------------ formatting */

struct out {
    char *buf;
    size_t size, len;                   /* len counts what would have been written */
};

static void out_c(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_num(struct out *o, unsigned long long v, unsigned int base, bool neg,
                    unsigned int width, char pad)
{
    char tmp[24];
    unsigned int n = 0;

    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    while (width > n) {
        out_c(o, pad);
        width--;
    }
    while (n)
        out_c(o, tmp[--n]);
}

/*
 * %s %c %d %i %u %x %p %%, with the l/ll/z length modifiers, a field width
 * and the 0 flag.  Always NUL-terminates (when size > 0); returns the
 * length the whole output would have.
 */
int demo_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        unsigned int width = 0, lng = 0;
        unsigned long long u;
        long long s;
        char pad = ' ';

        if (*fmt != '%') {
            out_c(&o, *fmt);
            continue;
        }
        fmt++;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (unsigned int)(*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 'c':
            out_c(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            size_t n;

            if (!str)
                str = "(null)";
            n = demo_strlen(str);
            for (; width > n; width--)
                out_c(&o, ' ');
            while (*str)
                out_c(&o, *str++);
            break;
        }
        case 'd':
        case 'i':
            s = lng > 1 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
            out_num(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s, 10, s < 0,
                    width, pad);
            break;
        case 'u':
        case 'x':
            u = lng > 1 ? va_arg(ap, unsigned long long)
                : lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            out_num(&o, u, *fmt == 'x' ? 16 : 10, false, width, pad);
            break;
        case 'p':
            out_c(&o, '0');
            out_c(&o, 'x');
            out_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, width, pad);
            break;
        case '%':
            out_c(&o, '%');
            break;
        default:                        /* unknown: print it as it was */
            out_c(&o, '%');
            if (!*fmt)
                goto done;
            out_c(&o, *fmt);
            break;
        }
    }
 done:
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int demo_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = demo_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void demo_printf(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = demo_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(line) - 1)
        n = sizeof(line) - 1;
    demo_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, (unsigned long)n,
                   (unsigned long)line, 0, 0);
}
