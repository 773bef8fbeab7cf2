# Golden vectors from real Go (tests/golden/).
#
#   make golden   regenerate tests/golden/vectors.h with Go >= 1.22
#                 (GO=/path/to/go; default /usr/lib/go-1.23/bin/go, the
#                 Debian package golang-1.23-go from bookworm-backports)
#
# Step of `make test`: golden-fresh — regenerates into $(BUILD)/golden/ and
# compares with the committed file. Go is not a dependency of `make test`:
# without it the step says so and counts nothing (GOLDEN_REQUIRE_GO=1 makes
# that a failure, for CI). The vectors themselves are checked by the unit
# suite `golden` (tests/test_golden.c), which needs no Go.

.PHONY: golden
golden:
	@BUILD="$(BUILD)" CC="$(CC)" CFLAGS="$(CFLAGS)" $(if $(GO),GO="$(GO)") tests/golden/golden.sh gen

TEST_STEPS += golden-fresh
check-golden-fresh:
	@tests/step.sh golden-fresh 'BUILD="$(BUILD)" CC="$(CC)" CFLAGS="$(CFLAGS)" $(if $(GO),GO="$(GO)") tests/golden/golden.sh fresh'
