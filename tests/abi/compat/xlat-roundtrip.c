/*
 * Round trips through the generated compat <-> native translation helpers,
 * built for the host under -fsanitize=address,undefined by xlat.t.
 *
 * Each group prints one line; any failed expectation prints where and makes
 * the program exit non-zero.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <compat/xlat.h>

static int failures;

#define EXPECT(cond) do {                                                   \
        if (!(cond)) {                                                      \
            printf("  %s:%d: expected %s\n", __FILE__, __LINE__, #cond);    \
            failures++;                                                     \
        }                                                                   \
    } while (0)

static void report(const char *group, int before)
{
    printf("xlat: %-40s %s\n", group, failures == before ? "ok" : "FAILED");
}

/* A native pointer value made from a guest address, as the helpers do. */
#define GADDR(a) ((void *)(uintptr_t)(a))

static void memory_reservation(void)
{
    int before = failures;
    struct compat_memory_reservation c = {0}, c2;
    struct xen_memory_reservation n;

    c.extent_start.c = 0xfffff000u;
    c.nr_extents = 0xffffffffu;
    c.extent_order = 9;
    c.mem_flags = 0x1234;
    c.domid = 0x7ff0;
    EXPECT(xlat_memory_reservation_from_compat(&n, &c) == 0);
    EXPECT((uintptr_t)n.extent_start.p == 0xfffff000u);
    EXPECT(n.nr_extents == 0xffffffffu);            /* zero-extended, not sign */
    EXPECT(n.extent_order == 9 && n.mem_flags == 0x1234 && n.domid == 0x7ff0);
    EXPECT(xlat_memory_reservation_to_compat(&c2, &n) == 0);
    EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);

    /* Narrowing: a handle above 4 GiB and a count above 2^32 do not fit. */
    set_xen_guest_handle(n.extent_start, (xen_pfn_t *)GADDR(0x100002000ull));
    n.nr_extents = 0x100000005ull;
    EXPECT(xlat_memory_reservation_to_compat(&c2, &n) == 2);
    EXPECT(c2.extent_start.c == 0x2000 && c2.nr_extents == 5);  /* truncated */
    n.nr_extents = 5;
    EXPECT(xlat_memory_reservation_to_compat(&c2, &n) == 1);
    report("memory_reservation (handle, ulong)", before);
}

static void memory_exchange(void)
{
    int before = failures;
    struct compat_memory_exchange c = {0}, c2;
    struct xen_memory_exchange n;

    c.in.extent_start.c = 0x1000;
    c.in.nr_extents = 4;
    c.out.extent_start.c = 0x2000;
    c.out.extent_order = 2;
    c.nr_exchanged = 3;
    EXPECT(xlat_memory_exchange_from_compat(&n, &c) == 0);
    EXPECT((uintptr_t)n.out.extent_start.p == 0x2000 && n.in.nr_extents == 4);
    EXPECT(xlat_memory_exchange_to_compat(&c2, &n) == 0);
    EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);
    n.nr_exchanged = ~0ul;
    EXPECT(xlat_memory_exchange_to_compat(&c2, &n) == 1);
    report("memory_exchange (nested structs)", before);
}

static void add_to_physmap(void)
{
    int before = failures;
    struct compat_add_to_physmap c = {0}, c2;
    struct xen_add_to_physmap n;

    c.domid = 1;
    c.size = 16;
    c.space = 2;
    c.idx = 0xdeadbeef;
    c.gpfn = 0xfedcba98;
    EXPECT(xlat_add_to_physmap_from_compat(&n, &c) == 0);
    EXPECT(n.idx == 0xdeadbeef && n.gpfn == 0xfedcba98 && n.size == 16);
    EXPECT(xlat_add_to_physmap_to_compat(&c2, &n) == 0);
    EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);
    n.gpfn = 0x123456789ull;
    EXPECT(xlat_add_to_physmap_to_compat(&c2, &n) == 1);
    report("add_to_physmap (ulong, pfn)", before);
}

static void add_to_physmap_batch(void)
{
    int before = failures;
    struct compat_add_to_physmap_batch c = {0}, c2;
    struct xen_add_to_physmap_batch n;

    c.domid = 3;
    c.space = 4;
    c.size = 8;
    c.u.foreign_domid = 7;
    c.idxs.c = 0x10000;
    c.gpfns.c = 0x20000;
    c.errs.c = 0x30000;
    EXPECT(xlat_add_to_physmap_batch_from_compat(&n, &c) == 0);
    EXPECT(n.u.foreign_domid == 7 && (uintptr_t)n.errs.p == 0x30000);
    EXPECT(xlat_add_to_physmap_batch_to_compat(&c2, &n) == 0);
    EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);
    set_xen_guest_handle(n.gpfns, (xen_pfn_t *)GADDR(0x80000000000ull));
    EXPECT(xlat_add_to_physmap_batch_to_compat(&c2, &n) == 1);
    report("add_to_physmap_batch (3 handles)", before);
}

static void remove_from_physmap(void)
{
    int before = failures;
    struct compat_remove_from_physmap c = {0}, c2;
    struct xen_remove_from_physmap n;

    c.domid = 0x7ff2;
    c.gpfn = 0x80000000;
    EXPECT(xlat_remove_from_physmap_from_compat(&n, &c) == 0);
    EXPECT(n.gpfn == 0x80000000ull);
    EXPECT(xlat_remove_from_physmap_to_compat(&c2, &n) == 0);
    EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);
    report("remove_from_physmap", before);
}

static void memory_map(void)
{
    int before = failures;
    struct compat_memory_map c = {0}, c2;
    struct xen_memory_map n;

    c.nr_entries = 128;
    c.buffer.c = 0xc0000000;
    EXPECT(xlat_memory_map_from_compat(&n, &c) == 0);
    EXPECT(n.nr_entries == 128 && (uintptr_t)n.buffer.p == 0xc0000000);
    EXPECT(xlat_memory_map_to_compat(&c2, &n) == 0);
    EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);
    report("memory_map (void handle)", before);
}

static void mem_acquire_resource(void)
{
    int before = failures;
    struct compat_mem_acquire_resource c = {0}, c2;
    struct xen_mem_acquire_resource n;

    /* 28 bytes for i386: frame is only 4-aligned, no tail padding. */
    EXPECT(sizeof(c) == 28 && __builtin_offsetof(struct compat_mem_acquire_resource,
                                                 frame_list) == 24);
    c.domid = 5;
    c.type = 1;
    c.id = 1;
    c.nr_frames = 2;
    c.frame = 0x123456789abcdefull;     /* 64-bit in both: never narrowed */
    c.frame_list.c = 0xbffff000;
    EXPECT(xlat_mem_acquire_resource_from_compat(&n, &c) == 0);
    EXPECT(n.frame == 0x123456789abcdefull && (uintptr_t)n.frame_list.p == 0xbffff000);
    EXPECT(xlat_mem_acquire_resource_to_compat(&c2, &n) == 0);
    EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);
    report("mem_acquire_resource (u64 at 4-aligned)", before);
}

static void gnttab_setup_table(void)
{
    int before = failures;
    struct compat_gnttab_setup_table c = {0}, c2;
    struct gnttab_setup_table n;

    c.dom = 0x7ff0;
    c.nr_frames = 4;
    c.status = -1;
    c.frame_list.c = 0x1000;
    EXPECT(xlat_gnttab_setup_table_from_compat(&n, &c) == 0);
    EXPECT(n.status == -1 && (uintptr_t)n.frame_list.p == 0x1000);
    EXPECT(xlat_gnttab_setup_table_to_compat(&c2, &n) == 0);
    EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);
    report("gnttab_setup_table", before);
}

static void gnttab_copy(void)
{
    int before = failures;
    struct compat_gnttab_copy c = {0}, c2;
    struct gnttab_copy n;

    c.source.u.ref = 42;
    c.source.domid = 1;
    c.source.offset = 8;
    c.dest.u.gmfn = 0xabcdef;
    c.dest.domid = 0x7ff0;
    c.len = 100;
    c.flags = GNTCOPY_source_gref;
    c.status = -3;
    EXPECT(xlat_gnttab_copy_from_compat(&n, &c, XLAT_GNTTAB_COPY_PTR_U_ref,
                                        XLAT_GNTTAB_COPY_PTR_U_gmfn) == 0);
    EXPECT(n.source.u.ref == 42 && n.dest.u.gmfn == 0xabcdef && n.status == -3);
    EXPECT(xlat_gnttab_copy_to_compat(&c2, &n, XLAT_GNTTAB_COPY_PTR_U_ref,
                                      XLAT_GNTTAB_COPY_PTR_U_gmfn) == 0);
    EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);

    /* A gmfn that needs more than 32 bits cannot go back to the guest. */
    n.dest.u.gmfn = 0x100000000ull;
    EXPECT(xlat_gnttab_copy_to_compat(&c2, &n, XLAT_GNTTAB_COPY_PTR_U_ref,
                                      XLAT_GNTTAB_COPY_PTR_U_gmfn) == 1);
    /* An unknown selector is reported, and the union is left zeroed. */
    EXPECT(xlat_gnttab_copy_from_compat(&n, &c, (enum xlat_gnttab_copy_ptr_u)77,
                                        XLAT_GNTTAB_COPY_PTR_U_gmfn) == 1);
    EXPECT(n.source.u.gmfn == 0);
    report("gnttab_copy (union selectors)", before);
}

static void runstate(void)
{
    int before = failures;
    struct compat_vcpu_register_runstate_memory_area c = {0}, c2;
    struct vcpu_register_runstate_memory_area n;
    struct compat_vcpu_runstate_info ci = {0}, ci2;
    struct vcpu_runstate_info ni;
    enum xlat_vcpu_register_runstate_memory_area_addr by_handle =
        XLAT_VCPU_REGISTER_RUNSTATE_MEMORY_AREA_ADDR_h;
    enum xlat_vcpu_register_runstate_memory_area_addr by_value =
        XLAT_VCPU_REGISTER_RUNSTATE_MEMORY_AREA_ADDR_p;

    c.addr.h.c = 0xfeedf00d;
    EXPECT(xlat_vcpu_register_runstate_memory_area_from_compat(&n, &c, by_handle) == 0);
    EXPECT((uintptr_t)n.addr.h.p == 0xfeedf00d);
    EXPECT(xlat_vcpu_register_runstate_memory_area_to_compat(&c2, &n, by_handle) == 0);
    EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);
    set_xen_guest_handle(n.addr.h, (vcpu_runstate_info_t *)GADDR(0x1feedf00dull));
    EXPECT(xlat_vcpu_register_runstate_memory_area_to_compat(&c2, &n, by_handle) == 1);

    memset(&c, 0, sizeof(c));
    c.addr.p = 0x1122334455667788ull;
    EXPECT(xlat_vcpu_register_runstate_memory_area_from_compat(&n, &c, by_value) == 0);
    EXPECT(n.addr.p == 0x1122334455667788ull);
    EXPECT(xlat_vcpu_register_runstate_memory_area_to_compat(&c2, &n, by_value) == 0);
    EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);

    /* i386: state_entry_time right after the int, 4-aligned. */
    EXPECT(__builtin_offsetof(struct compat_vcpu_runstate_info, state_entry_time) == 4);
    ci.state = 1;
    ci.state_entry_time = 0x0102030405060708ull;
    for (unsigned int i = 0; i < 4; i++)
        ci.time[i] = 0x1000000000ull * (i + 1);
    EXPECT(xlat_vcpu_runstate_info_from_compat(&ni, &ci) == 0);
    EXPECT(ni.state_entry_time == ci.state_entry_time && ni.time[3] == 0x4000000000ull);
    EXPECT(xlat_vcpu_runstate_info_to_compat(&ci2, &ni) == 0);
    EXPECT(memcmp(&ci, &ci2, sizeof(ci)) == 0);
    report("vcpu runstate area/info (union, arrays)", before);
}

int main(void)
{
    memory_reservation();
    memory_exchange();
    add_to_physmap();
    add_to_physmap_batch();
    remove_from_physmap();
    memory_map();
    mem_acquire_resource();
    gnttab_setup_table();
    gnttab_copy();
    runstate();
    return failures ? 1 : 0;
}
