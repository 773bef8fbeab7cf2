/* tests/sign/m4_mbedtls_config.h — the mbedTLS 2.28 configuration of the
   Cortex-M4 signing benchmark (tests/sign/m4-mbedtls.sh): MBEDTLS_CONFIG_FILE
   for the library and for heartbeat.h with HEARTBEAT_MBEDTLS. Only what
   ES256 and HS256 beats need: SHA-256, HMAC, P-256 ECDSA (deterministic,
   RFC 6979), the key parser for PEM/DER keys. No filesystem, no network, no
   entropy source (heartbeat.h derives its blinding from the key), no
   threads; the heap is a static buffer (memory_buffer_alloc). The ECP
   settings are mbedTLS's defaults (window 4, fixed-point speed-up on). */
#ifndef HB_M4_MBEDTLS_CONFIG_H
#define HB_M4_MBEDTLS_CONFIG_H

/* System: a bare-metal Cortex-M4, Thumb-2 multiply-accumulate in bignum. */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C

/* Hashes and MACs */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_HMAC_DRBG_C

/* ES256: P-256 ECDSA */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC

/* Keys: PKCS#8 / SEC1 private keys, SubjectPublicKeyInfo, PEM or DER */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C

#include "mbedtls/check_config.h"

#endif
