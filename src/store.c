/*
 * store.c - SQLite schema, migrations and queries (see store.h).
 *
 * The schema is versioned with PRAGMA user_version. Migrations only go
 * forward; each runs in the same IMMEDIATE transaction that reads the
 * version, so two processes opening a fresh database at once cannot both
 * migrate it. The tables cover the whole product: debtors, invoices (the
 * cases), reminders and the invoices each one covered, replies, payments,
 * and the append-only, hash-chained event log.
 */
#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "log.h"
#include "money.h"

struct store {
    sqlite3 *db;
    char error[256];
};

/* Version N's migration is migrations[N - 1]. Never edit a released one:
 * add the next. */
static const char *const migrations[] = {
    /* 1: the whole product's tables. */
    "CREATE TABLE debtors ("
    "  id INTEGER PRIMARY KEY,"
    "  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  name TEXT NOT NULL DEFAULT '',"
    "  kind TEXT CHECK (kind IN ('business', 'consumer')),"  /* NULL: configured default */
    "  language TEXT CHECK (language IN ('fr', 'en')),"      /* NULL: configured default */
    "  undeliverable INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE invoices ("
    "  id INTEGER PRIMARY KEY,"
    "  seller TEXT NOT NULL,"
    "  seller_key TEXT NOT NULL,"
    "  number TEXT NOT NULL,"
    "  type TEXT NOT NULL CHECK (type IN ('invoice', 'credit_note')),"
    "  type_code INTEGER NOT NULL DEFAULT 0,"
    "  issue_date TEXT,"
    "  due_date TEXT,"
    "  due_basis TEXT NOT NULL DEFAULT 'none',"
    "  amount_due INTEGER NOT NULL,"   /* cents, as invoiced */
    "  balance INTEGER NOT NULL,"      /* cents still owed */
    "  currency TEXT NOT NULL,"
    "  debtor_id INTEGER REFERENCES debtors(id),"
    "  buyer_name TEXT NOT NULL DEFAULT '',"
    "  buyer_email TEXT NOT NULL DEFAULT '',"
    "  referenced_number TEXT NOT NULL DEFAULT '',"
    "  payment_terms TEXT NOT NULL DEFAULT '',"
    "  source TEXT NOT NULL,"
    "  confidence INTEGER NOT NULL,"
    "  origin TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN"
    "    ('open', 'paid', 'paused', 'disputed', 'cancelled', 'closed', 'court')),"
    "  level INTEGER NOT NULL DEFAULT 0,"   /* reminder steps sent */
    "  paused_until TEXT,"
    "  message_id TEXT NOT NULL DEFAULT '',"
    "  queue_id TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE (seller_key, number));"
    "CREATE INDEX invoices_by_number ON invoices(number);"
    "CREATE INDEX invoices_by_debtor ON invoices(debtor_id, status);"
    "CREATE INDEX invoices_by_due ON invoices(status, due_date);"
    "CREATE INDEX invoices_by_message ON invoices(message_id);"
    "CREATE TABLE reminders ("
    "  id INTEGER PRIMARY KEY,"
    "  debtor_id INTEGER NOT NULL REFERENCES debtors(id),"
    "  step INTEGER NOT NULL,"
    "  step_name TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN"
    "    ('pending', 'sent', 'held', 'failed', 'dry-run')),"
    "  message_id TEXT NOT NULL UNIQUE,"
    "  token TEXT NOT NULL DEFAULT '',"
    "  sender TEXT NOT NULL DEFAULT '',"
    "  recipient TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL,"
    "  sent_at TEXT,"
    "  mta_seen_at TEXT,"      /* when the reminder passed through the milter */
    "  error TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE reminder_items ("
    "  reminder_id INTEGER NOT NULL REFERENCES reminders(id),"
    "  invoice_id INTEGER NOT NULL REFERENCES invoices(id),"
    "  step INTEGER NOT NULL,"
    "  principal INTEGER NOT NULL,"
    "  penalties INTEGER NOT NULL DEFAULT 0,"
    "  indemnity INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (reminder_id, invoice_id),"
    "  UNIQUE (invoice_id, step));"   /* a step is never sent twice */
    "CREATE TABLE replies ("
    "  id INTEGER PRIMARY KEY,"
    "  invoice_id INTEGER REFERENCES invoices(id),"
    "  reminder_id INTEGER REFERENCES reminders(id),"
    "  message_id TEXT NOT NULL DEFAULT '',"
    "  sender TEXT NOT NULL DEFAULT '',"
    "  subject TEXT NOT NULL DEFAULT '',"
    "  matched_by TEXT NOT NULL DEFAULT '',"
    "  verdict TEXT NOT NULL,"
    "  promised_date TEXT,"
    "  excerpt TEXT NOT NULL DEFAULT '',"
    "  queue_id TEXT NOT NULL DEFAULT '',"
    "  received_at TEXT NOT NULL);"
    "CREATE INDEX replies_by_invoice ON replies(invoice_id);"
    "CREATE TABLE payments ("
    "  id INTEGER PRIMARY KEY,"
    "  invoice_id INTEGER NOT NULL REFERENCES invoices(id),"
    "  amount INTEGER NOT NULL,"
    "  currency TEXT NOT NULL,"
    "  paid_on TEXT,"
    "  source TEXT NOT NULL,"        /* operator | csv | camt053 | credit_note */
    "  reference TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  invoice_id INTEGER,"          /* no foreign key: the log outlives nothing */
    "  kind TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  detail TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE INDEX events_by_invoice ON events(invoice_id);"
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;"
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration per schema version");

static void set_error(struct store *st, const char *what)
{
    snprintf(st->error, sizeof st->error, "%s: %s", what, sqlite3_errmsg(st->db));
}

static enum store_result result_of(struct store *st, int rc, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return STORE_OK;
    set_error(st, what);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return STORE_BUSY;
    return STORE_ERROR;
}

const char *store_last_error(struct store *st)
{
    return st->error;
}

static int exec(struct store *st, const char *sql)
{
    return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

static int read_user_version(struct store *st)
{
    sqlite3_stmt *stmt;
    int version = -1;

    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return version;
}

int store_schema_version(struct store *st)
{
    return read_user_version(st);
}

static bool migrate(struct store *st, char *why, size_t whylen)
{
    int version, rc;
    char sql[64];

    rc = exec(st, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
        str_format(why, whylen, "cannot lock the database: %s", sqlite3_errmsg(st->db));
        return false;
    }
    version = read_user_version(st);
    if (version < 0 || version > STORE_SCHEMA_VERSION) {
        str_format(why, whylen, "database schema version %d is not supported (this program knows up to %d)",
                   version, STORE_SCHEMA_VERSION);
        exec(st, "ROLLBACK");
        return false;
    }
    for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
        if (exec(st, migrations[v]) != SQLITE_OK) {
            str_format(why, whylen, "migration to schema %d failed: %s", v + 1, sqlite3_errmsg(st->db));
            exec(st, "ROLLBACK");
            return false;
        }
    }
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
    if (exec(st, sql) != SQLITE_OK || exec(st, "COMMIT") != SQLITE_OK) {
        str_format(why, whylen, "cannot record the schema version: %s", sqlite3_errmsg(st->db));
        exec(st, "ROLLBACK");
        return false;
    }
    return true;
}

struct store *store_open(const char *path, int timeout_ms, char *why, size_t whylen)
{
    struct store *st = xcalloc(1, sizeof *st);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        str_format(why, whylen, "cannot open %s: %s", path,
                   st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, timeout_ms);
    sqlite3_extended_result_codes(st->db, 0);
    /* WAL: readers never block the writer; FULL: a commit survives power
     * loss, which the "sent exactly once" promise needs. */
    if (exec(st, "PRAGMA journal_mode = WAL") != SQLITE_OK ||
        exec(st, "PRAGMA synchronous = FULL") != SQLITE_OK ||
        exec(st, "PRAGMA foreign_keys = ON") != SQLITE_OK) {
        str_format(why, whylen, "cannot set up %s: %s", path, sqlite3_errmsg(st->db));
        store_close(st);
        return NULL;
    }
    if (!migrate(st, why, whylen)) {
        store_close(st);
        return NULL;
    }
    return st;
}

void store_close(struct store *st)
{
    if (st == NULL)
        return;
    sqlite3_close_v2(st->db);
    free(st);
}

void store_now_text(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- helpers for statements ---- */

static void bind_text(sqlite3_stmt *stmt, int index, const char *s)
{
    sqlite3_bind_text(stmt, index, s ? s : "", -1, SQLITE_TRANSIENT);
}

static void bind_date(sqlite3_stmt *stmt, int index, struct date d)
{
    char text[DATE_STR_MAX];

    if (!date_is_set(d)) {
        sqlite3_bind_null(stmt, index);
        return;
    }
    date_format(d, text);
    sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

static void column_copy(sqlite3_stmt *stmt, int col, char *dst, size_t size)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    str_copy(dst, size, text ? (const char *)text : "");
}

static struct date column_date(sqlite3_stmt *stmt, int col)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    struct date d = {0, 0, 0};

    if (text)
        date_parse((const char *)text, &d);
    return d;
}

static const char *due_basis_name(enum due_basis basis)
{
    static const char *const names[] = {"none", "document", "terms", "default"};
    return (unsigned)basis < ARRAY_LEN(names) ? names[basis] : "none";
}

static enum due_basis due_basis_parse(const char *s)
{
    static const char *const names[] = {"none", "document", "terms", "default"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (strcmp(s, names[i]) == 0)
            return (enum due_basis)i;
    return DUE_BASIS_NONE;
}

static enum invoice_source source_parse(const char *s)
{
    for (int i = INVOICE_SOURCE_FACTURX; i <= INVOICE_SOURCE_BODY; i++)
        if (strcmp(s, invoice_source_name((enum invoice_source)i)) == 0)
            return (enum invoice_source)i;
    return INVOICE_SOURCE_BODY;
}

/* Seller names are compared without case and extra white space. */
static char *seller_key(const char *seller)
{
    char *key = xstrdup(seller);

    str_squeeze_spaces(key);
    str_tolower_ascii(key);
    return key;
}

/* ---- debtors ---- */

static enum store_result debtor_upsert(struct store *st, const char *email, const char *name,
                                       const char *now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO debtors (email, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)"
        " ON CONFLICT(email) DO UPDATE SET"
        "   name = CASE WHEN debtors.name = '' THEN excluded.name ELSE debtors.name END"
        " RETURNING id";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return result_of(st, rc, "prepare debtor");
    bind_text(stmt, 1, email);
    bind_text(stmt, 2, name);
    bind_text(stmt, 3, now);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return result_of(st, rc, "insert debtor");
}

/* ---- events ---- */

static enum store_result last_hash(struct store *st, char out[AUDIT_HASH_HEX])
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "SELECT hash FROM events ORDER BY id DESC LIMIT 1", -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return result_of(st, rc, "prepare last hash");
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        column_copy(stmt, 0, out, AUDIT_HASH_HEX);
    else
        str_copy(out, AUDIT_HASH_HEX, AUDIT_GENESIS);
    sqlite3_finalize(stmt);
    return result_of(st, rc, "read last hash");
}

/* Appends one event inside the caller's transaction. */
static enum store_result event_insert(struct store *st, const struct audit_key *key, int64_t case_id,
                                      const char *kind, const char *actor, const char *detail)
{
    static const char sql[] = "INSERT INTO events (at, invoice_id, kind, actor, detail, prev_hash, hash)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX], now[32];
    struct audit_fields fields;
    sqlite3_stmt *stmt;
    enum store_result r;
    int rc;

    if ((r = last_hash(st, prev)) != STORE_OK)
        return r;
    store_now_text(now);
    fields.at = now;
    fields.case_id = case_id;
    fields.kind = kind;
    fields.actor = actor;
    fields.detail = detail;
    audit_chain_hash(key, prev, &fields, hash);
    rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return result_of(st, rc, "prepare event");
    bind_text(stmt, 1, now);
    if (case_id > 0)
        sqlite3_bind_int64(stmt, 2, case_id);
    else
        sqlite3_bind_null(stmt, 2);
    bind_text(stmt, 3, kind);
    bind_text(stmt, 4, actor);
    bind_text(stmt, 5, detail);
    bind_text(stmt, 6, prev);
    bind_text(stmt, 7, hash);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return result_of(st, rc, "insert event");
}

static enum store_result begin(struct store *st)
{
    return result_of(st, exec(st, "BEGIN IMMEDIATE"), "begin");
}

static enum store_result finish(struct store *st, enum store_result r)
{
    if (r == STORE_OK) {
        int rc = exec(st, "COMMIT");
        if (rc == SQLITE_OK)
            return STORE_OK;
        r = result_of(st, rc, "commit");
    }
    exec(st, "ROLLBACK");
    return r;
}

enum store_result store_append_event(struct store *st, const struct audit_key *key, int64_t case_id,
                                     const char *kind, const char *actor, const char *detail)
{
    enum store_result r = begin(st);

    if (r != STORE_OK)
        return r;
    return finish(st, event_insert(st, key, case_id, kind, actor, detail));
}

/* ---- cases ---- */

#define CASE_COLUMNS                                                                               \
    "i.id, i.seller, i.number, i.type, i.type_code, i.issue_date, i.due_date, i.due_basis,"       \
    " i.amount_due, i.balance, i.currency, i.buyer_name, i.buyer_email, i.referenced_number,"      \
    " i.payment_terms, i.source, i.confidence, i.origin, i.status, i.level, i.message_id,"         \
    " i.queue_id, i.created_at, i.updated_at, i.debtor_id, COALESCE(d.email, ''),"                 \
    " COALESCE(d.name, '')"
#define CASE_FROM " FROM invoices i LEFT JOIN debtors d ON d.id = i.debtor_id"

static void case_from_row(sqlite3_stmt *stmt, struct case_row *c)
{
    char text[64];

    memset(c, 0, sizeof *c);
    invoice_init(&c->inv);
    c->id = sqlite3_column_int64(stmt, 0);
    column_copy(stmt, 1, c->inv.seller_name, sizeof c->inv.seller_name);
    column_copy(stmt, 2, c->inv.number, sizeof c->inv.number);
    column_copy(stmt, 3, text, sizeof text);
    c->inv.type = strcmp(text, "credit_note") == 0 ? INVOICE_TYPE_CREDIT_NOTE : INVOICE_TYPE_INVOICE;
    c->inv.type_code = sqlite3_column_int(stmt, 4);
    c->inv.issue_date = column_date(stmt, 5);
    c->inv.due_date = column_date(stmt, 6);
    column_copy(stmt, 7, text, sizeof text);
    c->inv.due_basis = due_basis_parse(text);
    c->inv.amount_due = sqlite3_column_int64(stmt, 8);
    c->inv.has_amount_due = true;
    c->balance = sqlite3_column_int64(stmt, 9);
    column_copy(stmt, 10, c->inv.currency, sizeof c->inv.currency);
    column_copy(stmt, 11, c->inv.buyer_name, sizeof c->inv.buyer_name);
    column_copy(stmt, 12, c->inv.buyer_email, sizeof c->inv.buyer_email);
    column_copy(stmt, 13, c->inv.referenced_number, sizeof c->inv.referenced_number);
    column_copy(stmt, 14, c->inv.payment_terms, sizeof c->inv.payment_terms);
    column_copy(stmt, 15, text, sizeof text);
    c->inv.source = source_parse(text);
    c->inv.confidence = sqlite3_column_int(stmt, 16);
    column_copy(stmt, 17, c->inv.origin, sizeof c->inv.origin);
    column_copy(stmt, 18, c->status, sizeof c->status);
    c->level = sqlite3_column_int(stmt, 19);
    column_copy(stmt, 20, c->message_id, sizeof c->message_id);
    column_copy(stmt, 21, c->queue_id, sizeof c->queue_id);
    column_copy(stmt, 22, c->created_at, sizeof c->created_at);
    column_copy(stmt, 23, c->updated_at, sizeof c->updated_at);
    c->debtor_id = sqlite3_column_int64(stmt, 24);
    column_copy(stmt, 25, c->debtor_email, sizeof c->debtor_email);
    column_copy(stmt, 26, c->debtor_name, sizeof c->debtor_name);
}

static enum store_result query_cases(struct store *st, sqlite3_stmt *stmt, struct case_list *out)
{
    size_t cap = 0;
    int rc;

    out->items = NULL;
    out->count = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (out->count == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = xrealloc(out->items, cap * sizeof *out->items);
        }
        case_from_row(stmt, &out->items[out->count++]);
    }
    sqlite3_finalize(stmt);
    return result_of(st, rc, "read cases");
}

void case_list_free(struct case_list *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

enum store_result store_list_cases(struct store *st, struct case_list *out)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "SELECT " CASE_COLUMNS CASE_FROM " ORDER BY i.id", -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return result_of(st, rc, "prepare list");
    return query_cases(st, stmt, out);
}

enum store_result store_find_cases(struct store *st, const char *number, struct case_list *out)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "SELECT " CASE_COLUMNS CASE_FROM " WHERE i.number = ?1 ORDER BY i.id",
                                -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return result_of(st, rc, "prepare find");
    bind_text(stmt, 1, number);
    return query_cases(st, stmt, out);
}

static enum store_result case_by_id(struct store *st, int64_t id, struct case_row *out)
{
    struct case_list list;
    sqlite3_stmt *stmt;
    enum store_result r;
    int rc = sqlite3_prepare_v2(st->db, "SELECT " CASE_COLUMNS CASE_FROM " WHERE i.id = ?1", -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return result_of(st, rc, "prepare case");
    sqlite3_bind_int64(stmt, 1, id);
    r = query_cases(st, stmt, &list);
    if (r == STORE_OK && list.count == 0)
        r = STORE_NOT_FOUND;
    if (r == STORE_OK)
        *out = list.items[0];
    case_list_free(&list);
    return r;
}

/* A case starts open when something is owed, closed otherwise (credit
 * notes, zero or negative balances: nothing to collect). */
static const char *initial_status(const struct invoice *inv)
{
    if (inv->type == INVOICE_TYPE_CREDIT_NOTE || !inv->has_amount_due || inv->amount_due <= 0)
        return "closed";
    return "open";
}

static void tracked_detail(const struct invoice *inv, const struct track_context *ctx, struct strbuf *out)
{
    char amount[MONEY_STR_MAX], due[DATE_STR_MAX];
    struct json j;

    money_format_decimal(inv->amount_due, amount);
    date_format(inv->due_date, due);
    json_init(&j, out, false);
    json_object_begin(&j);
    json_kv_string(&j, "number", inv->number);
    json_kv_string(&j, "type", invoice_type_name(inv->type));
    json_kv_string(&j, "amount_due", amount);
    json_kv_string(&j, "currency", inv->currency);
    json_kv_string_or_null(&j, "due_date", due);
    json_kv_string(&j, "debtor_email", ctx->debtor_email);
    json_kv_string(&j, "source", invoice_source_name(inv->source));
    json_kv_string(&j, "message_id", ctx->message_id);
    json_kv_string(&j, "queue_id", ctx->queue_id);
    json_object_end(&j);
}

static enum store_result invoice_insert(struct store *st, const struct invoice *inv,
                                        const struct track_context *ctx, int64_t debtor_id,
                                        const char *now, int64_t *id, bool *created)
{
    static const char sql[] =
        "INSERT INTO invoices (seller, seller_key, number, type, type_code, issue_date, due_date,"
        " due_basis, amount_due, balance, currency, debtor_id, buyer_name, buyer_email,"
        " referenced_number, payment_terms, source, confidence, origin, status, message_id,"
        " queue_id, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
        " ?18, ?19, ?20, ?21, ?22, ?22)"
        " ON CONFLICT(seller_key, number) DO NOTHING RETURNING id";
    char *key = seller_key(inv->seller_name);
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK) {
        free(key);
        return result_of(st, rc, "prepare invoice");
    }
    bind_text(stmt, 1, inv->seller_name);
    bind_text(stmt, 2, key);
    bind_text(stmt, 3, inv->number);
    bind_text(stmt, 4, invoice_type_name(inv->type));
    sqlite3_bind_int(stmt, 5, inv->type_code);
    bind_date(stmt, 6, inv->issue_date);
    bind_date(stmt, 7, inv->due_date);
    bind_text(stmt, 8, due_basis_name(inv->due_basis));
    sqlite3_bind_int64(stmt, 9, inv->has_amount_due ? inv->amount_due : 0);
    bind_text(stmt, 10, inv->currency);
    if (debtor_id > 0)
        sqlite3_bind_int64(stmt, 11, debtor_id);
    else
        sqlite3_bind_null(stmt, 11);
    bind_text(stmt, 12, inv->buyer_name);
    bind_text(stmt, 13, inv->buyer_email);
    bind_text(stmt, 14, inv->referenced_number);
    bind_text(stmt, 15, inv->payment_terms);
    bind_text(stmt, 16, invoice_source_name(inv->source));
    sqlite3_bind_int(stmt, 17, inv->confidence);
    bind_text(stmt, 18, inv->origin);
    bind_text(stmt, 19, initial_status(inv));
    bind_text(stmt, 20, ctx->message_id);
    bind_text(stmt, 21, ctx->queue_id);
    bind_text(stmt, 22, now);
    rc = sqlite3_step(stmt);
    *created = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    free(key);
    return result_of(st, rc, "insert invoice");
}

static enum store_result invoice_id_by_key(struct store *st, const struct invoice *inv, int64_t *id)
{
    char *key = seller_key(inv->seller_name);
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "SELECT id FROM invoices WHERE seller_key = ?1 AND number = ?2",
                                -1, &stmt, NULL);

    if (rc != SQLITE_OK) {
        free(key);
        return result_of(st, rc, "prepare lookup");
    }
    bind_text(stmt, 1, key);
    bind_text(stmt, 2, inv->number);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    free(key);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return result_of(st, rc, "lookup invoice");
}

static enum store_result track_in_transaction(struct store *st, const struct audit_key *key,
                                              const struct invoice *inv,
                                              const struct track_context *ctx, int64_t *id,
                                              bool *created)
{
    struct strbuf detail;
    int64_t debtor_id = 0;
    char now[32];
    enum store_result r;

    store_now_text(now);
    if (ctx->debtor_email && ctx->debtor_email[0]) {
        r = debtor_upsert(st, ctx->debtor_email, inv->buyer_name, now, &debtor_id);
        if (r != STORE_OK)
            return r;
    }
    r = invoice_insert(st, inv, ctx, debtor_id, now, id, created);
    if (r != STORE_OK)
        return r;
    if (!*created)
        return invoice_id_by_key(st, inv, id);
    strbuf_init(&detail);
    tracked_detail(inv, ctx, &detail);
    r = event_insert(st, key, *id, "invoice-tracked", ctx->actor ? ctx->actor : "milter", detail.data);
    strbuf_free(&detail);
    return r;
}

enum store_result store_track_invoice(struct store *st, const struct audit_key *key,
                                      const struct invoice *inv, const struct track_context *ctx,
                                      struct case_row *out, bool *created)
{
    int64_t id = 0;
    enum store_result r = begin(st);

    *created = false;
    if (r != STORE_OK)
        return r;
    r = finish(st, track_in_transaction(st, key, inv, ctx, &id, created));
    if (r != STORE_OK) {
        *created = false;
        return r;
    }
    return out ? case_by_id(st, id, out) : STORE_OK;
}

/* ---- events, read side ---- */

void event_list_free(struct event_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].detail);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

enum store_result store_list_events(struct store *st, int64_t case_id, struct event_list *out)
{
    static const char sql_all[] =
        "SELECT id, at, COALESCE(invoice_id, 0), kind, actor, detail, prev_hash, hash FROM events ORDER BY id";
    static const char sql_case[] =
        "SELECT id, at, COALESCE(invoice_id, 0), kind, actor, detail, prev_hash, hash FROM events"
        " WHERE invoice_id = ?1 ORDER BY id";
    sqlite3_stmt *stmt;
    size_t cap = 0;
    int rc = sqlite3_prepare_v2(st->db, case_id > 0 ? sql_case : sql_all, -1, &stmt, NULL);

    out->items = NULL;
    out->count = 0;
    if (rc != SQLITE_OK)
        return result_of(st, rc, "prepare events");
    if (case_id > 0)
        sqlite3_bind_int64(stmt, 1, case_id);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct event_row *e;
        const unsigned char *detail;

        if (out->count == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = xrealloc(out->items, cap * sizeof *out->items);
        }
        e = &out->items[out->count++];
        e->id = sqlite3_column_int64(stmt, 0);
        column_copy(stmt, 1, e->at, sizeof e->at);
        e->case_id = sqlite3_column_int64(stmt, 2);
        column_copy(stmt, 3, e->kind, sizeof e->kind);
        column_copy(stmt, 4, e->actor, sizeof e->actor);
        detail = sqlite3_column_text(stmt, 5);
        e->detail = xstrdup(detail ? (const char *)detail : "");
        column_copy(stmt, 6, e->prev_hash, sizeof e->prev_hash);
        column_copy(stmt, 7, e->hash, sizeof e->hash);
    }
    sqlite3_finalize(stmt);
    return result_of(st, rc, "read events");
}

/* ---- pool ---- */

#define POOL_MAX_IDLE 8

struct store_pool {
    pthread_mutex_t lock;
    char *path;
    int timeout_ms;
    struct store *idle[POOL_MAX_IDLE];
    int idle_count;
};

struct store_pool *store_pool_new(const char *path, int timeout_ms)
{
    struct store_pool *pool = xcalloc(1, sizeof *pool);

    pthread_mutex_init(&pool->lock, NULL);
    pool->path = xstrdup(path);
    pool->timeout_ms = timeout_ms;
    return pool;
}

void store_pool_free(struct store_pool *pool)
{
    if (pool == NULL)
        return;
    for (int i = 0; i < pool->idle_count; i++)
        store_close(pool->idle[i]);
    pthread_mutex_destroy(&pool->lock);
    free(pool->path);
    free(pool);
}

struct store *store_pool_get(struct store_pool *pool, char *why, size_t whylen)
{
    struct store *st = NULL;

    pthread_mutex_lock(&pool->lock);
    if (pool->idle_count > 0)
        st = pool->idle[--pool->idle_count];
    pthread_mutex_unlock(&pool->lock);
    if (st == NULL)
        st = store_open(pool->path, pool->timeout_ms, why, whylen);
    return st;
}

void store_pool_put(struct store_pool *pool, struct store *st)
{
    if (st == NULL)
        return;
    pthread_mutex_lock(&pool->lock);
    if (pool->idle_count < POOL_MAX_IDLE) {
        pool->idle[pool->idle_count++] = st;
        st = NULL;
    }
    pthread_mutex_unlock(&pool->lock);
    store_close(st);
}
