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
                             __SSE2__ is defined (64 at a time with AVX2 on
                             x86-64 CPUs that have it, asked at run time
                             with gcc's and clang's __builtin_cpu_supports),
                             8 at a time with 64-bit
                             arithmetic elsewhere (one code for big- and
                             little-endian CPUs), and writes each ASCII
                             byte of a string that needs escaping from a
                             table (1 KiB). Four escaping paths in
                             all - AVX2, SSE2, the 8-byte scan, compact -
                             each measured (docs/performance.md) and each
                             run by make test.
   HEARTBEAT_NO_SIMD         only where the implementation is: the fast code
                             without SSE2 or AVX2 (the portable 8-byte scan).
   HEARTBEAT_NO_AVX2         only where the implementation is: SSE2 only, no
                             AVX2 code and no CPU feature check (e.g. a
                             kernel or a hypervisor that saves no AVX
                             state, or a link without libgcc: the check
                             reads libgcc's __cpu_model, the only symbol
                             besides memcpy, memset and strlen that an
                             x86-64 object of heartbeat.h needs).
   HEARTBEAT_NO_SIGN         only where the implementation is: hb_signed_beats
                             returns NULL and hb_init refuses cfg.signing
                             with HB_ERR_ARG. Not needed for size: a build
                             that never names hb_signed_beats links no
                             signed-beat code anyway (SIGNED BEATS).
                             Implied by HEARTBEAT_NO_OPTIONS.
   HEARTBEAT_NO_OPTIONS      only where the implementation is: leaves out
                             the code of every option below (retry, jitter,
                             de-sync, extra fields, offline on stop, custom
                             fields, unsynced policy, content_type,
                             user_props, poll_gap_ms); hb_init then refuses
                             any option field with HB_ERR_ARG (expiry_s
                             and hb_beat_props_get stay). The core
                             alone, for the smallest parts (see FOOTPRINT).
   HEARTBEAT_CONFIG_BY_REF   set everywhere (it changes hb_service): hb_init
                             keeps a pointer to your hb_config instead of a
                             copy, and the service reads it in place. The
                             config must then stay valid and unchanged
                             from hb_init for as long as the service is
                             used: make it `static const hb_config`, which
                             firmware keeps in flash. hb_service shrinks
                             by the copy, to the pointer and the interval
                             and jitter (128 bytes on 32-bit targets, at
                             most 128, checked at compile time; FOOTPRINT).
                             Nothing else changes: hb_init never writes
                             your config in either mode.
   Apart from HEARTBEAT_CONFIG_BY_REF, none of them changes the layout of
   hb_service or hb_config.

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
   is counted, and the next attempt is the next due point (or a retry,
   with retry_base_ms). The due point of a grid point is the grid point
   plus that beat's jitter (jitter_ms). Retries: the first one comes
   retry_base_ms (with rand: half of it fixed, half random) after the
   failure, each further failure in a row doubles the delay up to
   retry_max_ms, and a retry never reaches the next due point (when it
   would, none is scheduled: that beat is the next attempt). The growth
   carries across grid beats: after a second failed grid beat in a row,
   its first retry waits the grown delay (up to the cap), not
   retry_base_ms; a success starts again from retry_base_ms.
   hb_poll's answer is exact: sleep that long, call again, and you are on
   time. You may call earlier (nothing happens) or later (the beat goes
   late, the grid stays). Call at least once per 2^31 ms; the answer never
   exceeds interval_ms + jitter_ms, even after the tick went backwards
   (see ROBUSTNESS).
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
   set, never reaching the next due point), HB_OPT_OFFLINE_ON_STOP
   (hb_stop publishes one last beat with status "offline").
   hb_offline_message() builds that offline beat into your buffer for the
   MQTT Last Will, so will, birth and beat share one topic and format.

   MQTT 5 PROPERTIES
   =================
   The publish callback keeps its signature; an MQTT 5 client reads the
   properties of the beat it is publishing with hb_beat_props_get(hb),
   valid only during that call (and after hb_offline_message, for the
   Will, until the next beat attempt); NULL otherwise:
     expiry_s        Message Expiry Interval: by default
                     ceil(1.5 * interval_ms / 1000) s (at least 1), so a
                     subscriber that was away never receives a beat older
                     than 1.5 intervals; cfg.expiry_s sets another value,
                     cfg.expiry_s = HB_EXPIRY_NONE sends none (expiry_s 0).
                     Zero-initialised means the default, hence the sentinel.
     content_type    cfg.content_type, default "application/json"
     payload_format  1 (UTF-8): the JSON writer never emits invalid UTF-8
     user_props      cfg.user_props[0 .. cfg.n_user_props), default none
   Map them onto your client's property list (libmosquitto
   mosquitto_property_add_*, Paho MQTTProperties_add); examples/ do both
   with --mqtt 5. A 3.1.1 client ignores them. docs/mqtt5.md has the
   availability convention (retained birth/Will with a session id) the
   examples follow.

   RECONNECT BACKOFF
   =================
   heartbeat.h has no connection, but your reconnect loop needs a delay:
   hb_backoff_init/next/connected give capped exponential backoff with a
   random phase: the first delay d0 random in [base, 2 base), then d0,
   2 d0, 4 d0 ... up to the cap, seeded per device (so the first retry is
   jittered too), reset only after the session stayed up for stable_ms
   (use the heartbeat interval). Integer only, caller-owned, no clock
   reads. Simulated broker restarts of 10^4 devices peak at under twice
   the mean connect rate whatever the outage (docs/mqtt5.md).

   KEEP-ALIVE STARVATION
   =====================
   Your loop serves both hb_poll and the MQTT client's keep-alive. With
   cfg.poll_gap_ms set (e.g. keepalive_s * 500, half the keep-alive), each
   gap between two hb_poll calls longer than that counts in
   stats.poll_gaps, the longest in stats.max_poll_gap_ms, and logs
   HB_MSG_POLL_GAP at warning level: the broker is about to drop the
   session (it allows 1.5 keep-alives) and the device will look offline
   although it runs. The first gap counts from hb_start.

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
   (the Go service's three, exact), plus token, clock, config, missed,
   retry and poll-gap messages. The detail is a field name, the topic or an error text;
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
   rand(user): any 32-bit value. Called by hb_start (the first beat's
     jitter) and by the beat (each grid point's jitter, retry jitter).
   Re-entry: while any callback of a service runs, under whichever call
   (hb_start, hb_poll, hb_beat_now, hb_stop, hb_offline_message, a refused
   hb_set_status), a call on the same service runs no callback and sends
   nothing, so nothing recurses:
     hb_poll         returns the wait (HB_POLL_IDLE once stopped);
     hb_stop         stops, without the offline beat. A beat not yet
                     published (from rand, clock, token or fields) is not
                     sent: it counts as a publish failure with HB_ERR_STATE,
                     whatever else failed in it. From the rand of hb_start,
                     hb_start then returns HB_ERR_STATE (stopped);
     hb_set_status   works; a refused status returns HB_ERR_ARG without
                     its log line (a log callback cannot recurse);
     hb_get_stats, hb_running   work;
     hb_start, hb_beat_now, hb_offline_message   return HB_ERR_STATE.
   Never call hb_init on a service from inside its own callbacks: hb_init
   does not read the storage it is given (it is usually uninitialised), so
   it cannot refuse. Checked, entry point x callback x call, by
   tests/test_reentry.c.
   Strings you give (topic, device_id, status, boot_id_str, and the status
   passed to hb_set_status) must stay valid while the service is used;
   hb_init copies the config struct itself, so a config on the stack may
   go away after it. With HEARTBEAT_CONFIG_BY_REF it does not: the
   hb_config itself must stay valid and unchanged while the service is
   used (from hb_init until the last call on the service); a `static
   const hb_config` does that, in flash.

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
   - tick goes backwards (the tick should be monotonic; this is what
     happens when it is not): hb_poll's answer stays at most interval_ms
     + jitter_ms, because the schedule (grid, due point, retry) moves back
     with the tick by the excess; the next beat comes within that bound.
     uptime_ms adds, at each attempt, the ticks since the previous one
     when that step is forward (a signed 32-bit distance above 0); a step
     back adds nothing, so uptime_ms never decreases and never jumps by
     2^32.
   - uptime_ms in hb_offline_message: the uptime so far while running; 0
     before hb_start and after hb_stop.
   - a failed hb_init leaves *hb as it was: a running service runs on with
     its old config.
   - hb_init refuses buf_size 0 and a negative min_valid_sec (0 = any
     time) with HB_ERR_ARG and a log line naming the field.
   - a token callback that returns 0 with *token NULL and *len 0 sends an
     empty token ("jwt_token":""); NULL with *len > 0 is HB_ERR_TOKEN.
   - two errors at once: the arguments are checked before the state
     (HB_ERR_ARG wins over HB_ERR_STATE), the time before any byte is
     written (HB_ERR_RANGE wins over HB_ERR_NOSPACE, and a beat with such
     a time does not ask for a token). A JSON writer's sticky error is the
     first one and stays the answer.
   - from inside a callback: see CALLBACK CONTRACTS (re-entry).
   Checked by tests/test_faults.c, tests/test_reentry.c, four libFuzzer
   harnesses (fuzz/) and cppcheck, clang-tidy and gcc -fanalyzer; see
   docs/robustness.md.

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
       static hb_signing sg;                 // yours: settings and state
       sg.ops          = hb_signed_beats;    // links the signing code in
       sg.sign_alg     = HB_SIGN_ES256;      // or HB_SIGN_HS256
       sg.sign_kid     = "dev-7-hb-1";       // the key's id, 1..64 chars
       sg.sign         = hb_jwt_sign_beat;   // HEARTBEAT_MBEDTLS, or yours
       sg.sign_user    = &jwt;               // hb_jwt_signer_init(&jwt, &jc)
       sg.sign_carrier = HB_CARRIER_A;       // or HB_CARRIER_B (MQTT 5)
       cfg.signing     = &sg;
       cfg.rand        = my_trng;            // draws the boot_id
   Pay for what you call: the signed-beat code is reached only through the
   table hb_signed_beats() returns, so a device build that never names
   hb_signed_beats links none of it (--gc-sections), and hb_service holds
   no signing state (cfg.signing is one pointer). The hb_signing is
   caller-owned: zero it, fill its public fields, give each service its
   own, and keep it valid and unmoved from hb_init until the service is no
   longer polled (it holds the pending signature's place, carrier B's
   detached JWS and the generated boot_id).
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
   refuses (HB_ERR_ARG): sg.ops NULL (not hb_signed_beats), an unknown
   sign_alg (0 included: without signing leave cfg.signing NULL), no sign,
   a kid that is empty,
   over 64 bytes or not printable ASCII without " and \, a carrier other
   than A or B, cfg.token set (no bearer token in signed beats), no rand
   when no boot_id is given, and signing in a HEARTBEAT_NO_OPTIONS or
   HEARTBEAT_NO_SIGN build. Off (cfg.signing NULL), the Go format is
   untouched.
   MQTT 5 (hb_beat_props_get): carrier A's content_type is
   "application/jwt" unless cfg.content_type says otherwise; carrier B's
   user properties are "jws" first, then at most 2 of cfg.user_props
   (hb_init refuses more).
   The receiving side: hb_mon_beat_signed(&mon, payload, len, jws, jws_len,
   &sg, now) checks the header (exactly this profile, typ "hb+jwt"), has
   your sg.verify callback check the signature under the device's key
   (hb_jwt_verify_beat does it with mbedTLS), then refuses replays without
   liveness credit: the same boot_id with a seq not above the highest
   seen, the previous boot's beats, and (after hb_mon_set_wall) beats past
   exp + sg.leeway_s. They count in stats.replays; bad signatures, headers
   or typ in stats.bad_sig; neither reaches the detector. A replay of a
   boot older than the previous one cannot be told from a reboot without
   a clock: set the wall clock so that exp catches it.

   MONITOR (the fleet side, hb_mon_*)
   ==================================
   The receiving half: feed it every beat your backend gets and it tells
   which devices are alive, suspect, dead, offline or rebooted. Your
   memory (a table of 32-byte hb_mon_slot, optionally a second one of
   hb_mon_counters), no heap, no threads, no strings in the detector,
   integer arithmetic on the beat and poll paths:

       static hb_mon_slot slots[1 << 20];   // ~70 % full at most
       static hb_mon mon;
       hb_mon_config mc = {0};
       mc.slots = slots;  mc.capacity = 1 << 20;
       mc.event = on_event;  mc.user = &app;   // NEW, ALIVE, SUSPECT, DEAD,
       hb_mon_init(&mon, &mc);                 // OFFLINE, REBOOT, OUTAGE...
       on each message:  hb_mon_beat(&mon, payload, len, now_ms);
       in your loop:     sleep_ms = hb_mon_poll(&mon, now_ms);
       your own broker:  hb_mon_link(&mon, connected, now_ms);

   Each event names a slot index that stays the device's while it is in
   the table: keep names in a parallel array (store them at NEW, with
   hb_mon_unescape), and give cfg.same to make lookups exact (otherwise a
   64-bit hash of the decoded id is the identity: 3e-8 chance of one
   shared hash among 10^6 devices). hb_mon_get(m, id, len, &dev) reads
   state, phi, last seen, learned interval and counters.
   The model (docs/monitor.md has the reasoning and the measurements):
   - liveness is judged on your monotonic tick only; the device's
     timestamp is recorded as an offset (hb_mon_set_wall), never used;
   - only beats new at the device give credit: seq above the last of the
     boot and session; duplicates and stale beats are counted; with
     uptime_ms the credit is when the beat was sent, so a queue flushed
     after a death revives nobody;
   - phi = -log10(chance an alive device is this silent) with loss_ppm
     (default 1 %): 2.00 per interval past the jitter allowance. SUSPECT
     at phi 2 (one beat missing), DEAD at phi 10 (five in a row, 1e-10:
     at 1 % loss a fleet's 10^8 beats hold about one run of four lost
     in a row; docs/monitor.md has the measured bound). dead_phi 800
     convicts one interval sooner at 1e-8 per beat;
   - the interval comes from interval_ms, else seq/uptime, else arrival
     gaps; outliers stay out, so one outage does not teach a long one;
   - a new boot_id is REBOOT; hb_stop + hb_start in one boot (seq and
     uptime from 0) is a new session with full credit, not a stale beat,
     once one of its first two beats arrives (an old beat delivered late
     also seems to come from a session that started late; its uptime
     tells it apart); arrivals under 1/16 interval apart (a burst) teach
     no interval;
   - "offline" of the current boot is OFFLINE at once, the Last Will
     included (its seq and uptime are old); one from a superseded or
     unseen boot is ignored (Sparkplug's bdSeq rule);
   - no verdicts while your link is down, nor for a grace after
     (reconnect_ms, default: as long as it was down); when over 25 % of
     the fleet falls silent together, one OUTAGE instead of N deaths.
   Many messages at once (one read of the socket, a bridge's backlog)?
   hb_mon_beat_batch(&mon, payloads, lens, n, now_ms) is hb_mon_beat on
   each in order, same events and stats, but parses HB_MON_BATCH (16)
   first and starts loading their slots, so on a table far bigger than
   the CPU caches the random memory accesses overlap.
   hb_mon_poll sweeps at most poll_budget slots (65536) per call and
   returns the exact ms to the next possible transition (HB_POLL_IDLE
   when none); resolution_ms trades that exactness for fewer sweeps of
   big tables (transitions up to that late, never early).
   hb_mon_parse reads every beat heartbeat.h writes, in every option
   combination, Go's escapes included; unknown members are skipped;
   device_id and status point into the payload (HB_MON_ID_ESCAPED when
   they hold escapes). Bad input: HB_ERR_ARG with info.why, counted in
   stats.bad and logged, never a crash (fuzz/fuzz_monitor.c).
   hb_mon_beat/_arrival/_poll/_link return HB_ERR_STATE from inside the
   event callback; hb_mon_get is allowed there. Device builds pay
   nothing: the linker drops the monitor (FOOTPRINT, "monitor" rows).
   examples/monitor/hb-monitor.c is a complete monitor on libmosquitto.

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
   docs/performance.md, docs/mqtt5.md (MQTT 5, availability, backoff,
   keep-alive starvation).

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

              core alone                +options all API  sizeof: hb_service   hb_poll
   target      text    ro data  bss     text   text  copy by ref hb_config  stack
   Cortex-M0   3604    650    0    0   5909   8419    232    128       120    248
   Cortex-M4   3354    650    0    0   5673   8103    232    128       120    228
   Cortex-M33  3350    650    0    0   5661   8091    232    128       120    228
   rv32imac    3838    700    0    0   6299   9059    232    128       120    256

              monitor (hb_mon_*, tests/embedded/ref_mon.c)
   target      text    ro data  bss
   Cortex-M0  13322  1374    0    0
   Cortex-M4  12748  1374    0    0
   Cortex-M33 12760  1374    0    0
   rv32imac   14123  1561    0    0

              signed beats (tests/embedded/ref_sign.c)
   target      text added  stack
   Cortex-M0   8490  2581    256
   Cortex-M4   8150  2477    228
   Cortex-M33  8136  2475    228
   rv32imac    9201  2902    256

   text includes ro (read-only data: strings, tables). core alone: a
   program calling hb_init, hb_start, hb_poll, hb_stop, built with
   HEARTBEAT_NO_OPTIONS; +options: the same with every option compiled
   in (the fleet options); all API: every public function of the
   device side called. monitor: hb_mon_init, _beat, _poll, _link and
   _get, which no device build links (--gc-sections drops them).
   sizeof hb_service: copy = the default (hb_init copies the config),
   by ref = built with HEARTBEAT_CONFIG_BY_REF (a pointer to it).
   signed beats: the core program with cfg.signing set (sg.ops =
   hb_signed_beats), its text, what that adds to +options, and its
   hb_poll stack, through the hb_signed_beats table's functions.
   hb_poll stack (options in): the deepest call chain, without your
   callbacks and libc/libgcc helpers (memcpy, __aeabi_*); ? marks an
   unbounded stack.

   HEARTBEAT_NO_OPTIONS is the smallest build. By default hb_service holds
   a copy of the whole config, so a config on the stack may be dropped
   after hb_init; with HEARTBEAT_CONFIG_BY_REF it holds a pointer instead
   (the "by ref" column) and the config must stay. Speed (make bench) and
   the project's own size and speed targets: docs/performance.md.
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

/* HB_ERR_LAST_, the lowest code, comes from the list itself: the codes are
   0, -1, -2, ... in list order (checked where the implementation is), so
   it is one minus the number of entries. */
#define HBI_ERR_INDEX(name, value, text) HBI_INDEX_##name,
enum { HB_ERROR_LIST(HBI_ERR_INDEX) HBI_ERR_ENTRIES };
#undef HBI_ERR_INDEX
#define HBI_ERR_ENUM(name, value, text) name = (value),
enum { HB_ERROR_LIST(HBI_ERR_ENUM) HB_ERR_LAST_ = 1 - (int)HBI_ERR_ENTRIES };
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
#define HB_MSG_POLL_GAP  "heartbeat poll gap over the limit: keep-alive may starve"
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
   hb_json_finish reports it (and leaves an empty string in the buffer;
   the bytes after it are unspecified). A NULL buffer with size 0
   measures: every call succeeds and hb_json_finish gives the length the
   output would have. Nothing is ever written at or past size.
   The output is always NUL-terminated, so it needs length + 1 bytes. */
/* The writer's private state (a file-scope tag, as for hb_service). */
struct hb_json_internal {
    char    *buf;
    size_t   size;
    size_t   len;
    int      err;
    uint32_t kinds;  /* bit d set: nesting level d is an object */
    uint8_t  depth;  /* 0 .. 32 */
    uint8_t  first;  /* no value written yet at this level */
    uint8_t  key;    /* a key was written, its value is due */
    uint8_t  done;   /* the top-level value is complete */
};

/* The writer. All members are private: use the functions. */
typedef struct hb_json {
    struct hb_json_internal internal_;
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

/* ---- MQTT 5 beat properties ------------------------------------------------
   What an MQTT 5 publish callback attaches to the beat it is publishing;
   read them with hb_beat_props_get() from inside the callback. A 3.1.1
   client ignores them. */
typedef struct hb_user_prop {
    const char *key;         /* NUL-terminated UTF-8 */
    const char *value;       /* value_len bytes of UTF-8 (not NUL-terminated) */
    size_t      value_len;
} hb_user_prop;

typedef struct hb_beat_props {
    uint32_t            expiry_s;      /* MQTT 5 Message Expiry Interval, 0 = none */
    const char         *content_type;  /* "application/json" (or "application/jwt" for signed beats) */
    uint8_t             payload_format;/* Payload Format Indicator: 1 = UTF-8 */
    const hb_user_prop *user_props;    /* may be NULL when n_user_props == 0 */
    size_t              n_user_props;
} hb_beat_props;

/* cfg.expiry_s: no Message Expiry Interval at all (0 means the default). */
#define HB_EXPIRY_NONE UINT32_MAX
/* ---- end of MQTT 5 beat properties ---- */

/* ---- SIGNED BEATS (declarations) -------------------------------------------
   cfg.signing != NULL replaces the bearer "jwt_token" by a per-beat JWS of
   profile "hb+jwt" (manual: SIGNED BEATS). */
enum { HB_SIGN_NONE = 0, HB_SIGN_HS256 = 1, HB_SIGN_ES256 = 3 }; /* = HB_JWT_* */
enum {
    HB_CARRIER_A = 0, /* the MQTT payload is the compact JWS (MQTT 3.1.1 and 5) */
    HB_CARRIER_B = 1  /* MQTT 5: the payload is the JSON claims, the detached
                         JWS goes in the user property "jws" */
};
#define HB_SIGN_KID_MAX 64   /* bytes of hb_signing.sign_kid */
#define HB_SIGN_B_PROPS 2    /* carrier B: at most this many cfg.user_props
                                besides the "jws" property */

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
/* The signed-beat code, reached only through the table hb_signed_beats
   hands out: a build that never names hb_signed_beats links none of it
   (with -ffunction-sections -Wl,--gc-sections, or a static library). */
struct hb_sign_ops;
typedef const struct hb_sign_ops *(*hb_sign_ops_fn)(void);
/* The signing state's private part (do not touch). */
struct hb_sign_internal {
    const struct hb_sign_ops *t;  /* hb_init: what ops returned */
    size_t        sg_in;    /* signing input: buf[sg_in .. sg_end) */
    size_t        sg_end;
    size_t        sg_plen;  /* carrier B: the payload's length */
    const char   *sg_jws;   /* carrier B: the detached JWS of the last beat */
    size_t        sg_jws_len;
    hb_user_prop  sg_props[HB_SIGN_B_PROPS + 1]; /* carrier B: "jws" + yours */
    uint32_t      sg_at;    /* pending signature: ask again at this tick */
    char          boot_hex[17]; /* the generated boot_id */
};
/* Signed beats' settings and state: caller-owned, one per service, set
   cfg.signing = &it; it must outlive the service (hb_init to the last
   hb_poll). Zero it, then fill the public fields. */
typedef struct hb_signing {
    hb_sign_ops_fn ops;           /* required: hb_signed_beats */
    int           sign_alg;       /* HB_SIGN_ES256 or HB_SIGN_HS256 */
    const char   *sign_kid;       /* "kid" of the header: 1..64 bytes of
                                     printable ASCII without " and \ */
    hb_sign_fn    sign;           /* the signer: yours, or hb_jwt_sign_beat */
    void         *sign_user;      /* passed to sign; NULL means: cfg.user */
    int           sign_carrier;   /* HB_CARRIER_A (0) or HB_CARRIER_B */
    struct hb_sign_internal internal_; /* private */
} hb_signing;
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
                                     next due point. Else the first retry
                                     comes this long after the failure,
                                     doubling each failure in a row (see
                                     THE POLL LOOP) */
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
    /* ---- MQTT 5 properties and keep-alive starvation ---- */
    uint32_t      expiry_s;       /* Message Expiry Interval of each beat, s:
                                     0 = ceil(1.5 * interval_ms / 1000) (at
                                     least 1); HB_EXPIRY_NONE = none; other
                                     values as they are */
    uint32_t      poll_gap_ms;    /* 0 = no check; else a gap between two
                                     hb_poll calls longer than this counts in
                                     stats.poll_gaps and logs HB_MSG_POLL_GAP
                                     (set it from your keep-alive, e.g.
                                     keepalive_s * 500); <= 2^31-1 */
    const char   *content_type;   /* NULL = "application/json"; UTF-8,
                                     1..65535 bytes; must stay valid */
    const hb_user_prop *user_props; /* User Properties of every beat, NULL =
                                     none; the array and its strings must
                                     stay valid */
    size_t        n_user_props;   /* entries in user_props, 0..255 */
    /* ---- SIGNED BEATS: NULL = unsigned, the Go format ---- */
    hb_signing   *signing;        /* your hb_signing (SIGNED BEATS) */
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
    uint32_t poll_gaps;       /* hb_poll gaps over cfg.poll_gap_ms */
    uint32_t max_poll_gap_ms; /* the longest gap seen (with poll_gap_ms set) */
} hb_stats;

/* The service's private state: do not touch, use the functions. Declared
   at file scope so that C and C++ see the same type. By default it holds a
   copy of the config; with HEARTBEAT_CONFIG_BY_REF a pointer to the
   caller's config and the two values hb_poll's idle path reads. */
/* The last beat's local date, so that the timestamp's calendar runs once a
   day (the fast code; a pure function of day, so no clock step, hb_start or
   changed offset can make it stale). */
struct hbi_day {
    uint32_t day;   /* days since -0400-03-01 (0 = none: never a valid one) */
    unsigned char ymd[4];   /* its date: century, year % 100, month, day */
};
struct hb_service_internal {
#ifdef HEARTBEAT_CONFIG_BY_REF
    const hb_config *cfgp;  /* the caller's config, read in place */
    uint32_t      interval_ms; /* cfgp->interval_ms and cfgp->jitter_ms */
    uint32_t      jitter_ms;
#else
    hb_config     cfg;      /* hb_init's copy (signed beats: flags and
                               boot_id_str resolved; flags' top byte
                               holds the HBI_P_* bits) */
#endif
    const char   *status;   /* current status (hb_set_status) */
    uint32_t      grid;     /* next grid point (ms tick) */
    uint32_t      due;      /* grid + this beat's jitter */
    uint32_t      retry_at; /* next retry, when pending & RETRY */
    uint32_t      tick;     /* tick of the last attempt, for uptime */
    uint32_t      up_lo;    /* uptime_ms: low word */
    uint32_t      up_hi;    /* ... and high word */
    uint32_t      last_poll;/* tick of the last hb_poll (poll_gap_ms) */
    struct hbi_day dc;      /* the timestamp's day cache (fast code) */
    uint8_t       state;    /* HBI_ST_*: doubles as an init marker */
    uint8_t       pending;  /* HBI_PEND_* bits */
    uint8_t       busy;     /* a callback of this service is running:
                               the re-entry guard */
    uint8_t       sg_state; /* SIGNED BEATS: 0, HBI_SG_PENDING or _SYNC */
#ifdef HEARTBEAT_CONFIG_BY_REF
    uint8_t       priv;     /* HBI_P_* bits (the copy keeps them in
                               cfg.flags' top byte) */
#endif
    hb_stats      stats;    /* stats.attempts is also the next "seq" */
    hb_beat_props props;    /* what hb_beat_props_get hands out while
                               they are valid (in publish, after
                               hb_offline_message): the fast code keeps
                               payload_format 1 and a private bit, the
                               compact code payload_format 1 or 0. The
                               retry delay is not kept: it follows from
                               stats.consecutive_failures */
};

/* The service. All members are private: storage is yours (static, stack or
   an array of thousands), access is through the functions. */
typedef struct hb_service {
    struct hb_service_internal internal_;
} hb_service;
#if defined(HEARTBEAT_CONFIG_BY_REF) && UINTPTR_MAX <= 0xFFFFFFFFu
/* HEARTBEAT_CONFIG_BY_REF's promise on 32-bit targets: at most 128 bytes */
typedef char hb_service_by_ref_fits_128_[sizeof(hb_service) <= 128u ? 1 : -1];
#endif

#define HB_POLL_IDLE UINT32_MAX  /* hb_poll's answer when stopped */

/* Validates cfg and makes hb a stopped service. HB_ERR_ARG (and a log line
   naming the field) for any bad field. Copies cfg; with
   HEARTBEAT_CONFIG_BY_REF keeps cfg itself, which must then stay valid and
   unchanged while hb is used. cfg is never written. */
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
/* The MQTT 5 properties of the beat being published. Valid only during the
   publish callback (and, after hb_offline_message, for its output until
   the next beat attempt or hb_offline_message); NULL otherwise. */
HEARTBEAT_DEF const hb_beat_props *hb_beat_props_get(const hb_service *hb);

/* ---- BACKOFF: reconnect delays for your MQTT client -----------------------
   Capped exponential backoff with a random phase, for reconnecting, which
   heartbeat.h does not do itself (it has no connection). Caller-owned,
   integer only, no clock reads:

       hb_backoff bo;
       hb_backoff_init(&bo, 250, 8000, cfg.interval_ms, device_id, seed);
       link lost or connect failed:  retry_at = now + hb_backoff_next(&bo, now);
       CONNACK accepted:             hb_backoff_connected(&bo, now);

   The first delay d0 is random in [base_ms, 2 * base_ms) (log-uniform),
   so the first retry is jittered too; after it the delays are d0, 2 d0,
   4 d0 ... up to max_ms: the k-th retry comes d0 * 2^k after the loss.
   Whenever the broker comes back, T after a fleet lost it, each device's
   next attempt falls in [T, 2T) with a nearly flat density (peak 1.44 x
   its mean): no storm whatever T is. The sequence is reset only when
   the session stayed up for stable_ms (one heartbeat interval is a good
   value): a broker that kicks the client right after CONNACK does not get
   instant reconnects. The random numbers are seeded from the device id
   and seed, so devices differ even with the same seed. */
typedef struct hb_backoff {
    uint32_t base_ms;   /* private: use the functions */
    uint32_t max_ms;
    uint32_t stable_ms;
    uint32_t ceiling;   /* the delay after the next one */
    uint32_t rng;       /* xorshift32 state, never 0 */
    uint32_t up_at;     /* tick of the last hb_backoff_connected */
    uint32_t failures;  /* hb_backoff_next calls since the last reset */
    uint8_t  up;        /* connected, no failure since */
    uint8_t  magic;     /* set by hb_backoff_init */
    uint8_t  reserved[2];
} hb_backoff;

/* base_ms 1 .. max_ms, max_ms <= 2^31-1, stable_ms <= 2^31-1; device_id
   may be NULL (seed alone). HB_ERR_ARG otherwise (b untouched). */
HEARTBEAT_DEF int      hb_backoff_init(hb_backoff *b, uint32_t base_ms,
                                       uint32_t max_ms, uint32_t stable_ms,
                                       const char *device_id, uint32_t seed);
/* The link went down or a connect attempt failed at now_ms: the ms to wait
   before the next attempt (1 .. max_ms). Starts a new sequence (a new d0)
   if the session had been up for stable_ms or more, or after reset. 0 for
   a NULL or uninitialised b. */
HEARTBEAT_DEF uint32_t hb_backoff_next(hb_backoff *b, uint32_t now_ms);
/* The connection is up (CONNACK accepted) at now_ms. */
HEARTBEAT_DEF void     hb_backoff_connected(hb_backoff *b, uint32_t now_ms);
/* The next failure starts a new sequence (e.g. the user asked to reconnect). */
HEARTBEAT_DEF void     hb_backoff_reset(hb_backoff *b);
/* Failures since the last reset (the attempt number of the next retry). */
HEARTBEAT_DEF uint32_t hb_backoff_failures(const hb_backoff *b);
/* ---- end of BACKOFF ---- */

/* ---- MONITOR (hb_mon_*) ----------------------------------------------------
   The fleet side: reads the beats of many devices and tells which are
   alive, suspect, dead, offline or rebooted. Caller-owned tables, no heap,
   no threads, integer arithmetic on the beat and poll paths. The manual's
   MONITOR section explains the model; in short:

       static hb_mon_slot slots[1 << 16];
       static hb_mon mon;
       hb_mon_config mc = {0};
       mc.slots = slots;  mc.capacity = 1 << 16;
       mc.event = on_event;  mc.user = &app;
       hb_mon_init(&mon, &mc);
       ... on each MQTT message: hb_mon_beat(&mon, payload, len, now_ms);
       ... in the loop: wait = hb_mon_poll(&mon, now_ms);
       ... own broker link: hb_mon_link(&mon, 0 or 1, now_ms);
*/

/* Device states (hb_mon_device.state, hb_mon_event.state/prev). */
enum {
    HB_MON_NONE = 0,     /* empty slot / not known */
    HB_MON_ALIVE = 1,
    HB_MON_SUSPECT = 2,  /* phi >= suspect_phi: beats are overdue */
    HB_MON_DEAD = 3,     /* phi >= dead_phi */
    HB_MON_OFFLINE = 4   /* said "offline" (hb_stop or its Last Will) */
};

/* Events (hb_mon_event.type). */
enum {
    HB_MON_EV_NEW = 1,        /* first beat of a device; slot assigned */
    HB_MON_EV_ALIVE = 2,      /* recovered: SUSPECT/DEAD/OFFLINE -> ALIVE */
    HB_MON_EV_SUSPECT = 3,
    HB_MON_EV_DEAD = 4,
    HB_MON_EV_OFFLINE = 5,    /* status "offline" of the current boot */
    HB_MON_EV_REBOOT = 6,     /* a new boot_id (or, without boot_id, a new
                                 session: seq back to 0) */
    HB_MON_EV_OUTAGE = 7,     /* a share of the fleet fell silent at once */
    HB_MON_EV_OUTAGE_END = 8,
    HB_MON_EV_FULL = 9        /* a new device did not fit; slot is UINT32_MAX */
};

/* hb_mon_info.flags: which members a beat had. */
enum {
    HB_MON_HAS_TIME = 1u << 0,     /* "timestamp" -> time_ms */
    HB_MON_HAS_STATUS = 1u << 1,
    HB_MON_HAS_SEQ = 1u << 2,
    HB_MON_HAS_BOOT = 1u << 3,     /* "boot_id", number or string */
    HB_MON_HAS_UPTIME = 1u << 4,
    HB_MON_HAS_INTERVAL = 1u << 5,
    HB_MON_ID_ESCAPED = 1u << 6,   /* id holds JSON escapes (\u003c, \") */
    HB_MON_OFFLINE_STATUS = 1u << 7, /* status is exactly "offline" */
    HB_MON_UNSYNCED = 1u << 8      /* "clock_synced":false */
};

/* One parsed beat. Pointers point into the payload (not copied, not
   NUL-terminated); id and status are the raw JSON text between the quotes. */
typedef struct hb_mon_info {
    const char *id;          /* device_id, raw (see HB_MON_ID_ESCAPED) */
    size_t      id_len;
    const char *status;      /* raw */
    size_t      status_len;
    int64_t     time_ms;     /* "timestamp" as Unix ms (device wall clock) */
    uint64_t    uptime_ms;
    uint32_t    seq;
    uint32_t    interval_ms;
    uint32_t    boot_hash;   /* 32-bit hash of boot_id (a number hashes as
                                its digits, a string as its decoded bytes) */
    uint32_t    flags;       /* HB_MON_HAS_* and friends */
    const char *why;         /* hb_mon_parse's reason on failure, else NULL */
} hb_mon_info;

/* Detector state of one device: 32 bytes, no strings. Private. */
typedef struct hb_mon_slot {
    uint64_t id_hash;   /* 0 empty, 1 deleted, else the 64-bit id hash */
    uint32_t last;      /* receiver tick of the latest liveness credit */
    uint32_t due;       /* receiver tick of the next possible transition */
    uint32_t seq;       /* highest seq of the session */
    uint32_t anchor;    /* receiver tick minus device uptime (session start) */
    uint16_t mean;      /* learned interval, 11-bit mantissa, 5-bit exponent */
    uint8_t  dev;       /* mean absolute deviation / mean, in 1/256 */
    uint8_t  state;     /* HB_MON_* in bits 0-2, private flags above */
    uint16_t boot;      /* 16-bit hash of the current boot_id, 0 none */
    uint16_t prev_boot; /* ... of the boot before it */
} hb_mon_slot;

/* Optional per-device counters, a second array of capacity entries. */
typedef struct hb_mon_counters {
    uint32_t beats;      /* beats of this device that reached the detector */
    uint32_t lost;       /* seq gaps (a reorder within 32 is taken back) */
    uint32_t dups;       /* the same seq again (QoS 1 redelivery) */
    uint32_t stale;      /* older than the latest: no liveness credit */
    uint32_t reboots;
    uint32_t deaths;     /* DEAD verdicts */
    uint32_t window;     /* private: seqs seen below the latest (bit i = seq-1-i) */
    int32_t  clock_offset_ms; /* device timestamp - receiver wall clock
                                 (hb_mon_set_wall), clamped to +-2^31 ms */
} hb_mon_counters;

/* An event: the slot index is stable while the device stays in the table,
   so keep names or anything else in a parallel array of capacity entries. */
typedef struct hb_mon_event {
    int                type;   /* HB_MON_EV_* */
    uint32_t           slot;   /* UINT32_MAX for OUTAGE, OUTAGE_END, FULL */
    int                state;  /* the device's state after the event */
    int                prev;   /* ... and before it */
    uint32_t           now_ms;
    uint32_t           count;  /* OUTAGE: silent devices; else 0 */
    const hb_mon_info *info;   /* the beat behind it; NULL from hb_mon_poll */
} hb_mon_event;

typedef void (*hb_mon_event_fn)(void *user, const hb_mon_event *ev);
/* Optional exact id check: 1 when the device in `slot` is the one whose id
   is (id, len), raw JSON text when escaped != 0 (hb_mon_id_equal helps). */
typedef int (*hb_mon_same_fn)(void *user, uint32_t slot, const char *id,
                              size_t len, int escaped);

typedef struct hb_mon_config {
    hb_mon_slot     *slots;       /* caller-owned, capacity entries, required */
    uint32_t         capacity;    /* 1 .. 2^31; keep the fleet under ~70 % */
    hb_mon_counters *counters;    /* optional, capacity entries */
    uint32_t         default_interval_ms; /* beats without interval_ms until
                                     learned; 0 = 30000; 1 .. 2^28 */
    uint32_t         suspect_phi; /* in 1/100; 0 = 200 (one beat missed) */
    uint32_t         dead_phi;    /* in 1/100; 0 = 1000 (five in a row) */
    uint32_t         loss_ppm;    /* assumed beat loss; 0 = 10000 (1 %) */
    uint32_t         pause_ms;    /* acceptable pause added to every
                                     deadline; 0 = none */
    uint32_t         outage_permille; /* silent share that is an OUTAGE;
                                     0 = 250; 1000 = never */
    uint32_t         outage_min;  /* fewest live devices for an OUTAGE; 0 = 8 */
    uint32_t         outage_max_ms; /* an OUTAGE ends at the latest after
                                     this; 0 = 10 x default_interval_ms */
    uint32_t         reconnect_ms; /* after hb_mon_link up or an OUTAGE:
                                     how long devices may take to get back
                                     (their reconnect backoff); 0 = as long
                                     as the silence lasted, at most
                                     outage_max_ms */
    uint32_t         resolution_ms; /* a slice of the table is swept at most
                                     this often; 0 = exact */
    uint32_t         poll_budget; /* slots one hb_mon_poll sweeps at most;
                                     0 = 65536 */
    hb_mon_event_fn  event;       /* optional */
    hb_mon_same_fn   same;        /* optional: exact ids (see MONITOR) */
    hb_log_fn        log;         /* optional: bad input, FULL */
    void            *user;
} hb_mon_config;

typedef struct hb_mon_stats {
    uint32_t beats;       /* hb_mon_beat/arrival calls */
    uint32_t bad;         /* payloads hb_mon_parse refused */
    uint32_t full;        /* beats of devices that did not fit */
    uint32_t ignored;     /* stale, duplicate, older boot: no credit */
    uint32_t collisions;  /* 64-bit hash equal, `same` said different */
    uint32_t devices;     /* slots in use */
    uint32_t alive, suspect, dead, offline; /* devices per state */
    uint32_t outages;
    uint32_t sweeps;      /* slices swept */
    /* ---- SIGNED BEATS (hb_mon_beat_signed) ---- */
    uint32_t bad_sig;     /* signed beats whose signature, header or typ
                             did not verify: ignored */
    uint32_t replays;     /* verified beats refused as replays: (boot_id,
                             seq) seen, older, an old boot, or expired */
} hb_mon_stats;

#define HB_MON_SLICES 64
/* Private: the day of the latest timestamp a monitor read, its
   "YYYY-MM-DDT" as two words in memory order (only compared for
   equality) and its day number; key 0 = none (a date is never 0 bytes). */
typedef struct hbi_mon_day { uint64_t key; uint32_t key2; int32_t days; } hbi_mon_day;
struct hb_mon_internal {
    hb_mon_config cfg;
    hb_mon_stats  st;
    uint32_t now;           /* latest tick seen */
    uint32_t floor;         /* silence counts again from here ... */
    uint32_t freeze;        /* ... and did not count since here */
    uint32_t outage_start, outage_live, outage_back;
    uint32_t slice_len;
    uint32_t cursor;
    uint32_t ks, kd;        /* suspect/dead span in mean intervals, Q8 */
    uint32_t l100;          /* phi per mean interval of silence, in 1/100 */
    uint32_t link_down_at;
    uint32_t epoch;         /* end of the latest OUTAGE */
    uint32_t fresh_suspect; /* SUSPECT devices heard from since epoch */
    int64_t  wall_base;     /* Unix ms at tick 0 (hb_mon_set_wall) */
    uint64_t active;        /* bit k: slice k may hold a due device */
    hbi_mon_day day;        /* the beats' latest date (hb_mon_beat) */
    uint32_t slice_due[HB_MON_SLICES];
    uint32_t slice_swept[HB_MON_SLICES];
    uint8_t  link_up, has_floor, outage, busy, has_wall, magic, has_epoch;
};
typedef struct hb_mon {
    struct hb_mon_internal internal_;
} hb_mon;

/* One device as hb_mon_get reports it. */
typedef struct hb_mon_device {
    uint32_t        slot;
    int             state;     /* HB_MON_* */
    uint32_t        phi;       /* in 1/100, at the latest tick seen */
    uint32_t        last_ms;   /* tick of the latest liveness credit */
    uint32_t        silent_ms; /* latest tick seen - last_ms */
    uint32_t        seq;
    uint32_t        mean_ms;   /* learned interval */
    uint32_t        dev_ms;    /* its mean absolute deviation */
    uint32_t        due_ms;    /* tick of the next possible transition */
    int             has_counters;
    hb_mon_counters counters;
} hb_mon_device;

/* Validates cfg and clears the table. HB_ERR_ARG for a bad field (logged). */
HEARTBEAT_DEF int hb_mon_init(hb_mon *m, const hb_mon_config *cfg);
/* Reads one beat. HB_OK, or HB_ERR_ARG with info->why set: not an object,
   bad JSON, a known member of the wrong type or range, no device_id,
   nesting over 16, over 65536 bytes. Unknown members are skipped. */
HEARTBEAT_DEF int hb_mon_parse(const char *payload, size_t len, hb_mon_info *info);
/* Parse + arrival. Bad input: counted (stats.bad), logged, HB_ERR_ARG. */
HEARTBEAT_DEF int hb_mon_beat(hb_mon *m, const char *payload, size_t len,
                              uint32_t now_ms);
/* hb_mon_beat on payloads[i] (lens[i] bytes) for i = 0 .. n-1, in order,
   all at now_ms, with the same events and stats; quicker on a big table:
   it parses HB_MON_BATCH at a time and starts loading each one's slot
   first (about 1.4 KiB of stack on 64-bit). Returns how many beats
   gave HB_OK; HB_ERR_ARG (bad m, or NULL arrays with n > 0), HB_ERR_STATE
   from inside the event callback. */
#define HB_MON_BATCH 16
HEARTBEAT_DEF int hb_mon_beat_batch(hb_mon *m, const char *const *payloads,
                                    const size_t *lens, size_t n,
                                    uint32_t now_ms);
/* Update only, for a beat you parsed yourself (id, id_len, flags and the
   members flagged present). HB_ERR_NOSPACE: table full (FULL event);
   HB_ERR_STATE from inside an event callback. */
HEARTBEAT_DEF int hb_mon_arrival(hb_mon *m, const hb_mon_info *info,
                                 uint32_t now_ms);
/* Reports due transitions; returns the ms until the next possible one
   (0 = call again now: work was left for the next call), HB_POLL_IDLE when
   none can happen until the next beat or hb_mon_link. */
HEARTBEAT_DEF uint32_t hb_mon_poll(hb_mon *m, uint32_t now_ms);
/* Your own broker connection went down (up = 0) or came back (1): no
   verdicts while down, and silence is counted from the moment it is up. */
HEARTBEAT_DEF int hb_mon_link(hb_mon *m, int up, uint32_t now_ms);
/* Your wall clock: unix_ms is the Unix time at tick now_ms. Used only for
   the counters' clock_offset_ms (and signed beats' exp). HB_ERR_ARG (and a
   log line) when |unix_ms| > 2^53. */
HEARTBEAT_DEF int hb_mon_set_wall(hb_mon *m, int64_t unix_ms, uint32_t now_ms);
/* Looks a device up by its (decoded) id. HB_ERR_ARG if not known. */
HEARTBEAT_DEF int hb_mon_get(const hb_mon *m, const char *id, size_t len,
                             hb_mon_device *out);
/* The same by slot index. HB_ERR_ARG for an empty or out-of-range slot. */
HEARTBEAT_DEF int hb_mon_get_slot(const hb_mon *m, uint32_t slot,
                                  hb_mon_device *out);
/* Forgets a device (its slot may be reused by a later NEW). */
HEARTBEAT_DEF int hb_mon_forget(hb_mon *m, uint32_t slot);
HEARTBEAT_DEF int hb_mon_get_stats(const hb_mon *m, hb_mon_stats *out);
/* The 64-bit hash the table uses for an id (decoded bytes; raw JSON text
   with escaped != 0). Never 0 or 1. For sharding: hash % N. */
HEARTBEAT_DEF uint64_t hb_mon_id_hash(const char *id, size_t len, int escaped);
/* Decodes a raw JSON string (id or status) into buf, NUL-terminated.
   *out_len gets the length. HB_ERR_NOSPACE, HB_ERR_ARG for bad escapes. */
HEARTBEAT_DEF int hb_mon_unescape(const char *raw, size_t len, int escaped,
                                  char *buf, size_t size, size_t *out_len);
/* 1 when the raw id (escaped or not) decodes to plain[0..plain_len). */
HEARTBEAT_DEF int hb_mon_id_equal(const char *raw, size_t len, int escaped,
                                  const char *plain, size_t plain_len);
/* Names for printing: "alive", "new", ... never NULL. */
HEARTBEAT_DEF const char *hb_mon_state_name(int state);
HEARTBEAT_DEF const char *hb_mon_event_name(int type);
/* ---- end MONITOR ---- */

/* ---- SIGNED BEATS in the monitor -------------------------------------------
   hb_mon_beat_signed checks a signed beat (carrier A or B) before the
   detector sees it: the header must be exactly heartbeat.h's
   {"alg":"ES256"|"HS256","typ":"hb+jwt","kid":"..."}, your verify callback
   must accept the signature for the device and kid (a key per device, or
   a lookup), and (boot_id, seq) must be new: same boot_id and seq at or
   below the highest seen, the previous boot, or (with hb_mon_set_wall) an
   exp in the past are replays: counted (stats.replays), no liveness credit.
   A bad signature is counted (stats.bad_sig) and ignored. */
typedef struct hb_mon_jws {
    const char          *id;        /* the claims' device_id, raw JSON text */
    size_t               id_len;
    int                  id_escaped;/* id holds JSON escapes (hb_mon_unescape) */
    const char          *kid;       /* the header's kid (plain ASCII) */
    size_t               kid_len;
    int                  alg;       /* HB_SIGN_ES256 or HB_SIGN_HS256 */
    const char          *input;     /* the JWS signing input */
    size_t               input_len;
    const unsigned char *sig;       /* raw: 64 bytes r||s, or 32 */
    size_t               sig_len;
} hb_mon_jws;
/* 0 when j->sig is a valid signature of j->input under the key of device
   j->id named j->kid; anything else rejects the beat. */
typedef int (*hb_mon_verify_fn)(void *user, const hb_mon_jws *j);

typedef struct hb_mon_sign {
    hb_mon_verify_fn verify;      /* required */
    void            *user;
    char            *scratch;     /* carrier A: the decoded claims; carrier
                                     B: the rebuilt signing input. Needs
                                     len (A) or 2 * len + jws_len (B) bytes */
    size_t           scratch_size;
    uint32_t         leeway_s;    /* exp tolerance (with hb_mon_set_wall) */
} hb_mon_sign;

/* A signed beat: carrier A (jws NULL: payload is the compact JWS) or B
   (payload is the claims JSON, jws the detached JWS of the "jws" user
   property). HB_OK: credited as hb_mon_beat would; HB_ERR_STATE: a replay
   (no credit); HB_ERR_CRYPTO: bad header, typ, alg or signature;
   HB_ERR_ARG: malformed (stats.bad), or no seq/boot_id in the claims;
   HB_ERR_NOSPACE: scratch too small (counted as bad). */
HEARTBEAT_DEF int hb_mon_beat_signed(hb_mon *m, const char *payload, size_t len,
                                     const char *jws, size_t jws_len,
                                     const hb_mon_sign *sg, uint32_t now_ms);
#if defined(HEARTBEAT_MBEDTLS)
/* The verify step with mbedTLS, for your hb_mon_verify_fn once it has found
   the device's key: key is the HS256 secret, or the ES256 public key (PEM
   with its NUL counted, or DER). 0 when the signature is valid; HB_ERR_CRYPTO
   when not; HB_ERR_ARG for a bad key. The ES256 key is parsed on each call
   (about as costly as the verify itself). */
HEARTBEAT_DEF int hb_jwt_verify_beat(const hb_mon_jws *j, const unsigned char *key,
                                     size_t key_len);
#endif
/* ---- end SIGNED BEATS in the monitor ---- */

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
/* The signed-beat code: set hb_signing.ops = hb_signed_beats. Naming it is
   what links that code in. */
HEARTBEAT_DEF const struct hb_sign_ops *hb_signed_beats(void);
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
     2048..4096 bits. The signature is deterministic; the private-key
     operation is blinded against side channels, with cfg.rng when given
     and otherwise with the same internal generator as ES256 (below), so
     alg = HB_JWT_RS256 plus a key is a complete config. Pass rng (your
     TRNG, or mbedtls_ctr_drbg_random) when you have one.
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
    hb_jwt_rng_fn        rng;        /* required for jti; optional for RS256
                                        and ES256 (blinding: NULL = internal
                                        generator); unused by HS256 */
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
   size for alg, jti without rng. On failure jwt is zeroed, so
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
   read, with the same rules as hb_jwt_init. Then sg.sign =
   hb_jwt_sign_beat, sg.sign_user = &jwt, sg.sign_alg = the same alg.
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
#  define HBI_INLINE   __attribute__((always_inline)) inline
#else
#  define HBI_NOINLINE
#  define HBI_INLINE
#endif

/* The fast code (tables, SIMD, inlined helpers) or the compact code: see
   "the next byte that needs care" below. */
#if defined(HEARTBEAT_COMPACT) || \
    (defined(__OPTIMIZE_SIZE__) && !defined(HEARTBEAT_FAST))
#  define HBI_FAST 0
#else
#  define HBI_FAST 1
#endif

#define HBI_ST_STOPPED  0x53u   /* 'S': init marker too, so a zeroed or */
#define HBI_ST_RUNNING  0x52u   /* 'R': garbage struct is "not initialised" */
#define HBI_PEND_NOW    1u      /* an immediate beat is due at the next poll */
#define HBI_PEND_RETRY  2u      /* a retry is due at retry_at */
#define HBI_MAX_DEPTH   32u
#define HBI_OPT_ALL     0x1FFu
/* the options that add members after the token */
#define HBI_OPT_FIELDS  (HB_OPT_SEQ | HB_OPT_BOOT_ID | HB_OPT_UPTIME | \
                         HB_OPT_INTERVAL | HB_OPT_HEALTH)
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

/* HB_ERR_LAST_ counts on codes 0, -1, -2, ... in list order: each code
   is minus its index in the list (a compile error otherwise). */
#define HBI_ERR_CHECK(name, value, text) \
    typedef char hbi_err_in_order_##name[(value) == -(int)HBI_INDEX_##name ? 1 : -1];
HB_ERROR_LIST(HBI_ERR_CHECK)
#undef HBI_ERR_CHECK

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

/* The valid UTF-8 sequence at s (n > 0 bytes available) as
   (code point << 3) | length, or 0 if the first byte starts no valid
   sequence: overlongs, surrogates, > U+10FFFF and truncated sequences all
   count as invalid, one byte at a time. (One return value, no pointer:
   nothing of the caller's needs to live in memory.) */
#if HBI_FAST
static HBI_INLINE uint32_t hbi_utf8(const unsigned char *s, size_t n)
{
    uint32_t c = s[0], v;
    if (c < 0x80u) return c << 3 | 1u;
    if (c < 0xC2u || c > 0xF4u || n < 2u || (s[1] & 0xC0u) != 0x80u)
        return 0;
    v = (c << 6 | (s[1] & 0x3Fu));
    if (c < 0xE0u) return (v & 0x7FFu) << 3 | 2u;
    /* the second byte's narrower ranges: no overlongs (E0, F0), no
       surrogates (ED), nothing above U+10FFFF (F4) */
    if ((c == 0xE0u && s[1] < 0xA0u) || (c == 0xEDu && s[1] > 0x9Fu) ||
        (c == 0xF0u && s[1] < 0x90u) || (c == 0xF4u && s[1] > 0x8Fu) ||
        n < 3u || (s[2] & 0xC0u) != 0x80u)
        return 0;
    v = v << 6 | (s[2] & 0x3Fu);
    if (c < 0xF0u) return (v & 0xFFFFu) << 3 | 3u;
    if (n < 4u || (s[3] & 0xC0u) != 0x80u) return 0;
    v = v << 6 | (s[3] & 0x3Fu);
    return (v & 0x1FFFFFu) << 3 | 4u;
}

/* The length of hbi_utf8's sequence (2..4; 0 when invalid) for s[0] >= 0x80,
   without decoding: the escaper copies valid sequences verbatim. */
static HBI_INLINE size_t hbi_utf8_len(const unsigned char *s, size_t n)
{
    uint32_t c = s[0];
    if (c < 0xC2u || c > 0xF4u || n < 2u || (s[1] & 0xC0u) != 0x80u)
        return 0;
    if (c < 0xE0u) return 2;
    if (n < 3u || (s[2] & 0xC0u) != 0x80u) return 0;
    if (c < 0xF0u)                      /* no overlongs, no surrogates */
        return (c == 0xE0u ? s[1] < 0xA0u : c == 0xEDu && s[1] > 0x9Fu) ? 0 : 3;
    if (c == 0xF0u ? s[1] < 0x90u : c == 0xF4u && s[1] > 0x8Fu) return 0;
    return n < 4u || (s[3] & 0xC0u) != 0x80u ? 0 : 4;   /* <= U+10FFFF */
}
#else
/* The compact code: the same answers (checked exhaustively for every 1..3
   byte sequence and every 4-byte one from F0..F4 against the fast code),
   by decoding first and refusing overlongs, surrogates and > U+10FFFF
   after. */
static uint32_t hbi_utf8(const unsigned char *s, size_t n)
{
    static const uint32_t min[3] = { 0x80u, 0x800u, 0x10000u };
    uint32_t c = s[0], k, i;
    if (c < 0x80u) return c << 3 | 1u;
    k = c >= 0xF0u ? 4u : c >= 0xE0u ? 3u : 2u;
    if (c < 0xC0u || c > 0xF4u || n < k) return 0;
    c &= 0x7Fu >> k;
    /*@
#ifdef PV_WP
      loop invariant 1 <= i <= k;
      loop assigns i, c;
#else
      loop invariant \true;
#endif
    */   /* for Frama-C's WP (proof/contracts.h, proof/wp_core.c) */
    for (i = 1; i < k; i++) {
        if ((s[i] & 0xC0u) != 0x80u) return 0;
        c = c << 6 | (s[i] & 0x3Fu);
    }
    if (c < min[k - 2u] || c > 0x10FFFFu || (c >> 11) == 0x1Bu) return 0;
    return c << 3 | k;
}
#endif

/* 1 if s[0..n) is valid UTF-8 without NUL bytes. */
static int hbi_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    uint32_t u;
    while (i < n) {
        if (p[i] == 0) return 0;
        u = hbi_utf8(p + i, n - i);
        if (u == 0) return 0;
        i += u & 7u;
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
    w->internal_.buf = buf;
    w->internal_.size = buf != NULL ? size : 0;
    w->internal_.len = 0;
    w->internal_.err = HB_OK;
    w->internal_.kinds = 0;
    w->internal_.depth = 0;
    w->internal_.first = 1;
    w->internal_.key = 0;
    w->internal_.done = 0;
}

static void hbi_put(hb_json *w, const char *s, size_t n)
{
    if (w->internal_.err != HB_OK) return;
    if (w->internal_.buf == NULL) { w->internal_.len += n; return; }
    /* len < size always holds, so size - len cannot wrap; keeping one byte
       back for the NUL makes the test "n < room". */
    HB_ASSERT(w->internal_.len <= w->internal_.size);   /* < once anything was written */
    if (n >= w->internal_.size - w->internal_.len) {
        w->internal_.err = HB_ERR_NOSPACE;
        return;
    }
    HB_MEMCPY(w->internal_.buf + w->internal_.len, s, n);
    w->internal_.len += n;
}

static int hbi_fail(hb_json *w, int err)
{
    if (w->internal_.err == HB_OK) w->internal_.err = err;
    return w->internal_.err;
}

/* Everything due before a value: the state check and the comma. */
static int hbi_value(hb_json *w)
{
    if (w == NULL) return HB_ERR_ARG;
    if (w->internal_.err != HB_OK) return w->internal_.err;
    if (w->internal_.done) return hbi_fail(w, HB_ERR_STATE);
    if (w->internal_.depth > 0) {
        if (w->internal_.kinds & (1u << (w->internal_.depth - 1u))) {
            if (!w->internal_.key) return hbi_fail(w, HB_ERR_STATE);
            w->internal_.key = 0;
        } else if (!w->internal_.first) {
            hbi_put(w, ",", 1);
        }
        w->internal_.first = 0;
    }
    return w->internal_.err;
}

static int hbi_after(hb_json *w)
{
    if (w->internal_.depth == 0) w->internal_.done = 1;
    return w->internal_.err;
}

static int hbi_begin(hb_json *w, char open, uint32_t is_object)
{
    int rc = hbi_value(w);         /* HB_ERR_ARG for w == NULL */
    if (rc != HB_OK) return rc;
    if (w->internal_.depth >= HBI_MAX_DEPTH) return hbi_fail(w, HB_ERR_STATE);
    hbi_put(w, &open, 1);
    if (is_object) w->internal_.kinds |= 1u << w->internal_.depth;
    else w->internal_.kinds &= ~(1u << w->internal_.depth);
    w->internal_.depth++;
    w->internal_.first = 1;
    return w->internal_.err;
}

static int hbi_end(hb_json *w, char close, uint32_t is_object)
{
    if (w == NULL) return HB_ERR_ARG;
    if (w->internal_.err != HB_OK) return w->internal_.err;
    if (w->internal_.depth == 0 || w->internal_.key ||
        ((w->internal_.kinds >> (w->internal_.depth - 1u)) & 1u) != is_object)
        return hbi_fail(w, HB_ERR_STATE);
    hbi_put(w, &close, 1);
    w->internal_.depth--;
    w->internal_.first = 0;
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
   says __SSE2__; 64 at a time with AVX2 for strings of 32 bytes or more, on
   x86-64 CPUs that have it) and 8 at a time with 64-bit arithmetic everywhere else, so
   a UUID or a base64url token is one scan and one copy. The compact path
   (-Os, or HEARTBEAT_COMPACT) looks at one byte at a time. */
#if HBI_FAST && defined(__SSE2__) && !defined(HEARTBEAT_NO_SIMD) && \
    (defined(__GNUC__) || defined(__clang__))
#  define HBI_SSE2 1
#  include <emmintrin.h>
#  if defined(__x86_64__) && !defined(HEARTBEAT_NO_AVX2) && \
     (defined(__clang__) || __GNUC__ >= 5)
#    define HBI_AVX2 1
#    include <immintrin.h>
#  else
#    define HBI_AVX2 0
#  endif
#else
#  define HBI_AVX2 0
#  define HBI_SSE2 0
#endif

/* Bit c of this map is set when byte c (< 0x80) goes out verbatim: 0x20 ..
   0x7F but " & < > \ . One table instead of seven compares, so a byte
   loop keeps few constants live. */
static const unsigned char hbi_plain_map[16] = {
    0, 0, 0, 0, 0xBB, 0xFF, 0xFF, 0xAF, 0xFF, 0xFF, 0xFF, 0xEF,
    0xFF, 0xFF, 0xFF, 0xFF };

static int hbi_plain(unsigned c)
{
    return c < 0x80u && ((hbi_plain_map[c >> 3] >> (c & 7u)) & 1u);
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

/* The 8 bytes at p as a little-endian number, on any host: the same code
   for either byte order (compilers make it one load on little-endian). */
static uint64_t hbi_le64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
           (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

#if HBI_SSE2
/* Bit k set: byte k of x may need care. Signed compare: bytes >= 0x80 are
   negative, so "below 0x20" catches them too; x | 4 == 0x26 is " or &;
   x | 0x62 == 0x7E is < > \ and, falsely, ^ | ~ (and two control bytes),
   which costs one compare less: every consumer of a hit checks hbi_plain
   before it escapes (a false hit goes out verbatim). */
static __m128i hbi_plain16v(__m128i x)        /* 0xFF: surely plain */
{
    return _mm_andnot_si128(
        _mm_or_si128(
            _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(0x04)),
                           _mm_set1_epi8(0x26)),
            _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(0x62)),
                           _mm_set1_epi8(0x7E))),
        _mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F)));
}

static unsigned hbi_care16(__m128i x)
{
    return (unsigned)_mm_movemask_epi8(hbi_plain16v(x)) ^ 0xFFFFu;
}

static __m128i hbi_load16(const unsigned char *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* Copies s[0..n) (n >= 16) to o while it scans, 64 bytes a step (then 32,
   16 and an overlapping tail), and returns the index of the first byte
   that may need care (or n); the bytes before it are in o. Writes o[0..n)
   at most (the last step overlaps bytes already found clean). */
static HBI_INLINE size_t hbi_copy_scan(char *o, const unsigned char *s,
                                        size_t n)
{
    size_t i = 0;
    __m128i x, y, b, c;
    unsigned m;
    for (; n - i >= 64u; i += 64u) {
        __m128i x2, y2, b2, c2;
        x = hbi_load16(s + i);
        y = hbi_load16(s + i + 16u);
        x2 = hbi_load16(s + i + 32u);
        y2 = hbi_load16(s + i + 48u);
        _mm_storeu_si128((__m128i *)(void *)(o + i), x);
        _mm_storeu_si128((__m128i *)(void *)(o + i + 16u), y);
        _mm_storeu_si128((__m128i *)(void *)(o + i + 32u), x2);
        _mm_storeu_si128((__m128i *)(void *)(o + i + 48u), y2);
        b = hbi_plain16v(x);
        c = hbi_plain16v(y);
        b2 = hbi_plain16v(x2);
        c2 = hbi_plain16v(y2);
        if (_mm_movemask_epi8(_mm_and_si128(_mm_and_si128(b, c),
                                            _mm_and_si128(b2, c2))) != 0xFFFF) {
            m = (unsigned)_mm_movemask_epi8(b) |
                (unsigned)_mm_movemask_epi8(c) << 16;
            if (m != 0xFFFFFFFFu) return i + (size_t)__builtin_ctz(~m);
            m = (unsigned)_mm_movemask_epi8(b2) |
                (unsigned)_mm_movemask_epi8(c2) << 16;
            /* always true here; the check keeps the bit count's argument
               nonzero without the relation between the masks (for
               Frama-C, proof/eva_simd.c) */
            if (m != 0xFFFFFFFFu) return i + 32u + (size_t)__builtin_ctz(~m);
        }
    }
    if (n - i >= 32u) {
        x = hbi_load16(s + i);
        y = hbi_load16(s + i + 16u);
        _mm_storeu_si128((__m128i *)(void *)(o + i), x);
        _mm_storeu_si128((__m128i *)(void *)(o + i + 16u), y);
        b = hbi_plain16v(x);
        c = hbi_plain16v(y);
        if (_mm_movemask_epi8(_mm_and_si128(b, c)) != 0xFFFF) {
            m = (unsigned)_mm_movemask_epi8(b) |
                (unsigned)_mm_movemask_epi8(c) << 16;
            if (m != 0xFFFFFFFFu)           /* always (as above) */
                return i + (size_t)__builtin_ctz(~m);
        }
        i += 32u;
    }
    if (n - i >= 16u) {
        x = hbi_load16(s + i);
        _mm_storeu_si128((__m128i *)(void *)(o + i), x);
        m = hbi_care16(x);
        if (m != 0) return i + (size_t)__builtin_ctz(m);
        i += 16u;
    }
    if (i < n) {                            /* the tail, overlapping */
        x = hbi_load16(s + n - 16u);
        _mm_storeu_si128((__m128i *)(void *)(o + n - 16u), x);
        m = hbi_care16(x);
        if (m != 0) return n - 16u + (size_t)__builtin_ctz(m);
    }
    return n;
}
#endif

#if HBI_AVX2
/* hbi_copy_scan with AVX2, 64 bytes a step (n >= 32), for the CPUs that
   have it (__builtin_cpu_supports, at run time): the same answer and the same
   writes, o[0..n) at most. */
#define HBI_K32(b) { (long long)(0x0101010101010101ull * (b)), \
    (long long)(0x0101010101010101ull * (b)), \
    (long long)(0x0101010101010101ull * (b)), \
    (long long)(0x0101010101010101ull * (b)) }
/* hbi_plain16v's constants, 32 bytes each, read from memory (no broadcast
   at each call) */
static const __m256i hbi_k32[5] = {
    HBI_K32(0x04), HBI_K32(0x26), HBI_K32(0x62), HBI_K32(0x7E), HBI_K32(0x1F)
};
#undef HBI_K32

__attribute__((target("avx2"))) static __m256i hbi_plain32v(__m256i x,
                                                             const __m256i *k)
{
    return _mm256_andnot_si256(
        _mm256_or_si256(
            _mm256_cmpeq_epi8(_mm256_or_si256(x, k[0]), k[1]),
            _mm256_cmpeq_epi8(_mm256_or_si256(x, k[2]), k[3])),
        _mm256_cmpgt_epi8(x, k[4]));
}

__attribute__((target("avx2"))) static HBI_NOINLINE size_t
hbi_copy_scan_avx2(char *o, const unsigned char *s, size_t n)
{
    size_t i = 0;
    __m256i x, y, b, c;
    uint32_t m;
    const __m256i *k = hbi_k32;
#ifndef __FRAMAC__   /* (no effect on any value: Frama-C needs not see it) */
    __asm__("" : "+r"(k));   /* the constants read from memory, not rebuilt */
#endif
    for (; n - i >= 64u; i += 64u) {
        x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
        y = _mm256_loadu_si256((const __m256i *)(const void *)(s + i + 32u));
        _mm256_storeu_si256((__m256i *)(void *)(o + i), x);
        _mm256_storeu_si256((__m256i *)(void *)(o + i + 32u), y);
        b = hbi_plain32v(x, k);
        c = hbi_plain32v(y, k);
        if ((uint32_t)_mm256_movemask_epi8(_mm256_and_si256(b, c)) != 0xFFFFFFFFu) {
            m = ~(uint32_t)_mm256_movemask_epi8(b);
            if (m != 0) return i + (size_t)__builtin_ctz(m);
            m = ~(uint32_t)_mm256_movemask_epi8(c);
            if (m != 0)         /* always (see hbi_copy_scan) */
                return i + 32u + (size_t)__builtin_ctz(m);
        }
    }
    if (n - i >= 32u) {
        x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
        _mm256_storeu_si256((__m256i *)(void *)(o + i), x);
        m = ~(uint32_t)_mm256_movemask_epi8(hbi_plain32v(x, k));
        if (m != 0) return i + (size_t)__builtin_ctz(m);
        i += 32u;
    }
    if (i < n) {                            /* the tail, overlapping */
        x = _mm256_loadu_si256((const __m256i *)(const void *)(s + n - 32u));
        _mm256_storeu_si256((__m256i *)(void *)(o + n - 32u), x);
        m = ~(uint32_t)_mm256_movemask_epi8(hbi_plain32v(x, k));
        if (m != 0) return n - 32u + (size_t)__builtin_ctz(m);
    }
    return n;
}
#endif

#if HBI_SSE2
/* hbi_copy_scan with one 16-byte step first, for the clean runs between
   escapes, which are often short (n >= 16) */
static HBI_INLINE size_t hbi_copy_scan16(char *o, const unsigned char *s,
                                          size_t n)
{
    __m128i x = hbi_load16(s);
    unsigned m;
    _mm_storeu_si128((__m128i *)(void *)o, x);
    m = hbi_care16(x);
    if (m != 0) return (size_t)__builtin_ctz(m);
    if (n - 16u >= 16u) return 16u + hbi_copy_scan(o + 16, s + 16, n - 16u);
    x = hbi_load16(s + n - 16u);            /* the tail, overlapping */
    _mm_storeu_si128((__m128i *)(void *)(o + n - 16u), x);
    m = hbi_care16(x);
    return m != 0 ? n - 16u + (size_t)__builtin_ctz(m) : n;
}
#endif

/* hbi_skip for n - i >= 8: 8 bytes a step with 64-bit arithmetic. */
static HBI_NOINLINE size_t hbi_skip8(const unsigned char *s, size_t i,
                                      size_t n)
{
    while (n - i >= 8u) {
        uint64_t m = hbi_care8(hbi_le64(s + i));
        if (m != 0) {
            /* byte k of the input is bits 8k..8k+7 on every host: the
               lowest marked byte is the first. Its high bit, moved to bit
               0 of the byte and multiplied, leaves k in the top byte
               (& 7: no change to k, a bound Frama-C can see) */
            m = ((m & (0u - m)) >> 7) * 0x0001020304050607ull;
            return i + (size_t)(m >> 56 & 7u);
        }
        i += 8u;
        if (n - i < 8u && i != n) i = n - 8u;   /* the tail, overlapping */
    }
    return n;
}

/* Index of the first byte of s[i..n) that needs care (with SSE2: may
   need care, see hbi_care16), or n. */
static size_t hbi_skip(const unsigned char *s, size_t i, size_t n)
{
#if HBI_SSE2
    if (n - i >= 16u) {
        unsigned b;
        for (; n - i >= 32u; i += 32u) {    /* two steps per check */
            b = hbi_care16(hbi_load16(s + i)) |
                hbi_care16(hbi_load16(s + i + 16u)) << 16;
            if (b != 0) return i + (size_t)__builtin_ctz(b);
        }
        if (n - i >= 16u) {
            b = hbi_care16(hbi_load16(s + i));
            if (b != 0) return i + (size_t)__builtin_ctz(b);
            i += 16u;
        }
        if (i < n) {                        /* the tail, overlapping */
            b = hbi_care16(hbi_load16(s + n - 16u));
            if (b != 0) return n - 16u + (size_t)__builtin_ctz(b);
        }
        return n;
    }
#endif
    if (n - i >= 8u) return hbi_skip8(s, i, n);
    while (i < n && hbi_plain(s[i])) i++;
    return i;
}
#endif /* HBI_FAST */

/* The escape of the byte(s) at s[0..n) (n > 0; s[0] is not plain) into e
   (6 bytes), as (input bytes it stands for << 8) | its length; length 0
   means valid UTF-8 that stays verbatim. Out of line in the compact code
   (a shorter stack for the byte loop), inlined in the fast code. */
#if HBI_FAST
static HBI_INLINE uint32_t hbi_escape(char *e, const unsigned char *s,
                                      size_t n)
#else
static HBI_NOINLINE uint32_t hbi_escape(char *e, const unsigned char *s,
                                        size_t n)
#endif
{
    /* the two-byte escapes: the byte, then the letter after the \ */
    static const char two[] = "\"\"\\\\\bb\ff\nn\rr\tt";
    static const char hex[] = "0123456789abcdef";
    unsigned c = s[0], i;
    uint32_t u, cp = c, k = 1;
    if (c >= 0x80u) {
        u = hbi_utf8(s, n);
        if (u == 0) {
            cp = 0xFFFDu;               /* each invalid byte, as Go does */
        } else {
            cp = u >> 3;
            k = u & 7u;
            if (cp != 0x2028u && cp != 0x2029u) return k << 8;
        }
    } else {
        /*@
#ifdef PV_WP
          loop invariant 0 <= i <= 14 && i % 2 == 0;
          loop assigns i;
#else
          loop invariant \true;
#endif
        */   /* for Frama-C's WP (proof/contracts.h, proof/wp_core.c) */
        for (i = 0; i < sizeof two - 1u; i += 2u) {
            if (c == (unsigned char)two[i]) {
                e[0] = '\\';
                e[1] = two[i + 1u];
                return 1u << 8 | 2u;
            }
        }
    }
    e[0] = '\\';                       /* \uXXXX */
    e[1] = 'u';
    /*@
#ifdef PV_WP
      loop invariant 0 <= i <= 4;
      loop assigns i, e[2 .. 5];
#else
      loop invariant \true;
#endif
    */
    for (i = 0; i < 4u; i++) e[2u + i] = hex[(cp >> (12u - 4u * i)) & 15u];
    return k << 8 | 6u;
}

#if HBI_FAST
/* Go's output for each ASCII byte: up to 6 bytes, its length at [6]. */
static const char hbi_esc_tab[128][8] = {
    "\\u0000\6", "\\u0001\6", "\\u0002\6", "\\u0003\6", "\\u0004\6",
    "\\u0005\6", "\\u0006\6", "\\u0007\6", "\\b\0\0\0\0\2", "\\t\0\0\0\0\2",
    "\\n\0\0\0\0\2", "\\u000b\6", "\\f\0\0\0\0\2", "\\r\0\0\0\0\2",
    "\\u000e\6", "\\u000f\6", "\\u0010\6", "\\u0011\6", "\\u0012\6",
    "\\u0013\6", "\\u0014\6", "\\u0015\6", "\\u0016\6", "\\u0017\6",
    "\\u0018\6", "\\u0019\6", "\\u001a\6", "\\u001b\6", "\\u001c\6",
    "\\u001d\6", "\\u001e\6", "\\u001f\6", " \0\0\0\0\0\1", "!\0\0\0\0\0\1",
    "\\\"\0\0\0\0\2", "#\0\0\0\0\0\1", "$\0\0\0\0\0\1", "%\0\0\0\0\0\1",
    "\\u0026\6", "'\0\0\0\0\0\1", "(\0\0\0\0\0\1", ")\0\0\0\0\0\1",
    "*\0\0\0\0\0\1", "+\0\0\0\0\0\1", ",\0\0\0\0\0\1", "-\0\0\0\0\0\1",
    ".\0\0\0\0\0\1", "/\0\0\0\0\0\1", "0\0\0\0\0\0\1", "1\0\0\0\0\0\1",
    "2\0\0\0\0\0\1", "3\0\0\0\0\0\1", "4\0\0\0\0\0\1", "5\0\0\0\0\0\1",
    "6\0\0\0\0\0\1", "7\0\0\0\0\0\1", "8\0\0\0\0\0\1", "9\0\0\0\0\0\1",
    ":\0\0\0\0\0\1", ";\0\0\0\0\0\1", "\\u003c\6", "=\0\0\0\0\0\1",
    "\\u003e\6", "?\0\0\0\0\0\1", "@\0\0\0\0\0\1", "A\0\0\0\0\0\1",
    "B\0\0\0\0\0\1", "C\0\0\0\0\0\1", "D\0\0\0\0\0\1", "E\0\0\0\0\0\1",
    "F\0\0\0\0\0\1", "G\0\0\0\0\0\1", "H\0\0\0\0\0\1", "I\0\0\0\0\0\1",
    "J\0\0\0\0\0\1", "K\0\0\0\0\0\1", "L\0\0\0\0\0\1", "M\0\0\0\0\0\1",
    "N\0\0\0\0\0\1", "O\0\0\0\0\0\1", "P\0\0\0\0\0\1", "Q\0\0\0\0\0\1",
    "R\0\0\0\0\0\1", "S\0\0\0\0\0\1", "T\0\0\0\0\0\1", "U\0\0\0\0\0\1",
    "V\0\0\0\0\0\1", "W\0\0\0\0\0\1", "X\0\0\0\0\0\1", "Y\0\0\0\0\0\1",
    "Z\0\0\0\0\0\1", "[\0\0\0\0\0\1", "\\\\\0\0\0\0\2", "]\0\0\0\0\0\1",
    "^\0\0\0\0\0\1", "_\0\0\0\0\0\1", "`\0\0\0\0\0\1", "a\0\0\0\0\0\1",
    "b\0\0\0\0\0\1", "c\0\0\0\0\0\1", "d\0\0\0\0\0\1", "e\0\0\0\0\0\1",
    "f\0\0\0\0\0\1", "g\0\0\0\0\0\1", "h\0\0\0\0\0\1", "i\0\0\0\0\0\1",
    "j\0\0\0\0\0\1", "k\0\0\0\0\0\1", "l\0\0\0\0\0\1", "m\0\0\0\0\0\1",
    "n\0\0\0\0\0\1", "o\0\0\0\0\0\1", "p\0\0\0\0\0\1", "q\0\0\0\0\0\1",
    "r\0\0\0\0\0\1", "s\0\0\0\0\0\1", "t\0\0\0\0\0\1", "u\0\0\0\0\0\1",
    "v\0\0\0\0\0\1", "w\0\0\0\0\0\1", "x\0\0\0\0\0\1", "y\0\0\0\0\0\1",
    "z\0\0\0\0\0\1", "{\0\0\0\0\0\1", "|\0\0\0\0\0\1", "}\0\0\0\0\0\1",
    "~\0\0\0\0\0\1", "\0\0\0\0\0\1"
};

static const char hbi_fffd[8] = "\\ufffd";      /* 6 bytes and 2 of padding */
static const char hbi_u2028[8] = "\\u2028";

/* Writes s[i..n) with Go's escaping at o and returns the end. The caller
   has room for 6 output bytes per input byte and 2 more after them (every
   caller has at least the closing quote, "}" and the NUL after the string);
   s[i] is a hit of the scan (i < n). An ASCII byte, escaped or not, is one
   table entry: 8 bytes copied in one go, the pointer moved by its length. */
static char *hbi_esc_run(char *o, const unsigned char *s, size_t i, size_t n)
{
    const char *str = (const char *)s;
    size_t j, k;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80u) {
            const char *e = hbi_esc_tab[c];
            HB_MEMCPY(o, e, 8);
            o += (unsigned char)e[6];
            i++;
            if (e[6] != 1 || n - i < 16u || s[i] >= 0x80u ||
                hbi_esc_tab[s[i]][6] != 1)
                continue;
            /* two plain bytes: a clean run may follow, scanned (and
               copied by the scan) */
#if HBI_SSE2
            j = hbi_copy_scan16(o, s + i, n - i);
            o += j;
            i += j;
#else
            j = hbi_skip(s, i, n);
            HB_MEMCPY(o, str + i, j - i);
            o += j - i;
            i = j;
#endif
            continue;
        }
        k = hbi_utf8_len(s + i, n - i);
        if (k == 0) {                   /* each invalid byte, as Go does */
            do {    /* and the bytes after it that lead nothing either */
                HB_MEMCPY(o, hbi_fffd, 8);
                o += 6;
                i++;
            } while (i < n && (uint32_t)s[i] - 0x80u < 0x42u);  /* 80..C1 */
            continue;
        }
        if (c == 0xE2u && s[i + 1u] == 0x80u && (s[i + 2u] | 1u) == 0xA9u) {
            HB_MEMCPY(o, hbi_u2028, 8); /* U+2028, U+2029 */
            o[5] = (char)('8' + (s[i + 2u] & 1u));
            o += 6;
        } else if (n - i >= 4u) {       /* verbatim UTF-8, 2..4 bytes */
            HB_MEMCPY(o, str + i, 4);
            o += k;
        } else {
            o[0] = str[i];
            o[1] = str[i + 1u];
            if (k > 2u) o[2] = str[i + 2u];
            o += k;
        }
        i += k;
    }
    return o;
}

/* The clean prefix of s[0..n) copied to o; returns its length (n for a
   clean string). The caller has room for n bytes at o. */
static HBI_INLINE size_t hbi_clean_copy(char *o, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
#if HBI_SSE2
#if HBI_AVX2
    if (n >= 32u && __builtin_cpu_supports("avx2"))
        return hbi_copy_scan_avx2(o, s, n);
#endif
    if (n >= 16u) return hbi_copy_scan(o, s, n);  /* one pass */
    while (i < n && hbi_plain(s[i])) {   /* short (a status): copied while checked */
        o[i] = str[i];
        i++;
    }
#else
    i = hbi_skip(s, 0, n);
    HB_MEMCPY(o, str, i);
#endif
    return i;
}

/* s[0..n) unquoted with Go's escaping at o, for the beat's fast path: room
   for n bytes at o is the caller's, *slack is the room beyond everything
   the message still needs. Returns the end, or NULL when the escapes could
   outgrow the slack (the writer's path takes over then). */
static HBI_INLINE char *hbi_str_fast(char *o, const char *str, size_t n,
                                     size_t *slack)
{
    size_t i = hbi_clean_copy(o, str, n);
    char *e;
    if (i == n) return o + n;
    if (n - i > *slack / 5u) return NULL;    /* 6 bytes out for each in */
    e = hbi_esc_run(o + i, (const unsigned char *)str, i, n);
    *slack -= (size_t)(e - o) - n;
    return e;
}
#endif

/* A quoted string with Go's escaping (encoding/json, escapeHTML on). */
static void hbi_string(hb_json *w, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0, k, en;
    char e[6];
#if HBI_FAST
    if (w->internal_.err == HB_OK && w->internal_.buf != NULL) {
        size_t room = w->internal_.size - w->internal_.len;     /* >= 1: the NUL's byte */
        char *o = w->internal_.buf + w->internal_.len;
        if (room > n + 2u) {
            /* the usual case, nothing to escape: one check, one copy */
            i = hbi_clean_copy(o + 1, str, n);
            if (i == n) {
                o[0] = '"';
                o[n + 1] = '"';
                w->internal_.len += n + 2u;
                return;
            }
        }
        if (room > 2u && n < (room - 2u) / 6u) {
            /* room for the worst case (6 bytes out for each byte in, so
               the clean prefix is already in place): escapes go straight
               into the buffer, clean runs in one copy */
            o[0] = '"';
            o = hbi_esc_run(o + 1 + i, s, i, n);
            *o++ = '"';
            w->internal_.len = (size_t)(o - w->internal_.buf);
            return;
        }
    }
#endif
    hbi_put(w, "\"", 1);
    /*@
#ifdef PV_WP
      loop invariant 0 <= run <= i <= n;
      loop invariant hbw_ok(w);
      loop invariant w->internal_.buf == \at(w->internal_.buf, Pre) && w->internal_.size == \at(w->internal_.size, Pre);
      loop invariant w->internal_.done == \at(w->internal_.done, Pre) && w->internal_.depth == \at(w->internal_.depth, Pre);
      loop invariant w->internal_.buf != \null ==> \at(w->internal_.len, Pre) <= w->internal_.len;
      loop invariant \at(w->internal_.err, Pre) != HB_OK ==> w->internal_.err == \at(w->internal_.err, Pre) && w->internal_.len == \at(w->internal_.len, Pre);
      loop invariant w->internal_.err == HB_OK || w->internal_.err == \at(w->internal_.err, Pre) || w->internal_.err == HB_ERR_NOSPACE;
      loop assigns i, run, k, en, e[0 .. 5], w->internal_.len, w->internal_.err,
                   w->internal_.buf[\at(w->internal_.len, Pre) .. \at(w->internal_.size, Pre) - 2];
#else
      loop invariant \true;
#endif
    */   /* for Frama-C's WP (proof/contracts.h, proof/wp_core.c) */
    while (i < n) {
#if HBI_FAST
        i = hbi_skip(s, i, n);
        if (i == n) break;
#endif
        if (hbi_plain(s[i])) {
            i++;
            continue;
        }
        en = hbi_escape(e, s + i, n - i);
        k = en >> 8;
        en &= 0xFFu;
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
    if (w->internal_.err != HB_OK) return w->internal_.err;
    if (key == NULL && len != 0) return hbi_fail(w, HB_ERR_ARG);
    if (w->internal_.depth == 0 || w->internal_.key ||
        !(w->internal_.kinds & (1u << (w->internal_.depth - 1u))))
        return hbi_fail(w, HB_ERR_STATE);
    if (!w->internal_.first) hbi_put(w, ",", 1);
    w->internal_.first = 0;
    hbi_string(w, key != NULL ? key : "", len);
    hbi_put(w, ":", 1);
    w->internal_.key = 1;
    return w->internal_.err;
}

HEARTBEAT_DEF int hb_json_string(hb_json *w, const char *s, size_t len)
{
    int rc;
    if (w != NULL && s == NULL && len != 0) return hbi_fail(w, HB_ERR_ARG);
    rc = hbi_value(w);
    if (rc != HB_OK) return rc;
    hbi_string(w, s != NULL ? s : "", len);
    return hbi_after(w);
}

/* v as exactly n decimal digits (zero-padded) ending at o + n. 32-bit
   only: no 64-bit division reaches a Cortex-M build through here. */
static void hbi_digits(char *o, uint32_t v, int n)
{
    while (n > 0) {
        n--;
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
    /* for Frama-C's Eva: the two branches' digit counts kept apart */
    /*@ split v > 0xFFFFFFFFu; */
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
    int rc = hbi_value(w);
    if (rc != HB_OK) return rc;
    hbi_put(w, d, hbi_u64(d, v));
    return hbi_after(w);
}

HEARTBEAT_DEF int hb_json_int(hb_json *w, int64_t v)
{
    char d[21];
    uint64_t m = (uint64_t)v;
    size_t n = 0;
    int rc = hbi_value(w);
    if (rc != HB_OK) return rc;
    if (v < 0) { d[n++] = '-'; m = 0u - m; }
    n += hbi_u64(d + n, m);
    hbi_put(w, d, n);
    return hbi_after(w);
}

HEARTBEAT_DEF int hb_json_bool(hb_json *w, int v)
{
    int rc = hbi_value(w);
    if (rc != HB_OK) return rc;
    if (v) hbi_put(w, "true", 4);
    else hbi_put(w, "false", 5);
    return hbi_after(w);
}

HEARTBEAT_DEF int hb_json_null(hb_json *w)
{
    int rc = hbi_value(w);
    if (rc != HB_OK) return rc;
    hbi_put(w, "null", 4);
    return hbi_after(w);
}

HEARTBEAT_DEF int hb_json_finish(hb_json *w, size_t *len)
{
    if (len != NULL) *len = 0;
    if (w == NULL) return HB_ERR_ARG;
    if (w->internal_.err == HB_OK && (w->internal_.depth != 0 || !w->internal_.done)) w->internal_.err = HB_ERR_STATE;
    if (w->internal_.err != HB_OK) {
        if (w->internal_.buf != NULL && w->internal_.size > 0) w->internal_.buf[0] = '\0';
        return w->internal_.err;
    }
    if (w->internal_.buf != NULL) w->internal_.buf[w->internal_.len] = '\0';
    if (len != NULL) *len = w->internal_.len;
    return HB_OK;
}

/* ---- RFC 3339 as Go's time.Time.MarshalJSON writes it ------------------- */

/* HB_OK if Go's MarshalJSON accepts t, else HB_ERR_ARG (nsec) or
   HB_ERR_RANGE. */
static int hbi_time_check(const hb_time *t)
{
    int32_t off = t->utc_offset_min;
    int64_t local;
    if (t->nsec > 999999999u) return HB_ERR_ARG;
    /* Go: the zone's hour must be 0..23 */
    if (off <= -24 * 60 || off >= 24 * 60) return HB_ERR_RANGE;
    /* Go: the local year must be 0..9999 (checked before adding the offset
       so that the sum cannot overflow) */
    if (t->sec < HBI_SEC_MIN - 86400 || t->sec > HBI_SEC_MAX + 86400)
        return HB_ERR_RANGE;
    local = t->sec + (int64_t)off * 60;
    if (local < HBI_SEC_MIN || local > HBI_SEC_MAX) return HB_ERR_RANGE;
    return HB_OK;
}

#if HBI_FAST
/* "00" "01" ... "99": two digits per lookup */
static const char hbi_d2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";
#endif

#if HBI_FAST
/* v (< 100) as two digits at o */
static void hbi_2(char *o, uint32_t v)
{
    HB_MEMCPY(o, hbi_d2 + (size_t)v * 2u, 2);
}
#endif

#if !HBI_FAST
/* hbi_digits for the time fields: a copy of its own, so that hbi_digits
   keeps one caller (hbi_u64) and stays inlined there: hb_poll's stack with
   signed beats (hbi_sign_claims > hbi_u64) on Cortex-M0 */
static void hbi_dec(char *o, uint32_t v, int n)      /* n >= 1 */
{
    char *p = o + n;
    do {
        *--p = (char)('0' + (char)(v % 10u));
        v /= 10u;
    } while (p != o);
}

/* v as k groups of two digits in base 60, the most significant first,
   separated by ':' ("hh:mm:ss" from seconds, "hh:mm" from minutes; the
   first group is below 60 here) */
static void hbi_hms(char *o, uint32_t v, int k)
{
    while (k-- > 0) {                   /* a leaf: hb_poll's stack */
        uint32_t g = v % 60u;
        o[3 * k] = (char)('0' + (char)(g / 10u));
        o[3 * k + 1] = (char)('0' + (char)(g % 10u));
        if (k != 0) o[3 * k - 1] = ':';
        v /= 60u;
    }
}
#endif

/* Formats t, already checked by hbi_time_check, into o (>= HB_TIME_MAX
   bytes, no NUL). Returns the length. The fast code (hbi_time_fmt_dc)
   reads and fills the day cache dc, and is inlined into the beat's fast
   path; its hbi_time_fmt is the same without a cache. */
#if HBI_FAST
static HBI_INLINE int hbi_time_fmt_dc(char *o, const hb_time *t,
                                      struct hbi_day *dc)
#else
static int hbi_time_fmt(char *o, const hb_time *t)
#endif
{
    int32_t off = t->utc_offset_min;
    uint32_t aoff = (uint32_t)(off < 0 ? -off : off);
    uint32_t q, days, sod, y, mo, d, ns;
    uint64_t s;
    int n;
    /* 86400 = 128 * 675: a shift, then 32-bit division only (no 64-bit
       division helper on a Cortex-M). */
    s = (uint64_t)(t->sec + (int64_t)off * 60 + HBI_SEC_SHIFT);
    q = (uint32_t)(s >> 7);
    days = q / 675u;
    sod = q % 675u * 128u + (uint32_t)(s & 127u);
#if HBI_FAST
    if (days != dc->day) {
#endif
    {
        /* days since -0400-03-01 to a civil date: Neri and Schneider's
           Euclidean affine functions (2022), 32-bit, no table; checked
           against Hinnant's algorithm for every day of years 0..9999 */
        uint32_t n1 = 4u * days + 3u;
        uint32_t c = n1 / 146097u;
        uint32_t n2 = (n1 % 146097u) | 3u;  /* 4 * (day of century) + 3 */
        uint32_t z = n2 / 1461u;
        uint32_t ny = n2 % 1461u / 4u;      /* day of the March-based year */
        uint32_t n3 = 2141u * ny + 197913u;
        uint32_t j;
        /*@ split ny >= 306u; */    /* Eva: the month's two cases apart */
        j = ny >= 306u;                     /* January or February */
        y = 100u * c + z + j - 400u;
        mo = (n3 >> 16) - 12u * j;
        d = (n3 & 0xFFFFu) / 2141u + 1u;
    }
#if HBI_FAST
        /* the years hbi_time_check lets through are 0..9999: the clamp
           changes none of them, and states for Frama-C's intervals that
           the century stays a two-digit index (once a day, not per beat) */
        if (y > 9999u) y = 9999u;
        dc->ymd[0] = (unsigned char)(y / 100u);
        dc->ymd[1] = (unsigned char)(y % 100u);
        dc->ymd[2] = (unsigned char)mo;
        dc->ymd[3] = (unsigned char)d;
        dc->day = days;
    }
#endif
    ns = t->nsec;
#if HBI_FAST
    /* "YYYY-MM-DDThh:mm:ss", two digits per table lookup; the date from
       the day cache */
    hbi_2(o, dc->ymd[0]);
    hbi_2(o + 2, dc->ymd[1]);
    o[4] = '-';
    hbi_2(o + 5, dc->ymd[2]);
    o[7] = '-';
    hbi_2(o + 8, dc->ymd[3]);
    o[10] = 'T';
    hbi_2(o + 11, sod / 3600u);
    o[13] = ':';
    sod %= 3600u;                   /* (one division with the line above) */
    hbi_2(o + 14, sod / 60u);
    o[16] = ':';
    hbi_2(o + 17, sod % 60u);
#else
    /* the compact code: one digit loop (hbi_dec) for every field */
    hbi_dec(o, y, 4);
    o[4] = '-';
    hbi_dec(o + 5, mo, 2);
    o[7] = '-';
    hbi_dec(o + 8, d, 2);
    o[10] = 'T';
    hbi_hms(o + 11, sod, 3);
#endif
    n = 19;
    if (ns != 0) {                   /* Go trims the fraction's zeros */
        o[n] = '.';
#if HBI_FAST
        {
            uint32_t hi = ns / 100000u, lo = ns % 100000u;   /* 4 + 5 digits */
            hbi_2(o + n + 1, hi / 100u);
            hbi_2(o + n + 3, hi % 100u);
            o[n + 5] = (char)('0' + (char)(lo / 10000u));
            lo %= 10000u;
            hbi_2(o + n + 6, lo / 100u);
            hbi_2(o + n + 8, lo % 100u);
        }
#else
        hbi_dec(o + n + 1, ns, 9);
#endif
        n += 10;
        while (o[n - 1] == '0') n--;
    }
    if (off == 0) {
        o[n++] = 'Z';
    } else {
        o[n] = off < 0 ? '-' : '+';
#if HBI_FAST
        hbi_2(o + n + 1, aoff / 60u);
        o[n + 3] = ':';
        hbi_2(o + n + 4, aoff % 60u);
#else
        hbi_hms(o + n + 1, aoff, 2);
#endif
        n += 6;
    }
    return n;
}

#if HBI_FAST
/* The formatter without a cache, out of line: for every caller but the
   beat's fast path */
static HBI_NOINLINE int hbi_time_fmt(char *o, const hb_time *t)
{
    struct hbi_day dc;
    dc.day = 0;                         /* empty: never a valid day */
    HB_MEMSET(dc.ymd, 0, sizeof dc.ymd);
    return hbi_time_fmt_dc(o, t, &dc);
}
#endif

/* Formats t into o (>= HB_TIME_MAX bytes, no NUL). Returns the length or
   HB_ERR_ARG (nsec) / HB_ERR_RANGE (where Go's MarshalJSON fails). */
static int hbi_time(char *o, const hb_time *t)
{
    int rc = hbi_time_check(t);
    return rc != HB_OK ? rc : hbi_time_fmt(o, t);
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
    if (hbi_value(w) != HB_OK) return w->internal_.err;
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
    if (w->internal_.err != HB_OK) return;
    if (w->internal_.buf != NULL) {
        if (w->internal_.size - w->internal_.len < HB_TIME_MAX + 3u) {
            w->internal_.err = HB_ERR_NOSPACE;
            return;
        }
        o = w->internal_.buf + w->internal_.len;
        n = hbi_time_fmt(o + 1, t);     /* hbi_build checked t */
        o[0] = '"';
        o[n + 1] = '"';
    }
    w->internal_.len += (size_t)n + 2u;
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

/* Where the service finds its config: its own copy, or with
   HEARTBEAT_CONFIG_BY_REF the caller's (never written). Defaults that
   hb_init used to write into the copy are worked out where they are used
   (hbi_status0, HBI_TOKEN_USER, hbi_retry_max), the same in both modes. */
#ifdef HEARTBEAT_CONFIG_BY_REF
#  define HBI_C(s)        ((s)->cfgp)
#  define HBI_IVL(s)      ((s)->interval_ms)
#  define HBI_JIT(s)      ((s)->jitter_ms)
#  define HBI_PRIV(s)     ((s)->priv)
#  define HBI_PB(b)       ((uint8_t)(b))
#  define HBI_PNOT(b)     ((uint8_t)~(unsigned)(b))
#else
#  define HBI_C(s)        (&(s)->cfg)
#  define HBI_IVL(s)      ((s)->cfg.interval_ms)
#  define HBI_JIT(s)      ((s)->cfg.jitter_ms)
#  define HBI_PRIV(s)     ((s)->cfg.flags)
#  define HBI_PB(b)       ((uint32_t)(b) << 24)
#  define HBI_PNOT(b)     (~(uint32_t)(b))
#endif
/* The service's private bits, next to what a beat reads anyway (the
   copy's flags, whose top byte no HB_OPT_* uses; with
   HEARTBEAT_CONFIG_BY_REF a byte of the service). The fast code uses
   them so that a beat touches neither the config's rarely set fields nor
   the MQTT 5 properties: most of a cache line less per beat in a gateway
   (docs/performance.md, round 6). The compact code reads those fields
   and writes payload_format as they are (fewer bytes of code). */
#define HBI_P_GAP       HBI_PB(1u)  /* cfg.poll_gap_ms != 0 */
#define HBI_P_COLD      HBI_PB(2u)  /* fields, min_valid_sec, poll_gap_ms or
                                       signing is set */
#define HBI_P_PROPS     HBI_PB(4u)  /* hb_beat_props_get answers */
/* HBI_PROPS_PUT(s, on): the properties become valid (on = 1) or not */
#if HBI_FAST
#  define HBI_COLD(s)       ((HBI_PRIV(s) & HBI_P_COLD) != 0)
#  define HBI_PROPS_ON(s)   (HBI_PRIV(s) & HBI_P_PROPS)
#  define HBI_PROPS_PUT(s, on) \
    (HBI_PRIV(s) = (HBI_PRIV(s) & HBI_PNOT(HBI_P_PROPS)) | HBI_PB(4u * (unsigned)(on)))
#else
#  define HBI_COLD(s)       1
#  define HBI_PROPS_ON(s)   ((s)->props.payload_format)
#  define HBI_PROPS_PUT(s, on) ((s)->props.payload_format = (uint8_t)(on))
#endif
/* "poll gap on" as a bit (fast code, by-ref), else the field itself */
#if HBI_FAST || defined(HEARTBEAT_CONFIG_BY_REF)
#  define HBI_GAP_BIT       1
#  define HBI_GAP_ON(s)     ((HBI_PRIV(s) & HBI_P_GAP) != 0)
#else
#  define HBI_GAP_BIT       0
#  define HBI_GAP_ON(s)     ((s)->cfg.poll_gap_ms != 0)
#endif
#define HBI_TOKEN_USER(c) ((c)->token_user != NULL ? (c)->token_user : (c)->user)

static const char *hbi_status0(const hb_config *c)
{
    return c->status != NULL ? c->status : "alive";
}

/* retry_max_ms with its default: interval / 2, at least retry_base_ms */
static uint32_t hbi_retry_max(const hb_config *c)
{
    uint32_t m = c->retry_max_ms != 0 ? c->retry_max_ms : c->interval_ms / 2u;
    return m < c->retry_base_ms ? c->retry_base_ms : m;
}

/* ---- SIGNED BEATS: hooks into the service (code after hb_buf_size) ---- */
#define HBI_SG_PENDING  1u  /* sg_state: a signature is pending */
#define HBI_SG_SYNC     2u  /* sg_state: hb_stop's offline beat, no pending */
#define HBI_SIGN_WAIT   1   /* hbi_build: the signer answered "pending" */
/* HEARTBEAT_NO_SIGN (or HEARTBEAT_NO_OPTIONS) leaves the signed beats'
   code to dead-code removal, as HBI_OPTIONS does for the options. */
#if defined(HEARTBEAT_NO_SIGN)
#  define HBI_SIGN_ON   0
#else
#  define HBI_SIGN_ON   HBI_OPTIONS
#endif
#define HBI_SIGNING(c)  (HBI_SIGN_ON && (c)->signing != NULL)
/* the same on the beat's path: the config's signing field only when one
   of the rarely set fields is */
#define HBI_SIGNING_S(s) (HBI_SIGN_ON && HBI_COLD(s) && HBI_C(s)->signing != NULL)
#define HBI_SG(s)       (&HBI_C(s)->signing->internal_)
#define HBI_SGT(c)      ((c)->signing->internal_.t)
/* the options signed beats switch on, and the boot_id they send: hb_init
   writes both into its copy; with HEARTBEAT_CONFIG_BY_REF they are worked
   out at each use (the caller's config is never written) */
#define HBI_SIGN_OPTS   (HB_OPT_SEQ | HB_OPT_BOOT_ID | HB_OPT_UPTIME | HB_OPT_INTERVAL)
#ifdef HEARTBEAT_CONFIG_BY_REF
#  define HBI_FLAGS(s)  (HBI_C(s)->flags | \
                         (HBI_SIGNING_S(s) ? (uint32_t)HBI_SIGN_OPTS : 0u))
#  define HBI_BOOT_STR(s) \
    (HBI_C(s)->boot_id_str != NULL || !HBI_SIGNING_S(s) || \
     HBI_C(s)->boot_id != 0 ? HBI_C(s)->boot_id_str : HBI_SG(s)->boot_hex)
#else
#  define HBI_FLAGS(s)    ((s)->cfg.flags)
#  define HBI_BOOT_STR(s) ((s)->cfg.boot_id_str)
#endif
/* The table behind hb_signed_beats: the service calls the signed-beat
   code only through it, so nothing of it is linked unless named. */
struct hb_sign_ops {
    const char *(*check)(const hb_config *c);
    void   (*resolve)(hbi_state *s, hb_config *c, int fill);
    void   (*start)(hbi_state *s);
    void   (*claims)(hb_json *w, const hb_time *t, uint32_t interval_ms);
    size_t (*offset)(const hbi_state *s, size_t size);
    int    (*build)(hbi_state *s, char *buf, size_t size, size_t *len, uint32_t now);
    int    (*finish)(hbi_state *s, char *buf, size_t *len, uint32_t now);
    int    (*poll)(hbi_state *s, uint32_t now);
    size_t (*need)(const hb_config *c, size_t n);
};
/* ---- end SIGNED BEATS ---- */

static void hbi_log(const hbi_state *s, int level, const char *msg, int err,
                    const char *detail)
{
    const hb_config *c = HBI_C(s);
    if (c->log != NULL) c->log(c->user, level, msg, err, detail);
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
        c->min_valid_sec != 0 || c->boot_id != 0 || c->boot_id_str != NULL)
        return "options: built with HEARTBEAT_NO_OPTIONS";
#endif
    if (c->flags & ~(uint32_t)HBI_OPT_ALL) return "flags";
    if (c->retry_base_ms >= c->interval_ms && c->retry_base_ms != 0)
        return "retry_base_ms";
    /* a retry never reaches the next due point, so a cap of an interval
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
#ifdef HEARTBEAT_NO_OPTIONS
    if (c->content_type != NULL || c->user_props != NULL ||
        c->n_user_props != 0 || c->poll_gap_ms != 0)
        return "options: built with HEARTBEAT_NO_OPTIONS";
#endif
    /* MQTT 5 properties: strings the broker would refuse are refused here */
    if (HBI_OPTIONS && c->content_type != NULL) {
        n = hbi_strnlen(c->content_type, 65535);
        if (n == 0 || n > 65535 || !hbi_utf8_valid(c->content_type, n))
            return "content_type";
    }
    if (HBI_OPTIONS && (c->n_user_props > 255 ||
                        (c->n_user_props != 0 && c->user_props == NULL)))
        return "n_user_props";
    for (i = 0; HBI_OPTIONS && i < c->n_user_props; i++) {
        const hb_user_prop *u = &c->user_props[i];
        if (u->key == NULL || (u->value == NULL && u->value_len != 0))
            return "user_props: NULL key or value";
        n = hbi_strnlen(u->key, 65535);
        if (n == 0 || n > 65535 || !hbi_utf8_valid(u->key, n) ||
            u->value_len > 65535 ||
            (u->value_len != 0 && !hbi_utf8_valid(u->value, u->value_len)))
            return "user_props: not UTF-8, empty key or over 65535 bytes";
    }
    if (HBI_OPTIONS && c->poll_gap_ms > 0x7FFFFFFFu) return "poll_gap_ms";
    if (c->signing != NULL) {   /* SIGNED BEATS: through the table only */
        const struct hb_sign_ops *t;
        if (!HBI_OPTIONS) return "options: built with HEARTBEAT_NO_OPTIONS";
        if (!HBI_SIGN_ON) return "signing: built with HEARTBEAT_NO_SIGN";
        if (c->signing->ops == NULL || (t = c->signing->ops()) == NULL)
            return "signing: ops NULL (set it to hb_signed_beats)";
        return t->check(c);
    }
    return NULL;
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
#ifdef HEARTBEAT_CONFIG_BY_REF
    s->cfgp = cfg;              /* used in place: must stay valid, unchanged */
    s->interval_ms = cfg->interval_ms;
    s->jitter_ms = cfg->jitter_ms;
#else
    HB_MEMCPY(&s->cfg, cfg, sizeof *cfg);
#endif
#if HBI_GAP_BIT
    if (HBI_OPTIONS && cfg->poll_gap_ms != 0) HBI_PRIV(s) |= HBI_P_GAP;
#endif
#if HBI_FAST
    if (HBI_OPTIONS && (cfg->fields != NULL || cfg->min_valid_sec != 0 ||
                        cfg->poll_gap_ms != 0 || cfg->signing != NULL))
        HBI_PRIV(s) |= HBI_P_COLD;
#endif
    s->status = hbi_status0(cfg);
    /* MQTT 5: the properties every beat carries. The default expiry is
       ceil(1.5 * interval) in seconds, in 32-bit arithmetic: 1.5 * i / 1000
       = 3 * (i / 2000) + 3 * (i % 2000) / 2000. */
    if (cfg->expiry_s == 0) {
        uint32_t q = cfg->interval_ms / 2000u, r = cfg->interval_ms % 2000u;
        s->props.expiry_s = 3u * q + (3u * r + 1999u) / 2000u;
    } else {
        s->props.expiry_s = cfg->expiry_s == HB_EXPIRY_NONE ? 0u : cfg->expiry_s;
    }
    s->props.content_type = cfg->content_type != NULL ? cfg->content_type
                                                      : "application/json";
    /* UTF-8; the fast code keeps it 1 and tells validity by HBI_P_PROPS */
    s->props.payload_format = (uint8_t)HBI_FAST;
    s->props.user_props = cfg->n_user_props != 0 ? cfg->user_props : NULL;
    s->props.n_user_props = cfg->n_user_props;
    s->sg_state = 0;
    if (HBI_SIGNING(cfg)) {         /* SIGNED BEATS */
        HBI_SGT(cfg) = cfg->signing->ops();
#ifdef HEARTBEAT_CONFIG_BY_REF
        HBI_SGT(cfg)->resolve(s, NULL, 1);
#else
        HBI_SGT(cfg)->resolve(s, &s->cfg, 1);
#endif
    }
    s->state = HBI_ST_STOPPED;
    return HB_OK;
}

static uint32_t hbi_jitter(const hbi_state *s, uint32_t max)
{
    const hb_config *c = HBI_C(s);
    if (max == 0 || c->rand == NULL) return 0;
    return max == 0xFFFFFFFFu ? c->rand(c->user)
                              : c->rand(c->user) % (max + 1u);
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
    s->tick = now_ms;
    s->up_lo = 0;
    s->up_hi = 0;
    s->pending = 0;
    s->last_poll = now_ms;
    HBI_PROPS_PUT(s, 0);
    s->grid = now_ms + HBI_IVL(s);
    s->due = s->grid;
    s->state = HBI_ST_RUNNING;
    if (!HBI_OPTIONS) return HB_OK;
    s->sg_state = 0;            /* SIGNED BEATS: a new boot_id, no pending job */
    if (HBI_SIGNING(HBI_C(s))) HBI_SGT(HBI_C(s))->start(s);
    if (HBI_FLAGS(s) & HB_OPT_IMMEDIATE) s->pending = HBI_PEND_NOW;
    /* The grid is start + first + k * interval. Without HB_OPT_DESYNC the
       first point is one interval away, as Go's time.Ticker does; with it,
       a point in (0, interval] chosen by the id spreads a fleet that was
       powered on together. */
    if (HBI_FLAGS(s) & HB_OPT_DESYNC)
        s->grid = now_ms + 1u + hbi_phase(HBI_C(s)->device_id, HBI_IVL(s));
    s->due = s->grid;
    if (HBI_JIT(s) != 0) {
        /* rand runs with the service already running and under the guard:
           hb_poll from there gets the wait, hb_stop stops it (and then
           hb_start reports that with HB_ERR_STATE) */
        s->busy = 1;
        s->due += hbi_jitter(s, HBI_JIT(s));
        s->busy = 0;
        if (s->state != HBI_ST_RUNNING) return HB_ERR_STATE;
    }
    return HB_OK;
}

/* An unsigned field: ,"key":digits (key needs no escaping). */
static void hbi_put_uint(hb_json *w, const char *key, size_t n, uint64_t v)
{
    size_t k;
    hbi_put(w, key, n);
    if (w->internal_.err != HB_OK) return;
    k = hbi_ndigits(v);
    if (w->internal_.buf == NULL) {
        w->internal_.len += k;
    } else if (k >= w->internal_.size - w->internal_.len) {
        w->internal_.err = HB_ERR_NOSPACE;
    } else {
        w->internal_.len += hbi_u64(w->internal_.buf + w->internal_.len, v);   /* in place: no copy */
    }
}

/* The members after the token (the options, the user's fields) and the
   closing brace. */
static HBI_INLINE void hbi_write_tail(const hbi_state *s, hb_json *w,
                                      const hb_time *t)
{
    const hb_config *c = HBI_C(s);
    const hb_stats *st = &s->stats;
    if (HBI_OPTIONS) {
        uint32_t f = HBI_FLAGS(s);
        if (f & HB_OPT_SEQ) hbi_put_uint(w, ",\"seq\":", 7, st->attempts);
        if (f & HB_OPT_BOOT_ID) {
            const char *bs = HBI_BOOT_STR(s);
            if (bs != NULL) {
                hbi_put(w, ",\"boot_id\":", 11);
                hbi_string(w, bs, HB_STRLEN(bs));
            } else {
                hbi_put_uint(w, ",\"boot_id\":", 11, c->boot_id);
            }
        }
        if (f & HB_OPT_UPTIME)
            hbi_put_uint(w, ",\"uptime_ms\":", 13,
                         ((uint64_t)s->up_hi << 32) | s->up_lo);
        if (f & HB_OPT_INTERVAL)
            hbi_put_uint(w, ",\"interval_ms\":", 15, HBI_IVL(s));
        if (f & HB_OPT_HEALTH) {
            hbi_put_uint(w, ",\"publish_failures\":", 20, st->fail_publish);
            hbi_put_uint(w, ",\"missed\":", 10, st->missed);
            hbi_put(w, ",\"last_error\":", 14);
            if (st->last_error < 0) hbi_put(w, "-", 1);
            hbi_put_uint(w, "", 0, (uint32_t)(st->last_error < 0
                                              ? -st->last_error
                                              : st->last_error));
        }
        if (HBI_SIGNING_S(s) && t != NULL)  /* SIGNED BEATS: iat, exp */
            HBI_SGT(c)->claims(w, t, HBI_IVL(s));
        if (HBI_COLD(s) && c->fields != NULL) {
            /* hand the user an open object with one member written */
            w->internal_.depth = 1;
            w->internal_.kinds = 1;
            w->internal_.first = 0;
            w->internal_.key = 0;
            c->fields(c->user, w);
            if (w->internal_.err == HB_OK && (w->internal_.depth != 1 || w->internal_.key))
                hbi_fail(w, HB_ERR_STATE);
            w->internal_.depth = 0;
        }
    }
    hbi_put(w, "}", 1);
    w->internal_.done = 1;
}

/* Writes the message into w. t == NULL: the clock is not synced. The fixed
   keys go in as raw text: the same bytes the writer's key calls make, with
   less code on the beat path. Inlined into its callers so that the beat's
   call chain is one frame shorter (hb_poll's stack, FOOTPRINT). */
static HBI_INLINE void hbi_write(const hbi_state *s, hb_json *w,
                                 const hb_time *t, const char *status,
                                 const char *tok, size_t toklen)
{
    const hb_config *c = HBI_C(s);
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
    if (!HBI_SIGNING_S(s)) {    /* SIGNED BEATS: no bearer token */
        hbi_put(w, ",\"jwt_token\":", 13);
#if HBI_FAST    /* Eva: one state per length through the 8-byte scan */
        /*@ split toklen; */
#endif
        hbi_string(w, tok, toklen);
    }
#if HBI_FAST    /* (after the block: Eva skips a merge that ends one) */
    /*@ merge toklen; */
#endif
    hbi_write_tail(s, w, t);
}

#if HBI_FAST
/* The beat's first four members straight into buf, with one room check
   for all of them (unescaped, the widest time, the closing brace and the
   NUL) and no writer state in between: the same bytes as hbi_write.
   Returns the length, or 0 when buf is too small for that estimate or the
   escapes could outgrow it (the writer's path then decides). */
#define HBI_K_ID  "{\"device_id\":\""
#define HBI_K_TS  "\",\"timestamp\":\""
#define HBI_K_ST  "\",\"status\":\""
#define HBI_K_TOK "\",\"jwt_token\":\""
static size_t hbi_head_fast(char *buf, size_t size, const char *id,
                            const hb_time *t, struct hbi_day *dc,
                            const char *st, const char *tok, size_t toklen)
{
    size_t idlen = HB_STRLEN(id), slack = size, i;
    char *o = buf;
    /* the fixed text, the widest time and status (32 bytes, the limit of
       hbi_check_status), "}" and the NUL */
    const size_t fixed = sizeof HBI_K_ID + sizeof HBI_K_TS + sizeof HBI_K_ST
                       + sizeof HBI_K_TOK - 4u + HB_TIME_MAX + 32u + 3u;
    if (slack < fixed) return 0;
    slack -= fixed;
    if (idlen > slack) return 0;
    slack -= idlen;
    if (toklen > slack) return 0;
    slack -= toklen;
    HB_MEMCPY(o, HBI_K_ID, sizeof HBI_K_ID - 1u);
    o = hbi_str_fast(o + sizeof HBI_K_ID - 1u, id, idlen, &slack);
    if (o == NULL) return 0;
    HB_MEMCPY(o, HBI_K_TS, sizeof HBI_K_TS - 1u);
    o += sizeof HBI_K_TS - 1u;
    o += hbi_time_fmt_dc(o, t, dc);     /* hbi_build checked t */
    HB_MEMCPY(o, HBI_K_ST, sizeof HBI_K_ST - 1u);
    o += sizeof HBI_K_ST - 1u;
    /* the status, copied while it is checked up to its NUL (which is not
       plain): no strlen for the usual short clean one */
    for (i = 0; i < 32u; i++) {
        unsigned c = (unsigned char)st[i];
        if (c >= 0x80u || hbi_esc_tab[c][6] != 1) break;   /* not plain */
        o[i] = (char)c;
    }
    if (st[i] != '\0') {
        size_t stlen = i + HB_STRLEN(st + i);
        if (stlen > 32u) return 0;      /* (hbi_check_status refuses it) */
        o = hbi_str_fast(o, st, stlen, &slack);
        if (o == NULL) return 0;
    } else {
        o += i;
    }
    HB_MEMCPY(o, HBI_K_TOK, sizeof HBI_K_TOK - 1u);
    /*@ split toklen; */
    o = hbi_str_fast(o + sizeof HBI_K_TOK - 1u, tok, toklen, &slack);
    if (o == NULL) return 0;
    *o++ = '"';
    return (size_t)(o - buf);
}
#undef HBI_K_ID
#undef HBI_K_TS
#undef HBI_K_ST
#undef HBI_K_TOK
#endif

/* Reads clock and token and writes the message into buf. Returns HB_OK or
   the failure (HB_ERR_CLOCK, HB_ERR_TOKEN, or a serialisation error). */
#if HBI_FAST
static HBI_INLINE int hbi_build(hbi_state *s, uint32_t now, char *buf,
                                size_t size, const char *status, size_t *len)
#else
static int hbi_build(hbi_state *s, uint32_t now, char *buf, size_t size,
                     const char *status, size_t *len)
#endif
{
    const hb_config *c = HBI_C(s);
    hb_time t;
    const hb_time *tp = &t;
    const char *tok = "";
    size_t toklen = 0;
    hb_json w;
    size_t off = 0;
    int rc;
    /* uptime (up_hi:up_lo): each attempt adds the ticks since the last one
       (hb_start for the first) when that step is forward as a signed
       32-bit distance; a tick that went backwards adds nothing, so uptime
       never decreases. Not running (a Last Will built before hb_start or
       after hb_stop): 0. */
    if (HBI_OPTIONS) {
        if (s->state == HBI_ST_RUNNING) {
            int32_t d = (int32_t)(now - s->tick);
            s->tick = now;
            if (d > 0) {
                uint32_t lo = s->up_lo + (uint32_t)d;
                s->up_hi += lo < s->up_lo;
                s->up_lo = lo;
            }
        } else {
            s->up_lo = 0;
            s->up_hi = 0;
        }
    }

    HB_MEMSET(&t, 0, sizeof t);
    if (c->clock(c->user, &t) != 0 || t.nsec > 999999999u ||
        (HBI_OPTIONS && HBI_COLD(s) && c->min_valid_sec != 0 &&
         t.sec < c->min_valid_sec)) {
        if (!HBI_OPTIONS || !(c->flags & HB_OPT_SEND_UNSYNCED))
            return HB_ERR_CLOCK;
        tp = NULL;
    }
    /* a time Go refuses fails here, before the token is fetched: the
       beat's error is HB_ERR_RANGE whatever the buffer size */
    if (tp != NULL && hbi_time_check(tp) != HB_OK) return HB_ERR_RANGE;
    if (c->token != NULL) {
        tok = NULL;
        if (c->token(HBI_TOKEN_USER(c), &tok, &toklen) != 0 ||
            (tok == NULL && toklen != 0))
            return HB_ERR_TOKEN;
        if (tok == NULL) tok = "";
    }
    if (HBI_SIGNING_S(s)) off = HBI_SGT(c)->offset(s, size); /* SIGNED BEATS */
#if HBI_FAST
    if (tp != NULL && !HBI_SIGNING_S(s)) {
        size_t n = hbi_head_fast(buf, size, c->device_id, tp, &s->dc,
                                 status, tok, toklen);
        if (n != 0) {
            if (!HBI_OPTIONS || ((c->flags & HBI_OPT_FIELDS) == 0 &&
                                 (!HBI_COLD(s) || c->fields == NULL))) {
                buf[n] = '}';           /* the room was in the estimate */
                buf[n + 1u] = '\0';
                *len = n + 1u;
                return HB_OK;
            }
            hb_json_init(&w, buf, size);
            w.internal_.len = n;
            hbi_write_tail(s, &w, tp);
            return hb_json_finish(&w, len);
        }
    }
#endif
    hb_json_init(&w, buf + off, size - off);
    hbi_write(s, &w, tp, status, tok, toklen);
    rc = hb_json_finish(&w, len);
    return rc;  /* SIGNED BEATS: the callers sign, hbi_build's frame gone */
}

/* One beat attempt: build, publish, count, log, maybe schedule a retry. */
static int hbi_attempt(hbi_state *s, uint32_t now, const char *status)
{
    const hb_config *c = HBI_C(s);
    size_t len = 0;
    int rc, sent_fail = 0;
    s->busy = 1;
    /* SIGNED BEATS: a pending signature is finished, not rebuilt; the
       signing runs after hbi_build returned (hb_poll's stack) */
    if (HBI_SIGN_ON && s->sg_state == HBI_SG_PENDING) {
        rc = HBI_SGT(c)->finish(s, c->buf, &len, now);
    } else {
        rc = hbi_build(s, now, c->buf, c->buf_size,
                       status != NULL ? status : s->status, &len);
        if (rc == HB_OK && HBI_SIGNING_S(s))
            rc = HBI_SGT(c)->build(s, c->buf, c->buf_size, &len, now);
    }
    if (HBI_SIGN_ON && rc == HBI_SIGN_WAIT) {  /* SIGNED BEATS: a later poll ends it */
        if (s->state == HBI_ST_RUNNING) {
            s->busy = 0;
            return HB_OK;
        }
        s->sg_state = 0;        /* hb_stop from the signer: not published */
        rc = HB_OK;
    }
    s->stats.attempts++;        /* also the next "seq" */
    if (s->state != HBI_ST_RUNNING) {
        /* a clock, token or fields callback called hb_stop: nothing goes
           out after hb_stop, whatever else failed; counted as a publish
           failure with HB_ERR_STATE */
        sent_fail = 1;
        rc = HB_ERR_STATE;
    } else if (rc == HB_OK) {
        sent_fail = 1;
        HBI_PROPS_PUT(s, 1);            /* hb_beat_props_get: during publish */
        if (c->publish(c->user, c->topic, c->buf, len, c->qos) != 0)
            rc = HB_ERR_PUBLISH;
    }
    HBI_PROPS_PUT(s, 0);
    s->stats.last_error = rc;
    switch (rc == HB_OK || !sent_fail ? rc : HB_ERR_PUBLISH) {
    case HB_OK:
        s->stats.sent++;
        s->stats.consecutive_failures = 0;
        s->pending &= (uint8_t)~HBI_PEND_RETRY;  /* e.g. hb_beat_now got through */
        hbi_log(s, HB_LOG_INFO, HB_MSG_OK, HB_OK, c->topic);
        break;
    case HB_ERR_CLOCK:
        s->stats.fail_clock++;
        hbi_log(s, HB_LOG_ERROR, HB_MSG_CLOCK, rc, NULL);
        break;
    case HB_ERR_TOKEN:
        s->stats.fail_token++;
        hbi_log(s, HB_LOG_ERROR, HB_MSG_TOKEN, rc, NULL);
        break;
#if !defined(HEARTBEAT_NO_OPTIONS) && !defined(HEARTBEAT_NO_SIGN)
    case HB_ERR_CRYPTO:         /* SIGNED BEATS: the signer failed */
        s->stats.fail_token++;
        hbi_log(s, HB_LOG_ERROR, HB_MSG_SIGN, rc, NULL);
        break;
#endif
    case HB_ERR_PUBLISH:
        s->stats.fail_publish++;
        hbi_log(s, HB_LOG_ERROR, HB_MSG_PUBLISH, rc, c->topic);
        break;
    default:
        s->stats.fail_serialize++;
        hbi_log(s, HB_LOG_ERROR, HB_MSG_SERIALIZE, rc, NULL);
        break;
    }
    if (rc != HB_OK) {
        s->stats.consecutive_failures++;
        if (HBI_OPTIONS && c->retry_base_ms != 0 &&
            s->state == HBI_ST_RUNNING) {
            /* the delay: retry_base_ms doubled for each failure in a row
               after the first, up to the cap */
            uint32_t delay, b = c->retry_base_ms, max = hbi_retry_max(c);
            uint32_t k = s->stats.consecutive_failures;
            while (--k != 0 && b != max) b = b > max / 2u ? max : b * 2u;
            /* "equal jitter": half fixed, half random, so a fleet that
               failed together does not retry together */
            delay = c->rand != NULL ? b - b / 2u + hbi_jitter(s, b / 2u) : b;
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

/* The answer of hb_poll. On a forward tick the next due point is at most
   interval + jitter away; farther means the tick went backwards, and the
   schedule (grid, due point, retry) moves back with it by the excess, so
   the answer never exceeds interval_ms + jitter_ms. */
static uint32_t hbi_wait(hbi_state *s, uint32_t now)
{
    int32_t d, cap;
    if (s->state != HBI_ST_RUNNING) return HB_POLL_IDLE;
    if (s->pending & HBI_PEND_NOW) return 0;
    d = (int32_t)(s->due - now);
    cap = (int32_t)(HBI_IVL(s) + HBI_JIT(s));
    if (d > cap) {
        uint32_t back = (uint32_t)d - (uint32_t)cap;
        s->grid -= back;
        s->due -= back;
        s->retry_at -= back;
        d = cap;
    }
    HB_ASSERT(s->busy || d > 0);
    if (s->pending & HBI_PEND_RETRY) {
        int32_t r = (int32_t)(s->retry_at - now);
        if (r < d) d = r;
    }
    if (HBI_SIGN_ON && s->sg_state == HBI_SG_PENDING) {   /* SIGNED BEATS */
        int32_t r = (int32_t)(HBI_SG(s)->sg_at - now);
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
    uint32_t late = now - s->grid;
    /* on time (the usual case): no division */
    uint32_t iv = HBI_IVL(s), k = late < iv ? 0u : late / iv;
    s->busy = 1;
    s->grid += (k + 1u) * iv;
    s->due = s->grid;
    if (HBI_OPTIONS && HBI_JIT(s) != 0)
        s->due += hbi_jitter(s, HBI_JIT(s));
    s->pending = 0;
    if (k != 0) {
        s->stats.missed += k;
        hbi_log(s, HB_LOG_WARN, HB_MSG_MISSED, 0, NULL);
    }
    s->busy = 0;
}

/* Keep-alive starvation: a gap between two hb_poll calls over
   cfg.poll_gap_ms means the caller's loop (which also serves the MQTT
   client's keep-alive) stalled. Counted and logged, under the busy guard
   so that a log callback that polls sees no second gap. */
static HBI_NOINLINE void hbi_poll_gap(hbi_state *s, uint32_t now)
{
    uint32_t gap = now - s->last_poll;
    s->last_poll = now;
    if ((int32_t)gap <= 0) return;   /* same tick, or a caller's tick went back */
    if (gap > s->stats.max_poll_gap_ms) s->stats.max_poll_gap_ms = gap;
    if (gap <= HBI_C(s)->poll_gap_ms) return;
    s->stats.poll_gaps++;
    s->busy = 1;
    hbi_log(s, HB_LOG_WARN, HB_MSG_POLL_GAP, 0, "poll_gap_ms");
    s->busy = 0;
}

HEARTBEAT_DEF uint32_t hb_poll(hb_service *hb, uint32_t now_ms)
{
    hbi_state *s;
    int32_t d;
    if (hb == NULL) return HB_POLL_IDLE;
    s = &hb->internal_;
    if (s->state != HBI_ST_RUNNING) return HB_POLL_IDLE;
    /* The idle path: one wrap-safe comparison (signed distance), nothing
       pending, and the wait within its bound (else the tick went back:
       hbi_wait). Valid as long as polls come less than 2^31 ms apart,
       which hb_poll's own answer (at most interval + jitter < 2^31)
       guarantees. */
    d = (int32_t)(s->due - now_ms);
    if (d > 0 && (s->pending | s->busy | s->sg_state) == 0 &&   /* SIGNED BEATS: sg_state */
        (uint32_t)d <= HBI_IVL(s) + HBI_JIT(s) &&
        !(HBI_OPTIONS && HBI_GAP_ON(s)))
        return (uint32_t)d;
    if (s->busy) return hbi_wait(s, now_ms);
    if (HBI_OPTIONS && HBI_GAP_ON(s)) {
        hbi_poll_gap(s, now_ms);
        if (s->state != HBI_ST_RUNNING) return HB_POLL_IDLE;  /* log stopped it */
    }
    if (HBI_SIGN_ON && s->sg_state == HBI_SG_PENDING) {     /* SIGNED BEATS */
        if (HBI_SGT(HBI_C(s))->poll(s, now_ms)) hbi_attempt(s, now_ms, NULL);
        return hbi_wait(s, now_ms);
    }
    if (d <= 0) {
        hbi_advance(s, now_ms);
        if (s->state == HBI_ST_RUNNING) {
            hbi_attempt(s, now_ms, NULL);
#if HBI_FAST
            /* the usual end of a beat: the next due point, nothing
               pending (hbi_wait's answer, without its call) */
            d = (int32_t)(s->due - now_ms);
            if (d > 0 && s->state == HBI_ST_RUNNING &&
                (s->pending | s->sg_state) == 0 &&
                (uint32_t)d <= HBI_IVL(s) + HBI_JIT(s))
                return (uint32_t)d;
#endif
        }
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
    if (HBI_SIGN_ON && !s->busy) s->sg_state = HBI_SG_SYNC;
    /* From inside a callback the buffer is in use: stop without the
       offline beat. */
    if (HBI_OPTIONS && (HBI_FLAGS(s) & HB_OPT_OFFLINE_ON_STOP) && !s->busy) {
        s->pending = 0;
        hbi_attempt(s, now_ms, "offline");
    }
    s->state = HBI_ST_STOPPED;
    s->pending = 0;
    if (HBI_SIGN_ON && !s->busy) s->sg_state = 0;  /* SIGNED BEATS */
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
    /* the argument first (HB_ERR_ARG wins over HB_ERR_STATE); a service
       that is not initialised has no log to tell */
    why = status != NULL ? hbi_check_status(status) : NULL;
    if (!hbi_inited(hb)) return why != NULL ? HB_ERR_ARG : HB_ERR_STATE;
    if (status == NULL) status = hbi_status0(HBI_C(&hb->internal_));
    if (why != NULL) {
        /* logged under the guard; from inside a callback not logged at
           all, so a log callback that calls hb_set_status cannot recurse */
        if (!hb->internal_.busy) {
            hb->internal_.busy = 1;
            hbi_log(&hb->internal_, HB_LOG_ERROR, HB_MSG_CONFIG, HB_ERR_ARG,
                    why);
            hb->internal_.busy = 0;
        }
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
    /* clock, token and fields run under the guard: no recursion, no beat */
    hb->internal_.busy = 1;
    if (HBI_SIGN_ON && hb->internal_.sg_state == HBI_SG_PENDING) {
        rc = HB_ERR_STATE;          /* SIGNED BEATS: one beat at a time */
    } else {
        if (HBI_SIGN_ON && hb->internal_.sg_state == 0)  /* SIGNED BEATS: at once */
            hb->internal_.sg_state = HBI_SG_SYNC;
        rc = hbi_build(&hb->internal_, now_ms, buf, size, "offline", &n);
        if (rc == HB_OK && HBI_SIGNING(HBI_C(&hb->internal_)))
            rc = HBI_SGT(HBI_C(&hb->internal_))->build(&hb->internal_, buf,
                                                        size, &n, now_ms);
    }
    if (HBI_SIGN_ON && hb->internal_.sg_state == HBI_SG_SYNC)
        hb->internal_.sg_state = 0;
    hb->internal_.busy = 0;
    if (rc == HB_OK && len != NULL) *len = n;
    /* its properties (for the Will) stay readable until the next beat */
    HBI_PROPS_PUT(&hb->internal_, rc == HB_OK);
    return rc;
}

HEARTBEAT_DEF const hb_beat_props *hb_beat_props_get(const hb_service *hb)
{
    if (!hbi_inited(hb) || !HBI_PROPS_ON(&hb->internal_)) return NULL;
    return &hb->internal_.props;
}

HEARTBEAT_DEF size_t hb_buf_size(const hb_config *cfg, size_t token_len)
{
    /* Measures the widest message this config can produce: the longest
       timestamp, counters at their maximum, a token of token_len bytes that
       needs no escaping (base64url never does). */
    static const char wide[] = "status-of-thirty-two-bytes-wide!";
    hbi_state s;
#ifdef HEARTBEAT_CONFIG_BY_REF
    hb_config copy;                      /* the signed beats' defaults go here */
    hb_config *c = &copy;
#else
    hb_config *c = &s.cfg;
#endif
    hb_time t;
    hb_json w;
    size_t len = 0, room;
    int i;
    if (cfg == NULL || cfg->device_id == NULL) return 0;
    HB_MEMSET(&s, 0xFF, sizeof s);       /* every counter at its widest */
    s.stats.last_error = HB_ERR_LAST_;
    HB_MEMCPY(c, cfg, sizeof *cfg);
#ifdef HEARTBEAT_CONFIG_BY_REF
    s.cfgp = c;
    s.interval_ms = cfg->interval_ms;
    s.jitter_ms = cfg->jitter_ms;
#endif
#if HBI_FAST
    HBI_PRIV(&s) |= HBI_P_COLD;          /* the rarely set fields are read */
#endif
    if (HBI_SIGNING(cfg)) {              /* SIGNED BEATS: the claims' fields */
        if (HBI_SGT(cfg) == NULL && cfg->signing->ops != NULL)
            HBI_SGT(cfg) = cfg->signing->ops();
        if (HBI_SGT(cfg) == NULL) return 0;
        HBI_SGT(cfg)->resolve(&s, c, 0);
    }
    t.sec = HBI_SEC_MAX - 1439LL * 60;
    t.nsec = 999999999u;
    t.utc_offset_min = 1439;
    /* an empty token here, token_len added below: no token memory needed */
    /* the status: the configured one, or any 32-byte status that needs no
       escaping (hb_set_status, "offline"), whichever is longer */
    for (i = 0; i < 2; i++) {
        size_t n;
        hb_json_init(&w, NULL, 0);
        hbi_write(&s, &w, &t, i == 0 ? wide : hbi_status0(cfg), "", 0);
        if (hb_json_finish(&w, &n) != HB_OK) return 0;
        if (n > len) len = n;
    }
    if (HBI_SIGNING(cfg)) return HBI_SGT(cfg)->need(cfg, len);   /* SIGNED BEATS */
    room = len + 1u;
    return room + token_len < room ? 0 : room + token_len;
}

/* ---- BACKOFF ---------------------------------------------------------------
   The k-th retry of an outage comes d0 * 2^k after the link was lost (each
   delay doubles the time since the loss) until the delay reaches max_ms,
   with d0 drawn log-uniformly from [base_ms, 2 * base_ms) once per outage.
   The schedule is then scale-free: whenever the broker comes back, at T
   after the loss, each device's next attempt falls in [T, 2T) with the
   density of T * 2^U, U uniform, which peaks at 1/ln 2 = 1.44 times its
   mean. Equal jitter ([c/2, c] per retry) keeps the fleet's k-th attempts
   in narrow bands during the ramp: a broker back in the middle of one gets
   most of the fleet in its first second (3.7 x the mean in the simulation
   of docs/mqtt5.md), full jitter even more. */
#define HBI_BO_MAGIC 0xB0u

static uint32_t hbi_bo_rand(hb_backoff *b)
{
    uint32_t x = b->rng;            /* xorshift32: never 0 from non-zero */
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    b->rng = x;
    return x;
}

HEARTBEAT_DEF int hb_backoff_init(hb_backoff *b, uint32_t base_ms,
                                  uint32_t max_ms, uint32_t stable_ms,
                                  const char *device_id, uint32_t seed)
{
    uint32_t h;
    if (b == NULL || base_ms == 0 || max_ms < base_ms ||
        max_ms > 0x7FFFFFFFu || stable_ms > 0x7FFFFFFFu)
        return HB_ERR_ARG;
    h = device_id != NULL ? hbi_phase(device_id, 0xFFFFFFFFu) : 0u;
    HB_MEMSET(b, 0, sizeof *b);
    b->base_ms = base_ms;
    b->max_ms = max_ms;
    b->stable_ms = stable_ms;
    b->ceiling = base_ms;
    /* the seed goes through a multiply so that seeds 1, 2, 3 ... differ in
       every bit; a zero state would stay zero */
    b->rng = h ^ (seed * 0x9E3779B9u + 0x7F4A7C15u);
    if (b->rng == 0) b->rng = 0x9E3779B9u;
    b->magic = HBI_BO_MAGIC;
    return HB_OK;
}

HEARTBEAT_DEF uint32_t hb_backoff_next(hb_backoff *b, uint32_t now_ms)
{
    /* 2^(i/16) in 16.16 fixed point, i = 0 .. 16 */
    static const uint32_t pow2[17] = {
        65536u, 68438u, 71468u, 74632u, 77936u, 81386u, 84990u, 88752u,
        92682u, 96785u, 101070u, 105545u, 110218u, 115098u, 120194u,
        125515u, 131072u };
    uint32_t delay;
    if (b == NULL || b->magic != HBI_BO_MAGIC) return 0;
    /* Reset only after a session that lasted: one kicked right after
       CONNACK keeps backing off. A tick that went back counts as short. */
    if (b->up && (int32_t)(now_ms - b->up_at) >= 0 &&
        now_ms - b->up_at >= b->stable_ms)
        b->failures = 0;
    b->up = 0;
    if (b->failures == 0) {
        /* d0 = base * 2^u, u uniform in [0, 1): 4 bits pick the table
           step, 12 more interpolate (piecewise linear in 2^u, within
           0.2 % of it). 32 x 32 -> 64-bit multiply, no division. */
        uint32_t r = hbi_bo_rand(b), i = r >> 28, f = (r >> 16) & 0xFFFu;
        uint32_t m = pow2[i] + (((pow2[i + 1u] - pow2[i]) * f) >> 12);
        uint64_t d0 = ((uint64_t)b->base_ms * m) >> 16;
        delay = d0 > b->max_ms ? b->max_ms : (uint32_t)d0;
        b->ceiling = delay;             /* the second retry: d0 again */
    } else {
        delay = b->ceiling;
        b->ceiling = delay > b->max_ms / 2u ? b->max_ms : delay * 2u;
    }
    if (delay == 0) delay = 1;
    b->failures++;
    return delay;
}

HEARTBEAT_DEF void hb_backoff_connected(hb_backoff *b, uint32_t now_ms)
{
    if (b == NULL || b->magic != HBI_BO_MAGIC) return;
    b->up = 1;
    b->up_at = now_ms;
}

HEARTBEAT_DEF void hb_backoff_reset(hb_backoff *b)
{
    if (b == NULL || b->magic != HBI_BO_MAGIC) return;
    b->failures = 0;
}

HEARTBEAT_DEF uint32_t hb_backoff_failures(const hb_backoff *b)
{
    return b != NULL && b->magic == HBI_BO_MAGIC ? b->failures : 0u;
}
#undef HBI_BO_MAGIC
/* ---- end of BACKOFF ---- */
/* ---- MONITOR (hb_mon_*) implementation ------------------------------------
   Each function stands alone, so a device build that never calls hb_mon_*
   loses all of it to --gc-sections (checked by make size). */

#define HBI_MON_MAGIC   0x4Du
#define HBI_MON_EMPTY   0u
#define HBI_MON_TOMB    1u
#define HBI_MON_NONE    0xFFFFFFFFu
#define HBI_MON_MAXLEN  65536u
#define HBI_MON_DEPTH   16
#define HBI_MON_MAXIV   (1u << 28)   /* longest interval the detector models */
#define HBI_MON_WALL_MAX ((int64_t)1 << 53) /* hb_mon_set_wall's range, ms */
#define HBI_MON_STMASK  0x07u
#define HBI_MON_F_SEQ   0x08u        /* the session has a seq */
#define HBI_MON_F_UP    0x10u        /* anchor is valid (uptime seen) */
#define HBI_MON_F_SEED  0x20u        /* mean comes from the sender's interval_ms */
#define HBI_MON_F_LRN   0x40u        /* at least one interval sample */

static const char hbi_mon_msg_bad[] = "heartbeat monitor: bad beat ignored";
static const char hbi_mon_msg_full[] = "heartbeat monitor: table full, beat not stored";
/* Words the device side also uses, as arrays of their own: a string
   literal shared with device code would pull this whole block's literal
   pool into every device build (the linker keeps a merged pool whole). */
static const char hbi_mon_w_true[] = "true";
static const char hbi_mon_w_false[] = "false";
static const char hbi_mon_w_null[] = "null";
static const char hbi_mon_w_offline[] = "offline";
static const char hbi_mon_w_qalive[] = "\"alive\"";   /* the fast path's */
static const char hbi_mon_w_qq[] = "\"\"";

#if defined(__GNUC__) || defined(__clang__)
#  define HBI_MON_INLINE static inline __attribute__((always_inline))
#else
#  define HBI_MON_INLINE static
#endif
/* The detector's and the hash's small helpers: inlined where speed is
   asked for, left to the compiler in a size build (-Os, HEARTBEAT_COMPACT:
   a monitor on a small CPU). */
#if HBI_FAST
#  define HBI_MON_HOT HBI_MON_INLINE
#else
#  define HBI_MON_HOT static
#endif

/* 8 bytes, the first in the low byte, from any address. */
HBI_MON_INLINE uint64_t hbi_mon_le64(const unsigned char *q)
{
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    HB_MEMCPY(&w, q, 8);
    return w;
#else
    return (uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 |
           (uint64_t)q[3] << 24 | (uint64_t)q[4] << 32 | (uint64_t)q[5] << 40 |
           (uint64_t)q[6] << 48 | (uint64_t)q[7] << 56;
#endif
}

/* 4 bytes, the first in the low byte, from any address. */
HBI_MON_INLINE uint64_t hbi_mon_le32(const unsigned char *q)
{
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t w;
    HB_MEMCPY(&w, q, 4);
    return w;
#else
    return (uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 |
           (uint64_t)q[3] << 24;
#endif
}

/* ---- the id hash: 8 bytes at a time, any alignment, any endianness ------ */
typedef struct hbi_mon_hs { uint64_t h, w; uint64_t len; unsigned n; } hbi_mon_hs;

HBI_MON_HOT uint64_t hbi_mon_rotl(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64u - r));
}
HBI_MON_HOT void hbi_mon_mix(hbi_mon_hs *s, uint64_t w)
{
    w *= 0x87C37B91114253D5ULL;
    w = hbi_mon_rotl(w, 31);
    w *= 0x4CF5AD432745937FULL;
    s->h ^= w;
    s->h = hbi_mon_rotl(s->h, 27) * 5u + 0x52DCE729u;
}
HBI_MON_HOT uint64_t hbi_mon_fmix(uint64_t h)
{
    h ^= h >> 33; h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33; h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
}
static void hbi_mon_hbyte(hbi_mon_hs *s, unsigned char b)
{
    s->w |= (uint64_t)b << (8u * (s->n & 7u));     /* (n < 8 always) */
    s->len++;
    if (++s->n == 8u) { hbi_mon_mix(s, s->w); s->w = 0; s->n = 0; }
}
HBI_MON_HOT uint64_t hbi_mon_hend(hbi_mon_hs *s)
{
    uint64_t h;
    if (s->n != 0) hbi_mon_mix(s, s->w);
    h = hbi_mon_fmix(s->h ^ s->len);
    return h < 2u ? h + 2u : h;   /* 0 and 1 mark empty and deleted slots */
}

/* ---- JSON string decoding (the escapes Go writes, and all others) ------- */
typedef void (*hbi_mon_sink)(void *ctx, unsigned char b);

static int hbi_mon_hex4(const char *p, uint32_t *v)
{
    int i;
    *v = 0;
    for (i = 0; i < 4; i++) {
        unsigned c = (unsigned char)p[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10u;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10u;
        else return -1;
        *v = *v * 16u + d;
    }
    return 0;
}

static void hbi_mon_utf8(hbi_mon_sink put, void *ctx, uint32_t cp)
{
    if (cp < 0x80u) {
        put(ctx, (unsigned char)cp);
    } else if (cp < 0x800u) {
        put(ctx, (unsigned char)(0xC0u | (cp >> 6)));
        put(ctx, (unsigned char)(0x80u | (cp & 0x3Fu)));
    } else if (cp < 0x10000u) {
        put(ctx, (unsigned char)(0xE0u | (cp >> 12)));
        put(ctx, (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu)));
        put(ctx, (unsigned char)(0x80u | (cp & 0x3Fu)));
    } else {
        put(ctx, (unsigned char)(0xF0u | (cp >> 18)));
        put(ctx, (unsigned char)(0x80u | ((cp >> 12) & 0x3Fu)));
        put(ctx, (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu)));
        put(ctx, (unsigned char)(0x80u | (cp & 0x3Fu)));
    }
}

/* Decodes raw JSON string text (no quotes) into put(). A lone surrogate
   becomes U+FFFD, as Go's decoder does. -1 for a bad escape. */
static int hbi_mon_decode(const char *raw, size_t n, hbi_mon_sink put, void *ctx)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)raw[i];
        uint32_t cp, lo;
        if (c != '\\') { put(ctx, c); i++; continue; }
        if (i + 1 >= n) return -1;
        c = (unsigned char)raw[i + 1];
        i += 2;
        switch (c) {
        case '"': case '\\': case '/': put(ctx, c); continue;
        case 'b': put(ctx, '\b'); continue;
        case 'f': put(ctx, '\f'); continue;
        case 'n': put(ctx, '\n'); continue;
        case 'r': put(ctx, '\r'); continue;
        case 't': put(ctx, '\t'); continue;
        case 'u': break;
        default: return -1;
        }
        if (n - i < 4 || hbi_mon_hex4(raw + i, &cp) != 0) return -1;
        i += 4;
        if (cp >= 0xD800u && cp < 0xDC00u && n - i >= 6 && raw[i] == '\\' &&
            raw[i + 1] == 'u' && hbi_mon_hex4(raw + i + 2, &lo) == 0 &&
            lo >= 0xDC00u && lo < 0xE000u) {
            cp = 0x10000u + ((cp - 0xD800u) << 10) + (lo - 0xDC00u);
            i += 6;
        } else if (cp >= 0xD800u && cp < 0xE000u) {
            cp = 0xFFFDu;
        }
        hbi_mon_utf8(put, ctx, cp);
    }
    return 0;
}

static void hbi_mon_hsink(void *ctx, unsigned char b)
{
    hbi_mon_hbyte((hbi_mon_hs *)ctx, b);
}

HEARTBEAT_DEF uint64_t hb_mon_id_hash(const char *id, size_t len, int escaped)
{
    hbi_mon_hs s;
    const unsigned char *p = (const unsigned char *)id;
    s.h = 0x243F6A8885A308D3ULL; s.w = 0; s.len = 0; s.n = 0;
    if (id == NULL) len = 0;
    if (escaped) {
        /* a bad escape hashes the raw text: such an id cannot come from
           hb_mon_parse, which refuses it */
        if (hbi_mon_decode(id, len, hbi_mon_hsink, &s) == 0)
            return hbi_mon_hend(&s);
        s.h = 0x243F6A8885A308D3ULL; s.w = 0; s.len = 0; s.n = 0;
    }
    if (len >= 8u) {
        size_t t = len & 7u;
        s.len = len;
        while (len >= 8u) {
            hbi_mon_mix(&s, hbi_mon_le64(p));
            p += 8;
            len -= 8u;
        }
        /* the last t bytes as one word: the 8 ending there, shifted down
           (the same word the byte loop below would build) */
        if (t != 0) {
            s.w = hbi_mon_le64(p + t - 8u) >> (8u * (8u - (unsigned)t));
            s.n = (unsigned)t;
        }
        return hbi_mon_hend(&s);
    }
    if (len >= 4u) {   /* two 4-byte words, overlapping: OR is exact */
        s.w = hbi_mon_le32(p) | hbi_mon_le32(p + len - 4u) << (8u * ((unsigned)len - 4u));
        s.n = (unsigned)len;
        s.len = len;
        return hbi_mon_hend(&s);
    }
    while (len-- > 0) hbi_mon_hbyte(&s, *p++);
    return hbi_mon_hend(&s);
}

typedef struct hbi_mon_buf { char *b; size_t size, len; } hbi_mon_buf;
static void hbi_mon_bsink(void *ctx, unsigned char c)
{
    hbi_mon_buf *o = (hbi_mon_buf *)ctx;
    if (o->b != NULL && o->len < o->size - 1u) o->b[o->len] = (char)c; /* size >= 1 */
    o->len++;
}

HEARTBEAT_DEF int hb_mon_unescape(const char *raw, size_t len, int escaped,
                                  char *buf, size_t size, size_t *out_len)
{
    hbi_mon_buf o;
    if (out_len != NULL) *out_len = 0;
    if ((raw == NULL && len != 0) || buf == NULL || size == 0) return HB_ERR_ARG;
    o.b = buf; o.size = size; o.len = 0;
    if (escaped) {
        if (hbi_mon_decode(raw, len, hbi_mon_bsink, &o) != 0) {
            buf[0] = '\0';
            return HB_ERR_ARG;
        }
    } else {
        o.len = len;
        /* (no memcpy from NULL, not even of 0 bytes: C leaves it undefined) */
        if (len != 0 && len < size) HB_MEMCPY(buf, raw, len);
    }
    if (o.len >= size) { buf[0] = '\0'; return HB_ERR_NOSPACE; }
    buf[o.len] = '\0';
    if (out_len != NULL) *out_len = o.len;
    return HB_OK;
}

static int hbi_mon_eq(const char *a, const char *b, size_t n)
{
    while (n-- > 0) if (*a++ != *b++) return 0;
    return 1;
}

typedef struct hbi_mon_cmp { const char *p; size_t n, i; int diff; } hbi_mon_cmp;
static void hbi_mon_csink(void *ctx, unsigned char c)
{
    hbi_mon_cmp *k = (hbi_mon_cmp *)ctx;
    if (k->i >= k->n || (unsigned char)k->p[k->i] != c) k->diff = 1;
    k->i++;
}

HEARTBEAT_DEF int hb_mon_id_equal(const char *raw, size_t len, int escaped,
                                  const char *plain, size_t plain_len)
{
    hbi_mon_cmp k;
    if ((raw == NULL && len != 0) || (plain == NULL && plain_len != 0)) return 0;
    if (!escaped)
        return len == plain_len && hbi_mon_eq(raw, plain, len);
    k.p = plain; k.n = plain_len; k.i = 0; k.diff = 0;
    if (hbi_mon_decode(raw, len, hbi_mon_csink, &k) != 0) return 0;
    return !k.diff && k.i == plain_len;
}

typedef struct hb_mon_internal hbi_mon;

/* The home slot of a hash (any capacity, no division). */
static uint32_t hbi_mon_home(const hbi_mon *s, uint64_t h)
{
    return (uint32_t)(((h >> 32) * (uint64_t)s->cfg.capacity) >> 32);
}

#if defined(__GNUC__) || defined(__clang__)
#  define HBI_MON_PREFETCH(p) __builtin_prefetch((p), 1)
#else
#  define HBI_MON_PREFETCH(p) ((void)0)
#endif

/* Starts loading the home slot of hash h and the slot after it (the
   lookup reads both in a third of the cases at 67 % load), and the same
   counters: independent cache misses (on a big table, DRAM) that then
   overlap each other and the rest of the parse instead of following it.
   Two 32-byte slots span one line or two; the second prefetch names the
   last byte of the next slot, the same line as the first when they share
   one, whatever the table's alignment. Forced
   inline: a prefetch has no side effect to gcc, so a function holding
   nothing else is "const" to it and gcc 12 -O2 deleted every call (no
   prefetch instruction was left in the monitor at all). */
HBI_MON_INLINE void hbi_mon_touch(const hbi_mon *s, uint64_t h)
{
    uint32_t i = hbi_mon_home(s, h), j = i + 1u < s->cfg.capacity ? i + 1u : i;
    HBI_MON_PREFETCH(&s->cfg.slots[i]);
    HBI_MON_PREFETCH((const char *)&s->cfg.slots[j] + (sizeof(hb_mon_slot) - 1u));
    if (s->cfg.counters != NULL) {
        HBI_MON_PREFETCH(&s->cfg.counters[i]);
        HBI_MON_PREFETCH((const char *)&s->cfg.counters[j] + (sizeof(hb_mon_counters) - 1u));
    }
}

/* ---- the reader --------------------------------------------------------- */
typedef struct hbi_mon_rd { const char *p, *e; const char *why; } hbi_mon_rd;

static void hbi_mon_ws(hbi_mon_rd *r)
{
    const char *p = r->p, *e = r->e;   /* locals: char reads alias r */
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    /*@ split e - p; */   /* for Frama-C's Eva (proof/eva_monitor.c): one
                             state per place the blanks end; no code */
    r->p = p;
}

static int hbi_mon_fail(hbi_mon_rd *r, const char *why)
{
    if (r->why == NULL) r->why = why;
    return -1;
}

static unsigned hbi_mon_ctz64(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    while (!(x & 1u)) { x >>= 1; n++; }
    return n;
#endif
}

/* Byte k of w is '"', '\\' or below 0x20: bit 8k + 7 set. Only the lowest
   flagged byte is sure to be a true match (borrows run upwards only). */
HBI_MON_INLINE uint64_t hbi_mon_special8(uint64_t w)
{
    uint64_t a = w ^ 0x2222222222222222ULL, b = w ^ 0x5C5C5C5C5C5C5C5CULL;
    return (((a - 0x0101010101010101ULL) & ~a) |
            ((b - 0x0101010101010101ULL) & ~b) |
            ((w - 0x2020202020202020ULL) & ~w)) & 0x8080808080808080ULL;
}

/* A string at r->p: *s and *n get the raw text, *esc whether it has
   escapes. Works on locals: a char read may alias *r, and the compiler
   would reload r->p after each one. */
static int hbi_mon_str(hbi_mon_rd *r, const char **s, size_t *n, int *esc)
{
    const char *p = r->p, *e = r->e, *start;
    int x = 0;
    if (p >= e || *p != '"') return hbi_mon_fail(r, "expected a string");
    start = ++p;
    for (;;) {
        unsigned char c;
        /* 8 plain bytes at a time: none is '"', '\\' or below 0x20 */
        while (e - p >= 8) {
            uint64_t hit = hbi_mon_special8(hbi_mon_le64((const unsigned char *)p));
            if (hit) {
                /* the lowest flagged byte is a true match (borrows only
                   run upwards): skip the plain bytes before it */
                p += hbi_mon_ctz64(hit) >> 3;
                break;
            }
            p += 8;
        }
        if (p >= e) break;
        c = (unsigned char)*p;
        if (c == '"') {
            *s = start;
            *n = (size_t)(p - start);
            *esc = x;
            r->p = p + 1;
            return 0;
        }
        if (c < 0x20u) { r->p = p; return hbi_mon_fail(r, "control character in a string"); }
        if (c == '\\') {
            uint32_t v;
            x = 1;
            if (e - p < 2) break;
            c = (unsigned char)p[1];
            if (c == 'u') {
                if (e - p < 6 || hbi_mon_hex4(p + 2, &v) != 0) {
                    r->p = p;
                    return hbi_mon_fail(r, "bad \\u escape");
                }
                p += 6;
                continue;
            }
            if (c != '"' && c != '\\' && c != '/' && c != 'b' && c != 'f' &&
                c != 'n' && c != 'r' && c != 't') {
                r->p = p;
                return hbi_mon_fail(r, "bad escape");
            }
            p += 2;
            continue;
        }
        p++;
    }
    r->p = p;
    return hbi_mon_fail(r, "unterminated string");
}

static int hbi_mon_digit(const hbi_mon_rd *r)
{
    return r->p < r->e && *r->p >= '0' && *r->p <= '9';
}

/* Any JSON number. */
static int hbi_mon_num(hbi_mon_rd *r)
{
    if (r->p < r->e && *r->p == '-') r->p++;
    if (!hbi_mon_digit(r)) return hbi_mon_fail(r, "bad number");
    if (*r->p == '0') r->p++;
    else while (hbi_mon_digit(r)) r->p++;
    if (r->p < r->e && *r->p == '.') {
        r->p++;
        if (!hbi_mon_digit(r)) return hbi_mon_fail(r, "bad number");
        while (hbi_mon_digit(r)) r->p++;
    }
    if (r->p < r->e && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->e && (*r->p == '+' || *r->p == '-')) r->p++;
        if (!hbi_mon_digit(r)) return hbi_mon_fail(r, "bad number");
        while (hbi_mon_digit(r)) r->p++;
    }
    return 0;
}

/* An unsigned integer member: digits only, no sign, fraction or exponent,
   at most max. *txt and *tn get its text (for hashing a numeric boot_id). */
static int hbi_mon_uint(hbi_mon_rd *r, uint64_t max, uint64_t *v,
                        const char **txt, size_t *tn)
{
    uint64_t x = 0;
    const char *p = r->p, *e = r->e, *start = p;
    size_t n;
    if (p >= e || *p < '0' || *p > '9')
        return hbi_mon_fail(r, "expected an unsigned integer");
    if (*p == '0' && p + 1 < e && p[1] >= '0' && p[1] <= '9')
        return hbi_mon_fail(r, "leading zero");
    /* 19 digits cannot overflow 64 bits: check once at the end */
    while (p < e && *p >= '0' && *p <= '9' && p - start < 19) {
        x = x * 10u + (unsigned)(*p - '0');
        p++;
    }
    if (p < e && *p >= '0' && *p <= '9') {
        unsigned d = (unsigned)(*p - '0');
        if (x > UINT64_MAX / 10u || (x == UINT64_MAX / 10u && d > UINT64_MAX % 10u) ||
            (p + 1 < e && p[1] >= '0' && p[1] <= '9')) {
            r->p = p;
            return hbi_mon_fail(r, "integer out of range");
        }
        x = x * 10u + d;
        p++;
    }
    n = (size_t)(p - start);
    r->p = p;
    if (x > max) return hbi_mon_fail(r, "integer out of range");
    if (p < e && (*p == '.' || *p == 'e' || *p == 'E'))
        return hbi_mon_fail(r, "expected an unsigned integer");
    *v = x;
    if (txt != NULL) { *txt = start; *tn = n; }
    return 0;
}

static int hbi_mon_lit(hbi_mon_rd *r, const char *w, size_t n)
{
    if ((size_t)(r->e - r->p) < n || !hbi_mon_eq(r->p, w, n))
        return hbi_mon_fail(r, "bad literal");
    r->p += n;
    return 0;
}

static int hbi_mon_skip(hbi_mon_rd *r, int depth)
{
    const char *s;
    size_t n;
    int esc;
    hbi_mon_ws(r);
    if (r->p >= r->e) return hbi_mon_fail(r, "truncated");
    switch (*r->p) {
    case '"': return hbi_mon_str(r, &s, &n, &esc);
    case 't': return hbi_mon_lit(r, hbi_mon_w_true, 4);
    case 'f': return hbi_mon_lit(r, hbi_mon_w_false, 5);
    case 'n': return hbi_mon_lit(r, hbi_mon_w_null, 4);
    case '{': case '[': {
        char close = *r->p == '{' ? '}' : ']';
        int obj = close == '}';
        if (depth >= HBI_MON_DEPTH) return hbi_mon_fail(r, "nested too deep");
        r->p++;
        hbi_mon_ws(r);
        if (r->p < r->e && *r->p == close) { r->p++; return 0; }
        for (;;) {
            if (obj) {
                hbi_mon_ws(r);
                if (hbi_mon_str(r, &s, &n, &esc) != 0) return -1;
                hbi_mon_ws(r);
                if (r->p >= r->e || *r->p != ':') return hbi_mon_fail(r, "expected ':'");
                r->p++;
            }
            if (hbi_mon_skip(r, depth + 1) != 0) return -1;
            hbi_mon_ws(r);
            if (r->p >= r->e) return hbi_mon_fail(r, "truncated");
            if (*r->p == ',') { r->p++; continue; }
            if (*r->p == close) { r->p++; return 0; }
            return hbi_mon_fail(r, "expected ',' or a closing bracket");
        }
    }
    default: return hbi_mon_num(r);
    }
}

/* "2026-11-27T19:53:22.123456789Z" or "...+05:30" (Go's form) to Unix ms. */
HBI_MON_INLINE int hbi_mon_dd(const char *s, size_t i, unsigned k, int32_t *v)
{
    unsigned j, x = 0;
    for (j = 0; j < k; j++) {
        unsigned c = (unsigned)(unsigned char)s[i + j] - '0';
        if (c > 9u) return -1;
        x = x * 10u + c;
    }
    *v = (int32_t)x;
    return 0;
}

/* The monitor's word-at-a-time readers (digits, times, integers) are
   built on 64-bit hosts: a 32-bit target would keep their masks in a
   merged constant pool that device builds link too. tests/endian.sh sets
   HBI_MON_SWAR to 1 to run them on a 32-bit big-endian CPU. */
#ifndef HBI_MON_SWAR
#  if UINTPTR_MAX > 0xFFFFFFFFu
#    define HBI_MON_SWAR 1
#  else
#    define HBI_MON_SWAR 0
#  endif
#endif

#if HBI_MON_SWAR
/* t: 8 bytes with '0' XORed away. A byte's high nibble is set where it is
   over 9 (high nibble not 0, or a carry out of the low one when 6 is
   added, which stays inside the byte): 0 when all 8 are digit values. */
HBI_MON_INLINE uint64_t hbi_mon_over9(uint64_t t)
{
    return (t & 0xF0F0F0F0F0F0F0F0ULL) |
           ((t + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL);
}

/* "hh:mm:ss" as 8 bytes, the first in the low byte: 0 and the three
   values, or -1. XOR with "00:00:00" leaves each digit's value in its
   byte and 0 at the colons; then every byte must be at most 9 (high
   nibble 0, no carry out of the low nibble when 6 is added: it stays
   inside the byte), the colons 0; t * 10 + (t >> 8) puts each pair's
   value (at most 99: no carry) in the low byte of the pair. */
HBI_MON_INLINE int hbi_mon_hms(uint64_t w, int32_t *h, int32_t *mi, int32_t *sec)
{
    uint64_t t = w ^ 0x30303A30303A3030ULL, x;
    if ((hbi_mon_over9(t) | (t & 0x0000FF0000FF0000ULL)) != 0)
        return -1;
    x = t * 10u + (t >> 8);
    *h = (int32_t)(x & 0xFFu);
    *mi = (int32_t)((x >> 24) & 0xFFu);
    *sec = (int32_t)((x >> 48) & 0xFFu);
    return 0;
}
#endif

/* Days since 1970-01-01 of a proleptic Gregorian date (years 0..9999),
   or -1 when month or day is out of range. */
HBI_MON_INLINE int hbi_mon_civil(int32_t y, int32_t mo, int32_t d, int32_t *days)
{
    static const unsigned char mdays[12] = {31,28,31,30,31,30,31,31,30,31,30,31};
    int32_t era, yoe, doy;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap))
        return -1;
    y -= mo <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    *days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    return 0;
}

/* Reads the time at s (at most n bytes); *end gets where it stopped: the
   string is a time when that is its end. With dc, the day is looked up
   there first and kept there (the date repeats from beat to beat). */
static int hbi_mon_time_end(const char *s, size_t n, int64_t *ms, size_t *end,
                            hbi_mon_day *dc)
{
    int32_t y, mo, d, h, mi, sec, oh = 0, om = 0, frac = 0, days;
    size_t i = 19;
    unsigned nd = 0;
    int sign = 0, hit = 0;
    uint64_t key = 0;
    uint32_t key2 = 0;
    if (n < 20) return -1;
    if (dc != NULL) {
        HB_MEMCPY(&key, s, 8);
        HB_MEMCPY(&key2, s + 7, 4);
        hit = key == dc->key && key2 == dc->key2;
    }
    if (hit) {
        days = dc->days;
    } else {
        if (hbi_mon_dd(s, 0, 4, &y) || s[4] != '-' || hbi_mon_dd(s, 5, 2, &mo) ||
            s[7] != '-' || hbi_mon_dd(s, 8, 2, &d) || s[10] != 'T' ||
            hbi_mon_civil(y, mo, d, &days) != 0)
            return -1;
    }
#if HBI_MON_SWAR
    if (hbi_mon_hms(hbi_mon_le64((const unsigned char *)s + 11), &h, &mi, &sec) != 0)
        return -1;
#else
    if (hbi_mon_dd(s, 11, 2, &h) || s[13] != ':' || hbi_mon_dd(s, 14, 2, &mi) ||
        s[16] != ':' || hbi_mon_dd(s, 17, 2, &sec))
        return -1;
#endif
    if (s[i] == '.') {
        size_t f = ++i;
#if HBI_MON_SWAR
        /* 64-bit hosts only: a 32-bit target would keep the masks in a
           merged constant pool that device builds link too */
        while (n - i >= 8u &&
               hbi_mon_over9(hbi_mon_le64((const unsigned char *)s + i) ^
                             0x3030303030303030ULL) == 0)
            i += 8u;
#endif
        while (i < n && (unsigned)(unsigned char)s[i] - '0' <= 9u) i++;
        if (i == f || i - f > 9u) return -1;
        nd = (unsigned)(i - f);
        frac = (s[f] - '0') * 100;
        if (nd > 1u) frac += (s[f + 1] - '0') * 10;
        if (nd > 2u) frac += s[f + 2] - '0';
    }
    if (i >= n) return -1;
    if (s[i] == 'Z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        sign = s[i] == '-' ? -1 : 1;
        if (n - i < 6 || hbi_mon_dd(s, i + 1, 2, &oh) || s[i + 3] != ':' ||
            hbi_mon_dd(s, i + 4, 2, &om))
            return -1;
        i += 6;
    } else {
        return -1;
    }
    *end = i;
    if (h > 23 || mi > 59 || sec > 59 || oh > 23 || om > 59)
        return -1;
    if (dc != NULL && !hit) {
        dc->key = key;
        dc->key2 = key2;
        dc->days = days;
    }
    *ms = (((int64_t)days * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec) -
           (int64_t)sign * ((int64_t)oh * 3600 + (int64_t)om * 60)) * 1000 + frac;
    return 0;
}

static int hbi_mon_time(const char *s, size_t n, int64_t *ms)
{
    int64_t t;
    size_t end;
    if (hbi_mon_time_end(s, n, &t, &end, NULL) != 0 || end != n) return -1;
    *ms = t;
    return 0;
}

#if HBI_MON_SWAR
/* "YYYY-MM-DDT" at s (11 bytes) to days since 1970-01-01, or -1: the
   first 8 bytes as one word as in hbi_mon_hms ("0000-00-" XORed away,
   every byte then at most 9, the dashes 0, pairs summed in place). */
static int hbi_mon_days(const char *s, int32_t *days)
{
    uint64_t t = hbi_mon_le64((const unsigned char *)s) ^ 0x2D30302D30303030ULL, x;
    int32_t y, mo, d;
    if ((hbi_mon_over9(t) | (t & 0xFF0000FF00000000ULL)) != 0 ||
        hbi_mon_dd(s, 8, 2, &d) || s[10] != 'T')
        return -1;
    x = t * 10u + (t >> 8);
    y = (int32_t)(x & 0xFFu) * 100 + (int32_t)((x >> 16) & 0xFFu);
    mo = (int32_t)((x >> 40) & 0xFFu);
    return hbi_mon_civil(y, mo, d, days);
}

/* The fast path's time: the string after its opening quote at s, in the
   form the writer gives in UTC ("...T19:53:22Z" or with a fraction of 1
   to 9 digits, then 'Z'). The date comes from dc when it holds the same
   one (dc is then kept), else it is read. It needs 32 bytes before e
   (the longest such string and its quote); anything else returns NULL
   and hbi_mon_time_end reads it (same result, only slower). Else *ms
   and the byte after the closing quote. */
HBI_MON_INLINE const char *hbi_mon_ftime(const char *s, const char *e,
                                         hbi_mon_day *dc, int64_t *ms)
{
    uint64_t key, t, bad, f3;
    uint32_t key2;
    int32_t h, mi, sec, days;
    unsigned nd = 0;
    int hit;
    if (e - s < 32) return NULL;
    HB_MEMCPY(&key, s, 8);
    HB_MEMCPY(&key2, s + 7, 4);
    hit = dc != NULL && key == dc->key && key2 == dc->key2;
    if (hit) days = dc->days;
    else if (hbi_mon_days(s, &days) != 0) return NULL;
    if (hbi_mon_hms(hbi_mon_le64((const unsigned char *)s + 11), &h, &mi, &sec) != 0 ||
        h > 23 || mi > 59 || sec > 59)
        return NULL;
    f3 = 0;
    if (s[19] == '.') {
        /* up to 8 digits in one word (the first byte over 9 ends them, as
           in hbi_mon_fuint), a 9th by itself */
        t = hbi_mon_le64((const unsigned char *)s + 20) ^ 0x3030303030303030ULL;
        bad = hbi_mon_over9(t);
        if (bad != 0) nd = hbi_mon_ctz64(bad) >> 3;
        else nd = (unsigned)(unsigned char)s[28] - '0' <= 9u ? 9u : 8u;
        if (nd == 0) return NULL;
        /* the first three digits (zeros past the last): the ms */
        f3 = t & (nd >= 3u ? 0xFFFFFFu : nd == 2u ? 0xFFFFu : 0xFFu);
        f3 = (f3 & 0xFFu) * 100u + ((f3 >> 8) & 0xFFu) * 10u + (f3 >> 16);
        nd++;
    }
    if (s[19 + nd] != 'Z' || s[20 + nd] != '"') return NULL;
    if (dc != NULL && !hit) {
        dc->key = key;
        dc->key2 = key2;
        dc->days = days;
    }
    *ms = ((int64_t)days * 86400 + (int64_t)(h * 3600 + mi * 60 + sec)) * 1000 +
          (int64_t)f3;
    return s + 21 + nd;
}
#endif

static uint32_t hbi_mon_boot32(uint64_t h)
{
    uint32_t b = (uint32_t)(h ^ (h >> 32));
    return b != 0 ? b : 1u;
}

/* ---- the fast path: the writer's own layout ------------------------------
   Members in the order heartbeat.h writes them, no whitespace. Anything
   else (another order, spaces, unknown members, escapes in the
   timestamp) makes it give up, and the general reader below starts over:
   same results either way, this is only quicker. */
/* 8 bytes as a word, in memory order: only compared for equality, so the
   byte order does not matter */
HBI_MON_INLINE uint64_t hbi_mon_ld8(const char *p)
{
    uint64_t w;
    HB_MEMCPY(&w, p, 8);
    return w;
}

/* p starts with lit[0..n)? Eight bytes at a time, then the rest. */
HBI_MON_INLINE uint32_t hbi_mon_ld4(const char *p)
{
    uint32_t w;
    HB_MEMCPY(&w, p, 4);
    return w;
}

/* p starts with lit[0..n)? Whole words, the last one overlapping the one
   before it, so no byte loop (n is a constant: the branches fold). */
HBI_MON_INLINE int hbi_mon_at(const char *p, const char *e, const char *lit, size_t n)
{
    size_t i;
    if ((size_t)(e - p) < n) return 0;
    if (n >= 8u) {
        for (i = 0; i + 8u < n; i += 8u)
            if (hbi_mon_ld8(p + i) != hbi_mon_ld8(lit + i)) return 0;
        return hbi_mon_ld8(p + n - 8u) == hbi_mon_ld8(lit + n - 8u);
    }
    if (n >= 4u)
        return hbi_mon_ld4(p) == hbi_mon_ld4(lit) &&
               hbi_mon_ld4(p + n - 4u) == hbi_mon_ld4(lit + n - 4u);
    for (i = 0; i < n; i++)
        if (p[i] != lit[i]) return 0;
    return 1;
}
/* An unsigned integer as the writer prints it: 1 to 19 digits, no
   leading zero, at most max. 0 for anything else (the general reader
   then says why); what follows is checked by the caller's next match.
   For the fast path only: it may read the 8 bytes before e. */
HBI_MON_INLINE int hbi_mon_fuint(const char **pp, const char *e, uint64_t max,
                                 uint64_t *v)
{
    const char *p = *pp, *start = p, *end;
    uint64_t x = 0;
#if HBI_MON_SWAR
    /* up to 7 digits and what follows them in one word (64-bit hosts):
       XOR with "00000000" leaves a digit's value in its byte; a byte over
       9 is flagged (the lowest flag is a true one: a carry of the +6 runs
       upwards only), the digits are shifted to the top and summed in
       pairs, quads and octets, most significant first */
    if (p < e) {
        /* fewer than 8 bytes left (the last member): the word that ends
           at e, shifted down; the zero bytes above stop the digits. The
           fast path has read 13 bytes before any integer, so e - 8 is
           inside the payload */
        uint64_t t = (e - p >= 8 ? hbi_mon_le64((const unsigned char *)p)
                      : hbi_mon_le64((const unsigned char *)e - 8) >> (8u * (unsigned)(8 - (e - p))))
                     ^ 0x3030303030303030ULL;
        uint64_t bad = hbi_mon_over9(t);
        if (bad != 0) {
            unsigned nd = hbi_mon_ctz64(bad) >> 3;
            if (nd == 0 || (nd > 1u && *p == '0')) return 0;
            t <<= 8u * (8u - nd);
            t = (t * 10u + (t >> 8)) & 0x00FF00FF00FF00FFULL;
            t = (t * 100u + (t >> 16)) & 0x0000FFFF0000FFFFULL;
            t = (t * 10000u + (t >> 32)) & 0xFFFFFFFFULL;
            if (t > max) return 0;
            *v = t;
            *pp = p + nd;
            return 1;
        }
    }
#endif
    end = e - p > 19 ? p + 19 : e;
    while (p < end) {
        unsigned d = (unsigned)(unsigned char)*p - '0';
        if (d > 9u) break;
        x = x * 10u + d;
        p++;
    }
    if (p == start || (*start == '0' && p - start > 1) || x > max ||
        (p < e && (unsigned)(unsigned char)*p - '0' <= 9u))
        return 0;
    *v = x;
    *pp = p;
    return 1;
}
#if HBI_MON_SWAR
/* The id string at *pp when it has no escape: scanned and hashed in
   one pass (the words hb_mon_id_hash would mix, the last one the bytes
   before the quote), *hash the same as hb_mon_id_hash's (hash NULL: the
   scan only). 16 bytes at a time with SSE2, then (or else) 8 at a time.
   0 (*pp untouched) for an
   escape, a control byte or fewer than 8 bytes left: the caller reads it
   the general way. */
#if HBI_SSE2
#  define HBI_MON_SSE2 1
#else
#  define HBI_MON_SSE2 0
#endif
HBI_MON_INLINE int hbi_mon_fid(const char **pp, const char *e, const char **id,
                               size_t *n, uint64_t *hash)
{
    const char *p = *pp, *start;
    hbi_mon_hs hs;
    unsigned k;
    uint64_t w;
    if (p >= e || *p != '"') return 0;
    start = ++p;
    hs.h = 0x243F6A8885A308D3ULL; hs.w = 0; hs.n = 0;
#if HBI_MON_SSE2
    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                         _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
            _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x)));   /* < 0x20 */
        if (m != 0) {
            k = hbi_mon_ctz64(m);
            if (p[k] != '"') return 0;
            hs.len = (uint64_t)(p - start) + k;
            if (hash == NULL) {
                w = 0;
            } else if (k >= 8u) {
                hbi_mon_mix(&hs, hbi_mon_le64((const unsigned char *)p));
                p += 8;
                k -= 8u;
                w = hbi_mon_le64((const unsigned char *)p);
            } else {
                w = hbi_mon_le64((const unsigned char *)p);
            }
            goto found;
        }
        if (hash != NULL) {
            hbi_mon_mix(&hs, hbi_mon_le64((const unsigned char *)p));
            hbi_mon_mix(&hs, hbi_mon_le64((const unsigned char *)p + 8));
        }
        p += 16;
    }
#endif
    while (e - p >= 8) {
        uint64_t hit;
        w = hbi_mon_le64((const unsigned char *)p);
        hit = hbi_mon_special8(w);
        if (hit) {
            k = hbi_mon_ctz64(hit) >> 3;   /* a true match */
            if (p[k] != '"') return 0;
            hs.len = (uint64_t)(p - start) + k;
            goto found;
        }
        if (hash != NULL) hbi_mon_mix(&hs, w);
        p += 8;
    }
    return 0;
found:
    *id = start;
    *n = (size_t)hs.len;
    if (hash != NULL) {
        /* k bytes before the quote at p + k, in w: the last, partial word */
        if (k != 0) {
            hs.w = w & ((((uint64_t)1) << (8u * k)) - 1u);
            hs.n = k;
        }
        *hash = hbi_mon_hend(&hs);
    }
    *pp = p + k + 1;
    return 1;
}
#endif

#define HBI_MON_AT(lit) hbi_mon_at(p, e, lit, sizeof(lit) - 1u)
#define HBI_MON_SKIP(lit) (p += sizeof(lit) - 1u)
/* a string the general way (r holds the position only around the call:
   p and e stay in registers) */
#define HBI_MON_STR(sp, np, ep) (r.p = p, hbi_mon_str(&r, sp, np, ep) == 0 ? (p = r.p, 0) : -1)

static int hbi_mon_fast(const char *payload, size_t len, hb_mon_info *in,
                        hbi_mon *s, uint64_t *hash)
{
    hbi_mon_rd r;
    const char *p = payload, *e = payload + len, *v;
    size_t vn;
    int esc;
    uint64_t u;
    r.e = e; r.why = NULL;
    if (!HBI_MON_AT("{\"device_id\":")) return 0;
    HBI_MON_SKIP("{\"device_id\":");
#if HBI_MON_SWAR
    if (s != NULL ? hbi_mon_fid(&p, e, &in->id, &in->id_len, hash)
                  : hbi_mon_fid(&p, e, &in->id, &in->id_len, NULL)) {
        if (s != NULL) hbi_mon_touch(s, *hash);
    } else
#endif
    {
        if (HBI_MON_STR(&in->id, &in->id_len, &esc) != 0) return 0;
        if (esc) in->flags |= HB_MON_ID_ESCAPED;
        if (s != NULL) {
            *hash = hb_mon_id_hash(in->id, in->id_len, esc);
            hbi_mon_touch(s, *hash);
        }
    }
    if (HBI_MON_AT(",\"timestamp\":")) {
        HBI_MON_SKIP(",\"timestamp\":");
        /* the time's own grammar has no '"', '\\' or control byte: where
           it stops must be the closing quote (else the general reader
           takes over), so the string needs no scan of its own */
#if HBI_MON_SWAR
        if (p < e && *p == '"' &&
            (v = hbi_mon_ftime(p + 1, e, s != NULL ? &s->day : NULL,
                               &in->time_ms)) != NULL) {
            p = v;
        } else
#endif
        {
            if (p >= e || *p != '"' ||
                hbi_mon_time_end(p + 1, (size_t)(e - p - 1), &in->time_ms, &vn,
                                 s != NULL ? &s->day : NULL) != 0 ||
                vn + 1u >= (size_t)(e - p) || p[vn + 1u] != '"')
                return 0;
            p += vn + 2u;
        }
        in->flags |= HB_MON_HAS_TIME;
    } else if (HBI_MON_AT(",\"clock_synced\":false")) {
        HBI_MON_SKIP(",\"clock_synced\":false");
        in->flags |= HB_MON_UNSYNCED;
    } else {
        return 0;
    }
    in->flags |= HB_MON_HAS_STATUS;
    if (HBI_MON_AT(",\"status\":\"alive\",\"jwt_token\":\"\"")) {
        /* the common one, unsigned: one comparison of 32 bytes */
        in->status = p + 11;
        in->status_len = 5;
        HBI_MON_SKIP(",\"status\":\"alive\",\"jwt_token\":\"\"");
    } else {
        if (!HBI_MON_AT(",\"status\":")) return 0;
        HBI_MON_SKIP(",\"status\":");
        if (HBI_MON_AT(hbi_mon_w_qalive)) {          /* no scan */
            in->status = p + 1;
            in->status_len = 5;
            HBI_MON_SKIP(hbi_mon_w_qalive);
        } else {
            if (HBI_MON_STR(&in->status, &in->status_len, &esc) != 0) return 0;
            if (hb_mon_id_equal(in->status, in->status_len, esc, hbi_mon_w_offline, 7))
                in->flags |= HB_MON_OFFLINE_STATUS;
        }
        if (!HBI_MON_AT(",\"jwt_token\":")) return 0;
        HBI_MON_SKIP(",\"jwt_token\":");
        if (HBI_MON_AT(hbi_mon_w_qq)) HBI_MON_SKIP(hbi_mon_w_qq);   /* not signed */
        else if (HBI_MON_STR(&v, &vn, &esc) != 0) return 0;
    }
    if (HBI_MON_AT(",\"seq\":")) {
        HBI_MON_SKIP(",\"seq\":");
        if (!hbi_mon_fuint(&p, e, 0xFFFFFFFFu, &u)) return 0;
        in->seq = (uint32_t)u;
        in->flags |= HB_MON_HAS_SEQ;
    }
    if (HBI_MON_AT(",\"boot_id\":")) {
        HBI_MON_SKIP(",\"boot_id\":");
        if (p < e && *p == '"') {
            if (HBI_MON_STR(&v, &vn, &esc) != 0) return 0;
        } else {
            esc = 0;
            v = p;
            if (!hbi_mon_fuint(&p, e, UINT64_MAX, &u)) return 0;
            vn = (size_t)(p - v);
#if HBI_MON_SWAR
            /* up to 7 digits (a 32-bit boot_id has 10 at most): hashed
               here as one word, the word hb_mon_id_hash would build */
            if (vn < 8u && e - v >= 8) {
                hbi_mon_hs hs;
                hs.h = 0x243F6A8885A308D3ULL;
                hs.w = hbi_mon_le64((const unsigned char *)v) &
                       ((((uint64_t)1) << (8u * vn)) - 1u);
                hs.n = (unsigned)vn;
                hs.len = vn;
                in->boot_hash = hbi_mon_boot32(hbi_mon_hend(&hs));
                in->flags |= HB_MON_HAS_BOOT;
                goto boot_done;
            }
#endif
        }
        in->boot_hash = hbi_mon_boot32(hb_mon_id_hash(v, vn, esc));
        in->flags |= HB_MON_HAS_BOOT;
    }
#if HBI_MON_SWAR
boot_done:
#endif
    if (HBI_MON_AT(",\"uptime_ms\":")) {
        HBI_MON_SKIP(",\"uptime_ms\":");
        if (!hbi_mon_fuint(&p, e, UINT64_MAX, &in->uptime_ms)) return 0;
        in->flags |= HB_MON_HAS_UPTIME;
    }
    if (HBI_MON_AT(",\"interval_ms\":")) {
        HBI_MON_SKIP(",\"interval_ms\":");
        if (!hbi_mon_fuint(&p, e, 0x7FFFFFFFu, &u) || u == 0) return 0;
        in->interval_ms = (uint32_t)u;
        in->flags |= HB_MON_HAS_INTERVAL;
    }
    return p + 1 == e && *p == '}';
}
#undef HBI_MON_AT
#undef HBI_MON_STR
#undef HBI_MON_SKIP

/* The reader. With s, it also hashes the id as soon as it has it and
   prefetches its slot, so the table's cache miss overlaps the rest of
   the parse (hb_mon_beat), and the fast path keeps the timestamp's date
   in s (parsing touches nothing else of the monitor). */
static int hbi_mon_parse(const char *payload, size_t len, hb_mon_info *info,
                         hbi_mon *s, uint64_t *hash)
{
    hbi_mon_rd r;
    int have_id = 0;
    if (info == NULL) return HB_ERR_ARG;
    HB_MEMSET(info, 0, sizeof *info);
    if (payload == NULL) { info->why = "no payload"; return HB_ERR_ARG; }
    if (len > HBI_MON_MAXLEN) { info->why = "over 65536 bytes"; return HB_ERR_ARG; }
    if (hbi_mon_fast(payload, len, info, s, hash)) return HB_OK;
    HB_MEMSET(info, 0, sizeof *info);
    r.p = payload; r.e = payload + len; r.why = NULL;
    hbi_mon_ws(&r);
    if (r.p >= r.e || *r.p != '{') { info->why = "not a JSON object"; return HB_ERR_ARG; }
    r.p++;
    hbi_mon_ws(&r);
    if (r.p < r.e && *r.p == '}') {
        r.p++;
    } else for (;;) {
        const char *k, *v;
        size_t kn, vn;
        int kesc, vesc;
        uint64_t u;
        uint32_t bit = 0;
        hbi_mon_ws(&r);
        if (hbi_mon_str(&r, &k, &kn, &kesc) != 0) goto bad;
        hbi_mon_ws(&r);
        if (r.p >= r.e || *r.p != ':') { hbi_mon_fail(&r, "expected ':'"); goto bad; }
        r.p++;
        hbi_mon_ws(&r);
        if (kesc) kn = 0;   /* the writer never escapes a key: unknown */
        /* one comparison per member: dispatch on length and first byte */
#define HBI_MON_KEY(lit) (kn == sizeof(lit) - 1u && k[0] == (lit)[0] && \
                          hbi_mon_eq(k + 1, (lit) + 1, kn - 1u))
        if (HBI_MON_KEY("device_id")) {
            if (have_id) { hbi_mon_fail(&r, "device_id twice"); goto bad; }
            if (hbi_mon_str(&r, &info->id, &info->id_len, &vesc) != 0) goto bad;
            if (vesc) info->flags |= HB_MON_ID_ESCAPED;
            have_id = 1;
            if (s != NULL) {
                *hash = hb_mon_id_hash(info->id, info->id_len, vesc);
                hbi_mon_touch(s, *hash);
            }
        } else if (HBI_MON_KEY("status")) {
            bit = HB_MON_HAS_STATUS;
            if (info->flags & bit) goto twice;
            if (hbi_mon_str(&r, &info->status, &info->status_len, &vesc) != 0) goto bad;
            if (hb_mon_id_equal(info->status, info->status_len, vesc, hbi_mon_w_offline, 7))
                info->flags |= HB_MON_OFFLINE_STATUS;
        } else if (HBI_MON_KEY("timestamp")) {
            bit = HB_MON_HAS_TIME;
            if (info->flags & bit) goto twice;
            if (hbi_mon_str(&r, &v, &vn, &vesc) != 0) goto bad;
            if (vesc || hbi_mon_time(v, vn, &info->time_ms) != 0) {
                hbi_mon_fail(&r, "timestamp: not RFC 3339");
                goto bad;
            }
        } else if (HBI_MON_KEY("seq")) {
            bit = HB_MON_HAS_SEQ;
            if (info->flags & bit) goto twice;
            if (hbi_mon_uint(&r, 0xFFFFFFFFu, &u, NULL, NULL) != 0) goto bad;
            info->seq = (uint32_t)u;
        } else if (HBI_MON_KEY("uptime_ms")) {
            bit = HB_MON_HAS_UPTIME;
            if (info->flags & bit) goto twice;
            if (hbi_mon_uint(&r, UINT64_MAX, &info->uptime_ms, NULL, NULL) != 0) goto bad;
        } else if (HBI_MON_KEY("interval_ms")) {
            bit = HB_MON_HAS_INTERVAL;
            if (info->flags & bit) goto twice;
            if (hbi_mon_uint(&r, 0x7FFFFFFFu, &u, NULL, NULL) != 0) goto bad;
            if (u == 0) { hbi_mon_fail(&r, "interval_ms: 0"); goto bad; }
            info->interval_ms = (uint32_t)u;
        } else if (HBI_MON_KEY("boot_id")) {
            bit = HB_MON_HAS_BOOT;
            if (info->flags & bit) goto twice;
            if (r.p < r.e && *r.p == '"') {
                if (hbi_mon_str(&r, &v, &vn, &vesc) != 0) goto bad;
                if (vesc) {
                    hbi_mon_buf o;
                    o.b = NULL; o.size = 0; o.len = 0;
                    if (hbi_mon_decode(v, vn, hbi_mon_bsink, &o) != 0) {
                        hbi_mon_fail(&r, "boot_id: bad escape");
                        goto bad;
                    }
                }
            } else if (hbi_mon_uint(&r, UINT64_MAX, &u, &v, &vn) != 0) {
                goto bad;
            } else {
                vesc = 0;
            }
            info->boot_hash = hbi_mon_boot32(hb_mon_id_hash(v, vn, vesc));
        } else if (HBI_MON_KEY("clock_synced")) {
            if (r.p < r.e && *r.p == 'f') {
                if (hbi_mon_lit(&r, hbi_mon_w_false, 5) != 0) goto bad;
                info->flags |= HB_MON_UNSYNCED;
            } else if (hbi_mon_lit(&r, hbi_mon_w_true, 4) != 0) {
                goto bad;
            }
        } else if (hbi_mon_skip(&r, 1) != 0) {
            goto bad;
        }
#undef HBI_MON_KEY
        info->flags |= bit;
        hbi_mon_ws(&r);
        if (r.p >= r.e) { hbi_mon_fail(&r, "truncated"); goto bad; }
        if (*r.p == ',') { r.p++; continue; }
        if (*r.p == '}') { r.p++; break; }
        hbi_mon_fail(&r, "expected ',' or '}'");
        goto bad;
twice:
        hbi_mon_fail(&r, "a member twice");
        goto bad;
    }
    hbi_mon_ws(&r);
    if (r.p != r.e) { hbi_mon_fail(&r, "data after the object"); goto bad; }
    if (!have_id) { hbi_mon_fail(&r, "no device_id"); goto bad; }
    return HB_OK;
bad:
    {
        const char *why = r.why != NULL ? r.why : "bad JSON";
        HB_MEMSET(info, 0, sizeof *info);
        info->why = why;
    }
    return HB_ERR_ARG;
}

HEARTBEAT_DEF int hb_mon_parse(const char *payload, size_t len, hb_mon_info *info)
{
    return hbi_mon_parse(payload, len, info, NULL, NULL);
}

/* ---- the detector ------------------------------------------------------- */

/* The learned interval in 16 bits: an 11-bit mantissa and a 5-bit shift,
   exact below 2048 ms and within 0.05 % above. */
HBI_MON_HOT uint32_t hbi_mon_dec(uint16_t v)
{
    return (uint32_t)(v & 0x7FFu) << (v >> 11);
}
static uint16_t hbi_mon_enc(uint32_t x)
{
    unsigned e = 0;
    uint32_t m;
    if (x > HBI_MON_MAXIV) x = HBI_MON_MAXIV;
    if (x == 0) x = 1;
#if defined(__GNUC__) || defined(__clang__)
    /* the smallest e with x >> e <= 0x7FF: x's bit length minus 11 */
    if (x > 0x7FFu) e = (unsigned)(32 - __builtin_clz(x)) - 11u;
#else
    while ((x >> e) > 0x7FFu) e++;
#endif
    m = e ? (x + (1u << (e - 1u))) >> e : x;
    if (m > 0x7FFu) { e++; m = (x + (1u << (e - 1u))) >> e; }
    return (uint16_t)((e << 11) | m);
}

HBI_MON_HOT uint32_t hbi_mon_mad(const hb_mon_slot *sl)
{
    return (uint32_t)(((uint64_t)hbi_mon_dec(sl->mean) * sl->dev) >> 8);
}

/* Allowance for jitter: the acceptable pause plus four mean absolute
   deviations (about five standard deviations of a normal jitter), at
   least an eighth of the interval. */
HBI_MON_HOT uint32_t hbi_mon_margin(const hbi_mon *s, const hb_mon_slot *sl)
{
    uint32_t m = hbi_mon_dec(sl->mean), j = 4u * hbi_mon_mad(sl);
    if (j < m / 8u) j = m / 8u;
    return j + s->cfg.pause_ms;
}

/* ms from the last credit until phi reaches k (Q8 multiples of the mean). */
HBI_MON_HOT uint32_t hbi_mon_span(const hbi_mon *s, const hb_mon_slot *sl, uint32_t k)
{
    uint64_t m = hbi_mon_dec(sl->mean), v;
    /* not one interval seen yet and none announced: the assumed interval
       may be short; err high, as Cassandra seeds with twice its own */
    if (!(sl->state & (HBI_MON_F_LRN | HBI_MON_F_SEED))) m *= 2u;
    v = hbi_mon_margin(s, sl) + ((m * k) >> 8);
    return v > 0x3FFFFFFFu ? 0x3FFFFFFFu : (uint32_t)v;
}

/* Where silence is counted from: the last credit, with the time the
   monitor could not hear (link down, OUTAGE, plus the reconnect grace)
   taken out. */
HBI_MON_HOT uint32_t hbi_mon_base(const hbi_mon *s, const hb_mon_slot *sl)
{
    if (!s->has_floor) return sl->last;
    if ((int32_t)(sl->last - s->freeze) < 0) return sl->last + (s->floor - s->freeze);
    if ((int32_t)(s->floor - sl->last) > 0) return s->floor;
    return sl->last;
}

static uint32_t hbi_mon_grace(const hbi_mon *s, uint32_t silent)
{
    if (s->cfg.reconnect_ms != 0) return s->cfg.reconnect_ms;
    return silent > s->cfg.outage_max_ms ? s->cfg.outage_max_ms : silent;
}

static int hbi_mon_state(const hb_mon_slot *sl) { return (int)(sl->state & HBI_MON_STMASK); }

static void hbi_mon_count(hbi_mon *s, int st, int d)
{
    uint32_t *c = st == HB_MON_ALIVE ? &s->st.alive : st == HB_MON_SUSPECT
                ? &s->st.suspect : st == HB_MON_DEAD ? &s->st.dead
                : st == HB_MON_OFFLINE ? &s->st.offline : NULL;
    if (c != NULL) *c += (uint32_t)d;   /* d is +1 or -1: modulo 2^32 */
}

/* Heard from since the latest OUTAGE ended: only such devices can start
   another one, so a fleet that stays silent through an OUTAGE is then
   convicted, not held in OUTAGE after OUTAGE. */
static int hbi_mon_fresh(const hbi_mon *s, uint32_t last)
{
    return !s->has_epoch || (int32_t)(last - s->epoch) >= 0;
}

/* olast: the slot's last credit before this change (it may have moved). */
static void hbi_mon_set(hbi_mon *s, hb_mon_slot *sl, int st, uint32_t olast)
{
    int old = hbi_mon_state(sl);
    if (old == HB_MON_SUSPECT && hbi_mon_fresh(s, olast) && s->fresh_suspect > 0)
        s->fresh_suspect--;
    if (st == HB_MON_SUSPECT && hbi_mon_fresh(s, sl->last)) s->fresh_suspect++;
    hbi_mon_count(s, old, -1);
    hbi_mon_count(s, st, 1);
    sl->state = (uint8_t)((sl->state & ~HBI_MON_STMASK) | (unsigned)st);
}

static void hbi_mon_emit(hbi_mon *s, int type, uint32_t slot, int prev,
                         int st, uint32_t now, uint32_t count,
                         const hb_mon_info *info)
{
    hb_mon_event ev;
    if (s->cfg.event == NULL) return;
    ev.type = type; ev.slot = slot; ev.prev = prev; ev.state = st;
    ev.now_ms = now; ev.count = count; ev.info = info;
    s->cfg.event(s->cfg.user, &ev);
}

/* A slice may now hold a transition at `due`. */
HBI_MON_HOT void hbi_mon_mark(hbi_mon *s, uint32_t idx, uint32_t due)
{
    uint32_t k = idx / s->slice_len;
    uint64_t bit = (uint64_t)1 << k;
    if (!(s->active & bit) || (int32_t)(due - s->slice_due[k]) < 0) {
        s->slice_due[k] = due;
        s->active |= bit;
    }
}

/* Sets the next deadline of an ALIVE or SUSPECT slot. */
HBI_MON_HOT void hbi_mon_arm(hbi_mon *s, uint32_t idx)
{
    hb_mon_slot *sl = &s->cfg.slots[idx];
    int st = hbi_mon_state(sl);
    if (st != HB_MON_ALIVE && st != HB_MON_SUSPECT) return;
    sl->due = hbi_mon_base(s, sl) +
              hbi_mon_span(s, sl, st == HB_MON_ALIVE ? s->ks : s->kd);
    hbi_mon_mark(s, idx, sl->due);
}

static void hbi_mon_end_outage(hbi_mon *s, uint32_t now)
{
    uint32_t grace = hbi_mon_grace(s, now - s->outage_start);
    s->outage = 0;
    s->freeze = s->outage_start;
    s->epoch = now;
    s->has_epoch = 1;
    s->fresh_suspect = 0;
    s->floor = now + grace;
    s->has_floor = 1;
    hbi_mon_emit(s, HB_MON_EV_OUTAGE_END, HBI_MON_NONE, 0, 0, now,
                 s->outage_back, NULL);
}

HEARTBEAT_DEF int hb_mon_init(hb_mon *m, const hb_mon_config *cfg)
{
    hbi_mon *s;
    const char *why = NULL;
    uint32_t l100, q, d, r;
    static const uint16_t log10x100[10] = { 0, 0, 30, 48, 60, 70, 78, 85, 90, 95 };
    if (cfg == NULL) return HB_ERR_ARG;
    if (m == NULL) why = "m";
    else if (cfg->slots == NULL) why = "slots";
    else if (cfg->capacity == 0 || cfg->capacity > 0x80000000u) why = "capacity";
    else if (cfg->default_interval_ms > HBI_MON_MAXIV) why = "default_interval_ms";
    else if (cfg->loss_ppm >= 1000000u) why = "loss_ppm";
    else if (cfg->outage_permille > 1000u) why = "outage_permille";
    else if (cfg->pause_ms > HBI_MON_MAXIV) why = "pause_ms";
    else if (cfg->suspect_phi > 100000u || cfg->dead_phi > 100000u) why = "phi";
    else if (cfg->dead_phi != 0 && cfg->dead_phi < (cfg->suspect_phi ? cfg->suspect_phi : 200u))
        why = "dead_phi below suspect_phi";
    else if (cfg->outage_max_ms > 0x3FFFFFFFu || cfg->resolution_ms > 0x3FFFFFFFu ||
             cfg->reconnect_ms > 0x3FFFFFFFu)
        why = "outage_max_ms, reconnect_ms or resolution_ms";
    if (why != NULL) {
        if (cfg->log != NULL)
            cfg->log(cfg->user, HB_LOG_ERROR, HB_MSG_CONFIG, HB_ERR_ARG, why);
        return HB_ERR_ARG;
    }
    s = &m->internal_;
    HB_MEMSET(s, 0, sizeof *s);
    HB_MEMCPY(&s->cfg, cfg, sizeof *cfg);
    if (s->cfg.default_interval_ms == 0) s->cfg.default_interval_ms = 30000u;
    if (s->cfg.suspect_phi == 0) s->cfg.suspect_phi = 200u;
    if (s->cfg.dead_phi == 0) s->cfg.dead_phi = 1000u;
    if (s->cfg.dead_phi < s->cfg.suspect_phi) s->cfg.dead_phi = s->cfg.suspect_phi;
    if (s->cfg.loss_ppm == 0) s->cfg.loss_ppm = 10000u;
    if (s->cfg.outage_permille == 0) s->cfg.outage_permille = 250u;
    if (s->cfg.outage_min == 0) s->cfg.outage_min = 8u;
    if (s->cfg.outage_max_ms == 0) {
        uint64_t o = (uint64_t)s->cfg.default_interval_ms * 10u;
        s->cfg.outage_max_ms = o > 0x3FFFFFFFu ? 0x3FFFFFFFu : (uint32_t)o;
    }
    if (s->cfg.poll_budget == 0) s->cfg.poll_budget = 65536u;
    /* phi = -log10(P(silent this long | alive)) with independent loss p:
       every missed beat multiplies P by p, so phi grows by -log10(p) per
       mean interval of silence past the jitter margin. 100 * -log10(p),
       in integers: whole decades plus a table for the leading digit. */
    q = 1000000u / s->cfg.loss_ppm;          /* 1/p, >= 1 */
    for (d = 0, r = q; r >= 10u; r /= 10u) d++;
    l100 = d * 100u + log10x100[r];
    if (l100 == 0) l100 = 1;                  /* p near 1: phi barely rises */
    s->l100 = l100;
    s->ks = (uint32_t)(((uint64_t)s->cfg.suspect_phi * 256u) / l100);
    s->kd = (uint32_t)(((uint64_t)s->cfg.dead_phi * 256u) / l100);
    if (s->ks > 65536u) s->ks = 65536u;
    if (s->kd > 65536u) s->kd = 65536u;
    s->slice_len = (uint32_t)(((uint64_t)cfg->capacity + HB_MON_SLICES - 1u) / HB_MON_SLICES);
    HB_MEMSET(s->cfg.slots, 0, (size_t)cfg->capacity * sizeof *cfg->slots);
    if (s->cfg.counters != NULL)
        HB_MEMSET(s->cfg.counters, 0, (size_t)cfg->capacity * sizeof *cfg->counters);
    s->link_up = 1;
    s->magic = HBI_MON_MAGIC;
    return HB_OK;
}

static int hbi_mon_ok(const hb_mon *m)
{
    return m != NULL && m->internal_.magic == HBI_MON_MAGIC;
}

/* The slot of hash h (exact with cfg.same), or where it would go. */
static uint32_t hbi_mon_find(const hbi_mon *s, uint64_t h, const char *id,
                             size_t len, int esc, int *found, uint32_t *coll)
{
    uint32_t cap = s->cfg.capacity, n, tomb = HBI_MON_NONE;
    uint32_t i = hbi_mon_home(s, h);
    *found = 0;
    for (n = 0; n < cap; n++) {
        uint64_t x = s->cfg.slots[i].id_hash;
        if (x == HBI_MON_EMPTY) return tomb != HBI_MON_NONE ? tomb : i;
        if (x == HBI_MON_TOMB) {
            if (tomb == HBI_MON_NONE) tomb = i;
        } else if (x == h) {
            if (s->cfg.same == NULL || s->cfg.same(s->cfg.user, i, id, len, esc)) {
                *found = 1;
                return i;
            }
            if (coll != NULL) (*coll)++;
        }
        if (++i == cap) i = 0;
    }
    return tomb;
}

static uint16_t hbi_mon_boot16(uint32_t b)
{
    uint16_t v = (uint16_t)(b ^ (b >> 16));
    return v != 0 ? v : 1u;
}

/* One interval sample (ms per beat, on the sender's clock where known). */
static void hbi_mon_learn(hb_mon_slot *sl, uint32_t x)
{
    uint32_t m = hbi_mon_dec(sl->mean), mad, diff;
    int seeded = (sl->state & HBI_MON_F_SEED) != 0;
    if (!(sl->state & HBI_MON_F_LRN)) {
        sl->state |= HBI_MON_F_LRN;
        if (!seeded) {
            sl->mean = hbi_mon_enc(x < 10u ? 10u : x);
            return;
        }
    }
    /* far below the interval: a burst (a queue flushed, a broker's
       redelivery), not a cadence; learning from it would shorten every
       deadline of the device */
    if (x < m / 16u) return;
    if (x < m / 2u || x > m + m / 2u) {
        /* an outlier (a burst, an outage the seq did not show): kept out of
           the deviation; it moves an unseeded mean by 1/32 only, clamped,
           so one long silence cannot teach a long interval */
        if (!seeded) {
            uint32_t c = x < m / 2u ? m / 2u : x > 2u * m ? 2u * m : x;
            int64_t nm = (int64_t)m + ((int64_t)c - (int64_t)m) / 32;
            sl->mean = hbi_mon_enc((uint32_t)nm);
        }
        return;
    }
    if (!seeded) {
        m = (uint32_t)((int64_t)m + ((int64_t)x - (int64_t)m) / 8);
        if (m == 0) m = 1;
        sl->mean = hbi_mon_enc(m);
        m = hbi_mon_dec(sl->mean);
    }
    diff = x > m ? x - m : m - x;
    mad = (uint32_t)(((uint64_t)m * sl->dev) >> 8);
    mad = (uint32_t)((int64_t)mad + ((int64_t)diff - (int64_t)mad) / 4);
    {
        /* m >= 1 in a slot the monitor wrote; the table is the
           caller's memory, so a zero is not divided by */
        uint64_t rel = ((uint64_t)mad << 8) / (m != 0 ? m : 1u);
        sl->dev = (uint8_t)(rel > 255u ? 255u : rel);
    }
}

/* A new session: seq, anchor and interval sampling start over. */
static void hbi_mon_session(hb_mon_slot *sl, const hb_mon_info *in, uint32_t now)
{
    sl->state &= (uint8_t)~(HBI_MON_F_SEQ | HBI_MON_F_UP);
    if (in->flags & HB_MON_HAS_SEQ) { sl->seq = in->seq; sl->state |= HBI_MON_F_SEQ; }
    if (in->flags & HB_MON_HAS_UPTIME) {
        sl->anchor = now - (uint32_t)in->uptime_ms;
        sl->state |= HBI_MON_F_UP;
    }
}

static void hbi_mon_seq_window(hb_mon_counters *c, uint32_t gap)
{
    if (c == NULL) return;
    c->lost += gap - 1u;
    /* gap >= 1 (a later seq); the mask only tells Eva so, at no cost */
    c->window = gap >= 32u ? (gap == 32u ? 1u << 31 : 0u)
                           : (c->window << gap) | (1u << ((gap - 1u) & 31u));
}

static int hbi_mon_arrive(hb_mon *m, const hb_mon_info *in, uint64_t h,
                          uint32_t now);

HEARTBEAT_DEF int hb_mon_arrival(hb_mon *m, const hb_mon_info *in, uint32_t now)
{
    if (!hbi_mon_ok(m) || in == NULL || (in->id == NULL && in->id_len != 0))
        return HB_ERR_ARG;
    return hbi_mon_arrive(m, in, hb_mon_id_hash(in->id, in->id_len,
                                                (in->flags & HB_MON_ID_ESCAPED) != 0),
                          now);
}

static int hbi_mon_arrive(hb_mon *m, const hb_mon_info *in, uint64_t h, uint32_t now)
{
    hbi_mon *s;
    hb_mon_slot *sl;
    hb_mon_counters *c;
    uint32_t idx, credit, old_last, old_seq = 0, tol, mean;
    int found, esc, prev, fresh_session = 0, had_seq, offline;
    s = &m->internal_;
    if (s->busy) return HB_ERR_STATE;
    s->busy = 1;
    s->now = now;
    s->st.beats++;
    esc = (in->flags & HB_MON_ID_ESCAPED) != 0;
    offline = (in->flags & HB_MON_OFFLINE_STATUS) != 0;
    /* the common case first: the device sits in its home slot */
    idx = hbi_mon_home(s, h);
    if (s->cfg.slots[idx].id_hash == h && s->cfg.same == NULL)
        found = 1;
    else {
        idx = hbi_mon_find(s, h, in->id, in->id_len, esc, &found, &s->st.collisions);
        if (idx == HBI_MON_NONE) found = 0;  /* so it is: this tells Eva */
    }

    if (!found) {
        uint32_t cap = s->cfg.capacity, limit = cap - cap / 16u;
        int st = offline ? HB_MON_OFFLINE : HB_MON_ALIVE;
        if (idx == HBI_MON_NONE || s->st.devices >= limit) {
            s->st.full++;
            if (s->cfg.log != NULL)
                s->cfg.log(s->cfg.user, HB_LOG_WARN, hbi_mon_msg_full,
                           HB_ERR_NOSPACE, NULL);
            hbi_mon_emit(s, HB_MON_EV_FULL, HBI_MON_NONE, 0, 0, now, 0, in);
            s->busy = 0;
            return HB_ERR_NOSPACE;
        }
        sl = &s->cfg.slots[idx];
        HB_MEMSET(sl, 0, sizeof *sl);
        sl->id_hash = h;
        sl->last = now;
        sl->mean = hbi_mon_enc((in->flags & HB_MON_HAS_INTERVAL)
                               ? in->interval_ms : s->cfg.default_interval_ms);
        sl->dev = 16u;   /* 1/16 of the interval until learned */
        if (in->flags & HB_MON_HAS_INTERVAL) sl->state |= HBI_MON_F_SEED;
        if (in->flags & HB_MON_HAS_BOOT) sl->boot = hbi_mon_boot16(in->boot_hash);
        hbi_mon_session(sl, in, now);
        if (s->cfg.counters != NULL) {
            c = &s->cfg.counters[idx];
            HB_MEMSET(c, 0, sizeof *c);
            c->beats = 1;
        }
        s->st.devices++;
        hbi_mon_count(s, st, 1);
        sl->state = (uint8_t)(sl->state | (unsigned)st);
        hbi_mon_arm(s, idx);
        hbi_mon_emit(s, HB_MON_EV_NEW, idx, HB_MON_NONE, st, now, 0, in);
        goto out;
    }

    sl = &s->cfg.slots[idx];
    c = s->cfg.counters != NULL ? &s->cfg.counters[idx] : NULL;
    if (c != NULL) {
        c->beats++;
        if ((in->flags & HB_MON_HAS_TIME) && s->has_wall) {
            /* the receiver's wall clock is within +-2^53 ms + 2^32
               (hb_mon_set_wall), the device's any int64: compared
               before subtracting, so nothing overflows */
            int64_t ref = s->wall_base + (int64_t)now;
            c->clock_offset_ms = in->time_ms >= ref + INT32_MAX ? INT32_MAX
                               : in->time_ms <= ref + INT32_MIN ? INT32_MIN
                               : (int32_t)(in->time_ms - ref);
        }
    }
    prev = hbi_mon_state(sl);
    mean = hbi_mon_dec(sl->mean);
    tol = mean / 4u;

#if HBI_FAST   /* a size build takes the general way */
    /* the ordinary beat: the writer's members, the same boot, a later
       seq, the same interval, an ALIVE device, no
       OUTAGE. These are the general steps below with every test that
       cannot fire then left out: the same result, to the bit. */
#define HBI_MON_ALL_IN (HB_MON_HAS_BOOT | HB_MON_HAS_SEQ | HB_MON_HAS_UPTIME | \
                        HB_MON_HAS_INTERVAL)
#define HBI_MON_ALL_SL (HBI_MON_F_SEQ | HBI_MON_F_UP | HBI_MON_F_SEED)
    if ((in->flags & (HBI_MON_ALL_IN | HB_MON_OFFLINE_STATUS)) == HBI_MON_ALL_IN &&
        (sl->state & (HBI_MON_STMASK | HBI_MON_ALL_SL)) ==
            (HB_MON_ALIVE | HBI_MON_ALL_SL) &&
        !s->outage && sl->boot == hbi_mon_boot16(in->boot_hash) &&
        in->seq > sl->seq && in->interval_ms == mean) {
        uint32_t a = now - (uint32_t)in->uptime_ms, gap = in->seq - sl->seq;
        uint32_t creep = mean >> 6;
        int32_t d = (int32_t)(a - sl->anchor);
        if (d >= -(int32_t)tol) {            /* else stale: the general way */
            hbi_mon_seq_window(c, gap);
            sl->seq = in->seq;
            old_last = sl->last;
            if (d < 0) sl->anchor = a;
            else sl->anchor += (uint32_t)d < creep ? (uint32_t)d : creep;
            credit = sl->anchor + (uint32_t)in->uptime_ms;
            if ((int32_t)(credit - old_last) > 0) {
                hbi_mon_learn(sl, gap <= 1u ? credit - old_last
                                            : (credit - old_last) / gap);
                sl->last = credit;
            }
            hbi_mon_arm(s, idx);
            goto out;
        }
    }
#undef HBI_MON_ALL_IN
#undef HBI_MON_ALL_SL
#endif

    /* boots: the current one, the one before it (ignored: a late message of
       a superseded boot), or a new one (REBOOT, unless it says offline: an
       offline from a boot never seen alive is a late Will, as Sparkplug
       ignores an NDEATH whose bdSeq does not match) */
    if (in->flags & HB_MON_HAS_BOOT) {
        uint16_t b = hbi_mon_boot16(in->boot_hash);
        if (sl->boot == 0) {
            sl->boot = b;
        } else if (b != sl->boot) {
            if (b == sl->prev_boot || offline) goto ignore;
            sl->prev_boot = sl->boot;
            sl->boot = b;
            hbi_mon_session(sl, in, now);
            fresh_session = 2;
        }
    }
    had_seq = (sl->state & HBI_MON_F_SEQ) != 0;
    old_seq = sl->seq;

    /* the same session? uptime tells: the session a beat belongs to started
       at (arrival - uptime), never before the anchor of the current one */
    if (!fresh_session && (in->flags & HB_MON_HAS_UPTIME) &&
        (sl->state & HBI_MON_F_UP)) {
        int32_t d = (int32_t)((now - (uint32_t)in->uptime_ms) - sl->anchor);
        if (d < -(int32_t)tol) {
            if (offline) goto ignore;       /* an earlier session's offline */
            goto stale;
        }
    }

    if (offline) {
        /* the current boot's own offline (hb_stop or its Will, built at
           connect time, so its seq and uptime may be old): at once */
        if (prev != HB_MON_OFFLINE) {
            hbi_mon_set(s, sl, HB_MON_OFFLINE, sl->last);
            hbi_mon_emit(s, HB_MON_EV_OFFLINE, idx, prev, HB_MON_OFFLINE, now, 0, in);
        }
        goto out;
    }

    if (!fresh_session && (in->flags & HB_MON_HAS_SEQ)) {
        if (!had_seq) {
            sl->seq = in->seq;
            sl->state |= HBI_MON_F_SEQ;
        } else if (in->seq > sl->seq) {
            hbi_mon_seq_window(c, in->seq - sl->seq);
            sl->seq = in->seq;
        } else {
            int restart;
            if ((in->flags & HB_MON_HAS_UPTIME) && (sl->state & HBI_MON_F_UP))
                /* a session that started after our latest credit, seen
                   by one of its first two beats: an old beat delivered
                   late (a bridge's queue) looks like a session that
                   started late, but its uptime is that of its place in
                   the old session */
                restart = (int32_t)((now - (uint32_t)in->uptime_ms) - sl->last) >= -(int32_t)(mean / 16u) &&
                          in->uptime_ms < (uint64_t)mean + mean / 2u;
            else
                restart = in->seq == 0 || in->seq + 64u < sl->seq;
            if (!restart) goto stale;
            hbi_mon_session(sl, in, now);
            fresh_session = 1;
        }
    }
    if (fresh_session == 1 && !(in->flags & HB_MON_HAS_BOOT) && sl->boot == 0)
        fresh_session = 2;    /* no boot_id: a new session may be a reboot */

    /* liveness credit: on the sender's clock when it gives uptime, so a
       late or queued beat is credited when it was sent, not received */
    old_last = sl->last;
    credit = now;
    if (in->flags & HB_MON_HAS_UPTIME) {
        uint32_t a = now - (uint32_t)in->uptime_ms;
        if (!(sl->state & HBI_MON_F_UP)) {
            sl->anchor = a;
            sl->state |= HBI_MON_F_UP;
        } else {
            /* the anchor is the smallest delay seen; it may creep later by
               1/64 interval per beat to follow a device clock that runs
               slow, never by a queue's delay at once */
            int32_t d = (int32_t)(a - sl->anchor);
            uint32_t creep = mean >> 6;
            if (d < 0) sl->anchor = a;
            else sl->anchor += (uint32_t)d < creep ? (uint32_t)d : creep;
        }
        credit = sl->anchor + (uint32_t)in->uptime_ms;
    }
    if (in->flags & HB_MON_HAS_INTERVAL) {
        uint32_t iv = in->interval_ms > HBI_MON_MAXIV ? HBI_MON_MAXIV : in->interval_ms;
        uint32_t cur = hbi_mon_dec(sl->mean);
        /* the same interval again (exact in 16 bits: no encoding) */
        if (!(sl->state & HBI_MON_F_SEED) ||
            (cur != iv && cur != hbi_mon_dec(hbi_mon_enc(iv)))) {
            sl->mean = hbi_mon_enc(iv);
            sl->state |= HBI_MON_F_SEED;
        }
    }
    if (!fresh_session && (int32_t)(credit - old_last) > 0) {
        uint32_t n = 1;
        if ((in->flags & HB_MON_HAS_SEQ) && had_seq && in->seq > old_seq)
            n = in->seq - old_seq;
        hbi_mon_learn(sl, n <= 1u ? credit - old_last : (credit - old_last) / n);
    }
    if (fresh_session || (int32_t)(credit - sl->last) > 0) sl->last = credit;
    if (fresh_session == 2) {
        if (c != NULL) c->reboots++;
        if (prev != HB_MON_ALIVE) hbi_mon_set(s, sl, HB_MON_ALIVE, old_last);
        hbi_mon_emit(s, HB_MON_EV_REBOOT, idx, prev, HB_MON_ALIVE, now, 0, in);
        prev = HB_MON_ALIVE;
    }
    if (s->outage && (int32_t)(old_last - s->outage_start) < 0 &&
        (int32_t)(sl->last - s->outage_start) >= 0)
        s->outage_back++;
    /* back to ALIVE only if this credit makes it alive now: a queued beat
       from long ago does not revive a dead device */
    if (prev != HB_MON_ALIVE &&
        (int32_t)(now - (hbi_mon_base(s, sl) + hbi_mon_span(s, sl, s->ks))) < 0) {
        hbi_mon_set(s, sl, HB_MON_ALIVE, old_last);
        hbi_mon_emit(s, HB_MON_EV_ALIVE, idx, prev, HB_MON_ALIVE, now, 0, in);
    }
    hbi_mon_arm(s, idx);
    if (s->outage && (uint64_t)s->outage_back * 1000u >=
        (uint64_t)s->outage_live * (1000u - s->cfg.outage_permille))
        hbi_mon_end_outage(s, now);
    goto out;

stale:
    if (c != NULL) {
        uint32_t d = sl->seq - in->seq;
        if ((in->flags & HB_MON_HAS_SEQ) && d == 0) {
            c->dups++;
        } else if ((in->flags & HB_MON_HAS_SEQ) && d <= 32u && d > 0) {
            uint32_t bit = 1u << (d - 1u);
            if (c->window & bit) {
                c->dups++;
            } else {
                c->window |= bit;        /* a reorder: not lost after all */
                if (c->lost > 0) c->lost--;
                c->stale++;
            }
        } else {
            c->stale++;
        }
    }
    s->st.ignored++;
    goto out;
ignore:
    if (c != NULL) c->stale++;
    s->st.ignored++;
out:
    s->busy = 0;
    return HB_OK;
}

/* The second half of a beat: a parse result (rc) counted, or taken. */
static int hbi_mon_take(hb_mon *m, int rc, const hb_mon_info *info,
                        uint64_t h, uint32_t now_ms)
{
    if (rc != HB_OK) {
        hbi_mon *s = &m->internal_;
        s->st.bad++;
        s->now = now_ms;
        if (s->cfg.log != NULL)
            s->cfg.log(s->cfg.user, HB_LOG_WARN, hbi_mon_msg_bad, rc, info->why);
        return rc;
    }
    return hbi_mon_arrive(m, info, h, now_ms);
}

HEARTBEAT_DEF int hb_mon_beat(hb_mon *m, const char *payload, size_t len,
                              uint32_t now_ms)
{
    hb_mon_info info;
    uint64_t h = 0;
    int rc;
    if (!hbi_mon_ok(m)) return HB_ERR_ARG;
    if (m->internal_.busy) return HB_ERR_STATE;
    rc = hbi_mon_parse(payload, len, &info, &m->internal_, &h);
    return hbi_mon_take(m, rc, &info, h, now_ms);
}

/* Parses HB_MON_BATCH beats (each starts loading its slot and counters),
   then updates them in order: the table's cache misses overlap each other
   instead of costing one DRAM round trip per beat. Parsing touches no
   monitor state, so this is hb_mon_beat n times, to the event. */
HEARTBEAT_DEF int hb_mon_beat_batch(hb_mon *m, const char *const *payloads,
                                    const size_t *lens, size_t n,
                                    uint32_t now_ms)
{
    hb_mon_info info[HB_MON_BATCH];
    uint64_t h[HB_MON_BATCH];
    int rc[HB_MON_BATCH];
    size_t done = 0, k, c, ok = 0;
    if (!hbi_mon_ok(m) || (n != 0 && (payloads == NULL || lens == NULL)))
        return HB_ERR_ARG;
    if (m->internal_.busy) return HB_ERR_STATE;
    while (done < n) {
        c = n - done < HB_MON_BATCH ? n - done : HB_MON_BATCH;
        for (k = 0; k < c; k++) {
            h[k] = 0;
            rc[k] = hbi_mon_parse(payloads[done + k], lens[done + k], &info[k],
                                  &m->internal_, &h[k]);
        }
        for (k = 0; k < c; k++)
            if (hbi_mon_take(m, rc[k], &info[k], h[k], now_ms) == HB_OK) ok++;
        done += c;
    }
    return ok > 0x7FFFFFFFu ? 0x7FFFFFFF : (int)ok;
}

/* Moves one due slot on: ALIVE -> SUSPECT -> DEAD. 1 when an OUTAGE began. */
static int hbi_mon_due(hbi_mon *s, uint32_t idx, uint32_t now)
{
    hb_mon_slot *sl = &s->cfg.slots[idx];
    for (;;) {
        int st = hbi_mon_state(sl);
        uint32_t base = hbi_mon_base(s, sl), due;
        due = base + hbi_mon_span(s, sl, st == HB_MON_ALIVE ? s->ks : s->kd);
        sl->due = due;
        if ((int32_t)(now - due) < 0) return 0;
        if (st == HB_MON_ALIVE) {
            uint32_t live;
            hbi_mon_set(s, sl, HB_MON_SUSPECT, sl->last);
            hbi_mon_emit(s, HB_MON_EV_SUSPECT, idx, HB_MON_ALIVE, HB_MON_SUSPECT, now, 0, NULL);
            live = s->st.alive + s->st.suspect;
            if (s->cfg.outage_permille < 1000u && live >= s->cfg.outage_min &&
                (uint64_t)s->fresh_suspect * 1000u > (uint64_t)s->cfg.outage_permille * live) {
                s->outage = 1;
                s->outage_start = now;
                s->outage_live = live;
                s->outage_back = 0;
                s->st.outages++;
                hbi_mon_emit(s, HB_MON_EV_OUTAGE, HBI_MON_NONE, 0, 0, now, s->fresh_suspect, NULL);
                sl->due = base + hbi_mon_span(s, sl, s->kd);
                return 1;
            }
            continue;
        }
        hbi_mon_set(s, sl, HB_MON_DEAD, sl->last);
        if (s->cfg.counters != NULL) s->cfg.counters[idx].deaths++;
        hbi_mon_emit(s, HB_MON_EV_DEAD, idx, HB_MON_SUSPECT, HB_MON_DEAD, now, 0, NULL);
        return 0;
    }
}

/* Sweeps slice k: moves the due slots and learns the slice's next due. */
static void hbi_mon_sweep(hbi_mon *s, uint32_t k, uint32_t now)
{
    uint32_t lo = k * s->slice_len, hi = lo + s->slice_len, i, best = 0;
    uint64_t bit = (uint64_t)1 << k;
    int any = 0;
    hb_mon_slot *slots = s->cfg.slots;
    if (hi > s->cfg.capacity) hi = s->cfg.capacity;
    s->st.sweeps++;
    for (i = lo; i < hi; i++) {
        hb_mon_slot *sl = &slots[i];
        unsigned st = sl->state & HBI_MON_STMASK;
        if (st != HB_MON_ALIVE && st != HB_MON_SUSPECT) continue;
        if ((int32_t)(now - sl->due) >= 0) {
            if (hbi_mon_due(s, i, now)) {
                /* an OUTAGE began: the rest waits for its end */
                s->slice_due[k] = now;
                s->slice_swept[k] = now;
                s->active |= bit;
                return;
            }
            st = sl->state & HBI_MON_STMASK;
            if (st != HB_MON_ALIVE && st != HB_MON_SUSPECT) continue;
        }
        if (!any || (int32_t)(sl->due - best) < 0) best = sl->due;
        any = 1;
    }
    s->slice_swept[k] = now;
    s->slice_due[k] = best;
    if (any) s->active |= bit; else s->active &= ~bit;
}

/* When slice k is next worth a look. */
static uint32_t hbi_mon_slice_at(const hbi_mon *s, uint32_t k)
{
    uint32_t t = s->slice_due[k];
    if (s->cfg.resolution_ms != 0) {
        uint32_t r = s->slice_swept[k] + s->cfg.resolution_ms;
        if ((int32_t)(r - t) > 0) t = r;
    }
    return t;
}

HEARTBEAT_DEF uint32_t hb_mon_poll(hb_mon *m, uint32_t now)
{
    hbi_mon *s;
    uint32_t k, n, start, used = 0, best = HB_POLL_IDLE;
    int more = 0;
    if (!hbi_mon_ok(m)) return HB_POLL_IDLE;
    s = &m->internal_;
    if (s->busy) return 0;
    s->busy = 1;
    s->now = now;
    if (s->has_floor && (int32_t)(now - s->floor) > 0x3FFFFFFF) s->has_floor = 0;
    if (!s->link_up) goto idle;
    if (s->outage) {
        uint32_t end = s->outage_start + s->cfg.outage_max_ms;
        if ((int32_t)(now - end) < 0) { best = end - now; goto done; }
        hbi_mon_end_outage(s, now);
    }
    for (n = 0, start = s->cursor; n < HB_MON_SLICES && !s->outage; n++) {
        k = (start + n) % HB_MON_SLICES;
        if (!(s->active & ((uint64_t)1 << k))) continue;
        if ((int32_t)(now - hbi_mon_slice_at(s, k)) < 0) continue;
        if (used != 0 && used + s->slice_len > s->cfg.poll_budget) { more = 1; break; }
        hbi_mon_sweep(s, k, now);
        used += s->slice_len;
        s->cursor = (k + 1u) % HB_MON_SLICES;
    }
    if (s->outage) {
        best = s->cfg.outage_max_ms;
        goto done;
    }
    if (more) { best = 0; goto done; }
    for (k = 0; k < HB_MON_SLICES; k++) {
        int32_t d;
        if (!(s->active & ((uint64_t)1 << k))) continue;
        d = (int32_t)(hbi_mon_slice_at(s, k) - now);
        if (d <= 0) { best = 0; break; }
        if ((uint32_t)d < best) best = (uint32_t)d;
    }
    goto done;
idle:
    best = HB_POLL_IDLE;
done:
    s->busy = 0;
    return best;
}

HEARTBEAT_DEF int hb_mon_link(hb_mon *m, int up, uint32_t now)
{
    hbi_mon *s;
    if (!hbi_mon_ok(m)) return HB_ERR_ARG;
    s = &m->internal_;
    if (s->busy) return HB_ERR_STATE;
    s->now = now;
    if (!up) {
        if (s->link_up) { s->link_up = 0; s->link_down_at = now; }
    } else if (!s->link_up) {
        /* silence counts from now, plus as long again as the link was down
           (capped): devices reconnecting with a doubling backoff after the
           same broker outage come back within that */
        uint32_t grace = hbi_mon_grace(s, now - s->link_down_at);
        s->link_up = 1;
        s->freeze = s->link_down_at;
        s->floor = now + grace;
        s->has_floor = 1;
    }
    return HB_OK;
}

HEARTBEAT_DEF int hb_mon_set_wall(hb_mon *m, int64_t unix_ms, uint32_t now)
{
    if (!hbi_mon_ok(m)) return HB_ERR_ARG;
    if (unix_ms > HBI_MON_WALL_MAX || unix_ms < -HBI_MON_WALL_MAX) {
        const hbi_mon *s = &m->internal_;
        if (s->cfg.log != NULL)
            s->cfg.log(s->cfg.user, HB_LOG_ERROR,
                       "heartbeat monitor: wall clock out of range", HB_ERR_ARG,
                       "unix_ms beyond +-2^53");
        return HB_ERR_ARG;
    }
    m->internal_.wall_base = unix_ms - (int64_t)now;
    m->internal_.has_wall = 1;
    return HB_OK;
}

HEARTBEAT_DEF int hb_mon_get_slot(const hb_mon *m, uint32_t slot, hb_mon_device *out)
{
    const hbi_mon *s;
    const hb_mon_slot *sl;
    uint32_t mean, margin, silent;
    int st;
    if (out != NULL) HB_MEMSET(out, 0, sizeof *out);
    if (!hbi_mon_ok(m) || out == NULL) return HB_ERR_ARG;
    s = &m->internal_;
    if (slot >= s->cfg.capacity) return HB_ERR_ARG;
    sl = &s->cfg.slots[slot];
    st = hbi_mon_state(sl);
    if (sl->id_hash < 2u || st == HB_MON_NONE) return HB_ERR_ARG;
    mean = hbi_mon_dec(sl->mean);
    margin = hbi_mon_margin(s, sl);
    silent = s->now - hbi_mon_base(s, sl);
    if ((int32_t)silent < 0) silent = 0;
    out->slot = slot;
    out->state = st;
    out->last_ms = sl->last;
    out->silent_ms = s->now - sl->last;
    out->seq = sl->seq;
    out->mean_ms = mean;
    out->dev_ms = hbi_mon_mad(sl);
    out->due_ms = sl->due;
    if (silent > margin) {
        /* mean >= 1 in every slot the monitor wrote; the table is the
           caller's memory, so a zero is not divided by */
        uint64_t phi = ((uint64_t)(silent - margin) * s->l100) / (mean ? mean : 1u);
        out->phi = phi > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)phi;
    }
    if (s->cfg.counters != NULL) {
        out->has_counters = 1;
        out->counters = s->cfg.counters[slot];
    }
    return HB_OK;
}

HEARTBEAT_DEF int hb_mon_get(const hb_mon *m, const char *id, size_t len,
                             hb_mon_device *out)
{
    uint32_t idx;
    int found;
    if (out != NULL) HB_MEMSET(out, 0, sizeof *out);
    if (!hbi_mon_ok(m) || out == NULL || (id == NULL && len != 0)) return HB_ERR_ARG;
    idx = hbi_mon_find(&m->internal_, hb_mon_id_hash(id, len, 0), id, len, 0,
                       &found, NULL);
    if (!found) return HB_ERR_ARG;
    return hb_mon_get_slot(m, idx, out);
}

HEARTBEAT_DEF int hb_mon_forget(hb_mon *m, uint32_t slot)
{
    hbi_mon *s;
    hb_mon_slot *sl;
    if (!hbi_mon_ok(m)) return HB_ERR_ARG;
    s = &m->internal_;
    if (s->busy) return HB_ERR_STATE;
    if (slot >= s->cfg.capacity) return HB_ERR_ARG;
    sl = &s->cfg.slots[slot];
    if (sl->id_hash < 2u) return HB_ERR_ARG;
    hbi_mon_set(s, sl, HB_MON_NONE, sl->last);
    HB_MEMSET(sl, 0, sizeof *sl);
    sl->id_hash = HBI_MON_TOMB;
    s->st.devices--;
    return HB_OK;
}

HEARTBEAT_DEF int hb_mon_get_stats(const hb_mon *m, hb_mon_stats *out)
{
    if (!hbi_mon_ok(m) || out == NULL) return HB_ERR_ARG;
    *out = m->internal_.st;
    return HB_OK;
}

/* Names as arrays of their own (see hbi_mon_w_true): no literal pool. */
static const char hbi_mon_state_names[5][8] = {
    "none", "alive", "suspect", "dead", "offline"
};
static const char hbi_mon_event_names[10][11] = {
    "unknown", "new", "alive", "suspect", "dead", "offline", "reboot",
    "outage", "outage_end", "full"
};

HEARTBEAT_DEF const char *hb_mon_state_name(int state)
{
    return hbi_mon_state_names[state >= HB_MON_ALIVE && state <= HB_MON_OFFLINE ? state : 0];
}

HEARTBEAT_DEF const char *hb_mon_event_name(int type)
{
    return hbi_mon_event_names[type >= HB_MON_EV_NEW && type <= HB_MON_EV_FULL ? type : 0];
}

#undef HBI_MON_MAGIC
#undef HBI_MON_EMPTY
#undef HBI_MON_TOMB
/* ---- SIGNED BEATS in the monitor ---------------------------------------- */
static int hbi_b64val(unsigned c)
{
    if (c >= 'A' && c <= 'Z') return (int)(c - 'A');
    if (c >= 'a' && c <= 'z') return (int)(c - 'a') + 26;
    if (c >= '0' && c <= '9') return (int)(c - '0') + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

/* base64url (no padding, canonical: unused low bits zero) of s[0..n) into
   out; the length, or -1 for bad input or no room. */
static long hbi_b64dec(const char *s, size_t n, unsigned char *out, size_t cap)
{
    size_t i, o = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    if (n % 4u == 1u) return -1;
    for (i = 0; i < n; i++) {
        int v = hbi_b64val((unsigned char)s[i]);
        if (v < 0) return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6u;
        if (bits >= 8u) {
            bits -= 8u;
            if (o >= cap) return -1;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1u;
        }
    }
    return acc != 0 ? -1 : (long)o;
}

/* "exp" of the claims' top level (integer), if any. */
static int hbi_sign_find_exp(const char *p, size_t n, int64_t *exp)
{
    hbi_mon_rd r;
    r.p = p; r.e = p + n; r.why = NULL;
    hbi_mon_ws(&r);
    if (r.p >= r.e || *r.p++ != '{') return 0;
    for (;;) {
        const char *k;
        size_t kn;
        int esc, neg = 0;
        uint64_t u;
        hbi_mon_ws(&r);
        if (hbi_mon_str(&r, &k, &kn, &esc) != 0) return 0;
        hbi_mon_ws(&r);
        if (r.p >= r.e || *r.p++ != ':') return 0;
        hbi_mon_ws(&r);
        if (!esc && kn == 3 && hbi_mon_eq(k, "exp", 3)) {
            if (r.p < r.e && *r.p == '-') { neg = 1; r.p++; }
            if (hbi_mon_uint(&r, (uint64_t)INT64_MAX, &u, NULL, NULL) != 0) return 0;
            *exp = neg ? -(int64_t)u : (int64_t)u;
            return 1;
        }
        if (hbi_mon_skip(&r, 1) != 0) return 0;
        hbi_mon_ws(&r);
        if (r.p >= r.e || *r.p != ',') return 0;
        r.p++;
    }
}

HEARTBEAT_DEF int hb_mon_beat_signed(hb_mon *m, const char *payload, size_t len,
                                     const char *jws, size_t jws_len,
                                     const hb_mon_sign *sg, uint32_t now_ms)
{
    static const char pre[] = "{\"alg\":\"", mid[] = "\",\"typ\":\"hb+jwt\",\"kid\":\"";
    hbi_mon *s;
    hb_mon_info info;
    hb_mon_jws j;
    unsigned char hdr[160], sig[64];
    const char *h, *d1, *d2, *end, *claims, *why = NULL;
    size_t hn, sn, cn, i;
    long k;
    int rc, err = HB_ERR_ARG;
    uint32_t ignored;
    int64_t exp;

    if (!hbi_mon_ok(m) || sg == NULL || sg->verify == NULL || payload == NULL ||
        (jws == NULL && jws_len != 0))
        return HB_ERR_ARG;
    s = &m->internal_;
    if (s->busy) return HB_ERR_STATE;
    if (len > 65536u || jws_len > 65536u) { why = "signed: over 65536 bytes"; goto bad; }
    /* the three parts: header, claims (A) or none (B), signature */
    if (jws == NULL) { h = payload; end = payload + len; }
    else { h = jws; end = jws + jws_len; }
    d1 = h;
    while (d1 < end && *d1 != '.') d1++;
    d2 = d1 < end ? d1 + 1 : end;
    while (d2 < end && *d2 != '.') d2++;
    if (d2 >= end || (jws != NULL && d2 != d1 + 1) || (jws == NULL && d2 == d1 + 1)) {
        why = "signed: not a JWS";
        goto bad;
    }
    for (i = 0; d2 + 1 + i < end; i++)
        if (d2[1 + i] == '.') { why = "signed: not a JWS"; goto bad; }
    /* the header: exactly heartbeat.h's, typ hb+jwt */
    k = hbi_b64dec(h, (size_t)(d1 - h), hdr, sizeof hdr);
    hn = k < 0 ? 0 : (size_t)k;
    if (k < 0 || hn < 40u || hn > 39u + HB_SIGN_KID_MAX ||
        !hbi_mon_eq((const char *)hdr, pre, 8) ||
        !hbi_mon_eq((const char *)hdr + 13, mid, 24) ||
        hdr[hn - 2u] != '"' || hdr[hn - 1u] != '}') {
        why = "signed: header is not hb+jwt";
        err = HB_ERR_CRYPTO;
        goto badsig;
    }
    if (hbi_mon_eq((const char *)hdr + 8, "ES256", 5)) j.alg = HB_SIGN_ES256;
    else if (hbi_mon_eq((const char *)hdr + 8, "HS256", 5)) j.alg = HB_SIGN_HS256;
    else { why = "signed: alg"; err = HB_ERR_CRYPTO; goto badsig; }
    j.kid = (const char *)hdr + 37;
    j.kid_len = hn - 39u;
    for (i = 0; i < j.kid_len; i++) {
        unsigned ch = (unsigned char)j.kid[i];
        if (ch < 0x21u || ch > 0x7Eu || ch == '"' || ch == '\\') {
            why = "signed: kid";
            err = HB_ERR_CRYPTO;
            goto badsig;
        }
    }
    k = hbi_b64dec(d2 + 1, (size_t)(end - d2 - 1), sig, sizeof sig);
    sn = k < 0 ? 0 : (size_t)k;
    if (k < 0 || sn != (j.alg == HB_SIGN_ES256 ? 64u : 32u)) {
        why = "signed: signature length";
        err = HB_ERR_CRYPTO;
        goto badsig;
    }
    /* the claims and the signing input */
    if (jws == NULL) {
        size_t pn = (size_t)(d2 - d1 - 1);
        if (sg->scratch == NULL || pn / 4u * 3u + 2u > sg->scratch_size) {
            why = "signed: scratch too small";
            err = HB_ERR_NOSPACE;
            goto bad;
        }
        k = hbi_b64dec(d1 + 1, pn, (unsigned char *)sg->scratch, sg->scratch_size);
        if (k < 0) { why = "signed: claims not base64url"; goto bad; }
        claims = sg->scratch;
        cn = (size_t)k;
        j.input = payload;
        j.input_len = (size_t)(d2 - payload);
    } else {
        size_t hl = (size_t)(d1 - h), need = hl + 1u + HBI_B64LEN(len);
        if (sg->scratch == NULL || len >= 65536u || need > sg->scratch_size) {
            why = "signed: scratch too small";
            err = HB_ERR_NOSPACE;
            goto bad;
        }
        HB_MEMCPY(sg->scratch, h, hl);
        sg->scratch[hl] = '.';
        hbi_b64url(sg->scratch + hl + 1u, (const unsigned char *)payload, len);
        claims = payload;
        cn = len;
        j.input = sg->scratch;
        j.input_len = need;
    }
    rc = hb_mon_parse(claims, cn, &info);
    if (rc != HB_OK) { why = info.why; goto bad; }
    if ((info.flags & (HB_MON_HAS_SEQ | HB_MON_HAS_BOOT)) !=
        (HB_MON_HAS_SEQ | HB_MON_HAS_BOOT)) {
        why = "signed: no seq or boot_id";
        goto bad;
    }
    j.id = info.id;
    j.id_len = info.id_len;
    j.id_escaped = (info.flags & HB_MON_ID_ESCAPED) != 0;
    j.sig = sig;
    j.sig_len = sn;
    s->busy = 1;                 /* the callback may not re-enter */
    rc = sg->verify(sg->user, &j);
    s->busy = 0;
    if (rc != 0) {
        why = "signed: bad signature";
        err = HB_ERR_CRYPTO;
        goto badsig;
    }
    /* replays: expired (when we know the time), or not newer in this boot */
    if (s->has_wall && hbi_sign_find_exp(claims, cn, &exp) &&
        /* exp may be any int64: the leeway comes off the (bounded) clock */
        (s->wall_base + (int64_t)now_ms) / 1000 - (int64_t)sg->leeway_s > exp)
        goto replay;
    {
        int found;
        uint32_t coll = 0, idx;
        int esc = (info.flags & HB_MON_ID_ESCAPED) != 0;
        idx = hbi_mon_find(s, hb_mon_id_hash(info.id, info.id_len, esc), info.id,
                           info.id_len, esc, &found, &coll);
        if (found) {
            const hb_mon_slot *sl = &s->cfg.slots[idx];
            /* same boot: only a higher seq is news; a session restart
               without a new boot_id is not possible for signed beats
               (hb_start draws a new one) */
            if (sl->boot == hbi_mon_boot16(info.boot_hash) &&
                (sl->state & HBI_MON_F_SEQ) && info.seq <= sl->seq)
                goto replay;
        }
    }
    ignored = s->st.ignored;
    rc = hb_mon_arrival(m, &info, now_ms);
    if (rc == HB_OK && s->st.ignored != ignored) {
        s->st.replays++;         /* the previous boot: arrival ignored it */
        return HB_ERR_STATE;
    }
    return rc;
replay:
    s->st.beats++;
    s->st.ignored++;
    s->st.replays++;
    s->now = now_ms;
    return HB_ERR_STATE;
badsig:
    s->st.bad_sig++;
    s->now = now_ms;
    if (s->cfg.log != NULL) s->cfg.log(s->cfg.user, HB_LOG_WARN, hbi_mon_msg_bad, err, why);
    return err;
bad:
    s->st.bad++;
    s->now = now_ms;
    if (s->cfg.log != NULL) s->cfg.log(s->cfg.user, HB_LOG_WARN, hbi_mon_msg_bad, err, why);
    return err;
}
/* ---- end SIGNED BEATS in the monitor ---- */

#undef HBI_MON_NONE
#undef HBI_MON_MAXLEN
#undef HBI_MON_DEPTH
#undef HBI_MON_MAXIV
#undef HBI_MON_SWAR
#undef HBI_MON_HOT
#undef HBI_MON_SSE2
#undef HBI_MON_STMASK
#undef HBI_MON_F_SEQ
#undef HBI_MON_F_UP
#undef HBI_MON_F_SEED
#undef HBI_MON_F_LRN
#undef HBI_MON_PREFETCH
#undef HBI_MON_INLINE
/* ---- end MONITOR implementation ---- */

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
#define HBI_SIGN_USER(c) \
    ((c)->signing->sign_user != NULL ? (c)->signing->sign_user : (c)->user)

static size_t hbi_sign_siglen(int alg) { return alg == HB_SIGN_ES256 ? 64u : 32u; }

static size_t hbi_sign_hdrlen(const hb_config *c)
{
    return HBI_B64LEN(HBI_SIGN_HDR_FIXED + HB_STRLEN(c->signing->sign_kid));
}

/* The buffer a signed beat with claims of n bytes needs (0: too big). */
static size_t hbi_sign_need(const hb_config *c, size_t n)
{
    size_t sl = HBI_B64LEN(hbi_sign_siglen(c->signing->sign_alg)), need;
    if (c->signing->sign_kid == NULL || n >= SIZE_MAX / 4u - 1024u) return 0;
    need = hbi_sign_hdrlen(c) + 1u + HBI_B64LEN(n) + 1u + sl + 1u;
    if (c->signing->sign_carrier == HB_CARRIER_B) need += n + 1u;
    return need;
}

static const char *hbi_sign_check(const hb_config *c)
{
    const hb_signing *g = c->signing;
    size_t n, i;
    if (c->signing->sign_alg != HB_SIGN_ES256 && c->signing->sign_alg != HB_SIGN_HS256)
        return "sign_alg";
    if (g->sign == NULL) return "sign";
    if (c->signing->sign_kid == NULL) return "sign_kid: NULL";
    n = hbi_strnlen(c->signing->sign_kid, HB_SIGN_KID_MAX);
    if (n == 0 || n > HB_SIGN_KID_MAX) return "sign_kid: not 1..64 bytes";
    for (i = 0; i < n; i++) {
        unsigned ch = (unsigned char)c->signing->sign_kid[i];
        if (ch < 0x21u || ch > 0x7Eu || ch == '"' || ch == '\\')
            return "sign_kid: not printable ASCII without \" and \\";
    }
    if (c->signing->sign_carrier != HB_CARRIER_A && c->signing->sign_carrier != HB_CARRIER_B)
        return "sign_carrier";
    if (c->token != NULL) return "token: no bearer token in signed beats";
    if (c->signing->sign_carrier == HB_CARRIER_B && c->n_user_props > HB_SIGN_B_PROPS)
        return "n_user_props: at most 2 besides carrier B's jws";
    if (c->boot_id_str == NULL && c->boot_id == 0 && c->rand == NULL)
        return "rand: needed to make the boot_id of signed beats";
    return NULL;
}

/* Carrier B: the beat's MQTT 5 user properties are "jws" and then yours. */
static void hbi_sign_props(hbi_state *s)
{
    size_t i;
    HBI_SG(s)->sg_props[0].key = "jws";
    HBI_SG(s)->sg_props[0].value = HBI_SG(s)->sg_jws;
    HBI_SG(s)->sg_props[0].value_len = HBI_SG(s)->sg_jws_len;
    for (i = 0; i < HBI_C(s)->n_user_props && i < HB_SIGN_B_PROPS; i++)
        HBI_SG(s)->sg_props[i + 1u] = HBI_C(s)->user_props[i];
    s->props.user_props = HBI_SG(s)->sg_props;
    s->props.n_user_props = i + 1u;
}

/* hb_init's defaults: the claims every signed beat carries, and carrier
   A's content type. c is the config copy to write them into (hb_init's,
   or hb_buf_size's with fill 0), or NULL: HEARTBEAT_CONFIG_BY_REF works
   them out at each use (HBI_FLAGS, HBI_BOOT_STR). */
static void hbi_sign_resolve(hbi_state *s, hb_config *c, int fill)
{
    static const char zeros[] = "0000000000000000";
    const hb_config *k = HBI_C(s);
    if (k->signing->sign_carrier == HB_CARRIER_A && k->content_type == NULL)
        s->props.content_type = "application/jwt";
    if (c != NULL) c->flags |= HBI_SIGN_OPTS;
    if (k->boot_id_str == NULL && k->boot_id == 0) {
        if (fill)                       /* hb_init: filled by each hb_start */
            HB_MEMCPY(HBI_SG(s)->boot_hex, zeros, 17);
        if (c != NULL)                  /* hb_buf_size: the same width */
            c->boot_id_str = fill ? HBI_SG(s)->boot_hex : zeros;
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
    HBI_SG(s)->sg_jws_len = 0;
    if (HBI_BOOT_STR(s) != HBI_SG(s)->boot_hex) return;
    r[0] = HBI_C(s)->rand(HBI_C(s)->user);
    r[1] = HBI_C(s)->rand(HBI_C(s)->user);
    for (i = 0; i < 16; i++)
        HBI_SG(s)->boot_hex[i] = hex[(r[i >> 3] >> (28 - 4 * (i & 7))) & 15u];
    HBI_SG(s)->boot_hex[16] = '\0';
}

/* ,"iat":<sec>,"exp":<sec + ceil(1.5 * interval in s)>. The digits go in
   place as hbi_put_uint writes them, without its call (whose 64-bit
   argument goes on the stack): this runs inside hbi_build, at hb_poll's
   deepest point (FOOTPRINT, the signed beats' stack). */
static void hbi_sign_claims(hb_json *w, const hb_time *t, uint32_t interval_ms)
{
    int64_t v = t->sec;
    uint64_t m;
    size_t k;
    int i;
    /* outside Go's years the timestamp has failed already (HB_ERR_RANGE);
       the bound only keeps the sum below from overflowing */
    if (v < HBI_SEC_MIN - 86400 || v > HBI_SEC_MAX + 86400) {
        hbi_fail(w, HB_ERR_RANGE);
        return;
    }
    for (i = 0; i < 2; i++) {
        /* exp = iat + ceil(1.5 * iv / 1000), iv = interval_ms, in 32-bit
           arithmetic (no 64-bit division on the beat path):
           3 * (iv / 2000) + ceil(3 * (iv % 2000) / 2000) */
        if (i == 1)
            v += (int64_t)(3u * (interval_ms / 2000u) +
                           (3u * (interval_ms % 2000u) + 1999u) / 2000u);
        hbi_put(w, i == 0 ? ",\"iat\":-" : ",\"exp\":-", v < 0 ? 8u : 7u);
        m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        if (w->internal_.err != HB_OK) return;
        k = hbi_ndigits(m);
        if (w->internal_.buf == NULL) {
            w->internal_.len += k;
        } else if (k >= w->internal_.size - w->internal_.len) {
            w->internal_.err = HB_ERR_NOSPACE;
        } else {
            w->internal_.len += hbi_u64(w->internal_.buf + w->internal_.len, m);
        }
    }
}

/* Where hbi_build writes the claims JSON in a buffer of size bytes. */
static size_t hbi_sign_offset(const hbi_state *s, size_t size)
{
    size_t h = hbi_sign_hdrlen(HBI_C(s)) + 1u;
    if (HBI_C(s)->signing->sign_carrier == HB_CARRIER_B) return 0;
    if (size <= h) return size;             /* no room: the writer fails */
    return h + (size - h) / 4u;
}

/* The signer's answer: pending, failed, or done (then the message is put
   together: carrier A's ".signature", carrier B's detached JWS). */
static int hbi_sign_after(hbi_state *s, char *buf, int rc, size_t *len)
{
    const hb_config *c = HBI_C(s);
    size_t sl = hbi_sign_siglen(c->signing->sign_alg), e = HBI_SG(s)->sg_end, at;
    const unsigned char *sig =
        (const unsigned char *)buf + e + 1u + HBI_B64LEN(sl) - sl;
    if (rc > 0 && s->busy && s->sg_state != HBI_SG_SYNC) {
        uint32_t wait = (uint32_t)rc;
        s->sg_state = HBI_SG_PENDING;
        HBI_SG(s)->sg_at += wait < c->interval_ms ? wait : c->interval_ms; /* was now */
        return HBI_SIGN_WAIT;
    }
    s->sg_state = 0;
    if (rc != 0) {
        buf[0] = '\0';
        *len = 0;
        return HB_ERR_CRYPTO;
    }
    if (c->signing->sign_carrier == HB_CARRIER_A) {
        buf[e] = '.';
        at = e + 1u + hbi_b64url(buf + e + 1u, sig, sl);
        buf[at] = '\0';
        *len = at;
    } else {
        at = HBI_SG(s)->sg_in + hbi_sign_hdrlen(c);
        buf[at++] = '.';
        buf[at++] = '.';
        at += hbi_b64url(buf + at, sig, sl);    /* sig is >= 22 bytes ahead */
        buf[at] = '\0';
        HBI_SG(s)->sg_jws = buf + HBI_SG(s)->sg_in;
        HBI_SG(s)->sg_jws_len = at - HBI_SG(s)->sg_in;
        hbi_sign_props(s);
        *len = HBI_SG(s)->sg_plen;
    }
    return HB_OK;
}

/* The claims JSON (*len bytes) is at buf + hbi_sign_offset(): make the
   signing input and ask the signer; its answer is returned. No room:
   HBI_SG(s)->sg_end = 0, nothing asked. */
static HBI_NOINLINE int hbi_sign_begin(hbi_state *s, char *buf, size_t size,
                                       size_t *len)
{
    const hb_config *c = HBI_C(s);
    size_t n = *len, kl = HB_STRLEN(c->signing->sign_kid), hj = HBI_SIGN_HDR_FIXED + kl;
    size_t hl = HBI_B64LEN(hj), b, e, need, sl = c->signing->sign_alg == HB_SIGN_ES256 ? 64u : 32u;
    /* hbi_sign_offset's answer, from hl (no deeper call: hb_poll's stack) */
    size_t off = c->signing->sign_carrier == HB_CARRIER_B ? 0u : hl + 1u + (size - hl - 1u) / 4u;
    char *h;
    HBI_SG(s)->sg_jws_len = 0;
    HBI_SG(s)->sg_end = 0;
    need = n >= SIZE_MAX / 4u - 1024u ? 0u
         : hl + 1u + HBI_B64LEN(n) + 1u + HBI_B64LEN(sl) + 1u +
           (c->signing->sign_carrier == HB_CARRIER_B ? n + 1u : 0u);   /* = hbi_sign_need */
    if (need == 0 || need > size) {
        buf[0] = '\0';
        *len = 0;
        return HB_ERR_NOSPACE;
    }
    b = c->signing->sign_carrier == HB_CARRIER_B ? n + 1u : 0u;
    e = b + hl + 1u + HBI_B64LEN(n);
    if (c->signing->sign_carrier == HB_CARRIER_A) {
        /* in place: the JSON must lie a group count ahead (it does, given
           the room checked above; checked again, cheaply) */
        if (off - (hl + 1u) < (n + 2u) / 3u) {
            buf[0] = '\0';
            *len = 0;
            return HB_ERR_NOSPACE;
        }
        hbi_b64url(buf + hl + 1u, (const unsigned char *)buf + off, n);
    } else {
        hbi_b64url(buf + b + hl + 1u, (const unsigned char *)buf, n);
    }
    /* the header: exact bytes, kid checked by hb_init (no escaping) */
    h = buf + b + hl - hj;
    HB_MEMCPY(h, "{\"alg\":\"", 8);
    HB_MEMCPY(h + 8, c->signing->sign_alg == HB_SIGN_ES256 ? "ES256" : "HS256", 5);
    HB_MEMCPY(h + 13, "\",\"typ\":\"hb+jwt\",\"kid\":\"", 24);
    HB_MEMCPY(h + 37, c->signing->sign_kid, kl);
    HB_MEMCPY(h + 37 + kl, "\"}", 2);
    hbi_b64url(buf + b, (const unsigned char *)h, hj);
    buf[b + hl] = '.';
    HBI_SG(s)->sg_in = b;
    HBI_SG(s)->sg_end = e;
    HBI_SG(s)->sg_plen = n;
    return c->signing->sign(HBI_SIGN_USER(c), c->signing->sign_alg, buf + b, e - b,
                   (unsigned char *)buf + e + 1u + HBI_B64LEN(sl) - sl, 0);
}

/* A later poll: the signer again, on the same input; its answer. */
static HBI_NOINLINE int hbi_sign_resume(hbi_state *s, char *buf)
{
    const hb_config *c = HBI_C(s);
    size_t sl = hbi_sign_siglen(c->signing->sign_alg);
    return c->signing->sign(HBI_SIGN_USER(c), c->signing->sign_alg, buf + HBI_SG(s)->sg_in,
                   HBI_SG(s)->sg_end - HBI_SG(s)->sg_in,
                   (unsigned char *)buf + HBI_SG(s)->sg_end + 1u + HBI_B64LEN(sl) - sl, 1);
}

/* hb_poll while a signature is pending: a grid point that comes due
   meanwhile is skipped (counted in missed; the grid stays). 1 when the
   signer's wait is over: hb_poll then asks it again (through hbi_attempt,
   called from hb_poll itself so that the stack stays as deep as a beat's). */
static HBI_NOINLINE int hbi_sign_poll(hbi_state *s, uint32_t now)
{
    if ((int32_t)(now - s->due) >= 0) {
        hbi_advance(s, now);
        s->stats.missed++;
        hbi_log(s, HB_LOG_WARN, HB_MSG_MISSED, 0, "signer still busy");
    }
    return s->state == HBI_ST_RUNNING && s->sg_state == HBI_SG_PENDING &&
           (int32_t)(now - HBI_SG(s)->sg_at) >= 0;
}

/* hbi_build's signing, after the claims JSON: begin and after one after
   the other, not nested, to keep hb_poll's stack. */
static int hbi_sign_build(hbi_state *s, char *buf, size_t size, size_t *len,
                          uint32_t now)
{
    int rc;
    HBI_SG(s)->sg_at = now;
    rc = hbi_sign_begin(s, buf, size, len);
    if (HBI_SG(s)->sg_end == 0) return HB_ERR_NOSPACE;
    return hbi_sign_after(s, buf, rc, len);
}

/* hbi_build with a signature pending: the signer again, not a rebuild. */
static int hbi_sign_finish(hbi_state *s, char *buf, size_t *len, uint32_t now)
{
    HBI_SG(s)->sg_at = now;
    return hbi_sign_after(s, buf, hbi_sign_resume(s, buf), len);
}

HEARTBEAT_DEF const struct hb_sign_ops *hb_signed_beats(void)
{
    static const struct hb_sign_ops t = {
        hbi_sign_check, hbi_sign_resolve, hbi_sign_start, hbi_sign_claims,
        hbi_sign_offset, hbi_sign_build, hbi_sign_finish, hbi_sign_poll,
        hbi_sign_need
    };
    return HBI_SIGN_ON ? &t : NULL; /* NULL: HEARTBEAT_NO_SIGN, _NO_OPTIONS */
}

HEARTBEAT_DEF const char *hb_beat_jws(const hb_service *hb, size_t *len)
{
    const hbi_state *s;
    if (len != NULL) *len = 0;
    if (hb == NULL || !hbi_inited(hb)) return NULL;
    s = &hb->internal_;
    if (!HBI_SIGNING(HBI_C(s)) || HBI_C(s)->signing->sign_carrier != HB_CARRIER_B ||
        !HBI_PROPS_ON(s) || HBI_SG(s)->sg_jws_len == 0)
        return NULL;
    if (len != NULL) *len = HBI_SG(s)->sg_jws_len;
    return HBI_SG(s)->sg_jws;
}

HEARTBEAT_DEF const char *hb_boot_id(const hb_service *hb)
{
    if (hb == NULL || !hbi_inited(hb) || !HBI_SIGNING(HBI_C(&hb->internal_)))
        return NULL;
    return HBI_BOOT_STR(&hb->internal_);
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

/* The internal blinding generator serves RS256, ES256 and mbedTLS 3's
   parser. */
#if HBI_JWT_HAVE_ES || HBI_JWT_HAVE_RS
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
/* The internal blinding generator for RS256 and ES256 without cfg.rng:
   block k is
   SHA-256(seed || counter), the counter never repeats for one signer, and
   the seed is a hash of the private key, unknown to whoever lacks the key.
   It only blinds the arithmetic (the RSA private-key operation, the curve
   multiplication); PKCS#1 v1.5 needs no randomness and the ECDSA nonce is
   RFC 6979's. */
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
    } else if (c->alg == HB_JWT_RS256 || c->alg == HB_JWT_ES256) {
        /* an algorithm this mbedTLS build lacks */
        if ((c->alg == HB_JWT_RS256 && !HBI_JWT_HAVE_RS) ||
            (c->alg == HB_JWT_ES256 && !HBI_JWT_HAVE_ES))
            return HB_ERR_ARG;
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
        void *ru;
        hb_jwt_rng_fn rf = hbi_jwt_rng(in, &ru);
#  if HBI_JWT_MBEDTLS3
        rc = mbedtls_pk_sign(&in->pk, MBEDTLS_MD_SHA256, hash, sizeof hash,
                             sig, HBI_JWT_SIG_MAX, sig_len, rf, ru);
#  else
        rc = mbedtls_pk_sign(&in->pk, MBEDTLS_MD_SHA256, hash, sizeof hash,
                             sig, sig_len, rf, ru);
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
HEARTBEAT_DEF int hb_jwt_verify_beat(const hb_mon_jws *j, const unsigned char *key,
                                     size_t key_len)
{
    unsigned char mac[32];
    unsigned diff = 0;
    size_t i;
    if (j == NULL || key == NULL || key_len == 0 || j->input == NULL ||
        j->sig == NULL)
        return HB_ERR_ARG;
    if (j->alg == HB_SIGN_HS256) {
        if (j->sig_len != 32u || key_len < HBI_JWT_HS_MIN) return HB_ERR_ARG;
        if (mbedtls_md_hmac(hbi_jwt_sha256(), key, key_len,
                            (const unsigned char *)j->input, j->input_len, mac))
            return HB_ERR_CRYPTO;
        for (i = 0; i < 32u; i++) diff |= (unsigned)(mac[i] ^ j->sig[i]);
        mbedtls_platform_zeroize(mac, sizeof mac);
        return diff == 0 ? 0 : HB_ERR_CRYPTO;
    }
#if HBI_JWT_HAVE_ES
    if (j->alg == HB_SIGN_ES256 && j->sig_len == 64u) {
        mbedtls_pk_context pk;
        mbedtls_mpi r, s;
        unsigned char h[32];
        int rc;
        mbedtls_pk_init(&pk);
        rc = mbedtls_pk_parse_public_key(&pk, key, key_len);
        if (rc != 0 || !mbedtls_pk_can_do(&pk, MBEDTLS_PK_ECDSA)) {
            mbedtls_pk_free(&pk);
            return HB_ERR_ARG;
        }
        mbedtls_mpi_init(&r);
        mbedtls_mpi_init(&s);
        rc = mbedtls_md(hbi_jwt_sha256(), (const unsigned char *)j->input,
                        j->input_len, h);
        if (rc == 0) rc = mbedtls_mpi_read_binary(&r, j->sig, 32);
        if (rc == 0) rc = mbedtls_mpi_read_binary(&s, j->sig + 32, 32);
        if (rc == 0) {
#  if HBI_JWT_MBEDTLS3
            mbedtls_ecp_group grp;
            mbedtls_ecp_point q;
            mbedtls_ecp_group_init(&grp);
            mbedtls_ecp_point_init(&q);
            rc = mbedtls_ecp_export(mbedtls_pk_ec(pk), &grp, NULL, &q);
            if (rc == 0 && grp.id != MBEDTLS_ECP_DP_SECP256R1) rc = -1;
            if (rc == 0) rc = mbedtls_ecdsa_verify(&grp, h, 32, &q, &r, &s);
            mbedtls_ecp_group_free(&grp);
            mbedtls_ecp_point_free(&q);
#  else
            mbedtls_ecp_keypair *ec = mbedtls_pk_ec(pk);
            rc = ec->grp.id != MBEDTLS_ECP_DP_SECP256R1 ? -1
               : mbedtls_ecdsa_verify(&ec->grp, h, 32, &ec->Q, &r, &s);
#  endif
        }
        mbedtls_mpi_free(&r);
        mbedtls_mpi_free(&s);
        mbedtls_pk_free(&pk);
        return rc == 0 ? 0 : HB_ERR_CRYPTO;
    }
#endif
    return HB_ERR_ARG;
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
#undef HBI_SIGNING_S
#undef HBI_PRIV
#undef HBI_PB
#undef HBI_PNOT
#undef HBI_P_GAP
#undef HBI_P_COLD
#undef HBI_P_PROPS
#undef HBI_GAP_ON
#undef HBI_COLD
#undef HBI_PROPS_ON
#undef HBI_PROPS_PUT
#undef HBI_GAP_BIT
#undef HBI_SIGN_ON
#undef HBI_SIGN_HDR_FIXED
#undef HBI_SIGN_USER
#undef HBI_SG
#undef HBI_SGT
#undef HBI_B64LEN
#undef HBI_MAX_DEPTH
#undef HBI_OPT_ALL
#undef HBI_OPT_FIELDS
#undef HBI_OPTIONS
#undef HBI_NOINLINE
#undef HBI_INLINE
#undef HBI_SEC_MIN
#undef HBI_SEC_MAX
#undef HBI_SEC_SHIFT
#undef HBI_FAST
#undef HBI_SSE2
#undef HBI_AVX2
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
