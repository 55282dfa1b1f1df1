#!/bin/bash
# Boot build/x86_64/xen.iso (GRUB2, multiboot2) in QEMU and check the banner.
#
#   x86_64-grub-bios.t          SeaBIOS: GRUB enters the 32-bit entry
#   x86_64-grub-bios.t uefi     OVMF: GRUB enters the EFI64 entry and we exit
#                               boot services ourselves (x86_64-grub-efi.t)
#
# QEMU is stopped as soon as the banner is complete (the hypervisor halts
# without powering off).  Exit 0 = pass, 77 = skip, 1 = fail.
set -u

FIRMWARE=${1:-bios}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

XEN=$BUILD/x86_64/xen
ISO=$BUILD/x86_64/xen.iso
GRUB_CFG=$BUILD/x86_64/iso/boot/grub/grub.cfg
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}

case $FIRMWARE in
    bios) TIMEOUT=${BOOT_TIMEOUT:-60} ;;
    uefi) TIMEOUT=${BOOT_TIMEOUT:-120} ;;   # OVMF under TCG is slow
    *) echo "usage: $0 [bios|uefi]"; exit 1 ;;
esac

skip() { echo "SKIP: $*"; exit 77; }
fail() {
    echo "FAIL ($FIRMWARE): $*"
    if [ -s "${LOG:-/dev/null}" ]; then
        echo "---- serial output ($LOG)"
        tail -n 60 "$LOG"
    fi
    exit 1
}

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
command -v readelf >/dev/null || skip "readelf not installed"
[ -f "$ISO" ] && [ -f "$XEN" ] && [ -f "$GRUB_CFG" ] ||
    skip "no x86_64 image: run 'make ARCH=x86_64' first"
if [ "$FIRMWARE" = uefi ]; then
    [ -f "$OVMF_CODE" ] && [ -f "$OVMF_VARS" ] || skip "OVMF not installed ($OVMF_CODE)"
fi

OUT=$BUILD/tests/x86_64-grub-$FIRMWARE
mkdir -p "$OUT"
LOG=$OUT/serial.log
rm -f "$LOG"

QEMU=(qemu-system-x86_64 -machine q35 -cpu qemu64,+svm,+npt -m 512
      -nographic -no-reboot -cdrom "$ISO")
if [ "$FIRMWARE" = uefi ]; then
    cp "$OVMF_VARS" "$OUT/OVMF_VARS.fd"
    QEMU+=(-drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE"
           -drive "if=pflash,format=raw,file=$OUT/OVMF_VARS.fd")
fi

# The outer timeout is a safety net: QEMU must never outlive the test.
timeout --kill-after=5 $((TIMEOUT + 10)) "${QEMU[@]}" </dev/null >"$LOG" 2>&1 &
QEMU_PID=$!
stop_qemu() {
    if kill -0 "$QEMU_PID" 2>/dev/null; then
        kill "$QEMU_PID" 2>/dev/null
        wait "$QEMU_PID" 2>/dev/null
    fi
}
trap stop_qemu EXIT

# The banner ends with the module list; give its lines a moment to arrive.
start=$SECONDS
done_reason=
while [ $((SECONDS - start)) -lt "$TIMEOUT" ]; do
    if grep -q '^Modules (' "$LOG" 2>/dev/null; then
        sleep 1
        done_reason=banner
        break
    fi
    if grep -qE 'PANIC|Unexpected exception' "$LOG" 2>/dev/null; then
        sleep 1
        done_reason=panic
        break
    fi
    if ! kill -0 "$QEMU_PID" 2>/dev/null; then
        done_reason=exited
        break
    fi
    sleep 0.5
done
elapsed=$((SECONDS - start))
stop_qemu
trap - EXIT

[ -n "$done_reason" ] || fail "no complete banner within ${TIMEOUT}s"
[ "$done_reason" = banner ] || fail "boot did not reach the end of the banner ($done_reason)"

# Work on the text without the serial line's carriage returns.
TEXT=$OUT/serial.txt
tr -d '\r' <"$LOG" >"$TEXT"

# 1. Version line.
version=$(sed -n 's/^HV_VERSION *:= *//p' Makefile)
[ -n "$version" ] || fail "cannot read HV_VERSION from the Makefile"
grep -qxF "Hypervisor $version (Xen 4.17 ABI) for x86_64" "$TEXT" ||
    fail "version line 'Hypervisor $version (Xen 4.17 ABI) for x86_64' missing"

# 2. Build id: the one the linker put into the image we booted.
want_id=$(readelf -n "$XEN" | sed -n 's/^ *Build ID: *//p' | head -n 1)
[ -n "$want_id" ] || fail "no GNU build id note in $XEN"
grep -qxF "Build id: $want_id" "$TEXT" || fail "build id line is not 'Build id: $want_id'"

# 3. Loader, firmware and the entry path GRUB took.
grep -q '^Loader: GRUB 2' "$TEXT" || fail "loader is not GRUB 2"
if [ "$FIRMWARE" = bios ]; then
    grep -qx 'Firmware: BIOS' "$TEXT" || fail "firmware line is not 'Firmware: BIOS'"
    grep -qx 'x86_64: 32-bit multiboot2 entry' "$TEXT" || fail "did not come through the 32-bit entry"
else
    grep -q '^Firmware: UEFI' "$TEXT" || fail "firmware line does not start with 'Firmware: UEFI'"
    grep -q '^x86_64: EFI64 entry, boot services exited' "$TEXT" ||
        fail "did not come through the EFI64 entry"
fi

# 4. The command line grub.cfg passed (built-in options may precede it).
cmdline=$(sed -n 's|^[[:space:]]*multiboot2 /boot/xen[[:space:]]*||p' "$GRUB_CFG" | head -n 1)
[ -n "$cmdline" ] || fail "no multiboot2 line in $GRUB_CFG"
grep -qE "^Command line: (.* )?$(printf '%s' "$cmdline" | sed 's/[][\.*^$+?(){}|/]/\\&/g')\$" "$TEXT" ||
    fail "command line '$cmdline' not in the banner"

# 5. Memory map: as many region lines as announced, RAM covering our load
#    address (2 MiB), and a total close to QEMU's -m 512.
regions=$(sed -n 's/^Memory map (\([0-9]*\) regions):$/\1/p' "$TEXT")
[ -n "$regions" ] && [ "$regions" -gt 0 ] || fail "no memory map in the banner"
lines=$(sed -n '/^Memory map (/,/^Total RAM:/p' "$TEXT" |
        grep -cE '^  [0-9a-f]{16}-[0-9a-f]{16} ')
[ "$lines" -eq "$regions" ] || fail "memory map announces $regions regions but lists $lines"
covers=no
while read -r range type _; do
    [ "$type" = RAM ] || continue
    first=$((16#${range%-*})) last=$((16#${range#*-}))
    if [ "$first" -le $((0x200000)) ] && [ "$last" -ge $((0x200000)) ]; then
        covers=yes
    fi
done < <(sed -n '/^Memory map (/,/^Total RAM:/p' "$TEXT" | grep -E '^  [0-9a-f]{16}-[0-9a-f]{16} ')
[ "$covers" = yes ] || fail "no RAM region covers the load address 0x200000"
ram=$(sed -n 's/^Total RAM: \([0-9]*\) MiB$/\1/p' "$TEXT")
[ -n "$ram" ] && [ "$ram" -ge 400 ] && [ "$ram" -le 512 ] ||
    fail "total RAM '${ram:-?}' MiB is not plausible for -m 512"

# 6. GRUB's boot information must have parsed cleanly.
if grep -qE '^(multiboot2|efi): ' "$TEXT"; then
    fail "boot information warnings: $(grep -E '^(multiboot2|efi): ' "$TEXT" | head -n 3)"
fi

echo "PASS ($FIRMWARE): banner complete after ${elapsed}s; $regions memory regions, $ram MiB RAM"
exit 0
