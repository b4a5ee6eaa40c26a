/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * message.h - a parsed e-mail (GMime), walked part by part.
 *
 * The walk visits every leaf part, descending into multiparts and into
 * attached messages (message/rfc822), within a depth and a count bound, and
 * hands each part over decoded (transfer encoding removed). It does not
 * decide what a part means: the invoice and reply readers do.
 */
#ifndef RELANCE_MESSAGE_H
#define RELANCE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/mime_scan.h"
#include "lib/util.h"

/* Once per process, before any thread: initialises GMime. */
void message_library_init(void);

struct message;

/* A top-level header, decoded to UTF-8 (RFC 2047), or NULL. Owned by the
 * caller. */
char *message_header(struct message *msg, const char *name);
/* A header value as message_header decodes it (RFC 2047 words, 8-bit
 * text to UTF-8), for a value read from the raw bytes. Owned by the caller. */
char *message_decode_header_text(const char *value, size_t len);
/* The Message-ID without angle brackets, or NULL. Owned by the caller. */
char *message_id(struct message *msg);
/* Appends the addr-specs of an address header (From, To, Cc, ...) to out. */
void message_header_addresses(struct message *msg, const char *name, struct strlist *out);

struct message_part {
    const char *mime_type; /* lower-case "type/subtype" */
    const char *filename;  /* decoded, or NULL */
    const char *charset;   /* from Content-Type, or NULL */
    const char *data;      /* decoded content */
    size_t len;
    int depth;             /* 0 = the message's own body */
    bool is_attachment;    /* Content-Disposition: attachment, or a file name */
    bool in_attached_message; /* inside a message/rfc822 part */
};

typedef void (*message_part_fn)(const struct message_part *part, void *ctx);

struct message_walk_limits {
    int max_parts;
    int max_depth;
    size_t max_part_size; /* larger parts are skipped with a note */
};

/* Visits leaf parts in document order. Notes say what was skipped. Returns
 * the number of parts visited. */
int message_walk(struct message *msg, const struct message_walk_limits *limits, message_part_fn fn,
                 void *ctx, struct strlist *notes);

/* Parses a raw RFC 5322 message. GMime accepts almost anything, so NULL
 * means the bytes held no message at all. */
struct message *message_parse(const char *data, size_t len);
/* Like message_parse, for mail the limits apply to: the raw bytes are first
 * counted (mime_scan.h) and, when they hold more parts or deeper nesting
 * than the limits, only the part before the first entity over them is
 * parsed, so that GMime never builds the whole tree. *scan says what was
 * cut (scan->stop != MIME_SCAN_WHOLE) for the caller to log once. */
struct message *message_parse_bounded(const char *data, size_t len, const struct message_walk_limits *limits,
                                      struct mime_scan_result *scan);
void message_free(struct message *msg);

/* Text of a text part as UTF-8 (charset converted, invalid bytes
 * replaced). Owned by the caller. */
char *message_part_text_utf8(const struct message_part *part);

#endif
