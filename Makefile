# heartbeat.h — build, test and measure. `make demo`, `make test`.
#
# Variables you may set (or put in config.mk): CC, CXX, CFLAGS, BUILD, CLANG.
# REQUIRE_ALL=1 turns every "optional part missing" skip into a failure;
# WITHOUT=all (or WITHOUT="part ...") makes tests/need.sh report those
# optional parts missing, to run the skip paths. docs/testing.md explains
# the steps.

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
# result through tests/step.sh, and asks tests/need.sh for any optional
# part first. The mk/*.mk fragments add their own steps.
TEST_STEPS :=
export RESULTS_DIR := $(BUILD)/results
export LOGS_DIR := $(BUILD)/logs

.PHONY: all demo test examples clean bench size fuzz install docs
all: $(BUILD)/test_unit

$(GREATEST): tests/get-greatest.sh
	@tests/get-greatest.sh $@

# ---- unit tests (greatest) -------------------------------------------------
# The suites of the unit binary (tests/test_NAME.c each); tests/main.c runs
# them. A plain list: add a suite by appending its NAME.
UNIT_SUITES := json time service features golden faults reentry mqtt5 monitor sign
UNIT_SRC := tests/main.c $(patsubst %,tests/test_%.c,$(UNIT_SUITES))
UNIT_HDR := $(wildcard tests/*.h tests/golden/*.h)

# The builds of the unit binary. $(BUILD)/test_unit is CC with CFLAGS; each
# NAME below is $(BUILD)/test_unit_NAME, made by the same rule (further
# down) with these per-build variables, all optional:
#   UNIT_CC_NAME    the compiler (default $(CC))
#   UNIT_FLAGS_NAME added to CFLAGS (VARIANT_NAME, the older name, too)
#   UNIT_NEED_NAME  optional parts (tests/need.sh names) the build needs
#   UNIT_RUN_NAME   a command that runs the binary (an emulator, valgrind)
#   UNIT_ENV_NAME   environment for the run
# and each one is the step unit-NAME of `make test`.
# UNIT_VARIANTS: the same suites with each escaping/time path forced (the
# portable 8-byte scan without SSE2, SSE2 without AVX2, the compact
# byte-at-a-time code, -Os with the fast code, a trapping HB_ASSERT) and
# with the service reading its
# config in place (HEARTBEAT_CONFIG_BY_REF). Edit this list to add or
# remove a path; give a new one its UNIT_FLAGS_NAME.
UNIT_VARIANTS := nosimd noavx2 compact fastos assert byref
UNIT_FLAGS_nosimd  := -O2 -DHEARTBEAT_NO_SIMD
UNIT_FLAGS_noavx2  := -O2 -DHEARTBEAT_NO_AVX2
UNIT_FLAGS_compact := -O2 -DHEARTBEAT_COMPACT
UNIT_FLAGS_fastos  := -Os -DHEARTBEAT_FAST
UNIT_FLAGS_assert  := -O1 '-DHB_ASSERT(c)=((c) ? (void)0 : __builtin_trap())'
UNIT_FLAGS_byref   := -O2 -DHEARTBEAT_CONFIG_BY_REF

CLANG ?= clang
export CLANG  # tests/need.sh checks the same compiler
UNIT_CC_clang   = $(CLANG)
UNIT_NEED_clang := clang
UNIT_FLAGS_san  := -fsanitize=address,undefined -fno-sanitize-recover=all \
                   -fno-omit-frame-pointer
UNIT_ENV_san    := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
# unit-valgrind: the plain binary under valgrind (no build of its own)
UNIT_NEED_valgrind := valgrind
UNIT_RUN_valgrind  := valgrind -q --error-exitcode=9 --leak-check=full

# ---- fragments from each area (compile matrix, examples, embedded, ...) ----
include $(sort $(wildcard mk/*.mk))

# ---- the unit builds: one rule, one step each (after the fragments, so a
# fragment may add to UNIT_VARIANTS too) ----------------------------------------
UNIT_BUILDS := clang san $(UNIT_VARIANTS)
UNIT_BINS   := $(BUILD)/test_unit $(addprefix $(BUILD)/test_unit_,$(UNIT_BUILDS))

$(UNIT_BINS): $(BUILD)/test_unit%: $(UNIT_SRC) $(UNIT_HDR) $(DEPS) $(GREATEST)
	@mkdir -p $(@D)
	$(or $(UNIT_CC$*),$(CC)) $(CFLAGS) $(UNIT_FLAGS$*) $(VARIANT$*) -I. -I$(BUILD)/greatest -Itests -o $@ $(UNIT_SRC)

TEST_STEPS := unit $(addprefix unit-,$(UNIT_BUILDS)) unit-valgrind $(TEST_STEPS)
# unit-NAME: build $(BUILD)/test_unit_NAME (test_unit for valgrind) and run it
UNIT_BIN = $(BUILD)/test_unit$(if $(filter valgrind,$*),,_$*)
check-unit:
	@tests/step.sh unit '$(MAKE) -s $(BUILD)/test_unit && $(BUILD)/test_unit'
$(addprefix check-unit-,$(UNIT_BUILDS) valgrind): check-unit-%:
	@tests/step.sh unit-$* '$(if $(UNIT_NEED_$*),tests/need.sh $(UNIT_NEED_$*) && )\
	  $(MAKE) -s $(UNIT_BIN) && $(UNIT_ENV_$*) $(UNIT_RUN_$*) $(UNIT_BIN)'
# every forced path at once (each is its own step in make test)
check-unit-variants: $(addprefix check-unit-,$(UNIT_VARIANTS))
.PHONY: check-unit-variants

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
