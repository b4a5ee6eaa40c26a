/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_invoice.c - one record per invoice in a message: the more trusted
 * source wins, the other fills what it lacks; numbers match without case
 * and spaces; different sellers or types stay apart.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/invoice.h"

static struct invoice rec(enum invoice_source source, const char *seller, const char *number)
{
    struct invoice inv;

    invoice_init(&inv);
    inv.source = source;
    str_copy(inv.seller_name, sizeof inv.seller_name, seller);
    str_copy(inv.number, sizeof inv.number, number);
    return inv;
}

static void test_structured_wins_and_is_completed(void **state)
{
    struct invoice_scan scan;
    struct invoice body = rec(INVOICE_SOURCE_BODY, "", "f 2026-0042");
    struct invoice xml = rec(INVOICE_SOURCE_FACTURX, "Menuiserie Martin", "F2026-0042");

    (void)state;
    invoice_scan_init(&scan);
    body.confidence = 70;
    body.amount_due = 99999; /* a misread that must lose */
    body.has_amount_due = true;
    str_copy(body.buyer_email, sizeof body.buyer_email, "compta@dupont.example");
    xml.amount_due = 174000;
    xml.has_amount_due = true;
    xml.due_date = (struct date){2026, 12, 31};
    xml.due_basis = DUE_BASIS_DOCUMENT;
    invoice_scan_merge(&scan, &body);
    invoice_scan_merge(&scan, &xml);
    assert_int_equal(scan.invoices.count, 1);
    assert_int_equal(scan.invoices.items[0].source, INVOICE_SOURCE_FACTURX);
    assert_int_equal(scan.invoices.items[0].amount_due, 174000);
    assert_int_equal(scan.invoices.items[0].confidence, 100);
    assert_string_equal(scan.invoices.items[0].number, "F2026-0042");
    /* What the XML did not say, the body did. */
    assert_string_equal(scan.invoices.items[0].buyer_email, "compta@dupont.example");
    invoice_scan_free(&scan);
}

static void test_less_trusted_only_fills(void **state)
{
    struct invoice_scan scan;
    struct invoice xml = rec(INVOICE_SOURCE_CII, "S", "A-1");
    struct invoice pdf = rec(INVOICE_SOURCE_PDF_TEXT, "S", "A-1");

    (void)state;
    invoice_scan_init(&scan);
    xml.amount_due = 100;
    xml.has_amount_due = true;
    pdf.amount_due = 200;
    pdf.has_amount_due = true;
    pdf.issue_date = (struct date){2026, 1, 5};
    invoice_scan_merge(&scan, &xml);
    invoice_scan_merge(&scan, &pdf);
    assert_int_equal(scan.invoices.count, 1);
    assert_int_equal(scan.invoices.items[0].amount_due, 100);
    assert_int_equal(scan.invoices.items[0].issue_date.day, 5);
    invoice_scan_free(&scan);
}

static void test_distinct_invoices_stay_apart(void **state)
{
    struct invoice_scan scan;
    struct invoice a = rec(INVOICE_SOURCE_UBL, "Seller One", "100");
    struct invoice b = rec(INVOICE_SOURCE_UBL, "Seller Two", "100");
    struct invoice c = rec(INVOICE_SOURCE_UBL, "Seller One", "101");
    struct invoice credit = rec(INVOICE_SOURCE_UBL, "Seller One", "100");

    (void)state;
    credit.type = INVOICE_TYPE_CREDIT_NOTE;
    invoice_scan_init(&scan);
    invoice_scan_merge(&scan, &a);
    invoice_scan_merge(&scan, &b);
    invoice_scan_merge(&scan, &c);
    invoice_scan_merge(&scan, &credit);
    assert_int_equal(scan.invoices.count, 4);
    invoice_scan_free(&scan);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(invoice_type_name(INVOICE_TYPE_CREDIT_NOTE), "credit_note");
    assert_string_equal(invoice_type_name(INVOICE_TYPE_INVOICE), "invoice");
    assert_string_equal(invoice_source_name(INVOICE_SOURCE_PDF_TEXT), "pdf-text");
    assert_string_equal(invoice_source_name(INVOICE_SOURCE_FACTURX), "facturx");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structured_wins_and_is_completed),
        cmocka_unit_test(test_less_trusted_only_fills),
        cmocka_unit_test(test_distinct_invoices_stay_apart),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
