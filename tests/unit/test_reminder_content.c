/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reminder_content.c - what a reminder claims from whom, and every
 * template shipped in conf/templates rendering for every step, in both
 * languages, for a business and a consumer debtor (an unknown variable or
 * flag there would stop real reminders).
 *
 * Amounts are worked out by hand: 1000.00 EUR due 30 Jan 2026 at the
 * default 12.15 % owes 5.66 of penalties on 16 Feb (17 days).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "lib/template.h"
#include "lib/util.h"
#include "remind/reminder_content.h"

#define NBSP "\xc2\xa0"

#ifndef TOP_DIR
#define TOP_DIR "."
#endif

static struct config *test_config(void)
{
    struct strlist errors;
    struct config *cfg;

    strlist_init(&errors);
    cfg = config_parse_text("test.conf",
                            "CreditorName ACME Industries SAS\n"
                            "CreditorAddress 12 rue de la Paix, 75002 Paris\n"
                            "CreditorEmail compta@creditor.test\n"
                            "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189\n"
                            "AgencyName Recouvrement Durand\n"
                            "AgencyAddress 3 place Bellecour, 69002 Lyon\n"
                            "AgencySender relances@agency.test\n"
                            "ReplyAddress reponses@agency.test\n"
                            /* Every payment and people section rendered. */
                            "CreditorIban FR76 3000 6000 0112 3456 7890 189\n"
                            "CreditorBic BNPAFRPPPAR\n"
                            "CreditorChequeAddress 12 rue de la Paix, 75002 Paris\n"
                            "PaymentLink https://pay.example/{number}?amount={amount}\n"
                            "AgencyContactName Claire Durand\n"
                            "AgencyContactPhone 04 72 00 00 00\n"
                            "BailiffName Maître Paul Lenoir\n"
                            "BailiffAddress 8 quai Saint-Antoine, 69002 Lyon\n",
                            &errors);
    if (cfg == NULL)
        fail_msg("%s", errors.count ? errors.items[0] : "config");
    strlist_free(&errors);
    return cfg;
}

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
    str_copy(dc->c.debtor_name, sizeof dc->c.debtor_name, "Boulangerie Martin SARL");
    dc->c.status = CASE_OPEN;
}

static struct date d(const char *text)
{
    struct date out = {0, 0, 0};
    assert_true(date_parse(text, &out));
    return out;
}

static void test_business_pays_penalties_and_indemnity(void **state)
{
    struct config *cfg = test_config();
    struct due_case dc;
    struct reminder_line line = {&dc, 0, 0, 0, 0};

    (void)state;
    due_case_init(&dc, "A-001", "EUR");
    reminder_line_amounts(cfg, true, DEBTOR_KIND_BUSINESS, d("2026-02-16"), NULL, 0, &line);
    assert_int_equal(line.principal, 100000);
    assert_int_equal(line.penalties, 566);
    assert_int_equal(line.indemnity, 4000);
    assert_int_equal(line.days_late, 17);
    config_unref(cfg);
}

static void test_consumer_and_non_claiming_steps_pay_principal_only(void **state)
{
    struct config *cfg = test_config();
    struct due_case dc;
    struct reminder_line line = {&dc, 0, 0, 0, 0};

    (void)state;
    due_case_init(&dc, "D-001", "EUR");
    reminder_line_amounts(cfg, true, DEBTOR_KIND_CONSUMER, d("2026-03-16"), NULL, 0, &line);
    assert_int_equal(line.principal, 100000);
    assert_int_equal(line.penalties, 0);
    assert_int_equal(line.indemnity, 0);
    reminder_line_amounts(cfg, false, DEBTOR_KIND_BUSINESS, d("2026-03-16"), NULL, 0, &line); /* step claims nothing */
    assert_int_equal(line.penalties, 0);
    assert_int_equal(line.indemnity, 0);
    /* The indemnity is 40 euros: not added to an invoice in dollars. */
    due_case_init(&dc, "U-001", "USD");
    reminder_line_amounts(cfg, true, DEBTOR_KIND_BUSINESS, d("2026-02-16"), NULL, 0, &line);
    assert_int_equal(line.penalties, 566);
    assert_int_equal(line.indemnity, 0);
    config_unref(cfg);
}

static void test_contractual_rate(void **state)
{
    struct strlist errors;
    struct config *cfg;
    struct due_case dc;
    struct reminder_line line = {&dc, 0, 0, 0, 0};

    (void)state;
    strlist_init(&errors);
    /* 1000.00 at 15 % for 17 days: 100000 x 0.15 x 17 / 365 = 698.63 -> 699. */
    cfg = config_parse_text("t", "ContractualRate 15\n", &errors);
    assert_non_null(cfg);
    due_case_init(&dc, "A-001", "EUR");
    reminder_line_amounts(cfg, true, DEBTOR_KIND_BUSINESS, d("2026-02-16"), NULL, 0, &line);
    assert_int_equal(line.penalties, 699);
    config_unref(cfg);
    /* Below three times the legal rate (2.62 % x 3 = 7.86 %): refused. */
    assert_null(config_parse_text("t", "ContractualRate 7.85\n", &errors));
    assert_int_equal(errors.count, 1);
    assert_non_null(strstr(errors.items[0], "t:1: ContractualRate"));
    cfg = config_parse_text("t", "ContractualRate 7.86\n", NULL);
    assert_non_null(cfg);
    config_unref(cfg);
    strlist_free(&errors);
}

/* EcbRate by half-year (C. com. L441-10 II): a delay across 31 December
 * is priced at each half-year's rate, and the reminder says both.
 * 10 000.00 EUR due 2026-12-01, on 2027-01-31: 30 days (2-31 Dec) at
 * 2.15 + 10 = 12.15 % and 31 days (1-31 Jan) at 2.65 + 10 = 12.65 %:
 * (1 000 000 x 30 x 121500 + 1 000 000 x 31 x 126500) / (365 x 10^6)
 * = 7 566 500 000 000 / 365 000 000 = 20 730.137 cents -> 207.30 EUR
 * (99.863 + 107.438, rounded once). */
static void test_half_year_rates(void **state)
{
    struct strlist errors;
    struct config *cfg;
    struct due_case dc;
    struct reminder_line line = {&dc, 0, 0, 0, 0};
    struct ladder_step step;
    struct template t;
    struct template_vars vars;
    struct rendered out;
    char why[300];

    (void)state;
    strlist_init(&errors);
    cfg = config_parse_text("t", "EcbRate 2026-07-01=2.15, 2027-01-01=2.65\n", &errors);
    assert_non_null(cfg);
    due_case_init(&dc, "A-001", "EUR");
    dc.c.inv.due_date = d("2026-12-01");
    dc.c.inv.amount_due = dc.c.balance = 1000000;
    reminder_line_amounts(cfg, true, true, d("2027-01-31"), NULL, 0, &line);
    assert_int_equal(line.penalties, 20730);
    ladder_courtesy_step(&step);
    step.claim = true;
    {
        struct reminder_content rc = {cfg, &step, 1, LANG_FR, true, d("2027-01-31"), "x", "r@x.test", &line, 1, NULL, NULL};
        assert_true(template_parse("t", "Subject: t\n\nR={{penalty_rate}} P={{total_penalties}}\n", &t, why,
                                   sizeof why));
        template_vars_init(&vars);
        reminder_content_vars(&rc, &vars);
        assert_true(template_render(&t, &vars, LANG_FR, TEMPLATE_RED, &out, why, sizeof why));
        assert_non_null(strstr(out.text, "R=12,15" NBSP "% jusqu'au 31" NBSP "d\xc3\xa9" "cembre" NBSP
                                         "2026, puis 12,65" NBSP "% P=207,30" NBSP "\xe2\x82\xac"));
        rendered_free(&out);
        template_vars_free(&vars);
        /* In English; and before the new half-year, one rate only. */
        rc.lang = LANG_EN;
        template_vars_init(&vars);
        reminder_content_vars(&rc, &vars);
        assert_true(template_render(&t, &vars, LANG_EN, TEMPLATE_RED, &out, why, sizeof why));
        assert_non_null(strstr(out.text, "R=12.15% until 31" NBSP "December" NBSP "2026, then 12.65% P=\xe2\x82\xac" "207.30"));
        rendered_free(&out);
        template_vars_free(&vars);
        rc.today = d("2026-12-31");
        reminder_line_amounts(cfg, true, true, rc.today, NULL, 0, &line);
        template_vars_init(&vars);
        reminder_content_vars(&rc, &vars);
        assert_true(template_render(&t, &vars, LANG_EN, TEMPLATE_RED, &out, why, sizeof why));
        assert_non_null(strstr(out.text, "R=12.15% P="));
        rendered_free(&out);
        template_vars_free(&vars);
        template_free(&t);
    }
    config_unref(cfg);
    strlist_free(&errors);
}

static void render_all(const struct config *cfg, enum language lang, bool business)
{
    static const char *const creditor_templates[] = {"copie"};
    struct ladder_step steps[LADDER_MAX_STEPS + 1];
    struct due_case cases[3];
    struct reminder_line lines[3];
    size_t n = cfg->steps.count;

    for (size_t i = 0; i < n; i++)
        steps[i] = cfg->steps.items[i];
    ladder_courtesy_step(&steps[n]);
    due_case_init(&cases[0], "A-001", "EUR");
    due_case_init(&cases[1], "A-002", "EUR");
    due_case_init(&cases[2], "A-003", "EUR");
    for (size_t count = 1; count <= 3; count += 2) {
        for (size_t s = 0; s <= n + ARRAY_LEN(creditor_templates); s++) {
            const struct ladder_step *step = &steps[s < n + 1 ? s : 0];
            const char *name = s <= n ? step->template_name : creditor_templates[s - n - 1];
            struct reminder_content rc = {cfg, step, (int)(s < n ? s + 1 : 0), lang, business ? DEBTOR_KIND_BUSINESS : DEBTOR_KIND_CONSUMER, d("2026-03-02"),
                                          "ACME Industries SAS via Recouvrement Durand",
                                          "reponses+1-1-abcdefghijklmnop@agency.test", lines, count, NULL, "qr.test@relance"};
            struct template_vars vars;
            struct rendered out;
            struct template t;
            char why[300];

            for (size_t i = 0; i < count; i++) {
                lines[i].dc = &cases[i];
                reminder_line_amounts(cfg, step->claim, rc.kind, rc.today, NULL, 0, &lines[i]);
            }
            if (!template_load(TOP_DIR "/conf/templates", lang, name, &t, why, sizeof why))
                fail_msg("%s", why);
            template_vars_init(&vars);
            reminder_content_vars(&rc, &vars);
            template_set(&vars, "copy_recipient", "martin@client-a.test");
            template_set(&vars, "original_subject", "Rappel");
            if (!template_render(&t, &vars, lang, TEMPLATE_RED, &out, why, sizeof why))
                fail_msg("%s/%s: %s", language_code(lang), name, why);
            /* Nothing left unreplaced, and the amount asked is there. */
            assert_null(strstr(out.text, "{{"));
            assert_null(strstr(out.html, "{{"));
            assert_non_null(strstr(out.text, "A-001"));
            if (count == 3)
                assert_non_null(strstr(out.text, "A-003"));
            rendered_free(&out);
            template_vars_free(&vars);
            template_free(&t);
        }
    }
}

static void test_shipped_templates(void **state)
{
    struct config *cfg = test_config();

    (void)state;
    render_all(cfg, LANG_FR, true);
    render_all(cfg, LANG_FR, false);
    render_all(cfg, LANG_EN, true);
    render_all(cfg, LANG_EN, false);
    config_unref(cfg);
}

/* What the law asks of the French agency steps and formal notices, on a
 * business debtor; and L111-8 for a consumer. */
static char *render_step(const struct config *cfg, int step, bool business)
{
    const struct ladder_step *s = &cfg->steps.items[step - 1];
    struct due_case dc;
    struct reminder_line line = {&dc, 0, 0, 0, 0};
    struct reminder_content rc = {cfg, s, step, LANG_FR, business ? DEBTOR_KIND_BUSINESS : DEBTOR_KIND_CONSUMER, d("2026-03-16"), "x", "r@x.test", &line, 1, NULL, NULL};
    struct template_vars vars;
    struct rendered out;
    struct template t;
    char why[300], *text;

    due_case_init(&dc, "A-001", "EUR");
    reminder_line_amounts(cfg, s->claim, rc.kind, rc.today, NULL, 0, &line);
    assert_true(template_load(TOP_DIR "/conf/templates", LANG_FR, s->template_name, &t, why, sizeof why));
    template_vars_init(&vars);
    reminder_content_vars(&rc, &vars);
    assert_true(template_render(&t, &vars, LANG_FR, TEMPLATE_RED, &out, why, sizeof why));
    /* Lines joined and quote marks dropped: wording checks must not depend
     * on the wrapping. */
    text = xstrdup(out.text);
    {
        char *w = text;
        for (const char *p = out.text; *p; p++) {
            if (*p != '\n') {
                *w++ = *p;
                continue;
            }
            *w++ = ' ';
            if (p[1] == '>')
                p += p[2] == ' ' ? 2 : 1;
        }
        *w = '\0';
    }
    rendered_free(&out);
    template_vars_free(&vars);
    template_free(&t);
    return text;
}

static void test_french_legal_mentions(void **state)
{
    struct config *cfg = test_config();
    char *text;

    (void)state;
    for (int step = 4; step <= 6; step++) {
        text = render_step(cfg, step, true);
        assert_non_null(strstr(text, "exerce une activité de recouvrement amiable"));
        assert_non_null(strstr(text, "3 place Bellecour, 69002 Lyon"));
        assert_non_null(strstr(text, "ACME Industries SAS, 12 rue de la Paix, 75002 Paris"));
        assert_non_null(strstr(text, "Fondement de la créance"));
        assert_non_null(strstr(text, "Pénalités"));
        assert_non_null(strstr(text, "Modalités de paiement"));
        assert_non_null(strstr(text, "R124-4"));
        assert_non_null(strstr(text, "restent à la charge du créancier"));
        free(text);
        text = render_step(cfg, step, false);
        assert_non_null(strstr(text, "les frais de recouvrement ne vous sont pas facturés"));
        assert_null(strstr(text, "40,00"));
        free(text);
    }
    text = render_step(cfg, 3, true);
    assert_non_null(strstr(text, "nous vous mettons en demeure, au sens de l'article 1344"));
    assert_non_null(strstr(text, "24\xc2\xa0mars\xc2\xa0" "2026")); /* 16 March + 8 days */
    free(text);
    config_unref(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_business_pays_penalties_and_indemnity),
        cmocka_unit_test(test_consumer_and_non_claiming_steps_pay_principal_only),
        cmocka_unit_test(test_contractual_rate),
        cmocka_unit_test(test_half_year_rates),
        cmocka_unit_test(test_shipped_templates),
        cmocka_unit_test(test_french_legal_mentions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
