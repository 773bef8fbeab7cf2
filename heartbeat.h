/* heartbeat.h - v0.1.0 - poll-driven MQTT heartbeats, no heap - MIT - see end of file
   SPDX-License-Identifier: MIT

   heartbeat.h makes a device (or any C program) announce "I am alive" over
   MQTT, on time, forever: no heap, no threads, no RTOS. You call hb_poll()
   from your loop; it tells you how long you may sleep.

   QUICK START
   ===========
   In exactly one .c file:

       #define HEARTBEAT_IMPLEMENTATION
       #include "heartbeat.h"

       static char buf[512];
       static hb_service hb;

       hb_config cfg = {0};                 // zero = the Go-compatible defaults
       cfg.topic       = "devices/dev-7/heartbeat";
       cfg.interval_ms = 30000;
       cfg.qos         = 1;
       cfg.device_id   = "dev-7";
       cfg.publish     = my_publish;        // hands the payload to your MQTT client
       cfg.token       = my_token;          // optional: the JWT to embed
       cfg.clock       = my_wall_clock;     // Unix time for "timestamp"
       cfg.buf         = buf;
       cfg.buf_size    = sizeof buf;        // hb_buf_size(&cfg, token_max) sizes it
       hb_init(&hb, &cfg);                  // validates, copies cfg
       hb_start(&hb, HAL_GetTick());
       for (;;) {
           uint32_t sleep_ms = hb_poll(&hb, HAL_GetTick());
           ... your other work; sleep up to sleep_ms ...
       }

   Everywhere else, #include "heartbeat.h" without the define.

   WHAT IT DOES NOT DO
   ===================
   No MQTT, no sockets, no TLS: you plug in the client you have (examples/
   has libmosquitto, Paho and a bare-metal UART). No threads and no locks: one
   service is used from one thread (many services may live in as many
   threads). No heap: every byte is in structs and buffers you own. No clock
   reads of its own: you pass the monotonic tick to each call and give it a
   wall-clock callback. No printf: logging goes through your callback.
   No JWT signing unless you define HEARTBEAT_MBEDTLS.

   COMPILE-TIME OPTIONS
   ====================
   HEARTBEAT_IMPLEMENTATION  only where the implementation is: exactly one
                             .c file (or every file, with HEARTBEAT_STATIC).
   HEARTBEAT_STATIC          set everywhere it is used: all functions become
                             static (and "unused" on GCC/Clang, so -Werror
                             survives). Each file then has its own copy.
   HEARTBEAT_DEF             set everywhere: the storage class of the public
                             functions (default extern).
   HEARTBEAT_MBEDTLS         set everywhere: declares and builds the JWT
                             signer (hb_jwt_*); needs mbedTLS 2.28 or 3.x.
   HB_MEMCPY(d,s,n) HB_MEMSET(d,c,n) HB_STRLEN(s)
                             only where the implementation is: all three or
                             none. Given, <string.h> is not included (a
                             freestanding build needs only <stdint.h> and
                             <stddef.h>). A partial set is an #error.
   HB_ASSERT(c)              only where the implementation is: checks of
                             internal invariants; default does nothing.
   HEARTBEAT_COMPACT         only where the implementation is: the small
                             code for escaping and time digits (one byte,
                             one digit at a time). The default under -Os
                             (__OPTIMIZE_SIZE__).
   HEARTBEAT_FAST            only where the implementation is: the fast code
                             even under -Os. The fast code finds the bytes
                             that need escaping 16 at a time with SSE2 where
                             __SSE2__ is defined, 8 at a time with 64-bit
                             arithmetic elsewhere.
   HEARTBEAT_NO_SIMD         only where the implementation is: the fast code
                             without SSE2 (the portable 8-byte scan).
   HEARTBEAT_NO_OPTIONS      only where the implementation is: leaves out
                             the code of every option below (retry, jitter,
                             de-sync, extra fields, offline on stop, custom
                             fields, unsynced policy); hb_init then refuses
                             any option field with HB_ERR_ARG. The core
                             alone, for the smallest parts (see FOOTPRINT).
   None of them changes the layout of hb_service or hb_config.

   THE POLL LOOP
   =============
   hb_poll(hb, now_ms) does at most one beat attempt and returns the number
   of ms until it next needs a call. now_ms is any monotonic millisecond
   counter that wraps at 2^32 (HAL_GetTick(), k_uptime_get_32(), millis(),
   CLOCK_MONOTONIC in ms, xTaskGetTickCount() at configTICK_RATE_HZ 1000 -
   at other rates keep your own ms counter, because ticks * period does not
   wrap at 2^32); all comparisons are wrap-safe. One call:
     - stopped (or never started): returns HB_POLL_IDLE, does nothing;
     - nothing due: one comparison, returns the ms left (the idle path);
     - a grid point is due: sends one beat; if the call came late by whole
       intervals, those grid points are counted as missed (stats.missed) and
       skipped, never sent as a burst; the next point stays on the grid
       start + first + k * interval, so the schedule never drifts;
     - a retry or an immediate beat is due: sends it (one attempt per call).
   A beat: clock -> token -> JSON into cfg.buf -> publish -> count -> log.
   Any failure sends nothing, is logged at error level with its HB_ERR_*,
   is counted, and the next attempt is the next grid point (or a retry,
   with retry_base_ms). hb_poll's answer is exact: sleep that long, call
   again, and you are on time. You may call earlier (nothing happens) or
   later (the beat goes late, the grid stays). Call at least once per 2^31
   ms; the answer never exceeds interval_ms + jitter_ms.
   If you never call hb_poll, nothing is ever sent: there is no timer
   behind your back.
   Default timing is the Go service's time.Ticker: the first beat one
   interval after hb_start. hb_stop stops (idempotent); hb_start starts
   afresh (new grid, counters reset).

   MESSAGE FORMAT
   ==============
   By default byte-identical to Go (1.22+) encoding/json of the original
   service's struct:
     {"device_id":"dev-7","timestamp":"2026-11-27T19:53:22.123456789Z",
      "status":"alive","jwt_token":"eyJ..."}
   Strings escaped as json.Marshal does: \" \\ \b \f \n \r \t, other
   control bytes \u00XX (lowercase), < > & as \u003c \u003e \u0026,
   U+2028/U+2029 as \u2028/\u2029, each byte of invalid UTF-8 (overlongs,
   surrogates, truncated) as \ufffd, the rest verbatim. The timestamp is
   Go's time.Time: RFC 3339, nanoseconds with trailing zeros trimmed (no
   dot when zero), "Z" for offset 0 else +hh:mm/-hh:mm. Where Go's
   MarshalJSON fails (local year outside 0..9999, offset of 24 h or more)
   the beat is a serialisation failure (HB_ERR_RANGE), never sent.
   Status: cfg.status, default "alive" (the Go agent's own constant was
   "1"); hb_set_status() changes it while running.
   Options (cfg.flags, all off by default) add fields after "jwt_token",
   always in this order:
     "seq"              HB_OPT_SEQ       u32, +1 per attempt since hb_start
                                         (from 0), so gaps show failures
     "boot_id"          HB_OPT_BOOT_ID   cfg.boot_id (u32) or cfg.boot_id_str
     "uptime_ms"        HB_OPT_UPTIME    u64 ms since hb_start, across wraps
     "interval_ms"      HB_OPT_INTERVAL  u32
     "publish_failures","missed","last_error"
                        HB_OPT_HEALTH    u32, u32, int (HB_* of the previous
                                         attempt, 0 = ok)
     custom fields      cfg.fields       your callback, last
   With HB_OPT_SEND_UNSYNCED, a beat whose clock failed (or read below
   cfg.min_valid_sec) is sent without "timestamp" and with
   "clock_synced":false in its place; by default it is skipped. A 1970
   timestamp from an unset RTC never goes out if you set min_valid_sec.
   Other options: HB_OPT_IMMEDIATE (first beat at start), HB_OPT_DESYNC
   (grid phase in (0, interval] from a hash of device_id, so a fleet
   powered on together spreads out), jitter_ms + rand (each beat up to
   jitter_ms after its grid point), retry_base_ms/retry_max_ms (retry a
   failed beat with capped exponential backoff, equal jitter when rand is
   set, never reaching the next grid point), HB_OPT_OFFLINE_ON_STOP
   (hb_stop publishes one last beat with status "offline").
   hb_offline_message() builds that offline beat into your buffer for the
   MQTT Last Will, so will, birth and beat share one topic and format.

   ERRORS
   ======
   Functions return HB_OK (0) or a negative HB_ERR_*; hb_strerror() gives
   the text (never NULL; "unknown error" for other values).
     HB_ERR_ARG      bad argument or config (hb_init logs which field)
     HB_ERR_STATE    wrong state: start twice, not initialised, a call from
                     inside a callback that is not allowed there, JSON
                     writer misuse
     HB_ERR_NOSPACE  a buffer is too small (nothing partial is ever sent)
     HB_ERR_PUBLISH  the publish callback returned non-zero
     HB_ERR_TOKEN    the token callback returned non-zero
     HB_ERR_CLOCK    the clock failed, returned nsec >= 10^9, or read below
                     min_valid_sec
     HB_ERR_CRYPTO   the JWT signer failed (HEARTBEAT_MBEDTLS)
     HB_ERR_RANGE    a time Go's MarshalJSON refuses
   Log messages (HB_MSG_*): "failed to serialize heartbeat message",
   "failed to publish heartbeat message", "Heartbeat published successfully"
   (the Go service's three, exact), plus token, clock, config, missed and
   retry messages. The detail is a field name, the topic or an error text;
   the JWT never reaches the log callback, at any level.

   CALLBACK CONTRACTS
   ==================
   Every callback gets cfg.user (the token callback gets cfg.token_user,
   which defaults to cfg.user).
   publish(user, topic, payload, len, qos): payload is cfg.buf, NUL-
     terminated at len, valid only during the call: copy it if your client
     queues by pointer (libmosquitto and Paho copy). Return 0 if accepted.
   token(user, &token, &len): point at memory you own, valid until your
     next call; any bytes (escaped). Return non-zero if none is available.
   clock(user, &now): fill sec (Unix), nsec (< 10^9), utc_offset_min.
   log(user, level, msg, err, detail): msg is an HB_MSG_* string.
   fields(user, w): add key/value pairs with hb_json_key + a value call.
     Also called by hb_buf_size() (measuring: write your widest values) and
     by hb_offline_message().
   rand(user): any 32-bit value.
   From inside a callback you may call hb_poll (it returns the wait and
   sends nothing: no double send), hb_stop (it stops; the offline beat is
   skipped because the buffer is in use, and a beat being built - from the
   clock, token or fields callback - is not published: it counts as a
   publish failure with HB_ERR_STATE), hb_set_status, hb_get_stats,
   hb_running. hb_start, hb_beat_now and hb_offline_message return
   HB_ERR_STATE there. Never call hb_init on a service from inside its own
   callbacks: hb_init does not read the storage it is given (it is usually
   uninitialised), so it cannot refuse.
   Strings you give (topic, device_id, status, boot_id_str, and the status
   passed to hb_set_status) must stay valid while the service is used;
   hb_init copies the config struct itself.

   ROBUSTNESS
   ==========
   Always, whatever the callbacks do:
   - Every attempt ends as exactly one of sent or one failure, so
     attempts == sent + fail_clock + fail_token + fail_serialize +
     fail_publish after every call.
   - Nothing partial is published: the message is built whole in cfg.buf
     first; if it does not fit, nothing is sent (fail_serialize,
     HB_ERR_NOSPACE). No input (id, token, status or field bytes, clock
     values, buffer sizes, poll times) writes outside cfg.buf.
   - At most one beat per hb_poll, only on grid points (or a retry,
     hb_beat_now, the offline beat); none while stopped; the answer of
     hb_poll is exact and never more than interval + jitter.
   Under each fault:
   - publish fails: logged, counted, next grid point (or retry with
     backoff); the grid never moves. Slow publish: hb_poll's answer counts
     from the now_ms you passed: sleep until now_ms + answer.
   - token fails: nothing sent (fail_token); the next attempt asks again.
   - clock fails, reads below min_valid_sec or gives nsec >= 10^9:
     fail_clock (or, with HB_OPT_SEND_UNSYNCED, a beat with
     "clock_synced":false). Wall-clock jumps change only the timestamp.
   - an offset of 24 h or more, or a year outside 0..9999: fail_serialize
     with HB_ERR_RANGE, nothing sent.
   - tick late by whole intervals: one beat, the rest counted in missed.
     Polls must come less than 2^31 ms (24.8 days) apart.
   From inside a callback: hb_poll returns the wait and sends nothing;
   hb_stop stops without the offline beat, and a beat still being built
   (clock, token, fields) is not published (fail_publish, HB_ERR_STATE);
   hb_start, hb_beat_now and hb_offline_message return HB_ERR_STATE;
   never call hb_init from inside (it cannot tell, so cannot refuse).
   Checked by tests/test_faults.c, four libFuzzer harnesses (fuzz/) and
   cppcheck, clang-tidy and gcc -fanalyzer; see docs/robustness.md.

   JWT SIGNER (HEARTBEAT_MBEDTLS)
   ==============================
   With HEARTBEAT_MBEDTLS defined everywhere (and -lmbedcrypto), hb_jwt
   signs the token itself, HS256, RS256 or ES256, and caches it until a
   quarter of its lifetime is left; use it as the token callback:
   cfg.token = hb_jwt_token; cfg.token_user = &jwt. Its own section below
   (search "built-in JWT signer") says what each algorithm needs.
   For signed beats (SIGNED BEATS) hb_jwt_signer_init makes an hb_jwt that
   only holds the key, and hb_jwt_sign_beat is the sign callback.

   SIGNED BEATS
   ============
   Instead of a bearer JWT in "jwt_token" (which any subscriber can copy
   and present elsewhere), each beat can carry its own signature and no
   reusable credential (docs/security.md says what this protects):
       cfg.sign_alg     = HB_SIGN_ES256;      // or HB_SIGN_HS256
       cfg.sign_kid     = "dev-7-hb-1";       // the key's id, 1..64 chars
       cfg.sign         = hb_jwt_sign_beat;   // HEARTBEAT_MBEDTLS, or yours
       cfg.sign_user    = &jwt;               // hb_jwt_signer_init(&jwt, &jc)
       cfg.sign_carrier = HB_CARRIER_A;       // or HB_CARRIER_B (MQTT 5)
       cfg.rand         = my_trng;            // draws the boot_id
   The JWS header is exactly {"alg":"ES256","typ":"hb+jwt","kid":"<kid>"}.
   The claims are the beat's JSON as described above, without "jwt_token",
   with "seq", "boot_id", "uptime_ms" and "interval_ms" always (the options
   are switched on for you), and, when the clock is synced, "iat" (the
   timestamp's second) and "exp" = iat + ceil(1.5 * interval in s), before
   any custom fields. No "aud": a heartbeat never passes as a login token.
   boot_id: cfg.boot_id_str if given (or the number cfg.boot_id), else 16
   hex digits of a 64-bit value from two cfg.rand calls, drawn anew at each
   hb_start (seq and uptime restart there, and (boot_id, seq) must never
   repeat for a verifier's replay check): give rand a true random source.
   Carrier A: the payload is the compact JWS B64U(header).B64U(claims).
   B64U(signature). Carrier B: the payload is the claims JSON and
   hb_beat_jws() gives, during the publish callback, the detached JWS
   B64U(header)..B64U(signature) for the MQTT 5 user property "jws". The
   same signature is valid in both. hb_buf_size() sizes cfg.buf for it
   (token_len is then ignored).
   The signer (hb_sign_fn) gets the signing input and writes 64 bytes (ES256,
   raw r||s) or 32 (HS256). A secure element, PSA or a TPM that needs time
   answers with a positive number of ms instead ("pending"): hb_poll then
   returns at most that wait and calls the signer again (again = 1, same
   input) until it answers 0, then publishes. Each hb_poll call does one
   slice of the signer's work, never more. While pending, a grid point that
   comes due is skipped (stats.missed, the grid stays), hb_beat_now and
   hb_offline_message return HB_ERR_STATE, and hb_stop drops the beat. The
   offline beat of hb_stop and hb_offline_message must be signed at once:
   a pending answer there fails them. A signer failure (negative answer)
   is logged as HB_MSG_SIGN with HB_ERR_CRYPTO and counted in
   stats.fail_token (the signature takes the token's place). hb_init
   refuses (HB_ERR_ARG): an unknown sign_alg, no sign, a kid that is empty,
   over 64 bytes or not printable ASCII without " and \, a carrier other
   than A or B, cfg.token set (no bearer token in signed beats), no rand
   when no boot_id is given, sign fields without sign_alg, and signing in a
   HEARTBEAT_NO_OPTIONS build. Off (sign_alg 0), the Go format is untouched.

   INSTALLING
   ==========
   Copying heartbeat.h is enough. `make install PREFIX=...` installs it with
   a pkg-config file and a CMake package (heartbeat::heartbeat, also from
   add_subdirectory); library.json (PlatformIO), library.properties
   (Arduino), idf_component.yml (ESP-IDF) and zephyr/ (a Zephyr module)
   are in the repository. HEARTBEAT_IMPLEMENTATION still goes in one file.

   MORE
   ====
   docs/porting.md, docs/message-format.md (+ heartbeat.schema.json),
   docs/design.md, docs/security.md, docs/go-compat.md, docs/robustness.md,
   docs/performance.md.

   PORTING
   =======
   Needs C99 (or C++11), <stdint.h>, <stddef.h>, and <string.h> unless the
   HB_MEMCPY/HB_MEMSET/HB_STRLEN hooks are given; 32-bit arithmetic only on
   the beat path (dates use 86400 = 128 * 675, integers above 2^32 are
   written without 64-bit division). Give it a millisecond tick and a
   wall clock; docs/porting.md shows bare metal, FreeRTOS, Zephyr, ESP-IDF,
   Arduino and a Linux gateway. Size cfg.buf with hb_buf_size().

   FOOTPRINT
   =========
   make size: arm-none-eabi-gcc 12.2.1, riscv64-unknown-elf-gcc 12.2.0,
   -Os -ffunction-sections -fdata-sections, linked with --gc-sections;
   bytes that come from heartbeat.h only.

              core alone                +options all API     sizeof of      hb_poll
   target      text    ro data  bss     text   text hb_service hb_config  stack
   Cortex-M0   3513!   653    0    0   4759   6611       176!        96    276!
   Cortex-M4   3377!   653    0    0   4637   6379       176!        96    248
   Cortex-M33  3377    653    0    0   4637   6379       176!        96    248
   rv32imac    3815    687    0    0   5213   7221       176!        96    272!

   text includes ro (read-only data: strings, tables). core alone: a
   program calling hb_init, hb_start, hb_poll, hb_stop, built with
   HEARTBEAT_NO_OPTIONS; +options: the same with every option compiled
   in (the fleet options); all API: every public function called.
   hb_poll stack (options in): the deepest call chain, without your
   callbacks and libc/libgcc helpers (memcpy, __aeabi_*).
   ! marks a figure over its target (text <= 2048 on M4, <= 3072 on M0;
   hb_service <= 96; stack <= 256); ? an unbounded stack (see below).

   Targets missed, and why: the core's code is ~3.3 KiB on Cortex-M4, not
   2 KiB: Go-exact escaping (UTF-8 validation, \u2028, \ufffd), Go's
   time format from 64-bit seconds with 32-bit division, config
   validation with a reason for each field, and the log calls do not fit
   in 2 KiB; HEARTBEAT_NO_OPTIONS is the smallest build. sizeof(hb_service)
   is 176, not 96, because hb_init copies the whole config (96 bytes on
   32-bit) so that a config on the stack is safe to drop after hb_init.
   hb_poll's stack meets 256 bytes on Cortex-M4/M33 and is 276 on M0
   (fewer registers, bigger frames) and 272 on RV32.
   x86-64 (gcc 12 -O2, AMD EPYC): one beat 64 ns, idle hb_poll 1.3 ns
   (make bench; docs/performance.md).
*/
#ifndef HEARTBEAT_H
#define HEARTBEAT_H

#define HEARTBEAT_VERSION_MAJOR  0
#define HEARTBEAT_VERSION_MINOR  1
#define HEARTBEAT_VERSION_PATCH  0
#define HEARTBEAT_VERSION_STRING "0.1.0"

#include <stddef.h>
#include <stdint.h>
#if defined(HEARTBEAT_MBEDTLS)
/* The signer's state holds an mbedtls_pk_context, so its type (and with it
   these headers) must be visible wherever hb_jwt is declared. */
#  include <mbedtls/version.h>
#  include <mbedtls/pk.h>
#  if !defined(MBEDTLS_VERSION_NUMBER) || MBEDTLS_VERSION_NUMBER < 0x021C0000 \
      || MBEDTLS_VERSION_NUMBER >= 0x04000000
#    error "heartbeat.h: HEARTBEAT_MBEDTLS needs mbedTLS 2.28.x or 3.x (4.x removed the pk signing API)"
#  endif
#endif

#ifndef HEARTBEAT_DEF
#  ifdef HEARTBEAT_STATIC
#    if defined(__GNUC__) || defined(__clang__)
#      define HEARTBEAT_DEF static __attribute__((unused))
#    else
#      define HEARTBEAT_DEF static
#    endif
#  else
#    define HEARTBEAT_DEF extern
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors --------------------------------------------------------------
   Every function that can fail returns HB_OK (0) or one of these negative
   codes. The values are ABI: append only, never renumber. */
#define HB_ERROR_LIST(X)                                                      \
    X(HB_OK,           0, "ok")                                               \
    X(HB_ERR_ARG,     -1, "invalid argument or config")                      \
    X(HB_ERR_STATE,   -2, "wrong state for this call")                       \
    X(HB_ERR_NOSPACE, -3, "buffer too small")                                \
    X(HB_ERR_PUBLISH, -4, "publish failed")                                  \
    X(HB_ERR_TOKEN,   -5, "token not available")                             \
    X(HB_ERR_CLOCK,   -6, "wall clock not available")                        \
    X(HB_ERR_CRYPTO,  -7, "cryptographic operation failed")                  \
    X(HB_ERR_RANGE,   -8, "time not representable (year or offset out of range)")

#define HBI_ERR_ENUM(name, value, text) name = (value),
enum { HB_ERROR_LIST(HBI_ERR_ENUM) HB_ERR_LAST_ = -8 };
#undef HBI_ERR_ENUM

/* Text for an HB_* code; "unknown error" for anything else. Never NULL. */
HEARTBEAT_DEF const char *hb_strerror(int err);

/* ---- log levels ---------------------------------------------------------- */
enum { HB_LOG_ERROR = 0, HB_LOG_WARN = 1, HB_LOG_INFO = 2, HB_LOG_DEBUG = 3 };

/* The fixed log messages (compare by pointer or by text). */
#define HB_MSG_SERIALIZE "failed to serialize heartbeat message"
#define HB_MSG_PUBLISH   "failed to publish heartbeat message"
#define HB_MSG_OK        "Heartbeat published successfully"
#define HB_MSG_TOKEN     "failed to get heartbeat token"
#define HB_MSG_CLOCK     "failed to read heartbeat clock"
#define HB_MSG_CONFIG    "invalid heartbeat config"
#define HB_MSG_MISSED    "heartbeat missed: poll came late"
#define HB_MSG_RETRY     "heartbeat retry scheduled"
#define HB_MSG_SIGN      "failed to sign heartbeat message"

/* ---- time ---------------------------------------------------------------- */
typedef struct hb_time {
    int64_t  sec;            /* Unix seconds */
    uint32_t nsec;           /* 0 .. 999999999 */
    int16_t  utc_offset_min; /* 0 = UTC ("Z"); e.g. 330 = +05:30 */
} hb_time;

/* ---- callbacks (all receive the `user` pointer from the config) ---------- */

/* Hand one message to the MQTT client. 0 = accepted, non-zero = failed.
   payload is NUL-terminated at payload[len]; it lives in cfg.buf and is
   valid only during the call: copy it if your client queues by pointer. */
typedef int (*hb_publish_fn)(void *user, const char *topic,
                             const char *payload, size_t len, int qos);

/* Current JWT. Sets *token and *len to memory owned by the callee, valid until
   the next call. 0 = ok, non-zero = no token available now. */
typedef int (*hb_token_fn)(void *user, const char **token, size_t *len);

/* Wall-clock time. 0 = ok, non-zero = clock not available (not synced). */
typedef int (*hb_clock_fn)(void *user, hb_time *now);

/* Log sink. msg is one of the HB_MSG_* strings; err an HB_ERR_* or 0;
   detail may be NULL. A JWT never reaches this callback. */
typedef void (*hb_log_fn)(void *user, int level, const char *msg, int err,
                          const char *detail);

/* Random source for jitter: any 32-bit value, uniform enough. */
typedef uint32_t (*hb_rand_fn)(void *user);

/* ---- the JSON writer ------------------------------------------------------
   Writes compact JSON into a caller buffer. The first error is sticky: once
   the buffer overflows (HB_ERR_NOSPACE) or a call is out of order
   (HB_ERR_STATE), every later call does nothing and returns that error, and
   hb_json_finish reports it. A NULL buffer with size 0 measures: every call
   succeeds and hb_json_finish gives the length the output would have.
   The output is always NUL-terminated, so it needs length + 1 bytes. */
typedef struct hb_json {
    char    *buf;    /* private: use the functions */
    size_t   size;
    size_t   len;
    int      err;
    uint32_t kinds;  /* bit d set: nesting level d is an object */
    uint8_t  depth;  /* 0 .. 32 */
    uint8_t  first;  /* no value written yet at this level */
    uint8_t  key;    /* a key was written, its value is due */
    uint8_t  done;   /* the top-level value is complete */
} hb_json;

HEARTBEAT_DEF void hb_json_init(hb_json *w, char *buf, size_t size);
HEARTBEAT_DEF int  hb_json_begin_object(hb_json *w);
HEARTBEAT_DEF int  hb_json_end_object(hb_json *w);
HEARTBEAT_DEF int  hb_json_begin_array(hb_json *w);
HEARTBEAT_DEF int  hb_json_end_array(hb_json *w);
/* An object key, `len` bytes, escaped like any string. */
HEARTBEAT_DEF int  hb_json_key(hb_json *w, const char *key, size_t len);
/* A string value of `len` bytes (may hold NUL), escaped as Go does. */
HEARTBEAT_DEF int  hb_json_string(hb_json *w, const char *s, size_t len);
HEARTBEAT_DEF int  hb_json_int(hb_json *w, int64_t v);
HEARTBEAT_DEF int  hb_json_uint(hb_json *w, uint64_t v);
HEARTBEAT_DEF int  hb_json_bool(hb_json *w, int v);
HEARTBEAT_DEF int  hb_json_null(hb_json *w);
/* A time as Go's time.Time.MarshalJSON writes it (RFC 3339, nanoseconds,
   trailing zeros trimmed). HB_ERR_RANGE where Go fails: a local year
   outside 0..9999 or an offset of 24 h or more; HB_ERR_ARG for nsec >= 1e9. */
HEARTBEAT_DEF int  hb_json_time(hb_json *w, const hb_time *t);
/* Checks the document is complete; *len (may be NULL) gets its length
   without the NUL. Returns HB_OK or the sticky error. */
HEARTBEAT_DEF int  hb_json_finish(hb_json *w, size_t *len);

/* The time alone, as text without quotes, into buf (NUL-terminated).
   Returns the length (at most HB_TIME_MAX) or a negative HB_ERR_*. */
#define HB_TIME_MAX 35
HEARTBEAT_DEF int  hb_format_time(char *buf, size_t size, const hb_time *t);

/* ---- the service ----------------------------------------------------------- */

/* cfg.flags: options, each off when zero (the Go-compatible default). */
enum {
    HB_OPT_IMMEDIATE     = 1u << 0, /* first beat at hb_start, not one interval later */
    HB_OPT_DESYNC        = 1u << 1, /* grid phase from a hash of device_id */
    HB_OPT_SEQ           = 1u << 2, /* "seq": attempt number since start */
    HB_OPT_BOOT_ID       = 1u << 3, /* "boot_id": cfg.boot_id or cfg.boot_id_str */
    HB_OPT_UPTIME        = 1u << 4, /* "uptime_ms": ms since hb_start, 64-bit */
    HB_OPT_INTERVAL      = 1u << 5, /* "interval_ms" */
    HB_OPT_HEALTH        = 1u << 6, /* "publish_failures", "missed", "last_error" */
    HB_OPT_OFFLINE_ON_STOP = 1u << 7, /* hb_stop publishes status "offline" */
    HB_OPT_SEND_UNSYNCED = 1u << 8  /* clock failure: send without timestamp,
                                       with "clock_synced":false */
};

/* Custom fields: called while the object is open, after the built-in fields.
   Add key/value pairs with hb_json_key and a value call. An overflow makes
   the beat a serialisation failure; nothing partial is sent. */
typedef void (*hb_fields_fn)(void *user, hb_json *w);

/* ---- SIGNED BEATS (declarations) -------------------------------------------
   cfg.sign_alg != 0 replaces the bearer "jwt_token" by a per-beat JWS of
   profile "hb+jwt" (manual: SIGNED BEATS). */
enum { HB_SIGN_NONE = 0, HB_SIGN_HS256 = 1, HB_SIGN_ES256 = 3 }; /* = HB_JWT_* */
enum {
    HB_CARRIER_A = 0, /* the MQTT payload is the compact JWS (MQTT 3.1.1 and 5) */
    HB_CARRIER_B = 1  /* MQTT 5: the payload is the JSON claims, the detached
                         JWS goes in the user property "jws" */
};
#define HB_SIGN_KID_MAX 64   /* bytes of cfg.sign_kid */

/* Signs one beat: input[0..len) is the JWS signing input (ASCII,
   BASE64URL(header) "." BASE64URL(claims)); write the signature to sig:
   64 bytes raw r||s for HB_SIGN_ES256, 32 for HB_SIGN_HS256. again is 0 on
   the first call for a beat and 1 when the service calls back after a
   "pending" answer; input and sig are then the same, untouched.
   Return 0 when sig is written; a positive number of ms ("pending: call me
   again after that long"; hb_poll returns at most that wait and finishes
   the beat on a later call); negative on failure. Do one slice of work per
   call. A call with again == 0 abandons any earlier unfinished job. */
typedef int (*hb_sign_fn)(void *user, int alg, const char *input, size_t len,
                          unsigned char *sig, int again);
/* ---- end SIGNED BEATS ---- */

typedef struct hb_config {
    const char   *topic;        /* MQTT topic; no + or #, UTF-8, <= 65535 bytes */
    uint32_t      interval_ms;  /* 1 .. 2^31-1 */
    int           qos;          /* 0, 1 or 2; handed to publish as is */
    const char   *device_id;    /* NUL-terminated, any bytes (escaped) */
    const char   *status;       /* NULL means "alive"; the original Go agent's
                                   StatusAlive constant is "1" - set it for
                                   wire compatibility with that backend.
                                   1..32 bytes of valid UTF-8 */
    hb_publish_fn publish;      /* required */
    hb_token_fn   token;        /* optional: NULL sends "jwt_token":"" */
    void         *token_user;   /* passed to token; NULL means: pass user */
    hb_clock_fn   clock;        /* required */
    hb_log_fn     log;          /* optional */
    void         *user;
    char         *buf;          /* payload buffer, caller-owned; size it with
                                   hb_buf_size() */
    size_t        buf_size;
    /* ---- options: all zero = the Go service's behaviour ---- */
    uint32_t      flags;          /* HB_OPT_* bits */
    uint32_t      retry_base_ms;  /* 0 = no retry: a failed beat waits for the
                                     next grid point. Else the first retry
                                     comes this long after the failure,
                                     doubling each time */
    uint32_t      retry_max_ms;   /* cap on the retry delay, retry_base_ms ..
                                     interval_ms - 1; 0 = interval/2 */
    uint32_t      jitter_ms;      /* 0 = none; else each beat is sent up to
                                     this much after its grid point;
                                     < interval_ms and interval_ms +
                                     jitter_ms < 2^31; needs rand */
    hb_rand_fn    rand;           /* random source for jitter and retry jitter */
    uint32_t      boot_id;        /* with HB_OPT_BOOT_ID and no boot_id_str */
    const char   *boot_id_str;    /* with HB_OPT_BOOT_ID: a string instead */
    hb_fields_fn  fields;         /* custom fields, NULL = none */
    int64_t       min_valid_sec;  /* clock below this counts as unsynced;
                                     0 = any time is accepted */
    /* ---- SIGNED BEATS: all zero = unsigned, the Go format ---- */
    int           sign_alg;       /* HB_SIGN_NONE, HB_SIGN_ES256, HB_SIGN_HS256 */
    const char   *sign_kid;       /* "kid" of the header: 1..64 bytes of
                                     printable ASCII without " and \;
                                     required when signing */
    hb_sign_fn    sign;           /* the signer (required when signing):
                                     yours, or hb_jwt_sign_beat */
    void         *sign_user;      /* passed to sign; NULL means: pass user */
    int           sign_carrier;   /* HB_CARRIER_A (0) or HB_CARRIER_B */
} hb_config;

/* What has happened since hb_start (hb_start resets it). Every beat
   attempted ends as exactly one of sent or a failure:
   attempts == sent + fail_clock + fail_token + fail_serialize + fail_publish */
typedef struct hb_stats {
    uint32_t attempts;        /* beats attempted (grid, retry, now, offline) */
    uint32_t sent;            /* accepted by publish */
    uint32_t fail_clock;
    uint32_t fail_token;
    uint32_t fail_serialize;
    uint32_t fail_publish;
    uint32_t missed;          /* grid points skipped because polls came late */
    uint32_t retries;         /* attempts that were retries */
    uint32_t consecutive_failures;
    int      last_error;      /* HB_* of the last attempt */
} hb_stats;

/* The service's private state: do not touch, use the functions. Declared
   at file scope so that C and C++ see the same type. */
struct hb_service_internal {
    hb_config     cfg;      /* hb_init's copy, defaults resolved */
    const char   *status;   /* current status (hb_set_status) */
    uint32_t      grid;     /* next grid point (ms tick) */
    uint32_t      due;      /* grid + this beat's jitter */
    uint32_t      retry_at; /* next retry, when pending & RETRY */
    uint32_t      backoff;  /* current retry delay */
    uint32_t      init_ms;  /* tick at hb_start, for uptime */
    uint32_t      last_ms;  /* last tick seen, to count wraps */
    uint32_t      wraps;    /* uptime's high word */
    uint32_t      seq;      /* next "seq" value */
    uint8_t       state;    /* HBI_ST_*: doubles as an init marker */
    uint8_t       pending;  /* HBI_PEND_* bits */
    uint8_t       busy;     /* inside a beat: re-entry guard */
    uint8_t       reserved;
    hb_stats      stats;
    /* ---- SIGNED BEATS ---- */
    size_t        sg_in;    /* signing input: buf[sg_in .. sg_end) */
    size_t        sg_end;
    size_t        sg_plen;  /* carrier B: the payload's length */
    size_t        sg_jws;   /* carrier B: the detached JWS at buf[sg_jws..] */
    size_t        sg_jws_len;
    uint32_t      sg_at;    /* pending signature: ask again at this tick */
    uint8_t       sg_state; /* 0, or HBI_SG_PENDING */
    char          boot_hex[17]; /* the generated boot_id */
};

/* The service. All members are private: storage is yours (static, stack or
   an array of thousands), access is through the functions. */
typedef struct hb_service {
    struct hb_service_internal internal_;
} hb_service;

#define HB_POLL_IDLE UINT32_MAX  /* hb_poll's answer when stopped */

/* Validates cfg and makes hb a stopped service. HB_ERR_ARG (and a log line
   naming the field) for any bad field. */
HEARTBEAT_DEF int      hb_init(hb_service *hb, const hb_config *cfg);
/* Starts the grid at now_ms. HB_ERR_STATE when already running. */
HEARTBEAT_DEF int      hb_start(hb_service *hb, uint32_t now_ms);
/* Stops; idempotent. With HB_OPT_OFFLINE_ON_STOP a running service first
   publishes one beat with status "offline". */
HEARTBEAT_DEF void     hb_stop(hb_service *hb, uint32_t now_ms);
/* Sends the beat that is due, if any, and returns the ms until the next
   call is needed (0 = call again now); HB_POLL_IDLE when stopped. */
HEARTBEAT_DEF uint32_t hb_poll(hb_service *hb, uint32_t now_ms);
/* Sends one beat now, off the grid (the grid does not move). Returns its
   result: HB_OK or the failure's HB_ERR_*. HB_ERR_STATE when stopped. */
HEARTBEAT_DEF int      hb_beat_now(hb_service *hb, uint32_t now_ms);
/* Changes the status of the following beats (validated as cfg.status; the
   string must stay valid). NULL = back to the config's status. */
HEARTBEAT_DEF int      hb_set_status(hb_service *hb, const char *status);
/* Copies the counters since hb_start into *out. */
HEARTBEAT_DEF int      hb_get_stats(const hb_service *hb, hb_stats *out);
/* 1 when started, 0 when stopped or not initialised. */
HEARTBEAT_DEF int      hb_running(const hb_service *hb);
/* Builds the beat with status "offline" into buf (not cfg.buf), e.g. for the
   MQTT Last Will, so will, birth and beat share one topic and one format.
   *len gets the length without the NUL. Publishes nothing. */
HEARTBEAT_DEF int      hb_offline_message(hb_service *hb, uint32_t now_ms,
                                          char *buf, size_t size, size_t *len);
/* The buf_size a config needs for tokens of up to token_len bytes of
   base64url (NUL included), with the widest timestamp and counters. */
HEARTBEAT_DEF size_t   hb_buf_size(const hb_config *cfg, size_t token_len);

/* ---- SIGNED BEATS (functions) ---- */
/* Carrier B: the detached JWS (BASE64URL(header) ".." BASE64URL(signature),
   NUL-terminated) of the beat being published; *len (may be NULL) gets
   its length. Valid only during the publish callback; NULL otherwise or
   with carrier A. */
HEARTBEAT_DEF const char *hb_beat_jws(const hb_service *hb, size_t *len);
/* The boot_id string the signed beats carry: cfg.boot_id_str, or the one
   generated at each hb_start when neither it nor cfg.boot_id is given.
   NULL when not signing, or when the boot_id is the number cfg.boot_id. */
HEARTBEAT_DEF const char *hb_boot_id(const hb_service *hb);
/* ---- end SIGNED BEATS ---- */

#if defined(HEARTBEAT_MBEDTLS)
/* ---- the built-in JWT signer (HEARTBEAT_MBEDTLS) -------------------------
   Makes the token for the "jwt_token" field and hands it to the service as
   an hb_token_fn:

       static hb_jwt jwt;
       hb_jwt_config jc = {0};
       jc.alg = HB_JWT_ES256;  jc.key = pem;  jc.key_len = strlen(pem) + 1;
       jc.aud = "my-project";  jc.clock = my_clock;
       jc.buf = tokbuf;        jc.buf_size = sizeof tokbuf;
       if (hb_jwt_init(&jwt, &jc) != HB_OK) ...;
       cfg.token = hb_jwt_token;  cfg.token_user = &jwt;

   Tokens are JWS compact serialisation (RFC 7515/7519): base64url without
   padding of {"alg":"ES256","typ":"JWT"} . {"iat":..,"exp":..,"aud":..,
   ["iss"],["sub"],["jti"]} . signature. exp = iat + lifetime_s exactly.

   Algorithms:
   - HB_JWT_HS256: HMAC-SHA-256; key = the secret bytes, at least 32 of
     them (RFC 7518 3.2). The signer keeps its own copy (a key longer than
     64 bytes is kept as its SHA-256, which HMAC treats the same way).
   - HB_JWT_RS256: RSASSA-PKCS1-v1_5 with SHA-256; an RSA private key of
     2048..4096 bits. RSA blinding needs randomness: cfg.rng is REQUIRED
     (hb_jwt_init returns HB_ERR_ARG without it). Give it your TRNG, or
     mbedtls_ctr_drbg_random with its context as rng_user.
   - HB_JWT_ES256: ECDSA on P-256 with SHA-256, deterministic (RFC 6979),
     so the signature does not depend on any RNG; the signature is the raw
     64-byte r||s that JWS requires, not DER. The scalar multiplication is
     still blinded against side channels: with cfg.rng the blinding comes
     from it, without it from an internal generator (SHA-256 of a secret
     seed derived from the key, and a counter). Pass rng when you have one.
   RS256/ES256 keys are PEM or DER: PKCS#8, PKCS#1 (RSA) or SEC1 (EC),
   unencrypted. For PEM, key_len counts the terminating NUL. The key is
   parsed once, in hb_jwt_init; the caller's key buffer is not kept.

   Caching: a token is signed on the first hb_jwt_token call and handed out
   again until now >= exp - refresh_margin_s (or the clock went back before
   iat); then a new one is signed. With a beat every minute and the default
   one-hour lifetime, that is one signature per 45 beats.

   No token is minted while the clock fails or reads below min_valid_sec
   (default 2024-01-01): a device that has not synced yet would otherwise
   send tokens from 1970 that every server refuses.

   mbedTLS allocates the parsed key's numbers on its heap (mbedtls_calloc);
   the signer itself allocates nothing. For a static pool, build mbedTLS
   with MBEDTLS_MEMORY_BUFFER_ALLOC_C. Supported: mbedTLS 2.28 and 3.x
   (tested with 3.6); with MBEDTLS_USE_PSA_CRYPTO in a 3.x build, call
   psa_crypto_init() before hb_jwt_init. Stack: about 1.1 KB of the
   signer's own while signing (gcc -O1, x86-64; the signature, up to
   RSA-4096, sits on the stack), plus what mbedTLS uses. */

enum { HB_JWT_HS256 = 1, HB_JWT_RS256 = 2, HB_JWT_ES256 = 3 };

#define HB_JWT_LIFETIME_DEFAULT  3600u    /* s, when lifetime_s is 0 */
/* 2024-01-01T00:00:00Z: below this a clock is taken as never synced. */
#define HB_JWT_MIN_VALID_DEFAULT INT64_C(1704067200)

/* Random bytes: fill out[0..len), return 0, or non-zero on failure. The
   same type as mbedTLS's f_rng, so mbedtls_ctr_drbg_random fits. */
typedef int (*hb_jwt_rng_fn)(void *user, unsigned char *out, size_t len);

typedef struct hb_jwt_config {
    int                  alg;        /* HB_JWT_HS256, HB_JWT_RS256, HB_JWT_ES256 */
    const unsigned char *key;        /* HS256: secret bytes (>= 32);
                                        RS/ES: PEM or DER private key */
    size_t               key_len;    /* for PEM, include the terminating NUL */
    const char          *aud;        /* "aud" claim, required, non-empty,
                                        NUL-terminated; must stay valid */
    uint32_t             lifetime_s; /* exp - iat; 0 = 3600 */
    hb_clock_fn          clock;      /* Unix time for iat/exp, required */
    void                *clock_user;
    char                *buf;        /* token buffer, caller-owned, valid
                                        until hb_jwt_free (which zeroes it);
                                        size it with hb_jwt_buf_size() */
    size_t               buf_size;
    /* ---- options: zero = default ---- */
    const char          *iss;        /* "iss" claim; NULL = none; must stay valid */
    const char          *sub;        /* "sub" claim; NULL = none; must stay valid */
    int                  jti;        /* non-zero: a "jti" of 16 random bytes
                                        (22 base64url chars) per token; needs rng */
    uint32_t             refresh_margin_s; /* re-sign when now >= exp - margin;
                                        0 = lifetime_s / 4 */
    uint32_t             skew_s;     /* iat = now - skew_s, for verifiers whose
                                        clock is behind; 0 = none.
                                        margin + skew must be < lifetime */
    int64_t              min_valid_sec; /* clock below this = unsynced, no
                                        token; 0 = HB_JWT_MIN_VALID_DEFAULT.
                                        Set 1 to accept any time after 1970 */
    hb_jwt_rng_fn        rng;        /* required for RS256 and jti; optional
                                        for ES256 (blinding); unused by HS256 */
    void                *rng_user;
} hb_jwt_config;

/* The signer's state: private, do not touch (a file-scope tag, as for
   hb_service, so C and C++ name it alike). */
struct hb_jwt_internal {
    hb_jwt_config      cfg;       /* hb_jwt_init's copy, defaults resolved */
    mbedtls_pk_context pk;        /* RS256/ES256 private key */
    unsigned char      hkey[64];  /* HS256 key (or SHA-256 of a long one) */
    unsigned char      seed[32];  /* internal blinding generator's secret */
    uint64_t           ctr;       /* ... and its counter */
    int64_t            iat;       /* the cached token's claims */
    int64_t            exp;
    size_t             len;       /* cached token length; 0 = none */
    size_t             hkey_len;
    uint32_t           signs;     /* tokens signed since hb_jwt_init */
    int                mbedtls_err; /* last mbedTLS error code, for debugging */
    uint32_t           magic;     /* set by hb_jwt_init, cleared by free */
};

/* The signer. All members are private; the storage is yours. */
typedef struct hb_jwt {
    struct hb_jwt_internal internal_;
} hb_jwt;

/* Validates cfg, parses the key and makes jwt ready; signs nothing yet.
   HB_ERR_ARG for a bad config: unknown or unavailable alg, NULL/empty aud,
   NULL clock or buf, buf_size 0, margin + skew >= lifetime, an HS256 key
   under 32 bytes, a key that does not parse, a key of the wrong type or
   size for alg, RS256 or jti without rng. On failure jwt is zeroed, so
   hb_jwt_free on it is harmless. */
HEARTBEAT_DEF int    hb_jwt_init(hb_jwt *jwt, const hb_jwt_config *cfg);
/* An hb_token_fn: cfg.token = hb_jwt_token, cfg.token_user = &jwt.
   Sets *token and *len to the cached token in cfg.buf (NUL-terminated), signing
   a new one first when needed. On failure *token = NULL and *len = 0:
   HB_ERR_CLOCK (clock failed or below min_valid_sec; the cached token is
   kept for when the clock is back), HB_ERR_NOSPACE (buf too small) or
   HB_ERR_CRYPTO (signing or rng failed), after which the buffer is zeroed
   and the cache empty; HB_ERR_ARG (NULL), HB_ERR_STATE (not initialised). */
HEARTBEAT_DEF int    hb_jwt_token(void *jwt, const char **token, size_t *len);
/* Frees the key, zeroises the signer and the token buffer. NULL, a failed
   init and a second call are harmless. */
HEARTBEAT_DEF void   hb_jwt_free(hb_jwt *jwt);
/* The buf_size that holds any token this config can make (NUL included),
   for the widest iat/exp; 0 for a config hb_jwt_init would reject. For
   RS256 it parses the key to learn its size, so call it while cfg->key is
   still valid (cfg->buf may be NULL). Use the answer for the service too:
   hb_buf_size(&cfg, hb_jwt_buf_size(&jc)). */
HEARTBEAT_DEF size_t hb_jwt_buf_size(const hb_jwt_config *cfg);
/* base64url without padding (RFC 4648 section 5) of src[0..n) into dst,
   NUL-terminated. *out_len (may be NULL) gets the length without the NUL.
   HB_ERR_NOSPACE (dst untouched) when size < the length + 1; HB_ERR_ARG
   for NULL pointers. dst and src must not overlap. */
HEARTBEAT_DEF int    hb_jwt_b64url(char *dst, size_t size, const void *src,
                                   size_t n, size_t *out_len);

/* ---- SIGNED BEATS: the mbedTLS signer for them ----
   Makes jwt a key holder for signed beats (no token, no clock): of cfg only
   alg (HB_JWT_HS256 or HB_JWT_ES256), key, key_len, rng and rng_user are
   read, with the same rules as hb_jwt_init. Then cfg.sign =
   hb_jwt_sign_beat, cfg.sign_user = &jwt, cfg.sign_alg = the same alg.
   HB_ERR_ARG for another alg or a bad key. hb_jwt_token on it returns
   HB_ERR_STATE; hb_jwt_free frees it. */
HEARTBEAT_DEF int    hb_jwt_signer_init(hb_jwt *jwt, const hb_jwt_config *cfg);
/* An hb_sign_fn over a jwt from hb_jwt_signer_init (or hb_jwt_init with
   HS256/ES256): signs at once (never pending). ES256 is deterministic
   (RFC 6979), raw r||s. Returns 0, or HB_ERR_ARG (alg is not the key's),
   HB_ERR_STATE (not initialised), HB_ERR_CRYPTO. */
HEARTBEAT_DEF int    hb_jwt_sign_beat(void *jwt, int alg, const char *input,
                                      size_t len, unsigned char *sig, int again);
#endif /* HEARTBEAT_MBEDTLS */

#ifdef __cplusplus
}
#endif
#endif /* HEARTBEAT_H */

/* ========================================================================
   IMPLEMENTATION
   ======================================================================== */
#if defined(HEARTBEAT_IMPLEMENTATION) && !defined(HEARTBEAT_IMPLEMENTATION_INCLUDED)
#define HEARTBEAT_IMPLEMENTATION_INCLUDED

#if defined(HB_MEMCPY) && defined(HB_MEMSET) && defined(HB_STRLEN)
/* the caller's hooks: no <string.h> needed */
#elif !defined(HB_MEMCPY) && !defined(HB_MEMSET) && !defined(HB_STRLEN)
#  include <string.h>
#  define HB_MEMCPY(d, s, n) memcpy((d), (s), (n))
#  define HB_MEMSET(d, c, n) memset((d), (c), (n))
#  define HB_STRLEN(s)       strlen(s)
#  define HBI_OWN_MEM_HOOKS
#else
#  error "heartbeat.h: define all three of HB_MEMCPY, HB_MEMSET, HB_STRLEN, or none of them"
#endif

#ifndef HB_ASSERT
#  define HB_ASSERT(c) ((void)0)
#endif
#if defined(__GNUC__) || defined(__clang__)
#  define HBI_NOINLINE __attribute__((noinline))
#else
#  define HBI_NOINLINE
#endif

#define HBI_ST_STOPPED  0x53u   /* 'S': init marker too, so a zeroed or */
#define HBI_ST_RUNNING  0x52u   /* 'R': garbage struct is "not initialised" */
#define HBI_PEND_NOW    1u      /* an immediate beat is due at the next poll */
#define HBI_PEND_RETRY  2u      /* a retry is due at retry_at */
#define HBI_MAX_DEPTH   32u
#define HBI_OPT_ALL     0x1FFu
/* HEARTBEAT_NO_OPTIONS: "if (HBI_OPTIONS && ...)" leaves the options' code
   to the compiler's dead-code removal, yet type-checked in every build. */
#ifdef HEARTBEAT_NO_OPTIONS
#  define HBI_OPTIONS   0
#else
#  define HBI_OPTIONS   1
#endif
/* Unix seconds of 0000-01-01T00:00:00 and 9999-12-31T23:59:59: the range
   Go's MarshalJSON accepts for the local time. */
#define HBI_SEC_MIN     (-62167219200LL)
#define HBI_SEC_MAX     253402300799LL
/* Shifts Unix seconds to seconds since -0400-03-01, which keeps every
   accepted time positive and below 2^39, so (s >> 7) fits 32 bits. */
#define HBI_SEC_SHIFT   74784816000LL

HEARTBEAT_DEF const char *hb_strerror(int err)
{
    switch (err) {
#define HBI_ERR_CASE(name, value, text) case value: return text;
    HB_ERROR_LIST(HBI_ERR_CASE)
#undef HBI_ERR_CASE
    default: return "unknown error";
    }
}

/* ---- UTF-8: the same rules as Go's utf8.DecodeRune ---------------------- */

/* Length of the valid UTF-8 sequence at s (n > 0 bytes available), or 0 if
   the first byte starts no valid sequence: overlongs, surrogates, > U+10FFFF
   and truncated sequences all count as invalid, one byte at a time. */
static size_t hbi_utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0], lo = 0x80u, hi = 0xBFu;
    size_t len, k;
    uint32_t v;
    if (c < 0x80u) { *cp = c; return 1; }
    if (c < 0xC2u || c > 0xF4u) return 0;
    len = c < 0xE0u ? 2u : c < 0xF0u ? 3u : 4u;
    if (n < len) return 0;
    if (c == 0xE0u) lo = 0xA0u;
    else if (c == 0xEDu) hi = 0x9Fu;
    else if (c == 0xF0u) lo = 0x90u;
    else if (c == 0xF4u) hi = 0x8Fu;
    if (s[1] < lo || s[1] > hi) return 0;
    v = c & (0x7Fu >> len);
    for (k = 1; k < len; k++) {
        if ((s[k] & 0xC0u) != 0x80u) return 0;
        v = (v << 6) | (uint32_t)(s[k] & 0x3Fu);
    }
    *cp = v;
    return len;
}

/* 1 if s[0..n) is valid UTF-8 without NUL bytes. */
static int hbi_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;
    uint32_t cp;
    while (i < n) {
        if (p[i] == 0) return 0;
        k = hbi_utf8_len(p + i, n - i, &cp);
        if (k == 0) return 0;
        i += k;
    }
    return 1;
}

/* strlen that stops looking after max bytes (returns max + 1 then). */
static size_t hbi_strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n <= max && s[n] != '\0') n++;
    return n;
}

/* ---- the JSON writer ------------------------------------------------------ */

HEARTBEAT_DEF void hb_json_init(hb_json *w, char *buf, size_t size)
{
    if (w == NULL) return;
    w->buf = buf;
    w->size = buf != NULL ? size : 0;
    w->len = 0;
    w->err = HB_OK;
    w->kinds = 0;
    w->depth = 0;
    w->first = 1;
    w->key = 0;
    w->done = 0;
}

static void hbi_put(hb_json *w, const char *s, size_t n)
{
    if (w->err != HB_OK) return;
    if (w->buf == NULL) { w->len += n; return; }
    /* len < size always holds, so size - len cannot wrap; keeping one byte
       back for the NUL makes the test "n < room". */
    HB_ASSERT(w->len <= w->size);   /* < once anything was written */
    if (n >= w->size - w->len) {
        w->err = HB_ERR_NOSPACE;
        return;
    }
    HB_MEMCPY(w->buf + w->len, s, n);
    w->len += n;
}

static int hbi_fail(hb_json *w, int err)
{
    if (w->err == HB_OK) w->err = err;
    return w->err;
}

/* Everything due before a value: the state check and the comma. */
static int hbi_value(hb_json *w)
{
    if (w == NULL) return HB_ERR_ARG;
    if (w->err != HB_OK) return w->err;
    if (w->done) return hbi_fail(w, HB_ERR_STATE);
    if (w->depth > 0) {
        if (w->kinds & (1u << (w->depth - 1u))) {
            if (!w->key) return hbi_fail(w, HB_ERR_STATE);
            w->key = 0;
        } else if (!w->first) {
            hbi_put(w, ",", 1);
        }
        w->first = 0;
    }
    return w->err;
}

static int hbi_after(hb_json *w)
{
    if (w->depth == 0) w->done = 1;
    return w->err;
}

static int hbi_begin(hb_json *w, char open, uint32_t is_object)
{
    if (hbi_value(w) != HB_OK) return w->err;
    if (w->depth >= HBI_MAX_DEPTH) return hbi_fail(w, HB_ERR_STATE);
    hbi_put(w, &open, 1);
    if (is_object) w->kinds |= 1u << w->depth;
    else w->kinds &= ~(1u << w->depth);
    w->depth++;
    w->first = 1;
    return w->err;
}

static int hbi_end(hb_json *w, char close, uint32_t is_object)
{
    if (w == NULL) return HB_ERR_ARG;
    if (w->err != HB_OK) return w->err;
    if (w->depth == 0 || w->key ||
        ((w->kinds >> (w->depth - 1u)) & 1u) != is_object)
        return hbi_fail(w, HB_ERR_STATE);
    hbi_put(w, &close, 1);
    w->depth--;
    w->first = 0;
    return hbi_after(w);
}

HEARTBEAT_DEF int hb_json_begin_object(hb_json *w) { return hbi_begin(w, '{', 1); }
HEARTBEAT_DEF int hb_json_end_object(hb_json *w)   { return hbi_end(w, '}', 1); }
HEARTBEAT_DEF int hb_json_begin_array(hb_json *w)  { return hbi_begin(w, '[', 0); }
HEARTBEAT_DEF int hb_json_end_array(hb_json *w)    { return hbi_end(w, ']', 0); }

/* ---- the next byte that needs care ----------------------------------------
   Printable ASCII other than " \ < > & goes out verbatim; everything else
   (control bytes, those five, any byte >= 0x80) needs a look. The fast path
   finds the next such byte 16 bytes at a time with SSE2 (where the compiler
   says __SSE2__) and 8 at a time with 64-bit arithmetic everywhere else, so
   a UUID or a base64url token is one scan and one copy. The compact path
   (-Os, or HEARTBEAT_COMPACT) looks at one byte at a time. */
#if defined(HEARTBEAT_COMPACT) || \
    (defined(__OPTIMIZE_SIZE__) && !defined(HEARTBEAT_FAST))
#  define HBI_FAST 0
#else
#  define HBI_FAST 1
#endif
#if HBI_FAST && defined(__SSE2__) && !defined(HEARTBEAT_NO_SIMD) && \
    (defined(__GNUC__) || defined(__clang__))
#  define HBI_SSE2 1
#  include <emmintrin.h>
#else
#  define HBI_SSE2 0
#endif

static int hbi_plain(unsigned c)
{
    return c >= 0x20u && c < 0x80u && c != '"' && c != '\\' && c != '<' &&
           c != '>' && c != '&';
}

#if HBI_FAST
#define HBI_ONES  0x0101010101010101ull
#define HBI_HIGHS 0x8080808080808080ull

/* The high bit of each byte of the answer is set where that byte of x needs
   care. Each byte is tested on its low 7 bits, where adding at most 0x7F
   cannot carry into the next byte: the answer is exact byte by byte. */
static uint64_t hbi_care8(uint64_t x)
{
    uint64_t lo = x & ~HBI_HIGHS;
    uint64_t ctl = lo + HBI_ONES * 0x60u;                  /* set: >= 0x20 */
    uint64_t qa = ((lo | HBI_ONES * 0x04u) ^ (HBI_ONES * 0x26u))
                + HBI_ONES * 0x7Fu;                         /* clear: " & */
    uint64_t lg = ((lo | HBI_ONES * 0x02u) ^ (HBI_ONES * 0x3Eu))
                + HBI_ONES * 0x7Fu;                         /* clear: < > */
    uint64_t bs = (lo ^ (HBI_ONES * 0x5Cu)) + HBI_ONES * 0x7Fu; /* clear: \ */
    return (x | ~ctl | ~qa | ~lg | ~bs) & HBI_HIGHS;
}

/* Index of the first byte of s[i..n) that needs care, or n. */
static size_t hbi_skip(const unsigned char *s, size_t i, size_t n)
{
#if HBI_SSE2
    if (n - i >= 16u) {
        const __m128i c20 = _mm_set1_epi8(0x20), c04 = _mm_set1_epi8(0x04),
                      c26 = _mm_set1_epi8(0x26), c02 = _mm_set1_epi8(0x02),
                      c3e = _mm_set1_epi8(0x3E), c5c = _mm_set1_epi8(0x5C);
        size_t last = n - 16u;
        for (;;) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            /* signed: bytes >= 0x80 are negative, so "below 0x20" too */
            __m128i m = _mm_or_si128(
                _mm_or_si128(_mm_cmpgt_epi8(c20, x), _mm_cmpeq_epi8(x, c5c)),
                _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(x, c04), c26),
                             _mm_cmpeq_epi8(_mm_or_si128(x, c02), c3e)));
            unsigned bits = (unsigned)_mm_movemask_epi8(m);
            if (bits != 0) return i + (size_t)__builtin_ctz(bits);
            if (i == last) return n;
            /* the tail is the last 16 bytes, overlapping bytes found clean */
            i = last - i > 16u ? i + 16u : last;
        }
    }
#endif
    while (n - i >= 8u) {
        uint64_t x, m;
        HB_MEMCPY(&x, s + i, 8);
        m = hbi_care8(x);
        if (m != 0) {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return i + (size_t)(__builtin_ctzll(m) >> 3);
#else
            break;      /* it is among these 8: the byte loop finds it */
#endif
        }
        i += 8u;
        if (n - i < 8u && i != n) i = n - 8u;   /* the tail, overlapping */
    }
    while (i < n && hbi_plain(s[i])) i++;
    return i;
}
#endif /* HBI_FAST */

/* The escape of the byte(s) at s[0..n) (n > 0; s[0] is not plain) into e
   (6 bytes). Returns its length, and in *adv the input bytes it stands
   for; 0 means valid UTF-8 that stays verbatim (*adv bytes of it). */
static size_t hbi_escape(char *e, const unsigned char *s, size_t n,
                         size_t *adv)
{
    static const char hex[] = "0123456789abcdef";
    unsigned c = s[0];
    uint32_t cp = 0;
    size_t k;
    *adv = 1;
    if (c >= 0x80u) {
        k = hbi_utf8_len(s, n, &cp);
        if (k == 0) {
            HB_MEMCPY(e, "\\ufffd", 6);  /* each invalid byte, as Go does */
            return 6;
        }
        *adv = k;
        if (cp != 0x2028u && cp != 0x2029u) return 0;
        HB_MEMCPY(e, cp == 0x2028u ? "\\u2028" : "\\u2029", 6);
        return 6;
    }
    e[0] = '\\';
    switch (c) {
    case '"':  e[1] = '"';  return 2;
    case '\\': e[1] = '\\'; return 2;
    case '\b': e[1] = 'b';  return 2;
    case '\f': e[1] = 'f';  return 2;
    case '\n': e[1] = 'n';  return 2;
    case '\r': e[1] = 'r';  return 2;
    case '\t': e[1] = 't';  return 2;
    default:
        e[1] = 'u'; e[2] = '0'; e[3] = '0';
        e[4] = hex[c >> 4]; e[5] = hex[c & 15u];
        return 6;
    }
}

/* A quoted string with Go's escaping (encoding/json, escapeHTML on). */
static void hbi_string(hb_json *w, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0, k, en;
    char e[6];
#if HBI_FAST
    i = hbi_skip(s, 0, n);
    if (w->err == HB_OK && w->buf != NULL) {
        size_t room = w->size - w->len;     /* >= 1: the NUL's byte */
        char *o = w->buf + w->len, *o0 = o;
        if (i == n && room > n + 2u) {
            /* the usual case, nothing to escape: one check, one copy */
            o[0] = '"';
            HB_MEMCPY(o + 1, str, n);
            o[n + 1] = '"';
            w->len += n + 2u;
            return;
        }
        if (room > 2u && n < (room - 2u) / 6u) {
            /* room for the worst case (6 bytes out for each byte in):
               escapes go straight into the buffer, clean runs in one copy */
            *o++ = '"';
            HB_MEMCPY(o, str, i);
            o += i;
            while (i < n) {
                size_t j;
                en = hbi_escape(o, s + i, n - i, &k);
                if (en == 0) {
                    HB_MEMCPY(o, str + i, k);
                    en = k;
                }
                o += en;
                i += k;
                if (i < n && !hbi_plain(s[i])) continue;   /* dense escapes */
                j = hbi_skip(s, i, n);
                HB_MEMCPY(o, str + i, j - i);
                o += j - i;
                i = j;
            }
            *o++ = '"';
            w->len += (size_t)(o - o0);
            return;
        }
    }
#endif
    hbi_put(w, "\"", 1);
    while (i < n) {
#if HBI_FAST
        i = hbi_skip(s, i, n);
        if (i == n) break;
#endif
        if (hbi_plain(s[i])) {
            i++;
            continue;
        }
        en = hbi_escape(e, s + i, n - i, &k);
        if (en != 0) {
            hbi_put(w, str + run, i - run);
            hbi_put(w, e, en);
        }
        i += k;
        if (en != 0) run = i;
    }
    hbi_put(w, str + run, i - run);
    hbi_put(w, "\"", 1);
}

HEARTBEAT_DEF int hb_json_key(hb_json *w, const char *key, size_t len)
{
    if (w == NULL) return HB_ERR_ARG;
    if (w->err != HB_OK) return w->err;
    if (key == NULL && len != 0) return hbi_fail(w, HB_ERR_ARG);
    if (w->depth == 0 || w->key ||
        !(w->kinds & (1u << (w->depth - 1u))))
        return hbi_fail(w, HB_ERR_STATE);
    if (!w->first) hbi_put(w, ",", 1);
    w->first = 0;
    hbi_string(w, key != NULL ? key : "", len);
    hbi_put(w, ":", 1);
    w->key = 1;
    return w->err;
}

HEARTBEAT_DEF int hb_json_string(hb_json *w, const char *s, size_t len)
{
    if (w != NULL && s == NULL && len != 0) return hbi_fail(w, HB_ERR_ARG);
    if (hbi_value(w) != HB_OK) return w != NULL ? w->err : HB_ERR_ARG;
    hbi_string(w, s != NULL ? s : "", len);
    return hbi_after(w);
}

/* v as exactly n decimal digits (zero-padded) ending at o + n. 32-bit
   only: no 64-bit division reaches a Cortex-M build through here. */
static void hbi_digits(char *o, uint32_t v, int n)
{
    while (n-- > 0) {
        o[n] = (char)('0' + (char)(v % 10u));
        v /= 10u;
    }
}

/* Decimal digits of a 64-bit value without 64-bit division (which would pull
   __aeabi_uldivmod into a Cortex-M build): values past 32 bits take their
   high digits by subtracting powers of ten. Writes straight into out, no
   scratch copy. Returns the length (<= 20). */
static const uint64_t hbi_pow10[11] = {
    10000000000000000000ULL, 1000000000000000000ULL, 100000000000000000ULL,
    10000000000000000ULL, 1000000000000000ULL, 100000000000000ULL,
    10000000000000ULL, 1000000000000ULL, 100000000000ULL, 10000000000ULL,
    1000000000ULL };

/* How many decimal digits v has (1 .. 20), without 64-bit division. */
static size_t hbi_ndigits(uint64_t v)
{
    size_t i, k = 1;
    uint32_t x;
    for (i = 0; i < 11; i++)
        if (v >= hbi_pow10[i]) return 20u - i;
    for (x = (uint32_t)v; x >= 10u; x /= 10u) k++;
    return k;
}

static size_t hbi_u64(char *out, uint64_t v)
{
    size_t n = 0, i, k;
    if (v > 0xFFFFFFFFu) {
        for (i = 0; i < 11; i++) {
            char d = '0';
            while (v >= hbi_pow10[i]) { v -= hbi_pow10[i]; d++; }
            if (d != '0' || n != 0) out[n++] = d;
        }
        k = 9;      /* v < 10^9 now: nine more digits, zero-padded */
    } else {
        k = hbi_ndigits(v);
    }
    hbi_digits(out + n, (uint32_t)v, (int)k);
    return n + k;
}

HEARTBEAT_DEF int hb_json_uint(hb_json *w, uint64_t v)
{
    char d[20];
    if (hbi_value(w) != HB_OK) return w != NULL ? w->err : HB_ERR_ARG;
    hbi_put(w, d, hbi_u64(d, v));
    return hbi_after(w);
}

HEARTBEAT_DEF int hb_json_int(hb_json *w, int64_t v)
{
    char d[21];
    uint64_t m = (uint64_t)v;
    size_t n = 0;
    if (hbi_value(w) != HB_OK) return w != NULL ? w->err : HB_ERR_ARG;
    if (v < 0) { d[n++] = '-'; m = 0u - m; }
    n += hbi_u64(d + n, m);
    hbi_put(w, d, n);
    return hbi_after(w);
}

HEARTBEAT_DEF int hb_json_bool(hb_json *w, int v)
{
    if (hbi_value(w) != HB_OK) return w != NULL ? w->err : HB_ERR_ARG;
    if (v) hbi_put(w, "true", 4);
    else hbi_put(w, "false", 5);
    return hbi_after(w);
}

HEARTBEAT_DEF int hb_json_null(hb_json *w)
{
    if (hbi_value(w) != HB_OK) return w != NULL ? w->err : HB_ERR_ARG;
    hbi_put(w, "null", 4);
    return hbi_after(w);
}

HEARTBEAT_DEF int hb_json_finish(hb_json *w, size_t *len)
{
    if (len != NULL) *len = 0;
    if (w == NULL) return HB_ERR_ARG;
    if (w->err == HB_OK && (w->depth != 0 || !w->done)) w->err = HB_ERR_STATE;
    if (w->err != HB_OK) {
        if (w->buf != NULL && w->size > 0) w->buf[0] = '\0';
        return w->err;
    }
    if (w->buf != NULL) w->buf[w->len] = '\0';
    if (len != NULL) *len = w->len;
    return HB_OK;
}

/* ---- RFC 3339 as Go's time.Time.MarshalJSON writes it ------------------- */

/* Formats t into o (>= HB_TIME_MAX bytes, no NUL). Returns the length or
   HB_ERR_ARG (nsec) / HB_ERR_RANGE (where Go's MarshalJSON fails). */
static int hbi_time(char *o, const hb_time *t)
{
    int32_t off = t->utc_offset_min;
    uint32_t aoff = (uint32_t)(off < 0 ? -off : off);
    uint32_t q, days, sod, era, doe, yoe, doy, mp, m;
    uint64_t s;
    int64_t local;
    int n;
    if (t->nsec > 999999999u) return HB_ERR_ARG;
    /* Go: the zone's hour must be 0..23 */
    if (aoff >= 24u * 60u) return HB_ERR_RANGE;
    /* Go: the local year must be 0..9999 (checked before adding the offset
       so that the sum cannot overflow) */
    if (t->sec < HBI_SEC_MIN - 86400 || t->sec > HBI_SEC_MAX + 86400)
        return HB_ERR_RANGE;
    local = t->sec + (int64_t)off * 60;
    if (local < HBI_SEC_MIN || local > HBI_SEC_MAX) return HB_ERR_RANGE;
    /* 86400 = 128 * 675: a shift, then 32-bit division only (no 64-bit
       division helper on a Cortex-M). */
    s = (uint64_t)(local + HBI_SEC_SHIFT);
    q = (uint32_t)(s >> 7);
    days = q / 675u;
    sod = (q % 675u) * 128u + (uint32_t)(s & 127u);
    /* days since -0400-03-01 to a civil date (H. Hinnant's algorithm) */
    era = days / 146097u;
    doe = days - era * 146097u;
    yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    mp = (5u * doy + 2u) / 153u;
    m = mp < 10u ? mp + 3u : mp - 9u;
    /* "YYYY-MM-DDThh:mm:ss" */
    hbi_digits(o, yoe + era * 400u + (m <= 2u ? 1u : 0u) - 400u, 4);
    o[4] = '-';
    hbi_digits(o + 5, m, 2);
    o[7] = '-';
    hbi_digits(o + 8, doy - (153u * mp + 2u) / 5u + 1u, 2);
    o[10] = 'T';
    hbi_digits(o + 11, sod / 3600u, 2);
    o[13] = ':';
    hbi_digits(o + 14, sod / 60u % 60u, 2);
    o[16] = ':';
    hbi_digits(o + 17, sod % 60u, 2);
    n = 19;
    if (t->nsec != 0) {              /* Go trims the fraction's zeros */
        o[n] = '.';
#if HBI_FAST
        {
            /* fx / 2^57 is nsec / 10^8, rounded up by less than 2.5e8 / 2^57:
               too little to reach the next digit for any nsec < 10^9
               (checked for all of them). Each digit is the integer part;
               then the fraction times ten. */
            uint64_t fx = (uint64_t)t->nsec * 1441151881u;
            int d;
            for (d = 1; d <= 9; d++) {
                o[n + d] = (char)('0' + (char)(fx >> 57));
                fx = (fx & ((1ull << 57) - 1u)) * 10u;
            }
        }
#else
        hbi_digits(o + n + 1, t->nsec, 9);
#endif
        n += 10;
        while (o[n - 1] == '0') n--;
    }
    if (off == 0) {
        o[n++] = 'Z';
    } else {
        o[n] = off < 0 ? '-' : '+';
        hbi_digits(o + n + 1, aoff / 60u, 2);
        o[n + 3] = ':';
        hbi_digits(o + n + 4, aoff % 60u, 2);
        n += 6;
    }
    return n;
}

HEARTBEAT_DEF int hb_format_time(char *buf, size_t size, const hb_time *t)
{
    char tmp[HB_TIME_MAX];
    int n;
    if (buf == NULL || t == NULL) return HB_ERR_ARG;
    n = hbi_time(tmp, t);
    if (n < 0) return n;
    if ((size_t)n >= size) return HB_ERR_NOSPACE;
    HB_MEMCPY(buf, tmp, (size_t)n);
    buf[n] = '\0';
    return n;
}

HEARTBEAT_DEF int hb_json_time(hb_json *w, const hb_time *t)
{
    char tmp[HB_TIME_MAX + 2];
    int n;
    if (w == NULL) return HB_ERR_ARG;
    if (t == NULL) return hbi_fail(w, HB_ERR_ARG);
    if (hbi_value(w) != HB_OK) return w->err;
    n = hbi_time(tmp + 1, t);
    if (n < 0) return hbi_fail(w, n);
    tmp[0] = '"';
    tmp[n + 1] = '"';
    hbi_put(w, tmp, (size_t)n + 2u);
    return hbi_after(w);
}

/* The service's timestamp, formatted straight into the buffer: no stack
   copy on the beat path. Less than HB_TIME_MAX + 3 bytes of room is
   HB_ERR_NOSPACE even for a shorter time, which is exact here: the status
   and token members that follow need more than the difference. Measuring
   (hb_buf_size) counts the widest time. */
static void hbi_put_time(hb_json *w, const hb_time *t)
{
    char *o;
    int n = HB_TIME_MAX;
    if (w->err != HB_OK) return;
    if (w->buf != NULL) {
        if (w->size - w->len < HB_TIME_MAX + 3u) {
            w->err = HB_ERR_NOSPACE;
            return;
        }
        o = w->buf + w->len;
        n = hbi_time(o + 1, t);
        if (n < 0) {
            w->err = n;
            return;
        }
        o[0] = '"';
        o[n + 1] = '"';
    }
    w->len += (size_t)n + 2u;
}

/* ---- base64url (signed beats and the JWT signer) -------------------------- */
/* base64url length of n bytes, no padding. Only for n < SIZE_MAX / 4 * 3. */
#define HBI_B64LEN(n) ((n) / 3u * 4u + ((n) % 3u ? (n) % 3u + 1u : 0u))

static const char hbi_b64_alphabet[65] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url of src[0..n) into dst, no padding, no NUL; returns the length.
   Each group of 3 input bytes is read before its 4 output bytes are written,
   so it also works in place when the input sits at the *end* of the output
   area: src == dst + HBI_B64LEN(n) - n. (Group k writes up to
   dst + 4k + 3 while the next unread byte is at dst + (E - n) + 3k + 3, and
   E - n >= number of whole groups.) The token builder and the signed beats rely on this. */
static size_t hbi_b64url(char *dst, const unsigned char *src, size_t n)
{
    size_t i = 0, o = 0;
    uint32_t v;
    for (; n - i >= 3u; i += 3u) {
        v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1u] << 8 | src[i + 2u];
        dst[o++] = hbi_b64_alphabet[v >> 18];
        dst[o++] = hbi_b64_alphabet[(v >> 12) & 63u];
        dst[o++] = hbi_b64_alphabet[(v >> 6) & 63u];
        dst[o++] = hbi_b64_alphabet[v & 63u];
    }
    if (n - i == 1u) {
        v = (uint32_t)src[i] << 16;
        dst[o++] = hbi_b64_alphabet[v >> 18];
        dst[o++] = hbi_b64_alphabet[(v >> 12) & 63u];
    } else if (n - i == 2u) {
        v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1u] << 8;
        dst[o++] = hbi_b64_alphabet[v >> 18];
        dst[o++] = hbi_b64_alphabet[(v >> 12) & 63u];
        dst[o++] = hbi_b64_alphabet[(v >> 6) & 63u];
    }
    return o;
}

/* ---- the service ----------------------------------------------------------- */

typedef struct hb_service_internal hbi_state;

/* ---- SIGNED BEATS: hooks into the service (code after hb_buf_size) ---- */
#define HBI_SG_PENDING  1u  /* sg_state: a signature is pending */
#define HBI_SG_SYNC     2u  /* sg_state: hb_stop's offline beat, no pending */
#define HBI_SIGN_WAIT   1   /* hbi_build: the signer answered "pending" */
#define HBI_SIGNING(c)  (HBI_OPTIONS && (c)->sign_alg != 0)
static const char *hbi_sign_check(const hb_config *c);
static void   hbi_sign_resolve(hbi_state *s);
static void   hbi_sign_start(hbi_state *s);
static void   hbi_sign_claims(hb_json *w, const hb_time *t, uint32_t interval_ms);
static size_t hbi_sign_offset(const hbi_state *s, size_t size);
static int    hbi_sign_begin(hbi_state *s, uint32_t now, char *buf, size_t size,
                             size_t off, size_t *len);
static int    hbi_sign_resume(hbi_state *s, uint32_t now, char *buf, size_t *len);
static uint32_t hbi_sign_poll(hbi_state *s, uint32_t now);
static size_t hbi_sign_need(const hb_config *c, size_t n);
/* ---- end SIGNED BEATS ---- */

static void hbi_log(const hbi_state *s, int level, const char *msg, int err,
                    const char *detail)
{
    if (s->cfg.log != NULL) s->cfg.log(s->cfg.user, level, msg, err, detail);
}

static int hbi_inited(const hb_service *hb)
{
    return hb != NULL && (hb->internal_.state == HBI_ST_STOPPED ||
                          hb->internal_.state == HBI_ST_RUNNING);
}

/* NULL if status is acceptable, else why not. */
static const char *hbi_check_status(const char *status)
{
    size_t n = hbi_strnlen(status, 32);
    if (n == 0) return "status: empty";
    if (n > 32) return "status: over 32 bytes";
    if (!hbi_utf8_valid(status, n)) return "status: not UTF-8";
    return NULL;
}

/* NULL if the config is acceptable, else the reason (the log's detail). */
static const char *hbi_check(const hb_config *c)
{
    size_t n, i;
    if (c->topic == NULL || c->topic[0] == '\0') return "topic: NULL or empty";
    n = hbi_strnlen(c->topic, 65535);
    if (n > 65535) return "topic: over 65535 bytes";
    for (i = 0; i < n; i++)
        if (c->topic[i] == '+' || c->topic[i] == '#')
            return "topic: wildcard + or #";
    if (!hbi_utf8_valid(c->topic, n)) return "topic: not UTF-8";
    if (c->qos < 0 || c->qos > 2) return "qos";
    if (c->interval_ms == 0 || c->interval_ms > 0x7FFFFFFFu)
        return "interval_ms";
    if (c->publish == NULL) return "publish";
    if (c->clock == NULL) return "clock";
    if (c->device_id == NULL) return "device_id";
    if (c->buf == NULL) return "buf";
    if (c->buf_size == 0) return "buf_size";
    if (c->status != NULL) {
        const char *why = hbi_check_status(c->status);
        if (why != NULL) return why;
    }
#ifdef HEARTBEAT_NO_OPTIONS
    if (c->flags != 0 || c->retry_base_ms != 0 || c->retry_max_ms != 0 ||
        c->jitter_ms != 0 || c->rand != NULL || c->fields != NULL ||
        c->min_valid_sec != 0)
        return "options: built with HEARTBEAT_NO_OPTIONS";
#endif
    if (c->flags & ~(uint32_t)HBI_OPT_ALL) return "flags";
    if (c->retry_base_ms >= c->interval_ms && c->retry_base_ms != 0)
        return "retry_base_ms";
    /* a retry never reaches the next grid point, so a cap of an interval
       or more means nothing; it would also break the signed distances */
    if (c->retry_max_ms != 0 && (c->retry_max_ms < c->retry_base_ms ||
                                 c->retry_max_ms >= c->interval_ms))
        return "retry_max_ms";
    /* below the interval, and interval + jitter must stay a signed 32-bit
       distance (< 2^31) for the wrap-safe comparisons */
    if (c->jitter_ms != 0 && (c->jitter_ms >= c->interval_ms ||
                              c->jitter_ms > 0x7FFFFFFFu - c->interval_ms))
        return "jitter_ms";
    if (c->jitter_ms != 0 && c->rand == NULL) return "rand";
    if (c->min_valid_sec < 0) return "min_valid_sec";
    return hbi_sign_check(c);   /* SIGNED BEATS */
}

HEARTBEAT_DEF int hb_init(hb_service *hb, const hb_config *cfg)
{
    const char *why;
    hbi_state *s;
    if (cfg == NULL) return HB_ERR_ARG;
    /* hb itself is not read: it is usually uninitialised storage, so a
       service inside its own callback cannot be told apart here (see
       CALLBACK CONTRACTS: not hb_init from inside a callback) */
    why = hb == NULL ? "hb" : hbi_check(cfg);
    if (why != NULL) {
        if (cfg->log != NULL)
            cfg->log(cfg->user, HB_LOG_ERROR, HB_MSG_CONFIG, HB_ERR_ARG, why);
        return HB_ERR_ARG;
    }
    s = &hb->internal_;
    HB_MEMSET(s, 0, sizeof *s);
    HB_MEMCPY(&s->cfg, cfg, sizeof *cfg);
    if (s->cfg.status == NULL) s->cfg.status = "alive";
    if (s->cfg.token_user == NULL) s->cfg.token_user = s->cfg.user;
    if (s->cfg.retry_base_ms != 0 && s->cfg.retry_max_ms == 0) {
        s->cfg.retry_max_ms = s->cfg.interval_ms / 2u;
        if (s->cfg.retry_max_ms < s->cfg.retry_base_ms)
            s->cfg.retry_max_ms = s->cfg.retry_base_ms;
    }
    s->status = s->cfg.status;
    hbi_sign_resolve(s);        /* SIGNED BEATS */
    s->state = HBI_ST_STOPPED;
    return HB_OK;
}

static uint32_t hbi_jitter(const hbi_state *s, uint32_t max)
{
    if (max == 0 || s->cfg.rand == NULL) return 0;
    return max == 0xFFFFFFFFu ? s->cfg.rand(s->cfg.user)
                              : s->cfg.rand(s->cfg.user) % (max + 1u);
}

/* Phase of the grid within the interval, from device_id alone: FNV-1a with
   a final avalanche, so ids that differ in one digit land far apart. */
static uint32_t hbi_phase(const char *id, uint32_t interval)
{
    uint32_t h = 2166136261u;
    while (*id != '\0') {
        h ^= (unsigned char)*id++;
        h *= 16777619u;
    }
    h ^= h >> 16; h *= 0x85EBCA6Bu;
    h ^= h >> 13; h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h % interval;
}

HEARTBEAT_DEF int hb_start(hb_service *hb, uint32_t now_ms)
{
    hbi_state *s;
    if (hb == NULL) return HB_ERR_ARG;
    if (!hbi_inited(hb)) return HB_ERR_STATE;
    s = &hb->internal_;
    if (s->state == HBI_ST_RUNNING || s->busy) return HB_ERR_STATE;
    HB_MEMSET(&s->stats, 0, sizeof s->stats);
    s->seq = 0;
    s->init_ms = now_ms;
    s->last_ms = 0;
    s->wraps = 0;
    s->pending = 0;
    s->grid = now_ms + s->cfg.interval_ms;
    s->due = s->grid;
    s->state = HBI_ST_RUNNING;
    if (!HBI_OPTIONS) return HB_OK;
    hbi_sign_start(s);          /* SIGNED BEATS: a new boot_id, no pending job */
    if (s->cfg.flags & HB_OPT_IMMEDIATE) s->pending = HBI_PEND_NOW;
    /* The grid is start + first + k * interval. Without HB_OPT_DESYNC the
       first point is one interval away, as Go's time.Ticker does; with it,
       a point in (0, interval] chosen by the id spreads a fleet that was
       powered on together. */
    if (s->cfg.flags & HB_OPT_DESYNC)
        s->grid = now_ms + 1u + hbi_phase(s->cfg.device_id, s->cfg.interval_ms);
    s->due = s->grid + hbi_jitter(s, s->cfg.jitter_ms);
    return HB_OK;
}

/* An unsigned field: ,"key":digits (key needs no escaping). */
static void hbi_put_uint(hb_json *w, const char *key, size_t n, uint64_t v)
{
    size_t k;
    hbi_put(w, key, n);
    if (w->err != HB_OK) return;
    k = hbi_ndigits(v);
    if (w->buf == NULL) {
        w->len += k;
    } else if (k >= w->size - w->len) {
        w->err = HB_ERR_NOSPACE;
    } else {
        w->len += hbi_u64(w->buf + w->len, v);   /* in place: no copy */
    }
}

/* Writes the message into w. t == NULL: the clock is not synced. The fixed
   keys go in as raw text: the same bytes the writer's key calls make, with
   less code on the beat path. */
static void hbi_write(const hbi_state *s, hb_json *w, const hb_time *t,
                      const char *status, const char *tok, size_t toklen)
{
    const hb_config *c = &s->cfg;
    const hb_stats *st = &s->stats;
    hbi_put(w, "{\"device_id\":", 13);
    hbi_string(w, c->device_id, HB_STRLEN(c->device_id));
    if (t != NULL) {
        hbi_put(w, ",\"timestamp\":", 13);
        hbi_put_time(w, t);
    } else {
        hbi_put(w, ",\"clock_synced\":false", 21);
    }
    hbi_put(w, ",\"status\":", 10);
    hbi_string(w, status, HB_STRLEN(status));
    if (!HBI_SIGNING(c)) {      /* SIGNED BEATS: no bearer token */
        hbi_put(w, ",\"jwt_token\":", 13);
        hbi_string(w, tok, toklen);
    }
    if (HBI_OPTIONS) {
        uint32_t f = c->flags;
        if (f & HB_OPT_SEQ) hbi_put_uint(w, ",\"seq\":", 7, s->seq);
        if (f & HB_OPT_BOOT_ID) {
            if (c->boot_id_str != NULL) {
                hbi_put(w, ",\"boot_id\":", 11);
                hbi_string(w, c->boot_id_str, HB_STRLEN(c->boot_id_str));
            } else {
                hbi_put_uint(w, ",\"boot_id\":", 11, c->boot_id);
            }
        }
        if (f & HB_OPT_UPTIME)
            hbi_put_uint(w, ",\"uptime_ms\":", 13,
                         ((uint64_t)s->wraps << 32) | s->last_ms);
        if (f & HB_OPT_INTERVAL)
            hbi_put_uint(w, ",\"interval_ms\":", 15, c->interval_ms);
        if (f & HB_OPT_HEALTH) {
            hbi_put_uint(w, ",\"publish_failures\":", 20, st->fail_publish);
            hbi_put_uint(w, ",\"missed\":", 10, st->missed);
            hbi_put(w, ",\"last_error\":", 14);
            if (st->last_error < 0) hbi_put(w, "-", 1);
            hbi_put_uint(w, "", 0, (uint32_t)(st->last_error < 0
                                              ? -st->last_error
                                              : st->last_error));
        }
        if (c->sign_alg != 0 && t != NULL)  /* SIGNED BEATS: iat, exp */
            hbi_sign_claims(w, t, c->interval_ms);
        if (c->fields != NULL) {
            /* hand the user an open object with one member written */
            w->depth = 1;
            w->kinds = 1;
            w->first = 0;
            w->key = 0;
            c->fields(c->user, w);
            if (w->err == HB_OK && (w->depth != 1 || w->key))
                hbi_fail(w, HB_ERR_STATE);
            w->depth = 0;
        }
    }
    hbi_put(w, "}", 1);
    w->done = 1;
}

/* Reads clock and token and writes the message into buf. Returns HB_OK or
   the failure (HB_ERR_CLOCK, HB_ERR_TOKEN, or a serialisation error). */
static int hbi_build(hbi_state *s, uint32_t now, char *buf, size_t size,
                     const char *status, size_t *len)
{
    hb_time t;
    const hb_time *tp = &t;
    const char *tok = "";
    size_t toklen = 0;
    hb_json w;
    size_t off = 0;
    int rc;
    /* SIGNED BEATS: a pending signature is finished, not rebuilt; nothing
       else is built meanwhile (hb_offline_message: HB_ERR_STATE) */
    if (HBI_OPTIONS && s->sg_state == HBI_SG_PENDING) {
        if (!s->busy || buf != s->cfg.buf) return HB_ERR_STATE;
        return hbi_sign_resume(s, now, buf, len);
    }
    /* uptime (wraps:last_ms): attempts come at least once per interval
       (< 2^31 ms), so the elapsed ticks wrap at most once between two of
       them. Not started yet (a Last Will built before hb_start): 0. */
    if (HBI_OPTIONS && s->state == HBI_ST_RUNNING) {
        uint32_t elapsed = now - s->init_ms;
        if (elapsed < s->last_ms) s->wraps++;
        s->last_ms = elapsed;
    }

    HB_MEMSET(&t, 0, sizeof t);
    if (s->cfg.clock(s->cfg.user, &t) != 0 || t.nsec > 999999999u ||
        (HBI_OPTIONS && s->cfg.min_valid_sec != 0 &&
         t.sec < s->cfg.min_valid_sec)) {
        if (!HBI_OPTIONS || !(s->cfg.flags & HB_OPT_SEND_UNSYNCED))
            return HB_ERR_CLOCK;
        tp = NULL;
    }
    if (s->cfg.token != NULL) {
        tok = NULL;
        if (s->cfg.token(s->cfg.token_user, &tok, &toklen) != 0 ||
            (tok == NULL && toklen != 0))
            return HB_ERR_TOKEN;
        if (tok == NULL) tok = "";
    }
    if (HBI_SIGNING(&s->cfg)) off = hbi_sign_offset(s, size); /* SIGNED BEATS */
    hb_json_init(&w, buf + off, size - off);
    hbi_write(s, &w, tp, status, tok, toklen);
    rc = hb_json_finish(&w, len);
    if (rc != HB_OK || !HBI_SIGNING(&s->cfg)) return rc;
    return hbi_sign_begin(s, now, buf, size, off, len);     /* SIGNED BEATS */
}

/* One beat attempt: build, publish, count, log, maybe schedule a retry. */
static int hbi_attempt(hbi_state *s, uint32_t now, const char *status)
{
    size_t len = 0;
    int rc, sent_fail = 0;
    s->busy = 1;
    rc = hbi_build(s, now, s->cfg.buf, s->cfg.buf_size,
                   status != NULL ? status : s->status, &len);
    if (rc == HBI_SIGN_WAIT) {  /* SIGNED BEATS: finished by a later poll */
        if (s->state == HBI_ST_RUNNING) {
            s->busy = 0;
            return HB_OK;
        }
        s->sg_state = 0;        /* hb_stop from the signer: not published */
        rc = HB_OK;
    }
    s->seq++;
    s->stats.attempts++;
    if (rc == HB_OK) {
        sent_fail = 1;
        /* a clock or token callback that called hb_stop: nothing goes out
           after hb_stop (counted as a publish failure, HB_ERR_STATE) */
        if (s->state != HBI_ST_RUNNING)
            rc = HB_ERR_STATE;
        else if (s->cfg.publish(s->cfg.user, s->cfg.topic, s->cfg.buf, len,
                                s->cfg.qos) != 0)
            rc = HB_ERR_PUBLISH;
    }
    s->stats.last_error = rc;
    switch (rc == HB_OK || !sent_fail ? rc : HB_ERR_PUBLISH) {
    case HB_OK:
        s->stats.sent++;
        s->stats.consecutive_failures = 0;
        s->pending &= (uint8_t)~HBI_PEND_RETRY;  /* e.g. hb_beat_now got through */
        hbi_log(s, HB_LOG_INFO, HB_MSG_OK, HB_OK, s->cfg.topic);
        break;
    case HB_ERR_CLOCK:
        s->stats.fail_clock++;
        hbi_log(s, HB_LOG_ERROR, HB_MSG_CLOCK, rc, NULL);
        break;
    case HB_ERR_TOKEN:
        s->stats.fail_token++;
        hbi_log(s, HB_LOG_ERROR, HB_MSG_TOKEN, rc, NULL);
        break;
    case HB_ERR_CRYPTO:         /* SIGNED BEATS: the signer failed */
        s->stats.fail_token++;
        hbi_log(s, HB_LOG_ERROR, HB_MSG_SIGN, rc, NULL);
        break;
    case HB_ERR_PUBLISH:
        s->stats.fail_publish++;
        hbi_log(s, HB_LOG_ERROR, HB_MSG_PUBLISH, rc, s->cfg.topic);
        break;
    default:
        s->stats.fail_serialize++;
        hbi_log(s, HB_LOG_ERROR, HB_MSG_SERIALIZE, rc, NULL);
        break;
    }
    if (rc != HB_OK) {
        s->stats.consecutive_failures++;
        if (HBI_OPTIONS && s->cfg.retry_base_ms != 0 &&
            s->state == HBI_ST_RUNNING) {
            uint32_t delay, b = s->backoff;
            b = s->stats.consecutive_failures == 1u || b == 0 ? s->cfg.retry_base_ms
              : b > s->cfg.retry_max_ms / 2u ? s->cfg.retry_max_ms : b * 2u;
            s->backoff = b;
            /* "equal jitter": half fixed, half random, so a fleet that
               failed together does not retry together */
            delay = s->cfg.rand != NULL ? b - b / 2u + hbi_jitter(s, b / 2u) : b;
            if (delay == 0) delay = 1;
            /* a retry never reaches the next due point: that beat is the
               next attempt anyway */
            if ((int32_t)(s->due - (now + delay)) > 0) {
                s->retry_at = now + delay;
                s->pending |= HBI_PEND_RETRY;
                hbi_log(s, HB_LOG_DEBUG, HB_MSG_RETRY, rc, NULL);
            }
        }
    }
    s->busy = 0;
    return rc;
}

static uint32_t hbi_wait(const hbi_state *s, uint32_t now)
{
    int32_t d;
    if (s->state != HBI_ST_RUNNING) return HB_POLL_IDLE;
    if (s->pending & HBI_PEND_NOW) return 0;
    d = (int32_t)(s->due - now);
    HB_ASSERT(s->busy || d > 0);
    if (s->pending & HBI_PEND_RETRY) {
        int32_t r = (int32_t)(s->retry_at - now);
        if (r < d) d = r;
    }
    if (HBI_OPTIONS && s->sg_state == HBI_SG_PENDING) {   /* SIGNED BEATS */
        int32_t r = (int32_t)(s->sg_at - now);
        if (r < d) d = r;
    }
    return d > 0 ? (uint32_t)d : 0u;
}

/* A due grid point: move the grid past now. Late by k whole intervals: k
   grid points are skipped and counted, one beat goes now, and the grid
   stays start + n * interval. The state moves first and the callbacks
   (rand, log) run under the busy guard: one that re-enters hb_poll gets the
   wait, not a second beat or an endless recursion; one that calls hb_stop
   stops the service, and then no beat goes out. Kept out of hb_poll so
   that hb_poll's own stack frame stays small. */
static HBI_NOINLINE void hbi_advance(hbi_state *s, uint32_t now)
{
    uint32_t k = (now - s->grid) / s->cfg.interval_ms;
    s->busy = 1;
    s->grid += (k + 1u) * s->cfg.interval_ms;
    s->due = s->grid;
    if (HBI_OPTIONS) s->due += hbi_jitter(s, s->cfg.jitter_ms);
    s->pending = 0;
    if (k != 0) {
        s->stats.missed += k;
        hbi_log(s, HB_LOG_WARN, HB_MSG_MISSED, 0, NULL);
    }
    s->busy = 0;
}

HEARTBEAT_DEF uint32_t hb_poll(hb_service *hb, uint32_t now_ms)
{
    hbi_state *s;
    if (hb == NULL) return HB_POLL_IDLE;
    s = &hb->internal_;
    if (s->state != HBI_ST_RUNNING) return HB_POLL_IDLE;
    /* The idle path: one wrap-safe comparison (signed distance). Valid as
       long as polls come less than 2^31 ms apart, which hb_poll's own
       answer (at most interval + jitter < 2^31) guarantees. */
    if (s->busy) return hbi_wait(s, now_ms);
    if (HBI_OPTIONS && s->sg_state == HBI_SG_PENDING)       /* SIGNED BEATS */
        return hbi_sign_poll(s, now_ms);
    if ((int32_t)(now_ms - s->due) >= 0) {
        hbi_advance(s, now_ms);
        if (s->state == HBI_ST_RUNNING) hbi_attempt(s, now_ms, NULL);
    } else if (s->pending & HBI_PEND_NOW) {
        s->pending &= (uint8_t)~HBI_PEND_NOW;
        hbi_attempt(s, now_ms, NULL);
    } else if (HBI_OPTIONS && (s->pending & HBI_PEND_RETRY) &&
               (int32_t)(now_ms - s->retry_at) >= 0) {
        s->pending &= (uint8_t)~HBI_PEND_RETRY;
        s->stats.retries++;
        hbi_attempt(s, now_ms, NULL);
    }
    return hbi_wait(s, now_ms);
}

HEARTBEAT_DEF void hb_stop(hb_service *hb, uint32_t now_ms)
{
    hbi_state *s;
    if (hb == NULL) return;
    s = &hb->internal_;
    if (s->state != HBI_ST_RUNNING) return;
    /* SIGNED BEATS: a pending beat is dropped; the offline beat must be
       signed at once (the service stops, nobody polls to finish it) */
    if (!s->busy) s->sg_state = HBI_SG_SYNC;
    /* From inside a callback the buffer is in use: stop without the
       offline beat. */
    if (HBI_OPTIONS && (s->cfg.flags & HB_OPT_OFFLINE_ON_STOP) && !s->busy) {
        s->pending = 0;
        hbi_attempt(s, now_ms, "offline");
    }
    s->state = HBI_ST_STOPPED;
    s->pending = 0;
    if (!s->busy) s->sg_state = 0;  /* SIGNED BEATS */
}

HEARTBEAT_DEF int hb_beat_now(hb_service *hb, uint32_t now_ms)
{
    if (hb == NULL) return HB_ERR_ARG;
    if (hb->internal_.state != HBI_ST_RUNNING || hb->internal_.busy ||
        hb->internal_.sg_state != 0)    /* SIGNED BEATS: one beat at a time */
        return HB_ERR_STATE;
    return hbi_attempt(&hb->internal_, now_ms, NULL);
}

HEARTBEAT_DEF int hb_set_status(hb_service *hb, const char *status)
{
    const char *why;
    if (hb == NULL) return HB_ERR_ARG;
    if (!hbi_inited(hb)) return HB_ERR_STATE;
    if (status == NULL) status = hb->internal_.cfg.status;
    why = hbi_check_status(status);
    if (why != NULL) {
        hbi_log(&hb->internal_, HB_LOG_ERROR, HB_MSG_CONFIG, HB_ERR_ARG, why);
        return HB_ERR_ARG;
    }
    hb->internal_.status = status;
    return HB_OK;
}

HEARTBEAT_DEF int hb_get_stats(const hb_service *hb, hb_stats *out)
{
    if (hb == NULL || out == NULL) return HB_ERR_ARG;
    if (!hbi_inited(hb)) return HB_ERR_STATE;
    HB_MEMCPY(out, &hb->internal_.stats, sizeof *out);
    return HB_OK;
}

HEARTBEAT_DEF int hb_running(const hb_service *hb)
{
    return hb != NULL && hb->internal_.state == HBI_ST_RUNNING;
}

HEARTBEAT_DEF int hb_offline_message(hb_service *hb, uint32_t now_ms,
                                     char *buf, size_t size, size_t *len)
{
    size_t n = 0;
    int rc;
    if (len != NULL) *len = 0;
    if (hb == NULL || buf == NULL || size == 0) return HB_ERR_ARG;
    if (!hbi_inited(hb) || hb->internal_.busy) return HB_ERR_STATE;
    rc = hbi_build(&hb->internal_, now_ms, buf, size, "offline", &n);
    if (rc == HB_OK && len != NULL) *len = n;
    return rc;
}

HEARTBEAT_DEF size_t hb_buf_size(const hb_config *cfg, size_t token_len)
{
    /* Measures the widest message this config can produce: the longest
       timestamp, counters at their maximum, a token of token_len bytes that
       needs no escaping (base64url never does). */
    static const char wide[] = "status-of-thirty-two-bytes-wide!";
    hbi_state s;
    hb_time t;
    hb_json w;
    size_t len = 0, room;
    int i;
    if (cfg == NULL || cfg->device_id == NULL) return 0;
    HB_MEMSET(&s, 0xFF, sizeof s);       /* every counter at its widest */
    s.stats.last_error = HB_ERR_LAST_;
    HB_MEMCPY(&s.cfg, cfg, sizeof *cfg);
    hbi_sign_resolve(&s);                /* SIGNED BEATS: the claims' fields */
    t.sec = HBI_SEC_MAX - 1439LL * 60;
    t.nsec = 999999999u;
    t.utc_offset_min = 1439;
    /* an empty token here, token_len added below: no token memory needed */
    /* the status: the configured one, or any 32-byte status that needs no
       escaping (hb_set_status, "offline"), whichever is longer */
    for (i = 0; i < 2; i++) {
        size_t n;
        hb_json_init(&w, NULL, 0);
        hbi_write(&s, &w, &t, i == 0 ? wide : cfg->status != NULL
                                              ? cfg->status : "alive", "", 0);
        if (hb_json_finish(&w, &n) != HB_OK) return 0;
        if (n > len) len = n;
    }
    if (HBI_SIGNING(cfg)) return hbi_sign_need(cfg, len);   /* SIGNED BEATS */
    room = len + 1u;
    return room + token_len < room ? 0 : room + token_len;
}

/* ========================================================================
   ---- SIGNED BEATS ----
   The claims are the beat as hbi_write makes it (no "jwt_token"; seq,
   boot_id, uptime_ms, interval_ms forced on; iat/exp when synced). In
   cfg.buf, the signature's bytes are laid out so that nothing is copied
   twice and no second buffer is needed:
     carrier A: [header.claims][.][signature]          all base64url
     carrier B: [claims JSON][NUL][header.claims][.][signature]
                then [header][..][signature] over the middle: the detached
                JWS, while the payload stays the JSON at buf[0].
   The claims JSON of carrier A is written a quarter of the free room
   ahead of where its base64url goes and encoded in place (hbi_b64url
   reads each group before writing it); the raw signature sits at the end
   of its base64url area and is encoded in place the same way. While the
   signer answers "pending", everything stays in cfg.buf and hb_poll only
   calls the signer again.
   ======================================================================== */

/* The header's JSON is 39 bytes plus the kid:
   {"alg":"ES256","typ":"hb+jwt","kid":"<kid>"} */
#define HBI_SIGN_HDR_FIXED 39u

static size_t hbi_sign_siglen(int alg) { return alg == HB_SIGN_ES256 ? 64u : 32u; }

static size_t hbi_sign_hdrlen(const hb_config *c)
{
    return HBI_B64LEN(HBI_SIGN_HDR_FIXED + HB_STRLEN(c->sign_kid));
}

/* The buffer a signed beat with claims of n bytes needs (0: too big). */
static size_t hbi_sign_need(const hb_config *c, size_t n)
{
    size_t sl = HBI_B64LEN(hbi_sign_siglen(c->sign_alg)), need;
    if (c->sign_kid == NULL || n >= SIZE_MAX / 4u - 1024u) return 0;
    need = hbi_sign_hdrlen(c) + 1u + HBI_B64LEN(n) + 1u + sl + 1u;
    if (c->sign_carrier == HB_CARRIER_B) need += n + 1u;
    return need;
}

static const char *hbi_sign_check(const hb_config *c)
{
    size_t n, i;
    if (c->sign_alg == HB_SIGN_NONE) {
        if (c->sign != NULL || c->sign_kid != NULL || c->sign_user != NULL ||
            c->sign_carrier != 0)
            return "sign_alg: 0, yet sign fields are set";
        return NULL;
    }
    if (!HBI_OPTIONS) return "options: built with HEARTBEAT_NO_OPTIONS";
    if (c->sign_alg != HB_SIGN_ES256 && c->sign_alg != HB_SIGN_HS256)
        return "sign_alg";
    if (c->sign == NULL) return "sign";
    if (c->sign_kid == NULL) return "sign_kid: NULL";
    n = hbi_strnlen(c->sign_kid, HB_SIGN_KID_MAX);
    if (n == 0 || n > HB_SIGN_KID_MAX) return "sign_kid: not 1..64 bytes";
    for (i = 0; i < n; i++) {
        unsigned ch = (unsigned char)c->sign_kid[i];
        if (ch < 0x21u || ch > 0x7Eu || ch == '"' || ch == '\\')
            return "sign_kid: not printable ASCII without \" and \\";
    }
    if (c->sign_carrier != HB_CARRIER_A && c->sign_carrier != HB_CARRIER_B)
        return "sign_carrier";
    if (c->token != NULL) return "token: no bearer token in signed beats";
    if (c->boot_id_str == NULL && c->boot_id == 0 && c->rand == NULL)
        return "rand: needed to make the boot_id of signed beats";
    return NULL;
}

/* hb_init's defaults: the claims every signed beat carries. */
static void hbi_sign_resolve(hbi_state *s)
{
    hb_config *c = &s->cfg;
    if (!HBI_SIGNING(c)) return;
    c->flags |= HB_OPT_SEQ | HB_OPT_BOOT_ID | HB_OPT_UPTIME | HB_OPT_INTERVAL;
    if (c->sign_user == NULL) c->sign_user = c->user;
    if (c->boot_id_str == NULL && c->boot_id == 0) {
        HB_MEMSET(s->boot_hex, '0', 16);
        s->boot_hex[16] = '\0';
        c->boot_id_str = s->boot_hex;   /* filled by each hb_start */
    }
}

/* hb_start: no job pending; a generated boot_id is drawn anew, because seq
   and uptime_ms restart with each hb_start and (boot_id, seq) must never
   repeat for a verifier's replay check. */
static void hbi_sign_start(hbi_state *s)
{
    static const char hex[] = "0123456789abcdef";
    uint32_t r[2];
    int i;
    s->sg_state = 0;
    s->sg_jws_len = 0;
    if (!HBI_SIGNING(&s->cfg) || s->cfg.boot_id_str != s->boot_hex) return;
    r[0] = s->cfg.rand(s->cfg.user);
    r[1] = s->cfg.rand(s->cfg.user);
    for (i = 0; i < 16; i++)
        s->boot_hex[i] = hex[(r[i >> 3] >> (28 - 4 * (i & 7))) & 15u];
    s->boot_hex[16] = '\0';
}

/* ,"iat":<sec>,"exp":<sec + ceil(1.5 * interval in s)> */
static void hbi_sign_claims(hb_json *w, const hb_time *t, uint32_t interval_ms)
{
    int64_t v[2];
    int i;
    /* outside Go's years the timestamp has failed already (HB_ERR_RANGE);
       the bound only keeps the sum below from overflowing */
    if (t->sec < HBI_SEC_MIN - 86400 || t->sec > HBI_SEC_MAX + 86400) {
        hbi_fail(w, HB_ERR_RANGE);
        return;
    }
    v[0] = t->sec;
    v[1] = t->sec + (int64_t)(((uint64_t)interval_ms * 3u + 1999u) / 2000u);
    for (i = 0; i < 2; i++) {
        hbi_put(w, i == 0 ? ",\"iat\":" : ",\"exp\":", 7);
        if (v[i] < 0) hbi_put(w, "-", 1);
        hbi_put_uint(w, "", 0, v[i] < 0 ? (uint64_t)0 - (uint64_t)v[i]
                                        : (uint64_t)v[i]);
    }
}

/* Where hbi_build writes the claims JSON in a buffer of size bytes. */
static size_t hbi_sign_offset(const hbi_state *s, size_t size)
{
    size_t h = hbi_sign_hdrlen(&s->cfg) + 1u;
    if (s->cfg.sign_carrier == HB_CARRIER_B) return 0;
    if (size <= h) return size;             /* no room: the writer fails */
    return h + (size - h) / 4u;
}

/* The signer's answer: pending, failed, or done (then the message is put
   together: carrier A's ".signature", carrier B's detached JWS). */
static int hbi_sign_after(hbi_state *s, uint32_t now, char *buf, int rc,
                          size_t *len)
{
    const hb_config *c = &s->cfg;
    size_t sl = hbi_sign_siglen(c->sign_alg), e = s->sg_end, at;
    const unsigned char *sig =
        (const unsigned char *)buf + e + 1u + HBI_B64LEN(sl) - sl;
    if (rc > 0 && s->busy && s->sg_state != HBI_SG_SYNC) {
        uint32_t wait = (uint32_t)rc;
        s->sg_state = HBI_SG_PENDING;
        s->sg_at = now + (wait < c->interval_ms ? wait : c->interval_ms);
        return HBI_SIGN_WAIT;
    }
    s->sg_state = 0;
    if (rc != 0) {
        buf[0] = '\0';
        *len = 0;
        return HB_ERR_CRYPTO;
    }
    if (c->sign_carrier == HB_CARRIER_A) {
        buf[e] = '.';
        at = e + 1u + hbi_b64url(buf + e + 1u, sig, sl);
        buf[at] = '\0';
        *len = at;
    } else {
        at = s->sg_in + hbi_sign_hdrlen(c);
        buf[at++] = '.';
        buf[at++] = '.';
        at += hbi_b64url(buf + at, sig, sl);    /* sig is >= 22 bytes ahead */
        buf[at] = '\0';
        s->sg_jws = s->sg_in;
        s->sg_jws_len = at - s->sg_in;
        *len = s->sg_plen;
    }
    return HB_OK;
}

/* The claims JSON (*len bytes) is at buf + off: make the signing input and
   ask the signer. */
static int hbi_sign_begin(hbi_state *s, uint32_t now, char *buf, size_t size,
                          size_t off, size_t *len)
{
    const hb_config *c = &s->cfg;
    size_t n = *len, kl = HB_STRLEN(c->sign_kid), hj = HBI_SIGN_HDR_FIXED + kl;
    size_t hl = HBI_B64LEN(hj), b, e, need, sl = hbi_sign_siglen(c->sign_alg);
    char *h;
    int rc;
    s->sg_jws_len = 0;
    need = hbi_sign_need(c, n);
    if (need == 0 || need > size) {
        buf[0] = '\0';
        *len = 0;
        return HB_ERR_NOSPACE;
    }
    b = c->sign_carrier == HB_CARRIER_B ? n + 1u : 0u;
    e = b + hl + 1u + HBI_B64LEN(n);
    if (c->sign_carrier == HB_CARRIER_A) {
        /* in place: the JSON must lie a group count ahead (it does, given
           the room checked above; checked again, cheaply) */
        if (off - (hl + 1u) < (n + 2u) / 3u) return HB_ERR_NOSPACE;
        hbi_b64url(buf + hl + 1u, (const unsigned char *)buf + off, n);
    } else {
        hbi_b64url(buf + b + hl + 1u, (const unsigned char *)buf, n);
    }
    /* the header: exact bytes, kid checked by hb_init (no escaping) */
    h = buf + b + hl - hj;
    HB_MEMCPY(h, "{\"alg\":\"", 8);
    HB_MEMCPY(h + 8, c->sign_alg == HB_SIGN_ES256 ? "ES256" : "HS256", 5);
    HB_MEMCPY(h + 13, "\",\"typ\":\"hb+jwt\",\"kid\":\"", 24);
    HB_MEMCPY(h + 37, c->sign_kid, kl);
    HB_MEMCPY(h + 37 + kl, "\"}", 2);
    hbi_b64url(buf + b, (const unsigned char *)h, hj);
    buf[b + hl] = '.';
    s->sg_in = b;
    s->sg_end = e;
    s->sg_plen = n;
    rc = c->sign(c->sign_user, c->sign_alg, buf + b, e - b,
                 (unsigned char *)buf + e + 1u + HBI_B64LEN(sl) - sl, 0);
    return hbi_sign_after(s, now, buf, rc, len);
}

/* A later poll: the signer again, on the same input. */
static int hbi_sign_resume(hbi_state *s, uint32_t now, char *buf, size_t *len)
{
    const hb_config *c = &s->cfg;
    size_t sl = hbi_sign_siglen(c->sign_alg);
    int rc = c->sign(c->sign_user, c->sign_alg, buf + s->sg_in,
                     s->sg_end - s->sg_in,
                     (unsigned char *)buf + s->sg_end + 1u + HBI_B64LEN(sl) - sl, 1);
    return hbi_sign_after(s, now, buf, rc, len);
}

/* hb_poll while a signature is pending: a grid point that comes due
   meanwhile is skipped (counted in missed; the grid stays), and the signer
   is asked again when its wait is over. */
static HBI_NOINLINE uint32_t hbi_sign_poll(hbi_state *s, uint32_t now)
{
    if ((int32_t)(now - s->due) >= 0) {
        hbi_advance(s, now);
        s->stats.missed++;
        hbi_log(s, HB_LOG_WARN, HB_MSG_MISSED, 0, "signer still busy");
    }
    if (s->state == HBI_ST_RUNNING && s->sg_state == HBI_SG_PENDING &&
        (int32_t)(now - s->sg_at) >= 0)
        hbi_attempt(s, now, NULL);
    return hbi_wait(s, now);
}

HEARTBEAT_DEF const char *hb_beat_jws(const hb_service *hb, size_t *len)
{
    const hbi_state *s;
    if (len != NULL) *len = 0;
    if (hb == NULL || !hbi_inited(hb)) return NULL;
    s = &hb->internal_;
    if (!HBI_SIGNING(&s->cfg) || s->cfg.sign_carrier != HB_CARRIER_B ||
        !s->busy || s->sg_jws_len == 0)
        return NULL;
    if (len != NULL) *len = s->sg_jws_len;
    return s->cfg.buf + s->sg_jws;
}

HEARTBEAT_DEF const char *hb_boot_id(const hb_service *hb)
{
    if (hb == NULL || !hbi_inited(hb) || !HBI_SIGNING(&hb->internal_.cfg))
        return NULL;
    return hb->internal_.cfg.boot_id_str;
}
/* ---- end SIGNED BEATS ---- */

#if defined(HEARTBEAT_MBEDTLS)
/* ---- the built-in JWT signer ------------------------------------------- */
#include <mbedtls/md.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/bignum.h>
#include <mbedtls/platform_util.h>

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#  define HBI_JWT_MBEDTLS3 1
#else
#  define HBI_JWT_MBEDTLS3 0
#endif
#if !defined(MBEDTLS_MD_C) || (!defined(MBEDTLS_SHA256_C) && !defined(MBEDTLS_MD_CAN_SHA256))
#  error "heartbeat.h: HEARTBEAT_MBEDTLS needs MBEDTLS_MD_C and SHA-256 in the mbedTLS config"
#endif
/* Each asymmetric algorithm exists when the mbedTLS build has what it needs;
   asking for a missing one is HB_ERR_ARG at init, not a build error. */
#if defined(MBEDTLS_PK_PARSE_C) && defined(MBEDTLS_RSA_C) && defined(MBEDTLS_PKCS1_V15)
#  define HBI_JWT_HAVE_RS 1
#else
#  define HBI_JWT_HAVE_RS 0
#endif
#if defined(MBEDTLS_PK_PARSE_C) && defined(MBEDTLS_ECDSA_C) \
    && defined(MBEDTLS_ECDSA_DETERMINISTIC) && defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
#  define HBI_JWT_HAVE_ES 1
#else
#  define HBI_JWT_HAVE_ES 0
#endif

/* The internal blinding generator serves ES256, and mbedTLS 3's parser. */
#if HBI_JWT_HAVE_ES || (HBI_JWT_MBEDTLS3 && HBI_JWT_HAVE_RS)
#  define HBI_JWT_NEED_BLIND 1
#else
#  define HBI_JWT_NEED_BLIND 0
#endif

#define HBI_JWT_MAGIC    0x4A575431u  /* "JWT1" */
#define HBI_JWT_MAGIC_SG 0x4A575331u  /* "JWS1": hb_jwt_signer_init, no token */
#define HBI_JWT_SIG_MAX  512u         /* RSA-4096 */
#define HBI_JWT_RSA_MIN  2048u        /* bits, RFC 7518 3.3 */
#define HBI_JWT_RSA_MAX  4096u
#define HBI_JWT_HS_MIN   32u          /* bytes, RFC 7518 3.2 */
#define HBI_JWT_JTI_BYTES 16u
#define HBI_JWT_B64LEN(n) HBI_B64LEN(n)

typedef struct hb_jwt_internal hbi_jwt_state;

HEARTBEAT_DEF int hb_jwt_b64url(char *dst, size_t size, const void *src,
                                size_t n, size_t *out_len)
{
    size_t e;
    if (out_len != NULL) *out_len = 0;
    if (dst == NULL || (src == NULL && n != 0)) return HB_ERR_ARG;
    if (n >= SIZE_MAX / 4u * 3u) return HB_ERR_NOSPACE;
    e = HBI_JWT_B64LEN(n);
    if (size <= e) return HB_ERR_NOSPACE;
    hbi_b64url(dst, (const unsigned char *)src, n);
    dst[e] = '\0';
    if (out_len != NULL) *out_len = e;
    return HB_OK;
}

static const mbedtls_md_info_t *hbi_jwt_sha256(void)
{
    return mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
}

#if HBI_JWT_NEED_BLIND
/* The internal blinding generator for ES256 without cfg.rng: block k is
   SHA-256(seed || counter), the counter never repeats for one signer, and
   the seed is a hash of the private key, unknown to whoever lacks the key.
   It only blinds the curve arithmetic; the ECDSA nonce is RFC 6979's. */
static int hbi_jwt_blind(void *user, unsigned char *out, size_t len)
{
    hbi_jwt_state *in = (hbi_jwt_state *)user;
    unsigned char blk[40], h[32];
    size_t n;
    int i, rc = 0;
    HB_MEMCPY(blk, in->seed, 32);
    while (len > 0 && rc == 0) {
        for (i = 0; i < 8; i++)
            blk[32 + i] = (unsigned char)(in->ctr >> (56 - 8 * i));
        in->ctr++;
        rc = mbedtls_md(hbi_jwt_sha256(), blk, sizeof blk, h);
        n = len < sizeof h ? len : sizeof h;
        HB_MEMCPY(out, h, n);
        out += n;
        len -= n;
    }
    mbedtls_platform_zeroize(blk, sizeof blk);
    mbedtls_platform_zeroize(h, sizeof h);
    return rc;
}

/* The rng for blinding: the caller's, else the internal one. */
static hb_jwt_rng_fn hbi_jwt_rng(hbi_jwt_state *in, void **user)
{
    if (in->cfg.rng != NULL) {
        *user = in->cfg.rng_user;
        return in->cfg.rng;
    }
    *user = in;
    return hbi_jwt_blind;
}
#endif

#if HBI_JWT_HAVE_RS || HBI_JWT_HAVE_ES
static int hbi_jwt_parse_key(hbi_jwt_state *in,
                             const unsigned char *key, size_t key_len)
{
#if HBI_JWT_MBEDTLS3
    void *ru;
    hb_jwt_rng_fn rf = hbi_jwt_rng(in, &ru);
    return mbedtls_pk_parse_key(&in->pk, key, key_len, NULL, 0, rf, ru);
#else
    return mbedtls_pk_parse_key(&in->pk, key, key_len, NULL, 0);
#endif
}
#endif

#if HBI_JWT_HAVE_ES
static int hbi_jwt_is_p256(hbi_jwt_state *in)
{
#  if HBI_JWT_MBEDTLS3
    /* 3.x keeps the keypair's members private; export is public API. */
    mbedtls_ecp_group grp;
    int ok;
    mbedtls_ecp_group_init(&grp);
    ok = mbedtls_ecp_export(mbedtls_pk_ec(in->pk), &grp, NULL, NULL) == 0
         && grp.id == MBEDTLS_ECP_DP_SECP256R1;
    mbedtls_ecp_group_free(&grp);
    return ok;
#  else
    return mbedtls_pk_ec(in->pk)->grp.id == MBEDTLS_ECP_DP_SECP256R1;
#  endif
}
#endif

/* Parses and checks the key for cfg->alg into in->pk / in->hkey. */
static int hbi_jwt_load_key(hbi_jwt_state *in)
{
    const hb_jwt_config *c = &in->cfg;

    if (c->alg == HB_JWT_HS256) {
        if (c->key_len > sizeof in->hkey) {
            /* HMAC hashes a key longer than its block first (RFC 2104). */
            if (mbedtls_md(hbi_jwt_sha256(), c->key, c->key_len, in->hkey) != 0)
                return HB_ERR_CRYPTO;
            in->hkey_len = 32;
        } else {
            HB_MEMCPY(in->hkey, c->key, c->key_len);
            in->hkey_len = c->key_len;
        }
        return HB_OK;
    }
#if !HBI_JWT_HAVE_RS && !HBI_JWT_HAVE_ES
    return HB_ERR_ARG; /* unreachable: hbi_jwt_check refused the alg */
#else
    size_t bits;
    int rc;
    /* Seed the internal blinding generator from the key itself (also used
       by mbedTLS 3's parser to blind computing an EC public key). */
    if (mbedtls_md(hbi_jwt_sha256(), c->key, c->key_len, in->seed) != 0)
        return HB_ERR_CRYPTO;
    rc = hbi_jwt_parse_key(in, c->key, c->key_len);
    if (rc != 0) {
        in->mbedtls_err = rc;
        return HB_ERR_ARG;
    }
    bits = mbedtls_pk_get_bitlen(&in->pk);
#if HBI_JWT_HAVE_RS
    if (c->alg == HB_JWT_RS256)
        return mbedtls_pk_get_type(&in->pk) == MBEDTLS_PK_RSA
               && bits >= HBI_JWT_RSA_MIN && bits <= HBI_JWT_RSA_MAX
               ? HB_OK : HB_ERR_ARG;
#endif
#if HBI_JWT_HAVE_ES
    if (c->alg == HB_JWT_ES256)
        return mbedtls_pk_can_do(&in->pk, MBEDTLS_PK_ECDSA) && hbi_jwt_is_p256(in)
               ? HB_OK : HB_ERR_ARG;
#endif
    (void)bits;
    return HB_ERR_ARG;
#endif
}

/* SIGNED BEATS: the clock of a beat signer, which makes no tokens. */
static int hbi_jwt_no_clock(void *user, hb_time *now)
{
    (void)user;
    (void)now;
    return -1;
}

/* Checks the config and resolves its defaults into in->cfg. */
static int hbi_jwt_check(hb_jwt_config *c)
{
    if (c->alg == HB_JWT_HS256) {
        if (c->key_len < HBI_JWT_HS_MIN) return HB_ERR_ARG;
    } else if (c->alg == HB_JWT_RS256) {
        if (!HBI_JWT_HAVE_RS || c->rng == NULL) return HB_ERR_ARG;
    } else if (c->alg == HB_JWT_ES256) {
        if (!HBI_JWT_HAVE_ES) return HB_ERR_ARG;
    } else {
        return HB_ERR_ARG;
    }
    if (c->key == NULL || c->key_len == 0 || c->aud == NULL || c->aud[0] == '\0'
        || c->clock == NULL || c->buf == NULL || c->buf_size == 0
        || (c->jti && c->rng == NULL))
        return HB_ERR_ARG;
    if (c->lifetime_s == 0) c->lifetime_s = HB_JWT_LIFETIME_DEFAULT;
    if (c->refresh_margin_s == 0) c->refresh_margin_s = c->lifetime_s / 4u;
    if (c->min_valid_sec == 0) c->min_valid_sec = HB_JWT_MIN_VALID_DEFAULT;
    /* A token must stay usable for a while, or every call would re-sign. */
    if ((uint64_t)c->refresh_margin_s + c->skew_s >= c->lifetime_s)
        return HB_ERR_ARG;
    return HB_OK;
}

HEARTBEAT_DEF int hb_jwt_init(hb_jwt *jwt, const hb_jwt_config *cfg)
{
    hbi_jwt_state *in;
    int rc;
    if (jwt == NULL) return HB_ERR_ARG;
    in = &jwt->internal_;
    HB_MEMSET(jwt, 0, sizeof *jwt);
    if (cfg == NULL) return HB_ERR_ARG;
    in->cfg = *cfg;
    rc = hbi_jwt_check(&in->cfg);
    if (rc != HB_OK) {
        HB_MEMSET(jwt, 0, sizeof *jwt);
        return rc;
    }
    mbedtls_pk_init(&in->pk);
    rc = hbi_jwt_load_key(in);
    /* The key lives on in pk / hkey; drop the pointer to the caller's copy. */
    in->cfg.key = NULL;
    if (rc != HB_OK) {
        mbedtls_pk_free(&in->pk);
        mbedtls_platform_zeroize(jwt, sizeof *jwt);
        return rc;
    }
    in->cfg.buf[0] = '\0';
    in->magic = HBI_JWT_MAGIC;
    return HB_OK;
}

HEARTBEAT_DEF void hb_jwt_free(hb_jwt *jwt)
{
    hbi_jwt_state *in;
    if (jwt == NULL) return;
    in = &jwt->internal_;
    if (in->magic == HBI_JWT_MAGIC || in->magic == HBI_JWT_MAGIC_SG)
        mbedtls_pk_free(&in->pk);
    if (in->magic == HBI_JWT_MAGIC) {
        /* The token is a bearer credential until it expires. */
        mbedtls_platform_zeroize(in->cfg.buf, in->cfg.buf_size);
    }
    mbedtls_platform_zeroize(jwt, sizeof *jwt);
}

/* Writes the header (claims == 0) or the claims object. */
static void hbi_jwt_json(const hbi_jwt_state *in, hb_json *w,
                         int claims, int64_t iat, int64_t exp, const char *jti)
{
    const hb_jwt_config *c = &in->cfg;
    static const char *const algs[4] = { "", "HS256", "RS256", "ES256" };
    hb_json_begin_object(w);
    if (!claims) {
        hb_json_key(w, "alg", 3);
        hb_json_string(w, algs[c->alg], 5);
        hb_json_key(w, "typ", 3);
        hb_json_string(w, "JWT", 3);
    } else {
        hb_json_key(w, "iat", 3);
        hb_json_int(w, iat);
        hb_json_key(w, "exp", 3);
        hb_json_int(w, exp);
        hb_json_key(w, "aud", 3);
        hb_json_string(w, c->aud, HB_STRLEN(c->aud));
        if (c->iss != NULL) {
            hb_json_key(w, "iss", 3);
            hb_json_string(w, c->iss, HB_STRLEN(c->iss));
        }
        if (c->sub != NULL) {
            hb_json_key(w, "sub", 3);
            hb_json_string(w, c->sub, HB_STRLEN(c->sub));
        }
        if (jti != NULL) {
            hb_json_key(w, "jti", 3);
            hb_json_string(w, jti, HBI_JWT_B64LEN(HBI_JWT_JTI_BYTES));
        }
    }
    hb_json_end_object(w);
}

/* Appends base64url(JSON) at buf[*pos]: the JSON is measured, written at
   the end of the area its encoding will take, then encoded in place. */
static int hbi_jwt_put_json(hbi_jwt_state *in, size_t *pos, int claims,
                            int64_t iat, int64_t exp, const char *jti)
{
    hb_json w;
    size_t l, l2, e;
    int rc;
    char *at;
    hb_json_init(&w, NULL, 0);
    hbi_jwt_json(in, &w, claims, iat, exp, jti);
    rc = hb_json_finish(&w, &l);
    if (rc != HB_OK) return rc;
    e = HBI_JWT_B64LEN(l);
    /* + 1: the writer's NUL lands one past the encoded area. */
    if (in->cfg.buf_size - *pos < e + 1u) return HB_ERR_NOSPACE;
    at = in->cfg.buf + *pos + (e - l);
    hb_json_init(&w, at, l + 1u);
    hbi_jwt_json(in, &w, claims, iat, exp, jti);
    rc = hb_json_finish(&w, &l2);
    if (rc != HB_OK || l2 != l) return rc != HB_OK ? rc : HB_ERR_STATE;
    *pos += hbi_b64url(in->cfg.buf + *pos, (const unsigned char *)at, l);
    return HB_OK;
}

/* Signs msg[0..n) into sig; *sig_len gets the length. */
static int hbi_jwt_sign(hbi_jwt_state *in, const unsigned char *msg, size_t n,
                        unsigned char *sig, size_t *sig_len)
{
    unsigned char hash[32];
    int rc;
    if (in->cfg.alg == HB_JWT_HS256) {
        *sig_len = 32;
        return mbedtls_md_hmac(hbi_jwt_sha256(), in->hkey, in->hkey_len,
                               msg, n, sig);
    }
    rc = mbedtls_md(hbi_jwt_sha256(), msg, n, hash);
#if HBI_JWT_HAVE_RS
    if (rc == 0 && in->cfg.alg == HB_JWT_RS256) {
#  if HBI_JWT_MBEDTLS3
        rc = mbedtls_pk_sign(&in->pk, MBEDTLS_MD_SHA256, hash, sizeof hash,
                             sig, HBI_JWT_SIG_MAX, sig_len,
                             in->cfg.rng, in->cfg.rng_user);
#  else
        rc = mbedtls_pk_sign(&in->pk, MBEDTLS_MD_SHA256, hash, sizeof hash,
                             sig, sig_len, in->cfg.rng, in->cfg.rng_user);
#  endif
    }
#endif
#if HBI_JWT_HAVE_ES
    if (rc == 0 && in->cfg.alg == HB_JWT_ES256) {
        /* Not mbedtls_pk_sign: that returns DER; JWS wants raw r||s, each
           32 bytes big-endian, left-padded with zeros. */
        mbedtls_mpi r, s;
        void *ru;
        hb_jwt_rng_fn rf = hbi_jwt_rng(in, &ru);
        mbedtls_ecp_keypair *ec = mbedtls_pk_ec(in->pk);
#  if HBI_JWT_MBEDTLS3
        /* 3.x keeps the keypair's members private: work on a copy. */
        mbedtls_ecp_group grp;
        mbedtls_mpi d;
        mbedtls_ecp_point q;
        mbedtls_ecp_group_init(&grp);
        mbedtls_mpi_init(&d);
        mbedtls_ecp_point_init(&q);
        rc = mbedtls_ecp_export(ec, &grp, &d, &q);
#  else
        mbedtls_ecp_group *gp = &ec->grp;
        const mbedtls_mpi *dp = &ec->d;
#  endif
        mbedtls_mpi_init(&r);
        mbedtls_mpi_init(&s);
#  if HBI_JWT_MBEDTLS3
        if (rc == 0)
            rc = mbedtls_ecdsa_sign_det_ext(&grp, &r, &s, &d, hash, sizeof hash,
                                            MBEDTLS_MD_SHA256, rf, ru);
#  else
        rc = mbedtls_ecdsa_sign_det_ext(gp, &r, &s, dp, hash, sizeof hash,
                                        MBEDTLS_MD_SHA256, rf, ru);
#  endif
        if (rc == 0) rc = mbedtls_mpi_write_binary(&r, sig, 32);
        if (rc == 0) rc = mbedtls_mpi_write_binary(&s, sig + 32, 32);
        *sig_len = 64;
        mbedtls_mpi_free(&r); /* mbedtls_mpi_free zeroises */
        mbedtls_mpi_free(&s);
#  if HBI_JWT_MBEDTLS3
        mbedtls_ecp_group_free(&grp);
        mbedtls_mpi_free(&d);
        mbedtls_ecp_point_free(&q);
#  endif
    }
#endif
    mbedtls_platform_zeroize(hash, sizeof hash);
    return rc;
}

/* Makes a new token for time now into cfg.buf; in->len set on success. */
static int hbi_jwt_mint(hbi_jwt_state *in, int64_t now)
{
    const hb_jwt_config *c = &in->cfg;
    unsigned char sig[HBI_JWT_SIG_MAX];
    unsigned char rnd[HBI_JWT_JTI_BYTES];
    char jti[HBI_JWT_B64LEN(HBI_JWT_JTI_BYTES) + 1u];
    size_t pos = 0, sig_len = 0, want;
    int64_t iat, exp;
    int rc;

    if (now < INT64_MIN + (int64_t)c->skew_s) return HB_ERR_CLOCK;
    iat = now - (int64_t)c->skew_s;
    if (iat > INT64_MAX - (int64_t)c->lifetime_s) return HB_ERR_CLOCK;
    exp = iat + (int64_t)c->lifetime_s;
    if (c->jti) {
        if (c->rng(c->rng_user, rnd, sizeof rnd) != 0) return HB_ERR_CRYPTO;
        jti[hbi_b64url(jti, rnd, sizeof rnd)] = '\0';
    }
    rc = hbi_jwt_put_json(in, &pos, 0, iat, exp, NULL);
    if (rc != HB_OK) return rc;
    if (c->buf_size - pos < 2u) return HB_ERR_NOSPACE;
    c->buf[pos++] = '.';
    rc = hbi_jwt_put_json(in, &pos, 1, iat, exp, c->jti ? jti : NULL);
    if (rc != HB_OK) return rc;
    /* Room for ".signature\0", checked before spending time on signing. */
    want = c->alg == HB_JWT_HS256 ? 32u
         : c->alg == HB_JWT_ES256 ? 64u : mbedtls_pk_get_len(&in->pk);
    if (c->buf_size - pos < HBI_JWT_B64LEN(want) + 2u) return HB_ERR_NOSPACE;
    rc = hbi_jwt_sign(in, (const unsigned char *)c->buf, pos, sig, &sig_len);
    if (rc != 0 || sig_len != want) {
        in->mbedtls_err = rc;
        mbedtls_platform_zeroize(sig, sizeof sig);
        return HB_ERR_CRYPTO;
    }
    c->buf[pos++] = '.';
    pos += hbi_b64url(c->buf + pos, sig, sig_len);
    c->buf[pos] = '\0';
    mbedtls_platform_zeroize(sig, sizeof sig);
    in->iat = iat;
    in->exp = exp;
    in->len = pos;
    in->signs++;
    return HB_OK;
}

HEARTBEAT_DEF int hb_jwt_token(void *jwt, const char **token, size_t *len)
{
    hbi_jwt_state *in;
    hb_time t;
    int rc;
    if (token != NULL) *token = NULL;
    if (len != NULL) *len = 0;
    if (jwt == NULL || token == NULL || len == NULL) return HB_ERR_ARG;
    in = &((hb_jwt *)jwt)->internal_;
    if (in->magic != HBI_JWT_MAGIC) return HB_ERR_STATE;  /* or a beat signer */
    HB_MEMSET(&t, 0, sizeof t);
    if (in->cfg.clock(in->cfg.clock_user, &t) != 0
        || t.sec < in->cfg.min_valid_sec)
        return HB_ERR_CLOCK; /* the cache stays for when the clock is back */
    /* Re-sign near expiry, and when the clock went back before iat (a token
       "issued in the future" is refused by verifiers). */
    if (in->len == 0 || t.sec >= in->exp - (int64_t)in->cfg.refresh_margin_s
        || t.sec < in->iat) {
        in->len = 0;
        rc = hbi_jwt_mint(in, t.sec);
        if (rc != HB_OK) {
            in->len = 0;
            mbedtls_platform_zeroize(in->cfg.buf, in->cfg.buf_size);
            return rc;
        }
    }
    *token = in->cfg.buf;
    *len = in->len;
    return HB_OK;
}

/* ---- SIGNED BEATS: the mbedTLS beat signer ---- */
HEARTBEAT_DEF int hb_jwt_signer_init(hb_jwt *jwt, const hb_jwt_config *cfg)
{
    hbi_jwt_state *in;
    int rc;
    if (jwt == NULL) return HB_ERR_ARG;
    in = &jwt->internal_;
    HB_MEMSET(jwt, 0, sizeof *jwt);
    if (cfg == NULL || (cfg->alg != HB_JWT_HS256 && cfg->alg != HB_JWT_ES256))
        return HB_ERR_ARG;
    /* Only the key matters: the token fields get placeholders so that
       hb_jwt_init's checks (key length, alg availability) apply as is. */
    in->cfg.alg = cfg->alg;
    in->cfg.key = cfg->key;
    in->cfg.key_len = cfg->key_len;
    in->cfg.rng = cfg->rng;
    in->cfg.rng_user = cfg->rng_user;
    in->cfg.aud = "-";
    in->cfg.clock = hbi_jwt_no_clock;
    in->cfg.buf = (char *)in->seed;
    in->cfg.buf_size = 1;
    rc = hbi_jwt_check(&in->cfg);
    if (rc == HB_OK) {
        mbedtls_pk_init(&in->pk);
        rc = hbi_jwt_load_key(in);
        if (rc != HB_OK) mbedtls_pk_free(&in->pk);
    }
    in->cfg.key = NULL;
    in->cfg.aud = NULL;
    in->cfg.clock = NULL;
    in->cfg.buf = NULL;
    in->cfg.buf_size = 0;
    if (rc != HB_OK) {
        mbedtls_platform_zeroize(jwt, sizeof *jwt);
        return rc;
    }
    in->magic = HBI_JWT_MAGIC_SG;
    return HB_OK;
}

HEARTBEAT_DEF int hb_jwt_sign_beat(void *jwt, int alg, const char *input,
                                   size_t len, unsigned char *sig, int again)
{
    hbi_jwt_state *in;
    size_t sl = 0;
    int rc;
    (void)again;    /* never pending: each call signs */
    if (jwt == NULL || input == NULL || sig == NULL) return HB_ERR_ARG;
    in = &((hb_jwt *)jwt)->internal_;
    if (in->magic != HBI_JWT_MAGIC && in->magic != HBI_JWT_MAGIC_SG)
        return HB_ERR_STATE;
    if (alg != in->cfg.alg || (alg != HB_JWT_HS256 && alg != HB_JWT_ES256))
        return HB_ERR_ARG;
    rc = hbi_jwt_sign(in, (const unsigned char *)input, len, sig, &sl);
    if (rc != 0 || sl != (alg == HB_JWT_ES256 ? 64u : 32u)) {
        in->mbedtls_err = rc;
        return HB_ERR_CRYPTO;
    }
    return 0;
}
/* ---- end SIGNED BEATS ---- */

HEARTBEAT_DEF size_t hb_jwt_buf_size(const hb_jwt_config *cfg)
{
    hb_jwt tmp;
    hbi_jwt_state *in = &tmp.internal_;
    hb_json w;
    char jti[HBI_JWT_B64LEN(HBI_JWT_JTI_BYTES) + 1u];
    size_t h, cl, sig, total = 0;
    char one = 0;
    if (cfg == NULL) return 0;
    HB_MEMSET(&tmp, 0, sizeof tmp);
    in->cfg = *cfg;
    /* Only the size matters: pass the check even without a buffer. */
    if (in->cfg.buf == NULL || in->cfg.buf_size == 0) {
        in->cfg.buf = &one;
        in->cfg.buf_size = 1;
    }
    if (hbi_jwt_check(&in->cfg) != HB_OK) return 0;
    if (cfg->alg == HB_JWT_RS256) {
        mbedtls_pk_init(&in->pk);
        if (hbi_jwt_load_key(in) != HB_OK) sig = 0;
        else sig = mbedtls_pk_get_len(&in->pk);
        mbedtls_pk_free(&in->pk);
        mbedtls_platform_zeroize(in->seed, sizeof in->seed);
        if (sig == 0) return 0;
    } else {
        sig = cfg->alg == HB_JWT_HS256 ? 32u : 64u;
    }
    HB_MEMSET(jti, 'A', sizeof jti - 1u);
    jti[sizeof jti - 1u] = '\0';
    hb_json_init(&w, NULL, 0);
    hbi_jwt_json(in, &w, 0, 0, 0, NULL);
    if (hb_json_finish(&w, &h) == HB_OK) {
        hb_json_init(&w, NULL, 0);
        /* the widest numbers: 20 characters each */
        hbi_jwt_json(in, &w, 1, INT64_MIN, INT64_MIN, cfg->jti ? jti : NULL);
        /* The claims' JSON and its NUL briefly sit inside the token area,
           which is longer, so they need nothing extra. */
        if (hb_json_finish(&w, &cl) == HB_OK)
            total = HBI_JWT_B64LEN(h) + 1u + HBI_JWT_B64LEN(cl) + 1u
                    + HBI_JWT_B64LEN(sig) + 1u;
    }
    mbedtls_platform_zeroize(&tmp, sizeof tmp);
    return total;
}

#undef HBI_JWT_MBEDTLS3
#undef HBI_JWT_HAVE_RS
#undef HBI_JWT_HAVE_ES
#undef HBI_JWT_NEED_BLIND
#undef HBI_JWT_MAGIC
#undef HBI_JWT_MAGIC_SG
#undef HBI_JWT_SIG_MAX
#undef HBI_JWT_RSA_MIN
#undef HBI_JWT_RSA_MAX
#undef HBI_JWT_HS_MIN
#undef HBI_JWT_JTI_BYTES
#undef HBI_JWT_B64LEN
#endif /* HEARTBEAT_MBEDTLS */

#undef HBI_ST_STOPPED
#undef HBI_ST_RUNNING
#undef HBI_PEND_NOW
#undef HBI_PEND_RETRY
#undef HBI_SG_PENDING
#undef HBI_SG_SYNC
#undef HBI_SIGN_WAIT
#undef HBI_SIGNING
#undef HBI_SIGN_HDR_FIXED
#undef HBI_B64LEN
#undef HBI_MAX_DEPTH
#undef HBI_OPT_ALL
#undef HBI_OPTIONS
#undef HBI_NOINLINE
#undef HBI_SEC_MIN
#undef HBI_SEC_MAX
#undef HBI_SEC_SHIFT
#undef HBI_FAST
#undef HBI_SSE2
#undef HBI_ONES
#undef HBI_HIGHS
#ifdef HBI_OWN_MEM_HOOKS
#  undef HB_MEMCPY
#  undef HB_MEMSET
#  undef HB_STRLEN
#  undef HBI_OWN_MEM_HOOKS
#endif
#endif /* HEARTBEAT_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
MIT License

Copyright (c) 2026 The heartbeat.h authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
*/
