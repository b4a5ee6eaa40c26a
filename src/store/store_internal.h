/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_internal.h - what the store's files share and nothing else sees:
 * the connection, transactions, statement helpers and the event writer.
 */
#ifndef RELANCE_STORE_INTERNAL_H
#define RELANCE_STORE_INTERNAL_H

#include <sqlite3.h>
#include <time.h>

#include "store/store.h"

/* Statements the store runs for every reminder are kept prepared: SQLite
 * parses and plans a statement anew on each sqlite3_prepare_v2, a third
 * of the scheduler's time when they were not. Keyed by the SQL text's
 * address (the statements are static strings, or built once: the
 * transitions). Room for every statement a run asks, those of its start
 * included, which come first. */
#define STORE_STMT_CACHE 128

struct store_cached_stmt {
    const char *sql;
    sqlite3_stmt *stmt;
    bool busy;
};

struct store {
    sqlite3 *db;
    char error[256];
    int busy_timeout_ms;       /* DatabaseTimeout: how long a lock is waited for */
    struct timespec busy_since; /* when the current wait began */
    struct store_cached_stmt cache[STORE_STMT_CACHE];
    size_t cached;
};

/* Maps an SQLite code to a result, keeping the error text on st. */
enum store_result store_result_of(struct store *st, int rc, const char *what);
int store_exec(struct store *st, const char *sql);
/* BEGIN IMMEDIATE; store_finish commits when r is STORE_OK, else rolls back. */
enum store_result store_begin(struct store *st);
enum store_result store_finish(struct store *st, enum store_result r);

/* sqlite3_prepare_v2 for a statement whose SQL is a static string: the
 * same statement, reset, when this connection prepared it before and it is
 * not in use; store_finalize hands it back (or finalizes any other). */
int store_prepare(struct store *st, const char *sql, sqlite3_stmt **out);
void store_finalize(struct store *st, sqlite3_stmt *stmt);

void store_bind_text(sqlite3_stmt *stmt, int index, const char *s);
/* Binds YYYY-MM-DD, or NULL for an unset date. */
void store_bind_date(sqlite3_stmt *stmt, int index, struct date d);
void store_column_copy(sqlite3_stmt *stmt, int col, char *dst, size_t size);
struct date store_column_date(sqlite3_stmt *stmt, int col);
/* A status column read into its enum (store_cases.c). */
enum case_status store_column_case_status(sqlite3_stmt *stmt, int col);
const char *store_due_basis_name(enum due_basis basis);
enum due_basis store_due_basis_parse(const char *s);
enum invoice_source store_source_parse(const char *s);
/* Seller names compared without case and extra white space; owned. */
char *store_seller_key(const char *seller);

/* The columns of a case (invoice i, debtor d) in the order
 * store_case_from_row reads them from column 0. */
#define STORE_CASE_COLUMNS                                                                         \
    "i.id, i.seller, i.number, i.type, i.type_code, i.issue_date, i.due_date, i.due_basis,"       \
    " i.amount_due, i.balance, i.currency, i.buyer_name, i.buyer_email, i.referenced_number,"      \
    " i.payment_terms, i.source, i.confidence, i.origin, i.status, i.level, i.message_id,"         \
    " i.queue_id, i.created_at, i.updated_at, i.debtor_id, COALESCE(d.email, ''),"                 \
    " COALESCE(d.name, ''), COALESCE(i.paused_until, ''), i.pause_reason,"                         \
    " COALESCE(d.kind, ''), COALESCE(d.kind_source, ''), COALESCE(d.kind_evidence, ''),"          \
    " COALESCE(i.ladder, ''), COALESCE(d.profile, '')"
#define STORE_CASE_COLUMN_COUNT 34
#define STORE_CASE_FROM " FROM invoices i LEFT JOIN debtors d ON d.id = i.debtor_id"
void store_case_from_row(sqlite3_stmt *stmt, struct case_row *c);

/* Reads the cases stmt selects (STORE_CASE_COLUMNS first); finalizes stmt. */
enum store_result store_query_cases(struct store *st, sqlite3_stmt *stmt, struct case_list *out);

/* Steps stmt to its end, turning each row into one item of a growing
 * array (*items, *count; item_size bytes each) with from_row, then
 * finalizes stmt. The one loop every list query shares. */
typedef void (*store_row_fn)(sqlite3_stmt *stmt, void *item);
enum store_result store_read_rows(struct store *st, sqlite3_stmt *stmt, void **items, size_t *count,
                                  size_t item_size, store_row_fn from_row, const char *what);

/* Debtor by address, created on first sight; its name filled when empty. */
enum store_result store_debtor_upsert(struct store *st, const char *email, const char *name,
                                      const char *now, int64_t *id);
/* Records a payment inside the caller's transaction (store_record_payment). */
enum store_result store_payment_in_transaction(struct store *st, const struct audit_key *key, int64_t case_id,
                                               int64_t amount, struct date paid_on, const char *source,
                                               const char *actor, int64_t *balance_after);
/* The same with the bank's reference (statement and entry), kept with the
 * payment and in its event. */
enum store_result store_payment_with_reference(struct store *st, const struct audit_key *key, int64_t case_id,
                                               int64_t amount, struct date paid_on, const char *source,
                                               const char *reference, const char *actor, int64_t *balance_after);
/* Queues a message in the outbox inside the caller's transaction
 * (reply_id: the reply it answers, 0 when none). */
enum store_result store_outbox_queue(struct store *st, const struct outbox_message *m, int64_t reply_id,
                                     const char *now);
/* Appends one event inside the caller's transaction. */
enum store_result store_event_insert(struct store *st, const struct audit_key *key, int64_t case_id,
                                     const char *kind, const char *actor, const char *detail);

#endif
