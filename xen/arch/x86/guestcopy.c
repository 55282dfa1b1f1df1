/*
 * Guest memory access for HVM/PVH guests (xen/guest_access.h).
 *
 * Hypercall buffers are linear addresses of the calling vCPU.  We walk the
 * guest's own page tables in software, in whichever format its CR0, CR4
 * and EFER select (paging off: linear = physical; 2-level 32-bit with 4 MiB
 * pages under CR4.PSE; PAE; 4-level long mode), reading every table entry
 * through the domain's p2m, then reach the frame through the p2m and our
 * direct map.  Accesses are supervisor accesses: a write needs every level
 * writable when CR0.WP is set.  Like the CPU, the walk sets the accessed
 * bits it used and the dirty bit of the page it writes.
 *
 * The one exception is the compat translation area (in_xlat_area()).
 *
 * Everything is copied page by page; the first page that does not
 * translate (or is not RAM of the right kind) stops the copy, and the
 * functions return how many bytes were NOT copied.
 */
#include <xen/arch.h>
#include <xen/atomic.h>
#include <xen/compat.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/hvm.h>
#include <asm/processor.h>
#include <asm/svm.h>

#define PTE_P           (1ULL << 0)
#define PTE_RW          (1ULL << 1)
#define PTE_A           (1ULL << 5)
#define PTE_D           (1ULL << 6)
#define PTE_PS          (1ULL << 7)
#define PTE64_ADDR      0x000ffffffffff000ULL
#define X86_CR4_PSE_BIT (1u << 4)
#define X86_CR4_PAE_BIT (1u << 5)

/* Frame behind a guest-physical address, for reading or writing it. */
static void *gpa_ptr(struct domain *d, uint64_t gpa, bool write)
{
    p2m_type_t t;
    mfn_t m = p2m_lookup(d, _gfn(gpa >> PAGE_SHIFT), &t);

    if (mfn_eq(m, INVALID_MFN))
        return NULL;
    switch (t) {
    case p2m_ram_rw:
    case p2m_grant_map_rw:
    case p2m_map_foreign_rw:
        break;
    case p2m_ram_ro:
    case p2m_grant_map_ro:
    case p2m_map_foreign_ro:
        if (write)
            return NULL;
        break;
    default:
        return NULL;                    /* device memory is not for copying */
    }
    return (uint8_t *)mfn_to_virt(m) + (gpa & (PAGE_SIZE - 1));
}

/* One 8-byte (or 4-byte) table entry; NULL when it is not in RAM. */
static void *entry_ptr(struct domain *d, uint64_t gpa, unsigned int size)
{
    if (gpa & (size - 1))
        return NULL;
    return gpa_ptr(d, gpa, false);
}

static void set_bits64(uint64_t *e, uint64_t bits)
{
    if ((read_atomic(e) & bits) != bits)
        __atomic_fetch_or(e, bits, __ATOMIC_SEQ_CST);
}

static void set_bits32(uint32_t *e, uint32_t bits)
{
    if ((read_atomic(e) & bits) != bits)
        __atomic_fetch_or(e, bits, __ATOMIC_SEQ_CST);
}

/* 4-level (long mode) and the last 2 levels of PAE share this. */
static bool walk64(struct domain *d, uint64_t table, uint64_t va, unsigned int level,
                   bool write, bool wp, uint64_t *gpa)
{
    for (;; level--) {
        unsigned int shift = 12 + 9 * (level - 1);
        uint64_t *ep = entry_ptr(d, table + ((va >> shift) & 511) * 8, 8);
        uint64_t e, size;

        if (!ep)
            return false;
        e = read_atomic(ep);
        if (!(e & PTE_P) || (write && wp && !(e & PTE_RW)))
            return false;
        if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
            size = 1ULL << shift;
            set_bits64(ep, PTE_A | (write ? PTE_D : 0));
            *gpa = ((e & PTE64_ADDR) & ~(size - 1)) | (va & (size - 1));
            return true;
        }
        set_bits64(ep, PTE_A);
        table = e & PTE64_ADDR;
    }
}

static bool walk32(struct domain *d, uint32_t cr3, uint32_t va, bool pse, bool write,
                   bool wp, uint64_t *gpa)
{
    uint32_t *pdp = entry_ptr(d, (cr3 & 0xfffff000u) + ((va >> 22) & 0x3ff) * 4, 4);
    uint32_t *ptp, pde, pte;

    if (!pdp)
        return false;
    pde = read_atomic(pdp);
    if (!(pde & PTE_P) || (write && wp && !(pde & PTE_RW)))
        return false;
    if (pse && (pde & PTE_PS)) {
        /* 4 MiB page; PSE-36 puts address bits 39:32 in bits 20:13. */
        set_bits32(pdp, (uint32_t)(PTE_A | (write ? PTE_D : 0)));
        *gpa = (uint64_t)(pde & 0xffc00000u) | ((uint64_t)((pde >> 13) & 0xff) << 32) |
               (va & 0x3fffff);
        return true;
    }
    set_bits32(pdp, (uint32_t)PTE_A);
    ptp = entry_ptr(d, (pde & 0xfffff000u) + ((va >> 12) & 0x3ff) * 4, 4);
    if (!ptp)
        return false;
    pte = read_atomic(ptp);
    if (!(pte & PTE_P) || (write && wp && !(pte & PTE_RW)))
        return false;
    set_bits32(ptp, (uint32_t)(PTE_A | (write ? PTE_D : 0)));
    *gpa = (uint64_t)(pte & 0xfffff000u) | (va & 0xfff);
    return true;
}

bool hvm_linear_to_gpa(struct vcpu *v, uint64_t va, bool write, uint64_t *gpa)
{
    const struct vmcb *vmcb = v->arch->vmcb;
    struct domain *d = v->domain;
    uint64_t cr0 = vmcb->cr0, cr4 = vmcb->cr4;
    bool wp = cr0 & X86_CR0_WP;

    if (!(cr0 & X86_CR0_PG)) {
        *gpa = (uint32_t)va;
        return true;
    }
    if (vmcb->efer & EFER_LMA) {
        /* Non-canonical addresses never translate (no 5-level paging here). */
        if ((uint64_t)((int64_t)(va << 16) >> 16) != va || (cr4 & X86_CR4_LA57))
            return false;
        return walk64(d, vmcb->cr3 & PTE64_ADDR, va, 4, write, wp, gpa);
    }
    va = (uint32_t)va;
    if (cr4 & X86_CR4_PAE_BIT) {
        uint64_t *pdpte = entry_ptr(d, (vmcb->cr3 & 0xffffffe0u) + ((va >> 30) & 3) * 8, 8);
        uint64_t e;

        if (!pdpte)
            return false;
        e = read_atomic(pdpte);
        if (!(e & PTE_P))
            return false;
        return walk64(d, e & PTE64_ADDR, va, 2, write, wp, gpa);
    }
    return walk32(d, (uint32_t)vmcb->cr3, (uint32_t)va, cr4 & X86_CR4_PSE_BIT, write, wp, gpa);
}

/* ------------------------------------------------------------ copies */

enum copy_dir { TO_GUEST, FROM_GUEST, CLEAR_GUEST };

/* Within one page of guest-physical memory. */
static bool copy_gpa_page(struct domain *d, uint64_t gpa, void *buf, unsigned long n,
                          enum copy_dir dir)
{
    void *p = gpa_ptr(d, gpa, dir != FROM_GUEST);

    if (!p)
        return false;
    if (dir == TO_GUEST)
        memcpy(p, buf, n);
    else if (dir == FROM_GUEST)
        memcpy(buf, p, n);
    else
        memset(p, 0, n);
    return true;
}

/*
 * During a 32-bit hypercall, native handlers called by compat ones read
 * and write their translated arguments in the vCPU's translation area
 * (xen/compat.h): an access wholly inside it is a plain copy.  Only then:
 * a 64-bit guest's addresses always go through its page tables.
 */
static bool in_xlat_area(const struct arch_vcpu *a, uint64_t va, unsigned long len)
{
    uint64_t off = va - (uint64_t)(uintptr_t)a->xlat;

    return a->hcall_compat && a->xlat && off < COMPAT_XLAT_SIZE &&
           len <= COMPAT_XLAT_SIZE - off;
}

static unsigned long copy_linear(void *buf, uint64_t va, unsigned long len, enum copy_dir dir)
{
    struct vcpu *v = current;
    bool wide;

    if (!x86_vcpu_is_guest(v))
        return len;
    if (in_xlat_area(v->arch, va, len)) {
        void *p = (void *)(uintptr_t)va;

        if (dir == TO_GUEST)
            memcpy(p, buf, len);
        else if (dir == FROM_GUEST)
            memcpy(buf, p, len);
        else
            memset(p, 0, len);
        return 0;
    }
    wide = hvm_guest_mode(v) == 8;
    while (len) {
        unsigned long n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        uint64_t gpa;

        if (n > len)
            n = len;
        if (!hvm_linear_to_gpa(v, va, dir != FROM_GUEST, &gpa) ||
            !copy_gpa_page(v->domain, gpa, buf, n, dir))
            break;
        len -= n;
        va += n;
        if (!wide)
            va = (uint32_t)va;          /* 32-bit linear addresses wrap */
        if (buf)
            buf = (uint8_t *)buf + n;
    }
    return len;
}

unsigned long arch_copy_to_guest(uint64_t guest_va, const void *src, unsigned long len)
{
    return copy_linear((void *)src, guest_va, len, TO_GUEST);
}

unsigned long arch_copy_from_guest(void *dst, uint64_t guest_va, unsigned long len)
{
    return copy_linear(dst, guest_va, len, FROM_GUEST);
}

unsigned long arch_clear_guest(uint64_t guest_va, unsigned long len)
{
    return copy_linear(NULL, guest_va, len, CLEAR_GUEST);
}

static unsigned long copy_phys(struct domain *d, paddr_t gpa, void *buf, unsigned long len,
                               enum copy_dir dir)
{
    if (!d || !d->arch)
        return len;
    while (len) {
        unsigned long n = PAGE_SIZE - (gpa & (PAGE_SIZE - 1));

        if (n > len)
            n = len;
        if (!copy_gpa_page(d, gpa, buf, n, dir))
            break;
        len -= n;
        gpa += n;
        buf = (uint8_t *)buf + n;
    }
    return len;
}

unsigned long copy_to_guest_phys(struct domain *d, paddr_t gpa, const void *src,
                                 unsigned long len)
{
    return copy_phys(d, gpa, (void *)src, len, TO_GUEST);
}

unsigned long copy_from_guest_phys(struct domain *d, void *dst, paddr_t gpa,
                                   unsigned long len)
{
    return copy_phys(d, gpa, dst, len, FROM_GUEST);
}
