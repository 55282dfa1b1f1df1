/* SPDX-License-Identifier: MIT */
/*
 * elfnote.h - ELF note types a guest kernel uses (note name "Xen") to
 * tell the domain builder how to load and start it, and the note types
 * of hypervisor crash dumps and guest core files.
 *
 * Written for this project from the published Xen 4.17 ABI: the note
 * type numbers are fixed by that ABI, the text is our own.
 *
 * "numeric" notes hold a 32- or 64-bit integer, "string" notes a
 * NUL-terminated string.
 */

#ifndef XEN_PUBLIC_ELFNOTE_H
#define XEN_PUBLIC_ELFNOTE_H

/* Padding, ignored. */
#define XEN_ELFNOTE_INFO           0

/* Virtual address of the PV entry point (numeric). */
#define XEN_ELFNOTE_ENTRY          1

/* Virtual address where the hypercall page goes (numeric). */
#define XEN_ELFNOTE_HYPERCALL_PAGE 2

/* Virtual address the image is linked for (numeric). */
#define XEN_ELFNOTE_VIRT_BASE      3

/* Subtracted from virtual addresses to get load addresses (numeric). */
#define XEN_ELFNOTE_PADDR_OFFSET   4

/* Hypervisor version the kernel expects, "xen-3.0" (string). */
#define XEN_ELFNOTE_XEN_VERSION    5

/* Kernel name, e.g. "linux" (string). */
#define XEN_ELFNOTE_GUEST_OS       6

/* Kernel version (string). */
#define XEN_ELFNOTE_GUEST_VERSION  7

/* Loader the image needs, "generic" (string). */
#define XEN_ELFNOTE_LOADER         8

/* 32-bit PAE support: "yes", "no", "bimodal" (string). */
#define XEN_ELFNOTE_PAE_MODE       9

/*
 * XENFEAT_* names the kernel wants, separated by '|'; a leading '!'
 * marks a feature it requires (string).
 */
#define XEN_ELFNOTE_FEATURES      10

/* Load the symbol table after the image: "yes" (string). */
#define XEN_ELFNOTE_BSD_SYMTAB    11

/* Lowest hypervisor virtual address a 32-bit kernel tolerates (numeric). */
#define XEN_ELFNOTE_HV_START_LOW  12

/* Mask and value telling which L1 entries hold valid frames (numeric pair). */
#define XEN_ELFNOTE_L1_MFN_VALID  13

/* The kernel handles a cancelled suspend (numeric, non-zero = yes). */
#define XEN_ELFNOTE_SUSPEND_CANCEL 14

/* Virtual address for a linearly mapped p2m list (numeric). */
#define XEN_ELFNOTE_INIT_P2M      15

/* The kernel accepts mod_start as a frame number (numeric). */
#define XEN_ELFNOTE_MOD_START_PFN 16

/* Bitmap of XENFEAT_* the kernel supports (numeric, 32 bits). */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17

/* Physical 32-bit entry point for PVH boot (numeric). */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* Highest note type of a guest kernel. */
#define XEN_ELFNOTE_MAX XEN_ELFNOTE_PHYS32_ENTRY

/* Hypervisor crash dump: crash information and per-CPU registers. */
#define XEN_ELFNOTE_CRASH_INFO 0x1000001
#define XEN_ELFNOTE_CRASH_REGS 0x1000002

/* Guest core files written by the toolstack (name "Xen"). */
#define XEN_ELFNOTE_DUMPCORE_NONE               0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER             0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION        0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION     0x2000003

#endif /* XEN_PUBLIC_ELFNOTE_H */
