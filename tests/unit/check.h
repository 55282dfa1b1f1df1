/* SPDX-License-Identifier: MIT */
/*
 * check.h - the expectations every host unit test uses: CHECK() counts a
 * check and reports a failed one with its place, CHECK_RC() compares a
 * result with the one wanted.  The counters are atomic so that threaded
 * tests may check from any thread; main() reports them at the end.
 */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <stdio.h>

static int failures, checks;

#define CHECK(cond, ...) do {                                           \
    __atomic_fetch_add(&checks, 1, __ATOMIC_RELAXED);                   \
    if (!(cond)) {                                                      \
        __atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);             \
        printf("FAIL %s:%d: ", __FILE__, __LINE__);                     \
        printf(__VA_ARGS__);                                            \
        printf("\n");                                                   \
    }                                                                   \
} while (0)

#define CHECK_RC(expr, want) do {                                       \
    long got__ = (expr), want__ = (want);                               \
    CHECK(got__ == want__, "%s = %ld, want %ld", #expr, got__, want__); \
} while (0)

#endif /* TESTS_UNIT_CHECK_H */
