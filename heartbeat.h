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
   ms; the answer never exceeds one interval.
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
   rand(user): any 32-bit value.
   From inside a callback you may call hb_poll (it returns the wait and
   sends nothing: no double send), hb_stop (it stops; the offline beat is
   skipped because the buffer is in use), hb_set_status, hb_get_stats,
   hb_running. hb_start and hb_beat_now return HB_ERR_STATE there.
   Strings you give (topic, device_id, status, boot_id_str, and the status
   passed to hb_set_status) must stay valid while the service is used;
   hb_init copies the config struct itself.

   ROBUSTNESS
   ==========
   Every attempt ends as exactly one of: sent, or one failure kind, so
   stats.attempts == sent + fail_clock + fail_token + fail_serialize +
   fail_publish, always. No input (bytes of the id or token, clock values,
   buffer sizes, poll times) can make it write outside cfg.buf or publish a
   partial message. A clock that jumps changes only the timestamp: the
   schedule runs on the monotonic tick. A tick that jumps forward counts
   missed beats and sends one; one that jumps backwards by less than 2^31
   ms just waits for the grid point.

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
   FOOTPRINT-PLACEHOLDER
*/
#ifndef HEARTBEAT_H
#define HEARTBEAT_H

#define HEARTBEAT_VERSION_MAJOR  0
#define HEARTBEAT_VERSION_MINOR  1
#define HEARTBEAT_VERSION_PATCH  0
#define HEARTBEAT_VERSION_STRING "0.1.0"

#include <stddef.h>
#include <stdint.h>

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

#define HBI_ERR_ENUM(name, value, text) name = value,
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
    uint32_t      retry_max_ms;   /* cap on the retry delay; 0 = interval/2 */
    uint32_t      jitter_ms;      /* 0 = none; else each beat (and retry) is
                                     sent up to this much after its due point,
                                     < interval_ms; needs rand */
    hb_rand_fn    rand;           /* random source for jitter and retry jitter */
    uint32_t      boot_id;        /* with HB_OPT_BOOT_ID and no boot_id_str */
    const char   *boot_id_str;    /* with HB_OPT_BOOT_ID: a string instead */
    hb_fields_fn  fields;         /* custom fields, NULL = none */
    int64_t       min_valid_sec;  /* clock below this counts as unsynced;
                                     0 = any time is accepted */
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
    HB_ASSERT(w->len < w->size);
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

/* A quoted string with Go's escaping (encoding/json, escapeHTML on). */
static void hbi_string(hb_json *w, const char *str, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0, k = 0;
    uint32_t cp = 0;
    char e[6];
    hbi_put(w, "\"", 1);
    while (i < n) {
        unsigned c = s[i];
        if (c >= 0x20u && c < 0x80u && c != '"' && c != '\\' && c != '<' &&
            c != '>' && c != '&') {
            i++;
            continue;
        }
        if (c >= 0x80u) {
            k = hbi_utf8_len(s + i, n - i, &cp);
            if (k != 0 && cp != 0x2028u && cp != 0x2029u) {
                i += k;     /* valid: stays in the verbatim run */
                continue;
            }
        }
        hbi_put(w, str + run, i - run);
        if (c < 0x80u) {
            size_t en = 2;
            e[0] = '\\';
            switch (c) {
            case '"':  e[1] = '"';  break;
            case '\\': e[1] = '\\'; break;
            case '\b': e[1] = 'b';  break;
            case '\f': e[1] = 'f';  break;
            case '\n': e[1] = 'n';  break;
            case '\r': e[1] = 'r';  break;
            case '\t': e[1] = 't';  break;
            default:
                e[1] = 'u'; e[2] = '0'; e[3] = '0';
                e[4] = hex[c >> 4]; e[5] = hex[c & 15u];
                en = 6;
            }
            hbi_put(w, e, en);
            i++;
        } else if (k == 0) {
            hbi_put(w, "\\ufffd", 6);   /* each invalid byte, as Go does */
            i++;
        } else {
            hbi_put(w, cp == 0x2028u ? "\\u2028" : "\\u2029", 6);
            i += k;
        }
        run = i;
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

/* Decimal digits of v, written backwards ending at end; returns the start.
   32-bit only: no 64-bit division reaches a Cortex-M build through here. */
static char *hbi_u32(char *end, uint32_t v)
{
    do {
        *--end = (char)('0' + (char)(v % 10u));
        v /= 10u;
    } while (v != 0);
    return end;
}

/* Decimal digits of a 64-bit value without 64-bit division (which would pull
   __aeabi_uldivmod into a Cortex-M build): values past 32 bits take their
   high digits by subtracting powers of ten. Returns the length (<= 20). */
static size_t hbi_u64(char out[20], uint64_t v)
{
    static const uint64_t pow10[11] = {
        10000000000000000000ULL, 1000000000000000000ULL, 100000000000000000ULL,
        10000000000000000ULL, 1000000000000000ULL, 100000000000000ULL,
        10000000000000ULL, 1000000000000ULL, 100000000000ULL, 10000000000ULL,
        1000000000ULL };
    char tmp[10], *p;
    size_t n = 0, i;
    if (v > 0xFFFFFFFFu) {
        int started = 0;
        for (i = 0; i < 11; i++) {
            char d = '0';
            while (v >= pow10[i]) { v -= pow10[i]; d++; }
            if (d != '0' || started) { out[n++] = d; started = 1; }
        }
        /* v < 10^9 now: exactly nine more digits, zero-padded */
        p = hbi_u32(tmp + 10, (uint32_t)v);
        while (p > tmp + 1) *--p = '0';
        HB_MEMCPY(out + n, tmp + 1, 9);
        return n + 9;
    }
    p = hbi_u32(tmp + 10, (uint32_t)v);
    n = (size_t)(tmp + 10 - p);
    HB_MEMCPY(out, p, n);
    return n;
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

/* v as exactly n decimal digits (zero-padded) ending at o + n. */
static void hbi_digits(char *o, uint32_t v, int n)
{
    while (n-- > 0) {
        o[n] = (char)('0' + (char)(v % 10u));
        v /= 10u;
    }
}

/* Formats t into o (>= HB_TIME_MAX bytes, no NUL). Returns the length or
   HB_ERR_ARG (nsec) / HB_ERR_RANGE (where Go's MarshalJSON fails). */
static int hbi_time(char *o, const hb_time *t)
{
    int32_t off = t->utc_offset_min;
    uint32_t aoff = (uint32_t)(off < 0 ? -off : off);
    uint32_t q, days, era, doe, yoe, doy, mp, f[6];
    uint64_t s;
    int64_t local;
    int n, i;
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
    f[5] = (q % 675u) * 128u + (uint32_t)(s & 127u);   /* second of day */
    /* days since -0400-03-01 to a civil date (H. Hinnant's algorithm) */
    era = days / 146097u;
    doe = days - era * 146097u;
    yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    mp = (5u * doy + 2u) / 153u;
    f[2] = doy - (153u * mp + 2u) / 5u + 1u;
    f[1] = mp < 10u ? mp + 3u : mp - 9u;
    f[0] = yoe + era * 400u + (f[1] <= 2u ? 1u : 0u) - 400u;
    f[3] = f[5] / 3600u;
    f[4] = f[5] / 60u % 60u;
    f[5] %= 60u;
    /* "YYYY-MM-DDThh:mm:ss": four digits, then five two-digit fields */
    hbi_digits(o, f[0], 4);
    for (i = 1, n = 4; i < 6; i++, n += 3) {
        o[n] = "--T::"[i - 1];
        hbi_digits(o + n + 1, f[i], 2);
    }
    if (t->nsec != 0) {              /* Go trims the fraction's zeros */
        o[n] = '.';
        hbi_digits(o + n + 1, t->nsec, 9);
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

/* The quoted time, without the writer's state checks (the service writes
   its fixed keys itself). */
static void hbi_put_time(hb_json *w, const hb_time *t)
{
    char tmp[HB_TIME_MAX + 2];
    int n = hbi_time(tmp + 1, t);
    if (n < 0) {
        hbi_fail(w, n);
        return;
    }
    tmp[0] = '"';
    tmp[n + 1] = '"';
    hbi_put(w, tmp, (size_t)n + 2u);
}

HEARTBEAT_DEF int hb_json_time(hb_json *w, const hb_time *t)
{
    if (w == NULL) return HB_ERR_ARG;
    if (t == NULL) return hbi_fail(w, HB_ERR_ARG);
    if (hbi_value(w) != HB_OK) return w->err;
    hbi_put_time(w, t);
    return hbi_after(w);
}

/* ---- the service ----------------------------------------------------------- */

typedef struct hb_service_internal hbi_state;

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
    if (c->retry_max_ms != 0 && c->retry_max_ms < c->retry_base_ms)
        return "retry_max_ms";
    if (c->jitter_ms >= c->interval_ms && c->jitter_ms != 0)
        return "jitter_ms";
    if (c->jitter_ms != 0 && c->rand == NULL) return "rand";
    if (c->min_valid_sec < 0) return "min_valid_sec";
    return NULL;
}

HEARTBEAT_DEF int hb_init(hb_service *hb, const hb_config *cfg)
{
    const char *why;
    hbi_state *s;
    if (cfg == NULL) return HB_ERR_ARG;
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
    char d[20];
    hbi_put(w, key, n);
    hbi_put(w, d, hbi_u64(d, v));
}

/* Writes the message into w. t == NULL: the clock is not synced. The fixed
   keys go in as raw text: the same bytes the writer's key calls make, with
   less code on the beat path. */
static void hbi_write(const hbi_state *s, hb_json *w, const hb_time *t,
                      const char *status, const char *tok, size_t toklen,
                      const hb_stats *st, uint32_t seq, uint64_t uptime)
{
    const hb_config *c = &s->cfg;
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
    hbi_put(w, ",\"jwt_token\":", 13);
    hbi_string(w, tok, toklen);
    if (HBI_OPTIONS) {
        uint32_t f = c->flags;
        if (f & HB_OPT_SEQ) hbi_put_uint(w, ",\"seq\":", 7, seq);
        if (f & HB_OPT_BOOT_ID) {
            if (c->boot_id_str != NULL) {
                hbi_put(w, ",\"boot_id\":", 11);
                hbi_string(w, c->boot_id_str, HB_STRLEN(c->boot_id_str));
            } else {
                hbi_put_uint(w, ",\"boot_id\":", 11, c->boot_id);
            }
        }
        if (f & HB_OPT_UPTIME) hbi_put_uint(w, ",\"uptime_ms\":", 13, uptime);
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
    uint64_t uptime;
    hb_json w;
    uint32_t elapsed = 0;
    /* uptime's high word: attempts come at least once per interval (< 2^31
       ms), so the elapsed ticks wrap at most once between two of them.
       Not started yet (a Last Will built before hb_start): uptime 0. */
    if (HBI_OPTIONS && s->state == HBI_ST_RUNNING) {
        elapsed = now - s->init_ms;
        if (elapsed < s->last_ms) s->wraps++;
        s->last_ms = elapsed;
    }
    uptime = ((uint64_t)s->wraps << 32) | elapsed;

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
    hb_json_init(&w, buf, size);
    hbi_write(s, &w, tp, status, tok, toklen, &s->stats, s->seq, uptime);
    return hb_json_finish(&w, len);
}

/* One beat attempt: build, publish, count, log, maybe schedule a retry. */
static int hbi_attempt(hbi_state *s, uint32_t now, const char *status)
{
    size_t len = 0;
    int rc;
    s->busy = 1;
    rc = hbi_build(s, now, s->cfg.buf, s->cfg.buf_size,
                   status != NULL ? status : s->status, &len);
    s->seq++;
    s->stats.attempts++;
    if (rc == HB_OK &&
        s->cfg.publish(s->cfg.user, s->cfg.topic, s->cfg.buf, len,
                       s->cfg.qos) != 0)
        rc = HB_ERR_PUBLISH;
    s->stats.last_error = rc;
    switch (rc) {
    case HB_OK:
        s->stats.sent++;
        s->stats.consecutive_failures = 0;
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
    return d > 0 ? (uint32_t)d : 0u;
}

HEARTBEAT_DEF uint32_t hb_poll(hb_service *hb, uint32_t now_ms)
{
    hbi_state *s;
    if (hb == NULL) return HB_POLL_IDLE;
    s = &hb->internal_;
    if (s->state != HBI_ST_RUNNING) return HB_POLL_IDLE;
    /* The idle path: one wrap-safe comparison (signed distance). Valid as
       long as polls come less than 2^31 ms apart, which hb_poll's own
       answer (at most one interval) guarantees. */
    if (s->busy) return hbi_wait(s, now_ms);
    if ((int32_t)(now_ms - s->due) >= 0) {
        /* Late by k whole intervals: k grid points are skipped and counted,
           one beat goes now, and the grid stays start + n * interval. */
        uint32_t k = (now_ms - s->grid) / s->cfg.interval_ms;
        if (k != 0) {
            s->stats.missed += k;
            hbi_log(s, HB_LOG_WARN, HB_MSG_MISSED, 0, NULL);
        }
        s->grid += (k + 1u) * s->cfg.interval_ms;
        s->due = s->grid;
        if (HBI_OPTIONS) s->due += hbi_jitter(s, s->cfg.jitter_ms);
        s->pending = 0;
        hbi_attempt(s, now_ms, NULL);
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
    /* From inside a callback the buffer is in use: stop without the
       offline beat. */
    if (HBI_OPTIONS && (s->cfg.flags & HB_OPT_OFFLINE_ON_STOP) && !s->busy) {
        s->pending = 0;
        hbi_attempt(s, now_ms, "offline");
    }
    s->state = HBI_ST_STOPPED;
    s->pending = 0;
}

HEARTBEAT_DEF int hb_beat_now(hb_service *hb, uint32_t now_ms)
{
    if (hb == NULL) return HB_ERR_ARG;
    if (hb->internal_.state != HBI_ST_RUNNING || hb->internal_.busy)
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
    if (!hbi_inited(hb)) return HB_ERR_STATE;
    rc = hbi_build(&hb->internal_, now_ms, buf, size, "offline", &n);
    if (rc == HB_OK && len != NULL) *len = n;
    return rc;
}

HEARTBEAT_DEF size_t hb_buf_size(const hb_config *cfg, size_t token_len)
{
    /* Measures the widest message this config can produce: the longest
       timestamp, counters at their maximum, a token of token_len bytes that
       needs no escaping (base64url never does). */
    static const char b64[8] = { 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A' };
    hbi_state s;
    hb_stats st;
    hb_time t;
    hb_json w;
    size_t len = 0, room;
    if (cfg == NULL || cfg->device_id == NULL) return 0;
    HB_MEMSET(&s, 0, sizeof s);
    HB_MEMSET(&st, 0xFF, sizeof st);
    st.last_error = HB_ERR_LAST_;
    HB_MEMCPY(&s.cfg, cfg, sizeof *cfg);
    t.sec = HBI_SEC_MAX - 1439 * 60;
    t.nsec = 999999999u;
    t.utc_offset_min = 1439;
    /* an empty token here, token_len added below: no token memory needed */
    hb_json_init(&w, NULL, 0);
    hbi_write(&s, &w, &t, cfg->status != NULL && HB_STRLEN(cfg->status) > 7
                          ? cfg->status : "offline",
              b64, 0, &st, 0xFFFFFFFFu, 0xFFFFFFFFFFFFFFFFull);
    if (hb_json_finish(&w, &len) != HB_OK) return 0;
    room = len + 1u;
    return room + token_len < room ? 0 : room + token_len;
}

#undef HBI_ST_STOPPED
#undef HBI_ST_RUNNING
#undef HBI_PEND_NOW
#undef HBI_PEND_RETRY
#undef HBI_MAX_DEPTH
#undef HBI_OPT_ALL
#undef HBI_OPTIONS
#undef HBI_SEC_MIN
#undef HBI_SEC_MAX
#undef HBI_SEC_SHIFT
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
