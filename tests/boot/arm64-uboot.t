#!/bin/bash
# Boot build/arm64/xen.bin through the real U-Boot for QEMU (u-boot-qemu):
# distro boot finds boot.scr on a virtio disk, which loads xen.bin and runs
# `booti` at EL2 with U-Boot's device tree and the bootargs the script set.
# The logic is shared with the -kernel test; see arm64-qemu-kernel.t.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
exec "$TOP/tests/boot/arm64-qemu-kernel.t" uboot
