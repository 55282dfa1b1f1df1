#!/bin/bash
# Hypercall table: generator, generated header and dispatch (see
# docs/hypercall-table.md).  Generates headers from the real
# xen/include/hypercall-defs.txt for a full x86 and an Arm configuration,
# runs the dispatch checks under ASan/UBSan, compiles the headers with the
# x86_64 and aarch64 compilers, and feeds the generator malformed files.
set -u
cd "$TOP" || exit 1
PY=/usr/bin/python3
GEN=xen/tools/gen-hypercalls.py
DEFS=xen/include/hypercall-defs.txt
T=tests/unit/hypercall
OUT=$BUILD/tests/hypercall
rm -rf "$OUT"
mkdir -p "$OUT"

failed=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failed=1; }

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
WARN="-Wall -Wextra -Werror -Wshadow -Wundef -Wstrict-prototypes -Wmissing-prototypes"

# Configurations: every x86 feature the table knows about, and Arm.
X86_SYMS="X86 X86_64 PV PV32 HVM COMPAT GRANT_TABLE ARGO IOREQ_SERVER HYPFS KEXEC XENOPROF"
ARM_SYMS="ARM ARM_64 GRANT_TABLE ARGO IOREQ_SERVER HYPFS"
write_autoconf() {  # file sym...
    local f=$1; shift
    { echo "/* test configuration */"
      for s in "$@"; do echo "#define CONFIG_$s 1"; done
      echo '#define CONFIG_CMDLINE ""'; } > "$f"
}

# ---------------------------------------------------------------- generate
gen_ok=1
for arch in x86 arm x86-hvm-only x86-pv64-only arm-minimal; do
    case $arch in
        x86)           syms=$X86_SYMS ;;
        arm)           syms=$ARM_SYMS ;;
        x86-hvm-only)  syms="X86 X86_64 HVM GRANT_TABLE" ;;
        x86-pv64-only) syms="X86 X86_64 PV" ;;
        arm-minimal)   syms="ARM ARM_64" ;;
    esac
    mkdir -p "$OUT/$arch"
    write_autoconf "$OUT/$arch/autoconf.h" $syms
    if ! $PY $GEN --config "$OUT/$arch/autoconf.h" -o "$OUT/$arch/hypercall-defs.h" $DEFS \
            2> "$OUT/$arch/gen.err"; then
        cat "$OUT/$arch/gen.err"
        gen_ok=0
        continue
    fi
    if [ -s "$OUT/$arch/gen.err" ]; then
        cat "$OUT/$arch/gen.err"
        gen_ok=0
    fi
    $PY $T/mkfakes.py "$OUT/$arch/hypercall-defs.h" "$OUT/$arch" || gen_ok=0
done
[ $gen_ok = 1 ] && pass "generate headers from $DEFS (5 configurations)" \
                || fail "generate headers from $DEFS"

# Which dispatchers each configuration gets.
kinds_ok=1
for pair in "x86:pv32 pv64 hvm32 hvm64" "arm:arm32 arm64" "x86-hvm-only:hvm64" \
            "x86-pv64-only:pv64" "arm-minimal:arm32 arm64"; do
    arch=${pair%%:*} want=${pair#*:}
    got=$(sed -n 's/^ \* Guest kinds with a dispatcher: //p' "$OUT/$arch/hypercall-defs.h" 2>/dev/null)
    if [ "$got" != "$want" ]; then
        echo "    $arch: dispatchers '$got', expected '$want'"
        kinds_ok=0
    fi
    for k in pv32 pv64 hvm32 hvm64 arm32 arm64; do
        has=$(grep -c "^#define call_handlers_$k(" "$OUT/$arch/hypercall-defs.h" 2>/dev/null)
        case " $want " in *" $k "*) exp=1 ;; *) exp=0 ;; esac
        if [ "$has" != "$exp" ]; then
            echo "    $arch: call_handlers_$k defined $has times, expected $exp"
            kinds_ok=0
        fi
    done
done
# Optional features drop their prototypes and rows: an HVM-only build
# declares no PV or compat handlers and nothing for argo, hypfs or dm_op.
if grep -qE '^(long|int) (do_argo_op|do_hypfs_op|do_dm_op|do_mmu_update|compat_)' \
        "$OUT/x86-hvm-only/hypercall-defs.h" 2>/dev/null; then
    echo "    x86-hvm-only: declares handlers of disabled features"
    kinds_ok=0
fi
[ $kinds_ok = 1 ] && pass "columns and rows follow the configuration" \
                  || fail "columns and rows follow the configuration"

# ------------------------------------------------------------- run checks
for arch in x86 arm; do
    A=$(echo $arch | tr a-z A-Z)
    if gcc -std=gnu11 $WARN -Wno-missing-prototypes -O1 -g $SAN -DTEST_$A \
           -I$T -I"$OUT/$arch" $T/hypercall_test.c "$OUT/$arch/fakes.c" \
           -o "$OUT/$arch/hypercall_test" 2> "$OUT/$arch/cc.err"; then
        if "$OUT/$arch/hypercall_test" > "$OUT/$arch/run.log" 2>&1; then
            sed 's/^/     /' "$OUT/$arch/run.log"
            pass "dispatch checks ($arch, ASan+UBSan)"
        else
            sed 's/^/     /' "$OUT/$arch/run.log"
            fail "dispatch checks ($arch)"
        fi
    else
        head -40 "$OUT/$arch/cc.err"
        fail "build dispatch test ($arch)"
    fi
done

# ----------------------------------------------------------- cross compile
cc_ok=1
for combo in "x86:gcc" "x86-hvm-only:gcc" "x86-pv64-only:gcc" "arm:aarch64-linux-gnu-gcc" \
             "arm-minimal:aarch64-linux-gnu-gcc" "x86:clang" "arm:clang --target=aarch64-linux-gnu"; do
    arch=${combo%%:*} cc=${combo#*:}
    if ! command -v ${cc%% *} >/dev/null; then
        echo "    $cc not installed"
        cc_ok=0
        continue
    fi
    if ! $cc -std=gnu11 $WARN -O2 -ffreestanding -c -I$T -I"$OUT/$arch" \
            $T/compile_check.c -o "$OUT/$arch/compile_check.${cc%% *}.o" 2> "$OUT/cc.err"; then
        echo "    $cc, $arch header:"
        head -30 "$OUT/cc.err"
        cc_ok=0
    fi
done
[ $cc_ok = 1 ] && pass "headers compile with x86_64 gcc, aarch64 gcc and clang (-Wall -Wextra -Werror)" \
               || fail "headers compile with -Wall -Wextra -Werror"

# Hypercall numbers: the header's _Static_asserts against __HYPERVISOR_*.
num_ok=1
nums=$(printf '%s\n' "set_trap_table 0" "mmu_update 1" "memory_op 12" "multicall 13" \
       "xen_version 17" "event_channel_op 32" "physdev_op 33" "hvm_op 34" "argo_op 39" \
       "dm_op 41" "hypfs_op 42" "tmem_op 38")
{ while read -r n v; do echo "#define __HYPERVISOR_$n $v"; done <<< "$nums"
  echo '#include "compile_check.c"'; } > "$OUT/numbers_ok.c"
{ echo "#define __HYPERVISOR_memory_op 13"; echo '#include "compile_check.c"'; } > "$OUT/numbers_bad.c"
gcc -std=gnu11 $WARN -c -I$T -I"$OUT/x86" "$OUT/numbers_ok.c" -o "$OUT/numbers_ok.o" \
    2> "$OUT/cc.err" || { head -20 "$OUT/cc.err"; num_ok=0; }
if gcc -std=gnu11 -c -I$T -I"$OUT/x86" "$OUT/numbers_bad.c" -o "$OUT/numbers_bad.o" 2> "$OUT/cc.err"; then
    echo "    a wrong __HYPERVISOR_memory_op was accepted"
    num_ok=0
elif ! grep -q "memory_op is not 12" "$OUT/cc.err"; then
    head -10 "$OUT/cc.err"
    num_ok=0
fi
# Against our public header, once it exists and compiles on its own.
pub=skipped
if [ -f xen/include/public/xen.h ] &&
   gcc -std=gnu11 -fsyntax-only -ffreestanding -Ixen/include -include stdint.h \
       -x c xen/include/public/xen.h 2>/dev/null; then
    pub=checked
    # Only the header's number checks, so nothing else can clash with it.
    for arch in x86 arm; do
        { printf '#include <stdint.h>\n#include <public/xen.h>\n'
          sed -n '/^#ifdef __HYPERVISOR_/,/^#endif/p' "$OUT/$arch/hypercall-defs.h"; } \
            > "$OUT/numbers_public.c"
        # As the hypervisor sees it: a guest that asks for no interface
        # version gets the pre-3.2 numbers (sched_op 6 ...), as on Xen.
        gcc -std=gnu11 -ffreestanding -fsyntax-only -D__XEN__ -Ixen/include \
            "$OUT/numbers_public.c" 2> "$OUT/cc.err" || { head -20 "$OUT/cc.err"; num_ok=0; }
    done
fi
[ $num_ok = 1 ] && pass "hypercall numbers cross-checked against __HYPERVISOR_* (public/xen.h: $pub)" \
                || fail "hypercall numbers cross-checked against __HYPERVISOR_*"

# ------------------------------------------------------- generator: accepts
cond_ok=1
check_cond() {  # flags... -- expected-prototypes
    local flags=() want
    while [ "$1" != "--" ]; do flags+=("$1"); shift; done
    shift; want=$1
    if ! $PY $GEN "${flags[@]}" -o "$OUT/cond.h" $T/conditionals.txt 2> "$OUT/cond.err"; then
        echo "    ${flags[*]}: generator failed:"; cat "$OUT/cond.err"; cond_ok=0; return
    fi
    local got
    got=$(sed -n 's/^\(long\|int\) \([a-z_]*\)(.*/\2/p' "$OUT/cond.h" | tr '\n' ' ')
    if [ "$got" != "$want " ]; then
        echo "    ${flags[*]}: prototypes '$got', expected '$want'"
        cond_ok=0
    fi
}
check_cond -D CONFIG_A -- "do_alpha big_alpha do_beta do_epsilon do_zeta"
check_cond -D CONFIG_A -D CONFIG_B -- "do_alpha big_alpha do_gamma do_epsilon do_zeta"
check_cond -D CONFIG_C -D CONFIG_D=1 -- "do_alpha big_alpha do_gamma do_epsilon do_zeta"
check_cond -D CONFIG_C -D CONFIG_D=0 -- "do_alpha big_alpha do_delta do_epsilon do_zeta"
check_cond -D CONFIG_A -D CONFIG_SMALL -D CONFIG_COMPAT -- "do_alpha compat_alpha do_beta do_epsilon"
# c2 needs CONFIG_TWO and CONFIG_COMPAT; its alpha entry is compat with priority 7.
check_cond -D CONFIG_A -D CONFIG_TWO -D CONFIG_COMPAT -- "do_alpha compat_alpha big_alpha do_beta do_epsilon do_zeta"
grep -q '^#define call_handlers_c2(' "$OUT/cond.h" || { echo "    c2 missing"; cond_ok=0; }
grep -q 'priority 7' "$OUT/cond.h" || { echo "    priority 7 tier missing"; cond_ok=0; }
check_cond -D CONFIG_A -D CONFIG_TWO -- "do_alpha big_alpha do_beta do_epsilon do_zeta"
grep -q 'call_handlers_c2' "$OUT/cond.h" && { echo "    c2 present without CONFIG_COMPAT"; cond_ok=0; }
# A bad #if sits in a region only CONFIG_BAD_REGION enables: fatal only then.
if $PY $GEN -D CONFIG_BAD_REGION -o "$OUT/cond.h" $T/conditionals.txt 2> "$OUT/cond.err"; then
    echo "    the bad #if in an active region was not reported"; cond_ok=0
elif ! grep -q "conditionals.txt:20: error: " "$OUT/cond.err"; then
    cat "$OUT/cond.err"; cond_ok=0
fi
[ $cond_ok = 1 ] && pass "generator evaluates #if/#elif/#else/#ifndef and 'when' clauses" \
                 || fail "generator evaluates conditionals"

# ------------------------------------------------------- generator: rejects
rej_ok=1 n=0
for f in $T/bad/*.txt; do
    n=$((n + 1))
    expect=$(sed -n 's|^// expect: ||p' "$f")
    flags=$(sed -n 's|^// flags: ||p' "$f")
    line=${expect%%: *} msg=${expect#*: }
    rm -f "$OUT/bad.h"
    $PY $GEN $flags -o "$OUT/bad.h" "$f" > "$OUT/bad.out" 2> "$OUT/bad.err"
    rc=$?
    if [ $rc -ne 1 ]; then
        echo "    $(basename "$f"): exit status $rc, expected 1"; rej_ok=0
    elif ! grep -qF "$f:$line: error: $msg" "$OUT/bad.err"; then
        echo "    $(basename "$f"): expected '$f:$line: error: $msg', got:"
        sed 's/^/      /' "$OUT/bad.err"; rej_ok=0
    elif [ -e "$OUT/bad.h" ]; then
        echo "    $(basename "$f"): output written despite the error"; rej_ok=0
    fi
done
[ $rej_ok = 1 ] && pass "generator rejects $n malformed files, naming file and line" \
                || fail "generator rejects malformed files"

# The make fragment produces the header the way the build will.
mk_ok=1
mkdir -p "$OUT/mk/include/generated"
cp "$OUT/arm/autoconf.h" "$OUT/mk/include/generated/autoconf.h"
if ! make -s -f xen/tools/hypercalls.mk O="$OUT/mk" TOP="$TOP" \
        "$OUT/mk/include/generated/hypercall-defs.h" > "$OUT/mk.log" 2>&1; then
    cat "$OUT/mk.log"; mk_ok=0
elif ! cmp -s "$OUT/mk/include/generated/hypercall-defs.h" "$OUT/arm/hypercall-defs.h" &&
     ! diff <(grep -v Configuration "$OUT/mk/include/generated/hypercall-defs.h") \
            <(grep -v Configuration "$OUT/arm/hypercall-defs.h") > /dev/null; then
    echo "    make output differs from direct generation"; mk_ok=0
fi
[ $mk_ok = 1 ] && pass "xen/tools/hypercalls.mk builds \$(O)/include/generated/hypercall-defs.h" \
               || fail "xen/tools/hypercalls.mk"

if [ $failed != 0 ]; then
    echo "hypercall: FAILED (logs and generated files in $OUT)"
    exit 1
fi
echo "hypercall: all checks passed"
