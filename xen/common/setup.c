/*
 * Architecture-neutral start of day.
 *
 * Each architecture gets a console going, describes what its loader told
 * it in a struct boot_info and calls start_xen_common().  That prints the
 * banner, brings up the heap, xmalloc, softirqs, timers, the scheduler and
 * (through the arch) the other CPUs, then has the arch build domain 0 and
 * runs it; with no dom0 kernel it halts.
 */
#include <xen/boot_info.h>
#include <xen/console.h>
#include <xen/version.h>
#include <xen/arch.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/xmalloc.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <xen/smp.h>
#include <xen/sched.h>
#include <xen/errno.h>

static const char *mem_type_name(enum boot_mem_type t)
{
    switch (t) {
    case BOOT_MEM_RAM:      return "RAM";
    case BOOT_MEM_RESERVED: return "reserved";
    case BOOT_MEM_ACPI:     return "ACPI";
    case BOOT_MEM_NVS:      return "ACPI NVS";
    case BOOT_MEM_UNUSABLE: return "unusable";
    case BOOT_MEM_MODULE:   return "module";
    }
    return "unknown";
}

static void print_banner(const struct boot_info *bi)
{
    const uint8_t *id;
    unsigned int id_len;
    uint64_t ram = 0;

    printk("\n");
    printk("Hypervisor %s (Xen %s ABI) for %s\n",
           hv_version_string(), hv_abi_version_string(), bi->arch);
    printk("Build id: ");
    if (hv_build_id(&id, &id_len)) {
        for (unsigned int i = 0; i < id_len; i++)
            printk("%02x", id[i]);
        printk("\n");
    } else {
        printk("(none)\n");
    }
    printk("Compiler: %s\n", hv_compiler_string());
    printk("Loader: %s\n", bi->loader ? bi->loader : "unknown");
    printk("Firmware: %s\n", bi->firmware ? bi->firmware : "unknown");
    printk("Command line: %s\n", bi->cmdline ? bi->cmdline : "");
    if (bi->nr_cpus)
        printk("CPUs: %u\n", bi->nr_cpus);

    printk("Memory map (%u regions):\n", bi->nr_mem);
    for (unsigned int i = 0; i < bi->nr_mem && i < BOOT_MEM_MAX; i++) {
        const struct boot_mem_region *r = &bi->mem[i];

        printk("  %016llx-%016llx %-8s (%llu KiB)\n",
               (unsigned long long)r->start,
               (unsigned long long)(r->start + r->size - 1),
               mem_type_name(r->type), (unsigned long long)(r->size >> 10));
        if (r->type == BOOT_MEM_RAM)
            ram += r->size;
    }
    printk("Total RAM: %llu MiB\n", (unsigned long long)(ram >> 20));

    printk("Modules (%u):\n", bi->nr_mods);
    for (unsigned int i = 0; i < bi->nr_mods && i < BOOT_MODULES_MAX; i++) {
        const struct boot_module *m = &bi->mods[i];

        printk("  %016llx-%016llx %s%s%s\n",
               (unsigned long long)m->start,
               (unsigned long long)(m->start + m->size - 1),
               m->kind ? m->kind : "module",
               m->cmdline ? " " : "", m->cmdline ? m->cmdline : "");
    }
}

/* A quick check that xmalloc and the heap agree before anyone relies on them. */
static void xmalloc_selftest(void)
{
    static const size_t sizes[] = { 1, 16, 24, 100, 2048, 2049, 3 * PAGE_SIZE };
    unsigned long before = total_free_pages();
    void *p[ARRAY_SIZE(sizes)];

    for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
        p[i] = _xzalloc(sizes[i], 16);
        if (!p[i] || ((uintptr_t)p[i] & 15))
            panic("xmalloc self-test: %zu bytes failed", sizes[i]);
        memset(p[i], 0xa5, sizes[i]);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++)
        xfree(p[i]);
    if (total_free_pages() != before || xmalloc_pages())
        panic("xmalloc self-test: %lu pages free before, %lu after",
              before, total_free_pages());
}

noreturn void start_xen_common(struct boot_info *bi)
{
    unsigned int regions, dom0_vcpus;
    struct vcpu *v;
    int rc;

    print_banner(bi);
    hypercall_save_cmdline(bi->cmdline);

    arch_heap_prepare(bi);
    regions = heap_init(bi);
    if (!total_free_pages())
        panic("no usable RAM for the heap");
    printk("Heap: %lu MiB free in %u regions\n",
           total_free_pages() >> (20 - PAGE_SHIFT), regions);
    xmalloc_init();
    xmalloc_selftest();

    softirq_init();
    timer_init();
    smp_init();
    /* Before the secondaries start: each gets its idle vCPU on the way in. */
    scheduler_init();

    arch_init_late(bi);

    printk("CPUs online: %u\n", num_online_cpus());

    rc = arch_build_hardware_domain(bi);
    if (rc == -ENOENT) {
        printk("Nothing more to do yet: system halted.\n");
        arch_halt();
    }
    if (rc || !hardware_domain) {
        printk("dom0: construction failed (error %d): system halted.\n", rc ? rc : -EINVAL);
        arch_halt();
    }

    dom0_vcpus = 0;
    for_each_vcpu(hardware_domain, v)
        dom0_vcpus++;
    printk("dom0: started, %u vCPU%s\n", dom0_vcpus, dom0_vcpus == 1 ? "" : "s");
    /* The builder may have unpaused it already: -EINVAL then is fine. */
    (void)domain_unpause_by_systemcontroller(hardware_domain);
    idle_loop();
}
