/*
 * PVH kernel images (ELF32 or ELF64, x86) and the dom0 boot options.
 *
 * The image is untrusted: every header field is checked before anything
 * it points to is read, all sums are overflow-checked, and reads are byte
 * copies (no alignment assumed).  Only what a PVH loader needs is taken:
 * the PT_LOAD segments (loaded at their physical addresses, as Xen's PVH
 * builder does for kernels without a PADDR_OFFSET note) and the entry
 * point from the XEN_ELFNOTE_PHYS32_ENTRY note.
 *
 * This file builds in the hypervisor and on the host (the parser's unit
 * test): it uses nothing but string functions and snprintf.
 */
#ifdef __XEN__
#include <xen/errno.h>
#include <xen/lib.h>
#else
#include <errno.h>
#include <stdio.h>
#include <string.h>
#endif
#include <asm/pvh.h>

#ifndef ROUNDUP
#define ROUNDUP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#endif

#define EI_NIDENT           16
#define ELFCLASS32          1
#define ELFCLASS64          2
#define ELFDATA2LSB         1
#define EV_CURRENT          1
#define ET_EXEC             2
#define ET_DYN              3
#define EM_386              3
#define EM_X86_64           62
#define PT_LOAD             1
#define PT_NOTE             4
#define SHT_NOTE            7

#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define MAX_PHDRS           128
#define MAX_SHDRS           512

/* Field offsets and sizes of the two ELF classes. */
struct elf_layout {
    unsigned int ehdr_size;
    unsigned int e_type, e_machine, e_phoff, e_shoff, e_phentsize, e_phnum,
                 e_shentsize, e_shnum;
    unsigned int phdr_size, p_type, p_offset, p_paddr, p_filesz, p_memsz;
    unsigned int shdr_size, sh_type, sh_offset, sh_size;
    unsigned int word;          /* 4 or 8: size of offsets and addresses */
};

static const struct elf_layout elf32 = {
    .ehdr_size = 52, .e_type = 16, .e_machine = 18, .e_phoff = 28, .e_shoff = 32,
    .e_phentsize = 42, .e_phnum = 44, .e_shentsize = 46, .e_shnum = 48,
    .phdr_size = 32, .p_type = 0, .p_offset = 4, .p_paddr = 12, .p_filesz = 16,
    .p_memsz = 20,
    .shdr_size = 40, .sh_type = 4, .sh_offset = 16, .sh_size = 20,
    .word = 4,
};

static const struct elf_layout elf64 = {
    .ehdr_size = 64, .e_type = 16, .e_machine = 18, .e_phoff = 32, .e_shoff = 40,
    .e_phentsize = 54, .e_phnum = 56, .e_shentsize = 58, .e_shnum = 60,
    .phdr_size = 56, .p_type = 0, .p_offset = 8, .p_paddr = 24, .p_filesz = 32,
    .p_memsz = 40,
    .shdr_size = 64, .sh_type = 4, .sh_offset = 24, .sh_size = 32,
    .word = 8,
};

struct image {
    const uint8_t *p;
    size_t size;
};

/* Little-endian unsigned value of n bytes at off; the caller checked the range. */
static uint64_t get(const struct image *im, uint64_t off, unsigned int n)
{
    uint64_t v = 0;

    for (unsigned int i = n; i-- > 0; )
        v = (v << 8) | im->p[off + i];
    return v;
}

/* Is [off, off + len) inside the image? */
static bool inside(const struct image *im, uint64_t off, uint64_t len)
{
    return off <= im->size && len <= im->size - off;
}

#define FAIL(...) do { snprintf(err, err_size, __VA_ARGS__); return -EINVAL; } while (0)

/*
 * Walk the notes in [off, off + len).  Returns 1 when a PHYS32_ENTRY was
 * found (*entry set), 0 when not, -1 when the notes are malformed.
 */
static int scan_notes(const struct image *im, uint64_t off, uint64_t len, uint32_t *entry)
{
    uint64_t end = off + len;

    while (end - off >= 12) {
        uint64_t namesz = get(im, off, 4), descsz = get(im, off + 4, 4);
        uint64_t type = get(im, off + 8, 4);
        uint64_t name = off + 12;
        uint64_t desc = name + ROUNDUP(namesz, 4);
        uint64_t next = desc + ROUNDUP(descsz, 4);

        /* namesz and descsz are 32-bit: these sums cannot overflow. */
        if (desc > end || next > end || desc + descsz > end)
            return -1;
        if (namesz == 4 && !memcmp(im->p + name, "Xen", 4) &&
            type == XEN_ELFNOTE_PHYS32_ENTRY) {
            uint64_t v;

            if (descsz != 4 && descsz != 8)
                return -1;
            v = get(im, desc, (unsigned int)descsz);
            if (v > 0xffffffffULL)
                return -1;
            *entry = (uint32_t)v;
            return 1;
        }
        off = next;
    }
    return 0;
}

int pvh_elf_parse(const void *image, size_t size, struct pvh_kernel *k,
                  char *err, size_t err_size)
{
    struct image im = { image, size };
    const struct elf_layout *L;
    uint64_t phoff, shoff, phentsize, phnum, shentsize, shnum, type, machine;
    bool found = false, have_load = false;
    int r;

    memset(k, 0, sizeof(*k));
    if (!image || size < EI_NIDENT || memcmp(image, "\177ELF", 4))
        FAIL("not an ELF image");
    if (im.p[4] == ELFCLASS32)
        L = &elf32;
    else if (im.p[4] == ELFCLASS64)
        L = &elf64;
    else
        FAIL("unknown ELF class %u", im.p[4]);
    if (im.p[5] != ELFDATA2LSB)
        FAIL("not a little-endian ELF image");
    if (im.p[6] != EV_CURRENT)
        FAIL("unknown ELF version %u", im.p[6]);
    if (!inside(&im, 0, L->ehdr_size))
        FAIL("truncated ELF header");
    k->is_64bit = L == &elf64;

    type = get(&im, L->e_type, 2);
    machine = get(&im, L->e_machine, 2);
    if (type != ET_EXEC && type != ET_DYN)
        FAIL("ELF type %llu is not an executable", (unsigned long long)type);
    if (machine != (k->is_64bit ? EM_X86_64 : EM_386))
        FAIL("ELF machine %llu is not x86", (unsigned long long)machine);

    phoff = get(&im, L->e_phoff, L->word);
    shoff = get(&im, L->e_shoff, L->word);
    phentsize = get(&im, L->e_phentsize, 2);
    phnum = get(&im, L->e_phnum, 2);
    shentsize = get(&im, L->e_shentsize, 2);
    shnum = get(&im, L->e_shnum, 2);

    if (!phnum)
        FAIL("no program headers");
    if (phnum > MAX_PHDRS)
        FAIL("%llu program headers (at most %u)", (unsigned long long)phnum, MAX_PHDRS);
    if (phentsize < L->phdr_size)
        FAIL("program header entries of %llu bytes", (unsigned long long)phentsize);
    if (!inside(&im, phoff, phnum * phentsize))
        FAIL("program headers outside the image");

    k->start = ~0ULL;
    for (uint64_t i = 0; i < phnum; i++) {
        uint64_t ph = phoff + i * phentsize;
        uint64_t ptype = get(&im, ph + L->p_type, 4);
        uint64_t off = get(&im, ph + L->p_offset, L->word);
        uint64_t filesz = get(&im, ph + L->p_filesz, L->word);
        uint64_t paddr = get(&im, ph + L->p_paddr, L->word);
        uint64_t memsz = get(&im, ph + L->p_memsz, L->word);
        struct pvh_segment *s;

        if (ptype == PT_NOTE) {
            if (!inside(&im, off, filesz))
                FAIL("note segment %llu outside the image", (unsigned long long)i);
            r = found ? 1 : scan_notes(&im, off, filesz, &k->entry);
            if (r < 0)
                FAIL("malformed note in segment %llu", (unsigned long long)i);
            found |= r > 0;
            continue;
        }
        if (ptype != PT_LOAD || !memsz)
            continue;
        if (!inside(&im, off, filesz))
            FAIL("segment %llu outside the image", (unsigned long long)i);
        if (filesz > memsz)
            FAIL("segment %llu has more file bytes than memory", (unsigned long long)i);
        if (paddr + memsz < paddr)
            FAIL("segment %llu wraps around", (unsigned long long)i);
        if (k->nr_segments == PVH_MAX_SEGMENTS)
            FAIL("more than %u loadable segments", PVH_MAX_SEGMENTS);
        s = &k->seg[k->nr_segments++];
        s->offset = off;
        s->filesz = filesz;
        s->paddr = paddr;
        s->memsz = memsz;
        if (paddr < k->start)
            k->start = paddr;
        if (paddr + memsz > k->end)
            k->end = paddr + memsz;
        have_load = true;
    }
    if (!have_load)
        FAIL("nothing to load");

    /* Notes only in sections (no PT_NOTE): look there. */
    if (!found && shoff && shnum) {
        if (shnum > MAX_SHDRS)
            FAIL("%llu section headers (at most %u)", (unsigned long long)shnum, MAX_SHDRS);
        if (shentsize < L->shdr_size)
            FAIL("section header entries of %llu bytes", (unsigned long long)shentsize);
        if (!inside(&im, shoff, shnum * shentsize))
            FAIL("section headers outside the image");
        for (uint64_t i = 0; i < shnum && !found; i++) {
            uint64_t sh = shoff + i * shentsize;
            uint64_t off = get(&im, sh + L->sh_offset, L->word);
            uint64_t len = get(&im, sh + L->sh_size, L->word);

            if (get(&im, sh + L->sh_type, 4) != SHT_NOTE)
                continue;
            if (!inside(&im, off, len))
                FAIL("note section %llu outside the image", (unsigned long long)i);
            r = scan_notes(&im, off, len, &k->entry);
            if (r < 0)
                FAIL("malformed note in section %llu", (unsigned long long)i);
            found = r > 0;
        }
    }
    if (!found)
        FAIL("no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");

    /* The entry must be something we load. */
    for (unsigned int i = 0; i < k->nr_segments; i++)
        if (k->entry >= k->seg[i].paddr && k->entry - k->seg[i].paddr < k->seg[i].memsz)
            return 0;
    FAIL("entry point %#x is outside every loaded segment", k->entry);
}

/* ------------------------------------------------------------ options */

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Unsigned decimal or 0x hex; false on no digits or overflow. */
static bool parse_number(const char *s, const char *end, uint64_t *out, const char **next)
{
    unsigned int base = 10;
    uint64_t v = 0;
    bool any = false;

    if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (; s < end; s++) {
        unsigned int d;

        if (*s >= '0' && *s <= '9')
            d = (unsigned int)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned int)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned int)(*s - 'A' + 10);
        else
            break;
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
        any = true;
    }
    *out = v;
    *next = s;
    return any;
}

/* A size with Xen's units: B, K, M, G, T; no unit means KiB. */
static bool parse_size(const char *s, const char *end, uint64_t *out, const char **next)
{
    unsigned int shift = 10;
    uint64_t v;

    if (!parse_number(s, end, &v, &s))
        return false;
    if (s < end) {
        switch (*s) {
        case 'T': case 't': shift = 40; s++; break;
        case 'G': case 'g': shift = 30; s++; break;
        case 'M': case 'm': shift = 20; s++; break;
        case 'K': case 'k': shift = 10; s++; break;
        case 'B': case 'b': shift = 0; s++; break;
        default: break;
        }
    }
    if (v > (UINT64_MAX >> shift))
        return false;
    *out = v << shift;
    *next = s;
    return true;
}

/* dom0_mem=[min:S,][max:S,][S] (percentages and "all but" are not supported). */
static bool parse_dom0_mem(const char *s, const char *end, struct pvh_dom0_options *opt)
{
    uint64_t mem = 0, max = 0, v;

    while (s < end) {
        uint64_t *dst = &mem;

        if (end - s > 4 && !strncmp(s, "min:", 4)) {
            dst = &v;
            s += 4;
        } else if (end - s > 4 && !strncmp(s, "max:", 4)) {
            dst = &max;
            s += 4;
        }
        if (!parse_size(s, end, dst, &s))
            return false;
        if (s < end && *s++ != ',')
            return false;
    }
    opt->mem = mem;
    opt->mem_max = max;
    return true;
}

/* dom0_max_vcpus=N or N-M (the upper bound counts) or -M. */
static bool parse_max_vcpus(const char *s, const char *end, unsigned int *out)
{
    uint64_t lo = 1, hi;

    if (s < end && *s != '-' && !parse_number(s, end, &lo, &s))
        return false;
    hi = lo;
    if (s < end && *s == '-') {
        s++;
        if (s == end)
            hi = 0xffff;
        else if (!parse_number(s, end, &hi, &s))
            return false;
    }
    if (s != end || !hi || hi > 0xffff)
        return false;
    *out = (unsigned int)hi;
    return true;
}

void pvh_parse_options(const char *cmdline, struct pvh_dom0_options *opt)
{
    static const char mem_key[] = "dom0_mem=", vcpus_key[] = "dom0_max_vcpus=";
    const char *p = cmdline;

    memset(opt, 0, sizeof(*opt));
    while (p && *p) {
        const char *tok, *end;

        while (is_space(*p))
            p++;
        tok = p;
        while (*p && !is_space(*p))
            p++;
        end = p;
        if ((size_t)(end - tok) >= sizeof(mem_key) - 1 &&
            !strncmp(tok, mem_key, sizeof(mem_key) - 1)) {
            if (!parse_dom0_mem(tok + sizeof(mem_key) - 1, end, opt))
                opt->bad++;
        } else if ((size_t)(end - tok) >= sizeof(vcpus_key) - 1 &&
                   !strncmp(tok, vcpus_key, sizeof(vcpus_key) - 1)) {
            if (!parse_max_vcpus(tok + sizeof(vcpus_key) - 1, end, &opt->max_vcpus))
                opt->bad++;
        }
    }
}
