/*
 * demo-dom0: a minimal, bounds-checked walk of the flattened device tree
 * the domain builder gave us, for two facts: /chosen/bootargs and the
 * number of /cpus/cpu@N nodes.  The blob is read a byte at a time (our
 * MMU is off, so every access is to Device memory and must be aligned).
 */
#include "demo.h"

#define FDT_MAGIC       0xd00dfeedu
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_NOP         4
#define FDT_END         9
#define FDT_MAX_SIZE    (2u << 20)      /* the arm64 boot protocol's limit */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Length of the NUL-terminated string at p, or -1 if it runs past end. */
static long str_len(const unsigned char *p, const unsigned char *end)
{
    for (const unsigned char *q = p; q < end; q++) {
        if (!*q)
            return q - p;
    }
    return -1;
}

void demo_fdt_scan(unsigned long dtb, struct demo_dt *dt)
{
    const unsigned char *blob = (const unsigned char *)dtb;
    const unsigned char *p, *end, *strings, *strings_end;
    uint32_t total, off_struct, size_struct, off_strings, size_strings;
    unsigned int depth = 0;
    bool in_chosen = false, in_cpus = false;

    dt->bootargs = "";
    dt->nr_cpus = 0;
    dt->error = NULL;
    if (!dtb || (dtb & 7)) {
        dt->error = "no device tree address";
        return;
    }
    if (be32(blob) != FDT_MAGIC) {
        dt->error = "bad magic";
        return;
    }
    total = be32(blob + 4);
    off_struct = be32(blob + 8);
    off_strings = be32(blob + 12);
    size_strings = be32(blob + 32);
    size_struct = be32(blob + 36);
    if (total < 40 || total > FDT_MAX_SIZE || off_struct > total ||
        size_struct > total - off_struct || off_strings > total ||
        size_strings > total - off_strings || (off_struct & 3)) {
        dt->error = "inconsistent header";
        return;
    }
    p = blob + off_struct;
    end = p + size_struct;
    strings = blob + off_strings;
    strings_end = strings + size_strings;

    while (p + 4 <= end) {
        uint32_t token = be32(p);
        long n;

        p += 4;
        switch (token) {
        case FDT_BEGIN_NODE:
            n = str_len(p, end);
            if (n < 0) {
                dt->error = "unterminated node name";
                return;
            }
            depth++;
            if (depth == 2) {
                in_chosen = n == 6 && !demo_strncmp((const char *)p, "chosen", 6);
                in_cpus = n == 4 && !demo_strncmp((const char *)p, "cpus", 4);
            } else if (depth == 3 && in_cpus && !demo_strncmp((const char *)p, "cpu@", 4)) {
                dt->nr_cpus++;
            }
            p += (n + 1 + 3) & ~3l;
            break;
        case FDT_END_NODE:
            if (!depth) {
                dt->error = "unbalanced nodes";
                return;
            }
            if (--depth < 2)
                in_chosen = in_cpus = false;
            break;
        case FDT_PROP: {
            uint32_t len, nameoff;
            const unsigned char *name;

            if (p + 8 > end) {
                dt->error = "truncated property";
                return;
            }
            len = be32(p);
            nameoff = be32(p + 4);
            p += 8;
            if (len > (uint32_t)(end - p) || nameoff >= size_strings) {
                dt->error = "property out of bounds";
                return;
            }
            name = strings + nameoff;
            if (depth == 2 && in_chosen && str_len(name, strings_end) == 8 &&
                !demo_strncmp((const char *)name, "bootargs", 8) && len &&
                str_len(p, p + len) == (long)len - 1)
                dt->bootargs = (const char *)p;
            p += (len + 3) & ~3u;
            break;
        }
        case FDT_NOP:
            break;
        case FDT_END:
            return;
        default:
            dt->error = "unknown token";
            return;
        }
    }
    dt->error = "no end token";
}
