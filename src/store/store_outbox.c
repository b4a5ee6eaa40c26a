/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_outbox.c - the outbox of mail written about replies (the
 * creditor's notice, the debtor's acknowledgment): what is due, the claim
 * that makes a message go out at most once, its outcome, the stale claims
 * a dead sender left, and the listing the operator reads.
 *
 * The claim follows the reminders' (store_reminders.c): pending -> sending
 * in one IMMEDIATE transaction, so that two senders (the daemon's thread,
 * relancectl run-due) are serialised and only one of them wins; a claim
 * nobody recorded within PendingTimeout becomes 'uncertain', never sent
 * again, since the MTA may have it.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_internal.h"

void outbox_list_free(struct outbox_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].data);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

#define OUTBOX_COLUMNS                                                                             \
    "id, kind, COALESCE(invoice_id, 0), sender, recipient, message_id, message, attempts, state,"  \
    " created_at, COALESCE(claimed_at, ''), COALESCE(sent_at, ''), error"

static void outbox_from_row(sqlite3_stmt *stmt, void *item)
{
    struct outbox_row *o = item;
    const void *blob = sqlite3_column_blob(stmt, 6);
    int len = sqlite3_column_bytes(stmt, 6);

    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(stmt, 0);
    store_column_copy(stmt, 1, o->kind, sizeof o->kind);
    o->case_id = sqlite3_column_int64(stmt, 2);
    store_column_copy(stmt, 3, o->sender, sizeof o->sender);
    store_column_copy(stmt, 4, o->recipient, sizeof o->recipient);
    store_column_copy(stmt, 5, o->message_id, sizeof o->message_id);
    o->len = len > 0 ? (size_t)len : 0;
    o->data = xmalloc(o->len + 1);
    if (o->len)
        memcpy(o->data, blob, o->len);
    o->data[o->len] = '\0';
    o->attempts = sqlite3_column_int(stmt, 7);
    store_column_copy(stmt, 8, o->state, sizeof o->state);
    store_column_copy(stmt, 9, o->created_at, sizeof o->created_at);
    store_column_copy(stmt, 10, o->claimed_at, sizeof o->claimed_at);
    store_column_copy(stmt, 11, o->sent_at, sizeof o->sent_at);
    store_column_copy(stmt, 12, o->error, sizeof o->error);
}

static enum store_result outbox_read(struct store *st, const char *sql, const char *text, size_t limit,
                                     struct outbox_list *out)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    out->items = NULL;
    out->count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare outbox");
    if (text)
        store_bind_text(stmt, 1, text);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)limit);
    return store_read_rows(st, stmt, (void **)&out->items, &out->count, sizeof *out->items, outbox_from_row,
                           "read outbox");
}

enum store_result store_outbox_due(struct store *st, const char *now, size_t limit, struct outbox_list *out)
{
    static const char sql[] = "SELECT " OUTBOX_COLUMNS
                              " FROM outbox WHERE state = 'pending' AND next_at <= ?1 ORDER BY id LIMIT ?2";

    return outbox_read(st, sql, now, limit, out);
}

enum store_result store_outbox_list_stale(struct store *st, const char *before, struct outbox_list *out)
{
    static const char sql[] = "SELECT " OUTBOX_COLUMNS
                              " FROM outbox WHERE state = 'sending' AND claimed_at < ?1 ORDER BY id LIMIT ?2";

    return outbox_read(st, sql, before, 1000, out);
}

enum store_result store_outbox_list(struct store *st, const char *state, size_t limit, struct outbox_list *out)
{
    static const char sql[] = "SELECT " OUTBOX_COLUMNS
                              " FROM outbox WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC LIMIT ?2";

    return outbox_read(st, sql, state, limit, out);
}

/* One UPDATE of the outbox that must change exactly one row: zero rows
 * means the row was not in the expected state (STORE_CONFLICT). */
static enum store_result outbox_update(struct store *st, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);

    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return store_result_of(st, rc, what);
    return sqlite3_changes(st->db) == 1 ? STORE_OK : STORE_CONFLICT;
}

static enum store_result claim_in_transaction(struct store *st, int64_t id)
{
    static const char sql[] =
        "UPDATE outbox SET state = 'sending', claimed_at = ?2 WHERE id = ?1 AND state = 'pending'";
    char now[32];
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare outbox claim");
    store_now_text(now);
    sqlite3_bind_int64(stmt, 1, id);
    store_bind_text(stmt, 2, now);
    return outbox_update(st, stmt, "claim outbox");
}

enum store_result store_outbox_claim(struct store *st, int64_t id)
{
    enum store_result r = store_begin(st);

    if (r != STORE_OK)
        return r;
    return store_finish(st, claim_in_transaction(st, id));
}

enum store_result store_outbox_done(struct store *st, int64_t id, const char *state, const char *retry_at,
                                    const char *error)
{
    return store_outbox_done_at(st, id, state, retry_at, error, NULL);
}

enum store_result store_outbox_done_at(struct store *st, int64_t id, const char *state, const char *retry_at,
                                       const char *error, const char *sent_at)
{
    /* From 'uncertain' too: a slow sender whose claim was given up for
     * dead still knows best what became of its message. */
    static const char sql[] =
        "UPDATE outbox SET state = ?2, attempts = attempts + 1, next_at = COALESCE(?3, next_at),"
        " sent_at = CASE WHEN ?2 = 'sent' THEN ?4 ELSE sent_at END, error = ?5"
        " WHERE id = ?1 AND state IN ('sending', 'uncertain')";
    char now[32];
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare outbox update");
    store_now_text(now);
    sqlite3_bind_int64(stmt, 1, id);
    store_bind_text(stmt, 2, state);
    if (retry_at)
        store_bind_text(stmt, 3, retry_at);
    else
        sqlite3_bind_null(stmt, 3);
    store_bind_text(stmt, 4, sent_at ? sent_at : now);
    store_bind_text(stmt, 5, error ? error : "");
    return outbox_update(st, stmt, "update outbox");
}

enum store_result store_outbox_abandon(struct store *st, int64_t id, const char *error)
{
    static const char sql[] = "UPDATE outbox SET state = 'uncertain', error = ?2 WHERE id = ?1 AND state = 'sending'";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare outbox update");
    sqlite3_bind_int64(stmt, 1, id);
    store_bind_text(stmt, 2, error);
    return outbox_update(st, stmt, "update outbox");
}

/* One message queued in the caller's transaction (replies, resolutions,
 * proceedings). */
enum store_result store_outbox_queue(struct store *st, const struct outbox_message *m, int64_t reply_id,
                                     const char *now)
{
    static const char sql[] =
        "INSERT INTO outbox (kind, invoice_id, reply_id, sender, recipient, message_id, message, created_at,"
        " next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare outbox");
    store_bind_text(stmt, 1, m->kind);
    if (m->case_id > 0)
        sqlite3_bind_int64(stmt, 2, m->case_id);
    else
        sqlite3_bind_null(stmt, 2);
    if (reply_id > 0)
        sqlite3_bind_int64(stmt, 3, reply_id);
    else
        sqlite3_bind_null(stmt, 3);
    store_bind_text(stmt, 4, m->sender);
    store_bind_text(stmt, 5, m->recipient);
    store_bind_text(stmt, 6, m->message_id);
    sqlite3_bind_blob(stmt, 7, m->data, (int)m->len, SQLITE_TRANSIENT);
    store_bind_text(stmt, 8, now);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "insert outbox");
}
