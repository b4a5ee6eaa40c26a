/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_reminders.c - every query on reminders: which cases the scheduler
 * may remind, the claim that makes a step go out at most once, the
 * outcomes (sent, dry-run, failed, held), the milter's sighting of a
 * reminder, and the lists the operator reads.
 *
 * The claim is the heart of "never twice": it runs in one IMMEDIATE
 * transaction, so two runners (the daemon's thread, relancectl run-due)
 * are serialised, and UNIQUE(invoice_id, step) refuses a second claim of
 * a step whatever the callers believe.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "lib/json.h"
#include "store/store.h"
#include "store/due_facts.h"
#include "store/store_internal.h"
#include "store/store_transitions.h"

/* ---- the scheduler's view of cases ---- */

/* The facts that decide the step are kept on the case's row (due_facts.h);
 * ?1 says whether this is a dry run, in which a rehearsal's reminders count. */
#define FACT_BIT_(bit) #bit
#define FACT_BIT(bit) FACT_BIT_(bit)
#define DUE_COLUMNS                                                                                \
    STORE_CASE_COLUMNS ", COALESCE(d.kind, ''), COALESCE(d.language, ''), COALESCE(d.undeliverable, 0),"     \
    " i.due_last_step_at, i.due_flags & " FACT_BIT(DUE_FACT_COURTESY) " OR (?1 AND i.due_flags & "            \
    FACT_BIT(DUE_FACT_COURTESY_DRY) "), i.due_flags & " FACT_BIT(DUE_FACT_BUSY) " OR (?1 AND i.due_flags & "       \
    FACT_BIT(DUE_FACT_NEXT_DRY) "), COALESCE(i.due_resumed_at, '')"

static void due_from_row(sqlite3_stmt *stmt, void *item)
{
    struct due_case *out = item;
    int col = STORE_CASE_COLUMN_COUNT;

    memset(out, 0, sizeof *out);
    store_case_from_row(stmt, &out->c);
    store_column_copy(stmt, col, out->debtor_kind, sizeof out->debtor_kind);
    store_column_copy(stmt, col + 1, out->debtor_language, sizeof out->debtor_language);
    out->undeliverable = sqlite3_column_int(stmt, col + 2) != 0;
    store_column_copy(stmt, col + 3, out->last_step_at, sizeof out->last_step_at);
    out->courtesy_done = sqlite3_column_int(stmt, col + 4) != 0;
    out->busy = sqlite3_column_int(stmt, col + 5) != 0;
    store_column_copy(stmt, col + 6, out->resumed_at, sizeof out->resumed_at);
}

void due_case_list_free(struct due_case_list *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static enum store_result read_due_cases(struct store *st, sqlite3_stmt *stmt, struct due_case_list *out)
{
    return store_read_rows(st, stmt, (void **)&out->items, &out->count, sizeof *out->items,
                           due_from_row, "read due cases");
}

enum store_result store_list_due_cases(struct store *st, bool dry_run, struct due_case_list *out)
{
    static const char sql[] =
        "SELECT " DUE_COLUMNS " FROM invoices i JOIN debtors d ON d.id = i.debtor_id"
        " WHERE i.status = 'open' AND i.type = 'invoice' AND i.balance > 0 AND i.due_date IS NOT NULL"
        " ORDER BY i.debtor_id, i.due_date, i.id";
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare due cases");
    sqlite3_bind_int(stmt, 1, dry_run);
    return read_due_cases(st, stmt, out);
}

/* The cutoff of each level, ?5 for level 0 to ?17 for LADDER_MAX_STEPS. */
#define LATEST_DUE_BY_LEVEL "WHEN 0 THEN ?5 WHEN 1 THEN ?6 WHEN 2 THEN ?7 WHEN 3 THEN ?8 WHEN 4 THEN ?9 WHEN 5 THEN ?10 WHEN 6 THEN ?11 WHEN 7 THEN ?12 WHEN 8 THEN ?13 WHEN 9 THEN ?14 WHEN 10 THEN ?15 WHEN 11 THEN ?16 WHEN 12 THEN ?17"
_Static_assert(LADDER_MAX_STEPS == 12, "one WHEN per level in LATEST_DUE_BY_LEVEL");

enum store_result store_each_due_case(struct store *st, const struct due_filter *f, store_due_fn fn, void *arg)
{
    /* INDEXED BY: the planner, without statistics, may prefer
     * invoices_by_due and sort every row; this order needs no sort. */
    static const char sql[] =
        "SELECT " DUE_COLUMNS " FROM invoices AS i INDEXED BY invoices_open_by_debtor"
        " JOIN debtors d ON d.id = i.debtor_id"
        " WHERE i.status = 'open' AND i.debtor_id > ?2 AND i.level <= ?4"
        " AND i.due_date <= CASE i.level " LATEST_DUE_BY_LEVEL " END"
        " AND i.type = 'invoice' AND i.balance > 0"
        " ORDER BY i.debtor_id, i.due_date, i.id";
    struct due_case *dc = xmalloc(sizeof *dc);
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    if (rc != SQLITE_OK) {
        free(dc);
        return store_result_of(st, rc, "prepare due cases");
    }
    sqlite3_bind_int(stmt, 1, f->dry_run);
    sqlite3_bind_int64(stmt, 2, f->after_debtor);
    sqlite3_bind_int(stmt, 4, f->max_level);
    for (int level = 0; level <= LADDER_MAX_STEPS; level++)
        store_bind_text(stmt, 5 + level, f->latest_due[level]);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        due_from_row(stmt, dc);
        if (!fn(dc, arg)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    store_finalize(st, stmt);
    free(dc);
    return store_result_of(st, rc, "read due cases");
}

enum store_result store_get_due_case(struct store *st, int64_t case_id, bool dry_run, struct due_case *out)
{
    static const char sql[] = "SELECT " DUE_COLUMNS " FROM invoices i JOIN debtors d ON d.id = i.debtor_id"
                              " WHERE i.id = ?2";
    struct due_case_list list;
    sqlite3_stmt *stmt;
    enum store_result r;
    int rc = store_prepare(st, sql, &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare due case");
    sqlite3_bind_int(stmt, 1, dry_run);
    sqlite3_bind_int64(stmt, 2, case_id);
    r = read_due_cases(st, stmt, &list);
    if (r == STORE_OK && list.count == 0)
        r = STORE_NOT_FOUND;
    if (r == STORE_OK)
        *out = list.items[0];
    due_case_list_free(&list);
    return r;
}

/* ---- the claim ---- */

/* Runs a statement expected to return at most one integer; *found tells. */
static enum store_result query_exists(struct store *st, sqlite3_stmt *stmt, bool *found, const char *what)
{
    int rc = sqlite3_step(stmt);

    *found = rc == SQLITE_ROW;
    store_finalize(st, stmt);
    return store_result_of(st, rc, what);
}

/* One reminder per debtor per local day (dry runs only count in a dry run). */
static enum store_result debtor_reminded_that_day(struct store *st, const struct reminder_claim *c, bool *found)
{
    static const char sql[] = "SELECT 1 FROM reminders WHERE debtor_id = ?1 AND sent_at >= ?2 AND sent_at < ?3"
                              " AND (state IN ('pending', 'sent', 'held') OR (?4 AND state = 'dry-run')) LIMIT 1";
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare day check");
    sqlite3_bind_int64(stmt, 1, c->debtor_id);
    store_bind_text(stmt, 2, c->day_start);
    store_bind_text(stmt, 3, c->day_end);
    sqlite3_bind_int(stmt, 4, c->dry_run);
    return query_exists(st, stmt, found, "day check");
}

/* The case is still open, owed, and at the level the step was chosen for. */
static enum store_result case_unchanged(struct store *st, const struct claim_item *item, bool *ok)
{
    static const char sql[] = "SELECT 1 FROM invoices WHERE id = ?1 AND status = 'open' AND balance > 0"
                              " AND level = ?2";
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare case check");
    sqlite3_bind_int64(stmt, 1, item->case_id);
    sqlite3_bind_int(stmt, 2, item->expected_level);
    return query_exists(st, stmt, ok, "case check");
}

/* A live reminder replaces what a rehearsal wrote for the same step. */
static enum store_result drop_dry_run_item(struct store *st, int64_t case_id, int step)
{
    static const char sql[] = "DELETE FROM reminder_items WHERE invoice_id = ?1 AND step = ?2"
                              " AND reminder_id IN (SELECT id FROM reminders WHERE state = 'dry-run')";
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare dry-run cleanup");
    sqlite3_bind_int64(stmt, 1, case_id);
    sqlite3_bind_int(stmt, 2, step);
    rc = sqlite3_step(stmt);
    store_finalize(st, stmt);
    return store_result_of(st, rc, "dry-run cleanup");
}

static enum store_result insert_reminder(struct store *st, const struct reminder_claim *c, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO reminders (debtor_id, step, step_name, state, message_id, token, sender, recipient,"
        " created_at, sent_at) VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id";
    char now[32];
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reminder");
    store_now_text(now);
    sqlite3_bind_int64(stmt, 1, c->debtor_id);
    sqlite3_bind_int(stmt, 2, c->step);
    store_bind_text(stmt, 3, c->step_name);
    store_bind_text(stmt, 4, c->message_id);
    store_bind_text(stmt, 5, c->token);
    store_bind_text(stmt, 6, c->sender);
    store_bind_text(stmt, 7, c->recipient);
    store_bind_text(stmt, 8, now);
    store_bind_text(stmt, 9, c->at);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(stmt, 0);
    store_finalize(st, stmt);
    return store_result_of(st, rc, "insert reminder");
}

static enum store_result insert_item(struct store *st, int64_t reminder_id, int step, const struct claim_item *item)
{
    static const char sql[] = "INSERT INTO reminder_items (reminder_id, invoice_id, step, principal, penalties,"
                              " indemnity) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reminder item");
    sqlite3_bind_int64(stmt, 1, reminder_id);
    sqlite3_bind_int64(stmt, 2, item->case_id);
    sqlite3_bind_int(stmt, 3, step);
    sqlite3_bind_int64(stmt, 4, item->principal);
    sqlite3_bind_int64(stmt, 5, item->penalties);
    sqlite3_bind_int64(stmt, 6, item->indemnity);
    rc = sqlite3_step(stmt);
    store_finalize(st, stmt);
    /* UNIQUE(invoice_id, step): this step of this case is taken. */
    if (rc == SQLITE_CONSTRAINT) {
        store_result_of(st, rc, "reminder item");
        return STORE_CONFLICT;
    }
    return store_result_of(st, rc, "insert reminder item");
}

static enum store_result claim_in_transaction(struct store *st, const struct reminder_claim *c, int64_t *id)
{
    enum store_result r;
    bool found = false;

    if ((r = debtor_reminded_that_day(st, c, &found)) != STORE_OK)
        return r;
    if (found)
        return STORE_CONFLICT;
    for (size_t i = 0; i < c->count; i++) {
        bool ok = false;
        if ((r = case_unchanged(st, &c->items[i], &ok)) != STORE_OK)
            return r;
        if (!ok)
            return STORE_CONFLICT;
        if (!c->dry_run && (r = drop_dry_run_item(st, c->items[i].case_id, c->step)) != STORE_OK)
            return r;
    }
    if ((r = insert_reminder(st, c, id)) != STORE_OK)
        return r;
    for (size_t i = 0; i < c->count && r == STORE_OK; i++)
        r = insert_item(st, *id, c->step, &c->items[i]);
    return r;
}

enum store_result store_claim_reminder(struct store *st, const struct reminder_claim *claim, int64_t *id)
{
    enum store_result r = store_begin(st);

    if (r != STORE_OK)
        return r;
    return store_finish(st, claim_in_transaction(st, claim, id));
}

/* ---- outcomes ---- */

struct item_row {
    int64_t case_id;
    int64_t principal, penalties, indemnity;
};

/* The reminder's items, and its step and Message-ID for the events. */
static enum store_result read_items(struct store *st, int64_t id, struct item_row **items, size_t *count)
{
    static const char sql[] = "SELECT invoice_id, principal, penalties, indemnity FROM reminder_items"
                              " WHERE reminder_id = ?1 ORDER BY invoice_id";
    sqlite3_stmt *stmt;
    size_t cap = 0;
    int rc = store_prepare(st, sql, &stmt);

    *items = NULL;
    *count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare items");
    sqlite3_bind_int64(stmt, 1, id);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? cap * 2 : 8;
            *items = xrealloc(*items, cap * sizeof **items);
        }
        (*items)[*count].case_id = sqlite3_column_int64(stmt, 0);
        (*items)[*count].principal = sqlite3_column_int64(stmt, 1);
        (*items)[*count].penalties = sqlite3_column_int64(stmt, 2);
        (*items)[*count].indemnity = sqlite3_column_int64(stmt, 3);
        (*count)++;
    }
    store_finalize(st, stmt);
    return store_result_of(st, rc, "read items");
}

static void event_detail(const struct reminder_row *rem, const struct item_row *item, const char *note,
                         struct strbuf *out)
{
    char principal[MONEY_STR_MAX], penalties[MONEY_STR_MAX], indemnity[MONEY_STR_MAX];
    struct json j;

    money_format_decimal(item->principal, principal);
    money_format_decimal(item->penalties, penalties);
    money_format_decimal(item->indemnity, indemnity);
    json_init(&j, out, false);
    json_object_begin(&j);
    json_kv_int(&j, "reminder", rem->id);
    json_kv_int(&j, "step", rem->step);
    json_kv_string(&j, "step_name", rem->step_name);
    json_kv_string(&j, "state", reminder_state_name(rem->state));
    json_kv_string(&j, "message_id", rem->message_id);
    json_kv_string(&j, "recipient", rem->recipient);
    json_kv_string(&j, "sender", rem->sender);
    json_kv_string(&j, "sent_at", rem->sent_at);
    json_kv_string(&j, "principal", principal);
    json_kv_string(&j, "penalties", penalties);
    json_kv_string(&j, "indemnity", indemnity);
    if (note && note[0])
        json_kv_string(&j, "note", note);
    json_object_end(&j);
}

/* One event per case the reminder covers. */
static enum store_result write_events(struct store *st, const struct audit_key *key, int64_t id, const char *kind,
                                      const char *actor, const char *note, const struct item_row *items,
                                      size_t count)
{
    struct reminder_row rem;
    enum store_result r = store_get_reminder(st, id, &rem);

    for (size_t i = 0; i < count && r == STORE_OK; i++) {
        struct strbuf detail;
        strbuf_init(&detail);
        event_detail(&rem, &items[i], note, &detail);
        r = store_event_insert(st, key, items[i].case_id, kind, actor, detail.data);
        strbuf_free(&detail);
    }
    return r;
}

/* The court step moves an open case to court (CASE_EVENT_COURT_STEP_SENT);
 * one that moved meanwhile (paid, disputed) keeps its status. */
static enum store_result raise_level(struct store *st, int64_t case_id, int step, bool court)
{
    static const char sql[] = "UPDATE invoices SET level = MAX(level, ?2), updated_at = ?3 WHERE id = ?1";
    enum store_result r;
    char now[32];
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare level");
    store_now_text(now);
    sqlite3_bind_int64(stmt, 1, case_id);
    sqlite3_bind_int(stmt, 2, step);
    store_bind_text(stmt, 3, now);
    rc = sqlite3_step(stmt);
    store_finalize(st, stmt);
    if (rc != SQLITE_DONE || !court)
        return store_result_of(st, rc, "raise level");
    r = store_case_transition(st, case_id, CASE_EVENT_COURT_STEP_SENT, now, NULL);
    return r == STORE_CONFLICT ? STORE_OK : r;
}

struct outcome {
    enum reminder_event event; /* the state it moves to, and from what */
    const char *kind;  /* event kind */
    const char *actor;
    const char *note;  /* event note and, when the transition records one, the error column */
    bool raise;        /* sent: levels go up */
    bool court;
    bool free_step;    /* failed: items deleted */
};

static enum store_result delete_items(struct store *st, int64_t id)
{
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, "DELETE FROM reminder_items WHERE reminder_id = ?1", &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare item delete");
    sqlite3_bind_int64(stmt, 1, id);
    rc = sqlite3_step(stmt);
    store_finalize(st, stmt);
    return store_result_of(st, rc, "delete items");
}

static enum store_result apply_outcome(struct store *st, const struct audit_key *key, int64_t id,
                                       const struct outcome *o)
{
    struct item_row *items = NULL;
    size_t count = 0;
    int step = 0;
    struct reminder_row rem;
    enum store_result r = store_get_reminder(st, id, &rem);

    if (r == STORE_OK)
        step = rem.step;
    if (r == STORE_OK)
        r = store_reminder_transition(st, id, o->event, o->note);
    if (r == STORE_OK)
        r = read_items(st, id, &items, &count);
    for (size_t i = 0; o->raise && step > 0 && i < count && r == STORE_OK; i++)
        r = raise_level(st, items[i].case_id, step, o->court);
    if (r == STORE_OK)
        r = write_events(st, key, id, o->kind, o->actor, o->note, items, count);
    if (r == STORE_OK && o->free_step)
        r = delete_items(st, id);
    free(items);
    return r;
}

static enum store_result outcome(struct store *st, const struct audit_key *key, int64_t id, const struct outcome *o)
{
    enum store_result r = store_begin(st);

    if (r != STORE_OK)
        return r;
    return store_finish(st, apply_outcome(st, key, id, o));
}

enum store_result store_reminder_sent(struct store *st, const struct audit_key *key, int64_t id, bool court,
                                      const char *actor, const char *note)
{
    struct outcome o = {REMINDER_EVENT_SENT, "reminder-sent", actor, note, true, court, false};
    return outcome(st, key, id, &o);
}

enum store_result store_reminder_dry_run(struct store *st, const struct audit_key *key, int64_t id,
                                         const char *actor, const char *path)
{
    struct outcome o = {REMINDER_EVENT_DRY_RUN, "reminder-dry-run", actor, path, false, false, false};
    return outcome(st, key, id, &o);
}

enum store_result store_reminder_failed(struct store *st, const struct audit_key *key, int64_t id,
                                        const char *actor, const char *error)
{
    struct outcome o = {REMINDER_EVENT_FAILED, "reminder-failed", actor, error, false, false, true};
    return outcome(st, key, id, &o);
}

enum store_result store_reminder_held(struct store *st, const struct audit_key *key, int64_t id,
                                      const char *actor, const char *error)
{
    struct outcome o = {REMINDER_EVENT_HELD, "reminder-held", actor, error, false, false, false};
    return outcome(st, key, id, &o);
}

enum store_result store_reminder_seen(struct store *st, const char *message_id, const char *token)
{
    static const char sql[] = "UPDATE reminders SET mta_seen_at = COALESCE(mta_seen_at, ?3)"
                              " WHERE message_id = ?1 AND token = ?2";
    char now[32];
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare seen");
    store_now_text(now);
    store_bind_text(stmt, 1, message_id);
    store_bind_text(stmt, 2, token);
    store_bind_text(stmt, 3, now);
    rc = sqlite3_step(stmt);
    store_finalize(st, stmt);
    if (rc == SQLITE_DONE && sqlite3_changes(st->db) == 0)
        return STORE_NOT_FOUND;
    return store_result_of(st, rc, "record seen");
}

/* ---- lists ---- */

#define REMINDER_COLUMNS                                                                           \
    "r.id, r.debtor_id, COALESCE(d.email, ''), r.step, r.step_name, r.state, r.message_id, r.token," \
    " r.sender, r.recipient, r.created_at, COALESCE(r.sent_at, ''), COALESCE(r.mta_seen_at, ''),"   \
    " r.error, COALESCE((SELECT group_concat(i.number, ', ') FROM reminder_items ri"                \
    "   JOIN invoices i ON i.id = ri.invoice_id WHERE ri.reminder_id = r.id), '')"
#define REMINDER_FROM " FROM reminders r LEFT JOIN debtors d ON d.id = r.debtor_id"

/* The schema's CHECK allows only known names; were one unknown anyway,
 * the reminder is taken as failed: it blocks nothing and is not history. */
static enum reminder_state state_of_column(sqlite3_stmt *stmt, int col)
{
    enum reminder_state state = REMINDER_FAILED;
    char text[16];

    store_column_copy(stmt, col, text, sizeof text);
    reminder_state_parse(text, &state);
    return state;
}

static void reminder_from_row(sqlite3_stmt *stmt, void *item)
{
    struct reminder_row *r = item;

    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(stmt, 0);
    r->debtor_id = sqlite3_column_int64(stmt, 1);
    store_column_copy(stmt, 2, r->debtor_email, sizeof r->debtor_email);
    r->step = sqlite3_column_int(stmt, 3);
    store_column_copy(stmt, 4, r->step_name, sizeof r->step_name);
    r->state = state_of_column(stmt, 5);
    store_column_copy(stmt, 6, r->message_id, sizeof r->message_id);
    store_column_copy(stmt, 7, r->token, sizeof r->token);
    store_column_copy(stmt, 8, r->sender, sizeof r->sender);
    store_column_copy(stmt, 9, r->recipient, sizeof r->recipient);
    store_column_copy(stmt, 10, r->created_at, sizeof r->created_at);
    store_column_copy(stmt, 11, r->sent_at, sizeof r->sent_at);
    store_column_copy(stmt, 12, r->mta_seen_at, sizeof r->mta_seen_at);
    store_column_copy(stmt, 13, r->error, sizeof r->error);
    store_column_copy(stmt, 14, r->numbers, sizeof r->numbers);
}

void reminder_list_free(struct reminder_list *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static enum store_result read_reminders(struct store *st, sqlite3_stmt *stmt, struct reminder_list *out)
{
    return store_read_rows(st, stmt, (void **)&out->items, &out->count, sizeof *out->items,
                           reminder_from_row, "read reminders");
}

enum store_result store_list_reminders(struct store *st, const enum reminder_state *state, int64_t case_id,
                                       struct reminder_list *out)
{
    static const char sql_all[] =
        "SELECT " REMINDER_COLUMNS REMINDER_FROM " WHERE (?1 IS NULL OR r.state = ?1) AND ?2 = 0"
        " ORDER BY r.id DESC";
    /* One case's: found from its items and its events by index (the
     * scheduler asks this for every case it reminds), never by reading
     * every reminder. */
    static const char sql_case[] =
        "SELECT " REMINDER_COLUMNS REMINDER_FROM " WHERE (?1 IS NULL OR r.state = ?1)"
        " AND r.id IN (SELECT ri.reminder_id FROM reminder_items ri WHERE ri.invoice_id = ?2"
        "   UNION SELECT json_extract(e.detail, '$.reminder') FROM events e WHERE e.invoice_id = ?2"
        "   AND e.kind = 'reminder-failed')"
        " AND (r.state = 'failed' OR EXISTS (SELECT 1 FROM reminder_items ri WHERE ri.reminder_id = r.id"
        "   AND ri.invoice_id = ?2))"
        " ORDER BY r.id DESC";
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, case_id > 0 ? sql_case : sql_all, &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reminders");
    if (state)
        store_bind_text(stmt, 1, reminder_state_name(*state));
    else
        sqlite3_bind_null(stmt, 1);
    sqlite3_bind_int64(stmt, 2, case_id);
    return read_reminders(st, stmt, out);
}

enum store_result store_get_reminder(struct store *st, int64_t id, struct reminder_row *out)
{
    struct reminder_list list;
    sqlite3_stmt *stmt;
    enum store_result r;
    int rc = store_prepare(st, "SELECT " REMINDER_COLUMNS REMINDER_FROM " WHERE r.id = ?1", &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reminder");
    sqlite3_bind_int64(stmt, 1, id);
    r = read_reminders(st, stmt, &list);
    if (r == STORE_OK && list.count == 0)
        r = STORE_NOT_FOUND;
    if (r == STORE_OK)
        *out = list.items[0];
    reminder_list_free(&list);
    return r;
}

enum store_result store_list_stale_reminders(struct store *st, const char *before, struct reminder_list *out)
{
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, "SELECT " REMINDER_COLUMNS REMINDER_FROM
                           " WHERE r.state = 'pending' AND r.created_at < ?1 ORDER BY r.id",
                           &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare stale reminders");
    store_bind_text(stmt, 1, before);
    return read_reminders(st, stmt, out);
}

enum store_result store_reminder_case_ids(struct store *st, int64_t reminder_id, int64_t *ids, size_t max,
                                          size_t *count)
{
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, "SELECT invoice_id FROM reminder_items WHERE reminder_id = ?1 ORDER BY rowid", &stmt);

    *count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare reminder items");
    sqlite3_bind_int64(stmt, 1, reminder_id);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *count < max)
        ids[(*count)++] = sqlite3_column_int64(stmt, 0);
    store_finalize(st, stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : store_result_of(st, rc, "read reminder items");
}
