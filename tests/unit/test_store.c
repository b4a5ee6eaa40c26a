/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store.c - the SQLite store on real files: schema and migrations,
 * invoice round trips, one case per (seller, number), the hash-chained
 * append-only event log, concurrent writers, and a locked database
 * reported as busy rather than waited on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/audit.h"
#include "lib/util.h"
#include "store/store.h"

static char dir[] = "/tmp/relance-store-XXXXXX";
static struct audit_key key;

static char *db_path(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static struct store *open_fresh(const char *name)
{
    char *path = db_path(name);
    char why[256];
    struct store *st;

    unlink(path);
    st = store_open(path, 2000, why, sizeof why);
    if (st == NULL)
        fail_msg("store_open: %s", why);
    free(path);
    return st;
}

static struct invoice sample_invoice(const char *seller, const char *number, int64_t cents)
{
    struct invoice inv;

    invoice_init(&inv);
    str_copy(inv.seller_name, sizeof inv.seller_name, seller);
    str_copy(inv.number, sizeof inv.number, number);
    inv.issue_date = (struct date){2026, 11, 2};
    inv.due_date = (struct date){2026, 12, 2};
    inv.due_basis = DUE_BASIS_DOCUMENT;
    inv.amount_due = cents;
    inv.has_amount_due = true;
    str_copy(inv.currency, sizeof inv.currency, "EUR");
    str_copy(inv.buyer_name, sizeof inv.buyer_name, "Atelier Dupont SARL");
    str_copy(inv.buyer_email, sizeof inv.buyer_email, "compta@dupont.example");
    str_copy(inv.payment_terms, sizeof inv.payment_terms, "30 jours");
    inv.source = INVOICE_SOURCE_FACTURX;
    str_copy(inv.origin, sizeof inv.origin, "facture.pdf/factur-x.xml");
    return inv;
}

static const struct track_context ctx = {"compta@dupont.example", "inv-1@creditor.example", "4F2A1B", "milter"};

static int exec_raw(const char *name, const char *sql)
{
    char *path = db_path(name);
    sqlite3 *db;
    int rc;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    free(path);
    return rc;
}

static void test_fresh_database_is_current(void **state)
{
    struct store *st = open_fresh("fresh.db");
    char *wal = db_path("fresh.db-wal");

    (void)state;
    assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
    /* WAL mode leaves its file beside the database while open. */
    assert_int_equal(access(wal, F_OK), 0);
    store_close(st);
    free(wal);
}

static void test_invoice_round_trip(void **state)
{
    struct store *st = open_fresh("round.db");
    struct invoice inv = sample_invoice("Menuiserie Martin", "F2026-0042", 174000);
    struct case_row c;
    struct case_list list;
    bool created;

    (void)state;
    str_copy(inv.referenced_number, sizeof inv.referenced_number, "F2026-0001");
    assert_int_equal(store_track_invoice(st, &key, &inv, &ctx, &c, &created), STORE_OK);
    assert_true(created);
    assert_string_equal(c.inv.number, "F2026-0042");
    assert_string_equal(c.inv.seller_name, "Menuiserie Martin");
    assert_int_equal(c.inv.type, INVOICE_TYPE_INVOICE);
    assert_int_equal(date_compare(c.inv.issue_date, inv.issue_date), 0);
    assert_int_equal(date_compare(c.inv.due_date, inv.due_date), 0);
    assert_int_equal(c.inv.due_basis, DUE_BASIS_DOCUMENT);
    assert_int_equal(c.inv.amount_due, 174000);
    assert_int_equal(c.balance, 174000);
    assert_string_equal(c.inv.currency, "EUR");
    assert_string_equal(c.inv.buyer_name, "Atelier Dupont SARL");
    assert_string_equal(c.inv.referenced_number, "F2026-0001");
    assert_string_equal(c.inv.payment_terms, "30 jours");
    assert_int_equal(c.inv.source, INVOICE_SOURCE_FACTURX);
    assert_string_equal(c.inv.origin, "facture.pdf/factur-x.xml");
    assert_string_equal(case_status_name(c.status), "open");
    assert_int_equal(c.level, 0);
    assert_string_equal(c.debtor_email, "compta@dupont.example");
    assert_string_equal(c.debtor_name, "Atelier Dupont SARL");
    assert_string_equal(c.message_id, "inv-1@creditor.example");
    assert_string_equal(c.queue_id, "4F2A1B");
    assert_int_equal(store_find_cases(st, "F2026-0042", &list), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_int_equal(list.items[0].inv.amount_due, 174000);
    case_list_free(&list);
    store_close(st);
}

static void test_one_case_per_seller_and_number(void **state)
{
    struct store *st = open_fresh("dedup.db");
    struct invoice a = sample_invoice("Menuiserie Martin", "F1", 1000);
    struct invoice again = sample_invoice("  menuiserie   MARTIN ", "F1", 1000);
    struct invoice other_seller = sample_invoice("Plomberie Roux", "F1", 5000);
    struct case_list list;
    bool created;

    (void)state;
    assert_int_equal(store_track_invoice(st, &key, &a, &ctx, NULL, &created), STORE_OK);
    assert_true(created);
    assert_int_equal(store_track_invoice(st, &key, &again, &ctx, NULL, &created), STORE_OK);
    assert_false(created);
    assert_int_equal(store_track_invoice(st, &key, &other_seller, &ctx, NULL, &created), STORE_OK);
    assert_true(created);
    assert_int_equal(store_list_cases(st, &list), STORE_OK);
    assert_int_equal(list.count, 2);
    case_list_free(&list);
    store_close(st);
}

static void test_nothing_to_collect_is_closed(void **state)
{
    struct store *st = open_fresh("closed.db");
    struct invoice credit = sample_invoice("S", "AV-1", 23347);
    struct invoice negative = sample_invoice("S", "C-2", -879);
    struct invoice zero = sample_invoice("S", "Z-3", 0);
    struct case_row c;
    bool created;

    (void)state;
    credit.type = INVOICE_TYPE_CREDIT_NOTE;
    assert_int_equal(store_track_invoice(st, &key, &credit, &ctx, &c, &created), STORE_OK);
    assert_string_equal(case_status_name(c.status), "closed");
    assert_int_equal(c.inv.type, INVOICE_TYPE_CREDIT_NOTE);
    assert_int_equal(store_track_invoice(st, &key, &negative, &ctx, &c, &created), STORE_OK);
    assert_string_equal(case_status_name(c.status), "closed");
    assert_int_equal(store_track_invoice(st, &key, &zero, &ctx, &c, &created), STORE_OK);
    assert_string_equal(case_status_name(c.status), "closed");
    store_close(st);
}

static void test_one_debtor_per_address(void **state)
{
    struct store *st = open_fresh("debtor.db");
    struct invoice a = sample_invoice("S", "A", 100);
    struct invoice b = sample_invoice("S", "B", 200);
    struct track_context upper = ctx;
    struct case_row ca, cb;
    bool created;

    (void)state;
    upper.debtor_email = "Compta@Dupont.EXAMPLE";
    assert_int_equal(store_track_invoice(st, &key, &a, &ctx, &ca, &created), STORE_OK);
    assert_int_equal(store_track_invoice(st, &key, &b, &upper, &cb, &created), STORE_OK);
    assert_true(ca.debtor_id > 0);
    assert_int_equal(ca.debtor_id, cb.debtor_id);
    store_close(st);
}

/* Recomputes the chain from the rows: each hash covers the previous one. */
static void test_event_chain(void **state)
{
    struct store *st = open_fresh("events.db");
    struct invoice a = sample_invoice("S", "E1", 100);
    struct invoice b = sample_invoice("S", "E2", 200);
    struct event_list events;
    const char *prev = AUDIT_GENESIS;
    bool created;

    (void)state;
    assert_int_equal(store_track_invoice(st, &key, &a, &ctx, NULL, &created), STORE_OK);
    assert_int_equal(store_track_invoice(st, &key, &b, &ctx, NULL, &created), STORE_OK);
    /* A repeated sighting writes no event. */
    assert_int_equal(store_track_invoice(st, &key, &a, &ctx, NULL, &created), STORE_OK);
    assert_int_equal(store_append_event(st, &key, 0, "operator-note", "operator", "{\"text\":\"x\"}"), STORE_OK);
    assert_int_equal(store_list_events(st, 0, &events), STORE_OK);
    assert_int_equal(events.count, 3);
    assert_string_equal(events.items[0].kind, "invoice-tracked");
    assert_non_null(strstr(events.items[0].detail, "\"number\":\"E1\""));
    for (size_t i = 0; i < events.count; i++) {
        struct audit_fields f = {events.items[i].at, events.items[i].case_id, events.items[i].kind,
                                 events.items[i].actor, events.items[i].detail};
        char expect[AUDIT_HASH_HEX];

        assert_string_equal(events.items[i].prev_hash, prev);
        audit_chain_hash(&key, prev, &f, expect);
        assert_string_equal(events.items[i].hash, expect);
        prev = events.items[i].hash;
    }
    event_list_free(&events);
    /* Per case. */
    assert_int_equal(store_list_events(st, 1, &events), STORE_OK);
    assert_int_equal(events.count, 1);
    event_list_free(&events);
    store_close(st);
}

static void test_events_append_only(void **state)
{
    struct store *st = open_fresh("append.db");

    (void)state;
    assert_int_equal(store_append_event(st, &key, 0, "k", "a", "{}"), STORE_OK);
    store_close(st);
    assert_int_not_equal(exec_raw("append.db", "UPDATE events SET detail = '{\"forged\":1}'"), SQLITE_OK);
    assert_int_not_equal(exec_raw("append.db", "DELETE FROM events"), SQLITE_OK);
}

/* A different key gives a different chain: the hash proves the key. */
static void test_chain_depends_on_key(void **state)
{
    struct audit_fields f = {"2026-11-23T10:00:00Z", 1, "k", "a", "{}"};
    struct audit_key other = key;
    char h1[AUDIT_HASH_HEX], h2[AUDIT_HASH_HEX];

    (void)state;
    other.bytes[0] ^= 1;
    audit_chain_hash(&key, AUDIT_GENESIS, &f, h1);
    audit_chain_hash(&other, AUDIT_GENESIS, &f, h2);
    assert_string_not_equal(h1, h2);
}

static void test_newer_schema_refused(void **state)
{
    char *path = db_path("newer.db");
    char why[256], sql[64];
    struct store *st;

    (void)state;
    unlink(path);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION + 1);
    assert_int_equal(exec_raw("newer.db", sql), SQLITE_OK);
    st = store_open(path, 2000, why, sizeof why);
    assert_null(st);
    assert_non_null(strstr(why, "is not supported"));
    free(path);
}

/* A migration that fails leaves the database as it was: version and tables. */
static void test_failed_migration_rolls_back(void **state)
{
    char *path = db_path("clash.db");
    char why[256];
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int version = -1, invoices_tables = -1;

    (void)state;
    unlink(path);
    /* A table in the way of migration 1. */
    assert_int_equal(exec_raw("clash.db", "CREATE TABLE debtors (x)"), SQLITE_OK);
    assert_null(store_open(path, 2000, why, sizeof why));
    assert_non_null(strstr(why, "migration to schema 1 failed"));
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL), SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name = 'invoices'", -1,
                                        &stmt, NULL),
                     SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        invoices_tables = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    assert_int_equal(version, 0);
    assert_int_equal(invoices_tables, 0);
    free(path);
}

/* Opening an existing current database migrates nothing and keeps data. */
static void test_reopen_keeps_data(void **state)
{
    char *path = db_path("reopen.db");
    struct invoice a = sample_invoice("S", "R1", 100);
    struct case_list list;
    char why[256];
    struct store *st;
    bool created;

    (void)state;
    unlink(path);
    st = store_open(path, 2000, why, sizeof why);
    assert_int_equal(store_track_invoice(st, &key, &a, &ctx, NULL, &created), STORE_OK);
    store_close(st);
    st = store_open(path, 2000, why, sizeof why);
    assert_non_null(st);
    assert_int_equal(store_list_cases(st, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    case_list_free(&list);
    store_close(st);
    free(path);
}

struct writer {
    struct store_pool *pool;
    int index;
    int created;
    int failures;
};

enum { WRITERS = 6, INVOICES_EACH = 15 };

/* Each writer tracks its own invoices and one shared invoice. */
static void *writer_main(void *arg)
{
    struct writer *w = arg;
    char why[256], number[32];

    for (int i = 0; i < INVOICES_EACH; i++) {
        struct store *st = store_pool_get(w->pool, why, sizeof why);
        struct invoice inv;
        bool created = false;

        snprintf(number, sizeof number, i == 0 ? "SHARED" : "W%d-%d", w->index, i);
        inv = sample_invoice("S", number, 100 + i);
        if (st == NULL || store_track_invoice(st, &key, &inv, &ctx, NULL, &created) != STORE_OK)
            w->failures++;
        w->created += created;
        store_pool_put(w->pool, st);
    }
    return NULL;
}

static void test_concurrent_writers(void **state)
{
    char *path = db_path("concurrent.db");
    struct store_pool *pool;
    struct writer writers[WRITERS];
    pthread_t threads[WRITERS];
    struct store *st;
    struct case_list list;
    char why[256];
    int created = 0;

    (void)state;
    unlink(path);
    st = store_open(path, 5000, why, sizeof why);
    store_close(st);
    /* What this checks is that each invoice is recorded once whatever the
     * interleaving, not how long a writer waits: a timeout long enough
     * for a sanitized build on a machine at load 40 (5 s was not). */
    pool = store_pool_new(path, 60000);
    for (int i = 0; i < WRITERS; i++) {
        writers[i] = (struct writer){pool, i, 0, 0};
        pthread_create(&threads[i], NULL, writer_main, &writers[i]);
    }
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(writers[i].failures, 0);
        created += writers[i].created;
    }
    /* Every private invoice once, the shared one exactly once. */
    assert_int_equal(created, WRITERS * (INVOICES_EACH - 1) + 1);
    st = store_pool_get(pool, why, sizeof why);
    assert_int_equal(store_list_cases(st, &list), STORE_OK);
    assert_int_equal(list.count, WRITERS * (INVOICES_EACH - 1) + 1);
    case_list_free(&list);
    store_pool_put(pool, st);
    store_pool_free(pool);
    free(path);
}

static void test_locked_database_is_busy(void **state)
{
    char *path = db_path("locked.db");
    struct invoice a = sample_invoice("S", "L1", 100);
    struct store *st;
    sqlite3 *holder;
    char why[256];
    bool created;
    uint64_t start;

    (void)state;
    unlink(path);
    st = store_open(path, 100, why, sizeof why);
    assert_non_null(st);
    assert_int_equal(sqlite3_open(path, &holder), SQLITE_OK);
    assert_int_equal(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    start = clock_ms();
    assert_int_equal(store_track_invoice(st, &key, &a, &ctx, NULL, &created), STORE_BUSY);
    assert_true(clock_ms() - start < 2000);
    assert_false(created);
    sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(holder);
    /* Once free, the same handle works. */
    assert_int_equal(store_track_invoice(st, &key, &a, &ctx, NULL, &created), STORE_OK);
    assert_true(created);
    store_close(st);
    free(path);
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    for (size_t i = 0; i < sizeof key.bytes; i++)
        key.bytes[i] = (uint8_t)(i * 7 + 1);
    return 0;
}

static int teardown(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);

    (void)state;
    if (system(cmd) != 0)
        print_message("could not remove %s\n", dir);
    free(cmd);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_database_is_current),
        cmocka_unit_test(test_invoice_round_trip),
        cmocka_unit_test(test_one_case_per_seller_and_number),
        cmocka_unit_test(test_nothing_to_collect_is_closed),
        cmocka_unit_test(test_one_debtor_per_address),
        cmocka_unit_test(test_event_chain),
        cmocka_unit_test(test_events_append_only),
        cmocka_unit_test(test_chain_depends_on_key),
        cmocka_unit_test(test_newer_schema_refused),
        cmocka_unit_test(test_failed_migration_rolls_back),
        cmocka_unit_test(test_reopen_keeps_data),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test(test_locked_database_is_busy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
