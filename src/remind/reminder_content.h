/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reminder_content.h - what a reminder says: the amounts of each invoice
 * at the step (principal, penalties, indemnity) and the variables its
 * template receives (see conf/templates/README.md for the list).
 *
 * The law lives here: penalties and the recovery indemnity are claimed
 * only from business debtors and only at steps that claim them; a
 * consumer is asked for the principal alone (no indemnity, no collection
 * cost: C. consom. / CPCE L111-8), and so is a debtor whose kind is
 * unknown (the reading that protects the debtor: core/debtor_kind.h). It
 * computes and labels; it neither selects cases nor sends.
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
    enum debtor_kind kind;
    struct date today;
    const char *sender_name;  /* the From display name */
    const char *reply_address;
    const struct reminder_line *lines;
    size_t count;
    const struct reminder_list *history; /* earlier reminders, for the creditor; may be NULL */
    const char *qr_content_id; /* the inline QR image's Content-ID; NULL: no QR image (copies) */
};

/* Amounts of one invoice on day `today`: penalties and the indemnity only
 * when the step claims them and the debtor is a business. */
void reminder_line_amounts(const struct config *cfg, bool claim, enum debtor_kind kind, struct date today,
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
/* The amount the reminder asks for (principal + penalties + indemnity of
 * every line): {{total}}, the payment link and the EPC QR code all show
 * it (defined in reminder_payment.c). */
int64_t reminder_total(const struct reminder_content *rc);
/* The agency's reference of a case: "R-" + 4 hex digits of CreditorName's
 * hash + "-" + the case id on 6 digits ("R-3F2A-000042"): the same for
 * every letter of the case, with no column to store. */
void reminder_agency_reference(const struct config *cfg, int64_t case_id, char *out, size_t size);
/* The oldest sent reminder in `history` that went out in the agency's name
 * (from=agency) at another step than `step_name`: the agency's first
 * letter, which later letters recall. NULL when there is none (this mail
 * is then the first). */
/* Sets agency_reference, agency_first_date and the flag agency_first.
 * reminder_content_vars sets them as for the agency's first letter (the
 * reference from lines[0]'s case, dated today); a later letter calls this
 * again with the first letter's date and case (CPCE R124-4, last
 * paragraph: its reference and date are recalled). */
void reminder_reference_vars(const struct config *cfg, enum language lang, int64_t case_id, struct date first_date,
                             bool first, struct template_vars *v);
const struct reminder_row *reminder_first_agency_letter(const struct config *cfg, const struct reminder_list *history,
                                                        const char *step_name);

#endif
