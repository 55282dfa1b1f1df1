/* SPDX-License-Identifier: MIT */
/*
 * version.h - the xen_version hypercall: version, build and feature
 * information about the running hypervisor.
 *
 * Written for this project from the published Xen 4.17 ABI: command
 * numbers, structure tags, member names and layouts are fixed by that
 * ABI, the text is our own.
 *
 * Hypercall: xen_version(int cmd, void *arg).  Commands return 0 on
 * success, except XENVER_version and XENVER_pagesize, which return the
 * value itself.
 */

#ifndef XEN_PUBLIC_VERSION_H
#define XEN_PUBLIC_VERSION_H

#include "xen.h"

/* (major << 16) | minor.  arg: NULL. */
#define XENVER_version      0

/* Suffix of the version string, e.g. ".0".  arg: xen_extraversion_t. */
#define XENVER_extraversion 1
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

/* How and where the hypervisor was built.  arg: struct xen_compile_info. */
#define XENVER_compile_info 2
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

/* Space-separated guest types supported ("xen-3.0-x86_64 hvm-3.0-x86_32 ..."). */
#define XENVER_capabilities 3
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

/* Source revision the hypervisor was built from. */
#define XENVER_changeset 4
typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

/* Start of the hypervisor's part of a PV guest's address space. */
#define XENVER_platform_parameters 5
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

/* One 32-bit word of the XENFEAT_* bitmap.  arg: struct xen_feature_info. */
#define XENVER_get_features 6
struct xen_feature_info {
    unsigned int submap_idx;            /* in: word number */
    uint32_t submap;                    /* out: its bits */
};
typedef struct xen_feature_info xen_feature_info_t;

#include "features.h"

/* Page size in bytes.  arg: NULL. */
#define XENVER_pagesize 7

/* The caller's domain handle (UUID).  arg: xen_domain_handle_t. */
#define XENVER_guest_handle 8

/* The hypervisor's command line (privileged).  arg: xen_commandline_t. */
#define XENVER_commandline 9
typedef char xen_commandline_t[1024];

/*
 * The hypervisor's build id: returns its length; len must say how big
 * buf is.  Privileged.  arg: struct xen_build_id.
 */
#define XENVER_build_id 10
struct xen_build_id {
    uint32_t len;                       /* in: size of buf */
    unsigned char buf[XEN_FLEX_ARRAY_DIM];
};
typedef struct xen_build_id xen_build_id_t;

#endif /* XEN_PUBLIC_VERSION_H */
