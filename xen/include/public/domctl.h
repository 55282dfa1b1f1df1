/* SPDX-License-Identifier: MIT */
/*
 * domctl.h - the domctl hypercall: per-domain management operations
 * issued by the control domain's toolstack.
 *
 * Written for this project from the published Xen 4.17 ABI
 * (XEN_DOMCTL_INTERFACE_VERSION 0x15): operation numbers, structure tags,
 * member names and layouts are fixed by that ABI, the text is our own.
 *
 * This interface is not stable: the toolstack and hypervisor must agree on
 * XEN_DOMCTL_INTERFACE_VERSION exactly, so it is only visible to the
 * hypervisor itself and to toolstack builds.
 */

#ifndef XEN_PUBLIC_DOMCTL_H
#define XEN_PUBLIC_DOMCTL_H

#if !defined(__XEN__) && !defined(__XEN_TOOLS__)
#error "domctl.h is only for the hypervisor and the control-domain toolstack"
#endif

#include "xen.h"
#include "event_channel.h"
#include "grant_table.h"
#include "hvm/save.h"
#include "memory.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/* ==================================================================
 * Domain creation and information
 * ================================================================== */

/*
 * XEN_DOMCTL_createdomain.  domctl.domain names the wanted domid, or 0 to
 * let the hypervisor pick one; the chosen id comes back in domctl.domain.
 */
struct xen_domctl_createdomain {
    uint32_t ssidref;                   /* in: security label */
    xen_domain_handle_t handle;         /* in: toolstack UUID */

    /* Creation flags (XEN_DOMCTL_CDF_*); unknown bits are rejected. */
#define _XEN_DOMCTL_CDF_hvm             0
#define XEN_DOMCTL_CDF_hvm              (1U << _XEN_DOMCTL_CDF_hvm)
#define _XEN_DOMCTL_CDF_hap             1   /* hardware-assisted paging */
#define XEN_DOMCTL_CDF_hap              (1U << _XEN_DOMCTL_CDF_hap)
#define _XEN_DOMCTL_CDF_s3_integrity    2   /* tboot checks memory over S3 */
#define XEN_DOMCTL_CDF_s3_integrity     (1U << _XEN_DOMCTL_CDF_s3_integrity)
#define _XEN_DOMCTL_CDF_oos_off         3   /* no out-of-sync shadows */
#define XEN_DOMCTL_CDF_oos_off          (1U << _XEN_DOMCTL_CDF_oos_off)
#define _XEN_DOMCTL_CDF_xs_domain       4   /* runs xenstored */
#define XEN_DOMCTL_CDF_xs_domain        (1U << _XEN_DOMCTL_CDF_xs_domain)
#define _XEN_DOMCTL_CDF_iommu           5   /* may have passthrough devices */
#define XEN_DOMCTL_CDF_iommu            (1U << _XEN_DOMCTL_CDF_iommu)
#define _XEN_DOMCTL_CDF_nested_virt     6
#define XEN_DOMCTL_CDF_nested_virt      (1U << _XEN_DOMCTL_CDF_nested_virt)
#define XEN_DOMCTL_CDF_vpmu             (1U << 7)
#define XEN_DOMCTL_CDF_MAX              XEN_DOMCTL_CDF_vpmu
    /*
     * Our extension, not Xen's: hide ABI features from the guest, which
     * then gets -ENOSYS as from a hypervisor that predates them.  Opt-out
     * bits, so that a caller that knows nothing of them (Xen's toolstack)
     * gets Xen 4.17's behaviour.  Taken from the top so that they never
     * meet the bits Xen allocates upwards from 0 (0-8 by Xen 4.22); Xen
     * itself rejects them with -EINVAL.  Bit 31 stays unused.  See
     * docs/event-channels.md.
     */
#define _XEN_DOMCTL_CDF_no_evtchn_fifo  30  /* no FIFO event channel ABI */
#define XEN_DOMCTL_CDF_no_evtchn_fifo   (1U << _XEN_DOMCTL_CDF_no_evtchn_fifo)
#define _XEN_DOMCTL_CDF_no_upcall_vector 29 /* x86: no HVMOP_set_evtchn_upcall_vector */
#define XEN_DOMCTL_CDF_no_upcall_vector (1U << _XEN_DOMCTL_CDF_no_upcall_vector)
    uint32_t flags;

    /* IOMMU options, only with XEN_DOMCTL_CDF_iommu. */
#define _XEN_DOMCTL_IOMMU_no_sharept    0   /* keep IOMMU and CPU tables apart */
#define XEN_DOMCTL_IOMMU_no_sharept     (1U << _XEN_DOMCTL_IOMMU_no_sharept)
#define XEN_DOMCTL_IOMMU_MAX            XEN_DOMCTL_IOMMU_no_sharept
    uint32_t iommu_opts;

    /* Resource limits.  A negative frame count selects the host default. */
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;
    int32_t max_maptrack_frames;

    /* Low nibble: highest grant table version the guest may use. */
#define XEN_DOMCTL_GRANT_version_mask   0xf
#define XEN_DOMCTL_GRANT_version(v)     ((v) & XEN_DOMCTL_GRANT_version_mask)
    uint32_t grant_opts;

    uint32_t vmtrace_size;              /* per-vCPU trace buffer bytes, 0 = none */
    uint32_t cpupool_id;                /* 0 = default pool */

    struct xen_arch_domainconfig arch;  /* in/out, per architecture */
};

/* XEN_DOMCTL_getdomaininfo (and the entries of sysctl getdomaininfolist). */
struct xen_domctl_getdomaininfo {
    domid_t domain;                     /* same as domctl.domain */
    uint16_t pad1;

#define _XEN_DOMINF_dying       0
#define XEN_DOMINF_dying        (1U << _XEN_DOMINF_dying)
#define _XEN_DOMINF_hvm_guest   1
#define XEN_DOMINF_hvm_guest    (1U << _XEN_DOMINF_hvm_guest)
#define _XEN_DOMINF_shutdown    2       /* reason in the shutdown field */
#define XEN_DOMINF_shutdown     (1U << _XEN_DOMINF_shutdown)
#define _XEN_DOMINF_paused      3       /* paused by the toolstack */
#define XEN_DOMINF_paused       (1U << _XEN_DOMINF_paused)
#define _XEN_DOMINF_blocked     4       /* all vCPUs waiting for events */
#define XEN_DOMINF_blocked      (1U << _XEN_DOMINF_blocked)
#define _XEN_DOMINF_running     5       /* some vCPU is on a CPU now */
#define XEN_DOMINF_running      (1U << _XEN_DOMINF_running)
#define _XEN_DOMINF_debugged    6
#define XEN_DOMINF_debugged     (1U << _XEN_DOMINF_debugged)
#define _XEN_DOMINF_xs_domain   7
#define XEN_DOMINF_xs_domain    (1U << _XEN_DOMINF_xs_domain)
#define _XEN_DOMINF_hap         8
#define XEN_DOMINF_hap          (1U << _XEN_DOMINF_hap)
    /* The guest's SHUTDOWN_* reason lives in bits 16..23 of flags. */
#define XEN_DOMINF_shutdownmask 255
#define XEN_DOMINF_shutdownshift 16
    uint32_t flags;

    uint64_aligned_t tot_pages;
    uint64_aligned_t max_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t shr_pages;
    uint64_aligned_t paged_pages;
    uint64_aligned_t shared_info_frame; /* guest frame of shared_info */
    uint64_aligned_t cpu_time;          /* ns, all vCPUs */
    uint32_t nr_online_vcpus;
#define XEN_INVALID_MAX_VCPU_ID (~0U)   /* the domain has no vCPUs */
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;                /* guest physical address width */
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t);

/* XEN_DOMCTL_max_vcpus */
struct xen_domctl_max_vcpus {
    uint32_t max;
};

/* XEN_DOMCTL_max_mem */
struct xen_domctl_max_mem {
    uint64_aligned_t max_memkb;
};

/* XEN_DOMCTL_setdomainhandle */
struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};

/* XEN_DOMCTL_setdebugging */
struct xen_domctl_setdebugging {
    uint8_t enable;
};

/* XEN_DOMCTL_set_target: let domctl.domain act as device model for target. */
struct xen_domctl_set_target {
    domid_t target;
};

/* XEN_DOMCTL_subscribe: local port notified when the guest suspends. */
struct xen_domctl_subscribe {
    uint32_t port;
};

/* XEN_DOMCTL_settimeoffset */
struct xen_domctl_settimeoffset {
    int64_aligned_t time_offset_seconds;    /* added to the wall clock */
};

/* XEN_DOMCTL_set_address_size / XEN_DOMCTL_get_address_size (bits). */
struct xen_domctl_address_size {
    uint32_t size;
};

/* XEN_DOMCTL_set_virq_handler: route a global VIRQ to this domain. */
struct xen_domctl_set_virq_handler {
    uint32_t virq;
};

/*
 * XEN_DOMCTL_set_access_required: when set, a mem_access violation with no
 * listener attached crashes the domain instead of lifting the restriction.
 */
struct xen_domctl_set_access_required {
    uint8_t access_required;
};

/* ==================================================================
 * vCPU state and placement
 * ================================================================== */

/* XEN_DOMCTL_setvcpucontext / XEN_DOMCTL_getvcpucontext */
struct xen_domctl_vcpucontext {
    uint32_t vcpu;                      /* in */
    XEN_GUEST_HANDLE_64(vcpu_guest_context_t) ctxt;  /* in (set) / out (get) */
};

/* XEN_DOMCTL_getvcpuinfo */
struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;                      /* in */
    uint8_t online;                     /* out */
    uint8_t blocked;                    /* out */
    uint8_t running;                    /* out */
    uint64_aligned_t cpu_time;          /* out: ns consumed */
    uint32_t cpu;                       /* out: physical CPU */
};

/*
 * XEN_DOMCTL_setvcpuaffinity / XEN_DOMCTL_getvcpuaffinity.  On set, the
 * maps return the effective affinity (intersected with the pool's CPUs);
 * on get they return what was last set, untouched.
 */
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;                      /* in */
#define _XEN_VCPUAFFINITY_HARD  0
#define XEN_VCPUAFFINITY_HARD   (1U << _XEN_VCPUAFFINITY_HARD)
#define _XEN_VCPUAFFINITY_SOFT  1
#define XEN_VCPUAFFINITY_SOFT   (1U << _XEN_VCPUAFFINITY_SOFT)
#define _XEN_VCPUAFFINITY_FORCE 2       /* drop a SCHEDOP_pin_override */
#define XEN_VCPUAFFINITY_FORCE  (1U << _XEN_VCPUAFFINITY_FORCE)
    uint32_t flags;
    struct xenctl_bitmap cpumap_hard;
    struct xenctl_bitmap cpumap_soft;
};

/* XEN_DOMCTL_setnodeaffinity / XEN_DOMCTL_getnodeaffinity */
struct xen_domctl_nodeaffinity {
    struct xenctl_bitmap nodemap;
};

/* XEN_DOMCTL_set_ext_vcpucontext / XEN_DOMCTL_get_ext_vcpucontext */
struct xen_domctl_ext_vcpucontext {
    uint32_t vcpu;                      /* in */
    uint32_t size;                      /* set: in; get: out (<= 128) */
#if defined(__i386__) || defined(__x86_64__)
    /* 32-bit SYSCALL and SYSENTER entry points of a PV guest. */
    uint64_aligned_t syscall32_callback_eip;
    uint64_aligned_t sysenter_callback_eip;
    uint16_t syscall32_callback_cs;
    uint16_t sysenter_callback_cs;
    uint8_t syscall32_disables_events;
    uint8_t sysenter_disables_events;
#if defined(__GNUC__)
    union {
        uint64_aligned_t mcg_cap;       /* older name for vmce.caps */
        struct hvm_vmce_vcpu vmce;
    };
#else
    struct hvm_vmce_vcpu vmce;
#endif
#endif
};

/* XEN_DOMCTL_setvnumainfo */
struct xen_domctl_vnuma {
    uint32_t nr_vnodes;                 /* > 0 */
    uint32_t nr_vmemranges;
    uint32_t nr_vcpus;                  /* must equal max_vcpus */
    uint32_t pad;                       /* zero */
    XEN_GUEST_HANDLE_64(uint) vdistance;        /* nr_vnodes^2 entries */
    XEN_GUEST_HANDLE_64(uint) vcpu_to_vnode;    /* nr_vcpus entries */
    XEN_GUEST_HANDLE_64(uint) vnode_to_pnode;   /* nr_vnodes entries */
    XEN_GUEST_HANDLE_64(xen_vmemrange_t) vmemrange; /* nr_vmemranges */
};

#if defined(__i386__) || defined(__x86_64__)
/* XEN_DOMCTL_setvcpuextstate / XEN_DOMCTL_getvcpuextstate (XSAVE area) */
struct xen_domctl_vcpuextstate {
    uint32_t vcpu;                      /* in */
    uint64_aligned_t xfeature_mask;     /* get: in/out; format identifier */
    uint64_aligned_t size;              /* set: in; get: in/out */
    XEN_GUEST_HANDLE_64(uint64) buffer;
};

/* XEN_DOMCTL_get_vcpu_msrs / XEN_DOMCTL_set_vcpu_msrs */
struct xen_domctl_vcpu_msr {
    uint32_t index;
    uint32_t reserved;
    uint64_aligned_t value;
};
typedef struct xen_domctl_vcpu_msr xen_domctl_vcpu_msr_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_vcpu_msr_t);

struct xen_domctl_vcpu_msrs {
    uint32_t vcpu;                      /* in */
    uint32_t msr_count;                 /* in: array size; out: used */
    XEN_GUEST_HANDLE_64(xen_domctl_vcpu_msr_t) msrs;
};
#endif

/* ==================================================================
 * Scheduling
 * ================================================================== */

#define XEN_SCHEDULER_CREDIT    5
#define XEN_SCHEDULER_CREDIT2   6
#define XEN_SCHEDULER_ARINC653  7
#define XEN_SCHEDULER_RTDS      8
#define XEN_SCHEDULER_NULL      9

struct xen_domctl_sched_credit {
    uint16_t weight;
    uint16_t cap;
};

struct xen_domctl_sched_credit2 {
    uint16_t weight;
    uint16_t cap;
};

struct xen_domctl_sched_rtds {
    uint32_t period;                    /* us */
    uint32_t budget;                    /* us */
#define _XEN_DOMCTL_SCHEDRT_extra   0   /* may use spare time */
#define XEN_DOMCTL_SCHEDRT_extra    (1U << _XEN_DOMCTL_SCHEDRT_extra)
    uint32_t flags;
};

/* One element of the per-vCPU parameter array. */
typedef struct xen_domctl_schedparam_vcpu {
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds rtds;
    } u;
    uint32_t vcpuid;
} xen_domctl_schedparam_vcpu_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_schedparam_vcpu_t);

/* XEN_DOMCTL_scheduler_op */
#define XEN_DOMCTL_SCHEDOP_putinfo      0
#define XEN_DOMCTL_SCHEDOP_getinfo      1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo  2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo  3
struct xen_domctl_scheduler_op {
    uint32_t sched_id;                  /* XEN_SCHEDULER_* */
    uint32_t cmd;                       /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds rtds;
        struct {
            XEN_GUEST_HANDLE_64(xen_domctl_schedparam_vcpu_t) vcpus;
            uint32_t nr_vcpus;          /* in: array size; out: processed */
            uint32_t padding;
        } v;
    } u;
};

/* ==================================================================
 * Memory
 * ================================================================== */

/* XEN_DOMCTL_getpageframeinfo3: type of each frame in array[], in place. */
#define XEN_DOMCTL_PFINFO_LTAB_SHIFT    28
#define XEN_DOMCTL_PFINFO_NOTAB         (0x0U << 28)
#define XEN_DOMCTL_PFINFO_L1TAB         (0x1U << 28)
#define XEN_DOMCTL_PFINFO_L2TAB         (0x2U << 28)
#define XEN_DOMCTL_PFINFO_L3TAB         (0x3U << 28)
#define XEN_DOMCTL_PFINFO_L4TAB         (0x4U << 28)
#define XEN_DOMCTL_PFINFO_LTABTYPE_MASK (0x7U << 28)
#define XEN_DOMCTL_PFINFO_LPINTAB       (0x1U << 31)   /* pinned */
#define XEN_DOMCTL_PFINFO_XTAB          (0xfU << 28)   /* not a valid frame */
#define XEN_DOMCTL_PFINFO_XALLOC        (0xeU << 28)   /* allocate-only */
#define XEN_DOMCTL_PFINFO_BROKEN        (0xdU << 28)
#define XEN_DOMCTL_PFINFO_LTAB_MASK     (0xfU << 28)

struct xen_domctl_getpageframeinfo3 {
    uint64_aligned_t num;               /* in: entries in array */
    XEN_GUEST_HANDLE_64(xen_pfn_t) array;   /* in: gfns; out: gfn | type */
};

/* XEN_DOMCTL_shadow_op: paging mode control and log-dirty tracking. */
#define XEN_DOMCTL_SHADOW_OP_OFF                0
#define XEN_DOMCTL_SHADOW_OP_ENABLE             32   /* mode = ENABLE_* bits */
#define XEN_DOMCTL_SHADOW_OP_CLEAN              11   /* fetch and reset dirty map */
#define XEN_DOMCTL_SHADOW_OP_PEEK               12   /* fetch dirty map only */
#define XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION     30
#define XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION     31
/* Shorthands for OP_ENABLE with a fixed mode.  Value 3 is retired. */
#define XEN_DOMCTL_SHADOW_OP_ENABLE_TEST        1
#define XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY    2

#define XEN_DOMCTL_SHADOW_ENABLE_REFCOUNT       (1 << 1)
#define XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY      (1 << 2)
#define XEN_DOMCTL_SHADOW_ENABLE_TRANSLATE      (1 << 3)
#define XEN_DOMCTL_SHADOW_ENABLE_EXTERNAL       (1 << 4)

/* mode for PEEK/CLEAN: last round, include hypervisor-writable pages. */
#define XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL        (1 << 0)

struct xen_domctl_shadow_op_stats {
    uint32_t fault_count;
    uint32_t dirty_count;
};

struct xen_domctl_shadow_op {
    uint32_t op;                        /* XEN_DOMCTL_SHADOW_OP_* */
    uint32_t mode;                      /* ENABLE_* or LOGDIRTY_* bits */
    uint32_t mb;                        /* allocation in MiB (GET/SET_ALLOCATION) */
    XEN_GUEST_HANDLE_64(uint8) dirty_bitmap;    /* PEEK/CLEAN */
    uint64_aligned_t pages;             /* in: bitmap bits; out: bits filled */
    struct xen_domctl_shadow_op_stats stats;
};

/* XEN_DOMCTL_get_paging_mempool_size / XEN_DOMCTL_set_paging_mempool_size */
struct xen_domctl_paging_mempool {
    uint64_aligned_t size;              /* bytes */
};

/* XEN_DOMCTL_set_broken_page_p2m */
struct xen_domctl_set_broken_page_p2m {
    uint64_aligned_t pfn;
};

/* XEN_DOMCTL_cacheflush: clean and invalidate a range of guest frames. */
struct xen_domctl_cacheflush {
    xen_pfn_t start_pfn, nr_pfns;
};

/* XEN_DOMCTL_audit_p2m (only in builds with p2m auditing) */
struct xen_domctl_audit_p2m {
    uint64_t orphans;
    uint64_t m2p_bad;
    uint64_t p2m_bad;
};

/* XEN_DOMCTL_hypercall_init: write the hypercall page into a guest frame. */
struct xen_domctl_hypercall_init {
    uint64_aligned_t gmfn;
};

/* ==================================================================
 * Device and I/O resource access
 * ================================================================== */

/* XEN_DOMCTL_irq_permission */
struct xen_domctl_irq_permission {
    uint32_t pirq;
    uint8_t allow_access;
    uint8_t pad[3];
};

/* XEN_DOMCTL_iomem_permission */
struct xen_domctl_iomem_permission {
    uint64_aligned_t first_mfn;
    uint64_aligned_t nr_mfns;           /* > 0 */
    uint8_t allow_access;
};

/* XEN_DOMCTL_ioport_permission */
struct xen_domctl_ioport_permission {
    uint32_t first_port;
    uint32_t nr_ports;
    uint8_t allow_access;
};

/*
 * XEN_DOMCTL_memory_mapping: map or unmap machine frames into the guest
 * physical space.  Returns 0 when done, a positive count when only that
 * many frames were handled (call again for the rest), -E2BIG when nr_mfns
 * is too large to attempt.
 */
#define DPCI_ADD_MAPPING        1
#define DPCI_REMOVE_MAPPING     0
struct xen_domctl_memory_mapping {
    uint64_aligned_t first_gfn;
    uint64_aligned_t first_mfn;
    uint64_aligned_t nr_mfns;
    uint32_t add_mapping;               /* DPCI_*_MAPPING */
    uint32_t padding;
};

/* XEN_DOMCTL_ioport_mapping (x86 HVM) */
struct xen_domctl_ioport_mapping {
    uint32_t first_gport;
    uint32_t first_mport;
    uint32_t nr_ports;
    uint32_t add_mapping;               /* DPCI_*_MAPPING */
};

/* Memory cache attribute values (x86 PAT encodings). */
#define XEN_DOMCTL_MEM_CACHEATTR_UC     0
#define XEN_DOMCTL_MEM_CACHEATTR_WC     1
#define XEN_DOMCTL_MEM_CACHEATTR_WT     4
#define XEN_DOMCTL_MEM_CACHEATTR_WP     5
#define XEN_DOMCTL_MEM_CACHEATTR_WB     6
#define XEN_DOMCTL_MEM_CACHEATTR_UCM    7
#define XEN_DOMCTL_DELETE_MEM_CACHEATTR (~(uint32_t)0)

/*
 * XEN_DOMCTL_assign_device / test_assign_device / deassign_device.
 * For test_assign_device domctl.domain may be DOMID_INVALID to ask
 * whether the device is free at all.
 */
#define XEN_DOMCTL_DEV_PCI      0
#define XEN_DOMCTL_DEV_DT       1
struct xen_domctl_assign_device {
    uint32_t dev;                       /* XEN_DOMCTL_DEV_* */
    uint32_t flags;
#define XEN_DOMCTL_DEV_RDM_RELAXED  1   /* assign only: tolerate RMRR conflicts */
    union {
        struct {
            uint32_t machine_sbdf;
        } pci;
        struct {
            uint32_t size;              /* bytes in path */
            XEN_GUEST_HANDLE_64(char) path;
        } dt;
    } u;
};

/* XEN_DOMCTL_get_device_group: devices sharing an IOMMU context. */
struct xen_domctl_get_device_group {
    uint32_t machine_sbdf;              /* in */
    uint32_t max_sdevs;                 /* in */
    uint32_t num_sdevs;                 /* out */
    XEN_GUEST_HANDLE_64(uint32) sdev_array;     /* out */
};

/* XEN_DOMCTL_bind_pt_irq / XEN_DOMCTL_unbind_pt_irq */
enum pt_irq_type {
    PT_IRQ_TYPE_PCI,
    PT_IRQ_TYPE_ISA,
    PT_IRQ_TYPE_MSI,
    PT_IRQ_TYPE_MSI_TRANSLATE,
    PT_IRQ_TYPE_SPI,                    /* Arm SPI, 32..1019 */
};

struct xen_domctl_bind_pt_irq {
    uint32_t machine_irq;
    uint32_t irq_type;                  /* enum pt_irq_type */
    union {
        struct {
            uint8_t isa_irq;
        } isa;
        struct {
            uint8_t bus;
            uint8_t device;
            uint8_t intx;
        } pci;
        struct {
            uint8_t gvec;
            uint32_t gflags;
            /* Fields of gflags, describing the guest's MSI programming. */
#define XEN_DOMCTL_VMSI_X86_DEST_ID_MASK 0x0000ff
#define XEN_DOMCTL_VMSI_X86_RH_MASK      0x000100
#define XEN_DOMCTL_VMSI_X86_DM_MASK      0x000200
#define XEN_DOMCTL_VMSI_X86_DELIV_MASK   0x007000
#define XEN_DOMCTL_VMSI_X86_TRIG_MASK    0x008000
#define XEN_DOMCTL_VMSI_X86_UNMASKED     0x010000
            uint64_aligned_t gtable;    /* guest MSI-X table address */
        } msi;
        struct {
            uint16_t spi;
        } spi;
    } u;
};

/* XEN_DOMCTL_sendtrigger */
#define XEN_DOMCTL_SENDTRIGGER_NMI      0
#define XEN_DOMCTL_SENDTRIGGER_RESET    1
#define XEN_DOMCTL_SENDTRIGGER_INIT     2
#define XEN_DOMCTL_SENDTRIGGER_POWER    3
#define XEN_DOMCTL_SENDTRIGGER_SLEEP    4
struct xen_domctl_sendtrigger {
    uint32_t trigger;                   /* XEN_DOMCTL_SENDTRIGGER_* */
    uint32_t vcpu;
};

/* ==================================================================
 * HVM save/restore, TSC, debugging
 * ================================================================== */

/*
 * XEN_DOMCTL_gethvmcontext / XEN_DOMCTL_sethvmcontext.  A get with a null
 * buffer only reports the size needed.
 */
struct xen_domctl_hvmcontext {
    uint32_t size;                      /* in: buffer size; out: bytes used */
    XEN_GUEST_HANDLE_64(uint8) buffer;
};

/* XEN_DOMCTL_gethvmcontext_partial: one save record. */
struct xen_domctl_hvmcontext_partial {
    uint32_t type;                      /* in: record type code */
    uint32_t instance;                  /* in */
    uint64_aligned_t bufsz;             /* in */
    XEN_GUEST_HANDLE_64(uint8) buffer;  /* out */
};

/* XEN_DOMCTL_gettscinfo / XEN_DOMCTL_settscinfo */
struct xen_domctl_tsc_info {
    uint32_t tsc_mode;
    uint32_t gtsc_khz;
    uint32_t incarnation;
    uint32_t pad;
    uint64_aligned_t elapsed_nsec;
};

/* XEN_DOMCTL_debug_op */
#define XEN_DOMCTL_DEBUG_OP_SINGLE_STEP_OFF     0
#define XEN_DOMCTL_DEBUG_OP_SINGLE_STEP_ON      1
struct xen_domctl_debug_op {
    uint32_t op;
    uint32_t vcpu;
};

/* XEN_DOMCTL_gdbsx_guestmemio */
struct xen_domctl_gdbsx_memio {
    uint64_aligned_t pgd3val;           /* in: optional guest CR3 hint */
    uint64_aligned_t gva;               /* in: guest virtual address */
    uint64_aligned_t uva;               /* in: caller's buffer */
    uint32_t len;                       /* in */
    uint8_t gwr;                        /* in: 1 = write to the guest */
    uint32_t remain;                    /* out: bytes not copied */
};

/* XEN_DOMCTL_gdbsx_pausevcpu / XEN_DOMCTL_gdbsx_unpausevcpu */
struct xen_domctl_gdbsx_pauseunp_vcpu {
    uint32_t vcpu;
};

/* XEN_DOMCTL_gdbsx_domstatus */
struct xen_domctl_gdbsx_domstatus {
    uint8_t paused;                     /* out */
    uint32_t vcpu_id;                   /* out: vCPU with a pending event */
    uint32_t vcpu_ev;                   /* out: that event */
};

/* ==================================================================
 * Introspection (vm_event, monitor, sharing)
 * ================================================================== */

/* XEN_DOMCTL_vm_event_op */
#define XEN_VM_EVENT_ENABLE             0
#define XEN_VM_EVENT_DISABLE            1
#define XEN_VM_EVENT_RESUME             2
#define XEN_VM_EVENT_GET_VERSION        3

#define XEN_DOMCTL_VM_EVENT_OP_PAGING   1
#define XEN_DOMCTL_VM_EVENT_OP_MONITOR  2
#define XEN_DOMCTL_VM_EVENT_OP_SHARING  3

struct xen_domctl_vm_event_op {
    uint32_t op;                        /* XEN_VM_EVENT_* */
    uint32_t mode;                      /* XEN_DOMCTL_VM_EVENT_OP_* */
    union {
        struct {
            uint32_t port;              /* out: ring event channel */
        } enable;
        uint32_t version;               /* out (GET_VERSION) */
    } u;
};

/* XEN_DOMCTL_mem_sharing_op */
#define XEN_DOMCTL_MEM_SHARING_CONTROL  0
struct xen_domctl_mem_sharing_op {
    uint8_t op;                         /* XEN_DOMCTL_MEM_SHARING_* */
    union {
        uint8_t enable;
    } u;
};

/* XEN_DOMCTL_monitor_op */
#define XEN_DOMCTL_MONITOR_OP_ENABLE            0
#define XEN_DOMCTL_MONITOR_OP_DISABLE           1
#define XEN_DOMCTL_MONITOR_OP_GET_CAPABILITIES  2
#define XEN_DOMCTL_MONITOR_OP_EMULATE_EACH_REP  3
#define XEN_DOMCTL_MONITOR_OP_CONTROL_REGISTERS 4   /* pause/resume CR events */

#define XEN_DOMCTL_MONITOR_EVENT_WRITE_CTRLREG          0
#define XEN_DOMCTL_MONITOR_EVENT_MOV_TO_MSR             1
#define XEN_DOMCTL_MONITOR_EVENT_SINGLESTEP             2
#define XEN_DOMCTL_MONITOR_EVENT_SOFTWARE_BREAKPOINT    3
#define XEN_DOMCTL_MONITOR_EVENT_GUEST_REQUEST          4
#define XEN_DOMCTL_MONITOR_EVENT_DEBUG_EXCEPTION        5
#define XEN_DOMCTL_MONITOR_EVENT_CPUID                  6
#define XEN_DOMCTL_MONITOR_EVENT_PRIVILEGED_CALL        7
#define XEN_DOMCTL_MONITOR_EVENT_INTERRUPT              8
#define XEN_DOMCTL_MONITOR_EVENT_DESC_ACCESS            9
#define XEN_DOMCTL_MONITOR_EVENT_EMUL_UNIMPLEMENTED     10
#define XEN_DOMCTL_MONITOR_EVENT_INGUEST_PAGEFAULT      11
#define XEN_DOMCTL_MONITOR_EVENT_VMEXIT                 12

struct xen_domctl_monitor_op {
    uint32_t op;                        /* XEN_DOMCTL_MONITOR_OP_* */
    /*
     * ENABLE/DISABLE: the XEN_DOMCTL_MONITOR_EVENT_* concerned.
     * GET_CAPABILITIES: out, bitmap of (1 << XEN_DOMCTL_MONITOR_EVENT_*).
     */
    uint32_t event;
    union {
        struct {
            uint8_t index;              /* VM_EVENT_X86_CR* */
            uint8_t sync;               /* pause the vCPU until answered */
            uint8_t onchangeonly;
            uint8_t pad1;
            uint32_t pad2;
            uint64_aligned_t bitmask;   /* ignore changes in these bits */
        } mov_to_cr;
        struct {
            uint32_t msr;
            uint8_t onchangeonly;
        } mov_to_msr;
        struct {
            uint8_t sync;
            uint8_t allow_userspace;
        } guest_request;
        struct {
            uint8_t sync;
        } debug_exception;
        struct {
            uint8_t sync;
        } vmexit;
    } u;
};

/* ==================================================================
 * x86 resource monitoring / allocation and CPU policy
 * ================================================================== */

/* XEN_DOMCTL_psr_cmt_op */
struct xen_domctl_psr_cmt_op {
#define XEN_DOMCTL_PSR_CMT_OP_DETACH        0
#define XEN_DOMCTL_PSR_CMT_OP_ATTACH        1
#define XEN_DOMCTL_PSR_CMT_OP_QUERY_RMID    2
    uint32_t cmd;
    uint32_t data;
};

/* XEN_DOMCTL_psr_alloc */
struct xen_domctl_psr_alloc {
#define XEN_DOMCTL_PSR_SET_L3_CBM       0
#define XEN_DOMCTL_PSR_GET_L3_CBM       1
#define XEN_DOMCTL_PSR_SET_L3_CODE      2
#define XEN_DOMCTL_PSR_SET_L3_DATA      3
#define XEN_DOMCTL_PSR_GET_L3_CODE      4
#define XEN_DOMCTL_PSR_GET_L3_DATA      5
#define XEN_DOMCTL_PSR_SET_L2_CBM       6
#define XEN_DOMCTL_PSR_GET_L2_CBM       7
#define XEN_DOMCTL_PSR_SET_MBA_THRTL    8
#define XEN_DOMCTL_PSR_GET_MBA_THRTL    9
    uint32_t cmd;                       /* XEN_DOMCTL_PSR_* */
    uint32_t target;                    /* socket */
    uint64_t data;                      /* in/out */
};

#if defined(__i386__) || defined(__x86_64__)
/* XEN_DOMCTL_get_cpu_policy / XEN_DOMCTL_set_cpu_policy */
#define XEN_CPUID_INPUT_UNUSED  0xFFFFFFFF
struct xen_domctl_cpu_policy {
    uint32_t nr_leaves;                 /* in: array size; out: used */
    uint32_t nr_msrs;                   /* in: array size; out: used */
    XEN_GUEST_HANDLE_64(xen_cpuid_leaf_t) leaves;
    XEN_GUEST_HANDLE_64(xen_msr_entry_t) msrs;
    /* set only, out: which leaf/subleaf/MSR the audit rejected. */
    uint32_t err_leaf, err_subleaf, err_msr;
};
typedef struct xen_domctl_cpu_policy xen_domctl_cpu_policy_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_cpu_policy_t);
#endif

/* ==================================================================
 * Arm virtual UART, processor tracing
 * ================================================================== */

/* XEN_DOMCTL_vuart_op */
struct xen_domctl_vuart_op {
#define XEN_DOMCTL_VUART_OP_INIT        0
    uint32_t cmd;                       /* XEN_DOMCTL_VUART_OP_* */
#define XEN_DOMCTL_VUART_TYPE_VPL011    0
    uint32_t type;                      /* in: only vpl011 exists */
    uint64_aligned_t gfn;               /* in: ring page */
    domid_t console_domid;              /* in: backend domain */
    uint8_t pad[2];
    evtchn_port_t evtchn;               /* out: port for ring notifications */
};

/* XEN_DOMCTL_vmtrace_op (Intel Processor Trace) */
struct xen_domctl_vmtrace_op {
    uint32_t cmd;                       /* XEN_DOMCTL_vmtrace_* */
    uint32_t vcpu;
    uint64_aligned_t key;               /* cmd-specific, in */
    uint64_aligned_t value;             /* cmd-specific, in/out */
#define XEN_DOMCTL_vmtrace_enable           1
#define XEN_DOMCTL_vmtrace_disable          2
#define XEN_DOMCTL_vmtrace_reset_and_enable 3
#define XEN_DOMCTL_vmtrace_output_position  4   /* value = write offset */
#define XEN_DOMCTL_vmtrace_get_option       5   /* key = MSR_RTIT_* */
#define XEN_DOMCTL_vmtrace_set_option       6
};
typedef struct xen_domctl_vmtrace_op xen_domctl_vmtrace_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_vmtrace_op_t);

/* ==================================================================
 * The hypercall argument
 * ================================================================== */

struct xen_domctl {
    uint32_t cmd;
#define XEN_DOMCTL_createdomain                   1
#define XEN_DOMCTL_destroydomain                  2
#define XEN_DOMCTL_pausedomain                    3
#define XEN_DOMCTL_unpausedomain                  4
#define XEN_DOMCTL_getdomaininfo                  5
/* 6..8 retired */
#define XEN_DOMCTL_setvcpuaffinity                9
#define XEN_DOMCTL_shadow_op                     10
#define XEN_DOMCTL_max_mem                       11
#define XEN_DOMCTL_setvcpucontext                12
#define XEN_DOMCTL_getvcpucontext                13
#define XEN_DOMCTL_getvcpuinfo                   14
#define XEN_DOMCTL_max_vcpus                     15
#define XEN_DOMCTL_scheduler_op                  16
#define XEN_DOMCTL_setdomainhandle               17
#define XEN_DOMCTL_setdebugging                  18
#define XEN_DOMCTL_irq_permission                19
#define XEN_DOMCTL_iomem_permission              20
#define XEN_DOMCTL_ioport_permission             21
#define XEN_DOMCTL_hypercall_init                22
#ifdef __XEN__
/* Internal continuation of soft_reset; never accepted from callers. */
#define XEN_DOMCTL_soft_reset_cont               23
#endif
#define XEN_DOMCTL_settimeoffset                 24
#define XEN_DOMCTL_getvcpuaffinity               25
#define XEN_DOMCTL_real_mode_area                26  /* obsolete (PPC) */
#define XEN_DOMCTL_resumedomain                  27
#define XEN_DOMCTL_sendtrigger                   28
#define XEN_DOMCTL_subscribe                     29
#define XEN_DOMCTL_gethvmcontext                 33
#define XEN_DOMCTL_sethvmcontext                 34
#define XEN_DOMCTL_set_address_size              35
#define XEN_DOMCTL_get_address_size              36
#define XEN_DOMCTL_assign_device                 37
#define XEN_DOMCTL_bind_pt_irq                   38
#define XEN_DOMCTL_memory_mapping                39
#define XEN_DOMCTL_ioport_mapping                40
#define XEN_DOMCTL_set_ext_vcpucontext           42
#define XEN_DOMCTL_get_ext_vcpucontext           43
#define XEN_DOMCTL_set_opt_feature               44  /* obsolete (IA64) */
#define XEN_DOMCTL_test_assign_device            45
#define XEN_DOMCTL_set_target                    46
#define XEN_DOMCTL_deassign_device               47
#define XEN_DOMCTL_unbind_pt_irq                 48
#define XEN_DOMCTL_get_device_group              50
#define XEN_DOMCTL_debug_op                      54
#define XEN_DOMCTL_gethvmcontext_partial         55
#define XEN_DOMCTL_vm_event_op                   56
#define XEN_DOMCTL_mem_sharing_op                57
#define XEN_DOMCTL_gettscinfo                    59
#define XEN_DOMCTL_settscinfo                    60
#define XEN_DOMCTL_getpageframeinfo3             61
#define XEN_DOMCTL_setvcpuextstate               62
#define XEN_DOMCTL_getvcpuextstate               63
#define XEN_DOMCTL_set_access_required           64
#define XEN_DOMCTL_audit_p2m                     65
#define XEN_DOMCTL_set_virq_handler              66
#define XEN_DOMCTL_set_broken_page_p2m           67
#define XEN_DOMCTL_setnodeaffinity               68
#define XEN_DOMCTL_getnodeaffinity               69
#define XEN_DOMCTL_cacheflush                    71
#define XEN_DOMCTL_get_vcpu_msrs                 72
#define XEN_DOMCTL_set_vcpu_msrs                 73
#define XEN_DOMCTL_setvnumainfo                  74
#define XEN_DOMCTL_psr_cmt_op                    75
#define XEN_DOMCTL_monitor_op                    77
#define XEN_DOMCTL_psr_alloc                     78
#define XEN_DOMCTL_soft_reset                    79
#define XEN_DOMCTL_vuart_op                      81
#define XEN_DOMCTL_get_cpu_policy                82
#define XEN_DOMCTL_set_cpu_policy                83
#define XEN_DOMCTL_vmtrace_op                    84
#define XEN_DOMCTL_get_paging_mempool_size       85
#define XEN_DOMCTL_set_paging_mempool_size       86
#define XEN_DOMCTL_gdbsx_guestmemio            1000
#define XEN_DOMCTL_gdbsx_pausevcpu             1001
#define XEN_DOMCTL_gdbsx_unpausevcpu           1002
#define XEN_DOMCTL_gdbsx_domstatus             1003
    uint32_t interface_version;         /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;
    uint16_t _pad[3];                   /* keeps the union 8-byte aligned at 16 */
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_getpageframeinfo3 getpageframeinfo3;
        struct xen_domctl_nodeaffinity nodeaffinity;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_shadow_op shadow_op;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_setdomainhandle setdomainhandle;
        struct xen_domctl_setdebugging setdebugging;
        struct xen_domctl_irq_permission irq_permission;
        struct xen_domctl_iomem_permission iomem_permission;
        struct xen_domctl_ioport_permission ioport_permission;
        struct xen_domctl_hypercall_init hypercall_init;
        struct xen_domctl_settimeoffset settimeoffset;
        struct xen_domctl_tsc_info tsc_info;
        struct xen_domctl_hvmcontext hvmcontext;
        struct xen_domctl_hvmcontext_partial hvmcontext_partial;
        struct xen_domctl_address_size address_size;
        struct xen_domctl_sendtrigger sendtrigger;
        struct xen_domctl_get_device_group get_device_group;
        struct xen_domctl_assign_device assign_device;
        struct xen_domctl_bind_pt_irq bind_pt_irq;
        struct xen_domctl_memory_mapping memory_mapping;
        struct xen_domctl_ioport_mapping ioport_mapping;
        struct xen_domctl_ext_vcpucontext ext_vcpucontext;
        struct xen_domctl_set_target set_target;
        struct xen_domctl_subscribe subscribe;
        struct xen_domctl_debug_op debug_op;
        struct xen_domctl_vm_event_op vm_event_op;
        struct xen_domctl_mem_sharing_op mem_sharing_op;
#if defined(__i386__) || defined(__x86_64__)
        struct xen_domctl_cpu_policy cpu_policy;
        struct xen_domctl_vcpuextstate vcpuextstate;
        struct xen_domctl_vcpu_msrs vcpu_msrs;
#endif
        struct xen_domctl_set_access_required access_required;
        struct xen_domctl_audit_p2m audit_p2m;
        struct xen_domctl_set_virq_handler set_virq_handler;
        struct xen_domctl_gdbsx_memio gdbsx_guest_memio;
        struct xen_domctl_set_broken_page_p2m set_broken_page_p2m;
        struct xen_domctl_cacheflush cacheflush;
        struct xen_domctl_gdbsx_pauseunp_vcpu gdbsx_pauseunp_vcpu;
        struct xen_domctl_gdbsx_domstatus gdbsx_domstatus;
        struct xen_domctl_vnuma vnuma;
        struct xen_domctl_psr_cmt_op psr_cmt_op;
        struct xen_domctl_monitor_op monitor_op;
        struct xen_domctl_psr_alloc psr_alloc;
        struct xen_domctl_vuart_op vuart_op;
        struct xen_domctl_vmtrace_op vmtrace_op;
        struct xen_domctl_paging_mempool paging_mempool;
        uint8_t pad[128];               /* fixes the union at 128 bytes */
    } u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

#endif /* XEN_PUBLIC_DOMCTL_H */
