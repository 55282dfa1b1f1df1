#!/bin/bash
# Real toolstack, end to end: Debian's Linux 6.1 arm64 kernel boots as dom0
# with an initramfs holding Debian's xl 4.17, xenstored, xenconsoled and
# their libraries (tests/toolstack/assemble.sh), and its /init
# (tests/toolstack/init.sh) walks through what an administrator does:
# load the Xen drivers, mount xenfs, start xenstored and xenconsoled,
# `xl info`, `xl list`, `xl create` of a small PV-style Arm domU (the guest
# test framework's kernel, told to run no test and power itself off), wait
# for it to end, `xl destroy` if it did not, `xl list` and `xl info` again
# (free memory must be what it was), then power off.  Every step prints
# "XLTEST step=NAME rc=N ...".
#
# The same initramfs boots on real Xen 4.17 (Debian's xen-hypervisor-4.17-
# arm64: the oracle) and on ours (build/arm64/xen.bin), side by side under
# the same QEMU command line.  The test prints both columns and passes when
# real Xen passes every judged step and ours passes every step of
# OURS_EXPECTED below (what ours passes as of main 6bee889: everything;
# docs/toolstack.md has the remaining difference).  A step of ours outside
# the list that now passes is reported so that the list can grow.
#
# Exit 0 = pass, 77 = cannot run (QEMU, packages, images missing), 1 = fail.
# Knobs: XLTEST_BOOT_TIMEOUT (seconds per boot, default 150),
# XLTEST_CACHE (see assemble.sh), XLTEST_HV_OURS (another image for ours),
# XLTEST_ONLY=xen|ours (boot one side only; the verdict then covers that
# side alone).
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1
HERE=tests/toolstack
OUT=$BUILD/tests/toolstack-arm64
BOOT_TIMEOUT=${XLTEST_BOOT_TIMEOUT:-150}
OURS_BIN=${XLTEST_HV_OURS:-$BUILD/arm64/xen.bin}
ONLY=${XLTEST_ONLY:-}

# Steps ours must pass (in init.sh's order).  info-fields is the host part
# of `xl info` compared with real Xen's (SAME_FIELDS).
OURS_EXPECTED="init insmod-xen-privcmd insmod-xen-evtchn insmod-xen-gntdev insmod-xen-gntalloc
insmod-xenfs xenfs caps devxen xenstored xenstore-rw init-dom0 xenconsoled xenconsoled-running
info info-fields list dmesg vcpu-list cpupool-list info-n debug-keys vcpu-pin sched list-dom0
test-resource test-paging-mempool create-bad create wait shutdown-reason destroy-needed list-after
list-gone memory"
# xl info fields that describe the same QEMU machine and ABI and so must
# read the same on both.  Others differ on purpose (docs/toolstack.md):
# total_memory/free_memory (what each hypervisor keeps), xen_extra,
# xen_scheduler (credit2 vs credit), virt_caps (vpmu).
SAME_FIELDS="nr_cpus max_cpu_id nr_nodes cores_per_socket threads_per_core cpu_mhz xen_major
xen_minor xen_caps xen_pagesize"
# Every step init.sh marks, in order: the table's rows.
ALL_STEPS="init insmod-xen-privcmd insmod-xen-evtchn insmod-xen-gntdev insmod-xen-gntalloc
insmod-xenfs xenfs caps devxen xenstored xenstore-rw init-dom0 xenconsoled xenconsoled-running
info info-fields list dmesg vcpu-list cpupool-list info-n debug-keys vcpu-pin sched list-dom0 test-resource test-paging-mempool create-bad create wait shutdown-reason destroy-needed list-after list-gone memory memory-total
done"
# Shown, never judged, on either side: memory-total compares free memory
# (MiB) at the first `xl info` and at the end, so it also counts
# what a hypervisor keeps for dom0's own use meanwhile (stage-2 tables for
# its mappings, maptrack frames), which neither has to give back.
INFO_ONLY="memory-total"
# Steps that say something about the domU only when it was created.
AFTER_CREATE="wait shutdown-reason destroy-needed memory memory-total"

skip() { echo "SKIP: $*"; exit 77; }
t0=$(date +%s)

command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
command -v python3 >/dev/null || skip "python3 not installed"
mkdir -p "$OUT" || exit 1
exec 8>"$OUT/.lock"
flock -w 300 8 || { echo "FAIL: cannot lock $OUT"; exit 1; }
rm -rf "$OUT/ov" "$OUT"/*.log "$OUT"/*.gz

# ---- inputs -------------------------------------------------------------------------
if [ "$ONLY" != xen ]; then
    [ -s "$OURS_BIN" ] || skip "no $OURS_BIN: run 'make ARCH=arm64' first"
    cp "$OURS_BIN" "$OUT/ours.bin" || exit 1
fi
if [ "$ONLY" != ours ]; then
    XEN_IMAGE=$(tests/guest/fetch-xen.sh "$BUILD/cache" arm64 2>"$OUT/fetch.txt") ||
        skip "real Xen 4.17 unavailable: $(tail -n 1 "$OUT/fetch.txt")"
fi
mkdir -p "$BUILD/guest"
if ! flock -w 300 "$BUILD/guest/.arm64.lock" make -s -C tests/guest O="$BUILD/guest" ARCHES=arm64 \
        >"$OUT/guest-build.txt" 2>&1; then
    command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc not installed"
    echo "FAIL: guest kernel build failed:"; tail -n 20 "$OUT/guest-build.txt"; exit 1
fi
ASM=$("$HERE/assemble.sh" 2>"$OUT/assemble.txt")
rc=$?
[ $rc = 77 ] && skip "Debian packages unavailable: $(tail -n 1 "$OUT/assemble.txt")"
[ $rc = 0 ] || { echo "FAIL: assembling the initramfs:"; tail -n 20 "$OUT/assemble.txt"; exit 1; }
KERNEL=$(echo "$ASM" | sed -n 's/^KERNEL=//p')
BASE=$(echo "$ASM" | sed -n 's/^BASE=//p')

# The test's own part of the initramfs, appended to the cached base.
mkdir -p "$OUT/ov/xltest" || exit 1
cp "$HERE/init.sh" "$OUT/ov/init" && chmod 755 "$OUT/ov/init" || exit 1
flock -w 60 "$BUILD/guest/.arm64.lock" cp "$BUILD/guest/arm64/Image" "$OUT/ov/xltest/Image" || exit 1
cat >"$OUT/ov/xltest/domu.cfg" <<'EOF'
# A PV-style Arm guest: kernel only, no disk, no network.  The guest test
# kernel runs no test (gt.only=none) and powers off (SCHEDOP_shutdown).
name = "xltest-domu"
kernel = "/xltest/Image"
memory = 32
vcpus = 1
extra = "gt.only=none gt.final=poweroff"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
EOF
cat >"$OUT/ov/xltest/bad.cfg" <<'EOF'
# Not a kernel: the build fails after the domain exists; xl cleans up.
name = "xltest-bad"
kernel = "/xltest/args"
memory = 32
vcpus = 1
EOF
echo "XLTEST_WAIT=20" >"$OUT/ov/xltest/args"
python3 -B "$HERE/mkcpio.py" "$OUT/ov" "$OUT/overlay.cpio.gz" || exit 1
cat "$BASE" "$OUT/overlay.cpio.gz" >"$OUT/initrd.gz" || exit 1

# ---- the two boots, in parallel -------------------------------------------------------
boot() {
    local image=$1 log=$2
    timeout "$BOOT_TIMEOUT" qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 \
        -cpu cortex-a57 -smp 2 -m 2048 -nographic -no-reboot -kernel "$image" \
        -append "dom0_mem=512M console=dtuart dtuart=/pl011@9000000 loglvl=all guest_loglvl=all" \
        -device guest-loader,addr=0x49000000,kernel="$KERNEL",bootargs="console=hvc0 rdinit=/init quiet" \
        -device guest-loader,addr=0x50000000,initrd="$OUT/initrd.gz" \
        </dev/null >"$log" 2>&1
    echo $? >"$log.rc"
}
start=$(date +%s)
[ "$ONLY" != ours ] && boot "$XEN_IMAGE" "$OUT/xen.log" &
[ "$ONLY" != xen ] && boot "$OUT/ours.bin" "$OUT/ours.log" &
wait
wall=$(($(date +%s) - start))

# ---- verdicts ---------------------------------------------------------------------------
# result LOG STEP: the step's rc, "-" when it never ran; info-fields and done
# are derived here.
declare -A RES=()
fields_of() { sed -n 's/^XLTEST step=info rc=0 //p' "$1" | tr -d '\r' | tr ' ' '\n' | grep '='; }
parse() {
    local side=$1 log=$2 step rc
    [ -f "$log" ] || return
    while read -r step rc; do
        RES[$side.$step]=$rc
    done < <(tr -d '\r' <"$log" | sed -n 's/^XLTEST step=\([^ ]*\) rc=\([0-9]*\).*/\1 \2/p')
    grep -aq '^XLTEST done' "$log" && RES[$side.done]=0
}
[ "$ONLY" != ours ] && parse xen "$OUT/xen.log"
[ "$ONLY" != xen ] && parse ours "$OUT/ours.log"

# info-fields: ours' host fields against real Xen's (when both ran).
field_diffs=""
if [ -z "$ONLY" ] && [ "${RES[xen.info]:-}" = 0 ] && [ "${RES[ours.info]:-}" = 0 ]; then
    RES[xen.info-fields]=0
    RES[ours.info-fields]=0
    for f in $SAME_FIELDS; do
        a=$(fields_of "$OUT/xen.log" | sed -n "s/^$f=//p")
        b=$(fields_of "$OUT/ours.log" | sed -n "s/^$f=//p")
        if [ -z "$a" ] || [ "$a" != "$b" ]; then
            RES[ours.info-fields]=1
            field_diffs="$field_diffs $f: xen '$a' ours '$b';"
        fi
    done
fi

failed=""
newly=""
printf '%-22s %-8s %-8s %s\n' step real-xen ours "ours expected (info: never judged)"
for s in $ALL_STEPS; do
    x=${RES[xen.$s]:--}; o=${RES[ours.$s]:--}
    exp=no
    case " $(echo $OURS_EXPECTED) " in *" $s "*) exp=yes ;; esac
    [ "$ONLY" = ours ] && x=.
    [ "$ONLY" = xen ] && o=.
    # Comparing needs both columns.
    [ -n "$ONLY" ] && [ "$s" = info-fields ] && { x=.; o=.; }
    case " $INFO_ONLY " in *" $s "*) exp=info ;; esac
    printf '%-22s %-8s %-8s %s\n' "$s" "$x" "$o" "$exp"
    [ "$exp" = info ] && continue
    [ "$x" = 0 ] || [ "$x" = . ] || failed="$failed xen:$s"
    if [ "$exp" = yes ]; then
        [ "$o" = 0 ] || [ "$o" = . ] || failed="$failed ours:$s"
    elif [ "$o" = 0 ] && [ "$s" != done ]; then
        case " $(echo $AFTER_CREATE) " in
            *" $s "*) [ "${RES[ours.create]:-}" = 0 ] && newly="$newly $s" ;;
            *) newly="$newly $s" ;;
        esac
    fi
done
[ -n "$field_diffs" ] && echo "xl info fields that differ:$field_diffs"
for side in xen ours; do
    [ -f "$OUT/$side.log" ] || continue
    echo "$side: QEMU status $(cat "$OUT/$side.log.rc" 2>/dev/null) (124 = timed out after ${BOOT_TIMEOUT}s)," \
         "xl info: $(fields_of "$OUT/$side.log" | grep -E '^(total_memory|free_memory|xen_scheduler|virt_caps)=' | tr '\n' ' ')"
    mem=$(tr -d '\r' <"$OUT/$side.log" | sed -n 's/^XLTEST step=memory-total rc=[0-9]* \(free_first=[^ ]* free_after=[^ ]*\).*/\1/p')
    [ -n "$mem" ] && echo "$side: $mem (MiB)"
    if [ "${RES[$side.memory-total]:-0}" != 0 ]; then
        echo "$side: free memory (MiB) after each step that made domains:" \
             "$(tr -d '\r' <"$OUT/$side.log" | sed -n 's/^XLTEST free after=\([^ ]*\) free=\([0-9]*\).*/\1=\2/p' | tr '\n' ' ')"
    fi
    # What libxl/libxc said when a step failed: the evidence for the gap list.
    if [ "${RES[$side.create]:-0}" != 0 ]; then
        echo "$side: xl create errors:"
        tr -d '\r' <"$OUT/$side.log" | grep -a '^XLOUT create: .*\(error\|panic\|failed\)' | grep -v 'loader probe failed' | sed 's/^XLOUT create: /    /' | head -n 12
    fi
done
echo "wall time: $((start - t0))s to prepare, ${wall}s for the boots (logs: $OUT/xen.log, $OUT/ours.log)"
[ -n "$newly" ] && echo "NOTE: now passing on ours, not in OURS_EXPECTED:$newly"
if [ -n "$failed" ]; then
    echo "FAIL:$failed"
    for side in xen ours; do
        case "$failed" in *"$side:"*)
            echo "---- $side: last lines of $OUT/$side.log"
            tr -d '\r' <"$OUT/$side.log" | grep -av '^XLOUT' | tail -n 25 ;;
        esac
    done
    exit 1
fi
echo "PASS: real Xen passed every step; ours passed every expected step"
exit 0
