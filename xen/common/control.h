/*
 * Shared by the control hypercalls (domctl.c, sysctl.c): private to them.
 * See docs/domain-control.md.
 */
#ifndef COMMON_CONTROL_H
#define COMMON_CONTROL_H

#include <xen/types.h>
#include <public/xen.h>
#include <public/domctl.h>

struct domain;

/* XEN_DOMCTL_getdomaininfo's record for d (also each getdomaininfolist entry). */
void getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info);

/*
 * xenctl_bitmap <-> our bitmaps of nbits bits.  Out: as many bytes as
 * both sides have, the rest of the caller's bytes zeroed.  In: bits
 * beyond the caller's nr_bits are ignored, ours beyond it stay clear.
 * 0 or -EFAULT.
 */
int ctl_bitmap_to_guest(struct xenctl_bitmap *xb, const unsigned long *bits,
                        unsigned int nbits);
int ctl_bitmap_from_guest(unsigned long *bits, const struct xenctl_bitmap *xb,
                          unsigned int nbits);

/* One past the highest CPU number we have (Xen's nr_cpu_ids). */
unsigned int ctl_nr_cpu_ids(void);

/* NUMA as the toolstack sees it: one node, 0. */
#define CTL_NR_NODES    1u

#endif /* COMMON_CONTROL_H */
