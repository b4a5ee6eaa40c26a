/*
 * scheduler_internal.h - what the scheduler's files share and nothing
 * else sees: a run's context, a composed reminder, and the calls between
 * scheduler.c (the run: select, claim, submit, record),
 * scheduler_compose.c (one reminder's content and mail) and
 * scheduler_copies.c (its files and the creditor's copy).
 *
 * The public API stays in scheduler.h; scheduler_thread.c needs none of
 * this.
 */
#ifndef RELANCE_SCHEDULER_INTERNAL_H
#define RELANCE_SCHEDULER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "calendar.h"
#include "ladder.h"
#include "lang.h"
#include "reminder.h"
#include "reminder_content.h"
#include "scheduler.h"
#include "store.h"
#include "submit.h"
#include "template.h"
#include "token.h"

#define GROUP_MAX_CASES 50  /* invoices in one reminder at most */
#define SUBMIT_TIMEOUT_S 120 /* seconds for the MTA to take a message */

/* ---- the run's context ---- */

struct ctx {
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
bool scheduler_ctx_init(struct ctx *x, const struct scheduler_run *run, struct scheduler_report *report);

/* ---- one reminder (scheduler_compose.c) ---- */

struct composed {
    struct ladder_step courtesy;
    const struct ladder_step *step;
    int step_number;
    bool court;
    enum language lang;
    bool business;
    struct reminder_line lines[GROUP_MAX_CASES];
    size_t count;
    struct reminder_list history;
    char sender_name[600];
    const char *sender_address;
    char recipient[INVOICE_EMAIL_MAX];
    char recipient_name[INVOICE_NAME_MAX];
    char token[TOKEN_MAX];
    char reply_address[INVOICE_EMAIL_MAX + TOKEN_MAX];
    char message_id[REMINDER_MESSAGE_ID_MAX];
    struct strlist references;
    struct rendered text;
    char *mail;
    size_t mail_len;
};

/* Step `step` for cases (count <= GROUP_MAX_CASES, one debtor), ready to
 * claim and submit: c->mail is the message. False with why, which starts
 * with "database:" when the store failed. c is to be freed either way. */
bool scheduler_compose(const struct ctx *x, const struct due_case *const *cases, size_t count, int step,
                       struct composed *c, char *why, size_t whylen);
void scheduler_composed_free(struct composed *c);

/* The configuration's DefaultLanguage: the creditor's language. */
enum language scheduler_default_language(const struct config *cfg);

/* ---- its copies (scheduler_copies.c) ---- */

/* Writes the dry run's .eml in DryRunDir; its path, or NULL with why. */
char *scheduler_write_dry_run(const struct ctx *x, const struct composed *c, int64_t id, char *why,
                              size_t whylen);
/* The printable letter of the step; NULL when the step has none or it
 * could not be written (logged). */
char *scheduler_write_letter(const struct ctx *x, const struct composed *c, const char *dir, int64_t id);
/* What follows a reminder that went out: its letter, the creditor's copy. */
void scheduler_after_sent(const struct ctx *x, const struct composed *c, int64_t id);

#endif
