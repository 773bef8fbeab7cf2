/* Neither RS256 nor ES256: only HS256 remains. */
#include "no-rs256.h"
#include "no-es256.h"
