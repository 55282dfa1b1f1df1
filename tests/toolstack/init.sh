#!/bin/busybox sh
# /init of the real-toolstack test (arm64-xl.t): Debian's Linux as dom0 runs
# Debian's xl 4.17 against the hypervisor below it, step by step, and prints
# one machine-readable line per step:
#
#   XLTEST step=<name> rc=<exit status> [key=value ...]
#
# then powers off.  Command output is printed too, each line prefixed with
# "XLOUT <step>: ", so the log shows what xl said.  The guest image and its
# xl config are in /xltest/ (added by the test); /xltest/args holds options
# (XLTEST_WAIT=<seconds for the domU to end>, XLTEST_VERBOSE=1: show
# the output of every step).

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev
/bin/busybox --install -s
export PATH=/usr/lib/xen-4.17/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LD_LIBRARY_PATH=/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu:/usr/lib/xen-4.17/lib/aarch64-linux-gnu
XLTEST_WAIT=20
XLTEST_VERBOSE=0
[ -f /xltest/args ] && . /xltest/args

# mark STEP RC [DETAILS]; t= is dom0's uptime, to see where the time goes.
mark() {
    read -r up _ </proc/uptime 2>/dev/null
    echo "XLTEST step=$1 rc=$2${3:+ $3} t=${up:-?}"
}
# run STEP CMD...: run a command (at most XLTEST_STEP_TIMEOUT seconds: a
# xenstore client with no daemon waits forever), show its output, mark its
# status (143 = timed out).
XLTEST_STEP_TIMEOUT=20
run() {
    step=$1; shift
    timeout $XLTEST_STEP_TIMEOUT "$@" >/tmp/out 2>&1
    rc=$?
    # Console output is slow under emulation: a step's output is shown when
    # it failed, for the list steps, or with XLTEST_VERBOSE=1.
    case "$rc:$step:$XLTEST_VERBOSE" in
        0:list*:*|*:*:1|[1-9]*) sed "s/^/XLOUT $step: /" /tmp/out ;;
    esac
    mark "$step" $rc
    return $rc
}
finish() {
    echo "XLTEST done"
    sync
    poweroff -f
    sleep 5
    echo "XLTEST poweroff failed"
    while :; do sleep 60; done
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /tmp /run /var/run/xen /var/run/xenstored /var/lib/xen /var/lib/xenstored \
    /var/log/xen /var/xen/dump
mount -t tmpfs tmpfs /tmp
mount -t devpts devpts /dev/pts     # xenconsoled gives each guest console a pty
mark init 0 "kernel=$(uname -r)"

# The Xen drivers Debian builds as modules (privcmd before xenfs, which
# uses it); a driver already built in needs nothing.
KREL=$(uname -r)
for m in xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs/xenfs; do
    run "insmod-${m##*/}" insmod /lib/modules/$KREL/kernel/drivers/xen/$m.ko
done

run xenfs mount -t xenfs xenfs /proc/xen
caps=$(cat /proc/xen/capabilities 2>/dev/null)
[ "$caps" = control_d ]; mark caps $? "capabilities=$caps"
ls /dev/xen >/tmp/out 2>&1; mark devxen $? "nodes=$(tr '\n' ',' </tmp/out)"
for f in /sys/hypervisor/type /sys/hypervisor/version/major /sys/hypervisor/version/minor \
         /sys/hypervisor/version/extra; do
    echo "XLOUT sysfs: $f=$(cat $f 2>/dev/null)"
done

# xenstored: Debian's launch-xenstore picks oxenstored; the C daemon is
# the fallback (XLTEST_XENSTORED=c selects it).
XS=${XLTEST_XENSTORED:-o}
if [ "$XS" = o ]; then
    timeout 20 oxenstored --pid-file /var/run/xenstored.pid >/tmp/xs.out 2>&1
else
    timeout 20 xenstored --pid-file /var/run/xenstored.pid >/tmp/xs.out 2>&1
fi
rc=$?
sed 's/^/XLOUT xenstored: /' /tmp/xs.out
i=0
while [ $rc = 0 ] && ! timeout 2 xenstore-exists / 2>/dev/null && [ $i -lt 25 ]; do
    sleep 0.2; i=$((i + 1))
done
[ $rc = 0 ] && timeout 2 xenstore-exists / 2>/dev/null; mark xenstored $? "daemon=${XS}xenstored"
run xenstore-rw sh -c 'xenstore-write /xltest/probe ok && [ "$(xenstore-read /xltest/probe)" = ok ]'
run init-dom0 xen-init-dom0
# xenconsoled serves the domU's console ring (xl create would work without it,
# but not the console).
run xenconsoled xenconsoled --pid-file=/var/run/xenconsoled.pid
sleep 1
pidof xenconsoled >/dev/null; mark xenconsoled-running $?

# Host information: the whole of xl info, then the fields compared between
# the two hypervisors on one line.
info_line() {
    timeout $XLTEST_STEP_TIMEOUT xl info >/tmp/info 2>&1 || return 1
    sed -n 's/^\([a-z_]*\) *: \(.*\)$/\1=\2/p' /tmp/info | tr ' ' '_' >/tmp/info.kv
}
# Free memory as xl info gives it: MiB, rounded down (no tool in the
# package prints physinfo's free_pages any finer: xentop's batch mode has
# no summary line).
free_mib() { timeout 10 xl info 2>/dev/null | sed -n 's/^free_memory *: *//p'; }
if info_line; then
    sed 's/^/XLOUT info: /' /tmp/info
    FREE0=$(sed -n 's/^free_memory=//p' /tmp/info.kv)
    mark info 0 "$(grep -E '^(nr_cpus|max_cpu_id|nr_nodes|cores_per_socket|threads_per_core|cpu_mhz|total_memory|free_memory|xen_major|xen_minor|xen_caps|xen_scheduler|virt_caps|xen_pagesize|xen_extra)=' /tmp/info.kv | tr '\n' ' ')"
else
    sed 's/^/XLOUT info: /' /tmp/info
    mark info 1
    FREE0=""
fi
run list xl list
# More host and dom0 queries xl makes: SYSCTL_readconsole, getvcpuinfo and
# vCPU affinities, cpupool_op, cputopoinfo and numainfo.
run dmesg xl dmesg
run vcpu-list xl vcpu-list
run cpupool-list xl cpupool-list
run info-n xl info -n
# SYSCTL_debug_keys, DOMCTL_setvcpuaffinity, and DOMCTL_scheduler_op on dom0
# for whichever scheduler the hypervisor runs (xl info: xen_scheduler).
run debug-keys xl debug-keys h
run vcpu-pin xl vcpu-pin Domain-0 all all
SCHED=$(sed -n 's/^xen_scheduler=//p' /tmp/info.kv 2>/dev/null)
run sched xl sched-${SCHED:-credit} -d Domain-0
timeout 10 xl list 2>/dev/null | grep -q '^Domain-0 '; mark list-dom0 $?

# Xen's own tool tests from the same package: each creates a domain and
# destroys it again.  test-resource: XENMEM_acquire_resource on a domU's
# grant table (size query, map, bad requests); test-paging-mempool:
# get/set_paging_mempool_size around populate_physmap.
# free= (MiB) after each step that made and destroyed domains.
echo "XLTEST free after=start free=$FREE0"
run test-resource test-resource
echo "XLTEST free after=test-resource free=$(free_mib)"
run test-paging-mempool test-paging-mempool
echo "XLTEST free after=test-paging-mempool free=$(free_mib)"

# A domU whose kernel is not a kernel: the domain is created, its build
# fails, and xl must take it down again and leave nothing behind (checked
# by list-gone and memory below).  Cheap: it fails before any memory is
# populated.
timeout $XLTEST_STEP_TIMEOUT xl create /xltest/bad.cfg >/tmp/out 2>&1
rc=$?
grep -E 'error|panic' /tmp/out | sed 's/^/XLOUT create-bad: /'
[ $rc != 0 ] && [ $rc != 143 ]; mark create-bad $? "xl_rc=$rc"
echo "XLTEST free after=create-bad free=$(free_mib)"

# The domU: the guest test framework's kernel with no tests selected: it
# prints a line or two and powers itself off (SCHEDOP_shutdown).  FREE_PRE:
# free memory just before it, for the memory step.
FREE_PRE=$(free_mib)
run create xl -vvv create /xltest/domu.cfg
created=$rc
seen=""
gone=1
if [ $created = 0 ]; then
    i=0
    while [ $i -lt $((XLTEST_WAIT * 5)) ]; do
        st=$(timeout 10 xl list xltest-domu 2>/dev/null | awk 'NR == 2 { print $5 }')
        [ -z "$st" ] && { gone=0; break; }
        case " $seen " in *" $st "*) ;; *) seen="$seen $st" ;; esac
        sleep 0.2; i=$((i + 1))
    done
fi
seen=$(echo $seen | tr ' ' ',')
mark wait $gone "states=${seen:-none} waited=$((i / 5))s"
# The xl process left behind by `xl create` watches the domain and logs
# the shutdown reason it saw (0 = poweroff) before destroying it.
run xl-log cat /var/log/xen/xl-xltest-domu.log
why=$(sed -n 's/.*has shut down, reason code \([0-9]*\).*/\1/p' /var/log/xen/xl-xltest-domu.log 2>/dev/null | head -n 1)
[ "$why" = 0 ]; mark shutdown-reason $? "reason=${why:-none}"
if timeout 10 xl list xltest-domu >/dev/null 2>&1; then
    run destroy xl -vvv destroy xltest-domu
    mark destroy-needed 1
else
    mark destroy-needed 0
fi
run list-after xl list
! timeout 10 xl list 2>/dev/null | grep -qE '^xltest-(domu|bad) '; mark list-gone $?

# A destroyed domain's pages may come back a moment after it left the
# domain list: a few more looks before calling it a leak.  memory: the domU
# gave back everything it had (free now = just before xl create);
# memory-total: the same since the first xl info, across every test
# domain, which also counts what the hypervisor itself allocated meanwhile
# (ours takes dom0's new stage-2 tables from the heap, Xen from a pool).
FREE1=unknown
for i in 1 2 3 4 5; do
    FREE1=$(free_mib)
    [ -n "$FREE_PRE" ] && [ "$FREE_PRE" = "$FREE1" ] && break
    sleep 1
done
[ -n "$FREE_PRE" ] && [ "$FREE_PRE" = "$FREE1" ]
mark memory $? "free_before=$FREE_PRE free_after=$FREE1 looks=$i"
[ -n "$FREE0" ] && [ "$FREE0" = "$FREE1" ]
mark memory-total $? "free_first=$FREE0 free_after=$FREE1"
[ "$XLTEST_VERBOSE" = 1 ] && run dmesg-xen sh -c 'dmesg | grep -i xen | tail -n 40'
finish
