/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_stats.h - the book as a whole, per currency: what is owed and how
 * old it is, where it stands on the ladder and in which status, what was
 * recovered after each step, and the days sales outstanding.
 *
 * The rules (README, "The book"):
 *   - open balance: the balance of every invoice (not credit note) whose
 *     status is not settled (paid, closed, cancelled) and that still owes
 *     something; disputed, paused, court... cases are owed and count;
 *   - age: today - due date in days; < 0 not yet due, 0-30, 31-60, 61-90,
 *     over 90; no due date in a bucket of its own;
 *   - step: the case's level (the last ladder step sent, 0 none);
 *   - status: every status case_status_name knows, invoices counted
 *     whatever their balance;
 *   - recovered after step N: payments (credit notes excluded: they are
 *     not money) whose date (the date paid, else the day it was recorded)
 *     is on or after the day step N was sent to that case and before the
 *     day step N+1 was; step 0: before any step;
 *   - DSO = receivables today / invoiced over the last 90 days x 90, where
 *     receivables = open balance of invoices issued on or before today and
 *     invoiced = amount due of invoices issued in the 90 days ending today
 *     (issue date, else the day the case was recorded); unknown when
 *     nothing was invoiced.
 */
#ifndef RELANCE_STORE_STATS_H
#define RELANCE_STORE_STATS_H

#include "core/ladder.h"
#include "store/store.h"

enum book_age {
    BOOK_NOT_DUE = 0, /* due date after today */
    BOOK_AGE_0_30,
    BOOK_AGE_31_60,
    BOOK_AGE_61_90,
    BOOK_AGE_OVER_90,
    BOOK_NO_DUE_DATE,
};
#define BOOK_AGE_COUNT 6
#define BOOK_DSO_DAYS 90
#define BOOK_CURRENCIES_MAX 16

struct book_sum {
    size_t cases;
    int64_t cents;
};

struct book_currency {
    char currency[4];
    struct book_sum open;                          /* every open balance */
    struct book_sum by_age[BOOK_AGE_COUNT];
    struct book_sum by_step[LADDER_MAX_STEPS + 1]; /* index: level */
    struct book_sum by_status[CASE_STATUS_COUNT];  /* balance per status */
    struct book_sum recovered[LADDER_MAX_STEPS + 1]; /* cases: payments */
    int64_t receivables;                           /* DSO numerator */
    int64_t invoiced;                              /* over BOOK_DSO_DAYS */
    bool dso_known;
    int64_t dso_tenths;                            /* DSO in tenths of a day, rounded */
};

struct book {
    struct date today;
    struct book_currency items[BOOK_CURRENCIES_MAX];
    size_t count;        /* currencies, in order of first appearance */
    size_t other_currencies; /* cases in currencies past BOOK_CURRENCIES_MAX */
};

/* A payment as the book counts it: its case, amount, date and the last
 * ladder step (1..) sent to its case on or before that date, 0 none. */
struct book_payment {
    int64_t case_id;
    int64_t cents;
    char currency[4];
    int step;
};

/* "not-due", "0-30", "31-60", "61-90", "90+", "no-due-date". */
const char *book_age_name(enum book_age age);
enum book_age book_age_of(struct date due, struct date today);

/* The book, one case or payment at a time (pure: no SQL, no clock):
 * book_begin, then book_add_case and book_add_payment for each, then
 * book_end (the DSO). */
void book_begin(struct book *out, struct date today);
void book_add_case(struct book *b, const struct case_row *c);
void book_add_payment(struct book *b, const struct book_payment *p);
void book_end(struct book *b);
/* The book from the cases and payments (pure: no SQL, no clock). */
void book_compute(const struct case_list *cases, const struct book_payment *payments, size_t npayments,
                  struct date today, struct book *out);
/* Reads the cases and payments, streamed, and computes the book as of today. */
enum store_result store_book(struct store *st, struct date today, struct book *out);

#endif
