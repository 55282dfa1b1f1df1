/*
 * Guest physical to machine translation (stage 2 on Arm, nested paging on
 * x86): the interface common code and domain builders use.  Each arch
 * implements it over its own page-table format.
 */
#ifndef XEN_P2M_H
#define XEN_P2M_H

#include <xen/types.h>

struct domain;

typedef enum {
    p2m_invalid = 0,
    p2m_ram_rw,             /* normal guest RAM */
    p2m_ram_ro,             /* RAM the guest may only read */
    p2m_mmio_direct_dev,    /* device memory passed through (Device-nGnRE) */
    p2m_grant_map_rw,       /* foreign page mapped through a grant */
    p2m_grant_map_ro,
    p2m_map_foreign_rw,     /* foreign page mapped by a privileged domain */
    p2m_map_foreign_ro,     /* ... of a page its owner may only read */
} p2m_type_t;

static inline bool p2m_is_foreign(p2m_type_t t)
{
    return t == p2m_map_foreign_rw || t == p2m_map_foreign_ro;
}

/*
 * Set up/tear down d's tables (VMID on Arm, ASID/nested CR3 on x86).
 * Teardown also drops the references of d's remaining foreign entries.
 */
int p2m_init(struct domain *d);
void p2m_teardown(struct domain *d);

/*
 * Map nr frames gfn.. -> mfn.. with type t (replacing what was there).
 * -EINVAL for addresses beyond the guest's address size, -ENOMEM when
 * the tables cannot grow.
 *
 * Foreign entries (p2m_map_foreign_*) own a page reference: the caller
 * takes one (get_page() on the owner's behalf) and, when the mapping
 * succeeds, hands it to the p2m, which drops it once the entry goes
 * (unmapped, replaced, or the p2m torn down), after the translation is
 * gone from every TLB.  On failure the reference stays the caller's.
 * A foreign mapping is one frame at a time (nr == 1, else -EINVAL), so
 * such entries are never parts of blocks.
 */
int p2m_map_range(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned long nr,
                  p2m_type_t t);
int p2m_unmap_range(struct domain *d, gfn_t gfn, unsigned long nr);

/*
 * Remove the one-frame mapping at gfn if, and only if, it still maps mfn
 * (atomically with respect to every other change of d's p2m): two racing
 * removals of the same frame cannot both succeed.  0; -ENOENT if nothing
 * is mapped there, -EILSEQ if something else is; -EINVAL beyond the
 * guest's address space; -ENOMEM if a block had to be split and could
 * not be.  A foreign entry's reference is dropped as by p2m_unmap_range().
 */
int p2m_remove_page(struct domain *d, gfn_t gfn, mfn_t mfn);

/*
 * The highest guest frame d's p2m has ever mapped (0 before any mapping;
 * it does not go down when frames are unmapped).  Always true.
 */
bool p2m_max_mapped_gfn(struct domain *d, uint64_t *gfn);

/* Translate one frame; INVALID_MFN (and *t = p2m_invalid) when unmapped. */
mfn_t p2m_lookup(struct domain *d, gfn_t gfn, p2m_type_t *t);

#endif /* XEN_P2M_H */
