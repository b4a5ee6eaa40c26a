/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_tasks.c - the steps done by people, for the operator:
 *
 *   tasks [--all] [--json]
 *   task ID --done NOTE [--promise YYYY-MM-DD | --dispute | --paid] [--on YYYY-MM-DD]
 *
 * `tasks` lists what the agency's people have to do (a call, a visit, a
 * letter, a text message): the debtor, the number to call, the invoices
 * and amounts, and how long the task has waited. `task --done` records
 * what the person did and learnt; a verdict has the effect a reply's
 * would (the same transitions, the pause ends computed by
 * ctl_verdict_until as `resolve` computes them). The task's end (--on,
 * default today) is the step's date: the next step waits its interval
 * after it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/calendar.h"
#include "core/money.h"
#include "relancectl/ctl.h"
#include "store/store_tasks.h"

#define ACTOR "operator"

/* ---- tasks ---- */

static int64_t task_total(const struct task_row *t)
{
    int64_t total = 0;

    for (size_t i = 0; i < t->case_count; i++)
        total += t->cases[i].balance;
    return total;
}

static void json_task(struct json *j, const struct task_row *t, struct date today)
{
    char day[DATE_STR_MAX], amount[MONEY_STR_MAX];

    json_object_begin(j);
    json_kv_int(j, "id", t->id);
    json_kv_string(j, "kind", t->kind);
    json_kv_string(j, "state", t->state);
    json_kv_int(j, "step", t->step);
    json_kv_string(j, "step_name", t->step_name);
    json_kv_string(j, "debtor_email", t->debtor_email);
    json_kv_string(j, "debtor_name", t->debtor_name);
    json_kv_string(j, "phone", t->phone);
    json_key(j, "cases");
    json_array_begin(j);
    for (size_t i = 0; i < t->case_count; i++) {
        json_object_begin(j);
        json_kv_string(j, "number", t->cases[i].number);
        money_format_decimal(t->cases[i].balance, amount);
        json_kv_string(j, "balance", amount);
        json_kv_string(j, "currency", t->cases[i].currency);
        json_object_end(j);
    }
    json_array_end(j);
    money_format_decimal(task_total(t), amount);
    json_kv_string(j, "total", amount);
    json_kv_string(j, "created_at", t->created_at);
    date_format(t->created_on, day);
    json_kv_string(j, "created_on", day);
    json_kv_int(j, "age_days", date_diff_days(t->created_on, today));
    date_format(t->timeout_on, day);
    json_kv_string(j, "timeout_on", day);
    json_kv_string(j, "history", t->history);
    json_kv_string(j, "note", t->note);
    json_kv_string(j, "outcome", t->outcome);
    date_format(t->promised, day);
    json_kv_string_or_null(j, "promised", day[0] ? day : NULL);
    json_kv_string_or_null(j, "ended_at", t->ended_at[0] ? t->ended_at : NULL);
    json_object_end(j);
}

static void print_task(const struct task_row *t, struct date today)
{
    char amount[MONEY_TEXT_MAX], day[DATE_STR_MAX];

    money_format_text(task_total(t), t->case_count ? t->cases[0].currency : "EUR", LANG_FR, amount);
    date_format(t->created_on, day);
    printf("#%lld %-6s %s%s%s%s  phone %s  step %d (%s)  since %s (%lld days)  %s\n", (long long)t->id, t->kind,
           t->debtor_email, t->debtor_name[0] ? " (" : "", t->debtor_name, t->debtor_name[0] ? ")" : "",
           t->phone[0] ? t->phone : "unknown", t->step, t->step_name, day,
           (long long)date_diff_days(t->created_on, today),
           t->state);
    for (size_t i = 0; i < t->case_count; i++) {
        money_format_text(t->cases[i].balance, t->cases[i].currency, LANG_FR, amount);
        printf("    %s  %s\n", t->cases[i].number, amount);
    }
    if (t->note[0] || t->outcome[0])
        printf("    done: %s%s%s\n", t->note, t->outcome[0] ? " -> " : "", t->outcome);
}

int ctl_tasks(struct ctl_env *env, int argc, char **argv)
{
    static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    struct task_list tasks;
    struct store *st;
    struct date today;
    bool all = false;
    int ch;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch != 'a')
            return ctl_usage_error("usage: tasks [--all] [--json]");
        all = true;
    }
    if (optind != argc)
        return ctl_usage_error("usage: tasks [--all] [--json]");
    if (ctl_config(env) == NULL || (st = ctl_open_store(env)) == NULL)
        return 1;
    today = ctl_today(env);
    if (store_list_tasks(st, all, &tasks) != STORE_OK) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        store_close(st);
        return 1;
    }
    if (env->json) {
        struct strbuf sb;
        struct json j;

        strbuf_init(&sb);
        json_init(&j, &sb, true);
        json_array_begin(&j);
        for (size_t i = 0; i < tasks.count; i++)
            json_task(&j, &tasks.items[i], today);
        json_array_end(&j);
        ctl_print_json(&sb);
        strbuf_free(&sb);
    } else if (tasks.count == 0) {
        printf("no %stask\n", all ? "" : "open ");
    } else {
        for (size_t i = 0; i < tasks.count; i++)
            print_task(&tasks.items[i], today);
    }
    task_list_free(&tasks);
    store_close(st);
    return 0;
}

/* ---- task ID --done ---- */

#define TASK_USAGE "usage: task ID --done NOTE [--promise YYYY-MM-DD | --dispute | --paid] [--on YYYY-MM-DD]"

struct task_args {
    int64_t id;
    const char *note;
    struct task_done done;
    struct date on; /* the day the person did it; unset: today */
};

static int parse_task_args(int argc, char **argv, struct task_args *a)
{
    static const struct option opts[] = {{"done", required_argument, NULL, 'd'},
                                         {"promise", required_argument, NULL, 'p'},
                                         {"dispute", no_argument, NULL, 'D'},
                                         {"paid", no_argument, NULL, 'P'},
                                         {"on", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    int ch, verdicts = 0;
    char *end;

    memset(a, 0, sizeof *a);
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'd') {
            a->note = optarg;
        } else if (ch == 'p' && date_parse(optarg, &a->done.promised)) {
            a->done.verdict = REVIEW_PROMISE;
            verdicts++;
        } else if (ch == 'D' || ch == 'P') {
            a->done.verdict = ch == 'D' ? REVIEW_DISPUTE : REVIEW_PAID;
            verdicts++;
        } else if (ch != 'o' || !date_parse(optarg, &a->on)) {
            return ctl_usage_error(TASK_USAGE);
        }
    }
    if (optind != argc - 1 || a->note == NULL || verdicts > 1)
        return ctl_usage_error(TASK_USAGE);
    a->id = strtoll(argv[optind], &end, 10);
    if (end == argv[optind] || *end != '\0' || a->id <= 0)
        return ctl_usage_error("task: ID is a task number (relancectl tasks)");
    if (strlen(a->note) > 500)
        return ctl_usage_error("task: the note is at most 500 characters");
    a->done.note = a->note;
    a->done.has_verdict = verdicts == 1;
    return 0;
}

/* The task's end: the day given at local noon, or now. */
static void ended_at(const struct ctl_env *env, struct date on, char out[CALENDAR_UTC_MAX])
{
    struct local_moment m = {on, 12 * 60};
    time_t t = date_is_set(on) ? calendar_zone_instant(env->cfg->timezone, m) : time(NULL);

    calendar_utc_text(t == (time_t)-1 ? time(NULL) : t, out);
}

int ctl_task(struct ctl_env *env, int argc, char **argv)
{
    char at[CALENDAR_UTC_MAX], day[DATE_STR_MAX];
    struct task_args a;
    struct audit_key key;
    struct task_list one;
    struct store *st;
    struct date today;
    size_t changed = 0;
    enum store_result r;
    int rc;

    if ((rc = parse_task_args(argc, argv, &a)) != 0)
        return rc;
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    today = ctl_today(env);
    /* The day the person did it; a day to come would hold the ladder on a
     * task not yet done. */
    if (date_is_set(a.on) && date_compare(a.on, today) > 0) {
        fprintf(stderr, "relancectl: task: --on is the day it was done, not a day to come\n");
        ctl_close_all(st, &key);
        return 1;
    }
    if (date_is_set(a.on))
        today = a.on;
    if (a.done.has_verdict &&
        !ctl_verdict_until(env->cfg, "task", a.done.verdict, a.done.promised, today, &a.done.until)) {
        ctl_close_all(st, &key);
        return 1;
    }
    ended_at(env, a.on, at);
    a.done.ended_at = at;
    r = store_task_mark_done(st, &key, a.id, &a.done, ACTOR, &changed);
    if (r == STORE_NOT_FOUND || r == STORE_CONFLICT) {
        bool known = store_get_task(st, a.id, &one) == STORE_OK;
        fprintf(stderr, "relancectl: task %lld %s%s\n", (long long)a.id, known ? "is already " : "does not exist",
                known ? one.items[0].state : "");
        if (known)
            task_list_free(&one);
        ctl_close_all(st, &key);
        return 1;
    }
    if (r != STORE_OK) {
        fprintf(stderr, "relancectl: task %lld: %s\n", (long long)a.id, store_last_error(st));
        ctl_close_all(st, &key);
        return 1;
    }
    date_format(a.done.until, day);
    printf("task %lld done%s%s%s%s%s; %zu case(s) changed\n", (long long)a.id, a.done.has_verdict ? " (" : "",
           a.done.has_verdict ? review_decision_name(a.done.verdict) : "", day[0] ? " until " : "",
           day[0] ? day : "", a.done.has_verdict ? ")" : "", changed);
    ctl_close_all(st, &key);
    return 0;
}
