#!/bin/sh
# bench/run.sh [bench arguments] — `make bench`: times the original Go
# service's json.Marshal (bench/go) when Go is installed, then runs the C
# bench, which prints the whole table with the Go column in it.
#
# Environment: BENCH_OUT (default build/bench), GO (default
# /usr/lib/go-1.23/bin/go, else `go` on PATH). Go runs offline, standard
# library only, its build cache under BENCH_OUT.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_OUT:-build/bench}
case $out in /*) ;; *) out=$top/$out ;; esac
gofile=$out/go.txt
mkdir -p "$out"

if [ -z "${GO:-}" ]; then
    if [ -x /usr/lib/go-1.23/bin/go ]; then GO=/usr/lib/go-1.23/bin/go
    elif command -v go >/dev/null 2>&1; then GO=go
    else GO=
    fi
fi

goargs=
for a in "$@"; do
    [ "$a" = --quick ] && goargs=-quick
done

if ! why=$(GO=$GO "$top/tests/need.sh" go); then
    echo "missing not installed (${why#skipped: })" > "$gofile"
elif ! (cd "$top/bench/go" &&
        GOTOOLCHAIN=local GOPROXY=off GOSUMDB=off GOFLAGS=-mod=mod \
        GOCACHE="$out/go-cache" "$GO" build -o "$out/bench_go" .) > "$out/go-build.log" 2>&1; then
    echo "missing failed to build bench/go (see $out/go-build.log)" > "$gofile"
elif ! "$out/bench_go" $goargs > "$gofile" 2> "$out/go-run.log"; then
    echo "missing bench/go failed (see $out/go-run.log)" > "$gofile"
fi

exec "$out/bench" --go "$gofile" "$@"
