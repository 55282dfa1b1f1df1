/*
 * What a boot loader told us, in one architecture-neutral form.
 *
 * Each architecture's early setup parses its loader's data (device tree on
 * arm64, multiboot2 on x86_64), fills a struct boot_info and hands it to
 * start_xen_common(), which prints the banner and carries on with common
 * initialisation.
 */
#ifndef XEN_BOOT_INFO_H
#define XEN_BOOT_INFO_H

#include <xen/types.h>
#include <xen/compiler.h>

enum boot_mem_type {
    BOOT_MEM_RAM = 1,       /* usable RAM */
    BOOT_MEM_RESERVED = 2,  /* firmware / device tree reserved */
    BOOT_MEM_ACPI = 3,      /* ACPI reclaimable */
    BOOT_MEM_NVS = 4,       /* ACPI NVS */
    BOOT_MEM_UNUSABLE = 5,  /* bad memory */
    BOOT_MEM_MODULE = 6,    /* a boot module (kernel, ramdisk, policy...) */
};

#define BOOT_MEM_MAX     128
#define BOOT_MODULES_MAX 16
#define BOOT_CMDLINE_MAX 1024
#define BOOT_RSV_MAX     32

struct boot_mem_region {
    paddr_t start;
    paddr_t size;
    enum boot_mem_type type;
};

struct boot_module {
    paddr_t start;
    paddr_t size;
    const char *kind;       /* "kernel", "ramdisk", "xsm-policy", or NULL */
    const char *cmdline;    /* may be NULL */
};

/* A machine address range [start, start + size). */
struct boot_range {
    paddr_t start;
    paddr_t size;
};

struct boot_info {
    const char *arch;       /* "arm64", "x86_64" */
    const char *loader;     /* e.g. "GRUB 2.06" or "device tree /chosen" */
    const char *firmware;   /* e.g. "UEFI", "BIOS", "none" (may be NULL) */
    const char *cmdline;    /* hypervisor command line, never NULL */
    unsigned int nr_cpus;   /* CPUs described by firmware (0 = unknown) */
    unsigned int nr_mem;
    struct boot_mem_region mem[BOOT_MEM_MAX];
    unsigned int nr_mods;
    struct boot_module mods[BOOT_MODULES_MAX];

    /*
     * Heap inputs.  The arch fills these in its early setup or, at the
     * latest, in arch_heap_prepare().  The page allocator (heap_init())
     * takes every page of BOOT_MEM_RAM regions in mem[] except pages that
     * overlap, even partly:
     *   - any other region in mem[] (reserved, ACPI, modules, ...),
     *   - any mods[] entry (kernel, ramdisk, device tree blob, ...),
     *   - the image [image_start, image_end),
     *   - any rsv[] entry,
     *   - machine page 0,
     * and pages outside the direct map [dmap_start, dmap_end).
     * Everything else may be handed out and overwritten.
     */
    paddr_t image_start;    /* first byte of the loaded hypervisor image */
    paddr_t image_end;      /* one past its last byte, .bss included */
    paddr_t dmap_start;     /* RAM arch_maddr_to_virt() reaches: */
    paddr_t dmap_end;       /*   [dmap_start, dmap_end); dmap_end 0 = all */
    unsigned int nr_rsv;    /* other ranges to keep (early page tables, */
    struct boot_range rsv[BOOT_RSV_MAX];  /* firmware data, spin tables...) */
};

/* Add a region; silently drops (and counts) entries past BOOT_MEM_MAX. */
void boot_info_add_mem(struct boot_info *bi, paddr_t start, paddr_t size,
                       enum boot_mem_type type);

/*
 * Keep [start, start + size) out of the heap.  Returns false (and keeps
 * nothing) when rsv[] is full: the caller must then not boot on.
 */
bool boot_info_add_rsv(struct boot_info *bi, paddr_t start, paddr_t size);

/* Common entry point, called by each architecture once it can print. */
noreturn void start_xen_common(struct boot_info *bi);

#endif /* XEN_BOOT_INFO_H */
