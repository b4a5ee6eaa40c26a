/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_catchup.c - the catch-up queue on a real store: invoices queued
 * while the store is locked by another connection stay queued through a
 * failed drain and become cases, once, when the lock goes; a message
 * recorded in part before the failure is not counted twice; the queue
 * refuses past its bound.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"
#include "recognise/catchup.h"
#include "store/store.h"
#include "temp_store.h"

static char dir[] = "/tmp/relance-catchup-XXXXXX";
static char *path;
static struct audit_key key;
static struct config *cfg;
static struct store_pool *pool;

static struct catchup_invoice item(const char *number)
{
    struct catchup_invoice it;

    memset(&it, 0, sizeof it);
    invoice_init(&it.inv);
    str_copy(it.inv.seller_name, sizeof it.inv.seller_name, "ACME Industries SAS");
    str_copy(it.inv.number, sizeof it.inv.number, number);
    it.inv.issue_date = (struct date){2026, 11, 2};
    it.inv.due_date = (struct date){2026, 12, 2};
    it.inv.due_basis = DUE_BASIS_DOCUMENT;
    it.inv.amount_due = 12000;
    it.inv.has_amount_due = true;
    str_copy(it.inv.currency, sizeof it.inv.currency, "EUR");
    it.inv.source = INVOICE_SOURCE_UBL;
    str_copy(it.inv.origin, sizeof it.inv.origin, "facture.xml");
    str_copy(it.debtor, sizeof it.debtor, "compta@client.example");
    return it;
}

static size_t case_count(void)
{
    char why[256];
    struct store *st = store_open(path, 2000, why, sizeof why);
    struct case_list list;
    size_t n;

    assert_non_null(st);
    assert_int_equal(store_list_cases(st, &list), STORE_OK);
    n = list.count;
    case_list_free(&list);
    store_close(st);
    return n;
}

/* Another process's write lock, as sqlite3 BEGIN EXCLUSIVE holds it. */
static sqlite3 *lock_store(void)
{
    sqlite3 *db;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    return db;
}

static void unlock_store(sqlite3 *db)
{
    assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static int setup(void **state)
{
    char why[256];
    struct store *st;

    (void)state;
    assert_non_null(mkdtemp(dir));
    path = xasprintf("%s/relance.db", dir);
    for (size_t i = 0; i < sizeof key.bytes; i++)
        key.bytes[i] = (uint8_t)(i * 5 + 3);
    st = store_open(path, 2000, why, sizeof why);
    assert_non_null(st);
    store_close(st);
    cfg = config_defaults();
    /* A short wait: the lock is never going to go by itself. */
    pool = store_pool_new(path, 100);
    log_open("test", false, 0);
    log_set_level(LOG_LEVEL_ERROR);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_pool_free(pool);
    config_unref(cfg);
    temp_store_remove(dir, path);
    free(path);
    return 0;
}

static void test_waits_through_the_lock_then_records_once(void **state)
{
    struct catchup_invoice two[2] = {item("F-1"), item("F-2")};
    struct catchup_invoice one[1] = {item("F-3")};
    const char mail[] = "From: billing@creditor.example\r\n\r\nFacture\r\n";
    sqlite3 *lock;

    (void)state;
    assert_true(catchup_add("Q1", "m1@creditor.example", two, 2, mail, sizeof mail - 1));
    assert_true(catchup_add("Q2", "m2@creditor.example", one, 1, NULL, 0));
    assert_int_equal(catchup_pending(), 2);
    lock = lock_store();
    assert_int_equal(catchup_drain(cfg, pool, &key), 0);
    assert_int_equal(catchup_pending(), 2); /* nothing lost to a failed attempt */
    unlock_store(lock);
    assert_int_equal(case_count(), 0);
    assert_int_equal(catchup_drain(cfg, pool, &key), 2);
    assert_int_equal(catchup_pending(), 0);
    assert_int_equal(case_count(), 3);
    /* Queued again (a message half recorded before a failure): still 3. */
    assert_true(catchup_add("Q1", "m1@creditor.example", two, 2, mail, sizeof mail - 1));
    assert_int_equal(catchup_drain(cfg, pool, &key), 1);
    assert_int_equal(case_count(), 3);
    assert_int_equal(catchup_drain(cfg, pool, &key), 0);
}

static void test_bounded(void **state)
{
    struct catchup_invoice one[1] = {item("B-1")};
    sqlite3 *lock;

    (void)state;
    for (int i = 0; i < CATCHUP_MAX_MESSAGES; i++)
        assert_true(catchup_add("QB", "b@creditor.example", one, 1, NULL, 0));
    assert_false(catchup_add("QB", "b@creditor.example", one, 1, NULL, 0));
    assert_int_equal(catchup_pending(), CATCHUP_MAX_MESSAGES);
    lock = lock_store();
    assert_int_equal(catchup_drain(cfg, pool, &key), 0);
    unlock_store(lock);
    assert_int_equal(catchup_drain(cfg, pool, &key), CATCHUP_MAX_MESSAGES);
    assert_int_equal(catchup_pending(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waits_through_the_lock_then_records_once),
        cmocka_unit_test(test_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
