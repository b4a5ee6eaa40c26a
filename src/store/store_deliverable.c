/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_deliverable.c - clearing an address's undeliverable mark (set when
 * a bounce showed that e-mail no longer reaches it): the operator says the
 * address works again, e-mail steps resume, and the audit log says who
 * cleared it and that it was marked.
 */
#include "store/store.h"
#include "store/store_internal.h"

#include "lib/json.h"

static enum store_result clear_mark(struct store *st, const struct audit_key *key, const char *email,
                                    const char *actor, bool *was_marked)
{
    sqlite3_stmt *stmt;
    struct strbuf detail;
    struct json j;
    char now[32];
    enum store_result r;
    int rc = sqlite3_prepare_v2(st->db, "SELECT undeliverable FROM debtors WHERE email = ?1", -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare debtor mark");
    store_bind_text(stmt, 1, email);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *was_marked = sqlite3_column_int(stmt, 0) != 0;
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    if ((r = store_result_of(st, rc, "read debtor mark")) != STORE_OK)
        return r;
    if (!*was_marked)
        return STORE_OK; /* nothing to clear, nothing to log */
    store_now_text(now);
    rc = sqlite3_prepare_v2(st->db, "UPDATE debtors SET undeliverable = 0, updated_at = ?2 WHERE email = ?1", -1,
                            &stmt, NULL);
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare clear mark");
    store_bind_text(stmt, 1, email);
    store_bind_text(stmt, 2, now);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if ((r = store_result_of(st, rc, "clear mark")) != STORE_OK)
        return r;
    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_string(&j, "debtor", email);
    json_kv_bool(&j, "undeliverable", false);
    json_object_end(&j);
    r = store_event_insert(st, key, 0, "debtor-deliverable", actor, detail.data);
    strbuf_free(&detail);
    return r;
}

enum store_result store_set_debtor_deliverable(struct store *st, const struct audit_key *key, const char *email,
                                               const char *actor, bool *was_marked)
{
    enum store_result r = store_begin(st);

    *was_marked = false;
    if (r != STORE_OK)
        return r;
    return store_finish(st, clear_mark(st, key, email, actor, was_marked));
}
