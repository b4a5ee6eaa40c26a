/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_payment.c - paying in one scan: the IBAN and BIC checks, the EPC
 * QR payload byte for byte, the payment link's encoding, the amount the
 * QR code carries (the one the reminder asks for: principal alone from a
 * consumer), the QR image, and the bailiff named only where a step says.
 *
 * Amounts by hand (as in test_reminder_content.c): 1000.00 EUR due
 * 30 Jan 2026, on 16 Feb 2026 (17 days late) at 12.15 %:
 *   1000.00 * 0.1215 * 17 / 365 = 5.6589... -> 5.66 of penalties;
 *   a business at a claiming step owes 1000.00 + 5.66 + 40.00 = 1045.66;
 *   a consumer owes the principal alone, 1000.00.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/ladder.h"
#include "core/payment.h"
#include "lib/qr.h"
#include "lib/template.h"
#include "lib/util.h"
#include "remind/reminder_content.h"
#include "remind/reminder_payment.h"

/* ---- IBAN ---- */

static void test_iban_valid(void **state)
{
    char out[PAYMENT_IBAN_MAX], why[200];

    (void)state;
    /* Mod 97 of the rearranged digits is 1 for each (checked by hand with
     * the letters as 10..35: FR = 15 27, DE = 13 14, BE = 11 14). */
    assert_true(payment_iban_normalize("FR76 3000 6000 0112 3456 7890 189", out, why, sizeof why));
    assert_string_equal(out, "FR7630006000011234567890189");
    assert_true(payment_iban_normalize("de89 3704 0044 0532 0130 00", out, why, sizeof why));
    assert_string_equal(out, "DE89370400440532013000");
    assert_true(payment_iban_normalize("BE68539007547034", out, why, sizeof why));
    assert_string_equal(out, "BE68539007547034");
}

static void test_iban_corrupted(void **state)
{
    char out[PAYMENT_IBAN_MAX], why[200];

    (void)state;
    /* One digit changed: mod 97 gives 71, 28, 50 instead of 1. */
    assert_false(payment_iban_normalize("FR76 3000 6000 0112 3456 7890 188", out, why, sizeof why));
    assert_non_null(strstr(why, "mod 97"));
    assert_false(payment_iban_normalize("DE89 3704 0044 0532 0130 01", out, why, sizeof why));
    assert_false(payment_iban_normalize("BE68 5390 0754 7043", out, why, sizeof why)); /* two digits swapped */
    /* Two digits swapped in the middle: 60. */
    assert_false(payment_iban_normalize("FR76 3000 6000 0112 3456 7809 189", out, why, sizeof why));
    /* A French IBAN has 27 characters. */
    assert_false(payment_iban_normalize("FR76 3000 6000 0112 3456 7890 18", out, why, sizeof why));
    assert_non_null(strstr(why, "27"));
    /* Not a SEPA country; not an IBAN at all. */
    assert_false(payment_iban_normalize("US12 3456 7890 1234", out, why, sizeof why));
    assert_non_null(strstr(why, "SEPA"));
    assert_false(payment_iban_normalize("FR76-3000-6000", out, why, sizeof why));
    assert_false(payment_iban_normalize("7630006000011234567890189", out, why, sizeof why));
    assert_false(payment_iban_normalize("", out, why, sizeof why));
    assert_false(payment_iban_normalize("FR76300060000112345678901890000000000000000", out, why, sizeof why));
}

/* ---- BIC ---- */

static void test_bic(void **state)
{
    char out[PAYMENT_BIC_MAX], why[200];

    (void)state;
    assert_true(payment_bic_normalize("BNPAFRPP", out, why, sizeof why));
    assert_string_equal(out, "BNPAFRPP");
    assert_true(payment_bic_normalize("bnpa fr pp par", out, why, sizeof why));
    assert_string_equal(out, "BNPAFRPPPAR");
    assert_true(payment_bic_normalize("DEUTDEFF500", out, why, sizeof why));
    assert_false(payment_bic_normalize("BNPAFRP", out, why, sizeof why));      /* 7 */
    assert_false(payment_bic_normalize("BNPAFRPPXX", out, why, sizeof why));   /* 10 */
    assert_false(payment_bic_normalize("BNPAFRPPPARX", out, why, sizeof why)); /* 12 */
    assert_false(payment_bic_normalize("BNP1FRPP", out, why, sizeof why));     /* a digit in the bank */
    assert_false(payment_bic_normalize("BNPAF1PP", out, why, sizeof why));     /* a digit in the country */
    assert_false(payment_bic_normalize("BNPA-FRPP", out, why, sizeof why));
}

/* ---- the EPC payload ---- */

static void test_epc_payload(void **state)
{
    char out[PAYMENT_EPC_MAX + 1];
    struct payment_epc epc = {"BNPAFRPPPAR", "ACME Industries SAS", "FR7630006000011234567890189", 104566, "A-001"};

    (void)state;
    assert_true(payment_epc_payload(&epc, out));
    /* Line by line (EPC069-12, version 002): */
    assert_string_equal(out, "BCD\n"                          /* service tag */
                             "002\n"                          /* version */
                             "1\n"                            /* character set: UTF-8 */
                             "SCT\n"                          /* SEPA credit transfer */
                             "BNPAFRPPPAR\n"                  /* BIC */
                             "ACME Industries SAS\n"          /* beneficiary */
                             "FR7630006000011234567890189\n"  /* IBAN */
                             "EUR1045.66\n"                   /* amount */
                             "\n"                             /* purpose: none */
                             "\n"                             /* structured reference: none */
                             "A-001");                        /* remittance, nothing after it */
    /* No BIC (optional in 002): its line stays, empty; one cent. */
    epc = (struct payment_epc){"", "Dupont", "DE89370400440532013000", 1, "F 1"};
    assert_true(payment_epc_payload(&epc, out));
    assert_string_equal(out, "BCD\n002\n1\nSCT\n\nDupont\nDE89370400440532013000\nEUR0.01\n\n\nF 1");
    /* A line feed in the name cannot shift the fields. */
    epc = (struct payment_epc){"", "Dupont\nEUR9999", "DE89370400440532013000", 100, "F-1"};
    assert_true(payment_epc_payload(&epc, out));
    assert_string_equal(out, "BCD\n002\n1\nSCT\n\nDupont EUR9999\nDE89370400440532013000\nEUR1.00\n\n\nF-1");
    /* The name is cut at 70 characters (é is one character, two bytes). */
    {
        char name[200], expect[200];
        memset(name, 'x', 80);
        name[80] = '\0';
        memcpy(name, "\xc3\xa9", 2);
        epc = (struct payment_epc){"", name, "BE68539007547034", 100, "R"};
        assert_true(payment_epc_payload(&epc, out));
        memcpy(expect, name, 71); /* é + 69 x: 70 characters, 71 bytes */
        expect[71] = '\0';
        assert_non_null(strstr(out, expect));
        assert_null(strstr(out, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
    }
    /* Out of range: nothing to pay, over 999 999 999.99, no IBAN. */
    epc = (struct payment_epc){"", "Dupont", "BE68539007547034", 0, "R"};
    assert_false(payment_epc_payload(&epc, out));
    epc.amount_cents = PAYMENT_EPC_AMOUNT_MAX + 1;
    assert_false(payment_epc_payload(&epc, out));
    epc.amount_cents = PAYMENT_EPC_AMOUNT_MAX;
    assert_true(payment_epc_payload(&epc, out));
    assert_non_null(strstr(out, "\nEUR999999999.99\n"));
    epc.iban = "";
    assert_false(payment_epc_payload(&epc, out));
}

/* ---- the link ---- */

static void test_link(void **state)
{
    struct strbuf sb;
    char why[200];

    (void)state;
    strbuf_init(&sb);
    assert_true(payment_link_expand("https://pay.example/{number}?amount={amount}", "F-2026/01 é&x", 123456, &sb, why,
                                    sizeof why));
    /* '/' %2F, ' ' %20, é %C3%A9, '&' %26; '-' stays; 1234.56. */
    assert_string_equal(sb.data, "https://pay.example/F-2026%2F01%20%C3%A9%26x?amount=1234.56");
    strbuf_reset(&sb);
    assert_true(payment_link_expand("https://p.example/x?a={amount}&n={number}", "A_1.2~3", 5, &sb, why, sizeof why));
    assert_string_equal(sb.data, "https://p.example/x?a=0.05&n=A_1.2~3");
    strbuf_reset(&sb);
    assert_false(payment_link_expand("https://p.example/{invoice}", "A", 5, &sb, why, sizeof why));
    assert_non_null(strstr(why, "{invoice}"));
    assert_false(payment_link_expand("https://p.example/{number", "A", 5, &sb, why, sizeof why));
    strbuf_free(&sb);
}

/* ---- the configuration ---- */

static struct config *parse(const char *extra, struct strlist *errors)
{
    char *text = xasprintf("CreditorName ACME Industries SAS\n"
                           "CreditorAddress 12 rue de la Paix, 75002 Paris\n"
                           "CreditorEmail compta@creditor.test\n"
                           "AgencyName Recouvrement Durand\n"
                           "AgencyAddress 3 place Bellecour, 69002 Lyon\n"
                           "AgencySender relances@agency.test\n"
                           "ReplyAddress reponses@agency.test\n%s",
                           extra);
    struct config *cfg;

    strlist_init(errors);
    cfg = config_parse_text("test.conf", text, errors);
    free(text);
    return cfg;
}

static void test_config_checks(void **state)
{
    struct strlist errors;
    struct config *cfg;

    (void)state;
    /* An IBAN says how to pay (R124-4 4°) without CreditorPaymentInfo. */
    cfg = parse("CreditorIban FR76 3000 6000 0112 3456 7890 189\nCreditorBic BNPAFRPP\n"
                "PaymentLink https://pay.example/{number}?amount={amount}\n",
                &errors);
    assert_non_null(cfg);
    config_unref(cfg);
    strlist_free(&errors);
    assert_null(parse("CreditorIban FR76 3000 6000 0112 3456 7890 188\n", &errors));
    assert_non_null(strstr(errors.items[0], "CreditorIban"));
    strlist_free(&errors);
    assert_null(parse("CreditorIban FR76 3000 6000 0112 3456 7890 189\nCreditorBic BNPAFRP\n", &errors));
    assert_non_null(strstr(errors.items[0], "CreditorBic"));
    strlist_free(&errors);
    assert_null(parse("CreditorPaymentInfo virement\nPaymentLink http://pay.example/{number}\n", &errors));
    assert_non_null(strstr(errors.items[0], "https"));
    strlist_free(&errors);
    assert_null(parse("CreditorPaymentInfo virement\nPaymentLink https://pay.example/{montant}\n", &errors));
    assert_non_null(strstr(errors.items[0], "{montant}"));
    strlist_free(&errors);
}

/* ---- what the reminder offers ---- */

static void due_case_init(struct due_case *dc, const char *number, const char *currency)
{
    memset(dc, 0, sizeof *dc);
    invoice_init(&dc->c.inv);
    dc->c.id = 1;
    str_copy(dc->c.inv.number, sizeof dc->c.inv.number, number);
    str_copy(dc->c.inv.currency, sizeof dc->c.inv.currency, currency);
    date_parse("2025-12-31", &dc->c.inv.issue_date);
    date_parse("2026-01-30", &dc->c.inv.due_date);
    dc->c.inv.amount_due = 100000;
    dc->c.balance = 100000;
    str_copy(dc->c.debtor_email, sizeof dc->c.debtor_email, "martin@client-a.test");
    dc->c.status = CASE_OPEN;
}

static struct config *payment_config(void)
{
    struct strlist errors;
    struct config *cfg = parse("CreditorIban FR76 3000 6000 0112 3456 7890 189\nCreditorBic BNPAFRPPPAR\n"
                               "CreditorChequeAddress 1 rue des Chèques, 75001 Paris\n"
                               "PaymentLink https://pay.example/{number}?amount={amount}\n"
                               "BailiffName Maître Paul Lenoir\n",
                               &errors);

    if (cfg == NULL)
        fail_msg("%s", errors.items[0]);
    strlist_free(&errors);
    return cfg;
}

/* The QR code and the text of step `step` (1..7) to this debtor. */
static bool step_qr(const struct config *cfg, int step, enum debtor_kind kind, const char *currency,
                    char out[PAYMENT_EPC_MAX + 1], struct template_vars *vars)
{
    const struct ladder_step *s = &cfg->steps.items[step - 1];
    struct due_case dc;
    struct reminder_line line = {&dc, 0, 0, 0, 0};
    struct date today;
    struct reminder_content rc = {cfg, s, step, LANG_FR, kind, {0, 0, 0}, "x", "r@x.test", &line, 1, NULL,
                                  "qr.1@test"};
    bool ok;

    date_parse("2026-02-16", &today);
    rc.today = today;
    due_case_init(&dc, "A-001", currency);
    reminder_line_amounts(cfg, s->claim, kind, today, NULL, 0, &line);
    ok = reminder_payment_qr(&rc, out);
    if (vars)
        reminder_content_vars(&rc, vars);
    return ok;
}

static const char *render(const char *body, const struct template_vars *vars, struct rendered *out)
{
    struct template t;
    char why[200];
    char *text = xasprintf("Subject: x\n\n%s", body);

    assert_true(template_parse("t", text, &t, why, sizeof why));
    assert_true(template_render(&t, vars, LANG_FR, TEMPLATE_RED, out, why, sizeof why));
    template_free(&t);
    free(text);
    return out->text;
}

static void test_qr_amount_is_the_asked_amount(void **state)
{
    struct config *cfg = payment_config();
    char out[PAYMENT_EPC_MAX + 1];
    struct template_vars vars;
    struct rendered r;

    (void)state;
    /* Step 3 (mise-en-demeure) claims: a business owes 1045.66 (header). */
    template_vars_init(&vars);
    assert_true(step_qr(cfg, 3, DEBTOR_KIND_BUSINESS, "EUR", out, &vars));
    assert_string_equal(out, "BCD\n002\n1\nSCT\nBNPAFRPPPAR\nACME Industries SAS\nFR7630006000011234567890189\n"
                             "EUR1045.66\n\n\nA-001");
    /* The text asks for that very amount, with the same reference. */
    render("{{total}} = {{payment_amount}} ref {{payment_reference}}\n\n{{payment_iban}}\n\n{{payment_link}}", &vars,
           &r);
    assert_string_equal(r.text, "1\xe2\x80\xaf" "045,66\xc2\xa0\xe2\x82\xac = 1\xe2\x80\xaf" "045,66\xc2\xa0\xe2\x82\xac "
                                "ref A-001\n\nFR76 3000 6000 0112 3456 7890 189\n\n"
                                "https://pay.example/A-001?amount=1045.66\n");
    rendered_free(&r);
    template_vars_free(&vars);
    /* A consumer, same step and day: the principal alone. */
    assert_true(step_qr(cfg, 3, DEBTOR_KIND_CONSUMER, "EUR", out, NULL));
    assert_non_null(strstr(out, "\nEUR1000.00\n"));
    /* Step 1 claims nothing, even from a business. */
    assert_true(step_qr(cfg, 1, DEBTOR_KIND_BUSINESS, "EUR", out, NULL));
    assert_non_null(strstr(out, "\nEUR1000.00\n"));
    /* No QR code in another currency; none in the court file (step 7). */
    assert_false(step_qr(cfg, 3, DEBTOR_KIND_BUSINESS, "USD", out, NULL));
    assert_false(step_qr(cfg, 7, DEBTOR_KIND_BUSINESS, "EUR", out, NULL));
    config_unref(cfg);
}

static void test_qr_image_in_parts(void **state)
{
    struct config *cfg = payment_config();
    char out[PAYMENT_EPC_MAX + 1];
    struct template_vars vars;
    struct rendered r;

    (void)state;
    template_vars_init(&vars);
    assert_true(step_qr(cfg, 3, DEBTOR_KIND_BUSINESS, "EUR", out, &vars));
    render("Avant.\n\n{{#payment_qr}}\n{{payment_qr}}\n{{/payment_qr}}\n\nApr\xc3\xa8s.", &vars, &r);
    assert_string_equal(r.text, "Avant.\n\n[code QR de paiement]\n\nApr\xc3\xa8s.\n");
    assert_non_null(strstr(r.html, "<p><img src=\"cid:qr.1@test\" alt=\"[code QR de paiement]\""));
    rendered_free(&r);
    template_vars_free(&vars);
    config_unref(cfg);
}

static void test_qr_png(void **state)
{
    struct qr_code q;
    char *png = NULL;
    size_t len = 0;
    const char *payload = "BCD\n002\n1\nSCT\n\nDupont\nDE89370400440532013000\nEUR0.01\n\n\nF 1";

    (void)state;
    assert_true(qr_encode(payload, strlen(payload), &q));
    assert_true(q.width >= 21 && (q.width - 17) % 4 == 0); /* a QR version's size */
    assert_true(qr_png(&q, 4, &png, &len));
    assert_true(len > 8);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    free(png);
    qr_free(&q);
}

/* ---- the bailiff and the agency's people ---- */

static void test_bailiff_where_configured(void **state)
{
    struct config *cfg = payment_config();
    struct ladder_steps steps;
    struct ladder_step s;
    char why[200], out[PAYMENT_EPC_MAX + 1];

    (void)state;
    ladder_default_steps(&steps);
    for (size_t i = 0; i < steps.count; i++)
        assert_int_equal(steps.items[i].bailiff, strcmp(steps.items[i].name, "agence-mise-en-demeure") == 0);
    assert_true(ladder_parse_step("agence-mise-en-demeure after=65", &s, why, sizeof why));
    assert_true(s.bailiff);
    assert_true(ladder_parse_step("agence-mise-en-demeure after=65 bailiff=no", &s, why, sizeof why));
    assert_false(s.bailiff);
    assert_true(ladder_parse_step("agence-lettre after=55 bailiff=yes", &s, why, sizeof why));
    assert_true(s.bailiff);
    assert_false(ladder_parse_step("x after=5 bailiff=maybe", &s, why, sizeof why));
    /* Named in step 6 only. */
    for (int step = 1; step <= 7; step++) {
        struct template_vars vars;
        struct rendered r;
        template_vars_init(&vars);
        step_qr(cfg, step, DEBTOR_KIND_BUSINESS, "EUR", out, &vars);
        render("{{#bailiff}}B {{bailiff_name}}{{/bailiff}}.", &vars, &r);
        assert_string_equal(r.text, step == 6 ? "B Ma\xc3\xaetre Paul Lenoir.\n" : ".\n");
        rendered_free(&r);
        template_vars_free(&vars);
    }
    config_unref(cfg);
}

static void test_no_bailiff_without_name(void **state)
{
    struct strlist errors;
    struct config *cfg = parse("CreditorPaymentInfo virement\nBailiffAddress 8 quai Saint-Antoine\n", &errors);
    struct template_vars vars;
    struct rendered r;
    char out[PAYMENT_EPC_MAX + 1];

    (void)state;
    assert_non_null(cfg);
    strlist_free(&errors);
    /* relanced -n says why nothing will be named. */
    {
        struct strlist warnings;
        struct date today = {2026, 3, 1};
        strlist_init(&warnings);
        config_warnings(cfg, today, &warnings);
        assert_int_equal(warnings.count, 1);
        assert_non_null(strstr(warnings.items[0], "BailiffAddress: set without BailiffName"));
        strlist_free(&warnings);
    }
    template_vars_init(&vars);
    /* No IBAN: no QR code, no payment lines. */
    assert_false(step_qr(cfg, 6, DEBTOR_KIND_BUSINESS, "EUR", out, &vars));
    render("{{#bailiff}}B{{/bailiff}}{{#payment_options}}P{{/payment_options}}{{#payment_qr}}Q{{/payment_qr}}.", &vars,
           &r);
    assert_string_equal(r.text, ".\n");
    rendered_free(&r);
    template_vars_free(&vars);
    config_unref(cfg);
}

#ifndef TOP_DIR
#define TOP_DIR "."
#endif

/* The shipped agency letter with an IBAN and no CreditorPaymentInfo: the
 * ways to pay replace the "reply and we will tell you how" paragraph; the
 * contact signs; the bailiff is not named at this step. */
static void test_shipped_agency_letter(void **state)
{
    struct config *cfg = payment_config();
    char out[PAYMENT_EPC_MAX + 1], why[300];
    struct template_vars vars;
    struct template t;
    struct rendered r;

    (void)state;
    template_vars_init(&vars);
    assert_true(step_qr(cfg, 5, DEBTOR_KIND_CONSUMER, "EUR", out, &vars));
    assert_true(template_load(TOP_DIR "/conf/templates", LANG_FR, "agence-lettre", &t, why, sizeof why));
    assert_true(template_render(&t, &vars, LANG_FR, TEMPLATE_RED, &r, why, sizeof why));
    assert_non_null(strstr(r.text, "[code QR de paiement]"));
    assert_non_null(strstr(r.text, "IBAN FR76 3000 6000 0112 3456 7890 189, BIC\n  BNPAFRPPPAR, au nom"));
    assert_non_null(strstr(r.text, "https://pay.example/A-001?amount=1000.00"));
    assert_null(strstr(r.text, "indiquerons les coordonn"));
    assert_null(strstr(r.text, "commissaire de justice"));
    assert_non_null(strstr(r.html, "<img src=\"cid:qr.1@test\""));
    rendered_free(&r);
    template_free(&t);
    template_vars_free(&vars);
    config_unref(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iban_valid),
        cmocka_unit_test(test_iban_corrupted),
        cmocka_unit_test(test_bic),
        cmocka_unit_test(test_epc_payload),
        cmocka_unit_test(test_link),
        cmocka_unit_test(test_config_checks),
        cmocka_unit_test(test_qr_amount_is_the_asked_amount),
        cmocka_unit_test(test_qr_image_in_parts),
        cmocka_unit_test(test_qr_png),
        cmocka_unit_test(test_bailiff_where_configured),
        cmocka_unit_test(test_no_bailiff_without_name),
        cmocka_unit_test(test_shipped_agency_letter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
