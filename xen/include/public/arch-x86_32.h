/* SPDX-License-Identifier: MIT */
/*
 * arch-x86_32.h - older name of the x86 architecture header, kept so that
 * sources including it still build.  Written for this project.
 */
#include "arch-x86/xen.h"
