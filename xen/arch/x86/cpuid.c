/*
 * What CPUID tells an HVM/PVH guest.
 *
 * The host's leaves, minus what guests do not get: SVM/VMX and other
 * virtualisation features, XSAVE and everything whose state it manages
 * (AVX, FMA, MPX, PKU...: the FPU is switched with FXSAVE), the local APIC
 * and x2APIC (not emulated), MTRRs, machine checks, MONITOR/MWAIT, RDTSCP,
 * performance counters and thermal/power leaves.  Leaf 1 says "running
 * under a hypervisor" and gives the vCPU an APIC id of 2 * vcpu_id, as Xen
 * does.  Leaves past the host's maximum read as zeroes.
 *
 * Xen's own leaves sit at 0x40000000 - 0x40000005, with the values Xen
 * 4.17 reports to an HVM guest (its cpuid_hypervisor_leaves()): the
 * signature, the version, one hypercall page through MSR 0x40000000, the
 * TSC leaf, and the HVM leaf (vCPU id, domain id, upcall vector support).
 */
#include <xen/sched.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <asm/domain.h>
#include <asm/hvm.h>
#include <asm/processor.h>
#include <asm/time.h>

/* Xen's CPUID ABI (public/arch-x86/cpuid.h in Xen). */
#define XEN_LEAF_BASE               0x40000000u
#define XEN_LEAF_LAST               0x400000ffu
#define XEN_LEAVES                  5           /* 0x40000001 - 0x40000005 */
#define XEN_SIG_EBX                 0x566e6558u /* "XenV" */
#define XEN_SIG_ECX                 0x65584d4du /* "MMXe" */
#define XEN_SIG_EDX                 0x4d4d566eu /* "nVMM" */
#define XEN_HVM_CPUID_IOMMU_MAPPINGS (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID       (1u << 3)
#define XEN_HVM_CPUID_DOMID         (1u << 4)
#define XEN_HVM_CPUID_UPCALL_VECTOR (1u << 6)
#define XEN_VERSION_MAJOR           4
#define XEN_VERSION_MINOR           17

/* Leaf 1. */
#define L1_ECX_HIDE ((1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) |  /* DTES64 MONITOR DS-CPL VMX */ \
                     (1u << 6) | (1u << 7) | (1u << 8) | (1u << 12) | /* SMX EST TM2 FMA */           \
                     (1u << 15) | (1u << 18) | (1u << 21) | (1u << 24) | /* PDCM DCA x2APIC TSC-DL */  \
                     (1u << 26) | (1u << 27) | (1u << 28) | (1u << 29)) /* XSAVE OSXSAVE AVX F16C */
#define L1_ECX_HYPERVISOR (1u << 31)
#define L1_EDX_HIDE ((1u << 7) | (1u << 9) | (1u << 12) | (1u << 14) | /* MCE APIC MTRR MCA */        \
                     (1u << 18) | (1u << 21) | (1u << 22) | (1u << 29) | /* PSN DS ACPI TM */          \
                     (1u << 31))                                      /* PBE */

/* Leaf 7 subleaf 0: only these. */
#define L7_EBX_KEEP ((1u << 0) | (1u << 3) | (1u << 7) | (1u << 8) |    /* FSGSBASE BMI1 SMEP BMI2 */  \
                     (1u << 9) | (1u << 18) | (1u << 19) | (1u << 20) | /* ERMS RDSEED ADX SMAP */     \
                     (1u << 23) | (1u << 29))                         /* CLFLUSHOPT SHA */

/* Leaf 0x80000001. */
#define X1_ECX_HIDE ((1u << 2) | (1u << 3) | (1u << 9) | (1u << 10) | /* SVM ExtApic OSVW IBS */      \
                     (1u << 11) | (1u << 12) | (1u << 13) | (1u << 15) | /* XOP SKINIT WDT LWP */     \
                     (1u << 16) | (1u << 22) | (1u << 23) | (1u << 24) | /* FMA4 TOPOEXT PERFCTR */   \
                     (1u << 26) | (1u << 28) | (1u << 29))            /* DBX PERFTSC MWAITX */
#define X1_EDX_HIDE ((1u << 7) | (1u << 9) | (1u << 12) | (1u << 14) | /* MCE APIC MTRR MCA */        \
                     (1u << 27))                                      /* RDTSCP */

#define GUEST_PHYS_BITS_MAX 48                  /* what the nested tables map */

static void zero(struct cpuid_regs *r)
{
    r->eax = r->ebx = r->ecx = r->edx = 0;
}

static void xen_leaf(const struct vcpu *v, uint32_t idx, uint32_t subleaf,
                     struct cpuid_regs *r)
{
    zero(r);
    switch (idx) {
    case 0:
        r->eax = XEN_LEAF_BASE + XEN_LEAVES;
        r->ebx = XEN_SIG_EBX;
        r->ecx = XEN_SIG_ECX;
        r->edx = XEN_SIG_EDX;
        break;
    case 1:
        r->eax = (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;
        break;
    case 2:
        r->eax = 1;                             /* one hypercall page */
        r->ebx = XEN_LEAF_BASE;                 /* ... written through this MSR */
        break;
    case 3: {
        uint64_t hz = x86_tsc_hz();
        bool invariant = cpuid_ext(0x80000007).edx & CPUIDX7_EDX_INVTSC;
        uint32_t mul;
        int8_t shift;

        if (subleaf == 0) {
            r->eax = invariant ? 1u << 1 : 0;   /* no vTSC; TSC safe if invariant */
            r->ebx = 0;                         /* TSC mode: default */
            r->ecx = (uint32_t)(hz / 1000);     /* guest TSC kHz */
            r->edx = 0;                         /* incarnation */
        } else if (subleaf == 1) {
            x86_tsc_scale(&mul, &shift);
            r->eax = 0;                         /* TSC offset */
            r->ebx = 0;
            r->ecx = mul;
            r->edx = (uint32_t)(int32_t)shift;
        } else if (subleaf == 2) {
            r->eax = (uint32_t)(hz / 1000);     /* physical CPU kHz */
        }
        break;
    }
    case 4:
        if (subleaf != 0)
            break;
        r->eax = XEN_HVM_CPUID_IOMMU_MAPPINGS | XEN_HVM_CPUID_VCPU_ID |
                 XEN_HVM_CPUID_DOMID;
        /* Not advertised where HVMOP_set_evtchn_upcall_vector is hidden. */
        if (evtchn_upcall_vector_offered(v->domain))
            r->eax |= XEN_HVM_CPUID_UPCALL_VECTOR;
        r->ebx = v->vcpu_id;
        r->ecx = v->domain->domain_id;
        break;
    default:                                    /* 5: PV only */
        break;
    }
}

void hvm_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
    uint32_t max_basic = cpuid(0).eax;
    uint32_t max_ext = cpuid(CPUID_EXT_LEAF_MAX).eax;

    if (leaf >= XEN_LEAF_BASE && leaf <= XEN_LEAF_LAST + 0x100) {
        if (leaf - XEN_LEAF_BASE <= XEN_LEAVES)
            xen_leaf(v, leaf - XEN_LEAF_BASE, subleaf, r);
        else
            zero(r);
        return;
    }
    if (leaf < 0x80000000 ? leaf > max_basic : leaf > max_ext) {
        zero(r);
        return;
    }

    *r = cpuid_count(leaf, subleaf);
    switch (leaf) {
    case 1:
        r->ebx = (r->ebx & 0x00ffffffu) | ((v->vcpu_id * 2u) << 24);
        r->ecx = (r->ecx & ~L1_ECX_HIDE) | L1_ECX_HYPERVISOR;
        r->edx &= ~L1_EDX_HIDE;
        break;
    case 7:
        if (subleaf == 0) {
            r->eax = 0;
            r->ebx &= L7_EBX_KEEP;
            r->ecx = 0;
            r->edx = 0;
        } else {
            zero(r);
        }
        break;
    case 5: case 6: case 0xa: case 0xb: case 0xd: case 0xf: case 0x10:
    case 0x12: case 0x14: case 0x1f:
        zero(r);
        break;
    case 0x80000001:
        r->ecx &= ~X1_ECX_HIDE;
        r->edx &= ~X1_EDX_HIDE;
        break;
    case 0x80000007:
        r->eax = r->ebx = r->ecx = 0;
        r->edx &= CPUIDX7_EDX_INVTSC;
        break;
    case 0x80000008:
        if ((r->eax & 0xff) > GUEST_PHYS_BITS_MAX)
            r->eax = (r->eax & ~0xffu) | GUEST_PHYS_BITS_MAX;
        r->ebx = r->ecx = r->edx = 0;
        break;
    default:
        /* Identification, caches and TLBs are harmless; the rest is hidden. */
        if (leaf >= 0x80000009 || (leaf > 0x14 && leaf < 0x80000000))
            zero(r);
        break;
    }
}
