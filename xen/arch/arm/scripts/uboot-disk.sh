#!/bin/bash
# Make a disk image that U-Boot's distro boot (u-boot-qemu, qemu_arm64)
# boots the hypervisor from:
#
#   uboot-disk.sh OUTDIR XEN_BIN "COMMAND LINE"
#
# OUTDIR/disk.img gets an MBR with one bootable FAT16 partition holding
# xen.bin and boot.scr.  U-Boot scans virtio 0:1, finds /boot.scr and runs
# it: load xen.bin, set bootargs (U-Boot writes them into /chosen), then
# `booti` with U-Boot's copy of QEMU's device tree.  Attach it with
#   -drive if=none,file=OUTDIR/disk.img,format=raw,id=hd0
#   -device virtio-blk-device,drive=hd0
# Needs mkimage (u-boot-tools) and mtools; no root, no loop devices.
set -eu

[ $# -eq 3 ] || { echo "usage: $0 OUTDIR XEN_BIN CMDLINE" >&2; exit 2; }
out=$1 xen_bin=$2 cmdline=$3
case $cmdline in *'"'*) echo "$0: the command line may not contain '\"'" >&2; exit 2 ;; esac

mkdir -p "$out"
cat >"$out/boot.cmd" <<EOS
echo "boot.scr: loading xen.bin from \${devtype} \${devnum}:\${distro_bootpart}"
load \${devtype} \${devnum}:\${distro_bootpart} \${kernel_addr_r} xen.bin
setenv bootargs "$cmdline"
booti \${kernel_addr_r} - \${fdtcontroladdr}
echo "boot.scr: booti returned"
EOS
mkimage -A arm64 -O linux -T script -C none -n "hypervisor boot script" \
    -d "$out/boot.cmd" "$out/boot.scr" >"$out/mkimage.log"

# 32 MiB: the partition starts at 1 MiB (sector 2048) and fills the rest.
disk=$out/disk.img
part_start=2048 part_sectors=63488
rm -f "$disk"
truncate -s 32M "$disk"
mformat -i "$disk@@1M" -T $part_sectors -h 64 -s 32 -H $part_start -v HVBOOT ::
mcopy -i "$disk@@1M" "$xen_bin" ::xen.bin
mcopy -i "$disk@@1M" "$out/boot.scr" ::boot.scr

# Partition entry 1 at byte 446: bootable, type 0x0e (FAT16, LBA), CHS
# fields unused; then the 0x55 0xaa signature.  Numbers are little-endian.
le32() {
    printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) \
        $(($1 >> 16 & 255)) $(($1 >> 24 & 255))
}
printf "\\x80\\xfe\\xff\\xff\\x0e\\xfe\\xff\\xff$(le32 $part_start)$(le32 $part_sectors)" |
    dd of="$disk" bs=1 seek=446 conv=notrunc status=none
printf '\x55\xaa' | dd of="$disk" bs=1 seek=510 conv=notrunc status=none
