/* heartbeat.h - v0.1.0 - poll-driven MQTT heartbeats, no heap - MIT - see end of file
   SPDX-License-Identifier: MIT

   MANUAL-PLACEHOLDER
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

/* Current JWT. Sets *token/*len to memory owned by the callee, valid until
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
    HB_OPT_UPTIME        = 1u << 4, /* "uptime_ms": ms since hb_init, 64-bit */
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
                                   StatusAlive constant is "1" — set it for
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

/* The service. All members are private: storage is yours (static, stack or
   an array of thousands), access is through the functions. */
typedef struct hb_service {
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
    } internal_;
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
