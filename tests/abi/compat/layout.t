#!/usr/bin/python3
"""Every generated compat aggregate has the size, alignment and member
offsets/sizes that `gcc -m32 -ffreestanding` gives the public one.

The i386 numbers come from compiling the public headers with -m32 (values
read back from the assembly); they are then asserted with _Static_assert in
an x86_64 compile of the compat headers."""

import os
import re
import sys

sys.dont_write_bytecode = True  # nothing may be written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compat_test as ct  # noqa: E402

work, man = ct.generate("layout")
aggs = man["aggregates"]
if not aggs:
    ct.fail("the generator produced no compat aggregates")

# ---- i386 measurements -------------------------------------------------------
probes = []     # (what, compat expression, public expression)
for a in aggs:
    pub, cmp_ = a["public"], a["compat"]
    probes.append(("size", "sizeof(%s)" % cmp_, "sizeof(%s)" % pub, a["compat"]))
    probes.append(("align", "_Alignof(%s)" % cmp_, "_Alignof(%s)" % pub, a["compat"]))
    for path, sized in a["members"]:
        probes.append(("offset", "__builtin_offsetof(%s, %s)" % (cmp_, path),
                       "__builtin_offsetof(%s, %s)" % (pub, path), "%s.%s" % (cmp_, path)))
        if sized:
            probes.append(("msize", "sizeof(((%s *)0)->%s)" % (cmp_, path),
                           "sizeof(((%s *)0)->%s)" % (pub, path), "%s.%s" % (cmp_, path)))

src32 = ["#include <stdint.h>"] + ["#include <public/%s>" % h for h in man["headers"]]
src32.append("void layout_probe(void);\nvoid layout_probe(void)\n{")
for i, p in enumerate(probes):
    src32.append('    __asm__ volatile("#@@ %d %%c0" :: "i" (%s));' % (i, p[2]))
src32.append("}")
c32 = os.path.join(work, "probe32.c")
with open(c32, "w") as f:
    f.write("\n".join(src32) + "\n")
r = ct.run(["gcc", "-m32", "-ffreestanding", "-nostdinc", "-isystem", ct.GCC_INCLUDE,
            "-I" + ct.INC, "-D__XEN_TOOLS__", "-S", c32, "-o", os.path.join(work, "probe32.s")])
if r.returncode != 0:
    ct.fail("-m32 compile of the public headers failed", r.stdout)
values = {}
with open(os.path.join(work, "probe32.s")) as f:
    for line in f:
        m = re.search(r"#@@ (\d+) \$?(-?\d+)", line)
        if m:
            values[int(m.group(1))] = int(m.group(2))
if len(values) != len(probes):
    ct.fail("read %d of %d i386 measurements" % (len(values), len(probes)))

# ---- x86_64 assertions -----------------------------------------------------------
src64 = ["#include <compat/compat-base.h>"]
src64 += ["#include <compat/%s>" % h for h in man["compat_headers"]]
counts = {}
for i, (what, cexpr, _, label) in enumerate(probes):
    counts[what] = counts.get(what, 0) + 1
    src64.append('_Static_assert(%s == %d, "i386 %s of %s is %d");'
                 % (cexpr, values[i], what, label, values[i]))
r = ct.compile_hv(work, "\n".join(src64) + "\n", "check64", ["-fsyntax-only"])
if r.returncode != 0:
    errs = [l for l in r.stdout.splitlines() if "error" in l]
    ct.fail("%d compat layout mismatches against gcc -m32" % len(errs), "\n".join(errs))

print("layout: %d compat aggregates from %d headers" % (len(aggs), len(man["headers"])))
print("layout: %d sizes, %d alignments match gcc -m32: ok" % (counts["size"], counts["align"]))
print("layout: %d member offsets, %d member sizes match gcc -m32: ok"
      % (counts.get("offset", 0), counts.get("msize", 0)))
if man["skipped"]:
    print("layout: note: headers not present/usable: " + " ".join(man["skipped"]))
