/* The header included plainly, then again with the implementation switch, in
   one file: the second include must bring in the implementation. */
#include "heartbeat.h"
#include "heartbeat.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include "heartbeat.h"   /* and a third time does nothing */

int main(void)
{
    return hb_strerror(HB_ERR_ARG)[0] == 'i' ? 0 : 1;
}
