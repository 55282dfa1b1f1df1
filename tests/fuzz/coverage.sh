#!/bin/bash
# Line and branch coverage of the parsers reached by the fuzz corpora
# (docs/fuzzing.md): rebuilds each target with clang's source-based
# coverage, replays its corpus and seeds once, and prints llvm-cov's
# report for the parser's own files.
#
#   tests/fuzz/coverage.sh [-c CORPUS_DIR] [TARGET...]     (after make fuzz)
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP" || exit 1
CORPUS=$BUILD/fuzz/corpus
while getopts c: opt; do
    case $opt in
        c) CORPUS=$OPTARG ;;
        *) sed -n '7p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
command -v llvm-cov >/dev/null && command -v llvm-profdata >/dev/null ||
    { echo "no llvm-cov / llvm-profdata"; exit 77; }

OUT=$BUILD/fuzz/coverage SEEDS=$BUILD/fuzz/seeds
mkdir -p "$OUT"
LIBFDT=/usr/lib/$(gcc -print-multiarch)/libfdt.so.1
ARM="-Ixen/include -Ixen/arch/arm/include"
X86="-Ixen/include -Ixen/arch/x86/include"
declare -A SRC=(
    [bootfdt]="$ARM xen/arch/arm/bootfdt.c xen/common/boot_info.c"
    [dom0fdt]="$ARM xen/arch/arm/bootfdt.c xen/common/boot_info.c xen/arch/arm/dom0_fdt.c"
    [mb2]="$X86 xen/arch/x86/multiboot2.c xen/common/boot_info.c"
    [acpi]="$X86 xen/arch/x86/acpi.c"
    [pvh]="-Ixen/arch/x86/include xen/arch/x86/pvh-elf.c"
    [kernel]="$ARM xen/arch/arm/kernel.c"
)
# The file each target exists for.
declare -A MAIN=([bootfdt]=xen/arch/arm/bootfdt.c [dom0fdt]=xen/arch/arm/dom0_fdt.c
                 [mb2]=xen/arch/x86/multiboot2.c [acpi]=xen/arch/x86/acpi.c
                 [pvh]=xen/arch/x86/pvh-elf.c [kernel]=xen/arch/arm/kernel.c)
for t in ${*:-bootfdt dom0fdt mb2 acpi pvh kernel}; do
    [ -d "$CORPUS/$t" ] || { echo "$t: no corpus in $CORPUS/$t (run make fuzz first)"; continue; }
    extra=""
    case $t in bootfdt|dom0fdt) extra=$LIBFDT ;; esac
    # shellcheck disable=SC2086
    clang -std=gnu11 -O1 -g -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping \
        -include tests/fuzz/host-shim.h -Itests/fuzz tests/fuzz/host.c "tests/fuzz/fuzz_$t.c" \
        ${SRC[$t]} $extra -o "$OUT/$t" || exit 1
    rm -f "$OUT/$t".profraw
    LLVM_PROFILE_FILE="$OUT/$t.profraw" "$OUT/$t" -runs=0 "$CORPUS/$t" "$SEEDS/$t" \
        >"$OUT/$t.log" 2>&1
    llvm-profdata merge -sparse "$OUT/$t.profraw" -o "$OUT/$t.profdata" || exit 1
    echo "== $t ($(ls "$CORPUS/$t" | wc -l) corpus inputs)"
    llvm-cov report "$OUT/$t" -instr-profile="$OUT/$t.profdata" "${MAIN[$t]}" |
        sed -n '1p;3,$p' | grep -v '^-*$'
done
