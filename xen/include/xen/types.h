/* Basic fixed-width types and address types for hypervisor code. */
#ifndef XEN_TYPES_H
#define XEN_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint64_t paddr_t;   /* machine (host) physical address */
typedef uintptr_t vaddr_t;  /* hypervisor virtual address */

#define PRIpaddr "016llx"

/*
 * Frame numbers are wrapped in single-member structs so that a guest frame
 * can never be passed where a machine frame is expected (and vice versa).
 */
typedef struct { uint64_t mfn; } mfn_t;   /* machine frame number */
typedef struct { uint64_t gfn; } gfn_t;   /* guest frame number */

#define _mfn(x) ((mfn_t){ (x) })
#define _gfn(x) ((gfn_t){ (x) })
static inline uint64_t mfn_x(mfn_t m) { return m.mfn; }
static inline uint64_t gfn_x(gfn_t g) { return g.gfn; }

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

#endif /* XEN_TYPES_H */
