#!/bin/sh
# tests/readme_quotes.sh — every README code block marked
# "<!-- quote: FILE -->" must appear verbatim in FILE (which make test
# compiles), so the README cannot drift from code that builds.
/usr/bin/env python3 - "$@" <<'PY'
import re, sys
text = open("README.md", encoding="utf-8").read()
ok = bad = 0
for m in re.finditer(r"<!-- quote: (\S+) -->\s*```[a-z]*\n(.*?)```", text, re.S):
    path, block = m.group(1), m.group(2)
    try:
        src = open(path, encoding="utf-8").read()
    except OSError:
        print(f"FAIL {path}: no such file"); bad += 1; continue
    if block in src:
        print(f"ok   README quote from {path} ({block.count(chr(10))} lines)"); ok += 1
    else:
        print(f"FAIL README quote from {path} is not in the file"); bad += 1
if ok + bad == 0:
    print("FAIL no quoted blocks found"); bad = 1
print(f"RESULT: {ok} passed, {bad} failed")
sys.exit(1 if bad else 0)
PY
