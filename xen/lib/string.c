/*
 * Memory and string primitives.  Also used by Debian's libfdt, which is
 * linked into the arm64 image, so the names and semantics are the C
 * standard's.  Copies and fills go a word at a time where both sides
 * share an alignment, and a byte at a time otherwise: arm64 runs with
 * the MMU off early on (and with -mstrict-align), where an unaligned
 * access faults, so no word access here is ever unaligned.
 */
#include <string.h>
#include <stdint.h>

/* A word that may alias anything: the callers' buffers have any type. */
typedef unsigned long __attribute__((__may_alias__)) word_t;
#define WORD_SIZE sizeof(word_t)
#define WORD_MASK (WORD_SIZE - 1)

/*
 * The loops below are written so that GCC's loop-idiom pass cannot turn
 * them back into calls of the functions they implement.
 */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
    if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0 && n >= WORD_SIZE) {
        while ((uintptr_t)d & WORD_MASK) {
            *d++ = *s++;
            n--;
        }
        for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE)
            *(volatile word_t *)d = *(const word_t *)s;
    }
    while (n--)
        *(volatile unsigned char *)d++ = *s++;
}

static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
    d += n;
    s += n;
    if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0 && n >= WORD_SIZE) {
        while ((uintptr_t)d & WORD_MASK) {
            *--d = *--s;
            n--;
        }
        for (; n >= WORD_SIZE; n -= WORD_SIZE) {
            d -= WORD_SIZE;
            s -= WORD_SIZE;
            *(volatile word_t *)d = *(const word_t *)s;
        }
    }
    while (n--)
        *(volatile unsigned char *)--d = *--s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    copy_forward(dst, src, n);
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    /* Copy backwards when the destination overlaps the source's tail. */
    if ((uintptr_t)d > (uintptr_t)s && (uintptr_t)d - (uintptr_t)s < n)
        copy_backward(d, s, n);
    else
        copy_forward(d, s, n);
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    word_t w = (unsigned char)c;

    if (n >= WORD_SIZE) {
        w |= w << 8;
        w |= w << 16;
        w |= w << 16 << 16;     /* no-op where a word is 32 bits */
        while ((uintptr_t)d & WORD_MASK) {
            *d++ = (unsigned char)c;
            n--;
        }
        for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE)
            *(volatile word_t *)d = w;
    }
    while (n--)
        *(volatile unsigned char *)d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (; n; n--, p++)
        if (*p == (unsigned char)c)
            return (void *)p;
    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t maxlen)
{
    size_t n = 0;

    while (n < maxlen && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x && *x == *y)
        x++, y++;
    return (*x > *y) - (*x < *y);
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
        if (!*x)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

/* Always NUL-terminates (if size > 0); returns strlen(src) to detect truncation. */
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

size_t strlcat(char *dst, const char *src, size_t size)
{
    size_t used = strnlen(dst, size);

    if (used == size)
        return size + strlen(src);
    return used + strlcpy(dst + used, src, size - used);
}
