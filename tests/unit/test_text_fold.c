/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_text_fold.c - UTF-8 folded for the text readers (text_fold.c):
 * canonically equivalent text folded alike, compatibility forms; and the
 * phrase matcher they share. Expected strings are written by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
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

/* The fold of text and of its NFD form (GLib's), which must agree. */
static void expect_same_fold(const char *precomposed)
{
    char *decomposed = g_utf8_normalize(precomposed, -1, G_NORMALIZE_NFD);
    char *a = text_fold(precomposed, strlen(precomposed), 4096);
    char *b = text_fold(decomposed, strlen(decomposed), 4096);

    assert_string_not_equal(decomposed, precomposed);
    assert_string_equal(b, a);
    g_free(decomposed);
    free(a);
    free(b);
}

static void test_decomposed_as_precomposed(void **state)
{
    char *folded;

    (void)state;
    /* "e" + U+0301 COMBINING ACUTE ACCENT reads as "é". */
    expect_fold("E\xcc\x81"
                "che\xcc\x81"
                "ance",
                "Echeance");
    expect_same_fold("\xc3\x89" "ch\xc3\xa9" "ance \xc3\xa0 r\xc3\xa9" "ception, re\xc3\xa7u, "
                     "\xc3\x85ngstr\xc3\xb6m, Stra\xc3\x9f" "e \xc3\xbc" "ber");
    /* Every precomposed letter the tables name. */
    for (gunichar c = 0xC0; c <= 0x17F; c++) {
        char s[8] = {0};
        char *nfd;

        g_unichar_to_utf8(c, s);
        nfd = g_utf8_normalize(s, -1, G_NORMALIZE_NFD);
        if (strcmp(nfd, s) != 0)
            expect_same_fold(s);
        g_free(nfd);
    }
    /* Letters beyond the tables fold alike too, to the base letter. */
    expect_same_fold("\xc7\x8e"); /* ǎ */
    expect_fold("\xc7\x8e a\xcc\x8c \xc8\x99 \xe1\xba\xbd", "a a s e");
    /* An accent with no precomposed letter vanishes, as accents do; an
     * invalid byte next to one still reads '?'. */
    expect_fold("q\xcc\x83 e\xcc\x81\xff", "q e?");
    /* A NUL among them is a space, as in ASCII text, before or after. */
    folded = text_fold("e\xcc\x81\0x", 5, 4096);
    assert_string_equal(folded, "e x");
    free(folded);
    folded = text_fold("a\0e\xcc\x81", 5, 4096);
    assert_string_equal(folded, "a e");
    free(folded);
}

/* Compatibility forms the tables do not name are read through their
 * compatibility decomposition; what the tables name keeps its fold. */
static void test_compatibility_forms(void **state)
{
    (void)state;
    /* Fullwidth letters and digits, ligatures, unit signs. */
    expect_fold("\xef\xbc\xa6\xef\xbd\x81\xef\xbd\x83\xef\xbd\x94 \xef\xbc\x91\xef\xbc\x92\xef\xbc\x8c\xef\xbc\x95",
                "Fact 12,5");
    expect_fold("pro\xef\xac\x81t \xef\xac\x83" "ce 3\xe3\x8e\x8f", "profit ffice 3kg");
    /* The tables win over NFKC: "º", "№", "µ" and "½" keep their folds. */
    expect_fold("n\xc2\xba 1 \xe2\x84\x96 2 5\xc2\xb5m \xc2\xbd", "n# 1 N# 2 5um 1/2");
    /* A stroke over a sign is not an accent: "≠" is not "=". */
    expect_fold("a \xe2\x89\xa0 b", "a ? b");
    /* A fold longer than the character is refused ("⒇" is "(20)"). */
    expect_fold("\xe2\x92\x87", "?");
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
        cmocka_unit_test(test_decomposed_as_precomposed),
        cmocka_unit_test(test_compatibility_forms),
        cmocka_unit_test(test_match),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
