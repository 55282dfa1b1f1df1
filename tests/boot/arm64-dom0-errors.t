#!/bin/bash
# dom0 kernels the builder must refuse, each with a clear message, after
# which the hypervisor halts cleanly (PSCI SYSTEM_OFF, QEMU exits 0):
#   gzip        a gzip-compressed kernel (vmlinuz of many distributions)
#   toobig      an arm64 Image whose header wants 1 GiB, with dom0_mem=64M
#               (refused after the domain and its memory exist: the
#               teardown path runs too)
#   badzimage   an arm32 zImage header whose end is below its start
# Exit 0 = pass, 77 = skip, 1 = fail.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

XEN_BIN=$BUILD/arm64/xen.bin
OUT=$BUILD/tests/arm64-dom0-errors
TIMEOUT=${BOOT_TIMEOUT:-30}

skip() { echo "SKIP: $*"; exit 77; }
fail() {
    echo "FAIL (dom0 errors, $case): $*"
    [ -s "${TEXT:-}" ] && { echo "---- serial output"; tail -n 25 "$TEXT"; }
    exit 1
}

command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
[ -f "$XEN_BIN" ] || skip "no arm64 image: run 'make ARCH=arm64' first"
mkdir -p "$OUT"
# Concurrent runs of this test (several checkouts' test runs) share $OUT: take turns.
exec 9>"$OUT/.lock"
flock -w 300 9 || { echo "cannot lock $OUT"; exit 1; }

# The three kernels.
python3 -B - "$OUT" <<'EOS'
import gzip, struct, sys
out = sys.argv[1]
open(out + "/gzip.bin", "wb").write(gzip.compress(b"not a kernel" * 1000))
hdr = struct.pack("<II QQQ QQQ 4sI", 0x14000010, 0, 0, 1 << 30, 0xa, 0, 0, 0, b"ARM\x64", 0)
open(out + "/toobig.bin", "wb").write(hdr + bytes(4096 - len(hdr)))
z = bytearray(4096)
struct.pack_into("<IIII", z, 0x24, 0x016f2818, 0x2000, 0x1000, 0x04030201)
open(out + "/badzimage.bin", "wb").write(bytes(z))
EOS

run() {     # case, hypervisor options, expected builder message (regex)
    case=$1
    LOG=$OUT/$case.log
    TEXT=$OUT/$case.txt
    timeout --kill-after=5 "$TIMEOUT" \
        qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 -cpu cortex-a57 \
        -smp 2 -m 1024 -nographic -no-reboot -nic none \
        -kernel "$XEN_BIN" -append "console=dtuart $2" \
        -device "guest-loader,addr=0x49000000,kernel=$OUT/$case.bin,bootargs=console=hvc0" \
        </dev/null >"$LOG" 2>&1
    rc=$?
    tr -d '\r' <"$LOG" >"$TEXT"
    grep -qE 'PANIC|Unexpected exception|EL2 exception' "$TEXT" &&
        fail "panic or exception: $(grep -E 'PANIC|Unexpected exception|EL2 exception' "$TEXT" | head -n 1)"
    if ! grep -q '^dom0: ' "$TEXT"; then
        case $rc in 124|137) fail "QEMU still running after ${TIMEOUT}s, no dom0 lines" ;; esac
        skip "the hypervisor does not build dom0 yet (no 'dom0:' lines)"
    fi
    case $rc in
        0) ;;
        124|137) fail "QEMU still running after ${TIMEOUT}s: no clean halt after the refusal" ;;
        *) fail "QEMU exited with status $rc" ;;
    esac
    grep -qE "$3" "$TEXT" || fail "no line matching '$3'"
    grep -qE '^dom0: construction failed \(error -[0-9]+\): system halted\.$' "$TEXT" ||
        fail "no 'construction failed ... system halted' line"
    grep -q '^dom0: started' "$TEXT" && fail "dom0 started anyway"
    echo "ok ($case): $(grep -E "$3" "$TEXT" | head -n 1)"
}

run gzip "" '^dom0: unusable kernel: kernel is gzip-compressed'
run toobig "dom0_mem=64M" '^dom0: cannot place the kernel: arm64 Image needs 1024 MiB .* the largest dom0 bank is 64 MiB$'
run badzimage "" '^dom0: unusable kernel: arm32 zImage header: end 0x1000 is not above start 0x2000$'
echo "PASS: every bad kernel refused with its reason, clean halt each time"
