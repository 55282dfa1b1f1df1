/* SPDX-License-Identifier: MIT */
/*
 * memory.h - the memory_op hypercall: giving memory to and taking it
 * from domains, and arranging the guest physical address space.
 *
 * Written for this project from the published Xen 4.17 ABI: operation
 * numbers, structure tags, member names and layouts are fixed by that ABI,
 * the text is our own.
 *
 * Hypercall: memory_op(unsigned long cmd, void *arg).  The low bits of cmd
 * are XENMEM_*; for preemptible operations the hypervisor keeps its
 * progress in the upper bits, which callers must leave zero.
 */

#ifndef XEN_PUBLIC_MEMORY_H
#define XEN_PUBLIC_MEMORY_H

#include "xen.h"
#include "physdev.h"

/*
 * XENMEM_increase_reservation / decrease_reservation / populate_physmap
 * take a struct xen_memory_reservation and return the number of extents
 * handled.  increase hands out machine frames (PV only), decrease frees
 * the listed guest frames, populate backs the listed guest frames.
 */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap     6

#if __XEN_INTERFACE_VERSION__ >= 0x00030209
/*
 * mem_flags: bits 0-7 the maximum machine address width (0 = any),
 * bits 8-15 a NUMA node plus one (0 = no preference), then modifiers.
 */
#define XENMEMF_address_bits(x)     (x)
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x)     (((x) + 1) << 8)
#define XENMEMF_get_node(x) ((((x) >> 8) - 1) & 0xffu)
/* Populate-on-demand: record the frames, allocate on first access. */
#define XENMEMF_populate_on_demand (1 << 16)
/* Fail instead of falling back to other nodes. */
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_exact_node(n) (XENMEMF_node(n) | XENMEMF_exact_node_request)
/* The node number is a virtual node of the guest. */
#define XENMEMF_vnode  (1 << 18)
#endif

struct xen_memory_reservation {
    /*
     * increase: out, machine frames allocated;
     * decrease: in, guest frames to free;
     * populate: in, guest frames to back (out: frames used, PV only);
     * claim_pages: must be null.
     */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t nr_extents;             /* number of extents */
    unsigned int extent_order;          /* each extent is 2^order pages */
#if __XEN_INTERFACE_VERSION__ >= 0x00030209
    unsigned int mem_flags;             /* XENMEMF_* */
#else
    unsigned int address_bits;
#endif
    domid_t domid;                      /* DOMID_SELF unless privileged */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

/*
 * XENMEM_exchange: swap the frames listed in "in" for newly allocated
 * ones described by "out" (same domain, same total size, no overlap).
 * nr_exchanged must be zero on entry and says how far it got.
 */
#define XENMEM_exchange             11
struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged;
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_exchange_t);

/* XENMEM_maximum_ram_page: highest machine frame; arg is unused. */
#define XENMEM_maximum_ram_page     2

struct xen_memory_domain {
    domid_t domid;
};

/*
 * XENMEM_current_reservation / maximum_reservation: pages a domain has /
 * may have.  arg is a domid_t.
 */
#define XENMEM_current_reservation  3
#define XENMEM_maximum_reservation  4

/* XENMEM_maximum_gpfn: highest guest frame in use.  arg is a domid_t. */
#define XENMEM_maximum_gpfn         14

/*
 * XENMEM_machphys_mfn_list: the machine frames backing the read-only
 * machine-to-physical table, one per 2 MiB of it (PV).
 */
#define XENMEM_machphys_mfn_list    5
struct xen_machphys_mfn_list {
    unsigned int max_extents;           /* in: entries in extent_start */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;   /* out; gaps read as 0 */
    unsigned int nr_extents;            /* out: entries written */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mfn_list_t);

/* XENMEM_machphys_compat_mfn_list: the same for the 32-bit guest table. */
#define XENMEM_machphys_compat_mfn_list     25

/* XENMEM_machphys_mapping: where the M2P table is mapped. */
#define XENMEM_machphys_mapping     12
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;         /* virtual address range */
    xen_ulong_t max_mfn;                /* largest frame it covers */
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mapping_t);

/* Sources for add_to_physmap(_batch). */
#define XENMAPSPACE_shared_info  0      /* the shared_info page */
#define XENMAPSPACE_grant_table  1      /* a grant-table frame */
#define XENMAPSPACE_gmfn         2      /* move one of our own frames */
#define XENMAPSPACE_gmfn_range   3      /* ... a range (add_to_physmap only) */
#define XENMAPSPACE_gmfn_foreign 4      /* a frame of another domain (batch only) */
#define XENMAPSPACE_dev_mmio     5      /* device MMIO (Arm), mapped cacheable */

/*
 * XENMEM_add_to_physmap: map the object (space, idx) at guest frame gpfn.
 * For gmfn_range, size frames starting at idx go to gpfn onwards.
 */
#define XENMEM_add_to_physmap      7
struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;                      /* gmfn_range only */
    unsigned int space;                 /* XENMAPSPACE_* */
/* For grant_table: ORed into idx to map status frames (v2). */
#define XENMAPIDX_grant_table_status 0x80000000
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

/* XENMEM_add_to_physmap_batch: the same for arrays of idx/gpfn. */
#define XENMEM_add_to_physmap_batch 23
struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space;                     /* XENMAPSPACE_* */
    uint16_t size;                      /* entries in the arrays */
#if __XEN_INTERFACE_VERSION__ < 0x00040700
    domid_t foreign_domid;              /* owner, for gmfn_foreign */
#else
    union xen_add_to_physmap_batch_extra {
        domid_t foreign_domid;          /* gmfn_foreign */
        uint16_t res0;                  /* other spaces: zero */
    } u;
#endif
    XEN_GUEST_HANDLE(xen_ulong_t) idxs; /* in */
    XEN_GUEST_HANDLE(xen_pfn_t) gpfns;  /* in */
    XEN_GUEST_HANDLE(int) errs;         /* out: per-entry result */
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_batch_t);

#if __XEN_INTERFACE_VERSION__ < 0x00040400
#define XENMEM_add_to_physmap_range XENMEM_add_to_physmap_batch
#define xen_add_to_physmap_range xen_add_to_physmap_batch
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_range_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_range_t);
#endif

/* XENMEM_remove_from_physmap: unmap whatever is at gpfn. */
#define XENMEM_remove_from_physmap      15
struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/* 8 was XENMEM_translate_gpfn_list, removed. */

/*
 * XENMEM_memory_map: the caller's E820-style memory map (20-byte
 * entries as returned by BIOS INT 15h/E820).
 */
#define XENMEM_memory_map           9
struct xen_memory_map {
    unsigned int nr_entries;            /* in: capacity; out: entries */
    XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);

/* XENMEM_machine_memory_map: the host's map (control domain only). */
#define XENMEM_machine_memory_map   10

/* XENMEM_set_memory_map: set a domain's map (toolstack). */
#define XENMEM_set_memory_map       13
struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_foreign_memory_map_t);

/* XENMEM_set_pod_target / get_pod_target (populate-on-demand). */
#define XENMEM_set_pod_target       16
#define XENMEM_get_pod_target       17
struct xen_pod_target {
    uint64_t target_pages;              /* in (set) */
    uint64_t tot_pages;                 /* out */
    uint64_t pod_cache_pages;           /* out */
    uint64_t pod_entries;               /* out */
    domid_t domid;                      /* in */
};
typedef struct xen_pod_target xen_pod_target_t;

#if defined(__XEN__) || defined(__XEN_TOOLS__)

#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif

/* Pages freed / in use by memory sharing (control domain; no argument). */
#define XENMEM_get_sharing_freed_pages    18
#define XENMEM_get_sharing_shared_pages   19

/* XENMEM_paging_op: help a pager move guest pages out and back. */
#define XENMEM_paging_op                    20
#define XENMEM_paging_op_nominate           0
#define XENMEM_paging_op_evict              1
#define XENMEM_paging_op_prep               2

struct xen_mem_paging_op {
    uint8_t op;                         /* XENMEM_paging_op_* */
    domid_t domain;
    XEN_GUEST_HANDLE_64(const_uint8) buffer;    /* prep: page contents */
    uint64_aligned_t gfn;
};
typedef struct xen_mem_paging_op xen_mem_paging_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_paging_op_t);

/* XENMEM_access_op: per-page access restrictions for introspection. */
#define XENMEM_access_op                    21
#define XENMEM_access_op_set_access         0
#define XENMEM_access_op_get_access         1
/* 2 and 3 were enable/disable_emulate, removed. */
#define XENMEM_access_op_set_access_multi   4

typedef enum {
    XENMEM_access_n,
    XENMEM_access_r,
    XENMEM_access_w,
    XENMEM_access_rw,
    XENMEM_access_x,
    XENMEM_access_rx,
    XENMEM_access_wx,
    XENMEM_access_rwx,
    XENMEM_access_rx2rw,                /* r-x, becomes rw- on first write */
    XENMEM_access_n2rwx,                /* ---, becomes rwx on first access, logged */
    XENMEM_access_default               /* the domain's default */
} xenmem_access_t;

struct xen_mem_access_op {
    uint8_t op;                         /* XENMEM_access_op_* */
    uint8_t access;                     /* xenmem_access_t */
    domid_t domid;
    uint32_t nr;                        /* pages (set) or list length (multi) */
    uint64_aligned_t pfn;               /* first page; ~0 = the default */
    XEN_GUEST_HANDLE(const_uint64) pfn_list;    /* set_access_multi */
    XEN_GUEST_HANDLE(const_uint8) access_list;  /* set_access_multi */
};
typedef struct xen_mem_access_op xen_mem_access_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_access_op_t);

/* XENMEM_sharing_op: deduplicate identical pages between domains. */
#define XENMEM_sharing_op                   22
#define XENMEM_sharing_op_nominate_gfn      0
#define XENMEM_sharing_op_nominate_gref     1
#define XENMEM_sharing_op_share             2
#define XENMEM_sharing_op_debug_gfn         3
#define XENMEM_sharing_op_debug_mfn         4
#define XENMEM_sharing_op_debug_gref        5
#define XENMEM_sharing_op_add_physmap       6
#define XENMEM_sharing_op_audit             7
#define XENMEM_sharing_op_range_share       8
#define XENMEM_sharing_op_fork              9
#define XENMEM_sharing_op_fork_reset        10

#define XENMEM_SHARING_OP_S_HANDLE_INVALID  (-10)
#define XENMEM_SHARING_OP_C_HANDLE_INVALID  (-9)

/* A gfn field may instead carry a grant reference, tagged by bit 62. */
#define XENMEM_SHARING_OP_FIELD_IS_GREF_FLAG   (xen_mk_ullong(1) << 62)

#define XENMEM_SHARING_OP_FIELD_MAKE_GREF(field, val)                   \
    (field) = (XENMEM_SHARING_OP_FIELD_IS_GREF_FLAG | (val))
#define XENMEM_SHARING_OP_FIELD_IS_GREF(field)                          \
    ((field) & XENMEM_SHARING_OP_FIELD_IS_GREF_FLAG)
#define XENMEM_SHARING_OP_FIELD_GET_GREF(field)                         \
    ((field) & (~XENMEM_SHARING_OP_FIELD_IS_GREF_FLAG))

struct xen_mem_sharing_op {
    uint8_t op;                         /* XENMEM_sharing_op_* */
    domid_t domain;

    union {
        struct mem_sharing_op_nominate {    /* nominate_gfn / nominate_gref */
            union {
                uint64_aligned_t gfn;
                uint32_t grant_ref;
            } u;
            uint64_aligned_t handle;    /* out */
        } nominate;
        struct mem_sharing_op_share {   /* share / add_physmap */
            uint64_aligned_t source_gfn;
            uint64_aligned_t source_handle;
            uint64_aligned_t client_gfn;
            uint64_aligned_t client_handle;
            domid_t client_domain;
        } share;
        struct mem_sharing_op_range {   /* range_share */
            uint64_aligned_t first_gfn;
            uint64_aligned_t last_gfn;
            uint64_aligned_t opaque;    /* zero on entry */
            domid_t client_domain;
            uint16_t _pad[3];           /* zero */
        } range;
        struct mem_sharing_op_debug {   /* debug_* */
            union {
                uint64_aligned_t gfn;
                uint64_aligned_t mfn;
                uint32_t gref;
            } u;
        } debug;
        struct mem_sharing_op_fork {    /* fork / fork_reset */
            domid_t parent_domain;
#define XENMEM_FORK_WITH_IOMMU_ALLOWED (1u << 0)
#define XENMEM_FORK_BLOCK_INTERRUPTS   (1u << 1)
#define XENMEM_FORK_RESET_STATE        (1u << 2)
#define XENMEM_FORK_RESET_MEMORY       (1u << 3)
            uint16_t flags;
            uint32_t pad;               /* zero */
        } fork;
    } u;
};
typedef struct xen_mem_sharing_op xen_mem_sharing_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_sharing_op_t);

/*
 * XENMEM_claim_pages: reserve nr_extents pages for a domain being built,
 * so that a later populate cannot fail for lack of memory; 0 cancels.
 * Uses struct xen_memory_reservation with a null extent_start, order 0
 * and no flags.
 */
#define XENMEM_claim_pages                  24

/*
 * XENMEM_reserved_device_memory_map: ranges the IOMMU reserves for
 * devices (e.g. RMRRs), for all devices or one PCI device.
 */
#define XENMEM_reserved_device_memory_map   27
struct xen_reserved_device_memory {
    xen_pfn_t start_pfn;
    xen_ulong_t nr_pages;
};
typedef struct xen_reserved_device_memory xen_reserved_device_memory_t;
DEFINE_XEN_GUEST_HANDLE(xen_reserved_device_memory_t);

struct xen_reserved_device_memory_map {
#define XENMEM_RDM_ALL 1                /* every device, ignore dev */
    uint32_t flags;
    unsigned int nr_entries;            /* in: capacity; out: needed (-ERANGE) */
    XEN_GUEST_HANDLE(xen_reserved_device_memory_t) buffer;
    union {
        physdev_pci_device_t pci;
    } dev;
};
typedef struct xen_reserved_device_memory_map xen_reserved_device_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_reserved_device_memory_map_t);

#endif /* __XEN__ || __XEN_TOOLS__ */

/*
 * XENMEM_acquire_resource: map frames of a resource belonging to another
 * domain (ioreq server pages, grant table, trace buffers) into the
 * caller.  Available to guests acting as device models or toolstacks.
 */
#define XENMEM_acquire_resource 28
struct xen_mem_acquire_resource {
    domid_t domid;                      /* owner of the resource */
    uint16_t type;                      /* XENMEM_resource_* */
#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table 1
#define XENMEM_resource_vmtrace_buf 2
    /*
     * Which instance: the ioreq server id, the grant-table part below,
     * or the vCPU for vmtrace_buf.  Zero where not meaningful.
     */
    uint32_t id;
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
    /*
     * in: frames to map; may be advanced as the call makes progress.
     * With a null frame_list and 0 here, the call returns the size of
     * the resource instead (never 0, but mapping may still fail).
     */
    uint32_t nr_frames;
    /*
     * Must be zero.  This used to be an output flags word (bit 0 meant
     * "caller owns the frames"); it will not be reused that way.
     */
    uint32_t pad;
    /* in: first frame of the resource to map (ignored when nr_frames is 0). */
    uint64_t frame;
#define XENMEM_resource_ioreq_server_frame_bufioreq 0
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))
    /*
     * A PV caller gets the machine frames back here; a translated caller
     * passes the guest frames where the resource is to appear.  After
     * -EIO some frames may be mapped and must be unmapped by the caller.
     */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_acquire_resource_t);

/*
 * XENMEM_get_vnumainfo: the caller's virtual NUMA layout.  On -ENOBUFS
 * the counts say how big the arrays need to be.
 */
#define XENMEM_get_vnumainfo                26

/* One virtual NUMA memory range. */
struct xen_vmemrange {
    uint64_t start, end;                /* [start, end) guest physical */
    unsigned int flags;
    unsigned int nid;                   /* virtual node */
};
typedef struct xen_vmemrange xen_vmemrange_t;
DEFINE_XEN_GUEST_HANDLE(xen_vmemrange_t);

/* The handles are padded to 8 bytes for 32-bit guests. */
struct xen_vnuma_topology_info {
    domid_t domid;                      /* in */
    uint16_t pad;
    unsigned int nr_vnodes;             /* in: capacity; out: nodes */
    unsigned int nr_vcpus;              /* in: capacity; out: vCPUs */
    unsigned int nr_vmemranges;         /* in: capacity; out: ranges */
    union {
        XEN_GUEST_HANDLE(uint) h;       /* nr_vnodes^2 distances */
        uint64_t pad;
    } vdistance;
    union {
        XEN_GUEST_HANDLE(uint) h;       /* node of each vCPU */
        uint64_t pad;
    } vcpu_to_vnode;
    union {
        XEN_GUEST_HANDLE(xen_vmemrange_t) h;
        uint64_t pad;
    } vmemrange;
};
typedef struct xen_vnuma_topology_info xen_vnuma_topology_info_t;
DEFINE_XEN_GUEST_HANDLE(xen_vnuma_topology_info_t);

#endif /* XEN_PUBLIC_MEMORY_H */
