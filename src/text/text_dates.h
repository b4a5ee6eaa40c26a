/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_dates.h - calendar dates as people write them in invoices, read
 * from folded text (see text_fold.h).
 *
 * Numeric forms: 01/12/2026, 01.12.2026, 01-12-2026, 1/12/26 and ISO
 * 2026-12-01. Written forms in French, English and German: "1er décembre
 * 2026", "15 déc. 2026", "3 November 2026", "3rd Nov 2026", "December 3,
 * 2026", "3. November 2026". Which of day and month comes first in a
 * numeric date is the caller's choice (the document's convention), except
 * where the numbers decide (13/01/2026 can only be day first) or the
 * separator does (dots are always day first). Labels ("Date d'échéance",
 * "Invoice date") are not this module's business.
 */
#ifndef RELANCE_TEXT_DATES_H
#define RELANCE_TEXT_DATES_H

#include <stddef.h>

#include "lib/date.h"

enum date_order {
    DATE_ORDER_DMY = 0, /* Europe, and English outside North America */
    DATE_ORDER_MDY,     /* United States */
};

/* Reads a date starting exactly at s. Returns the bytes read, 0 when s
 * does not start a valid date. */
size_t text_date_read(const char *s, enum date_order order, struct date *out);

/* The first date starting in [s, end) at a word start; NULL when none.
 * *len receives its length. */
const char *text_date_find(const char *s, const char *end, enum date_order order, struct date *out,
                           size_t *len);

/* What the document's unambiguous numeric dates say about its order:
 * DMY when some date with '/' or '-' has a first number above 12, MDY when
 * some has a second number above 12, fallback when none or both. */
enum date_order text_date_order_evidence(const char *text, enum date_order fallback);

#endif
