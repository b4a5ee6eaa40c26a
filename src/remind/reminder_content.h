/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reminder_content.h - what a reminder says: the amounts of each invoice
 * at the step (principal, penalties, indemnity) and the variables its
 * template receives (see conf/templates/README.md for the list).
 *
 * The law lives here: penalties and the recovery indemnity are claimed
 * only from business debtors and only at steps that claim them; a
 * consumer is asked for the principal alone (no indemnity, no collection
 * cost: C. consom. / CPCE L111-8). It computes and labels; it neither
 * selects cases nor sends.
 */
#ifndef RELANCE_REMINDER_CONTENT_H
#define RELANCE_REMINDER_CONTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/ladder.h"
#include "lib/lang.h"
#include "lib/template.h"
#include "store/store.h"

struct reminder_line {
    const struct due_case *dc;
    int64_t principal; /* what is owed now */
    int64_t penalties;
    int64_t indemnity;
    int64_t days_late;
};

struct reminder_content {
    const struct config *cfg;
    const struct ladder_step *step;
    int step_number;          /* 0: courtesy notice */
    enum language lang;
    bool business;
    struct date today;
    const char *sender_name;  /* the From display name */
    const char *reply_address;
    const struct reminder_line *lines;
    size_t count;
    const struct reminder_list *history; /* earlier reminders, for the creditor; may be NULL */
};

/* Amounts of one invoice on day `today`. */
void reminder_line_amounts(const struct config *cfg, bool claim, bool business, struct date today,
                           const struct money_payment *payments, size_t payment_count, struct reminder_line *line);
/* Fills every variable, flag and block of the templates (no letter
 * recorded as posted: see reminder_dispatch_vars). */
void reminder_content_vars(const struct reminder_content *rc, struct template_vars *v);
/* What a reminder may say of postal dispatch, after reminder_content_vars:
 * the newest letter the operator recorded as posted (NULL or not posted:
 * nothing is said). */
void reminder_dispatch_vars(const struct letter_dispatch *d, enum language lang, struct template_vars *v);
/* A step's name for people ("Mise en demeure"); the name itself when unknown. */
const char *reminder_step_label(const char *step_name, enum language lang);
int64_t reminder_total(const struct reminder_content *rc);

#endif
