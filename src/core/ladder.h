/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ladder.h - the escalation ladder: its steps, the seven defaults, the
 * `Step` line syntax, and which step is due for a case on a given day.
 *
 * Pure logic: no SQL, no I/O, no clock. The scheduler feeds it a case's
 * state (due date, level = steps sent, date of the last step) and a day;
 * it answers with a step number or none. Step numbers are 1..count for the
 * ladder and LADDER_COURTESY (0) for the optional courtesy notice sent
 * before the due date, which is not a rung: it never raises the level.
 *
 * A step is never skipped (only level + 1 can be due) and never sent
 * twice (the store's UNIQUE(invoice_id, step) enforces what this decides).
 */
#ifndef RELANCE_LADDER_H
#define RELANCE_LADDER_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/date.h"
#include "lib/util.h"

#define LADDER_MAX_STEPS 12
#define LADDER_NAME_MAX 32
#define LADDER_MAX_DELAY 3650
#define LADDER_COURTESY 0
#define LADDER_NONE (-1)

enum ladder_identity {
    LADDER_FROM_CREDITOR = 0, /* on the creditor's behalf, from the agency's address */
    LADDER_FROM_AGENCY,       /* the agency in its own name */
};

enum ladder_action {
    LADDER_EMAIL = 0, /* a reminder to the debtor */
    LADDER_COURT,     /* no more mail to the debtor: the creditor gets the dossier */
    LADDER_TASK,      /* no mail: a task for the agency's people (task_kind) */
};

/* What a person does at a task step. */
enum ladder_task_kind {
    LADDER_TASK_NONE = 0,
    LADDER_TASK_CALL,
    LADDER_TASK_VISIT,
    LADDER_TASK_LETTER,
    LADDER_TASK_SMS,
};

/* The seeds' colour stickers. */
enum ladder_severity {
    LADDER_GREEN = 0,
    LADDER_ORANGE,
    LADDER_RED,
};

struct ladder_step {
    char name[LADDER_NAME_MAX];
    char template_name[LADDER_NAME_MAX]; /* file name without .md */
    int delay;                           /* days after the due date (at least 1) */
    int interval;                        /* least days after the previous step */
    enum ladder_identity from;
    enum ladder_action action;
    enum ladder_severity severity;
    bool copy;   /* the creditor gets a copy */
    bool letter; /* a printable letter is produced too */
    bool registered; /* that letter goes by registered mail with acknowledgment of receipt */
    bool claim;  /* penalties and the recovery indemnity are claimed */
    bool bailiff; /* may name BailiffName ({{#bailiff}}): by default only agence-mise-en-demeure */
    enum ladder_task_kind task; /* action=task: what the person does */
};

struct ladder_steps {
    struct ladder_step items[LADDER_MAX_STEPS];
    size_t count;
};

/* The seven steps of DESIGN.md. */
void ladder_default_steps(struct ladder_steps *out);
/* The courtesy notice: before the due date, friendly, claims nothing. */
void ladder_courtesy_step(struct ladder_step *out);

/*
 * Parses the value of one `Step` line:
 *   NAME after=DAYS [interval=DAYS] [from=creditor|agency] [action=email|court|task]
 *        [task=call|visit|letter|sms]
 *        [severity=green|orange|red] [template=NAME] [copy=yes|no]
 *        [letter=yes|no|registered] [claim=yes|no] [bailiff=yes|no]
 * Defaults: interval=0, from=creditor, action=email, severity=red,
 * template=NAME, copy, letter no, claim yes; bailiff yes for a step named
 * agence-mise-en-demeure (the agency's formal notice), no for the others.
 * action=task needs task= (and task= needs action=task); a task step sends
 * no mail, so it claims nothing and has neither copy nor letter: claim=no
 * is implied.
 */
bool ladder_parse_step(const char *text, struct ladder_step *out, char *why, size_t whylen);
/* Checks the ladder as a whole: delays never decrease, names unique, a
 * court step only last. */
bool ladder_check(const struct ladder_steps *steps, char *why, size_t whylen);
/* Writes a step as a `Step` value (the parser's input). */
void ladder_format_step(const struct ladder_step *step, struct strbuf *out);
const char *ladder_severity_name(enum ladder_severity severity); /* "green" ... */
const char *ladder_task_kind_name(enum ladder_task_kind kind);   /* "call" ... ("" for none) */

/* What the ladder needs to know of a case. */
struct ladder_case {
    struct date due;       /* due date */
    int level;             /* ladder steps sent, 0..count */
    struct date last_step; /* day step `level` went out; unset when level is 0 */
    bool courtesy_done;    /* the courtesy notice went out (or is under way) */
    struct date resumed;   /* day the debtor was told their dispute's outcome
                              (the ladder resumes), or unset */
};

/* The step due for c on day `today`: a step number 1..count,
 * LADDER_COURTESY when courtesy_days > 0 and the notice is due, else
 * LADDER_NONE. Business days and windows are the calendar's business. */
int ladder_due_step(const struct ladder_steps *steps, int courtesy_days, const struct ladder_case *c,
                    struct date today);
/* The first day on which step `level + 1` may go; false when the ladder
 * is climbed. */
bool ladder_next_step_day(const struct ladder_steps *steps, const struct ladder_case *c, struct date *out);

#endif
