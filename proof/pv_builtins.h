/* proof/pv_builtins.h - contracts for the compiler builtins heartbeat.h
   uses, which Frama-C does not know. An assumption of the proof: GCC and
   Clang implement them as documented (count trailing or leading zero
   bits, the argument never 0 where heartbeat.h calls them; a CPU feature
   check may answer anything; a prefetch
   hint reads and writes nothing). */
#ifndef PV_BUILTINS_H
#define PV_BUILTINS_H
/* (the trailing zero counts: a mask of 16 bits, one bit per byte of an
   SSE2 vector, has its lowest set bit among those 16; one behavior for
   it, so that Eva keeps an index from it inside the vector; and one per
   byte of a 64-bit word, the byte of its lowest set bit, so that the
   byte index of the monitor's 8-byte scans is exact on known bytes) */
/*@ requires x != 0;
    assigns \result \from x;
    ensures 0 <= \result <= 63;
    behavior low16: assumes x <= 0xFFFFu;
      ensures \result <= 15;
    behavior high: assumes x > 0xFFFFu;
      ensures \result <= 63;
    behavior byte0: assumes (x & 0xFFull) != 0;
      ensures 0 <= \result <= 7;
    behavior byte1: assumes (x & 0xFFull) == 0 && (x & 0xFF00ull) != 0;
      ensures 8 <= \result <= 15;
    behavior byte2: assumes (x & 0xFFFFull) == 0 && (x & 0xFF0000ull) != 0;
      ensures 16 <= \result <= 23;
    behavior byte3: assumes (x & 0xFFFFFFull) == 0 && (x & 0xFF000000ull) != 0;
      ensures 24 <= \result <= 31;
    behavior byte4: assumes (x & 0xFFFFFFFFull) == 0 && (x & 0xFF00000000ull) != 0;
      ensures 32 <= \result <= 39;
    behavior byte5: assumes (x & 0xFFFFFFFFFFull) == 0 && (x & 0xFF0000000000ull) != 0;
      ensures 40 <= \result <= 47;
    behavior byte6: assumes (x & 0xFFFFFFFFFFFFull) == 0 && (x & 0xFF000000000000ull) != 0;
      ensures 48 <= \result <= 55;
    behavior byte7: assumes (x & 0xFFFFFFFFFFFFFFull) == 0 && (x & 0xFF00000000000000ull) != 0;
      ensures 56 <= \result <= 63;
    complete behaviors low16, high;
    disjoint behaviors low16, high;
    complete behaviors byte0, byte1, byte2, byte3, byte4, byte5, byte6, byte7;
    disjoint behaviors byte0, byte1, byte2, byte3, byte4, byte5, byte6, byte7;
*/
int __builtin_ctzll(unsigned long long x);
/*@ requires x != 0;
    assigns \result \from x;
    ensures 0 <= \result <= 31;
    behavior low16: assumes x <= 0xFFFFu;
      ensures \result <= 15;
    behavior high: assumes x > 0xFFFFu;
      ensures \result <= 31;
    complete behaviors;
    disjoint behaviors;
*/
int __builtin_ctz(unsigned int x);
/* exact: one behavior per bit length, so that Eva knows which leading
   zero counts a range of x can give (heartbeat.h shifts by them) */
/*@ requires x != 0;
    assigns \result \from x;
    ensures 0 <= \result <= 31;
    behavior b0: assumes 0x1u <= x < 0x2u;
      ensures \result == 31;
    behavior b1: assumes 0x2u <= x < 0x4u;
      ensures \result == 30;
    behavior b2: assumes 0x4u <= x < 0x8u;
      ensures \result == 29;
    behavior b3: assumes 0x8u <= x < 0x10u;
      ensures \result == 28;
    behavior b4: assumes 0x10u <= x < 0x20u;
      ensures \result == 27;
    behavior b5: assumes 0x20u <= x < 0x40u;
      ensures \result == 26;
    behavior b6: assumes 0x40u <= x < 0x80u;
      ensures \result == 25;
    behavior b7: assumes 0x80u <= x < 0x100u;
      ensures \result == 24;
    behavior b8: assumes 0x100u <= x < 0x200u;
      ensures \result == 23;
    behavior b9: assumes 0x200u <= x < 0x400u;
      ensures \result == 22;
    behavior b10: assumes 0x400u <= x < 0x800u;
      ensures \result == 21;
    behavior b11: assumes 0x800u <= x < 0x1000u;
      ensures \result == 20;
    behavior b12: assumes 0x1000u <= x < 0x2000u;
      ensures \result == 19;
    behavior b13: assumes 0x2000u <= x < 0x4000u;
      ensures \result == 18;
    behavior b14: assumes 0x4000u <= x < 0x8000u;
      ensures \result == 17;
    behavior b15: assumes 0x8000u <= x < 0x10000u;
      ensures \result == 16;
    behavior b16: assumes 0x10000u <= x < 0x20000u;
      ensures \result == 15;
    behavior b17: assumes 0x20000u <= x < 0x40000u;
      ensures \result == 14;
    behavior b18: assumes 0x40000u <= x < 0x80000u;
      ensures \result == 13;
    behavior b19: assumes 0x80000u <= x < 0x100000u;
      ensures \result == 12;
    behavior b20: assumes 0x100000u <= x < 0x200000u;
      ensures \result == 11;
    behavior b21: assumes 0x200000u <= x < 0x400000u;
      ensures \result == 10;
    behavior b22: assumes 0x400000u <= x < 0x800000u;
      ensures \result == 9;
    behavior b23: assumes 0x800000u <= x < 0x1000000u;
      ensures \result == 8;
    behavior b24: assumes 0x1000000u <= x < 0x2000000u;
      ensures \result == 7;
    behavior b25: assumes 0x2000000u <= x < 0x4000000u;
      ensures \result == 6;
    behavior b26: assumes 0x4000000u <= x < 0x8000000u;
      ensures \result == 5;
    behavior b27: assumes 0x8000000u <= x < 0x10000000u;
      ensures \result == 4;
    behavior b28: assumes 0x10000000u <= x < 0x20000000u;
      ensures \result == 3;
    behavior b29: assumes 0x20000000u <= x < 0x40000000u;
      ensures \result == 2;
    behavior b30: assumes 0x40000000u <= x < 0x80000000u;
      ensures \result == 1;
    behavior b31: assumes 0x80000000u <= x;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
int __builtin_clz(unsigned int x);
/* the CPU feature check of the AVX2 scan: any answer (both paths are
   analysed) */
/*@ assigns \result \from \nothing; */
int __builtin_cpu_supports(const char *feature);
/*@ assigns \nothing; */
void __builtin_prefetch(const void *p, int rw);
#endif
