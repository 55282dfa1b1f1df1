/*
 * Host test of the ACPI table parser (xen/arch/x86/acpi.c), run under
 * ASan and UBSan by acpi.t.
 *
 * Physical memory is simulated by a few blobs at chosen addresses.  Every
 * map() the parser makes returns a fresh heap copy of exactly the bytes it
 * asked for, so reading one byte beyond what it validated is an ASan error.
 * Well-formed tables (shaped like QEMU's q35 ones) come first, then each
 * kind of damage on its own, then thousands of randomly damaged sets.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/console.h>
#include <asm/acpi.h>

static char last_msg[512];
static char all_msgs[16384];
static unsigned int nr_msgs;
static int failures;
static const char *current = "";

int printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
    va_end(ap);
    nr_msgs++;
    if (strlen(all_msgs) + strlen(last_msg) + 1 < sizeof(all_msgs))
        strcat(all_msgs, last_msg);
    if (getenv("ACPI_VERBOSE"))
        fputs(last_msg, stdout);
    return n;
}

#define CHECK(cond) do {                                                    \
        if (!(cond)) {                                                      \
            printf("%s:%d: %s: check failed: %s\n  messages:\n%s",          \
                   __FILE__, __LINE__, current, #cond, all_msgs);           \
            failures++;                                                     \
        }                                                                   \
    } while (0)

#define SAW(text) CHECK(strstr(all_msgs, text) != NULL)

/* ---- simulated physical memory ----------------------------------------- */

#define MAX_BLOBS 16
#define MAX_COPIES 4096

struct blob {
    uint64_t pa;
    size_t len;
    uint8_t *bytes;
};

static struct blob blobs[MAX_BLOBS];
static unsigned int nr_blobs;
static void *copies[MAX_COPIES];
static unsigned int nr_copies;
static unsigned int nr_maps;

static const void *sim_map(void *ctx, uint64_t pa, uint64_t len)
{
    (void)ctx;
    nr_maps++;
    if (len == 0 || len > (64u << 20) || pa + len < pa)
        return NULL;
    for (unsigned int i = 0; i < nr_blobs; i++) {
        const struct blob *b = &blobs[i];

        if (pa >= b->pa && pa + len <= b->pa + b->len) {
            uint8_t *c;

            if (nr_copies >= MAX_COPIES)
                return NULL;
            c = malloc(len);
            memcpy(c, b->bytes + (pa - b->pa), len);
            copies[nr_copies++] = c;
            return c;
        }
    }
    return NULL;
}

static const struct acpi_mem sim_mem = { sim_map, NULL };

static void mem_reset(void)
{
    for (unsigned int i = 0; i < nr_blobs; i++)
        free(blobs[i].bytes);
    for (unsigned int i = 0; i < nr_copies; i++)
        free(copies[i]);
    nr_blobs = nr_copies = nr_maps = 0;
}

static void mem_put(uint64_t pa, const void *bytes, size_t len)
{
    struct blob *b = &blobs[nr_blobs++];

    b->pa = pa;
    b->len = len;
    b->bytes = malloc(len ? len : 1);
    memcpy(b->bytes, bytes, len);
}

/* ---- building tables ----------------------------------------------------- */

struct buf {
    uint8_t b[8192];
    size_t len;
};

static void put8(struct buf *t, uint8_t v) { t->b[t->len++] = v; }
static void put16(struct buf *t, uint16_t v) { memcpy(t->b + t->len, &v, 2); t->len += 2; }
static void put32(struct buf *t, uint32_t v) { memcpy(t->b + t->len, &v, 4); t->len += 4; }
static void put64(struct buf *t, uint64_t v) { memcpy(t->b + t->len, &v, 8); t->len += 8; }

static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;

    p[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    p[at] = (uint8_t)-sum;
}

static void table_start(struct buf *t, const char *sig)
{
    memset(t, 0, sizeof(*t));
    memcpy(t->b, sig, 4);
    t->b[8] = 1;                        /* revision */
    memcpy(t->b + 10, "BOCHS ", 6);
    memcpy(t->b + 16, "BXPC    ", 8);
    t->len = 36;
}

/* Store the length and checksum (len_override != 0 lies about the length). */
static void table_end(struct buf *t, uint32_t len_override)
{
    uint32_t len = len_override ? len_override : (uint32_t)t->len;

    memcpy(t->b + 4, &len, 4);
    fix_checksum(t->b, t->len, 9);
}

static void rsdp_build(struct buf *r, unsigned int rev, uint32_t rsdt, uint64_t xsdt)
{
    memset(r, 0, sizeof(*r));
    memcpy(r->b, "RSD PTR ", 8);
    memcpy(r->b + 9, "BOCHS ", 6);
    r->b[15] = (uint8_t)rev;
    memcpy(r->b + 16, &rsdt, 4);
    if (rev >= 2) {
        uint32_t len = 36;

        memcpy(r->b + 20, &len, 4);
        memcpy(r->b + 24, &xsdt, 8);
        fix_checksum(r->b, 20, 8);
        fix_checksum(r->b, 36, 32);
        r->len = 36;
    } else {
        fix_checksum(r->b, 20, 8);
        r->len = 20;
    }
}

/* MADT entries. */
static void madt_lapic(struct buf *t, uint8_t uid, uint8_t id, uint32_t flags)
{
    put8(t, 0); put8(t, 8); put8(t, uid); put8(t, id); put32(t, flags);
}

static void madt_x2apic(struct buf *t, uint32_t id, uint32_t uid, uint32_t flags)
{
    put8(t, 9); put8(t, 16); put16(t, 0); put32(t, id); put32(t, flags); put32(t, uid);
}

static void madt_ioapic(struct buf *t, uint8_t id, uint32_t addr, uint32_t gsi)
{
    put8(t, 1); put8(t, 12); put8(t, id); put8(t, 0); put32(t, addr); put32(t, gsi);
}

static void madt_iso(struct buf *t, uint8_t src, uint32_t gsi, uint16_t flags)
{
    put8(t, 2); put8(t, 10); put8(t, 0); put8(t, src); put32(t, gsi); put16(t, flags);
}

static void madt_nmi(struct buf *t, uint8_t uid, uint16_t flags, uint8_t lint)
{
    put8(t, 4); put8(t, 6); put8(t, uid); put16(t, flags); put8(t, lint);
}

static void madt_start(struct buf *t)
{
    table_start(t, "APIC");
    put32(t, 0xfee00000);
    put32(t, 1);                        /* PCAT_COMPAT */
}

/* QEMU q35 with 4 CPUs: what the good cases start from. */
static void good_madt(struct buf *t)
{
    madt_start(t);
    for (uint8_t i = 0; i < 4; i++)
        madt_lapic(t, i, i, 1);
    madt_ioapic(t, 0, 0xfec00000, 0);
    madt_iso(t, 0, 2, 0);
    madt_iso(t, 5, 5, 0xd);
    madt_iso(t, 9, 9, 0xd);
    madt_iso(t, 10, 10, 0xd);
    madt_iso(t, 11, 11, 0xd);
    madt_nmi(t, 0xff, 0, 1);
    table_end(t, 0);
}

static void good_hpet(struct buf *t)
{
    table_start(t, "HPET");
    put32(t, 0x8086a201);               /* event timer block id */
    put8(t, 0); put8(t, 64); put8(t, 0); put8(t, 0);
    put64(t, 0xfed00000);
    put8(t, 0);                         /* HPET number */
    put16(t, 0x80);                     /* minimum tick */
    put8(t, 0);
    table_end(t, 0);
}

static void simple_table(struct buf *t, const char *sig, size_t extra)
{
    table_start(t, sig);
    for (size_t i = 0; i < extra; i++)
        put8(t, (uint8_t)i);
    table_end(t, 0);
}

static void root_build(struct buf *t, bool xsdt, const uint64_t *e, unsigned int n)
{
    table_start(t, xsdt ? "XSDT" : "RSDT");
    for (unsigned int i = 0; i < n; i++) {
        if (xsdt)
            put64(t, e[i]);
        else
            put32(t, (uint32_t)e[i]);
    }
    table_end(t, 0);
}

/* Addresses of the standard layout. */
#define PA_RSDP  0x000f5a40ULL
#define PA_RSDT  0x1ffe2000ULL
#define PA_XSDT  0x1ffe2100ULL
#define PA_FACP  0x1ffe0000ULL
#define PA_MADT  0x1ffe1000ULL
#define PA_HPET  0x1ffe1400ULL
#define PA_MCFG  0x1ffe1800ULL

static struct acpi_info info;

static bool run(const struct buf *rsdp, uint64_t rsdp_pa)
{
    all_msgs[0] = '\0';
    nr_msgs = 0;
    return acpi_parse(&sim_mem, rsdp->b, rsdp->len, rsdp_pa, &info);
}

/* Put the standard set (with optional replacements) into memory. */
static void standard_memory(const struct buf *madt, const struct buf *hpet,
                            const struct buf *xsdt_override)
{
    struct buf facp, mcfg, def_madt, def_hpet, xsdt, rsdt;
    const uint64_t e[] = { PA_FACP, PA_MADT, PA_HPET, PA_MCFG };

    simple_table(&facp, "FACP", 244 - 36);
    simple_table(&mcfg, "MCFG", 24);
    if (!madt) {
        good_madt(&def_madt);
        madt = &def_madt;
    }
    if (!hpet) {
        good_hpet(&def_hpet);
        hpet = &def_hpet;
    }
    root_build(&xsdt, true, e, 4);
    root_build(&rsdt, false, e, 4);
    mem_put(PA_FACP, facp.b, facp.len);
    mem_put(PA_MADT, madt->b, madt->len);
    mem_put(PA_HPET, hpet->b, hpet->len);
    mem_put(PA_MCFG, mcfg.b, mcfg.len);
    if (xsdt_override)
        mem_put(PA_XSDT, xsdt_override->b, xsdt_override->len);
    else
        mem_put(PA_XSDT, xsdt.b, xsdt.len);
    mem_put(PA_RSDT, rsdt.b, rsdt.len);
}

/* ---- good tables --------------------------------------------------------- */

static void test_good(void)
{
    struct buf rsdp;

    current = "good (XSDT)";
    mem_reset();
    standard_memory(NULL, NULL, NULL);
    rsdp_build(&rsdp, 2, PA_RSDT, PA_XSDT);
    CHECK(run(&rsdp, 0));
    CHECK(info.revision == 2);
    CHECK(strcmp(info.oem_id, "BOCHS ") == 0);
    CHECK(info.xsdt && info.root_addr == PA_XSDT);
    CHECK(info.nr_tables == 4);
    CHECK(strcmp(info.sigs[0], "FACP") == 0 && strcmp(info.sigs[1], "APIC") == 0);
    CHECK(info.errors == 0);
    CHECK(nr_msgs == 0);
    CHECK(info.have_madt && info.lapic_addr == 0xfee00000 && info.pcat_compat);
    CHECK(info.nr_cpus == 4 && info.nr_cpus_off == 0);
    for (unsigned int i = 0; i < 4; i++)
        CHECK(info.cpus[i].apic_id == i && info.cpus[i].uid == i && !info.cpus[i].x2apic);
    CHECK(info.nr_ioapics == 1 && info.ioapics[0].addr == 0xfec00000);
    CHECK(info.nr_overrides == 5 && info.overrides[0].source == 0 &&
          info.overrides[0].gsi == 2 && info.overrides[1].flags == 0xd);
    CHECK(info.nr_lapic_nmis == 1 && info.lapic_nmis[0].all && info.lapic_nmis[0].lint == 1);
    CHECK(info.have_hpet && info.hpet_addr == 0xfed00000);

    current = "good (RSDT, ACPI 1.0 RSDP)";
    rsdp_build(&rsdp, 0, PA_RSDT, 0);
    CHECK(run(&rsdp, 0));
    CHECK(!info.xsdt && info.root_addr == PA_RSDT && info.nr_tables == 4);
    CHECK(info.nr_cpus == 4 && info.have_hpet && info.errors == 0);

    current = "good (RSDP in memory)";
    rsdp_build(&rsdp, 2, PA_RSDT, PA_XSDT);
    CHECK(run(&rsdp, PA_RSDP));
    CHECK(info.nr_cpus == 4 && info.errors == 0);

    current = "x2APIC entries, disabled and online-capable CPUs";
    {
        struct buf madt;

        mem_reset();
        madt_start(&madt);
        madt_lapic(&madt, 0, 0, 1);
        madt_lapic(&madt, 1, 1, 0);             /* not present */
        madt_lapic(&madt, 2, 2, 2);             /* online capable only */
        madt_x2apic(&madt, 300, 3, 1);
        madt_x2apic(&madt, 301, 4, 1);
        put8(&madt, 0x7f); put8(&madt, 4); put16(&madt, 0);  /* unknown type */
        madt_nmi(&madt, 0, 0, 0);
        table_end(&madt, 0);
        standard_memory(&madt, NULL, NULL);
        rsdp_build(&rsdp, 2, PA_RSDT, PA_XSDT);
        CHECK(run(&rsdp, 0));
        CHECK(info.nr_cpus == 3 && info.nr_cpus_off == 2 && info.errors == 0);
        CHECK(info.cpus[1].apic_id == 300 && info.cpus[1].x2apic && info.cpus[1].uid == 3);
        CHECK(info.nr_lapic_nmis == 1 && !info.lapic_nmis[0].all && info.lapic_nmis[0].lint == 0);
    }

    current = "more CPUs than the parser keeps";
    {
        struct buf madt;

        mem_reset();
        madt_start(&madt);
        for (uint32_t i = 0; i < ACPI_MAX_CPUS + 10; i++)
            madt_x2apic(&madt, i, i, 1);
        table_end(&madt, 0);
        standard_memory(&madt, NULL, NULL);
        CHECK(run(&rsdp, 0));
        CHECK(info.nr_cpus == ACPI_MAX_CPUS && info.nr_cpus_lost == 10);
    }
}

/* ---- the RSDP ------------------------------------------------------------ */

static void test_rsdp(void)
{
    struct buf r;

    mem_reset();
    standard_memory(NULL, NULL, NULL);

    current = "RSDP bad signature";
    rsdp_build(&r, 2, PA_RSDT, PA_XSDT);
    r.b[0] = 'X';
    CHECK(!run(&r, 0));
    SAW("RSDP is not valid");

    current = "RSDP bad 1.0 checksum";
    rsdp_build(&r, 0, PA_RSDT, 0);
    r.b[8] ^= 1;
    CHECK(!run(&r, 0));

    current = "RSDP bad extended checksum";
    rsdp_build(&r, 2, PA_RSDT, PA_XSDT);
    r.b[32] ^= 1;
    CHECK(!run(&r, 0));

    current = "RSDP length past what we were given";
    rsdp_build(&r, 2, PA_RSDT, PA_XSDT);
    {
        uint32_t len = 64;

        memcpy(r.b + 20, &len, 4);
        fix_checksum(r.b, 20, 8);
        fix_checksum(r.b, 64, 32);
    }
    CHECK(!run(&r, 0));                 /* r.len is still 36 */
    r.len = 64;
    CHECK(run(&r, 0));                  /* a longer copy is fine */

    current = "RSDP length too small";
    rsdp_build(&r, 2, PA_RSDT, PA_XSDT);
    {
        uint32_t len = 20;

        memcpy(r.b + 20, &len, 4);
        fix_checksum(r.b, 20, 8);
        fix_checksum(r.b, 36, 32);
    }
    CHECK(!run(&r, 0));

    current = "RSDP 2.0 truncated copy";
    rsdp_build(&r, 2, PA_RSDT, PA_XSDT);
    r.len = 24;
    CHECK(!run(&r, 0));

    current = "RSDP with no root table";
    rsdp_build(&r, 2, 0, 0);
    CHECK(!run(&r, 0));
    SAW("no root table");

    current = "RSDP validity helper";
    CHECK(!acpi_rsdp_valid(NULL, 100));
    rsdp_build(&r, 0, PA_RSDT, 0);
    CHECK(acpi_rsdp_valid(r.b, 20));
    CHECK(!acpi_rsdp_valid(r.b, 19));
}

static void test_scan(void)
{
    static uint8_t area[0x20000];
    struct buf r;
    uint64_t found;

    current = "BIOS area scan";
    mem_reset();
    memset(area, 0, sizeof(area));
    /* Decoys: right signature, bad checksum; and a misaligned good one. */
    rsdp_build(&r, 2, PA_RSDT, PA_XSDT);
    memcpy(area + 0x100, r.b, r.len);
    area[0x100 + 8] ^= 0x55;
    memcpy(area + 0x208, r.b, r.len);   /* not on a 16-byte boundary */
    memcpy(area + 0x15a40, r.b, r.len);
    mem_put(0xe0000, area, sizeof(area));
    found = acpi_scan_rsdp(&sim_mem, 0xe0000, sizeof(area));
    CHECK(found == 0xe0000 + 0x15a40);

    current = "scan: RSDP 2.0 cut off by the end of the area";
    mem_reset();
    memset(area, 0, sizeof(area));
    memcpy(area + sizeof(area) - 32, r.b, 32);
    mem_put(0xe0000, area, sizeof(area));
    CHECK(acpi_scan_rsdp(&sim_mem, 0xe0000, sizeof(area)) == 0);

    /*
     * Found by tests/fuzz/ (acpi target): a 2.0 RSDP whose length field
     * claims more than 36 bytes, checksummed over all of them, passed the
     * scan but then failed acpi_parse(), which only gets the 36 bytes the
     * boot code maps.  The scan must pass over it to a usable one.
     */
    current = "scan: RSDP 2.0 valid only with more than 36 bytes";
    mem_reset();
    memset(area, 0, sizeof(area));
    rsdp_build(&r, 2, PA_RSDT, PA_XSDT);
    memcpy(area + 0x200, r.b, r.len);
    {
        uint32_t len = 0x124;

        memcpy(area + 0x100, r.b, r.len);
        memcpy(area + 0x100 + 20, &len, 4);
        fix_checksum(area + 0x100, 20, 8);
        fix_checksum(area + 0x100, len, 32);
        CHECK(acpi_rsdp_valid(area + 0x100, len));
    }
    mem_put(0xe0000, area, sizeof(area));
    CHECK(acpi_scan_rsdp(&sim_mem, 0xe0000, sizeof(area)) == 0xe0000 + 0x200);

    current = "scan: area not readable or too small";
    CHECK(acpi_scan_rsdp(&sim_mem, 0x100000, 0x1000) == 0);
    CHECK(acpi_scan_rsdp(&sim_mem, 0xe0000, 19) == 0);
    CHECK(acpi_scan_rsdp(&sim_mem, 0xe0000, 0) == 0);
    CHECK(acpi_scan_rsdp(&sim_mem, ~0ULL - 15, 0x1000) == 0);
}

/* ---- root table damage --------------------------------------------------- */

static void test_root(void)
{
    struct buf r, x;
    const uint64_t e[] = { PA_FACP, PA_MADT, PA_HPET, PA_MCFG };

    rsdp_build(&r, 2, PA_RSDT, PA_XSDT);

    current = "XSDT bad checksum: RSDT used instead";
    root_build(&x, true, e, 4);
    x.b[9] ^= 1;
    mem_reset();
    standard_memory(NULL, NULL, &x);
    CHECK(run(&r, 0));
    SAW("bad checksum");
    SAW("falling back on the RSDT");
    CHECK(!info.xsdt && info.nr_cpus == 4);

    current = "XSDT and RSDT both bad";
    {
        struct buf r2;

        rsdp_build(&r2, 2, 0, PA_XSDT);
        CHECK(!run(&r2, 0));
    }

    current = "XSDT length past the end of memory";
    root_build(&x, true, e, 4);
    table_end(&x, (uint32_t)x.len + 64);
    mem_reset();
    standard_memory(NULL, NULL, &x);
    CHECK(run(&r, 0) && !info.xsdt);
    SAW("not all readable");

    current = "XSDT length below the header size";
    root_build(&x, true, e, 4);
    table_end(&x, 12);
    mem_reset();
    standard_memory(NULL, NULL, &x);
    CHECK(run(&r, 0) && !info.xsdt);
    SAW("implausible length");

    current = "XSDT length huge";
    root_build(&x, true, e, 4);
    table_end(&x, 0xfffffff0u);
    mem_reset();
    standard_memory(NULL, NULL, &x);
    CHECK(run(&r, 0) && !info.xsdt);
    SAW("implausible length");

    current = "XSDT length not a whole number of entries";
    root_build(&x, true, e, 4);
    put8(&x, 0); put8(&x, 0); put8(&x, 0); put8(&x, 0);
    table_end(&x, 0);
    mem_reset();
    standard_memory(NULL, NULL, &x);
    CHECK(run(&r, 0) && !info.xsdt);
    SAW("whole number of entries");

    current = "XSDT wrong signature";
    root_build(&x, true, e, 4);
    memcpy(x.b, "RSDT", 4);
    table_end(&x, 0);
    mem_reset();
    standard_memory(NULL, NULL, &x);
    CHECK(run(&r, 0) && !info.xsdt);
    SAW("has signature 'RSDT'");

    current = "XSDT pointer to unreadable memory";
    {
        struct buf r2;

        rsdp_build(&r2, 2, PA_RSDT, 0xdeadbeef000ULL);
        mem_reset();
        standard_memory(NULL, NULL, NULL);
        CHECK(run(&r2, 0) && !info.xsdt);
        SAW("not in readable memory");
    }

    current = "XSDT address wraps";
    {
        struct buf r2;

        rsdp_build(&r2, 2, 0, ~0ULL - 8);
        CHECK(!run(&r2, 0));
    }

    current = "XSDT overlapping the RSDP";
    {
        struct buf r2;

        rsdp_build(&r2, 2, 0, PA_XSDT);
        mem_reset();
        standard_memory(NULL, NULL, NULL);
        CHECK(!run(&r2, PA_XSDT + 8));
        SAW("overlaps the RSDP");
    }

    current = "XSDT with null, repeated, unreadable, overlapping and bad entries";
    {
        struct buf madt, bad, inner, outer, h;
        const uint64_t e2[] = { 0, PA_MADT, PA_MADT, 0x7000000000ULL, 0x30002000,
                                PA_MCFG, PA_MCFG + 36, PA_XSDT, PA_HPET };

        good_madt(&madt);
        good_hpet(&h);
        mem_reset();
        mem_put(PA_MADT, madt.b, madt.len);
        mem_put(PA_HPET, h.b, h.len);
        simple_table(&bad, "BADC", 24);
        bad.b[40] ^= 0xff;              /* checksum now wrong */
        mem_put(0x30002000, bad.b, bad.len);
        /* A valid table carrying another valid table inside its body. */
        simple_table(&inner, "SSDT", 16);
        table_start(&outer, "OEMX");
        memcpy(outer.b + outer.len, inner.b, inner.len);
        outer.len += inner.len;
        table_end(&outer, 0);
        mem_put(PA_MCFG, outer.b, outer.len);
        root_build(&x, true, e2, 9);
        mem_put(PA_XSDT, x.b, x.len);
        CHECK(run(&r, 0));
        CHECK(info.xsdt);
        SAW("entry 0 is null");
        SAW("repeats the table");
        SAW("not in readable memory");
        SAW("'BADC' at 0x30002000 has a bad checksum");
        SAW("table 'SSDT' at 0x1ffe1824 (52 bytes) overlaps another table");
        SAW("table 'XSDT' at 0x1ffe2100");
        CHECK(info.have_madt && info.nr_cpus == 4 && info.have_hpet);
        CHECK(info.nr_tables == 3);     /* MADT, OEMX, HPET */
        CHECK(info.errors == 6);
    }

    current = "two MADTs and two HPETs";
    {
        struct buf m1, m2, h1, h2;
        const uint64_t e3[] = { PA_MADT, 0x30000000, PA_HPET, 0x30001000 };

        good_madt(&m1);
        madt_start(&m2);
        madt_lapic(&m2, 0, 7, 1);
        table_end(&m2, 0);
        good_hpet(&h1);
        good_hpet(&h2);
        mem_reset();
        mem_put(PA_MADT, m1.b, m1.len);
        mem_put(0x30000000, m2.b, m2.len);
        mem_put(PA_HPET, h1.b, h1.len);
        mem_put(0x30001000, h2.b, h2.len);
        root_build(&x, true, e3, 4);
        mem_put(PA_XSDT, x.b, x.len);
        CHECK(run(&r, 0));
        SAW("second MADT");
        SAW("second HPET");
        CHECK(info.nr_cpus == 4 && info.cpus[0].apic_id == 0);
    }

    current = "more tables than the parser looks at";
    {
        static uint64_t many[ACPI_MAX_TABLES + 5];

        for (unsigned int i = 0; i < ACPI_MAX_TABLES + 5; i++)
            many[i] = PA_MADT;
        root_build(&x, true, many, ACPI_MAX_TABLES + 5);
        mem_reset();
        standard_memory(NULL, NULL, &x);
        CHECK(run(&r, 0));
        SAW("only the first");
        CHECK(info.nr_cpus == 4);
    }
}

/* ---- MADT damage --------------------------------------------------------- */

static void run_madt(const struct buf *madt)
{
    struct buf r;

    mem_reset();
    standard_memory(madt, NULL, NULL);
    rsdp_build(&r, 2, PA_RSDT, PA_XSDT);
    CHECK(run(&r, 0));
}

static void test_madt(void)
{
    struct buf m;

    current = "MADT shorter than its fixed fields";
    table_start(&m, "APIC");
    put32(&m, 0xfee00000);
    table_end(&m, 0);
    run_madt(&m);
    CHECK(!info.have_madt && info.nr_cpus == 0);
    SAW("too short for its fixed fields");

    current = "MADT entry of length 0";
    madt_start(&m);
    madt_lapic(&m, 0, 0, 1);
    put8(&m, 0); put8(&m, 0); put8(&m, 0); put8(&m, 0);
    madt_lapic(&m, 1, 1, 1);
    table_end(&m, 0);
    run_madt(&m);
    CHECK(info.nr_cpus == 1);
    SAW("has length 0, rest of the MADT ignored");

    current = "MADT entry of length 1";
    madt_start(&m);
    put8(&m, 0); put8(&m, 1); put8(&m, 0); put8(&m, 0);
    table_end(&m, 0);
    run_madt(&m);
    CHECK(info.nr_cpus == 0);
    SAW("has length 1");

    current = "MADT entry running past the end";
    madt_start(&m);
    madt_lapic(&m, 0, 0, 1);
    put8(&m, 1); put8(&m, 12); put8(&m, 0); put8(&m, 0);   /* I/O APIC cut short */
    table_end(&m, 0);
    run_madt(&m);
    CHECK(info.nr_cpus == 1 && info.nr_ioapics == 0);
    SAW("runs past the end");

    current = "MADT stray trailing byte";
    madt_start(&m);
    madt_lapic(&m, 0, 0, 1);
    put8(&m, 0);
    table_end(&m, 0);
    run_madt(&m);
    CHECK(info.nr_cpus == 1);
    SAW("stray byte");

    current = "MADT entries too short for their type are skipped";
    madt_start(&m);
    put8(&m, 0); put8(&m, 6); put8(&m, 0); put8(&m, 5); put16(&m, 1);     /* short LAPIC */
    put8(&m, 9); put8(&m, 12); put16(&m, 0); put32(&m, 9); put32(&m, 1);  /* short x2APIC */
    put8(&m, 1); put8(&m, 8); put8(&m, 0); put8(&m, 0); put32(&m, 0xfec00000);
    put8(&m, 5); put8(&m, 8); put16(&m, 0); put32(&m, 0);                 /* short override */
    madt_lapic(&m, 1, 1, 1);
    table_end(&m, 0);
    run_madt(&m);
    CHECK(info.nr_cpus == 1 && info.cpus[0].apic_id == 1 && info.nr_ioapics == 0);
    CHECK(info.lapic_addr == 0xfee00000);
    CHECK(info.errors == 4);

    current = "MADT duplicate and broadcast APIC ids";
    madt_start(&m);
    madt_lapic(&m, 0, 0, 1);
    madt_lapic(&m, 1, 0, 1);
    madt_x2apic(&m, 0, 2, 1);
    madt_lapic(&m, 3, 0xff, 1);
    madt_x2apic(&m, 0xffffffffu, 4, 1);
    madt_lapic(&m, 5, 1, 1);
    table_end(&m, 0);
    run_madt(&m);
    CHECK(info.nr_cpus == 2 && info.cpus[1].apic_id == 1);
    SAW("listed twice");
    SAW("broadcast APIC id");
    CHECK(info.errors == 4);

    current = "MADT overlapping and unusable I/O APICs";
    madt_start(&m);
    madt_ioapic(&m, 0, 0xfec00000, 0);
    madt_ioapic(&m, 1, 0xfec00040, 24);     /* overlaps the first */
    madt_ioapic(&m, 0, 0xfec10000, 24);     /* same id */
    madt_ioapic(&m, 2, 0, 48);
    madt_ioapic(&m, 3, 0xfffffff0u, 48);    /* window past 4 GiB */
    madt_ioapic(&m, 4, 0xfec20002, 48);     /* misaligned */
    madt_ioapic(&m, 5, 0xfec30000, 48);
    table_end(&m, 0);
    run_madt(&m);
    CHECK(info.nr_ioapics == 2 && info.ioapics[1].id == 5);
    CHECK(info.errors == 5);

    current = "MADT repeated override, bad LINT, second address override";
    madt_start(&m);
    madt_iso(&m, 0, 2, 0);
    madt_iso(&m, 0, 9, 0);
    madt_nmi(&m, 0xff, 0, 2);
    put8(&m, 5); put8(&m, 12); put16(&m, 0); put64(&m, 0xfee10000ULL);
    put8(&m, 5); put8(&m, 12); put16(&m, 0); put64(&m, 0xfee20000ULL);
    table_end(&m, 0);
    run_madt(&m);
    CHECK(info.nr_overrides == 1 && info.overrides[0].gsi == 2);
    CHECK(info.nr_lapic_nmis == 0);
    CHECK(info.lapic_addr == 0xfee10000ULL);
    CHECK(info.errors == 3);

    current = "MADT with too many I/O APICs, overrides and NMI entries";
    madt_start(&m);
    for (unsigned int i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
        madt_ioapic(&m, (uint8_t)i, 0xfec00000 + i * 0x1000, i * 24);
    for (unsigned int i = 0; i < ACPI_MAX_OVERRIDES + 2; i++)
        madt_iso(&m, (uint8_t)i, i, 0);
    for (unsigned int i = 0; i < ACPI_MAX_LAPIC_NMIS + 2; i++)
        madt_nmi(&m, (uint8_t)i, 0, 1);
    table_end(&m, 0);
    run_madt(&m);
    CHECK(info.nr_ioapics == ACPI_MAX_IOAPICS && info.nr_overrides == ACPI_MAX_OVERRIDES &&
          info.nr_lapic_nmis == ACPI_MAX_LAPIC_NMIS);
    CHECK(info.errors == 6);

    current = "MADT whose declared length exceeds the table";
    good_madt(&m);
    table_end(&m, (uint32_t)m.len + 1);
    run_madt(&m);
    CHECK(!info.have_madt);
    SAW("not all readable");

    current = "MADT bad checksum";
    good_madt(&m);
    m.b[40] ^= 0x10;
    run_madt(&m);
    CHECK(!info.have_madt && info.nr_cpus == 0);
}

static void test_hpet(void)
{
    struct buf h, r;

    rsdp_build(&r, 2, PA_RSDT, PA_XSDT);

    current = "HPET too short";
    simple_table(&h, "HPET", 8);
    mem_reset();
    standard_memory(NULL, &h, NULL);
    CHECK(run(&r, 0) && !info.have_hpet);
    SAW("too short");

    current = "HPET in I/O space";
    good_hpet(&h);
    h.b[40] = 1;
    table_end(&h, 0);
    mem_reset();
    standard_memory(NULL, &h, NULL);
    CHECK(run(&r, 0) && !info.have_hpet);
    SAW("not in memory space");

    current = "HPET address 0";
    good_hpet(&h);
    memset(h.b + 44, 0, 8);
    table_end(&h, 0);
    mem_reset();
    standard_memory(NULL, &h, NULL);
    CHECK(run(&r, 0) && !info.have_hpet);
    SAW("unusable");
}

/* ---- random damage ------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void damage(uint8_t *p, size_t len)
{
    unsigned int n = 1 + rnd() % 6;

    for (unsigned int i = 0; i < n; i++) {
        size_t at = rnd() % len;

        switch (rnd() % 4) {
        case 0: p[at] = (uint8_t)rnd(); break;
        case 1: p[at] ^= (uint8_t)(1u << (rnd() % 8)); break;
        case 2: p[at] = 0; break;
        default: p[at] = 0xff; break;
        }
    }
}

static void test_fuzz(void)
{
    current = "random damage";
    for (unsigned int iter = 0; iter < 20000; iter++) {
        struct buf madt, hpet, xsdt, rsdp;
        const uint64_t e[] = { PA_FACP, PA_MADT, PA_HPET, PA_MCFG };
        bool fix = rnd() % 2;
        unsigned int which = rnd() % 4;

        good_madt(&madt);
        good_hpet(&hpet);
        root_build(&xsdt, true, e, 4);
        rsdp_build(&rsdp, 2, PA_RSDT, PA_XSDT);
        switch (which) {
        case 0: damage(madt.b, madt.len); break;
        case 1: damage(hpet.b, hpet.len); break;
        case 2: damage(xsdt.b, xsdt.len); break;
        default: damage(rsdp.b, rsdp.len); break;
        }
        /* Half the time the checksums are made right again, so the damage
           reaches the structure checks. */
        if (fix) {
            fix_checksum(madt.b, madt.len, 9);
            fix_checksum(hpet.b, hpet.len, 9);
            fix_checksum(xsdt.b, xsdt.len, 9);
            fix_checksum(rsdp.b, 20, 8);
            fix_checksum(rsdp.b, 36, 32);
        }
        /* Sometimes the memory behind a table is cut short as well. */
        if (rnd() % 4 == 0)
            madt.len -= rnd() % madt.len;
        mem_reset();
        standard_memory(&madt, &hpet, &xsdt);
        if (run(&rsdp, 0)) {
            CHECK(info.nr_cpus <= ACPI_MAX_CPUS);
            CHECK(info.nr_ioapics <= ACPI_MAX_IOAPICS);
            CHECK(info.nr_overrides <= ACPI_MAX_OVERRIDES);
            CHECK(info.nr_tables <= ACPI_MAX_TABLES);
            for (unsigned int i = 0; i < info.nr_cpus; i++)
                for (unsigned int j = 0; j < i; j++)
                    CHECK(info.cpus[i].apic_id != info.cpus[j].apic_id);
        }
        if (failures > 20)
            break;
    }
    mem_reset();
}

int main(void)
{
    test_good();
    test_rsdp();
    test_scan();
    test_root();
    test_madt();
    test_hpet();
    test_fuzz();
    mem_reset();
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("ACPI parser: all checks passed\n");
    return 0;
}
