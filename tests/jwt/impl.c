/* tests/jwt/impl.c — the signer compiled the ways users compile it: the
   header included plainly and then with the implementation switch in one
   file, linked with a second file that only uses the API (tu_b.c). Built
   by tests/jwt/matrix.sh as C and C++, with strict warnings. */
#include <string.h>
#include "heartbeat.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

int jwt_tu_b(void);

int main(void)
{
    hb_jwt j;
    hb_jwt_config c;
    char out[8];
    memset(&c, 0, sizeof c);
    if (hb_jwt_init(&j, &c) != HB_ERR_ARG) return 1;
    hb_jwt_free(&j);
    if (hb_jwt_b64url(out, sizeof out, "foo", 3, NULL) != HB_OK) return 2;
#ifdef JWT_ONE_TU /* HEARTBEAT_STATIC: the other file would need its own copy */
    return 0;
#else
    return jwt_tu_b();
#endif
}
