/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_insolvency.h - insolvent debtors: which cases a collective
 * proceeding covers, and recording it (cases insolvent, what is known of
 * the proceeding, one audited event per case).
 *
 * A proceeding is opened against a person, not an invoice: it covers every
 * unsettled case (open, paused, disputed, court) of the debtor, that is of
 * the debtor's address and of every debtor that an invoice showed to have
 * the same legal identifier (SIREN, SIRET, FR VAT number: one SIREN; other
 * ids as written). A case the debtor owes from after the opening is a new
 * debt (C. com. L622-17) and is tracked as usual.
 */
#ifndef RELANCE_STORE_INSOLVENCY_H
#define RELANCE_STORE_INSOLVENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/audit.h"
#include "lib/date.h"
#include "store/store.h"

/* What is known of a proceeding. */
struct debtor_insolvency {
    const char *kind;           /* "redressement", "administration", ... or "" */
    struct date opened;         /* unset: not known */
    const char *representative; /* "" when not known */
    const char *address;
    const char *source;         /* "reply" | "operator" */
    const char *reply_message_id; /* the reply that told, "" for the operator */
};

/* The key two debtors share when an invoice showed the same legal
 * identifier, from a kind evidence ("SIRET 12345678900012 on invoice
 * F-1" gives "123456789"); "" when there is none. */
void store_legal_key(const char *evidence, char *out, size_t size);

/* The cases a proceeding covers: those of the debtors of the cases `seeds`
 * and of the debtor at `email` (either may be empty), with every debtor
 * sharing a legal key with one of them; unsettled cases, and cases
 * already insolvent (told again, not moved again). Ordered by id. */
enum store_result store_insolvency_cases(struct store *st, const int64_t *seeds, size_t nseeds,
                                         const char *email, struct case_list *out);

/* In the caller's transaction: each case becomes insolvent (those already
 * insolvent or settled keep their status), an "insolvent" event per case
 * says what is known; the proceeding is recorded once per debtor.
 * *changed counts the cases moved. */
enum store_result store_insolvency_record(struct store *st, const struct audit_key *key,
                                          const struct debtor_insolvency *info, const int64_t *case_ids,
                                          size_t count, const char *actor, size_t *changed);

/* The operator's own: store_insolvency_record and the outbox messages in
 * one transaction. */
enum store_result store_mark_insolvent(struct store *st, const struct audit_key *key,
                                       const struct debtor_insolvency *info, const int64_t *case_ids,
                                       size_t count, const char *actor, const struct outbox_message *outbox,
                                       size_t outbox_count, size_t *changed);

/* The last proceeding recorded for a case's debtor; false when none. kind,
 * representative and address are copied into the buffers given. */
struct debtor_insolvency_row {
    char kind[32];
    struct date opened;
    char representative[256];
    char address[512];
    char source[16];
    char recorded_at[32];
};
enum store_result store_insolvency_of_case(struct store *st, int64_t case_id, struct debtor_insolvency_row *out,
                                           bool *found);

#endif
