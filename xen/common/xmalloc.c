/*
 * xmalloc: small objects from per-size-class pages, large ones as whole
 * page blocks.
 *
 * A small-object ("slab") page holds objects of one class only; its
 * page_info keeps the class, the count of objects handed out, how many
 * were ever carved (objects are carved lazily, front to back) and a list
 * of freed ones, linked through the objects themselves.  Pages with room
 * sit on their class's `partial` list; full pages are on no list; a page
 * whose last object is freed goes straight back to the heap.
 *
 * A freed object also carries a cookie derived from its address, so that
 * freeing it again is noticed (and confirmed against the free list before
 * we panic, so data that merely looks like a cookie is harmless).
 */
#include <xen/xmalloc.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/console.h>
#include <xen/lib.h>

#define NR_CLASSES  8                       /* 16 << 0 .. 16 << 7 */
BUILD_BUG_ON((XMALLOC_SLAB_MIN << (NR_CLASSES - 1)) != XMALLOC_SLAB_MAX);
BUILD_BUG_ON(XMALLOC_SLAB_MAX >= PAGE_SIZE);

struct free_obj {
    struct free_obj *next;
    uintptr_t cookie;
};
BUILD_BUG_ON(sizeof(struct free_obj) > XMALLOC_SLAB_MIN);

#define FREE_COOKIE(o) ((uintptr_t)(o) ^ (uintptr_t)0x6b1d3f0c95a7e248ULL)

static DEFINE_SPINLOCK(xmalloc_lock);
static struct list_node partial[NR_CLASSES];
static unsigned long held_pages;

void xmalloc_init(void)
{
    spin_lock_init(&xmalloc_lock);
    for (unsigned int i = 0; i < NR_CLASSES; i++)
        list_init(&partial[i]);
    held_pages = 0;
}

unsigned long xmalloc_pages(void)
{
    return read_atomic(&held_pages);
}

static size_t class_size(unsigned int cls)
{
    return (size_t)XMALLOC_SLAB_MIN << cls;
}

static unsigned int objs_per_page(unsigned int cls)
{
    return (unsigned int)(PAGE_SIZE / class_size(cls));
}

/* Smallest class holding `size` (<= XMALLOC_SLAB_MAX) bytes. */
static unsigned int class_of(size_t size)
{
    unsigned int cls = 0;

    while (class_size(cls) < size)
        cls++;
    return cls;
}

static void *slab_alloc(unsigned int cls)
{
    struct page_info *pg;
    struct free_obj *obj;
    unsigned long flags;

    spin_lock_irqsave(&xmalloc_lock, flags);
    pg = list_front_entry(&partial[cls], struct page_info, list);
    if (!pg) {
        mfn_t mfn = alloc_pages(0);

        if (mfn_eq(mfn, INVALID_MFN)) {
            spin_unlock_irqrestore(&xmalloc_lock, flags);
            return NULL;
        }
        pg = mfn_to_page(mfn);
        pg->flags |= PGC_XMALLOC_SLAB;
        pg->slab_free = NULL;
        pg->slab_used = 0;
        pg->slab_carved = 0;
        pg->slab_class = (uint8_t)cls;
        list_push_front(&partial[cls], &pg->list);
        held_pages++;
    }

    if (pg->slab_free) {
        obj = pg->slab_free;
        pg->slab_free = obj->next;
    } else {
        obj = (struct free_obj *)((char *)page_to_virt(pg) +
                                  pg->slab_carved * class_size(cls));
        pg->slab_carved++;
    }
    obj->next = NULL;
    obj->cookie = 0;
    if (++pg->slab_used == objs_per_page(cls))
        list_remove(&pg->list);             /* full */
    spin_unlock_irqrestore(&xmalloc_lock, flags);
    return obj;
}

static bool on_free_list(const struct page_info *pg, const struct free_obj *obj)
{
    for (const struct free_obj *f = pg->slab_free; f; f = f->next)
        if (f == obj)
            return true;
    return false;
}

enum slab_free_result { SLAB_BAD, SLAB_KEPT, SLAB_EMPTY };

/* Called with xmalloc_lock held; SLAB_EMPTY: the page goes back to the heap. */
static enum slab_free_result slab_free(struct page_info *pg, void *p)
{
    unsigned int cls = pg->slab_class;
    size_t off = (size_t)((char *)p - (char *)page_to_virt(pg));
    struct free_obj *obj = p;
    bool was_full;

    if (cls >= NR_CLASSES || off % class_size(cls) ||
        off / class_size(cls) >= pg->slab_carved)
        return SLAB_BAD;
    if (obj->cookie == FREE_COOKIE(obj) && on_free_list(pg, obj))
        return SLAB_BAD;

    was_full = pg->slab_used == objs_per_page(cls);
    obj->next = pg->slab_free;
    obj->cookie = FREE_COOKIE(obj);
    pg->slab_free = obj;
    pg->slab_used--;

    if (pg->slab_used == 0) {
        if (!was_full)
            list_remove(&pg->list);
        pg->flags &= ~PGC_XMALLOC_SLAB;
        held_pages--;
        return SLAB_EMPTY;
    }
    if (was_full)
        list_push_front(&partial[cls], &pg->list);
    return SLAB_KEPT;
}

void *_xmalloc(size_t size, size_t align)
{
    unsigned int order = 0;
    size_t need;
    mfn_t mfn;

    if (align == 0)
        align = 1;
    if (align & (align - 1))
        return NULL;
    if (size == 0)
        size = 1;
    need = size > align ? size : align;
    if (need <= XMALLOC_SLAB_MAX)
        return slab_alloc(class_of(need));

    /* Whole pages: a block of 2^order is aligned to its own size. */
    if (need > (PAGE_SIZE << MAX_ORDER))
        return NULL;
    while ((PAGE_SIZE << order) < need)
        order++;
    mfn = alloc_pages(order);
    if (mfn_eq(mfn, INVALID_MFN))
        return NULL;

    {
        struct page_info *pg = mfn_to_page(mfn);
        unsigned long flags;

        spin_lock_irqsave(&xmalloc_lock, flags);
        pg->flags |= PGC_XMALLOC_LARGE;
        pg->order = order;
        held_pages += 1UL << order;
        spin_unlock_irqrestore(&xmalloc_lock, flags);
    }
    return mfn_to_virt(mfn);
}

void *_xzalloc(size_t size, size_t align)
{
    void *p = _xmalloc(size, align);

    if (p)
        memset(p, 0, size);
    return p;
}

void *_xmalloc_array(size_t size, size_t align, size_t n)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return _xmalloc(size * n, align);
}

void *_xzalloc_array(size_t size, size_t align, size_t n)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return _xzalloc(size * n, align);
}

void xfree(void *p)
{
    struct page_info *pg, *give_back = NULL;
    unsigned int order = 0;
    unsigned long flags;
    bool bad = false;

    if (!p)
        return;
    pg = virt_to_page(p);
    if (!pg)
        panic("xfree(%p): not heap memory", p);

    spin_lock_irqsave(&xmalloc_lock, flags);
    if (page_state(pg) != PGC_STATE_INUSE) {
        bad = true;
    } else if (pg->flags & PGC_XMALLOC_SLAB) {
        enum slab_free_result r = slab_free(pg, p);

        bad = r == SLAB_BAD;
        give_back = r == SLAB_EMPTY ? pg : NULL;
    } else if ((pg->flags & PGC_XMALLOC_LARGE) &&
               !((uintptr_t)p & (PAGE_SIZE - 1)) && pg->order <= MAX_ORDER) {
        order = pg->order;
        pg->flags &= ~PGC_XMALLOC_LARGE;
        pg->order = PAGE_ORDER_NONE;
        held_pages -= 1UL << order;
        give_back = pg;
    } else {
        bad = true;
    }
    spin_unlock_irqrestore(&xmalloc_lock, flags);

    if (bad)
        panic("xfree(%p): not an allocated xmalloc object (double free?)", p);
    if (give_back)
        free_pages(page_to_mfn(give_back), order);
}
