/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_stats.c - the book (see store_stats.h for every rule): the cases
 * and the payments are read once, then summed per currency in C, so that
 * each figure has one definition that a test can check by hand.
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

void book_compute(const struct case_list *cases, const struct book_payment *payments, size_t npayments,
                  struct date today, struct book *out)
{
    memset(out, 0, sizeof *out);
    out->today = today;
    for (size_t i = 0; i < cases->count; i++) {
        const struct case_row *c = &cases->items[i];
        struct book_currency *bc;

        if (c->inv.type != INVOICE_TYPE_INVOICE)
            continue;
        if ((bc = currency_of(out, c->inv.currency)) == NULL) {
            out->other_currencies++;
            continue;
        }
        count_case(bc, c, today);
    }
    for (size_t i = 0; i < npayments; i++) {
        const struct book_payment *p = &payments[i];
        struct book_currency *bc = currency_of(out, p->currency);
        int step = p->step < 0 ? 0 : p->step > LADDER_MAX_STEPS ? LADDER_MAX_STEPS : p->step;

        if (bc)
            add(&bc->recovered[step], p->cents);
    }
    for (size_t i = 0; i < out->count; i++) {
        struct book_currency *bc = &out->items[i];

        bc->dso_known = bc->invoiced > 0;
        if (bc->dso_known)
            bc->dso_tenths = (bc->receivables * BOOK_DSO_DAYS * 10 + bc->invoiced / 2) / bc->invoiced;
    }
}

/* Every payment but credit notes, with the last step (1..) sent to its
 * case on or before the day it was paid (else recorded). */
static const char payments_sql[] =
    "SELECT p.invoice_id, p.amount, p.currency,"
    "  COALESCE((SELECT MAX(ri.step) FROM reminder_items ri JOIN reminders r ON r.id = ri.reminder_id"
    "    WHERE ri.invoice_id = p.invoice_id AND ri.step >= 1 AND r.state = 'sent' AND r.sent_at IS NOT NULL"
    "      AND substr(r.sent_at, 1, 10) <= COALESCE(p.paid_on, substr(p.created_at, 1, 10))), 0)"
    " FROM payments p WHERE p.source <> 'credit_note' ORDER BY p.id";

static void payment_from_row(sqlite3_stmt *stmt, void *item)
{
    struct book_payment *p = item;

    p->case_id = sqlite3_column_int64(stmt, 0);
    p->cents = sqlite3_column_int64(stmt, 1);
    store_column_copy(stmt, 2, p->currency, sizeof p->currency);
    p->step = sqlite3_column_int(stmt, 3);
}

enum store_result store_book(struct store *st, struct date today, struct book *out)
{
    struct book_payment *payments = NULL;
    struct case_list cases;
    size_t npayments = 0;
    sqlite3_stmt *stmt;
    enum store_result r;
    int rc;

    if ((r = store_list_cases(st, &cases)) != STORE_OK)
        return r;
    rc = sqlite3_prepare_v2(st->db, payments_sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        r = store_result_of(st, rc, "prepare book payments");
    else
        r = store_read_rows(st, stmt, (void **)&payments, &npayments, sizeof *payments, payment_from_row,
                            "read book payments");
    if (r == STORE_OK)
        book_compute(&cases, payments, npayments, today, out);
    free(payments);
    case_list_free(&cases);
    return r;
}
