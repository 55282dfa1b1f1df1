/*
 * Grant tables (xen/common/grant_table.c, docs/grant-tables.md): how a
 * domain lets another one map or copy its pages, for the rest of the
 * hypervisor.
 *
 * Each domain has one table, made by domain_create() with the limits of
 * its creation request.  Its frames ("shared" frames holding the grant
 * entries, and with version 2 the "status" frames) are hypervisor pages
 * shared with the domain (share_xen_page_with_guest(): owned by it for
 * get_page(), not counted in tot_pages), allocated on demand up to
 * max_grant_frames.
 */
#ifndef XEN_GRANT_TABLE_H
#define XEN_GRANT_TABLE_H

#include <xen/types.h>
#include <public/xen.h>
#include <public/grant_table.h>

struct domain;

/* Xen's defaults: the largest limits a domain may ask for, and dom0's. */
#define GNTTAB_MAX_GRANT_FRAMES     64
#define GNTTAB_MAX_MAPTRACK_FRAMES  1024

/*
 * Highest grant-table version a domain may be given: 1 on Arm (as Xen
 * 4.17 there), 2 elsewhere.
 */
#ifdef CONFIG_ARM
#define GNTTAB_MAX_VERSION          1
#else
#define GNTTAB_MAX_VERSION          2
#endif

/* ------------------------------------------------------------ lifetime */

/*
 * domain_create(): config->max_grant_frames / max_maptrack_frames (-1 =
 * the default above) and config->grant_opts (highest version allowed in
 * the low nibble).  -EINVAL for a version of 0 or above
 * GNTTAB_MAX_VERSION, unknown option bits, fewer than one grant frame or
 * more than the maxima above; -ENOMEM.  One shared frame is allocated now.
 */
int grant_table_init(struct domain *d, int max_grant_frames, int max_maptrack_frames,
                     unsigned int options);

/*
 * domain_kill() and domain destruction: tear down every mapping d holds
 * of other domains' grants, and every mapping other domains hold of d's
 * grants (removed from their p2m, the pages' references dropped); no new
 * ones can be made afterwards.  Idempotent; called without locks held.
 */
void gnttab_release_mappings(struct domain *d);

/* Free the table (last thing before the domain goes); frames still mapped elsewhere stay until unmapped. */
void grant_table_destroy(struct domain *d);

/* ------------------------------------------------------------ for memory_op */

/*
 * XENMEM_add_to_physmap(_batch), space XENMAPSPACE_grant_table: map frame
 * `idx` of d's table at `gfn` in d's p2m (p2m_ram_rw), growing the table
 * as needed.  With version 2, idx | XENMAPIDX_grant_table_status names
 * status frame idx.  Returns 0 with *mfn = the frame; -EINVAL for an
 * index beyond the table's maximum (or the status bit with version 1),
 * -EBUSY if that frame is already mapped somewhere (unmap it first, as
 * on Xen 4.17 for Arm), -ENOMEM, or the p2m's error.  Whatever gfn held
 * before is replaced.  No reference is left to the caller.
 */
int gnttab_map_frame(struct domain *d, unsigned long idx, gfn_t gfn, mfn_t *mfn);

/*
 * XENMEM_acquire_resource, type XENMEM_resource_grant_table: how many
 * frames resource `id` (XENMEM_resource_grant_table_id_shared / _status)
 * of d can have; 0 for an unknown id (and status frames where version 2
 * is not available).
 */
unsigned int gnttab_resource_max_frames(struct domain *d, unsigned int id);

/*
 * ... and the frames themselves: frames [frame, frame + nr_frames) of
 * resource `id`, growing the table as needed, into mfn_list[].  Returns
 * nr_frames, or -EINVAL (nr_frames 0, unknown id, status frames while
 * the table is not version 2, frames beyond the maximum), -ENOMEM.  On
 * success the caller holds one page reference per frame (get_page() on
 * d's behalf): it must put_page(mfn_to_page(mfn)) each once it no longer
 * maps the frame (at once if it fails to map it).  The caller checks that
 * frame + nr_frames does not overflow.
 */
int gnttab_acquire_resource(struct domain *d, unsigned int id, unsigned int frame,
                            unsigned int nr_frames, xen_pfn_t mfn_list[]);

/*
 * GNTTABOP_cache_flush's maintenance on [va, va + len) of the direct map
 * (op: GNTTAB_CACHE_CLEAN and/or _INVAL): 0 or -errno.  grant_table.c has
 * a weak do-nothing default (every mapping we make is cacheable and nothing
 * does non-coherent DMA yet); an architecture may provide the real one.
 */
int arch_grant_cache_flush(void *va, unsigned int len, unsigned int op);

#endif /* XEN_GRANT_TABLE_H */
