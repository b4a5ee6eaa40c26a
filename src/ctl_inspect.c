/*
 * ctl_inspect.c - `relancectl inspect FILE.eml`: what the milter would
 * recognise in a message, and why, with no daemon and no database. The
 * envelope is taken from the headers (From for the sender, To and Cc for
 * the recipients), since a file has none.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "message.h"
#include "money.h"
#include "outgoing.h"

struct inspect_envelope {
    struct strlist senders;
    struct strlist recipients;
    char *message_id;
};

static void envelope_from_headers(const char *data, size_t len, struct inspect_envelope *ie)
{
    struct message *msg = message_parse(data, len);

    strlist_init(&ie->senders);
    strlist_init(&ie->recipients);
    ie->message_id = NULL;
    if (msg == NULL)
        return;
    message_header_addresses(msg, "From", &ie->senders);
    message_header_addresses(msg, "To", &ie->recipients);
    message_header_addresses(msg, "Cc", &ie->recipients);
    ie->message_id = message_id(msg);
    message_free(msg);
}

static void envelope_free(struct inspect_envelope *ie)
{
    strlist_free(&ie->senders);
    strlist_free(&ie->recipients);
    free(ie->message_id);
}

static void print_json_result(const char *path, const struct invoice_scan *scan, const struct envelope *env)
{
    char debtor[INVOICE_EMAIL_MAX];
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_object_begin(&j);
    json_kv_string(&j, "file", path);
    json_kv_string_or_null(&j, "message_id", env->message_id);
    json_key(&j, "invoices");
    json_array_begin(&j);
    for (size_t i = 0; i < scan->invoices.count; i++) {
        const struct invoice *inv = &scan->invoices.items[i];
        outgoing_choose_debtor(inv, env, debtor, sizeof debtor);
        json_object_begin(&j);
        ctl_json_invoice_fields(&j, inv);
        json_kv_string(&j, "debtor_email", debtor);
        json_kv_string(&j, "debtor_name", inv->buyer_name);
        json_kv_string_or_null(&j, "buyer_email", inv->buyer_email);
        json_kv_string_or_null(&j, "referenced_number", inv->referenced_number);
        json_kv_string_or_null(&j, "payment_terms", inv->payment_terms);
        json_kv_string(&j, "origin", inv->origin);
        json_object_end(&j);
    }
    json_array_end(&j);
    json_key(&j, "notes");
    json_array_begin(&j);
    for (size_t i = 0; i < scan->notes.count; i++)
        json_string(&j, scan->notes.items[i]);
    json_array_end(&j);
    json_object_end(&j);
    fwrite(sb.data, 1, sb.len, stdout);
    fputc('\n', stdout);
    strbuf_free(&sb);
}

static void print_table_result(const char *path, const struct invoice_scan *scan, const struct envelope *env)
{
    char debtor[INVOICE_EMAIL_MAX], amount[MONEY_STR_MAX], issue[DATE_STR_MAX], due[DATE_STR_MAX];

    printf("%s: %zu invoice%s found\n", path, scan->invoices.count, scan->invoices.count == 1 ? "" : "s");
    for (size_t i = 0; i < scan->invoices.count; i++) {
        const struct invoice *inv = &scan->invoices.items[i];
        outgoing_choose_debtor(inv, env, debtor, sizeof debtor);
        money_format_decimal(inv->amount_due, amount);
        date_format(inv->issue_date, issue);
        date_format(inv->due_date, due);
        printf("\n  %s %s (%s, confidence %d, from %s)\n", invoice_type_name(inv->type), inv->number,
               invoice_source_name(inv->source), inv->confidence, inv->origin);
        printf("    seller:     %s\n", inv->seller_name);
        printf("    debtor:     %s <%s>\n", inv->buyer_name, debtor);
        printf("    issued:     %s\n", issue[0] ? issue : "-");
        printf("    due:        %s\n", due[0] ? due : "-");
        printf("    amount due: %s %s\n", inv->has_amount_due ? amount : "-", inv->currency);
    }
    if (scan->notes.count)
        printf("\nnotes:\n");
    for (size_t i = 0; i < scan->notes.count; i++)
        printf("  - %s\n", scan->notes.items[i]);
}

int ctl_inspect(struct ctl_env *env, int argc, char **argv)
{
    struct config *cfg;
    struct scan_limits limits;
    struct invoice_scan scan;
    struct inspect_envelope ie;
    struct envelope envelope;
    size_t len;
    char *data;

    if (argc != 2)
        return ctl_usage_error("usage: inspect FILE.eml [--json]");
    if ((cfg = ctl_config(env)) == NULL)
        return 1;
    data = file_read_all(argv[1], (size_t)cfg->max_message_size, &len);
    if (data == NULL) {
        fprintf(stderr, "relancectl: %s: %s\n", argv[1],
                errno == EFBIG ? "larger than MaxMessageSize" : strerror(errno));
        return 1;
    }
    outgoing_scan_limits(cfg, &limits);
    invoice_scan_init(&scan);
    invoice_scan_message(data, len, &limits, &scan);
    envelope_from_headers(data, len, &ie);
    envelope.queue_id = NULL;
    envelope.sender = ie.senders.count ? ie.senders.items[0] : "";
    envelope.recipients = &ie.recipients;
    envelope.message_id = ie.message_id ? ie.message_id : "";
    if (env->json)
        print_json_result(argv[1], &scan, &envelope);
    else
        print_table_result(argv[1], &scan, &envelope);
    envelope_free(&ie);
    invoice_scan_free(&scan);
    free(data);
    return 0;
}
