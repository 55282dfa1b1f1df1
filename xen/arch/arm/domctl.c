/*
 * The arm64 half of the control hypercalls (xen/include/xen/arch.h,
 * "control"): vCPU register state in the public vcpu_guest_context
 * layout, the Arm-only domctls, physinfo's capabilities, and running a
 * multicall entry through the guest's hypercall table.
 *
 * Learned from Xen 4.17's arch/arm/domctl.c, arch/arm/arm64/domctl.c,
 * arch/arm/domain.c (arch_set_info_guest and its PSR checks),
 * arch/arm/sysctl.c and arch/arm/traps.c (arch_do_multicall_call).
 */
#include <xen/arch.h>
#include <xen/bug.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/domctl.h>
#include <public/platform.h>
#include <public/event_channel.h>
#include <public/physdev.h>
#include <generated/hypercall-defs.h>
#include <asm/domain.h>
#include <asm/p2m.h>
#include <asm/sysregs.h>
#include <asm/time.h>
#include <asm/traps.h>

/* ------------------------------------------------------------ vCPU context */

/* A PSTATE an AArch32 guest may be in: no monitor or hypervisor mode. */
static bool psr_ok32(uint64_t psr)
{
    switch (psr & SPSR_MODE_MASK) {
    case PSR_MODE_USR:
    case PSR_MODE_FIQ:
    case PSR_MODE_IRQ:
    case PSR_MODE_SVC:
    case PSR_MODE_ABT:
    case PSR_MODE_UND:
    case PSR_MODE_SYS:
        return true;
    default:
        return false;
    }
}

/* ... and an AArch64 guest: EL0t, EL1t or EL1h, in AArch64 state. */
static bool psr_ok64(uint64_t psr)
{
    if (psr & PSR_MODE_BIT)
        return false;
    switch (psr & SPSR_MODE_MASK) {
    case PSR_MODE_EL0t:
    case PSR_MODE_EL1t:
    case PSR_MODE_EL1h:
        return true;
    default:
        return false;
    }
}

int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *ctxt)
{
    const struct vcpu_guest_core_regs *u = &ctxt->user_regs;
    bool aarch32 = is_32bit_domain(v->domain);
    struct arch_vcpu *a = v->arch;

    /* The saved modes must be ones the guest can be in (0 = unused). */
    if (aarch32) {
        if (!psr_ok32(u->cpsr) ||
            (u->spsr_svc && !psr_ok32(u->spsr_svc)) ||
            (u->spsr_abt && !psr_ok32(u->spsr_abt)) ||
            (u->spsr_und && !psr_ok32(u->spsr_und)) ||
            (u->spsr_irq && !psr_ok32(u->spsr_irq)) ||
            (u->spsr_fiq && !psr_ok32(u->spsr_fiq)))
            return -EINVAL;
    } else if (!psr_ok64(u->cpsr) || (u->spsr_el1 && !psr_ok64(u->spsr_el1))) {
        return -EINVAL;
    }

    /* From the power-on state, so that nothing of an earlier life is left. */
    arch_vcpu_reset(v, 0, NULL, 0);

    /*
     * The public layout follows the architectural mapping of AArch32
     * registers onto x0..x30, so both kinds of guest copy straight across.
     */
    BUILD_BUG_ON(__builtin_offsetof(struct vcpu_guest_core_regs, x30) != 30 * 8);
    for (unsigned int i = 0; i < 31; i++) {
        uint64_t r;

        memcpy(&r, (const char *)u + i * 8, sizeof(r));
        a->regs.x[i] = aarch32 ? (uint32_t)r : r;
    }
    a->regs.spsr = u->cpsr;
    if (aarch32) {
        a->regs.elr = (uint32_t)u->pc64;
        a->sys.spsr_el1 = u->spsr_svc;      /* SPSR_svc is SPSR_EL1 */
        a->sys.spsr_abt = u->spsr_abt;
        a->sys.spsr_und = u->spsr_und;
        a->sys.spsr_irq = u->spsr_irq;
        a->sys.spsr_fiq = u->spsr_fiq;
    } else {
        a->regs.elr = u->pc64;
        a->regs.sp = u->sp_el0;
        a->sys.sp_el1 = u->sp_el1;
        a->sys.elr_el1 = u->elr_el1;
        a->sys.spsr_el1 = u->spsr_el1;
    }
    a->sys.sctlr = ctxt->sctlr;
    a->sys.ttbr0 = ctxt->ttbr0;
    a->sys.ttbr1 = ctxt->ttbr1;
    a->sys.tcr = ctxt->ttbcr;

    if (ctxt->flags & VGCF_online)
        vcpu_up(v);
    else
        vcpu_down(v);
    return 0;
}

int arch_get_vcpu_context(struct vcpu *v, struct vcpu_guest_context *ctxt)
{
    struct vcpu_guest_core_regs *u = &ctxt->user_regs;
    bool aarch32 = is_32bit_domain(v->domain);
    const struct arch_vcpu *a = v->arch;

    for (unsigned int i = 0; i < 31; i++) {
        uint64_t r = aarch32 ? (uint32_t)a->regs.x[i] : a->regs.x[i];

        memcpy((char *)u + i * 8, &r, sizeof(r));
    }
    u->cpsr = a->regs.spsr;
    if (aarch32) {
        u->pc64 = (uint32_t)a->regs.elr;
        u->spsr_svc = (uint32_t)a->sys.spsr_el1;
        u->spsr_abt = (uint32_t)a->sys.spsr_abt;
        u->spsr_und = (uint32_t)a->sys.spsr_und;
        u->spsr_irq = (uint32_t)a->sys.spsr_irq;
        u->spsr_fiq = (uint32_t)a->sys.spsr_fiq;
    } else {
        u->pc64 = a->regs.elr;
        u->sp_el0 = a->regs.sp;
        u->sp_el1 = a->sys.sp_el1;
        u->elr_el1 = a->sys.elr_el1;
        u->spsr_el1 = a->sys.spsr_el1;
    }
    ctxt->sctlr = a->sys.sctlr;
    ctxt->ttbr0 = a->sys.ttbr0;
    ctxt->ttbr1 = a->sys.ttbr1;
    ctxt->ttbcr = a->sys.tcr;
    if (!test_bit(VPF_DOWN, &v->pause_flags))
        ctxt->flags |= VGCF_online;
    return 0;
}

void arch_reset_vcpu_context(struct vcpu *v)
{
    arch_vcpu_reset(v, 0, NULL, 0);
}

/* ------------------------------------------------------------ domain info, physinfo */

void arch_get_domain_info(const struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    (void)d;
    /* Every Arm guest runs on stage 2. */
    info->flags |= XEN_DOMINF_hap;
    info->gpaddr_bits = (uint8_t)p2m_ipa_bits();
}

void arch_do_physinfo(struct xen_sysctl_physinfo *pi)
{
    pi->cpu_khz = (uint32_t)(counter_hz / 1000);
    pi->capabilities |= XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap;
}

/* ------------------------------------------------------------ Arm domctls */

/*
 * XEN_DOMCTL_set_address_size: AArch32 or AArch64 guest.  Only before the
 * domain owns memory (the builder calls it first).
 */
static long set_address_size(struct domain *d, uint32_t size)
{
    if (size != 32 && size != 64)
        return -EINVAL;
    if (read_atomic(&d->tot_pages))
        return -EBUSY;
    if (is_32bit_domain(d) != (size == 32))
        arch_domain_set_aarch32(d, size == 32);
    return 0;
}

static void dcache_clean_invalidate_page(mfn_t mfn)
{
    uint64_t ctr, line;
    uintptr_t p = (uintptr_t)mfn_to_virt(mfn), end = p + PAGE_SIZE;

    asm volatile ("mrs %0, ctr_el0" : "=r" (ctr));
    line = 4UL << ((ctr >> 16) & 0xf);
    for (; p < end; p += line)
        asm volatile ("dc civac, %0" : : "r" (p) : "memory");
    asm volatile ("dsb sy" : : : "memory");
}

/* XEN_DOMCTL_cacheflush: what the builder wrote must reach memory before the guest runs with its caches off. */
static long cacheflush(struct domain *d, const struct xen_domctl_cacheflush *cf)
{
    uint64_t s = cf->start_pfn, e = s + cf->nr_pfns;

    if (cf->nr_pfns > (1UL << MAX_ORDER) || e < s)
        return -EINVAL;
    for (uint64_t gfn = s; gfn < e; gfn++) {
        p2m_type_t t;
        mfn_t mfn = p2m_lookup(d, _gfn(gfn), &t);

        if (t == p2m_ram_rw || t == p2m_ram_ro)
            dcache_clean_invalidate_page(mfn);
    }
    return 0;
}

long arch_do_domctl(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    (void)copyback;
    switch (op->cmd) {
    case XEN_DOMCTL_set_address_size:
        return set_address_size(d, op->u.address_size.size);

    case XEN_DOMCTL_cacheflush:
        return cacheflush(d, &op->u.cacheflush);

    case XEN_DOMCTL_bind_pt_irq:
    case XEN_DOMCTL_unbind_pt_irq: {
        const struct xen_domctl_bind_pt_irq *b = &op->u.bind_pt_irq;

        if (b->irq_type != PT_IRQ_TYPE_SPI)
            return -EOPNOTSUPP;
        /* Only 1:1 routing exists. */
        if (b->u.spi.spi != b->machine_irq)
            return -EINVAL;
        if (!irq_access_permitted(current->domain, b->machine_irq))
            return -EPERM;
        /* No device passthrough: no physical SPI can be routed to a guest. */
        return -EOPNOTSUPP;
    }

    case XEN_DOMCTL_vuart_op: {
        const struct xen_domctl_vuart_op *vu = &op->u.vuart_op;

        for (unsigned int i = 0; i < sizeof(vu->pad); i++)
            if (vu->pad[i])
                return -EINVAL;
        if (vu->cmd != XEN_DOMCTL_VUART_OP_INIT)
            return -EINVAL;
        /* There is no emulated PL011 for guests (yet). */
        return -EOPNOTSUPP;
    }

    default:
        return -ENOSYS;
    }
}

/* ------------------------------------------------------------ multicall entries */

/* Argument registers and the number register of the guest's hypercall ABI. */
struct saved_abi {
    uint64_t x[5];
    uint64_t nr;
    bool preempted;
};

bool arch_multicall_call(struct multicall_entry *call)
{
    static const unsigned char nargs32[] = hypercall_args_arm32;
    struct vcpu *v = current;
    struct arch_vcpu *a = v->arch;
    struct trap_frame *regs = &a->regs;
    bool aarch32 = trap_from_aarch32(regs);
    unsigned int nr_reg = aarch32 ? 12 : 16;
    struct saved_abi saved;
    bool continued;
    long ret;

    /* An AArch32 guest's arguments are 32-bit registers: anything wider is a broken guest. */
    if (aarch32 && call->op < ARRAY_SIZE(nargs32)) {
        for (unsigned int i = 0; i < nargs32[call->op]; i++)
            if (call->args[i] >> 32) {
                guest_crash(v, "multicall argument %u of hypercall %llu is not 32-bit clean",
                            i, (unsigned long long)call->op);
                return false;
            }
    }

    /*
     * A handler that continues itself rewrites the argument registers it
     * names and the number register.  Load them with this entry's values
     * first, so that afterwards they describe the whole re-run call, then
     * put the multicall's own registers back.
     */
    for (unsigned int i = 0; i < 5; i++)
        saved.x[i] = regs->x[i];
    saved.nr = regs->x[nr_reg];
    saved.preempted = a->hcall_preempted;
    for (unsigned int i = 0; i < 5; i++)
        regs->x[i] = aarch32 ? (uint32_t)call->args[i] : call->args[i];
    regs->x[nr_reg] = call->op;
    a->hcall_preempted = false;

    if (aarch32) {
        call_handlers_arm32((uint32_t)call->op, ret, (uint32_t)call->args[0],
                            (uint32_t)call->args[1], (uint32_t)call->args[2],
                            (uint32_t)call->args[3], (uint32_t)call->args[4]);
        if (ret < INT32_MIN || ret > INT32_MAX)
            ret = -ERANGE;
    } else {
        call_handlers_arm64(call->op, ret, call->args[0], call->args[1], call->args[2],
                            call->args[3], call->args[4]);
    }

    continued = a->hcall_preempted;
    if (continued) {
        call->op = regs->x[nr_reg];
        for (unsigned int i = 0; i < 5; i++)
            call->args[i] = regs->x[i];
    } else {
        call->result = (xen_ulong_t)ret;
    }
    for (unsigned int i = 0; i < 5; i++)
        regs->x[i] = saved.x[i];
    regs->x[nr_reg] = saved.nr;
    a->hcall_preempted = saved.preempted;
    return continued;
}
