/*
 * The x86_64 half of the control hypercalls (xen/include/xen/arch.h,
 * "control").  Every guest here is HVM/PVH under SVM with nested paging,
 * so this stays small: the PV-only domctls answer as Xen answers for an
 * HVM domain, vCPU contexts in the PV vcpu_guest_context layout are not
 * offered (HVM state goes through hvmcontext, not written yet), and a
 * multicall entry runs through the hvm64 or hvm32 table like the trap.
 *
 * Learned from Xen 4.17's arch/x86/domctl.c (arch_get_domain_info,
 * set/get_address_size), arch/x86/sysctl.c (arch_do_physinfo) and
 * arch/x86/hvm/hypercall.c (hvm_do_multicall_call).
 */
#include <xen/arch.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <public/xen.h>
#include <public/event_channel.h>
#include <public/physdev.h>
#include <public/platform.h>
#include <public/sysctl.h>
#include <public/domctl.h>
#include <public/sched.h>
#include <public/hvm/params.h>
#include <asm/domain.h>
#include <asm/hvm.h>
#include <asm/svm.h>
#include <asm/time.h>

/* Handle types the generated prototypes name (see hvm.c, which does the same). */
#if __has_include(<public/pmu.h>)
#include <public/pmu.h>
#else
typedef struct xen_pmu_params xen_pmu_params_t;
__DEFINE_XEN_GUEST_HANDLE(xen_pmu_params_t, xen_pmu_params_t);
#endif
typedef struct compat_multicall_entry multicall_entry_compat_t;
typedef struct compat_platform_op compat_platform_op_t;
__DEFINE_XEN_GUEST_HANDLE(multicall_entry_compat_t, multicall_entry_compat_t);
__DEFINE_XEN_GUEST_HANDLE(compat_platform_op_t, compat_platform_op_t);
#ifdef CONFIG_IOREQ_SERVER
#if __has_include(<public/hvm/dm_op.h>)
#include <public/hvm/dm_op.h>
#else
typedef struct xen_dm_op_buf xen_dm_op_buf_t;
__DEFINE_XEN_GUEST_HANDLE(xen_dm_op_buf_t, xen_dm_op_buf_t);
#endif
#endif

#include <generated/hypercall-defs.h>

/* Guest physical address width of our nested page tables (4 levels). */
#define X86_GPADDR_BITS 48

/* ------------------------------------------------------------ vCPU context */

/* The PV register layout has no HVM meaning: Xen's HVM path is hvmcontext. */
int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *ctxt)
{
    (void)v;
    (void)ctxt;
    return -EOPNOTSUPP;
}

int arch_get_vcpu_context(struct vcpu *v, struct vcpu_guest_context *ctxt)
{
    (void)v;
    (void)ctxt;
    return -EOPNOTSUPP;
}

void arch_reset_vcpu_context(struct vcpu *v)
{
    (void)v;
}

/* ------------------------------------------------------------ domain info, physinfo */

void arch_get_domain_info(const struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    info->flags |= XEN_DOMINF_hap;
    info->arch_config.emulation_flags = d->arch ? d->arch->emulation_flags : 0;
    info->gpaddr_bits = X86_GPADDR_BITS;
}

void arch_do_physinfo(struct xen_sysctl_physinfo *pi)
{
    pi->cpu_khz = (uint32_t)(x86_tsc_hz() / 1000);
    pi->capabilities |= XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap;
}

/* ------------------------------------------------------------ x86 domctls */

long arch_do_domctl(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    (void)d;
    (void)copyback;
    switch (op->cmd) {
    /* PV guests only: an HVM domain has no address size of its own. */
    case XEN_DOMCTL_set_address_size:
    case XEN_DOMCTL_get_address_size:
        return -EOPNOTSUPP;
    default:
        return -ENOSYS;
    }
}

/* ------------------------------------------------------------ multicall entries */

bool arch_multicall_call(struct multicall_entry *call)
{
    struct vcpu *v = current;
    struct arch_vcpu *a = v->arch;
    bool wide = hvm_guest_mode(v) == 8;
    uint64_t *slots64[5] = { &a->regs.rdi, &a->regs.rsi, &a->regs.rdx,
                             &a->regs.r10, &a->regs.r8 };
    uint64_t *slots32[5] = { &a->regs.rbx, &a->regs.rcx, &a->regs.rdx,
                             &a->regs.rsi, &a->regs.rdi };
    uint64_t **slots = wide ? slots64 : slots32;
    uint64_t saved[5], saved_rax = a->vmcb->rax;
    bool saved_preempted = a->hcall_preempted, continued;
    long ret;

    /*
     * A handler that continues itself rewrites the argument registers it
     * names and rax: load them with this entry first so that afterwards
     * they describe the whole call to re-run, then restore the batch's.
     */
    for (unsigned int i = 0; i < 5; i++) {
        saved[i] = *slots[i];
        *slots[i] = wide ? call->args[i] : (uint32_t)call->args[i];
    }
    a->vmcb->rax = call->op;
    a->hcall_preempted = false;

    if (wide)
        call_handlers_hvm64(call->op, ret, call->args[0], call->args[1], call->args[2],
                            call->args[3], call->args[4]);
    else
        call_handlers_hvm32((uint32_t)call->op, ret, (uint32_t)call->args[0],
                            (uint32_t)call->args[1], (uint32_t)call->args[2],
                            (uint32_t)call->args[3], (uint32_t)call->args[4]);

    continued = a->hcall_preempted;
    if (continued) {
        call->op = a->vmcb->rax;
        for (unsigned int i = 0; i < 5; i++)
            call->args[i] = *slots[i];
    } else {
        call->result = (xen_ulong_t)ret;
    }
    for (unsigned int i = 0; i < 5; i++)
        *slots[i] = saved[i];
    a->vmcb->rax = saved_rax;
    a->hcall_preempted = saved_preempted;
    return continued;
}
