/*
 * Host tests of the control hypercalls (xen/common/domctl.c, sysctl.c,
 * multicall.c) and the default XSM policy (xen/xsm/), over the fake arch
 * and the real domain, scheduler, page allocator and console code, under
 * ASan/UBSan.
 *
 * The handlers are called directly, as the trap code would call them for
 * the vCPU that is `current` on the toolstack CPU (TS_CPU, a CPU the
 * scheduler does not know).  Guest memory is a set of host buffers the
 * test declares guest-visible; anything else fails to copy (-EFAULT).
 * The arch half of the control interface (vCPU contexts, physinfo bits,
 * multicall dispatch) is faked here; the real ones are xen/arch/<arch>/
 * domctl.c.  Event channels are stubbed: only the calls domain.c and
 * domctl.c make are needed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/sched.h>
#include <public/version.h>
#include <xsm/xsm.h>
#include "fake_arch.h"

#include "../check.h"

/* The hypercalls under test (their prototypes come from the generated table). */
long do_domctl(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u_domctl);
long do_sysctl(XEN_GUEST_HANDLE_PARAM(xen_sysctl_t) u_sysctl);
long do_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_t) call_list, unsigned int nr_calls);

/* ================================================================ guest memory */

#define ARENA_SIZE  (256 * 1024)
static unsigned char *arena;            /* guest-visible, writable */
static size_t arena_used;
static unsigned char ro_page[4096];     /* guest-visible, read-only */

/* Unmapped for the guest: a host buffer the fake never declared. */
static unsigned char unmapped[4096];

static void *galloc(size_t len)
{
    void *p;

    arena_used = (arena_used + 15) & ~(size_t)15;
    if (arena_used + len > ARENA_SIZE) {
        printf("guest arena exhausted\n");
        exit(1);
    }
    p = arena + arena_used;
    arena_used += len;
    memset(p, 0, len);
    return p;
}

static void greset(void)
{
    arena_used = 0;
}

static unsigned char *guest_byte(uint64_t va, bool write)
{
    uintptr_t a = (uintptr_t)va;

    if (a >= (uintptr_t)arena && a - (uintptr_t)arena < ARENA_SIZE)
        return (unsigned char *)a;
    if (!write && a >= (uintptr_t)ro_page && a - (uintptr_t)ro_page < sizeof(ro_page))
        return (unsigned char *)a;
    return NULL;
}

unsigned long arch_copy_to_guest(uint64_t va, const void *src, unsigned long len)
{
    for (unsigned long i = 0; i < len; i++) {
        unsigned char *p = guest_byte(va + i, true);

        if (!p)
            return len - i;
        *p = ((const unsigned char *)src)[i];
    }
    return 0;
}

unsigned long arch_copy_from_guest(void *dst, uint64_t va, unsigned long len)
{
    for (unsigned long i = 0; i < len; i++) {
        unsigned char *p = guest_byte(va + i, false);

        if (!p)
            return len - i;
        ((unsigned char *)dst)[i] = *p;
    }
    return 0;
}

unsigned long arch_clear_guest(uint64_t va, unsigned long len)
{
    for (unsigned long i = 0; i < len; i++) {
        unsigned char *p = guest_byte(va + i, true);

        if (!p)
            return len - i;
        *p = 0;
    }
    return 0;
}

/* ================================================================ continuations */

static struct {
    unsigned long count;
    unsigned int op;
    unsigned int nargs;
    uint64_t args[5];
    bool pending;               /* for the fake multicall dispatcher */
} cont;

unsigned long hypercall_create_continuation(unsigned int op, const char *format, ...)
{
    va_list ap;

    cont.count++;
    cont.op = op;
    cont.nargs = 0;
    cont.pending = true;
    va_start(ap, format);
    for (; *format && cont.nargs < 5; format++) {
        uint64_t v;

        switch (*format) {
        case 'i': v = va_arg(ap, unsigned int); break;
        case 'h': v = (uint64_t)(uintptr_t)va_arg(ap, void *); break;
        case 'l': v = va_arg(ap, unsigned long); break;
        default: abort();
        }
        cont.args[cont.nargs++] = v;
    }
    va_end(ap);
    return op;
}

/* ================================================================ event-channel stubs */

static struct domain *virq_handler[NR_VIRQS];

int evtchn_init(struct domain *d, unsigned int max_port) { (void)d; (void)max_port; return 0; }
void evtchn_destroy(struct domain *d) { (void)d; }
void evtchn_destroy_final(struct domain *d)
{
    for (unsigned int i = 0; i < NR_VIRQS; i++)
        if (virq_handler[i] == d)
            virq_handler[i] = NULL;
}
int evtchn_vcpu_init(struct vcpu *v) { (void)v; return 0; }
void evtchn_vcpu_destroy(struct vcpu *v) { (void)v; }
void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq) { (void)v; (void)virq; }
void send_global_virq(uint32_t virq) { (void)virq; }

/* Records the handler (the real one, event_channel.c, also takes a reference). */
int set_global_virq_handler(struct domain *d, uint32_t virq)
{
    if (virq >= NR_VIRQS || (virq != VIRQ_CONSOLE && virq != VIRQ_DOM_EXC))
        return -EINVAL;
    virq_handler[virq] = d;
    return 0;
}

/* ================================================================ other surroundings */

static struct {
    unsigned long maps, unmaps;
    uint64_t gfn, mfn, nr;
} p2m_calls;

int p2m_map_range(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned long nr, p2m_type_t t)
{
    (void)d;
    (void)t;
    p2m_calls.maps++;
    p2m_calls.gfn = gfn_x(gfn);
    p2m_calls.mfn = mfn_x(mfn);
    p2m_calls.nr = nr;
    return 0;
}

int p2m_unmap_range(struct domain *d, gfn_t gfn, unsigned long nr)
{
    (void)d;
    p2m_calls.unmaps++;
    p2m_calls.gfn = gfn_x(gfn);
    p2m_calls.nr = nr;
    return 0;
}

/* ================================================================ fake arch control hooks */

#define FAKE_CTXT_BAD_FLAG  0x80000000u     /* a context the fake arch refuses */

static struct {
    struct vcpu *v;
    struct vcpu_guest_context ctxt;
} saved_ctxt[32];
static unsigned long ctx_resets;
static unsigned long addr_size_calls;
static uint32_t last_addr_size;

static struct vcpu_guest_context *ctxt_slot(struct vcpu *v, bool make)
{
    for (unsigned int i = 0; i < 32; i++)
        if (saved_ctxt[i].v == v)
            return &saved_ctxt[i].ctxt;
    if (!make)
        return NULL;
    for (unsigned int i = 0; i < 32; i++)
        if (!saved_ctxt[i].v) {
            saved_ctxt[i].v = v;
            return &saved_ctxt[i].ctxt;
        }
    abort();
}

int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *ctxt)
{
    if (ctxt->flags & FAKE_CTXT_BAD_FLAG)
        return -EINVAL;
    *ctxt_slot(v, true) = *ctxt;
    if (ctxt->flags & VGCF_online)
        vcpu_up(v);
    else
        vcpu_down(v);
    return 0;
}

int arch_get_vcpu_context(struct vcpu *v, struct vcpu_guest_context *ctxt)
{
    struct vcpu_guest_context *s = ctxt_slot(v, false);

    if (s)
        *ctxt = *s;
    ctxt->flags = test_bit(VPF_DOWN, &v->pause_flags) ? 0 : VGCF_online;
    return 0;
}

void arch_reset_vcpu_context(struct vcpu *v)
{
    struct vcpu_guest_context *s = ctxt_slot(v, false);

    ctx_resets++;
    if (s)
        memset(s, 0, sizeof(*s));
}

void arch_get_domain_info(const struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    (void)d;
    info->flags |= XEN_DOMINF_hap;
    info->gpaddr_bits = 40;
}

long arch_do_domctl(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    (void)d;
    if (op->cmd == XEN_DOMCTL_get_address_size) {
        op->u.address_size.size = 64;
        *copyback = true;
        return 0;
    }
    if (op->cmd == XEN_DOMCTL_set_address_size) {
        addr_size_calls++;
        last_addr_size = op->u.address_size.size;
        return op->u.address_size.size == 64 || op->u.address_size.size == 32 ? 0 : -EINVAL;
    }
    return -ENOSYS;
}

void arch_do_physinfo(struct xen_sysctl_physinfo *pi)
{
    pi->cpu_khz = 62500;
    pi->capabilities |= XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap;
}

/*
 * The fake guest's hypercall table for multicall entries: domctl, sysctl,
 * multicall and xen_version stand-in (17: returns args[0] + 1), plus 50,
 * a "long" operation that continues itself while args[0] > 0, counting
 * down by one each time.
 */
#define FAKE_LONG_OP 50

static long fake_long_op(uint64_t n)
{
    if (n > 0)
        return (long)hypercall_create_continuation(FAKE_LONG_OP, "l", (unsigned long)(n - 1));
    return 1234;
}

bool arch_multicall_call(struct multicall_entry *call)
{
    long ret;

    cont.pending = false;
    switch (call->op) {
    case __HYPERVISOR_domctl:
        ret = do_domctl((XEN_GUEST_HANDLE_PARAM(xen_domctl_t)){ (void *)(uintptr_t)call->args[0] });
        break;
    case __HYPERVISOR_sysctl:
        ret = do_sysctl((XEN_GUEST_HANDLE_PARAM(xen_sysctl_t)){ (void *)(uintptr_t)call->args[0] });
        break;
    case __HYPERVISOR_multicall:
        ret = do_multicall((XEN_GUEST_HANDLE_PARAM(multicall_entry_t)){ (void *)(uintptr_t)call->args[0] },
                           (unsigned int)call->args[1]);
        break;
    case __HYPERVISOR_xen_version:
        ret = (long)call->args[0] + 1;
        break;
    case FAKE_LONG_OP:
        ret = fake_long_op(call->args[0]);
        break;
    default:
        ret = -ENOSYS;
        break;
    }
    if (cont.pending) {
        cont.pending = false;
        call->op = cont.op;
        for (unsigned int i = 0; i < cont.nargs; i++)
            call->args[i] = cont.args[i];
        return true;
    }
    call->result = (xen_ulong_t)ret;
    return false;
}

/* ================================================================ machine */

/* The toolstack's CPU: no scheduler there, dom0's vCPU 0 is `current`. */
#define TS_CPU  (CONFIG_NR_CPUS - 1)
#define NCPUS   2                       /* CPUs the scheduler runs */

static struct boot_info bi;
static struct domain *dom0;

static void run_cpu(unsigned int cpu)
{
    unsigned int saved = fake_get_cpu();
    uint64_t d;

    fake_set_cpu(cpu);
    d = fake_timer_deadline(cpu);
    if (d && d <= fake_clock())
        timer_interrupt();
    do_softirq();
    fake_set_cpu(saved);
}

static void settle(void)
{
    for (int round = 0; round < 64; round++) {
        bool any = false;

        for (unsigned int cpu = 0; cpu < NCPUS; cpu++) {
            uint64_t d = fake_timer_deadline(cpu);

            if (softirq_pending(cpu) || (d && d <= fake_clock())) {
                run_cpu(cpu);
                any = true;
            }
        }
        if (!any)
            return;
    }
}

static void relax_run_others(void)
{
    static bool busy;

    if (busy)
        return;
    busy = true;
    for (unsigned int cpu = 0; cpu < NCPUS; cpu++)
        if (softirq_pending(cpu))
            run_cpu(cpu);
    busy = false;
}

static struct domain *mkdom(domid_t id, unsigned int nr_vcpus, bool priv, uint32_t extra_cdf)
{
    struct xen_domctl_createdomain c;
    struct domain *d;
    int err = 1;

    memset(&c, 0, sizeof(c));
    c.max_vcpus = nr_vcpus;
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | extra_cdf;
    c.max_grant_frames = -1;
    c.max_maptrack_frames = -1;
    d = domain_create(id, &c, priv, &err);
    if (!d || err) {
        printf("domain_create(%u): %d\n", id, err);
        exit(1);
    }
    for (unsigned int i = 0; i < nr_vcpus; i++)
        if (!vcpu_create(d, i))
            exit(1);
    return d;
}

/* Make d's vCPU 0 the caller of the hypercalls that follow. */
static void become(struct domain *d)
{
    per_cpu(curr_vcpu, TS_CPU) = d->vcpu[0];
}

static void setup(void)
{
    uint64_t base = 0x40000000ULL;

    fake_reset();
    fake_domain_reset();
    fake_printk_quiet(true);
    fake_mem_init(base, 64 << 20);
    memset(&bi, 0, sizeof(bi));
    bi.mem[bi.nr_mem++] = (struct boot_mem_region){ base, 64 << 20, BOOT_MEM_RAM };
    bi.image_start = base;
    bi.image_end = base + (1 << 20);
    heap_init(&bi);
    xmalloc_init();
    softirq_init();
    timer_init();
    smp_init();
    scheduler_init();
    for (unsigned int cpu = 1; cpu < NCPUS; cpu++) {
        fake_set_cpu(cpu);
        sched_init_cpu(cpu);
        cpumask_set_cpu(cpu, &cpu_online_map);
    }
    fake_set_cpu(TS_CPU);
    fake_relax_hook = relax_run_others;
    fake_clock_set(1000000);
    arena = aligned_alloc(4096, ARENA_SIZE);
    if (!arena)
        exit(1);

    dom0 = mkdom(0, 1, true, 0);
    vcpu_up(dom0->vcpu[0]);
    become(dom0);
}

/* ================================================================ call helpers */

static struct xen_domctl *dc_new(uint32_t cmd, domid_t dom)
{
    struct xen_domctl *op = galloc(sizeof(*op));

    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = dom;
    return op;
}

static long dc_call(struct xen_domctl *op)
{
    return do_domctl((XEN_GUEST_HANDLE_PARAM(xen_domctl_t)){ op });
}

static long dc(uint32_t cmd, domid_t dom)
{
    return dc_call(dc_new(cmd, dom));
}

static struct xen_sysctl *sc_new(uint32_t cmd)
{
    struct xen_sysctl *op = galloc(sizeof(*op));

    op->cmd = cmd;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return op;
}

static long sc_call(struct xen_sysctl *op)
{
    return do_sysctl((XEN_GUEST_HANDLE_PARAM(xen_sysctl_t)){ op });
}

static long mc_call(struct multicall_entry *list, unsigned int nr)
{
    return do_multicall((XEN_GUEST_HANDLE_PARAM(multicall_entry_t)){ list }, nr);
}

/* createdomain through the hypercall; returns the new id, or 0 with *rc set. */
static domid_t create(domid_t want, uint32_t max_vcpus, long *rc_out)
{
    struct xen_domctl *op = dc_new(XEN_DOMCTL_createdomain, want);
    long rc;

    op->u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    op->u.createdomain.max_vcpus = max_vcpus;
    op->u.createdomain.max_grant_frames = -1;
    op->u.createdomain.max_maptrack_frames = -1;
    op->u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    rc = dc_call(op);
    if (rc_out)
        *rc_out = rc;
    return rc ? 0 : op->domain;
}

static struct xen_domctl_getdomaininfo *info_of(domid_t id, long *rc_out)
{
    struct xen_domctl *op = dc_new(XEN_DOMCTL_getdomaininfo, id);
    long rc = dc_call(op);

    if (rc_out)
        *rc_out = rc;
    return &op->u.getdomaininfo;
}

static struct domain *lookup(domid_t id)
{
    struct domain *d = domain_find_from(id);

    if (d) {
        put_domain(d);
        if (d->domain_id != id)
            d = NULL;
    }
    return d;
}

static bool exists(domid_t id)
{
    return lookup(id) != NULL;
}

static long destroy(domid_t id)
{
    long rc;

    do
        rc = dc(XEN_DOMCTL_destroydomain, id);
    while (rc == __HYPERVISOR_domctl);
    return rc;
}

/* ================================================================ domctl tests */

static void test_header(void)
{
    struct xen_domctl *op;

    /* A pointer the guest cannot read: -EFAULT; wrong version: -EACCES. */
    CHECK_RC(do_domctl((XEN_GUEST_HANDLE_PARAM(xen_domctl_t)){ (void *)unmapped }), -EFAULT);
    op = dc_new(XEN_DOMCTL_getdomaininfo, 0);
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
    CHECK_RC(dc_call(op), -EACCES);
    op->interface_version = 0x16;
    CHECK_RC(dc_call(op), -EACCES);
    /* Read-only buffer: the call works but nothing can be copied back. */
    op = (struct xen_domctl *)ro_page;
    memset(op, 0, sizeof(*op));
    op->cmd = XEN_DOMCTL_getdomaininfo;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    CHECK_RC(dc_call(op), -EFAULT);
    /* Commands nobody knows: -ENOSYS; a domain that does not exist: -ESRCH first. */
    CHECK_RC(dc(9999, 0), -ENOSYS);
    CHECK_RC(dc(9999, 77), -ESRCH);
    CHECK_RC(dc(XEN_DOMCTL_pausedomain, DOMID_SELF), -ESRCH);
    CHECK_RC(dc(XEN_DOMCTL_shadow_op, 0), -ENOSYS);
    CHECK_RC(dc(XEN_DOMCTL_test_assign_device, DOMID_INVALID), -ENOSYS);
    CHECK_RC(dc(XEN_DOMCTL_assign_device, DOMID_INVALID), -ESRCH);
    greset();
}

static void test_create(void)
{
    struct xen_domctl *op;
    domid_t a, b, c;
    long rc;

    /* 0 asks for an id: the next free one. */
    a = create(0, 2, &rc);
    CHECK(rc == 0 && a == 1, "create(0): rc %ld id %u", rc, a);
    b = create(0, 1, &rc);
    CHECK(rc == 0 && b == 2, "create(0) again: rc %ld id %u", rc, b);
    c = create(10, 1, &rc);
    CHECK(rc == 0 && c == 10, "create(10): rc %ld id %u", rc, c);
    create(10, 1, &rc);
    CHECK(rc == -EEXIST, "create(10) twice: %ld", rc);
    create(0, 1, &rc);      /* allocation goes on after the last one handed out */
    CHECK(rc == 0 && exists(3), "allocation continues at 3: %ld", rc);
    /* A reserved id also means "choose". */
    c = create(DOMID_FIRST_RESERVED, 1, &rc);
    CHECK(rc == 0 && c == 4, "create(DOMID_FIRST_RESERVED): rc %ld id %u", rc, c);
    c = create(DOMID_SELF, 1, &rc);
    CHECK(rc == 0 && c == 5, "create(DOMID_SELF): rc %ld id %u", rc, c);

    /* Validation. */
    op = dc_new(XEN_DOMCTL_createdomain, 20);
    op->u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | (1u << 12);
    op->u.createdomain.max_vcpus = 1;
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    op->u.createdomain.max_vcpus = 0;
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.createdomain.max_vcpus = DOMAIN_MAX_VCPUS + 1;
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.createdomain.max_vcpus = 1;
    op->u.createdomain.grant_opts = 0x10;
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.createdomain.grant_opts = 1;
    op->u.createdomain.flags = XEN_DOMCTL_CDF_hap;      /* HAP without HVM */
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    fake_sanitise_rc = -EOPNOTSUPP;                     /* the arch refuses */
    CHECK_RC(dc_call(op), -EOPNOTSUPP);
    fake_sanitise_rc = 0;
    /* Taken id beats bad config, as Xen checks the id first. */
    op->domain = 10;
    op->u.createdomain.max_vcpus = 0;
    CHECK_RC(dc_call(op), -EEXIST);
    CHECK(!exists(20), "failed creations left domain 20");
    /* The id goes back in op->domain. */
    op->domain = 20;
    op->u.createdomain.max_vcpus = DOMAIN_MAX_VCPUS;
    CHECK_RC(dc_call(op), 0);
    CHECK(op->domain == 20 && exists(20), "create(20): domain %u", op->domain);
    CHECK(lookup(20)->max_vcpus == DOMAIN_MAX_VCPUS, "max_vcpus recorded");

    for (domid_t id = 1; id <= 5; id++)
        CHECK_RC(destroy(id), 0);
    CHECK_RC(destroy(10), 0);
    CHECK_RC(destroy(20), 0);
    CHECK(!exists(1) && !exists(10) && !exists(20), "domains left after destroy");
    greset();
}

static void test_getdomaininfo(void)
{
    struct xen_domctl_getdomaininfo *gi;
    struct xen_domctl *op;
    struct domain *d;
    domid_t a, b;
    long rc;

    a = create(7, 3, &rc);
    b = create(9, 1, &rc);
    d = lookup(a);

    gi = info_of(a, &rc);
    CHECK(rc == 0 && gi->domain == a, "getdomaininfo(7): %ld %u", rc, gi->domain);
    /* No vCPUs yet: nothing online, max_vcpu_id invalid; created paused. */
    CHECK(gi->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID, "max_vcpu_id %#x", gi->max_vcpu_id);
    CHECK(gi->nr_online_vcpus == 0, "nr_online %u", gi->nr_online_vcpus);
    CHECK((gi->flags & 0xffff) == (XEN_DOMINF_paused | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap),
          "flags %#x", gi->flags);
    CHECK((gi->flags >> XEN_DOMINF_shutdownshift) == 0xffff, "shutdown bits %#x", gi->flags);
    /* Nothing may be allocated before max_mem, as on Xen. */
    CHECK(gi->tot_pages == 0 && gi->max_pages == 0, "pages %llu/%llu",
          (unsigned long long)gi->tot_pages, (unsigned long long)gi->max_pages);
    CHECK(gi->shared_info_frame == mfn_x(d->shared_info_mfn), "shared_info_frame");
    CHECK(gi->gpaddr_bits == 40 && gi->cpupool == 0 && gi->ssidref == 0, "gpaddr/cpupool/ssidref");

    /* max_vcpus: only the number given at creation, never for oneself. */
    op = dc_new(XEN_DOMCTL_max_vcpus, a);
    op->u.max_vcpus.max = 2;
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.max_vcpus.max = 3;
    CHECK_RC(dc_call(op), 0);
    CHECK(d->vcpu[0] && d->vcpu[1] && d->vcpu[2], "vCPUs created");
    CHECK_RC(dc_call(op), 0);       /* again: nothing to do */
    op = dc_new(XEN_DOMCTL_max_vcpus, 0);
    op->u.max_vcpus.max = 1;
    CHECK_RC(dc_call(op), -EINVAL);

    gi = info_of(a, &rc);
    CHECK(gi->max_vcpu_id == 2 && gi->nr_online_vcpus == 0, "max_vcpu_id %u", gi->max_vcpu_id);
    vcpu_up(d->vcpu[1]);
    gi = info_of(a, &rc);
    CHECK(gi->nr_online_vcpus == 1, "one online");
    /* Online and not blocked: not "blocked". */
    CHECK(!(gi->flags & XEN_DOMINF_blocked), "blocked with a runnable vCPU: %#x", gi->flags);
    set_bit(VPF_BLOCKED, &d->vcpu[1]->pause_flags);
    gi = info_of(a, &rc);
    CHECK(gi->flags & XEN_DOMINF_blocked, "not blocked: %#x", gi->flags);
    clear_bit(VPF_BLOCKED, &d->vcpu[1]->pause_flags);

    /* Running: unpause and let the scheduler put the vCPU on a CPU. */
    CHECK_RC(dc(XEN_DOMCTL_unpausedomain, a), 0);
    settle();
    gi = info_of(a, &rc);
    CHECK(!(gi->flags & XEN_DOMINF_paused) && (gi->flags & XEN_DOMINF_running),
          "unpaused, running: %#x", gi->flags);
    fake_clock_advance(5000000);
    settle();
    gi = info_of(a, &rc);
    CHECK(gi->cpu_time >= 5000000, "cpu_time %llu", (unsigned long long)gi->cpu_time);
    CHECK_RC(dc(XEN_DOMCTL_pausedomain, a), 0);
    gi = info_of(a, &rc);
    CHECK((gi->flags & XEN_DOMINF_paused) && !(gi->flags & XEN_DOMINF_running),
          "paused: %#x", gi->flags);

    /* Missing id: the next domain up; none: -ESRCH; reserved: -EINVAL. */
    gi = info_of(8, &rc);
    CHECK(rc == 0 && gi->domain == b, "getdomaininfo(8) -> %u (%ld)", gi->domain, rc);
    op = dc_new(XEN_DOMCTL_getdomaininfo, 8);
    CHECK_RC(dc_call(op), 0);
    CHECK(op->domain == b, "op.domain updated to %u", op->domain);
    info_of(11, &rc);
    CHECK(rc == -ESRCH, "beyond the last: %ld", rc);
    info_of(DOMID_SELF, &rc);
    CHECK(rc == -EINVAL, "DOMID_SELF: %ld", rc);
    gi = info_of(1, &rc);
    CHECK(rc == 0 && gi->domain == a, "getdomaininfo(1) -> %u", gi->domain);

    /* Shut down: flag and code. */
    domain_shutdown(d, SHUTDOWN_reboot);
    gi = info_of(a, &rc);
    CHECK((gi->flags & XEN_DOMINF_shutdown) &&
          ((gi->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) == SHUTDOWN_reboot,
          "shutdown flags %#x", gi->flags);

    /* getvcpuinfo */
    op = dc_new(XEN_DOMCTL_getvcpuinfo, a);
    op->u.getvcpuinfo.vcpu = 3;
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.getvcpuinfo.vcpu = 1;
    CHECK_RC(dc_call(op), 0);
    CHECK(op->u.getvcpuinfo.online == 1 && op->u.getvcpuinfo.running == 0 &&
          op->u.getvcpuinfo.cpu_time >= 5000000 && op->u.getvcpuinfo.cpu < NCPUS,
          "getvcpuinfo: online %u running %u time %llu cpu %u", op->u.getvcpuinfo.online,
          op->u.getvcpuinfo.running, (unsigned long long)op->u.getvcpuinfo.cpu_time,
          op->u.getvcpuinfo.cpu);
    op->u.getvcpuinfo.vcpu = 0;
    CHECK_RC(dc_call(op), 0);
    CHECK(op->u.getvcpuinfo.online == 0, "vCPU 0 down");
    op = dc_new(XEN_DOMCTL_getvcpuinfo, b);     /* b never got its vCPUs */
    CHECK_RC(dc_call(op), -ESRCH);

    /* setdomainhandle */
    op = dc_new(XEN_DOMCTL_setdomainhandle, b);
    for (unsigned int i = 0; i < 16; i++)
        op->u.setdomainhandle.handle[i] = (uint8_t)(0xa0 + i);
    CHECK_RC(dc_call(op), 0);
    gi = info_of(b, &rc);
    CHECK(gi->handle[0] == 0xa0 && gi->handle[15] == 0xaf, "handle");

    CHECK_RC(destroy(a), 0);
    CHECK_RC(destroy(b), 0);
    greset();
}

static void test_pause(void)
{
    domid_t a = create(0, 1, NULL);
    struct domain *d = lookup(a);

    CHECK_RC(dc(XEN_DOMCTL_unpausedomain, a), 0);
    CHECK_RC(dc(XEN_DOMCTL_unpausedomain, a), -EINVAL);    /* not paused */
    CHECK_RC(dc(XEN_DOMCTL_pausedomain, 0), -EINVAL);      /* oneself */
    for (unsigned int i = 0; i < 255; i++)
        CHECK_RC(dc(XEN_DOMCTL_pausedomain, a), 0);
    CHECK_RC(dc(XEN_DOMCTL_pausedomain, a), -EOVERFLOW);
    CHECK(d->controller_pause_count == 255, "pause count %u", d->controller_pause_count);
    for (unsigned int i = 0; i < 255; i++)
        CHECK_RC(dc(XEN_DOMCTL_unpausedomain, a), 0);
    CHECK(atomic_read(&d->pause_count) == 0, "domain pause count %d", atomic_read(&d->pause_count));
    CHECK_RC(dc(XEN_DOMCTL_unpausedomain, a), -EINVAL);

    /* setdebugging: flag in getdomaininfo, not for oneself. */
    {
        struct xen_domctl *op = dc_new(XEN_DOMCTL_setdebugging, a);

        op->u.setdebugging.enable = 1;
        CHECK_RC(dc_call(op), 0);
        CHECK(info_of(a, NULL)->flags & XEN_DOMINF_debugged, "debugged flag");
        op->domain = 0;
        CHECK_RC(dc_call(op), -EINVAL);
    }
    CHECK_RC(destroy(a), 0);
    greset();
}

static void test_max_mem(void)
{
    domid_t a = create(0, 1, NULL);
    struct domain *d = lookup(a);
    struct xen_domctl *op = dc_new(XEN_DOMCTL_max_mem, a);
    struct page_info *pg;

    op->u.max_mem.max_memkb = 64;           /* 16 pages */
    CHECK_RC(dc_call(op), 0);
    CHECK(d->max_pages == 16 && info_of(a, NULL)->max_pages == 16, "max_pages %lu", d->max_pages);
    pg = alloc_domheap_pages(d, 4);
    CHECK(pg != NULL, "16 pages fit");
    CHECK(alloc_domheap_pages(d, 0) == NULL, "the 17th does not");
    CHECK(info_of(a, NULL)->tot_pages == 16, "tot_pages");
    op->u.max_mem.max_memkb = 4;            /* below what it has: it may only shrink */
    CHECK_RC(dc_call(op), 0);
    CHECK(alloc_domheap_pages(d, 0) == NULL, "over the limit");
    op->u.max_mem.max_memkb = ~0ULL;
    CHECK_RC(dc_call(op), 0);
    CHECK(d->max_pages == UINT32_MAX, "saturated: %lu", d->max_pages);
    CHECK_RC(destroy(a), 0);
    greset();
}

static void test_vcpucontext(void)
{
    domid_t a = create(0, 2, NULL);
    struct domain *d;
    struct xen_domctl *op;
    struct vcpu_guest_context *ctxt;

    op = dc_new(XEN_DOMCTL_max_vcpus, a);
    op->u.max_vcpus.max = 2;
    CHECK_RC(dc_call(op), 0);
    d = lookup(a);

    ctxt = galloc(sizeof(*ctxt));
    op = dc_new(XEN_DOMCTL_getvcpucontext, a);
    op->u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op->u.vcpucontext.ctxt, ctxt);
    CHECK_RC(dc_call(op), -ENODATA);       /* never given a state */
    op->u.vcpucontext.vcpu = 2;
    CHECK_RC(dc_call(op), -EINVAL);
    op->domain = 0;                         /* one's own running vCPU */
    op->u.vcpucontext.vcpu = 0;
    CHECK_RC(dc_call(op), -EINVAL);

    /* set */
    op = dc_new(XEN_DOMCTL_setvcpucontext, a);
    op->u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op->u.vcpucontext.ctxt, ctxt);
    ctxt->flags = VGCF_online;
    memset(&ctxt->user_regs, 0x5a, sizeof(ctxt->user_regs));
    CHECK_RC(dc_call(op), 0);
    CHECK(!test_bit(VPF_DOWN, &d->vcpu[0]->pause_flags) && d->vcpu[0]->is_initialised,
          "vCPU 0 up and initialised");
    op->u.vcpucontext.vcpu = 2;
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.vcpucontext.vcpu = 1;
    ctxt->flags = FAKE_CTXT_BAD_FLAG;
    CHECK_RC(dc_call(op), -EINVAL);         /* the arch refuses it */
    CHECK(!d->vcpu[1]->is_initialised, "refused context left vCPU 1 uninitialised");
    set_xen_guest_handle(op->u.vcpucontext.ctxt, (struct vcpu_guest_context *)unmapped);
    CHECK_RC(dc_call(op), -EFAULT);
    op->domain = 0;
    op->u.vcpucontext.vcpu = 0;
    CHECK_RC(dc_call(op), -EINVAL);         /* one's own: no pausing oneself */

    /* get */
    memset(ctxt, 0, sizeof(*ctxt));
    op = dc_new(XEN_DOMCTL_getvcpucontext, a);
    op->u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op->u.vcpucontext.ctxt, ctxt);
    CHECK_RC(dc_call(op), 0);
    {
        unsigned char want[sizeof(ctxt->user_regs)];

        memset(want, 0x5a, sizeof(want));
        CHECK(!memcmp(&ctxt->user_regs, want, sizeof(want)) && (ctxt->flags & VGCF_online),
              "context round trip");
    }
    CHECK(atomic_read(&d->vcpu[0]->pause_count) == 0, "vCPU pause balanced");
    set_xen_guest_handle(op->u.vcpucontext.ctxt, (struct vcpu_guest_context *)ro_page);
    CHECK_RC(dc_call(op), -EFAULT);

    /* A null context resets the vCPU: down, no state. */
    op = dc_new(XEN_DOMCTL_setvcpucontext, a);
    op->u.vcpucontext.vcpu = 0;
    CHECK_RC(dc_call(op), 0);
    CHECK(test_bit(VPF_DOWN, &d->vcpu[0]->pause_flags) && !d->vcpu[0]->is_initialised &&
          ctx_resets == 1, "reset");
    op = dc_new(XEN_DOMCTL_getvcpucontext, a);
    op->u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op->u.vcpucontext.ctxt, ctxt);
    CHECK_RC(dc_call(op), -ENODATA);
    CHECK(atomic_read(&d->pause_count) == 1, "domain pause count %d (creation's only)",
          atomic_read(&d->pause_count));
    CHECK_RC(destroy(a), 0);
    greset();
}

static void test_affinity(void)
{
    domid_t a = create(0, 1, NULL);
    struct domain *d = lookup(a);
    struct xen_domctl *op;
    uint8_t *hard = galloc(8), *soft = galloc(8);

    op = dc_new(XEN_DOMCTL_max_vcpus, a);
    op->u.max_vcpus.max = 1;
    CHECK_RC(dc_call(op), 0);

    op = dc_new(XEN_DOMCTL_getvcpuaffinity, a);
    op->u.vcpuaffinity.vcpu = 0;
    CHECK_RC(dc_call(op), -EINVAL);                     /* no flags */
    op->u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    CHECK_RC(dc_call(op), -EINVAL);                     /* no bitmap */
    set_xen_guest_handle(op->u.vcpuaffinity.cpumap_hard.bitmap, hard);
    op->u.vcpuaffinity.cpumap_hard.nr_bits = 64;
    memset(hard, 0x55, 8);
    CHECK_RC(dc_call(op), 0);
    /* Our bits (CPUs 0..NCPUS-1 online: nr_cpu_ids = 2), the rest zeroed. */
    CHECK(hard[0] == 0x03 && hard[1] == 0 && hard[7] == 0, "all-CPU hard affinity %#x %#x",
          hard[0], hard[1]);
    op->u.vcpuaffinity.vcpu = 1;
    CHECK_RC(dc_call(op), -EINVAL);                     /* beyond max_vcpus */

    /* set: hard {1}, soft {0,1} -> soft comes back as soft & hard = {1}. */
    op = dc_new(XEN_DOMCTL_setvcpuaffinity, a);
    op->u.vcpuaffinity.vcpu = 0;
    op->u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT;
    set_xen_guest_handle(op->u.vcpuaffinity.cpumap_hard.bitmap, hard);
    set_xen_guest_handle(op->u.vcpuaffinity.cpumap_soft.bitmap, soft);
    op->u.vcpuaffinity.cpumap_hard.nr_bits = 8;
    op->u.vcpuaffinity.cpumap_soft.nr_bits = 8;
    hard[0] = 0x02;
    soft[0] = 0x03;
    CHECK_RC(dc_call(op), 0);
    CHECK(hard[0] == 0x02 && soft[0] == 0x02, "effective masks %#x %#x", hard[0], soft[0]);
    CHECK(cpumask_test_cpu(1, &d->vcpu[0]->cpu_hard_affinity) &&
          !cpumask_test_cpu(0, &d->vcpu[0]->cpu_hard_affinity), "hard affinity recorded");
    /* No online CPU in it: refused, nothing changes (soft neither). */
    hard[0] = 0x0c;
    soft[0] = 0x01;
    CHECK_RC(dc_call(op), -EINVAL);
    CHECK(cpumask_test_cpu(1, &d->vcpu[0]->cpu_hard_affinity) &&
          cpumask_test_cpu(1, &d->vcpu[0]->cpu_soft_affinity), "unchanged after refusal");
    /* Bits beyond the caller's nr_bits do not count. */
    op->u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    op->u.vcpuaffinity.cpumap_hard.nr_bits = 1;
    hard[0] = 0xfe;
    CHECK_RC(dc_call(op), -EINVAL);
    hard[0] = 0xff;
    CHECK_RC(dc_call(op), 0);
    CHECK(hard[0] == 0x01, "one bit back: %#x", hard[0]);
    set_xen_guest_handle(op->u.vcpuaffinity.cpumap_hard.bitmap, (uint8_t *)unmapped);
    CHECK_RC(dc_call(op), -EFAULT);

    /* get returns what was set. */
    op = dc_new(XEN_DOMCTL_getvcpuaffinity, a);
    op->u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT;
    set_xen_guest_handle(op->u.vcpuaffinity.cpumap_hard.bitmap, hard);
    set_xen_guest_handle(op->u.vcpuaffinity.cpumap_soft.bitmap, soft);
    op->u.vcpuaffinity.cpumap_hard.nr_bits = 8;
    op->u.vcpuaffinity.cpumap_soft.nr_bits = 8;
    CHECK_RC(dc_call(op), 0);
    CHECK(hard[0] == 0x01 && soft[0] == 0x03, "get: %#x %#x", hard[0], soft[0]);
    /* A map running off the guest's memory: the clearing of its tail faults. */
    set_xen_guest_handle(op->u.vcpuaffinity.cpumap_hard.bitmap, arena + ARENA_SIZE - 4);
    op->u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    op->u.vcpuaffinity.cpumap_hard.nr_bits = 32;
    CHECK_RC(dc_call(op), 0);
    op->u.vcpuaffinity.cpumap_hard.nr_bits = 40;
    CHECK_RC(dc_call(op), -EFAULT);
    /* A huge map: ours, then zeroes to its end. */
    {
        uint8_t *big = galloc(4096);

        memset(big, 0xff, 4096);
        set_xen_guest_handle(op->u.vcpuaffinity.cpumap_hard.bitmap, big);
        op->u.vcpuaffinity.cpumap_hard.nr_bits = 4096 * 8;
        CHECK_RC(dc_call(op), 0);
        CHECK(big[0] == 0x01 && big[1] == 0 && big[4095] == 0, "huge map");
    }

    /* Node affinity: one node. */
    op = dc_new(XEN_DOMCTL_getnodeaffinity, a);
    set_xen_guest_handle(op->u.nodeaffinity.nodemap.bitmap, hard);
    op->u.nodeaffinity.nodemap.nr_bits = 16;
    memset(hard, 0xff, 2);
    CHECK_RC(dc_call(op), 0);
    CHECK(hard[0] == 0x01 && hard[1] == 0, "node map %#x %#x", hard[0], hard[1]);
    op->cmd = XEN_DOMCTL_setnodeaffinity;
    hard[0] = 0x02;
    CHECK_RC(dc_call(op), -EINVAL);
    hard[0] = 0x03;
    CHECK_RC(dc_call(op), 0);

    CHECK_RC(destroy(a), 0);
    greset();
}

static void test_scheduler_op(void)
{
    domid_t a = create(0, 1, NULL);
    struct xen_domctl *op = dc_new(XEN_DOMCTL_scheduler_op, a);
    struct xen_domctl_scheduler_op *so = &op->u.scheduler_op;

    so->sched_id = XEN_SCHEDULER_CREDIT2;
    so->cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    CHECK_RC(dc_call(op), -EINVAL);
    so->sched_id = XEN_SCHEDULER_CREDIT;
    CHECK_RC(dc_call(op), 0);
    CHECK(so->u.credit.weight == SCHED_DEFAULT_WEIGHT && so->u.credit.cap == 0,
          "defaults %u/%u", so->u.credit.weight, so->u.credit.cap);
    so->cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    so->u.credit.weight = 512;
    so->u.credit.cap = 50;
    CHECK_RC(dc_call(op), 0);
    /* 0 and 0xffff leave weight and cap alone. */
    so->u.credit.weight = 0;
    so->u.credit.cap = 0xffff;
    CHECK_RC(dc_call(op), 0);
    so->cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    CHECK_RC(dc_call(op), 0);
    CHECK(so->u.credit.weight == 512 && so->u.credit.cap == 50, "set %u/%u",
          so->u.credit.weight, so->u.credit.cap);
    CHECK(sched_get_weight(lookup(a)) == 512, "scheduler has the weight");
    so->cmd = XEN_DOMCTL_SCHEDOP_getvcpuinfo;
    CHECK_RC(dc_call(op), -EINVAL);
    so->cmd = 7;
    CHECK_RC(dc_call(op), -EINVAL);
    CHECK_RC(destroy(a), 0);
    greset();
}

static void test_misc(void)
{
    domid_t a = create(0, 1, NULL);
    struct domain *d = lookup(a);
    struct xen_domctl *op;

    op = dc_new(XEN_DOMCTL_settimeoffset, a);
    op->u.settimeoffset.time_offset_seconds = -3600;
    CHECK_RC(dc_call(op), 0);
    CHECK(d->time_offset_set && d->time_offset_seconds == -3600, "time offset");

    op = dc_new(XEN_DOMCTL_subscribe, a);
    op->u.subscribe.port = 9;
    CHECK_RC(dc_call(op), 0);
    CHECK(d->suspend_evtchn == 9, "suspend port");

    op = dc_new(XEN_DOMCTL_set_virq_handler, a);
    op->u.set_virq_handler.virq = VIRQ_TIMER;           /* not a global one */
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.set_virq_handler.virq = VIRQ_DOM_EXC;
    CHECK_RC(dc_call(op), 0);
    CHECK(virq_handler[VIRQ_DOM_EXC] == d, "VIRQ_DOM_EXC handler");

    op = dc_new(XEN_DOMCTL_set_paging_mempool_size, a);
    op->u.paging_mempool.size = 4097;
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.paging_mempool.size = 16 << 20;
    CHECK_RC(dc_call(op), 0);
    op = dc_new(XEN_DOMCTL_get_paging_mempool_size, a);
    CHECK_RC(dc_call(op), 0);
    CHECK(op->u.paging_mempool.size == (16 << 20), "mempool %llu",
          (unsigned long long)op->u.paging_mempool.size);

    /* Arch commands reach the arch, with copy-back when it asks. */
    op = dc_new(XEN_DOMCTL_set_address_size, a);
    op->u.address_size.size = 48;
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.address_size.size = 32;
    CHECK_RC(dc_call(op), 0);
    CHECK(addr_size_calls == 2 && last_addr_size == 32, "arch saw set_address_size");
    op = dc_new(XEN_DOMCTL_get_address_size, a);
    CHECK_RC(dc_call(op), 0);
    CHECK(op->u.address_size.size == 64, "get_address_size copied back");

    /* iomem_permission */
    op = dc_new(XEN_DOMCTL_iomem_permission, a);
    op->u.iomem_permission.first_mfn = ~0ULL;
    op->u.iomem_permission.nr_mfns = 2;
    CHECK_RC(dc_call(op), -EINVAL);                     /* wraps */
    op->u.iomem_permission.first_mfn = 0x1000;
    op->u.iomem_permission.nr_mfns = 0x100;
    op->u.iomem_permission.allow_access = 1;
    CHECK_RC(dc_call(op), 0);
    op->u.iomem_permission.first_mfn = 0x1100;          /* adjacent: merges */
    op->u.iomem_permission.nr_mfns = 0x10;
    CHECK_RC(dc_call(op), 0);
    CHECK(d->iomem_caps.nr == 1 && iomem_access_permitted(d, 0x1000, 0x110f),
          "merged range: %u ranges", d->iomem_caps.nr);
    op->u.iomem_permission.first_mfn = 0x1080;          /* revoke the middle: splits */
    op->u.iomem_permission.nr_mfns = 0x10;
    op->u.iomem_permission.allow_access = 0;
    CHECK_RC(dc_call(op), 0);
    CHECK(d->iomem_caps.nr == 2 && iomem_access_permitted(d, 0x1000, 0x107f) &&
          !iomem_access_permitted(d, 0x1080, 0x1080) && iomem_access_permitted(d, 0x1090, 0x110f),
          "split: %u ranges", d->iomem_caps.nr);
    CHECK(!iomem_access_permitted(d, 0x1070, 0x1095), "range across the hole");
    for (unsigned int i = 0; i < IOCAP_MAX_RANGES + 2; i++) {
        op->u.iomem_permission.first_mfn = 0x100000 + 4 * i;
        op->u.iomem_permission.nr_mfns = 1;
        op->u.iomem_permission.allow_access = 1;
        if (dc_call(op)) {
            CHECK(d->iomem_caps.nr == IOCAP_MAX_RANGES, "full at %u ranges", d->iomem_caps.nr);
            break;
        }
    }
    CHECK(d->iomem_caps.nr == IOCAP_MAX_RANGES, "ranges %u", d->iomem_caps.nr);

    /* irq_permission */
    op = dc_new(XEN_DOMCTL_irq_permission, a);
    op->u.irq_permission.pirq = EVTCHN_NR_PIRQS;
    op->u.irq_permission.allow_access = 1;
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.irq_permission.pirq = 0;
    CHECK_RC(dc_call(op), -EPERM);
    op->u.irq_permission.pirq = 40;
    CHECK_RC(dc_call(op), 0);
    CHECK(irq_access_permitted(d, 40) && !irq_access_permitted(d, 41), "IRQ 40 granted");
    op->u.irq_permission.allow_access = 0;
    CHECK_RC(dc_call(op), 0);
    CHECK(!irq_access_permitted(d, 40), "IRQ 40 revoked");

    /* memory_mapping: the caller and the domain must both have the frames. */
    op = dc_new(XEN_DOMCTL_memory_mapping, a);
    op->u.memory_mapping.first_gfn = 0x2000;
    op->u.memory_mapping.first_mfn = 0x1000;
    op->u.memory_mapping.nr_mfns = 65;
    op->u.memory_mapping.add_mapping = 1;
    CHECK_RC(dc_call(op), -E2BIG);
    op->u.memory_mapping.nr_mfns = 0x20;
    CHECK_RC(dc_call(op), 0);
    CHECK(p2m_calls.maps == 1 && p2m_calls.gfn == 0x2000 && p2m_calls.mfn == 0x1000 &&
          p2m_calls.nr == 0x20, "mapped");
    op->u.memory_mapping.first_mfn = 0x1070;            /* runs into the hole */
    CHECK_RC(dc_call(op), -EPERM);
    op->u.memory_mapping.first_mfn = 0x1000;
    op->u.memory_mapping.add_mapping = 0;
    CHECK_RC(dc_call(op), 0);
    CHECK(p2m_calls.unmaps == 1, "unmapped");
    op->u.memory_mapping.first_mfn = ~0ULL;
    CHECK_RC(dc_call(op), -EINVAL);

    CHECK_RC(destroy(a), 0);
    CHECK(virq_handler[VIRQ_DOM_EXC] == NULL, "handler gone with its domain");
    greset();
}

/* Privilege: a domain that is not the control domain may do nothing here. */
static void test_privilege(void)
{
    static const uint32_t cmds[] = {
        XEN_DOMCTL_createdomain, XEN_DOMCTL_destroydomain, XEN_DOMCTL_pausedomain,
        XEN_DOMCTL_unpausedomain, XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_max_mem,
        XEN_DOMCTL_max_vcpus, XEN_DOMCTL_setvcpucontext, XEN_DOMCTL_getvcpucontext,
        XEN_DOMCTL_getvcpuinfo, XEN_DOMCTL_setdomainhandle, XEN_DOMCTL_setvcpuaffinity,
        XEN_DOMCTL_getvcpuaffinity, XEN_DOMCTL_iomem_permission, XEN_DOMCTL_irq_permission,
        XEN_DOMCTL_set_target, XEN_DOMCTL_set_virq_handler, XEN_DOMCTL_settimeoffset,
        XEN_DOMCTL_get_paging_mempool_size, XEN_DOMCTL_set_paging_mempool_size,
        XEN_DOMCTL_scheduler_op, XEN_DOMCTL_set_address_size, XEN_DOMCTL_cacheflush, 9999,
    };
    domid_t u = create(0, 1, NULL), v = create(0, 1, NULL), xs;
    struct domain *du = lookup(u), *dv = lookup(v), *dxs;
    struct xen_domctl *op;
    struct xen_sysctl *sop;

    CHECK_RC(dc(XEN_DOMCTL_max_vcpus, u), -EINVAL);     /* (privileged: gets past XSM) */
    op = dc_new(XEN_DOMCTL_max_vcpus, u);
    op->u.max_vcpus.max = 1;
    CHECK_RC(dc_call(op), 0);
    op->domain = v;
    CHECK_RC(dc_call(op), 0);

    become(du);
    for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
        CHECK_RC(dc(cmds[i], v), -EPERM);
        CHECK_RC(dc(cmds[i], u), -EPERM);               /* even on itself (getdomaininfo too) */
        if (cmds[i] != XEN_DOMCTL_createdomain)
            CHECK_RC(dc(cmds[i], 300), cmds[i] == XEN_DOMCTL_getdomaininfo ? -EPERM : -ESRCH);
    }
    sop = sc_new(XEN_SYSCTL_physinfo);
    CHECK_RC(sc_call(sop), -EPERM);
    sop = sc_new(XEN_SYSCTL_readconsole);
    CHECK_RC(sc_call(sop), -EPERM);
    sop = sc_new(9999);
    CHECK_RC(sc_call(sop), -EPERM);
    sop->interface_version = 1;
    CHECK_RC(sc_call(sop), -EACCES);                    /* the version is checked first */
    become(dom0);

    /* set_target: u becomes v's device model. */
    op = dc_new(XEN_DOMCTL_set_target, u);
    op->u.set_target.target = 300;
    CHECK_RC(dc_call(op), -ESRCH);
    op->u.set_target.target = u;
    CHECK_RC(dc_call(op), -EINVAL);
    op->u.set_target.target = v;
    CHECK_RC(dc_call(op), 0);
    CHECK(du->target == dv, "target recorded");
    CHECK_RC(dc_call(op), -EINVAL);                     /* only one */

    /* What a device model may do on its target, and only there (default policy). */
    become(du);
    CHECK_RC(xsm_hvm_param(XSM_TARGET, dv, 0), 0);
    CHECK_RC(xsm_schedop_shutdown(XSM_DM_PRIV, du, dv), 0);
    CHECK_RC(xsm_schedop_shutdown(XSM_DM_PRIV, dv, du), -EPERM);
    CHECK_RC(xsm_hvm_param(XSM_TARGET, dom0, 0), -EPERM);
    CHECK_RC(xsm_domctl(XSM_OTHER, dv, XEN_DOMCTL_memory_mapping, 0), 0);
    CHECK_RC(xsm_domctl(XSM_OTHER, dv, XEN_DOMCTL_pausedomain, 0), -EPERM);
    CHECK_RC(xsm_map_gmfn_foreign(XSM_TARGET, du, dv), 0);
    CHECK_RC(xsm_map_gmfn_foreign(XSM_TARGET, dv, du), -EPERM);
    /* memory_mapping gets past XSM but u has no I/O memory of its own to give. */
    op = dc_new(XEN_DOMCTL_memory_mapping, v);
    op->u.memory_mapping.nr_mfns = 1;
    op->u.memory_mapping.first_mfn = 0x10;
    CHECK_RC(dc_call(op), -EPERM);
    CHECK_RC(dc(XEN_DOMCTL_getdomaininfo, v), 0);     /* XSM_XS_PRIV lets the DM look */
    CHECK_RC(dc(XEN_DOMCTL_getdomaininfo, 0), -EPERM);
    become(dv);
    CHECK_RC(xsm_hvm_param(XSM_TARGET, du, 0), -EPERM);
    CHECK_RC(xsm_hvm_param(XSM_TARGET, dv, 0), 0);      /* itself */
    CHECK_RC(xsm_xen_version(XSM_OTHER, XENVER_version), 0);
    CHECK_RC(xsm_xen_version(XSM_OTHER, XENVER_commandline), -EPERM);
    become(dom0);
    CHECK_RC(xsm_xen_version(XSM_OTHER, XENVER_commandline), 0);

    /* The xenstore domain may list domains, nothing else. */
    xs = 30;
    dxs = mkdom(xs, 1, false, XEN_DOMCTL_CDF_xs_domain);
    become(dxs);
    CHECK_RC(dc(XEN_DOMCTL_getdomaininfo, v), 0);
    CHECK_RC(dc(XEN_DOMCTL_getdomaininfo, 31), -ESRCH);
    CHECK_RC(dc(XEN_DOMCTL_pausedomain, v), -EPERM);
    become(dom0);
    CHECK_RC(destroy(xs), 0);

    /* The target outlives its destruction while its device model holds it. */
    CHECK_RC(destroy(v), 0);
    CHECK(exists(v), "target still there (dying) while referenced");
    CHECK(info_of(v, NULL)->flags & XEN_DOMINF_dying, "and shown dying");
    CHECK_RC(dc(XEN_DOMCTL_destroydomain, v), 0);       /* again: nothing more to do */
    CHECK_RC(destroy(u), 0);
    CHECK(!exists(u) && !exists(v), "both gone with the device model");
    greset();
}

static void test_destroy(void)
{
    unsigned long free0 = total_free_pages(), pages;
    domid_t a;
    struct domain *d;
    struct xen_domctl *op;
    long rc;

    /* create -> max_vcpus -> memory -> getdomaininfo -> pause/unpause -> destroy. */
    a = create(0, 2, &rc);
    d = lookup(a);
    op = dc_new(XEN_DOMCTL_max_vcpus, a);
    op->u.max_vcpus.max = 2;
    CHECK_RC(dc_call(op), 0);
    op = dc_new(XEN_DOMCTL_max_mem, a);
    op->u.max_mem.max_memkb = 16 << 10;
    CHECK_RC(dc_call(op), 0);
    for (unsigned int i = 0; i < 8; i++)
        CHECK(alloc_domheap_pages(d, 9) != NULL, "allocating 2 MiB");
    pages = d->tot_pages;
    CHECK(pages == 8 * 512 && info_of(a, NULL)->tot_pages == pages, "tot_pages %lu", pages);
    vcpu_up(d->vcpu[0]);
    CHECK_RC(dc(XEN_DOMCTL_unpausedomain, a), 0);
    settle();
    CHECK_RC(dc(XEN_DOMCTL_pausedomain, a), 0);
    CHECK_RC(dc(XEN_DOMCTL_unpausedomain, a), 0);
    settle();

    /* Preempted after the first batch: a continuation, the domain dying meanwhile. */
    cpu_raise_softirq(TS_CPU, SCHEDULE_SOFTIRQ);
    cont.count = 0;
    op = dc_new(XEN_DOMCTL_destroydomain, a);
    CHECK_RC(dc_call(op), __HYPERVISOR_domctl);
    CHECK(cont.count == 1 && cont.op == __HYPERVISOR_domctl && cont.nargs == 1 &&
          cont.args[0] == (uintptr_t)op, "continuation with the same buffer");
    CHECK(exists(a) && lookup(a)->is_dying, "dying, still listed");
    CHECK(lookup(a)->tot_pages == pages - 512, "one batch freed: %lu left", lookup(a)->tot_pages);
    /* Still being destroyed: not "dying" yet for the toolstack (Xen's DOMDYING_dying). */
    CHECK(!(info_of(a, NULL)->flags & XEN_DOMINF_dying), "dying flag before the end");
    CHECK_RC(dc(XEN_DOMCTL_unpausedomain, a), -EINVAL);     /* still reachable for domctls */
    /* Re-run (the guest re-executes the hypercall) with softirqs still pending. */
    CHECK_RC(dc_call(op), __HYPERVISOR_domctl);
    do_softirq();
    CHECK_RC(dc_call(op), 0);
    settle();
    CHECK(!exists(a), "gone");
    CHECK(total_free_pages() == free0, "every page back: %lu free, %lu before",
          total_free_pages(), free0);
    CHECK_RC(dc(XEN_DOMCTL_destroydomain, a), -ESRCH);
    greset();
}

/* ================================================================ sysctl tests */

static void test_sysctl_basic(void)
{
    struct xen_sysctl *op;
    struct xen_domctl_getdomaininfo *infos;
    domid_t a = create(5, 1, NULL), b = create(6, 1, NULL);

    CHECK_RC(do_sysctl((XEN_GUEST_HANDLE_PARAM(xen_sysctl_t)){ (void *)unmapped }), -EFAULT);
    op = sc_new(XEN_SYSCTL_physinfo);
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
    CHECK_RC(sc_call(op), -EACCES);
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    CHECK_RC(sc_call(op), 0);
    CHECK(op->u.physinfo.nr_cpus == NCPUS && op->u.physinfo.max_cpu_id == NCPUS - 1 &&
          op->u.physinfo.threads_per_core == 1 && op->u.physinfo.cores_per_socket == 1 &&
          op->u.physinfo.nr_nodes == 1 && op->u.physinfo.max_node_id == 0,
          "physinfo topology: %u CPUs, max %u", op->u.physinfo.nr_cpus, op->u.physinfo.max_cpu_id);
    CHECK(op->u.physinfo.cpu_khz == 62500 &&
          op->u.physinfo.capabilities == (XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap),
          "physinfo arch part: %u kHz caps %#x", op->u.physinfo.cpu_khz,
          op->u.physinfo.capabilities);
    CHECK(op->u.physinfo.total_pages == total_heap_pages() &&
          op->u.physinfo.free_pages == total_free_pages() &&
          op->u.physinfo.max_mfn == heap_max_page() - 1, "physinfo memory");

    op = sc_new(XEN_SYSCTL_sched_id);
    CHECK_RC(sc_call(op), 0);
    CHECK(op->u.sched_id.sched_id == XEN_SCHEDULER_CREDIT, "sched_id %u", op->u.sched_id.sched_id);

    /* getdomaininfolist: from first_domain on, at most max_domains. */
    infos = galloc(4 * sizeof(*infos));
    op = sc_new(XEN_SYSCTL_getdomaininfolist);
    op->u.getdomaininfolist.first_domain = 0;
    op->u.getdomaininfolist.max_domains = 4;
    set_xen_guest_handle(op->u.getdomaininfolist.buffer, infos);
    CHECK_RC(sc_call(op), 0);
    CHECK(op->u.getdomaininfolist.num_domains == 3 && infos[0].domain == 0 &&
          infos[1].domain == a && infos[2].domain == b, "list: %u", op->u.getdomaininfolist.num_domains);
    op->u.getdomaininfolist.first_domain = 1;
    op->u.getdomaininfolist.max_domains = 1;
    CHECK_RC(sc_call(op), 0);
    CHECK(op->u.getdomaininfolist.num_domains == 1 && infos[0].domain == a, "from 1, one");
    op->u.getdomaininfolist.first_domain = 7;
    op->u.getdomaininfolist.max_domains = 4;
    CHECK_RC(sc_call(op), 0);
    CHECK(op->u.getdomaininfolist.num_domains == 0, "none from 7");
    op->u.getdomaininfolist.first_domain = 0;
    op->u.getdomaininfolist.max_domains = 0;
    CHECK_RC(sc_call(op), 0);
    CHECK(op->u.getdomaininfolist.num_domains == 0, "max 0");
    op->u.getdomaininfolist.max_domains = 4;
    set_xen_guest_handle(op->u.getdomaininfolist.buffer,
                         (struct xen_domctl_getdomaininfo *)ro_page);
    op->u.getdomaininfolist.num_domains = 77;
    CHECK_RC(sc_call(op), -EFAULT);
    CHECK(op->u.getdomaininfolist.num_domains == 77, "no copy-back on failure");

    /* getcpuinfo */
    {
        struct xen_sysctl_cpuinfo *ci = galloc(4 * sizeof(*ci));

        op = sc_new(XEN_SYSCTL_getcpuinfo);
        op->u.getcpuinfo.max_cpus = 4;
        set_xen_guest_handle(op->u.getcpuinfo.info, ci);
        CHECK_RC(sc_call(op), 0);
        CHECK(op->u.getcpuinfo.nr_cpus == NCPUS && ci[0].idletime > 0, "getcpuinfo %u, idle %llu",
              op->u.getcpuinfo.nr_cpus, (unsigned long long)ci[0].idletime);
        op->u.getcpuinfo.max_cpus = 1;
        CHECK_RC(sc_call(op), 0);
        CHECK(op->u.getcpuinfo.nr_cpus == 1, "limited to 1");
        set_xen_guest_handle(op->u.getcpuinfo.info, (struct xen_sysctl_cpuinfo *)unmapped);
        CHECK_RC(sc_call(op), -EFAULT);
    }

    /* cputopoinfo / numainfo: null handles ask for the sizes. */
    {
        struct xen_sysctl_cputopo *ct = galloc(4 * sizeof(*ct));
        struct xen_sysctl_meminfo *mi = galloc(2 * sizeof(*mi));
        uint32_t *dist = galloc(4 * sizeof(*dist));

        op = sc_new(XEN_SYSCTL_cputopoinfo);
        CHECK_RC(sc_call(op), 0);
        CHECK(op->u.cputopoinfo.num_cpus == NCPUS, "cputopo count %u", op->u.cputopoinfo.num_cpus);
        op->u.cputopoinfo.num_cpus = 4;
        memset(ct, 0xee, 4 * sizeof(*ct));
        set_xen_guest_handle(op->u.cputopoinfo.cputopo, ct);
        CHECK_RC(sc_call(op), 0);
        CHECK(op->u.cputopoinfo.num_cpus == NCPUS && ct[1].core == 0 && ct[1].socket == 0 &&
              ct[1].node == 0 && ct[2].core == 0xeeeeeeee, "cputopo entries");

        op = sc_new(XEN_SYSCTL_numainfo);
        CHECK_RC(sc_call(op), 0);
        CHECK(op->u.numainfo.num_nodes == 1, "one node");
        op->u.numainfo.num_nodes = 2;
        set_xen_guest_handle(op->u.numainfo.meminfo, mi);
        set_xen_guest_handle(op->u.numainfo.distance, dist);
        CHECK_RC(sc_call(op), 0);
        CHECK(op->u.numainfo.num_nodes == 1 && mi[0].memsize == (uint64_t)total_heap_pages() << 12 &&
              mi[0].memfree <= mi[0].memsize && dist[0] == 20, "numainfo node 0");
    }

    /* CPU pools: pool 0 only. */
    {
        uint8_t *map = galloc(4);

        op = sc_new(XEN_SYSCTL_cpupool_op);
        op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
        set_xen_guest_handle(op->u.cpupool_op.cpumap.bitmap, map);
        op->u.cpupool_op.cpumap.nr_bits = 32;
        CHECK_RC(sc_call(op), 0);
        CHECK(op->u.cpupool_op.cpupool_id == 0 && op->u.cpupool_op.sched_id == XEN_SCHEDULER_CREDIT &&
              op->u.cpupool_op.n_dom == 3 && map[0] == 0x03 && map[1] == 0, "pool 0: %u domains, map %#x",
              op->u.cpupool_op.n_dom, map[0]);
        op->u.cpupool_op.cpupool_id = 1;
        CHECK_RC(sc_call(op), -ENOENT);
        op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_FREEINFO;
        map[0] = 0xff;
        CHECK_RC(sc_call(op), 0);
        CHECK(map[0] == 0, "no free CPUs");
        op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_CREATE;
        CHECK_RC(sc_call(op), -EOPNOTSUPP);
        op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN;
        op->u.cpupool_op.domid = a;
        op->u.cpupool_op.cpupool_id = 0;
        CHECK_RC(sc_call(op), 0);
        op->u.cpupool_op.domid = 0;
        CHECK_RC(sc_call(op), -EPERM);
        op->u.cpupool_op.domid = 99;
        CHECK_RC(sc_call(op), -ESRCH);
        op->u.cpupool_op.op = 99;
        CHECK_RC(sc_call(op), -ENOSYS);
    }

    /* Scheduler parameters of the pool. */
    op = sc_new(XEN_SYSCTL_scheduler_op);
    op->u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    op->u.scheduler_op.cmd = XEN_SYSCTL_SCHEDOP_getinfo;
    CHECK_RC(sc_call(op), 0);
    CHECK(op->u.scheduler_op.u.sched_credit.tslice_ms == 30, "tslice");
    op->u.scheduler_op.cpupool_id = 2;
    CHECK_RC(sc_call(op), -ESRCH);
    op->u.scheduler_op.cpupool_id = 0;
    op->u.scheduler_op.cmd = XEN_SYSCTL_SCHEDOP_putinfo;
    op->u.scheduler_op.u.sched_credit.tslice_ms = 0;
    CHECK_RC(sc_call(op), -EINVAL);

    /* debug keys */
    {
        char *keys = galloc(2);

        keys[0] = 'q';
        keys[1] = 'z';
        op = sc_new(XEN_SYSCTL_debug_keys);
        set_xen_guest_handle(op->u.debug_keys.keys, keys);
        op->u.debug_keys.nr_keys = 2;
        CHECK_RC(sc_call(op), 0);
        CHECK(fake_printk_count("'q' pressed") == 1 && fake_printk_count("d5:") == 1,
              "domain dump");
        op->u.debug_keys.nr_keys = 3;
        set_xen_guest_handle(op->u.debug_keys.keys, (char *)unmapped);
        CHECK_RC(sc_call(op), -EFAULT);
    }

    CHECK_RC(sc_call(sc_new(XEN_SYSCTL_availheap)), -ENOSYS);
    CHECK_RC(sc_call(sc_new(9999)), -ENOSYS);
    CHECK_RC(destroy(a), 0);
    CHECK_RC(destroy(b), 0);
    greset();
}

/* Read the ring through the hypercall: returns the count, *index the new index. */
static long readcons(char *buf, uint32_t count, bool clear, bool incr, uint32_t *index)
{
    struct xen_sysctl *op = sc_new(XEN_SYSCTL_readconsole);
    long rc;

    op->u.readconsole.clear = clear;
    op->u.readconsole.incremental = incr;
    op->u.readconsole.index = index ? *index : 0;
    op->u.readconsole.count = count;
    set_xen_guest_handle(op->u.readconsole.buffer, buf);
    rc = sc_call(op);
    if (rc)
        return rc;
    if (index)
        *index = op->u.readconsole.index;
    return op->u.readconsole.count;
}

static void test_readconsole(void)
{
    uint32_t size = console_ring_size(), idx, start;
    char *buf = galloc(size + 64);
    static char big[20000];
    long n;

    /* Empty the ring of what came before (a clearing read). */
    idx = 0;
    while (readcons(buf, 4096, true, false, &idx) > 0)
        ;
    start = console_ring_tail();
    CHECK(idx == start, "index after clearing = tail (%u, %u)", idx, start);
    CHECK_RC(readcons(buf, 100, false, false, NULL), 0);

    console_write("hello, ", 7);
    console_write("world\n", 6);
    n = readcons(buf, 100, false, false, &idx);
    CHECK(n == 13 && !memcmp(buf, "hello, world\n", 13) && idx == start + 13, "read all: %ld", n);
    /* Not cleared: the same again; count limits. */
    n = readcons(buf, 5, false, false, &idx);
    CHECK(n == 5 && !memcmp(buf, "hello", 5) && idx == start + 5, "first 5: %ld", n);
    /* Incremental from an index inside the ring. */
    idx = start + 7;
    n = readcons(buf, 100, false, true, &idx);
    CHECK(n == 6 && !memcmp(buf, "world\n", 6) && idx == start + 13, "incremental: %ld", n);
    /* ... at the end: nothing; outside: from the oldest. */
    n = readcons(buf, 100, false, true, &idx);
    CHECK(n == 0 && idx == start + 13, "incremental at the end: %ld", n);
    idx = start - 5;
    n = readcons(buf, 100, false, true, &idx);
    CHECK(n == 13, "incremental from outside: %ld", n);
    idx = start + 1000;
    n = readcons(buf, 100, false, true, &idx);
    CHECK(n == 13, "incremental from the future: %ld", n);
    /* Clearing a part: the rest stays. */
    n = readcons(buf, 6, true, false, &idx);
    CHECK(n == 6, "clear 6: %ld", n);
    n = readcons(buf, 100, false, false, &idx);
    CHECK(n == 7 && !memcmp(buf, " world\n", 7), "after partial clear: %ld", n);
    CHECK_RC(readcons((char *)unmapped, 100, false, false, NULL), -EFAULT);
    CHECK_RC(readcons((char *)ro_page, 100, true, false, NULL), -EFAULT);
    n = readcons(buf, 100, false, false, &idx);
    CHECK(n == 7, "a failed clearing read clears nothing: %ld", n);

    /* Output beyond the ring's size: only the newest size bytes remain. */
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)('a' + i % 26);
    console_write(big, sizeof(big));
    n = readcons(buf, size + 64, false, false, &idx);
    CHECK(n == (long)size && !memcmp(buf, big + sizeof(big) - size, size) &&
          idx == console_ring_tail(), "wrapped ring: %ld bytes", n);
    n = readcons(buf, size + 64, true, false, &idx);
    CHECK(n == (long)size, "clearing read of a full ring: %ld", n);
    CHECK_RC(readcons(buf, 100, false, false, NULL), 0);
    console_write("x", 1);
    CHECK_RC(readcons(buf, 100, false, false, NULL), 1);
    greset();
}

/* ================================================================ multicall tests */

static void test_multicall(void)
{
    struct multicall_entry *mc = galloc(8 * sizeof(*mc)), *inner = galloc(2 * sizeof(*inner));
    struct xen_domctl *op = dc_new(XEN_DOMCTL_getdomaininfo, 0);
    struct xen_sysctl *sop = sc_new(XEN_SYSCTL_sched_id);

    /* Results per entry; failures in one do not stop the others. */
    mc[0].op = __HYPERVISOR_xen_version;
    mc[0].args[0] = 41;
    mc[1].op = __HYPERVISOR_domctl;
    mc[1].args[0] = (uintptr_t)op;
    mc[2].op = 63;                              /* nothing there */
    mc[3].op = __HYPERVISOR_sysctl;
    mc[3].args[0] = (uintptr_t)sop;
    mc[4].op = __HYPERVISOR_domctl;
    mc[4].args[0] = (uintptr_t)unmapped;
    for (unsigned int i = 0; i < 5; i++)
        mc[i].result = 0xdead;
    CHECK_RC(mc_call(mc, 5), 0);
    CHECK(mc[0].result == 42 && mc[1].result == 0 && (long)mc[2].result == -ENOSYS &&
          mc[3].result == 0 && (long)mc[4].result == -EFAULT,
          "results %ld %ld %ld %ld %ld", (long)mc[0].result, (long)mc[1].result,
          (long)mc[2].result, (long)mc[3].result, (long)mc[4].result);
    CHECK(op->u.getdomaininfo.domain == 0 && sop->u.sched_id.sched_id == XEN_SCHEDULER_CREDIT,
          "entries did their work");
    CHECK(mc[0].args[0] == 41 && mc[0].op == __HYPERVISOR_xen_version, "entries otherwise untouched");
    CHECK_RC(mc_call(mc, 0), 0);

    /* Nested: the inner multicall is refused in its entry, the outer goes on. */
    inner[0].op = __HYPERVISOR_xen_version;
    mc[0].op = __HYPERVISOR_multicall;
    mc[0].args[0] = (uintptr_t)inner;
    mc[0].args[1] = 1;
    mc[1].op = __HYPERVISOR_xen_version;
    mc[1].args[0] = 1;
    CHECK_RC(mc_call(mc, 2), 0);
    CHECK((long)mc[0].result == -EINVAL && mc[1].result == 2 && inner[0].result == 0,
          "nested: %ld %ld", (long)mc[0].result, (long)mc[1].result);

    /* A list the guest cannot read: -EFAULT, earlier results stay. */
    CHECK_RC(mc_call((struct multicall_entry *)unmapped, 1), -EFAULT);
    {
        struct multicall_entry *edge = (struct multicall_entry *)(arena + ARENA_SIZE) - 1;

        memset(edge, 0, sizeof(*edge));
        edge->op = __HYPERVISOR_xen_version;
        edge->args[0] = 7;
        CHECK_RC(mc_call(edge, 2), -EFAULT);        /* the second is outside */
        CHECK(edge->result == 8, "first entry done before the fault");
    }
    /* Results that cannot be written: -EFAULT. */
    memcpy(ro_page, mc, sizeof(*mc));
    ((struct multicall_entry *)ro_page)->op = __HYPERVISOR_xen_version;
    CHECK_RC(mc_call((struct multicall_entry *)ro_page, 1), -EFAULT);

    /* Pending work between entries: continue over the rest, from the next one. */
    for (unsigned int i = 0; i < 4; i++) {
        mc[i].op = __HYPERVISOR_xen_version;
        mc[i].args[0] = 10 * i;
        mc[i].result = 0;
    }
    cont.count = 0;
    cpu_raise_softirq(TS_CPU, SCHEDULE_SOFTIRQ);
    CHECK_RC(mc_call(mc, 4), __HYPERVISOR_multicall);
    CHECK(mc[0].result == 1 && mc[1].result == 0, "one entry before preemption");
    CHECK(cont.count == 1 && cont.op == __HYPERVISOR_multicall && cont.nargs == 2 &&
          cont.args[0] == (uintptr_t)&mc[1] && cont.args[1] == 3, "continuation over the rest");
    do_softirq();
    CHECK_RC(mc_call(&mc[1], 3), 0);
    CHECK(mc[1].result == 11 && mc[3].result == 31, "the rest done");

    /* An entry that continues itself: written back, the batch resumes there. */
    mc[0].op = __HYPERVISOR_xen_version;
    mc[0].args[0] = 0;
    mc[1].op = FAKE_LONG_OP;
    mc[1].args[0] = 2;
    mc[1].result = 0x77;
    mc[2].op = __HYPERVISOR_xen_version;
    mc[2].args[0] = 5;
    mc[2].result = 0;
    cont.count = 0;
    CHECK_RC(mc_call(mc, 3), __HYPERVISOR_multicall);
    CHECK(mc[0].result == 1 && mc[1].op == FAKE_LONG_OP && mc[1].args[0] == 1 &&
          mc[1].result == 0x77 && mc[2].result == 0, "entry 1 written back with args %llu",
          (unsigned long long)mc[1].args[0]);
    CHECK(cont.args[0] == (uintptr_t)&mc[1] && cont.args[1] == 2, "resume at entry 1");
    CHECK_RC(mc_call(&mc[1], 2), __HYPERVISOR_multicall);
    CHECK(mc[1].args[0] == 0, "counted down");
    CHECK_RC(mc_call(&mc[1], 2), 0);
    CHECK(mc[1].result == 1234 && mc[2].result == 6, "finished: %ld %ld", (long)mc[1].result,
          (long)mc[2].result);
    greset();
}

/* ================================================================ XSM */

static int custom_sysctl_calls;

static int custom_sysctl(int cmd)
{
    (void)cmd;
    custom_sysctl_calls++;
    return -EACCES;
}

static void test_xsm(void)
{
    static struct xsm_ops custom = { .name = "test", .sysctl = custom_sysctl };
    domid_t a = create(0, 1, NULL);
    struct domain *d = lookup(a);

    /* The default policy's levels. */
    CHECK_RC(xsm_default_action(XSM_HOOK, d, NULL), 0);
    CHECK_RC(xsm_default_action(XSM_TARGET, d, d), 0);
    CHECK_RC(xsm_default_action(XSM_TARGET, d, dom0), -EPERM);
    CHECK_RC(xsm_default_action(XSM_DM_PRIV, d, d), -EPERM);
    CHECK_RC(xsm_default_action(XSM_PRIV, d, NULL), -EPERM);
    CHECK_RC(xsm_default_action(XSM_XS_PRIV, d, dom0), -EPERM);
    CHECK_RC(xsm_default_action(XSM_XS_PRIV, d, d), -EPERM);      /* not itself */
    CHECK_RC(xsm_default_action(XSM_PRIV, dom0, d), 0);
    CHECK_RC(xsm_default_action(XSM_DM_PRIV, dom0, d), 0);
    CHECK_RC(xsm_default_action(XSM_OTHER, dom0, d), -EPERM);
    CHECK(!strcmp(xsm_module_name(), "dummy"), "default module %s", xsm_module_name());

    /* Another module takes over; its empty hooks fall back to the default's. */
    CHECK_RC(xsm_register(NULL), -EINVAL);
    CHECK_RC(xsm_register(&custom), 0);
    CHECK(!strcmp(xsm_module_name(), "test") && custom.domctl == xsm_dummy_ops.domctl &&
          custom.do_xsm_op == xsm_dummy_ops.do_xsm_op, "filled in");
    CHECK_RC(sc_call(sc_new(XEN_SYSCTL_sched_id)), -EACCES);
    CHECK(custom_sysctl_calls == 1, "the module decided");
    CHECK_RC(dc(XEN_DOMCTL_unpausedomain, a), 0);       /* default hook */
    CHECK_RC(xsm_register((struct xsm_ops *)&xsm_dummy_ops), 0);
    CHECK_RC(sc_call(sc_new(XEN_SYSCTL_sched_id)), 0);
    CHECK_RC(xsm_do_xsm_op(0), -ENOSYS);
    (void)d;
    CHECK_RC(destroy(a), 0);
    greset();
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    setup();
    test_header();
    test_create();
    test_getdomaininfo();
    test_pause();
    test_max_mem();
    test_vcpucontext();
    test_affinity();
    test_scheduler_op();
    test_misc();
    test_privilege();
    test_destroy();
    test_sysctl_basic();
    test_readconsole();
    test_multicall();
    test_xsm();
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
