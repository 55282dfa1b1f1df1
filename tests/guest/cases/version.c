/* SPDX-License-Identifier: MIT */
/*
 * version.c - HYPERVISOR_xen_version, every sub-op Linux uses.  Strings
 * differ between builds, so their shape is checked (terminated inside the
 * buffer, zero-filled after the terminator, printable), not their text.
 */
#include "gt-xen.h"

/* Poison a buffer so that "the hypervisor wrote it" can be seen. */
#define POISON 0xa5

/* The string is NUL-terminated inside the buffer, printable before the NUL
 * and all zero after it (Xen clears the whole buffer before copying). */
static void expect_string_shape(const char *what, const char *buf, size_t size,
                                bool may_be_empty)
{
    size_t n = strnlen(buf, size);

    gt_print_field(what, buf, size);
    if (!EXPECT_TRUE(n < size))
        return;
    if (!may_be_empty)
        EXPECT_GT(n, 0);
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f) {
            gt_fail_at(__FILE__, __LINE__, "%s: byte %zu is 0x%02x", what, i,
                       (unsigned char)buf[i]);
            break;
        }
    }
    for (size_t i = n; i < size; i++) {
        if (buf[i] != 0) {
            gt_fail_at(__FILE__, __LINE__, "%s: byte %zu after the NUL is 0x%02x",
                       what, i, (unsigned char)buf[i]);
            break;
        }
    }
}

GT_TEST(version_version, "xen_version.version")
{
    long rc = HYPERVISOR_xen_version(XENVER_version, NULL);

    gt_printf("  XENVER_version = 0x%lx (%ld.%ld)\n", rc, rc >> 16, rc & 0xffff);
    EXPECT_EQ(rc >> 16, 4);
    EXPECT_EQ(rc & 0xffff, 17);
}

GT_TEST(version_extraversion, "xen_version.extraversion")
{
    static xen_extraversion_t extra;

    memset(extra, POISON, sizeof(extra));
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_extraversion, extra), 0);
    expect_string_shape("extraversion", extra, sizeof(extra), true);
}

GT_TEST(version_compile_info, "xen_version.compile_info")
{
    static struct xen_compile_info info;

    memset(&info, POISON, sizeof(info));
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_compile_info, &info), 0);
    expect_string_shape("compiler", info.compiler, sizeof(info.compiler), false);
    expect_string_shape("compile_by", info.compile_by, sizeof(info.compile_by), true);
    expect_string_shape("compile_domain", info.compile_domain,
                        sizeof(info.compile_domain), true);
    expect_string_shape("compile_date", info.compile_date, sizeof(info.compile_date),
                        false);
}

/* Is word (length n) one of the space-separated tokens of list? */
static bool has_token(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; *p;) {
        size_t len = 0;

        while (p[len] && p[len] != ' ')
            len++;
        if (len == n && strncmp(p, word, n) == 0)
            return true;
        p += len;
        while (*p == ' ')
            p++;
    }
    return false;
}

GT_TEST(version_capabilities, "xen_version.capabilities")
{
    static xen_capabilities_info_t caps;

    memset(caps, POISON, sizeof(caps));
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_capabilities, caps), 0);
    expect_string_shape("capabilities", caps, sizeof(caps), false);
#if GT_ARCH_ARM
    /* An arm64 host runs both kinds of guest and says so to either. */
    EXPECT_TRUE(has_token(caps, "xen-3.0-aarch64"));
    EXPECT_TRUE(has_token(caps, "xen-3.0-armv7l"));
#else
    /* With HVM support every HVM guest width is offered (the xen-3.0-*
     * PV tokens depend on the build and are not checked). */
    EXPECT_TRUE(has_token(caps, "hvm-3.0-x86_32"));
    EXPECT_TRUE(has_token(caps, "hvm-3.0-x86_32p"));
    EXPECT_TRUE(has_token(caps, "hvm-3.0-x86_64"));
#endif
}

GT_TEST(version_changeset, "xen_version.changeset")
{
    static xen_changeset_info_t cs;

    memset(cs, POISON, sizeof(cs));
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_changeset, cs), 0);
    /* Debian's build has no changeset: empty is fine. */
    expect_string_shape("changeset", cs, sizeof(cs), true);
}

GT_TEST(version_platform_parameters, "xen_version.platform_parameters")
{
    static struct xen_platform_parameters pp;

    memset(&pp, POISON, sizeof(pp));
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_platform_parameters, &pp), 0);
    gt_printf("  virt_start = 0x%llx\n", (unsigned long long)pp.virt_start);
#if GT_ARCH_ARM
    /* Where the hypervisor itself sits in its own address space (Xen 4.17
     * arm64: 0x200000).  Arm guests have no hole to avoid, so only the
     * shape is checked: written, and page aligned. */
    EXPECT_XNE(pp.virt_start, 0xa5a5a5a5a5a5a5a5ull);
    EXPECT_XEQ(pp.virt_start & (GT_PAGE_SIZE - 1), 0);
#elif GT_ARCH_BITS == 64
    /* The start of the 64-bit PV hole, whatever the guest's kind. */
    EXPECT_XEQ(pp.virt_start, 0xffff800000000000ull);
#else
    /* 32-bit callers that are not PV have no hole: 0. */
    EXPECT_XEQ(pp.virt_start, 0);
#endif
}

#if GT_ARCH_ARM
/* What Xen 4.17 reports to an Arm dom0 that is mapped 1:1. */
#define DOM0_FEATURES ((1u << XENFEAT_writable_page_tables) |            \
                       (1u << XENFEAT_auto_translated_physmap) |         \
                       (1u << XENFEAT_dom0) |                            \
                       (1u << XENFEAT_memory_op_vnode_supported) |       \
                       (1u << XENFEAT_ARM_SMCCC_supported) |             \
                       (1u << XENFEAT_direct_mapped))
#define DOM0_NOT_FEATURES (1u << XENFEAT_not_direct_mapped)
#else
/* What Xen 4.17 reports to a PVH dom0 (translated, not 1:1, no PIRQs). */
#define DOM0_FEATURES ((1u << XENFEAT_writable_page_tables) |            \
                       (1u << XENFEAT_auto_translated_physmap) |         \
                       (1u << XENFEAT_hvm_callback_vector) |             \
                       (1u << XENFEAT_hvm_safe_pvclock) |                \
                       (1u << XENFEAT_dom0) |                            \
                       (1u << XENFEAT_memory_op_vnode_supported) |       \
                       (1u << XENFEAT_not_direct_mapped))
#define DOM0_NOT_FEATURES (1u << XENFEAT_direct_mapped)
#endif

GT_TEST(version_get_features, "xen_version.get_features")
{
    static struct xen_feature_info fi;

    fi.submap_idx = 0;
    fi.submap = 0xdeadbeef;
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
    gt_printf("  submap 0 = 0x%08x\n", fi.submap);
    EXPECT_EQ(fi.submap_idx, 0);
    EXPECT_XEQ(fi.submap, DOM0_FEATURES);
    EXPECT_XEQ(fi.submap & DOM0_NOT_FEATURES, 0);

    /* Only submap 0 exists. */
    fi.submap_idx = 1;
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), -XEN_EINVAL);
    fi.submap_idx = 0xffffffffu;
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), -XEN_EINVAL);
}

GT_TEST(version_pagesize, "xen_version.pagesize")
{
    static char dummy[8];

    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
    /* The argument must be NULL. */
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_pagesize, dummy), -XEN_EINVAL);
}

GT_TEST(version_guest_handle, "xen_version.guest_handle")
{
    static xen_domain_handle_t h;

    memset(h, POISON, sizeof(h));
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_guest_handle, h), 0);
    /* Nobody gave dom0 a handle (UUID): it is all zero. */
    for (size_t i = 0; i < sizeof(h); i++)
        EXPECT_EQ(h[i], 0);
}

GT_TEST(version_commandline, "xen_version.commandline")
{
    static xen_commandline_t cmd;
    char token[64];

    memset(cmd, POISON, sizeof(cmd));
    /* dom0 is privileged, so it gets the real command line. */
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_commandline, cmd), 0);
    ASSERT_TRUE(strnlen(cmd, sizeof(cmd)) < sizeof(cmd));
    gt_print_field("commandline", cmd, sizeof(cmd));
    /* The runner puts the same token on the hypervisor's command line and
     * ours: the hypervisor must hand back the line it was booted with. */
    if (gt_bootarg("gt.token", token, sizeof(token))) {
        char want[80];
        size_t n;
        bool found = false;

        n = (size_t)gt_snprintf(want, sizeof(want), "gt-token=%s", token);
        for (const char *p = cmd; *p && !found; p++)
            found = strncmp(p, want, n) == 0;
        if (!found)
            gt_fail_at(__FILE__, __LINE__, "\"%s\" is not on the command line", want);
    }
}

GT_TEST(version_build_id, "xen_version.build_id")
{
    static union {
        struct xen_build_id id;
        unsigned char raw[4 + 64];
    } b;
    long size, rc;

    /* NULL asks for the size only. */
    size = HYPERVISOR_xen_version(XENVER_build_id, NULL);
    gt_printf("  build id size %ld\n", size);
    ASSERT_GE(size, 1);
    ASSERT_TRUE(size <= 64);

    b.id.len = 0;
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_build_id, &b.id), -XEN_EINVAL);
    b.id.len = (uint32_t)size - 1;
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_build_id, &b.id), -XEN_ENOBUFS);

    memset(b.raw, 0, sizeof(b.raw));
    b.id.len = sizeof(b.raw) - 4;
    rc = HYPERVISOR_xen_version(XENVER_build_id, &b.id);
    EXPECT_EQ(rc, size);
    if (rc == size) {
        char hex[2 * 64 + 1];
        bool nonzero = false;

        for (long i = 0; i < size; i++) {
            gt_snprintf(hex + 2 * i, 3, "%02x", b.id.buf[i]);
            nonzero |= b.id.buf[i] != 0;
        }
        EXPECT_TRUE(nonzero);
        /* The runner compares this with the image's own build id. */
        gt_printf("GT: build-id %s\n", hex);
    }
}

GT_TEST(version_unknown, "xen_version.unknown_subop")
{
    EXPECT_EQ(HYPERVISOR_xen_version(11, NULL), -XEN_ENOSYS);
    EXPECT_EQ(HYPERVISOR_xen_version(0x7fffffff, NULL), -XEN_ENOSYS);
    EXPECT_EQ(HYPERVISOR_xen_version(-1, NULL), -XEN_ENOSYS);
}
