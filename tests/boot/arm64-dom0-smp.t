#!/bin/bash
# SMP with a real dom0 workload, and how `make run` reports dom0's end.
#
# 1. -smp 4, dom0_max_vcpus=4, the demo dom0 (tools/demo-dom0, built here):
#    the banner says "CPUs online: 4"; dom0 starts vCPUs 1-3 with PSCI
#    CPU_ON and all four search for primes for 1.5 s.  Checked: every vCPU
#    came up and reported; the hypervisor's placement log (printed when dom0
#    shuts down) has a line per vCPU and the vCPUs ran on more than one pCPU
#    in all; at least two vCPUs were current on different pCPUs at the same
#    time (the log's "up to N ... at once", N >= 2); and from inside the
#    guest, at least one pair of vCPUs made progress at the same time; the
#    machine powers off and scripts/qemu-arm64-run.sh exits 0.
# 2. The wrapper's exit codes with the same kernel: demo.shutdown=reboot and
#    =crash give 1 (the machine resets), no dom0 at all gives 3 (the
#    hypervisor halts: a power-off nobody in dom0 asked for).
# Exit 0 = pass, 77 = skip, 1 = fail.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

XEN_BIN=${SMP_HV:-$BUILD/arm64/xen.bin}
OUT=$BUILD/tests/arm64-dom0-smp.$$
LIMIT=${BOOT_TIMEOUT:-30}
RUN=scripts/qemu-arm64-run.sh

skip() { echo "SKIP: $*"; rm -rf "$OUT"; exit 77; }
fail() {
    echo "FAIL (dom0 SMP): $*"
    [ -n "${LOG:-}" ] && [ -s "$LOG" ] && { echo "---- console ($LOG)"; tr -d '\r' <"$LOG" | tail -n 40; }
    exit 1
}

command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc not installed"
[ -f "$XEN_BIN" ] || skip "no arm64 image: run 'make ARCH=arm64' first"
find "$BUILD/tests" -maxdepth 1 -name 'arm64-dom0-smp.*' -type d -mmin +30 -exec rm -rf {} + 2>/dev/null
mkdir -p "$OUT" || exit 1

make -s -C tools/demo-dom0 O="$OUT/demo" >"$OUT/build.log" 2>&1 ||
    fail "cannot build the demo dom0: $(tail -n 5 "$OUT/build.log")"
IMAGE=$OUT/demo/Image

# boot NAME SMP HV_ARGS DOM0_ARGS|- : one run through the wrapper; sets RC and LOG.
boot() {
    local name=$1 smp=$2 hv_args=$3 dom0_args=$4 dev=()
    LOG=$OUT/$name.log
    [ "$dom0_args" != - ] &&
        dev=(-device "guest-loader,addr=0x49000000,kernel=$IMAGE,bootargs=$dom0_args")
    "$RUN" -t "$LIMIT" -l "$LOG" -- \
        -machine virt,virtualization=on,gic-version=3 -cpu cortex-a57 -smp "$smp" -m 1024 \
        -nographic -no-reboot -nic none -kernel "$XEN_BIN" \
        -append "console=dtuart dom0_mem=128M $hv_args" "${dev[@]}" \
        </dev/null >"$OUT/$name.out" 2>&1
    RC=$?
    tr -d '\r' <"$LOG" >"$LOG.txt"
}

# ---------------------------------------------------------------- 1. SMP
boot smp 4 "dom0_max_vcpus=4" "demo.shutdown=poweroff demo.work=1500"
T=$LOG.txt
grep -qE 'PANIC|EL2 exception|Unexpected exception' "$T" &&
    fail "hypervisor failure: $(grep -E 'PANIC|EL2 exception|Unexpected exception' "$T" | head -n 1)"
grep -q 'demo-dom0: .*FAIL' "$T" && fail "the demo reports: $(grep -o 'demo-dom0: .*FAIL.*' "$T" | head -n 1)"
[ $RC = 0 ] || fail "qemu-arm64-run.sh exited $RC, not 0 (dom0 powered off): $(tail -n 1 "$OUT/smp.out")"
grep -q '^CPUs online: 4$' "$T" || fail "the banner does not say 'CPUs online: 4'"
grep -q '^dom0: started, 4 vCPUs' "$T" || fail "dom0 did not start with 4 vCPUs"
grep -q '^demo-dom0: the hypervisor says Xen 4\.17' "$T" || fail "xen_version not reported as 4.17"
for v in 1 2 3; do
    grep -q "^demo-dom0: vCPU$v: up (MPIDR 0x$v)" "$T" || fail "vCPU$v did not come up (PSCI CPU_ON)"
done
grep -q '^demo-dom0: 4 of 4 vCPUs up' "$T" || fail "not all 4 vCPUs up"
for v in 0 1 2 3; do
    grep -qE "^demo-dom0: vCPU$v: tested [0-9]+ numbers" "$T" || fail "vCPU$v did not report its work"
done
grep -q '^demo-dom0: all 4 vCPUs done' "$T" || fail "vCPU0 did not see everyone finish"
grep -q '^Hardware domain 0 shut down: reason 0$' "$T" || fail "no poweroff shutdown of dom0"

# Placement: "d0vN: ran on pCPUs a,b (T ms, up to K of d0's vCPUs running at once)"
declare -A pcpus=()
max_together=0
for v in 0 1 2 3; do
    line=$(grep -E "^d0v$v: ran on pCPUs [0-9,]+ \(" "$T" | tail -n 1)
    [ -n "$line" ] || fail "no placement line for d0v$v"
    list=${line#*pCPUs }
    list=${list%% *}
    for c in ${list//,/ }; do pcpus[$c]=1; done
    k=$(sed -nE 's/.*up to ([0-9]+) of .*/\1/p' <<<"$line")
    [ -n "$k" ] && [ "$k" -gt "$max_together" ] && max_together=$k
done
[ ${#pcpus[@]} -gt 1 ] || fail "dom0's vCPUs all ran on one pCPU (${!pcpus[*]})"
[ "$max_together" -ge 2 ] || fail "no two dom0 vCPUs were ever current on different pCPUs at once"
# The placement log comes before the power-off.
order=$(grep -nE '^(d0v[0-9]+: ran on|Domain 0 shut down: powering off)' "$T" | tail -n 1)
case $order in *"powering off"*) ;; *) fail "placement log not printed before the power-off" ;; esac
pairs=$(sed -nE 's/^demo-dom0: all 4 vCPUs done: .*; ([0-9]+) pair.*/\1/p' "$T")
[ "${pairs:-0}" -ge 1 ] || fail "inside the guest no two vCPUs were seen making progress at the same time"
smp_summary="pCPUs used: $(echo "${!pcpus[@]}" | tr ' ' '\n' | sort -n | tr '\n' ' ')"
smp_summary="${smp_summary% }, up to $max_together vCPUs at once, $pairs concurrent pair(s) seen by the guest"

# ---------------------------------------------------------------- 2. exit codes
# Three short boots, run side by side.
check_code() {
    local name=$1 want=$2 what=$3
    boot "$name" 2 "dom0_max_vcpus=2" "$4"
    if [ $RC != "$want" ]; then
        echo "$name: exit $RC, want $want ($what): $(tail -n 1 "$OUT/$name.out")" >"$OUT/$name.verdict"
    else
        echo ok >"$OUT/$name.verdict"
    fi
}
check_code reboot 1 "dom0 rebooted" "demo.shutdown=reboot demo.work=20" &
check_code crash 1 "dom0 crashed" "demo.shutdown=crash demo.work=20" &
check_code nodom0 3 "no dom0: the hypervisor halts" - &
wait
for name in reboot crash nodom0; do
    v=$(cat "$OUT/$name.verdict" 2>/dev/null)
    [ "$v" = ok ] || { LOG=$OUT/$name.log; fail "${v:-$name: no verdict}"; }
done
grep -q '^Hardware domain 0 shut down: reason 1$' "$OUT/reboot.log.txt" ||
    fail "the reboot boot did not shut dom0 down with reason 1"
grep -q '^Hardware domain 0 shut down: reason 3$' "$OUT/crash.log.txt" ||
    fail "the crash boot did not shut dom0 down with reason 3"

echo "PASS: dom0 SMP (4 CPUs online, 4 vCPUs up; $smp_summary); exit codes poweroff 0, reboot 1, crash 1, no dom0 3"
rm -rf "$OUT"
exit 0
