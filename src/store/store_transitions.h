/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_transitions.h - every change of a case's status and of a
 * reminder's state, each listed once in a table (store_transitions.c),
 * and the one function per table that makes a change: a guarded UPDATE
 * that moves the row only from a state the table allows, so that a
 * settled case is never reopened by a late reply nor a sent reminder
 * marked failed, whoever asks.
 *
 * For the store's own files, inside their transactions, and its tests;
 * what sits above the store changes states only through the store's
 * operations (store.h).
 */
#ifndef RELANCE_STORE_TRANSITIONS_H
#define RELANCE_STORE_TRANSITIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/date.h"
#include "store/case_state.h"
#include "store/store.h"

/* Why a case changes status. */
enum case_event {
    CASE_EVENT_PAID_UP = 0,      /* a payment left nothing owed */
    CASE_EVENT_CREDITED_TO_ZERO, /* a credit note left nothing to collect */
    CASE_EVENT_COURT_STEP_SENT,  /* the reminder of a court step went out */
    CASE_EVENT_REPLY_DISPUTE,    /* the debtor contests the debt */
    CASE_EVENT_REPLY_PAUSE,      /* the debtor promised, says it paid or asks for a plan */
    CASE_EVENT_OPERATOR_PAUSE,   /* relancectl pause */
    CASE_EVENT_PAUSE_EXPIRED,    /* the day a pause lasted until has passed */
    CASE_EVENT_PAUSE_LIFTED,     /* relancectl resume */
    CASE_EVENT_RESOLVED_RESUME,  /* relancectl resolve --resume or --credit: the debt stands */
    CASE_EVENT_RESOLVED_CANCEL,  /* relancectl resolve --cancel: the debt is dropped */
    CASE_EVENT_REPLY_REVIEW,     /* a person's reply relance could not place: a human reads it */
    CASE_EVENT_REVIEW_EXPIRED,   /* ReviewDays passed without a decision: the ladder resumes */
    CASE_EVENT_DECIDED_DISPUTE,  /* relancectl resolve --dispute: the operator read a dispute */
    CASE_EVENT_DECIDED_PAUSE,    /* relancectl resolve --promise or --paid: the operator read one */
    CASE_EVENT_INSOLVENT,        /* a collective proceeding opened against the debtor */
};
#define CASE_EVENT_COUNT 15

/* The pause_reason of a pause the operator made; replies never shorten it. */
#define CASE_PAUSE_BY_OPERATOR "operator"

/* What a transition does to the pause columns (paused_until, pause_reason). */
enum case_pause_effect {
    CASE_PAUSE_KEPT = 0, /* untouched */
    CASE_PAUSE_CLEARED,  /* NULL and '' */
    CASE_PAUSE_SET,      /* until and reason from the caller's struct case_pause */
    CASE_PAUSE_SET_BY_OPERATOR, /* until from the caller, reason CASE_PAUSE_BY_OPERATOR */
};

struct case_transition {
    enum case_event event;
    const char *why;       /* the event in words */
    case_status_set from;  /* the statuses it may leave */
    enum case_status to;
    enum case_pause_effect pause;
    bool spares_operator_pause; /* a case the operator paused stays as it is */
};

/* What a pause records (CASE_PAUSE_SET, CASE_PAUSE_SET_BY_OPERATOR). */
struct case_pause {
    struct date until;  /* unset: without end */
    const char *reason; /* promise | paid | plan (CASE_PAUSE_SET only) */
};

/* The table's row for the event; NULL when out of range. */
const struct case_transition *case_transition_of(enum case_event event);
/* The guarded UPDATE that makes it (?1 case id, ?2 updated_at, ?3 the
 * pause's end and ?4 its reason when it sets them); owned. */
char *case_transition_sql(const struct case_transition *t);

/* Makes the transition inside the caller's transaction. STORE_OK: the
 * case moved (updated_at = now); STORE_CONFLICT: it was in none of the
 * statuses the transition may leave, or is unknown, and nothing changed.
 * pause: for the transitions that set one, else NULL. */
enum store_result store_case_transition(struct store *st, int64_t case_id, enum case_event event,
                                        const char *now, const struct case_pause *pause);

/* Why a reminder changes state. */
enum reminder_event {
    REMINDER_EVENT_SENT = 0, /* the MTA took it (or the operator says it went out) */
    REMINDER_EVENT_DRY_RUN,  /* written to a file instead */
    REMINDER_EVENT_FAILED,   /* it certainly did not go out */
    REMINDER_EVENT_HELD,     /* it may have gone out: the operator decides */
};
#define REMINDER_EVENT_COUNT 4

struct reminder_transition {
    enum reminder_event event;
    const char *why;
    reminder_state_set from;
    enum reminder_state to;
    bool records_error; /* the reason given goes to the error column */
};

const struct reminder_transition *reminder_transition_of(enum reminder_event event);
/* The guarded UPDATE (?1 reminder id, ?2 error); owned. */
char *reminder_transition_sql(const struct reminder_transition *t);

/* Inside the caller's transaction; STORE_CONFLICT when the reminder is in
 * none of the states the transition may leave (nothing changed). error:
 * recorded when the transition records one. */
enum store_result store_reminder_transition(struct store *st, int64_t reminder_id, enum reminder_event event,
                                            const char *error);

#endif
