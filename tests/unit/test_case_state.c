/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_case_state.c - case statuses and reminder states as types, and the
 * one table of their transitions, on a real SQLite file: the names are the
 * database's and round-trip, unknown names are refused; the live-case rule
 * says the same in C and in SQL; every transition of the tables moves a
 * row from each status it allows and from no other, leaving a refused row
 * exactly as it was; and, through the store's own operations, a settled
 * case is never reopened nor disputed by a late reply.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "temp_store.h"
#include "store/case_state.h"
#include "store/store.h"
#include "store/store_internal.h"
#include "store/store_transitions.h"

#define NOW "2026-03-04T05:06:07Z"
#define BEFORE "2000-01-01T00:00:00Z"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct audit_key key;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);

    f->st = temp_store_open("states", f->dir, sizeof f->dir, f->path, sizeof f->path);
    /* Hundreds of small commits: durability is not what is tested here. */
    assert_int_equal(store_exec(f->st, "PRAGMA synchronous = OFF"), SQLITE_OK);
    memset(f->key.bytes, 7, sizeof f->key.bytes);
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

/* ---- helpers ---- */

static void exec(struct fixture *f, const char *sql)
{
    if (store_exec(f->st, sql) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(f->st->db));
}

/* Tracks an invoice (or credit note) of 1000.00 EUR sent in message_id. */
static int64_t track(struct fixture *f, const char *number, enum invoice_type type, const char *message_id)
{
    struct track_context tc = {"debtor@client.test", message_id, "Q1", "test"};
    struct invoice inv;
    struct case_row c;
    bool created;

    invoice_init(&inv);
    inv.type = type;
    str_copy(inv.number, sizeof inv.number, number);
    str_copy(inv.seller_name, sizeof inv.seller_name, "ACME");
    str_copy(inv.currency, sizeof inv.currency, "EUR");
    inv.has_amount_due = true;
    inv.amount_due = 100000;
    date_parse("2026-01-30", &inv.due_date);
    assert_int_equal(store_track_invoice(f->st, &f->key, &inv, &tc, &c, &created), STORE_OK);
    assert_true(created);
    return c.id;
}

/* Puts a case in a status, with a pause recorded (as a case left paid
 * or disputed from a pause may still carry one) and a known updated_at. */
static void put_case(struct fixture *f, int64_t id, enum case_status status, const char *pause_reason)
{
    char *sql = xasprintf("UPDATE invoices SET status = '%s', paused_until = '2030-01-01', pause_reason = '%s',"
                          " updated_at = '" BEFORE "', balance = 40000, level = 2 WHERE id = %lld",
                          case_status_name(status), pause_reason, (long long)id);

    exec(f, sql);
    free(sql);
}

/* Every column a transition may touch, as text. */
struct case_snapshot {
    char status[16], paused_until[16], pause_reason[16], updated_at[32];
    int64_t balance;
    int level;
};

static struct case_snapshot snapshot(struct fixture *f, int64_t id)
{
    static const char sql[] = "SELECT status, COALESCE(paused_until, '-'), pause_reason, updated_at, balance,"
                              " level FROM invoices WHERE id = ?1";
    struct case_snapshot s;
    sqlite3_stmt *stmt;

    memset(&s, 0, sizeof s);
    assert_int_equal(sqlite3_prepare_v2(f->st->db, sql, -1, &stmt, NULL), SQLITE_OK);
    sqlite3_bind_int64(stmt, 1, id);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    store_column_copy(stmt, 0, s.status, sizeof s.status);
    store_column_copy(stmt, 1, s.paused_until, sizeof s.paused_until);
    store_column_copy(stmt, 2, s.pause_reason, sizeof s.pause_reason);
    store_column_copy(stmt, 3, s.updated_at, sizeof s.updated_at);
    s.balance = sqlite3_column_int64(stmt, 4);
    s.level = sqlite3_column_int(stmt, 5);
    sqlite3_finalize(stmt);
    return s;
}

static void assert_same_case(const struct case_snapshot *a, const struct case_snapshot *b)
{
    assert_string_equal(a->status, b->status);
    assert_string_equal(a->paused_until, b->paused_until);
    assert_string_equal(a->pause_reason, b->pause_reason);
    assert_string_equal(a->updated_at, b->updated_at);
    assert_int_equal(a->balance, b->balance);
    assert_int_equal(a->level, b->level);
}

/* The transition in a transaction of its own, as a store file makes it. */
static enum store_result transition(struct fixture *f, int64_t id, enum case_event event,
                                    const struct case_pause *pause)
{
    enum store_result r = store_begin(f->st);

    assert_int_equal(r, STORE_OK);
    return store_finish(f->st, store_case_transition(f->st, id, event, NOW, pause));
}

/* The set of statuses named in a space-separated list. */
static case_status_set statuses(const char *names)
{
    case_status_set set = 0;
    char *copy = xstrdup(names), *save = NULL;

    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        enum case_status s;
        assert_true(case_status_parse(w, &s));
        set |= CASE_SET(s);
    }
    free(copy);
    return set;
}

/* ---- names ---- */

static void test_case_status_names_round_trip(void **state)
{
    /* The database's values, in the enum's order. */
    static const char *const names[] = {"open", "paid", "paused", "disputed", "cancelled", "closed", "court",
                                         "review", "insolvent"};

    (void)state;
    assert_int_equal(ARRAY_LEN(names), CASE_STATUS_COUNT);
    for (int i = 0; i < CASE_STATUS_COUNT; i++) {
        enum case_status s = CASE_COURT;
        assert_string_equal(case_status_name((enum case_status)i), names[i]);
        assert_true(case_status_parse(names[i], &s));
        assert_int_equal(s, i);
    }
    assert_string_equal(case_status_name(CASE_DISPUTED), "disputed");
}

static void test_reminder_state_names_round_trip(void **state)
{
    static const char *const names[] = {"pending", "sent", "held", "failed", "dry-run"};

    (void)state;
    assert_int_equal(ARRAY_LEN(names), REMINDER_STATE_COUNT);
    for (int i = 0; i < REMINDER_STATE_COUNT; i++) {
        enum reminder_state s = REMINDER_DRY_RUN;
        assert_string_equal(reminder_state_name((enum reminder_state)i), names[i]);
        assert_true(reminder_state_parse(names[i], &s));
        assert_int_equal(s, i);
    }
}

static void test_unknown_names_refused(void **state)
{
    static const char *const bad[] = {"", "Open", "OPEN", "opened", "open ", " paid", "dry_run", "Dry-Run",
                                      "cancel", "canceled", "pending", "unknown"};
    static const char *const bad_states[] = {"", "Sent", "dry_run", "dryrun", "hold", "open", "unknown"};
    enum case_status s = CASE_COURT;
    enum reminder_state r = REMINDER_DRY_RUN;

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        assert_false(case_status_parse(bad[i], &s));
    assert_false(case_status_parse(NULL, &s));
    assert_int_equal(s, CASE_COURT); /* untouched */
    for (size_t i = 0; i < ARRAY_LEN(bad_states); i++)
        assert_false(reminder_state_parse(bad_states[i], &r));
    assert_false(reminder_state_parse(NULL, &r));
    assert_int_equal(r, REMINDER_DRY_RUN);
    assert_string_equal(case_status_name((enum case_status)CASE_STATUS_COUNT), "unknown");
    assert_string_equal(reminder_state_name((enum reminder_state)REMINDER_STATE_COUNT), "unknown");
}

/* The database accepts every name (they are its CHECK's) and no other. */
static void test_names_are_the_schema_values(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "F-1", INVOICE_TYPE_INVOICE, "m1@x.test");

    for (int i = 0; i < CASE_STATUS_COUNT; i++) {
        struct case_row c;
        put_case(f, id, (enum case_status)i, "");
        assert_int_equal(store_get_case(f->st, id, &c), STORE_OK);
        assert_int_equal(c.status, i);
    }
    assert_int_not_equal(store_exec(f->st, "UPDATE invoices SET status = 'reopened'"), SQLITE_OK);
    exec(f, "INSERT INTO reminders (id, debtor_id, step, step_name, state, message_id, created_at)"
            " VALUES (1, 1, 1, 'first', 'pending', 'r1@x.test', '" BEFORE "')");
    for (int i = 0; i < REMINDER_STATE_COUNT; i++) {
        struct reminder_row r;
        char *sql = xasprintf("UPDATE reminders SET state = '%s' WHERE id = 1",
                              reminder_state_name((enum reminder_state)i));
        exec(f, sql);
        free(sql);
        assert_int_equal(store_get_reminder(f->st, 1, &r), STORE_OK);
        assert_int_equal(r.state, i);
    }
    assert_int_not_equal(store_exec(f->st, "UPDATE reminders SET state = 'dry_run'"), SQLITE_OK);
}

/* ---- the live-case rule ---- */

static void test_live_rule_in_c(void **state)
{
    (void)state;
    assert_true(case_is_live(INVOICE_TYPE_INVOICE, CASE_OPEN));
    assert_true(case_is_live(INVOICE_TYPE_INVOICE, CASE_PAUSED));
    assert_true(case_is_live(INVOICE_TYPE_INVOICE, CASE_DISPUTED));
    assert_true(case_is_live(INVOICE_TYPE_INVOICE, CASE_COURT));
    assert_false(case_is_live(INVOICE_TYPE_INVOICE, CASE_PAID));
    assert_false(case_is_live(INVOICE_TYPE_INVOICE, CASE_CLOSED));
    assert_false(case_is_live(INVOICE_TYPE_INVOICE, CASE_CANCELLED));
    for (int i = 0; i < CASE_STATUS_COUNT; i++)
        assert_false(case_is_live(INVOICE_TYPE_CREDIT_NOTE, (enum case_status)i));
}

static void test_sql_lists(void **state)
{
    char *settled = case_status_sql_list(CASE_SETTLED);
    char *none = case_status_sql_list(0);
    char *live = case_live_sql("i");
    char *held = reminder_state_sql_list(REMINDER_SET(REMINDER_PENDING) | REMINDER_SET(REMINDER_HELD));

    (void)state;
    assert_string_equal(settled, "'paid', 'cancelled', 'closed'");
    assert_string_equal(none, "NULL");
    assert_string_equal(live, "i.type = 'invoice' AND i.status NOT IN ('paid', 'cancelled', 'closed')");
    assert_string_equal(held, "'pending', 'held'");
    free(settled);
    free(none);
    free(live);
    free(held);
}

/* What the store's queries return is what case_is_live says, status by
 * status, for invoices and credit notes. */
static void test_live_rule_sql_agrees_with_c(void **state)
{
    struct fixture *f = *state;

    for (int type = INVOICE_TYPE_INVOICE; type <= INVOICE_TYPE_CREDIT_NOTE; type++) {
        for (int i = 0; i < CASE_STATUS_COUNT; i++) {
            char number[32], message_id[64];
            struct case_list found;
            int64_t id;

            snprintf(number, sizeof number, "L-%d-%d", type, i);
            snprintf(message_id, sizeof message_id, "live-%d-%d@x.test", type, i);
            id = track(f, number, (enum invoice_type)type, message_id);
            put_case(f, id, (enum case_status)i, "promise");
            assert_int_equal(store_cases_of_invoice_message(f->st, message_id, &found), STORE_OK);
            assert_int_equal(found.count, case_is_live((enum invoice_type)type, (enum case_status)i) ? 1 : 0);
            if (found.count)
                assert_int_equal(found.items[0].id, id);
            case_list_free(&found);
        }
    }
}

/* ---- case transitions ---- */

/* What a transition leaves in the pause columns. */
enum pause_after { KEPT, CLEARED, SET_BY_REPLY, SET_BY_OPERATOR };

/* The transitions as they must be, written out independently of the
 * table: a change to the table that is not also made here fails. */
static const struct expected_case_transition {
    enum case_event event;
    const char *from;
    const char *to;
    enum pause_after pause;
    bool spares_operator_pause;
} expected_case[] = {
    {CASE_EVENT_PAID_UP, "open paused disputed court closed review insolvent", "paid", KEPT, false},
    {CASE_EVENT_CREDITED_TO_ZERO, "open paused disputed court review insolvent", "closed", KEPT, false},
    {CASE_EVENT_COURT_STEP_SENT, "open", "court", KEPT, false},
    {CASE_EVENT_REPLY_DISPUTE, "open paused court review", "disputed", CLEARED, false},
    {CASE_EVENT_REPLY_PAUSE, "open paused review", "paused", SET_BY_REPLY, true},
    {CASE_EVENT_OPERATOR_PAUSE, "open paused review", "paused", SET_BY_OPERATOR, false},
    {CASE_EVENT_PAUSE_EXPIRED, "paused", "open", CLEARED, false},
    {CASE_EVENT_PAUSE_LIFTED, "paused", "open", CLEARED, false},
    {CASE_EVENT_RESOLVED_RESUME, "disputed paused review insolvent", "open", CLEARED, false},
    {CASE_EVENT_RESOLVED_CANCEL, "disputed paused review insolvent", "cancelled", CLEARED, false},
    /* A review holds an open case only: a paused, disputed or court case
     * keeps its status, and a second unclear reply its deadline. */
    {CASE_EVENT_REPLY_REVIEW, "open", "review", SET_BY_REPLY, false},
    {CASE_EVENT_REVIEW_EXPIRED, "review", "open", CLEARED, false},
    {CASE_EVENT_DECIDED_DISPUTE, "review", "disputed", CLEARED, false},
    {CASE_EVENT_DECIDED_PAUSE, "review", "paused", SET_BY_REPLY, false},
    {CASE_EVENT_INSOLVENT, "open paused disputed court review", "insolvent", CLEARED, false},
};

static void test_case_table_is_as_expected(void **state)
{
    (void)state;
    assert_int_equal(ARRAY_LEN(expected_case), CASE_EVENT_COUNT);
    for (size_t i = 0; i < ARRAY_LEN(expected_case); i++) {
        const struct expected_case_transition *e = &expected_case[i];
        const struct case_transition *t = case_transition_of(e->event);
        assert_non_null(t);
        assert_int_equal(t->event, e->event);
        assert_int_equal(t->from, statuses(e->from));
        assert_string_equal(case_status_name(t->to), e->to);
        assert_int_equal(t->spares_operator_pause, e->spares_operator_pause);
        assert_non_null(t->why);
        assert_true(t->why[0] != '\0');
    }
    assert_null(case_transition_of((enum case_event)CASE_EVENT_COUNT));
}

/* Whatever the table says, some things never happen: nothing leaves a
 * cancelled case, and a settled case only moves to another settled
 * status (a late payment on a closed case records it as paid). */
static void test_settled_never_reopened_by_any_transition(void **state)
{
    (void)state;
    for (int e = 0; e < CASE_EVENT_COUNT; e++) {
        const struct case_transition *t = case_transition_of((enum case_event)e);
        assert_false(case_status_in(CASE_CANCELLED, t->from));
        if (t->from & CASE_SETTLED)
            assert_true(case_status_in(t->to, CASE_SETTLED));
    }
}

static void test_case_transition_statements(void **state)
{
    char *dispute = case_transition_sql(case_transition_of(CASE_EVENT_REPLY_DISPUTE));
    char *pause = case_transition_sql(case_transition_of(CASE_EVENT_REPLY_PAUSE));
    char *operator = case_transition_sql(case_transition_of(CASE_EVENT_OPERATOR_PAUSE));
    char *paid = case_transition_sql(case_transition_of(CASE_EVENT_PAID_UP));

    (void)state;
    assert_string_equal(dispute, "UPDATE invoices SET status = 'disputed', paused_until = NULL, pause_reason = '',"
                                  " updated_at = ?2 WHERE id = ?1 AND status IN ('open', 'paused', 'court', 'review')");
    assert_string_equal(pause, "UPDATE invoices SET status = 'paused', paused_until = ?3, pause_reason = ?4,"
                               " updated_at = ?2 WHERE id = ?1 AND status IN ('open', 'paused', 'review')"
                               " AND (status <> 'paused' OR pause_reason <> 'operator')");
    assert_string_equal(operator, "UPDATE invoices SET status = 'paused', paused_until = ?3,"
                                  " pause_reason = 'operator', updated_at = ?2 WHERE id = ?1"
                                  " AND status IN ('open', 'paused', 'review')");
    assert_string_equal(paid, "UPDATE invoices SET status = 'paid', updated_at = ?2 WHERE id = ?1"
                              " AND status IN ('open', 'paused', 'disputed', 'closed', 'court', 'review', 'insolvent')");
    free(dispute);
    free(pause);
    free(operator);
    free(paid);
}

static void assert_moved(const struct expected_case_transition *e, const struct case_snapshot *before,
                         const struct case_snapshot *after)
{
    assert_string_equal(after->status, e->to);
    assert_string_equal(after->updated_at, NOW);
    assert_int_equal(after->balance, before->balance);
    assert_int_equal(after->level, before->level);
    switch (e->pause) {
    case KEPT:
        assert_string_equal(after->paused_until, before->paused_until);
        assert_string_equal(after->pause_reason, before->pause_reason);
        break;
    case CLEARED:
        assert_string_equal(after->paused_until, "-");
        assert_string_equal(after->pause_reason, "");
        break;
    case SET_BY_REPLY:
        assert_string_equal(after->paused_until, "2031-02-03");
        assert_string_equal(after->pause_reason, "plan");
        break;
    case SET_BY_OPERATOR:
        assert_string_equal(after->paused_until, "2031-02-03");
        assert_string_equal(after->pause_reason, "operator");
        break;
    }
}

/* Each transition from each status (a pause the operator made and one a
 * reply made): it moves the case when allowed, and otherwise refuses and
 * leaves every column as it was. */
static void test_every_case_transition_on_a_real_store(void **state)
{
    static const char *const reasons[] = {"promise", CASE_PAUSE_BY_OPERATOR};
    struct fixture *f = *state;
    struct case_pause pause = {{2031, 2, 3}, "plan"};
    int64_t id = track(f, "T-1", INVOICE_TYPE_INVOICE, "t1@x.test");
    int moved = 0, refused = 0;

    for (size_t e = 0; e < ARRAY_LEN(expected_case); e++) {
        const struct expected_case_transition *x = &expected_case[e];
        case_status_set from = statuses(x->from);
        for (int s = 0; s < CASE_STATUS_COUNT; s++) {
            for (size_t k = 0; k < ARRAY_LEN(reasons); k++) {
                struct case_snapshot before, after;
                bool operator_pause = s == CASE_PAUSED && strcmp(reasons[k], CASE_PAUSE_BY_OPERATOR) == 0;
                bool allowed = (from & CASE_SET(s)) && !(x->spares_operator_pause && operator_pause);
                put_case(f, id, (enum case_status)s, reasons[k]);
                before = snapshot(f, id);
                assert_int_equal(transition(f, id, x->event, &pause), allowed ? STORE_OK : STORE_CONFLICT);
                after = snapshot(f, id);
                if (allowed)
                    assert_moved(x, &before, &after);
                else
                    assert_same_case(&before, &after);
                moved += allowed;
                refused += !allowed;
            }
        }
    }
    /* 43 (event, status) pairs allowed (23; 11 of review: seven older
     * events that take a case in review as well, and the four of review;
     * 9 of insolvency: four older events that take an insolvent case, and
     * the five statuses a proceeding covers), each tried with two kinds of
     * pause recorded, but a reply's pause never replaces the operator's. */
    assert_int_equal(moved, 43 * 2 - 1);
    assert_int_equal(refused, CASE_EVENT_COUNT * CASE_STATUS_COUNT * 2 - moved);
}

static void test_case_transition_refusals(void **state)
{
    struct fixture *f = *state;
    int64_t id = track(f, "T-2", INVOICE_TYPE_INVOICE, "t2@x.test");
    struct case_snapshot before, after;

    put_case(f, id, CASE_OPEN, "");
    before = snapshot(f, id);
    /* A pause needs what to record. */
    assert_int_equal(transition(f, id, CASE_EVENT_REPLY_PAUSE, NULL), STORE_CONFLICT);
    assert_int_equal(transition(f, id, CASE_EVENT_OPERATOR_PAUSE, NULL), STORE_CONFLICT);
    /* No such event, no such case. */
    assert_int_equal(transition(f, id, (enum case_event)CASE_EVENT_COUNT, NULL), STORE_CONFLICT);
    assert_int_equal(transition(f, 999999, CASE_EVENT_COURT_STEP_SENT, NULL), STORE_CONFLICT);
    after = snapshot(f, id);
    assert_same_case(&before, &after);
}

/* ---- reminder transitions ---- */

static const struct expected_reminder_transition {
    enum reminder_event event;
    reminder_state_set from;
    enum reminder_state to;
    bool records_error;
} expected_reminder[] = {
    {REMINDER_EVENT_SENT, REMINDER_SET(REMINDER_PENDING) | REMINDER_SET(REMINDER_HELD), REMINDER_SENT, false},
    {REMINDER_EVENT_DRY_RUN, REMINDER_SET(REMINDER_PENDING), REMINDER_DRY_RUN, false},
    {REMINDER_EVENT_FAILED, REMINDER_SET(REMINDER_PENDING) | REMINDER_SET(REMINDER_HELD), REMINDER_FAILED, true},
    {REMINDER_EVENT_HELD, REMINDER_SET(REMINDER_PENDING), REMINDER_HELD, true},
};

static void test_reminder_table_is_as_expected(void **state)
{
    reminder_state_set done = REMINDER_SET(REMINDER_SENT) | REMINDER_SET(REMINDER_FAILED) |
                              REMINDER_SET(REMINDER_DRY_RUN);
    char *sql = reminder_transition_sql(reminder_transition_of(REMINDER_EVENT_FAILED));

    (void)state;
    assert_int_equal(ARRAY_LEN(expected_reminder), REMINDER_EVENT_COUNT);
    for (size_t i = 0; i < ARRAY_LEN(expected_reminder); i++) {
        const struct reminder_transition *t = reminder_transition_of(expected_reminder[i].event);
        assert_non_null(t);
        assert_int_equal(t->from, expected_reminder[i].from);
        assert_int_equal(t->to, expected_reminder[i].to);
        assert_int_equal(t->records_error, expected_reminder[i].records_error);
        /* A reminder sent, failed or rehearsed stays so. */
        assert_int_equal(t->from & done, 0);
    }
    assert_null(reminder_transition_of((enum reminder_event)REMINDER_EVENT_COUNT));
    assert_string_equal(sql, "UPDATE reminders SET state = 'failed', error = COALESCE(?2, error)"
                             " WHERE id = ?1 AND state IN ('pending', 'held')");
    free(sql);
}

static void put_reminder(struct fixture *f, enum reminder_state state)
{
    char *sql = xasprintf("UPDATE reminders SET state = '%s', error = 'earlier' WHERE id = 1",
                          reminder_state_name(state));

    exec(f, sql);
    free(sql);
}

static void reminder_columns(struct fixture *f, char state[16], char error[32])
{
    sqlite3_stmt *stmt;

    assert_int_equal(sqlite3_prepare_v2(f->st->db, "SELECT state, error FROM reminders WHERE id = 1", -1, &stmt,
                                        NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    store_column_copy(stmt, 0, state, 16);
    store_column_copy(stmt, 1, error, 32);
    sqlite3_finalize(stmt);
}

static enum store_result reminder_transition(struct fixture *f, enum reminder_event event, const char *error)
{
    assert_int_equal(store_begin(f->st), STORE_OK);
    return store_finish(f->st, store_reminder_transition(f->st, 1, event, error));
}

/* Each reminder transition from each state, with and without a reason. */
static void test_every_reminder_transition_on_a_real_store(void **state)
{
    static const char *const errors[] = {"sendmail exited 75", NULL};
    struct fixture *f = *state;
    int moved = 0;

    track(f, "R-1", INVOICE_TYPE_INVOICE, "r1@x.test");
    exec(f, "INSERT INTO reminders (id, debtor_id, step, step_name, state, message_id, created_at)"
            " VALUES (1, 1, 1, 'first', 'pending', 'rem1@x.test', '" BEFORE "')");
    for (size_t e = 0; e < ARRAY_LEN(expected_reminder); e++) {
        const struct expected_reminder_transition *x = &expected_reminder[e];
        for (int s = 0; s < REMINDER_STATE_COUNT; s++) {
            for (size_t k = 0; k < ARRAY_LEN(errors); k++) {
                bool allowed = (x->from & REMINDER_SET(s)) != 0;
                char st[16], error[32];
                put_reminder(f, (enum reminder_state)s);
                assert_int_equal(reminder_transition(f, x->event, errors[k]), allowed ? STORE_OK : STORE_CONFLICT);
                reminder_columns(f, st, error);
                assert_string_equal(st, reminder_state_name(allowed ? x->to : (enum reminder_state)s));
                assert_string_equal(error, allowed && x->records_error && errors[k] ? errors[k] : "earlier");
                moved += allowed;
            }
        }
    }
    assert_int_equal(moved, 2 * (2 + 1 + 2 + 1));
    put_reminder(f, REMINDER_PENDING);
    assert_int_equal(reminder_transition(f, (enum reminder_event)REMINDER_EVENT_COUNT, "x"), STORE_CONFLICT);
}

/* ---- through the store's operations ---- */

static struct reply_record reply(const int64_t *id, const char *message_id, enum reply_effect effect)
{
    struct reply_record rec;

    memset(&rec, 0, sizeof rec);
    rec.case_ids = id;
    rec.case_count = 1;
    rec.message_id = message_id;
    rec.sender = "debtor@client.test";
    rec.subject = "Re: facture";
    rec.queue_id = "QR";
    rec.matched_by = "number";
    rec.verdict = effect == REPLY_EFFECT_DISPUTE ? "dispute" : "promise";
    rec.reason = "test";
    rec.excerpt = "";
    rec.own_words = "";
    rec.effect = effect;
    rec.pause_reason = "promise";
    rec.pause_until = (struct date){2031, 1, 1};
    return rec;
}

/* A reply that comes late (the case is settled) is recorded and changes
 * nothing; neither do the operator's pause and resolve. */
static void test_settled_cases_stay_settled(void **state)
{
    static const enum case_status settled[] = {CASE_PAID, CASE_CLOSED, CASE_CANCELLED};
    struct fixture *f = *state;

    for (size_t i = 0; i < ARRAY_LEN(settled); i++) {
        char number[16], message_id[64];
        struct case_snapshot before, after;
        struct reply_outcome out;
        struct reply_record rec;
        enum case_status status;
        int64_t id;

        snprintf(number, sizeof number, "S-%zu", i);
        id = track(f, number, INVOICE_TYPE_INVOICE, "");
        put_case(f, id, settled[i], "");
        before = snapshot(f, id);
        snprintf(message_id, sizeof message_id, "dispute-%zu@client.test", i);
        rec = reply(&id, message_id, REPLY_EFFECT_DISPUTE);
        assert_int_equal(store_record_reply(f->st, &f->key, &rec, "milter", &out), STORE_OK);
        assert_int_equal(out.changed, 0);
        snprintf(message_id, sizeof message_id, "promise-%zu@client.test", i);
        rec = reply(&id, message_id, REPLY_EFFECT_PAUSE);
        assert_int_equal(store_record_reply(f->st, &f->key, &rec, "milter", &out), STORE_OK);
        assert_int_equal(out.changed, 0);
        assert_int_equal(store_pause_case(f->st, &f->key, id, (struct date){0, 0, 0}, "operator"), STORE_CONFLICT);
        assert_int_equal(store_resolve_case(f->st, &f->key, id, RESOLVE_RESUME, 0, "operator", &status),
                         STORE_CONFLICT);
        assert_int_equal(store_resolve_case(f->st, &f->key, id, RESOLVE_END_PAUSE, 0, "operator", &status),
                         STORE_CONFLICT);
        after = snapshot(f, id);
        assert_same_case(&before, &after);
    }
}

/* A payment on a cancelled case lowers the balance but the debt stays
 * dropped; on a disputed case it settles it. */
static void test_payment_transitions(void **state)
{
    struct fixture *f = *state;
    int64_t cancelled = track(f, "P-1", INVOICE_TYPE_INVOICE, "");
    int64_t disputed = track(f, "P-2", INVOICE_TYPE_INVOICE, "");
    int64_t balance = -1;
    struct case_row c;

    put_case(f, cancelled, CASE_CANCELLED, "");
    put_case(f, disputed, CASE_DISPUTED, "");
    assert_int_equal(store_record_payment(f->st, &f->key, cancelled, 40000, (struct date){2026, 3, 1}, "operator",
                                          "test", &balance),
                     STORE_OK);
    assert_int_equal(balance, 0);
    assert_int_equal(store_get_case(f->st, cancelled, &c), STORE_OK);
    assert_int_equal(c.status, CASE_CANCELLED);
    assert_int_equal(store_record_payment(f->st, &f->key, disputed, 10000, (struct date){2026, 3, 1}, "operator",
                                          "test", &balance),
                     STORE_OK);
    assert_int_equal(balance, 30000);
    assert_int_equal(store_get_case(f->st, disputed, &c), STORE_OK);
    assert_int_equal(c.status, CASE_DISPUTED);
    assert_int_equal(store_record_payment(f->st, &f->key, disputed, 30000, (struct date){2026, 3, 2}, "operator",
                                          "test", &balance),
                     STORE_OK);
    assert_int_equal(balance, 0);
    assert_int_equal(store_get_case(f->st, disputed, &c), STORE_OK);
    assert_int_equal(c.status, CASE_PAID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_status_names_round_trip),
        cmocka_unit_test(test_reminder_state_names_round_trip),
        cmocka_unit_test(test_unknown_names_refused),
        cmocka_unit_test_setup_teardown(test_names_are_the_schema_values, setup, teardown),
        cmocka_unit_test(test_live_rule_in_c),
        cmocka_unit_test(test_sql_lists),
        cmocka_unit_test_setup_teardown(test_live_rule_sql_agrees_with_c, setup, teardown),
        cmocka_unit_test(test_case_table_is_as_expected),
        cmocka_unit_test(test_settled_never_reopened_by_any_transition),
        cmocka_unit_test(test_case_transition_statements),
        cmocka_unit_test_setup_teardown(test_every_case_transition_on_a_real_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_transition_refusals, setup, teardown),
        cmocka_unit_test(test_reminder_table_is_as_expected),
        cmocka_unit_test_setup_teardown(test_every_reminder_transition_on_a_real_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settled_cases_stay_settled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_payment_transitions, setup, teardown),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
