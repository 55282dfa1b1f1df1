#!/bin/bash
# Serial input reaches dom0: the guest test kernel (tests/guest) boots as
# dom0 with gt.only=console_io.read_input gt.input=TEXT, prints a marker
# line, and this script types TEXT into QEMU's serial port (stdin, a FIFO).
# The case passes when CONSOLEIO_read returned exactly TEXT.
#
#   tests/boot/console-rx.sh arm64|x86_64   (arm64-console-rx.t, x86_64-console-rx.t)
#
# Ours takes the UART's receive interrupt (arm64: the PL011's SPI from the
# device tree; x86: COM1 on ISA IRQ 4 through the I/O APIC) and fills the
# console input ring; real Xen 4.17 hands serial input to dom0 after boot.
# Both run when available (real Xen from Debian's package, fetched as
# tests/guest does): ours is required, real Xen is the oracle.
# Exit 0 = pass, 77 = skip, 1 = fail.
set -u
ARCH=${1:-}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

TIMEOUT=${BOOT_TIMEOUT:-90}
INPUT="rx${RANDOM}ok"
skip() { echo "SKIP: $*"; exit 77; }

case $ARCH in
    arm64)
        OURS_BIN=$BUILD/arm64/xen.bin GUEST_NAME=Image DEBARCH=arm64
        HV_ARGS="console=dtuart dtuart=/pl011@9000000 dom0_mem=256M"
        command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
        command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc not installed" ;;
    x86_64)
        OURS_BIN=$BUILD/x86_64/xen GUEST_NAME=pvh.elf DEBARCH=amd64
        # dom0=pvh needs HAP and, on Xen 4.17, an IOMMU (see run-suite.sh).
        HV_ARGS="console=com1 com1=115200,8n1 dom0=pvh dom0_mem=256M noreboot=false"
        for tool in qemu-system-x86_64 grub-mkrescue xorriso; do
            command -v $tool >/dev/null || skip "$tool not installed"
        done ;;
    *) echo "usage: $0 arm64|x86_64"; exit 1 ;;
esac
[ -f "$OURS_BIN" ] || skip "no $ARCH image: run 'make ARCH=$ARCH' first"

OUT=$BUILD/tests/$ARCH-console-rx.$$
mkdir -p "$OUT" "$BUILD/guest" || exit 1
trap 'rm -rf "$OUT"' EXIT
if ! flock -w 300 "$BUILD/guest/.$ARCH.lock" \
        make -s -C tests/guest O="$BUILD/guest" ARCHES=$ARCH >"$OUT/build.txt" 2>&1 ||
   ! flock -w 60 "$BUILD/guest/.$ARCH.lock" cp "$BUILD/guest/$ARCH/$GUEST_NAME" "$OUT/guest"; then
    echo "FAIL: guest kernel build failed"; tail -n 20 "$OUT/build.txt"; exit 1
fi

# qemu_cmd HV IMAGE GUEST_ARGS: the QEMU command line, in QCMD.
qemu_cmd() {
    if [ "$ARCH" = arm64 ]; then
        QCMD=(qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3
              -cpu cortex-a57 -smp 2 -m 1024 -nographic -no-reboot -nic none
              -kernel "$2" -append "$HV_ARGS"
              -device guest-loader,addr=0x49000000,kernel="$OUT/guest",bootargs="$3")
    else
        scripts/grub-iso.sh "$OUT/$1.iso" "$2" "$HV_ARGS" "$OUT/guest" "$3" >"$OUT/$1.iso.log" || return 1
        QCMD=(qemu-system-x86_64 -machine q35 -cpu qemu64,+svm,+npt -smp 2 -m 1024
              -nographic -no-reboot -nic none -device intel-iommu -cdrom "$OUT/$1.iso")
    fi
}

# run HV IMAGE: one boot; 0 when the case passed.
run() {
    local hv=$1 image=$2 log=$OUT/$1.log fifo=$OUT/$1.in pid t=0 rc
    qemu_cmd "$hv" "$image" "gt.hv=$hv gt.only=console_io.read_input gt.input=$INPUT" ||
        { echo "  $hv: FAIL (cannot build the boot image)"; cat "$OUT/$hv.iso.log"; return 1; }
    mkfifo "$fifo" || return 1
    # Opened read-write so that neither side blocks on open.
    exec 3<>"$fifo"
    timeout --kill-after=5 "$TIMEOUT" "${QCMD[@]}" <&3 >"$log" 2>&1 &
    pid=$!
    # ~10 polls a second; QEMU ends (arm64 powers off) or is stopped below.
    until grep -aq "console input wanted" "$log"; do
        kill -0 "$pid" 2>/dev/null && [ $t -lt $((TIMEOUT * 10)) ] || break
        sleep 0.1; t=$((t + 1))
    done
    # One character at a time, as typed: the UART FIFO is 16 deep anyway.
    for ((i = 0; i < ${#INPUT}; i++)); do
        printf '%s' "${INPUT:i:1}" >&3
        sleep 0.05
    done
    until grep -aq "TEST console_io.read_input:" "$log"; do
        kill -0 "$pid" 2>/dev/null && [ $t -lt $((TIMEOUT * 10)) ] || break
        sleep 0.1; t=$((t + 1))
    done
    sleep 0.2
    kill "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    exec 3>&-
    if grep -aq "TEST console_io.read_input: PASS" "$log"; then
        echo "  $hv: PASS (typed \"$INPUT\", dom0 read it back)"
        return 0
    fi
    echo "  $hv: FAIL (qemu status $rc); serial output:"
    tr -d '\r' <"$log" | tail -n 25 | sed 's/^/    /'
    return 1
}

failed=0
XEN_IMAGE=$(tests/guest/fetch-xen.sh "$BUILD/cache" $DEBARCH 2>"$OUT/fetch.txt")
if [ -n "$XEN_IMAGE" ] && [ -s "$XEN_IMAGE" ]; then
    run xen "$XEN_IMAGE" || failed=1
else
    echo "  xen: not run (real Xen unavailable: $(tail -n 1 "$OUT/fetch.txt"))"
fi
run ours "$OURS_BIN" || failed=1
[ $failed -eq 0 ] && echo "console input reaches dom0 ($ARCH)" || echo "FAIL: console input ($ARCH)"
exit $failed
