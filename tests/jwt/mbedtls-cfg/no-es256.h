/* An mbedTLS user config without deterministic ECDSA: ES256 must drop out
   (HB_ERR_ARG at init) and the rest still build. For tests/jwt/matrix.sh. */
#undef MBEDTLS_ECDSA_DETERMINISTIC
