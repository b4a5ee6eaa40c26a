/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_calendar.c - business days, French public holidays, the sending
 * window and the time zone.
 *
 * The holidays of 2026-2030 are a table written by hand from published
 * French calendars (Easter: 5 Apr 2026, 28 Mar 2027, 16 Apr 2028,
 * 1 Apr 2029, 21 Apr 2030); every day of those years is checked against
 * it, so that a missing or an extra holiday fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/calendar.h"
#include "lib/util.h"

static const char *const french_holidays[] = {
    /* 2026 */
    "2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
    "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25",
    /* 2027 */
    "2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17",
    "2027-07-14", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25",
    /* 2028 */
    "2028-01-01", "2028-04-17", "2028-05-01", "2028-05-08", "2028-05-25", "2028-06-05",
    "2028-07-14", "2028-08-15", "2028-11-01", "2028-11-11", "2028-12-25",
    /* 2029 */
    "2029-01-01", "2029-04-02", "2029-05-01", "2029-05-08", "2029-05-10", "2029-05-21",
    "2029-07-14", "2029-08-15", "2029-11-01", "2029-11-11", "2029-12-25",
    /* 2030 */
    "2030-01-01", "2030-04-22", "2030-05-01", "2030-05-08", "2030-05-30", "2030-06-10",
    "2030-07-14", "2030-08-15", "2030-11-01", "2030-11-11", "2030-12-25",
};

static struct date d(const char *text)
{
    struct date out = {0, 0, 0};
    assert_true(date_parse(text, &out));
    return out;
}

static bool in_table(struct date day)
{
    char text[DATE_STR_MAX];

    date_format(day, text);
    for (size_t i = 0; i < ARRAY_LEN(french_holidays); i++)
        if (strcmp(text, french_holidays[i]) == 0)
            return true;
    return false;
}

static void test_easter(void **state)
{
    (void)state;
    assert_int_equal(date_compare(calendar_easter(2026), d("2026-04-05")), 0);
    assert_int_equal(date_compare(calendar_easter(2027), d("2027-03-28")), 0);
    assert_int_equal(date_compare(calendar_easter(2028), d("2028-04-16")), 0);
    assert_int_equal(date_compare(calendar_easter(2029), d("2029-04-01")), 0);
    assert_int_equal(date_compare(calendar_easter(2030), d("2030-04-21")), 0);
    /* Extremes of the Gregorian range of Easter dates. */
    assert_int_equal(date_compare(calendar_easter(2285), d("2285-03-22")), 0);
    assert_int_equal(date_compare(calendar_easter(2038), d("2038-04-25")), 0);
}

static void test_french_holidays_2026_2030(void **state)
{
    int found = 0;

    (void)state;
    for (struct date day = d("2026-01-01"); day.year <= 2030; day = date_add_days(day, 1)) {
        bool expected = in_table(day);
        if (calendar_is_french_holiday(day) != expected) {
            char text[DATE_STR_MAX];
            date_format(day, text);
            fail_msg("%s: expected %s", text, expected ? "a holiday" : "no holiday");
        }
        found += expected;
    }
    assert_int_equal(found, (int)ARRAY_LEN(french_holidays));
}

static struct calendar weekdays_calendar(const struct date_list *extra)
{
    struct calendar cal = {true, extra, CALENDAR_MONDAY_TO_FRIDAY, 9 * 60, 18 * 60};
    return cal;
}

static void test_business_days(void **state)
{
    struct date extra_days[] = {{2026, 12, 26}};
    struct date_list extra = {extra_days, 1};
    struct calendar cal = weekdays_calendar(&extra);

    (void)state;
    assert_true(calendar_is_business_day(&cal, d("2026-03-02")));  /* Monday */
    assert_false(calendar_is_business_day(&cal, d("2026-02-28"))); /* Saturday */
    assert_false(calendar_is_business_day(&cal, d("2026-03-01"))); /* Sunday */
    assert_false(calendar_is_business_day(&cal, d("2026-04-06"))); /* Easter Monday */
    assert_false(calendar_is_business_day(&cal, d("2026-05-14"))); /* Ascension */
    assert_false(calendar_is_business_day(&cal, d("2026-05-25"))); /* Whit Monday */
    assert_false(calendar_is_holiday(&cal, d("2026-12-24")));
    assert_true(calendar_is_holiday(&cal, d("2026-12-26")));       /* extra date */
    /* Easter weekend, then Easter Monday: next is Tuesday 7 April. */
    assert_int_equal(date_compare(calendar_next_business_day(&cal, d("2026-04-04")), d("2026-04-07")), 0);
    assert_int_equal(date_compare(calendar_next_business_day(&cal, d("2026-03-02")), d("2026-03-02")), 0);
    /* Without French holidays Easter Monday is a working day. */
    cal.french_holidays = false;
    assert_true(calendar_is_business_day(&cal, d("2026-04-06")));
    /* Saturdays only. */
    cal.weekdays = 1u << 5;
    assert_true(calendar_is_business_day(&cal, d("2026-02-28")));
    assert_false(calendar_is_business_day(&cal, d("2026-03-02")));
}

static void test_window(void **state)
{
    struct calendar cal = weekdays_calendar(NULL);
    struct local_moment m = {{2026, 3, 2}, 9 * 60};

    (void)state;
    assert_true(calendar_may_send(&cal, m));
    m.minute = 9 * 60 - 1;
    assert_false(calendar_may_send(&cal, m));
    m.minute = 17 * 60 + 59;
    assert_true(calendar_may_send(&cal, m));
    m.minute = 18 * 60; /* the end is exclusive */
    assert_false(calendar_may_send(&cal, m));
    m.date = d("2026-03-01");
    m.minute = 10 * 60;
    assert_false(calendar_may_send(&cal, m)); /* Sunday */
}

static void test_parse_moment(void **state)
{
    struct local_moment m;

    (void)state;
    assert_true(calendar_parse_moment("2026-03-02", 540, &m));
    assert_int_equal(date_compare(m.date, d("2026-03-02")), 0);
    assert_int_equal(m.minute, 540);
    assert_true(calendar_parse_moment("2026-03-02T14:35", 540, &m));
    assert_int_equal(m.minute, 14 * 60 + 35);
    assert_true(calendar_parse_moment("2026-03-02 08:05", 540, &m));
    assert_int_equal(m.minute, 8 * 60 + 5);
    assert_false(calendar_parse_moment("2026-03-02T24:00", 540, &m));
    assert_false(calendar_parse_moment("2026-03-02T9:00", 540, &m));
    assert_false(calendar_parse_moment("20260302", 540, &m));
    assert_false(calendar_parse_moment("2026-02-30", 540, &m));
    assert_false(calendar_parse_moment("2026-03-02T10:00Z", 540, &m));
}

static time_t utc(int y, int mo, int da, int h, int mi)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = da;
    tm.tm_hour = h;
    tm.tm_min = mi;
    return timegm(&tm);
}

static void test_timezone(void **state)
{
    struct local_moment m;

    (void)state;
    assert_true(calendar_timezone_known("Europe/Paris"));
    assert_true(calendar_timezone_known("UTC"));
    assert_false(calendar_timezone_known("Europe/Atlantis"));
    assert_false(calendar_timezone_known("../etc/passwd"));
    assert_false(calendar_timezone_known("/etc/localtime"));
    assert_false(calendar_timezone_known(""));
    calendar_use_timezone("Europe/Paris");
    m = calendar_local(utc(2026, 1, 15, 12, 0)); /* CET, UTC+1 */
    assert_int_equal(date_compare(m.date, d("2026-01-15")), 0);
    assert_int_equal(m.minute, 13 * 60);
    m = calendar_local(utc(2026, 7, 15, 12, 0)); /* CEST, UTC+2 */
    assert_int_equal(m.minute, 14 * 60);
    m = calendar_local(utc(2026, 3, 2, 23, 30)); /* already the next day in Paris */
    assert_int_equal(date_compare(m.date, d("2026-03-03")), 0);
    assert_int_equal(m.minute, 30);
    m.date = d("2026-07-15");
    m.minute = 14 * 60;
    assert_true(calendar_instant(m) == utc(2026, 7, 15, 12, 0));
    calendar_use_timezone("America/New_York");
    m = calendar_local(utc(2026, 1, 15, 12, 0)); /* EST, UTC-5 */
    assert_int_equal(m.minute, 7 * 60);
    calendar_use_timezone("Europe/Paris");
}

static void test_long_dates(void **state)
{
    char text[64];

    (void)state;
    calendar_format_long(d("2026-03-02"), LANG_FR, text, sizeof text);
    assert_string_equal(text, "2 mars 2026");
    calendar_format_long(d("2026-05-01"), LANG_FR, text, sizeof text);
    assert_string_equal(text, "1er mai 2026");
    calendar_format_long(d("2026-08-15"), LANG_FR, text, sizeof text);
    assert_string_equal(text, "15 août 2026");
    calendar_format_long(d("2026-02-16"), LANG_EN, text, sizeof text);
    assert_string_equal(text, "16 February 2026");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_easter),
        cmocka_unit_test(test_french_holidays_2026_2030),
        cmocka_unit_test(test_business_days),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_parse_moment),
        cmocka_unit_test(test_timezone),
        cmocka_unit_test(test_long_dates),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
