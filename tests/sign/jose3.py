"""What the JOSE test scripts share (tests/jwt/verify.py, tests/sign/verify.py,
tests/sign/examples.py, tests/sign/m4-check.py): the ok/FAIL tally and its
closing line "RESULT: P passed, F failed", base64url without padding, key
files, and the three independent verifiers of a compact JWS: PyJWT
(python3-jwt), python-jose (python3-jose) and jwcrypto (python3-jwcrypto).
The libraries are imported when a verifier is first used, so a script that
needs only PyJWT does not need the other two."""
import base64
import json
import os
import sys


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, why=""):
        if ok:
            self.passed += 1
            print("ok   " + name)
        else:
            self.failed += 1
            print("FAIL %s: %s" % (name, why))
        return ok

    def finish(self):
        """Print the closing line and exit: 1 on any failure."""
        print("RESULT: %d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def read_key(keydir, name):
    with open(os.path.join(keydir, name), "rb") as f:
        return f.read()


def v_pyjwt(tok, key, alg, check_times=True):
    import jwt
    opts = {} if check_times else {"verify_exp": False, "verify_iat": False}
    return jwt.decode(tok, key, algorithms=[alg], options=opts)


def v_jose(tok, key, alg):
    from jose import jws
    return json.loads(jws.verify(tok, key, [alg]))


def jc_key(key, alg):
    from jwcrypto import jwk
    if alg == "HS256":
        return jwk.JWK(kty="oct", k=b64e(key))
    return jwk.JWK.from_pem(key)


def v_jwcrypto(tok, key, alg):
    from jwcrypto import jws
    o = jws.JWS()
    o.deserialize(tok)
    o.verify(jc_key(key, alg), alg)
    return json.loads(o.payload)


VERIFIERS = [("PyJWT", v_pyjwt), ("python-jose", v_jose),
             ("jwcrypto", v_jwcrypto)]
# the same, with PyJWT not judging iat and exp (beats from a fixed clock)
VERIFIERS_ANY_TIME = [("PyJWT", lambda t, k, a: v_pyjwt(t, k, a, False)),
                      ("python-jose", v_jose), ("jwcrypto", v_jwcrypto)]
