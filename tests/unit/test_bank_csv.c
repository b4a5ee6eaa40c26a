/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_bank_csv.c - bank CSV exports read by bank_csv_read: French and
 * English headers, ';' ',' and tab separators, decimal comma or point,
 * one signed amount column or credit and debit columns, quoted fields,
 * and files that are not bank exports refused with a reason. Amounts
 * and the shared amount and date readers (bank_entry.c) are checked
 * against cents counted by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bank_csv.h"
#include "lib/util.h"

static bool read_csv(const char *text, struct bank_statement *s, char *why, size_t whylen)
{
    bank_statement_init(s);
    return bank_csv_read(text, strlen(text), s, why, whylen);
}

static char *read_data(const char *name, size_t *len)
{
    char *path = xasprintf("tests/data/payments/%s", name);
    char *data = file_read_all(path, BANK_MAX_INPUT, len);

    free(path);
    assert_non_null(data);
    return data;
}

static void test_french_export_semicolon_decimal_comma(void **state)
{
    /* A French bank's export: BOM, ';', "Date opération" and "Date valeur",
     * signed "Montant" with decimal comma and a grouping space, quoted
     * label holding a ';'. */
    static const char csv[] =
        "\xef\xbb\xbf"
        "Date opération;Date valeur;Libellé;Montant;Devise\r\n"
        "02/12/2026;03/12/2026;\"VIR SEPA ATELIER DUPONT; FACT F-2026-001\";1 200,50;EUR\r\n"
        "03/12/2026;03/12/2026;PRLV URSSAF;-310,00;EUR\r\n"
        "\r\n";
    struct bank_statement s;
    char why[256];

    (void)state;
    assert_true(read_csv(csv, &s, why, sizeof why));
    assert_string_equal(s.format, "csv");
    assert_int_equal(s.count, 2);
    /* 1 200,50 = 1200 * 100 + 50 = 120050 cents, a credit */
    assert_int_equal(s.items[0].amount, 120050);
    assert_true(s.items[0].credit);
    assert_int_equal(s.items[0].booked.day, 2);
    assert_int_equal(s.items[0].value.day, 3);
    assert_string_equal(s.items[0].remittance, "VIR SEPA ATELIER DUPONT; FACT F-2026-001");
    assert_string_equal(s.items[0].currency, "EUR");
    assert_int_equal(s.items[0].line, 2);
    /* -310,00: a debit of 31000 cents */
    assert_int_equal(s.items[1].amount, 31000);
    assert_false(s.items[1].credit);
    assert_string_not_equal(s.items[0].key, s.items[1].key);
    assert_true(strncmp(s.items[0].key, "csv|#", 5) == 0);
    bank_statement_free(&s);
}

static void test_credit_debit_columns_and_name(void **state)
{
    /* Separate Débit and Crédit columns (one filled per line), a name
     * column, decimal point and ',' separator. */
    static const char csv[] = "Date,Description,Name,Debit,Credit\n"
                              "2026-12-01,Invoice F-7,Acme Ltd,,99.90\n"
                              "2026-12-02,Card,Shop,12.5,\n";
    struct bank_statement s;
    char why[256];

    (void)state;
    assert_true(read_csv(csv, &s, why, sizeof why));
    assert_int_equal(s.count, 2);
    assert_true(s.items[0].credit);
    assert_int_equal(s.items[0].amount, 9990); /* 99.90 */
    assert_string_equal(s.items[0].debtor_name, "Acme Ltd");
    assert_false(s.items[1].credit);
    assert_int_equal(s.items[1].amount, 1250); /* 12.5 = 12.50 */
    bank_statement_free(&s);
}

static void test_tab_and_latin1_header(void **state)
{
    /* Latin-1 "Libellé" (0xE9) and "Crédit" in a tab-separated file. */
    static const char csv[] = "Date\tLibell\xe9\tCr\xe9" "dit\tD\xe9" "bit\n"
                              "01.12.26\tREMISE CHEQUE F-9\t1.234,00\t\n";
    struct bank_statement s;
    char why[256];

    (void)state;
    assert_true(read_csv(csv, &s, why, sizeof why));
    assert_int_equal(s.count, 1);
    /* 1.234,00: '.' groups, ',' is decimal = 123400 cents */
    assert_int_equal(s.items[0].amount, 123400);
    assert_int_equal(s.items[0].booked.year, 2026);
    bank_statement_free(&s);
}

static void test_same_line_twice_two_keys(void **state)
{
    /* Two equal transfers on one day are two payments: same hash, rank 1 and 2. */
    static const char csv[] = "date;montant;référence\n"
                              "01/12/2026;50,00;LOYER\n"
                              "01/12/2026;50,00;LOYER\n";
    struct bank_statement s;
    char why[256];
    size_t n;

    (void)state;
    assert_true(read_csv(csv, &s, why, sizeof why));
    assert_int_equal(s.count, 2);
    n = strlen(s.items[0].key);
    assert_string_not_equal(s.items[0].key, s.items[1].key);
    assert_memory_equal(s.items[0].key, s.items[1].key, n - 1);
    assert_string_equal(s.items[0].key + n - 2, "-1");
    assert_string_equal(s.items[1].key + n - 2, "-2");
    bank_statement_free(&s);
}

static void test_refused_with_reason(void **state)
{
    static const char *const cases[][2] = {
        {"", "empty file"},
        {"Nom;Adresse\nDupont;Paris\n",
         "not a bank CSV: the first line must name a date, an amount (or credit/debit) and a reference or "
         "label column"},
        {"Date;Montant\n01/12/2026;5,00\n",
         "not a bank CSV: the first line must name a date, an amount (or credit/debit) and a reference or "
         "label column"},
        {"Date;Libellé;Montant\n31/02/2026;X;5,00\n", "line 2: unreadable date '31/02/2026'"},
        {"Date;Libellé;Montant\n01/12/2026;X;cinq\n", "line 2: unreadable amount 'cinq'"},
        {"Date;Libellé;Montant\n01/12/2026;X;\n", "line 2: no amount"},
        {"Date;Libellé;Montant\n;X;5,00\n", "line 2: no date"},
    };
    struct bank_statement s;
    char why[256];

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        assert_false(read_csv(cases[i][0], &s, why, sizeof why));
        assert_string_equal(why, cases[i][1]);
        assert_int_equal(s.count, 0);
    }
}

static void test_data_files(void **state)
{
    struct bank_statement s;
    char why[256], *data;
    size_t len;

    (void)state;
    data = read_data("releve-fr.csv", &len);
    bank_statement_init(&s);
    assert_true(bank_csv_read(data, len, &s, why, sizeof why));
    assert_int_equal(s.count, 4);
    free(data);
    bank_statement_free(&s);
}

static void test_amounts(void **state)
{
    static const struct { const char *text; int64_t cents; } ok[] = {
        {"0", 0}, {"12", 1200}, {"12,5", 1250}, {"-12.34", -1234}, {"+3", 300},
        {"1 234,56", 123456}, {"1\xc2\xa0" "234,56", 123456}, {"1\xe2\x80\xaf" "234,56", 123456},
        {"1.234.567,89", 123456789}, {"1,234,567.89", 123456789}, {"1'234.50", 123450},
        {"8.85000", 885}, {"0.005", 1}, {"0.0049", 0}, {"105.750", 10575},
    };
    static const char *const bad[] = {"", "-", "1,2,3.4.5", "12a", "1.2.3,4,5", "€12", "1e3"};
    int64_t cents;

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
        assert_true(bank_amount_parse(ok[i].text, &cents));
        assert_int_equal(cents, ok[i].cents);
    }
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        assert_false(bank_amount_parse(bad[i], &cents));
}

static void test_dates(void **state)
{
    struct date d;

    (void)state;
    assert_true(bank_date_parse("2026-12-03T10:00:00+01:00", &d));
    assert_int_equal(d.day, 3);
    assert_true(bank_date_parse("03/12/2026", &d));
    assert_int_equal(d.month, 12);
    assert_true(bank_date_parse("03-12-26", &d));
    assert_int_equal(d.year, 2026);
    assert_false(bank_date_parse("2026/12/03", &d));
    assert_false(bank_date_parse("29/02/2026", &d));
    assert_false(bank_date_parse("3/12/2026", &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_french_export_semicolon_decimal_comma),
        cmocka_unit_test(test_credit_debit_columns_and_name),
        cmocka_unit_test(test_tab_and_latin1_header),
        cmocka_unit_test(test_same_line_twice_two_keys),
        cmocka_unit_test(test_refused_with_reason),
        cmocka_unit_test(test_data_files),
        cmocka_unit_test(test_amounts),
        cmocka_unit_test(test_dates),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
