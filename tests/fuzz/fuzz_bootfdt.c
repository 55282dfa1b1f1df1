/*
 * libFuzzer target: the arm64 boot device tree (xen/arch/arm/bootfdt.c),
 * validated then parsed exactly as setup does, from a heap block of exactly
 * the input's size.  Whatever arm_fdt_validate() accepts must parse
 * without a sanitizer report and give results that stay within the
 * limits struct boot_info and struct arm_boot_fdt promise.  Each input
 * runs twice: from the exact-size heap block (ASan sees our code's
 * reads) and between guard pages (any read by libfdt, which ASan does
 * not see into, outside the blob faults).
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <xen/boot_info.h>
#include <asm/bootfdt.h>
#include "fuzz.h"

#define FDT_PA 0x48000000ULL

static struct boot_info bi;
static struct arm_boot_fdt out;

/* NULL, or a terminated string inside the blob. */
static bool blob_string(const char *s, const void *fdt, size_t size)
{
    return !s || fuzz_cstr_within(s, fdt, size);
}

/* Node names: from the blob, or the parser's "/" (root) and "?" (unnamed). */
static bool node_string(const char *s, const void *fdt, size_t size)
{
    return blob_string(s, fdt, size) || !strcmp(s, "/") || !strcmp(s, "?");
}

static void run(const void *fdt, size_t size)
{
    bool host_dtb = false;

    if (arm_fdt_validate(fdt, size))
        return;
    FUZZ_ASSERT(fdt_totalsize(fdt) <= size);

    memset(&bi, 0, sizeof(bi));
    arm_fdt_parse(fdt, FDT_PA, &bi, &out);

    FUZZ_ASSERT(out.size == fdt_totalsize(fdt));
    FUZZ_ASSERT(bi.cmdline && strnlen(bi.cmdline, BOOT_CMDLINE_MAX) < BOOT_CMDLINE_MAX);
    FUZZ_ASSERT(blob_string(out.model, fdt, size));
    FUZZ_ASSERT(blob_string(out.uboot_version, fdt, size));
    FUZZ_ASSERT(node_string(out.uart_node, fdt, size));
    FUZZ_ASSERT(node_string(out.gic.node, fdt, size));
    FUZZ_ASSERT(!out.cmdline_source || !strcmp(out.cmdline_source, "bootargs") ||
                !strcmp(out.cmdline_source, "xen,xen-bootargs"));

    FUZZ_ASSERT(bi.nr_mem <= BOOT_MEM_MAX);
    for (unsigned int i = 0; i < bi.nr_mem; i++) {
        const struct boot_mem_region *r = &bi.mem[i];

        FUZZ_ASSERT(r->size && r->start + r->size > r->start);
        FUZZ_ASSERT(r->type == BOOT_MEM_RAM || r->type == BOOT_MEM_RESERVED ||
                    r->type == BOOT_MEM_MODULE);
    }

    FUZZ_ASSERT(bi.nr_mods <= BOOT_MODULES_MAX);
    for (unsigned int i = 0; i < bi.nr_mods; i++) {
        const struct boot_module *m = &bi.mods[i];

        FUZZ_ASSERT(m->size && m->start + m->size > m->start);
        FUZZ_ASSERT(blob_string(m->cmdline, fdt, size));
        if (m->kind && !strcmp(m->kind, "host-dtb")) {
            /* The blob itself, exactly once. */
            FUZZ_ASSERT(!host_dtb && m->start == FDT_PA && m->size == out.size);
            host_dtb = true;
        }
    }

    FUZZ_ASSERT(out.nr_cpu_mpidrs <= ARM_FDT_MAX_CPUS);
    FUZZ_ASSERT(out.nr_cpu_mpidrs <= bi.nr_cpus);
    for (unsigned int i = 0; i < out.nr_cpu_mpidrs; i++) {
        /* Affinity fields only (Aff3 in bits 39:32), and no duplicates. */
        FUZZ_ASSERT(!(out.cpu_mpidr[i] & ~0xff00ffffffULL));
        for (unsigned int j = 0; j < i; j++)
            FUZZ_ASSERT(out.cpu_mpidr[i] != out.cpu_mpidr[j]);
    }

    FUZZ_ASSERT(out.gic.nr_rdist <= GIC_MAX_RDIST_REGIONS);
    FUZZ_ASSERT(!out.gic.node || (out.gic.dist_size && out.gic.nr_rdist >= 1));
    FUZZ_ASSERT(!out.timer_hyp_intid ||
                (out.timer_hyp_intid >= 16 && out.timer_hyp_intid < 32));
    FUZZ_ASSERT(!out.uart_intid || (out.uart_intid >= 32 && out.uart_intid < 1020));
    FUZZ_ASSERT(!out.uart_from_stdout_path || out.uart_base);
    FUZZ_ASSERT(!out.uart_base || out.uart_node);
    FUZZ_ASSERT(out.psci == PSCI_CONDUIT_NONE || out.psci == PSCI_CONDUIT_HVC ||
                out.psci == PSCI_CONDUIT_SMC);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *fdt = fuzz_exact_copy(data, size);

    /* Our code under ASan, in a heap block of exactly the input's size... */
    run(fdt, size);
    free(fdt);
    /* ... and libfdt's reads fenced in by inaccessible pages. */
    run(fuzz_guarded_copy(data, size), size);
    return 0;
}
