/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_log_every.c - the rate-limited log line: one line per key and
 * interval, the count of those held back said on the next one, keys
 * apart from each other, and a line below the level not counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"

static char captured[8192];

/* Runs fn with stderr sent to a temporary file, and reads it back. */
static void capture(void (*fn)(void))
{
    FILE *tmp = tmpfile();
    int saved = dup(STDERR_FILENO);
    size_t n;

    assert_non_null(tmp);
    fflush(stderr);
    dup2(fileno(tmp), STDERR_FILENO);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    n = fread(captured, 1, sizeof captured - 1, tmp);
    captured[n] = '\0';
    fclose(tmp);
}

static int count_lines(const char *needle)
{
    int n = 0;

    for (const char *p = captured; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static int setup(void **state)
{
    (void)state;
    log_open("test", false, 0);
    log_set_level(LOG_LEVEL_DEBUG);
    log_every_reset();
    return 0;
}

static void hundred_failures(void)
{
    for (int i = 0; i < 100; i++)
        log_every("db", 60, LOG_LEVEL_ERROR, "Q1", "database is locked (%d)", i);
}

static void test_one_line_per_interval(void **state)
{
    (void)state;
    capture(hundred_failures);
    assert_int_equal(count_lines("database is locked"), 1);
    /* The first one goes out, with nothing held back yet. */
    assert_non_null(strstr(captured, "Q1: database is locked (0)"));
    assert_null(strstr(captured, "more like this"));
}

static void after_interval(void)
{
    log_every("busy", 1, LOG_LEVEL_ERROR, NULL, "busy %d", 1);
    log_every("busy", 1, LOG_LEVEL_ERROR, NULL, "busy %d", 2);
    log_every("busy", 1, LOG_LEVEL_ERROR, NULL, "busy %d", 3);
    sleep(2);
    log_every("busy", 1, LOG_LEVEL_ERROR, NULL, "busy %d", 4);
}

static void test_next_interval_says_how_many_were_held_back(void **state)
{
    (void)state;
    capture(after_interval);
    assert_int_equal(count_lines("busy "), 2);
    assert_non_null(strstr(captured, "busy 1\n"));
    assert_non_null(strstr(captured, "busy 4 (2 more like this since the last such line, not logged)"));
}

static void two_keys(void)
{
    for (int i = 0; i < 5; i++) {
        log_every("locked", 60, LOG_LEVEL_ERROR, NULL, "locked");
        log_every("full", 60, LOG_LEVEL_ERROR, NULL, "full");
    }
}

static void test_keys_are_apart(void **state)
{
    (void)state;
    capture(two_keys);
    assert_int_equal(count_lines("locked"), 1);
    assert_int_equal(count_lines("full"), 1);
}

static void below_level(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    assert_false(log_every("quiet", 60, LOG_LEVEL_INFO, NULL, "quiet"));
    log_set_level(LOG_LEVEL_DEBUG);
    assert_true(log_every("quiet", 60, LOG_LEVEL_INFO, NULL, "quiet"));
}

static void test_a_line_below_the_level_is_not_spent(void **state)
{
    (void)state;
    capture(below_level);
    assert_int_equal(count_lines("quiet"), 1);
}

static void many_keys(void)
{
    char key[32];

    /* More keys than slots: the extra ones share the last slot. */
    for (int i = 0; i < LOG_EVERY_KEYS + 10; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        log_every(key, 60, LOG_LEVEL_ERROR, NULL, "%s", key);
    }
}

static void test_keys_past_the_table_share_a_slot(void **state)
{
    (void)state;
    capture(many_keys);
    /* LOG_EVERY_KEYS - 1 own slots, then one line for all the others. */
    assert_int_equal(count_lines("key-"), LOG_EVERY_KEYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_one_line_per_interval, setup),
        cmocka_unit_test_setup(test_next_interval_says_how_many_were_held_back, setup),
        cmocka_unit_test_setup(test_keys_are_apart, setup),
        cmocka_unit_test_setup(test_a_line_below_the_level_is_not_spent, setup),
        cmocka_unit_test_setup(test_keys_past_the_table_share_a_slot, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
