/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reminder.h - builds a reminder (or a copy for the creditor) as a MIME
 * message with GMime, from an already rendered template.
 *
 * Headers: From, To, Reply-To (the tagged reply address), Subject, Date,
 * Message-ID (chosen by the caller and recorded before sending),
 * In-Reply-To/References (the invoices' messages), Auto-Submitted:
 * auto-generated (RFC 3834, so that auto-responders stay quiet), and the
 * marker X-Relance-Reminder: TOKEN by which relance's own milter knows the
 * message and never reads it as an invoice. Body: multipart/alternative
 * text/plain + text/html (the HTML in multipart/related with its inline
 * image, the payment QR code, when there is one), in multipart/mixed when
 * there are attachments.
 *
 * It builds bytes; it neither chooses the recipients nor sends.
 */
#ifndef RELANCE_REMINDER_H
#define RELANCE_REMINDER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/calendar.h"
#include "lib/util.h"
#include "relance.h"

#define REMINDER_MARKER_HEADER RELANCE_HEADER_REMINDER
#define REMINDER_REDIRECT_HEADER RELANCE_HEADER_REDIRECTED
#define REMINDER_MESSAGE_ID_MAX 256

struct reminder_attachment {
    const char *filename;
    const char *mime_type; /* "message/rfc822" attaches a message as such */
    const char *data;
    size_t len;
};

struct reminder_mail {
    const char *from_name, *from_address;
    const char *to_name, *to_address;
    const char *redirected_from; /* the real recipient when RedirectTo applies, else NULL */
    const char *reply_to;
    const char *message_id;            /* without brackets */
    const struct strlist *references;  /* Message-IDs without brackets, oldest first */
    const char *marker;                /* the signed token */
    const char *language;              /* Content-Language */
    const char *subject, *text, *html;
    time_t date;
    const struct calendar_zone *zone; /* the Date header's (Timezone); NULL: UTC */
    const struct reminder_attachment *attachments;
    size_t attachment_count;
    /* An image the HTML part shows (<img src="cid:ID">): the HTML part and
     * it go together in multipart/related (RFC 2387). NULL: none. */
    const struct reminder_attachment *html_image;
    const char *html_image_id; /* its Content-ID, without brackets */
};

/* A fresh Message-ID (without brackets) in the domain of address. */
void reminder_new_message_id(const char *address, char out[REMINDER_MESSAGE_ID_MAX]);
/* The message, LF line ends; owned by the caller. */
char *reminder_build(const struct reminder_mail *m, size_t *len);

#endif
