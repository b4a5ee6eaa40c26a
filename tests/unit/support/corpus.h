/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * corpus.h - test support: the corpus of real invoices, its
 * MANIFEST.tsv, and field-by-field checks of records against it.
 */
#ifndef RELANCE_TEST_CORPUS_H
#define RELANCE_TEST_CORPUS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/invoice.h"
#include "lib/date.h"

#define MANIFEST_MAX_COLS 64

struct manifest {
    char *text;
    char *header[MANIFEST_MAX_COLS];
    size_t ncols;
    char *(*rows)[MANIFEST_MAX_COLS];
    size_t nrows;
};

/* Fields checked and fields right, for the summary line. */
struct score {
    int right;
    int checked;
};

/* The corpus directory: $RELANCE_CORPUS, else tests/data/corpus. */
const char *corpus_dir(void);
/* A corpus file, relative to corpus_dir(); NULL when unreadable. */
char *corpus_read(const char *rel, size_t *len);

bool manifest_load(struct manifest *m);
void manifest_free(struct manifest *m);
/* The cell of row in the named column; "" when absent. */
const char *cell(const struct manifest *m, size_t row, const char *column);

/* Counts one field, printing a WRONG line when it differs. */
void check_field(struct score *s, const char *path, const char *field, const char *expected,
                 const char *got);
/* Manifest dates (YYYYMMDD or YYYY-MM-DD) and record dates as YYYY-MM-DD. */
void normalise_date(const char *in, char out[16]);
void format_date(struct date d, char out[16]);
/* Checks number, type, dates, amount, currency, buyer, e-mail, seller. */
void check_invoice_fields(const struct manifest *m, size_t row, const struct invoice *inv,
                          struct score *s);
/* Rows that must not yield an invoice (751, Order-X, ZUGFeRD 1 orders). */
bool row_is_not_invoice(const struct manifest *m, size_t row);

#endif
