/* Compiler attributes and helpers used throughout the hypervisor. */
#ifndef XEN_COMPILER_H
#define XEN_COMPILER_H

#define noreturn      __attribute__((__noreturn__))
#define __packed      __attribute__((__packed__))
#define __aligned(a)  __attribute__((__aligned__(a)))
#define __section(s)  __attribute__((__section__(s)))
#define __used        __attribute__((__used__))
#define __printf(f, a) __attribute__((__format__(__printf__, f, a)))
#define likely(x)     __builtin_expect(!!(x), 1)
#define unlikely(x)   __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c) _Static_assert(!(c), "BUILD_BUG_ON(" #c ")")

#define ROUNDUP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))

#endif /* XEN_COMPILER_H */
