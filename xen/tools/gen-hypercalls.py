#!/usr/bin/python3
"""Generate the hypercall header from xen/include/hypercall-defs.txt.

    gen-hypercalls.py [--config autoconf.h] [-D SYM[=VAL]]... [-o OUT] DEFS

The header holds every handler prototype, a dispatch macro
call_handlers_<column>() and an argument-count initializer
hypercall_args_<column> for each enabled guest kind (column).  The file
format and the generated interface are described in docs/hypercall-table.md.

Conditionals (#if and friends) are evaluated here rather than by the C
preprocessor, so that every error can name the exact line of the
definitions file.  Exit status: 0 on success, 1 on a definitions error
(reported as FILE:LINE: error: ...), 2 on a usage error.

Standard library only.
"""

import argparse
import os
import re
import sys

MAX_ARGS = 5
NR_HYPERCALLS = 64          # numbers are 0..63, so a 64-bit mask covers them
DEFAULT_PRIORITY = 100      # unmarked cells: tested after every N in 1..99
MAX_PRIORITY = 99

IDENT_RE = re.compile(r'[A-Za-z_][A-Za-z0-9_]*\Z')
CONFIG_DEFINE_RE = re.compile(r'\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)\s*(.*?)\s*\Z')


class DefsError(Exception):
    """A problem in the definitions file, tied to one of its lines."""

    def __init__(self, path, lineno, message):
        super().__init__(message)
        self.path = path
        self.lineno = lineno
        self.message = message

    def __str__(self):
        return '%s:%d: error: %s' % (self.path, self.lineno, self.message)


def is_ident(word):
    return IDENT_RE.match(word) is not None


# --------------------------------------------------------------------------
# Configuration and conditionals

def read_config(path):
    """Collect the #define lines of a Kconfig-generated autoconf.h."""
    config = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = CONFIG_DEFINE_RE.match(line)
            if m:
                config[m.group(1)] = m.group(2)
    return config


def config_int(config, name, err):
    """Value of a symbol inside #if: undefined symbols count as 0."""
    if name not in config:
        return 0
    value = config[name].strip()
    if value == '':
        return 1
    try:
        return int(value.rstrip('uUlL'), 0)
    except ValueError:
        raise err('symbol %s is not an integer (%s) and cannot be tested in #if'
                  % (name, value))


class CondExpr:
    """Recursive-descent evaluator for the #if subset we accept:
    defined(X), defined X, X, integers, !, &&, || and parentheses."""

    TOKEN_RE = re.compile(r'\s*(defined\b|[A-Za-z_][A-Za-z0-9_]*|0[xX][0-9a-fA-F]+|\d+'
                          r'|&&|\|\||!|\(|\))')

    def __init__(self, text, config, err):
        self.config = config
        self.err = err
        self.tokens = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = self.TOKEN_RE.match(text, pos)
            if not m:
                raise err('cannot parse #if expression at "%s" (allowed: defined, '
                          'symbols, integers, !, &&, ||, parentheses)' % text[pos:].strip())
            self.tokens.append(m.group(1))
            pos = m.end()
        if not self.tokens:
            raise err('#if without an expression')
        self.pos = 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected=None):
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise self.err('malformed #if expression: expected %s, found %s'
                           % (expected or 'an operand', tok or 'end of line'))
        self.pos += 1
        return tok

    def evaluate(self):
        value = self.parse_or()
        if self.peek() is not None:
            raise self.err('malformed #if expression: unexpected "%s"' % self.peek())
        return value

    def parse_or(self):
        value = self.parse_and()
        while self.peek() == '||':
            self.take()
            rhs = self.parse_and()
            value = 1 if (value or rhs) else 0
        return value

    def parse_and(self):
        value = self.parse_unary()
        while self.peek() == '&&':
            self.take()
            rhs = self.parse_unary()
            value = 1 if (value and rhs) else 0
        return value

    def parse_unary(self):
        if self.peek() == '!':
            self.take()
            return 0 if self.parse_unary() else 1
        return self.parse_primary()

    def parse_primary(self):
        tok = self.take()
        if tok == '(':
            value = self.parse_or()
            self.take(')')
            return value
        if tok == 'defined':
            paren = self.peek() == '('
            if paren:
                self.take()
            name = self.take()
            if not is_ident(name):
                raise self.err('defined needs a symbol name, not "%s"' % name)
            if paren:
                self.take(')')
            return 1 if name in self.config else 0
        if tok[0].isdigit():
            return int(tok, 0)
        if is_ident(tok):
            return config_int(self.config, tok, self.err)
        raise self.err('malformed #if expression: unexpected "%s"' % tok)


def active_lines(path, text, config):
    """Strip comments and evaluate conditionals.

    Returns (lineno, text) for each non-empty line that is enabled."""
    out = []
    # Each frame: [enclosing_active, branch_taken, active, else_seen, lineno]
    stack = []
    lineno = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        def err(message, _lineno=lineno):
            return DefsError(path, _lineno, message)

        line = raw.split('//', 1)[0].strip()
        if not line:
            continue
        active = stack[-1][2] if stack else True
        if not line.startswith('#'):
            if active:
                out.append((lineno, line))
            continue

        m = re.match(r'#\s*([A-Za-z]*)\s*(.*)\Z', line)
        directive, rest = m.group(1), m.group(2)
        if directive in ('if', 'ifdef', 'ifndef'):
            if not active:
                value = 0      # not evaluated: its symbols may not exist here
            elif directive == 'if':
                value = CondExpr(rest, config, err).evaluate()
            else:
                if not is_ident(rest):
                    raise err('#%s needs exactly one symbol name' % directive)
                value = rest in config
                if directive == 'ifndef':
                    value = not value
            stack.append([active, bool(value), active and bool(value), False, lineno])
        elif directive == 'elif':
            if not stack:
                raise err('#elif without #if')
            frame = stack[-1]
            if frame[3]:
                raise err('#elif after #else (the #if is at line %d)' % frame[4])
            if frame[0] and not frame[1]:
                value = bool(CondExpr(rest, config, err).evaluate())
                frame[1] = value
                frame[2] = value
            else:
                frame[2] = False
        elif directive == 'else':
            if not stack:
                raise err('#else without #if')
            if rest:
                raise err('unexpected text after #else: %s' % rest)
            frame = stack[-1]
            if frame[3]:
                raise err('second #else for the #if at line %d' % frame[4])
            frame[3] = True
            frame[2] = frame[0] and not frame[1]
            frame[1] = True
        elif directive == 'endif':
            if not stack:
                raise err('#endif without #if')
            if rest:
                raise err('unexpected text after #endif: %s' % rest)
            stack.pop()
        else:
            raise err('unsupported directive "#%s" (only #if, #ifdef, #ifndef, #elif, '
                      '#else, #endif; comments start with //)' % directive)
    if stack:
        raise DefsError(path, stack[-1][4], '#if without matching #endif')
    return out, lineno


# --------------------------------------------------------------------------
# Parsing

class Param:
    def __init__(self, ctype, name, is_pointer):
        self.ctype = ctype          # C type as written (pointee type for handles)
        self.name = name
        self.is_pointer = is_pointer
        self.handle = None          # handle name for pointers, once resolved

    def declaration(self):
        if self.handle:
            return 'XEN_GUEST_HANDLE_PARAM(%s) %s' % (self.handle, self.name)
        return '%s %s' % (self.ctype, self.name)


class Prototype:
    def __init__(self, lineno, prefixes, name, params):
        self.lineno = lineno
        self.prefixes = prefixes
        self.name = name
        self.params = params


class Row:
    def __init__(self, lineno, name, number, cells):
        self.lineno = lineno
        self.name = name
        self.number = number
        self.cells = cells          # column -> (prefix, priority) or None


class Definitions:
    def __init__(self, path):
        self.path = path
        self.handles = {}           # C type -> (handle name, lineno)
        self.handle_names = {}      # handle name -> lineno
        self.prefixes = {}          # name -> (rettype, when, lineno)
        self.prefix_order = []
        self.columns = {}           # name -> (when, lineno)
        self.column_order = []
        self.prototypes = []
        self.table_line = None
        self.table_columns = []
        self.rows = []

    def error(self, lineno, message):
        return DefsError(self.path, lineno, message)


def parse_when(defs, lineno, words, what):
    """Parse the optional "when SYM..." tail of prefix/column lines."""
    if not words:
        return []
    if words[0] != 'when' or len(words) == 1:
        raise defs.error(lineno, '%s: expected "when CONFIG_..." after the name, found "%s"'
                         % (what, ' '.join(words)))
    syms = []
    for word in words[1:]:
        negate = word.startswith('!')
        sym = word[1:] if negate else word
        if not is_ident(sym):
            raise defs.error(lineno, '%s: "%s" is not a symbol name' % (what, word))
        syms.append((negate, sym))
    return syms


def parse_params(defs, lineno, text):
    text = text.strip()
    if text in ('', 'void'):
        return []
    params = []
    for piece in text.split(','):
        piece = piece.strip()
        stars = piece.count('*')
        if stars > 1:
            raise defs.error(lineno, 'parameter "%s": only single pointers (guest handles) '
                             'are supported' % piece)
        words = piece.replace('*', ' ').split()
        if len(words) < 2:
            raise defs.error(lineno, 'parameter "%s" needs both a type and a name' % piece)
        for word in words:
            if not is_ident(word):
                raise defs.error(lineno, 'parameter "%s": "%s" is not an identifier'
                                 % (piece, word))
        ctype = ' '.join(words[:-1])
        name = words[-1]
        if any(p.name == name for p in params):
            raise defs.error(lineno, 'parameter name "%s" used twice' % name)
        # Handles may be declared later in the file; resolve_handles() fills them in.
        params.append(Param(ctype, name, bool(stars)))
    if len(params) > MAX_ARGS:
        raise defs.error(lineno, 'too many parameters: %d (hypercalls take at most %d)'
                         % (len(params), MAX_ARGS))
    return params


PROTO_RE = re.compile(r'([^:()]*):\s*([^\s(]*)\s*\((.*)\)\s*\Z')


def parse_prototype(defs, lineno, line):
    m = PROTO_RE.match(line)
    if not m:
        raise defs.error(lineno, 'expected a prototype "PREFIX...: name(params)"')
    prefixes = m.group(1).split()
    name = m.group(2)
    if not prefixes:
        raise defs.error(lineno, 'prototype without a prefix')
    if len(set(prefixes)) != len(prefixes):
        raise defs.error(lineno, 'prefix listed twice')
    for pfx in prefixes:
        if not is_ident(pfx):
            raise defs.error(lineno, '"%s" is not a valid prefix name' % pfx)
    if not is_ident(name):
        raise defs.error(lineno, '"%s" is not a valid hypercall name' % name)
    return Prototype(lineno, prefixes, name, parse_params(defs, lineno, m.group(3)))


def parse_cell(defs, lineno, column, cell):
    if cell == '-':
        return None
    pfx, sep, prio_text = cell.partition(':')
    if not is_ident(pfx):
        raise defs.error(lineno, 'column %s: "%s" is neither "-" nor a prefix' % (column, cell))
    priority = DEFAULT_PRIORITY
    if sep:
        if not re.match(r'[0-9]+\Z', prio_text) or not 1 <= int(prio_text) <= MAX_PRIORITY:
            raise defs.error(lineno, 'column %s: bad priority "%s" in "%s" (use 1..%d, '
                             '1 = highest)' % (column, prio_text, cell, MAX_PRIORITY))
        priority = int(prio_text)
    return (pfx, priority)


def parse(path, lines, last_lineno):
    defs = Definitions(path)
    for lineno, line in lines:
        words = line.split()
        if defs.table_line is not None:
            parse_row(defs, lineno, words)
        elif words[0] == 'handle':
            parse_handle(defs, lineno, line, words)
        elif words[0] == 'prefix':
            if len(words) < 3:
                raise defs.error(lineno, 'expected "prefix NAME RETTYPE [when SYM...]"')
            name = words[1]
            rest = words[2:]
            cut = rest.index('when') if 'when' in rest else len(rest)
            rettype = rest[:cut]
            if not is_ident(name):
                raise defs.error(lineno, '"%s" is not a valid prefix name' % name)
            if not rettype or not all(is_ident(w) for w in rettype):
                raise defs.error(lineno, 'prefix %s: missing or invalid return type' % name)
            if name in defs.prefixes:
                raise defs.error(lineno, 'prefix %s already declared at line %d'
                                 % (name, defs.prefixes[name][2]))
            when = parse_when(defs, lineno, rest[cut:], 'prefix ' + name)
            defs.prefixes[name] = (' '.join(rettype), when, lineno)
            defs.prefix_order.append(name)
        elif words[0] == 'column':
            if len(words) < 2 or not is_ident(words[1]):
                raise defs.error(lineno, 'expected "column NAME [when SYM...]"')
            name = words[1]
            if name in defs.columns:
                raise defs.error(lineno, 'column %s already declared at line %d'
                                 % (name, defs.columns[name][1]))
            defs.columns[name] = (parse_when(defs, lineno, words[2:], 'column ' + name), lineno)
            defs.column_order.append(name)
        elif words[0] == 'table':
            parse_table_header(defs, lineno, words)
        elif ':' in line and '(' in line:
            defs.prototypes.append(parse_prototype(defs, lineno, line))
        else:
            raise defs.error(lineno, 'unrecognised line (expected handle, prefix, column, '
                             'table or a prototype "PREFIX...: name(params)")')
    if defs.table_line is None:
        raise defs.error(last_lineno, 'no "table" line: the file must end with the table')
    resolve_handles(defs)
    return defs


def resolve_handles(defs):
    for proto in defs.prototypes:
        for param in proto.params:
            if not param.is_pointer:
                continue
            if param.ctype not in defs.handles:
                raise defs.error(proto.lineno, 'unknown handle: no "handle" line declares a '
                                 'guest handle for pointer type "%s *"' % param.ctype)
            param.handle = defs.handles[param.ctype][0]


def parse_handle(defs, lineno, line, words):
    m = re.match(r'handle\s+(\S+)\s*(?:=\s*(.*))?\Z', line)
    if not m or (m.group(2) is not None and not m.group(2).strip()):
        raise defs.error(lineno, 'expected "handle NAME" or "handle NAME = C TYPE"')
    name = m.group(1)
    if not is_ident(name):
        raise defs.error(lineno, '"%s" is not a valid handle name' % name)
    ctype_words = (m.group(2) or name).split()
    if not all(is_ident(w) for w in ctype_words):
        raise defs.error(lineno, 'handle %s: "%s" is not a C type made of identifiers'
                         % (name, ' '.join(ctype_words)))
    ctype = ' '.join(ctype_words)
    if name in defs.handle_names:
        raise defs.error(lineno, 'handle %s already declared at line %d'
                         % (name, defs.handle_names[name]))
    if ctype in defs.handles:
        raise defs.error(lineno, 'type "%s" already has handle %s (line %d)'
                         % (ctype, defs.handles[ctype][0], defs.handles[ctype][1]))
    defs.handles[ctype] = (name, lineno)
    defs.handle_names[name] = lineno


def parse_table_header(defs, lineno, words):
    if len(words) < 3 or words[1] != 'nr':
        raise defs.error(lineno, 'expected "table nr COLUMN..."')
    seen = set()
    for col in words[2:]:
        if col not in defs.columns:
            raise defs.error(lineno, 'unknown column "%s" in table header (declared: %s)'
                             % (col, ' '.join(defs.column_order) or 'none'))
        if col in seen:
            raise defs.error(lineno, 'column %s appears twice in the table header' % col)
        seen.add(col)
    missing = [c for c in defs.column_order if c not in seen]
    if missing:
        raise defs.error(lineno, 'table header lacks declared column(s): %s' % ' '.join(missing))
    defs.table_line = lineno
    defs.table_columns = words[2:]


def parse_row(defs, lineno, words):
    ncols = len(defs.table_columns)
    if len(words) != ncols + 2:
        raise defs.error(lineno, 'table row has %d fields, expected %d (name, number and '
                         'one entry for each of: %s)'
                         % (len(words), ncols + 2, ' '.join(defs.table_columns)))
    name, number_text = words[0], words[1]
    if not is_ident(name):
        raise defs.error(lineno, '"%s" is not a valid hypercall name' % name)
    if not re.match(r'[0-9]+\Z', number_text) or int(number_text) >= NR_HYPERCALLS:
        raise defs.error(lineno, 'hypercall number "%s" is not in 0..%d'
                         % (number_text, NR_HYPERCALLS - 1))
    number = int(number_text)
    for row in defs.rows:
        if row.name == name:
            raise defs.error(lineno, 'duplicate row for %s (first at line %d)'
                             % (name, row.lineno))
        if row.number == number:
            raise defs.error(lineno, 'duplicate hypercall number %d: already used by %s '
                             '(line %d)' % (number, row.name, row.lineno))
    cells = {}
    for col, cell in zip(defs.table_columns, words[2:]):
        cells[col] = parse_cell(defs, lineno, col, cell)
    defs.rows.append(Row(lineno, name, number, cells))


# --------------------------------------------------------------------------
# Checking against the configuration

def enabled(defs, lineno, when, config):
    for negate, sym in when:
        on = config_int(config, sym, lambda msg: defs.error(lineno, msg)) != 0
        if on == negate:
            return False
    return True


class Model:
    """Definitions resolved for one configuration."""

    def __init__(self, defs, config):
        self.defs = defs
        self.prefix_on = {p: enabled(defs, defs.prefixes[p][2], defs.prefixes[p][1], config)
                          for p in defs.prefix_order}
        self.columns = [c for c in defs.column_order
                        if enabled(defs, defs.columns[c][1], defs.columns[c][0], config)]
        self.protos = {}        # (prefix, name) -> Prototype, enabled prefixes only
        seen = {}
        for proto in defs.prototypes:
            for pfx in proto.prefixes:
                if pfx not in defs.prefixes:
                    raise defs.error(proto.lineno, 'unknown prefix "%s" (declared: %s)'
                                     % (pfx, ' '.join(defs.prefix_order) or 'none'))
                key = (pfx, proto.name)
                if key in seen:
                    raise defs.error(proto.lineno, 'duplicate prototype for %s_%s (first at '
                                     'line %d)' % (pfx, proto.name, seen[key].lineno))
                seen[key] = proto
                if self.prefix_on[pfx]:
                    self.protos[key] = proto
        # column -> list of (row, prefix, priority)
        self.dispatch = {c: [] for c in self.columns}
        for row in defs.rows:
            for col in defs.table_columns:
                cell = row.cells[col]
                if cell is None:
                    continue
                pfx, priority = cell
                if pfx not in defs.prefixes:
                    raise defs.error(row.lineno, 'unknown prefix "%s" in column %s (declared: '
                                     '%s)' % (pfx, col, ' '.join(defs.prefix_order)))
                if col not in self.dispatch:
                    continue
                if not self.prefix_on[pfx]:
                    raise defs.error(row.lineno, 'column %s is enabled but uses prefix %s, '
                                     'which is disabled in this configuration' % (col, pfx))
                if (pfx, row.name) not in self.protos:
                    raise defs.error(row.lineno, 'row without prototype: column %s needs '
                                     '%s_%s but no enabled prototype line declares it'
                                     % (col, pfx, row.name))
                self.dispatch[col].append((row, pfx, priority))


# --------------------------------------------------------------------------
# Output

def macro(lines):
    """Join lines into one #define body with aligned continuations."""
    width = min(max((len(l) for l in lines[:-1]), default=0), 78) + 1
    out = [(l.ljust(width) if len(l) < width else l + ' ') + '\\' for l in lines[:-1]]
    out.append(lines[-1])
    return '\n'.join(out)


def call_expr(model, row, pfx):
    proto = model.protos[(pfx, row.name)]
    args = []
    for i, param in enumerate(proto.params, start=1):
        if param.handle:
            args.append('HYPERCALL_HANDLE_ARG(%s, a%d)' % (param.handle, i))
        else:
            args.append('(%s)(a%d)' % (param.ctype, i))
    return '(ret) = %s_%s(%s);' % (pfx, row.name, ', '.join(args))


def emit_switch(model, entries, indent):
    pad = ' ' * indent
    out = [pad + 'switch ( hcall_nr_ )', pad + '{']
    for row, pfx, _ in entries:
        out.append('%scase %d: /* %s */' % (pad, row.number, row.name))
        out.append('%s    %s' % (pad, call_expr(model, row, pfx)))
        out.append('%s    break;' % pad)
    out.append(pad + 'default:')
    out.append(pad + '    (ret) = -ENOSYS;')
    out.append(pad + '    break;')
    out.append(pad + '}')
    return out


def emit_dispatch(model, col):
    """call_handlers_<col>: prioritised tiers first, then one switch."""
    entries = sorted(model.dispatch[col], key=lambda e: (e[2], e[0].number))
    tiers = []
    for entry in entries:
        if tiers and tiers[-1][0] == entry[2]:
            tiers[-1][1].append(entry)
        else:
            tiers.append((entry[2], [entry]))
    rest = []
    if tiers and tiers[-1][0] == DEFAULT_PRIORITY:
        rest = tiers.pop()[1]

    lines = ['#define call_handlers_%s(num, ret, a1, a2, a3, a4, a5)' % col,
             'do {',
             '    unsigned long hcall_nr_ = (unsigned long)(num);']
    keyword = 'if'
    for priority, members in tiers:
        lines.append('    /* priority %d */' % priority)
        if len(members) <= 2:
            for row, pfx, _ in members:
                lines.append('    %s ( __builtin_expect(hcall_nr_ == %d, 1) ) /* %s */'
                             % (keyword, row.number, row.name))
                lines.append('        ' + call_expr(model, row, pfx))
                keyword = 'else if'
        else:
            mask = 0
            for row, _, _ in members:
                mask |= 1 << row.number
            lines.append('    %s ( __builtin_expect(hcall_nr_ < %d &&' % (keyword, NR_HYPERCALLS))
            lines.append('                          ((1ULL << hcall_nr_) & %#xULL), 1) )'
                         % mask)
            lines.append('    {')
            lines.extend(emit_switch(model, members, 8))
            lines.append('    }')
            keyword = 'else if'
    if keyword == 'else if':
        lines.append('    else')
        indent = 8
    else:
        indent = 4
    if rest:
        lines.extend(emit_switch(model, rest, indent))
    else:
        lines.append(' ' * indent + '(ret) = -ENOSYS;')
    lines.append('} while ( 0 )')
    return macro(lines)


def emit_args(model, col):
    entries = sorted(model.dispatch[col], key=lambda e: e[0].number)
    lines = ['#define hypercall_args_%s' % col, '{']
    for row, pfx, _ in entries:
        nargs = len(model.protos[(pfx, row.name)].params)
        lines.append('    [%d] = %d, /* %s */' % (row.number, nargs, row.name))
    lines.append('}')
    return macro(lines)


def generate(model, defs_path, config_desc):
    defs = model.defs
    out = []
    w = out.append
    w('/*')
    w(' * Generated by xen/tools/gen-hypercalls.py from %s.' % defs_path)
    w(' * Do not edit: change the definitions file (see docs/hypercall-table.md).')
    w(' *')
    w(' * Configuration: %s' % config_desc)
    w(' * Guest kinds with a dispatcher: %s' % (' '.join(model.columns) or 'none'))
    w(' *')
    w(' * The includer provides XEN_GUEST_HANDLE_PARAM(), ENOSYS and the scalar')
    w(' * types named below.  Each call_handlers_<kind>(num, ret, a1..a5) is a')
    w(' * statement; it evaluates num once and at most one handler\'s arguments,')
    w(' * and stores -ENOSYS in ret for numbers the guest kind lacks.')
    w(' */')
    w('#ifndef GENERATED_HYPERCALL_DEFS_H')
    w('#define GENERATED_HYPERCALL_DEFS_H')
    w('')
    w('/* Turns a raw register value into a guest handle of type hnd. */')
    w('#ifndef HYPERCALL_HANDLE_ARG')
    w('#define HYPERCALL_HANDLE_ARG(hnd, val) \\')
    w('    ((XEN_GUEST_HANDLE_PARAM(hnd)){ (void *)(unsigned long)(val) })')
    w('#endif')
    w('')

    used_handles = []
    for proto in defs.prototypes:
        if any(model.prefix_on.get(p) for p in proto.prefixes):
            for param in proto.params:
                if param.handle and param.handle not in used_handles:
                    used_handles.append(param.handle)
    by_name = {name: ctype for ctype, (name, _) in defs.handles.items()}
    w('/* Guest handle types the prototypes use, as X(handle name, C type). */')
    lines = ['#define hypercall_handle_list(X)']
    lines += ['    X(%s, %s)' % (h, by_name[h]) for h in used_handles]
    if len(lines) == 1:
        lines[0] += ' /* none */'
    w(macro(lines))
    w('')

    w('/* Numbers from the definitions file, checked against public/xen.h if that')
    w(' * was included first (Xen-internal numbers may have no public name). */')
    for row in sorted(defs.rows, key=lambda r: r.number):
        w('#ifdef __HYPERVISOR_%s' % row.name)
        w('_Static_assert(__HYPERVISOR_%s == %d, "hypercall-defs.txt: %s is not %d");'
          % (row.name, row.number, row.name, row.number))
        w('#endif')
    w('')

    w('/* Handler prototypes. */')
    for proto in defs.prototypes:
        params = ', '.join(p.declaration() for p in proto.params) or 'void'
        for pfx in proto.prefixes:
            if model.prefix_on[pfx]:
                w('%s %s_%s(%s);' % (defs.prefixes[pfx][0], pfx, proto.name, params))
    for col in model.columns:
        w('')
        w('/* Dispatch for %s guests. */' % col)
        w(emit_dispatch(model, col))
        w('')
        w('/* Arguments each %s hypercall takes, indexed by number; use as' % col)
        w(' * "static const unsigned char a[] = hypercall_args_%s;" and' % col)
        w(' * bounds-check the number against ARRAY_SIZE(a). */')
        w(emit_args(model, col))
    w('')
    w('#endif /* GENERATED_HYPERCALL_DEFS_H */')
    return '\n'.join(out) + '\n'


def main(argv):
    ap = argparse.ArgumentParser(description='Generate hypercall prototypes and dispatch '
                                 'macros from the hypercall definitions file.')
    ap.add_argument('defs', help='definitions file (xen/include/hypercall-defs.txt)')
    ap.add_argument('--config', help='autoconf.h holding the CONFIG_* symbols')
    ap.add_argument('-D', dest='defines', action='append', default=[], metavar='SYM[=VAL]',
                    help='define a symbol (value 1 unless given); may repeat')
    ap.add_argument('-o', '--output', help='output header (default: standard output)')
    args = ap.parse_args(argv)

    config = {}
    desc = []
    try:
        if args.config:
            config.update(read_config(args.config))
            desc.append(args.config)
        for d in args.defines:
            sym, _, val = d.partition('=')
            if not is_ident(sym):
                ap.error('-D %s: not a symbol name' % d)
            config[sym] = val if val else '1'
            desc.append('-D' + d)
        with open(args.defs, encoding='utf-8') as f:
            text = f.read()
    except OSError as e:
        print('gen-hypercalls: %s' % e, file=sys.stderr)
        return 2

    try:
        lines, last_lineno = active_lines(args.defs, text, config)
        defs = parse(args.defs, lines, max(last_lineno, 1))
        model = Model(defs, config)
        header = generate(model, args.defs, ' '.join(desc) or 'no symbols defined')
    except DefsError as e:
        print(e, file=sys.stderr)
        return 1

    if not model.columns:
        print('%s: warning: no column enabled by this configuration, so no dispatcher '
              'is generated' % args.defs, file=sys.stderr)
    if args.output:
        tmp = args.output + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(header)
        os.replace(tmp, args.output)
    else:
        sys.stdout.write(header)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
