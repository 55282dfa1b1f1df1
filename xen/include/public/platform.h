/* SPDX-License-Identifier: MIT */
/*
 * platform.h - the platform_op hypercall (XENPF_*), used by the hardware
 * domain to hand the hypervisor information only firmware-aware code in
 * dom0 can gather (ACPI power data, wall clock, CPU/memory hotplug, EFI
 * services, microcode).
 *
 * Written for this project from the published Xen 4.17 ABI: command
 * numbers, structure tags, member names and layouts are fixed by that ABI;
 * the text is our own.  On Arm only XENPF_settime64 is meaningful.
 */

#ifndef XEN_PUBLIC_PLATFORM_H
#define XEN_PUBLIC_PLATFORM_H

#include "xen.h"

/* Checked on every call; a mismatch fails with -EACCES. */
#define XENPF_INTERFACE_VERSION 0x03000001

/* ------------------------------------------------------------------
 * Wall clock
 * ------------------------------------------------------------------ */

/*
 * Set the wall clock: at hypervisor system time system_time (ns) the
 * time of day was secs.nsecs since the epoch.
 */
#define XENPF_settime32         17
struct xenpf_settime32 {
    uint32_t secs;
    uint32_t nsecs;
    uint64_t system_time;
};
typedef struct xenpf_settime32 xenpf_settime32_t;

#define XENPF_settime64         62
struct xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz;                       /* must be zero */
    uint64_t system_time;
};
typedef struct xenpf_settime64 xenpf_settime64_t;

/* The unsuffixed name tracks the interface version the caller built for. */
#if __XEN_INTERFACE_VERSION__ < 0x00040600
#define XENPF_settime           XENPF_settime32
#define xenpf_settime           xenpf_settime32
#else
#define XENPF_settime           XENPF_settime64
#define xenpf_settime           xenpf_settime64
#endif
typedef struct xenpf_settime xenpf_settime_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_settime_t);

/* ------------------------------------------------------------------
 * x86 MTRR management
 * ------------------------------------------------------------------ */

/* Add a memory-type range; type is an x86 MTRR memory type (0 UC, 6 WB ...). */
#define XENPF_add_memtype       31
struct xenpf_add_memtype {
    xen_pfn_t mfn;                      /* in */
    uint64_t nr_mfns;                   /* in */
    uint32_t type;                      /* in */
    uint32_t handle;                    /* out: pass back to del_memtype */
    uint32_t reg;                       /* out: MTRR register used */
};
typedef struct xenpf_add_memtype xenpf_add_memtype_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_add_memtype_t);

#define XENPF_del_memtype       32
struct xenpf_del_memtype {
    uint32_t handle;                    /* in */
    uint32_t reg;                       /* in */
};
typedef struct xenpf_del_memtype xenpf_del_memtype_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_del_memtype_t);

#define XENPF_read_memtype      33
struct xenpf_read_memtype {
    uint32_t reg;                       /* in */
    xen_pfn_t mfn;                      /* out */
    uint64_t nr_mfns;                   /* out */
    uint32_t type;                      /* out */
};
typedef struct xenpf_read_memtype xenpf_read_memtype_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_read_memtype_t);

/* ------------------------------------------------------------------
 * Microcode, quirks
 * ------------------------------------------------------------------ */

#define XENPF_microcode_update  35
struct xenpf_microcode_update {
    XEN_GUEST_HANDLE(const_void) data;  /* in: vendor microcode container */
    uint32_t length;                    /* in: bytes */
};
typedef struct xenpf_microcode_update xenpf_microcode_update_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_microcode_update_t);

#define XENPF_platform_quirk    39
#define QUIRK_NOIRQBALANCING    1       /* keep IO-APIC RTE destinations fixed */
#define QUIRK_IOAPIC_BAD_REGSEL 2       /* IO-APIC loses its REGSEL value */
#define QUIRK_IOAPIC_GOOD_REGSEL 3
struct xenpf_platform_quirk {
    uint32_t quirk_id;                  /* in: QUIRK_* */
};
typedef struct xenpf_platform_quirk xenpf_platform_quirk_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_platform_quirk_t);

/* ------------------------------------------------------------------
 * EFI runtime services, proxied through the hypervisor
 * ------------------------------------------------------------------ */

#define XENPF_efi_runtime_call  49
#define XEN_EFI_get_time                      1
#define XEN_EFI_set_time                      2
#define XEN_EFI_get_wakeup_time               3
#define XEN_EFI_set_wakeup_time               4
#define XEN_EFI_get_next_high_monotonic_count 5
#define XEN_EFI_get_variable                  6
#define XEN_EFI_set_variable                  7
#define XEN_EFI_get_next_variable_name        8
#define XEN_EFI_query_variable_info           9
#define XEN_EFI_query_capsule_capabilities   10
#define XEN_EFI_update_capsule               11

/* Mirrors EFI_TIME. */
struct xenpf_efi_time {
    uint16_t year;
    uint8_t month;
    uint8_t day;
    uint8_t hour;
    uint8_t min;
    uint8_t sec;
    uint32_t ns;
    int16_t tz;
    uint8_t daylight;
};

/* Mirrors EFI_GUID. */
struct xenpf_efi_guid {
    uint32_t data1;
    uint16_t data2;
    uint16_t data3;
    uint8_t data4[8];
};

struct xenpf_efi_runtime_call {
    uint32_t function;                  /* in: XEN_EFI_* */
    /*
     * Per-function flags (below); for get_next_high_monotonic_count it is
     * the returned counter value instead.
     */
    uint32_t misc;
    xen_ulong_t status;                 /* out: EFI_STATUS */
    union {
#define XEN_EFI_GET_TIME_SET_CLEARS_NS          0x00000001
        struct {
            struct xenpf_efi_time time;
            uint32_t resolution;
            uint32_t accuracy;
        } get_time;

        struct xenpf_efi_time set_time;

#define XEN_EFI_GET_WAKEUP_TIME_ENABLED         0x00000001
#define XEN_EFI_GET_WAKEUP_TIME_PENDING         0x00000002
        struct xenpf_efi_time get_wakeup_time;

#define XEN_EFI_SET_WAKEUP_TIME_ENABLE          0x00000001
#define XEN_EFI_SET_WAKEUP_TIME_ENABLE_ONLY     0x00000002
        struct xenpf_efi_time set_wakeup_time;

#define XEN_EFI_VARIABLE_NON_VOLATILE           0x00000001
#define XEN_EFI_VARIABLE_BOOTSERVICE_ACCESS     0x00000002
#define XEN_EFI_VARIABLE_RUNTIME_ACCESS         0x00000004
        struct {
            XEN_GUEST_HANDLE(void) name;        /* UCS-2 string */
            xen_ulong_t size;
            XEN_GUEST_HANDLE(void) data;
            struct xenpf_efi_guid vendor_guid;
        } get_variable, set_variable;

        struct {
            xen_ulong_t size;
            XEN_GUEST_HANDLE(void) name;        /* UCS-2 string */
            struct xenpf_efi_guid vendor_guid;
        } get_next_variable_name;

#define XEN_EFI_VARINFO_BOOT_SNAPSHOT           0x00000001
        struct {
            uint32_t attr;
            uint64_t max_store_size;
            uint64_t remain_store_size;
            uint64_t max_size;
        } query_variable_info;

        struct {
            XEN_GUEST_HANDLE(void) capsule_header_array;
            xen_ulong_t capsule_count;
            uint64_t max_capsule_size;
            uint32_t reset_type;
        } query_capsule_capabilities;

        struct {
            XEN_GUEST_HANDLE(void) capsule_header_array;
            xen_ulong_t capsule_count;
            uint64_t sg_list;                   /* machine address */
        } update_capsule;
    } u;
};
typedef struct xenpf_efi_runtime_call xenpf_efi_runtime_call_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_efi_runtime_call_t);

/* ------------------------------------------------------------------
 * Firmware information collected at boot
 * ------------------------------------------------------------------ */

#define XENPF_firmware_info     50
#define XEN_FW_DISK_INFO          1     /* BIOS int 13h drive parameters */
#define XEN_FW_DISK_MBR_SIGNATURE 2     /* 32-bit signature at MBR offset 0x1b8 */
#define XEN_FW_VBEDDC_INFO        3     /* VBE/DDC EDID block */
#define XEN_FW_EFI_INFO           4     /* index selects one of: */
#define  XEN_FW_EFI_VERSION          0
#define  XEN_FW_EFI_CONFIG_TABLE     1
#define  XEN_FW_EFI_VENDOR           2
#define  XEN_FW_EFI_MEM_INFO         3
#define  XEN_FW_EFI_RT_VERSION       4
#define  XEN_FW_EFI_PCI_ROM          5
#define  XEN_FW_EFI_APPLE_PROPERTIES 6
#define XEN_FW_KBD_SHIFT_FLAGS    5     /* BIOS int 16h shift state */

struct xenpf_firmware_info {
    uint32_t type;                      /* in: XEN_FW_* */
    uint32_t index;                     /* in: which disk / EFI item */
    union {
        struct {
            uint8_t device;             /* BIOS drive number */
            uint8_t version;            /* EDD major version */
            uint16_t interface_support; /* EDD support bitmap */
            uint16_t legacy_max_cylinder;
            uint8_t legacy_max_head;
            uint8_t legacy_sectors_per_track;
            /* Buffer for the EDD parameter block; first u16 is its size. */
            XEN_GUEST_HANDLE(void) edd_params;
        } disk_info;

        struct {
            uint8_t device;             /* BIOS drive number */
            uint32_t mbr_signature;
        } disk_mbr_signature;

        struct {
            uint8_t capabilities;       /* VBE/DDC level */
            uint8_t edid_transfer_time;
            XEN_GUEST_HANDLE(uint8) edid;   /* 128-byte buffer */
        } vbeddc_info;

        union xenpf_efi_info {
            uint32_t version;
            struct {
                uint64_t addr;          /* EFI configuration table */
                uint32_t nent;
            } cfg;
            struct {
                uint32_t revision;
                uint32_t bufsz;         /* in: bytes available in name */
                XEN_GUEST_HANDLE(void) name;    /* UCS-2 string */
            } vendor;
            struct {
                uint64_t addr;
                uint64_t size;
                uint64_t attr;
                uint32_t type;
            } mem;
            struct {
                uint16_t segment;       /* in */
                uint8_t bus;            /* in */
                uint8_t devfn;          /* in */
                uint16_t vendor;        /* in */
                uint16_t devid;         /* in */
                uint64_t address;       /* out */
                xen_ulong_t size;       /* out */
            } pci_rom;
            struct {
                uint64_t address;
                xen_ulong_t size;
            } apple_properties;
        } efi_info;

        uint8_t kbd_shift_flags;
    } u;
};
typedef struct xenpf_firmware_info xenpf_firmware_info_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_firmware_info_t);

/* ------------------------------------------------------------------
 * ACPI sleep and CPU frequency
 * ------------------------------------------------------------------ */

#define XENPF_enter_acpi_sleep  51
struct xenpf_enter_acpi_sleep {
#if __XEN_INTERFACE_VERSION__ < 0x00040300
    uint16_t pm1a_cnt_val;
    uint16_t pm1b_cnt_val;
#else
    uint16_t val_a;                     /* PM1a_CNT value, or sleep type A */
    uint16_t val_b;                     /* PM1b_CNT value, or sleep type B */
#endif
    uint32_t sleep_state;               /* S-state number */
    /* val_a/val_b are SLP_TYP values for the HW-reduced sleep register. */
#define XENPF_ACPI_SLEEP_EXTENDED 0x00000001
    uint32_t flags;                     /* XENPF_ACPI_SLEEP_* */
};
typedef struct xenpf_enter_acpi_sleep xenpf_enter_acpi_sleep_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_enter_acpi_sleep_t);

#define XENPF_change_freq       52
struct xenpf_change_freq {
    uint32_t flags;                     /* must be zero */
    uint32_t cpu;                       /* physical CPU */
    uint64_t freq;                      /* Hz */
};
typedef struct xenpf_change_freq xenpf_change_freq_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_change_freq_t);

/*
 * Idle time of each CPU set in the in/out bitmap; CPUs that do not exist
 * are cleared from it.  now is the sample time.
 */
#define XENPF_getidletime       53
struct xenpf_getidletime {
    XEN_GUEST_HANDLE(uint8) cpumap_bitmap;  /* in/out */
    uint32_t cpumap_nr_cpus;                /* in: bits in the bitmap */
    XEN_GUEST_HANDLE(uint64) idletime;      /* out: ns per CPU */
    uint64_t now;                           /* out: system time, ns */
};
typedef struct xenpf_getidletime xenpf_getidletime_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_getidletime_t);

/* ------------------------------------------------------------------
 * ACPI processor power/performance data (_CST, _PSS, _PCT, _PSD, _PDC)
 * ------------------------------------------------------------------ */

#define XENPF_set_processor_pminfo 54

/* Capability bits a dom0 may use to describe what it will upload. */
#define XEN_PROCESSOR_PM_CX     1
#define XEN_PROCESSOR_PM_PX     2
#define XEN_PROCESSOR_PM_TX     4

/* xenpf_set_processor_pminfo.type */
#define XEN_PM_CX   0
#define XEN_PM_PX   1
#define XEN_PM_TX   2
#define XEN_PM_PDC  3

/* xen_processor_performance.flags: which parts are valid */
#define XEN_PX_PCT   1
#define XEN_PX_PSS   2
#define XEN_PX_PPC   4
#define XEN_PX_PSD   8

/* ACPI Generic Address Structure, widened. */
struct xen_power_register {
    uint32_t space_id;
    uint32_t bit_width;
    uint32_t bit_offset;
    uint32_t access_size;
    uint64_t address;
};

/* One _CSD dependency entry. */
struct xen_processor_csd {
    uint32_t domain;
    uint32_t coord_type;
    uint32_t num;
};
typedef struct xen_processor_csd xen_processor_csd_t;
DEFINE_XEN_GUEST_HANDLE(xen_processor_csd_t);

/* One C-state. */
struct xen_processor_cx {
    struct xen_power_register reg;      /* entry method */
    uint8_t type;                       /* C1, C2, C3 ... */
    uint32_t latency;
    uint32_t power;
    uint32_t dpcnt;                     /* entries in dp */
    XEN_GUEST_HANDLE(xen_processor_csd_t) dp;
};
typedef struct xen_processor_cx xen_processor_cx_t;
DEFINE_XEN_GUEST_HANDLE(xen_processor_cx_t);

struct xen_processor_flags {
    uint32_t bm_control:1;
    uint32_t bm_check:1;
    uint32_t has_cst:1;
    uint32_t power_setup_done:1;
    uint32_t bm_rld_set:1;
};

struct xen_processor_power {
    uint32_t count;                     /* entries in states */
    struct xen_processor_flags flags;
    XEN_GUEST_HANDLE(xen_processor_cx_t) states;
};

/* _PCT register descriptor, as laid out in ACPI. */
struct xen_pct_register {
    uint8_t descriptor;
    uint16_t length;
    uint8_t space_id;
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t reserved;
    uint64_t address;
};

/* One _PSS entry. */
struct xen_processor_px {
    uint64_t core_frequency;            /* MHz */
    uint64_t power;                     /* mW */
    uint64_t transition_latency;        /* us */
    uint64_t bus_master_latency;        /* us */
    uint64_t control;
    uint64_t status;
};
typedef struct xen_processor_px xen_processor_px_t;
DEFINE_XEN_GUEST_HANDLE(xen_processor_px_t);

/* _PSD package. */
struct xen_psd_package {
    uint64_t num_entries;
    uint64_t revision;
    uint64_t domain;
    uint64_t coord_type;
    uint64_t num_processors;
};

struct xen_processor_performance {
    uint32_t flags;                     /* XEN_PX_* */
    uint32_t platform_limit;            /* _PPC */
    struct xen_pct_register control_register;
    struct xen_pct_register status_register;
    uint32_t state_count;               /* entries in states */
    XEN_GUEST_HANDLE(xen_processor_px_t) states;
    struct xen_psd_package domain_info;
#define XEN_CPUPERF_SHARED_TYPE_HW   1  /* hardware coordinates */
#define XEN_CPUPERF_SHARED_TYPE_ALL  2  /* every dependent CPU must request */
#define XEN_CPUPERF_SHARED_TYPE_ANY  3  /* any dependent CPU may request */
    uint32_t shared_type;
};
typedef struct xen_processor_performance xen_processor_performance_t;
DEFINE_XEN_GUEST_HANDLE(xen_processor_performance_t);

struct xenpf_set_processor_pminfo {
    uint32_t id;                        /* ACPI processor id */
    uint32_t type;                      /* XEN_PM_* */
    union {
        struct xen_processor_power power;       /* XEN_PM_CX */
        struct xen_processor_performance perf;  /* XEN_PM_PX */
        XEN_GUEST_HANDLE(uint32) pdc;           /* XEN_PM_PDC, in/out */
    } u;
};
typedef struct xenpf_set_processor_pminfo xenpf_set_processor_pminfo_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_set_processor_pminfo_t);

/* ------------------------------------------------------------------
 * Physical CPU information and hotplug
 * ------------------------------------------------------------------ */

#define XENPF_get_cpuinfo       55
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;                 /* in */
    uint32_t max_present;               /* out: highest present CPU id */
#define XEN_PCPU_FLAGS_ONLINE   1
#define XEN_PCPU_FLAGS_INVALID  2       /* xen_cpuid is not present */
    uint32_t flags;                     /* out */
    uint32_t apic_id;                   /* out */
    uint32_t acpi_id;                   /* out */
};
typedef struct xenpf_pcpuinfo xenpf_pcpuinfo_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_pcpuinfo_t);

#define XENPF_get_cpu_version   48
struct xenpf_pcpu_version {
    uint32_t xen_cpuid;                 /* in */
    uint32_t max_present;               /* out */
    char vendor_id[12];                 /* out: CPUID vendor string */
    uint32_t family;                    /* out */
    uint32_t model;                     /* out */
    uint32_t stepping;                  /* out */
};
typedef struct xenpf_pcpu_version xenpf_pcpu_version_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_pcpu_version_t);

#define XENPF_cpu_online        56
#define XENPF_cpu_offline       57
struct xenpf_cpu_ol {
    uint32_t cpuid;
};
typedef struct xenpf_cpu_ol xenpf_cpu_ol_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_cpu_ol_t);

#define XENPF_cpu_hotadd        58
struct xenpf_cpu_hotadd {
    uint32_t apic_id;
    uint32_t acpi_id;
    uint32_t pxm;                       /* proximity domain */
};
typedef struct xenpf_cpu_hotadd xenpf_cpu_hotadd_t;

#define XENPF_mem_hotadd        59
struct xenpf_mem_hotadd {
    uint64_t spfn;                      /* first frame */
    uint64_t epfn;                      /* one past the last frame */
    uint32_t pxm;
    uint32_t flags;
};
typedef struct xenpf_mem_hotadd xenpf_mem_hotadd_t;

/* ------------------------------------------------------------------
 * Core parking, batched MSR access, symbol lookup
 * ------------------------------------------------------------------ */

#define XENPF_core_parking      60
#define XEN_CORE_PARKING_SET    1
#define XEN_CORE_PARKING_GET    2
struct xenpf_core_parking {
    uint32_t type;                      /* in: XEN_CORE_PARKING_* */
    uint32_t idle_nums;                 /* in (SET) / out (GET): idled CPUs */
};
typedef struct xenpf_core_parking xenpf_core_parking_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_core_parking_t);

/*
 * A batch of entries is run in order on one CPU without preemption.  The
 * call returns the number of entries completed; a failing entry has its
 * error in u.ret.  Reading MSR_IA32_TSC yields scaled system time in ns.
 */
#define XENPF_resource_op       61
#define XEN_RESOURCE_OP_MSR_READ  0
#define XEN_RESOURCE_OP_MSR_WRITE 1

struct xenpf_resource_entry {
    union {
        uint32_t cmd;                   /* in: XEN_RESOURCE_OP_* */
        int32_t ret;                    /* out: error of a failed entry */
    } u;
    uint32_t rsvd;                      /* must be zero */
    uint64_t idx;                       /* in: MSR index */
    uint64_t val;                       /* in/out */
};
typedef struct xenpf_resource_entry xenpf_resource_entry_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_resource_entry_t);

struct xenpf_resource_op {
    uint32_t nr_entries;
    uint32_t cpu;                       /* physical CPU to run on */
    XEN_GUEST_HANDLE(xenpf_resource_entry_t) entries;
};
typedef struct xenpf_resource_op xenpf_resource_op_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_resource_op_t);

/* Walk the hypervisor symbol table one entry per call. */
#define XENPF_get_symbol        63
struct xenpf_symdata {
    uint32_t namelen;                   /* in: buffer size; out: full name length */
    uint32_t symnum;                    /* in: index; out: next index (same = end) */
    XEN_GUEST_HANDLE(char) name;        /* out */
    uint64_t address;                   /* out */
    char type;                          /* out: nm-style type letter */
};
typedef struct xenpf_symdata xenpf_symdata_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_symdata_t);

/* ------------------------------------------------------------------
 * The hypercall argument
 * ------------------------------------------------------------------ */

struct xen_platform_op {
    uint32_t cmd;                       /* XENPF_* */
    uint32_t interface_version;         /* XENPF_INTERFACE_VERSION */
    union {
        xenpf_settime_t settime;
        xenpf_settime32_t settime32;
        xenpf_settime64_t settime64;
        xenpf_add_memtype_t add_memtype;
        xenpf_del_memtype_t del_memtype;
        xenpf_read_memtype_t read_memtype;
        xenpf_microcode_update_t microcode;
        xenpf_platform_quirk_t platform_quirk;
        xenpf_efi_runtime_call_t efi_runtime_call;
        xenpf_firmware_info_t firmware_info;
        xenpf_enter_acpi_sleep_t enter_acpi_sleep;
        xenpf_change_freq_t change_freq;
        xenpf_getidletime_t getidletime;
        xenpf_set_processor_pminfo_t set_pminfo;
        xenpf_pcpuinfo_t pcpu_info;
        xenpf_pcpu_version_t pcpu_version;
        xenpf_cpu_ol_t cpu_ol;
        xenpf_cpu_hotadd_t cpu_add;
        xenpf_mem_hotadd_t mem_add;
        xenpf_core_parking_t core_parking;
        xenpf_resource_op_t resource_op;
        xenpf_symdata_t symdata;
        uint8_t pad[128];               /* fixes the union at 128 bytes */
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_platform_op_t);

#endif /* XEN_PUBLIC_PLATFORM_H */
