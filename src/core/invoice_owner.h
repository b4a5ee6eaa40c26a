/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_owner.h - whose invoice is it: the creditor's own (to track),
 * or someone else's that passed through the creditor's mail (a supplier's
 * invoice forwarded by accounting, where the creditor is the buyer).
 *
 * The creditor is known by CreditorName and CreditorIds (SIREN, SIRET,
 * VAT ids). Ids decide when the document gives the seller's; else the
 * seller's name, when it differs clearly from CreditorName; an invoice
 * whose buyer carries one of CreditorIds is addressed to the creditor.
 * With neither key set nothing can be checked and every invoice counts.
 */
#ifndef RELANCE_INVOICE_OWNER_H
#define RELANCE_INVOICE_OWNER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/invoice.h"
#include "lib/util.h"

#define COMPANY_ID_MAX 32
#define OWNER_WHY_MAX 384

enum owner_verdict {
    OWNER_UNCHECKED = 0, /* CreditorName and CreditorIds empty: taken as ours */
    OWNER_OURS,          /* the seller is the creditor */
    OWNER_UNKNOWN,       /* the document does not say who sells: taken as ours */
    OWNER_NOT_OURS,      /* someone else's invoice, or one addressed to the creditor */
};

struct owner_decision {
    enum owner_verdict verdict;
    char why[OWNER_WHY_MAX]; /* "seller SIREN 123456789 matches CreditorIds" */
};

/* "FR 12 123 456 789" -> "FR12123456789": letters and digits only, upper
 * case. False when nothing is left or it does not fit. */
bool company_id_normalise(const char *in, char *out, size_t size);

/* Whether two normalised ids name the same company: equal, or carrying
 * the same SIREN (a SIREN's 9 digits, a SIRET's first 9, a French VAT
 * id's last 9). */
bool company_ids_match(const char *a, const char *b);

/* "SIREN 123456789", "SIRET ...", "VAT FR...", or "id X". */
void company_id_describe(const char *id, char *out, size_t size);

/* Whether two company names are plainly different companies: once case,
 * punctuation and legal forms (SAS, SARL, GmbH, Ltd...) are set aside,
 * neither is contained in the other. Empty names never differ. */
bool company_names_differ(const char *a, const char *b);

void invoice_owner_decide(const char *creditor_name, const struct strlist *creditor_ids,
                          const struct invoice *inv, struct owner_decision *out);

/* Whether an invoice with this verdict is tracked. */
bool invoice_owner_tracked(enum owner_verdict verdict);

#endif
