/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * case_state.h - the states of a case (a tracked invoice) and of a
 * reminder, as types, and the rules that name groups of them.
 *
 * The database keeps the text values its CHECK constraints list (open,
 * paid, ...; pending, sent, ...): the store converts at its boundary, so
 * that everything above it compares enums and a misspelt state is a
 * compile error, not a case that silently never matches.
 *
 * A rule the store needs in SQL as well as in C (which cases are live) is
 * written once here, as a set of states, and its SQL text is built from
 * that set: the two cannot drift apart.
 *
 * These live in the store layer: the store reads and writes them, and
 * everything that looks at them (scheduler, replies, relancectl) sits
 * above it; nothing in the core needs them.
 */
#ifndef RELANCE_CASE_STATE_H
#define RELANCE_CASE_STATE_H

#include <stdbool.h>

#include "core/invoice.h"

/* Where a case stands. The values are the database's, in this order. */
enum case_status {
    CASE_OPEN = 0,  /* something owed: the ladder runs */
    CASE_PAID,      /* nothing left owed */
    CASE_PAUSED,    /* a promise, a plan or the operator holds the ladder */
    CASE_DISPUTED,  /* the debtor contests it: only the operator ends that */
    CASE_CANCELLED, /* the operator dropped the debt */
    CASE_CLOSED,    /* nothing to collect (credit note, credited to zero) */
    CASE_COURT,     /* the court step went out: the file is the creditor's */
    CASE_REVIEW,    /* a person's reply relance could not place: held until the
                       operator decides or ReviewDays pass (paused_until) */
    CASE_INSOLVENT, /* a court opened a collective proceeding against the debtor
                       (C. com. L622-21): the chase stops; only the operator
                       reopens it (relancectl resolve --resume --reason) */
};
#define CASE_STATUS_COUNT 9

/* Where a reminder stands. */
enum reminder_state {
    REMINDER_PENDING = 0, /* claimed, being handed to the MTA */
    REMINDER_SENT,        /* the MTA took it */
    REMINDER_HELD,        /* may have gone out: the operator decides */
    REMINDER_FAILED,      /* certainly did not go out: its step is free again */
    REMINDER_DRY_RUN,     /* written to a file, not sent */
};
#define REMINDER_STATE_COUNT 5

/* "open", "paid", ... as stored; "unknown" for a value out of range. */
const char *case_status_name(enum case_status status);
/* false (and *out untouched) for a name that is not a status. */
bool case_status_parse(const char *name, enum case_status *out);
/* "pending", "sent", "held", "failed", "dry-run". */
const char *reminder_state_name(enum reminder_state state);
bool reminder_state_parse(const char *name, enum reminder_state *out);

/* Sets of states, one bit each. */
typedef unsigned case_status_set;
typedef unsigned reminder_state_set;
#define CASE_SET(status) (1u << (status))
#define REMINDER_SET(state) (1u << (state))
#define CASE_ANY_STATUS ((1u << CASE_STATUS_COUNT) - 1u)

/* Settled: nothing more to ask the debtor nor to tell them. */
#define CASE_SETTLED (CASE_SET(CASE_PAID) | CASE_SET(CASE_CLOSED) | CASE_SET(CASE_CANCELLED))
/* Waiting for the operator's word: relancectl resolve ends these. */
#define CASE_RESOLVABLE                                                                            \
    (CASE_SET(CASE_DISPUTED) | CASE_SET(CASE_PAUSED) | CASE_SET(CASE_REVIEW) | CASE_SET(CASE_INSOLVENT))
/* The pause_reason of a case in review: paused_until is its deadline. */
#define CASE_REVIEW_REASON "review"
/* A collective proceeding covers these (every case not settled). */
#define CASE_INSOLVENCY_COVERS                                                                     \
    (CASE_SET(CASE_OPEN) | CASE_SET(CASE_PAUSED) | CASE_SET(CASE_DISPUTED) | CASE_SET(CASE_COURT) | \
     CASE_SET(CASE_REVIEW))

bool case_status_in(enum case_status status, case_status_set set);
bool reminder_state_in(enum reminder_state state, reminder_state_set set);

/* A case still worth talking about with its debtor (a reply is matched
 * to it, a token reaches it): an invoice that is not settled. */
bool case_is_live(enum invoice_type type, enum case_status status);

/* The names of a set as an SQL list ("'paid', 'closed', 'cancelled'");
 * owned. An empty set gives "NULL", which no status equals. */
char *case_status_sql_list(case_status_set set);
char *reminder_state_sql_list(reminder_state_set set);
/* case_is_live as an SQL condition on the invoices row `alias` ("i"); owned. */
char *case_live_sql(const char *alias);

#endif
