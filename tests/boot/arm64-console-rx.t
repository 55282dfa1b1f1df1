#!/bin/bash
# Serial input reaches dom0: the guest test kernel (tests/guest) boots as
# dom0 with gt.only=console_io.read_input gt.input=TEXT, prints a marker
# line, and this script types TEXT into QEMU's serial port (stdin, a FIFO).
# The case passes when CONSOLEIO_read returned exactly TEXT.
#
# Ours takes the PL011's receive interrupt (the SPI in the device tree) and
# fills the console input ring; real Xen 4.17 hands serial input to dom0
# after boot.  Both are run when available (real Xen from Debian's package,
# fetched like tests/guest does); ours is required, real Xen is the oracle.
# Exit 0 = pass, 77 = skip, 1 = fail.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

OURS_BIN=$BUILD/arm64/xen.bin
OUT=$BUILD/tests/arm64-console-rx.$$
TIMEOUT=${BOOT_TIMEOUT:-60}
INPUT="rx${RANDOM}ok"

skip() { echo "SKIP: $*"; exit 77; }
command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc not installed"
[ -f "$OURS_BIN" ] || skip "no arm64 image: run 'make ARCH=arm64' first"

mkdir -p "$OUT" "$BUILD/guest" || exit 1
trap 'rm -rf "$OUT"' EXIT
if ! flock -w 300 "$BUILD/guest/.arm64.lock" \
        make -s -C tests/guest O="$BUILD/guest" ARCHES=arm64 >"$OUT/build.txt" 2>&1 ||
   ! flock -w 60 "$BUILD/guest/.arm64.lock" cp "$BUILD/guest/arm64/Image" "$OUT/Image"; then
    echo "FAIL: guest kernel build failed"; tail -n 20 "$OUT/build.txt"; exit 1
fi

# run HV IMAGE ARGS: one boot; 0 when the case passed.
run() {
    local hv=$1 image=$2 args=$3 log=$OUT/$1.log fifo=$OUT/$1.in pid waited=0 rc
    mkfifo "$fifo" || return 1
    # Opened read-write so that neither side blocks on open.
    exec 3<>"$fifo"
    timeout --kill-after=5 "$TIMEOUT" \
        qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 \
            -cpu cortex-a57 -smp 2 -m 1024 -nographic -no-reboot -nic none \
            -kernel "$image" -append "$args" \
            -device guest-loader,addr=0x49000000,kernel="$OUT/Image",bootargs="gt.hv=$hv gt.only=console_io.read_input gt.input=$INPUT" \
            <&3 >"$log" 2>&1 &
    pid=$!
    until grep -q "console input wanted" "$log" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null || [ $waited -ge $((TIMEOUT * 10)) ]; then
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    # Slowly, as a person would: the UART FIFO is 16 characters deep anyway.
    for ((i = 0; i < ${#INPUT}; i++)); do
        printf '%s' "${INPUT:i:1}" >&3
        sleep 0.05
    done
    wait "$pid"
    rc=$?
    exec 3>&-
    if grep -q "TEST console_io.read_input: PASS" "$log"; then
        echo "  $hv: PASS (typed \"$INPUT\", dom0 read it back)"
        return 0
    fi
    echo "  $hv: FAIL (qemu exit $rc); serial output:"
    tr -d '\r' <"$log" | tail -n 25 | sed 's/^/    /'
    return 1
}

failed=0
XEN_IMAGE=$(tests/guest/fetch-xen.sh "$BUILD/cache" arm64 2>"$OUT/fetch.txt")
if [ -n "$XEN_IMAGE" ] && [ -s "$XEN_IMAGE" ]; then
    run xen "$XEN_IMAGE" "console=dtuart dtuart=/pl011@9000000 dom0_mem=256M" || failed=1
else
    echo "  xen: not run (real Xen unavailable: $(tail -n 1 "$OUT/fetch.txt"))"
fi
run ours "$OURS_BIN" "dom0_mem=256M" || failed=1
[ $failed -eq 0 ] && echo "console input reaches dom0" || echo "FAIL: console input"
exit $failed
