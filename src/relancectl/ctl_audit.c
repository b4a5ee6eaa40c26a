/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_audit.c - `relancectl audit verify [--json]`: walks the audit log's
 * keyed hash chain with the KeyFile secret and names the first entry that
 * was edited, removed or reordered. Exit 0 when the chain is intact, 1
 * when it is broken (or cannot be read).
 */
#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "relancectl/ctl.h"

static const char *problem_name(enum audit_problem p)
{
    static const char *const names[] = {"intact", "edited", "removed", "reordered"};

    return (unsigned)p < ARRAY_LEN(names) ? names[p] : "unknown";
}

static void verdict_json(const struct audit_verdict *v)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_object_begin(&j);
    json_kv_bool(&j, "intact", v->problem == AUDIT_INTACT);
    json_kv_int(&j, "entries", (long long)v->entries);
    json_kv_string(&j, "problem", problem_name(v->problem));
    if (v->problem == AUDIT_INTACT) {
        json_kv_int(&j, "last_id", v->last_id);
        json_kv_string_or_null(&j, "head", v->head);
    } else {
        json_kv_int(&j, "entry_id", v->entry_id);
        json_kv_string(&j, "why", v->why);
    }
    json_object_end(&j);
    ctl_print_json(&sb);
    strbuf_free(&sb);
}

int ctl_audit(struct ctl_env *env, int argc, char **argv)
{
    struct audit_verdict v;
    struct audit_key key;
    struct store *st;

    if (argc != 2 || strcmp(argv[1], "verify") != 0)
        return ctl_usage_error("usage: audit verify [--json]");
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    if (store_verify_audit(st, &key, &v) != STORE_OK) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        ctl_close_all(st, &key);
        return 1;
    }
    ctl_close_all(st, &key);
    if (env->json)
        verdict_json(&v);
    else if (v.problem == AUDIT_INTACT)
        printf("audit chain intact: %zu entries%s%s\n", v.entries, v.head[0] ? ", head " : "", v.head);
    else
        printf("audit chain broken at entry %lld (%s): %s\n", (long long)v.entry_id, problem_name(v.problem),
               v.why);
    return v.problem == AUDIT_INTACT ? 0 : 1;
}
