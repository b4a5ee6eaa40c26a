/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_tasks.h - the scheduler's side of steps done by people (Step
 * ... action=task): at the step's date a task for the agency instead of a
 * mail; the timeout after which the ladder goes on without it; the
 * creditor's daily digest of open tasks. Private to src/remind.
 */
#ifndef RELANCE_SCHEDULER_TASKS_H
#define RELANCE_SCHEDULER_TASKS_H

#include <stdbool.h>
#include <stddef.h>

#include "remind/scheduler_context.h"
#include "store/store.h"

/* Creates the task of step `step` over the debtor's due cases (all of one
 * debtor): the cases reach the step, nothing is sent. False only when the
 * store failed. */
bool scheduler_create_task(struct scheduler_ctx *x, const struct due_case *const *cases, size_t count, int step);
/* Open tasks whose TaskTimeoutDays have passed end as timed-out (the
 * ladder goes on). False when the store failed. */
bool scheduler_time_out_tasks(struct scheduler_ctx *x);
/* TaskDigest: once a local day, the open tasks to the creditor through
 * the outbox; *queued says whether one was queued by this run. */
bool scheduler_task_digest(struct scheduler_ctx *x, bool *queued);

#endif
