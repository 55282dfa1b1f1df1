#!/bin/bash
# Builds the libFuzzer targets of tests/fuzz/ and runs them (docs/fuzzing.md).
#
#   tests/fuzz/fuzz.sh [-t SECONDS] [-c CORPUS_DIR] [-a CRASH_DIR] [-j JOBS] [TARGET...]
#
# -t  seconds of fuzzing per target (default 60)
# -c  where each target's corpus grows, one directory per target
#     (default build/fuzz/corpus; kept between runs)
# -a  where crashing inputs are written (default build/fuzz/artifacts)
# -j  targets fuzzed at the same time (default 1)
#
# Seeds are generated into build/fuzz/seeds on every run and only read
# from there.  Targets: bootfdt dom0fdt mb2 acpi pvh kernel.  Exit 0 when no target
# crashed, 1 when one did (with the input and the command that replays
# it), 77 when clang cannot build libFuzzer targets.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

TIME=60 JOBS=1
CORPUS=$BUILD/fuzz/corpus ART=$BUILD/fuzz/artifacts
while getopts t:c:a:j: opt; do
    case $opt in
        t) TIME=$OPTARG ;;
        c) CORPUS=$OPTARG ;;
        a) ART=$OPTARG ;;
        j) JOBS=$OPTARG ;;
        *) sed -n '4,10p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

ALL="bootfdt dom0fdt mb2 acpi pvh kernel"
TARGETS=${*:-$ALL}
FZ=$BUILD/fuzz
BIN=$FZ/bin
# fuzz.t keeps its seeds and logs apart, so that it can run beside "make fuzz".
SEEDS=${FUZZ_SEEDS:-$FZ/seeds} LOGS=${FUZZ_LOGS:-$FZ/logs}
mkdir -p "$BIN" "$ART" "$LOGS"

# ---------------------------------------------------------------- toolchain
command -v clang >/dev/null || { echo "SKIP: no clang"; exit 77; }
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
    >"$LOGS/probe.c"
clang -fsanitize=fuzzer,address,undefined "$LOGS/probe.c" -o "$LOGS/probe" 2>"$LOGS/probe.log" ||
    { echo "SKIP: clang cannot build with -fsanitize=fuzzer (libclang-rt-dev?)"; exit 77; }
LIBFDT=/usr/lib/$(gcc -print-multiarch 2>/dev/null)/libfdt.so.1
HAVE_FDT=1
{ [ -f "$LIBFDT" ] && [ -f /usr/include/libfdt.h ] && command -v dtc >/dev/null; } || HAVE_FDT=0

# ---------------------------------------------------------------- targets
# The parsers as the hypervisor has them, with the include paths and the
# one-function shim the host tests of each use.
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -O1 -g -fsanitize=fuzzer,address,undefined
        -fno-sanitize-recover=all -include tests/fuzz/host-shim.h -Itests/fuzz"
ARM="-Ixen/include -Ixen/arch/arm/include"
X86="-Ixen/include -Ixen/arch/x86/include"
declare -A SRC=(
    [bootfdt]="$ARM xen/arch/arm/bootfdt.c xen/common/boot_info.c $LIBFDT"
    [dom0fdt]="$ARM xen/arch/arm/bootfdt.c xen/common/boot_info.c xen/arch/arm/dom0_fdt.c $LIBFDT"
    [mb2]="$X86 xen/arch/x86/multiboot2.c xen/common/boot_info.c"
    [acpi]="$X86 xen/arch/x86/acpi.c"
    [pvh]="-Ixen/arch/x86/include xen/arch/x86/pvh-elf.c"
    [kernel]="$ARM xen/arch/arm/kernel.c"
)
declare -A DICT=([bootfdt]=fdt [dom0fdt]=fdt [mb2]=mb2 [acpi]=acpi [pvh]=elf [kernel]=kernel)
declare -A MAXLEN=([bootfdt]=16384 [dom0fdt]=16384 [mb2]=8192 [acpi]=8192 [pvh]=65536 [kernel]=8192)

selected=""
for t in $TARGETS; do
    [ -n "${SRC[$t]+x}" ] || { echo "unknown target '$t' (targets: $ALL)"; exit 2; }
    case $t in bootfdt|dom0fdt)
        [ $HAVE_FDT = 1 ] || { echo "skipping $t: no host libfdt or dtc"; continue; } ;;
    esac
    selected="$selected $t"
done
[ -n "$selected" ] || { echo "SKIP: no target can be built"; exit 77; }

build() {   # target
    local t=$1 out=$BIN/$1 deps
    deps="tests/fuzz/fuzz_$t.c tests/fuzz/host.c tests/fuzz/fuzz.h tests/fuzz/host-shim.h"
    deps="$deps $(echo ${SRC[$t]} | tr ' ' '\n' | grep '\.c$')"
    # Rebuild when any source or header of the tree is newer than the binary.
    if [ -x "$out" ] && [ -z "$(find $deps xen/include xen/arch/*/include -newer "$out" -print -quit)" ]; then
        return 0
    fi
    # shellcheck disable=SC2086
    clang $CFLAGS tests/fuzz/host.c "tests/fuzz/fuzz_$t.c" ${SRC[$t]} -o "$out.tmp$$" \
        >"$LOGS/$t.build" 2>&1 && mv "$out.tmp$$" "$out" ||
        { echo "FAIL: cannot build $t:"; cat "$LOGS/$t.build"; return 1; }
}

pids=""
for t in $selected; do
    build "$t" & pids="$pids $!"
    if [ "$(jobs -r | wc -l)" -ge 2 ]; then wait -n; fi
done
for p in $pids; do wait "$p" || exit 1; done

# ---------------------------------------------------------------- seeds
rm -rf "$SEEDS"
mkdir -p "$SEEDS"
/usr/bin/python3 -B tests/fuzz/seeds.py "$SEEDS" || { echo "FAIL: seeds.py"; exit 1; }
# Guest test kernels, when tests/guest has built them.
for f in arm64/Image arm32/zImage; do
    [ -f "$BUILD/guest/$f" ] && head -c 4096 "$BUILD/guest/$f" >"$SEEDS/kernel/guest-${f%%/*}-head"
done
for f in x86_64/pvh.elf x86_32/pvh.elf; do
    [ -f "$BUILD/guest/$f" ] && cp "$BUILD/guest/$f" "$SEEDS/pvh/guest-${f%%/*}.elf"
done
if [ $HAVE_FDT = 1 ]; then
    mkdir -p "$SEEDS/dts" "$SEEDS/bootfdt"
    # The device trees the host tests use (their quoted here-documents), ours.
    for t in tests/boot/arm64-fdt-parse.t tests/unit/dom0/dom0.t; do
        awk -v dir="$SEEDS/dts" -v pre="$(basename "$t" .t)" '
            /^cat >"\$OUT\/[a-z0-9-]+\.dts" <<'\''EOS'\''$/ {
                name = $2; sub(/^>"\$OUT\//, "", name); sub(/\.dts"$/, "", name)
                out = dir "/" pre "-" name ".dts"; next }
            /^EOS$/ { out = ""; next }
            out != "" { print > out }' "$t"
    done
    cp tests/fuzz/trees/*.dts "$SEEDS/dts/" 2>/dev/null
    for d in "$SEEDS"/dts/*.dts; do
        dtc -q -I dts -O dtb -o "$SEEDS/bootfdt/$(basename "$d" .dts).dtb" "$d" ||
            echo "warning: dtc cannot compile $d"
    done
    # QEMU's own virt board tree, as the hypervisor boots on it.
    if command -v qemu-system-aarch64 >/dev/null; then
        timeout 20 qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3,dumpdtb="$SEEDS/bootfdt/qemu-virt.dtb" \
            -cpu cortex-a57 -smp 4 -m 1024 -nographic >/dev/null 2>&1 || rm -f "$SEEDS/bootfdt/qemu-virt.dtb"
    fi
    rm -rf "$SEEDS/dom0fdt"
    cp -r "$SEEDS/bootfdt" "$SEEDS/dom0fdt"
fi

# ---------------------------------------------------------------- fuzzing
# Each target's corpus grows in $CORPUS/<target>; the seeds are only read.
# A crash leaves its input in $ART and a non-zero exit status.
fuzz_one() {    # target
    local t=$1 log=$LOGS/$1.log rc
    mkdir -p "$CORPUS/$t"
    touch "$LOGS/$t.start"
    UBSAN_OPTIONS=print_stacktrace=1 \
        "$BIN/$t" -max_total_time="$TIME" -rss_limit_mb=1024 -timeout=10 \
        -max_len="${MAXLEN[$t]}" -dict="tests/fuzz/${DICT[$t]}.dict" \
        -artifact_prefix="$ART/$t-" -print_final_stats=1 \
        "$CORPUS/$t" "$SEEDS/$t" >"$log" 2>&1
    rc=$?
    echo $rc >"$LOGS/$t.rc"
}

running=0
for t in $selected; do
    fuzz_one "$t" &
    running=$((running + 1))
    if [ $running -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

# An input this run saved (crash-, leak-, timeout-, oom-...).
new_crash() {
    find "$ART" -maxdepth 1 -name "$1-*" -newer "$LOGS/$1.start" 2>/dev/null | head -n1
}

fail=0
printf '%-8s %10s %8s %6s %6s %7s  %s\n' target execs exec/s cov ft corpus result
for t in $selected; do
    log=$LOGS/$t.log rc=$(cat "$LOGS/$t.rc")
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    crash=$(new_crash "$t")
    if [ "$rc" = 0 ] && [ -z "$crash" ]; then
        res=ok
    else
        res="CRASH (exit $rc)"
        fail=1
    fi
    printf '%-8s %10s %8s %6s %6s %7s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" \
        "${ft:-?}" "${corp:-?}" "$res"
done
for t in $selected; do
    log=$LOGS/$t.log rc=$(cat "$LOGS/$t.rc")
    crash=$(new_crash "$t")
    [ "$rc" = 0 ] && [ -z "$crash" ] && continue
    echo
    echo "=== $t: exit $rc; log $log"
    grep -E 'ERROR: |runtime error|invariant violated|SUMMARY|^    #[0-9] ' "$log" | head -n 20
    if [ -n "$crash" ]; then
        echo "reproducer: $crash"
        echo "replay:     FUZZ_VERBOSE=1 $BIN/$t $crash"
        echo "minimize:   $BIN/$t -minimize_crash=1 -runs=20000 -exact_artifact_path=$crash.min $crash"
    fi
done
exit $fail
