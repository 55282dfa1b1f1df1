#!/bin/bash
# Boot build/arm64/xen.bin on QEMU virt without virtualization, so we are
# entered at EL1: the hypervisor must explain that it needs EL2 on the
# device tree's UART and power off rather than hang or go on.
# The logic is shared with the -kernel test; see arm64-qemu-kernel.t.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
exec "$TOP/tests/boot/arm64-qemu-kernel.t" el1
