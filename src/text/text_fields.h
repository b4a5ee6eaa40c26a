/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_fields.h - the fields of one invoice read from a stretch of folded
 * text (see text_fold.h): issue date, due date, payment terms, amount due
 * and currency. Invoice numbers are text_numbers.h's.
 *
 * Every value is found through the label that introduces it ("Facture
 * n°", "Date d'échéance", "Net à payer", "Invoice number", "Amount due",
 * "Rechnungsdatum", ...), on the same line or, for tables whose labels
 * sit above their values, at the same rank on the next line. How sure
 * that makes the reader is recorded with each value; deciding what the
 * document is, and whether to keep it, is not this module's business.
 */
#ifndef RELANCE_TEXT_FIELDS_H
#define RELANCE_TEXT_FIELDS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/date.h"
#include "text/payment_terms.h"
#include "text/text_dates.h"

/* The payment terms as written, cut to this many bytes (the invoice
 * record keeps as many: invoice_text.c checks it at compile time). */
#define TEXT_TERMS_MAX 256

/* How an amount was labelled, most trusted first. */
enum amount_rank {
    AMOUNT_RANK_NONE = 0,
    AMOUNT_RANK_PAYABLE, /* "Net à payer", "Amount due", "Reste à payer" */
    AMOUNT_RANK_GROSS,   /* "Total TTC", "Grand total", "Gesamtbetrag" */
    AMOUNT_RANK_WEAK,    /* "Total", "Montant", "Amount" */
    AMOUNT_RANK_LONE,    /* the only amount with a currency in the text */
};

/* Where an issue date was read, strongest first. */
enum date_basis {
    DATE_BASIS_NONE = 0,
    DATE_BASIS_LABEL,   /* "Date de facture : ...", "Invoice date: ..." */
    DATE_BASIS_NUMBER,  /* "Facture n° F-1 du 01/12/2026" (set by the caller) */
    DATE_BASIS_GENERIC, /* a bare "Date :", which may be a forwarded mail's */
    DATE_BASIS_LETTER,  /* "Paris, le 15 décembre 2026" */
    DATE_BASIS_GUESS,   /* the first date near the top with no label */
};

struct text_fields {
    struct date issue_date;
    enum date_basis issue_basis;
    struct date due_date; /* written as such */
    bool has_terms;
    struct payment_terms terms;
    char terms_text[TEXT_TERMS_MAX];
    bool has_amount;
    int64_t amount; /* cents, as written (a credit note's may be negative) */
    enum amount_rank amount_rank;
    char amount_label[48];
    bool zero_balance; /* a payable amount of zero: nothing left to pay */
    /* Two different amounts under labels of the best rank ("Total TTC :
     * 1 200,00" then "Total TTC : 1 440,00"): has_amount is then false,
     * amount and conflicting_amount are the two. */
    bool amount_conflict;
    int64_t conflicting_amount;
    char currency[4];  /* written next to the amount, else in the text */
};

/* Reads dates, terms, amount and currency from [start, end). */
void text_fields_read(const char *start, const char *end, enum date_order order, struct text_fields *out);

#endif
