# Benchmarks (bench/). Never part of the pass/fail of `make test`, except the
# smoke step, which only checks that the bench builds and runs.
#
#   make bench         the table of docs/performance.md: one beat next to
#                      snprintf, cJSON, the memcpy floor and Go's json.Marshal
#                      (bench/go, when Go is installed), hb_poll idle and due,
#                      a gateway of 10^3..10^6 instances
#   make bench-instr   callgrind instruction counts of rows 1 and 2
#   make bench-lines   callgrind cache lines per gateway beat (bench/lines.sh)
#
# Variables: BENCH_HB (the directory of the heartbeat.h to measure, default
# the repository's; e.g. BENCH_HB=build/perf for a patched copy), BENCH_OUT
# (where the binaries go), BENCH_CFLAGS (-O2 by default), BENCH_ARGS (extra
# arguments, e.g. --gateway-max 100000; --gateway-only --gateway-reps 5
# repeats the gateway row alone and keeps the fastest of 5 runs), GO.
# Debian packages: libcjson-dev (the cJSON column), golang-go or
# golang-1.23-go (the Go column), valgrind (bench-instr).

BENCH_HB     ?= .
BENCH_OUT    ?= $(BUILD)/bench
BENCH_CFLAGS ?= -std=c99 -O2 -g -Wall -Wextra -Wpedantic -Werror
BENCH_ARGS   ?=
# The optional columns, asked of tests/need.sh like every optional part
# (WITHOUT=cjson leaves the cJSON column out).
BENCH_CJSON   = $(shell CC='$(CC)' tests/need.sh cjson >/dev/null && echo -lcjson)
BENCH_CG      = $(shell tests/need.sh valgrind >/dev/null && echo -DBENCH_CALLGRIND)
BENCH_DEFS    = $(if $(BENCH_CJSON),,-DBENCH_NO_CJSON) $(BENCH_CG)

.PHONY: bench bench-instr bench-lines bench-flags-force

# The optional columns are decided when make runs (a WITHOUT=all run builds
# without cJSON): the binary depends on a file holding that decision, which
# is rewritten only when it changes, so the next run rebuilds with them.
$(BENCH_OUT)/bench.flags: bench-flags-force
	@mkdir -p $(@D)
	@echo '$(BENCH_CFLAGS) $(BENCH_DEFS) $(BENCH_CJSON)' | cmp -s - $@ 2>/dev/null || \
	  echo '$(BENCH_CFLAGS) $(BENCH_DEFS) $(BENCH_CJSON)' > $@

$(BENCH_OUT)/bench: bench/bench.c bench/lib.c $(BENCH_HB)/heartbeat.h $(DEPS) $(BENCH_OUT)/bench.flags
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -I$(BENCH_HB) -c -o $(BENCH_OUT)/lib.o bench/lib.c
	$(CC) $(BENCH_CFLAGS) $(BENCH_DEFS) -I$(BENCH_HB) -c -o $(BENCH_OUT)/bench.o bench/bench.c
	$(CC) -o $@ $(BENCH_OUT)/bench.o $(BENCH_OUT)/lib.o $(BENCH_CJSON)

bench: $(BENCH_OUT)/bench
	@BENCH_OUT="$(BENCH_OUT)" $(if $(GO),GO="$(GO)") bench/run.sh $(BENCH_ARGS)

bench-instr: $(BENCH_OUT)/bench
	@tests/need.sh valgrind && BENCH_OUT="$(BENCH_OUT)" bench/instr.sh

bench-lines: $(BENCH_OUT)/bench
	@tests/need.sh valgrind && BENCH_OUT="$(BENCH_OUT)" bench/lines.sh

TEST_STEPS += bench-smoke
check-bench-smoke:
	@tests/step.sh bench-smoke '$(MAKE) -s $(BENCH_OUT)/bench && \
	  $(BENCH_OUT)/bench --quick && \
	  $(BENCH_OUT)/bench --gateway-lines 1000 --gateway-seconds 2 | grep -qx "beats 2000"'

# The string-escaping paths of the header (SIMD where the target has it,
# with AVX2 where the CPU has it; SSE2 alone; the portable 64-bit scan; the
# compact -Os loop) against each other.
$(BENCH_OUT)/escape_diff: bench/escape_diff.c bench/escape_tu.c $(BENCH_HB)/heartbeat.h $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -I$(BENCH_HB) -DESC_NAME=esc_simd -c -o $(BENCH_OUT)/esc_simd.o bench/escape_tu.c
	$(CC) $(BENCH_CFLAGS) -I$(BENCH_HB) -DESC_NAME=esc_sse2 -DHEARTBEAT_NO_AVX2 -c -o $(BENCH_OUT)/esc_sse2.o bench/escape_tu.c
	$(CC) $(BENCH_CFLAGS) -I$(BENCH_HB) -DESC_NAME=esc_swar -DHEARTBEAT_NO_SIMD -c -o $(BENCH_OUT)/esc_swar.o bench/escape_tu.c
	$(CC) $(BENCH_CFLAGS) -I$(BENCH_HB) -DESC_NAME=esc_compact -DHEARTBEAT_COMPACT -c -o $(BENCH_OUT)/esc_compact.o bench/escape_tu.c
	$(CC) $(BENCH_CFLAGS) -o $@ bench/escape_diff.c $(BENCH_OUT)/esc_simd.o $(BENCH_OUT)/esc_sse2.o $(BENCH_OUT)/esc_swar.o $(BENCH_OUT)/esc_compact.o

TEST_STEPS += escape-paths
check-escape-paths:
	@tests/step.sh escape-paths '$(MAKE) -s $(BENCH_OUT)/escape_diff && $(BENCH_OUT)/escape_diff'
