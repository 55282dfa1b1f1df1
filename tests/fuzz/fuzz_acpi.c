/*
 * libFuzzer target: the ACPI table parser (xen/arch/x86/acpi.c), driven
 * the way acpi-boot.c drives it.
 *
 * Input: one mode byte, then the contents of physical memory from
 * 0xe0000, the BIOS area the RSDP scan covers.  Nothing else is readable,
 * and the scan covers what there is of the area (all 128 KiB would make
 * each run a hundred times slower for nothing).  Every map() returns a
 * fresh heap copy of exactly the bytes asked for, so reading one byte
 * beyond what the parser validated is an ASan error.
 *
 * Mode bits:
 *   0  fix checksums first (RSDPs and every table with a signature the
 *      parser knows), so that mutations reach the table walk instead of
 *      dying at a checksum
 *   1  the RSDP is the loader's copy (a multiboot2 ACPI tag): the first
 *      64 bytes, handed over with rsdp_pa = 0; else the BIOS-area scan
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/acpi.h>
#include "fuzz.h"

#define MEM_BASE        0xe0000ULL
#define SCAN_LEN        0x20000ULL
#define LOADER_COPY_MAX 64          /* MB2_RSDP_COPY_MAX */
#define MAX_COPIES      2048

static uint8_t *mem;
static uint64_t mem_len;
static void *copies[MAX_COPIES];
static unsigned int nr_copies;

static const void *sim_map(void *ctx, uint64_t pa, uint64_t len)
{
    uint8_t *c;

    (void)ctx;
    if (len == 0 || pa < MEM_BASE || pa - MEM_BASE > mem_len ||
        len > mem_len - (pa - MEM_BASE) || nr_copies == MAX_COPIES)
        return NULL;
    c = fuzz_exact_copy(mem + (pa - MEM_BASE), len);
    copies[nr_copies++] = c;
    return c;
}

static const struct acpi_mem sim_mem = { sim_map, NULL };

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Make bytes [p, p + len) sum to zero by adjusting p[at]. */
static void fix_sum(uint8_t *p, uint64_t len, uint64_t at)
{
    uint8_t sum = 0;

    p[at] = 0;
    for (uint64_t i = 0; i < len; i++)
        sum += p[i];
    p[at] = (uint8_t)-sum;
}

static bool known_sig(const uint8_t *p)
{
    static const char *const sigs[] = { "RSDT", "XSDT", "APIC", "HPET", "FACP" };

    for (unsigned int i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (!memcmp(p, sigs[i], 4))
            return true;
    return false;
}

/*
 * Highest offset first: a table inside another one (only ever at a higher
 * offset) is fixed before the one containing it.
 */
static void fix_checksums(uint8_t *p, uint64_t len)
{
    for (uint64_t top = (len & ~3ULL) + 4; top >= 4; top -= 4) {
        uint64_t off = top - 4, left = len - off;
        uint8_t *t = p + off;

        if (off % 16 == 0 && left >= ACPI_RSDP_V1_SIZE && !memcmp(t, "RSD PTR ", 8)) {
            uint32_t l = left >= ACPI_RSDP_V2_SIZE ? rd32(t + 20) : 0;

            fix_sum(t, ACPI_RSDP_V1_SIZE, 8);
            if (t[15] >= 2 && l >= ACPI_RSDP_V2_SIZE && l <= left)
                fix_sum(t, l, 32);
        } else if (left >= ACPI_HEADER_SIZE && known_sig(t)) {
            uint32_t l = rd32(t + 4);

            if (l >= ACPI_HEADER_SIZE && l <= left)
                fix_sum(t, l, 9);
        }
    }
}

static bool in_mem(uint64_t pa, uint64_t len)
{
    return pa >= MEM_BASE && pa - MEM_BASE <= mem_len && len <= mem_len - (pa - MEM_BASE);
}

static void check(const struct acpi_info *info, bool ok)
{
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "acpi_parse %s: rev %u, %s, %u tables, %u CPUs, %u I/O APICs, "
                "%u overrides, %u NMIs, HPET %d, %u errors\n", ok ? "ok" : "failed",
                info->revision, info->xsdt ? "XSDT" : "RSDT", info->nr_tables, info->nr_cpus,
                info->nr_ioapics, info->nr_overrides, info->nr_lapic_nmis, info->have_hpet,
                info->errors);
    /* The RSDP was valid (checked first), so its OEM id is filled in and printable. */
    FUZZ_ASSERT(info->oem_id[6] == '\0');
    for (unsigned int i = 0; i < 6; i++)
        FUZZ_ASSERT(info->oem_id[i] >= 0x20 && info->oem_id[i] < 0x7f);
    if (!ok) {
        /* No usable root table: no tables, nothing from them. */
        FUZZ_ASSERT(!info->nr_tables && !info->have_madt && !info->have_hpet);
        FUZZ_ASSERT(!info->nr_cpus && !info->nr_ioapics && !info->nr_overrides);
        return;
    }
    FUZZ_ASSERT(in_mem(info->root_addr, ACPI_HEADER_SIZE));
    FUZZ_ASSERT(info->nr_tables <= ACPI_MAX_TABLES);
    for (unsigned int i = 0; i < info->nr_tables; i++)
        FUZZ_ASSERT(info->sigs[i][4] == '\0');

    FUZZ_ASSERT(info->nr_cpus <= ACPI_MAX_CPUS);
    FUZZ_ASSERT(!info->nr_cpus_lost || info->nr_cpus == ACPI_MAX_CPUS);
    for (unsigned int i = 0; i < info->nr_cpus; i++) {
        const struct acpi_cpu *c = &info->cpus[i];

        FUZZ_ASSERT(c->x2apic ? c->apic_id != 0xffffffffu : c->apic_id < 0xff);
        for (unsigned int j = 0; j < i; j++)
            FUZZ_ASSERT(info->cpus[j].apic_id != c->apic_id);
    }
    FUZZ_ASSERT(info->nr_ioapics <= ACPI_MAX_IOAPICS);
    for (unsigned int i = 0; i < info->nr_ioapics; i++) {
        const struct acpi_ioapic *a = &info->ioapics[i];

        FUZZ_ASSERT(a->addr && a->addr % 4 == 0 && (uint64_t)a->addr + 0x100 <= 1ULL << 32);
        FUZZ_ASSERT(a->id < 256);
        for (unsigned int j = 0; j < i; j++) {
            const struct acpi_ioapic *b = &info->ioapics[j];

            FUZZ_ASSERT(a->id != b->id);
            FUZZ_ASSERT(a->addr + 0x100 <= b->addr || b->addr + 0x100 <= a->addr);
        }
    }
    FUZZ_ASSERT(info->nr_overrides <= ACPI_MAX_OVERRIDES);
    for (unsigned int i = 0; i < info->nr_overrides; i++)
        for (unsigned int j = 0; j < i; j++)
            FUZZ_ASSERT(info->overrides[i].bus != info->overrides[j].bus ||
                        info->overrides[i].source != info->overrides[j].source);
    FUZZ_ASSERT(info->nr_lapic_nmis <= ACPI_MAX_LAPIC_NMIS);
    for (unsigned int i = 0; i < info->nr_lapic_nmis; i++)
        FUZZ_ASSERT(info->lapic_nmis[i].lint <= 1);
    FUZZ_ASSERT(!info->have_madt || info->nr_tables);
    FUZZ_ASSERT(!info->have_hpet || (info->hpet_addr && info->hpet_addr % 8 == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct acpi_info info;
    uint8_t mode;
    bool ok = false;

    if (size < 1)
        return 0;
    mode = data[0];
    data++;
    size--;

    mem_len = size;
    mem = fuzz_exact_copy(data, size);
    if (mode & 1)
        fix_checksums(mem, size);
    nr_copies = 0;
    memset(&info, 0, sizeof(info));

    if (mode & 2) {
        /* The loader's copy: at most 64 bytes, checked before use. */
        uint64_t n = size < LOADER_COPY_MAX ? size : LOADER_COPY_MAX;
        uint8_t *copy = fuzz_exact_copy(mem, n);

        if (acpi_rsdp_valid(copy, n)) {
            ok = acpi_parse(&sim_mem, copy, n, 0, &info);
            check(&info, ok);
        }
        free(copy);
    } else {
        uint64_t pa = acpi_scan_rsdp(&sim_mem, MEM_BASE,
                                     size < SCAN_LEN ? size : SCAN_LEN);

        if (pa) {
            uint64_t len = in_mem(pa, ACPI_RSDP_V2_SIZE) ? ACPI_RSDP_V2_SIZE : ACPI_RSDP_V1_SIZE;
            const void *rsdp = sim_map(NULL, pa, len);

            FUZZ_ASSERT(pa % 16 == 0 && pa >= MEM_BASE && pa < MEM_BASE + SCAN_LEN);
            /* What the scan found checks out in what acpi-boot.c maps of it. */
            FUZZ_ASSERT(rsdp && acpi_rsdp_valid(rsdp, len));
            ok = acpi_parse(&sim_mem, rsdp, len, pa, &info);
            check(&info, ok);
        }
    }

    for (unsigned int i = 0; i < nr_copies; i++)
        free(copies[i]);
    free(mem);
    return 0;
}
