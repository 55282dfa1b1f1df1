#!/usr/bin/python3
"""Generate the 32-bit x86 ("compat") view of the public ABI headers.

A 32-bit HVM guest lays out every hypercall argument with the i386 ABI:
4-byte pointers, guest handles and longs, 64-bit integers aligned to 4
(except uint64_aligned_t, which is explicitly 8-aligned).  The 64-bit
hypervisor needs those layouts as ordinary C types, plus helpers that move
values between the compat and the native form.

Instead of rewriting header text, this generator asks the compiler:

  1. A probe file including the public headers is compiled twice with
     debug information: once with `-m32` (the guest's view) and once for
     the native target (the hypervisor's view).
  2. The DWARF type information of both objects (read with `readelf`) is a
     complete, already-evaluated description of every struct, union,
     typedef and member offset: no C parsing, no macro tricks.
  3. The -m32 model is re-spelled as `compat_*` C types whose x86_64 layout
     equals the i386 one; the native model tells which types are identical
     and how to translate the others.

Outputs (under --out, normally build/x86_64/include):
  compat/compat-base.h      common compat scalar types and handle macros
  compat/<header>.h         one per public header that declares types
  compat/xlat.h             layout checks and translation helpers, driven
                            by the list file (see docs/compat.md)
  compat/manifest.json      (optional, --manifest) machine-readable list of
                            the generated aggregates, used by the tests
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


class GenError(Exception):
    pass


def note(msg):
    print("gen-compat: " + msg, file=sys.stderr)


# --------------------------------------------------------------------------
# DWARF model, built from `readelf --debug-dump=info,line` text.

class Die:
    __slots__ = ("off", "tag", "attrs", "children", "parent")

    def __init__(self, off, tag, parent):
        self.off = off
        self.tag = tag
        self.attrs = {}
        self.children = []
        self.parent = parent

    def get(self, key, default=None):
        return self.attrs.get(key, default)

    @property
    def name(self):
        return self.attrs.get("name")


DIE_RE = re.compile(r"^\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: (\d+)(?: \((DW_TAG_\w+)\))?")
ATTR_RE = re.compile(r"^\s*<[0-9a-f]+>\s+DW_AT_(\w+)\s*:\s?(.*)$")
INDIRECT_RE = re.compile(r"^\((?:indirect (?:line )?string|strx\d*|strp)[^)]*\):\s*(.*)$")


def parse_value(key, raw):
    raw = raw.strip()
    if key == "name":
        m = INDIRECT_RE.match(raw)
        return m.group(1).strip() if m else raw
    if key == "type":
        m = re.match(r"<0x([0-9a-f]+)>", raw)
        return int(m.group(1), 16) if m else None
    if key in ("byte_size", "data_member_location", "upper_bound", "count",
               "bit_size", "data_bit_offset", "alignment", "decl_file",
               "declaration", "encoding"):
        m = re.match(r"(-?0x[0-9a-f]+|-?\d+)", raw)
        if not m:
            return None
        return int(m.group(1), 0)
    return raw


class Model:
    """All type DIEs of one compiled probe, plus its file table."""

    def __init__(self, info_text, line_text, public_root):
        self.dies = {}
        self.top = []
        self._parse_info(info_text)
        self.files = self._parse_files(line_text, public_root)

    def _parse_info(self, text):
        stack = []          # (depth, die)
        cur = None
        for line in text.splitlines():
            m = DIE_RE.match(line)
            if m:
                depth, off, abbrev, tag = (int(m.group(1)), int(m.group(2), 16),
                                           int(m.group(3)), m.group(4))
                if abbrev == 0 or tag is None:
                    cur = None
                    continue
                while stack and stack[-1][0] >= depth:
                    stack.pop()
                parent = stack[-1][1] if stack else None
                cur = Die(off, tag[len("DW_TAG_"):], parent)
                self.dies[off] = cur
                if parent is not None:
                    parent.children.append(cur)
                if depth == 1:
                    self.top.append(cur)
                stack.append((depth, cur))
                continue
            m = ATTR_RE.match(line)
            if m and cur is not None:
                cur.attrs[m.group(1)] = parse_value(m.group(1), m.group(2))

    @staticmethod
    def _parse_files(text, public_root):
        """Map DWARF file index -> path relative to public_root (or None)."""
        dirs, files = {}, {}
        section = None
        for line in text.splitlines():
            if "The Directory Table" in line:
                section = "dirs"
                continue
            if "The File Name Table" in line:
                section = "files"
                continue
            if section and not line.strip():
                if section == "files":
                    break
                continue
            if section == "dirs":
                m = re.match(r"^\s*(\d+)\s+(?:\([^)]*\):\s*)?(.*)$", line)
                if m:
                    dirs[int(m.group(1))] = m.group(2).strip()
            elif section == "files":
                m = re.match(r"^\s*(\d+)\s+(\d+)\s+(?:\([^)]*\):\s*)?(.*)$", line)
                if m:
                    d = dirs.get(int(m.group(2)), "")
                    files[int(m.group(1))] = os.path.normpath(
                        os.path.join(dirs.get(0, ""), d, m.group(3).strip()))
        root = os.path.realpath(public_root)
        out = {}
        for idx, path in files.items():
            real = os.path.realpath(path)
            if real.startswith(root + os.sep):
                out[idx] = os.path.relpath(real, root)
            else:
                out[idx] = None
        return out

    def t(self, die):
        off = die.get("type")
        return self.dies.get(off) if off is not None else None

    def header_of(self, die):
        return self.files.get(die.get("decl_file"))

    def strip_cv(self, die):
        while die is not None and die.tag in ("const_type", "volatile_type"):
            die = self.t(die)
        return die

    def resolve(self, die):
        """Follow typedefs and qualifiers to the underlying type."""
        while die is not None and die.tag in ("typedef", "const_type", "volatile_type"):
            die = self.t(die)
        return die

    def members(self, die):
        return [c for c in die.children if c.tag == "member"]

    def size(self, die):
        die = self.resolve(die)
        if die is None:
            return 0
        if die.tag == "array_type":
            n = 1
            for d in self.dims(die):
                n *= d if d is not None else 0
            return n * self.size(self.t(die))
        return die.get("byte_size", 0)

    def dims(self, die):
        out = []
        for sr in die.children:
            if sr.tag != "subrange_type":
                continue
            if sr.get("count") is not None:
                out.append(sr.get("count"))
            elif sr.get("upper_bound") is not None:
                ub = sr.get("upper_bound")
                out.append(0 if ub in (-1, 0xffffffff, 0xffffffffffffffff) else ub + 1)
            else:
                out.append(None)    # flexible array member
        return out

    def explicit_align(self, die):
        """Largest explicit alignment along a typedef/qualifier chain."""
        best = 0
        while die is not None and die.tag in ("typedef", "const_type", "volatile_type"):
            best = max(best, die.get("alignment") or 0)
            die = self.t(die)
        if die is not None:
            best = max(best, die.get("alignment") or 0)
        return best

    def align_in_struct(self, die, i386):
        """Alignment a type gets as a struct member."""
        explicit = self.explicit_align(die)
        r = self.resolve(die)
        if r is None:
            return 1
        if r.tag == "array_type":
            nat = self.align_in_struct(self.t(r), i386)
        elif r.tag in ("structure_type", "union_type"):
            nat = 1
            for m in self.members(r):
                nat = max(nat, m.get("alignment") or 0, self.align_in_struct(self.t(m), i386))
        else:
            nat = r.get("byte_size", 1) or 1
            if i386 and nat > 4:
                nat = 4
        return max(nat, explicit)

    def find_aggregate(self, names):
        """First complete struct/union (or typedef to one) among `names`."""
        for n in names:
            for d in self.top:
                if d.tag in ("structure_type", "union_type") and d.name == n \
                        and not d.get("declaration"):
                    return d, ("struct " if d.tag == "structure_type" else "union ") + n
        for n in names:
            for d in self.top:
                if d.tag == "typedef" and d.name == n:
                    r = self.resolve(d)
                    if r is not None and r.tag in ("structure_type", "union_type"):
                        return r, n
        return None, None


def handle_info(model, die):
    """If `die` (a typedef) is a guest handle, return (kind, pointer member
    name, pointee DIE); kind is 32 for a pointer-sized handle and 64 for the
    always-8-byte XEN_GUEST_HANDLE_64 variant."""
    if die is None or die.tag != "typedef":
        return None
    s = model.resolve(die)
    if s is None or s.tag != "structure_type" or s.name:
        return None
    mems = model.members(s)
    if len(mems) != 1:
        return None
    m = mems[0]
    mt = model.resolve(model.t(m))
    if mt is not None and mt.tag == "pointer_type" and m.name:
        return (32 if s.get("byte_size") == mt.get("byte_size") else 64, m.name, model.t(mt))
    if mt is not None and mt.tag == "union_type" and not m.name:
        ptr = None
        for um in model.members(mt):
            ut = model.resolve(model.t(um))
            if ut is not None and ut.tag == "pointer_type":
                ptr = (um.name, model.t(ut))
        if ptr and s.get("byte_size") == 8:
            return (64, ptr[0], ptr[1])
    return None


HANDLE_PREFIXES = ("__guest_handle_64_", "__guest_handle_")


def handle_name(tdname):
    for p in HANDLE_PREFIXES:
        if tdname.startswith(p):
            return tdname[len(p):]
    return tdname


def compat_ident(name):
    """xen_foo -> compat_foo, foo -> compat_foo."""
    if name.startswith("xen_"):
        name = name[4:]
    return "compat_" + name


# Base types as DWARF names them, spelled for x86_64 with the i386 size.
BASE_I386 = {
    "char": "char", "signed char": "signed char", "unsigned char": "unsigned char",
    "short int": "short", "short unsigned int": "unsigned short",
    "int": "int", "unsigned int": "unsigned int",
    "long int": "int", "long unsigned int": "unsigned int",
    "long long int": "compat_int64_t", "long long unsigned int": "compat_uint64_t",
    "_Bool": "_Bool",
}
INT64_TYPEDEFS = {"uint64_t": "compat_uint64_t", "int64_t": "compat_int64_t"}


# --------------------------------------------------------------------------
# Spelling the -m32 model as compat C types.

class Entity:
    """Something emitted at file scope of a compat header."""

    def __init__(self, key, header, order):
        self.key = key
        self.header = header
        self.order = order
        self.deps = set()
        self.text = ""
        self.error = None


class Speller:
    def __init__(self, m32, native):
        self.m = m32
        self.n = native
        self.entities = {}      # key -> Entity
        self.agg_names = {}     # struct/union DIE off -> compat spelling
        self.typedef_names = {} # typedef DIE off -> compat name
        self.used_names = {}    # compat name -> source name (collision check)
        self.anon_owner = {}    # tagless aggregate off -> naming typedef off

    # ---- naming ------------------------------------------------------
    def is_public(self, die):
        return self.m.header_of(die) is not None

    def claim(self, cname, src):
        prev = self.used_names.get(cname)
        if prev is not None and prev != src:
            raise GenError("compat name %s used for both %s and %s" % (cname, prev, src))
        self.used_names[cname] = src

    def name_all(self):
        for d in self.m.top:
            if not self.is_public(d):
                continue
            if d.tag in ("structure_type", "union_type") and d.name and not d.get("declaration"):
                kw = "struct " if d.tag == "structure_type" else "union "
                self.claim(kw + compat_ident(d.name), kw + d.name)
                self.agg_names[d.off] = kw + compat_ident(d.name)
            elif d.tag == "typedef" and handle_info(self.m, d) is None:
                self.claim(compat_ident(d.name), d.name)
                self.typedef_names[d.off] = compat_ident(d.name)
        # A struct without a tag gets the name of its (first) typedef.
        for d in self.m.top:
            if d.tag == "typedef" and d.off in self.typedef_names:
                r = self.m.t(d)
                if r is not None and r.tag in ("structure_type", "union_type") \
                        and not r.name and r.off not in self.agg_names:
                    self.agg_names[r.off] = self.typedef_names[d.off]
                    self.anon_owner[r.off] = d.off

    def compat_handle_name(self, hname):
        """Handle name as written in COMPAT_HANDLE(): public typedef names
        take their compat form, everything else is kept."""
        prefix = ""
        base = hname
        if base.startswith("const_"):
            prefix, base = "const_", base[len("const_"):]
        for d in self.m.top:
            if d.tag == "typedef" and d.name == base and d.off in self.typedef_names:
                return prefix + self.typedef_names[d.off]
        return hname

    # ---- spelling ------------------------------------------------------
    def spell(self, die, deps, need_complete=True, indent=""):
        """Return (specifier, declarator suffix) for a member/typedef of
        type `die`, recording the entities it depends on in `deps`."""
        m = self.m
        if die is None:
            return "void", ""
        tag = die.tag
        if tag == "typedef":
            hi = handle_info(m, die)
            if hi is not None:
                hn = self.compat_handle_name(handle_name(die.name))
                deps.add(("handle", hi[0], hn))
                self.want_handle(hi[0], hn, hi[2], die)
                return ("COMPAT_HANDLE(%s)" if hi[0] == 32 else "COMPAT_HANDLE_64(%s)") % hn, ""
            if die.off in self.typedef_names:
                deps.add(("typedef", die.off))
                return self.typedef_names[die.off], ""
            # A typedef from outside the public headers (stdint.h & co).
            if die.name in INT64_TYPEDEFS and self.m.explicit_align(die) <= 4:
                return INT64_TYPEDEFS[die.name], ""
            nt = [d for d in self.n.top if d.tag == "typedef" and d.name == die.name]
            if nt and self.n.size(nt[0]) == m.size(die):
                return die.name, ""
            return self.spell(m.t(die), deps, need_complete, indent)
        if tag == "const_type":
            s, suf = self.spell(m.t(die), deps, need_complete, indent)
            return "const " + s, suf
        if tag == "volatile_type":
            s, suf = self.spell(m.t(die), deps, need_complete, indent)
            return "volatile " + s, suf
        if tag == "base_type":
            n = die.name
            if n not in BASE_I386:
                raise GenError("unsupported base type '%s'" % n)
            return BASE_I386[n], ""
        if tag == "enumeration_type":
            return {1: "uint8_t", 2: "uint16_t", 4: "unsigned int",
                    8: "compat_uint64_t"}[die.get("byte_size")], ""
        if tag == "pointer_type":
            return "compat_ptr_t", ""
        if tag == "array_type":
            s, suf = self.spell(m.t(die), deps, need_complete, indent)
            dims = "".join("[%s]" % ("" if d is None else d) for d in m.dims(die))
            return s, dims + suf
        if tag in ("structure_type", "union_type"):
            if die.get("declaration"):
                if not die.name:
                    raise GenError("anonymous incomplete type")
                kw = "struct " if tag == "structure_type" else "union "
                return kw + compat_ident(die.name), ""
            if die.off in self.agg_names:
                if need_complete:
                    deps.add(("agg", die.off))
                return self.agg_names[die.off], ""
            if die.name:
                raise GenError("%s %s is not from a public header" % (tag, die.name))
            return self.body(die, deps, indent), ""
        raise GenError("cannot spell DWARF %s" % tag)

    def body(self, agg, deps, indent=""):
        """Inline definition `struct { ... }` of an aggregate."""
        kw = "struct" if agg.tag == "structure_type" else "union"
        lines = [kw + " {"]
        inner = indent + "    "
        for mem in self.m.members(agg):
            mt = self.m.t(mem)
            s, suf = self.spell(mt, deps, True, inner)
            decl = s
            if mem.name:
                decl += " " + mem.name + suf
            elif suf:
                raise GenError("anonymous array member")
            if mem.get("bit_size") is not None:
                decl += " : %d" % mem.get("bit_size")
            al = mem.get("alignment")
            if al and al > self.m.explicit_align(mt):
                decl += " __attribute__((__aligned__(%d)))" % al
            lines.append(inner + decl + ";")
        lines.append(indent + "}")
        attr = ""
        if agg.get("alignment"):
            attr = " __attribute__((__aligned__(%d)))" % agg.get("alignment")
        return "\n".join(lines) + attr

    # ---- entities ------------------------------------------------------
    def entity(self, key, header, order):
        e = self.entities.get(key)
        if e is None:
            e = Entity(key, header, order)
            self.entities[key] = e
        return e

    def want_handle(self, kind, hname, pointee, td):
        key = ("handle", kind, hname)
        if key in self.entities:
            return
        e = self.entity(key, self.m.header_of(td), td.off)
        try:
            deps = set()
            if pointee is None:
                elem = "void"
            else:
                s, suf = self.spell(pointee, deps, need_complete=False)
                if suf:
                    raise GenError("handle to array type")
                elem = s
            e.deps = deps
            e.text = "DEFINE_COMPAT_HANDLE%s(%s, %s);" % ("" if kind == 32 else "_64", hname, elem)
        except GenError as ex:
            e.error = str(ex)

    def build(self):
        self.name_all()
        for d in self.m.top:
            if not self.is_public(d):
                continue
            hdr = self.m.header_of(d)
            if d.off in self.agg_names and d.tag in ("structure_type", "union_type") and d.name:
                e = self.entity(("agg", d.off), hdr, d.off)
                try:
                    deps = set()
                    body = self.body(d, deps)
                    kw, rest = body.split(" ", 1)
                    e.text = "%s %s;" % (self.agg_names[d.off], rest)
                    deps.discard(("agg", d.off))
                    e.deps = deps
                except GenError as ex:
                    e.error = str(ex)
            elif d.tag == "typedef" and d.off in self.typedef_names:
                e = self.entity(("typedef", d.off), hdr, d.off)
                cname = self.typedef_names[d.off]
                try:
                    deps = set()
                    tgt = self.m.t(d)
                    rt = self.m.strip_cv(tgt)
                    if rt is not None and rt.tag in ("structure_type", "union_type") \
                            and not rt.name and self.agg_names.get(rt.off) == cname:
                        e.text = "typedef %s %s;" % (self.body(rt, deps), cname)
                        e.deps = deps
                        # Members of the anonymous aggregate are its deps too.
                        continue
                    s, suf = self.spell(tgt, deps, need_complete=False)
                    attr = ""
                    al = d.get("alignment")
                    if al:
                        attr = " __attribute__((__aligned__(%d)))" % al
                    e.text = "typedef %s%s %s%s;" % (s, attr, cname, suf)
                    e.deps = deps
                except GenError as ex:
                    e.error = str(ex)
            elif d.tag == "typedef":
                hi = handle_info(self.m, d)
                if hi is not None:
                    self.spell(d, set())

    # ---- dependency closure ---------------------------------------------
    def failed(self, key, seen=None):
        """An entity fails if it, or anything it needs, could not be spelled."""
        e = self.entities.get(key)
        if e is None:
            return False
        if e.error:
            return True
        seen = seen if seen is not None else set()
        if key in seen:
            return False
        seen.add(key)
        return any(self.failed(d, seen) for d in e.deps)


# --------------------------------------------------------------------------
# Layout comparison between the i386 and native models.

class Comparer:
    def __init__(self, m32, native):
        self.a = m32
        self.b = native

    def same(self, x, y):
        """True if type x (i386) and y (native) have identical layout."""
        a, b = self.a, self.b
        # Follow typedefs, but stop at handles.
        while x is not None and x.tag in ("typedef", "const_type", "volatile_type") \
                and handle_info(a, x) is None:
            x = a.t(x)
        while y is not None and y.tag in ("typedef", "const_type", "volatile_type") \
                and handle_info(b, y) is None:
            y = b.t(y)
        if x is None or y is None:
            return x is None and y is None
        hx = handle_info(a, x) if x.tag == "typedef" else None
        hy = handle_info(b, y) if y.tag == "typedef" else None
        if hx or hy:
            return bool(hx and hy) and a.size(x) == b.size(y)
        if x.tag != y.tag:
            if {x.tag, y.tag} <= {"base_type", "enumeration_type"}:
                return a.size(x) == b.size(y)
            return False
        if x.tag in ("base_type", "enumeration_type"):
            return a.size(x) == b.size(y)
        if x.tag == "pointer_type":
            return a.size(x) == b.size(y)
        if x.tag == "array_type":
            return a.dims(x) == b.dims(y) and self.same(a.t(x), b.t(y))
        if x.tag in ("structure_type", "union_type"):
            if x.get("byte_size") != y.get("byte_size"):
                return False
            mx, my = a.members(x), b.members(y)
            if len(mx) != len(my):
                return False
            for p, q in zip(mx, my):
                if p.name != q.name:
                    return False
                for k in ("data_member_location", "bit_size", "data_bit_offset"):
                    if (p.get(k) or 0) != (q.get(k) or 0):
                        return False
                if not self.same(a.t(p), b.t(q)):
                    return False
            return True
        return False


# --------------------------------------------------------------------------
# Translation helper generation.

class Xlat:
    """Emits C for one list entry: a field-by-field copy in one direction."""

    def __init__(self, m32, native, cmp, speller):
        self.a = m32
        self.b = native
        self.cmp = cmp
        self.sp = speller
        self.enums = {}         # enum name -> list of (const, member)

    def union_label(self, union_die):
        """Name for a union type: its tag, or <enclosing aggregate>_<member>
        for an anonymous one, so every use of one union type shares one
        selector enum."""
        if union_die.name:
            return compat_ident(union_die.name)[len("compat_"):]
        if union_die.off in self.sp.agg_names:
            return self.sp.agg_names[union_die.off].split()[-1][len("compat_"):]
        if not hasattr(self, "used_in"):
            # Which aggregate member has this (tagless) type?
            self.used_in = {}
            for d in self.a.dies.values():
                if d.tag == "member" and d.parent is not None:
                    self.used_in.setdefault(d.get("type"), (d.parent, d))
        use = self.used_in.get(union_die.off)
        if use is None:
            return None
        outer = self.union_label(use[0])
        if outer is None:
            return None
        return "%s_%s" % (outer, use[1].name or "anon")

    def selector_enum(self, union_die, owner, path):
        label = self.union_label(union_die)
        ename = "xlat_" + (label or "%s_%s" % (owner, "_".join(path)))
        if ename not in self.enums:
            self.enums[ename] = [("%s_%s" % (ename.upper(), m.name), m.name)
                                 for m in self.a.members(union_die) if m.name]
        return ename

    def gen(self, out, to_native, cx, nx, ctype, ntype, owner, path, sels, depth):
        """Append statements copying compat lvalue `cx` <-> native `nx`."""
        a, b = self.a, self.b
        ind = "    " * (depth + 1)

        def strip(model, t):
            while t is not None and t.tag in ("typedef", "const_type", "volatile_type") \
                    and handle_info(model, t) is None:
                t = model.t(t)
            return t

        ct, nt = strip(a, ctype), strip(b, ntype)
        if ct is None or nt is None:
            raise GenError("%s: void member" % ".".join(path))
        ch = handle_info(a, ct) if ct.tag == "typedef" else None
        nh = handle_info(b, nt) if nt.tag == "typedef" else None
        where = ".".join(path) or "(top)"
        if ch or nh or ct.tag == "pointer_type" or nt.tag == "pointer_type":
            if nh:
                nptr = "%s.%s" % (nx, nh[1])
            elif nt.tag == "pointer_type":
                nptr = nx
            else:
                raise GenError("%s: handle/pointer vs scalar" % where)
            if ch:
                cval = "%s.%s" % (cx, "c" if ch[0] == 32 else "q")
                cbits = 32 if ch[0] == 32 else 64
            elif ct.tag == "pointer_type":
                cval, cbits = cx, 32
            else:
                raise GenError("%s: handle/pointer vs scalar" % where)
            if to_native:
                out.append("%s%s = (__typeof__(%s))(uintptr_t)%s;" % (ind, nptr, nptr, cval))
            elif cbits == 32:
                out.append("%sbad += compat_xlat_put_addr32(&%s, (uintptr_t)%s);"
                           % (ind, cval, nptr))
            else:
                out.append("%s%s = (uint64_t)(uintptr_t)%s;" % (ind, cval, nptr))
            return
        if ct.tag in ("base_type", "enumeration_type"):
            if nt.tag not in ("base_type", "enumeration_type"):
                raise GenError("%s: scalar vs %s" % (where, nt.tag))
            if to_native or a.size(ct) >= b.size(nt):
                if to_native:
                    out.append("%s%s = %s;" % (ind, nx, cx))
                else:
                    out.append("%s%s = %s;" % (ind, cx, nx))
            else:
                out.append("%s{" % ind)
                out.append("%s    __typeof__(%s) v_ = (__typeof__(%s))%s;" % (ind, cx, cx, nx))
                out.append("%s    bad += (__typeof__(%s))v_ != %s;" % (ind, nx, nx))
                out.append("%s    %s = v_;" % (ind, cx))
                out.append("%s}" % ind)
            return
        if ct.tag != nt.tag:
            raise GenError("%s: %s vs %s" % (where, ct.tag, nt.tag))
        if ct.tag == "array_type":
            cd, nd = a.dims(ct), b.dims(nt)
            if cd != nd or None in cd:
                raise GenError("%s: array bounds differ or are unknown" % where)
            idx = []
            for k, n in enumerate(cd):
                i = "i%d_%d" % (depth, k)
                out.append("%s%sfor (unsigned int %s = 0; %s < %d; %s++)"
                           % (ind, "    " * k, i, i, n, i))
                idx.append("[%s]" % i)
            sub = []
            self.gen(sub, to_native, cx + "".join(idx), nx + "".join(idx),
                     a.t(ct), b.t(nt), owner, path, sels, depth + len(cd))
            out.append("%s%s{" % (ind, "    " * len(cd)))
            out.extend(sub)
            out.append("%s%s}" % (ind, "    " * len(cd)))
            return
        if ct.tag == "structure_type":
            self.gen_members(out, to_native, cx, nx, ct, nt, owner, path, sels, depth)
            return
        if ct.tag == "union_type":
            if self.cmp.same(ct, nt):
                mems = [m for m in a.members(ct) if m.name]
                big = max(mems, key=lambda m: a.size(a.t(m)))
                dst, src = (nx, cx) if to_native else (cx, nx)
                out.append("%s__builtin_memcpy(&%s.%s, &%s.%s, sizeof(%s.%s));"
                           % (ind, dst, big.name, src, big.name, cx, big.name))
                return
            ename = self.selector_enum(ct, owner, path)
            pname = "sel_" + "_".join(path)
            sels.append((ename, pname))
            out.append("%sswitch (%s) {" % (ind, pname))
            nmap = {m.name: m for m in b.members(nt)}
            for cm in a.members(ct):
                if not cm.name:
                    raise GenError("%s: anonymous member in union" % where)
                nm = nmap.get(cm.name)
                if nm is None:
                    raise GenError("%s: union member %s missing natively" % (where, cm.name))
                out.append("%scase %s_%s:" % (ind, ename.upper(), cm.name))
                self.gen(out, to_native, "%s.%s" % (cx, cm.name), "%s.%s" % (nx, cm.name),
                         a.t(cm), b.t(nm), owner, path + [cm.name], sels, depth + 1)
                out.append("%s    break;" % ind)
            out.append("%sdefault:" % ind)
            out.append("%s    bad++;" % ind)
            out.append("%s}" % ind)
            return
        raise GenError("%s: cannot translate %s" % (where, ct.tag))

    def gen_members(self, out, to_native, cx, nx, ct, nt, owner, path, sels, depth):
        a, b = self.a, self.b
        nnamed = {m.name: m for m in b.members(nt) if m.name}
        nanon = [m for m in b.members(nt) if not m.name]
        anon_i = 0
        for cm in a.members(ct):
            if cm.name:
                nm = nnamed.get(cm.name)
                if nm is None:
                    raise GenError("%s: member %s missing natively" % (owner, cm.name))
                sub = path + [cm.name]
                if cm.get("bit_size") is not None or nm.get("bit_size") is not None:
                    ind = "    " * (depth + 1)
                    if to_native:
                        out.append("%s%s.%s = %s.%s;" % (ind, nx, cm.name, cx, cm.name))
                    else:
                        out.append("%s%s.%s = %s.%s;" % (ind, cx, cm.name, nx, cm.name))
                    continue
                self.gen(out, to_native, "%s.%s" % (cx, cm.name), "%s.%s" % (nx, cm.name),
                         a.t(cm), b.t(nm), owner, sub, sels, depth)
            else:
                if anon_i >= len(nanon):
                    raise GenError("%s: anonymous member missing natively" % owner)
                nm = nanon[anon_i]
                # Members of an anonymous aggregate are reached through the
                # parent, so the same lvalues are used one level down.
                self.gen(out, to_native, cx, nx, a.t(cm), b.t(nm), owner,
                         path + ["anon%d" % anon_i], sels, depth)
                anon_i += 1


# --------------------------------------------------------------------------
# List file.

def read_list(path):
    entries = []
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 3 or parts[0] not in ("same", "xlat"):
                raise GenError("%s:%d: expected '<same|xlat> <name> <header>'" % (path, lineno))
            entries.append((parts[0], parts[1], parts[2], lineno))
    return entries


# --------------------------------------------------------------------------
# Output.

BASE_H = """\
/* Generated by xen/tools/gen-compat.py: do not edit. */
/*
 * Scalar types and guest handles of the 32-bit x86 (compat) ABI, for
 * 64-bit hypervisor code.  A compat handle is the guest's 32-bit virtual
 * address; the element type is remembered by name only.
 */
#ifndef COMPAT_BASE_H
#define COMPAT_BASE_H

#include <stdint.h>

/* i386 aligns 64-bit scalars in structs to 4 bytes. */
typedef uint64_t __attribute__((__aligned__(4))) compat_uint64_t;
typedef int64_t __attribute__((__aligned__(4))) compat_int64_t;

/* A guest virtual address of a 32-bit guest. */
typedef uint32_t compat_ptr_t;

#define COMPAT_HANDLE(name)     __compat_handle_ ## name
#define COMPAT_HANDLE_64(name)  __compat_handle64_ ## name
#define COMPAT_HANDLE_ELEM(name) __compat_handle_elem_ ## name

#define DEFINE_COMPAT_HANDLE(name, type) \\
    typedef struct { compat_ptr_t c; } __compat_handle_ ## name; \\
    typedef type __compat_handle_elem_ ## name

/* XEN_GUEST_HANDLE_64: 8 bytes and 8-aligned on every architecture. */
#define DEFINE_COMPAT_HANDLE_64(name, type) \\
    typedef struct { uint64_t __attribute__((__aligned__(8))) q; } \\
        __compat_handle64_ ## name; \\
    typedef type __compat_handle64_elem_ ## name

#define compat_handle_addr(h)     ((h).c)
#define compat_handle_is_null(h)  ((h).c == 0)
#define set_compat_handle_addr(h, a) do { (h).c = (compat_ptr_t)(a); } while (0)

#endif /* COMPAT_BASE_H */
"""

XLAT_PRELUDE = """\
/* Generated by xen/tools/gen-compat.py from %(list)s: do not edit. */
/*
 * Layout checks for structures the hypervisor uses unchanged for 32-bit
 * guests, and translation helpers for those it must convert.
 *
 *   xlat_<name>_from_compat(native *dst, const compat *src, [selectors])
 *   xlat_<name>_to_compat(compat *dst, const native *src, [selectors])
 *
 * Both clear the destination first and return the number of fields that
 * could not be represented (a value or address wider than 32 bits when
 * narrowing, or an unknown union selector); 0 means a faithful copy.
 * Handles translate to the same guest address; a caller that needs a
 * handle to point elsewhere (e.g. at a widened copy of a guest array)
 * rewrites that field afterwards.  Unions that differ in layout are copied
 * according to an explicit selector argument (enum xlat_*).
 */
#ifndef COMPAT_XLAT_H
#define COMPAT_XLAT_H

#include <compat/compat-base.h>
%(includes)s

/* Store a native address into a 32-bit compat slot; 1 if it did not fit. */
static inline unsigned int compat_xlat_put_addr32(compat_ptr_t *slot, uintptr_t addr)
{
    *slot = (compat_ptr_t)addr;
    return addr > 0xffffffffu;
}
"""


XLAT_EMPTY = """\
/* Generated by xen/tools/gen-compat.py: do not edit. */
/* No public header was usable when this was generated. */
#ifndef COMPAT_XLAT_H
#define COMPAT_XLAT_H
#include <compat/compat-base.h>
#endif
"""


def write_outputs(args, emitted, missing, xlat):
    outdir = os.path.join(args.out, "compat")
    write_if_changed(os.path.join(outdir, "compat-base.h"), BASE_H)
    for hdr, text in emitted.items():
        write_if_changed(os.path.join(outdir, hdr), text)
    # Requested but unusable headers get a file that fails loudly if used,
    # so stale output from an earlier run cannot be picked up silently.
    for hdr in missing:
        if hdr not in emitted:
            write_if_changed(os.path.join(outdir, hdr),
                             "/* Generated by xen/tools/gen-compat.py: do not edit. */\n"
                             "#error \"compat/%s: public/%s was missing or did not compile "
                             "when the compat headers were generated\"\n" % (hdr, hdr))
    write_if_changed(os.path.join(outdir, "xlat.h"), xlat)


def guard(rel):
    return "COMPAT_" + re.sub(r"[^A-Za-z0-9]", "_", rel).upper()


def write_if_changed(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def topo(entities):
    """Order entities so each follows what it depends on (source order
    otherwise)."""
    byk = {e.key: e for e in entities}
    done, out, visiting = set(), [], set()

    def visit(e):
        if e.key in done:
            return
        if e.key in visiting:
            raise GenError("dependency cycle at %r" % (e.key,))
        visiting.add(e.key)
        for d in sorted(e.deps, key=lambda k: byk[k].order if k in byk else 0):
            if d in byk:
                visit(byk[d])
        visiting.discard(e.key)
        done.add(e.key)
        out.append(e)

    for e in sorted(entities, key=lambda e: e.order):
        visit(e)
    return out


def syntax_check(args, tmp, header):
    """First error line if public/<header> fails to compile for either
    target, else None."""
    src = os.path.join(tmp, "one.c")
    with open(src, "w") as f:
        f.write("#include <stdint.h>\n#include <public/%s>\n" % header)
    for flags in (["-m32", "-D__XEN_TOOLS__"], ["-m64", "-D__XEN__"]):
        r = subprocess.run([args.cc] + flags + ["-fsyntax-only", "-ffreestanding", "-nostdinc",
                                                "-isystem", args.gcc_include, "-I", args.include,
                                                src],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            errs = [l for l in r.stderr.splitlines() if "error" in l] or ["?"]
            return errs[0].strip()
    return None


def compile_model(args, probe, flags, tmp, tag):
    obj = os.path.join(tmp, "probe-%s.o" % tag)
    cmd = [args.cc] + flags + ["-g", "-gdwarf-5", "-fno-eliminate-unused-debug-types",
                               "-ffreestanding", "-nostdinc", "-isystem", args.gcc_include,
                               "-I", args.include, "-c", probe, "-o", obj]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise GenError("probe compile (%s) failed:\n%s\n%s" % (tag, " ".join(cmd), r.stderr[-4000:]))
    info = subprocess.run([args.readelf, "--debug-dump=info", obj], stdout=subprocess.PIPE,
                          check=True, text=True).stdout
    line = subprocess.run([args.readelf, "--debug-dump=line", obj], stdout=subprocess.PIPE,
                          check=True, text=True).stdout
    return Model(info, line, os.path.join(args.include, "public"))


def member_paths(model, agg, prefix=""):
    """Member designators (for offsetof) of an aggregate, recursively."""
    out = []
    for m in model.members(agg):
        if m.get("bit_size") is not None:
            continue
        t = model.resolve(model.t(m))
        if m.name:
            p = prefix + m.name
            # A flexible array member has an offset but no size.
            out.append((p, not (t is not None and t.tag == "array_type"
                                and None in model.dims(t))))
            if t is not None and t.tag == "array_type" and None not in model.dims(t) \
                    and 0 not in model.dims(t):
                e = model.resolve(model.t(t))
                idx = "".join("[0]" for _ in model.dims(t))
                if e is not None and e.tag in ("structure_type", "union_type") \
                        and handle_info(model, model.strip_cv(model.t(t))) is None:
                    out.extend(member_paths(model, e, p + idx + "."))
            elif t is not None and t.tag in ("structure_type", "union_type") \
                    and handle_info(model, model.strip_cv(model.t(m))) is None:
                out.extend(member_paths(model, t, p + "."))
        elif t is not None and t.tag in ("structure_type", "union_type"):
            out.extend(member_paths(model, t, prefix))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--include", required=True, help="directory holding public/ (xen/include)")
    ap.add_argument("--list", required=True, help="compat-xlat.lst")
    ap.add_argument("--out", required=True, help="output include dir (compat/ is created in it)")
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--readelf", default="readelf")
    ap.add_argument("--manifest", help="write a JSON description of the generated aggregates")
    ap.add_argument("--force-checks", action="store_true",
                    help="emit layout checks even for 'same' entries that differ (testing)")
    ap.add_argument("--classify", action="store_true",
                    help="print whether each public aggregate differs for i386, then exit")
    ap.add_argument("headers", nargs="+", help="public headers, relative to public/")
    args = ap.parse_args()
    args.gcc_include = subprocess.run([args.cc, "-print-file-name=include"], stdout=subprocess.PIPE,
                                      check=True, text=True).stdout.strip()
    try:
        return generate(args)
    except GenError as ex:
        note("error: " + str(ex))
        return 1


def generate(args):
    public = os.path.join(args.include, "public")
    present, missing = [], []
    for h in args.headers:
        (present if os.path.isfile(os.path.join(public, h)) else missing).append(h)
    for h in missing:
        note("skipping public/%s (not present)" % h)
    if not present:
        raise GenError("none of the requested public headers exist")
    entries = read_list(args.list)

    with tempfile.TemporaryDirectory(prefix="gen-compat.") as tmp:
        # A header that is there but does not compile on its own yet (its
        # includes are still being written, say) is skipped like a missing one.
        for h in list(present):
            err = syntax_check(args, tmp, h)
            if err:
                note("skipping public/%s (does not compile: %s)" % (h, err))
                present.remove(h)
                missing.append(h)
        if not present:
            note("warning: none of the requested public headers is usable; "
                 "writing placeholders only")
            write_outputs(args, {}, missing, XLAT_EMPTY)
            return 0
        probe = os.path.join(tmp, "probe.c")
        with open(probe, "w") as f:
            f.write("#include <stdint.h>\n")
            for h in present:
                f.write("#include <public/%s>\n" % h)
        # The guest's view: the i386 ABI.  Tools mode exposes the
        # toolstack-only interfaces without the hypervisor-internal parts.
        m32 = compile_model(args, probe, ["-m32", "-D__XEN_TOOLS__"], tmp, "m32")
        native = compile_model(args, probe, ["-m64", "-D__XEN__"], tmp, "native")

    sp = Speller(m32, native)
    sp.build()
    cmp = Comparer(m32, native)

    if args.classify:
        for d in m32.top:
            if d.off in sp.agg_names and d.tag in ("structure_type", "union_type"):
                nd, _ = native.find_aggregate([d.name] if d.name else
                                              [m32.dies[sp.anon_owner[d.off]].name])
                state = "native-only" if nd is None else \
                    ("same" if cmp.same(d, nd) else "differs")
                print("%-8s %-40s %s" % (state, sp.agg_names[d.off], m32.header_of(d)))
        return 0

    # ---- per-header compat files -----------------------------------------
    by_header = {}
    broken = []
    for key, e in sp.entities.items():
        if e.header is None:
            continue
        if sp.failed(key):
            broken.append(e)
            continue
        by_header.setdefault(e.header, []).append(e)
    native_headers = {h for h in native.files.values() if h}
    emitted = {}
    for hdr, ents in sorted(by_header.items()):
        ordered = topo(ents)
        incs = set()
        for e in ents:
            for d in e.deps:
                de = sp.entities.get(d)
                if de is not None and de.header and de.header != hdr:
                    incs.add(de.header)
        lines = ["/* Generated by xen/tools/gen-compat.py from public/%s: do not edit. */" % hdr,
                 "#ifndef %s" % guard(hdr), "#define %s" % guard(hdr), "",
                 "#include <compat/compat-base.h>"]
        if hdr in native_headers:
            lines.append("#include <public/%s>" % hdr)
        for i in sorted(incs):
            lines.append("#include <compat/%s>" % i)
        lines.append("")
        for e in ordered:
            # Handles follow their element type without a blank line, the
            # way DEFINE_XEN_GUEST_HANDLE() follows a typedef in the source.
            if e.key[0] == "handle" and lines[-1] == "":
                lines.pop()
            lines.append(e.text)
            lines.append("")
        lines.append("#endif /* %s */" % guard(hdr))
        emitted[hdr] = "\n".join(lines) + "\n"
    # A requested header with no types still gets a (trivial) compat file.
    for h in present:
        if h not in emitted:
            emitted[h] = ("/* Generated by xen/tools/gen-compat.py from public/%s: do not edit. */\n"
                          "#ifndef %s\n#define %s\n#include <compat/compat-base.h>\n"
                          "#include <public/%s>\n/* No types in this header. */\n#endif\n"
                          % (h, guard(h), guard(h), h))
    for e in broken:
        note("cannot represent %r from public/%s: %s"
             % (e.key, e.header, e.error or "depends on an unrepresentable type"))

    # ---- xlat.h ------------------------------------------------------------
    xl = Xlat(m32, native, cmp, sp)
    body, incs, manifest_x = [], set(), []
    problems = []
    nsame = nxlat = 0
    for kind, name, hdr, lineno in entries:
        if hdr not in present:
            note("list entry %s (public/%s): header absent, skipped" % (name, hdr))
            continue
        names = ["xen_" + name, name, "xen_%s_t" % name, name + "_t"]
        cdie, pspell = m32.find_aggregate(names)
        ndie, nspell = native.find_aggregate(names)
        if cdie is None or ndie is None:
            problems.append("%s:%d: no aggregate named %s in public/%s"
                            % (args.list, lineno, name, hdr))
            continue
        cspell = sp.agg_names.get(cdie.off)
        if cspell is None or sp.failed(("agg", cdie.off)) and sp.failed(
                ("typedef", sp.anon_owner.get(cdie.off))):
            problems.append("%s:%d: %s has no compat form" % (args.list, lineno, name))
            continue
        if sp.entities.get(("agg", cdie.off)) is not None:
            incs.add(sp.entities[("agg", cdie.off)].header)
        else:
            incs.add(m32.header_of(cdie))
        identical = cmp.same(cdie, ndie)
        if kind == "same":
            if not identical and not args.force_checks:
                problems.append("%s:%d: %s is listed as 'same' but its i386 layout differs"
                                % (args.list, lineno, name))
                continue
            nsame += 1
            body.append("/* %s: identical for 32-bit guests. */" % name)
            body.append("_Static_assert(sizeof(%s) == sizeof(%s), \"compat %s: size\");"
                        % (cspell, nspell, name))
            for p, sized in member_paths(native, ndie):
                check = "__builtin_offsetof(%s, %s) == __builtin_offsetof(%s, %s)" % (
                    cspell, p, nspell, p)
                if sized:
                    check += " &&\n               sizeof(((%s *)0)->%s) == sizeof(((%s *)0)->%s)" % (
                        cspell, p, nspell, p)
                body.append("_Static_assert(%s,\n               \"compat %s: %s\");"
                            % (check, name, p))
            body.append("#define COMPAT_LAYOUT_SAME_%s 1" % name)
            body.append("")
            continue
        # kind == "xlat"
        if identical:
            note("%s is listed for translation but its layout is identical" % name)
        try:
            fn = {}
            for to_native in (True, False):
                sels, stmts = [], []
                xl.gen_members(stmts, to_native, "(*src)" if to_native else "(*dst)",
                               "(*dst)" if to_native else "(*src)", m32.resolve(cdie),
                               native.resolve(ndie), name, [], sels, 0)
                fn[to_native] = (sels, stmts)
        except GenError as ex:
            problems.append("%s:%d: cannot translate %s: %s" % (args.list, lineno, name, ex))
            continue
        nxlat += 1
        for to_native in (True, False):
            sels, stmts = fn[to_native]
            sel_params = "".join(",\n        enum %s %s" % (e, p) for e, p in sels)
            if to_native:
                sig = "xlat_%s_from_compat(%s *dst,\n        const %s *src%s)" % (
                    name, nspell, cspell, sel_params)
            else:
                sig = "xlat_%s_to_compat(%s *dst,\n        const %s *src%s)" % (
                    name, cspell, nspell, sel_params)
            body.append("static inline unsigned int %s\n{" % sig)
            body.append("    unsigned int bad = 0;\n")
            body.append("    __builtin_memset(dst, 0, sizeof(*dst));")
            body.extend(st.replace("(*dst).", "dst->").replace("(*src).", "src->")
                        for st in stmts)
            body.append("    return bad;\n}\n")
        manifest_x.append({"name": name, "native": nspell, "compat": cspell,
                           "selectors": [[e, p] for e, p in fn[True][0]]})

    if problems:
        for p in problems:
            note(p)
        raise GenError("%d list entr%s failed" % (len(problems), "y" if len(problems) == 1 else "ies"))

    enum_text = []
    for ename, consts in sorted(xl.enums.items()):
        enum_text.append("enum %s {" % ename)
        for i, (c, _) in enumerate(consts):
            enum_text.append("    %s = %d," % (c, i))
        enum_text.append("};\n")
    xlat = XLAT_PRELUDE % {
        "list": os.path.basename(args.list),
        "includes": "\n".join("#include <compat/%s>" % h for h in sorted(i for i in incs if i)),
    }
    xlat += "\n" + "\n".join(enum_text) + "\n" + "\n".join(body) + "#endif /* COMPAT_XLAT_H */\n"

    write_outputs(args, emitted, missing, xlat)

    if args.manifest:
        aggs = []
        for d in m32.top:
            if d.off not in sp.agg_names or sp.failed(("agg", d.off)) \
                    and sp.failed(("typedef", sp.anon_owner.get(d.off))):
                continue
            if d.tag == "structure_type" or d.tag == "union_type":
                pub = ("struct " if d.tag == "structure_type" else "union ") + d.name \
                    if d.name else m32.dies[sp.anon_owner[d.off]].name
                aggs.append({"header": m32.header_of(d) or
                             m32.header_of(m32.dies[sp.anon_owner[d.off]]),
                             "public": pub, "compat": sp.agg_names[d.off],
                             "members": member_paths(m32, d)})
        write_if_changed(args.manifest, json.dumps(
            {"headers": present, "skipped": missing, "compat_headers": sorted(emitted),
             "aggregates": aggs,
             "translated": manifest_x}, indent=1) + "\n")
    note("%d compat headers, %d aggregates checked same, %d translated%s"
         % (len(emitted), nsame, nxlat,
            ("; skipped " + " ".join(missing)) if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
