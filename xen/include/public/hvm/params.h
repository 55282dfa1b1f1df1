/* SPDX-License-Identifier: MIT */
/*
 * hvm/params.h - indexes of the per-domain HVM parameters read and
 * written with HVMOP_get_param / HVMOP_set_param.
 *
 * Written for this project from the published Xen 4.17 ABI: parameter
 * numbers and value encodings are fixed by that ABI, the text is our own.
 */

#ifndef XEN_PUBLIC_HVM_PARAMS_H
#define XEN_PUBLIC_HVM_PARAMS_H

#include "hvm_op.h"

#if defined(__XEN__) || defined(__XEN_TOOLS__)
/* Retired parameters: the numbers stay reserved, they do nothing. */
#define HVM_PARAM_PAE_ENABLED                4
#define HVM_PARAM_DM_DOMAIN                 13
#define HVM_PARAM_MEMORY_EVENT_CR0          20
#define HVM_PARAM_MEMORY_EVENT_CR3          21
#define HVM_PARAM_MEMORY_EVENT_CR4          22
#define HVM_PARAM_MEMORY_EVENT_INT3         23
#define HVM_PARAM_NESTEDHVM                 24
#define HVM_PARAM_MEMORY_EVENT_SINGLE_STEP  25
#define HVM_PARAM_BUFIOREQ_EVTCHN           26
#define HVM_PARAM_MEMORY_EVENT_MSR          30
#endif

/*
 * How event upcalls for vCPU 0 (and, without a per-vCPU vector, all
 * vCPUs) are delivered.  0 = not at all; otherwise bits 63-56 give the
 * method and the low bits its argument.
 */
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_CALLBACK_IRQ_TYPE_MASK xen_mk_ullong(0xFF00000000000000)

/* Bits 55-0: a GSI (not 0). */
#define HVM_PARAM_CALLBACK_TYPE_GSI      0
/* Bits 47-32 PCI segment, 31-16 bus, 15-8 devfn, 1-0 INTx pin. */
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX 1

#if defined(__i386__) || defined(__x86_64__)
/* Bits 7-0: an interrupt vector (see XENFEAT_hvm_callback_vector). */
#define HVM_PARAM_CALLBACK_TYPE_VECTOR   2
#elif defined(__arm__) || defined(__aarch64__)
/*
 * Bits 7-0: a PPI; bits 15-8 its trigger flags (bit 8 edge, bit 9 active
 * low); bits 55-16 zero.  The interrupt controller does mask and EOI.
 */
#define HVM_PARAM_CALLBACK_TYPE_PPI      2
#define HVM_PARAM_CALLBACK_TYPE_PPI_FLAG_MASK      0xFF00
#define HVM_PARAM_CALLBACK_TYPE_PPI_FLAG_LOW_LEVEL 2
#endif

/* Xenstore ring frame and event channel (set by the toolstack). */
#define HVM_PARAM_STORE_PFN    1
#define HVM_PARAM_STORE_EVTCHN 2

/* Synchronous and buffered ioreq pages of the default ioreq server. */
#define HVM_PARAM_IOREQ_PFN    5
#define HVM_PARAM_BUFIOREQ_PFN 6

#if defined(__i386__) || defined(__x86_64__)

/* Viridian (Hyper-V) enlightenments offered: bitmask of HVMPV_*. */
#define HVM_PARAM_VIRIDIAN     9

#define _HVMPV_base_freq 0              /* base set and frequency MSRs */
#define HVMPV_base_freq  (1 << _HVMPV_base_freq)
#define _HVMPV_no_freq 1                /* base set without frequency MSRs */
#define HVMPV_no_freq  (1 << _HVMPV_no_freq)
#define _HVMPV_time_ref_count 2
#define HVMPV_time_ref_count  (1 << _HVMPV_time_ref_count)
#define _HVMPV_reference_tsc 3
#define HVMPV_reference_tsc  (1 << _HVMPV_reference_tsc)
#define _HVMPV_hcall_remote_tlb_flush 4
#define HVMPV_hcall_remote_tlb_flush (1 << _HVMPV_hcall_remote_tlb_flush)
#define _HVMPV_apic_assist 5
#define HVMPV_apic_assist (1 << _HVMPV_apic_assist)
#define _HVMPV_crash_ctl 6
#define HVMPV_crash_ctl (1 << _HVMPV_crash_ctl)
#define _HVMPV_synic 7
#define HVMPV_synic (1 << _HVMPV_synic)
#define _HVMPV_stimer 8
#define HVMPV_stimer (1 << _HVMPV_stimer)
#define _HVMPV_hcall_ipi 9
#define HVMPV_hcall_ipi (1 << _HVMPV_hcall_ipi)
#define _HVMPV_ex_processor_masks 10
#define HVMPV_ex_processor_masks (1 << _HVMPV_ex_processor_masks)
#define _HVMPV_no_vp_limit 11
#define HVMPV_no_vp_limit (1 << _HVMPV_no_vp_limit)
#define _HVMPV_cpu_hotplug 12
#define HVMPV_cpu_hotplug (1 << _HVMPV_cpu_hotplug)

#define HVMPV_feature_mask \
        (HVMPV_base_freq | \
         HVMPV_no_freq | \
         HVMPV_time_ref_count | \
         HVMPV_reference_tsc | \
         HVMPV_hcall_remote_tlb_flush | \
         HVMPV_apic_assist | \
         HVMPV_crash_ctl | \
         HVMPV_synic | \
         HVMPV_stimer | \
         HVMPV_hcall_ipi | \
         HVMPV_ex_processor_masks | \
         HVMPV_no_vp_limit | \
         HVMPV_cpu_hotplug)

#endif /* x86 */

/* How virtual timers make up for ticks missed while descheduled. */
#define HVM_PARAM_TIMER_MODE   10
#define HVMPTM_delay_for_missed_ticks    0  /* deliver late, time drifts */
#define HVMPTM_no_delay_for_missed_ticks 1  /* deliver all, catch up */
#define HVMPTM_no_missed_ticks_pending   2  /* drop missed ticks */
#define HVMPTM_one_missed_tick_pending   3  /* deliver one for all missed */

/* Emulate an HPET. */
#define HVM_PARAM_HPET_ENABLED 11

/* Identity-map page table for real mode without unrestricted guest. */
#define HVM_PARAM_IDENT_PT     12

/* ACPI sleep state the guest is in. */
#define HVM_PARAM_ACPI_S_STATE 14

/* TSS for emulated virtual-8086 mode (address). */
#define HVM_PARAM_VM86_TSS     15

/* Align virtual timers of all vCPUs to reduce wakeups. */
#define HVM_PARAM_VPT_ALIGN    16

/* PV console ring frame and event channel. */
#define HVM_PARAM_CONSOLE_PFN    17
#define HVM_PARAM_CONSOLE_EVTCHN 18

/* Which ACPI PM1a/timer I/O port block the firmware uses (0 or 1). */
#define HVM_PARAM_ACPI_IOPORTS_LOCATION 19

/* vm_event ring frames. */
#define HVM_PARAM_PAGING_RING_PFN   27
#define HVM_PARAM_MONITOR_RING_PFN  28
#define HVM_PARAM_SHARING_RING_PFN  29

/* SHUTDOWN_* reason used when the guest triple faults. */
#define HVM_PARAM_TRIPLE_FAULT_REASON 31

/* Frames reserved for ioreq servers: first frame and count. */
#define HVM_PARAM_IOREQ_SERVER_PFN 32
#define HVM_PARAM_NR_IOREQ_SERVER_PAGES 33

/* Address of the VM generation id (ACPI VMGENID). */
#define HVM_PARAM_VM_GENERATION_ID_ADDR 34

/* Alternate p2m mode. */
#define HVM_PARAM_ALTP2M       35
#define XEN_ALTP2M_disabled      0
#define XEN_ALTP2M_mixed         1      /* guest and external agent */
#define XEN_ALTP2M_external      2      /* external agent only */
#define XEN_ALTP2M_limited       3      /* guest may only switch views */

/* Size of the FPU instruction pointer (FIP/FDP) save: 0 auto, 4, 8. */
#define HVM_PARAM_X87_FIP_WIDTH 36

/* As HVM_PARAM_VM86_TSS, with the size in the upper 32 bits. */
#define HVM_PARAM_VM86_TSS_SIZED 37

/* Machine check capabilities offered (XEN_HVM_MCA_CAP_*). */
#define HVM_PARAM_MCA_CAP 38
#define XEN_HVM_MCA_CAP_LMCE   (xen_mk_ullong(1) << 0)
#define XEN_HVM_MCA_CAP_MASK   XEN_HVM_MCA_CAP_LMCE

#define HVM_NR_PARAMS 39

#endif /* XEN_PUBLIC_HVM_PARAMS_H */
