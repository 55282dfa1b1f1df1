#!/bin/bash
# Run QEMU (x86_64) on the hypervisor and turn how it ended into an exit code
# that says how dom0 ended, as scripts/qemu-arm64-run.sh does for arm64:
#
#   scripts/qemu-x86_64-run.sh [-t SECONDS] [-l CONSOLE_LOG] [--] QEMU-ARGUMENTS...
#
#   0    dom0 powered off (SCHEDOP_shutdown(SHUTDOWN_poweroff)): the
#        hypervisor halted the machine (or an ACPI power-off was seen)
#   1    dom0 shut down with any other reason (reboot, crash, watchdog, ...):
#        the hypervisor reset the machine (or halted it, with noreboot)
#   2    QEMU failed (it exited with a non-zero status)
#   3    the machine stopped, but not because dom0 shut down (no dom0, a
#        hypervisor panic or halt, QEMU quit by hand)
#   124  still running after SECONDS (-t; 0 or absent: no limit)
#
# A PC has no firmware-independent power-off: on dom0's poweroff the
# hypervisor (ours, and Xen 4.17) only halts every CPU and QEMU keeps
# running.  So the console is copied (tee) to CONSOLE_LOG or a temporary
# file and watched: once the hypervisor says it halts (the lines
# tests/guest/run-suite.sh waits for: "halting machine", "'noreboot' set -
# not rebooting", "Nothing more to do yet: system halted." or a panic's
# "System halted."), QEMU is given half a second (a reset may still follow)
# and then stopped.  QEMU must be given -no-reboot, so that a reset ends it
# (exit status 0, no power-off).  A real power-off (ACPI S5) raises the
# trace event qemu_system_shutdown_request with reason 6; this script adds
# "-trace qemu_system_shutdown_request -D <file>" to see it.  Which domain
# caused it comes from the hypervisor's line "Hardware domain 0 shut down:
# reason N" (or Xen 4.17's "Hardware Dom0 halted/shutdown/crashed").  The QEMU binary
# is $QEMU (default qemu-system-x86_64).  The verdict is printed on stderr as
# the last line: "qemu-x86_64-run: <what>: exit N".
set -u

limit=0
log=""
while [ $# -gt 0 ]; do
    case $1 in
        -t) limit=${2:-}; shift 2 || { echo "$0: -t needs a value" >&2; exit 2; } ;;
        -l) log=${2:-}; shift 2 || { echo "$0: -l needs a value" >&2; exit 2; } ;;
        --) shift; break ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
case $limit in ''|*[!0-9]*) echo "$0: -t wants whole seconds, not '$limit'" >&2; exit 2 ;; esac
[ $# -gt 0 ] || { echo "usage: $0 [-t SECONDS] [-l CONSOLE_LOG] [--] QEMU-ARGUMENTS..." >&2; exit 2; }

QEMU=${QEMU:-qemu-system-x86_64}
HALT_RE="halting machine|'noreboot' set - not rebooting|Nothing more to do yet: system halted\.|\*\*\*\* System halted\."
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qemu-x86_64-run.XXXXXX") || exit 2
watcher=""
cleanup() {
    [ -n "$watcher" ] && kill "$watcher" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trace=$tmp/trace.log
[ -n "$log" ] || log=$tmp/console.log
: >"$log" || exit 2

# QEMU writes its own pid first (exec keeps it), so the watcher can stop
# exactly that process.
cmd=(bash -c 'echo $$ >"$0"; exec "$@"' "$tmp/qemu.pid" "$QEMU" "$@"
     -trace qemu_system_shutdown_request -D "$trace")
if [ "$limit" -gt 0 ]; then
    if [ -t 0 ]; then
        # Interactive: QEMU must stay in the terminal's foreground group.
        cmd=(timeout --foreground "$limit" "${cmd[@]}")
    else
        cmd=(timeout --kill-after=5 "$limit" "${cmd[@]}")
    fi
fi

# The watcher: once the log shows a halt, wait 0.5 s and stop QEMU (SIGTERM:
# it restores the terminal and exits 0), leaving a mark that it did.
(
    while [ ! -s "$tmp/qemu.pid" ]; do sleep 0.1; done
    pid=$(cat "$tmp/qemu.pid")
    while kill -0 "$pid" 2>/dev/null; do
        if grep -aqE "$HALT_RE" "$log"; then
            sleep 0.5
            if kill -0 "$pid" 2>/dev/null; then
                : >"$tmp/halted"
                kill "$pid" 2>/dev/null
            fi
            exit 0
        fi
        sleep 0.2
    done
) &
watcher=$!

"${cmd[@]}" | tee "$log"
rc=${PIPESTATUS[0]}
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
watcher=""

verdict() {
    echo "qemu-x86_64-run: $2: exit $1" >&2
    exit "$1"
}

halted=no
[ -e "$tmp/halted" ] && halted=yes
if [ $halted = no ]; then
    case $rc in
        0) ;;
        124|137) verdict 124 "QEMU still running after ${limit}s, stopped" ;;
        *) verdict 2 "QEMU failed (exit status $rc)" ;;
    esac
fi

off=no
grep -Eq '^([0-9]+@[0-9.]+:)?qemu_system_shutdown_request reason=6([^0-9]|$)' "$trace" 2>/dev/null && off=yes
reason=$(tr -d '\r' <"$log" |
         grep -Eo 'Hardware domain 0 shut down: reason [0-9]+|Hardware Dom0 (halted|shutdown|crashed).*' |
         tail -n 1)
case $reason in
    'Hardware domain 0 shut down: reason '*) reason=${reason##* } ;;
    'Hardware Dom0 halted'*) reason=0 ;;                # Xen 4.17's lines
    'Hardware Dom0 crashed'*) reason=3 ;;
    'Hardware Dom0 shutdown'*) reason="other" ;;
esac

if [ -z "$reason" ]; then
    if [ $halted = yes ]; then
        verdict 3 "the machine halted without dom0 shutting down (no dom0, or the hypervisor stopped)"
    elif [ $off = yes ]; then
        verdict 3 "the machine powered off without dom0 shutting down"
    fi
    verdict 3 "QEMU exited without dom0 shutting down (machine reset, or quit by hand?)"
fi
case $reason/$halted/$off in
    0/yes/*|0/*/yes) verdict 0 "dom0 powered off (the hypervisor halted the machine)" ;;
    0/no/no) verdict 3 "dom0 powered off but the machine reset" ;;
    */yes/*) verdict 1 "dom0 shut down with reason $reason (1 reboot, 3 crash, 4 watchdog): machine halted (noreboot)" ;;
    */*/yes) verdict 3 "dom0 shut down with reason $reason but the machine powered off" ;;
    *) verdict 1 "dom0 shut down with reason $reason (1 reboot, 3 crash, 4 watchdog): machine reset" ;;
esac
