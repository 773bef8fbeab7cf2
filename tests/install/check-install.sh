#!/bin/sh
# tests/install/check-install.sh - the install paths of heartbeat.h, each
# checked by building and running tests/install/consumer.c:
#   1. `make install PREFIX=<tmp>` puts the header, heartbeat.pc and the
#      CMake package files where C users expect them;
#   2. a consumer builds through pkg-config;
#   3. a consumer builds through find_package(heartbeat 0.1) and links the
#      INTERFACE target heartbeat::heartbeat;
#   4. find_package rejects versions this is not (99, 0.0);
#   5. the installed tree still works after being moved (relocatable);
#   6. DESTDIR staging writes under DESTDIR, naming the final PREFIX;
#   7. `cmake --install` of the top-level CMakeLists.txt installs the same
#      files, and the consumer builds against that too.
# Prints "RESULT: P passed, F failed". Needs cmake and pkg-config (the
# step declares them through tests/need.sh).
CC=${CC:-cc}
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}

root=$(pwd)
work=$root/$BUILD/install-test
rm -rf "$work"
mkdir -p "$work"
version=$(sed -n 's/^#define HEARTBEAT_VERSION_STRING "\(.*\)"/\1/p' heartbeat.h)
major_minor=${version%.*}
pass=0
fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
# check NAME COMMAND...: run quietly, show the output only on failure.
check() {
    name=$1; shift
    if out=$("$@" 2>&1); then ok "$name"; else bad "$name"; echo "$out" | sed 's/^/    /'; fi
}

# cmake_consumer DIR PREFIXPATH [FINDVERSION]: configure, build, run.
cmake_consumer() {
    rm -rf "$1" &&
    CC=$CC cmake -S "$root/tests/install/find_package" -B "$1" \
        -DCMAKE_PREFIX_PATH="$2" -DHB_FIND_VERSION="${3:-}" \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$1.log" 2>&1 &&
    cmake --build "$1" >>"$1.log" 2>&1 &&
    "$1/consumer" ||
    { cat "$1.log"; return 1; }
}

prefix=$work/prefix
check "make install PREFIX=$prefix" $MAKE -s --no-print-directory install PREFIX="$prefix"
for f in include/heartbeat.h lib/pkgconfig/heartbeat.pc \
         lib/cmake/heartbeat/heartbeatConfig.cmake \
         lib/cmake/heartbeat/heartbeatConfigVersion.cmake; do
    check "installed $f" test -f "$prefix/$f"
done
check "installed header is heartbeat.h" cmp heartbeat.h "$prefix/include/heartbeat.h"

pc() { PKG_CONFIG_PATH="$prefix/lib/pkgconfig" PKG_CONFIG_LIBDIR= pkg-config "$@"; }
check "pkg-config --modversion = $version" test "$(pc --modversion heartbeat)" = "$version"
check "pkg-config --cflags names the include dir" \
    test "$(pc --cflags heartbeat | sed "s/ *$//")" = "-I$prefix/include"
check "pkg-config --exists 'heartbeat >= $major_minor'" pc --exists "heartbeat >= $major_minor"
pkgbuild() {
    $CC -std=c99 -Wall -Wextra -Wpedantic -Werror $(pc --cflags heartbeat) \
        tests/install/consumer.c -o "$work/consumer-pc" $(pc --libs heartbeat) &&
    "$work/consumer-pc"
}
check "consumer via pkg-config" pkgbuild

check "consumer via find_package(heartbeat $major_minor)" \
    cmake_consumer "$work/fp" "$prefix" "$major_minor"
check "consumer via find_package(heartbeat $version)" \
    cmake_consumer "$work/fp-exact" "$prefix" "$version"
check "consumer via find_package(heartbeat) (any version)" \
    cmake_consumer "$work/fp-any" "$prefix" ""
for v in 99 0.0; do
    check "find_package(heartbeat $v) is refused" \
        sh -c "! CC=$CC cmake -S '$root/tests/install/find_package' -B '$work/fp-$v' \
               -DCMAKE_PREFIX_PATH='$prefix' -DHB_FIND_VERSION=$v >'$work/fp-$v.log' 2>&1"
done

mv "$prefix" "$work/moved"
check "find_package after moving the installed tree" \
    cmake_consumer "$work/fp-moved" "$work/moved" "$major_minor"
mv "$work/moved" "$prefix"

stage=$work/stage
check "make install DESTDIR=... PREFIX=/opt/heartbeat" \
    $MAKE -s --no-print-directory install DESTDIR="$stage" PREFIX=/opt/heartbeat
check "DESTDIR: header staged" test -f "$stage/opt/heartbeat/include/heartbeat.h"
check "DESTDIR: heartbeat.pc names the final prefix" \
    grep -qx 'prefix=/opt/heartbeat' "$stage/opt/heartbeat/lib/pkgconfig/heartbeat.pc"

cprefix=$work/cmake-prefix
cinstall() {
    CC=$CC cmake -S "$root" -B "$work/top" -DCMAKE_INSTALL_LIBDIR=lib >"$work/top.log" 2>&1 &&
    cmake --install "$work/top" --prefix "$cprefix" >>"$work/top.log" 2>&1 ||
    { cat "$work/top.log"; return 1; }
}
check "cmake --install --prefix of the top-level CMakeLists.txt" cinstall
same() {
    for f in include/heartbeat.h lib/pkgconfig/heartbeat.pc \
             lib/cmake/heartbeat/heartbeatConfig.cmake \
             lib/cmake/heartbeat/heartbeatConfigVersion.cmake; do
        if [ "$f" = lib/pkgconfig/heartbeat.pc ]; then
            sed "s|^prefix=$cprefix\$|prefix=$prefix|" "$cprefix/$f" | diff -u "$prefix/$f" - || return 1
        else
            diff -u "$prefix/$f" "$cprefix/$f" || return 1
        fi
    done
}
check "cmake --install and make install give the same files" same
check "consumer via find_package from the cmake --install tree" \
    cmake_consumer "$work/fp-cmake" "$cprefix" "$major_minor"

echo "RESULT: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
