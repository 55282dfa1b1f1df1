#!/bin/sh
# Install exactly the Debian packages the build and the tests need.
# Idempotent: packages already present are not touched, and apt is only
# consulted when something is missing.  Debian packages only.
set -eu

# Native-architecture packages.
PKGS="make gcc libc6-dev binutils python3 python3-kconfiglib
gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
gcc-arm-linux-gnueabihf binutils-arm-linux-gnueabihf libc6-dev-armhf-cross
qemu-system-arm qemu-system-x86 qemu-utils
u-boot-qemu qemu-efi-aarch64 ovmf
grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools
device-tree-compiler libfdt1 u-boot-tools
clang"

# Foreign (arm64) packages: libfdt built for aarch64, linked into the image.
ARM64_PKGS="libfdt-dev:arm64"

missing=""
for p in $PKGS $ARM64_PKGS; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing packages:$missing (run as root to install)" >&2
    exit 1
fi

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
