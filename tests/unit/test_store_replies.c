/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store_replies.c - debtors' replies in the store, on a real SQLite
 * file: finding the live cases a reply is about (through a reminder's
 * Message-ID or token, the invoice's Message-ID, the correspondent's
 * address or domain); recording a reply with each effect in one
 * transaction, once per Message-ID; the outbox; pauses that end by
 * themselves and disputes that only an operator ends; the schema version
 * and the migration of a version-1 database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "due_facts_check.h"
#include "temp_store.h"
#include "store/store.h"
#include "store/store_messages.h"
#include "store/store_internal.h"

#define DEBTOR "debtor@client.test"
#define COLLEAGUE "compta@client.test"
#define STRANGER "someone@other.test"
#define FAR_FUTURE "2999-01-01T00:00:00Z"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct audit_key key;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);

    f->st = temp_store_open("replies", f->dir, sizeof f->dir, f->path, sizeof f->path);
    memset(f->key.bytes, 5, sizeof f->key.bytes);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    due_facts_check(f->st); /* the facts the triggers kept, after each scenario */
    temp_store_close(f->st, f->dir, f->path);
    free(f);
    return 0;
}

/* ---- helpers ---- */

/* Tracks invoice `number` (1000.00 EUR, ACME) for debtor email, sent in
 * the mail message_id; returns the case id. */
static int64_t track(struct fixture *f, const char *number, const char *email, const char *message_id)
{
    struct track_context tc = {email, message_id, "Q1", "test"};
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
    assert_true(created);
    return c.id;
}

static struct case_row get(struct fixture *f, int64_t id)
{
    struct case_row c;

    assert_int_equal(store_get_case(f->st, id, &c), STORE_OK);
    return c;
}

/* Claims and sends a reminder of `step` covering cases (all of one
 * debtor) on `day`; court: the step sends them to court. */
static int64_t send_reminder(struct fixture *f, const int64_t *cases, size_t n, int step, const char *day,
                             const char *message_id, const char *token, bool court)
{
    struct claim_item items[4];
    struct reminder_claim claim;
    char at[32], start[32], end[32], next[DATE_STR_MAX];
    struct date d;
    int64_t id = 0;

    assert_true(n <= ARRAY_LEN(items));
    for (size_t i = 0; i < n; i++)
        items[i] = (struct claim_item){cases[i], get(f, cases[i]).level, 100000, 0, 0};
    assert_true(date_parse(day, &d));
    date_format(date_add_days(d, 1), next);
    snprintf(at, sizeof at, "%sT09:00:00Z", day);
    snprintf(start, sizeof start, "%sT00:00:00Z", day);
    snprintf(end, sizeof end, "%sT00:00:00Z", next);
    claim = (struct reminder_claim){get(f, cases[0]).debtor_id, step, "step", message_id, token, "s@agency.test",
                                    DEBTOR, at, start, end, false, items, n};
    assert_int_equal(store_claim_reminder(f->st, &claim, &id), STORE_OK);
    assert_int_equal(store_reminder_sent(f->st, &f->key, id, court, "test", NULL), STORE_OK);
    return id;
}

static void pay_all(struct fixture *f, int64_t id)
{
    int64_t balance = -1;

    assert_int_equal(store_record_payment(f->st, &f->key, id, get(f, id).balance, (struct date){2026, 2, 1},
                                          "operator", "test", &balance),
                     STORE_OK);
    assert_int_equal(balance, 0);
}

/* A reply about cases, recorded only. */
static struct reply_record reply_about(const int64_t *ids, size_t n, const char *message_id)
{
    struct reply_record rec;

    memset(&rec, 0, sizeof rec);
    rec.case_ids = ids;
    rec.case_count = n;
    rec.message_id = message_id;
    rec.sender = DEBTOR;
    rec.subject = "Re: facture";
    rec.queue_id = "QR1";
    rec.matched_by = "thread";
    rec.verdict = "other";
    rec.reason = "no cue";
    rec.excerpt = "Bonjour";
    rec.own_words = "Bonjour, voici ma réponse.";
    return rec;
}

static void record(struct fixture *f, const struct reply_record *rec, struct reply_outcome *out)
{
    assert_int_equal(store_record_reply(f->st, &f->key, rec, "milter", out), STORE_OK);
}

static size_t count_events(struct fixture *f, int64_t case_id, const char *kind)
{
    struct event_list events;
    size_t n = 0;

    assert_int_equal(store_list_events(f->st, case_id, &events), STORE_OK);
    for (size_t i = 0; i < events.count; i++)
        n += strcmp(events.items[i].kind, kind) == 0;
    event_list_free(&events);
    return n;
}

/* The newest event of a case (its detail copied into detail). */
static void last_event(struct fixture *f, int64_t case_id, char *kind, size_t kind_size, char *detail,
                       size_t detail_size)
{
    struct event_list events;

    assert_int_equal(store_list_events(f->st, case_id, &events), STORE_OK);
    assert_true(events.count > 0);
    str_copy(kind, kind_size, events.items[events.count - 1].kind);
    str_copy(detail, detail_size, events.items[events.count - 1].detail);
    event_list_free(&events);
}

static size_t count_replies(struct fixture *f, int64_t case_id)
{
    struct reply_list list;
    size_t n;

    assert_int_equal(store_list_replies(f->st, case_id, &list), STORE_OK);
    n = list.count;
    reply_list_free(&list);
    return n;
}

static bool listed(const struct case_list *list, int64_t id)
{
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].id == id)
            return true;
    return false;
}

/* ---- finding the cases ---- */

static void test_cases_of_reminder_message_and_token(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t b = track(f, "F-2", DEBTOR, "inv-2@creditor.test");
    int64_t both[] = {a, b}, rid = -1, rem;
    struct case_list found;

    rem = send_reminder(f, both, 2, 1, "2026-02-02", "rem-1@agency.test", "7-1-abcdef", false);
    assert_int_equal(store_cases_of_reminder_message(f->st, "rem-1@agency.test", &rid, &found), STORE_OK);
    assert_int_equal(rid, rem);
    assert_int_equal(found.count, 2);
    assert_int_equal(found.items[0].id, a);
    assert_int_equal(found.items[1].id, b);
    case_list_free(&found);
    /* Tokens come back case-folded by some MTAs. */
    assert_int_equal(store_cases_of_reminder_token(f->st, "7-1-ABCDEF", &rid, &found), STORE_OK);
    assert_int_equal(rid, rem);
    assert_int_equal(found.count, 2);
    case_list_free(&found);
    /* A paid case is no longer worth talking about. */
    pay_all(f, b);
    assert_int_equal(store_cases_of_reminder_message(f->st, "rem-1@agency.test", &rid, &found), STORE_OK);
    assert_int_equal(rid, rem);
    assert_int_equal(found.count, 1);
    assert_int_equal(found.items[0].id, a);
    case_list_free(&found);
    /* Unknown reminder: none, and no reminder id. */
    assert_int_equal(store_cases_of_reminder_message(f->st, "nope@agency.test", &rid, &found), STORE_OK);
    assert_int_equal(rid, 0);
    assert_int_equal(found.count, 0);
    case_list_free(&found);
    assert_int_equal(store_cases_of_reminder_token(f->st, "7-1-other", &rid, &found), STORE_OK);
    assert_int_equal(rid, 0);
    assert_int_equal(found.count, 0);
    case_list_free(&found);
}

static void test_token_used_twice_gives_newest(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t b = track(f, "F-2", DEBTOR, "inv-2@creditor.test");
    int64_t rid = 0, first, second;
    struct case_list found;

    first = send_reminder(f, &a, 1, 1, "2026-02-02", "rem-1@agency.test", "same", false);
    second = send_reminder(f, &b, 1, 1, "2026-02-03", "rem-2@agency.test", "same", false);
    assert_true(second > first);
    assert_int_equal(store_cases_of_reminder_token(f->st, "same", &rid, &found), STORE_OK);
    assert_int_equal(rid, second);
    assert_int_equal(found.count, 1);
    assert_int_equal(found.items[0].id, b);
    case_list_free(&found);
}

static void test_cancelled_case_not_returned(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t rid = 0;
    struct reply_record rec = reply_about(&a, 1, "r1@client.test");
    struct reply_outcome out;
    struct case_list found;
    enum case_status status;

    send_reminder(f, &a, 1, 1, "2026-02-02", "rem-1@agency.test", "tok", false);
    rec.effect = REPLY_EFFECT_DISPUTE;
    record(f, &rec, &out);
    assert_int_equal(store_resolve_case(f->st, &f->key, a, RESOLVE_CANCEL, 0, "operator", &status), STORE_OK);
    assert_string_equal(case_status_name(status), "cancelled");
    assert_int_equal(store_cases_of_reminder_message(f->st, "rem-1@agency.test", &rid, &found), STORE_OK);
    assert_true(rid > 0);
    assert_int_equal(found.count, 0);
    case_list_free(&found);
    assert_int_equal(store_cases_of_invoice_message(f->st, "inv-1@creditor.test", &found), STORE_OK);
    assert_int_equal(found.count, 0);
    case_list_free(&found);
    assert_int_equal(store_cases_of_correspondent(f->st, DEBTOR, false, &found), STORE_OK);
    assert_int_equal(found.count, 0);
    case_list_free(&found);
}

static void test_cases_of_invoice_message(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t b = track(f, "F-2", DEBTOR, "inv-2@creditor.test");
    struct case_list found;
    bool known = false;

    assert_int_equal(store_cases_of_invoice_message(f->st, "inv-2@creditor.test", &found), STORE_OK);
    assert_int_equal(found.count, 1);
    assert_int_equal(found.items[0].id, b);
    case_list_free(&found);
    assert_int_equal(store_cases_of_invoice_message(f->st, "", &found), STORE_OK);
    assert_int_equal(found.count, 0);
    case_list_free(&found);
    assert_int_equal(store_cases_of_invoice_message(f->st, NULL, &found), STORE_OK);
    assert_int_equal(found.count, 0);
    case_list_free(&found);
    pay_all(f, a);
    assert_int_equal(store_cases_of_invoice_message(f->st, "inv-1@creditor.test", &found), STORE_OK);
    assert_int_equal(found.count, 0);
    case_list_free(&found);
    /* Known whatever the case's status: the milter only asks whether to look. */
    assert_int_equal(store_message_id_known(f->st, "inv-1@creditor.test", &known), STORE_OK);
    assert_true(known);
    send_reminder(f, &b, 1, 1, "2026-02-02", "rem-1@agency.test", "tok", false);
    assert_int_equal(store_message_id_known(f->st, "rem-1@agency.test", &known), STORE_OK);
    assert_true(known);
    assert_int_equal(store_message_id_known(f->st, "other@creditor.test", &known), STORE_OK);
    assert_false(known);
    assert_int_equal(store_message_id_known(f->st, "", &known), STORE_OK);
    assert_false(known);
}

static void test_correspondent_by_address_and_domain(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t b = track(f, "F-2", COLLEAGUE, "inv-2@creditor.test");
    int64_t c = track(f, "F-3", STRANGER, "inv-3@creditor.test");
    struct case_list found;
    bool known = true;

    /* The debtor's own address, whatever its case. */
    assert_int_equal(store_correspondent_known(f->st, "Debtor@Client.TEST", false, &known), STORE_OK);
    assert_true(known);
    assert_int_equal(store_cases_of_correspondent(f->st, "Debtor@Client.TEST", false, &found), STORE_OK);
    assert_int_equal(found.count, 1);
    assert_int_equal(found.items[0].id, a);
    case_list_free(&found);
    /* A colleague nobody invoiced: unknown unless the domain counts. */
    assert_int_equal(store_correspondent_known(f->st, "boss@client.test", false, &known), STORE_OK);
    assert_false(known);
    assert_int_equal(store_cases_of_correspondent(f->st, "boss@client.test", false, &found), STORE_OK);
    assert_int_equal(found.count, 0);
    case_list_free(&found);
    assert_int_equal(store_correspondent_known(f->st, "boss@client.test", true, &known), STORE_OK);
    assert_true(known);
    assert_int_equal(store_cases_of_correspondent(f->st, "boss@CLIENT.Test", true, &found), STORE_OK);
    assert_int_equal(found.count, 2);
    assert_true(listed(&found, a));
    assert_true(listed(&found, b));
    assert_false(listed(&found, c));
    case_list_free(&found);
    /* Another domain, and a name that only ends like the domain. */
    assert_int_equal(store_correspondent_known(f->st, "boss@elsewhere.test", true, &known), STORE_OK);
    assert_false(known);
    assert_int_equal(store_correspondent_known(f->st, "boss@myclient.test", true, &known), STORE_OK);
    assert_false(known);
    assert_int_equal(store_cases_of_correspondent(f->st, "boss@elsewhere.test", true, &found), STORE_OK);
    assert_int_equal(found.count, 0);
    case_list_free(&found);
    /* No domain at all: the address alone. */
    assert_int_equal(store_correspondent_known(f->st, "nobody", true, &known), STORE_OK);
    assert_false(known);
}

/* ---- recording replies ---- */

static void test_dispute_effect(void **state)
{
    struct fixture *f = *state;
    int64_t open = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t paused = track(f, "F-2", DEBTOR, "inv-2@creditor.test");
    int64_t court = track(f, "F-3", DEBTOR, "inv-3@creditor.test");
    int64_t paid = track(f, "F-4", DEBTOR, "inv-4@creditor.test");
    int64_t ids[] = {open, paused, court, paid};
    struct reply_record rec = reply_about(ids, 4, "dispute@client.test");
    struct reply_outcome out;
    struct reply_list list;
    struct case_row c;

    assert_int_equal(store_pause_case(f->st, &f->key, paused, (struct date){2026, 3, 1}, "operator"), STORE_OK);
    send_reminder(f, &court, 1, 1, "2026-02-02", "rem-1@agency.test", "tok", true);
    assert_string_equal(case_status_name(get(f, court).status), "court");
    pay_all(f, paid);
    rec.effect = REPLY_EFFECT_DISPUTE;
    rec.verdict = "dispute";
    rec.reason = "cue \"je conteste\"";
    record(f, &rec, &out);
    assert_false(out.duplicate);
    assert_int_equal(out.changed, 3);
    assert_string_equal(case_status_name(get(f, open).status), "disputed");
    c = get(f, paused);
    assert_string_equal(case_status_name(c.status), "disputed");
    assert_string_equal(c.paused_until, "");
    assert_string_equal(c.pause_reason, "");
    assert_string_equal(case_status_name(get(f, court).status), "disputed");
    assert_string_equal(case_status_name(get(f, paid).status), "paid");
    /* One reply row per case, saying what happened to it. */
    assert_int_equal(store_list_replies(f->st, paid, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].action, "recorded (status kept)");
    reply_list_free(&list);
    assert_int_equal(store_list_replies(f->st, open, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].action, "disputed");
    assert_string_equal(list.items[0].number, "F-1");
    assert_string_equal(list.items[0].verdict, "dispute");
    assert_string_equal(list.items[0].reason, "cue \"je conteste\"");
    assert_string_equal(list.items[0].message_id, "dispute@client.test");
    assert_string_equal(list.items[0].sender, DEBTOR);
    assert_string_equal(list.items[0].subject, "Re: facture");
    assert_string_equal(list.items[0].matched_by, "thread");
    assert_string_equal(list.items[0].excerpt, "Bonjour");
    assert_string_equal(list.items[0].queue_id, "QR1");
    assert_string_equal(list.items[0].promised, "");
    assert_true(list.items[0].received_at[0] != '\0');
    reply_list_free(&list);
    assert_int_equal(count_replies(f, 0), 4);
    /* An event per case, the paid one included. */
    for (size_t i = 0; i < ARRAY_LEN(ids); i++)
        assert_int_equal(count_events(f, ids[i], "reply-received"), 1);
}

static void test_pause_effect(void **state)
{
    struct fixture *f = *state;
    int64_t open = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t endless = track(f, "F-2", DEBTOR, "inv-2@creditor.test");
    int64_t disputed = track(f, "F-3", DEBTOR, "inv-3@creditor.test");
    struct reply_record rec = reply_about(&open, 1, "promise@client.test");
    struct reply_outcome out;
    struct reply_list list;
    struct case_row c;
    char kind[32], detail[1024];

    rec.effect = REPLY_EFFECT_PAUSE;
    rec.verdict = "promise";
    rec.promised = (struct date){2026, 3, 15};
    rec.pause_reason = "promise";
    rec.pause_until = (struct date){2026, 3, 15};
    record(f, &rec, &out);
    assert_int_equal(out.changed, 1);
    c = get(f, open);
    assert_string_equal(case_status_name(c.status), "paused");
    assert_string_equal(c.paused_until, "2026-03-15");
    assert_string_equal(c.pause_reason, "promise");
    assert_int_equal(store_list_replies(f->st, open, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].action, "paused until 2026-03-15");
    assert_string_equal(list.items[0].promised, "2026-03-15");
    reply_list_free(&list);
    last_event(f, open, kind, sizeof kind, detail, sizeof detail);
    assert_string_equal(kind, "reply-received");
    assert_non_null(strstr(detail, "\"promised\":\"2026-03-15\""));
    assert_non_null(strstr(detail, "\"verdict\":\"promise\""));

    /* Without a date: paused without end. */
    rec = reply_about(&endless, 1, "plan@client.test");
    rec.effect = REPLY_EFFECT_PAUSE;
    rec.verdict = "plan";
    rec.pause_reason = "plan";
    record(f, &rec, &out);
    c = get(f, endless);
    assert_string_equal(case_status_name(c.status), "paused");
    assert_string_equal(c.paused_until, "");
    assert_string_equal(c.pause_reason, "plan");

    /* A dispute is not paused by a later promise. */
    rec = reply_about(&disputed, 1, "d@client.test");
    rec.effect = REPLY_EFFECT_DISPUTE;
    record(f, &rec, &out);
    rec = reply_about(&disputed, 1, "p@client.test");
    rec.effect = REPLY_EFFECT_PAUSE;
    rec.pause_reason = "promise";
    rec.pause_until = (struct date){2026, 3, 15};
    record(f, &rec, &out);
    assert_int_equal(out.changed, 0);
    c = get(f, disputed);
    assert_string_equal(case_status_name(c.status), "disputed");
    assert_string_equal(c.paused_until, "");
    assert_int_equal(store_list_replies(f->st, disputed, &list), STORE_OK);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0].action, "recorded (status kept)"); /* newest first */
    assert_string_equal(list.items[1].action, "disputed");
    reply_list_free(&list);
}

/* Replies pause a case at most max_pauses times, counted in the store
 * (a reply that kept the status does not count); the note is recorded. */
static void test_pause_limit(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    struct reply_record rec;
    struct reply_outcome out;
    struct reply_list list;
    char message_id[64];
    int pauses = -1;

    assert_int_equal(store_reply_pauses(f->st, id, &pauses), STORE_OK);
    assert_int_equal(pauses, 0);
    for (int i = 0; i < 4; i++) {
        snprintf(message_id, sizeof message_id, "paid-%d@client.test", i);
        rec = reply_about(&id, 1, message_id);
        rec.effect = REPLY_EFFECT_PAUSE;
        rec.verdict = "paid";
        rec.pause_reason = "paid";
        rec.pause_until = (struct date){2026, 3, 10 + i};
        rec.max_pauses = 3;
        rec.note = i == 0 ? "promise capped at 60 days" : NULL;
        record(f, &rec, &out);
        assert_int_equal(out.changed, i < 3 ? 1 : 0);
    }
    assert_int_equal(store_reply_pauses(f->st, id, &pauses), STORE_OK);
    assert_int_equal(pauses, 3);
    assert_int_equal(store_reply_pauses_upto(f->st, id, 2, &pauses), STORE_OK);
    assert_int_equal(pauses, 2);
    assert_int_equal(store_reply_pauses_upto(f->st, id, 5, &pauses), STORE_OK);
    assert_int_equal(pauses, 3);
    assert_string_equal(get(f, id).paused_until, "2026-03-12"); /* the fourth changed nothing */
    assert_int_equal(store_list_replies(f->st, id, &list), STORE_OK);
    assert_int_equal(list.count, 4);
    assert_string_equal(list.items[0].action, "recorded (pause limit reached)");
    assert_string_equal(list.items[3].action, "paused until 2026-03-10 (promise capped at 60 days)");
    reply_list_free(&list);
}

static void test_reminder_recipient(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t reminder = send_reminder(f, &id, 1, 1, "2026-02-01", "r1@agency.test", "tok1", false);
    char recipient[320];

    assert_int_equal(store_reminder_recipient(f->st, reminder, recipient, sizeof recipient), STORE_OK);
    assert_string_equal(recipient, DEBTOR);
    assert_int_equal(store_reminder_recipient(f->st, reminder + 100, recipient, sizeof recipient), STORE_OK);
    assert_string_equal(recipient, "");
}

static void test_undeliverable_effect(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t b = track(f, "F-2", COLLEAGUE, "inv-2@creditor.test");
    struct reply_record rec = reply_about(&a, 1, "dsn@mailer.client.test");
    struct reply_outcome out;
    struct reply_list list;
    struct due_case dc;

    assert_int_equal(store_get_due_case(f->st, a, false, &dc), STORE_OK);
    assert_false(dc.undeliverable);
    rec.effect = REPLY_EFFECT_UNDELIVERABLE;
    rec.verdict = "bounce";
    rec.matched_by = "bounce";
    rec.undeliverable = DEBTOR;
    record(f, &rec, &out);
    assert_int_equal(out.changed, 0);
    assert_int_equal(store_get_due_case(f->st, a, false, &dc), STORE_OK);
    assert_true(dc.undeliverable);
    assert_string_equal(case_status_name(dc.c.status), "open");
    /* Only that address. */
    assert_int_equal(store_get_due_case(f->st, b, false, &dc), STORE_OK);
    assert_false(dc.undeliverable);
    assert_int_equal(store_list_replies(f->st, a, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].action, "address undeliverable");
    assert_string_equal(list.items[0].matched_by, "bounce");
    reply_list_free(&list);
}

static void test_outbox(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    static const char binary[] = "From: x\n\nline\0after NUL\n";
    const struct outbox_message msgs[] = {
        {"creditor-notice", a, "relance@agency.test", "creditor@agency.test", "n1@agency.test", "notice\n", 7},
        {"dispute-ack", a, "relance@agency.test", DEBTOR, "n2@agency.test", binary, sizeof binary - 1},
    };
    struct reply_record rec = reply_about(&a, 1, "dispute@client.test");
    struct reply_outcome out;
    struct outbox_list due;

    rec.effect = REPLY_EFFECT_DISPUTE;
    rec.outbox = msgs;
    rec.outbox_count = 2;
    record(f, &rec, &out);
    /* Not yet due at a moment before the reply. */
    assert_int_equal(store_outbox_due(f->st, "2000-01-01T00:00:00Z", 10, &due), STORE_OK);
    assert_int_equal(due.count, 0);
    outbox_list_free(&due);
    assert_int_equal(store_outbox_due(f->st, FAR_FUTURE, 10, &due), STORE_OK);
    assert_int_equal(due.count, 2);
    assert_string_equal(due.items[0].kind, "creditor-notice");
    assert_int_equal(due.items[0].case_id, a);
    assert_string_equal(due.items[0].recipient, "creditor@agency.test");
    assert_string_equal(due.items[0].message_id, "n1@agency.test");
    assert_int_equal(due.items[0].len, 7);
    assert_string_equal(due.items[0].data, "notice\n");
    assert_int_equal(due.items[0].attempts, 0);
    assert_string_equal(due.items[1].kind, "dispute-ack");
    assert_string_equal(due.items[1].sender, "relance@agency.test");
    assert_int_equal(due.items[1].len, sizeof binary - 1);
    assert_memory_equal(due.items[1].data, binary, sizeof binary - 1);
    assert_true(due.items[0].id < due.items[1].id);
    {
        int64_t sent = due.items[0].id, retried = due.items[1].id;

        outbox_list_free(&due);
        /* The limit holds. */
        assert_int_equal(store_outbox_due(f->st, FAR_FUTURE, 1, &due), STORE_OK);
        assert_int_equal(due.count, 1);
        assert_int_equal(due.items[0].id, sent);
        outbox_list_free(&due);
        /* An outcome is recorded only for a claimed message. */
        assert_int_equal(store_outbox_done(f->st, sent, "sent", NULL, NULL), STORE_CONFLICT);
        assert_int_equal(store_outbox_claim(f->st, sent), STORE_OK);
        assert_int_equal(store_outbox_claim(f->st, retried), STORE_OK);
        assert_int_equal(store_outbox_done(f->st, sent, "sent", NULL, NULL), STORE_OK);
        assert_int_equal(store_outbox_done(f->st, retried, "pending", "2998-06-01T00:00:00Z", "sendmail exited 75"),
                         STORE_OK);
        /* Sent: gone. Pending again: due only from its retry time. */
        assert_int_equal(store_outbox_due(f->st, "2998-05-31T23:59:59Z", 10, &due), STORE_OK);
        assert_int_equal(due.count, 0);
        outbox_list_free(&due);
        assert_int_equal(store_outbox_due(f->st, "2998-06-01T00:00:00Z", 10, &due), STORE_OK);
        assert_int_equal(due.count, 1);
        assert_int_equal(due.items[0].id, retried);
        assert_int_equal(due.items[0].attempts, 1);
        outbox_list_free(&due);
        /* Failed for good: never due again. */
        assert_int_equal(store_outbox_claim(f->st, retried), STORE_OK);
        /* Only the states the schema knows. */
        assert_int_equal(store_outbox_done(f->st, retried, "bogus", NULL, NULL), STORE_ERROR);
        assert_int_equal(store_outbox_done(f->st, retried, "failed", NULL, "rejected"), STORE_OK);
        assert_int_equal(store_outbox_due(f->st, FAR_FUTURE, 10, &due), STORE_OK);
        assert_int_equal(due.count, 0);
        outbox_list_free(&due);
        /* A message no longer claimed takes no outcome. */
        assert_int_equal(store_outbox_done(f->st, retried, "pending", FAR_FUTURE, NULL), STORE_CONFLICT);
    }
}

/* An acknowledgment is found for every case of its reply, from the moment
 * it was queued; an unverified reply records its action and moves nothing. */
static void test_acknowledged_since(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t b = track(f, "F-2", DEBTOR, "inv-2@creditor.test");
    int64_t c = track(f, "F-3", DEBTOR, "inv-3@creditor.test");
    int64_t both[] = {a, b};
    const struct outbox_message ack = {"dispute-ack", a, "relance@agency.test", DEBTOR, "ack@agency.test", "x\n", 2};
    struct reply_record rec = reply_about(both, 2, "dispute-ab@client.test");
    struct reply_record unverified = reply_about(&c, 1, "unverified-c@client.test");
    struct reply_outcome out;
    struct reply_list list;
    bool found = true;

    assert_int_equal(store_acknowledged_since(f->st, a, time(NULL) - 86400, &found), STORE_OK);
    assert_false(found);
    rec.effect = REPLY_EFFECT_DISPUTE;
    rec.outbox = &ack;
    rec.outbox_count = 1;
    record(f, &rec, &out);
    assert_int_equal(store_acknowledged_since(f->st, a, time(NULL) - 86400, &found), STORE_OK);
    assert_true(found);
    assert_int_equal(store_acknowledged_since(f->st, b, time(NULL) - 86400, &found), STORE_OK);
    assert_true(found);
    assert_int_equal(store_acknowledged_since(f->st, c, time(NULL) - 86400, &found), STORE_OK);
    assert_false(found);
    assert_int_equal(store_acknowledged_since(f->st, a, time(NULL) + 3600, &found), STORE_OK);
    assert_false(found);
    unverified.effect = REPLY_EFFECT_NONE;
    unverified.unverified = true;
    unverified.matched_by = "number";
    record(f, &unverified, &out);
    assert_int_equal(out.changed, 0);
    assert_int_equal(store_list_replies(f->st, c, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].action, "unverified: nothing changed");
    reply_list_free(&list);
}

static void test_same_message_twice(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t b = track(f, "F-2", DEBTOR, "inv-2@creditor.test");
    int64_t both[] = {a, b};
    const struct outbox_message msg = {"creditor-notice", a, "relance@agency.test", "creditor@agency.test",
                                       "n1@agency.test", "notice\n", 7};
    struct reply_record rec = reply_about(&a, 1, "promise@client.test");
    struct reply_outcome out;
    struct outbox_list due;
    enum case_status status;

    rec.effect = REPLY_EFFECT_PAUSE;
    rec.pause_reason = "promise";
    rec.pause_until = (struct date){2026, 3, 15};
    rec.outbox = &msg;
    rec.outbox_count = 1;
    record(f, &rec, &out);
    assert_false(out.duplicate);
    assert_int_equal(out.changed, 1);
    /* The operator resumes it; the same reply read again (a redelivery)
     * must not pause it again nor notify twice. */
    assert_int_equal(store_resolve_case(f->st, &f->key, a, RESOLVE_RESUME, 0, "operator", &status), STORE_OK);
    record(f, &rec, &out);
    assert_true(out.duplicate);
    assert_int_equal(out.changed, 0);
    assert_string_equal(case_status_name(get(f, a).status), "open");
    assert_int_equal(count_replies(f, a), 1);
    assert_int_equal(count_events(f, a, "reply-received"), 1);
    assert_int_equal(store_outbox_due(f->st, FAR_FUTURE, 10, &due), STORE_OK);
    assert_int_equal(due.count, 1);
    outbox_list_free(&due);
    /* The same Message-ID about one more case: only that case is new. */
    rec.case_ids = both;
    rec.case_count = 2;
    record(f, &rec, &out);
    assert_false(out.duplicate);
    assert_int_equal(out.changed, 1);
    assert_string_equal(case_status_name(get(f, a).status), "open");
    assert_string_equal(case_status_name(get(f, b).status), "paused");
    assert_int_equal(count_replies(f, a), 1);
    assert_int_equal(count_replies(f, b), 1);
}

/* A duplicate changes nothing, and is known without the write lock: while
 * another connection holds it (a writer busy with its fsync), the same
 * reply again, and its copy for the court file (nothing left to keep),
 * come back at once instead of waiting for the lock or failing on it. */
static void test_duplicate_takes_no_lock(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    struct reply_record rec = reply_about(&a, 1, "again@client.test");
    struct reply_outcome out;
    const char raw[] = "Message-ID: <again@client.test>\r\n\r\nBonjour\r\n";
    size_t kept = 99;
    sqlite3 *writer;

    record(f, &rec, &out);
    assert_false(out.duplicate);
    assert_int_equal(sqlite3_open(f->path, &writer), SQLITE_OK);
    assert_int_equal(sqlite3_exec(writer, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    rec.queue_id = "QR2";
    assert_int_equal(store_record_reply(f->st, &f->key, &rec, "milter", &out), STORE_OK);
    assert_true(out.duplicate);
    assert_int_equal(out.changed, 0);
    assert_int_equal(store_keep_reply_message(f->st, &f->key, "again@client.test", "QR2", raw, strlen(raw), 4096,
                                              &kept),
                     STORE_OK);
    assert_int_equal(kept, 0);
    assert_int_equal(sqlite3_exec(writer, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(writer);
    assert_int_equal(count_replies(f, a), 1);
}

/* A transaction: a reply that fails half-way leaves nothing behind. */
static void test_failed_reply_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t ids[] = {a, 999999}; /* no such case: the foreign key refuses it */
    struct reply_record rec = reply_about(ids, 2, "dispute@client.test");
    struct reply_outcome out;

    rec.effect = REPLY_EFFECT_DISPUTE;
    assert_int_not_equal(store_record_reply(f->st, &f->key, &rec, "milter", &out), STORE_OK);
    assert_false(out.duplicate);
    assert_int_equal(out.changed, 0);
    assert_string_equal(case_status_name(get(f, a).status), "open");
    assert_int_equal(count_replies(f, 0), 0);
    assert_int_equal(count_events(f, a, "reply-received"), 0);
}

/* The copy for the court file goes with the reply, in its transaction,
 * after its reply-received event. */
static void test_copy_kept_with_the_reply(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    struct reply_record rec = reply_about(&a, 1, "copy@client.test");
    const char raw[] = "Message-ID: <copy@client.test>\r\n\r\nBonjour\r\n";
    struct reply_outcome out;
    struct kept_message_list kept;
    struct event_list events;
    size_t n = 99;

    rec.copy = raw;
    rec.copy_len = strlen(raw);
    rec.copy_max = 4096;
    record(f, &rec, &out);
    assert_false(out.duplicate);
    assert_true(out.kept);
    assert_int_equal(store_case_messages(f->st, a, &kept), STORE_OK);
    assert_int_equal(kept.count, 1);
    assert_string_equal(kept.items[0].kind, "reply");
    assert_string_equal(kept.items[0].message_id, "copy@client.test");
    assert_string_equal(kept.items[0].raw, raw);
    kept_message_list_free(&kept);
    assert_int_equal(store_list_events(f->st, a, &events), STORE_OK);
    assert_true(events.count >= 2);
    assert_string_equal(events.items[events.count - 2].kind, "reply-received");
    assert_string_equal(events.items[events.count - 1].kind, "message-kept");
    event_list_free(&events);
    /* Kept already: the caller's own keeping finds nothing to do. */
    assert_int_equal(store_keep_reply_message(f->st, &f->key, "copy@client.test", "QR1", raw, strlen(raw), 4096, &n),
                     STORE_OK);
    assert_int_equal(n, 0);
}

/* A copy that fails leaves the reply recorded, as when the copy had its
 * own transaction (a savepoint undoes the copy alone). */
static void test_failed_copy_leaves_the_reply(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    struct reply_record rec = reply_about(&a, 1, "nocopy@client.test");
    const char raw[] = "Message-ID: <nocopy@client.test>\r\n\r\nBonjour\r\n";
    struct reply_outcome out;
    struct kept_message_list kept;

    assert_int_equal(sqlite3_exec(f->st->db,
                                  "CREATE TEMP TRIGGER no_copy BEFORE INSERT ON messages"
                                  " BEGIN SELECT RAISE(ABORT, 'no room for the copy'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    rec.effect = REPLY_EFFECT_DISPUTE;
    rec.copy = raw;
    rec.copy_len = strlen(raw);
    rec.copy_max = 4096;
    record(f, &rec, &out);
    assert_false(out.duplicate);
    assert_false(out.kept);
    assert_int_equal(out.changed, 1);
    assert_string_equal(case_status_name(get(f, a).status), "disputed");
    assert_int_equal(count_replies(f, a), 1);
    assert_int_equal(count_events(f, a, "reply-received"), 1);
    assert_int_equal(count_events(f, a, "message-kept"), 0);
    assert_int_equal(store_case_messages(f->st, a, &kept), STORE_OK);
    assert_int_equal(kept.count, 0);
    kept_message_list_free(&kept);
    assert_int_equal(sqlite3_exec(f->st->db, "DROP TRIGGER no_copy", NULL, NULL, NULL), SQLITE_OK);
}

/* ---- pauses and disputes ---- */

static void test_expired_pauses_resume(void **state)
{
    struct fixture *f = *state;
    int64_t yesterday = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t today = track(f, "F-2", DEBTOR, "inv-2@creditor.test");
    int64_t endless = track(f, "F-3", DEBTOR, "inv-3@creditor.test");
    int64_t disputed = track(f, "F-4", DEBTOR, "inv-4@creditor.test");
    struct reply_record rec = reply_about(&disputed, 1, "d@client.test");
    struct reply_outcome out;
    struct case_row c;
    char kind[32], detail[512];
    int count = -1;

    assert_int_equal(store_pause_case(f->st, &f->key, yesterday, (struct date){2026, 3, 9}, "operator"), STORE_OK);
    assert_int_equal(store_pause_case(f->st, &f->key, today, (struct date){2026, 3, 10}, "operator"), STORE_OK);
    assert_int_equal(store_pause_case(f->st, &f->key, endless, (struct date){0, 0, 0}, "operator"), STORE_OK);
    rec.effect = REPLY_EFFECT_DISPUTE;
    record(f, &rec, &out);
    assert_int_equal(store_resume_expired_pauses(f->st, &f->key, (struct date){2026, 3, 10}, "scheduler", &count),
                     STORE_OK);
    assert_int_equal(count, 1);
    c = get(f, yesterday);
    assert_string_equal(case_status_name(c.status), "open");
    assert_string_equal(c.paused_until, "");
    assert_string_equal(c.pause_reason, "");
    last_event(f, yesterday, kind, sizeof kind, detail, sizeof detail);
    assert_string_equal(kind, "case-resumed");
    c = get(f, today);
    assert_string_equal(case_status_name(c.status), "paused");
    assert_string_equal(c.paused_until, "2026-03-10");
    assert_string_equal(case_status_name(get(f, endless).status), "paused");
    assert_string_equal(case_status_name(get(f, disputed).status), "disputed");
    assert_int_equal(count_events(f, today, "case-resumed"), 0);
    /* Nothing left to resume that day. */
    assert_int_equal(store_resume_expired_pauses(f->st, &f->key, (struct date){2026, 3, 10}, "scheduler", &count),
                     STORE_OK);
    assert_int_equal(count, 0);
}

static void test_resolve_resume_and_cancel(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t b = track(f, "F-2", DEBTOR, "inv-2@creditor.test");
    int64_t ids[] = {a, b};
    struct reply_record rec = reply_about(ids, 2, "d@client.test");
    struct reply_outcome out;
    enum case_status status;
    char kind[32], detail[512];

    rec.effect = REPLY_EFFECT_DISPUTE;
    record(f, &rec, &out);
    assert_int_equal(store_resolve_case(f->st, &f->key, a, RESOLVE_RESUME, 0, "operator", &status), STORE_OK);
    assert_string_equal(case_status_name(status), "open");
    assert_string_equal(case_status_name(get(f, a).status), "open");
    assert_int_equal(get(f, a).balance, 100000);
    last_event(f, a, kind, sizeof kind, detail, sizeof detail);
    assert_string_equal(kind, "case-resolved");
    assert_non_null(strstr(detail, "\"resolution\":\"resume\""));
    assert_int_equal(store_resolve_case(f->st, &f->key, b, RESOLVE_CANCEL, 0, "operator", &status), STORE_OK);
    assert_string_equal(case_status_name(status), "cancelled");
    assert_string_equal(case_status_name(get(f, b).status), "cancelled");
    last_event(f, b, kind, sizeof kind, detail, sizeof detail);
    assert_non_null(strstr(detail, "\"resolution\":\"cancel\""));
    /* A pause ends the same way. */
    assert_int_equal(store_pause_case(f->st, &f->key, a, (struct date){2026, 4, 1}, "operator"), STORE_OK);
    assert_int_equal(store_resolve_case(f->st, &f->key, a, RESOLVE_RESUME, 0, "operator", &status), STORE_OK);
    assert_string_equal(case_status_name(status), "open");
    assert_string_equal(get(f, a).paused_until, "");
}

static void test_resolve_credit(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    struct reply_record rec = reply_about(&a, 1, "d@client.test");
    struct reply_outcome out;
    struct money_payment *payments;
    size_t n;
    enum case_status status;
    char kind[32], detail[512];

    rec.effect = REPLY_EFFECT_DISPUTE;
    record(f, &rec, &out);
    assert_int_equal(store_resolve_case(f->st, &f->key, a, RESOLVE_CREDIT, 30000, "operator", &status), STORE_OK);
    assert_string_equal(case_status_name(status), "open");
    assert_int_equal(get(f, a).balance, 70000);
    assert_int_equal(store_list_payments(f->st, a, &payments, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(payments[0].amount, 30000);
    free(payments);
    last_event(f, a, kind, sizeof kind, detail, sizeof detail);
    assert_string_equal(kind, "case-resolved");
    assert_non_null(strstr(detail, "\"resolution\":\"credit\""));
    assert_non_null(strstr(detail, "\"credit\":\"300.00\""));
    assert_int_equal(count_events(f, a, "payment-recorded"), 1);
    /* Disputed again, then credited down to nothing: paid. */
    rec = reply_about(&a, 1, "d2@client.test");
    rec.effect = REPLY_EFFECT_DISPUTE;
    record(f, &rec, &out);
    assert_string_equal(case_status_name(get(f, a).status), "disputed");
    assert_int_equal(store_resolve_case(f->st, &f->key, a, RESOLVE_CREDIT, 70000, "operator", &status), STORE_OK);
    assert_string_equal(case_status_name(status), "paid");
    assert_int_equal(get(f, a).balance, 0);
    assert_string_equal(case_status_name(get(f, a).status), "paid");
}

static void test_resolve_conflict(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t paid = track(f, "F-2", DEBTOR, "inv-2@creditor.test");
    size_t events_before;
    enum case_status status;

    pay_all(f, paid);
    events_before = count_events(f, a, "case-resolved");
    assert_int_equal(store_resolve_case(f->st, &f->key, a, RESOLVE_RESUME, 0, "operator", &status), STORE_CONFLICT);
    assert_int_equal(store_resolve_case(f->st, &f->key, a, RESOLVE_CREDIT, 500, "operator", &status), STORE_CONFLICT);
    assert_int_equal(store_resolve_case(f->st, &f->key, paid, RESOLVE_CANCEL, 0, "operator", &status),
                     STORE_CONFLICT);
    assert_string_equal(case_status_name(get(f, a).status), "open");
    assert_int_equal(get(f, a).balance, 100000);
    assert_string_equal(case_status_name(get(f, paid).status), "paid");
    assert_int_equal(count_events(f, a, "case-resolved"), events_before);
    assert_int_equal(count_events(f, a, "payment-recorded"), 0);
    assert_int_equal(store_resolve_case(f->st, &f->key, 999999, RESOLVE_RESUME, 0, "operator", &status),
                     STORE_NOT_FOUND);
}

static void test_pause_case(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", DEBTOR, "inv-1@creditor.test");
    int64_t disputed = track(f, "F-2", DEBTOR, "inv-2@creditor.test");
    int64_t paid = track(f, "F-3", DEBTOR, "inv-3@creditor.test");
    struct reply_record rec = reply_about(&disputed, 1, "d@client.test");
    struct reply_outcome out;
    struct due_case_list due;
    struct case_row c;
    char kind[32], detail[512];

    assert_int_equal(store_pause_case(f->st, &f->key, a, (struct date){2026, 4, 1}, "operator"), STORE_OK);
    c = get(f, a);
    assert_string_equal(case_status_name(c.status), "paused");
    assert_string_equal(c.paused_until, "2026-04-01");
    assert_string_equal(c.pause_reason, "operator");
    last_event(f, a, kind, sizeof kind, detail, sizeof detail);
    assert_string_equal(kind, "case-paused");
    assert_non_null(strstr(detail, "\"until\":\"2026-04-01\""));
    /* A paused case is not due. */
    assert_int_equal(store_list_due_cases(f->st, false, &due), STORE_OK);
    for (size_t i = 0; i < due.count; i++)
        assert_int_not_equal(due.items[i].c.id, a);
    due_case_list_free(&due);
    /* Paused again: the new end stands; without end, null in the event. */
    assert_int_equal(store_pause_case(f->st, &f->key, a, (struct date){0, 0, 0}, "operator"), STORE_OK);
    assert_string_equal(get(f, a).paused_until, "");
    last_event(f, a, kind, sizeof kind, detail, sizeof detail);
    assert_non_null(strstr(detail, "\"until\":null"));
    /* Neither a dispute nor a paid case can be paused. */
    rec.effect = REPLY_EFFECT_DISPUTE;
    record(f, &rec, &out);
    assert_int_equal(store_pause_case(f->st, &f->key, disputed, (struct date){2026, 4, 1}, "operator"),
                     STORE_CONFLICT);
    assert_string_equal(case_status_name(get(f, disputed).status), "disputed");
    pay_all(f, paid);
    assert_int_equal(store_pause_case(f->st, &f->key, paid, (struct date){2026, 4, 1}, "operator"), STORE_CONFLICT);
    assert_string_equal(case_status_name(get(f, paid).status), "paid");
    assert_int_equal(count_events(f, paid, "case-paused"), 0);
}

/* ---- schema ---- */

/* Whether table has column (PRAGMA table_info). */
static bool has_column(sqlite3 *db, const char *table, const char *column)
{
    char *sql = xasprintf("SELECT 1 FROM pragma_table_info('%s') WHERE name = '%s'", table, column);
    sqlite3_stmt *stmt;
    bool found;

    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    found = sqlite3_step(stmt) == SQLITE_ROW;
    sqlite3_finalize(stmt);
    free(sql);
    return found;
}

/* Whether the schema has an object of that type (index, view, trigger). */
static bool has_object(sqlite3 *db, const char *type, const char *name)
{
    sqlite3_stmt *stmt;
    bool found;

    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = ?1 AND name = ?2", -1, &stmt, NULL),
        SQLITE_OK);
    sqlite3_bind_text(stmt, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
    found = sqlite3_step(stmt) == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return found;
}

static bool has_index(sqlite3 *db, const char *name)
{
    return has_object(db, "index", name);
}

static void assert_current_schema(const char *path)
{
    sqlite3 *db;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_true(has_column(db, "replies", "reason"));
    assert_true(has_column(db, "replies", "own_words"));
    assert_true(has_column(db, "replies", "action"));
    assert_true(has_column(db, "invoices", "pause_reason"));
    assert_true(has_column(db, "outbox", "message"));
    assert_true(has_column(db, "outbox", "next_at"));
    assert_true(has_column(db, "outbox", "claimed_at"));
    assert_true(has_index(db, "replies_by_message"));
    assert_true(has_index(db, "reminders_by_token"));
    assert_true(has_index(db, "debtors_by_domain"));
    assert_true(has_index(db, "outbox_due"));
    assert_true(has_column(db, "debtors", "postal_address"));
    assert_true(has_column(db, "debtors", "postal_address_source"));
    assert_true(has_column(db, "letters", "registered_number"));
    assert_true(has_column(db, "letters", "payment_qr"));
    assert_true(has_index(db, "letters_by_state"));
    assert_true(has_index(db, "outbox_by_invoice"));
    assert_true(has_column(db, "bank_entries", "entry_key"));
    assert_true(has_index(db, "invoices_by_due"));
    assert_true(has_index(db, "message_cases_by_invoice"));
    assert_true(has_column(db, "debtor_insolvency", "representative"));
    assert_true(has_index(db, "debtor_insolvency_by_debtor"));
    /* Version 11: the payer profile and the ladder a case follows. */
    assert_true(has_column(db, "debtors", "profile"));
    assert_true(has_column(db, "debtors", "profile_source"));
    assert_true(has_column(db, "invoices", "ladder"));
    assert_true(has_column(db, "invoices", "buyer_phone"));
    assert_true(has_column(db, "debtors", "phone"));
    assert_true(has_column(db, "tasks", "timeout_on"));
    assert_true(has_column(db, "task_items", "balance"));
    assert_true(has_column(db, "task_digests", "day"));
    assert_true(has_index(db, "tasks_by_state"));
    assert_true(has_index(db, "invoices_open_by_debtor"));
    assert_true(has_index(db, "reminders_by_debtor"));
    assert_true(has_index(db, "payments_by_invoice"));
    /* Version 15: the facts that decide the step, on the case's row, and
     * the triggers that keep them (store/due_facts.h). */
    assert_true(has_column(db, "invoices", "due_last_step_at"));
    assert_true(has_column(db, "invoices", "due_flags"));
    assert_true(has_column(db, "invoices", "due_resumed_at"));
    assert_true(has_object(db, "view", "due_facts_refresh"));
    {
        static const char *const triggers[] = {
            "due_facts_recompute", "due_facts_item_insert", "due_facts_item_delete", "due_facts_item_update",
            "due_facts_reminder_update", "due_facts_reminder_insert", "due_facts_reminder_delete",
            "due_facts_task_item_insert", "due_facts_task_item_delete", "due_facts_task_item_update",
            "due_facts_task_update", "due_facts_task_insert", "due_facts_task_delete", "due_facts_outbox_insert",
            "due_facts_outbox_delete", "due_facts_outbox_update", "due_facts_level",
        };
        for (size_t i = 0; i < sizeof triggers / sizeof triggers[0]; i++)
            assert_true(has_object(db, "trigger", triggers[i]));
    }
    /* Version 16: the court file's copies found by Message-ID and by
     * reminder. */
    assert_true(has_index(db, "messages_by_message"));
    assert_true(has_index(db, "messages_by_reminder"));
    /* Version 8's CHECK takes the insolvent status, and the rebuilt
     * invoices kept the rows that point at it. */
    {
        sqlite3_stmt *stmt;
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE name = 'invoices'", -1,
                                            &stmt, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
        assert_non_null(strstr((const char *)sqlite3_column_text(stmt, 0), "'insolvent'"));
        sqlite3_finalize(stmt);
    }
    assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_key_check", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_fresh_schema_is_version_16(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(STORE_SCHEMA_VERSION, 16);
    assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);
    assert_current_schema(f->path);
}

/* The version-1 schema as released (store.c's first migration, which is
 * never edited), with a case and a reply recorded by version 1. */
static const char schema_v1[] =
    "CREATE TABLE debtors (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  name TEXT NOT NULL DEFAULT '', kind TEXT CHECK (kind IN ('business', 'consumer')),"
    "  language TEXT CHECK (language IN ('fr', 'en')), undeliverable INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE invoices (id INTEGER PRIMARY KEY, seller TEXT NOT NULL, seller_key TEXT NOT NULL,"
    "  number TEXT NOT NULL, type TEXT NOT NULL CHECK (type IN ('invoice', 'credit_note')),"
    "  type_code INTEGER NOT NULL DEFAULT 0, issue_date TEXT, due_date TEXT,"
    "  due_basis TEXT NOT NULL DEFAULT 'none', amount_due INTEGER NOT NULL, balance INTEGER NOT NULL,"
    "  currency TEXT NOT NULL, debtor_id INTEGER REFERENCES debtors(id), buyer_name TEXT NOT NULL DEFAULT '',"
    "  buyer_email TEXT NOT NULL DEFAULT '', referenced_number TEXT NOT NULL DEFAULT '',"
    "  payment_terms TEXT NOT NULL DEFAULT '', source TEXT NOT NULL, confidence INTEGER NOT NULL,"
    "  origin TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'open' CHECK (status IN"
    "    ('open', 'paid', 'paused', 'disputed', 'cancelled', 'closed', 'court')),"
    "  level INTEGER NOT NULL DEFAULT 0, paused_until TEXT, message_id TEXT NOT NULL DEFAULT '',"
    "  queue_id TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    "  UNIQUE (seller_key, number));"
    "CREATE INDEX invoices_by_number ON invoices(number);"
    "CREATE INDEX invoices_by_debtor ON invoices(debtor_id, status);"
    "CREATE INDEX invoices_by_due ON invoices(status, due_date);"
    "CREATE INDEX invoices_by_message ON invoices(message_id);"
    "CREATE TABLE reminders (id INTEGER PRIMARY KEY, debtor_id INTEGER NOT NULL REFERENCES debtors(id),"
    "  step INTEGER NOT NULL, step_name TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN"
    "    ('pending', 'sent', 'held', 'failed', 'dry-run')), message_id TEXT NOT NULL UNIQUE,"
    "  token TEXT NOT NULL DEFAULT '', sender TEXT NOT NULL DEFAULT '', recipient TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL, sent_at TEXT, mta_seen_at TEXT, error TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE reminder_items (reminder_id INTEGER NOT NULL REFERENCES reminders(id),"
    "  invoice_id INTEGER NOT NULL REFERENCES invoices(id), step INTEGER NOT NULL, principal INTEGER NOT NULL,"
    "  penalties INTEGER NOT NULL DEFAULT 0, indemnity INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (reminder_id, invoice_id), UNIQUE (invoice_id, step));"
    "CREATE TABLE replies (id INTEGER PRIMARY KEY, invoice_id INTEGER REFERENCES invoices(id),"
    "  reminder_id INTEGER REFERENCES reminders(id), message_id TEXT NOT NULL DEFAULT '',"
    "  sender TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '', matched_by TEXT NOT NULL DEFAULT '',"
    "  verdict TEXT NOT NULL, promised_date TEXT, excerpt TEXT NOT NULL DEFAULT '',"
    "  queue_id TEXT NOT NULL DEFAULT '', received_at TEXT NOT NULL);"
    "CREATE INDEX replies_by_invoice ON replies(invoice_id);"
    "CREATE TABLE payments (id INTEGER PRIMARY KEY, invoice_id INTEGER NOT NULL REFERENCES invoices(id),"
    "  amount INTEGER NOT NULL, currency TEXT NOT NULL, paid_on TEXT, source TEXT NOT NULL,"
    "  reference TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);"
    "CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT NOT NULL, invoice_id INTEGER, kind TEXT NOT NULL,"
    "  actor TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE INDEX events_by_invoice ON events(invoice_id);"
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;"
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;"
    "INSERT INTO debtors (id, email, created_at, updated_at)"
    "  VALUES (1, 'old@client.test', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
    "INSERT INTO invoices (id, seller, seller_key, number, type, amount_due, balance, currency, debtor_id,"
    "  source, confidence, status, paused_until, message_id, created_at, updated_at)"
    "  VALUES (1, 'ACME', 'acme', 'OLD-1', 'invoice', 50000, 50000, 'EUR', 1, 'facturx', 100, 'paused',"
    "  '2026-02-01', 'old-inv@creditor.test', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
    "INSERT INTO replies (invoice_id, message_id, sender, verdict, promised_date, received_at)"
    "  VALUES (1, 'old-reply@client.test', 'old@client.test', 'promise', '2026-02-01', '2026-01-05T00:00:00Z');"
    "INSERT INTO reminders (id, debtor_id, step, step_name, state, message_id, created_at, sent_at) VALUES"
    "  (1, 1, 0, 'courtoisie', 'sent', 'old-r1@relance.test', '2026-01-02T08:00:00Z', '2026-01-02T08:00:00Z'),"
    "  (2, 1, 1, 'rappel', 'pending', 'old-r2@relance.test', '2026-01-03T08:00:00Z', NULL);"
    "INSERT INTO reminder_items (reminder_id, invoice_id, step, principal) VALUES (1, 1, 0, 50000), (2, 1, 1, 50000);"
    "PRAGMA user_version = 1;";

static void test_version_1_migrates(void **state)
{
    struct fixture *f = *state;
    char *path = xasprintf("%s/v1.db", f->dir), *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
    struct reply_record rec;
    struct reply_outcome out;
    struct reply_list list;
    struct case_list found;
    struct case_row c;
    struct store *st;
    sqlite3 *db;
    enum case_status status;
    char why[256];
    int64_t id = 1;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, schema_v1, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    st = store_open(path, 2000, why, sizeof why);
    if (st == NULL)
        fail_msg("store_open: %s", why);
    assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
    assert_current_schema(path);
    /* Version 1's rows read with the new columns' defaults. */
    assert_int_equal(store_get_case(st, 1, &c), STORE_OK);
    assert_string_equal(case_status_name(c.status), "paused");
    assert_string_equal(c.paused_until, "2026-02-01");
    assert_string_equal(c.pause_reason, "");
    assert_int_equal(store_list_replies(st, 1, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].number, "OLD-1");
    assert_string_equal(list.items[0].promised, "2026-02-01");
    assert_string_equal(list.items[0].action, "");
    assert_string_equal(list.items[0].reason, "");
    reply_list_free(&list);
    /* Version 15 computed the facts of the cases that had reminders. */
    {
        struct due_case dc;
        assert_int_equal(store_get_due_case(st, 1, false, &dc), STORE_OK);
        assert_true(dc.courtesy_done);
        assert_true(dc.busy);
        assert_string_equal(dc.last_step_at, "2026-01-02T08:00:00Z");
        due_facts_check(st);
    }
    /* And the new queries work on it. */
    assert_int_equal(store_cases_of_correspondent(st, "colleague@CLIENT.test", true, &found), STORE_OK);
    assert_int_equal(found.count, 1);
    case_list_free(&found);
    rec = reply_about(&id, 1, "new@client.test");
    rec.effect = REPLY_EFFECT_DISPUTE;
    assert_int_equal(store_record_reply(st, &f->key, &rec, "milter", &out), STORE_OK);
    assert_int_equal(out.changed, 1);
    assert_int_equal(store_resolve_case(st, &f->key, 1, RESOLVE_RESUME, 0, "operator", &status), STORE_OK);
    assert_string_equal(case_status_name(status), "open");
    due_facts_check(st);
    store_close(st);
    unlink(path);
    unlink(wal);
    unlink(shm);
    free(path);
    free(wal);
    free(shm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cases_of_reminder_message_and_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_used_twice_gives_newest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancelled_case_not_returned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases_of_invoice_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_correspondent_by_address_and_domain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispute_effect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pause_effect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pause_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reminder_recipient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undeliverable_effect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acknowledged_since, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_message_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_reply_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_kept_with_the_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_copy_leaves_the_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired_pauses_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve_resume_and_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve_credit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pause_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_takes_no_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fresh_schema_is_version_16, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_1_migrates, setup, teardown),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
