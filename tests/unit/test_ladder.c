/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_ladder.c - the escalation ladder: the default steps, the Step
 * syntax, and the state transitions (which step is due on which day).
 *
 * Dates are worked out by hand from the default ladder (DESIGN.md):
 * +1, +15, +30, +45, +55, +65, +80 days after the due date, with at least
 * 0, 7, 7, 10, 7, 7, 10 days after the previous step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/ladder.h"
#include "lib/util.h"

static struct date d(const char *text)
{
    struct date out = {0, 0, 0};
    assert_true(date_parse(text, &out));
    return out;
}

static struct ladder_case case_at(const char *due, int level, const char *last)
{
    struct ladder_case c = {d(due), level, {0, 0, 0}, false, {0, 0, 0}};
    if (last)
        c.last_step = d(last);
    return c;
}

static void test_defaults(void **state)
{
    struct ladder_steps steps;
    static const int delays[] = {1, 15, 30, 45, 55, 65, 80};
    char why[200];

    (void)state;
    ladder_default_steps(&steps);
    assert_int_equal(steps.count, 7);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(steps.items[i].delay, delays[i]);
    assert_true(ladder_check(&steps, why, sizeof why));
    /* Steps 1-3 on the creditor's behalf, 4-7 by the agency. */
    assert_int_equal(steps.items[2].from, LADDER_FROM_CREDITOR);
    assert_int_equal(steps.items[3].from, LADDER_FROM_AGENCY);
    assert_true(steps.items[3].copy);
    assert_false(steps.items[3].letter);
    assert_true(steps.items[4].letter);
    assert_true(steps.items[5].letter);
    assert_int_equal(steps.items[6].action, LADDER_COURT);
    assert_false(steps.items[0].claim);
    assert_true(steps.items[1].claim);
    assert_int_equal(steps.items[0].severity, LADDER_GREEN);
    assert_int_equal(steps.items[1].severity, LADDER_ORANGE);
    assert_int_equal(steps.items[2].severity, LADDER_RED);
}

/* The full climb of an invoice due Friday 30 January 2026, each step sent
 * on the first day it is due. */
static void test_climb(void **state)
{
    struct ladder_steps steps;
    static const struct {
        const char *before, *on; /* last day nothing is due; day step n is due */
    } expected[] = {
        {"2026-01-30", "2026-01-31"}, {"2026-02-13", "2026-02-14"}, {"2026-02-28", "2026-03-01"},
        {"2026-03-15", "2026-03-16"}, {"2026-03-25", "2026-03-26"}, {"2026-04-04", "2026-04-05"},
        {"2026-04-19", "2026-04-20"},
    };
    struct ladder_case c = case_at("2026-01-30", 0, NULL);

    (void)state;
    ladder_default_steps(&steps);
    for (int n = 1; n <= 7; n++) {
        assert_int_equal(ladder_due_step(&steps, 0, &c, d(expected[n - 1].before)), LADDER_NONE);
        assert_int_equal(ladder_due_step(&steps, 0, &c, d(expected[n - 1].on)), n);
        /* Still step n (not n + 1) however late the run. */
        assert_int_equal(ladder_due_step(&steps, 0, &c, d("2027-01-01")), n);
        c.level = n;
        c.last_step = d(expected[n - 1].on);
    }
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2030-01-01")), LADDER_NONE);
}

static void test_interval_after_previous(void **state)
{
    struct ladder_steps steps;
    struct ladder_case c;
    struct date next;

    (void)state;
    ladder_default_steps(&steps);
    /* Step 1 went late (10 Feb): step 2 waits 7 days, until 17 Feb, though
     * due + 15 is 14 Feb. */
    c = case_at("2026-01-30", 1, "2026-02-10");
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-02-16")), LADDER_NONE);
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-02-17")), 2);
    assert_true(ladder_next_step_day(&steps, &c, &next));
    assert_int_equal(date_compare(next, d("2026-02-17")), 0);
    /* An invoice tracked long after its due date starts at step 1 and
     * climbs one step per interval, never skipping. */
    c = case_at("2025-06-30", 0, NULL);
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-03-02")), 1);
    c = case_at("2025-06-30", 1, "2026-03-02");
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-03-08")), LADDER_NONE);
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-03-09")), 2);
    /* A level without the date of its step: nothing is due (fail safe). */
    c = case_at("2026-01-30", 2, NULL);
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2027-01-01")), LADDER_NONE);
    /* No due date, no step. */
    c = case_at("2026-01-30", 0, NULL);
    c.due.year = 0;
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2027-01-01")), LADDER_NONE);
    /* Climbed: no next day. */
    c = case_at("2026-01-30", 7, "2026-04-20");
    assert_false(ladder_next_step_day(&steps, &c, &next));
}

static void test_courtesy(void **state)
{
    struct ladder_steps steps;
    struct ladder_case c = case_at("2026-02-10", 0, NULL);

    (void)state;
    ladder_default_steps(&steps);
    /* Three days before the due date, until the day before it. */
    assert_int_equal(ladder_due_step(&steps, 3, &c, d("2026-02-06")), LADDER_NONE);
    assert_int_equal(ladder_due_step(&steps, 3, &c, d("2026-02-07")), LADDER_COURTESY);
    assert_int_equal(ladder_due_step(&steps, 3, &c, d("2026-02-09")), LADDER_COURTESY);
    assert_int_equal(ladder_due_step(&steps, 3, &c, d("2026-02-10")), LADDER_NONE);
    /* Off by default. */
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-02-08")), LADDER_NONE);
    /* Once sent, not again; and step 1 still follows on its own day. */
    c.courtesy_done = true;
    assert_int_equal(ladder_due_step(&steps, 3, &c, d("2026-02-08")), LADDER_NONE);
    assert_int_equal(ladder_due_step(&steps, 3, &c, d("2026-02-11")), 1);
    /* Missed before the due date: step 1 is not delayed by it. */
    c.courtesy_done = false;
    assert_int_equal(ladder_due_step(&steps, 3, &c, d("2026-02-11")), 1);
}

static void test_parse_step(void **state)
{
    struct ladder_step s;
    struct strbuf sb;
    char why[200];

    (void)state;
    assert_true(ladder_parse_step("relance-2 after=20 interval=5 from=agency severity=orange copy=yes "
                                  "letter=yes claim=no template=custom",
                                  &s, why, sizeof why));
    assert_string_equal(s.name, "relance-2");
    assert_string_equal(s.template_name, "custom");
    assert_int_equal(s.delay, 20);
    assert_int_equal(s.interval, 5);
    assert_int_equal(s.from, LADDER_FROM_AGENCY);
    assert_int_equal(s.severity, LADDER_ORANGE);
    assert_true(s.copy);
    assert_true(s.letter);
    assert_false(s.claim);
    /* Round trip through the writer. */
    strbuf_init(&sb);
    ladder_format_step(&s, &sb);
    {
        struct ladder_step again;
        assert_true(ladder_parse_step(sb.data, &again, why, sizeof why));
        assert_memory_equal(&s, &again, sizeof s);
    }
    strbuf_free(&sb);
    /* Defaults. */
    assert_true(ladder_parse_step("x after=3", &s, why, sizeof why));
    assert_string_equal(s.template_name, "x");
    assert_int_equal(s.from, LADDER_FROM_CREDITOR);
    assert_int_equal(s.action, LADDER_EMAIL);
    assert_true(s.claim);
    assert_false(s.copy);
    /* Refused. */
    assert_false(ladder_parse_step("x", &s, why, sizeof why));             /* no after= */
    assert_false(ladder_parse_step("x after=0", &s, why, sizeof why));     /* not overdue yet */
    assert_false(ladder_parse_step("x after=-3", &s, why, sizeof why));
    assert_false(ladder_parse_step("Rappel after=1", &s, why, sizeof why)); /* upper case */
    assert_false(ladder_parse_step("x after=1 colour=red", &s, why, sizeof why));
    assert_false(ladder_parse_step("x after=1 template=../../etc/passwd", &s, why, sizeof why));
    assert_false(ladder_parse_step("x after=1 copy=maybe", &s, why, sizeof why));
    assert_false(ladder_parse_step("x after=1 interval", &s, why, sizeof why));
    assert_false(ladder_parse_step("", &s, why, sizeof why));
}

static void test_check(void **state)
{
    struct ladder_steps steps;
    char why[200];

    (void)state;
    ladder_default_steps(&steps);
    steps.items[3].delay = 20; /* before step 3's 30 days */
    assert_false(ladder_check(&steps, why, sizeof why));
    ladder_default_steps(&steps);
    steps.items[2].action = LADDER_COURT; /* court before the end */
    assert_false(ladder_check(&steps, why, sizeof why));
    ladder_default_steps(&steps);
    strcpy(steps.items[4].name, "rappel"); /* duplicate name */
    assert_false(ladder_check(&steps, why, sizeof why));
}

/* A step done by people: parsed, written back, checked; it claims
 * nothing, and the step after it counts its interval from the task's end
 * (done, or timed out). */
static void test_task_step(void **state)
{
    struct ladder_steps steps;
    struct ladder_step s, again;
    struct ladder_case c;
    struct strbuf sb;
    struct date day;
    char why[200];

    (void)state;
    assert_true(ladder_parse_step("appel after=10 interval=5 action=task task=call", &s, why, sizeof why));
    assert_int_equal(s.action, LADDER_TASK);
    assert_int_equal(s.task, LADDER_TASK_CALL);
    assert_false(s.claim); /* implied: a call claims no penalty */
    assert_string_equal(ladder_task_kind_name(s.task), "call");
    strbuf_init(&sb);
    ladder_format_step(&s, &sb);
    assert_non_null(strstr(sb.data, "action=task"));
    assert_non_null(strstr(sb.data, "task=call"));
    assert_true(ladder_parse_step(sb.data, &again, why, sizeof why));
    assert_memory_equal(&s, &again, sizeof s);
    strbuf_free(&sb);
    assert_true(ladder_parse_step("visite after=10 action=task task=visit", &s, why, sizeof why));
    assert_int_equal(s.task, LADDER_TASK_VISIT);
    assert_true(ladder_parse_step("l after=10 action=task task=letter", &s, why, sizeof why));
    assert_int_equal(s.task, LADDER_TASK_LETTER);
    assert_true(ladder_parse_step("t after=10 action=TASK task=SMS", &s, why, sizeof why));
    assert_int_equal(s.task, LADDER_TASK_SMS);
    /* Refused: no kind, a kind without action=task, an unknown kind, a
     * copy or a letter of a mail that is never sent. */
    assert_false(ladder_parse_step("x after=10 action=task", &s, why, sizeof why));
    assert_non_null(strstr(why, "task=call|visit|letter|sms"));
    assert_false(ladder_parse_step("x after=10 task=call", &s, why, sizeof why));
    assert_false(ladder_parse_step("x after=10 action=task task=fax", &s, why, sizeof why));
    assert_false(ladder_parse_step("x after=10 action=task task=call copy=yes", &s, why, sizeof why));
    assert_false(ladder_parse_step("x after=10 action=task task=call letter=yes", &s, why, sizeof why));
    /* Never the first step: the debtor first reads a mail. */
    memset(&steps, 0, sizeof steps);
    assert_true(ladder_parse_step("appel after=1 action=task task=call", &steps.items[0], why, sizeof why));
    steps.count = 1;
    assert_false(ladder_check(&steps, why, sizeof why));
    /* rappel after=1, appel after=10 interval=5, mise-en-demeure after=20
     * interval=7; due 30 Jan 2026. */
    memset(&steps, 0, sizeof steps);
    assert_true(ladder_parse_step("rappel after=1", &steps.items[0], why, sizeof why));
    assert_true(ladder_parse_step("appel after=10 interval=5 action=task task=call", &steps.items[1], why,
                                  sizeof why));
    assert_true(ladder_parse_step("mise-en-demeure after=20 interval=7", &steps.items[2], why, sizeof why));
    steps.count = 3;
    assert_true(ladder_check(&steps, why, sizeof why));
    memset(&c, 0, sizeof c);
    c.due = d("2026-01-30");
    c.level = 1;
    c.last_step = d("2026-02-02");
    /* The task: max(30 Jan + 10 = 9 Feb, 2 Feb + 5 = 7 Feb) = 9 Feb. */
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-02-08")), LADDER_NONE);
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-02-09")), 2);
    /* Timed out at the run of 16 Feb (created 9 Feb + TaskTimeoutDays 5 =
     * 14 Feb, a Saturday): max(30 Jan + 20 = 19 Feb, 16 Feb + 7 = 23 Feb). */
    c.level = 2;
    c.last_step = d("2026-02-16");
    assert_true(ladder_next_step_day(&steps, &c, &day));
    assert_int_equal(date_compare(day, d("2026-02-23")), 0);
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-02-22")), LADDER_NONE);
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-02-23")), 3);
    /* Done on 10 Feb: max(19 Feb, 10 + 7 = 17 Feb) = 19 Feb. */
    c.last_step = d("2026-02-10");
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-02-19")), 3);
}

/* The answer to a dispute restarts the ladder: the next step waits its
 * interval after it, as after a step. */
static void test_interval_after_dispute_answer(void **state)
{
    struct ladder_steps steps;
    struct ladder_case c;
    struct date next;

    (void)state;
    ladder_default_steps(&steps);
    /* Step 1 on 31 Jan, disputed, answered on 20 Mar: step 2 (interval 7)
     * was due on 14 Feb; now not before 27 Mar. */
    c = case_at("2026-01-30", 1, "2026-01-31");
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-03-20")), 2);
    c.resumed = d("2026-03-20");
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-03-20")), LADDER_NONE);
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-03-26")), LADDER_NONE);
    assert_int_equal(ladder_due_step(&steps, 0, &c, d("2026-03-27")), 2);
    assert_true(ladder_next_step_day(&steps, &c, &next));
    assert_int_equal(date_compare(next, d("2026-03-27")), 0);
    /* An answer older than the step's own dates changes nothing. */
    c.resumed = d("2026-02-01");
    assert_true(ladder_next_step_day(&steps, &c, &next));
    assert_int_equal(date_compare(next, d("2026-02-14")), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_climb),
        cmocka_unit_test(test_interval_after_previous),
        cmocka_unit_test(test_interval_after_dispute_answer),
        cmocka_unit_test(test_courtesy),
        cmocka_unit_test(test_parse_step),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_task_step),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
