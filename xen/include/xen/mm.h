/*
 * The page allocator ("heap"): a binary buddy allocator over the RAM the
 * boot loader described, handing out naturally aligned blocks of 2^order
 * machine pages, order 0 .. MAX_ORDER.
 *
 * Every heap frame has a struct page_info (allocated from RAM at start of
 * day), found with mfn_to_page().  Pages are reached through the direct
 * map (arch_maddr_to_virt()).  Freeing something that is not an allocated
 * heap block is a hypervisor bug and panics; free_pages_checked() is the
 * variant for frame numbers that come from outside.
 */
#ifndef XEN_MM_H
#define XEN_MM_H

#include <xen/types.h>
#include <xen/list.h>
#include <xen/arch.h>

struct boot_info;

#define MAX_ORDER 18                    /* 1 GiB blocks with 4 KiB pages */

#ifndef INVALID_MFN
#define INVALID_MFN _mfn(~(uint64_t)0)
#endif

static inline bool mfn_eq(mfn_t a, mfn_t b)
{
    return mfn_x(a) == mfn_x(b);
}

static inline mfn_t mfn_add(mfn_t m, uint64_t n)
{
    return _mfn(mfn_x(m) + n);
}

static inline paddr_t mfn_to_maddr(mfn_t m)
{
    return (paddr_t)mfn_x(m) << PAGE_SHIFT;
}

static inline mfn_t maddr_to_mfn(paddr_t ma)
{
    return _mfn(ma >> PAGE_SHIFT);
}

static inline void *mfn_to_virt(mfn_t m)
{
    return arch_maddr_to_virt(mfn_to_maddr(m));
}

static inline mfn_t virt_to_mfn(const void *va)
{
    return maddr_to_mfn(arch_virt_to_maddr(va));
}

/* One per heap frame. */
struct page_info {
    /* Free list while free; the owner's (or xmalloc's) list while in use. */
    struct list_node list;
    union {
        struct {                    /* ordinary allocated pages */
            void *owner;            /* e.g. a struct domain; NULL = us */
            unsigned long count;    /* references while owned (get_page()) */
        };
        struct {                    /* xmalloc's small-object pages */
            void *slab_free;        /* first free object, NULL if none */
            uint16_t slab_used;     /* objects handed out */
            uint16_t slab_carved;   /* objects ever carved from the page */
            uint8_t slab_class;     /* size class index */
        };
    };
    uint32_t flags;                 /* PGC_* */
    uint32_t order;                 /* see PAGE_ORDER_NONE */
};

/* Heap state of the frame (the allocator owns these bits). */
#define PGC_STATE_MASK      0x3u
#define PGC_STATE_RESERVED  0x0u    /* not heap memory (holes, image, ...) */
#define PGC_STATE_FREE      0x1u    /* inside a free block */
#define PGC_STATE_INUSE     0x2u    /* handed out */
/* Bits for whoever allocated the page; cleared on allocation. */
#define PGC_XMALLOC_SLAB    (1u << 8)   /* xmalloc small-object page */
#define PGC_XMALLOC_LARGE   (1u << 9)   /* first page of an xmalloc block */
#define PGC_XEN_HEAP        (1u << 10)  /* hypervisor page shared with its owner */

/*
 * `order` of a page heading a free block is that block's order.  For a
 * page in use the allocator leaves it to the user (xmalloc keeps the
 * block order there); all others hold PAGE_ORDER_NONE.
 */
#define PAGE_ORDER_NONE     0xffffffffu

static inline unsigned int page_state(const struct page_info *pg)
{
    return pg->flags & PGC_STATE_MASK;
}

/*
 * Build the heap from the boot information (see the heap fields of struct
 * boot_info).  Resets any previous heap (host tests rebuild it).  Returns
 * the number of separate free ranges the heap started with.
 */
unsigned int heap_init(const struct boot_info *bi);

/* A naturally aligned block of 2^order frames, or INVALID_MFN. */
mfn_t alloc_pages(unsigned int order);

/* Give back a block from alloc_pages() (or an aligned part of one). */
void free_pages(mfn_t mfn, unsigned int order);

/*
 * As free_pages() but refuses (-EINVAL, nothing changed) anything other
 * than an aligned run of allocated heap frames, instead of panicking.
 */
int free_pages_checked(mfn_t mfn, unsigned int order);

/* The same, by direct-map address; NULL on failure. */
void *alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *va, unsigned int order);

static inline void *alloc_xenheap_page(void) { return alloc_xenheap_pages(0); }
static inline void free_xenheap_page(void *va) { free_xenheap_pages(va, 0); }

/*
 * References to owned pages.  A frame with an owner (a domain's memory,
 * or a hypervisor page shared with a domain such as a grant-table frame)
 * counts its users in `count`: the owner's allocation holds one, and
 * everything else that needs the frame to stay (a grant mapping, a copy in
 * progress, a foreign mapping) holds another.  The frame goes back to the
 * heap with the last reference, so an owner letting go of a page that is
 * still in use elsewhere does not free it under its users.  Pages without
 * an owner (the hypervisor's own) are not counted: get_page() refuses
 * them and leaves their `count` alone.
 */
struct domain;

/* Take a reference if pg is in use and owned by d; false (nothing taken) if not. */
bool get_page(struct page_info *pg, const struct domain *d);
/* Drop one; the last one frees the frame. */
void put_page(struct page_info *pg);

/*
 * The owner lets go of 2^order frames it allocated (each holding its
 * allocation reference): the owner is cleared at once, frames nobody else
 * holds go back to the heap now, the others with their last put_page().
 */
void put_pages_alloc_ref(mfn_t mfn, unsigned int order);

/*
 * Make a page from alloc_xenheap_page() owned by d for get_page() (d may
 * map it), holding its allocation reference, without putting it on d's
 * page_list or in tot_pages (PGC_XEN_HEAP).  put_pages_alloc_ref(mfn, 0)
 * ends the sharing.
 */
void share_xen_page_with_guest(struct page_info *pg, struct domain *d);

/*
 * Hand frames in [start, end) that the heap kept out at boot (say a boot
 * module once consumed) to the allocator.  Frames outside the heap's RAM,
 * or already heap-managed, are skipped.  Returns the number of frames added.
 */
unsigned long heap_release_range(paddr_t start, paddr_t end);

unsigned long total_free_pages(void);
/* One past the highest RAM frame the heap covers (XENMEM_maximum_ram_page). */
unsigned long heap_max_page(void);
/* Frames the heap manages (free or in use). */
unsigned long total_heap_pages(void);
/* Free blocks of exactly `order` (statistics, tests). */
unsigned long heap_free_blocks(unsigned int order);

/* The frame's page_info, or NULL if the heap does not cover it. */
struct page_info *mfn_to_page(mfn_t mfn);
mfn_t page_to_mfn(const struct page_info *pg);

/* True if the heap has a page_info for the frame (in any state). */
static inline bool mfn_valid(mfn_t mfn)
{
    return mfn_to_page(mfn) != NULL;
}

static inline struct page_info *virt_to_page(const void *va)
{
    return mfn_to_page(virt_to_mfn(va));
}

static inline void *page_to_virt(const struct page_info *pg)
{
    return mfn_to_virt(page_to_mfn(pg));
}

#endif /* XEN_MM_H */
