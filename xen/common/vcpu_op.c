/*
 * vcpu_op (hypercall 24): operations on one of the caller's own vCPUs.
 *
 * The vCPU is looked up first: a number the domain has no vCPU for is
 * -ENOENT whatever the sub-op.  Then, as in Xen 4.17:
 *   - on Arm only VCPUOP_register_vcpu_info and
 *     VCPUOP_register_runstate_memory_area exist; every other sub-op
 *     (up, down, is_up, timers, ...) is -EINVAL (Xen's arch/arm/domain.c);
 *   - elsewhere (x86) the common set below is offered and unknown sub-ops
 *     are -ENOSYS.
 * VCPUOP_initialise takes an x86 HVM register state (public/hvm/hvm_vcpu.h)
 * that the arch checks and loads (arch_set_info_hvm_guest()).
 * Not written yet: the periodic timer (-ENOSYS after the arguments are
 * checked), x86's own sub-ops, and updating a
 * registered runstate area when the vCPU is switched (see
 * docs/hypercalls.md).
 */
#include "hypercall_env.h"
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/bitops.h>
#include <xen/atomic.h>
#include <xen/smp.h>
#include <xen/event.h>
#include <public/vcpu.h>
#include <public/sched.h>
#include <public/hvm/hvm_vcpu.h>

/*
 * Weak default for builds without event channels (the host tests of the
 * handlers): event_channel.c has the real one, which also raises the
 * upcall (on Arm, the event PPI).
 */
__attribute__((__weak__)) void vcpu_mark_events_pending(struct vcpu *v)
{
    write_atomic(&v->vcpu_info->evtchn_upcall_pending, 1);
    arch_vcpu_kick(v);
}

/* Builds without an HVM register loader (the host tests of the handlers). */
__attribute__((__weak__)) int arch_set_info_hvm_guest(struct vcpu *v,
                                                      const struct vcpu_hvm_context *ctx)
{
    (void)v;
    (void)ctx;
    return -ENOSYS;
}

/* Longest timer period Xen accepts: the largest positive s_time_t. */
#define STIME_DELTA_MAX ((uint64_t)INT64_MAX)

/* The 32-bit x86 layouts that differ from ours (uint64_t only 4-aligned). */
struct runstate_info_32 {
    int32_t state;
    uint64_t state_entry_time;
    uint64_t time[4];
} __packed;
BUILD_BUG_ON(sizeof(struct runstate_info_32) != 44);
#define COMPAT_SINGLESHOT_SIZE  12      /* uint64_t timeout_abs_ns, uint32_t flags */
#define COMPAT_RUNSTATE_AREA_SIZE 8     /* a 4-byte handle in an 8-byte union */
#define COMPAT_PENDING_SEL_OFFSET 4     /* vcpu_info.evtchn_pending_sel, 32 bits */

static struct vcpu *domain_vcpu(const struct domain *d, unsigned int id)
{
    if (id >= d->max_vcpus || !d->vcpu)
        return NULL;
    return d->vcpu[id];
}

/*
 * v's accounting with the time since its last state change added to the
 * current state.  Another vCPU's counters may be updated meanwhile (the
 * scheduler owns them); the snapshot is then slightly stale, never torn
 * on a 64-bit hypervisor.
 */
static void runstate_snapshot(const struct vcpu *v, struct vcpu_runstate_info *rs)
{
    uint64_t now = NOW();

    *rs = v->runstate;
    if ((unsigned int)rs->state < ARRAY_SIZE(rs->time) && now > rs->state_entry_time)
        rs->time[rs->state] += now - rs->state_entry_time;
}

/* Write v's runstate to guest address va, native or 32-bit x86 layout. */
static bool runstate_to_guest(const struct vcpu *v, uint64_t va, bool compat)
{
    struct vcpu_runstate_info rs;

    runstate_snapshot(v, &rs);
    if (compat) {
        struct runstate_info_32 c = {
            .state = rs.state, .state_entry_time = rs.state_entry_time,
        };

        memcpy(c.time, rs.time, sizeof(c.time));
        return arch_copy_to_guest(va, &c, sizeof(c)) == 0;
    }
    return arch_copy_to_guest(va, &rs, sizeof(rs)) == 0;
}

/*
 * Whether v's vcpu_info is still the placeholder vCPUs beyond shared_info's
 * array point at (rather than their slot in shared_info).
 */
static bool vcpu_info_is_placeholder(const struct vcpu *v)
{
    const struct shared_info *si = v->domain->shared_info;

    return !v->vcpu_info || !si ||
           (const char *)v->vcpu_info < (const char *)si->vcpu_info ||
           (const char *)v->vcpu_info >= (const char *)(si->vcpu_info + XEN_LEGACY_MAX_VCPUS);
}

/*
 * Move v's vcpu_info into the guest frame gfn at offset (d->lock held).
 * Errno values as Xen's map_vcpu_info().
 */
static int map_vcpu_info(struct vcpu *v, uint64_t gfn, unsigned int offset)
{
    struct domain *d = v->domain;
    /* The layout latched for the domain, not the mode of this hypercall. */
    bool c32 = has_32bit_shinfo(d);
    struct vcpu_info *info;
    p2m_type_t t;
    mfn_t mfn;
    /* A 32-bit x86 guest's vcpu_info has no 8-byte member. */
    unsigned int align = c32 ? 4 : _Alignof(struct vcpu_info);

    if (offset > PAGE_SIZE - sizeof(*info) || (offset & (align - 1)))
        return -ENXIO;
    /* Once only. */
    if (!mfn_eq(v->vcpu_info_mfn, INVALID_MFN))
        return -EINVAL;
    /* On yourself, or on a vCPU that is down (it cannot be using the old one). */
    if (v != current && !test_bit(VPF_DOWN, &v->pause_flags))
        return -EINVAL;

    /* Only ordinary RAM of the domain will do. */
    mfn = p2m_lookup(d, _gfn(gfn), &t);
    if (t != p2m_ram_rw || mfn_eq(mfn, INVALID_MFN))
        return -EINVAL;
    /* Held until the vCPU goes (vcpu_free()): the guest may free the frame. */
    if (!get_page(mfn_to_page(mfn), d))
        return -EINVAL;

    info = (struct vcpu_info *)((char *)mfn_to_virt(mfn) + offset);
    if (vcpu_info_is_placeholder(v)) {
        memset(info, 0, sizeof(*info));
#ifdef XEN_HAVE_PV_UPCALL_MASK
        info->evtchn_upcall_mask = 1;
#endif
    } else {
        memcpy(info, v->vcpu_info, sizeof(*info));
    }
    v->vcpu_info = info;
    v->vcpu_info_mfn = mfn;
    /* The new location is published before anything is flagged in it. */
    smp_wmb();

    /*
     * Everything may be pending: a spurious upcall costs less than a lost
     * one.  The 32-bit layout has a 4-byte selector at offset 4.
     */
    if (c32)
        write_atomic((uint32_t *)((char *)info + COMPAT_PENDING_SEL_OFFSET), ~0U);
    else
        write_atomic(&info->evtchn_pending_sel, ~(xen_ulong_t)0);
    vcpu_mark_events_pending(v);
    return 0;
}

__attribute__((__weak__)) void arch_vcpu_time_update(struct vcpu *v) { (void)v; }

static long vcpu_op(int cmd, struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg, bool compat)
{
    struct domain *d = v->domain;

    switch (cmd) {
    case VCPUOP_register_vcpu_info: {
        struct vcpu_register_vcpu_info info;
        unsigned long flags;
        int rc;

        if (!hc_copy_from(&info, arg, 0, sizeof(info)))
            return -EFAULT;
        spin_lock_irqsave(&d->lock, flags);
        rc = map_vcpu_info(v, info.mfn, info.offset);
        spin_unlock_irqrestore(&d->lock, flags);
        if (!rc && v == current)
            arch_vcpu_time_update(v);
        return rc;
    }

    case VCPUOP_register_runstate_memory_area: {
        struct vcpu_register_runstate_memory_area area;
        uint64_t va;

        if (compat) {
            uint32_t a[2];

            BUILD_BUG_ON(sizeof(a) != COMPAT_RUNSTATE_AREA_SIZE);
            if (!hc_copy_from(a, arg, 0, sizeof(a)))
                return -EFAULT;
            va = a[0];
        } else {
            if (!hc_copy_from(&area, arg, 0, sizeof(area)))
                return -EFAULT;
            va = area.addr.p;
        }
        /*
         * As on Xen, a bad address is not an error: the copy just fails.
         * Xen then keeps the area up to date at every context switch; that
         * needs a place in struct vcpu and a scheduler hook (not there yet),
         * so for now the guest gets this one snapshot.
         */
        if (va)
            runstate_to_guest(v, va, compat);
        return 0;
    }

    case VCPUOP_is_up:
        return !test_bit(VPF_DOWN, &v->pause_flags);

    case VCPUOP_up:
        /* Nothing to start from until a builder or VCPUOP_initialise gave it state. */
        if (!read_atomic(&v->is_initialised))
            return -EINVAL;
        vcpu_up(v);
        return 0;

    case VCPUOP_down: {
        struct vcpu *w;
        bool others_up = false;

        for_each_vcpu(d, w) {
            if (w != v && !test_bit(VPF_DOWN, &w->pause_flags)) {
                others_up = true;
                break;
            }
        }
        /* The last vCPU going down takes the domain with it. */
        if (!others_up)
            domain_shutdown(d, hc_shutdown_reason(d, SHUTDOWN_poweroff));
        else
            vcpu_down(v);
        return 0;
    }

    case VCPUOP_get_runstate_info:
        return runstate_to_guest(v, guest_handle_va(arg), compat) ? 0 : -EFAULT;

    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer set;

        if (!hc_copy_from(&set, arg, 0, sizeof(set)))
            return -EFAULT;
        if (set.period_ns < MILLISECS(1) || set.period_ns > STIME_DELTA_MAX)
            return -EINVAL;
        return -ENOSYS;         /* needs a periodic timer in struct vcpu */
    }

    case VCPUOP_stop_periodic_timer:
        return 0;               /* none can be running */

    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer set;
        uint64_t now;

        if (v != current)
            return -EINVAL;
        memset(&set, 0, sizeof(set));
        if (!hc_copy_from(&set, arg, 0, compat ? COMPAT_SINGLESHOT_SIZE : sizeof(set)))
            return -EFAULT;
        /* A deadline already passed (Xen's time is signed) fires at once. */
        now = NOW();
        if ((int64_t)set.timeout_abs_ns < (int64_t)now)
            set.timeout_abs_ns = now;
        migrate_timer(&v->singleshot_timer, smp_processor_id());
        set_timer(&v->singleshot_timer, set.timeout_abs_ns);
        arch_vcpu_time_update(v);
        return 0;
    }

    case VCPUOP_stop_singleshot_timer:
        if (v != current)
            return -EINVAL;
        stop_timer(&v->singleshot_timer);
        return 0;

    case VCPUOP_initialise: {
        struct vcpu_hvm_context ctx;
        unsigned long flags;
        int rc;

        /* A vCPU past shared_info's array needs its vcpu_info registered first. */
        if (vcpu_info_is_placeholder(v) && mfn_eq(v->vcpu_info_mfn, INVALID_MFN))
            return -EINVAL;
        /* One layout for both guest widths (see the header). */
        BUILD_BUG_ON(sizeof(ctx) != 128);
        if (!hc_copy_from(&ctx, arg, 0, sizeof(ctx)))
            return -EFAULT;
        spin_lock_irqsave(&d->lock, flags);
        rc = read_atomic(&v->is_initialised) ? -EEXIST : arch_set_info_hvm_guest(v, &ctx);
        spin_unlock_irqrestore(&d->lock, flags);
        return rc;
    }

    default:
        return -ENOSYS;
    }
}

long do_vcpu_op(int cmd, unsigned int vcpuid, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu *v = domain_vcpu(current->domain, vcpuid);

    if (!v)
        return -ENOENT;
#ifdef CONFIG_ARM
    if (cmd != VCPUOP_register_vcpu_info && cmd != VCPUOP_register_runstate_memory_area)
        return -EINVAL;
#endif
    return vcpu_op(cmd, v, arg, false);
}

#ifdef CONFIG_COMPAT
int compat_vcpu_op(int cmd, unsigned int vcpuid, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu *v = domain_vcpu(current->domain, vcpuid);

    if (!v)
        return -ENOENT;
    return hc_clamp_int(vcpu_op(cmd, v, arg, true));
}
#endif
