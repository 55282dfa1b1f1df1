#!/bin/bash
# Host unit tests of the virtual GICv3 and virtual timer (register
# emulation, list registers, SGIs, timer mask/inject/unmask, fuzzing,
# concurrent injection) over the fake arch, under AddressSanitizer and
# UBSan.  xen/arch/arm/vgic-lr.c (system registers) is replaced by fakes.
set -eu
cd "${TOP:-$(dirname "$0")/../../..}"
BUILD=${BUILD:-$PWD/build}
. tests/unit/fake_arch/build.sh
FAKE_CFLAGS="$FAKE_CFLAGS -D__XEN__ -Ixen/arch/arm/include"
out=$BUILD/tests/unit-vgic
fake_arch_build "$out" tests/unit/vgic/vgic_test.c vgic_test \
    xen/common/softirq.c xen/common/timer.c xen/common/smp.c \
    xen/arch/arm/vgic.c xen/arch/arm/vgic-v3-dist.c xen/arch/arm/vtimer.c
"$out/vgic_test"
