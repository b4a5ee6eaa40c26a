/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_recover.h - what a reminder recorded as sent after an
 * interruption still lacks: its letter and the creditor's copy
 * (scheduler_recover.c). Private to src/remind.
 */
#ifndef RELANCE_SCHEDULER_RECOVER_H
#define RELANCE_SCHEDULER_RECOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "remind/scheduler_compose.h"
#include "remind/scheduler_context.h"

struct scheduler_recovery {
    struct scheduler_run run;       /* the interrupted run, at the claim's moment */
    struct scheduler_report report; /* the copies count in no report */
    struct scheduler_ctx x;
    struct due_case *cases;
    const struct due_case *ptrs[GROUP_MAX_CASES];
    struct scheduler_composed c;
    bool ctx_ready, composed;
};

/* Composes the reminder again as at its claim (scheduler_compose_again),
 * before it is recorded as sent, so that its history does not list it.
 * False (logged) when it cannot: it is recorded all the same. rec is to
 * be freed either way. */
bool scheduler_recovery_compose(const struct scheduler_ctx *x, const struct reminder_row *r,
                                struct scheduler_recovery *rec);
/* Once recorded as sent: the letter and the copy a reminder sent normally
 * gets (scheduler_after_sent). */
void scheduler_recovery_copies(struct scheduler_recovery *rec, int64_t id);
void scheduler_recovery_free(struct scheduler_recovery *rec);

#endif
