/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_letters.c - debtors' postal addresses and the letters of the
 * agency steps: recorded held or to post, written, then posted as the
 * operator says (see store.h).
 *
 * A letter's text is stored with it: a letter held for want of an address
 * is written later with the very text of the reminder it accompanies.
 * Whether a reminder may mention postal dispatch is read here too: only a
 * letter the operator recorded as posted counts.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "store/store.h"
#include "store/store_internal.h"

/* ---- postal addresses ---- */

enum store_result store_debtor_address(struct store *st, int64_t debtor_id, char *out, size_t size)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "SELECT COALESCE(postal_address, '') FROM debtors WHERE id = ?1", -1,
                                &stmt, NULL);

    out[0] = '\0';
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare debtor address");
    sqlite3_bind_int64(stmt, 1, debtor_id);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        store_column_copy(stmt, 0, out, size);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "read debtor address");
}

/* The operator's address (an invoice's is set by store_cases.c, which
 * never replaces this one). */
static enum store_result set_address(struct store *st, int64_t debtor_id, const char *address)
{
    static const char sql[] = "UPDATE debtors SET postal_address = ?1, postal_address_source = 'operator',"
                              " updated_at = ?2 WHERE id = ?3";
    sqlite3_stmt *stmt;
    char now[32];
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare address");
    store_now_text(now);
    store_bind_text(stmt, 1, address);
    store_bind_text(stmt, 2, now);
    sqlite3_bind_int64(stmt, 3, debtor_id);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "set address");
}

static enum store_result address_in_transaction(struct store *st, const struct audit_key *key, const char *email,
                                                const char *address, const char *actor)
{
    struct strbuf detail;
    struct json j;
    int64_t id = 0;
    char now[32];
    enum store_result r;

    store_now_text(now);
    if ((r = store_debtor_upsert(st, email, "", now, &id)) != STORE_OK)
        return r;
    if ((r = set_address(st, id, address)) != STORE_OK)
        return r;
    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_string(&j, "debtor", email);
    json_kv_string(&j, "postal_address", address);
    json_object_end(&j);
    r = store_event_insert(st, key, 0, "debtor-updated", actor, detail.data);
    strbuf_free(&detail);
    return r;
}

enum store_result store_set_debtor_address(struct store *st, const struct audit_key *key, const char *email,
                                           const char *address, const char *actor)
{
    enum store_result r = store_begin(st);

    if (r != STORE_OK)
        return r;
    return store_finish(st, address_in_transaction(st, key, email, address, actor));
}

/* ---- letters ---- */

const char *letter_state_name(enum letter_state state)
{
    static const char *const names[] = {"held", "to-post", "posted"};
    return (unsigned)state < ARRAY_LEN(names) ? names[state] : "held";
}

static enum letter_state letter_state_parse(const char *s)
{
    if (strcmp(s, "to-post") == 0)
        return LETTER_TO_POST;
    if (strcmp(s, "posted") == 0)
        return LETTER_POSTED;
    return LETTER_HELD;
}

static void letter_event(struct strbuf *out, int64_t id, const struct letter_row *l, const char *extra_key,
                         const char *extra)
{
    struct json j;

    json_init(&j, out, false);
    json_object_begin(&j);
    json_kv_int(&j, "letter", id);
    json_kv_int(&j, "reminder", l->reminder_id);
    json_kv_int(&j, "step", l->step);
    json_kv_string(&j, "step_name", l->step_name);
    json_kv_bool(&j, "registered_mail", l->registered_mail);
    if (extra_key)
        json_kv_string(&j, extra_key, extra);
    json_object_end(&j);
}

static enum store_result insert_letter(struct store *st, const struct letter_record *rec, const char *now,
                                       int64_t *id)
{
    static const char sql[] =
        "INSERT INTO letters (reminder_id, debtor_id, case_id, step, step_name, registered_mail, state, sender,"
        " place_date, object, body, footer, recipient_name, address, path, created_at, written_at, payment_qr)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) RETURNING id";
    bool written = rec->path && rec->path[0];
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare letter");
    sqlite3_bind_int64(stmt, 1, rec->reminder_id);
    sqlite3_bind_int64(stmt, 2, rec->debtor_id);
    if (rec->case_id > 0)
        sqlite3_bind_int64(stmt, 3, rec->case_id);
    else
        sqlite3_bind_null(stmt, 3);
    sqlite3_bind_int(stmt, 4, rec->step);
    store_bind_text(stmt, 5, rec->step_name);
    sqlite3_bind_int(stmt, 6, rec->registered_mail);
    store_bind_text(stmt, 7, letter_state_name(written ? LETTER_TO_POST : LETTER_HELD));
    store_bind_text(stmt, 8, rec->sender);
    store_bind_text(stmt, 9, rec->place_date);
    store_bind_text(stmt, 10, rec->object);
    store_bind_text(stmt, 11, rec->body);
    store_bind_text(stmt, 12, rec->footer);
    store_bind_text(stmt, 13, rec->recipient_name);
    store_bind_text(stmt, 14, written ? rec->address : "");
    store_bind_text(stmt, 15, written ? rec->path : "");
    store_bind_text(stmt, 16, now);
    if (written)
        store_bind_text(stmt, 17, now);
    else
        sqlite3_bind_null(stmt, 17);
    store_bind_text(stmt, 18, rec->payment_qr ? rec->payment_qr : "");
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "insert letter");
}

enum store_result store_letter_record(struct store *st, const struct audit_key *key,
                                      const struct letter_record *rec, const char *actor, int64_t *id)
{
    struct letter_row row = {.reminder_id = rec->reminder_id, .step = rec->step,
                             .registered_mail = rec->registered_mail};
    bool written = rec->path && rec->path[0];
    struct strbuf detail;
    char now[32];
    enum store_result r = store_begin(st);

    if (r != STORE_OK)
        return r;
    store_now_text(now);
    str_copy(row.step_name, sizeof row.step_name, rec->step_name);
    r = insert_letter(st, rec, now, id);
    strbuf_init(&detail);
    if (r == STORE_OK) {
        letter_event(&detail, *id, &row, written ? "path" : "held", written ? rec->path : "no postal address");
        r = store_event_insert(st, key, rec->case_id, written ? "letter-written" : "letter-held", actor,
                               detail.data);
    }
    strbuf_free(&detail);
    return store_finish(st, r);
}

/* Runs an UPDATE of one letter, then its event; STORE_CONFLICT when the
 * UPDATE's condition (the state it expects) no longer holds. */
static enum store_result update_letter(struct store *st, const struct audit_key *key, int64_t id, sqlite3_stmt *stmt,
                                       const char *kind, const char *actor, const char *extra_key,
                                       const char *extra)
{
    struct letter_row row;
    struct strbuf detail;
    int rc = sqlite3_step(stmt);
    enum store_result r;

    sqlite3_finalize(stmt);
    if ((r = store_result_of(st, rc, "update letter")) != STORE_OK)
        return r;
    if (sqlite3_changes(st->db) == 0)
        return STORE_CONFLICT;
    if ((r = store_get_letter(st, id, &row)) != STORE_OK)
        return r;
    strbuf_init(&detail);
    letter_event(&detail, id, &row, extra_key, extra);
    r = store_event_insert(st, key, row.case_id, kind, actor, detail.data);
    strbuf_free(&detail);
    letter_row_free(&row);
    return r;
}

enum store_result store_letter_written(struct store *st, const struct audit_key *key, int64_t id,
                                       const char *address, const char *path, const char *actor)
{
    static const char sql[] = "UPDATE letters SET state = 'to-post', address = ?1, path = ?2, written_at = ?3"
                              " WHERE id = ?4 AND state = 'held'";
    sqlite3_stmt *stmt;
    char now[32];
    enum store_result r = store_begin(st);
    int rc;

    if (r != STORE_OK)
        return r;
    rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return store_finish(st, store_result_of(st, rc, "prepare letter"));
    store_now_text(now);
    store_bind_text(stmt, 1, address);
    store_bind_text(stmt, 2, path);
    store_bind_text(stmt, 3, now);
    sqlite3_bind_int64(stmt, 4, id);
    return store_finish(st, update_letter(st, key, id, stmt, "letter-written", actor, "path", path));
}

enum store_result store_letter_posted(struct store *st, const struct audit_key *key, int64_t id,
                                      struct date posted_on, const char *registered_number, const char *actor)
{
    static const char sql[] = "UPDATE letters SET state = 'posted', posted_on = ?1, posted_at = ?2,"
                              " registered_number = ?3 WHERE id = ?4 AND state = 'to-post'";
    const char *number = registered_number ? registered_number : "";
    char on[DATE_STR_MAX], now[32];
    sqlite3_stmt *stmt;
    enum store_result r = store_begin(st);
    int rc;

    if (r != STORE_OK)
        return r;
    rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return store_finish(st, store_result_of(st, rc, "prepare letter"));
    store_now_text(now);
    date_format(posted_on, on);
    store_bind_text(stmt, 1, on);
    store_bind_text(stmt, 2, now);
    store_bind_text(stmt, 3, number);
    sqlite3_bind_int64(stmt, 4, id);
    return store_finish(st, update_letter(st, key, id, stmt, number[0] ? "letter-registered" : "letter-posted",
                                          actor, number[0] ? "registered_number" : "posted_on",
                                          number[0] ? number : on));
}

/* ---- reading letters ---- */

#define LETTER_COLUMNS                                                                             \
    "l.id, l.reminder_id, l.debtor_id, COALESCE(l.case_id, 0), l.step, l.step_name, l.registered_mail,"  \
    " l.state, COALESCE(d.email, ''), COALESCE(d.postal_address, ''), COALESCE(i.number, ''), l.address," \
    " l.recipient_name, l.path, l.registered_number, l.created_at, COALESCE(l.written_at, ''),"      \
    " COALESCE(l.posted_on, ''), l.sender, l.place_date, l.object, l.body, l.footer, l.payment_qr"    \
    " FROM letters l LEFT JOIN debtors d ON d.id = l.debtor_id LEFT JOIN invoices i ON i.id = l.case_id"

static char *column_dup(sqlite3_stmt *stmt, int col)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    return xstrdup(text ? (const char *)text : "");
}

static void letter_from_row(sqlite3_stmt *stmt, void *item)
{
    struct letter_row *l = item;
    char state[16];

    memset(l, 0, sizeof *l);
    l->id = sqlite3_column_int64(stmt, 0);
    l->reminder_id = sqlite3_column_int64(stmt, 1);
    l->debtor_id = sqlite3_column_int64(stmt, 2);
    l->case_id = sqlite3_column_int64(stmt, 3);
    l->step = sqlite3_column_int(stmt, 4);
    store_column_copy(stmt, 5, l->step_name, sizeof l->step_name);
    l->registered_mail = sqlite3_column_int(stmt, 6) != 0;
    store_column_copy(stmt, 7, state, sizeof state);
    l->state = letter_state_parse(state);
    store_column_copy(stmt, 8, l->debtor_email, sizeof l->debtor_email);
    store_column_copy(stmt, 9, l->debtor_address, sizeof l->debtor_address);
    store_column_copy(stmt, 10, l->number, sizeof l->number);
    store_column_copy(stmt, 11, l->address, sizeof l->address);
    store_column_copy(stmt, 12, l->recipient_name, sizeof l->recipient_name);
    store_column_copy(stmt, 13, l->path, sizeof l->path);
    store_column_copy(stmt, 14, l->registered_number, sizeof l->registered_number);
    store_column_copy(stmt, 15, l->created_at, sizeof l->created_at);
    store_column_copy(stmt, 16, l->written_at, sizeof l->written_at);
    store_column_copy(stmt, 17, l->posted_on, sizeof l->posted_on);
    l->sender = column_dup(stmt, 18);
    l->place_date = column_dup(stmt, 19);
    l->object = column_dup(stmt, 20);
    l->body = column_dup(stmt, 21);
    l->footer = column_dup(stmt, 22);
    l->payment_qr = column_dup(stmt, 23);
}

void letter_row_free(struct letter_row *l)
{
    free(l->sender);
    free(l->place_date);
    free(l->object);
    free(l->body);
    free(l->footer);
    free(l->payment_qr);
    l->sender = l->place_date = l->object = l->body = l->footer = l->payment_qr = NULL;
}

void letter_list_free(struct letter_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        letter_row_free(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

enum store_result store_list_letters(struct store *st, const enum letter_state *state, struct letter_list *out)
{
    static const char sql_all[] = "SELECT " LETTER_COLUMNS " ORDER BY l.id";
    static const char sql_state[] = "SELECT " LETTER_COLUMNS " WHERE l.state = ?1 ORDER BY l.id";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, state ? sql_state : sql_all, -1, &stmt, NULL);

    out->items = NULL;
    out->count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare letters");
    if (state)
        store_bind_text(stmt, 1, letter_state_name(*state));
    return store_read_rows(st, stmt, (void **)&out->items, &out->count, sizeof *out->items, letter_from_row,
                           "read letters");
}

enum store_result store_get_letter(struct store *st, int64_t id, struct letter_row *out)
{
    static const char sql[] = "SELECT " LETTER_COLUMNS " WHERE l.id = ?1";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    memset(out, 0, sizeof *out);
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare letter");
    sqlite3_bind_int64(stmt, 1, id);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        letter_from_row(stmt, out);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return store_result_of(st, rc, "read letter");
}

enum store_result store_letter_dispatch(struct store *st, const int64_t *case_ids, size_t count,
                                        struct letter_dispatch *out)
{
    static const char sql[] =
        "SELECT l.posted_on, l.registered_number FROM letters l"
        " JOIN reminder_items ri ON ri.reminder_id = l.reminder_id"
        " WHERE ri.invoice_id = ?1 AND l.state = 'posted' ORDER BY l.posted_on DESC, l.id DESC LIMIT 1";
    enum store_result r = STORE_OK;

    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < count && r == STORE_OK; i++) {
        sqlite3_stmt *stmt;
        int rc = store_prepare(st, sql, &stmt);
        if (rc != SQLITE_OK)
            return store_result_of(st, rc, "prepare dispatch");
        sqlite3_bind_int64(stmt, 1, case_ids[i]);
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            struct date on = store_column_date(stmt, 0);
            if (!out->posted || date_compare(on, out->posted_on) > 0) {
                out->posted = true;
                out->posted_on = on;
                store_column_copy(stmt, 1, out->registered_number, sizeof out->registered_number);
            }
        }
        store_finalize(st, stmt);
        r = store_result_of(st, rc, "read dispatch");
    }
    return r;
}
