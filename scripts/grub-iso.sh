#!/bin/bash
# A GRUB2 rescue ISO that boots a multiboot2 hypervisor with modules, GRUB
# on the serial line only.  grub-mkrescue puts both the BIOS (i386-pc) and
# the UEFI (x86_64-efi) GRUB on it, so one ISO serves SeaBIOS and OVMF.
#
#   scripts/grub-iso.sh ISO HYPERVISOR "HV ARGS" [MODULE "MODULE ARGS"]...
#
# GRUB_ISO_ENTRY_PREFIX (environment), if set, is GRUB script put in the
# menu entry before the multiboot2 line (e.g. reading a value for the
# command line: the hypervisor arguments may then name GRUB variables).
# The grub.cfg used is left next to the ISO (ISO without .iso + .grub.cfg).
# Exit 0 on success; otherwise grub-mkrescue's output is printed.
set -u
if [ $# -lt 3 ] || [ $(( ($# - 3) % 2 )) -ne 0 ]; then
    echo "usage: $0 ISO HYPERVISOR \"HV ARGS\" [MODULE \"MODULE ARGS\"]..." >&2
    exit 2
fi
iso=$1 hv=$2 hv_args=$3
shift 3
work=$(mktemp -d "${TMPDIR:-/tmp}/grub-iso.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
dir=$work/tree
mkdir -p "$dir/boot/grub" && cp "$hv" "$dir/boot/xen" || exit 1
n=0
mods=()
while [ $# -gt 0 ]; do
    cp "$1" "$dir/boot/mod$n" || exit 1
    mods+=("	module2 /boot/mod$n $2")
    n=$((n + 1))
    shift 2
done
{
    echo "serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1"
    echo "terminal_input serial"
    echo "terminal_output serial"
    echo "set timeout=0"
    echo "set default=0"
    echo "menuentry \"$(basename "$hv")\" {"
    [ -n "${GRUB_ISO_ENTRY_PREFIX:-}" ] && printf '%s\n' "$GRUB_ISO_ENTRY_PREFIX"
    echo "	multiboot2 /boot/xen $hv_args"
    for m in "${mods[@]}"; do echo "$m"; done
    echo "}"
} >"$dir/boot/grub/grub.cfg"
cp "$dir/boot/grub/grub.cfg" "${iso%.iso}.grub.cfg"
if ! grub-mkrescue --locales= --themes= -o "$iso" "$dir" >"$work/log" 2>&1; then
    cat "$work/log"
    exit 1
fi
