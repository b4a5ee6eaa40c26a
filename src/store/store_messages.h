/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_messages.h - copies of the messages a case rests on, for the
 * court file (relancectl dossier): the invoice mail and the debtor's
 * replies as the milter saw them, each reminder as the scheduler
 * submitted it. A copy is bounded by ArchiveMaxSize: past it, the headers
 * and a note saying how big the message was. Each copy is one row linked
 * to its cases, and one 'message-kept' event per case records its
 * SHA-256 (and the whole message's), so that the audit chain proves it.
 */
#ifndef RELANCE_STORE_MESSAGES_H
#define RELANCE_STORE_MESSAGES_H

#include "store/store.h"

#define SHA256_HEX 65 /* 64 hex digits + NUL */

/* SHA-256 of data as 64 lower-case hex digits. */
void store_sha256_hex(const void *data, size_t len, char out[SHA256_HEX]);

/* The invoice mail (message_id, queue_id as recorded on the cases it
 * created): kept once for the cases it created and that have no copy yet.
 * *cases: how many cases the copy was linked to (0: none, nothing kept). */
enum store_result store_keep_invoice_message(struct store *st, const struct audit_key *key, const char *message_id,
                                             const char *queue_id, const char *raw, size_t len, size_t max,
                                             size_t *cases);
/* A reply, for the cases its replies rows (same message_id and queue_id)
 * were recorded against; a reply recorded as a duplicate has none. */
enum store_result store_keep_reply_message(struct store *st, const struct audit_key *key, const char *message_id,
                                           const char *queue_id, const char *raw, size_t len, size_t max,
                                           size_t *cases);
/* The same inside the caller's transaction (store_record_reply). */
enum store_result store_keep_reply_message_here(struct store *st, const struct audit_key *key,
                                                const char *message_id, const char *queue_id, const char *raw,
                                                size_t len, size_t max, size_t *cases);
/* A reminder as submitted, for the cases it covered. */
enum store_result store_keep_reminder_message(struct store *st, const struct audit_key *key, int64_t reminder_id,
                                              const char *raw, size_t len, size_t max, size_t *cases);

struct kept_message {
    int64_t id;
    char kind[16];           /* invoice | reminder | reply */
    char message_id[256];
    char queue_id[32];
    int64_t reminder_id;     /* 0 unless a reminder */
    size_t size;             /* the whole message's bytes */
    bool whole;
    char sha256[SHA256_HEX];
    char original_sha256[SHA256_HEX];
    char received_at[32];
    char *raw;               /* owned, NUL-terminated */
    size_t raw_len;
};

struct kept_message_list {
    struct kept_message *items;
    size_t count;
};

void kept_message_list_free(struct kept_message_list *list);
/* A case's copies, oldest first. */
enum store_result store_case_messages(struct store *st, int64_t case_id, struct kept_message_list *out);

#endif
