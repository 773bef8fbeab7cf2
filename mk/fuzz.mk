# Fuzzing with libFuzzer + ASan + UBSan (fuzz/, clang-14).
#
#   make fuzz                 each harness for FUZZ_SECONDS (default 60), one
#                             at a time, from its seeds in fuzz/corpus/NAME;
#                             prints the executions and findings of each
#   make fuzz FUZZ_SECONDS=600 FUZZ_HARNESSES=schedule   one harness, longer
#
# Steps of `make test`: fuzz-smoke-NAME, one per harness — replays every
# committed seed (findings stay there as regression tests) and fuzzes the
# harness for FUZZ_SMOKE_SECONDS (default 3) from the seeds alone (a fresh
# work directory, so the step does the same each time; `make fuzz` keeps
# what it finds in $(BUILD)/fuzz/work). Each declares libFuzzer (clang,
# libclang-rt-14-dev) through tests/need.sh; fuzz-smoke-jwt mbedTLS too.
#
# Harnesses: strings (escaping, strict JSON, buffer bounds), config (hb_init
# rules, hb_buf_size), schedule (a model of the grid, failures, re-entry),
# monitor (hb_mon_parse on any bytes; hb_mon_beat/poll/link/forget in any
# order, seeded with the writer's output by fuzz/seed_monitor.c),
# and jwt when heartbeat.h has the mbedTLS signer (HB_JWT_HS256 declared)
# and libmbedtls-dev is installed.

FUZZ_CC            ?= clang-14
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_FLAGS := -std=c99 -g -O1 -Wall -Wextra -Wpedantic -Werror \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer -I. -Ifuzz
# The jwt harness needs the mbedTLS signer in heartbeat.h and libmbedtls-dev.
FUZZ_HAS_JWT := $(shell grep -q 'HB_JWT_HS256' $(HEADER) 2>/dev/null && \
                        test -f fuzz/fuzz_jwt.c && echo jwt)
FUZZ_NEED = CLANG='$(FUZZ_CC)' tests/need.sh libfuzzer
# The harnesses that need nothing but libFuzzer: a plain list, append to it.
FUZZ_BASE := strings config schedule monitor
# make fuzz: every harness whose parts are here (jwt only with mbedTLS)
FUZZ_HARNESSES ?= $(FUZZ_BASE) \
  $(if $(FUZZ_HAS_JWT),$(shell CC='$(CC)' tests/need.sh mbedtls >/dev/null && echo jwt))
FUZZ_BINS = $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_HARNESSES))
FUZZ_HDRS := $(wildcard fuzz/*.h)

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_HDRS) $(DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(if $(filter jwt,$*),-lmbedcrypto)

fuzz:
	@$(FUZZ_NEED) && $(MAKE) -s $(FUZZ_BINS) && \
	  BUILD=$(BUILD) fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

# fuzz-smoke-NAME: replay NAME's seeds and fuzz it FUZZ_SMOKE_SECONDS
FUZZ_SMOKE := $(FUZZ_BASE) $(FUZZ_HAS_JWT)
FUZZ_NEED_jwt := mbedtls
TEST_STEPS += $(addprefix fuzz-smoke-,$(FUZZ_SMOKE))
$(addprefix check-fuzz-smoke-,$(FUZZ_SMOKE)): check-fuzz-smoke-%:
	@tests/step.sh fuzz-smoke-$* '$(FUZZ_NEED) $(FUZZ_NEED_$*) && \
	  $(MAKE) -s $(BUILD)/fuzz/fuzz_$* && \
	  rm -rf $(BUILD)/fuzz/smoke/$* && FUZZ_WORK=$(BUILD)/fuzz/smoke \
	  BUILD=$(BUILD) fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $*'
check-fuzz-smoke: $(addprefix check-fuzz-smoke-,$(FUZZ_SMOKE))
.PHONY: check-fuzz-smoke
