#!/usr/bin/python3
"""The identical-layout checks of compat/xlat.h compile as hypervisor code,
cover every event-channel structure, and do catch a structure whose layout
differs."""

import os
import re
import sys

sys.dont_write_bytecode = True  # nothing may be written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compat_test as ct  # noqa: E402

work, man = ct.generate("checks")
xlat = open(os.path.join(work, "out", "compat", "xlat.h")).read()
n_asserts = xlat.count("_Static_assert(")
same = set(re.findall(r"#define COMPAT_LAYOUT_SAME_(\w+) 1", xlat))
if not same:
    ct.fail("xlat.h has no identical-layout checks")

# (1) They compile as x86_64 hypervisor code, together with the helpers.
r = ct.compile_hv(work, "#include <compat/xlat.h>\n", "use-xlat", ["-O2"])
if r.returncode != 0:
    ct.fail("compat/xlat.h does not compile", r.stdout)
print("checks: %d structures, %d _Static_asserts compile (x86_64, -Werror): ok"
      % (len(same), n_asserts))

# (2) Every event-channel aggregate is in the identical class.
evtchn = [a["compat"].split()[-1][len("compat_"):] for a in man["aggregates"]
          if a["header"] == "event_channel.h" and a["compat"].startswith("struct ")]
if "event_channel.h" in man["headers"]:
    missing = [n for n in evtchn if n not in same]
    if missing:
        ct.fail("event-channel structures without a 'same' entry: " + " ".join(missing))
    print("checks: all %d event-channel structures are layout-identical: ok" % len(evtchn))
else:
    print("checks: event_channel.h not present yet: event-channel class not checked")

# (3) Every 'same' list entry whose header exists got its checks.
listed = [name for cls, name, hdr in ct.read_list() if cls == "same" and hdr in man["headers"]]
lost = [n for n in listed if n not in same]
if lost:
    ct.fail("'same' entries without checks: " + " ".join(lost))
print("checks: all %d 'same' entries of the list are checked: ok" % len(listed))

# (4) Negative: a structure that differs for i386 is refused as 'same' by the
# generator, and, forced through, its static assertions fail to compile.
victim = next((name for cls, name, hdr in ct.read_list()
               if cls == "xlat" and hdr in man["headers"]), None)
if victim is None:
    print("checks: no 'xlat' entry available for the negative test: skipped")
    sys.exit(0)
bad_list = os.path.join(work, "bad.lst")
with open(bad_list, "w") as f:
    hdr = [h for cls, name, h in ct.read_list() if name == victim][0]
    f.write("same %s %s\n" % (victim, hdr))
r = ct.run([ct.PYTHON, "xen/tools/gen-compat.py", "--include", ct.INC, "--list", bad_list,
            "--out", os.path.join(work, "bad"), *ct.HEADERS])
if r.returncode == 0:
    ct.fail("generator accepted 'same %s' although the layout differs" % victim)
r = ct.run([ct.PYTHON, "xen/tools/gen-compat.py", "--include", ct.INC, "--list", bad_list,
            "--out", os.path.join(work, "bad"), "--force-checks", *ct.HEADERS])
if r.returncode != 0:
    ct.fail("generator failed with --force-checks", r.stdout)
r = ct.run(["gcc"] + ct.HV_FLAGS + ["-I" + os.path.join(work, "bad"), "-fsyntax-only",
                                    "-include", "compat/xlat.h", "-x", "c", "/dev/null"])
if r.returncode == 0 or "static assertion failed" not in r.stdout:
    ct.fail("static assertions did not catch the differing layout of %s" % victim, r.stdout)
print("checks: mismatching '%s' is refused and its assertions fail: ok" % victim)
