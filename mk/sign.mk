# Signed beats (cfg.sign_alg, profile "hb+jwt"): the per-beat JWS in its two
# carriers. SUITE(sign) is in the unit binary (mock signer) and in
# build/test_jwt (the mbedTLS beat signer, see mk/jwt.mk).
#
#   make bench-sign    ns per sign and per verify, HS256 and ES256 (mbedTLS,
#                      x86), and Cortex-M4 instruction counts under qemu
#   make bench-sign-m4 instructions per sign and per verify, HS256 and ES256,
#                      on Cortex-M4 (qemu): Debian's mbedTLS 2.28 source
#                      (apt-get source mbedtls, kept in the cache) cross-
#                      compiled by tests/sign/m4-mbedtls.sh
#
# Steps of `make test`:
#   sign-examples hb-mosquitto and hb-paho with --sign, both algorithms and
#                 carriers, through a private mosquitto, verified by PyJWT
#   sign-slice-m4 a 500 x 1 ms signer on qemu Cortex-M4: hb_poll <= 2 ms
#   sign-m4-mbedtls beats signed and verified with mbedTLS on qemu Cortex-M4:
#                 exact instruction counts, the M4's beats verified on the
#                 host (PyJWT, jwcrypto, python-jose; HS256 byte for byte),
#                 tests/sign/verify.py with the M4 as emitter, and the
#                 Cortex-M4 table of docs/security.md within 5 %
#   fuzz-smoke-sign  hb_mon_beat_signed under libFuzzer (fuzz/fuzz_sign.c)
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

# The slow signer on Cortex-M4 (qemu, -icount): hb_poll never blocks longer
# than one slice, beats stay on their grid.
$(EMB_OUT)/sign/slice_m4.elf: tests/sign/slice_m4.c $(DEPS) $(EMB_START) $(EMB_OUT)/m4/mps2.ld
	@mkdir -p $(@D)
	$(ARM_CC) $(EMB_CPU_m4) $(EMB_CFLAGS) -I. $(EMB_LDFLAGS) -T $(EMB_OUT)/m4/mps2.ld \
	  -o $@ $(EMB)/startup.c tests/sign/slice_m4.c

TEST_STEPS += sign-slice-m4
check-sign-slice-m4:
	@tests/step.sh sign-slice-m4 'tests/need.sh arm newlib qemu-arm && \
	  $(MAKE) -s $(EMB_OUT)/sign/slice_m4.elf && \
	  $(EMB_ENV) tests/sign/qemu-slice.sh $(EMB_OUT)/sign/slice_m4.elf'

# mbedTLS on the M4: the library from Debian's source package (part
# mbedtls-src of tests/need.sh), built in $(M4S_OUT)/lib.
M4S_OUT  := $(EMB_OUT)/sign-mbedtls
M4S_ENV   = $(EMB_ENV) M4_CPU="$(EMB_CPU_m4)" M4_LDFLAGS="$(EMB_LDFLAGS)"
M4S_NEED := arm newlib qemu-arm mbedtls-src

TEST_STEPS += sign-m4-mbedtls
check-sign-m4-mbedtls:
	@tests/step.sh sign-m4-mbedtls '$(EMB_NEED) $(M4S_NEED) openssl pyjwt jwcrypto jose && \
	  $(MAKE) -s $(JWT_KEYS)/done && \
	  $(M4S_ENV) tests/sign/m4-mbedtls.sh test $(M4S_OUT) $(JWT_KEYS)'

.PHONY: bench-sign-m4
bench-sign-m4: $(JWT_KEYS)/done
	@$(EMB_NEED) $(M4S_NEED) python3 || exit 1
	@$(M4S_ENV) tests/sign/m4-mbedtls.sh bench $(M4S_OUT) $(JWT_KEYS)

# ---- make bench-sign: the cost table of docs/security.md ----
$(BUILD)/bench_sign: tests/sign/bench.c $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(filter-out -O1 -g,$(CFLAGS)) -O2 -D_POSIX_C_SOURCE=200809L -DHEARTBEAT_MBEDTLS \
	  -I. -o $@ tests/sign/bench.c $(SIGN_LIBS)

.PHONY: bench-sign
bench-sign: $(BUILD)/bench_sign $(JWT_KEYS)/done
	$(BUILD)/bench_sign $(JWT_KEYS)
	@tests/need.sh arm newlib qemu-arm >/dev/null && $(MAKE) -s $(EMB_OUT)/sign/slice_m4.elf && \
	  $(EMB_ENV) tests/sign/qemu-slice.sh $(EMB_OUT)/sign/slice_m4.elf | grep -E '^(library share|longest)' || \
	  echo "(Cortex-M4 figures skipped: gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm)"

# ---- the MQTT examples with --sign (HEARTBEAT_MBEDTLS) ----
$(BUILD)/sign/hb-mosquitto: examples/mosquitto/hb-mosquitto.c $(DEPS) examples/common/hb_example.h
	@mkdir -p $(@D)
	$(CC) $(EXAMPLE_CFLAGS) -DHEARTBEAT_MBEDTLS -o $@ $< $(MOSQUITTO_LIBS) $(SIGN_LIBS)

$(BUILD)/sign/hb-paho: examples/paho/hb-paho.c $(DEPS) examples/common/hb_example.h
	@mkdir -p $(@D)
	$(CC) $(EXAMPLE_CFLAGS) -DHEARTBEAT_MBEDTLS -o $@ $< $(PAHO_LIBS) $(SIGN_LIBS)

TEST_STEPS += sign-examples
check-sign-examples:
	@tests/step.sh sign-examples 'tests/need.sh mbedtls libmosquitto paho mosquitto mqtt-clients pyjwt openssl && \
	  $(MAKE) -s $(BUILD)/sign/hb-mosquitto $(BUILD)/sign/hb-paho $(JWT_KEYS)/done && \
	  BUILD='$(BUILD)' /usr/bin/python3 tests/sign/examples.py $(JWT_KEYS) $(BUILD)/sign/hb-mosquitto $(BUILD)/sign/hb-paho'

# ---- fuzzing hb_mon_beat_signed (libFuzzer, see mk/fuzz.mk) ----
FUZZ_HARNESSES += sign
TEST_STEPS += fuzz-smoke-sign
check-fuzz-smoke-sign:
	@tests/step.sh fuzz-smoke-sign '$(FUZZ_NEED) && \
	  $(MAKE) -s $(BUILD)/fuzz/fuzz_sign && \
	  rm -rf $(BUILD)/fuzz/smoke/sign && FUZZ_WORK=$(BUILD)/fuzz/smoke \
	  BUILD=$(BUILD) fuzz/run.sh $(FUZZ_SMOKE_SECONDS) sign'
