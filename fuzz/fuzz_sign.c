/* fuzz/fuzz_sign.c — the monitor's check of signed beats,
   hb_mon_beat_signed, on arbitrary bytes: the untrusted path of a backend
   (base64url, the exact header, typ, the claims, replay state).
   The input is a script: each step is one byte of mode, two of ms to
   advance, two of payload length and the payload, and for carrier B
   (mode bit 0) two of length and the detached JWS. Every piece is an
   exact-size heap copy, so ASan sees any read past it. The verify
   callback accepts a signature whose first byte is even (so both the
   accepted and the refused paths are reached) and checks what it is given:
   the kid is printable ASCII, the signature 32 or 64 bytes, the id lies
   in the claims. After each step: the return code is one of the
   documented ones, bad_sig and replays only grow, and the per-state
   counts add up to the devices in the table.
   Seeds: fuzz/corpus/sign, signed beats of both carriers from the
   service. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include "fuzz_input.h"

#define CAP 8

static hb_mon_slot slots[CAP];
static hb_mon_counters counters[CAP];
static hb_mon mon;
static char scratch[4096];

static int verify(void *user, const hb_mon_jws *j)
{
    size_t i;
    (void)user;
    FZ_CHECK(j->alg == HB_SIGN_ES256 || j->alg == HB_SIGN_HS256);
    FZ_CHECK(j->sig_len == (j->alg == HB_SIGN_ES256 ? 64u : 32u));
    FZ_CHECK(j->kid_len >= 1 && j->kid_len <= HB_SIGN_KID_MAX);
    for (i = 0; i < j->kid_len; i++)
        FZ_CHECK(j->kid[i] > 0x20 && j->kid[i] < 0x7F && j->kid[i] != '"');
    FZ_CHECK(j->input != NULL && j->input_len > 0);
    FZ_CHECK(j->id != NULL || j->id_len == 0);
    /* reading the state from inside is fine, re-entry is refused */
    FZ_CHECK(hb_mon_beat(&mon, "{\"device_id\":\"x\"}", 16, 0) == HB_ERR_STATE);
    return j->sig[0] & 1;
}

static char *copy(fz_in *in, size_t n)
{
    char *p = (char *)malloc(n ? n : 1);
    size_t i;
    if (p == NULL) abort();
    for (i = 0; i < n; i++) p[i] = (char)fz_u8(in);
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hb_mon_config mc;
    hb_mon_sign sg;
    hb_mon_stats a, b;
    fz_in in;
    uint32_t now = 1000;
    int steps = 0;
    memset(&mc, 0, sizeof mc);
    mc.slots = slots;
    mc.capacity = CAP;
    mc.counters = counters;
    mc.default_interval_ms = 1000;
    FZ_CHECK(hb_mon_init(&mon, &mc) == HB_OK);
    memset(&sg, 0, sizeof sg);
    sg.verify = verify;
    sg.scratch = scratch;
    sg.scratch_size = sizeof scratch;
    in.p = data;
    in.n = size;
    while (in.n > 0 && steps++ < 32) {
        uint8_t mode = fz_u8(&in);
        size_t pn, jn = 0;
        char *p, *j = NULL;
        int rc;
        now += fz_u16(&in);
        pn = fz_u16(&in) % 2048u;
        p = copy(&in, pn);
        if (mode & 1) {
            jn = fz_u16(&in) % 512u;
            j = copy(&in, jn);
        }
        if (mode & 2) hb_mon_set_wall(&mon, INT64_C(1795809202000), now);
        sg.leeway_s = (mode >> 2) & 7u;
        sg.scratch_size = (mode & 0x40) ? 64 : sizeof scratch;
        hb_mon_get_stats(&mon, &a);
        rc = hb_mon_beat_signed(&mon, p, pn, j, jn, &sg, now);
        hb_mon_get_stats(&mon, &b);
        FZ_CHECK(rc == HB_OK || rc == HB_ERR_STATE || rc == HB_ERR_CRYPTO ||
                 rc == HB_ERR_ARG || rc == HB_ERR_NOSPACE);
        FZ_CHECK(b.bad_sig >= a.bad_sig && b.replays >= a.replays);
        FZ_CHECK(rc != HB_ERR_CRYPTO || b.bad_sig == a.bad_sig + 1);
        FZ_CHECK(rc != HB_ERR_STATE || b.replays == a.replays + 1);
        FZ_CHECK(b.alive + b.suspect + b.dead + b.offline == b.devices);
        (void)hb_mon_poll(&mon, now);
        free(p);
        free(j);
    }
    return 0;
}
