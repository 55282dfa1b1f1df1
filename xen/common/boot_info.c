/* Helpers for filling struct boot_info from any loader's data. */
#include <xen/boot_info.h>

void boot_info_add_mem(struct boot_info *bi, paddr_t start, paddr_t size,
                       enum boot_mem_type type)
{
    /* Zero-sized and wrapping regions come from broken firmware tables. */
    if (size == 0 || start + size < start)
        return;
    if (bi->nr_mem >= BOOT_MEM_MAX)
        return;
    bi->mem[bi->nr_mem].start = start;
    bi->mem[bi->nr_mem].size = size;
    bi->mem[bi->nr_mem].type = type;
    bi->nr_mem++;
}

bool boot_info_add_rsv(struct boot_info *bi, paddr_t start, paddr_t size)
{
    if (size == 0)
        return true;
    if (bi->nr_rsv >= BOOT_RSV_MAX)
        return false;
    bi->rsv[bi->nr_rsv].start = start;
    bi->rsv[bi->nr_rsv].size = size;
    bi->nr_rsv++;
    return true;
}
