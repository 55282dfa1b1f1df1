/* Interfaces between the x86_64 start-of-day pieces (head.S and C). */
#ifndef ASM_X86_SETUP_H
#define ASM_X86_SETUP_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/boot_info.h>

/* Room for a copied RSDP (36 bytes since ACPI 2.0; longer ones are cut). */
#define MB2_RSDP_COPY_MAX    64

/* What the multiboot2 parser found besides what goes into boot_info. */
struct mb2_boot {
    bool have_mmap;             /* a usable MMAP tag was seen */
    bool have_meminfo;
    uint32_t mem_lower_kib;     /* BASIC_MEMINFO, the fallback memory map */
    uint32_t mem_upper_kib;
    uint64_t efi64_systab;      /* 0 when absent */
    uint64_t efi64_image;       /* the loader's EFI image handle */
    uint32_t efi32_systab;
    bool efi_bs_active;         /* loader left EFI boot services running */
    uint8_t acpi_rsdp[MB2_RSDP_COPY_MAX];  /* the loader's copy of the RSDP */
    uint32_t acpi_rsdp_len;     /* bytes in acpi_rsdp, 0 when absent */
    bool acpi_rsdp_new;         /* copied from the ACPI 2.0+ tag */
    unsigned int bad_tags;      /* malformed tags skipped */
};

/* mb2_parse() flags. */
#define MB2_PARSE_SKIP_MMAP  (1u << 0)  /* memory map comes from EFI instead */

/*
 * Parse a multiboot2 information structure that the caller can read for
 * at most <limit> bytes.  Everything in it is untrusted: every tag is
 * bounds-checked and malformed ones are reported and skipped.  Fills
 * bi->cmdline, loader, mem[] and mods[] (strings are copied into static
 * storage) and *mb.  Returns false if the structure is unusable as a whole.
 */
bool mb2_parse(const void *mbi, uint64_t limit, unsigned int flags,
               struct boot_info *bi, struct mb2_boot *mb);

/*
 * EFI64 entry: read the memory map, exit boot services and record the
 * final map in bi->mem.  Called with firmware GDT/IDT still loaded.
 */
void efi_exit_boot_services(const struct mb2_boot *mb, struct boot_info *bi);

/* Describe the firmware ("UEFI, <vendor> rev ...") from an EFI system table. */
const char *efi_firmware_name(uint64_t systab);

/* The ACPI RSDP named by an EFI system table's configuration table, or 0. */
uint64_t efi_find_rsdp(uint64_t systab);

struct acpi_info;

/*
 * Find the RSDP (the loader's copy, then efi_rsdp, then on BIOS machines
 * a scan) and parse the tables; false when there is no usable ACPI.
 */
bool x86_acpi_init(const struct mb2_boot *mb, uint64_t efi_rsdp, bool efi,
                   struct acpi_info *info);

/* Start every CPU the MADT lists (up to CONFIG_NR_CPUS). */
void x86_smp_boot(const struct boot_info *bi, const struct acpi_info *acpi);

/* The ACPI processor UID of a CPU (for its local APIC's NMI wiring). */
uint32_t x86_acpi_uid(unsigned int cpu);
void x86_set_acpi_uid(unsigned int cpu, uint32_t uid);

/* head.S: the boot PML4 (1:1 low 4 GiB + the image at XEN_VIRT_OFFSET). */
extern uint64_t l4_boot[512];

/* C entry points called from head.S. */
noreturn void x86_start_multiboot2(uint32_t magic, uint64_t mbi_pa);
noreturn void x86_start_efi64(uint32_t magic, uint64_t mbi_pa);

#endif /* ASM_X86_SETUP_H */
