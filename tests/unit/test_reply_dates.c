/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reply_dates.c - dates in replies: each written form, relative
 * forms counted from the reply's day, the year inferred around new year,
 * leap days, and the numbers that are no dates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/date.h"
#include "lib/util.h"
#include "replies/reply_dates.h"
#include "text/text_fold.h"

static struct date day(const char *iso)
{
    struct date d;

    if (!date_parse(iso, &d))
        fail_msg("bad test date %s", iso);
    return d;
}

/* The first date in text (UTF-8, folded as the classifier does), as
 * YYYY-MM-DD, or "" when none. */
static void first_date(const char *text, const char *today, char out[DATE_STR_MAX])
{
    char *folded = text_fold(text, strlen(text), 4096);
    struct date d = {0, 0, 0};
    size_t len;

    if (reply_date_find(folded, folded + strlen(folded), day(today), &d, &len) == NULL)
        d.year = 0;
    date_format(d, out);
    free(folded);
}

static void expect(const char *text, const char *today, const char *want)
{
    char got[DATE_STR_MAX];

    first_date(text, today, got);
    if (strcmp(got, want) != 0)
        fail_msg("\"%s\" on %s: want \"%s\", got \"%s\"", text, today, want, got);
}

/* 2026-12-07 is a Monday. */
static void test_absolute_forms(void **state)
{
    (void)state;
    expect("le 15/12/2026", "2026-12-07", "2026-12-15");
    expect("payment on 2027-02-15", "2026-12-07", "2027-02-15");
    expect("le 20 décembre 2026", "2026-12-07", "2026-12-20");
    expect("December 10, 2026", "2026-12-07", "2026-12-10");
    expect("on 12/18/2026", "2026-12-07", "2026-12-18");
}

static void test_day_and_month_without_year(void **state)
{
    (void)state;
    expect("le 15/12", "2026-12-07", "2026-12-15");
    expect("le 20 décembre", "2026-12-07", "2026-12-20");
    expect("le 1er mars", "2026-12-07", "2027-03-01");
    expect("fin du paiement le 20 déc.", "2026-12-07", "2026-12-20");
    expect("December 10", "2026-12-07", "2026-12-10");
    expect("Dec 10th", "2026-12-07", "2026-12-10");
    expect("the 10th of December", "2026-12-07", "2026-12-10");
    /* Already past this year: next year's. */
    expect("le 5 décembre", "2026-12-07", "2027-12-05");
    /* Today itself is not past. */
    expect("le 7 décembre", "2026-12-07", "2026-12-07");
}

static void test_day_alone(void **state)
{
    (void)state;
    expect("je paierai le 15.", "2026-12-07", "2026-12-15");
    expect("le 3", "2026-12-07", "2027-01-03");
    expect("on the 15th", "2026-12-07", "2026-12-15");
    expect("le 1er", "2026-12-07", "2027-01-01");
    /* 31 November does not exist: no date rather than a guess. */
    expect("le 31", "2026-11-05", "");
}

static void test_weekdays(void **state)
{
    (void)state;
    expect("vendredi", "2026-12-07", "2026-12-11");
    expect("d'ici vendredi", "2026-12-07", "2026-12-11");
    expect("by Friday", "2026-12-07", "2026-12-11");
    expect("vendredi prochain", "2026-12-07", "2026-12-18");
    expect("next Friday", "2026-12-07", "2026-12-18");
    /* Said on a Thursday: Friday of next week, not tomorrow. */
    expect("vendredi prochain", "2026-12-10", "2026-12-18");
    /* Said on a Saturday: the coming Friday, in next week. */
    expect("vendredi prochain", "2027-01-09", "2027-01-15");
    /* Said on that weekday: a week later. */
    expect("vendredi", "2026-12-11", "2026-12-18");
    /* The past: the last such day before today. */
    expect("lundi dernier", "2026-12-07", "2026-11-30");
    expect("last Friday", "2026-12-07", "2026-12-04");
    expect("vendredi dernier", "2026-12-12", "2026-12-11");
    /* A weekday with its date: the date. */
    expect("vendredi 18 décembre", "2026-12-07", "2026-12-18");
    expect("lundi 4 janvier", "2026-12-21", "2027-01-04");
}

static void test_weeks_and_months(void **state)
{
    (void)state;
    expect("la semaine prochaine", "2026-12-07", "2026-12-18");
    expect("next week", "2026-12-09", "2026-12-18");
    expect("cette semaine", "2026-12-07", "2026-12-11");
    expect("end of the week", "2026-12-12", "2026-12-12");
    expect("avant la fin du mois", "2026-12-07", "2026-12-31");
    expect("by the end of the month", "2027-02-03", "2027-02-28");
    expect("fin du mois prochain", "2026-12-07", "2027-01-31");
    expect("le mois prochain", "2026-12-07", "2027-01-31");
    expect("début du mois prochain", "2027-01-20", "2027-02-10");
    expect("fin décembre", "2026-12-07", "2026-12-31");
    expect("fin janvier", "2026-12-07", "2027-01-31");
    expect("fin d'avril", "2027-01-12", "2027-04-30");
    expect("mi-janvier", "2026-12-21", "2027-01-15");
    expect("mid-March", "2027-01-06", "2027-03-15");
    expect("début février", "2027-01-06", "2027-02-10");
    expect("early February", "2027-01-06", "2027-02-10");
    expect("en janvier", "2026-12-07", "2027-01-31");
    expect("end of December", "2026-12-07", "2026-12-31");
}

static void test_counted_days(void **state)
{
    (void)state;
    expect("aujourd'hui", "2026-12-07", "2026-12-07");
    expect("today", "2026-12-07", "2026-12-07");
    expect("demain", "2026-12-07", "2026-12-08");
    expect("tomorrow", "2026-12-31", "2027-01-01");
    expect("après-demain", "2026-12-07", "2026-12-09");
    expect("hier", "2026-12-07", "2026-12-06");
    expect("yesterday", "2027-01-01", "2026-12-31");
    expect("avant-hier", "2026-12-07", "2026-12-05");
    expect("la semaine dernière", "2026-12-07", "2026-11-30");
    expect("last month", "2026-12-07", "2026-11-07");
    expect("dans 10 jours", "2026-12-07", "2026-12-17");
    expect("sous 8 jours", "2026-12-07", "2026-12-15");
    expect("d'ici 15 jours", "2027-01-15", "2027-01-30");
    expect("d'ici deux semaines", "2026-12-07", "2026-12-21");
    expect("within two weeks", "2027-01-12", "2027-01-26");
    expect("in a month", "2027-01-31", "2027-02-28");
    expect("sous huitaine", "2026-12-07", "2026-12-15");
    expect("sous quinzaine", "2026-12-07", "2026-12-22");
}

static void test_new_year(void **state)
{
    (void)state;
    expect("le 8 janvier", "2026-12-28", "2027-01-08");
    expect("15/01", "2026-12-28", "2027-01-15");
    expect("le 30 décembre", "2026-12-28", "2026-12-30");
    expect("la semaine prochaine", "2026-12-30", "2027-01-08");
    expect("January 4", "2026-12-31", "2027-01-04");
}

static void test_leap_years(void **state)
{
    (void)state;
    expect("le 29 février", "2028-01-10", "2028-02-29");
    /* 2027 has no 29 February, and 2028's is more than a year off. */
    expect("le 29/02", "2027-01-10", "");
    /* Past in 2027: the next one, in 2028, exists. */
    expect("le 29 février", "2027-03-05", "2028-02-29");
    expect("fin février", "2028-01-10", "2028-02-29");
    expect("fin février", "2027-01-10", "2027-02-28");
}

static void test_infer_year(void **state)
{
    struct date d;

    (void)state;
    d = reply_date_infer_year(1, 8, day("2026-12-28"));
    assert_int_equal(d.year, 2027);
    d = reply_date_infer_year(12, 28, day("2026-12-28"));
    assert_int_equal(d.year, 2026);
    d = reply_date_infer_year(2, 29, day("2026-06-01"));
    assert_false(date_is_set(d));
}

/* Numbers that are amounts, times, fractions, terms or references. */
static void test_not_dates(void **state)
{
    (void)state;
    expect("une remise de 20 %", "2026-12-07", "");
    expect("le 20 % restant", "2026-12-07", "");
    expect("paiement à 30 jours", "2026-12-07", "");
    expect("payer 1/3 maintenant", "2026-12-07", "");
    expect("facture F-2026-12-15", "2026-12-07", "");
    expect("rappel à 10:30", "2026-12-07", "");
    expect("en 2026", "2026-12-07", "");
    expect("le 15h", "2026-12-07", "");
    expect("we may pay", "2026-12-07", "");
    expect("sept jours", "2026-12-07", "");
    expect("", "2026-12-07", "");
}

/* The date found, and where it starts and ends. */
static void test_find_position(void **state)
{
    const char *text = "je paierai le 15 janvier prochain, promis";
    struct date d;
    size_t len;
    const char *at = reply_date_find(text, text + strlen(text), day("2026-12-07"), &d, &len);

    (void)state;
    assert_non_null(at);
    assert_int_equal(at - text, 14);
    assert_int_equal(len, strlen("15 janvier"));
    /* A bound before the date: none. */
    assert_null(reply_date_find(text, text + 14, day("2026-12-07"), &d, &len));
    /* No day of reference: nothing is relative to it. */
    assert_int_equal(reply_date_read(text, text + 14, (struct date){0, 0, 0}, &d), 0);
    assert_true(reply_date_is_bare_weekday("vendredi", 8));
    assert_false(reply_date_is_bare_weekday("vendredi prochain", 17));
    assert_false(reply_date_is_bare_weekday("le 15", 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absolute_forms),
        cmocka_unit_test(test_day_and_month_without_year),
        cmocka_unit_test(test_day_alone),
        cmocka_unit_test(test_weekdays),
        cmocka_unit_test(test_weeks_and_months),
        cmocka_unit_test(test_counted_days),
        cmocka_unit_test(test_new_year),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_infer_year),
        cmocka_unit_test(test_not_dates),
        cmocka_unit_test(test_find_position),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
