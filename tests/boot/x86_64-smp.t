#!/bin/bash
# Boot build/x86_64/xen.iso (SeaBIOS, GRUB2) with several CPUs and check
# the x86 bring-up after the banner: ACPI MADT, local APIC, TSC and APIC
# timer calibration, a one-shot timer interrupt, INIT-SIPI start of every
# CPU, a timer and a cross-CPU call on each of them, then the final halt.
#
#   1. SeaBIOS, -smp 4, HPET present: calibrated against the HPET
#   2. SeaBIOS, -smp 2, hpet=off:     calibrated against the PIT
#   3. OVMF, -smp 4 (skipped without OVMF): the EFI entry, the RSDP from
#      GRUB's ACPI 2.0 tag, the trampoline in UEFI's low memory
#
# Exit 0 = pass, 77 = skip, 1 = fail.
set -u

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

ISO=$BUILD/x86_64/xen.iso
OUT=$BUILD/tests/x86_64-smp
# All boots together; each gets what is left.  OVMF alone needs 15-40 s
# under TCG when the machine is loaded (make check runs tests side by side).
BUDGET=${BOOT_BUDGET:-60}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}

skip() { echo "SKIP: $*"; exit 77; }
fail() {
    echo "FAIL ($RUN): $*"
    if [ -s "${LOG:-/dev/null}" ]; then
        echo "---- serial output ($LOG)"
        tail -n 60 "$LOG"
    fi
    exit 1
}

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
[ -f "$ISO" ] || skip "no x86_64 image: run 'make ARCH=x86_64' first"
mkdir -p "$OUT"

# boot NAME MACHINE NCPUS [uefi]: run QEMU until the final halt line (or a
# panic), leaving the carriage-return-free text in $OUT/NAME.txt.
boot() {
    local name=$1 machine=$2 ncpus=$3 firmware=${4:-bios} start pid fw=()
    RUN=$name
    TIMEOUT=$((BUDGET - SECONDS))
    [ "$TIMEOUT" -ge 3 ] || fail "out of time (${BUDGET}s for all boots)"
    LOG=$OUT/$name.log
    TEXT=$OUT/$name.txt
    rm -f "$LOG" "$TEXT"
    if [ "$firmware" = uefi ]; then
        cp "$OVMF_VARS" "$OUT/OVMF_VARS.fd"
        fw=(-drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE"
            -drive "if=pflash,format=raw,file=$OUT/OVMF_VARS.fd")
    fi
    timeout --kill-after=5 $((TIMEOUT + 5)) qemu-system-x86_64 -machine "$machine" \
        -cpu qemu64,+svm,+npt -smp "$ncpus" -m 512 -nographic -no-reboot \
        "${fw[@]}" -cdrom "$ISO" </dev/null >"$LOG" 2>&1 &
    pid=$!
    start=$SECONDS
    DONE=
    while [ $((SECONDS - start)) -lt "$TIMEOUT" ]; do
        if grep -q 'Nothing more to do yet: system halted\.' "$LOG" 2>/dev/null; then
            DONE=halted; break
        fi
        if grep -qE 'PANIC|Unexpected exception' "$LOG" 2>/dev/null; then
            sleep 1; DONE=panic; break
        fi
        kill -0 "$pid" 2>/dev/null || { DONE=exited; break; }
        sleep 0.3
    done
    ELAPSED=$((SECONDS - start))
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    tr -d '\r' <"$LOG" | grep -av '^qemu-system-x86_64: terminating' >"$TEXT"
    [ -n "$DONE" ] || fail "no final halt line within ${TIMEOUT}s (test budget ${BUDGET}s)"
    [ "$DONE" = halted ] || fail "boot did not reach the final halt ($DONE)"
}

need() { grep -qE "$1" "$TEXT" || fail "${2:-missing line matching '$1'}"; }
need_fixed() { grep -qxF "$1" "$TEXT" || fail "missing line '$1'"; }

check_common() {
    local n=$1 ref=$2 firmware=${3:-bios}
    version=$(sed -n 's/^HV_VERSION *:= *//p' Makefile)
    need_fixed "Hypervisor $version (Xen 4.17 ABI) for x86_64"
    if [ "$firmware" = uefi ]; then
        need '^x86_64: EFI64 entry, boot services exited' "did not come through the EFI64 entry"
    else
        need_fixed "x86_64: 32-bit multiboot2 entry"
    fi
    need_fixed "CPUs: $n"
    need "^ACPI: MADT: $n CPU\(s\) enabled \(APIC ids" "MADT does not list $n CPUs"
    need '^mm: direct map of [0-9]+ ranges' "no direct-map line"
    need '^APIC: local APIC id 0, xAPIC mode' "no local APIC line"
    need "^time: TSC [0-9]+\.[0-9]+ MHz.*APIC timer [0-9]+\.[0-9]+ MHz .*calibrated against the $ref over [0-9]+ ms\$" \
        "timer not calibrated against the $ref"
    need '^timer: ok \(one-shot for \+10 ms fired at \+[0-9]+ us\)$' "the boot CPU's one-shot timer did not fire"
    for ((i = 1; i < n; i++)); do
        need_fixed "SMP: CPU $i (APIC id $i) online"
    done
    need_fixed "timer: ok on all $n CPUs"
    need_fixed "SMP: cross-CPU call ran on all $n CPUs"
    need_fixed "CPUs online: $n"
    need_fixed "Nothing more to do yet: system halted."
    if grep -qE 'FAILED|did not start|^ACPI: .*(ignored|problem)|^APIC: error' "$TEXT"; then
        fail "problems reported: $(grep -E 'FAILED|did not start|^ACPI: .*(ignored|problem)|^APIC: error' "$TEXT" | head -n 3)"
    fi
    # The one-shot should not fire early, nor absurdly late (TCG is noisy).
    us=$(sed -n 's/^timer: ok (one-shot for +10 ms fired at +\([0-9]*\) us)$/\1/p' "$TEXT")
    [ "$us" -ge 10000 ] && [ "$us" -le 500000 ] || fail "one-shot for 10 ms fired after $us us"
}

boot smp4-hpet q35 4
check_common 4 HPET
t1=$ELAPSED

boot smp2-pit q35,hpet=off 2
check_common 2 PIT
grep -q '^ACPI: HPET at' "$TEXT" && fail "an HPET was reported with hpet=off"

t2=$ELAPSED

if [ -f "$OVMF_CODE" ] && [ -f "$OVMF_VARS" ]; then
    boot smp4-uefi q35 4 uefi
    check_common 4 HPET uefi
    need '^ACPI: RSDP revision 2, .* from the loader; XSDT at' "RSDP not from GRUB's ACPI 2.0 tag"
    uefi="; UEFI: 4 CPUs online (${ELAPSED}s)"
else
    uefi="; UEFI case skipped (no OVMF)"
fi

echo "PASS: 4 CPUs online with HPET calibration (${t1}s), 2 CPUs with PIT calibration (${t2}s)$uefi"
exit 0
