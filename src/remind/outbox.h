/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * outbox.h - sending the mail written about replies (the creditor's
 * notices, the debtors' acknowledgments), queued in the store with the
 * reply that caused it.
 *
 * Unlike reminders, these are not bound to the sending window: a creditor
 * must hear of a dispute at once. A definite failure is tried again later
 * (at most OUTBOX_MAX_ATTEMPTS times, further apart each time); an
 * ambiguous one (the MTA may have it) is never retried blindly: it is
 * marked 'uncertain' and logged for the operator.
 */
#ifndef RELANCE_OUTBOX_H
#define RELANCE_OUTBOX_H

#include <stdbool.h>
#include <time.h>

#include "core/config.h"
#include "store/store.h"

#define OUTBOX_MAX_ATTEMPTS 6
#define OUTBOX_BATCH 50

struct outbox_report {
    int sent, retried, failed, uncertain;
};

/* Sends what is due at `now` (real time: a notice is due when it was
 * written) and records each as sent at `moment`, the run's moment (now,
 * or relancectl's --now, as reminders are); false when the store failed. */
bool outbox_send_due(const struct config *cfg, struct store *st, time_t now, time_t moment,
                     struct outbox_report *report);

#endif
