/* tests/jwt/tu_b.c — a second translation unit that only uses the API. */
#include "heartbeat.h"

int jwt_tu_b(void);

int jwt_tu_b(void)
{
    char out[8];
    size_t n = 0;
    const char *t = "x";
    int rc = hb_jwt_b64url(out, sizeof out, "fo", 2, &n);
    if (rc != HB_OK || n != 3 || out[0] != 'Z') return 3;
    return hb_jwt_token((void *)0, &t, &n) == HB_ERR_ARG && t == (const char *)0 ? 0 : 4;
}
