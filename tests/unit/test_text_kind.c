/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_text_kind.c - what kind of document a text is (text_kind.c): every
 * kind that must never become a case (quote, order, pro-forma, receipt,
 * statement, reminder), invoices marked paid, and the invoices, deposit
 * invoices and credit notes that must, in French and English. The texts
 * are short but written as such documents are.
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
#include "text/text_kind.h"

static struct doc_kind_result detect(const char *utf8)
{
    char *folded = text_fold(utf8, strlen(utf8), 1u << 20);
    struct doc_kind_result r;

    text_kind_detect(folded, &r);
    free(folded);
    return r;
}

static void expect_kind(const char *utf8, enum doc_kind kind)
{
    struct doc_kind_result r = detect(utf8);

    if (r.kind != kind)
        fail_msg("'%s': expected %s, got %s ('%s')", utf8, doc_kind_name(kind), doc_kind_name(r.kind),
                 r.evidence);
}

static void test_invoices(void **state)
{
    (void)state;
    expect_kind("ACME SARL\nFACTURE\nN° F2026-0042\nNet à payer : 648,00 €", DOC_KIND_INVOICE);
    expect_kind("Facture N°2026-0315 – Prestation de développement\nMontant à régler : 3 600 €",
                DOC_KIND_INVOICE);
    expect_kind("INVOICE\nInvoice #INV-7781\nAmount Due $4,250.00", DOC_KIND_INVOICE);
    expect_kind("Bonjour,\nveuillez trouver ci-joint notre facture n° 12 du 01/12/2026.", DOC_KIND_INVOICE);
    /* A quote referred to by an invoice does not make it a quote. */
    expect_kind("FACTURE\nDevis n° D-12 du 01/11/2026 accepté\nTotal TTC 100,00 €", DOC_KIND_INVOICE);
    expect_kind("Facture d'acompte n° FA-2026-007\nAcompte de 30 %", DOC_KIND_DEPOSIT_INVOICE);
    expect_kind("AVOIR\nN° A-2026-003\nAvoir sur facture n° F2026-0042", DOC_KIND_CREDIT_NOTE);
    expect_kind("CREDIT NOTE\nCredit note number: CN-2026-004\nOriginal invoice: INV-7781",
                DOC_KIND_CREDIT_NOTE);
    expect_kind("Rechnung R0005532486\nBrutto 104,00 €", DOC_KIND_INVOICE);
}

static void test_quotes(void **state)
{
    (void)state;
    expect_kind("DEVIS\nN° D-2026-014\nTotal TTC 3 575,00 €\nBon pour accord", DOC_KIND_QUOTE);
    expect_kind("Voici notre devis.\nCe devis est valable jusqu'au 10/12/2026. La facture sera émise à la "
                "livraison.",
                DOC_KIND_QUOTE);
    expect_kind("QUOTATION\nQuote number: Q-77\nThis quotation is valid for 30 days.", DOC_KIND_QUOTE);
    expect_kind("Estimate EST-1002\nEstimated total: $2,430.00\nWe will send an invoice once done.",
                DOC_KIND_QUOTE);
}

static void test_orders(void **state)
{
    (void)state;
    expect_kind("BON DE COMMANDE N° BC-2026-33\nMerci de joindre la facture à la livraison.", DOC_KIND_ORDER);
    expect_kind("Order confirmation #10025\nYour invoice will be emailed when your order ships.",
                DOC_KIND_ORDER);
    expect_kind("Confirmation de votre commande n° 48213\nVotre facture sera disponible après l'expédition.",
                DOC_KIND_ORDER);
    expect_kind("PURCHASE ORDER\nPO 55-1182\nPlease invoice on delivery.", DOC_KIND_ORDER);
}

static void test_proforma(void **state)
{
    (void)state;
    expect_kind("FACTURE PRO FORMA N° PF-2026-02\nTotal TTC 7 800,00 €", DOC_KIND_PROFORMA);
    expect_kind("PROFORMA INVOICE PI-5521\nAmount due before shipment: $1,180.00", DOC_KIND_PROFORMA);
    expect_kind("Invoice (pro-forma) 77\nTotal 10.00", DOC_KIND_PROFORMA);
}

static void test_receipts(void **state)
{
    (void)state;
    expect_kind("Nous avons bien reçu votre règlement de 540,00 € pour la facture n° F2026-0042.",
                DOC_KIND_RECEIPT);
    expect_kind("Thank you for your payment!\nReceipt #R-3318\nInvoice: INV-7781", DOC_KIND_RECEIPT);
    expect_kind("Reçu de paiement\nFacture F-1 : 100,00 €", DOC_KIND_RECEIPT);
    expect_kind("REMITTANCE ADVICE\nInvoice 123 paid 500.00", DOC_KIND_RECEIPT);
}

static void test_statements(void **state)
{
    (void)state;
    expect_kind("RELEVÉ DE COMPTE\nFacture QM260412  04/11/2026  1 210,00 €\nFacture QM260488  25/11/2026",
                DOC_KIND_STATEMENT);
    expect_kind("Statement of account as of 12/31/2026\nInvoice INV-301 $400.00\nInvoice INV-302 $650.00",
                DOC_KIND_STATEMENT);
}

static void test_reminders(void **state)
{
    (void)state;
    expect_kind("Sauf erreur de notre part, la facture n° F2026-0042 reste impayée à ce jour.",
                DOC_KIND_REMINDER);
    expect_kind("Reminder: invoice #AB12-0009 is overdue", DOC_KIND_REMINDER);
    expect_kind("Relance : facture F2026-0042\nMerci de procéder au règlement.", DOC_KIND_REMINDER);
    expect_kind("Mise en demeure\nLes factures n° H-1 et H-2 demeurent impayées.", DOC_KIND_REMINDER);
    expect_kind("Invoice 55 remains unpaid. Please pay.", DOC_KIND_REMINDER);
}

static void test_unknown(void **state)
{
    (void)state;
    expect_kind("Pouvons-nous nous voir jeudi ? On parlera de la facturation du roman.", DOC_KIND_UNKNOWN);
    expect_kind("Hello, lunch on Friday?", DOC_KIND_UNKNOWN);
    expect_kind("", DOC_KIND_UNKNOWN);
}

static void test_paid_marks(void **state)
{
    struct doc_kind_result r;

    (void)state;
    r = detect("FACTURE N° GL-3402\nTotal TTC 312,00 €\nACQUITTÉE");
    assert_int_equal(r.kind, DOC_KIND_INVOICE);
    assert_true(r.paid_marked);
    r = detect("Facture n° 12\nPayée le 28/11/2026 par carte bancaire.");
    assert_true(r.paid_marked);
    r = detect("Invoice #AB12-0010 - PAID\nThis invoice was paid in full on December 16, 2026.");
    assert_true(r.paid_marked);
    r = detect("INVOICE 77\nTotal $10.00\nPAID");
    assert_true(r.paid_marked);
    /* Conditional or negated: not a paid mark. */
    r = detect("Facture n° 12\nSi vous avez déjà réglé cette facture, merci de ne pas tenir compte de ce "
               "message.");
    assert_false(r.paid_marked);
    r = detect("Invoice 12\nIf it has been paid already, please ignore this message.");
    assert_false(r.paid_marked);
    r = detect("Facture n° 12\nNet à payer : 100,00 €\nPayee: ACME Ltd");
    assert_false(r.paid_marked);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(doc_kind_name(DOC_KIND_QUOTE), "quote");
    assert_string_equal(doc_kind_name((enum doc_kind)99), "unknown");
    assert_true(doc_kind_is_tracked(DOC_KIND_DEPOSIT_INVOICE));
    assert_true(doc_kind_is_tracked(DOC_KIND_CREDIT_NOTE));
    assert_false(doc_kind_is_tracked(DOC_KIND_PROFORMA));
    assert_false(doc_kind_is_tracked(DOC_KIND_UNKNOWN));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invoices),  cmocka_unit_test(test_quotes),   cmocka_unit_test(test_orders),
        cmocka_unit_test(test_proforma),  cmocka_unit_test(test_receipts), cmocka_unit_test(test_statements),
        cmocka_unit_test(test_reminders), cmocka_unit_test(test_unknown),  cmocka_unit_test(test_paid_marks),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
