/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_payments.c - relancectl import-payments: a bank statement (ISO
 * 20022 camt.053 or camt.054, or a CSV export) read, its credits matched
 * to cases and recorded as payments, and a report of every line.
 *
 *   import-payments FILE [--dry-run] [--json]
 *
 * The file is read whole (at most BANK_MAX_INPUT bytes) before anything
 * is matched: a statement that cannot be read changes nothing. The exit
 * status is 0 when the statement was read and every line judged (lines
 * left unmatched are reported, not failures), 1 otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bank_csv.h"
#include "lib/camt.h"
#include "relancectl/ctl.h"
#include "store/payment_match.h"

static bool read_statement(const char *path, struct bank_statement *s)
{
    char why[256];
    size_t len = 0;
    char *data = file_read_all(path, BANK_MAX_INPUT, &len);
    bool ok;

    if (data == NULL) {
        fprintf(stderr, "relancectl: %s: %s\n", path,
                errno == EFBIG ? "file too large for a bank statement (16 MiB at most)" : strerror(errno));
        return false;
    }
    if (camt_looks_like(data, len))
        ok = camt_read(data, len, s, why, sizeof why);
    else
        ok = bank_csv_read(data, len, s, why, sizeof why);
    free(data);
    if (!ok)
        fprintf(stderr, "relancectl: %s: not imported: %s\n", path, why);
    return ok;
}

static void json_line(struct json *j, const struct payment_line *l)
{
    const struct bank_entry *e = l->entry;
    char amount[MONEY_STR_MAX], day[DATE_STR_MAX], value[DATE_STR_MAX];

    money_format_decimal(e->amount, amount);
    date_format(e->booked, day);
    date_format(e->value, value);
    json_object_begin(j);
    json_kv_int(j, "line", (long long)e->line);
    json_kv_string(j, "statement_id", e->statement_id);
    json_kv_string_or_null(j, "entry_id", e->entry_id);
    json_kv_string(j, "key", e->key);
    json_kv_string_or_null(j, "booked", day);
    json_kv_string_or_null(j, "value_date", value);
    json_kv_string(j, "direction", e->credit ? "credit" : "debit");
    json_kv_string(j, "amount", amount);
    json_kv_string_or_null(j, "currency", e->currency);
    json_kv_string_or_null(j, "debtor_name", e->debtor_name);
    json_kv_string_or_null(j, "remittance", e->remittance);
    json_kv_string(j, "outcome", payment_outcome_name(l->outcome));
    json_kv_bool(j, "by_amount_and_name", l->by_name);
    json_kv_string_or_null(j, "invoice", l->number);
    if (l->case_id > 0) {
        money_format_decimal(l->balance_before, amount);
        json_kv_string(j, "balance_before", amount);
        money_format_decimal(l->balance_after, amount);
        json_kv_string(j, "balance_after", amount);
    }
    json_kv_string_or_null(j, "note", l->note);
    json_object_end(j);
}

static void print_json(const char *path, const struct bank_statement *s, const struct payment_line *lines,
                       const size_t *counts, bool dry_run)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_object_begin(&j);
    json_kv_string(&j, "file", path);
    json_kv_string(&j, "format", s->format);
    json_kv_bool(&j, "dry_run", dry_run);
    json_key(&j, "lines");
    json_array_begin(&j);
    for (size_t i = 0; i < s->count; i++)
        json_line(&j, &lines[i]);
    json_array_end(&j);
    json_key(&j, "summary");
    json_object_begin(&j);
    for (int o = 0; o < PAYMENT_OUTCOME_COUNT; o++)
        json_kv_int(&j, payment_outcome_name((enum payment_outcome)o), (long long)counts[o]);
    json_object_end(&j);
    json_object_end(&j);
    ctl_print_json(&sb);
    strbuf_free(&sb);
}

static void print_table(const char *path, const struct bank_statement *s, const struct payment_line *lines,
                        const size_t *counts, bool dry_run)
{
    char amount[MONEY_STR_MAX], balance[MONEY_STR_MAX], day[DATE_STR_MAX], money[48];

    printf("%s: %s, %zu line%s%s\n", path, s->format, s->count, s->count == 1 ? "" : "s",
           dry_run ? " (dry run: nothing recorded)" : "");
    printf("%-6s %-10s %-16s %-16s %-16s %s\n", "LINE", "BOOKED", "AMOUNT", "OUTCOME", "INVOICE", "LEFT / NOTE");
    for (size_t i = 0; i < s->count; i++) {
        const struct payment_line *l = &lines[i];
        const struct bank_entry *e = l->entry;

        money_format_decimal(e->amount, amount);
        date_format(e->booked, day);
        str_format(money, sizeof money, "%s%s %s", e->credit ? "+" : "-", amount, e->currency[0] ? e->currency : l->currency);
        balance[0] = '\0';
        if (l->outcome == PAYMENT_MATCHED || l->outcome == PAYMENT_PARTIAL)
            money_format_decimal(l->balance_after, balance);
        printf("%-6zu %-10s %-16s %-16s %-16s %s%s%s%s\n", e->line, day[0] ? day : "-", money,
               payment_outcome_name(l->outcome), l->number[0] ? l->number : "-", balance,
               balance[0] ? (l->balance_after <= 0 ? " left (paid)" : " left") : "",
               balance[0] && l->note[0] ? "; " : "", l->note);
    }
    printf("summary:");
    for (int o = 0; o < PAYMENT_OUTCOME_COUNT; o++)
        printf("%s %zu %s", o ? "," : "", counts[o], payment_outcome_name((enum payment_outcome)o));
    printf("\n");
}

int ctl_import_payments(struct ctl_env *env, int argc, char **argv)
{
    static const char usage[] = "usage: import-payments FILE [--dry-run] [--json]";
    static const struct option opts[] = {{"dry-run", no_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
    struct bank_statement s;
    struct payment_line *lines;
    struct audit_key key;
    struct store *st;
    size_t counts[PAYMENT_OUTCOME_COUNT] = {0};
    bool dry_run = false;
    enum store_result r;
    int ch;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch != 'n')
            return ctl_usage_error("%s", usage);
        dry_run = true;
    }
    if (optind != argc - 1)
        return ctl_usage_error("%s", usage);
    bank_statement_init(&s);
    if (!read_statement(argv[optind], &s))
        return 1;
    /* A dry run writes nothing, so it needs no audit key. */
    memset(&key, 0, sizeof key);
    if ((st = dry_run ? ctl_open_store(env) : ctl_open_all(env, &key)) == NULL) {
        bank_statement_free(&s);
        return 1;
    }
    lines = xcalloc(s.count + 1, sizeof *lines);
    r = payment_import(st, &key, &s, dry_run, lines);
    if (r != STORE_OK) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
    } else {
        for (size_t i = 0; i < s.count; i++)
            counts[lines[i].outcome]++;
        if (env->json)
            print_json(argv[optind], &s, lines, counts, dry_run);
        else
            print_table(argv[optind], &s, lines, counts, dry_run);
    }
    free(lines);
    bank_statement_free(&s);
    ctl_close_all(st, &key);
    return r == STORE_OK ? 0 : 1;
}
