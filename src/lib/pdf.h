/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pdf.h - the only door to poppler: open a PDF held in memory, list its
 * embedded files, read its text, all bounded in size, pages and time.
 * An encrypted, broken or oversized PDF is refused with a reason.
 *
 * One poppler call cannot be interrupted, and a small PDF can make one
 * run for minutes: outside tests, only the PDF worker (relance-pdf, see
 * lib/pdf_extract.h) calls these, under its resource limits.
 */
#ifndef RELANCE_PDF_H
#define RELANCE_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

struct pdf_doc;

/* data must stay valid until pdf_close. NULL with a reason on failure. */
struct pdf_doc *pdf_open(const char *data, size_t len, char *why, size_t whylen);
void pdf_close(struct pdf_doc *doc);

/* Called for each embedded file (document-level EmbeddedFiles). Returning
 * false stops the iteration. */
typedef bool (*pdf_file_fn)(const char *name, const char *data, size_t len, void *ctx);

/* Visits embedded files of at most max_size bytes each (larger ones are
 * skipped). Returns the number visited. */
int pdf_each_embedded_file(struct pdf_doc *doc, size_t max_size, pdf_file_fn fn, void *ctx);

/* What one walk over the embedded files may cost. A PDF may name one
 * huge compressed stream from many file specifications: the total of
 * decoded bytes is bounded, aborted decodings included. */
struct pdf_file_bounds {
    int max_files;      /* attachments looked at; the rest are skipped */
    size_t max_size;    /* bytes of one file */
    size_t max_total;   /* bytes decoded over the walk */
    bool xml_only;      /* a file whose first byte past a UTF-8 BOM and blanks is not '<' is
                           dropped there, undecoded further and unnamed in skipped */
};

/* The same walk within bounds; each file skipped, and why, is added to
 * skipped (may be NULL). */
int pdf_each_embedded_file_bounded(struct pdf_doc *doc, const struct pdf_file_bounds *bounds, pdf_file_fn fn,
                                   void *ctx, struct strlist *skipped);

/* Appends the text of the first max_pages pages to out, stopping past
 * max_text bytes or max_ms milliseconds. Returns false when no text could
 * be read; why then says why. */
bool pdf_read_text(struct pdf_doc *doc, int max_pages, size_t max_text, unsigned max_ms,
                   struct strbuf *out, char *why, size_t whylen);

/* The same bounds and result, but each line of text is a physical line
 * of the page: the glyphs that share a baseline, left to right, with one
 * space between words and two between columns, as "pdftotext -layout"
 * prints them. Poppler's own reading order puts a table's labels and
 * values in separate blocks; invoices need them side by side. */
bool pdf_read_layout_text(struct pdf_doc *doc, int max_pages, size_t max_text, unsigned max_ms,
                          struct strbuf *out, char *why, size_t whylen);

#endif
