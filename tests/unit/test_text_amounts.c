/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_text_amounts.c - amounts and currencies as written in invoices
 * (text_amounts.c), read from UTF-8 folded as the invoice reader folds it,
 * with every kind of space French typography uses.
 *
 * Expected cents are written by hand. Not covered here: which label an
 * amount belongs to, and which amount is due (test_invoice_text.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "text/text_amounts.h"
#include "text/text_fold.h"

#define NBSP "\xc2\xa0"       /* U+00A0 */
#define NNBSP "\xe2\x80\xaf"  /* U+202F */
#define THINSP "\xe2\x80\x89" /* U+2009 */
#define EURO "\xe2\x82\xac"

struct read {
    bool ok;
    int64_t cents;
    char currency[4];
};

static struct read amount_at(const char *utf8)
{
    char *folded = text_fold(utf8, strlen(utf8), 4096);
    struct text_amount a;
    struct read r = {false, 0, ""};

    if (text_amount_read(folded, &a) > 0) {
        r.ok = true;
        r.cents = a.cents;
        memcpy(r.currency, a.currency, sizeof r.currency);
    }
    free(folded);
    return r;
}

static struct read amount_in(const char *utf8)
{
    char *folded = text_fold(utf8, strlen(utf8), 4096);
    struct text_amount a;
    struct read r = {false, 0, ""};
    size_t len;

    if (text_amount_find(folded, folded + strlen(folded), &a, &len) != NULL) {
        r.ok = true;
        r.cents = a.cents;
        memcpy(r.currency, a.currency, sizeof r.currency);
    }
    free(folded);
    return r;
}

static void expect(struct read r, int64_t cents, const char *currency)
{
    assert_true(r.ok);
    assert_int_equal(r.cents, cents);
    assert_string_equal(r.currency, currency);
}

static void test_french(void **state)
{
    (void)state;
    expect(amount_at("1 234,56 " EURO), 123456, "EUR");
    expect(amount_at("1" NBSP "234,56" NBSP EURO), 123456, "EUR");
    expect(amount_at("12" NNBSP "345,67" NBSP EURO), 1234567, "EUR");
    expect(amount_at("1" THINSP "234,56 EUR"), 123456, "EUR");
    expect(amount_at("1.234,56 " EURO), 123456, "EUR");
    expect(amount_at("1 234 567,89 euros"), 123456789, "EUR");
    expect(amount_at("850,00" EURO), 85000, "EUR");
    expect(amount_at("3 600 " EURO), 360000, "EUR");
    expect(amount_at("12,5"), 1250, "");
    expect(amount_at("-1 500,00 " EURO), -150000, "EUR");
}

static void test_english_and_swiss(void **state)
{
    (void)state;
    expect(amount_at("1,234.56"), 123456, "");
    expect(amount_at("1234.56"), 123456, "");
    expect(amount_at("$4,250.00"), 425000, "USD");
    expect(amount_at("US$ 99"), 9900, "USD");
    expect(amount_at(EURO "1,234.56"), 123456, "EUR");
    expect(amount_at("\xc2\xa3"
                     "1,820.50"),
           182050, "GBP");
    expect(amount_at("CHF 1'234.50"), 123450, "CHF");
    expect(amount_at("12,400.00 EUR"), 1240000, "EUR");
    expect(amount_at("1,234"), 123400, "");
    expect(amount_at("-$750.00"), -75000, "USD");
    expect(amount_at("1 000 000.00 USD"), 100000000, "USD");
}

static void test_not_amounts(void **state)
{
    (void)state;
    assert_false(amount_in("Facture F2026-0042").ok);
    assert_false(amount_in("RE-20170509/505").ok);
    assert_false(amount_in("TVA 20 %").ok);
    assert_false(amount_in("TVA 5,5%").ok);
    assert_false(amount_in("le 01/12/2026").ok);
    assert_false(amount_in("01.12.2026").ok);
    assert_false(amount_in("100kg").ok);
    assert_false(amount_in("EURL Dupont").ok);
    assert_false(amount_at("0,025").ok);
    /* Too many digits for any invoice: refused, not overflowed. */
    assert_false(amount_at("12345678901234567890,00").ok);
}

static void test_find_skips_dates_and_rates(void **state)
{
    (void)state;
    expect(amount_in("Net a payer avant le 31/12/2026 : 1 200,00 " EURO), 120000, "EUR");
    expect(amount_in("TVA 20 % : 205,76 " EURO), 20576, "EUR");
    /* Glued to a word, digits are part of it... */
    assert_false(amount_in("Brutto104,00 " EURO).ok);
    /* ...unless the search starts right there, after a label ("Brutto"). */
    expect(amount_in("104,00 " EURO), 10400, "EUR");
}

static void test_counts_and_codes_are_not_amounts(void **state)
{
    (void)state;
    /* Terms, durations and counts written without a currency. */
    assert_false(amount_in("payable " "\xc3\xa0" " 30 jours").ok);
    assert_false(amount_in("payment within 30 days").ok);
    assert_false(amount_in("30 heures").ok);
    assert_false(amount_in("12 hours").ok);
    assert_false(amount_in("8 participants").ok);
    assert_false(amount_in("3 x").ok);
    assert_false(amount_in("Terms: net 45").ok);
    assert_false(amount_in("Net 30").ok);
    /* With a currency it is money, whatever follows. */
    expect(amount_in("50 " EURO " x 3"), 5000, "EUR");
    /* "net" before an amount with a currency, or with cents, or past a
     * year of days, is no term. */
    expect(amount_in("net 1 250,00 " EURO), 125000, "EUR");
    expect(amount_in("Montant net 1 250,00"), 125000, "");
    expect(amount_in("net 1 250"), 125000, "");
    /* The next number after a count is still found. */
    expect(amount_in("30 jours : 1 250,00 " EURO), 125000, "EUR");
    /* Phone numbers and codes start with a zero; money never does. */
    assert_false(amount_in("T" "\xc3\xa9" "l. 04 78 12 34 56").ok);
    assert_false(amount_at("0921").ok);
    expect(amount_at("0,50 " EURO), 50, "EUR");
}

static void test_rates(void **state)
{
    (void)state;
    assert_true(text_amount_is_rate(" de l'heure"));
    assert_true(text_amount_is_rate("/hour"));
    assert_true(text_amount_is_rate(" / jour"));
    assert_true(text_amount_is_rate(" per day"));
    assert_true(text_amount_is_rate(" each"));
    assert_false(text_amount_is_rate(" TTC"));
    assert_false(text_amount_is_rate("/2026"));
    assert_false(text_amount_is_rate(", payable a 30 jours"));
    assert_true(text_amount_is_count(" jours"));
    assert_true(text_amount_is_count(" h"));
    assert_false(text_amount_is_count(" HT"));
    assert_false(text_amount_is_count(" huit"));
}

static void test_currency_words(void **state)
{
    char code[4];

    (void)state;
    assert_int_equal(text_currency_read("euros", code), 5);
    assert_string_equal(code, "EUR");
    assert_int_equal(text_currency_read("CA$", code), 3);
    assert_string_equal(code, "CAD");
    assert_int_equal(text_currency_read("SEK", code), 3);
    assert_string_equal(code, "SEK");
    assert_int_equal(text_currency_read("TTC", code), 0);
    assert_int_equal(text_currency_read("EURL", code), 0);
    text_currency_dominant("Total 10 GBP, fee 2 EUR, VAT 2 GBP", code);
    assert_string_equal(code, "GBP");
    text_currency_dominant("no money here", code);
    assert_string_equal(code, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_french),         cmocka_unit_test(test_english_and_swiss),
        cmocka_unit_test(test_not_amounts),    cmocka_unit_test(test_find_skips_dates_and_rates),
        cmocka_unit_test(test_currency_words), cmocka_unit_test(test_counts_and_codes_are_not_amounts),
        cmocka_unit_test(test_rates),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
