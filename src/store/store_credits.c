/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_credits.c - a credit note applied to the invoice it corrects: one
 * 'credit_note' payment row, the invoice's balance lowered, the case
 * closed when nothing is left to collect, one audit event; all in one
 * transaction.
 *
 * The invoice is found by the number the credit note gives (BT-25, or
 * the number its text names), from the same seller ("ACME" and "ACME
 * Industries SAS" are one: company_names_differ). Failing that, the only
 * tracked invoice with that number, but only when one of the two was read
 * from text: text readers name the seller by its mail domain while
 * Factur-X names it by its legal name. Two structured documents name
 * their sellers: plainly different names are different sellers, and
 * another seller's credit note never lowers our invoice of that number.
 * The same credit note is applied once, however often it is sent.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/invoice_owner.h"
#include "core/money.h"
#include "lib/json.h"
#include "store/store.h"
#include "store/store_internal.h"
#include "store/store_transitions.h"

struct target {
    int64_t id;
    char currency[4];
};

static bool read_from_text(enum invoice_source source)
{
    return source == INVOICE_SOURCE_PDF_TEXT || source == INVOICE_SOURCE_BODY;
}

/* The invoice of that number from this seller (the same name give or
 * take a legal form), else the only one when the sellers' names cannot
 * be compared (one read from text). */
static enum store_result find_target(struct store *st, const struct invoice *credit, struct target *out,
                                     int *found)
{
    static const char sql[] =
        "SELECT id, currency, seller_key = ?2, source IN ('pdf-text', 'body'), seller FROM invoices"
        " WHERE number = ?1 COLLATE NOCASE AND type = 'invoice' ORDER BY seller_key = ?2 DESC, id LIMIT 2";
    char *key = store_seller_key(credit->seller_name);
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL), rows = 0;
    bool first_same_seller = false, first_comparable = false, first_alike = false;
    char seller[INVOICE_NAME_MAX];

    *found = 0;
    if (rc != SQLITE_OK) {
        free(key);
        return store_result_of(st, rc, "prepare credit target");
    }
    store_bind_text(stmt, 1, credit->referenced_number);
    store_bind_text(stmt, 2, key);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (rows++ == 0) {
            out->id = sqlite3_column_int64(stmt, 0);
            store_column_copy(stmt, 1, out->currency, sizeof out->currency);
            first_same_seller = sqlite3_column_int(stmt, 2) != 0;
            store_column_copy(stmt, 4, seller, sizeof seller);
            /* A name read from text is a mail domain: not comparable. */
            first_comparable = sqlite3_column_int(stmt, 3) == 0 && !read_from_text(credit->source);
            first_alike = !company_names_differ(seller, credit->seller_name);
        }
    }
    sqlite3_finalize(stmt);
    free(key);
    /* Two candidates and none from this seller: which one is meant is
     * unknown, and a wrong guess would cancel someone else's debt. */
    *found = first_same_seller || (rows == 1 && (!first_comparable || first_alike));
    return store_result_of(st, rc, "find credit target");
}

static enum store_result already_applied(struct store *st, int64_t invoice_id, const char *credit_number,
                                         bool *applied)
{
    static const char sql[] = "SELECT 1 FROM payments WHERE invoice_id = ?1 AND source = 'credit_note'"
                              " AND reference = ?2";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    *applied = false;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare credit check");
    sqlite3_bind_int64(stmt, 1, invoice_id);
    store_bind_text(stmt, 2, credit_number);
    rc = sqlite3_step(stmt);
    *applied = rc == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "credit check");
}

static enum store_result insert_credit(struct store *st, int64_t invoice_id, const struct invoice *credit,
                                       const char *now)
{
    static const char sql[] =
        "INSERT INTO payments (invoice_id, amount, currency, paid_on, source, reference,"
        " created_at) VALUES (?1, ?2, ?3, ?4, 'credit_note', ?5, ?6)";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare credit");
    sqlite3_bind_int64(stmt, 1, invoice_id);
    sqlite3_bind_int64(stmt, 2, credit->amount_due);
    store_bind_text(stmt, 3, credit->currency);
    store_bind_date(stmt, 4, credit->issue_date);
    store_bind_text(stmt, 5, credit->number);
    store_bind_text(stmt, 6, now);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "insert credit");
}

/* Lowers the balance; nothing left to collect closes the case, unless
 * it was settled already (CASE_EVENT_CREDITED_TO_ZERO says from what). */
static enum store_result lower_balance(struct store *st, int64_t invoice_id, int64_t amount, const char *now,
                                       struct credit_result *out)
{
    static const char sql[] = "UPDATE invoices SET balance = balance - ?2, updated_at = ?3 WHERE id = ?1"
                              " RETURNING balance, status";
    enum store_result r;
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare credit balance");
    sqlite3_bind_int64(stmt, 1, invoice_id);
    sqlite3_bind_int64(stmt, 2, amount);
    store_bind_text(stmt, 3, now);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        out->balance_after = sqlite3_column_int64(stmt, 0);
        out->status = store_column_case_status(stmt, 1);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW || out->balance_after > 0)
        return store_result_of(st, rc, "credit balance");
    /* Paid or cancelled by the operator, or closed already: it stays so. */
    r = store_case_transition(st, invoice_id, CASE_EVENT_CREDITED_TO_ZERO, now, NULL);
    if (r == STORE_OK)
        out->status = CASE_CLOSED;
    return r == STORE_CONFLICT ? STORE_OK : r;
}

static void credit_detail(const struct invoice *credit, const struct credit_result *res, struct strbuf *out)
{
    char amount[MONEY_STR_MAX], balance[MONEY_STR_MAX];
    struct json j;

    money_format_decimal(credit->amount_due, amount);
    money_format_decimal(res->balance_after, balance);
    json_init(&j, out, false);
    json_object_begin(&j);
    json_kv_string(&j, "credit_note", credit->number);
    json_kv_string(&j, "amount", amount);
    json_kv_string(&j, "currency", credit->currency);
    json_kv_string(&j, "balance", balance);
    json_kv_string(&j, "status", case_status_name(res->status));
    json_object_end(&j);
}

static enum store_result apply_in_transaction(struct store *st, const struct audit_key *key,
                                              const struct invoice *credit, const char *actor,
                                              struct credit_result *out)
{
    struct target target;
    struct strbuf detail;
    bool applied = false;
    char now[32];
    int found;
    enum store_result r;

    if ((r = find_target(st, credit, &target, &found)) != STORE_OK)
        return r;
    if (!found) {
        out->outcome = CREDIT_NO_INVOICE;
        return STORE_OK;
    }
    out->invoice_id = target.id;
    if (strcmp(target.currency, credit->currency) != 0) {
        out->outcome = CREDIT_CURRENCY_MISMATCH;
        return STORE_OK;
    }
    if ((r = already_applied(st, target.id, credit->number, &applied)) != STORE_OK)
        return r;
    if (applied) {
        out->outcome = CREDIT_ALREADY_APPLIED;
        return STORE_OK;
    }
    store_now_text(now);
    if ((r = insert_credit(st, target.id, credit, now)) != STORE_OK ||
        (r = lower_balance(st, target.id, credit->amount_due, now, out)) != STORE_OK)
        return r;
    out->outcome = CREDIT_APPLIED;
    strbuf_init(&detail);
    credit_detail(credit, out, &detail);
    r = store_event_insert(st, key, target.id, "credit-note-applied", actor, detail.data);
    strbuf_free(&detail);
    return r;
}

enum store_result store_apply_credit_note(struct store *st, const struct audit_key *key,
                                          const struct invoice *credit, const char *actor,
                                          struct credit_result *out)
{
    enum store_result r;

    memset(out, 0, sizeof *out);
    if (credit->type != INVOICE_TYPE_CREDIT_NOTE || credit->referenced_number[0] == '\0') {
        out->outcome = CREDIT_NO_INVOICE;
        return STORE_OK;
    }
    if (!credit->has_amount_due || credit->amount_due <= 0) {
        out->outcome = CREDIT_NO_AMOUNT;
        return STORE_OK;
    }
    if ((r = store_begin(st)) != STORE_OK)
        return r;
    r = store_finish(st, apply_in_transaction(st, key, credit, actor, out));
    if (r != STORE_OK)
        out->outcome = CREDIT_NO_INVOICE;
    return r;
}

const char *credit_outcome_name(enum credit_outcome outcome)
{
    switch (outcome) {
    case CREDIT_APPLIED:
        return "applied";
    case CREDIT_ALREADY_APPLIED:
        return "already applied";
    case CREDIT_NO_INVOICE:
        return "no tracked invoice with that number";
    case CREDIT_CURRENCY_MISMATCH:
        return "currency differs from the invoice's";
    case CREDIT_NO_AMOUNT:
        return "no amount to credit";
    }
    return "unknown";
}
