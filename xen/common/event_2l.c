/*
 * The 2-level event channel ABI, every domain's ABI until it asks for FIFO.
 *
 * shared_info holds two bitmaps with a bit per port, evtchn_pending and
 * evtchn_mask; each vcpu_info has evtchn_pending_sel, a bit per word of
 * evtchn_pending that may have something for that vCPU, and
 * evtchn_upcall_pending.  Raising a port sets its pending bit; if that bit
 * was clear and the port is not masked, the vCPU's selector bit for the
 * word is set and, if that was clear too, the upcall flag and the upcall
 * itself.  The guest clears the upcall flag, takes the selector word,
 * then the pending bits of the words it names.  A word of xen_ulong_t is
 * 64 bits on both architectures, so 4096 ports.
 *
 * An x86 domain latched to the 32-bit layout (has_32bit_shinfo()) has
 * 32-bit words: 1024 ports, the mask bitmap right after 128 bytes of
 * pending bits and the selector at vcpu_info offset 4.  Its bits are
 * touched with 32-bit atomics, as a 32-bit guest does.
 */
#include <xen/event.h>
#include <xen/bitops.h>

BUILD_BUG_ON(sizeof(xen_ulong_t) != sizeof(unsigned long));
BUILD_BUG_ON(EVTCHN_2L_PORTS != 4096);

#define L2_32_WORD_BITS     32u
#define L2_32_PORTS         (L2_32_WORD_BITS * L2_32_WORD_BITS)
/* 32-bit shared_info: evtchn_pending where the native one is, 32 words. */
#define L2_32_MASK_OFFSET   (offsetof(struct shared_info, evtchn_pending) + L2_32_PORTS / 8)
#define L2_32_SEL_OFFSET    4u
#ifdef CONFIG_X86
BUILD_BUG_ON(offsetof(struct shared_info, evtchn_pending) != 2048);
BUILD_BUG_ON(L2_32_MASK_OFFSET != 2176);
#endif

/* One operation's view of the layout: the latch is read once. */
struct l2_view {
    bool c32;
    void *pending;
    void *mask;
};

static inline struct l2_view l2_view(const struct domain *d)
{
    struct l2_view w = { .c32 = has_32bit_shinfo(d), .pending = d->shared_info->evtchn_pending };

    w.mask = w.c32 ? (char *)d->shared_info + L2_32_MASK_OFFSET : (void *)d->shared_info->evtchn_mask;
    return w;
}

static inline unsigned int l2_ports(const struct l2_view *w)
{
    return w->c32 ? L2_32_PORTS : EVTCHN_2L_PORTS;
}

static inline uint32_t *word32(void *base, unsigned int nr)
{
    return (uint32_t *)base + nr / 32;
}

static bool l2_test_and_set(bool c32, unsigned int nr, void *base)
{
    uint32_t m = 1u << (nr % 32);

    if (!c32)
        return test_and_set_bit(nr, base);
    return __atomic_fetch_or(word32(base, nr), m, __ATOMIC_SEQ_CST) & m;
}

static bool l2_test_and_clear(bool c32, unsigned int nr, void *base)
{
    uint32_t m = 1u << (nr % 32);

    if (!c32)
        return test_and_clear_bit(nr, base);
    return __atomic_fetch_and(word32(base, nr), ~m, __ATOMIC_SEQ_CST) & m;
}

static void l2_clear(bool c32, unsigned int nr, void *base)
{
    if (!c32)
        clear_bit(nr, base);
    else
        __atomic_fetch_and(word32(base, nr), ~(1u << (nr % 32)), __ATOMIC_RELAXED);
}

static bool l2_test(bool c32, unsigned int nr, void *base)
{
    if (!c32)
        return test_bit(nr, base);
    return (__atomic_load_n(word32(base, nr), __ATOMIC_RELAXED) >> (nr % 32)) & 1;
}

/* Flag the port's word to v and, on the first flag, raise its upcall. */
static void select_word(struct vcpu *v, const struct l2_view *w, evtchn_port_t port)
{
    struct vcpu_info *vi = read_atomic(&v->vcpu_info);
    bool was;

    if (w->c32)
        was = l2_test_and_set(true, port / L2_32_WORD_BITS, (char *)vi + L2_32_SEL_OFFSET);
    else
        was = test_and_set_bit(port / EVTCHN_2L_WORD_BITS, (unsigned long *)&vi->evtchn_pending_sel);
    if (!was)
        vcpu_mark_events_pending(v);
}

static void l2_set_pending(struct domain *d, struct vcpu *v, struct evtchn *chn)
{
    struct l2_view w = l2_view(d);
    evtchn_port_t port = chn->port;

    /* Only FIFO (or the 64-bit layout before a latch) hands such ports out. */
    if (port >= l2_ports(&w))
        return;
    /* Each bit below is a fully ordered read-modify-write: the order is the protocol. */
    if (l2_test_and_set(w.c32, port, w.pending))
        return;
    if (v && !l2_test(w.c32, port, w.mask))
        select_word(v, &w, port);
    evtchn_check_pollers(d, port);
}

static void l2_clear_pending(struct domain *d, struct evtchn *chn)
{
    struct l2_view w = l2_view(d);

    if (chn->port < l2_ports(&w))
        l2_clear(w.c32, chn->port, w.pending);
}

/*
 * EVTCHNOP_unmask: clear the mask and, if that uncovered a pending port,
 * flag it as if it had just been raised.  A mask the guest cleared itself
 * raises nothing here (the guest looks at the pending bit itself).
 */
static void l2_unmask(struct domain *d, struct evtchn *chn)
{
    unsigned int id = read_atomic(&chn->notify_vcpu_id);
    struct vcpu *v = id < d->max_vcpus ? d->vcpu[id] : NULL;
    struct l2_view w = l2_view(d);
    evtchn_port_t port = chn->port;

    if (port >= l2_ports(&w))
        return;
    if (l2_test_and_clear(w.c32, port, w.mask) && l2_test(w.c32, port, w.pending) && v)
        select_word(v, &w, port);
}

static bool l2_is_pending(const struct domain *d, const struct evtchn *chn)
{
    struct l2_view w = l2_view(d);

    return chn->port < l2_ports(&w) && l2_test(w.c32, chn->port, w.pending);
}

static bool l2_is_masked(const struct domain *d, const struct evtchn *chn)
{
    struct l2_view w = l2_view(d);

    return chn->port >= l2_ports(&w) || l2_test(w.c32, chn->port, w.mask);
}

static unsigned int l2_max_ports(const struct domain *d)
{
    return has_32bit_shinfo(d) ? L2_32_PORTS : EVTCHN_2L_PORTS;
}

/* Only the pending bitmap and selectors of d's layout: its mask stays. */
void evtchn_2l_clear_all(struct domain *d)
{
    struct l2_view w = l2_view(d);
    struct vcpu *v;

    if (w.c32) {
        for (unsigned int i = 0; i < L2_32_PORTS / L2_32_WORD_BITS; i++)
            write_atomic((uint32_t *)w.pending + i, 0U);
    } else {
        for (unsigned int i = 0; i < ARRAY_SIZE(d->shared_info->evtchn_pending); i++)
            write_atomic(&d->shared_info->evtchn_pending[i], (xen_ulong_t)0);
    }
    for_each_vcpu(d, v) {
        struct vcpu_info *vi = read_atomic(&v->vcpu_info);

        if (w.c32)
            write_atomic((uint32_t *)((char *)vi + L2_32_SEL_OFFSET), 0U);
        else
            write_atomic(&vi->evtchn_pending_sel, (xen_ulong_t)0);
    }
}

const struct evtchn_port_ops evtchn_port_ops_2l = {
    .name = "2-level",
    .set_pending = l2_set_pending,
    .clear_pending = l2_clear_pending,
    .unmask = l2_unmask,
    .is_pending = l2_is_pending,
    .is_masked = l2_is_masked,
    .max_ports = l2_max_ports,
};
