/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_outbox.c - `relancectl outbox [--state STATE] [--json]`: the mail
 * written about replies (the creditor's notices, the debtors'
 * acknowledgments) and what became of it, newest first. 'uncertain' is
 * what the operator must look at: a message that may or may not have
 * reached the MTA (an interrupted send, an ambiguous submission), which
 * relance never sends again; the mail log says whether it went out.
 */
#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "relancectl/ctl.h"

#define OUTBOX_LIST_MAX 1000

static bool outbox_state_known(const char *s)
{
    static const char *const states[] = {"pending", "sending", "sent", "failed", "uncertain"};

    for (size_t i = 0; i < ARRAY_LEN(states); i++)
        if (strcmp(s, states[i]) == 0)
            return true;
    return false;
}

static void outbox_table(const struct outbox_list *list)
{
    if (list->count == 0) {
        printf("no message in the outbox\n");
        return;
    }
    printf("%-6s %-10s %-16s %-21s %-8s %s\n", "ID", "STATE", "KIND", "CREATED", "ATTEMPTS", "TO / NOTE");
    for (size_t i = 0; i < list->count; i++) {
        const struct outbox_row *o = &list->items[i];

        printf("%-6lld %-10s %-16s %-21s %-8d <%s>%s%s\n", (long long)o->id, o->state, o->kind, o->created_at,
               o->attempts, o->recipient, o->error[0] ? ": " : "", o->error);
    }
}

static void outbox_json(const struct outbox_list *list)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_array_begin(&j);
    for (size_t i = 0; i < list->count; i++) {
        const struct outbox_row *o = &list->items[i];

        json_object_begin(&j);
        json_kv_int(&j, "id", o->id);
        json_kv_string(&j, "state", o->state);
        json_kv_string(&j, "kind", o->kind);
        json_kv_int(&j, "case_id", o->case_id);
        json_kv_string(&j, "sender", o->sender);
        json_kv_string(&j, "recipient", o->recipient);
        json_kv_string(&j, "message_id", o->message_id);
        json_kv_int(&j, "attempts", o->attempts);
        json_kv_string(&j, "created_at", o->created_at);
        json_kv_string_or_null(&j, "claimed_at", o->claimed_at[0] ? o->claimed_at : NULL);
        json_kv_string_or_null(&j, "sent_at", o->sent_at[0] ? o->sent_at : NULL);
        json_kv_string(&j, "error", o->error);
        json_object_end(&j);
    }
    json_array_end(&j);
    ctl_print_json(&sb);
    strbuf_free(&sb);
}

int ctl_outbox(struct ctl_env *env, int argc, char **argv)
{
    const char *state = NULL;
    struct outbox_list list;
    struct store *st;

    if (argc == 3 && strcmp(argv[1], "--state") == 0 && outbox_state_known(argv[2]))
        state = argv[2];
    else if (argc == 2 && strcmp(argv[1], "--uncertain") == 0)
        state = "uncertain"; /* what the operator must look at */
    else if (argc != 1)
        return ctl_usage_error("usage: outbox [--state pending|sending|sent|failed|uncertain | --uncertain] [--json]");
    if ((st = ctl_open_store(env)) == NULL)
        return 1;
    if (store_outbox_list(st, state, OUTBOX_LIST_MAX, &list) != STORE_OK) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        store_close(st);
        return 1;
    }
    if (env->json)
        outbox_json(&list);
    else
        outbox_table(&list);
    outbox_list_free(&list);
    store_close(st);
    return 0;
}
