# Golden vectors from real Go (tests/golden/).
#
#   make golden        regenerate tests/golden/vectors.h with Go >= 1.22
#                      (GO=/path/to/go; default /usr/lib/go-1.23/bin/go, the
#                      Debian package golang-1.23-go from bookworm-backports)
#   make golden-fresh  regenerate into $(BUILD)/golden/ and compare with the
#                      committed file
#
# golden-fresh is not a step of `make test`: Go is a maintainer's tool that
# only regenerates the vectors, not an optional part of the library's test
# (Debian stable has no Go >= 1.22 outside backports). The vectors
# themselves are checked by the unit suite `golden` (tests/test_golden.c),
# which needs no Go. .ci/run runs golden-fresh where Go is installed. Both
# targets ask tests/need.sh for Go and say which package to install.

.PHONY: golden golden-fresh
golden:
	@BUILD="$(BUILD)" CC="$(CC)" CFLAGS="$(CFLAGS)" $(if $(GO),GO="$(GO)") tests/golden/golden.sh gen

golden-fresh:
	@BUILD="$(BUILD)" CC="$(CC)" CFLAGS="$(CFLAGS)" $(if $(GO),GO="$(GO)") tests/golden/golden.sh fresh
