#!/bin/bash
# Make real Xen 4.17 (Debian's xen-hypervisor-4.17-arm64 or -amd64)
# available under build/cache/ and print the path of the hypervisor image.
#
#   tests/guest/fetch-xen.sh [CACHE_DIR [arm64|amd64]]     (default arm64)
#
# The .deb is a build input: downloaded with `apt-get download` into the
# cache (never committed) and unpacked with `dpkg -x`.  The amd64 image
# comes gzipped (boot/xen-4.17-amd64.gz); it is unpacked next to it
# (boot/xen-4.17-amd64), which is the path printed.  Safe to run from
# several tests at once (flock).  Exit 0 with the path on stdout, or 1 with
# the reason on stderr.
set -u

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
CACHE=${1:-$TOP/build/cache}
DEBARCH=${2:-arm64}
case $DEBARCH in
    arm64|amd64) ;;
    *) echo "unknown architecture '$DEBARCH' (arm64 or amd64)" >&2; exit 1 ;;
esac
PKG=xen-hypervisor-4.17-$DEBARCH
IMAGE=$CACHE/$PKG/boot/xen-4.17-$DEBARCH
NATIVE=$(dpkg --print-architecture 2>/dev/null)

mkdir -p "$CACHE" || exit 1
exec 9>"$CACHE/.$PKG.lock"
flock 9

if [ ! -s "$IMAGE" ]; then
    command -v apt-get >/dev/null && command -v dpkg >/dev/null || {
        echo "apt-get/dpkg not available" >&2; exit 1; }
    cd "$CACHE" || exit 1
    rm -f "$PKG"_*.deb
    if ! apt-get download "$PKG:$DEBARCH" >apt.log 2>&1; then
        # The package lists may never have been fetched on this machine.
        if [ "$(id -u)" = 0 ]; then
            if [ "$DEBARCH" != "$NATIVE" ]; then
                dpkg --print-foreign-architectures | grep -qx "$DEBARCH" ||
                    dpkg --add-architecture "$DEBARCH"
            fi
            apt-get update -q >>apt.log 2>&1
        fi
        apt-get download "$PKG:$DEBARCH" >>apt.log 2>&1 || {
            echo "cannot download $PKG:$DEBARCH: $(tail -n 1 apt.log)" >&2; exit 1; }
    fi
    deb=$(ls "$PKG"_*_"$DEBARCH".deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || { echo "no $PKG .deb after download" >&2; exit 1; }
    rm -rf "$CACHE/$PKG"
    dpkg -x "$deb" "$CACHE/$PKG" || { echo "dpkg -x $deb failed" >&2; exit 1; }
    echo "${deb#"$PKG"_}" | sed "s/_$DEBARCH\.deb\$//" >"$CACHE/$PKG/VERSION"
    if [ -s "$IMAGE.gz" ] && [ ! -s "$IMAGE" ]; then
        gzip -dc "$IMAGE.gz" >"$IMAGE.tmp" && mv "$IMAGE.tmp" "$IMAGE" || {
            rm -f "$IMAGE.tmp"; echo "cannot unpack $IMAGE.gz" >&2; exit 1; }
    fi
    [ -s "$IMAGE" ] || { echo "$deb has no boot/xen-4.17-$DEBARCH" >&2; exit 1; }
fi
echo "$IMAGE"
