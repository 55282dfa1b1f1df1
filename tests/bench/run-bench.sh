#!/bin/bash
# Benchmark runner: boots the benchmark guest (tests/bench/bench.c, built
# with the guest test framework) as dom0 on real Xen 4.17 and on ours, on
# the same QEMU command line with -icount shift=0,sleep=off, and prints
# per benchmark the counter ticks and instructions per operation on each
# and the ratio ours/xen.  See docs/benchmarks.md.
#
#   tests/bench/run-bench.sh [arm64|x86_64]
#
# arm64: both hypervisors straight from QEMU (-kernel, the guest through
# guest-loader).  x86_64: a GRUB rescue ISO per hypervisor (multiboot2 =
# the hypervisor, module2 = the PVH guest and its command line), dom0=pvh;
# QEMU is stopped once the guest has printed its SUMMARY line.
#
# Environment:
#   BENCH_RUNS=2        boots per hypervisor; every run must give the same
#                       figures (icount makes them deterministic)
#   BENCH_HV="xen ours" which columns to run
#   BENCH_DIV           divide every loop count (arm64: 1, x86_64: 10, as
#                       real Xen's x86 exits are slow in wall time; the
#                       smoke test: 100)
#   BENCH_TIMEOUT=300   seconds per boot
#   BENCH_OURS_IMAGE    another image for the "ours" column
#
# Exit 0 = every boot gave every benchmark and the runs agree, 77 = nothing
# could run (no QEMU, no image), 1 = otherwise.
set -u

ARCH=${1:-arm64}
case $ARCH in
    arm64) IMAGE_NAME=Image; DEBARCH=arm64; QEMU=qemu-system-aarch64; DEF_DIV=1
           EXTRA_SRCS=../bench/bench-arm64.S ;;
    x86_64) IMAGE_NAME=pvh.elf; DEBARCH=amd64; QEMU=qemu-system-x86_64; DEF_DIV=10
           EXTRA_SRCS=../bench/bench-x86_64.S ;;
    *) echo "usage: $0 [arm64|x86_64]"; exit 1 ;;
esac

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1
RUNS=${BENCH_RUNS:-2}
HVS=${BENCH_HV:-xen ours}
DIV=${BENCH_DIV:-$DEF_DIV}
LIMIT=${BENCH_TIMEOUT:-300}
if [ "$ARCH" = arm64 ]; then
    OURS_BIN=${BENCH_OURS_IMAGE:-$BUILD/arm64/xen.bin}
else
    OURS_BIN=${BENCH_OURS_IMAGE:-$BUILD/x86_64/xen}
fi
OUT=$BUILD/bench/$ARCH
GUEST_O=$BUILD/bench/guest

command -v $QEMU >/dev/null || { echo "SKIP: $QEMU not installed"; exit 77; }
if [ "$ARCH" = x86_64 ]; then
    for tool in grub-mkrescue xorriso; do
        command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
    done
fi

mkdir -p "$OUT" || exit 1
find "$OUT" -maxdepth 1 -name 'run.*' -type d -mmin +30 -exec rm -rf {} + 2>/dev/null
RUN=$OUT/run.$$
rm -rf "$RUN"
mkdir -p "$RUN" || exit 1
ln -sfn "run.$$" "$OUT/latest"

# The guest: the framework's library and entry code with bench.c instead of
# tests/guest/cases (COMMON_SRCS on the command line replaces the list).
SRCS="lib/main.c lib/printf.c lib/console.c lib/string.c lib/fdt.c ../bench/bench.c $EXTRA_SRCS"
mkdir -p "$GUEST_O"
if ! flock -w 300 "$GUEST_O/.$ARCH.lock" \
        make -s -C tests/guest O="$GUEST_O" ARCHES="$ARCH" COMMON_SRCS="$SRCS" >"$RUN/build.txt" 2>&1 ||
   ! cp "$GUEST_O/$ARCH/$IMAGE_NAME" "$RUN/$IMAGE_NAME" 2>>"$RUN/build.txt"; then
    [ "$ARCH" = x86_64 ] || command -v aarch64-linux-gnu-gcc >/dev/null ||
        { echo "SKIP: no cross compiler"; exit 77; }
    echo "FAIL: benchmark guest build failed:"; tail -n 20 "$RUN/build.txt"; exit 1
fi
GUEST=$RUN/$IMAGE_NAME

declare -A IMG
for hv in $HVS; do
    case $hv in
        xen)
            IMG[xen]=$(tests/guest/fetch-xen.sh "$BUILD/cache" $DEBARCH 2>"$RUN/fetch.txt")
            if [ -z "${IMG[xen]}" ] || [ ! -s "${IMG[xen]}" ]; then
                echo "xen: SKIP (real Xen unavailable: $(tail -n 1 "$RUN/fetch.txt"))"
                IMG[xen]=""
            fi ;;
        ours)
            if [ -s "$OURS_BIN" ] && cp "$OURS_BIN" "$RUN/ours.bin"; then
                IMG[ours]=$RUN/ours.bin
            else
                echo "ours: SKIP (no $OURS_BIN: run 'make ARCH=$ARCH' first)"
                IMG[ours]=""
            fi ;;
        *) echo "unknown hypervisor '$hv' in BENCH_HV"; exit 1 ;;
    esac
done

QEMU_VERSION=$($QEMU --version | head -n 1)
ARM_ARGS="console=dtuart dtuart=/pl011@9000000 dom0_mem=256M"
X86_ARGS="console=com1 com1=115200,8n1 dom0=pvh dom0_mem=256M"

# x86: a GRUB rescue ISO with the hypervisor and the guest.
make_iso() {
    local iso=$1 image=$2 args=$3 dir=$RUN/iso.tmp
    rm -rf "$dir"
    mkdir -p "$dir/boot/grub" || return 1
    cp "$image" "$dir/boot/xen" && cp "$GUEST" "$dir/boot/bench.elf" || return 1
    printf '%s\n' "serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1" \
        "terminal_input serial" "terminal_output serial" "set timeout=0" "set default=0" \
        "menuentry \"benchmarks\" {" "	multiboot2 /boot/xen $X86_ARGS" \
        "	module2 /boot/bench.elf $args" "}" >"$dir/boot/grub/grub.cfg"
    grub-mkrescue --locales= --themes= -o "$iso" "$dir" >"$iso.log" 2>&1 || { cat "$iso.log"; return 1; }
    rm -rf "$dir" "$iso.log"
}

# One CPU: under icount all CPUs' instructions advance the one virtual
# clock, so a second (idle or not) CPU would only add noise.
boot() {
    local hv=$1 n=$2 log=$RUN/$1-$2.log raw=$RUN/$1-$2.raw pid t0=$SECONDS
    local args="gt.hv=$hv bench.div=$DIV"
    if [ "$ARCH" = arm64 ]; then
        timeout --kill-after=5 "$LIMIT" \
            qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 \
                -cpu cortex-a57 -smp 1 -m 1024 -nographic -no-reboot -nic none \
                -icount shift=0,sleep=off \
                -kernel "${IMG[$hv]}" -append "$ARM_ARGS" \
                -device guest-loader,addr=0x49000000,kernel="$GUEST",bootargs="$args" \
                </dev/null >"$raw" 2>&1
    else
        make_iso "$RUN/$hv.iso" "${IMG[$hv]}" "$args" >"$raw" 2>&1 || return
        # x86 does not power off: stop QEMU (our own child) after SUMMARY.
        timeout --kill-after=5 "$LIMIT" \
            qemu-system-x86_64 -machine q35 -cpu qemu64,+svm,+npt -smp 1 -m 1024 \
                -nographic -no-reboot -nic none -device intel-iommu \
                -icount shift=0,sleep=off -cdrom "$RUN/$hv.iso" </dev/null >>"$raw" 2>&1 &
        pid=$!
        while kill -0 $pid 2>/dev/null; do
            if grep -aq '^SUMMARY ' "$raw" || [ $((SECONDS - t0)) -ge "$LIMIT" ]; then
                sleep 0.5
                kill $pid 2>/dev/null
                break
            fi
            sleep 0.5
        done
        wait $pid 2>/dev/null
        rm -f "$RUN/$hv.iso"
    fi
    tr -d '\r' <"$raw" >"$log"
    rm -f "$raw"
    grep -a '^BENCH' "$log" >"$RUN/$hv-$n.bench"
}

fails=0 ran=0
case $ARCH in
    arm64) CPU_DESC="cortex-a57" ;;
    *) CPU_DESC="q35, qemu64,+svm,+npt, PVH dom0" ;;
esac
echo "benchmarks: $ARCH dom0, $CPU_DESC, 1 CPU, $QEMU_VERSION, -icount shift=0,sleep=off"
for n in $(seq 1 "$RUNS"); do
    for hv in $HVS; do
        [ -n "${IMG[$hv]}" ] || continue
        t0=$(date +%s)
        boot "$hv" "$n"
        ran=1
        printf '  run %d %-4s %3ds  %s\n' "$n" "$hv" $(( $(date +%s) - t0 )) "${RUN#"$TOP"/}/$hv-$n.log"
        if grep -aq '^TEST bench\.[^:]*: FAIL' "$RUN/$hv-$n.log" || ! grep -aq '^SUMMARY ' "$RUN/$hv-$n.log"; then
            echo "  FAIL: $hv run $n:"
            grep -a '^TEST bench\.[^:]*: FAIL\|^  .*\.c:[0-9]*:\|unexpected' "$RUN/$hv-$n.log" | head -n 10 | sed 's/^/    /'
            grep -aq '^SUMMARY ' "$RUN/$hv-$n.log" || echo "    no SUMMARY line (the guest stopped early)"
            fails=$((fails + 1))
        fi
        if [ "$n" -gt 1 ]; then
            if cmp -s "$RUN/$hv-1.bench" "$RUN/$hv-$n.bench"; then
                echo "  $hv run $n: identical to run 1"
            else
                echo "  FAIL: $hv run $n differs from run 1:"
                diff "$RUN/$hv-1.bench" "$RUN/$hv-$n.bench" | sed 's/^/    /'
                fails=$((fails + 1))
            fi
        fi
    done
done
[ "$ran" = 1 ] || { echo "SKIP: no hypervisor could be run"; exit 77; }

# The table, from run 1.  Under -icount shift=0 one instruction is 1 ns of
# virtual time: instructions = ticks * 1e9 / counter_hz.
awk -v hvs="$HVS" -v xf="$RUN/xen-1.bench" -v of="$RUN/ours-1.bench" '
    function load(f, col,   line, a, i, kv, name) {
        while ((getline line < f) > 0) {
            n = split(line, a, " ")
            if (a[1] == "BENCH-INFO") { split(a[2], kv, "="); hz[col] = kv[2]; continue }
            name = a[2]
            if (!(name in seen)) { seen[name] = 1; order[++nb] = name }
            for (i = 3; i <= n; i++) { split(a[i], kv, "="); v[col, name, kv[1]] = kv[2] }
        }
        close(f)
    }
    BEGIN {
        load(xf, "xen"); load(of, "ours")
        # Instructions per counter tick: 1e9 / frequency (1 ns per instruction),
        # or, where the guest cannot tell the frequency (x86 TSC), from the
        # two-instruction calibration loop.
        for (c = 0; c < 2; c++) {
            col = c ? "ours" : "xen"
            if (hz[col] > 0)
                ipt[col] = 1e9 / hz[col]
            else if (v[col, "calibrate_2insn", "ticks"] > 0)
                ipt[col] = 2 * v[col, "calibrate_2insn", "ops"] / v[col, "calibrate_2insn", "ticks"]
            else
                ipt[col] = 0
        }
        printf "%-20s %8s %12s %10s %12s %10s %9s\n", "benchmark", "ops", "xen tick/op",
               "xen ins/op", "ours tick/op", "ours ins/op", "ours/xen"
        for (k = 1; k <= nb; k++) {
            b = order[k]; line = sprintf("%-20s %8s", b, v["xen", b, "ops"] != "" ? v["xen", b, "ops"] : v["ours", b, "ops"])
            for (c = 0; c < 2; c++) {
                col = c ? "ours" : "xen"
                if (v[col, b, "ops"] > 0) {
                    tpo[col] = v[col, b, "ticks"] / v[col, b, "ops"]
                    line = line sprintf(" %12.2f %10.*f", tpo[col], b ~ /^calibrate/ ? 2 : 0, tpo[col] * ipt[col])
                } else {
                    tpo[col] = 0
                    line = line sprintf(" %12s %10s", "-", "-")
                }
            }
            if (tpo["xen"] > 0 && tpo["ours"] > 0)
                line = line sprintf(" %9.2f", tpo["ours"] / tpo["xen"])
            else
                line = line sprintf(" %9s", "-")
            print line
        }
    }'

# Benchmarks a hypervisor could not run, and why.
for hv in $HVS; do
    [ -f "$RUN/$hv-1.log" ] &&
        grep -a '^TEST bench\.[^:]*: SKIP' "$RUN/$hv-1.log" | sed "s/^TEST /  $hv: /"
done

if [ "$fails" -gt 0 ]; then
    echo "FAIL: $fails problem(s); logs in ${RUN#"$TOP"/}"
    exit 1
fi
if [ "$RUNS" -gt 1 ]; then
    echo "PASS: $RUNS runs per hypervisor ($HVS), figures identical run to run"
else
    echo "PASS: 1 run per hypervisor ($HVS)"
fi
exit 0
