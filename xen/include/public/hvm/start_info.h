/* SPDX-License-Identifier: MIT */
/*
 * hvm/start_info.h - convenience path for the PVH start_info layout,
 * which lives in arch-x86/hvm/start_info.h (its location in the Xen 4.17
 * tree).  Written for this project.
 */
#include "../arch-x86/hvm/start_info.h"
