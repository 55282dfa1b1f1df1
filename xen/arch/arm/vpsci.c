/*
 * The SMC Calling Convention and PSCI as guests see them, through HVC #0
 * or a trapped SMC (HCR_EL2.TSC).
 *
 *   SMCCC 1.1: SMCCC_VERSION, SMCCC_ARCH_FEATURES (no firmware
 *              workaround is offered: every query is NOT_SUPPORTED).
 *   PSCI 1.1:  PSCI_VERSION, CPU_SUSPEND (as a standby: waits for an
 *              interrupt), CPU_OFF, CPU_ON, AFFINITY_INFO,
 *              MIGRATE_INFO_TYPE (2: no Trusted OS to migrate),
 *              SYSTEM_OFF, SYSTEM_RESET, PSCI_FEATURES.
 * Anything else gets NOT_SUPPORTED (-1) in x0/r0.
 *
 * The function id is w0/r0; bit 30 selects the SMC64 convention, which an
 * AArch32 caller cannot use.  SMC32 calls see only the low 32 bits of the
 * arguments.  vCPUs are named by their MPIDR affinity (asm/domain.h).
 */
#include <xen/arch.h>
#include <xen/bitops.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <public/sched.h>
#include <asm/vgic.h>
#include <asm/domain.h>
#include <asm/psci.h>
#include <asm/sysregs.h>
#include <asm/traps.h>

#define SMCCC_VERSION               0x80000000U
#define SMCCC_ARCH_FEATURES         0x80000001U
#define SMCCC_VERSION_1_1           0x10001
#define SMCCC_FN_64                 (1U << 30)

#define PSCI_FN_VERSION             0x84000000U
#define PSCI_FN_CPU_SUSPEND         0x84000001U
#define PSCI_FN_CPU_OFF             0x84000002U
#define PSCI_FN_CPU_ON              0x84000003U
#define PSCI_FN_AFFINITY_INFO       0x84000004U
#define PSCI_FN_MIGRATE_INFO_TYPE   0x84000006U
#define PSCI_FN_SYSTEM_OFF          0x84000008U
#define PSCI_FN_SYSTEM_RESET        0x84000009U
#define PSCI_FN_FEATURES            0x8400000aU
#define PSCI_FN64(fn)               ((fn) | SMCCC_FN_64)

#define PSCI_VERSION_1_1            0x10001
#define PSCI_AFFINITY_ON            0
#define PSCI_AFFINITY_OFF           1
#define PSCI_MIGRATE_NOT_REQUIRED   2       /* MIGRATE_INFO_TYPE: no Trusted OS */

/* ---- PSCI --------------------------------------------------------------- */

static int32_t vpsci_cpu_on(uint64_t target, uint64_t entry, uint64_t context)
{
    struct vcpu *me = current, *v;
    struct domain *d = me->domain;
    unsigned int id = affinity_to_vcpu_id(target & MPIDR_AFF_MASK);
    int32_t ret;

    if (id >= d->max_vcpus || !(v = d->vcpu[id]) || !v->arch)
        return PSCI_INVALID_PARAMETERS;
    /* A Thumb entry point only makes sense for AArch32. */
    if (!is_32bit_domain(d) && (entry & 1))
        return PSCI_INVALID_ADDRESS;

    spin_lock(&d->arch->vcpu_lock);
    if (!test_bit(VPF_DOWN, &v->pause_flags)) {
        ret = PSCI_ALREADY_ON;
    } else {
        /* Its state may still be on its way out of a CPU (CPU_OFF just now). */
        vcpu_sleep_sync(v);
        arch_vcpu_reset(v, entry, &context, 1);
        vcpu_up(v);
        ret = PSCI_SUCCESS;
    }
    spin_unlock(&d->arch->vcpu_lock);
    return ret;
}

static int32_t vpsci_affinity_info(uint64_t target, uint64_t level)
{
    static const uint64_t level_mask[4] = {
        0xff00ffffffUL, 0xff00ffff00UL, 0xff00ff0000UL, 0xff00000000UL,
    };
    struct domain *d = current->domain;
    struct vcpu *v;

    if (level > 3 || (is_32bit_domain(d) && level > 2))
        return PSCI_INVALID_PARAMETERS;
    for_each_vcpu(d, v) {
        if (!v->arch)
            continue;
        if ((v->arch->vmpidr & level_mask[level]) == (target & level_mask[level]) &&
            !test_bit(VPF_DOWN, &v->pause_flags))
            return PSCI_AFFINITY_ON;
    }
    return PSCI_AFFINITY_OFF;
}

/* Wait for an interrupt, as WFI does (a power-down request taken as standby). */
static void vpsci_cpu_suspend(void)
{
    struct vcpu *v = current;

    vcpu_block();
    if (vgic_vcpu_pending_irq(v))
        vcpu_unblock(v);
}

static bool vpsci_supported(uint32_t fn, bool aarch32)
{
    switch (fn) {
    case PSCI_FN_VERSION:
    case PSCI_FN_CPU_SUSPEND:
    case PSCI_FN_CPU_OFF:
    case PSCI_FN_CPU_ON:
    case PSCI_FN_AFFINITY_INFO:
    case PSCI_FN_MIGRATE_INFO_TYPE:
    case PSCI_FN_SYSTEM_OFF:
    case PSCI_FN_SYSTEM_RESET:
    case PSCI_FN_FEATURES:
    case SMCCC_VERSION:
        return true;
    case PSCI_FN64(PSCI_FN_CPU_SUSPEND):
    case PSCI_FN64(PSCI_FN_CPU_ON):
    case PSCI_FN64(PSCI_FN_AFFINITY_INFO):
        return !aarch32;
    }
    return false;
}

/* ---- the dispatcher ----------------------------------------------------- */

void vsmccc_call(struct trap_frame *regs)
{
    bool aarch32 = trap_from_aarch32(regs);
    uint32_t fn = (uint32_t)regs->x[0];
    bool fn64 = fn & SMCCC_FN_64;
    uint64_t a1 = regs->x[1], a2 = regs->x[2], a3 = regs->x[3];
    struct vcpu *v = current;
    int64_t ret;

    if (!fn64) {
        a1 = (uint32_t)a1;
        a2 = (uint32_t)a2;
        a3 = (uint32_t)a3;
    }

    if (aarch32 && fn64) {
        ret = PSCI_NOT_SUPPORTED;
    } else {
        switch (fn) {
        case SMCCC_VERSION:
            ret = SMCCC_VERSION_1_1;
            break;
        case SMCCC_ARCH_FEATURES:
            /* No ARCH_WORKAROUND_1/2/3, nothing else either. */
            ret = PSCI_NOT_SUPPORTED;
            break;
        case PSCI_FN_VERSION:
            ret = PSCI_VERSION_1_1;
            break;
        case PSCI_FN_CPU_SUSPEND:
        case PSCI_FN64(PSCI_FN_CPU_SUSPEND):
            vpsci_cpu_suspend();
            ret = PSCI_SUCCESS;
            break;
        case PSCI_FN_CPU_OFF:
            vcpu_down(v);
            ret = PSCI_SUCCESS;       /* never seen: the vCPU is off */
            break;
        case PSCI_FN_CPU_ON:
        case PSCI_FN64(PSCI_FN_CPU_ON):
            ret = vpsci_cpu_on(a1, a2, a3);
            break;
        case PSCI_FN_AFFINITY_INFO:
        case PSCI_FN64(PSCI_FN_AFFINITY_INFO):
            ret = vpsci_affinity_info(a1, a2);
            break;
        case PSCI_FN_MIGRATE_INFO_TYPE:
            ret = PSCI_MIGRATE_NOT_REQUIRED;
            break;
        case PSCI_FN_SYSTEM_OFF:
            domain_shutdown(v->domain, SHUTDOWN_poweroff);
            ret = PSCI_SUCCESS;
            break;
        case PSCI_FN_SYSTEM_RESET:
            domain_shutdown(v->domain, SHUTDOWN_reboot);
            ret = PSCI_SUCCESS;
            break;
        case PSCI_FN_FEATURES:
            ret = vpsci_supported((uint32_t)a1, aarch32) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
            break;
        default:
            ret = PSCI_NOT_SUPPORTED;
            break;
        }
    }
    regs->x[0] = aarch32 ? (uint32_t)ret : (uint64_t)ret;
}
