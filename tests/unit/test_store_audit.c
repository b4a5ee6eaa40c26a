/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store_audit.c - relancectl audit verify's walk of the keyed hash
 * chain, on a real SQLite store that is then tampered with as someone
 * with write access to the file would (the append-only triggers dropped):
 * an edited entry, a removed one, two swapped ones, a forged hash without
 * the key, a removed first entry; each is named, and the intact chain
 * counts its entries.
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

#include "lib/util.h"
#include "store/store.h"
#include "temp_store.h"

#define EVENTS 5

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct audit_key key;
};

/* A store with EVENTS events, ids 1..EVENTS. */
static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    char detail[64];

    f->st = temp_store_open("audit", f->dir, sizeof f->dir, f->path, sizeof f->path);
    memset(f->key.bytes, 9, sizeof f->key.bytes);
    for (int i = 1; i <= EVENTS; i++) {
        snprintf(detail, sizeof detail, "{\"n\":%d}", i);
        assert_int_equal(store_append_event(f->st, &f->key, i, "note", "test", detail), STORE_OK);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    temp_store_close(f->st, f->dir, f->path);
    free(f);
    return 0;
}

/* Runs SQL on the file with the append-only triggers dropped. */
static void tamper(struct fixture *f, const char *text)
{
    sqlite3 *db;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "DROP TRIGGER IF EXISTS events_append_only_update;"
                                  "DROP TRIGGER IF EXISTS events_append_only_delete;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static struct audit_verdict verify(struct fixture *f)
{
    struct audit_verdict v;

    assert_int_equal(store_verify_audit(f->st, &f->key, &v), STORE_OK);
    return v;
}

static void intact(void **state)
{
    struct fixture *f = *state;
    struct audit_verdict v = verify(f);
    struct audit_key other;

    assert_int_equal(v.problem, AUDIT_INTACT);
    assert_int_equal(v.entries, EVENTS);
    assert_int_equal(v.last_id, EVENTS);
    assert_int_equal(strlen(v.head), 64);
    /* Another key: the first entry already fails. */
    memset(other.bytes, 1, sizeof other.bytes);
    assert_int_equal(store_verify_audit(f->st, &other, &v), STORE_OK);
    assert_int_equal(v.problem, AUDIT_EDITED);
    assert_int_equal(v.entry_id, 1);
}

static void edited(void **state)
{
    struct fixture *f = *state;
    struct audit_verdict v;

    tamper(f, "UPDATE events SET detail = '{\"n\":33}' WHERE id = 3");
    v = verify(f);
    assert_int_equal(v.problem, AUDIT_EDITED);
    assert_int_equal(v.entry_id, 3);
    assert_non_null(strstr(v.why, "entry 3 was edited"));
}

/* A new hash computed without the key does not pass either. */
static void forged_hash(void **state)
{
    struct fixture *f = *state;
    struct audit_verdict v;

    tamper(f, "UPDATE events SET actor = 'operator',"
              " hash = '1111111111111111111111111111111111111111111111111111111111111111' WHERE id = 4");
    v = verify(f);
    assert_int_equal(v.problem, AUDIT_EDITED);
    assert_int_equal(v.entry_id, 4);
}

static void removed(void **state)
{
    struct fixture *f = *state;
    struct audit_verdict v;

    tamper(f, "DELETE FROM events WHERE id = 2");
    v = verify(f);
    assert_int_equal(v.problem, AUDIT_REMOVED);
    assert_int_equal(v.entry_id, 3);
    assert_int_equal(v.entries, EVENTS - 1);
    assert_non_null(strstr(v.why, "between 1 and 3 was removed"));
}

static void removed_first(void **state)
{
    struct fixture *f = *state;
    struct audit_verdict v;

    tamper(f, "DELETE FROM events WHERE id = 1");
    v = verify(f);
    assert_int_equal(v.problem, AUDIT_REMOVED);
    assert_int_equal(v.entry_id, 2);
}

/* Entries 2 and 4 swap places (ids kept, contents exchanged). */
static void reordered(void **state)
{
    struct fixture *f = *state;
    struct audit_verdict v;

    tamper(f, "CREATE TEMP TABLE t AS SELECT * FROM events WHERE id IN (2, 4);"
              "UPDATE events SET (at, invoice_id, kind, actor, detail, prev_hash, hash) ="
              " (SELECT at, invoice_id, kind, actor, detail, prev_hash, hash FROM t"
              "  WHERE t.id = CASE events.id WHEN 2 THEN 4 ELSE 2 END) WHERE id IN (2, 4);");
    v = verify(f);
    assert_int_equal(v.problem, AUDIT_REORDERED);
    assert_int_equal(v.entry_id, 2);
    assert_non_null(strstr(v.why, "entry 2 is out of order"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(intact, setup, teardown),
        cmocka_unit_test_setup_teardown(edited, setup, teardown),
        cmocka_unit_test_setup_teardown(forged_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(removed, setup, teardown),
        cmocka_unit_test_setup_teardown(removed_first, setup, teardown),
        cmocka_unit_test_setup_teardown(reordered, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
