/* SPDX-License-Identifier: MIT */
/* gt-arch.h - x86_32 side of the framework: a PVH kernel that stays in
 * 32-bit protected mode with paging off. */
#ifndef GT_ARCH_H
#define GT_ARCH_H

#define GT_ARCH_NAME "x86_32"
#define GT_ARCH_BITS 32

#include "gt-x86.h"

#endif /* GT_ARCH_H */
