/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_transitions.c - the one list of the ways a case's status and a
 * reminder's state may change, and the guarded UPDATEs that make them
 * (see store_transitions.h).
 *
 * Each row says what happened, which statuses the row may leave and
 * which it goes to; the statement is built from the row, so that what
 * the table says and what the database does cannot differ:
 *
 *   UPDATE invoices SET status = 'TO', [pause columns,] updated_at = ?2
 *    WHERE id = ?1 AND status IN ('FROM', ...) [AND the operator's pause spared]
 *
 * A transition that finds the case elsewhere changes nothing and says so
 * (STORE_CONFLICT): the caller's transaction decides what that means (a
 * reply that leaves a paid case alone, an operator told the case moved).
 * Columns that are not about the status (balance, level) are the callers',
 * in the same transaction.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>

#include "lib/util.h"
#include "store/store_internal.h"
#include "store/store_transitions.h"

/* Every status but these. */
#define CASE_ALL_BUT(set) (CASE_ANY_STATUS & ~(set))

static const struct case_transition case_transitions[] = {
    /* A payment settles the case whatever it waited for (a dispute, a
     * promise, court); only a cancelled debt stays cancelled. */
    {CASE_EVENT_PAID_UP, "a payment left nothing owed",
     CASE_ALL_BUT(CASE_SET(CASE_PAID) | CASE_SET(CASE_CANCELLED)), CASE_PAID, CASE_PAUSE_KEPT, false},
    /* An operator's settlement (paid, cancelled) stands. */
    {CASE_EVENT_CREDITED_TO_ZERO, "a credit note left nothing to collect",
     CASE_ALL_BUT(CASE_SET(CASE_PAID) | CASE_SET(CASE_CANCELLED) | CASE_SET(CASE_CLOSED)), CASE_CLOSED,
     CASE_PAUSE_KEPT, false},
    {CASE_EVENT_COURT_STEP_SENT, "the court step went out", CASE_SET(CASE_OPEN), CASE_COURT, CASE_PAUSE_KEPT,
     false},
    /* A clear answer after an unclear one speaks for itself: a case in
     * review takes it as an open case would. */
    {CASE_EVENT_REPLY_DISPUTE, "the debtor contests the debt",
     CASE_SET(CASE_OPEN) | CASE_SET(CASE_PAUSED) | CASE_SET(CASE_COURT) | CASE_SET(CASE_REVIEW), CASE_DISPUTED,
     CASE_PAUSE_CLEARED, false},
    /* A new promise replaces the last one; an operator's pause is the
     * operator's, and a reply does not shorten it. */
    {CASE_EVENT_REPLY_PAUSE, "the debtor promised, says it paid or asks for a plan",
     CASE_SET(CASE_OPEN) | CASE_SET(CASE_PAUSED) | CASE_SET(CASE_REVIEW), CASE_PAUSED, CASE_PAUSE_SET, true},
    {CASE_EVENT_OPERATOR_PAUSE, "the operator paused it",
     CASE_SET(CASE_OPEN) | CASE_SET(CASE_PAUSED) | CASE_SET(CASE_REVIEW), CASE_PAUSED, CASE_PAUSE_SET_BY_OPERATOR,
     false},
    {CASE_EVENT_PAUSE_EXPIRED, "the pause ended", CASE_SET(CASE_PAUSED), CASE_OPEN, CASE_PAUSE_CLEARED, false},
    /* Never a dispute: ending one is a decision (resolve). */
    {CASE_EVENT_PAUSE_LIFTED, "the operator ended the pause", CASE_SET(CASE_PAUSED), CASE_OPEN,
     CASE_PAUSE_CLEARED, false},
    {CASE_EVENT_RESOLVED_RESUME, "the operator resolved it: the debt stands", CASE_RESOLVABLE, CASE_OPEN,
     CASE_PAUSE_CLEARED, false},
    {CASE_EVENT_RESOLVED_CANCEL, "the operator resolved it: the debt is dropped", CASE_RESOLVABLE,
     CASE_CANCELLED, CASE_PAUSE_CLEARED, false},
    /* Only an open case: a reply to a case already paused, disputed, in
     * review or at court keeps it where it is (a second unclear reply does
     * not move the deadline). The deadline is paused_until. */
    {CASE_EVENT_REPLY_REVIEW, "a person's reply awaits the operator's reading", CASE_SET(CASE_OPEN), CASE_REVIEW,
     CASE_PAUSE_SET, false},
    {CASE_EVENT_REVIEW_EXPIRED, "no decision within ReviewDays: the ladder resumes", CASE_SET(CASE_REVIEW),
     CASE_OPEN, CASE_PAUSE_CLEARED, false},
    /* What the operator read in the reply, with the verdict's effect. */
    {CASE_EVENT_DECIDED_DISPUTE, "the operator read a dispute", CASE_SET(CASE_REVIEW), CASE_DISPUTED,
     CASE_PAUSE_CLEARED, false},
    {CASE_EVENT_DECIDED_PAUSE, "the operator read a promise or a payment", CASE_SET(CASE_REVIEW), CASE_PAUSED,
     CASE_PAUSE_SET, false},
    /* The law stops the chase (C. com. L622-21) whatever the case waited
     * for; a settled case stays settled. */
    {CASE_EVENT_INSOLVENT, "a collective proceeding was opened against the debtor", CASE_INSOLVENCY_COVERS,
     CASE_INSOLVENT, CASE_PAUSE_CLEARED, false},
};

_Static_assert(ARRAY_LEN(case_transitions) == CASE_EVENT_COUNT, "one row per case event");

static const struct reminder_transition reminder_transitions[] = {
    /* Held: the operator learnt that it went out. */
    {REMINDER_EVENT_SENT, "the MTA took it", REMINDER_SET(REMINDER_PENDING) | REMINDER_SET(REMINDER_HELD),
     REMINDER_SENT, false},
    {REMINDER_EVENT_DRY_RUN, "written to a file, not sent", REMINDER_SET(REMINDER_PENDING), REMINDER_DRY_RUN,
     false},
    /* Held: the operator learnt that it did not go out. */
    {REMINDER_EVENT_FAILED, "it did not go out", REMINDER_SET(REMINDER_PENDING) | REMINDER_SET(REMINDER_HELD),
     REMINDER_FAILED, true},
    {REMINDER_EVENT_HELD, "it may have gone out", REMINDER_SET(REMINDER_PENDING), REMINDER_HELD, true},
};

_Static_assert(ARRAY_LEN(reminder_transitions) == REMINDER_EVENT_COUNT, "one row per reminder event");

/* ---- cases ---- */

const struct case_transition *case_transition_of(enum case_event event)
{
    for (size_t i = 0; i < ARRAY_LEN(case_transitions); i++)
        if (case_transitions[i].event == event)
            return &case_transitions[i];
    return NULL;
}

static const char *pause_columns(enum case_pause_effect effect)
{
    switch (effect) {
    case CASE_PAUSE_CLEARED:
        return "paused_until = NULL, pause_reason = '', ";
    case CASE_PAUSE_SET:
        return "paused_until = ?3, pause_reason = ?4, ";
    case CASE_PAUSE_SET_BY_OPERATOR:
        return "paused_until = ?3, pause_reason = '" CASE_PAUSE_BY_OPERATOR "', ";
    case CASE_PAUSE_KEPT:
        break;
    }
    return "";
}

char *case_transition_sql(const struct case_transition *t)
{
    char *from = case_status_sql_list(t->from);
    char *spare = t->spares_operator_pause
                      ? xasprintf(" AND (status <> '%s' OR pause_reason <> '" CASE_PAUSE_BY_OPERATOR "')",
                                  case_status_name(CASE_PAUSED))
                      : xstrdup("");
    char *sql = xasprintf("UPDATE invoices SET status = '%s', %supdated_at = ?2 WHERE id = ?1 AND status IN (%s)%s",
                          case_status_name(t->to), pause_columns(t->pause), from, spare);

    free(from);
    free(spare);
    return sql;
}

/* Each row's statement, built once for the process: the same text at the
 * same address every time, so that the store keeps it prepared (a
 * statement that fires the triggers of store/due_facts.h costs far more
 * to prepare than to run). */
static char *case_sqls[ARRAY_LEN(case_transitions)];
static char *reminder_sqls[ARRAY_LEN(reminder_transitions)];
static pthread_once_t sqls_once = PTHREAD_ONCE_INIT;

static void build_transition_sqls(void)
{
    for (size_t i = 0; i < ARRAY_LEN(case_transitions); i++)
        case_sqls[i] = case_transition_sql(&case_transitions[i]);
    for (size_t i = 0; i < ARRAY_LEN(reminder_transitions); i++)
        reminder_sqls[i] = reminder_transition_sql(&reminder_transitions[i]);
}

static const char *transition_sql_of(ptrdiff_t row, bool of_case)
{
    pthread_once(&sqls_once, build_transition_sqls);
    return of_case ? case_sqls[row] : reminder_sqls[row];
}

enum store_result store_case_transition(struct store *st, int64_t case_id, enum case_event event,
                                        const char *now, const struct case_pause *pause)
{
    const struct case_transition *t = case_transition_of(event);
    bool sets_pause = t != NULL && (t->pause == CASE_PAUSE_SET || t->pause == CASE_PAUSE_SET_BY_OPERATOR);
    sqlite3_stmt *stmt;
    const char *sql;
    int rc;

    if (t == NULL || (sets_pause && pause == NULL))
        return STORE_CONFLICT;
    sql = transition_sql_of(t - case_transitions, true);
    rc = store_prepare(st, sql, &stmt);
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare case transition");
    sqlite3_bind_int64(stmt, 1, case_id);
    store_bind_text(stmt, 2, now);
    if (sets_pause)
        store_bind_date(stmt, 3, pause->until);
    if (t->pause == CASE_PAUSE_SET)
        store_bind_text(stmt, 4, pause->reason);
    rc = sqlite3_step(stmt);
    store_finalize(st, stmt);
    if (rc == SQLITE_DONE && sqlite3_changes(st->db) == 0)
        return STORE_CONFLICT;
    return store_result_of(st, rc, "case transition");
}

/* ---- reminders ---- */

const struct reminder_transition *reminder_transition_of(enum reminder_event event)
{
    for (size_t i = 0; i < ARRAY_LEN(reminder_transitions); i++)
        if (reminder_transitions[i].event == event)
            return &reminder_transitions[i];
    return NULL;
}

char *reminder_transition_sql(const struct reminder_transition *t)
{
    char *from = reminder_state_sql_list(t->from);
    char *sql = xasprintf("UPDATE reminders SET state = '%s'%s WHERE id = ?1 AND state IN (%s)",
                          reminder_state_name(t->to), t->records_error ? ", error = COALESCE(?2, error)" : "",
                          from);

    free(from);
    return sql;
}

enum store_result store_reminder_transition(struct store *st, int64_t reminder_id, enum reminder_event event,
                                            const char *error)
{
    const struct reminder_transition *t = reminder_transition_of(event);
    sqlite3_stmt *stmt;
    const char *sql;
    int rc;

    if (t == NULL)
        return STORE_CONFLICT;
    sql = transition_sql_of(t - reminder_transitions, false);
    rc = store_prepare(st, sql, &stmt);
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reminder transition");
    sqlite3_bind_int64(stmt, 1, reminder_id);
    if (t->records_error) {
        if (error)
            store_bind_text(stmt, 2, error);
        else
            sqlite3_bind_null(stmt, 2);
    }
    rc = sqlite3_step(stmt);
    store_finalize(st, stmt);
    if (rc == SQLITE_DONE && sqlite3_changes(st->db) == 0)
        return STORE_CONFLICT;
    return store_result_of(st, rc, "reminder transition");
}
