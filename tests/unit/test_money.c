/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_money.c - amounts for people, rates, and late payment penalties.
 *
 * Penalties are checked two ways: against figures worked out by hand
 * (shown in the comments), and against an independent computation that
 * walks the delay day by day, reduces each day's owed amount from the
 * invoice's original amount and the payments made before that day, and
 * adds exact fractions (reduced by their gcd) before one rounding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/money.h"
#include "lib/util.h"

#define NNBSP "\xe2\x80\xaf"
#define NBSP "\xc2\xa0"
#define EURO "\xe2\x82\xac"

static struct date d(const char *text)
{
    struct date out = {0, 0, 0};
    assert_true(date_parse(text, &out));
    return out;
}

static void test_format_french(void **state)
{
    char out[MONEY_TEXT_MAX];

    (void)state;
    money_format_text(123456, "EUR", LANG_FR, out);
    assert_string_equal(out, "1" NNBSP "234,56" NBSP EURO);
    money_format_text(0, "EUR", LANG_FR, out);
    assert_string_equal(out, "0,00" NBSP EURO);
    money_format_text(4000, "EUR", LANG_FR, out);
    assert_string_equal(out, "40,00" NBSP EURO);
    money_format_text(100000000, "EUR", LANG_FR, out);
    assert_string_equal(out, "1" NNBSP "000" NNBSP "000,00" NBSP EURO);
    money_format_text(-5, "EUR", LANG_FR, out);
    assert_string_equal(out, "-0,05" NBSP EURO);
    money_format_text(99999, "CHF", LANG_FR, out);
    assert_string_equal(out, "999,99" NBSP "CHF");
}

static void test_format_english(void **state)
{
    char out[MONEY_TEXT_MAX];

    (void)state;
    money_format_text(123456, "EUR", LANG_EN, out);
    assert_string_equal(out, EURO "1,234.56");
    money_format_text(100000000, "GBP", LANG_EN, out);
    assert_string_equal(out, "\xc2\xa3" "1,000,000.00");
    money_format_text(-123456, "USD", LANG_EN, out);
    assert_string_equal(out, "-$1,234.56");
    money_format_text(705, "CHF", LANG_EN, out);
    assert_string_equal(out, "CHF 7.05");
    money_format_text(MONEY_MAX_CENTS, "EUR", LANG_FR, out);
    assert_string_equal(out, "10" NNBSP "000" NNBSP "000" NNBSP "000" NNBSP "000,00" NBSP EURO);
}

static void test_rates(void **state)
{
    int64_t rate;
    char out[MONEY_TEXT_MAX];

    (void)state;
    assert_true(rate_parse_percent("12.15", &rate));
    assert_int_equal(rate, 121500);
    assert_true(rate_parse_percent("10", &rate));
    assert_int_equal(rate, 100000);
    assert_true(rate_parse_percent("7.8625", &rate));
    assert_int_equal(rate, 78625);
    assert_true(rate_parse_percent("0.5", &rate));
    assert_int_equal(rate, 5000);
    assert_false(rate_parse_percent("7.86251", &rate));
    assert_false(rate_parse_percent("-1", &rate));
    assert_false(rate_parse_percent("12,15", &rate));
    assert_false(rate_parse_percent("", &rate));
    assert_false(rate_parse_percent("1001", &rate));
    rate_format_text(121500, LANG_FR, out);
    assert_string_equal(out, "12,15" NBSP "%");
    rate_format_text(121500, LANG_EN, out);
    assert_string_equal(out, "12.15%");
    rate_format_text(100000, LANG_FR, out);
    assert_string_equal(out, "10" NBSP "%");
    rate_format_text(78625, LANG_EN, out);
    assert_string_equal(out, "7.8625%");
    rate_format_decimal(5000, out);
    assert_string_equal(out, "0.5");
}

/* ---- the independent computation ---- */

struct fraction {
    __int128 num, den;
};

static __int128 gcd(__int128 a, __int128 b)
{
    while (b != 0) {
        __int128 t = a % b;
        a = b;
        b = t;
    }
    return a < 0 ? -a : a;
}

static void add_fraction(struct fraction *sum, __int128 num, __int128 den)
{
    __int128 g;

    sum->num = sum->num * den + num * sum->den;
    sum->den = sum->den * den;
    g = gcd(sum->num, sum->den);
    if (g > 1) {
        sum->num /= g;
        sum->den /= g;
    }
}

/* Day by day: on each day after the due date up to `until`, what was owed
 * is the original amount less the payments made before that day; that
 * day costs owed x rate / (100 x 10^4 x 365) cents, added exactly. */
static int64_t penalties_day_by_day(int64_t original, struct date due, struct date until,
                                    const struct money_payment *payments, size_t count, int64_t rate)
{
    struct fraction sum = {0, 1};

    for (struct date day = date_add_days(due, 1); date_compare(day, until) <= 0; day = date_add_days(day, 1)) {
        int64_t owed = original;
        for (size_t i = 0; i < count; i++)
            if (date_compare(payments[i].paid_on, day) < 0)
                owed -= payments[i].amount;
        if (owed > 0)
            add_fraction(&sum, (__int128)owed * rate, (__int128)100 * 10000 * 365);
    }
    /* Round half up: floor(num / den + 1/2). */
    return (int64_t)((2 * sum.num + sum.den) / (2 * sum.den));
}

static int64_t paid_total(const struct money_payment *payments, size_t count)
{
    int64_t total = 0;
    for (size_t i = 0; i < count; i++)
        total += payments[i].amount;
    return total;
}

static void check_both_ways(int64_t original, const char *due, const char *until,
                            const struct money_payment *payments, size_t count, int64_t rate)
{
    int64_t balance = original - paid_total(payments, count);
    int64_t got = money_late_penalties(balance, d(due), d(until), payments, count, rate);
    int64_t want = penalties_day_by_day(original, d(due), d(until), payments, count, rate);

    if (got != want)
        fail_msg("%lld cents due %s until %s at %lld: got %lld, day by day %lld", (long long)original, due,
                 until, (long long)rate, (long long)got, (long long)want);
}

static void test_penalties_by_hand(void **state)
{
    struct money_payment partial[] = {{{2026, 2, 10}, 40000}};

    (void)state;
    /* 1000.00 at 12.15 % for 17 days (31 Jan .. 16 Feb):
     * 100000 x 0.1215 x 17 / 365 = 565.89 -> 566 cents. */
    assert_int_equal(money_late_penalties(100000, d("2026-01-30"), d("2026-02-16"), NULL, 0, 121500), 566);
    /* Leap year: 10000.00 at 10 % on 29 Feb and 1 Mar 2028:
     * 1000000 x 0.10 x 2 / 365 = 547.945 -> 548 cents. */
    assert_int_equal(money_late_penalties(1000000, d("2028-02-28"), d("2028-03-01"), NULL, 0, 100000), 548);
    /* 1000.00 due 31 Jan, 400.00 paid 10 Feb, until 2 Mar, 12.15 %:
     * 10 days on 1000.00 and 20 days on 600.00 = 2 200 000 cent-days;
     * x 0.1215 / 365 = 732.33 -> 732 cents. */
    assert_int_equal(money_late_penalties(60000, d("2026-01-31"), d("2026-03-02"), partial, 1, 121500), 732);
    /* Nothing before or on the due date; nothing at a zero rate. */
    assert_int_equal(money_late_penalties(100000, d("2026-01-30"), d("2026-01-30"), NULL, 0, 121500), 0);
    assert_int_equal(money_late_penalties(100000, d("2026-01-30"), d("2026-01-10"), NULL, 0, 121500), 0);
    assert_int_equal(money_late_penalties(100000, d("2026-01-30"), d("2026-03-30"), NULL, 0, 0), 0);
    /* One day on 0.01 at 12.15 % is far below half a cent. */
    assert_int_equal(money_late_penalties(1, d("2026-01-30"), d("2026-01-31"), NULL, 0, 121500), 0);
}

static void test_penalties_day_by_day(void **state)
{
    static const int64_t rates[] = {121500, 78600, 100000, 112500, 401234};
    struct money_payment payments[] = {
        {{2026, 2, 3}, 12345},  /* after the due date */
        {{2026, 1, 20}, 5000},  /* before the due date: never counted late */
        {{2026, 3, 31}, 33333}, /* on the last day of a period below */
    };

    (void)state;
    for (size_t r = 0; r < ARRAY_LEN(rates); r++) {
        check_both_ways(100000, "2026-01-30", "2026-02-16", NULL, 0, rates[r]);
        check_both_ways(123456789, "2026-01-31", "2026-12-31", NULL, 0, rates[r]);
        check_both_ways(99, "2026-01-31", "2026-04-30", NULL, 0, rates[r]);
        check_both_ways(500000, "2026-01-31", "2026-03-31", payments, 3, rates[r]);
        check_both_ways(500000, "2026-01-31", "2026-06-30", payments, 3, rates[r]);
        check_both_ways(500000, "2026-01-31", "2026-02-02", payments, 3, rates[r]);
        /* Across the leap day of 2028 and a year end. */
        check_both_ways(777777, "2028-02-15", "2028-03-15", NULL, 0, rates[r]);
        check_both_ways(250000, "2027-12-01", "2028-12-31", NULL, 0, rates[r]);
    }
}

static void test_penalties_large(void **state)
{
    (void)state;
    /* The largest amount over ten years (3652 days) stays exact:
     * 10^15 x 121500 x 3652 / 365 000 000 = 1 215 665 753 424 657.5 exactly,
     * which rounds half up to ...658. */
    int64_t got = money_late_penalties(MONEY_MAX_CENTS, d("2026-01-01"), d("2036-01-01"), NULL, 0, 121500);
    assert_int_equal(date_diff_days(d("2026-01-01"), d("2036-01-01")), 3652);
    assert_true(got == 1215665753424658LL);
}

/* ---- rates by half-year (L441-10 II) ---- */

/* The rate of a day, found independently of rate_schedule_at: the last
 * period begun on or before it, else the first. */
static int64_t rate_of_day(const struct rate_schedule *s, struct date day)
{
    int64_t rate = s->items[0].rate;

    for (size_t i = 0; i < s->count; i++)
        if (!date_is_set(s->items[i].from) || date_compare(s->items[i].from, day) <= 0)
            rate = s->items[i].rate;
    return rate;
}

static int64_t dated_day_by_day(int64_t original, struct date due, struct date until,
                                const struct money_payment *payments, size_t count,
                                const struct rate_schedule *rates)
{
    struct fraction sum = {0, 1};

    for (struct date day = date_add_days(due, 1); date_compare(day, until) <= 0; day = date_add_days(day, 1)) {
        int64_t owed = original;
        for (size_t i = 0; i < count; i++)
            if (date_compare(payments[i].paid_on, day) < 0)
                owed -= payments[i].amount;
        if (owed > 0)
            add_fraction(&sum, (__int128)owed * rate_of_day(rates, day), (__int128)100 * 10000 * 365);
    }
    return (int64_t)((2 * sum.num + sum.den) / (2 * sum.den));
}

static struct rate_schedule half_years(void)
{
    /* ECB + 10 points: 12.15 % from July 2026, 12.65 % from January 2027,
     * 12.40 % from July 2027. */
    struct rate_schedule s = {3, {{{2026, 7, 1}, 121500}, {{2027, 1, 1}, 126500}, {{2027, 7, 1}, 124000}}};
    return s;
}

static void test_penalties_across_half_years(void **state)
{
    struct rate_schedule s = half_years();

    (void)state;
    /* 10 000.00 due 2026-12-01, priced on 2027-01-31: days of delay are
     * 2 Dec .. 31 Dec 2026 (30 days, second half of 2026: 2.15 + 10 =
     * 12.15 %) and 1 Jan .. 31 Jan 2027 (31 days, first half of 2027:
     * 2.65 + 10 = 12.65 %). In cents and rate units (12.15 % = 121500):
     *   1 000 000 x 30 x 121500 = 3 645 000 000 000
     *   1 000 000 x 31 x 126500 = 3 921 500 000 000
     *   sum 7 566 500 000 000 / (365 x 10^6) = 20 730.137 cents,
     * that is 99.863 + 107.438 = 207.301 EUR, rounded once: 207.30 EUR.
     * (Rounding each piece first would give 99.86 + 107.44 = 207.30 too;
     * the sum is what is rounded.) */
    assert_int_equal(money_late_penalties_dated(1000000, d("2026-12-01"), d("2027-01-31"), NULL, 0, &s), 20730);
    /* Within one half-year the result is the single rate's. */
    assert_int_equal(money_late_penalties_dated(100000, d("2026-09-30"), d("2026-10-17"), NULL, 0, &s),
                     money_late_penalties(100000, d("2026-09-30"), d("2026-10-17"), NULL, 0, 121500));
    /* The eve of a half-year is priced at the old rate, its first day at
     * the new: 1 000.00, due 2026-12-30, until 2027-01-01: 31 Dec at
     * 12.15 % and 1 Jan at 12.65 %: 100000 x (121500 + 126500) / 365e6
     * = 24 800 000 000 / 365 000 000 = 67.95 -> 68 cents. */
    assert_int_equal(money_late_penalties_dated(100000, d("2026-12-30"), d("2027-01-01"), NULL, 0, &s), 68);
    /* Days before the first period take the first period's rate. */
    assert_int_equal(money_late_penalties_dated(100000, d("2026-05-31"), d("2026-06-30"), NULL, 0, &s),
                     money_late_penalties(100000, d("2026-05-31"), d("2026-06-30"), NULL, 0, 121500));
    assert_int_equal(rate_schedule_at(&s, d("2026-06-30")), 121500);
    assert_int_equal(rate_schedule_at(&s, d("2027-06-30")), 126500);
    assert_int_equal(rate_schedule_at(&s, d("2027-07-01")), 124000);
    assert_int_equal(rate_schedule_at(&s, d("2040-01-01")), 124000);
}

static void test_penalties_dated_day_by_day(void **state)
{
    struct rate_schedule s = half_years();
    struct money_payment payments[] = {
        {{2026, 12, 31}, 12345}, /* the eve of a half-year */
        {{2027, 1, 1}, 5000},    /* its first day */
        {{2027, 8, 15}, 33333},
    };
    static const char *const spans[][2] = {
        {"2026-11-30", "2027-01-31"}, {"2026-06-01", "2027-12-31"}, {"2026-12-31", "2027-01-01"},
        {"2027-06-29", "2027-07-02"}, {"2026-12-01", "2026-12-31"}, {"2025-12-31", "2028-03-01"},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(spans); i++) {
        for (size_t n = 0; n <= ARRAY_LEN(payments); n += ARRAY_LEN(payments)) {
            int64_t original = 987654;
            int64_t balance = original - (n ? paid_total(payments, n) : 0);
            int64_t got = money_late_penalties_dated(balance, d(spans[i][0]), d(spans[i][1]), payments, n, &s);
            int64_t want = dated_day_by_day(original, d(spans[i][0]), d(spans[i][1]), payments, n, &s);
            if (got != want)
                fail_msg("%s .. %s with %zu payments: got %lld, day by day %lld", spans[i][0], spans[i][1], n,
                         (long long)got, (long long)want);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_french),
        cmocka_unit_test(test_format_english),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_penalties_by_hand),
        cmocka_unit_test(test_penalties_day_by_day),
        cmocka_unit_test(test_penalties_large),
        cmocka_unit_test(test_penalties_across_half_years),
        cmocka_unit_test(test_penalties_dated_day_by_day),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
