#!/bin/bash
# Run QEMU (arm64) on the hypervisor and turn how it ended into an exit code
# that says how dom0 ended:
#
#   scripts/qemu-arm64-run.sh [-t SECONDS] [-l CONSOLE_LOG] [--] QEMU-ARGUMENTS...
#
#   0    dom0 powered off (SCHEDOP_shutdown(SHUTDOWN_poweroff), PSCI SYSTEM_OFF)
#   1    dom0 shut down with any other reason (reboot, crash, watchdog, ...):
#        the hypervisor reset the machine
#   2    QEMU failed (it exited with a non-zero status)
#   3    the machine stopped, but not because dom0 shut down (no dom0, a
#        hypervisor panic or halt, QEMU quit by hand)
#   124  still running after SECONDS (-t; 0 or absent: no limit)
#
# QEMU must be given -no-reboot: it then exits with status 0 both when the
# machine powers off and when it resets.  What tells them apart is the
# trace event qemu_system_shutdown_request, which only a power-off raises
# (with reason 6, a shutdown the guest asked for; a reset raises none).
# This script adds "-trace qemu_system_shutdown_request -D <file>", so the
# trace goes to a file, not the console.  Which domain caused it comes from
# the hypervisor's console line "Hardware domain 0 shut down: reason N", so
# the console output is copied (tee) to CONSOLE_LOG or a temporary file.
# The QEMU binary is $QEMU (default qemu-system-aarch64).  The verdict is
# printed on stderr as the last line: "qemu-arm64-run: <what>: exit N".
set -u

limit=0
log=""
while [ $# -gt 0 ]; do
    case $1 in
        -t) limit=${2:-}; shift 2 || { echo "$0: -t needs a value" >&2; exit 2; } ;;
        -l) log=${2:-}; shift 2 || { echo "$0: -l needs a value" >&2; exit 2; } ;;
        --) shift; break ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
case $limit in ''|*[!0-9]*) echo "$0: -t wants whole seconds, not '$limit'" >&2; exit 2 ;; esac
[ $# -gt 0 ] || { echo "usage: $0 [-t SECONDS] [-l CONSOLE_LOG] [--] QEMU-ARGUMENTS..." >&2; exit 2; }

QEMU=${QEMU:-qemu-system-aarch64}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qemu-arm64-run.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trace=$tmp/trace.log
[ -n "$log" ] || log=$tmp/console.log
: >"$log" || exit 2

cmd=("$QEMU" "$@" -trace qemu_system_shutdown_request -D "$trace")
if [ "$limit" -gt 0 ]; then
    if [ -t 0 ]; then
        # Interactive: QEMU must stay in the terminal's foreground group.
        cmd=(timeout --foreground "$limit" "${cmd[@]}")
    else
        cmd=(timeout --kill-after=5 "$limit" "${cmd[@]}")
    fi
fi

"${cmd[@]}" | tee "$log"
rc=${PIPESTATUS[0]}

verdict() {
    echo "qemu-arm64-run: $2: exit $1" >&2
    exit "$1"
}

case $rc in
    0) ;;
    124|137) verdict 124 "QEMU still running after ${limit}s, stopped" ;;
    *) verdict 2 "QEMU failed (exit status $rc)" ;;
esac

off=no
grep -Eq '^([0-9]+@[0-9.]+:)?qemu_system_shutdown_request reason=6([^0-9]|$)' "$trace" 2>/dev/null && off=yes
reason=$(tr -d '\r' <"$log" | grep -Eo 'Hardware domain 0 shut down: reason [0-9]+' | tail -n 1)
reason=${reason##* }

if [ -z "$reason" ]; then
    if [ $off = yes ]; then
        verdict 3 "the machine powered off without dom0 shutting down (no dom0, or the hypervisor halted)"
    fi
    verdict 3 "QEMU exited without a power-off and without dom0 shutting down (quit by hand?)"
fi
case $reason/$off in
    0/yes) verdict 0 "dom0 powered off" ;;
    0/no) verdict 3 "dom0 powered off but the machine did not (no power-off request seen)" ;;
    */no) verdict 1 "dom0 shut down with reason $reason (1 reboot, 3 crash, 4 watchdog): machine reset" ;;
    *) verdict 3 "dom0 shut down with reason $reason but the machine powered off" ;;
esac
