#!/bin/sh
# tests/install/check-cmake-subdir.sh - a CMake project that vendors the
# repository with add_subdirectory() builds and runs tests/install/consumer.c
# linked to heartbeat::heartbeat. Needs cmake (declared by the step).
CC=${CC:-cc}
BUILD=${BUILD:-build}
dir=$(pwd)/$BUILD/cmake-subdir
rm -rf "$dir"
CC=$CC cmake -S tests/install/subdir -B "$dir" &&
cmake --build "$dir" &&
"$dir/consumer"
