#!/usr/bin/env python3
"""tools/stack-depth.py - worst-case stack depth from GCC's call graph.

Usage: stack-depth.py [-v] [--ops STRUCT]... ROOT FILE.ci...

Reads the VCG files that `gcc -fstack-usage -fcallgraph-info=su` writes
(one per object) and prints the deepest path from function ROOT, summing
each function's frame:

    hb_poll 184 bytes: hb_poll 40 > hbi_beat 96 > hb_json_string 48
    external (frame not known, counted as 0): memcpy strlen __aeabi_uldivmod

Calls through a function pointer (the user's callbacks) count as 0, as do
functions whose frame GCC does not know (libc, libgcc): they are listed.

--ops STRUCT follows calls through an operations table: a struct of
function pointers (heartbeat.h's hb_sign_ops, behind hb_signed_beats) with
one constant initializer `struct STRUCT NAME = { fn, fn, ... };` in the
sources. GCC labels each call edge with its source position; an indirect
call whose callee expression there ends in `->FIELD` of STRUCT becomes a
call of the function that the initializer puts in FIELD (wherever GCC
inlined the call site). The edges taken are listed ("through STRUCT:").
A frame marked "dynamic" (alloca, VLA) or a recursive cycle makes the
result unbounded; the script says so and exits 1. Exit 2 on bad usage or
when ROOT is not in the graph. Python 3 standard library only.
"""
import re
import sys

NODE = re.compile(r'node:\s*\{\s*title:\s*"([^"]*)"\s*label:\s*"([^"]*)"')
EDGE = re.compile(r'edge:\s*\{\s*sourcename:\s*"([^"]*)"\s*targetname:\s*"([^"]*)"'
                  r'(?:\s*label:\s*"([^"]*)")?')
LOC = re.compile(r'^(.*):(\d+):(\d+)$')
# a callee expression: NAME or MACRO(args), then ->field / .field steps
CALLEE = re.compile(r'\s*(?:\w+\s*\([^()]*\)|[\w&*]+)((?:\s*(?:->|\.)\s*\w+)*)\s*\(')
FRAME = re.compile(r'\\n(\d+) bytes \(([^)]*)\)')


def load(paths):
    frames, kinds, names, calls, sites = {}, {}, {}, {}, {}
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = NODE.search(line)
                if m:
                    title, label = m.group(1), m.group(2)
                    names[title] = label.split("\\n", 1)[0]
                    fm = FRAME.search(label)
                    if fm:
                        frames[title] = int(fm.group(1))
                        kinds[title] = fm.group(2)
                    continue
                m = EDGE.search(line)
                if m:
                    calls.setdefault(m.group(1), []).append(m.group(2))
                    if m.group(2) == "__indirect_call" and m.group(3):
                        sites.setdefault(m.group(1), []).append(m.group(3))
    # A call to an extern function names it plainly ("hb_json_key"); the
    # definition may live in another .ci: join by the plain name.
    by_name = {}
    for title in frames:
        by_name.setdefault(names[title], title)
    return frames, kinds, names, calls, sites, by_name


def ops_tables(structs, files):
    """{field: function} of each STRUCT's constant initializer in files."""
    out = {}
    for path in files:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        for st in structs:
            body = re.search(r"struct\s+%s\s*\{(.*?)\};" % re.escape(st), text, re.S)
            init = re.search(r"struct\s+%s\s+\w+\s*=\s*\{(.*?)\}\s*;" % re.escape(st),
                             text, re.S)
            if not body or not init:
                continue
            fields = re.findall(r"\(\s*\*\s*(\w+)\s*\)\s*\(", body.group(1))
            fns = [x.strip() for x in re.sub(r"/\*.*?\*/", "", init.group(1), flags=re.S).split(",")
                   if x.strip()]
            if len(fields) != len(fns):
                sys.stderr.write("stack-depth: %s: %d fields, %d in the initializer\n"
                                 % (st, len(fields), len(fns)))
                continue
            for fld, fn in zip(fields, fns):
                out[fld] = (st, fn)
    return out


def site_field(loc, cache):
    """The last ->field of the callee expression at loc (FILE:LINE:COL)."""
    m = LOC.match(loc)
    if not m:
        return None
    path, line, col = m.group(1), int(m.group(2)), int(m.group(3))
    if path not in cache:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                cache[path] = f.read().split("\n")
        except OSError:
            cache[path] = []
    lines = cache[path]
    if line < 1 or line > len(lines):
        return None
    text = " ".join([lines[line - 1][col - 1:]] + lines[line:line + 2])
    c = CALLEE.match(text)
    if not c:
        return None
    steps = re.findall(r"(->|\.)\s*(\w+)", c.group(1))
    return steps[-1][1] if steps and steps[-1][0] == "->" else None


def main(argv):
    verbose = False
    structs = []
    while argv and argv[0] in ("-v", "--ops"):
        if argv[0] == "-v":
            verbose, argv = True, argv[1:]
        elif len(argv) > 1:
            structs.append(argv[1])
            argv = argv[2:]
        else:
            break
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    root, paths = argv[0], argv[1:]
    frames, kinds, names, calls, sites, by_name = load(paths)
    followed = []
    if structs:
        files = sorted({LOC.match(loc).group(1) for locs in sites.values()
                        for loc in locs if LOC.match(loc)})
        table = ops_tables(structs, files)
        if not table:
            sys.stderr.write("stack-depth: no initializer of %s in %s\n"
                             % (" ".join(structs), " ".join(files)))
            return 2
        cache = {}
        for t, locs in sites.items():
            for loc in locs:
                fld = site_field(loc, cache)
                if fld in table and by_name.get(table[fld][1]) is not None:
                    calls.setdefault(t, []).append(by_name[table[fld][1]])
                    followed.append((t, table[fld], loc))
    start = root if root in frames else by_name.get(root)
    if start is None:
        sys.stderr.write("stack-depth: %s not found in %s\n" % (root, " ".join(paths)))
        return 2

    external, dynamic, cycles, memo = set(), set(), [], {}

    def resolve(t):
        if t in frames:
            return t
        return by_name.get(names.get(t, t), by_name.get(t))

    def depth(t, path):
        if t in memo:
            return memo[t]
        if t in path:
            cycles.append(path[path.index(t):] + [t])
            return 0, []
        own = frames[t]
        if "dynamic" in kinds[t] and "bounded" not in kinds[t]:
            dynamic.add(names[t])
        best, best_path = 0, []
        for c in calls.get(t, []):
            if c == "__indirect_call":
                continue
            r = resolve(c)
            if r is None:
                external.add(names.get(c, c))
                continue
            d, p = depth(r, path + [t])
            if d > best:
                best, best_path = d, p
        memo[t] = (own + best, [t] + best_path)
        return memo[t]

    total, path = depth(start, [])
    chain = " > ".join("%s %d" % (names[t], frames[t]) for t in path)
    print("%s %d bytes: %s" % (names[start], total, chain))
    if external:
        print("external (frame not known, counted as 0): " + " ".join(sorted(external)))
    if followed:
        # the calls through the table that ROOT can reach
        seen, todo = set(), [start]
        while todo:
            t = todo.pop()
            if t in seen:
                continue
            seen.add(t)
            todo.extend(r for r in (resolve(c) for c in calls.get(t, [])) if r is not None)
        print("through %s: %s" % (" ".join(structs), " ".join(sorted(
            {"%s->%s" % (names.get(t, t), fn) for t, (st, fn), loc in followed
             if t in seen}))))
    if verbose:
        for t in sorted(frames, key=lambda k: -frames[k]):
            print("  %-40s %5d %s" % (names[t], frames[t], kinds[t]))
    bad = False
    if dynamic:
        print("UNBOUNDED: dynamic frames in " + " ".join(sorted(dynamic)))
        bad = True
    for c in cycles:
        print("UNBOUNDED: recursion " + " > ".join(names.get(t, t) for t in c))
        bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
