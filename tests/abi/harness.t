#!/usr/bin/python3 -B
"""Self-test of the layout harness: gen-asserts.py must pass a table that
matches a small header, and must name every wrong size, offset, member
size, typedef, constant and missing item of a table that does not."""

import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import layoutlib as L  # noqa: E402

missing = L.missing_compilers()
if missing:
    print("SKIP: missing compilers: %s (sh scripts/deps.sh)" % " ".join(missing))
    sys.exit(77)

work = os.path.join(os.environ.get("BUILD") or os.path.join(L.TOP, "build"),
                    "tests", "abi", "harness")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(os.path.join(work, "inc", "public"))

# A header whose layout differs per ABI the way the real ones do: a long,
# a pointer, and a 64-bit integer (4-aligned on i386).
with open(os.path.join(work, "inc", "public", "xen.h"), "w") as f:
    f.write("""#ifndef T_XEN_H
#define T_XEN_H
#define T_OP_NUMBER 7
#define T_BIG (~0UL)
struct t_rec {
    unsigned char kind;
    union { unsigned long word; void *ptr; } u;
    unsigned long long big;
};
typedef struct t_rec t_rec_t;
#endif
""")

GOOD = """header xen.h
struct t_rec 24 16 16 24
  kind 0 0 0 0 / 1 1 1 1
  u 8 4 4 8 / 8 4 4 8
  u.word 8 4 4 8 / 8 4 4 8
  big 16 8 8 16 / 8 8 8 8
type t_rec_t 24 16 16 24
const T_OP_NUMBER 7
const T_BIG 0xffffffffffffffff 0xffffffff 0xffffffff 0xffffffffffffffff
"""
BAD = """header xen.h
struct t_rec 24 12 16 24
  kind 0 0 0 0 / 1 1 1 1
  u 8 4 4 8 / 8 8 4 8
  big 16 8 12 16
  nosuch 0 - - -
struct t_absent 4 4 4 4
  x 0 0 0 0
type t_rec_t 24 16 16 16
type t_absent_t 1 1 1 1
const T_OP_NUMBER 8
const T_ABSENT 1
"""
EXPECT = [
    "struct t_rec: size: is 16, table says 12 [x86_32/tools]",
    "struct t_rec member u: member size: is 4, table says 8 [x86_32/tools]",
    "struct t_rec member big: offset: is 8, table says 12 [arm32/tools]",
    "struct t_rec member nosuch: no such member [x86_64/tools x86_64/xen]",
    "struct t_absent: not defined [",
    "typedef t_rec_t: size: is 24, table says 16 [arm64/tools arm64/xen]",
    "typedef t_absent_t: not defined [",
    "constant T_OP_NUMBER: value: is 7, table says 8 [",
    "constant T_ABSENT: not defined [",
]


def gen(name, text):
    path = os.path.join(work, name + ".layout")
    with open(path, "w") as f:
        f.write(text)
    return subprocess.run(["/usr/bin/python3", "-B", os.path.join(HERE, "gen-asserts.py"),
                           "--include", os.path.join(work, "inc"), "--layout", path,
                           "--out", os.path.join(work, name)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


ok = True
r = gen("good", GOOD)
if r.returncode != 0:
    print("FAIL: a correct table was rejected:\n" + r.stdout)
    ok = False
r = gen("bad", BAD)
if r.returncode != 1:
    print("FAIL: a wrong table gave exit status %d, not 1" % r.returncode)
    ok = False
for e in EXPECT:
    if e not in r.stdout:
        print("FAIL: expected a report containing: %s" % e)
        ok = False
if not ok:
    print(r.stdout)
    sys.exit(1)
print("harness reports %d planted errors correctly" % len(EXPECT))
