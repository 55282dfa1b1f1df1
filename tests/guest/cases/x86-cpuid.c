/* SPDX-License-Identifier: MIT */
/*
 * x86-cpuid.c - the hypervisor's CPUID leaves as an HVM guest without
 * Viridian sees them: signature and leaf count at 0x40000000, version,
 * hypercall page count and MSR, the HVM leaf, and nothing beyond.
 */
#include "gt-xen.h"

#if GT_ARCH_X86

#define LEAF(n) (0x40000000u + (n))

static void print_leaf(uint32_t leaf, const struct gt_cpuid *r)
{
    gt_printf("  cpuid 0x%08x: eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n", leaf,
              r->a, r->b, r->c, r->d);
}

GT_TEST(cpuid_signature, "cpuid.signature")
{
    struct gt_cpuid r = gt_x86_cpuid(LEAF(0), 0);
    char sig[13];

    print_leaf(LEAF(0), &r);
    memcpy(sig, &r.b, 4);
    memcpy(sig + 4, &r.c, 4);
    memcpy(sig + 8, &r.d, 4);
    sig[12] = '\0';
    EXPECT_STREQ(sig, "XenVMMXenVMM");
    /* dom0 has no Viridian, so Xen's leaves start at the first slot. */
    EXPECT_XEQ(gt_x86.hv_base, LEAF(0));
    /* Xen 4.17 has leaves 1-5. */
    EXPECT_XEQ(r.a, LEAF(5));
}

GT_TEST(cpuid_version, "cpuid.version")
{
    struct gt_cpuid r = gt_x86_cpuid(LEAF(1), 0);

    print_leaf(LEAF(1), &r);
    EXPECT_XEQ(r.a, (4u << 16) | 17u);
    EXPECT_XEQ(r.a, HYPERVISOR_xen_version(XENVER_version, NULL));
    EXPECT_XEQ(r.b, 0);
    EXPECT_XEQ(r.c, 0);
    EXPECT_XEQ(r.d, 0);
}

GT_TEST(cpuid_hypercall_leaf, "cpuid.hypercall_page_leaf")
{
    struct gt_cpuid r = gt_x86_cpuid(LEAF(2), 0);

    print_leaf(LEAF(2), &r);
    EXPECT_EQ(r.a, 1);                   /* one hypercall page */
    EXPECT_XEQ(r.b, 0x40000000u);        /* its MSR (Viridian moves it) */
    EXPECT_XEQ(r.c, 0);                  /* feature flags: PV only */
    EXPECT_XEQ(r.d, 0);
}

#define HVM_APIC_ACCESS_VIRT (1u << 0)
#define HVM_X2APIC_VIRT      (1u << 1)
#define HVM_IOMMU_MAPPINGS   (1u << 2)
#define HVM_VCPU_ID_PRESENT  (1u << 3)
#define HVM_DOMID_PRESENT    (1u << 4)
#define HVM_UPCALL_VECTOR    (1u << 6)

GT_TEST(cpuid_hvm_leaf, "cpuid.hvm_leaf")
{
    struct gt_cpuid r = gt_x86_cpuid(LEAF(4), 0);
    const uint32_t always = HVM_IOMMU_MAPPINGS | HVM_VCPU_ID_PRESENT |
                            HVM_DOMID_PRESENT | HVM_UPCALL_VECTOR;

    print_leaf(LEAF(4), &r);
    EXPECT_XEQ(r.a & always, always);
    /* The APIC virtualisation flags are VMX features: none on AMD. */
    if (gt_x86.vendor_amd)
        EXPECT_XEQ(r.a & (HVM_APIC_ACCESS_VIRT | HVM_X2APIC_VIRT), 0);
    EXPECT_EQ(r.b, 0);                   /* vCPU id */
    EXPECT_EQ(r.c, 0);                   /* domain id */
    /* Only sub-leaf 0 is defined. */
    r = gt_x86_cpuid(LEAF(4), 1);
    EXPECT_XEQ(r.a | r.b | r.c | r.d, 0);
}

GT_TEST(cpuid_time_leaf, "cpuid.time_leaf")
{
    struct gt_cpuid r = gt_x86_cpuid(LEAF(3), 0);

    print_leaf(LEAF(3), &r);
    r = gt_x86_cpuid(LEAF(3), 2);
    print_leaf(LEAF(3), &r);
    /* Sub-leaf 2 is the host's TSC frequency in kHz. */
    EXPECT_GT(r.a, 0);
}

GT_TEST(cpuid_empty_leaves, "cpuid.empty_leaves")
{
    /* Leaf 5 holds PV-only parameters; past the maximum there is nothing,
     * also not where a Viridian-enabled Xen would put its leaves. */
    static const uint32_t leaves[] = { LEAF(5), LEAF(6), LEAF(0xff), LEAF(0x100),
                                       LEAF(0x101), LEAF(0x102) };

    for (size_t i = 0; i < GT_ARRAY_SIZE(leaves); i++) {
        struct gt_cpuid r = gt_x86_cpuid(leaves[i], 0);

        if (r.a | r.b | r.c | r.d) {
            print_leaf(leaves[i], &r);
            gt_fail_at(__FILE__, __LINE__, "leaf 0x%08x is not empty", leaves[i]);
        }
    }
}

#endif /* GT_ARCH_X86 */
