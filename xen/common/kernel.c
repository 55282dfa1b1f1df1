/*
 * xen_version (hypercall 17): what the hypervisor is and what it offers.
 *
 * Sub-ops, results and errno values are Xen 4.17's (docs/hypercalls.md
 * lists them).  Most sub-ops answer any guest; command line and build id
 * need the control domain, as with Xen's default XSM policy.  x86 32-bit
 * guests get the same answers through compat_xen_version(); only
 * XENVER_platform_parameters has a narrower layout for them.
 */
#include "hypercall_env.h"
#include <xen/lib.h>
#include <xen/version.h>
#include <public/version.h>
#include <public/features.h>

/* What a sub-op refused by the policy reads instead of the real string. */
#define DENIED_STRING "<denied>"

/*
 * Where the hypervisor lives in its own address space.  Meaningless to
 * translated guests, but part of the ABI: we report Xen 4.17's values.
 */
#if defined(CONFIG_ARM_64)
#define NATIVE_VIRT_START   0x00200000UL            /* Xen's XEN_VIRT_START */
#define CAPABILITIES        "xen-3.0-aarch64 xen-3.0-armv7l "
#elif defined(CONFIG_X86_64)
#define NATIVE_VIRT_START   0xffff800000000000UL    /* start of the upper half */
#ifdef CONFIG_HVM
#define CAPABILITIES        "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 "
#else
#define CAPABILITIES        ""
#endif
#else
#error "xen_version: unknown architecture"
#endif
/* 32-bit x86 HVM guests read 0: only PV guests would see a real limit. */
#define COMPAT_VIRT_START   0U

/* Zero-fill dst and copy as much of src as fits with its terminator. */
static void put_str(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);

    memset(dst, 0, size);
    memcpy(dst, src, n);
}

/* "4.17" -> 0x00040011 (major << 16 | minor). */
static long abi_version_number(void)
{
    const char *s = hv_abi_version_string();
    unsigned long major = 0, minor = 0;

    while (*s >= '0' && *s <= '9')
        major = major * 10 + (unsigned long)(*s++ - '0');
    if (*s == '.')
        s++;
    while (*s >= '0' && *s <= '9')
        minor = minor * 10 + (unsigned long)(*s++ - '0');
    return (long)(((major & 0xffff) << 16) | (minor & 0xffff));
}

/*
 * Xen's default policy for xen_version (xsm_xen_version): the descriptive
 * sub-ops answer everyone, anything else needs the control domain.
 */
static bool version_denied(int cmd, const struct domain *d)
{
    switch (cmd) {
    case XENVER_version:
    case XENVER_platform_parameters:
    case XENVER_get_features:
    case XENVER_extraversion:
    case XENVER_compile_info:
    case XENVER_capabilities:
    case XENVER_changeset:
    case XENVER_pagesize:
    case XENVER_guest_handle:
        return false;
    default:
        return hc_xsm_priv(d) != 0;
    }
}

/* Feature word 0 (XENFEAT_* bits) as Xen 4.17 computes it for d. */
static uint32_t feature_submap0(const struct domain *d)
{
    uint32_t m = 1U << XENFEAT_memory_op_vnode_supported;

    /* Every guest we run is translated (Arm, x86 HVM/PVH): no PV guests. */
    m |= (1U << XENFEAT_writable_page_tables) |
         (1U << XENFEAT_auto_translated_physmap);
    if (is_hardware_domain(d))
        m |= 1U << XENFEAT_dom0;
#ifdef CONFIG_ARM
    m |= 1U << XENFEAT_ARM_SMCCC_supported;
    /* On Arm dom0 is mapped 1:1 (guest physical = machine), others are not. */
    if (is_hardware_domain(d))
        m |= 1U << XENFEAT_direct_mapped;
    else
        m |= 1U << XENFEAT_not_direct_mapped;
#else
    m |= (1U << XENFEAT_hvm_safe_pvclock) | (1U << XENFEAT_hvm_callback_vector);
    m |= 1U << XENFEAT_not_direct_mapped;
#endif
    return m;
}

static long xenver_build_id(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    xen_build_id_t hdr;
    const uint8_t *id;
    unsigned int len;

    if (!guest_handle_is_null(arg)) {
        if (!hc_copy_from(&hdr, arg, 0, sizeof(hdr)))
            return -EFAULT;
        if (hdr.len == 0)
            return -EINVAL;
    }
    if (!hv_build_id(&id, &len))
        return -ENODATA;
    /* A NULL buffer asks for the size only. */
    if (guest_handle_is_null(arg))
        return len;
    if (len > hdr.len)
        return -ENOBUFS;
    if (!hc_copy_to(arg, offsetof(xen_build_id_t, buf), id, len))
        return -EFAULT;
    return len;
}

static long xen_version_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg, bool compat)
{
    const struct domain *d = current->domain;
    bool deny = version_denied(cmd, d);

    switch (cmd) {
    case XENVER_version:
        return abi_version_number();

    case XENVER_extraversion: {
        xen_extraversion_t s;
        char tmp[sizeof(s) + 32];

        /* Xen 4.17 ".<patch>": ".0", then who we are. */
        snprintf(tmp, sizeof(tmp), ".0-ours-%s", hv_version_string());
        put_str(s, sizeof(s), deny ? DENIED_STRING : tmp);
        return hc_copy_to(arg, 0, s, sizeof(s)) ? 0 : -EFAULT;
    }

    case XENVER_compile_info: {
        xen_compile_info_t info;

        /*
         * Who built us and where is not recorded.  The date is this file's
         * compile time (gcc takes it from SOURCE_DATE_EPOCH when set, for
         * reproducible images).
         */
        memset(&info, 0, sizeof(info));
        put_str(info.compiler, sizeof(info.compiler),
                deny ? DENIED_STRING : hv_compiler_string());
        put_str(info.compile_by, sizeof(info.compile_by), deny ? DENIED_STRING : "");
        put_str(info.compile_domain, sizeof(info.compile_domain),
                deny ? DENIED_STRING : "");
        put_str(info.compile_date, sizeof(info.compile_date),
                deny ? DENIED_STRING : __DATE__ " " __TIME__);
        return hc_copy_to(arg, 0, &info, sizeof(info)) ? 0 : -EFAULT;
    }

    case XENVER_capabilities: {
        xen_capabilities_info_t caps;

        put_str(caps, sizeof(caps), deny ? "" : CAPABILITIES);
        return hc_copy_to(arg, 0, caps, sizeof(caps)) ? 0 : -EFAULT;
    }

    case XENVER_platform_parameters:
        if (compat) {
            uint32_t vs = COMPAT_VIRT_START;

            return hc_copy_to(arg, 0, &vs, sizeof(vs)) ? 0 : -EFAULT;
        } else {
            xen_platform_parameters_t p = { .virt_start = NATIVE_VIRT_START };

            return hc_copy_to(arg, 0, &p, sizeof(p)) ? 0 : -EFAULT;
        }

    case XENVER_changeset: {
        xen_changeset_info_t s;

        /* No revision-control information is built in (as a tarball Xen). */
        put_str(s, sizeof(s), deny ? DENIED_STRING : "");
        return hc_copy_to(arg, 0, s, sizeof(s)) ? 0 : -EFAULT;
    }

    case XENVER_get_features: {
        xen_feature_info_t fi;

        if (!hc_copy_from(&fi, arg, 0, sizeof(fi)))
            return -EFAULT;
        if (fi.submap_idx != 0)
            return -EINVAL;
        fi.submap = feature_submap0(d);
        return hc_copy_to(arg, 0, &fi, sizeof(fi)) ? 0 : -EFAULT;
    }

    case XENVER_pagesize:
        if (deny)
            return 0;
        return guest_handle_is_null(arg) ? (long)PAGE_SIZE : -EINVAL;

    case XENVER_guest_handle: {
        xen_domain_handle_t h;

        BUILD_BUG_ON(sizeof(h) != sizeof(d->handle));
        if (deny)
            memset(h, 0, sizeof(h));
        else
            memcpy(h, d->handle, sizeof(h));
        return hc_copy_to(arg, 0, h, sizeof(h)) ? 0 : -EFAULT;
    }

    case XENVER_commandline:
        /* Refused callers read the placeholder (and get 0), as on Xen. */
        if (deny)
            return hc_copy_to(arg, 0, DENIED_STRING, sizeof(DENIED_STRING)) ? 0 : -EFAULT;
        BUILD_BUG_ON(sizeof(xen_commandline_t) != HV_CMDLINE_SAVED);
        return hc_copy_to(arg, 0, hv_saved_cmdline(), HV_CMDLINE_SAVED) ? 0 : -EFAULT;

    case XENVER_build_id:
        if (deny)
            return -EPERM;
        return xenver_build_id(arg);
    }

    return -ENOSYS;
}

long do_xen_version(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    return xen_version_op(cmd, arg, false);
}

#ifdef CONFIG_COMPAT
int compat_xen_version(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    return hc_clamp_int(xen_version_op(cmd, arg, true));
}
#endif
