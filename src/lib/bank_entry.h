/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bank_entry.h - one line of a bank statement, as the statement readers
 * (camt.c for ISO 20022 camt.053/054, bank_csv.c for CSV exports) give it
 * to the payment matcher: what moved, which way, when, and the text the
 * payer wrote. Amounts are integer cents, never floating point.
 */
#ifndef RELANCE_BANK_ENTRY_H
#define RELANCE_BANK_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/date.h"

#define BANK_ID_MAX 72     /* statement and entry ids (ISO 20022: Max35Text) */
#define BANK_TEXT_MAX 1024 /* remittance text, joined */
#define BANK_NAME_MAX 144  /* debtor name (Max140Text) */
#define BANK_KEY_MAX 200   /* statement id + entry id or hash, for idempotence */
/* Statements larger than this are refused before any parsing. */
#define BANK_MAX_INPUT (16u * 1024 * 1024)
/* And at most this many entries are read from one. */
#define BANK_MAX_ENTRIES 100000

struct bank_entry {
    char statement_id[BANK_ID_MAX]; /* Stmt/Id or Ntfctn/Id; "csv" for CSV */
    char entry_id[BANK_ID_MAX];     /* AcctSvcrRef, else NtryRef ("/N" per batch item); "" when none */
    int64_t amount;                 /* cents, > 0 */
    char currency[4];               /* ISO 4217; "" when the file does not say (CSV) */
    bool credit;                    /* money in (CRDT); false: a debit */
    bool pending;                   /* Sts PDNG or INFO: not booked yet, pays nothing */
    struct date booked;             /* BookgDt (CSV: the operation date) */
    struct date value;              /* ValDt, unset when absent */
    char end_to_end[BANK_ID_MAX];   /* Refs/EndToEndId ("NOTPROVIDED" dropped) */
    char remittance[BANK_TEXT_MAX]; /* Ustrd blocks, Strd creditor references, end-to-end id */
    char debtor_name[BANK_NAME_MAX];
    size_t line;                    /* CSV line, or 1-based entry number in the XML */
    char key[BANK_KEY_MAX];         /* what makes this line the same in another import */
};

struct bank_statement {
    char format[32]; /* "camt.053.001.02", "camt.054.001.08", "csv" */
    struct bank_entry *items;
    size_t count;
    size_t cap;
};

void bank_statement_init(struct bank_statement *s);
void bank_statement_free(struct bank_statement *s);
/* A new zeroed entry at the end; NULL past BANK_MAX_ENTRIES. */
struct bank_entry *bank_statement_add(struct bank_statement *s);
/* Fills every entry's key: statement id and entry id when the bank gave
 * one, else a hash of what the entry says plus its rank among identical
 * entries of the same file (two equal transfers on one day are two). */
void bank_statement_set_keys(struct bank_statement *s);

/* Parses a bank amount into positive or negative cents: optional sign,
 * digits with optional grouping (space, no-break space, apostrophe, or
 * the other separator when a decimal one follows), one decimal separator
 * ',' or '.', any number of decimals (rounded half away from zero to the
 * cent). Anything else fails. */
bool bank_amount_parse(const char *s, int64_t *cents);
/* "YYYY-MM-DD" (possibly followed by a time), "DD/MM/YYYY", "DD-MM-YYYY",
 * "DD.MM.YYYY"; two-digit years are 20YY. */
bool bank_date_parse(const char *s, struct date *out);
/* Appends text to dst (joined by one space), cutting at a UTF-8 boundary
 * when it does not fit. */
void bank_text_append(char *dst, size_t size, const char *text);

#endif
