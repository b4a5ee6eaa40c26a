/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_profiles.c - what the choice of a ladder reads and records: the
 * payer profile the operator sets on a debtor, the history of a debtor's
 * invoices a profile is computed from, and the ladder a case follows
 * (kept once chosen, so that a profile that changes mid-way never moves a
 * case to another ladder).
 */
#include "store/store.h"
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/json.h"

static enum store_result write_profile(struct store *st, const struct audit_key *key, const char *email,
                                       const char *profile, const char *actor)
{
    sqlite3_stmt *stmt;
    struct strbuf detail;
    struct json j;
    char now[32];
    enum store_result r;
    int rc = sqlite3_prepare_v2(st->db,
                                "UPDATE debtors SET profile = ?2, profile_source = CASE WHEN ?2 IS NULL THEN NULL"
                                " ELSE 'operator' END, updated_at = ?3 WHERE email = ?1",
                                -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare debtor profile");
    store_now_text(now);
    store_bind_text(stmt, 1, email);
    if (profile != NULL)
        store_bind_text(stmt, 2, profile);
    else
        sqlite3_bind_null(stmt, 2);
    store_bind_text(stmt, 3, now);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if ((r = store_result_of(st, rc, "set debtor profile")) != STORE_OK)
        return r;
    if (sqlite3_changes(st->db) == 0)
        return STORE_NOT_FOUND;
    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_string(&j, "debtor", email);
    json_kv_string(&j, "profile", profile ? profile : "none");
    json_kv_string(&j, "source", profile ? "operator" : "computed");
    json_object_end(&j);
    r = store_event_insert(st, key, 0, "debtor-profile", actor, detail.data);
    strbuf_free(&detail);
    return r;
}

enum store_result store_set_debtor_payer_profile(struct store *st, const struct audit_key *key, const char *email,
                                                 const char *profile, const char *actor)
{
    enum store_result r = store_begin(st);

    if (profile != NULL && strcmp(profile, "none") == 0)
        profile = NULL;
    if (r != STORE_OK)
        return r;
    return store_finish(st, write_profile(st, key, email, profile, actor));
}

static void history_from_row(sqlite3_stmt *stmt, void *item)
{
    struct case_history_item *h = item;

    memset(h, 0, sizeof *h);
    h->status = store_column_case_status(stmt, 0);
    h->level = sqlite3_column_int(stmt, 1);
    store_column_copy(stmt, 2, h->ladder, sizeof h->ladder);
}

enum store_result store_debtor_history(struct store *st, int64_t debtor_id, int64_t except_case,
                                       struct case_history_item **out, size_t *count)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db,
                                "SELECT status, level, COALESCE(ladder, '') FROM invoices"
                                " WHERE debtor_id = ?1 AND id <> ?2 AND type = 'invoice' ORDER BY id",
                                -1, &stmt, NULL);

    *out = NULL;
    *count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare debtor history");
    sqlite3_bind_int64(stmt, 1, debtor_id);
    sqlite3_bind_int64(stmt, 2, except_case);
    return store_read_rows(st, stmt, (void **)out, count, sizeof **out, history_from_row, "read debtor history");
}

static enum store_result write_ladder(struct store *st, const struct audit_key *key, int64_t case_id,
                                      const char *ladder, const char *why, const char *actor)
{
    sqlite3_stmt *stmt;
    struct strbuf detail;
    struct json j;
    char now[32];
    enum store_result r;
    int rc = sqlite3_prepare_v2(st->db, "UPDATE invoices SET ladder = ?2, updated_at = ?3 WHERE id = ?1 AND ladder IS NULL",
                                -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare case ladder");
    store_now_text(now);
    sqlite3_bind_int64(stmt, 1, case_id);
    store_bind_text(stmt, 2, ladder);
    store_bind_text(stmt, 3, now);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if ((r = store_result_of(st, rc, "set case ladder")) != STORE_OK)
        return r;
    if (sqlite3_changes(st->db) == 0)
        return STORE_CONFLICT;
    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_string(&j, "ladder", ladder);
    json_kv_string(&j, "why", why);
    json_object_end(&j);
    r = store_event_insert(st, key, case_id, "ladder-chosen", actor, detail.data);
    strbuf_free(&detail);
    return r;
}

enum store_result store_set_case_ladder(struct store *st, const struct audit_key *key, int64_t case_id,
                                        const char *ladder, const char *why, const char *actor)
{
    enum store_result r = store_begin(st);

    if (r != STORE_OK)
        return r;
    return store_finish(st, write_ladder(st, key, case_id, ladder, why, actor));
}
