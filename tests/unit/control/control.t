#!/bin/bash
# Host tests of the control hypercalls (xen/common/domctl.c, sysctl.c,
# multicall.c) and the default XSM policy (xen/xsm/), under AddressSanitizer
# and UBSan.  The real domain, scheduler, page allocator and console code
# run over the fake arch (tests/unit/fake_arch); the arch half of the
# control interface and event channels are faked in control_test.c.  The
# handlers are compiled against a hypercall table generated for Arm.
set -eu
cd "${TOP:-$(dirname "$0")/../../..}"
BUILD=${BUILD:-$PWD/build}
OUT=$BUILD/tests/unit-control
T=tests/unit/control
PY=/usr/bin/python3
JOBS=$(nproc 2>/dev/null || echo 2)

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
DEFS="-DCONFIG_ARM=1 -DCONFIG_ARM_64=1"
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN -pthread -DCONFIG_NR_CPUS=4 -D__XEN__ \
        -DCONFIG_SCHED_CREDIT_TSLICE_MS=30 $DEFS -Ixen/include -Itests/unit/fake_arch -Ixen/common -I$OUT"

rm -rf "$OUT"
mkdir -p "$OUT/generated" "$OUT/obj"
if ! $PY xen/tools/gen-hypercalls.py -D CONFIG_ARM -D CONFIG_ARM_64 \
        -o "$OUT/generated/hypercall-defs.h" xen/include/hypercall-defs.txt; then
    echo "FAIL: generating the hypercall table"
    exit 1
fi

SRCS="tests/unit/fake_arch/fake_arch.c tests/unit/fake_arch/fake_domain.c
      xen/common/page_alloc.c xen/common/xmalloc.c xen/common/boot_info.c
      xen/common/softirq.c xen/common/timer.c xen/common/smp.c
      xen/common/domain.c xen/common/sched/core.c xen/common/sched/credit.c
      xen/common/domctl.c xen/common/sysctl.c xen/common/multicall.c
      xen/xsm/xsm_core.c xen/xsm/dummy.c $T/control_test.c"

jobs_file=$OUT/jobs
: > "$jobs_file"
for src in $SRCS; do
    echo "gcc $CFLAGS -c $src -o $OUT/obj/$(basename "$src" .c).o" >> "$jobs_file"
done
# console.c's printk/panic give way to fake_arch's (which the test can count).
echo "gcc $CFLAGS -Dprintk=real_printk -Dvprintk=real_vprintk -Dpanic=real_panic \
      -c xen/common/console.c -o $OUT/obj/console.o" >> "$jobs_file"
if ! xargs -P "$JOBS" -I{} sh -c '{}' < "$jobs_file"; then
    echo "FAIL: compiling"
    exit 1
fi
gcc $CFLAGS -o "$OUT/control_test" "$OUT"/obj/*.o
"$OUT/control_test"
