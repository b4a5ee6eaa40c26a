/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_replies.c - debtors' replies: finding the cases a reply is about,
 * recording a reply with what it does to its cases (in one transaction),
 * pauses that end by themselves, and disputes that only an operator ends.
 * The outbox the replies fill is read and sent from store_outbox.c.
 *
 * Why one transaction per reply: a dispute must never be half-recorded.
 * Either the reply, the new status, the event and the creditor's notice
 * are all there, or none is and the reply is read again if it comes back.
 * It does not decide what a reply means (reply_classify.c) nor what it
 * should do (reply.c).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/money.h"
#include "lib/json.h"
#include "store/store.h"
#include "store/store_insolvency.h"
#include "store/store_internal.h"
#include "store/store_messages.h"
#include "store/store_transitions.h"

/* ---- finding the cases ---- */

/* Only live cases (case_is_live, in SQL from the same rule). */
static enum store_result cases_where(struct store *st, const char *where, const char *a, const char *b,
                                     int flag, struct case_list *out)
{
    char *live = case_live_sql("i");
    char *sql = xasprintf("SELECT " STORE_CASE_COLUMNS STORE_CASE_FROM " WHERE %s AND %s ORDER BY i.id", live,
                          where);
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    free(sql);
    free(live);
    out->items = NULL;
    out->count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reply cases");
    store_bind_text(stmt, 1, a);
    store_bind_text(stmt, 2, b);
    sqlite3_bind_int(stmt, 3, flag);
    return store_query_cases(st, stmt, out);
}

/* The reminder whose column (message_id or token) has this value. */
static enum store_result reminder_where(struct store *st, bool by_token, const char *value, int64_t *id)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db,
                                by_token ? "SELECT id FROM reminders WHERE token = ?1 COLLATE NOCASE ORDER BY id DESC"
                                         : "SELECT id FROM reminders WHERE message_id = ?1",
                                -1, &stmt, NULL);

    *id = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reminder by message");
    store_bind_text(stmt, 1, value);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "read reminder by message");
}

static enum store_result cases_of_reminder(struct store *st, bool by_token, const char *value,
                                           int64_t *reminder_id, struct case_list *out)
{
    enum store_result r = reminder_where(st, by_token, value, reminder_id);
    char id[24];

    out->items = NULL;
    out->count = 0;
    if (r != STORE_OK || *reminder_id == 0)
        return r;
    str_format(id, sizeof id, "%lld", (long long)*reminder_id);
    return cases_where(st, "i.id IN (SELECT invoice_id FROM reminder_items WHERE reminder_id = CAST(?1 AS INTEGER))",
                       id, "", 0, out);
}

enum store_result store_cases_of_reminder_message(struct store *st, const char *message_id,
                                                  int64_t *reminder_id, struct case_list *out)
{
    return cases_of_reminder(st, false, message_id, reminder_id, out);
}

enum store_result store_cases_of_reminder_token(struct store *st, const char *token, int64_t *reminder_id,
                                                struct case_list *out)
{
    return cases_of_reminder(st, true, token, reminder_id, out);
}

enum store_result store_cases_of_invoice_message(struct store *st, const char *message_id,
                                                 struct case_list *out)
{
    if (message_id == NULL || message_id[0] == '\0') {
        out->items = NULL;
        out->count = 0;
        return STORE_OK;
    }
    return cases_where(st, "i.message_id = ?1", message_id, "", 0, out);
}

enum store_result store_message_id_known(struct store *st, const char *message_id, bool *known)
{
    static const char sql[] = "SELECT EXISTS (SELECT 1 FROM reminders WHERE message_id = ?1)"
                              " OR EXISTS (SELECT 1 FROM invoices WHERE message_id = ?1)";
    sqlite3_stmt *stmt;
    int rc;

    *known = false;
    if (message_id == NULL || message_id[0] == '\0')
        return STORE_OK;
    /* Kept prepared, as the two below: asked for every message from outside. */
    rc = store_prepare(st, sql, &stmt);
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare message lookup");
    store_bind_text(stmt, 1, message_id);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *known = sqlite3_column_int(stmt, 0) != 0;
    store_finalize(st, stmt);
    return store_result_of(st, rc, "read message lookup");
}

/* The domain, lower-cased, as the debtors_by_domain index holds it. */
static char *domain_key(const char *address)
{
    const char *at = address ? strrchr(address, '@') : NULL;
    char *d = xstrdup(at ? at + 1 : "");

    str_tolower_ascii(d);
    return d;
}

/* The expression must be the index's, word for word, for SQLite to use it. */
#define DEBTOR_MATCH                                                                               \
    "(email = ?1 OR (?3 AND lower(substr(email, instr(email, '@') + 1)) = ?2))"

enum store_result store_cases_of_correspondent(struct store *st, const char *address, bool domain_too,
                                               struct case_list *out)
{
    char *domain = domain_key(address);
    enum store_result r = cases_where(st, "i.debtor_id IN (SELECT id FROM debtors WHERE " DEBTOR_MATCH ")",
                                      address, domain, domain_too && domain[0], out);

    free(domain);
    return r;
}

enum store_result store_correspondent_known(struct store *st, const char *address, bool domain_too,
                                            bool *known)
{
    static const char sql[] = "SELECT EXISTS (SELECT 1 FROM debtors WHERE " DEBTOR_MATCH ")";
    char *domain = domain_key(address);
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    *known = false;
    if (rc != SQLITE_OK) {
        free(domain);
        return store_result_of(st, rc, "prepare debtor lookup");
    }
    store_bind_text(stmt, 1, address);
    store_bind_text(stmt, 2, domain);
    sqlite3_bind_int(stmt, 3, domain_too && domain[0]);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *known = sqlite3_column_int(stmt, 0) != 0;
    store_finalize(st, stmt);
    free(domain);
    return store_result_of(st, rc, "read debtor lookup");
}

/* ---- recording a reply ---- */

static enum store_result reply_seen_before(struct store *st, const char *message_id, int64_t case_id, bool *seen)
{
    static const char sql[] = "SELECT 1 FROM replies WHERE message_id = ?1 AND invoice_id = ?2";
    sqlite3_stmt *stmt;
    int rc;

    *seen = false;
    if (message_id == NULL || message_id[0] == '\0')
        return STORE_OK;
    rc = store_prepare(st, sql, &stmt);
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reply lookup");
    store_bind_text(stmt, 1, message_id);
    sqlite3_bind_int64(stmt, 2, case_id);
    rc = sqlite3_step(stmt);
    *seen = rc == SQLITE_ROW;
    store_finalize(st, stmt);
    return store_result_of(st, rc, "read reply lookup");
}

/* The pauses count what the replies table says was done ("paused until
 * ...", "paused", "review until ..."): a count no reply can stretch, kept
 * with the replies themselves. */
enum store_result store_reply_pauses(struct store *st, int64_t case_id, int *count)
{
    return store_reply_pauses_upto(st, case_id, 0, count);
}

/* The replies of a case are read row by row (their action is no index
 * column): counting stops at the limit, the only figure callers compare
 * with, so that a case with thousands of replies costs no more than one
 * with a few. */
enum store_result store_reply_pauses_upto(struct store *st, int64_t case_id, int limit, int *count)
{
    static const char sql[] = "SELECT COUNT(*) FROM (SELECT 1 FROM replies WHERE invoice_id = ?1"
                              " AND (action LIKE 'paused%' OR action LIKE 'review%') LIMIT ?2)";
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    *count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reply pauses");
    sqlite3_bind_int64(stmt, 1, case_id);
    sqlite3_bind_int(stmt, 2, limit > 0 ? limit : -1);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int(stmt, 0);
    store_finalize(st, stmt);
    return store_result_of(st, rc, "read reply pauses");
}

enum store_result store_reminder_recipient(struct store *st, int64_t reminder_id, char *out, size_t size)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "SELECT recipient FROM reminders WHERE id = ?1", -1, &stmt, NULL);

    out[0] = '\0';
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reminder recipient");
    sqlite3_bind_int64(stmt, 1, reminder_id);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        store_column_copy(stmt, 0, out, size);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "read reminder recipient");
}

/* "recorded" or "recorded (note)". */
static void recorded(const struct reply_record *rec, const char *why, char *action, size_t size)
{
    const char *note = why ? why : rec->note;

    str_format(action, size, note ? "recorded (%s)" : "recorded", note);
}

/* Applies the effect to one case; *action says what happened to it. A
 * case the effect may not move (settled, disputed, paused by the
 * operator: see the transitions) keeps its status, and so does a case
 * that replies paused max_pauses times already (counted here, inside the
 * transaction, so that replies arriving together cannot pass the limit). */
static enum store_result apply_effect(struct store *st, const struct reply_record *rec, int64_t case_id,
                                      const char *now, char *action, size_t size, bool *changed)
{
    struct case_pause pause = {rec->pause_until, rec->pause_reason};
    char until[DATE_STR_MAX];
    enum store_result r;
    int pauses = 0;

    *changed = false;
    if (rec->unverified)
        str_copy(action, size, "unverified: nothing changed");
    else if (rec->effect == REPLY_EFFECT_UNDELIVERABLE)
        str_copy(action, size, "address undeliverable");
    else if (rec->effect == REPLY_EFFECT_INSOLVENT)
        str_copy(action, size, "insolvent"); /* made in store_insolvency_record */
    else
        recorded(rec, NULL, action, size);
    if (rec->effect != REPLY_EFFECT_DISPUTE && rec->effect != REPLY_EFFECT_PAUSE &&
        rec->effect != REPLY_EFFECT_REVIEW)
        return STORE_OK;
    if (rec->effect != REPLY_EFFECT_DISPUTE && rec->max_pauses > 0) {
        if ((r = store_reply_pauses_upto(st, case_id, rec->max_pauses, &pauses)) != STORE_OK)
            return r;
        if (pauses >= rec->max_pauses) {
            recorded(rec, "pause limit reached", action, size);
            return STORE_OK;
        }
    }
    if (rec->effect == REPLY_EFFECT_REVIEW)
        pause.reason = CASE_REVIEW_REASON;
    r = store_case_transition(st, case_id,
                              rec->effect == REPLY_EFFECT_DISPUTE  ? CASE_EVENT_REPLY_DISPUTE
                              : rec->effect == REPLY_EFFECT_REVIEW ? CASE_EVENT_REPLY_REVIEW
                                                                   : CASE_EVENT_REPLY_PAUSE,
                              now, &pause);
    if (r != STORE_OK && r != STORE_CONFLICT)
        return r;
    *changed = r == STORE_OK;
    date_format(rec->pause_until, until);
    if (!*changed)
        str_copy(action, size, "recorded (status kept)");
    else if (rec->effect == REPLY_EFFECT_DISPUTE)
        str_copy(action, size, "disputed");
    else if (rec->effect == REPLY_EFFECT_REVIEW)
        str_format(action, size, rec->note ? "review until %s (%s)" : "review until %s", until, rec->note);
    else if (until[0])
        str_format(action, size, rec->note ? "paused until %s (%s)" : "paused until %s", until, rec->note);
    else
        str_format(action, size, rec->note ? "paused (%s)" : "paused", rec->note);
    return STORE_OK;
}

static enum store_result insert_reply(struct store *st, const struct reply_record *rec, int64_t case_id,
                                      const char *action, const char *now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO replies (invoice_id, reminder_id, message_id, sender, subject, matched_by, verdict,"
        " promised_date, excerpt, queue_id, received_at, reason, own_words, action)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reply");
    sqlite3_bind_int64(stmt, 1, case_id);
    if (rec->reminder_id > 0)
        sqlite3_bind_int64(stmt, 2, rec->reminder_id);
    else
        sqlite3_bind_null(stmt, 2);
    store_bind_text(stmt, 3, rec->message_id);
    store_bind_text(stmt, 4, rec->sender);
    store_bind_text(stmt, 5, rec->subject);
    store_bind_text(stmt, 6, rec->matched_by);
    store_bind_text(stmt, 7, rec->verdict);
    store_bind_date(stmt, 8, rec->promised);
    store_bind_text(stmt, 9, rec->excerpt);
    store_bind_text(stmt, 10, rec->queue_id);
    store_bind_text(stmt, 11, now);
    store_bind_text(stmt, 12, rec->reason);
    store_bind_text(stmt, 13, rec->own_words);
    store_bind_text(stmt, 14, action);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    *id = sqlite3_last_insert_rowid(st->db);
    return store_result_of(st, rc, "insert reply");
}

static void reply_event_detail(const struct reply_record *rec, const char *action, struct strbuf *out)
{
    char promised[DATE_STR_MAX];
    struct json j;

    date_format(rec->promised, promised);
    json_init(&j, out, false);
    json_object_begin(&j);
    json_kv_string(&j, "verdict", rec->verdict);
    json_kv_string(&j, "matched_by", rec->matched_by);
    json_kv_string(&j, "message_id", rec->message_id);
    json_kv_string(&j, "sender", rec->sender);
    json_kv_string(&j, "reason", rec->reason);
    json_kv_string_or_null(&j, "promised", promised);
    json_kv_string(&j, "action", action);
    json_kv_string(&j, "excerpt", rec->excerpt);
    json_kv_string(&j, "queue_id", rec->queue_id);
    json_object_end(&j);
}

static enum store_result mark_undeliverable(struct store *st, const char *address, const char *now)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "UPDATE debtors SET undeliverable = 1, updated_at = ?2 WHERE email = ?1",
                                -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare undeliverable");
    store_bind_text(stmt, 1, address);
    store_bind_text(stmt, 2, now);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "mark undeliverable");
}

static enum store_result record_one_case(struct store *st, const struct audit_key *key,
                                         const struct reply_record *rec, int64_t case_id, const char *actor,
                                         const char *now, struct reply_outcome *out, int64_t *reply_id)
{
    char action[64];
    struct strbuf detail;
    enum store_result r;
    bool changed;

    if ((r = apply_effect(st, rec, case_id, now, action, sizeof action, &changed)) != STORE_OK)
        return r;
    if (changed)
        out->changed++;
    if ((r = insert_reply(st, rec, case_id, action, now, reply_id)) != STORE_OK)
        return r;
    strbuf_init(&detail);
    reply_event_detail(rec, action, &detail);
    r = store_event_insert(st, key, case_id, "reply-received", actor, detail.data);
    strbuf_free(&detail);
    return r;
}

static enum store_result record_in_transaction(struct store *st, const struct audit_key *key,
                                               const struct reply_record *rec, const char *actor,
                                               struct reply_outcome *out)
{
    int64_t first_reply = 0, reply_id = 0;
    enum store_result r;
    char now[32];
    bool seen, seen_any = false;
    size_t fresh = 0;

    store_now_text(now);
    for (size_t i = 0; i < rec->case_count; i++) {
        if ((r = reply_seen_before(st, rec->message_id, rec->case_ids[i], &seen)) != STORE_OK)
            return r;
        seen_any |= seen;
        if (seen)
            continue;
        if ((r = record_one_case(st, key, rec, rec->case_ids[i], actor, now, out, &reply_id)) != STORE_OK)
            return r;
        if (first_reply == 0)
            first_reply = reply_id;
        fresh++;
    }
    out->duplicate = fresh == 0 && rec->case_count > 0;
    if (out->duplicate)
        return STORE_OK;
    if (rec->effect == REPLY_EFFECT_UNDELIVERABLE && rec->undeliverable && rec->undeliverable[0])
        if ((r = mark_undeliverable(st, rec->undeliverable, now)) != STORE_OK)
            return r;
    if (rec->effect == REPLY_EFFECT_INSOLVENT && !rec->unverified && rec->insolvency != NULL) {
        size_t moved = 0;
        if ((r = store_insolvency_record(st, key, rec->insolvency, rec->case_ids, rec->case_count, actor,
                                         &moved)) != STORE_OK)
            return r;
        out->changed += moved;
    }
    /* Mail about a reply already recorded for another case went out then. */
    for (size_t i = 0; !seen_any && i < rec->outbox_count; i++)
        if ((r = store_outbox_queue(st, &rec->outbox[i], first_reply, now)) != STORE_OK)
            return r;
    return STORE_OK;
}

/* Whether every case already has this reply: a reply is never taken
 * back, so what is seen here is seen under the write lock too. */
static enum store_result seen_for_all(struct store *st, const struct reply_record *rec, bool *all)
{
    enum store_result r = STORE_OK;
    bool seen = rec->case_count > 0;

    for (size_t i = 0; seen && r == STORE_OK && i < rec->case_count; i++)
        r = reply_seen_before(st, rec->message_id, rec->case_ids[i], &seen);
    *all = r == STORE_OK && seen;
    return r;
}

/* The copy for the court file in the reply's transaction: one commit, so
 * one fsync, for both. Under a savepoint, so that a copy that fails leaves
 * the reply recorded, as when the copy had a transaction of its own.
 * False when SQLite rolled back the whole transaction meanwhile. */
static bool keep_copy(struct store *st, const struct audit_key *key, const struct reply_record *rec,
                      struct reply_outcome *out)
{
    size_t cases = 0;

    if (store_exec(st, "SAVEPOINT reply_copy") != SQLITE_OK)
        return !sqlite3_get_autocommit(st->db);
    if (store_keep_reply_message_here(st, key, rec->message_id, rec->queue_id, rec->copy, rec->copy_len,
                                      rec->copy_max, &cases) == STORE_OK) {
        out->kept = store_exec(st, "RELEASE reply_copy") == SQLITE_OK;
        return !sqlite3_get_autocommit(st->db);
    }
    if (sqlite3_get_autocommit(st->db))
        return false;
    store_exec(st, "ROLLBACK TO reply_copy");
    store_exec(st, "RELEASE reply_copy");
    return !sqlite3_get_autocommit(st->db);
}

enum store_result store_record_reply(struct store *st, const struct audit_key *key,
                                     const struct reply_record *rec, const char *actor,
                                     struct reply_outcome *out)
{
    enum store_result r;
    bool duplicate;

    memset(out, 0, sizeof *out);
    /* A duplicate (the same message again, a copy to several of our
     * addresses) changes nothing: known without the write lock, for
     * which every other writer would wait, and with nothing to commit. */
    if ((r = seen_for_all(st, rec, &duplicate)) != STORE_OK)
        return r;
    if (duplicate) {
        out->duplicate = true;
        return STORE_OK;
    }
    if ((r = store_begin(st)) != STORE_OK)
        return r;
    r = record_in_transaction(st, key, rec, actor, out);
    if (r == STORE_OK && !out->duplicate && rec->copy != NULL && !keep_copy(st, key, rec, out)) {
        /* SQLite ended the whole transaction (a full disk, an I/O error):
         * the reply alone, as before the copy; the caller keeps the copy
         * on its own (out->kept false). */
        memset(out, 0, sizeof *out);
        if ((r = store_begin(st)) != STORE_OK)
            return r;
        r = record_in_transaction(st, key, rec, actor, out);
    }
    r = store_finish(st, r);
    if (r != STORE_OK)
        memset(out, 0, sizeof *out);
    return r;
}

/* ---- acknowledgments ---- */

/* An acknowledgment about several cases is queued under the first; the
 * others are found through the replies recorded with it (same message,
 * same moment). */
enum store_result store_acknowledged_since(struct store *st, int64_t case_id, time_t since, bool *found)
{
    static const char sql[] =
        "SELECT 1 FROM outbox o WHERE o.kind = 'dispute-ack' AND o.created_at >= ?2 AND (o.invoice_id = ?1"
        " OR EXISTS (SELECT 1 FROM replies f JOIN replies r ON r.message_id = f.message_id"
        " AND r.received_at = f.received_at WHERE f.id = o.reply_id AND r.invoice_id = ?1)) LIMIT 1";
    sqlite3_stmt *stmt;
    char when[32];
    struct tm tm;
    int rc;

    *found = false;
    gmtime_r(&since, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare acknowledgment lookup");
    sqlite3_bind_int64(stmt, 1, case_id);
    store_bind_text(stmt, 2, when);
    rc = sqlite3_step(stmt);
    *found = rc == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "read acknowledgment lookup");
}

/* ---- listing replies ---- */

void reply_list_free(struct reply_list *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static void reply_from_row(sqlite3_stmt *stmt, void *item)
{
    struct reply_row *r = item;

    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(stmt, 0);
    r->case_id = sqlite3_column_int64(stmt, 1);
    store_column_copy(stmt, 2, r->number, sizeof r->number);
    store_column_copy(stmt, 3, r->received_at, sizeof r->received_at);
    store_column_copy(stmt, 4, r->sender, sizeof r->sender);
    store_column_copy(stmt, 5, r->subject, sizeof r->subject);
    store_column_copy(stmt, 6, r->matched_by, sizeof r->matched_by);
    store_column_copy(stmt, 7, r->verdict, sizeof r->verdict);
    store_column_copy(stmt, 8, r->promised, sizeof r->promised);
    store_column_copy(stmt, 9, r->reason, sizeof r->reason);
    store_column_copy(stmt, 10, r->excerpt, sizeof r->excerpt);
    store_column_copy(stmt, 11, r->action, sizeof r->action);
    store_column_copy(stmt, 12, r->message_id, sizeof r->message_id);
    store_column_copy(stmt, 13, r->queue_id, sizeof r->queue_id);
}

enum store_result store_list_replies(struct store *st, int64_t case_id, struct reply_list *out)
{
    static const char sql[] =
        "SELECT r.id, COALESCE(r.invoice_id, 0), COALESCE(i.number, ''), r.received_at, r.sender, r.subject,"
        " r.matched_by, r.verdict, COALESCE(r.promised_date, ''), r.reason, r.excerpt, r.action, r.message_id,"
        " r.queue_id FROM replies r LEFT JOIN invoices i ON i.id = r.invoice_id"
        " WHERE ?1 = 0 OR r.invoice_id = ?1 ORDER BY r.id DESC";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    out->items = NULL;
    out->count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare replies");
    sqlite3_bind_int64(stmt, 1, case_id);
    return store_read_rows(st, stmt, (void **)&out->items, &out->count, sizeof *out->items, reply_from_row,
                           "read replies");
}

/* ---- pauses and disputes ---- */

static enum store_result case_event(struct store *st, const struct audit_key *key, int64_t case_id,
                                    const char *kind, const char *actor, const char *k1, const char *v1,
                                    const char *k2, const char *v2)
{
    struct strbuf detail;
    struct json j;
    enum store_result r;

    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_string(&j, k1, v1);
    if (k2)
        json_kv_string_or_null(&j, k2, v2);
    json_object_end(&j);
    r = store_event_insert(st, key, case_id, kind, actor, detail.data);
    strbuf_free(&detail);
    return r;
}

static enum store_result expired_pauses(struct store *st, const char *today, int64_t **ids, size_t *count)
{
    static const char sql[] = "SELECT id FROM invoices WHERE status = 'paused' AND paused_until IS NOT NULL"
                              " AND paused_until < ?1 ORDER BY id";
    sqlite3_stmt *stmt;
    size_t cap = 0;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    *ids = NULL;
    *count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare expired pauses");
    store_bind_text(stmt, 1, today);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            *ids = xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*count)++] = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "read expired pauses");
}

static enum store_result resume_in_transaction(struct store *st, const struct audit_key *key, const char *today,
                                               const char *actor, int *count)
{
    int64_t *ids;
    size_t n;
    char now[32];
    enum store_result r = expired_pauses(st, today, &ids, &n);

    store_now_text(now);
    for (size_t i = 0; r == STORE_OK && i < n; i++) {
        r = store_case_transition(st, ids[i], CASE_EVENT_PAUSE_EXPIRED, now, NULL);
        if (r == STORE_OK)
            r = case_event(st, key, ids[i], "case-resumed", actor, "reason", "pause ended", NULL, NULL);
    }
    free(ids);
    *count = r == STORE_OK ? (int)n : 0;
    return r;
}

enum store_result store_resume_expired_pauses(struct store *st, const struct audit_key *key, struct date today,
                                              const char *actor, int *count)
{
    char day[DATE_STR_MAX];
    enum store_result r;

    *count = 0;
    date_format(today, day);
    if ((r = store_begin(st)) != STORE_OK)
        return r;
    return store_finish(st, resume_in_transaction(st, key, day, actor, count));
}

static enum store_result case_status(struct store *st, int64_t case_id, enum case_status *status)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "SELECT status FROM invoices WHERE id = ?1", -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare case status");
    sqlite3_bind_int64(stmt, 1, case_id);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *status = store_column_case_status(stmt, 0);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return store_result_of(st, rc, "read case status");
}

static const char *resolution_name(enum case_resolution how)
{
    return how == RESOLVE_CANCEL ? "cancel" : how == RESOLVE_CREDIT ? "credit"
                                             : how == RESOLVE_END_PAUSE ? "end-pause" : "resume";
}

/* What ending a dispute or a pause does to the status; the transition
 * refuses a case that is neither (a pause only, for RESOLVE_END_PAUSE). */
static enum case_event resolution_event(enum case_resolution how)
{
    return how == RESOLVE_CANCEL ? CASE_EVENT_RESOLVED_CANCEL
           : how == RESOLVE_END_PAUSE ? CASE_EVENT_PAUSE_LIFTED : CASE_EVENT_RESOLVED_RESUME;
}

static enum store_result resolve_in_transaction(struct store *st, const struct audit_key *key, int64_t case_id,
                                                enum case_resolution how, int64_t amount, const char *actor,
                                                const struct outbox_message *notice, enum case_status *status)
{
    char now[32], amount_text[MONEY_STR_MAX];
    struct date none = {0, 0, 0};
    int64_t balance = 0;
    enum store_result r = case_status(st, case_id, status);
    bool tell;

    if (r != STORE_OK)
        return r;
    /* Only a dispute was promised an answer; a pause ends without one. */
    tell = notice != NULL && *status == CASE_DISPUTED && how != RESOLVE_END_PAUSE;
    if (how == RESOLVE_CREDIT && amount <= 0)
        return STORE_CONFLICT;
    store_now_text(now);
    r = store_case_transition(st, case_id, resolution_event(how), now, NULL);
    if (r == STORE_OK && how == RESOLVE_CREDIT)
        r = store_payment_in_transaction(st, key, case_id, amount, none, "credit", actor, &balance);
    if (r == STORE_OK && tell)
        r = store_outbox_queue(st, notice, 0, now);
    if (r == STORE_OK)
        r = case_status(st, case_id, status);
    money_format_decimal(amount, amount_text);
    if (r == STORE_OK)
        r = case_event(st, key, case_id, "case-resolved", actor, "resolution", resolution_name(how),
                       "credit", how == RESOLVE_CREDIT ? amount_text : "");
    return r;
}

enum store_result store_resolve_case(struct store *st, const struct audit_key *key, int64_t case_id,
                                     enum case_resolution how, int64_t amount, const char *actor,
                                     enum case_status *status_after)
{
    return store_resolve_case_told(st, key, case_id, how, amount, actor, NULL, status_after);
}

enum store_result store_resolve_case_told(struct store *st, const struct audit_key *key, int64_t case_id,
                                          enum case_resolution how, int64_t amount, const char *actor,
                                          const struct outbox_message *notice, enum case_status *status_after)
{
    enum store_result r;

    if ((r = store_begin(st)) != STORE_OK)
        return r;
    return store_finish(st, resolve_in_transaction(st, key, case_id, how, amount, actor, notice, status_after));
}

static enum store_result pause_in_transaction(struct store *st, const struct audit_key *key, int64_t case_id,
                                              struct date until, const char *actor)
{
    struct case_pause pause = {until, CASE_PAUSE_BY_OPERATOR};
    char now[32], day[DATE_STR_MAX];
    enum store_result r;

    store_now_text(now);
    if ((r = store_case_transition(st, case_id, CASE_EVENT_OPERATOR_PAUSE, now, &pause)) != STORE_OK)
        return r;
    date_format(until, day);
    return case_event(st, key, case_id, "case-paused", actor, "reason", CASE_PAUSE_BY_OPERATOR, "until", day);
}

enum store_result store_pause_case(struct store *st, const struct audit_key *key, int64_t case_id,
                                   struct date until, const char *actor)
{
    enum store_result r;

    if ((r = store_begin(st)) != STORE_OK)
        return r;
    return store_finish(st, pause_in_transaction(st, key, case_id, until, actor));
}
