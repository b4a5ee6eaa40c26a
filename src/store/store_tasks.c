/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_tasks.c - every query on the tasks of steps done by people (see
 * store_tasks.h): creating one (level raised, audited), listing them,
 * recording what the person did with the effect of a reply's verdict,
 * the timeout, the once-a-day digest, and the debtor's telephone.
 *
 * A task's verdict moves its cases through the same transitions a reply's
 * does (store_transitions.c: CASE_EVENT_REPLY_DISPUTE, _REPLY_PAUSE), so
 * that a case the operator paused, or one already settled, is left as it
 * is whoever asks.
 */
#include "store/store_tasks.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "lib/json.h"
#include "store/store_internal.h"
#include "store/store_transitions.h"

/* ---- creating ---- */

static enum store_result case_at_level(struct store *st, const struct claim_item *item, bool *ok)
{
    static const char sql[] = "SELECT 1 FROM invoices WHERE id = ?1 AND status = 'open' AND balance > 0"
                              " AND level = ?2";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare task case check");
    sqlite3_bind_int64(stmt, 1, item->case_id);
    sqlite3_bind_int(stmt, 2, item->expected_level);
    rc = sqlite3_step(stmt);
    *ok = rc == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "task case check");
}

static enum store_result insert_task(struct store *st, const struct task_claim *c, const char *actor, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO tasks (debtor_id, step, step_name, kind, phone, history, created_at, created_on, timeout_on,"
        " actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare task");
    sqlite3_bind_int64(stmt, 1, c->debtor_id);
    sqlite3_bind_int(stmt, 2, c->step);
    store_bind_text(stmt, 3, c->step_name);
    store_bind_text(stmt, 4, c->kind);
    store_bind_text(stmt, 5, c->phone ? c->phone : "");
    store_bind_text(stmt, 6, c->history ? c->history : "");
    store_bind_text(stmt, 7, c->at);
    store_bind_date(stmt, 8, c->created_on);
    store_bind_date(stmt, 9, c->timeout_on);
    store_bind_text(stmt, 10, actor);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "insert task");
}

/* The item, and the case's level raised to the step: the step is reached. */
static enum store_result insert_task_item(struct store *st, int64_t task_id, const struct task_claim *c,
                                          const struct claim_item *item)
{
    static const char sql[] = "INSERT INTO task_items (task_id, invoice_id, step, balance) VALUES (?1, ?2, ?3, ?4)";
    static const char raise[] = "UPDATE invoices SET level = MAX(level, ?2), updated_at = ?3 WHERE id = ?1";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare task item");
    sqlite3_bind_int64(stmt, 1, task_id);
    sqlite3_bind_int64(stmt, 2, item->case_id);
    sqlite3_bind_int(stmt, 3, c->step);
    sqlite3_bind_int64(stmt, 4, item->principal);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_CONSTRAINT) {
        store_result_of(st, rc, "task item");
        return STORE_CONFLICT;
    }
    if (rc != SQLITE_DONE)
        return store_result_of(st, rc, "insert task item");
    if ((rc = sqlite3_prepare_v2(st->db, raise, -1, &stmt, NULL)) != SQLITE_OK)
        return store_result_of(st, rc, "prepare level");
    sqlite3_bind_int64(stmt, 1, item->case_id);
    sqlite3_bind_int(stmt, 2, c->step);
    store_bind_text(stmt, 3, c->at);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "raise level");
}

static enum store_result task_event(struct store *st, const struct audit_key *key, int64_t case_id, const char *kind,
                                    const char *actor, int64_t task_id, const struct task_row *t,
                                    const struct task_done *done)
{
    char day[DATE_STR_MAX], until[DATE_STR_MAX];
    struct strbuf detail;
    struct json j;
    enum store_result r;

    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_int(&j, "task", task_id);
    if (t != NULL) {
        json_kv_int(&j, "step", t->step);
        json_kv_string(&j, "step_name", t->step_name);
        json_kv_string(&j, "task_kind", t->kind);
    }
    if (done != NULL) {
        json_kv_string(&j, "note", done->note ? done->note : "");
        json_kv_string(&j, "outcome", done->has_verdict ? review_decision_name(done->verdict) : "");
        date_format(done->promised, day);
        date_format(done->until, until);
        if (done->has_verdict && done->verdict == REVIEW_PROMISE)
            json_kv_string(&j, "promised", day);
        if (done->has_verdict && done->verdict != REVIEW_DISPUTE)
            json_kv_string(&j, "until", until);
    }
    json_object_end(&j);
    r = store_event_insert(st, key, case_id, kind, actor, detail.data);
    strbuf_free(&detail);
    return r;
}

static enum store_result create_in_transaction(struct store *st, const struct audit_key *key,
                                               const struct task_claim *c, const char *actor, int64_t *id)
{
    struct task_row t;
    enum store_result r;

    for (size_t i = 0; i < c->count; i++) {
        bool ok = false;
        if ((r = case_at_level(st, &c->items[i], &ok)) != STORE_OK)
            return r;
        if (!ok)
            return STORE_CONFLICT;
    }
    if ((r = insert_task(st, c, actor, id)) != STORE_OK)
        return r;
    memset(&t, 0, sizeof t);
    t.step = c->step;
    str_copy(t.step_name, sizeof t.step_name, c->step_name);
    str_copy(t.kind, sizeof t.kind, c->kind);
    for (size_t i = 0; i < c->count && r == STORE_OK; i++) {
        r = insert_task_item(st, *id, c, &c->items[i]);
        if (r == STORE_OK)
            r = task_event(st, key, c->items[i].case_id, "task-created", actor, *id, &t, NULL);
    }
    return r;
}

enum store_result store_create_task(struct store *st, const struct audit_key *key, const struct task_claim *claim,
                                    const char *actor, int64_t *id)
{
    enum store_result r = store_begin(st);

    if (r != STORE_OK)
        return r;
    return store_finish(st, create_in_transaction(st, key, claim, actor, id));
}

/* ---- reading ---- */

#define TASK_COLUMNS                                                                                      \
    "t.id, t.debtor_id, COALESCE(d.email, ''), COALESCE(d.name, ''), t.step, t.step_name, t.kind, t.phone," \
    " t.history, t.created_at, t.created_on, t.timeout_on, t.state, t.note, t.outcome, t.promised,"       \
    " COALESCE(t.ended_at, ''), t.actor"
#define TASK_FROM " FROM tasks t LEFT JOIN debtors d ON d.id = t.debtor_id"

static void task_from_row(sqlite3_stmt *stmt, void *item)
{
    struct task_row *t = item;

    memset(t, 0, sizeof *t);
    t->id = sqlite3_column_int64(stmt, 0);
    t->debtor_id = sqlite3_column_int64(stmt, 1);
    store_column_copy(stmt, 2, t->debtor_email, sizeof t->debtor_email);
    store_column_copy(stmt, 3, t->debtor_name, sizeof t->debtor_name);
    t->step = sqlite3_column_int(stmt, 4);
    store_column_copy(stmt, 5, t->step_name, sizeof t->step_name);
    store_column_copy(stmt, 6, t->kind, sizeof t->kind);
    store_column_copy(stmt, 7, t->phone, sizeof t->phone);
    store_column_copy(stmt, 8, t->history, sizeof t->history);
    store_column_copy(stmt, 9, t->created_at, sizeof t->created_at);
    t->created_on = store_column_date(stmt, 10);
    t->timeout_on = store_column_date(stmt, 11);
    store_column_copy(stmt, 12, t->state, sizeof t->state);
    store_column_copy(stmt, 13, t->note, sizeof t->note);
    store_column_copy(stmt, 14, t->outcome, sizeof t->outcome);
    t->promised = store_column_date(stmt, 15);
    store_column_copy(stmt, 16, t->ended_at, sizeof t->ended_at);
    store_column_copy(stmt, 17, t->actor, sizeof t->actor);
}

static void task_case_from_row(sqlite3_stmt *stmt, void *item)
{
    struct task_case *c = item;

    memset(c, 0, sizeof *c);
    c->case_id = sqlite3_column_int64(stmt, 0);
    store_column_copy(stmt, 1, c->number, sizeof c->number);
    store_column_copy(stmt, 2, c->currency, sizeof c->currency);
    c->balance = sqlite3_column_int64(stmt, 3);
}

static enum store_result read_cases(struct store *st, struct task_row *t)
{
    static const char sql[] = "SELECT ti.invoice_id, i.number, i.currency, ti.balance FROM task_items ti"
                              " JOIN invoices i ON i.id = ti.invoice_id WHERE ti.task_id = ?1"
                              " ORDER BY i.due_date, i.id";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare task cases");
    sqlite3_bind_int64(stmt, 1, t->id);
    return store_read_rows(st, stmt, (void **)&t->cases, &t->case_count, sizeof *t->cases, task_case_from_row,
                           "read task cases");
}

void task_list_free(struct task_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].cases);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static enum store_result read_tasks(struct store *st, sqlite3_stmt *stmt, struct task_list *out)
{
    enum store_result r = store_read_rows(st, stmt, (void **)&out->items, &out->count, sizeof *out->items,
                                          task_from_row, "read tasks");

    for (size_t i = 0; i < out->count && r == STORE_OK; i++)
        r = read_cases(st, &out->items[i]);
    if (r != STORE_OK)
        task_list_free(out);
    return r;
}

enum store_result store_list_tasks(struct store *st, bool all, struct task_list *out)
{
    static const char sql_open[] = "SELECT " TASK_COLUMNS TASK_FROM " WHERE t.state = 'open' ORDER BY t.id";
    static const char sql_all[] = "SELECT " TASK_COLUMNS TASK_FROM " ORDER BY t.id";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, all ? sql_all : sql_open, -1, &stmt, NULL);

    out->items = NULL;
    out->count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare tasks");
    return read_tasks(st, stmt, out);
}

enum store_result store_get_task(struct store *st, int64_t id, struct task_list *out)
{
    static const char sql[] = "SELECT " TASK_COLUMNS TASK_FROM " WHERE t.id = ?1";
    sqlite3_stmt *stmt;
    enum store_result r;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    out->items = NULL;
    out->count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare task");
    sqlite3_bind_int64(stmt, 1, id);
    r = read_tasks(st, stmt, out);
    if (r == STORE_OK && out->count == 0)
        r = STORE_NOT_FOUND;
    return r;
}

/* ---- ending ---- */

/* open -> done | timed-out; STORE_CONFLICT when no longer open. */
static enum store_result end_task(struct store *st, int64_t id, const char *state, const struct task_done *done,
                                  const char *ended_at, const char *actor)
{
    static const char sql[] =
        "UPDATE tasks SET state = ?2, note = ?3, outcome = ?4, promised = ?5, ended_at = ?6, actor = ?7"
        " WHERE id = ?1 AND state = 'open'";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare task end");
    sqlite3_bind_int64(stmt, 1, id);
    store_bind_text(stmt, 2, state);
    store_bind_text(stmt, 3, done && done->note ? done->note : "");
    store_bind_text(stmt, 4, done && done->has_verdict ? review_decision_name(done->verdict) : "");
    store_bind_date(stmt, 5, done && done->has_verdict && done->verdict == REVIEW_PROMISE ? done->promised
                                                                                           : (struct date){0, 0, 0});
    store_bind_text(stmt, 6, ended_at);
    store_bind_text(stmt, 7, actor);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return store_result_of(st, rc, "end task");
    return sqlite3_changes(st->db) == 1 ? STORE_OK : STORE_CONFLICT;
}

/* The verdict's effect on one case, as a reply's would be; a case in no
 * status the transition leaves (settled, paused by the operator) stays. */
static enum store_result apply_verdict(struct store *st, int64_t case_id, const struct task_done *done,
                                       const char *now, bool *changed)
{
    struct case_pause pause = {done->until, done->verdict == REVIEW_PROMISE ? "promise" : "paid"};
    enum store_result r;

    *changed = false;
    if (!done->has_verdict)
        return STORE_OK;
    r = store_case_transition(st, case_id,
                              done->verdict == REVIEW_DISPUTE ? CASE_EVENT_REPLY_DISPUTE : CASE_EVENT_REPLY_PAUSE,
                              now, done->verdict == REVIEW_DISPUTE ? NULL : &pause);
    if (r == STORE_CONFLICT)
        return STORE_OK;
    *changed = r == STORE_OK;
    return r;
}

static enum store_result done_in_transaction(struct store *st, const struct audit_key *key, int64_t id,
                                             const struct task_done *done, const char *actor, size_t *changed)
{
    struct task_list one;
    char now[32];
    enum store_result r;

    store_now_text(now);
    if ((r = store_get_task(st, id, &one)) != STORE_OK)
        return r;
    r = end_task(st, id, "done", done, done->ended_at, actor);
    for (size_t i = 0; i < one.items[0].case_count && r == STORE_OK; i++) {
        bool moved = false;
        int64_t case_id = one.items[0].cases[i].case_id;
        r = apply_verdict(st, case_id, done, now, &moved);
        *changed += moved;
        if (r == STORE_OK)
            r = task_event(st, key, case_id, "task-done", actor, id, &one.items[0], done);
    }
    task_list_free(&one);
    return r;
}

enum store_result store_task_mark_done(struct store *st, const struct audit_key *key, int64_t id,
                                       const struct task_done *done, const char *actor, size_t *changed)
{
    enum store_result r;

    *changed = 0;
    if ((r = store_begin(st)) != STORE_OK)
        return r;
    r = store_finish(st, done_in_transaction(st, key, id, done, actor, changed));
    if (r != STORE_OK)
        *changed = 0;
    return r;
}

/* Open tasks past their timeout day (settled: instead, those none of
 * whose cases is left to collect: paid, closed, cancelled, insolvent). */
static enum store_result expired_ids(struct store *st, struct date today, bool settled, int64_t **ids,
                                     size_t *count)
{
    char *done = case_status_sql_list(CASE_SETTLED | CASE_SET(CASE_INSOLVENT));
    char *sql = settled ? xasprintf("SELECT t.id FROM tasks t WHERE t.state = 'open' AND NOT EXISTS (SELECT 1"
                                    " FROM task_items ti JOIN invoices i ON i.id = ti.invoice_id"
                                    " WHERE ti.task_id = t.id AND i.status NOT IN (%s)) ORDER BY t.id", done)
                        : xstrdup("SELECT id FROM tasks WHERE state = 'open' AND timeout_on <= ?1 ORDER BY id");
    sqlite3_stmt *stmt;
    size_t cap = 0;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    free(done);
    free(sql);
    *ids = NULL;
    *count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare expired tasks");
    if (!settled)
        store_bind_date(stmt, 1, today);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? cap * 2 : 8;
            *ids = xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*count)++] = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "read expired tasks");
}

static enum store_result end_tasks(struct store *st, const struct audit_key *key, struct date today, bool settled,
                                   const char *at, const char *actor, int *count)
{
    static const struct task_done nothing_left = {"nothing left to collect: the cases were settled", false,
                                                  REVIEW_DISPUTE, {0, 0, 0}, {0, 0, 0}, NULL};
    int64_t *ids;
    size_t n;
    enum store_result r = expired_ids(st, today, settled, &ids, &n);

    for (size_t i = 0; i < n && r == STORE_OK; i++) {
        struct task_list one;
        if ((r = store_get_task(st, ids[i], &one)) != STORE_OK)
            break;
        r = end_task(st, ids[i], settled ? "done" : "timed-out", settled ? &nothing_left : NULL, at, actor);
        for (size_t k = 0; k < one.items[0].case_count && r == STORE_OK; k++)
            r = task_event(st, key, one.items[0].cases[k].case_id, settled ? "task-done" : "task-timed-out", actor,
                           ids[i], &one.items[0], settled ? &nothing_left : NULL);
        task_list_free(&one);
        *count += r == STORE_OK && !settled;
    }
    free(ids);
    return r;
}

/* A task whose cases were all settled meanwhile needs nobody: it ends as
 * done (nobody calls about a paid invoice); the others time out. */
static enum store_result time_out_in_transaction(struct store *st, const struct audit_key *key, struct date today,
                                                 const char *at, const char *actor, int *count)
{
    enum store_result r = end_tasks(st, key, today, true, at, actor, count);

    return r == STORE_OK ? end_tasks(st, key, today, false, at, actor, count) : r;
}

enum store_result store_time_out_tasks(struct store *st, const struct audit_key *key, struct date today,
                                       const char *at, const char *actor, int *count)
{
    enum store_result r;

    *count = 0;
    if ((r = store_begin(st)) != STORE_OK)
        return r;
    r = store_finish(st, time_out_in_transaction(st, key, today, at, actor, count));
    if (r != STORE_OK)
        *count = 0;
    return r;
}

/* ---- the digest ---- */

static enum store_result digest_in_transaction(struct store *st, struct date day, const struct outbox_message *notice,
                                               bool *first)
{
    static const char sql[] = "INSERT INTO task_digests (day, queued_at) VALUES (?1, ?2) ON CONFLICT(day) DO NOTHING";
    char now[32];
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare digest");
    store_now_text(now);
    store_bind_date(stmt, 1, day);
    store_bind_text(stmt, 2, now);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return store_result_of(st, rc, "record digest");
    *first = sqlite3_changes(st->db) == 1;
    if (*first && notice != NULL)
        return store_outbox_queue(st, notice, 0, now);
    return STORE_OK;
}

enum store_result store_task_digest_once(struct store *st, struct date day, const struct outbox_message *notice,
                                         bool *first)
{
    enum store_result r;

    *first = false;
    if ((r = store_begin(st)) != STORE_OK)
        return r;
    r = store_finish(st, digest_in_transaction(st, day, notice, first));
    if (r != STORE_OK)
        *first = false;
    return r;
}

/* ---- the debtor's telephone ---- */

static enum store_result phone_in_transaction(struct store *st, const struct audit_key *key, const char *email,
                                              const char *phone, const char *actor)
{
    static const char sql[] = "UPDATE debtors SET phone = ?1, updated_at = ?2 WHERE id = ?3";
    struct strbuf detail;
    struct json j;
    sqlite3_stmt *stmt;
    int64_t id = 0;
    char now[32];
    enum store_result r;
    int rc;

    store_now_text(now);
    if ((r = store_debtor_upsert(st, email, "", now, &id)) != STORE_OK)
        return r;
    if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
        return store_result_of(st, rc, "prepare phone");
    store_bind_text(stmt, 1, phone);
    store_bind_text(stmt, 2, now);
    sqlite3_bind_int64(stmt, 3, id);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if ((r = store_result_of(st, rc, "set phone")) != STORE_OK)
        return r;
    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_string(&j, "debtor", email);
    json_kv_string(&j, "phone", phone);
    json_object_end(&j);
    r = store_event_insert(st, key, 0, "debtor-updated", actor, detail.data);
    strbuf_free(&detail);
    return r;
}

enum store_result store_set_debtor_phone(struct store *st, const struct audit_key *key, const char *email,
                                         const char *phone, const char *actor)
{
    enum store_result r = store_begin(st);

    if (r != STORE_OK)
        return r;
    return store_finish(st, phone_in_transaction(st, key, email, phone, actor));
}

enum store_result store_debtor_phone(struct store *st, int64_t debtor_id, char *out, size_t size)
{
    static const char sql[] =
        "SELECT COALESCE(NULLIF(d.phone, ''), (SELECT i.buyer_phone FROM invoices i WHERE i.debtor_id = d.id"
        "   AND i.buyer_phone <> '' ORDER BY i.id DESC LIMIT 1), '') FROM debtors d WHERE d.id = ?1";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    out[0] = '\0';
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare debtor phone");
    sqlite3_bind_int64(stmt, 1, debtor_id);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        store_column_copy(stmt, 0, out, size);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "read debtor phone");
}
