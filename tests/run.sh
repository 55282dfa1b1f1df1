#!/bin/bash
# Runs every executable tests/**/*.t, in parallel, each under a timeout.
#
#   tests/run.sh [-j N] [PATTERN...]   PATTERN filters test names (substring)
#
# A test passes with exit 0, is skipped with exit 77 and fails otherwise.
# Each test's output goes to build/tests/logs/<name>.log; failures print
# the tail of their log.  The last line is "N passed, N failed, N skipped".
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$TOP/build
LOGS=$BUILD/tests/logs
JOBS=${TEST_JOBS:-$(nproc)}
TIMEOUT=${TEST_TIMEOUT:-600}   # per test; boot tests set their own shorter ones

while [ $# -gt 0 ]; do
    case "$1" in
        -j) JOBS=$2; shift 2 ;;
        -j*) JOBS=${1#-j}; shift ;;
        *) break ;;
    esac
done

cd "$TOP" || exit 1
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log "$LOGS"/*.status

mapfile -t all < <(find tests -name '*.t' -type f -perm -u+x | sort)
tests=()
for t in "${all[@]}"; do
    if [ $# -eq 0 ]; then
        tests+=("$t")
    else
        for p in "$@"; do
            case "$t" in *"$p"*) tests+=("$t"); break ;; esac
        done
    fi
done

if [ ${#tests[@]} -eq 0 ]; then
    echo "no tests found"
    echo "0 passed, 0 failed"
    exit 1
fi

test_name() { local n=${1#tests/}; n=${n%.t}; echo "${n//\//-}"; }

run_one() {
    local t=$1 name start rc
    name=$(test_name "$t")
    start=$(date +%s)
    TOP=$TOP BUILD=$BUILD timeout --kill-after=10 "$TIMEOUT" "./$t" \
        >"$LOGS/$name.log" 2>&1 </dev/null
    rc=$?
    echo "$rc $(( $(date +%s) - start ))" > "$LOGS/$name.status"
    case $rc in
        0)  echo "PASS $name ($(( $(date +%s) - start ))s)" ;;
        77) echo "SKIP $name: $(tail -n 1 "$LOGS/$name.log")" ;;
        124|137) echo "FAIL $name (timed out after ${TIMEOUT}s)" ;;
        *)  echo "FAIL $name (exit $rc)" ;;
    esac
}
export -f run_one test_name
export TOP BUILD LOGS TIMEOUT

printf '%s\n' "${tests[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one "$@"' _ {}

passed=0 failed=0 skipped=0
for t in "${tests[@]}"; do
    name=$(test_name "$t")
    rc=$(cut -d' ' -f1 "$LOGS/$name.status" 2>/dev/null || echo 1)
    case $rc in
        0) passed=$((passed + 1)) ;;
        77) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1))
           echo "---- $name (last 30 lines of $LOGS/$name.log)"
           tail -n 30 "$LOGS/$name.log" ;;
    esac
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
