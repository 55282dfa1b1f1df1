/*
 * What the compat (32-bit x86 guest) handlers in xen/common/compat/ need
 * from the architecture.  See docs/compat.md.
 *
 * A compat handler whose argument layout differs builds the native
 * argument in the calling vCPU's translation area (hypervisor memory) and
 * passes its address to the native handler as if it were a guest
 * pointer.  While the vCPU is in a 32-bit hypercall, the guest-copy layer
 * serves addresses inside that area from the area itself; any other
 * address is the guest's, as usual.  A 64-bit guest's pointers are never
 * taken for the area.
 *
 * If the native handler leaves a continuation, its arguments still name
 * the area: the compat handler reads them at full width and rewrites the
 * ones that must point back at the guest's own structure.
 */
#ifndef XEN_COMPAT_H
#define XEN_COMPAT_H

#include <xen/types.h>

/* Two pages, as Xen's COMPAT_ARG_XLAT_SIZE. */
#define COMPAT_XLAT_SIZE    (2 * 4096)

/* The current vCPU's translation area; NULL outside a 32-bit hypercall. */
void *compat_xlat_area(void);

/* Did the handler just called leave a continuation? */
bool compat_continued(void);

/* Its argument i (0..4), as the native handler gave it. */
unsigned long compat_cont_arg(unsigned int i);

/* Replace argument i of the pending continuation. */
void compat_cont_set_arg(unsigned int i, unsigned long val);

/*
 * Results of compat handlers land in eax: saturate instead of truncating
 * (INT_MIN is no errno, errnos being -1 .. -4095).
 */
static inline int compat_result(long rc)
{
    if (rc > 0x7fffffffL)
        return 0x7fffffff;
    if (rc < -0x7fffffffL - 1)
        return -0x7fffffff - 1;
    return (int)rc;
}

#endif /* XEN_COMPAT_H */
