#!/bin/bash
# The crash report.  Builds a self-test ISO under build/tests/ from
# build/x86_64/xen (the main ISO and its grub.cfg are left alone) whose
# GRUB entry appends "selftest=<SMBIOS system serial number>", so one ISO
# serves every case: QEMU's -smbios type=1,serial=... picks the crash.
#
#   pf     write to an unmapped address on CPU 0, known register values
#   ud     ud2 on CPU 0
#   stack  runaway recursion on CPU 0 into the boot stack's guard page:
#          #PF cannot be delivered on that stack, #DF runs on its IST stack
#   ap-pf  the pf case on CPU 1 (called from CPU 0, which gets stopped)
#
# Each must print the report (vector, name, error code, RIP inside the
# crashing function, CR2, registers), panic and stop.
# Exit 0 = pass, 77 = skip, 1 = fail.
set -u

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1

XEN=$BUILD/x86_64/xen
SYMS=$BUILD/x86_64/xen-syms
OUT=$BUILD/tests/x86_64-crash
ISO=$OUT/selftest.iso
# All boots together (and the ISO) stay under 30 s.
BUDGET=${BOOT_BUDGET:-28}

skip() { echo "SKIP: $*"; exit 77; }
fail() {
    echo "FAIL ($CASE): $*"
    if [ -s "${TEXT:-/dev/null}" ]; then
        echo "---- serial output ($TEXT)"
        tail -n 40 "$TEXT"
    fi
    exit 1
}

CASE=setup
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
command -v grub-mkrescue >/dev/null || skip "grub-mkrescue not installed"
command -v nm >/dev/null || skip "nm not installed"
[ -f "$XEN" ] && [ -f "$SYMS" ] || skip "no x86_64 image: run 'make ARCH=x86_64' first"

rm -rf "$OUT"
mkdir -p "$OUT"
# QEMU's -smbios type=1,serial=CASE picks the self-test; GRUB reads it into the command line.
GRUB_ISO_ENTRY_PREFIX=$(printf '\tinsmod smbios\n\tsmbios --type 1 --get-string 7 --set hvtest') \
    scripts/grub-iso.sh "$ISO" "$XEN" 'console=com1 com1=115200,8n1 selftest=$hvtest' \
    >"$OUT/grub-mkrescue.log" 2>&1 ||
    fail "grub-mkrescue failed: $(tail -n 3 "$OUT/grub-mkrescue.log")"

# Address range of a function in xen-syms: "start end" in hex.
sym_range() {
    nm -S "$SYMS" | awk -v s="$1" '$4 == s { print $1, $2 }' | head -n 1
}

rip_in() {
    local rip=$1 fn=$2 r start size
    r=$(sym_range "$fn")
    [ -n "$r" ] || fail "no symbol $fn in $SYMS"
    start=$((16#${r% *})) size=$((16#${r#* }))
    [ $((16#$rip)) -ge "$start" ] && [ $((16#$rip)) -lt $((start + size)) ] ||
        fail "rip $rip is not inside $fn"
}

crash() {
    local pid start
    CASE=$1
    TIMEOUT=$((BUDGET - SECONDS))
    [ "$TIMEOUT" -ge 3 ] || fail "out of time (${BUDGET}s for all boots)"
    LOG=$OUT/$CASE.log
    TEXT=$OUT/$CASE.txt
    timeout --kill-after=5 $((TIMEOUT + 5)) qemu-system-x86_64 -machine q35 \
        -cpu qemu64,+svm,+npt -smp 2 -m 512 -nographic -no-reboot \
        -smbios type=1,serial="$CASE" -cdrom "$ISO" </dev/null >"$LOG" 2>&1 &
    pid=$!
    start=$SECONDS
    DONE=
    while [ $((SECONDS - start)) -lt "$TIMEOUT" ]; do
        if grep -q '^\*\*\*\* System halted\.' "$LOG" 2>/dev/null; then
            DONE=halted; break
        fi
        grep -q 'Nothing more to do yet' "$LOG" 2>/dev/null && { DONE=survived; break; }
        kill -0 "$pid" 2>/dev/null || { DONE=exited; break; }
        sleep 0.3
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    tr -d '\r' <"$LOG" | grep -av '^qemu-system-x86_64: terminating' >"$TEXT"
    [ -n "$DONE" ] || fail "no crash report within ${TIMEOUT}s (test budget ${BUDGET}s)"
    [ "$DONE" = halted ] || fail "expected a crash and a halt, got: $DONE"
    grep -q "^Command line: .*selftest=$CASE\$" "$TEXT" ||
        fail "GRUB did not pass selftest=$CASE (smbios lookup failed?)"
    # Nothing may follow the panic: the machine is stopped.
    [ "$(tail -n 1 "$TEXT")" = "**** System halted." ] ||
        fail "output continued after the panic: $(tail -n 1 "$TEXT")"
}

need() { grep -qE "$1" "$TEXT" || fail "${2:-missing line matching '$1'}"; }
field() { sed -n "s/.*$1 \([0-9a-f]\{16\}\).*/\1/p" "$TEXT" | head -n 1; }

check_regs() {
    [ "$(field rax)" = 00000000dead0000 ] || fail "rax is $(field rax)"
    [ "$(field rbx)" = 0123456789abcdef ] || fail "rbx is $(field rbx)"
    [ "$(field rcx)" = cccccccccccccccc ] || fail "rcx is $(field rcx)"
    [ "$(field rdx)" = dddddddddddddddd ] || fail "rdx is $(field rdx)"
    [ "$(field rsi)" = 5151515151515151 ] || fail "rsi is $(field rsi)"
    [ "$(field rdi)" = d1d1d1d1d1d1d1d1 ] || fail "rdi is $(field rdi)"
    for r in 8 9 10 11 12 13 14 15; do
        want=$(printf '%02d%02d%02d%02d%02d%02d%02d%02d' $r $r $r $r $r $r $r $r)
        [ "$(sed -n "s/.*r$r *\([0-9a-f]\{16\}\).*/\1/p" "$TEXT" | head -n 1)" = "$want" ] ||
            fail "r$r is not $want"
    done
}

# 1. Page fault on CPU 0.
crash pf
need '^\*\*\* CPU 0: Unexpected exception 14: page fault \(#PF\), error code 0x2 \[not present, write, supervisor\]$'
need '^rsp [0-9a-f]{16}  ss 0010  cr2 00000000dead0000$' "cr2 is not the faulting address"
need '^cr0 [0-9a-f]{16}  cr3 [0-9a-f]{16}  cr4 [0-9a-f]{16}$' "no control registers"
need '^Stack at [0-9a-f]{16}:' "no stack dump"
need '^Other CPUs: 1 stopped$' "CPU 1 was not stopped"
need '^\*\*\*\* PANIC: unexpected exception 14 \(page fault \(#PF\)\) on CPU 0 at rip '
rip_in "$(field rip)" selftest_page_fault
check_regs

# 2. Invalid opcode.
crash ud
need '^\*\*\* CPU 0: Unexpected exception 6: invalid opcode \(#UD\), error code 0$'
rip_in "$(field rip)" selftest_invalid_opcode

# 3. Stack overflow: a double fault on its own stack, named as an overflow.
crash stack
need '^\*\*\* CPU 0: Unexpected exception 8: double fault \(#DF\), error code 0$'
need '^Stack overflow: CPU 0 ran into its stack guard page$'
guard=$(nm "$SYMS" | awk '$3 == "boot_stack_guard" { print $1 }')
cr2=$(field cr2)
[ $((16#$cr2)) -ge $((16#$guard)) ] && [ $((16#$cr2)) -lt $((16#$guard + 4096)) ] ||
    fail "cr2 $cr2 is not in the guard page at $guard"
rip_in "$(field rip)" selftest_recurse

# 4. Page fault on CPU 1: its own stack, the boot CPU stopped.
crash ap-pf
need '^\*\*\* CPU 1: Unexpected exception 14: page fault \(#PF\), error code 0x2 '
need '^rsp ffff8000[0-9a-f]{8}  ss 0010  cr2 00000000dead0000$' "CPU 1 is not on its own stack"
need '^Other CPUs: 1 stopped$' "CPU 0 was not stopped"
rip_in "$(field rip)" selftest_page_fault
check_regs

echo "PASS: crash reports for #PF, #UD, stack overflow (#DF on its IST stack) and #PF on CPU 1"
exit 0
