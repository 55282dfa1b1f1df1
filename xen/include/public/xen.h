/* SPDX-License-Identifier: MIT */
/*
 * xen.h - the core of the guest interface: hypercall numbers, reserved
 * domain ids, virtual IRQs, and the shared_info/vcpu_info pages through
 * which the hypervisor delivers events and time to a guest.
 *
 * Written for this project from the published Xen 4.17 ABI: names, values
 * and structure layouts are fixed by that ABI, the text is our own.
 *
 * Every other public header starts by including this one.  Hypervisor
 * builds (__XEN__) see only the compiler's freestanding <stdint.h>.
 */

#ifndef XEN_PUBLIC_XEN_H
#define XEN_PUBLIC_XEN_H

#include "xen-compat.h"

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#if defined(__i386__) || defined(__x86_64__)
#include "arch-x86/xen.h"
#elif defined(__arm__) || defined(__aarch64__)
#include "arch-arm.h"
#else
#error "no public headers for this architecture"
#endif

#ifndef __ASSEMBLY__

/* Handles for the basic C types (and their const_ twins). */
DEFINE_XEN_GUEST_HANDLE(char);
__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
DEFINE_XEN_GUEST_HANDLE(int);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
#if __XEN_INTERFACE_VERSION__ < 0x00040300
DEFINE_XEN_GUEST_HANDLE(long);
__DEFINE_XEN_GUEST_HANDLE(ulong, unsigned long);
#endif
DEFINE_XEN_GUEST_HANDLE(void);

DEFINE_XEN_GUEST_HANDLE(uint64_t);
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);
DEFINE_XEN_GUEST_HANDLE(xen_ulong_t);

/* Bound of a trailing variable-length array. */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
#define XEN_FLEX_ARRAY_DIM
#elif defined(__GNUC__)
#define XEN_FLEX_ARRAY_DIM 0
#else
#define XEN_FLEX_ARRAY_DIM 1
#endif

/* Typed constants that still read as plain numbers in assembly. */
#define __xen_mk_uint(x)  x ## U
#define __xen_mk_ulong(x) x ## UL
#ifndef __xen_mk_ullong
#define __xen_mk_ullong(x) x ## ULL
#endif
#define xen_mk_uint(x)    __xen_mk_uint(x)
#define xen_mk_ulong(x)   __xen_mk_ulong(x)
#define xen_mk_ullong(x)  __xen_mk_ullong(x)

#else /* __ASSEMBLY__ */

#define xen_mk_uint(x)   x
#define xen_mk_ulong(x)  x
#define xen_mk_ullong(x) x

#endif /* __ASSEMBLY__ */

/* ------------------------------------------------------------------
 * Hypercall numbers
 * ------------------------------------------------------------------ */

#define __HYPERVISOR_set_trap_table        0
#define __HYPERVISOR_mmu_update            1
#define __HYPERVISOR_set_gdt               2
#define __HYPERVISOR_stack_switch          3
#define __HYPERVISOR_set_callbacks         4
#define __HYPERVISOR_fpu_taskswitch        5
#define __HYPERVISOR_sched_op_compat       6    /* superseded by 29 */
#define __HYPERVISOR_platform_op           7
#define __HYPERVISOR_set_debugreg          8
#define __HYPERVISOR_get_debugreg          9
#define __HYPERVISOR_update_descriptor    10
/* 11 is unused */
#define __HYPERVISOR_memory_op            12
#define __HYPERVISOR_multicall            13
#define __HYPERVISOR_update_va_mapping    14
#define __HYPERVISOR_set_timer_op         15
#define __HYPERVISOR_event_channel_op_compat 16 /* superseded by 32 */
#define __HYPERVISOR_xen_version          17
#define __HYPERVISOR_console_io           18
#define __HYPERVISOR_physdev_op_compat    19    /* superseded by 33 */
#define __HYPERVISOR_grant_table_op       20
#define __HYPERVISOR_vm_assist            21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                 23    /* x86 */
#define __HYPERVISOR_vcpu_op              24
#define __HYPERVISOR_set_segment_base     25    /* x86-64 */
#define __HYPERVISOR_mmuext_op            26
#define __HYPERVISOR_xsm_op               27
#define __HYPERVISOR_nmi_op               28
#define __HYPERVISOR_sched_op             29
#define __HYPERVISOR_callback_op          30
#define __HYPERVISOR_xenoprof_op          31
#define __HYPERVISOR_event_channel_op     32
#define __HYPERVISOR_physdev_op           33
#define __HYPERVISOR_hvm_op               34
#define __HYPERVISOR_sysctl               35
#define __HYPERVISOR_domctl               36
#define __HYPERVISOR_kexec_op             37
#define __HYPERVISOR_tmem_op              38    /* retired */
#define __HYPERVISOR_argo_op              39
#define __HYPERVISOR_xenpmu_op            40
#define __HYPERVISOR_dm_op                41
#define __HYPERVISOR_hypfs_op             42

/* Eight numbers each architecture may use as it likes. */
#define __HYPERVISOR_arch_0               48
#define __HYPERVISOR_arch_1               49
#define __HYPERVISOR_arch_2               50
#define __HYPERVISOR_arch_3               51
#define __HYPERVISOR_arch_4               52
#define __HYPERVISOR_arch_5               53
#define __HYPERVISOR_arch_6               54
#define __HYPERVISOR_arch_7               55

/* Guests built for old interface versions call the older entry points. */
#if __XEN_INTERFACE_VERSION__ < 0x00030101
#undef __HYPERVISOR_sched_op
#define __HYPERVISOR_sched_op __HYPERVISOR_sched_op_compat
#endif

#if __XEN_INTERFACE_VERSION__ < 0x00030202
#undef __HYPERVISOR_event_channel_op
#define __HYPERVISOR_event_channel_op __HYPERVISOR_event_channel_op_compat
#undef __HYPERVISOR_physdev_op
#define __HYPERVISOR_physdev_op __HYPERVISOR_physdev_op_compat
#endif

#if __XEN_INTERFACE_VERSION__ < 0x00030204
#define __HYPERVISOR_dom0_op __HYPERVISOR_platform_op
#endif

/* ------------------------------------------------------------------
 * Virtual interrupts (bind with EVTCHNOP_bind_virq).
 * Per-vCPU ones (V) are bound on each vCPU; global ones (G) have a
 * single receiving domain, normally the control domain.
 * ------------------------------------------------------------------ */

#define VIRQ_TIMER      0   /* V: timer expired */
#define VIRQ_DEBUG      1   /* V: please dump debug state */
#define VIRQ_CONSOLE    2   /* G: input on the emergency console */
#define VIRQ_DOM_EXC    3   /* G: some domain needs attention (e.g. died) */
#define VIRQ_TBUF       4   /* G: trace records available */
#define VIRQ_DEBUGGER   6   /* G: a domain paused for the debugger */
#define VIRQ_XENOPROF   7   /* V: profiling sample available */
#define VIRQ_CON_RING   8   /* G: new output in the hypervisor console ring */
#define VIRQ_PCPU_STATE 9   /* G: a physical CPU changed state */
#define VIRQ_MEM_EVENT  10  /* G: memory event */
#define VIRQ_ARGO       11  /* G: Argo message arrived */
#define VIRQ_ENOMEM     12  /* G: hypervisor heap is low */
#define VIRQ_XENPMU     13  /* V: performance counter interrupt */

/* Architecture-defined VIRQs (x86: VIRQ_MCA = VIRQ_ARCH_0). */
#define VIRQ_ARCH_0    16
#define VIRQ_ARCH_1    17
#define VIRQ_ARCH_2    18
#define VIRQ_ARCH_3    19
#define VIRQ_ARCH_4    20
#define VIRQ_ARCH_5    21
#define VIRQ_ARCH_6    22
#define VIRQ_ARCH_7    23

#define NR_VIRQS       24

/* ------------------------------------------------------------------
 * mmu_update (x86 PV): the low two bits of mmu_update.ptr select the
 * command, the rest is a machine address.
 * ------------------------------------------------------------------ */

#define MMU_NORMAL_PT_UPDATE       0    /* checked *ptr = val */
#define MMU_MACHPHYS_UPDATE        1    /* M2P[ptr >> PAGE_SHIFT] = val */
#define MMU_PT_UPDATE_PRESERVE_AD  2    /* as 0, keeping Accessed/Dirty */
#define MMU_PT_UPDATE_NO_TRANSLATE 3    /* as 0, val is never translated */

/* mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE      0
#define MMUEXT_PIN_L2_TABLE      1
#define MMUEXT_PIN_L3_TABLE      2
#define MMUEXT_PIN_L4_TABLE      3
#define MMUEXT_UNPIN_TABLE       4
#define MMUEXT_NEW_BASEPTR       5
#define MMUEXT_TLB_FLUSH_LOCAL   6
#define MMUEXT_INVLPG_LOCAL      7
#define MMUEXT_TLB_FLUSH_MULTI   8
#define MMUEXT_INVLPG_MULTI      9
#define MMUEXT_TLB_FLUSH_ALL    10
#define MMUEXT_INVLPG_ALL       11
#define MMUEXT_FLUSH_CACHE      12
#define MMUEXT_SET_LDT          13
#define MMUEXT_NEW_USER_BASEPTR 15
#define MMUEXT_CLEAR_PAGE       16
#define MMUEXT_COPY_PAGE        17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER       19
#define MMUEXT_UNMARK_SUPER     20

#ifndef __ASSEMBLY__
struct mmuext_op {
    unsigned int cmd;                   /* MMUEXT_* */
    union {
        /* pin/unpin, new (user) base pointer, clear/copy page, (un)mark super */
        xen_pfn_t mfn;
        /* invlpg, set_ldt */
        unsigned long linear_addr;
    } arg1;
    union {
        unsigned int nr_ents;           /* set_ldt */
        /* tlb_flush_multi, invlpg_multi: bitmap of target vCPUs */
#if __XEN_INTERFACE_VERSION__ >= 0x00030205
        XEN_GUEST_HANDLE(const_void) vcpumask;
#else
        const void *vcpumask;
#endif
        xen_pfn_t src_mfn;              /* copy_page */
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;
DEFINE_XEN_GUEST_HANDLE(mmuext_op_t);
#endif

/* update_va_mapping flags: flush type in bits 0-1, scope in bit 2 (or a
 * pointer to a vCPU bitmap for UVMF_MULTI). */
#define UVMF_NONE           (xen_mk_ulong(0) << 0)
#define UVMF_TLB_FLUSH      (xen_mk_ulong(1) << 0)
#define UVMF_INVLPG         (xen_mk_ulong(2) << 0)
#define UVMF_FLUSHTYPE_MASK (xen_mk_ulong(3) << 0)
#define UVMF_MULTI          (xen_mk_ulong(0) << 2)
#define UVMF_LOCAL          (xen_mk_ulong(0) << 2)
#define UVMF_ALL            (xen_mk_ulong(1) << 2)

/* console_io sub-commands. */
#define CONSOLEIO_write         0
#define CONSOLEIO_read          1

/* vm_assist commands and assists. */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1

#define VMASST_TYPE_4gb_segments         0  /* x86-32: emulate 4GB segments */
#define VMASST_TYPE_4gb_segments_notify  1  /* ... and report each use */
#define VMASST_TYPE_writable_pagetables  2  /* trap and emulate PTE writes */
#define VMASST_TYPE_pae_extended_cr3     3  /* x86-32 PAE: PDPT above 4GB */
#define VMASST_TYPE_architectural_iopl   4  /* IOPL from the guest's flags */
#define VMASST_TYPE_runstate_update_flag 5  /* XEN_RUNSTATE_UPDATE marking */
#define VMASST_TYPE_m2p_strict           32 /* x86-64: hide unowned M2P part */

#if __XEN_INTERFACE_VERSION__ < 0x00040600
#define MAX_VMASST_TYPE                  3
#endif

/* ------------------------------------------------------------------
 * Domain ids.  Ids from DOMID_FIRST_RESERVED up never name a real domain.
 * ------------------------------------------------------------------ */

#define DOMID_FIRST_RESERVED xen_mk_uint(0x7FF0)
#define DOMID_SELF           xen_mk_uint(0x7FF0)    /* the caller */
#define DOMID_IO             xen_mk_uint(0x7FF1)    /* owner of I/O memory */
#define DOMID_XEN            xen_mk_uint(0x7FF2)    /* the hypervisor itself */
#define DOMID_COW            xen_mk_uint(0x7FF3)    /* owner of shared pages */
#define DOMID_INVALID        xen_mk_uint(0x7FF4)
#define DOMID_IDLE           xen_mk_uint(0x7FFF)    /* idle vCPUs */
#define DOMID_MASK           xen_mk_uint(0x7FFF)

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;

/* One mmu_update request; see MMU_* above. */
struct mmu_update {
    uint64_t ptr;
    uint64_t val;
};
typedef struct mmu_update mmu_update_t;
DEFINE_XEN_GUEST_HANDLE(mmu_update_t);

/* One call of a multicall batch; result receives its return value. */
struct multicall_entry {
    xen_ulong_t op, result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

#if __XEN_INTERFACE_VERSION__ < 0x00040400
#define NR_EVENT_CHANNELS EVTCHN_2L_NR_CHANNELS
#endif

/*
 * Per-vCPU time.  The hypervisor makes version odd while it updates the
 * other fields and even again afterwards; readers retry until they see
 * the same even value before and after reading.
 *
 * now_ns = system_time +
 *          ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32)
 * (a negative tsc_shift shifts right).
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;             /* TSC when last updated */
    uint64_t system_time;               /* ns since boot at that TSC */
    uint32_t tsc_to_system_mul;         /* 32.32 fixed-point multiplier */
    int8_t tsc_shift;
#if __XEN_INTERFACE_VERSION__ > 0x040600
    uint8_t flags;                      /* XEN_PVCLOCK_* */
    uint8_t pad1[2];
#else
    int8_t pad1[3];
#endif
};
typedef struct vcpu_time_info vcpu_time_info_t;

#define XEN_PVCLOCK_TSC_STABLE_BIT     (1 << 0)     /* TSC is synchronised */
#define XEN_PVCLOCK_GUEST_STOPPED      (1 << 1)

/*
 * Per-vCPU event state.  The hypervisor sets evtchn_upcall_pending and a
 * bit in evtchn_pending_sel for each pending word of shared_info; the
 * guest clears the flag before scanning.  A non-zero evtchn_upcall_mask
 * (x86 PV) suppresses upcalls, like a disabled interrupt flag.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
#ifdef XEN_HAVE_PV_UPCALL_MASK
    uint8_t evtchn_upcall_mask;
#else
    uint8_t pad0;
#endif
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    vcpu_time_info_t time;
};
#ifndef __XEN__
typedef struct vcpu_info vcpu_info_t;
#endif

/*
 * The shared_info page.  With 2-level event channels, port N is pending
 * when bit N of evtchn_pending is set and masked when bit N of
 * evtchn_mask is set; the guest owns the mask, the hypervisor only sets
 * pending bits (the guest clears them).
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];

    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];

    /*
     * Wall-clock time at system time 0, as seconds and nanoseconds since
     * the Unix epoch, shifted by the domain's time offset; wc_version
     * works like vcpu_time_info.version.
     */
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
#if !defined(__i386__)
    uint32_t wc_sec_hi;                 /* upper 32 bits of the seconds */
#define xen_wc_sec_hi wc_sec_hi
#elif !defined(__XEN__) && !defined(__XEN_TOOLS__)
#define xen_wc_sec_hi arch.wc_sec_hi
#endif

    struct arch_shared_info arch;
};
#ifndef __XEN__
typedef struct shared_info shared_info_t;
#endif

#ifdef XEN_HAVE_PV_GUEST_ENTRY
/*
 * x86 PV boot information, passed to the kernel entry point.  The
 * bootstrap page tables map the kernel, the initial ramdisk, the p2m list,
 * this page, and the page tables themselves, contiguously.
 */
struct start_info {
    char magic[32];                     /* "xen-<version>-<platform>" */
    unsigned long nr_pages;             /* pages given to the domain */
    unsigned long shared_info;          /* machine address of shared_info */
    uint32_t flags;                     /* SIF_* */
    xen_pfn_t store_mfn;                /* xenstore ring frame */
    uint32_t store_evtchn;              /* xenstore event channel */
    union {
        struct {
            xen_pfn_t mfn;              /* console ring frame */
            uint32_t evtchn;            /* console event channel */
        } domU;
        struct {
            uint32_t info_off;          /* offset of dom0_vga_console_info */
            uint32_t info_size;         /* its size */
        } dom0;
    } console;
    unsigned long pt_base;              /* virtual address of top page table */
    unsigned long nr_pt_frames;         /* frames of bootstrap page tables */
    unsigned long mfn_list;             /* virtual address of the p2m list */
    unsigned long mod_start;            /* virtual address (or pfn) of module */
    unsigned long mod_len;              /* its size in bytes */
#define MAX_GUEST_CMDLINE 1024
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    unsigned long first_p2m_pfn;        /* first pfn of the initial p2m */
    unsigned long nr_p2m_frames;        /* its length in frames */
};
typedef struct start_info start_info_t;

#if __XEN_INTERFACE_VERSION__ < 0x00030203
#define console_mfn    console.domU.mfn
#define console_evtchn console.domU.evtchn
#endif
#endif /* XEN_HAVE_PV_GUEST_ENTRY */

/* start_info.flags (also hvm_start_info.flags). */
#define SIF_PRIVILEGED      (1 << 0)    /* privileged domain */
#define SIF_INITDOMAIN      (1 << 1)    /* the initial control domain */
#define SIF_MULTIBOOT_MOD   (1 << 2)    /* mod_start is a multiboot list */
#define SIF_MOD_START_PFN   (1 << 3)    /* mod_start is a pfn */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)    /* tools understand a linear p2m */
#define SIF_PM_MASK         (0xFF << 8) /* reserved for power management */

/*
 * With SIF_MULTIBOOT_MOD, mod_start points at an array of these, ended
 * by an entry with mod_start == 0.  Addresses are relative to the start
 * of the array; cmdline == 0 means none.
 */
struct xen_multiboot_mod_list {
    uint32_t mod_start;
    uint32_t mod_end;                   /* exclusive */
    uint32_t cmdline;
    uint32_t pad;
};

/* Boot console description the hypervisor hands to the control domain. */
typedef struct dom0_vga_console_info {
    uint8_t video_type;                 /* XEN_VGATYPE_* */
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB    0x23
#define XEN_VGATYPE_EFI_LFB     0x70

    union {
        struct {
            uint16_t font_height;
            uint16_t cursor_x, cursor_y;
            uint16_t rows, columns;
        } text_mode_3;

        struct {
            uint16_t width, height;
            uint16_t bytes_per_line;
            uint16_t bits_per_pixel;
            uint32_t lfb_base;          /* frame buffer address, low half */
            uint32_t lfb_size;          /* in 64 KiB units */
            uint8_t red_pos, red_size;
            uint8_t green_pos, green_size;
            uint8_t blue_pos, blue_size;
            uint8_t rsvd_pos, rsvd_size;
#if __XEN_INTERFACE_VERSION__ >= 0x00030206
            uint32_t gbl_caps;          /* VESA capabilities */
            uint16_t mode_attrs;        /* VESA mode attributes */
            uint16_t pad;
#endif
#if __XEN_INTERFACE_VERSION__ >= 0x00040d00
            uint32_t ext_lfb_base;      /* frame buffer address, high half */
#endif
        } vesa_lfb;
    } u;
} dom0_vga_console_info_t;
#define xen_vga_console_info dom0_vga_console_info
#define xen_vga_console_info_t dom0_vga_console_info_t

/* Toolstack-assigned domain UUID. */
typedef uint8_t xen_domain_handle_t[16];

__DEFINE_XEN_GUEST_HANDLE(uint8,  uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint16, uint16_t);
__DEFINE_XEN_GUEST_HANDLE(uint32, uint32_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);

typedef struct {
    uint8_t a[16];
} xen_uuid_t;

/*
 * A UUID constant from its textual groups, e.g. for
 * 00112233-4455-6677-8899-aabbccddeeff:
 * XEN_DEFINE_UUID(0x00112233, 0x4455, 0x6677, 0x8899,
 *                 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff)
 */
#define XEN_DEFINE_UUID_(a, b, c, d, e1, e2, e3, e4, e5, e6)            \
    {{((a) >> 24) & 0xFF, ((a) >> 16) & 0xFF,                           \
      ((a) >>  8) & 0xFF, ((a) >>  0) & 0xFF,                           \
      ((b) >>  8) & 0xFF, ((b) >>  0) & 0xFF,                           \
      ((c) >>  8) & 0xFF, ((c) >>  0) & 0xFF,                           \
      ((d) >>  8) & 0xFF, ((d) >>  0) & 0xFF,                           \
      e1, e2, e3, e4, e5, e6}}

#if defined(__STDC_VERSION__) ? __STDC_VERSION__ >= 199901L : defined(__GNUC__)
#define XEN_DEFINE_UUID(a, b, c, d, e1, e2, e3, e4, e5, e6)             \
    ((xen_uuid_t)XEN_DEFINE_UUID_(a, b, c, d, e1, e2, e3, e4, e5, e6))
#else
#define XEN_DEFINE_UUID(a, b, c, d, e1, e2, e3, e4, e5, e6)             \
    XEN_DEFINE_UUID_(a, b, c, d, e1, e2, e3, e4, e5, e6)
#endif

#endif /* !__ASSEMBLY__ */

/* ------------------------------------------------------------------
 * Shared by the control interfaces (domctl, sysctl, ...), which must
 * have one layout for 32- and 64-bit toolstacks.
 * ------------------------------------------------------------------ */
#if defined(__XEN__) || defined(__XEN_TOOLS__)

#ifndef int64_aligned_t
#define int64_aligned_t int64_t
#endif
#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif
#ifndef XEN_GUEST_HANDLE_64
#define XEN_GUEST_HANDLE_64(name) XEN_GUEST_HANDLE(name)
#endif

#ifndef __ASSEMBLY__
/* A bitmap (of CPUs, nodes, ...) in caller memory. */
struct xenctl_bitmap {
    XEN_GUEST_HANDLE_64(uint8) bitmap;
    uint32_t nr_bits;                   /* size of the bitmap in bits */
};
typedef struct xenctl_bitmap xenctl_bitmap_t;
#endif

#endif /* __XEN__ || __XEN_TOOLS__ */

#endif /* XEN_PUBLIC_XEN_H */
