/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_bounce.h - delivery status notifications (RFC 3464) and message
 * disposition notifications (RFC 8098) among incoming mail.
 *
 * A DSN is a message with a message/delivery-status part (in practice a
 * multipart/report; report-type=delivery-status). From it this reads what
 * the caller needs to tie the bounce to a reminder: the failed recipient
 * (Original-Recipient, else Final-Recipient, of the first recipient whose
 * Action is "failed") and the Message-ID of the returned message (from
 * its text/rfc822-headers part, or from the headers of its message/rfc822
 * part). A DSN whose recipients were only delayed, relayed or delivered
 * is no bounce. Deciding what the message is (bounce, auto-reply) is
 * reply_classify's business. Every field is the report writer's word,
 * and anyone can write one: the addresses may only confirm what a
 * reminder's own record says (reply.c), never name an address to mark.
 */
#ifndef RELANCE_REPLY_BOUNCE_H
#define RELANCE_REPLY_BOUNCE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/message.h"

#define REPLY_BOUNCE_ADDRESS_MAX 320
#define REPLY_BOUNCE_ID_MAX 256

struct reply_bounce {
    bool is_dsn;         /* a message/delivery-status part was found */
    bool is_mdn;         /* a message/disposition-notification part (read receipt) */
    bool failed;         /* some recipient's Action is failed (or its Status 5.x.x) */
    char recipient[REPLY_BOUNCE_ADDRESS_MAX];  /* the failed recipient, "" when unknown */
    char final_recipient[REPLY_BOUNCE_ADDRESS_MAX]; /* its Final-Recipient, "" when absent */
    char status[16];                           /* its Status ("5.1.1"), "" when absent */
    char message_id[REPLY_BOUNCE_ID_MAX];      /* the returned message's, without <>, or "" */
};

/* Reads msg's report parts. raw (the message's bytes, may be NULL) is
 * needed only to read the Message-ID inside a returned message/rfc822
 * part: the part walk does not expose the headers of attached messages.
 * limits may be NULL (defaults). */
void reply_bounce_read(struct message *msg, const char *raw, size_t raw_len,
                       const struct message_walk_limits *limits, struct reply_bounce *out);

#endif
