/*
 * Host unit tests of event channels (xen/common/event_channel.c,
 * event_2l.c, event_fifo.c) with the real domain, scheduler, timer and
 * console code, over the fake architecture, under ASan/UBSan.
 *
 * The test plays the guests: it calls the hypercall handlers as a vCPU
 * (that vCPU made `current` on the calling fake CPU) and reads and writes
 * guest memory (shared_info, vcpu_info, FIFO control blocks and event
 * arrays) as a Linux guest would.  The vCPUs are never scheduled (the
 * scheduler softirq is a no-op here), so "current" stays what the test
 * says.
 *
 *   errnos      every sub-op's error paths, in Xen 4.17's order
 *   model_2l    random bind/send/mask/unmask/bind_vcpu/close sequences
 *   model_fifo  ... plus set_priority/expand, switching 2L->FIFO with
 *               pending events, EVTCHNOP_reset back to 2L; after every
 *               step the guest-visible state is compared with a reference
 *               model (no lost event, no port queued twice, queues in
 *               priority then arrival order)
 *   hidden      XEN_DOMCTL_CDF_no_evtchn_fifo: -ENOSYS, 2-level works
 *   virqs, poll, lifecycle, dom0 options
 *   threads     CPUs as threads: many senders on one port, concurrent
 *               close/rebind/set_priority/bind_vcpu, consumers
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hypercall_env.h"
#include <xen/boot_info.h>
#include <xen/event.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/xmalloc.h>
#include <xen/console.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include "fake_arch.h"

#include "../check.h"

#define MS(x)   ((uint64_t)(x) * 1000000ULL)

static uint64_t rng = 0x243f6a8885a308d3ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* ================================================================ fakes */

/*
 * Guest virtual addresses are host addresses, except a window that is
 * unmapped and one that is read-only.
 */
static unsigned char ro_area[256];
#define BAD_VA      0x7ff000000000ULL
#define RO_VA       ((uint64_t)(uintptr_t)ro_area)

static bool va_bad(uint64_t va, unsigned long len, bool write)
{
    if (va < 0x10000 || (va >= BAD_VA && va < BAD_VA + 0x100000))
        return true;
    if (write && va + len > RO_VA && va < RO_VA + sizeof(ro_area))
        return true;
    return false;
}

unsigned long arch_copy_to_guest(uint64_t va, const void *src, unsigned long len)
{
    if (va_bad(va, len, true))
        return len;
    memcpy((void *)(uintptr_t)va, src, len);
    return 0;
}

unsigned long arch_copy_from_guest(void *dst, uint64_t va, unsigned long len)
{
    if (va_bad(va, len, false))
        return len;
    memcpy(dst, (const void *)(uintptr_t)va, len);
    return 0;
}

unsigned long arch_clear_guest(uint64_t va, unsigned long len)
{
    if (va_bad(va, len, true))
        return len;
    memset((void *)(uintptr_t)va, 0, len);
    return 0;
}

/* A p2m for every domain: a short list of guest frames. */
#define MAX_P2M 2048
static struct { struct domain *d; uint64_t gfn; mfn_t mfn; p2m_type_t t; } p2m[MAX_P2M];
static unsigned int nr_p2m;
static uint64_t next_gfn = 0x1000;

mfn_t p2m_lookup(struct domain *d, gfn_t gfn, p2m_type_t *t)
{
    for (unsigned int i = 0; i < nr_p2m; i++)
        if (p2m[i].d == d && p2m[i].gfn == gfn_x(gfn)) {
            *t = p2m[i].t;
            return p2m[i].mfn;
        }
    *t = p2m_invalid;
    return INVALID_MFN;
}

static uint64_t p2m_add(struct domain *d, mfn_t mfn, p2m_type_t t)
{
    if (nr_p2m == MAX_P2M)
        abort();
    p2m[nr_p2m].d = d;
    p2m[nr_p2m].gfn = next_gfn;
    p2m[nr_p2m].mfn = mfn;
    p2m[nr_p2m].t = t;
    nr_p2m++;
    return next_gfn++;
}

static void p2m_forget(struct domain *d)
{
    unsigned int j = 0;

    for (unsigned int i = 0; i < nr_p2m; i++)
        if (p2m[i].d != d)
            p2m[j++] = p2m[i];
    nr_p2m = j;
}

/* A zeroed page of d's RAM, mapped at a new gfn. */
static void *guest_page(struct domain *d, uint64_t *gfn)
{
    struct page_info *pg = alloc_domheap_pages(d, 0);
    void *va;

    if (!pg) {
        printf("out of guest memory\n");
        exit(1);
    }
    va = page_to_virt(pg);
    memset(va, 0, PAGE_SIZE);
    *gfn = p2m_add(d, page_to_mfn(pg), p2m_ram_rw);
    return va;
}

static struct { unsigned int op, nr; uint64_t a[5]; } cont;

unsigned long hypercall_create_continuation(unsigned int op, const char *format, ...)
{
    va_list ap;

    cont.op = op;
    cont.nr = 0;
    va_start(ap, format);
    for (unsigned int i = 0; format[i] && i < 5; i++, cont.nr++)
        cont.a[i] = format[i] == 'i' ? va_arg(ap, unsigned int)
                  : format[i] == 'h' ? (uint64_t)(uintptr_t)va_arg(ap, void *)
                  : va_arg(ap, unsigned long);
    va_end(ap);
    return op;
}

/*
 * The upcall: counted per (domain, vCPU), "notified" until the guest
 * clears evtchn_upcall_pending; then what the x86 default does.
 */
#define NDOM    4
#define NVCPU   4
static unsigned long upcalls[NDOM][NVCPU];
static bool notified[NDOM][NVCPU];

void arch_evtchn_upcall(struct vcpu *v)
{
    unsigned int d = v->domain->domain_id % NDOM;

    __atomic_fetch_add(&upcalls[d][v->vcpu_id % NVCPU], 1, __ATOMIC_RELAXED);
    __atomic_store_n(&notified[d][v->vcpu_id % NVCPU], true, __ATOMIC_RELAXED);
    vcpu_unblock(v);
    arch_vcpu_kick(v);
}

/* ================================================================ machine */

static struct boot_info bi;
static unsigned long base_free;

static void noop_schedule(void)
{
}

#define MEM_BASE 0x40000000ULL
#define MEM_SIZE (96UL << 20)

static void setup(void)
{
    fake_reset();
    fake_domain_reset();
    fake_printk_quiet(true);
    fake_mem_init(MEM_BASE, MEM_SIZE);
    memset(&bi, 0, sizeof(bi));
    bi.mem[bi.nr_mem++] = (struct boot_mem_region){ MEM_BASE, MEM_SIZE, BOOT_MEM_RAM };
    bi.image_start = MEM_BASE;
    bi.image_end = MEM_BASE + (1 << 20);
    heap_init(&bi);
    xmalloc_init();
    softirq_init();
    timer_init();
    smp_init();
    scheduler_init();
    /* vCPUs are "current" when the test says so: nothing gets scheduled. */
    open_softirq(SCHEDULE_SOFTIRQ, noop_schedule);
    for (unsigned int cpu = 1; cpu < NR_CPUS; cpu++) {
        fake_set_cpu(cpu);
        sched_init_cpu(cpu);
        cpumask_set_cpu(cpu, &cpu_online_map);
    }
    fake_set_cpu(0);
    fake_clock_set(MS(1));
    nr_p2m = 0;
    memset(upcalls, 0, sizeof(upcalls));
    memset(notified, 0, sizeof(notified));
    base_free = total_free_pages();
}

/* Make v (NULL: the idle vCPU) current on this fake CPU. */
static void as(struct vcpu *v)
{
    unsigned int cpu = fake_get_cpu();

    per_cpu(curr_vcpu, cpu) = v ? v : idle_vcpu[cpu];
}

static struct domain *mkdom(domid_t id, unsigned int nvcpus, uint32_t flags, uint32_t max_port)
{
    struct xen_domctl_createdomain c;
    struct domain *d;
    int err = 1;

    memset(&c, 0, sizeof(c));
    c.max_vcpus = nvcpus;
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | flags;
    c.max_evtchn_port = max_port;
    c.max_grant_frames = -1;
    c.max_maptrack_frames = -1;
    d = domain_create(id, &c, id == 0, &err);
    CHECK(d && !err, "domain_create(%u): %d", id, err);
    if (!d)
        exit(1);
    for (unsigned int i = 0; i < nvcpus; i++)
        if (!vcpu_create(d, i)) {
            printf("vcpu_create failed\n");
            exit(1);
        }
    return d;
}

static void kill_dom(struct domain *d)
{
    struct vcpu *saved = current;

    /* None of its vCPUs may be left current anywhere. */
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        if (per_cpu(curr_vcpu, cpu) && per_cpu(curr_vcpu, cpu)->domain == d)
            per_cpu(curr_vcpu, cpu) = idle_vcpu[cpu];
    as(NULL);
    p2m_forget(d);
    CHECK(domain_kill(d) == 0, "domain_kill");
    if (saved && saved->domain != d)
        as(saved);
}

static void check_clean(const char *what)
{
    as(NULL);
    CHECK(total_free_pages() == base_free, "%s: %lu pages free, %lu at start (leak)",
          what, total_free_pages(), base_free);
}

/* ================================================================ hypercalls */

static long evop(int cmd, void *arg)
{
    XEN_GUEST_HANDLE_PARAM(void) h;

    h.p = arg;
    return do_event_channel_op(cmd, h);
}

static long schedop(int cmd, void *arg)
{
    XEN_GUEST_HANDLE_PARAM(void) h;

    h.p = arg;
    return do_sched_op(cmd, h);
}

/* Each returns the port (>= 0) or the errno. */
static long alloc_unbound(domid_t dom, domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote, .port = 0xdead };
    long rc = evop(EVTCHNOP_alloc_unbound, &a);

    return rc ? rc : (long)a.port;
}

static long bind_interdomain(domid_t rdom, evtchn_port_t rport)
{
    struct evtchn_bind_interdomain b = { .remote_dom = rdom, .remote_port = rport };
    long rc = evop(EVTCHNOP_bind_interdomain, &b);

    return rc ? rc : (long)b.local_port;
}

static long bind_virq(uint32_t virq, uint32_t vcpu)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long rc = evop(EVTCHNOP_bind_virq, &b);

    return rc ? rc : (long)b.port;
}

static long bind_ipi(uint32_t vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = evop(EVTCHNOP_bind_ipi, &b);

    return rc ? rc : (long)b.port;
}

static long bind_pirq(uint32_t pirq)
{
    struct evtchn_bind_pirq b = { .pirq = pirq };
    long rc = evop(EVTCHNOP_bind_pirq, &b);

    return rc ? rc : (long)b.port;
}

static long ev_close(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };

    return evop(EVTCHNOP_close, &c);
}

static long ev_send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return evop(EVTCHNOP_send, &s);
}

static long ev_unmask(evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };

    return evop(EVTCHNOP_unmask, &u);
}

static long bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

    return evop(EVTCHNOP_bind_vcpu, &b);
}

static long set_priority(evtchn_port_t port, uint32_t prio)
{
    struct evtchn_set_priority p = { .port = port, .priority = prio };

    return evop(EVTCHNOP_set_priority, &p);
}

static long ev_status(domid_t dom, evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return evop(EVTCHNOP_status, st);
}

static long ev_reset(domid_t dom)
{
    struct evtchn_reset r = { .dom = dom };

    return evop(EVTCHNOP_reset, &r);
}

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
    struct evtchn_init_control ic = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };

    return evop(EVTCHNOP_init_control, &ic);
}

static long expand_array(uint64_t gfn)
{
    struct evtchn_expand_array e = { .array_gfn = gfn };

    return evop(EVTCHNOP_expand_array, &e);
}

/* ================================================================ the guest side */

#define W_PENDING   (1u << EVTCHN_FIFO_PENDING)
#define W_MASKED    (1u << EVTCHN_FIFO_MASKED)
#define W_LINKED    (1u << EVTCHN_FIFO_LINKED)
#define W_BUSY      (1u << EVTCHN_FIFO_BUSY)
#define W_LINK      ((uint32_t)EVTCHN_FIFO_LINK_MASK)

/* One domain as its (Linux-like) kernel sees its event channels. */
struct guest {
    struct domain *d;
    unsigned int nvcpus;
    bool fifo;
    struct evtchn_fifo_control_block *cb[NVCPU];
    uint32_t local_head[NVCPU][EVTCHN_FIFO_MAX_QUEUES];
    uint32_t local_ready[NVCPU];
    event_word_t *page[EVTCHN_FIFO_MAX_PAGES];
    unsigned int npages;
};

static struct vcpu_info *vinfo(struct guest *g, unsigned int v)
{
    return g->d->vcpu[v]->vcpu_info;
}

static unsigned long *pend_map(struct guest *g)
{
    return (unsigned long *)g->d->shared_info->evtchn_pending;
}

static unsigned long *mask_map(struct guest *g)
{
    return (unsigned long *)g->d->shared_info->evtchn_mask;
}

static event_word_t *gword(struct guest *g, evtchn_port_t port)
{
    unsigned int pg = port / EVTCHN_FIFO_WORDS_PER_PAGE;

    return pg < g->npages ? g->page[pg] + port % EVTCHN_FIFO_WORDS_PER_PAGE : NULL;
}

static uint32_t wload(const event_word_t *w)
{
    return __atomic_load_n(w, __ATOMIC_ACQUIRE);
}

/* Register a control block for vCPU v (random 8-aligned offset). */
static long guest_init_control(struct guest *g, unsigned int v)
{
    uint64_t gfn;
    char *page = guest_page(g->d, &gfn);
    uint32_t off = (uint32_t)(rnd() % ((PAGE_SIZE - sizeof(*g->cb[0])) / 8 + 1)) * 8;
    long rc;

    as(g->d->vcpu[v]);
    rc = init_control(gfn, off, v);
    if (!rc) {
        g->cb[v] = (struct evtchn_fifo_control_block *)(page + off);
        g->fifo = true;
        memset(g->local_head[v], 0, sizeof(g->local_head[v]));
        g->local_ready[v] = 0;
    }
    return rc;
}

/* Add an event array page; its words start masked (as Linux does) or not. */
static long guest_expand(struct guest *g, bool masked)
{
    uint64_t gfn;
    event_word_t *page = guest_page(g->d, &gfn);
    long rc;

    if (masked)
        for (unsigned int i = 0; i < EVTCHN_FIFO_WORDS_PER_PAGE; i++)
            page[i] = W_MASKED;
    as(g->d->vcpu[0]);
    rc = expand_array(gfn);
    if (!rc)
        g->page[g->npages++] = page;
    return rc;
}

/* Clear LINKED and LINK; the old word. */
static uint32_t clear_linked(event_word_t *w)
{
    uint32_t old = wload(w), new;

    do {
        new = old & ~(W_LINKED | W_LINK);
    } while (!__atomic_compare_exchange_n(w, &old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return old;
}

/*
 * Linux's clear_masked_cond(): unmask in place unless pending (then the
 * hypervisor must relink it) or busy (wait).  False: ask the hypervisor.
 */
static bool clear_masked_cond(event_word_t *w)
{
    uint32_t old = wload(w);

    for (;;) {
        if (!(old & W_MASKED))
            return true;
        if (old & W_PENDING)
            return false;
        if (old & W_BUSY) {
            old = wload(w);
            sched_yield();
            continue;
        }
        if (__atomic_compare_exchange_n(w, &old, old & ~W_MASKED, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return true;
    }
}

/* ================================================================ reference model */

#define MPORTS  1600        /* main domain's max_evtchn_port + 1 */

struct mport {
    uint8_t state;          /* ECS_* */
    uint8_t prio;
    uint16_t notify;
    uint32_t virq;
    int peer;               /* interdomain: the peer domain's port */
    bool masked;            /* guest's mask (2L bit / FIFO MASKED) */
    bool pending;           /* as the ABI shows it */
    bool linked;            /* FIFO: on a queue */
    bool hidden;            /* FIFO: raised while it had no event word */
    bool outstanding;       /* raised since it was last delivered */
};

struct model {
    bool fifo;
    struct mport p[MPORTS];
    /* 2-level */
    uint64_t sel[NVCPU];
    bool upcall[NVCPU];
    /* FIFO */
    uint32_t q[NVCPU][EVTCHN_FIFO_MAX_QUEUES][MPORTS];
    unsigned int qlen[NVCPU][EVTCHN_FIFO_MAX_QUEUES];
    unsigned long delivered, raised, lost;
    unsigned long consumed, hidden_raised, switches, resets, expands, nospc, moved;
};

static bool usable(uint8_t state)
{
    return state > ECS_RESERVED;
}

static bool m_has_word(struct guest *g, evtchn_port_t p)
{
    return gword(g, p) != NULL;
}

static void m_link(struct model *m, evtchn_port_t p)
{
    struct mport *mp = &m->p[p];
    unsigned int v = mp->notify, pr = mp->prio;

    mp->linked = true;
    m->q[v][pr][m->qlen[v][pr]++] = p;
    if (v != 0 || pr != EVTCHN_FIFO_PRIORITY_DEFAULT)
        m->moved++;
}

/* The hypervisor raises port p of the modelled domain. */
static void m_raise(struct model *m, struct guest *g, evtchn_port_t p)
{
    struct mport *mp = &m->p[p];

    if (!usable(mp->state))
        return;
    m->raised++;
    if (!m->fifo) {
        mp->outstanding = true;
        if (mp->pending)
            return;
        mp->pending = true;
        if (!mp->masked) {
            uint64_t bit = 1ULL << (p / 64);

            if (!(m->sel[mp->notify] & bit)) {
                m->sel[mp->notify] |= bit;
                m->upcall[mp->notify] = true;
            }
        }
        return;
    }
    if (!m_has_word(g, p)) {
        mp->outstanding = true;
        mp->hidden = true;
        m->hidden_raised++;
        return;
    }
    if (!g->cb[mp->notify])
        return;             /* dropped, as Xen: no control block */
    mp->outstanding = true;
    mp->pending = true;
    if (!mp->masked && !mp->linked)
        m_link(m, p);
}

static void m_deliver(struct model *m, evtchn_port_t p)
{
    CHECK(m->p[p].outstanding, "port %u delivered without having been raised (duplicate)", p);
    m->p[p].outstanding = false;
    m->p[p].pending = false;
    m->delivered++;
}

/* Lowest port get_free_port() must hand out, or -ENOSPC. */
static long m_free_port(struct model *m, unsigned int max_port)
{
    unsigned int limit = m->fifo ? MPORTS : 4096;

    for (unsigned int p = 1; p <= max_port && p < limit && p < MPORTS; p++)
        if (m->p[p].state == ECS_FREE && !(m->fifo && m->p[p].linked))
            return p;
    return -ENOSPC;
}

static void m_bind(struct model *m, evtchn_port_t p, uint8_t state, unsigned int notify)
{
    struct mport *mp = &m->p[p];

    mp->state = state;
    mp->notify = (uint16_t)notify;
    mp->prio = EVTCHN_FIFO_PRIORITY_DEFAULT;
    mp->outstanding = false;
    mp->hidden = false;
}

static void m_close(struct model *m, evtchn_port_t p)
{
    struct mport *mp = &m->p[p];

    mp->state = ECS_FREE;
    mp->notify = 0;
    mp->pending = false;
    mp->hidden = false;
    mp->outstanding = false;
    mp->peer = 0;
}

/* ================================================================ guest consumers */

/* Linux's 2-level upcall on vCPU v, as a model step. */
static void consume_2l(struct guest *g, struct model *m, unsigned int v)
{
    struct vcpu_info *vi = vinfo(g, v);
    unsigned int did = g->d->domain_id % NDOM;
    uint64_t sel;

    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&notified[did][v], false, __ATOMIC_RELAXED);
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    m->upcall[v] = false;
    CHECK(sel == m->sel[v], "2L d%u v%u: pending_sel %#llx, model %#llx", g->d->domain_id, v,
          (unsigned long long)sel, (unsigned long long)m->sel[v]);
    m->sel[v] = 0;
    for (unsigned int w = 0; w < 64; w++) {
        if (!(sel & (1ULL << w)))
            continue;
        for (unsigned int b = 0; b < 64; b++) {
            evtchn_port_t p = w * 64 + b;

            if (p >= MPORTS || test_bit(p, mask_map(g)) || !test_bit(p, pend_map(g)))
                continue;
            if (test_and_clear_bit(p, pend_map(g)))
                m_deliver(m, p);
        }
    }
}

/* Linux's FIFO upcall on vCPU v, at most `budget` events (the rest stays for later). */
static void consume_fifo(struct guest *g, struct model *m, unsigned int v, unsigned int budget)
{
    struct evtchn_fifo_control_block *cb = g->cb[v];
    struct vcpu_info *vi = vinfo(g, v);
    unsigned int did = g->d->domain_id % NDOM;

    if (!cb)
        return;
    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&notified[did][v], false, __ATOMIC_RELAXED);
    g->local_ready[v] |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
    while (g->local_ready[v] && budget--) {
        unsigned int pr = (unsigned int)__builtin_ctz(g->local_ready[v]);
        uint32_t head = g->local_head[v][pr], old;
        event_word_t *w;

        if (!head)
            head = __atomic_load_n(&cb->head[pr], __ATOMIC_ACQUIRE);
        w = gword(g, head);
        CHECK(w != NULL, "d%u v%u q%u: head %u has no event word", g->d->domain_id, v, pr, head);
        if (!w)
            return;
        old = clear_linked(w);
        CHECK(old & W_LINKED, "d%u v%u q%u: head %u not linked", g->d->domain_id, v, pr, head);
        if (!(old & W_LINK))
            g->local_ready[v] &= ~(1u << pr);
        g->local_head[v][pr] = old & W_LINK;

        /* The model: this is the front of that queue. */
        CHECK(m->qlen[v][pr] && m->q[v][pr][0] == head,
              "d%u v%u q%u: consumed %u, model front %d (len %u)", g->d->domain_id, v, pr,
              head, m->qlen[v][pr] ? (int)m->q[v][pr][0] : -1, m->qlen[v][pr]);
        if (m->qlen[v][pr] && m->q[v][pr][0] == head) {
            memmove(&m->q[v][pr][0], &m->q[v][pr][1], (m->qlen[v][pr] - 1) * sizeof(uint32_t));
            m->qlen[v][pr]--;
        }
        m->p[head].linked = false;
        m->consumed++;

        if ((wload(w) & (W_PENDING | W_MASKED)) == W_PENDING) {
            __atomic_fetch_and(w, ~W_PENDING, __ATOMIC_SEQ_CST);
            m_deliver(m, head);
        }
        g->local_ready[v] |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
    }
}

static void consume(struct guest *g, struct model *m, unsigned int v, unsigned int budget)
{
    if (m->fifo)
        consume_fifo(g, m, v, budget);
    else
        consume_2l(g, m, v);
}

/* Guest masks port p (only ports with an event word can be masked in FIFO). */
static void guest_mask(struct guest *g, struct model *m, evtchn_port_t p)
{
    if (!m->fifo) {
        set_bit(p, mask_map(g));
        m->p[p].masked = true;
    } else if (gword(g, p)) {
        __atomic_fetch_or(gword(g, p), W_MASKED, __ATOMIC_SEQ_CST);
        m->p[p].masked = true;
    }
}

/* Guest unmasks port p the Linux way (hypercall only when it must). */
static void guest_unmask(struct guest *g, struct model *m, evtchn_port_t p)
{
    struct mport *mp = &m->p[p];

    as(g->d->vcpu[0]);
    if (!m->fifo) {
        clear_bit(p, mask_map(g));
        if (test_bit(p, pend_map(g))) {
            /* Linux on HVM: mask again, let the hypervisor unmask and notify. */
            set_bit(p, mask_map(g));
            CHECK_RC(ev_unmask(p), 0);
            if (mp->pending && usable(mp->state)) {
                uint64_t bit = 1ULL << (p / 64);

                if (!(m->sel[mp->notify] & bit)) {
                    m->sel[mp->notify] |= bit;
                    m->upcall[mp->notify] = true;
                }
            }
        }
        mp->masked = false;
        return;
    }
    if (!gword(g, p))
        return;
    if (!clear_masked_cond(gword(g, p))) {
        CHECK_RC(ev_unmask(p), 0);
        mp->masked = false;
        /* The hypervisor relinks a pending port (on its notified vCPU, if that has a block). */
        if (usable(mp->state) && mp->pending && !mp->linked && g->cb[mp->notify])
            m_link(m, p);
        return;
    }
    mp->masked = false;
}

/* ================================================================ checking */

static void check_model(struct guest *g, struct model *m, const char *step)
{
    struct domain *d = g->d;
    unsigned int did = d->domain_id % NDOM;

    for (evtchn_port_t p = 1; p < MPORTS; p++) {
        struct mport *mp = &m->p[p];
        struct evtchn *chn = port_is_valid(d, p) ? evtchn_from_port(d, p) : NULL;
        uint8_t state = chn ? chn->state : ECS_FREE;

        CHECK(state == mp->state, "%s: port %u state %u, model %u", step, p, state, mp->state);
        if (chn && usable(state))
            CHECK(chn->notify_vcpu_id == mp->notify, "%s: port %u notifies v%u, model v%u",
                  step, p, chn->notify_vcpu_id, mp->notify);
        if (!m->fifo) {
            if (p < 4096) {
                CHECK(test_bit(p, pend_map(g)) == mp->pending, "%s: 2L port %u pending %d, model %d",
                      step, p, test_bit(p, pend_map(g)), mp->pending);
                CHECK(test_bit(p, mask_map(g)) == mp->masked, "%s: 2L port %u masked %d, model %d",
                      step, p, test_bit(p, mask_map(g)), mp->masked);
            }
            /* Invariant: an unmasked pending port is flagged to some vCPU with its upcall raised. */
            if (mp->pending && !mp->masked) {
                bool flagged = false;

                for (unsigned int v = 0; v < g->nvcpus; v++)
                    flagged |= (vinfo(g, v)->evtchn_pending_sel >> (p / 64)) & 1 &&
                               vinfo(g, v)->evtchn_upcall_pending;
                CHECK(flagged, "%s: 2L port %u pending, unmasked, flagged nowhere (lost)", step, p);
            }
            continue;
        }
        event_word_t *w = gword(g, p);
        if (w) {
            uint32_t x = wload(w);

            CHECK(!!(x & W_PENDING) == mp->pending, "%s: FIFO port %u PENDING %d, model %d",
                  step, p, !!(x & W_PENDING), mp->pending);
            CHECK(!!(x & W_LINKED) == mp->linked, "%s: FIFO port %u LINKED %d, model %d",
                  step, p, !!(x & W_LINKED), mp->linked);
            CHECK(!!(x & W_MASKED) == mp->masked, "%s: FIFO port %u MASKED %d, model %d",
                  step, p, !!(x & W_MASKED), mp->masked);
            CHECK(!(x & W_BUSY), "%s: FIFO port %u left BUSY", step, p);
            /* Invariant: pending and unmasked means queued (unless dropped for want of a block). */
            if ((x & (W_PENDING | W_MASKED)) == W_PENDING)
                CHECK(x & W_LINKED, "%s: FIFO port %u pending, unmasked, not queued (lost)", step, p);
        } else if (chn && usable(state)) {
            CHECK(chn->pending == mp->hidden, "%s: FIFO port %u (no word) pending %d, model %d",
                  step, p, chn->pending, mp->hidden);
        }
        if (chn && usable(state))
            CHECK(chn->priority == mp->prio, "%s: port %u priority %u, model %u",
                  step, p, chn->priority, mp->prio);
    }

    for (unsigned int v = 0; v < g->nvcpus; v++) {
        struct vcpu_info *vi = vinfo(g, v);

        if (vi->evtchn_upcall_pending)
            CHECK(notified[did][v], "%s: v%u upcall flag set but never delivered", step, v);
        if (!m->fifo) {
            CHECK(vi->evtchn_pending_sel == m->sel[v], "%s: v%u pending_sel %#llx, model %#llx",
                  step, v, (unsigned long long)vi->evtchn_pending_sel,
                  (unsigned long long)m->sel[v]);
            CHECK(!!vi->evtchn_upcall_pending == m->upcall[v], "%s: v%u upcall %d, model %d",
                  step, v, vi->evtchn_upcall_pending, m->upcall[v]);
            continue;
        }
        if (!g->cb[v])
            continue;
        if (g->cb[v]->ready)
            CHECK(vi->evtchn_upcall_pending, "%s: v%u has READY %#x but no upcall", step, v,
                  g->cb[v]->ready);
        for (unsigned int pr = 0; pr < EVTCHN_FIFO_MAX_QUEUES; pr++) {
            uint32_t walk[MPORTS];
            unsigned int n = 0;
            bool ready = ((g->cb[v]->ready | g->local_ready[v]) >> pr) & 1;
            uint32_t p = g->local_head[v][pr];

            if (!p && ready)
                p = g->cb[v]->head[pr];
            if (!ready && !p)
                p = 0;
            while (p && n < MPORTS) {
                event_word_t *w = gword(g, p);

                if (!w || !(wload(w) & W_LINKED))
                    break;
                walk[n++] = p;
                p = wload(w) & W_LINK;
            }
            CHECK(n < MPORTS, "%s: v%u q%u: the queue loops", step, v, pr);
            CHECK(n == m->qlen[v][pr], "%s: v%u q%u: %u queued, model %u", step, v, pr, n,
                  m->qlen[v][pr]);
            for (unsigned int i = 0; i < n && i < m->qlen[v][pr]; i++)
                if (walk[i] != m->q[v][pr][i]) {
                    CHECK(0, "%s: v%u q%u[%u] is port %u, model %u (order)", step, v, pr, i,
                          walk[i], m->q[v][pr][i]);
                    break;
                }
            if (m->qlen[v][pr])
                CHECK(ready, "%s: v%u q%u non-empty but not READY", step, v, pr);
        }
    }
}

/* ================================================================ the random model test */

struct world {
    struct domain *d0, *d1;     /* the modelled domain (dom0), a peer */
    struct guest g;
    struct model *m;
    int peer_of[4096];          /* peer port -> main port it is connected to (0: none) */
    unsigned int max_port;
    bool fifo_allowed;
};

static void w_as_main(struct world *w, unsigned int v)
{
    as(w->d0->vcpu[v]);
}

static void w_as_peer(struct world *w)
{
    as(w->d1->vcpu[0]);
}

/* A random port of the main domain (bound more often than not). */
static evtchn_port_t pick_port(struct world *w)
{
    for (int tries = 0; tries < 8; tries++) {
        evtchn_port_t p = 1 + rnd() % 48;

        if (usable(w->m->p[p].state))
            return p;
    }
    return 1 + rnd() % 64;
}

static void expect_bind(struct world *w, long got, uint8_t state, unsigned int notify, const char *what)
{
    long want = m_free_port(w->m, w->max_port);

    CHECK(got == want, "%s: got %ld, model expects %ld", what, got, want);
    if (got == -ENOSPC)
        w->m->nospc++;
    if (got > 0 && got == want)
        m_bind(w->m, (evtchn_port_t)got, state, notify);
}

/* 2L -> FIFO: a control block for every vCPU; pending ports carry over. */
static void w_switch_to_fifo(struct world *w)
{
    struct model *m = w->m;

    for (unsigned int v = 0; v < w->g.nvcpus; v++)
        CHECK_RC(guest_init_control(&w->g, v), 0);
    for (evtchn_port_t p = 1; p < MPORTS; p++) {
        struct mport *mp = &m->p[p];

        if (usable(mp->state)) {
            mp->prio = EVTCHN_FIFO_PRIORITY_DEFAULT;
            mp->hidden = mp->pending;
        }
        mp->pending = false;
        mp->linked = false;
        mp->masked = false;
    }
    m->fifo = true;
    m->switches++;
    memset(m->qlen, 0, sizeof(m->qlen));
}

static void w_expand(struct world *w)
{
    struct model *m = w->m;
    unsigned int first = w->g.npages * EVTCHN_FIFO_WORDS_PER_PAGE;
    bool masked = rnd() % 2;

    CHECK_RC(guest_expand(&w->g, masked), 0);
    m->expands++;
    for (evtchn_port_t p = first; p < first + EVTCHN_FIFO_WORDS_PER_PAGE && p < MPORTS; p++)
        m->p[p].masked = masked;
    /* Raised while wordless: raised now, in port order. */
    for (evtchn_port_t p = first; p < first + EVTCHN_FIFO_WORDS_PER_PAGE && p < MPORTS; p++) {
        if (!port_is_valid(w->d0, p))
            break;
        if (usable(m->p[p].state) && m->p[p].hidden) {
            m->p[p].hidden = false;
            m->raised--;            /* counted once already */
            m_raise(m, &w->g, p);
        }
    }
}

/* EVTCHNOP_reset on ourselves: everything closed, back to 2-level. */
static void w_reset(struct world *w)
{
    struct model *m = w->m;

    do_softirq();                   /* no preemption here */
    w_as_main(w, 0);
    CHECK_RC(ev_reset(DOMID_SELF), 0);
    for (evtchn_port_t p = 1; p < MPORTS; p++) {
        if (m->p[p].state == ECS_INTERDOMAIN)
            w->peer_of[m->p[p].peer] = 0;
        m_close(m, p);
        m->p[p].linked = false;
        m->p[p].masked = test_bit(p, mask_map(&w->g));
        m->p[p].pending = false;
    }
    m->fifo = false;
    m->resets++;
    memset(m->qlen, 0, sizeof(m->qlen));
    for (unsigned int v = 0; v < w->g.nvcpus; v++) {
        m->sel[v] = 0;      /* stale selector bits are cleared with the pending bits */
        m->upcall[v] = vinfo(&w->g, v)->evtchn_upcall_pending;
        w->g.cb[v] = NULL;
        w->g.local_ready[v] = 0;
    }
    w->g.fifo = false;
    w->g.npages = 0;
}

static void w_close(struct world *w, evtchn_port_t p)
{
    struct model *m = w->m;
    uint8_t st = m->p[p].state;

    w_as_main(w, rnd() % w->g.nvcpus);
    CHECK_RC(ev_close(p), usable(st) ? 0 : -EINVAL);
    if (!usable(st))
        return;
    if (st == ECS_INTERDOMAIN) {
        struct evtchn_status s;
        int q = m->p[p].peer;

        w->peer_of[q] = 0;
        w_as_peer(w);
        CHECK_RC(ev_status(DOMID_SELF, q, &s), 0);
        CHECK(s.status == EVTCHNSTAT_unbound && s.u.unbound.dom == 0,
              "peer port %d after close: status %u dom %u", q, s.status, s.u.unbound.dom);
        /* Drop it altogether, now and then. */
        if (rnd() % 2)
            CHECK_RC(ev_close(q), 0);
    }
    m_close(m, p);
}

static void w_send(struct world *w, evtchn_port_t p)
{
    struct model *m = w->m;
    struct mport *mp = &m->p[p];

    switch (mp->state) {
    case ECS_IPI:
        w_as_main(w, rnd() % w->g.nvcpus);
        CHECK_RC(ev_send(p), 0);
        m_raise(m, &w->g, p);
        break;
    case ECS_INTERDOMAIN:
        if (rnd() % 4 == 0) {
            /* Our end sends: the peer's port is raised, not ours. */
            w_as_main(w, 0);
            CHECK_RC(ev_send(p), 0);
        } else {
            w_as_peer(w);
            CHECK_RC(ev_send(mp->peer), 0);
            m_raise(m, &w->g, p);
        }
        break;
    case ECS_UNBOUND:
        w_as_main(w, 0);
        CHECK_RC(ev_send(p), 0);    /* silently dropped */
        break;
    case ECS_VIRQ:
        w_as_main(w, 0);
        CHECK_RC(ev_send(p), -EINVAL);
        as(NULL);
        if (mp->virq == VIRQ_TIMER)
            send_guest_vcpu_virq(w->d0->vcpu[mp->notify], VIRQ_TIMER);
        else
            send_global_virq(mp->virq);
        m_raise(m, &w->g, p);
        break;
    default:
        w_as_main(w, 0);
        CHECK_RC(ev_send(p), -EINVAL);      /* free, or no storage */
        break;
    }
}

static void w_bind_something(struct world *w)
{
    struct model *m = w->m;
    unsigned int v = rnd() % w->g.nvcpus;
    long port;

    switch (rnd() % 6) {
    case 0:
    case 1:
        w_as_main(w, v);
        expect_bind(w, bind_ipi(v), ECS_IPI, v, "bind_ipi");
        break;
    case 2: {
        /* A per-vCPU VIRQ on v, or a global one on vCPU 0. */
        uint32_t virq = rnd() % 2 ? VIRQ_TIMER : VIRQ_CONSOLE;
        unsigned int on = virq == VIRQ_TIMER ? v : 0;
        bool taken = false;

        for (evtchn_port_t p = 1; p < MPORTS; p++)
            if (m->p[p].state == ECS_VIRQ && m->p[p].virq == virq &&
                (virq != VIRQ_TIMER || m->p[p].notify == on))
                taken = true;
        w_as_main(w, v);
        port = bind_virq(virq, on);
        if (taken) {
            CHECK_RC(port, -EEXIST);
        } else {
            expect_bind(w, port, ECS_VIRQ, on, "bind_virq");
            if (port > 0)
                m->p[port].virq = virq;
        }
        break;
    }
    case 3: {
        /* Ours unbound for the peer, which then binds to it (or not yet). */
        w_as_main(w, v);
        port = alloc_unbound(DOMID_SELF, 1);
        expect_bind(w, port, ECS_UNBOUND, 0, "alloc_unbound");
        if (port > 0 && rnd() % 4) {
            long q;

            w_as_peer(w);
            q = bind_interdomain(0, (evtchn_port_t)port);
            CHECK(q > 0 && q < 4096, "peer bind_interdomain: %ld", q);
            if (q > 0 && q < 4096) {
                m->p[port].state = ECS_INTERDOMAIN;
                m->p[port].peer = (int)q;
                w->peer_of[q] = (int)port;
            }
        }
        break;
    }
    case 4: {
        /* The peer's unbound port for us; binding raises our new end. */
        long q;

        w_as_peer(w);
        q = alloc_unbound(DOMID_SELF, 0);
        CHECK(q > 0, "peer alloc_unbound: %ld", q);
        if (q <= 0 || q >= 4096)
            break;
        w_as_main(w, v);
        port = bind_interdomain(1, (evtchn_port_t)q);
        expect_bind(w, port, ECS_INTERDOMAIN, 0, "bind_interdomain");
        if (port > 0) {
            m->p[port].peer = (int)q;
            w->peer_of[q] = (int)port;
            m_raise(m, &w->g, (evtchn_port_t)port);
        } else {
            w_as_peer(w);
            ev_close((evtchn_port_t)q);
        }
        break;
    }
    default: {
        /* The peer rebinds to one of our ports it was connected to. */
        for (evtchn_port_t p = 1; p < 64; p++) {
            struct evtchn *chn = port_is_valid(w->d0, p) ? evtchn_from_port(w->d0, p) : NULL;
            long q;

            if (m->p[p].state != ECS_UNBOUND || !chn || chn->u.unbound.remote_domid != 1)
                continue;
            w_as_peer(w);
            q = bind_interdomain(0, p);
            CHECK(q > 0 && q < 4096, "peer re-bind to %u: %ld", p, q);
            if (q > 0 && q < 4096) {
                m->p[p].state = ECS_INTERDOMAIN;
                m->p[p].peer = (int)q;
                w->peer_of[q] = (int)p;
            }
            break;
        }
        break;
    }
    }
}

static void w_check_status(struct world *w, evtchn_port_t p)
{
    struct mport *mp = &w->m->p[p];
    struct evtchn_status s;
    long rc;

    w_as_main(w, 0);
    rc = ev_status(DOMID_SELF, p, &s);
    if (!port_is_valid(w->d0, p)) {
        CHECK_RC(rc, -EINVAL);
        return;
    }
    CHECK_RC(rc, 0);
    switch (mp->state) {
    case ECS_FREE:
        CHECK(s.status == EVTCHNSTAT_closed, "status(%u) %u, want closed", p, s.status);
        break;
    case ECS_UNBOUND:
        CHECK(s.status == EVTCHNSTAT_unbound, "status(%u) %u, want unbound", p, s.status);
        break;
    case ECS_INTERDOMAIN:
        CHECK(s.status == EVTCHNSTAT_interdomain && s.u.interdomain.dom == 1 &&
              s.u.interdomain.port == (evtchn_port_t)mp->peer,
              "status(%u) %u d%u p%u, want interdomain d1 p%d", p, s.status,
              s.u.interdomain.dom, s.u.interdomain.port, mp->peer);
        break;
    case ECS_VIRQ:
        CHECK(s.status == EVTCHNSTAT_virq && s.u.virq == mp->virq, "status(%u) virq", p);
        break;
    case ECS_IPI:
        CHECK(s.status == EVTCHNSTAT_ipi, "status(%u) %u, want ipi", p, s.status);
        break;
    }
    CHECK(s.vcpu == mp->notify, "status(%u).vcpu %u, model %u", p, s.vcpu, mp->notify);
}

/* Unmask everything, give every port a word, consume until nothing is left. */
static void w_drain(struct world *w)
{
    struct model *m = w->m;

    if (m->fifo)
        while (w->g.npages * EVTCHN_FIFO_WORDS_PER_PAGE < w->d0->valid_evtchns)
            w_expand(w);
    for (evtchn_port_t p = 1; p < MPORTS; p++)
        if (m->p[p].masked)
            guest_unmask(&w->g, m, p);
    for (int round = 0; round < 64; round++)
        for (unsigned int v = 0; v < w->g.nvcpus; v++)
            consume(&w->g, m, v, 1000);
    check_model(&w->g, m, "drain");
    for (evtchn_port_t p = 1; p < MPORTS; p++)
        CHECK(!m->p[p].outstanding, "port %u (state %u) raised, never delivered (lost)",
              p, m->p[p].state);
}

static void model_run(bool start_fifo, bool fifo_allowed, unsigned int max_port,
                      unsigned int steps, uint64_t seed)
{
    struct world *w = calloc(1, sizeof(*w));
    int failures_before = failures;
    char step[64];

    rng = seed;
    setup();
    w->m = calloc(1, sizeof(*w->m));
    w->max_port = max_port;
    w->fifo_allowed = fifo_allowed;
    w->d0 = mkdom(0, NVCPU, 0, w->max_port);
    w->d1 = mkdom(1, 1, 0, 4095);
    w->g.d = w->d0;
    w->g.nvcpus = NVCPU;
    w->m->p[0].state = ECS_RESERVED;
    if (start_fifo) {
        w_switch_to_fifo(w);
        w_expand(w);
    }

    for (unsigned int i = 0; i < steps; i++) {
        struct model *m = w->m;
        unsigned int r = rnd() % 100;
        evtchn_port_t p = pick_port(w);
        unsigned int v = rnd() % w->g.nvcpus;

        if (r < 14) {
            snprintf(step, sizeof(step), "step %u bind", i);
            w_bind_something(w);
        } else if (r < 36) {
            snprintf(step, sizeof(step), "step %u send %u", i, p);
            w_send(w, p);
        } else if (r < 42) {
            snprintf(step, sizeof(step), "step %u mask %u", i, p);
            guest_mask(&w->g, m, p);
        } else if (r < 50) {
            snprintf(step, sizeof(step), "step %u unmask %u", i, p);
            guest_unmask(&w->g, m, p);
        } else if (r < 54) {
            uint8_t st = m->p[p].state;
            bool ok = st == ECS_UNBOUND || st == ECS_INTERDOMAIN ||
                      (st == ECS_VIRQ && m->p[p].virq != VIRQ_TIMER);

            snprintf(step, sizeof(step), "step %u bind_vcpu %u v%u", i, p, v);
            w_as_main(w, 0);
            CHECK_RC(bind_vcpu(p, v), !port_is_valid(w->d0, p) ? -EINVAL : ok ? 0 : -EINVAL);
            if (ok && port_is_valid(w->d0, p))
                m->p[p].notify = (uint16_t)v;
        } else if (r < 60) {
            unsigned int prio = rnd() % 17;
            long want;

            snprintf(step, sizeof(step), "step %u set_priority %u %u", i, p, prio);
            if (!port_is_valid(w->d0, p))
                want = -EINVAL;
            else if (!m->fifo)
                want = -ENOSYS;
            else if (!usable(m->p[p].state))
                want = -EACCES;
            else
                want = prio > EVTCHN_FIFO_PRIORITY_MIN ? -EINVAL : 0;
            w_as_main(w, v);
            CHECK_RC(set_priority(p, prio), want);
            if (!want)
                m->p[p].prio = (uint8_t)prio;
        } else if (r < 68) {
            snprintf(step, sizeof(step), "step %u close %u", i, p);
            w_close(w, p);
        } else if (r < 69) {
            /* The peer closes its end: ours goes back to unbound. */
            snprintf(step, sizeof(step), "step %u peer close", i);
            if (m->p[p].state == ECS_INTERDOMAIN) {
                w_as_peer(w);
                CHECK_RC(ev_close(m->p[p].peer), 0);
                w->peer_of[m->p[p].peer] = 0;
                m->p[p].state = ECS_UNBOUND;
                m->p[p].peer = 0;
            }
        } else if (r < 85) {
            snprintf(step, sizeof(step), "step %u consume v%u", i, v);
            consume(&w->g, m, v, 1 + rnd() % 6);
        } else if (r < 88) {
            snprintf(step, sizeof(step), "step %u status %u", i, p);
            w_check_status(w, p);
        } else if (r < 90) {
            snprintf(step, sizeof(step), "step %u expand", i);
            if (m->fifo && w->g.npages < 2)
                w_expand(w);
        } else if (r < 91) {
            snprintf(step, sizeof(step), "step %u switch", i);
            if (!m->fifo && fifo_allowed)
                w_switch_to_fifo(w);
            else if (m->fifo && rnd() % 4 == 0)
                w_reset(w);
        } else if (r < 92) {
            /* Many ports at once: storage grows, words may be missing. */
            unsigned int n = 1 + rnd() % 200;

            snprintf(step, sizeof(step), "step %u bulk bind %u", i, n);
            for (unsigned int k = 0; k < n; k++) {
                w_as_main(w, v);
                expect_bind(w, bind_ipi(v), ECS_IPI, v, "bulk bind_ipi");
            }
        } else if (r < 93) {
            snprintf(step, sizeof(step), "step %u bulk close", i);
            for (evtchn_port_t q = 48; q < MPORTS; q++)
                if (usable(m->p[q].state) && rnd() % 2)
                    w_close(w, q);
        } else if (r < 96) {
            /* Raise many of the high ports (their words may not exist yet). */
            snprintf(step, sizeof(step), "step %u bulk send", i);
            for (evtchn_port_t q = 48; q < MPORTS; q++)
                if (m->p[q].state == ECS_IPI && rnd() % 8 == 0)
                    w_send(w, q);
        } else {
            snprintf(step, sizeof(step), "step %u VIRQ", i);
            as(NULL);
            send_guest_vcpu_virq(w->d0->vcpu[v], VIRQ_TIMER);
            send_global_virq(VIRQ_CONSOLE);
            /* In the order raised: the timer first. */
            for (int pass = 0; pass < 2; pass++)
                for (evtchn_port_t q = 1; q < MPORTS; q++)
                    if (m->p[q].state == ECS_VIRQ &&
                        (pass == 0 ? m->p[q].virq == VIRQ_TIMER && m->p[q].notify == v
                                   : m->p[q].virq == VIRQ_CONSOLE))
                        m_raise(m, &w->g, q);
        }
        check_model(&w->g, w->m, step);
        if (failures - failures_before > 20) {
            printf("too many failures, stopping at %s\n", step);
            break;
        }
    }
    w_drain(w);
    printf("  %s%s: %u steps, %lu raised, %lu delivered, %lu dequeued (%lu off the default "
           "queue), %lu raised wordless, %lu switches, %lu resets, %lu pages added, %lu -ENOSPC\n",
           start_fifo ? "FIFO" : "2L", fifo_allowed && !start_fifo ? "->FIFO" : "", steps,
           w->m->raised, w->m->delivered, w->m->consumed, w->m->moved, w->m->hidden_raised,
           w->m->switches, w->m->resets, w->m->expands, w->m->nospc);
    kill_dom(w->d1);
    kill_dom(w->d0);
    check_clean("model");
    free(w->m);
    free(w);
}

static void test_model_2l(void)
{
    model_run(false, false, MPORTS - 1, 12000, 0x1234567887654321ULL);
    model_run(false, false, 300, 12000, 0x0badc0ffee0ddf00ULL);
}

static void test_model_fifo(void)
{
    model_run(true, true, MPORTS - 1, 12000, 0x9e3779b97f4a7c15ULL);
    model_run(true, true, 300, 12000, 0x5851f42d4c957f2dULL);
    /* Starting 2-level, switching (pending carried over), resetting back. */
    model_run(false, true, MPORTS - 1, 15000, 0xd1b54a32d192ed03ULL);
    model_run(false, true, 1100, 15000, 0x2545f4914f6cdd1dULL);
}

/* ================================================================ errno paths */

/* What the architecture says to EVTCHNOP_bind_pirq (0: x86, -ENOMEM: Arm). */
static int pirq_rc;

int arch_evtchn_bind_pirq(struct domain *d, unsigned int pirq)
{
    (void)d;
    (void)pirq;
    return pirq_rc;
}

#define BAD ((void *)(uintptr_t)BAD_VA)

static void test_errnos(void)
{
    struct domain *d0, *d1, *d2;
    struct evtchn_status st;
    long p, q, r;

    setup();
    d0 = mkdom(0, 2, 0, ~0U);
    d1 = mkdom(1, 2, 0, 4095);
    d2 = mkdom(2, 1, 0, 10);
    CHECK(d0->max_evtchn_port == INT_MAX, "max_evtchn_port ~0 clamps to INT_MAX (%u)",
          d0->max_evtchn_port);

    /* ---- unknown commands, bad pointers */
    as(d1->vcpu[0]);
    CHECK_RC(evop(15, NULL), -ENOSYS);
    CHECK_RC(evop(99, BAD), -ENOSYS);
    CHECK_RC(evop(-1, NULL), -ENOSYS);
    for (int cmd = EVTCHNOP_bind_interdomain; cmd <= EVTCHNOP_set_priority; cmd++)
        CHECK_RC(evop(cmd, BAD), -EFAULT);

    /* ---- alloc_unbound */
    CHECK_RC(alloc_unbound(999, 0), -ESRCH);
    p = alloc_unbound(DOMID_SELF, DOMID_SELF);
    CHECK_RC(p, 1);
    CHECK_RC(ev_status(DOMID_SELF, 1, &st), 0);
    CHECK(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == 1 && st.vcpu == 0,
          "unbound for DOMID_SELF means the caller: %u %u", st.status, st.u.unbound.dom);
    /* Unprivileged, for someone else: the port is taken first, then refused (and given back). */
    CHECK_RC(alloc_unbound(0, 1), -EPERM);
    CHECK(d0->active_evtchns == 0, "refused port released (%u in use)", d0->active_evtchns);
    as(d0->vcpu[0]);
    CHECK_RC(alloc_unbound(1, 0), 2);       /* privileged: a port of d1 */
    CHECK_RC(alloc_unbound(0, 1), 1);
    /* Copy-out fails: -EFAULT, and the port stays taken (as Xen). */
    {
        struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 2 };

        memcpy(ro_area, &a, sizeof(a));
        CHECK_RC(evop(EVTCHNOP_alloc_unbound, ro_area), -EFAULT);
        CHECK_RC(alloc_unbound(DOMID_SELF, 1), 3);
    }
    /* A small domain runs out. */
    as(d2->vcpu[0]);
    for (int i = 1; i <= 10; i++)
        CHECK_RC(alloc_unbound(DOMID_SELF, 0), i);
    CHECK_RC(alloc_unbound(DOMID_SELF, 0), -ENOSPC);
    CHECK_RC(bind_ipi(0), -ENOSPC);
    CHECK_RC(bind_virq(VIRQ_TIMER, 0), -ENOSPC);
    CHECK_RC(bind_interdomain(0, 1), -ENOSPC);     /* before looking at the remote port */
    CHECK_RC(ev_close(10), 0);

    /* ---- bind_interdomain */
    as(d1->vcpu[0]);
    CHECK_RC(bind_interdomain(999, 1), -ESRCH);
    CHECK_RC(bind_interdomain(0, 4000), -EINVAL);   /* no such port */
    CHECK_RC(bind_interdomain(0, 0), -EINVAL);      /* reserved */
    CHECK_RC(bind_interdomain(0, 2), -EINVAL);      /* for d2 */
    CHECK_RC(bind_interdomain(0, 1), 3);            /* d0 port 1 is for d1 */
    CHECK(test_bit(3, (unsigned long *)d1->shared_info->evtchn_pending),
          "binding marks the new local port pending");
    CHECK_RC(bind_interdomain(0, 1), -EINVAL);      /* bound already */
    as(d2->vcpu[0]);
    CHECK_RC(bind_interdomain(0, 3), -EINVAL);      /* d0 port 3 is for d1, not d2 */
    as(d1->vcpu[0]);
    CHECK_RC(ev_status(DOMID_SELF, 3, &st), 0);
    CHECK(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == 0 &&
          st.u.interdomain.port == 1, "interdomain status");
    /* Loopback within one domain. */
    q = alloc_unbound(DOMID_SELF, DOMID_SELF);
    CHECK_RC(q, 4);
    r = bind_interdomain(DOMID_SELF, 4);
    CHECK_RC(r, 5);
    clear_bit(5, (unsigned long *)d1->shared_info->evtchn_pending);
    CHECK_RC(ev_send(4), 0);
    CHECK(test_bit(5, (unsigned long *)d1->shared_info->evtchn_pending), "loopback 4 -> 5");
    CHECK_RC(ev_send(5), 0);
    CHECK(test_bit(4, (unsigned long *)d1->shared_info->evtchn_pending), "loopback 5 -> 4");

    /* ---- bind_virq */
    CHECK_RC(bind_virq(NR_VIRQS, 0), -EINVAL);
    CHECK_RC(bind_virq(0xffffffffu, 0), -EINVAL);
    CHECK_RC(bind_virq(VIRQ_CONSOLE, 1), -EINVAL);     /* global: vCPU 0 only */
    CHECK_RC(bind_virq(VIRQ_CONSOLE, 7), -EINVAL);     /* ... checked before the vCPU */
    CHECK_RC(bind_virq(VIRQ_ARCH_0, 1), -EINVAL);      /* arch VIRQs are global */
    CHECK_RC(bind_virq(VIRQ_TIMER, 2), -ENOENT);
    CHECK_RC(bind_virq(VIRQ_TIMER, 0xffffffffu), -ENOENT);
    CHECK_RC(bind_virq(VIRQ_TIMER, 0), 6);
    CHECK_RC(bind_virq(VIRQ_TIMER, 1), 7);             /* per vCPU */
    CHECK_RC(bind_virq(VIRQ_TIMER, 1), -EEXIST);
    CHECK_RC(bind_virq(5, 0), 8);                      /* unused numbers bind (global) */
    CHECK_RC(bind_virq(5, 0), -EEXIST);
    CHECK_RC(ev_status(DOMID_SELF, 7, &st), 0);
    CHECK(st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_TIMER && st.vcpu == 1, "virq status");

    /* ---- bind_ipi */
    CHECK_RC(bind_ipi(2), -ENOENT);
    CHECK_RC(bind_ipi(1), 9);
    CHECK_RC(ev_status(DOMID_SELF, 9, &st), 0);
    CHECK(st.status == EVTCHNSTAT_ipi && st.vcpu == 1, "ipi status");

    /* ---- bind_pirq (x86 HVM: binds; Arm: -ENOMEM) */
    CHECK_RC(bind_pirq(EVTCHN_NR_PIRQS), -EINVAL);
    pirq_rc = -ENOMEM;
    CHECK_RC(bind_pirq(5), -ENOMEM);
    CHECK(d1->active_evtchns == 9, "refused pirq port released (%u)", d1->active_evtchns);
    pirq_rc = 0;
    CHECK_RC(bind_pirq(5), 10);
    CHECK_RC(bind_pirq(5), -EEXIST);
    CHECK_RC(ev_status(DOMID_SELF, 10, &st), 0);
    CHECK(st.status == EVTCHNSTAT_pirq && st.u.pirq == 5, "pirq status");
    CHECK_RC(ev_send(10), -EINVAL);
    send_guest_pirq(d1, 5);
    CHECK(test_bit(10, (unsigned long *)d1->shared_info->evtchn_pending), "pirq raised");
    CHECK_RC(bind_vcpu(10, 1), 0);
    CHECK_RC(ev_close(10), 0);
    CHECK_RC(bind_pirq(5), 10);                     /* free again */
    CHECK_RC(ev_close(10), 0);

    /* ---- send */
    CHECK_RC(ev_send(0), -EINVAL);
    CHECK_RC(ev_send(4000), -EINVAL);
    CHECK_RC(ev_send(6), -EINVAL);                  /* VIRQ */
    CHECK_RC(ev_send(10), -EINVAL);                 /* free */
    CHECK_RC(ev_send(2), 0);                        /* unbound: dropped */
    CHECK_RC(ev_send(9), 0);

    /* ---- status */
    CHECK_RC(ev_status(999, 1, &st), -ESRCH);
    CHECK_RC(ev_status(0, 99999, &st), -EINVAL);    /* the port before privilege */
    CHECK_RC(ev_status(0, 1, &st), -EPERM);
    CHECK_RC(ev_status(DOMID_SELF, 0, &st), 0);
    CHECK(st.status == EVTCHNSTAT_closed, "port 0 reads closed");
    CHECK_RC(ev_status(DOMID_SELF, 11, &st), 0);    /* free, with storage */
    CHECK(st.status == EVTCHNSTAT_closed && st.vcpu == 0, "free port closed");
    CHECK_RC(ev_status(DOMID_SELF, 64, &st), -EINVAL);
    {
        struct evtchn_status s = { .dom = DOMID_SELF, .port = 9 };

        memcpy(ro_area, &s, sizeof(s));
        CHECK_RC(evop(EVTCHNOP_status, ro_area), -EFAULT);
    }
    as(d0->vcpu[0]);
    CHECK_RC(ev_status(1, 9, &st), 0);              /* privileged: anyone's */

    /* ---- bind_vcpu */
    as(d1->vcpu[0]);
    CHECK_RC(bind_vcpu(4000, 5), -ENOENT);          /* the vCPU first */
    CHECK_RC(bind_vcpu(4000, 1), -EINVAL);
    CHECK_RC(bind_vcpu(9, 0), -EINVAL);             /* IPI */
    CHECK_RC(bind_vcpu(6, 1), -EINVAL);             /* per-vCPU VIRQ */
    CHECK_RC(bind_vcpu(11, 1), -EINVAL);            /* free */
    CHECK_RC(bind_vcpu(0, 1), -EINVAL);             /* reserved */
    CHECK_RC(bind_vcpu(8, 1), 0);                   /* global VIRQ */
    CHECK_RC(bind_vcpu(3, 1), 0);                   /* interdomain */
    CHECK_RC(bind_vcpu(2, 1), 0);                   /* unbound */
    CHECK_RC(ev_status(DOMID_SELF, 8, &st), 0);
    CHECK(st.vcpu == 1, "global VIRQ now on v1");

    /* ---- unmask */
    CHECK_RC(ev_unmask(4000), -EINVAL);
    CHECK_RC(ev_unmask(11), 0);                     /* free: nothing to do */
    CHECK_RC(ev_unmask(0), 0);

    /* ---- close */
    CHECK_RC(ev_close(0), -EINVAL);
    CHECK_RC(ev_close(4000), -EINVAL);
    CHECK_RC(ev_close(11), -EINVAL);
    CHECK_RC(ev_close(3), 0);                       /* interdomain: d0's port 1 unbound again */
    CHECK_RC(ev_close(3), -EINVAL);
    as(d0->vcpu[0]);
    CHECK_RC(ev_status(DOMID_SELF, 1, &st), 0);
    CHECK(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == 1, "peer unbound again");

    /* ---- set_priority, expand_array, init_control on a 2-level domain */
    as(d1->vcpu[0]);
    CHECK_RC(set_priority(9, 3), -ENOSYS);
    CHECK_RC(set_priority(4000, 3), -EINVAL);
    CHECK_RC(expand_array(0x1234), -EOPNOTSUPP);
    {
        uint64_t gfn;
        uint64_t mmio = p2m_add(d1, _mfn(0x12345), p2m_mmio_direct_dev);
        struct evtchn_init_control ic;

        (void)guest_page(d1, &gfn);
        CHECK_RC(init_control(gfn, 0, 2), -ENOENT);
        CHECK_RC(init_control(gfn, PAGE_SIZE - 72 + 8, 0), -EINVAL);
        CHECK_RC(init_control(gfn, 4, 0), -EINVAL);
        CHECK_RC(init_control(0xfffff, 0, 0), -EINVAL);       /* nothing there */
        CHECK_RC(init_control(mmio, 0, 0), -EINVAL);          /* not RAM */
        CHECK_RC(set_priority(9, 3), -ENOSYS);                /* still 2-level */
        memset(&ic, 0, sizeof(ic));
        ic.control_gfn = gfn;
        ic.offset = PAGE_SIZE - 72;
        ic.vcpu = 1;
        CHECK_RC(evop(EVTCHNOP_init_control, &ic), 0);
        CHECK(ic.link_bits == EVTCHN_FIFO_LINK_BITS, "link_bits %u", ic.link_bits);
        CHECK_RC(evop(EVTCHNOP_init_control, &ic), -EINVAL);  /* once per vCPU */
        CHECK_RC(set_priority(9, 16), -EINVAL);
        CHECK_RC(set_priority(11, 3), -EACCES);               /* free */
        CHECK_RC(set_priority(9, 0), 0);
        CHECK_RC(set_priority(9, 15), 0);
        CHECK_RC(expand_array(0xfffff), -EINVAL);
        CHECK_RC(expand_array(mmio), -EINVAL);
        for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_PAGES; i++) {
            (void)guest_page(d1, &gfn);
            r = expand_array(gfn);
            if (r) {
                CHECK_RC(r, 0);
                break;
            }
        }
        (void)guest_page(d1, &gfn);
        CHECK_RC(expand_array(gfn), -ENOSPC);
        CHECK(d1->evtchn_fifo->nr_words == EVTCHN_MAX_PORTS, "2^17 event words");
        /* FIFO takes ports up to 2^17 (limited by the domain's own max). */
        CHECK_RC(set_priority(5000, 1), -EINVAL);
    }

    /* ---- reset */
    CHECK_RC(ev_reset(999), -ESRCH);
    CHECK_RC(ev_reset(0), -EPERM);                  /* someone else's, unprivileged */
    CHECK_RC(evop(EVTCHNOP_reset_cont, &(struct evtchn_reset){ .dom = DOMID_SELF }), -EBUSY);
    as(d0->vcpu[0]);
    CHECK(domain_unpause_by_systemcontroller(d1) == 0, "unpause d1");
    CHECK_RC(ev_reset(1), -EINVAL);                 /* privileged, but d1 is not paused */
    domain_pause_by_systemcontroller(d1);
    CHECK_RC(ev_reset(1), 0);
    CHECK(d1->active_evtchns == 0 && d1->evtchn_port_ops == &evtchn_port_ops_2l &&
          !d1->evtchn_fifo, "reset: all closed, back to 2-level");
    as(d1->vcpu[0]);
    CHECK_RC(set_priority(9, 3), -ENOSYS);
    CHECK_RC(bind_ipi(0), 1);

    kill_dom(d2);
    kill_dom(d1);
    kill_dom(d0);
    check_clean("errnos");
}

/* EVTCHNOP_reset preempted: continuation, -EBUSY meanwhile, -EAGAIN for late binds. */
static void test_reset_continuation(void)
{
    struct domain *d;
    struct evtchn_reset r = { .dom = DOMID_SELF };

    setup();
    d = mkdom(1, 1, 0, 4095);
    as(d->vcpu[0]);
    for (int i = 1; i <= 200; i++)
        CHECK_RC(bind_ipi(0), i);
    raise_softirq(SCHEDULE_SOFTIRQ);                /* other work waits: preempt */
    CHECK_RC(evop(EVTCHNOP_reset, &r), __HYPERVISOR_event_channel_op);
    CHECK(cont.op == __HYPERVISOR_event_channel_op && cont.a[0] == EVTCHNOP_reset_cont &&
          cont.a[1] == (uint64_t)(uintptr_t)&r, "continuation as reset_cont on the same argument");
    CHECK(d->next_evtchn == 64 && d->active_evtchns == 200 - 64, "stopped after port 64 (%u, %u)",
          d->next_evtchn, d->active_evtchns);
    CHECK_RC(evop(EVTCHNOP_reset, &r), -EBUSY);     /* one at a time */
    do_softirq();
    /* A port bound below where it resumes is not closed: -EAGAIN. */
    CHECK_RC(bind_ipi(0), 1);
    CHECK_RC(evop(EVTCHNOP_reset_cont, &r), -EAGAIN);
    CHECK(d->active_evtchns == 1 && d->next_evtchn == 0, "only the late port left");
    CHECK_RC(evop(EVTCHNOP_reset, &r), 0);
    CHECK(d->active_evtchns == 0, "all closed");
    kill_dom(d);
    check_clean("reset_continuation");
}

/* XEN_DOMCTL_CDF_no_evtchn_fifo: the FIFO ops as before Xen 4.4, 2-level intact. */
static void test_hidden(void)
{
    struct xen_domctl_createdomain c;
    struct domain *d, *e;
    int err;

    setup();
    d = mkdom(1, 2, XEN_DOMCTL_CDF_no_evtchn_fifo, 4095);
    CHECK(!evtchn_fifo_offered(d) && evtchn_upcall_vector_offered(d), "flags kept");
    as(d->vcpu[0]);
    CHECK_RC(init_control(0x1234, 0, 0), -ENOSYS);
    CHECK_RC(evop(EVTCHNOP_init_control, BAD), -ENOSYS);   /* not even read */
    CHECK_RC(evop(EVTCHNOP_expand_array, BAD), -ENOSYS);
    CHECK_RC(evop(EVTCHNOP_set_priority, BAD), -ENOSYS);
    CHECK_RC(set_priority(4000, 3), -ENOSYS);
    {
        uint64_t gfn;

        (void)guest_page(d, &gfn);
        CHECK_RC(init_control(gfn, 0, 0), -ENOSYS);
        CHECK(d->evtchn_port_ops == &evtchn_port_ops_2l, "still 2-level");
    }
    /* 2-level works: an IPI to v1 arrives. */
    CHECK_RC(bind_ipi(1), 1);
    CHECK_RC(ev_send(1), 0);
    CHECK(test_bit(1, (unsigned long *)d->shared_info->evtchn_pending) &&
          (d->vcpu[1]->vcpu_info->evtchn_pending_sel & 1) &&
          d->vcpu[1]->vcpu_info->evtchn_upcall_pending && upcalls[1][1] == 1,
          "2-level delivery with FIFO hidden");
    CHECK_RC(ev_reset(DOMID_SELF), 0);

    e = mkdom(2, 1, XEN_DOMCTL_CDF_no_upcall_vector, 100);
    CHECK(evtchn_fifo_offered(e) && !evtchn_upcall_vector_offered(e), "upcall vector hidden");

    /* Bit 31 is nobody's: refused, as any unknown flag. */
    memset(&c, 0, sizeof(c));
    c.max_vcpus = 1;
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | (1U << 31);
    CHECK(!domain_create(3, &c, false, &err) && err == -EINVAL, "bit 31 refused (%d)", err);
    CHECK((XEN_DOMCTL_CDF_no_evtchn_fifo | XEN_DOMCTL_CDF_no_upcall_vector) == 0x60000000u,
          "our flags are bits 30 and 29");
    CHECK(!((XEN_DOMCTL_CDF_no_evtchn_fifo | XEN_DOMCTL_CDF_no_upcall_vector) & 0x1ffu),
          "none of Xen's bits 0-8 (4.17 to 4.22)");

    kill_dom(e);
    kill_dom(d);
    check_clean("hidden");
}

static void test_dom0_options(void)
{
    const uint32_t F = XEN_DOMCTL_CDF_no_evtchn_fifo, U = XEN_DOMCTL_CDF_no_upcall_vector;
    static const struct { const char *cmdline; uint32_t want; } cases[] = {
        { NULL, 0 },
        { "", 0 },
        { "console=dtuart loglvl=all", 0 },
        { "dom0_evtchn_fifo=0", XEN_DOMCTL_CDF_no_evtchn_fifo },
        { "dom0_evtchn_fifo=no", XEN_DOMCTL_CDF_no_evtchn_fifo },
        { "dom0_evtchn_fifo=off dom0_mem=128M", XEN_DOMCTL_CDF_no_evtchn_fifo },
        { "a  no-dom0_evtchn_fifo  b", XEN_DOMCTL_CDF_no_evtchn_fifo },
        { "dom0_evtchn_fifo", 0 },
        { "dom0_evtchn_fifo=1", 0 },
        { "dom0_evtchn_fifo=0 dom0_evtchn_fifo=true", 0 },        /* the last one counts */
        { "dom0_evtchn_fifox=0", 0 },
        { "xdom0_evtchn_fifo=0", 0 },
        { "dom0_evtchn_fifo=maybe", 0 },
        { "dom0_evtchn_upcall_vector=0", XEN_DOMCTL_CDF_no_upcall_vector },
        { "dom0_evtchn_upcall_vector=0 dom0_evtchn_fifo=disable",
          XEN_DOMCTL_CDF_no_upcall_vector | XEN_DOMCTL_CDF_no_evtchn_fifo },
    };

    (void)F; (void)U;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        CHECK(evtchn_dom0_cdf(cases[i].cmdline) == cases[i].want, "\"%s\": %#x, want %#x",
              cases[i].cmdline ? cases[i].cmdline : "(null)",
              evtchn_dom0_cdf(cases[i].cmdline), cases[i].want);
}

/* ================================================================ VIRQs, poll, block */

static bool pending2l(struct domain *d, evtchn_port_t p)
{
    return test_bit(p, (unsigned long *)d->shared_info->evtchn_pending);
}

static void clear2l(struct domain *d, evtchn_port_t p)
{
    clear_bit(p, (unsigned long *)d->shared_info->evtchn_pending);
}

static void test_virqs(void)
{
    struct domain *d0, *d1, *d2;
    struct vcpu_set_singleshot_timer t;
    XEN_GUEST_HANDLE_PARAM(void) h;
    long timer, cons, dexc, cons1;

    setup();
    d0 = mkdom(0, 2, 0, ~0U);
    d1 = mkdom(1, 1, 0, 100);
    d2 = mkdom(2, 1, 0, 100);

    /* VIRQ_TIMER from the single-shot timer (x86: VCPUOP_set_singleshot_timer). */
    as(d0->vcpu[1]);
    timer = bind_virq(VIRQ_TIMER, 1);
    CHECK_RC(timer, 1);
    t.timeout_abs_ns = fake_clock() + MS(2);
    t.flags = 0;
    h.p = &t;
    CHECK_RC(do_vcpu_op(VCPUOP_set_singleshot_timer, 1, h), 0);
    fake_clock_advance(MS(1));
    timer_interrupt();
    do_softirq();
    CHECK(!pending2l(d0, 1), "not yet");
    fake_clock_advance(MS(2));
    timer_interrupt();
    do_softirq();
    CHECK(pending2l(d0, 1) && d0->vcpu[1]->vcpu_info->evtchn_upcall_pending &&
          upcalls[0][1] == 1, "VIRQ_TIMER raised on v1");
    /* A per-vCPU VIRQ goes to that vCPU only; global ones are not per vCPU. */
    clear2l(d0, 1);
    send_guest_vcpu_virq(d0->vcpu[0], VIRQ_TIMER);
    send_guest_vcpu_virq(d0->vcpu[1], VIRQ_CONSOLE);
    send_guest_vcpu_virq(d0->vcpu[1], NR_VIRQS);
    CHECK(!pending2l(d0, 1), "VIRQ_TIMER of v0 is not v1's port");

    /* VIRQ_CONSOLE: console input, to the hardware domain. */
    as(d0->vcpu[0]);
    cons = bind_virq(VIRQ_CONSOLE, 0);
    CHECK_RC(cons, 2);
    console_rx_char('x');
    CHECK(pending2l(d0, 2), "VIRQ_CONSOLE on input");
    clear2l(d0, 2);
    /* Another handler, and back when it dies. */
    as(d1->vcpu[0]);
    cons1 = bind_virq(VIRQ_CONSOLE, 0);
    CHECK_RC(cons1, 1);
    CHECK(set_global_virq_handler(d1, VIRQ_CONSOLE) == 0, "handler d1");
    CHECK(set_global_virq_handler(d1, VIRQ_TIMER) == -EINVAL, "per-vCPU VIRQs have no handler");
    CHECK(set_global_virq_handler(d1, NR_VIRQS) == -EINVAL, "no such VIRQ");
    console_rx_char('y');
    CHECK(!pending2l(d0, 2) && pending2l(d1, 1), "VIRQ_CONSOLE to d1 now");

    /* VIRQ_DOM_EXC: a domain shuts down, a domain dies. */
    as(d0->vcpu[0]);
    dexc = bind_virq(VIRQ_DOM_EXC, 0);
    CHECK_RC(dexc, 3);
    as(NULL);
    domain_shutdown(d2, SHUTDOWN_poweroff);
    CHECK(pending2l(d0, 3), "VIRQ_DOM_EXC on shutdown");
    clear2l(d0, 3);
    kill_dom(d2);
    CHECK(pending2l(d0, 3), "VIRQ_DOM_EXC on death");
    clear2l(d0, 3);
    kill_dom(d1);
    CHECK(pending2l(d0, 3), "... of the console handler");
    console_rx_char('z');
    CHECK(pending2l(d0, 2), "VIRQ_CONSOLE back with the hardware domain");

    kill_dom(d0);
    check_clean("virqs");
}

static long poll(struct vcpu *v, evtchn_port_t *ports, unsigned int n, uint64_t timeout)
{
    struct sched_poll p;

    memset(&p, 0, sizeof(p));
    p.ports.p = ports;
    p.nr_ports = n;
    p.timeout = timeout;
    as(v);
    return schedop(SCHEDOP_poll, &p);
}

static bool polling(struct vcpu *v)
{
    return test_bit(VPF_BLOCKED, &v->pause_flags) && test_bit(v->vcpu_id, v->domain->poll_mask);
}

static void test_poll_block(void)
{
    struct domain *d, *peer;
    struct vcpu *v;
    evtchn_port_t ports[130];
    long a, b, x;

    setup();
    d = mkdom(1, 2, 0, 100);
    peer = mkdom(2, 1, 0, 100);
    v = d->vcpu[0];
    as(v);
    a = bind_ipi(0);
    b = bind_ipi(0);
    as(peer->vcpu[0]);
    x = alloc_unbound(DOMID_SELF, 1);
    as(v);
    CHECK_RC(bind_interdomain(2, (evtchn_port_t)x), 3);
    v->vcpu_info->evtchn_upcall_pending = 0;
    clear2l(d, 3);
    /* Masked: raising them makes no upcall, only pollers notice. */
    set_bit(1, (unsigned long *)d->shared_info->evtchn_mask);
    set_bit(2, (unsigned long *)d->shared_info->evtchn_mask);
    set_bit(3, (unsigned long *)d->shared_info->evtchn_mask);

    CHECK_RC(poll(v, ports, 129, 0), -EINVAL);
    CHECK(!polling(v), "not blocked after -EINVAL");
    CHECK_RC(poll(v, BAD, 1, 0), -EFAULT);
    CHECK(!polling(v), "not blocked after -EFAULT");
    ports[0] = 77;
    CHECK_RC(poll(v, ports, 1, 0), -EINVAL);
    ports[0] = 50;                          /* storage, but free */
    CHECK_RC(poll(v, ports, 1, 0), -EINVAL);

    /* Already pending: returns at once. */
    as(v);
    CHECK_RC(ev_send((evtchn_port_t)a), 0);
    ports[0] = (evtchn_port_t)b;
    ports[1] = (evtchn_port_t)a;
    CHECK_RC(poll(v, ports, 2, 0), 0);
    CHECK(!polling(v), "pending port: no blocking");
    clear2l(d, 1);

    /* One port: blocks until that port is raised (not another). */
    ports[0] = 3;
    CHECK_RC(poll(v, ports, 1, 0), 0);
    CHECK(polling(v) && v->poll_evtchn == 3, "blocked polling port 3");
    as(v);
    CHECK_RC(ev_send((evtchn_port_t)a), 0);
    CHECK(polling(v), "another port does not wake a one-port poller");
    as(peer->vcpu[0]);
    CHECK_RC(ev_send((evtchn_port_t)x), 0);
    CHECK(!polling(v) && v->poll_evtchn == 0, "woken by its port, from another domain");
    clear2l(d, 1);
    clear2l(d, 3);

    /* Several ports: any raise wakes it. */
    ports[0] = 1;
    ports[1] = 2;
    CHECK_RC(poll(v, ports, 2, 0), 0);
    CHECK(polling(v) && v->poll_evtchn == -1, "polling two");
    as(peer->vcpu[0]);
    CHECK_RC(ev_send((evtchn_port_t)x), 0);
    CHECK(!polling(v), "any port wakes a multi-port poller");
    clear2l(d, 3);

    /* Timeout. */
    ports[0] = 1;
    CHECK_RC(poll(v, ports, 1, fake_clock() + MS(3)), 0);
    CHECK(polling(v) && timer_is_active(&v->poll_timer), "timer armed");
    fake_clock_advance(MS(2));
    timer_interrupt();
    do_softirq();
    CHECK(polling(v), "not yet");
    fake_clock_advance(MS(2));
    timer_interrupt();
    do_softirq();
    CHECK(!polling(v), "timed out");

    /* An upcall that is due: returns at once (before reading the ports). */
    v->vcpu_info->evtchn_upcall_pending = 1;
    CHECK_RC(poll(v, BAD, 1, 0), 0);
    CHECK(!polling(v), "due upcall: no blocking");
    v->vcpu_info->evtchn_upcall_mask = 1;       /* x86: masked, so not due */
    ports[0] = 1;
    CHECK_RC(poll(v, ports, 1, 0), 0);
    CHECK(polling(v), "masked upcall: blocks");
    clear_bit(VPF_BLOCKED, &v->pause_flags);
    clear_bit(0, d->poll_mask);
    v->vcpu_info->evtchn_upcall_mask = 0;
    v->vcpu_info->evtchn_upcall_pending = 0;

    /* A 32-bit x86 guest's layout (4-byte handle, then nr_ports, a 4-aligned timeout). */
    {
        uint32_t c[4] = { 0x1000, 129, 0, 0 };
        XEN_GUEST_HANDLE_PARAM(void) h;

        h.p = c;
        as(v);
        CHECK_RC(compat_sched_op(SCHEDOP_poll, h), -EINVAL);      /* nr_ports decoded */
        c[1] = 1;
        CHECK_RC(compat_sched_op(SCHEDOP_poll, h), -EFAULT);      /* the 32-bit handle */
        CHECK(!polling(v), "compat: not blocked");
        h.p = (void *)(uintptr_t)(BAD_VA);
        CHECK_RC(compat_sched_op(SCHEDOP_poll, h), -EFAULT);
    }

    /* SCHEDOP_block: sleeps until an (unmasked) event, and unmasks x86 delivery. */
    clear_bit(1, (unsigned long *)d->shared_info->evtchn_mask);
    v->vcpu_info->evtchn_pending_sel = 0;
    v->vcpu_info->evtchn_upcall_mask = 1;
    CHECK_RC(schedop(SCHEDOP_block, NULL), 0);
    CHECK(test_bit(VPF_BLOCKED, &v->pause_flags) && !v->vcpu_info->evtchn_upcall_mask,
          "blocked, upcall mask cleared");
    as(d->vcpu[1]);
    CHECK_RC(ev_send((evtchn_port_t)a), 0);
    CHECK(!test_bit(VPF_BLOCKED, &v->pause_flags) && v->vcpu_info->evtchn_upcall_pending,
          "the event woke it");
    /* With the upcall already pending, blocking returns at once. */
    as(v);
    CHECK_RC(schedop(SCHEDOP_block, NULL), 0);
    CHECK(!test_bit(VPF_BLOCKED, &v->pause_flags), "pending upcall: no sleep");

    kill_dom(peer);
    kill_dom(d);
    check_clean("poll_block");
}

/* Domains dying with channels: peers unbound, nothing leaks. */
static void test_lifecycle(void)
{
    struct domain *a, *b;
    struct evtchn_status st;
    long pa, pb;
    int err;

    setup();
    a = mkdom(1, 2, 0, 4095);
    b = mkdom(2, 2, 0, 4095);
    as(a->vcpu[0]);
    pa = alloc_unbound(DOMID_SELF, 2);
    as(b->vcpu[0]);
    pb = bind_interdomain(1, (evtchn_port_t)pa);
    CHECK(pa == 1 && pb == 1, "pair %ld %ld", pa, pb);
    /* b goes FIFO with a few pages, then dies. */
    {
        struct guest g = { .d = b, .nvcpus = 2 };

        CHECK_RC(guest_init_control(&g, 0), 0);
        CHECK_RC(guest_init_control(&g, 1), 0);
        CHECK_RC(guest_expand(&g, false), 0);
        CHECK_RC(guest_expand(&g, true), 0);
        as(a->vcpu[0]);
        CHECK_RC(ev_send((evtchn_port_t)pa), 0);
        CHECK(gword(&g, 1) && (*gword(&g, 1) & W_LINKED), "queued in b");
    }
    kill_dom(b);
    as(a->vcpu[0]);
    CHECK_RC(ev_status(DOMID_SELF, (evtchn_port_t)pa, &st), 0);
    CHECK(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == 2, "a's end unbound after b died");
    CHECK_RC(ev_send((evtchn_port_t)pa), 0);
    kill_dom(a);
    check_clean("lifecycle");

    /* Creation failing after the event channels were set up. */
    setup();
    fake_domain_create_rc = -ENOMEM;
    {
        struct xen_domctl_createdomain c;

        memset(&c, 0, sizeof(c));
        c.max_vcpus = 1;
        c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
        CHECK(!domain_create(1, &c, false, &err) && err == -ENOMEM, "creation fails (%d)", err);
    }
    fake_domain_create_rc = 0;
    check_clean("failed creation");

    /* VCPUOP_register_vcpu_info: flags set, upcall raised, events follow it. */
    setup();
    a = mkdom(1, 2, 0, 100);
    {
        uint64_t gfn;
        char *page = guest_page(a, &gfn);
        struct vcpu_register_vcpu_info ri = { .mfn = gfn, .offset = 128 };
        XEN_GUEST_HANDLE_PARAM(void) h;
        struct vcpu_info *vi = (struct vcpu_info *)(page + 128);

        h.p = &ri;
        as(a->vcpu[1]);
        CHECK_RC(do_vcpu_op(VCPUOP_register_vcpu_info, 1, h), 0);
        CHECK(a->vcpu[1]->vcpu_info == vi && vi->evtchn_upcall_pending &&
              vi->evtchn_pending_sel == ~(xen_ulong_t)0 && upcalls[1][1] == 1,
              "register_vcpu_info raises the upcall");
        vi->evtchn_upcall_pending = 0;
        vi->evtchn_pending_sel = 0;
        CHECK_RC(bind_ipi(1), 1);
        CHECK_RC(ev_send(1), 0);
        CHECK(vi->evtchn_upcall_pending && (vi->evtchn_pending_sel & 1) && upcalls[1][1] == 2,
              "events reach the new vcpu_info");
    }
    kill_dom(a);
    check_clean("register_vcpu_info");
}

/* The FIFO protocol step by step: linking, READY, priorities, moves, missing pieces. */
static void test_fifo_basics(void)
{
    struct domain *d, *peer;
    struct guest g;
    struct model *m = calloc(1, sizeof(*m));
    long a, b, c, x, px;

    setup();
    d = mkdom(1, 2, 0, 4095);
    peer = mkdom(2, 1, 0, 4095);
    memset(&g, 0, sizeof(g));
    g.d = d;
    g.nvcpus = 2;
    as(d->vcpu[0]);
    a = bind_ipi(0);
    b = bind_ipi(0);
    c = bind_ipi(0);
    as(d->vcpu[0]);
    CHECK_RC(ev_send((evtchn_port_t)a), 0);            /* pending before the switch */
    CHECK_RC(guest_init_control(&g, 0), 0);             /* v1 has no control block yet */
    as(d->vcpu[0]);
    CHECK(d->evtchn_port_ops == &evtchn_port_ops_fifo, "switched on the first control block");
    CHECK(evtchn_from_port(d, (evtchn_port_t)a)->pending, "a's 2-level pending kept for later");
    CHECK_RC(ev_send((evtchn_port_t)b), 0);             /* no event word yet: kept too */
    CHECK(g.cb[0]->ready == 0, "nothing queued without words");
    upcalls[1][0] = 0;
    d->vcpu[0]->vcpu_info->evtchn_upcall_pending = 0;  /* the 2-level upcall was taken */
    CHECK_RC(guest_expand(&g, false), 0);
    /* a then b linked, in that order, one READY bit, one upcall. */
    CHECK(g.cb[0]->head[7] == a && (*gword(&g, a) & W_LINK) == b &&
          (*gword(&g, b) & (W_LINKED | W_LINK)) == W_LINKED && g.cb[0]->ready == 1u << 7 &&
          upcalls[1][0] == 1, "queue a -> b on priority 7 (head %u, a %#x, b %#x, ready %#x, %lu upcalls)",
          g.cb[0]->head[7], *gword(&g, a), *gword(&g, b), g.cb[0]->ready, upcalls[1][0]);
    CHECK_RC(ev_send((evtchn_port_t)a), 0);
    CHECK(upcalls[1][0] == 1 && !(*gword(&g, b) & W_LINK), "a queued already: nothing changes");
    CHECK_RC(set_priority((evtchn_port_t)c, 2), 0);
    CHECK_RC(ev_send((evtchn_port_t)c), 0);
    CHECK(g.cb[0]->head[2] == c && g.cb[0]->ready == ((1u << 7) | (1u << 2)) && upcalls[1][0] == 1,
          "c on priority 2, READY for both, still one upcall");

    /* The guest takes them: priority 2 first, then arrival order. */
    {
        unsigned int order[3], n = 0;

        g.local_ready[0] = __atomic_exchange_n(&g.cb[0]->ready, 0, __ATOMIC_SEQ_CST);
        while (g.local_ready[0] && n < 3) {
            unsigned int pr = (unsigned int)__builtin_ctz(g.local_ready[0]);
            uint32_t head = g.local_head[0][pr] ? g.local_head[0][pr] : g.cb[0]->head[pr];
            uint32_t old = clear_linked(gword(&g, head));

            if (!(old & W_LINK))
                g.local_ready[0] &= ~(1u << pr);
            g.local_head[0][pr] = old & W_LINK;
            order[n++] = head;
            __atomic_fetch_and(gword(&g, head), ~W_PENDING, __ATOMIC_SEQ_CST);
        }
        CHECK(n == 3 && order[0] == c && order[1] == a && order[2] == b,
              "consumed %u %u %u, want c a b", n > 0 ? order[0] : 0, n > 1 ? order[1] : 0,
              n > 2 ? order[2] : 0);
    }

    /* b was the tail of queue 7 and is consumed: a new event there starts a new queue. */
    CHECK_RC(ev_send((evtchn_port_t)a), 0);
    CHECK(g.cb[0]->head[7] == a && !(*gword(&g, b) & W_LINK) && (g.cb[0]->ready & (1u << 7)),
          "new head after the tail was consumed");
    clear_linked(gword(&g, a));
    __atomic_fetch_and(gword(&g, a), ~W_PENDING, __ATOMIC_SEQ_CST);
    g.cb[0]->ready = 0;

    /* An interdomain port moved to v1, which has no control block: dropped, as Xen. */
    as(peer->vcpu[0]);
    px = alloc_unbound(DOMID_SELF, 1);
    as(d->vcpu[0]);
    x = bind_interdomain(2, (evtchn_port_t)px);
    CHECK(x > 0 && (*gword(&g, x) & W_LINKED), "bound, raised, queued on v0");
    clear_linked(gword(&g, x));
    __atomic_fetch_and(gword(&g, x), ~W_PENDING, __ATOMIC_SEQ_CST);
    CHECK_RC(bind_vcpu((evtchn_port_t)x, 1), 0);
    as(peer->vcpu[0]);
    CHECK_RC(ev_send((evtchn_port_t)px), 0);
    CHECK(!(*gword(&g, x) & (W_PENDING | W_LINKED)), "no control block on v1: dropped");
    /* With one, the next event goes to v1's queue (and v0's old tail is forgotten). */
    CHECK_RC(guest_init_control(&g, 1), 0);
    as(peer->vcpu[0]);
    CHECK_RC(ev_send((evtchn_port_t)px), 0);
    CHECK(g.cb[1]->head[7] == x && (g.cb[1]->ready & (1u << 7)) && upcalls[1][1] == 1,
          "moved to v1's queue");
    CHECK(evtchn_from_port(d, (evtchn_port_t)x)->fifo_lastq == EVTCHN_LASTQ(1, 7), "lastq");

    /* Masked: pending, not queued; EVTCHNOP_unmask queues it. */
    clear_linked(gword(&g, x));
    __atomic_fetch_and(gword(&g, x), ~W_PENDING, __ATOMIC_SEQ_CST);
    g.cb[1]->ready = 0;
    __atomic_fetch_or(gword(&g, x), W_MASKED, __ATOMIC_SEQ_CST);
    CHECK_RC(ev_send((evtchn_port_t)px), 0);
    CHECK((*gword(&g, x) & (W_PENDING | W_LINKED)) == W_PENDING, "masked: pending only");
    as(d->vcpu[0]);
    CHECK_RC(ev_unmask((evtchn_port_t)x), 0);
    CHECK((*gword(&g, x) & (W_PENDING | W_LINKED | W_MASKED)) == (W_PENDING | W_LINKED) &&
          g.cb[1]->head[7] == x, "unmask queued it");

    /* Closed while queued: busy until the guest unlinks it, then reusable. */
    CHECK_RC(ev_close((evtchn_port_t)x), 0);
    CHECK(!(*gword(&g, x) & W_PENDING) && (*gword(&g, x) & W_LINKED), "closed: no longer pending, still linked");
    CHECK(bind_ipi(0) != x, "a linked port is not handed out");
    clear_linked(gword(&g, x));
    CHECK_RC(bind_ipi(0), x);

    kill_dom(peer);
    kill_dom(d);
    check_clean("fifo_basics");
    free(m);
}

/* ================================================================ threads as CPUs */

/*
 * dom0 (two vCPUs, each consumed by its own CPU thread) receives on port P
 * from three CPUs sending as the peer's vCPUs; another CPU keeps moving P
 * between vCPUs and priorities, and closes and rebinds a second pair R
 * that a sender hammers too; a fifth sender raises an IPI port that is
 * closed and rebound under it.  Every send on P first bumps a sequence
 * number; a consumer that delivers P reads it after clearing PENDING.  At
 * the end the last sequence number seen must be the last one sent.
 */
#define T_SENDERS   3
#define T_SENDS     60000

struct tworld {
    struct guest g;
    struct domain *d0, *d1;
    bool fifo;
    evtchn_port_t P, Q;                 /* dom0's end, the peer's end */
    evtchn_port_t S, R;                 /* the churned pair: the peer's end, ours */
    unsigned long sent_p, seen_p;       /* sequence numbers */
    unsigned long delivered[4096];
    unsigned long bad_rc, churns;
    bool stop_send, stop_all;
    pthread_mutex_t g_lock;             /* guest-side: the FIFO local state of a vCPU is its own */
};

static struct tworld *tw;

static void t_deliver(evtchn_port_t p)
{
    if (p >= 4096)
        return;
    __atomic_fetch_add(&tw->delivered[p], 1, __ATOMIC_RELAXED);
    if (p == tw->P) {
        unsigned long s = __atomic_load_n(&tw->sent_p, __ATOMIC_SEQ_CST);
        unsigned long seen = __atomic_load_n(&tw->seen_p, __ATOMIC_RELAXED);

        while (s > seen &&
               !__atomic_compare_exchange_n(&tw->seen_p, &seen, s, false,
                                            __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            ;
    }
}

/* One upcall's worth of work for vCPU v (Linux's loops, no model). */
static bool t_consume(unsigned int v)
{
    struct guest *g = &tw->g;
    struct vcpu_info *vi = vinfo(g, v);
    bool any = false;

    if (!__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE) &&
        !(tw->fifo && g->local_ready[v]))
        return false;
    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    if (!tw->fifo) {
        uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

        for (unsigned int w = 0; w < 64; w++) {
            if (!(sel & (1ULL << w)))
                continue;
            for (unsigned int b = 0; b < 64; b++) {
                evtchn_port_t p = w * 64 + b;

                if (!test_bit(p, mask_map(g)) && test_bit(p, pend_map(g)) &&
                    test_and_clear_bit(p, pend_map(g))) {
                    t_deliver(p);
                    any = true;
                }
            }
        }
        return any;
    }
    {
        struct evtchn_fifo_control_block *cb = g->cb[v];

        g->local_ready[v] |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
        while (g->local_ready[v]) {
            unsigned int pr = (unsigned int)__builtin_ctz(g->local_ready[v]);
            uint32_t head = g->local_head[v][pr], old;
            event_word_t *w;

            if (!head)
                head = __atomic_load_n(&cb->head[pr], __ATOMIC_ACQUIRE);
            w = gword(g, head);
            if (!w) {
                __atomic_fetch_add(&tw->bad_rc, 1, __ATOMIC_RELAXED);
                printf("v%u q%u: head %u has no word\n", v, pr, head);
                g->local_ready[v] &= ~(1u << pr);
                continue;
            }
            old = clear_linked(w);
            if (!(old & W_LINKED)) {
                __atomic_fetch_add(&tw->bad_rc, 1, __ATOMIC_RELAXED);
                printf("v%u q%u: head %u not linked (%#x)\n", v, pr, head, old);
            }
            if (!(old & W_LINK))
                g->local_ready[v] &= ~(1u << pr);
            g->local_head[v][pr] = old & W_LINK;
            if ((wload(w) & (W_PENDING | W_MASKED)) == W_PENDING &&
                (__atomic_fetch_and(w, ~W_PENDING, __ATOMIC_SEQ_CST) & W_PENDING)) {
                t_deliver(head);
                any = true;
            }
            g->local_ready[v] |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
        }
    }
    return any;
}

static void *t_consumer(void *arg)
{
    unsigned int v = (unsigned int)(uintptr_t)arg;

    fake_set_cpu(v);
    as(tw->d0->vcpu[v]);
    while (!__atomic_load_n(&tw->stop_all, __ATOMIC_ACQUIRE))
        if (!t_consume(v))
            sched_yield();
    return NULL;
}

static void *t_sender(void *arg)
{
    unsigned int i = (unsigned int)(uintptr_t)arg;

    fake_set_cpu(2 + i);
    as(tw->d1->vcpu[i]);
    for (unsigned int k = 0; k < T_SENDS; k++) {
        long rc;

        __atomic_fetch_add(&tw->sent_p, 1, __ATOMIC_SEQ_CST);
        if ((rc = ev_send(tw->Q)) != 0) {
            __atomic_fetch_add(&tw->bad_rc, 1, __ATOMIC_RELAXED);
            printf("send on Q: %ld\n", rc);
        }
        /* The churned pair: bound or not, never an error from our end. */
        if (i == 0 && (rc = ev_send(tw->S)) != 0) {
            __atomic_fetch_add(&tw->bad_rc, 1, __ATOMIC_RELAXED);
            printf("send on S: %ld\n", rc);
        }
        if ((k & 255) == 0)
            sched_yield();
    }
    return NULL;
}

/* dom0 raising its own IPI port while it is closed and rebound. */
static void *t_ipi_sender(void *arg)
{
    (void)arg;
    fake_set_cpu(5);
    as(tw->d0->vcpu[0]);
    while (!__atomic_load_n(&tw->stop_send, __ATOMIC_ACQUIRE)) {
        for (evtchn_port_t p = 3; p < 8; p++) {
            long rc = ev_send(p);

            if (rc != 0 && rc != -EINVAL) {
                __atomic_fetch_add(&tw->bad_rc, 1, __ATOMIC_RELAXED);
                printf("IPI send %u: %ld\n", p, rc);
            }
        }
        sched_yield();
    }
    return NULL;
}

static void *t_churn(void *arg)
{
    uint64_t r = 0x1234567 + (uintptr_t)arg;

    fake_set_cpu(6);
    as(tw->d0->vcpu[1]);
    while (!__atomic_load_n(&tw->stop_send, __ATOMIC_ACQUIRE)) {
        long rc = 0, port;

        r ^= r << 13; r ^= r >> 7; r ^= r << 17;
        switch (r % 6) {
        case 0:
            rc = bind_vcpu(tw->P, (r >> 8) % 2);
            break;
        case 1:
            if (tw->fifo)
                rc = set_priority(tw->P, (r >> 8) % 16);
            break;
        case 2:
            /* Close our end of the pair with S (raised all the time) and bind to it again. */
            rc = ev_close(tw->R);
            port = bind_interdomain(1, tw->S);
            if (port < 0)
                rc = port;
            else
                tw->R = (evtchn_port_t)port;
            break;
        case 3: {
            /* An IPI port close to the sender's range, closed and rebound. */
            evtchn_port_t p = 3 + (r >> 8) % 5;
            struct evtchn_status st;

            if (!ev_status(DOMID_SELF, p, &st) && st.status == EVTCHNSTAT_ipi)
                rc = ev_close(p);
            port = bind_ipi((r >> 16) % 2);
            if (port < 0 && port != -ENOSPC)
                rc = port;
            else if (port > 0 && port >= 8)
                rc = ev_close((evtchn_port_t)port);
            break;
        }
        default:
            sched_yield();
            break;
        }
        if (rc) {
            __atomic_fetch_add(&tw->bad_rc, 1, __ATOMIC_RELAXED);
            printf("churn op %u: %ld\n", (unsigned int)(r % 6), rc);
        }
        __atomic_fetch_add(&tw->churns, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void threads_run(bool fifo)
{
    pthread_t cons[2], snd[T_SENDERS], ipi, churn;
    unsigned long linked = 0;
    long p;

    setup();
    tw = calloc(1, sizeof(*tw));
    tw->fifo = fifo;
    tw->d0 = mkdom(0, 2, 0, 4095);
    tw->d1 = mkdom(1, T_SENDERS, 0, 4095);
    tw->g.d = tw->d0;
    tw->g.nvcpus = 2;
    if (fifo) {
        CHECK_RC(guest_init_control(&tw->g, 0), 0);
        CHECK_RC(guest_init_control(&tw->g, 1), 0);
        CHECK_RC(guest_expand(&tw->g, false), 0);
    }
    /* P <-> Q, then the pair dom0:R <-> S, then IPIs 3..7. */
    as(tw->d1->vcpu[0]);
    p = alloc_unbound(DOMID_SELF, 0);
    tw->Q = (evtchn_port_t)p;
    as(tw->d0->vcpu[0]);
    tw->P = (evtchn_port_t)bind_interdomain(1, tw->Q);
    as(tw->d1->vcpu[0]);
    tw->S = (evtchn_port_t)alloc_unbound(DOMID_SELF, 0);
    as(tw->d0->vcpu[0]);
    CHECK_RC(bind_interdomain(1, tw->S), 2);
    tw->R = 2;
    for (int i = 3; i < 8; i++)
        CHECK_RC(bind_ipi(i % 2), i);
    CHECK(tw->P == 1 && tw->Q == 1 && tw->S == 2, "ports %u %u %u", tw->P, tw->Q, tw->S);

    fake_relax_hook = NULL;
    for (unsigned int v = 0; v < 2; v++)
        pthread_create(&cons[v], NULL, t_consumer, (void *)(uintptr_t)v);
    for (unsigned int i = 0; i < T_SENDERS; i++)
        pthread_create(&snd[i], NULL, t_sender, (void *)(uintptr_t)i);
    pthread_create(&ipi, NULL, t_ipi_sender, NULL);
    pthread_create(&churn, NULL, t_churn, NULL);
    for (unsigned int i = 0; i < T_SENDERS; i++)
        pthread_join(snd[i], NULL);
    __atomic_store_n(&tw->stop_send, true, __ATOMIC_RELEASE);
    pthread_join(ipi, NULL);
    pthread_join(churn, NULL);
    /* Let the consumers catch up, then stop them and finish by hand. */
    usleep(20000);
    __atomic_store_n(&tw->stop_all, true, __ATOMIC_RELEASE);
    for (unsigned int v = 0; v < 2; v++)
        pthread_join(cons[v], NULL);
    fake_set_cpu(0);
    for (int round = 0; round < 8; round++)
        for (unsigned int v = 0; v < 2; v++) {
            as(tw->d0->vcpu[v]);
            t_consume(v);
        }

    CHECK(tw->bad_rc == 0, "%lu unexpected results", tw->bad_rc);
    CHECK(tw->sent_p == (unsigned long)T_SENDERS * T_SENDS, "sent %lu", tw->sent_p);
    CHECK(tw->seen_p == tw->sent_p, "%s: last send on P (%lu) never delivered (last seen %lu)",
          fifo ? "FIFO" : "2L", tw->sent_p, tw->seen_p);
    CHECK(evtchn_fifo_dropped == 0, "FIFO gave up on %lu events", evtchn_fifo_dropped);
    if (fifo) {
        /* Everything consumed: no word linked, no READY, nothing half-done. */
        for (evtchn_port_t q = 0; q < EVTCHN_FIFO_WORDS_PER_PAGE; q++) {
            uint32_t x = wload(gword(&tw->g, q));

            linked += !!(x & W_LINKED);
            CHECK(!(x & W_BUSY), "port %u left BUSY", q);
        }
        CHECK(linked == 0, "%lu words still linked after draining", linked);
        CHECK(!tw->g.cb[0]->ready && !tw->g.cb[1]->ready, "READY left");
    } else {
        CHECK(!test_bit(tw->P, pend_map(&tw->g)), "P still pending");
    }
    printf("  %s: %lu sends on P, %lu deliveries of P, %lu churn operations\n",
           fifo ? "FIFO" : "2L", tw->sent_p, tw->delivered[tw->P], tw->churns);
    kill_dom(tw->d1);
    kill_dom(tw->d0);
    check_clean("threads");
    free(tw);
    tw = NULL;
}

static void test_threads(void)
{
    threads_run(false);
    threads_run(true);
}

/* ================================================================ main */

static void on_alarm(int sig)
{
    static const char msg[] = "evtchn: timed out (deadlock?)\n";

    (void)sig;
    if (write(2, msg, sizeof(msg) - 1) < 0)
        _exit(2);
    _exit(2);
}

int main(void)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        { "errnos", test_errnos },
        { "reset_continuation", test_reset_continuation },
        { "hidden", test_hidden },
        { "dom0_options", test_dom0_options },
        { "virqs", test_virqs },
        { "poll_block", test_poll_block },
        { "lifecycle", test_lifecycle },
        { "fifo_basics", test_fifo_basics },
        { "model_2l", test_model_2l },
        { "model_fifo", test_model_fifo },
        { "threads", test_threads },
    };

    signal(SIGALRM, on_alarm);
    alarm(55);
    setvbuf(stdout, NULL, _IONBF, 0);
    for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
        int before = failures;

        struct timespec t0, t1;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        tests[i].fn();
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("%s %s (%.2f s)\n", failures == before ? "ok  " : "FAIL", tests[i].name,
               (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    }
    fake_mem_release();
    printf("evtchn: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
