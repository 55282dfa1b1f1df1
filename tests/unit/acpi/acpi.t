#!/bin/bash
# Host test of the x86 ACPI table parser (xen/arch/x86/acpi.c) under
# AddressSanitizer and UBSan: good tables, each kind of damage, random damage.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP"
command -v gcc >/dev/null || { echo "SKIP: no gcc"; exit 77; }
out=$BUILD/tests/unit-acpi
mkdir -p "$out"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
# The parser exactly as the hypervisor builds it, against the host C library.
gcc -std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN -fno-builtin \
    -Ixen/include -Ixen/arch/x86/include \
    xen/arch/x86/acpi.c tests/unit/acpi/acpi_test.c -o "$out/acpi_test"
"$out/acpi_test"
