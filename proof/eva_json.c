/* proof/eva_json.c - Eva driver: every public function of the JSON writer
   (hb_json_*), with a buffer of every size 0..PV_N or none (measuring).
   Each scenario starts from a fresh writer: one abstract value (any int64,
   any uint64, any bool, null, a string with each kind of escape; times are
   eva_time.c's), or every combination of the
   structural calls, or each call a writer refuses, or a NULL writer. */
#include "__fc_builtin.h"
#include "pv_builtins.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#ifndef PV_N
#define PV_N 80      /* the string below: 28 characters, 6 per byte in the worst case */
#endif
static char out[PV_N];
/* One state per mode (writing / measuring); the buffer sizes stay one
   interval here: every write of the scenarios below is checked against the
   size itself, which Eva's intervals follow without splitting. */
size_t pv_size;
int pv_mode;

static void pv_open(hb_json *w)
{
    size_t size = Frama_C_size_t_interval(0, PV_N);
    pv_mode = Frama_C_interval(0, 1);
    hb_json_init(w, pv_mode ? out : NULL, size);
}

static void pv_close(hb_json *w)
{
    size_t len;
    hb_json_finish(w, Frama_C_nondet(0, 1) ? &len : NULL);
}

static void pv_value(void)
{
    hb_json w;
    pv_open(&w);
    switch (Frama_C_interval(0, 4)) {
    case 0: hb_json_int(&w, Frama_C_long_long_interval(INT64_MIN, INT64_MAX)); break;
    case 1: hb_json_uint(&w, Frama_C_unsigned_long_long_interval(0, UINT64_MAX)); break;
    case 2: hb_json_bool(&w, Frama_C_int_interval(INT32_MIN, INT32_MAX)); break;
    case 3: hb_json_null(&w); break;
    default:
        /* a quote, a control byte, U+2028, an invalid byte, '<': each kind
           of escape, with the escaper's clean run before and after */
        hb_json_string(&w, "ab\"\n\xe2\x80\xa8\xff<cd", 11);
        break;
    }
    pv_close(&w);
}

/* A document with every structural call, each one skipped or not: the
   out-of-order calls (a value without a key, a key in an array, an end
   that does not match) are among the combinations. */
static void pv_structure(void)
{
    hb_json w;
    pv_open(&w);
    if (Frama_C_nondet(0, 1)) hb_json_begin_object(&w);
    if (Frama_C_nondet(0, 1)) hb_json_key(&w, "k", 1);
    if (Frama_C_nondet(0, 1)) hb_json_begin_array(&w);
    if (Frama_C_nondet(0, 1)) hb_json_null(&w);
    if (Frama_C_nondet(0, 1)) hb_json_bool(&w, 0);
    if (Frama_C_nondet(0, 1)) hb_json_end_array(&w);
    if (Frama_C_nondet(0, 1)) hb_json_end_object(&w);
    pv_close(&w);
}

/* The calls a writer refuses: a NULL string or key with a length, a time
   where no value may go (a key expected), and nesting one level deeper
   than the writer's limit */
static void pv_refused(void)
{
    hb_json w;
    hb_time t = { 0, 0, 0 };
    int i;
    pv_open(&w);
    switch (Frama_C_interval(0, 3)) {
    case 0: hb_json_string(&w, NULL, 1); break;
    case 1: hb_json_begin_object(&w); hb_json_key(&w, NULL, 1); break;
    case 2: hb_json_begin_object(&w); hb_json_time(&w, &t); break;
    default:
        /*@ loop unroll 33; */
        for (i = 0; i <= 32; i++) hb_json_begin_array(&w);   /* its limit: 32 */
        break;
    }
    pv_close(&w);
}

static void pv_null_writer(void)
{
    hb_time t = { 0, 0, 0 };
    hb_json_init(NULL, out, PV_N);
    hb_json_begin_object(NULL);
    hb_json_end_object(NULL);
    hb_json_begin_array(NULL);
    hb_json_end_array(NULL);
    hb_json_key(NULL, "k", 1);
    hb_json_string(NULL, "s", 1);
    hb_json_int(NULL, 0);
    hb_json_uint(NULL, 0);
    hb_json_bool(NULL, 0);
    hb_json_null(NULL);
    hb_json_time(NULL, &t);
    hb_json_finish(NULL, NULL);
}

int main(void)
{
    pv_value();
    pv_structure();
    pv_refused();
    pv_null_writer();
    return 0;
}
