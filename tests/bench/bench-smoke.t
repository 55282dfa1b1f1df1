#!/bin/bash
# The benchmark runner works (make bench): one short run on ours only,
# every benchmark reported and passing.  Real Xen and the comparison are
# left to `make bench` itself.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -s "$TOP/build/arm64/xen.bin" ] || { echo "SKIP: no build/arm64/xen.bin (make ARCH=arm64)"; exit 77; }
out=$(BENCH_HV=ours BENCH_RUNS=1 BENCH_DIV=100 BENCH_TIMEOUT=50 "$TOP/tests/bench/run-bench.sh" arm64 2>&1)
rc=$?
echo "$out"
[ $rc = 77 ] && exit 77
missing=""
for b in null_hypercall sched_yield gnttab_copy_page evtchn_send_upcall evtchn_send_block; do
    echo "$out" | grep -q "^$b " || missing="$missing $b"
done
if [ $rc != 0 ] || [ -n "$missing" ]; then
    echo "FAIL: runner exit $rc${missing:+, missing:$missing}"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "1 passed, 0 failed"
exit 0
