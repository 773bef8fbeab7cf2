#!/usr/bin/python3
"""tests/sign/m4-check.py BENCH KEYDIR [SECURITY_MD] — the beats signed on
Cortex-M4 (the output of `m4 bench`, tests/sign/m4_mbedtls.c) checked on the
host, and the instruction counts it measured.

  - every "beat ALG TOKEN" line: PyJWT, jwcrypto and python-jose verify the
    compact JWS with the public key (ES256) or the secret (HS256), and
    reject it under the wrong key (ec2.pub.pem, hs2.key); the header is
    exactly {"alg":..,"typ":"hb+jwt","kid":"dev-7-hb"}; an HS256 signature
    is byte for byte the host's HMAC-SHA-256 of the signing input;
  - the counts: each present and above zero, a whole signed beat costs at
    least its signature, a signed beat more than an unsigned one;
  - SECURITY_MD (docs/security.md) quotes the measured sign and verify
    counts in its Cortex-M4 table to within 5 % (the signer's and the
    verifier's code is mbedTLS's; the beat rows move with heartbeat.h and
    are not compared).
The beats carry a fixed clock (iat 1800000000), so the date claims are not
checked here; tests/sign/verify.py checks them with the M4 as its emitter.

m4-check.py --table BENCH prints only the table of counts (make
bench-sign-m4). Prints "RESULT: P passed, F failed"; exit 1 on failure.
"""
import hashlib
import hmac
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jose3 import VERIFIERS_ANY_TIME as VERIFIERS  # noqa: E402
from jose3 import Tally, b64d, read_key  # noqa: E402

T = Tally()
check = T.check


def counts(text):
    c = {}
    for m in re.finditer(r"^count (\S+) (?:(ES256|HS256|unsigned) )?(\d+)$", text, re.M):
        c[(m.group(1), m.group(2) or "")] = int(m.group(3))
    return c


def fmt(n):
    return "{:,}".format(n).replace(",", " ")


ROWS = [  # (key, label)
    ("sign", "sign (`hb_jwt_sign_beat`)"),
    ("sign_first", "first sign after `hb_jwt_signer_init`"),
    ("verify", "verify on the device (`hb_jwt_verify_beat`)"),
    ("beat", "whole signed beat (`hb_beat_now`)"),
]


def table(c):
    out = ["| Cortex-M4 instructions per beat | ES256 | HS256 |", "|---|---:|---:|"]
    for key, label in ROWS:
        out.append("| %s | %s | %s |" % (label, fmt(c.get((key, "ES256"), 0)),
                                         fmt(c.get((key, "HS256"), 0))))
    u = c.get(("beat", "unsigned"), 0)
    out.append("| unsigned Go-format beat, for comparison | %s | %s |" % (fmt(u), fmt(u)))
    out.append("")
    out.append("key set-up (hb_jwt_signer_init): ES256 %s, HS256 %s; "
               "of the ES256 verify, parsing the public key: %s"
               % (fmt(c.get(("signer_init", "ES256"), 0)),
                  fmt(c.get(("signer_init", "HS256"), 0)),
                  fmt(c.get(("pubkey_parse", "ES256"), 0))))
    return "\n".join(out)


if len(sys.argv) == 3 and sys.argv[1] == "--table":
    with open(sys.argv[2]) as f:
        print(table(counts(f.read())))
    sys.exit(0)

try:
    import jose.jws  # noqa: F401 (used through jose3)
    import jwcrypto.jws  # noqa: F401
    import jwt  # noqa: F401
except ImportError as e:
    print("missing Python package (%s): apt-get install python3-jwt "
          "python3-jwcrypto python3-jose" % e)
    sys.exit(77)

BENCH, KEYS = sys.argv[1], sys.argv[2]
DOC = sys.argv[3] if len(sys.argv) > 3 else None
with open(BENCH) as f:
    text = f.read()


def read(name):
    return read_key(KEYS, name)


KEY = {"ES256": (read("ec.pub.pem"), read("ec2.pub.pem")),
       "HS256": (read("hs.key"), read("hs2.key"))}

beats = re.findall(r"^beat (ES256|HS256) (\S+)$", text, re.M)
for alg in ("ES256", "HS256"):
    check("%s: the M4 printed 5 beats" % alg, sum(1 for a, _ in beats if a == alg) == 5)
for i, (alg, tok) in enumerate(beats):
    good, wrong = KEY[alg]
    name = "%s beat %d" % (alg, i % 5)
    h, p, s = tok.split(".")
    want = ('{"alg":"%s","typ":"hb+jwt","kid":"dev-7-hb"}' % alg).encode()
    check(name + ": header exact bytes", b64d(h) == want, repr(b64d(h)))
    for vname, fn in VERIFIERS:
        try:
            claims = fn(tok, good, alg)
            check("%s: %s verifies" % (name, vname), claims.get("seq") == i % 5, str(claims))
        except Exception as e:  # noqa: BLE001 - any failure is the finding
            check("%s: %s verifies" % (name, vname), False, repr(e))
        try:
            fn(tok, wrong, alg)
            check("%s: %s rejects the wrong key" % (name, vname), False, "accepted")
        except Exception:  # noqa: BLE001
            check("%s: %s rejects the wrong key" % (name, vname), True)
    if alg == "HS256":
        mac = hmac.new(good, (h + "." + p).encode(), hashlib.sha256).digest()
        check(name + ": the signature is the host's HMAC-SHA-256, byte for byte",
              b64d(s) == mac, b64d(s).hex() + " != " + mac.hex())

c = counts(text)
for alg in ("ES256", "HS256"):
    for key in ("signer_init", "sign_first", "sign", "verify", "beat_first", "beat"):
        check("count %s %s measured" % (key, alg), c.get((key, alg), 0) > 0)
    check("%s: a whole signed beat costs at least its signature" % alg,
          c.get(("beat", alg), 0) > c.get(("sign", alg), 0)
          and c.get(("beat_first", alg), 0) > c.get(("sign_first", alg), 0))
    check("%s: a signed beat costs more than an unsigned one" % alg,
          c.get(("beat", alg), 0) > c.get(("beat", "unsigned"), 1 << 62))
print(table(c))

if DOC:
    with open(DOC, encoding="utf-8") as f:
        doc = f.read()
    m = re.search(r"^\| Cortex-M4 instructions per beat \| ES256 \| HS256 \|\n\|[-:|]+\|\n"
                  r"((?:\|.*\|\n)+)", doc, re.M)
    check(DOC + ": has the Cortex-M4 instruction table", m is not None)
    if m:
        rows = {}
        for line in m.group(1).splitlines():
            cells = [x.strip() for x in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
        for key, label in ROWS[:3]:
            for col, alg in enumerate(("ES256", "HS256")):
                got = c.get((key, alg), 0)
                try:
                    quoted = int(rows[label][col].replace(" ", "").replace("\u202f", ""))
                except (KeyError, IndexError, ValueError):
                    quoted = -1
                check("%s: %s %s quoted %s, measured %s (within 5 %%)"
                      % (DOC, label, alg, fmt(quoted), fmt(got)),
                      got > 0 and abs(quoted - got) <= got * 0.05)
T.finish()
