# Static analysis of heartbeat.h with the implementation enabled. Steps of
# `make test` (each skipped, exit 77, when its tool is not installed):
#
#   cppcheck    cppcheck --enable=warning,portability,performance on
#               tests/analysis/impl.c (the implementation as one TU), all
#               #ifdef configurations of the header (--force); any finding
#               fails.
#   clang-tidy  clang-analyzer-*, bugprone-*, cert-* on the same TU, with
#               heartbeat.h in the header filter; warnings are errors.
#               cppcheck and clang-tidy run once more with -DHEARTBEAT_MBEDTLS
#               (the JWT signer) when libmbedtls-dev is installed.
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
# the mbedTLS signer too, where mbedTLS is installed (libmbedtls-dev)
ANALYSIS_MBEDTLS := $(if $(wildcard /usr/include/mbedtls/version.h),-DHEARTBEAT_MBEDTLS)

TEST_STEPS += cppcheck clang-tidy fanalyzer

check-cppcheck:
	@tests/step.sh cppcheck 'if ! command -v $(CPPCHECK) >/dev/null; then \
	  echo "cppcheck not installed: apt-get install cppcheck"; exit 77; fi; \
	  $(CPPCHECK) --version && \
	  for d in "" $(ANALYSIS_MBEDTLS); do \
	    $(CPPCHECK) --enable=warning,portability,performance --error-exitcode=1 \
	      --std=c99 --inline-suppr --force -q -I. $$d $(ANALYSIS_TU) || exit 1; \
	    echo "cppcheck $$d: no findings"; done'

check-clang-tidy:
	@tests/step.sh clang-tidy 'if ! command -v $(CLANG_TIDY) >/dev/null; then \
	  echo "clang-tidy not installed: apt-get install clang-tidy"; exit 77; fi; \
	  for d in "" $(ANALYSIS_MBEDTLS); do \
	    $(CLANG_TIDY) --quiet --checks="$(TIDY_CHECKS)" --warnings-as-errors="*" \
	      --header-filter=".*heartbeat\.h" $(ANALYSIS_TU) -- -std=c99 -I. $$d || exit 1; \
	    echo "clang-tidy $$d: no findings"; done'

$(BUILD)/fanalyzer/%.o: tests/%.c $(UNIT_HDR) $(DEPS) $(GREATEST)
	@mkdir -p $(@D)
	$(FANALYZER_CC) $(CFLAGS) -fanalyzer -I. -I$(BUILD)/greatest -Itests -c -o $@ $<

check-fanalyzer:
	@tests/step.sh fanalyzer 'if ! $(FANALYZER_CC) -fanalyzer -x c -c /dev/null -o /dev/null 2>/dev/null; then \
	  echo "$(FANALYZER_CC) has no -fanalyzer (needs GCC 10 or later): apt-get install gcc"; exit 77; fi; \
	  $(MAKE) -s $(patsubst tests/%.c,$(BUILD)/fanalyzer/%.o,$(UNIT_SRC)) && \
	  echo "gcc -fanalyzer: no findings in $(words $(UNIT_SRC)) files"'
