#!/bin/bash
# Boot build/arm64/xen.bin on QEMU virt and check the banner.
#
#   arm64-qemu-kernel.t          QEMU's own loader (-kernel/-append), at EL2
#   arm64-qemu-kernel.t uboot    U-Boot (u-boot-qemu) distro boot: boot.scr on
#                                a virtio disk runs `booti` (arm64-uboot.t)
#   arm64-qemu-kernel.t el1      no virtualization: entered at EL1, we must
#                                say so and power off (arm64-qemu-el1.t)
#
# The hypervisor halts with PSCI SYSTEM_OFF, so QEMU must exit by itself
# with status 0.  Exit 0 = pass, 77 = skip, 1 = fail.
set -u

MODE=${1:-kernel}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

XEN=$BUILD/arm64/xen
XEN_BIN=$BUILD/arm64/xen.bin
UBOOT=${UBOOT:-/usr/lib/u-boot/qemu_arm64/u-boot.bin}

case $MODE in
    kernel|el1) TIMEOUT=${BOOT_TIMEOUT:-60} ;;
    uboot) TIMEOUT=${BOOT_TIMEOUT:-90} ;;    # autoboot delay, device scan
    *) echo "usage: $0 [kernel|uboot|el1]"; exit 1 ;;
esac

skip() { echo "SKIP: $*"; exit 77; }
fail() {
    echo "FAIL ($MODE): $*"
    if [ -s "${LOG:-/dev/null}" ]; then
        echo "---- serial output ($LOG)"
        tail -n 60 "$LOG"
    fi
    exit 1
}

command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
command -v readelf >/dev/null || skip "readelf not installed"
[ -f "$XEN" ] && [ -f "$XEN_BIN" ] || skip "no arm64 image: run 'make ARCH=arm64' first"

OUT=$BUILD/tests/arm64-$MODE
mkdir -p "$OUT"
LOG=$OUT/serial.log
rm -f "$LOG"

# A command line no default could produce: it must come from this test.
CMDLINE="console=dtuart loglvl=all arm64-test=$MODE-$$"

MACHINE=virt,virtualization=on,gic-version=3
[ "$MODE" = el1 ] && MACHINE=virt,gic-version=3
QEMU=(qemu-system-aarch64 -machine "$MACHINE" -cpu cortex-a57 -smp 2 -m 1024
      -nographic -no-reboot -nic none)

if [ "$MODE" = uboot ]; then
    command -v mkimage >/dev/null || skip "mkimage (u-boot-tools) not installed"
    command -v mformat >/dev/null && command -v mcopy >/dev/null || skip "mtools not installed"
    [ -f "$UBOOT" ] || skip "U-Boot for QEMU not installed ($UBOOT)"

    # Distro boot finds /boot.scr on virtio 0:1; it sets our bootargs
    # and runs booti with U-Boot's copy of QEMU's device tree.
    xen/arch/arm/scripts/uboot-disk.sh "$OUT" "$XEN_BIN" "$CMDLINE" >"$OUT/disk.log" 2>&1 ||
        fail "cannot build the U-Boot disk: $(tail -n 3 "$OUT/disk.log")"
    DISK=$OUT/disk.img
    QEMU+=(-bios "$UBOOT" -drive "if=none,file=$DISK,format=raw,id=hd0"
           -device virtio-blk-device,drive=hd0)
else
    QEMU+=(-kernel "$XEN_BIN" -append "$CMDLINE")
fi

# The outer timeout is a safety net: QEMU must never outlive the test.
start=$SECONDS
timeout --kill-after=5 "$TIMEOUT" "${QEMU[@]}" </dev/null >"$LOG" 2>&1
rc=$?
elapsed=$((SECONDS - start))
case $rc in
    0) ;;
    124|137) fail "QEMU still running after ${TIMEOUT}s (no PSCI power-off)" ;;
    *) fail "QEMU exited with status $rc" ;;
esac

# Work on the text without the serial line's carriage returns.
TEXT=$OUT/serial.txt
tr -d '\r' <"$LOG" >"$TEXT"

if [ "$MODE" = el1 ]; then
    grep -q '^arm64: entered at EL1' "$TEXT" || fail "no 'entered at EL1' line"
    grep -q '^\*\*\*\* PANIC: entered at EL1: this hypervisor needs EL2' "$TEXT" ||
        fail "no panic explaining that EL2 is needed"
    grep -q '^Hypervisor ' "$TEXT" && fail "went on to the banner at EL1"
    echo "PASS (el1): refused EL1 and powered off after ${elapsed}s"
    exit 0
fi

grep -qE 'PANIC|Unexpected exception' "$TEXT" &&
    fail "panic or exception: $(grep -E 'PANIC|Unexpected exception' "$TEXT" | head -n 1)"

# 1. Version line.
version=$(sed -n 's/^HV_VERSION *:= *//p' Makefile)
[ -n "$version" ] || fail "cannot read HV_VERSION from the Makefile"
grep -qxF "Hypervisor $version (Xen 4.17 ABI) for arm64" "$TEXT" ||
    fail "version line 'Hypervisor $version (Xen 4.17 ABI) for arm64' missing"

# 2. Build id: the one the linker put into the image we booted.
want_id=$(readelf -n "$XEN" | sed -n 's/^ *Build ID: *//p' | head -n 1)
[ -n "$want_id" ] || fail "no GNU build id note in $XEN"
grep -qxF "Build id: $want_id" "$TEXT" || fail "build id line is not 'Build id: $want_id'"

# 3. Entry: EL2, a usable device tree whose stdout-path named the PL011.
grep -q '^arm64: entered at EL2, image 0x' "$TEXT" || fail "not entered at EL2"
grep -qE '^arm64: device tree [0-9]+ bytes, model "linux,dummy-virt", console pl011@9000000 \(stdout-path\)$' "$TEXT" ||
    fail "device tree line missing or unexpected"
if grep -qE '^(fdt|arm64): .*(ignored|unusable)|^fdt: ' "$TEXT"; then
    fail "device tree problems: $(grep -E '^(fdt|arm64): ' "$TEXT" | head -n 3)"
fi

# 4. Loader and firmware.
if [ "$MODE" = uboot ]; then
    grep -q '^Found U-Boot script /boot.scr' "$TEXT" || fail "U-Boot did not find boot.scr"
    grep -q '^Starting kernel' "$TEXT" || fail "U-Boot booti did not start the image"
    grep -qE '^Loader: U-Boot [0-9]{4}\.[0-9]{2}.* \(arm64 Image, booti\)$' "$TEXT" ||
        fail "loader line does not name U-Boot"
else
    grep -qx 'Loader: arm64 Image protocol, device tree' "$TEXT" || fail "unexpected loader line"
fi
grep -qE '^Firmware: PSCI [0-9]+\.[0-9]+ via smc$' "$TEXT" || fail "firmware line is not PSCI via smc"

# 5. The command line we passed (built-in options may precede it).
grep -qE "^Command line: (.* )?$(printf '%s' "$CMDLINE" | sed 's/[][\.*^$+?(){}|/]/\\&/g')\$" "$TEXT" ||
    fail "command line '$CMDLINE' not in the banner"
grep -qx 'CPUs: 2' "$TEXT" || fail "CPU count is not 2"

# 6. Memory map: as many region lines as announced, RAM exactly QEMU's
#    1 GiB at 0x40000000, covering where we were loaded.
regions=$(sed -n 's/^Memory map (\([0-9]*\) regions):$/\1/p' "$TEXT")
[ -n "$regions" ] && [ "$regions" -gt 0 ] || fail "no memory map in the banner"
lines=$(sed -n '/^Memory map (/,/^Total RAM:/p' "$TEXT" |
        grep -cE '^  [0-9a-f]{16}-[0-9a-f]{16} ')
[ "$lines" -eq "$regions" ] || fail "memory map announces $regions regions but lists $lines"
grep -qE '^  0000000040000000-000000007fffffff RAM +\(1048576 KiB\)$' "$TEXT" ||
    fail "no RAM region 0x40000000-0x7fffffff"
load=$(sed -n 's/^arm64: entered at EL2, image \(0x[0-9a-f]*\)-.*/\1/p' "$TEXT")
[ -n "$load" ] && [ $((load)) -ge $((0x40000000)) ] && [ $((load)) -lt $((0x80000000)) ] ||
    fail "load address '${load:-?}' is not inside RAM"
grep -qx 'Total RAM: 1024 MiB' "$TEXT" || fail "total RAM is not 1024 MiB"

# 7. The device tree itself is listed as a boot module.
grep -qE '^  [0-9a-f]{16}-[0-9a-f]{16} host-dtb$' "$TEXT" || fail "device tree not listed as a module"

echo "PASS ($MODE): QEMU powered off after ${elapsed}s; $regions memory region(s), loaded at $load"
exit 0
