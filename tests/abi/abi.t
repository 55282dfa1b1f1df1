#!/usr/bin/python3 -B
"""The public headers match the Xen 4.17 ABI on x86_64, x86_32, arm32 and
arm64: every size, member offset/size, typedef size and constant in
tests/abi/*.layout is checked with _Static_assert, in the toolstack
(__XEN_TOOLS__) and hypervisor (__XEN__) configurations.

ABI_INCLUDE=<dir> checks another directory holding public/ instead of
xen/include (e.g. a Xen checkout's xen/include, to validate the tables).
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import layoutlib as L  # noqa: E402

os.chdir(L.TOP)
alt = os.environ.get("ABI_INCLUDE")
include = os.path.abspath(alt or os.path.join(L.TOP, "xen", "include"))
if not os.path.isfile(os.path.join(include, "public", "xen.h")):
    if alt:
        print("FAIL: ABI_INCLUDE=%s has no public/xen.h" % alt)
        sys.exit(1)
    print("SKIP: public headers not present yet (no xen/include/public/xen.h)")
    sys.exit(77)

# The tables themselves must keep the facts the issue pins down, so that a
# regeneration against the wrong headers cannot slip through.
PINNED = [
    ("struct", "xen_mem_acquire_resource", [32, 28, 32, 32]),
    ("struct", "xen_flask_op", [40, 40, 40, 40]),
    ("struct", "xen_domctl", None),
    ("struct", "xen_domctl_createdomain", None),
    ("struct", "xen_domctl_getdomaininfo", None),
    ("struct", "xen_sysctl_physinfo", None),
    ("struct", "shared_info", None),
    ("struct", "vcpu_info", None),
    ("struct", "multicall_entry", None),
    ("struct", "mmuext_op", None),
    ("struct", "mmu_update", None),
    ("struct", "evtchn_init_control", None),
    ("struct", "evtchn_expand_array", None),
    ("const", "XEN_DOMCTL_INTERFACE_VERSION", [0x15] * 4),
    ("const", "XEN_SYSCTL_INTERFACE_VERSION", [0x15] * 4),
    ("const", "__XEN_LATEST_INTERFACE_VERSION__", [0x00040e00] * 4),
]
layout = L.Layout()
try:
    for p in L.layout_files():
        L.parse_layout(p, layout)
except (L.LayoutError, OSError) as e:
    print("FAIL: bad layout table: %s" % e)
    sys.exit(1)
have = {(("struct" if it.kind == "union" else it.kind), it.name): it for it in layout.items}
for kind, name, vals in PINNED:
    it = have.get((kind, name))
    if it is None:
        print("FAIL: the layout tables lack %s %s" % (kind, name))
        sys.exit(1)
    if vals is not None and it.values != vals:
        print("FAIL: %s: %s %s is %s in the table, the Xen ABI says %s"
              % (it.where, kind, name, it.values, vals))
        sys.exit(1)

r = subprocess.run(["/usr/bin/python3", "-B", os.path.join(HERE, "gen-asserts.py"),
                    "--include", include])
sys.exit(r.returncode)
