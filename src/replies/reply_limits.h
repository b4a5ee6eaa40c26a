/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_limits.h - what the store knows that bounds what a reply does:
 * for a bounce, the only address it may mark (the recipient of the
 * reminder it names, when the report does not name someone else); for a
 * pause, how many times replies paused its cases already
 * (MaxPausesPerCase). reply.c decides with it.
 */
#ifndef RELANCE_REPLY_LIMITS_H
#define RELANCE_REPLY_LIMITS_H

#include <stdint.h>

#include "core/invoice.h"
#include "replies/reply_classify.h"
#include "store/store.h"

struct reply_history {
    char bounced[INVOICE_EMAIL_MAX]; /* the address a bounce may mark, "" when none */
    const char *unmarked;            /* why a bounce marks nothing (static text) */
    int pauses;                      /* the most times replies paused one of the cases */
};

/* by and reminder_id: how the cases were matched ("token", "thread",
 * "bounce", "number"; the reminder that named them, 0 when none).
 * Pauses are counted up to max_pauses (MaxPausesPerCase; 0: all). */
enum store_result reply_history_read(struct store *st, const struct reply_reading *reading, const char *by,
                                     int64_t reminder_id, const struct case_list *cases, int max_pauses,
                                     struct reply_history *out);

#endif
