/*
 * Compiled (not run) for each target with -Wall -Wextra -Werror and a few
 * stricter warnings: the generated header must be clean wherever it is
 * included, and every enabled dispatcher must expand into valid code.
 */
#include "test_env.h"
#include "handles.h"
#include "hypercall-defs.h"

long test_record(struct call_record *r)
{
    return (long)r->nargs;
}

const struct fake_info test_fakes[] = { { "none", 0 } };
const unsigned int test_nr_fakes = 1;

/* One entry point per enabled column, as a trap handler would use it. */
#define USE_COLUMN(kind)                                                   \
    long dispatch_##kind(unsigned long nr, unsigned long a1,               \
                         unsigned long a2, unsigned long a3,               \
                         unsigned long a4, unsigned long a5);              \
    long dispatch_##kind(unsigned long nr, unsigned long a1,               \
                         unsigned long a2, unsigned long a3,               \
                         unsigned long a4, unsigned long a5)               \
    {                                                                      \
        static const unsigned char nargs[] = hypercall_args_##kind;        \
        long ret;                                                          \
        /* A column whose handlers take few arguments leaves some unused. */ \
        (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;                  \
        call_handlers_##kind(nr, ret, a1, a2, a3, a4, a5);                 \
        if (nr < sizeof(nargs) && nargs[nr] > 5)                           \
            return -1;                                                     \
        return ret;                                                        \
    }

#ifdef call_handlers_pv32
USE_COLUMN(pv32)
#endif
#ifdef call_handlers_pv64
USE_COLUMN(pv64)
#endif
#ifdef call_handlers_hvm32
USE_COLUMN(hvm32)
#endif
#ifdef call_handlers_hvm64
USE_COLUMN(hvm64)
#endif
#ifdef call_handlers_arm32
USE_COLUMN(arm32)
#endif
#ifdef call_handlers_arm64
USE_COLUMN(arm64)
#endif
