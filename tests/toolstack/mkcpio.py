#!/usr/bin/python3 -B
"""Write a gzipped "newc" cpio archive of a directory, for a Linux initramfs.

    mkcpio.py DIR OUT.cpio.gz

Entries are sorted (parents before children), owned by root, with
modification time 0 so that the same tree always gives the same archive.
Regular files, directories, symlinks and device nodes are stored; the
cpio tool is not needed on the host.
"""
import gzip
import os
import stat
import sys

sys.dont_write_bytecode = True


def header(ino, mode, nlink, size, rdev, name):
    fields = (ino, mode, 0, 0, nlink, 0, size, 0, 0,
              os.major(rdev), os.minor(rdev), len(name) + 1, 0)
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mkcpio.py DIR OUT.cpio.gz")
    top, out = sys.argv[1], sys.argv[2]
    paths = []
    for base, dirs, files in os.walk(top):
        dirs.sort()
        rel = os.path.relpath(base, top)
        if rel != ".":
            paths.append(rel)
        for f in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(base, d))]:
            paths.append(os.path.normpath(os.path.join(rel, f)))
    tmp = out + ".tmp"
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                               compresslevel=6) as z:
        for ino, rel in enumerate(paths, 1):
            full = os.path.join(top, rel)
            st = os.lstat(full)
            name = rel.encode()
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(full).encode()
            elif stat.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    data = f.read()
            else:
                data = b""
            rdev = st.st_rdev if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else 0
            nlink = 2 if stat.S_ISDIR(st.st_mode) else 1
            h = header(ino, st.st_mode, nlink, len(data), rdev, name)
            z.write(h + name + b"\0" + pad(len(h) + len(name) + 1))
            z.write(data + pad(len(data)))
        h = header(0, 0, 1, 0, 0, b"TRAILER!!!")
        z.write(h + b"TRAILER!!!\0" + pad(len(h) + 11))
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
