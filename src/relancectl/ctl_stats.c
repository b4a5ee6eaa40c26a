/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_stats.c - `relancectl stats [--now YYYY-MM-DD] [--json]`: the book
 * as a whole, per currency (store_stats.h gives every rule): the open
 * balance by age since the due date, by the last ladder step sent and by
 * status, what was recovered after each step, and the DSO.
 */
#include <stdio.h>
#include <string.h>

#include "core/money.h"
#include "lib/json.h"
#include "relancectl/ctl.h"
#include "store/store_stats.h"

/* The configured name of step `level`, "" for 0 or a step not configured. */
static const char *step_name(const struct ctl_env *env, int level)
{
    if (level < 1 || (size_t)level > env->cfg->steps.count)
        return "";
    return env->cfg->steps.items[level - 1].name;
}

/* The levels worth a line: up to the ladder's length, and any past it that holds something. */
static int last_level(const struct ctl_env *env, const struct book_sum *sums)
{
    int last = (int)env->cfg->steps.count;

    for (int l = last + 1; l <= LADDER_MAX_STEPS; l++)
        if (sums[l].cases > 0)
            last = l;
    return last;
}

static void line(const char *label, const struct book_sum *s)
{
    char amount[MONEY_STR_MAX];

    money_format_decimal(s->cents, amount);
    printf("    %-26s %8zu %14s\n", label, s->cases, amount);
}

static void section(const char *title, const char *counted)
{
    printf("  %-28s %8s %14s\n", title, counted, "amount");
}

static void step_label(const struct ctl_env *env, int level, char *out, size_t size)
{
    if (level == 0)
        str_copy(out, size, "none");
    else
        str_format(out, size, "%d %s", level, step_name(env, level));
}

static void currency_table(const struct ctl_env *env, const struct book_currency *bc)
{
    char label[64], receivables[MONEY_STR_MAX], invoiced[MONEY_STR_MAX], amount[MONEY_STR_MAX];

    money_format_decimal(bc->open.cents, amount);
    printf("%s: open balance %s (%zu %s)\n", bc->currency, amount, bc->open.cases,
           bc->open.cases == 1 ? "case" : "cases");
    section("days past the due date", "cases");
    for (int a = 0; a < BOOK_AGE_COUNT; a++)
        line(book_age_name((enum book_age)a), &bc->by_age[a]);
    section("last ladder step sent", "cases");
    for (int l = 0; l <= last_level(env, bc->by_step); l++) {
        step_label(env, l, label, sizeof label);
        line(label, &bc->by_step[l]);
    }
    section("status (balance owed)", "cases");
    for (int s = 0; s < CASE_STATUS_COUNT; s++)
        line(case_status_name((enum case_status)s), &bc->by_status[s]);
    section("recovered after step", "payments");
    for (int l = 0; l <= last_level(env, bc->recovered); l++) {
        step_label(env, l, label, sizeof label);
        line(l == 0 ? "before any step" : label, &bc->recovered[l]);
    }
    money_format_decimal(bc->receivables, receivables);
    money_format_decimal(bc->invoiced, invoiced);
    if (bc->dso_known)
        printf("  DSO %lld.%lld days = receivables %s / invoiced over %d days %s x %d\n",
               (long long)(bc->dso_tenths / 10), (long long)(bc->dso_tenths % 10), receivables, BOOK_DSO_DAYS,
               invoiced, BOOK_DSO_DAYS);
    else
        printf("  DSO unknown: nothing invoiced over the last %d days (receivables %s)\n", BOOK_DSO_DAYS,
               receivables);
}

static void sum_json(struct json *j, const char *key, const struct book_sum *s, const char *count_key)
{
    char amount[MONEY_STR_MAX];

    money_format_decimal(s->cents, amount);
    if (key)
        json_key(j, key);
    json_object_begin(j);
    json_kv_int(j, count_key, (long long)s->cases);
    json_kv_string(j, "amount", amount);
}

static void steps_json(struct json *j, const struct ctl_env *env, const char *key, const struct book_sum *sums,
                       const char *count_key)
{
    json_key(j, key);
    json_array_begin(j);
    for (int l = 0; l <= last_level(env, sums); l++) {
        sum_json(j, NULL, &sums[l], count_key);
        json_kv_int(j, "step", l);
        json_kv_string_or_null(j, "name", step_name(env, l));
        json_object_end(j);
    }
    json_array_end(j);
}

static void currency_json(struct json *j, const struct ctl_env *env, const struct book_currency *bc)
{
    char amount[MONEY_STR_MAX];

    json_object_begin(j);
    json_kv_string(j, "currency", bc->currency);
    sum_json(j, "open", &bc->open, "cases");
    json_object_end(j);
    json_key(j, "by_age");
    json_object_begin(j);
    for (int a = 0; a < BOOK_AGE_COUNT; a++) {
        sum_json(j, book_age_name((enum book_age)a), &bc->by_age[a], "cases");
        json_object_end(j);
    }
    json_object_end(j);
    steps_json(j, env, "by_step", bc->by_step, "cases");
    json_key(j, "by_status");
    json_object_begin(j);
    for (int s = 0; s < CASE_STATUS_COUNT; s++) {
        sum_json(j, case_status_name((enum case_status)s), &bc->by_status[s], "cases");
        json_object_end(j);
    }
    json_object_end(j);
    steps_json(j, env, "recovered_after_step", bc->recovered, "payments");
    json_key(j, "dso");
    json_object_begin(j);
    json_kv_int(j, "period_days", BOOK_DSO_DAYS);
    money_format_decimal(bc->receivables, amount);
    json_kv_string(j, "receivables", amount);
    money_format_decimal(bc->invoiced, amount);
    json_kv_string(j, "invoiced", amount);
    json_key(j, "days");
    if (bc->dso_known) {
        char days[32];

        str_format(days, sizeof days, "%lld.%lld", (long long)(bc->dso_tenths / 10),
                   (long long)(bc->dso_tenths % 10));
        json_raw(j, days);
    } else
        json_null(j);
    json_object_end(j);
    json_object_end(j);
}

static void book_json(const struct ctl_env *env, const struct book *b)
{
    char today[DATE_STR_MAX];
    struct strbuf sb;
    struct json j;

    date_format(b->today, today);
    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_object_begin(&j);
    json_kv_string(&j, "today", today);
    json_key(&j, "currencies");
    json_array_begin(&j);
    for (size_t i = 0; i < b->count; i++)
        currency_json(&j, env, &b->items[i]);
    json_array_end(&j);
    json_kv_int(&j, "cases_in_other_currencies", (long long)b->other_currencies);
    json_object_end(&j);
    ctl_print_json(&sb);
    strbuf_free(&sb);
}

int ctl_stats(struct ctl_env *env, int argc, char **argv)
{
    struct date today;
    struct book book;
    struct store *st;
    char day[DATE_STR_MAX];

    if (argc == 3 && strcmp(argv[1], "--now") == 0) {
        if (!date_parse(argv[2], &today))
            return ctl_usage_error("stats: --now wants YYYY-MM-DD");
    } else if (argc != 1) {
        return ctl_usage_error("usage: stats [--now YYYY-MM-DD] [--json]");
    }
    if ((st = ctl_open_store(env)) == NULL)
        return 1;
    if (argc == 1)
        today = ctl_today(env);
    if (store_book(st, today, &book) != STORE_OK) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        store_close(st);
        return 1;
    }
    store_close(st);
    if (env->json) {
        book_json(env, &book);
        return 0;
    }
    date_format(book.today, day);
    printf("the book on %s\n", day);
    if (book.count == 0)
        printf("no invoice\n");
    for (size_t i = 0; i < book.count; i++)
        currency_table(env, &book.items[i]);
    if (book.other_currencies)
        printf("%zu cases in further currencies not shown\n", book.other_currencies);
    return 0;
}
