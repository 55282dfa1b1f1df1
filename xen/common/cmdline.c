/*
 * The hypervisor command line, kept for XENVER_commandline: the loader's
 * copy may sit in memory that is handed back to the heap after boot.
 */
#include <xen/lib.h>
#include <xen/version.h>

static char saved_cmdline[HV_CMDLINE_SAVED];

void hypercall_save_cmdline(const char *cmdline)
{
    size_t n = cmdline ? strnlen(cmdline, sizeof(saved_cmdline) - 1) : 0;

    memset(saved_cmdline, 0, sizeof(saved_cmdline));
    memcpy(saved_cmdline, cmdline ? cmdline : "", n);
}

const char *hv_saved_cmdline(void)
{
    return saved_cmdline;
}
