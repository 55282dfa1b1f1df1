/*
 * multicall (hypercall 13): a batch of hypercalls in one trap.
 *
 * Learned from Xen 4.17's common/multicall.c.  The entries are read one
 * at a time from the caller's array and each is run as though the vCPU
 * had made it (arch_multicall_call(): the handler table of its mode);
 * its result goes back into the entry's result field before the next one
 * is read.  A bad array ends the batch with -EFAULT (results written so
 * far stay).  A multicall inside a multicall gets -EINVAL as its result.
 * Between entries the batch gives way to pending work with a
 * continuation over the entries left; an entry that continues itself
 * (destroydomain, a long console write, ...) is written back with its
 * updated arguments and the batch resumes at that entry.  The hypercall
 * itself returns 0 unless the array could not be accessed.
 */
#include "hypercall_env.h"
#include <xen/lib.h>
#include <xen/arch.h>
#include <xen/percpu.h>
#ifdef CONFIG_COMPAT
#include <compat/xen.h>
#endif

/*
 * Set while this CPU runs a batch.  Handlers never give up the CPU in
 * the middle (continuations return to the guest), so per CPU is per vCPU.
 */
static DEFINE_PER_CPU(bool, in_multicall);

/*
 * The batch loop for both layouts: `size` bytes per entry, read and
 * written through the two converters.
 */
struct mc_layout {
    size_t size;
    void (*to_native)(struct multicall_entry *dst, const void *src);
    void (*from_native)(void *dst, const struct multicall_entry *src);
    size_t result_offset, result_size;
};

static long run_batch(const struct mc_layout *l, uint64_t va, unsigned int nr_calls)
{
    unsigned char raw[sizeof(struct multicall_entry)];
    struct multicall_entry call;
    unsigned int i;
    long rc = 0;

    if (this_cpu(in_multicall))
        return -EINVAL;
    this_cpu(in_multicall) = true;

    for (i = 0; i < nr_calls; i++, va += l->size) {
        bool continued;

        if (i && hc_preempt_check())
            goto preempted;
        if (arch_copy_from_guest(raw, va, l->size)) {
            rc = -EFAULT;
            break;
        }
        l->to_native(&call, raw);
        continued = arch_multicall_call(&call);
        l->from_native(raw, &call);
        if (!continued) {
            if (arch_copy_to_guest(va + l->result_offset, raw + l->result_offset,
                                   l->result_size)) {
                rc = -EFAULT;
                break;
            }
            continue;
        }
        /* The entry continues itself: its new arguments go back, and we resume there. */
        if (arch_copy_to_guest(va, raw, l->size)) {
            rc = -EFAULT;
            break;
        }
        goto preempted;
    }
    this_cpu(in_multicall) = false;
    return rc;

 preempted:
    this_cpu(in_multicall) = false;
    return (long)hypercall_create_continuation(__HYPERVISOR_multicall, "hi",
                                               (void *)(uintptr_t)va, nr_calls - i);
}

static void native_in(struct multicall_entry *dst, const void *src)
{
    memcpy(dst, src, sizeof(*dst));
}

static void native_out(void *dst, const struct multicall_entry *src)
{
    memcpy(dst, src, sizeof(*src));
}

static const struct mc_layout native_layout = {
    .size = sizeof(struct multicall_entry),
    .to_native = native_in,
    .from_native = native_out,
    .result_offset = __builtin_offsetof(struct multicall_entry, result),
    .result_size = sizeof(((struct multicall_entry *)0)->result),
};

long do_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_t) call_list, unsigned int nr_calls)
{
    return run_batch(&native_layout, guest_handle_va(call_list), nr_calls);
}

#ifdef CONFIG_COMPAT
/* 32-bit x86 guests: 32-bit fields, zero-extended in, truncated out. */
static void compat_in(struct multicall_entry *dst, const void *src)
{
    struct compat_multicall_entry c;

    memcpy(&c, src, sizeof(c));
    dst->op = c.op;
    dst->result = c.result;
    for (unsigned int i = 0; i < 6; i++)
        dst->args[i] = c.args[i];
}

static void compat_out(void *dst, const struct multicall_entry *src)
{
    struct compat_multicall_entry c;

    c.op = (uint32_t)src->op;
    c.result = (uint32_t)src->result;
    for (unsigned int i = 0; i < 6; i++)
        c.args[i] = (uint32_t)src->args[i];
    memcpy(dst, &c, sizeof(c));
}

static const struct mc_layout compat_layout = {
    .size = sizeof(struct compat_multicall_entry),
    .to_native = compat_in,
    .from_native = compat_out,
    .result_offset = __builtin_offsetof(struct compat_multicall_entry, result),
    .result_size = sizeof(((struct compat_multicall_entry *)0)->result),
};

int compat_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_compat_t) call_list,
                     uint32_t nr_calls)
{
    return hc_clamp_int(run_batch(&compat_layout, guest_handle_va(call_list), nr_calls));
}
#endif
