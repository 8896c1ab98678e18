#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Expand kmod/compat.h away for one kernel version (make patches).

    uncompat.py VERSION COMPAT_H FILE...

In-tree there is one kernel version, so compat.h has nothing to do: every
use of one of its macros in FILE... is replaced, in place, by the
definition compat.h selects for VERSION (e.g. 6.12.118), the include of
compat.h is deleted, and the result reads as if written for that kernel:

  - a parameter written "(p)" in the definition takes the argument
    without the parentheses when the argument is a plain name or member
    access ("(name)(args)" becomes "name(args)");
  - "((void)ARG, VALUE)", an argument evaluated only to be used, becomes
    VALUE when ARG has no side effects;
  - a fully parenthesised expansion passed as a whole function argument
    loses its outer parentheses.

compat.h may only hold, besides its guard, includes and comments:
  - '#if KERNEL_VERSION(a, b, c) <= LINUX_VERSION_CODE' / '#else' /
    '#endif' around function-like '#define's;
  - '#ifndef NAME' / '#define NAME(...)' / '#endif', a fallback for a
    kernel interface older kernels lack: in-tree the kernel has NAME, so
    the fallback is dropped and its uses stay (the in-tree build proves
    NAME is there).
Anything else, a use this script cannot expand, or a macro name left
over afterwards is an error, so that a new compat entry either expands
cleanly or stops 'make patches'.
"""
import re
import sys

SIMPLE = re.compile(r'^[A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*$')
VERSION_IF = re.compile(
    r'^#if\s+KERNEL_VERSION\((\d+),\s*(\d+),\s*(\d+)\)\s*<=\s*LINUX_VERSION_CODE\s*$')


def die(msg):
    sys.stderr.write('uncompat.py: %s\n' % msg)
    sys.exit(1)


def logical_lines(text):
    """Lines of text with backslash continuations joined."""
    out, cur = [], ''
    for line in text.split('\n'):
        if line.endswith('\\'):
            cur += line[:-1] + ' '
            continue
        out.append(cur + line)
        cur = ''
    return out


def parse_compat(path, version):
    """The function-like macros compat.h defines for version."""
    macros = {}
    stack = []          # one bool per open #if: is this branch taken
    guard = None
    fallback = None     # NAME of the open '#ifndef NAME'; nothing nests in it
    in_comment = False
    for line in logical_lines(open(path).read()):
        s = line.strip()
        if in_comment:
            in_comment = '*/' not in s
            continue
        if s.startswith('/*'):
            in_comment = '*/' not in s
            continue
        if not s or s.startswith('*') or s.startswith('//'):
            continue
        active = all(stack)
        m = VERSION_IF.match(s)
        if m and fallback:
            die('%s: #if inside the fallback for %s' % (path, fallback))
        if m:
            stack.append(version >= tuple(int(x) for x in m.groups()))
            continue
        if s.startswith('#ifndef') and guard is None and not stack:
            guard = s.split()[1]
            stack.append(True)
            continue
        if s.startswith('#ifndef'):
            if fallback or len(stack) != 1:
                die('%s: "%s" inside another #if' % (path, s))
            stack.append(False)
            fallback = s.split()[1]
            continue
        if s == '#else':
            if not stack or fallback:
                die('%s: #else without #if, or in a fallback' % path)
            stack[-1] = not stack[-1]
            continue
        if s.startswith('#endif'):
            if not stack:
                die('%s: #endif without #if' % path)
            fallback = None
            stack.pop()
            continue
        if s.startswith('#include'):
            continue
        m = re.match(r'^#define\s+([A-Za-z_]\w*)(\(([^)]*)\))?\s*(.*)$', s)
        if not m:
            die('%s: cannot handle "%s"' % (path, s))
        name, params, body = m.group(1), m.group(3), m.group(4).strip()
        if name == guard:
            continue
        if fallback:
            if name != fallback or params is None:
                die('%s: #ifndef %s defines %s' % (path, fallback, name))
            continue
        if params is None:
            die('%s: %s is not a function-like macro' % (path, name))
        if active:
            macros[name] = ([p.strip() for p in params.split(',') if p.strip()],
                            re.sub(r'\s+', ' ', body))
    if stack:
        die('%s: unterminated #if' % path)
    return macros


def split_args(text, start):
    """Arguments of the call whose '(' is at text[start]; and its end."""
    depth, args, cur = 0, [], ''
    i = start
    while i < len(text):
        c = text[i]
        if c == '(':
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif c == ')':
            depth -= 1
            if depth == 0:
                args.append(cur.strip())
                return ([] if args == [''] else args), i + 1
        elif c == ',' and depth == 1:
            args.append(cur.strip())
            cur = ''
            i += 1
            continue
        elif c == '\n':
            die('a macro call spanning lines: %s' % text[start - 40:start + 40])
        cur += c
        i += 1
    die('unbalanced parentheses after %s' % text[start - 40:start])
    return None


def top_level_comma(expr):
    depth = 0
    for c in expr:
        depth += c == '('
        depth -= c == ')'
        if c == ',' and depth == 0:
            return True
    return False


def wholly_parenthesised(expr):
    if not (expr.startswith('(') and expr.endswith(')')):
        return False
    depth = 0
    for i, c in enumerate(expr):
        depth += c == '('
        depth -= c == ')'
        if depth == 0 and i != len(expr) - 1:
            return False
    return True


def expand(params, body, args):
    if len(args) != len(params):
        die('%d arguments for %d parameters in %s' % (len(args), len(params), body))
    # One pass, as cpp does: an argument is never substituted into again.
    value = dict(zip(params, args))
    names = '|'.join(re.escape(p) for p in params) or r'(?!)'

    def sub(m):
        if m.group(1) is not None and SIMPLE.match(value[m.group(1)]):
            return value[m.group(1)]
        name = m.group(1) or m.group(2)
        return ('(%s)' % value[name]) if m.group(1) else value[name]
    out = re.sub(r'\(\s*(%s)\s*\)|\b(%s)\b' % (names, names), sub, body)
    m = re.match(r'^\(\(void\)\s*\(?([^()]*?)\)?\s*,\s*(.*)\)$', out)
    if m and SIMPLE.match(m.group(1)) and not top_level_comma(m.group(2)):
        out = m.group(2)
    return out


def uncompat(path, macros):
    text = open(path).read()
    orig = text
    text = re.sub(r'^#include "compat\.h"\n', '', text, flags=re.M)
    names = '|'.join(sorted(macros, key=len, reverse=True))
    if names:
        pat = re.compile(r'\b(%s)\s*\(' % names)
        while True:
            m = pat.search(text)
            if not m:
                break
            params, body = macros[m.group(1)]
            args, end = split_args(text, m.end() - 1)
            rep = expand(params, body, args)
            before = text[:m.start()].rstrip(' \t')
            after = text[end:].lstrip(' \t')
            if (wholly_parenthesised(rep) and not top_level_comma(rep[1:-1])
                    and before.endswith(('(', ',')) and after.startswith((',', ')'))):
                rep = rep[1:-1]
            text = text[:m.start()] + rep + text[end:]
    old = set(orig.split('\n'))
    for line_no, line in enumerate(text.split('\n'), 1):
        if line not in old and len(line.expandtabs(8)) > 100:
            die('%s:%d: longer than 100 columns after expansion' % (path, line_no))
    if text != orig:
        open(path, 'w').write(text)


def main():
    if len(sys.argv) < 3:
        die('usage: uncompat.py VERSION COMPAT_H FILE...')
    version = tuple(int(x) for x in re.findall(r'\d+', sys.argv[1])[:3])
    version += (0,) * (3 - len(version))
    macros = parse_compat(sys.argv[2], version)
    for path in sys.argv[3:]:
        uncompat(path, macros)
    left = []
    for path in sys.argv[3:]:
        for line_no, line in enumerate(open(path).read().split('\n'), 1):
            if re.search(r'\b(%s)\b' % '|'.join(macros), line) or '"compat.h"' in line:
                left.append('%s:%d: %s' % (path, line_no, line.strip()))
    if left:
        die('compat.h left in use:\n  ' + '\n  '.join(left))


if __name__ == '__main__':
    main()
