/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_debtor_kind.c - who is a business: the buyer's ids an invoice
 * gives (CII, UBL, text), what each kind is claimed, the mediator named
 * to consumers, and the store's record of where a kind came from.
 *
 * Amounts by hand, at ContractualRate 12.15 % (set here so that the
 * statutory rate's updates do not move them): 1 000.00 EUR due on
 * 30 January 2026, reminded on 1 March 2026, is 30 days late (1 day in
 * January, 28 in February, 1 in March). Penalties: 100000 cents x 0.1215
 * x 30 / 365 = 3 645 000 / 365 = 998.63 -> 999 cents (9.99 EUR); the
 * indemnity (D441-5) 40.00 EUR. A business owes 1 000.00 + 9.99 + 40.00 =
 * 1 049.99 EUR; an unknown debtor and a consumer 1 000.00 EUR.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/debtor_kind.h"
#include "lib/template.h"
#include "lib/util.h"
#include "recognise/invoice_text.h"
#include "recognise/invoice_xml.h"
#include "remind/reminder_content.h"
#include "store/store.h"

#ifndef TOP_DIR
#define TOP_DIR "."
#endif

static struct config *test_config(const char *extra)
{
    char *text = xasprintf("CreditorName ACME Industries SAS\n"
                           "CreditorAddress 12 rue de la Paix, 75002 Paris\n"
                           "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189\n"
                           "AgencyName Recouvrement Durand\n"
                           "AgencyAddress 3 place Bellecour, 69002 Lyon\n"
                           "AgencySender relances@agency.test\n"
                           "ReplyAddress reponses@agency.test\n"
                           "ContractualRate 12.15\n%s",
                           extra);
    struct config *cfg = config_parse_text("test.conf", text, NULL);

    free(text);
    assert_non_null(cfg);
    return cfg;
}

static struct date d(const char *text)
{
    struct date out = {0, 0, 0};
    assert_true(date_parse(text, &out));
    return out;
}

static void due_case_init(struct due_case *dc)
{
    memset(dc, 0, sizeof *dc);
    invoice_init(&dc->c.inv);
    dc->c.id = 1;
    str_copy(dc->c.inv.number, sizeof dc->c.inv.number, "F-1");
    str_copy(dc->c.inv.currency, sizeof dc->c.inv.currency, "EUR");
    dc->c.inv.issue_date = d("2025-12-31");
    dc->c.inv.due_date = d("2026-01-30");
    dc->c.inv.amount_due = 100000;
    dc->c.balance = 100000;
    str_copy(dc->c.debtor_email, sizeof dc->c.debtor_email, "martin@client.test");
    dc->c.status = CASE_OPEN;
}

/* ---- amounts ---- */

static void test_default_is_unknown(void **state)
{
    struct config *cfg = test_config("");

    (void)state;
    assert_int_equal(cfg->default_debtor_kind, DEBTOR_KIND_UNKNOWN);
    assert_int_equal(debtor_kind_effective("", DEBTOR_KIND_UNKNOWN), DEBTOR_KIND_UNKNOWN);
    assert_int_equal(debtor_kind_effective("business", DEBTOR_KIND_UNKNOWN), DEBTOR_KIND_BUSINESS);
    assert_int_equal(debtor_kind_effective("consumer", DEBTOR_KIND_BUSINESS), DEBTOR_KIND_CONSUMER);
    assert_int_equal(debtor_kind_effective("", DEBTOR_KIND_CONSUMER), DEBTOR_KIND_CONSUMER);
    config_unref(cfg);
}

static void test_unknown_owes_the_principal_only(void **state)
{
    struct config *cfg = test_config("");
    struct due_case dc;
    struct reminder_line line = {&dc, 0, 0, 0, 0};

    (void)state;
    due_case_init(&dc);
    /* No buyer id: unknown. 1 000.00 EUR, nothing more. */
    reminder_line_amounts(cfg, true, DEBTOR_KIND_UNKNOWN, d("2026-03-01"), NULL, 0, &line);
    assert_int_equal(line.days_late, 30);
    assert_int_equal(line.principal, 100000);
    assert_int_equal(line.penalties, 0);
    assert_int_equal(line.indemnity, 0);
    reminder_line_amounts(cfg, true, DEBTOR_KIND_CONSUMER, d("2026-03-01"), NULL, 0, &line);
    assert_int_equal(line.penalties + line.indemnity, 0);
    /* A buyer with a SIRET: business. 999 cents of penalties and 4000 of
     * indemnity (see the header). */
    reminder_line_amounts(cfg, true, DEBTOR_KIND_BUSINESS, d("2026-03-01"), NULL, 0, &line);
    assert_int_equal(line.principal, 100000);
    assert_int_equal(line.penalties, 999);
    assert_int_equal(line.indemnity, 4000);
    config_unref(cfg);
}

/* The French text of step `step` for a debtor of this kind. */
static char *render(const struct config *cfg, int step, enum debtor_kind kind)
{
    const struct ladder_step *s = &cfg->steps.items[step - 1];
    struct due_case dc;
    struct reminder_line line = {&dc, 0, 0, 0, 0};
    struct reminder_content rc = {cfg, s, step, LANG_FR, kind, d("2026-03-01"), "x", "r@x.test", &line, 1, NULL, NULL};
    struct template_vars vars;
    struct rendered out;
    struct template t;
    char why[300], *text, *w;

    due_case_init(&dc);
    reminder_line_amounts(cfg, s->claim, kind, rc.today, NULL, 0, &line);
    assert_true(template_load(TOP_DIR "/conf/templates", LANG_FR, s->template_name, &t, why, sizeof why));
    template_vars_init(&vars);
    reminder_content_vars(&rc, &vars);
    if (!template_render(&t, &vars, LANG_FR, TEMPLATE_RED, &out, why, sizeof why))
        fail_msg("%s: %s", s->template_name, why);
    text = xstrdup(out.text);
    for (w = text; *w; w++)
        if (*w == '\n')
            *w = ' ';
    rendered_free(&out);
    template_vars_free(&vars);
    template_free(&t);
    return text;
}

static void test_unknown_is_claimed_nothing_more(void **state)
{
    struct config *cfg = test_config("");
    char *text;

    (void)state;
    /* Step 2 (avis d'impayé) claims penalties from a business. */
    text = render(cfg, 2, DEBTOR_KIND_BUSINESS);
    assert_non_null(strstr(text, "L441-10"));
    assert_non_null(strstr(text, "40,00"));
    free(text);
    for (int step = 1; step <= 6; step++) {
        text = render(cfg, step, DEBTOR_KIND_UNKNOWN);
        assert_null(strstr(text, "L441-10"));
        assert_null(strstr(text, "D441-5"));
        assert_null(strstr(text, "40,00"));
        assert_null(strstr(text, "9,99"));
        assert_non_null(strstr(text, "1\xe2\x80\xaf" "000,00") ? text : strstr(text, "1\xc2\xa0" "000,00"));
        free(text);
    }
    config_unref(cfg);
}

static void test_mediator_named_to_consumers(void **state)
{
    struct config *plain = test_config("");
    struct config *cfg = test_config("MediatorName CM2C\nMediatorAddress 14 rue Saint-Jean, 75017 Paris\n"
                                     "MediatorWebsite https://www.cm2c.net\n");
    char *text;

    (void)state;
    for (int step = 1; step <= 6; step++) {
        text = render(cfg, step, DEBTOR_KIND_CONSUMER);
        assert_non_null(strstr(text, "CM2C, 14 rue Saint-Jean, 75017 Paris, https://www.cm2c.net"));
        assert_non_null(strstr(text, "L612-1"));
        free(text);
        text = render(cfg, step, DEBTOR_KIND_UNKNOWN);
        assert_non_null(strstr(text, "Si vous agissez en qualité de consommateur"));
        free(text);
        text = render(cfg, step, DEBTOR_KIND_BUSINESS);
        assert_null(strstr(text, "CM2C"));
        free(text);
        text = render(plain, step, DEBTOR_KIND_CONSUMER);
        assert_null(strstr(text, "médiateur"));
        free(text);
    }
    config_unref(cfg);
    config_unref(plain);
}

/* ---- the buyer's ids ---- */

static void read_body(const char *utf8, struct invoice_scan *scan)
{
    struct text_origin origin = {INVOICE_SOURCE_BODY, "body", NULL, {2026, 1, 1}};
    struct scan_limits limits;

    scan_limits_default(&limits);
    invoice_scan_init(scan);
    assert_int_equal(invoice_text_read(utf8, strlen(utf8), &origin, &limits, scan), 1);
}

static void expect_buyer_ids(const char *utf8, const char *ids)
{
    struct invoice_scan scan;

    read_body(utf8, &scan);
    if (strcmp(scan.invoices.items[0].buyer_ids, ids) != 0)
        fail_msg("expected buyer ids '%s', got '%s' in:\n%s", ids, scan.invoices.items[0].buyer_ids, utf8);
    invoice_scan_free(&scan);
}

#define INVOICE_TOP "ACME Industries SAS\n12 rue de la Paix, 75002 Paris\n\nFacture n° F-2026-001 du 01/01/2026\n\n"
#define INVOICE_END "\nTotal TTC : 1 000,00 €\nÉchéance : 30/01/2026\n"

static void test_text_buyer_ids(void **state)
{
    (void)state;
    /* Labelled as the client's. */
    expect_buyer_ids(INVOICE_TOP "SIRET client : 732 829 320 00074" INVOICE_END, "73282932000074");
    expect_buyer_ids(INVOICE_TOP "N° TVA intracommunautaire du client : FR44 732829320" INVOICE_END,
                     "FR44732829320");
    expect_buyer_ids(INVOICE_TOP "Customer VAT number: FR44732829320" INVOICE_END, "FR44732829320");
    /* In the buyer's address block. */
    expect_buyer_ids(INVOICE_TOP "Facturé à :\nMartin SARL\n3 rue Neuve, 69001 Lyon\nSIRET : 73282932000074\n"
                                 INVOICE_END,
                     "73282932000074");
    /* The seller's own SIRET never makes the buyer a business. */
    expect_buyer_ids(INVOICE_TOP "SIRET : 44306184100047\nTVA : FR64443061841\n" INVOICE_END, "");
    expect_buyer_ids(INVOICE_TOP "Client : Jean Dupont\n5 rue Basse, 69002 Lyon\n\nSIRET : 44306184100047\n"
                                 INVOICE_END,
                     "");
    expect_buyer_ids(INVOICE_TOP "SIRET fournisseur : 44306184100047" INVOICE_END, "");
    /* Two columns, seller's beside buyer's: the block's id is not taken. */
    expect_buyer_ids(INVOICE_TOP "Client : Martin SARL\nSIRET : 44306184100047     3 rue Neuve\n" INVOICE_END, "");
    /* The block holds an id the footer also gives unlabelled: whose is it? */
    expect_buyer_ids(INVOICE_TOP "Client :\nMartin SARL\nSIRET 44306184100047\n\nACME SAS, SIREN 443061841"
                                 INVOICE_END,
                     "");
    /* A bad key is no id. */
    expect_buyer_ids(INVOICE_TOP "SIRET client : 73282932000075" INVOICE_END, "");
}

#define NS_CII "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"

static void read_xml(const char *buyer_xml, bool ubl, struct invoice *inv)
{
    char why[256];
    char *doc = ubl ? xasprintf("<?xml version='1.0'?>"
                                "<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'"
                                " xmlns:cac='urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2'"
                                " xmlns:cbc='urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2'>"
                                "<cbc:ID>U-1</cbc:ID><cbc:IssueDate>2026-01-01</cbc:IssueDate>"
                                "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
                                "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>"
                                "<cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity>"
                                "<cbc:RegistrationName>Seller</cbc:RegistrationName>"
                                "<cbc:CompanyID schemeID='0002'>443061841</cbc:CompanyID>"
                                "</cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>"
                                "<cac:AccountingCustomerParty><cac:Party>%s</cac:Party></cac:AccountingCustomerParty>"
                                "<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID='EUR'>10.00</cbc:PayableAmount>"
                                "</cac:LegalMonetaryTotal></Invoice>",
                                buyer_xml)
                      : xasprintf("<?xml version='1.0'?><rsm:CrossIndustryInvoice xmlns:rsm='" NS_CII "'"
                                  " xmlns:ram='urn:un:unece:uncefact:data:standard:"
                                  "ReusableAggregateBusinessInformationEntity:100'>"
                                  "<rsm:ExchangedDocument><ram:ID>C-1</ram:ID><ram:TypeCode>380</ram:TypeCode>"
                                  "</rsm:ExchangedDocument><rsm:SupplyChainTradeTransaction>"
                                  "<ram:ApplicableHeaderTradeAgreement>"
                                  "<ram:SellerTradeParty><ram:Name>Seller</ram:Name>"
                                  "<ram:SpecifiedTaxRegistration><ram:ID schemeID='VA'>FR64443061841</ram:ID>"
                                  "</ram:SpecifiedTaxRegistration></ram:SellerTradeParty>"
                                  "<ram:BuyerTradeParty><ram:Name>Buyer</ram:Name>%s</ram:BuyerTradeParty>"
                                  "</ram:ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction>"
                                  "</rsm:CrossIndustryInvoice>",
                                  buyer_xml);

    invoice_init(inv);
    assert_int_equal(invoice_xml_read(doc, strlen(doc), inv, why, sizeof why), INVOICE_XML_INVOICE);
    free(doc);
}

static void test_xml_buyer_ids(void **state)
{
    struct invoice inv;

    (void)state;
    read_xml("<ram:ID>CUST-42</ram:ID>", false, &inv); /* the seller's customer number: no */
    assert_string_equal(inv.buyer_ids, "");
    assert_string_equal(inv.seller_ids, "FR64443061841");
    read_xml("<ram:GlobalID schemeID='0088'>3012345678901</ram:GlobalID>"
             "<ram:SpecifiedLegalOrganization><ram:ID schemeID='0199'>969500ABCDEFGHIJKL12</ram:ID>"
             "</ram:SpecifiedLegalOrganization>"
             "<ram:SpecifiedTaxRegistration><ram:ID schemeID='VA'>FR44732829320</ram:ID></ram:SpecifiedTaxRegistration>",
             false, &inv);
    assert_string_equal(inv.buyer_ids, "969500ABCDEFGHIJKL12 FR44732829320 3012345678901");
    read_xml("<cac:PartyIdentification><cbc:ID>C42</cbc:ID></cac:PartyIdentification>"
             "<cac:PartyLegalEntity><cbc:RegistrationName>Jean Dupont</cbc:RegistrationName></cac:PartyLegalEntity>",
             true, &inv);
    assert_string_equal(inv.buyer_ids, "");
    assert_string_equal(inv.seller_ids, "443061841");
    read_xml("<cac:PartyIdentification><cbc:ID schemeID='0009'>73282932000074</cbc:ID></cac:PartyIdentification>"
             "<cac:PartyTaxScheme><cbc:CompanyID>FR44732829320</cbc:CompanyID>"
             "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
             "<cac:PartyLegalEntity><cbc:RegistrationName>Martin</cbc:RegistrationName>"
             "<cbc:CompanyID schemeID='0199'>969500ABCDEFGHIJKL12</cbc:CompanyID></cac:PartyLegalEntity>",
             true, &inv);
    assert_string_equal(inv.buyer_ids, "969500ABCDEFGHIJKL12 FR44732829320 73282932000074");
}

/* ---- the store ---- */

static void track(struct store *st, const struct audit_key *key, const char *number, const char *buyer_ids,
                  const char *email, struct case_row *c)
{
    struct track_context tc = {email, "m@creditor.test", "Q1", "test"};
    struct invoice inv;
    bool created;

    invoice_init(&inv);
    str_copy(inv.number, sizeof inv.number, number);
    str_copy(inv.seller_name, sizeof inv.seller_name, "ACME");
    str_copy(inv.currency, sizeof inv.currency, "EUR");
    str_copy(inv.buyer_ids, sizeof inv.buyer_ids, buyer_ids);
    inv.has_amount_due = true;
    inv.amount_due = 100000;
    inv.due_date = d("2026-01-30");
    assert_int_equal(store_track_invoice(st, key, &inv, &tc, c, &created), STORE_OK);
}

static void test_store_kind_source(void **state)
{
    char dir[] = "/tmp/relance-kind-XXXXXX", path[128], why[256];
    struct audit_key key;
    struct store *st;
    struct case_row c;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/relance.db", dir);
    st = store_open(path, 2000, why, sizeof why);
    assert_non_null(st);
    memset(key.bytes, 3, sizeof key.bytes);
    /* No id: nothing recorded, the default applies. */
    track(st, &key, "F-1", "", "jean@home.test", &c);
    assert_string_equal(c.debtor_kind, "");
    assert_string_equal(c.debtor_kind_source, "");
    /* The next invoice names the buyer's SIRET: business, from the invoice. */
    track(st, &key, "F-2", "73282932000074 FR44732829320", "jean@home.test", &c);
    assert_string_equal(c.debtor_kind, "business");
    assert_string_equal(c.debtor_kind_source, "invoice");
    assert_string_equal(c.debtor_kind_evidence, "SIRET 73282932000074 on invoice F-2");
    assert_int_equal(store_get_case(st, 1, &c), STORE_OK); /* the debtor's, so every case's */
    assert_string_equal(c.debtor_kind, "business");
    /* The operator's word wins, and no invoice changes it afterwards. */
    assert_int_equal(store_set_debtor_profile(st, &key, "jean@home.test", "consumer", NULL, "operator"), STORE_OK);
    track(st, &key, "F-3", "73282932000074", "jean@home.test", &c);
    assert_string_equal(c.debtor_kind, "consumer");
    assert_string_equal(c.debtor_kind_source, "operator");
    assert_string_equal(c.debtor_kind_evidence, "");
    /* A language alone leaves the kind and its source alone. */
    assert_int_equal(store_set_debtor_profile(st, &key, "jean@home.test", NULL, "en", "operator"), STORE_OK);
    assert_int_equal(store_get_case(st, c.id, &c), STORE_OK);
    assert_string_equal(c.debtor_kind_source, "operator");
    /* An operator's business before any invoice stays the operator's. */
    assert_int_equal(store_set_debtor_profile(st, &key, "pro@firm.test", "business", NULL, "operator"), STORE_OK);
    track(st, &key, "F-4", "443061841", "pro@firm.test", &c);
    assert_string_equal(c.debtor_kind_source, "operator");
    assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
    store_close(st);
    unlink(path);
    snprintf(why, sizeof why, "%s-wal", path);
    unlink(why);
    snprintf(why, sizeof why, "%s-shm", path);
    unlink(why);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_is_unknown),
        cmocka_unit_test(test_unknown_owes_the_principal_only),
        cmocka_unit_test(test_unknown_is_claimed_nothing_more),
        cmocka_unit_test(test_mediator_named_to_consumers),
        cmocka_unit_test(test_text_buyer_ids),
        cmocka_unit_test(test_xml_buyer_ids),
        cmocka_unit_test(test_store_kind_source),
    };

    invoice_xml_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
