/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reminder_writer.c - who writes each reminder, said truly, and what
 * the law asks of each writer, checked on the shipped templates rendered
 * in French and English:
 *
 * - the creditor's own steps (courtesy notice, steps 1-3) are signed by the
 *   creditor and never say they are written "pour le compte" of anyone
 *   (that would be collection for another, CPCE R124-4);
 * - every agency step carries each R124-4 mention: 1° the agency, its
 *   address and its activity, 2° the creditor and its address, 3° the
 *   itemised amount, 4° the demand to pay and how, 5° CPCE L111-8 al. 2
 *   and 3 in French (in the English letters too); its first letter gives a
 *   reference, the later ones recall it and that letter's date;
 * - the configuration refuses an agency ladder without the keys those
 *   mentions need;
 * - the 40 € of D441-5 is never told to the debtor of an invoice in
 *   another currency.
 *
 * Amounts by hand: 1000.00 EUR due 30 Jan 2026 at 12.15 %, on 16 Mar 2026
 * (45 days): 100000 x 0.1215 x 45 / 365 = 1497.95 -> 14.98 of penalties,
 * + 40.00 = 1054.98.
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

#ifndef TOP_DIR
#define TOP_DIR "."
#endif

#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"

static const char base_conf[] = "CreditorName ACME Industries SAS\n"
                                "CreditorAddress 12 rue de la Paix, 75002 Paris\n"
                                "CreditorEmail compta@creditor.test\n"
                                "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189\n"
                                "AgencyName Recouvrement Durand\n"
                                "AgencyAddress 3 place Bellecour, 69002 Lyon\n"
                                "AgencySender relances@agency.test\n"
                                "ReplyAddress reponses@agency.test\n";

/* The base configuration and extra lines; a CreditorName there replaces
 * the base's (its first line). */
static struct config *config_with(const char *extra)
{
    struct strlist errors;
    struct config *cfg;
    bool renamed = strncmp(extra, "CreditorName ", 13) == 0;
    char *text = xasprintf("%s%s", renamed ? strchr(base_conf, '\n') + 1 : base_conf, extra);

    strlist_init(&errors);
    cfg = config_parse_text("test.conf", text, &errors);
    if (cfg == NULL)
        fail_msg("%s", errors.count ? errors.items[0] : "config");
    strlist_free(&errors);
    free(text);
    return cfg;
}

static struct date d(const char *text)
{
    struct date out = {0, 0, 0};
    assert_true(date_parse(text, &out));
    return out;
}

static void due_case_init(struct due_case *dc, int64_t id, const char *currency)
{
    memset(dc, 0, sizeof *dc);
    invoice_init(&dc->c.inv);
    dc->c.id = id;
    str_copy(dc->c.inv.number, sizeof dc->c.inv.number, "A-001");
    str_copy(dc->c.inv.currency, sizeof dc->c.inv.currency, currency);
    date_parse("2025-12-31", &dc->c.inv.issue_date);
    date_parse("2026-01-30", &dc->c.inv.due_date);
    dc->c.inv.amount_due = 100000;
    dc->c.balance = 100000;
    str_copy(dc->c.debtor_email, sizeof dc->c.debtor_email, "martin@client-a.test");
    str_copy(dc->c.debtor_name, sizeof dc->c.debtor_name, "Boulangerie Martin SARL");
    dc->c.status = CASE_OPEN;
}

struct render {
    const struct config *cfg;
    int step;           /* 0: the courtesy notice */
    enum language lang;
    enum debtor_kind kind;
    const char *currency;
    const char *first_date; /* a later agency letter: the first one's date */
};

/* The text part, lines joined, quote marks dropped and spaces squeezed,
 * so that wording checks do not depend on the wrapping. */
static char *render(const struct render *r)
{
    struct ladder_step courtesy;
    const struct ladder_step *s = &courtesy;
    struct due_case dc;
    struct reminder_line line = {&dc, 0, 0, 0, 0};
    struct template_vars vars;
    struct rendered out;
    struct template t;
    char why[300], *text, *w;

    ladder_courtesy_step(&courtesy);
    if (r->step > 0)
        s = &r->cfg->steps.items[r->step - 1];
    {
        struct reminder_content rc = {r->cfg, s, r->step, r->lang, r->kind, d("2026-03-16"), "x", "r@x.test",
                                      &line, 1, NULL, NULL};
        due_case_init(&dc, 42, r->currency ? r->currency : "EUR");
        reminder_line_amounts(r->cfg, s->claim, r->kind, rc.today, NULL, 0, &line);
        if (!template_load(TOP_DIR "/conf/templates", r->lang, s->template_name, &t, why, sizeof why))
            fail_msg("%s", why);
        template_vars_init(&vars);
        reminder_content_vars(&rc, &vars);
    }
    if (r->first_date)
        reminder_reference_vars(r->cfg, r->lang, 42, d(r->first_date), false, &vars);
    if (!template_render(&t, &vars, r->lang, TEMPLATE_RED, &out, why, sizeof why))
        fail_msg("%s", why);
    text = xstrdup(out.text);
    w = text;
    for (const char *p = out.text; *p; p++) {
        if (*p != '\n' && *p != ' ') {
            *w++ = *p;
            continue;
        }
        if (w == text || w[-1] != ' ')
            *w++ = ' ';
        if (*p == '\n' && p[1] == '>')
            p += p[2] == ' ' ? 2 : 1;
    }
    *w = '\0';
    rendered_free(&out);
    template_vars_free(&vars);
    template_free(&t);
    return text;
}

static void expect(const char *text, const char *what, int step, enum language lang)
{
    if (strstr(text, what) == NULL)
        fail_msg("step %d (%s): \"%s\" missing in:\n%s", step, language_code(lang), what, text);
}

static void refuse(const char *text, const char *what, int step, enum language lang)
{
    if (strstr(text, what) != NULL)
        fail_msg("step %d (%s): \"%s\" must not appear in:\n%s", step, language_code(lang), what, text);
}

/* ---- the creditor's own steps ---- */

static void test_creditor_steps_are_the_creditors(void **state)
{
    struct config *cfg = config_with("");
    struct config *own = config_with("CreditorSender factures@creditor.test\n");

    (void)state;
    for (int step = 0; step <= 3; step++) {
        for (int kind = DEBTOR_KIND_UNKNOWN; kind <= DEBTOR_KIND_CONSUMER; kind++) {
            struct render fr = {cfg, step, LANG_FR, (enum debtor_kind)kind, NULL, NULL};
            struct render en = {cfg, step, LANG_EN, (enum debtor_kind)kind, NULL, NULL};
            struct render fr_own = {own, step, LANG_FR, (enum debtor_kind)kind, NULL, NULL};
            char *t = render(&fr);

            assert_int_equal(cfg->steps.items[step > 0 ? step - 1 : 0].from, LADDER_FROM_CREDITOR);
            refuse(t, "pour le compte", step, LANG_FR);
            refuse(t, "mandant", step, LANG_FR);
            refuse(t, "recouvrement amiable de créances", step, LANG_FR);
            /* Signed by the creditor; the footer says whose mailbox. */
            expect(t, "distinguées. ACME Industries SAS", step, LANG_FR);
            expect(t, "ACME Industries SAS vous écrit depuis l'adresse de Recouvrement Durand, qui n'en assure que "
                      "l'acheminement.",
                   step, LANG_FR);
            free(t);
            t = render(&en);
            refuse(t, "on behalf of", step, LANG_EN);
            refuse(t, "our principal", step, LANG_EN);
            expect(t, "faithfully, ACME Industries SAS", step, LANG_EN);
            expect(t, "A message from ACME Industries SAS, sent from the address of Recouvrement Durand", step,
                   LANG_EN);
            free(t);
            /* From CreditorSender: nothing about the agency's mailbox. */
            t = render(&fr_own);
            refuse(t, "depuis l'adresse", step, LANG_FR);
            free(t);
        }
    }
    /* The creditor's formal notice: the agency a possibility, never a
     * certainty. */
    {
        struct render fr = {cfg, 3, LANG_FR, DEBTOR_KIND_BUSINESS, NULL, NULL};
        struct render en = {cfg, 3, LANG_EN, DEBTOR_KIND_BUSINESS, NULL, NULL};
        char *t = render(&fr);
        expect(t, "nous pourrons confier le recouvrement amiable de cette créance à Recouvrement Durand", 3, LANG_FR);
        refuse(t, "serons amenés", 3, LANG_FR);
        free(t);
        t = render(&en);
        expect(t, "we may entrust the amicable recovery of this debt to Recouvrement Durand", 3, LANG_EN);
        free(t);
    }
    config_unref(own);
    config_unref(cfg);
}

/* ---- R124-4 in every agency step ---- */

static void check_r124_4(const char *t, int step, enum language lang, bool business)
{
    bool fr = lang == LANG_FR;

    /* 1° the agency, its address, its activity and the law it rests on */
    expect(t, "Recouvrement Durand, 3 place Bellecour, 69002 Lyon", step, lang);
    expect(t, fr ? "exerce une activité de recouvrement amiable de créances pour le compte d'autrui"
                 : "carries out the amicable collection of debts on behalf of others",
           step, lang);
    expect(t, "L124-1", step, lang);
    expect(t, "R124-1", step, lang);
    if (!fr)
        expect(t, "governed by French law", step, lang);
    /* 2° the creditor and its address */
    expect(t, "ACME Industries SAS, 12 rue de la Paix, 75002 Paris", step, lang);
    /* 3° the basis and the amount, its elements distinguished */
    expect(t, fr ? "Fondement de la créance" : "Basis of the debt", step, lang);
    if (business) {
        expect(t, fr ? "14,98" : "14.98", step, lang);
        expect(t, fr ? "40,00" : "40.00", step, lang);
        expect(t, fr ? "1" NNBSP "054,98" : "1,054.98", step, lang);
        expect(t, fr ? "Pénalités" : "Interest", step, lang);
        expect(t, "L441-10", step, lang);
        expect(t, "D441-5", step, lang);
    } else {
        expect(t, fr ? "seul principal restant dû" : "outstanding principal only", step, lang);
        refuse(t, fr ? "40,00" : "40.00", step, lang);
    }
    /* 4° the demand to pay, and how */
    expect(t, fr ? "régler la somme de" : "to pay the sum of", step, lang);
    expect(t, "IBAN FR76 3000 6000 0112 3456 7890 189", step, lang);
    /* 5° L111-8 al. 2 and 3, in French whatever the letter's language */
    expect(t, "R124-4", step, lang);
    expect(t, "Les frais de recouvrement entrepris sans titre exécutoire restent à la charge du créancier, sauf "
              "s'ils concernent un acte dont l'accomplissement est prescrit par la loi au créancier. Toute "
              "stipulation contraire est réputée non écrite, sauf disposition législative contraire.",
           step, lang);
    expect(t, "Cependant, le créancier qui justifie du caractère nécessaire des démarches entreprises pour "
              "recouvrer sa créance peut demander au juge de l'exécution de laisser tout ou partie des frais "
              "ainsi exposés à la charge du débiteur de mauvaise foi.",
           step, lang);
    /* The agency writes: it does not threaten to entrust the debt to itself. */
    refuse(t, fr ? "confier" : "entrust the", step, lang);
}

static void test_agency_steps_carry_r124_4(void **state)
{
    struct config *cfg = config_with("");
    int agency_steps = 0;

    (void)state;
    for (int step = 1; step <= (int)cfg->steps.count; step++) {
        const struct ladder_step *s = &cfg->steps.items[step - 1];
        if (s->from != LADDER_FROM_AGENCY || s->action != LADDER_EMAIL)
            continue;
        agency_steps++;
        for (int lang = LANG_FR; lang <= LANG_EN; lang++) {
            for (int kind = DEBTOR_KIND_UNKNOWN; kind <= DEBTOR_KIND_CONSUMER; kind++) {
                struct render r = {cfg, step, (enum language)lang, (enum debtor_kind)kind, NULL, NULL};
                char *t = render(&r);
                check_r124_4(t, step, (enum language)lang, kind == DEBTOR_KIND_BUSINESS);
                free(t);
            }
        }
    }
    assert_int_equal(agency_steps, 3); /* steps 4, 5 and 6 of the built-in ladder */
    config_unref(cfg);
}

/* ---- references (R124-4, last paragraph) ---- */

static void test_agency_reference(void **state)
{
    struct config *cfg = config_with("");
    struct config *other = config_with("CreditorName Other Creditor SA\n");
    char a[32], b[32], c[32];
    struct render first = {cfg, 4, LANG_FR, DEBTOR_KIND_BUSINESS, NULL, NULL};
    char *t;

    (void)state;
    reminder_agency_reference(cfg, 42, a, sizeof a);
    reminder_agency_reference(cfg, 42, b, sizeof b);
    reminder_agency_reference(other, 42, c, sizeof c);
    assert_string_equal(a, b); /* deterministic */
    assert_int_equal(strlen(a), strlen("R-XXXX-000042"));
    assert_memory_equal(a, "R-", 2);
    assert_string_equal(a + 6, "-000042");
    assert_string_not_equal(a, c); /* the creditor's tag tells them apart */

    /* The first agency letter: the reference, and no earlier letter. */
    t = render(&first);
    {
        char *line = xasprintf("Notre référence" NBSP ": %s Madame", a);
        expect(t, line, 4, LANG_FR);
        free(line);
    }
    refuse(t, "premier courrier du", 4, LANG_FR);
    free(t);
    first.lang = LANG_EN;
    t = render(&first);
    {
        char *line = xasprintf("Our reference: %s Dear", a);
        expect(t, line, 4, LANG_EN);
        free(line);
    }
    free(t);

    /* Steps 5 and 6 recall the reference and the first letter's date. */
    for (int step = 5; step <= 6; step++) {
        struct render fr = {cfg, step, LANG_FR, DEBTOR_KIND_BUSINESS, NULL, "2026-03-16"};
        struct render en = {cfg, step, LANG_EN, DEBTOR_KIND_BUSINESS, NULL, "2026-03-16"};
        char *want;

        t = render(&fr);
        want = xasprintf("Notre référence" NBSP ": %s (notre premier courrier du 16" NBSP "mars" NBSP "2026)", a);
        expect(t, want, step, LANG_FR);
        free(want);
        want = xasprintf("Notre courrier du 16" NBSP "mars" NBSP "2026 (référence %s)", a);
        expect(t, want, step, LANG_FR);
        free(want);
        refuse(t, "précédent message", step, LANG_FR);
        free(t);
        t = render(&en);
        want = xasprintf("Our reference: %s (our first letter of 16" NBSP "March" NBSP "2026)", a);
        expect(t, want, step, LANG_EN);
        free(want);
        want = xasprintf("Our letter of 16" NBSP "March" NBSP "2026 (reference %s)", a);
        expect(t, want, step, LANG_EN);
        free(want);
        free(t);
    }
    config_unref(other);
    config_unref(cfg);
}

/* The first agency letter among sent reminders (newest first): the oldest
 * sent at an agency step other than the one being written. */
static void test_first_agency_letter_found(void **state)
{
    struct config *cfg = config_with("");
    struct reminder_row rows[4];
    struct reminder_list history = {rows, 4};
    static const struct {
        int step;
        const char *name, *sent;
        enum reminder_state state;
    } given[] = {
        {5, "agence-lettre", "2026-03-26T09:00:00Z", REMINDER_SENT},
        {4, "agence-courriel", "2026-03-16T09:00:00Z", REMINDER_SENT},
        {4, "agence-courriel", "", REMINDER_HELD},
        {3, "mise-en-demeure", "2026-03-02T09:00:00Z", REMINDER_SENT},
    };

    (void)state;
    memset(rows, 0, sizeof rows);
    for (size_t i = 0; i < ARRAY_LEN(given); i++) {
        rows[i].id = (int64_t)i + 1;
        rows[i].step = given[i].step;
        str_copy(rows[i].step_name, sizeof rows[i].step_name, given[i].name);
        str_copy(rows[i].sent_at, sizeof rows[i].sent_at, given[i].sent);
        rows[i].state = given[i].state;
    }
    assert_ptr_equal(reminder_first_agency_letter(cfg, &history, "agence-mise-en-demeure"), &rows[1]);
    assert_ptr_equal(reminder_first_agency_letter(cfg, &history, "agence-lettre"), &rows[1]);
    /* Step 4 composed again (the creditor's copy): it is the first. */
    history.count = 2;
    history.items = &rows[1];
    assert_null(reminder_first_agency_letter(cfg, &history, "agence-courriel"));
    assert_null(reminder_first_agency_letter(cfg, NULL, "agence-lettre"));
    config_unref(cfg);
}

/* ---- the configuration ---- */

static void test_agency_ladder_needs_r124_4_keys(void **state)
{
    static const char *const keys[] = {"AgencyAddress", "CreditorAddress", "CreditorPaymentInfo"};
    struct strlist errors;
    struct config *cfg;

    (void)state;
    for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
        struct strbuf text;
        const char *p = base_conf;

        /* The base configuration without that one key. */
        strbuf_init(&text);
        while (*p) {
            size_t n = strcspn(p, "\n") + 1;
            if (strncmp(p, keys[k], strlen(keys[k])) != 0 || p[strlen(keys[k])] != ' ')
                strbuf_printf(&text, "%.*s", (int)n, p);
            p += n;
        }
        strlist_init(&errors);
        assert_null(config_parse_text("t", text.data, &errors));
        assert_int_equal(errors.count, 1);
        assert_non_null(strstr(errors.items[0], keys[k]));
        assert_non_null(strstr(errors.items[0], "R124-4"));
        assert_non_null(strstr(errors.items[0], "agence-courriel"));
        strlist_free(&errors);
        /* A ladder without an agency step does not need it. */
        strbuf_puts(&text, "Step rappel after=1\nStep mise-en-demeure after=30\n");
        strlist_init(&errors);
        cfg = config_parse_text("t", text.data, &errors);
        assert_non_null(cfg);
        config_unref(cfg);
        strlist_free(&errors);
        strbuf_free(&text);
    }
    /* Nothing of the agency set up: no reminder can go, the file loads. */
    cfg = config_parse_text("t", "CreditorName ACME\n", NULL);
    assert_non_null(cfg);
    config_unref(cfg);
    /* All there: accepted. */
    cfg = config_with("");
    config_unref(cfg);
}

/* ---- money and terms ---- */

/* An invoice in dollars: penalties (a rate) may run, but the 40 euros of
 * D441-5 are neither claimed nor announced: relance converts nothing and
 * a fixed sum in euros on a dollar debt would be a claim the debtor cannot
 * check. Positive control: the same step on an invoice in euros. */
static void test_no_indemnity_told_for_other_currencies(void **state)
{
    struct config *cfg = config_with("");

    (void)state;
    for (int step = 0; step <= 6; step++) {
        for (int lang = LANG_FR; lang <= LANG_EN; lang++) {
            struct render r = {cfg, step, (enum language)lang, DEBTOR_KIND_BUSINESS, "USD", NULL};
            char *t = render(&r);
            refuse(t, "40,00", step, (enum language)lang);
            refuse(t, "40.00", step, (enum language)lang);
            refuse(t, "D441-5", step, (enum language)lang);
            free(t);
        }
    }
    {
        struct render r = {cfg, 2, LANG_FR, DEBTOR_KIND_BUSINESS, "EUR", NULL};
        char *t = render(&r);
        expect(t, "indemnité forfaitaire pour frais de recouvrement de 40,00" NBSP "€", 2, LANG_FR);
        free(t);
        r.step = 1;
        t = render(&r);
        expect(t, "40,00" NBSP "€ par facture", 1, LANG_FR);
        free(t);
    }
    config_unref(cfg);
}

static void test_terms_of_sale_only_when_given(void **state)
{
    struct config *cfg = config_with("");
    struct config *terms = config_with("CreditorTerms conditions générales de vente du 1er janvier 2026\n");

    (void)state;
    for (int lang = LANG_FR; lang <= LANG_EN; lang++) {
        struct render r = {cfg, 2, (enum language)lang, DEBTOR_KIND_BUSINESS, NULL, NULL};
        char *t = render(&r);
        refuse(t, lang == LANG_FR ? "conditions" : "terms of sale", 2, (enum language)lang);
        free(t);
        r.cfg = terms;
        t = render(&r);
        expect(t, "conditions générales de vente du 1er janvier 2026", 2, (enum language)lang);
        free(t);
    }
    config_unref(terms);
    config_unref(cfg);
}

/* The agency's formal notice is no promise of proceedings. */
static void test_sticker_does_not_promise_proceedings(void **state)
{
    struct config *cfg = config_with("");
    struct template t;
    char why[300];

    (void)state;
    for (int lang = LANG_FR; lang <= LANG_EN; lang++) {
        if (!template_load(TOP_DIR "/conf/templates", (enum language)lang, "agence-mise-en-demeure", &t, why,
                           sizeof why))
            fail_msg("%s", why);
        assert_null(strstr(t.sticker, "poursuites"));
        assert_null(strstr(t.sticker, "proceedings"));
        template_free(&t);
    }
    config_unref(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_creditor_steps_are_the_creditors),
        cmocka_unit_test(test_agency_steps_carry_r124_4),
        cmocka_unit_test(test_agency_reference),
        cmocka_unit_test(test_first_agency_letter_found),
        cmocka_unit_test(test_agency_ladder_needs_r124_4_keys),
        cmocka_unit_test(test_no_indemnity_told_for_other_currencies),
        cmocka_unit_test(test_terms_of_sale_only_when_given),
        cmocka_unit_test(test_sticker_does_not_promise_proceedings),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
