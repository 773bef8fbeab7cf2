#!/usr/bin/python3
"""tests/sign/verify.py EMIT KEYDIR — signed beats ("hb+jwt") checked by three
independent JOSE libraries: PyJWT (python3-jwt), jwcrypto (python3-jwcrypto)
and python-jose (python3-jose).

EMIT (build/sign_emit) runs the service with the mbedTLS beat signer and
prints its beats. For ES256 and HS256:
  - carrier A: every library verifies the compact JWS exactly as published;
  - carrier B: every library verifies it after the payload is reattached
    (header "." BASE64URL(payload) "." signature), so a bridge can turn B
    into A without the key;
  - the header is exactly {"alg":..,"typ":"hb+jwt","kid":..}; the claims
    have no jwt_token and no aud, and carry seq, boot_id (16 hex digits,
    one per run), uptime_ms, interval_ms, iat and exp = iat + 90
    (ceil(1.5 * 60 s));
  - every library REJECTS tampered claims, a tampered header, a flipped
    signature bit and the wrong key;
  - the backend check `hb_verify` (signature AND typ == "hb+jwt") rejects a
    correctly signed token of another typ, and a login verifier that
    requires an audience rejects a heartbeat: each check can fail.
Prints "RESULT: P passed, F failed"; exit 1 on any failure.
"""
import json
import os
import re
import subprocess
import sys

try:
    import jwt as pyjwt
    import jose.jws  # noqa: F401 (jose3 uses it)
    import jwcrypto.jws  # noqa: F401 (jose3 uses it)
except ImportError as e:
    print("missing Python package (%s): apt-get install python3-jwt "
          "python3-jwcrypto python3-jose" % e)
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jose3 import VERIFIERS, Tally, b64d, b64e, read_key, v_pyjwt  # noqa: E402

EMIT, KEYS = sys.argv[1], sys.argv[2]
KID = "dev-7-hb"
T = Tally()
check = T.check


def read(name):
    return read_key(KEYS, name)


def emit(alg, keyfile, carrier, count):
    r = subprocess.run([EMIT, alg, os.path.join(KEYS, keyfile), carrier,
                        str(count), KID], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("emit failed: " + r.stderr.strip())
    return [line.split("\t") for line in r.stdout.splitlines()]



def accepts(fn, tok, key, alg):
    try:
        fn(tok, key, alg)
        return True
    except Exception:
        return False


def hb_verify(tok, key, alg):
    """What a backend must do: the signature, then the explicit type
    (RFC 8725 3.11), so no other JWT signed by the same key passes."""
    claims = pyjwt.decode(tok, key, algorithms=[alg])
    if pyjwt.get_unverified_header(tok).get("typ") != "hb+jwt":
        raise ValueError("typ is not hb+jwt")
    return claims


def tamper_claims(tok):
    h, p, s = tok.split(".")
    c = json.loads(b64d(p))
    c["seq"] = c["seq"] + 1000
    return h + "." + b64e(json.dumps(c, separators=(",", ":")).encode()) + "." + s


def tamper_header(tok):
    h, p, s = tok.split(".")
    hdr = b64d(h).replace(KID.encode(), b"other-kid")
    return b64e(hdr) + "." + p + "." + s


def flip_sig(tok):
    h, p, s = tok.split(".")
    raw = bytearray(b64d(s))
    raw[7] ^= 1
    return h + "." + p + "." + b64e(bytes(raw))


def check_claims(name, claims, seq, boot):
    check(name + ": no jwt_token, no aud",
          "jwt_token" not in claims and "aud" not in claims, str(claims))
    check(name + ": seq %d" % seq, claims.get("seq") == seq, str(claims))
    check(name + ": boot_id 16 hex, same in one run",
          re.fullmatch(r"[0-9a-f]{16}", str(claims.get("boot_id"))) is not None
          and (boot is None or claims["boot_id"] == boot), str(claims))
    check(name + ": uptime_ms, interval_ms",
          claims.get("uptime_ms") == seq * 60000
          and claims.get("interval_ms") == 60000, str(claims))
    check(name + ": exp = iat + ceil(1.5 * 60)",
          isinstance(claims.get("iat"), int)
          and claims.get("exp") == claims["iat"] + 90, str(claims))
    keys = list(claims)
    check(name + ": the beat's field order, iat/exp last",
          keys == ["device_id", "timestamp", "status", "seq", "boot_id",
                   "uptime_ms", "interval_ms", "iat", "exp"], str(keys))


def run(alg, priv, pub, wrong_pub, resign_key):
    # ---- carrier A ----
    beats = emit(alg, priv, "A", 3)
    check(alg + " A: 3 beats", len(beats) == 3 and all(b[0] == "A" for b in beats),
          str(beats))
    boot = None
    for i, b in enumerate(beats):
        tok = b[1]
        hdr = b64d(tok.split(".")[0])
        want = ('{"alg":"%s","typ":"hb+jwt","kid":"%s"}' % (alg, KID)).encode()
        check("%s A#%d: header exact bytes" % (alg, i), hdr == want, repr(hdr))
        check("%s A#%d: no padding" % (alg, i), "=" not in tok)
        for vname, fn in VERIFIERS:
            try:
                claims = fn(tok, pub, alg)
                check("%s A#%d: %s verifies" % (alg, i, vname), True)
            except Exception as e:
                check("%s A#%d: %s verifies" % (alg, i, vname), False, repr(e))
                continue
        claims = v_pyjwt(tok, pub, alg)
        check_claims("%s A#%d" % (alg, i), claims, i, boot)
        boot = claims["boot_id"]
    tok = beats[0][1]
    for vname, fn in VERIFIERS:
        check("%s A: %s rejects tampered claims" % (alg, vname),
              not accepts(fn, tamper_claims(tok), pub, alg))
        check("%s A: %s rejects a tampered header" % (alg, vname),
              not accepts(fn, tamper_header(tok), pub, alg))
        check("%s A: %s rejects a flipped signature bit" % (alg, vname),
              not accepts(fn, flip_sig(tok), pub, alg))
        check("%s A: %s rejects the wrong key" % (alg, vname),
              not accepts(fn, tok, wrong_pub, alg))
    other = emit(alg, priv, "A", 1)[0][1]
    check(alg + ": a new run has a new boot_id",
          v_pyjwt(other, pub, alg)["boot_id"] != boot)

    # ---- typ: the backend check, and a login verifier ----
    check(alg + ": hb_verify accepts the beat", accepts(hb_verify, tok, pub, alg))
    claims = v_pyjwt(tok, pub, alg)
    same_key_jwt = pyjwt.encode(claims, resign_key, algorithm=alg,
                                headers={"typ": "JWT", "kid": KID})
    check(alg + ": a validly signed typ JWT passes the signature check",
          accepts(v_pyjwt, same_key_jwt, pub, alg))
    check(alg + ": hb_verify rejects it (typ checked)",
          not accepts(hb_verify, same_key_jwt, pub, alg))
    try:
        pyjwt.decode(tok, pub, algorithms=[alg], audience="mqtt-broker")
        check(alg + ": a login verifier (aud required) rejects a beat", False,
              "accepted")
    except pyjwt.exceptions.InvalidTokenError:
        check(alg + ": a login verifier (aud required) rejects a beat", True)

    # ---- carrier B ----
    beats = emit(alg, priv, "B", 2)
    check(alg + " B: 2 beats", len(beats) == 2 and all(b[0] == "B" for b in beats),
          str(beats))
    for i, b in enumerate(beats):
        payload, det = b[1], b[2]
        h, mid, s = det.split(".")
        check("%s B#%d: detached form h..s" % (alg, i), mid == "" and h and s, det)
        check("%s B#%d: payload is the JSON claims" % (alg, i),
              json.loads(payload).get("seq") == i, payload)
        tok = h + "." + b64e(payload.encode()) + "." + s
        for vname, fn in VERIFIERS:
            try:
                c = fn(tok, pub, alg)
                check("%s B#%d: %s verifies (reattached)" % (alg, i, vname),
                      c == json.loads(payload), str(c))
            except Exception as e:
                check("%s B#%d: %s verifies (reattached)" % (alg, i, vname),
                      False, repr(e))
        check_claims("%s B#%d" % (alg, i), json.loads(payload), i, None)
        bad = payload.replace('"status":"alive"', '"status":"dead!"')
        badtok = h + "." + b64e(bad.encode()) + "." + s
        for vname, fn in VERIFIERS:
            check("%s B#%d: %s rejects a tampered payload" % (alg, i, vname),
                  bad != payload and not accepts(fn, badtok, pub, alg))
            check("%s B#%d: %s rejects the wrong key" % (alg, i, vname),
                  not accepts(fn, tok, wrong_pub, alg))


run("ES256", "ec.p8.pem", read("ec.pub.pem"), read("ec2.pub.pem"),
    read("ec.p8.pem"))
run("HS256", "hs.key", read("hs.key"), read("hs2.key"), read("hs.key"))
T.finish()
