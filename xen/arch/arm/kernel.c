/*
 * What domain 0 boots: its command-line options, the kernel image in the
 * boot module, and where kernel, device tree and ramdisk go in its RAM.
 *
 * Nothing here touches hardware or guest memory: the functions work on a
 * buffer holding the module and on a list of banks, so the host tests
 * (tests/unit/dom0/) build this file unchanged and feed it malformed
 * headers.  Every header field is untrusted; all arithmetic on them is
 * overflow-checked.
 *
 * Formats (facts from Linux's boot protocol documents):
 *   arm64 Image   64-byte header, little-endian fields: text_offset @8,
 *                 image_size @16, flags @24 (bit 0 big-endian, bits 1-2
 *                 page size, bit 3 "anywhere in RAM"), magic "ARM\x64" @56.
 *                 Loaded text_offset bytes above a 2 MiB aligned address;
 *                 image_size bytes from there must be free.
 *   arm32 zImage  magic 0x016f2818 @0x24, start @0x28, end @0x2c, optional
 *                 endianness word @0x30.  Runs from anywhere; best in the
 *                 first 128 MiB of RAM with the device tree above that.
 */
#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <asm/domain_build.h>

#define SZ_2M           (2 * DOM0_MiB)
#define SZ_4G           (4096 * DOM0_MiB)

/* ------------------------------------------------------------ options */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * An unsigned number (decimal, or hex after 0x) in [s, end).  Returns the
 * first character after it in *next; false on no digits or overflow.
 */
static bool parse_number(const char *s, const char *end, uint64_t *val,
                         const char **next)
{
    unsigned int base = 10;
    uint64_t v = 0;
    const char *p = s;

    if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    s = p;
    for (; p < end; p++) {
        unsigned int d;

        if (*p >= '0' && *p <= '9')
            d = (unsigned int)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = (unsigned int)(*p - 'a' + 10);
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = (unsigned int)(*p - 'A' + 10);
        else
            break;
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    if (p == s)
        return false;
    *val = v;
    *next = p;
    return true;
}

/* "<number>[TtGgMmKkBb]" over the whole of [s, end); no suffix = KiB. */
static bool parse_size(const char *s, const char *end, uint64_t *bytes)
{
    unsigned int shift;
    uint64_t v;

    if (!parse_number(s, end, &v, &s))
        return false;
    if (s == end) {
        shift = 10;
    } else {
        switch (*s++) {
        case 'T': case 't': shift = 40; break;
        case 'G': case 'g': shift = 30; break;
        case 'M': case 'm': shift = 20; break;
        case 'K': case 'k': shift = 10; break;
        case 'B': case 'b': shift = 0; break;
        default: return false;
        }
        if (s != end)
            return false;
    }
    if (v > (UINT64_MAX >> shift))
        return false;
    *bytes = v << shift;
    return true;
}

void dom0_parse_options(const char *cmdline, struct dom0_options *opt)
{
    static const char mem_key[] = "dom0_mem=";
    static const char vcpus_key[] = "dom0_max_vcpus=";
    const char *p = cmdline;

    opt->mem = 0;
    opt->max_vcpus = 0;
    opt->bad = 0;

    while (p && *p) {
        const char *tok, *end, *next;
        uint64_t v;

        while (is_space(*p))
            p++;
        tok = p;
        while (*p && !is_space(*p))
            p++;
        end = p;
        if (end == tok)
            continue;

        if ((size_t)(end - tok) >= sizeof(mem_key) - 1 &&
            !strncmp(tok, mem_key, sizeof(mem_key) - 1)) {
            if (parse_size(tok + sizeof(mem_key) - 1, end, &v) && v)
                opt->mem = v;
            else
                opt->bad++;
        } else if ((size_t)(end - tok) >= sizeof(vcpus_key) - 1 &&
                   !strncmp(tok, vcpus_key, sizeof(vcpus_key) - 1)) {
            if (parse_number(tok + sizeof(vcpus_key) - 1, end, &v, &next) &&
                next == end && v && v <= 0xffff)
                opt->max_vcpus = (unsigned int)v;
            else
                opt->bad++;
        }
    }
}

/* ------------------------------------------------------------ probing */

#define IMAGE64_MAGIC           0x644d5241u     /* "ARM\x64" read LE */
#define IMAGE64_OFF_TEXT        8
#define IMAGE64_OFF_SIZE        16
#define IMAGE64_OFF_FLAGS       24
#define IMAGE64_OFF_MAGIC       56
#define IMAGE64_FLAG_BE         (1ULL << 0)
#define IMAGE64_PAGE_SHIFT      1
#define IMAGE64_PAGE_MASK       (3ULL << IMAGE64_PAGE_SHIFT)
#define IMAGE64_FLAG_ANYWHERE   (1ULL << 3)

#define ZIMAGE_MAGIC            0x016f2818u
#define ZIMAGE_OFF_MAGIC        0x24
#define ZIMAGE_OFF_START        0x28
#define ZIMAGE_OFF_END          0x2c
#define ZIMAGE_OFF_ENDIAN       0x30
#define ZIMAGE_HEADER_SIZE      0x30
#define ZIMAGE_ENDIAN_LE        0x04030201u
#define ZIMAGE_ENDIAN_BE        0x01020304u

#define FDT_MAGIC_BE            0xd00dfeedu
#define FDT_MIN_SIZE            40          /* the v17 header alone */

/* Byte by byte: modules need not be aligned, and we run strict-align. */
static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
    return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
           (uint32_t)p[0] << 24;
}

#define FAIL(...) do {                                  \
        if (err && errlen)                              \
            snprintf(err, errlen, __VA_ARGS__);         \
        return -EINVAL;                                 \
    } while (0)

static int probe_arm64(const uint8_t *img, uint64_t size, struct dom0_kernel *k,
                       char *err, size_t errlen)
{
    uint64_t text = get_le64(img + IMAGE64_OFF_TEXT);
    uint64_t isize = get_le64(img + IMAGE64_OFF_SIZE);
    uint64_t flags = get_le64(img + IMAGE64_OFF_FLAGS);
    static const unsigned int page_kib[4] = { 0, 4, 16, 64 };

    if (flags & IMAGE64_FLAG_BE)
        FAIL("arm64 Image is big-endian (flags %#llx): only little-endian kernels are supported",
             (unsigned long long)flags);
    if (text & (4096 - 1))
        FAIL("arm64 Image text_offset %#llx is not a multiple of 4 KiB",
             (unsigned long long)text);
    if (isize && isize < DOM0_KERNEL_HEADER_SIZE)
        FAIL("arm64 Image image_size %#llx is smaller than its own header",
             (unsigned long long)isize);

    k->kind = DOM0_KERNEL_ARM64_IMAGE;
    k->is_32bit = false;
    k->text_offset = text;
    k->image_size = isize;
    k->flags = flags;
    k->page_kib = page_kib[(flags & IMAGE64_PAGE_MASK) >> IMAGE64_PAGE_SHIFT];
    k->place_anywhere = flags & IMAGE64_FLAG_ANYWHERE;
    k->copy_size = size;
    /* image_size covers .bss too; 0 (before Linux 3.17) means unknown. */
    k->mem_size = isize > size ? isize : size;
    return 0;
}

static int probe_arm32(const uint8_t *img, uint64_t size, struct dom0_kernel *k,
                       char *err, size_t errlen)
{
    uint32_t start = get_le32(img + ZIMAGE_OFF_START);
    uint32_t end = get_le32(img + ZIMAGE_OFF_END);
    uint64_t len;

    if (end <= start)
        FAIL("arm32 zImage header: end %#x is not above start %#x", end, start);
    len = (uint64_t)end - start;
    if (len < ZIMAGE_HEADER_SIZE)
        FAIL("arm32 zImage header: length %#llx is smaller than the header",
             (unsigned long long)len);
    if (len > size)
        FAIL("arm32 zImage header says %llu bytes but the module has only %llu",
             (unsigned long long)len, (unsigned long long)size);
    if (start & 3)
        FAIL("arm32 zImage load address %#x is not word aligned", start);
    if (len >= ZIMAGE_OFF_ENDIAN + 4 &&
        get_le32(img + ZIMAGE_OFF_ENDIAN) == ZIMAGE_ENDIAN_BE)
        FAIL("arm32 zImage is big-endian: only little-endian kernels are supported");

    k->kind = DOM0_KERNEL_ARM32_ZIMAGE;
    k->is_32bit = true;
    k->zimage_start = start;
    k->appended_dtb = false;

    /* A device tree appended to the zImage travels with it. */
    if (size - len >= 8 && get_be32(img + len) == FDT_MAGIC_BE) {
        uint64_t dtb = get_be32(img + len + 4);

        if (dtb < FDT_MIN_SIZE || dtb > size - len)
            FAIL("arm32 zImage: appended device tree claims %llu bytes, %llu are there",
                 (unsigned long long)dtb, (unsigned long long)(size - len));
        len += dtb;
        k->appended_dtb = true;
    }
    k->copy_size = len;
    k->mem_size = len;
    return 0;
}

int dom0_kernel_probe(const void *image, uint64_t size, struct dom0_kernel *k,
                      char *err, size_t errlen)
{
    const uint8_t *img = image;

    memset(k, 0, sizeof(*k));
    if (err && errlen)
        err[0] = '\0';
    if (!img || size == 0)
        FAIL("kernel module is empty");

    if (size >= DOM0_KERNEL_HEADER_SIZE && get_le32(img + IMAGE64_OFF_MAGIC) == IMAGE64_MAGIC)
        return probe_arm64(img, size, k, err, errlen);
    if (size >= ZIMAGE_HEADER_SIZE && get_le32(img + ZIMAGE_OFF_MAGIC) == ZIMAGE_MAGIC)
        return probe_arm32(img, size, k, err, errlen);

    /* Say what it is, if we can tell, so the fix is obvious. */
    if (size >= 2 && img[0] == 0x1f && img[1] == 0x8b)
        FAIL("kernel is gzip-compressed: compressed kernels are not supported yet, boot the uncompressed Image (zcat vmlinuz > Image)");
    if (size >= 4 && img[0] == 0x7f && img[1] == 'E' && img[2] == 'L' && img[3] == 'F')
        FAIL("kernel is an ELF file (vmlinux?): boot the raw arm64 Image or arm32 zImage instead");
    if (size >= 4 && get_be32(img) == 0x27051956)
        FAIL("kernel is a U-Boot uImage: boot the Image or zImage inside it instead");
    if (size < ZIMAGE_HEADER_SIZE)
        FAIL("kernel module is only %llu bytes: too small for any kernel header",
             (unsigned long long)size);
    FAIL("unknown kernel format: neither an arm64 Image (\"ARM\\x64\" at 0x38) nor an arm32 zImage (0x016f2818 at 0x24)");
}

const char *dom0_kernel_name(const struct dom0_kernel *k)
{
    switch (k->kind) {
    case DOM0_KERNEL_ARM64_IMAGE: return "arm64 Image";
    case DOM0_KERNEL_ARM32_ZIMAGE: return "arm32 zImage";
    }
    return "unknown";
}

/* ------------------------------------------------------------ placement */

/* a + b, or false if it wraps. */
static bool add_ok(uint64_t a, uint64_t b, uint64_t *r)
{
    return !__builtin_add_overflow(a, b, r);
}

/* Round up to 2^n, or false if it wraps. */
static bool roundup_ok(uint64_t a, uint64_t align, uint64_t *r)
{
    if (!add_ok(a, align - 1, r))
        return false;
    *r &= ~(align - 1);
    return true;
}

/* [s, s + len) inside [lo, hi)?  Overflow-safe. */
static bool inside(uint64_t s, uint64_t len, uint64_t lo, uint64_t hi)
{
    uint64_t e;

    return s >= lo && add_ok(s, len, &e) && e <= hi;
}

static uint64_t bank_end(const struct dom0_bank *b, uint64_t limit)
{
    uint64_t e;

    if (!add_ok(b->start, b->size, &e))
        e = UINT64_MAX;
    return e < limit ? e : limit;
}

/*
 * Somewhere for @len bytes, 2 MiB aligned, in any bank (end capped at
 * @limit), not overlapping [avoid_s, avoid_e).  First fit by address.
 */
static bool find_slot(const struct dom0_bank *banks, unsigned int nr, uint64_t len,
                      uint64_t limit, uint64_t avoid_s, uint64_t avoid_e, uint64_t *out)
{
    for (unsigned int i = 0; i < nr; i++) {
        uint64_t hi = bank_end(&banks[i], limit), cand[2];
        unsigned int n = 0;

        if (roundup_ok(banks[i].start, SZ_2M, &cand[n]))
            n++;
        if (avoid_e > banks[i].start && roundup_ok(avoid_e, SZ_2M, &cand[n]))
            n++;
        for (unsigned int c = 0; c < n; c++) {
            if (!inside(cand[c], len, banks[i].start, hi))
                continue;
            if (cand[c] < avoid_e && avoid_s < cand[c] + len)
                continue;
            *out = cand[c];
            return true;
        }
    }
    return false;
}

static uint64_t largest_bank(const struct dom0_bank *banks, unsigned int nr)
{
    uint64_t m = 0;

    for (unsigned int i = 0; i < nr; i++)
        if (banks[i].size > m)
            m = banks[i].size;
    return m;
}

#define PFAIL(rc, ...) do {                             \
        if (err && errlen)                              \
            snprintf(err, errlen, __VA_ARGS__);         \
        return (rc);                                    \
    } while (0)

static int place_arm64(const struct dom0_kernel *k, const struct dom0_bank *banks,
                       unsigned int nr, uint64_t mods, struct dom0_placement *pl,
                       char *err, size_t errlen)
{
    uint64_t need;

    if (!add_ok(k->text_offset, k->mem_size, &need))
        PFAIL(-EINVAL, "arm64 Image: text_offset %#llx + size %#llx overflows",
              (unsigned long long)k->text_offset, (unsigned long long)k->mem_size);

    /* The lowest bank that holds the kernel (Linux likes RAM below it small). */
    for (unsigned int i = 0; i < nr; i++) {
        uint64_t base, end = bank_end(&banks[i], UINT64_MAX), ks, ke, m;

        if (!roundup_ok(banks[i].start, SZ_2M, &base) || !inside(base, need, base, end))
            continue;
        ks = base + k->text_offset;
        ke = ks + k->mem_size;
        /* Device tree and ramdisk right after the kernel, else anywhere. */
        if (!roundup_ok(ke, SZ_2M, &m) || !inside(m, mods, m, end)) {
            if (!find_slot(banks, nr, mods, UINT64_MAX, base, ke, &m))
                PFAIL(-ENOMEM, "no room for the device tree and ramdisk (%llu MiB) next to a %llu MiB kernel",
                      (unsigned long long)(mods >> 20),
                      (unsigned long long)(need >> 20));
        }
        pl->kernel_start = ks;
        pl->kernel_end = ke;
        pl->entry = ks;
        pl->dtb_start = m;
        pl->ram_base = base;
        return 0;
    }
    PFAIL(-ENOMEM, "arm64 Image needs %llu MiB from a 2 MiB boundary (text_offset %#llx + image size %#llx); the largest dom0 bank is %llu MiB",
          (unsigned long long)((need + DOM0_MiB - 1) >> 20),
          (unsigned long long)k->text_offset, (unsigned long long)k->mem_size,
          (unsigned long long)(largest_bank(banks, nr) >> 20));
}

/*
 * The zImage in one bank from RAM base @base (>= the bank's start): the
 * kernel as high as possible in [base, base + 128 MiB), the device tree
 * and ramdisk at base + 128 MiB, else at the top of the bank, else below
 * the kernel, else in a later bank; nothing below @base, nothing above
 * 4 GiB.  False if something does not fit.
 */
static bool zimage_in_bank(const struct dom0_kernel *k, const struct dom0_bank *banks,
                           unsigned int nr, unsigned int i, uint64_t base, uint64_t mods,
                           struct dom0_placement *pl)
{
    uint64_t len = k->mem_size, hi = bank_end(&banks[i], SZ_4G), win, ks, ke, kend2m, m;

    if (base >= hi)
        return false;
    win = hi - base < DOM0_ZIMAGE_WINDOW ? hi : base + DOM0_ZIMAGE_WINDOW;
    if (k->zimage_start) {
        ks = k->zimage_start;
        if (!inside(ks, len, base, hi))
            return false;
    } else {
        if (len > win - base)
            return false;
        ks = ROUNDDOWN(win - len, SZ_2M);
        if (ks < base)
            ks = base;
    }
    ke = ks + len;
    if (!roundup_ok(ke, SZ_2M, &kend2m))
        return false;

    m = base + DOM0_ZIMAGE_WINDOW;
    if (m < base || m < kend2m || (m & (SZ_2M - 1)) || !inside(m, mods, base, hi)) {
        m = hi - base >= mods ? ROUNDDOWN(hi - mods, SZ_2M) : 0;
        if (hi - base < mods || m < kend2m || m < base) {
            m = ks - base >= mods ? ROUNDDOWN(ks - mods, SZ_2M) : 0;
            if (ks - base < mods || m < base) {
                if (!find_slot(banks + i + 1, nr - i - 1, mods, SZ_4G, 0, 0, &m))
                    return false;
            }
        }
    }
    pl->kernel_start = ks;
    pl->kernel_end = ke;
    pl->entry = ks;
    pl->dtb_start = m;
    pl->ram_base = base;
    return true;
}

static int place_arm32(const struct dom0_kernel *k, const struct dom0_bank *banks,
                       unsigned int nr, uint64_t mods, struct dom0_placement *pl,
                       char *err, size_t errlen)
{
    /*
     * Linux's zImage takes the start of RAM to be its own address rounded
     * down to 128 MiB, ignores RAM below that and decompresses the kernel
     * just above it.  So, lowest first: a 128 MiB aligned base with the
     * whole 128 MiB window of RAM above it; else with less; failing that
     * (a kernel that is not Linux may not care) a bank's start.
     */
    for (unsigned int pass = 0; pass < 3; pass++) {
        for (unsigned int i = 0; i < nr; i++) {
            uint64_t base;

            if (!roundup_ok(banks[i].start, pass < 2 ? DOM0_ZIMAGE_WINDOW : 4096, &base))
                continue;
            if (pass == 0 && !inside(base, DOM0_ZIMAGE_WINDOW, base, bank_end(&banks[i], SZ_4G)))
                continue;
            if (zimage_in_bank(k, banks, nr, i, base, mods, pl))
                return 0;
        }
    }
    if (banks[0].start >= SZ_4G)
        PFAIL(-ENOMEM, "AArch32 dom0 needs RAM below 4 GiB; its lowest bank starts at %#llx",
              (unsigned long long)banks[0].start);
    if (k->zimage_start)
        PFAIL(-EINVAL, "arm32 zImage must run at %#llx (not relocatable), which is not in dom0's RAM below 4 GiB with room for the device tree and ramdisk",
              (unsigned long long)k->zimage_start);
    PFAIL(-ENOMEM, "no dom0 bank below 4 GiB holds the %llu KiB zImage and the device tree and ramdisk (%llu MiB)",
          (unsigned long long)(k->mem_size >> 10), (unsigned long long)(mods >> 20));
}

int dom0_kernel_place(const struct dom0_kernel *k, const struct dom0_bank *banks,
                      unsigned int nr_banks, uint64_t initrd_size,
                      struct dom0_placement *pl, char *err, size_t errlen)
{
    uint64_t rd, mods;
    int rc;

    memset(pl, 0, sizeof(*pl));
    if (err && errlen)
        err[0] = '\0';
    if (!nr_banks)
        PFAIL(-ENOMEM, "dom0 has no RAM");
    for (unsigned int i = 1; i < nr_banks; i++)
        if (banks[i].start < banks[i - 1].start + banks[i - 1].size)
            PFAIL(-EINVAL, "dom0 banks overlap or are not sorted");
    if (!roundup_ok(initrd_size, SZ_2M, &rd) || !add_ok(rd, DOM0_FDT_SLOT, &mods))
        PFAIL(-EINVAL, "ramdisk size %#llx overflows", (unsigned long long)initrd_size);

    switch (k->kind) {
    case DOM0_KERNEL_ARM64_IMAGE:
        rc = place_arm64(k, banks, nr_banks, mods, pl, err, errlen);
        break;
    case DOM0_KERNEL_ARM32_ZIMAGE:
        rc = place_arm32(k, banks, nr_banks, mods, pl, err, errlen);
        break;
    default:
        PFAIL(-EINVAL, "no kernel probed");
    }
    if (rc)
        return rc;

    if (initrd_size) {
        pl->initrd_start = pl->dtb_start + DOM0_FDT_SLOT;
        pl->initrd_end = pl->initrd_start + initrd_size;
    } else {
        pl->initrd_start = pl->initrd_end = 0;
    }
    return 0;
}
