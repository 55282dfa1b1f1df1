/* SPDX-License-Identifier: MIT */
/*
 * arch-arm/hvm/save.h - Arm HVM save records: none are defined.
 *
 * Written for this project from the published Xen 4.17 ABI.
 * Include <public/hvm/save.h>, not this file.
 */

#ifndef XEN_PUBLIC_ARCH_ARM_HVM_SAVE_H
#define XEN_PUBLIC_ARCH_ARM_HVM_SAVE_H

#endif /* XEN_PUBLIC_ARCH_ARM_HVM_SAVE_H */
