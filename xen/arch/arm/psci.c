/*
 * PSCI calls from the hypervisor: SYSTEM_OFF so that a halt powers the
 * machine off (and QEMU exits with status 0), SYSTEM_RESET when domain 0
 * asks for anything but a power-off, CPU_ON to start secondary CPUs.
 *
 * The device tree's /psci "method" says whether firmware listens on SMC
 * (EL3 firmware, or QEMU's emulation when it gives us EL2) or HVC (a
 * hypervisor below us, which cannot be: at EL2 an HVC traps to ourselves).
 */
#include <asm/psci.h>

static enum psci_conduit psci_conduit;

void psci_init(enum psci_conduit conduit, unsigned int el)
{
    if (conduit == PSCI_CONDUIT_HVC && el >= 2)
        conduit = PSCI_CONDUIT_NONE;
    psci_conduit = conduit;
}

const char *psci_conduit_name(void)
{
    switch (psci_conduit) {
    case PSCI_CONDUIT_SMC: return "smc";
    case PSCI_CONDUIT_HVC: return "hvc";
    case PSCI_CONDUIT_NONE: break;
    }
    return "none";
}

/* SMC Calling Convention: id in w0, arguments x1-x3, result in x0,
 * x1-x17 not preserved. */
static int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 asm ("x0") = fn;
    register uint64_t x1 asm ("x1") = a1;
    register uint64_t x2 asm ("x2") = a2;
    register uint64_t x3 asm ("x3") = a3;

    switch (psci_conduit) {
    case PSCI_CONDUIT_SMC:
        asm volatile ("smc #0"
                      : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3)
                      :
                      : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                        "x12", "x13", "x14", "x15", "x16", "x17", "memory");
        break;
    case PSCI_CONDUIT_HVC:
        asm volatile ("hvc #0"
                      : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3)
                      :
                      : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                        "x12", "x13", "x14", "x15", "x16", "x17", "memory");
        break;
    case PSCI_CONDUIT_NONE:
        return PSCI_NOT_SUPPORTED;
    }
    return (int64_t)x0;
}

bool psci_version(unsigned int *major, unsigned int *minor)
{
    int64_t v;

    if (psci_conduit == PSCI_CONDUIT_NONE)
        return false;
    v = psci_call(PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
    if (v < 0)
        return false;
    *major = (unsigned int)(v >> 16) & 0xffff;
    *minor = (unsigned int)v & 0xffff;
    return true;
}

void psci_system_off(void)
{
    if (psci_conduit != PSCI_CONDUIT_NONE)
        psci_call(PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);
}

void psci_system_reset(void)
{
    if (psci_conduit != PSCI_CONDUIT_NONE)
        psci_call(PSCI_0_2_FN_SYSTEM_RESET, 0, 0, 0);
}

int psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context)
{
    /* Results are 32-bit signed values, sign-extended or not. */
    return (int)(int32_t)psci_call(PSCI_0_2_FN64_CPU_ON, mpidr, entry, context);
}

const char *psci_error_name(int err)
{
    switch (err) {
    case PSCI_SUCCESS:            return "success";
    case PSCI_NOT_SUPPORTED:      return "not supported";
    case PSCI_INVALID_PARAMETERS: return "invalid parameters";
    case PSCI_DENIED:             return "denied";
    case PSCI_ALREADY_ON:         return "already on";
    case PSCI_ON_PENDING:         return "on pending";
    case PSCI_INTERNAL_FAILURE:   return "internal failure";
    case PSCI_NOT_PRESENT:        return "not present";
    case PSCI_DISABLED:           return "disabled";
    case PSCI_INVALID_ADDRESS:    return "invalid address";
    }
    return "unknown error";
}
