/* Shared by the libFuzzer targets in tests/fuzz/ (see docs/fuzzing.md). */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An output invariant of the parser.  A violation aborts, which libFuzzer
 * reports as a crash and saves the input, like a sanitizer error.
 */
#define FUZZ_ASSERT(cond) do {                                  \
        if (!(cond))                                            \
            fuzz_fail(__FILE__, __LINE__, #cond);               \
    } while (0)

__attribute__((__noreturn__)) void fuzz_fail(const char *file, int line, const char *what);

/* A heap block of exactly @size bytes holding @data: one byte more is an ASan error. */
void *fuzz_exact_copy(const void *data, size_t size);

/*
 * A copy of at most 1 MiB fenced in by inaccessible pages, for code ASan
 * does not see into; valid until the next call.
 */
const void *fuzz_guarded_copy(const void *data, size_t size);

/* @s points into [base, base + size) and is NUL-terminated there. */
bool fuzz_cstr_within(const char *s, const void *base, size_t size);

#endif
