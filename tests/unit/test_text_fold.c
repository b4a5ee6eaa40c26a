/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_text_fold.c - UTF-8 folded for the text readers (text_fold.c), and
 * the phrase matcher they share. Expected strings are written by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "text/text_fold.h"

static void expect_fold(const char *utf8, const char *expected)
{
    char *folded = text_fold(utf8, strlen(utf8), 4096);

    assert_string_equal(folded, expected);
    free(folded);
}

static void test_letters_and_signs(void **state)
{
    (void)state;
    expect_fold("Échéance à réception, reçu, Œuvre, straße", "Echeance a reception, recu, OEuvre, strasse");
    expect_fold("Facture N\xc2\xb0 12 / n\xc2\xba 13 / \xe2\x84\x96 14", "Facture N# 12 / n# 13 / N# 14");
    expect_fold("1\xc2\xa0"
                "234,56\xe2\x80\xaf\xe2\x82\xac",
                "1 234,56 EUR");
    expect_fold("\xc2\xa3"
                "5 \xc2\xa5"
                "6",
                "GBP5 JPY6");
    expect_fold("l\xe2\x80\x99"
                "avoir \xc2\xab"
                "x\xc2\xbb \xe2\x80\x93 \xe2\x88\x92"
                "5",
                "l'avoir \"x\" - -5");
    /* Invisible characters vanish; tabs, CR and form feeds are layout. */
    expect_fold("a\xc2\xad"
                "b\xe2\x80\x8b"
                "c\xef\xbb\xbf",
                "abc");
    expect_fold("a\tb\r\nc\fd", "a b\nc\nd");
    /* What is not mapped, and broken UTF-8, becomes '?'. */
    expect_fold("\xe4\xbd\xa0 \xff", "? ?");
}

static void test_bound(void **state)
{
    char *folded;

    (void)state;
    folded = text_fold("abcdef", 6, 3);
    assert_string_equal(folded, "abc");
    free(folded);
    folded = text_fold("", 0, 10);
    assert_string_equal(folded, "");
    free(folded);
}

static void test_match(void **state)
{
    size_t len;

    (void)state;
    assert_int_equal(text_match("Net a payer : 5", "net a payer"), 11);
    assert_int_equal(text_match("NET A PAYER", "net a payer"), 11);
    /* A phrase ends a word, but a number may follow at once. */
    assert_int_equal(text_match("Totals", "total"), 0);
    assert_int_equal(text_match("Brutto104,00", "brutto"), 6);
    /* Two spaces part table columns: no phrase spans them. */
    assert_int_equal(text_match("Date  Echeance", "date echeance"), 0);
    assert_non_null(text_find("le Total TTC", "le Total TTC" + 12, "total ttc", &len));
    assert_int_equal(len, 9);
    assert_null(text_find("subtotal", "subtotal" + 8, "total", &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_letters_and_signs),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_match),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
