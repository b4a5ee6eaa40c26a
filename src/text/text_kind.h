/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_kind.h - what kind of business document a text is: an invoice to
 * collect, or one of the documents that look like it and must never become
 * a case (quotes, orders, pro-forma invoices, payment receipts, account
 * statements, reminders), and whether an invoice says it is already paid.
 *
 * Read from folded text (see text_fold.h), in French, English and German.
 * The decision, in order:
 * 1. words that only a non-invoice uses, anywhere ("bon pour accord", "ce
 *    devis est valable", "pro forma", "thank you for your payment",
 *    "relevé de compte", "sauf erreur de notre part ... reste impayée");
 * 2. else the document's title: a line that is only a kind word ("DEVIS",
 *    "FACTURE", "Credit note") beats a line that starts with one ("Facture
 *    n° F-1 du ..."); between equals, the first wins;
 * 3. else a mere mention of an invoice ("ci-joint la facture n° ...").
 * A paid mark ("acquittée", "PAID", "payée le ...") is reported apart,
 * unless it is conditional ("si vous avez déjà réglé ...").
 */
#ifndef RELANCE_TEXT_KIND_H
#define RELANCE_TEXT_KIND_H

#include <stdbool.h>

enum doc_kind {
    DOC_KIND_UNKNOWN = 0, /* no invoice words at all */
    DOC_KIND_INVOICE,
    DOC_KIND_DEPOSIT_INVOICE, /* facture d'acompte: an invoice to collect */
    DOC_KIND_CREDIT_NOTE,
    DOC_KIND_QUOTE,
    DOC_KIND_ORDER,
    DOC_KIND_PROFORMA,
    DOC_KIND_RECEIPT,   /* payment receipt or confirmation, refund */
    DOC_KIND_STATEMENT, /* statement of account */
    DOC_KIND_REMINDER,  /* a reminder about an invoice already sent */
};

/* How the kind was decided, strongest first. */
enum kind_basis {
    KIND_BASIS_NONE = 0,
    KIND_BASIS_DEFINITIVE, /* words only that kind uses */
    KIND_BASIS_TITLE,      /* the title line */
    KIND_BASIS_HEADING,    /* a line starting with the kind word */
    KIND_BASIS_MENTION,    /* a mention in running text */
};

#define KIND_EVIDENCE_MAX 96

struct doc_kind_result {
    enum doc_kind kind;
    enum kind_basis basis;
    char evidence[KIND_EVIDENCE_MAX]; /* the line that decided */
    bool paid_marked;
    char paid_evidence[KIND_EVIDENCE_MAX]; /* the line with the paid mark */
};

void text_kind_detect(const char *folded, struct doc_kind_result *out);

/* "invoice", "deposit invoice", "credit note", "quote", ... */
const char *doc_kind_name(enum doc_kind kind);
/* Invoices, deposit invoices and credit notes: documents relance tracks. */
bool doc_kind_is_tracked(enum doc_kind kind);

#endif
