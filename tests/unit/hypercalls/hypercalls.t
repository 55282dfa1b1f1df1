#!/bin/bash
# Host tests of the common hypercall handlers (xen/common/kernel.c,
# console_io.c, sched_op.c, vcpu_op.c, hvm_param.c, hypercall_stubs.c),
# dispatched through hypercall tables generated from the real definitions
# file, under AddressSanitizer and UBSan.  Three configurations:
#   arm        arm64 + arm32 columns, release policy
#   arm-debug  the same with CONFIG_DEBUG (any domain may write to the console)
#   x86        hvm64 + hvm32 columns (compat handlers)
# The handlers' surroundings are faked: tests/unit/fake_arch (CPUs, clock,
# machine memory) and fake_env.c here (guest memory, p2m, domains,
# scheduler calls); console.c, timer.c and softirq.c are the real ones.
set -eu
cd "${TOP:-$(dirname "$0")/../../..}"
BUILD=${BUILD:-$PWD/build}
OUT=$BUILD/tests/unit-hypercalls
T=tests/unit/hypercalls
PY=/usr/bin/python3
JOBS=$(nproc 2>/dev/null || echo 2)

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN -pthread -DCONFIG_NR_CPUS=4 -D__XEN__ \
        -Ixen/include -Itests/unit/fake_arch -I$T -Ixen/common"
HANDLERS="kernel cmdline console_io sched_op vcpu_op hvm_param hypercall_stubs"
OPTIONAL="GRANT_TABLE ARGO IOREQ_SERVER HYPFS"

rm -rf "$OUT"
mkdir -p "$OUT/common"

# compile SRC OBJ EXTRA-FLAGS...: one line per job for xargs.
jobs_file=$OUT/jobs
: > "$jobs_file"
job() { printf '%s\n' "$*" >> "$jobs_file"; }

# Configuration-independent objects, built once.
job "gcc $CFLAGS -c tests/unit/fake_arch/fake_arch.c -o $OUT/common/fake_arch.o"
job "gcc $CFLAGS -c $T/fake_env.c -o $OUT/common/fake_env.o"
for f in timer softirq smp; do
    job "gcc $CFLAGS -c xen/common/$f.c -o $OUT/common/$f.o"
done
# console.c's printk/panic give way to fake_arch's (which the test can count).
job "gcc $CFLAGS -Dprintk=real_printk -Dvprintk=real_vprintk -Dpanic=real_panic \
     -c xen/common/console.c -o $OUT/common/console.o"

configs="arm arm-debug x86"
for cfg in $configs; do
    case $cfg in
        arm)       syms="ARM ARM_64 $OPTIONAL" ;;
        arm-debug) syms="ARM ARM_64 DEBUG $OPTIONAL" ;;
        x86)       syms="X86 X86_64 HVM COMPAT $OPTIONAL" ;;
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
    for f in $HANDLERS; do
        job "gcc $CFLAGS $defs -I$dir -c xen/common/$f.c -o $dir/$f.o"
    done
    job "gcc $CFLAGS $defs -I$dir -c $T/hypercalls_test.c -o $dir/hypercalls_test.o"
done

if ! xargs -P "$JOBS" -I{} sh -c '{}' < "$jobs_file"; then
    echo "FAIL: compiling"
    exit 1
fi

failed=0
for cfg in $configs; do
    dir=$OUT/$cfg
    objs=""
    for f in $HANDLERS hypercalls_test; do objs="$objs $dir/$f.o"; done
    gcc $CFLAGS -o "$dir/hypercalls_test" $objs "$OUT"/common/*.o
    if "$dir/hypercalls_test"; then
        echo "ok   $cfg"
    else
        echo "FAIL $cfg"
        failed=1
    fi
done
exit $failed
