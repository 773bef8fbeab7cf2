/* Written only against the public API as the manual at the top of
   heartbeat.h documents it: the names and meanings it states, nothing else.
   Exits 0 when the library behaves as the manual says. */
#include <stdio.h>
#include <string.h>
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

static int published;
static char last[512];
static int last_qos;

static int my_publish(void *user, const char *topic, const char *payload,
                      size_t len, int qos)
{
    (void)user; (void)topic;
    memcpy(last, payload, len);
    last[len] = '\0';
    last_qos = qos;
    published++;
    return 0;
}

static int my_clock(void *user, hb_time *now)
{
    (void)user;
    now->sec = 1795809202;
    now->nsec = 123456789;
    now->utc_offset_min = 0;
    return 0;
}

static int my_token(void *user, const char **token, size_t *len)
{
    (void)user;
    *token = "a.b.c";
    *len = 5;
    return 0;
}

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

int main(void)
{
    static char buf[256];
    hb_service hb;
    hb_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.topic = "fleet/dev-7/heartbeat";
    cfg.interval_ms = 30000;
    cfg.qos = 1;
    cfg.device_id = "dev-7";
    cfg.publish = my_publish;
    cfg.token = my_token;
    cfg.clock = my_clock;
    cfg.buf = buf;
    cfg.buf_size = sizeof buf;

    CHECK(hb_strerror(12345) != NULL);
    CHECK(HB_OK == 0 && HB_ERR_ARG < 0 && HB_ERR_STATE < 0 && HB_ERR_NOSPACE < 0 &&
          HB_ERR_PUBLISH < 0 && HB_ERR_TOKEN < 0 && HB_ERR_CLOCK < 0 && HB_ERR_CRYPTO < 0);
    CHECK(hb_init(&hb, &cfg) == HB_OK);
    CHECK(hb_poll(&hb, 0) == HB_POLL_IDLE);          /* stopped after init */
    CHECK(hb_start(&hb, 1000) == HB_OK);
    CHECK(hb_start(&hb, 1000) == HB_ERR_STATE);
    CHECK(hb_poll(&hb, 1000) == 30000);              /* first beat one interval on */
    CHECK(published == 0);
    CHECK(hb_poll(&hb, 31000) == 30000);
    CHECK(published == 1);
    CHECK(strcmp(last, "{\"device_id\":\"dev-7\",\"timestamp\":\"2026-11-27T19:53:22.123456789Z\","
                       "\"status\":\"alive\",\"jwt_token\":\"a.b.c\"}") == 0);
    CHECK(last_qos == 1);
    CHECK(hb_poll(&hb, 31000 + 30000 * 3 + 5) == 30000 - 5);  /* late: one beat */
    CHECK(published == 2);
    hb_stop(&hb, 200000);
    hb_stop(&hb, 200000);
    CHECK(hb_poll(&hb, 500000) == HB_POLL_IDLE);
    CHECK(published == 2);
    /* wrap-safe: start just before 2^32 */
    CHECK(hb_start(&hb, 0xFFFFFFFFu - 100) == HB_OK);
    CHECK(hb_poll(&hb, 29898) == 1);                 /* due at start + 30000 */
    CHECK(hb_poll(&hb, 29899) == 30000);
    CHECK(published == 3);
    hb_stop(&hb, 0);
    /* validation */
    cfg.topic = "a/+/b";
    CHECK(hb_init(&hb, &cfg) == HB_ERR_ARG);
    cfg.topic = "ok";
    cfg.qos = 3;
    CHECK(hb_init(&hb, &cfg) == HB_ERR_ARG);
    cfg.qos = 0;
    cfg.interval_ms = 0x80000000u;
    CHECK(hb_init(&hb, &cfg) == HB_ERR_ARG);
    cfg.interval_ms = 1;
    cfg.status = "";
    CHECK(hb_init(&hb, &cfg) == HB_ERR_ARG);
    cfg.status = "1";
    cfg.token = NULL;
    CHECK(hb_init(&hb, &cfg) == HB_OK);
    hb_start(&hb, 0);
    hb_poll(&hb, 1);
    CHECK(strstr(last, "\"status\":\"1\",\"jwt_token\":\"\"}") != NULL);
    printf("api_only: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
