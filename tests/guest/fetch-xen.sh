#!/bin/bash
# Make real Xen 4.17 for arm64 (Debian's xen-hypervisor-4.17-arm64) available
# under build/cache/ and print the path of the hypervisor image.
#
#   tests/guest/fetch-xen.sh [CACHE_DIR]
#
# The .deb is a build input: downloaded with `apt-get download` into the
# cache (never committed) and unpacked with `dpkg -x`.  Safe to run from
# several tests at once (flock).  Exit 0 with the path on stdout, or 1 with
# the reason on stderr.
set -u

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
CACHE=${1:-$TOP/build/cache}
PKG=xen-hypervisor-4.17-arm64
IMAGE=$CACHE/$PKG/boot/xen-4.17-arm64

mkdir -p "$CACHE" || exit 1
exec 9>"$CACHE/.$PKG.lock"
flock 9

if [ ! -s "$IMAGE" ]; then
    command -v apt-get >/dev/null && command -v dpkg >/dev/null || {
        echo "apt-get/dpkg not available" >&2; exit 1; }
    cd "$CACHE" || exit 1
    rm -f "$PKG"_*.deb
    if ! apt-get download "$PKG:arm64" >apt.log 2>&1; then
        # The package lists may never have been fetched on this machine.
        if [ "$(id -u)" = 0 ]; then
            dpkg --print-foreign-architectures | grep -qx arm64 ||
                dpkg --add-architecture arm64
            apt-get update -q >>apt.log 2>&1
        fi
        apt-get download "$PKG:arm64" >>apt.log 2>&1 || {
            echo "cannot download $PKG:arm64: $(tail -n 1 apt.log)" >&2; exit 1; }
    fi
    deb=$(ls "$PKG"_*_arm64.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || { echo "no $PKG .deb after download" >&2; exit 1; }
    rm -rf "$CACHE/$PKG"
    dpkg -x "$deb" "$CACHE/$PKG" || { echo "dpkg -x $deb failed" >&2; exit 1; }
    echo "${deb#"$PKG"_}" | sed 's/_arm64\.deb$//' >"$CACHE/$PKG/VERSION"
    [ -s "$IMAGE" ] || { echo "$deb has no boot/xen-4.17-arm64" >&2; exit 1; }
fi
echo "$IMAGE"
