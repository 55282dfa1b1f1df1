/*
 * Copies to and from guest memory (xen/guest_access.h).
 *
 * Guest virtual addresses (hypercall buffers) are translated by the MMU
 * itself, page by page: AT S12E1R / AT S12E1W walk the current vCPU's
 * stage 1 tables (its EL1 registers are live while it is current) and its
 * stage 2, checking the guest's own permissions for an EL1 read or write
 * on the way.  The machine page found must be RAM the heap knows (never a
 * device: passed-through device frames are not heap frames) and is then
 * reached through the direct map.  PAR_EL1 belongs to
 * the guest, so it is put back afterwards.
 *
 * Guest physical copies (domain builders, shared pages) look the frame up
 * in the p2m instead and accept only RAM types.  What they write is
 * cleaned to the point of coherency and the instruction caches are
 * invalidated, because a freshly started guest runs with its MMU and
 * caches off and would otherwise read stale memory.
 */
#include <xen/arch.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/sysregs.h>

static bool current_is_guest(void)
{
    struct vcpu *v = current;

    return v && v->arch && !is_idle_vcpu(v);
}

/*
 * Machine address of guest virtual @va for the current vCPU, or false if
 * the guest may not @write (or read) it or it is not plain RAM.
 */
static bool translate_va(uint64_t va, bool write, paddr_t *ma)
{
    unsigned long flags = arch_irq_save();
    uint64_t saved = READ_SYSREG(par_el1), par;

    if (write)
        asm volatile ("at s12e1w, %0" : : "r" (va) : "memory");
    else
        asm volatile ("at s12e1r, %0" : : "r" (va) : "memory");
    isb();
    par = READ_SYSREG(par_el1);
    WRITE_SYSREG(saved, par_el1);
    arch_irq_restore(flags);

    /* No attribute check: with its MMU off the guest's view is Device memory. */
    if (par & PAR_F)
        return false;
    *ma = (par & PAR_PA_MASK) | (va & (PAGE_SIZE - 1));
    return mfn_valid(maddr_to_mfn(*ma));
}

/* Copy between hypervisor memory and the guest's, page by page. */
static unsigned long copy_guest_va(void *buf, uint64_t va, unsigned long len,
                                   bool to_guest, bool zero)
{
    uint8_t *p = buf;
    bool aarch32;

    if (!current_is_guest())
        return len;
    aarch32 = is_32bit_domain(current->domain);
    while (len) {
        unsigned long chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        paddr_t ma;
        void *target;

        if (chunk > len)
            chunk = len;
        /* An AArch32 guest's addresses end at 4 GiB (the MMU would wrap). */
        if ((aarch32 && (va >> 32)) || !translate_va(va, to_guest, &ma))
            break;
        target = arch_maddr_to_virt(ma);
        if (zero)
            memset(target, 0, chunk);
        else if (to_guest)
            memcpy(target, p, chunk);
        else
            memcpy(p, target, chunk);
        va += chunk;
        if (p)
            p += chunk;
        len -= chunk;
    }
    return len;
}

unsigned long arch_copy_to_guest(uint64_t guest_va, const void *src, unsigned long len)
{
    return copy_guest_va((void *)src, guest_va, len, true, false);
}

unsigned long arch_copy_from_guest(void *dst, uint64_t guest_va, unsigned long len)
{
    return copy_guest_va(dst, guest_va, len, false, false);
}

unsigned long arch_clear_guest(uint64_t guest_va, unsigned long len)
{
    return copy_guest_va(NULL, guest_va, len, true, true);
}

/* ---- guest physical ------------------------------------------------------ */

static bool ram_type(p2m_type_t t, bool write)
{
    switch (t) {
    case p2m_ram_rw:
    case p2m_grant_map_rw:
    case p2m_map_foreign_rw:
        return true;
    case p2m_ram_ro:
    case p2m_grant_map_ro:
    case p2m_map_foreign_ro:
        return !write;
    default:
        return false;
    }
}

/* Clean [va, va + len) to the point of coherency. */
static void clean_dcache(const void *va, unsigned long len)
{
    uint64_t ctr = READ_SYSREG(ctr_el0);
    uintptr_t line = 4UL << ((ctr >> 16) & 0xf);        /* DminLine, in bytes */
    uintptr_t p = (uintptr_t)va & ~(line - 1), end = (uintptr_t)va + len;

    for (; p < end; p += line)
        asm volatile ("dc cvac, %0" : : "r" (p) : "memory");
}

static unsigned long copy_guest_pa(struct domain *d, void *buf, paddr_t gpa,
                                   unsigned long len, bool to_guest)
{
    uint8_t *p = buf;
    bool wrote = false;

    if (!d || !d->arch)
        return len;
    while (len) {
        unsigned long chunk = PAGE_SIZE - (gpa & (PAGE_SIZE - 1));
        p2m_type_t t;
        mfn_t mfn = p2m_lookup(d, _gfn(gpa >> PAGE_SHIFT), &t);
        uint8_t *target;

        if (chunk > len)
            chunk = len;
        if (mfn_eq(mfn, INVALID_MFN) || !ram_type(t, to_guest) || !mfn_valid(mfn))
            break;
        target = (uint8_t *)mfn_to_virt(mfn) + (gpa & (PAGE_SIZE - 1));
        if (to_guest) {
            memcpy(target, p, chunk);
            clean_dcache(target, chunk);
            wrote = true;
        } else {
            memcpy(p, target, chunk);
        }
        gpa += chunk;
        p += chunk;
        len -= chunk;
    }
    if (wrote)
        asm volatile ("dsb ish; ic ialluis; dsb ish; isb" : : : "memory");
    return len;
}

unsigned long copy_to_guest_phys(struct domain *d, paddr_t gpa, const void *src,
                                 unsigned long len)
{
    return copy_guest_pa(d, (void *)src, gpa, len, true);
}

unsigned long copy_from_guest_phys(struct domain *d, void *dst, paddr_t gpa,
                                   unsigned long len)
{
    return copy_guest_pa(d, dst, gpa, len, false);
}
