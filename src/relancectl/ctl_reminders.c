/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_reminders.c - the operator's reminder commands:
 *
 *   run-due [--now YYYY-MM-DD[THH:MM]]   the due work now, or as at a moment
 *   preview NUMBER [--step N] [--html] [--now ...]   what a step would say
 *   reminders [--held | --state STATE]   reminders and their states
 *   release ID --sent | --retry          settle a held reminder
 *   pay NUMBER [AMOUNT] [--on DATE]      record a payment (whole balance by default)
 *   debtor EMAIL [--kind business|consumer] [--language fr|en] [--address 'L1|L2|CP VILLE']
 *
 * Each prints a table for people or JSON (--json) for scripts.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/calendar.h"
#include "core/money.h"
#include "relancectl/ctl.h"
#include "remind/ladder_choice.h"
#include "store/store_tasks.h"
#include "remind/scheduler.h"

/* ---- shared ---- */

/* "YYYY-MM-DD[THH:MM]" in Timezone; a date alone means the window's
 * opening minute. */
static bool parse_now(const struct config *cfg, const char *text, time_t *out)
{
    struct local_moment m;

    if (!calendar_parse_moment(text, cfg->send_hours.start, &m)) {
        fprintf(stderr, "relancectl: --now: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got '%s'\n", text);
        return false;
    }
    *out = calendar_zone_instant(cfg->timezone, m);
    return *out != (time_t)-1;
}

/* ---- run-due ---- */

static void print_report(const struct ctl_env *env, const struct scheduler_report *r)
{
    struct strbuf sb;
    struct json j;

    if (!env->json) {
        printf("sent %d, dry runs %d, held %d, failed %d, settled after an interruption %d, skipped %d,"
               " pauses ended %d, notices about replies sent %d, tasks created %d, tasks timed out %d\n",
               r->sent, r->dry_runs, r->held, r->failed, r->recovered, r->skipped, r->resumed, r->notices,
               r->tasks, r->tasks_timed_out);
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_object_begin(&j);
    json_kv_int(&j, "sent", r->sent);
    json_kv_int(&j, "dry_runs", r->dry_runs);
    json_kv_int(&j, "held", r->held);
    json_kv_int(&j, "failed", r->failed);
    json_kv_int(&j, "recovered", r->recovered);
    json_kv_int(&j, "skipped", r->skipped);
    json_kv_int(&j, "resumed", r->resumed);
    json_kv_int(&j, "notices", r->notices);
    json_kv_int(&j, "tasks", r->tasks);
    json_kv_int(&j, "tasks_timed_out", r->tasks_timed_out);
    json_object_end(&j);
    ctl_print_json(&sb);
    strbuf_free(&sb);
}

int ctl_run_due(struct ctl_env *env, int argc, char **argv)
{
    struct scheduler_report report;
    struct scheduler_run run;
    struct audit_key key;
    const char *now_text = NULL;
    struct store *st;
    bool ok;

    if (argc == 3 && strcmp(argv[1], "--now") == 0)
        now_text = argv[2];
    else if (argc != 1)
        return ctl_usage_error("usage: run-due [--now YYYY-MM-DD[THH:MM]]");
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    run.cfg = env->cfg;
    run.key = &key;
    run.st = st;
    run.actor = "run-due";
    run.moment = time(NULL);
    if (now_text && !parse_now(env->cfg, now_text, &run.moment)) {
        ctl_close_all(st, &key);
        return 2;
    }
    ok = scheduler_run_due(&run, &report);
    print_report(env, &report);
    ctl_close_all(st, &key);
    return ok ? 0 : 1;
}

/* ---- preview ---- */

struct preview_args {
    const char *number, *seller, *now;
    int step;
    bool html;
};

static int parse_preview_args(int argc, char **argv, struct preview_args *a)
{
    static const struct option opts[] = {{"step", required_argument, NULL, 's'},
                                         {"seller", required_argument, NULL, 'S'},
                                         {"now", required_argument, NULL, 'n'},
                                         {"html", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch;

    memset(a, 0, sizeof *a);
    a->step = -1;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        if (ch == 's') {
            a->step = (int)strtol(optarg, &end, 10);
            if (*end != '\0' || a->step < 0 || a->step > LADDER_MAX_STEPS)
                return -1;
        } else if (ch == 'S') {
            a->seller = optarg;
        } else if (ch == 'n') {
            a->now = optarg;
        } else if (ch == 'h') {
            a->html = true;
        } else {
            return -1;
        }
    }
    if (optind != argc - 1)
        return -1;
    a->number = argv[optind];
    return 0;
}

static void print_preview(const struct ctl_env *env, const struct preview *p, const struct ladder_choice *ch,
                          bool html)
{
    struct strbuf sb;
    struct json j;

    if (!env->json) {
        /* Which ladder, only where there is a choice: a single ladder's
         * preview stays the mail alone. */
        if (ladder_choice_configured(env->cfg))
            printf("Ladder: %s: %s\n", ch->name, ch->why);
        printf("From: %s\nTo: %s\nSubject: %s\n\n%s", p->from, p->to, p->subject, html ? p->html : p->text);
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_object_begin(&j);
    json_kv_string(&j, "from", p->from);
    json_kv_string(&j, "to", p->to);
    json_kv_string(&j, "subject", p->subject);
    json_kv_string(&j, "text", p->text);
    json_kv_string(&j, "html", p->html);
    json_kv_string(&j, "ladder", ch->name);
    json_kv_string(&j, "ladder_why", ch->why);
    json_object_end(&j);
    ctl_print_json(&sb);
    strbuf_free(&sb);
}

int ctl_preview(struct ctl_env *env, int argc, char **argv)
{
    struct preview_args a;
    struct scheduler_run run;
    struct preview p;
    struct case_row c;
    struct audit_key key;
    struct store *st;
    char why[300];
    int rc = 1;

    if (parse_preview_args(argc, argv, &a) != 0)
        return ctl_usage_error("usage: preview NUMBER [--step N] [--seller NAME] [--html] [--now DATE]");
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    run = (struct scheduler_run){env->cfg, &key, st, time(NULL), "preview"};
    if (a.now && !parse_now(env->cfg, a.now, &run.moment)) {
        ctl_close_all(st, &key);
        return 2;
    }
    if (ctl_find_case(st, a.number, a.seller, &c)) {
        struct ladder_choice ch;
        if (!ladder_choose(env->cfg, st, &c, &ch)) {
            fprintf(stderr, "relancectl: %s: %s\n", a.number, store_last_error(st));
        } else if (scheduler_preview(&run, c.id, a.step, &p, why, sizeof why)) {
            print_preview(env, &p, &ch, a.html);
            preview_free(&p);
            rc = 0;
        } else {
            fprintf(stderr, "relancectl: %s: %s\n", a.number, why);
        }
    }
    ctl_close_all(st, &key);
    return rc;
}

/* ---- reminders ---- */

/* Columns sized to their content, long ones cut with an ellipsis. */
#define NAME_CAP 22
#define TO_CAP 40

static void reminders_table(const struct reminder_list *list)
{
    char name[CTL_CELL_SIZE(NAME_CAP)], to[CTL_CELL_SIZE(TO_CAP)];
    size_t name_w = 4, to_w = 2;

    for (size_t i = 0; i < list->count; i++) {
        ctl_fit(&name_w, list->items[i].step_name, NAME_CAP);
        ctl_fit(&to_w, list->items[i].recipient, TO_CAP);
    }
    printf("%5s %-8s %-4s %s %-20s %s %s\n", "ID", "STATE", "STEP", ctl_cell(name, sizeof name, "NAME", name_w),
           "SENT AT", ctl_cell(to, sizeof to, "TO", to_w), "INVOICES");
    for (size_t i = 0; i < list->count; i++) {
        const struct reminder_row *r = &list->items[i];
        printf("%5lld %-8s %-4d %s %-20s %s %s\n", (long long)r->id, reminder_state_name(r->state), r->step,
               ctl_cell(name, sizeof name, r->step_name, name_w), r->sent_at[0] ? r->sent_at : "-",
               ctl_cell(to, sizeof to, r->recipient, to_w), r->numbers[0] ? r->numbers : "-");
        if (r->error[0])
            printf("      %s\n", r->error);
    }
}

void ctl_json_reminder(struct json *j, const struct reminder_row *r)
{
    json_object_begin(j);
    json_kv_int(j, "id", r->id);
    json_kv_string(j, "state", reminder_state_name(r->state));
    json_kv_int(j, "step", r->step);
    json_kv_string(j, "step_name", r->step_name);
    json_kv_string(j, "debtor_email", r->debtor_email);
    json_kv_string(j, "recipient", r->recipient);
    json_kv_string(j, "sender", r->sender);
    json_kv_string(j, "message_id", r->message_id);
    json_kv_string(j, "token", r->token);
    json_kv_string(j, "created_at", r->created_at);
    json_kv_string_or_null(j, "sent_at", r->sent_at);
    json_kv_string_or_null(j, "mta_seen_at", r->mta_seen_at);
    json_kv_string_or_null(j, "error", r->error);
    json_kv_string(j, "invoices", r->numbers);
    json_object_end(j);
}

static void reminders_json(const struct reminder_list *list)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_array_begin(&j);
    for (size_t i = 0; i < list->count; i++)
        ctl_json_reminder(&j, &list->items[i]);
    json_array_end(&j);
    ctl_print_json(&sb);
    strbuf_free(&sb);
}

int ctl_reminders(struct ctl_env *env, int argc, char **argv)
{
    enum reminder_state state = REMINDER_HELD;
    bool filtered = true;
    struct reminder_list list;
    struct store *st;

    if (argc == 1)
        filtered = false;
    else if (argc == 2 && strcmp(argv[1], "--held") == 0)
        state = REMINDER_HELD;
    else if (argc != 3 || strcmp(argv[1], "--state") != 0)
        return ctl_usage_error("usage: reminders [--held | --state pending|sent|held|failed|dry-run]");
    else if (!reminder_state_parse(argv[2], &state))
        return ctl_usage_error("unknown state '%s'", argv[2]);
    if ((st = ctl_open_store(env)) == NULL)
        return 1;
    if (store_list_reminders(st, filtered ? &state : NULL, 0, &list) != STORE_OK) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        store_close(st);
        return 1;
    }
    if (env->json)
        reminders_json(&list);
    else
        reminders_table(&list);
    reminder_list_free(&list);
    store_close(st);
    return 0;
}

/* ---- release ---- */

/* A held reminder's step, found by name in whichever ladder has it. */
static bool release_is_court(const struct config *cfg, const struct reminder_row *r)
{
    const struct ladder_step *s = ladder_step_named(cfg, r->step_name);

    if (s != NULL)
        return s->action == LADDER_COURT;
    return r->step >= 1 && (size_t)r->step <= cfg->steps.count && cfg->steps.items[r->step - 1].action == LADDER_COURT;
}

int ctl_release(struct ctl_env *env, int argc, char **argv)
{
    struct reminder_row r;
    struct audit_key key;
    struct store *st;
    enum store_result res;
    bool sent;
    char *end;
    long long id;

    if (argc != 3 || (strcmp(argv[2], "--sent") != 0 && strcmp(argv[2], "--retry") != 0))
        return ctl_usage_error("usage: release REMINDER-ID --sent|--retry");
    id = strtoll(argv[1], &end, 10);
    if (*end != '\0' || id <= 0)
        return ctl_usage_error("release: REMINDER-ID is a number (see relancectl reminders --held)");
    sent = strcmp(argv[2], "--sent") == 0;
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    res = store_get_reminder(st, id, &r);
    if (res == STORE_OK && r.state != REMINDER_HELD) {
        fprintf(stderr, "relancectl: reminder %lld is %s, not held\n", id, reminder_state_name(r.state));
        ctl_close_all(st, &key);
        return 1;
    }
    if (res == STORE_OK && sent)
        res = store_reminder_sent(st, &key, id,
                                  release_is_court(env->cfg, &r),
                                  "operator", "released by the operator: it went out");
    else if (res == STORE_OK)
        res = store_reminder_failed(st, &key, id, "operator",
                                    "released by the operator: it did not go out; the step may be sent again");
    if (res != STORE_OK)
        fprintf(stderr, "relancectl: reminder %lld: %s\n", id,
                res == STORE_NOT_FOUND ? "no such reminder" : store_last_error(st));
    else
        printf("reminder %lld recorded as %s\n", id, sent ? "sent" : "not sent (its step will be sent again)");
    ctl_close_all(st, &key);
    return res == STORE_OK ? 0 : 1;
}

/* ---- pay ---- */

int ctl_pay(struct ctl_env *env, int argc, char **argv)
{
    static const struct option opts[] = {{"on", required_argument, NULL, 'o'},
                                         {"seller", required_argument, NULL, 'S'},
                                         {NULL, 0, NULL, 0}};
    const char *seller = NULL, *number;
    struct date paid_on = {0, 0, 0};
    struct audit_key key;
    struct case_row c;
    struct store *st;
    int64_t amount = 0, balance = 0;
    char text[MONEY_STR_MAX];
    int ch, rc = 1;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'o' && !date_parse(optarg, &paid_on))
            return ctl_usage_error("pay: --on expects YYYY-MM-DD");
        if (ch == 'S')
            seller = optarg;
        if (ch == '?')
            return ctl_usage_error("usage: pay NUMBER [AMOUNT] [--on YYYY-MM-DD] [--seller NAME]");
    }
    if (optind >= argc || argc - optind > 2)
        return ctl_usage_error("usage: pay NUMBER [AMOUNT] [--on YYYY-MM-DD] [--seller NAME]");
    number = argv[optind];
    if (argc - optind == 2 && (!money_parse_decimal(argv[optind + 1], &amount) || amount <= 0))
        return ctl_usage_error("pay: AMOUNT is a positive amount such as 120.50");
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    if (!date_is_set(paid_on))
        paid_on = ctl_today(env);
    if (ctl_find_case(st, number, seller, &c)) {
        if (amount == 0)
            amount = c.balance;
        if (amount <= 0) {
            fprintf(stderr, "relancectl: %s: nothing is owed\n", number);
        } else if (store_record_payment(st, &key, c.id, amount, paid_on, "operator", "operator", &balance) !=
                   STORE_OK) {
            fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        } else {
            money_format_decimal(balance, text);
            printf("%s: payment recorded, %s %s left%s\n", number, text, c.inv.currency,
                   balance <= 0 ? " (paid)" : "");
            rc = 0;
        }
    }
    ctl_close_all(st, &key);
    return rc;
}

/* ---- debtor ---- */

int ctl_debtor(struct ctl_env *env, int argc, char **argv)
{
    static const char usage[] =
        "usage: debtor EMAIL [--kind business|consumer] [--language fr|en] [--address 'LINE|LINE|POSTCODE CITY']"
        " [--deliverable] [--profile forgetful|late|bad|trusted|none] [--phone NUMBER]";
    static const struct option opts[] = {{"kind", required_argument, NULL, 'k'},
                                         {"profile", required_argument, NULL, 'P'},
                                         {"phone", required_argument, NULL, 'T'},
                                         {"language", required_argument, NULL, 'l'},
                                         {"address", required_argument, NULL, 'a'},
                                         {"deliverable", no_argument, NULL, 'd'},
                                         {"insolvent", no_argument, NULL, 'I'},
                                         {"since", required_argument, NULL, 's'},
                                         {"representative", required_argument, NULL, 'r'},
                                         {"proceeding", required_argument, NULL, 'p'},
                                         {NULL, 0, NULL, 0}};
    struct ctl_insolvent_args ins = {false, {0, 0, 0}, NULL, NULL};
    const char *kind = NULL, *language = NULL, *address_text = NULL, *profile_text = NULL, *phone = NULL;
    enum debtor_profile profile = PROFILE_NONE;
    bool deliverable = false, was_marked = false;
    char address[POSTAL_TEXT_MAX], why[200];
    struct audit_key key;
    struct store *st;
    enum language lang;
    int ch, rc = 0;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'k')
            kind = optarg;
        else if (ch == 'l')
            language = optarg;
        else if (ch == 'P')
            profile_text = optarg;
        else if (ch == 'T')
            phone = optarg;
        else if (ch == 'a')
            address_text = optarg;
        else if (ch == 'd')
            deliverable = true;
        else if (ch == 'I')
            ins.insolvent = true;
        else if (ch == 's' && date_parse(optarg, &ins.since))
            continue;
        else if (ch == 'r')
            ins.representative = optarg;
        else if (ch == 'p')
            ins.proceeding = optarg;
        else
            return ctl_usage_error("%s", usage);
    }
    if (ins.insolvent || date_is_set(ins.since) || ins.representative || ins.proceeding) {
        if (!ins.insolvent || kind || language || address_text || deliverable || profile_text || optind != argc - 1)
            return ctl_usage_error("%s", CTL_INSOLVENT_USAGE);
        return ctl_debtor_insolvent(env, argv[optind], &ins);
    }
    if (optind != argc - 1 || (kind == NULL && language == NULL && address_text == NULL && !deliverable &&
                               profile_text == NULL && phone == NULL))
        return ctl_usage_error("%s", usage);
    if (profile_text && !debtor_profile_parse(profile_text, &profile))
        return ctl_usage_error("debtor: --profile is forgetful, late, bad, trusted or none");
    if (phone && phone[0] && (strlen(phone) >= 48 || !invoice_phone_plausible(phone)))
        return ctl_usage_error("debtor: --phone is a telephone number (digits, '+', spaces, '-', '.'); '' clears it");
    if (kind && strcmp(kind, "business") != 0 && strcmp(kind, "consumer") != 0)
        return ctl_usage_error("debtor: --kind is business or consumer");
    if (language && !language_parse(language, &lang))
        return ctl_usage_error("debtor: --language is fr or en");
    if (address_text && !postal_address_parse(address_text, address, sizeof address, why, sizeof why))
        return ctl_usage_error("debtor: --address: %s (lines separated by '|' or new lines)", why);
    if (!str_is_email(argv[optind]))
        return ctl_usage_error("debtor: '%s' is not an address", argv[optind]);
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    if ((kind || language) && store_set_debtor_profile(st, &key, argv[optind], kind, language, "operator") != STORE_OK)
        rc = 1;
    if (rc == 0 && profile_text) {
        enum store_result r = store_set_debtor_payer_profile(st, &key, argv[optind], debtor_profile_name(profile),
                                                             "operator");
        if (r == STORE_NOT_FOUND) {
            fprintf(stderr, "relancectl: no debtor %s\n", argv[optind]);
            ctl_close_all(st, &key);
            return 1;
        }
        rc = r == STORE_OK ? 0 : 1;
    }
    if (rc == 0 && address_text && store_set_debtor_address(st, &key, argv[optind], address, "operator") != STORE_OK)
        rc = 1;
    if (rc == 0 && phone && store_set_debtor_phone(st, &key, argv[optind], phone, "operator") != STORE_OK)
        rc = 1;
    if (rc == 0 && deliverable) {
        enum store_result r = store_set_debtor_deliverable(st, &key, argv[optind], "operator", &was_marked);

        if (r == STORE_NOT_FOUND) {
            fprintf(stderr, "relancectl: no debtor %s\n", argv[optind]);
            ctl_close_all(st, &key);
            return 1;
        }
        rc = r == STORE_OK ? 0 : 1;
    }
    if (rc != 0)
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
    else
        printf("debtor %s:%s%s%s%s%s%s%s%s%s%s%s%s\n", argv[optind], kind ? " kind " : "", kind ? kind : "",
               kind ? " (source operator)" : "", language ? " language " : "", language ? language : "",
               address_text ? " postal address recorded (held letters are written at the next run)" : "",
               phone ? " phone " : "", phone ? (phone[0] ? phone : "cleared") : "",
               !deliverable ? "" : was_marked ? " deliverable again (e-mail steps resume)" : " was not marked undeliverable",
               profile_text ? " profile " : "", profile_text ? debtor_profile_name(profile) : "",
               !profile_text ? "" : profile == PROFILE_NONE ? " (computed from history from now on)" : " (set by the operator)");
    ctl_close_all(st, &key);
    return rc;
}
