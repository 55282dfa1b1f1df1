/*
 * printf-style formatting into a bounded buffer.
 *
 * Supports the C conversions the hypervisor needs: d i u x X o c s p %,
 * flags - 0 + space #, width and precision (numbers or *), and the length
 * modifiers hh h l ll z t j.  Unknown conversions are printed literally so
 * a bad format string is visible instead of consuming random arguments.
 * Like C's vsnprintf it returns the length the full output would have had.
 */
#include <xen/lib.h>
#include <stdint.h>

struct outbuf {
    char *buf;
    size_t size;
    size_t len;     /* characters produced so far, including dropped ones */
};

static void out_char(struct outbuf *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_repeat(struct outbuf *o, char c, int n)
{
    while (n-- > 0)
        out_char(o, c);
}

enum {
    FL_LEFT  = 1 << 0,
    FL_ZERO  = 1 << 1,
    FL_PLUS  = 1 << 2,
    FL_SPACE = 1 << 3,
    FL_ALT   = 1 << 4,
    FL_PTR   = 1 << 5,  /* %p: always "0x", even for NULL */
};

struct spec {
    unsigned int flags;
    int width;      /* -1: none */
    int precision;  /* -1: none */
};

static void out_string(struct outbuf *o, const char *s, const struct spec *sp)
{
    size_t len;
    int pad;

    if (!s)
        s = "(null)";
    len = sp->precision >= 0 ? strnlen(s, (size_t)sp->precision) : strlen(s);
    pad = sp->width > (int)len ? sp->width - (int)len : 0;
    if (!(sp->flags & FL_LEFT))
        out_repeat(o, ' ', pad);
    for (size_t i = 0; i < len; i++)
        out_char(o, s[i]);
    if (sp->flags & FL_LEFT)
        out_repeat(o, ' ', pad);
}

static void out_number(struct outbuf *o, unsigned long long v, bool negative,
                       unsigned int base, bool upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];   /* 64-bit octal needs 22 digits */
    int n = 0, zeros, pad;
    const char *prefix = "";
    int prefix_len;
    bool zero = v == 0;

    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }
    /* C: precision 0 with value 0 prints no digits; otherwise at least one. */
    if (n == 0 && sp->precision != 0)
        tmp[n++] = '0';

    if (negative)
        prefix = "-";
    else if (sp->flags & FL_PLUS)
        prefix = "+";
    else if (sp->flags & FL_SPACE)
        prefix = " ";
    if ((sp->flags & FL_PTR) || ((sp->flags & FL_ALT) && base == 16 && !zero))
        prefix = upper ? "0X" : "0x";
    /* '#o' guarantees a leading zero digit; zero padding can supply it. */
    if ((sp->flags & FL_ALT) && base == 8 && (n == 0 || tmp[n - 1] != '0') &&
        sp->precision <= n)
        prefix = "0";
    prefix_len = (int)strlen(prefix);

    zeros = sp->precision > n ? sp->precision - n : 0;
    pad = sp->width - prefix_len - zeros - n;
    if (pad < 0)
        pad = 0;
    /* The 0 flag pads with zeros only when no precision was given. */
    if ((sp->flags & FL_ZERO) && !(sp->flags & FL_LEFT) && sp->precision < 0) {
        zeros += pad;
        pad = 0;
    }

    if (!(sp->flags & FL_LEFT))
        out_repeat(o, ' ', pad);
    for (int i = 0; i < prefix_len; i++)
        out_char(o, prefix[i]);
    out_repeat(o, '0', zeros);
    while (n)
        out_char(o, tmp[--n]);
    if (sp->flags & FL_LEFT)
        out_repeat(o, ' ', pad);
}

static int parse_int(const char **fmt)
{
    int v = 0;

    while (**fmt >= '0' && **fmt <= '9') {
        if (v < 100000)     /* silly widths are clamped, never overflow */
            v = v * 10 + (**fmt - '0');
        (*fmt)++;
    }
    return v;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct outbuf o = { .buf = buf, .size = size, .len = 0 };

    while (*fmt) {
        const char *start = fmt;
        struct spec sp = { .flags = 0, .width = -1, .precision = -1 };
        int length = 0;     /* -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size/ptrdiff/intmax */
        unsigned long long uv;
        long long sv;

        if (*fmt != '%') {
            out_char(&o, *fmt++);
            continue;
        }
        fmt++;

        for (;; fmt++) {
            if (*fmt == '-')      sp.flags |= FL_LEFT;
            else if (*fmt == '0') sp.flags |= FL_ZERO;
            else if (*fmt == '+') sp.flags |= FL_PLUS;
            else if (*fmt == ' ') sp.flags |= FL_SPACE;
            else if (*fmt == '#') sp.flags |= FL_ALT;
            else break;
        }
        if (*fmt == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.flags |= FL_LEFT;
                sp.width = sp.width == INT32_MIN ? 0 : -sp.width;
            }
            fmt++;
        } else if (*fmt >= '0' && *fmt <= '9') {
            sp.width = parse_int(&fmt);
        }
        if (*fmt == '.') {
            fmt++;
            if (*fmt == '*') {
                sp.precision = va_arg(ap, int);
                if (sp.precision < 0)
                    sp.precision = -1;
                fmt++;
            } else {
                sp.precision = parse_int(&fmt);
            }
        }
        for (;; fmt++) {
            if (*fmt == 'h')      length = length == -1 ? -2 : -1;
            else if (*fmt == 'l') length = length == 1 ? 2 : 1;
            else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') length = 3;
            else break;
        }

        switch (*fmt) {
        case 'd':
        case 'i':
            switch (length) {
            case -2: sv = (signed char)va_arg(ap, int); break;
            case -1: sv = (short)va_arg(ap, int); break;
            case 0:  sv = va_arg(ap, int); break;
            case 1:  sv = va_arg(ap, long); break;
            case 2:  sv = va_arg(ap, long long); break;
            default: sv = va_arg(ap, intmax_t); break;
            }
            uv = sv < 0 ? 0ULL - (unsigned long long)sv : (unsigned long long)sv;
            out_number(&o, uv, sv < 0, 10, false, &sp);
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            switch (length) {
            case -2: uv = (unsigned char)va_arg(ap, unsigned int); break;
            case -1: uv = (unsigned short)va_arg(ap, unsigned int); break;
            case 0:  uv = va_arg(ap, unsigned int); break;
            case 1:  uv = va_arg(ap, unsigned long); break;
            case 2:  uv = va_arg(ap, unsigned long long); break;
            default: uv = va_arg(ap, uintmax_t); break;
            }
            sp.flags &= ~(unsigned int)(FL_PLUS | FL_SPACE);
            out_number(&o, uv, false, *fmt == 'o' ? 8 : *fmt == 'u' ? 10 : 16,
                       *fmt == 'X', &sp);
            break;
        case 'p':
            sp.flags |= FL_PTR;
            sp.flags &= ~(unsigned int)(FL_PLUS | FL_SPACE);
            out_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
            break;
        case 'c':
            sp.precision = -1;
            {
                char c[2] = { (char)va_arg(ap, int), '\0' };

                if (c[0] == '\0') {     /* a NUL char still counts as output */
                    int pad = sp.width > 1 ? sp.width - 1 : 0;

                    if (!(sp.flags & FL_LEFT))
                        out_repeat(&o, ' ', pad);
                    out_char(&o, '\0');
                    if (sp.flags & FL_LEFT)
                        out_repeat(&o, ' ', pad);
                } else {
                    out_string(&o, c, &sp);
                }
            }
            break;
        case 's':
            out_string(&o, va_arg(ap, const char *), &sp);
            break;
        case '%':
            out_char(&o, '%');
            break;
        default:
            /* Unknown or truncated conversion: echo it, consume nothing. */
            while (start < fmt)
                out_char(&o, *start++);
            if (*fmt)
                out_char(&o, *fmt);
            else
                continue;
            break;
        }
        fmt++;
    }

    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
