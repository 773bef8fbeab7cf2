#!/usr/bin/env python3
"""tools/footprint.py FOOTPRINT_TXT [--check] — put `make size`'s table into
heartbeat.h's FOOTPRINT section (from "make size:" to the line that ends
the table's notes, "unbounded stack."), or with --check only say whether
it is up to date (exit 1 if not). `make footprint` rewrites it; `make test` checks it."""
import sys

def main():
    table = open(sys.argv[1]).read().rstrip("\n").split("\n")
    check = "--check" in sys.argv
    src = open("heartbeat.h").read().split("\n")
    try:
        a = next(i for i, l in enumerate(src) if l.startswith("   make size:"))
        b = next(i for i in range(a, len(src))
                 if src[i].startswith("   unbounded stack.")
                 or src[i].startswith("   ! marks"))  # the old layout
        if src[b].startswith("   ! marks"):
            b += 1
    except StopIteration:
        print("footprint: no table in heartbeat.h's FOOTPRINT section")
        return 1
    new = [("   " + l).rstrip() for l in table]
    if src[a:b + 1] == new:
        print("footprint: heartbeat.h's FOOTPRINT table matches make size")
        return 0
    if check:
        print("footprint: heartbeat.h's FOOTPRINT table differs from make size; run make footprint")
        for l in new:
            print("  " + l)
        return 1
    src[a:b + 1] = new
    open("heartbeat.h", "w").write("\n".join(src))
    print("footprint: heartbeat.h updated")
    return 0

sys.exit(main())
