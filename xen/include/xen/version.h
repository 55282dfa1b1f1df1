/* Identity of this build: version strings and the linker's build id. */
#ifndef XEN_VERSION_H
#define XEN_VERSION_H

#include <xen/types.h>

const char *hv_version_string(void);      /* e.g. "0.1.0" */
const char *hv_abi_version_string(void);  /* the Xen ABI we speak: "4.17" */
const char *hv_compiler_string(void);

/*
 * The GNU build id (a SHA-1 the linker computes over the image).  Returns
 * false when the note is missing or malformed.
 */
bool hv_build_id(const uint8_t **id, unsigned int *len);

/*
 * Keep the hypervisor command line for XENVER_commandline (the boot_info
 * copy may be released with the boot modules).  The saved copy is always
 * HV_CMDLINE_SAVED bytes, zero padded (the size of xen_commandline_t).
 */
#define HV_CMDLINE_SAVED 1024
void hypercall_save_cmdline(const char *cmdline);
const char *hv_saved_cmdline(void);

#endif
