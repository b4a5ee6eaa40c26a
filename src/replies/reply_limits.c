/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_limits.c - what the store knows that bounds a reply's effect (see
 * reply_limits.h): the one address a bounce may mark, and how often
 * replies have paused its cases already.
 *
 * A bounce is a stranger's text: anybody can send a null-sender message
 * to the reply address, with any Final-Recipient and any "<addr>:" line.
 * What it cannot choose is which reminder it names by a signed token or
 * by a Message-ID it was never sent; so the address marked is the one
 * recorded with that reminder, and the report's own addresses may only
 * confirm it.
 */
#include "replies/reply_limits.h"

#include <string.h>
#include <strings.h>

#include "lib/util.h"

/* The reminder a bounce is about, when it is named by what a stranger
 * cannot choose: the signed token of the envelope recipient (the
 * reminder's own envelope sender), or a reminder's Message-ID in the
 * returned headers (the cases were found by it; a thread match counts
 * only when the returned headers name the same reminder). 0: none. */
static enum store_result bounce_reminder(struct store *st, const char *by, int64_t matched_reminder,
                                         const struct reply_bounce *b, int64_t *reminder_id)
{
    struct case_list found;
    int64_t named = 0;
    enum store_result r = STORE_OK;

    *reminder_id = 0;
    if (matched_reminder <= 0)
        return STORE_OK;
    if (strcmp(by, "token") == 0 || strcmp(by, "bounce") == 0) {
        *reminder_id = matched_reminder;
        return STORE_OK;
    }
    if (b->message_id[0] != '\0') {
        r = store_cases_of_reminder_message(st, b->message_id, &named, &found);
        case_list_free(&found);
    }
    if (r == STORE_OK && named == matched_reminder)
        *reminder_id = named;
    return r;
}

/* Whether what the report says of the failed recipient (Original-
 * Recipient, Final-Recipient, a qmail "<addr>:" line) allows marking the
 * reminder's recipient: it is the report writer's word, so it may only
 * confirm. A report that names none (or nothing readable as an address)
 * leaves the reminder's own record alone to say who was written to; one
 * that names other addresses only is not about that recipient (a
 * forwarding, or a forgery naming someone else): nothing is marked, the
 * creditor reads it. Either way only the reminder's recipient, the
 * debtor of the cases it named, can ever be marked. */
static bool report_confirms(const struct reply_bounce *b, const char *recipient)
{
    bool any = false;
    const char *said[] = {b->recipient, b->final_recipient};

    for (size_t i = 0; i < ARRAY_LEN(said); i++) {
        if (!str_is_email(said[i]))
            continue;
        if (strcasecmp(said[i], recipient) == 0)
            return true;
        any = true;
    }
    return !any;
}

static enum store_result bounce_history(struct store *st, const char *by, int64_t matched_reminder,
                                        const struct reply_bounce *b, struct reply_history *hist)
{
    int64_t reminder_id;
    char recipient[INVOICE_EMAIL_MAX];
    enum store_result r = bounce_reminder(st, by, matched_reminder, b, &reminder_id);

    if (r != STORE_OK)
        return r;
    hist->unmarked = "bounce names no reminder";
    if (reminder_id == 0)
        return STORE_OK;
    if ((r = store_reminder_recipient(st, reminder_id, recipient, sizeof recipient)) != STORE_OK)
        return r;
    if (!str_is_email(recipient))
        return STORE_OK;
    hist->unmarked = "report names another address";
    if (!report_confirms(b, recipient))
        return STORE_OK;
    hist->unmarked = NULL;
    str_copy(hist->bounced, sizeof hist->bounced, recipient);
    return STORE_OK;
}

enum store_result reply_history_read(struct store *st, const struct reply_reading *reading, const char *by,
                                     int64_t reminder_id, const struct case_list *cases, int max_pauses,
                                     struct reply_history *out)
{
    enum store_result r = STORE_OK;

    memset(out, 0, sizeof *out);
    if (reading->verdict == REPLY_BOUNCE)
        return bounce_history(st, by, reminder_id, &reading->bounce, out);
    for (size_t i = 0; r == STORE_OK && i < cases->count; i++) {
        int n = 0;
        r = store_reply_pauses_upto(st, cases->items[i].id, max_pauses, &n);
        if (n > out->pauses)
            out->pauses = n;
    }
    return r;
}
