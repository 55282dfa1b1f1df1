/*
 * arm64 stage 2 translation (guest physical -> machine), the parts only
 * the arch needs besides xen/p2m.h: per-CPU setup, loading a domain's
 * tables, and the fault-time lookup.
 *
 * Format: 4K granule, walks start at level 1 (the first level may be 2
 * concatenated pages for a 40-bit IPA), leaves are 4K pages (level 3),
 * 2 MiB blocks (level 2) or 1 GiB blocks (level 1).
 */
#ifndef ASM_ARM_P2M_H
#define ASM_ARM_P2M_H

#include <xen/types.h>
#include <xen/p2m.h>

struct domain;

/* Guest physical address bits we give every domain (at most). */
#define P2M_IPA_BITS_MAX    40

/* Boot CPU: choose VTCR_EL2 from the PA size; every CPU: program it. */
void p2m_boot_init(void);
void p2m_cpu_init(void);

/* Guest physical address bits of every domain (40, or less on small CPUs). */
unsigned int p2m_ipa_bits(void);

/* Load d's VTTBR_EL2 on this CPU (context switch). */
void p2m_load(struct domain *d);

/*
 * A stage 2 fault at @gpa: true if the p2m now maps it with the access
 * allowed (the fault raced with a change of the tables: retry the access).
 */
bool p2m_fault_is_stale(struct domain *d, paddr_t gpa, bool is_write, bool is_exec);

/* Table pages in use by d's p2m (tests, statistics). */
unsigned long p2m_table_pages(struct domain *d);

#endif /* ASM_ARM_P2M_H */
