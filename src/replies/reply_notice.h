/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_notice.h - the mail relance writes about a debtor's reply: the
 * creditor's notice (the debtor's own words, the verdict, what relance did,
 * the cases) and the debtor's acknowledgment of a dispute. Built from
 * templates (reponse-creancier.md, accuse-contestation.md) into finished
 * messages that the caller queues in the outbox with the reply.
 *
 * It builds; it neither decides to write nor sends.
 */
#ifndef RELANCE_REPLY_NOTICE_H
#define RELANCE_REPLY_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/config.h"
#include "lib/audit.h"
#include "lib/date.h"
#include "replies/reply_classify.h"
#include "store/store.h"

/* Words of the action (in brackets after it) that the creditor's notice
 * explains: "paused until 2027-02-01 (promise capped at 60 days)",
 * "recorded (pause limit reached)". */
#define REPLY_NOTE_CAPPED "promise capped at"
#define REPLY_NOTE_PAUSE_LIMIT "pause limit reached"

struct reply_notice_input {
    const struct config *cfg;
    const struct audit_key *key;
    struct store *st;
    const int64_t *case_ids;
    size_t case_count;
    const struct reply_reading *reading;
    const char *writer;         /* the reply's author (From address) */
    const char *subject;        /* the reply's subject */
    const char *message_id;     /* the reply's Message-ID, without brackets */
    const char *action;         /* what relance did, as stored ("disputed", "paused until ...") */
    struct date pause_until;    /* unset: none or without end */
    struct date today;
    time_t now;
    bool unverified;            /* the writer could not be authenticated: nothing changed */
};

struct reply_notice {
    char *data; /* the message, LF line ends; owned */
    size_t len;
    char sender[320];     /* envelope sender */
    char recipient[320];
    char message_id[256];
};

/* kind: "creditor-notice" (to CreditorEmail) or "dispute-ack" (to the
 * writer). False with a reason (no template, no recipient, store). */
bool reply_notice_build(const struct reply_notice_input *in, const char *kind, struct reply_notice *out,
                        char *why, size_t whylen);
void reply_notice_free(struct reply_notice *n);

#endif
