#!/usr/bin/env python3
"""proof/cover.py OUT HEADER LIST - the Eva drivers' joint statement coverage.

proof/cover.ml wrote OUT/cover-TAG.txt for each driver: every function of
heartbeat.h, called by that run or not, and each statement of a called one,
reached or not. A statement counts as reached when some driver reached it
(each build's statements are those its preprocessor kept). Every line of
heartbeat.h that holds a statement no driver reaches, and every function
no driver calls, must be in LIST (proof/unreached.txt) under the reason
why; a listed line that some driver now reaches must leave the list.
Writes OUT/unreached.txt (what no driver reaches, with line numbers) and
prints the figures and a RESULT line; exit 1 on a difference."""
import glob
import os
import sys


def load_list(path):
    """LIST: '= reason' lines, then 'function: statement text' lines under
    each (the text as in heartbeat.h, without its indentation); '#' starts
    a comment line."""
    entries = {}
    reason = None
    for n, row in enumerate(open(path, encoding="utf-8"), 1):
        row = row.rstrip("\n")
        if not row.strip() or row.startswith("#"):
            continue
        if row.startswith("="):
            reason = row[1:].strip()
            continue
        fn, sep, text = row.partition(": ")
        if not sep or reason is None:
            sys.exit("%s:%d: expected '= reason' or 'function: text'" % (path, n))
        entries[(fn.strip(), text.strip())] = (reason, n)
    return entries


def main():
    out, header, listing = sys.argv[1], sys.argv[2], sys.argv[3]
    src = open(header, encoding="utf-8", errors="replace").read().split("\n")
    called = {}       # function -> called by some driver
    stmts = {}        # (function, line, col, kind) -> reached by some driver
    drivers = sorted(glob.glob(os.path.join(out, "cover-*.txt")))
    for path in drivers:
        for row in open(path):
            f = row.rstrip("\n").split("\t")
            if f[0] == "F":
                called[f[1]] = called.get(f[1], False) or f[2] == "1"
            elif f[0] == "S" and f[4] != "bl":  # (a block: its statements count)
                k = (f[1], int(f[2]), int(f[3]), f[4])
                stmts[k] = stmts.get(k, False) or f[5] == "1"
    if not drivers or not called:
        print("cover: no coverage written (proof/cover.ml)")
        print("RESULT: 0 passed, 1 failed (joint coverage)")
        return 1
    fns = sorted(k for k, v in called.items() if v)
    keys = [k for k in stmts if called.get(k[0])]
    hit = sum(1 for k in keys if stmts[k])
    missing = {}      # (function, text) -> first line
    with open(os.path.join(out, "unreached.txt"), "w") as w:
        for fn in fns:
            for line in sorted({k[1] for k in keys if k[0] == fn and not stmts[k]}):
                text = src[line - 1].strip()
                w.write("%s\t%d\t%s\n" % (fn, line, text))
                missing.setdefault((fn, text), line)
        for fn in sorted(k for k, v in called.items() if not v):
            w.write("%s\t-\t(not called)\n" % fn)
            missing.setdefault((fn, "(not called)"), 0)
    listed = load_list(listing)

    used = set()
    bad = 0
    for key, line in sorted(missing.items(), key=lambda kv: kv[1]):
        if key in listed:
            used.add(key)
        else:
            bad += 1
            print("cover: NOT LISTED, reached by no driver: %s:%s: %s"
                  % (key[0], line or "-", key[1]))
    for key, (reason, n) in sorted(listed.items(), key=lambda kv: kv[1][1]):
        if key not in used:
            bad += 1
            print("cover: %s:%d: %s: %s is reached now (or gone): take it off the list"
                  % (os.path.basename(listing), n, key[0], key[1]))
    nfn = sum(1 for k in missing if k[1] == "(not called)")
    reasons = {}
    for key in used:
        r = listed[key][0]
        reasons[r] = reasons.get(r, 0) + 1
    print("cover: %d drivers together reach %d of the %d statements (%d%%) of the "
          "%d functions of heartbeat.h they call; %d functions no driver calls"
          % (len(drivers), hit, len(keys), 100 * hit // max(len(keys), 1),
             len(fns), len(called) - len(fns)))
    print("cover: what no driver reaches, %d lines and %d functions, by the reason "
          "proof/unreached.txt gives:" % (len(missing) - nfn, nfn))
    for r, c in sorted(reasons.items(), key=lambda kv: -kv[1]):
        print("  %4d  %s" % (c, r))
    print("RESULT: %d passed, %d failed (joint coverage: every statement reached, "
          "or listed with its reason)" % (0 if bad else 1, bad))
    return 1 if bad else 0


sys.exit(main())
