/*
 * Our own broken invariants, and nothing else: bad input from guests, the
 * loader or firmware gets an error code, never a BUG().
 */
#ifndef XEN_BUG_H
#define XEN_BUG_H

#include <xen/console.h>

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)

#define BUG_ON(cond) do {                                               \
    if (__builtin_expect(!!(cond), 0))                                  \
        panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__);        \
} while (0)

/* Checked only in debug builds; the condition must have no side effects. */
#ifdef CONFIG_DEBUG
#define ASSERT(cond) do {                                               \
    if (__builtin_expect(!(cond), 0))                                   \
        panic("Assertion '%s' failed at %s:%d", #cond, __FILE__, __LINE__); \
} while (0)
#else
#define ASSERT(cond) do { (void)sizeof(!(cond)); } while (0)
#endif


#endif /* XEN_BUG_H */
