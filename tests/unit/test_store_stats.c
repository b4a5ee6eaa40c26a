/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store_stats.c - the book (relancectl stats) on a real SQLite store
 * built with known cases, reminders and payments: every figure checked
 * against the arithmetic done by hand in the comments.
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
#include "store/store_stats.h"
#include "temp_store.h"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct audit_key key;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);

    f->st = temp_store_open("stats", f->dir, sizeof f->dir, f->path, sizeof f->path);
    memset(f->key.bytes, 7, sizeof f->key.bytes);
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

static struct case_row get(struct fixture *f, int64_t id)
{
    struct case_row c;

    assert_int_equal(store_get_case(f->st, id, &c), STORE_OK);
    return c;
}

/* Invoice `number` of `cents` in `currency`, issued and due on those days,
 * to a debtor of its own (one reminder a day per debtor). */
static int64_t track(struct fixture *f, const char *number, int64_t cents, const char *currency,
                     const char *issued, const char *due)
{
    char email[64];
    struct track_context tc = {email, "", "Q1", "test"};
    struct invoice inv;
    struct case_row c;
    bool created;

    snprintf(email, sizeof email, "%s@client.test", number);
    invoice_init(&inv);
    str_copy(inv.number, sizeof inv.number, number);
    str_copy(inv.seller_name, sizeof inv.seller_name, "ACME");
    str_copy(inv.currency, sizeof inv.currency, currency);
    inv.has_amount_due = true;
    inv.amount_due = cents;
    assert_true(date_parse(issued, &inv.issue_date));
    assert_true(date_parse(due, &inv.due_date));
    assert_int_equal(store_track_invoice(f->st, &f->key, &inv, &tc, &c, &created), STORE_OK);
    assert_true(created);
    return c.id;
}

/* Step `step` sent to case id on `day`. */
static void send_step(struct fixture *f, int64_t id, int step, const char *day)
{
    struct case_row c = get(f, id);
    struct claim_item item = {id, c.level, c.balance, 0, 0};
    struct reminder_claim claim;
    char at[32], start[32], end[32], next[DATE_STR_MAX], message_id[64];
    struct date d;
    int64_t rid = 0;

    assert_true(date_parse(day, &d));
    date_format(date_add_days(d, 1), next);
    snprintf(at, sizeof at, "%sT09:00:00Z", day);
    snprintf(start, sizeof start, "%sT00:00:00Z", day);
    snprintf(end, sizeof end, "%sT00:00:00Z", next);
    snprintf(message_id, sizeof message_id, "r%lld.%d@agency.test", (long long)id, step);
    claim = (struct reminder_claim){c.debtor_id, step, "step", message_id, "", "s@agency.test", c.debtor_email,
                                    at, start, end, false, &item, 1};
    assert_int_equal(store_claim_reminder(f->st, &claim, &rid), STORE_OK);
    assert_int_equal(store_reminder_sent(f->st, &f->key, rid, false, "test", NULL), STORE_OK);
    assert_int_equal(get(f, id).level, step);
}

static void pay(struct fixture *f, int64_t id, int64_t cents, const char *day)
{
    struct date d;
    int64_t balance;

    assert_true(date_parse(day, &d));
    assert_int_equal(store_record_payment(f->st, &f->key, id, cents, d, "operator", "test", &balance), STORE_OK);
}

static void sql(struct fixture *f, const char *text)
{
    sqlite3 *db;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void assert_sum(const struct book_sum *s, size_t cases, int64_t cents)
{
    assert_int_equal(s->cases, cases);
    assert_int_equal(s->cents, cents);
}

/* The book on 2026-06-30 of:
 *   A EUR 1100.00 issued 06-20 due 07-20: not yet due; open, level 0
 *   B EUR  500.00 issued 05-01 due 06-10: 20 days late; step 1 on 06-12,
 *     200.00 paid 06-15; balance 300.00, level 1
 *   C EUR  800.00 issued 04-01 due 05-01: 60 days late (May 1 -> Jun 1
 *     31, -> Jun 30 29); 100.00 paid 05-03, step 1 on 05-05,
 *     150.00 paid 05-10, step 2 on 05-20, 50.00 paid 05-20 (the day of
 *     step 2: after it), balance 800 - 300 = 500.00, level 2
 *   D EUR  300.00 issued 02-01 due 03-01: 121 days late (Mar 1 -> Apr 1
 *     31, -> May 1 30, -> Jun 1 31, -> Jun 30 29: 121), paid
 *     in full 03-05 before any step: status paid, balance 0
 *   E EUR  400.00 issued 03-15 due 04-15: 76 days late (Apr 15 -> May 1
 *     16, -> Jun 1 31, -> Jun 30 29), disputed, level 0
 *   F USD  250.00 issued 06-01 due 07-01: not yet due, open, level 0 */
static void book_by_hand(void **state)
{
    struct fixture *f = *state;
    int64_t a, b, c, d, e;
    const struct book_currency *eur, *usd;
    struct date today;
    struct book book;

    a = track(f, "A", 110000, "EUR", "2026-06-20", "2026-07-20");
    b = track(f, "B", 50000, "EUR", "2026-05-01", "2026-06-10");
    c = track(f, "C", 80000, "EUR", "2026-04-01", "2026-05-01");
    d = track(f, "D", 30000, "EUR", "2026-02-01", "2026-03-01");
    e = track(f, "E", 40000, "EUR", "2026-03-15", "2026-04-15");
    track(f, "F", 25000, "USD", "2026-06-01", "2026-07-01");
    (void)a;
    send_step(f, b, 1, "2026-06-12");
    pay(f, b, 20000, "2026-06-15");
    pay(f, c, 10000, "2026-05-03");
    send_step(f, c, 1, "2026-05-05");
    pay(f, c, 15000, "2026-05-10");
    send_step(f, c, 2, "2026-05-20");
    pay(f, c, 5000, "2026-05-20");
    pay(f, d, 30000, "2026-03-05");
    sql(f, "UPDATE invoices SET status = 'disputed' WHERE number = 'E'");
    assert_int_equal(get(f, d).status, CASE_PAID);
    assert_int_equal(get(f, e).status, CASE_DISPUTED);

    assert_true(date_parse("2026-06-30", &today));
    assert_int_equal(store_book(f->st, today, &book), STORE_OK);
    assert_int_equal(book.count, 2);
    eur = &book.items[0];
    usd = &book.items[1];
    assert_string_equal(eur->currency, "EUR");
    assert_string_equal(usd->currency, "USD");

    /* Open: A 1100 + B 300 + C 500 + E 400 = 2300.00 over 4 cases (D is paid). */
    assert_sum(&eur->open, 4, 230000);
    /* Age: A not due; B 20 days -> 0-30; C 60 -> 31-60; E 76 -> 61-90; none over 90 (D is paid). */
    assert_sum(&eur->by_age[BOOK_NOT_DUE], 1, 110000);
    assert_sum(&eur->by_age[BOOK_AGE_0_30], 1, 30000);
    assert_sum(&eur->by_age[BOOK_AGE_31_60], 1, 50000);
    assert_sum(&eur->by_age[BOOK_AGE_61_90], 1, 40000);
    assert_sum(&eur->by_age[BOOK_AGE_OVER_90], 0, 0);
    assert_sum(&eur->by_age[BOOK_NO_DUE_DATE], 0, 0);
    /* Step: level 0 A 1100 + E 400 = 1500; level 1 B 300; level 2 C 500. */
    assert_sum(&eur->by_step[0], 2, 150000);
    assert_sum(&eur->by_step[1], 1, 30000);
    assert_sum(&eur->by_step[2], 1, 50000);
    assert_sum(&eur->by_step[3], 0, 0);
    /* Status: open A 1100 + B 300 + C 500 = 1900 (3); paid D 0 (1); disputed E 400 (1). */
    assert_sum(&eur->by_status[CASE_OPEN], 3, 190000);
    assert_sum(&eur->by_status[CASE_PAID], 1, 0);
    assert_sum(&eur->by_status[CASE_DISPUTED], 1, 40000);
    assert_sum(&eur->by_status[CASE_PAUSED], 0, 0);
    /* Recovered: before any step C 100 + D 300 = 400 (2 payments); after
     * step 1 B 200 + C 150 = 350 (2); after step 2 C 50 (1). */
    assert_sum(&eur->recovered[0], 2, 40000);
    assert_sum(&eur->recovered[1], 2, 35000);
    assert_sum(&eur->recovered[2], 1, 5000);
    /* DSO: the 90 days ending 06-30 start 04-02 (06-30 - 89 days: June 1
     * is -29, May 2 -59, April 2 -89). Invoiced then: A 1100 + B 500 =
     * 1600 (C, issued 04-01, is 90 days old: outside). Receivables: 2300.
     * 2300 / 1600 x 90 = 129.375 -> 129.4 days. */
    assert_int_equal(eur->receivables, 230000);
    assert_int_equal(eur->invoiced, 160000);
    assert_true(eur->dso_known);
    assert_int_equal(eur->dso_tenths, 1294);
    /* USD: F alone, 250.00 open and not due; invoiced 250 (issued 29 days
     * ago): DSO 250 / 250 x 90 = 90.0. */
    assert_sum(&usd->open, 1, 25000);
    assert_sum(&usd->by_age[BOOK_NOT_DUE], 1, 25000);
    assert_sum(&usd->by_step[0], 1, 25000);
    assert_sum(&usd->recovered[0], 0, 0);
    assert_int_equal(usd->dso_tenths, 900);
}

/* Every status case_status_name knows has a line, and ages on the bucket
 * edges: 0 and 30 days -> 0-30, 31 -> 31-60, 90 -> 61-90, 91 -> 90+. */
static void age_edges(void **state)
{
    struct date today = {2026, 6, 30}, due;

    (void)state;
    assert_int_equal(book_age_of((struct date){2026, 7, 1}, today), BOOK_NOT_DUE);
    assert_int_equal(book_age_of(today, today), BOOK_AGE_0_30);
    assert_true(date_parse("2026-05-31", &due)); /* 30 days */
    assert_int_equal(book_age_of(due, today), BOOK_AGE_0_30);
    assert_true(date_parse("2026-05-30", &due)); /* 31 */
    assert_int_equal(book_age_of(due, today), BOOK_AGE_31_60);
    assert_true(date_parse("2026-04-01", &due)); /* Apr 1 -> May 1 30, -> Jun 1 31, -> Jun 30 29: 90 */
    assert_int_equal(book_age_of(due, today), BOOK_AGE_61_90);
    assert_true(date_parse("2026-03-31", &due)); /* 91 */
    assert_int_equal(book_age_of(due, today), BOOK_AGE_OVER_90);
    assert_int_equal(book_age_of((struct date){0, 0, 0}, today), BOOK_NO_DUE_DATE);
    for (int s = 0; s < CASE_STATUS_COUNT; s++)
        assert_string_not_equal(case_status_name((enum case_status)s), "unknown");
}

/* Nothing invoiced in the period: no DSO rather than a division by zero. */
static void dso_unknown(void **state)
{
    struct fixture *f = *state;
    struct date today = {2026, 12, 31};
    struct book book;

    track(f, "OLD", 10000, "EUR", "2026-01-10", "2026-02-10");
    assert_int_equal(store_book(f->st, today, &book), STORE_OK);
    assert_int_equal(book.count, 1);
    assert_false(book.items[0].dso_known);
    assert_int_equal(book.items[0].receivables, 10000);
    assert_sum(&book.items[0].by_age[BOOK_AGE_OVER_90], 1, 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(book_by_hand, setup, teardown),
        cmocka_unit_test(age_edges),
        cmocka_unit_test_setup_teardown(dso_unknown, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
