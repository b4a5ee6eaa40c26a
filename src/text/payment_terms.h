/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * payment_terms.h - payment terms written in words, and the due date they
 * give from an issue date.
 *
 * Understood, in French, English and German: on receipt ("à réception",
 * "comptant", "due on receipt", "sofort"), a number of days ("à 30 jours",
 * "payable à 60 jours date de facture", "Net 30", "within 30 days",
 * "14 Tage"), days then end of month ("45 jours fin de mois"), end of
 * month then days ("fin de mois + 45 jours", "Net 30 EOM", "30 days end of
 * month"), and plain end of month ("fin de mois").
 *
 * Conventions:
 * - "N jours fin de mois" adds N days to the issue date, then goes to the
 *   end of that month. This is the reading the DGCCRF gives first for
 *   L441-10 C. com. ("45 jours fin de mois": the 45 days run from the
 *   issue date and the term ends at the end of the month in which they
 *   expire); it is also the earlier of the two admitted readings, so a
 *   reminder is never later than the contract allows. The other reading
 *   is applied only when the words put the end of month first ("fin de
 *   mois + 45 jours", "45 jours à compter de la fin du mois").
 * - In English, "30 days EOM" / "Net 30 EOM" / "30 days end of month"
 *   count from the end of the invoice month, as British and American
 *   practice does.
 * - Early-payment discount terms ("2 % escompte à 10 jours", "Skonto")
 *   are not due dates and are skipped.
 */
#ifndef RELANCE_PAYMENT_TERMS_H
#define RELANCE_PAYMENT_TERMS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/date.h"

#define PAYMENT_TERMS_MAX_DAYS 365

enum terms_kind {
    TERMS_NONE = 0,
    TERMS_ON_RECEIPT,        /* due on the issue date */
    TERMS_DAYS,              /* issue + days */
    TERMS_DAYS_END_OF_MONTH, /* end of the month of (issue + days) */
    TERMS_END_OF_MONTH_DAYS, /* end of the issue month, + days */
};

struct payment_terms {
    enum terms_kind kind;
    int days;
};

/* Finds the first payment terms in folded text (see text_fold.h). *at and
 * *len (may be NULL) locate the words read. */
bool payment_terms_find(const char *text, struct payment_terms *out, const char **at, size_t *len);

/* The same for UTF-8 text (a structured invoice's terms field). */
bool payment_terms_parse_utf8(const char *text, struct payment_terms *out);

/* The due date the terms give from issue; an unset date for TERMS_NONE
 * or an unset issue date. */
struct date payment_terms_due(const struct payment_terms *terms, struct date issue);

/* Short English description ("30 days end of month"), for notes. */
void payment_terms_describe(const struct payment_terms *terms, char *out, size_t size);

#endif
