/*
 * Host tests of the common hypercall handlers (xen_version, console_io,
 * sched_op, vcpu_op, hvm_op parameters) and the stubs, called the way the
 * trap code calls them: through the generated call_handlers_<column>()
 * dispatchers, with guest pointers as raw register values.
 *
 * Built several times by hypercalls.t: an Arm configuration (arm64 and
 * arm32 columns), the same with CONFIG_DEBUG, and an x86 HVM one (hvm64 and
 * hvm32 columns).  The host's public headers are x86-flavoured in every
 * build, so sizes come from sizeof(), never from Arm's numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypercall_env.h"
#include <xen/console.h>
#include <xen/mm.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <public/version.h>
#include <public/features.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

#include "fake_arch.h"
#include "fake_env.h"

#include "../check.h"

/* ------------------------------------------------------------ the world */

/* Guest virtual memory: a writable window, a read-only page, a hole. */
#define GVA_RW   0x10000000UL
#define GVA_RO   0x20000000UL
#define GVA_BAD  0x30000000UL
static unsigned char gmem[64 * 1024] __attribute__((aligned(4096)));
static unsigned char grom[4096];
#define G(off)   (GVA_RW + (uint64_t)(off))
#define GEND     (GVA_RW + sizeof(gmem))

/* Fake machine memory, and the guest frames dom0's p2m maps onto it. */
#define MEM_BASE   0x80000000ULL
#define MEM_PAGES  16
#define MFN_BASE   (MEM_BASE >> PAGE_SHIFT)
#define GFN_RAM    0x100ULL         /* dom0 RAM: gfn 0x100.. -> mfn MFN_BASE.. */
#define GFN_MMIO   0x900ULL         /* a device page, not RAM */

static struct domain dom0, domU, dom2;
static struct vcpu v0[2], vU[2], v2[1];
static struct vcpu *v0p[2], *vUp[2], *v2p[1];
static struct vcpu_info placeholder_info;
static unsigned long ss_fired;

static void singleshot_fired(void *data)
{
    (void)data;
    ss_fired++;
}

static void build_domain(struct domain *d, domid_t id, bool priv,
                         struct vcpu *vs, struct vcpu **ptrs, unsigned int n)
{
    free(d->shared_info);
    memset(d, 0, sizeof(*d));
    d->domain_id = id;
    d->is_privileged = priv;
    d->shutdown_code = SHUTDOWN_CODE_INVALID;
    spin_lock_init(&d->lock);
    atomic_set(&d->refcnt, 1);
    d->max_vcpus = n;
    d->vcpu = ptrs;
    d->shared_info = calloc(1, sizeof(*d->shared_info));
    for (unsigned int i = 0; i < sizeof(d->handle); i++)
        d->handle[i] = (uint8_t)(id * 16 + i + 1);
    for (unsigned int i = 0; i < n; i++) {
        struct vcpu *v = &vs[i];

        memset(v, 0, sizeof(*v));
        v->vcpu_id = i;
        v->domain = d;
        v->vcpu_info = &d->shared_info->vcpu_info[i];
        v->vcpu_info_mfn = INVALID_MFN;
        v->pause_flags = i ? 1UL << VPF_DOWN : 0;
        init_timer(&v->singleshot_timer, singleshot_fired, v, 0);
        ptrs[i] = v;
    }
    fake_domain_register(d);
}

static void reset_world(void)
{
    fake_reset();
    softirq_init();
    timer_init();
    smp_init();
    fake_calls_reset();
    fake_domains_clear();
    fake_p2m_clear();
    fake_guest_unmap_all();

    build_domain(&dom0, 0, true, v0, v0p, 2);
    build_domain(&domU, 1, false, vU, vUp, 2);
    build_domain(&dom2, 2, false, v2, v2p, 1);
    hardware_domain = &dom0;
    fake_set_current(&v0[0]);

    memset(gmem, 0, sizeof(gmem));
    memset(grom, 0x77, sizeof(grom));
    fake_guest_map(GVA_RW, gmem, sizeof(gmem), true);
    fake_guest_map(GVA_RO, grom, sizeof(grom), false);

    memset(fake_mem_arena(), 0, fake_mem_size());
    fake_p2m_add(&dom0, GFN_RAM, MFN_BASE, MEM_PAGES / 2, p2m_ram_rw);
    fake_p2m_add(&domU, GFN_RAM, MFN_BASE + MEM_PAGES / 2, MEM_PAGES / 2, p2m_ram_rw);
    fake_p2m_add(&dom0, GFN_MMIO, MFN_BASE + MEM_PAGES - 1, 1, p2m_mmio_direct_dev);

    fake_have_build_id = true;
    for (unsigned int i = 0; i < sizeof(fake_build_id); i++)
        fake_build_id[i] = (uint8_t)(0xb0 + i);
    fake_refs_taken = fake_refs_dropped = 0;
    ss_fired = 0;
}

/* Host address of a fake machine address. */
static unsigned char *machine(uint64_t gfn_in_dom0, unsigned int off)
{
    return (unsigned char *)fake_mem_arena() + ((gfn_in_dom0 - GFN_RAM) << PAGE_SHIFT) + off;
}

/* ------------------------------------------------------------ dispatch */

/* A 64-bit guest's hypercall: arm64 or hvm64 column. */
static long hc64(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    long ret = 0x5a5a5a5a;

    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
#ifdef CONFIG_ARM
    call_handlers_arm64(nr, ret, a1, a2, a3, a4, a5);
#else
    call_handlers_hvm64(nr, ret, a1, a2, a3, a4, a5);
#endif
    return ret;
}

/*
 * A 32-bit guest's hypercall: arm32 or hvm32 column, 32-bit registers.
 * The trap code hands back only the low half; check nothing is lost.
 */
static long hc32(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5)
{
    long ret = 0x5a5a5a5a;

    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
#ifdef CONFIG_ARM
    call_handlers_arm32(nr, ret, a1, a2, a3, a4, a5);
#else
    call_handlers_hvm32(nr, ret, a1, a2, a3, a4, a5);
#endif
    CHECK(ret == (long)(int32_t)ret, "32-bit column result %#lx does not fit r0", ret);
    return ret;
}

#define XV(cmd, p)              hc64(__HYPERVISOR_xen_version, (uint64_t)(int64_t)(cmd), (p), 0, 0, 0)
#define CIO(cmd, n, p)          hc64(__HYPERVISOR_console_io, (cmd), (n), (p), 0, 0)
#define SCHED(cmd, p)           hc64(__HYPERVISOR_sched_op, (uint64_t)(int64_t)(cmd), (p), 0, 0, 0)
#define VCPU(cmd, id, p)        hc64(__HYPERVISOR_vcpu_op, (uint64_t)(int64_t)(cmd), (id), (p), 0, 0)
#define HVM(op, p)              hc64(__HYPERVISOR_hvm_op, (op), (p), 0, 0, 0)

/* Console output captured from the real console.c. */
static char cons_out[16384];
static size_t cons_len;

static void capture_putc(struct console_driver *drv, char c)
{
    (void)drv;
    if (cons_len < sizeof(cons_out))
        cons_out[cons_len++] = c;
}

static struct console_driver capture = { .name = "capture", .putc = capture_putc };

/* ------------------------------------------------------------ xen_version */

static void test_xen_version(void)
{
    reset_world();

    CHECK_RC(XV(XENVER_version, 0), 0x40011);
    CHECK_RC(hc32(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0), 0x40011);
    fake_abi_version = "5.3";
    CHECK_RC(XV(XENVER_version, 0), 0x50003);
    fake_abi_version = "4.17";

    /* extraversion: 16 bytes, zero-filled after the string. */
    memset(gmem, 0xaa, 64);
    CHECK_RC(XV(XENVER_extraversion, G(0)), 0);
    CHECK(!strcmp((char *)gmem, ".0-ours-0.1.0"), "extraversion '%s'", (char *)gmem);
    CHECK(gmem[15] == 0 && gmem[14] == 0 && gmem[16] == 0xaa, "extraversion is exactly 16 bytes");
    CHECK_RC(XV(XENVER_extraversion, GVA_BAD), -EFAULT);
    CHECK_RC(XV(XENVER_extraversion, GVA_RO), -EFAULT);
    CHECK_RC(XV(XENVER_extraversion, GEND - 8), -EFAULT);

    /* compile_info */
    memset(gmem, 0xaa, 256);
    CHECK_RC(XV(XENVER_compile_info, G(0)), 0);
    {
        xen_compile_info_t *ci = (void *)gmem;

        CHECK(!strcmp(ci->compiler, "gcc (test) 1.2.3"), "compiler '%s'", ci->compiler);
        CHECK(ci->compile_by[0] == 0 && ci->compile_domain[0] == 0, "compile_by/domain empty");
        CHECK(strlen(ci->compile_date) == strlen(__DATE__ " " __TIME__),
              "compile_date '%s'", ci->compile_date);
        CHECK(ci->compiler[63] == 0 && ci->compile_date[31] == 0, "zero-filled");
        CHECK(gmem[sizeof(*ci)] == 0xaa, "nothing written past xen_compile_info");
    }
    CHECK_RC(XV(XENVER_compile_info, GVA_BAD), -EFAULT);

    /* capabilities: 1024 bytes */
    memset(gmem, 0xaa, 2048);
    CHECK_RC(XV(XENVER_capabilities, G(0)), 0);
#ifdef CONFIG_ARM
    CHECK(!strcmp((char *)gmem, "xen-3.0-aarch64 xen-3.0-armv7l "), "caps '%s'", (char *)gmem);
#else
    CHECK(!strcmp((char *)gmem, "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 "),
          "caps '%s'", (char *)gmem);
#endif
    CHECK(gmem[1023] == 0 && gmem[1024] == 0xaa, "capabilities is 1024 bytes");
    CHECK_RC(XV(XENVER_capabilities, GEND - 1023), -EFAULT);

    /* changeset: empty, 64 bytes */
    memset(gmem, 0xaa, 128);
    CHECK_RC(XV(XENVER_changeset, G(0)), 0);
    CHECK(gmem[0] == 0 && gmem[63] == 0 && gmem[64] == 0xaa, "changeset: 64 zero bytes");

    /* platform_parameters */
    memset(gmem, 0xaa, 32);
    CHECK_RC(XV(XENVER_platform_parameters, G(0)), 0);
    {
        xen_ulong_t vs;

        memcpy(&vs, gmem, sizeof(vs));
#ifdef CONFIG_ARM
        CHECK(vs == 0x200000, "virt_start %#llx", (unsigned long long)vs);
#else
        CHECK(vs == 0xffff800000000000UL, "virt_start %#llx", (unsigned long long)vs);
#endif
        CHECK(gmem[sizeof(vs)] == 0xaa, "platform_parameters size");
    }
    CHECK_RC(XV(XENVER_platform_parameters, GVA_BAD), -EFAULT);

    /* get_features */
    {
        xen_feature_info_t fi = { .submap_idx = 0, .submap = 0xdeadbeef };
        uint32_t want0, wantU;

#ifdef CONFIG_ARM
        want0 = 0x00026805;     /* what Xen 4.17 gives the Arm dom0 */
        wantU = (1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_auto_translated_physmap) |
                (1U << XENFEAT_memory_op_vnode_supported) | (1U << XENFEAT_ARM_SMCCC_supported) |
                (1U << XENFEAT_not_direct_mapped);
#else
        wantU = (1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_auto_translated_physmap) |
                (1U << XENFEAT_memory_op_vnode_supported) | (1U << XENFEAT_hvm_safe_pvclock) |
                (1U << XENFEAT_hvm_callback_vector) | (1U << XENFEAT_not_direct_mapped);
        want0 = wantU | (1U << XENFEAT_dom0);
#endif
        memcpy(gmem, &fi, sizeof(fi));
        CHECK_RC(XV(XENVER_get_features, G(0)), 0);
        memcpy(&fi, gmem, sizeof(fi));
        CHECK(fi.submap_idx == 0 && fi.submap == want0, "dom0 features %#x, want %#x",
              fi.submap, want0);

        fake_set_current(&vU[0]);
        fi.submap = 0;
        memcpy(gmem, &fi, sizeof(fi));
        CHECK_RC(XV(XENVER_get_features, G(0)), 0);
        memcpy(&fi, gmem, sizeof(fi));
        CHECK(fi.submap == wantU, "domU features %#x, want %#x", fi.submap, wantU);
        fake_set_current(&v0[0]);

        fi.submap_idx = 1;
        memcpy(gmem, &fi, sizeof(fi));
        CHECK_RC(XV(XENVER_get_features, G(0)), -EINVAL);
        fi.submap_idx = 0xffffffff;
        memcpy(gmem, &fi, sizeof(fi));
        CHECK_RC(XV(XENVER_get_features, G(0)), -EINVAL);
        CHECK_RC(XV(XENVER_get_features, GVA_BAD), -EFAULT);
        memset(grom, 0, 8);     /* readable submap_idx 0, but no room for the answer */
        CHECK_RC(XV(XENVER_get_features, GVA_RO), -EFAULT);
    }

    /* pagesize */
    CHECK_RC(XV(XENVER_pagesize, 0), 4096);
    CHECK_RC(XV(XENVER_pagesize, G(0)), -EINVAL);

    /* guest_handle: the domain's UUID, also for unprivileged callers */
    CHECK_RC(XV(XENVER_guest_handle, G(0)), 0);
    CHECK(!memcmp(gmem, dom0.handle, 16), "dom0 handle");
    fake_set_current(&vU[1]);
    CHECK_RC(XV(XENVER_guest_handle, G(0)), 0);
    CHECK(!memcmp(gmem, domU.handle, 16), "domU handle");
    CHECK_RC(XV(XENVER_guest_handle, GVA_BAD), -EFAULT);
    fake_set_current(&v0[0]);

    /* commandline: the control domain reads it, anyone else "<denied>" (and 0) */
    hypercall_save_cmdline("console=dtuart gt-token=abc123");
    memset(gmem, 0xaa, 2048);
    CHECK_RC(XV(XENVER_commandline, G(0)), 0);
    CHECK(!strcmp((char *)gmem, "console=dtuart gt-token=abc123"), "cmdline '%s'", (char *)gmem);
    CHECK(gmem[1023] == 0 && gmem[1024] == 0xaa, "commandline is 1024 bytes");
    CHECK_RC(XV(XENVER_commandline, GEND - 1000), -EFAULT);
    fake_set_current(&vU[0]);
    memset(gmem, 0xaa, 2048);
    CHECK_RC(XV(XENVER_commandline, G(0)), 0);
    CHECK(!memcmp(gmem, "<denied>", 9) && gmem[9] == 0xaa, "unprivileged reads '<denied>'");
    CHECK_RC(XV(XENVER_commandline, GVA_BAD), -EFAULT);
    fake_set_current(&v0[0]);
    {
        char long_line[2000];

        memset(long_line, 'x', sizeof(long_line) - 1);
        long_line[sizeof(long_line) - 1] = 0;
        hypercall_save_cmdline(long_line);
        CHECK_RC(XV(XENVER_commandline, G(0)), 0);
        CHECK(strlen((char *)gmem) == 1023, "long command line cut to 1023 characters");
        hypercall_save_cmdline(NULL);
        CHECK_RC(XV(XENVER_commandline, G(0)), 0);
        CHECK(gmem[0] == 0, "no command line: empty string");
    }

    /* build_id */
    {
        uint32_t len;

        CHECK_RC(XV(XENVER_build_id, 0), 20);
        len = 0;
        memcpy(gmem, &len, 4);
        CHECK_RC(XV(XENVER_build_id, G(0)), -EINVAL);
        len = 19;
        memcpy(gmem, &len, 4);
        CHECK_RC(XV(XENVER_build_id, G(0)), -ENOBUFS);
        len = 20;
        memset(gmem, 0xaa, 64);
        memcpy(gmem, &len, 4);
        CHECK_RC(XV(XENVER_build_id, G(0)), 20);
        CHECK(!memcmp(gmem + 4, fake_build_id, 20) && gmem[24] == 0xaa, "build id bytes");
        memcpy(&len, gmem, 4);
        CHECK(len == 20, "len left as given");
        len = 4096;
        memcpy(gmem, &len, 4);
        CHECK_RC(XV(XENVER_build_id, G(0)), 20);
        CHECK_RC(XV(XENVER_build_id, GVA_BAD), -EFAULT);
        /* header readable, the id does not fit the mapping */
        len = 64;
        memcpy(gmem + sizeof(gmem) - 8, &len, 4);
        CHECK_RC(XV(XENVER_build_id, GEND - 8), -EFAULT);
        fake_have_build_id = false;
        CHECK_RC(XV(XENVER_build_id, 0), -ENODATA);
        fake_have_build_id = true;

        fake_set_current(&vU[0]);
        CHECK_RC(XV(XENVER_build_id, 0), -EPERM);
        CHECK_RC(XV(XENVER_build_id, G(0)), -EPERM);
        CHECK_RC(XV(XENVER_build_id, GVA_BAD), -EPERM);
        fake_set_current(&v0[0]);
    }

    /* unknown sub-ops, privileged or not */
    CHECK_RC(XV(11, G(0)), -ENOSYS);
    CHECK_RC(XV(0x7fffffff, G(0)), -ENOSYS);
    CHECK_RC(XV(-1, G(0)), -ENOSYS);
    fake_set_current(&vU[0]);
    CHECK_RC(XV(11, G(0)), -ENOSYS);
    CHECK_RC(XV(-1, 0), -ENOSYS);
    CHECK_RC(hc32(__HYPERVISOR_xen_version, 0xffffffff, 0, 0, 0, 0), -ENOSYS);
    fake_set_current(&v0[0]);

    /* 32-bit column */
    memset(gmem, 0xaa, 32);
    CHECK_RC(hc32(__HYPERVISOR_xen_version, XENVER_platform_parameters, (uint32_t)G(0), 0, 0, 0), 0);
#ifdef CONFIG_ARM
    {
        uint64_t vs;

        memcpy(&vs, gmem, 8);
        CHECK(vs == 0x200000 && gmem[8] == 0xaa, "arm32: same 8-byte layout as arm64");
    }
#else
    {
        uint32_t vs;

        memcpy(&vs, gmem, 4);
        CHECK(vs == 0 && gmem[4] == 0xaa, "hvm32: 4-byte virt_start, 0");
    }
#endif
    CHECK_RC(hc32(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0, 0), 4096);
    CHECK_RC(hc32(__HYPERVISOR_xen_version, XENVER_build_id, 0, 0, 0, 0), 20);
    CHECK_RC(hc32(__HYPERVISOR_xen_version, XENVER_extraversion, (uint32_t)GVA_BAD, 0, 0, 0), -EFAULT);
}

/* ------------------------------------------------------------ console_io */

static void test_console_io(void)
{
    unsigned long lines;

    reset_world();

    /* dom0 writes go to the console unchanged (CR added by the console) */
    cons_len = 0;
    memcpy(gmem, "hello\n", 6);
    CHECK_RC(CIO(CONSOLEIO_write, 6, G(0)), 0);
    CHECK(cons_len == 7 && !memcmp(cons_out, "hello\r\n", 7), "dom0 text '%.*s'",
          (int)cons_len, cons_out);
    cons_len = 0;
    CHECK_RC(CIO(CONSOLEIO_write, 0, G(0)), 0);
    CHECK_RC(CIO(CONSOLEIO_write, 0, GVA_BAD), 0);
    CHECK(cons_len == 0, "count 0 writes nothing");
    for (unsigned int i = 0; i < 700; i++)
        gmem[i] = (unsigned char)('a' + i % 26);
    CHECK_RC(CIO(CONSOLEIO_write, 700, G(0)), 0);
    CHECK(cons_len == 700 && !memcmp(cons_out, gmem, 700), "700 bytes written (%zu)", cons_len);
    cons_len = 0;
    CHECK_RC(CIO(CONSOLEIO_write, 5, GVA_BAD), -EFAULT);
    CHECK(cons_len == 0, "nothing written from a bad buffer");
    /* the first chunk is printed before the bad part is reached, as on Xen */
    memset(gmem + sizeof(gmem) - 200, 'z', 200);
    CHECK_RC(CIO(CONSOLEIO_write, 300, GEND - 200), -EFAULT);
    CHECK(cons_len == 127, "one 127-byte chunk before the fault (%zu)", cons_len);
    CHECK_RC(CIO(CONSOLEIO_write, 4, GVA_RO), 0);       /* reading is enough */

    /* with work pending, a long write stops after a chunk and continues later */
    cons_len = 0;
    for (unsigned int i = 0; i < 300; i++)
        gmem[i] = (unsigned char)('A' + i % 26);
    raise_softirq(TIMER_SOFTIRQ);
    CHECK_RC(CIO(CONSOLEIO_write, 300, G(0)), __HYPERVISOR_console_io);
    CHECK(fake_cont.count == 1 && fake_cont.op == __HYPERVISOR_console_io &&
          fake_cont.nargs == 3 && fake_cont.args[0] == CONSOLEIO_write &&
          fake_cont.args[1] == 300 - 127 && fake_cont.args[2] == G(127),
          "continuation (%u, %#llx, %#llx)", fake_cont.op,
          (unsigned long long)fake_cont.args[1], (unsigned long long)fake_cont.args[2]);
    CHECK(cons_len == 127, "first chunk written before the continuation");
    CHECK_RC(CIO(CONSOLEIO_write, 300 - 127, G(127)), __HYPERVISOR_console_io);
    CHECK(cons_len == 254 && fake_cont.args[1] == 300 - 254, "next chunk, then again");
    do_softirq();
    CHECK_RC(CIO(CONSOLEIO_write, 300 - 254, G(254)), 0);
    CHECK(cons_len == 300 && !memcmp(cons_out, gmem, 300) && fake_cont.count == 2,
          "all 300 bytes, in order");
    raise_softirq(TIMER_SOFTIRQ);
    CHECK_RC(CIO(CONSOLEIO_write, 100, G(0)), 0);       /* one chunk: never preempted */
    do_softirq();

    /* read: empty ring */
    CHECK_RC(CIO(CONSOLEIO_read, 16, G(0)), 0);
    CHECK_RC(CIO(CONSOLEIO_read, 0, G(0)), 0);
    CHECK_RC(CIO(CONSOLEIO_read, 0x80000000U, G(0)), -E2BIG);
    CHECK_RC(CIO(CONSOLEIO_read, 0xffffffffU, G(0)), -E2BIG);
    CHECK_RC(hc32(__HYPERVISOR_console_io, CONSOLEIO_read, 0x80000000U, (uint32_t)G(0), 0, 0),
             -E2BIG);

    /* read: characters from the UART, in order, never lost on -EFAULT */
    for (const char *p = "abcde"; *p; p++)
        console_rx_char(*p);
    memset(gmem, 0, 16);
    CHECK_RC(CIO(CONSOLEIO_read, 3, G(0)), 3);
    CHECK(!memcmp(gmem, "abc", 3) && gmem[3] == 0, "read 'abc'");
    CHECK_RC(CIO(CONSOLEIO_read, 16, GVA_BAD), -EFAULT);
    CHECK_RC(CIO(CONSOLEIO_read, 16, GVA_RO), -EFAULT);
    CHECK_RC(CIO(CONSOLEIO_read, 16, G(0)), 2);
    CHECK(!memcmp(gmem, "de", 2), "then 'de'");
    CHECK_RC(CIO(CONSOLEIO_read, 16, G(0)), 0);

    /* a full ring keeps the first 128 characters; wrap-around reads */
    for (unsigned int i = 0; i < 300; i++)
        console_rx_char((char)('0' + i % 64));
    memset(gmem, 0, 512);
    CHECK_RC(CIO(CONSOLEIO_read, 512, G(0)), 128);
    {
        bool ok = true;

        for (unsigned int i = 0; i < 128; i++)
            ok &= gmem[i] == (unsigned char)('0' + i % 64);
        CHECK(ok, "ring content in order");
    }
    for (unsigned int round = 0; round < 5; round++) {
        for (unsigned int i = 0; i < 100; i++)
            console_rx_char((char)('A' + (round + i) % 26));
        CHECK_RC(CIO(CONSOLEIO_read, 60, G(0)), 60);
        CHECK_RC(CIO(CONSOLEIO_read, 60, G(60)), 40);
        CHECK(gmem[0] == 'A' + round % 26 && gmem[99] == 'A' + (round + 99) % 26,
              "wrapped read, round %u", round);
    }
    /* a read that faults half way: what was delivered is gone, the rest stays */
    for (unsigned int i = 0; i < 100; i++)
        console_rx_char('q');
    CHECK_RC(CIO(CONSOLEIO_read, 100, GEND - 64), -EFAULT);
    CHECK_RC(CIO(CONSOLEIO_read, 100, G(0)), 36);

    /* unknown command */
    CHECK_RC(CIO(2, 0, 0), -ENOSYS);
    CHECK_RC(CIO(0xffffffffU, 0, 0), -ENOSYS);

    /* other domains */
    fake_set_current(&vU[0]);
    CHECK_RC(CIO(CONSOLEIO_read, 16, G(0)), -EPERM);
    CHECK_RC(CIO(2, 0, 0), -EPERM);             /* the policy comes first */
    memcpy(gmem, "abc", 3);
    memcpy(gmem + 16, "def\n", 4);
    memcpy(gmem + 32, "\x01x\ty\x7f\n", 6);
    lines = fake_printk_count("(d1) ");
    cons_len = 0;
#ifdef CONFIG_DEBUG
    CHECK_RC(CIO(CONSOLEIO_write, 3, G(0)), 0);
    CHECK(fake_printk_count("(d1) ") == lines, "partial line kept back");
    CHECK_RC(CIO(CONSOLEIO_write, 4, G(16)), 0);
    CHECK(fake_printk_count("(d1) abcdef\n") == 1, "one line '(d1) abcdef'");
    CHECK_RC(CIO(CONSOLEIO_write, 6, G(32)), 0);
    CHECK(fake_printk_count("(d1) x\ty\n") == 1, "control characters dropped");
    /* two lines in one call, then a line too long for the buffer */
    memcpy(gmem, "one\ntwo\n", 8);
    CHECK_RC(CIO(CONSOLEIO_write, 8, G(0)), 0);
    CHECK(fake_printk_count("(d1) one\n") == 1 && fake_printk_count("(d1) two\n") == 1,
          "two lines");
    memset(gmem, 'L', 450);
    CHECK_RC(CIO(CONSOLEIO_write, 450, G(0)), 0);
    CHECK(fake_printk_count("(d1) LLLL") == 1, "a 450-character line comes out in pieces (%lu)",
          fake_printk_count("(d1) LLLL"));
    CHECK_RC(CIO(CONSOLEIO_write, 1, GVA_BAD), -EFAULT);
    /* other domains' partial lines are kept apart */
    fake_set_current(&v2[0]);
    memcpy(gmem, "from two", 8);
    CHECK_RC(CIO(CONSOLEIO_write, 8, G(0)), 0);
    fake_set_current(&vU[0]);
    memcpy(gmem, "\n", 1);
    CHECK_RC(CIO(CONSOLEIO_write, 1, G(0)), 0);
    CHECK(fake_printk_count("(d1) LLLL") == 2, "d1's rest flushed by its newline");
    fake_set_current(&v2[0]);
    CHECK_RC(CIO(CONSOLEIO_write, 1, G(0)), 0);
    CHECK(fake_printk_count("(d2) from two\n") == 1, "d2's line");
    CHECK(cons_len == 0, "guest text never goes straight to the console");
    fake_set_current(&vU[0]);
    CHECK_RC(CIO(CONSOLEIO_read, 16, G(0)), -EPERM);
#else
    CHECK_RC(CIO(CONSOLEIO_write, 3, G(0)), -EPERM);
    CHECK_RC(CIO(CONSOLEIO_write, 3, GVA_BAD), -EPERM);
    CHECK(fake_printk_count("(d1) ") == lines && cons_len == 0, "nothing printed");
#endif
    /* a privileged domain that is not the hardware domain gets the guest format */
    domU.is_privileged = true;
    memcpy(gmem, "priv\n", 5);
    CHECK_RC(CIO(CONSOLEIO_write, 5, G(0)), 0);
    CHECK(fake_printk_count("(d1) priv\n") == 1, "privileged domU's line");
    CHECK_RC(CIO(CONSOLEIO_read, 16, G(0)), 0);
    fake_set_current(&v0[0]);
}

/* ------------------------------------------------------------ sched_op */

static void put_u32(unsigned int off, uint32_t v) { memcpy(gmem + off, &v, 4); }

static void test_sched_op(void)
{
    reset_world();

    CHECK_RC(SCHED(SCHEDOP_yield, 0), 0);
    CHECK(fake_calls.yield == 1, "vcpu_yield called");
    CHECK_RC(hc32(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0), 0);
    CHECK(fake_calls.yield == 2, "vcpu_yield called (32-bit)");

#ifdef XEN_HAVE_PV_UPCALL_MASK
    v0[0].vcpu_info->evtchn_upcall_mask = 1;
#endif
    CHECK_RC(SCHED(SCHEDOP_block, 0), 0);
    CHECK(fake_calls.block == 1, "vcpu_block called");
#ifdef XEN_HAVE_PV_UPCALL_MASK
    CHECK(v0[0].vcpu_info->evtchn_upcall_mask == 0, "blocking unmasks event delivery");
#endif

    /* shutdown: any reason goes through, cut to 8 bits */
    fake_set_current(&vU[0]);
    put_u32(0, 99);
    CHECK_RC(SCHED(SCHEDOP_shutdown, G(0)), 0);
    CHECK(fake_calls.shutdowns == 1 && fake_calls.shutdown_domain == &domU &&
          fake_calls.shutdown_reason == 99, "shutdown(99) of d1");
    reset_world();
    fake_set_current(&vU[0]);
    put_u32(0, 257);
    CHECK_RC(SCHED(SCHEDOP_shutdown, G(0)), 0);
    CHECK(fake_calls.shutdown_reason == SHUTDOWN_reboot, "reason 257 is reboot (%u)",
          fake_calls.shutdown_reason);
    CHECK_RC(SCHED(SCHEDOP_shutdown, GVA_BAD), -EFAULT);
    CHECK_RC(SCHED(SCHEDOP_shutdown, GEND - 2), -EFAULT);
    CHECK(fake_calls.shutdowns == 1, "no shutdown from a bad pointer");

    /* shutdown_code: the first code wins, also over a later shutdown reason */
    reset_world();
    fake_set_current(&vU[0]);
    CHECK_RC(SCHED(SCHEDOP_shutdown_code, GVA_BAD), -EFAULT);
    CHECK(domU.shutdown_code == SHUTDOWN_CODE_INVALID && fake_calls.shutdowns == 0,
          "bad pointer: nothing recorded");
    put_u32(0, SHUTDOWN_reboot);
    CHECK_RC(SCHED(SCHEDOP_shutdown_code, G(0)), 0);
    put_u32(0, SHUTDOWN_crash);
    CHECK_RC(SCHED(SCHEDOP_shutdown_code, G(0)), 0);
    CHECK(domU.shutdown_code == SHUTDOWN_reboot && fake_calls.shutdowns == 0,
          "code recorded once, no shutdown yet");
    put_u32(0, SHUTDOWN_poweroff);
    CHECK_RC(SCHED(SCHEDOP_shutdown, G(0)), 0);
    CHECK(fake_calls.shutdown_reason == SHUTDOWN_reboot, "poweroff after code(reboot) reboots");
    reset_world();
    fake_set_current(&vU[0]);
    put_u32(0, 0x100 | SHUTDOWN_suspend);
    CHECK_RC(SCHED(SCHEDOP_shutdown_code, G(0)), 0);
    CHECK(domU.shutdown_code == SHUTDOWN_suspend, "code cut to 8 bits");

    /* poll and watchdog: argument read, then not implemented */
    CHECK_RC(SCHED(SCHEDOP_poll, GVA_BAD), -EFAULT);
    CHECK_RC(SCHED(SCHEDOP_poll, G(0)), -ENOSYS);
    CHECK_RC(SCHED(SCHEDOP_watchdog, GVA_BAD), -EFAULT);
    CHECK_RC(SCHED(SCHEDOP_watchdog, G(0)), -ENOSYS);

    /* remote_shutdown */
    reset_world();
    {
        struct sched_remote_shutdown rs = { .domain_id = 1, .reason = SHUTDOWN_crash };

        memcpy(gmem, &rs, sizeof(rs));
        CHECK_RC(SCHED(SCHEDOP_remote_shutdown, G(0)), 0);
        CHECK(fake_calls.shutdown_domain == &domU && fake_calls.shutdown_reason == SHUTDOWN_crash,
              "dom0 shuts d1 down");
        rs.domain_id = 77;
        memcpy(gmem, &rs, sizeof(rs));
        CHECK_RC(SCHED(SCHEDOP_remote_shutdown, G(0)), -ESRCH);
        rs.domain_id = DOMID_SELF;
        memcpy(gmem, &rs, sizeof(rs));
        CHECK_RC(SCHED(SCHEDOP_remote_shutdown, G(0)), -ESRCH);
        CHECK_RC(SCHED(SCHEDOP_remote_shutdown, GVA_BAD), -EFAULT);

        fake_set_current(&vU[0]);
        rs.domain_id = 2;
        memcpy(gmem, &rs, sizeof(rs));
        CHECK_RC(SCHED(SCHEDOP_remote_shutdown, G(0)), -EPERM);
        rs.domain_id = 1;       /* even itself, by id */
        memcpy(gmem, &rs, sizeof(rs));
        CHECK_RC(SCHED(SCHEDOP_remote_shutdown, G(0)), -EPERM);
        CHECK(fake_calls.shutdowns == 1, "refused remote shutdowns do nothing");
        CHECK(fake_refs_taken == fake_refs_dropped && fake_refs_taken == 3,
              "domain references balanced (%ld taken, %ld dropped)", fake_refs_taken,
              fake_refs_dropped);
        fake_set_current(&v0[0]);
    }

    /* pin_override: the hardware domain only */
    fake_set_current(&vU[0]);
    CHECK_RC(SCHED(SCHEDOP_pin_override, GVA_BAD), -EPERM);
    fake_set_current(&v0[0]);
    CHECK_RC(SCHED(SCHEDOP_pin_override, GVA_BAD), -EFAULT);
    put_u32(0, NR_CPUS);
    CHECK_RC(SCHED(SCHEDOP_pin_override, G(0)), -EINVAL);
    put_u32(0, (uint32_t)-1);
    CHECK_RC(SCHED(SCHEDOP_pin_override, G(0)), -ENOSYS);

    /* unknown */
    CHECK_RC(SCHED(8, G(0)), -ENOSYS);
    CHECK_RC(SCHED(-1, G(0)), -ENOSYS);
    CHECK_RC(hc32(__HYPERVISOR_sched_op, 0xffffffff, 0, 0, 0, 0), -ENOSYS);
}

/* ------------------------------------------------------------ vcpu_op */

static void put_vcpu_info_req(unsigned int off, uint64_t gfn, uint32_t offset)
{
    struct vcpu_register_vcpu_info r = { .mfn = gfn, .offset = offset };

    memcpy(gmem + off, &r, sizeof(r));
}

/* The calls both architectures share: register_vcpu_info and runstate areas. */
static void test_vcpu_registration(void)
{
    const size_t vis = sizeof(struct vcpu_info);
    unsigned char *page;
    struct vcpu_info *ni;

    reset_world();

    /* a vCPU the domain does not have: -ENOENT whatever the sub-op */
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 2, G(0)), -ENOENT);
    CHECK_RC(VCPU(VCPUOP_is_up, 4096, G(0)), -ENOENT);
    CHECK_RC(VCPU(99, 0xffffffffU, G(0)), -ENOENT);
    CHECK_RC(hc32(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 2, 0, 0, 0), -ENOENT);
    dom0.vcpu[1] = NULL;
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 1, G(0)), -ENOENT);
    dom0.vcpu[1] = &v0[1];

    /* bad offsets: -ENXIO */
    put_vcpu_info_req(0, GFN_RAM, (uint32_t)(PAGE_SIZE - vis + 8));
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 0, G(0)), -ENXIO);
    put_vcpu_info_req(0, GFN_RAM, 0xffffffffU);
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 0, G(0)), -ENXIO);
    put_vcpu_info_req(0, GFN_RAM, 4);
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 0, G(0)), -ENXIO);
    /* no RAM there: -EINVAL */
    put_vcpu_info_req(0, 0x5000, 0);
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 0, G(0)), -EINVAL);
    put_vcpu_info_req(0, GFN_MMIO, 0);
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 0, G(0)), -EINVAL);
    put_vcpu_info_req(0, GFN_RAM + MEM_PAGES, 0);       /* past dom0's RAM */
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 0, G(0)), -EINVAL);
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 0, GVA_BAD), -EFAULT);
    CHECK(mfn_eq(v0[0].vcpu_info_mfn, INVALID_MFN) &&
          v0[0].vcpu_info == &dom0.shared_info->vcpu_info[0], "failed calls change nothing");

    /* success: the old contents move, everything is flagged pending */
    memset(machine(GFN_RAM + 1, 0), 0x5a, PAGE_SIZE);
    v0[0].vcpu_info->time.version = 6;
    v0[0].vcpu_info->time.system_time = 0x1122334455667788ULL;
    put_vcpu_info_req(0, GFN_RAM + 1, (uint32_t)(PAGE_SIZE - vis));
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 0, G(0)), 0);
    page = machine(GFN_RAM + 1, 0);
    ni = (struct vcpu_info *)(page + PAGE_SIZE - vis);
    CHECK(v0[0].vcpu_info == ni && mfn_x(v0[0].vcpu_info_mfn) == MFN_BASE + 1, "vcpu_info moved");
    CHECK(ni->evtchn_upcall_pending == 1 && ni->evtchn_pending_sel == ~(xen_ulong_t)0,
          "everything pending");
    CHECK(ni->time.version == 6 && ni->time.system_time == 0x1122334455667788ULL,
          "old contents copied");
    CHECK(page[PAGE_SIZE - vis - 1] == 0x5a, "bytes before untouched");
    CHECK(fake_calls.kick == 1 && fake_calls.last_kick == &v0[0], "vCPU kicked");
    /* once only */
    put_vcpu_info_req(0, GFN_RAM + 2, 0);
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 0, G(0)), -EINVAL);

    /* another vCPU: only while it is down */
    clear_bit(VPF_DOWN, &v0[1].pause_flags);
    put_vcpu_info_req(0, GFN_RAM + 2, 64);
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 1, G(0)), -EINVAL);
    set_bit(VPF_DOWN, &v0[1].pause_flags);
    /* one still on the placeholder starts from zeroes */
    v0[1].vcpu_info = &placeholder_info;
    memset(&placeholder_info, 0x33, sizeof(placeholder_info));
    memset(machine(GFN_RAM + 2, 0), 0x5a, PAGE_SIZE);
    CHECK_RC(VCPU(VCPUOP_register_vcpu_info, 1, G(0)), 0);
    ni = (struct vcpu_info *)machine(GFN_RAM + 2, 64);
    CHECK(v0[1].vcpu_info == ni && ni->evtchn_upcall_pending == 1 && ni->time.version == 0 &&
          ni->evtchn_pending_sel == ~(xen_ulong_t)0, "fresh vcpu_info from the placeholder");
#ifdef XEN_HAVE_PV_UPCALL_MASK
    CHECK(ni->evtchn_upcall_mask == 1, "fresh vcpu_info starts masked (x86)");
#endif
    CHECK(machine(GFN_RAM + 2, 63)[0] == 0x5a && machine(GFN_RAM + 2, 64 + vis)[0] == 0x5a,
          "bytes around untouched");
    /* the 32-bit column reads the same structure */
    fake_set_current(&vU[0]);
    put_vcpu_info_req(0, GFN_RAM + 1, 128);
    CHECK_RC(hc32(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, (uint32_t)G(0), 0, 0), 0);
    CHECK(vU[0].vcpu_info == (struct vcpu_info *)((unsigned char *)fake_mem_arena() +
                                                   ((MEM_PAGES / 2 + 1) << PAGE_SHIFT) + 128),
          "arm32/hvm32 registration");
    fake_set_current(&v0[0]);

    /* runstate area: a snapshot now; a bad area is not an error */
    reset_world();
    fake_clock_set(1000000);
    v0[0].runstate.state = RUNSTATE_running;
    v0[0].runstate.state_entry_time = 400000;
    v0[0].runstate.time[RUNSTATE_running] = 5000;
    v0[0].runstate.time[RUNSTATE_runnable] = 77;
    {
        struct vcpu_register_runstate_memory_area area;
        struct vcpu_runstate_info rs;

        memset(&area, 0, sizeof(area));
        area.addr.p = G(256);
        memcpy(gmem, &area, sizeof(area));
        CHECK_RC(VCPU(VCPUOP_register_runstate_memory_area, 0, G(0)), 0);
        memcpy(&rs, gmem + 256, sizeof(rs));
        CHECK(rs.state == RUNSTATE_running && rs.state_entry_time == 400000 &&
              rs.time[RUNSTATE_running] == 5000 + 600000 && rs.time[RUNSTATE_runnable] == 77,
              "runstate snapshot (running %llu)", (unsigned long long)rs.time[RUNSTATE_running]);
        CHECK(v0[0].runstate.time[RUNSTATE_running] == 5000, "the vCPU's counters unchanged");
        area.addr.p = GVA_BAD;
        memcpy(gmem, &area, sizeof(area));
        CHECK_RC(VCPU(VCPUOP_register_runstate_memory_area, 0, G(0)), 0);
        area.addr.p = GVA_RO;
        memcpy(gmem, &area, sizeof(area));
        CHECK_RC(VCPU(VCPUOP_register_runstate_memory_area, 1, G(0)), 0);
        CHECK(grom[0] == 0x77, "read-only area not written");
        area.addr.p = 0;
        memcpy(gmem, &area, sizeof(area));
        CHECK_RC(VCPU(VCPUOP_register_runstate_memory_area, 0, G(0)), 0);
        CHECK_RC(VCPU(VCPUOP_register_runstate_memory_area, 0, GVA_BAD), -EFAULT);
    }
}

#ifdef CONFIG_ARM
/* Arm: everything else is -EINVAL, after the vCPU lookup. */
static void test_vcpu_arm(void)
{
    static const int others[] = {
        VCPUOP_initialise, VCPUOP_up, VCPUOP_down, VCPUOP_is_up, VCPUOP_get_runstate_info,
        VCPUOP_set_periodic_timer, VCPUOP_stop_periodic_timer, VCPUOP_set_singleshot_timer,
        VCPUOP_stop_singleshot_timer, VCPUOP_send_nmi, VCPUOP_get_physid,
        VCPUOP_register_vcpu_time_memory_area, 14, 99, -1,
    };

    reset_world();
    for (unsigned int i = 0; i < ARRAY_SIZE(others); i++) {
        CHECK_RC(VCPU(others[i], 0, G(0)), -EINVAL);
        CHECK_RC(VCPU(others[i], 1, GVA_BAD), -EINVAL);
        CHECK_RC(VCPU(others[i], 2, G(0)), -ENOENT);
        CHECK_RC(hc32(__HYPERVISOR_vcpu_op, (uint32_t)others[i], 1, 0, 0, 0), -EINVAL);
    }
    CHECK(fake_calls.up == 0 && fake_calls.down == 0 && fake_calls.shutdowns == 0,
          "nothing happened");
}
#else
/* x86: the common set. */
static void test_vcpu_x86(void)
{
    reset_world();

    CHECK_RC(VCPU(VCPUOP_is_up, 0, 0), 1);
    CHECK_RC(VCPU(VCPUOP_is_up, 1, 0), 0);
    /* No register state to start from yet (Xen: !is_initialised). */
    CHECK_RC(VCPU(VCPUOP_up, 1, 0), -EINVAL);
    CHECK(fake_calls.up == 0, "not started");
    /* initialise: the argument is read first, then -EEXIST before the arch looks */
    CHECK_RC(VCPU(VCPUOP_initialise, 1, GEND - 8), -EFAULT);
    v0[1].is_initialised = true;
    CHECK_RC(VCPU(VCPUOP_initialise, 1, GEND - 8), -EFAULT);
    CHECK_RC(VCPU(VCPUOP_initialise, 1, G(0)), -EEXIST);
    CHECK_RC(VCPU(VCPUOP_up, 1, 0), 0);
    CHECK(fake_calls.up == 1 && fake_calls.last_up == &v0[1], "vcpu_up(v1)");
    CHECK_RC(VCPU(VCPUOP_is_up, 1, 0), 1);
    CHECK_RC(VCPU(VCPUOP_down, 1, 0), 0);
    CHECK(fake_calls.down == 1 && fake_calls.last_down == &v0[1] && fake_calls.shutdowns == 0,
          "vcpu_down(v1)");
    /* the last vCPU going down powers the domain off */
    CHECK_RC(VCPU(VCPUOP_down, 0, 0), 0);
    CHECK(fake_calls.down == 1 && fake_calls.shutdowns == 1 &&
          fake_calls.shutdown_domain == &dom0 && fake_calls.shutdown_reason == SHUTDOWN_poweroff,
          "last vCPU down: poweroff");

    /* runstate */
    reset_world();
    fake_clock_set(5000);
    v0[1].runstate.state = RUNSTATE_offline;
    v0[1].runstate.state_entry_time = 1000;
    {
        struct vcpu_runstate_info rs;

        CHECK_RC(VCPU(VCPUOP_get_runstate_info, 1, G(0)), 0);
        memcpy(&rs, gmem, sizeof(rs));
        CHECK(rs.state == RUNSTATE_offline && rs.time[RUNSTATE_offline] == 4000, "runstate info");
        CHECK_RC(VCPU(VCPUOP_get_runstate_info, 1, GVA_BAD), -EFAULT);
        CHECK_RC(VCPU(VCPUOP_get_runstate_info, 1, GVA_RO), -EFAULT);
        v0[1].runstate.state = 17;      /* garbage state: copied, nothing added */
        CHECK_RC(VCPU(VCPUOP_get_runstate_info, 1, G(0)), 0);
    }
    /* 32-bit layout: 44 bytes, the 64-bit fields 4-aligned */
    v0[1].runstate.state = RUNSTATE_blocked;
    memset(gmem, 0xaa, 64);
    CHECK_RC(hc32(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 1, (uint32_t)G(0), 0, 0), 0);
    {
        uint32_t st;
        uint64_t entry, blocked;

        memcpy(&st, gmem, 4);
        memcpy(&entry, gmem + 4, 8);
        memcpy(&blocked, gmem + 12 + 8 * RUNSTATE_blocked, 8);
        CHECK(st == RUNSTATE_blocked && entry == 1000 && blocked == 4000 && gmem[44] == 0xaa,
              "compat runstate layout");
    }
    {
        struct vcpu_register_runstate_memory_area area;
        uint32_t a32[2] = { (uint32_t)G(512), 0 };

        memcpy(gmem + 128, a32, 8);
        memset(gmem + 512, 0xaa, 64);
        CHECK_RC(hc32(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 1,
                      (uint32_t)G(128), 0, 0), 0);
        CHECK(gmem[512] == RUNSTATE_blocked && gmem[512 + 1] == 0 && gmem[512 + 43] == 0 &&
              gmem[512 + 44] == 0xaa, "compat runstate area: 44 bytes");
        (void)area;
    }

    /* periodic timer: checked, not there */
    {
        uint64_t p = 999999;

        memcpy(gmem, &p, 8);
        CHECK_RC(VCPU(VCPUOP_set_periodic_timer, 0, G(0)), -EINVAL);
        p = (uint64_t)INT64_MAX + 1;
        memcpy(gmem, &p, 8);
        CHECK_RC(VCPU(VCPUOP_set_periodic_timer, 0, G(0)), -EINVAL);
        p = 1000000;
        memcpy(gmem, &p, 8);
        CHECK_RC(VCPU(VCPUOP_set_periodic_timer, 0, G(0)), -ENOSYS);
        CHECK_RC(VCPU(VCPUOP_set_periodic_timer, 0, GVA_BAD), -EFAULT);
        CHECK_RC(VCPU(VCPUOP_stop_periodic_timer, 0, 0), 0);
    }

    /* single-shot timer */
    reset_world();
    fake_clock_set(1000);
    {
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = 50000, .flags = 0 };

        memcpy(gmem, &t, sizeof(t));
        CHECK_RC(VCPU(VCPUOP_set_singleshot_timer, 1, G(0)), -EINVAL);
        CHECK_RC(VCPU(VCPUOP_set_singleshot_timer, 0, GVA_BAD), -EFAULT);
        CHECK_RC(VCPU(VCPUOP_set_singleshot_timer, 0, G(0)), 0);
        CHECK(timer_is_active(&v0[0].singleshot_timer) &&
              v0[0].singleshot_timer.expires == 50000, "timer armed");
        CHECK_RC(VCPU(VCPUOP_stop_singleshot_timer, 1, 0), -EINVAL);
        CHECK_RC(VCPU(VCPUOP_stop_singleshot_timer, 0, 0), 0);
        CHECK(!timer_is_active(&v0[0].singleshot_timer), "timer stopped");
        /* in the past (also "negative"): fires at once */
        t.timeout_abs_ns = 10;
        memcpy(gmem, &t, sizeof(t));
        CHECK_RC(VCPU(VCPUOP_set_singleshot_timer, 0, G(0)), 0);
        timer_interrupt();
        do_softirq();
        CHECK(ss_fired == 1, "past deadline fired (%lu)", ss_fired);
        t.timeout_abs_ns = ~0ULL;
        memcpy(gmem, &t, sizeof(t));
        CHECK_RC(VCPU(VCPUOP_set_singleshot_timer, 0, G(0)), 0);
        timer_interrupt();
        do_softirq();
        CHECK(ss_fired == 2, "negative deadline fired (%lu)", ss_fired);
        /* 32-bit guests pass 12 bytes */
        t.timeout_abs_ns = 70000;
        memcpy(gmem + sizeof(gmem) - 12, &t, 12);
        CHECK_RC(hc32(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0,
                      (uint32_t)(GEND - 12), 0, 0), 0);
        CHECK(v0[0].singleshot_timer.expires == 70000, "compat timer armed");
        CHECK_RC(VCPU(VCPUOP_set_singleshot_timer, 0, GEND - 12), -EFAULT);
    }

    CHECK_RC(VCPU(VCPUOP_initialise, 1, G(0)), -ENOSYS);
    CHECK_RC(VCPU(VCPUOP_send_nmi, 0, 0), -ENOSYS);
    CHECK_RC(VCPU(99, 0, 0), -ENOSYS);
    CHECK_RC(hc32(__HYPERVISOR_vcpu_op, 99, 0, 0, 0, 0), -ENOSYS);
    CHECK_RC(hc32(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0, 0, 0), 1);
}
#endif

/* ------------------------------------------------------------ hvm_op */

static void put_param(domid_t dom, uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = { .domid = dom, .index = index, .value = value };

    memcpy(gmem, &p, sizeof(p));
}

static uint64_t got_value(void)
{
    struct xen_hvm_param p;

    memcpy(&p, gmem, sizeof(p));
    return p.value;
}

static void test_hvm_op(void)
{
    static const uint32_t rw[] = {
        HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN,
        HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN,
    };

    reset_world();

    /* the toolstack sets d1's parameters; d1 reads them, may not set them */
    for (unsigned int i = 0; i < ARRAY_SIZE(rw); i++) {
        put_param(1, rw[i], 0x1000 + i);
        CHECK_RC(HVM(HVMOP_set_param, G(0)), 0);
        CHECK(domU.hvm_params[rw[i]] == 0x1000 + i, "param %u stored", rw[i]);
    }
    put_param(1, HVM_PARAM_STORE_PFN, 0);
    CHECK_RC(HVM(HVMOP_get_param, G(0)), 0);
    CHECK(got_value() == 0x1001, "dom0 reads d1's store pfn");
    fake_set_current(&vU[0]);
    for (unsigned int i = 0; i < ARRAY_SIZE(rw); i++) {
        put_param(DOMID_SELF, rw[i], 0);
        CHECK_RC(HVM(HVMOP_get_param, G(0)), 0);
        CHECK(got_value() == 0x1000 + i, "d1 reads param %u", rw[i]);
        put_param(1, rw[i], 0);
        CHECK_RC(HVM(HVMOP_get_param, G(0)), 0);
#ifdef CONFIG_X86
        /* x86: the callback and the two event channels are the guest's own to set */
        bool own = rw[i] == HVM_PARAM_CALLBACK_IRQ || rw[i] == HVM_PARAM_STORE_EVTCHN ||
                   rw[i] == HVM_PARAM_CONSOLE_EVTCHN;
#else
        bool own = false;
#endif
        put_param(DOMID_SELF, rw[i], own ? 0x2000 + i : 5);
        CHECK_RC(HVM(HVMOP_set_param, G(0)), own ? 0 : -EPERM);
        CHECK(domU.hvm_params[rw[i]] == (own ? 0x2000 + i : 0x1000 + i),
              "param %u after a self-set", rw[i]);
        put_param(1, rw[i], own ? 0x1000 + i : 5);         /* by id: the same rules */
        CHECK_RC(HVM(HVMOP_set_param, G(0)), own ? 0 : -EPERM);
    }
    CHECK(domU.hvm_params[HVM_PARAM_CALLBACK_IRQ] == 0x1000, "refused self-sets changed nothing");
    /* the monitor ring: toolstack only, both ways */
    put_param(DOMID_SELF, HVM_PARAM_MONITOR_RING_PFN, 0);
    CHECK_RC(HVM(HVMOP_get_param, G(0)), -EPERM);
    CHECK_RC(HVM(HVMOP_set_param, G(0)), -EPERM);
    /* other domains: -EPERM; none: -ESRCH */
    put_param(2, HVM_PARAM_STORE_PFN, 0);
    CHECK_RC(HVM(HVMOP_get_param, G(0)), -EPERM);
    CHECK_RC(HVM(HVMOP_set_param, G(0)), -EPERM);
    put_param(0, HVM_PARAM_STORE_PFN, 0);
    CHECK_RC(HVM(HVMOP_get_param, G(0)), -EPERM);
    put_param(77, HVM_PARAM_STORE_PFN, 0);
    CHECK_RC(HVM(HVMOP_get_param, G(0)), -ESRCH);
    /* other parameters and indexes out of range: -EINVAL (after the policy) */
    put_param(DOMID_SELF, HVM_NR_PARAMS, 0);
    CHECK_RC(HVM(HVMOP_get_param, G(0)), -EINVAL);
    CHECK_RC(HVM(HVMOP_set_param, G(0)), -EINVAL);
    put_param(DOMID_SELF, 0xffffffffU, 0);
    CHECK_RC(HVM(HVMOP_get_param, G(0)), -EINVAL);
    put_param(DOMID_SELF, HVM_PARAM_TIMER_MODE, 0);
    CHECK_RC(HVM(HVMOP_get_param, G(0)), -EINVAL);
    put_param(2, HVM_NR_PARAMS, 0);
    CHECK_RC(HVM(HVMOP_get_param, G(0)), -EPERM);
    /* bad pointers */
    CHECK_RC(HVM(HVMOP_get_param, GVA_BAD), -EFAULT);
    CHECK_RC(HVM(HVMOP_set_param, GEND - 8), -EFAULT);
    {
        struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN };

        memcpy(grom, &p, sizeof(p));
        CHECK_RC(HVM(HVMOP_get_param, GVA_RO), -EFAULT);     /* no room for the answer */
    }
    fake_set_current(&v0[0]);
    put_param(1, HVM_PARAM_MONITOR_RING_PFN, 0x55);
    CHECK_RC(HVM(HVMOP_set_param, G(0)), 0);
    put_param(1, HVM_PARAM_MONITOR_RING_PFN, 0);
    CHECK_RC(HVM(HVMOP_get_param, G(0)), 0);
    CHECK(got_value() == 0x55, "toolstack reads the monitor ring");
    put_param(1, HVM_PARAM_TIMER_MODE, 1);
    CHECK_RC(HVM(HVMOP_set_param, G(0)), -EINVAL);
    put_param(1, HVM_NR_PARAMS, 1);
    CHECK_RC(HVM(HVMOP_set_param, G(0)), -EINVAL);
    CHECK(fake_refs_taken == fake_refs_dropped, "references balanced (%ld/%ld)",
          fake_refs_taken, fake_refs_dropped);

    /* the 32-bit column */
    put_param(1, HVM_PARAM_CONSOLE_EVTCHN, 0);
    CHECK_RC(hc32(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint32_t)G(0), 0, 0, 0), 0);
    CHECK(got_value() == 0x1004, "32-bit get");

    /* the rest of hvm_op */
    CHECK_RC(HVM(HVMOP_guest_request_vm_event, 0), 0);
    CHECK_RC(HVM(HVMOP_guest_request_vm_event, G(0)), -EINVAL);
    CHECK_RC(HVM(2, G(0)), -ENOSYS);          /* set_pci_intx_level, x86 only */
    CHECK_RC(HVM(HVMOP_flush_tlbs, 0), -ENOSYS);
    CHECK_RC(HVM(HVMOP_altp2m, G(0)), -ENOSYS);
    CHECK_RC(HVM(~0UL, G(0)), -ENOSYS);
    CHECK_RC(HVM(1UL << 32 | HVMOP_get_param, G(0)), -ENOSYS);
}

/* ------------------------------------------------------------ routing, stubs */

static void test_routing(void)
{
    /* numbers whose handler is a stub (or does not exist here) */
#ifdef CONFIG_ARM
    static const unsigned int stubs[] = { 6, 7, 12, 13, 16, 19, 20, 21, 27, 32, 33, 35, 36, 39, 41, 42 };
#else
    static const unsigned int stubs[] = { 7, 12, 13, 15, 20, 21, 27, 32, 33, 35, 36, 39, 40, 41, 42, 49 };
#endif
    bool in_table[64] = { false };

    reset_world();
    for (unsigned int i = 0; i < ARRAY_SIZE(stubs); i++) {
        in_table[stubs[i]] = true;
        CHECK_RC(hc64(stubs[i], 0, 0, 0, 0, 0), -ENOSYS);
        CHECK_RC(hc64(stubs[i], 1, G(0), G(0), 1, 1), -ENOSYS);
        CHECK_RC(hc32(stubs[i], 1, (uint32_t)G(0), 0, 0, 0), -ENOSYS);
    }
    /* numbers with no handler at all */
    in_table[17] = in_table[18] = in_table[24] = in_table[29] = in_table[34] = true;
    for (unsigned int nr = 0; nr < 64; nr++) {
        if (in_table[nr])
            continue;
        CHECK_RC(hc64(nr, 0, 0, 0, 0, 0), -ENOSYS);
        CHECK_RC(hc32(nr, 0, 0, 0, 0, 0), -ENOSYS);
    }
    CHECK_RC(hc64(64, 0, 0, 0, 0, 0), -ENOSYS);
    CHECK_RC(hc64(0xea1, 0, 0, 0, 0, 0), -ENOSYS);
    CHECK_RC(hc64(~0ULL, 0, 0, 0, 0, 0), -ENOSYS);
    CHECK_RC(hc64(1ULL << 32 | __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0), -ENOSYS);

    /* each real handler is where the table says */
    CHECK_RC(hc64(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0, 0), 4096);
    CHECK_RC(hc64(__HYPERVISOR_console_io, CONSOLEIO_read, 0x80000000U, 0, 0, 0), -E2BIG);
    CHECK_RC(hc64(__HYPERVISOR_vcpu_op, 0, 1000, 0, 0, 0), -ENOENT);
    CHECK_RC(hc64(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0), 0);
    CHECK(fake_calls.yield == 1, "sched_op reached");
    put_param(99, 0, 0);
    CHECK_RC(hc64(__HYPERVISOR_hvm_op, HVMOP_get_param, G(0), 0, 0, 0), -ESRCH);
    /* upper register halves are not part of 32-bit arguments */
    CHECK_RC(hc64(__HYPERVISOR_xen_version, 1ULL << 32 | XENVER_pagesize, 0, 0, 0, 0), 4096);
    CHECK_RC(hc64(__HYPERVISOR_console_io, 1ULL << 32 | CONSOLEIO_read, 1ULL << 32 | 4, G(0), 0, 0),
             0);

    /* saturation for 32-bit results */
    CHECK(hc_clamp_int(0) == 0 && hc_clamp_int(-ENOSYS) == -ENOSYS, "clamp: small values");
    CHECK(hc_clamp_int((long)INT_MAX + 1) == INT_MAX && hc_clamp_int(LONG_MAX) == INT_MAX,
          "clamp: large values saturate");
    CHECK(hc_clamp_int((long)INT_MIN - 1) == INT_MIN && hc_clamp_int(LONG_MIN) == INT_MIN,
          "clamp: INT_MIN is no errno");
#ifdef CONFIG_ARM
    CHECK_RC(arm32_memory_op(0, (XEN_GUEST_HANDLE_PARAM(void)){ NULL }), -ENOSYS);
#endif
}

int main(void)
{
    fake_printk_quiet(true);
    fake_mem_init(MEM_BASE, MEM_PAGES * PAGE_SIZE);
    console_register(&capture);

    test_xen_version();
    test_console_io();
    test_sched_op();
    test_vcpu_registration();
#ifdef CONFIG_ARM
    test_vcpu_arm();
#else
    test_vcpu_x86();
#endif
    test_hvm_op();
    test_routing();

    for (struct domain *d = &dom0; d; d = d == &dom0 ? &domU : d == &domU ? &dom2 : NULL) {
        free(d->shared_info);
        d->shared_info = NULL;
    }
    fake_mem_release();
    printf("%s: %d checks, %d failures\n",
#ifdef CONFIG_ARM
#ifdef CONFIG_DEBUG
           "arm (debug)",
#else
           "arm",
#endif
#else
           "x86 hvm",
#endif
           checks, failures);
    return failures ? 1 : 0;
}
