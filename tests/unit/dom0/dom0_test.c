/*
 * Host unit tests of the dom0 builder's pure parts (xen/arch/arm/kernel.c
 * and dom0_fdt.c), under AddressSanitizer and UBSan, against the host's
 * libfdt:
 *   - dom0_mem= / dom0_max_vcpus= parsing;
 *   - arm64 Image and arm32 zImage probing: good headers, each kind of bad
 *     one, other formats named, and random corruption (every module sits
 *     in a heap block of exactly its size, so reading one byte too far is
 *     an ASan error);
 *   - placement of kernel, device tree and ramdisk against random banks,
 *     checked against the invariants the builder relies on;
 *   - the generated device tree: fdt_check_full(), every node and
 *     property read back, -ENOSPC for every too-small buffer.
 * Blobs for dtc are written to the directory given as argv[1].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include <xen/errno.h>
#include <asm/domain_build.h>

static int failures, checks;
static const char *outdir = ".";

#define CHECK(cond, ...) do {                                   \
    checks++;                                                   \
    if (!(cond)) {                                              \
        failures++;                                             \
        printf("FAIL %s:%d: ", __FILE__, __LINE__);             \
        printf(__VA_ARGS__);                                    \
        printf("\n");                                           \
        if (failures > 60) { printf("too many failures\n"); exit(1); } \
    }                                                           \
} while (0)

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static uint64_t rnd_below(uint64_t n) { return n ? rnd() % n : 0; }

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get_le32_test(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* A module in a heap block of exactly its size. */
static uint8_t *module(size_t size)
{
    uint8_t *m = malloc(size ? size : 1);

    memset(m, 0, size);
    return m;
}

static uint8_t *arm64_image(size_t size, uint64_t text, uint64_t isize, uint64_t flags)
{
    uint8_t *m = module(size);

    put_le32(m, 0x14000010);                /* b over the header */
    put_le64(m + 8, text);
    put_le64(m + 16, isize);
    put_le64(m + 24, flags);
    memcpy(m + 56, "ARM\x64", 4);
    return m;
}

static uint8_t *zimage(size_t size, uint32_t start, uint32_t end, uint32_t endian)
{
    uint8_t *m = module(size);

    for (int i = 0; i < 8; i++)
        put_le32(m + 4 * i, 0xe1a00000);    /* mov r0, r0 */
    put_le32(m + 0x24, 0x016f2818);
    put_le32(m + 0x28, start);
    put_le32(m + 0x2c, end);
    if (size >= 0x34)
        put_le32(m + 0x30, endian);
    return m;
}

static char err[256];

static int probe(const uint8_t *m, size_t size, struct dom0_kernel *k)
{
    return dom0_kernel_probe(m, size, k, err, sizeof(err));
}

/* ------------------------------------------------------------ options */

static void test_options(void)
{
    static const struct {
        const char *cmdline;
        uint64_t mem;
        unsigned int vcpus, bad;
    } cases[] = {
        { "", 0, 0, 0 },
        { "console=dtuart", 0, 0, 0 },
        { "dom0_mem=512M", 512 * MiB, 0, 0 },
        { "dom0_mem=1G dom0_max_vcpus=2", GiB, 2, 0 },
        { "dom0_mem=1024", MiB, 0, 0 },                 /* KiB by default */
        { "dom0_mem=4096k", 4 * MiB, 0, 0 },
        { "dom0_mem=16777216b", 16 * MiB, 0, 0 },
        { "dom0_mem=0x10M", 16 * MiB, 0, 0 },
        { "dom0_mem=0x10b", 0x10b * 1024ULL, 0, 0 },  /* hex digit, as in Xen */
        { "dom0_mem=2t", 2048 * GiB, 0, 0 },
        { "  dom0_mem=64M\tloglvl=all  dom0_mem=128M ", 128 * MiB, 0, 0 },
        { "dom0_mem=", 0, 0, 1 },
        { "dom0_mem=M", 0, 0, 1 },
        { "dom0_mem=12Q", 0, 0, 1 },
        { "dom0_mem=12MB", 0, 0, 1 },
        { "dom0_mem=0", 0, 0, 1 },
        { "dom0_mem=99999999999999999999", 0, 0, 1 },
        { "dom0_mem=17179869184T", 0, 0, 1 },           /* 2^34 TiB overflows */
        { "dom0_mem=256M dom0_mem=bad", 256 * MiB, 0, 1 },
        { "dom0_max_vcpus=0", 0, 0, 1 },
        { "dom0_max_vcpus=4x", 0, 0, 1 },
        { "dom0_max_vcpus=70000", 0, 0, 1 },
        { "dom0_max_vcpus=0x10", 0, 16, 0 },
        { "xdom0_mem=5M dom0_memory=1G", 0, 0, 0 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dom0_options o;

        dom0_parse_options(cases[i].cmdline, &o);
        CHECK(o.mem == cases[i].mem && o.max_vcpus == cases[i].vcpus && o.bad == cases[i].bad,
              "options '%s': mem %llu vcpus %u bad %u", cases[i].cmdline,
              (unsigned long long)o.mem, o.max_vcpus, o.bad);
    }
    {
        struct dom0_options o;

        dom0_parse_options(NULL, &o);
        CHECK(o.mem == 0 && o.max_vcpus == 0 && o.bad == 0, "NULL command line");
    }
}

/* ------------------------------------------------------------ probing */

static void expect_bad(const uint8_t *m, size_t size, const char *what, const char *needle)
{
    struct dom0_kernel k;
    int rc = probe(m, size, &k);

    CHECK(rc == -EINVAL, "%s: rc %d, want -EINVAL", what, rc);
    CHECK(err[0] != '\0', "%s: no error message", what);
    if (needle)
        CHECK(strstr(err, needle) != NULL, "%s: message '%s' lacks '%s'", what, err, needle);
}

static void test_probe(void)
{
    struct dom0_kernel k;
    uint8_t *m;

    /* A typical arm64 Image: 8 MiB of bss beyond the file. */
    m = arm64_image(4096, 0, 0x800000, 0xa);
    CHECK(probe(m, 4096, &k) == 0, "good Image: %s", err);
    CHECK(k.kind == DOM0_KERNEL_ARM64_IMAGE && !k.is_32bit, "Image kind");
    CHECK(k.copy_size == 4096 && k.mem_size == 0x800000, "Image sizes %llu %llu",
          (unsigned long long)k.copy_size, (unsigned long long)k.mem_size);
    CHECK(k.page_kib == 4 && k.place_anywhere && k.text_offset == 0, "Image flags");
    CHECK(!strcmp(dom0_kernel_name(&k), "arm64 Image"), "Image name");
    free(m);

    /* Old kernel: text_offset 0x80000, no size: the file size counts. */
    m = arm64_image(8192, 0x80000, 0, 0);
    CHECK(probe(m, 8192, &k) == 0 && k.mem_size == 8192 && k.text_offset == 0x80000 &&
          k.page_kib == 0 && !k.place_anywhere, "legacy Image: %s", err);
    free(m);

    /* image_size smaller than the file: the whole file still fits. */
    m = arm64_image(8192, 0, 4096, 2 << 1);
    CHECK(probe(m, 8192, &k) == 0 && k.mem_size == 8192 && k.page_kib == 16, "short image_size");
    free(m);

    m = arm64_image(64, 0, 0, 0x6 | 1);
    expect_bad(m, 64, "big-endian Image", "big-endian");
    free(m);
    m = arm64_image(64, 0x80010, 0, 0);
    expect_bad(m, 64, "text_offset misaligned", "text_offset");
    free(m);
    m = arm64_image(64, 0, 32, 0);
    expect_bad(m, 64, "image_size below header", "image_size");
    free(m);

    /* A 63-byte module cannot be an Image, even with the magic in range. */
    m = arm64_image(64, 0, 0, 0);
    {
        uint8_t *short_m = module(63);

        memcpy(short_m, m, 63);
        expect_bad(short_m, 63, "63-byte module", NULL);
        free(short_m);
    }
    free(m);

    /* zImage: relocatable, with the LE endianness word. */
    m = zimage(0x10000, 0, 0x10000, 0x04030201);
    CHECK(probe(m, 0x10000, &k) == 0, "good zImage: %s", err);
    CHECK(k.kind == DOM0_KERNEL_ARM32_ZIMAGE && k.is_32bit && k.zimage_start == 0 &&
          k.copy_size == 0x10000 && k.mem_size == 0x10000 && !k.appended_dtb, "zImage fields");
    CHECK(!strcmp(dom0_kernel_name(&k), "arm32 zImage"), "zImage name");
    free(m);

    /* Module bigger than the zImage (loader padding): only the zImage is copied. */
    m = zimage(0x20000, 0x40008000, 0x40008000 + 0x1000, 0);
    CHECK(probe(m, 0x20000, &k) == 0 && k.copy_size == 0x1000 && k.zimage_start == 0x40008000,
          "fixed-address zImage: %s", err);
    free(m);

    /* Appended device tree, complete and truncated. */
    m = zimage(0x2000, 0, 0x1000, 0);
    put_be32(m + 0x1000, 0xd00dfeed);
    put_be32(m + 0x1004, 0x800);
    CHECK(probe(m, 0x2000, &k) == 0 && k.appended_dtb && k.copy_size == 0x1800,
          "appended DTB: %s", err);
    put_be32(m + 0x1004, 0x1001);
    expect_bad(m, 0x2000, "appended DTB too long", "appended");
    put_be32(m + 0x1004, 8);
    expect_bad(m, 0x2000, "appended DTB too short", "appended");
    free(m);
    /* Magic right at the end of the module with no room for the size. */
    m = zimage(0x1004, 0, 0x1000, 0);
    put_be32(m + 0x1000, 0xd00dfeed);
    CHECK(probe(m, 0x1004, &k) == 0 && !k.appended_dtb && k.copy_size == 0x1000,
          "DTB magic without size");
    free(m);

    m = zimage(0x100, 0x1000, 0x1000, 0);
    expect_bad(m, 0x100, "zImage end == start", "end");
    free(m);
    m = zimage(0x100, 0x2000, 0x1000, 0);
    expect_bad(m, 0x100, "zImage end < start", "end");
    free(m);
    m = zimage(0x100, 0, 0x101, 0);
    expect_bad(m, 0x100, "zImage longer than module", "module has only");
    free(m);
    m = zimage(0x100, 0, 0x20, 0);
    expect_bad(m, 0x100, "zImage shorter than header", "smaller than the header");
    free(m);
    m = zimage(0x100, 0x2, 0x100, 0);
    expect_bad(m, 0x100, "zImage misaligned start", "aligned");
    free(m);
    m = zimage(0x100, 0, 0x100, 0x01020304);
    expect_bad(m, 0x100, "big-endian zImage", "big-endian");
    free(m);
    m = zimage(0x30, 0, 0x30, 0);
    CHECK(probe(m, 0x30, &k) == 0 && k.copy_size == 0x30, "minimal zImage: %s", err);
    free(m);

    /* Other formats get named. */
    m = module(4096);
    m[0] = 0x1f; m[1] = 0x8b;
    expect_bad(m, 4096, "gzip", "gzip");
    memcpy(m, "\x7f" "ELF", 4);
    expect_bad(m, 4096, "ELF", "ELF");
    put_be32(m, 0x27051956);
    expect_bad(m, 4096, "uImage", "uImage");
    memset(m, 0, 4);
    expect_bad(m, 4096, "zeros", "unknown kernel format");
    expect_bad(m, 0, "empty module", "empty");
    expect_bad(m, 5, "tiny module", "too small");
    free(m);
    expect_bad(NULL, 100, "NULL module", "empty");
}

/* Random bytes, magic forced half the time, random module sizes. */
static void fuzz_probe_and_place(void);

/* ------------------------------------------------------------ placement */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static int bank_of(const struct dom0_bank *banks, unsigned int nr, uint64_t s, uint64_t len)
{
    for (unsigned int i = 0; i < nr; i++)
        if (s >= banks[i].start && len <= banks[i].size &&
            s - banks[i].start <= banks[i].size - len)
            return (int)i;
    return -1;
}

/* Everything the builder relies on after a successful placement. */
static void check_placement(const struct dom0_kernel *k, const struct dom0_bank *banks,
                            unsigned int nr, uint64_t initrd, const struct dom0_placement *pl,
                            const char *what)
{
    uint64_t klen = pl->kernel_end - pl->kernel_start;

    CHECK(pl->kernel_end > pl->kernel_start && klen == k->mem_size,
          "%s: kernel range %#llx-%#llx", what, (unsigned long long)pl->kernel_start,
          (unsigned long long)pl->kernel_end);
    CHECK(bank_of(banks, nr, pl->kernel_start, klen) >= 0, "%s: kernel outside RAM", what);
    CHECK(pl->entry == pl->kernel_start, "%s: entry", what);
    CHECK((pl->dtb_start & (2 * MiB - 1)) == 0, "%s: dtb %#llx not 2 MiB aligned", what,
          (unsigned long long)pl->dtb_start);
    CHECK(bank_of(banks, nr, pl->dtb_start, DOM0_FDT_SLOT) >= 0, "%s: DT slot outside RAM", what);
    CHECK(!overlaps(pl->dtb_start, DOM0_FDT_SLOT, pl->kernel_start, klen),
          "%s: DT slot overlaps kernel", what);
    if (initrd) {
        CHECK(pl->initrd_end - pl->initrd_start == initrd, "%s: initrd size", what);
        CHECK(bank_of(banks, nr, pl->initrd_start, initrd) >= 0, "%s: initrd outside RAM", what);
        CHECK(!overlaps(pl->initrd_start, initrd, pl->kernel_start, klen),
              "%s: initrd overlaps kernel", what);
        CHECK(!overlaps(pl->initrd_start, initrd, pl->dtb_start, DOM0_FDT_SLOT),
              "%s: initrd overlaps DT", what);
    } else {
        CHECK(pl->initrd_start == 0 && pl->initrd_end == 0, "%s: phantom initrd", what);
    }
    if (k->kind == DOM0_KERNEL_ARM64_IMAGE) {
        CHECK(((pl->kernel_start - k->text_offset) & (2 * MiB - 1)) == 0,
              "%s: Image base not 2 MiB aligned", what);
        CHECK(pl->ram_base == pl->kernel_start - k->text_offset, "%s: Image RAM base", what);
    } else {
        uint64_t top = initrd ? pl->initrd_end : pl->dtb_start + DOM0_FDT_SLOT;

        CHECK(pl->kernel_end <= 4 * GiB && top <= 4 * GiB, "%s: AArch32 above 4 GiB", what);
        CHECK(pl->ram_base <= pl->kernel_start && pl->ram_base <= pl->dtb_start &&
              (!initrd || pl->ram_base <= pl->initrd_start),
              "%s: AArch32 something below the RAM base %#llx", what,
              (unsigned long long)pl->ram_base);
        CHECK(bank_of(banks, nr, pl->ram_base, pl->kernel_end - pl->ram_base) >= 0,
              "%s: RAM base and zImage not in one bank", what);
        if (!k->zimage_start)
            CHECK(pl->kernel_end <= pl->ram_base + 128 * MiB,
                  "%s: zImage beyond the first 128 MiB from %#llx", what,
                  (unsigned long long)pl->ram_base);
    }
}

static void test_place(void)
{
    struct dom0_bank one[1] = { { 0x60000000, 512 * MiB } };
    struct dom0_kernel k;
    struct dom0_placement pl;
    uint8_t *m;
    int rc;

    /* The usual case: 512 MiB at 0x60000000, 30 MiB Image, 5 MiB ramdisk. */
    m = arm64_image(4096, 0, 30 * MiB + 123, 0xa);
    CHECK(probe(m, 4096, &k) == 0, "probe");
    rc = dom0_kernel_place(&k, one, 1, 5 * MiB, &pl, err, sizeof(err));
    CHECK(rc == 0, "place: %s", err);
    CHECK(pl.kernel_start == 0x60000000 && pl.dtb_start == 0x62000000 &&
          pl.initrd_start == 0x62200000 && pl.initrd_end == 0x62200000 + 5 * MiB,
          "Image layout %#llx %#llx %#llx", (unsigned long long)pl.kernel_start,
          (unsigned long long)pl.dtb_start, (unsigned long long)pl.initrd_start);
    check_placement(&k, one, 1, 5 * MiB, &pl, "usual");
    free(m);

    /* text_offset: kernel sits above the 2 MiB boundary. */
    m = arm64_image(4096, 0x80000, 0x100000, 0);
    CHECK(probe(m, 4096, &k) == 0, "probe");
    CHECK(dom0_kernel_place(&k, one, 1, 0, &pl, err, sizeof(err)) == 0 &&
          pl.kernel_start == 0x60080000 && pl.dtb_start == 0x60200000, "text_offset layout");
    check_placement(&k, one, 1, 0, &pl, "text_offset");
    free(m);

    /* Too big for dom0: clear message. */
    m = arm64_image(4096, 0, 600 * MiB, 0);
    CHECK(probe(m, 4096, &k) == 0, "probe");
    rc = dom0_kernel_place(&k, one, 1, 0, &pl, err, sizeof(err));
    CHECK(rc == -ENOMEM && strstr(err, "largest dom0 bank is 512 MiB"), "too big: %d %s", rc, err);
    free(m);
    /* Overflowing text_offset + size. */
    m = arm64_image(4096, 0xfffffffffffff000ULL, 0x2000, 0);
    CHECK(probe(m, 4096, &k) == 0, "probe");
    rc = dom0_kernel_place(&k, one, 1, 0, &pl, err, sizeof(err));
    CHECK(rc == -EINVAL && strstr(err, "overflows"), "overflow: %d %s", rc, err);
    free(m);
    m = arm64_image(4096, 0, 0xffffffffffffff00ULL, 0);
    CHECK(probe(m, 4096, &k) == 0, "probe");
    rc = dom0_kernel_place(&k, one, 1, 0, &pl, err, sizeof(err));
    CHECK(rc == -ENOMEM, "huge image_size: %d %s", rc, err);
    free(m);
    /* Ramdisk too large to fit after the kernel and nowhere else. */
    m = arm64_image(4096, 0, 10 * MiB, 0);
    CHECK(probe(m, 4096, &k) == 0, "probe");
    rc = dom0_kernel_place(&k, one, 1, 505 * MiB, &pl, err, sizeof(err));
    CHECK(rc == -ENOMEM && strstr(err, "device tree and ramdisk"), "ramdisk too big: %s", err);
    rc = dom0_kernel_place(&k, one, 1, UINT64_MAX - 5, &pl, err, sizeof(err));
    CHECK(rc == -EINVAL, "ramdisk size overflow: %d", rc);
    /* ... but fits in a second bank. */
    {
        struct dom0_bank two[2] = { { 0x60000000, 16 * MiB }, { 0x80000000, 512 * MiB } };

        rc = dom0_kernel_place(&k, two, 2, 300 * MiB, &pl, err, sizeof(err));
        CHECK(rc == 0 && pl.kernel_start == 0x60000000 && pl.dtb_start == 0x80000000,
              "second bank: %s", err);
        check_placement(&k, two, 2, 300 * MiB, &pl, "second bank");
    }
    free(m);

    /* zImage: high in the first 128 MiB, DT at 128 MiB. */
    m = zimage(5 * MiB + 100, 0, 5 * MiB + 100, 0);
    CHECK(probe(m, 5 * MiB + 100, &k) == 0, "probe zImage");
    rc = dom0_kernel_place(&k, one, 1, 3 * MiB, &pl, err, sizeof(err));
    CHECK(rc == 0 && pl.kernel_start == 0x67a00000 && pl.dtb_start == 0x68000000 &&
          pl.initrd_start == 0x68200000, "zImage layout %#llx %#llx: %s",
          (unsigned long long)pl.kernel_start, (unsigned long long)pl.dtb_start, err);
    check_placement(&k, one, 1, 3 * MiB, &pl, "zImage");
    {
        /* Small dom0: DT at the top, above the kernel. */
        struct dom0_bank small[1] = { { 0x40000000, 64 * MiB } };

        rc = dom0_kernel_place(&k, small, 1, 3 * MiB, &pl, err, sizeof(err));
        CHECK(rc == 0, "small zImage dom0: %s", err);
        check_placement(&k, small, 1, 3 * MiB, &pl, "small zImage");
        /* Fragments below, a 128 MiB aligned base inside the big bank. */
        struct dom0_bank frag[3] = { { 0x41000000, 16 * MiB }, { 0x44000000, 64 * MiB },
                                     { 0x49800000, 2920 * MiB } };

        rc = dom0_kernel_place(&k, frag, 3, 3 * MiB, &pl, err, sizeof(err));
        CHECK(rc == 0 && pl.ram_base == 0x50000000 && pl.kernel_start == 0x57a00000 &&
              pl.dtb_start == 0x58000000, "fragmented zImage dom0 %#llx %#llx: %s",
              (unsigned long long)pl.ram_base, (unsigned long long)pl.kernel_start, err);
        check_placement(&k, frag, 3, 3 * MiB, &pl, "fragmented zImage");
        /* A 128 MiB aligned base with the whole window beats a 2 MiB bank at one. */
        {
            struct dom0_bank low[4] = { { 0x40000000, 2 * MiB }, { 0x40400000, 124 * MiB },
                                        { 0x48200000, 14 * MiB }, { 0x49200000, 2926 * MiB } };

            rc = dom0_kernel_place(&k, low, 4, 0, &pl, err, sizeof(err));
            CHECK(rc == 0 && pl.ram_base == 0x50000000 && pl.dtb_start == 0x58000000,
                  "window zImage dom0 %#llx: %s", (unsigned long long)pl.ram_base, err);
            check_placement(&k, low, 4, 0, &pl, "window zImage");
            /* Without it: the 5 MiB zImage fits at no boundary, a bank start then. */
            rc = dom0_kernel_place(&k, low, 3, 0, &pl, err, sizeof(err));
            CHECK(rc == 0 && pl.ram_base == 0x40400000,
                  "zImage in 2 MiB: %d %#llx", rc, (unsigned long long)pl.ram_base);
            check_placement(&k, low, 3, 0, &pl, "zImage in 2 MiB");
        }
        /* No 128 MiB aligned base anywhere: a bank's start will do. */
        frag[2].size = 16 * MiB;
        rc = dom0_kernel_place(&k, frag, 3, 3 * MiB, &pl, err, sizeof(err));
        CHECK(rc == 0 && pl.ram_base == 0x41000000, "unaligned zImage dom0: %s", err);
        check_placement(&k, frag, 3, 3 * MiB, &pl, "unaligned zImage");
        /* First bank above 4 GiB: refused. */
        small[0].start = 0x100000000ULL;
        rc = dom0_kernel_place(&k, small, 1, 0, &pl, err, sizeof(err));
        CHECK(rc == -ENOMEM && strstr(err, "below 4 GiB"), "zImage above 4G: %s", err);
    }
    free(m);
    /* Fixed load address outside dom0: refused with the address. */
    m = zimage(0x1000, 0x40008000, 0x40009000, 0);
    CHECK(probe(m, 0x1000, &k) == 0, "probe");
    rc = dom0_kernel_place(&k, one, 1, 0, &pl, err, sizeof(err));
    CHECK(rc == -EINVAL && strstr(err, "0x40008000"), "fixed zImage: %s", err);
    free(m);

    /* Nonsense bank lists. */
    m = arm64_image(4096, 0, 0, 0);
    CHECK(probe(m, 4096, &k) == 0, "probe");
    CHECK(dom0_kernel_place(&k, one, 0, 0, &pl, err, sizeof(err)) == -ENOMEM, "no banks");
    {
        struct dom0_bank bad[2] = { { 0x80000000, 16 * MiB }, { 0x40000000, 16 * MiB } };

        CHECK(dom0_kernel_place(&k, bad, 2, 0, &pl, err, sizeof(err)) == -EINVAL, "unsorted");
    }
    free(m);
    {
        struct dom0_kernel none;

        memset(&none, 0, sizeof(none));
        CHECK(dom0_kernel_place(&none, one, 1, 0, &pl, err, sizeof(err)) == -EINVAL, "no kernel");
    }
}

static void random_banks(struct dom0_bank *banks, unsigned int *nr)
{
    uint64_t at = rnd_below(8) * 512 * MiB + (rnd() & 1 ? 0 : rnd_below(1 << 20) << 12);
    unsigned int n = 1 + (unsigned int)rnd_below(4);

    for (unsigned int i = 0; i < n; i++) {
        uint64_t size = (1 + rnd_below(256)) * MiB;

        if (rnd() % 8 == 0)
            size = (1 + rnd_below(4096)) << 12;
        if (rnd() % 16 == 0)
            at = UINT64_MAX - size - rnd_below(4 * GiB);   /* near the top */
        banks[i].start = at;
        banks[i].size = size;
        if (UINT64_MAX - at - size < 64 * GiB) {
            n = i + 1;
            break;
        }
        at += size + rnd_below(4) * 64 * MiB;
    }
    *nr = n;
}

static void fuzz_probe_and_place(void)
{
    unsigned int probed = 0, placed = 0, runs = 20000;

    for (unsigned int iter = 0; iter < runs; iter++) {
        size_t size = rnd() % 4 ? (size_t)rnd_below(200) : (size_t)rnd_below(20000);
        uint8_t *m = module(size);
        struct dom0_kernel k;
        struct dom0_bank banks[8];
        struct dom0_placement pl;
        unsigned int nr;
        uint64_t initrd;
        int rc;

        for (size_t i = 0; i < size; i++)
            m[i] = (uint8_t)rnd();
        switch (rnd() % 4) {
        case 0:
            if (size >= 64)
                memcpy(m + 56, "ARM\x64", 4);
            if (size >= 32 && rnd() % 2)
                put_le64(m + 24, rnd() & 0xe);      /* mostly sane flags */
            if (size >= 16 && rnd() % 2)
                put_le64(m + 8, rnd_below(1024) << 12);
            if (size >= 24 && rnd() % 2)
                put_le64(m + 16, rnd_below(64 * MiB));
            break;
        case 1:
            if (size >= 0x30) {
                put_le32(m + 0x24, 0x016f2818);
                if (rnd() % 2) {
                    put_le32(m + 0x28, 0);
                    put_le32(m + 0x2c, (uint32_t)rnd_below(size + 16));
                }
            }
            if (size >= 0x40 && rnd() % 4 == 0) {
                uint32_t end = get_le32_test(m + 0x2c);

                if (end + 8 <= size) {
                    put_be32(m + end, 0xd00dfeed);
                    put_be32(m + end + 4, (uint32_t)rnd_below(size));
                }
            }
            break;
        default:
            break;
        }
        memset(err, 'x', sizeof(err));
        rc = probe(m, size, &k);
        CHECK(rc == 0 || rc == -EINVAL, "probe rc %d", rc);
        CHECK(memchr(err, '\0', sizeof(err)) != NULL, "error message not terminated");
        if (rc) {
            CHECK(err[0], "probe failed silently");
            free(m);
            continue;
        }
        probed++;
        CHECK(k.copy_size <= size && k.copy_size > 0 && k.mem_size >= k.copy_size,
              "probe sizes %llu %llu of %zu", (unsigned long long)k.copy_size,
              (unsigned long long)k.mem_size, size);
        for (int j = 0; j < 4; j++) {
            random_banks(banks, &nr);
            initrd = rnd() % 3 ? 0 : rnd_below(rnd() % 2 ? 300 * MiB : UINT64_MAX);
            rc = dom0_kernel_place(&k, banks, nr, initrd, &pl, err, sizeof(err));
            CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM, "place rc %d", rc);
            if (rc == 0) {
                placed++;
                check_placement(&k, banks, nr, initrd, &pl, "fuzz");
            } else {
                CHECK(err[0], "place failed silently");
            }
        }
        free(m);
    }
    printf("fuzz: %u modules, %u recognised, %u placements succeeded\n", runs, probed, placed);
}

/* ------------------------------------------------------------ device tree */

static const void *getprop(const void *fdt, const char *path, const char *name, int *len)
{
    int node = fdt_path_offset(fdt, path);

    return node < 0 ? NULL : fdt_getprop(fdt, node, name, len);
}

static bool prop_is(const void *fdt, const char *path, const char *name,
                    const void *want, int wlen)
{
    int len;
    const void *p = getprop(fdt, path, name, &len);

    return p && len == wlen && !memcmp(p, want, (size_t)wlen);
}

static uint32_t cell(const void *p, int i)
{
    return fdt32_to_cpu(((const fdt32_t *)p)[i]);
}

static uint64_t cell64(const void *p, int i)
{
    return ((uint64_t)cell(p, 2 * i) << 32) | cell(p, 2 * i + 1);
}

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    void *buf;
    long len;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)len);
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (size_t)len;
    return buf;
}

static void write_file(const char *name, const void *data, size_t len)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", outdir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) {
        printf("cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
}

static void base_info(struct dom0_fdt_info *info, const struct dom0_bank *banks,
                      unsigned int nr_banks, unsigned int nr_vcpus)
{
    memset(info, 0, sizeof(*info));
    info->nr_vcpus = nr_vcpus;
    info->nr_banks = nr_banks;
    info->banks = banks;
    info->gicd_base = 0x08000000;
    info->gicd_size = 0x10000;
    info->gicr_base = 0x080a0000;
    info->gicr_size = 0x20000ULL * nr_vcpus;
    info->gnttab_base = 0x38000000;
    info->gnttab_size = 0x01000000;
    info->evtchn_intid = 31;
}

/* Build into a buffer of exactly the size needed, check, return it. */
static void *build_exact(const struct dom0_fdt_info *info, int *size_out, const char *what)
{
    size_t cap = 1 << 20;
    void *big = malloc(cap), *fdt;
    int size = dom0_fdt_build(big, cap, info);

    free(big);
    CHECK(size > 0, "%s: build failed %d", what, size);
    if (size <= 0)
        return NULL;
    fdt = malloc((size_t)size);
    CHECK(dom0_fdt_build(fdt, (size_t)size, info) == size, "%s: exact-size rebuild", what);
    CHECK(fdt_check_full(fdt, (size_t)size) == 0, "%s: fdt_check_full %d", what,
          fdt_check_full(fdt, (size_t)size));
    CHECK(fdt_totalsize(fdt) == (uint32_t)size, "%s: totalsize", what);
    *size_out = size;
    return fdt;
}

static void test_fdt(const void *host, size_t host_size)
{
    struct dom0_bank banks[2] = { { 0x60000000, 256 * MiB }, { 0x200000000ULL, 1 * GiB } };
    struct dom0_fdt_info info;
    const void *p;
    void *fdt;
    int size, len, node, n;

    (void)host_size;
    /* The virtual GIC's guest layout (asm/vgic.h) as the builder uses it. */
    memset(&info, 0, sizeof(info));
    dom0_fdt_vgic_layout(&info, 3);
    CHECK(info.gicd_base == 0x08000000 && info.gicd_size == 0x10000 &&
          info.gicr_base == 0x080a0000 && info.gicr_size == 3 * 0x20000 &&
          info.evtchn_intid == 31, "vGIC layout");

    base_info(&info, banks, 2, 3);
    info.host_fdt = host;
    info.bootargs = "console=hvc0 rdinit=/init earlycon=xen";
    info.initrd_start = 0x62000000;
    info.initrd_end = 0x62345678;

    fdt = build_exact(&info, &size, "full");
    if (!fdt)
        return;
    write_file(host ? "dom0-full.dtb" : "dom0-nohost.dtb", fdt, (size_t)size);

    CHECK(prop_is(fdt, "/", "#address-cells", "\0\0\0\2", 4), "root address-cells");
    CHECK(prop_is(fdt, "/", "#size-cells", "\0\0\0\2", 4), "root size-cells");
    if (host) {
        CHECK(prop_is(fdt, "/", "compatible", "test,board\0linux,dummy-virt", 28), "root compatible from host");
        CHECK(prop_is(fdt, "/", "model", "Test Board", 11), "model from host");
    }
    /* Memory: both banks. */
    p = getprop(fdt, "/memory@60000000", "reg", &len);
    CHECK(p && len == 32 && cell64(p, 0) == 0x60000000 && cell64(p, 1) == 256 * MiB &&
          cell64(p, 2) == 0x200000000ULL && cell64(p, 3) == GiB, "memory reg");
    CHECK(prop_is(fdt, "/memory@60000000", "device_type", "memory", 7), "memory device_type");
    /* CPUs. */
    node = fdt_path_offset(fdt, "/cpus");
    n = 0;
    fdt_for_each_subnode(len, fdt, node)
        n++;
    CHECK(n == 3, "%d cpu nodes", n);
    for (int i = 0; i < 3; i++) {
        char path[32];
        int l;

        snprintf(path, sizeof(path), "/cpus/cpu@%x", i);
        p = getprop(fdt, path, "reg", &l);
        CHECK(p && l == 4 && cell(p, 0) == (uint32_t)i, "%s reg", path);
        CHECK(prop_is(fdt, path, "enable-method", "psci", 5), "%s enable-method", path);
        CHECK(prop_is(fdt, path, "device_type", "cpu", 4), "%s device_type", path);
        if (host)
            CHECK(prop_is(fdt, path, "compatible", "arm,cortex-a57", 15), "%s compatible", path);
    }
    /* PSCI through HVC. */
    CHECK(prop_is(fdt, "/psci", "compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci", 35), "psci compatible");
    CHECK(prop_is(fdt, "/psci", "method", "hvc", 4), "psci method");
    /* Timer: secure, non-secure, virtual, hypervisor PPIs, level high. */
    p = getprop(fdt, "/timer", "interrupts", &len);
    CHECK(p && len == 48 && cell(p, 0) == 1 && cell(p, 1) == 13 && cell(p, 2) == 4 &&
          cell(p, 4) == 14 && cell(p, 7) == 11 && cell(p, 10) == 10 && cell(p, 11) == 4,
          "timer interrupts");
    if (host) {
        p = getprop(fdt, "/timer", "clock-frequency", &len);
        CHECK(p && len == 4 && cell(p, 0) == 62500000, "timer clock-frequency from host");
        CHECK(getprop(fdt, "/timer", "always-on", &len) && len == 0, "timer always-on from host");
    } else {
        CHECK(!getprop(fdt, "/timer", "clock-frequency", &len), "no clock-frequency without host");
    }
    /* GICv3: distributor plus a redistributor per vCPU. */
    p = getprop(fdt, "/interrupt-controller@8000000", "reg", &len);
    CHECK(p && len == 32 && cell64(p, 0) == 0x08000000 && cell64(p, 1) == 0x10000 &&
          cell64(p, 2) == 0x080a0000 && cell64(p, 3) == 3 * 0x20000, "gic reg");
    CHECK(prop_is(fdt, "/interrupt-controller@8000000", "compatible", "arm,gic-v3", 11), "gic compatible");
    CHECK(prop_is(fdt, "/interrupt-controller@8000000", "#interrupt-cells", "\0\0\0\3", 4), "gic cells");
    CHECK(getprop(fdt, "/interrupt-controller@8000000", "interrupt-controller", &len) && len == 0,
          "gic interrupt-controller");
    node = fdt_path_offset(fdt, "/interrupt-controller@8000000");
    CHECK(node >= 0 && fdt_get_phandle(fdt, (int)node) == 1, "gic phandle");
    CHECK(prop_is(fdt, "/", "interrupt-parent", "\0\0\0\1", 4), "root interrupt-parent");
    /* The Xen node. */
    CHECK(prop_is(fdt, "/hypervisor", "compatible", "xen,xen-4.17\0xen,xen", 21), "hypervisor compatible");
    p = getprop(fdt, "/hypervisor", "reg", &len);
    CHECK(p && len == 16 && cell64(p, 0) == 0x38000000 && cell64(p, 1) == 0x01000000, "hypervisor reg");
    p = getprop(fdt, "/hypervisor", "interrupts", &len);
    CHECK(p && len == 12 && cell(p, 0) == 1 && cell(p, 1) == 15 && cell(p, 2) == 4,
          "hypervisor interrupts");
    CHECK(fdt_node_offset_by_compatible(fdt, -1, "xen,xen") == fdt_path_offset(fdt, "/hypervisor"),
          "xen,xen found");
    /* /chosen. */
    CHECK(prop_is(fdt, "/chosen", "bootargs", info.bootargs, (int)strlen(info.bootargs) + 1),
          "chosen bootargs");
    p = getprop(fdt, "/chosen", "linux,initrd-start", &len);
    CHECK(p && len == 8 && cell64(p, 0) == 0x62000000, "initrd-start");
    p = getprop(fdt, "/chosen", "linux,initrd-end", &len);
    CHECK(p && len == 8 && cell64(p, 0) == 0x62345678, "initrd-end");
    /* Nothing of the host's devices. */
    CHECK(fdt_node_offset_by_compatible(fdt, -1, "arm,pl011") < 0, "no pl011 passed through");
    CHECK(fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio") < 0, "no virtio passed through");
    CHECK(fdt_num_mem_rsv(fdt) == 0, "no memreserve");

    /* Every smaller buffer: -ENOSPC, never an overrun (exact heap blocks). */
    for (int s = 0; s < size; s++) {
        void *small = malloc(s ? (size_t)s : 1);
        int rc = dom0_fdt_build(small, (size_t)s, &info);

        CHECK(rc == -ENOSPC, "buffer %d of %d: rc %d", s, size, rc);
        free(small);
        if (failures > 20)
            break;
    }
    free(fdt);

    /* Minimal: one bank, one vCPU, no bootargs, no ramdisk, no host tree. */
    base_info(&info, banks, 1, 1);
    fdt = build_exact(&info, &size, "minimal");
    if (fdt) {
        if (!host)
            write_file("dom0-minimal.dtb", fdt, (size_t)size);
        CHECK(!getprop(fdt, "/chosen", "bootargs", &len), "no bootargs");
        CHECK(!getprop(fdt, "/chosen", "linux,initrd-start", &len), "no initrd");
        CHECK(prop_is(fdt, "/cpus/cpu@0", "compatible", "arm,armv8", 10), "default cpu compatible");
        CHECK(getprop(fdt, "/", "model", &len) != NULL, "a model anyway");
        free(fdt);
    }

    /* Many vCPUs: MPIDRs go to Aff1 after 16. */
    base_info(&info, banks, 1, 40);
    fdt = build_exact(&info, &size, "40 vCPUs");
    if (fdt) {
        if (!host)
            write_file("dom0-40cpus.dtb", fdt, (size_t)size);
        p = getprop(fdt, "/cpus/cpu@0", "reg", &len);
        CHECK(p && cell(p, 0) == 0, "cpu 0 MPIDR");
        p = getprop(fdt, "/cpus/cpu@f", "reg", &len);
        CHECK(p && cell(p, 0) == 0xf, "cpu 15 MPIDR");
        p = getprop(fdt, "/cpus/cpu@100", "reg", &len);
        CHECK(p && cell(p, 0) == 0x100, "cpu 16 MPIDR");
        p = getprop(fdt, "/cpus/cpu@207", "reg", &len);
        CHECK(p && cell(p, 0) == 0x207, "cpu 39 MPIDR");
        free(fdt);
    }

    /* Sixteen banks. */
    {
        struct dom0_bank many[DOM0_MAX_BANKS];

        for (unsigned int i = 0; i < DOM0_MAX_BANKS; i++) {
            many[i].start = 0x40000000 + i * 0x4000000ULL;
            many[i].size = 0x2000000;
        }
        base_info(&info, many, DOM0_MAX_BANKS, 2);
        fdt = build_exact(&info, &size, "16 banks");
        if (fdt) {
            p = getprop(fdt, "/memory@40000000", "reg", &len);
            CHECK(p && len == 16 * DOM0_MAX_BANKS && cell64(p, 30) == 0x40000000 + 15 * 0x4000000ULL,
                  "16 banks reg");
            free(fdt);
        }
    }

    /* Inconsistent requests: -EINVAL, nothing written past the buffer. */
    {
        char buf[4096];
        struct dom0_fdt_info bad;

        base_info(&bad, banks, 0, 1);
        CHECK(dom0_fdt_build(buf, sizeof(buf), &bad) == -EINVAL, "no banks");
        base_info(&bad, banks, DOM0_MAX_BANKS + 1, 1);
        CHECK(dom0_fdt_build(buf, sizeof(buf), &bad) == -EINVAL, "too many banks");
        base_info(&bad, banks, 1, 0);
        CHECK(dom0_fdt_build(buf, sizeof(buf), &bad) == -EINVAL, "no vCPUs");
        base_info(&bad, banks, 1, 1);
        bad.evtchn_intid = 32;
        CHECK(dom0_fdt_build(buf, sizeof(buf), &bad) == -EINVAL, "SPI as evtchn");
        base_info(&bad, banks, 1, 1);
        bad.initrd_start = 2;
        bad.initrd_end = 1;
        CHECK(dom0_fdt_build(buf, sizeof(buf), &bad) == -EINVAL, "initrd backwards");
        base_info(&bad, banks, 1, 1);
        CHECK(dom0_fdt_build(NULL, 100, &bad) == -EINVAL, "NULL buffer");
        CHECK(dom0_fdt_build(buf, sizeof(buf), NULL) == -EINVAL, "NULL info");
    }
}

/* A hostile host tree: strings without terminators, odd lengths. */
static void test_fdt_bad_host(const char *path)
{
    struct dom0_bank bank = { 0x40000000, 128 * MiB };
    struct dom0_fdt_info info;
    size_t hsize;
    void *host = read_file(path, &hsize), *fdt;
    int size, len;

    CHECK(host != NULL, "cannot read %s", path);
    if (!host)
        return;
    base_info(&info, &bank, 1, 2);
    info.host_fdt = host;
    fdt = build_exact(&info, &size, "bad host");
    if (fdt) {
        write_file("dom0-badhost.dtb", fdt, (size_t)size);
        /* Unterminated or empty strings are replaced by our defaults. */
        CHECK(prop_is(fdt, "/", "compatible", "xen,dom0", 9), "default root compatible");
        CHECK(prop_is(fdt, "/", "model", "dom0", 5), "default model");
        CHECK(prop_is(fdt, "/cpus/cpu@0", "compatible", "arm,armv8", 10), "default cpu compatible");
        CHECK(!getprop(fdt, "/timer", "clock-frequency", &len), "odd clock-frequency dropped");
        free(fdt);
    }
    free(host);
}

/* Real test kernels, if the conformance suite built them. */
static void test_real_images(const char *image, const char *zimg)
{
    struct dom0_bank bank = { 0x60000000, 512 * MiB };
    const char *paths[2] = { image, zimg };

    for (int i = 0; i < 2; i++) {
        struct dom0_kernel k;
        struct dom0_placement pl;
        size_t size;
        uint8_t *m = read_file(paths[i], &size);

        if (!m) {
            printf("real image %s: not built, skipped\n", paths[i]);
            continue;
        }
        CHECK(probe(m, size, &k) == 0, "%s: %s", paths[i], err);
        CHECK(k.kind == (i ? DOM0_KERNEL_ARM32_ZIMAGE : DOM0_KERNEL_ARM64_IMAGE),
              "%s: kind", paths[i]);
        CHECK(dom0_kernel_place(&k, &bank, 1, 0, &pl, err, sizeof(err)) == 0, "%s: place %s",
              paths[i], err);
        printf("real image %s: %s, %llu bytes to copy, %llu needed, load %#llx\n", paths[i],
               dom0_kernel_name(&k), (unsigned long long)k.copy_size,
               (unsigned long long)k.mem_size, (unsigned long long)pl.kernel_start);
        free(m);
    }
}

int main(int argc, char **argv)
{
    size_t host_size = 0;
    void *host = NULL;

    if (argc > 1)
        outdir = argv[1];
    if (argc > 2) {
        host = read_file(argv[2], &host_size);
        if (!host || fdt_check_full(host, host_size)) {
            printf("host tree %s unusable\n", argv[2]);
            return 1;
        }
    }

    test_options();
    test_probe();
    test_place();
    fuzz_probe_and_place();
    test_fdt(host, host_size);
    test_fdt(NULL, 0);
    if (argc > 3)
        test_fdt_bad_host(argv[3]);
    if (argc > 5)
        test_real_images(argv[4], argv[5]);
    free(host);

    if (failures) {
        printf("%d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("dom0 builder: all %d checks passed\n", checks);
    return 0;
}
