#!/bin/bash
# Guest conformance runner: boots the guest test kernel as dom0 on real Xen
# 4.17 (Debian's xen-hypervisor-4.17-arm64) and on our build/arm64/xen.bin,
# with the same QEMU command line, and prints every test's verdict for both.
#
#   tests/guest/run-suite.sh arm64|arm32
#
# One boot runs every in-guest test and ends with SCHEDOP_shutdown(poweroff);
# further short boots (gt.only=none) each end with another shutdown reason,
# judged here by what QEMU does: powered off (PSCI SYSTEM_OFF, seen through
# the qemu_system_shutdown_request trace event) or reset (with -no-reboot,
# QEMU exits without that event).
#
# Exit 0 = pass, 77 = neither hypervisor could be run, 1 = a FAIL in either
# column (XFAIL-OURS and SKIP are not failures).
set -u

ARCH=${1:-}
case $ARCH in
    arm64) IMAGE_NAME=Image; WHAT="arm64 Image, AArch64 dom0" ;;
    arm32) IMAGE_NAME=zImage; WHAT="arm32 zImage, AArch32 dom0" ;;
    *) echo "usage: $0 arm64|arm32"; exit 1 ;;
esac

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1
OUT=$BUILD/tests/guest-$ARCH
GUEST=$BUILD/guest/$ARCH/$IMAGE_NAME
# GUEST_OURS_IMAGE: run the "ours" column on another image (e.g. real Xen,
# to check the runner itself).
OURS_BIN=${GUEST_OURS_IMAGE:-$BUILD/arm64/xen.bin}
BOOT_TIMEOUT=${GUEST_BOOT_TIMEOUT:-40}    # the main run (real Xen: ~1-2 s)
FINAL_TIMEOUT=${GUEST_FINAL_TIMEOUT:-60}  # a shutdown-reason run (real Xen: <= ~6 s, more on a loaded host)
HALT_MSG="Nothing more to do yet: system halted."

# Shutdown reasons tried in their own boots, and what QEMU must do for each.
# Xen 4.17 turns any dom0 shutdown into a machine action: poweroff halts,
# everything else resets (crash and unknown reasons after a 5 s delay).
case $ARCH in
    arm64) FINALS="reboot crash watchdog soft_reset suspend code:reboot raw:256 raw:257" ;;
    arm32) FINALS="reboot crash watchdog soft_reset code:reboot raw:257" ;;
esac

final_test_name() {
    case $1 in
        poweroff|reboot|crash|watchdog|soft_reset|suspend) echo "sched_op.shutdown.$1" ;;
        code:reboot) echo "sched_op.shutdown_code.reboot_then_poweroff" ;;
        raw:256) echo "sched_op.shutdown.reason_256_is_poweroff" ;;
        raw:257) echo "sched_op.shutdown.reason_257_is_reboot" ;;
        *) echo "sched_op.shutdown.$1" ;;
    esac
}

# The reason travels as a u8: 256 is poweroff, 257 reboot.
final_expect() {
    case $1 in
        poweroff|raw:256) echo off ;;
        *) echo reset ;;
    esac
}

# Several runs may share the tree (tests/run.sh started twice, a rebuild in
# another shell): each run logs into its own directory and boots private
# copies of the images; "latest" points at the newest run.
mkdir -p "$OUT" || exit 1
find "$OUT" -maxdepth 1 -name 'run.*' -type d -mmin +30 -exec rm -rf {} + 2>/dev/null
rm -f "$OUT"/*.log "$OUT"/*.txt
RUN=$OUT/run.$$
rm -rf "$RUN"
mkdir -p "$RUN" || exit 1
ln -sfn "run.$$" "$OUT/latest"

command -v qemu-system-aarch64 >/dev/null || { echo "SKIP: qemu-system-aarch64 not installed"; exit 77; }

# ---- build the guest kernel ---------------------------------------------------

mkdir -p "$BUILD/guest"
if ! flock -w 300 "$BUILD/guest/.$ARCH.lock" \
        make -s -C tests/guest O="$BUILD/guest" ARCHES="$ARCH" >"$RUN/build.txt" 2>&1 ||
   ! flock -w 60 "$BUILD/guest/.$ARCH.lock" cp "$GUEST" "$RUN/$IMAGE_NAME" 2>>"$RUN/build.txt"; then
    if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v arm-linux-gnueabihf-gcc >/dev/null; then
        echo "SKIP: cross compiler missing (sh scripts/deps.sh)"; exit 77
    fi
    echo "FAIL: guest kernel build failed:"; tail -n 20 "$RUN/build.txt"; exit 1
fi
GUEST=$RUN/$IMAGE_NAME

# ---- the two hypervisors --------------------------------------------------------

XEN_IMAGE=$(tests/guest/fetch-xen.sh "$BUILD/cache" 2>"$RUN/fetch.txt")
xen_skip=""
if [ -z "$XEN_IMAGE" ] || [ ! -s "$XEN_IMAGE" ]; then
    xen_skip="real Xen unavailable: $(tail -n 1 "$RUN/fetch.txt")"
    XEN_IMAGE=""
fi
ours_skip=""
if [ -s "$OURS_BIN" ] && cp "$OURS_BIN" "$RUN/ours.bin"; then
    OURS_IMAGE=$RUN/ours.bin
else
    ours_skip="no $OURS_BIN: run 'make ARCH=arm64' first"
fi

TOKEN="t$$r$RANDOM"
HV_ARGS="console=dtuart dtuart=/pl011@9000000 dom0_mem=256M gt-token=$TOKEN"

# boot HV IMAGE NAME TIMEOUT [BOOTARGS...]: one QEMU run; sets B_LOG, B_TXT,
# B_RC, B_SECS, B_LIMIT and B_EXIT (off | reset | timeout | error:N).
boot() {
    local hv=$1 image=$2 name=$3 start end
    B_LIMIT=$4
    shift 4
    B_LOG=$RUN/$hv-$name.log
    B_TXT=$RUN/$hv-$name.txt
    start=$(date +%s%N)
    timeout --kill-after=5 "$B_LIMIT" \
        qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 \
            -cpu cortex-a57 -smp 2 -m 1024 -nographic -no-reboot -nic none \
            -kernel "$image" -append "$HV_ARGS" \
            -device guest-loader,addr=0x49000000,kernel="$GUEST",bootargs="gt.hv=$hv gt.token=$TOKEN $*" \
            -trace qemu_system_shutdown_request \
            </dev/null >"$B_LOG" 2>&1
    B_RC=$?
    end=$(date +%s%N)
    B_SECS=$(( (end - start) / 1000000 ))
    B_SECS="$((B_SECS / 1000)).$(printf '%03d' $((B_SECS % 1000)))"
    tr -d '\r' <"$B_LOG" >"$B_TXT"
    case $B_RC in
        0) if grep -q '^qemu_system_shutdown_request' "$B_TXT"; then B_EXIT=off; else B_EXIT=reset; fi ;;
        124|137) B_EXIT=timeout ;;
        *) B_EXIT="error:$B_RC" ;;
    esac
    printf '  boot %-4s %-12s %-7s %6ss  (%s)\n' "$hv" "$name" "$B_EXIT" "$B_SECS" "${B_LOG#"$TOP"/}"
}

# ---- verdict tables ---------------------------------------------------------------

declare -A V_xen V_ours
ORDER=()
add_name() {
    local n
    for n in "${ORDER[@]}"; do [ "$n" = "$1" ] && return; done
    ORDER+=("$1")
}
setv() {
    add_name "$2"
    if [ "$1" = xen ]; then V_xen[$2]=$3; else V_ours[$2]=$3; fi
}

# Collect the guest's own TEST lines from a boot log.
collect() {
    local hv=$1 txt=$2 line name verdict
    while IFS= read -r line; do
        name=${line#TEST }; name=${name%%: *}
        verdict=${line#TEST "$name": }
        setv "$hv" "$name" "$verdict"
    done < <(grep -E '^TEST [^ :]+: (PASS|FAIL|SKIP|XFAIL-OURS)' "$txt")
}

# Judge the end of a boot against the expected machine action.
judge_final() {
    local hv=$1 final=$2 name want
    name=$(final_test_name "$final")
    want=$(final_expect "$final")
    if [ "$B_EXIT" = timeout ]; then
        setv "$hv" "$name" "FAIL (QEMU still running after ${B_LIMIT}s)"
    elif ! grep -q "^FINAL $final " "$B_TXT"; then
        setv "$hv" "$name" "FAIL (machine $B_EXIT before the guest's final act; see ${B_LOG#"$TOP"/})"
    elif grep -q '^GT: SCHEDOP_shutdown(.*) returned' "$B_TXT"; then
        setv "$hv" "$name" "FAIL ($(grep -m1 '^GT: SCHEDOP_shutdown(.*) returned' "$B_TXT" | sed 's/^GT: //'))"
    elif [ "$B_EXIT" != "$want" ]; then
        setv "$hv" "$name" "FAIL (machine $B_EXIT, expected $want)"
    else
        setv "$hv" "$name" "PASS"
    fi
}

# The build id the guest saw must be the one inside the image that booted.
judge_build_id() {
    local hv=$1 image=$2 id
    id=$(sed -n 's/^GT: build-id \([0-9a-f]*\)$/\1/p' "$B_TXT" | head -n 1)
    if [ -z "$id" ]; then
        setv "$hv" xen_version.build_id_matches_image "SKIP (the guest printed no build id)"
    elif od -An -tx1 -v "$image" | tr -d ' \n' | grep -q "474e5500$id"; then
        setv "$hv" xen_version.build_id_matches_image PASS
    else
        setv "$hv" xen_version.build_id_matches_image "FAIL (build id $id is not a GNU note in $(basename "$image"))"
    fi
}

# run_hv HV IMAGE: the main boot, then one boot per shutdown reason.
# Returns 1 (and sets HV_SKIP) if the hypervisor cannot run a dom0 at all.
run_hv() {
    local hv=$1 image=$2 final
    HV_SKIP=""
    boot "$hv" "$image" main "$BOOT_TIMEOUT"
    if ! grep -q '^GT: .* guest test kernel running' "$B_TXT"; then
        if [ "$B_EXIT" = off ] && ! grep -qiE 'panic|unexpected exception' "$B_TXT"; then
            # It halted cleanly without starting dom0: not able to run guests yet.
            if grep -qF "$HALT_MSG" "$B_TXT"; then
                HV_SKIP="$hv does not run guests yet: \"$HALT_MSG\""
            else
                HV_SKIP="$hv powered off without starting dom0: \"$(grep -v '^qemu_system' "$B_TXT" | tail -n 1)\""
            fi
            return 1
        fi
        setv "$hv" boot.dom0 "FAIL (dom0 never started: machine $B_EXIT; see ${B_LOG#"$TOP"/})"
        return 0
    fi
    setv "$hv" boot.dom0 PASS
    collect "$hv" "$B_TXT"
    if grep -q "^SUMMARY $ARCH $hv: " "$B_TXT"; then
        setv "$hv" suite.summary PASS
    else
        setv "$hv" suite.summary "FAIL (no SUMMARY line: the guest stopped early; see ${B_LOG#"$TOP"/})"
    fi
    judge_build_id "$hv" "$image"
    judge_final "$hv" poweroff
    for final in $FINALS; do
        if [ "$B_EXIT" = timeout ]; then
            # A hung shutdown would hang every run: do not wait for each.
            setv "$hv" "$(final_test_name "$final")" "SKIP (not run: an earlier run timed out)"
            continue
        fi
        boot "$hv" "$image" "${final//:/-}" "$FINAL_TIMEOUT" gt.only=none "gt.final=$final"
        judge_final "$hv" "$final"
    done
    return 0
}

echo "guest conformance suite: $WHAT"
t0=$(date +%s)
if [ -z "$xen_skip" ]; then
    echo "real Xen: $XEN_IMAGE ($(cat "$(dirname "$XEN_IMAGE")/../VERSION" 2>/dev/null || echo '?'))"
    run_hv xen "$XEN_IMAGE" || xen_skip=$HV_SKIP
fi
if [ -z "$ours_skip" ]; then
    echo "ours: $OURS_BIN"
    run_hv ours "$OURS_IMAGE" || ours_skip=$HV_SKIP
fi

# Every name either hypervisor reported; the other column says what it lacked.
[ ${#ORDER[@]} -gt 0 ] || ORDER=(boot.dom0)
fails=0 xen_ran=0 ours_ran=0
[ -n "$xen_skip" ] && echo "xen: SKIP ($xen_skip)"
[ -n "$ours_skip" ] && echo "ours: SKIP ($ours_skip)"
for n in "${ORDER[@]}"; do
    if [ -n "$xen_skip" ]; then
        vx="SKIP"
    else
        vx=${V_xen[$n]:-"FAIL (no verdict from real Xen's run)"}
        xen_ran=1
    fi
    if [ -n "$ours_skip" ]; then
        vo="SKIP"
    else
        vo=${V_ours[$n]:-"FAIL (no verdict from our run)"}
        ours_ran=1
    fi
    printf 'TEST %-44s xen: %-6s ours: %s\n' "$n" "${vx%% *}" "${vo%% *}"
    case $vx in PASS|SKIP) ;; SKIP*) echo "     xen:  $vx" ;;
        *) echo "     xen:  $vx"; fails=$((fails + 1)) ;; esac
    case $vo in PASS|SKIP) ;; SKIP*|XFAIL-OURS*) echo "     ours: $vo" ;;
        *) echo "     ours: $vo"; fails=$((fails + 1)) ;; esac
done
echo "time: $(( $(date +%s) - t0 ))s"

if [ "$fails" -gt 0 ]; then
    echo "FAIL: $fails failing verdict(s) ($ARCH)"
    exit 1
fi
if [ "$xen_ran" = 0 ] && [ "$ours_ran" = 0 ]; then
    echo "SKIP: neither hypervisor ran ($ARCH): ${xen_skip:-?}; ${ours_skip:-?}"
    exit 77
fi
echo "PASS ($ARCH): ${#ORDER[@]} tests; xen: ${xen_skip:-ran}; ours: ${ours_skip:-ran}"
exit 0
