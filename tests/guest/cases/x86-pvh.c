/* SPDX-License-Identifier: MIT */
/*
 * x86-pvh.c - how a PVH dom0 is started: the machine state at the entry
 * point, the start info, the ACPI root the builder made, and the memory
 * map and reservation memory_op reports.
 */
#include "gt-xen.h"

#if GT_ARCH_X86

#include <public/memory.h>
#include <public/arch-x86/hvm/start_info.h>

#define CR0_PE     (1u << 0)
#define CR0_ET     (1u << 4)   /* reads as 1 on any recent CPU */
#define EFLAGS_TF  (1u << 8)
#define EFLAGS_IF  (1u << 9)
#define EFLAGS_VM  (1u << 17)
#define EFER_LME   (1u << 8)
#define EFER_LMA   (1u << 10)

GT_TEST(pvh_entry_state, "pvh.entry_state")
{
    const struct gt_x86_entry_state *e = &gt_x86_entry;

    gt_printf("  cr0 0x%x cr4 0x%x eflags 0x%x cs 0x%x efer 0x%x\n", e->cr0, e->cr4,
              e->eflags, e->cs, e->efer);
    /* Protected mode, paging and everything else off. */
    EXPECT_XEQ(e->cr0 & ~CR0_ET, CR0_PE);
    EXPECT_XEQ(e->cr4, 0);
    EXPECT_XEQ(e->eflags & (EFLAGS_TF | EFLAGS_IF | EFLAGS_VM), 0);
    EXPECT_XEQ(e->efer & (EFER_LME | EFER_LMA), 0);
}

static const struct hvm_start_info *si(void)
{
    return (const struct hvm_start_info *)gt_cfg.start_info;
}

static bool sum_ok(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--)
        s = (uint8_t)(s + *p++);
    return s == 0;
}

GT_TEST(pvh_start_info, "pvh.start_info")
{
    const struct hvm_start_info *s = si();

    ASSERT_TRUE(s != NULL);
    gt_printf("  at %p: magic 0x%x version %u flags 0x%x modules %u cmdline 0x%llx "
              "rsdp 0x%llx\n", (const void *)s, s->magic, s->version, s->flags,
              s->nr_modules, (unsigned long long)s->cmdline_paddr,
              (unsigned long long)s->rsdp_paddr);
    ASSERT_XEQ(s->magic, XEN_HVM_START_MAGIC_VALUE);
    /* Xen pads the command line before it to the ELF class's word: the
     * start info of an ELF32 kernel is only 4-byte aligned. */
    EXPECT_XEQ((uintptr_t)s & (GT_ARCH_BITS / 8 - 1), 0);
    EXPECT_XEQ(s->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN), SIF_PRIVILEGED | SIF_INITDOMAIN);
    /* The kernel came without an initrd. */
    EXPECT_EQ(s->nr_modules, 0);
    /* Our module line: starts with what the runner wrote. */
    EXPECT_TRUE(s->cmdline_paddr != 0);
    EXPECT_TRUE(strncmp(gt_cfg.bootargs, "gt.hv=", 6) == 0);
    /* Above the first MiB, clear of the image. */
    EXPECT_TRUE((uintptr_t)s >= 0x100000);
    if (s->version >= 1)
        gt_printf("  memmap 0x%llx, %u entries\n", (unsigned long long)s->memmap_paddr,
                  s->memmap_entries);
}

GT_TEST(pvh_rsdp, "pvh.acpi_rsdp")
{
    const struct hvm_start_info *s = si();
    const uint8_t *r, *x;
    uint32_t len, xlen;
    uint64_t xsdt, first;
    char sig[5];

    ASSERT_TRUE(s != NULL && s->magic == XEN_HVM_START_MAGIC_VALUE);
    ASSERT_TRUE(s->rsdp_paddr != 0 && s->rsdp_paddr < (1ull << 32));
    r = (const uint8_t *)(uintptr_t)s->rsdp_paddr;
    /* An ACPI 2.0 RSDP made for dom0, both checksums right. */
    EXPECT_TRUE(memcmp(r, "RSD PTR ", 8) == 0);
    EXPECT_TRUE(sum_ok(r, 20));
    EXPECT_EQ(r[15], 2);
    memcpy(&len, r + 20, 4);
    EXPECT_EQ(len, 36);
    EXPECT_TRUE(sum_ok(r, 36));
    memcpy(&xsdt, r + 24, 8);
    ASSERT_TRUE(xsdt != 0 && xsdt < (1ull << 32));
    /*
     * Its XSDT: 64-bit entries, the builder's own MADT first.  Xen 4.17
     * copies the header of the host's XSDT; on firmware with only an RSDT
     * (SeaBIOS) that is whatever lies at the address the host RSDP does not
     * have, so the signature is not checked.
     */
    x = (const uint8_t *)(uintptr_t)xsdt;
    memcpy(sig, x, 4);
    sig[4] = '\0';
    memcpy(&xlen, x + 4, 4);
    gt_print_field("XSDT signature", sig, 4);
    gt_printf("  XSDT at 0x%llx, %u bytes, revision %u\n", (unsigned long long)xsdt, xlen,
              x[8]);
    ASSERT_TRUE(xlen >= 36 + 8 && xlen < 4096);
    EXPECT_EQ((xlen - 36) % 8, 0);
    EXPECT_TRUE(sum_ok(x, xlen));
    EXPECT_EQ(x[8], 1);
    memcpy(&first, x + 36, 8);
    ASSERT_TRUE(first != 0 && first < (1ull << 32));
    EXPECT_TRUE(memcmp((const void *)(uintptr_t)first, "APIC", 4) == 0);
    /* That MADT describes every vCPU. */
    EXPECT_GE(gt_cfg.nr_cpus, 1);
}

struct e820_entry {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

GT_TEST(memory_map, "memory_op.memory_map")
{
    static struct e820_entry map[64];
    static struct xen_memory_map arg;
    uint64_t ram = 0, self = (uintptr_t)gt_cfg.load;
    bool self_in_ram = false;
    long rc;

    arg.nr_entries = GT_ARRAY_SIZE(map);
    set_xen_guest_handle(arg.buffer, map);
    rc = gt_hypercall(__HYPERVISOR_memory_op, XENMEM_memory_map, (unsigned long)&arg, 0, 0, 0);
    ASSERT_EQ(rc, 0);
    ASSERT_TRUE(arg.nr_entries > 0 && arg.nr_entries <= GT_ARRAY_SIZE(map));
    for (unsigned int i = 0; i < arg.nr_entries; i++) {
        gt_printf("  %016llx-%016llx type %u\n", (unsigned long long)map[i].addr,
                  (unsigned long long)(map[i].addr + map[i].size - 1), map[i].type);
        if (map[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
            continue;
        ram += map[i].size;
        if (self >= map[i].addr && self - map[i].addr < map[i].size)
            self_in_ram = true;
    }
    gt_printf("  RAM: %llu KiB\n", (unsigned long long)(ram >> 10));
    EXPECT_TRUE(self_in_ram);
    /* dom0_mem=256M, less the pages the builder turned into ACPI tables. */
    EXPECT_LE(ram, 256ull << 20);
    EXPECT_GE(ram, 240ull << 20);
    /* Fewer slots than entries: the first ones, and the count written. */
    arg.nr_entries = 1;
    EXPECT_EQ(gt_hypercall(__HYPERVISOR_memory_op, XENMEM_memory_map, (unsigned long)&arg,
                           0, 0, 0), 0);
    EXPECT_EQ(arg.nr_entries, 1);
}

GT_TEST(machine_memory_map, "memory_op.machine_memory_map")
{
    static struct e820_entry map[8];
    static struct xen_memory_map arg;

    /* The host's map is for PV control domains: not offered to HVM. */
    arg.nr_entries = GT_ARRAY_SIZE(map);
    set_xen_guest_handle(arg.buffer, map);
    EXPECT_EQ(gt_hypercall(__HYPERVISOR_memory_op, XENMEM_machine_memory_map,
                           (unsigned long)&arg, 0, 0, 0), -XEN_ENOSYS);
}

GT_TEST(current_reservation, "memory_op.current_reservation")
{
    static domid_t self = DOMID_SELF;
    long cur, max;

    cur = gt_hypercall(__HYPERVISOR_memory_op, XENMEM_current_reservation,
                       (unsigned long)&self, 0, 0, 0);
    max = gt_hypercall(__HYPERVISOR_memory_op, XENMEM_maximum_reservation,
                       (unsigned long)&self, 0, 0, 0);
    gt_printf("  current %ld pages, maximum %ld pages\n", cur, max);
    /* dom0_mem=256M: 65536 pages. */
    EXPECT_GE(cur, 60000);
    EXPECT_LE(cur, 65536);
    EXPECT_GE(max, cur);
}

#endif /* GT_ARCH_X86 */
