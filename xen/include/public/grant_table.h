/* SPDX-License-Identifier: MIT */
/*
 * grant_table.h - grant tables: how a domain lets another domain map,
 * copy or take over some of its pages.
 *
 * Written for this project from the published Xen 4.17 ABI: operation
 * numbers, flag bits, structure tags, member names and layouts are fixed
 * by that ABI, the text is our own.
 *
 * The granting domain writes entries into its grant table (shared with
 * the hypervisor); the grantee names a page by (granting domid, grant
 * reference) in grant_table_op(cmd, args, count) calls.  Version 1
 * entries are 8 bytes; version 2 entries are 16 bytes with the
 * hypervisor-written status flags moved to separate status frames.
 */

#ifndef XEN_PUBLIC_GRANT_TABLE_H
#define XEN_PUBLIC_GRANT_TABLE_H

#include "xen.h"

/* Index into a domain's grant table. */
typedef uint32_t grant_ref_t;

#if __XEN_INTERFACE_VERSION__ < 0x0003020a
#define grant_entry_v1 grant_entry
#define grant_entry_v1_t grant_entry_t
#endif

/* Version 1 entry. */
struct grant_entry_v1 {
    uint16_t flags;                     /* GTF_* */
    domid_t domid;                      /* grantee */
    /*
     * permit_access: the granted frame; accept_transfer: the frame to
     * receive into; transfer_completed: the machine frame received.
     */
    uint32_t frame;
};
typedef struct grant_entry_v1 grant_entry_v1_t;

/* Entries the toolstack fills in before the guest boots. */
#define GNTTAB_NR_RESERVED_ENTRIES     8
#define GNTTAB_RESERVED_CONSOLE        0
#define GNTTAB_RESERVED_XENSTORE       1

/*
 * flags, bits 0-1: kind of grant.
 *  invalid         no grant, the grantee gets nothing
 *  permit_access   the grantee may map/copy the frame
 *  accept_transfer the grantee may transfer a page to us
 *  transitive      (v2) re-grant of an entry of another domain
 */
#define GTF_invalid         (0U << 0)
#define GTF_permit_access   (1U << 0)
#define GTF_accept_transfer (2U << 0)
#define GTF_transitive      (3U << 0)
#define GTF_type_mask       (3U << 0)

/*
 * Access grants: readonly is set by the granter; reading/writing are
 * set by the hypervisor while the grantee has it mapped; PWT/PCD/PAT
 * cache attributes; sub_page (v2) limits the grant to part of the page.
 */
#define _GTF_readonly       (2)
#define GTF_readonly        (1U << _GTF_readonly)
#define _GTF_reading        (3)
#define GTF_reading         (1U << _GTF_reading)
#define _GTF_writing        (4)
#define GTF_writing         (1U << _GTF_writing)
#define _GTF_PWT            (5)
#define GTF_PWT             (1U << _GTF_PWT)
#define _GTF_PCD            (6)
#define GTF_PCD             (1U << _GTF_PCD)
#define _GTF_PAT            (7)
#define GTF_PAT             (1U << _GTF_PAT)
#define _GTF_sub_page       (8)
#define GTF_sub_page        (1U << _GTF_sub_page)

/*
 * Transfer grants, set by the hypervisor: committed once the transfer
 * can no longer fail, completed once frame holds the new page.
 */
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed  (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed  (1U << _GTF_transfer_completed)

#if __XEN_INTERFACE_VERSION__ >= 0x0003020a

/* Common head of every version 2 entry. */
struct grant_entry_header {
    uint16_t flags;
    domid_t domid;
};
typedef struct grant_entry_header grant_entry_header_t;

/* Version 2 entry; hdr.flags says which member applies. */
union grant_entry_v2 {
    grant_entry_header_t hdr;

    /* Whole-page access or transfer, like version 1. */
    struct {
        grant_entry_header_t hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;

    /* GTF_sub_page: bytes [page_off, page_off + length) of frame. */
    struct {
        grant_entry_header_t hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;

    /*
     * GTF_transitive: the grantee may use grant gref of trans_domid as if
     * it were ours (copy only; cannot be mapped).
     */
    struct {
        grant_entry_header_t hdr;
        domid_t trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;

    uint32_t __spacer[4];               /* 16 bytes per entry */
};
typedef union grant_entry_v2 grant_entry_v2_t;

/* Version 2 status entry: the GTF_reading/GTF_writing bits. */
typedef uint16_t grant_status_t;

#endif /* __XEN_INTERFACE_VERSION__ >= 0x0003020a */

/* grant_table_op commands. */
#define GNTTABOP_map_grant_ref        0
#define GNTTABOP_unmap_grant_ref      1
#define GNTTABOP_setup_table          2
#define GNTTABOP_dump_table           3
#define GNTTABOP_transfer             4
#define GNTTABOP_copy                 5
#define GNTTABOP_query_size           6
#define GNTTABOP_unmap_and_replace    7
#if __XEN_INTERFACE_VERSION__ >= 0x0003020a
#define GNTTABOP_set_version          8
#define GNTTABOP_get_status_frames    9
#define GNTTABOP_get_version          10
#define GNTTABOP_swap_grant_ref       11
#define GNTTABOP_cache_flush          12
#endif

/* Names a mapping made with map_grant_ref, for unmapping. */
typedef uint32_t grant_handle_t;

/*
 * GNTTABOP_map_grant_ref: map grant ref of domain dom at host_addr (a
 * virtual address, or a PTE machine address with GNTMAP_contains_pte)
 * and/or for device DMA.
 */
struct gnttab_map_grant_ref {
    uint64_t host_addr;                 /* in */
    uint32_t flags;                     /* in: GNTMAP_* */
    grant_ref_t ref;                    /* in */
    domid_t dom;                        /* in */
    int16_t status;                     /* out: GNTST_* */
    grant_handle_t handle;              /* out */
    uint64_t dev_bus_addr;              /* out: bus address for DMA */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_map_grant_ref_t);

/*
 * GNTTABOP_unmap_grant_ref: undo a mapping; host_addr / dev_bus_addr
 * select which parts (0 = leave that part alone).
 */
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;                 /* in */
    uint64_t dev_bus_addr;              /* in */
    grant_handle_t handle;              /* in */
    int16_t status;                     /* out: GNTST_* */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_grant_ref_t);

/*
 * GNTTABOP_setup_table: grow dom's table to nr_frames frames and return
 * their frame numbers (PV: machine frames).
 */
struct gnttab_setup_table {
    domid_t dom;                        /* in */
    uint32_t nr_frames;                 /* in */
    int16_t status;                     /* out: GNTST_* */
#if __XEN_INTERFACE_VERSION__ < 0x00040300
    XEN_GUEST_HANDLE(ulong) frame_list;
#else
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;     /* out */
#endif
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_setup_table_t);

/* GNTTABOP_dump_table: print dom's table on the hypervisor console. */
struct gnttab_dump_table {
    domid_t dom;                        /* in */
    int16_t status;                     /* out: GNTST_* */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_dump_table_t);

/*
 * GNTTABOP_transfer: give our page mfn to domid, which offered it with
 * an accept_transfer grant ref (PV only).
 */
struct gnttab_transfer {
    xen_pfn_t mfn;                      /* in */
    domid_t domid;                      /* in */
    grant_ref_t ref;                    /* in */
    int16_t status;                     /* out: GNTST_* */
};
typedef struct gnttab_transfer gnttab_transfer_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_transfer_t);

/*
 * GNTTABOP_copy: copy len bytes between two pages, each named either by
 * a grant ref of domid (flag set) or by a frame of our own.  Neither
 * side may cross a page boundary.
 */
#define _GNTCOPY_source_gref      (0)
#define GNTCOPY_source_gref       (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref        (1)
#define GNTCOPY_dest_gref         (1 << _GNTCOPY_dest_gref)

struct gnttab_copy {
    struct gnttab_copy_ptr {
        union {
            grant_ref_t ref;
            xen_pfn_t gmfn;
        } u;
        domid_t domid;
        uint16_t offset;
    } source, dest;                     /* in */
    uint16_t len;                       /* in */
    uint16_t flags;                     /* in: GNTCOPY_* */
    int16_t status;                     /* out: GNTST_* */
};
typedef struct gnttab_copy gnttab_copy_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_copy_t);

/* GNTTABOP_query_size: current and maximum table size of dom, in frames. */
struct gnttab_query_size {
    domid_t dom;                        /* in */
    uint32_t nr_frames;                 /* out */
    uint32_t max_nr_frames;             /* out */
    int16_t status;                     /* out: GNTST_* */
};
typedef struct gnttab_query_size gnttab_query_size_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_query_size_t);

/*
 * GNTTABOP_unmap_and_replace: unmap the grant at host_addr and move the
 * mapping at new_addr there, clearing new_addr (PV).
 */
struct gnttab_unmap_and_replace {
    uint64_t host_addr;                 /* in */
    uint64_t new_addr;                  /* in */
    grant_handle_t handle;              /* in */
    int16_t status;                     /* out: GNTST_* */
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_and_replace_t);

#if __XEN_INTERFACE_VERSION__ >= 0x0003020a

/* GNTTABOP_set_version: choose table format 1 or 2 (before granting). */
struct gnttab_set_version {
    uint32_t version;                   /* in; out: version now in use */
};
typedef struct gnttab_set_version gnttab_set_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_set_version_t);

/* GNTTABOP_get_status_frames: the status frames of a v2 table. */
struct gnttab_get_status_frames {
    uint32_t nr_frames;                 /* in */
    domid_t dom;                        /* in */
    int16_t status;                     /* out: GNTST_* */
    XEN_GUEST_HANDLE(uint64_t) frame_list;      /* out */
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_status_frames_t);

/* GNTTABOP_get_version: table format dom uses. */
struct gnttab_get_version {
    domid_t dom;                        /* in */
    uint16_t pad;
    uint32_t version;                   /* out */
};
typedef struct gnttab_get_version gnttab_get_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_version_t);

/* GNTTABOP_swap_grant_ref: exchange two entries of our own table. */
struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;                  /* in */
    grant_ref_t ref_b;                  /* in */
    int16_t status;                     /* out: GNTST_* */
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_swap_grant_ref_t);

/*
 * GNTTABOP_cache_flush: clean and/or invalidate the data cache for part
 * of a page, named by bus address or (CACHE_SOURCE_GREF) by grant ref.
 */
struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;
    } a;
    uint16_t offset;                    /* within the page */
    uint16_t length;
#define GNTTAB_CACHE_CLEAN          (1u << 0)
#define GNTTAB_CACHE_INVAL          (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF    (1u << 31)
    uint32_t op;
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_cache_flush_t);

#endif /* __XEN_INTERFACE_VERSION__ >= 0x0003020a */

/* map_grant_ref flags. */
#define _GNTMAP_device_map      (0)     /* map for device DMA */
#define GNTMAP_device_map       (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map        (1)     /* map into the caller's address space */
#define GNTMAP_host_map         (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly        (2)
#define GNTMAP_readonly         (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map (3)     /* host map usable from user mode */
#define GNTMAP_application_map  (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte    (4)     /* host_addr is a PTE address */
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte)
/* Bits from here up are copied into the PTE's available bits (if the
 * XENFEAT_gnttab_map_avail_bits feature is present). */
#define _GNTMAP_guest_avail0    (16)
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* Per-operation status values. */
#define GNTST_okay             (0)
#define GNTST_general_error    (-1)
#define GNTST_bad_domain       (-2)     /* no such domain */
#define GNTST_bad_gntref       (-3)     /* bad or unsuitable grant ref */
#define GNTST_bad_handle       (-4)     /* bad or unsuitable handle */
#define GNTST_bad_virt_addr    (-5)     /* cannot map at that address */
#define GNTST_bad_dev_addr     (-6)     /* no such device mapping */
#define GNTST_no_device_space  (-7)     /* IOMMU has no room */
#define GNTST_permission_denied (-8)
#define GNTST_bad_page         (-9)     /* unsuitable page */
#define GNTST_bad_copy_arg    (-10)     /* copy crosses a page boundary */
#define GNTST_address_too_big (-11)     /* transferred page too high */
#define GNTST_eagain          (-12)     /* not done yet, try again */
#define GNTST_no_space        (-13)     /* out of handles or similar */

/* Initialiser for a table of messages indexed by -GNTST_*. */
#define GNTTABOP_error_msgs {                   \
    "success",                                  \
    "unspecified error",                        \
    "no such domain",                           \
    "bad grant reference",                      \
    "bad mapping handle",                       \
    "bad virtual address",                      \
    "bad device address",                       \
    "no room in the IOMMU",                     \
    "permission denied",                        \
    "unsuitable page",                          \
    "copy crosses a page boundary",             \
    "page address too large",                   \
    "not done yet, try again",                  \
    "out of space",                             \
}

#endif /* XEN_PUBLIC_GRANT_TABLE_H */
