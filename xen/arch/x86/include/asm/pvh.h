/*
 * PVH kernels: the ELF parser (pvh-elf.c, free of hypervisor internals so
 * that tests/boot/x86_64-pvh-elf.t runs it on the host under ASan/UBSan)
 * and the boot-time option parser of the domain 0 builder (dom0-pvh.c).
 */
#ifndef ASM_X86_PVH_H
#define ASM_X86_PVH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PVH_MAX_SEGMENTS    16

/* One PT_LOAD: file bytes [offset, offset + filesz) go to paddr, then zeroes to memsz. */
struct pvh_segment {
    uint64_t offset, filesz;
    uint64_t paddr, memsz;
};

struct pvh_kernel {
    bool is_64bit;              /* ELFCLASS64 (the entry is 32-bit either way) */
    uint32_t entry;             /* XEN_ELFNOTE_PHYS32_ENTRY */
    unsigned int nr_segments;
    struct pvh_segment seg[PVH_MAX_SEGMENTS];
    uint64_t start, end;        /* lowest paddr, highest paddr + memsz */
};

/*
 * Check and describe an ELF32/ELF64 x86 kernel of `size` bytes at `image`
 * (untrusted: every offset and size is checked against `size` before
 * use, nothing is read outside it).  Loadable segments come from the
 * program headers, the entry point from a "Xen" PHYS32_ENTRY note (in a
 * PT_NOTE segment, else in an SHT_NOTE section).  0, or -EINVAL with a
 * reason in err[].
 */
int pvh_elf_parse(const void *image, size_t size, struct pvh_kernel *k,
                  char *err, size_t err_size);

/* dom0_mem= and dom0_max_vcpus= from the hypervisor command line. */
struct pvh_dom0_options {
    uint64_t mem;               /* bytes; 0 = not given */
    uint64_t mem_max;           /* max: limit, 0 = none */
    unsigned int max_vcpus;     /* 0 = not given */
    unsigned int bad;           /* malformed options (ignored) */
};

void pvh_parse_options(const char *cmdline, struct pvh_dom0_options *opt);

#endif /* ASM_X86_PVH_H */
