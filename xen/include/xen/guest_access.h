/*
 * Copying to and from guest memory, the only way hypervisor code touches
 * it.  Guest addresses are untrusted: a bad one gives -EFAULT (the copy
 * functions return the number of bytes NOT copied, 0 on success), never a
 * hypervisor fault.
 *
 * As on Xen, hypercall buffers are guest *virtual* addresses, translated
 * through the guest's own page tables and then its p2m (AT S12E1R/W on
 * Arm, a walk of the guest's tables on x86 HVM).
 */
#ifndef XEN_GUEST_ACCESS_H
#define XEN_GUEST_ACCESS_H

#include <xen/types.h>

struct domain;

/* The current vCPU's virtual address space. */
unsigned long arch_copy_to_guest(uint64_t guest_va, const void *src, unsigned long len);
unsigned long arch_copy_from_guest(void *dst, uint64_t guest_va, unsigned long len);
unsigned long arch_clear_guest(uint64_t guest_va, unsigned long len);

/* Guest-physical copies into any domain (domain builders, shared pages). */
unsigned long copy_to_guest_phys(struct domain *d, paddr_t gpa, const void *src,
                                 unsigned long len);
unsigned long copy_from_guest_phys(struct domain *d, void *dst, paddr_t gpa,
                                   unsigned long len);

/*
 * Typed handle helpers over XEN_GUEST_HANDLE(type) values: `hnd.p` is the
 * guest's pointer (64 bits on Arm even for AArch32 guests).
 */
#define guest_handle_va(hnd)            ((uint64_t)(uintptr_t)(hnd).p)
#define guest_handle_is_null(hnd)       ((hnd).p == NULL)
#define copy_to_guest_offset(hnd, off, src, nr)                         \
    arch_copy_to_guest(guest_handle_va(hnd) + (off) * sizeof(*(hnd).p), \
                       (src), (nr) * sizeof(*(hnd).p))
#define copy_from_guest_offset(dst, hnd, off, nr)                       \
    arch_copy_from_guest((dst), guest_handle_va(hnd) + (off) * sizeof(*(hnd).p), \
                         (nr) * sizeof(*(hnd).p))
#define copy_to_guest(hnd, src, nr)     copy_to_guest_offset(hnd, 0, src, nr)
#define copy_from_guest(dst, hnd, nr)   copy_from_guest_offset(dst, hnd, 0, nr)

#endif /* XEN_GUEST_ACCESS_H */
