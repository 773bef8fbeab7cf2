# Static analysis of heartbeat.h with the implementation enabled. Steps of
# `make test` (each declares its tools through tests/need.sh):
#
#   cppcheck    cppcheck --enable=warning,portability,performance on
#               tests/analysis/impl.c (the implementation as one TU), all
#               #ifdef configurations of the header (--force); any finding
#               fails.
#   clang-tidy  clang-analyzer-*, bugprone-*, cert-* on the same TU, with
#               heartbeat.h in the header filter; warnings are errors.
#   cppcheck-mbedtls, clang-tidy-mbedtls  the same with -DHEARTBEAT_MBEDTLS
#               (the JWT signer; needs libmbedtls-dev too).
#   fanalyzer   gcc -fanalyzer on a build of the unit tests (every file of
#               the unit binary), -Werror.
#
# Suppressions, each with its reason (none is in heartbeat.h itself):
#   bugprone-easily-swappable-parameters: a heuristic about API shape, not a
#     defect; it flags any function with two adjacent parameters of
#     convertible types (hbi_begin(w, '{', 1) and hbi_end), private helpers
#     whose only callers are the four one-line hb_json_begin/end wrappers.
#   The cert-* checks that are C++-only never fire on C; the ones that
#   apply to C (cert-err33-c, cert-str34-c, cert-msc30-c/32-c,
#   cert-dcl03-c, cert-dcl37-c, cert-exp42-c, cert-flp37-c, cert-arr39-c,
#   cert-con36-c, cert-env33-c, cert-sig30-c, ...) all run.

CPPCHECK   ?= cppcheck
CLANG_TIDY ?= clang-tidy
FANALYZER_CC ?= gcc
TIDY_CHECKS := -*,clang-analyzer-*,bugprone-*,cert-*,-bugprone-easily-swappable-parameters
ANALYSIS_TU := tests/analysis/impl.c
ANALYSIS_ENV := CPPCHECK='$(CPPCHECK)' CLANG_TIDY='$(CLANG_TIDY)'

TEST_STEPS += cppcheck cppcheck-mbedtls clang-tidy clang-tidy-mbedtls fanalyzer

check-cppcheck:
	@tests/step.sh cppcheck 'tests/need.sh cppcheck && \
	  $(ANALYSIS_ENV) tests/analysis/cppcheck.sh $(ANALYSIS_TU)'
check-cppcheck-mbedtls:
	@tests/step.sh cppcheck-mbedtls 'tests/need.sh cppcheck mbedtls && \
	  $(ANALYSIS_ENV) tests/analysis/cppcheck.sh $(ANALYSIS_TU) -DHEARTBEAT_MBEDTLS'
check-clang-tidy:
	@tests/step.sh clang-tidy 'tests/need.sh clang-tidy && \
	  $(ANALYSIS_ENV) tests/analysis/clang-tidy.sh $(ANALYSIS_TU) "$(TIDY_CHECKS)"'
check-clang-tidy-mbedtls:
	@tests/step.sh clang-tidy-mbedtls 'tests/need.sh clang-tidy mbedtls && \
	  $(ANALYSIS_ENV) tests/analysis/clang-tidy.sh $(ANALYSIS_TU) "$(TIDY_CHECKS)" -DHEARTBEAT_MBEDTLS'

$(BUILD)/fanalyzer/%.o: tests/%.c $(UNIT_HDR) $(DEPS) $(GREATEST)
	@mkdir -p $(@D)
	$(FANALYZER_CC) $(CFLAGS) -fanalyzer -I. -I$(BUILD)/greatest -Itests -c -o $@ $<

check-fanalyzer:
	@tests/step.sh fanalyzer 'FANALYZER_CC=$(FANALYZER_CC) tests/need.sh fanalyzer && \
	  $(MAKE) -s $(patsubst tests/%.c,$(BUILD)/fanalyzer/%.o,$(UNIT_SRC)) && \
	  echo "gcc -fanalyzer: no findings in $(words $(UNIT_SRC)) files"'
