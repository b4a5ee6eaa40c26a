/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_inspect.c - `relancectl inspect FILE`: what the milter would
 * recognise in a message, and why, with no daemon and no database: the
 * records it would track (with source, confidence and where the due date
 * comes from), the documents it read but would not track and why, and
 * its notes. The envelope is taken from the headers (From for the
 * sender, To and Cc for the recipients), since a file has none. A PDF or
 * XML file is read as the only attachment of a message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/invoice_owner.h"
#include "core/money.h"
#include "lib/message.h"
#include "recognise/invoice_scan.h"
#include "recognise/invoice_xml.h"
#include "recognise/outgoing.h"
#include "relancectl/ctl.h"

struct inspect_envelope {
    struct strlist senders;
    struct strlist recipients;
    char *message_id;
};

static void envelope_from_headers(const char *data, size_t len, struct inspect_envelope *ie)
{
    /* Only the headers matter here: no need to build every part. */
    const struct message_walk_limits headers_only = {1, 1, 0};
    struct mime_scan_result scan;
    struct message *msg = message_parse_bounded(data, len, &headers_only, &scan);

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

static const char *due_basis_name(enum due_basis basis)
{
    switch (basis) {
    case DUE_BASIS_DOCUMENT:
        return "document";
    case DUE_BASIS_TERMS:
        return "terms";
    case DUE_BASIS_DEFAULT:
        return "default";
    case DUE_BASIS_NONE:
        break;
    }
    return "none";
}

static void json_rejection(struct json *j, const struct invoice_rejection *r)
{
    json_object_begin(j);
    json_kv_string(j, "kind", r->kind);
    ctl_json_invoice_fields(j, &r->inv);
    json_kv_string(j, "origin", r->inv.origin);
    json_kv_string(j, "why", r->why);
    json_object_end(j);
}

static void print_json_result(const struct config *cfg, const char *path, const struct invoice_scan *scan,
                              const struct envelope *env)
{
    struct owner_decision owner;
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
        json_kv_string_or_null(&j, "buyer_phone", inv->buyer_phone);
        json_kv_string_or_null(&j, "referenced_number", inv->referenced_number);
        json_kv_string_or_null(&j, "payment_terms", inv->payment_terms);
        json_kv_string(&j, "due_basis", due_basis_name(inv->due_basis));
        json_kv_int(&j, "type_code", inv->type_code);
        json_kv_string(&j, "origin", inv->origin);
        json_kv_string_or_null(&j, "seller_ids", inv->seller_ids);
        json_kv_string_or_null(&j, "buyer_ids", inv->buyer_ids);
        invoice_owner_decide(cfg->creditor_name, &cfg->creditor_ids, inv, &owner);
        json_kv_bool(&j, "ours", invoice_owner_tracked(owner.verdict));
        json_kv_string(&j, "owner", owner.why);
        json_object_end(&j);
    }
    json_array_end(&j);
    json_key(&j, "not_tracked");
    json_array_begin(&j);
    for (size_t i = 0; i < scan->rejected_count; i++)
        json_rejection(&j, &scan->rejected[i]);
    json_array_end(&j);
    json_key(&j, "notes");
    json_array_begin(&j);
    for (size_t i = 0; i < scan->notes.count; i++)
        json_string(&j, scan->notes.items[i]);
    json_array_end(&j);
    json_key(&j, "unreadable");
    json_array_begin(&j);
    for (size_t i = 0; i < scan->unreadable.count; i++)
        json_string(&j, scan->unreadable.items[i]);
    json_array_end(&j);
    json_key(&j, "errors");
    json_array_begin(&j);
    for (size_t i = 0; i < scan->failures.count; i++)
        json_string(&j, scan->failures.items[i]);
    json_array_end(&j);
    json_object_end(&j);
    ctl_print_json(&sb);
    strbuf_free(&sb);
}

static void print_table_result(const struct config *cfg, const char *path, const struct invoice_scan *scan,
                               const struct envelope *env)
{
    struct owner_decision owner;
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
        invoice_owner_decide(cfg->creditor_name, &cfg->creditor_ids, inv, &owner);
        printf("    seller:     %s%s%s\n", inv->seller_name, inv->seller_ids[0] ? ", ids " : "", inv->seller_ids);
        if (inv->buyer_ids[0])
            printf("    buyer ids:  %s\n", inv->buyer_ids);
        printf("    ours:       %s (%s)\n", invoice_owner_tracked(owner.verdict) ? "yes" : "no, not tracked",
               owner.why);
        printf("    debtor:     %s <%s>\n", inv->buyer_name, debtor);
        printf("    issued:     %s\n", issue[0] ? issue : "-");
        printf("    due:        %s (%s)\n", due[0] ? due : "-", due_basis_name(inv->due_basis));
        printf("    amount due: %s %s\n", inv->has_amount_due ? amount : "-", inv->currency);
        if (inv->payment_terms[0])
            printf("    terms:      %s\n", inv->payment_terms);
        if (inv->referenced_number[0])
            printf("    corrects:   %s\n", inv->referenced_number);
    }
    if (scan->rejected_count)
        printf("\nnot tracked:\n");
    for (size_t i = 0; i < scan->rejected_count; i++) {
        const struct invoice_rejection *r = &scan->rejected[i];

        printf("  - %s %s (%s, confidence %d, from %s): %s\n", r->kind,
               r->inv.number[0] ? r->inv.number : "-", invoice_source_name(r->inv.source), r->inv.confidence,
               r->inv.origin, r->why);
    }
    if (scan->notes.count)
        printf("\nnotes:\n");
    for (size_t i = 0; i < scan->notes.count; i++)
        printf("  - %s\n", scan->notes.items[i]);
    if (scan->unreadable.count)
        printf("\nunreadable (hostile or broken input):\n");
    for (size_t i = 0; i < scan->unreadable.count; i++)
        printf("  - %s\n", scan->unreadable.items[i]);
    if (scan->failures.count)
        printf("\nerrors (On-InternalError would apply):\n");
    for (size_t i = 0; i < scan->failures.count; i++)
        printf("  - %s\n", scan->failures.items[i]);
}

/* A PDF or XML file rather than a message. */
static bool is_document(const char *path, const char *data, size_t len)
{
    if (len >= 5 && memcmp(data, "%PDF-", 5) == 0)
        return true;
    return str_iends_with(path, ".pdf") || str_iends_with(path, ".xml") ||
           invoice_xml_looks_like_xml(data, len);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
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
        return ctl_usage_error("usage: inspect FILE.eml|FILE.pdf|FILE.xml [--json]");
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
    if (is_document(argv[1], data, len)) {
        invoice_scan_document(base_name(argv[1]), data, len, &limits, &scan);
        envelope_from_headers("", 0, &ie);
    } else {
        invoice_scan_message(data, len, &limits, &scan);
        envelope_from_headers(data, len, &ie);
    }
    envelope.queue_id = NULL;
    envelope.sender = ie.senders.count ? ie.senders.items[0] : "";
    envelope.recipients = &ie.recipients;
    envelope.message_id = ie.message_id ? ie.message_id : "";
    if (env->json)
        print_json_result(cfg, argv[1], &scan, &envelope);
    else
        print_table_result(cfg, argv[1], &scan, &envelope);
    envelope_free(&ie);
    invoice_scan_free(&scan);
    free(data);
    return 0;
}
