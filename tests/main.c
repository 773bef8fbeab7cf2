/* tests/main.c — the unit test runner: the one HEARTBEAT_IMPLEMENTATION. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include "greatest.h"

SUITE_EXTERN(json);
SUITE_EXTERN(time_format);
SUITE_EXTERN(service);
SUITE_EXTERN(features);
SUITE_EXTERN(golden);
SUITE_EXTERN(faults);
SUITE_EXTERN(reentry);
SUITE_EXTERN(mqtt5);
SUITE_EXTERN(monitor);
SUITE_EXTERN(sign);

GREATEST_MAIN_DEFS();

int main(int argc, char **argv)
{
    GREATEST_MAIN_BEGIN();
    RUN_SUITE(json);
    RUN_SUITE(time_format);
    RUN_SUITE(service);
    RUN_SUITE(features);
    RUN_SUITE(golden);
    RUN_SUITE(faults);
    RUN_SUITE(reentry);
    RUN_SUITE(mqtt5);
    RUN_SUITE(monitor);
    RUN_SUITE(sign);
    GREATEST_MAIN_END();
}
