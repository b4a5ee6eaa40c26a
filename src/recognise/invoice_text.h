/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_text.h - invoices read from text: the text of a PDF attachment
 * or a message body, in French or English (and the German of the shared
 * corpus).
 *
 * The reader folds the text (text_fold.h), strips quote marks, tells the
 * document's kind (text_kind.h), cuts the text in several invoices when it
 * holds several, reads each one's fields (text_numbers.h, text_fields.h),
 * and scores how sure it is (0..100). Each invoice or credit note found is
 * merged into the scan with source and confidence; a document that is no
 * invoice to collect (quote, order, pro-forma, receipt, statement,
 * reminder, invoice marked paid) is recorded as rejected with the words
 * that decided. The confidence threshold and due-date defaulting are the
 * scan's last step (invoice_scan_finish), not this module's.
 *
 * Confidence, out of 100:
 *   kind named as the title 25, as a line heading 20, only mentioned 10;
 *   number with its label 25;
 *   amount "to pay" 25, total with tax 20, plain total 10, lone amount 5;
 *   issue date labelled or after the number 10, otherwise read 5;
 *   due date written, or payment terms 10;
 *   currency written 5.
 * A record with no amount due scores at most 30: there is nothing to
 * collect that relance could state. One whose best-ranked amounts
 * disagree (two different totals with tax) scores 0.
 */
#ifndef RELANCE_INVOICE_TEXT_H
#define RELANCE_INVOICE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/invoice.h"
#include "lib/date.h"

struct text_origin {
    enum invoice_source source; /* INVOICE_SOURCE_PDF_TEXT or INVOICE_SOURCE_BODY */
    const char *label;          /* file name or "body": origin of the records */
    const char *subject;        /* the message's Subject, read as a body's first line; may be NULL */
    struct date sent;           /* the message's Date: issue date of last resort; may be unset */
};

/* Cheap test before any work: does the text use an invoice word at all? */
bool invoice_text_worth_reading(const char *utf8, size_t len);

/* Reads at most limits->pdf_max_text bytes of UTF-8 text. Returns the
 * number of records merged into scan. */
int invoice_text_read(const char *utf8, size_t len, const struct text_origin *origin,
                      const struct scan_limits *limits, struct invoice_scan *scan);

#endif
