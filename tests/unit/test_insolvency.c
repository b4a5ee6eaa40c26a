/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_insolvency.c - a debtor's collective proceeding on a real SQLite
 * file with the shipped templates: the cases it covers (the debtor's, and
 * those of a debtor with the same SIREN; not a stranger's, not a settled
 * one), recording it (cases insolvent, the proceeding kept, one event per
 * case, a settled case left alone), and the creditor's notice with the
 * amounts to declare as at the opening.
 *
 * Amounts by hand (ContractualRate 10.95 %: 10.95 / 365 = 0.03 % a day),
 * business debtor (SIREN on its invoices), opening judgment 2026-11-18:
 * penalties count up to the day before, 2026-11-17 (C. com. L622-28).
 *   F-1 1 000.00 due 2026-09-30: days 2026-10-01 .. 2026-11-17 = 31 + 17
 *       = 48; 1 000.00 x 0.0003 x 48 = 14.40; indemnity 40.00;
 *   F-2 2 500.00 due 2026-10-15: days 2026-10-16 .. 2026-11-17 = 16 + 17
 *       = 33; 2 500.00 x 0.0003 x 33 = 24.75; indemnity 40.00;
 *   F-3   400.00 due 2026-11-30: not late on 2026-11-17: nothing more.
 *   Principal 3 900.00, penalties 39.15, indemnities 80.00,
 *   total 3 900.00 + 39.15 + 80.00 = 4 019.15.
 * Opening date unknown, notice on 2026-12-07: F-1 has 68 days (31 + 30 +
 * 7), 1 000.00 x 0.0003 x 68 = 20.40.
 * A consumer's case, same opening: the principal alone, 700.00.
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

#include "lib/message.h"
#include "lib/util.h"
#include "replies/insolvency_notice.h"
#include "store/store.h"
#include "store/store_insolvency.h"
#include "due_facts_check.h"
#include "temp_store.h"

#ifndef TOP_DIR
#define TOP_DIR "."
#endif

#define DEBTOR "compta@client.test"
#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"
#define EURO "\xe2\x82\xac"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct audit_key key;
    struct config *cfg;
};

static struct config *config_fr(void)
{
    const char *top = getenv("RELANCE_TOP");
    char *abs = realpath(top ? top : TOP_DIR, NULL);
    struct strlist errors;
    char *text = xasprintf("TemplateDirectory %s/conf/templates\n"
                           "CreditorName ACME Industries SAS\n"
                           "CreditorEmail compta@acme.test\n"
                           "CreditorAddress 12 rue de la Paix, 75002 Paris\n"
                           "AgencyAddress 3 place Bellecour, 69002 Lyon\n"
                           "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189\n"
                           "AgencyName ACME Relances\n"
                           "AgencySender relances@acme.test\n"
                           "ReplyAddress reponses@acme.test\n"
                           "ContractualRate 10.95\n"
                           "DefaultLanguage fr\n",
                           abs ? abs : "/nonexistent");
    struct config *cfg;

    strlist_init(&errors);
    cfg = config_parse_text("t.conf", text, &errors);
    if (cfg == NULL)
        fail_msg("%s", errors.count ? errors.items[0] : "config");
    strlist_free(&errors);
    free(text);
    free(abs);
    return cfg;
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);

    f->st = temp_store_open("insolv", f->dir, sizeof f->dir, f->path, sizeof f->path);
    memset(f->key.bytes, 7, sizeof f->key.bytes);
    f->cfg = config_fr();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    due_facts_check(f->st); /* the facts the triggers kept, after each scenario */
    config_unref(f->cfg);
    temp_store_close(f->st, f->dir, f->path);
    free(f);
    return 0;
}

/* An invoice in EUR; ids: the buyer's legal ids ("" for none). */
static int64_t track(struct fixture *f, const char *debtor, const char *number, int64_t cents, const char *due,
                     const char *ids)
{
    struct track_context tc = {debtor, "inv@creditor.test", "Q1", "test"};
    struct invoice inv;
    struct case_row c;
    bool created;
    char mid[64];

    snprintf(mid, sizeof mid, "%s@creditor.test", number);
    tc.message_id = mid;
    invoice_init(&inv);
    str_copy(inv.number, sizeof inv.number, number);
    str_copy(inv.seller_name, sizeof inv.seller_name, "ACME");
    str_copy(inv.currency, sizeof inv.currency, "EUR");
    str_copy(inv.buyer_ids, sizeof inv.buyer_ids, ids);
    inv.has_amount_due = true;
    inv.amount_due = cents;
    date_parse(due, &inv.due_date);
    assert_int_equal(store_track_invoice(f->st, &f->key, &inv, &tc, &c, &created), STORE_OK);
    return c.id;
}

static char *body_text = NULL;

static void take_text(const struct message_part *part, void *ctx)
{
    char **text = ctx;

    if (*text == NULL && strcmp(part->mime_type, "text/plain") == 0)
        *text = message_part_text_utf8(part);
}

/* The notice's text part, lines joined; owned. */
static char *notice_body(struct fixture *f, const int64_t *ids, size_t n, const struct reply_insolvency *info)
{
    struct insolvency_notice_input in = {f->cfg, &f->key, f->st, ids, n, info, "mj@etude.test", "Redressement.",
                                         {2026, 12, 7}, 1796600000};
    struct message_walk_limits limits = {10, 5, 1 << 20};
    struct reply_notice out;
    struct message *msg;
    char why[256], *text = NULL;

    if (!insolvency_notice_build(&in, &out, why, sizeof why))
        fail_msg("insolvency_notice_build: %s", why);
    assert_string_equal(out.recipient, "compta@acme.test");
    msg = message_parse(out.data, out.len);
    assert_non_null(msg);
    message_walk(msg, &limits, take_text, &text, NULL);
    message_free(msg);
    reply_notice_free(&out);
    assert_non_null(text);
    for (char *p = text; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return text;
}

static void test_amounts_as_at_the_opening(void **state)
{
    struct fixture *f = *state;
    int64_t ids[3] = {track(f, DEBTOR, "F-1", 100000, "2026-09-30", "552100554"),
                      track(f, DEBTOR, "F-2", 250000, "2026-10-15", "552100554"),
                      track(f, DEBTOR, "F-3", 40000, "2026-11-30", "552100554")};
    struct reply_insolvency info = {"redressement", {2026, 11, 18}, "Me Claire Fontaine",
                                    "12 rue de la République, 69002 Lyon"};
    struct date until = insolvency_amounts_until(info.opened, (struct date){2026, 12, 7});

    assert_int_equal(until.day, 17);
    body_text = notice_body(f, ids, 3, &info);
    assert_non_null(strstr(body_text, "14,40" NBSP EURO));
    assert_non_null(strstr(body_text, "24,75" NBSP EURO));
    assert_non_null(strstr(body_text, "39,15" NBSP EURO));
    assert_non_null(strstr(body_text, "80,00" NBSP EURO));
    assert_non_null(strstr(body_text, "4" NNBSP "019,15" NBSP EURO));
    assert_non_null(strstr(body_text, "17 novembre 2026"));
    assert_non_null(strstr(body_text, "18 novembre 2026"));
    assert_non_null(strstr(body_text, "Me Claire Fontaine"));
    assert_non_null(strstr(body_text, "redressement judiciaire"));
    assert_non_null(strstr(body_text, "R622-24"));
    assert_non_null(strstr(body_text, "L622-21"));
    assert_non_null(strstr(body_text, "relancectl dossier F-1"));
    assert_null(strstr(body_text, "n'est pas indiquée"));
    free(body_text);
}

static void test_opening_unknown_counts_to_the_notice(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, DEBTOR, "F-1", 100000, "2026-09-30", "552100554");
    struct reply_insolvency info = {"", {0, 0, 0}, "", ""};

    body_text = notice_body(f, &id, 1, &info);
    assert_non_null(strstr(body_text, "20,40" NBSP EURO));
    assert_non_null(strstr(body_text, "n'est pas indiquée"));
    assert_non_null(strstr(body_text, "7 décembre 2026"));
    assert_non_null(strstr(body_text, "procédure collective (nature non précisée)"));
    free(body_text);
}

static void test_consumer_declares_the_principal(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "jean@particulier.test", "P-1", 70000, "2026-09-30", "");
    struct reply_insolvency info = {"liquidation", {2026, 11, 18}, "", ""};

    body_text = notice_body(f, &id, 1, &info);
    assert_non_null(strstr(body_text, "700,00" NBSP EURO));
    assert_null(strstr(body_text, "40,00" NBSP EURO));
    assert_non_null(strstr(body_text, "seul le principal"));
    free(body_text);
}

static bool has(const struct case_list *l, int64_t id)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].id == id)
            return true;
    return false;
}

static void test_cases_covered_and_recorded(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, DEBTOR, "F-1", 100000, "2026-09-30", "552100554");
    int64_t b = track(f, DEBTOR, "F-2", 250000, "2026-10-15", "552100554");
    /* Another address, the same company: a SIRET of the same SIREN. */
    int64_t c = track(f, "achats@client.test", "F-4", 30000, "2026-10-01", "55210055400013");
    int64_t stranger = track(f, "autre@ailleurs.test", "F-5", 30000, "2026-10-01", "732829320");
    int64_t paid = track(f, DEBTOR, "F-6", 10000, "2026-10-01", "552100554");
    struct debtor_insolvency rec = {"redressement", {2026, 11, 18}, "Me Claire Fontaine", "", "reply", "r1@x"};
    struct debtor_insolvency_row row;
    struct case_list cases;
    struct case_row cr;
    int64_t balance;
    size_t changed;
    bool found;

    assert_int_equal(store_record_payment(f->st, &f->key, paid, 10000, (struct date){2026, 10, 5}, "operator",
                                          "operator", &balance), STORE_OK);
    assert_int_equal(store_insolvency_cases(f->st, &a, 1, NULL, &cases), STORE_OK);
    assert_int_equal(cases.count, 3);
    assert_true(has(&cases, a) && has(&cases, b) && has(&cases, c));
    assert_false(has(&cases, stranger) || has(&cases, paid));
    case_list_free(&cases);
    /* By address (the operator's command) the same three. */
    assert_int_equal(store_insolvency_cases(f->st, NULL, 0, "COMPTA@client.test", &cases), STORE_OK);
    assert_int_equal(cases.count, 3);
    case_list_free(&cases);

    {
        int64_t ids[4] = {a, b, c, paid};
        assert_int_equal(store_mark_insolvent(f->st, &f->key, &rec, ids, 4, "test", NULL, 0, &changed), STORE_OK);
    }
    assert_int_equal(changed, 3);
    assert_int_equal(store_get_case(f->st, a, &cr), STORE_OK);
    assert_string_equal(case_status_name(cr.status), "insolvent");
    assert_int_equal(store_get_case(f->st, c, &cr), STORE_OK);
    assert_string_equal(case_status_name(cr.status), "insolvent");
    assert_int_equal(store_get_case(f->st, paid, &cr), STORE_OK);
    assert_string_equal(case_status_name(cr.status), "paid");
    assert_int_equal(store_get_case(f->st, stranger, &cr), STORE_OK);
    assert_string_equal(case_status_name(cr.status), "open");
    assert_int_equal(store_insolvency_of_case(f->st, c, &row, &found), STORE_OK);
    assert_true(found);
    assert_string_equal(row.kind, "redressement");
    assert_string_equal(row.representative, "Me Claire Fontaine");
    assert_int_equal(row.opened.day, 18);
    /* Insolvent cases are never due: the ladder skips them. */
    {
        struct due_case_list due;
        assert_int_equal(store_list_due_cases(f->st, false, &due), STORE_OK);
        for (size_t i = 0; i < due.count; i++)
            assert_true(due.items[i].c.id == stranger);
        due_case_list_free(&due);
    }
    /* The operator reopens one: it is open again. */
    assert_int_equal(store_resolve_case(f->st, &f->key, a, RESOLVE_RESUME, 0, "test", &cr.status), STORE_OK);
    assert_string_equal(case_status_name(cr.status), "open");
}

static void test_legal_key(void **state)
{
    char key[48];

    (void)state;
    store_legal_key("SIRET 55210055400013 on invoice F-1", key, sizeof key);
    assert_string_equal(key, "55210055400013");
    store_legal_key("", key, sizeof key);
    assert_string_equal(key, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_amounts_as_at_the_opening, setup, teardown),
        cmocka_unit_test_setup_teardown(test_opening_unknown_counts_to_the_notice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consumer_declares_the_principal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases_covered_and_recorded, setup, teardown),
        cmocka_unit_test(test_legal_key),
    };

    message_library_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
