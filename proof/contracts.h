/* proof/contracts.h - ACSL contracts of heartbeat.h's core, on prototypes.
   Included after heartbeat.h's declarations and before its implementation
   (see proof/wp_core.c); WP proves the bodies against them, and Eva checks
   their preconditions at every call. heartbeat.h itself carries none of
   them. */
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
      (w->buf == \null ==> w->size == 0) &&
      (w->buf != \null ==>
         w->len <= w->size &&
         \valid(w->buf + (0 .. w->size - 1)) &&
         \separated(w, w->buf + (0 .. w->size - 1)) &&
         (w->err == HB_OK ==>
            w->len < w->size || (w->size == 0 && w->done == 0)));
*/

/* hbi_put: the one place the writer copies bytes. It writes only inside
   [buf + old len, buf + size - 1): one byte always stays for the NUL. */
/*@ requires hbw_ok(w);
    requires \valid_read(s + (0 .. n - 1));
    requires w->buf != \null ==> \separated(s + (0 .. n - 1), w->buf + (0 .. w->size - 1));
    requires w->buf != \null ==> \separated(s + (0 .. n - 1), w);
    assigns w->len, w->err,
            w->buf[\at(w->len, Pre) .. \at(w->size, Pre) - 2];
    ensures hbw_ok(w);
    ensures w->buf == \old(w->buf) && w->size == \old(w->size);
    ensures w->done == \old(w->done) && w->depth == \old(w->depth);
    ensures \old(w->err) != HB_OK ==> w->err == \old(w->err) && w->len == \old(w->len);
    ensures w->err == HB_OK || w->err == \old(w->err) || w->err == HB_ERR_NOSPACE;
    ensures w->buf != \null && w->err == HB_OK ==> w->len == \old(w->len) + n && w->len < w->size;
*/
static void hbi_put(hb_json *w, const char *s, size_t n);

/*@ requires \valid(w);
    requires buf != \null ==> \valid(buf + (0 .. size - 1)) && \separated(w, buf + (0 .. size - 1));
    assigns *w;
    ensures hbw_ok(w);
    ensures w->len == 0 && w->err == HB_OK && w->depth == 0 && w->done == 0;
    ensures w->buf == buf;
    ensures buf != \null ==> w->size == size;
*/
HEARTBEAT_DEF void hb_json_init(hb_json *w, char *buf, size_t size);

/* finish: on success the output is NUL-terminated at len, inside the
   buffer; on error the buffer (if any room) starts with a NUL. */
/*@ requires w == \null || hbw_ok(w);
    requires len != \null ==> \valid(len) && (w != \null ==> \separated(len, w) &&
                (w->buf != \null ==> \separated(len, w->buf + (0 .. w->size - 1))));
    assigns *len, w->err, w->buf[0 .. w->size - 1];
    ensures w != \null ==> hbw_ok(w);
    ensures w != \null && \result == HB_OK && w->buf != \null ==>
              w->len < w->size && w->buf[w->len] == '\0';
    ensures w != \null && \result == HB_OK && len != \null ==> *len == w->len;
    ensures w != \null && \result != HB_OK && w->buf != \null && w->size > 0 ==>
              w->buf[0] == '\0';
*/
HEARTBEAT_DEF int hb_json_finish(hb_json *w, size_t *len);

/* ---- wrap-safe tick comparisons ----------------------------------------
   On a 2^32 ms tick, "a is at or after b" is the signed distance
   (int32_t)(a - b) >= 0: true exactly when a is reached from b by going
   forward less than 2^31 ms, whatever the wrap. */
/*@ logic integer hb_fwd(integer a, integer b) =
      (a - b + 4294967296) % 4294967296;
    lemma hb_euclid: \forall integer d, i; 0 <= d && 0 < i ==>
      d == (d / i) * i + d % i && 0 <= d % i < i;
*/

/* hbi_wait: hb_poll's answer. Given the scheduler's invariant (the due
   point and a pending retry lie at most interval + jitter ahead, retries
   before the due point), the answer is at most interval + jitter, or
   HB_POLL_IDLE when stopped. */
/*@ requires \valid_read(s);
    requires 0 < s->cfg.interval_ms <= 0x7FFFFFFF;
    requires s->cfg.jitter_ms <= 0x7FFFFFFF - s->cfg.interval_ms;
    requires s->state == 0x52 && s->busy == 0 && (s->pending & 1) == 0 ==>
      (int32_t)(uint32_t)(s->due - now) <= s->cfg.interval_ms + s->cfg.jitter_ms;
    assigns \nothing;
    ensures s->state != 0x52 ==> \result == HB_POLL_IDLE;
    ensures s->state == 0x52 ==> \result <= 0x7FFFFFFF;
    ensures s->state == 0x52 && s->busy == 0 ==>
      \result <= s->cfg.interval_ms + s->cfg.jitter_ms;
*/
static uint32_t hbi_wait(const struct hb_service_internal *s, uint32_t now);

/* The callbacks that the scheduler calls are assumed not to write into the
   service (no re-entry: re-entry is covered by the unit tests). */
/*@ assigns \nothing;
    ensures \result <= max;
*/
static uint32_t hbi_jitter(const struct hb_service_internal *s, uint32_t max);
/*@ assigns \nothing; */
static void hbi_log(const struct hb_service_internal *s, int level,
                    const char *msg, int err, const char *detail);

/* The grid: hbi_advance moves the grid forward by a whole, positive number
   of intervals, to the first point strictly after now, and sets the due
   point to that grid point plus at most jitter_ms. */
/*@ requires \valid(s);
    requires 0 < s->cfg.interval_ms <= 0x7FFFFFFF;
    requires s->cfg.jitter_ms <= 0x7FFFFFFF - s->cfg.interval_ms;
    requires hb_fwd(now, s->grid) < 2147483648;
    assigns s->busy, s->grid, s->due, s->pending, s->stats.missed;
    ensures \exists integer k; 1 <= k <= 2147483648 &&
              s->grid == (\old(s->grid) + k * s->cfg.interval_ms) % 4294967296;
    ensures 1 <= hb_fwd(s->grid, now) <= s->cfg.interval_ms;
    ensures hb_fwd(s->due, s->grid) <= s->cfg.jitter_ms;
    ensures s->due == (s->grid + hb_fwd(s->due, s->grid)) % 4294967296;
    ensures 1 <= hb_fwd(s->due, now) <= s->cfg.interval_ms + s->cfg.jitter_ms;
*/
static void hbi_advance(struct hb_service_internal *s, uint32_t now);

#endif
