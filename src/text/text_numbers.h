/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_numbers.h - invoice and credit note numbers in folded text (see
 * text_fold.h), with the labels that introduce them: "Facture n° F2026-0042",
 * "Facture N°2026-0315", "N° de facture : ...", "Invoice #INV-7781",
 * "Invoice number: ...", "Avoir n° A-12 sur facture n° F-1", "Credit note
 * CN-3 for invoice INV-7781", "Rechnungsnummer: ...".
 *
 * A line starting with a bare marker ("N° F2026-0042", "Number: 118")
 * also gives a number, marked generic: under a title, it is the
 * document's own.
 *
 * A number is a token of letters, digits and "/_.-" holding at least one
 * digit, that is neither a date nor an amount. Which of the numbers met
 * is the document's own is for the caller to decide.
 */
#ifndef RELANCE_TEXT_NUMBERS_H
#define RELANCE_TEXT_NUMBERS_H

#include <stdbool.h>

#include "lib/date.h"
#include "text/text_dates.h"

/* Most invoice numbers kept per text: bounds the work on hostile input. */
#define TEXT_NUMBER_HITS_MAX 64
#define TEXT_NUMBER_TOKEN_MAX 40

enum number_class {
    NUMBER_OF_INVOICE = 0, /* "Facture n°", "Invoice #", "Rechnungsnummer" */
    NUMBER_OF_CREDIT,      /* "Avoir n°", "Credit note #" */
};

/* One invoice number met in the text. */
struct number_hit {
    enum number_class cls;
    char number[TEXT_NUMBER_TOKEN_MAX + 1];
    const char *label; /* where its label starts */
    const char *value; /* where the number starts */
    bool line_start;   /* the label starts its line: a heading */
    bool generic;      /* a bare marker ("N° F-12" under a "FACTURE" title): of either class */
    struct date date;  /* "Facture n° F-1 du 01/12/2026": that date */
};

struct number_hits {
    struct number_hit items[TEXT_NUMBER_HITS_MAX];
    int count;
};

/* Every labelled invoice number in [start, end), in text order. */
void text_find_numbers(const char *start, const char *end, enum date_order order, struct number_hits *out);

#endif
