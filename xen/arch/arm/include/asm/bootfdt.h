/*
 * Reading the boot device tree (the DTB the loader passes in x0).
 *
 * The blob is untrusted input: arm_fdt_validate() checks it completely
 * before anything else looks inside, and the parser treats every property
 * as possibly malformed (wrong length, missing terminator, nonsense cell
 * counts), skipping and counting what it cannot use.  Nothing here touches
 * hardware, so the host tests build this file as it is.
 */
#ifndef ASM_ARM_BOOTFDT_H
#define ASM_ARM_BOOTFDT_H

#include <xen/types.h>
#include <xen/boot_info.h>
#include <asm/gic.h>
#include <asm/psci.h>

/* CPUs whose MPIDR we keep (more than any NR_CPUS we build for). */
#define ARM_FDT_MAX_CPUS 256

/* What the device tree says beyond struct boot_info. */
struct arm_boot_fdt {
    uint32_t size;              /* totalsize from the header */
    const char *model;          /* root "model", or NULL */

    /* Console UART: a PL011, CPU physical address after bus translation. */
    paddr_t uart_base;          /* 0 when none was found */
    const char *uart_node;      /* its node name, e.g. "pl011@9000000" */
    bool uart_from_stdout_path; /* found through /chosen stdout-path */
    unsigned int uart_intid;    /* its receive interrupt (an SPI), or 0 */

    enum psci_conduit psci;     /* PSCI 0.2+ conduit, or NONE */

    /* MPIDR affinity ("reg") of each enabled /cpus cpu node, tree order. */
    unsigned int nr_cpu_mpidrs;
    uint64_t cpu_mpidr[ARM_FDT_MAX_CPUS];

    struct gic_dt_info gic;     /* the "arm,gic-v3" node, if any */

    /* EL2 physical timer INTID from the "arm,armv8-timer" node, or 0. */
    unsigned int timer_hyp_intid;

    const char *uboot_version;  /* /chosen "u-boot,version", or NULL */

    /* How the hypervisor command line was chosen (for the boot log). */
    const char *cmdline_source; /* "xen,xen-bootargs", "bootargs" or NULL */

    /* Entries we could not use: bad lengths, overflow, table full... */
    unsigned int bad_entries;
};

/*
 * Check the blob at @fdt, of which @avail bytes are readable.  Returns NULL
 * if it is a complete, well-formed device tree, else why not.
 */
const char *arm_fdt_validate(const void *fdt, size_t avail);

/*
 * Fill @bi (memory map, modules, command line, CPU count) and @out from a
 * blob arm_fdt_validate() accepted.  @bi->cmdline always ends up non-NULL.
 * Strings stay inside the blob or in static storage of the parser.
 */
void arm_fdt_parse(const void *fdt, paddr_t fdt_pa, struct boot_info *bi,
                   struct arm_boot_fdt *out);

#endif /* ASM_ARM_BOOTFDT_H */
