# heartbeat.h — build, test and measure. `make demo`, `make test`.
#
# Variables you may set (or put in config.mk): CC, CXX, CFLAGS, BUILD.
# REQUIRE_ALL=1 turns every "optional part missing" skip into a failure.

CC      ?= cc
CXX     ?= c++
BUILD   ?= build
CFLAGS  += -std=c99 -Wall -Wextra -Wpedantic -Werror -g -O1
CXXFLAGS += -std=c++11 -Wall -Wextra -Wpedantic -Werror -g -O1
WSTRICT := -Wconversion -Wsign-conversion -Wshadow -Wcast-qual \
           -Wstrict-prototypes -Wmissing-prototypes
-include config.mk

HEADER   := heartbeat.h
GREATEST := $(BUILD)/greatest/greatest.h
DEPS     := $(HEADER) Makefile $(wildcard mk/*.mk)

# Each part of `make test` is a step: a target check-NAME that records its
# result through tests/step.sh. The mk/*.mk fragments add their own steps.
TEST_STEPS :=
export RESULTS_DIR := $(BUILD)/results
export LOGS_DIR := $(BUILD)/logs

.PHONY: all demo test examples clean bench size fuzz install docs
all: $(BUILD)/test_unit

$(GREATEST): tests/get-greatest.sh
	@tests/get-greatest.sh $@

# ---- unit tests (greatest) -------------------------------------------------
# The suites of the unit binary (tests/test_NAME.c each); tests/main.c runs them.
UNIT_SUITES := json time service features golden faults sign
UNIT_SRC := tests/main.c $(patsubst %,tests/test_%.c,$(UNIT_SUITES))
UNIT_HDR := $(wildcard tests/*.h tests/golden/*.h)

$(BUILD)/test_unit: $(UNIT_SRC) $(UNIT_HDR) $(DEPS) $(GREATEST)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I. -I$(BUILD)/greatest -Itests -o $@ $(UNIT_SRC)

$(BUILD)/test_unit_clang: $(UNIT_SRC) $(UNIT_HDR) $(DEPS) $(GREATEST)
	@mkdir -p $(@D)
	clang $(CFLAGS) -I. -I$(BUILD)/greatest -Itests -o $@ $(UNIT_SRC)

$(BUILD)/test_unit_san: $(UNIT_SRC) $(UNIT_HDR) $(DEPS) $(GREATEST)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer -I. -I$(BUILD)/greatest -Itests -o $@ $(UNIT_SRC)

# The same suites with each escaping/time path forced: the portable 8-byte
# scan (no SSE2), the compact byte-at-a-time code, and -Os with the fast code.
$(BUILD)/test_unit_%: $(UNIT_SRC) $(UNIT_HDR) $(DEPS) $(GREATEST)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VARIANT_$*) -I. -I$(BUILD)/greatest -Itests -o $@ $(UNIT_SRC)
VARIANT_nosimd  := -O2 -DHEARTBEAT_NO_SIMD
VARIANT_compact := -O2 -DHEARTBEAT_COMPACT
VARIANT_fastos  := -Os -DHEARTBEAT_FAST
VARIANT_assert  := -O1 '-DHB_ASSERT(c)=((c) ? (void)0 : __builtin_trap())'

TEST_STEPS += unit unit-clang unit-asan-ubsan unit-valgrind unit-variants
check-unit-variants:
	@tests/step.sh unit-variants 'p=0; f=0; for v in nosimd compact fastos assert; do \
	  if $(MAKE) -s $(BUILD)/test_unit_$$v && $(BUILD)/test_unit_$$v > $(BUILD)/test_unit_$$v.log 2>&1; \
	  then p=$$((p+1)); else f=$$((f+1)); cat $(BUILD)/test_unit_$$v.log; fi; \
	  echo "$$v: $$(tail -1 $(BUILD)/test_unit_$$v.log)"; done; \
	  echo "RESULT: $$p passed, $$f failed"; [ $$f = 0 ]' 
check-unit:
	@tests/step.sh unit '$(MAKE) -s $(BUILD)/test_unit && $(BUILD)/test_unit'
check-unit-clang:
	@tests/step.sh unit-clang '$(MAKE) -s $(BUILD)/test_unit_clang && $(BUILD)/test_unit_clang'
check-unit-asan-ubsan:
	@tests/step.sh unit-asan-ubsan '$(MAKE) -s $(BUILD)/test_unit_san && \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(BUILD)/test_unit_san'
check-unit-valgrind:
	@tests/step.sh unit-valgrind 'if ! command -v valgrind >/dev/null; then \
	  echo "valgrind not installed: apt-get install valgrind"; exit 77; fi; \
	  $(MAKE) -s $(BUILD)/test_unit && \
	  valgrind -q --error-exitcode=9 --leak-check=full $(BUILD)/test_unit'

# ---- fragments from each area (compile matrix, examples, embedded, ...) ----
include $(sort $(wildcard mk/*.mk))

# ---- the whole suite -------------------------------------------------------
test:
	@rm -rf $(BUILD)/results $(BUILD)/logs
	@$(MAKE) --no-print-directory -k $(addprefix check-,$(TEST_STEPS)) || true
	@tests/summary.sh $(BUILD)/results

clean:
	rm -rf $(BUILD)

# ---- the stdout demo -----------------------------------------------------------
$(BUILD)/superloop_stdout: examples/superloop_stdout.c $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I. -o $@ examples/superloop_stdout.c
demo-stdout: $(BUILD)/superloop_stdout
	$(BUILD)/superloop_stdout
