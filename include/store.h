/*
 * store.h - the SQLite store: schema, migrations, and every query. No
 * other module writes SQL.
 *
 * One file in WAL mode; each handle is one connection, used by one thread
 * at a time (the pool hands them out). Every change is one transaction.
 * Writers wait at most the configured DatabaseTimeout: a locked database
 * is reported as STORE_BUSY so that the caller can fail open instead of
 * holding mail.
 */
#ifndef RELANCE_STORE_H
#define RELANCE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "invoice.h"

#define STORE_SCHEMA_VERSION 1

enum store_result {
    STORE_OK = 0,
    STORE_NOT_FOUND,
    STORE_BUSY,  /* locked past the timeout */
    STORE_ERROR, /* anything else; the handle is still usable */
};

struct store;

/* Opens (creating if needed) and migrates the database to the current
 * schema. Refuses a database whose schema is newer than this program's. */
struct store *store_open(const char *path, int timeout_ms, char *why, size_t whylen);
void store_close(struct store *st);
int store_schema_version(struct store *st);
/* Text of the last error on this handle. */
const char *store_last_error(struct store *st);

/* A tracked invoice (a case), with its debtor. */
struct case_row {
    int64_t id;
    struct invoice inv; /* as read from the document */
    char status[16];    /* open | paid | paused | disputed | cancelled | closed | court */
    int level;          /* reminder steps sent */
    int64_t balance;    /* cents still owed */
    int64_t debtor_id;
    char debtor_email[INVOICE_EMAIL_MAX];
    char debtor_name[INVOICE_NAME_MAX];
    char message_id[256]; /* Message-ID of the invoice mail */
    char queue_id[32];
    char created_at[32];
    char updated_at[32];
};

struct case_list {
    struct case_row *items;
    size_t count;
};

void case_list_free(struct case_list *list);

/* Where a tracked invoice came from, for the case and its history. */
struct track_context {
    const char *debtor_email;  /* already chosen: document, else envelope */
    const char *message_id;
    const char *queue_id;
    const char *actor;         /* "milter", "operator", ... */
};

/* Records an invoice as a case; the same (seller, number) is one case: a
 * second sighting changes nothing and reports created = false. */
enum store_result store_track_invoice(struct store *st, const struct audit_key *key,
                                      const struct invoice *inv, const struct track_context *ctx,
                                      struct case_row *out, bool *created);

enum store_result store_list_cases(struct store *st, struct case_list *out);
enum store_result store_get_case(struct store *st, int64_t id, struct case_row *out);
/* Every case with this number (one per seller). */
enum store_result store_find_cases(struct store *st, const char *number, struct case_list *out);

/* One row of the audit log. */
struct event_row {
    int64_t id;
    char at[32];
    int64_t case_id;
    char kind[32];
    char actor[32];
    char *detail; /* JSON; owned */
    char prev_hash[AUDIT_HASH_HEX];
    char hash[AUDIT_HASH_HEX];
};

struct event_list {
    struct event_row *items;
    size_t count;
};

void event_list_free(struct event_list *list);
/* case_id 0: the whole log, in order. */
enum store_result store_list_events(struct store *st, int64_t case_id, struct event_list *out);
/* Appends one event, chained to the last one. detail is JSON text. */
enum store_result store_append_event(struct store *st, const struct audit_key *key, int64_t case_id,
                                     const char *kind, const char *actor, const char *detail);

/* A small pool of handles for the milter's threads. */
struct store_pool;
struct store_pool *store_pool_new(const char *path, int timeout_ms);
void store_pool_free(struct store_pool *pool);
struct store *store_pool_get(struct store_pool *pool, char *why, size_t whylen);
/* Returns a handle to the pool (or closes it when the pool is full). */
void store_pool_put(struct store_pool *pool, struct store *st);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void store_now_text(char out[32]);

#endif
