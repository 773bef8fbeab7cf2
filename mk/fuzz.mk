# Fuzzing with libFuzzer + ASan + UBSan (fuzz/, clang-14).
#
#   make fuzz                 each harness for FUZZ_SECONDS (default 60), one
#                             at a time, from its seeds in fuzz/corpus/NAME;
#                             prints the executions and findings of each
#   make fuzz FUZZ_SECONDS=600 FUZZ_HARNESSES=schedule   one harness, longer
#
# Step of `make test`: fuzz-smoke — replays every committed seed (findings
# stay there as regression tests) and fuzzes each harness for
# FUZZ_SMOKE_SECONDS (default 3) from the seeds alone (a fresh work
# directory, so the step does the same each time; `make fuzz` keeps what it
# finds in $(BUILD)/fuzz/work). Without libFuzzer it is skipped (exit 77)
# naming the packages: clang-14 and libclang-rt-14-dev.
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
FUZZ_JWT := $(shell grep -q 'HB_JWT_HS256' $(HEADER) 2>/dev/null && \
                    test -f /usr/include/mbedtls/version.h && \
                    test -f fuzz/fuzz_jwt.c && echo jwt)
FUZZ_HARNESSES ?= strings config schedule monitor $(FUZZ_JWT)
FUZZ_BINS = $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_HARNESSES))
FUZZ_HDRS := $(wildcard fuzz/*.h)

# libFuzzer is present when fuzz/probe.c links
FUZZ_PROBE = $(FUZZ_CC) -fsanitize=fuzzer fuzz/probe.c -o $(BUILD)/fuzz/probe \
  >/dev/null 2>&1
FUZZ_NEED = mkdir -p $(BUILD)/fuzz && if ! $(FUZZ_PROBE); then \
  echo "libFuzzer not available with $(FUZZ_CC): apt-get install clang-14 libclang-rt-14-dev"; \
  exit 77; fi

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_HDRS) $(DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(if $(filter jwt,$*),-lmbedcrypto)

fuzz:
	@$(FUZZ_NEED); $(MAKE) -s $(FUZZ_BINS) && \
	  BUILD=$(BUILD) fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

TEST_STEPS += fuzz-smoke
check-fuzz-smoke:
	@tests/step.sh fuzz-smoke '$(FUZZ_NEED); $(MAKE) -s $(FUZZ_BINS) && \
	  rm -rf $(BUILD)/fuzz/smoke && FUZZ_WORK=$(BUILD)/fuzz/smoke \
	  BUILD=$(BUILD) fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_HARNESSES)'
