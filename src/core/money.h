/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * money.h - amounts as integer cents (hundredths of the currency unit).
 *
 * Floating point never touches money: amounts are parsed from decimal
 * text straight into int64 cents, and every computation rounds explicitly.
 */
#ifndef RELANCE_MONEY_H
#define RELANCE_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/date.h"
#include "lib/lang.h"

#define MONEY_STR_MAX 32
/* Largest accepted magnitude: 10^15 cents, far beyond any invoice. */
#define MONEY_MAX_CENTS 1000000000000000LL

/* Parses a plain decimal number ("1234.56", "-8.79", "119", "+3.5") into
 * cents, rounding half away from zero past the second decimal. Leading and
 * trailing white space is allowed; anything else fails. */
bool money_parse_decimal(const char *s, int64_t *cents);
/* Writes "-1234.56" style text (dot, two decimals, no grouping). */
void money_format_decimal(int64_t cents, char out[MONEY_STR_MAX]);

/* ---- amounts for people ---- */

/* Room for the largest amount with group separators and a currency. */
#define MONEY_TEXT_MAX 64

/* French: "1 234,56 €" with U+202F NARROW NO-BREAK SPACE between digit
 * groups and U+00A0 NO-BREAK SPACE before the currency (CLDR's choice);
 * English: "€1,234.56". EUR, USD and GBP get their symbols, any other
 * currency its ISO code ("1 234,56 CHF", "CHF 1,234.56"). */
void money_format_text(int64_t cents, const char *currency, enum language lang,
                       char out[MONEY_TEXT_MAX]);

/* ---- rates ---- */

/* Annual rates are integers in millionths of one: 12.15 % = 121500. */
#define RATE_PER_PERCENT 10000
#define RATE_MAX (1000 * RATE_PER_PERCENT) /* 1000 %: no real rate is near */

/* An annual rate from a day on (unset `from`: from the beginning). */
struct rate_period {
    struct date from;
    int64_t rate;
};

/* Rates by period, sorted by `from` (an unset `from` first): the rate of
 * a day is that of the last period starting on or before it, or the
 * first period's for a day before them all. Held by value (no allocation)
 * so that a configuration snapshot copies and frees it for nothing. */
#define RATE_SCHEDULE_MAX 64 /* 32 years of half-years */
struct rate_schedule {
    size_t count;
    struct rate_period items[RATE_SCHEDULE_MAX];
};

/* The rate of day d; 0 for an empty schedule. */
int64_t rate_schedule_at(const struct rate_schedule *s, struct date d);
/* The index of the period day d falls in (0 for a day before them all);
 * 0 for an empty schedule. */
size_t rate_schedule_index(const struct rate_schedule *s, struct date d);

/* Parses a percentage with at most four decimals ("12.15", "7.86",
 * "10"); no sign, no '%'. */
bool rate_parse_percent(const char *s, int64_t *rate);
/* "12,15 %" (French, U+00A0 before the sign) or "12.15%"; trailing zero
 * decimals are dropped, at least none and at most four are shown. */
void rate_format_text(int64_t rate, enum language lang, char out[MONEY_TEXT_MAX]);
/* "12.15" (no sign), as configuration files and JSON write it. */
void rate_format_decimal(int64_t rate, char out[MONEY_TEXT_MAX]);

/* ---- late payment penalties (C. com. L441-10) ---- */

/* One payment (or credit) that reduced what is owed. */
struct money_payment {
    struct date paid_on;
    int64_t amount; /* cents, positive */
};

/*
 * Penalties accrued on an invoice from the day after its due date up to
 * and including `until`, at the annual `rate`, by the "exact / 365"
 * convention: each day of delay costs rate / 365 of what was owed that
 * day, leap days included. A payment made on day P still counts as owed on
 * day P (delay = payment date - due date, as L441-10 reckons it) and no
 * longer from P + 1. What was owed on a day is `balance` (owed now) plus
 * every payment dated that day or later, so that reductions of unknown
 * date count as made before the due date.
 *
 * The sum is kept exact (integers) and rounded once, half up, to the cent.
 */
int64_t money_late_penalties(int64_t balance, struct date due, struct date until,
                             const struct money_payment *payments, size_t count, int64_t rate);
/*
 * The same with a rate that changes over time (L441-10 II: the ECB rate of
 * each half-year): the days of delay are cut where a period of `rates`
 * starts, each piece is priced at its period's rate, and the pieces are
 * summed exactly (one integer numerator over 365 x 10^6, in 128 bits) and
 * rounded once, half up, to the cent: a single period gives exactly
 * money_late_penalties' result.
 */
int64_t money_late_penalties_dated(int64_t balance, struct date due, struct date until,
                                   const struct money_payment *payments, size_t count,
                                   const struct rate_schedule *rates);

#endif
