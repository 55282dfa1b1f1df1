#!/bin/bash
# Host unit tests for domains, vCPUs and the credit scheduler
# (xen/common/domain.c, xen/common/sched/), over the fake arch with its
# domain hooks, under AddressSanitizer and UBSan.
set -eu
cd "${TOP:-$(dirname "$0")/../../..}"
BUILD=${BUILD:-$PWD/build}
. tests/unit/fake_arch/build.sh
# The public headers behind xen/sched.h are the hypervisor's view.
FAKE_CFLAGS="$FAKE_CFLAGS -D__XEN__"
out=$BUILD/tests/unit-sched
fake_arch_build "$out" tests/unit/sched/sched_test.c sched_test \
    tests/unit/fake_arch/fake_domain.c tests/unit/fake_arch/fake_evtchn.c \
    xen/common/page_alloc.c xen/common/xmalloc.c xen/common/boot_info.c \
    xen/common/softirq.c xen/common/timer.c xen/common/smp.c \
    xen/common/domain.c xen/common/sched/core.c xen/common/sched/credit.c
"$out/sched_test"
