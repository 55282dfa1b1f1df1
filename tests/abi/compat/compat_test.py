"""Shared setup for the compat tests (tests/abi/compat/*.t).

Each test generates its own copy of the compat headers under
$BUILD/tests/compat/<test>/, so the tests can run in parallel.
COMPAT_TEST_INCLUDE may name another directory holding public/ (to try the
generator on a different copy of the headers); it defaults to xen/include.
"""

import json
import os
import subprocess
import sys

TOP = os.environ.get("TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
BUILD = os.environ.get("BUILD") or os.path.join(TOP, "build")
os.chdir(TOP)

PYTHON = "/usr/bin/python3"
INC = os.environ.get("COMPAT_TEST_INCLUDE", "xen/include")
LIST = "xen/include/compat-xlat.lst"
HEADERS = ("xen.h event_channel.h memory.h grant_table.h sched.h vcpu.h version.h "
           "features.h physdev.h platform.h hvm/hvm_op.h hvm/params.h xsm/flask_op.h").split()
GCC_INCLUDE = subprocess.run(["gcc", "-print-file-name=include"], stdout=subprocess.PIPE,
                             text=True, check=True).stdout.strip()
# How hypervisor code compiles the generated headers (x86_64).
HV_FLAGS = ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-ffreestanding", "-nostdinc",
            "-isystem", GCC_INCLUDE, "-Ixen/include/libc", "-I" + INC, "-D__XEN__"]

SKIP = 77


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(SKIP)


def fail(msg, detail=None):
    print("FAIL: " + msg)
    if detail:
        print("\n".join(detail.splitlines()[-40:]))
    sys.exit(1)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def generate(name, list_path=LIST, extra=()):
    """Generate into $BUILD/tests/compat/<name>/out; return (workdir, manifest)."""
    work = os.path.join(BUILD, "tests", "compat", name)
    subprocess.run(["rm", "-rf", work], check=True)
    os.makedirs(work)
    if not os.path.isfile(os.path.join(INC, "public", "xen.h")):
        skip("%s/public/xen.h does not exist yet" % INC)
    man = os.path.join(work, "manifest.json")
    r = run([PYTHON, "xen/tools/gen-compat.py", "--include", INC, "--list", list_path,
             "--out", os.path.join(work, "out"), "--manifest", man] + list(extra) + HEADERS)
    if r.returncode != 0:
        fail("gen-compat.py failed", r.stdout)
    for line in r.stdout.splitlines():
        print("  " + line)
    if not os.path.isfile(man):
        skip("no public header was usable")
    with open(man) as f:
        return work, json.load(f)


def compile_hv(work, src_text, name, extra=()):
    """Compile `src_text` like hypervisor code against the generated headers."""
    src = os.path.join(work, name + ".c")
    with open(src, "w") as f:
        f.write(src_text)
    return run(["gcc"] + HV_FLAGS + ["-I" + os.path.join(work, "out")] + list(extra) +
               ["-c", src, "-o", os.path.join(work, name + ".o")])


def read_list(path=LIST):
    out = []
    with open(path) as f:
        for raw in f:
            line = raw.split("#", 1)[0].split()
            if line:
                out.append(tuple(line))
    return out
