/* SPDX-License-Identifier: MIT */
/*
 * gt-xen.h - the Xen ABI as a guest test sees it: the project's public
 * headers plus typed hypercall wrappers.
 */
#ifndef GT_XEN_H
#define GT_XEN_H

#include <stdint.h>
#include "gt.h"
#include "gt-arch.h"

/* Which family the kernel is built for (the x86 gt-arch.h sets both). */
#ifndef GT_ARCH_X86
#define GT_ARCH_X86 0
#define GT_ARCH_ARM 1
#endif

/* Guest-physical memory with nothing behind it (no RAM, no device), below
 * 4 GiB so that a 32-bit guest can name it too. */
#ifndef GT_UNMAPPED_ADDR
#define GT_UNMAPPED_ADDR 0xc0000000ul
#endif

#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#endif

#include <public/xen.h>
#include <public/version.h>
#include <public/features.h>
#include <public/sched.h>
#include <public/vcpu.h>

#if __has_include(<public/errno.h>)
#include <public/errno.h>
#else
/* Stop-gap until public/errno.h exists: the XEN_E* values the tests use. */
enum {
    XEN_EPERM = 1, XEN_ENOENT = 2, XEN_ENXIO = 6, XEN_E2BIG = 7, XEN_EFAULT = 14,
    XEN_EINVAL = 22, XEN_ENOSYS = 38, XEN_ENOBUFS = 105,
};
#endif

/* The raw trap: number and up to five arguments, result as the guest sees it. */
static inline long gt_hypercall(unsigned long nr, unsigned long a1, unsigned long a2,
                                unsigned long a3, unsigned long a4, unsigned long a5)
{
    return gt_arch_hypercall(nr, a1, a2, a3, a4, a5);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
    return gt_hypercall(__HYPERVISOR_xen_version, (unsigned long)cmd,
                        (unsigned long)arg, 0, 0, 0);
}

static inline long HYPERVISOR_console_io(int cmd, unsigned int count, void *buf)
{
    return gt_hypercall(__HYPERVISOR_console_io, (unsigned long)cmd, count,
                        (unsigned long)buf, 0, 0);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
    return gt_hypercall(__HYPERVISOR_sched_op, (unsigned long)cmd,
                        (unsigned long)arg, 0, 0, 0);
}

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return gt_hypercall(__HYPERVISOR_vcpu_op, (unsigned long)cmd, vcpu,
                        (unsigned long)arg, 0, 0);
}

/* The guest runs with its MMU off (x86_64: everything it uses mapped 1:1):
 * a pointer is a guest-physical address. */
#define GT_PAGE_SIZE 4096u
static inline uint64_t gt_gfn_of(const void *p)
{
    return (uint64_t)(uintptr_t)p / GT_PAGE_SIZE;
}

/* SHUTDOWN_* reason names, for messages; NULL for values Xen does not define. */
const char *gt_shutdown_reason_name(unsigned int reason);

/*
 * The kernel's shared_info: where a test already mapped it, else mapped
 * now at a page of the library's.  NULL when the hypervisor refuses.
 */
volatile struct shared_info *gt_shared_info(void);

#endif /* GT_XEN_H */
