/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plain_message.h - recognises, in raw bytes, a message that is nothing
 * but one text/plain body with nothing to decode, without building a
 * MIME tree.
 *
 * Most mail is such a message, and a reader that only wants to know
 * whether its text uses some ASCII word need not parse it: the body's
 * bytes are the text GMime would hand over (no transfer encoding, a
 * charset that keeps every ASCII byte where it was). Whatever the
 * recogniser cannot be sure of (a folded or duplicated Content-* field or
 * Subject, a parameter other than charset, a line that is not a header
 * field) makes it say no, and the caller parses the
 * message as usual.
 */
#ifndef RELANCE_PLAIN_MESSAGE_H
#define RELANCE_PLAIN_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

struct plain_message {
    const char *body; /* into the raw bytes: the text after the blank line */
    size_t body_len;
    const char *subject; /* the Subject field's value as written (encoded words and
                            8-bit bytes left as they are), or NULL */
    size_t subject_len;
};

/* True when data holds a lone text/plain part: no Content-Disposition, no
 * file name, Content-Transfer-Encoding 7bit, 8bit or binary (or none), a
 * charset of UTF-8, US-ASCII or an 8-bit superset of ASCII (or none), a
 * body that does not start as a PDF does. out points into data. */
bool plain_message_read(const char *data, size_t len, struct plain_message *out);

#endif
