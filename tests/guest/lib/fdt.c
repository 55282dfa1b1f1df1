/* SPDX-License-Identifier: MIT */
/*
 * fdt.c - just enough flattened-device-tree reading for the tests: a
 * property by node path, and the number of CPU nodes.  Every offset is
 * checked against the blob's size; a malformed tree gives "not found".
 * Byte loads only: with the MMU off, unaligned loads would fault.
 */
#include "gt.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u
#define FDT_MAX_SIZE   (2u << 20)

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;

    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

struct walk {
    const uint8_t *blob;
    uint32_t size;
    uint32_t off_struct, size_struct, off_strings, size_strings;
};

static bool walk_init(struct walk *w, const void *fdt)
{
    const uint8_t *b = fdt;

    if (!fdt || be32(b) != FDT_MAGIC)
        return false;
    w->blob = b;
    w->size = be32(b + 4);
    w->off_struct = be32(b + 8);
    w->off_strings = be32(b + 12);
    w->size_strings = be32(b + 32);
    w->size_struct = be32(b + 36);
    if (w->size < 40 || w->size > FDT_MAX_SIZE)
        return false;
    if (w->off_struct > w->size || w->size_struct > w->size - w->off_struct)
        return false;
    if (w->off_strings > w->size || w->size_strings > w->size - w->off_strings)
        return false;
    return true;
}

/* A NUL-terminated string at off inside [lo, hi), or NULL. */
static const char *str_at(const struct walk *w, uint32_t lo, uint32_t hi, uint32_t off)
{
    if (off < lo || off >= hi)
        return NULL;
    for (uint32_t i = off; i < hi; i++)
        if (!w->blob[i])
            return (const char *)w->blob + off;
    return NULL;
}

/* Does node name "name@unit" match one path component (of length n)? */
static bool name_matches(const char *name, const char *comp, size_t n)
{
    if (strncmp(name, comp, n) != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (comp[i] == '@')
            return name[n] == '\0';       /* the unit address was given */
    return name[n] == '\0' || name[n] == '@';
}

#define MAX_DEPTH 16

struct visit {
    /* Called for every node start and every property (prop != NULL). */
    bool (*fn)(struct visit *v, unsigned int depth, const char *const *names,
               const char *prop, const void *data, uint32_t len);
};

static void walk(const void *fdt, struct visit *v)
{
    struct walk w;
    const char *names[MAX_DEPTH];
    unsigned int depth = 0;
    uint32_t off, end;

    if (!walk_init(&w, fdt))
        return;
    off = w.off_struct;
    end = w.off_struct + w.size_struct;
    while (off + 4 <= end) {
        uint32_t tok = be32(w.blob + off);

        off += 4;
        switch (tok) {
        case FDT_BEGIN_NODE: {
            const char *name = str_at(&w, off, end, off);

            if (!name || depth >= MAX_DEPTH)
                return;
            names[depth++] = name;
            off += (uint32_t)strlen(name) + 1;
            off = (off + 3) & ~3u;
            if (v->fn(v, depth, names, NULL, NULL, 0))
                return;
            break;
        }
        case FDT_END_NODE:
            if (depth == 0)
                return;
            depth--;
            break;
        case FDT_PROP: {
            uint32_t len, nameoff;
            const char *pname;

            if (off + 8 > end)
                return;
            len = be32(w.blob + off);
            nameoff = be32(w.blob + off + 4);
            off += 8;
            if (len > end - off)
                return;
            pname = str_at(&w, w.off_strings, w.off_strings + w.size_strings,
                           w.off_strings + nameoff);
            if (!pname || nameoff >= w.size_strings || depth == 0)
                return;
            if (v->fn(v, depth, names, pname, w.blob + off, len))
                return;
            off += len;
            off = (off + 3) & ~3u;
            break;
        }
        case FDT_NOP:
            break;
        default:            /* FDT_END or garbage */
            return;
        }
    }
}

/* ---- property by path ---------------------------------------------------- */

struct getprop {
    struct visit v;
    const char *path, *prop;
    const void *data;
    uint32_t len;
};

/* Does the node at this depth have exactly the path wanted ("/a/b")? */
static bool path_matches(const char *path, unsigned int depth, const char *const *names)
{
    unsigned int level = 1;    /* names[0] is the root, "" */

    while (*path == '/')
        path++;
    while (*path) {
        size_t n = 0;

        while (path[n] && path[n] != '/')
            n++;
        if (level >= depth || !name_matches(names[level], path, n))
            return false;
        level++;
        path += n;
        while (*path == '/')
            path++;
    }
    return level == depth;
}

static bool getprop_visit(struct visit *v, unsigned int depth, const char *const *names,
                          const char *prop, const void *data, uint32_t len)
{
    struct getprop *g = (struct getprop *)v;

    if (!prop || strcmp(prop, g->prop) != 0 || !path_matches(g->path, depth, names))
        return false;
    g->data = data;
    g->len = len;
    return true;
}

const void *gt_fdt_getprop(const void *fdt, const char *path, const char *prop,
                           uint32_t *len)
{
    struct getprop g = { { getprop_visit }, path, prop, NULL, 0 };

    walk(fdt, &g.v);
    if (len)
        *len = g.len;
    return g.data;
}

/* ---- CPU count ----------------------------------------------------------- */

struct cpus {
    struct visit v;
    unsigned int count;
};

static bool cpus_visit(struct visit *v, unsigned int depth, const char *const *names,
                       const char *prop, const void *data, uint32_t len)
{
    struct cpus *c = (struct cpus *)v;

    (void)data;
    (void)len;
    if (!prop && depth == 3 && name_matches(names[1], "cpus", 4) &&
        name_matches(names[2], "cpu", 3))
        c->count++;
    return false;
}

unsigned int gt_fdt_count_cpus(const void *fdt)
{
    struct cpus c = { { cpus_visit }, 0 };

    walk(fdt, &c.v);
    return c.count;
}
