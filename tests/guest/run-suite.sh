#!/bin/bash
# Guest conformance runner: boots the guest test kernel as dom0 on real Xen
# 4.17 and on ours, with the same QEMU command line, and prints every test's
# verdict for both.
#
#   tests/guest/run-suite.sh arm64|arm32|x86_64|x86_32
#
# Arm: Debian's xen-hypervisor-4.17-arm64 and our build/arm64/xen.bin, the
# kernel handed over by QEMU's guest-loader, and as its ramdisk (a second
# guest-loader module, initrd=) the domU that cases/domu.c builds.  x86: Debian's
# xen-hypervisor-4.17-amd64 and our build/x86_64/xen, each on a GRUB rescue
# ISO built here per boot (multiboot2 = the hypervisor, module2 = the PVH
# kernel and its command line), dom0=pvh.
#
# One boot runs every in-guest test and ends with SCHEDOP_shutdown(poweroff);
# further short boots (gt.only=none) each end with another shutdown reason,
# judged here by what QEMU does: powered off (PSCI SYSTEM_OFF or ACPI S5,
# seen through the qemu_system_shutdown_request trace event), reset (with
# -no-reboot, QEMU exits without that event) or halted (x86: QEMU still runs
# after the hypervisor said it halts, and the runner stops it).  On x86
# (x86_64 and x86_32) ours' main boot is repeated with UEFI firmware (OVMF):
# every verdict of that boot is reported again as uefi/<name>, and boot.uefi
# says whether they all match the SeaBIOS boot's.
#
# Exit 0 = pass, 77 = neither hypervisor could be run, 1 = a FAIL in either
# column (XFAIL-OURS and SKIP are not failures).
set -u

ARCH=${1:-}
case $ARCH in
    arm64) IMAGE_NAME=Image; WHAT="arm64 Image, AArch64 dom0"; FAMILY=arm ;;
    arm32) IMAGE_NAME=zImage; WHAT="arm32 zImage, AArch32 dom0"; FAMILY=arm ;;
    x86_64) IMAGE_NAME=pvh.elf; WHAT="x86_64 PVH kernel, 64-bit PVH dom0"; FAMILY=x86 ;;
    x86_32) IMAGE_NAME=pvh.elf; WHAT="x86_32 PVH kernel, 32-bit PVH dom0"; FAMILY=x86 ;;
    *) echo "usage: $0 arm64|arm32|x86_64|x86_32"; exit 1 ;;
esac

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1
OUT=$BUILD/tests/guest-$ARCH
GUEST=$BUILD/guest/$ARCH/$IMAGE_NAME
# GUEST_OURS_IMAGE: run the "ours" column on another image (e.g. real Xen,
# to check the runner itself).
if [ "$FAMILY" = arm ]; then
    OURS_BIN=${GUEST_OURS_IMAGE:-$BUILD/arm64/xen.bin}
    OURS_MAKE="make ARCH=arm64"
    DEBARCH=arm64
else
    OURS_BIN=${GUEST_OURS_IMAGE:-$BUILD/x86_64/xen}
    OURS_MAKE="make ARCH=x86_64"
    DEBARCH=amd64
fi
BOOT_TIMEOUT=${GUEST_BOOT_TIMEOUT:-90}    # the main run (real Xen: ~10 s with the 54 domU cycles, 30-40 s on a loaded host; x86 UEFI ~7-15 s)
FINAL_TIMEOUT=${GUEST_FINAL_TIMEOUT:-60}  # a shutdown-reason run (real Xen: <= ~7 s, more on a loaded host)
HALT_MSG="Nothing more to do yet: system halted."
# x86 has no firmware-independent power-off: a hypervisor halts the CPUs
# and says so first - real Xen "Hardware Dom0 halted: halting machine" (or,
# with noreboot, "'noreboot' set - not rebooting."), ours HALT_MSG.  Failing
# such a line, a machine that printed the guest's FINAL line and then
# stayed silent for HALT_QUIET seconds counts as halted too - unless the
# hypervisor announced a (delayed) reboot after it.
HALT_RE="halting machine|'noreboot' set - not rebooting|$HALT_MSG"
HALT_QUIET=${GUEST_HALT_QUIET:-10}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}

# Shutdown reasons tried in their own boots, and what QEMU must do for each.
# Xen 4.17 turns any dom0 shutdown into a machine action: poweroff halts,
# everything else resets (crash and unknown reasons after a 5 s delay).
case $ARCH in
    arm64) FINALS="reboot crash watchdog soft_reset suspend code:reboot raw:256 raw:257" ;;
    arm32) FINALS="reboot crash watchdog soft_reset code:reboot raw:257" ;;
    # x86 boots take longer; what differs from Arm is the way in (64-bit or
    # compat hypercall) and the machine action, not Xen's common switch over
    # the reasons: watchdog, soft_reset and suspend only repeat reboot's and
    # crash's paths there.
    x86_64) FINALS="reboot crash code:reboot raw:256 raw:257" ;;
    x86_32) FINALS="reboot crash code:reboot raw:257" ;;
esac
# x86: the main boot again on OVMF, for ours: the hypervisor's EFI entry
# and memory map under the whole suite, for the 64-bit and the 32-bit guest
# (real Xen passes it too, in ~7 s more per suite: GUEST_XEN_UEFI=1).
case $FAMILY in
    x86) UEFI_BOOT=1 ;;
    *) UEFI_BOOT="" ;;
esac
UEFI_PREFIX=uefi/
XEN_UEFI=${GUEST_XEN_UEFI:-}

final_test_name() {
    case $1 in
        poweroff|reboot|crash|watchdog|soft_reset|suspend) echo "sched_op.shutdown.$1" ;;
        code:reboot) echo "sched_op.shutdown_code.reboot_then_poweroff" ;;
        raw:256) echo "sched_op.shutdown.reason_256_is_poweroff" ;;
        raw:257) echo "sched_op.shutdown.reason_257_is_reboot" ;;
        *) echo "sched_op.shutdown.$1" ;;
    esac
}

# The reason travels as a u8: 256 is poweroff, 257 reboot.  Poweroff turns
# an Arm machine off (PSCI SYSTEM_OFF); on x86 Xen only halts the CPUs.
final_expect() {
    case $1 in
        poweroff|raw:256) if [ "$FAMILY" = x86 ]; then echo halt; else echo off; fi ;;
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

if [ "$FAMILY" = arm ]; then
    command -v qemu-system-aarch64 >/dev/null || { echo "SKIP: qemu-system-aarch64 not installed"; exit 77; }
else
    for tool in qemu-system-x86_64 grub-mkrescue xorriso; do
        command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
    done
    [ -d /usr/lib/grub/i386-pc ] || { echo "SKIP: grub-pc-bin not installed"; exit 77; }
fi

# ---- build the guest kernel ---------------------------------------------------

mkdir -p "$BUILD/guest"
if ! flock -w 300 "$BUILD/guest/.$ARCH.lock" \
        make -s -C tests/guest O="$BUILD/guest" ARCHES="$ARCH" >"$RUN/build.txt" 2>&1 ||
   ! flock -w 60 "$BUILD/guest/.$ARCH.lock" cp "$GUEST" "$RUN/$IMAGE_NAME" 2>>"$RUN/build.txt" ||
   { [ "$FAMILY" = arm ] &&
     ! flock -w 60 "$BUILD/guest/.$ARCH.lock" cp "$BUILD/guest/$ARCH/domu.img" "$RUN/domu.img" \
         2>>"$RUN/build.txt"; }; then
    if [ "$FAMILY" = arm ] &&
       { ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v arm-linux-gnueabihf-gcc >/dev/null; }; then
        echo "SKIP: cross compiler missing (sh scripts/deps.sh)"; exit 77
    fi
    echo "FAIL: guest kernel build failed:"; tail -n 20 "$RUN/build.txt"; exit 1
fi
GUEST=$RUN/$IMAGE_NAME

# ---- the two hypervisors --------------------------------------------------------

XEN_IMAGE=$(tests/guest/fetch-xen.sh "$BUILD/cache" $DEBARCH 2>"$RUN/fetch.txt")
xen_skip=""
if [ -z "$XEN_IMAGE" ] || [ ! -s "$XEN_IMAGE" ]; then
    xen_skip="real Xen unavailable: $(tail -n 1 "$RUN/fetch.txt")"
    XEN_IMAGE=""
fi
ours_skip=""
if [ -s "$OURS_BIN" ] && cp "$OURS_BIN" "$RUN/ours.bin"; then
    OURS_IMAGE=$RUN/ours.bin
else
    ours_skip="no $OURS_BIN: run '$OURS_MAKE' first"
fi

TOKEN="t$$r$RANDOM"
if [ "$FAMILY" = arm ]; then
    HV_ARGS="console=dtuart dtuart=/pl011@9000000 dom0_mem=256M gt-token=$TOKEN"
else
    # dom0=pvh needs HAP (-cpu ...,+svm,+npt) and an IOMMU (-device
    # intel-iommu): without one Xen 4.17 panics "Presently, iommu must be
    # enabled for PVH hardware domain".
    HV_ARGS="console=com1 com1=115200,8n1 dom0=pvh dom0_mem=256M loglvl=all guest_loglvl=all noreboot=false gt-token=$TOKEN"
fi
UEFI_SKIP=""
[ -f "$OVMF_CODE" ] && [ -f "$OVMF_VARS" ] || UEFI_SKIP="OVMF not installed ($OVMF_CODE)"

# x86: a GRUB rescue ISO for one boot: the hypervisor with HV_ARGS, the PVH
# kernel as its module with the guest's command line, GRUB on the serial
# line.  grub-mkrescue puts both the BIOS and the UEFI GRUB on it.
make_iso() {
    scripts/grub-iso.sh "$1" "$2" "$HV_ARGS" "$GUEST" "$3"
}

# x86: run QEMU in the background and stop it once the machine has halted
# (HALT_RE, or silence after FINAL) or the time is up.  Sets B_RC (QEMU's
# status, 0 if halted, 124 if it timed out) and B_HALTED.
run_x86_qemu() {
    local limit=$1 t0=$SECONDS pid size last_size=-1 quiet_since=$SECONDS
    shift
    B_HALTED=""
    timeout --kill-after=5 $((limit + 5)) "$@" </dev/null >>"$B_LOG" 2>&1 &
    pid=$!
    while kill -0 $pid 2>/dev/null; do
        if grep -aqE "$HALT_RE" "$B_LOG"; then
            # Leave a moment for a reset that might still follow.
            sleep 0.5
            kill -0 $pid 2>/dev/null && B_HALTED=1
            break
        fi
        size=$(stat -c %s "$B_LOG" 2>/dev/null || echo 0)
        if [ "$size" != "$last_size" ]; then
            last_size=$size
            quiet_since=$SECONDS
        elif [ $((SECONDS - quiet_since)) -ge "$HALT_QUIET" ] && grep -aq '^FINAL ' "$B_LOG" &&
             ! sed -n '/^FINAL /,$p' "$B_LOG" | grep -aqiE 'reboot|restart|reset'; then
            B_HALTED=1
            break
        fi
        [ $((SECONDS - t0)) -ge "$limit" ] && break
        sleep 0.2
    done
    if kill -0 $pid 2>/dev/null; then
        kill $pid 2>/dev/null
        wait $pid 2>/dev/null
        if [ -n "$B_HALTED" ]; then B_RC=0; else B_RC=124; fi
    else
        wait $pid
        B_RC=$?
        B_HALTED=""
    fi
}

# boot HV IMAGE NAME TIMEOUT [BOOTARGS...]: one QEMU run; sets B_LOG, B_TXT,
# B_RC, B_SECS, B_LIMIT and B_EXIT (off | reset | halt | timeout | error:N).
# x86: a NAME ending in "-uefi" boots with OVMF instead of SeaBIOS.
boot() {
    local hv=$1 image=$2 name=$3 start end iso fw
    B_LIMIT=$4
    shift 4
    B_LOG=$RUN/$hv-$name.log
    B_TXT=$RUN/$hv-$name.txt
    B_HALTED=""
    start=$(date +%s%N)
    if [ "$FAMILY" = arm ]; then
        timeout --kill-after=5 "$B_LIMIT" \
            qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 \
                -cpu cortex-a57 -smp 2 -m 1024 -nographic -no-reboot -nic none \
                -kernel "$image" -append "$HV_ARGS" \
                -device guest-loader,addr=0x49000000,kernel="$GUEST",bootargs="gt.hv=$hv gt.token=$TOKEN $*" \
                -device guest-loader,addr=0x4a000000,initrd="$RUN/domu.img" \
                -trace qemu_system_shutdown_request \
                </dev/null >"$B_LOG" 2>&1
        B_RC=$?
    else
        iso=$RUN/$hv-$name.iso
        fw=()
        if ! make_iso "$iso" "$image" "gt.hv=$hv gt.token=$TOKEN $*" >"$B_LOG" 2>&1; then
            B_RC=1
        else
            if [ "${name%-uefi}" != "$name" ]; then
                cp "$OVMF_VARS" "$RUN/$hv-$name.vars.fd"
                fw=(-drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE"
                    -drive "if=pflash,format=raw,file=$RUN/$hv-$name.vars.fd")
            fi
            run_x86_qemu "$B_LIMIT" \
                qemu-system-x86_64 -machine q35 -cpu qemu64,+svm,+npt -smp 2 -m 1024 \
                    -nographic -no-reboot -nic none -device intel-iommu "${fw[@]}" \
                    -cdrom "$iso" -trace qemu_system_shutdown_request
            rm -f "$iso" "$RUN/$hv-$name.vars.fd"
        fi
    fi
    end=$(date +%s%N)
    B_SECS=$(( (end - start) / 1000000 ))
    B_SECS="$((B_SECS / 1000)).$(printf '%03d' $((B_SECS % 1000)))"
    tr -d '\r' <"$B_LOG" >"$B_TXT"
    case $B_RC in
        0) if [ -n "$B_HALTED" ]; then B_EXIT=halt
           elif grep -q '^qemu_system_shutdown_request' "$B_TXT"; then B_EXIT=off
           else B_EXIT=reset; fi ;;
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

# Collect the guest's own TEST lines from a boot log, each name after
# PREFIX (empty, or uefi/ for the OVMF boot).
collect() {
    local hv=$1 txt=$2 prefix=${3:-} line name verdict
    while IFS= read -r line; do
        name=${line#TEST }; name=${name%%: *}
        verdict=${line#TEST "$name": }
        setv "$hv" "$prefix$name" "$verdict"
    done < <(grep -E '^TEST [^ :]+: (PASS|FAIL|SKIP|XFAIL-OURS)' "$txt")
}

# Judge the end of a boot against the expected machine action.
judge_final() {
    local hv=$1 final=$2 prefix=${3:-} name want
    name=$prefix$(final_test_name "$final")
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
    local hv=$1 image=$2 name=${3:-}xen_version.build_id_matches_image id
    id=$(sed -n 's/^GT: build-id \([0-9a-f]*\)$/\1/p' "$B_TXT" | head -n 1)
    if [ -z "$id" ]; then
        setv "$hv" "$name" "SKIP (the guest printed no build id)"
    elif od -An -tx1 -v "$image" | tr -d ' \n' | grep -q "474e5500$id"; then
        setv "$hv" "$name" PASS
    else
        setv "$hv" "$name" "FAIL (build id $id is not a GNU note in $(basename "$image"))"
    fi
}

# The suite's own summary line, and the boot.dom0 verdict for it.
judge_summary() {
    local hv=$1 prefix=${2:-}
    if grep -q "^SUMMARY $ARCH $hv: " "$B_TXT"; then
        setv "$hv" "${prefix}suite.summary" PASS
    else
        setv "$hv" "${prefix}suite.summary" "FAIL (no SUMMARY line: the guest stopped early; see ${B_LOG#"$TOP"/})"
    fi
}

# x86: the main boot again under UEFI; every test the guest runs must give
# the same verdict as under BIOS (and the machine must halt as usual).
judge_uefi() {
    local hv=$1 bios_txt=$2 diffs
    if [ "$B_EXIT" = timeout ] || ! grep -q '^GT: .* guest test kernel running' "$B_TXT"; then
        setv "$hv" boot.uefi "FAIL (dom0 never started under UEFI: machine $B_EXIT; see ${B_LOG#"$TOP"/})"
        return
    fi
    diffs=$(diff <(grep -E '^TEST [^ :]+: ' "$bios_txt" | sed 's/ (.*//') \
                 <(grep -E '^TEST [^ :]+: ' "$B_TXT" | sed 's/ (.*//') |
            sed -n 's/^> TEST //p' | tr '\n' ';' | sed 's/;$//; s/;/; /g')
    if [ -n "$diffs" ]; then
        setv "$hv" boot.uefi "FAIL (other verdicts under UEFI: $diffs)"
    elif ! grep -q "^SUMMARY $ARCH $hv: " "$B_TXT"; then
        setv "$hv" boot.uefi "FAIL (no SUMMARY line under UEFI; see ${B_LOG#"$TOP"/})"
    elif [ "$B_EXIT" != "$(final_expect poweroff)" ]; then
        setv "$hv" boot.uefi "FAIL (machine $B_EXIT after the poweroff, expected $(final_expect poweroff))"
    else
        setv "$hv" boot.uefi PASS
    fi
}

# Halted (or powered off) without starting dom0 and without a panic: the
# hypervisor cannot run guests yet.  Prints the reason, or nothing.
clean_stop_reason() {
    local hv=$1 how
    [ "$B_EXIT" = off ] || [ "$B_EXIT" = halt ] || return 0
    grep -qiE 'panic|unexpected exception' "$B_TXT" && return 0
    if grep -qF "$HALT_MSG" "$B_TXT"; then
        echo "$hv does not run guests yet: \"$HALT_MSG\""
    else
        if [ "$B_EXIT" = off ]; then how="powered off"; else how="halted"; fi
        echo "$hv $how without starting dom0: \"$(grep -v '^qemu_system' "$B_TXT" | tail -n 1)\""
    fi
}

# run_hv HV IMAGE: the main boot, then one boot per shutdown reason.
# Returns 1 (and sets HV_SKIP) if the hypervisor cannot run a dom0 at all.
run_hv() {
    local hv=$1 image=$2 final bios_txt why
    HV_SKIP=""
    boot "$hv" "$image" main "$BOOT_TIMEOUT"
    if ! grep -q '^GT: .* guest test kernel running' "$B_TXT"; then
        why=$(clean_stop_reason "$hv")
        if [ -n "$why" ] && [ -n "$UEFI_BOOT" ] && [ -z "$UEFI_SKIP" ]; then
            # The same under UEFI?  Then the column is a SKIP as well.
            boot "$hv" "$image" main-uefi "$BOOT_TIMEOUT"
            if ! grep -q '^GT: .* guest test kernel running' "$B_TXT" &&
               [ -n "$(clean_stop_reason "$hv")" ]; then
                why="$why (BIOS and UEFI)"
            else
                setv "$hv" boot.dom0 "FAIL (BIOS: $why; but UEFI: machine $B_EXIT, see ${B_LOG#"$TOP"/})"
                return 0
            fi
        fi
        if [ -n "$why" ]; then
            HV_SKIP=$why
            return 1
        fi
        setv "$hv" boot.dom0 "FAIL (dom0 never started: machine $B_EXIT; see ${B_LOG#"$TOP"/})"
        return 0
    fi
    setv "$hv" boot.dom0 PASS
    collect "$hv" "$B_TXT"
    judge_summary "$hv"
    judge_build_id "$hv" "$image"
    judge_final "$hv" poweroff
    if [ -n "$UEFI_BOOT" ] && [ "$B_EXIT" != timeout ]; then
        if [ -n "$UEFI_SKIP" ]; then
            setv "$hv" boot.uefi "SKIP ($UEFI_SKIP)"
        elif [ "$hv" = xen ] && [ -z "$XEN_UEFI" ]; then
            setv "$hv" boot.uefi "SKIP (real Xen is booted with SeaBIOS only; GUEST_XEN_UEFI=1 adds OVMF)"
        else
            # Every verdict again, as uefi/<name>, then whether they match.
            bios_txt=$B_TXT
            boot "$hv" "$image" main-uefi "$BOOT_TIMEOUT"
            judge_uefi "$hv" "$bios_txt"
            if grep -q '^GT: .* guest test kernel running' "$B_TXT"; then
                collect "$hv" "$B_TXT" "$UEFI_PREFIX"
                judge_summary "$hv" "$UEFI_PREFIX"
                judge_build_id "$hv" "$image" "$UEFI_PREFIX"
                judge_final "$hv" poweroff "$UEFI_PREFIX"
            fi
        fi
    fi
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
uefi_names=0
for n in "${ORDER[@]}"; do
    [ "${n#"$UEFI_PREFIX"}" != "$n" ] && uefi_names=$((uefi_names + 1))
    if [ -n "$xen_skip" ]; then
        vx="SKIP"
    elif [ "${n#"$UEFI_PREFIX"}" != "$n" ] && [ -z "$XEN_UEFI" ]; then
        vx="SKIP"                       # real Xen's OVMF boot is optional (said once below)
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
[ "$uefi_names" -gt 0 ] && [ -z "$xen_skip" ] && [ -z "$XEN_UEFI" ] &&
    echo "note: the $uefi_names uefi/ verdicts are ours' OVMF boot; real Xen is booted with SeaBIOS only (GUEST_XEN_UEFI=1 adds OVMF)"
# Marked tests that pass on ours: the mark should go.
[ -z "$ours_skip" ] && [ -f "$RUN/ours-main.txt" ] && grep -h '^GT: note: ' "$RUN/ours-main.txt"
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
