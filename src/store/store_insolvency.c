/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_insolvency.c - the cases a collective proceeding covers, and
 * recording it (see store_insolvency.h).
 *
 * A debtor's legal identifier is read from its kind evidence, the one
 * place an invoice's buyer id is kept ("SIRET 12345678900012 on invoice
 * F-1"); two ids match as company_ids_match says (one SIREN for a SIREN,
 * a SIRET and a French VAT number).
 */
#include "store/store_insolvency.h"

#include <stdlib.h>
#include <string.h>

#include "core/invoice_owner.h"
#include "lib/json.h"
#include "lib/util.h"
#include "store/store_internal.h"
#include "store/store_transitions.h"

#define MAX_DEBTORS 256 /* debtors one proceeding may cover */

void store_legal_key(const char *evidence, char *out, size_t size)
{
    const char *id = evidence ? strchr(evidence, ' ') : NULL;

    out[0] = '\0';
    if (id == NULL)
        return;
    id++;
    str_copyn(out, size, id, strcspn(id, " "));
}

struct debtor_set {
    int64_t ids[MAX_DEBTORS];
    char keys[MAX_DEBTORS][48];
    size_t count;
};

static void set_add(struct debtor_set *s, int64_t id, const char *evidence)
{
    for (size_t i = 0; i < s->count; i++)
        if (s->ids[i] == id)
            return;
    if (s->count == MAX_DEBTORS)
        return;
    s->ids[s->count] = id;
    store_legal_key(evidence, s->keys[s->count], sizeof s->keys[0]);
    s->count++;
}

static bool set_shares_key(const struct debtor_set *s, size_t known, const char *evidence)
{
    char key[48];

    store_legal_key(evidence, key, sizeof key);
    for (size_t i = 0; key[0] && i < known; i++)
        if (s->keys[i][0] && company_ids_match(s->keys[i], key))
            return true;
    return false;
}

/* Steps a "SELECT id, kind_evidence" statement into the set; when
 * known > 0, only debtors sharing a key with the first `known` ones. */
static enum store_result add_debtors(struct store *st, sqlite3_stmt *stmt, struct debtor_set *s, size_t known)
{
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *evidence = (const char *)sqlite3_column_text(stmt, 1);
        if (sqlite3_column_type(stmt, 0) == SQLITE_NULL)
            continue;
        if (known == 0 || set_shares_key(s, known, evidence))
            set_add(s, sqlite3_column_int64(stmt, 0), evidence);
    }
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "debtors of a proceeding");
}

static enum store_result debtors_of(struct store *st, const int64_t *seeds, size_t nseeds, const char *email,
                                    struct debtor_set *s)
{
    sqlite3_stmt *stmt;
    enum store_result r = STORE_OK;
    size_t known;

    for (size_t i = 0; i < nseeds && r == STORE_OK; i++) {
        if (sqlite3_prepare_v2(st->db,
                               "SELECT d.id, d.kind_evidence FROM invoices i JOIN debtors d ON d.id = i.debtor_id"
                               " WHERE i.id = ?1", -1, &stmt, NULL) != SQLITE_OK)
            return store_result_of(st, SQLITE_ERROR, "prepare debtors of a proceeding");
        sqlite3_bind_int64(stmt, 1, seeds[i]);
        r = add_debtors(st, stmt, s, 0);
    }
    if (r == STORE_OK && email != NULL && email[0] != '\0') {
        if (sqlite3_prepare_v2(st->db, "SELECT id, kind_evidence FROM debtors WHERE email = ?1", -1, &stmt,
                               NULL) != SQLITE_OK)
            return store_result_of(st, SQLITE_ERROR, "prepare debtor of a proceeding");
        store_bind_text(stmt, 1, email);
        r = add_debtors(st, stmt, s, 0);
    }
    known = s->count;
    if (r != STORE_OK || known == 0)
        return r;
    if (sqlite3_prepare_v2(st->db, "SELECT id, kind_evidence FROM debtors WHERE kind_evidence <> '' ORDER BY id",
                           -1, &stmt, NULL) != SQLITE_OK)
        return store_result_of(st, SQLITE_ERROR, "prepare debtors sharing an id");
    return add_debtors(st, stmt, s, known);
}

enum store_result store_insolvency_cases(struct store *st, const int64_t *seeds, size_t nseeds,
                                         const char *email, struct case_list *out)
{
    struct debtor_set *s = xcalloc(1, sizeof *s);
    struct strbuf sql;
    sqlite3_stmt *stmt;
    char *statuses = case_status_sql_list(CASE_INSOLVENCY_COVERS | CASE_SET(CASE_INSOLVENT));
    enum store_result r = debtors_of(st, seeds, nseeds, email, s);

    memset(out, 0, sizeof *out);
    strbuf_init(&sql);
    if (r == STORE_OK && s->count > 0) {
        strbuf_printf(&sql, "SELECT " STORE_CASE_COLUMNS STORE_CASE_FROM
                            " WHERE i.type = 'invoice' AND i.status IN (%s) AND i.debtor_id IN (", statuses);
        for (size_t i = 0; i < s->count; i++)
            strbuf_printf(&sql, "%s%lld", i ? ", " : "", (long long)s->ids[i]);
        strbuf_puts(&sql, ") ORDER BY i.id");
        if (sqlite3_prepare_v2(st->db, sql.data, -1, &stmt, NULL) != SQLITE_OK)
            r = store_result_of(st, SQLITE_ERROR, "prepare cases of a proceeding");
        else
            r = store_query_cases(st, stmt, out);
    }
    strbuf_free(&sql);
    free(statuses);
    free(s);
    return r;
}

/* ---- recording ---- */

static enum store_result insert_proceeding(struct store *st, const struct debtor_insolvency *info,
                                           int64_t debtor_id, const char *now)
{
    static const char sql[] =
        "INSERT INTO debtor_insolvency (debtor_id, kind, opened, representative, address, source,"
        " reply_message_id, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare proceeding");
    sqlite3_bind_int64(stmt, 1, debtor_id);
    store_bind_text(stmt, 2, info->kind ? info->kind : "");
    store_bind_date(stmt, 3, info->opened);
    store_bind_text(stmt, 4, info->representative ? info->representative : "");
    store_bind_text(stmt, 5, info->address ? info->address : "");
    store_bind_text(stmt, 6, info->source);
    store_bind_text(stmt, 7, info->reply_message_id ? info->reply_message_id : "");
    store_bind_text(stmt, 8, now);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "insert proceeding");
}

static enum store_result debtor_of_case(struct store *st, int64_t case_id, int64_t *debtor_id)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "SELECT debtor_id FROM invoices WHERE id = ?1", -1, &stmt, NULL);

    *debtor_id = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare debtor of case");
    sqlite3_bind_int64(stmt, 1, case_id);
    if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        *debtor_id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "debtor of case");
}

static void event_detail(const struct debtor_insolvency *info, bool moved, struct strbuf *out)
{
    char opened[DATE_STR_MAX];
    struct json j;

    date_format(info->opened, opened);
    json_init(&j, out, false);
    json_object_begin(&j);
    json_kv_string(&j, "kind", info->kind ? info->kind : "");
    json_kv_string_or_null(&j, "opened", opened);
    json_kv_string(&j, "representative", info->representative ? info->representative : "");
    json_kv_string(&j, "address", info->address ? info->address : "");
    json_kv_string(&j, "source", info->source);
    json_kv_string(&j, "reply_message_id", info->reply_message_id ? info->reply_message_id : "");
    json_kv_string(&j, "action", moved ? "insolvent" : "status kept");
    json_object_end(&j);
}

enum store_result store_insolvency_record(struct store *st, const struct audit_key *key,
                                          const struct debtor_insolvency *info, const int64_t *case_ids,
                                          size_t count, const char *actor, size_t *changed)
{
    int64_t debtors[MAX_DEBTORS];
    size_t ndebtors = 0;
    enum store_result r = STORE_OK;
    char now[32];

    *changed = 0;
    store_now_text(now);
    for (size_t i = 0; i < count && r == STORE_OK; i++) {
        struct strbuf detail;
        int64_t debtor = 0;
        bool seen = false;

        r = store_case_transition(st, case_ids[i], CASE_EVENT_INSOLVENT, now, NULL);
        if (r != STORE_OK && r != STORE_CONFLICT)
            return r;
        *changed += r == STORE_OK;
        strbuf_init(&detail);
        event_detail(info, r == STORE_OK, &detail);
        r = store_event_insert(st, key, case_ids[i], "insolvent", actor, detail.data);
        strbuf_free(&detail);
        if (r == STORE_OK)
            r = debtor_of_case(st, case_ids[i], &debtor);
        for (size_t k = 0; k < ndebtors; k++)
            seen |= debtors[k] == debtor;
        if (r == STORE_OK && debtor > 0 && !seen && ndebtors < MAX_DEBTORS) {
            debtors[ndebtors++] = debtor;
            r = insert_proceeding(st, info, debtor, now);
        }
    }
    return r;
}

enum store_result store_mark_insolvent(struct store *st, const struct audit_key *key,
                                       const struct debtor_insolvency *info, const int64_t *case_ids,
                                       size_t count, const char *actor, const struct outbox_message *outbox,
                                       size_t outbox_count, size_t *changed)
{
    enum store_result r;
    char now[32];

    if ((r = store_begin(st)) != STORE_OK)
        return r;
    store_now_text(now);
    r = store_insolvency_record(st, key, info, case_ids, count, actor, changed);
    for (size_t i = 0; r == STORE_OK && i < outbox_count; i++)
        r = store_outbox_queue(st, &outbox[i], 0, now);
    return store_finish(st, r);
}

enum store_result store_insolvency_of_case(struct store *st, int64_t case_id, struct debtor_insolvency_row *out,
                                           bool *found)
{
    static const char sql[] =
        "SELECT p.kind, COALESCE(p.opened, ''), p.representative, p.address, p.source, p.recorded_at"
        " FROM debtor_insolvency p JOIN invoices i ON i.debtor_id = p.debtor_id WHERE i.id = ?1"
        " ORDER BY p.id DESC LIMIT 1";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    memset(out, 0, sizeof *out);
    *found = false;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare proceeding of case");
    sqlite3_bind_int64(stmt, 1, case_id);
    if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        *found = true;
        store_column_copy(stmt, 0, out->kind, sizeof out->kind);
        out->opened = store_column_date(stmt, 1);
        store_column_copy(stmt, 2, out->representative, sizeof out->representative);
        store_column_copy(stmt, 3, out->address, sizeof out->address);
        store_column_copy(stmt, 4, out->source, sizeof out->source);
        store_column_copy(stmt, 5, out->recorded_at, sizeof out->recorded_at);
    }
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "proceeding of case");
}
