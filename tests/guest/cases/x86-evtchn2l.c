/* SPDX-License-Identifier: MIT */
/*
 * x86-evtchn2l.c - which shared_info/vcpu_info layout 2-level event
 * delivery uses on x86.  The guest set up its hypercall page at boot in
 * the mode it runs in, which makes Xen latch that mode's layout: the
 * 32-bit kernel must see its 32-bit words (pending and mask bitmaps of
 * 32-bit words, the mask right after 128 bytes of pending bits, a 32-bit
 * selector at vcpu_info offset 4), the 64-bit kernel the native ones.
 * The guest's own compile of the public headers gives its layout; the
 * test also pins the offsets and checks the other layout's selector word
 * is left alone.  Interrupts stay off: the upcall is seen through the flag.
 */
#include "gt-xen.h"

#if GT_ARCH_X86

#include <public/memory.h>
#include <public/event_channel.h>

#define PORT_LO 64u             /* the two layouts' selector bits differ here */
#define PORT_HI 96u
#define MAX_BINDS 128u


static long evtchn_op(int cmd, void *arg)
{
    return gt_hypercall(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0);
}

static volatile struct shared_info *shinfo(void)
{
    volatile struct shared_info *si = gt_shared_info();

    if (!si)
        gt_skip("shared_info could not be mapped");
    return si;
}

/* vCPU 0's vcpu_info: a registered one, else its slot in shared_info. */
static volatile struct vcpu_info *vcpu0(void)
{
    if (gt_cfg.vcpu0_info)
        return gt_cfg.vcpu0_info;
    return &shinfo()->vcpu_info[0];
}

static bool bit_test(const volatile void *base, unsigned int nr)
{
    return (((const volatile uint8_t *)base)[nr / 8] >> (nr % 8)) & 1;
}

static void bit_assign(volatile void *base, unsigned int nr, bool on)
{
    volatile uint8_t *b = (volatile uint8_t *)base + nr / 8;

    *b = on ? (uint8_t)(*b | (1u << (nr % 8))) : (uint8_t)(*b & ~(1u << (nr % 8)));
}

#define WORD_BITS (sizeof(xen_ulong_t) * 8)

GT_TEST(evtchn2l_layout, "evtchn.x86_2level_layout")
{
    volatile struct shared_info *si = shinfo();
    volatile struct vcpu_info *vi = vcpu0();
    volatile uint8_t *vb = (volatile uint8_t *)vi;
    evtchn_port_t ports[MAX_BINDS], port = 0;
    unsigned int n = 0, other_off, other_len;
    uint8_t old_mask = vi->evtchn_upcall_mask;

#if GT_ARCH_BITS == 32
    EXPECT_EQ(offsetof(struct shared_info, evtchn_mask), 2176);
    EXPECT_EQ(offsetof(struct vcpu_info, evtchn_pending_sel), 4);
    other_off = 8;              /* where the 64-bit selector would be */
    other_len = 8;
#else
    EXPECT_EQ(offsetof(struct shared_info, evtchn_mask), 2560);
    EXPECT_EQ(offsetof(struct vcpu_info, evtchn_pending_sel), 8);
    other_off = 4;              /* where the 32-bit selector would be */
    other_len = 4;
#endif
    EXPECT_EQ(offsetof(struct shared_info, evtchn_pending), 2048);
    EXPECT_EQ(offsetof(struct vcpu_info, time), 32);

    /* Bind IPIs to vCPU 0 until one lands in [PORT_LO, PORT_HI). */
    vi->evtchn_upcall_mask = 1;
    while (n < MAX_BINDS) {
        struct evtchn_bind_ipi b = { .vcpu = 0 };

        if (evtchn_op(EVTCHNOP_bind_ipi, &b) != 0)
            break;
        ports[n++] = b.port;
        if (b.port >= PORT_LO && b.port < PORT_HI) {
            port = b.port;
            break;
        }
        if (b.port >= PORT_HI)
            break;
    }
    if (!port) {
        gt_printf("no IPI port in [%u, %u) after %u binds\n", PORT_LO, PORT_HI, n);
        EXPECT_TRUE(port != 0);
        goto out;
    }

    /* Unmasked: pending bit, selector bit port / word in this layout, upcall. */
    bit_assign(si->evtchn_pending, port, false);
    bit_assign(si->evtchn_mask, port, false);
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
    for (unsigned int i = 0; i < other_len; i++)
        vb[other_off + i] = 0;
    {
        struct evtchn_send s = { .port = port };

        EXPECT_EQ(evtchn_op(EVTCHNOP_send, &s), 0);
    }
    EXPECT_TRUE(bit_test(si->evtchn_pending, port));
    EXPECT_XEQ(vi->evtchn_pending_sel, (xen_ulong_t)1 << (port / WORD_BITS));
    EXPECT_EQ(vi->evtchn_upcall_pending, 1);
    for (unsigned int i = 0; i < other_len; i++)
        EXPECT_XEQ(vb[other_off + i], 0);

    /* Masked in this layout's mask bitmap: pending only. */
    bit_assign(si->evtchn_pending, port, false);
    bit_assign(si->evtchn_mask, port, true);
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
    {
        struct evtchn_send s = { .port = port };

        EXPECT_EQ(evtchn_op(EVTCHNOP_send, &s), 0);
    }
    EXPECT_TRUE(bit_test(si->evtchn_pending, port));
    EXPECT_XEQ(vi->evtchn_pending_sel, 0);
    EXPECT_EQ(vi->evtchn_upcall_pending, 0);

    /* EVTCHNOP_unmask clears that mask bit and flags the pending port. */
    {
        struct evtchn_unmask u = { .port = port };

        EXPECT_EQ(evtchn_op(EVTCHNOP_unmask, &u), 0);
    }
    EXPECT_TRUE(!bit_test(si->evtchn_mask, port));
    EXPECT_XEQ(vi->evtchn_pending_sel, (xen_ulong_t)1 << (port / WORD_BITS));
    EXPECT_EQ(vi->evtchn_upcall_pending, 1);
    for (unsigned int i = 0; i < other_len; i++)
        EXPECT_XEQ(vb[other_off + i], 0);

out:
    for (unsigned int i = 0; i < n; i++) {
        struct evtchn_close c = { .port = ports[i] };

        EXPECT_EQ(evtchn_op(EVTCHNOP_close, &c), 0);
        bit_assign(si->evtchn_pending, ports[i], false);
    }
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_upcall_mask = old_mask;
}

#endif /* GT_ARCH_X86 */
