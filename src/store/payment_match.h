/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * payment_match.h - bank statement lines matched to cases and recorded as
 * payments (relancectl import-payments).
 *
 * A credit pays the one case whose invoice number it names as a whole
 * word, up to that case's balance (less: a partial payment; more: an
 * overpayment, reported and not paid). A credit naming no invoice pays a
 * case only when exactly one open case owes exactly that amount to a
 * debtor of that name. Anything else is reported and left to the
 * operator: nothing is guessed. Every line imported is remembered, so
 * that the same statement imported again changes nothing.
 */
#ifndef RELANCE_PAYMENT_MATCH_H
#define RELANCE_PAYMENT_MATCH_H

#include <stdbool.h>

#include "lib/bank_entry.h"
#include "store/store.h"

enum payment_outcome {
    PAYMENT_MATCHED = 0,  /* paid the case's whole balance */
    PAYMENT_PARTIAL,      /* paid part of it */
    PAYMENT_OVERPAYMENT,  /* names an invoice but exceeds what it owes: not paid */
    PAYMENT_AMBIGUOUS,    /* several cases fit: not paid */
    PAYMENT_UNMATCHED,    /* no case fits */
    PAYMENT_DEBIT,        /* money out (or a reversal): pays nothing */
    PAYMENT_ALREADY,      /* imported before: nothing done again */
    PAYMENT_PENDING,      /* not booked yet: nothing done, not remembered */
};
#define PAYMENT_OUTCOME_COUNT 8

/* "matched", "partial", "overpayment", "ambiguous", "unmatched",
 * "skipped-debit", "already-imported", "pending". */
const char *payment_outcome_name(enum payment_outcome o);

struct payment_line {
    const struct bank_entry *entry;
    enum payment_outcome outcome;
    bool by_name;                  /* matched on amount and debtor name (no number named) */
    int64_t case_id;               /* 0 when no single case */
    char number[INVOICE_NUMBER_MAX];
    char currency[4];
    int64_t balance_before, balance_after;
    char note[256];                /* why, for people: the candidates, the balance... */
};

/* True when number appears in text as a whole word (case ignored; the
 * characters around it are not letters or digits). */
bool payment_names_number(const char *text, const char *number);
/* True when the bank's payer name is the debtor's name: equal once case,
 * accents of capitals and punctuation are set aside, or its start when
 * the bank cut it (at least 8 characters, at a word end). */
bool payment_same_name(const char *bank_name, const char *case_name);

/* Matches every line of s (lines: s->count items) and, unless dry_run,
 * records the payments (as `relancectl pay` does, source "camt053",
 * "camt054" or "csv", the bank's reference kept) and remembers each line,
 * one transaction per line. In a dry run nothing is written and lines
 * are judged against the store as it is. */
enum store_result payment_import(struct store *st, const struct audit_key *key, const struct bank_statement *s,
                                 bool dry_run, struct payment_line *lines);

#endif
