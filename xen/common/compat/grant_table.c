/*
 * compat_grant_table_op: grant_table_op for 32-bit x86 guests (hvm32).
 *
 * Most grant operations have the same layout for both widths (checked at
 * compile time by compat/xlat.h) and go straight to do_grant_table_op().
 * Four differ: setup_table and get_status_frames (a 4-byte list handle;
 * setup_table's frames are also 4 bytes), copy (a 4-byte frame number in
 * each end's union) and transfer.  Those are rebuilt in native form in
 * the vCPU's translation area (xen/compat.h); copy batch by batch, as
 * many entries as fit, with statuses written back after each batch and a
 * native continuation turned into one over the guest's own array.
 *
 * Behaviour follows Xen 4.17's common/compat/grant_table.c.  Results are
 * saturated to the int range.
 */
#include "../hypercall_env.h"
#include <xen/compat.h>
#include <xen/lib.h>
#include <public/grant_table.h>
#include <compat/grant_table.h>
#include <compat/xlat.h>

#define GNTTABOP_CMD_MASK   ((1U << 12) - 1)    /* cache_flush keeps state above */

/* Served natively: the generator has checked these layouts are the same. */
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_gnttab_map_grant_ref);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_gnttab_unmap_grant_ref);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_gnttab_unmap_and_replace);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_gnttab_query_size);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_gnttab_set_version);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_gnttab_get_version);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_gnttab_swap_grant_ref);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_gnttab_dump_table);
BUILD_BUG_ON(!COMPAT_LAYOUT_SAME_gnttab_cache_flush);
/* Translated: the i386 sizes. */
BUILD_BUG_ON(sizeof(struct compat_gnttab_setup_table) != 16);
BUILD_BUG_ON(sizeof(struct compat_gnttab_get_status_frames) != 12);
BUILD_BUG_ON(sizeof(struct compat_gnttab_copy) != 24);

static XEN_GUEST_HANDLE_PARAM(void) area_handle(void *p)
{
    XEN_GUEST_HANDLE_PARAM(void) h;

    set_xen_guest_handle(h, p);
    return h;
}

/* The frame list is widened in the area and narrowed back on success. */
static long setup_table(XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    struct gnttab_setup_table *nat = compat_xlat_area();
    xen_pfn_t *list = (xen_pfn_t *)(nat + 1);
    const unsigned int slots = (COMPAT_XLAT_SIZE - sizeof(*nat)) / sizeof(*list);
    struct compat_gnttab_setup_table cmp;
    long rc;

    if (count > 1)
        return -EINVAL;
    if (!count)
        return 0;
    if (!hc_copy_from(&cmp, uop, 0, sizeof(cmp)))
        return -EFAULT;

    if (cmp.nr_frames > slots) {
        /* More than any table may have (and than the area holds). */
        cmp.status = GNTST_general_error;
    } else {
        xlat_gnttab_setup_table_from_compat(nat, &cmp);
        set_xen_guest_handle(nat->frame_list, list);
        rc = do_grant_table_op(GNTTABOP_setup_table, area_handle(nat), 1);
        if (rc)
            return rc;
        cmp.status = nat->status;
        for (unsigned int i = 0; cmp.status == GNTST_okay && i < cmp.nr_frames; i++) {
            compat_pfn_t frame = (compat_pfn_t)list[i];

            if (arch_copy_to_guest(compat_handle_addr(cmp.frame_list) +
                                   (uint64_t)i * sizeof(frame), &frame, sizeof(frame)))
                cmp.status = GNTST_bad_virt_addr;
        }
    }
    return hc_copy_to(uop, 0, &cmp, sizeof(cmp)) ? 0 : -EFAULT;
}

/* The status frames are 64-bit for both widths: only the structure differs. */
static long get_status_frames(XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    struct gnttab_get_status_frames *nat = compat_xlat_area();
    struct compat_gnttab_get_status_frames cmp;
    long rc;

    if (count > 1)
        return -EINVAL;
    if (!count)
        return 0;
    if (!hc_copy_from(&cmp, uop, 0, sizeof(cmp)))
        return -EFAULT;
    xlat_gnttab_get_status_frames_from_compat(nat, &cmp);
    rc = do_grant_table_op(GNTTABOP_get_status_frames, area_handle(nat), 1);
    if (rc)
        return rc;
    cmp.status = nat->status;
    return hc_copy_to(uop, 0, &cmp, sizeof(cmp)) ? 0 : -EFAULT;
}

/* Each end of a copy names a grant reference or a frame, by its flag. */
static enum xlat_gnttab_copy_ptr_u copy_sel(uint16_t flags, uint16_t gref_flag)
{
    return (flags & gref_flag) ? XLAT_GNTTAB_COPY_PTR_U_ref : XLAT_GNTTAB_COPY_PTR_U_gmfn;
}

static long copy(XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    struct gnttab_copy *nat = compat_xlat_area();
    const unsigned int slots = COMPAT_XLAT_SIZE / sizeof(*nat);
    const uint64_t base = guest_handle_va(uop);
    const size_t csize = sizeof(struct compat_gnttab_copy);
    const size_t st = offsetof(struct compat_gnttab_copy, status);
    unsigned int i = 0;

    while (i < count) {
        unsigned int n = count - i, done;
        long rc;

        if (n > slots)
            n = slots;
        for (unsigned int j = 0; j < n; j++) {
            struct compat_gnttab_copy c;

            if (arch_copy_from_guest(&c, base + (uint64_t)(i + j) * csize, csize))
                return -EFAULT;
            xlat_gnttab_copy_from_compat(&nat[j], &c,
                                         copy_sel(c.flags, GNTCOPY_source_gref),
                                         copy_sel(c.flags, GNTCOPY_dest_gref));
        }

        rc = do_grant_table_op(GNTTABOP_copy, area_handle(nat), n);
        done = n;
        if (compat_continued()) {
            unsigned long off = compat_cont_arg(1) - (uintptr_t)nat;

            /* The entry it resumes at, within this batch. */
            done = off / sizeof(*nat) <= n ? (unsigned int)(off / sizeof(*nat)) : 0;
        } else if (rc)
            return rc;

        /* Statuses of what was done, before anything else happens. */
        for (unsigned int j = 0; j < done; j++) {
            if (!arch_copy_to_guest(base + (uint64_t)(i + j) * csize + st, &nat[j].status,
                                    sizeof(nat[j].status)))
                continue;
            if (!compat_continued())
                return -EFAULT;
            /* A continuation cannot be taken back: resume at this entry. */
            done = j;
            break;
        }
        i += done;

        if (compat_continued()) {
            /* Re-express over the guest's array: from entry i on. */
            compat_cont_set_arg(1, base + (uint64_t)i * csize);
            compat_cont_set_arg(2, count - i);
            return rc;
        }
        if (i < count && hc_preempt_check())
            return (long)hypercall_create_continuation(
                __HYPERVISOR_grant_table_op, "ihi", GNTTABOP_copy,
                (void *)(uintptr_t)(base + (uint64_t)i * csize), count - i);
    }
    return 0;
}

int compat_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    long rc;

    if (!compat_xlat_area())
        return -ENOSYS;             /* not in a 32-bit hypercall: cannot happen */

    switch (cmd) {
    case GNTTABOP_setup_table:
    case GNTTABOP_get_status_frames:
    case GNTTABOP_copy:
        if ((int)count < 0)
            return -EINVAL;
        if (!current->domain->grant_table)
            return -ENOSYS;
        break;
    }

    switch (cmd) {
    case GNTTABOP_setup_table:
        rc = setup_table(uop, count);
        break;
    case GNTTABOP_get_status_frames:
        rc = get_status_frames(uop, count);
        break;
    case GNTTABOP_copy:
        rc = copy(uop, count);
        break;
    default:
        /* Same layouts; transfer is refused before its argument is read. */
        rc = do_grant_table_op(cmd, uop, count);
        break;
    }
    return compat_result(rc);
}
