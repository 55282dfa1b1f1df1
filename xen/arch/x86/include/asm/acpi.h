/*
 * ACPI static tables: the RSDP, the root table (XSDT or RSDT), the MADT
 * and the HPET table (xen/arch/x86/acpi.c).
 *
 * Firmware tables are untrusted input.  The parser reads memory only
 * through acpi_mem.map(), which returns a pointer valid for exactly the
 * bytes asked for (or NULL), and never reads past what it was given:
 * lengths are checked before use, checksums before a table is believed,
 * and tables or entries that overlap, repeat or do not fit are rejected
 * with a message.  The code is free of x86 specifics so that
 * tests/unit/acpi/ runs it on the host under ASan/UBSan.
 */
#ifndef ASM_X86_ACPI_H
#define ASM_X86_ACPI_H

#include <xen/types.h>

#define ACPI_RSDP_V1_SIZE   20
#define ACPI_RSDP_V2_SIZE   36
#define ACPI_HEADER_SIZE    36
#define ACPI_TABLE_MAX      (1u << 20)  /* far above any MADT or root table */
#define ACPI_MAX_TABLES     128         /* root table entries looked at */

#define ACPI_MAX_CPUS       256
#define ACPI_MAX_IOAPICS    16
#define ACPI_MAX_OVERRIDES  32
#define ACPI_MAX_LAPIC_NMIS 16

/* Reading physical memory: NULL if [pa, pa + len) cannot be read. */
struct acpi_mem {
    const void *(*map)(void *ctx, uint64_t pa, uint64_t len);
    void *ctx;
};

struct acpi_cpu {
    uint32_t apic_id;
    uint32_t uid;               /* ACPI processor UID */
    bool x2apic;                /* from an x2APIC entry */
};

struct acpi_ioapic {
    uint32_t id;
    uint32_t addr;
    uint32_t gsi_base;
};

struct acpi_irq_override {
    uint8_t bus, source;        /* ISA IRQ `source` ... */
    uint32_t gsi;               /* ... arrives as this GSI */
    uint16_t flags;             /* polarity, trigger mode */
};

struct acpi_lapic_nmi {
    uint32_t uid;
    bool all;                   /* applies to every processor */
    uint8_t lint;               /* LINT0 or LINT1 */
    uint16_t flags;
};

struct acpi_info {
    /* RSDP */
    uint8_t revision;
    char oem_id[7];
    bool xsdt;                  /* root is the XSDT (else the RSDT) */
    uint64_t root_addr;
    unsigned int nr_tables;     /* valid tables the root lists */
    char sigs[ACPI_MAX_TABLES][5];
    unsigned int errors;        /* tables and entries rejected */

    /* MADT */
    bool have_madt;
    uint64_t lapic_addr;
    bool pcat_compat;           /* dual 8259s present */
    unsigned int nr_cpus;       /* enabled processors recorded in cpus[] */
    unsigned int nr_cpus_off;   /* listed but not enabled */
    unsigned int nr_cpus_lost;  /* enabled but no room in cpus[] */
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    unsigned int nr_ioapics;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned int nr_overrides;
    struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
    unsigned int nr_lapic_nmis;
    struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];

    /* HPET */
    bool have_hpet;
    uint64_t hpet_addr;
    uint8_t hpet_number;
};

/* Checks an RSDP held in [p, p + avail): signature, checksums, length. */
bool acpi_rsdp_valid(const void *p, uint64_t avail);

/*
 * Look for an RSDP on 16-byte boundaries in [start, start + len) (the
 * BIOS areas), valid within its first ACPI_RSDP_V2_SIZE bytes (what the
 * caller then maps); returns its address, or 0.
 */
uint64_t acpi_scan_rsdp(const struct acpi_mem *m, uint64_t start, uint64_t len);

/*
 * Parse the tables an RSDP (in [rsdp, rsdp + rsdp_len), already copied or
 * mapped) leads to, filling *info.  rsdp_pa is where it lies in memory (0
 * for a loader's copy), so that tables overlapping it can be refused.
 * Returns false when there is no usable root table (nothing else is
 * filled in then).
 */
bool acpi_parse(const struct acpi_mem *m, const void *rsdp, uint64_t rsdp_len,
                uint64_t rsdp_pa, struct acpi_info *info);

#endif /* ASM_X86_ACPI_H */
