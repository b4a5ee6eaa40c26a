/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * outgoing.h - what happens to an outgoing message once the milter has it
 * whole: find its invoices, record each as a case, and say what was
 * tracked in one header value. Independent of libmilter, so that tests and
 * relancectl can drive it directly.
 */
#ifndef RELANCE_OUTGOING_H
#define RELANCE_OUTGOING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/invoice.h"
#include "lib/audit.h"
#include "store/store.h"

struct envelope {
    const char *queue_id;   /* MTA queue id, for every log line */
    const char *sender;     /* envelope sender, without brackets */
    const struct strlist *recipients;
    const char *message_id; /* Message-ID header value, without brackets */
};

enum outgoing_result {
    OUTGOING_OK = 0,        /* analysed; header_value may be empty (nothing tracked) */
    OUTGOING_DB_ERROR,      /* the store failed: On-DBError applies */
    OUTGOING_INTERNAL_ERROR,/* anything else failed: On-InternalError applies */
};

/* Maps the configuration's limits onto the scan's. */
void outgoing_scan_limits(const struct config *cfg, struct scan_limits *limits);

/* The debtor's address: the document's, else the first recipient outside
 * the sender's domain, else the first recipient. Empty when none. */
void outgoing_choose_debtor(const struct invoice *inv, const struct envelope *env, char *out, size_t size);

/* Scans data, stores the cases, logs one line per message, and writes the
 * X-Relance header value into header_value (empty when nothing tracked).
 * When the store fails and On-DBError is accept, the message's invoices
 * are queued for catch-up (catchup.h); OUTGOING_DB_ERROR all the same. */
enum outgoing_result outgoing_process(const struct config *cfg, struct store_pool *pool,
                                      const struct audit_key *key, const char *data, size_t len,
                                      const struct envelope *env, struct strbuf *header_value);

#endif
