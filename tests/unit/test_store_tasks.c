/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store_tasks.c - the tasks of steps done by people, in the store:
 * creating one raises the level and makes the cases busy; a step has one
 * task at most; done with a verdict has a reply's effect (a promise
 * pauses until the day given, a dispute disputes, an operator's pause is
 * kept); done without one, or timed out, ends the task and its end
 * becomes the step's date for the next step; the timeout falls on
 * created_on + TaskTimeoutDays, worked out here by hand; the digest is
 * queued once a day; the debtor's telephone: the operator's first, else
 * the invoice's.
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
#include "store/store.h"
#include "store/store_tasks.h"
#include "due_facts_check.h"
#include "temp_store.h"

#define DEBTOR "debtor@client.test"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct audit_key key;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);

    f->st = temp_store_open("tasks", f->dir, sizeof f->dir, f->path, sizeof f->path);
    memset(f->key.bytes, 7, sizeof f->key.bytes);
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

/* Invoice `number`, 1000.00 EUR due 30 Jan 2026, with the buyer's phone. */
static int64_t track(struct fixture *f, const char *number, const char *phone)
{
    struct track_context tc = {DEBTOR, "m@x", "Q1", "test"};
    struct invoice inv;
    struct case_row c;
    bool created;

    invoice_init(&inv);
    str_copy(inv.number, sizeof inv.number, number);
    str_copy(inv.seller_name, sizeof inv.seller_name, "ACME");
    str_copy(inv.currency, sizeof inv.currency, "EUR");
    str_copy(inv.buyer_phone, sizeof inv.buyer_phone, phone);
    inv.has_amount_due = true;
    inv.amount_due = 100000;
    date_parse("2026-01-30", &inv.due_date);
    assert_int_equal(store_track_invoice(f->st, &f->key, &inv, &tc, &c, &created), STORE_OK);
    return c.id;
}

static struct case_row get(struct fixture *f, int64_t id)
{
    struct case_row c;

    assert_int_equal(store_get_case(f->st, id, &c), STORE_OK);
    return c;
}

static struct due_case due(struct fixture *f, int64_t id)
{
    struct due_case d;

    assert_int_equal(store_get_due_case(f->st, id, false, &d), STORE_OK);
    return d;
}

static struct date day(const char *s)
{
    struct date d;

    assert_true(date_parse(s, &d));
    return d;
}

/* The task of step 2 over case `id`, created on 9 Feb 2026 with a
 * five-day timeout: 9 + 5 = 14 Feb. */
static enum store_result create(struct fixture *f, int64_t id, int expected_level, int64_t *task)
{
    struct claim_item item = {id, expected_level, 100000, 0, 0};
    struct task_claim c = {get(f, id).debtor_id, 2, "appel", "call", "+33 1 23", "history", "2026-02-09T08:00:00Z",
                           day("2026-02-09"), date_add_days(day("2026-02-09"), 5), &item, 1};

    return store_create_task(f->st, &f->key, &c, "test", task);
}

static void test_create_waits(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-1", ""), task = 0, again = 0;
    struct task_list list;

    /* Only at the level the step was chosen for. */
    assert_int_equal(create(f, id, 1, &task), STORE_CONFLICT);
    assert_int_equal(create(f, id, 0, &task), STORE_OK);
    assert_int_equal(get(f, id).level, 2);
    assert_true(due(f, id).busy);
    assert_string_equal(due(f, id).last_step_at, "");
    /* One task per step, whatever the caller believes. */
    assert_int_equal(create(f, id, 2, &again), STORE_CONFLICT);
    assert_int_equal(store_list_tasks(f->st, false, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_int_equal(list.items[0].id, task);
    assert_string_equal(list.items[0].state, "open");
    assert_string_equal(list.items[0].kind, "call");
    assert_int_equal(list.items[0].case_count, 1);
    assert_int_equal(list.items[0].cases[0].balance, 100000);
    assert_string_equal(list.items[0].debtor_email, DEBTOR);
    assert_int_equal(date_compare(list.items[0].timeout_on, day("2026-02-14")), 0);
    task_list_free(&list);
}

static void test_done_with_promise(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-2", ""), task = 0;
    struct task_done done = {"paiera le 20", true, REVIEW_PROMISE, day("2026-02-20"), day("2026-02-23"),
                             "2026-02-10T11:00:00Z"};
    struct task_list one;
    size_t changed = 0;

    assert_int_equal(create(f, id, 0, &task), STORE_OK);
    assert_int_equal(store_task_mark_done(f->st, &f->key, task, &done, "operator", &changed), STORE_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(get(f, id).status, CASE_PAUSED);
    assert_string_equal(get(f, id).paused_until, "2026-02-23");
    assert_string_equal(get(f, id).pause_reason, "promise");
    /* The task's end is the step's date. */
    assert_false(due(f, id).busy);
    assert_string_equal(due(f, id).last_step_at, "2026-02-10T11:00:00Z");
    assert_int_equal(store_get_task(f->st, task, &one), STORE_OK);
    assert_string_equal(one.items[0].state, "done");
    assert_string_equal(one.items[0].outcome, "promise");
    assert_string_equal(one.items[0].note, "paiera le 20");
    task_list_free(&one);
    /* Done once. */
    assert_int_equal(store_task_mark_done(f->st, &f->key, task, &done, "operator", &changed), STORE_CONFLICT);
    assert_int_equal(store_task_mark_done(f->st, &f->key, 999, &done, "operator", &changed), STORE_NOT_FOUND);
}

static void test_done_dispute_and_operator_pause(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-3", ""), b = track(f, "F-4", ""), ta = 0, tb = 0;
    struct task_done dispute = {"conteste", true, REVIEW_DISPUTE, {0, 0, 0}, {0, 0, 0}, "2026-02-10T11:00:00Z"};
    struct task_done paid = {"a payé", true, REVIEW_PAID, {0, 0, 0}, day("2026-02-20"), "2026-02-10T11:00:00Z"};
    size_t changed = 0;

    assert_int_equal(create(f, a, 0, &ta), STORE_OK);
    assert_int_equal(create(f, b, 0, &tb), STORE_OK);
    assert_int_equal(store_task_mark_done(f->st, &f->key, ta, &dispute, "operator", &changed), STORE_OK);
    assert_int_equal(get(f, a).status, CASE_DISPUTED);
    /* An operator's pause is the operator's: the task ends, the pause stays. */
    assert_int_equal(store_pause_case(f->st, &f->key, b, day("2026-03-31"), "operator"), STORE_OK);
    assert_int_equal(store_task_mark_done(f->st, &f->key, tb, &paid, "operator", &changed), STORE_OK);
    assert_int_equal(changed, 0);
    assert_string_equal(get(f, b).paused_until, "2026-03-31");
}

static void test_done_without_verdict(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-5", ""), task = 0;
    struct task_done done = {"pas de réponse", false, REVIEW_DISPUTE, {0, 0, 0}, {0, 0, 0}, "2026-02-11T10:00:00Z"};
    size_t changed = 9;

    assert_int_equal(create(f, id, 0, &task), STORE_OK);
    assert_int_equal(store_task_mark_done(f->st, &f->key, task, &done, "operator", &changed), STORE_OK);
    assert_int_equal(changed, 0);
    assert_int_equal(get(f, id).status, CASE_OPEN);
    assert_int_equal(get(f, id).level, 2);
    assert_false(due(f, id).busy);
    assert_string_equal(due(f, id).last_step_at, "2026-02-11T10:00:00Z");
}

/* Created 9 Feb with TaskTimeoutDays 5: timeout_on = 9 + 5 = 14 Feb. A
 * run on 13 Feb leaves it; one on 14 Feb ends it, at the run's moment. */
static void test_timeout(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-6", ""), task = 0;
    struct task_list one;
    int count = -1;

    assert_int_equal(create(f, id, 0, &task), STORE_OK);
    assert_int_equal(store_time_out_tasks(f->st, &f->key, day("2026-02-13"), "2026-02-13T08:00:00Z", "scheduler",
                                          &count), STORE_OK);
    assert_int_equal(count, 0);
    assert_true(due(f, id).busy);
    assert_int_equal(store_time_out_tasks(f->st, &f->key, day("2026-02-14"), "2026-02-14T08:00:00Z", "scheduler",
                                          &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_false(due(f, id).busy);
    assert_string_equal(due(f, id).last_step_at, "2026-02-14T08:00:00Z");
    assert_int_equal(store_get_task(f->st, task, &one), STORE_OK);
    assert_string_equal(one.items[0].state, "timed-out");
    task_list_free(&one);
    /* Once. */
    assert_int_equal(store_time_out_tasks(f->st, &f->key, day("2026-02-20"), "2026-02-20T08:00:00Z", "scheduler",
                                          &count), STORE_OK);
    assert_int_equal(count, 0);
}

/* Paid in full while the task waits: nobody calls about a paid invoice;
 * the next run ends the task as done, not timed out. */
static void test_settled_case_ends_task(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-8", ""), task = 0, balance = -1;
    struct task_list one;
    int count = -1;

    assert_int_equal(create(f, id, 0, &task), STORE_OK);
    assert_int_equal(store_record_payment(f->st, &f->key, id, 100000, day("2026-02-10"), "bank", "operator",
                                          &balance), STORE_OK);
    assert_int_equal(balance, 0);
    assert_int_equal(store_time_out_tasks(f->st, &f->key, day("2026-02-11"), "2026-02-11T08:00:00Z", "scheduler",
                                          &count), STORE_OK);
    assert_int_equal(count, 0);
    assert_int_equal(store_get_task(f->st, task, &one), STORE_OK);
    assert_string_equal(one.items[0].state, "done");
    assert_non_null(strstr(one.items[0].note, "nothing left to collect"));
    task_list_free(&one);
    assert_int_equal(store_list_tasks(f->st, false, &one), STORE_OK);
    assert_int_equal(one.count, 0);
    task_list_free(&one);
}

static void test_digest_once_a_day(void **state)
{
    struct fixture *f = *state;
    bool first = false;

    assert_int_equal(store_task_digest_once(f->st, day("2026-02-09"), NULL, &first), STORE_OK);
    assert_true(first);
    assert_int_equal(store_task_digest_once(f->st, day("2026-02-09"), NULL, &first), STORE_OK);
    assert_false(first);
    assert_int_equal(store_task_digest_once(f->st, day("2026-02-10"), NULL, &first), STORE_OK);
    assert_true(first);
}

static void test_phone(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-7", "+33 4 78 00 00 01");
    char phone[TASK_PHONE_MAX];

    assert_int_equal(store_debtor_phone(f->st, get(f, id).debtor_id, phone, sizeof phone), STORE_OK);
    assert_string_equal(phone, "+33 4 78 00 00 01");
    assert_int_equal(store_set_debtor_phone(f->st, &f->key, DEBTOR, "06 12 34 56 78", "operator"), STORE_OK);
    assert_int_equal(store_debtor_phone(f->st, get(f, id).debtor_id, phone, sizeof phone), STORE_OK);
    assert_string_equal(phone, "06 12 34 56 78");
    /* Cleared: the invoice's number again. */
    assert_int_equal(store_set_debtor_phone(f->st, &f->key, DEBTOR, "", "operator"), STORE_OK);
    assert_int_equal(store_debtor_phone(f->st, get(f, id).debtor_id, phone, sizeof phone), STORE_OK);
    assert_string_equal(phone, "+33 4 78 00 00 01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_done_with_promise, setup, teardown),
        cmocka_unit_test_setup_teardown(test_done_dispute_and_operator_pause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_done_without_verdict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settled_case_ends_task, setup, teardown),
        cmocka_unit_test_setup_teardown(test_digest_once_a_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phone, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
