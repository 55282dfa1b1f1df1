#!/usr/bin/python3 -B
"""Measure public headers on the four ABIs and print a layout table.

Struct layouts, typedef sizes and constants of a set of public headers are
measured on every ABI and printed in the layout-table format (layoutlib.py).

    tests/abi/measure.py [-I INCLUDE] [--headers H1,H2,..] [--struct TAG ..]
                         [--exclude-layout FILE ..] [--no-consts] [-o OUT]
    tests/abi/measure.py --diff FILE [...]     compare a table with a fresh
                                               measurement

INCLUDE holds public/ (default: the Xen 4.17 reference checkout).  For each
ABI and configuration one probe that includes every header is compiled
with -g; struct, member and typedef facts are read from its DWARF
(readelf --debug-dump=info), macros come from -E -dD and their values are
read back from the assembly through "i" operands.  Nothing is executed.
"""

import argparse
import os
import re
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layoutlib as L  # noqa: E402

DEFAULT_INCLUDE = "/work/ref/xen-4.17/xen/include"

# Headers #included by the probes (and by the assertion files), in order.
INCLUDED = ("xen.h event_channel.h memory.h grant_table.h sched.h vcpu.h version.h features.h "
            "hvm/hvm_op.h hvm/params.h hvm/hvm_vcpu.h arch-x86/hvm/start_info.h io/console.h "
            "domctl.h sysctl.h physdev.h platform.h xsm/flask_op.h").split()
# Headers only reached through xen.h (architecture parts); recorded, never
# included directly.
ARCH_ONLY = "xen-compat.h arch-x86/xen.h arch-x86/xen-x86_32.h arch-x86/xen-x86_64.h arch-arm.h".split()
# Recording order of sections.
RECORD_ORDER = ("xen-compat.h xen.h arch-x86/xen.h arch-x86/xen-x86_32.h arch-x86/xen-x86_64.h "
                "arch-arm.h").split() + [h for h in INCLUDED if h != "xen.h"]

# Macros worth pinning down: hypercall numbers, interface versions and the
# sub-operation / flag / limit names of every covered hypercall.
CONST_RE = re.compile(r"""^(
    __HYPERVISOR_\w+ | __XEN_LATEST_INTERFACE_VERSION__ | \w+_INTERFACE_VERSION |
    EVTCHNOP_\w+ | EVTCHNSTAT_\w+ | EVTCHN_FIFO_\w+ |
    XENMEM_\w+ | XENMAPSPACE_\w+ | XENMAPIDX_\w+ | XENMEMF_\w+ |
    GNTTABOP_\w+ | GNTST_\w+ | GNTMAP_\w+ | GTF_\w+ | GNTCOPY_\w+ | GNTTAB_\w+ |
    SCHEDOP_\w+ | SHUTDOWN_\w+ | VCPUOP_\w+ | VCPU_SSHOTTMR_\w+ | XEN_VCPU_\w+ | VCPU_\w+ |
    XENVER_\w+ | XENFEAT_\w+ |
    XEN_DOMCTL_\w+ | XEN_SYSCTL_\w+ | XEN_DOMINF_\w+ | XEN_VCPUAFFINITY_\w+ |
    HVMOP_\w+ | HVM_PARAM_\w+ | HVM_PARAM_CALLBACK_\w+ | HVMMEM_\w+ | HVMPME_\w+ |
    XEN_HVM_\w+ | XEN_ALTP2M_\w+ |
    PHYSDEVOP_\w+ | XENPF_\w+ | FLASK_\w+ | XEN_FLASK_\w+ | XSM_\w+ |
    MMUEXT_\w+ | MMU_\w+ | UVMF_\w+ | VMASST_\w+ | DOMID_\w+ | CONSOLEIO_\w+ | VIRQ_\w+ |
    XEN_LEGACY_MAX_VCPUS | XEN_MAX_\w+ | MAX_VIRT_CPUS | XEN_X86_\w+ | XEN_ARM_\w+ |
    XEN_PCI_\w+ | XEN_PCI_DEV_\w+ | PHYSDEVOP_\w+ | MAP_PIRQ_\w+ | XEN_DMOP_\w+ |
    GUEST_\w+ | PSR_\w+ | XEN_CPUID_\w+ | XEN_SCHEDULER_\w+ | XEN_MC_\w+ |
    XENCONS_\w+ | XEN_HVM_START_\w+ | XEN_HVM_MEMMAP_\w+ |
    FLAT_\w+ | HYPERVISOR_VIRT_\w+ | MACH2PHYS_\w+ | TI_\w+ | VGCF_\w+ | _VGCF_\w+ |
    XEN_PAGE_\w+ | XEN_NR_VIRQS | NR_VIRQS | NR_EVENT_CHANNELS
)$""", re.X)


def rel_public(path, include):
    path = os.path.normpath(path)
    pub = os.path.normpath(os.path.join(include, "public"))
    if path.startswith(pub + os.sep):
        return path[len(pub) + 1:]
    return None


# ---------------------------------------------------------------- DWARF

class Die:
    __slots__ = ("tag", "attrs", "children", "off")

    def __init__(self, off, tag):
        self.off, self.tag, self.attrs, self.children = off, tag, {}, []


DIE_RE = re.compile(r"^\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: (\d+)(?: \((DW_TAG_\w+)\))?")
ATTR_RE = re.compile(r"^\s*<[0-9a-f]+>\s+(DW_AT_\w+)\s*:\s?(.*)$")


def parse_info(text):
    dies, stack, roots = {}, [], []
    cur = None
    for line in text.splitlines():
        m = DIE_RE.match(line)
        if m:
            depth, off, tag = int(m.group(1)), int(m.group(2), 16), m.group(4)
            del stack[depth:]
            if tag is None:          # end of a sibling list
                cur = None
                continue
            cur = Die(off, tag)
            dies[off] = cur
            if depth and len(stack) >= depth:
                stack[depth - 1].children.append(cur)
            else:
                roots.append(cur)
            stack.append(cur)
            continue
        m = ATTR_RE.match(line)
        if m and cur is not None:
            cur.attrs[m.group(1)] = m.group(2).strip()
    return dies, roots


def attr_str(die, name):
    v = die.attrs.get(name)
    if v is None:
        return None
    m = re.match(r"\((?:indirect )?(?:line )?string, offset: (?:0x)?[0-9a-f]+\): (.*)$", v)
    return m.group(1) if m else v


def attr_int(die, name):
    v = die.attrs.get(name)
    if v is None:
        return None
    m = re.search(r"DW_OP_plus_uconst: (\d+)", v)
    if m:
        return int(m.group(1))
    m = re.match(r"(-?(?:0x[0-9a-f]+|\d+))", v)
    return int(m.group(1), 0) if m else None


def attr_ref(die, name):
    v = die.attrs.get(name)
    if v is None:
        return None
    m = re.match(r"<0x([0-9a-f]+)>", v)
    return int(m.group(1), 16) if m else None


def parse_files(text, include):
    """DWARF 5 line-table file numbers -> path relative to include/public."""
    dirs, files, mode = {}, {}, None
    for line in text.splitlines():
        if "The Directory Table" in line:
            mode = "dir"
            continue
        if "The File Name Table" in line:
            mode = "file"
            continue
        if not line.strip():
            if mode in ("dir", "file") and (dirs if mode == "dir" else files):
                mode = None
            continue
        if mode == "dir":
            m = re.match(r"^\s+(\d+)\s+(?:\(.*?\): )?(.*)$", line)
            if m:
                dirs[int(m.group(1))] = m.group(2)
        elif mode == "file":
            # DWARF 5: "N DIR (line string...): NAME"; DWARF 4: "N DIR TIME SIZE NAME"
            m = re.match(r"^\s+(\d+)\s+(\d+)\s+(?:\d+\s+\d+\s+)?(?:\(.*?\): )?(.*)$", line)
            if m:
                files[int(m.group(1))] = os.path.join(dirs.get(int(m.group(2)), ""), m.group(3))
    return {k: rel_public(v, include) for k, v in files.items()}


class Measured:
    """Everything measured for one ABI in one configuration."""

    def __init__(self):
        self.structs = {}   # tag -> dict(kind, size, file, line, members=[(path, off, size)])
        self.types = {}     # name -> (size, file, line)
        self.consts = {}    # name -> (value, file, line)


def type_size(dies, off, depth=0):
    d = dies.get(off)
    if d is None or depth > 50:
        return None
    if d.tag in ("DW_TAG_typedef", "DW_TAG_const_type", "DW_TAG_volatile_type",
                 "DW_TAG_restrict_type", "DW_TAG_atomic_type"):
        if d.tag != "DW_TAG_typedef" and "DW_AT_byte_size" in d.attrs:
            return attr_int(d, "DW_AT_byte_size")
        t = attr_ref(d, "DW_AT_type")
        return type_size(dies, t, depth + 1) if t is not None else None
    if d.tag == "DW_TAG_array_type":
        if "DW_AT_byte_size" in d.attrs:
            return attr_int(d, "DW_AT_byte_size")
        es = type_size(dies, attr_ref(d, "DW_AT_type"), depth + 1)
        if es is None:
            return None
        n = 1
        subs = [c for c in d.children if c.tag == "DW_TAG_subrange_type"]
        if not subs:
            return None
        for s in subs:
            if "DW_AT_count" in s.attrs:
                c = attr_int(s, "DW_AT_count")
            elif "DW_AT_upper_bound" in s.attrs:
                c = attr_int(s, "DW_AT_upper_bound") + 1
            else:
                return None      # flexible array
            n *= c
        return es * n
    if "DW_AT_declaration" in d.attrs:
        return None
    return attr_int(d, "DW_AT_byte_size")


def strip_cv(dies, off):
    d = dies.get(off)
    while d is not None and d.tag in ("DW_TAG_const_type", "DW_TAG_volatile_type"):
        d = dies.get(attr_ref(d, "DW_AT_type"))
    return d


def walk_members(dies, sdie, prefix, base, out, deep=False):
    for c in sdie.children:
        if c.tag != "DW_TAG_member":
            continue
        if "DW_AT_bit_size" in c.attrs or "DW_AT_data_bit_offset" in c.attrs:
            continue            # bitfields: covered by the enclosing size
        loc = attr_int(c, "DW_AT_data_member_location") or 0
        name = attr_str(c, "DW_AT_name")
        t = attr_ref(c, "DW_AT_type")
        td = strip_cv(dies, t)
        inline = (td is not None and td.tag in ("DW_TAG_structure_type", "DW_TAG_union_type")
                  and attr_str(td, "DW_AT_name") is None)
        if name is None:
            if inline:          # anonymous struct/union: its members are ours
                walk_members(dies, td, prefix, base + loc, out, deep)
            continue
        path = prefix + name
        out.append((path, base + loc, type_size(dies, t)))
        if inline:              # a member of an unnamed struct/union type
            walk_members(dies, td, path + ".", base + loc, out, deep)
        elif deep:              # --diff: also through tagged and typedef'd aggregates
            dd = td
            while dd is not None and dd.tag == "DW_TAG_typedef":
                dd = strip_cv(dies, attr_ref(dd, "DW_AT_type"))
            if dd is not None and dd.tag in ("DW_TAG_structure_type", "DW_TAG_union_type"):
                walk_members(dies, dd, path + ".", base + loc, out, deep)


def measure_dwarf(info_text, line_text, include, record, deep=False):
    dies, roots = parse_info(info_text)
    files = parse_files(line_text, include)
    cus = [r for r in roots if r.tag == "DW_TAG_compile_unit"]
    tops = cus[0].children if cus else roots
    res = Measured()
    for d in tops:
        name = attr_str(d, "DW_AT_name")
        if name is None:
            continue
        fnum = attr_int(d, "DW_AT_decl_file")
        f = files.get(fnum)
        if f not in record:
            continue
        line = attr_int(d, "DW_AT_decl_line") or 0
        if d.tag in ("DW_TAG_structure_type", "DW_TAG_union_type"):
            if "DW_AT_declaration" in d.attrs:
                continue
            members, every = [], []
            walk_members(dies, d, "", 0, members)
            if deep:
                walk_members(dies, d, "", 0, every, True)
            res.structs[name] = dict(kind="struct" if d.tag == "DW_TAG_structure_type" else "union",
                                     size=attr_int(d, "DW_AT_byte_size"), file=f, line=line,
                                     members=members, every=every)
        elif d.tag == "DW_TAG_typedef":
            if name.startswith("__"):
                continue        # guest-handle plumbing and other private names
            td = strip_cv(dies, attr_ref(d, "DW_AT_type"))
            if td is not None and td.tag == "DW_TAG_subroutine_type":
                continue
            sz = type_size(dies, attr_ref(d, "DW_AT_type"))
            if sz is not None:
                res.types[name] = (sz, f, line)
    return res


# ---------------------------------------------------------------- macros

MARK_RE = re.compile(r'^# (\d+) "([^"]*)"')
DEF_RE = re.compile(r"^#define ([A-Za-z_]\w*)(?: (.*))?$")


def macro_candidates(pp_text, include, record, name_re):
    cur, line = None, 0
    defs = {}
    for raw in pp_text.splitlines():
        m = MARK_RE.match(raw)
        if m:
            line, cur = int(m.group(1)), rel_public(m.group(2), include)
            continue
        m = DEF_RE.match(raw)
        if m and cur in record and name_re.match(m.group(1)) and (m.group(2) or "").strip():
            defs[m.group(1)] = (cur, line)
        elif raw.startswith("#undef "):
            defs.pop(raw.split()[1], None)
        line += 1
    return defs


# ---------------------------------------------------------------- driver

def probe_source(headers):
    return "#include <stdint.h>\n" + "".join("#include <public/%s>\n" % h for h in headers)


def measure_one(job):
    abi, config, include, headers, record, work, want_consts, deep = job
    tag = "%s-%s" % (abi, config)
    flags = L.cc_flags(abi, config, include, os.path.join(work, "stub"))
    src = os.path.join(work, tag + ".c")
    with open(src, "w") as f:
        f.write(probe_source(headers) + "int abi_probe_anchor;\n")
    obj = os.path.join(work, tag + ".o")
    r = L.run(flags + ["-g", "-gdwarf-5", "-fno-eliminate-unused-debug-types", "-c", src, "-o", obj])
    if r.returncode != 0:
        raise SystemExit("measure: %s probe does not compile:\n%s" % (tag, r.stdout[-4000:]))
    info = L.run(["readelf", "--debug-dump=info", obj]).stdout
    lines = L.run(["readelf", "--debug-dump=line", obj]).stdout
    res = measure_dwarf(info, lines, include, record, deep)
    if not want_consts:
        return res
    pp = L.run(flags + ["-E", "-dD", src])
    cands = macro_candidates(pp.stdout, include, record, CONST_RE)
    names = sorted(cands)
    # Keep macros that are integer constant expressions: drop the lines
    # the compiler rejects until it accepts the rest.
    for _ in range(8):
        body = probe_source(headers)
        first = body.count("\n") + 1
        body += "".join('_Static_assert((unsigned long long)(%s) || 1, "");\n' % n for n in names)
        chk = os.path.join(work, tag + "-ice.c")
        with open(chk, "w") as f:
            f.write(body)
        r = L.run(flags + ["-fsyntax-only", "-w", chk])
        if r.returncode == 0:
            break
        bad = set()
        for m in re.finditer(r"^%s:(\d+):" % re.escape(chk), r.stdout, re.M):
            i = int(m.group(1)) - first
            if 0 <= i < len(names):
                bad.add(i)
        if not bad:
            raise SystemExit("measure: %s constant probe fails:\n%s" % (tag, r.stdout[-3000:]))
        names = [n for i, n in enumerate(names) if i not in bad]
    asm_src = os.path.join(work, tag + "-val.c")
    with open(asm_src, "w") as f:
        f.write(probe_source(headers) + "void abi_probe(void);\nvoid abi_probe(void)\n{\n" +
                "\n".join(L.probe_lines(names)) + "\n}\n")
    asm = os.path.join(work, tag + "-val.s")
    r = L.run(flags + ["-S", "-w", asm_src, "-o", asm])
    if r.returncode != 0:
        raise SystemExit("measure: %s value probe fails:\n%s" % (tag, r.stdout[-3000:]))
    with open(asm) as f:
        vals = L.probe_read(f.read(), len(names))
    for n, v in zip(names, vals):
        if v is None:
            raise SystemExit("measure: %s: no value read for %s" % (tag, n))
        res.consts[n] = (v,) + cands[n]
    return res


def merge_order(lists):
    """Merge per-ABI member orders into one sequence keeping each ABI's order."""
    out = []
    for seq in lists:
        prev = -1
        for x in seq:
            if x in out:
                prev = out.index(x)
            else:
                out.insert(prev + 1, x)
                prev += 1
    return out


def build_table(meas, headers_incl, record_order, only_structs=None, exclude=(), want_consts=True):
    """meas[(config, abi)] -> Measured.  Returns (text, stats, warnings)."""
    warnings = []
    tools = [meas.get(("tools", a)) for a in L.ABI_NAMES]
    xen_abis = [a for c, abis in L.CONFIGS if c == "xen" for a in abis]

    def xen_val(getter, abi):
        m = meas.get(("xen", abi))
        return getter(m) if m is not None else None

    def tools_only(getter, vals, what):
        flag = False
        for i, a in enumerate(L.ABI_NAMES):
            if a not in xen_abis or vals[i] is None:
                continue
            xv = xen_val(getter, a)
            if xv != vals[i]:
                flag = True
                if xv is not None:
                    warnings.append("%s differs between __XEN_TOOLS__ (%s) and __XEN__ (%s) on %s"
                                    % (what, vals[i], xv, a))
        return flag

    sections = {}   # section name -> list of (line, text-lines)
    order = []

    def section_of(files):
        uniq = []
        for f in files:
            if f is not None and f not in uniq:
                uniq.append(f)
        key = " / ".join(sorted(uniq, key=lambda f: record_order.index(f)))
        if key not in sections:
            sections[key] = {"struct": [], "type": [], "const": []}
            order.append(key)
        return key, min(record_order.index(f) for f in uniq)

    nstructs = nmembers = ntypes = nconsts = 0
    tags = []
    for m in tools:
        for t, s in sorted(m.structs.items(), key=lambda kv: (record_order.index(kv[1]["file"]),
                                                            kv[1]["line"])):
            if t not in tags:
                tags.append(t)
    for t in tags:
        if t in exclude or (only_structs and t not in only_structs):
            continue
        per = [m.structs.get(t) for m in tools]
        key, _ = section_of([p["file"] if p else None for p in per])
        kinds = {p["kind"] for p in per if p}
        kind = kinds.pop()
        sizes = [p["size"] if p else None for p in per]
        tonly = tools_only(lambda mm: mm.structs[t]["size"] if t in mm.structs else None,
                           sizes, "%s %s size" % (kind, t))
        lines = ["%s %s %s%s" % (kind, t, " ".join(L.fmt_num(v) for v in sizes),
                                 " @tools" if tonly else "")]
        paths = merge_order([[mb[0] for mb in p["members"]] for p in per if p])
        for path in paths:
            offs, msz = [], []
            for p in per:
                hit = [mb for mb in p["members"] if mb[0] == path] if p else []
                offs.append(hit[0][1] if hit else None)
                msz.append(hit[0][2] if hit else None)

            def getm(mm, path=path):
                s = mm.structs.get(t)
                if not s:
                    return None
                h = [mb for mb in s["members"] if mb[0] == path]
                return (h[0][1], h[0][2]) if h else None
            pair = [(o, s) if o is not None else None for o, s in zip(offs, msz)]
            mt = tools_only(getm, pair, "%s %s.%s" % (kind, t, path)) and not tonly
            txt = "  %s %s" % (path, " ".join(L.fmt_num(v) for v in offs))
            if all(s is not None for o, s in zip(offs, msz) if o is not None):
                txt += " / " + " ".join(L.fmt_num(s) if o is not None else "-"
                                        for o, s in zip(offs, msz))
            lines.append(txt + (" @tools" if mt else ""))
            nmembers += 1
        nstructs += 1
        sections[key]["struct"].append(lines)

    tnames = []
    for m in tools:
        for n, v in sorted(m.types.items(), key=lambda kv: (record_order.index(kv[1][1]), kv[1][2])):
            if n not in tnames:
                tnames.append(n)
    for n in tnames:
        if n in exclude:
            continue
        per = [m.types.get(n) for m in tools]
        key, _ = section_of([p[1] if p else None for p in per])
        sizes = [p[0] if p else None for p in per]
        tonly = tools_only(lambda mm: mm.types[n][0] if n in mm.types else None, sizes,
                           "typedef %s" % n)
        sections[key]["type"].append(["type %s %s%s" % (n, " ".join(L.fmt_num(v) for v in sizes),
                                                          " @tools" if tonly else "")])
        ntypes += 1

    if want_consts:
        cnames = []
        for m in tools:
            for n, v in sorted(m.consts.items(), key=lambda kv: (record_order.index(kv[1][1]),
                                                               kv[1][2])):
                if n not in cnames:
                    cnames.append(n)
        for n in cnames:
            per = [m.consts.get(n) for m in tools]
            key, _ = section_of([p[1] if p else None for p in per])
            vals = [p[0] if p else None for p in per]
            tonly = tools_only(lambda mm: mm.consts[n][0] if n in mm.consts else None, vals,
                               "constant %s" % n)
            hexa = True
            if "INTERFACE_VERSION" in n:
                vals_txt = ["-" if v is None else "0x%x" % v for v in vals]
            else:
                vals_txt = [L.fmt_num(v, hexa) for v in vals]
            txt = vals_txt[0] if len(set(vals)) == 1 else " ".join(vals_txt)
            sections[key]["const"].append(["const %s %s%s" % (n, txt, " @tools" if tonly else "")])
            nconsts += 1

    out = []
    for h in headers_incl:
        out.append("header %s" % h)
    rank = {}
    for key in order:
        rank[key] = min(record_order.index(f) for f in key.split(" / "))
    for key in sorted(order, key=lambda k: (rank[k], k.count(" / "))):
        s = sections[key]
        if not (s["struct"] or s["type"] or s["const"]):
            continue
        out.append("")
        out.append("# ---- %s ----" % key)
        for kind in ("struct", "type", "const"):
            for lines in s[kind]:
                out.extend(lines)
    stats = dict(structs=nstructs, members=nmembers, types=ntypes, consts=nconsts)
    return "\n".join(out) + "\n", stats, warnings


HEADER_COMMENT = """\
# Layout of the Xen 4.17 public ABI: every struct/union, member, typedef and
# key constant of the headers listed below, on four ABIs (structs and
# typedefs already in ctl.layout are left out here).  Measured from the Xen
# 4.17 public headers; do not edit by hand, regenerate with
#   tests/abi/measure.py -I XEN/xen/include --exclude-layout tests/abi/ctl.layout -o tests/abi/core.layout
# (see docs/abi-headers.md).  Columns: x86_64 x86_32 arm32 arm64; "-" =
# absent on that ABI; "@tools" = only visible to toolstack builds
# (__XEN_TOOLS__).  Member lines: offsets, then "/" and member sizes.
# Bitfields and the insides of array elements are covered by the enclosing
# sizes only.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-I", "--include", default=DEFAULT_INCLUDE)
    ap.add_argument("--headers", help="comma-separated headers to #include (and record)")
    ap.add_argument("--struct", action="append", default=[], help="only these struct tags")
    ap.add_argument("--exclude-layout", action="append", default=[],
                    help="leave out structs/typedefs already listed in this table")
    ap.add_argument("--no-consts", action="store_true")
    ap.add_argument("--diff", nargs="+", metavar="LAYOUT",
                    help="compare these tables with a fresh measurement instead of printing one")
    ap.add_argument("-o", "--output")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()

    include = os.path.abspath(args.include)
    if not os.path.isfile(os.path.join(include, "public", "xen.h")):
        sys.exit("measure: %s/public/xen.h not found" % include)
    missing = L.missing_compilers()
    if missing:
        sys.exit("measure: missing compilers: %s (sh scripts/deps.sh)" % " ".join(missing))
    headers = args.headers.split(",") if args.headers else list(INCLUDED)
    record = set(headers) | set(ARCH_ONLY)
    record_order = [h for h in RECORD_ORDER if h in record] + \
        [h for h in headers if h not in RECORD_ORDER]
    want_consts = not args.no_consts

    with tempfile.TemporaryDirectory(prefix="abi-measure-") as work:
        L.write_stub(work)
        jobs = [(a, c, include, headers, record, work, want_consts, bool(args.diff))
                for c, abis in L.CONFIGS for a in abis]
        results = L.parallel(args.jobs, measure_one, jobs)
    meas = {(j[1], j[0]): r for j, r in zip(jobs, results)}

    if args.diff:
        return diff_tables(args.diff, meas)

    exclude = set()
    for p in args.exclude_layout:
        for it in L.parse_layout(p).items:
            exclude.add(it.name)
    text, stats, warnings = build_table(meas, headers, record_order, set(args.struct) or None,
                                        exclude, want_consts)
    for w in warnings:
        print("measure: warning: " + w, file=sys.stderr)
    text = HEADER_COMMENT + text
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    print("measure: %(structs)d structs/unions, %(members)d members, %(types)d typedefs, "
          "%(consts)d constants" % stats, file=sys.stderr)
    return 0


def diff_tables(paths, meas):
    """Report every table value that disagrees with the measurement (tools
    configuration), and measured members/structs a listed struct lacks."""
    bad = 0
    for p in paths:
        lay = L.parse_layout(p)
        for it in lay.all_items():
            for i, abi in enumerate(L.ABI_NAMES):
                m = meas[("tools", abi)]
                if it.kind in ("struct", "union"):
                    s = m.structs.get(it.name)
                    got = s["size"] if s else None
                    if got != it.values[i]:
                        bad += 1
                        print("%s: %s on %s: table %s, measured %s" % (it.where, it.label(), abi,
                              L.fmt_num(it.values[i]), L.fmt_num(got)))
                    if s and i == len(L.ABI_NAMES) - 1:
                        listed = {mb.name for mb in it.members}
                        seen = []
                        for a in L.ABI_NAMES:
                            ss = meas[("tools", a)].structs.get(it.name)
                            for path, _, _ in (ss["members"] if ss else []):
                                if path not in listed and path not in seen:
                                    seen.append(path)
                                    print("%s: %s lacks member %s" % (it.where, it.label(), path))
                elif it.kind == "member":
                    s = m.structs.get(it.parent.name)
                    hit = [mb for mb in s["every"] if mb[0] == it.name] if s else []
                    got = hit[0][1] if hit else None
                    if got != it.values[i]:
                        bad += 1
                        print("%s: %s on %s: table %s, measured %s" % (it.where, it.label(), abi,
                              L.fmt_num(it.values[i]), L.fmt_num(got)))
                    if it.sizes and hit and it.sizes[i] is not None and hit[0][2] != it.sizes[i]:
                        bad += 1
                        print("%s: %s size on %s: table %s, measured %s" % (
                            it.where, it.label(), abi, it.sizes[i], hit[0][2]))
                elif it.kind == "const":
                    c = m.consts.get(it.name)
                    got = c[0] if c else None
                    if it.values[i] is not None and (got is None or
                                                     (got - it.values[i]) % (1 << 64)):
                        bad += 1
                        print("%s: %s on %s: table %s, measured %s" % (it.where, it.label(), abi,
                              L.fmt_num(it.values[i], True), L.fmt_num(got, True)))
                elif it.kind == "type":
                    t = m.types.get(it.name)
                    got = t[0] if t else None
                    if got != it.values[i]:
                        bad += 1
                        print("%s: %s on %s: table %s, measured %s" % (it.where, it.label(), abi,
                              L.fmt_num(it.values[i]), L.fmt_num(got)))
    print("measure: %d disagreement(s)" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
