/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store_reminders.c - the claim that makes a reminder go out at most
 * once, and the outcomes after it, on a real SQLite file: a step claimed
 * twice, a second reminder to a debtor the same day, a case that moved
 * (paid, level up) all refuse the claim; a definite failure frees the
 * step, a held reminder blocks the case until released; a dry run never
 * blocks the live run; the milter's sighting is recorded once.
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

#include "lib/util.h"
#include "due_facts_check.h"
#include "temp_store.h"
#include "store/store.h"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct audit_key key;
    int64_t case_id;
    int64_t debtor_id;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    struct invoice inv;
    struct track_context tc = {"debtor@client.test", "inv-1@creditor.test", "Q1", "test"};
    struct case_row c;
    bool created;

    f->st = temp_store_open("store", f->dir, sizeof f->dir, f->path, sizeof f->path);
    memset(f->key.bytes, 3, sizeof f->key.bytes);
    invoice_init(&inv);
    str_copy(inv.number, sizeof inv.number, "F-1");
    str_copy(inv.seller_name, sizeof inv.seller_name, "ACME");
    str_copy(inv.currency, sizeof inv.currency, "EUR");
    inv.has_amount_due = true;
    inv.amount_due = 100000;
    date_parse("2026-01-30", &inv.due_date);
    assert_int_equal(store_track_invoice(f->st, &f->key, &inv, &tc, &c, &created), STORE_OK);
    f->case_id = c.id;
    f->debtor_id = c.debtor_id;
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

/* A claim of `step` on day `day` (UTC text bounds of that day). */
static enum store_result claim(struct fixture *f, int step, int expected_level, const char *day, bool dry_run,
                               int64_t *id)
{
    static int serial;
    char message_id[64], at[32], start[32], end[32], next[16];
    struct date d, n;
    struct claim_item item = {f->case_id, expected_level, 100000, 0, 0};
    struct reminder_claim c = {f->debtor_id, step, "step", message_id, "tok", "s@agency.test",
                               "debtor@client.test", at, start, end, dry_run, &item, 1};

    assert_true(date_parse(day, &d));
    n = date_add_days(d, 1);
    date_format(n, next);
    snprintf(message_id, sizeof message_id, "m%d@agency.test", ++serial);
    snprintf(at, sizeof at, "%sT09:00:00Z", day);
    snprintf(start, sizeof start, "%sT00:00:00Z", day);
    snprintf(end, sizeof end, "%sT00:00:00Z", next);
    return store_claim_reminder(f->st, &c, id);
}

static int level_of(struct fixture *f)
{
    struct case_row c;
    assert_int_equal(store_get_case(f->st, f->case_id, &c), STORE_OK);
    return c.level;
}

static void test_step_once(void **state)
{
    struct fixture *f = *state;
    int64_t id = 0, other = 0;

    assert_int_equal(claim(f, 1, 0, "2026-02-02", false, &id), STORE_OK);
    /* The same step again, another day: UNIQUE(invoice_id, step). */
    assert_int_equal(claim(f, 1, 0, "2026-02-03", false, &other), STORE_CONFLICT);
    assert_int_equal(store_reminder_sent(f->st, &f->key, id, false, "test", NULL), STORE_OK);
    assert_int_equal(level_of(f), 1);
    /* Sent twice? The second is refused and changes nothing. */
    assert_int_equal(store_reminder_sent(f->st, &f->key, id, false, "test", NULL), STORE_CONFLICT);
    assert_int_equal(level_of(f), 1);
}

static void test_one_a_day_and_case_moved(void **state)
{
    struct fixture *f = *state;
    int64_t id = 0;

    assert_int_equal(claim(f, 1, 0, "2026-02-02", false, &id), STORE_OK);
    assert_int_equal(store_reminder_sent(f->st, &f->key, id, false, "test", NULL), STORE_OK);
    /* Step 2 the same day: the debtor already had one. */
    assert_int_equal(claim(f, 2, 1, "2026-02-02", false, &id), STORE_CONFLICT);
    /* Chosen for level 0, but the case is at level 1 now. */
    assert_int_equal(claim(f, 2, 0, "2026-02-16", false, &id), STORE_CONFLICT);
    assert_int_equal(claim(f, 2, 1, "2026-02-16", false, &id), STORE_OK);
}

static void test_failure_frees_the_step(void **state)
{
    struct fixture *f = *state;
    struct reminder_list list;
    int64_t id = 0;

    assert_int_equal(claim(f, 1, 0, "2026-02-02", false, &id), STORE_OK);
    assert_int_equal(store_reminder_failed(f->st, &f->key, id, "test", "sendmail exited 75"), STORE_OK);
    assert_int_equal(level_of(f), 0);
    assert_int_equal(claim(f, 1, 0, "2026-02-03", false, &id), STORE_OK);
    /* The failure is kept in the case's reminders and history. */
    assert_int_equal(store_list_reminders(f->st, &(enum reminder_state){REMINDER_FAILED}, f->case_id, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].error, "sendmail exited 75");
    reminder_list_free(&list);
}

static void test_held_blocks_until_released(void **state)
{
    struct fixture *f = *state;
    struct due_case_list due;
    int64_t id = 0, other = 0;

    assert_int_equal(claim(f, 1, 0, "2026-02-02", false, &id), STORE_OK);
    assert_int_equal(store_reminder_held(f->st, &f->key, id, "test", "no answer after the end of data"), STORE_OK);
    assert_int_equal(store_list_due_cases(f->st, false, &due), STORE_OK);
    assert_int_equal(due.count, 1);
    assert_true(due.items[0].busy);
    due_case_list_free(&due);
    assert_int_equal(claim(f, 1, 0, "2026-02-05", false, &other), STORE_CONFLICT);
    /* The operator says it went out. */
    assert_int_equal(store_reminder_sent(f->st, &f->key, id, false, "operator", "released"), STORE_OK);
    assert_int_equal(level_of(f), 1);
    assert_int_equal(store_list_due_cases(f->st, false, &due), STORE_OK);
    assert_false(due.items[0].busy);
    assert_string_equal(due.items[0].last_step_at, "2026-02-02T09:00:00Z");
    due_case_list_free(&due);
}

static void test_dry_run_never_blocks(void **state)
{
    struct fixture *f = *state;
    struct due_case_list due;
    int64_t dry = 0, live = 0;

    assert_int_equal(claim(f, 1, 0, "2026-02-02", true, &dry), STORE_OK);
    assert_int_equal(store_reminder_dry_run(f->st, &f->key, dry, "test", "/tmp/x.eml"), STORE_OK);
    assert_int_equal(level_of(f), 0);
    /* A rehearsal writes each step once... */
    assert_int_equal(store_list_due_cases(f->st, true, &due), STORE_OK);
    assert_true(due.items[0].busy);
    due_case_list_free(&due);
    /* ...and the live run sends it all the same, the same day. */
    assert_int_equal(store_list_due_cases(f->st, false, &due), STORE_OK);
    assert_false(due.items[0].busy);
    due_case_list_free(&due);
    assert_int_equal(claim(f, 1, 0, "2026-02-02", false, &live), STORE_OK);
}

static void test_sighting_and_stale(void **state)
{
    struct fixture *f = *state;
    struct reminder_row r;
    struct reminder_list stale;
    int64_t id = 0;

    assert_int_equal(claim(f, 1, 0, "2026-02-02", false, &id), STORE_OK);
    assert_int_equal(store_get_reminder(f->st, id, &r), STORE_OK);
    assert_int_equal(store_reminder_seen(f->st, r.message_id, "forged"), STORE_NOT_FOUND);
    assert_int_equal(store_reminder_seen(f->st, r.message_id, "tok"), STORE_OK);
    assert_int_equal(store_get_reminder(f->st, id, &r), STORE_OK);
    assert_true(r.mta_seen_at[0] != '\0');
    assert_string_equal(reminder_state_name(r.state), "pending");
    assert_int_equal(store_list_stale_reminders(f->st, "2000-01-01T00:00:00Z", &stale), STORE_OK);
    assert_int_equal(stale.count, 0);
    reminder_list_free(&stale);
    assert_int_equal(store_list_stale_reminders(f->st, "2999-01-01T00:00:00Z", &stale), STORE_OK);
    assert_int_equal(stale.count, 1);
    assert_int_equal(stale.items[0].id, id);
    reminder_list_free(&stale);
}

static void test_paid_case_never_claimed(void **state)
{
    struct fixture *f = *state;
    struct due_case_list due;
    struct money_payment *payments;
    size_t n;
    int64_t balance = -1, id = 0;
    struct date on = {2026, 2, 10};

    assert_int_equal(store_record_payment(f->st, &f->key, f->case_id, 40000, on, "operator", "test", &balance),
                     STORE_OK);
    assert_int_equal(balance, 60000);
    assert_int_equal(store_list_payments(f->st, f->case_id, &payments, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(payments[0].amount, 40000);
    assert_int_equal(date_compare(payments[0].paid_on, on), 0);
    free(payments);
    assert_int_equal(store_record_payment(f->st, &f->key, f->case_id, 60000, on, "operator", "test", &balance),
                     STORE_OK);
    assert_int_equal(balance, 0);
    assert_int_equal(store_list_due_cases(f->st, false, &due), STORE_OK);
    assert_int_equal(due.count, 0);
    due_case_list_free(&due);
    assert_int_equal(claim(f, 1, 0, "2026-02-16", false, &id), STORE_CONFLICT);
}

static void test_events(void **state)
{
    struct fixture *f = *state;
    struct event_list events;
    int64_t id = 0;

    assert_int_equal(claim(f, 1, 0, "2026-02-02", false, &id), STORE_OK);
    assert_int_equal(store_reminder_sent(f->st, &f->key, id, false, "test", NULL), STORE_OK);
    assert_int_equal(store_set_debtor_profile(f->st, &f->key, "debtor@client.test", "consumer", "en", "test"),
                     STORE_OK);
    assert_int_equal(store_list_events(f->st, f->case_id, &events), STORE_OK);
    assert_int_equal(events.count, 2);
    assert_string_equal(events.items[0].kind, "invoice-tracked");
    assert_string_equal(events.items[1].kind, "reminder-sent");
    assert_non_null(strstr(events.items[1].detail, "\"step\":1"));
    event_list_free(&events);
    {
        struct due_case dc;
        assert_int_equal(store_get_due_case(f->st, f->case_id, false, &dc), STORE_OK);
        assert_string_equal(dc.debtor_kind, "consumer");
        assert_string_equal(dc.debtor_language, "en");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_step_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_a_day_and_case_moved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_frees_the_step, setup, teardown),
        cmocka_unit_test_setup_teardown(test_held_blocks_until_released, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dry_run_never_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sighting_and_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paid_case_never_claimed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events, setup, teardown),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
