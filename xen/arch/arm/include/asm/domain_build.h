/*
 * Building domain 0 on arm64 from the boot modules.
 *
 * Three parts, two of which touch no hardware and are host-tested
 * (tests/unit/dom0/):
 *   kernel.c        dom0 options from the command line, kernel image
 *                   probing (arm64 Image, arm32 zImage) and placement of
 *                   kernel, device tree and ramdisk in dom0's RAM;
 *   dom0_fdt.c      dom0's device tree, written with libfdt's
 *                   sequential-write API;
 *   domain_build.c  arch_build_hardware_domain(): memory, p2m, copies,
 *                   first vCPU.
 * Guest-physical layout and choices: docs/arm64-dom0.md.
 */
#ifndef ASM_ARM_DOMAIN_BUILD_H
#define ASM_ARM_DOMAIN_BUILD_H

#include <xen/types.h>

#define DOM0_MiB                (1ULL << 20)

/* dom0's RAM, guest-physical (== machine: dom0 is mapped 1:1). */
#define DOM0_MAX_BANKS          16

/* Defaults when the command line says nothing. */
#define DOM0_MEM_DEFAULT        (512 * DOM0_MiB)
#define DOM0_MEM_MIN            (16 * DOM0_MiB)

/*
 * The device tree gets a 2 MiB slot of its own (the arm64 boot protocol's
 * size limit; nothing else shares the 2 MiB block it sits in).
 */
#define DOM0_FDT_SLOT           (2 * DOM0_MiB)

/* Where Linux's 32-bit boot protocol wants the zImage: first 128 MiB. */
#define DOM0_ZIMAGE_WINDOW      (128 * DOM0_MiB)

struct dom0_bank {
    paddr_t start;
    paddr_t size;
};

/* ------------------------------------------------------------ options */

struct dom0_options {
    uint64_t mem;               /* dom0_mem= in bytes, 0 = not given */
    unsigned int max_vcpus;     /* dom0_max_vcpus=, 0 = not given */
    unsigned int bad;           /* options present but unparsable */
};

/*
 * Read dom0_mem= (size with an optional K/M/G/T/B suffix, KiB without
 * one, as in Xen) and dom0_max_vcpus= (a number) from the hypervisor
 * command line; the last occurrence wins.
 */
void dom0_parse_options(const char *cmdline, struct dom0_options *opt);

/* ------------------------------------------------------------ kernel */

enum dom0_kernel_kind {
    DOM0_KERNEL_ARM64_IMAGE = 1,        /* Linux arm64 "Image" */
    DOM0_KERNEL_ARM32_ZIMAGE,           /* Linux arm "zImage" */
};

struct dom0_kernel {
    enum dom0_kernel_kind kind;
    bool is_32bit;              /* the domain runs AArch32 */
    uint64_t copy_size;         /* bytes of the module to copy */
    uint64_t mem_size;          /* bytes needed from the load address */

    /* arm64 Image header */
    uint64_t text_offset;       /* from a 2 MiB aligned base */
    uint64_t image_size;        /* 0: pre-3.17 kernel, no size given */
    uint64_t flags;
    unsigned int page_kib;      /* kernel's page size, 0 = unspecified */
    bool place_anywhere;        /* flags bit 3 */

    /* arm32 zImage header */
    uint32_t zimage_start;      /* fixed load address, 0 = relocatable */
    bool appended_dtb;          /* a DTB follows the zImage (copied too) */
};

/* Smallest module worth looking at: the arm64 header is 64 bytes. */
#define DOM0_KERNEL_HEADER_SIZE 64

/*
 * Identify the kernel module @img of @size bytes, all readable.  Every
 * header field is untrusted.  0 and *k filled, or -EINVAL with the reason
 * in @err.
 */
int dom0_kernel_probe(const void *img, uint64_t size, struct dom0_kernel *k,
                      char *err, size_t errlen);

/* Short human name for the boot log: "arm64 Image", "arm32 zImage". */
const char *dom0_kernel_name(const struct dom0_kernel *k);

struct dom0_placement {
    paddr_t kernel_start;       /* load address of the image */
    paddr_t kernel_end;         /* kernel_start + mem_size */
    paddr_t entry;              /* first instruction */
    paddr_t dtb_start;          /* DOM0_FDT_SLOT bytes, 2 MiB aligned */
    paddr_t initrd_start;       /* initrd_start == initrd_end: none */
    paddr_t initrd_end;
    /*
     * Start of the RAM the kernel will use: the 2 MiB aligned base of the
     * Image's bank; for a zImage the 128 MiB aligned address Linux derives
     * from its own (RAM below is ignored by Linux), or a bank's start when
     * no such address has room.
     */
    paddr_t ram_base;
};

/*
 * Choose where kernel, device tree and ramdisk go in dom0's banks
 * (sorted by address, non-overlapping).  Nothing overlaps, everything is
 * inside one bank each; for an AArch32 kernel below 4 GiB and above
 * ram_base.  0, or
 * -ENOMEM/-EINVAL with the reason in @err.
 */
int dom0_kernel_place(const struct dom0_kernel *k, const struct dom0_bank *banks,
                      unsigned int nr_banks, uint64_t initrd_size,
                      struct dom0_placement *pl, char *err, size_t errlen);

/* ------------------------------------------------------------ vCPUs */

/*
 * MPIDR affinity of dom0's vCPU @id, as its device tree and VMPIDR_EL2
 * must both say: 16 vCPUs per Aff0 cluster (what one GICv3 SGI target
 * list reaches), the cluster number in Aff1.  Below 16 that is simply
 * the vCPU id in Aff0.
 */
static inline uint64_t dom0_vcpu_mpidr(unsigned int id)
{
    return (uint64_t)(id & 0xf) | ((uint64_t)((id >> 4) & 0xff) << 8);
}

/* ------------------------------------------------------------ device tree */

struct dom0_fdt_info {
    const void *host_fdt;       /* the loader's (validated) tree, or NULL */
    unsigned int nr_vcpus;
    unsigned int nr_banks;
    const struct dom0_bank *banks;

    /* Virtual GICv3: distributor, one redistributor region. */
    paddr_t gicd_base, gicd_size;
    paddr_t gicr_base, gicr_size;

    /* /hypervisor: grant-table window and event-channel interrupt. */
    paddr_t gnttab_base, gnttab_size;
    unsigned int evtchn_intid;  /* a PPI, 16..31 */

    const char *bootargs;       /* NULL or "" : no bootargs property */
    paddr_t initrd_start, initrd_end;   /* equal: no ramdisk */
};

/*
 * Fill the virtual GIC and event-channel fields of @info for @nr_vcpus
 * from the virtual GIC's fixed guest layout (asm/vgic.h).
 */
void dom0_fdt_vgic_layout(struct dom0_fdt_info *info, unsigned int nr_vcpus);

/*
 * Write dom0's device tree into @buf (@size bytes).  Returns its total
 * size (> 0), -ENOSPC if @buf is too small, -EINVAL for inconsistent
 * @info.  The blob passes fdt_check_full().
 */
int dom0_fdt_build(void *buf, size_t size, const struct dom0_fdt_info *info);

#endif /* ASM_ARM_DOMAIN_BUILD_H */
