/* SPDX-License-Identifier: MIT */
/*
 * io/console.h - the ring page shared between a guest's PV console and
 * its backend.
 *
 * Written for this project from the published Xen 4.17 ABI: the page
 * layout is fixed by that ABI, the text is our own.
 *
 * Two byte rings: "in" carries input to the guest, "out" its output.
 * Indexes run freely and are reduced with MASK_XENCONS_IDX; the producer
 * of a ring writes data before advancing prod, the consumer reads before
 * advancing cons, each side then notifying the other's event channel.
 */

#ifndef XEN_PUBLIC_IO_CONSOLE_H
#define XEN_PUBLIC_IO_CONSOLE_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];
    char out[2048];
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#endif /* XEN_PUBLIC_IO_CONSOLE_H */
