/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_date.c - civil date arithmetic against facts checked by hand
 * (weekdays, leap years, month lengths) and a day-by-day walk.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lib/date.h"

static struct date D(int y, int m, int d)
{
    return (struct date){y, m, d};
}

static void assert_date(struct date got, int y, int m, int d)
{
    assert_int_equal(got.year, y);
    assert_int_equal(got.month, m);
    assert_int_equal(got.day, d);
}

static void test_epoch_and_known_weekdays(void **state)
{
    (void)state;
    assert_int_equal(date_to_days(D(1970, 1, 1)), 0);
    assert_int_equal(date_to_days(D(2000, 3, 1)), 11017);
    assert_int_equal(date_weekday(D(1970, 1, 1)), 3);  /* Thursday */
    assert_int_equal(date_weekday(D(2026, 11, 23)), 0); /* Monday */
    assert_int_equal(date_weekday(D(2026, 12, 25)), 4); /* Friday */
    assert_int_equal(date_weekday(D(2028, 2, 29)), 1);  /* Tuesday */
    assert_int_equal(date_weekday(D(1969, 12, 31)), 2); /* Wednesday */
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_true(date_is_leap_year(2024));
    assert_true(date_is_leap_year(2000));
    assert_false(date_is_leap_year(1900));
    assert_false(date_is_leap_year(2026));
    assert_int_equal(date_days_in_month(2028, 2), 29);
    assert_int_equal(date_days_in_month(2027, 2), 28);
    assert_false(date_valid(2027, 2, 29));
    assert_true(date_valid(2028, 2, 29));
    assert_false(date_valid(2026, 13, 1));
    assert_false(date_valid(2026, 4, 31));
}

/* Walking one day at a time from 1899 to 2101 agrees with the day count. */
static void test_day_walk(void **state)
{
    struct date d = D(1899, 12, 31);
    int64_t n = date_to_days(d);

    (void)state;
    while (d.year < 2101) {
        d.day++;
        if (d.day > date_days_in_month(d.year, d.month)) {
            d.day = 1;
            if (++d.month > 12) {
                d.month = 1;
                d.year++;
            }
        }
        n++;
        assert_int_equal(date_to_days(d), n);
        assert_int_equal(date_compare(date_from_days(n), d), 0);
    }
}

static void test_add_and_diff(void **state)
{
    (void)state;
    assert_date(date_add_days(D(2026, 12, 31), 1), 2027, 1, 1);
    assert_date(date_add_days(D(2028, 2, 28), 1), 2028, 2, 29);
    assert_int_equal(date_diff_days(D(2026, 1, 1), D(2027, 1, 1)), 365);
    assert_int_equal(date_diff_days(D(2028, 1, 1), D(2029, 1, 1)), 366);
    assert_date(date_add_months(D(2026, 1, 31), 1), 2026, 2, 28);
    assert_date(date_add_months(D(2026, 11, 15), 3), 2027, 2, 15);
    assert_date(date_end_of_month(D(2028, 2, 3)), 2028, 2, 29);
    assert_true(date_compare(D(2026, 1, 2), D(2026, 1, 10)) < 0);
    assert_int_equal(date_compare(D(2026, 1, 2), D(2026, 1, 2)), 0);
}

static void test_parse_and_format(void **state)
{
    struct date d;
    char text[DATE_STR_MAX];

    (void)state;
    assert_true(date_parse("2026-12-01", &d));
    assert_date(d, 2026, 12, 1);
    assert_true(date_parse("20181120", &d));
    assert_date(d, 2018, 11, 20);
    assert_true(date_parse(" 2014-05-19T00:00:00", &d));
    assert_date(d, 2014, 5, 19);
    assert_false(date_parse("2026-02-30", &d));
    assert_false(date_parse("2026-1-5", &d));
    assert_false(date_parse("01/12/2026", &d));
    assert_false(date_parse("202612011", &d));
    assert_false(date_parse("", &d));
    date_format(D(2026, 3, 9), text);
    assert_string_equal(text, "2026-03-09");
    date_format(D(0, 0, 0), text);
    assert_string_equal(text, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epoch_and_known_weekdays),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_day_walk),
        cmocka_unit_test(test_add_and_diff),
        cmocka_unit_test(test_parse_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
