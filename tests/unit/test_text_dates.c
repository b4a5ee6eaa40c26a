/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_text_dates.c - dates as written in invoices (text_dates.c), read
 * from UTF-8 text folded as the invoice reader folds it.
 *
 * Expected dates are written by hand from the calendar. Not covered here:
 * which label a date belongs to (test_invoice_text.c).
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
#include "text/text_dates.h"
#include "text/text_fold.h"

/* The date read at the start of utf8, as YYYY-MM-DD, or "" for none. */
static const char *read_at(const char *utf8, enum date_order order)
{
    static char out[DATE_STR_MAX];
    char *folded = text_fold(utf8, strlen(utf8), 4096);
    struct date d = {0, 0, 0};

    if (text_date_read(folded, order, &d) == 0)
        memset(&d, 0, sizeof d);
    date_format(d, out);
    free(folded);
    return out;
}

/* The first date found anywhere in utf8. */
static const char *find_in(const char *utf8, enum date_order order)
{
    static char out[DATE_STR_MAX];
    char *folded = text_fold(utf8, strlen(utf8), 4096);
    struct date d = {0, 0, 0};
    size_t len;

    if (text_date_find(folded, folded + strlen(folded), order, &d, &len) == NULL)
        memset(&d, 0, sizeof d);
    date_format(d, out);
    free(folded);
    return out;
}

static void test_numeric_day_first(void **state)
{
    (void)state;
    assert_string_equal(read_at("01/12/2026", DATE_ORDER_DMY), "2026-12-01");
    assert_string_equal(read_at("1/2/2026", DATE_ORDER_DMY), "2026-02-01");
    assert_string_equal(read_at("01-12-2026", DATE_ORDER_DMY), "2026-12-01");
    assert_string_equal(read_at("05/11/26", DATE_ORDER_DMY), "2026-11-05");
    /* Dots are day first even in an American document. */
    assert_string_equal(read_at("01.12.2026", DATE_ORDER_MDY), "2026-12-01");
    assert_string_equal(read_at("22.01.2016.", DATE_ORDER_DMY), "2016-01-22");
}

static void test_numeric_month_first(void **state)
{
    (void)state;
    assert_string_equal(read_at("12/01/2026", DATE_ORDER_MDY), "2026-12-01");
    assert_string_equal(read_at("11/16/2026", DATE_ORDER_MDY), "2026-11-16");
    /* The numbers decide when only one order is possible. */
    assert_string_equal(read_at("11/16/2026", DATE_ORDER_DMY), "2026-11-16");
    assert_string_equal(read_at("16/11/2026", DATE_ORDER_MDY), "2026-11-16");
}

static void test_iso(void **state)
{
    (void)state;
    assert_string_equal(read_at("2026-12-01", DATE_ORDER_MDY), "2026-12-01");
    assert_string_equal(read_at("2026/12/01", DATE_ORDER_DMY), "2026-12-01");
    assert_string_equal(read_at("2026-12-01T10:00:00", DATE_ORDER_DMY), "2026-12-01");
}

static void test_written_french(void **state)
{
    (void)state;
    assert_string_equal(read_at("1er décembre 2026", DATE_ORDER_DMY), "2026-12-01");
    assert_string_equal(read_at("15 décembre 2026", DATE_ORDER_DMY), "2026-12-15");
    assert_string_equal(read_at("15 déc. 2026", DATE_ORDER_DMY), "2026-12-15");
    assert_string_equal(read_at("3 février 2027", DATE_ORDER_DMY), "2027-02-03");
    assert_string_equal(read_at("14 août 2026", DATE_ORDER_DMY), "2026-08-14");
    assert_string_equal(read_at("20 oct. 2026", DATE_ORDER_DMY), "2026-10-20");
    assert_string_equal(read_at("1 mai 2026", DATE_ORDER_DMY), "2026-05-01");
}

static void test_written_english_and_german(void **state)
{
    (void)state;
    assert_string_equal(read_at("December 3, 2026", DATE_ORDER_DMY), "2026-12-03");
    assert_string_equal(read_at("Dec 3rd 2026", DATE_ORDER_DMY), "2026-12-03");
    assert_string_equal(read_at("3 November 2026", DATE_ORDER_MDY), "2026-11-03");
    assert_string_equal(read_at("3rd Nov 2026", DATE_ORDER_DMY), "2026-11-03");
    assert_string_equal(read_at("03-Nov-2026", DATE_ORDER_DMY), "2026-11-03");
    assert_string_equal(read_at("3. November 2026", DATE_ORDER_DMY), "2026-11-03");
    assert_string_equal(read_at("1. März 2026", DATE_ORDER_DMY), "2026-03-01");
    assert_string_equal(read_at("September 30, 2026", DATE_ORDER_DMY), "2026-09-30");
}

static void test_not_dates(void **state)
{
    (void)state;
    assert_string_equal(read_at("31/02/2026", DATE_ORDER_DMY), "");
    assert_string_equal(read_at("32/01/2026", DATE_ORDER_DMY), "");
    assert_string_equal(read_at("13/13/2026", DATE_ORDER_DMY), "");
    assert_string_equal(read_at("01/12/20261", DATE_ORDER_DMY), "");
    assert_string_equal(read_at("01.12.2026.5", DATE_ORDER_DMY), "");
    assert_string_equal(read_at("décembre 2026", DATE_ORDER_DMY), "");
    assert_string_equal(read_at("3 mai", DATE_ORDER_DMY), "");
    assert_string_equal(read_at("1 234,56", DATE_ORDER_DMY), "");
    /* Dates inside invoice numbers are theirs, not the document's. */
    assert_string_equal(find_in("Facture F2026-12-01", DATE_ORDER_DMY), "");
    assert_string_equal(find_in("Ref INV-01/12/2026", DATE_ORDER_DMY), "");
    assert_string_equal(find_in("RE-20170509/505", DATE_ORDER_DMY), "");
}

static void test_find(void **state)
{
    (void)state;
    assert_string_equal(find_in("Facture n° 12 du 15/11/2026, échéance 15/12/2026", DATE_ORDER_DMY),
                        "2026-11-15");
    assert_string_equal(find_in("Paris, le 1er décembre 2026", DATE_ORDER_DMY), "2026-12-01");
    assert_string_equal(find_in("Due: January 2, 2027.", DATE_ORDER_MDY), "2027-01-02");
}

static void test_order_evidence(void **state)
{
    (void)state;
    assert_int_equal(text_date_order_evidence("Date 12/01/2026 due 12/31/2026", DATE_ORDER_DMY),
                     DATE_ORDER_MDY);
    assert_int_equal(text_date_order_evidence("Date 25/11/2026 due 10/12/2026", DATE_ORDER_MDY),
                     DATE_ORDER_DMY);
    assert_int_equal(text_date_order_evidence("Date 01/02/2026", DATE_ORDER_MDY), DATE_ORDER_MDY);
    /* Contradicting evidence: the fallback. */
    assert_int_equal(text_date_order_evidence("13/01/2026 and 01/13/2026", DATE_ORDER_DMY), DATE_ORDER_DMY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numeric_day_first),
        cmocka_unit_test(test_numeric_month_first),
        cmocka_unit_test(test_iso),
        cmocka_unit_test(test_written_french),
        cmocka_unit_test(test_written_english_and_german),
        cmocka_unit_test(test_not_dates),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_order_evidence),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
