/* proof/pv_builtins.h - contracts for the compiler builtins heartbeat.h
   uses, which Frama-C does not know. An assumption of the proof: GCC and
   Clang implement them as documented (count trailing or leading zero
   bits, the argument never 0 where heartbeat.h calls them; a prefetch
   hint reads and writes nothing). */
#ifndef PV_BUILTINS_H
#define PV_BUILTINS_H
/*@ requires x != 0;
    assigns \result \from x;
    ensures 0 <= \result <= 63;
*/
int __builtin_ctzll(unsigned long long x);
/*@ requires x != 0;
    assigns \result \from x;
    ensures 0 <= \result <= 31;
*/
int __builtin_ctz(unsigned int x);
/*@ requires x != 0;
    assigns \result \from x;
    ensures 0 <= \result <= 31;
*/
int __builtin_clz(unsigned int x);
/*@ assigns \nothing; */
void __builtin_prefetch(const void *p, int rw);
#endif
