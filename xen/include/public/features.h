/* SPDX-License-Identifier: MIT */
/*
 * features.h - bit numbers of the feature bitmap returned by
 * XENVER_get_features (and advertised to PV kernels via ELF notes).
 *
 * Written for this project from the published Xen 4.17 ABI: the bit
 * numbers are fixed by that ABI, the text is our own.
 */

#ifndef XEN_PUBLIC_FEATURES_H
#define XEN_PUBLIC_FEATURES_H

/* PV: page tables may be written directly; the hypervisor emulates. */
#define XENFEAT_writable_page_tables       0
/* PV: descriptor tables may be written directly. */
#define XENFEAT_writable_descriptor_tables 1
/* The guest uses its own frame numbers; the hypervisor translates. */
#define XENFEAT_auto_translated_physmap    2
/* PV: the kernel runs in ring 0. */
#define XENFEAT_supervisor_mode_kernel     3
/* PV 32-bit: page directories may live above 4 GiB. */
#define XENFEAT_pae_pgdir_above_4gb        4
/* MMU_PT_UPDATE_PRESERVE_AD is available. */
#define XENFEAT_mmu_pt_update_preserve_ad  5
/* PV 32-bit: high-memory helpers of mmuext_op are available. */
#define XENFEAT_highmem_assist             6
/* GNTMAP_guest_avail* bits are honoured. */
#define XENFEAT_gnttab_map_avail_bits      7
/* HVM: event upcalls can come as a plain interrupt vector. */
#define XENFEAT_hvm_callback_vector        8
/* HVM: the pvclock is safe to use. */
#define XENFEAT_hvm_safe_pvclock           9
/* HVM: emulated interrupts can be delivered as event channels. */
#define XENFEAT_hvm_pirqs                 10
/* The domain is the initial control domain. */
#define XENFEAT_dom0                      11
/* 12 was grant_map_identity (grants also mapped 1:1); retired, not defined. */
/* memory_op accepts XENMEMF_vnode. */
#define XENFEAT_memory_op_vnode_supported 13
/* Arm: SMCCC calls to the hypervisor are supported. */
#define XENFEAT_ARM_SMCCC_supported       14
/*
 * x86: the kernel may take the ACPI RSDP from anywhere, not only from
 * the location the hypervisor provides.
 */
#define XENFEAT_linux_rsdp_unrestricted   15
/* Memory is not (16) / is (17) mapped 1:1 guest to machine (Arm). */
#define XENFEAT_not_direct_mapped         16
#define XENFEAT_direct_mapped             17

/* Number of 32-bit words in the bitmap. */
#define XENFEAT_NR_SUBMAPS 1

#endif /* XEN_PUBLIC_FEATURES_H */
