#!/bin/bash
# Deliberate fatal exceptions at EL2, asked for on the hypervisor command
# line, each in its own QEMU run (-smp 2):
#   selftest=fault         CPU0 reads a never-mapped address: a data abort
#                          reported with ESR decoded, FAR, ELR (which
#                          addr2line must place in selftest_fault), the
#                          registers and a call trace, then a panic
#   selftest=stack         CPU0 recurses into its stack guard page: the
#                          vector switches to the emergency stack and says so
#   selftest=remote-fault  the same read on the last CPU, run as a cross-CPU
#                          call (IRQ, softirq on the way out): the panic there
#                          must still stop the machine
# Every run must end in PSCI SYSTEM_OFF (QEMU exits 0) and never reach the
# normal halt line.  Exit 0 = pass, 77 = skip, 1 = fail.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

XEN=$BUILD/arm64/xen
XEN_BIN=$BUILD/arm64/xen.bin
OUT=$BUILD/tests/arm64-fault
ADDR2LINE=$(command -v aarch64-linux-gnu-addr2line || true)

skip() { echo "SKIP: $*"; exit 77; }
fail() {
    echo "FAIL ($case): $*"
    [ -s "${TEXT:-}" ] && { echo "---- serial output ($TEXT)"; tail -n 40 "$TEXT"; }
    exit 1
}

command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
[ -f "$XEN_BIN" ] && [ -f "$XEN" ] || skip "no arm64 image: run 'make ARCH=arm64' first"
mkdir -p "$OUT"

boot() {    # selftest name -> $TEXT
    case=$1
    LOG=$OUT/$case.log
    TEXT=$OUT/$case.txt
    rm -f "$LOG" "$TEXT"
    timeout --kill-after=5 "${BOOT_TIMEOUT:-20}" \
        qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 -cpu cortex-a57 \
        -smp 2 -m 1024 -nographic -no-reboot -nic none \
        -kernel "$XEN_BIN" -append "console=dtuart selftest=$case" </dev/null >"$LOG" 2>&1
    rc=$?
    tr -d '\r' <"$LOG" >"$TEXT"
    case $rc in
        0) ;;
        124|137) fail "QEMU still running after ${BOOT_TIMEOUT:-20}s (no power-off after the panic)" ;;
        *) fail "QEMU exited with status $rc" ;;
    esac
    grep -q '^Nothing more to do yet' "$TEXT" && fail "the self-test did not stop the boot"
    grep -q '^\*\*\*\* System halted\.$' "$TEXT" || fail "no '**** System halted.' after the panic"
    grep -q '^Call trace (addr2line -e build/arm64/xen):$' "$TEXT" || fail "no call trace"
    grep -qE '^  x0  [0-9a-f]{16}  x1  [0-9a-f]{16}  x2  [0-9a-f]{16}$' "$TEXT" ||
        fail "no register dump"
}

# ELR must resolve to function $2 (when binutils for aarch64 is there).
check_elr() {
    local off fn
    off=$(sed -n 's/^  ELR image+\(0x[0-9a-f]*\)$/\1/p' "$TEXT" | head -n 1)
    [ -n "$off" ] || fail "no 'ELR image+0x...' line"
    [ -n "$ADDR2LINE" ] || return 0
    fn=$("$ADDR2LINE" -f -e "$XEN" "$off" | head -n 1)
    [ "$fn" = "$1" ] || fail "ELR image+$off is in '$fn', not in $1"
}

start=$SECONDS

boot fault
grep -qx 'EL2 exception on CPU0: data abort in the hypervisor' "$TEXT" || fail "no EL2 data abort report"
grep -qE '^  ESR 0x9[0-9a-f]{7}: EC 0x25 \(data abort\), IL 32, ISS 0x[0-9a-f]+$' "$TEXT" ||
    fail "ESR not decoded as an EL2 data abort"
grep -qx '  translation fault, level 0, read, FAR 0000fffffffff000' "$TEXT" ||
    fail "fault status or FAR not decoded"
check_elr selftest_fault
grep -qx '\*\*\*\* PANIC: hypervisor fault (data abort) on CPU0' "$TEXT" || fail "no panic line"

boot stack
grep -qx 'EL2 exception on CPU0: hypervisor stack overflow' "$TEXT" || fail "overflow not recognised"
grep -qE '^  SP [0-9a-f]{16} ran into the guard page below [0-9a-f]{16}$' "$TEXT" ||
    fail "no guard page line"
grep -qE '^  translation fault, level 3, write, FAR [0-9a-f]{16}$' "$TEXT" ||
    fail "fault in the guard page not decoded"
check_elr selftest_recurse
grep -qx '\*\*\*\* PANIC: hypervisor stack overflow on CPU0' "$TEXT" || fail "no panic line"

boot remote-fault
grep -qx 'EL2 exception on CPU1: data abort in the hypervisor' "$TEXT" ||
    fail "no EL2 data abort report from CPU1"
grep -qx '  translation fault, level 0, read, FAR 0000fffffffff000' "$TEXT" ||
    fail "fault status or FAR not decoded"
check_elr selftest_fault
grep -qx '\*\*\*\* PANIC: hypervisor fault (data abort) on CPU1' "$TEXT" || fail "no panic line"

case=all
echo "PASS: fault, stack overflow and remote fault reported and powered off in $((SECONDS - start))s"
