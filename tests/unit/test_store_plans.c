/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store_plans.c - the queries that must stay fast on a book of a
 * million cases read what they need through an index: the scheduler's due
 * work (no sort either: it is streamed), a page of `list`, a reply matched
 * by Message-ID or token, the court file's "kept already" checks, a case's
 * reminders and payments, the debtor's
 * reminders of the day, the outbox's due messages. The book (stats) reads
 * every case once by nature, but nothing more per case than an index
 * search.
 *
 * The statements are those the store really runs: each call is traced
 * (sqlite3_trace_v2), and every SELECT it ran is planned again with
 * EXPLAIN QUERY PLAN on the same connection. No statistics (ANALYZE) are
 * present, as in a real store.
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
#include <unistd.h>

#include "lib/util.h"
#include "store/store.h"
#include "store/store_internal.h"
#include "store/store_messages.h"
#include "store/store_stats.h"
#include "temp_store.h"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct strlist traced; /* SQL of the statements run since the last reset */
};

static int on_statement(unsigned type, void *arg, void *p, void *x)
{
    struct fixture *f = arg;
    const char *sql = sqlite3_sql(p);

    (void)type;
    (void)x;
    /* Reads only: a write's plan lists the foreign-key checks of child
     * tables, which run only when a deferred violation is pending. */
    if (sql && strncmp(sql, "SELECT", 6) == 0)
        strlist_add(&f->traced, sql);
    return 0;
}

/* A small book: two debtors, open and paid cases, a sent reminder with
 * its item, a payment, a reply, an outbox message. */
static const char book_sql[] =
    "INSERT INTO debtors (id, email, name, created_at, updated_at) VALUES"
    " (1, 'a@client.test', 'A', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
    " (2, 'b@client.test', 'B', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
    "INSERT INTO invoices (id, seller, seller_key, number, type, issue_date, due_date, amount_due, balance,"
    " currency, debtor_id, source, confidence, status, level, message_id, created_at, updated_at) VALUES"
    " (1, 'S', 's', 'F-1', 'invoice', '2026-01-01', '2026-01-31', 1000, 1000, 'EUR', 1, 'facturx', 100,"
    "  'open', 1, 'inv1@s.test', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
    " (2, 'S', 's', 'F-2', 'invoice', '2026-01-01', '2026-01-31', 1000, 0, 'EUR', 2, 'facturx', 100,"
    "  'paid', 0, 'inv2@s.test', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
    "INSERT INTO reminders (id, debtor_id, step, step_name, state, message_id, token, created_at, sent_at)"
    " VALUES (1, 1, 1, 'rappel', 'sent', 'r1@relance.test', '1-1-abc', '2026-02-01T09:00:00Z',"
    " '2026-02-01T09:00:00Z');"
    "INSERT INTO reminder_items (reminder_id, invoice_id, step, principal) VALUES (1, 1, 1, 1000);"
    "INSERT INTO payments (invoice_id, amount, currency, paid_on, source, created_at)"
    " VALUES (2, 1000, 'EUR', '2026-02-10', 'csv', '2026-02-10T00:00:00Z');"
    "INSERT INTO outbox (kind, invoice_id, sender, recipient, message_id, message, created_at, next_at)"
    " VALUES ('creditor-notice', 1, 'r@a.test', 'c@a.test', 'n1@a.test', 'x', '2026-02-01T00:00:00Z',"
    " '2026-02-01T00:00:00Z');";

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);

    f->st = temp_store_open("plans", f->dir, sizeof f->dir, f->path, sizeof f->path);
    assert_int_equal(sqlite3_exec(f->st->db, book_sql, NULL, NULL, NULL), SQLITE_OK);
    strlist_init(&f->traced);
    sqlite3_trace_v2(f->st->db, SQLITE_TRACE_STMT, on_statement, f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    sqlite3_trace_v2(f->st->db, 0, NULL, NULL);
    strlist_free(&f->traced);
    temp_store_close(f->st, f->dir, f->path);
    free(f);
    return 0;
}

/* The plan of every traced statement, one detail per line. */
static void plans_of(struct fixture *f, struct strbuf *out)
{
    sqlite3_trace_v2(f->st->db, 0, NULL, NULL);
    for (size_t i = 0; i < f->traced.count; i++) {
        char *sql = xasprintf("EXPLAIN QUERY PLAN %s", f->traced.items[i]);
        sqlite3_stmt *stmt;

        assert_int_equal(sqlite3_prepare_v2(f->st->db, sql, -1, &stmt, NULL), SQLITE_OK);
        strbuf_printf(out, "-- %s\n", f->traced.items[i]);
        while (sqlite3_step(stmt) == SQLITE_ROW)
            strbuf_printf(out, "%s\n", (const char *)sqlite3_column_text(stmt, 3));
        sqlite3_finalize(stmt);
        free(sql);
    }
    strlist_free(&f->traced);
    strlist_init(&f->traced);
    sqlite3_trace_v2(f->st->db, SQLITE_TRACE_STMT, on_statement, f);
}

/* No line of the plans reads a whole table or index ("SCAN t", "SCAN t
 * USING INDEX"); `allowed` names the one table that may be scanned. */
static void assert_no_scan(const struct strbuf *plans, const char *allowed)
{
    const char *line = plans->data, *statement = "";

    assert_non_null(line);
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char *text = xstrndup(line, n);
        const char *scan = strstr(text, "SCAN ");

        if (strncmp(text, "-- ", 3) == 0)
            statement = line;
        else if (scan && strncmp(scan, "SCAN CONSTANT ROW", 17) != 0 &&
            (allowed == NULL || strncmp(scan + 5, allowed, strlen(allowed)) != 0 ||
             scan[5 + strlen(allowed)] != '\0')) {
            print_error("%s\n", text);
            print_error("in: %.400s\n", statement);
            fail();
        }
        free(text);
        line += n + (end ? 1 : 0);
    }
}

static bool count_due(const struct due_case *dc, void *arg)
{
    (void)dc;
    (*(int *)arg)++;
    return true;
}

static void test_due_selection_walks_the_open_index_in_order(void **state)
{
    struct fixture *f = *state;
    struct due_filter filter = {false, 0, 6, {"2026-12-31", "2026-12-31", "2026-12-31"}};
    struct strbuf plans;
    int n = 0;

    assert_int_equal(store_each_due_case(f->st, &filter, count_due, &n), STORE_OK);
    assert_int_equal(n, 1); /* the open case; the paid one is not in the index */
    strbuf_init(&plans);
    plans_of(f, &plans);
    assert_non_null(strstr(plans.data, "USING INDEX invoices_open_by_debtor (debtor_id>?)"));
    /* Streamed: rows come in the index's order, never sorted in memory. */
    assert_null(strstr(plans.data, "TEMP B-TREE"));
    assert_no_scan(&plans, NULL);
    /* The facts that decide the step are on the case's row (schema 15):
     * nothing is searched per case but its debtor. */
    assert_null(strstr(plans.data, "CORRELATED"));
    assert_null(strstr(plans.data, "reminder_items"));
    assert_null(strstr(plans.data, "task_items"));
    assert_null(strstr(plans.data, "outbox"));
    assert_non_null(strstr(plans.data, "SEARCH d USING INTEGER PRIMARY KEY (rowid=?)"));
    strbuf_free(&plans);
}

static void test_due_selection_stops_at_the_cutoff(void **state)
{
    struct fixture *f = *state;
    struct due_filter before_due = {false, 0, 6, {"2026-12-31", "2026-01-30", "2026-12-31"}};
    struct due_filter climbed = {false, 0, 0, {"2026-12-31", "2026-12-31"}};
    int n = 0;

    assert_int_equal(store_each_due_case(f->st, &before_due, count_due, &n), STORE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_each_due_case(f->st, &climbed, count_due, &n), STORE_OK);
    assert_int_equal(n, 0); /* level 1 is past max_level 0 */
    /* Found again once its level's cutoff reaches its due date. */
    before_due.latest_due[1][9] = '1';
    assert_int_equal(store_each_due_case(f->st, &before_due, count_due, &n), STORE_OK);
    assert_int_equal(n, 1);
}

static bool count_case(const struct case_row *c, void *arg)
{
    (void)c;
    (*(int *)arg)++;
    return true;
}

static void test_list_page_searches_by_primary_key(void **state)
{
    struct fixture *f = *state;
    struct case_page page = {1, 10, NULL};
    struct strbuf plans;
    int n = 0;

    assert_int_equal(store_each_case(f->st, &page, count_case, &n), STORE_OK);
    assert_int_equal(n, 1); /* F-2, after case 1 */
    strbuf_init(&plans);
    plans_of(f, &plans);
    assert_non_null(strstr(plans.data, "SEARCH i USING INTEGER PRIMARY KEY (rowid>?)"));
    assert_null(strstr(plans.data, "TEMP B-TREE"));
    assert_no_scan(&plans, NULL);
    strbuf_free(&plans);
}

static void test_reply_matching_uses_indexes(void **state)
{
    struct fixture *f = *state;
    struct case_list cases;
    struct strbuf plans;
    int64_t reminder_id = 0;

    assert_int_equal(store_cases_of_reminder_message(f->st, "r1@relance.test", &reminder_id, &cases), STORE_OK);
    assert_int_equal(cases.count, 1);
    case_list_free(&cases);
    assert_int_equal(store_cases_of_reminder_token(f->st, "1-1-ABC", &reminder_id, &cases), STORE_OK);
    assert_int_equal(cases.count, 1);
    case_list_free(&cases);
    assert_int_equal(store_cases_of_invoice_message(f->st, "inv1@s.test", &cases), STORE_OK);
    assert_int_equal(cases.count, 1);
    case_list_free(&cases);
    strbuf_init(&plans);
    plans_of(f, &plans);
    assert_non_null(strstr(plans.data, "reminders_by_token"));
    assert_non_null(strstr(plans.data, "invoices_by_message"));
    assert_no_scan(&plans, NULL);
    strbuf_free(&plans);
}

/* The court file's copies: a reply's is looked for by its Message-ID and
 * queue id, a reminder's by its id, never by walking the copies of the
 * case (a case with many replies) or of the store. */
static void test_court_file_copies_use_indexes(void **state)
{
    static const struct audit_key key;
    static const char replies_sql[] =
        "INSERT INTO replies (invoice_id, reminder_id, message_id, verdict, queue_id, received_at) VALUES"
        " (1, 1, 'rep1@client.test', 'promise', 'Q1', '2026-02-02T00:00:00Z'),"
        " (1, 1, 'rep2@client.test', 'promise', 'Q2', '2026-02-03T00:00:00Z');";
    struct fixture *f = *state;
    struct strbuf plans;
    size_t cases = 0;

    assert_int_equal(sqlite3_exec(f->st->db, replies_sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_keep_reply_message(f->st, &key, "rep1@client.test", "Q1", "a\r\n\r\nb", 7, 1000, &cases),
                     STORE_OK);
    assert_int_equal(cases, 1);
    assert_int_equal(store_keep_reply_message(f->st, &key, "rep2@client.test", "Q2", "c\r\n\r\nd", 7, 1000, &cases),
                     STORE_OK);
    assert_int_equal(cases, 1);
    /* Kept already: nothing more. */
    assert_int_equal(store_keep_reply_message(f->st, &key, "rep1@client.test", "Q1", "a\r\n\r\nb", 7, 1000, &cases),
                     STORE_OK);
    assert_int_equal(cases, 0);
    assert_int_equal(store_keep_reminder_message(f->st, &key, 1, "r\r\n\r\ns", 7, 1000, &cases), STORE_OK);
    assert_int_equal(cases, 1);
    assert_int_equal(store_keep_reminder_message(f->st, &key, 1, "r\r\n\r\ns", 7, 1000, &cases), STORE_OK);
    assert_int_equal(cases, 0);
    strbuf_init(&plans);
    plans_of(f, &plans);
    assert_non_null(strstr(plans.data, "messages_by_message"));
    assert_non_null(strstr(plans.data, "messages_by_reminder"));
    assert_null(strstr(plans.data, "message_cases_by_invoice"));
    /* The audit chain's last hash: the newest row of events, read backwards
     * by rowid and stopped at the first (LIMIT 1). */
    assert_non_null(strstr(plans.data, "SELECT hash FROM events ORDER BY id DESC LIMIT 1"));
    assert_no_scan(&plans, "events");
    strbuf_free(&plans);
}

/* What the scheduler asks for each reminder it writes. */
static void test_per_reminder_queries_use_indexes(void **state)
{
    static const enum reminder_state sent = REMINDER_SENT;
    struct fixture *f = *state;
    struct reminder_list reminders;
    struct money_payment *payments = NULL;
    struct claim_item item = {1, 1, 1000, 0, 0};
    struct reminder_claim claim = {1, 2, "avis-impaye", "r2@relance.test", "1-2-def", "r@a.test", "a@client.test",
                                   "2026-02-20T09:00:00Z", "2026-02-19T23:00:00Z", "2026-02-20T23:00:00Z", true,
                                   &item, 1};
    struct strbuf plans;
    size_t count = 0;
    int64_t id = 0;

    assert_int_equal(store_list_reminders(f->st, &sent, 1, &reminders), STORE_OK);
    assert_int_equal(reminders.count, 1);
    reminder_list_free(&reminders);
    assert_int_equal(store_list_payments(f->st, 2, &payments, &count), STORE_OK);
    assert_int_equal(count, 1);
    free(payments);
    assert_int_equal(store_claim_reminder(f->st, &claim, &id), STORE_OK);
    strbuf_init(&plans);
    plans_of(f, &plans);
    assert_non_null(strstr(plans.data, "payments_by_invoice"));
    assert_non_null(strstr(plans.data, "reminders_by_debtor"));
    assert_no_scan(&plans, NULL);
    strbuf_free(&plans);
}

static void test_outbox_due_uses_its_index(void **state)
{
    struct fixture *f = *state;
    struct outbox_list due;
    struct strbuf plans;

    assert_int_equal(store_outbox_due(f->st, "2026-03-01T00:00:00Z", 10, &due), STORE_OK);
    assert_int_equal(due.count, 1);
    outbox_list_free(&due);
    strbuf_init(&plans);
    plans_of(f, &plans);
    assert_non_null(strstr(plans.data, "outbox_due"));
    assert_no_scan(&plans, NULL);
    strbuf_free(&plans);
}

/* The book reads each case once (the one scan it needs), and for each
 * payment searches its reminders by index. */
static void test_stats_scan_only_the_book(void **state)
{
    struct fixture *f = *state;
    struct date today = {2026, 3, 1};
    struct book book;
    struct strbuf plans;

    assert_int_equal(store_book(f->st, today, &book), STORE_OK);
    assert_int_equal(book.count, 1);
    strbuf_init(&plans);
    plans_of(f, &plans);
    assert_null(strstr(plans.data, "TEMP B-TREE"));
    assert_non_null(strstr(plans.data, "SCAN invoices"));
    strbuf_free(&plans);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_due_selection_walks_the_open_index_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_due_selection_stops_at_the_cutoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_page_searches_by_primary_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_matching_uses_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_court_file_copies_use_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_per_reminder_queries_use_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox_due_uses_its_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_scan_only_the_book, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
