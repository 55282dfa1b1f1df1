/*
 * The FIFO event channel ABI (EVTCHNOP_init_control and friends).
 *
 * Each port has a 32-bit event word in guest memory (pages the guest
 * hands over with EVTCHNOP_expand_array): PENDING, MASKED, LINKED, BUSY
 * and a 17-bit LINK to the next port of its queue.  Each vCPU has 16
 * queues, one per priority (0 is served first), whose heads are in the
 * vCPU's control block (EVTCHNOP_init_control), together with a READY
 * word with one bit per non-empty queue.
 *
 * Raising a port sets PENDING; if it is not MASKED and not already
 * LINKED it is appended to the tail of the queue of its notified vCPU and
 * priority: the old tail's LINK field is made to point at it, or, if the
 * guest has consumed the old tail meanwhile (LINKED clear), the queue was
 * empty and the head is written instead, the READY bit set and the upcall
 * raised.  The guest consumes from the head: it clears LINKED (and LINK)
 * of each word it takes and handles it if PENDING and not MASKED.
 *
 * Who may change a word: the hypervisor sets PENDING, LINKED, LINK and
 * BUSY; the guest clears PENDING, LINKED, LINK, and sets or clears MASKED
 * (but does not clear MASKED while BUSY).  Updating a tail's LINK races
 * with the guest, so it is a compare-and-swap that gives up on a word the
 * guest unlinked; if the guest keeps changing the word, BUSY is set to
 * hold off its unmasking, after which only a hostile guest can make the
 * update fail.
 *
 * Locking: raising a port is serialised per port (chn->fifo_linking, a
 * byte lock taken with IRQs masked), which makes the port's "last queue"
 * (chn->fifo_lastq, written only there) stable.  Then the lock of the
 * target queue and of the queue the port was last linked on (they differ
 * after the port changed vCPU or priority) are taken, in address order,
 * because only the queue the port was on knows whether the port is its
 * tail.  Unlike Xen, which retries a few times and then drops the event,
 * nothing here can lose a raise to a port moving between queues.
 */
#include <xen/event.h>
#include <xen/bitops.h>
#include <xen/bug.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/xmalloc.h>

#define W_PENDING   (1u << EVTCHN_FIFO_PENDING)
#define W_MASKED    (1u << EVTCHN_FIFO_MASKED)
#define W_LINKED    (1u << EVTCHN_FIFO_LINKED)
#define W_BUSY      (1u << EVTCHN_FIFO_BUSY)
#define W_LINK      ((uint32_t)EVTCHN_FIFO_LINK_MASK)

/* Tries at updating a tail's link once BUSY is set. */
#define LINK_TRIES  4

unsigned long evtchn_fifo_dropped;

BUILD_BUG_ON(sizeof(struct evtchn_fifo_control_block) != 72);
BUILD_BUG_ON(EVTCHN_FIFO_MAX_PAGES != 128);

/* ------------------------------------------------------------ guest words */

/* 32-bit atomics on guest memory (the bitops work on whole longs). */
static inline bool word_test(const event_word_t *w, uint32_t bit)
{
    return __atomic_load_n(w, __ATOMIC_RELAXED) & bit;
}

static inline bool word_test_and_set(event_word_t *w, uint32_t bit)
{
    return __atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST) & bit;
}

static inline void word_set(event_word_t *w, uint32_t bit)
{
    __atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST);
}

static inline void word_clear(event_word_t *w, uint32_t bit)
{
    __atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST);
}

/* The event word of port, or NULL while the guest has not provided it. */
static event_word_t *word_of(const struct domain *d, evtchn_port_t port)
{
    const struct evtchn_fifo_domain *f = load_acquire(&d->evtchn_fifo);

    /* Acquire: a page is in array[] before nr_words covers it. */
    if (!f || port >= load_acquire(&f->nr_words))
        return NULL;
    return f->array[port / EVTCHN_FIFO_WORDS_PER_PAGE] + port % EVTCHN_FIFO_WORDS_PER_PAGE;
}

/*
 * Point the word at `link` if it is still LINKED.  Returns 1 when done,
 * 0 when the guest has unlinked it (the queue it ended is empty now),
 * -EAGAIN when the word changed under us (*w then holds its new value).
 */
static int link_tail_once(event_word_t *word, event_word_t *w, uint32_t link)
{
    event_word_t new;

    if (!(*w & W_LINKED))
        return 0;
    new = (*w & ~(W_BUSY | W_LINK)) | link;
    if (__atomic_compare_exchange_n(word, w, new, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        return 1;
    return -EAGAIN;
}

/* True if the tail word now links to `link`, false if that queue had emptied. */
static bool link_tail(struct domain *d, event_word_t *word, uint32_t link)
{
    event_word_t w = __atomic_load_n(word, __ATOMIC_RELAXED);
    int rc = link_tail_once(word, &w, link);

    if (rc >= 0)
        return rc;

    /* Keep the guest from unmasking it while we retry (it honours BUSY). */
    word_set(word, W_BUSY);
    w = __atomic_load_n(word, __ATOMIC_RELAXED);
    for (unsigned int i = 0; i < LINK_TRIES; i++) {
        rc = link_tail_once(word, &w, link);
        if (rc >= 0) {
            if (rc == 0)
                word_clear(word, W_BUSY);
            return rc;
        }
    }
    /* Only a guest rewriting the word all the time gets here: its loss. */
    word_clear(word, W_BUSY);
    __atomic_fetch_add(&evtchn_fifo_dropped, 1, __ATOMIC_RELAXED);
    printk("d%u: FIFO event %u not linked (its queue's tail keeps changing)\n",
           d->domain_id, link);
    return true;
}

/* ------------------------------------------------------------ port ops */

static void fifo_init(struct domain *d, struct evtchn *chn)
{
    (void)d;
    write_atomic(&chn->priority, (uint8_t)EVTCHN_FIFO_PRIORITY_DEFAULT);
    write_atomic(&chn->pending, false);
}

static struct evtchn_fifo_queue *queue_of(struct domain *d, uint32_t lastq)
{
    unsigned int id = EVTCHN_LASTQ_VCPU(lastq);
    struct vcpu *v = id < d->max_vcpus ? read_atomic(&d->vcpu[id]) : NULL;

    if (!v || !v->evtchn_fifo)
        return NULL;
    return &v->evtchn_fifo->queue[EVTCHN_LASTQ_PRIO(lastq) & (EVTCHN_FIFO_MAX_QUEUES - 1)];
}

/* One raise of chn at a time; IRQs masked meanwhile (VIRQs come from IRQ context). */
static unsigned long linking_lock(struct evtchn *chn)
{
    unsigned long flags = arch_irq_save();

    while (__atomic_exchange_n(&chn->fifo_linking, 1, __ATOMIC_ACQUIRE))
        arch_cpu_relax();
    return flags;
}

static void linking_unlock(struct evtchn *chn, unsigned long flags)
{
    __atomic_store_n(&chn->fifo_linking, 0, __ATOMIC_RELEASE);
    arch_irq_restore(flags);
}

/* Lock two queues (or one) in address order; IRQs masked. */
static unsigned long lock_queues(struct evtchn_fifo_queue *a, struct evtchn_fifo_queue *b)
{
    unsigned long flags;

    if (a == b) {
        spin_lock_irqsave(&a->lock, flags);
    } else if ((uintptr_t)a < (uintptr_t)b) {
        spin_lock_irqsave(&a->lock, flags);
        spin_lock(&b->lock);
    } else {
        spin_lock_irqsave(&b->lock, flags);
        spin_lock(&a->lock);
    }
    return flags;
}

static void unlock_queues(struct evtchn_fifo_queue *a, struct evtchn_fifo_queue *b,
                          unsigned long flags)
{
    if (a != b)
        spin_unlock(&b->lock);
    spin_unlock_irqrestore(&a->lock, flags);
}

static void fifo_set_pending(struct domain *d, struct vcpu *v, struct evtchn *chn)
{
    evtchn_port_t port = chn->port;
    struct evtchn_fifo_queue *q, *old_q = NULL;
    struct evtchn_fifo_control_block *cb;
    event_word_t *word = word_of(d, port);
    unsigned long flags, lflags;
    unsigned int prio;
    bool was_pending, linked = true;

    if (!word) {
        /*
         * No event word yet: remember it for when its page arrives.  A page
         * published while we decided this is checked again here, and
         * EVTCHNOP_expand_array looks at the flag after publishing: one of
         * the two sees the other.
         */
        write_atomic(&chn->pending, true);
        smp_mb();
        word = word_of(d, port);
        if (!word)
            return;
        __atomic_store_n(&chn->pending, false, __ATOMIC_RELAXED);
    }

    if (!v) {
        /* Nobody to queue it for: pending only; an unmask links it later. */
        if (!word_test_and_set(word, W_PENDING))
            evtchn_check_pollers(d, port);
        return;
    }

    prio = read_atomic(&chn->priority) & (EVTCHN_FIFO_MAX_QUEUES - 1);
    q = &v->evtchn_fifo->queue[prio];
    lflags = linking_lock(chn);
    old_q = queue_of(d, chn->fifo_lastq);
    if (!old_q)
        old_q = q;
    flags = lock_queues(q, old_q);

    /* No control block on that vCPU: the guest cannot have unmasked anything for it. */
    cb = load_acquire(&v->evtchn_fifo->control_block);
    if (!cb) {
        unlock_queues(q, old_q, flags);
        linking_unlock(chn, lflags);
        return;
    }

    was_pending = word_test_and_set(word, W_PENDING);

    if (!word_test(word, W_MASKED) && !word_test_and_set(word, W_LINKED)) {
        /*
         * If the port ended the queue it was last on, the guest has
         * consumed it (it was not LINKED): that queue is empty, and must
         * not link anything to it any more.
         */
        if (old_q->tail == port)
            old_q->tail = 0;

        if (old_q != q) {
            write_atomic(&chn->fifo_lastq, EVTCHN_LASTQ(v->vcpu_id, prio));
            spin_unlock(&old_q->lock);
            old_q = q;
        }

        linked = false;
        if (q->tail) {
            event_word_t *tail = word_of(d, q->tail);

            linked = tail && link_tail(d, tail, port);
        }
        if (!linked)
            write_atomic(q->head, port);
        q->tail = port;
    }

    unlock_queues(q, old_q, flags);
    linking_unlock(chn, lflags);

    /* A queue that was empty: it is ready now (head written first). */
    if (!linked &&
        !(__atomic_fetch_or(&cb->ready, 1u << prio,
                            __ATOMIC_SEQ_CST) & (1u << prio)))
        vcpu_mark_events_pending(v);

    if (!was_pending)
        evtchn_check_pollers(d, port);
}

static void fifo_clear_pending(struct domain *d, struct evtchn *chn)
{
    event_word_t *word = word_of(d, chn->port);

    /* The guest unlinks it (and ignores it, not pending) when it gets there. */
    write_atomic(&chn->pending, false);
    if (word)
        word_clear(word, W_PENDING);
}

static void fifo_unmask(struct domain *d, struct evtchn *chn)
{
    unsigned int id = read_atomic(&chn->notify_vcpu_id);
    struct vcpu *v = id < d->max_vcpus ? d->vcpu[id] : NULL;
    event_word_t *word = word_of(d, chn->port);

    if (!word)
        return;
    word_clear(word, W_MASKED);
    if (word_test(word, W_PENDING))
        fifo_set_pending(d, v, chn);
}

static bool fifo_is_pending(const struct domain *d, const struct evtchn *chn)
{
    const event_word_t *word = word_of(d, chn->port);

    return word && word_test(word, W_PENDING);
}

static bool fifo_is_masked(const struct domain *d, const struct evtchn *chn)
{
    const event_word_t *word = word_of(d, chn->port);

    return !word || word_test(word, W_MASKED);
}

static bool fifo_is_busy(const struct domain *d, const struct evtchn *chn)
{
    const event_word_t *word = word_of(d, chn->port);

    return word && word_test(word, W_LINKED);
}

static int fifo_set_priority(struct domain *d, struct evtchn *chn, unsigned int priority)
{
    (void)d;
    if (priority > EVTCHN_FIFO_PRIORITY_MIN)
        return -EINVAL;
    /* From the next linking on: a port already queued stays where it is. */
    write_atomic(&chn->priority, (uint8_t)priority);
    return 0;
}

static unsigned int fifo_max_ports(const struct domain *d)
{
    (void)d;
    return EVTCHN_MAX_PORTS;
}

const struct evtchn_port_ops evtchn_port_ops_fifo = {
    .name = "FIFO",
    .init = fifo_init,
    .set_pending = fifo_set_pending,
    .clear_pending = fifo_clear_pending,
    .unmask = fifo_unmask,
    .is_pending = fifo_is_pending,
    .is_masked = fifo_is_masked,
    .is_busy = fifo_is_busy,
    .set_priority = fifo_set_priority,
    .max_ports = fifo_max_ports,
};

/* ------------------------------------------------------------ guest pages */

/*
 * A frame of d's RAM, reached through the direct map, with a page
 * reference: the guest may give the frame back (decrease_reservation)
 * while we still write events into it, and the page must not be reused
 * before we let go (put_frame()).
 */
static void *map_guest_frame(struct domain *d, uint64_t gfn, mfn_t *mfn)
{
    p2m_type_t t;

    *mfn = p2m_lookup(d, _gfn(gfn), &t);
    if (t != p2m_ram_rw || mfn_eq(*mfn, INVALID_MFN) || !get_page(mfn_to_page(*mfn), d))
        return NULL;
    return mfn_to_virt(*mfn);
}

static void put_frame(mfn_t mfn)
{
    if (!mfn_eq(mfn, INVALID_MFN))
        put_page(mfn_to_page(mfn));
}

/* ------------------------------------------------------------ per vCPU */

int evtchn_fifo_vcpu_init(struct vcpu *v)
{
    struct evtchn_fifo_vcpu *fv = xzalloc(struct evtchn_fifo_vcpu);

    if (!fv)
        return -ENOMEM;
    fv->control_mfn = INVALID_MFN;
    for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++) {
        spin_lock_init(&fv->queue[i].lock);
        fv->queue[i].priority = (uint8_t)i;
    }
    v->evtchn_fifo = fv;
    return 0;
}

void evtchn_fifo_vcpu_destroy(struct vcpu *v)
{
    xfree(v->evtchn_fifo);
    v->evtchn_fifo = NULL;
}

/* Forget v's control block and queues (back to 2-level, or v has none). */
static void fifo_vcpu_reset(struct vcpu *v)
{
    struct evtchn_fifo_vcpu *fv = v->evtchn_fifo;
    unsigned long flags;

    if (!fv)
        return;
    for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++) {
        spin_lock_irqsave(&fv->queue[i].lock, flags);
        fv->queue[i].head = NULL;
        fv->queue[i].tail = 0;
        spin_unlock_irqrestore(&fv->queue[i].lock, flags);
    }
    write_atomic(&fv->control_block, NULL);
    put_frame(fv->control_mfn);
    fv->control_mfn = INVALID_MFN;
}

static int attach_control_block(struct domain *d, struct vcpu *v, uint64_t gfn, uint32_t offset)
{
    struct evtchn_fifo_vcpu *fv = v->evtchn_fifo;
    struct evtchn_fifo_control_block *cb;
    unsigned long flags;
    mfn_t mfn;
    char *page;

    if (fv->control_block)
        return -EINVAL;
    page = map_guest_frame(d, gfn, &mfn);
    if (!page)
        return -EINVAL;
    cb = (struct evtchn_fifo_control_block *)(page + offset);

    for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++) {
        spin_lock_irqsave(&fv->queue[i].lock, flags);
        fv->queue[i].head = &cb->head[i];
        fv->queue[i].tail = 0;
        spin_unlock_irqrestore(&fv->queue[i].lock, flags);
    }
    fv->control_mfn = mfn;
    /* Heads set before anyone can see the block (set_pending checks it). */
    store_release(&fv->control_block, cb);
    return 0;
}

/* ------------------------------------------------------------ switching on */

/*
 * Ports bound before the switch: their 2-level pending state carries over
 * (raised once their event word exists) and they get the default priority.
 */
static void carry_over_ports(struct domain *d, unsigned int prev_ports)
{
    const xen_ulong_t *pending = d->shared_info->evtchn_pending;

    for (evtchn_port_t port = 1; port < prev_ports && port_is_valid(d, port); port++) {
        struct evtchn *chn = evtchn_from_port(d, port);

        write_atomic(&chn->priority, (uint8_t)EVTCHN_FIFO_PRIORITY_DEFAULT);
        if (evtchn_usable(chn) &&
            test_bit(port, (const unsigned long *)pending))
            write_atomic(&chn->pending, true);
    }
}

int evtchn_fifo_init_control(struct domain *d, struct vcpu *v, uint64_t gfn, uint32_t offset)
{
    struct evtchn_fifo_domain *f;
    unsigned int prev_ports;
    int rc;

    if (d->evtchn_fifo)
        return attach_control_block(d, v, gfn, offset);

    /* The first control block switches the domain to FIFO. */
    f = xzalloc(struct evtchn_fifo_domain);
    if (!f)
        return -ENOMEM;
    for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_PAGES; i++)
        f->array_mfn[i] = INVALID_MFN;
    rc = attach_control_block(d, v, gfn, offset);
    if (rc) {
        xfree(f);
        return rc;
    }

    prev_ports = d->evtchn_port_ops->max_ports(d);
    store_release(&d->evtchn_fifo, f);
    store_release(&d->evtchn_port_ops, &evtchn_port_ops_fifo);
    /*
     * A sender that used the 2-level ops re-checks the ops after setting
     * its bit (event_channel.c): with this barrier, either it sees FIFO or
     * we see its bit.
     */
    smp_mb();
    carry_over_ports(d, prev_ports);
    return 0;
}

int evtchn_fifo_expand_array(struct domain *d, uint64_t gfn)
{
    struct evtchn_fifo_domain *f = d->evtchn_fifo;
    unsigned int slot = f->nr_words / EVTCHN_FIFO_WORDS_PER_PAGE;
    unsigned int first = f->nr_words, end;
    event_word_t *page;
    mfn_t mfn;

    if (slot >= EVTCHN_FIFO_MAX_PAGES)
        return -ENOSPC;
    page = map_guest_frame(d, gfn, &mfn);
    if (!page)
        return -EINVAL;

    f->array[slot] = page;
    f->array_mfn[slot] = mfn;
    end = first + EVTCHN_FIFO_WORDS_PER_PAGE;
    store_release(&f->nr_words, end);
    smp_mb();       /* pairs with fifo_set_pending()'s second look */

    /* Events raised while these ports had no word. */
    for (evtchn_port_t port = first; port < end && port_is_valid(d, port); port++) {
        struct evtchn *chn = evtchn_from_port(d, port);
        unsigned int id;

        if (!evtchn_usable(chn) || !__atomic_exchange_n(&chn->pending, false, __ATOMIC_SEQ_CST))
            continue;
        id = read_atomic(&chn->notify_vcpu_id);
        fifo_set_pending(d, id < d->max_vcpus ? d->vcpu[id] : NULL, chn);
    }
    return 0;
}

void evtchn_fifo_destroy(struct domain *d)
{
    struct evtchn_fifo_domain *f = d->evtchn_fifo;
    struct vcpu *v;

    for_each_vcpu(d, v)
        fifo_vcpu_reset(v);
    if (!f)
        return;
    write_atomic(&d->evtchn_fifo, NULL);
    for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_PAGES; i++)
        put_frame(f->array_mfn[i]);
    xfree(f);
}
