/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * catchup.h - invoices read while the store failed, kept to be recorded
 * when it is back.
 *
 * The milter never holds a message for the store (On-DBError accept, the
 * default): an invoice whose case cannot be written when its mail passes
 * (a database locked by another process, a full file system) would
 * otherwise go untracked for good. Its message is queued here instead,
 * what was read of it (the invoices, the debtor chosen, the ids) and a
 * copy of the mail for the court file while room allows, and a thread
 * records it again every CATCHUP_RETRY_S seconds until the store takes
 * it. Recording is idempotent (the same seller and number are one case),
 * so a message retried whole after a partial failure is never counted
 * twice.
 *
 * Bounded: at most CATCHUP_MAX_MESSAGES messages and CATCHUP_MAX_BYTES of
 * mail copies. Past the first an invoice is lost to tracking and logged
 * one line each (its number, queue id and Message-ID, for the operator);
 * past the second the invoice is kept without its copy. The queue lives
 * in memory: at a stop, what is still waiting is logged the same way
 * (the store failing, a spool on disk would likely fail alike).
 */
#ifndef RELANCE_CATCHUP_H
#define RELANCE_CATCHUP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/invoice.h"
#include "lib/audit.h"
#include "store/store.h"

#define CATCHUP_MAX_MESSAGES 1000
#define CATCHUP_MAX_BYTES (16u * 1024u * 1024u)
#define CATCHUP_RETRY_S 5
/* One line per interval for the store's failures, however many messages. */
#define CATCHUP_LOG_INTERVAL_S 60

/* One invoice of a queued message, with its debtor already chosen. */
struct catchup_invoice {
    struct invoice inv;
    char debtor[INVOICE_EMAIL_MAX];
};

/* Queues a message's invoices (copied, with a copy of data while the
 * byte budget allows); false when the queue is full (then logged). */
bool catchup_add(const char *queue_id, const char *message_id, const struct catchup_invoice *items, size_t count,
                 const char *data, size_t len);

/* Records what waits, oldest first, until the store fails again; returns
 * how many messages were recorded. */
size_t catchup_drain(const struct config *cfg, struct store_pool *pool, const struct audit_key *key);

/* Messages waiting. */
size_t catchup_pending(void);

/* The daemon's retry thread (relanced): started once, stopped at exit,
 * when a last attempt is made and what remains is logged as lost. */
bool catchup_start(struct config *(*get_config)(void), struct store_pool *pool, const struct audit_key *key);
void catchup_stop(void);

#endif
