#!/bin/sh
# tests/need.sh PART... — the one way a step of `make test` asks for an
# optional part. When any PART is missing it prints one line
#     skipped: missing PART... — apt-get install PACKAGE...
# (each Debian package named once) and exits 77, which tests/step.sh records
# as a skip (a failure under REQUIRE_ALL=1). Otherwise it exits 0, silently.
#
# WITHOUT=all, or WITHOUT="part part ...", makes those parts count as missing
# whether or not they are installed, so the skip paths can be tested:
#     make test WITHOUT=all
#
# The parts (name: what is checked — Debian package):
#   python3      /usr/bin/python3 — python3
#   mosquitto    the broker and mosquitto_passwd (also in /usr/sbin) — mosquitto
#   mqtt-clients mosquitto_sub and mosquitto_pub — mosquitto-clients
#   libmosquitto mosquitto.h, -lmosquitto — libmosquitto-dev
#   paho         MQTTClient.h, -lpaho-mqtt3cs — libpaho-mqtt-dev
#   mbedtls      mbedtls/pk.h, -lmbedcrypto — libmbedtls-dev
#   cjson        cjson/cJSON.h, -lcjson — libcjson-dev
#   openssl      the openssl CLI — openssl
#   pyjwt        Python jwt + cryptography — python3-jwt python3-cryptography
#   jwcrypto     Python jwcrypto — python3-jwcrypto
#   jose         Python jose — python3-jose
#   jsonschema   Python jsonschema — python3-jsonschema
#   yaml         Python yaml — python3-yaml
#   clang        clang and clang++ — clang
#   fanalyzer    gcc -fanalyzer (GCC 10 or later) — gcc
#   libfuzzer    clang -fsanitize=fuzzer links — libclang-rt-14-dev
#   valgrind     valgrind — valgrind
#   cmake        cmake — cmake
#   pkg-config   pkg-config — pkg-config
#   cppcheck     cppcheck — cppcheck
#   clang-tidy   clang-tidy — clang-tidy
#   dot          dot — graphviz
#   gnuplot      gnuplot — gnuplot-nox
#   arm          arm-none-eabi-gcc — gcc-arm-none-eabi
#   newlib       librdimon.a for arm-none-eabi — libnewlib-arm-none-eabi
#   qemu-arm     qemu-system-arm — qemu-system-arm
#   mbedtls-src  an mbedTLS 2.28 source tree: $MBEDTLS_SRC, or Debian's source
#                package mbedtls in ${XDG_CACHE_HOME:-~/.cache}/heartbeat/
#                mbedtls-src, fetched there with `apt-get source mbedtls` when
#                absent (tests/sign/m4-mbedtls.sh src) — dpkg-dev, and a
#                deb-src entry for bookworm (.ci/run adds one)
#   qemu-user    qemu-ppc and qemu-arm (user mode) — qemu-user
#   ppc          powerpc-linux-gnu-gcc — gcc-powerpc-linux-gnu
#   rv32         riscv64-unknown-elf-gcc — gcc-riscv64-unknown-elf
#   go           Go: $GO, else /usr/lib/go-1.23/bin/go or go on PATH —
#                golang-1.23-go (bookworm-backports)
#   frama-c      frama-c with Eva and WP — frama-c-base
#   why3         why3 — why3
#   z3           z3 — z3
#   cvc4         cvc4 — cvc4
#   cvc5         cvc5 — cvc5
#   ocamlfind    ocamlfind, for Frama-C's -load-script (proof/cover.ml) —
#                ocaml-findlib
#
# Tools can be overridden as elsewhere in the build: CC, CLANG, CLANGXX,
# ARM_CC, RV_CC, PPC_CC, QEMU_ARM, GO, CPPCHECK, CLANG_TIDY, FANALYZER_CC.
CC=${CC:-cc}
CLANG=${CLANG:-clang}
ARM_CC=${ARM_CC:-arm-none-eabi-gcc}
RV_CC=${RV_CC:-riscv64-unknown-elf-gcc}
PPC_CC=${PPC_CC:-powerpc-linux-gnu-gcc}
QEMU_ARM=${QEMU_ARM:-qemu-system-arm}
GO=${GO:-}
FANALYZER_CC=${FANALYZER_CC:-gcc}
PY=/usr/bin/python3

missing_parts=""
missing_pkgs=""
hints=""

have_cmd() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
have_py() { [ -x $PY ] && $PY -c "import $1" >/dev/null 2>&1; }
# have_c HEADER LIBS: a program including HEADER compiles and links with LIBS.
have_c() {
    printf '#include <%s>\nint main(void) { return 0; }\n' "$1" |
        $CC -x c - -o /dev/null $2 >/dev/null 2>&1
}

# check PART: 0 when present. Sets pkgs to the packages that provide it.
check() {
    hint=""
    case $1 in
    python3)      pkgs=python3;             [ -x $PY ] ;;
    mosquitto)    pkgs=mosquitto;           have_cmd mosquitto && have_cmd mosquitto_passwd ;;
    mqtt-clients) pkgs=mosquitto-clients;   have_cmd mosquitto_sub && have_cmd mosquitto_pub ;;
    libmosquitto) pkgs=libmosquitto-dev;    have_c mosquitto.h -lmosquitto ;;
    paho)         pkgs=libpaho-mqtt-dev;    have_c MQTTClient.h -lpaho-mqtt3cs ;;
    mbedtls)      pkgs=libmbedtls-dev;      have_c mbedtls/pk.h -lmbedcrypto ;;
    cjson)        pkgs=libcjson-dev;        have_c cjson/cJSON.h -lcjson ;;
    openssl)      pkgs=openssl;             have_cmd openssl ;;
    pyjwt)        pkgs="python3-jwt python3-cryptography"; have_py jwt && have_py cryptography ;;
    jwcrypto)     pkgs=python3-jwcrypto;    have_py jwcrypto ;;
    jose)         pkgs=python3-jose;        have_py jose ;;
    jsonschema)   pkgs=python3-jsonschema;  have_py jsonschema ;;
    yaml)         pkgs=python3-yaml;        have_py yaml ;;
    clang)        pkgs=clang;               have_cmd "$CLANG" && have_cmd "${CLANGXX:-clang++}" ;;
    fanalyzer)    pkgs=gcc;                 "$FANALYZER_CC" -fanalyzer -x c -c /dev/null -o /dev/null >/dev/null 2>&1 ;;
    libfuzzer)    pkgs="clang libclang-rt-14-dev"
                  have_cmd "$CLANG" &&
                  printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' |
                      "$CLANG" -fsanitize=fuzzer -x c - -o /dev/null >/dev/null 2>&1 ;;
    valgrind)     pkgs=valgrind;            have_cmd valgrind ;;
    cmake)        pkgs=cmake;               have_cmd cmake ;;
    pkg-config)   pkgs=pkg-config;          have_cmd pkg-config ;;
    cppcheck)     pkgs=cppcheck;            have_cmd "${CPPCHECK:-cppcheck}" ;;
    clang-tidy)   pkgs=clang-tidy;          have_cmd "${CLANG_TIDY:-clang-tidy}" ;;
    dot)          pkgs=graphviz;            have_cmd "${DOT:-dot}" ;;
    gnuplot)      pkgs=gnuplot-nox;         have_cmd gnuplot ;;
    arm)          pkgs=gcc-arm-none-eabi;   have_cmd "$ARM_CC" ;;
    newlib)       pkgs=libnewlib-arm-none-eabi
                  f=$("$ARM_CC" -mthumb -mcpu=cortex-m3 -print-file-name=librdimon.a 2>/dev/null)
                  [ -f "$f" ] ;;
    qemu-arm)     pkgs=qemu-system-arm;     have_cmd "$QEMU_ARM" ;;
    mbedtls-src)  pkgs=dpkg-dev
                  hint="; apt-get source mbedtls (needs a deb-src entry for bookworm, as .ci/run adds)"
                  ! forced_missing mbedtls-src && "$(dirname "$0")/sign/m4-mbedtls.sh" src >/dev/null ;;
    qemu-user)    pkgs=qemu-user;           have_cmd qemu-ppc && have_cmd qemu-arm ;;
    ppc)          pkgs="gcc-powerpc-linux-gnu libc6-dev-powerpc-cross"
                  printf '#include <stdio.h>\nint main(void) { return 0; }\n' |
                      "$PPC_CC" -x c - -o /dev/null >/dev/null 2>&1 ;;
    rv32)         pkgs=gcc-riscv64-unknown-elf; have_cmd "$RV_CC" ;;
    go)           pkgs=golang-1.23-go/bookworm-backports
                  if [ -n "$GO" ]; then [ -x "$GO" ] || have_cmd "$GO"
                  else [ -x /usr/lib/go-1.23/bin/go ] || have_cmd go; fi ;;
    frama-c)      pkgs=frama-c-base;        have_cmd frama-c ;;
    why3)         pkgs=why3;                have_cmd why3 ;;
    z3)           pkgs=z3;                  have_cmd z3 ;;
    cvc4)         pkgs=cvc4;                have_cmd cvc4 ;;
    cvc5)         pkgs=cvc5;                have_cmd cvc5 ;;
    ocamlfind)    pkgs=ocaml-findlib;       have_cmd ocamlfind ;;
    *)            echo "tests/need.sh: unknown part '$1' (see the list in tests/need.sh)"
                  exit 2 ;;
    esac
}

forced_missing() {
    case " ${WITHOUT:-} " in
    *" all "*|*" $1 "*) return 0 ;;
    esac
    return 1
}

for part in "$@"; do
    if check "$part" && ! forced_missing "$part"; then
        continue
    fi
    missing_parts="$missing_parts $part"
    hints="$hints$hint"
    for p in $pkgs; do
        case " $missing_pkgs " in *" $p "*) ;; *) missing_pkgs="$missing_pkgs $p" ;; esac
    done
done

if [ -n "$missing_parts" ]; then
    why=""
    [ -n "${WITHOUT:-}" ] && why=" (WITHOUT=${WITHOUT})"
    echo "skipped: missing$missing_parts$why — apt-get install$missing_pkgs$hints"
    exit 77
fi
exit 0
