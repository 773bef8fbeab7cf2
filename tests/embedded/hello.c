/* tests/embedded/hello.c - a greatest hello-world that proves the startup,
   linker script, semihosting output, printf of 64-bit values and the exit
   status on each board, before the real unit tests are wired in.
   HELLO_FAIL=1 makes one test fail (the exit status must then be 1). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "greatest.h"

#ifndef HELLO_FAIL
#define HELLO_FAIL 0
#endif

static int data_word = 0x1234;  /* .data must be copied */
static int bss_word;            /* .bss must be zero */

TEST t_data_bss(void)
{
    ASSERT_EQ(0x1234, data_word);
    ASSERT_EQ(0, bss_word);
    PASS();
}

TEST t_llu(void)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%llu %lld", (unsigned long long)UINT64_MAX,
             (long long)INT64_MIN);
    ASSERT_STR_EQ("18446744073709551615 -9223372036854775808", buf);
    PASS();
}

TEST t_heap(void)
{
    char *p = malloc(100000);
    ASSERT(p != NULL);
    memset(p, 0xa5, 100000);
    free(p);
    PASS();
}

TEST t_fail(void)
{
    ASSERT_EQ(HELLO_FAIL, 0);
    PASS();
}

SUITE(hello)
{
    RUN_TEST(t_data_bss);
    RUN_TEST(t_llu);
    RUN_TEST(t_heap);
    RUN_TEST(t_fail);
}

GREATEST_MAIN_DEFS();

int main(int argc, char **argv)
{
    GREATEST_MAIN_BEGIN();
    RUN_SUITE(hello);
    GREATEST_MAIN_END();
}
