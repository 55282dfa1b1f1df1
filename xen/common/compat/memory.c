/*
 * compat_memory_op: memory_op for 32-bit x86 guests (hvm32).
 *
 * Structures whose i386 layout differs are rebuilt in native form in the
 * vCPU's translation area (xen/compat.h) and handed to do_memory_op(),
 * which reaches them through the ordinary guest-copy calls.  Frame lists
 * are widened into the rest of the area, as many entries as fit; longer
 * lists are done batch by batch, results narrowed back into the guest's
 * list after each batch.  A continuation the native handler leaves is
 * turned back into one over the guest's own structure.
 *
 * Sub-ops whose argument is the same for both widths (the reservation
 * queries take only a domid) go straight to the native handler.  Results
 * are saturated to the int range.
 *
 * Behaviour (which errors, which partial results) follows Xen 4.17's
 * common/compat/memory.c and arch/x86/x86_64/compat/mm.c.
 */
#include "../hypercall_env.h"
#include <xen/compat.h>
#include <xen/lib.h>
#include <public/memory.h>
#include <compat/memory.h>
#include <compat/xlat.h>

/* cmd = op | (progress << MEMOP_EXTENT_SHIFT), as in Xen. */
#define MEMOP_EXTENT_SHIFT  6
#define MEMOP_CMD_MASK      ((1U << MEMOP_EXTENT_SHIFT) - 1)

/* The i386 sizes the guest's structures have (Xen 4.17 ABI). */
BUILD_BUG_ON(sizeof(struct compat_memory_reservation) != 20);
BUILD_BUG_ON(sizeof(struct compat_add_to_physmap) != 16);
BUILD_BUG_ON(sizeof(struct compat_add_to_physmap_batch) != 20);
BUILD_BUG_ON(sizeof(struct compat_remove_from_physmap) != 8);
BUILD_BUG_ON(sizeof(struct compat_memory_map) != 8);
BUILD_BUG_ON(sizeof(struct compat_mem_acquire_resource) != 28);
BUILD_BUG_ON(sizeof(struct compat_vnuma_topology_info) != 40);
BUILD_BUG_ON(sizeof(struct compat_memory_exchange) != 44);
BUILD_BUG_ON(sizeof(struct compat_reserved_device_memory_map) != 16);
/* A domid is a domid. */
BUILD_BUG_ON(sizeof(compat_domid_t) != sizeof(domid_t));

/* Native structure at the start of the area, its array after it. */
#define XLAT_SLOTS(nat_type, elem_size) \
    ((COMPAT_XLAT_SIZE - sizeof(nat_type)) / (elem_size))

/* A guest handle for a pointer into the area. */
static XEN_GUEST_HANDLE_PARAM(void) area_handle(void *p)
{
    XEN_GUEST_HANDLE_PARAM(void) h;

    set_xen_guest_handle(h, p);
    return h;
}

/*
 * After a native call on the area at `nat`: if it left a continuation,
 * make it name the guest's structure again and report its new cmd.
 */
static bool continuation_back(const void *nat, XEN_GUEST_HANDLE_PARAM(void) arg,
                              unsigned long *cmd)
{
    if (!compat_continued())
        return false;
    *cmd = compat_cont_arg(0);
    if (compat_cont_arg(1) == (unsigned long)(uintptr_t)nat)
        compat_cont_set_arg(1, guest_handle_va(arg));
    return true;
}

/* ------------------------------------------------------------ reservations */

/*
 * Frames list[0 ..] for extents start .. end-1 into the guest's 32-bit
 * list at clist; returns the extent reached (end unless a frame did not
 * fit 32 bits or the guest's list could not be written).
 */
static unsigned int copy_pfns_out(uint64_t clist, const xen_pfn_t *list, unsigned int start,
                                  unsigned int end)
{
    for (unsigned int i = start; i < end; i++) {
        compat_pfn_t pfn = (compat_pfn_t)list[i - start];

        if (pfn != list[i - start] ||
            arch_copy_to_guest(clist + (uint64_t)i * sizeof(pfn), &pfn, sizeof(pfn)))
            return i;
    }
    return end;
}

/*
 * increase_reservation, decrease_reservation, populate_physmap.  Like
 * Xen, an unreadable argument or an impossible size yields the progress
 * so far rather than an errno.
 */
static long reservation(unsigned int op, unsigned int start, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_reservation *nat = compat_xlat_area();
    xen_pfn_t *list = (xen_pfn_t *)(nat + 1);
    const unsigned int slots = XLAT_SLOTS(*nat, sizeof(xen_pfn_t));
    struct compat_memory_reservation cmp;
    uint64_t clist;
    long rc;

    if (!hc_copy_from(&cmp, arg, 0, sizeof(cmp)))
        return start;
    if (cmp.nr_extents > (UINT_MAX >> MEMOP_EXTENT_SHIFT))
        return start;
    clist = compat_handle_addr(cmp.extent_start);

    for (;;) {
        unsigned int end = cmp.nr_extents;
        bool stop = false;
        unsigned long cont_cmd;

        xlat_memory_reservation_from_compat(nat, &cmp);
        if (clist) {
            if (end > start && end - start > slots)
                end = start + slots;
            /* The native handler indexes from `start`: bias the handle. */
            set_xen_guest_handle(nat->extent_start, list);
            nat->extent_start.p -= start;
            if (op != XENMEM_increase_reservation) {
                for (unsigned int i = start; i < end; i++) {
                    compat_pfn_t pfn;

                    if (arch_copy_from_guest(&pfn, clist + (uint64_t)i * sizeof(pfn),
                                             sizeof(pfn))) {
                        end = i;        /* do what could be read, then stop */
                        stop = true;
                        break;
                    }
                    list[i - start] = pfn;
                }
            }
        }
        nat->nr_extents = end;

        rc = do_memory_op(op | ((unsigned long)start << MEMOP_EXTENT_SHIFT),
                          area_handle(nat));
        if (rc < 0)
            return rc;
        if (continuation_back(nat, arg, &cont_cmd)) {
            unsigned int done = (unsigned int)(cont_cmd >> MEMOP_EXTENT_SHIFT);

            /*
             * A continuation cannot be taken back: if a result did not
             * reach the guest, have the call resume at that extent.
             */
            if (clist && op != XENMEM_decrease_reservation) {
                unsigned int copied = copy_pfns_out(clist, list, start, done);

                if (copied != done)
                    compat_cont_set_arg(0, op | ((unsigned long)copied << MEMOP_EXTENT_SHIFT));
            }
            return rc;
        }
        /* rc: the index reached. */
        if (clist && op != XENMEM_decrease_reservation) {
            unsigned int copied = copy_pfns_out(clist, list, start, (unsigned int)rc);

            if (copied != (unsigned int)rc)
                return copied;
        }
        if ((unsigned long)rc != end || stop || end >= cmp.nr_extents)
            return rc;
        start = end;
        if (hc_preempt_check())
            return (long)hypercall_create_continuation(
                __HYPERVISOR_memory_op, "ih", op | (start << MEMOP_EXTENT_SHIFT),
                (void *)(uintptr_t)guest_handle_va(arg));
    }
}

/*
 * XENMEM_exchange: both extent lists go through the area, the input one
 * widened in, the output one narrowed out, as many input extents per
 * batch as leave room for their output; progress is the structure's
 * nr_exchanged (in input extents), written back to the guest after each
 * batch.  The argument checks that need the guest's own numbers come
 * first, as in Xen's compat handler.
 */
static long exchange(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_exchange *nat = compat_xlat_area();
    xen_pfn_t *list = (xen_pfn_t *)(nat + 1);
    const unsigned int slots = XLAT_SLOTS(*nat, sizeof(xen_pfn_t));
    const size_t done_off = offsetof(struct compat_memory_exchange, nr_exchanged);
    struct compat_memory_exchange cmp;
    unsigned int in_o, out_o, per_batch;
    int delta;
    long rc;

    if (!hc_copy_from(&cmp, arg, 0, sizeof(cmp)))
        return -EFAULT;
    in_o = cmp.in.extent_order;
    out_o = cmp.out.extent_order;
    if (in_o >= 32 || out_o >= 32)
        return -EINVAL;
    delta = (int)out_o - (int)in_o;
    if (cmp.nr_exchanged > cmp.in.nr_extents ||
        (delta > 0 && (cmp.nr_exchanged & ((1U << delta) - 1))) ||
        (~0U >> in_o) < cmp.in.nr_extents || (~0U >> out_o) < cmp.out.nr_extents ||
        (cmp.in.nr_extents << in_o) != (cmp.out.nr_extents << out_o))
        return -EINVAL;

    /* Input extents per batch, with room for the output they turn into. */
    if (delta > 0)
        per_batch = delta < 31 ? (slots / ((1U << delta) + 1)) << delta : 0;
    else
        per_batch = -delta < 31 ? slots / ((1U << -delta) + 1) : 0;
    if (!per_batch)
        return -E2BIG;

    for (;;) {
        unsigned int start = cmp.nr_exchanged, end = cmp.in.nr_extents, done;
        unsigned int start_out, end_out;
        xen_pfn_t *out;
        unsigned long cont;
        bool continued;

        if (end - start > per_batch)
            end = start + per_batch;
        start_out = delta > 0 ? start >> delta : start << -delta;
        end_out = delta > 0 ? end >> delta : end << -delta;
        out = list + (end - start);

        xlat_memory_exchange_from_compat(nat, &cmp);
        for (unsigned int i = start; i < end; i++) {
            compat_pfn_t pfn;

            if (arch_copy_from_guest(&pfn, compat_handle_addr(cmp.in.extent_start) +
                                     (uint64_t)i * sizeof(pfn), sizeof(pfn)))
                return -EFAULT;
            list[i - start] = pfn;
        }
        set_xen_guest_handle(nat->in.extent_start, list);
        nat->in.extent_start.p -= start;
        set_xen_guest_handle(nat->out.extent_start, out);
        nat->out.extent_start.p -= start_out;
        nat->in.nr_extents = end;
        nat->out.nr_extents = end_out;

        rc = do_memory_op(XENMEM_exchange, area_handle(nat));
        continued = continuation_back(nat, arg, &cont);

        /* What the native handler exchanged goes back, whatever else happened. */
        done = (unsigned int)nat->nr_exchanged;
        if (done < start || done > end)
            done = start;
        for (unsigned int j = start_out; j < (delta > 0 ? done >> delta : done << -delta); j++) {
            compat_pfn_t pfn = (compat_pfn_t)out[j - start_out];

            if (pfn != out[j - start_out] ||
                arch_copy_to_guest(compat_handle_addr(cmp.out.extent_start) +
                                   (uint64_t)j * sizeof(pfn), &pfn, sizeof(pfn))) {
                if (!continued)
                    rc = -EFAULT;
                break;
            }
        }
        cmp.nr_exchanged = done;
        if (!hc_copy_to(arg, done_off, &cmp.nr_exchanged, sizeof(cmp.nr_exchanged)) &&
            !continued)
            rc = -EFAULT;
        if (continued || rc || done != end || end >= cmp.in.nr_extents)
            return rc;
        if (hc_preempt_check())
            return (long)hypercall_create_continuation(
                __HYPERVISOR_memory_op, "ih", XENMEM_exchange,
                (void *)(uintptr_t)guest_handle_va(arg));
    }
}

/* ------------------------------------------------------------ physmap */

static long add_to_physmap(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_add_to_physmap *nat = compat_xlat_area();
    struct compat_add_to_physmap cmp;
    unsigned long cont;
    long rc;

    if (!hc_copy_from(&cmp, arg, 0, sizeof(cmp)))
        return -EFAULT;
    xlat_add_to_physmap_from_compat(nat, &cmp);
    rc = do_memory_op(cmd, area_handle(nat));
    continuation_back(nat, arg, &cont);
    return rc;
}

/*
 * The index and frame lists are widened into the area batch by batch;
 * the per-entry errors (int for both widths) go straight to the guest.
 */
static long add_to_physmap_batch(unsigned int start, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_add_to_physmap_batch *nat = compat_xlat_area();
    const unsigned int slots = XLAT_SLOTS(*nat, sizeof(xen_ulong_t) + sizeof(xen_pfn_t));
    xen_ulong_t *idxs = (xen_ulong_t *)(nat + 1);
    xen_pfn_t *gpfns = (xen_pfn_t *)(idxs + slots);
    struct compat_add_to_physmap_batch cmp;
    const unsigned int op = XENMEM_add_to_physmap_batch;
    long rc;

    if (!hc_copy_from(&cmp, arg, 0, sizeof(cmp)))
        return -EFAULT;

    for (;;) {
        unsigned int end = cmp.size;
        unsigned long cont;

        xlat_add_to_physmap_batch_from_compat(nat, &cmp);
        if (start < end) {
            uint64_t ci = compat_handle_addr(cmp.idxs), cg = compat_handle_addr(cmp.gpfns);

            if (end - start > slots)
                end = start + slots;
            for (unsigned int i = start; i < end; i++) {
                compat_ulong_t idx;
                compat_pfn_t gpfn;

                if (arch_copy_from_guest(&idx, ci + (uint64_t)i * sizeof(idx), sizeof(idx)) ||
                    arch_copy_from_guest(&gpfn, cg + (uint64_t)i * sizeof(gpfn), sizeof(gpfn)))
                    return -EFAULT;
                idxs[i - start] = idx;
                gpfns[i - start] = gpfn;
            }
            set_xen_guest_handle(nat->idxs, idxs);
            nat->idxs.p -= start;
            set_xen_guest_handle(nat->gpfns, gpfns);
            nat->gpfns.p -= start;
            nat->size = (uint16_t)end;
        }
        rc = do_memory_op(op | ((unsigned long)start << MEMOP_EXTENT_SHIFT), area_handle(nat));
        if (continuation_back(nat, arg, &cont) || rc || end >= cmp.size)
            return rc;
        start = end;
        if (hc_preempt_check())
            return (long)hypercall_create_continuation(
                __HYPERVISOR_memory_op, "ih", op | (start << MEMOP_EXTENT_SHIFT),
                (void *)(uintptr_t)guest_handle_va(arg));
    }
}

static long remove_from_physmap(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_remove_from_physmap *nat = compat_xlat_area();
    struct compat_remove_from_physmap cmp;

    if (!hc_copy_from(&cmp, arg, 0, sizeof(cmp)))
        return -EFAULT;
    xlat_remove_from_physmap_from_compat(nat, &cmp);
    return do_memory_op(cmd, area_handle(nat));
}

/* XENMEM_memory_map: the count goes back, the entries are the same for both. */
static long memory_map(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_map *nat = compat_xlat_area();
    struct compat_memory_map cmp;
    long rc;

    if (!hc_copy_from(&cmp, arg, 0, sizeof(cmp)))
        return -EFAULT;
    xlat_memory_map_from_compat(nat, &cmp);
    rc = do_memory_op(cmd, area_handle(nat));
    if (rc < 0)
        return rc;
    cmp.nr_entries = nat->nr_entries;
    return hc_copy_to(arg, 0, &cmp, sizeof(cmp)) ? rc : -EFAULT;
}

/*
 * XENMEM_get_vnumainfo: three handles in 8-byte unions.  The guest may
 * leave the upper halves as they were, so each handle is taken from its
 * 4 bytes.  The counts go back on success and on -ENOBUFS (they then say
 * how much room is needed).
 */
static long get_vnumainfo(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_vnuma_topology_info *nat = compat_xlat_area();
    struct compat_vnuma_topology_info cmp;
    long rc;

    if (!hc_copy_from(&cmp, arg, 0, sizeof(cmp)))
        return -EFAULT;
    xlat_vnuma_topology_info_from_compat(nat, &cmp, XLAT_VNUMA_TOPOLOGY_INFO_VDISTANCE_h,
                                         XLAT_VNUMA_TOPOLOGY_INFO_VCPU_TO_VNODE_h,
                                         XLAT_VNUMA_TOPOLOGY_INFO_VMEMRANGE_h);
    rc = do_memory_op(cmd, area_handle(nat));
    if (rc < 0 && rc != -ENOBUFS)
        return rc;
    cmp.nr_vnodes = nat->nr_vnodes;
    cmp.nr_vcpus = nat->nr_vcpus;
    cmp.nr_vmemranges = nat->nr_vmemranges;
    return hc_copy_to(arg, 0, &cmp, sizeof(cmp)) ? rc : -EFAULT;
}

/* XENMEM_reserved_device_memory_map: a 4-byte buffer handle; the count goes back. */
static long reserved_device_memory_map(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_reserved_device_memory_map *nat = compat_xlat_area();
    struct compat_reserved_device_memory_map cmp;
    long rc;

    if (!hc_copy_from(&cmp, arg, 0, sizeof(cmp)))
        return -EFAULT;
    xlat_reserved_device_memory_map_from_compat(nat, &cmp);
    rc = do_memory_op(cmd, area_handle(nat));
    if (rc < 0 && rc != -ENOBUFS)
        return rc;
    cmp.nr_entries = nat->nr_entries;
    return hc_copy_to(arg, 0, &cmp, sizeof(cmp)) ? rc : -EFAULT;
}

/* ------------------------------------------------------------ acquire_resource */

/*
 * The guest's structure is 28 bytes with a 4-byte frame-list handle; we
 * read exactly that much (it may end a page with nothing mapped after
 * it).  A NULL list asks for the resource's size: only nr_frames goes
 * back.  Otherwise the list holds the guest frames to map the resource
 * at (HVM guests are translated), widened into the area; the native
 * handler sees each batch as a whole request starting at `frame`, so its
 * own continuations are re-expressed over the guest's request.
 */
static long acquire_resource(unsigned int start, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_mem_acquire_resource *nat = compat_xlat_area();
    xen_pfn_t *list = (xen_pfn_t *)(nat + 1);
    const unsigned int slots = XLAT_SLOTS(*nat, sizeof(xen_pfn_t));
    const unsigned int op = XENMEM_acquire_resource;
    struct compat_mem_acquire_resource cmp;
    uint64_t clist;
    long rc;

    if (!hc_copy_from(&cmp, arg, 0, sizeof(cmp)))
        return -EFAULT;
    clist = compat_handle_addr(cmp.frame_list);
    xlat_mem_acquire_resource_from_compat(nat, &cmp);

    if (!clist) {
        set_xen_guest_handle(nat->frame_list, NULL);
        rc = do_memory_op(op | ((unsigned long)start << MEMOP_EXTENT_SHIFT), area_handle(nat));
        if (rc)
            return rc;
        cmp.nr_frames = nat->nr_frames;
        return hc_copy_to(arg, offsetof(struct compat_mem_acquire_resource, nr_frames),
                          &cmp.nr_frames, sizeof(cmp.nr_frames)) ? 0 : -EFAULT;
    }

    set_xen_guest_handle(nat->frame_list, list);
    if (!cmp.nr_frames)
        return do_memory_op(op | ((unsigned long)start << MEMOP_EXTENT_SHIFT), area_handle(nat));
    if (start >= cmp.nr_frames)
        return -EINVAL;

    for (;;) {
        unsigned int n = cmp.nr_frames - start;
        unsigned long cont;

        if (n > slots)
            n = slots;
        xlat_mem_acquire_resource_from_compat(nat, &cmp);
        set_xen_guest_handle(nat->frame_list, list);
        nat->frame += start;
        nat->nr_frames = n;
        for (unsigned int i = 0; i < n; i++) {
            compat_pfn_t pfn;

            if (arch_copy_from_guest(&pfn, clist + (uint64_t)(start + i) * sizeof(pfn),
                                     sizeof(pfn)))
                return -EFAULT;
            list[i] = pfn;
        }

        rc = do_memory_op(op, area_handle(nat));
        if (continuation_back(nat, arg, &cont)) {
            /* Progress within this batch, counted from the guest's start. */
            unsigned long done = cont >> MEMOP_EXTENT_SHIFT;

            compat_cont_set_arg(0, op | ((start + done) << MEMOP_EXTENT_SHIFT));
            return rc;
        }
        if (rc)
            return rc;
        start += n;
        if (start >= cmp.nr_frames)
            return 0;
        if (hc_preempt_check())
            return (long)hypercall_create_continuation(
                __HYPERVISOR_memory_op, "ih", op | (start << MEMOP_EXTENT_SHIFT),
                (void *)(uintptr_t)guest_handle_va(arg));
    }
}

/* ------------------------------------------------------------ the hypercall */

int compat_memory_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    unsigned int op = cmd & MEMOP_CMD_MASK;
    unsigned int start = cmd >> MEMOP_EXTENT_SHIFT;
    long rc;

    if (!compat_xlat_area())
        return -ENOSYS;             /* not in a 32-bit hypercall: cannot happen */

    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        rc = reservation(op, start, arg);
        break;

    /* A domid_t argument (or none): the same for both widths. */
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
    case XENMEM_maximum_ram_page:
        rc = do_memory_op(cmd, arg);
        break;

    case XENMEM_add_to_physmap:
        rc = add_to_physmap(cmd, arg);
        break;

    case XENMEM_add_to_physmap_batch:
        rc = add_to_physmap_batch(start, arg);
        break;

    case XENMEM_remove_from_physmap:
        rc = remove_from_physmap(cmd, arg);
        break;

    case XENMEM_acquire_resource:
        rc = acquire_resource(start, arg);
        break;

    case XENMEM_exchange:
        rc = start ? -EINVAL : exchange(arg);
        break;

    case XENMEM_get_vnumainfo:
        rc = get_vnumainfo(cmd, arg);
        break;

    case XENMEM_reserved_device_memory_map:
        rc = start ? -EINVAL : reserved_device_memory_map(cmd, arg);
        break;

    /* The architecture's sub-ops take the whole cmd (x86: compat mm.c). */
    default:
        if (cmd == XENMEM_memory_map)
            rc = memory_map(cmd, arg);
        else
            rc = -ENOSYS;
        break;
    }
    return compat_result(rc);
}
