/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_resolve_notice.c - the debtor's answer to a resolved dispute, on a
 * real SQLite file with the shipped templates: the examination is over
 * and the amount still owed (after a credit: the credit and the new
 * balance), or the claim withdrawn; queued in the outbox with the
 * resolution only when the case was disputed; the ladder's case busy
 * until it goes out, then dated by it.
 *
 * Amounts by hand: the invoice is 1 000.00 EUR; a credit of 100.00 leaves
 * 1 000.00 - 100.00 = 900.00.
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
#include "temp_store.h"
#include "replies/resolve_notice.h"
#include "store/store.h"

#ifndef TOP_DIR
#define TOP_DIR "."
#endif

#define DEBTOR "debtor@client.test"
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

static struct config *config_in(const char *language)
{
    const char *top = getenv("RELANCE_TOP");
    char *abs = realpath(top ? top : TOP_DIR, NULL);
    struct strlist errors;
    char *text = xasprintf("TemplateDirectory %s/conf/templates\n"
                           "CreditorName ACME Industries SAS\n"
                           "CreditorAddress 12 rue de la Paix, 75002 Paris\n"
                           "AgencyAddress 3 place Bellecour, 69002 Lyon\n"
                           "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189\n"
                           "CreditorIban FR76 3000 6000 0112 3456 7890 189\n"
                           "PaymentLink https://pay.example/{number}?amount={amount}\n"
                           "AgencyName Recouvrement Durand\n"
                           "AgencySender relances@agency.test\n"
                           "ReplyAddress reponses@agency.test\n"
                           "DefaultLanguage %s\n",
                           abs ? abs : "/nonexistent", language);
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

    f->st = temp_store_open("resolve", f->dir, sizeof f->dir, f->path, sizeof f->path);
    memset(f->key.bytes, 7, sizeof f->key.bytes);
    f->cfg = config_in("fr");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    config_unref(f->cfg);
    temp_store_close(f->st, f->dir, f->path);
    free(f);
    return 0;
}

/* A 1 000.00 EUR invoice to DEBTOR, due 2026-01-30; disputed when asked. */
static int64_t track(struct fixture *f, const char *number, bool disputed)
{
    struct track_context tc = {DEBTOR, "inv@creditor.test", "Q1", "test"};
    struct invoice inv;
    struct case_row c;
    bool created;

    invoice_init(&inv);
    str_copy(inv.number, sizeof inv.number, number);
    str_copy(inv.seller_name, sizeof inv.seller_name, "ACME");
    str_copy(inv.currency, sizeof inv.currency, "EUR");
    inv.has_amount_due = true;
    inv.amount_due = 100000;
    date_parse("2026-01-30", &inv.due_date);
    assert_int_equal(store_track_invoice(f->st, &f->key, &inv, &tc, &c, &created), STORE_OK);
    if (disputed) {
        struct reply_record rec;
        struct reply_outcome out;
        char message_id[64];

        memset(&rec, 0, sizeof rec);
        snprintf(message_id, sizeof message_id, "dispute-%s@client.test", number);
        rec.case_ids = &c.id;
        rec.case_count = 1;
        rec.message_id = message_id;
        rec.sender = DEBTOR;
        rec.subject = "Re: facture";
        rec.queue_id = "QR1";
        rec.matched_by = "token";
        rec.verdict = "dispute";
        rec.reason = "cue";
        rec.excerpt = rec.own_words = "Je conteste.";
        rec.effect = REPLY_EFFECT_DISPUTE;
        assert_int_equal(store_record_reply(f->st, &f->key, &rec, "milter", &out), STORE_OK);
    }
    return c.id;
}

/* Collects the text/plain part, decoded to UTF-8. */
static void take_text(const struct message_part *part, void *ctx)
{
    char **text = ctx;

    if (*text == NULL && strcmp(part->mime_type, "text/plain") == 0)
        *text = message_part_text_utf8(part);
}

/* The message's text part, decoded, its lines joined (wording checks must
 * not depend on the wrapping); owned by the caller. */
static char *body_of(const struct reply_notice *n)
{
    struct message_walk_limits limits = {10, 5, 1 << 20};
    struct message *msg = message_parse(n->data, n->len);
    char *text = NULL;

    assert_non_null(msg);
    message_walk(msg, &limits, take_text, &text, NULL);
    message_free(msg);
    assert_non_null(text);
    for (char *p = text; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return text;
}

static void build(struct fixture *f, const struct config *cfg, int64_t id, enum case_resolution how,
                  int64_t credit, struct reply_notice *out)
{
    struct resolve_notice_input in = {cfg, &f->key, f->st, id, how, credit, {2026, 3, 20}, 1774000000};
    char why[300];

    if (!resolve_notice_build(&in, out, why, sizeof why))
        fail_msg("%s", why);
    assert_string_equal(out->recipient, DEBTOR);
    assert_non_null(strstr(out->sender, "reponses+"));
}

static void test_resume_says_still_due(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-1", true);
    struct reply_notice n;
    char *body;

    build(f, f->cfg, id, RESOLVE_RESUME, 0, &n);
    assert_string_equal(resolve_notice_kind(RESOLVE_RESUME), "dispute-resumed");
    body = body_of(&n);
    assert_non_null(strstr(n.data, "Subject: "));
    assert_non_null(strstr(n.data, "Reply-To: "));
    assert_non_null(strstr(body, "F-1"));
    assert_non_null(strstr(body, "la facture reste due"));
    assert_non_null(strstr(body, "1" NNBSP "000,00" NBSP EURO));
    assert_non_null(strstr(body, "IBAN FR76"));
    assert_null(strstr(body, "avoir"));
    assert_null(strstr(body, "{{"));
    free(body);
    reply_notice_free(&n);
}

static void test_credit_states_credit_and_balance(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-2", true);
    struct config *en = config_in("en");
    struct reply_notice n;
    char *body;

    /* 1 000.00 - 100.00 = 900.00 */
    build(f, f->cfg, id, RESOLVE_CREDIT, 10000, &n);
    body = body_of(&n);
    assert_non_null(strstr(body, "Un avoir de 100,00" NBSP EURO " a été imputé"));
    assert_non_null(strstr(body, "900,00" NBSP EURO));
    assert_null(strstr(body, "reste due."));
    /* The ways to pay ask for what remains, 900.00, no QR image here. */
    assert_non_null(strstr(body, "https://pay.example/F-2?amount=900.00"));
    assert_null(strstr(body, "code QR"));
    free(body);
    reply_notice_free(&n);
    build(f, en, id, RESOLVE_CREDIT, 10000, &n);
    body = body_of(&n);
    assert_non_null(strstr(body, "A credit of " EURO "100.00 has been applied"));
    assert_non_null(strstr(body, "still owed on it is " EURO "900.00"));
    free(body);
    reply_notice_free(&n);
    config_unref(en);
}

static void test_cancel_withdraws_the_claim(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-3", true);
    struct reply_notice n;
    char *body;

    build(f, f->cfg, id, RESOLVE_CANCEL, 0, &n);
    assert_string_equal(resolve_notice_kind(RESOLVE_CANCEL), "dispute-withdrawn");
    assert_null(resolve_notice_kind(RESOLVE_END_PAUSE));
    body = body_of(&n);
    assert_non_null(strstr(body, "plus le paiement"));
    assert_null(strstr(body, "000,00"));
    free(body);
    reply_notice_free(&n);
}

/* Queued with the resolution, for a dispute only; the case is busy until
 * it goes out, then the ladder is dated by it. */
static void test_queued_with_the_resolution(void **state)
{
    struct fixture *f = *state;
    int64_t disputed = track(f, "F-4", true), paused = track(f, "F-5", false);
    struct reply_notice n;
    struct outbox_message m;
    struct outbox_list due;
    struct due_case dc;
    enum case_status status;

    build(f, f->cfg, disputed, RESOLVE_RESUME, 0, &n);
    m = (struct outbox_message){"dispute-resumed", disputed, n.sender, n.recipient, n.message_id, n.data, n.len};
    assert_int_equal(store_resolve_case_told(f->st, &f->key, disputed, RESOLVE_RESUME, 0, "operator", &m, &status),
                     STORE_OK);
    assert_string_equal(case_status_name(status), "open");
    assert_int_equal(store_outbox_due(f->st, "2999-01-01T00:00:00Z", 10, &due), STORE_OK);
    assert_int_equal(due.count, 1);
    assert_string_equal(due.items[0].kind, "dispute-resumed");
    assert_string_equal(due.items[0].recipient, DEBTOR);
    assert_int_equal(due.items[0].case_id, disputed);
    assert_int_equal(store_get_due_case(f->st, disputed, false, &dc), STORE_OK);
    assert_true(dc.busy);
    assert_true(dc.resumed_at[0] != '\0');
    /* Sent: no longer busy; dated by its sending. */
    assert_int_equal(store_outbox_claim(f->st, due.items[0].id), STORE_OK);
    assert_int_equal(store_outbox_done(f->st, due.items[0].id, "sent", NULL, ""), STORE_OK);
    outbox_list_free(&due);
    assert_int_equal(store_get_due_case(f->st, disputed, false, &dc), STORE_OK);
    assert_false(dc.busy);
    assert_int_equal(strncmp(dc.resumed_at, "20", 2), 0);
    /* A pause ends without a word, even when handed a message. */
    assert_int_equal(store_pause_case(f->st, &f->key, paused, (struct date){2026, 5, 1}, "operator"), STORE_OK);
    m.case_id = paused;
    assert_int_equal(store_resolve_case_told(f->st, &f->key, paused, RESOLVE_RESUME, 0, "operator", &m, &status),
                     STORE_OK);
    assert_int_equal(store_outbox_due(f->st, "2999-01-01T00:00:00Z", 10, &due), STORE_OK);
    assert_int_equal(due.count, 0);
    outbox_list_free(&due);
    assert_int_equal(store_get_due_case(f->st, paused, false, &dc), STORE_OK);
    assert_string_equal(dc.resumed_at, "");
    reply_notice_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resume_says_still_due, setup, teardown),
        cmocka_unit_test_setup_teardown(test_credit_states_credit_and_balance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_withdraws_the_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queued_with_the_resolution, setup, teardown),
    };

    message_library_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
