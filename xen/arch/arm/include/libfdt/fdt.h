/* Forwarder to Debian's libfdt header (see libfdt.h here). */
#include "/usr/include/fdt.h"
