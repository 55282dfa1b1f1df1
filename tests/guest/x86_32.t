#!/bin/bash
# Guest conformance suite, x86_32 PVH kernel (32-bit protected mode) as dom0
# on real Xen 4.17 and on ours side by side.  The logic is in run-suite.sh;
# see docs/conformance.md.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
exec "$TOP/tests/guest/run-suite.sh" x86_32
