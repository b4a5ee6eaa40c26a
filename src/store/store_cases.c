/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_cases.c - queries on debtors and cases (tracked invoices): record
 * an invoice once per (seller, number), list and find cases.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/invoice_owner.h"
#include "core/money.h"
#include "lib/json.h"
#include "store/store.h"
#include "store/store_internal.h"

/* ---- debtors ---- */

enum store_result store_debtor_upsert(struct store *st, const char *email, const char *name,
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
        return store_result_of(st, rc, "prepare debtor");
    store_bind_text(stmt, 1, email);
    store_bind_text(stmt, 2, name);
    store_bind_text(stmt, 3, now);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "insert debtor");
}

/* The buyer's postal address an invoice gives, for its debtor: the
 * latest invoice's, but never in place of the operator's (relancectl
 * debtor --address), which knows better than any document. */
static enum store_result debtor_address_from_invoice(struct store *st, int64_t debtor_id, const char *address,
                                                     const char *now)
{
    static const char sql[] = "UPDATE debtors SET postal_address = ?1, postal_address_source = 'invoice',"
                              " updated_at = ?2 WHERE id = ?3 AND COALESCE(postal_address_source, '') <> 'operator'";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare address");
    store_bind_text(stmt, 1, address);
    store_bind_text(stmt, 2, now);
    sqlite3_bind_int64(stmt, 3, debtor_id);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "set address");
}

/* ---- cases ---- */

#define CASE_COLUMNS STORE_CASE_COLUMNS
#define CASE_FROM STORE_CASE_FROM

/* The schema's CHECK allows only known names; were one unknown anyway,
 * the case is taken as closed: nothing is ever done to a closed case. */
enum case_status store_column_case_status(sqlite3_stmt *stmt, int col)
{
    enum case_status status = CASE_CLOSED;
    char text[16];

    store_column_copy(stmt, col, text, sizeof text);
    case_status_parse(text, &status);
    return status;
}

void store_case_from_row(sqlite3_stmt *stmt, struct case_row *c)
{
    char text[64];

    memset(c, 0, sizeof *c);
    invoice_init(&c->inv);
    c->id = sqlite3_column_int64(stmt, 0);
    store_column_copy(stmt, 1, c->inv.seller_name, sizeof c->inv.seller_name);
    store_column_copy(stmt, 2, c->inv.number, sizeof c->inv.number);
    store_column_copy(stmt, 3, text, sizeof text);
    c->inv.type = strcmp(text, "credit_note") == 0 ? INVOICE_TYPE_CREDIT_NOTE : INVOICE_TYPE_INVOICE;
    c->inv.type_code = sqlite3_column_int(stmt, 4);
    c->inv.issue_date = store_column_date(stmt, 5);
    c->inv.due_date = store_column_date(stmt, 6);
    store_column_copy(stmt, 7, text, sizeof text);
    c->inv.due_basis = store_due_basis_parse(text);
    c->inv.amount_due = sqlite3_column_int64(stmt, 8);
    c->inv.has_amount_due = true;
    c->balance = sqlite3_column_int64(stmt, 9);
    store_column_copy(stmt, 10, c->inv.currency, sizeof c->inv.currency);
    store_column_copy(stmt, 11, c->inv.buyer_name, sizeof c->inv.buyer_name);
    store_column_copy(stmt, 12, c->inv.buyer_email, sizeof c->inv.buyer_email);
    store_column_copy(stmt, 13, c->inv.referenced_number, sizeof c->inv.referenced_number);
    store_column_copy(stmt, 14, c->inv.payment_terms, sizeof c->inv.payment_terms);
    store_column_copy(stmt, 15, text, sizeof text);
    c->inv.source = store_source_parse(text);
    c->inv.confidence = sqlite3_column_int(stmt, 16);
    store_column_copy(stmt, 17, c->inv.origin, sizeof c->inv.origin);
    c->status = store_column_case_status(stmt, 18);
    c->level = sqlite3_column_int(stmt, 19);
    store_column_copy(stmt, 20, c->message_id, sizeof c->message_id);
    store_column_copy(stmt, 21, c->queue_id, sizeof c->queue_id);
    store_column_copy(stmt, 22, c->created_at, sizeof c->created_at);
    store_column_copy(stmt, 23, c->updated_at, sizeof c->updated_at);
    c->debtor_id = sqlite3_column_int64(stmt, 24);
    store_column_copy(stmt, 25, c->debtor_email, sizeof c->debtor_email);
    store_column_copy(stmt, 26, c->debtor_name, sizeof c->debtor_name);
    store_column_copy(stmt, 27, c->paused_until, sizeof c->paused_until);
    store_column_copy(stmt, 28, c->pause_reason, sizeof c->pause_reason);
    store_column_copy(stmt, 29, c->debtor_kind, sizeof c->debtor_kind);
    store_column_copy(stmt, 30, c->debtor_kind_source, sizeof c->debtor_kind_source);
    store_column_copy(stmt, 31, c->debtor_kind_evidence, sizeof c->debtor_kind_evidence);
    store_column_copy(stmt, 32, c->ladder, sizeof c->ladder);
    store_column_copy(stmt, 33, c->debtor_profile, sizeof c->debtor_profile);
}

static void case_row_reader(sqlite3_stmt *stmt, void *item)
{
    store_case_from_row(stmt, item);
}

enum store_result store_query_cases(struct store *st, sqlite3_stmt *stmt, struct case_list *out)
{
    return store_read_rows(st, stmt, (void **)&out->items, &out->count, sizeof *out->items,
                           case_row_reader, "read cases");
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
        return store_result_of(st, rc, "prepare list");
    return store_query_cases(st, stmt, out);
}

/* A page of cases in id order: SEARCH by the primary key from after_id,
 * one row in memory at a time. */
enum store_result store_each_case(struct store *st, const struct case_page *page, store_case_fn fn, void *arg)
{
    static const char sql[] = "SELECT " CASE_COLUMNS CASE_FROM " WHERE i.id > ?1 AND (?2 IS NULL OR i.status = ?2)"
                              " ORDER BY i.id LIMIT ?3";
    struct case_row *c = xmalloc(sizeof *c);
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK) {
        free(c);
        return store_result_of(st, rc, "prepare case page");
    }
    sqlite3_bind_int64(stmt, 1, page->after_id);
    if (page->status)
        store_bind_text(stmt, 2, case_status_name(*page->status));
    sqlite3_bind_int64(stmt, 3, page->limit > 0 ? (sqlite3_int64)page->limit : -1);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        store_case_from_row(stmt, c);
        if (!fn(c, arg)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(stmt);
    free(c);
    return store_result_of(st, rc, "read case page");
}

enum store_result store_find_cases(struct store *st, const char *number, struct case_list *out)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "SELECT " CASE_COLUMNS CASE_FROM " WHERE i.number = ?1 ORDER BY i.id",
                                -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare find");
    store_bind_text(stmt, 1, number);
    return store_query_cases(st, stmt, out);
}

enum store_result store_get_case(struct store *st, int64_t id, struct case_row *out)
{
    struct case_list list;
    sqlite3_stmt *stmt;
    enum store_result r;
    int rc = sqlite3_prepare_v2(st->db, "SELECT " CASE_COLUMNS CASE_FROM " WHERE i.id = ?1", -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare case");
    sqlite3_bind_int64(stmt, 1, id);
    r = store_query_cases(st, stmt, &list);
    if (r == STORE_OK && list.count == 0)
        r = STORE_NOT_FOUND;
    if (r == STORE_OK)
        *out = list.items[0];
    case_list_free(&list);
    return r;
}

/* A case starts open when something is owed, closed otherwise (credit
 * notes, zero or negative balances: nothing to collect). */
static enum case_status initial_status(const struct invoice *inv)
{
    if (inv->type == INVOICE_TYPE_CREDIT_NOTE || !inv->has_amount_due || inv->amount_due <= 0)
        return CASE_CLOSED;
    return CASE_OPEN;
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
        " queue_id, created_at, updated_at, buyer_phone)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
        " ?18, ?19, ?20, ?21, ?22, ?22, ?23)"
        " ON CONFLICT(seller_key, number) DO NOTHING RETURNING id";
    char *key = store_seller_key(inv->seller_name);
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK) {
        free(key);
        return store_result_of(st, rc, "prepare invoice");
    }
    store_bind_text(stmt, 1, inv->seller_name);
    store_bind_text(stmt, 2, key);
    store_bind_text(stmt, 3, inv->number);
    store_bind_text(stmt, 4, invoice_type_name(inv->type));
    sqlite3_bind_int(stmt, 5, inv->type_code);
    store_bind_date(stmt, 6, inv->issue_date);
    store_bind_date(stmt, 7, inv->due_date);
    store_bind_text(stmt, 8, store_due_basis_name(inv->due_basis));
    sqlite3_bind_int64(stmt, 9, inv->has_amount_due ? inv->amount_due : 0);
    store_bind_text(stmt, 10, inv->currency);
    if (debtor_id > 0)
        sqlite3_bind_int64(stmt, 11, debtor_id);
    else
        sqlite3_bind_null(stmt, 11);
    store_bind_text(stmt, 12, inv->buyer_name);
    store_bind_text(stmt, 13, inv->buyer_email);
    store_bind_text(stmt, 14, inv->referenced_number);
    store_bind_text(stmt, 15, inv->payment_terms);
    store_bind_text(stmt, 16, invoice_source_name(inv->source));
    sqlite3_bind_int(stmt, 17, inv->confidence);
    store_bind_text(stmt, 18, inv->origin);
    store_bind_text(stmt, 19, case_status_name(initial_status(inv)));
    store_bind_text(stmt, 20, ctx->message_id);
    store_bind_text(stmt, 21, ctx->queue_id);
    store_bind_text(stmt, 22, now);
    store_bind_text(stmt, 23, inv->buyer_phone);
    rc = sqlite3_step(stmt);
    *created = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    free(key);
    return store_result_of(st, rc, "insert invoice");
}

static enum store_result invoice_id_by_key(struct store *st, const struct invoice *inv, int64_t *id)
{
    char *key = store_seller_key(inv->seller_name);
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "SELECT id FROM invoices WHERE seller_key = ?1 AND number = ?2",
                                -1, &stmt, NULL);

    if (rc != SQLITE_OK) {
        free(key);
        return store_result_of(st, rc, "prepare lookup");
    }
    store_bind_text(stmt, 1, key);
    store_bind_text(stmt, 2, inv->number);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    free(key);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return store_result_of(st, rc, "lookup invoice");
}

/* The evidence an invoice gives that its buyer is a business: its first
 * id, described ("SIRET 12345678900012 on invoice F-1"). */
static void kind_evidence(const struct invoice *inv, char *out, size_t size)
{
    char id[COMPANY_ID_MAX + 1], described[64];
    size_t n = strcspn(inv->buyer_ids, " ");

    if (n > COMPANY_ID_MAX)
        n = COMPANY_ID_MAX;
    memcpy(id, inv->buyer_ids, n);
    id[n] = '\0';
    company_id_describe(id, described, sizeof described);
    str_format(out, size, "%s on invoice %s", described, inv->number);
}

/* An invoice that names the buyer's legal or tax id makes a debtor
 * whose kind nobody recorded a business. Only kind IS NULL is changed: a
 * kind the operator set stays (kind_source 'operator'), and the first
 * invoice that told stays the evidence. */
static enum store_result kind_from_invoice(struct store *st, const struct audit_key *key, const struct invoice *inv,
                                           int64_t debtor_id, int64_t case_id, const char *now)
{
    static const char sql[] = "UPDATE debtors SET kind = 'business', kind_source = 'invoice',"
                              " kind_evidence = ?2, updated_at = ?3 WHERE id = ?1 AND kind IS NULL";
    char evidence[192];
    struct strbuf detail;
    struct json j;
    sqlite3_stmt *stmt;
    enum store_result r;
    int rc;

    if (debtor_id <= 0 || inv->buyer_ids[0] == '\0')
        return STORE_OK;
    kind_evidence(inv, evidence, sizeof evidence);
    if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
        return store_result_of(st, rc, "prepare debtor kind");
    sqlite3_bind_int64(stmt, 1, debtor_id);
    store_bind_text(stmt, 2, evidence);
    store_bind_text(stmt, 3, now);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if ((r = store_result_of(st, rc, "update debtor kind")) != STORE_OK || sqlite3_changes(st->db) == 0)
        return r;
    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_string(&j, "kind", "business");
    json_kv_string(&j, "source", "invoice");
    json_kv_string(&j, "evidence", evidence);
    json_object_end(&j);
    r = store_event_insert(st, key, case_id, "debtor-kind", "milter", detail.data);
    strbuf_free(&detail);
    return r;
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
        char address[POSTAL_TEXT_MAX];
        r = store_debtor_upsert(st, ctx->debtor_email, inv->buyer_name, now, &debtor_id);
        if (r != STORE_OK)
            return r;
        postal_address_format(&inv->buyer_address, address, sizeof address);
        if (address[0] && (r = debtor_address_from_invoice(st, debtor_id, address, now)) != STORE_OK)
            return r;
    }
    r = invoice_insert(st, inv, ctx, debtor_id, now, id, created);
    if (r != STORE_OK)
        return r;
    if (!*created) {
        r = invoice_id_by_key(st, inv, id);
        return r == STORE_OK ? kind_from_invoice(st, key, inv, debtor_id, *id, now) : r;
    }
    strbuf_init(&detail);
    tracked_detail(inv, ctx, &detail);
    r = store_event_insert(st, key, *id, "invoice-tracked", ctx->actor ? ctx->actor : "milter", detail.data);
    strbuf_free(&detail);
    return r == STORE_OK ? kind_from_invoice(st, key, inv, debtor_id, *id, now) : r;
}

enum store_result store_track_invoice(struct store *st, const struct audit_key *key,
                                      const struct invoice *inv, const struct track_context *ctx,
                                      struct case_row *out, bool *created)
{
    int64_t id = 0;
    enum store_result r = store_begin(st);

    *created = false;
    if (r != STORE_OK)
        return r;
    r = store_finish(st, track_in_transaction(st, key, inv, ctx, &id, created));
    if (r != STORE_OK) {
        *created = false;
        return r;
    }
    return out ? store_get_case(st, id, out) : STORE_OK;
}

