/*
 * Host unit tests for xen/lib/: each function is checked against the host C
 * library (the reference for C semantics) over edge cases and many
 * pseudo-random inputs.  Built with ASan and UBSan, so out-of-bounds reads
 * (e.g. past a terminator) fail the test too.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

void *test_memcpy(void *, const void *, size_t);
void *test_memmove(void *, const void *, size_t);
void *test_memset(void *, int, size_t);
int test_memcmp(const void *, const void *, size_t);
void *test_memchr(const void *, int, size_t);
size_t test_strlen(const char *);
size_t test_strnlen(const char *, size_t);
int test_strcmp(const char *, const char *);
int test_strncmp(const char *, const char *, size_t);
char *test_strchr(const char *, int);
char *test_strrchr(const char *, int);
size_t test_strlcpy(char *, const char *, size_t);
size_t test_strlcat(char *, const char *, size_t);
unsigned long test_strtoul(const char *, char **, int);
unsigned long long test_strtoull(const char *, char **, int);
long test_strtol(const char *, char **, int);
int test_vsnprintf(char *, size_t, const char *, va_list);
int test_snprintf(char *, size_t, const char *, ...);

#include "../check.h"

static int sign(int x) { return (x > 0) - (x < 0); }

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void test_mem(void)
{
    unsigned char a[96], b[96], ref[96];

    for (int iter = 0; iter < 5000; iter++) {
        size_t off1 = rnd() % 32, off2 = rnd() % 32, n = rnd() % 64;

        for (size_t i = 0; i < sizeof(a); i++)
            a[i] = ref[i] = (unsigned char)rnd();
        /* memmove within one buffer, both directions and overlaps. */
        memmove(ref + off1, ref + off2, n);
        test_memmove(a + off1, a + off2, n);
        CHECK(memcmp(a, ref, sizeof(a)) == 0, "memmove off %zu<-%zu n %zu", off1, off2, n);

        test_memcpy(b, a + off2, n);
        CHECK(memcmp(b, a + off2, n) == 0, "memcpy n %zu", n);
        CHECK(test_memcpy(b, a, 0) == b, "memcpy returns dst");

        test_memset(a + off1, (int)(rnd() | 0x100), n);   /* only low byte used */
        for (size_t i = 0; i < n; i++)
            CHECK(a[off1 + i] == a[off1], "memset byte %zu", i);

        memcpy(b, a, sizeof(a));
        if (n)
            b[off1 + rnd() % n] ^= (unsigned char)(1 + rnd() % 255);
        CHECK(sign(test_memcmp(a + off1, b + off1, n)) == sign(memcmp(a + off1, b + off1, n)),
              "memcmp n %zu", n);

        int c = (int)(rnd() % 256);
        CHECK(test_memchr(a + off1, c, n) == memchr(a + off1, c, n), "memchr c %d n %zu", c, n);
    }
    /* Page-sized copies and fills at every alignment pair (the word paths). */
    {
        static unsigned char big[2][3 * 4096], want[3 * 4096];

        for (int iter = 0; iter < 200; iter++) {
            size_t o1 = rnd() % 64, o2 = rnd() % 64, n = 4096 + rnd() % 64;

            for (size_t i = 0; i < sizeof(want); i++)
                big[0][i] = want[i] = (unsigned char)rnd();
            memmove(want + o1, want + o2, n);
            test_memmove(big[0] + o1, big[0] + o2, n);
            CHECK(memcmp(big[0], want, sizeof(want)) == 0, "big memmove %zu<-%zu n %zu", o1, o2, n);
            test_memmove(big[0] + o1 + 64, big[0] + o1, n);   /* overlapping, backwards */
            memmove(want + o1 + 64, want + o1, n);
            CHECK(memcmp(big[0], want, sizeof(want)) == 0, "big memmove back n %zu", n);
            test_memcpy(big[1] + o2, big[0] + o1, n);
            CHECK(memcmp(big[1] + o2, big[0] + o1, n) == 0, "big memcpy n %zu", n);
            memset(want, 0x5a, sizeof(want));
            memset(want + o1, 0xa5, n);
            memset(big[0], 0x5a, sizeof(want));
            test_memset(big[0] + o1, 0xa5, n);
            CHECK(memcmp(big[0], want, sizeof(want)) == 0, "big memset n %zu", n);
        }
    }
    /* memcmp compares as unsigned char. */
    CHECK(test_memcmp("\x80", "\x01", 1) > 0, "memcmp unsigned");
}

static void random_string(char *s, size_t max)
{
    size_t n = rnd() % max;

    for (size_t i = 0; i < n; i++)
        s[i] = (char)("ab\x80z"[rnd() % 4]);
    s[n] = '\0';
}

static void test_str(void)
{
    char a[40], b[40];

    for (int iter = 0; iter < 5000; iter++) {
        random_string(a, 8);
        random_string(b, 8);
        int c = "ab\x80z"[rnd() % 4];
        size_t n = rnd() % 10;

        CHECK(test_strlen(a) == strlen(a), "strlen");
        CHECK(test_strnlen(a, n) == strnlen(a, n), "strnlen %zu", n);
        CHECK(sign(test_strcmp(a, b)) == sign(strcmp(a, b)), "strcmp '%s' '%s'", a, b);
        CHECK(sign(test_strncmp(a, b, n)) == sign(strncmp(a, b, n)), "strncmp %zu", n);
        CHECK(test_strchr(a, c) == strchr(a, c), "strchr");
        CHECK(test_strrchr(a, c) == strrchr(a, c), "strrchr");
    }
    CHECK(test_strchr("abc", '\0') == strchr("abc", '\0'), "strchr NUL finds terminator");
    CHECK(test_strrchr("abc", '\0') != NULL, "strrchr NUL finds terminator");

    /* strlcpy/strlcat: always terminated, return the length they tried. */
    char small[5];
    CHECK(test_strlcpy(small, "hello world", sizeof(small)) == 11, "strlcpy ret");
    CHECK(strcmp(small, "hell") == 0, "strlcpy truncates: '%s'", small);
    CHECK(test_strlcpy(small, "x", 0) == 1, "strlcpy size 0");
    strcpy(small, "ab");
    CHECK(test_strlcat(small, "cdef", sizeof(small)) == 6, "strlcat ret");
    CHECK(strcmp(small, "abcd") == 0, "strlcat truncates: '%s'", small);
}

static void test_strto(void)
{
    static const char *const inputs[] = {
        "0", "1", "-1", "+7", "  42xyz", "\t\n-0x1F", "0x", "0xg", "0X1a", "017", "08",
        "0b1", "z", "Zz", "", "   ", "-", "+", "18446744073709551615",
        "18446744073709551616", "99999999999999999999999", "-9223372036854775808",
        "-9223372036854775809", "9223372036854775807", "9223372036854775808",
        "4294967295", "4294967296", "0x7fffffffffffffff", "0xffffffffffffffff",
        "0x10000000000000000", "-18446744073709551615", "  0x  ", "1e5", "0777777777777777777777",
    };
    static const int bases[] = { 0, 2, 8, 10, 16, 36 };

    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        for (size_t j = 0; j < sizeof(bases) / sizeof(bases[0]); j++) {
            const char *s = inputs[i];
            int base = bases[j];
            char *e1, *e2;

            unsigned long u1 = strtoul(s, &e1, base), u2 = test_strtoul(s, &e2, base);
            CHECK(u1 == u2 && e1 == e2, "strtoul('%s', %d): %lu/%td vs %lu/%td",
                  s, base, u1, e1 - s, u2, e2 - s);
            unsigned long long q1 = strtoull(s, &e1, base), q2 = test_strtoull(s, &e2, base);
            CHECK(q1 == q2 && e1 == e2, "strtoull('%s', %d)", s, base);
            long l1 = strtol(s, &e1, base), l2 = test_strtol(s, &e2, base);
            CHECK(l1 == l2 && e1 == e2, "strtol('%s', %d): %ld vs %ld", s, base, l1, l2);
        }
    }
    char *e;
    CHECK(test_strtoul("12", &e, 1) == 0 && *e == '1', "strtoul bad base");
    CHECK(test_strtoul("12", NULL, 37) == 0, "strtoul base 37");
}

/* Format with both implementations and compare output and return value. */
static void fmt_check(int line, size_t size, const char *fmt, ...)
{
    char ours[256], ref[256];
    va_list ap, ap2;
    int r1, r2;

    memset(ours, 'Q', sizeof(ours));
    memset(ref, 'Q', sizeof(ref));
    va_start(ap, fmt);
    va_copy(ap2, ap);
    r1 = vsnprintf(ref, size, fmt, ap);
    r2 = test_vsnprintf(ours, size, fmt, ap2);
    va_end(ap2);
    va_end(ap);
    checks++;
    if (r1 != r2 || memcmp(ours, ref, sizeof(ours)) != 0) {
        failures++;
        printf("FAIL line %d: fmt \"%s\" size %zu: ref [%s] %d, ours [%s] %d\n",
               line, fmt, size, size ? ref : "", r1, size ? ours : "", r2);
    }
}
#define F(size, ...) fmt_check(__LINE__, size, __VA_ARGS__)

static void test_format(void)
{
    F(64, "plain text");
    F(64, "%d %i %u", 0, -1, 4000000000u);
    F(64, "%d %d", INT_MIN, INT_MAX);
    F(64, "%ld %lu %lld %llu", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
    F(64, "%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
    F(64, "%zu %zd %td %jd", (size_t)12345, (ssize_t)-5, (ptrdiff_t)-7, (intmax_t)INT64_MIN);
    F(64, "%x %X %o %#x %#X %#o", 0xdeadbeefu, 0xdeadbeefu, 0755u, 0xabcu, 0xabcu, 8u);
    F(64, "%#x %#o %#.0o %.0d %.0x|", 0u, 0u, 0u, 0, 0u);
    F(64, "%5d|%-5d|%05d|%+d|% d|%+5d|%-+5d|", 42, 42, 42, 42, 42, -42, 42);
    F(64, "%.3d|%8.3d|%-8.3d|%08.3d|%.0d|", 7, -7, 7, 7, 1);
    F(64, "%016llx %02x %2x", 0x1234ULL, 5u, 0xfffu);
    F(64, "%s|%10s|%-10s|%.2s|%10.2s|", "abc", "abc", "abc", "abc", "abc");
    F(64, "%*d|%-*d|%*d|%.*s|%.*s|", 6, 1, 6, 2, -6, 3, 2, "hello", -1, "hi");
    F(64, "%c%c%c|%3c|%-3c|", 'a', 'b', 'c', 'x', 'y');
    F(64, "100%% %%d");
    F(64, "%#010x %#10x %-#10x|", 0x1fu, 0x1fu, 0x1fu);
    F(64, "%+.3d % 05d %+05d", 5, 5, -5);
    F(64, "%llo %#llo", 01777777777777777777777ULL, 1ULL);
    /* Truncation: the return value is the untruncated length. */
    F(5, "hello world");
    F(1, "hello");
    F(0, "hello %d", 5);
    F(6, "%s", "abcdefgh");
    F(3, "%d", 12345);
    /* %p: ours always prints 0x<hex>; glibc prints (nil) for NULL. */
    char buf[64];
    test_snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
    CHECK(strcmp(buf, "0x1234") == 0, "%%p: %s", buf);
    test_snprintf(buf, sizeof(buf), "%p", (void *)0);
    CHECK(strcmp(buf, "0x0") == 0, "%%p NULL: %s", buf);
    test_snprintf(buf, sizeof(buf), "[%s]", (char *)NULL);
    CHECK(strcmp(buf, "[(null)]") == 0, "%%s NULL: %s", buf);
    /* Unknown and truncated conversions are echoed, consuming no argument. */
    test_snprintf(buf, sizeof(buf), "%q %d %", 9);
    CHECK(strcmp(buf, "%q 9 %") == 0, "unknown conversion: %s", buf);
    /* Absurd widths are clamped rather than overflowing. */
    int n = test_snprintf(buf, sizeof(buf), "%99999999999d", 1);
    CHECK(n > 0 && strlen(buf) == sizeof(buf) - 1, "huge width: %d", n);
}

int main(void)
{
    test_mem();
    test_str();
    test_strto();
    test_format();
    printf("lib: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
