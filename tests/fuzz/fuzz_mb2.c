/*
 * libFuzzer target: the multiboot2 boot information parser
 * (xen/arch/x86/multiboot2.c).  The input is the MBI, in a heap block of
 * exactly its size, with the limit mb2_parse() may read = that size; it is
 * parsed at an 8-byte aligned and at a misaligned address, with and
 * without MB2_PARSE_SKIP_MMAP, and the results must agree and respect the
 * bounds of struct boot_info and struct mb2_boot.
 */
#include <stdlib.h>
#include <string.h>
#include <xen/boot_info.h>
#include <asm/multiboot2.h>
#include <asm/setup.h>
#include "fuzz.h"

static struct boot_info bi[2];
static struct mb2_boot mb[2];

static void check(const struct boot_info *b, const struct mb2_boot *m)
{
    FUZZ_ASSERT(b->cmdline && strnlen(b->cmdline, BOOT_CMDLINE_MAX) < BOOT_CMDLINE_MAX);
    FUZZ_ASSERT(!b->loader || strnlen(b->loader, 128) < 128);
    FUZZ_ASSERT(b->nr_mem <= BOOT_MEM_MAX);
    for (unsigned int i = 0; i < b->nr_mem; i++) {
        FUZZ_ASSERT(b->mem[i].size && b->mem[i].start + b->mem[i].size > b->mem[i].start);
        FUZZ_ASSERT(b->mem[i].type >= BOOT_MEM_RAM && b->mem[i].type <= BOOT_MEM_UNUSABLE);
    }
    FUZZ_ASSERT(b->nr_mods <= BOOT_MODULES_MAX);
    for (unsigned int i = 0; i < b->nr_mods; i++) {
        const struct boot_module *md = &b->mods[i];

        /* 32-bit start and end from the tag, end exclusive and above start. */
        FUZZ_ASSERT(md->size && md->start + md->size <= (1ULL << 32));
        FUZZ_ASSERT(!md->cmdline || strnlen(md->cmdline, 256) < 256);
    }
    FUZZ_ASSERT(m->acpi_rsdp_len <= sizeof(m->acpi_rsdp));
    FUZZ_ASSERT(m->acpi_rsdp_len || !m->acpi_rsdp_new);
}

/* Two parses of the same bytes must say the same thing. */
static void same(const char *cmdline0)
{
    FUZZ_ASSERT(!strcmp(cmdline0, bi[1].cmdline));
    FUZZ_ASSERT(bi[0].nr_mem == bi[1].nr_mem && bi[0].nr_mods == bi[1].nr_mods);
    FUZZ_ASSERT(!memcmp(bi[0].mem, bi[1].mem, sizeof(bi[0].mem[0]) * bi[0].nr_mem));
    for (unsigned int i = 0; i < bi[0].nr_mods; i++)
        FUZZ_ASSERT(bi[0].mods[i].start == bi[1].mods[i].start &&
                    bi[0].mods[i].size == bi[1].mods[i].size);
    FUZZ_ASSERT(mb[0].bad_tags == mb[1].bad_tags && mb[0].acpi_rsdp_len == mb[1].acpi_rsdp_len);
    FUZZ_ASSERT(!memcmp(mb[0].acpi_rsdp, mb[1].acpi_rsdp, mb[0].acpi_rsdp_len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *aligned = fuzz_exact_copy(data, size);
    uint8_t *block = malloc(size + 1);      /* the same bytes one byte off */
    static char cmdline0[BOOT_CMDLINE_MAX];
    bool ok[2];

    memcpy(block + 1, data, size);
    for (unsigned int flags = 0; flags <= MB2_PARSE_SKIP_MMAP; flags += MB2_PARSE_SKIP_MMAP) {
        for (unsigned int i = 0; i < 2; i++) {
            const uint8_t *mbi = i ? block + 1 : aligned;

            memset(&bi[i], 0, sizeof(bi[i]));
            ok[i] = mb2_parse(mbi, size, flags, &bi[i], &mb[i]);
            check(&bi[i], &mb[i]);
            /* Strings are copies in the parser's own storage, never in the MBI. */
            FUZZ_ASSERT(bi[i].cmdline < (const char *)mbi ||
                        bi[i].cmdline >= (const char *)mbi + size);
            /* The next parse reuses that storage: keep the first's string. */
            if (i == 0)
                strcpy(cmdline0, bi[0].cmdline);
            /* Memory from EFI: nothing from MMAP or BASIC_MEMINFO then. */
            if (flags & MB2_PARSE_SKIP_MMAP)
                FUZZ_ASSERT(bi[i].nr_mem == 0 && !mb[i].have_mmap);
        }
        FUZZ_ASSERT(ok[0] == ok[1]);
        if (ok[0])
            same(cmdline0);
    }
    free(aligned);
    free(block);
    return 0;
}
