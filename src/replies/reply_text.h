/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_text.h - the debtor's own words in a reply e-mail.
 *
 * First the body the debtor wrote in: the first text/plain part that is
 * neither an attachment nor inside an attached message, else the first
 * such text/html part turned to text (html_text.h keeps <blockquote>
 * nesting as "> " marks). Then what the debtor did not write is removed:
 * quoted lines ("> "), attribution lines ("Le … a écrit :", "On … wrote:",
 * also wrapped over two lines), everything from an Outlook header block
 * ("De : … Envoyé : … À : … Objet :", "From: … Sent: … To: … Subject:"),
 * an "-----Original Message-----" / "-----Message d'origine-----" line or
 * a forwarded-message marker on, signatures after "-- ", a closing
 * ("Cordialement", "Best regards") with the short lines after it, legal
 * disclaimers, and "Sent from my iPhone" lines. Top-posted replies keep
 * what stands above the quote; bottom-posted and interleaved replies keep
 * the lines between and below the quotes.
 *
 * It does not classify anything (reply_classify.h) and never looks at
 * headers other than through the part walk.
 */
#ifndef RELANCE_REPLY_TEXT_H
#define RELANCE_REPLY_TEXT_H

#include <stddef.h>

#include "lib/message.h"

/* Bounds: input read, lines looked at, own words kept. */
#define REPLY_TEXT_MAX_INPUT (512u * 1024)
#define REPLY_TEXT_MAX_LINES 10000
#define REPLY_TEXT_MAX_OUTPUT (32u * 1024)

/* The body text as UTF-8, or NULL when the message has no readable text
 * part. limits may be NULL (defaults). Owned by the caller. */
char *reply_body_text(struct message *msg, const struct message_walk_limits *limits);

/* The own words of a body text (UTF-8): never NULL, "" when nothing is
 * left; at most REPLY_TEXT_MAX_OUTPUT bytes. Owned by the caller. */
char *reply_own_words(const char *body, size_t len);

#endif
