/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_compose.h - one reminder's content and mail, ready to claim and submit
 * (scheduler_compose.c). Private to src/remind.
 */
#ifndef RELANCE_SCHEDULER_COMPOSE_H
#define RELANCE_SCHEDULER_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/ladder.h"
#include "core/payment.h"
#include "lib/lang.h"
#include "lib/template.h"
#include "lib/token.h"
#include "remind/reminder.h"
#include "remind/reminder_content.h"
#include "remind/scheduler_context.h"
#include "store/store.h"

/* ---- one reminder (scheduler_compose.c) ---- */

struct scheduler_composed {
    struct ladder_step courtesy;
    const struct ladder_step *step;
    int step_number;
    bool court;
    enum language lang;
    enum debtor_kind kind;
    struct reminder_line lines[GROUP_MAX_CASES];
    size_t count;
    struct reminder_list history;
    struct letter_dispatch dispatch; /* the newest letter recorded as posted */
    char sender_name[600];
    const char *sender_address;
    char recipient[INVOICE_EMAIL_MAX];
    char recipient_name[INVOICE_NAME_MAX];
    char token[TOKEN_MAX];
    char reply_address[INVOICE_EMAIL_MAX + TOKEN_MAX];
    char message_id[REMINDER_MESSAGE_ID_MAX];
    struct strlist references;
    struct rendered text;
    char qr_payload[PAYMENT_EPC_MAX + 1]; /* the EPC QR code's; "" when none */
    char qr_content_id[REMINDER_MESSAGE_ID_MAX + 8];
    char *qr_png;                         /* its image in the HTML part; NULL when none */
    size_t qr_png_len;
    char *mail;
    size_t mail_len;
};

/* Step `step` for cases (count <= GROUP_MAX_CASES, one debtor), ready to
 * claim and submit: c->mail is the message. False with why, which starts
 * with "database:" when the store failed. c is to be freed either way. */
bool scheduler_compose(const struct scheduler_ctx *x, const struct due_case *const *cases, size_t count, int step,
                       struct scheduler_composed *c, char *why, size_t whylen);
/* The same, for a reminder that went out but was recorded only after an
 * interruption (its letter and the creditor's copy were never made): its
 * step, Message-ID, token and recipient as they were. */
bool scheduler_compose_again(const struct scheduler_ctx *x, const struct due_case *const *cases, size_t count,
                             const struct reminder_row *sent, struct scheduler_composed *c, char *why, size_t whylen);
void scheduler_composed_free(struct scheduler_composed *c);

#endif
