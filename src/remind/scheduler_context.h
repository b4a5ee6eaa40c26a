/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_context.h - a run of the scheduler as its files share it: the moment, the
 * calendar, the Submit command, the report. Private to src/remind: the
 * public API is scheduler.h.
 */
#ifndef RELANCE_SCHEDULER_CONTEXT_H
#define RELANCE_SCHEDULER_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/calendar.h"
#include "core/config.h"
#include "lib/lang.h"
#include "lib/submit.h"
#include "remind/scheduler.h"

#define GROUP_MAX_CASES 50  /* invoices in one reminder at most */
#define SUBMIT_TIMEOUT_S 120 /* seconds for the MTA to take a message */

/* ---- the run's context ---- */

struct scheduler_ctx {
    const struct scheduler_run *run;
    const struct config *cfg;
    struct calendar cal;
    struct local_moment local;
    char at[CALENDAR_UTC_MAX];        /* the moment, UTC text */
    char day_start[CALENDAR_UTC_MAX]; /* its local day, UTC text */
    char day_end[CALENDAR_UTC_MAX];
    struct submit_spec submit;
    struct scheduler_report *report;
};

/* Fills x for the run and zeroes the report; false when Submit does not
 * parse (logged). Once true, x->submit is to be freed (submit_spec_free). */
bool scheduler_ctx_init(struct scheduler_ctx *x, const struct scheduler_run *run, struct scheduler_report *report);

/* The configuration's DefaultLanguage: the creditor's language. */
enum language scheduler_default_language(const struct config *cfg);

#endif
