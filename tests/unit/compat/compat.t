#!/bin/bash
# Host tests of the compat translation for 32-bit x86 guests
# (xen/common/compat/memory.c, grant_table.c) under AddressSanitizer and
# UBSan, against fake native handlers and a fake guest (compat_test.c).
# The compat headers and the hypercall table are generated for x86 from
# the real sources.
set -eu
cd "${TOP:-$(dirname "$0")/../../..}"
BUILD=${BUILD:-$PWD/build}
OUT=$BUILD/tests/unit-compat
T=tests/unit/compat
PY=/usr/bin/python3

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
DEFS="-DCONFIG_X86=1 -DCONFIG_HVM=1 -DCONFIG_COMPAT=1 -DCONFIG_GRANT_TABLE=1"
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN -pthread -DCONFIG_NR_CPUS=4 -D__XEN__ \
        $DEFS -Ixen/include -Itests/unit/fake_arch -Ixen/common -I$OUT -I$OUT/include"

rm -rf "$OUT"
mkdir -p "$OUT/generated" "$OUT/include"
if ! $PY -B xen/tools/gen-hypercalls.py -D CONFIG_X86 -D CONFIG_HVM -D CONFIG_COMPAT \
        -D CONFIG_GRANT_TABLE -o "$OUT/generated/hypercall-defs.h" \
        xen/include/hypercall-defs.txt; then
    echo "FAIL: generating the hypercall table"
    exit 1
fi
if ! $PY -B xen/tools/gen-compat.py --cc gcc --include xen/include \
        --list xen/include/compat-xlat.lst --out "$OUT/include" \
        --manifest "$OUT/manifest.json" xen.h memory.h grant_table.h sched.h vcpu.h \
        event_channel.h version.h physdev.h platform.h hvm/hvm_op.h xsm/flask_op.h \
        > "$OUT/gen-compat.log" 2>&1; then
    cat "$OUT/gen-compat.log"
    echo "FAIL: generating the compat headers"
    exit 1
fi

objs=()
for src in tests/unit/fake_arch/fake_arch.c xen/common/compat/memory.c \
           xen/common/compat/grant_table.c; do
    obj=$OUT/$(basename "$(dirname "$src")")-$(basename "$src" .c).o
    if ! gcc $CFLAGS -c "$src" -o "$obj"; then
        echo "FAIL: compiling $src"
        exit 1
    fi
    objs+=("$obj")
done
if ! gcc $CFLAGS $T/compat_test.c "${objs[@]}" -o "$OUT/compat_test"; then
    echo "FAIL: building the test"
    exit 1
fi
if "$OUT/compat_test"; then
    echo "1 passed, 0 failed"
else
    echo "0 passed, 1 failed"
    exit 1
fi
