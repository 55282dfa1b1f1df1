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
 */
#include <xen/event.h>
#include <xen/bitops.h>

BUILD_BUG_ON(sizeof(xen_ulong_t) != sizeof(unsigned long));
BUILD_BUG_ON(EVTCHN_2L_PORTS != 4096);

static inline unsigned long *pending_map(const struct domain *d)
{
    return (unsigned long *)d->shared_info->evtchn_pending;
}

static inline unsigned long *mask_map(const struct domain *d)
{
    return (unsigned long *)d->shared_info->evtchn_mask;
}

/* Flag the port's word to v and, on the first flag, raise its upcall. */
static void select_word(struct vcpu *v, evtchn_port_t port)
{
    struct vcpu_info *vi = read_atomic(&v->vcpu_info);

    if (!test_and_set_bit(port / EVTCHN_2L_WORD_BITS, (unsigned long *)&vi->evtchn_pending_sel))
        vcpu_mark_events_pending(v);
}

static void l2_set_pending(struct domain *d, struct vcpu *v, struct evtchn *chn)
{
    evtchn_port_t port = chn->port;

    if (port >= EVTCHN_2L_PORTS)        /* only FIFO hands such ports out */
        return;
    /* Each bit below is a fully ordered read-modify-write: the order is the protocol. */
    if (test_and_set_bit(port, pending_map(d)))
        return;
    if (v && !test_bit(port, mask_map(d)))
        select_word(v, port);
    evtchn_check_pollers(d, port);
}

static void l2_clear_pending(struct domain *d, struct evtchn *chn)
{
    if (chn->port < EVTCHN_2L_PORTS)
        clear_bit(chn->port, pending_map(d));
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
    evtchn_port_t port = chn->port;

    if (port >= EVTCHN_2L_PORTS)
        return;
    if (test_and_clear_bit(port, mask_map(d)) && test_bit(port, pending_map(d)) && v)
        select_word(v, port);
}

static bool l2_is_pending(const struct domain *d, const struct evtchn *chn)
{
    return chn->port < EVTCHN_2L_PORTS && test_bit(chn->port, pending_map(d));
}

static bool l2_is_masked(const struct domain *d, const struct evtchn *chn)
{
    return chn->port >= EVTCHN_2L_PORTS || test_bit(chn->port, mask_map(d));
}

static unsigned int l2_max_ports(const struct domain *d)
{
    (void)d;
    return EVTCHN_2L_PORTS;
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
