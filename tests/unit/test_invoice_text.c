/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_invoice_text.c - invoices read from text (invoice_text.c with
 * text_numbers.c and text_fields.c) and the scan's last step
 * (invoice_scan_finish): labels and layouts, the confidence scale of
 * invoice_text.h, several invoices in one text, credit notes and the
 * invoice they correct, due dates from terms and from
 * DefaultPaymentTerms, the confidence threshold, and bounds on hostile
 * text. Expected values are read by hand from the texts.
 *
 * Not covered here: whole messages and PDFs (test_accuracy.c), dates,
 * amounts, terms and kinds on their own (test_text_*.c,
 * test_payment_terms.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cpu_time.h"
#include "core/invoice.h"
#include "lib/date.h"
#include "lib/util.h"
#include "recognise/invoice_text.h"
#include "text/text_fold.h"

struct read_result {
    struct invoice_scan scan;
    int merged;
};

static void read_text(const char *utf8, enum invoice_source source, const char *subject,
                      struct read_result *r)
{
    struct text_origin origin = {
        source, source == INVOICE_SOURCE_BODY ? "body" : "doc.pdf", subject, {2026, 12, 24}};
    struct scan_limits limits;

    scan_limits_default(&limits);
    invoice_scan_init(&r->scan);
    r->merged = invoice_text_read(utf8, strlen(utf8), &origin, &limits, &r->scan);
}

static const char *date_text(struct date d)
{
    static char out[DATE_STR_MAX];

    date_format(d, out);
    return out;
}

static const struct invoice *only_record(const struct read_result *r)
{
    assert_int_equal(r->scan.invoices.count, 1);
    return &r->scan.invoices.items[0];
}

/* ------------------------------------------------------------------ */
/* Numbers and layouts                                                 */

static void expect_number(const char *utf8, const char *number)
{
    struct read_result r;

    read_text(utf8, INVOICE_SOURCE_BODY, NULL, &r);
    if (r.scan.invoices.count != 1 || strcmp(r.scan.invoices.items[0].number, number) != 0)
        fail_msg("'%s': expected number %s, got %s", utf8, number,
                 r.scan.invoices.count ? r.scan.invoices.items[0].number : "(none)");
    invoice_scan_free(&r.scan);
}

static void test_number_labels(void **state)
{
    (void)state;
    expect_number("Facture n° F2026-0042\nTotal TTC : 10,00 €", "F2026-0042");
    expect_number("Facture N°2026-0315\nTotal TTC : 10,00 €", "2026-0315");
    expect_number("Invoice #INV-7781\nAmount due: $10.00", "INV-7781");
    expect_number("Invoice number: 2026/118\nAmount due: $10.00", "2026/118");
    expect_number("Invoice No. 5512.\nAmount due: $10.00", "5512");
    expect_number("N° de facture : FA-99\nFacture\nTotal TTC : 10,00 €", "FA-99");
    expect_number("Rechnungsnummer: R0005532486\nRechnung\nBrutto104,00 €", "R0005532486");
    /* A title alone, its number on the next line after a marker. */
    expect_number("FACTURE\nN° F2026-0100\nNet à payer : 10,00 €", "F2026-0100");
    /* A table: labels on one line, values below, rules in between. */
    expect_number("| N° facture | Date       | Montant TTC |\n|---|---|---|\n| QM26 | 25/11/2026 | 10,00 € |",
                  "QM26");
    /* Neither a date nor an amount is a number. */
    expect_number("Facture du 01/12/2026\nFacture n° 77\nTotal TTC : 10,00 €", "77");
}

static void test_fields_from_labels(void **state)
{
    struct read_result r;
    const struct invoice *inv;

    (void)state;
    read_text("FACTURE\n"
              "N° facture  Date  Échéance  Client\n"
              "F2026-0100  30/11/2026  31/01/2027  C-0457\n"
              "Total HT  14 225,00 €\n"
              "TVA 20 %  2 960,00 €\n"
              "Total TTC  17 760,00 €\n"
              "Acompte versé  -1 000,00 €\n"
              "Net à payer  16 760,00 €\n",
              INVOICE_SOURCE_PDF_TEXT, NULL, &r);
    inv = only_record(&r);
    assert_string_equal(inv->number, "F2026-0100");
    assert_string_equal(date_text(inv->issue_date), "2026-11-30");
    assert_string_equal(date_text(inv->due_date), "2027-01-31");
    assert_int_equal(inv->due_basis, DUE_BASIS_DOCUMENT);
    assert_int_equal(inv->amount_due, 1676000);
    assert_string_equal(inv->currency, "EUR");
    assert_int_equal(inv->source, INVOICE_SOURCE_PDF_TEXT);
    assert_int_equal(inv->type_code, 380);
    invoice_scan_free(&r.scan);

    /* A forwarded mail's own "Date :" yields to the invoice's date. */
    read_text("---------- Message transféré ---------\nDate : mar. 20 oct. 2026 à 10:02\n"
              "> Facture n° CC-19 du 14/10/2026\n> Total TTC : 4 320,00 €\n",
              INVOICE_SOURCE_BODY, NULL, &r);
    inv = only_record(&r);
    assert_string_equal(date_text(inv->issue_date), "2026-10-14");
    invoice_scan_free(&r.scan);
}

static void test_month_first_in_american_documents(void **state)
{
    struct read_result r;
    const struct invoice *inv;

    (void)state;
    read_text("INVOICE\nInvoice #77\nInvoice date: 12/01/2026\nDue date: 01/02/2027\nAmount due: $50.00\n",
              INVOICE_SOURCE_BODY, NULL, &r);
    inv = only_record(&r);
    assert_string_equal(date_text(inv->issue_date), "2026-12-01");
    assert_string_equal(date_text(inv->due_date), "2027-01-02");
    invoice_scan_free(&r.scan);
    read_text("INVOICE\nInvoice #78\nInvoice date: 12/01/2026\nDue date: 01/02/2027\nAmount due: 50.00 EUR\n",
              INVOICE_SOURCE_BODY, NULL, &r);
    inv = only_record(&r);
    assert_string_equal(date_text(inv->issue_date), "2026-01-12");
    invoice_scan_free(&r.scan);
}

/* ------------------------------------------------------------------ */
/* Confidence                                                          */

static int confidence_of(const char *utf8, const char *subject)
{
    struct read_result r;
    int c;

    read_text(utf8, INVOICE_SOURCE_BODY, subject, &r);
    assert_int_equal(r.scan.invoices.count, 1);
    c = r.scan.invoices.items[0].confidence;
    invoice_scan_free(&r.scan);
    return c;
}

static void test_confidence_scale(void **state)
{
    (void)state;
    /* Title 25, number 25, to pay 25, labelled date 10, terms 10, currency 5. */
    assert_int_equal(confidence_of("FACTURE\nN° F-1\nDate de facture : 01/12/2026\nNet à payer : 100,00 €\n"
                                   "Paiement à 30 jours",
                                   NULL),
                     100);
    /* Heading 20, number 25, total with tax 20, date after the number 10,
     * written due date 10, currency 5. */
    assert_int_equal(
        confidence_of("Facture n° F-2 du 01/12/2026\nTotal TTC : 100,00 €\nÉchéance : 31/12/2026", NULL), 90);
    /* Mention 10, number 25, plain total 10, no date, no terms, no currency. */
    assert_int_equal(confidence_of("Bonjour, voici la facture n° F-3.\nTotal : 100", NULL), 45);
    /* Mention 10, number 25, lone amount 5, currency 5. */
    assert_int_equal(confidence_of("Please find attached invoice INV-4 for $500.", NULL), 45);
    /* No amount due at all: at most 30. */
    assert_int_equal(
        confidence_of("FACTURE\nN° F-5\nDate de facture : 01/12/2026\nPaiement à 30 jours", NULL), 30);
    /* The subject is the first line: "Facture F-6" alone is a title (25),
     * then number 25, plain amount 10, currency 5. */
    assert_int_equal(confidence_of("Ci-joint, montant 100,00 €.", "Facture F-6"), 65);
    /* "Facture n° F-7 pour novembre" starts a line but says more: a heading (20). */
    assert_int_equal(confidence_of("Ci-joint, montant 100,00 €.", "Facture n° F-7 pour novembre"), 60);
}

/* ------------------------------------------------------------------ */
/* Which number is the amount due                                      */

/* The text's one record has amount_due cents in currency. */
static void expect_amount(const char *utf8, int64_t cents, const char *currency)
{
    struct read_result r;
    const struct invoice *inv;

    read_text(utf8, INVOICE_SOURCE_BODY, NULL, &r);
    if (r.scan.invoices.count != 1)
        fail_msg("'%s': %zu records", utf8, r.scan.invoices.count);
    inv = &r.scan.invoices.items[0];
    if (!inv->has_amount_due || inv->amount_due != cents || strcmp(inv->currency, currency) != 0)
        fail_msg("'%s': expected %lld %s, got %s%lld %s", utf8, (long long)cents, currency,
                 inv->has_amount_due ? "" : "no amount, ", (long long)inv->amount_due, inv->currency);
    invoice_scan_free(&r.scan);
}

static void test_amount_with_its_tax_mark_after(void **state)
{
    (void)state;
    /* The report: the terms' 30 days were read as the amount after "TTC". */
    expect_amount("Facture n° FL-1 du 4 décembre 2026, d'un montant de 1 250,00 euros TTC, "
                  "payable à 30 jours.",
                  125000, "EUR");
    expect_amount("Facture n° FL-2 d'un montant de\n1 250 euros TTC, payable à 30 jours.", 125000, "EUR");
    expect_amount("Facture n° FL-3 d'un montant de 1 250,00 euros TTC\npayable à 30 jours", 125000, "EUR");
    /* HT first, TTC after: the amount with tax. */
    expect_amount("Facture n° HT-1\nLe montant s'élève à 2 000,00 € HT, soit 2 400,00 € TTC (TVA : 400,00 €).",
                  240000, "EUR");
    /* An amount marked HT is never the amount due, even after "Montant". */
    expect_amount("Facture n° HT-2\nMontant : 2 000,00 € HT\nNet à payer : 2 400,00 €", 240000, "EUR");
    /* In words, then in figures between brackets, with tax. */
    expect_amount("Facture n° L-1\nLa somme de mille huit cents euros (1 800,00 €) toutes taxes comprises.",
                  180000, "EUR");
    /* A deposit marked TTC is still no amount due. */
    expect_amount("Facture n° A-1\nTotal TTC : 4 800,00 €\nAcompte versé : 1 440,00 € TTC", 480000, "EUR");
    expect_amount("Facture n° A-2 d'un montant de 4 800,00 € TTC, dont un acompte de 1 440,00 € TTC.", 480000,
                  "EUR");
    /* What is to pay may be written HT (reverse charge): it stays. */
    expect_amount("Facture n° A-3\nNet à payer : 2 000,00 € HT (autoliquidation)", 200000, "EUR");
    /* English: "incl. VAT" after the amount. */
    expect_amount("Invoice no. V-1\nFor the audit: GBP 1,200.00 incl. VAT, payable within 14 days.", 120000,
                  "GBP");
}

static void test_amount_currency_forms(void **state)
{
    (void)state;
    expect_amount("Facture N° E-1\nTotal TTC : € 224,95", 22495, "EUR");
    expect_amount("Facture N° E-2\nNet à payer : 9.360,00 EUR", 936000, "EUR");
    expect_amount("Facture n° E-3\nMontant : 1 250 € (TVA non applicable)\nPayable à 30 jours.", 125000, "EUR");
    expect_amount("Invoice no. E-4\nTotal due: 2,625.00 EUR\nTerms: net 45", 262500, "EUR");
    expect_amount("Invoice No: E-5\nTotal due: $ 2,500\nNet 30", 250000, "USD");
    expect_amount("Invoice no. E-6 is for EUR 640.00 (4 hours), net 30.", 64000, "EUR");
}

static void test_counts_terms_and_rates_are_not_amounts(void **state)
{
    (void)state;
    /* A plain "Montant" with nothing but terms after it: no 30. */
    expect_amount("Facture n° T-1\nMontant TTC\npayable à 30 jours : 1 250 €", 125000, "EUR");
    /* "net 45" names days. */
    expect_amount("Invoice no. T-2\nTotal: net 45, 300.00 EUR", 30000, "EUR");
    /* 30 hours at a rate of 50 €: neither is the amount. */
    expect_amount("Facture n° T-3\nMontant : 30 heures à 50 € de l'heure, soit 1 500,00 €", 150000, "EUR");
    expect_amount("Invoice #T-4\nAmount: 12 hours at $95.00/hour = $1,140.00", 114000, "USD");
    /* A phone number, a postal code, a SIREN and an order number around
     * a labelled amount. */
    expect_amount("Facture n° T-5\nClient : 8 place du Marché, 35000 Rennes, SIREN 443 221 009\n"
                  "Commande n° 30112\nMontant de la facture : 735,60 euros\nTél. 02 99 31 44 70",
                  73560, "EUR");
    /* Only a pre-tax amount, or only a rate: no amount due. */
    {
        static const char *const texts[] = {
            "Facture n° T-7\nMontant : 2 000,00 € HT",
            "Facture n° T-8\nPrestation de conseil : 2 000,00 € HT.",
            "Invoice no. T-9 for consulting at $95.00/hour.",
        };
        struct read_result r;

        for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
            read_text(texts[i], INVOICE_SOURCE_BODY, NULL, &r);
            assert_int_equal(r.scan.invoices.count, 1);
            if (r.scan.invoices.items[0].has_amount_due)
                fail_msg("'%s': amount %lld", texts[i], (long long)r.scan.invoices.items[0].amount_due);
            invoice_scan_free(&r.scan);
        }
    }
    /* "Montant" then a phone number only: no amount, rather than one. */
    {
        struct read_result r;

        read_text("Facture n° T-6\nMontant : voir au 04 78 12 34 56", INVOICE_SOURCE_BODY, NULL, &r);
        assert_int_equal(r.scan.invoices.count, 1);
        assert_false(r.scan.invoices.items[0].has_amount_due);
        invoice_scan_free(&r.scan);
    }
}

/* Two different amounts of the best rank: no amount and confidence 0,
 * under any MinimumConfidence but 0; equal ones, or a better label,
 * settle it. */
static void test_conflicting_amounts(void **state)
{
    struct read_result r;
    struct scan_limits limits;

    (void)state;
    read_text("FACTURE\nN° C-1\nDate de facture : 01/12/2026\nTotal TTC : 1 200,00 €\n"
              "Total TTC : 1 440,00 €\nÉchéance : 31/12/2026",
              INVOICE_SOURCE_BODY, NULL, &r);
    assert_int_equal(r.scan.invoices.count, 1);
    assert_false(r.scan.invoices.items[0].has_amount_due);
    assert_int_equal(r.scan.invoices.items[0].amount_due, 0);
    assert_int_equal(r.scan.invoices.items[0].confidence, 0);
    assert_non_null(strstr(r.scan.notes.items[0], "amounts disagree: 1440.00 and 1200.00"));
    scan_limits_default(&limits);
    limits.min_text_confidence = 1;
    invoice_scan_finish(&r.scan, &limits);
    assert_int_equal(r.scan.invoices.count, 0);
    invoice_scan_free(&r.scan);

    read_text("Invoice number: C-2\nAmount due: £850.00\nAmount due: £1,020.00", INVOICE_SOURCE_BODY, NULL, &r);
    assert_int_equal(r.scan.invoices.items[0].confidence, 0);
    invoice_scan_free(&r.scan);
    /* The same total twice, in figures and with its mark: no conflict. */
    expect_amount("Facture n° C-3\nTotal TTC : 1 800,00 €\nSoit 1 800,00 € TTC à régler.", 180000, "EUR");
    /* Two totals with tax, then what is left to pay: that decides. */
    expect_amount("Facture n° C-4\nTotal TTC : 4 800,00 €\nTotal TTC après avenant : 5 000,00 €\n"
                  "Reste à payer : 3 560,00 €",
                  356000, "EUR");
    /* One total per VAT rate, then the invoice's: the rates' shares are
     * no rivals. 105,50 + 240,00 = 345,50. */
    expect_amount("Facture n° C-6\nTotal TTC 5,5 % : 105,50 €\nTotal TTC 20 % : 240,00 €\n"
                  "Total TTC : 345,50 €",
                  34550, "EUR");
    /* A weaker label ("Montant") gives way to a better one. */
    expect_amount("Facture n° C-5\nMontant : 100,00 €\nTotal TTC : 120,00 €", 12000, "EUR");
}

static void test_threshold_rejects_with_reason(void **state)
{
    struct read_result r;
    struct scan_limits limits;

    (void)state;
    scan_limits_default(&limits);
    read_text("Please find attached invoice INV-4 for $500.", INVOICE_SOURCE_BODY, NULL, &r);
    invoice_scan_finish(&r.scan, &limits);
    assert_int_equal(r.scan.invoices.count, 0);
    assert_int_equal(r.scan.rejected_count, 1);
    assert_string_equal(r.scan.rejected[0].inv.number, "INV-4");
    assert_non_null(strstr(r.scan.rejected[0].why, "confidence 45 below MinimumConfidence 60"));
    /* The issue date came from the message's Date; no due date or terms. */
    assert_null(strstr(r.scan.rejected[0].why, "no issue date"));
    assert_non_null(strstr(r.scan.rejected[0].why, "no due date or payment terms"));
    invoice_scan_free(&r.scan);
    /* A lower threshold keeps it. */
    limits.min_text_confidence = 40;
    read_text("Please find attached invoice INV-4 for $500.", INVOICE_SOURCE_BODY, NULL, &r);
    invoice_scan_finish(&r.scan, &limits);
    assert_int_equal(r.scan.invoices.count, 1);
    invoice_scan_free(&r.scan);
}

/* ------------------------------------------------------------------ */
/* Kinds, paid marks, several invoices, credit notes                   */

static void test_not_tracked_kinds(void **state)
{
    struct read_result r;

    (void)state;
    read_text("DEVIS\nN° D-2026-014\nTotal TTC 3 575,00 €\nBon pour accord", INVOICE_SOURCE_PDF_TEXT, NULL,
              &r);
    assert_int_equal(r.merged, 0);
    assert_int_equal(r.scan.rejected_count, 1);
    assert_string_equal(r.scan.rejected[0].kind, "quote");
    invoice_scan_free(&r.scan);
    read_text("FACTURE N° GL-3402\nTotal TTC 312,00 €\nACQUITTÉE", INVOICE_SOURCE_PDF_TEXT, NULL, &r);
    assert_int_equal(r.merged, 0);
    assert_int_equal(r.scan.rejected_count, 1);
    assert_string_equal(r.scan.rejected[0].inv.number, "GL-3402");
    assert_non_null(strstr(r.scan.rejected[0].why, "marked paid"));
    invoice_scan_free(&r.scan);
    read_text("Facture n° FS-118\nTotal TTC : 6 600,00 €\nReste à payer : 0,00 €", INVOICE_SOURCE_BODY, NULL,
              &r);
    assert_int_equal(r.merged, 0);
    assert_non_null(strstr(r.scan.rejected[0].why, "nothing left to pay"));
    invoice_scan_free(&r.scan);
}

static void test_several_invoices(void **state)
{
    struct read_result r;

    (void)state;
    read_text("Here are two invoices.\n\nInvoice INV-301\nInvoice date: 12/01/2026\nAmount due: $400.00\n\n"
              "Invoice INV-302\nInvoice date: 12/02/2026\nAmount due: $650.00\n\nPayment terms: 30 days.\n",
              INVOICE_SOURCE_BODY, "Invoices for November", &r);
    assert_int_equal(r.scan.invoices.count, 2);
    assert_string_equal(r.scan.invoices.items[0].number, "INV-301");
    assert_int_equal(r.scan.invoices.items[0].amount_due, 40000);
    assert_string_equal(date_text(r.scan.invoices.items[0].issue_date), "2026-12-01");
    assert_string_equal(r.scan.invoices.items[1].number, "INV-302");
    assert_int_equal(r.scan.invoices.items[1].amount_due, 65000);
    assert_string_equal(date_text(r.scan.invoices.items[1].issue_date), "2026-12-02");
    /* The terms after the last invoice are the last invoice's. */
    assert_string_equal(date_text(r.scan.invoices.items[1].due_date), "2027-01-01");
    invoice_scan_free(&r.scan);
    /* An invoice that names another one is still one invoice. */
    read_text("Facture n° F-2\nCette facture annule et remplace la facture n° F-1.\nTotal TTC : 10,00 €",
              INVOICE_SOURCE_BODY, NULL, &r);
    assert_int_equal(r.scan.invoices.count, 1);
    assert_string_equal(r.scan.invoices.items[0].number, "F-2");
    invoice_scan_free(&r.scan);
}

static void test_credit_notes(void **state)
{
    struct read_result r;
    const struct invoice *inv;

    (void)state;
    read_text("AVOIR\nN° A-2026-003\nDate : 10/12/2026\nAvoir sur facture n° F2026-0042 du 01/12/2026\n"
              "Total TTC : -108,00 €",
              INVOICE_SOURCE_PDF_TEXT, NULL, &r);
    inv = only_record(&r);
    assert_int_equal(inv->type, INVOICE_TYPE_CREDIT_NOTE);
    assert_int_equal(inv->type_code, 381);
    assert_string_equal(inv->number, "A-2026-003");
    assert_string_equal(inv->referenced_number, "F2026-0042");
    assert_int_equal(inv->amount_due, 10800); /* what it takes off */
    assert_string_equal(date_text(inv->issue_date), "2026-12-10");
    invoice_scan_free(&r.scan);
    read_text(
        "Credit note CN-88\nDate: November 20, 2026\nRelated invoice: #AB12-0009\nCredit amount: $300.00",
        INVOICE_SOURCE_BODY, NULL, &r);
    inv = only_record(&r);
    assert_string_equal(inv->referenced_number, "AB12-0009");
    assert_int_equal(inv->amount_due, 30000);
    invoice_scan_free(&r.scan);
}

static void test_deposit_invoice(void **state)
{
    struct read_result r;
    const struct invoice *inv;

    (void)state;
    read_text("Facture d'acompte n° FA-10\nDate : 09/11/2026\nTotal de la prestation TTC : 6 600,00 €\n"
              "Acompte de 40 % – Net à payer : 2 640,00 €\nPayable à réception.",
              INVOICE_SOURCE_BODY, NULL, &r);
    inv = only_record(&r);
    assert_int_equal(inv->type, INVOICE_TYPE_INVOICE);
    assert_int_equal(inv->type_code, 386);
    assert_int_equal(inv->amount_due, 264000);
    assert_string_equal(date_text(inv->due_date), "2026-11-09");
    assert_int_equal(inv->due_basis, DUE_BASIS_TERMS);
    invoice_scan_free(&r.scan);
}

/* ------------------------------------------------------------------ */
/* The scan's last step                                                */

static void test_default_due_date(void **state)
{
    struct invoice_scan scan;
    struct scan_limits limits;
    struct invoice inv;

    (void)state;
    scan_limits_default(&limits);
    limits.default_terms_days = 45;
    invoice_scan_init(&scan);
    invoice_init(&inv);
    str_copy(inv.number, sizeof inv.number, "FA-2017-0010");
    inv.issue_date = (struct date){2017, 11, 13};
    inv.has_amount_due = true;
    inv.amount_due = 47015;
    invoice_scan_merge(&scan, &inv);
    /* A structured invoice whose terms are words: TERMS. */
    str_copy(inv.number, sizeof inv.number, "X-2");
    str_copy(inv.payment_terms, sizeof inv.payment_terms, "Payment within 30 days");
    invoice_scan_merge(&scan, &inv);
    /* A credit note is owed nothing: no due date. */
    str_copy(inv.number, sizeof inv.number, "AV-1");
    inv.type = INVOICE_TYPE_CREDIT_NOTE;
    invoice_scan_merge(&scan, &inv);
    invoice_scan_finish(&scan, &limits);
    assert_int_equal(scan.invoices.count, 3);
    /* 2017-11-13 + 45 days = 2017-12-28. */
    assert_string_equal(date_text(scan.invoices.items[0].due_date), "2017-12-28");
    assert_int_equal(scan.invoices.items[0].due_basis, DUE_BASIS_DEFAULT);
    assert_string_equal(date_text(scan.invoices.items[1].due_date), "2017-12-13");
    assert_int_equal(scan.invoices.items[1].due_basis, DUE_BASIS_TERMS);
    assert_false(date_is_set(scan.invoices.items[2].due_date));
    invoice_scan_free(&scan);
}

/* The body names an invoice that the attached PDF says is paid. */
static void test_body_refuted_by_pdf(void **state)
{
    struct text_origin pdf = {INVOICE_SOURCE_PDF_TEXT, "GL-3402.pdf", NULL, {0, 0, 0}};
    struct text_origin body = {INVOICE_SOURCE_BODY, "body", NULL, {2026, 11, 28}};
    const char *pdf_text = "FACTURE N° GL-3402\nDate : 28/11/2026\nTotal TTC 312,00 €\nACQUITTÉE";
    const char *body_text = "Facture n° GL-3402 du 28/11/2026\nTotal TTC : 312,00 €\nÉchéance : 28/12/2026";
    struct invoice_scan scan;
    struct scan_limits limits;

    (void)state;
    scan_limits_default(&limits);
    invoice_scan_init(&scan);
    invoice_text_read(body_text, strlen(body_text), &body, &limits, &scan);
    invoice_text_read(pdf_text, strlen(pdf_text), &pdf, &limits, &scan);
    invoice_scan_finish(&scan, &limits);
    assert_int_equal(scan.invoices.count, 0);
    assert_int_equal(scan.rejected_count, 2);
    invoice_scan_free(&scan);
}

/* ------------------------------------------------------------------ */
/* Bounds                                                              */

static void test_hostile_text_is_bounded(void **state)
{
    struct strbuf text;
    struct read_result r;
    uint64_t start;

    (void)state;
    strbuf_init(&text);
    for (int i = 0; text.len < 400000; i++)
        strbuf_printf(&text, "Facture n° F-%d\nNet à payer : %d,00 €\n", i, i + 1);
    start = cpu_ms();
    read_text(text.data, INVOICE_SOURCE_BODY, NULL, &r);
    /* At most TEXT_SEGMENTS_MAX invoices come out of one text. */
    assert_true(r.scan.invoices.count <= 16);
    assert_true(cpu_ms() - start < 20000);
    invoice_scan_free(&r.scan);
    strbuf_reset(&text);
    for (int i = 0; i < 100000; i++)
        strbuf_puts(&text, "1 ");
    read_text(text.data, INVOICE_SOURCE_BODY, "Facture", &r);
    assert_int_equal(r.scan.invoices.count, 0);
    invoice_scan_free(&r.scan);
    strbuf_free(&text);
}

static void test_worth_reading(void **state)
{
    (void)state;
    assert_true(invoice_text_worth_reading("Voici la FACTURE", 16));
    assert_true(invoice_text_worth_reading("your Invoice", 12));
    assert_false(invoice_text_worth_reading("Lunch on Friday?", 16));
    /* A word cut by the length, or by a NUL, is no word. */
    assert_false(invoice_text_worth_reading("credit", 5));
    assert_true(invoice_text_worth_reading("xxcredit", 8));
    assert_false(invoice_text_worth_reading("fact\0ure", 9));
    assert_true(invoice_text_worth_reading("GUTSCHRIFT", 10));
    assert_false(invoice_text_worth_reading("r\xc3\xa9" "chnung avoi", 14));
}

/* The words as the first version looked for them: one strncasecmp per
 * word and per position (C locale: ASCII case folding only). */
static bool worth_reading_reference(const char *text, size_t len)
{
    static const char *const words[] = {"factur", "invoice", "avoir", "credit", "rechnung", "gutschrift"};

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);

        for (size_t at = 0; at + n <= len; at++)
            if (strncasecmp(text + at, words[i], n) == 0)
                return true;
    }
    return false;
}

/* The one-pass test answers as the reference on texts made of pieces of
 * the words, their case changed, NUL and 8-bit bytes between them. */
static void test_worth_reading_same_answers(void **state)
{
    static const char *const pieces[] = {"fact", "ur", "FACTUR", "Invo", "ice", "avo", "ir", "CREDIT", "cred",
                                         "Rech", "nung", "gutschr", "ift", " ", "\xc3\xa9", "\xff", "a", "g"};
    unsigned seed = 12345;
    int yes = 0, no = 0;

    (void)state;
    for (int round = 0; round < 20000; round++) {
        char text[64];
        size_t len = 0;

        while (len < 40) {
            const char *piece;

            seed = seed * 1103515245u + 12345u;
            piece = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            if ((seed >> 8) % 17 == 0) {
                text[len++] = '\0';
                continue;
            }
            memcpy(text + len, piece, strlen(piece));
            len += strlen(piece);
        }
        for (size_t cut = len - 12; cut <= len; cut++) {
            bool want = worth_reading_reference(text, cut);

            assert_int_equal(invoice_text_worth_reading(text, cut), want);
            yes += want;
            no += !want;
        }
    }
    assert_true(yes > 1000 && no > 1000); /* both answers were tried */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_labels),
        cmocka_unit_test(test_fields_from_labels),
        cmocka_unit_test(test_month_first_in_american_documents),
        cmocka_unit_test(test_confidence_scale),
        cmocka_unit_test(test_amount_with_its_tax_mark_after),
        cmocka_unit_test(test_amount_currency_forms),
        cmocka_unit_test(test_counts_terms_and_rates_are_not_amounts),
        cmocka_unit_test(test_conflicting_amounts),
        cmocka_unit_test(test_threshold_rejects_with_reason),
        cmocka_unit_test(test_not_tracked_kinds),
        cmocka_unit_test(test_several_invoices),
        cmocka_unit_test(test_credit_notes),
        cmocka_unit_test(test_deposit_invoice),
        cmocka_unit_test(test_default_due_date),
        cmocka_unit_test(test_body_refuted_by_pdf),
        cmocka_unit_test(test_hostile_text_is_bounded),
        cmocka_unit_test(test_worth_reading),
        cmocka_unit_test(test_worth_reading_same_answers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
