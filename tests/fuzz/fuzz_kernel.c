/*
 * libFuzzer target: the arm64 dom0 kernel module (xen/arch/arm/kernel.c):
 * arm64 Image / arm32 zImage header probing on the input, in a heap block
 * of exactly its size; then placement of what was probed in a few usual
 * dom0 memory layouts and in one the input's last bytes describe; and the
 * dom0_mem= / dom0_max_vcpus= parser on the input as a command line.
 * Placement must keep the promises of dom0_kernel_place(): everything in
 * one bank each, nothing overlapping, AArch32 below 4 GiB.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/types.h>
#include <asm/domain_build.h>
#include "fuzz.h"

#define SZ_2M   (2ULL << 20)
#define SZ_4G   (1ULL << 32)
#define ERRLEN  200

static uint64_t le(const uint8_t *p, unsigned int n)
{
    uint64_t v = 0;

    while (n--)
        v = v << 8 | p[n];
    return v;
}

/* Index of the bank holding [s, s + len) entirely, or -1. */
static int bank_of(const struct dom0_bank *b, unsigned int nr, uint64_t s, uint64_t len)
{
    for (unsigned int i = 0; i < nr; i++)
        if (s >= b[i].start && len <= b[i].size && s - b[i].start <= b[i].size - len)
            return (int)i;
    return -1;
}

static void place(const struct dom0_kernel *k, const struct dom0_bank *banks,
                  unsigned int nr, uint64_t initrd)
{
    struct dom0_placement pl;
    char err[ERRLEN];
    uint64_t mods = ((initrd + SZ_2M - 1) & ~(SZ_2M - 1)) + DOM0_FDT_SLOT;
    int rc, kb, mb;

    rc = dom0_kernel_place(k, banks, nr, initrd, &pl, err, sizeof(err));
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "  place in %u bank(s) from %#llx, initrd %#llx: %s\n", nr,
                (unsigned long long)banks[0].start, (unsigned long long)initrd,
                rc ? err : "ok");
    FUZZ_ASSERT(rc == 0 || rc == -ENOMEM || rc == -EINVAL);
    if (rc) {
        FUZZ_ASSERT(err[0] && memchr(err, '\0', sizeof(err)));
        return;
    }
    FUZZ_ASSERT(pl.kernel_end - pl.kernel_start == k->mem_size);
    FUZZ_ASSERT(pl.entry == pl.kernel_start);
    kb = bank_of(banks, nr, pl.kernel_start, k->mem_size);
    mb = bank_of(banks, nr, pl.dtb_start, mods);
    FUZZ_ASSERT(kb >= 0 && mb >= 0);
    FUZZ_ASSERT(pl.dtb_start % SZ_2M == 0);
    /* Kernel and [device tree slot, ramdisk) apart. */
    FUZZ_ASSERT(pl.kernel_end <= pl.dtb_start || pl.dtb_start + mods <= pl.kernel_start);
    if (initrd) {
        FUZZ_ASSERT(pl.initrd_start == pl.dtb_start + DOM0_FDT_SLOT);
        FUZZ_ASSERT(pl.initrd_end - pl.initrd_start == initrd);
    } else {
        FUZZ_ASSERT(pl.initrd_start == 0 && pl.initrd_end == 0);
    }
    if (k->kind == DOM0_KERNEL_ARM64_IMAGE) {
        FUZZ_ASSERT(pl.ram_base % SZ_2M == 0 && pl.ram_base >= banks[kb].start);
        FUZZ_ASSERT(pl.kernel_start - pl.ram_base == k->text_offset);
    } else {
        FUZZ_ASSERT(pl.kernel_end <= SZ_4G && pl.dtb_start + mods <= SZ_4G);
        FUZZ_ASSERT(pl.kernel_start >= pl.ram_base && pl.dtb_start >= pl.ram_base);
        FUZZ_ASSERT(!k->zimage_start || pl.kernel_start == k->zimage_start);
    }
}

/*
 * Banks from the input's last 20 bytes: a base (multiples of 256 MiB, or
 * just below the top of the address space), then up to four banks of
 * gap/size in MiB; sorted and disjoint as the caller guarantees.
 */
static unsigned int fuzzed_banks(const uint8_t *t, struct dom0_bank *b, uint64_t *initrd)
{
    uint64_t at = t[0] == 0xff ? ~0ULL - (8ULL << 30) : (uint64_t)t[0] << 28;
    unsigned int nr = 1 + t[1] % 4, n = 0;

    *initrd = le(t + 2, 2) << 16;
    for (unsigned int i = 0; i < nr; i++) {
        uint64_t gap = le(t + 4 + 4 * i, 2) << 20, size = le(t + 6 + 4 * i, 2) << 20;

        if (!size || gap > ~at || size > ~(at + gap))
            break;
        b[n].start = at + gap;
        b[n].size = size;
        at = b[n].start + size;
        n++;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct dom0_bank qemu[] = { { 0x40000000, 512 << 20 } };
    static const struct dom0_bank split[] = {
        { 0x40000000, 64 << 20 }, { 0x60000000, 1ULL << 30 }, { 0x100000000ULL, 2ULL << 30 },
    };
    static const struct dom0_bank tiny[] = { { 0x40000000, 16 << 20 } };
    static const struct dom0_bank high[] = { { 0x880000000ULL, 1ULL << 30 } };
    uint8_t *img = fuzz_exact_copy(data, size);
    char *cmdline;
    struct dom0_kernel k;
    struct dom0_options opt;
    char err[ERRLEN];
    int rc;

    memset(err, 'X', sizeof(err));
    rc = dom0_kernel_probe(img, size, &k, err, sizeof(err));
    FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "dom0_kernel_probe: %s\n", rc ? err : dom0_kernel_name(&k));
    if (rc) {
        FUZZ_ASSERT(err[0] && memchr(err, '\0', sizeof(err)));
    } else {
        FUZZ_ASSERT(k.copy_size && k.copy_size <= size && k.mem_size >= k.copy_size);
        FUZZ_ASSERT(strcmp(dom0_kernel_name(&k), "unknown"));
        if (k.kind == DOM0_KERNEL_ARM64_IMAGE) {
            FUZZ_ASSERT(size >= DOM0_KERNEL_HEADER_SIZE && !k.is_32bit);
            FUZZ_ASSERT(k.text_offset % 4096 == 0 && !(k.flags & 1));
            FUZZ_ASSERT(k.copy_size == size);
            FUZZ_ASSERT(k.mem_size == (k.image_size > size ? k.image_size : size));
            FUZZ_ASSERT(k.page_kib == 0 || k.page_kib == 4 || k.page_kib == 16 ||
                        k.page_kib == 64);
        } else {
            uint64_t len = le(img + 0x2c, 4) - le(img + 0x28, 4);

            FUZZ_ASSERT(k.kind == DOM0_KERNEL_ARM32_ZIMAGE && k.is_32bit);
            FUZZ_ASSERT(k.zimage_start % 4 == 0 && k.zimage_start == le(img + 0x28, 4));
            FUZZ_ASSERT(k.mem_size == k.copy_size);
            /* The zImage's own length, plus an appended DTB's if any. */
            FUZZ_ASSERT(k.appended_dtb ? k.copy_size > len + 8 : k.copy_size == len);
        }

        place(&k, qemu, 1, 0);
        place(&k, qemu, 1, 32 << 20);
        place(&k, split, 3, 100 << 20);
        place(&k, tiny, 1, 0);
        place(&k, high, 1, 4 << 20);
        if (size >= 20) {
            struct dom0_bank banks[4];
            uint64_t initrd;
            unsigned int nr = fuzzed_banks(img + size - 20, banks, &initrd);

            if (nr)
                place(&k, banks, nr, initrd);
        }
    }
    free(img);

    cmdline = malloc(size + 1);
    memcpy(cmdline, data, size);
    cmdline[size] = '\0';
    dom0_parse_options(cmdline, &opt);
    FUZZ_ASSERT(opt.max_vcpus <= 0xffff);
    FUZZ_ASSERT((uint64_t)opt.bad * 9 <= size);
    free(cmdline);
    return 0;
}
