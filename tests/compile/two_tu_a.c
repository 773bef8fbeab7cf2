/* Two translation units: this one holds the implementation. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

int two_tu_b(void);

int main(void)
{
    return two_tu_b() == HB_ERR_STATE ? 0 : 1;
}
