/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_record.h - records one invoice read from a mail as a case, for
 * the milter as the mail passes (outgoing.c) and for the catch-up after
 * the store failed (catchup.c).
 */
#ifndef RELANCE_INVOICE_RECORD_H
#define RELANCE_INVOICE_RECORD_H

#include <stdbool.h>

#include "core/invoice.h"
#include "lib/audit.h"
#include "lib/util.h"
#include "store/store.h"

/* Records one invoice or credit note whose debtor is chosen, logs it
 * ("tracked ..." with the queue id, note appended when given) and adds it
 * to header (when not NULL); false when the store failed, not logged
 * here: the caller says it once per interval. */
bool invoice_record_one(struct store *st, const struct audit_key *key, struct invoice *inv, const char *debtor,
                        const char *message_id, const char *queue_id, struct strbuf *header, const char *note);

#endif
