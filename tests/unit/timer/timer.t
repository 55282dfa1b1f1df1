#!/bin/bash
# Host unit tests for softirqs, timers and cross-CPU calls, over the fake
# arch (host threads play CPUs), under AddressSanitizer and UBSan.
set -eu
cd "${TOP:-$(dirname "$0")/../../..}"
BUILD=${BUILD:-$PWD/build}
. tests/unit/fake_arch/build.sh
out=$BUILD/tests/unit-timer
fake_arch_build "$out" tests/unit/timer/timer_test.c timer_test \
    xen/common/softirq.c xen/common/timer.c xen/common/smp.c
"$out/timer_test"
