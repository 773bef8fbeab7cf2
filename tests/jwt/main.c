/* tests/jwt/main.c — runner for SUITE(jwt) and SUITE(sign) (build/test_jwt), which
   needs -DHEARTBEAT_MBEDTLS and mbedTLS, so it is not in build/test_unit. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include "greatest.h"

SUITE_EXTERN(jwt);
SUITE_EXTERN(sign);

GREATEST_MAIN_DEFS();

int main(int argc, char **argv)
{
    GREATEST_MAIN_BEGIN();
    RUN_SUITE(jwt);
    RUN_SUITE(sign);
    GREATEST_MAIN_END();
}
