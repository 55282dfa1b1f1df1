#!/bin/bash
# Host tests of xen/common/memory.c (memory_op) under AddressSanitizer and
# UBSan, against a hypercall table generated for Arm from the real
# definitions file.
#
# memory_test.c: the real page allocator, hypercall stubs and XSM policy
# over the fake arch, fake domains and p2m; built twice, with the heap/p2m
# hooks the test provides and with memory.c's weak defaults.
# physmap_test.c: reservations, continuations, foreign mappings and
# acquire_resource with the real domain code, scheduler, grant tables and
# XSM policy (every page back on destroy).  Preemption points in memory.c
# and grant_table.c ask the test there.
set -eu
cd "${TOP:-$(dirname "$0")/../../..}"
BUILD=${BUILD:-$PWD/build}
OUT=$BUILD/tests/unit-memory
P=$OUT/physmap
T=tests/unit/memory
PY="/usr/bin/python3 -B"
JOBS=$(nproc 2>/dev/null || echo 2)

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
DEFS="-DCONFIG_ARM=1 -DCONFIG_ARM_64=1 -DCONFIG_GRANT_TABLE=1"
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN -pthread -DCONFIG_NR_CPUS=4 -D__XEN__ \
        $DEFS -Ixen/include -Itests/unit/fake_arch -Ixen/common -I$OUT"

rm -rf "$OUT"
mkdir -p "$OUT/generated" "$P"
if ! $PY xen/tools/gen-hypercalls.py -D CONFIG_ARM -D CONFIG_ARM_64 -D CONFIG_GRANT_TABLE \
        -o "$OUT/generated/hypercall-defs.h" xen/include/hypercall-defs.txt; then
    echo "FAIL: generating the hypercall table"
    exit 1
fi

jobs_file=$OUT/jobs
: > "$jobs_file"

# memory_test.c's objects.  The test supplies (or leaves to memory.c's weak
# default) the hook the real allocator defines, hence the rename.
objs=()
for src in tests/unit/fake_arch/fake_arch.c xen/common/page_alloc.c xen/common/boot_info.c \
           xen/common/memory.c xen/common/hypercall_stubs.c xen/xsm/xsm_core.c xen/xsm/dummy.c; do
    obj=$OUT/$(basename "$src" .c).o
    extra=""
    [ "$src" = xen/common/page_alloc.c ] && extra="-Dheap_max_page=page_alloc_heap_max_page"
    echo "gcc $CFLAGS $extra -c $src -o $obj" >> "$jobs_file"
    objs+=("$obj")
done

# physmap_test.c's objects.
pobjs=()
for src in tests/unit/fake_arch/fake_arch.c tests/unit/fake_arch/fake_domain.c \
           tests/unit/fake_arch/fake_evtchn.c xen/common/page_alloc.c xen/common/xmalloc.c xen/common/boot_info.c \
           xen/common/softirq.c xen/common/timer.c xen/common/smp.c xen/common/domain.c \
           xen/common/sched/core.c xen/common/sched/credit.c xen/common/grant_table.c \
           xen/common/memory.c xen/xsm/xsm_core.c xen/xsm/dummy.c; do
    obj=$P/$(basename "$src" .c).o
    extra=""
    case $src in
        */fake_domain.c) extra="-Darch_domain_destroy=fake_arch_domain_destroy" ;;
        */grant_table.c|*/memory.c) extra="-Dsoftirq_pending=test_softirq_pending" ;;
    esac
    echo "gcc $CFLAGS $extra -c $src -o $obj" >> "$jobs_file"
    pobjs+=("$obj")
done
echo "gcc $CFLAGS -DHAVE_HOOKS -c $T/memory_test.c -o $OUT/memory_test_hooks.o" >> "$jobs_file"
echo "gcc $CFLAGS -c $T/memory_test.c -o $OUT/memory_test_weak.o" >> "$jobs_file"
echo "gcc $CFLAGS -c $T/physmap_test.c -o $P/physmap_test.o" >> "$jobs_file"

if ! xargs -P "$JOBS" -I{} sh -c '{}' < "$jobs_file"; then
    echo "FAIL: compiling"
    exit 1
fi

failed=0
for variant in hooks weak; do
    if ! gcc $CFLAGS "$OUT/memory_test_$variant.o" "${objs[@]}" -o "$OUT/memory_test_$variant"; then
        echo "FAIL: building the $variant test"
        exit 1
    fi
    if "$OUT/memory_test_$variant"; then
        echo "ok   $variant"
    else
        echo "FAIL $variant"
        failed=1
    fi
done

if ! gcc $CFLAGS "$P/physmap_test.o" "${pobjs[@]}" -o "$P/physmap_test"; then
    echo "FAIL: building the physmap test"
    exit 1
fi
if "$P/physmap_test"; then
    echo "ok   physmap"
else
    echo "FAIL physmap"
    failed=1
fi
exit $failed
