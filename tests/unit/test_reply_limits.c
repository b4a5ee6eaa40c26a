/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reply_limits.c - what bounds a reply's effect, on a real SQLite
 * file: the one address a bounce may mark (the recipient of the reminder
 * named by its token or its returned Message-ID, confirmed or not
 * contradicted by the report), never one the report alone names; and the
 * pauses replies already obtained for the cases.
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

#include "lib/util.h"
#include "temp_store.h"
#include "replies/reply_limits.h"
#include "store/store.h"

#define DEBTOR "debtor@client.test"
#define OTHER "victim@other.test"
#define REMINDER_ID "r1@agency.test"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct audit_key key;
    int64_t case_id, other_case, reminder, other_reminder;
};

static int64_t track(struct fixture *f, const char *number, const char *email)
{
    struct track_context tc = {email, NULL, "Q1", "test"};
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
    return c.id;
}

static int64_t send_reminder(struct fixture *f, int64_t case_id, const char *email, const char *message_id,
                             const char *token)
{
    struct case_row c;
    struct claim_item item;
    struct reminder_claim claim;
    int64_t id = 0;

    assert_int_equal(store_get_case(f->st, case_id, &c), STORE_OK);
    item = (struct claim_item){case_id, c.level, 100000, 0, 0};
    claim = (struct reminder_claim){c.debtor_id, 1, "step", message_id, token, "s@agency.test", email,
                                    "2026-02-01T09:00:00Z", "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z",
                                    false, &item, 1};
    assert_int_equal(store_claim_reminder(f->st, &claim, &id), STORE_OK);
    assert_int_equal(store_reminder_sent(f->st, &f->key, id, false, "test", NULL), STORE_OK);
    return id;
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);

    f->st = temp_store_open("limits", f->dir, sizeof f->dir, f->path, sizeof f->path);
    memset(f->key.bytes, 5, sizeof f->key.bytes);
    f->case_id = track(f, "F-1", DEBTOR);
    f->other_case = track(f, "V-1", OTHER);
    f->reminder = send_reminder(f, f->case_id, DEBTOR, REMINDER_ID, "tok1");
    f->other_reminder = send_reminder(f, f->other_case, OTHER, "r2@agency.test", "tok2");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    temp_store_close(f->st, f->dir, f->path);
    free(f);
    return 0;
}

/* A bounce reading whose report says original/final, returning message_id. */
static struct reply_reading bounce(const char *original, const char *final, const char *message_id)
{
    struct reply_reading r;

    memset(&r, 0, sizeof r);
    r.verdict = REPLY_BOUNCE;
    r.bounce.is_dsn = true;
    r.bounce.failed = true;
    str_copy(r.bounce.recipient, sizeof r.bounce.recipient, original[0] ? original : final);
    str_copy(r.bounce.final_recipient, sizeof r.bounce.final_recipient, final);
    str_copy(r.bounce.message_id, sizeof r.bounce.message_id, message_id);
    return r;
}

/* What the bounce may mark, matched by `by` to reminder `reminder_id`. */
static const char *marks(struct fixture *f, const struct reply_reading *r, const char *by, int64_t reminder_id)
{
    static struct reply_history h;
    struct case_list cases = {NULL, 0};

    assert_int_equal(reply_history_read(f->st, r, by, reminder_id, &cases, 0, &h), STORE_OK);
    assert_true(h.bounced[0] != '\0' || h.unmarked != NULL);
    return h.bounced;
}

static void test_bounce_marks_the_reminders_recipient(void **state)
{
    struct fixture *f = *state;
    struct reply_reading r;

    /* Confirmed by the report, or not contradicted (no address, or none readable). */
    r = bounce(DEBTOR, DEBTOR, REMINDER_ID);
    assert_string_equal(marks(f, &r, "token", f->reminder), DEBTOR);
    assert_string_equal(marks(f, &r, "bounce", f->reminder), DEBTOR);
    r = bounce("", "DEBTOR@Client.Test", "");
    assert_string_equal(marks(f, &r, "token", f->reminder), DEBTOR);
    r = bounce("", "", "");
    assert_string_equal(marks(f, &r, "token", f->reminder), DEBTOR);
    r = bounce("", "not an address", "");
    assert_string_equal(marks(f, &r, "token", f->reminder), DEBTOR);
    /* A forwarding: the original recipient is the reminder's. */
    r = bounce(DEBTOR, "alias@elsewhere.test", "");
    assert_string_equal(marks(f, &r, "token", f->reminder), DEBTOR);
    /* In the thread, when the returned headers name the same reminder. */
    r = bounce("", "", REMINDER_ID);
    assert_string_equal(marks(f, &r, "thread", f->reminder), DEBTOR);
}

static void test_bounce_never_marks_another_address(void **state)
{
    struct fixture *f = *state;
    struct reply_reading r;

    /* The report names another debtor: nothing, neither that debtor nor ours. */
    r = bounce("", OTHER, REMINDER_ID);
    assert_string_equal(marks(f, &r, "token", f->reminder), "");
    r = bounce(OTHER, OTHER, REMINDER_ID);
    assert_string_equal(marks(f, &r, "bounce", f->reminder), "");
    /* No reminder named: matched by number, or a thread whose returned
     * headers name another reminder or none. */
    r = bounce(DEBTOR, DEBTOR, "");
    assert_string_equal(marks(f, &r, "number", 0), "");
    assert_string_equal(marks(f, &r, "thread", f->reminder), "");
    r = bounce(DEBTOR, DEBTOR, "r2@agency.test");
    assert_string_equal(marks(f, &r, "thread", f->reminder), "");
    /* The token of an acknowledgment names no reminder. */
    assert_string_equal(marks(f, &r, "token", 0), "");
}

static void test_pauses_counted(void **state)
{
    struct fixture *f = *state;
    struct reply_reading r;
    struct reply_history h;
    struct case_row rows[2];
    struct case_list cases = {rows, 2};
    struct reply_outcome out;
    struct reply_record rec;

    memset(&r, 0, sizeof r);
    r.verdict = REPLY_PAID;
    assert_int_equal(store_get_case(f->st, f->case_id, &rows[0]), STORE_OK);
    assert_int_equal(store_get_case(f->st, f->other_case, &rows[1]), STORE_OK);
    assert_int_equal(reply_history_read(f->st, &r, "token", f->reminder, &cases, 0, &h), STORE_OK);
    assert_int_equal(h.pauses, 0);
    for (int i = 0; i < 2; i++) {
        char message_id[32];
        snprintf(message_id, sizeof message_id, "paid-%d@client.test", i);
        memset(&rec, 0, sizeof rec);
        rec.case_ids = &f->other_case;
        rec.case_count = 1;
        rec.message_id = message_id;
        rec.sender = OTHER;
        rec.matched_by = "token";
        rec.verdict = "paid";
        rec.effect = REPLY_EFFECT_PAUSE;
        rec.pause_reason = "paid";
        rec.pause_until = (struct date){2026, 3, 1};
        assert_int_equal(store_record_reply(f->st, &f->key, &rec, "milter", &out), STORE_OK);
    }
    /* The most of any of the cases. */
    assert_int_equal(reply_history_read(f->st, &r, "token", f->reminder, &cases, 0, &h), STORE_OK);
    assert_int_equal(h.pauses, 2);
    /* Counted up to MaxPausesPerCase: the limit is reached, no more is asked. */
    assert_int_equal(reply_history_read(f->st, &r, "token", f->reminder, &cases, 1, &h), STORE_OK);
    assert_int_equal(h.pauses, 1);
    assert_int_equal(reply_history_read(f->st, &r, "token", f->reminder, &cases, 3, &h), STORE_OK);
    assert_int_equal(h.pauses, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bounce_marks_the_reminders_recipient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounce_never_marks_another_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pauses_counted, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
