#!/bin/bash
# libFuzzer over every parser of untrusted boot input (docs/fuzzing.md):
# builds the targets of tests/fuzz/ with clang's -fsanitize=fuzzer,address,
# undefined and fuzzes each for a few seconds from generated seeds, two at
# a time.  Fails on any sanitizer report, crash or violated output
# invariant, printing the saved input and the command that replays it.
# "make fuzz" runs the same targets for longer (FUZZ_TIME seconds each).
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
OUT=$BUILD/tests/fuzz
# A fresh corpus each time: the test must not depend on earlier runs.
rm -rf "$OUT/corpus" "$OUT/logs"
mkdir -p "$OUT"
FUZZ_SEEDS=$OUT/seeds FUZZ_LOGS=$OUT/logs TOP=$TOP BUILD=$BUILD \
    "$TOP/tests/fuzz/fuzz.sh" -t "${FUZZ_TEST_TIME:-4}" -j 2 \
    -c "$OUT/corpus" -a "$OUT/artifacts"
rc=$?
case $rc in
    0) echo "PASS: no crash in any fuzz target" ;;
    77) exit 77 ;;
    *) echo "FAIL: see above (logs in $OUT/logs)" ;;
esac
exit $rc
