/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store_outbox.c - the outbox's claim: of two connections claiming
 * the same message only one wins; an outcome is recorded only for a
 * claimed message; a stale claim is listed, becomes 'uncertain' once and
 * is never due again; the operator's listing shows every state.
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
#include "due_facts_check.h"
#include "temp_store.h"
#include "store/store.h"

#define FAR_FUTURE "2999-01-01T00:00:00Z"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct store *other; /* a second connection: another sender */
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    char why[256];

    f->st = temp_store_open("outbox", f->dir, sizeof f->dir, f->path, sizeof f->path);
    f->other = store_open(f->path, 2000, why, sizeof why);
    assert_non_null(f->other);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    due_facts_check(f->st); /* the facts the triggers kept, after each scenario */
    store_close(f->st);
    store_close(f->other);
    temp_store_remove(f->dir, f->path);
    free(f);
    return 0;
}

/* A queued message, as store_record_reply writes one. */
static int64_t queue(struct fixture *f, const char *message_id)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int64_t id;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO outbox (kind, sender, recipient, message_id, message,"
                                        " created_at, next_at) VALUES ('creditor-notice', 'relance@agency.test',"
                                        " 'creditor@agency.test', ?1, 'notice', '2026-01-01T00:00:00Z',"
                                        " '2026-01-01T00:00:00Z')",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(stmt, 1, message_id, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
    id = sqlite3_last_insert_rowid(db);
    sqlite3_close(db);
    return id;
}

static void state_of(struct fixture *f, int64_t id, char out[16])
{
    struct outbox_list list;

    out[0] = '\0';
    assert_int_equal(store_outbox_list(f->st, NULL, 100, &list), STORE_OK);
    for (size_t i = 0; i < list.count; i++)
        if (list.items[i].id == id)
            str_copy(out, 16, list.items[i].state);
    outbox_list_free(&list);
}

static void test_two_senders_one_claim(void **state)
{
    struct fixture *f = *state;
    int64_t id = queue(f, "n1@agency.test");
    struct outbox_list a, b;
    char st[16];

    /* Both senders see it due... */
    assert_int_equal(store_outbox_due(f->st, FAR_FUTURE, 10, &a), STORE_OK);
    assert_int_equal(store_outbox_due(f->other, FAR_FUTURE, 10, &b), STORE_OK);
    assert_int_equal(a.count, 1);
    assert_int_equal(b.count, 1);
    outbox_list_free(&a);
    outbox_list_free(&b);
    /* ...only one claims it. */
    assert_int_equal(store_outbox_claim(f->other, id), STORE_OK);
    assert_int_equal(store_outbox_claim(f->st, id), STORE_CONFLICT);
    state_of(f, id, st);
    assert_string_equal(st, "sending");
    /* Claimed: no longer due for anyone. */
    assert_int_equal(store_outbox_due(f->st, FAR_FUTURE, 10, &a), STORE_OK);
    assert_int_equal(a.count, 0);
    outbox_list_free(&a);
    assert_int_equal(store_outbox_done(f->other, id, "sent", NULL, NULL), STORE_OK);
    state_of(f, id, st);
    assert_string_equal(st, "sent");
    assert_int_equal(store_outbox_claim(f->st, id), STORE_CONFLICT);
}

static void test_stale_claim_becomes_uncertain(void **state)
{
    struct fixture *f = *state;
    int64_t id = queue(f, "n2@agency.test"), fresh = queue(f, "n3@agency.test");
    struct outbox_list stale, due, listed;
    char st[16];

    assert_int_equal(store_outbox_claim(f->st, id), STORE_OK);
    /* A claim made now is not older than a moment in the past. */
    assert_int_equal(store_outbox_list_stale(f->other, "2000-01-01T00:00:00Z", &stale), STORE_OK);
    assert_int_equal(stale.count, 0);
    outbox_list_free(&stale);
    assert_int_equal(store_outbox_list_stale(f->other, FAR_FUTURE, &stale), STORE_OK);
    assert_int_equal(stale.count, 1);
    assert_int_equal(stale.items[0].id, id);
    assert_true(stale.items[0].claimed_at[0] != '\0');
    outbox_list_free(&stale);
    assert_int_equal(store_outbox_abandon(f->other, id, "interrupted"), STORE_OK);
    assert_int_equal(store_outbox_abandon(f->other, id, "interrupted"), STORE_CONFLICT);
    state_of(f, id, st);
    assert_string_equal(st, "uncertain");
    /* Never due again, never claimable again. */
    assert_int_equal(store_outbox_due(f->st, FAR_FUTURE, 10, &due), STORE_OK);
    assert_int_equal(due.count, 1);
    assert_int_equal(due.items[0].id, fresh);
    outbox_list_free(&due);
    assert_int_equal(store_outbox_claim(f->st, id), STORE_CONFLICT);
    /* The operator's listing: by state, newest first. */
    assert_int_equal(store_outbox_list(f->st, "uncertain", 10, &listed), STORE_OK);
    assert_int_equal(listed.count, 1);
    assert_string_equal(listed.items[0].error, "interrupted");
    outbox_list_free(&listed);
    assert_int_equal(store_outbox_list(f->st, NULL, 10, &listed), STORE_OK);
    assert_int_equal(listed.count, 2);
    assert_int_equal(listed.items[0].id, fresh);
    outbox_list_free(&listed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_senders_one_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_claim_becomes_uncertain, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
