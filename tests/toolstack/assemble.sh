#!/bin/bash
# Assemble the pieces of the real-toolstack test (arm64-xl.t) from Debian's
# own arm64 packages:
#   - the dom0 kernel: linux-image-6.1.0-*-arm64 (the one linux-image-arm64
#     depends on), its vmlinuz as it is (an uncompressed Image with an EFI
#     stub) and the Xen driver modules Debian builds as modules;
#   - the base initramfs (gzipped newc cpio): busybox-static, xen-utils-4.17,
#     xen-utils-common, xenstore-utils and every shared library their ELF
#     files need, found by walking DT_NEEDED from the binaries (readelf -d)
#     and downloading the package that ships each missing soname.
# The test's own /init, guest image and config go in a second, small cpio
# appended at boot time (the kernel unpacks concatenated archives in order).
#
#   tests/toolstack/assemble.sh          prints KERNEL=<path> and BASE=<path>
#
# The archive is written by mkcpio.py (no cpio tool needed).
# Everything is cached in $XLTEST_CACHE (default build/cache/toolstack-arm64):
# the .debs, and the kernel and base archive under a key made of the exact
# package versions and this script's checksum, so a new Debian version or a
# change here rebuilds and nothing else does.  Packages are fetched with
# `apt-get download` and unpacked with `dpkg -x` (never installed).
# Exit 0 = done, 77 = the packages cannot be had (no apt, no network, no
# arm64 package lists), 1 = anything else; the reason on stderr.
set -u

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
CACHE=${XLTEST_CACHE:-$BUILD/cache/toolstack-arm64}
SELF=$(readlink -f "$0")
ARCH=arm64
MULTIARCH=aarch64-linux-gnu
XENVER=4.17

# The toolstack proper; libraries are added by the DT_NEEDED walk below.
TOP_PKGS="busybox-static xen-utils-$XENVER xen-utils-common xenstore-utils"
# Xen drivers Debian's 6.1 arm64 kernel builds as modules (CONFIG_XEN_PRIVCMD,
# _DEV_EVTCHN, _GNTDEV, _GRANT_DEV_ALLOC, XENFS =m; xenfs needs privcmd).
MODULES="xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs/xenfs"

skip() { echo "$*" >&2; exit 77; }
die() { echo "$*" >&2; exit 1; }

for tool in apt-get apt-cache dpkg dpkg-deb readelf python3 flock sha256sum; do
    command -v $tool >/dev/null || skip "$tool not available"
done
mkdir -p "$CACHE/debs" || die "cannot create $CACHE"
# The real path: build/cache is often a symlink, and library links are
# resolved with readlink -f below and must stay inside the tree.
CACHE=$(readlink -f "$CACHE")
exec 9>"$CACHE/.lock"
flock -w 600 9 || die "cannot lock $CACHE"

# Fast path: asking apt for versions takes seconds per call on a loaded
# machine, and the answer cannot change while the package lists do not.
STAMP=$({ ls -l --time-style=+%s /var/lib/apt/lists/ 2>/dev/null; sha256sum <"$SELF"; } |
        sha256sum | cut -c1-16)
if [ -s "$CACHE/fast-$STAMP" ]; then
    k=$(sed -n 's/^KERNEL=//p' "$CACHE/fast-$STAMP")
    b=$(sed -n 's/^BASE=//p' "$CACHE/fast-$STAMP")
    if [ -s "$k" ] && [ -s "$b" ]; then
        cat "$CACHE/fast-$STAMP"
        exit 0
    fi
fi
finish() {
    rm -f "$CACHE"/fast-*
    printf 'KERNEL=%s\nBASE=%s\n' "$1" "$2" | tee "$CACHE/fast-$STAMP"
    exit 0
}

# Candidate versions of arm64 packages, from the local package lists only,
# asked in one apt-cache call (each call reads the whole cache: seconds on a
# loaded machine) and remembered.
declare -A CAND=()
versions() {
    local todo=() p name
    for p in "$@"; do [ -n "${CAND[$p]+x}" ] || todo+=("$p"); done
    if [ ${#todo[@]} -gt 0 ]; then
        for p in "${todo[@]}"; do CAND[$p]=""; done
        while read -r name ver; do
            [ "$ver" = "(none)" ] || CAND[${name%:$ARCH}]=$ver
        done < <(apt-cache policy "${todo[@]/%/:$ARCH}" 2>/dev/null |
                 awk '/^[^ ].*:$/ { sub(/:$/, ""); p = $0 } /^ *Candidate:/ { print p, $2 }')
    fi
    for p in "$@"; do echo "$p=${CAND[$p]}"; done
}
candidate() {
    versions "$1" >/dev/null
    echo "${CAND[$1]}"
}

# Make sure apt knows arm64 packages (as root the lists may be refreshed once).
lists_tried=""
ensure_lists() {
    [ -n "$(candidate "$1")" ] && return 0
    [ -n "$lists_tried" ] && return 1
    lists_tried=1
    CAND=()
    [ "$(id -u)" = 0 ] || return 1
    dpkg --print-foreign-architectures | grep -qx $ARCH || dpkg --add-architecture $ARCH
    apt-get update -q >"$CACHE/apt.log" 2>&1
    [ -n "$(candidate "$1")" ]
}

# The .deb of PKG at its candidate version, downloaded once into the cache.
deb_of() {
    local pkg=$1 ver file
    ensure_lists "$pkg" || return 1
    ver=$(candidate "$pkg")
    file=$(ls "$CACHE/debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n 1)
    if [ -z "$file" ]; then
        (cd "$CACHE/debs" && apt-get download "$pkg:$ARCH=$ver" >>"$CACHE/apt.log" 2>&1) || return 1
        file=$(ls "$CACHE/debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n 1)
    fi
    [ -n "$file" ] && echo "$file"
}

# The kernel package linux-image-arm64 points at.
ensure_lists linux-image-arm64 || skip "no arm64 package lists (dpkg --add-architecture arm64; apt-get update)"
KPKG=$(apt-cache show --no-all-versions linux-image-arm64:$ARCH 2>/dev/null |
       sed -n 's/^Depends: *\(linux-image-[0-9][^ ,]*-arm64\).*/\1/p' | head -n 1)
[ -n "$KPKG" ] || skip "cannot tell which kernel linux-image-arm64 depends on"

# Cache key: every package version that can end up in the archive, plus
# this script.  Libraries are keyed by their packages' versions too, after
# the walk; the first-level key only decides whether to look at all.
key_of() {
    { versions "$@"; sha256sum <"$SELF"; } |
        sha256sum | cut -c1-16
}

versions $KPKG $TOP_PKGS >/dev/null     # here, not in a $(...) subshell: remembered
KEY=$(key_of $KPKG $TOP_PKGS)
KDIR=$CACHE/kernel-$(candidate "$KPKG")
if [ -s "$CACHE/base-$KEY.list" ] && [ -s "$KDIR/vmlinuz" ]; then
    # The walk's packages, recorded with the archive, must still be current.
    versions $(cat "$CACHE/base-$KEY.list") >/dev/null
    FULL=$(key_of $(cat "$CACHE/base-$KEY.list"))
    [ -s "$CACHE/base-$FULL.cpio.gz" ] && finish "$KDIR/vmlinuz" "$CACHE/base-$FULL.cpio.gz"
fi

# ---- kernel ---------------------------------------------------------------------
if [ ! -s "$KDIR/vmlinuz" ]; then
    kdeb=$(deb_of "$KPKG") || skip "cannot download $KPKG:$ARCH: $(tail -n 1 "$CACHE/apt.log" 2>/dev/null)"
    rm -rf "$KDIR.tmp" && mkdir -p "$KDIR.tmp" || die "cannot create $KDIR.tmp"
    kver=${KPKG#linux-image-}
    paths=("./boot/vmlinuz-$kver")
    for m in $MODULES; do paths+=("./lib/modules/$kver/kernel/drivers/xen/$m.ko"); done
    dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$KDIR.tmp" "${paths[@]}" ||
        die "cannot unpack ${paths[*]} from $kdeb"
    mv "$KDIR.tmp/boot/vmlinuz-$kver" "$KDIR.tmp/vmlinuz" && rmdir "$KDIR.tmp/boot" || die "no vmlinuz in $kdeb"
    echo "$kver" >"$KDIR.tmp/release"
    rm -rf "$KDIR" && mv "$KDIR.tmp" "$KDIR" || die "cannot move $KDIR.tmp"
fi
KREL=$(cat "$KDIR/release")

# ---- userland ---------------------------------------------------------------------
TREE=$CACHE/tree.tmp       # every package unpacked here
ROOT=$CACHE/root.tmp       # what goes into the archive
rm -rf "$TREE" "$ROOT"
mkdir -p "$TREE" "$ROOT" || die "cannot create $TREE"

PKGS=""
add_pkg() {
    local deb
    case " $PKGS " in *" $1 "*) return 0 ;; esac
    versions "$1" >/dev/null
    deb=$(deb_of "$1") || skip "cannot download $1:$ARCH: $(tail -n 1 "$CACHE/apt.log" 2>/dev/null)"
    dpkg -x "$deb" "$TREE" || die "dpkg -x $deb failed"
    PKGS="$PKGS $1"
}

# Debian's package for a soname: libFOO.so.N is in libFOON (libFOO-N when FOO
# ends in a digit), with a few well-known exceptions.
pkg_of_soname() {
    case $1 in
        ld-linux-*|libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|libresolv.so.*|libutil.so.*)
            echo libc6 ;;
        libz.so.*) echo zlib1g ;;
        libgcc_s.so.*) echo libgcc-s1 ;;
        libxenctrl.so.*|libxenguest.so.*|libxenlight.so.*|libxlutil.so.*|libxenstat.so.*|libxenvchan.so.*)
            echo "libxenmisc$XENVER" ;;
        lib*.so.*)
            local base=${1%%.so.*} ver=${1#*.so.}
            base=${base#lib}; ver=${ver%%.*}
            case $base in *[0-9]) echo "lib$base-$ver" ;; *) echo "lib$base$ver" ;; esac ;;
        *) return 1 ;;
    esac
}

LIBDIRS="lib/$MULTIARCH usr/lib/$MULTIARCH lib usr/lib usr/lib/xen-$XENVER/lib/$MULTIARCH"
find_lib() {
    local d
    for d in $LIBDIRS; do
        [ -e "$TREE/$d/$1" ] && { echo "$d/$1"; return 0; }
    done
    return 1
}

is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }

for p in $TOP_PKGS; do add_pkg "$p"; done

# What the archive ships from the top packages: programs and their data,
# not documentation, Python (pygrub and friends) or init-system glue.
(cd "$TREE" && find . \( -path ./usr/share -o -path '*/python*' -o -path ./etc/init.d \
        -o -path ./lib/systemd -o -path ./usr/lib/systemd \) -prune -o \( -type f -o -type l \) -print) \
    >"$CACHE/files.tmp"
while read -r f; do
    mkdir -p "$ROOT/$(dirname "$f")" && cp -a "$TREE/$f" "$ROOT/$f" || die "cannot copy $f"
done <"$CACHE/files.tmp"
rm -f "$CACHE/files.tmp" "$ROOT/usr/lib/xen-$XENVER/bin/pygrub" "$ROOT/usr/bin/pygrub"

# Libraries loaded with dlopen(), which DT_NEEDED does not show: glibc
# loads libgcc_s.so.1 for pthread_cancel (xl aborts at exit without it).
DLOPENED="libgcc_s.so.1"

# DT_NEEDED walk over every ELF file shipped so far, to a fixed point; the
# dlopen()ed libraries count as needed by the loader.
declare -A DONE=()
changed=1
while [ $changed = 1 ]; do
    changed=0
    while read -r f; do
        [ -n "${DONE[$f]:-}" ] && continue
        is_elf "$f" || { DONE[$f]=1; continue; }
        needed=$(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
        case $f in */ld-linux-*) needed="$needed $DLOPENED" ;; esac
        for so in $needed; do
            [ -e "$ROOT/lib/$MULTIARCH/$so" ] || [ -e "$ROOT/usr/lib/$MULTIARCH/$so" ] ||
                [ -e "$ROOT/usr/lib/xen-$XENVER/lib/$MULTIARCH/$so" ] && continue
            if ! find_lib "$so" >/dev/null; then
                pkg=$(pkg_of_soname "$so") || die "$f needs $so: no package known for it"
                add_pkg "$pkg"
                find_lib "$so" >/dev/null || die "$f needs $so, which $pkg does not ship"
            fi
            rel=$(find_lib "$so")
            # The soname (often a symlink) and the file it resolves to.
            real=$(cd "$TREE/$(dirname "$rel")" && readlink -f "$so")
            mkdir -p "$ROOT/$(dirname "$rel")"
            cp -a "$TREE/$rel" "$ROOT/$rel" || die "cannot copy $rel"
            case $real in "$TREE"/*) ;; *) die "$so resolves outside the tree: $real" ;; esac
            mkdir -p "$ROOT/$(dirname "${real#"$TREE"/}")"
            cp -a "$real" "$ROOT/${real#"$TREE"/}" || die "cannot copy $real"
            changed=1
        done
        DONE[$f]=1
    done < <(find "$ROOT" -type f)
done

# The program interpreter: /lib/ld-linux-aarch64.so.1 as libc6 ships it.
[ -e "$TREE/lib/ld-linux-aarch64.so.1" ] || die "libc6 has no /lib/ld-linux-aarch64.so.1"
mkdir -p "$ROOT/lib" && cp -a "$TREE/lib/ld-linux-aarch64.so.1" "$ROOT/lib/" || die "no loader"
[ -e "$ROOT/lib/ld-linux-aarch64.so.1" ] || die "loader link dangles in the archive"

# Kernel modules, where the usual tools would look for them.
for m in $MODULES; do
    mkdir -p "$ROOT/lib/modules/$KREL/kernel/drivers/xen/$(dirname "$m")"
    cp "$KDIR/lib/modules/$KREL/kernel/drivers/xen/$m.ko" \
       "$ROOT/lib/modules/$KREL/kernel/drivers/xen/$m.ko" || die "no module $m.ko"
done
echo "$PKGS" | tr ' ' '\n' | sed '/^$/d' | sort >"$ROOT/etc/xltest-packages"
for p in $(cat "$ROOT/etc/xltest-packages"); do echo "$p $(candidate "$p")"; done >"$ROOT/etc/xltest-versions"
mkdir -p "$ROOT/bin" && ln -sf busybox "$ROOT/bin/sh"

FULL=$(key_of $(cat "$ROOT/etc/xltest-packages"))
python3 -B "$(dirname "$SELF")/mkcpio.py" "$ROOT" "$CACHE/base-$FULL.cpio.gz" || die "cannot write the archive"
cp "$ROOT/etc/xltest-packages" "$CACHE/base-$KEY.list"
cp "$ROOT/etc/xltest-versions" "$CACHE/base-$FULL.versions"
rm -rf "$TREE" "$ROOT"
# Older archives of the same script are dead weight.
find "$CACHE" -maxdepth 1 -name 'base-*' -mtime +7 -delete 2>/dev/null
finish "$KDIR/vmlinuz" "$CACHE/base-$FULL.cpio.gz"
