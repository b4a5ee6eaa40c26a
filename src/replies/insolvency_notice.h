/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * insolvency_notice.h - the creditor's notice that a collective proceeding
 * was opened against a debtor (insolvency-notice.md, outbox kind
 * "insolvency-notice"): which invoices it covers, the amount to declare for
 * each as at the opening (C. com. L622-28 stops interest there), the
 * representative when known, and the rule for declaring the claim
 * (R622-24: two months from the publication in the BODACC).
 *
 * The amount to declare: the principal still owed; for a business debtor,
 * L441-10 penalties and the D441-5 indemnity of an invoice already late,
 * counted up to the day before the opening judgment (the judgment stops
 * interest: the reading that protects the debtor does not count its day);
 * when the opening date is not known, up to the day of the notice, and the
 * notice says so. A consumer, or a debtor not known to be a business, owes
 * the principal alone.
 *
 * It builds; it neither decides to write nor sends. The debtor is never
 * written to.
 */
#ifndef RELANCE_INSOLVENCY_NOTICE_H
#define RELANCE_INSOLVENCY_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/config.h"
#include "lib/audit.h"
#include "lib/date.h"
#include "replies/reply_classify.h"
#include "replies/reply_notice.h"
#include "store/store.h"

#define INSOLVENCY_NOTICE_KIND "insolvency-notice"

struct insolvency_notice_input {
    const struct config *cfg;
    const struct audit_key *key;
    struct store *st;
    const int64_t *case_ids;
    size_t case_count;
    const struct reply_insolvency *info;
    const char *writer; /* the reply's author; NULL when the operator told */
    const char *words;  /* the reply's own words; NULL when the operator told */
    struct date today;
    time_t now;
};

/* The day up to which penalties count: the day before the opening, or
 * today when the opening date is not known. */
struct date insolvency_amounts_until(struct date opened, struct date today);

/* The message to CreditorEmail. False with a reason (no template, no
 * CreditorEmail or AgencySender, the store). */
bool insolvency_notice_build(const struct insolvency_notice_input *in, struct reply_notice *out, char *why,
                             size_t whylen);

#endif
