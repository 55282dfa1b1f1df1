/* SPDX-License-Identifier: MIT */
/*
 * physdev.h - PHYSDEVOP_* sub-operations of the physdev_op hypercall.
 *
 * Written for this project from the published Xen 4.17 ABI: operation
 * numbers, structure tags, member names and layouts are fixed by that ABI,
 * the text here is our own.  Guests (mostly a PV or PVH dom0) use these ops
 * to route physical interrupts, register PCI devices and tell the
 * hypervisor about firmware-described resources.
 */

#ifndef XEN_PUBLIC_PHYSDEV_H
#define XEN_PUBLIC_PHYSDEV_H

#include "xen.h"

/* ------------------------------------------------------------------
 * Interrupt acknowledgement and status
 * ------------------------------------------------------------------ */

/* The guest has finished handling a physical IRQ (pirq number). */
#define PHYSDEVOP_eoi                   12
struct physdev_eoi {
    uint32_t irq;                       /* in */
};
typedef struct physdev_eoi physdev_eoi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_eoi_t);

/*
 * Register a guest frame the hypervisor uses as a bitmap (indexed by pirq)
 * of interrupts that still need PHYSDEVOP_eoi.  Registering with v1 also
 * makes every later PHYSDEVOP_eoi unmask the bound event channel; v2 leaves
 * PHYSDEVOP_eoi's behaviour unchanged.
 */
#define PHYSDEVOP_pirq_eoi_gmfn_v1      17
#define PHYSDEVOP_pirq_eoi_gmfn_v2      28
struct physdev_pirq_eoi_gmfn {
    xen_pfn_t gmfn;                     /* in */
};
typedef struct physdev_pirq_eoi_gmfn physdev_pirq_eoi_gmfn_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pirq_eoi_gmfn_t);

/* Ask how a pirq must be handled (the XENIRQSTAT_* flags). */
#define PHYSDEVOP_irq_status_query      5
struct physdev_irq_status_query {
    uint32_t irq;                       /* in */
    uint32_t flags;                     /* out: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;
DEFINE_XEN_GUEST_HANDLE(physdev_irq_status_query_t);

#define _XENIRQSTAT_needs_eoi           (0)
#define XENIRQSTAT_needs_eoi            (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared              (1)
#define XENIRQSTAT_shared               (1U << _XENIRQSTAT_shared)

/* Historical op number; no payload. */
#define PHYSDEVOP_IRQ_UNMASK_NOTIFY     4

/* ------------------------------------------------------------------
 * x86 PV I/O privilege
 * ------------------------------------------------------------------ */

#define PHYSDEVOP_set_iopl              6
struct physdev_set_iopl {
    uint32_t iopl;                      /* in: 0..3 */
};
typedef struct physdev_set_iopl physdev_set_iopl_t;
DEFINE_XEN_GUEST_HANDLE(physdev_set_iopl_t);

#define PHYSDEVOP_set_iobitmap          7
struct physdev_set_iobitmap {
#if __XEN_INTERFACE_VERSION__ >= 0x00030205
    XEN_GUEST_HANDLE(uint8) bitmap;     /* in: one bit per port */
#else
    uint8_t *bitmap;
#endif
    uint32_t nr_ports;                  /* in */
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;
DEFINE_XEN_GUEST_HANDLE(physdev_set_iobitmap_t);

/* ------------------------------------------------------------------
 * Legacy IO-APIC access and vector allocation (x86)
 * ------------------------------------------------------------------ */

#define PHYSDEVOP_apic_read             8
#define PHYSDEVOP_apic_write            9
struct physdev_apic {
    unsigned long apic_physbase;        /* in */
    uint32_t reg;                       /* in */
    uint32_t value;                     /* in (write) / out (read) */
};
typedef struct physdev_apic physdev_apic_t;
DEFINE_XEN_GUEST_HANDLE(physdev_apic_t);

#define PHYSDEVOP_alloc_irq_vector      10
#define PHYSDEVOP_free_irq_vector       11
struct physdev_irq {
    uint32_t irq;                       /* in */
    uint32_t vector;                    /* in (free) / out (alloc) */
};
typedef struct physdev_irq physdev_irq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_irq_t);

/* ------------------------------------------------------------------
 * Mapping machine interrupt sources to pirqs
 * ------------------------------------------------------------------ */

#define MAP_PIRQ_TYPE_MSI               0x0
#define MAP_PIRQ_TYPE_GSI               0x1
#define MAP_PIRQ_TYPE_UNKNOWN           0x2
#define MAP_PIRQ_TYPE_MSI_SEG           0x3     /* bus carries segment << 16 */
#define MAP_PIRQ_TYPE_MULTI_MSI         0x4     /* entry_nr = vector count */

#define PHYSDEVOP_map_pirq              13
struct physdev_map_pirq {
    domid_t domid;                      /* in */
    int type;                           /* in: MAP_PIRQ_TYPE_* */
    int index;                          /* in: GSI for MAP_PIRQ_TYPE_GSI */
    int pirq;                           /* in/out: wanted or chosen pirq */
    int bus;                            /* in: MSI source (and segment) */
    int devfn;                          /* in */
    int entry_nr;                       /* in/out: MSI-X entry / vectors */
    uint64_t table_base;                /* in: MSI-X table address */
};
typedef struct physdev_map_pirq physdev_map_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_map_pirq_t);

#define PHYSDEVOP_unmap_pirq            14
struct physdev_unmap_pirq {
    domid_t domid;                      /* in */
    int pirq;                           /* in */
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_unmap_pirq_t);

/* ------------------------------------------------------------------
 * PCI device registration
 * ------------------------------------------------------------------ */

/* Segment-0 only, superseded by pci_device_add/remove. */
#define PHYSDEVOP_manage_pci_add        15
#define PHYSDEVOP_manage_pci_remove     16
struct physdev_manage_pci {
    uint8_t bus;                        /* in */
    uint8_t devfn;                      /* in */
};
typedef struct physdev_manage_pci physdev_manage_pci_t;
DEFINE_XEN_GUEST_HANDLE(physdev_manage_pci_t);

#define PHYSDEVOP_restore_msi           19
struct physdev_restore_msi {
    uint8_t bus;                        /* in */
    uint8_t devfn;                      /* in */
};
typedef struct physdev_restore_msi physdev_restore_msi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_restore_msi_t);

#define PHYSDEVOP_manage_pci_add_ext    20
struct physdev_manage_pci_ext {
    uint8_t bus;                        /* in */
    uint8_t devfn;                      /* in */
    uint32_t is_extfn;                  /* in: ARI extended function */
    uint32_t is_virtfn;                 /* in: SR-IOV virtual function */
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;                           /* in: parent PF when is_virtfn */
};
typedef struct physdev_manage_pci_ext physdev_manage_pci_ext_t;
DEFINE_XEN_GUEST_HANDLE(physdev_manage_pci_ext_t);

/* Tell the hypervisor a GSI's trigger mode and polarity (x86 ACPI). */
#define PHYSDEVOP_setup_gsi             21
struct physdev_setup_gsi {
    int gsi;                            /* in */
    uint8_t triggering;                 /* in: 0 edge, 1 level */
    uint8_t polarity;                   /* in: 0 high, 1 low */
};
typedef struct physdev_setup_gsi physdev_setup_gsi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_setup_gsi_t);

/* Reserve an unused pirq number for the calling domain. */
#define PHYSDEVOP_get_free_pirq         23
struct physdev_get_free_pirq {
    int type;                           /* in: MAP_PIRQ_TYPE_* */
    uint32_t pirq;                      /* out */
};
typedef struct physdev_get_free_pirq physdev_get_free_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_get_free_pirq_t);

/* Report an MCFG (ECAM) region and whether firmware reserved it. */
#define XEN_PCI_MMCFG_RESERVED          0x1

#define PHYSDEVOP_pci_mmcfg_reserved    24
struct physdev_pci_mmcfg_reserved {
    uint64_t address;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t flags;                     /* XEN_PCI_MMCFG_* */
};
typedef struct physdev_pci_mmcfg_reserved physdev_pci_mmcfg_reserved_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pci_mmcfg_reserved_t);

/* Flags for physdev_pci_device_add.flags. */
#define XEN_PCI_DEV_EXTFN               0x1
#define XEN_PCI_DEV_VIRTFN              0x2
#define XEN_PCI_DEV_PXM                 0x4     /* optarr[0] is a proximity domain */

#define PHYSDEVOP_pci_device_add        25
struct physdev_pci_device_add {
    uint16_t seg;                       /* in */
    uint8_t bus;                        /* in */
    uint8_t devfn;                      /* in */
    uint32_t flags;                     /* in: XEN_PCI_DEV_* */
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;                           /* in: parent PF for a VF */
    /* Trailing optional words, present according to flags. */
    uint32_t optarr[XEN_FLEX_ARRAY_DIM];
};
typedef struct physdev_pci_device_add physdev_pci_device_add_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pci_device_add_t);

/* These four take a struct physdev_pci_device. */
#define PHYSDEVOP_pci_device_remove     26
#define PHYSDEVOP_restore_msi_ext       27
/*
 * prepare_msix / release_msix bracket the time during which the MMIO
 * resources of an MSI-X capable device will not / may again be moved.
 */
#define PHYSDEVOP_prepare_msix          30
#define PHYSDEVOP_release_msix          31

struct physdev_pci_device {
    uint16_t seg;                       /* in */
    uint8_t bus;                        /* in */
    uint8_t devfn;                      /* in */
};
typedef struct physdev_pci_device physdev_pci_device_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pci_device_t);

/* ------------------------------------------------------------------
 * USB debug port hand-over around controller resets
 * ------------------------------------------------------------------ */

#define PHYSDEVOP_DBGP_RESET_PREPARE    1
#define PHYSDEVOP_DBGP_RESET_DONE       2

#define PHYSDEVOP_DBGP_BUS_UNKNOWN      0
#define PHYSDEVOP_DBGP_BUS_PCI          1

#define PHYSDEVOP_dbgp_op               29
struct physdev_dbgp_op {
    uint8_t op;                         /* in: PHYSDEVOP_DBGP_RESET_* */
    uint8_t bus;                        /* in: PHYSDEVOP_DBGP_BUS_* */
    union {
        physdev_pci_device_t pci;
    } u;
};
typedef struct physdev_dbgp_op physdev_dbgp_op_t;
DEFINE_XEN_GUEST_HANDLE(physdev_dbgp_op_t);

/* ------------------------------------------------------------------
 * Old multiplexed form (physdev_op_compat hypercall 19)
 * ------------------------------------------------------------------ */

struct physdev_op {
    uint32_t cmd;
    union {
        physdev_irq_status_query_t irq_status_query;
        physdev_set_iopl_t set_iopl;
        physdev_set_iobitmap_t set_iobitmap;
        physdev_apic_t apic_op;
        physdev_irq_t irq_op;
    } u;
};
typedef struct physdev_op physdev_op_t;
DEFINE_XEN_GUEST_HANDLE(physdev_op_t);

/* Names kept for guests built against pre-4.6 interface versions. */
#if __XEN_INTERFACE_VERSION__ < 0x00040600
#define PHYSDEVOP_IRQ_STATUS_QUERY      PHYSDEVOP_irq_status_query
#define PHYSDEVOP_SET_IOPL              PHYSDEVOP_set_iopl
#define PHYSDEVOP_SET_IOBITMAP          PHYSDEVOP_set_iobitmap
#define PHYSDEVOP_APIC_READ             PHYSDEVOP_apic_read
#define PHYSDEVOP_APIC_WRITE            PHYSDEVOP_apic_write
#define PHYSDEVOP_ASSIGN_VECTOR         PHYSDEVOP_alloc_irq_vector
#define PHYSDEVOP_FREE_VECTOR           PHYSDEVOP_free_irq_vector
#define PHYSDEVOP_IRQ_NEEDS_UNMASK_NOTIFY XENIRQSTAT_needs_eoi
#define PHYSDEVOP_IRQ_SHARED            XENIRQSTAT_shared
#endif

#if __XEN_INTERFACE_VERSION__ < 0x00040200
#define PHYSDEVOP_pirq_eoi_gmfn         PHYSDEVOP_pirq_eoi_gmfn_v1
#else
#define PHYSDEVOP_pirq_eoi_gmfn         PHYSDEVOP_pirq_eoi_gmfn_v2
#endif

#endif /* XEN_PUBLIC_PHYSDEV_H */
