/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_match.h - the clues by which an incoming message names what it
 * answers: a tagged reply address among its recipients, the Message-IDs
 * in its In-Reply-To and References, an invoice number in its words.
 *
 * Pure text work: nothing here looks in the store or verifies a token
 * (reply.c does both).
 */
#ifndef RELANCE_REPLY_MATCH_H
#define RELANCE_REPLY_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

/* At most this many Message-IDs are taken from a message's headers. */
#define REPLY_MATCH_MAX_IDS 20

/* The first recipient that is reply_address tagged "local+TOKEN@domain"
 * (local part and domain compared without case): its token in token.
 * False when no recipient is. */
bool reply_match_tagged_recipient(const char *reply_address, const struct strlist *recipients, char *token,
                                  size_t size);

/* Whether address is reply_address itself or a tagged form of it. */
bool reply_match_is_reply_address(const char *reply_address, const char *address);

/* The Message-IDs (without brackets) named by In-Reply-To, then by
 * References from the newest to the oldest; each once, at most
 * REPLY_MATCH_MAX_IDS. Either header may be NULL. */
void reply_match_message_ids(const char *in_reply_to, const char *references, struct strlist *out);

/* Numbers this long or longer are never looked for (invoice numbers stop
 * short of it: INVOICE_NUMBER_MAX). */
#define REPLY_MATCH_MAX_NUMBER 128

/* Whether text names number as a whole word (not inside a longer
 * number or word), ignoring case (ASCII letters). */
bool reply_match_names_number(const char *text, const char *number);

/* The same for many numbers at once, in one pass over text: named[i] is
 * set (never cleared) when text names numbers[i]. The work is the text's
 * length times the number of distinct number lengths, whatever count, so
 * that a long reply from a debtor with many cases costs one reading. */
void reply_match_named_numbers(const char *text, const char *const *numbers, size_t count, bool *named);

#endif
