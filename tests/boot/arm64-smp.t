#!/bin/bash
# Boot build/arm64/xen.bin on QEMU virt with -smp 4 and check the EL2 core:
# the MMU self-check, the GICv3, a 1 ms one-shot on the EL2 physical timer,
# every CPU brought up through PSCI CPU_ON, SGIs answered by every CPU,
# a cross-CPU call through the softirq IPI, a common-code timer firing on
# each CPU, then the usual halt (PSCI SYSTEM_OFF, QEMU exits 0).
# Exit 0 = pass, 77 = skip, 1 = fail.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

NCPUS=4
XEN_BIN=$BUILD/arm64/xen.bin
OUT=$BUILD/tests/arm64-smp
LOG=$OUT/serial.log
TEXT=$OUT/serial.txt

skip() { echo "SKIP: $*"; exit 77; }
fail() {
    echo "FAIL (smp): $*"
    [ -s "$TEXT" ] && { echo "---- serial output ($LOG)"; tail -n 40 "$TEXT"; }
    exit 1
}

command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
[ -f "$XEN_BIN" ] || skip "no arm64 image: run 'make ARCH=arm64' first"
mkdir -p "$OUT"
rm -f "$LOG" "$TEXT"

start=$SECONDS
timeout --kill-after=5 "${BOOT_TIMEOUT:-20}" \
    qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 -cpu cortex-a57 \
    -smp $NCPUS -m 1024 -nographic -no-reboot -nic none \
    -kernel "$XEN_BIN" -append "console=dtuart loglvl=all" </dev/null >"$LOG" 2>&1
rc=$?
tr -d '\r' <"$LOG" >"$TEXT"
case $rc in
    0) ;;
    124|137) fail "QEMU still running after ${BOOT_TIMEOUT:-20}s" ;;
    *) fail "QEMU exited with status $rc" ;;
esac

grep -qE 'PANIC|EL2 exception|Unexpected exception' "$TEXT" &&
    fail "panic or exception: $(grep -E 'PANIC|EL2 exception|Unexpected' "$TEXT" | head -n 1)"
grep -qx "CPUs: $NCPUS" "$TEXT" || fail "banner does not say 'CPUs: $NCPUS'"
grep -qE '^mm: ok \(text RX, rodata RO, data RW\+XN, [0-9]+ stack guard pages unmapped\)$' "$TEXT" ||
    fail "no 'mm: ok' line from the MMU self-check"
grep -qE '^GICv3: distributor 0x8000000 \(intc@8000000\), [0-9]+ interrupt lines' "$TEXT" ||
    fail "GICv3 distributor line missing"
grep -qE '^timer: ok \(1 ms one-shot on INTID 26 fired after [0-9]+ us' "$TEXT" ||
    fail "EL2 physical timer one-shot did not fire"

# One line per CPU, the boot CPU first, each with its MPIDR.
grep -qx 'CPU0: online (MPIDR 0x0, boot CPU)' "$TEXT" || fail "no line for the boot CPU"
for i in $(seq 1 $((NCPUS - 1))); do
    grep -qx "CPU$i: online (MPIDR 0x$i)" "$TEXT" || fail "CPU$i did not come online"
done
[ "$(grep -cE '^CPU[0-9]+: online' "$TEXT")" -eq "$NCPUS" ] || fail "not exactly $NCPUS CPU lines"

grep -qx "IPI: ok (SGI answered by $NCPUS of $NCPUS CPUs, cross-CPU call ran on $NCPUS)" "$TEXT" ||
    fail "IPI check did not pass on all $NCPUS CPUs"
grep -qx "timer: ok (1 ms timer fired on each of $NCPUS CPUs)" "$TEXT" ||
    fail "common-code timers did not fire on every CPU"
grep -qx "CPUs online: $NCPUS" "$TEXT" || fail "common code does not count $NCPUS CPUs online"
[ "$(grep -v '^$' "$TEXT" | tail -n 1)" = "Nothing more to do yet: system halted." ] ||
    fail "the last line is not the halt message"

echo "PASS (smp): $NCPUS CPUs online, timer and IPIs checked, powered off after $((SECONDS - start))s"
