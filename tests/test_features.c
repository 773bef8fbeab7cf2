/* tests/test_features.c — the options beyond the Go service. */
#include <string.h>
#include "heartbeat.h"
#include "greatest.h"
#include "fakes.h"

SUITE(features)
{
}
