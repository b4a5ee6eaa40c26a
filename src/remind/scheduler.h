/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler.h - the due work: one run at a moment, and the daemon's
 * thread that runs it every SchedulerInterval.
 *
 * A run: settle reminders left 'pending' by a runner that died (sent if
 * the milter saw them pass, else held), then, inside the sending window
 * on a business day, select the open cases whose next step is due, group
 * them by debtor, step and currency, and for each debtor's most advanced
 * group: compose, claim in the store, submit (or write the .eml in a dry
 * run), record. A definite failure frees the step for a later run; an
 * ambiguous one holds the reminder for the operator. Copies and letters
 * follow a reminder that went out.
 */
#ifndef RELANCE_SCHEDULER_H
#define RELANCE_SCHEDULER_H

#include <stdbool.h>
#include <time.h>

#include "core/config.h"
#include "lib/audit.h"
#include "lib/template.h"
#include "store/store.h"

/* Set only by tests: the runner exits right after the MTA took a
 * reminder, before recording it, as a crash would. */
#define SCHEDULER_CRASH_ENV "RELANCE_TEST_CRASH_AFTER_SUBMIT"

struct scheduler_run {
    const struct config *cfg;
    const struct audit_key *key;
    struct store *st;
    time_t moment;     /* the run's moment: now, or relancectl's --now */
    const char *actor; /* "scheduler" or "operator" */
};

struct scheduler_report {
    int sent, dry_runs, held, failed, recovered, skipped;
    int resumed; /* paused cases whose pause ended */
    int notices; /* outbox messages (about replies) sent */
    int tasks, tasks_timed_out; /* tasks created (Step action=task), tasks that timed out */
};

/* False when the store failed (the report says how far it got). */
bool scheduler_run_due(const struct scheduler_run *run, struct scheduler_report *report);

/* Reasons not to send at all: the keys a reminder cannot do without.
 * Empty when ready. */
void scheduler_missing_keys(const struct config *cfg, struct strbuf *out);

struct preview {
    char *from, *to, *subject, *text, *html;
};

/* Renders what step `step` (-1: the case's next step) of a case would say
 * at the run's moment, alone in its mail. */
bool scheduler_preview(const struct scheduler_run *run, int64_t case_id, int step, struct preview *out,
                       char *why, size_t whylen);
void preview_free(struct preview *p);

/* ---- the milter's side ---- */

struct store_pool;

/* A message carrying relance's marker passes through the MTA. True when
 * the marker verifies: it is relance's own mail, never to be read as an
 * invoice; if it is a reminder, its sighting is recorded (the proof that
 * the MTA has it, for runs interrupted after submission). False for a
 * forged or broken marker: the message is read like any other. */
bool scheduler_note_sighting(struct store_pool *pool, const struct audit_key *key, const char *queue_id,
                             const char *message_id, const char *marker);

/* ---- the daemon's thread ---- */

struct scheduler_thread;

struct scheduler_thread *scheduler_start(struct config *(*get_config)(void), struct store_pool *pool,
                                         const struct audit_key *key);
/* Asks the thread to stop and waits for it (a run in progress ends first). */
void scheduler_stop(struct scheduler_thread *t);
/* Asks the running thread (if any) to send the outbox now: mail about a
 * reply that was just recorded. Safe from any thread; does nothing when
 * no thread runs (relancectl, tests): the next run sends it. */
void scheduler_wake(void);

#endif
