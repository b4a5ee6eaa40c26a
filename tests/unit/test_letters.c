/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_letters.c - letters that are posted: the buyer's postal address
 * read from CII and UBL (BT-50..55), the operator's address text, the
 * store's letters (held, to post, posted, registered; an operator's
 * address never replaced by an invoice), and what the letter steps' mails
 * say of postal dispatch before and after the operator records it.
 *
 * Not covered here: the PDF and its window position, the run that writes
 * held letters, relancectl (tests/integration/test_letters.sh).
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
#include "core/ladder.h"
#include "core/postal_address.h"
#include "lib/template.h"
#include "lib/util.h"
#include "recognise/invoice_xml.h"
#include "remind/reminder_content.h"
#include "store/store.h"

#ifndef TOP_DIR
#define TOP_DIR "."
#endif

static char dir[] = "/tmp/relance-letters-XXXXXX";
static struct audit_key key;

/* ---- the operator's address ---- */

static void test_parse_address(void **state)
{
    char out[POSTAL_TEXT_MAX], why[200];

    (void)state;
    assert_true(postal_address_parse(" Papeterie Lambert | 18 rue des Lilas|33000 Bordeaux ", out, sizeof out, why,
                                     sizeof why));
    assert_string_equal(out, "Papeterie Lambert\n18 rue des Lilas\n33000 Bordeaux");
    /* New lines too; empty lines dropped. */
    assert_true(postal_address_parse("5 avenue Foch\n\n69006 Lyon\n", out, sizeof out, why, sizeof why));
    assert_string_equal(out, "5 avenue Foch\n69006 Lyon");
    /* One line is no address; seven lines are more than NF Z10-011 allows. */
    assert_false(postal_address_parse("5 avenue Foch", out, sizeof out, why, sizeof why));
    assert_false(postal_address_parse("1|2|3|4|5|6|7", out, sizeof out, why, sizeof why));
    assert_true(postal_address_parse("1|2|3|4|5|6", out, sizeof out, why, sizeof why));
    /* 39 characters on a line: over the 38 a window shows. */
    assert_false(postal_address_parse("123456789012345678901234567890123456789|75001 Paris", out, sizeof out, why,
                                      sizeof why));
    assert_true(postal_address_parse("12345678901234567890123456789012345678|75001 Paris", out, sizeof out, why,
                                     sizeof why));
    /* Characters, not bytes: 38 accented letters fit. */
    {
        struct strbuf accents;
        strbuf_init(&accents);
        for (int i = 0; i < POSTAL_LINE_CHARS; i++)
            strbuf_puts(&accents, "é");
        strbuf_puts(&accents, "|75001 Paris");
        assert_true(postal_address_parse(accents.data, out, sizeof out, why, sizeof why));
        strbuf_free(&accents);
    }
    assert_false(postal_address_parse("rue\tdu Four|75001 Paris", out, sizeof out, why, sizeof why));
    assert_false(postal_address_parse("rue \xff|75001 Paris", out, sizeof out, why, sizeof why));
}

static void test_format_address(void **state)
{
    struct postal_address a;
    char out[POSTAL_TEXT_MAX];

    (void)state;
    memset(&a, 0, sizeof a);
    str_copy(a.line1, sizeof a.line1, "18 rue des Lilas");
    str_copy(a.postcode, sizeof a.postcode, "33000");
    postal_address_format(&a, out, sizeof out);
    assert_string_equal(out, ""); /* no city: not usable */
    str_copy(a.city, sizeof a.city, "Bordeaux");
    str_copy(a.line3, sizeof a.line3, "BP 12");
    str_copy(a.country, sizeof a.country, "FR");
    postal_address_format(&a, out, sizeof out);
    assert_string_equal(out, "18 rue des Lilas\nBP 12\n33000 Bordeaux");
    str_copy(a.country, sizeof a.country, "BE");
    postal_address_format(&a, out, sizeof out);
    assert_string_equal(out, "18 rue des Lilas\nBP 12\n33000 Bordeaux\nBE");
}

/* ---- the ladder: letter=registered ---- */

static void test_ladder_registered_letter(void **state)
{
    struct ladder_steps steps;
    struct ladder_step s;
    struct strbuf out;
    char why[200];

    (void)state;
    ladder_default_steps(&steps);
    assert_true(steps.items[4].letter);
    assert_false(steps.items[4].registered);
    assert_true(steps.items[5].letter);
    assert_true(steps.items[5].registered); /* the formal notice */
    assert_true(ladder_parse_step("notice after=3 letter=registered", &s, why, sizeof why));
    assert_true(s.letter);
    assert_true(s.registered);
    strbuf_init(&out);
    ladder_format_step(&s, &out);
    assert_non_null(strstr(out.data, " letter=registered "));
    strbuf_free(&out);
    assert_true(ladder_parse_step("plain after=3 letter=yes", &s, why, sizeof why));
    assert_true(s.letter);
    assert_false(s.registered);
    assert_false(ladder_parse_step("bad after=3 letter=maybe", &s, why, sizeof why));
}

/* ---- BT-50..55 from CII and UBL ---- */

static const char cii[] =
    "<?xml version='1.0' encoding='UTF-8'?>"
    "<rsm:CrossIndustryInvoice xmlns:rsm='urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100'"
    " xmlns:ram='urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100'>"
    "<rsm:ExchangedDocument><ram:ID>C-1</ram:ID><ram:TypeCode>380</ram:TypeCode></rsm:ExchangedDocument>"
    "<rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeAgreement>"
    "<ram:SellerTradeParty><ram:Name>Seller</ram:Name>"
    "<ram:PostalTradeAddress><ram:LineOne>Not the buyer</ram:LineOne><ram:CityName>Nope</ram:CityName>"
    "</ram:PostalTradeAddress></ram:SellerTradeParty>"
    "<ram:BuyerTradeParty><ram:Name>Buyer</ram:Name><ram:PostalTradeAddress>"
    "<ram:PostcodeCode>33000</ram:PostcodeCode><ram:LineOne> 18  rue des Lilas </ram:LineOne>"
    "<ram:LineTwo>Bâtiment B</ram:LineTwo><ram:LineThree>BP 12</ram:LineThree>"
    "<ram:CityName>Bordeaux</ram:CityName><ram:CountryID>fr</ram:CountryID>"
    "</ram:PostalTradeAddress></ram:BuyerTradeParty>"
    "</ram:ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>";

static const char ubl_fmt[] =
    "<?xml version='1.0' encoding='UTF-8'?>"
    "<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'"
    " xmlns:cac='urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2'"
    " xmlns:cbc='urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2'>"
    "<cbc:ID>U-1</cbc:ID><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
    "<cac:AccountingCustomerParty><cac:Party><cac:PostalAddress>%s</cac:PostalAddress>"
    "<cac:PartyName><cbc:Name>Buyer</cbc:Name></cac:PartyName></cac:Party></cac:AccountingCustomerParty>"
    "</Invoice>";

static void test_cii_buyer_address(void **state)
{
    struct invoice inv;
    char why[256], out[POSTAL_TEXT_MAX];

    (void)state;
    assert_int_equal(invoice_xml_read(cii, strlen(cii), &inv, why, sizeof why), INVOICE_XML_INVOICE);
    assert_string_equal(inv.buyer_address.line1, "18 rue des Lilas");
    assert_string_equal(inv.buyer_address.line2, "Bâtiment B");
    assert_string_equal(inv.buyer_address.line3, "BP 12");
    assert_string_equal(inv.buyer_address.postcode, "33000");
    assert_string_equal(inv.buyer_address.city, "Bordeaux");
    assert_string_equal(inv.buyer_address.country, "FR");
    postal_address_format(&inv.buyer_address, out, sizeof out);
    assert_string_equal(out, "18 rue des Lilas\nBâtiment B\nBP 12\n33000 Bordeaux");
}

static void read_ubl(const char *address, struct invoice *inv)
{
    char *doc = xasprintf(ubl_fmt, address);
    char why[256];

    assert_int_equal(invoice_xml_read(doc, strlen(doc), inv, why, sizeof why), INVOICE_XML_INVOICE);
    free(doc);
}

static void test_ubl_buyer_address(void **state)
{
    struct invoice inv;
    char out[POSTAL_TEXT_MAX];

    (void)state;
    read_ubl("<cbc:StreetName>4 rue du Four</cbc:StreetName><cbc:AdditionalStreetName>Cour B"
             "</cbc:AdditionalStreetName><cbc:CityName>Liège</cbc:CityName><cbc:PostalZone>4000</cbc:PostalZone>"
             "<cac:AddressLine><cbc:Line>Boîte 3</cbc:Line></cac:AddressLine>"
             "<cac:Country><cbc:IdentificationCode>BE</cbc:IdentificationCode></cac:Country>",
             &inv);
    postal_address_format(&inv.buyer_address, out, sizeof out);
    assert_string_equal(out, "4 rue du Four\nCour B\nBoîte 3\n4000 Liège\nBE");
    /* Half an address (no city) is none: the letter will be held. */
    read_ubl("<cbc:StreetName>4 rue du Four</cbc:StreetName><cbc:PostalZone>4000</cbc:PostalZone>", &inv);
    assert_false(postal_address_usable(&inv.buyer_address));
    /* A country that is no ISO code is left out. */
    read_ubl("<cbc:StreetName>1 Main St</cbc:StreetName><cbc:CityName>Leeds</cbc:CityName>"
             "<cac:Country><cbc:IdentificationCode>G8</cbc:IdentificationCode></cac:Country>",
             &inv);
    postal_address_format(&inv.buyer_address, out, sizeof out);
    assert_string_equal(out, "1 Main St\nLeeds");
}

/* ---- the store ---- */

static struct store *open_store(const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    char why[256];
    struct store *st = store_open(path, 2000, why, sizeof why);

    if (st == NULL)
        fail_msg("store_open: %s", why);
    free(path);
    return st;
}

static int64_t track(struct store *st, const char *number, const char *address_line1)
{
    static const struct track_context ctx = {"compta@dupont.example", "", "", "milter"};
    struct invoice inv;
    struct case_row c;
    bool created;

    invoice_init(&inv);
    str_copy(inv.seller_name, sizeof inv.seller_name, "ACME");
    str_copy(inv.number, sizeof inv.number, number);
    inv.due_date = (struct date){2026, 3, 2};
    inv.amount_due = 10000;
    inv.has_amount_due = true;
    str_copy(inv.currency, sizeof inv.currency, "EUR");
    if (address_line1) {
        str_copy(inv.buyer_address.line1, sizeof inv.buyer_address.line1, address_line1);
        str_copy(inv.buyer_address.postcode, sizeof inv.buyer_address.postcode, "33000");
        str_copy(inv.buyer_address.city, sizeof inv.buyer_address.city, "Bordeaux");
    }
    assert_int_equal(store_track_invoice(st, &key, &inv, &ctx, &c, &created), STORE_OK);
    return c.id;
}

static int64_t claim(struct store *st, int64_t debtor_id, int64_t case_id, int step)
{
    char message_id[64], day[32], next[32];
    struct claim_item item = {case_id, step - 1, 10000, 0, 0};
    struct reminder_claim c = {debtor_id, step, "step", message_id, "tok", "s@agency.test", "compta@dupont.example",
                               day, day, next, false, &item, 1};
    int64_t id = 0;

    snprintf(message_id, sizeof message_id, "m%d@agency.test", step);
    snprintf(day, sizeof day, "2026-03-%02dT09:00:00Z", 2 + step);
    snprintf(next, sizeof next, "2026-03-%02dT09:00:00Z", 3 + step);
    assert_int_equal(store_claim_reminder(st, &c, &id), STORE_OK);
    assert_int_equal(store_reminder_sent(st, &key, id, false, "test", NULL), STORE_OK);
    return id;
}

static void test_operator_address_wins(void **state)
{
    struct store *st = open_store("address.db");
    struct case_row c;
    char address[POSTAL_TEXT_MAX];

    (void)state;
    assert_int_equal(store_get_case(st, track(st, "A-1", "18 rue des Lilas"), &c), STORE_OK);
    assert_int_equal(store_debtor_address(st, c.debtor_id, address, sizeof address), STORE_OK);
    assert_string_equal(address, "18 rue des Lilas\n33000 Bordeaux");
    /* A later invoice updates an address that came from an invoice... */
    track(st, "A-2", "20 rue des Lilas");
    assert_int_equal(store_debtor_address(st, c.debtor_id, address, sizeof address), STORE_OK);
    assert_string_equal(address, "20 rue des Lilas\n33000 Bordeaux");
    /* ... an invoice without one changes nothing ... */
    track(st, "A-3", NULL);
    assert_int_equal(store_debtor_address(st, c.debtor_id, address, sizeof address), STORE_OK);
    assert_string_equal(address, "20 rue des Lilas\n33000 Bordeaux");
    /* ... and never the operator's. */
    assert_int_equal(store_set_debtor_address(st, &key, "compta@dupont.example", "5 avenue Foch\n69006 Lyon",
                                              "operator"), STORE_OK);
    track(st, "A-4", "99 rue Autre");
    assert_int_equal(store_debtor_address(st, c.debtor_id, address, sizeof address), STORE_OK);
    assert_string_equal(address, "5 avenue Foch\n69006 Lyon");
    store_close(st);
}

static struct letter_record record(int64_t reminder_id, int64_t debtor_id, int64_t case_id, int step, bool registered,
                                   const char *path)
{
    return (struct letter_record){reminder_id, debtor_id, case_id, step, "agence-lettre", registered,
                                  "Recouvrement Durand\n3 place Bellecour", "Le 3 mars 2026", "Objet : relance",
                                  "Madame, Monsieur,", "Recouvrement Durand", "Atelier Dupont",
                                  path ? "18 rue des Lilas\n33000 Bordeaux" : "", path ? path : "", NULL};
}

static void test_letter_states_and_dispatch(void **state)
{
    struct store *st = open_store("letters.db");
    struct letter_dispatch d;
    struct letter_record rec;
    struct letter_row row;
    struct event_list events;
    struct case_row c;
    int64_t case_id, r1, r2, held_id, posted_id;

    (void)state;
    case_id = track(st, "L-1", NULL);
    assert_int_equal(store_get_case(st, case_id, &c), STORE_OK);
    r1 = claim(st, c.debtor_id, case_id, 1);
    /* Held: no address. */
    rec = record(r1, c.debtor_id, case_id, 1, false, NULL);
    assert_int_equal(store_letter_record(st, &key, &rec, "test", &held_id), STORE_OK);
    assert_int_equal(store_get_letter(st, held_id, &row), STORE_OK);
    assert_int_equal(row.state, LETTER_HELD);
    assert_string_equal(row.address, "");
    assert_string_equal(row.body, "Madame, Monsieur,");
    letter_row_free(&row);
    /* A held letter is not posted. */
    assert_int_equal(store_letter_posted(st, &key, held_id, (struct date){2026, 3, 5}, NULL, "operator"),
                     STORE_CONFLICT);
    assert_int_equal(store_letter_dispatch(st, &case_id, 1, &d), STORE_OK);
    assert_false(d.posted);
    /* Written later, then posted. */
    assert_int_equal(store_letter_written(st, &key, held_id, "5 avenue Foch\n69006 Lyon", "/tmp/x.pdf", "test"),
                     STORE_OK);
    assert_int_equal(store_letter_written(st, &key, held_id, "x\ny", "/tmp/y.pdf", "test"), STORE_CONFLICT);
    assert_int_equal(store_letter_dispatch(st, &case_id, 1, &d), STORE_OK);
    assert_false(d.posted); /* written is not posted */
    assert_int_equal(store_letter_posted(st, &key, held_id, (struct date){2026, 3, 5}, NULL, "operator"), STORE_OK);
    assert_int_equal(store_letter_posted(st, &key, held_id, (struct date){2026, 3, 6}, NULL, "operator"),
                     STORE_CONFLICT);
    assert_int_equal(store_letter_dispatch(st, &case_id, 1, &d), STORE_OK);
    assert_true(d.posted);
    assert_int_equal(d.posted_on.day, 5);
    assert_string_equal(d.registered_number, "");
    /* The formal notice's letter, registered: the newest posting wins. */
    r2 = claim(st, c.debtor_id, case_id, 2);
    rec = record(r2, c.debtor_id, case_id, 2, true, "/tmp/z.pdf");
    assert_int_equal(store_letter_record(st, &key, &rec, "test", &posted_id), STORE_OK);
    assert_int_equal(store_get_letter(st, posted_id, &row), STORE_OK);
    assert_int_equal(row.state, LETTER_TO_POST);
    assert_true(row.registered_mail);
    letter_row_free(&row);
    assert_int_equal(store_letter_posted(st, &key, posted_id, (struct date){2026, 3, 13}, "1A12345678901",
                                         "operator"), STORE_OK);
    assert_int_equal(store_letter_dispatch(st, &case_id, 1, &d), STORE_OK);
    assert_int_equal(d.posted_on.day, 13);
    assert_string_equal(d.registered_number, "1A12345678901");
    /* Each step is an event on the case, the last the registered posting. */
    assert_int_equal(store_list_events(st, case_id, &events), STORE_OK);
    assert_string_equal(events.items[events.count - 1].kind, "letter-registered");
    assert_string_equal(events.items[events.count - 1].actor, "operator");
    assert_non_null(strstr(events.items[events.count - 1].detail, "\"registered_number\":\"1A12345678901\""));
    event_list_free(&events);
    store_close(st);
}

/* ---- what the mails say ---- */

static char *render(const char *name, int step_index, const struct letter_dispatch *d)
{
    /* An agency ladder needs the R124-4 keys (config.c refuses it otherwise). */
    struct config *cfg = config_parse_text("t",
                                           "CreditorName ACME\nCreditorAddress 1 rue A, 75001 Paris\n"
                                           "CreditorPaymentInfo IBAN FR76 0000\n"
                                           "AgencyName Durand\nAgencyAddress 2 rue B, 69002 Lyon\n",
                                           NULL);
    const struct ladder_step *step;
    struct due_case dc;
    struct reminder_line line = {&dc, 10000, 0, 0, 0};
    struct reminder_content rc;
    struct template_vars vars;
    struct rendered out;
    struct template t;
    char why[300], *text;

    assert_non_null(cfg);
    step = &cfg->steps.items[step_index];
    memset(&dc, 0, sizeof dc);
    invoice_init(&dc.c.inv);
    str_copy(dc.c.inv.number, sizeof dc.c.inv.number, "A-001");
    str_copy(dc.c.inv.currency, sizeof dc.c.inv.currency, "EUR");
    dc.c.inv.due_date = (struct date){2026, 1, 30};
    rc = (struct reminder_content){cfg, step, step_index + 1, LANG_FR, true, {2026, 3, 16}, "Durand", "r@x.test",
                                   &line, 1, NULL, NULL};
    if (!template_load(TOP_DIR "/conf/templates", LANG_FR, name, &t, why, sizeof why))
        fail_msg("%s", why);
    template_vars_init(&vars);
    reminder_content_vars(&rc, &vars);
    reminder_dispatch_vars(d, LANG_FR, &vars);
    template_set(&vars, "copy_recipient", "compta@dupont.example");
    template_set(&vars, "original_subject", "Relance");
    if (!template_render(&t, &vars, LANG_FR, TEMPLATE_RED, &out, why, sizeof why))
        fail_msg("%s", why);
    str_squeeze_spaces(out.text);
    text = xstrdup(out.text);
    rendered_free(&out);
    template_vars_free(&vars);
    template_free(&t);
    config_unref(cfg);
    return text;
}

static void test_mails_claim_only_recorded_dispatch(void **state)
{
    struct letter_dispatch none = {false, {0, 0, 0}, ""};
    struct letter_dispatch posted = {true, {2026, 3, 5}, ""};
    struct letter_dispatch registered = {true, {2026, 3, 13}, "1A12345678901"};
    char *text;

    (void)state;
    /* Steps 5 and 6 of the built-in ladder: indexes 4 and 5. */
    text = render("agence-lettre", 4, &none);
    assert_null(strstr(text, "postal"));
    assert_null(strstr(text, "courrier"));
    free(text);
    text = render("agence-lettre", 4, &posted);
    assert_non_null(strstr(text, "Un courrier vous a été adressé par voie postale le 5 mars 2026."));
    assert_null(strstr(text, "recommandée"));
    free(text);
    text = render("agence-mise-en-demeure", 5, &none);
    assert_null(strstr(text, "recommandée"));
    assert_null(strstr(text, "voie postale"));
    /* Earlier letters are recalled by the agency's reference (R124-4), never as posted. */
    assert_null(strstr(text, "courriers"));
    free(text);
    text = render("agence-mise-en-demeure", 5, &registered);
    assert_non_null(strstr(text, "par voie postale le 13 mars 2026, en lettre recommandée avec avis de réception "
                                 "n° 1A12345678901."));
    free(text);
    /* The creditor's copy of step 6: registered mail, with its article. */
    text = render("copie", 5, &none);
    assert_non_null(strstr(text, "lettre recommandée avec avis de réception"));
    assert_non_null(strstr(text, "article 1344 du Code civil"));
    free(text);
    text = render("copie", 4, &none);
    assert_null(strstr(text, "recommandée"));
    free(text);
}

static int setup(void **state)
{
    (void)state;
    invoice_xml_init();
    memset(&key, 7, sizeof key);
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);

    (void)state;
    if (system(cmd) != 0)
        print_message("could not remove %s\n", dir);
    free(cmd);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_address),
        cmocka_unit_test(test_format_address),
        cmocka_unit_test(test_ladder_registered_letter),
        cmocka_unit_test(test_cii_buyer_address),
        cmocka_unit_test(test_ubl_buyer_address),
        cmocka_unit_test(test_operator_address_wins),
        cmocka_unit_test(test_letter_states_and_dispatch),
        cmocka_unit_test(test_mails_claim_only_recorded_dispatch),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
