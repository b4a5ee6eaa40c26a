/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_scan.h - reads a whole message, or one document, into an
 * invoice_scan (core/invoice.h): walks the MIME tree within the scan
 * limits and hands each part to the reader that knows its kind
 * (Factur-X, UBL/CII XML, PDF text, the body).
 */
#ifndef RELANCE_INVOICE_SCAN_H
#define RELANCE_INVOICE_SCAN_H

#include <stddef.h>

#include "core/invoice.h"

/* Scans a raw RFC 5322 message. Never fails on bad input: what cannot be
 * read is noted and skipped. Ends with invoice_scan_finish. */
void invoice_scan_message(const char *data, size_t len, const struct scan_limits *limits,
                          struct invoice_scan *scan);

/* The same, always through the MIME parser: invoice_scan_message skips
 * it for a lone text/plain body without any invoice word. For the tests
 * that prove both readings agree. */
void invoice_scan_message_parsed(const char *data, size_t len, const struct scan_limits *limits,
                                 struct invoice_scan *scan);

/* Whether a Subject as written in the raw message (encoded words, 8-bit
 * bytes) uses an invoice word once decoded as the parser would. */
bool invoice_subject_worth_reading(const char *raw, size_t len);

/* Scans one file (a PDF or an XML document) as if it were the only
 * attachment of a message; for relancectl inspect and the accuracy
 * tools. Ends with invoice_scan_finish. */
void invoice_scan_document(const char *name, const char *data, size_t len,
                           const struct scan_limits *limits, struct invoice_scan *scan);

#endif
