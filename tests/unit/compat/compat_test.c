/*
 * Host tests of the compat translation (xen/common/compat/memory.c and
 * grant_table.c) under ASan and UBSan.
 *
 * The compat handlers are linked against fakes of everything around
 * them: a 32-bit guest's memory (three pages, then a hole), the vCPU's
 * translation area with the same bypass as xen/arch/x86/guestcopy.c,
 * continuations as hvm.c keeps them, and native do_memory_op() /
 * do_grant_table_op() that record the native structures they were given
 * and answer as scripted.  Checked: field-by-field translation both ways,
 * exact-size reads (a 28-byte structure ending a page before the hole),
 * batching through the area, continuations mapped back onto the guest's
 * structure, results saturated to the int range.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypercall_env.h"
#include <xen/compat.h>
#include <public/memory.h>
#include <public/grant_table.h>
#include <compat/memory.h>
#include <compat/grant_table.h>

#include "fake_arch.h"

#include "../check.h"

/* ------------------------------------------------------------ guest memory */

/* A 32-bit guest's pages at GVA, then nothing. */
#define GVA         0x10000000UL
#define GPAGES      4
#define HOLE        (GVA + GPAGES * 4096UL)
static unsigned char gmem[GPAGES * 4096] __attribute__((aligned(4096)));
#define G(off)      (GVA + (uint64_t)(off))
#define GP(off)     ((void *)&gmem[(off)])

/* The translation area, and whether we are "in a 32-bit hypercall". */
static unsigned char *xlat;
static bool in_compat;
static unsigned long area_reads;        /* bytes the natives read from the area */

static unsigned char *byte_at(uint64_t va, unsigned long len)
{
    uint64_t off = va - (uint64_t)(uintptr_t)xlat;

    if (in_compat && off < COMPAT_XLAT_SIZE && len <= COMPAT_XLAT_SIZE - off)
        return xlat + off;
    if (va >= GVA && va < HOLE && len <= HOLE - va)
        return &gmem[va - GVA];
    return NULL;
}

unsigned long arch_copy_to_guest(uint64_t guest_va, const void *src, unsigned long len)
{
    for (unsigned long i = 0; i < len; i++) {
        unsigned char *p = byte_at(guest_va + i, 1);

        if (!p)
            return len - i;
        *p = ((const unsigned char *)src)[i];
    }
    return 0;
}

unsigned long arch_copy_from_guest(void *dst, uint64_t guest_va, unsigned long len)
{
    for (unsigned long i = 0; i < len; i++) {
        unsigned char *p = byte_at(guest_va + i, 1);

        if (!p)
            return len - i;
        ((unsigned char *)dst)[i] = *p;
    }
    return 0;
}

unsigned long arch_clear_guest(uint64_t guest_va, unsigned long len)
{
    static const unsigned char zero[1];

    for (unsigned long i = 0; i < len; i++)
        if (arch_copy_to_guest(guest_va + i, zero, 1))
            return len - i;
    return 0;
}

/* ------------------------------------------------------------ hvm.c's side */

static bool preempted, softirq_is_pending;
static unsigned long cont_args[5];
static unsigned int cont_op, cont_count;

void *compat_xlat_area(void)
{
    return in_compat ? xlat : NULL;
}

bool compat_continued(void)
{
    return preempted;
}

unsigned long compat_cont_arg(unsigned int i)
{
    return i < 5 ? cont_args[i] : 0;
}

void compat_cont_set_arg(unsigned int i, unsigned long val)
{
    if (i < 5 && preempted)
        cont_args[i] = val;
}

unsigned long hypercall_create_continuation(unsigned int op, const char *format, ...)
{
    va_list ap;
    unsigned int n = 0;

    preempted = true;
    cont_count++;
    cont_op = op;
    va_start(ap, format);
    for (; *format && n < 5; format++, n++) {
        switch (*format) {
        case 'i': cont_args[n] = va_arg(ap, unsigned int); break;
        case 'l': cont_args[n] = va_arg(ap, unsigned long); break;
        case 'h': cont_args[n] = (uint64_t)(uintptr_t)va_arg(ap, void *); break;
        default: abort();
        }
    }
    va_end(ap);
    return op;
}

bool softirq_pending(unsigned int cpu)
{
    (void)cpu;
    return softirq_is_pending;
}

DEFINE_PER_CPU(struct vcpu *, curr_vcpu);
static struct domain dom0;
static struct vcpu v0;
static struct grant_table *fake_gt = (struct grant_table *)1;     /* never dereferenced */

/* ------------------------------------------------------------ native fakes */

/* What the last native calls saw (at most 8). */
#define MAX_CALLS 8
static struct native_call {
    unsigned long cmd;
    unsigned int count;
    union {
        struct xen_memory_reservation rsrv;
        struct xen_add_to_physmap atp;
        struct xen_add_to_physmap_batch atpb;
        struct xen_remove_from_physmap rfp;
        struct xen_memory_map map;
        struct xen_mem_acquire_resource mar;
        struct xen_vnuma_topology_info vnuma;
        struct xen_memory_exchange xchg;
        struct gnttab_setup_table setup;
        struct gnttab_get_status_frames gsf;
    } u;
    xen_pfn_t list[4096];               /* frames / idxs the native read */
    xen_pfn_t list2[1024];              /* gpfns (batch) */
    struct gnttab_copy copies[256];
} calls[MAX_CALLS];
static unsigned int nr_calls;

static long native_result = 0;          /* what a query answers */
static unsigned int native_stop_after;  /* continue after this many (0: never) */

static struct native_call *new_call(unsigned long cmd, unsigned int count)
{
    struct native_call *c = &calls[nr_calls < MAX_CALLS ? nr_calls : MAX_CALLS - 1];

    nr_calls++;
    memset(c, 0, sizeof(*c));
    c->cmd = cmd;
    c->count = count;
    return c;
}

static uint64_t hva(const void *h)
{
    return (uint64_t)(uintptr_t)h;
}

long do_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    unsigned int op = cmd & 63, start = (unsigned int)(cmd >> 6);
    struct native_call *c = new_call(cmd, 0);
    uint64_t a = guest_handle_va(arg);

    switch (op) {
    case XENMEM_populate_physmap:
    case XENMEM_increase_reservation: {
        struct xen_memory_reservation *r = &c->u.rsrv;
        unsigned int i;

        CHECK(!arch_copy_from_guest(r, a, sizeof(*r)), "native reads reservation");
        area_reads += sizeof(*r);
        for (i = start; i < r->nr_extents; i++) {
            xen_pfn_t f;
            uint64_t slot = hva(r->extent_start.p) + (uint64_t)i * sizeof(f);

            if (native_stop_after && i - start == native_stop_after)
                return (long)hypercall_create_continuation(__HYPERVISOR_memory_op, "lh",
                                                           op | ((unsigned long)i << 6), a);
            if (op == XENMEM_populate_physmap) {
                CHECK(!arch_copy_from_guest(&f, slot, sizeof(f)), "native reads frame %u", i);
                c->list[i - start] = f;
                f += 0x100;
            } else {
                f = 0x1000 + i;
            }
            CHECK(!arch_copy_to_guest(slot, &f, sizeof(f)), "native writes frame %u", i);
        }
        return i;
    }

    case XENMEM_add_to_physmap:
        CHECK(!arch_copy_from_guest(&c->u.atp, a, sizeof(c->u.atp)), "native reads atp");
        return 0;

    case XENMEM_add_to_physmap_batch: {
        struct xen_add_to_physmap_batch *b = &c->u.atpb;

        CHECK(!arch_copy_from_guest(b, a, sizeof(*b)), "native reads batch");
        for (unsigned int i = start; i < b->size; i++) {
            int err = -(int)i;

            if (native_stop_after && i - start == native_stop_after)
                return (long)hypercall_create_continuation(__HYPERVISOR_memory_op, "lh",
                                                           op | ((unsigned long)i << 6), a);
            CHECK(!arch_copy_from_guest(&c->list[i - start], hva(b->idxs.p) + i * 8UL, 8),
                  "native reads idx %u", i);
            CHECK(!arch_copy_from_guest(&c->list2[i - start], hva(b->gpfns.p) + i * 8UL, 8),
                  "native reads gpfn %u", i);
            CHECK(!arch_copy_to_guest(hva(b->errs.p) + i * 4UL, &err, 4), "native writes err");
        }
        return 0;
    }

    case XENMEM_remove_from_physmap:
        CHECK(!arch_copy_from_guest(&c->u.rfp, a, sizeof(c->u.rfp)), "native reads rfp");
        return 0;

    case XENMEM_acquire_resource: {
        struct xen_mem_acquire_resource *m = &c->u.mar;

        CHECK(!arch_copy_from_guest(m, a, sizeof(*m)), "native reads mar");
        if (!m->frame_list.p) {
            m->nr_frames = 40;
            CHECK(!arch_copy_to_guest(a + offsetof(struct xen_mem_acquire_resource, nr_frames),
                                      &m->nr_frames, 4), "native writes nr_frames");
            return 0;
        }
        for (unsigned int i = start; i < m->nr_frames; i++) {
            if (native_stop_after && i - start == native_stop_after)
                return (long)hypercall_create_continuation(__HYPERVISOR_memory_op, "lh",
                                                           op | ((unsigned long)i << 6), a);
            CHECK(!arch_copy_from_guest(&c->list[i], hva(m->frame_list.p) + i * 8UL, 8),
                  "native reads frame %u", i);
        }
        return 0;
    }

    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return native_result;

    case XENMEM_exchange: {
        struct xen_memory_exchange *x = &c->u.xchg;
        unsigned int delta_in = x->in.extent_order, delta_out;

        CHECK(!arch_copy_from_guest(x, a, sizeof(*x)), "native reads exchange");
        delta_in = x->in.extent_order;
        delta_out = x->out.extent_order;
        CHECK((x->in.nr_extents << delta_in) == (x->out.nr_extents << delta_out),
              "batch sizes agree");
        for (unsigned long i = x->nr_exchanged; i < x->in.nr_extents; i++) {
            xen_pfn_t f;

            CHECK(!arch_copy_from_guest(&f, hva(x->in.extent_start.p) + i * 8, 8), "in %lu", i);
            if (i - x->nr_exchanged < 4096)
                c->list[i - x->nr_exchanged] = f;
        }
        /* Same orders in these tests: one out per in, 0x100 above it. */
        for (unsigned long j = x->nr_exchanged; j < x->out.nr_extents; j++) {
            xen_pfn_t f;

            CHECK(!arch_copy_from_guest(&f, hva(x->in.extent_start.p) + j * 8, 8), "in %lu", j);
            f += 0x100;
            CHECK(!arch_copy_to_guest(hva(x->out.extent_start.p) + j * 8, &f, 8), "out %lu", j);
        }
        x->nr_exchanged = x->in.nr_extents;
        CHECK(!arch_copy_to_guest(a + offsetof(struct xen_memory_exchange, nr_exchanged),
                                  &x->nr_exchanged, sizeof(x->nr_exchanged)), "done back");
        return 0;
    }

    case XENMEM_get_vnumainfo: {
        struct xen_vnuma_topology_info *t = &c->u.vnuma;

        CHECK(!arch_copy_from_guest(t, a, sizeof(*t)), "native reads vnuma");
        t->nr_vnodes = 1;
        t->nr_vcpus = 2;
        t->nr_vmemranges = 3;
        CHECK(!arch_copy_to_guest(a, t, sizeof(*t)), "native writes vnuma");
        return -ENOBUFS;
    }

    default:
        if (cmd == XENMEM_memory_map) {
            struct xen_memory_map *m = &c->u.map;
            static const struct { uint64_t a, s; uint32_t t; } __attribute__((packed)) e[2] = {
                { 0, 0xa0000, 1 }, { 0x100000, 0x1000000, 1 },
            };

            CHECK(!arch_copy_from_guest(m, a, sizeof(*m)), "native reads map");
            if (m->nr_entries > 2)
                m->nr_entries = 2;
            if (arch_copy_to_guest(hva(m->buffer.p), e, m->nr_entries * sizeof(e[0])) ||
                arch_copy_to_guest(a, m, sizeof(*m)))
                return -EFAULT;
            return 0;
        }
        return -ENOSYS;
    }
}

long do_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    struct native_call *c = new_call(cmd, count);
    uint64_t a = guest_handle_va(uop);

    switch (cmd) {
    case GNTTABOP_setup_table: {
        struct gnttab_setup_table *s = &c->u.setup;

        CHECK(!arch_copy_from_guest(s, a, sizeof(*s)), "native reads setup");
        for (unsigned int i = 0; i < s->nr_frames; i++) {
            xen_pfn_t f = i == 1 ? ~(xen_pfn_t)0 : 0x5000 + i;

            CHECK(!arch_copy_to_guest(hva(s->frame_list.p) + i * 8UL, &f, 8), "frame");
        }
        s->status = GNTST_okay;
        CHECK(!arch_copy_to_guest(a + offsetof(struct gnttab_setup_table, status), &s->status,
                                  2), "status");
        return 0;
    }
    case GNTTABOP_copy:
        for (unsigned int i = 0; i < count; i++) {
            struct gnttab_copy op;

            if (native_stop_after && i == native_stop_after)
                return (long)hypercall_create_continuation(__HYPERVISOR_grant_table_op, "ihi",
                                                           cmd, a + i * sizeof(op), count - i);
            CHECK(!arch_copy_from_guest(&op, a + i * sizeof(op), sizeof(op)), "copy %u", i);
            if (i < 256)
                c->copies[i] = op;
            op.status = (int16_t)-(int)(i % 7);
            CHECK(!arch_copy_to_guest(a + i * sizeof(op) + offsetof(struct gnttab_copy, status),
                                      &op.status, 2), "copy status %u", i);
        }
        return 0;
    case GNTTABOP_query_size:
        return native_result;
    default:
        return -ENOSYS;
    }
}

/* ------------------------------------------------------------ helpers */

static void reset(void)
{
    memset(gmem, 0x5a, sizeof(gmem));
    memset(xlat, 0xee, COMPAT_XLAT_SIZE);
    nr_calls = 0;
    preempted = false;
    softirq_is_pending = false;
    cont_count = 0;
    memset(cont_args, 0, sizeof(cont_args));
    native_result = 0;
    native_stop_after = 0;
    in_compat = true;
}

static long mem32(unsigned int cmd, uint64_t arg)
{
    XEN_GUEST_HANDLE_PARAM(void) h;

    set_xen_guest_handle(h, (void *)(uintptr_t)arg);
    return compat_memory_op(cmd, h);
}

static long gnt32(unsigned int cmd, uint64_t arg, unsigned int count)
{
    XEN_GUEST_HANDLE_PARAM(void) h;

    set_xen_guest_handle(h, (void *)(uintptr_t)arg);
    return compat_grant_table_op(cmd, h, count);
}

/* ------------------------------------------------------------ tests */

static void test_saturation(void)
{
    reset();
    CHECK(compat_result(0x7fffffffL) == 0x7fffffff, "INT_MAX stays");
    CHECK(compat_result(0x80000000L) == 0x7fffffff, "INT_MAX + 1 saturates");
    CHECK(compat_result(0xffffffffL) == 0x7fffffff, "UINT_MAX saturates");
    CHECK(compat_result(-0x80000000L) == -0x7fffffff - 1, "INT_MIN stays");
    CHECK(compat_result(-0x80000001L) == -0x7fffffff - 1, "below INT_MIN saturates");
    CHECK(compat_result(-ENOSYS) == -ENOSYS, "errnos pass");
    /* Through the handler, both ends. */
    native_result = 0xffffffffL;
    CHECK_RC(mem32(XENMEM_maximum_reservation, G(0)), 0x7fffffff);
    native_result = -0x100000000L;
    CHECK_RC(mem32(XENMEM_maximum_gpfn, G(0)), -0x7fffffffL - 1);
    native_result = 0x123;
    CHECK_RC(mem32(XENMEM_maximum_gpfn, G(0)), 0x123);
    /* The same-layout queries hand the guest's pointer through. */
    CHECK(nr_calls == 3 && calls[2].cmd == XENMEM_maximum_gpfn, "passed through");
    native_result = 0x1ffffffffL;
    CHECK_RC(gnt32(GNTTABOP_query_size, G(0), 1), 0x7fffffff);
    /* Not in a 32-bit hypercall: refused (the area is not there). */
    in_compat = false;
    CHECK_RC(mem32(XENMEM_maximum_reservation, G(0)), -ENOSYS);
}

static void test_acquire_resource(void)
{
    struct compat_mem_acquire_resource *r;
    uint64_t at = HOLE - sizeof(*r);

    /* 28 bytes ending the last page before the hole: read exactly those. */
    reset();
    CHECK(sizeof(*r) == 28, "compat acquire_resource is 28 bytes");
    r = GP(at - GVA);
    memset(r, 0, sizeof(*r));
    r->domid = 7;
    r->type = 1;
    r->id = 0x11223344;
    r->frame = 0x0000000200000003ULL;
    CHECK_RC(mem32(XENMEM_acquire_resource, at), 0);
    CHECK(nr_calls == 1, "one native call");
    CHECK(calls[0].u.mar.domid == 7 && calls[0].u.mar.type == 1 &&
          calls[0].u.mar.id == 0x11223344 && calls[0].u.mar.frame == 0x0000000200000003ULL &&
          calls[0].u.mar.frame_list.p == NULL, "fields widened");
    CHECK(r->nr_frames == 40, "size query answered: %u", r->nr_frames);
    CHECK(r->domid == 7 && r->id == 0x11223344, "nothing else written");

    /* Four bytes further: the last four are in the hole. */
    reset();
    CHECK_RC(mem32(XENMEM_acquire_resource, at + 4), -EFAULT);
    CHECK(nr_calls == 0, "native not called");

    /* A list of 2500 frames: three batches through the area. */
    reset();
    r = GP(0);
    memset(r, 0, sizeof(*r));
    r->domid = 3;
    r->nr_frames = 2500;
    r->frame = 10;
    set_compat_handle_addr(r->frame_list, G(64));
    for (unsigned int i = 0; i < 2500; i++)
        ((uint32_t *)GP(64))[i] = 0xfff00000u + i;
    CHECK_RC(mem32(XENMEM_acquire_resource, G(0)), 0);
    CHECK(nr_calls == 3, "three batches: %u", nr_calls);
    {
        unsigned int slots = (COMPAT_XLAT_SIZE - sizeof(struct xen_mem_acquire_resource)) / 8;
        unsigned int seen = 0;

        for (unsigned int b = 0; b < 3 && b < nr_calls; b++) {
            CHECK(calls[b].cmd == XENMEM_acquire_resource, "batch %u: no progress bits", b);
            CHECK(calls[b].u.mar.frame == 10 + seen, "batch %u starts at %llu", b,
                  (unsigned long long)calls[b].u.mar.frame);
            for (unsigned int i = 0; i < calls[b].u.mar.nr_frames; i++)
                if (calls[b].list[i] != 0xfff00000u + seen + i) {
                    CHECK(false, "batch %u frame %u = %#llx", b, i,
                          (unsigned long long)calls[b].list[i]);
                    break;
                }
            CHECK(calls[b].u.mar.nr_frames <= slots, "batch fits the area");
            seen += calls[b].u.mar.nr_frames;
        }
        CHECK(seen == 2500, "all frames: %u", seen);
    }

    /* The native handler continues after 100 of a batch: over the guest's call. */
    reset();
    r = GP(0);
    memset(r, 0, sizeof(*r));
    r->nr_frames = 2500;
    set_compat_handle_addr(r->frame_list, G(64));
    native_stop_after = 100;
    CHECK_RC(mem32(XENMEM_acquire_resource | (1500U << 6), G(0)), __HYPERVISOR_memory_op);
    CHECK(cont_args[0] == (XENMEM_acquire_resource | (1600UL << 6)) && cont_args[1] == G(0),
          "continuation %#lx %#lx", cont_args[0], cont_args[1]);
    /* Progress beyond the list. */
    reset();
    r = GP(0);
    memset(r, 0, sizeof(*r));
    r->nr_frames = 5;
    set_compat_handle_addr(r->frame_list, G(64));
    CHECK_RC(mem32(XENMEM_acquire_resource | (5U << 6), G(0)), -EINVAL);
}

static void test_reservation(void)
{
    struct compat_memory_reservation *r;
    uint32_t *list = GP(64);

    /* populate_physmap of 1500 extents: in, widened; out, narrowed. */
    reset();
    r = GP(0);
    memset(r, 0, sizeof(*r));
    set_compat_handle_addr(r->extent_start, G(64));
    r->nr_extents = 1500;
    r->extent_order = 0;
    r->domid = DOMID_SELF;
    for (unsigned int i = 0; i < 1500; i++)
        list[i] = 0xf0000000u + i;
    CHECK_RC(mem32(XENMEM_populate_physmap, G(0)), 1500);
    CHECK(nr_calls == 2, "two batches: %u", nr_calls);
    CHECK(calls[0].u.rsrv.domid == DOMID_SELF, "domid");
    CHECK(calls[0].list[0] == 0xf0000000u && calls[0].list[1] == 0xf0000001u,
          "zero-extended: %#llx", (unsigned long long)calls[0].list[0]);
    CHECK(calls[1].cmd >> 6 == calls[0].u.rsrv.nr_extents, "second batch starts after the first");
    CHECK(list[0] == 0xf0000100u && list[1499] == 0xf0000100u + 1499, "narrowed back: %#x %#x",
          list[0], list[1499]);
    CHECK(list[1500] == 0x5a5a5a5a, "nothing past the list");

    /* Preempted between batches: a continuation over the guest's structure. */
    reset();
    r = GP(0);
    memset(r, 0, sizeof(*r));
    set_compat_handle_addr(r->extent_start, G(64));
    r->nr_extents = 1500;
    softirq_is_pending = true;
    CHECK_RC(mem32(XENMEM_increase_reservation, G(0)), __HYPERVISOR_memory_op);
    CHECK(nr_calls == 1 && cont_count == 1, "one batch, then continue");
    CHECK(cont_args[0] >> 6 == calls[0].u.rsrv.nr_extents &&
          (cont_args[0] & 63) == XENMEM_increase_reservation && cont_args[1] == G(0),
          "continuation %#lx %#lx", cont_args[0], cont_args[1]);
    CHECK(list[0] == 0x1000 && list[1] == 0x1001, "results of the batch written");

    /* The native continues itself: done results out, pointer mapped back. */
    reset();
    r = GP(0);
    memset(r, 0, sizeof(*r));
    set_compat_handle_addr(r->extent_start, G(64));
    r->nr_extents = 50;
    native_stop_after = 7;
    CHECK_RC(mem32(XENMEM_increase_reservation | (3U << 6), G(0)), __HYPERVISOR_memory_op);
    CHECK(cont_args[0] == (XENMEM_increase_reservation | (10UL << 6)) && cont_args[1] == G(0),
          "continuation %#lx %#lx", cont_args[0], cont_args[1]);
    CHECK(list[3] == 0x1003 && list[9] == 0x1009 && list[10] == 0x5a5a5a5a && list[2] == 0x5a5a5a5a,
          "extents 3..9 written");

    /* exchange: 1500 extents in three batches, frames both ways. */
    reset();
    {
        struct compat_memory_exchange *x = GP(0);
        uint32_t *in = GP(64), *out = GP(64 + 1500 * 4);

        CHECK(sizeof(*x) == 44, "compat memory_exchange is 44 bytes");
        memset(x, 0, sizeof(*x));
        set_compat_handle_addr(x->in.extent_start, G(64));
        set_compat_handle_addr(x->out.extent_start, G(64 + 1500 * 4));
        x->in.nr_extents = x->out.nr_extents = 1500;
        x->in.domid = x->out.domid = DOMID_SELF;
        for (unsigned int i = 0; i < 1500; i++)
            in[i] = 0xe0000000u + i;
        CHECK_RC(mem32(XENMEM_exchange, G(0)), 0);
        CHECK(nr_calls == 3, "three batches: %u", nr_calls);
        CHECK(x->nr_exchanged == 1500, "all exchanged: %u", x->nr_exchanged);
        CHECK(out[0] == 0xe0000100u && out[1499] == 0xe0000100u + 1499, "out narrowed: %#x %#x",
              out[0], out[1499]);
        CHECK(calls[1].list[0] == 0xe0000000u + calls[0].u.xchg.in.nr_extents,
              "second batch starts after the first");
        /* The guest's own numbers are checked first. */
        x->nr_exchanged = 0;
        x->out.nr_extents = 1499;
        CHECK_RC(mem32(XENMEM_exchange, G(0)), -EINVAL);
        x->out.nr_extents = 750;
        x->out.extent_order = 1;
        x->nr_exchanged = 3;                /* not a whole output extent */
        CHECK_RC(mem32(XENMEM_exchange, G(0)), -EINVAL);
        x->in.extent_order = 40;
        CHECK_RC(mem32(XENMEM_exchange, G(0)), -EINVAL);
        CHECK_RC(mem32(XENMEM_exchange | (1U << 6), G(0)), -EINVAL);
    }

    /* Unreadable argument: the progress so far, as Xen. */
    reset();
    CHECK_RC(mem32(XENMEM_populate_physmap | (4U << 6), HOLE - 8), 4);
}

static void test_physmap(void)
{
    struct compat_add_to_physmap *a = GP(0);
    struct compat_add_to_physmap_batch *b = GP(0);
    struct compat_remove_from_physmap *rm = GP(0);
    struct compat_memory_map *mm = GP(0);
    uint32_t *idx = GP(256), *gpfn = GP(4096);
    int32_t *err = GP(8192);

    reset();
    memset(a, 0, sizeof(*a));
    a->domid = 5;
    a->size = 9;
    a->space = XENMAPSPACE_gmfn_range;
    a->idx = 0xffffffffu;
    a->gpfn = 0x80000000u;
    CHECK_RC(mem32(XENMEM_add_to_physmap | (2U << 6), G(0)), 0);
    CHECK(calls[0].cmd == (XENMEM_add_to_physmap | (2UL << 6)), "cmd kept");
    CHECK(calls[0].u.atp.domid == 5 && calls[0].u.atp.size == 9 &&
          calls[0].u.atp.space == XENMAPSPACE_gmfn_range &&
          calls[0].u.atp.idx == 0xffffffffUL && calls[0].u.atp.gpfn == 0x80000000UL,
          "add_to_physmap widened (zero-extension)");

    reset();
    memset(b, 0, sizeof(*b));
    b->domid = DOMID_SELF;
    b->space = XENMAPSPACE_gmfn_foreign;
    b->u.foreign_domid = 4;
    b->size = 600;
    set_compat_handle_addr(b->idxs, G(256));
    set_compat_handle_addr(b->gpfns, G(4096));
    set_compat_handle_addr(b->errs, G(8192));
    for (unsigned int i = 0; i < 600; i++) {
        idx[i] = 1000 + i;
        gpfn[i] = 0xfffff000u + i;
    }
    CHECK_RC(mem32(XENMEM_add_to_physmap_batch, G(0)), 0);
    CHECK(nr_calls == 2, "two batches: %u", nr_calls);
    CHECK(calls[0].u.atpb.u.foreign_domid == 4 && calls[0].u.atpb.space ==
          XENMAPSPACE_gmfn_foreign, "batch header");
    CHECK(calls[0].list[0] == 1000 && calls[0].list2[0] == 0xfffff000u, "first entry");
    CHECK(calls[1].cmd >> 6 == calls[0].u.atpb.size && calls[1].u.atpb.size == 600,
          "second batch: %lu..%u", calls[1].cmd >> 6, calls[1].u.atpb.size);
    CHECK(calls[1].list[599 - (calls[1].cmd >> 6)] == 1599, "last idx");
    CHECK(err[0] == 0 && err[1] == -1 && err[599] == -599, "errors straight to the guest");

    reset();
    memset(b, 0, sizeof(*b));
    b->size = 40;
    set_compat_handle_addr(b->idxs, G(256));
    set_compat_handle_addr(b->gpfns, G(4096));
    set_compat_handle_addr(b->errs, G(8192));
    native_stop_after = 5;
    CHECK_RC(mem32(XENMEM_add_to_physmap_batch | (10U << 6), G(0)), __HYPERVISOR_memory_op);
    CHECK(cont_args[0] == (XENMEM_add_to_physmap_batch | (15UL << 6)) && cont_args[1] == G(0),
          "batch continuation %#lx %#lx", cont_args[0], cont_args[1]);
    /* Unreadable index list. */
    reset();
    memset(b, 0, sizeof(*b));
    b->size = 2;
    set_compat_handle_addr(b->idxs, HOLE - 4);
    set_compat_handle_addr(b->gpfns, G(4096));
    CHECK_RC(mem32(XENMEM_add_to_physmap_batch, G(0)), -EFAULT);

    reset();
    rm->domid = 9;
    rm->gpfn = 0xfedcba98u;
    CHECK_RC(mem32(XENMEM_remove_from_physmap, G(0)), 0);
    CHECK(calls[0].u.rfp.domid == 9 && calls[0].u.rfp.gpfn == 0xfedcba98UL, "remove widened");
    CHECK(sizeof(*rm) == 8, "compat remove_from_physmap is 8 bytes");

    reset();
    mm->nr_entries = 5;
    set_compat_handle_addr(mm->buffer, G(256));
    CHECK_RC(mem32(XENMEM_memory_map, G(0)), 0);
    CHECK(mm->nr_entries == 2 && compat_handle_addr(mm->buffer) == G(256), "count back");
    {
        uint64_t second;

        memcpy(&second, GP(256 + 20), sizeof(second));
        CHECK(second == 0x100000, "entries straight to the guest");
    }
    CHECK(((unsigned char *)GP(0))[8] == 0x5a, "8 bytes written");
    /* vNUMA: handles from their low halves only; the counts come back with -ENOBUFS. */
    reset();
    {
        struct compat_vnuma_topology_info *v = GP(0);

        memset(v, 0xff, sizeof(*v));
        v->domid = DOMID_SELF;
        v->pad = 0;
        v->nr_vnodes = v->nr_vcpus = v->nr_vmemranges = 0;
        v->vdistance.h.c = (uint32_t)G(512);
        v->vcpu_to_vnode.h.c = (uint32_t)G(1024);
        v->vmemrange.h.c = (uint32_t)G(2048);
        CHECK(sizeof(*v) == 40, "compat vnuma_topology_info is 40 bytes");
        CHECK_RC(mem32(XENMEM_get_vnumainfo, G(0)), -ENOBUFS);
        CHECK(hva(calls[0].u.vnuma.vdistance.h.p) == G(512) &&
              hva(calls[0].u.vnuma.vcpu_to_vnode.h.p) == G(1024) &&
              hva(calls[0].u.vnuma.vmemrange.h.p) == G(2048), "handles zero-extended");
        CHECK(v->nr_vnodes == 1 && v->nr_vcpus == 2 && v->nr_vmemranges == 3, "counts back");
        CHECK(v->vdistance.h.c == (uint32_t)G(512), "handle left as it was");
    }
    /* With continuation bits the arch sub-op does not exist. */
    CHECK_RC(mem32(XENMEM_memory_map | (1U << 6), G(0)), -ENOSYS);
}

static void test_gnttab(void)
{
    struct compat_gnttab_setup_table *s = GP(0);
    struct compat_gnttab_copy *c = GP(64);
    uint32_t *frames = GP(2048);

    reset();
    memset(s, 0, sizeof(*s));
    s->dom = DOMID_SELF;
    s->nr_frames = 3;
    s->status = 77;
    set_compat_handle_addr(s->frame_list, G(2048));
    CHECK_RC(gnt32(GNTTABOP_setup_table, G(0), 1), 0);
    CHECK(calls[0].count == 1 && calls[0].u.setup.nr_frames == 3, "native setup_table");
    CHECK(s->status == GNTST_okay, "status %d", s->status);
    CHECK(frames[0] == 0x5000 && frames[1] == 0xffffffffu && frames[2] == 0x5002 &&
          frames[3] == 0x5a5a5a5a, "frames narrowed: %#x %#x %#x %#x", frames[0], frames[1],
          frames[2], frames[3]);
    CHECK_RC(gnt32(GNTTABOP_setup_table, G(0), 2), -EINVAL);
    CHECK_RC(gnt32(GNTTABOP_setup_table, G(0), 0), 0);
    CHECK_RC(gnt32(GNTTABOP_setup_table, G(0), 0x80000000u), -EINVAL);
    /* An unwritable frame list: status, not errno. */
    reset();
    memset(s, 0, sizeof(*s));
    s->nr_frames = 2;
    set_compat_handle_addr(s->frame_list, HOLE - 4);
    CHECK_RC(gnt32(GNTTABOP_setup_table, G(0), 1), 0);
    CHECK(s->status == GNTST_bad_virt_addr, "status %d", s->status);

    /* 300 copies: two batches, statuses at the guest's offsets. */
    reset();
    CHECK(sizeof(*c) == 24, "compat gnttab_copy is 24 bytes");
    for (unsigned int i = 0; i < 300; i++) {
        memset(&c[i], 0, sizeof(c[i]));
        c[i].flags = i & 1 ? GNTCOPY_source_gref : GNTCOPY_dest_gref;
        c[i].source.u.gmfn = 0xfffff000u + i;       /* gref when flagged: same bits */
        c[i].source.domid = DOMID_SELF;
        c[i].dest.u.ref = 40 + i;
        c[i].dest.offset = (uint16_t)i;
        c[i].len = 8;
    }
    CHECK_RC(gnt32(GNTTABOP_copy, G(64), 300), 0);
    CHECK(nr_calls == 2, "two batches: %u", nr_calls);
    CHECK(calls[0].copies[0].source.u.gmfn == 0xfffff000u && calls[0].copies[0].dest.u.ref == 40 &&
          calls[0].copies[1].source.u.ref == 0xfffff001u && calls[0].copies[0].len == 8 &&
          calls[0].copies[5].dest.offset == 5, "entries widened");
    CHECK(c[0].status == 0 && c[1].status == -1 && c[6].status == -6 && c[7].status == 0,
          "statuses: %d %d %d %d", c[0].status, c[1].status, c[6].status, c[7].status);
    {
        unsigned int first = calls[0].count;

        CHECK(first + calls[1].count == 300, "all entries: %u + %u", first, calls[1].count);
        CHECK(c[first].status == 0 && c[first + 1].status == -1, "second batch statuses");
        CHECK(c[299].len == 8 && c[299].dest.offset == 299, "entries otherwise untouched");
    }

    /* The native continues after 50: over the guest's array. */
    reset();
    for (unsigned int i = 0; i < 100; i++) {
        memset(&c[i], 0, sizeof(c[i]));
        c[i].len = 1;
        c[i].status = 99;
    }
    native_stop_after = 50;
    CHECK_RC(gnt32(GNTTABOP_copy, G(64), 100), __HYPERVISOR_grant_table_op);
    CHECK(cont_args[0] == GNTTABOP_copy && cont_args[1] == G(64) + 50 * 24 &&
          cont_args[2] == 50, "copy continuation %#lx %#lx %lu", cont_args[0], cont_args[1],
          cont_args[2]);
    CHECK(c[48].status == -(48 % 7) && c[49].status == 0 && c[50].status == 99,
          "statuses of the done ones only: %d %d %d", c[48].status, c[49].status, c[50].status);

    /* A copy array running into the hole. */
    reset();
    CHECK_RC(gnt32(GNTTABOP_copy, HOLE - 24, 2), -EFAULT);
    /* Same-layout and unknown ops go straight to the native handler. */
    reset();
    CHECK_RC(gnt32(GNTTABOP_map_grant_ref, G(0), 1), -ENOSYS);
    CHECK(nr_calls == 1 && calls[0].cmd == GNTTABOP_map_grant_ref, "passed through");
}

int main(void)
{
    fake_printk_quiet(true);
    xlat = aligned_alloc(4096, COMPAT_XLAT_SIZE);
    if (!xlat)
        return 2;
    dom0.domain_id = 0;
    dom0.grant_table = fake_gt;
    v0.domain = &dom0;
    this_cpu(curr_vcpu) = &v0;

    test_saturation();
    test_acquire_resource();
    test_reservation();
    test_physmap();
    test_gnttab();

    free(xlat);
    printf("compat translation: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
