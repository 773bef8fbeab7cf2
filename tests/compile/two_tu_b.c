/* Two translation units: this one only uses the declarations. */
#include "heartbeat.h"

int two_tu_b(void);

int two_tu_b(void)
{
    return hb_strerror(HB_ERR_STATE)[0] == 'w' ? HB_ERR_STATE : HB_OK;
}
