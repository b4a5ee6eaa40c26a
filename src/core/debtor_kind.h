/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * debtor_kind.h - whether a debtor is a business, a consumer, or not
 * known to be either, and what that changes in what may be claimed.
 *
 * Only a business owes the late payment penalties of C. com. L441-10 and
 * the recovery indemnity of D441-5. A debtor is a business when an
 * invoice names the buyer's legal or tax identifier (SIREN, SIRET, VAT
 * id, LEI...) or when the operator says so; a consumer when the operator
 * says so or DefaultDebtorKind is consumer; otherwise its kind is
 * unknown, and an unknown debtor is treated as a consumer would be: the
 * principal alone is claimed. That is the reading that protects the
 * debtor: charging a consumer what only a business owes is unlawful (and
 * may be a misleading practice, C. consom. L121-2), while asking a
 * business for the principal alone costs the creditor nothing it cannot
 * claim later, once the operator has settled the debtor's kind.
 */
#ifndef RELANCE_DEBTOR_KIND_H
#define RELANCE_DEBTOR_KIND_H

#include <stdbool.h>
#include <stddef.h>

/* In the order of DefaultDebtorKind's choices (config_keys.h). */
enum debtor_kind {
    DEBTOR_KIND_UNKNOWN = 0,
    DEBTOR_KIND_BUSINESS = 1,
    DEBTOR_KIND_CONSUMER = 2,
};

/* Where a debtor's kind came from. */
enum debtor_kind_source {
    DEBTOR_KIND_FROM_DEFAULT = 0, /* nothing recorded: DefaultDebtorKind */
    DEBTOR_KIND_FROM_INVOICE,     /* an invoice named the buyer's identifier */
    DEBTOR_KIND_FROM_OPERATOR,    /* relancectl debtor EMAIL --kind */
};

const char *debtor_kind_name(enum debtor_kind kind); /* "unknown" | "business" | "consumer" */
bool debtor_kind_parse(const char *text, enum debtor_kind *out);
const char *debtor_kind_source_name(enum debtor_kind_source source); /* "default" | "invoice" | "operator" */
bool debtor_kind_source_parse(const char *text, enum debtor_kind_source *out);

/* The kind that applies: the recorded one ("business", "consumer"), else
 * the configured default ("" or anything else recorded). */
enum debtor_kind debtor_kind_effective(const char *recorded, enum debtor_kind configured);

/* Whether late payment penalties and the recovery indemnity may be
 * claimed from a debtor of this kind: from a business only. */
static inline bool debtor_kind_owes_penalties(enum debtor_kind kind)
{
    return kind == DEBTOR_KIND_BUSINESS;
}

#endif
