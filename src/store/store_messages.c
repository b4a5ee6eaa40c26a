/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_messages.c - copies of the messages a case rests on (see
 * store_messages.h): the copy, bounded, its hashes, its links to the
 * cases and one audit event per case, in one transaction.
 */
#include "store/store_messages.h"
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "lib/json.h"

#define CASES_MAX 64

void store_sha256_hex(const void *data, size_t len, char out[SHA256_HEX])
{
    unsigned char digest[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(digest, data, len);
    sodium_bin2hex(out, SHA256_HEX, digest, sizeof digest);
}

/* The copy of raw to keep: all of it up to max, else its headers (cut at
 * a line end within max) and a note. Owned. */
static char *bounded_copy(const char *raw, size_t len, size_t max, size_t *out_len, bool *whole)
{
    struct strbuf sb;
    const char *end = NULL;
    size_t head;

    *whole = len <= max;
    if (*whole) {
        char *copy = xmalloc(len + 1);
        memcpy(copy, raw, len);
        copy[len] = '\0';
        *out_len = len;
        return copy;
    }
    for (size_t i = 0; i + 1 < len && end == NULL; i++)
        if (raw[i] == '\n' && (raw[i + 1] == '\n' || (raw[i + 1] == '\r' && i + 2 < len && raw[i + 2] == '\n')))
            end = raw + i + 1;
    head = end ? (size_t)(end - raw) : len;
    if (head > max) {
        head = max;
        while (head > 0 && raw[head - 1] != '\n')
            head--;
    }
    strbuf_init(&sb);
    strbuf_append(&sb, raw, head);
    strbuf_printf(&sb, "X-Relance-Archive: headers only\r\n\r\n"
                       "[relance: the body of this message was not kept: the message is %zu bytes,"
                       " over ArchiveMaxSize (%zu bytes)]\r\n",
                  len, max);
    *out_len = sb.len;
    return strbuf_detach(&sb);
}

static enum store_result case_ids(struct store *st, const char *sql, const char *a, const char *b, int64_t n,
                                  int64_t *ids, size_t *count)
{
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt); /* sql: each caller's static string */

    *count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare message cases");
    if (a) {
        store_bind_text(stmt, 1, a);
        store_bind_text(stmt, 2, b);
    } else {
        sqlite3_bind_int64(stmt, 1, n);
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *count < CASES_MAX)
        ids[(*count)++] = sqlite3_column_int64(stmt, 0);
    store_finalize(st, stmt);
    return rc == SQLITE_ROW ? STORE_OK : store_result_of(st, rc, "read message cases");
}

struct keep {
    const char *kind, *message_id, *queue_id;
    int64_t reminder_id;
    const char *raw;
    size_t len, max;
};

static enum store_result insert_copy(struct store *st, const struct keep *k, const char *copy, size_t copy_len,
                                     bool whole, const char *sha, const char *original, const char *now, int64_t *row)
{
    static const char sql[] = "INSERT INTO messages (kind, message_id, queue_id, reminder_id, size, whole, sha256,"
                              " original_sha256, received_at, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare message copy");
    store_bind_text(stmt, 1, k->kind);
    store_bind_text(stmt, 2, k->message_id);
    store_bind_text(stmt, 3, k->queue_id);
    if (k->reminder_id > 0)
        sqlite3_bind_int64(stmt, 4, k->reminder_id);
    else
        sqlite3_bind_null(stmt, 4);
    sqlite3_bind_int64(stmt, 5, (sqlite3_int64)k->len);
    sqlite3_bind_int(stmt, 6, whole);
    store_bind_text(stmt, 7, sha);
    store_bind_text(stmt, 8, original);
    store_bind_text(stmt, 9, now);
    sqlite3_bind_blob(stmt, 10, copy, (int)copy_len, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    *row = sqlite3_last_insert_rowid(st->db);
    return store_result_of(st, rc, "insert message copy");
}

static enum store_result link_case(struct store *st, const struct audit_key *key, const struct keep *k, int64_t row,
                                   int64_t case_id, const char *sha, const char *original, size_t copy_len, bool whole)
{
    sqlite3_stmt *stmt;
    struct strbuf detail;
    struct json j;
    enum store_result r;
    int rc = sqlite3_prepare_v2(st->db, "INSERT INTO message_cases (message_row, invoice_id) VALUES (?1, ?2)", -1,
                                &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare message link");
    sqlite3_bind_int64(stmt, 1, row);
    sqlite3_bind_int64(stmt, 2, case_id);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if ((r = store_result_of(st, rc, "link message")) != STORE_OK)
        return r;
    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_int(&j, "message", row);
    json_kv_string(&j, "kind", k->kind);
    json_kv_string(&j, "message_id", k->message_id);
    if (k->reminder_id > 0)
        json_kv_int(&j, "reminder", k->reminder_id);
    json_kv_string(&j, "sha256", sha);
    json_kv_int(&j, "bytes", (long long)copy_len);
    json_kv_bool(&j, "whole", whole);
    json_kv_int(&j, "size", (long long)k->len);
    json_kv_string(&j, "original_sha256", original);
    json_object_end(&j);
    r = store_event_insert(st, key, case_id, "message-kept", "relance", detail.data);
    strbuf_free(&detail);
    return r;
}

static enum store_result keep_in_transaction(struct store *st, const struct audit_key *key, const struct keep *k,
                                             const int64_t *ids, size_t n)
{
    char sha[SHA256_HEX], original[SHA256_HEX], now[32];
    size_t copy_len;
    bool whole;
    char *copy = bounded_copy(k->raw, k->len, k->max, &copy_len, &whole);
    int64_t row = 0;
    enum store_result r;

    store_sha256_hex(copy, copy_len, sha);
    store_sha256_hex(k->raw, k->len, original);
    store_now_text(now);
    r = insert_copy(st, k, copy, copy_len, whole, sha, original, now, &row);
    for (size_t i = 0; i < n && r == STORE_OK; i++)
        r = link_case(st, key, k, row, ids[i], sha, original, copy_len, whole);
    free(copy);
    return r;
}

/* Finds the cases (sql with ?1 ?2 text, or ?1 a number) and keeps the
 * copy for them, in one transaction. candidates (or NULL): a cheap query
 * of the same parameters whose rows include every case sql can find. */
static enum store_result keep(struct store *st, const struct audit_key *key, const struct keep *k, const char *sql,
                              const char *candidates, int64_t n, size_t *cases)
{
    int64_t ids[CASES_MAX];
    enum store_result r;

    /* Often there is nothing to keep (a duplicate reply, an invoice sent
     * again): known first without the write lock, which every other
     * writer would wait for. */
    if (candidates != NULL) {
        r = case_ids(st, candidates, k->message_id, k->queue_id, n, ids, cases);
        if (r != STORE_OK || *cases == 0)
            return r;
    }
    if ((r = store_begin(st)) != STORE_OK) {
        *cases = 0;
        return r;
    }
    r = case_ids(st, sql, k->reminder_id > 0 ? NULL : k->message_id, k->queue_id, n, ids, cases);
    if (r == STORE_OK && *cases > 0)
        r = keep_in_transaction(st, key, k, ids, *cases);
    if (r != STORE_OK)
        *cases = 0;
    return store_finish(st, r);
}

enum store_result store_keep_invoice_message(struct store *st, const struct audit_key *key, const char *message_id,
                                             const char *queue_id, const char *raw, size_t len, size_t max,
                                             size_t *cases)
{
    static const char sql[] =
        "SELECT i.id FROM invoices i WHERE i.message_id = ?1 AND i.queue_id = ?2 AND NOT EXISTS"
        " (SELECT 1 FROM message_cases mc JOIN messages m ON m.id = mc.message_row"
        "  WHERE mc.invoice_id = i.id AND m.kind = 'invoice') ORDER BY i.id";
    static const char candidates[] = "SELECT i.id FROM invoices i WHERE i.message_id = ?1 AND i.queue_id = ?2 LIMIT 1";
    struct keep k = {"invoice", message_id ? message_id : "", queue_id ? queue_id : "", 0, raw, len, max};

    return keep(st, key, &k, sql, candidates, 0, cases);
}

static const char reply_cases_sql[] =
    "SELECT DISTINCT r.invoice_id FROM replies r WHERE r.message_id = ?1 AND r.queue_id = ?2"
    " AND r.invoice_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM message_cases mc JOIN messages m"
    "  ON m.id = mc.message_row WHERE mc.invoice_id = r.invoice_id AND m.kind = 'reply'"
    "  AND m.message_id = ?1 AND m.queue_id = ?2) ORDER BY r.invoice_id";

enum store_result store_keep_reply_message(struct store *st, const struct audit_key *key, const char *message_id,
                                           const char *queue_id, const char *raw, size_t len, size_t max,
                                           size_t *cases)
{
    static const char candidates[] = "SELECT r.invoice_id FROM replies r WHERE r.message_id = ?1 AND r.queue_id = ?2"
                                     " AND r.invoice_id IS NOT NULL LIMIT 1";
    struct keep k = {"reply", message_id ? message_id : "", queue_id ? queue_id : "", 0, raw, len, max};

    return keep(st, key, &k, reply_cases_sql, candidates, 0, cases);
}

enum store_result store_keep_reply_message_here(struct store *st, const struct audit_key *key,
                                                const char *message_id, const char *queue_id, const char *raw,
                                                size_t len, size_t max, size_t *cases)
{
    struct keep k = {"reply", message_id ? message_id : "", queue_id ? queue_id : "", 0, raw, len, max};
    int64_t ids[CASES_MAX];
    enum store_result r = case_ids(st, reply_cases_sql, k.message_id, k.queue_id, 0, ids, cases);

    if (r == STORE_OK && *cases > 0)
        r = keep_in_transaction(st, key, &k, ids, *cases);
    if (r != STORE_OK)
        *cases = 0;
    return r;
}

enum store_result store_keep_reminder_message(struct store *st, const struct audit_key *key, int64_t reminder_id,
                                              const char *raw, size_t len, size_t max, size_t *cases)
{
    static const char sql[] =
        "SELECT ri.invoice_id FROM reminder_items ri WHERE ri.reminder_id = ?1 AND NOT EXISTS"
        " (SELECT 1 FROM messages m WHERE m.reminder_id = ?1) ORDER BY ri.invoice_id";
    char message_id[256] = "";
    struct reminder_row r;
    struct keep k = {"reminder", message_id, "", reminder_id, raw, len, max};

    if (store_get_reminder(st, reminder_id, &r) == STORE_OK)
        str_copy(message_id, sizeof message_id, r.message_id);
    return keep(st, key, &k, sql, NULL, reminder_id, cases);
}

/* ---- read side ---- */

void kept_message_list_free(struct kept_message_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].raw);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static void kept_from_row(sqlite3_stmt *stmt, void *item)
{
    struct kept_message *m = item;
    const void *raw = sqlite3_column_blob(stmt, 10);
    int n = sqlite3_column_bytes(stmt, 10);

    m->id = sqlite3_column_int64(stmt, 0);
    store_column_copy(stmt, 1, m->kind, sizeof m->kind);
    store_column_copy(stmt, 2, m->message_id, sizeof m->message_id);
    store_column_copy(stmt, 3, m->queue_id, sizeof m->queue_id);
    m->reminder_id = sqlite3_column_int64(stmt, 4);
    m->size = (size_t)sqlite3_column_int64(stmt, 5);
    m->whole = sqlite3_column_int(stmt, 6) != 0;
    store_column_copy(stmt, 7, m->sha256, sizeof m->sha256);
    store_column_copy(stmt, 8, m->original_sha256, sizeof m->original_sha256);
    store_column_copy(stmt, 9, m->received_at, sizeof m->received_at);
    m->raw_len = n > 0 ? (size_t)n : 0;
    m->raw = xmalloc(m->raw_len + 1);
    if (m->raw_len)
        memcpy(m->raw, raw, m->raw_len);
    m->raw[m->raw_len] = '\0';
}

enum store_result store_case_messages(struct store *st, int64_t case_id, struct kept_message_list *out)
{
    static const char sql[] =
        "SELECT m.id, m.kind, m.message_id, m.queue_id, COALESCE(m.reminder_id, 0), m.size, m.whole, m.sha256,"
        " m.original_sha256, m.received_at, m.raw FROM messages m JOIN message_cases mc ON mc.message_row = m.id"
        " WHERE mc.invoice_id = ?1 ORDER BY m.received_at, m.id";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    out->items = NULL;
    out->count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare case messages");
    sqlite3_bind_int64(stmt, 1, case_id);
    return store_read_rows(st, stmt, (void **)&out->items, &out->count, sizeof *out->items, kept_from_row,
                           "read case messages");
}
