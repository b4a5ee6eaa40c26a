/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_invoice_owner.c - whose invoice is it (core/invoice_owner.c): ids
 * normalised and compared (SIREN in SIRET and French VAT ids), names
 * compared loosely, the decision in each case and the reason it gives;
 * and the party ids the CII and UBL readers hand to it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/invoice_owner.h"
#include "recognise/invoice_xml.h"

static void test_ids(void **state)
{
    char id[COMPANY_ID_MAX + 1];

    (void)state;
    assert_true(company_id_normalise(" fr 12-123.456 789 ", id, sizeof id));
    assert_string_equal(id, "FR12123456789");
    assert_false(company_id_normalise(" - . ", id, sizeof id));
    assert_false(company_id_normalise("123456789012345678901234567890123456", id, sizeof id));
    assert_true(company_ids_match("123456789", "123456789"));
    assert_true(company_ids_match("123456789", "12345678900017"));  /* SIRET */
    assert_true(company_ids_match("12345678900025", "123456789"));
    assert_true(company_ids_match("FR12123456789", "123456789"));   /* French VAT */
    assert_true(company_ids_match("FR12123456789", "12345678900017"));
    assert_false(company_ids_match("123456789", "987654321"));
    assert_false(company_ids_match("DE123456789", "123456789"));     /* not a SIREN */
    assert_false(company_ids_match("12345678", "123456789"));
}

static void test_names(void **state)
{
    (void)state;
    assert_false(company_names_differ("ACME Industries SAS", "acme industries"));
    assert_false(company_names_differ("ACME", "ACME Industries S.A.S."));
    assert_false(company_names_differ("Société Menuiserie Martin, SARL", "Menuiserie Martin"));
    assert_true(company_names_differ("Fournitures Dubois SARL", "ACME Industries SAS"));
    assert_true(company_names_differ("Acmeco", "ACME"));   /* whole words only */
    assert_false(company_names_differ("", "ACME"));         /* nothing to compare */
    assert_false(company_names_differ("SARL", "ACME"));
}

static struct invoice invoice_of(const char *seller, const char *seller_ids, const char *buyer_ids)
{
    struct invoice inv;

    invoice_init(&inv);
    str_copy(inv.number, sizeof inv.number, "F-1");
    str_copy(inv.seller_name, sizeof inv.seller_name, seller);
    str_copy(inv.seller_ids, sizeof inv.seller_ids, seller_ids);
    str_copy(inv.buyer_ids, sizeof inv.buyer_ids, buyer_ids);
    return inv;
}

static enum owner_verdict verdict(const char *name, const struct strlist *ids, const struct invoice *inv,
                                  const char *why)
{
    struct owner_decision d;

    invoice_owner_decide(name, ids, inv, &d);
    assert_string_equal(d.why, why);
    assert_int_equal(invoice_owner_tracked(d.verdict), d.verdict != OWNER_NOT_OURS);
    return d.verdict;
}

static void test_decision(void **state)
{
    struct strlist none, ids;
    struct invoice inv;

    (void)state;
    strlist_init(&none);
    strlist_init(&ids);
    strlist_add(&ids, "123456789");
    strlist_add(&ids, "FR40123456789");

    /* Nothing configured: nothing to check, tracked as before. */
    inv = invoice_of("Fournitures Dubois SARL", "987654321", "123456789");
    assert_int_equal(verdict("", &none, &inv, "no check: CreditorName and CreditorIds are empty"),
                     OWNER_UNCHECKED);

    /* Our own invoice, by id (the name a trade name), by SIRET, by name. */
    inv = invoice_of("ACME", "12345678900017 FR40123456789", "55566677700011");
    assert_int_equal(verdict("ACME Industries SAS", &ids, &inv, "seller: SIRET 12345678900017 matches CreditorIds"),
                     OWNER_OURS);
    inv = invoice_of("Trade name", "FR40123456789", "");
    assert_int_equal(verdict("ACME Industries SAS", &ids, &inv, "seller: VAT FR40123456789 matches CreditorIds"),
                     OWNER_OURS);
    inv = invoice_of("ACME Industries", "", "");
    assert_int_equal(verdict("ACME Industries SAS", &ids, &inv, "seller: 'ACME Industries' matches CreditorName"),
                     OWNER_OURS);

    /* A supplier's invoice to us: by the buyer's id, by the seller's id,
     * by the seller's name. */
    inv = invoice_of("Fournitures Dubois SARL", "", "FR40123456789");
    assert_int_equal(verdict("ACME Industries SAS", &ids, &inv,
                             "not ours: the buyer's VAT FR40123456789 is in CreditorIds"),
                     OWNER_NOT_OURS);
    inv = invoice_of("ACME Industries SAS", "987654321", "");
    assert_int_equal(verdict("ACME Industries SAS", &ids, &inv, "not ours: seller SIREN 987654321 not in CreditorIds"),
                     OWNER_NOT_OURS);
    inv = invoice_of("Fournitures Dubois SARL", "", "");
    assert_int_equal(verdict("ACME Industries SAS", &ids, &inv,
                             "not ours: seller 'Fournitures Dubois SARL' is not CreditorName 'ACME Industries SAS'"),
                     OWNER_NOT_OURS);
    /* Seller ids but no CreditorIds: the name decides. */
    inv = invoice_of("ACME Industries SAS", "987654321", "");
    assert_int_equal(verdict("ACME Industries SAS", &none, &inv, "seller: 'ACME Industries SAS' matches CreditorName"),
                     OWNER_OURS);

    /* A text invoice names nobody: taken as ours. */
    inv = invoice_of("", "", "");
    assert_int_equal(verdict("ACME Industries SAS", &ids, &inv, "seller not named in the document: taken as ours"),
                     OWNER_UNKNOWN);
    strlist_free(&ids);
    strlist_free(&none);
}

static const char cii[] =
    "<?xml version=\"1.0\"?>\n"
    "<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\""
    " xmlns:ram=\"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100\">"
    "<rsm:ExchangedDocument><ram:ID>FD-77</ram:ID><ram:TypeCode>380</ram:TypeCode></rsm:ExchangedDocument>"
    "<rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeAgreement>"
    "<ram:SellerTradeParty><ram:Name>Fournitures Dubois SARL</ram:Name>"
    "<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0002\">987 654 321</ram:ID></ram:SpecifiedLegalOrganization>"
    "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">FR 55 987654321</ram:ID></ram:SpecifiedTaxRegistration>"
    "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"FC\">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>"
    "</ram:SellerTradeParty>"
    "<ram:BuyerTradeParty><ram:Name>ACME Industries SAS</ram:Name>"
    "<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0009\">12345678900017</ram:ID></ram:SpecifiedLegalOrganization>"
    "<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0088\">5790000435975</ram:ID></ram:SpecifiedLegalOrganization>"
    "</ram:BuyerTradeParty>"
    "</ram:ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>\n";

static const char ubl[] =
    "<?xml version=\"1.0\"?>\n"
    "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\""
    " xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\""
    " xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">"
    "<cbc:ID>U-9</cbc:ID><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
    "<cac:AccountingSupplierParty><cac:Party>"
    "<cac:PartyTaxScheme><cbc:CompanyID>FR40123456789</cbc:CompanyID></cac:PartyTaxScheme>"
    "<cac:PartyTaxScheme><cbc:CompanyID>fr40 123456789</cbc:CompanyID></cac:PartyTaxScheme>"
    "<cac:PartyLegalEntity><cbc:RegistrationName>ACME Industries SAS</cbc:RegistrationName>"
    "<cbc:CompanyID schemeID=\"0002\">123456789</cbc:CompanyID></cac:PartyLegalEntity>"
    "</cac:Party></cac:AccountingSupplierParty>"
    "<cac:AccountingCustomerParty><cac:Party>"
    "<cac:PartyLegalEntity><cbc:RegistrationName>Client SA</cbc:RegistrationName>"
    "<cbc:CompanyID>55566677700011</cbc:CompanyID></cac:PartyLegalEntity>"
    "</cac:Party></cac:AccountingCustomerParty>"
    "</Invoice>\n";

static void test_readers_give_party_ids(void **state)
{
    struct invoice inv;
    char why[256];

    (void)state;
    assert_int_equal(invoice_xml_read(cii, sizeof cii - 1, &inv, why, sizeof why), INVOICE_XML_INVOICE);
    assert_string_equal(inv.seller_ids, "987654321 FR55987654321"); /* not the fiscal number (FC) */
    /* The buyer's GLN (GlobalID, scheme 0088) is a buyer identifier (BT-46):
     * it makes the debtor a business, and cannot match CreditorIds' SIRENs. */
    assert_string_equal(inv.buyer_ids, "12345678900017 5790000435975");
    assert_int_equal(invoice_xml_read(ubl, sizeof ubl - 1, &inv, why, sizeof why), INVOICE_XML_INVOICE);
    assert_string_equal(inv.seller_ids, "123456789 FR40123456789"); /* once each */
    assert_string_equal(inv.buyer_ids, "55566677700011");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_decision),
        cmocka_unit_test(test_readers_give_party_ids),
    };

    invoice_xml_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
