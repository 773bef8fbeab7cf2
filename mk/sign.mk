# Signed beats (cfg.sign_alg, profile "hb+jwt"): the per-beat JWS in its two
# carriers. SUITE(sign) is in the unit binary (mock signer) and in
# build/test_jwt (the mbedTLS beat signer, see mk/jwt.mk).
#
#   make bench-sign    ns per sign and per verify, HS256 and ES256 (mbedTLS,
#                      x86), and Cortex-M4 instruction counts under qemu
#
# Steps of `make test`:
#   sign-verify   beats from the service checked by PyJWT, jwcrypto and
#                 python-jose (carrier A as published, carrier B with the
#                 payload reattached); tampered claims/headers, wrong keys
#                 and a wrong typ rejected

SIGN_LIBS ?= $(JWT_LIBS)

$(BUILD)/sign_emit: tests/sign/emit.c $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -D_POSIX_C_SOURCE=200809L -DHEARTBEAT_MBEDTLS -I. -o $@ tests/sign/emit.c $(SIGN_LIBS)

TEST_STEPS += sign-verify
check-sign-verify:
	@tests/step.sh sign-verify 'tests/need.sh mbedtls pyjwt jwcrypto jose openssl && \
	  $(MAKE) -s $(BUILD)/sign_emit $(JWT_KEYS)/done && \
	  /usr/bin/python3 tests/sign/verify.py $(BUILD)/sign_emit $(JWT_KEYS)'
