/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_record.c - one invoice read from a mail becomes a case (see
 * invoice_record.h): the store's call, the log line, the X-Relance words.
 */
#include "recognise/invoice_record.h"

#include <string.h>

#include "core/money.h"
#include "lib/log.h"

/* The X-Relance value stays on one line well under the 998-octet limit. */
#define HEADER_VALUE_MAX 900

static void describe(const struct invoice *inv, struct strbuf *out)
{
    char amount[MONEY_STR_MAX], due[DATE_STR_MAX];

    money_format_decimal(inv->amount_due, amount);
    date_format(inv->due_date, due);
    strbuf_printf(out, "%s %s %s %s", invoice_type_name(inv->type), inv->number, amount, inv->currency);
    if (due[0])
        strbuf_printf(out, " due %s", due);
}

static void header_add(struct strbuf *header, const char *verb, const struct invoice *inv)
{
    struct strbuf one;

    strbuf_init(&one);
    if (header->len)
        strbuf_puts(&one, "; ");
    strbuf_printf(&one, "%s ", verb);
    describe(inv, &one);
    if (header->len + one.len <= HEADER_VALUE_MAX)
        strbuf_append(header, one.data, one.len);
    strbuf_free(&one);
}

/* A credit note that names a tracked invoice lowers its balance. */
static void apply_credit(struct store *st, const struct audit_key *key, const struct invoice *credit,
                         const char *queue_id)
{
    struct credit_result res;
    char balance[MONEY_STR_MAX];

    if (store_apply_credit_note(st, key, credit, "milter", &res) != STORE_OK) {
        log_error(queue_id, "cannot apply credit note %s: %s", credit->number, store_last_error(st));
        return;
    }
    money_format_decimal(res.balance_after, balance);
    if (res.outcome == CREDIT_APPLIED)
        log_info(queue_id, "credit note %s applied to invoice %s: balance %s %s, status %s",
                 credit->number, credit->referenced_number, balance, credit->currency, case_status_name(res.status));
    else
        log_info(queue_id, "credit note %s not applied to invoice %s: %s", credit->number,
                 credit->referenced_number, credit_outcome_name(res.outcome));
}

bool invoice_record_one(struct store *st, const struct audit_key *key, struct invoice *inv, const char *debtor,
                         const char *message_id, const char *queue_id, struct strbuf *header, const char *note)
{
    struct track_context tc = {debtor, message_id, queue_id, "milter"};
    bool created = false;

    if (store_track_invoice(st, key, inv, &tc, NULL, &created) != STORE_OK)
        return false;
    if (header)
        header_add(header, created ? "tracked" : "already tracked", inv);
    log_info(queue_id, "%s %s %s from %s (%s, confidence %d), debtor=<%s>%s%s",
             created ? "tracked" : "already tracked", invoice_type_name(inv->type), inv->number,
             invoice_source_name(inv->source), inv->origin, inv->confidence, debtor, note ? ": " : "",
             note ? note : "");
    if (created && inv->type == INVOICE_TYPE_CREDIT_NOTE && inv->referenced_number[0] != '\0')
        apply_credit(st, key, inv, queue_id);
    return true;
}

