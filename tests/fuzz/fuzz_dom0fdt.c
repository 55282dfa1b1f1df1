/*
 * libFuzzer target: dom0's device tree (xen/arch/arm/dom0_fdt.c) written
 * from a fuzzed host tree, which goes through arm_fdt_validate()
 * (xen/arch/arm/bootfdt.c) first as at boot.  For two dom0 layouts the
 * result must pass fdt_check_full(), fit exactly the size returned (a
 * rebuild into a heap block of that size, -ENOSPC one byte short and at a
 * point the input's last byte picks),
 * and carry the host's root model only when it is a sane string.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <xen/types.h>
#include <asm/bootfdt.h>
#include <asm/domain_build.h>
#include "fuzz.h"

#define BIG (256u << 10)

static const struct dom0_bank banks[] = {
    { 0x40000000, 512 << 20 }, { 0x60000000, 256 << 20 }, { 0x200000000ULL, 1ULL << 30 },
};

/* What dom0_fdt.c promises to copy: a NUL-ended, non-empty string list. */
static const char *sane_strings(const void *fdt, const char *name, int *len)
{
    const char *p = fdt_getprop(fdt, 0, name, len);

    if (!p || *len <= 1 || *len > 512 || p[*len - 1] || !p[0])
        return NULL;
    return p;
}

/* Set per input: where the short-buffer build cuts off, in 1/256ths. */
static unsigned int cut;

static void build(const void *host, unsigned int nr_banks, unsigned int nr_vcpus,
                  const char *bootargs, paddr_t initrd_start, paddr_t initrd_end)
{
    static uint8_t big[BIG];
    struct dom0_fdt_info info = {
        .host_fdt = host, .nr_vcpus = nr_vcpus, .nr_banks = nr_banks, .banks = banks,
        .gnttab_base = 0x38000000, .gnttab_size = 0x01000000, .bootargs = bootargs,
        .initrd_start = initrd_start, .initrd_end = initrd_end,
    };
    const char *want, *got;
    int rc, len, glen, cpus, node, n = 0;
    void *exact;

    dom0_fdt_vgic_layout(&info, nr_vcpus);
    rc = dom0_fdt_build(big, sizeof(big), &info);
    FUZZ_ASSERT(rc > 0 && (unsigned int)rc <= sizeof(big));
    FUZZ_ASSERT(fdt_check_full(big, (size_t)rc) == 0);
    FUZZ_ASSERT(fdt_totalsize(big) == (uint32_t)rc);

    exact = malloc((size_t)rc);
    FUZZ_ASSERT(dom0_fdt_build(exact, (size_t)rc, &info) == rc);
    FUZZ_ASSERT(!memcmp(exact, big, (size_t)rc));
    free(exact);
    exact = malloc((size_t)rc - 1);
    FUZZ_ASSERT(dom0_fdt_build(exact, (size_t)rc - 1, &info) == -ENOSPC);
    free(exact);
    /* Running out anywhere in the middle: every step's failure path. */
    len = (int)((unsigned int)rc * cut / 256);
    exact = malloc((size_t)len + 1);
    FUZZ_ASSERT(dom0_fdt_build(exact, (size_t)len, &info) == -ENOSPC);
    free(exact);

    want = sane_strings(host, "model", &len);
    got = fdt_getprop(big, 0, "model", &glen);
    if (want)
        FUZZ_ASSERT(got && glen == len && !memcmp(got, want, (size_t)len));
    else
        FUZZ_ASSERT(got && glen == 5 && !memcmp(got, "dom0", 5));
    want = sane_strings(host, "compatible", &len);
    got = fdt_getprop(big, 0, "compatible", &glen);
    FUZZ_ASSERT(got && (!want || (glen == len && !memcmp(got, want, (size_t)len))));

    /* Exactly dom0's vCPUs, whatever the host has. */
    cpus = fdt_path_offset(big, "/cpus");
    FUZZ_ASSERT(cpus >= 0);
    fdt_for_each_subnode(node, big, cpus) {
        const char *type = fdt_getprop(big, node, "device_type", &len);

        if (type && len == 4 && !memcmp(type, "cpu", 4))
            n++;
    }
    FUZZ_ASSERT(n == (int)nr_vcpus);
}

static void run(const void *host, size_t size)
{
    if (!arm_fdt_validate(host, size)) {
        build(host, 1, 1, NULL, 0, 0);
        build(host, 3, 20, "console=hvc0 earlycon=xen", 0x62000000, 0x62400000);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *host = fuzz_exact_copy(data, size);

    cut = size ? data[size - 1] : 0;

    /* Exact-size heap block for ASan, then guard pages for libfdt's reads. */
    run(host, size);
    free(host);
    run(fuzz_guarded_copy(data, size), size);
    return 0;
}
