/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_payments.c - payments recorded against cases, and the debtor
 * profile (business or consumer, language) the reminders depend on.
 *
 * A payment lowers the balance and, when nothing is left, closes the case
 * as 'paid': from then on the scheduler never selects it. Bank statement
 * imports (payment_match.c) land here too, with the bank's reference.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "lib/json.h"
#include "store/store.h"
#include "store/store_internal.h"
#include "store/store_transitions.h"

static enum store_result insert_payment(struct store *st, int64_t case_id, int64_t amount, struct date paid_on,
                                        const char *source, const char *reference, const char *now)
{
    static const char sql[] = "INSERT INTO payments (invoice_id, amount, currency, paid_on, source, reference,"
                              " created_at) SELECT id, ?2, currency, ?3, ?4, ?6, ?5 FROM invoices WHERE id = ?1";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare payment");
    sqlite3_bind_int64(stmt, 1, case_id);
    sqlite3_bind_int64(stmt, 2, amount);
    store_bind_date(stmt, 3, paid_on);
    store_bind_text(stmt, 4, source);
    store_bind_text(stmt, 5, now);
    store_bind_text(stmt, 6, reference);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE && sqlite3_changes(st->db) == 0)
        return STORE_NOT_FOUND;
    return store_result_of(st, rc, "insert payment");
}

/* Lowers the balance; a case with nothing left owed is paid, whatever
 * it was waiting for (CASE_EVENT_PAID_UP says from what). */
static enum store_result apply_payment(struct store *st, int64_t case_id, int64_t amount, const char *now,
                                       int64_t *balance_after)
{
    static const char sql[] = "UPDATE invoices SET balance = balance - ?2, updated_at = ?3 WHERE id = ?1"
                              " RETURNING balance";
    enum store_result r;
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare balance");
    sqlite3_bind_int64(stmt, 1, case_id);
    sqlite3_bind_int64(stmt, 2, amount);
    store_bind_text(stmt, 3, now);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *balance_after = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW || *balance_after > 0)
        return store_result_of(st, rc, "update balance");
    /* A cancelled debt stays cancelled, a paid one paid: not a conflict. */
    r = store_case_transition(st, case_id, CASE_EVENT_PAID_UP, now, NULL);
    return r == STORE_CONFLICT ? STORE_OK : r;
}

static void payment_detail(int64_t amount, struct date paid_on, const char *source, const char *reference,
                           int64_t balance, struct strbuf *out)
{
    char amount_text[MONEY_STR_MAX], balance_text[MONEY_STR_MAX], day[DATE_STR_MAX];
    struct json j;

    money_format_decimal(amount, amount_text);
    money_format_decimal(balance, balance_text);
    date_format(paid_on, day);
    json_init(&j, out, false);
    json_object_begin(&j);
    json_kv_string(&j, "amount", amount_text);
    json_kv_string_or_null(&j, "paid_on", day);
    json_kv_string(&j, "source", source);
    if (reference[0])
        json_kv_string(&j, "reference", reference);
    json_kv_string(&j, "balance", balance_text);
    json_object_end(&j);
}

enum store_result store_payment_in_transaction(struct store *st, const struct audit_key *key, int64_t case_id,
                                                int64_t amount, struct date paid_on, const char *source,
                                                const char *actor, int64_t *balance_after)
{
    return store_payment_with_reference(st, key, case_id, amount, paid_on, source, "", actor, balance_after);
}

enum store_result store_payment_with_reference(struct store *st, const struct audit_key *key, int64_t case_id,
                                               int64_t amount, struct date paid_on, const char *source,
                                               const char *reference, const char *actor, int64_t *balance_after)
{
    struct strbuf detail;
    char now[32];
    enum store_result r;

    store_now_text(now);
    if ((r = insert_payment(st, case_id, amount, paid_on, source, reference, now)) != STORE_OK)
        return r;
    if ((r = apply_payment(st, case_id, amount, now, balance_after)) != STORE_OK)
        return r;
    strbuf_init(&detail);
    payment_detail(amount, paid_on, source, reference, *balance_after, &detail);
    r = store_event_insert(st, key, case_id, "payment-recorded", actor, detail.data);
    strbuf_free(&detail);
    return r;
}

enum store_result store_record_payment(struct store *st, const struct audit_key *key, int64_t case_id,
                                       int64_t amount, struct date paid_on, const char *source,
                                       const char *actor, int64_t *balance_after)
{
    enum store_result r = store_begin(st);

    if (r != STORE_OK)
        return r;
    return store_finish(st, store_payment_in_transaction(st, key, case_id, amount, paid_on, source, actor,
                                                   balance_after));
}

enum store_result store_list_payments(struct store *st, int64_t case_id, struct money_payment **out, size_t *count)
{
    static const char sql[] = "SELECT amount, COALESCE(paid_on, substr(created_at, 1, 10)) FROM payments"
                              " WHERE invoice_id = ?1 ORDER BY paid_on, id";
    sqlite3_stmt *stmt;
    size_t cap = 0;
    int rc = store_prepare(st, sql, &stmt);

    *out = NULL;
    *count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare payments");
    sqlite3_bind_int64(stmt, 1, case_id);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        (*out)[*count].amount = sqlite3_column_int64(stmt, 0);
        (*out)[*count].paid_on = store_column_date(stmt, 1);
        (*count)++;
    }
    store_finalize(st, stmt);
    return store_result_of(st, rc, "read payments");
}

/* ---- debtors ---- */

static enum store_result update_profile(struct store *st, int64_t id, const char *kind, const char *language,
                                        const char *now)
{
    /* A kind given here is the operator's: it wins over any invoice's. */
    static const char sql[] = "UPDATE debtors SET kind = COALESCE(?2, kind), language = COALESCE(?3, language),"
                              " kind_source = CASE WHEN ?2 IS NULL THEN kind_source ELSE 'operator' END,"
                              " kind_evidence = CASE WHEN ?2 IS NULL THEN kind_evidence ELSE '' END,"
                              " updated_at = ?4 WHERE id = ?1";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare debtor profile");
    sqlite3_bind_int64(stmt, 1, id);
    if (kind)
        store_bind_text(stmt, 2, kind);
    else
        sqlite3_bind_null(stmt, 2);
    if (language)
        store_bind_text(stmt, 3, language);
    else
        sqlite3_bind_null(stmt, 3);
    store_bind_text(stmt, 4, now);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "update debtor profile");
}

static enum store_result profile_in_transaction(struct store *st, const struct audit_key *key, const char *email,
                                                const char *kind, const char *language, const char *actor)
{
    struct strbuf detail;
    struct json j;
    int64_t id = 0;
    char now[32];
    enum store_result r;

    store_now_text(now);
    if ((r = store_debtor_upsert(st, email, "", now, &id)) != STORE_OK)
        return r;
    if ((r = update_profile(st, id, kind, language, now)) != STORE_OK)
        return r;
    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_string(&j, "debtor", email);
    json_kv_string(&j, "kind", kind);
    if (kind)
        json_kv_string(&j, "kind_source", "operator");
    json_kv_string(&j, "language", language);
    json_object_end(&j);
    r = store_event_insert(st, key, 0, "debtor-updated", actor, detail.data);
    strbuf_free(&detail);
    return r;
}

enum store_result store_set_debtor_profile(struct store *st, const struct audit_key *key, const char *email,
                                           const char *kind, const char *language, const char *actor)
{
    enum store_result r = store_begin(st);

    if (r != STORE_OK)
        return r;
    return store_finish(st, profile_in_transaction(st, key, email, kind, language, actor));
}
