/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_review.c - the human in the loop, on a real SQLite file with the
 * shipped templates: the last day of a review in business days (computed
 * by hand below); a reply put in review holds an open case only, and
 * counts with the pauses against MaxPausesPerCase; a lapsed review opens
 * the case once, with one reminder queued for the creditor; the
 * operator's reading (dispute, promise, paid) has the verdict's effect
 * and is audited; the creditor's notice says why relance could not
 * decide (nothing placed, or not sure by what margin) and what to run;
 * and a configuration that still sets NotifyOtherReplies loads, with a
 * warning.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/calendar.h"
#include "lib/message.h"
#include "lib/util.h"
#include "replies/reply.h"
#include "replies/reply_notice.h"
#include "store/store.h"
#include "due_facts_check.h"
#include "temp_store.h"

#ifndef TOP_DIR
#define TOP_DIR "."
#endif

#define DEBTOR "debtor@client.test"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct audit_key key;
    struct config *cfg;
};

static struct config *config_in(const char *language, const char *extra)
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
                           "AgencyName Recouvrement Durand\n"
                           "AgencySender relances@agency.test\n"
                           "ReplyAddress reponses@agency.test\n"
                           "DefaultLanguage %s\n%s",
                           abs ? abs : "/nonexistent", language, extra);
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

    f->st = temp_store_open("review", f->dir, sizeof f->dir, f->path, sizeof f->path);
    memset(f->key.bytes, 9, sizeof f->key.bytes);
    f->cfg = config_in("fr", "");
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

/* ---- helpers ---- */

static int64_t track(struct fixture *f, const char *number)
{
    char *message_id = xasprintf("%s@creditor.test", number);
    struct track_context tc = {DEBTOR, message_id, "Q1", "test"};
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
    free(message_id);
    return c.id;
}

static struct case_row get(struct fixture *f, int64_t id)
{
    struct case_row c;

    assert_int_equal(store_get_case(f->st, id, &c), STORE_OK);
    return c;
}

/* A reply relance could not place, putting case `id` in review until
 * `until` (as reply.c decides it), with MaxPausesPerCase max_pauses. */
static struct reply_outcome review_reply(struct fixture *f, const int64_t *id, const char *message_id,
                                         struct date until, int max_pauses)
{
    struct reply_record rec;
    struct reply_outcome out;

    memset(&rec, 0, sizeof rec);
    rec.case_ids = id;
    rec.case_count = 1;
    rec.message_id = message_id;
    rec.sender = DEBTOR;
    rec.subject = "Re: facture";
    rec.queue_id = "QR1";
    rec.matched_by = "token";
    rec.verdict = "other";
    rec.reason = "no cue";
    rec.excerpt = rec.own_words = "Pouvez-vous rappeler Martine lundi ?";
    rec.effect = REPLY_EFFECT_REVIEW;
    rec.pause_until = until;
    rec.max_pauses = max_pauses;
    assert_int_equal(store_record_reply(f->st, &f->key, &rec, "milter", &out), STORE_OK);
    return out;
}

static const char *newest_action(struct fixture *f, int64_t id, char *out, size_t size)
{
    struct reply_list list;

    assert_int_equal(store_list_replies(f->st, id, &list), STORE_OK);
    assert_true(list.count > 0);
    str_copy(out, size, list.items[0].action);
    reply_list_free(&list);
    return out;
}

static void last_event(struct fixture *f, int64_t id, char *kind, size_t ksize, char *detail, size_t dsize)
{
    struct event_list events;

    assert_int_equal(store_list_events(f->st, id, &events), STORE_OK);
    assert_true(events.count > 0);
    str_copy(kind, ksize, events.items[events.count - 1].kind);
    str_copy(detail, dsize, events.items[events.count - 1].detail);
    event_list_free(&events);
}

static size_t outbox_count(struct fixture *f, const char *kind)
{
    struct outbox_list list;
    size_t n = 0;

    assert_int_equal(store_outbox_list(f->st, NULL, 100, &list), STORE_OK);
    for (size_t i = 0; i < list.count; i++)
        n += strcmp(list.items[i].kind, kind) == 0;
    outbox_list_free(&list);
    return n;
}

/* ---- the last day of a review ---- */

static void test_review_deadline_in_business_days(void **state)
{
    struct fixture *f = *state;
    struct calendar cal;
    struct date d;
    char day[DATE_STR_MAX];

    config_calendar(f->cfg, &cal); /* Monday to Friday, French holidays */
    /* Wednesday 3 June 2026 + 5 business days: Thu 4, Fri 5, Mon 8,
     * Tue 9, Wed 10 June. */
    d = calendar_add_business_days(&cal, (struct date){2026, 6, 3}, 5);
    date_format(d, day);
    assert_string_equal(day, "2026-06-10");
    /* Friday 8 May 2026 (itself a holiday) + 5: Mon 11, Tue 12, Wed 13,
     * Thursday 14 is Ascension (Easter 5 April + 39 days), Fri 15,
     * Mon 18 May. */
    d = calendar_add_business_days(&cal, (struct date){2026, 5, 8}, 5);
    date_format(d, day);
    assert_string_equal(day, "2026-05-18");
    /* Saturday 26 December 2026 + 1: Mon 28 (Sunday is no business day). */
    d = calendar_add_business_days(&cal, (struct date){2026, 12, 26}, 1);
    date_format(d, day);
    assert_string_equal(day, "2026-12-28");
    /* No sending day at all: calendar days, so that a review still ends. */
    cal.weekdays = 0;
    d = calendar_add_business_days(&cal, (struct date){2026, 6, 3}, 5);
    date_format(d, day);
    assert_string_equal(day, "2026-06-08");
}

/* ---- a reply in review ---- */

static void test_review_holds_open_cases_only(void **state)
{
    struct fixture *f = *state;
    int64_t open = track(f, "F-1"), paused = track(f, "F-2");
    struct date until = {2026, 6, 10};
    struct reply_outcome out;
    struct case_row c;
    char action[64];

    out = review_reply(f, &open, "r1@client.test", until, 3);
    assert_int_equal(out.changed, 1);
    c = get(f, open);
    assert_string_equal(case_status_name(c.status), "review");
    assert_string_equal(c.paused_until, "2026-06-10");
    assert_string_equal(c.pause_reason, "review");
    assert_string_equal(newest_action(f, open, action, sizeof action), "review until 2026-06-10");
    /* A second unclear reply does not move the deadline. */
    out = review_reply(f, &open, "r2@client.test", (struct date){2026, 6, 20}, 3);
    assert_int_equal(out.changed, 0);
    assert_string_equal(get(f, open).paused_until, "2026-06-10");
    assert_string_equal(newest_action(f, open, action, sizeof action), "recorded (status kept)");
    /* A promise pause stays a promise pause. */
    assert_int_equal(store_pause_case(f->st, &f->key, paused, (struct date){2026, 7, 1}, "operator"), STORE_OK);
    out = review_reply(f, &paused, "r3@client.test", until, 3);
    assert_int_equal(out.changed, 0);
    assert_string_equal(case_status_name(get(f, paused).status), "paused");
    assert_string_equal(get(f, paused).paused_until, "2026-07-01");
}

/* A debtor writing nonsense every few days: each review counts like a
 * pause, so MaxPausesPerCase (2 here) bounds them all. */
static void test_reviews_count_with_pauses(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-1");
    struct reply_outcome out;
    enum case_status status;
    char action[64];
    int pauses = -1;

    out = review_reply(f, &id, "r1@client.test", (struct date){2026, 6, 10}, 2);
    assert_int_equal(out.changed, 1);
    assert_int_equal(store_resolve_case(f->st, &f->key, id, RESOLVE_RESUME, 0, "operator", &status), STORE_OK);
    out = review_reply(f, &id, "r2@client.test", (struct date){2026, 6, 17}, 2);
    assert_int_equal(out.changed, 1);
    assert_int_equal(store_resolve_case(f->st, &f->key, id, RESOLVE_RESUME, 0, "operator", &status), STORE_OK);
    assert_int_equal(store_reply_pauses(f->st, id, &pauses), STORE_OK);
    assert_int_equal(pauses, 2);
    out = review_reply(f, &id, "r3@client.test", (struct date){2026, 6, 24}, 2);
    assert_int_equal(out.changed, 0);
    assert_string_equal(case_status_name(get(f, id).status), "open");
    assert_string_equal(newest_action(f, id, action, sizeof action), "recorded (pause limit reached)");
}

/* ---- a review nobody decided ---- */

static void test_lapsed_review_opens_once(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-1");
    struct outbox_message notice = {"review-lapsed", id, "reponses+x@agency.test", "compta@acme.test",
                                    "lapse-1@agency.test", "Subject: x\n\nx\n", 13};
    char kind[32], detail[512];
    int64_t *ids;
    size_t n;
    bool ended;

    review_reply(f, &id, "r1@client.test", (struct date){2026, 6, 10}, 3);
    /* On its last day the case still waits. */
    assert_int_equal(store_lapsed_reviews(f->st, (struct date){2026, 6, 10}, &ids, &n), STORE_OK);
    assert_int_equal(n, 0);
    free(ids);
    assert_int_equal(store_lapsed_reviews(f->st, (struct date){2026, 6, 11}, &ids, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], id);
    free(ids);
    assert_int_equal(store_end_review(f->st, &f->key, id, "scheduler", &notice, &ended), STORE_OK);
    assert_true(ended);
    assert_string_equal(case_status_name(get(f, id).status), "open");
    assert_string_equal(get(f, id).paused_until, "");
    last_event(f, id, kind, sizeof kind, detail, sizeof detail);
    assert_string_equal(kind, "case-resumed");
    assert_non_null(strstr(detail, "review ended without a decision"));
    assert_int_equal(outbox_count(f, "review-lapsed"), 1);
    /* A second runner finds nothing to end and queues nothing. */
    assert_int_equal(store_end_review(f->st, &f->key, id, "scheduler", &notice, &ended), STORE_OK);
    assert_false(ended);
    assert_int_equal(outbox_count(f, "review-lapsed"), 1);
    assert_int_equal(store_lapsed_reviews(f->st, (struct date){2026, 6, 12}, &ids, &n), STORE_OK);
    assert_int_equal(n, 0);
    free(ids);
}

/* ---- the operator's reading ---- */

static void test_operator_decides(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1"), b = track(f, "F-2"), c = track(f, "F-3"), d = track(f, "F-4");
    struct date until = {2026, 6, 10};
    enum case_status status;
    char kind[32], detail[512];

    review_reply(f, &a, "ra@client.test", until, 3);
    review_reply(f, &b, "rb@client.test", until, 3);
    review_reply(f, &c, "rc@client.test", until, 3);
    assert_int_equal(store_decide_review(f->st, &f->key, a, REVIEW_DISPUTE, (struct date){0, 0, 0}, "operator",
                                         &status),
                     STORE_OK);
    assert_string_equal(case_status_name(status), "disputed");
    assert_string_equal(get(f, a).paused_until, "");
    last_event(f, a, kind, sizeof kind, detail, sizeof detail);
    assert_string_equal(kind, "case-resolved");
    assert_non_null(strstr(detail, "\"resolution\":\"dispute\""));
    /* A promise for 15 July with PromiseGraceDays 3: paused until 18 July. */
    assert_int_equal(store_decide_review(f->st, &f->key, b, REVIEW_PROMISE, (struct date){2026, 7, 18}, "operator",
                                         &status),
                     STORE_OK);
    assert_string_equal(case_status_name(status), "paused");
    assert_string_equal(get(f, b).paused_until, "2026-07-18");
    assert_string_equal(get(f, b).pause_reason, "promise");
    last_event(f, b, kind, sizeof kind, detail, sizeof detail);
    assert_non_null(strstr(detail, "\"resolution\":\"promise\""));
    assert_non_null(strstr(detail, "2026-07-18"));
    assert_int_equal(store_decide_review(f->st, &f->key, c, REVIEW_PAID, (struct date){2026, 6, 13}, "operator",
                                         &status),
                     STORE_OK);
    assert_string_equal(get(f, c).pause_reason, "paid");
    /* Only a case in review: an open one, a decided one are refused. */
    assert_int_equal(store_decide_review(f->st, &f->key, d, REVIEW_DISPUTE, (struct date){0, 0, 0}, "operator",
                                         &status),
                     STORE_CONFLICT);
    assert_string_equal(case_status_name(get(f, d).status), "open");
    assert_int_equal(store_decide_review(f->st, &f->key, a, REVIEW_PAID, until, "operator", &status), STORE_CONFLICT);
    assert_string_equal(case_status_name(get(f, a).status), "disputed");
}

/* ---- the creditor's notice ---- */

static void take_text(const struct message_part *part, void *ctx)
{
    char **text = ctx;

    if (*text == NULL && strcmp(part->mime_type, "text/plain") == 0)
        *text = message_part_text_utf8(part);
}

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

static char *notice_body(struct fixture *f, const struct config *cfg, int64_t id, const struct reply_reading *r)
{
    struct reply_notice_input in = {cfg, &f->key, f->st, &id, 1, r, DEBTOR, "Re: facture F-1", "r@client.test",
                                    "review until 2026-06-10", {2026, 6, 10}, {2026, 6, 3}, 1780000000, false};
    struct reply_notice n;
    char why[256], *body;

    if (!reply_notice_build(&in, "creditor-notice", &n, why, sizeof why))
        fail_msg("%s", why);
    assert_string_equal(n.recipient, "compta@acme.test");
    body = body_of(&n);
    reply_notice_free(&n);
    return body;
}

static void test_notice_of_unsure_reply(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-1");
    struct reply_reading r;
    struct config *en = config_in("en", "");
    char *body;

    memset(&r, 0, sizeof r);
    r.verdict = REPLY_DISPUTE;
    r.unsure = true;
    r.margin = 4;
    str_copy(r.reason, sizeof r.reason, "weak cue");
    str_copy(r.excerpt, sizeof r.excerpt, "le prix ne correspond pas a ce qui etait convenu");
    r.own_words = r.excerpt;
    body = notice_body(f, f->cfg, id, &r);
    assert_non_null(strstr(body, "le prix ne correspond pas a ce qui etait convenu"));
    assert_non_null(strstr(body, "sans en être sûrs"));
    assert_non_null(strstr(body, "écart de 4 points"));
    assert_non_null(strstr(body, "10 juin 2026"));
    assert_non_null(strstr(body, "relancectl resolve F-1 --dispute"));
    assert_non_null(strstr(body, "relancectl resolve F-1 --promise AAAA-MM-JJ"));
    assert_non_null(strstr(body, "relancectl resolve F-1 --paid"));
    assert_non_null(strstr(body, "relancectl resolve F-1 --resume"));
    assert_non_null(strstr(body, "relancectl resolve F-1 --cancel"));
    /* Nothing claims the dispute's effect: the case is in review. */
    assert_null(strstr(body, "La créance est contestée"));
    assert_null(strstr(body, "{{"));
    free(body);
    body = notice_body(f, en, id, &r);
    assert_non_null(strstr(body, "without being sure (only 4 points ahead"));
    assert_non_null(strstr(body, "relancectl resolve F-1 --promise YYYY-MM-DD"));
    free(body);
    config_unref(en);
}

static void test_notice_of_other_reply(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-1");
    struct reply_reading r;
    char *body;

    memset(&r, 0, sizeof r);
    r.verdict = REPLY_OTHER;
    str_copy(r.reason, sizeof r.reason, "no cue");
    str_copy(r.excerpt, sizeof r.excerpt, "Pouvez-vous rappeler Martine lundi ?");
    r.own_words = r.excerpt;
    body = notice_body(f, f->cfg, id, &r);
    assert_non_null(strstr(body, "Pouvez-vous rappeler Martine lundi"));
    assert_non_null(strstr(body, "ne dit rien que nous sachions classer"));
    assert_null(strstr(body, "sans en être sûrs"));
    assert_non_null(strstr(body, "relancectl resolve F-1 --dispute"));
    /* The old "nothing is done" line would contradict the review. */
    assert_null(strstr(body, "Aucune suite automatique"));
    free(body);
}

/* ---- which readings go to a person ---- */

static void test_which_readings_need_review(void **state)
{
    static const enum reply_verdict person[] = {REPLY_DISPUTE, REPLY_PROMISE, REPLY_PAID, REPLY_PLAN};
    struct reply_reading r;

    (void)state;
    memset(&r, 0, sizeof r);
    r.verdict = REPLY_OTHER;
    assert_true(reply_needs_review(&r));
    for (size_t i = 0; i < ARRAY_LEN(person); i++) {
        r.verdict = person[i];
        r.unsure = false;
        r.margin = 60;
        assert_false(reply_needs_review(&r));
        r.unsure = true;
        r.margin = 3;
        assert_true(reply_needs_review(&r));
    }
    /* Machines are never held for a person, sure or not. */
    r.verdict = REPLY_AUTO_REPLY;
    assert_false(reply_needs_review(&r));
    r.verdict = REPLY_BOUNCE;
    assert_false(reply_needs_review(&r));
}

/* ---- NotifyOtherReplies is gone ---- */

static void test_removed_key_loads_with_a_warning(void **state)
{
    struct config *cfg = config_in("fr", "NotifyOtherReplies yes\nReviewDays 7\n");
    struct strlist warnings;
    bool said = false;

    (void)state;
    assert_int_equal(cfg->review_days, 7);
    strlist_init(&warnings);
    config_warnings(cfg, (struct date){2026, 6, 3}, &warnings);
    for (size_t i = 0; i < warnings.count; i++)
        said |= strstr(warnings.items[i], "t.conf:") != NULL &&
                strstr(warnings.items[i], "NotifyOtherReplies: key removed (ignored)") != NULL;
    assert_true(said);
    strlist_free(&warnings);
    config_unref(cfg);
    /* Without it, nothing is said about it; a truly unknown key still fails. */
    cfg = config_in("fr", "");
    strlist_init(&warnings);
    config_warnings(cfg, (struct date){2026, 6, 3}, &warnings);
    for (size_t i = 0; i < warnings.count; i++)
        assert_null(strstr(warnings.items[i], "NotifyOtherReplies"));
    strlist_free(&warnings);
    config_unref(cfg);
    strlist_init(&warnings);
    assert_null(config_parse_text("t.conf", "NotifyOtherReplie yes\n", &warnings));
    assert_true(warnings.count > 0);
    strlist_free(&warnings);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_review_deadline_in_business_days, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_holds_open_cases_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reviews_count_with_pauses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lapsed_review_opens_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operator_decides, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notice_of_unsure_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notice_of_other_reply, setup, teardown),
        cmocka_unit_test(test_which_readings_need_review),
        cmocka_unit_test(test_removed_key_loads_with_a_warning),
    };

    if (sodium_init() < 0)
        return 1;
    message_library_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
