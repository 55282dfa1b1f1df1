/*
 * Build identity.  The build id comes from the .note.gnu.build-id section
 * that each architecture's linker script brackets with the symbols below;
 * it is what ties a crash log to the exact image that produced it.
 */
#include <xen/version.h>
#include <xen/lib.h>
#include <generated/compile.h>

/* ELF note header; the name "GNU\0" follows, then the id bytes. */
struct elf_note_header {
    uint32_t namesz;
    uint32_t descsz;
    uint32_t type;
};

#define NT_GNU_BUILD_ID 3

extern const char __note_gnu_build_id_start[], __note_gnu_build_id_end[];

const char *hv_version_string(void)
{
    return HV_VERSION;
}

const char *hv_abi_version_string(void)
{
    return XEN_ABI_VERSION;
}

const char *hv_compiler_string(void)
{
    return HV_COMPILER;
}

bool hv_build_id(const uint8_t **id, unsigned int *len)
{
    const struct elf_note_header *n = (const void *)__note_gnu_build_id_start;
    size_t avail = (size_t)(__note_gnu_build_id_end - __note_gnu_build_id_start);
    size_t name_len;

    if (avail < sizeof(*n))
        return false;
    name_len = ROUNDUP((size_t)n->namesz, 4);
    if (n->type != NT_GNU_BUILD_ID || n->namesz != 4 || n->descsz == 0 ||
        sizeof(*n) + name_len + n->descsz > avail ||
        memcmp(n + 1, "GNU", 4) != 0)
        return false;
    *id = (const uint8_t *)(n + 1) + name_len;
    *len = n->descsz;
    return true;
}
