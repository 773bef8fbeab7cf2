#!/usr/bin/python3
"""tests/jwt/verify.py EMIT KEYDIR — check the built-in signer's tokens with an
independent verifier: PyJWT (Debian's python3-jwt) over python3-cryptography.

For every algorithm and key format, a token from EMIT (build/jwt_emit) must
verify: signature, header {"alg":..,"typ":"JWT"}, "aud", exp - iat ==
lifetime, iat close to now, base64url without padding. Then the same
verifier must REJECT tampered claims, a flipped signature bit, the wrong
key, the wrong audience, an expired token, alg "none", and an ES256
signature re-encoded as DER (the classic bug) — proving each check can fail.
Prints "RESULT: P passed, F failed"; exit 1 on any failure.
"""
import json
import os
import subprocess
import sys
import time

# python3-jwt and python3-cryptography: the step asks tests/need.sh (pyjwt).
import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "sign"))
from jose3 import Tally, b64d, b64e  # noqa: E402

EMIT, KEYS = sys.argv[1], sys.argv[2]
AUD = "hb-test-audience"
T = Tally()
check = T.check


def emit(alg, keyfile, lifetime=600, *opts):
    r = subprocess.run([EMIT, alg, os.path.join(KEYS, keyfile), AUD, str(lifetime)]
                       + list(opts), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("emit failed: " + r.stderr.strip())
    return r.stdout.strip()


def pubkey(alg, name):
    with open(os.path.join(KEYS, name), "rb") as f:
        return f.read()


def decode(tok, alg, key, aud=AUD):
    return jwt.decode(tok, key, algorithms=[alg], audience=aud,
                      options={"require": ["exp", "iat", "aud"]})


def rejects(name, fn, exc):
    try:
        fn()
    except exc:
        check(name, True)
    except Exception as e:  # a different failure is not the check we want
        check(name, False, "raised %s: %s" % (type(e).__name__, e))
    else:
        check(name, False, "the verifier ACCEPTED it")


PUB = {"HS256": "hs.key", "RS256": "rsa.pub.pem", "ES256": "ec.pub.pem"}
WRONG = {"HS256": "hs2.key", "RS256": "rsa2.pub.pem", "ES256": "ec2.pub.pem"}
CASES = [
    ("HS256", "hs.key", "hs.key"), ("HS256", "hslong.key", "hslong.key"),
    ("RS256", "rsa.p8.pem", "rsa.pub.pem"), ("RS256", "rsa.p8.der", "rsa.pub.pem"),
    ("RS256", "rsa.p1.pem", "rsa.pub.pem"), ("RS256", "rsa.p1.der", "rsa.pub.pem"),
    ("RS256", "rsa4096.p1.pem", "rsa4096.pub.pem"),
    ("ES256", "ec.p8.pem", "ec.pub.pem"), ("ES256", "ec.p8.der", "ec.pub.pem"),
    ("ES256", "ec.sec1.pem", "ec.pub.pem"), ("ES256", "ec.sec1.der", "ec.pub.pem"),
]

# ---- every algorithm and key format verifies ----
for alg, keyfile, pub in CASES:
    name = "%s %s" % (alg, keyfile)
    try:
        tok = emit(alg, keyfile, 600)
        claims = decode(tok, alg, pubkey(alg, pub))
        hdr = jwt.get_unverified_header(tok)
        parts = tok.split(".")
        shape = (len(parts) == 3 and "=" not in tok and "+" not in tok and "/" not in tok)
        check(name + ": verifies", True)
        check(name + ": header", hdr == {"alg": alg, "typ": "JWT"}, repr(hdr))
        check(name + ": exp - iat == lifetime", claims["exp"] - claims["iat"] == 600,
              repr(claims))
        check(name + ": iat is now", abs(claims["iat"] - time.time()) <= 5, repr(claims))
        check(name + ": aud", claims["aud"] == AUD, repr(claims))
        check(name + ": base64url, no padding", shape, tok)
        if alg == "ES256":
            check(name + ": raw r||s is 64 bytes", len(b64d(parts[2])) == 64)
    except Exception as e:
        check(name + ": verifies", False, "%s: %s" % (type(e).__name__, e))

# options: iss, sub, jti; RS256 and ES256 with the internal blinding generator
for alg, keyfile in (("HS256", "hs.key"), ("RS256", "rsa.p8.pem"), ("ES256", "ec.p8.pem")):
    name = alg + " with iss/sub/jti"
    try:
        tok = emit(alg, keyfile, 3600, "-i", "issuer-1", "-s", "dev <42>", "-j")
        c = jwt.decode(tok, pubkey(alg, PUB[alg]), algorithms=[alg], audience=AUD,
                       issuer="issuer-1")
        check(name, c["sub"] == "dev <42>" and len(c["jti"]) == 22
              and c["exp"] - c["iat"] == 3600, repr(c))
    except Exception as e:
        check(name, False, "%s: %s" % (type(e).__name__, e))
for alg, keyfile in (("ES256", "ec.sec1.pem"), ("RS256", "rsa.p8.pem")):
    name = alg + " without rng (internal blinding) verifies"
    try:
        tok = emit(alg, keyfile, 600, "-n")
        decode(tok, alg, pubkey(alg, PUB[alg]))
        check(name, True)
    except Exception as e:
        check(name, False, str(e))

# ---- the same verifier must reject what is wrong ----
for alg, keyfile in (("HS256", "hs.key"), ("RS256", "rsa.p8.pem"), ("ES256", "ec.p8.pem")):
    key = pubkey(alg, PUB[alg])
    tok = emit(alg, keyfile, 600)
    h, c, s = tok.split(".")
    claims = json.loads(b64d(c))
    claims["aud"] = "attacker"
    forged = h + "." + b64e(json.dumps(claims, separators=(",", ":")).encode()) + "." + s
    rejects(alg + ": tampered claims rejected",
            lambda: decode(forged, alg, key, "attacker"), jwt.InvalidSignatureError)
    sig = bytearray(b64d(s))
    sig[len(sig) // 2] ^= 0x01
    flipped = h + "." + c + "." + b64e(bytes(sig))
    rejects(alg + ": flipped signature bit rejected",
            lambda: decode(flipped, alg, key), jwt.InvalidSignatureError)
    rejects(alg + ": wrong key rejected",
            lambda: decode(tok, alg, pubkey(alg, WRONG[alg])), jwt.InvalidSignatureError)
    rejects(alg + ": wrong audience rejected",
            lambda: decode(tok, alg, key, "someone-else"), jwt.InvalidAudienceError)
    old = emit(alg, keyfile, 600, "-o", "-7200")
    rejects(alg + ": expired token rejected",
            lambda: decode(old, alg, key), jwt.ExpiredSignatureError)
    none = b64e(b'{"alg":"none","typ":"JWT"}') + "." + c + "."
    rejects(alg + ": alg none rejected",
            lambda: decode(none, alg, key), jwt.InvalidAlgorithmError)

# ES256 with the signature as DER (what mbedtls_pk_sign returns): the same
# r and s, which `cryptography` accepts in DER form, must fail as a JWS.
tok = emit("ES256", "ec.p8.pem", 600)
h, c, s = tok.split(".")
raw = b64d(s)
der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
pub = serialization.load_pem_public_key(pubkey("ES256", "ec.pub.pem"))
try:
    pub.verify(der, (h + "." + c).encode(), ec.ECDSA(hashes.SHA256()))
    check("ES256: the DER form of the signature is itself valid ECDSA", True)
except Exception as e:
    check("ES256: the DER form of the signature is itself valid ECDSA", False, str(e))
rejects("ES256: DER-encoded signature rejected as a JWS",
        lambda: decode(h + "." + c + "." + b64e(der), "ES256", pub), jwt.InvalidSignatureError)
# and an RS256 token is not an ES256 one (algorithm confusion)
rs = emit("RS256", "rsa.p8.pem", 600)
rejects("RS256 token refused where ES256 is required",
        lambda: decode(rs, "ES256", pubkey("ES256", "ec.pub.pem")), jwt.InvalidAlgorithmError)

T.finish()
