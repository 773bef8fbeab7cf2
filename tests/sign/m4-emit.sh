#!/bin/sh
# tests/sign/m4-emit.sh ALG KEYFILE CARRIER COUNT KID — build/sign_emit's
# interface (tests/sign/emit.c) with the beats signed on Cortex-M4 under
# qemu: the program M4_SIGN_ELF (tests/sign/m4_mbedtls.c), for
# tests/sign/verify.py. Run by tests/sign/m4-mbedtls.sh test.
exec "$(dirname "$0")/m4-mbedtls.sh" emit "${M4_SIGN_ELF:?set M4_SIGN_ELF}" "$@"
