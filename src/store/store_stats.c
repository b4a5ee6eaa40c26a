/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_stats.c - the book (see store_stats.h for every rule): the cases
 * and the payments are read once, row by row, and summed per currency in
 * C as they come, so that each figure has one definition that a test can
 * check by hand and memory does not grow with the book.
 */
#include "store/store_stats.h"
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

const char *book_age_name(enum book_age age)
{
    static const char *const names[] = {"not-due", "0-30", "31-60", "61-90", "90+", "no-due-date"};

    return (unsigned)age < ARRAY_LEN(names) ? names[age] : "unknown";
}

enum book_age book_age_of(struct date due, struct date today)
{
    int64_t days;

    if (!date_is_set(due))
        return BOOK_NO_DUE_DATE;
    days = date_diff_days(due, today);
    if (days < 0)
        return BOOK_NOT_DUE;
    if (days <= 30)
        return BOOK_AGE_0_30;
    if (days <= 60)
        return BOOK_AGE_31_60;
    if (days <= 90)
        return BOOK_AGE_61_90;
    return BOOK_AGE_OVER_90;
}

/* The currency's entry, added on first sight; NULL past the maximum. */
static struct book_currency *currency_of(struct book *b, const char *currency)
{
    for (size_t i = 0; i < b->count; i++)
        if (strcmp(b->items[i].currency, currency) == 0)
            return &b->items[i];
    if (b->count == BOOK_CURRENCIES_MAX)
        return NULL;
    str_copy(b->items[b->count].currency, sizeof b->items[b->count].currency, currency);
    return &b->items[b->count++];
}

static void add(struct book_sum *sum, int64_t cents)
{
    sum->cases++;
    sum->cents += cents;
}

static struct date case_issued(const struct case_row *c)
{
    struct date d = {0, 0, 0};
    char day[DATE_STR_MAX];

    if (date_is_set(c->inv.issue_date))
        return c->inv.issue_date;
    str_copy(day, sizeof day, c->created_at); /* YYYY-MM-DD of the timestamp */
    if (strlen(c->created_at) >= 10)
        day[10] = '\0';
    date_parse(day, &d);
    return d;
}

static void count_case(struct book_currency *bc, const struct case_row *c, struct date today)
{
    struct date issued = case_issued(c);
    bool owed = !case_status_in(c->status, CASE_SETTLED) && c->balance > 0;
    int level = c->level < 0 ? 0 : c->level > LADDER_MAX_STEPS ? LADDER_MAX_STEPS : c->level;

    if ((unsigned)c->status < CASE_STATUS_COUNT)
        add(&bc->by_status[c->status], c->balance);
    if (date_is_set(issued) && date_compare(issued, today) <= 0) {
        if (date_diff_days(issued, today) < BOOK_DSO_DAYS)
            bc->invoiced += c->inv.amount_due;
        if (owed)
            bc->receivables += c->balance;
    }
    if (!owed)
        return;
    add(&bc->open, c->balance);
    add(&bc->by_age[book_age_of(c->inv.due_date, today)], c->balance);
    add(&bc->by_step[level], c->balance);
}

void book_begin(struct book *out, struct date today)
{
    memset(out, 0, sizeof *out);
    out->today = today;
}

void book_add_case(struct book *b, const struct case_row *c)
{
    struct book_currency *bc;

    if (c->inv.type != INVOICE_TYPE_INVOICE)
        return;
    if ((bc = currency_of(b, c->inv.currency)) == NULL) {
        b->other_currencies++;
        return;
    }
    count_case(bc, c, b->today);
}

void book_add_payment(struct book *b, const struct book_payment *p)
{
    struct book_currency *bc = currency_of(b, p->currency);
    int step = p->step < 0 ? 0 : p->step > LADDER_MAX_STEPS ? LADDER_MAX_STEPS : p->step;

    if (bc)
        add(&bc->recovered[step], p->cents);
}

void book_end(struct book *b)
{
    for (size_t i = 0; i < b->count; i++) {
        struct book_currency *bc = &b->items[i];

        bc->dso_known = bc->invoiced > 0;
        if (bc->dso_known)
            bc->dso_tenths = (bc->receivables * BOOK_DSO_DAYS * 10 + bc->invoiced / 2) / bc->invoiced;
    }
}

void book_compute(const struct case_list *cases, const struct book_payment *payments, size_t npayments,
                  struct date today, struct book *out)
{
    book_begin(out, today);
    for (size_t i = 0; i < cases->count; i++)
        book_add_case(out, &cases->items[i]);
    for (size_t i = 0; i < npayments; i++)
        book_add_payment(out, &payments[i]);
    book_end(out);
}

/* Every payment but credit notes, with the last step (1..) sent to its
 * case on or before the day it was paid (else recorded). */
static const char payments_sql[] =
    "SELECT p.invoice_id, p.amount, p.currency,"
    "  COALESCE((SELECT MAX(ri.step) FROM reminder_items ri JOIN reminders r ON r.id = ri.reminder_id"
    "    WHERE ri.invoice_id = p.invoice_id AND ri.step >= 1 AND r.state = 'sent' AND r.sent_at IS NOT NULL"
    "      AND substr(r.sent_at, 1, 10) <= COALESCE(p.paid_on, substr(p.created_at, 1, 10))), 0)"
    " FROM payments p WHERE p.source <> 'credit_note' ORDER BY p.id";

/* Only what the book counts of a case: one row at a time, whatever the
 * size of the book (no case list is held). */
static const char cases_sql[] =
    "SELECT type, currency, status, level, balance, amount_due, issue_date, due_date, created_at FROM invoices";

static void book_case_from_row(sqlite3_stmt *stmt, struct case_row *c)
{
    char text[16];

    memset(c, 0, sizeof *c);
    store_column_copy(stmt, 0, text, sizeof text);
    c->inv.type = strcmp(text, "credit_note") == 0 ? INVOICE_TYPE_CREDIT_NOTE : INVOICE_TYPE_INVOICE;
    store_column_copy(stmt, 1, c->inv.currency, sizeof c->inv.currency);
    c->status = store_column_case_status(stmt, 2);
    c->level = sqlite3_column_int(stmt, 3);
    c->balance = sqlite3_column_int64(stmt, 4);
    c->inv.amount_due = sqlite3_column_int64(stmt, 5);
    c->inv.issue_date = store_column_date(stmt, 6);
    c->inv.due_date = store_column_date(stmt, 7);
    store_column_copy(stmt, 8, c->created_at, sizeof c->created_at);
}

static void payment_from_row(sqlite3_stmt *stmt, struct book_payment *p)
{
    p->case_id = sqlite3_column_int64(stmt, 0);
    p->cents = sqlite3_column_int64(stmt, 1);
    store_column_copy(stmt, 2, p->currency, sizeof p->currency);
    p->step = sqlite3_column_int(stmt, 3);
}

enum store_result store_book(struct store *st, struct date today, struct book *out)
{
    struct case_row c;
    struct book_payment p;
    sqlite3_stmt *stmt;
    int rc;

    book_begin(out, today);
    if ((rc = sqlite3_prepare_v2(st->db, cases_sql, -1, &stmt, NULL)) != SQLITE_OK)
        return store_result_of(st, rc, "prepare book cases");
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        book_case_from_row(stmt, &c);
        book_add_case(out, &c);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return store_result_of(st, rc, "read book cases");
    if ((rc = sqlite3_prepare_v2(st->db, payments_sql, -1, &stmt, NULL)) != SQLITE_OK)
        return store_result_of(st, rc, "prepare book payments");
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        payment_from_row(stmt, &p);
        book_add_payment(out, &p);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return store_result_of(st, rc, "read book payments");
    book_end(out);
    return STORE_OK;
}
