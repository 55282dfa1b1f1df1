#!/bin/bash
# Host unit tests of event channels (xen/common/event_channel.c,
# event_2l.c, event_fifo.c) together with the real domain, scheduler,
# timer, softirq and console code and the sched_op/vcpu_op handlers, over
# the fake arch (eight fake CPUs), under AddressSanitizer and UBSan.  The
# hypercall prototypes come from a table generated for the x86 HVM
# columns (so VCPUOP_set_singleshot_timer is there).  See evtchn_test.c.
set -eu
cd "${TOP:-$(dirname "$0")/../../..}"
BUILD=${BUILD:-$PWD/build}
OUT=$BUILD/tests/unit-evtchn
T=tests/unit/evtchn
PY=/usr/bin/python3
JOBS=$(nproc 2>/dev/null || echo 2)

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
DEFS="-DCONFIG_X86=1 -DCONFIG_X86_64=1 -DCONFIG_HVM=1 -DCONFIG_COMPAT=1"
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN -pthread -DCONFIG_NR_CPUS=8 -D__XEN__ \
        $DEFS -Ixen/include -Itests/unit/fake_arch -Ixen/common -I$OUT"

rm -rf "$OUT"
mkdir -p "$OUT/generated" "$OUT/obj"
if ! $PY -B xen/tools/gen-hypercalls.py -D CONFIG_X86 -D CONFIG_X86_64 -D CONFIG_HVM \
        -D CONFIG_COMPAT -o "$OUT/generated/hypercall-defs.h" xen/include/hypercall-defs.txt; then
    echo "FAIL: generating the hypercall table"
    exit 1
fi

SRCS="tests/unit/fake_arch/fake_arch.c tests/unit/fake_arch/fake_domain.c
      xen/common/event_channel.c xen/common/event_2l.c xen/common/event_fifo.c
      xen/common/domain.c xen/common/sched/core.c xen/common/sched/credit.c
      xen/common/page_alloc.c xen/common/xmalloc.c xen/common/boot_info.c
      xen/common/softirq.c xen/common/timer.c xen/common/smp.c
      xen/common/sched_op.c xen/common/vcpu_op.c $T/evtchn_test.c"

jobs_file=$OUT/jobs
: > "$jobs_file"
for src in $SRCS; do
    echo "gcc $CFLAGS -c $src -o $OUT/obj/$(basename "$src" .c).o" >> "$jobs_file"
done
# console.c's printk/panic give way to fake_arch's.
echo "gcc $CFLAGS -Dprintk=real_printk -Dvprintk=real_vprintk -Dpanic=real_panic \
      -c xen/common/console.c -o $OUT/obj/console.o" >> "$jobs_file"
if ! xargs -P "$JOBS" -I{} sh -c '{}' < "$jobs_file"; then
    echo "FAIL: compiling"
    exit 1
fi
gcc $CFLAGS -o "$OUT/evtchn_test" "$OUT"/obj/*.o
"$OUT/evtchn_test"
