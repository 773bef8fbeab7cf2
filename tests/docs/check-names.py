#!/usr/bin/python3
"""tests/docs/check-names.py - every identifier of the library that the
documentation names (hb_*, HB_*, HEARTBEAT_*) exists in heartbeat.h, so the
docs cannot drift from the code unnoticed. A name ending in "_" or written
with "*" (HB_ERR_*, hb_json_*) must be the prefix of at least one name.

Reads docs/*.md, docs/design.dot and README.md (if present).
Prints one line per file and "RESULT: P passed, F failed".
"""
import glob
import os
import re
import sys

# A file name such as hb_example.h or hb-paho.c is not an identifier.
NAME = re.compile(r"\b(?:hb|HB|HEARTBEAT)_[A-Za-z0-9_]*(?![A-Za-z0-9_])\*?(?!\.[ch]\b)")

with open("heartbeat.h", encoding="utf-8") as f:
    header = f.read()
known = set(re.findall(r"\b(?:hb|HB|HEARTBEAT)_[A-Za-z0-9_]*", header))

files = sorted(glob.glob("docs/*.md")) + ["docs/design.dot"]
if os.path.exists("README.md"):
    files.append("README.md")

passed = failed = 0
for path in files:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    missing = set()
    for m in NAME.finditer(text):
        name = m.group(0)
        if name.endswith("*") or name.endswith("_"):
            prefix = name.rstrip("*")
            if not any(k.startswith(prefix) for k in known):
                missing.add(name)
        elif name not in known:
            missing.add(name)
    if missing:
        failed += 1
        print("FAIL %s names what heartbeat.h does not have: %s"
              % (path, ", ".join(sorted(missing))))
    else:
        passed += 1
        print("ok   %s" % path)

print("RESULT: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
