#!/usr/bin/env python3
"""tools/stack-depth.py - worst-case stack depth from GCC's call graph.

Usage: stack-depth.py [-v] ROOT FILE.ci...

Reads the VCG files that `gcc -fstack-usage -fcallgraph-info=su` writes
(one per object) and prints the deepest path from function ROOT, summing
each function's frame:

    hb_poll 184 bytes: hb_poll 40 > hbi_beat 96 > hb_json_string 48
    external (frame not known, counted as 0): memcpy strlen __aeabi_uldivmod

Calls through a function pointer (the user's callbacks) count as 0, as do
functions whose frame GCC does not know (libc, libgcc): they are listed.
A frame marked "dynamic" (alloca, VLA) or a recursive cycle makes the
result unbounded; the script says so and exits 1. Exit 2 on bad usage or
when ROOT is not in the graph. Python 3 standard library only.
"""
import re
import sys

NODE = re.compile(r'node:\s*\{\s*title:\s*"([^"]*)"\s*label:\s*"([^"]*)"')
EDGE = re.compile(r'edge:\s*\{\s*sourcename:\s*"([^"]*)"\s*targetname:\s*"([^"]*)"')
FRAME = re.compile(r'\\n(\d+) bytes \(([^)]*)\)')


def load(paths):
    frames, kinds, names, calls = {}, {}, {}, {}
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
    # A call to an extern function names it plainly ("hb_json_key"); the
    # definition may live in another .ci: join by the plain name.
    by_name = {}
    for title in frames:
        by_name.setdefault(names[title], title)
    return frames, kinds, names, calls, by_name


def main(argv):
    verbose = False
    if argv and argv[0] == "-v":
        verbose, argv = True, argv[1:]
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    root, paths = argv[0], argv[1:]
    frames, kinds, names, calls, by_name = load(paths)
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
