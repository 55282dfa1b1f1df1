/*
 * Forwarder to Debian's libfdt header.  /usr/include is not on our include
 * path (it holds libc); the real header's own "fdt.h" and "libfdt_env.h"
 * are found next to it, and libfdt_env.h's <string.h>, <stdlib.h> and
 * <limits.h> resolve to xen/include/libc/.
 */
#include "/usr/include/libfdt.h"
