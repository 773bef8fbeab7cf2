#!/bin/sh
# tests/get-greatest.sh OUT — put greatest.h 1.5.0 at OUT, checked by sha256.
# Looks in $GREATEST_DIR, then ${XDG_CACHE_HOME:-$HOME/.cache}/heartbeat/
# greatest-1.5.0/, then downloads upstream tag v1.5.0 into that cache.
set -u
out=$1
want=1292593d95c35eeccc89ffa1c91d6fe53b49f81cbf2c2b7758842b7f3186fcc2
cache=${XDG_CACHE_HOME:-$HOME/.cache}/heartbeat/greatest-1.5.0
url=https://raw.githubusercontent.com/silentbicycle/greatest/v1.5.0/greatest.h

sum() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
take() {
    if [ "$(sum "$1")" = "$want" ]; then
        mkdir -p "$(dirname "$out")" && cp "$1" "$out" && exit 0
    fi
    echo "get-greatest: $1 exists but its sha256 is not $want; ignoring it" >&2
}

if [ -n "${GREATEST_DIR:-}" ] && [ -f "$GREATEST_DIR/greatest.h" ]; then
    take "$GREATEST_DIR/greatest.h"
fi
[ -f "$cache/greatest.h" ] && take "$cache/greatest.h"

mkdir -p "$cache"
tmp="$cache/greatest.h.part"
if command -v curl >/dev/null 2>&1; then
    curl -fsSL --max-time 30 -o "$tmp" "$url" 2>/dev/null
elif command -v wget >/dev/null 2>&1; then
    wget -q -T 30 -O "$tmp" "$url" 2>/dev/null
fi
if [ -f "$tmp" ] && [ "$(sum "$tmp")" = "$want" ]; then
    mv "$tmp" "$cache/greatest.h"
    take "$cache/greatest.h"
fi
rm -f "$tmp"
cat >&2 <<MSG
get-greatest: cannot get greatest.h 1.5.0 (sha256 $want).
  Put it in \$GREATEST_DIR/greatest.h or $cache/greatest.h,
  e.g. from a clone of github.com/silentbicycle/greatest:
    git show v1.5.0:greatest.h > $cache/greatest.h
MSG
exit 1
