#!/bin/bash
# Host unit tests for lists, bitops, atomics, spinlocks, the page allocator
# and xmalloc, over the fake arch, under AddressSanitizer and UBSan.
set -eu
cd "${TOP:-$(dirname "$0")/../../..}"
BUILD=${BUILD:-$PWD/build}
. tests/unit/fake_arch/build.sh
out=$BUILD/tests/unit-mm
fake_arch_build "$out" tests/unit/mm/mm_test.c mm_test \
    xen/common/page_alloc.c xen/common/xmalloc.c xen/common/boot_info.c
"$out/mm_test"
