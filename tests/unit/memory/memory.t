#!/bin/bash
# Host tests of xen/common/memory.c (memory_op) under AddressSanitizer and
# UBSan, with the real page allocator and hypercall stubs over the fake
# arch (see memory_test.c).  The handler is built against a hypercall
# table generated for Arm from the real definitions file, twice: with the
# heap/p2m hooks the test provides, and with memory.c's weak defaults.
# Then physmap_test.c: reservations, continuations, foreign mappings and
# acquire_resource with the real domain code (every page back on destroy).
set -eu
cd "${TOP:-$(dirname "$0")/../../..}"
BUILD=${BUILD:-$PWD/build}
OUT=$BUILD/tests/unit-memory
T=tests/unit/memory
PY=/usr/bin/python3

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
DEFS="-DCONFIG_ARM=1 -DCONFIG_ARM_64=1 -DCONFIG_GRANT_TABLE=1"
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN -pthread -DCONFIG_NR_CPUS=4 -D__XEN__ \
        $DEFS -Ixen/include -Itests/unit/fake_arch -Ixen/common -I$OUT"

rm -rf "$OUT"
mkdir -p "$OUT/generated"
if ! $PY xen/tools/gen-hypercalls.py -D CONFIG_ARM -D CONFIG_ARM_64 -D CONFIG_GRANT_TABLE \
        -o "$OUT/generated/hypercall-defs.h" xen/include/hypercall-defs.txt; then
    echo "FAIL: generating the hypercall table"
    exit 1
fi

objs=()
for src in tests/unit/fake_arch/fake_arch.c xen/common/page_alloc.c xen/common/boot_info.c \
           xen/common/memory.c xen/common/hypercall_stubs.c xen/xsm/xsm_core.c xen/xsm/dummy.c; do
    obj=$OUT/$(basename "$src" .c).o
    # The test supplies (or leaves to memory.c's weak default) the hook the
    # real allocator now defines.
    rename=""
    [ "$src" = xen/common/page_alloc.c ] && rename="-Dheap_max_page=page_alloc_heap_max_page"
    if ! gcc $CFLAGS $rename -c "$src" -o "$obj"; then
        echo "FAIL: compiling $src"
        exit 1
    fi
    objs+=("$obj")
done

failed=0
for variant in hooks weak; do
    extra=""
    [ $variant = hooks ] && extra="-DHAVE_HOOKS"
    if ! gcc $CFLAGS $extra $T/memory_test.c "${objs[@]}" -o "$OUT/memory_test_$variant"; then
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

# physmap_test.c: the page-moving ops against the real domain code, page
# allocator, scheduler, grant tables and XSM policy (fake p2m and arch).
# Preemption points in memory.c and grant_table.c ask the test.
P=$OUT/physmap
mkdir -p "$P"
pobjs=()
for src in tests/unit/fake_arch/fake_arch.c tests/unit/fake_arch/fake_domain.c \
           xen/common/page_alloc.c xen/common/xmalloc.c xen/common/boot_info.c \
           xen/common/softirq.c xen/common/timer.c xen/common/smp.c xen/common/domain.c \
           xen/common/sched/core.c xen/common/sched/credit.c xen/common/grant_table.c \
           xen/common/memory.c xen/xsm/xsm_core.c xen/xsm/dummy.c; do
    obj=$P/$(basename "$src" .c).o
    extra=""
    case $src in
        */fake_domain.c) extra="-Darch_domain_destroy=fake_arch_domain_destroy" ;;
        */grant_table.c|*/memory.c) extra="-Dsoftirq_pending=test_softirq_pending" ;;
    esac
    pobjs+=("$obj")
    echo "gcc $CFLAGS $extra -c $src -o $obj"
done > "$P/jobs"
if ! xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c '{}' < "$P/jobs"; then
    echo "FAIL: compiling the physmap test"
    exit 1
fi
if ! gcc $CFLAGS $T/physmap_test.c "${pobjs[@]}" -o "$P/physmap_test"; then
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
