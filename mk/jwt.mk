# The built-in JWT signer (HEARTBEAT_MBEDTLS): HS256, RS256, ES256 over
# mbedTLS (Debian: libmbedtls-dev, 2.28), spliced into heartbeat.h.
#
#   make bench-jwt     sign cost per algorithm and amortised cost per beat
#   make jwt-mbedtls3 MBEDTLS3_DIR=/path/to/mbedtls-3.x
#                      the matrix and the unit suite against an mbedTLS 3.x
#                      tree (include/ + library/libmbedcrypto.a, e.g. built
#                      with `make -C library libmbedcrypto.a`)
#
# Steps of `make test` (each declares its optional parts through
# tests/need.sh):
#   jwt           SUITE(jwt) (greatest): base64url, refresh, every error path
#   jwt-verify    tokens checked by PyJWT (python3-jwt, python3-cryptography),
#                 which must also reject tampered, wrong-key and DER tokens
#   jwt-matrix    gcc/clang/g++/clang++, strict warnings, STATIC, hooks
#   jwt-san       the suite under clang with ASan + UBSan
#   jwt-valgrind  the suite under valgrind (mbedTLS's heap included)
#   jwt-example   examples/jwt_mbedtls.c run for two beats: HS256, ES256, RS256
# Test keys are made at test time by the openssl CLI in $(BUILD)/jwt/keys.

JWT_LIBS   ?= -lmbedcrypto
JWT_DEPS   := $(DEPS)
JWT_KEYS   := $(BUILD)/jwt/keys
JWT_SUITE  := tests/jwt/main.c tests/test_jwt.c tests/test_sign.c
JWT_NEED    = CC='$(CC)' tests/need.sh

$(BUILD)/test_jwt: $(JWT_SUITE) $(JWT_DEPS) $(GREATEST)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DHEARTBEAT_MBEDTLS -I. -I$(BUILD)/greatest -Itests -o $@ $(JWT_SUITE) $(JWT_LIBS)

$(BUILD)/test_jwt_san: $(JWT_SUITE) $(JWT_DEPS) $(GREATEST)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer -DHEARTBEAT_MBEDTLS -I. -I$(BUILD)/greatest -Itests \
	  -o $@ $(JWT_SUITE) $(JWT_LIBS)

$(BUILD)/jwt_emit: tests/jwt/emit.c $(JWT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DHEARTBEAT_MBEDTLS -I. -o $@ tests/jwt/emit.c $(JWT_LIBS)

$(BUILD)/bench_jwt: tests/jwt/bench.c $(JWT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(filter-out -O1 -g,$(CFLAGS)) -O2 -DHEARTBEAT_MBEDTLS -I. -o $@ tests/jwt/bench.c $(JWT_LIBS)

$(BUILD)/jwt_mbedtls: examples/jwt_mbedtls.c $(JWT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WSTRICT) -I. -o $@ examples/jwt_mbedtls.c $(JWT_LIBS)

$(JWT_KEYS)/done: tests/jwt/keys.sh
	@rm -f $@
	@tests/jwt/keys.sh $(JWT_KEYS)

.PHONY: bench-jwt jwt-mbedtls3
bench-jwt: $(BUILD)/bench_jwt $(JWT_KEYS)/done
	$(BUILD)/bench_jwt $(JWT_KEYS)

jwt-mbedtls3: $(GREATEST) $(JWT_KEYS)/done
	@test -n "$(MBEDTLS3_DIR)" || { echo "set MBEDTLS3_DIR to an mbedTLS 3.x tree"; exit 2; }
	@tests/need.sh openssl
	MBEDTLS3_DIR='$(MBEDTLS3_DIR)' GREATEST_INC='$(BUILD)/greatest' \
	  tests/jwt/matrix.sh $(BUILD)/jwt/matrix3
	HB_JWT_KEYS=$(JWT_KEYS) $(BUILD)/jwt/matrix3/gcc-mbedtls3-suite

TEST_STEPS += jwt jwt-verify jwt-matrix jwt-san jwt-valgrind jwt-example
check-jwt:
	@tests/step.sh jwt '$(JWT_NEED) mbedtls openssl && \
	  $(MAKE) -s $(BUILD)/test_jwt $(JWT_KEYS)/done && \
	  HB_JWT_KEYS=$(JWT_KEYS) $(BUILD)/test_jwt'
check-jwt-verify:
	@tests/step.sh jwt-verify '$(JWT_NEED) mbedtls openssl pyjwt && \
	  $(MAKE) -s $(BUILD)/jwt_emit $(JWT_KEYS)/done && \
	  /usr/bin/python3 tests/jwt/verify.py $(BUILD)/jwt_emit $(JWT_KEYS)'
check-jwt-matrix:
	@tests/step.sh jwt-matrix '$(JWT_NEED) mbedtls clang && \
	  JWT_LIBS="$(JWT_LIBS)" tests/jwt/matrix.sh $(BUILD)/jwt/matrix'
check-jwt-san:
	@tests/step.sh jwt-san '$(JWT_NEED) mbedtls openssl clang && \
	  $(MAKE) -s $(BUILD)/test_jwt_san $(JWT_KEYS)/done && \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  HB_JWT_KEYS=$(JWT_KEYS) $(BUILD)/test_jwt_san'
check-jwt-valgrind:
	@tests/step.sh jwt-valgrind '$(JWT_NEED) mbedtls openssl valgrind && \
	  $(MAKE) -s $(BUILD)/test_jwt $(JWT_KEYS)/done && \
	  HB_JWT_KEYS=$(JWT_KEYS) valgrind -q --error-exitcode=9 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect $(BUILD)/test_jwt'
check-jwt-example:
	@tests/step.sh jwt-example '$(JWT_NEED) mbedtls openssl && \
	  $(MAKE) -s $(BUILD)/jwt_mbedtls $(JWT_KEYS)/done && \
	  tests/jwt/example.sh $(BUILD)/jwt_mbedtls $(JWT_KEYS) $(BUILD)/jwt/example'
