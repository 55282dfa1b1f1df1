#!/usr/bin/python3
"""The generated compat <-> native translation helpers round-trip sample
values and report values that do not fit when narrowing, on the host under
-fsanitize=address,undefined (tests/abi/compat/xlat-roundtrip.c)."""

import os
import sys

sys.dont_write_bytecode = True  # nothing may be written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compat_test as ct  # noqa: E402

work, man = ct.generate("xlat")
needed = {"memory.h", "grant_table.h", "vcpu.h"}
absent = needed - set(man["headers"])
if absent:
    ct.skip("public headers not present yet: " + " ".join(sorted(absent)))
print("xlat: %d structures have translation helpers" % len(man["translated"]))

exe = os.path.join(work, "xlat-roundtrip")
r = ct.run(["gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O1", "-g",
            "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
            "-I" + os.path.join(work, "out"), "-I" + ct.INC, "-D__XEN__",
            "tests/abi/compat/xlat-roundtrip.c", "-o", exe])
if r.returncode != 0:
    ct.fail("building the round-trip test failed", r.stdout)
r = ct.run([exe])
print(r.stdout, end="")
if r.returncode != 0:
    ct.fail("round-trip test failed (exit %d)" % r.returncode)
