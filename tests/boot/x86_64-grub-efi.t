#!/bin/bash
# Boot build/x86_64/xen.iso through GRUB2 on UEFI (OVMF) and check the
# banner: GRUB must take our EFI64 entry with boot services still running,
# and the hypervisor must exit them itself.  The logic is shared with the
# SeaBIOS test; see x86_64-grub-bios.t.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
exec "$TOP/tests/boot/x86_64-grub-bios.t" uefi
