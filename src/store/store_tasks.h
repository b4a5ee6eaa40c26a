/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_tasks.h - steps done by people: the tasks a `Step ... action=task`
 * creates instead of a mail, what the person records when it is done,
 * and the timeout after which the ladder goes on without them.
 *
 * A task is created in one IMMEDIATE transaction that checks each case is
 * still open at the level the step was chosen for, raises the level to
 * the step (the step counts as reached: the ladder waits) and writes one
 * 'task-created' event per case; task_items' UNIQUE(invoice_id, step)
 * refuses a second task for the same step, whatever the callers believe.
 *
 * While a task is open its cases are busy (store_list_due_cases): nothing
 * more goes to the debtor. When it ends (done, or timed out) its end
 * (ended_at) is the step's date: the next step is due on its own after=
 * counted from the due date, and no sooner than its interval= after that
 * end.
 */
#ifndef RELANCE_STORE_TASKS_H
#define RELANCE_STORE_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/audit.h"
#include "lib/date.h"
#include "store/store.h"

#define TASK_PHONE_MAX 64
#define TASK_HISTORY_MAX 2048

/* A task about to be created (items: case, expected level, balance in
 * principal). */
struct task_claim {
    int64_t debtor_id;
    int step;
    const char *step_name;
    const char *kind;       /* call | visit | letter | sms */
    const char *phone;      /* "" when unknown */
    const char *history;    /* the steps and replies so far, in words */
    const char *at;         /* the run's moment (UTC text) */
    struct date created_on; /* its local day */
    struct date timeout_on; /* created_on + TaskTimeoutDays */
    const struct claim_item *items;
    size_t count;
};

/* STORE_CONFLICT: a case moved or the step already has a task (nothing
 * changed). */
enum store_result store_create_task(struct store *st, const struct audit_key *key, const struct task_claim *claim,
                                    const char *actor, int64_t *id);

struct task_case {
    int64_t case_id;
    char number[INVOICE_NUMBER_MAX];
    char currency[4];
    int64_t balance; /* cents owed when the task was created */
};

struct task_row {
    int64_t id;
    int64_t debtor_id;
    char debtor_email[INVOICE_EMAIL_MAX];
    char debtor_name[INVOICE_NAME_MAX];
    int step;
    char step_name[32];
    char kind[16];
    char phone[TASK_PHONE_MAX];
    char history[TASK_HISTORY_MAX];
    char created_at[32];
    struct date created_on, timeout_on;
    char state[16];   /* open | done | timed-out */
    char note[512];
    char outcome[16]; /* "" | promise | dispute | paid */
    struct date promised;
    char ended_at[32];
    char actor[32];
    struct task_case *cases; /* owned */
    size_t case_count;
};

struct task_list {
    struct task_row *items;
    size_t count;
};

void task_list_free(struct task_list *list);
/* Open tasks (all: every task), oldest first, with their cases. */
enum store_result store_list_tasks(struct store *st, bool all, struct task_list *out);
/* One task with its cases (free with task_list_free on a list of one). */
enum store_result store_get_task(struct store *st, int64_t id, struct task_list *out);

/* What the person learnt: nothing that changes the case, or a reply's
 * verdict (REVIEW_DISPUTE, REVIEW_PROMISE, REVIEW_PAID: store.h). */
struct task_done {
    const char *note;
    bool has_verdict;
    enum review_decision verdict;
    struct date promised;   /* REVIEW_PROMISE: the day promised */
    struct date until;      /* the pause's end (promise + grace, or verification) */
    const char *ended_at;   /* UTC text */
};

/* open -> done with the note, in the same transaction the verdict's
 * effect on each live case (as a reply's: a dispute; a pause 'promise' or
 * 'paid' until `until`; an operator's pause is kept), one 'task-done'
 * event per case. STORE_CONFLICT: the task is not open. *changed: cases
 * whose status changed. */
enum store_result store_task_mark_done(struct store *st, const struct audit_key *key, int64_t id,
                                       const struct task_done *done, const char *actor, size_t *changed);

/* Open tasks whose timeout_on is on or before today become timed-out
 * (ended_at = at), one 'task-timed-out' event per case; *count tasks.
 * First, open tasks none of whose cases is left to collect (settled or
 * insolvent) end as done, with a 'task-done' event (not counted). */
enum store_result store_time_out_tasks(struct store *st, const struct audit_key *key, struct date today,
                                       const char *at, const char *actor, int *count);

/* The digest of `day` is queued at most once: false in *first when it
 * was already; notice (may be NULL) is queued in the same transaction. */
enum store_result store_task_digest_once(struct store *st, struct date day, const struct outbox_message *notice,
                                         bool *first);

/* The operator's telephone number for a debtor (created when unknown);
 * one event. "" clears it. */
enum store_result store_set_debtor_phone(struct store *st, const struct audit_key *key, const char *email,
                                         const char *phone, const char *actor);
/* The number to call: the operator's for the debtor, else the newest of
 * its invoices' buyer telephone; "" when none. */
enum store_result store_debtor_phone(struct store *st, int64_t debtor_id, char *out, size_t size);

#endif
