/* SPDX-License-Identifier: MIT */
/* gt-arch.h - x86_64 side of the framework: a PVH kernel in long mode. */
#ifndef GT_ARCH_H
#define GT_ARCH_H

#define GT_ARCH_NAME "x86_64"
#define GT_ARCH_BITS 64

#include "gt-x86.h"

#endif /* GT_ARCH_H */
