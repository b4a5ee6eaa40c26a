/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_ladder_choice.c - which ladder a case follows, from a real store:
 * the profile computed from the debtor's other invoices (histories
 * written by hand into the database), the operator's profile winning,
 * the choice recorded once and kept when the profile changes, a case
 * with steps but no recorded ladder staying on the default one, and a
 * recorded ladder since removed falling back to the default.
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

#include "core/config.h"
#include "lib/util.h"
#include "remind/ladder_choice.h"
#include "store/store.h"
#include "temp_store.h"

/* The default ladder is the built-in one: its steps 4 to 7 are the
 * agency's. Rules on lines 7 to 9. */
static const char conf[] = "Ladder gentle\n"
                           "Step rappel after=5 claim=no\n"
                           "Step avis-impaye after=25 interval=15\n"
                           "Ladder firm\n"
                           "Step avis-impaye after=1\n"
                           "Step mise-en-demeure after=8 interval=7\n"
                           "LadderFor profile=bad ladder=firm\n"
                           "LadderFor amount>=5000 ladder=firm\n"
                           "LadderFor profile=forgetful ladder=gentle\n";

struct fixture {
    char dir[64], path[128];
    struct store *st;
    struct config *cfg;
    struct audit_key key;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    struct strlist errors;

    f->st = temp_store_open("ladder", f->dir, sizeof f->dir, f->path, sizeof f->path);
    memset(f->key.bytes, 5, sizeof f->key.bytes);
    strlist_init(&errors);
    f->cfg = config_parse_text("t.conf", conf, &errors);
    assert_non_null(f->cfg);
    strlist_free(&errors);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    temp_store_close(f->st, f->dir, f->path);
    config_unref(f->cfg);
    free(f);
    return 0;
}

static int64_t track(struct fixture *f, const char *number, const char *email, int64_t cents)
{
    struct track_context tc = {email, "m@creditor.test", "Q1", "test"};
    struct invoice inv;
    struct case_row c;
    bool created;

    invoice_init(&inv);
    str_copy(inv.number, sizeof inv.number, number);
    str_copy(inv.seller_name, sizeof inv.seller_name, "ACME");
    str_copy(inv.currency, sizeof inv.currency, "EUR");
    inv.has_amount_due = true;
    inv.amount_due = cents;
    assert_true(date_parse("2026-01-30", &inv.due_date));
    assert_int_equal(store_track_invoice(f->st, &f->key, &inv, &tc, &c, &created), STORE_OK);
    return c.id;
}

/* Writes a past invoice's outcome as if its ladder had run. */
static void set_case(struct fixture *f, int64_t id, const char *status, int level, const char *ladder)
{
    sqlite3 *db;
    char *sql = sqlite3_mprintf("UPDATE invoices SET status = %Q, level = %d, ladder = %Q,"
                                " balance = CASE WHEN %Q = 'paid' THEN 0 ELSE balance END WHERE id = %lld",
                                status, level, ladder, status, (long long)id);

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);
    sqlite3_close(db);
}

static void choose(struct fixture *f, int64_t id, struct ladder_choice *ch)
{
    struct case_row c;

    assert_int_equal(store_get_case(f->st, id, &c), STORE_OK);
    assert_true(ladder_choose(f->cfg, f->st, &c, ch));
}

static void test_forgetful_by_history(void **state)
{
    struct fixture *f = *state;
    struct ladder_choice ch;
    int64_t a = track(f, "F-1", "jean@client.test", 12000);
    int64_t b = track(f, "F-2", "jean@client.test", 8000);
    int64_t now = track(f, "F-3", "jean@client.test", 100000);

    choose(f, now, &ch);
    assert_int_equal(ch.profile.profile, PROFILE_NONE);
    assert_string_equal(ch.name, "default");
    assert_string_equal(ch.why, "profile none (computed: too little history (0 paid invoices)), balance 1000.00 EUR: "
                                "no LadderFor rule holds");
    /* Two invoices paid after one reminder each: 2 of 2. */
    set_case(f, a, "paid", 1, "default");
    set_case(f, b, "paid", 1, NULL);
    choose(f, now, &ch);
    assert_int_equal(ch.profile.profile, PROFILE_FORGETFUL);
    assert_false(ch.recorded);
    assert_string_equal(ch.name, "gentle");
    assert_string_equal(ch.why, "profile forgetful (computed: paid after step 1 on 2 of 2 invoices), balance 1000.00 "
                                "EUR: LadderFor profile=forgetful ladder=gentle (line 9)");
    assert_int_equal(ch.steps->count, 2);
    /* Recorded once: a second choice is refused, and a changed profile
     * leaves the case where it is. */
    assert_int_equal(store_set_case_ladder(f->st, &f->key, now, "gentle", ch.why, "scheduler"), STORE_OK);
    assert_int_equal(store_set_case_ladder(f->st, &f->key, now, "firm", "again", "scheduler"), STORE_CONFLICT);
    assert_int_equal(store_set_debtor_payer_profile(f->st, &f->key, "jean@client.test", "bad", "operator"), STORE_OK);
    choose(f, now, &ch);
    assert_int_equal(ch.profile.profile, PROFILE_BAD);
    assert_true(ch.profile.set_by_operator);
    assert_true(ch.recorded);
    assert_string_equal(ch.name, "gentle");
    assert_string_equal(ch.why, "chosen when its first step was due");
    /* A new case of the same debtor follows the operator's profile. */
    choose(f, track(f, "F-4", "jean@client.test", 100000), &ch);
    assert_string_equal(ch.name, "firm");
    assert_string_equal(ch.why, "profile bad (set by the operator), balance 1000.00 EUR: LadderFor profile=bad "
                                "ladder=firm (line 7)");
    /* none: computed again. */
    assert_int_equal(store_set_debtor_payer_profile(f->st, &f->key, "jean@client.test", "none", "operator"), STORE_OK);
    choose(f, now, &ch);
    assert_int_equal(ch.profile.profile, PROFILE_FORGETFUL);
    assert_int_equal(store_set_debtor_payer_profile(f->st, &f->key, "nobody@x.test", "bad", "operator"),
                     STORE_NOT_FOUND);
}

/* The agency's steps, in the ladder each invoice followed, on two invoices. */
static void test_bad_by_history(void **state)
{
    struct fixture *f = *state;
    struct ladder_choice ch;
    int64_t a = track(f, "P-1", "paul@client.test", 50000);
    int64_t b = track(f, "P-2", "paul@client.test", 50000);
    int64_t now = track(f, "P-3", "paul@client.test", 30000);

    /* Level 4 on the built-in ladder: agence-courriel was sent. */
    set_case(f, a, "open", 4, NULL);
    /* Level 2 on firm: no agency step there. */
    set_case(f, b, "paid", 2, "firm");
    choose(f, now, &ch);
    assert_int_equal(ch.profile.profile, PROFILE_NONE);
    set_case(f, b, "paid", 5, "default");
    choose(f, now, &ch);
    assert_int_equal(ch.profile.profile, PROFILE_BAD);
    assert_string_equal(ch.profile.why, "computed: reached the agency steps on 2 invoices");
    assert_string_equal(ch.name, "firm");
}

static void test_amount_and_fallbacks(void **state)
{
    struct fixture *f = *state;
    struct ladder_choice ch;
    int64_t big = track(f, "B-1", "big@client.test", 500000);
    int64_t small = track(f, "B-2", "small@client.test", 499999);

    choose(f, big, &ch);
    assert_string_equal(ch.name, "firm");
    assert_non_null(strstr(ch.why, "balance 5000.00 EUR: LadderFor amount>=5000 ladder=firm (line 8)"));
    choose(f, small, &ch);
    assert_string_equal(ch.name, "default");
    /* Steps went out before any ladder was recorded: the default one. */
    set_case(f, big, "open", 1, NULL);
    choose(f, big, &ch);
    assert_true(ch.recorded);
    assert_string_equal(ch.name, "default");
    assert_ptr_equal(ch.steps, &f->cfg->steps);
    /* A recorded ladder that is no longer configured: the default. */
    set_case(f, small, "open", 1, "vanished");
    choose(f, small, &ch);
    assert_true(ch.missing);
    assert_string_equal(ch.name, "default");
    assert_string_equal(ch.why, "its ladder vanished is no longer configured: the default ladder");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_forgetful_by_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_by_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_amount_and_fallbacks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
