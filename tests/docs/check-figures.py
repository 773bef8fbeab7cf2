#!/usr/bin/python3
"""tests/docs/check-figures.py BUF_SIZE — the docs-figures step: the figures
the docs quote agree with where they come from, and the docs name only
documents that exist. BUF_SIZE is tests/docs/buf_size.c built (it prints
hb_buf_size and sizeof for the rows asked on stdin).

  1. README quotes: every README code block marked "<!-- quote: FILE -->"
     appears verbatim in FILE (which make test compiles).
  2. docs/porting.md's size table: each row is what hb_buf_size returns for
     that config and token length; its sizeof(hb_service) for x86-64 too
     (also docs/performance.md's), when this host is x86-64.
  3. The README's speed figures against the tables of docs/performance.md
     (`make bench`, `make bench-instr`): instructions per beat and per idle
     hb_poll, the ratios to snprintf and cJSON (round 2), to Go (round 1);
     and performance.md's own derived figures (its round 1 targets table,
     the million-device load) against its tables.
  4. The README's Cortex-M4 size figures against the FOOTPRINT table of
     heartbeat.h (`make size`; the footprint-fresh step keeps that table
     current); the signed beats' text and hb_poll stack quoted in README,
     performance.md and security.md against its "signed beats" rows;
     performance.md's round 6 size breakdowns (core by part, what the
     options add) add up, and their totals are the table's.
  5. No file names a document the repository does not contain: every
     relative markdown link, and every markdown file name or docs/ path
     mentioned in any source or text file, exists.
  6. Every "the manual's NAME section" in README.md and docs/ names a
     section of the manual at the top of heartbeat.h.

A quoted figure may round its source (3.7x quotes 3.72x; 9x quotes 9.06x),
never differ from it. Prints one line a check and
"RESULT: P passed, F failed".
"""
import os
import platform
import re
import subprocess
import sys

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s%s" % (name, (": " + detail) if detail else ""))
    return ok


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def quotes(value_text, source_value):
    """value_text (as the doc writes it, e.g. "3.7" or "9") is source_value
    rounded to the doc's precision."""
    decimals = len(value_text.split(".")[1]) if "." in value_text else 0
    return abs(round(source_value, decimals) - float(value_text)) < 1e-9


def find(pattern, text, what):
    m = re.search(pattern, text, re.S)
    if not m:
        check("found " + what, False, "no match for %r" % pattern)
    return m


README = read("README.md")
PERF = read("docs/performance.md")
PORTING = read("docs/porting.md")
HEADER = read("heartbeat.h")

# ---- 1. README quotes --------------------------------------------------------
nquotes = 0
for m in re.finditer(r"<!-- quote: (\S+) -->\s*```[a-z]*\n(.*?)```", README, re.S):
    path, block = m.group(1), m.group(2)
    nquotes += 1
    try:
        src = read(path)
    except OSError:
        check("README quote from %s" % path, False, "no such file")
        continue
    check("README quote from %s (%d lines) is in the file" % (path, block.count("\n")),
          block in src)
check("README has quoted blocks", nquotes > 0)

# ---- 2. porting.md's size table against hb_buf_size ---------------------------
buf_size = sys.argv[1]
rows = []
in_table = False
prev_opts = None
for line in PORTING.splitlines():
    if line.startswith("| config | token | `hb_buf_size` |"):
        in_table = True
        continue
    if in_table:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        if set(cells[0]) <= set("-"):
            continue
        config, token, size = cells
        if config.startswith("default"):
            opts = "default"
        elif config == "the same":
            opts = prev_opts
        else:
            opts = ",".join(re.findall(r"`([A-Z_]+)`", config))
        prev_opts = opts
        tm = re.search(r"(\d+) bytes", token)
        tok = int(tm.group(1)) if tm else 0
        rows.append((config, token, opts, tok, int(size)))
m = re.search(r'Figures for `device_id = "([^"]+)"`', PORTING)
check("porting.md names the device_id of its size table", m is not None)
device_id = m.group(1) if m else "sensor-0042"
check("porting.md has a size table", len(rows) >= 4, "%d rows" % len(rows))
if rows:
    inp = "".join("%s %s %d\n" % (device_id, r[2], r[3]) for r in rows) + "sizeof hb_service 0\n"
    out = subprocess.run([buf_size], input=inp, capture_output=True, text=True)
    got = out.stdout.split()
    check("buf_size ran", out.returncode == 0 and len(got) == len(rows) + 1,
          out.stderr.strip())
    if len(got) == len(rows) + 1:
        for r, g in zip(rows, got):
            check("porting.md: %s, %s: %d is hb_buf_size" % (r[0], r[1], r[4]),
                  int(g) == r[4], "hb_buf_size returns %s" % g)
        host_sizeof = int(got[-1])
        if platform.machine() in ("x86_64", "AMD64"):
            for name, text in (("porting.md", PORTING), ("performance.md", PERF)):
                for sm in re.finditer(r"`sizeof\(hb_service\)`([^.]*?)(\d+) bytes on x86-64", text):
                    if re.search(r"\bwas\b", sm.group(1)):
                        continue  # the conditions of a past measurement
                    sm = re.match(r"(\d+)", sm.group(2))
                    check("%s: sizeof(hb_service) %s bytes on x86-64" % (name, sm.group(1)),
                          int(sm.group(1)) == host_sizeof, "it is %d" % host_sizeof)

# ---- 2b. porting.md's token arithmetic (base64url without padding) --------------
def b64len(n):
    return (4 * n + 2) // 3


hdr = '{"alg":"ES256","typ":"JWT"}'
m = find(r'header `\{"alg":"ES256","typ":"JWT"\}`: (\d+) bytes, (\d+) characters', PORTING,
         "porting.md: the JWT header")
if m:
    check("porting.md: the JWT header is %s bytes, %s characters" % m.groups(),
          int(m.group(1)) == len(hdr) and int(m.group(2)) == b64len(len(hdr)))
claims0 = '{"iat":1234567890,"exp":1234567890,"aud":""}'
m = find(r"with 10-digit times: (\d+) bytes plus", PORTING, "porting.md: the claims")
if m:
    check("porting.md: the claims are %s bytes plus aud" % m.group(1), int(m.group(1)) == len(claims0))
sig = {"HS256": 32, "ES256": 64, "RS256": 256}
m = find(r"HS256 32 bytes → (\d+) characters, ES256 64 → (\d+), RS256 with a\s+2048-bit key 256 → (\d+) "
         r"\(3072-bit: (\d+), 4096-bit: (\d+)\)", PORTING, "porting.md: the signatures")
if m:
    want = [b64len(n) for n in (32, 64, 256, 384, 512)]
    check("porting.md: signature characters %s" % ", ".join(m.groups()),
          [int(x) for x in m.groups()] == want, "base64url: %r" % want)
m = find(r'With `aud = "([^"]*)"`: HS256 (\d+), ES256 (\d+), RS256-2048 (\d+) characters', PORTING,
         "porting.md: the token lengths")
if m:
    aud = m.group(1)
    body = b64len(len(hdr)) + 1 + b64len(len(claims0) + len(aud)) + 1
    want = {a: body + b64len(n) for a, n in sig.items()}
    got = dict(zip(("HS256", "ES256", "RS256"), (int(x) for x in m.groups()[1:])))
    check("porting.md: token lengths with aud %r are %r" % (aud, got), got == want,
          "computed %r" % want)
    for r in rows:
        for a in sig:
            if a in r[1]:
                check("porting.md table: the %s token is %d bytes" % (a, r[3]), r[3] == want[a],
                      "computed %d" % want[a])

# ---- 3. speed: README and performance.md against performance.md's tables -------
def perf_row(column, input_label="ASCII"):
    """(median, ratio) of a column in table 1 for an input."""
    sect = PERF.split("### 1.")[1].split("###")[0]
    cur = None
    for line in sect.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0]:
            cur = cells[0]
        if cur and cur.startswith(input_label) and column in cells[1]:
            med = float(cells[2].strip("*"))
            ratio = float(cells[5].strip("*×x"))
            return med, ratio
    return None


hb = perf_row("heartbeat.h")
snp = perf_row("snprintf")
cj = perf_row("cJSON")
go = perf_row("Go")
memcpy = perf_row("memcpy")
idle = re.search(r"\| idle `hb_poll` \(nothing due\) \| ([\d.]+) \|", PERF)
gw = re.search(r"\| 10\^6 \| [\d ]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| ([\d.]+) \|", PERF)
gw3 = re.search(r"\| 10\^3 \| [\d ]+ \| ([\d.]+) \|", PERF)
gw6 = re.search(r"\| 10\^6 \| [\d ]+ \| ([\d.]+) \|", PERF)
if check("performance.md has its tables (beat, idle poll, gateway)",
         None not in (hb, snp, cj, go, memcpy, idle, gw, gw3, gw6)):
    load = float(gw.group(1)) * 1e6 / 1e9 * 100  # ns per instance-second x 10^6
    # The README quotes the newest instruction counts, the same-run ratios
    # of the newest whole `make bench` run and round 1's Go ratio.
    def r2(label, col=2):
        mm = re.search(r"^\| %s \| ([^|]*) \| ([^|]*) \| ([^|]*) \|" % re.escape(label), PERF, re.M)
        return mm.group(col).strip().strip("*").replace(" ", "").rstrip("×") if mm else None
    m = find(r"([\d.]+) with SSE2 only", README, "README: ASCII beat with SSE2 only")
    src = r2("instructions, ASCII beat", 3)
    if m and check("performance.md's newest table has an SSE2-only column", src is not None):
        check("README: ASCII beat with SSE2 only %s (performance.md: %s)" % (m.group(1), src),
              quotes(m.group(1), float(src)))
    for pat, label, what in (
            (r"\*\*([\d.]+) instructions\*\* on x86-64", "instructions, ASCII beat", "ASCII beat"),
            (r"([\d.]+) when the id needs\s+every kind of escape", "instructions, hostile beat", "hostile beat"),
            (r"idle `hb_poll` is (\d+) instructions", "instructions, idle `hb_poll` (with the loop)", "idle hb_poll")):
        m = find(pat, README, "README: " + what)
        src = r2(label)
        if m and check("performance.md's round 2 table has %r" % label, src is not None):
            check("README: %s %s (performance.md: %s)" % (what, m.group(1), src),
                  quotes(m.group(1), float(src)))
    # the same-run ratios: the newest whole `make bench` run (round 6's
    # "measured again" table)
    for pat, label, what in (
            (r"\*\*([\d.]+)x faster than hand-written\s+`snprintf`\*\*", "snprintf", "snprintf ratio"),
            (r"\*\*([\d.]+)x faster than cJSON\*\*", "cJSON", "cJSON ratio"),
            (r"\*\*([\d.]+)x faster than the original Go service's `json.Marshal`\*\*",
             "Go `json.Marshal`", "Go ratio")):
        m = find(pat, README, "README: " + what)
        mm = re.search(r"^\| %s against the ASCII beat \| \*\*([\d.]+)×\*\*" % re.escape(label),
                       PERF, re.M)
        if m and check("performance.md has the newest %s ratio" % label, mm is not None):
            check("README: %s %s (performance.md: %s)" % (what, m.group(1), mm.group(1)),
                  quotes(m.group(1), float(mm.group(1))))
    m = find(r"measured ([\d.]+)x\s+faster than the original Go", README, "README: ratio to Go")
    if m:
        check("README: %sx faster than Go (performance.md round 1, gcc: %.2f)" % (m.group(1), go[1]),
              quotes(m.group(1), go[1]))
    m = find(r"beating every second at about (\d+) % load", PERF, "performance.md: the load")
    if m:
        check("performance.md: %s %% load is its 10^6 row (%.1f %%)" % (m.group(1), load),
              quotes(m.group(1), load))
    m = find(r"Go's marshal \| \*\*missed: ([\d.]+)× \(gcc\)", PERF, "performance.md: Go target")
    if m:
        check("performance.md targets: Go %s× is table 1's" % m.group(1), quotes(m.group(1), go[1]))
    m = find(r"faster than snprintf \| met: ([\d.]+)× \(gcc\)", PERF, "performance.md: snprintf target")
    if m:
        check("performance.md targets: snprintf %s× is table 1's" % m.group(1),
              quotes(m.group(1), snp[1]))
    m = find(r"memcpy floor \| \*\*missed: (\d+)×", PERF, "performance.md: memcpy target")
    if m:
        check("performance.md targets: %s× the memcpy floor is table 1's (%.1f)"
              % (m.group(1), hb[0] / memcpy[0]), quotes(m.group(1), hb[0] / memcpy[0]))
    m = find(r"idle `hb_poll` ≤ 3 ns \| met: ([\d.]+) ns \(gcc\)", PERF, "performance.md: idle target")
    if m:
        check("performance.md targets: idle %s ns is table 2's" % m.group(1),
              quotes(m.group(1), float(idle.group(1))))
    m = find(r"flat to 10\^5; \+(\d+) % at 10\^6", PERF, "performance.md: gateway growth")
    if m:
        growth = (float(gw6.group(1)) / float(gw3.group(1)) - 1) * 100
        check("performance.md targets: +%s %% at 10^6 is table 3's (%.1f %%)" % (m.group(1), growth),
              quotes(m.group(1), growth))

# ---- 4. README's Cortex-M4 sizes against the FOOTPRINT table ------------------
# columns: core text, ro, data, bss, +options text, all API text,
# sizeof(hb_service) copy (the default), by ref, sizeof(hb_config), stack
fp = re.search(r"^   Cortex-M4\s+(\d+)\S*\s+\d+\s+\d+\s+\d+\s+(\d+)\S*\s+\d+\S*\s+(\d+)\S*\s+(\d+)\s+\d+\s+(\d+)",
               HEADER, re.M)
if check("heartbeat.h has the FOOTPRINT row for Cortex-M4", fp is not None):
    core, opts, svc, ref, stack = (int(x) for x in fp.groups())
    m = find(r"([\d.]+) KiB of code for the core", README, "README: core KiB")
    if m:
        check("README: core %s KiB (FOOTPRINT: %d bytes)" % (m.group(1), core),
              quotes(m.group(1), core / 1024.0))
    m = find(r"([\d.]+) KiB with every option", README, "README: options KiB")
    if m:
        check("README: every option %s KiB (FOOTPRINT: %d bytes)" % (m.group(1), opts),
              quotes(m.group(1), opts / 1024.0))
    m = find(r"the (\d+)-byte `hb_service`", README, "README: hb_service size")
    if m:
        check("README: %s-byte hb_service (FOOTPRINT: %d)" % (m.group(1), svc),
              int(m.group(1)) == svc)
    m = find(r"\((\d+) bytes with\s+`HEARTBEAT_CONFIG_BY_REF`", README,
             "README: hb_service size by ref")
    if m:
        check("README: %s-byte hb_service by ref (FOOTPRINT: %d)" % (m.group(1), ref),
              int(m.group(1)) == ref)
    m = find(r"at most (\d+) bytes of\s+stack", README, "README: stack")
    if m:
        check("README: %s bytes of stack (FOOTPRINT: %d)" % (m.group(1), stack),
              int(m.group(1)) == stack)
    m = find(r"(\d+) on Cortex-M0, (\d+) on\s+RV32", README, "README: M0 and RV32 stack")
    if m:
        m0 = re.search(r"^   Cortex-M0 .* (\d+)$", HEADER, re.M)
        rv = re.search(r"^   rv32imac .* (\d+)$", HEADER, re.M)
        check("README: stack %s on M0, %s on RV32 (FOOTPRINT: %s, %s)"
              % (m.group(1), m.group(2), m0 and m0.group(1), rv and rv.group(1)),
              m0 is not None and rv is not None and m.groups() == (m0.group(1), rv.group(1)))

# ---- 4b. performance.md's size targets against the FOOTPRINT table ----------
def fp_row(label):
    """(core text, text with every option, sizeof hb_service with
    HEARTBEAT_CONFIG_BY_REF, stack)"""
    m = re.search(r"^   %s\s+(\d+)\s+\d+\s+\d+\s+\d+\s+(\d+)\s+\d+\s+\d+\s+(\d+)\s+\d+\s+(\d+)" % label,
                  HEADER, re.M)
    return tuple(int(x) for x in m.groups()) if m else None


rows = {lab: fp_row(lab) for lab in ("Cortex-M0", "Cortex-M4", "Cortex-M33", "rv32imac")}
if check("heartbeat.h's FOOTPRINT table has all four rows", None not in rows.values()):
    for pat, val, what in (
            (r"on Cortex-M4 \| \*\*missed: (\d+) bytes", rows["Cortex-M4"][0], "M4 core"),
            (r"every option [^|]*Cortex-M4 \| \*\*missed: (\d+) bytes", rows["Cortex-M4"][1],
             "M4 every option"),
            (r"on 32-bit targets \| met: (\d+) bytes with `HEARTBEAT_CONFIG_BY_REF`",
             rows["Cortex-M4"][2], "hb_service by ref"),
            (r"Cortex-M4 and M33 \((\d+) bytes\)", rows["Cortex-M4"][3], "M4 stack"),
            (r"Cortex-M0 \((\d+)\)", rows["Cortex-M0"][3], "M0 stack"),
            (r"rv32imac \((\d+)\)", rows["rv32imac"][3], "rv32 stack")):
        m = find(pat, PERF, "performance.md: " + what)
        if m:
            check("performance.md size targets: %s %s is the FOOTPRINT table's (%d)"
                  % (what, m.group(1), val), int(m.group(1)) == val)
    check("performance.md: the M4 and M33 stack are the same figure",
          rows["Cortex-M4"][3] == rows["Cortex-M33"][3])

# ---- 4d. round 6's size breakdowns: their rows add up, their totals and the
# code-alone figure are the FOOTPRINT table's (make size prints the rows)
def num(text):
    return int(text.replace("\u2009", "").replace(" ", "").replace("\u2212", "-"))


def table_after(title):
    """The rows (label, bytes cell) of the first table after a heading."""
    m = re.search(r"^### " + re.escape(title), PERF, re.M)
    if not m:
        return None
    m = re.search(r"^\|[^\n]*\|\n\|[-|: ]+\|\n((?:\|[^\n]*\|\n)+)", PERF[m.end():], re.M)
    if not m:
        return None
    return [[c.strip() for c in line.strip("|").split("|")]
            for line in m.group(1).splitlines()]


fp4 = re.search(r"^   Cortex-M4\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+(\d+)", HEADER, re.M)
core_rows = table_after("The Cortex-M4 core: ")
opt_rows = table_after("Every option: ")
if check("performance.md has round 6's two size tables",
         core_rows is not None and opt_rows is not None and fp4 is not None):
    core, ro, opts = (int(x) for x in fp4.groups())
    for what, rows6, want in (("core by part", core_rows, core),
                              ("options piece by piece", opt_rows, opts - core)):
        parts = [sum(num(x) for x in re.findall(r"[\u2212\d][\d ]*", r[1].replace("**", "")))
                 for r in rows6 if "total" not in r[0]]
        total = [num(r[1].replace("*", "")) for r in rows6 if "total" in r[0]]
        check("performance.md round 6 %s: the rows add up to the total (%d, %s)"
              % (what, sum(parts), total), total == [sum(parts)])
        check("performance.md round 6 %s: total %s is the FOOTPRINT table's %d"
              % (what, total, want), total == [want])
    m = find(r"the code alone is \*\*([\d ]+) bytes", PERF, "performance.md: the code alone")
    if m:
        check("performance.md: the core's code alone %s is FOOTPRINT's text - ro (%d)"
              % (m.group(1), core - ro), num(m.group(1)) == core - ro)

# ---- 4e. round 6's gateway tables: each ratio and each line cost follow from
# the row's two times and the lines per beat its header names; the first
# table's divisor is what the bench-lines rows at 10^6 give
lines6 = re.search(r"^\| 10\^6 \| harness alone \| [\d.]+ \| [\d.]+ \| ([\d.]+) \|\n"
                   r"\| 10\^6 \| beats \| [\d.]+ \| [\d.]+ \| \*\*([\d.]+)\*\* \|", PERF, re.M)
gwt = []
for m in re.finditer(r"^\|[^\n]*ns per line from DRAM, \(10\^6 − 10\^3\) / ([\d.]+) \|\n"
                     r"\|[-|: ]+\|\n((?:\|[^\n]*\|\n)+)", PERF, re.M):
    rows = re.findall(r"^\| [^|]+ \| ([\d.]+) \| ([\d.]+) \| ([\d.]+)× \| ([\d.]+) \|$",
                      m.group(2), re.M)
    gwt.append((float(m.group(1)), rows))
if check("performance.md round 6: the bench-lines rows at 10^6 and two gateway tables",
         lines6 is not None and len(gwt) >= 2 and all(len(r) >= 2 for _, r in gwt),
         "%d tables" % len(gwt)):
    per_beat = float(lines6.group(2)) - float(lines6.group(1))
    check("performance.md round 6: %.2f lines per beat beyond the harness is the first "
          "gateway table's %.2f" % (per_beat, gwt[0][0]), abs(per_beat - gwt[0][0]) < 1e-9)
    m = find(r"\| lines from DRAM per beat, 10\^6 instances \(`make bench-lines`\) \| "
             r"([\d.]+) \| \*\*([\d.]+)\*\*", PERF, "performance.md: lines before and after")
    if m:
        check("performance.md round 6: lines per beat before %s is the bench-lines table's %s"
              % (m.group(1), lines6.group(2)), m.group(1) == lines6.group(2))
        check("performance.md round 6: the second gateway table's %.2f is %s - %s"
              % (gwt[1][0], m.group(2), lines6.group(1)),
              abs(float(m.group(2)) - float(lines6.group(1)) - gwt[1][0]) < 1e-9)
    for div, rows in gwt:
        for a, b, ratio, line in rows:
            a, b = float(a), float(b)
            check("performance.md round 6 gateway run %s -> %s: ratio %s×, %s ns per line (/ %s)"
                  % (a, b, ratio, line, div),
                  quotes(ratio, b / a) and quotes(line, (b - a) / div))

# ---- 4c. the signed beats' rows of the FOOTPRINT table ----------------------
SECURITY = read("docs/security.md")
sec = re.search(r"signed beats \(tests/embedded/ref_sign\.c\)\n.*?\n((?:   \S.*\n)+)", HEADER)
signed = {}
if sec:
    for line in sec.group(1).splitlines():
        m = re.match(r"   (\S+)\s+(\d+)\s+(\d+)\s+(\d+)$", line)
        if m:
            signed[m.group(1)] = tuple(int(x) for x in m.groups()[1:])
if check("heartbeat.h's FOOTPRINT table has the four signed-beats rows (text, added, stack)",
         all(lab in signed for lab in ("Cortex-M0", "Cortex-M4", "Cortex-M33", "rv32imac")),
         str(signed)):
    m = find(r"with signed beats[^|]*Cortex-M0 \((\d+)\), Cortex-M4 and M33 \((\d+)\), "
             r"rv32imac \((\d+)\)", PERF, "performance.md: the signed beats' stack")
    if m:
        want = (signed["Cortex-M0"][2], signed["Cortex-M4"][2], signed["rv32imac"][2])
        check("performance.md: signed beats' stack M0/M4/rv32 %s is the FOOTPRINT table's %s"
              % ("/".join(m.groups()), "/".join(str(x) for x in want)),
              tuple(int(x) for x in m.groups()) == want
              and signed["Cortex-M4"][2] == signed["Cortex-M33"][2])
    for name, text, pat in (
            ("README", README, r"Signed beats add their code \(about ([\d.]+) KiB\)"),
            ("security.md", SECURITY, r"Naming it adds about ([\d.]+) KiB of text")):
        m = find(pat, text, name + ": the signed beats' code")
        if m:
            check("%s: signed beats add %s KiB (FOOTPRINT: %d bytes on Cortex-M4)"
                  % (name, m.group(1), signed["Cortex-M4"][1]),
                  quotes(m.group(1), signed["Cortex-M4"][1] / 1024.0))
    m = find(r"within 256 bytes of stack on\s+every target \((\d+) on Cortex-M0\)", README,
             "README: the signed beats' stack")
    if m:
        check("README: signed beats' stack %s on Cortex-M0 (FOOTPRINT: %d)"
              % (m.group(1), signed["Cortex-M0"][2]), int(m.group(1)) == signed["Cortex-M0"][2])
    m = find(r"within 256\s+bytes on every target: (\d+) on Cortex-M0, (\d+) on Cortex-M4", SECURITY,
             "security.md: the signed beats' stack")
    if m:
        check("security.md: signed beats' stack %s on M0, %s on M4 (FOOTPRINT: %d, %d)"
              % (m.group(1), m.group(2), signed["Cortex-M0"][2], signed["Cortex-M4"][2]),
              (int(m.group(1)), int(m.group(2))) == (signed["Cortex-M0"][2], signed["Cortex-M4"][2]))
    check("README and security.md: the signed beats keep hb_poll within 256 bytes (every row)",
          all(v[2] <= 256 for v in signed.values()), str(signed))

# ---- 5. no file names a document the repository does not contain ------------
SKIP_DIRS = {".git", "build", "corpus", "node_modules"}
TEXT_EXT = (".md", ".h", ".c", ".py", ".sh", ".mk", ".txt", ".go", ".cmake", ".in",
            ".json", ".yml", ".properties", ".dot")
files = []
for root, dirs, names in os.walk("."):
    dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
    for n in names:
        if n.endswith(TEXT_EXT) or n in ("Makefile", "Kconfig", "CMakeLists.txt", "run"):
            files.append(os.path.normpath(os.path.join(root, n)))
files.append(".ci/run")
link_re = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
name_re = re.compile(r"(?<![\w/.$-])((?:\.\./|[\w.-]+/)*[\w-]+\.md|docs/[\w.-]+\.\w+)(?![\w/])")
# a bare name ("porting.md") may name a document anywhere in the repository
basenames = set()
for root, dirs, names in os.walk("."):
    dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
    basenames.update(names)
bad = []
nrefs = 0
for path in sorted(set(files)):
    try:
        text = read(path)
    except (OSError, UnicodeDecodeError):
        continue
    here = os.path.dirname(path)
    refs = set()
    if path.endswith(".md"):
        for t in link_re.findall(text):
            if re.match(r"[a-z]+:", t) or t.startswith("#"):
                continue
            refs.add(t.split("#")[0])
    for t in name_re.findall(text):
        refs.add(t)
    for t in refs:
        if not t:
            continue
        nrefs += 1
        cands = [os.path.normpath(os.path.join(here, t)), os.path.normpath(t)]
        if "/" not in t and t in basenames:
            continue
        if not any(os.path.exists(c) for c in cands):
            bad.append("%s names %s" % (path, t))
check("the %d document names in %d files all exist" % (nrefs, len(files)), not bad,
      "; ".join(bad[:20]))

# ---- 6. pointers to the manual name sections it has ---------------------------
sections = set(re.findall(r"^   ([A-Z][A-Z0-9 ()_-]+)\n   =+$", HEADER, re.M))
ptrs = []
for path in ["README.md"] + sorted("docs/" + n for n in os.listdir("docs") if n.endswith(".md")):
    for sm in re.finditer(r"manual's ([A-Z][A-Z0-9 ()_-]*[A-Z)])\s+section", read(path)):
        ptrs.append((path, " ".join(sm.group(1).split())))
missing = ["%s: %s" % p for p in ptrs if p[1] not in sections]
check("the %d pointers to a section of the manual name one it has" % len(ptrs),
      sections and not missing, "; ".join(missing))

print("RESULT: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
