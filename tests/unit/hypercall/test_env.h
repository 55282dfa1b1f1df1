/*
 * What the generated hypercall header expects from its includer, in a form
 * a host test can observe: scalar types, ENOSYS, and one distinct struct per
 * guest handle name (handles.h, written by mkfakes.py from the header), so a
 * handler reached through the wrong handle type fails to compile.
 */
#ifndef TEST_HYPERCALL_ENV_H
#define TEST_HYPERCALL_ENV_H

#include <stdint.h>
#include <stdbool.h>

#define ENOSYS 38

typedef uint16_t domid_t;
typedef int64_t s_time_t;
typedef uint64_t seg_desc_t;

#define XEN_GUEST_HANDLE_PARAM(name) test_handle_##name

/* What a fake handler saw. */
struct call_record {
    const char *handler;        /* e.g. "compat_memory_op" */
    unsigned int nargs;
    uint64_t args[5];           /* scalars widened, handles as their pointer */
    unsigned int size[5];       /* sizeof the parameter; 0 for a handle */
    bool is_signed[5];
    long ret;                   /* what the fake returned */
};

/* Called by every fake; returns the value the fake must return. */
long test_record(struct call_record *r);

struct fake_info {
    const char *handler;
    unsigned int nargs;
};
extern const struct fake_info test_fakes[];
extern const unsigned int test_nr_fakes;

#endif /* TEST_HYPERCALL_ENV_H */
