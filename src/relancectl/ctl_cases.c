/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_cases.c - `relancectl list` and `relancectl show`: who owes what,
 * and one case with its history, its reminders (held ones included, so
 * that nothing waiting for the operator goes unnoticed), the debtor's
 * replies and the pause it is under.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "relancectl/ctl.h"
#include "remind/ladder_choice.h"

/* The debtor's profile as it stands; on a database error, none (said). */
static void debtor_profile_of(const struct ctl_env *env, struct store *st, const struct case_row *c,
                              struct profile_verdict *v)
{
    /* A profile only chooses a ladder: without Ladder or LadderFor lines
     * it changes nothing, and reading every debtor's history for each row
     * would make a large book's list six times slower (show still says it). */
    if (!ladder_choice_configured(env->cfg)) {
        v->profile = PROFILE_NONE;
        v->set_by_operator = false;
        str_copy(v->why, sizeof v->why, "not read: no ladders configured");
        return;
    }
    if (!ladder_debtor_profile(env->cfg, st, c, v)) {
        v->profile = PROFILE_NONE;
        v->set_by_operator = false;
        str_format(v->why, sizeof v->why, "not computed: %s", store_last_error(st));
    }
}

static void json_profile(struct json *j, const struct profile_verdict *v)
{
    json_kv_string(j, "profile", debtor_profile_name(v->profile));
    json_kv_string(j, "profile_fr", debtor_profile_french(v->profile));
    json_kv_string(j, "profile_source", v->set_by_operator ? "operator" : "computed");
    json_kv_string(j, "profile_why", v->why);
}

/* A list is printed as the rows come, one case in memory at a time:
 * the whole book never is. */
struct list_out {
    const struct ctl_env *env;
    struct store *st; /* the debtor's profile is read per row */
    bool by_kind;
    enum debtor_kind kind;
    size_t read, printed;
    int64_t last_id; /* of the last case read: where the next page starts */
};

static void list_table_header(void)
{
    printf("%-20s %-11s %-10s %12s %-3s %-9s %3s  %s  %s\n", "NUMBER", "TYPE", "DUE", "BALANCE", "CUR",
           "STATUS", "LVL", "DEBTOR", "PROFILE");
}

static void list_table_row(const struct list_out *o, const struct case_row *c)
{
    char due[DATE_STR_MAX], balance[MONEY_STR_MAX];
    struct profile_verdict v;

    debtor_profile_of(o->env, o->st, c, &v);
    date_format(c->inv.due_date, due);
    money_format_decimal(c->balance, balance);
    printf("%-20s %-11s %-10s %12s %-3s %-9s %3d  %s  %s (%s)\n", c->inv.number, invoice_type_name(c->inv.type),
           due[0] ? due : "-", balance, c->inv.currency, case_status_name(c->status), c->level,
           c->debtor_email[0] ? c->debtor_email : "-", debtor_profile_name(v.profile), v.why);
}

static void list_json_row(const struct list_out *o, const struct case_row *c)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_object_begin(&j);
    ctl_json_case_fields(&j, c);
    ctl_json_debtor_kind(&j, o->env, c);
    {
        struct profile_verdict v;
        debtor_profile_of(o->env, o->st, c, &v);
        json_profile(&j, &v);
        json_kv_string(&j, "ladder", c->ladder[0] ? c->ladder : LADDER_DEFAULT_NAME);
    }
    json_object_end(&j);
    fputs(o->printed ? ",\n" : "\n", stdout);
    fwrite(sb.data, 1, sb.len, stdout);
    strbuf_free(&sb);
}

/* Cases without a debtor have nobody to settle: --kind leaves them out.
 * --kind is decided here (the configured default applies), after the
 * page: a page of --limit N may print fewer than N. */
static bool list_row(const struct case_row *c, void *arg)
{
    struct list_out *o = arg;

    o->last_id = c->id;
    o->read++;
    if (o->by_kind && (c->debtor_id <= 0 || ctl_debtor_kind(o->env, c) != o->kind))
        return true;
    if (o->env->json)
        list_json_row(o, c);
    else
        list_table_row(o, c);
    o->printed++;
    return true;
}

/* Held reminders wait for a decision: say so under the table. */
static void print_held_hint(struct store *st)
{
    static const enum reminder_state state = REMINDER_HELD;
    struct reminder_list held;

    if (store_list_reminders(st, &state, 0, &held) != STORE_OK)
        return;
    if (held.count > 0)
        printf("\n%zu reminder(s) held for the operator: relancectl reminders --held\n", held.count);
    reminder_list_free(&held);
}

int ctl_list(struct ctl_env *env, int argc, char **argv)
{
    static const char usage[] = "usage: list [--kind unknown|business|consumer] [--status STATUS] [--after ID]"
                                " [--limit N] [--json]";
    static const struct option opts[] = {{"kind", required_argument, NULL, 'k'},
                                         {"status", required_argument, NULL, 's'},
                                         {"after", required_argument, NULL, 'a'},
                                         {"limit", required_argument, NULL, 'l'},
                                         {NULL, 0, NULL, 0}};
    struct list_out out = {env, NULL, false, DEBTOR_KIND_UNKNOWN, 0, 0, 0};
    enum case_status status = CASE_OPEN;
    struct case_page page = {0, 0, NULL};
    struct store *st;
    enum store_result r;
    char *end;
    int ch;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'k' && !debtor_kind_parse(optarg, &out.kind))
            return ctl_usage_error("list: --kind is unknown, business or consumer");
        if (ch == 's' && !case_status_parse(optarg, &status))
            return ctl_usage_error("list: --status is open, paid, paused, disputed, cancelled, closed, court, review"
                                   " or insolvent");
        if (ch == 'a' && ((page.after_id = strtoll(optarg, &end, 10)) < 0 || *end || end == optarg))
            return ctl_usage_error("list: --after is a case id (the \"id\" of list --json)");
        if (ch == 'l' && ((long long)(page.limit = strtoull(optarg, &end, 10)) <= 0 || *end || *optarg == '-'))
            return ctl_usage_error("list: --limit is a number of cases, at least 1");
        if (ch == '?')
            return ctl_usage_error("%s", usage);
        out.by_kind |= ch == 'k';
        if (ch == 's')
            page.status = &status;
    }
    if (optind != argc)
        return ctl_usage_error("%s", usage);
    if ((st = ctl_open_store(env)) == NULL)
        return 1;
    out.st = st;
    if (env->json)
        fputs("[", stdout);
    else
        list_table_header();
    r = store_each_case(st, &page, list_row, &out);
    if (env->json)
        fputs(out.printed ? "\n]\n" : "]\n", stdout);
    if (r != STORE_OK) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        store_close(st);
        return 1;
    }
    if (!env->json) {
        if (page.limit > 0 && out.read == page.limit)
            printf("\nnext page: relancectl list --after %lld --limit %zu\n", (long long)out.last_id, page.limit);
        print_held_hint(st);
    }
    store_close(st);
    return 0;
}

static void show_reminders_table(const struct reminder_list *reminders)
{
    printf("reminders:\n");
    for (size_t i = reminders->count; i-- > 0;) {
        const struct reminder_row *r = &reminders->items[i];
        printf("  #%lld  step %d %-22s %-8s %s  to <%s>%s%s\n", (long long)r->id, r->step, r->step_name,
               reminder_state_name(r->state), r->sent_at[0] ? r->sent_at : "-", r->recipient,
               r->error[0] ? "  " : "", r->error);
    }
}

/* A pause says until when and why: the operator sees when reminders
 * start again by themselves. */
static void show_status(const struct case_row *c)
{
    if (c->status == CASE_REVIEW)
        printf("status:       review until %s: a reply waits for your reading (relancectl resolve %s"
               " --dispute | --promise YYYY-MM-DD | --paid | --resume | --cancel) (level %d)\n",
               c->paused_until, c->inv.number, c->level);
    else if (c->status != CASE_PAUSED)
        printf("status:       %s (level %d)\n", case_status_name(c->status), c->level);
    else
        printf("status:       paused %s%s (%s) (level %d)\n", c->paused_until[0] ? "until " : "without end",
               c->paused_until, c->pause_reason[0] ? c->pause_reason : "no reason recorded", c->level);
}

static void show_replies_table(const struct reply_list *replies)
{
    printf("replies:\n");
    ctl_replies_table(replies, true);
}

/* "business (invoice: SIRET ... on invoice F-1)", "unknown (DefaultDebtorKind)". */
static void show_kind(const struct ctl_env *env, const struct case_row *c)
{
    const char *source = ctl_debtor_kind_source(c);

    printf("debtor kind:  %s (%s%s%s)\n", debtor_kind_name(ctl_debtor_kind(env, c)),
           strcmp(source, "default") == 0 ? "default: DefaultDebtorKind" : source,
           c->debtor_kind_evidence[0] ? ": " : "", c->debtor_kind_evidence);
}

/* "profile:  bad / mauvais payeur (set by the operator)" and the ladder. */
static void show_ladder(const struct ladder_choice *ch)
{
    printf("profile:      %s / %s (%s)\n", debtor_profile_name(ch->profile.profile),
           debtor_profile_french(ch->profile.profile), ch->profile.why);
    printf("ladder:       %s%s (%s)\n", ch->name, ch->recorded ? "" : ", if its first step were due now", ch->why);
}

static void show_table(const struct ctl_env *env, const struct case_row *c, const struct ladder_choice *ch,
                       const struct event_list *events)
{
    char issue[DATE_STR_MAX], due[DATE_STR_MAX], amount[MONEY_STR_MAX], balance[MONEY_STR_MAX];

    date_format(c->inv.issue_date, issue);
    date_format(c->inv.due_date, due);
    money_format_decimal(c->inv.amount_due, amount);
    money_format_decimal(c->balance, balance);
    printf("number:       %s\n", c->inv.number);
    printf("type:         %s\n", invoice_type_name(c->inv.type));
    printf("seller:       %s\n", c->inv.seller_name);
    printf("debtor:       %s <%s>\n", c->debtor_name[0] ? c->debtor_name : c->inv.buyer_name, c->debtor_email);
    show_kind(env, c);
    show_ladder(ch);
    printf("issue date:   %s\n", issue[0] ? issue : "-");
    printf("due date:     %s\n", due[0] ? due : "-");
    printf("amount due:   %s %s\n", amount, c->inv.currency);
    printf("balance:      %s %s\n", balance, c->inv.currency);
    show_status(c);
    printf("source:       %s, confidence %d (%s)\n", invoice_source_name(c->inv.source), c->inv.confidence,
           c->inv.origin);
    printf("message:      <%s> (queue id %s)\n", c->message_id, c->queue_id);
    printf("history:\n");
    for (size_t i = 0; i < events->count; i++)
        printf("  %s  %-18s %-9s %s\n", events->items[i].at, events->items[i].kind,
               events->items[i].actor, events->items[i].detail);
}

/* What show prints beside the case itself. */
struct case_details {
    struct event_list events;
    struct reminder_list reminders;
    struct reply_list replies; /* newest first */
};

static void show_json(const struct ctl_env *env, const struct case_row *c, const struct ladder_choice *ch,
                      const struct case_details *d)
{
    const struct event_list *events = &d->events;
    const struct reminder_list *reminders = &d->reminders;
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_object_begin(&j);
    ctl_json_case_fields(&j, c);
    ctl_json_debtor_kind(&j, env, c);
    json_profile(&j, &ch->profile);
    json_kv_string(&j, "ladder", ch->name);
    json_kv_bool(&j, "ladder_recorded", ch->recorded);
    json_kv_string(&j, "ladder_why", ch->why);
    json_key(&j, "reminders");
    json_array_begin(&j);
    for (size_t i = reminders->count; i-- > 0;)
        ctl_json_reminder(&j, &reminders->items[i]);
    json_array_end(&j);
    json_key(&j, "replies");
    json_array_begin(&j);
    for (size_t i = 0; i < d->replies.count; i++)
        ctl_json_reply(&j, &d->replies.items[i]);
    json_array_end(&j);
    json_key(&j, "history");
    json_array_begin(&j);
    for (size_t i = 0; i < events->count; i++) {
        json_object_begin(&j);
        json_kv_string(&j, "at", events->items[i].at);
        json_kv_string(&j, "kind", events->items[i].kind);
        json_kv_string(&j, "actor", events->items[i].actor);
        json_key(&j, "detail");
        json_raw(&j, events->items[i].detail);
        json_object_end(&j);
    }
    json_array_end(&j);
    json_object_end(&j);
    ctl_print_json(&sb);
    strbuf_free(&sb);
}

static bool load_details(struct store *st, int64_t case_id, struct case_details *d)
{
    if (store_list_events(st, case_id, &d->events) == STORE_OK &&
        store_list_reminders(st, NULL, case_id, &d->reminders) == STORE_OK &&
        store_list_replies(st, case_id, &d->replies) == STORE_OK)
        return true;
    fprintf(stderr, "relancectl: %s\n", store_last_error(st));
    return false;
}

static void free_details(struct case_details *d)
{
    reply_list_free(&d->replies);
    reminder_list_free(&d->reminders);
    event_list_free(&d->events);
}

int ctl_show(struct ctl_env *env, int argc, char **argv)
{
    const char *seller = NULL;
    struct case_details d;
    struct case_row c;
    struct store *st;
    int rc = 1;

    if (argc == 4 && strcmp(argv[2], "--seller") == 0)
        seller = argv[3];
    else if (argc != 2)
        return ctl_usage_error("usage: show NUMBER [--seller NAME] [--json]");
    if ((st = ctl_open_store(env)) == NULL)
        return 1;
    memset(&d, 0, sizeof d);
    if (ctl_find_case(st, argv[1], seller, &c) && load_details(st, c.id, &d)) {
        struct ladder_choice ch;
        if (!ladder_choose(env->cfg, st, &c, &ch)) {
            memset(&ch, 0, sizeof ch);
            str_copy(ch.name, sizeof ch.name, LADDER_DEFAULT_NAME);
            str_format(ch.why, sizeof ch.why, "not computed: %s", store_last_error(st));
        }
        if (env->json) {
            show_json(env, &c, &ch, &d);
        } else {
            show_table(env, &c, &ch, &d.events);
            show_reminders_table(&d.reminders);
            show_replies_table(&d.replies);
        }
        rc = 0;
    }
    free_details(&d);
    store_close(st);
    return rc;
}
