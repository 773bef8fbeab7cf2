/* HEARTBEAT_STATIC: each file has its own private copy; unused functions
   must not trip -Werror (-Wunused-function). */
#define HEARTBEAT_STATIC
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

int static_b(void);

int main(void)
{
    return (hb_strerror(HB_OK)[0] == 'o' && static_b() == 0) ? 0 : 1;
}
