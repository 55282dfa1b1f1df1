/*
 * libFuzzer target: the PVH kernel parser (xen/arch/x86/pvh-elf.c), the
 * input being the kernel image in a heap block of exactly its size; and
 * the dom0 option parser of the same file, the input being a command line.
 * An accepted kernel must describe only bytes inside the image and
 * segments whose arithmetic the domain builder can trust.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/pvh.h>
#include "fuzz.h"

#define ERR_SIZE 160

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *img = fuzz_exact_copy(data, size);
    char *cmdline = malloc(size + 1);
    static struct pvh_kernel k;
    static struct pvh_dom0_options opt;
    char err[ERR_SIZE];
    uint64_t lo = ~0ULL, hi = 0;
    bool entry_loaded = false;
    int rc;

    memset(err, 'X', sizeof(err));
    memset(&k, 0xa5, sizeof(k));
    rc = pvh_elf_parse(img, size, &k, err, sizeof(err));
    FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "pvh_elf_parse: %s (%u segments, entry %#x)\n", rc ? err : "ok",
                rc ? 0 : k.nr_segments, rc ? 0 : k.entry);
    if (rc) {
        /* A reason, terminated inside err[]. */
        FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) && err[0]);
    } else {
        FUZZ_ASSERT(size >= 52 && !memcmp(img, "\x7f" "ELF", 4));
        FUZZ_ASSERT(k.is_64bit == (img[4] == 2));
        FUZZ_ASSERT(k.nr_segments >= 1 && k.nr_segments <= PVH_MAX_SEGMENTS);
        for (unsigned int i = 0; i < k.nr_segments; i++) {
            const struct pvh_segment *s = &k.seg[i];

            /* File bytes inside the image, memory not wrapping. */
            FUZZ_ASSERT(s->offset <= size && s->filesz <= size - s->offset);
            FUZZ_ASSERT(s->filesz <= s->memsz && s->memsz);
            FUZZ_ASSERT(s->paddr + s->memsz > s->paddr);
            if (s->paddr < lo)
                lo = s->paddr;
            if (s->paddr + s->memsz > hi)
                hi = s->paddr + s->memsz;
            if (k.entry >= s->paddr && k.entry - s->paddr < s->memsz)
                entry_loaded = true;
        }
        FUZZ_ASSERT(k.start == lo && k.end == hi && lo < hi);
        FUZZ_ASSERT(entry_loaded);
    }
    free(img);

    /* The same bytes as a command line (up to the first NUL). */
    memcpy(cmdline, data, size);
    cmdline[size] = '\0';
    memset(&opt, 0xa5, sizeof(opt));
    pvh_parse_options(cmdline, &opt);
    FUZZ_ASSERT(opt.max_vcpus <= 0xffff);
    /* Each malformed option is a token of at least "dom0_mem=". */
    FUZZ_ASSERT((uint64_t)opt.bad * 9 <= size);
    free(cmdline);
    return 0;
}
