/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store_due_facts.c - the facts that decide a case's step, kept on
 * its row by triggers (store/due_facts.h), equal after every kind of
 * write the facts derive from what the scheduler used to derive per run
 * (support/due_facts_check.c): a reminder claimed, sent, held, failed,
 * rehearsed, moved or removed; a task opened and ended; the answer to a
 * dispute queued, sent, sent again, removed; the case's level raised. The
 * writes are plain SQL, as any code (or a future one) could write them:
 * what is proven is the triggers, not one caller. Each write is followed
 * by a check of every case, and some facts are also asserted by value so
 * that the check cannot pass by both sides being empty.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "store/store.h"
#include "store/store_internal.h"
#include "due_facts_check.h"
#include "temp_store.h"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
};

/* Three open cases of one debtor: 1 at level 0, 2 at level 1, 3 at level 0. */
static const char book_sql[] =
    "INSERT INTO debtors (id, email, name, created_at, updated_at) VALUES"
    " (1, 'a@client.test', 'A', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
    "INSERT INTO invoices (id, seller, seller_key, number, type, issue_date, due_date, amount_due, balance,"
    " currency, debtor_id, source, confidence, status, level, created_at, updated_at) VALUES"
    " (1, 'S', 's', 'F-1', 'invoice', '2026-01-01', '2026-01-31', 1000, 1000, 'EUR', 1, 'facturx', 100,"
    "  'open', 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
    " (2, 'S', 's', 'F-2', 'invoice', '2026-01-01', '2026-01-31', 1000, 1000, 'EUR', 1, 'facturx', 100,"
    "  'open', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
    " (3, 'S', 's', 'F-3', 'invoice', '2026-01-01', '2026-02-15', 1000, 1000, 'EUR', 1, 'facturx', 100,"
    "  'open', 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');";

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);

    f->st = temp_store_open("due-facts", f->dir, sizeof f->dir, f->path, sizeof f->path);
    assert_int_equal(sqlite3_exec(f->st->db, book_sql, NULL, NULL, NULL), SQLITE_OK);
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

/* Runs one write, then checks every case's kept facts. */
static void write_then_check(struct fixture *f, const char *sql)
{
    char *err = NULL;

    if (sqlite3_exec(f->st->db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
    due_facts_check(f->st);
}

static struct due_case due(struct fixture *f, int64_t id, bool dry_run)
{
    struct due_case dc;

    assert_int_equal(store_get_due_case(f->st, id, dry_run, &dc), STORE_OK);
    return dc;
}

#define REMINDER(id, step, state, sent)                                                                      \
    "INSERT INTO reminders (id, debtor_id, step, step_name, state, message_id, created_at, sent_at) VALUES (" \
    #id ", 1, " #step ", 'step', '" state "', 'r" #id "@relance.test', '2026-02-01T09:00:00Z', " sent ");"

static void test_reminders_keep_the_facts(void **state)
{
    struct fixture *f = *state;

    due_facts_check(f->st);
    assert_false(due(f, 1, false).busy);
    /* Claimed: pending, its items written after it. */
    write_then_check(f, REMINDER(1, 1, "pending", "NULL")
                        "INSERT INTO reminder_items (reminder_id, invoice_id, step, principal) VALUES (1, 1, 1, 1000);");
    assert_true(due(f, 1, false).busy);
    /* Sent, and the case's level raised in the same transaction. */
    write_then_check(f, "BEGIN; UPDATE reminders SET state = 'sent', sent_at = '2026-02-02T08:00:00Z' WHERE id = 1;"
                        "UPDATE invoices SET level = 1 WHERE id = 1; COMMIT;");
    assert_false(due(f, 1, false).busy);
    assert_string_equal(due(f, 1, false).last_step_at, "2026-02-02T08:00:00Z");
    /* Level raised past the step: no last step at the new level yet. */
    write_then_check(f, "UPDATE invoices SET level = 2 WHERE id = 1;");
    assert_string_equal(due(f, 1, false).last_step_at, "");
    write_then_check(f, "UPDATE invoices SET level = 1 WHERE id = 1;");
    /* Held, then failed. */
    write_then_check(f, REMINDER(2, 2, "held", "NULL")
                        "INSERT INTO reminder_items (reminder_id, invoice_id, step, principal) VALUES (2, 2, 2, 1000);");
    assert_true(due(f, 2, false).busy);
    write_then_check(f, "UPDATE reminders SET state = 'failed' WHERE id = 2;");
    assert_false(due(f, 2, false).busy);
    /* A rehearsal of the next step: busy in a dry run only. */
    write_then_check(f, REMINDER(3, 2, "dry-run", "'2026-02-03T08:00:00Z'")
                        "INSERT INTO reminder_items (reminder_id, invoice_id, step, principal) VALUES (3, 1, 2, 1000);");
    assert_true(due(f, 1, true).busy);
    assert_false(due(f, 1, false).busy);
    /* A live reminder replaces what the rehearsal wrote. */
    write_then_check(f, "DELETE FROM reminder_items WHERE invoice_id = 1 AND step = 2;");
    assert_false(due(f, 1, true).busy);
    /* Courtesy: rehearsed, then sent for real. */
    write_then_check(f, REMINDER(4, 0, "dry-run", "'2026-02-10T08:00:00Z'")
                        "INSERT INTO reminder_items (reminder_id, invoice_id, step, principal) VALUES (4, 3, 0, 1000);");
    assert_true(due(f, 3, true).courtesy_done);
    assert_false(due(f, 3, false).courtesy_done);
    write_then_check(f, "UPDATE reminders SET state = 'sent' WHERE id = 4;");
    assert_true(due(f, 3, false).courtesy_done);
    /* An item moved to another case, its sending time corrected, the
     * reminder renumbered, then both removed. */
    write_then_check(f, "UPDATE reminder_items SET invoice_id = 2 WHERE reminder_id = 4;");
    assert_false(due(f, 3, true).courtesy_done);
    write_then_check(f, "UPDATE reminders SET sent_at = '2026-02-11T08:00:00Z' WHERE id = 1;");
    assert_string_equal(due(f, 1, false).last_step_at, "2026-02-11T08:00:00Z");
    write_then_check(f, "UPDATE reminder_items SET step = 3 WHERE reminder_id = 1;");
    write_then_check(f, "UPDATE reminder_items SET step = 1 WHERE reminder_id = 1;");
    write_then_check(f, "PRAGMA foreign_keys = OFF; UPDATE reminders SET id = 40 WHERE id = 4;"
                        "UPDATE reminder_items SET reminder_id = 40 WHERE reminder_id = 4; PRAGMA foreign_keys = ON;");
    write_then_check(f, "DELETE FROM reminder_items WHERE reminder_id = 40; DELETE FROM reminders WHERE id = 40;");
    assert_false(due(f, 2, true).courtesy_done);
    /* A reminder removed before its items (no foreign keys). */
    write_then_check(f, "PRAGMA foreign_keys = OFF; DELETE FROM reminders WHERE id = 1; PRAGMA foreign_keys = ON;");
    assert_string_equal(due(f, 1, false).last_step_at, "");
}

static void test_tasks_keep_the_facts(void **state)
{
    struct fixture *f = *state;

    write_then_check(f, "INSERT INTO tasks (id, debtor_id, step, step_name, kind, created_at, created_on, timeout_on)"
                        " VALUES (1, 1, 2, 'appel', 'call', '2026-03-01T08:00:00Z', '2026-03-01', '2026-03-15');"
                        "INSERT INTO task_items (task_id, invoice_id, step, balance) VALUES (1, 2, 2, 1000);"
                        "UPDATE invoices SET level = 2 WHERE id = 2;");
    assert_true(due(f, 2, false).busy);
    write_then_check(f, "UPDATE tasks SET state = 'done', ended_at = '2026-03-04T10:00:00Z' WHERE id = 1;");
    assert_false(due(f, 2, false).busy);
    assert_string_equal(due(f, 2, false).last_step_at, "2026-03-04T10:00:00Z");
    write_then_check(f, "UPDATE tasks SET ended_at = '2026-03-05T10:00:00Z' WHERE id = 1;");
    assert_string_equal(due(f, 2, false).last_step_at, "2026-03-05T10:00:00Z");
    write_then_check(f, "UPDATE task_items SET invoice_id = 3 WHERE task_id = 1;");
    assert_string_equal(due(f, 2, false).last_step_at, "");
    write_then_check(f, "UPDATE task_items SET step = 0 WHERE task_id = 1;");
    assert_string_equal(due(f, 3, false).last_step_at, "2026-03-05T10:00:00Z");
    write_then_check(f, "UPDATE tasks SET state = 'open', ended_at = NULL WHERE id = 1;");
    assert_true(due(f, 3, false).busy);
    write_then_check(f, "PRAGMA foreign_keys = OFF; UPDATE tasks SET id = 7 WHERE id = 1;"
                        "UPDATE task_items SET task_id = 7 WHERE task_id = 1; PRAGMA foreign_keys = ON;");
    write_then_check(f, "PRAGMA foreign_keys = OFF; DELETE FROM tasks WHERE id = 7; PRAGMA foreign_keys = ON;");
    assert_false(due(f, 3, false).busy);
    write_then_check(f, "DELETE FROM task_items WHERE task_id = 7;");
    write_then_check(f, "PRAGMA foreign_keys = OFF;"
                        "INSERT INTO task_items (task_id, invoice_id, step, balance) VALUES (8, 1, 0, 1000);"
                        "PRAGMA foreign_keys = ON;"
                        "INSERT INTO tasks (id, debtor_id, step, step_name, kind, created_at, created_on, timeout_on)"
                        " VALUES (8, 1, 0, 'appel', 'call', '2026-03-01T08:00:00Z', '2026-03-01', '2026-03-15');");
    assert_true(due(f, 1, false).busy);
}

#define OUTBOX(id, kind, invoice, state, created, sent)                                                      \
    "INSERT INTO outbox (id, kind, invoice_id, sender, recipient, message_id, message, state, created_at,"   \
    " next_at, sent_at) VALUES (" #id ", '" kind "', " #invoice ", 'r@a.test', 'd@client.test', 'o" #id      \
    "@a.test', 'x', '" state "', '" created "', '" created "', " sent ");"

static void test_dispute_answers_keep_the_facts(void **state)
{
    struct fixture *f = *state;

    write_then_check(f, OUTBOX(1, "dispute-resumed", 2, "pending", "2026-04-01T08:00:00Z", "NULL"));
    assert_true(due(f, 2, false).busy);
    assert_string_equal(due(f, 2, false).resumed_at, "2026-04-01T08:00:00Z");
    write_then_check(f, "UPDATE outbox SET state = 'sending' WHERE id = 1;");
    assert_true(due(f, 2, false).busy);
    write_then_check(f, "UPDATE outbox SET state = 'sent', sent_at = '2026-04-01T09:30:00Z' WHERE id = 1;");
    assert_false(due(f, 2, false).busy);
    assert_string_equal(due(f, 2, false).resumed_at, "2026-04-01T09:30:00Z");
    /* A second answer: the later one counts. Other mail changes nothing. */
    write_then_check(f, OUTBOX(2, "dispute-resumed", 2, "failed", "2026-05-01T08:00:00Z", "NULL"));
    assert_string_equal(due(f, 2, false).resumed_at, "2026-05-01T08:00:00Z");
    write_then_check(f, OUTBOX(3, "creditor-notice", 2, "pending", "2026-06-01T08:00:00Z", "NULL"));
    assert_false(due(f, 2, false).busy);
    write_then_check(f, "UPDATE outbox SET kind = 'dispute-resumed' WHERE id = 3;");
    assert_true(due(f, 2, false).busy);
    write_then_check(f, "UPDATE outbox SET invoice_id = 1 WHERE id = 3;");
    assert_false(due(f, 2, false).busy);
    assert_true(due(f, 1, false).busy);
    write_then_check(f, "UPDATE outbox SET kind = 'creditor-notice' WHERE id = 3;");
    assert_false(due(f, 1, false).busy);
    write_then_check(f, "UPDATE outbox SET created_at = '2026-05-02T08:00:00Z' WHERE id = 2;");
    write_then_check(f, "DELETE FROM outbox WHERE id = 2;");
    assert_string_equal(due(f, 2, false).resumed_at, "2026-04-01T09:30:00Z");
    write_then_check(f, "DELETE FROM outbox;");
    assert_string_equal(due(f, 2, false).resumed_at, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reminders_keep_the_facts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tasks_keep_the_facts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispute_answers_keep_the_facts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
