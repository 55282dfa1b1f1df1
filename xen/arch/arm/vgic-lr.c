/*
 * The hardware side of the virtual GIC and timer: the GICv3 virtual CPU
 * interface registers (ICH_*_EL2: list registers, control, virtual
 * machine control, active priorities), the guest's ICC_SRE_EL1, and the
 * EL1 virtual timer registers.  Nothing else in the vGIC touches system
 * registers, so the logic in vgic.c/vtimer.c runs in host unit tests
 * against fakes of these functions.
 */
#include <xen/lib.h>
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <asm/time.h>
#include <asm/vgic-private.h>

_Static_assert(VGIC_MAINT_PPI == GIC_MAINTENANCE_PPI, "maintenance PPI");

uint64_t vgic_hw_read_vtr(void)
{
    return READ_SYSREG(ich_vtr_el2);
}

/* System register names are part of the instruction: one case per LR. */
#define LR_CASES(op)                                                    \
    op(0) op(1) op(2) op(3) op(4) op(5) op(6) op(7)                     \
    op(8) op(9) op(10) op(11) op(12) op(13) op(14) op(15)

uint64_t vgic_hw_read_lr(unsigned int n)
{
    switch (n) {
#define READ_LR(i) case i: return READ_SYSREG(ich_lr##i##_el2);
    LR_CASES(READ_LR)
#undef READ_LR
    }
    return 0;
}

void vgic_hw_write_lr(unsigned int n, uint64_t val)
{
    switch (n) {
#define WRITE_LR(i) case i: WRITE_SYSREG(val, ich_lr##i##_el2); break;
    LR_CASES(WRITE_LR)
#undef WRITE_LR
    }
}

uint64_t vgic_hw_read_hcr(void)
{
    return READ_SYSREG(ich_hcr_el2);
}

void vgic_hw_write_hcr(uint64_t val)
{
    WRITE_SYSREG(val, ich_hcr_el2);
}

uint64_t vgic_hw_read_vmcr(void)
{
    return READ_SYSREG(ich_vmcr_el2);
}

void vgic_hw_write_vmcr(uint64_t val)
{
    WRITE_SYSREG(val, ich_vmcr_el2);
}

uint64_t vgic_hw_read_apr(unsigned int group, unsigned int n)
{
    switch (group * 4 + n) {
    case 0: return READ_SYSREG(ich_ap0r0_el2);
    case 1: return READ_SYSREG(ich_ap0r1_el2);
    case 2: return READ_SYSREG(ich_ap0r2_el2);
    case 3: return READ_SYSREG(ich_ap0r3_el2);
    case 4: return READ_SYSREG(ich_ap1r0_el2);
    case 5: return READ_SYSREG(ich_ap1r1_el2);
    case 6: return READ_SYSREG(ich_ap1r2_el2);
    case 7: return READ_SYSREG(ich_ap1r3_el2);
    }
    return 0;
}

void vgic_hw_write_apr(unsigned int group, unsigned int n, uint64_t val)
{
    switch (group * 4 + n) {
    case 0: WRITE_SYSREG(val, ich_ap0r0_el2); break;
    case 1: WRITE_SYSREG(val, ich_ap0r1_el2); break;
    case 2: WRITE_SYSREG(val, ich_ap0r2_el2); break;
    case 3: WRITE_SYSREG(val, ich_ap0r3_el2); break;
    case 4: WRITE_SYSREG(val, ich_ap1r0_el2); break;
    case 5: WRITE_SYSREG(val, ich_ap1r1_el2); break;
    case 6: WRITE_SYSREG(val, ich_ap1r2_el2); break;
    case 7: WRITE_SYSREG(val, ich_ap1r3_el2); break;
    }
}

uint64_t vgic_hw_read_sre_el1(void)
{
    return READ_SYSREG(icc_sre_el1);
}

void vgic_hw_write_sre_el1(uint64_t val)
{
    WRITE_SYSREG(val, icc_sre_el1);
}

void vgic_hw_sync(void)
{
    isb();
}

void vgic_hw_enable_ppi(unsigned int intid)
{
    gic_set_enabled(intid, true);
}

uint64_t vtimer_hw_read_ctl(void)
{
    return READ_SYSREG(cntv_ctl_el0);
}

void vtimer_hw_write_ctl(uint64_t val)
{
    WRITE_SYSREG(val, cntv_ctl_el0);
}

uint64_t vtimer_hw_read_cval(void)
{
    return READ_SYSREG(cntv_cval_el0);
}

void vtimer_hw_write_cval(uint64_t val)
{
    WRITE_SYSREG(val, cntv_cval_el0);
}

uint64_t vtimer_hw_read_count(void)
{
    isb();
    return READ_SYSREG(cntvct_el0);
}

uint64_t vtimer_hw_counter_hz(void)
{
    return counter_hz;
}
