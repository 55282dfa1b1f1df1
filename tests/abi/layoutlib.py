"""Shared pieces of the ABI layout harness (measure.py, gen-asserts.py).

A layout table (tests/abi/*.layout) is line oriented:

    # comment
    header <path>                      public header to #include, e.g. hvm/hvm_op.h
    struct <tag> <v1> <v2> <v3> <v4>   sizeof(struct tag) per ABI
    union <tag> <v1> <v2> <v3> <v4>    same for a union tag
      <path> <o1> .. <o4> [/ <s1> .. <s4>]
                                       member offset (and optionally its size);
                                       <path> is an offsetof designator (a.b.c)
    type <typedef> <v1> .. <v4>        sizeof(typedef)
    const <NAME> <v> | <v1> .. <v4>    value of a macro; one value = all ABIs

Columns are the ABIs in ABIS order (x86_64 x86_32 arm32 arm64); "-" means
the item does not exist on that ABI and is not checked there.  A trailing
"@tools" marks an item that only exists for toolstack builds
(__XEN_TOOLS__); the hypervisor configuration (__XEN__) does not check it.
"""

import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))

# name, compiler command, extra flags for a toolstack (hosted) build
ABIS = [
    ("x86_64", ["gcc"], []),
    ("x86_32", ["gcc", "-m32"], ["-ffreestanding"]),  # no 32-bit libc headers needed
    ("arm32", ["arm-linux-gnueabihf-gcc"], []),
    ("arm64", ["aarch64-linux-gnu-gcc"], []),
]
ABI_NAMES = [a[0] for a in ABIS]
NABI = len(ABIS)

# Configurations: name, ABIs it applies to.  The hypervisor itself is only
# ever built for x86_64 and arm64, so __XEN__ is checked there only.
CONFIGS = [
    ("tools", ABI_NAMES),
    ("xen", ["x86_64", "arm64"]),
]

COMMON_FLAGS = ["-std=gnu11"]


def abi_cc(abi):
    for name, cc, _ in ABIS:
        if name == abi:
            return cc
    raise KeyError(abi)


_gcc_inc = {}


def gcc_include(cc):
    key = tuple(cc)
    if key not in _gcc_inc:
        r = subprocess.run(list(cc) + ["-print-file-name=include"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        _gcc_inc[key] = r.stdout.strip()
    return _gcc_inc[key]


def cc_flags(abi, config, include, stub=None):
    """Compiler command and flags for one ABI in one configuration.  `stub`
    (see write_stub) is searched last, for hypervisor-internal headers the
    public ones may pull in under __XEN__."""
    for name, cc, tools_extra in ABIS:
        if name == abi:
            break
    else:
        raise KeyError(abi)
    flags = list(cc) + COMMON_FLAGS
    if config == "tools":
        flags += tools_extra + ["-D__XEN_TOOLS__"]
    elif config == "xen":
        flags += ["-ffreestanding", "-nostdinc", "-isystem", gcc_include(cc), "-D__XEN__"]
    else:
        raise KeyError(config)
    flags.append("-I" + include)
    if stub and config == "xen":
        flags += ["-idirafter", stub]
    return flags


def write_stub(work):
    """Minimal hypervisor-internal headers for __XEN__ builds of Xen's own
    public headers (hvm/save.h wants <xen/lib.h> for BUG())."""
    d = os.path.join(work, "stub")
    os.makedirs(os.path.join(d, "xen"), exist_ok=True)
    with open(os.path.join(d, "xen", "lib.h"), "w") as f:
        f.write("#ifndef ABI_STUB_LIB_H\n#define ABI_STUB_LIB_H\n"
                "#define BUG() __builtin_trap()\n#endif\n")
    return d


def missing_compilers():
    import shutil
    return sorted({cc[0] for _, cc, _ in ABIS if shutil.which(cc[0]) is None})


# ---------------------------------------------------------------- table model

class Item:
    """One checked entity: a struct/union, a member, a typedef or a constant."""

    def __init__(self, kind, name, values, sizes=None, tools_only=False, where=""):
        self.kind = kind          # "struct" "union" "member" "type" "const"
        self.name = name          # tag / typedef / macro; for members the path
        self.values = values      # list of NABI ints or None
        self.sizes = sizes        # members only: list of NABI ints/None, or None
        self.tools_only = tools_only
        self.where = where        # "file:line" for messages
        self.parent = None        # members: the struct Item
        self.members = []         # struct/union: member Items

    def label(self):
        if self.kind == "member":
            return "%s %s member %s" % (self.parent.kind, self.parent.name, self.name)
        if self.kind == "type":
            return "typedef %s" % self.name
        if self.kind == "const":
            return "constant %s" % self.name
        return "%s %s" % (self.kind, self.name)


class Layout:
    def __init__(self):
        self.headers = []
        self.items = []           # top-level items in file order

    def all_items(self):
        for it in self.items:
            yield it
            for m in it.members:
                yield m


class LayoutError(Exception):
    pass


def _num(tok, where):
    if tok == "-":
        return None
    try:
        return int(tok, 0)
    except ValueError:
        raise LayoutError("%s: bad number %r" % (where, tok))


def _cols(toks, where, allow_single=False):
    if allow_single and len(toks) == 1:
        return [_num(toks[0], where)] * NABI
    if len(toks) != NABI:
        raise LayoutError("%s: expected %d values, got %d" % (where, NABI, len(toks)))
    return [_num(t, where) for t in toks]


def parse_layout(path, layout=None):
    layout = layout or Layout()
    seen = {}
    current = None
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            where = "%s:%d" % (os.path.relpath(path, TOP), n)
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            toks = line.split()
            tools_only = False
            if toks[-1] == "@tools":
                tools_only = True
                toks = toks[:-1]
            if line[0] in " \t":
                if current is None:
                    raise LayoutError("%s: member line outside a struct" % where)
                path_, rest = toks[0], toks[1:]
                sizes = None
                if "/" in rest:
                    i = rest.index("/")
                    sizes = _cols(rest[i + 1:], where)
                    rest = rest[:i]
                m = Item("member", path_, _cols(rest, where), sizes,
                         tools_only or current.tools_only, where)
                m.parent = current
                current.members.append(m)
                continue
            kw = toks[0]
            if kw == "header":
                if len(toks) != 2:
                    raise LayoutError("%s: header takes one path" % where)
                if toks[1] not in layout.headers:
                    layout.headers.append(toks[1])
                current = None
                continue
            if kw not in ("struct", "union", "type", "const") or len(toks) < 3:
                raise LayoutError("%s: cannot parse %r" % (where, line.strip()))
            it = Item(kw, toks[1], _cols(toks[2:], where, allow_single=(kw == "const")),
                      None, tools_only, where)
            key = (kw if kw != "union" else "struct", toks[1])
            if key in seen:
                raise LayoutError("%s: %s %s already listed at %s" % (where, kw, toks[1], seen[key]))
            seen[key] = where
            layout.items.append(it)
            current = it if kw in ("struct", "union") else None
    return layout


def layout_files(directory=HERE):
    return sorted(os.path.join(directory, f) for f in os.listdir(directory)
                  if f.endswith(".layout"))


def fmt_num(v, hexa=False):
    """A table value; with `hexa`, large or address-like values in hex (as
    unsigned 64-bit numbers: comparisons are made modulo 2^64)."""
    if v is None:
        return "-"
    if hexa and (v >= 0x1000 or v < -0x1000):
        return "0x%x" % (v & 0xffffffffffffffff)
    return str(v)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def parallel(jobs, fn, args):
    """map fn over args with at most `jobs` threads (compilers run as processes)."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        return list(ex.map(fn, args))


# asm probes: read integer constant expressions back from -S output
PROBE_RE = re.compile(r"@@P (\d+) (-?\d+) (-?\d+)")


def probe_lines(exprs):
    """C statements that print each expression's 64-bit value into the asm."""
    out = []
    for i, e in enumerate(exprs):
        out.append('    __asm__ volatile("@@P %d %%c0 %%c1" :: "i" ((unsigned int)'
                   '((unsigned long long)(%s) & 0xffffffffu)), "i" ((unsigned int)'
                   '((unsigned long long)(%s) >> 32)));' % (i, e, e))
    return out


def probe_read(asm_text, count):
    vals = [None] * count
    for m in PROBE_RE.finditer(asm_text):
        lo = int(m.group(2)) & 0xffffffff
        hi = int(m.group(3)) & 0xffffffff
        v = (hi << 32) | lo
        if v >= 1 << 63:
            v -= 1 << 64
        vals[int(m.group(1))] = v
    return vals
