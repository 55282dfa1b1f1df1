#!/bin/bash
# Builds common hypervisor sources for the host, against the fake arch, under
# ASan and UBSan.  Sourced by the tests' .t scripts:
#   fake_arch_build OUT_DIR TEST_SOURCE BINARY common-source...
# Host headers (string.h & co.) stand in for xen/include/libc.
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
FAKE_CFLAGS="-std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN -pthread -DCONFIG_NR_CPUS=4 \
    -Ixen/include -Itests/unit/fake_arch"

fake_arch_build() {
    local out=$1 test_src=$2 bin=$3 objs=() src obj
    shift 3
    mkdir -p "$out"
    for src in tests/unit/fake_arch/fake_arch.c "$@"; do
        obj=$out/$(basename "$src" .c).o
        gcc $FAKE_CFLAGS -c "$src" -o "$obj" || return 1
        objs+=("$obj")
    done
    gcc $FAKE_CFLAGS "$test_src" "${objs[@]}" -o "$out/$bin"
}
