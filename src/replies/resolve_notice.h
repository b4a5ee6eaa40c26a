/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * resolve_notice.h - the debtor's answer to a dispute, written when the
 * operator resolves it (relancectl resolve): the examination is over and
 * the amount is still due, less a credit if one was granted
 * (reprise-contestation.md, kind "dispute-resumed"), or the claim is
 * withdrawn (retrait-creance.md, kind "dispute-withdrawn"). The
 * acknowledgment promised that no reminder would come before this answer:
 * the store queues it in the outbox in the resolution's transaction, and
 * the ladder's next step waits for it to go out, then for the step's
 * interval (store_reminders.c, ladder.c).
 *
 * It builds; it neither decides to write nor sends.
 */
#ifndef RELANCE_RESOLVE_NOTICE_H
#define RELANCE_RESOLVE_NOTICE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/config.h"
#include "lib/audit.h"
#include "lib/date.h"
#include "replies/reply_notice.h"
#include "store/store.h"

#define RESOLVE_NOTICE_RESUMED "dispute-resumed"
#define RESOLVE_NOTICE_WITHDRAWN "dispute-withdrawn"

struct resolve_notice_input {
    const struct config *cfg;
    const struct audit_key *key;
    struct store *st;
    int64_t case_id;
    enum case_resolution how; /* RESOLVE_RESUME, RESOLVE_CREDIT or RESOLVE_CANCEL */
    int64_t credit;           /* cents granted (RESOLVE_CREDIT), not yet recorded */
    struct date today;
    time_t now;
};

/* The kind of the message a resolution writes (RESOLVE_NOTICE_*), or
 * NULL when it writes none (the end of a pause). */
const char *resolve_notice_kind(enum case_resolution how);
/* The message to the case's debtor. False with a reason (no template,
 * no AgencySender, the store). */
bool resolve_notice_build(const struct resolve_notice_input *in, struct reply_notice *out, char *why,
                          size_t whylen);

#endif
