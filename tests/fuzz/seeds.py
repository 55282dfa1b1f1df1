#!/usr/bin/python3 -B
"""Seed inputs for the fuzz targets, generated at test time (nothing binary
is committed).  Usage: seeds.py OUTDIR; writes OUTDIR/<target>/<name>.

The formats are built from their specifications: multiboot2 boot
information, ACPI tables as QEMU's q35 lays them out, ELF PVH kernels with
a Xen PHYS32_ENTRY note, arm64 Image and arm32 zImage headers.  Device
trees come from dtc (see fuzz.sh)."""
import os
import struct
import sys

sys.dont_write_bytecode = True


def pad8(b):
    return b + b"\0" * (-len(b) % 8)


# ---------------------------------------------------------------- multiboot2
def mb2_tag(tag_type, payload=b""):
    return pad8(struct.pack("<II", tag_type, 8 + len(payload)) + payload)


def mb2_string(tag_type, s):
    return mb2_tag(tag_type, s.encode() + b"\0")


def mb2_info(tags):
    body = b"".join(tags) + mb2_tag(0)
    return struct.pack("<II", 8 + len(body), 0) + body


def mb2_mmap(entries, entry_size=24):
    p = struct.pack("<II", entry_size, 0)
    for base, length, kind in entries:
        e = struct.pack("<QQII", base, length, kind, 0)
        p += e[:entry_size].ljust(entry_size, b"\0")
    return mb2_tag(6, p)


def rsdp(rev, rsdt, xsdt, oem=b"BOCHS "):
    v1 = bytearray(b"RSD PTR " + b"\0" + oem + bytes([rev]) + struct.pack("<I", rsdt))
    v1[8] = -sum(v1) & 0xff
    if rev < 2:
        return bytes(v1)
    v2 = bytearray(v1 + struct.pack("<IQ", 36, xsdt) + b"\0\0\0\0")
    v2[32] = -sum(v2) & 0xff
    return bytes(v2)


def mb2_seeds():
    grub = [
        mb2_string(1, "console=com1 dom0_mem=512M loglvl=all"),
        mb2_string(2, "GRUB 2.06-13+deb12u1"),
        mb2_tag(3, struct.pack("<II", 0x200000, 0x800000) + b"root=/dev/sda1 ro\0"),
        mb2_tag(3, struct.pack("<II", 0x800000, 0xa00000) + b"\0"),
        mb2_tag(4, struct.pack("<II", 639, 523136)),
        mb2_tag(5, struct.pack("<III", 0x80, 0xffffffff, 0xffffffff)),
        mb2_mmap([(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
                  (0x100000, 0x1fee0000, 1), (0x1ffe0000, 0x20000, 3),
                  (0xfeffc000, 0x4000, 4), (0xfffc0000, 0x40000, 5)]),
        mb2_tag(21, struct.pack("<I", 0x200000)),
        mb2_tag(14, rsdp(0, 0x1ffe1000, 0)),
        mb2_tag(15, rsdp(2, 0x1ffe1000, 0x1ffe2000)),
    ]
    efi = [
        mb2_string(1, "console=com1"),
        mb2_string(2, "GRUB 2.06"),
        mb2_tag(12, struct.pack("<Q", 0x7fbee018)),
        mb2_tag(20, struct.pack("<Q", 0x7e5d3e98)),
        mb2_tag(11, struct.pack("<I", 0x7fbee018)),
        mb2_tag(18),
        mb2_tag(17, struct.pack("<II", 48, 1) + b"\0" * 96),
        mb2_tag(8, struct.pack("<QIIIBBH", 0x80000000, 4096, 1024, 768, 32, 1, 0) + b"\0" * 6),
        mb2_tag(15, rsdp(2, 0x7fb7e074, 0x7fb7e0e8)),
    ]
    return {
        "grub-bios": mb2_info(grub),
        "grub-efi": mb2_info(efi),
        "meminfo-only": mb2_info([mb2_tag(4, struct.pack("<II", 640, 130048))]),
        "mmap-32": mb2_info([mb2_mmap([(0, 0xa0000, 1), (0x100000, 0x7ff00000, 1)], 32)]),
        "empty": mb2_info([]),
        "long-cmdline": mb2_info([mb2_string(1, "x" * 1100), mb2_string(2, "L" * 200)]),
        "many-modules": mb2_info([mb2_tag(3, struct.pack("<II", 0x100000 * i, 0x100000 * i + 4096)
                                          + b"m%d\0" % i) for i in range(1, 19)]),
    }


# ---------------------------------------------------------------- ACPI
ACPI_BASE = 0xe0000


def acpi_table(sig, body, rev=1):
    t = bytearray(sig + struct.pack("<IBB", 36 + len(body), rev, 0) + b"BOCHS BXPC    "
                  + struct.pack("<I", 1) + b"BXPC" + struct.pack("<I", 1) + body)
    t[9] = -sum(t) & 0xff
    return bytes(t)


def madt(x2=False):
    e = b""
    for i in range(4):
        e += struct.pack("<BBBBI", 0, 8, i, i, 1 if i < 3 else 0)
    if x2:
        e += struct.pack("<BBHIII", 9, 16, 0, 0x100, 1, 4)
        e += struct.pack("<BBHIB3x", 10, 12, 5, 0xffffffff, 1)
    e += struct.pack("<BBBBII", 1, 12, 0, 0, 0xfec00000, 0)
    e += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)
    e += struct.pack("<BBBBIH", 2, 10, 0, 9, 9, 0xd)
    e += struct.pack("<BBBHB", 4, 6, 0xff, 0, 1)
    e += struct.pack("<BBHQ", 5, 12, 0, 0xfee00000)
    e += struct.pack("<BB", 0x7f, 4) + b"\0\0"         # a type we skip
    return acpi_table(b"APIC", struct.pack("<II", 0xfee00000, 1) + e, 3)


def madt_overfull():
    """More CPUs, I/O APICs, overrides and NMIs than struct acpi_info keeps."""
    e = b""
    for i in range(300):
        e += struct.pack("<BBHIII", 9, 16, 0, i, 1, i) if i >= 250 else \
            struct.pack("<BBBBI", 0, 8, i, i, 1)
    for i in range(17):
        e += struct.pack("<BBBBII", 1, 12, i, 0, 0xfec00000 + 0x1000 * i, 24 * i)
    for i in range(33):
        e += struct.pack("<BBBBIH", 2, 10, 0, i, i + 100, 0)
    for i in range(17):
        e += struct.pack("<BBBHB", 4, 6, i, 0, 1)
    return acpi_table(b"APIC", struct.pack("<II", 0xfee00000, 0) + e, 3)


def hpet():
    return acpi_table(b"HPET", struct.pack("<IBBBBQBHB", 0x8086a201, 0, 64, 0, 0,
                                           0xfed00000, 0, 0, 0)[:20] + b"\0", 1)


def acpi_memory(rev, xsdt_too=True, rsdp_at=0, x2=False, full=False):
    """RSDP at rsdp_at, then RSDT, XSDT, HPET, FACP, MADT at fixed places."""
    mem = bytearray(0x2000 if full else 0x800)
    at = {"rsdt": 0x100, "xsdt": 0x180, "hpet": 0x200, "facp": 0x280, "madt": 0x400}
    pa = {k: ACPI_BASE + v for k, v in at.items()}
    tables = [pa["madt"], pa["hpet"], pa["facp"]]
    parts = {
        "madt": madt_overfull() if full else madt(x2), "hpet": hpet(), "facp": acpi_table(b"FACP", b"\0" * 80, 1),
        "rsdt": acpi_table(b"RSDT", b"".join(struct.pack("<I", t) for t in tables)),
        "xsdt": acpi_table(b"XSDT", b"".join(struct.pack("<Q", t) for t in tables)),
    }
    for k, b in parts.items():
        mem[at[k]:at[k] + len(b)] = b
    r = rsdp(rev, pa["rsdt"], pa["xsdt"] if xsdt_too and rev >= 2 else 0)
    mem[rsdp_at:rsdp_at + len(r)] = r
    return bytes(mem)


def acpi_seeds():
    s = {}
    for mode in range(4):
        s["q35-v2-mode%d" % mode] = bytes([mode]) + acpi_memory(2)
        s["v1-rsdt-mode%d" % mode] = bytes([mode]) + acpi_memory(0)
    s["x2apic"] = b"\1" + acpi_memory(2, x2=True)
    s["scan-0x40"] = b"\0" + acpi_memory(2, rsdp_at=0x40)
    s["rsdt-only-v2"] = b"\0" + acpi_memory(2, xsdt_too=False)
    s["madt-overfull"] = b"\0" + acpi_memory(2, full=True)
    return s


# ---------------------------------------------------------------- ELF PVH
def xen_note(entry, descsz):
    desc = struct.pack("<Q" if descsz == 8 else "<I", entry)
    return struct.pack("<III", 4, descsz, 18) + b"Xen\0" + desc


def elf(is64, note_in_phdr=True, descsz=4, extra_note=False):
    """ehdr | phdrs @0x100 | note @0x300 | shdrs @0x400 | text @0x800."""
    entry, text = 0x100000, 0x800
    note = (struct.pack("<III", 4, 4, 1) + b"Xen\0" + b"\0" * 4 if extra_note else b"") \
        + xen_note(entry, descsz)
    img = bytearray(0x1000)
    if is64:
        img[0:64] = (b"\x7fELF\x02\x01\x01" + b"\0" * 9 +
                     struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x1000000, 0x100, 0x400, 0,
                                 64, 56, 3 if note_in_phdr else 2, 64, 2, 0))
        ph = [struct.pack("<IIQQQQQQ", 1, 5, text, 0xffffffff81000000, entry, 0x800, 0x800, 0x200000),
              struct.pack("<IIQQQQQQ", 1, 6, 0x1000, 0xffffffff81200000, 0x200000, 0, 0x10000, 0x1000)]
        if note_in_phdr:
            ph.append(struct.pack("<IIQQQQQQ", 4, 4, 0x300, 0, 0, len(note), len(note), 4))
        sh = [b"\0" * 64, struct.pack("<IIQQQQIIQQ", 1, 7, 2, 0, 0x300, len(note), 0, 0, 4, 0)]
    else:
        img[0:52] = (b"\x7fELF\x01\x01\x01" + b"\0" * 9 +
                     struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0x1000000, 0x100, 0x400, 0,
                                 52, 32, 3 if note_in_phdr else 2, 40, 2, 0))
        ph = [struct.pack("<IIIIIIII", 1, text, 0xc1000000, entry, 0x800, 0x800, 5, 0x1000),
              struct.pack("<IIIIIIII", 1, 0x1000, 0xc1200000, 0x200000, 0, 0x10000, 6, 0x1000)]
        if note_in_phdr:
            ph.append(struct.pack("<IIIIIIII", 4, 0x300, 0, 0, len(note), len(note), 4, 4))
        sh = [b"\0" * 40, struct.pack("<IIIIIIIIII", 1, 7, 2, 0, 0x300, len(note), 0, 0, 4, 0)]
    p = b"".join(ph)
    img[0x100:0x100 + len(p)] = p
    img[0x300:0x300 + len(note)] = note
    s = b"".join(sh)
    img[0x400:0x400 + len(s)] = s
    img[text:text + 4] = b"\xf4\xeb\xfd\x90"       # hlt; jmp .
    return bytes(img)


def elf64_many_segments(n):
    phoff, note_at = 0x40, 0x40 + 56 * (n + 1)
    note = xen_note(0x100000, 4)
    img = bytearray(b"\x7fELF\x02\x01\x01" + b"\0" * 9 +
                    struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x100000, phoff, 0, 0,
                                64, 56, n + 1, 64, 0, 0))
    for i in range(n):
        img += struct.pack("<IIQQQQQQ", 1, 5, 0, 0, 0x100000 + 0x1000 * i, 0x40, 0x1000, 0x1000)
    img += struct.pack("<IIQQQQQQ", 4, 4, note_at, 0, 0, len(note), len(note), 4)
    return bytes(img + note)


def pvh_seeds():
    return {
        "elf64-phdr-note": elf(True),
        "elf64-section-note-8": elf(True, False, 8),
        "elf32-phdr-note": elf(False),
        "elf32-two-notes": elf(False, True, 4, True),
        "elf64-16-segments": elf64_many_segments(16),
        "elf64-17-segments": elf64_many_segments(17),
        "options": b"console=com1 dom0_mem=min:64M,max:1G,256M dom0_max_vcpus=1-4",
        "options-bad": b"dom0_mem=16777216B dom0_mem=-1G dom0_max_vcpus=0x10 dom0_max_vcpus=-3",
    }


# ---------------------------------------------------------------- arm kernels
def banks_tail(base, nr, initrd_64k, banks):
    t = bytes([base, nr - 1]) + struct.pack("<H", initrd_64k)
    for gap, size in banks:
        t += struct.pack("<HH", gap, size)
    return t.ljust(20, b"\0")


def arm64_image(text=0x80000, size=0x200000, flags=0xa, length=4096, tail=b""):
    h = struct.pack("<IIQQQQQQ", 0x14000010, 0, text, size, flags, 0, 0, 0) + b"ARM\x64" + b"\0" * 4
    return (h.ljust(length - len(tail), b"\0") + tail)


def zimage(start=0, length=0x2000, endian=0x04030201, dtb=b"", tail=b""):
    h = struct.pack("<8I", *([0xe1a00000] * 8)) + struct.pack("<IIIII", 0xea000002, 0x016f2818,
                                                              start, start + length, endian)
    body = h.ljust(length, b"\0") + dtb
    return body + tail


def kernel_seeds():
    dtb = struct.pack(">II", 0xd00dfeed, 0x48) + b"\0" * 0x40
    return {
        "image": arm64_image(),
        "image-banks": arm64_image(tail=banks_tail(4, 3, 64, [(0, 64), (256, 1024), (3072, 2048)])),
        "image-old": arm64_image(text=0x80000, size=0, flags=0),
        "image-64k-big": arm64_image(text=0x200000, size=0x40000000, flags=0x6),
        "image-top": arm64_image(tail=banks_tail(0xff, 2, 1, [(0, 4096), (2, 4096)])),
        "zimage": zimage(),
        "zimage-fixed": zimage(start=0x60008000, tail=banks_tail(6, 1, 16, [(0, 1024)])),
        "zimage-dtb": zimage(dtb=dtb),
        "zimage-low": zimage(length=0x1000, tail=banks_tail(0, 2, 0, [(1024, 200), (5000, 300)])),
        "gzip": b"\x1f\x8b\x08\x00" + b"\0" * 60,
        "uimage": b"\x27\x05\x19\x56" + b"\0" * 60,
        "options": b"console=dtuart dom0_mem=1G dom0_max_vcpus=2 dom0_mem=0x10M",
    }


def fdt_sources():
    """Device tree sources (fuzz.sh compiles them with dtc)."""
    head = "/dts-v1/;\n"
    root = "/ {\n #address-cells = <2>;\n #size-cells = <2>;\n"
    mem = ' memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x40000000>; };\n'
    cpus = " cpus {\n  #address-cells = <1>;\n  #size-cells = <0>;\n" + "".join(
        '  cpu@%x { device_type = "cpu"; reg = <0x%x>; };\n' % (i, (i // 16) << 8 | i % 16)
        for i in range(260)) + " };\n"
    return {
        "gen-many-cpus": head + root + mem + cpus + "};\n",
        "gen-long-cmdline": head + root + mem + ' chosen { bootargs = "%s"; };\n};\n' % ("a" * 1100),
        "gen-bad-memreserve": head + "/memreserve/ 0xffffffffffff0000 0x20000;\n" + root + mem + "};\n",
        "gen-device-tree-module": head + root + mem +
        ' chosen { #address-cells = <2>; #size-cells = <2>;\n'
        '  module@0 { compatible = "multiboot,device-tree", "multiboot,module"; reg = <0 0x50000000 0 0x1000>; };\n'
        '  module@1 { compatible = "multiboot,module"; reg = <0 0x51000000 0 0x1000>; bootargs = "k"; };\n'
        ' };\n};\n',
    }


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "dts"), exist_ok=True)
    for name, text in fdt_sources().items():
        with open(os.path.join(out, "dts", name + ".dts"), "w") as f:
            f.write(text)
    for target, seeds in (("mb2", mb2_seeds()), ("acpi", acpi_seeds()),
                          ("pvh", pvh_seeds()), ("kernel", kernel_seeds())):
        os.makedirs(os.path.join(out, target), exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(out, target, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
