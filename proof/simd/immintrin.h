/* proof/simd/immintrin.h - for Frama-C only: the AVX2 intrinsics that
   heartbeat.h uses, modelled in plain C with proof/simd/emmintrin.h's
   macros (a vector is 32 bytes, each operation byte by byte, loads and
   stores by memcpy, so Eva checks every byte they touch). An assumption
   of the proof: the compiler's intrinsics do what this model does. */
#ifndef PV_IMMINTRIN_H
#define PV_IMMINTRIN_H
#include "emmintrin.h"

typedef union { long long q[4]; unsigned char b[32]; } __m256i;

PV_MM_LOADSTORE(__m256i, 32, _mm256_loadu_si256, _mm256_storeu_si256)
PV_MM_OP(__m256i, 32, _mm256_and_si256, a.b[i] & b.b[i])
PV_MM_OP(__m256i, 32, _mm256_or_si256, a.b[i] | b.b[i])
PV_MM_OP(__m256i, 32, _mm256_andnot_si256, ~a.b[i] & b.b[i])
PV_MM_OP(__m256i, 32, _mm256_cmpeq_epi8, a.b[i] == b.b[i] ? 0xFF : 0)
PV_MM_OP(__m256i, 32, _mm256_cmpgt_epi8, (signed char)a.b[i] > (signed char)b.b[i] ? 0xFF : 0)

/* bit i: the top bit of byte i (an int, as Intel declares it) */
static int _mm256_movemask_epi8(__m256i a)
{
    unsigned r = 0;
    int i;
    for (i = 0; i < 32; i++) r |= (unsigned)(a.b[i] >> 7) << i;
    return (int)r;
}
#endif
