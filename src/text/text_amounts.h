/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_amounts.h - amounts of money and currencies as people write them,
 * read from folded text (see text_fold.h) into integer cents.
 *
 * Accepted: 1 234,56 € (any space, folded), 1.234,56, 1,234.56, 1234.56,
 * 1'234.50 (Swiss), 1234, with the currency before or after ("€1,234.56",
 * "EUR 1 234,56", "1 234,56 euros", "CHF 1'234.50", "US$ 99"), and a sign.
 * A separator followed by exactly three digits groups thousands; one or
 * two digits after the last separator are decimals. Dates, percentages,
 * numbers glued to letters (invoice numbers, IBANs), numbers with a
 * leading zero (phone numbers, codes) are not amounts.
 * What an amount stands for (total, tax, amount due) is the caller's
 * business.
 */
#ifndef RELANCE_TEXT_AMOUNTS_H
#define RELANCE_TEXT_AMOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct text_amount {
    int64_t cents;
    char currency[4]; /* ISO 4217 written next to the amount, or "" */
    int decimals;     /* digits after the decimal separator (0..2) */
};

/* Reads an amount starting exactly at s (its currency may come first).
 * Returns the bytes read, 0 when s does not start an amount. */
size_t text_amount_read(const char *s, struct text_amount *out);

/* The first amount starting in [s, end) that is no date, no percentage
 * and, written without a currency, no count or duration ("30 jours",
 * "12 hours", "net 30"); NULL when none. *len receives its length. */
const char *text_amount_find(const char *s, const char *end, struct text_amount *out, size_t *len);

/* True when what follows an amount (from after) makes it a count or a
 * duration: "jours", "hours", "participants", "x"... */
bool text_amount_is_count(const char *after);

/* True when what follows an amount makes it a price per unit: "/h",
 * "de l'heure", "per day", "each". Never an amount due. */
bool text_amount_is_rate(const char *after);

/* A currency marker starting exactly at s: an ISO code, a sign ("$",
 * "US$", "EUR" folded from "€"), or a word ("euros", "dollars", "Fr.").
 * Returns the bytes read and the code, 0 when none. */
size_t text_currency_read(const char *s, char code[4]);

/* The currency marker met most often in text, or "" when none. */
void text_currency_dominant(const char *text, char code[4]);

#endif
