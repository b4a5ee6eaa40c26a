/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_common.c - what relancectl's commands share: the configuration, the
 * store (with the audit key, for the commands that write), finding one
 * case by number, usage errors, and the JSON shape of invoices and cases.
 */
#include "relancectl/ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/calendar.h"
#include "core/money.h"
#include "lib/utf8.h"

struct config *ctl_config(struct ctl_env *env)
{
    struct strlist errors;

    if (env->cfg)
        return env->cfg;
    /* Without -c and without the default file, the defaults serve. */
    if (!env->config_given && access(env->config_path, F_OK) != 0 && errno == ENOENT) {
        env->cfg = config_defaults();
        return env->cfg;
    }
    strlist_init(&errors);
    env->cfg = config_load(env->config_path, &errors);
    for (size_t i = 0; i < errors.count; i++)
        fprintf(stderr, "%s\n", errors.items[i]);
    strlist_free(&errors);
    return env->cfg;
}

struct store *ctl_open_store(struct ctl_env *env)
{
    struct config *cfg = ctl_config(env);
    struct store *st;
    char why[256];

    if (cfg == NULL)
        return NULL;
    st = store_open(cfg->database, (int)cfg->database_timeout * 1000, why, sizeof why);
    if (st == NULL)
        fprintf(stderr, "relancectl: database %s: %s\n", cfg->database, why);
    return st;
}

static bool load_key(const struct config *cfg, struct audit_key *key)
{
    char why[256];

    if (audit_key_load(cfg->key_file, key, why, sizeof why))
        return true;
    fprintf(stderr, "relancectl: KeyFile: %s\n", why);
    return false;
}

struct store *ctl_open_all(struct ctl_env *env, struct audit_key *key)
{
    struct config *cfg = ctl_config(env);
    struct store *st;

    if (cfg == NULL || !load_key(cfg, key))
        return NULL;
    st = ctl_open_store(env);
    if (st == NULL)
        sodium_memzero(key, sizeof *key);
    return st;
}

void ctl_close_all(struct store *st, struct audit_key *key)
{
    store_close(st);
    sodium_memzero(key, sizeof *key);
}

struct date ctl_today(const struct ctl_env *env)
{
    return calendar_zone_local(env->cfg->timezone, time(NULL)).date;
}

bool ctl_find_case(struct store *st, const char *number, const char *seller, struct case_row *out)
{
    struct case_list cases;
    const struct case_row *found = NULL;
    bool ambiguous = false;

    if (store_find_cases(st, number, &cases) != STORE_OK) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        return false;
    }
    for (size_t i = 0; i < cases.count; i++) {
        if (seller && strcasecmp(seller, cases.items[i].inv.seller_name) != 0)
            continue;
        ambiguous |= found != NULL;
        found = &cases.items[i];
    }
    if (found && !ambiguous)
        *out = *found;
    else if (ambiguous)
        fprintf(stderr, "relancectl: several sellers have an invoice %s; name one with --seller\n", number);
    else
        fprintf(stderr, "relancectl: no case with number %s\n", number);
    case_list_free(&cases);
    return found && !ambiguous;
}

int ctl_usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("relancectl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

void ctl_print_json(const struct strbuf *sb)
{
    fwrite(sb->data, 1, sb->len, stdout);
    fputc('\n', stdout);
}

void ctl_json_invoice_fields(struct json *j, const struct invoice *inv)
{
    char amount[MONEY_STR_MAX], issue[DATE_STR_MAX], due[DATE_STR_MAX];

    money_format_decimal(inv->amount_due, amount);
    date_format(inv->issue_date, issue);
    date_format(inv->due_date, due);
    json_kv_string(j, "number", inv->number);
    json_kv_string(j, "type", invoice_type_name(inv->type));
    json_kv_string_or_null(j, "issue_date", issue);
    json_kv_string_or_null(j, "due_date", due);
    json_key(j, "amount_due");
    json_string(j, inv->has_amount_due ? amount : NULL);
    json_kv_string_or_null(j, "currency", inv->currency);
    json_kv_string(j, "seller_name", inv->seller_name);
    json_kv_string(j, "source", invoice_source_name(inv->source));
    json_kv_int(j, "confidence", inv->confidence);
}

void ctl_json_case_fields(struct json *j, const struct case_row *c)
{
    char balance[MONEY_STR_MAX];

    money_format_decimal(c->balance, balance);
    json_kv_int(j, "id", c->id);
    ctl_json_invoice_fields(j, &c->inv);
    json_kv_string(j, "debtor_email", c->debtor_email);
    json_kv_string(j, "debtor_name", c->debtor_name[0] ? c->debtor_name : c->inv.buyer_name);
    json_kv_string(j, "status", case_status_name(c->status));
    json_kv_string_or_null(j, "paused_until", c->paused_until);
    json_kv_string_or_null(j, "pause_reason", c->pause_reason);
    json_kv_int(j, "level", c->level);
    json_kv_string(j, "balance", balance);
    json_kv_string_or_null(j, "referenced_number", c->inv.referenced_number);
    json_kv_string(j, "message_id", c->message_id);
    json_kv_string(j, "created_at", c->created_at);
}

enum debtor_kind ctl_debtor_kind(const struct ctl_env *env, const struct case_row *c)
{
    enum debtor_kind configured = env->cfg ? (enum debtor_kind)env->cfg->default_debtor_kind : DEBTOR_KIND_UNKNOWN;

    return debtor_kind_effective(c->debtor_kind, configured);
}

const char *ctl_debtor_kind_source(const struct case_row *c)
{
    enum debtor_kind_source source;

    if (c->debtor_kind[0] == '\0' || !debtor_kind_source_parse(c->debtor_kind_source, &source))
        source = DEBTOR_KIND_FROM_DEFAULT;
    return debtor_kind_source_name(source);
}

void ctl_json_debtor_kind(struct json *j, const struct ctl_env *env, const struct case_row *c)
{
    json_kv_string(j, "debtor_kind", debtor_kind_name(ctl_debtor_kind(env, c)));
    json_kv_string(j, "debtor_kind_source", ctl_debtor_kind_source(c));
    json_kv_string_or_null(j, "debtor_kind_evidence", c->debtor_kind_evidence);
}

void ctl_json_case(struct json *j, const struct case_row *c)
{
    json_object_begin(j);
    ctl_json_case_fields(j, c);
    json_object_end(j);
}

/* Columns are counted in characters, not bytes: an accented name must not
 * push the next column, and a long address is cut with an ellipsis rather
 * than shifting the rest of its line. Control characters (a stranger's
 * sender address reaches this table) and invalid bytes show as U+FFFD. */
const char *ctl_cell(char *out, size_t size, const char *s, size_t width)
{
    size_t len = strlen(s), chars = utf8_chars(s, len), keep, pos = 0, o = 0, shown = 0;

    keep = chars <= width ? chars : width - 1;
    while (shown < keep && pos < len && o + UTF8_MAX + 1 < size) {
        uint32_t cp;
        size_t n = utf8_decode(s + pos, len - pos, &cp);

        if (cp == UTF8_INVALID || cp < 0x20 || cp == 0x7f)
            o += utf8_encode(UTF8_REPLACEMENT, out + o);
        else
            memcpy(out + o, s + pos, n), o += n;
        pos += n;
        shown++;
    }
    if (chars > width && o + 4 < size) {
        memcpy(out + o, "\xE2\x80\xA6", 3); /* U+2026 */
        o += 3;
        shown++;
    }
    while (shown < width && o + 1 < size)
        out[o++] = ' ', shown++;
    out[o] = '\0';
    return out;
}

void ctl_fit(size_t *width, const char *s, size_t cap)
{
    size_t chars = utf8_chars(s, strlen(s));

    if (chars > *width)
        *width = chars < cap ? chars : cap;
}
