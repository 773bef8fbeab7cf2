/* proof/contracts.h - ACSL contracts of heartbeat.h's core, on prototypes.
   Included after heartbeat.h's declarations and before its implementation
   (see proof/wp_core.c); WP proves the bodies against them, and Eva checks
   their preconditions at every call. heartbeat.h itself carries none of
   them, only the loop invariants of the escaper's loops (ACSL comments
   whose text is under #ifdef PV_WP, defined by proof/wp_core.c). */
#ifndef PV_CONTRACTS_H
#define PV_CONTRACTS_H
#include <stddef.h>
#ifdef PV_WP

/* The memory hooks (HB_MEMCPY/HB_MEMSET/HB_STRLEN) as three functions with
   the C library's contracts, stated here in the form WP reasons with. */
/*@ requires \valid((char *)d + (0 .. n - 1));
    requires \valid_read((const char *)s + (0 .. n - 1));
    requires \separated((char *)d + (0 .. n - 1), (const char *)s + (0 .. n - 1));
    assigns ((char *)d)[0 .. n - 1] \from ((const char *)s)[0 .. n - 1];
    ensures \forall integer i; 0 <= i < n ==> ((char *)d)[i] == ((const char *)s)[i];
*/
void pv_memcpy(void *d, const void *s, size_t n);
/*@ requires \valid((char *)d + (0 .. n - 1));
    assigns ((char *)d)[0 .. n - 1] \from c;
*/
void pv_memset(void *d, int c, size_t n);
/*@ requires \valid_read(s) && \exists integer i; 0 <= i && s[i] == 0 && \valid_read(s + (0 .. i));
    assigns \nothing;
    ensures s[\result] == 0 && \forall integer i; 0 <= i < \result ==> s[i] != 0;
*/
size_t pv_strlen(const char *s);
#define HB_MEMCPY(d, s, n) pv_memcpy((d), (s), (n))
#define HB_MEMSET(d, c, n) pv_memset((d), (c), (n))
#define HB_STRLEN(s)       pv_strlen(s)
#endif /* PV_WP: Eva uses the C library's own (builtin) memcpy */
#include "heartbeat.h"

/* ---- the JSON writer ---------------------------------------------------
   hbw_ok(w): the writer's invariant. With a buffer, len never passes size,
   the buffer is valid and apart from the writer struct; and while no
   error is recorded there is room for the NUL (len < size) unless nothing
   at all was written (an empty buffer that is not done). */
/*@ predicate hbw_ok(hb_json *w) =
      \valid(w) &&
      (w->internal_.buf == \null ==> w->internal_.size == 0) &&
      (w->internal_.buf != \null ==>
         w->internal_.len <= w->internal_.size &&
         \valid(w->internal_.buf + (0 .. w->internal_.size - 1)) &&
         \separated(w, w->internal_.buf + (0 .. w->internal_.size - 1)) &&
         (w->internal_.err == HB_OK ==>
            w->internal_.len < w->internal_.size || (w->internal_.size == 0 && w->internal_.done == 0)));
*/

/* hbi_put: the one place the writer copies bytes. It writes only inside
   [buf + old len, buf + size - 1): one byte always stays for the NUL. */
/*@ requires hbw_ok(w);
    requires \valid_read(s + (0 .. n - 1));
    requires w->internal_.buf != \null ==> \separated(s + (0 .. n - 1), w->internal_.buf + (0 .. w->internal_.size - 1));
    requires w->internal_.buf != \null ==> \separated(s + (0 .. n - 1), w);
    assigns w->internal_.len, w->internal_.err,
            w->internal_.buf[\at(w->internal_.len, Pre) .. \at(w->internal_.size, Pre) - 2];
    ensures hbw_ok(w);
    ensures w->internal_.buf == \old(w->internal_.buf) && w->internal_.size == \old(w->internal_.size);
    ensures w->internal_.done == \old(w->internal_.done) && w->internal_.depth == \old(w->internal_.depth);
    ensures \old(w->internal_.err) != HB_OK ==> w->internal_.err == \old(w->internal_.err) && w->internal_.len == \old(w->internal_.len);
    ensures w->internal_.err == HB_OK || w->internal_.err == \old(w->internal_.err) || w->internal_.err == HB_ERR_NOSPACE;
    ensures w->internal_.buf != \null && w->internal_.err == HB_OK ==> w->internal_.len == \old(w->internal_.len) + n && w->internal_.len < w->internal_.size;
    ensures w->internal_.buf != \null ==> \old(w->internal_.len) <= w->internal_.len;
*/
static void hbi_put(hb_json *w, const char *s, size_t n);

/*@ requires \valid(w);
    requires buf != \null ==> \valid(buf + (0 .. size - 1)) && \separated(w, buf + (0 .. size - 1));
    assigns *w;
    ensures hbw_ok(w);
    ensures w->internal_.len == 0 && w->internal_.err == HB_OK && w->internal_.depth == 0 && w->internal_.done == 0;
    ensures w->internal_.buf == buf;
    ensures buf != \null ==> w->internal_.size == size;
*/
HEARTBEAT_DEF void hb_json_init(hb_json *w, char *buf, size_t size);

/* finish: on success the output is NUL-terminated at len, inside the
   buffer; on error the buffer (if any room) starts with a NUL. */
/*@ requires w == \null || hbw_ok(w);
    requires len != \null ==> \valid(len) && (w != \null ==> \separated(len, w) &&
                (w->internal_.buf != \null ==> \separated(len, w->internal_.buf + (0 .. w->internal_.size - 1))));
    assigns *len, w->internal_.err, w->internal_.buf[0 .. w->internal_.size - 1];
    ensures w != \null ==> hbw_ok(w);
    ensures w != \null && \result == HB_OK && w->internal_.buf != \null ==>
              w->internal_.len < w->internal_.size && w->internal_.buf[w->internal_.len] == '\0';
    ensures w != \null && \result == HB_OK && len != \null ==> *len == w->internal_.len;
    ensures w != \null && \result != HB_OK && w->internal_.buf != \null && w->internal_.size > 0 ==>
              w->internal_.buf[0] == '\0';
*/
HEARTBEAT_DEF int hb_json_finish(hb_json *w, size_t *len);

/* ---- the scheduler ---------------------------------------------------- */

/* hbi_wait: hb_poll's answer. Whatever the state's ticks (any values,
   any wrap), the answer is HB_POLL_IDLE when stopped and otherwise at most
   interval + jitter; a due point further ahead than that is pulled back
   (grid, due and retry together, so the grid keeps its phase). */
/*@ requires \valid(s);
    requires 0 < s->cfg.interval_ms <= 0x7FFFFFFF;
    requires s->cfg.jitter_ms <= 0x7FFFFFFF - s->cfg.interval_ms;
    requires s->sg_state == 1 ==> \valid_read(&s->cfg.signing->internal_.sg_at);
    requires s->sg_state == 1 ==>
             \separated(&s->cfg.signing->internal_.sg_at, &s->grid, &s->due, &s->retry_at);
    assigns s->grid, s->due, s->retry_at;
    ensures s->state != 0x52 ==> \result == HB_POLL_IDLE;
    ensures s->state == 0x52 ==> \result <= s->cfg.interval_ms + s->cfg.jitter_ms;
*/
static uint32_t hbi_wait(struct hb_service_internal *s, uint32_t now);

/* C's unsigned arithmetic is modulo 2^32 (C11 6.2.5p9). WP's library
   only knows that a conversion to uint32_t lands in 0 .. 2^32 - 1 and
   keeps a value already there; the due point's jitter is a wrapped sum,
   so the definition is stated here as an axiom: the conversion differs
   from its argument by a multiple of 2^32. The lemmas are proved. */
/*@ axiomatic PvUint32 {
      axiom pv_u32_mod: \forall integer x; (x - (uint32_t)x) % 4294967296 == 0;
    }
    lemma pv_div_small: \forall integer a, b; 0 <= a < b ==> a / b == 0;
    lemma pv_div_range: \forall integer a, b; 0 <= a && 0 < b ==> 0 <= a / b <= a;
*/

/* hbi_jitter and hbi_log: the callbacks' side (rand, log) as assumed
   contracts, not proved: rand's answer is reduced to 0..max, and neither
   callback writes into the service (docs/robustness.md, assumptions). */
/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result <= max;
*/
static uint32_t hbi_jitter(const struct hb_service_internal *s, uint32_t max);
/*@ requires \valid_read(s);
    assigns \nothing;
*/
static void hbi_log(const struct hb_service_internal *s, int level,
                    const char *msg, int err, const char *detail);

/* hbi_advance, the grid invariant: a due grid point moves the grid by
   m = 1 + (the whole intervals it is late) intervals, in 32-bit
   arithmetic, never re-anchored on now; the m - 1 points skipped are
   counted as missed; the due point is that grid point plus this beat's
   jitter, at most jitter_ms. From hb_start's first point (now +
   interval, or now + 1 + phase with HB_OPT_DESYNC) every due point is
   start + first + k * interval + that beat's jitter (mod 2^32), as long
   as hb_poll's tick does not go back (hbi_wait then moves the grid back
   with it). */
/*@ requires \valid(s);
    requires 0 < s->cfg.interval_ms <= 0x7FFFFFFF;
    assigns s->busy, s->grid, s->due, s->pending, s->stats.missed;
    ensures grid: s->grid == (uint32_t)(\old(s->grid) + (uint32_t)(\old(s->cfg.interval_ms) *
              (uint32_t)(1 + (uint32_t)((uint32_t)(now - \old(s->grid)) / \old(s->cfg.interval_ms)))));
    ensures missed: s->stats.missed == (uint32_t)(\old(s->stats.missed) +
              (uint32_t)(now - \old(s->grid)) / \old(s->cfg.interval_ms));
    ensures jitter: (uint32_t)(s->due - s->grid) <= s->cfg.jitter_ms;
    ensures s->pending == 0 && s->busy == 0;
*/
static void hbi_advance(struct hb_service_internal *s, uint32_t now);

/* ---- the escaper (the HEARTBEAT_COMPACT code, which -Os builds use) ----- */

/* C's shifts and masks on non-negative values (C11 6.5.7, 6.5.10, 6.5.12:
   shifts by k multiply or divide by 2^k, & with 2^k - 1 keeps the low k
   bits, | of disjoint bits adds). WP's library defines the bitwise
   operators bit by bit, from which the provers derive none of these
   within their time limit: the ones the escaper's packed answers need
   are stated here as axioms, each an instance of those definitions. */
/*@ axiomatic PvBits {
      axiom pv_pack3: \forall integer c, k; 0 <= c <= 0x1FFFFFFF && 0 <= k < 8 ==>
        ((uint32_t)(c << 3) | k) == c * 8 + k && (k | (uint32_t)(c << 3)) == c * 8 + k &&
        (((uint32_t)(c << 3) | k) & 7) == k && ((k | (uint32_t)(c << 3)) & 7) == k;
      axiom pv_pack8: \forall integer c, k; 0 <= c <= 0xFFFFFF && 0 <= k < 256 ==>
        ((uint32_t)(c << 8) | k) == c * 256 + k && (k | (uint32_t)(c << 8)) == c * 256 + k &&
        (((uint32_t)(c << 8) | k) & 255) == k && ((k | (uint32_t)(c << 8)) & 255) == k &&
        (((uint32_t)(c << 8) | k) >> 8) == c && ((k | (uint32_t)(c << 8)) >> 8) == c &&
        (((uint32_t)(c << 8) | k) % 256) == k && ((k | (uint32_t)(c << 8)) % 256) == k;
      axiom pv_pack8z: \forall integer c; 0 <= c <= 0xFFFFFF ==>
        (uint32_t)(c << 8) == c * 256 &&
        ((uint32_t)(c << 8) & 255) == 0 && ((uint32_t)(c << 8) >> 8) == c;
      axiom pv_shr8: \forall integer x; 0 <= x ==> (x >> 8) == x / 256;
      axiom pv_low8: \forall integer x; 0 <= x ==> (x & 255) == x % 256;
      axiom pv_byte: \forall integer x; 0 <= x <= 127 ==>
        0 <= (uint32_t)(x >> 3) <= 15 && 0 <= (x & 7) <= 7;
    }
*/

/* hbi_utf8: the valid sequence at s as (code point << 3) | length, or 0:
   the length is 1..4 and never more than the n bytes it may read. */
/*@ requires n > 0 && \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures len: \result == 0 || (1 <= (\result & 7) <= 4 && (\result & 7) <= n);
    ensures ascii: s[0] < 0x80 ==> (\result & 7) == 1;
*/
static uint32_t hbi_utf8(const unsigned char *s, size_t n);

/* hbi_escape: the escape of s[0 ..] into e, as (input bytes << 8) | its
   length: it reads only s[0 .. n), consumes 1..4 of those n bytes and
   writes at most 6 bytes, all inside e[0 .. 6). */
/*@ requires n > 0 && \valid_read(s + (0 .. n - 1));
    requires \valid(e + (0 .. 5));
    requires \separated(e + (0 .. 5), s + (0 .. n - 1));
    assigns e[0 .. 5];
    ensures consumed: 1 <= (\result >> 8) <= 4 && (\result >> 8) <= n;
    ensures written: \result % 256 <= 6;
*/
static uint32_t hbi_escape(char *e, const unsigned char *s, size_t n);

/*@ assigns \nothing;
    ensures \result != 0 ==> c < 0x80;
*/
static int hbi_plain(unsigned c);

/* hbi_string: a quoted, escaped string of any n bytes at str. It reads
   only str[0 .. n), writes only inside [buf + old len, buf + size - 1)
   (the NUL's byte stays free) and keeps the writer's invariant. */
/*@ requires hbw_ok(w);
    requires \valid_read(str + (0 .. n - 1));
    requires w->internal_.buf != \null ==> \separated(str + (0 .. n - 1), w->internal_.buf + (0 .. w->internal_.size - 1));
    requires w->internal_.buf != \null ==> \separated(str + (0 .. n - 1), w);
    assigns w->internal_.len, w->internal_.err,
            w->internal_.buf[\at(w->internal_.len, Pre) .. \at(w->internal_.size, Pre) - 2];
    ensures hbw_ok(w);
    ensures w->internal_.buf == \old(w->internal_.buf) && w->internal_.size == \old(w->internal_.size);
    ensures w->internal_.done == \old(w->internal_.done) && w->internal_.depth == \old(w->internal_.depth);
    ensures \old(w->internal_.err) != HB_OK ==> w->internal_.err == \old(w->internal_.err) && w->internal_.len == \old(w->internal_.len);
    ensures w->internal_.err == HB_OK || w->internal_.err == \old(w->internal_.err) || w->internal_.err == HB_ERR_NOSPACE;
    ensures w->internal_.buf != \null ==> \old(w->internal_.len) <= w->internal_.len;
    ensures w->internal_.buf != \null && w->internal_.err == HB_OK ==> w->internal_.len < w->internal_.size;
*/
static void hbi_string(hb_json *w, const char *str, size_t n);

/* The public entry points of the escaper, and the state checks they
   call. depth <= 32 (HBI_MAX_DEPTH) holds from hb_json_init on: the
   nesting bit of the innermost level is 1u << (depth - 1). */
/*@ requires hbw_ok(w) && err != HB_OK;
    assigns w->internal_.err;
    ensures hbw_ok(w) && \result == w->internal_.err && w->internal_.err != HB_OK;
    ensures \old(w->internal_.err) != HB_OK ==> w->internal_.err == \old(w->internal_.err);
    ensures \old(w->internal_.err) == HB_OK ==> w->internal_.err == err;
*/
static int hbi_fail(hb_json *w, int err);

/*@ requires w == \null || (hbw_ok(w) && w->internal_.depth <= 32);
    assigns w->internal_.err, w->internal_.len, w->internal_.key, w->internal_.first,
            w->internal_.buf[\at(w->internal_.len, Pre) .. \at(w->internal_.size, Pre) - 2];
    ensures w == \null ==> \result == HB_ERR_ARG;
    ensures w != \null ==> hbw_ok(w) && \result == w->internal_.err;
    ensures w != \null ==> w->internal_.buf == \old(w->internal_.buf) && w->internal_.size == \old(w->internal_.size) &&
              w->internal_.done == \old(w->internal_.done) && w->internal_.depth == \old(w->internal_.depth);
    ensures w != \null && w->internal_.buf != \null ==> \old(w->internal_.len) <= w->internal_.len;
*/
static int hbi_value(hb_json *w);

/*@ requires hbw_ok(w);
    requires w->internal_.buf != \null && w->internal_.err == HB_OK ==> w->internal_.len < w->internal_.size;
    assigns w->internal_.done;
    ensures hbw_ok(w) && \result == w->internal_.err;
*/
static int hbi_after(hb_json *w);

/* hb_json_string and hb_json_key, for any bytes s[0 .. len) and any
   buffer: nothing read outside s[0 .. len), nothing written outside
   [buf + old len, buf + size - 1), and the writer's invariant kept, so
   that hb_json_finish NUL-terminates the output (its contract above). */
/*@ requires w == \null || (hbw_ok(w) && w->internal_.depth <= 32);
    requires s != \null ==> \valid_read(s + (0 .. len - 1));
    requires w != \null && s != \null && w->internal_.buf != \null ==>
               \separated(s + (0 .. len - 1), w->internal_.buf + (0 .. w->internal_.size - 1)) &&
               \separated(s + (0 .. len - 1), w);
    assigns w->internal_.err, w->internal_.len, w->internal_.key, w->internal_.first, w->internal_.done,
            w->internal_.buf[\at(w->internal_.len, Pre) .. \at(w->internal_.size, Pre) - 2];
    ensures w != \null ==> hbw_ok(w) && w->internal_.depth <= 32;
    ensures w != \null ==> w->internal_.buf == \old(w->internal_.buf) && w->internal_.size == \old(w->internal_.size);
*/
HEARTBEAT_DEF int hb_json_string(hb_json *w, const char *s, size_t len);

/*@ requires w == \null || (hbw_ok(w) && w->internal_.depth <= 32);
    requires key != \null ==> \valid_read(key + (0 .. len - 1));
    requires w != \null && key != \null && w->internal_.buf != \null ==>
               \separated(key + (0 .. len - 1), w->internal_.buf + (0 .. w->internal_.size - 1)) &&
               \separated(key + (0 .. len - 1), w);
    assigns w->internal_.err, w->internal_.len, w->internal_.key, w->internal_.first,
            w->internal_.buf[\at(w->internal_.len, Pre) .. \at(w->internal_.size, Pre) - 2];
    ensures w != \null ==> hbw_ok(w) && w->internal_.depth <= 32;
    ensures w != \null ==> w->internal_.buf == \old(w->internal_.buf) && w->internal_.size == \old(w->internal_.size);
*/
HEARTBEAT_DEF int hb_json_key(hb_json *w, const char *key, size_t len);

#endif
