/* tests/jwt/main.c — runner for SUITE(jwt) alone (build/test_jwt), which
   needs -DHEARTBEAT_MBEDTLS and mbedTLS, so it is not in build/test_unit. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include "greatest.h"

SUITE_EXTERN(jwt);

GREATEST_MAIN_DEFS();

int main(int argc, char **argv)
{
    GREATEST_MAIN_BEGIN();
    RUN_SUITE(jwt);
    GREATEST_MAIN_END();
}
