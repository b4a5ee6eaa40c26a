/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_payment_terms.c - payment terms in words and the due dates they
 * give (payment_terms.c), in French, English and German.
 *
 * Every expected due date is counted by hand on the calendar from the
 * issue date, with the conventions payment_terms.h states ("N jours fin
 * de mois": N days, then the end of that month; "fin de mois + N jours"
 * and English "EOM": end of the issue month, then N days).
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
#include "text/payment_terms.h"

/* The due date terms written in utf8 give from issue ("" when none). */
static const char *due_from(const char *utf8, const char *issue)
{
    static char out[DATE_STR_MAX];
    struct payment_terms terms;
    struct date d = {0, 0, 0}, from;

    assert_true(date_parse(issue, &from));
    if (payment_terms_parse_utf8(utf8, &terms))
        d = payment_terms_due(&terms, from);
    date_format(d, out);
    return out;
}

static void test_on_receipt(void **state)
{
    (void)state;
    assert_string_equal(due_from("Paiement à réception de facture", "2026-11-03"), "2026-11-03");
    assert_string_equal(due_from("Échéance : à réception", "2026-11-03"), "2026-11-03");
    assert_string_equal(due_from("Conditions de règlement : comptant", "2026-11-03"), "2026-11-03");
    assert_string_equal(due_from("Payment is due upon receipt.", "2026-11-21"), "2026-11-21");
    assert_string_equal(due_from("Terms: due on receipt", "2026-11-21"), "2026-11-21");
    assert_string_equal(due_from("Zahlbar sofort ohne Abzug", "2018-04-25"), "2018-04-25");
}

static void test_days(void **state)
{
    (void)state;
    assert_string_equal(due_from("Paiement à 30 jours", "2026-11-20"), "2026-12-20");
    assert_string_equal(due_from("payable à 60 jours date de facture", "2026-11-15"), "2027-01-14");
    /* 2026-01-31 + 45 days: 28 to the end of February, 17 into March. */
    assert_string_equal(due_from("Conditions de paiement : 45 jours", "2026-01-31"), "2026-03-17");
    assert_string_equal(due_from("Terms: Net 30", "2026-11-20"), "2026-12-20");
    assert_string_equal(due_from("Payment due within 14 days by bank transfer", "2026-11-15"), "2026-11-29");
    assert_string_equal(due_from("Payment terms: 30 days from the date of issue.", "2026-11-03"),
                        "2026-12-03");
    assert_string_equal(due_from("Payable dans les 30 jours net.", "2026-11-05"), "2026-12-05");
    assert_string_equal(due_from("Zahlbar innerhalb 30 Tagen netto", "2024-11-15"), "2024-12-15");
    /* 2028 is a leap year: 30 days after 2028-02-15 is 2028-03-16. */
    assert_string_equal(due_from("Paiement sous 30 jours", "2028-02-15"), "2028-03-16");
    /* A discount offer, then the net term: the net term. */
    assert_string_equal(due_from("Terms: 2% 10, net 30", "2026-11-01"), "2026-12-01");
}

static void test_days_then_end_of_month(void **state)
{
    (void)state;
    /* 2026-12-01 + 45 days = 2027-01-15, end of that month. */
    assert_string_equal(due_from("45 jours fin de mois", "2026-12-01"), "2027-01-31");
    /* 2026-10-31 + 30 = 2026-11-30, already the end of its month. */
    assert_string_equal(due_from("Règlement à 30 jours fin de mois.", "2026-10-31"), "2026-11-30");
    /* 2026-11-30 + 60 = 2027-01-29, then 2027-01-31. */
    assert_string_equal(due_from("Paiement à 60 jours fin de mois par LCR", "2026-11-30"), "2027-01-31");
    assert_string_equal(due_from("30 jours FDM", "2026-01-15"), "2026-02-28");
}

static void test_end_of_month_then_days(void **state)
{
    (void)state;
    /* End of November, then 45 days: 2026-11-30 + 45 = 2027-01-14. */
    assert_string_equal(due_from("Paiement fin de mois + 45 jours", "2026-11-10"), "2027-01-14");
    assert_string_equal(due_from("45 jours à compter de la fin du mois", "2026-11-10"), "2027-01-14");
    assert_string_equal(due_from("Terms: Net 30 EOM", "2026-11-16"), "2026-12-30");
    assert_string_equal(due_from("Payment: 30 days end of month", "2026-11-16"), "2026-12-30");
    assert_string_equal(due_from("Paiement fin de mois", "2026-02-03"), "2026-02-28");
}

static void test_not_terms(void **state)
{
    (void)state;
    assert_string_equal(due_from("Devis valable 30 jours", "2026-11-01"), "");
    assert_string_equal(due_from("Garantie 30 jours pièces et main d'oeuvre", "2026-11-01"), "");
    assert_string_equal(due_from("Livraison sous 5 jours ouvrés", "2026-11-01"), "");
    assert_string_equal(due_from("Escompte de 2 % pour paiement à 10 jours", "2026-11-01"), "");
    assert_string_equal(due_from("En cas de paiement sous 8 jours, escompte de 1 %", "2026-11-01"), "");
    assert_string_equal(due_from("Pénalités de retard exigibles au-delà de 30 jours", "2026-11-01"), "");
    assert_string_equal(due_from("Prestation de 12 jours en novembre", "2026-11-01"), "");
    assert_string_equal(due_from("Net à payer : 1 200,00 €", "2026-11-01"), "");
    assert_string_equal(due_from("Net 30,00 EUR", "2026-11-01"), "");
    assert_string_equal(due_from("This quotation is valid for 30 days.", "2026-11-01"), "");
}

static void test_kept_beside_other_clauses(void **state)
{
    (void)state;
    assert_string_equal(due_from("Paiement à 30 jours, pas d'escompte pour paiement anticipé", "2026-11-20"),
                        "2026-12-20");
    assert_string_equal(
        due_from("Conditions de paiement : 45 jours fin de mois. Pénalités de retard : 3 fois "
                 "le taux d'intérêt légal.",
                 "2026-12-01"),
        "2027-01-31");
    /* The label above, the terms below. */
    assert_string_equal(due_from("Conditions de paiement\n30 jours", "2026-11-20"), "2026-12-20");
}

static void test_no_issue_date(void **state)
{
    struct payment_terms terms;
    struct date none = {0, 0, 0};

    (void)state;
    assert_true(payment_terms_parse_utf8("Net 30", &terms));
    assert_false(date_is_set(payment_terms_due(&terms, none)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_on_receipt),
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_days_then_end_of_month),
        cmocka_unit_test(test_end_of_month_then_days),
        cmocka_unit_test(test_not_terms),
        cmocka_unit_test(test_kept_beside_other_clauses),
        cmocka_unit_test(test_no_issue_date),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
