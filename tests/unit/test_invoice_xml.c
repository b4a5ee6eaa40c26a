/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_invoice_xml.c - the CII/UBL reader against the invoice corpus and
 * against hostile input.
 *
 * The corpus part reads $RELANCE_CORPUS/MANIFEST.tsv (default
 * tests/data/corpus) and checks every row under cii/ and ubl/ field by
 * field against the values the manifest gives; expected values come from
 * the manifest (and, for the buyer's contact e-mail, from a table read by
 * hand from the files), never from the code under test. A missing corpus
 * fails the test. The PDFs under facturx/ are checked by
 * test_invoice_facturx.c; the XML files extracted from them are only
 * required to be readable here.
 *
 * Not covered here: PDF handling (test_invoice_facturx.c), the choice
 * between sources (test_invoice.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "cpu_time.h"
#include "core/invoice.h"
#include "core/money.h"
#include "lib/date.h"
#include "lib/util.h"
#include "recognise/invoice_xml.h"


#define NS_CII "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"

#include "corpus.h"


static void check_xml_row(const struct manifest *m, size_t row, struct score *s)
{
    const char *path = cell(m, row, "local_path");
    struct invoice inv;
    char why[256];
    size_t len;
    char *data = corpus_read(path, &len);
    enum invoice_xml_result res;

    assert_non_null(data);
    res = invoice_xml_read(data, len, &inv, why, sizeof why);
    free(data);
    if (row_is_not_invoice(m, row)) {
        check_field(s, path, "result", "not an invoice",
                    res == INVOICE_XML_NOT_INVOICE ? "not an invoice" : why);
        return;
    }
    s->checked++;
    if (res != INVOICE_XML_INVOICE) {
        print_message("  WRONG %s: not read as an invoice: %s\n", path, why);
        return;
    }
    s->right++;
    check_invoice_fields(m, row, &inv, s);
    assert_int_equal(inv.confidence, 100);
    assert_int_equal(inv.source, strncmp(path, "ubl/", 4) == 0 ? INVOICE_SOURCE_UBL
                                                               : INVOICE_SOURCE_CII);
}

/* Every row of a corpus directory; no row is exempt: each status (valid
 * and non-compliant) has values that must be read right. */
static void check_corpus_dir(const char *dir)
{
    struct manifest m;
    struct score s = {0, 0};
    size_t prefix = strlen(dir);
    int rows = 0;

    if (!manifest_load(&m))
        fail_msg("corpus manifest missing under %s (set RELANCE_CORPUS)", corpus_dir());
    for (size_t row = 0; row < m.nrows; row++) {
        const char *path = cell(&m, row, "local_path");

        if (strncmp(path, dir, prefix) != 0 || path[prefix] != '/')
            continue;
        rows++;
        check_xml_row(&m, row, &s);
    }
    manifest_free(&m);
    print_message("corpus %s: %d/%d fields right (%d files)\n", dir, s.right, s.checked, rows);
    assert_true(rows > 0);
    assert_int_equal(s.right, s.checked);
}

static void test_corpus_cii(void **state)
{
    (void)state;
    check_corpus_dir("cii");
}

static void test_corpus_ubl(void **state)
{
    (void)state;
    check_corpus_dir("ubl");
}

/* The XML files extracted from the corpus PDFs: each must be read as an
 * invoice or recognised as something else, never refused as unreadable
 * (one declares the non-existent encoding 'UTF-8-W/O-BOM', one starts
 * with a BOM). */
static void test_embedded_xml_readable(void **state)
{
    char *dir = xasprintf("%s/facturx/embedded", corpus_dir());
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;

    (void)state;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char *rel, *data;
        size_t len;
        struct invoice inv;
        char why[256];

        if (!str_iends_with(e->d_name, ".xml"))
            continue;
        rel = xasprintf("facturx/embedded/%s", e->d_name);
        data = corpus_read(rel, &len);
        assert_non_null(data);
        if (invoice_xml_read(data, len, &inv, why, sizeof why) == INVOICE_XML_ERROR)
            fail_msg("%s refused: %s", rel, why);
        files++;
        free(data);
        free(rel);
    }
    closedir(d);
    free(dir);
    assert_true(files > 0);
}

/* ------------------------------------------------------------------ */
/* Small documents                                                     */

/* A CII D16B document with the given header, agreement and settlement
 * contents. */
static char *cii_doc(const char *header, const char *agreement, const char *settlement)
{
    return xasprintf("<?xml version='1.0' encoding='UTF-8'?>\n"
                     "<rsm:CrossIndustryInvoice xmlns:rsm='" NS_CII "'"
                     " xmlns:ram='urn:un:unece:uncefact:data:standard:"
                     "ReusableAggregateBusinessInformationEntity:100'"
                     " xmlns:udt='urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100'>"
                     "<rsm:ExchangedDocument><ram:ID>T-1</ram:ID>%s</rsm:ExchangedDocument>"
                     "<rsm:SupplyChainTradeTransaction>"
                     "<ram:ApplicableHeaderTradeAgreement>"
                     "<ram:SellerTradeParty><ram:Name>Seller</ram:Name></ram:SellerTradeParty>"
                     "%s</ram:ApplicableHeaderTradeAgreement>"
                     "<ram:ApplicableHeaderTradeSettlement>%s</ram:ApplicableHeaderTradeSettlement>"
                     "</rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>",
                     header, agreement, settlement);
}

static enum invoice_xml_result read_str(const char *doc, struct invoice *inv, char *why,
                                        size_t whylen)
{
    return invoice_xml_read(doc, strlen(doc), inv, why, whylen);
}

static char *date_str(struct date d)
{
    static char buf[DATE_STR_MAX];

    date_format(d, buf);
    return buf;
}

#define TERM(desc, date, extra)                                                                    \
    "<ram:SpecifiedTradePaymentTerms><ram:Description>" desc "</ram:Description>"                  \
    "<ram:DueDateDateTime><udt:DateTimeString format='102'>" date                                  \
    "</udt:DateTimeString></ram:DueDateDateTime>" extra "</ram:SpecifiedTradePaymentTerms>"

static void expect_due(const char *settlement, const char *expected)
{
    char *doc = cii_doc("<ram:TypeCode>380</ram:TypeCode>", "", settlement);
    struct invoice inv;
    char why[256];

    assert_int_equal(read_str(doc, &inv, why, sizeof why), INVOICE_XML_INVOICE);
    assert_string_equal(date_str(inv.due_date), expected);
    assert_int_equal(inv.due_basis, expected[0] ? DUE_BASIS_DOCUMENT : DUE_BASIS_NONE);
    free(doc);
}

static void test_due_date_among_terms(void **state)
{
    (void)state;
    /* Net date after a Skonto date: the net date. */
    expect_due(TERM("Zahlbar ohne Abschlag bis", "20240301", "")
                   TERM("Zahlbar mit 2% Skonto bis", "20240215", ""),
               "2024-03-01");
    /* Instalments: the first. */
    expect_due(TERM("Second half", "20240401", "<ram:PartialPaymentAmount>50</ram:PartialPaymentAmount>")
                   TERM("First half", "20240301", "<ram:PartialPaymentAmount>50</ram:PartialPaymentAmount>"),
               "2024-03-01");
    /* Only discount terms (marked by structure): the latest. */
    expect_due(TERM("A", "20240210",
                    "<ram:ApplicableTradePaymentDiscountTerms><ram:CalculationPercent>3"
                    "</ram:CalculationPercent></ram:ApplicableTradePaymentDiscountTerms>")
                   TERM("B", "20240220",
                        "<ram:ApplicableTradePaymentDiscountTerms><ram:CalculationPercent>2"
                        "</ram:CalculationPercent></ram:ApplicableTradePaymentDiscountTerms>"),
               "2024-02-20");
    /* "no discount" wording is a net term. */
    expect_due(TERM("Pas d'escompte pour paiement anticipé", "20240305", "")
                   TERM("Escompte 2 % si paiement avant le", "20240301", ""),
               "2024-03-05");
    /* No term: no date. */
    expect_due("", "");
}

static void test_amount_in_invoice_currency(void **state)
{
    char *doc = cii_doc("<ram:TypeCode>380</ram:TypeCode>", "",
                        "<ram:InvoiceCurrencyCode>GBP</ram:InvoiceCurrencyCode>"
                        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
                        "<ram:GrandTotalAmount currencyID='EUR'>112.00</ram:GrandTotalAmount>"
                        "<ram:GrandTotalAmount currencyID='GBP'>100.00</ram:GrandTotalAmount>"
                        "<ram:TotalPrepaidAmount>10.5</ram:TotalPrepaidAmount>"
                        "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>");
    struct invoice inv;
    char why[256];

    (void)state;
    assert_int_equal(read_str(doc, &inv, why, sizeof why), INVOICE_XML_INVOICE);
    assert_true(inv.has_amount_due);
    assert_int_equal(inv.amount_due, 8950);
    assert_string_equal(inv.currency, "GBP");
    free(doc);
}

static void test_zf1_currency_from_attribute(void **state)
{
    const char *doc =
        "<rsm:CrossIndustryDocument xmlns:rsm='urn:ferd:CrossIndustryDocument:invoice:1p0'"
        " xmlns:ram='urn:un:unece:uncefact:data:standard:"
        "ReusableAggregateBusinessInformationEntity:12'>"
        "<rsm:HeaderExchangedDocument><ram:ID>Z-1</ram:ID><ram:TypeCode>380</ram:TypeCode>"
        "</rsm:HeaderExchangedDocument>"
        "<rsm:SpecifiedSupplyChainTradeTransaction><ram:ApplicableSupplyChainTradeSettlement>"
        "<ram:SpecifiedTradeSettlementMonetarySummation>"
        "<ram:DuePayableAmount currencyID='eur'>12.3</ram:DuePayableAmount>"
        "</ram:SpecifiedTradeSettlementMonetarySummation>"
        "</ram:ApplicableSupplyChainTradeSettlement></rsm:SpecifiedSupplyChainTradeTransaction>"
        "</rsm:CrossIndustryDocument>";
    struct invoice inv;
    char why[256];

    (void)state;
    assert_int_equal(read_str(doc, &inv, why, sizeof why), INVOICE_XML_INVOICE);
    assert_string_equal(inv.currency, "EUR");
    assert_int_equal(inv.amount_due, 1230);
    assert_int_equal(inv.source, INVOICE_SOURCE_CII);
}

static void test_release_candidate_plain_dates(void **state)
{
    const char *doc =
        "<rsm:Invoice xmlns:rsm='urn:un:unece:uncefact:data:standard:CBFBUY:5'>"
        "<rsm:HeaderExchangedDocument><ID>RC-1</ID><TypeCode>380</TypeCode>"
        "<IssueDateTime>2014-05-19T10:00:00</IssueDateTime></rsm:HeaderExchangedDocument>"
        "<rsm:SpecifiedSupplyChainTradeTransaction><ApplicableSupplyChainTradeSettlement>"
        "<SpecifiedTradePaymentTerms><DueDateDateTime format='102'>20140609</DueDateDateTime>"
        "</SpecifiedTradePaymentTerms></ApplicableSupplyChainTradeSettlement>"
        "</rsm:SpecifiedSupplyChainTradeTransaction></rsm:Invoice>";
    struct invoice inv;
    char why[256];

    (void)state;
    assert_int_equal(read_str(doc, &inv, why, sizeof why), INVOICE_XML_INVOICE);
    assert_string_equal(date_str(inv.issue_date), "2014-05-19");
    assert_string_equal(date_str(inv.due_date), "2014-06-09");
}

static void test_buyer_email_rules(void **state)
{
    struct invoice inv;
    char why[256];
    /* An invalid contact address gives way to the EM electronic address;
     * an electronic address in another scheme is not an e-mail. */
    char *doc = cii_doc("<ram:TypeCode>380</ram:TypeCode>",
                        "<ram:BuyerTradeParty><ram:Name>  Buyer \n  Name </ram:Name>"
                        "<ram:DefinedTradeContact><ram:EmailURIUniversalCommunication>"
                        "<ram:URIID>not an address</ram:URIID>"
                        "</ram:EmailURIUniversalCommunication></ram:DefinedTradeContact>"
                        "<ram:URIUniversalCommunication><ram:URIID schemeID='0088'>x@y.example"
                        "</ram:URIID></ram:URIUniversalCommunication>"
                        "<ram:URIUniversalCommunication><ram:URIID schemeID='EM'>ap@buyer.example"
                        "</ram:URIID></ram:URIUniversalCommunication></ram:BuyerTradeParty>",
                        "");

    (void)state;
    assert_int_equal(read_str(doc, &inv, why, sizeof why), INVOICE_XML_INVOICE);
    assert_string_equal(inv.buyer_email, "ap@buyer.example");
    assert_string_equal(inv.buyer_name, "Buyer Name");
    free(doc);
}

/* The buyer contact's telephone: CII DefinedTradeContact/
 * TelephoneUniversalCommunication/CompleteNumber, UBL cac:Contact/
 * cbc:Telephone, as the corpus files write them (the seller's number in
 * the same files is never taken); text that is no number is dropped. */
static void test_buyer_phone(void **state)
{
    static const struct {
        const char *path, *phone;
    } files[] = {
        {"cii/ce_CII_example5.xml", "+4598989898"},  /* the seller's is +3198989898 */
        {"ubl/pp_base-example.xml", "23434234"},
        {"ubl/ce_ubl-tc434-example5.xml", "+4598989898"}, /* the seller's is +3198989898 */
    };
    struct invoice inv;
    char why[256];

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        size_t len;
        char *data = corpus_read(files[i].path, &len);
        assert_non_null(data);
        assert_int_equal(invoice_xml_read(data, len, &inv, why, sizeof why), INVOICE_XML_INVOICE);
        if (files[i].phone)
            assert_string_equal(inv.buyer_phone, files[i].phone);
        free(data);
    }
    {
        char *doc = cii_doc("<ram:TypeCode>380</ram:TypeCode>",
                            "<ram:BuyerTradeParty><ram:Name>B</ram:Name><ram:DefinedTradeContact>"
                            "<ram:TelephoneUniversalCommunication><ram:CompleteNumber>call &lt;b&gt;me"
                            "</ram:CompleteNumber></ram:TelephoneUniversalCommunication>"
                            "</ram:DefinedTradeContact></ram:BuyerTradeParty>",
                            "");
        assert_int_equal(read_str(doc, &inv, why, sizeof why), INVOICE_XML_INVOICE);
        assert_string_equal(inv.buyer_phone, "");
        free(doc);
    }
    assert_true(invoice_phone_plausible("+33 (0)4 78-00.00/01"));
    assert_false(invoice_phone_plausible("12"));
    assert_false(invoice_phone_plausible("06 12 34 56 78 ext"));
    assert_false(invoice_phone_plausible(""));
}

static void test_credit_note_codes(void **state)
{
    static const char *const codes[] = {"381", "261", "262", "296", "308",
                                        "396", "420", "458", "532"};
    struct invoice inv;
    char why[256];

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(codes); i++) {
        char *header = xasprintf("<ram:TypeCode>%s</ram:TypeCode>", codes[i]);
        char *doc = cii_doc(header, "", "");

        assert_int_equal(read_str(doc, &inv, why, sizeof why), INVOICE_XML_INVOICE);
        assert_int_equal(inv.type, INVOICE_TYPE_CREDIT_NOTE);
        assert_int_equal(inv.type_code, atoi(codes[i]));
        free(doc);
        free(header);
    }
    {
        char *doc = cii_doc("<ram:TypeCode>389</ram:TypeCode>", "", "");

        assert_int_equal(read_str(doc, &inv, why, sizeof why), INVOICE_XML_INVOICE);
        assert_int_equal(inv.type, INVOICE_TYPE_INVOICE);
        free(doc);
    }
}

static void test_not_invoices(void **state)
{
    struct invoice inv;
    char why[256];
    char *doc = cii_doc("<ram:TypeCode>751</ram:TypeCode>", "", "");
    size_t len;
    char *order = corpus_read("facturx/embedded/notinvoice_ORDER-X_EX01_COMFORT__order-x.xml", &len);

    (void)state;
    assert_int_equal(read_str(doc, &inv, why, sizeof why), INVOICE_XML_NOT_INVOICE);
    assert_non_null(strstr(why, "751"));
    free(doc);

    assert_int_equal(read_str("<Order xmlns='urn:example'><ID>1</ID></Order>", &inv, why,
                              sizeof why),
                     INVOICE_XML_NOT_INVOICE);
    assert_non_null(strstr(why, "Order"));
    /* The right local name in the wrong namespace is not an invoice. */
    assert_int_equal(read_str("<Invoice xmlns='urn:example'><ID>1</ID></Invoice>", &inv, why,
                              sizeof why),
                     INVOICE_XML_NOT_INVOICE);

    assert_non_null(order);
    assert_int_equal(invoice_xml_read(order, len, &inv, why, sizeof why), INVOICE_XML_NOT_INVOICE);
    assert_non_null(strstr(why, "SCRDMCCBDACIOMessageStructure"));
    free(order);

    order = corpus_read("facturx/embedded/fail_zf1_order_profile_no_typecode__ZUGFeRD-invoice.xml",
                        &len);
    assert_non_null(order);
    assert_int_equal(invoice_xml_read(order, len, &inv, why, sizeof why), INVOICE_XML_NOT_INVOICE);
    free(order);
}

/* Replaces the XML declaration of a cii_doc() document. */
static char *with_declaration(const char *doc, const char *decl)
{
    const char *end = strstr(doc, "?>");

    return xasprintf("%s%s", decl, end + 2);
}

static void test_bom_and_bad_encoding_name(void **state)
{
    char *plain = cii_doc("<ram:TypeCode>380</ram:TypeCode>", "", "");
    char *bom = xasprintf("\xEF\xBB\xBF%s", plain);
    char *malformed = with_declaration(plain, "<?xml version='1.0' encoding='UTF-8-W/O-BOM'?>");
    char *unknown = with_declaration(plain, "<?xml version=\"1.0\" encoding=\"X-NO-SUCH-CHARSET\"?>");
    struct invoice inv;
    char why[256];

    (void)state;
    assert_int_equal(read_str(bom, &inv, why, sizeof why), INVOICE_XML_INVOICE);
    assert_string_equal(inv.number, "T-1");
    assert_int_equal(read_str(malformed, &inv, why, sizeof why), INVOICE_XML_INVOICE);
    assert_string_equal(inv.number, "T-1");
    assert_int_equal(read_str(unknown, &inv, why, sizeof why), INVOICE_XML_INVOICE);
    assert_string_equal(inv.number, "T-1");
    free(plain);
    free(bom);
    free(malformed);
    free(unknown);
}

/* A name longer than the field is cut on a character boundary. */
static void test_long_text_truncated_on_utf8_boundary(void **state)
{
    struct strbuf name, party;
    struct invoice inv;
    char why[256];
    char *doc;
    size_t len;

    (void)state;
    strbuf_init(&name);
    for (int i = 0; i < 300; i++)
        strbuf_puts(&name, "\xC3\xA9"); /* é */
    strbuf_init(&party);
    strbuf_printf(&party, "<ram:BuyerTradeParty><ram:Name>a%s</ram:Name></ram:BuyerTradeParty>",
                  name.data);
    doc = cii_doc("<ram:TypeCode>380</ram:TypeCode>", party.data, "");
    assert_int_equal(read_str(doc, &inv, why, sizeof why), INVOICE_XML_INVOICE);
    len = strlen(inv.buyer_name);
    assert_true(len > 200 && len < INVOICE_NAME_MAX);
    assert_int_equal(len % 2, 1); /* 'a' then whole two-byte characters */
    assert_int_equal((unsigned char)inv.buyer_name[len - 1], 0xA9);
    free(doc);
    strbuf_free(&name);
    strbuf_free(&party);
}

static void test_looks_like_xml(void **state)
{
    (void)state;
    assert_true(invoice_xml_looks_like_xml("<?xml version='1.0'?><a/>", 24));
    assert_true(invoice_xml_looks_like_xml("\xEF\xBB\xBF \n <a/>", 10));
    assert_true(invoice_xml_looks_like_xml("<a/>", 4));
    assert_false(invoice_xml_looks_like_xml("%PDF-1.7", 8));
    assert_false(invoice_xml_looks_like_xml("\x89PNG\r\n", 6));
    assert_false(invoice_xml_looks_like_xml("   ", 3));
    assert_false(invoice_xml_looks_like_xml("", 0));
    assert_false(invoice_xml_looks_like_xml("\xEF\xBB\xBF", 3));
}

/* ------------------------------------------------------------------ */
/* Hostile input                                                       */

static void expect_refused(const char *data, size_t len, const char *why_part)
{
    struct invoice inv;
    char why[256];
    uint64_t start = cpu_ms();

    assert_int_equal(invoice_xml_read(data, len, &inv, why, sizeof why), INVOICE_XML_ERROR);
    assert_true(cpu_ms() - start < 1000);
    assert_true(why[0] != '\0');
    if (why_part != NULL && strstr(why, why_part) == NULL)
        fail_msg("reason '%s' does not say '%s'", why, why_part);
    assert_string_equal(inv.number, "");
}

/* UTF-16 hides "<!DOCTYPE" from a byte scan: the parser itself must stop. */
static char *to_utf16le(const char *s, size_t *len)
{
    size_t n = strlen(s);
    char *out = xmalloc(2 * n + 2);

    out[0] = '\xFF';
    out[1] = '\xFE';
    for (size_t i = 0; i < n; i++) {
        out[2 + 2 * i] = s[i];
        out[3 + 2 * i] = '\0';
    }
    *len = 2 * n + 2;
    return out;
}

static char *xxe_doc(const char *encoding, const char *path)
{
    return xasprintf("<?xml version='1.0' encoding='%s'?>\n"
                     "<!DOCTYPE x [<!ENTITY e SYSTEM 'file://%s'>]>\n"
                     "<rsm:CrossIndustryInvoice xmlns:rsm='" NS_CII "'>"
                     "<rsm:ExchangedDocument><ID>&e;</ID><TypeCode>380</TypeCode>"
                     "</rsm:ExchangedDocument></rsm:CrossIndustryInvoice>",
                     encoding, path);
}

static void test_external_entity_refused(void **state)
{
    char path[] = "/tmp/relance-xxe-XXXXXX";
    int fd = mkstemp(path);
    char *utf8, *utf16, *wide;
    size_t len;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "XXE-SECRET", 10), 10);
    close(fd);
    utf8 = xxe_doc("UTF-8", path);
    utf16 = xxe_doc("UTF-16", path);
    wide = to_utf16le(utf16, &len);
    expect_refused(utf8, strlen(utf8), "document declares a DTD");
    expect_refused(wide, len, "document declares a DTD");
    /* Even a load that got past the refusals would load nothing. */
    assert_null(xmlGetExternalEntityLoader()("file:///etc/passwd", NULL, NULL));
    assert_null(xmlGetExternalEntityLoader()(path, NULL, NULL));
    free(utf8);
    free(utf16);
    free(wide);
    unlink(path);
}

static void test_entity_bomb_refused(void **state)
{
    struct strbuf sb;
    char *wide;
    size_t len;

    (void)state;
    strbuf_init(&sb);
    strbuf_puts(&sb, "<?xml version='1.0' encoding='UTF-16'?>\n<!DOCTYPE lolz [\n"
                     "<!ENTITY lol0 'lol'>\n");
    for (int i = 1; i < 10; i++)
        strbuf_printf(&sb, "<!ENTITY lol%d '&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;"
                           "&lol%d;&lol%d;&lol%d;'>\n",
                      i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    strbuf_puts(&sb, "]>\n<rsm:CrossIndustryInvoice xmlns:rsm='" NS_CII "'>"
                     "<rsm:ExchangedDocument><ID>&lol9;</ID></rsm:ExchangedDocument>"
                     "</rsm:CrossIndustryInvoice>");
    expect_refused(sb.data, sb.len, "document declares a DTD");
    wide = to_utf16le(sb.data, &len);
    expect_refused(wide, len, "document declares a DTD");
    free(wide);
    strbuf_free(&sb);
}

static void test_garbage_refused(void **state)
{
    char garbage[4096];
    char *doc = cii_doc("<ram:TypeCode>380</ram:TypeCode>", "", "");
    size_t len;
    char *big;

    (void)state;
    srand(42);
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (char)(rand() & 0xFF);
    expect_refused(garbage, sizeof garbage, NULL);
    expect_refused("", 0, "empty");
    expect_refused("hello, world", 12, NULL);
    expect_refused("<", 1, NULL);
    /* Truncated documents, at every tenth of their length. */
    for (int tenth = 1; tenth < 10; tenth++)
        expect_refused(doc, strlen(doc) * (size_t)tenth / 10, NULL);
    free(doc);
    doc = corpus_read("cii/ce_CII_example1.xml", &len);
    assert_non_null(doc);
    expect_refused(doc, len / 2, NULL);
    free(doc);
    /* A well-formed document without a number is of no use. */
    doc = cii_doc("<ram:TypeCode>380</ram:TypeCode>", "", "");
    memcpy(strstr(doc, "T-1"), "   ", 3);
    expect_refused(doc, strlen(doc), "number");
    free(doc);
    len = 32u * 1024 * 1024 + 1;
    big = xmalloc(len);
    memset(big, ' ', len);
    big[0] = '<';
    expect_refused(big, len, "too large");
    free(big);
}

static int setup(void **state)
{
    (void)state;
    invoice_xml_init();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_cii),
        cmocka_unit_test(test_corpus_ubl),
        cmocka_unit_test(test_embedded_xml_readable),
        cmocka_unit_test(test_due_date_among_terms),
        cmocka_unit_test(test_amount_in_invoice_currency),
        cmocka_unit_test(test_zf1_currency_from_attribute),
        cmocka_unit_test(test_release_candidate_plain_dates),
        cmocka_unit_test(test_buyer_email_rules),
        cmocka_unit_test(test_credit_note_codes),
        cmocka_unit_test(test_not_invoices),
        cmocka_unit_test(test_bom_and_bad_encoding_name),
        cmocka_unit_test(test_long_text_truncated_on_utf8_boundary),
        cmocka_unit_test(test_looks_like_xml),
        cmocka_unit_test(test_external_entity_refused),
        cmocka_unit_test(test_entity_bomb_refused),
        cmocka_unit_test(test_garbage_refused),
        cmocka_unit_test(test_buyer_phone),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
