/* SPDX-License-Identifier: MIT */
/*
 * sysctl.h - the sysctl hypercall: host-wide queries and controls issued
 * by the control domain's toolstack.
 *
 * Written for this project from the published Xen 4.17 ABI
 * (XEN_SYSCTL_INTERFACE_VERSION 0x15): operation numbers, structure tags,
 * member names and layouts are fixed by that ABI, the text is our own.
 * Like domctl, this interface is versioned rather than stable and is only
 * visible to the hypervisor and to toolstack builds.
 */

#ifndef XEN_PUBLIC_SYSCTL_H
#define XEN_PUBLIC_SYSCTL_H

#if !defined(__XEN__) && !defined(__XEN_TOOLS__)
#error "sysctl.h is only for the hypervisor and the control-domain toolstack"
#endif

#include "xen.h"
#include "domctl.h"
#include "physdev.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

/* ==================================================================
 * Console, tracing, counters
 * ================================================================== */

/* XEN_SYSCTL_readconsole: copy out the hypervisor console ring. */
struct xen_sysctl_readconsole {
    uint8_t clear;                      /* in: empty the ring after reading */
    uint8_t incremental;                /* in: start at index, not the oldest */
    uint8_t pad0, pad1;
    uint32_t index;                     /* in: start (incremental); out: end */
    XEN_GUEST_HANDLE_64(char) buffer;   /* in */
    uint32_t count;                     /* in: buffer size; out: bytes copied */
};

/* XEN_SYSCTL_tbuf_op: trace buffer control. */
struct xen_sysctl_tbuf_op {
#define XEN_SYSCTL_TBUFOP_get_info      0
#define XEN_SYSCTL_TBUFOP_set_cpu_mask  1
#define XEN_SYSCTL_TBUFOP_set_evt_mask  2
#define XEN_SYSCTL_TBUFOP_set_size      3
#define XEN_SYSCTL_TBUFOP_enable        4
#define XEN_SYSCTL_TBUFOP_disable       5
    uint32_t cmd;
    struct xenctl_bitmap cpu_mask;      /* in/out */
    uint32_t evt_mask;                  /* in/out */
    uint64_aligned_t buffer_mfn;        /* out: trace metadata frame */
    uint32_t size;                      /* in/out: pages per CPU */
};

/* XEN_SYSCTL_perfc_op: performance counters (debug builds). */
#define XEN_SYSCTL_PERFCOP_reset        1
#define XEN_SYSCTL_PERFCOP_query        2

struct xen_sysctl_perfc_desc {
    char name[80];
    uint32_t nr_vals;                   /* values belonging to this counter */
};
typedef struct xen_sysctl_perfc_desc xen_sysctl_perfc_desc_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_perfc_desc_t);

typedef uint32_t xen_sysctl_perfc_val_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_perfc_val_t);

struct xen_sysctl_perfc_op {
    uint32_t cmd;                       /* XEN_SYSCTL_PERFCOP_* */
    uint32_t nr_counters;               /* out */
    uint32_t nr_vals;                   /* out */
    XEN_GUEST_HANDLE_64(xen_sysctl_perfc_desc_t) desc;  /* null = sizes only */
    XEN_GUEST_HANDLE_64(xen_sysctl_perfc_val_t) val;
};

/* XEN_SYSCTL_lockprof_op: spinlock profiling (debug builds). */
#define XEN_SYSCTL_LOCKPROF_reset       1
#define XEN_SYSCTL_LOCKPROF_query       2
#define LOCKPROF_TYPE_GLOBAL            0   /* idx unused */
#define LOCKPROF_TYPE_PERDOM            1   /* idx = domid */
#define LOCKPROF_TYPE_N                 2

struct xen_sysctl_lockprof_data {
    char name[40];
    int32_t type;                       /* LOCKPROF_TYPE_* */
    int32_t idx;
    uint64_aligned_t lock_cnt;
    uint64_aligned_t block_cnt;
    uint64_aligned_t lock_time;         /* ns held */
    uint64_aligned_t block_time;        /* ns waited */
};
typedef struct xen_sysctl_lockprof_data xen_sysctl_lockprof_data_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_lockprof_data_t);

struct xen_sysctl_lockprof_op {
    uint32_t cmd;                       /* XEN_SYSCTL_LOCKPROF_* */
    uint32_t max_elem;                  /* in: entries in data */
    uint32_t nr_elem;                   /* out: entries available */
    uint64_aligned_t time;              /* out: ns profiled */
    XEN_GUEST_HANDLE_64(xen_sysctl_lockprof_data_t) data;
};

/* XEN_SYSCTL_debug_keys: inject debug-key presses. */
struct xen_sysctl_debug_keys {
    XEN_GUEST_HANDLE_64(const_char) keys;
    uint32_t nr_keys;
};

/* XEN_SYSCTL_coverage_op: gcov data (coverage builds). */
#define XEN_GCOV_FORMAT_MAGIC           0x58434f56      /* "XCOV" */
#define XEN_SYSCTL_COVERAGE_get_size    0
#define XEN_SYSCTL_COVERAGE_read        1
#define XEN_SYSCTL_COVERAGE_reset       2
struct xen_sysctl_coverage_op {
    uint32_t cmd;                       /* XEN_SYSCTL_COVERAGE_* */
    uint32_t size;                      /* in/out */
    XEN_GUEST_HANDLE_64(char) buffer;   /* out */
};

/* ==================================================================
 * Host description
 * ================================================================== */

/* XEN_SYSCTL_physinfo capability bits */
#define _XEN_SYSCTL_PHYSCAP_hvm         0
#define XEN_SYSCTL_PHYSCAP_hvm          (1u << _XEN_SYSCTL_PHYSCAP_hvm)
#define _XEN_SYSCTL_PHYSCAP_pv          1
#define XEN_SYSCTL_PHYSCAP_pv           (1u << _XEN_SYSCTL_PHYSCAP_pv)
#define _XEN_SYSCTL_PHYSCAP_directio    2   /* device passthrough possible */
#define XEN_SYSCTL_PHYSCAP_directio     (1u << _XEN_SYSCTL_PHYSCAP_directio)
#define _XEN_SYSCTL_PHYSCAP_hap         3
#define XEN_SYSCTL_PHYSCAP_hap          (1u << _XEN_SYSCTL_PHYSCAP_hap)
#define _XEN_SYSCTL_PHYSCAP_shadow      4
#define XEN_SYSCTL_PHYSCAP_shadow       (1u << _XEN_SYSCTL_PHYSCAP_shadow)
#define _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share 5
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share \
    (1u << _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share)
#define XEN_SYSCTL_PHYSCAP_vmtrace      (1u << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu         (1u << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1    (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2    (1u << 9)
#define XEN_SYSCTL_PHYSCAP_MAX          XEN_SYSCTL_PHYSCAP_gnttab_v2

/* XEN_SYSCTL_physinfo */
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;                   /* online now */
    uint32_t max_cpu_id;                /* highest possible */
    uint32_t nr_nodes;                  /* online now */
    uint32_t max_node_id;               /* highest possible */
    uint32_t cpu_khz;
    uint32_t capabilities;              /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;         /* architecture-specific bits */
    uint32_t pad;
    uint64_aligned_t total_pages;
    uint64_aligned_t free_pages;
    uint64_aligned_t scrub_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t max_mfn;           /* highest possible machine frame */
    uint32_t hw_cap[8];
};

/* XEN_SYSCTL_sched_id: scheduler of the default pool (XEN_SCHEDULER_*). */
struct xen_sysctl_sched_id {
    uint32_t sched_id;
};

/* XEN_SYSCTL_getdomaininfolist */
struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;               /* in */
    uint32_t max_domains;               /* in */
    XEN_GUEST_HANDLE_64(xen_domctl_getdomaininfo_t) buffer;
    uint32_t num_domains;               /* out */
};

/* XEN_SYSCTL_getcpuinfo */
struct xen_sysctl_cpuinfo {
    uint64_aligned_t idletime;          /* ns */
};
typedef struct xen_sysctl_cpuinfo xen_sysctl_cpuinfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cpuinfo_t);

struct xen_sysctl_getcpuinfo {
    uint32_t max_cpus;                  /* in: entries in info */
    XEN_GUEST_HANDLE_64(xen_sysctl_cpuinfo_t) info;
    uint32_t nr_cpus;                   /* out */
};

/* XEN_SYSCTL_availheap: free memory within an address-width window. */
struct xen_sysctl_availheap {
    uint32_t min_bitwidth;              /* in: 0 = no lower bound */
    uint32_t max_bitwidth;              /* in: 0 = no upper bound */
    int32_t node;                       /* in: -1 = all nodes */
    uint64_aligned_t avail_bytes;       /* out */
};

/*
 * XEN_SYSCTL_cputopoinfo.  A null cputopo handle asks for the number of
 * CPUs.  A too-short array is filled as far as it goes and num_cpus then
 * reports the full count; unknown values read as ~0.
 */
#define XEN_INVALID_CORE_ID     (~0U)
#define XEN_INVALID_SOCKET_ID   (~0U)
#define XEN_INVALID_NODE_ID     (~0U)

struct xen_sysctl_cputopo {
    uint32_t core;
    uint32_t socket;
    uint32_t node;
};
typedef struct xen_sysctl_cputopo xen_sysctl_cputopo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cputopo_t);

struct xen_sysctl_cputopoinfo {
    uint32_t num_cpus;                  /* in: entries; out: CPUs known */
    XEN_GUEST_HANDLE_64(xen_sysctl_cputopo_t) cputopo;
};

/*
 * XEN_SYSCTL_numainfo.  distance is a num_nodes x num_nodes matrix,
 * row-major (distance[i * num_nodes + j]).
 */
#define XEN_INVALID_MEM_SZ      (~0U)
#define XEN_INVALID_NODE_DIST   (~0U)

struct xen_sysctl_meminfo {
    uint64_t memsize;
    uint64_t memfree;
};
typedef struct xen_sysctl_meminfo xen_sysctl_meminfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_meminfo_t);

struct xen_sysctl_numainfo {
    uint32_t num_nodes;                 /* in: entries; out: nodes known */
    XEN_GUEST_HANDLE_64(xen_sysctl_meminfo_t) meminfo;
    XEN_GUEST_HANDLE_64(uint32) distance;
};

/*
 * XEN_SYSCTL_pcitopoinfo: NUMA node of each listed PCI device;
 * XEN_INVALID_NODE_ID when the node is not known, XEN_INVALID_DEV when the
 * hypervisor does not know the device at all.
 */
#define XEN_INVALID_DEV         (XEN_INVALID_NODE_ID - 1)
struct xen_sysctl_pcitopoinfo {
    uint32_t num_devs;                  /* in: entries; out: processed */
    XEN_GUEST_HANDLE_64(physdev_pci_device_t) devs;
    XEN_GUEST_HANDLE_64(uint32) nodes;
};

/* ==================================================================
 * CPU pools and schedulers
 * ================================================================== */

/* XEN_SYSCTL_cpupool_op.  Letters say which ops use which fields. */
#define XEN_SYSCTL_CPUPOOL_OP_CREATE        1   /* C */
#define XEN_SYSCTL_CPUPOOL_OP_DESTROY       2   /* D */
#define XEN_SYSCTL_CPUPOOL_OP_INFO          3   /* I */
#define XEN_SYSCTL_CPUPOOL_OP_ADDCPU        4   /* A */
#define XEN_SYSCTL_CPUPOOL_OP_RMCPU         5   /* R */
#define XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN    6   /* M */
#define XEN_SYSCTL_CPUPOOL_OP_FREEINFO      7   /* F */
#define XEN_SYSCTL_CPUPOOL_PAR_ANY          0xFFFFFFFF
struct xen_sysctl_cpupool_op {
    uint32_t op;                        /* XEN_SYSCTL_CPUPOOL_OP_* */
    uint32_t cpupool_id;                /* in: CDIARM; out: CI */
    uint32_t sched_id;                  /* in: C; out: I */
    uint32_t domid;                     /* in: M */
    uint32_t cpu;                       /* in: AR */
    uint32_t n_dom;                     /* out: I */
    struct xenctl_bitmap cpumap;        /* out: IF */
};

/* ARINC 653 static schedule. */
#define ARINC653_MAX_DOMAINS_PER_SCHEDULE   64

struct xen_sysctl_arinc653_schedule {
    uint64_aligned_t major_frame;       /* ns; repeat period */
    uint8_t num_sched_entries;
    struct {
        xen_domain_handle_t dom_handle;
        uint32_t vcpu_id;
        uint64_aligned_t runtime;       /* ns within each major frame */
    } sched_entries[ARINC653_MAX_DOMAINS_PER_SCHEDULE];
};
typedef struct xen_sysctl_arinc653_schedule xen_sysctl_arinc653_schedule_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_arinc653_schedule_t);

/* Limits on the scheduler rate limit, in us. */
#define XEN_SYSCTL_SCHED_RATELIMIT_MAX  500000
#define XEN_SYSCTL_SCHED_RATELIMIT_MIN  100

struct xen_sysctl_credit_schedule {
#define XEN_SYSCTL_CSCHED_TSLICE_MAX    1000
#define XEN_SYSCTL_CSCHED_TSLICE_MIN    1
    uint32_t tslice_ms;
    uint32_t ratelimit_us;
    /* Minimum time a vCPU stays on a CPU before migrating (cache warmth). */
#define XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US (100 * 1000)
    uint32_t vcpu_migr_delay_us;
};

struct xen_sysctl_credit2_schedule {
    uint32_t ratelimit_us;
};

/* XEN_SYSCTL_scheduler_op: per-pool scheduler parameters. */
#define XEN_SYSCTL_SCHEDOP_putinfo      0
#define XEN_SYSCTL_SCHEDOP_getinfo      1
struct xen_sysctl_scheduler_op {
    uint32_t cpupool_id;
    uint32_t sched_id;                  /* XEN_SCHEDULER_* */
    uint32_t cmd;                       /* XEN_SYSCTL_SCHEDOP_* */
    union {
        struct xen_sysctl_sched_arinc653 {
            XEN_GUEST_HANDLE_64(xen_sysctl_arinc653_schedule_t) schedule;
        } sched_arinc653;
        struct xen_sysctl_credit_schedule sched_credit;
        struct xen_sysctl_credit2_schedule sched_credit2;
    } u;
};

/* ==================================================================
 * Power management and CPU/memory hotplug
 * ================================================================== */

/* XEN_SYSCTL_get_pmstat: P-state and C-state residency statistics. */
struct pm_px_val {
    uint64_aligned_t freq;
    uint64_aligned_t residency;
    uint64_aligned_t count;
};
typedef struct pm_px_val pm_px_val_t;
DEFINE_XEN_GUEST_HANDLE(pm_px_val_t);

struct pm_px_stat {
    uint8_t total;                      /* P-states */
    uint8_t usable;
    uint8_t last;
    uint8_t cur;
    XEN_GUEST_HANDLE_64(uint64) trans_pt;   /* total x total transitions */
    XEN_GUEST_HANDLE_64(pm_px_val_t) pt;
};

struct pm_cx_stat {
    uint32_t nr;                        /* entries in triggers/residencies (incl. C0) */
    uint32_t last;
    uint64_aligned_t idle_time;         /* since boot */
    XEN_GUEST_HANDLE_64(uint64) triggers;
    XEN_GUEST_HANDLE_64(uint64) residencies;
    uint32_t nr_pc;                     /* entries in pc */
    uint32_t nr_cc;                     /* entries in cc */
    /*
     * Package / core C-state residencies; index 0 is PC1/CC1.  Slots with
     * no hardware counter are left untouched, so pre-fill a sentinel.
     */
    XEN_GUEST_HANDLE_64(uint64) pc;
    XEN_GUEST_HANDLE_64(uint64) cc;
};

struct xen_sysctl_get_pmstat {
#define PMSTAT_CATEGORY_MASK    0xf0
#define PMSTAT_PX               0x10
#define PMSTAT_CX               0x20
#define PMSTAT_get_max_px       (PMSTAT_PX | 0x1)
#define PMSTAT_get_pxstat       (PMSTAT_PX | 0x2)
#define PMSTAT_reset_pxstat     (PMSTAT_PX | 0x3)
#define PMSTAT_get_max_cx       (PMSTAT_CX | 0x1)
#define PMSTAT_get_cxstat       (PMSTAT_CX | 0x2)
#define PMSTAT_reset_cxstat     (PMSTAT_CX | 0x3)
    uint32_t type;
    uint32_t cpuid;
    union {
        struct pm_px_stat getpx;
        struct pm_cx_stat getcx;
    } u;
};

/* XEN_SYSCTL_cpu_hotplug */
struct xen_sysctl_cpu_hotplug {
    uint32_t cpu;                       /* physical CPU (ignored for SMT ops) */
#define XEN_SYSCTL_CPU_HOTPLUG_ONLINE       0
#define XEN_SYSCTL_CPU_HOTPLUG_OFFLINE      1
    /* Online/offline every sibling thread other than thread 0 of a core. */
#define XEN_SYSCTL_CPU_HOTPLUG_SMT_ENABLE   2
#define XEN_SYSCTL_CPU_HOTPLUG_SMT_DISABLE  3
    uint32_t op;
};

/* XEN_SYSCTL_pm_op: cpufreq and cpuidle control. */
struct xen_userspace {
    uint32_t scaling_setspeed;
};

struct xen_ondemand {
    uint32_t sampling_rate_max;
    uint32_t sampling_rate_min;
    uint32_t sampling_rate;
    uint32_t up_threshold;
};

#define CPUFREQ_NAME_LEN 16

/*
 * GET_CPUFREQ_PARA: the caller supplies cpu_num/freq_num/gov_num sized
 * arrays; if they are too small the call fails with -EAGAIN and the three
 * counts hold the sizes needed.
 */
struct xen_get_cpufreq_para {
    uint32_t cpu_num;
    uint32_t freq_num;
    uint32_t gov_num;
    XEN_GUEST_HANDLE_64(uint32) affected_cpus;
    XEN_GUEST_HANDLE_64(uint32) scaling_available_frequencies;
    XEN_GUEST_HANDLE_64(char) scaling_available_governors;
    char scaling_driver[CPUFREQ_NAME_LEN];
    uint32_t cpuinfo_cur_freq;
    uint32_t cpuinfo_max_freq;
    uint32_t cpuinfo_min_freq;
    uint32_t scaling_cur_freq;
    char scaling_governor[CPUFREQ_NAME_LEN];
    uint32_t scaling_max_freq;
    uint32_t scaling_min_freq;
    union {
        struct xen_userspace userspace;
        struct xen_ondemand ondemand;
    } u;
    int32_t turbo_enabled;
};

struct xen_set_cpufreq_gov {
    char scaling_governor[CPUFREQ_NAME_LEN];
};

struct xen_set_cpufreq_para {
#define SCALING_MAX_FREQ        1
#define SCALING_MIN_FREQ        2
#define SCALING_SETSPEED        3
#define SAMPLING_RATE           4
#define UP_THRESHOLD            5
    uint32_t ctrl_type;
    uint32_t ctrl_value;
};

struct xen_sysctl_pm_op {
#define PM_PARA_CATEGORY_MASK   0xf0
#define CPUFREQ_PARA            0x10
#define GET_CPUFREQ_PARA        (CPUFREQ_PARA | 0x01)
#define SET_CPUFREQ_GOV         (CPUFREQ_PARA | 0x02)
#define SET_CPUFREQ_PARA        (CPUFREQ_PARA | 0x03)
#define GET_CPUFREQ_AVGFREQ     (CPUFREQ_PARA | 0x04)
#define XEN_SYSCTL_pm_op_set_sched_opt_smt          0x21
    /* cpuid 0 selects the max C-state, 1 the max C-sub-state. */
#define XEN_SYSCTL_pm_op_get_max_cstate             0x22
#define XEN_SYSCTL_pm_op_set_max_cstate             0x23
#define XEN_SYSCTL_pm_op_set_vcpu_migration_delay   0x24
#define XEN_SYSCTL_pm_op_get_vcpu_migration_delay   0x25
#define XEN_SYSCTL_pm_op_enable_turbo               0x26
#define XEN_SYSCTL_pm_op_disable_turbo              0x27
    uint32_t cmd;
    uint32_t cpuid;
    union {
        struct xen_get_cpufreq_para get_para;
        struct xen_set_cpufreq_gov set_gov;
        struct xen_set_cpufreq_para set_para;
        uint64_aligned_t get_avgfreq;
        uint32_t set_sched_opt_smt;
#define XEN_SYSCTL_CX_UNLIMITED 0xffffffff
        uint32_t get_max_cstate;
        uint32_t set_max_cstate;
    } u;
};

/*
 * XEN_SYSCTL_page_offline_op: offline/online/query machine frames
 * start..end; one status word per frame (low 16 bits flags, high 16 bits
 * owner domid).
 */
struct xen_sysctl_page_offline_op {
#define sysctl_page_offline         1
#define sysctl_page_online          2
#define sysctl_query_page_offline   3
    uint32_t cmd;
    uint32_t start;
    uint32_t end;
    XEN_GUEST_HANDLE(uint32) status;
};

#define PG_OFFLINE_STATUS_MASK      (0xFFUL)

/* Results of offline/online requests. */
#define PG_OFFLINE_INVALID          (0x1UL << 0)
#define PG_OFFLINE_OFFLINED         (0x1UL << 1)
#define PG_OFFLINE_PENDING          (0x1UL << 2)
#define PG_OFFLINE_FAILED           (0x1UL << 3)
#define PG_OFFLINE_AGAIN            (0x1UL << 4)
#define PG_ONLINE_FAILED            PG_OFFLINE_FAILED
#define PG_ONLINE_ONLINED           PG_OFFLINE_OFFLINED

/* Results of a query. */
#define PG_OFFLINE_STATUS_OFFLINED          (0x1UL << 1)
#define PG_OFFLINE_STATUS_ONLINE            (0x1UL << 2)
#define PG_OFFLINE_STATUS_OFFLINE_PENDING   (0x1UL << 3)
#define PG_OFFLINE_STATUS_BROKEN            (0x1UL << 4)

/* Extra detail about the frame. */
#define PG_OFFLINE_MISC_MASK        (0xFFUL << 4)
#define PG_OFFLINE_XENPAGE          (0x1UL << 8)
#define PG_OFFLINE_DOM0PAGE         (0x1UL << 9)
#define PG_OFFLINE_ANONYMOUS        (0x1UL << 10)
#define PG_OFFLINE_NOT_CONV_RAM     (0x1UL << 11)
#define PG_OFFLINE_OWNED            (0x1UL << 12)
#define PG_OFFLINE_BROKEN           (0x1UL << 13)
#define PG_ONLINE_BROKEN            PG_OFFLINE_BROKEN

#define PG_OFFLINE_OWNER_SHIFT      16

/* ==================================================================
 * x86 resource monitoring / allocation and CPU features
 * ================================================================== */

/* XEN_SYSCTL_psr_cmt_op */
#define XEN_SYSCTL_PSR_CMT_get_total_rmid           0
#define XEN_SYSCTL_PSR_CMT_get_l3_upscaling_factor  1
#define XEN_SYSCTL_PSR_CMT_get_l3_cache_size        2
#define XEN_SYSCTL_PSR_CMT_enabled                  3
#define XEN_SYSCTL_PSR_CMT_get_l3_event_mask        4
struct xen_sysctl_psr_cmt_op {
    uint32_t cmd;                       /* XEN_SYSCTL_PSR_CMT_* */
    uint32_t flags;                     /* zero */
    union {
        uint64_t data;                  /* out */
        struct {
            uint32_t cpu;               /* in */
            uint32_t rsvd;
        } l3_cache;
    } u;
};

/* XEN_SYSCTL_psr_alloc */
#define XEN_SYSCTL_PSR_get_l3_info      0
#define XEN_SYSCTL_PSR_get_l2_info      1
#define XEN_SYSCTL_PSR_get_mba_info     2
struct xen_sysctl_psr_alloc {
    uint32_t cmd;                       /* XEN_SYSCTL_PSR_* */
    uint32_t target;                    /* socket */
    union {
        struct {
            uint32_t cbm_len;
            uint32_t cos_max;
#define XEN_SYSCTL_PSR_CAT_L3_CDP       (1u << 0)
            uint32_t flags;
        } cat_info;
        struct {
            uint32_t thrtl_max;
            uint32_t cos_max;
#define XEN_SYSCTL_PSR_MBA_LINEAR       (1u << 0)
            uint32_t flags;
        } mba_info;
    } u;
};

/* XEN_SYSCTL_get_cpu_levelling_caps: which CPUID masks the host can apply. */
struct xen_sysctl_cpu_levelling_caps {
#define XEN_SYSCTL_CPU_LEVELCAP_faulting    (1ul << 0)  /* CPUID faulting */
#define XEN_SYSCTL_CPU_LEVELCAP_ecx         (1ul << 1)  /* leaf 1 ecx */
#define XEN_SYSCTL_CPU_LEVELCAP_edx         (1ul << 2)  /* leaf 1 edx */
#define XEN_SYSCTL_CPU_LEVELCAP_extd_ecx    (1ul << 3)  /* 0x80000001 ecx */
#define XEN_SYSCTL_CPU_LEVELCAP_extd_edx    (1ul << 4)  /* 0x80000001 edx */
#define XEN_SYSCTL_CPU_LEVELCAP_xsave_eax   (1ul << 5)  /* 0xd:1 eax */
#define XEN_SYSCTL_CPU_LEVELCAP_thermal_ecx (1ul << 6)  /* leaf 6 ecx */
#define XEN_SYSCTL_CPU_LEVELCAP_l7s0_eax    (1ul << 7)  /* 7:0 eax */
#define XEN_SYSCTL_CPU_LEVELCAP_l7s0_ebx    (1ul << 8)  /* 7:0 ebx */
    uint32_t caps;
};

/*
 * XEN_SYSCTL_get_cpu_featureset (x86).  A null features handle asks for
 * the length shared by all sets; pv/hvm sets fail with -EOPNOTSUPP when
 * that guest type is compiled out.
 */
struct xen_sysctl_cpu_featureset {
#define XEN_SYSCTL_cpu_featureset_raw   0
#define XEN_SYSCTL_cpu_featureset_host  1
#define XEN_SYSCTL_cpu_featureset_pv    2
#define XEN_SYSCTL_cpu_featureset_hvm   3
#define XEN_SYSCTL_cpu_featureset_pv_max   4   /* most a PV guest may get */
#define XEN_SYSCTL_cpu_featureset_hvm_max  5   /* most an HVM guest may get */
    uint32_t index;                     /* in: which set */
    uint32_t nr_features;               /* in: buffer words; out: words written */
    XEN_GUEST_HANDLE_64(uint32) features;
};

#if defined(__i386__) || defined(__x86_64__)
/* XEN_SYSCTL_get_cpu_policy */
struct xen_sysctl_cpu_policy {
#define XEN_SYSCTL_cpu_policy_raw           0
#define XEN_SYSCTL_cpu_policy_host          1
#define XEN_SYSCTL_cpu_policy_pv_max        2
#define XEN_SYSCTL_cpu_policy_hvm_max       3
#define XEN_SYSCTL_cpu_policy_pv_default    4
#define XEN_SYSCTL_cpu_policy_hvm_default   5
    uint32_t index;                     /* in */
    uint32_t nr_leaves;                 /* in: array size; out: used */
    uint32_t nr_msrs;                   /* in: array size; out: used */
    uint32_t _rsvd;                     /* zero */
    XEN_GUEST_HANDLE_64(xen_cpuid_leaf_t) leaves;
    XEN_GUEST_HANDLE_64(xen_msr_entry_t) msrs;
};
typedef struct xen_sysctl_cpu_policy xen_sysctl_cpu_policy_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cpu_policy_t);
#endif

/* ==================================================================
 * Live patching
 * ================================================================== */

/* Version of struct livepatch_func that payloads must be built with. */
#define LIVEPATCH_PAYLOAD_VERSION 2

#ifdef __XEN__
/*
 * Layout of the .livepatch.funcs section inside a payload; this is an ELF
 * format contract with the payload build tools, not a hypercall argument.
 */
#define LIVEPATCH_OPAQUE_SIZE 31

struct livepatch_expectation {
    uint8_t enabled : 1;
    uint8_t len : 5;                    /* bytes of data to compare */
    uint8_t rsv : 2;                    /* zero */
    uint8_t data[LIVEPATCH_OPAQUE_SIZE];
};
typedef struct livepatch_expectation livepatch_expectation_t;

typedef enum livepatch_func_state {
    LIVEPATCH_FUNC_NOT_APPLIED,
    LIVEPATCH_FUNC_APPLIED
} livepatch_func_state_t;

struct livepatch_func {
    const char *name;
    void *new_addr;
    void *old_addr;
    uint32_t new_size;
    uint32_t old_size;
    uint8_t version;                    /* LIVEPATCH_PAYLOAD_VERSION */
    uint8_t _pad[39];                   /* hypervisor scratch, zero in payloads */
    livepatch_expectation_t expect;
};
typedef struct livepatch_func livepatch_func_t;
#endif

#define XEN_LIVEPATCH_NAME_SIZE 128

struct xen_livepatch_name {
    XEN_GUEST_HANDLE_64(char) name;
    uint16_t size;                      /* <= XEN_LIVEPATCH_NAME_SIZE */
    uint16_t pad[3];                    /* zero */
};

/* Upload an ELF payload. */
#define XEN_SYSCTL_LIVEPATCH_UPLOAD 0
struct xen_sysctl_livepatch_upload {
    struct xen_livepatch_name name;
    uint64_t size;                      /* bytes of ELF */
    XEN_GUEST_HANDLE_64(uint8) payload;
};

/* Query one payload's state. */
#define XEN_SYSCTL_LIVEPATCH_GET 1
struct xen_livepatch_status {
#define LIVEPATCH_STATE_CHECKED     1
#define LIVEPATCH_STATE_APPLIED     2
    uint32_t state;                     /* out: LIVEPATCH_STATE_* */
    int32_t rc;                         /* out: 0 or -XEN_Exxx of last action */
};
typedef struct xen_livepatch_status xen_livepatch_status_t;
DEFINE_XEN_GUEST_HANDLE(xen_livepatch_status_t);

struct xen_sysctl_livepatch_get {
    struct xen_livepatch_name name;
    struct xen_livepatch_status status;
};

/*
 * List payloads starting at idx.  If version changes between calls the
 * list changed and the walk must restart.
 */
#define XEN_SYSCTL_LIVEPATCH_LIST 2
struct xen_sysctl_livepatch_list {
    uint32_t version;                   /* out */
    uint32_t idx;                       /* in */
    uint32_t nr;                        /* in: entries wanted; out: remaining */
    uint32_t pad;                       /* zero */
    uint32_t name_total_size;           /* out */
    uint32_t metadata_total_size;       /* out */
    XEN_GUEST_HANDLE_64(xen_livepatch_status_t) status;
    XEN_GUEST_HANDLE_64(char) name;     /* nr names, each up to NAME_SIZE */
    XEN_GUEST_HANDLE_64(uint32) len;
    XEN_GUEST_HANDLE_64(char) metadata;
    XEN_GUEST_HANDLE_64(uint32) metadata_len;
};

/* Apply / revert / replace / unload a payload. */
#define XEN_SYSCTL_LIVEPATCH_ACTION 3
struct xen_sysctl_livepatch_action {
    struct xen_livepatch_name name;
#define LIVEPATCH_ACTION_UNLOAD     1
#define LIVEPATCH_ACTION_REVERT     2
#define LIVEPATCH_ACTION_APPLY      3
#define LIVEPATCH_ACTION_REPLACE    4
    uint32_t cmd;                       /* LIVEPATCH_ACTION_* */
    uint32_t timeout;                   /* ns upper bound; 0 = hypervisor default */
#define LIVEPATCH_ACTION_APPLY_NODEPS (1 << 0)  /* skip build-id dependency check */
    uint32_t flags;
    uint32_t pad;                       /* zero */
};

/* XEN_SYSCTL_livepatch_op */
struct xen_sysctl_livepatch_op {
    uint32_t cmd;                       /* XEN_SYSCTL_LIVEPATCH_* */
    uint32_t pad;                       /* zero */
    union {
        struct xen_sysctl_livepatch_upload upload;
        struct xen_sysctl_livepatch_list list;
        struct xen_sysctl_livepatch_get get;
        struct xen_sysctl_livepatch_action action;
    } u;
};

/* ==================================================================
 * The hypercall argument
 * ================================================================== */

struct xen_sysctl {
    uint32_t cmd;
#define XEN_SYSCTL_readconsole                    1
#define XEN_SYSCTL_tbuf_op                        2
#define XEN_SYSCTL_physinfo                       3
#define XEN_SYSCTL_sched_id                       4
#define XEN_SYSCTL_perfc_op                       5
#define XEN_SYSCTL_getdomaininfolist              6
#define XEN_SYSCTL_debug_keys                     7
#define XEN_SYSCTL_getcpuinfo                     8
#define XEN_SYSCTL_availheap                      9
#define XEN_SYSCTL_get_pmstat                    10
#define XEN_SYSCTL_cpu_hotplug                   11
#define XEN_SYSCTL_pm_op                         12
/* 13 retired */
#define XEN_SYSCTL_page_offline_op               14
#define XEN_SYSCTL_lockprof_op                   15
#define XEN_SYSCTL_cputopoinfo                   16
#define XEN_SYSCTL_numainfo                      17
#define XEN_SYSCTL_cpupool_op                    18
#define XEN_SYSCTL_scheduler_op                  19
#define XEN_SYSCTL_coverage_op                   20
#define XEN_SYSCTL_psr_cmt_op                    21
#define XEN_SYSCTL_pcitopoinfo                   22
#define XEN_SYSCTL_psr_alloc                     23
/* 24 retired */
#define XEN_SYSCTL_get_cpu_levelling_caps        25
#define XEN_SYSCTL_get_cpu_featureset            26
#define XEN_SYSCTL_livepatch_op                  27
/* 28 retired */
#define XEN_SYSCTL_get_cpu_policy                29
    uint32_t interface_version;         /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_tbuf_op tbuf_op;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_cputopoinfo cputopoinfo;
        struct xen_sysctl_pcitopoinfo pcitopoinfo;
        struct xen_sysctl_numainfo numainfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_perfc_op perfc_op;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_debug_keys debug_keys;
        struct xen_sysctl_getcpuinfo getcpuinfo;
        struct xen_sysctl_availheap availheap;
        struct xen_sysctl_get_pmstat get_pmstat;
        struct xen_sysctl_cpu_hotplug cpu_hotplug;
        struct xen_sysctl_pm_op pm_op;
        struct xen_sysctl_page_offline_op page_offline;
        struct xen_sysctl_lockprof_op lockprof_op;
        struct xen_sysctl_cpupool_op cpupool_op;
        struct xen_sysctl_scheduler_op scheduler_op;
        struct xen_sysctl_coverage_op coverage_op;
        struct xen_sysctl_psr_cmt_op psr_cmt_op;
        struct xen_sysctl_psr_alloc psr_alloc;
        struct xen_sysctl_cpu_levelling_caps cpu_levelling_caps;
        struct xen_sysctl_cpu_featureset cpu_featureset;
        struct xen_sysctl_livepatch_op livepatch;
#if defined(__i386__) || defined(__x86_64__)
        struct xen_sysctl_cpu_policy cpu_policy;
#endif
        uint8_t pad[128];               /* fixes the union at 128 bytes */
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_t);

#endif /* XEN_PUBLIC_SYSCTL_H */
