#!/bin/bash
# Host unit tests for xen/lib/ under AddressSanitizer and UBSan.
set -eu
out=$BUILD/tests/unit-lib
mkdir -p "$out"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
objs=()
for src in xen/lib/string.c xen/lib/strtoul.c xen/lib/vsnprintf.c; do
    obj=$out/$(basename "$src" .c).o
    # Library code sees its own freestanding headers, renamed to test_*.
    gcc -std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN -ffreestanding -fno-builtin \
        -nostdinc -isystem "$(gcc -print-file-name=include)" \
        -Ixen/include/libc -Ixen/include -include tests/unit/lib/rename.h \
        -c "$src" -o "$obj"
    objs+=("$obj")
done
gcc -std=gnu11 -Wall -Wextra -Werror -Wno-format-truncation -Wno-format-zero-length -O1 -g $SAN \
    -fno-builtin tests/unit/lib/lib_test.c "${objs[@]}" -o "$out/lib_test"
"$out/lib_test"
