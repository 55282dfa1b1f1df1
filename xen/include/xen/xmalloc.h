/*
 * The hypervisor's general-purpose memory allocator.
 *
 * Requests up to XMALLOC_SLAB_MAX bytes come from pages split into
 * objects of one power-of-two size class (16 .. 2048 bytes); an object is
 * aligned to its class size.  Larger requests get whole, naturally aligned
 * blocks of pages from the heap.  Memory is not zeroed unless asked
 * (xzalloc*).  xfree() of anything xmalloc did not hand out panics.
 */
#ifndef XEN_XMALLOC_H
#define XEN_XMALLOC_H

#include <xen/types.h>

#define XMALLOC_SLAB_MIN    16
#define XMALLOC_SLAB_MAX    2048

/* Reset the allocator (start of day, after heap_init(); host tests). */
void xmalloc_init(void);

/*
 * `size` bytes aligned to `align` (a power of two, 0 = natural), or NULL.
 * A size of 0 gets a minimal object.
 */
void *_xmalloc(size_t size, size_t align);
void *_xzalloc(size_t size, size_t align);
/* n objects of `size` bytes; NULL when n * size overflows. */
void *_xmalloc_array(size_t size, size_t align, size_t n);
void *_xzalloc_array(size_t size, size_t align, size_t n);
void xfree(void *p);

#define xmalloc(type)  ((type *)_xmalloc(sizeof(type), __alignof__(type)))
#define xzalloc(type)  ((type *)_xzalloc(sizeof(type), __alignof__(type)))
#define xmalloc_array(type, n) \
    ((type *)_xmalloc_array(sizeof(type), __alignof__(type), n))
#define xzalloc_array(type, n) \
    ((type *)_xzalloc_array(sizeof(type), __alignof__(type), n))
#define xmalloc_bytes(size) _xmalloc(size, 0)
#define xzalloc_bytes(size) _xzalloc(size, 0)

/* Pages xmalloc holds from the heap (statistics, tests). */
unsigned long xmalloc_pages(void);

#endif /* XEN_XMALLOC_H */
