/*
 * ACPI static table parser: RSDP -> XSDT/RSDT -> MADT and HPET.
 *
 * Everything here comes from firmware and is checked before it is used
 * (see asm/acpi.h): memory is reached only through acpi_mem.map() for the
 * exact byte ranges that were validated, all multi-byte fields are read
 * with memcpy (tables need not be aligned), and every length is compared
 * with what is left before anything beyond it is read.  A table length is
 * read once, from the header, and that value bounds everything after it.
 */
#include <xen/console.h>
#include <xen/lib.h>
#include <asm/acpi.h>

/* RSDP field offsets. */
#define RSDP_SIGNATURE      0
#define RSDP_CHECKSUM_LEN   20      /* the 1.0 checksum covers these bytes */
#define RSDP_OEM_ID         9
#define RSDP_REVISION       15
#define RSDP_RSDT           16
#define RSDP_LENGTH         20
#define RSDP_XSDT           24

/* Table header field offsets. */
#define HDR_SIGNATURE       0
#define HDR_LENGTH          4

/* MADT */
#define MADT_LAPIC_ADDR     36
#define MADT_FLAGS          40
#define MADT_ENTRIES        44
#define MADT_PCAT_COMPAT    (1u << 0)

#define MADT_LAPIC              0
#define MADT_IOAPIC             1
#define MADT_OVERRIDE           2
#define MADT_NMI_SOURCE         3
#define MADT_LAPIC_NMI          4
#define MADT_LAPIC_OVERRIDE     5
#define MADT_X2APIC             9
#define MADT_X2APIC_NMI         10

#define MADT_CPU_ENABLED        (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)

/* An I/O APIC's registers: index, data and (on newer ones) EOI. */
#define IOAPIC_WINDOW       0x100

/* HPET */
#define HPET_TABLE_MIN      56
#define HPET_GAS_SPACE      40      /* generic address: space id */
#define HPET_GAS_ADDR       44
#define HPET_NUMBER         52
#define HPET_BLOCK_SIZE     1024

static uint16_t rd16(const uint8_t *p)
{
    uint16_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static uint8_t checksum(const uint8_t *p, uint64_t len)
{
    uint8_t sum = 0;

    for (uint64_t i = 0; i < len; i++)
        sum += p[i];
    return sum;
}

/* The 4-character signature as a printable string. */
static void sig_string(char out[5], const uint8_t *sig)
{
    for (unsigned int i = 0; i < 4; i++)
        out[i] = sig[i] >= 0x20 && sig[i] < 0x7f ? (char)sig[i] : '?';
    out[4] = '\0';
}

static const void *map_range(const struct acpi_mem *m, uint64_t pa, uint64_t len)
{
    if (pa == 0 || len == 0 || pa + len < pa)
        return NULL;
    return m->map(m->ctx, pa, len);
}

bool acpi_rsdp_valid(const void *ptr, uint64_t avail)
{
    const uint8_t *p = ptr;
    uint32_t len;

    if (!p || avail < ACPI_RSDP_V1_SIZE)
        return false;
    if (memcmp(p + RSDP_SIGNATURE, "RSD PTR ", 8) != 0)
        return false;
    if (checksum(p, RSDP_CHECKSUM_LEN) != 0)
        return false;
    if (p[RSDP_REVISION] < 2)
        return true;
    /* ACPI 2.0+: the longer structure has a length and its own checksum. */
    if (avail < ACPI_RSDP_V2_SIZE)
        return false;
    len = rd32(p + RSDP_LENGTH);
    if (len < ACPI_RSDP_V2_SIZE || len > avail)
        return false;
    return checksum(p, len) == 0;
}

uint64_t acpi_scan_rsdp(const struct acpi_mem *m, uint64_t start, uint64_t len)
{
    const uint8_t *area;

    start = ROUNDUP(start, (uint64_t)16);
    if (len < ACPI_RSDP_V1_SIZE)
        return 0;
    area = map_range(m, start, len);
    if (!area)
        return 0;
    /*
     * The caller reads an RSDP through its first ACPI_RSDP_V2_SIZE bytes
     * (all that ACPI 2.0+ defines): one that only checks out with more,
     * its length field claiming extra bytes, would be found here and then
     * refused by acpi_parse(), so it is skipped here.
     */
    for (uint64_t off = 0; len - off >= ACPI_RSDP_V1_SIZE; off += 16) {
        uint64_t avail = len - off < ACPI_RSDP_V2_SIZE ? len - off : ACPI_RSDP_V2_SIZE;

        if (acpi_rsdp_valid(area + off, avail))
            return start + off;
    }
    return 0;
}

/* ------------------------------------------------------------------ */

struct table_range {
    uint64_t start, end;
};

struct parse_state {
    const struct acpi_mem *m;
    struct acpi_info *info;
    struct table_range seen[ACPI_MAX_TABLES + 2];
    unsigned int nr_seen;
};

static void reject(struct parse_state *s, const char *fmt, ...) __printf(2, 3);

static void reject(struct parse_state *s, const char *fmt, ...)
{
    char buf[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("ACPI: %s\n", buf);
    s->info->errors++;
}

static bool overlaps_seen(const struct parse_state *s, uint64_t start, uint64_t end)
{
    for (unsigned int i = 0; i < s->nr_seen; i++)
        if (start < s->seen[i].end && s->seen[i].start < end)
            return true;
    return false;
}

static void add_seen(struct parse_state *s, uint64_t start, uint64_t end)
{
    if (s->nr_seen < ARRAY_SIZE(s->seen)) {
        s->seen[s->nr_seen].start = start;
        s->seen[s->nr_seen].end = end;
        s->nr_seen++;
    }
}

/*
 * Map and validate the table at pa: readable header, sane length, whole
 * table readable, checksum.  On success *len is the length that was
 * checked; the table must only be read within it.
 */
static const uint8_t *get_table(struct parse_state *s, uint64_t pa, const char *what,
                                uint32_t *len)
{
    const uint8_t *hdr, *t;
    char sig[5];
    uint32_t l;

    hdr = map_range(s->m, pa, ACPI_HEADER_SIZE);
    if (!hdr) {
        reject(s, "%s at %#llx is not in readable memory, ignored", what,
               (unsigned long long)pa);
        return NULL;
    }
    sig_string(sig, hdr + HDR_SIGNATURE);
    l = rd32(hdr + HDR_LENGTH);
    if (l < ACPI_HEADER_SIZE || l > ACPI_TABLE_MAX) {
        reject(s, "%s '%s' at %#llx has implausible length %u, ignored", what, sig,
               (unsigned long long)pa, l);
        return NULL;
    }
    t = map_range(s->m, pa, l);
    if (!t) {
        reject(s, "%s '%s' at %#llx: its %u bytes are not all readable, ignored",
               what, sig, (unsigned long long)pa, l);
        return NULL;
    }
    /* The header may have been re-read: it must still say the same. */
    if (rd32(t + HDR_LENGTH) != l) {
        reject(s, "%s '%s' at %#llx changed under us, ignored", what, sig,
               (unsigned long long)pa);
        return NULL;
    }
    if (checksum(t, l) != 0) {
        reject(s, "%s '%s' at %#llx has a bad checksum, ignored", what, sig,
               (unsigned long long)pa);
        return NULL;
    }
    *len = l;
    return t;
}

/* ------------------------------------------------------------------ MADT */

static bool cpu_known(const struct acpi_info *info, uint32_t apic_id)
{
    for (unsigned int i = 0; i < info->nr_cpus; i++)
        if (info->cpus[i].apic_id == apic_id)
            return true;
    return false;
}

static void madt_cpu(struct parse_state *s, uint32_t apic_id, uint32_t uid,
                     uint32_t flags, bool x2apic, uint32_t off)
{
    struct acpi_info *info = s->info;

    if (!(flags & MADT_CPU_ENABLED)) {
        /* Absent, or present but to be brought online later: not ours. */
        info->nr_cpus_off++;
        return;
    }
    if ((!x2apic && apic_id == 0xff) || (x2apic && apic_id == 0xffffffffu)) {
        reject(s, "MADT entry at offset %#x: broadcast APIC id, ignored", off);
        return;
    }
    if (cpu_known(info, apic_id)) {
        reject(s, "MADT entry at offset %#x: APIC id %u listed twice, ignored",
               off, apic_id);
        return;
    }
    if (info->nr_cpus >= ACPI_MAX_CPUS) {
        info->nr_cpus_lost++;
        return;
    }
    info->cpus[info->nr_cpus].apic_id = apic_id;
    info->cpus[info->nr_cpus].uid = uid;
    info->cpus[info->nr_cpus].x2apic = x2apic;
    info->nr_cpus++;
}

static void madt_ioapic(struct parse_state *s, const uint8_t *e, uint32_t off)
{
    struct acpi_info *info = s->info;
    uint32_t id = e[2], addr = rd32(e + 4), gsi = rd32(e + 8);

    if (addr == 0 || addr % 4 || (uint64_t)addr + IOAPIC_WINDOW > (1ULL << 32)) {
        reject(s, "MADT entry at offset %#x: I/O APIC address %#x is unusable, ignored",
               off, addr);
        return;
    }
    for (unsigned int i = 0; i < info->nr_ioapics; i++) {
        const struct acpi_ioapic *o = &info->ioapics[i];

        if (o->id == id || (addr < o->addr + IOAPIC_WINDOW && o->addr < addr + IOAPIC_WINDOW)) {
            reject(s, "MADT entry at offset %#x: I/O APIC %u at %#x overlaps I/O APIC %u "
                   "at %#x, ignored", off, id, addr, o->id, o->addr);
            return;
        }
    }
    if (info->nr_ioapics >= ACPI_MAX_IOAPICS) {
        reject(s, "MADT entry at offset %#x: too many I/O APICs, ignored", off);
        return;
    }
    info->ioapics[info->nr_ioapics].id = id;
    info->ioapics[info->nr_ioapics].addr = addr;
    info->ioapics[info->nr_ioapics].gsi_base = gsi;
    info->nr_ioapics++;
}

static void madt_override(struct parse_state *s, const uint8_t *e, uint32_t off)
{
    struct acpi_info *info = s->info;
    uint8_t bus = e[2], source = e[3];

    for (unsigned int i = 0; i < info->nr_overrides; i++)
        if (info->overrides[i].bus == bus && info->overrides[i].source == source) {
            reject(s, "MADT entry at offset %#x: second override of IRQ %u, ignored",
                   off, source);
            return;
        }
    if (info->nr_overrides >= ACPI_MAX_OVERRIDES) {
        reject(s, "MADT entry at offset %#x: too many interrupt overrides, ignored", off);
        return;
    }
    info->overrides[info->nr_overrides].bus = bus;
    info->overrides[info->nr_overrides].source = source;
    info->overrides[info->nr_overrides].gsi = rd32(e + 4);
    info->overrides[info->nr_overrides].flags = rd16(e + 8);
    info->nr_overrides++;
}

static void madt_lapic_nmi(struct parse_state *s, uint32_t uid, bool all,
                           uint8_t lint, uint16_t flags, uint32_t off)
{
    struct acpi_info *info = s->info;

    if (lint > 1) {
        reject(s, "MADT entry at offset %#x: NMI on LINT%u, which does not exist, ignored",
               off, lint);
        return;
    }
    if (info->nr_lapic_nmis >= ACPI_MAX_LAPIC_NMIS) {
        reject(s, "MADT entry at offset %#x: too many local APIC NMI entries, ignored", off);
        return;
    }
    info->lapic_nmis[info->nr_lapic_nmis].uid = uid;
    info->lapic_nmis[info->nr_lapic_nmis].all = all;
    info->lapic_nmis[info->nr_lapic_nmis].lint = lint;
    info->lapic_nmis[info->nr_lapic_nmis].flags = flags;
    info->nr_lapic_nmis++;
}

/* Smallest valid length of each entry type we use (0: we skip the type). */
static uint8_t madt_min_len(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC:          return 8;
    case MADT_IOAPIC:         return 12;
    case MADT_OVERRIDE:       return 10;
    case MADT_LAPIC_NMI:      return 6;
    case MADT_LAPIC_OVERRIDE: return 12;
    case MADT_X2APIC:         return 16;
    case MADT_X2APIC_NMI:     return 12;
    default:                  return 0;
    }
}

static void parse_madt(struct parse_state *s, const uint8_t *t, uint32_t len)
{
    struct acpi_info *info = s->info;
    uint32_t off = MADT_ENTRIES;
    bool addr_override = false;

    if (len < MADT_ENTRIES) {
        reject(s, "MADT is %u bytes, too short for its fixed fields, ignored", len);
        return;
    }
    info->have_madt = true;
    info->lapic_addr = rd32(t + MADT_LAPIC_ADDR);
    info->pcat_compat = rd32(t + MADT_FLAGS) & MADT_PCAT_COMPAT;

    while (off < len) {
        const uint8_t *e = t + off;
        uint8_t type, elen, min;

        if (len - off < 2) {
            reject(s, "MADT has a stray byte at offset %#x, ignored", off);
            break;
        }
        type = e[0];
        elen = e[1];
        /* Without a usable length the next entry cannot be found: stop. */
        if (elen < 2) {
            reject(s, "MADT entry at offset %#x has length %u, rest of the MADT ignored",
                   off, elen);
            break;
        }
        if (elen > len - off) {
            reject(s, "MADT entry at offset %#x (type %u, %u bytes) runs past the end "
                   "of the table, ignored", off, type, elen);
            break;
        }
        min = madt_min_len(type);
        if (elen < min) {
            reject(s, "MADT entry at offset %#x (type %u) is %u bytes, needs %u, ignored",
                   off, type, elen, min);
            off += elen;
            continue;
        }

        switch (type) {
        case MADT_LAPIC:
            madt_cpu(s, e[3], e[2], rd32(e + 4), false, off);
            break;
        case MADT_X2APIC:
            madt_cpu(s, rd32(e + 4), rd32(e + 12), rd32(e + 8), true, off);
            break;
        case MADT_IOAPIC:
            madt_ioapic(s, e, off);
            break;
        case MADT_OVERRIDE:
            madt_override(s, e, off);
            break;
        case MADT_LAPIC_NMI:
            madt_lapic_nmi(s, e[2], e[2] == 0xff, e[5], rd16(e + 3), off);
            break;
        case MADT_X2APIC_NMI:
            madt_lapic_nmi(s, rd32(e + 4), rd32(e + 4) == 0xffffffffu, e[8],
                           rd16(e + 2), off);
            break;
        case MADT_LAPIC_OVERRIDE:
            if (addr_override) {
                reject(s, "MADT entry at offset %#x: second local APIC address "
                       "override, ignored", off);
                break;
            }
            addr_override = true;
            info->lapic_addr = rd64(e + 4);
            break;
        default:
            break;      /* types we have no use for */
        }
        off += elen;
    }
}

/* ------------------------------------------------------------------ HPET */

static void parse_hpet(struct parse_state *s, const uint8_t *t, uint32_t len)
{
    struct acpi_info *info = s->info;
    uint64_t addr;

    if (len < HPET_TABLE_MIN) {
        reject(s, "HPET table is %u bytes, too short, ignored", len);
        return;
    }
    addr = rd64(t + HPET_GAS_ADDR);
    if (t[HPET_GAS_SPACE] != 0) {
        reject(s, "HPET registers are not in memory space (space %u), ignored",
               t[HPET_GAS_SPACE]);
        return;
    }
    if (addr == 0 || addr % 8 || addr + HPET_BLOCK_SIZE < addr) {
        reject(s, "HPET address %#llx is unusable, ignored", (unsigned long long)addr);
        return;
    }
    info->have_hpet = true;
    info->hpet_addr = addr;
    info->hpet_number = t[HPET_NUMBER];
}

/* ------------------------------------------------------------------ root */

static bool is_sig(const uint8_t *t, const char *sig)
{
    return memcmp(t + HDR_SIGNATURE, sig, 4) == 0;
}

static void parse_entry(struct parse_state *s, uint64_t pa, unsigned int index,
                        uint64_t *listed, unsigned int *nr_listed)
{
    struct acpi_info *info = s->info;
    const uint8_t *t;
    uint32_t len;
    char sig[5];

    for (unsigned int i = 0; i < *nr_listed; i++)
        if (listed[i] == pa) {
            reject(s, "root table entry %u repeats the table at %#llx, ignored", index,
                   (unsigned long long)pa);
            return;
        }
    listed[(*nr_listed)++] = pa;

    t = get_table(s, pa, "table", &len);
    if (!t)
        return;
    sig_string(sig, t);
    if (overlaps_seen(s, pa, pa + len)) {
        reject(s, "table '%s' at %#llx (%u bytes) overlaps another table, ignored",
               sig, (unsigned long long)pa, len);
        return;
    }
    add_seen(s, pa, pa + len);
    memcpy(info->sigs[info->nr_tables], sig, sizeof(sig));
    info->nr_tables++;

    if (is_sig(t, "APIC")) {
        if (info->have_madt)
            reject(s, "second MADT at %#llx, ignored", (unsigned long long)pa);
        else
            parse_madt(s, t, len);
    } else if (is_sig(t, "HPET")) {
        if (info->have_hpet)
            reject(s, "second HPET table at %#llx, ignored", (unsigned long long)pa);
        else
            parse_hpet(s, t, len);
    }
}

/* The root table (XSDT if 64-bit, RSDT otherwise); false if unusable. */
static bool parse_root(struct parse_state *s, uint64_t pa, bool xsdt)
{
    const unsigned int esize = xsdt ? 8 : 4;
    const char *what = xsdt ? "XSDT" : "RSDT";
    uint64_t listed[ACPI_MAX_TABLES];
    unsigned int nr_listed = 0;
    const uint8_t *t;
    uint32_t len, n;

    t = get_table(s, pa, what, &len);
    if (!t)
        return false;
    if (!is_sig(t, xsdt ? "XSDT" : "RSDT")) {
        char sig[5];

        sig_string(sig, t);
        reject(s, "%s at %#llx has signature '%s', ignored", what,
               (unsigned long long)pa, sig);
        return false;
    }
    if ((len - ACPI_HEADER_SIZE) % esize) {
        reject(s, "%s at %#llx: length %u is not a whole number of entries, ignored",
               what, (unsigned long long)pa, len);
        return false;
    }
    if (overlaps_seen(s, pa, pa + len)) {
        reject(s, "%s at %#llx overlaps the RSDP, ignored", what, (unsigned long long)pa);
        return false;
    }
    add_seen(s, pa, pa + len);
    s->info->xsdt = xsdt;
    s->info->root_addr = pa;

    n = (len - ACPI_HEADER_SIZE) / esize;
    if (n > ACPI_MAX_TABLES) {
        reject(s, "%s lists %u tables, only the first %u are looked at", what, n,
               ACPI_MAX_TABLES);
        n = ACPI_MAX_TABLES;
    }
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = t + ACPI_HEADER_SIZE + (size_t)i * esize;
        uint64_t entry = xsdt ? rd64(e) : rd32(e);

        if (entry == 0) {
            reject(s, "%s entry %u is null, ignored", what, i);
            continue;
        }
        parse_entry(s, entry, i, listed, &nr_listed);
    }
    return true;
}

bool acpi_parse(const struct acpi_mem *m, const void *rsdp, uint64_t rsdp_len,
                uint64_t rsdp_pa, struct acpi_info *info)
{
    static struct parse_state s;   /* too large for a hypervisor stack */
    const uint8_t *p = rsdp;
    uint64_t xsdt = 0;
    uint32_t rsdt = 0;
    bool ok = false;

    memset(info, 0, sizeof(*info));
    memset(&s, 0, sizeof(s));
    s.m = m;
    s.info = info;

    if (!acpi_rsdp_valid(p, rsdp_len)) {
        reject(&s, "RSDP is not valid (signature, checksum or length)");
        return false;
    }
    info->revision = p[RSDP_REVISION];
    memcpy(info->oem_id, p + RSDP_OEM_ID, 6);
    for (unsigned int i = 0; i < 6; i++)
        if (info->oem_id[i] < 0x20 || info->oem_id[i] >= 0x7f)
            info->oem_id[i] = '?';
    info->oem_id[6] = '\0';
    if (rsdp_pa)
        add_seen(&s, rsdp_pa,
                 rsdp_pa + (info->revision >= 2 ? rd32(p + RSDP_LENGTH) : ACPI_RSDP_V1_SIZE));

    rsdt = rd32(p + RSDP_RSDT);
    if (info->revision >= 2)
        xsdt = rd64(p + RSDP_XSDT);

    /* Prefer the XSDT; fall back on the RSDT if it is unusable. */
    if (xsdt)
        ok = parse_root(&s, xsdt, true);
    if (!ok && rsdt) {
        if (xsdt)
            printk("ACPI: falling back on the RSDT\n");
        ok = parse_root(&s, rsdt, false);
    }
    if (!ok) {
        if (!xsdt && !rsdt)
            reject(&s, "RSDP points at no root table");
        return false;
    }
    return true;
}
