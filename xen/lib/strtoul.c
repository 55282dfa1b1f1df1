/*
 * Number parsing with C semantics: optional whitespace and sign, base 0
 * auto-detects 0x/0 prefixes, overflow saturates.  Input comes from command
 * lines and device trees, so nothing here may read past the terminator.
 */
#include <stdlib.h>
#include <limits.h>
#include <stdbool.h>

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* Parses the magnitude; *neg tells the sign, *overflow if it did not fit. */
static unsigned long long parse_magnitude(const char *s, char **end, int base,
                                          bool *neg, bool *overflow)
{
    const char *p = s, *digits;
    unsigned long long v = 0;

    *neg = false;
    *overflow = false;
    if (base < 0 || base == 1 || base > 36) {
        if (end)
            *end = (char *)s;
        return 0;
    }
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    digits = p;
    for (; digit_value(*p) < base; p++) {
        unsigned int d = (unsigned int)digit_value(*p);

        if (v > (ULLONG_MAX - d) / (unsigned int)base)
            *overflow = true;
        else
            v = v * (unsigned int)base + d;
    }
    if (end)
        *end = (char *)(p == digits ? s : p);
    return p == digits ? 0 : v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    bool neg, overflow;
    unsigned long long v = parse_magnitude(s, end, base, &neg, &overflow);

    if (overflow)
        return ULLONG_MAX;
    return neg ? -v : v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    bool neg, overflow;
    unsigned long long v = parse_magnitude(s, end, base, &neg, &overflow);

    if (overflow || v > ULONG_MAX)
        return ULONG_MAX;
    return neg ? -(unsigned long)v : (unsigned long)v;
}

long strtol(const char *s, char **end, int base)
{
    bool neg, overflow;
    unsigned long long v = parse_magnitude(s, end, base, &neg, &overflow);

    if (neg) {
        if (overflow || v > (unsigned long long)LONG_MAX + 1)
            return LONG_MIN;
        return (long)(0 - v);
    }
    if (overflow || v > LONG_MAX)
        return LONG_MAX;
    return (long)v;
}
