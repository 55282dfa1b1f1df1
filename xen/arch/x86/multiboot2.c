/*
 * Multiboot2 boot information parser.
 *
 * The MBI comes from outside the hypervisor, so it is treated like any
 * other untrusted input: the total size is checked against what the caller
 * can map, every tag's size against what is left, every field against its
 * tag's size and every string for a terminating NUL inside its tag.  A
 * malformed tag is reported and skipped; a tag whose size makes the walk
 * itself unreliable ends it.  All reads go through memcpy so that a
 * misaligned MBI is merely unusual, not undefined behaviour.
 *
 * This file uses nothing x86-specific beyond the structure definitions, so
 * tests/boot/x86_64-mbi-parse.t also runs it on the host under ASan/UBSan.
 */
#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <asm/multiboot2.h>
#include <asm/setup.h>

/* Far more than any real loader produces (GRUB's MBI is a few KiB). */
#define MB2_MAX_TOTAL_SIZE  (16u << 20)

#define LOADER_NAME_MAX     128
#define MODULE_CMDLINE_MAX  256

/* Strings outlive the MBI (whose memory will be reused): keep copies. */
static char cmdline_copy[BOOT_CMDLINE_MAX];
static char loader_copy[LOADER_NAME_MAX];
static char module_cmdlines[BOOT_MODULES_MAX][MODULE_CMDLINE_MAX];

static uint32_t read_u32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t read_u64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static void report(struct mb2_boot *mb, uint32_t offset, uint32_t type,
                   const char *what)
{
    mb->bad_tags++;
    printk("multiboot2: tag type %u at offset %#x: %s, skipped\n",
           type, offset, what);
}

/*
 * Copy the NUL-terminated string that must lie in [s, s + avail) into dst,
 * truncating to dst_size.  False if there is no NUL within avail bytes.
 */
static bool copy_string(char *dst, size_t dst_size, const uint8_t *s, size_t avail)
{
    size_t len = strnlen((const char *)s, avail);

    if (len == avail)
        return false;
    if (len >= dst_size)
        len = dst_size - 1;
    memcpy(dst, s, len);
    dst[len] = '\0';
    return true;
}

static enum boot_mem_type mmap_type(uint32_t type)
{
    switch (type) {
    case MB2_MEM_AVAILABLE:    return BOOT_MEM_RAM;
    case MB2_MEM_ACPI_RECLAIM: return BOOT_MEM_ACPI;
    case MB2_MEM_NVS:          return BOOT_MEM_NVS;
    case MB2_MEM_BAD:          return BOOT_MEM_UNUSABLE;
    default:                   return BOOT_MEM_RESERVED;
    }
}

static void parse_mmap(const uint8_t *tag, uint32_t size, uint32_t offset,
                       struct boot_info *bi, struct mb2_boot *mb)
{
    const size_t hdr = sizeof(struct mb2_tag_mmap);
    uint32_t entry_size, nr, skipped = 0;

    if (size < hdr) {
        report(mb, offset, MB2_TAG_MMAP, "too short for its header");
        return;
    }
    entry_size = read_u32(tag + offsetof(struct mb2_tag_mmap, entry_size));
    if (entry_size < sizeof(struct mb2_mmap_entry) || entry_size % 8 != 0) {
        report(mb, offset, MB2_TAG_MMAP, "bad entry size");
        return;
    }
    if (size == hdr)
        return;     /* well-formed but empty: the fallback may still help */
    if (entry_size > size - hdr) {
        report(mb, offset, MB2_TAG_MMAP, "entry larger than the tag");
        return;
    }
    nr = (uint32_t)((size - hdr) / entry_size);
    if ((size - hdr) % entry_size)
        printk("multiboot2: memory map has %u trailing bytes, ignored\n",
               (unsigned int)((size - hdr) % entry_size));

    for (uint32_t i = 0; i < nr; i++) {
        const uint8_t *e = tag + hdr + (size_t)i * entry_size;
        uint64_t base = read_u64(e + offsetof(struct mb2_mmap_entry, base_addr));
        uint64_t len = read_u64(e + offsetof(struct mb2_mmap_entry, length));
        uint32_t type = read_u32(e + offsetof(struct mb2_mmap_entry, type));

        if (len == 0)
            continue;
        if (base + len < base) {
            skipped++;
            continue;
        }
        boot_info_add_mem(bi, base, len, mmap_type(type));
    }
    if (skipped)
        printk("multiboot2: %u memory map entries wrap around, ignored\n", skipped);
    mb->have_mmap = true;
}

static void parse_module(const uint8_t *tag, uint32_t size, uint32_t offset,
                         struct boot_info *bi, struct mb2_boot *mb)
{
    const size_t hdr = sizeof(struct mb2_tag_module);
    uint32_t start, end;
    struct boot_module *m;
    unsigned int idx = bi->nr_mods;

    if (size < hdr) {
        report(mb, offset, MB2_TAG_MODULE, "too short");
        return;
    }
    start = read_u32(tag + offsetof(struct mb2_tag_module, mod_start));
    end = read_u32(tag + offsetof(struct mb2_tag_module, mod_end));
    if (end < start) {
        report(mb, offset, MB2_TAG_MODULE, "module ends before it starts");
        return;
    }
    if (end == start) {
        report(mb, offset, MB2_TAG_MODULE, "empty module");
        return;
    }
    if (idx >= BOOT_MODULES_MAX) {
        report(mb, offset, MB2_TAG_MODULE, "too many modules");
        return;
    }

    m = &bi->mods[idx];
    m->start = start;
    m->size = (paddr_t)end - start;
    /* Xen's convention: the first module is dom0's kernel, the next its ramdisk. */
    m->kind = idx == 0 ? "kernel" : idx == 1 ? "ramdisk" : NULL;
    m->cmdline = NULL;
    if (size == hdr) {
        printk("multiboot2: module %u has no command line field\n", idx);
    } else if (!copy_string(module_cmdlines[idx], MODULE_CMDLINE_MAX,
                            tag + hdr, size - hdr)) {
        printk("multiboot2: module %u command line is not terminated, ignored\n", idx);
    } else if (module_cmdlines[idx][0]) {
        m->cmdline = module_cmdlines[idx];
    }
    bi->nr_mods++;
}

/* A tag carrying one 64-bit (or 32-bit) pointer. */
static bool read_pointer_tag(const uint8_t *tag, uint32_t size, uint32_t offset,
                             uint32_t type, size_t width, uint64_t *out,
                             struct mb2_boot *mb)
{
    if (size < sizeof(struct mb2_tag) + width) {
        report(mb, offset, type, "too short");
        return false;
    }
    *out = width == 8 ? read_u64(tag + sizeof(struct mb2_tag))
                      : read_u32(tag + sizeof(struct mb2_tag));
    return true;
}

bool mb2_parse(const void *mbi, uint64_t limit, unsigned int flags,
               struct boot_info *bi, struct mb2_boot *mb)
{
    const uint8_t *base = mbi;
    uint32_t total, offset;
    bool seen_cmdline = false, seen_loader = false, seen_end = false;

    memset(mb, 0, sizeof(*mb));
    if (!bi->cmdline)
        bi->cmdline = "";

    if (!mbi) {
        printk("multiboot2: no boot information\n");
        return false;
    }
    if ((uintptr_t)mbi % MB2_TAG_ALIGN)
        printk("multiboot2: boot information at %p is not 8-byte aligned\n", mbi);
    if (limit < sizeof(struct mb2_info_header)) {
        printk("multiboot2: boot information at %p is not addressable\n", mbi);
        return false;
    }

    total = read_u32(base + offsetof(struct mb2_info_header, total_size));
    if (total < sizeof(struct mb2_info_header) + sizeof(struct mb2_tag) ||
        total > MB2_MAX_TOTAL_SIZE || total > limit) {
        printk("multiboot2: implausible total size %u, boot information ignored\n",
               total);
        return false;
    }

    offset = sizeof(struct mb2_info_header);
    while (total - offset >= sizeof(struct mb2_tag)) {
        const uint8_t *tag = base + offset;
        uint32_t type = read_u32(tag + offsetof(struct mb2_tag, type));
        uint32_t size = read_u32(tag + offsetof(struct mb2_tag, size));
        uint64_t t64 = 0;

        /* Without a trustworthy size we cannot find the next tag: stop. */
        if (size < sizeof(struct mb2_tag) || size > total - offset) {
            mb->bad_tags++;
            printk("multiboot2: tag type %u at offset %#x: size %u does not fit "
                   "(%u bytes left), rest of the boot information ignored\n",
                   type, offset, size, total - offset);
            break;
        }

        switch (type) {
        case MB2_TAG_END:
            if (size != sizeof(struct mb2_tag))
                printk("multiboot2: end tag has size %u\n", size);
            seen_end = true;
            break;

        case MB2_TAG_CMDLINE:
            if (seen_cmdline)
                report(mb, offset, type, "second command line");
            else if (!copy_string(cmdline_copy, sizeof(cmdline_copy),
                                  tag + sizeof(struct mb2_tag),
                                  size - sizeof(struct mb2_tag)))
                report(mb, offset, type, "command line not terminated");
            else {
                if (strlen(cmdline_copy) == sizeof(cmdline_copy) - 1)
                    printk("multiboot2: command line truncated to %u bytes\n",
                           (unsigned int)sizeof(cmdline_copy) - 1);
                bi->cmdline = cmdline_copy;
                seen_cmdline = true;
            }
            break;

        case MB2_TAG_LOADER_NAME:
            if (seen_loader)
                report(mb, offset, type, "second loader name");
            else if (!copy_string(loader_copy, sizeof(loader_copy),
                                  tag + sizeof(struct mb2_tag),
                                  size - sizeof(struct mb2_tag)))
                report(mb, offset, type, "loader name not terminated");
            else {
                bi->loader = loader_copy;
                seen_loader = true;
            }
            break;

        case MB2_TAG_MODULE:
            parse_module(tag, size, offset, bi, mb);
            break;

        case MB2_TAG_BASIC_MEMINFO:
            if (size < sizeof(struct mb2_tag_basic_meminfo)) {
                report(mb, offset, type, "too short");
                break;
            }
            mb->mem_lower_kib = read_u32(tag + offsetof(struct mb2_tag_basic_meminfo,
                                                        mem_lower));
            mb->mem_upper_kib = read_u32(tag + offsetof(struct mb2_tag_basic_meminfo,
                                                        mem_upper));
            mb->have_meminfo = true;
            break;

        case MB2_TAG_MMAP:
            if (flags & MB2_PARSE_SKIP_MMAP)
                break;
            if (mb->have_mmap)
                report(mb, offset, type, "second memory map");
            else
                parse_mmap(tag, size, offset, bi, mb);
            break;

        case MB2_TAG_EFI64_SYSTAB:
            if (read_pointer_tag(tag, size, offset, type, 8, &t64, mb))
                mb->efi64_systab = t64;
            break;

        case MB2_TAG_EFI64_IMAGE:
            if (read_pointer_tag(tag, size, offset, type, 8, &t64, mb))
                mb->efi64_image = t64;
            break;

        case MB2_TAG_EFI32_SYSTAB:
            if (read_pointer_tag(tag, size, offset, type, 4, &t64, mb))
                mb->efi32_systab = (uint32_t)t64;
            break;

        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW: {
            /* A copy of the RSDP (not a pointer); ACPI checks it later. */
            uint32_t n = size - (uint32_t)sizeof(struct mb2_tag);
            bool is_new = type == MB2_TAG_ACPI_NEW;

            if (n == 0) {
                report(mb, offset, type, "empty RSDP copy");
                break;
            }
            if (mb->acpi_rsdp_len && (mb->acpi_rsdp_new || !is_new))
                break;      /* keep the first copy, preferring the 2.0 one */
            if (n > sizeof(mb->acpi_rsdp))
                n = sizeof(mb->acpi_rsdp);
            memcpy(mb->acpi_rsdp, tag + sizeof(struct mb2_tag), n);
            mb->acpi_rsdp_len = n;
            mb->acpi_rsdp_new = is_new;
            break;
        }

        case MB2_TAG_EFI_BS_ACTIVE:
            mb->efi_bs_active = true;
            break;

        default:
            /* Tags we have no use for (yet) are fine. */
            break;
        }

        if (seen_end)
            break;
        /* size <= total - offset, so this cannot overflow a uint32_t. */
        offset += ROUNDUP(size, (uint32_t)MB2_TAG_ALIGN);
        if (offset > total)
            break;
    }

    if (!seen_end)
        printk("multiboot2: no end tag within %u bytes\n", total);

    /* No memory map: fall back on the two coarse numbers, if we have them. */
    if (!(flags & MB2_PARSE_SKIP_MMAP) && !mb->have_mmap && mb->have_meminfo) {
        printk("multiboot2: no memory map, using basic memory information\n");
        boot_info_add_mem(bi, 0, (paddr_t)mb->mem_lower_kib << 10, BOOT_MEM_RAM);
        boot_info_add_mem(bi, 1u << 20, (paddr_t)mb->mem_upper_kib << 10, BOOT_MEM_RAM);
    }
    return true;
}
