#!/bin/bash
# Host unit tests of the arm64 dom0 builder's pure parts under ASan/UBSan:
# command-line options, arm64 Image / arm32 zImage probing (good, malformed
# and fuzzed headers), placement of kernel/DT/ramdisk, and the generated
# device tree (fdt_check_full, every property read back, then decompiled by
# dtc, which must not warn about anything but the Xen node's name).
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP"

command -v gcc >/dev/null || { echo "SKIP: no gcc"; exit 77; }
command -v dtc >/dev/null || { echo "SKIP: no dtc (device-tree-compiler)"; exit 77; }
# The host's libfdt1 with the (architecture-independent) libfdt headers:
# libfdt-dev can only be installed for one architecture, and the image
# needs the arm64 one.
LIBFDT=/usr/lib/$(gcc -print-multiarch)/libfdt.so.1
[ -f "$LIBFDT" ] && [ -f /usr/include/libfdt.h ] || { echo "SKIP: no host libfdt"; exit 77; }

OUT=$BUILD/tests/unit-dom0
mkdir -p "$OUT"
# Concurrent runs of this test (several checkouts' test runs) share $OUT: take turns.
exec 9>"$OUT/.lock"
flock -w 300 9 || { echo "cannot lock $OUT"; exit 1; }
rm -f "$OUT"/*.dtb "$OUT"/*.dts "$OUT"/*.warn

# A host tree like QEMU virt's, and one with hostile property values.
cat >"$OUT/host.dts" <<'EOS'
/dts-v1/;
/ {
    compatible = "test,board", "linux,dummy-virt";
    model = "Test Board";
    #address-cells = <2>;
    #size-cells = <2>;
    cpus {
        #address-cells = <1>;
        #size-cells = <0>;
        cpu-map { };
        cpu@0 { device_type = "cpu"; compatible = "arm,cortex-a57"; reg = <0>; };
        cpu@1 { device_type = "cpu"; compatible = "arm,cortex-a53"; reg = <1>; };
    };
    timer {
        compatible = "arm,armv8-timer", "arm,armv7-timer";
        interrupts = <1 13 4>, <1 14 4>, <1 11 4>, <1 10 4>;
        clock-frequency = <62500000>;
        always-on;
    };
    pl011@9000000 { compatible = "arm,pl011", "arm,primecell"; reg = <0 0x9000000 0 0x1000>; };
    virtio_mmio@a000000 { compatible = "virtio,mmio"; reg = <0 0xa000000 0 0x200>; };
};
EOS
cat >"$OUT/badhost.dts" <<'EOS'
/dts-v1/;
/ {
    compatible = [74 65 73 74];
    model = "";
    #address-cells = <2>;
    #size-cells = <2>;
    cpus {
        cpu@0 { device_type = "cpu"; compatible = [61 72 6d]; reg = <0>; };
    };
    timer { compatible = "arm,armv8-timer"; clock-frequency = <0 62500000>; };
};
EOS
dtc -q -I dts -O dtb -o "$OUT/host.dtb" "$OUT/host.dts"
dtc -q -I dts -O dtb -o "$OUT/badhost.dtb" "$OUT/badhost.dts"

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
gcc -std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN \
    -Ixen/include -Ixen/arch/arm/include \
    xen/arch/arm/kernel.c xen/arch/arm/dom0_fdt.c tests/unit/dom0/dom0_test.c \
    "$LIBFDT" -o "$OUT/dom0_test"

"$OUT/dom0_test" "$OUT" "$OUT/host.dtb" "$OUT/badhost.dtb" \
    "$BUILD/guest/arm64/Image" "$BUILD/guest/arm32/zImage"

# dtc's own checks over every generated tree.  The Xen node must be named
# exactly "hypervisor" (Linux looks it up by that name), so its reg without
# a unit address is expected.
fail=0 trees=0
for dtb in "$OUT"/dom0-*.dtb; do
    trees=$((trees + 1))
    dts=${dtb%.dtb}.dts
    if ! dtc -I dtb -O dts -o "$dts" "$dtb" 2>"$dts.warn"; then
        echo "FAIL: dtc cannot read $dtb: $(cat "$dts.warn")"
        fail=1
        continue
    fi
    if grep -v 'unit_address_vs_reg.*/hypervisor' "$dts.warn" | grep -q .; then
        echo "FAIL: dtc warns about $dtb:"
        cat "$dts.warn"
        fail=1
    fi
    # ... and the source it gives back compiles to the same tree.
    if ! dtc -q -I dts -O dtb -o "$dts.dtb" "$dts" ||
       ! dtc -q -I dtb -O dts "$dts.dtb" | cmp -s - "$dts"; then
        echo "FAIL: $dtb does not round-trip through dtc"
        fail=1
    fi
done

# What a reader of the full tree sees.
full=$OUT/dom0-full.dts
for want in 'compatible = "xen,xen-4.17\0xen,xen";' \
            'interrupts = <0x01 0x0f 0x04>;' \
            'reg = <0x00 0x38000000 0x00 0x1000000>;' \
            'method = "hvc";' \
            'enable-method = "psci";' \
            'compatible = "arm,gic-v3";' \
            'bootargs = "console=hvc0 rdinit=/init earlycon=xen";' \
            'linux,initrd-start = <0x00 0x62000000>;' \
            'interrupts = <0x01 0x0d 0x04 0x01 0x0e 0x04 0x01 0x0b 0x04 0x01 0x0a 0x04>;' \
            'reg = <0x00 0x60000000 0x00 0x10000000 0x02 0x00 0x00 0x40000000>;'; do
    grep -qF "$want" "$full" || { echo "FAIL: '$want' not in $full"; fail=1; }
done
[ $fail -eq 0 ] || exit 1
echo "PASS: dom0 options, kernel probing/placement and device tree; dtc clean on $trees trees"
