/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_letters.c - the postal letters of the agency steps:
 *
 *   letters [--state held|to-post|posted]      letters and where each stands
 *   letter ID --posted [--registered NUMBER] [--on YYYY-MM-DD]
 *                                              record that a letter went
 *
 * relance writes letters; people post them. Only what the operator
 * records here lets a later reminder say that a letter was posted (and by
 * registered mail, with its number): the record is an event of the
 * hash-chained log, like a payment or a resolution.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "relancectl/ctl.h"

#define REGISTERED_NUMBER_MIN 8
#define REGISTERED_NUMBER_MAX 32

/* What the operator reads: held letters say why. */
static const char *state_label(const struct letter_row *l, bool for_json)
{
    if (l->state == LETTER_POSTED && l->registered_number[0])
        return "registered";
    if (l->state == LETTER_HELD)
        return for_json ? "held" : "held (no address)";
    return letter_state_name(l->state);
}

/* The address on one line: lines joined by ", ". */
static void one_line(const char *address, char *out, size_t size)
{
    size_t n = 0;

    for (const char *p = address; *p && n + 3 < size; p++) {
        if (*p == '\n') {
            out[n++] = ',';
            out[n++] = ' ';
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

static void letters_table(const struct letter_list *list)
{
    char address[POSTAL_TEXT_MAX + 64];

    if (list->count == 0) {
        printf("no letters\n");
        return;
    }
    printf("%5s %-14s %-4s %-30s %-18s %s\n", "ID", "CASE", "STEP", "DEBTOR", "STATE", "ADDRESS");
    for (size_t i = 0; i < list->count; i++) {
        const struct letter_row *l = &list->items[i];
        one_line(l->address[0] ? l->address : l->debtor_address, address, sizeof address);
        printf("%5lld %-14s %-4d %-30s %-18s %s\n", (long long)l->id, l->number[0] ? l->number : "-", l->step,
               l->debtor_email, state_label(l, false), address[0] ? address : "-");
        if (l->state == LETTER_POSTED && l->registered_number[0])
            printf("      posted %s, registered letter %s\n", l->posted_on, l->registered_number);
        else if (l->state == LETTER_POSTED)
            printf("      posted %s\n", l->posted_on);
        else if (l->state == LETTER_TO_POST)
            printf("      %s%s\n", l->path, l->registered_mail ? "  (registered mail with acknowledgment)" : "");
    }
}

static void letters_json(const struct letter_list *list)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_array_begin(&j);
    for (size_t i = 0; i < list->count; i++) {
        const struct letter_row *l = &list->items[i];
        json_object_begin(&j);
        json_kv_int(&j, "id", l->id);
        json_kv_int(&j, "reminder_id", l->reminder_id);
        json_kv_int(&j, "case_id", l->case_id);
        json_kv_string(&j, "number", l->number);
        json_kv_int(&j, "step", l->step);
        json_kv_string(&j, "step_name", l->step_name);
        json_kv_string(&j, "debtor_email", l->debtor_email);
        json_kv_string(&j, "recipient_name", l->recipient_name);
        json_kv_string_or_null(&j, "address", l->address[0] ? l->address : l->debtor_address);
        json_kv_string(&j, "state", state_label(l, true));
        json_kv_bool(&j, "registered_mail", l->registered_mail);
        json_kv_string_or_null(&j, "registered_number", l->registered_number);
        json_kv_string_or_null(&j, "path", l->path);
        json_kv_string(&j, "created_at", l->created_at);
        json_kv_string_or_null(&j, "written_at", l->written_at);
        json_kv_string_or_null(&j, "posted_on", l->posted_on);
        json_object_end(&j);
    }
    json_array_end(&j);
    ctl_print_json(&sb);
    strbuf_free(&sb);
}

static bool parse_state(const char *s, enum letter_state *out)
{
    for (int i = LETTER_HELD; i <= LETTER_POSTED; i++)
        if (strcmp(s, letter_state_name((enum letter_state)i)) == 0) {
            *out = (enum letter_state)i;
            return true;
        }
    return false;
}

int ctl_letters(struct ctl_env *env, int argc, char **argv)
{
    enum letter_state state = LETTER_TO_POST;
    struct letter_list list;
    struct store *st;

    if (argc == 3 && strcmp(argv[1], "--state") == 0) {
        if (!parse_state(argv[2], &state))
            return ctl_usage_error("letters: --state is held, to-post or posted");
    } else if (argc != 1) {
        return ctl_usage_error("usage: letters [--state held|to-post|posted]");
    }
    if ((st = ctl_open_store(env)) == NULL)
        return 1;
    if (store_list_letters(st, argc == 3 ? &state : NULL, &list) != STORE_OK) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        store_close(st);
        return 1;
    }
    if (env->json)
        letters_json(&list);
    else
        letters_table(&list);
    letter_list_free(&list);
    store_close(st);
    return 0;
}

/* A registered letter's number (La Poste: "1A 123 456 7890 1"): letters
 * and digits, spaces dropped, upper case. */
static bool registered_number(const char *in, char *out, size_t size)
{
    size_t n = 0;

    for (; *in; in++) {
        if (*in == ' ' || *in == '-')
            continue;
        if (!isalnum((unsigned char)*in) || n + 1 >= size)
            return false;
        out[n++] = (char)toupper((unsigned char)*in);
    }
    out[n] = '\0';
    return n >= REGISTERED_NUMBER_MIN && n <= REGISTERED_NUMBER_MAX;
}

struct letter_args {
    long long id;
    bool posted;
    const char *registered;
    struct date on;
};

static int parse_letter_args(int argc, char **argv, struct letter_args *a)
{
    static const struct option opts[] = {{"posted", no_argument, NULL, 'p'},
                                         {"registered", required_argument, NULL, 'r'},
                                         {"on", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    char *end;
    int ch;

    memset(a, 0, sizeof *a);
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'p')
            a->posted = true;
        else if (ch == 'r')
            a->registered = optarg;
        else if (ch == 'o' && date_parse(optarg, &a->on))
            continue;
        else
            return -1;
    }
    if (optind != argc - 1 || !a->posted)
        return -1;
    a->id = strtoll(argv[optind], &end, 10);
    return *end == '\0' && a->id > 0 ? 0 : -1;
}

int ctl_letter(struct ctl_env *env, int argc, char **argv)
{
    char number[REGISTERED_NUMBER_MAX + 1] = "";
    struct letter_args a;
    struct letter_row l;
    struct audit_key key;
    struct store *st;
    enum store_result r;
    int rc = 1;

    if (parse_letter_args(argc, argv, &a) != 0)
        return ctl_usage_error("usage: letter ID --posted [--registered NUMBER] [--on YYYY-MM-DD]");
    if (a.registered && !registered_number(a.registered, number, sizeof number))
        return ctl_usage_error("letter: --registered expects the registered letter's number (8 to %d letters "
                               "and digits)", REGISTERED_NUMBER_MAX);
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    if (!date_is_set(a.on))
        a.on = ctl_today(env);
    r = store_get_letter(st, a.id, &l);
    if (r == STORE_OK && l.registered_mail && number[0] == '\0')
        fprintf(stderr, "relancectl: warning: letter %lld is a formal notice meant to go by registered mail "
                        "with acknowledgment of receipt; recorded as posted without a registered number\n", a.id);
    if (r == STORE_OK)
        r = store_letter_posted(st, &key, a.id, a.on, number, "operator");
    if (r == STORE_NOT_FOUND)
        fprintf(stderr, "relancectl: no letter %lld (see relancectl letters)\n", a.id);
    else if (r == STORE_CONFLICT)
        fprintf(stderr, "relancectl: letter %lld is %s: only a letter to post can be recorded as posted\n", a.id,
                l.state == LETTER_HELD ? "held (no postal address: relancectl debtor EMAIL --address ...)"
                                       : "already recorded as posted");
    else if (r != STORE_OK)
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
    else {
        char on[DATE_STR_MAX];
        date_format(a.on, on);
        printf("letter %lld recorded as posted on %s%s%s\n", a.id, on, number[0] ? ", registered letter " : "",
               number);
        rc = 0;
    }
    if (r != STORE_NOT_FOUND)
        letter_row_free(&l);
    ctl_close_all(st, &key);
    return rc;
}
