#!/bin/bash
# `make run ARCH=x86_64`: the hypervisor through GRUB 2 with the demo dom0
# (tools/demo-dom0 built as a PVH kernel), and the exit status that says
# how dom0 ended (scripts/qemu-x86_64-run.sh):
#
# 1. SeaBIOS (the default), 4 CPUs: GRUB loads the hypervisor and the demo
#    as its module2; dom0 greets, finds the hypervisor's CPUID leaves and
#    installs the hypercall page, reads Xen 4.17 from xen_version and its
#    command line from the PVH start info, counts the MADT's vCPUs and
#    starts the 3 others (VCPUOP_initialise + VCPUOP_up), takes
#    three VIRQ_TIMER upcalls and one IPI upcall on its callback vector,
#    works and powers off; the hypervisor halts the machine, the script
#    stops QEMU and `make run` exits 0.
# 2. The same with X86_FIRMWARE=uefi (OVMF), 2 CPUs: exit 0, the same demo
#    lines.
# 3. Exit codes, one CPU, one after the other while 2 runs:
#    demo.shutdown=reboot gives 1 (reset), demo.shutdown=crash with the
#    hypervisor's noreboot gives 1 (halted with reason 3), no dom0
#    (X86_DOM0=) gives 3 (the hypervisor halts with nothing to do); make
#    itself then exits 2.  At most two QEMUs run at once.
# Each `make run` has its own ISO (X86_RUN_ISO) and a timeout.
# Exit 0 = pass, 77 = skip, 1 = fail.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

OUT=$BUILD/tests/x86_64-run.$$
LIMIT=${BOOT_TIMEOUT:-50}
# OVMF alone takes 10-40 s under TCG, depending on the load.
UEFI_LIMIT=${UEFI_BOOT_TIMEOUT:-120}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}

skip() { echo "SKIP: $*"; rm -rf "$OUT"; exit 77; }
fail() {
    echo "FAIL (make run ARCH=x86_64): $*"
    [ -n "${LOG:-}" ] && [ -s "$LOG" ] && { echo "---- output ($LOG)"; tr -d '\r' <"$LOG" | tail -n 40; }
    exit 1
}

for tool in qemu-system-x86_64 grub-mkrescue xorriso gcc; do
    command -v $tool >/dev/null || skip "$tool not installed"
done
[ -d /usr/lib/grub/i386-pc ] || skip "grub-pc-bin not installed"
[ -f "$BUILD/x86_64/xen" ] || skip "no x86_64 image: run 'make ARCH=x86_64' first"
find "$BUILD/tests" -maxdepth 1 -name 'x86_64-run.*' -type d -mmin +30 -exec rm -rf {} + 2>/dev/null
mkdir -p "$OUT" || exit 1

# run NAME MAKE-VARIABLES...: `make run ARCH=x86_64`; sets RC and LOG.
run() {
    local name=$1 limit=$LIMIT
    shift
    case " $* " in *" X86_FIRMWARE=uefi "*) limit=$UEFI_LIMIT ;; esac
    LOG=$OUT/$name.log
    timeout --kill-after=5 $((limit + 20)) \
        make -s --no-print-directory run ARCH=x86_64 X86_RUN_TIMEOUT="$limit" \
            X86_RUN_ISO="$OUT/$name.iso" X86_RUN_VARS="$OUT/$name.vars.fd" "$@" \
        </dev/null >"$LOG" 2>&1
    RC=$?
    tr -d '\r' <"$LOG" >"$LOG.txt"
    rm -f "$OUT/$name.iso" "$OUT/$name.vars.fd"
}

# Everything the demo must have said, in a log of a poweroff run.
check_demo() {
    local t=$1.txt
    grep -q 'demo-dom0: .*FAIL' "$t" && fail "the demo reports: $(grep -o 'demo-dom0: .*FAIL.*' "$t" | head -n 1)"
    grep -q '^Loader: GRUB 2' "$t" || fail "no 'Loader: GRUB 2' line"
    grep -q '^dom0: PVH kernel: ELF64' "$t" || fail "the demo was not loaded as a PVH ELF64 kernel"
    grep -q '^demo-dom0: hello from an x86_64 PVH dom0' "$t" || fail "no greeting from the demo"
    grep -qE '^demo-dom0: Xen CPUID leaves at 0x400000[0-9a-f]{2}; hypercall page at 0x[0-9a-f]+ through MSR 0x40000000' "$t" ||
        fail "no hypercall page through the CPUID leaves and the MSR"
    grep -q '^demo-dom0: the hypervisor says Xen 4\.17' "$t" || fail "xen_version not reported as 4.17"
    grep -q '^demo-dom0: PVH start info at 0x[0-9a-f]*: version 1' "$t" || fail "no PVH start info"
    grep -q '^demo-dom0: command line "demo.shutdown=poweroff[^"]*"; [0-9]* vCPUs in the MADT' "$t" ||
        fail "the command line or the MADT's vCPUs not seen"
    grep -q '^demo-dom0: events: VIRQ_TIMER on port [0-9]*: 3 upcalls on vector 0xf3' "$t" ||
        fail "no VIRQ_TIMER upcalls"
    grep -q '^demo-dom0: events: IPI to ourselves on port [0-9]*: upcall after' "$t" || fail "no IPI upcall"
    grep -qE '^demo-dom0: all [0-9]+ vCPUs done' "$t" || fail "the demo did not finish its work"
    grep -q '^demo-dom0: shutting down: SCHEDOP_shutdown(SHUTDOWN_poweroff)' "$t" || fail "no SCHEDOP_shutdown"
    grep -q '^dom0 shut down: reason 0 (poweroff): halting machine' "$t" || fail "the hypervisor did not halt"
    grep -q '^qemu-x86_64-run: dom0 powered off.*: exit 0$' "$t" || fail "no 'dom0 powered off: exit 0' verdict"
}

# ---------------------------------------------------------------- 1. BIOS
t0=$SECONDS
run bios X86_DOM0_ARGS="demo.shutdown=poweroff demo.work=100"
[ $RC = 0 ] || fail "make run exited $RC, want 0: $(grep 'qemu-x86_64-run:' "$LOG.txt" | tail -n 1)"
check_demo "$LOG"
grep -q '^Firmware: BIOS' "$LOG.txt" || fail "not booted by SeaBIOS"
grep -q '^CPUs online: 4' "$LOG.txt" || fail "not 4 CPUs online"
grep -q '^demo-dom0: 4 of 4 vCPUs up' "$LOG.txt" || fail "the demo did not start its 3 other vCPUs (VCPUOP_initialise + up)"
bios_secs=$((SECONDS - t0))
summary=$(sed -nE 's/^demo-dom0: (events: VIRQ_TIMER .*upcalls on vector 0xf3).*/\1/p' "$LOG.txt")

# ---------------------------------------------------------------- 2, 3: side by side
# make reports any non-zero status of the script as 2; the script's own
# code is on its verdict line.
check_code() {
    local name=$1 want=$2 what=$3 code
    shift 3
    run "$name" "$@"
    code=$(sed -n 's/^qemu-x86_64-run: .*: exit \([0-9]*\)$/\1/p' "$LOG.txt" | tail -n 1)
    if [ "$code" != "$want" ]; then
        echo "$name: exit ${code:-?} (make: $RC), want $want ($what): $(grep 'qemu-x86_64-run:' "$LOG.txt" | tail -n 1)" >"$OUT/$name.verdict"
    elif [ "$want" = 0 ] && [ $RC != 0 ] || [ "$want" != 0 ] && [ $RC != 2 ]; then
        echo "$name: make exited $RC with the script's $code" >"$OUT/$name.verdict"
    else
        echo ok >"$OUT/$name.verdict"
    fi
}
t0=$SECONDS
names="reboot crash nodom0"
if [ -f "$OVMF_CODE" ]; then
    check_code uefi 0 "OVMF, dom0 powered off" X86_FIRMWARE=uefi X86_SMP=2 \
        X86_DOM0_ARGS="demo.shutdown=poweroff demo.work=100" &
    names="uefi $names"
fi
(
    check_code reboot 1 "dom0 rebooted" X86_SMP=1 X86_DOM0_ARGS="demo.shutdown=reboot demo.work=20"
    check_code crash 1 "dom0 crashed, noreboot" X86_SMP=1 X86_DOM0_ARGS="demo.shutdown=crash demo.work=20" \
        X86_RUN_CMDLINE="console=com1 com1=115200,8n1 loglvl=all dom0_mem=128M noreboot"
    check_code nodom0 3 "no dom0: the hypervisor halts" X86_SMP=1 X86_DOM0=
)
wait
for name in $names; do
    v=$(cat "$OUT/$name.verdict" 2>/dev/null)
    [ "$v" = ok ] || { LOG=$OUT/$name.log; fail "${v:-$name: no verdict}"; }
done
uefi="UEFI skipped (no OVMF)"
if [ -f "$OVMF_CODE" ]; then
    check_demo "$OUT/uefi.log"
    grep -q '^Firmware: UEFI' "$OUT/uefi.log.txt" || { LOG=$OUT/uefi.log; fail "not booted by OVMF"; }
    uefi="UEFI exit 0"
fi
grep -q '^Hardware domain 0 shut down: reason 1$' "$OUT/reboot.log.txt" ||
    fail "the reboot run did not shut dom0 down with reason 1"
grep -q '^Hardware domain 0 shut down: reason 3$' "$OUT/crash.log.txt" ||
    fail "the crash run did not shut dom0 down with reason 3"
grep -q 'noreboot given, halting machine' "$OUT/crash.log.txt" ||
    fail "the crash run with noreboot did not halt the machine"
grep -q '^Nothing more to do yet: system halted\.' "$OUT/nodom0.log.txt" ||
    fail "the run without dom0 did not halt with nothing to do"

echo "PASS: make run ARCH=x86_64: BIOS exit 0 in $bios_secs s ($summary); $uefi, exit codes reboot 1, crash (noreboot) 1, no dom0 3 (alongside, $((SECONDS - t0)) s)"
rm -rf "$OUT"
exit 0
