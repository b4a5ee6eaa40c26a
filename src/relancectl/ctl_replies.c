/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_replies.c - the operator's commands about debtors' replies and what
 * they put on hold:
 *
 *   resolve NUMBER --resume | --cancel | --credit AMOUNT [--quiet] [--reason TEXT]
 *                                                          end a dispute (or a pause, a review
 *                                                          or an insolvency); the debtor of a
 *                                                          dispute is told, unless --quiet; an
 *                                                          insolvent case needs --reason (audited)
 *   resolve NUMBER --dispute | --promise YYYY-MM-DD | --paid
 *                                                          what a reply in review said, read
 *                                                          by the operator, with its verdict's
 *                                                          effect
 *   pause NUMBER [--until YYYY-MM-DD]                      hold the ladder by hand
 *   resume NUMBER                                          end a pause (never a dispute)
 *   replies [NUMBER] [--review]                            the replies recorded (of cases in review)
 *
 * Each takes --seller NAME when several sellers have an invoice with that
 * number. A dispute never ends by itself nor by `resume`: the operator
 * says what becomes of the debt with `resolve`. This file does not read
 * replies nor decide what they mean (reply.c and reply_classify.c do).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/money.h"
#include "lib/utf8.h"
#include "relancectl/ctl.h"
#include "replies/resolve_notice.h"

#define ACTOR "operator"
/* Characters of an excerpt shown in a table row. */
#define EXCERPT_COLUMNS 48

/* The status the case has now, for a message after a refusal. */
static const char *current_status(struct store *st, const struct case_row *c, struct case_row *now)
{
    return case_status_name(store_get_case(st, c->id, now) == STORE_OK ? now->status : c->status);
}

/* ---- resolve ---- */

struct resolve_args {
    const char *number, *seller;
    enum case_resolution how;
    int64_t credit; /* cents, RESOLVE_CREDIT */
    bool quiet;     /* end a dispute without a word to the debtor */
    bool decide;    /* --dispute, --promise or --paid: a review's reading */
    enum review_decision decision;
    struct date promised; /* REVIEW_PROMISE */
    const char *reason;   /* why an insolvent case is reopened (required for one) */
};

#define RESOLVE_USAGE                                                                              \
    "usage: resolve NUMBER --resume | --cancel | --credit AMOUNT [--quiet] [--reason TEXT] | --dispute"       \
    " | --promise YYYY-MM-DD | --paid [--seller NAME]"

/* 0, or the exit status of a usage error (already printed). */
static int parse_resolve_args(int argc, char **argv, struct resolve_args *a)
{
    static const struct option opts[] = {{"resume", no_argument, NULL, 'r'},
                                         {"cancel", no_argument, NULL, 'c'},
                                         {"credit", required_argument, NULL, 'C'},
                                         {"seller", required_argument, NULL, 'S'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"dispute", no_argument, NULL, 'd'},
                                         {"promise", required_argument, NULL, 'p'},
                                         {"paid", no_argument, NULL, 'P'},
                                         {"reason", required_argument, NULL, 'R'},
                                         {NULL, 0, NULL, 0}};
    int ch, chosen = 0;

    memset(a, 0, sizeof *a);
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'r' || ch == 'c') {
            a->how = ch == 'r' ? RESOLVE_RESUME : RESOLVE_CANCEL;
            chosen++;
        } else if (ch == 'C') {
            a->how = RESOLVE_CREDIT;
            chosen++;
            if (!money_parse_decimal(optarg, &a->credit) || a->credit <= 0)
                return ctl_usage_error("resolve: --credit is a positive amount such as 120.50");
        } else if (ch == 'S') {
            a->seller = optarg;
        } else if (ch == 'q') {
            a->quiet = true;
        } else if (ch == 'd' || ch == 'p' || ch == 'P') {
            a->decide = true;
            a->decision = ch == 'd' ? REVIEW_DISPUTE : ch == 'p' ? REVIEW_PROMISE : REVIEW_PAID;
            chosen++;
            if (ch == 'p' && !date_parse(optarg, &a->promised))
                return ctl_usage_error("resolve: --promise expects YYYY-MM-DD");
        } else if (ch == 'R') {
            a->reason = optarg;
        } else {
            return ctl_usage_error(RESOLVE_USAGE);
        }
    }
    if (optind != argc - 1 || chosen != 1 || (a->decide && a->quiet))
        return ctl_usage_error(RESOLVE_USAGE);
    a->number = argv[optind];
    return 0;
}

static const char *resolution_text(const struct resolve_args *a, const char *currency, char *buf, size_t size)
{
    char amount[MONEY_STR_MAX];

    if (a->how == RESOLVE_RESUME)
        return "resume";
    if (a->how == RESOLVE_CANCEL)
        return "cancel";
    money_format_decimal(a->credit, amount);
    str_format(buf, size, "credit %s %s", amount, currency);
    return buf;
}

/* A credit is part of what is owed: more than the balance is a mistake
 * (the store would take it and leave a negative balance). A case with
 * nothing to resolve gets the store's answer instead. */
static bool credit_fits(const struct resolve_args *a, const struct case_row *c)
{
    char credit[MONEY_STR_MAX], balance[MONEY_STR_MAX];

    if (a->how != RESOLVE_CREDIT || a->credit <= c->balance || !case_status_in(c->status, CASE_RESOLVABLE))
        return true;
    money_format_decimal(a->credit, credit);
    money_format_decimal(c->balance, balance);
    fprintf(stderr, "relancectl: %s: the credit (%s) exceeds the balance (%s %s)\n", c->inv.number, credit,
            balance, c->inv.currency);
    return false;
}

/* The answer the dispute's acknowledgment promised: built before the
 * resolution, queued with it (the store queues it only if the case is
 * still disputed). False (message printed) when it cannot be written. */
static bool build_answer(struct ctl_env *env, struct store *st, const struct audit_key *key,
                         const struct resolve_args *a, const struct case_row *c, struct reply_notice *answer)
{
    struct resolve_notice_input in = {env->cfg, key, st, c->id, a->how, a->credit, ctl_today(env), time(NULL)};
    char why[300];

    if (resolve_notice_build(&in, answer, why, sizeof why))
        return true;
    fprintf(stderr,
            "relancectl: %s: cannot write to the debtor (%s): nothing changed; --quiet ends the dispute"
            " without a word\n",
            c->inv.number, why);
    return false;
}

/* A collective proceeding stops the chase by law (C. com. L622-21): only
 * an operator who says why (the debtor paid, the proceeding ended, it was
 * a mistake) reopens such a case, and the reason goes to the audit log. */
static bool insolvent_reason_given(const struct resolve_args *a, const struct case_row *c)
{
    if (c->status != CASE_INSOLVENT || (a->reason != NULL && a->reason[0] != '\0'))
        return true;
    fprintf(stderr, "relancectl: %s is insolvent (a collective proceeding stops the chase): "
                    "resolve it with --reason \"why\"\n", c->inv.number);
    return false;
}

static enum store_result audit_reason(struct store *st, const struct audit_key *key, const struct resolve_args *a,
                                      const struct case_row *c)
{
    struct strbuf detail;
    struct json j;
    enum store_result r;

    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_string(&j, "from", case_status_name(c->status));
    json_kv_string(&j, "reason", a->reason ? a->reason : "");
    json_object_end(&j);
    r = store_append_event(st, key, c->id, "case-reopened", ACTOR, detail.data);
    strbuf_free(&detail);
    return r;
}

static int resolve_case(struct ctl_env *env, struct store *st, const struct audit_key *key,
                        const struct resolve_args *a, const struct case_row *c)
{
    enum case_status status;
    char text[80];
    struct case_row now;
    enum store_result r;
    struct reply_notice answer = {0};
    struct outbox_message notice = {0};
    bool tell = c->status == CASE_DISPUTED && !a->quiet;

    if (!credit_fits(a, c) || !insolvent_reason_given(a, c))
        return 1;
    if (tell && !build_answer(env, st, key, a, c, &answer))
        return 1;
    if (tell) {
        notice = (struct outbox_message){resolve_notice_kind(a->how), c->id, answer.sender, answer.recipient,
                                         answer.message_id, answer.data, answer.len};
    }
    r = store_resolve_case_told(st, key, c->id, a->how, a->credit, ACTOR, tell ? &notice : NULL, &status);
    reply_notice_free(&answer);
    if (r == STORE_CONFLICT) {
        fprintf(stderr, "relancectl: %s is not disputed, paused, in review nor insolvent (status %s)\n",
                c->inv.number,
                current_status(st, c, &now));
        return 1;
    }
    if (r != STORE_OK) {
        fprintf(stderr, "relancectl: %s: %s\n", c->inv.number, store_last_error(st));
        return 1;
    }
    if (c->status == CASE_INSOLVENT && audit_reason(st, key, a, c) != STORE_OK)
        fprintf(stderr, "relancectl: %s: the reason was not recorded: %s\n", c->inv.number, store_last_error(st));
    printf("%s: %s resolved (%s), status %s%s\n", c->inv.number,
           c->status == CASE_PAUSED      ? "pause"
           : c->status == CASE_REVIEW    ? "review"
           : c->status == CASE_INSOLVENT ? "insolvency"
                                         : "dispute",
           resolution_text(a, c->inv.currency, text, sizeof text), case_status_name(status),
           tell ? "; the debtor will be told (outbox)" : "");
    return 0;
}

/* What the operator read in a reply in review, with the effect the
 * reply's verdict would have had: a dispute; a promise pauses until its
 * day plus PromiseGraceDays; a payment for PaymentVerificationDays. */
bool ctl_verdict_until(const struct config *cfg, const char *command, enum review_decision how,
                       struct date promised, struct date today, struct date *until)
{
    char day[DATE_STR_MAX];

    *until = (struct date){0, 0, 0};
    if (how == REVIEW_PROMISE) {
        if (date_compare(promised, today) < 0) {
            date_format(promised, day);
            fprintf(stderr, "relancectl: %s: --promise %s is in the past\n", command, day);
            return false;
        }
        *until = date_add_days(promised, (int)cfg->promise_grace_days);
    } else if (how == REVIEW_PAID) {
        *until = date_add_days(today, (int)cfg->payment_verification_days);
    }
    return true;
}

static int decide_review(struct ctl_env *env, struct store *st, const struct audit_key *key,
                         const struct resolve_args *a, const struct case_row *c)
{
    struct date until;
    char day[DATE_STR_MAX];
    enum case_status status;
    struct case_row now;
    enum store_result r;

    if (!ctl_verdict_until(env->cfg, "resolve", a->decision, a->promised, ctl_today(env), &until))
        return 1;
    r = store_decide_review(st, key, c->id, a->decision, until, ACTOR, &status);
    if (r == STORE_CONFLICT) {
        fprintf(stderr, "relancectl: %s is not in review (status %s): --%s records a reply in review\n",
                c->inv.number, current_status(st, c, &now), review_decision_name(a->decision));
        return 1;
    }
    if (r != STORE_OK) {
        fprintf(stderr, "relancectl: %s: %s\n", c->inv.number, store_last_error(st));
        return 1;
    }
    date_format(until, day);
    printf("%s: review resolved (%s), status %s%s%s\n", c->inv.number, review_decision_name(a->decision),
           case_status_name(status), day[0] ? " until " : "", day);
    return 0;
}

int ctl_resolve(struct ctl_env *env, int argc, char **argv)
{
    struct resolve_args a;
    struct audit_key key;
    struct case_row c;
    struct store *st;
    int rc = 1;

    if ((rc = parse_resolve_args(argc, argv, &a)) != 0)
        return rc;
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    if (!ctl_find_case(st, a.number, a.seller, &c))
        rc = 1;
    else
        rc = a.decide ? decide_review(env, st, &key, &a, &c) : resolve_case(env, st, &key, &a, &c);
    ctl_close_all(st, &key);
    return rc;
}

/* ---- pause ---- */

#define PAUSE_USAGE "usage: pause NUMBER [--until YYYY-MM-DD] [--seller NAME]"

static int pause_case(struct store *st, const struct audit_key *key, const struct case_row *c, struct date until,
                      struct date today)
{
    char day[DATE_STR_MAX];
    struct case_row now;
    enum store_result r;

    /* A pause that ended before today would be lifted at the next run. */
    if (date_is_set(until) && date_compare(until, today) < 0) {
        date_format(until, day);
        fprintf(stderr, "relancectl: pause: --until %s is in the past\n", day);
        return 1;
    }
    r = store_pause_case(st, key, c->id, until, ACTOR);
    if (r == STORE_CONFLICT) {
        fprintf(stderr, "relancectl: %s cannot be paused: its status is %s (only an open or paused case can be)\n",
                c->inv.number, current_status(st, c, &now));
        return 1;
    }
    if (r != STORE_OK) {
        fprintf(stderr, "relancectl: %s: %s\n", c->inv.number, store_last_error(st));
        return 1;
    }
    date_format(until, day);
    if (day[0])
        printf("%s: paused until %s\n", c->inv.number, day);
    else
        printf("%s: paused without end (relancectl resume %s ends it)\n", c->inv.number, c->inv.number);
    return 0;
}

int ctl_pause(struct ctl_env *env, int argc, char **argv)
{
    static const struct option opts[] = {{"until", required_argument, NULL, 'u'},
                                         {"seller", required_argument, NULL, 'S'},
                                         {NULL, 0, NULL, 0}};
    struct date until = {0, 0, 0};
    const char *seller = NULL;
    struct audit_key key;
    struct case_row c;
    struct store *st;
    int ch, rc;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'u' && !date_parse(optarg, &until))
            return ctl_usage_error("pause: --until expects YYYY-MM-DD");
        if (ch == 'S')
            seller = optarg;
        if (ch == '?')
            return ctl_usage_error(PAUSE_USAGE);
    }
    if (optind != argc - 1)
        return ctl_usage_error(PAUSE_USAGE);
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    rc = ctl_find_case(st, argv[optind], seller, &c) ? pause_case(st, &key, &c, until, ctl_today(env)) : 1;
    ctl_close_all(st, &key);
    return rc;
}

/* ---- resume ---- */

static int resume_case(struct store *st, const struct audit_key *key, const struct case_row *c)
{
    enum case_status status;
    struct case_row now;
    enum store_result r;

    /* Resuming would settle a dispute in the creditor's favour without
     * anyone deciding it: that is resolve's job. */
    if (c->status == CASE_DISPUTED) {
        fprintf(stderr,
                "relancectl: %s is disputed: a dispute is ended deliberately with"
                " relancectl resolve %s --resume | --cancel | --credit AMOUNT\n",
                c->inv.number, c->inv.number);
        return 1;
    }
    if (c->status != CASE_PAUSED) {
        fprintf(stderr, "relancectl: %s is not paused (status %s)\n", c->inv.number, case_status_name(c->status));
        return 1;
    }
    r = store_resolve_case(st, key, c->id, RESOLVE_END_PAUSE, 0, ACTOR, &status);
    if (r == STORE_CONFLICT) {
        fprintf(stderr, "relancectl: %s is not paused (status %s)\n", c->inv.number, current_status(st, c, &now));
        return 1;
    }
    if (r != STORE_OK) {
        fprintf(stderr, "relancectl: %s: %s\n", c->inv.number, store_last_error(st));
        return 1;
    }
    printf("%s: pause ended, status %s\n", c->inv.number, case_status_name(status));
    return 0;
}

int ctl_resume(struct ctl_env *env, int argc, char **argv)
{
    static const struct option opts[] = {{"seller", required_argument, NULL, 'S'}, {NULL, 0, NULL, 0}};
    const char *seller = NULL;
    struct audit_key key;
    struct case_row c;
    struct store *st;
    int ch, rc;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'S')
            seller = optarg;
        else
            return ctl_usage_error("usage: resume NUMBER [--seller NAME]");
    }
    if (optind != argc - 1)
        return ctl_usage_error("usage: resume NUMBER [--seller NAME]");
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    rc = ctl_find_case(st, argv[optind], seller, &c) ? resume_case(st, &key, &c) : 1;
    ctl_close_all(st, &key);
    return rc;
}

/* ---- replies ---- */

void ctl_json_reply(struct json *j, const struct reply_row *r)
{
    json_object_begin(j);
    json_kv_int(j, "id", r->id);
    json_kv_string(j, "number", r->number);
    json_kv_string(j, "received_at", r->received_at);
    json_kv_string(j, "sender", r->sender);
    json_kv_string(j, "subject", r->subject);
    json_kv_string(j, "matched_by", r->matched_by);
    json_kv_string(j, "verdict", r->verdict);
    json_kv_string_or_null(j, "promised", r->promised);
    json_kv_string(j, "reason", r->reason);
    json_kv_string(j, "excerpt", r->excerpt);
    json_kv_string(j, "action", r->action);
    json_kv_string(j, "message_id", r->message_id);
    json_kv_string(j, "queue_id", r->queue_id);
    json_object_end(j);
}

/* The excerpt on one line, at most `columns` characters: control
 * characters (a debtor's words reach the operator's terminal) and runs of
 * white space become one space; a cut never splits a UTF-8 sequence and
 * is marked with an ellipsis. out holds columns * 4 + 4 bytes. */
static void excerpt_line(const char *s, size_t columns, char *out, size_t size)
{
    char *flat = xstrdup(s);
    size_t len, cut = 0;

    for (char *p = flat; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    str_squeeze_spaces(flat);
    len = strlen(flat);
    if (utf8_chars(flat, len) <= columns) {
        str_copy(out, size, flat);
    } else {
        for (size_t chars = 0; chars < columns - 1; chars++) {
            uint32_t cp;

            cut += utf8_decode(flat + cut, len - cut, &cp);
        }
        str_copyn(out, size, flat, cut);
        str_copy(out + strlen(out), size - strlen(out), "\xE2\x80\xA6"); /* U+2026 */
    }
    free(flat);
}

/* Columns sized to their content, long ones cut with an ellipsis. */
#define NUMBER_CAP 24
#define SENDER_CAP 40
#define ACTION_CAP 40

static void replies_header(const struct reply_list *list, size_t w[3])
{
    char number[CTL_CELL_SIZE(NUMBER_CAP)], sender[CTL_CELL_SIZE(SENDER_CAP)], action[CTL_CELL_SIZE(ACTION_CAP)];

    w[0] = 6, w[1] = 6, w[2] = 6;
    for (size_t i = 0; i < list->count; i++) {
        ctl_fit(&w[0], list->items[i].number, NUMBER_CAP);
        ctl_fit(&w[1], list->items[i].sender, SENDER_CAP);
        ctl_fit(&w[2], list->items[i].action, ACTION_CAP);
    }
    printf("%-20s %s %-10s %-7s %s %s %s\n", "RECEIVED", ctl_cell(number, sizeof number, "NUMBER", w[0]), "VERDICT",
           "BY", ctl_cell(sender, sizeof sender, "SENDER", w[1]), ctl_cell(action, sizeof action, "ACTION", w[2]),
           "EXCERPT");
}

void ctl_replies_table(const struct reply_list *list, bool of_one_case)
{
    char excerpt[EXCERPT_COLUMNS * 4 + 4], number[CTL_CELL_SIZE(NUMBER_CAP)], verdict[CTL_CELL_SIZE(10)];
    char by[CTL_CELL_SIZE(7)], sender[CTL_CELL_SIZE(SENDER_CAP)], action[CTL_CELL_SIZE(ACTION_CAP)];
    size_t w[3];

    if (!of_one_case)
        replies_header(list, w);
    for (size_t i = 0; i < list->count; i++) {
        const struct reply_row *r = &list->items[i];

        excerpt_line(r->excerpt, EXCERPT_COLUMNS, excerpt, sizeof excerpt);
        if (of_one_case)
            printf("  %s  %-10s %-7s from <%s>  %s  \"%s\"\n", r->received_at, r->verdict, r->matched_by,
                   r->sender, r->action, excerpt);
        else
            printf("%-20s %s %s %s %s %s %s\n", r->received_at,
                   ctl_cell(number, sizeof number, r->number[0] ? r->number : "-", w[0]),
                   ctl_cell(verdict, sizeof verdict, r->verdict, 10),
                   ctl_cell(by, sizeof by, r->matched_by[0] ? r->matched_by : "-", 7),
                   ctl_cell(sender, sizeof sender, r->sender[0] ? r->sender : "-", w[1]),
                   ctl_cell(action, sizeof action, r->action[0] ? r->action : "-", w[2]), excerpt);
    }
}

static void replies_json(const struct reply_list *list)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_array_begin(&j);
    for (size_t i = 0; i < list->count; i++)
        ctl_json_reply(&j, &list->items[i]);
    json_array_end(&j);
    ctl_print_json(&sb);
    strbuf_free(&sb);
}

/* Keeps the replies of cases now in review (replies --review). */
static enum store_result keep_in_review(struct store *st, struct reply_list *list)
{
    size_t w = 0;

    for (size_t i = 0; i < list->count; i++) {
        struct case_row c;
        enum store_result r = list->items[i].case_id > 0 ? store_get_case(st, list->items[i].case_id, &c)
                                                         : STORE_NOT_FOUND;
        if (r != STORE_OK && r != STORE_NOT_FOUND)
            return r;
        if (r == STORE_OK && c.status == CASE_REVIEW)
            list->items[w++] = list->items[i];
    }
    list->count = w;
    return STORE_OK;
}

int ctl_replies(struct ctl_env *env, int argc, char **argv)
{
    static const struct option opts[] = {{"seller", required_argument, NULL, 'S'},
                                         {"review", no_argument, NULL, 'R'},
                                         {NULL, 0, NULL, 0}};
    const char *seller = NULL;
    bool review = false;
    struct reply_list list;
    struct case_row c = {0};
    struct store *st;
    int ch;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'S')
            seller = optarg;
        else if (ch == 'R')
            review = true;
        else
            return ctl_usage_error("usage: replies [NUMBER [--seller NAME]] [--review] [--json]");
    }
    if (argc - optind > 1 || (seller && optind == argc))
        return ctl_usage_error("usage: replies [NUMBER [--seller NAME]] [--review] [--json]");
    if ((st = ctl_open_store(env)) == NULL)
        return 1;
    if (optind < argc && !ctl_find_case(st, argv[optind], seller, &c)) {
        store_close(st);
        return 1;
    }
    if (store_list_replies(st, c.id, &list) != STORE_OK || (review && keep_in_review(st, &list) != STORE_OK)) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        store_close(st);
        return 1;
    }
    if (env->json)
        replies_json(&list);
    else
        ctl_replies_table(&list, false);
    reply_list_free(&list);
    store_close(st);
    return 0;
}
