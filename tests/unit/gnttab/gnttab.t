#!/bin/bash
# Host tests of the grant tables (xen/common/grant_table.c) under
# AddressSanitizer and UBSan, with the real domain code, page allocator,
# xmalloc and scheduler over tests/unit/fake_arch, and the fakes in
# gnttab_test.c (guest memory, a p2m, continuations, event channels).
# Built twice: for Arm (grant tables up to version 1, as Xen 4.17 there)
# and for x86 (version 2: status frames, sub-page and transitive grants).
set -eu
cd "${TOP:-$(dirname "$0")/../../..}"
BUILD=${BUILD:-$PWD/build}
OUT=$BUILD/tests/unit-gnttab
T=tests/unit/gnttab
PY="/usr/bin/python3 -B"
JOBS=$(nproc 2>/dev/null || echo 2)

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN -pthread -DCONFIG_NR_CPUS=4 -D__XEN__ \
        -Ixen/include -Itests/unit/fake_arch -Ixen/common"

rm -rf "$OUT"
mkdir -p "$OUT/common"
jobs_file=$OUT/jobs
: > "$jobs_file"
job() { printf '%s\n' "$*" >> "$jobs_file"; }

# Configuration-independent objects.  The test wraps the fake arch's
# arch_domain_destroy() to drop the domain's fake p2m with it.
job "gcc $CFLAGS -c tests/unit/fake_arch/fake_arch.c -o $OUT/common/fake_arch.o"
job "gcc $CFLAGS -c tests/unit/fake_arch/fake_evtchn.c -o $OUT/common/fake_evtchn.o"
job "gcc $CFLAGS -Darch_domain_destroy=fake_arch_domain_destroy \
     -c tests/unit/fake_arch/fake_domain.c -o $OUT/common/fake_domain.o"
for f in page_alloc xmalloc boot_info softirq timer smp domain sched/core sched/credit; do
    job "gcc $CFLAGS -c xen/common/$f.c -o $OUT/common/$(basename $f).o"
done

for cfg in arm x86; do
    case $cfg in
        arm) syms="ARM ARM_64 GRANT_TABLE" ;;
        x86) syms="X86 X86_64 HVM GRANT_TABLE" ;;
    esac
    dir=$OUT/$cfg
    mkdir -p "$dir/generated"
    gen_args=() defs=""
    for s in $syms; do
        gen_args+=(-D "CONFIG_$s")
        defs="$defs -DCONFIG_$s=1"
    done
    if ! $PY xen/tools/gen-hypercalls.py "${gen_args[@]}" -o "$dir/generated/hypercall-defs.h" \
            xen/include/hypercall-defs.txt; then
        echo "FAIL: generating the $cfg hypercall table"
        exit 1
    fi
    # Preemption points ask the test, not the real softirq state.
    job "gcc $CFLAGS $defs -I$dir -Dsoftirq_pending=test_softirq_pending \
         -c xen/common/grant_table.c -o $dir/grant_table.o"
    job "gcc $CFLAGS $defs -I$dir -c $T/gnttab_test.c -o $dir/gnttab_test.o"
done

if ! xargs -P "$JOBS" -I{} sh -c '{}' < "$jobs_file"; then
    echo "FAIL: compiling"
    exit 1
fi

failed=0
for cfg in arm x86; do
    dir=$OUT/$cfg
    if ! gcc $CFLAGS -o "$dir/gnttab_test" "$dir/grant_table.o" "$dir/gnttab_test.o" \
            "$OUT"/common/*.o; then
        echo "FAIL: linking the $cfg test"
        exit 1
    fi
    if "$dir/gnttab_test"; then
        echo "ok   $cfg"
    else
        echo "FAIL $cfg"
        failed=1
    fi
done
exit $failed
