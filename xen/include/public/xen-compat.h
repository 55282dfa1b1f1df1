/* SPDX-License-Identifier: MIT */
/*
 * xen-compat.h - selects which revision of the guest interface the other
 * public headers describe.
 *
 * Written for this project from the published Xen 4.17 ABI; the version
 * numbers and their meaning are fixed by that ABI, the text is our own.
 *
 * The hypervisor and the toolstack always get the newest revision.  A
 * guest may ask for an older one by defining __XEN_INTERFACE_VERSION__
 * before including anything; a guest that says nothing gets the oldest
 * (0), which keeps old names and layouts selected below in the headers.
 */

#ifndef XEN_PUBLIC_XEN_COMPAT_H
#define XEN_PUBLIC_XEN_COMPAT_H

#define __XEN_LATEST_INTERFACE_VERSION__ 0x00040e00

#if defined(__XEN__) || defined(__XEN_TOOLS__)
/* Built together with these headers: always the newest revision. */
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#elif !defined(__XEN_INTERFACE_VERSION__)
/* A guest that did not choose gets the original interface. */
#define __XEN_INTERFACE_VERSION__ 0x00000000
#endif

#if __XEN_INTERFACE_VERSION__ > __XEN_LATEST_INTERFACE_VERSION__
#error "__XEN_INTERFACE_VERSION__ is newer than these headers"
#endif

#define COMPAT_FLEX_ARRAY_DIM XEN_FLEX_ARRAY_DIM

#endif /* XEN_PUBLIC_XEN_COMPAT_H */
