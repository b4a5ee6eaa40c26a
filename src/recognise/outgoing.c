/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * outgoing.c - turns an outgoing message into cases (see outgoing.h).
 *
 * Order of work: scan (no store needed), then one store transaction per
 * invoice, invoices before credit notes so that a credit note can reduce
 * an invoice sent in the same message. A store failure stops the storing
 * but not the message: the caller applies On-DBError, and what was found
 * is still logged. Every document read but not tracked gets a log line
 * saying what it was and why.
 *
 * A store failure is said once per CATCHUP_LOG_INTERVAL_S, not once per
 * message (a locked database meets every invoice), and the message's
 * invoices wait in the catch-up queue (catchup.h) to be recorded when the
 * store is back; with On-DBError tempfail the MTA keeps the mail instead.
 *
 * A PDF whose reading the worker could not finish (it was killed at
 * PdfMaxTime, overran PdfMaxMemory, crashed) is hostile or broken input,
 * not a failure of relance: one warning, and the message is analysed
 * and delivered as if the PDF held nothing. A worker that cannot be run
 * at all is relance's failure: On-InternalError applies.
 */
#include "recognise/outgoing.h"

#include <stdlib.h>
#include <string.h>

#include "core/invoice_owner.h"
#include "lib/log.h"
#include "recognise/catchup.h"
#include "recognise/invoice_record.h"
#include "recognise/invoice_scan.h"
#include "store/store_messages.h"

void outgoing_scan_limits(const struct config *cfg, struct scan_limits *limits)
{
    scan_limits_default(limits);
    limits->max_parts = (int)cfg->max_mime_parts;
    limits->max_depth = (int)cfg->max_mime_depth;
    limits->max_part_size = (size_t)cfg->max_message_size;
    limits->pdf_max_pages = (int)cfg->pdf_max_pages;
    limits->pdf_max_text = (size_t)cfg->pdf_max_text;
    limits->pdf_max_ms = (unsigned)cfg->pdf_max_time * 1000u;
    limits->pdf_max_memory = (size_t)cfg->pdf_max_memory;
    limits->pdf_max_files = (int)cfg->pdf_max_files;
    limits->pdf_max_decoded = (size_t)cfg->pdf_max_decoded;
    /* Never NULL: relanced and relancectl always read PDFs in the worker. */
    limits->pdf_worker = cfg->pdf_worker != NULL ? cfg->pdf_worker : "";
    limits->default_terms_days = (int)cfg->default_terms;
    limits->min_text_confidence = (int)cfg->min_confidence;
}

static const char *domain_of(const char *address)
{
    const char *at = address ? strrchr(address, '@') : NULL;
    return at ? at + 1 : "";
}

void outgoing_choose_debtor(const struct invoice *inv, const struct envelope *env, char *out, size_t size)
{
    const char *sender_domain = domain_of(env->sender);
    const struct strlist *rcpts = env->recipients;

    out[0] = '\0';
    if (inv->buyer_email[0] && str_is_email(inv->buyer_email)) {
        str_copy(out, size, inv->buyer_email);
        return;
    }
    if (rcpts == NULL || rcpts->count == 0)
        return;
    for (size_t i = 0; i < rcpts->count; i++) {
        if (str_is_email(rcpts->items[i]) && strcasecmp(domain_of(rcpts->items[i]), sender_domain) != 0) {
            str_copy(out, size, rcpts->items[i]);
            return;
        }
    }
    if (str_is_email(rcpts->items[0]))
        str_copy(out, size, rcpts->items[0]);
}

static void log_notes(const struct envelope *env, const struct invoice_scan *scan)
{
    for (size_t i = 0; i < scan->notes.count; i++)
        log_info(env->queue_id, "note: %s", scan->notes.items[i]);
    for (size_t i = 0; i < scan->unreadable.count; i++)
        log_warning(env->queue_id, "%s", scan->unreadable.items[i]);
    for (size_t i = 0; i < scan->failures.count; i++)
        log_error(env->queue_id, "%s", scan->failures.items[i]);
}

/* One line per document read but not tracked: what, from where, why. An
 * invoice or credit note left untracked is news for the admin (notice); a
 * quote, an order, a receipt is ordinary mail that says what it is: info,
 * so that LogLevel notice stays quiet on the company's everyday mail. */
static enum log_level rejection_level(const struct invoice_rejection *r)
{
    return strcmp(r->kind, "invoice") == 0 || strcmp(r->kind, "credit note") == 0 ||
                   strcmp(r->kind, "credit_note") == 0
               ? LOG_LEVEL_NOTICE
               : LOG_LEVEL_INFO;
}

static void log_rejections(const struct envelope *env, const struct invoice_scan *scan)
{
    for (size_t i = 0; i < scan->rejected_count; i++) {
        const struct invoice_rejection *r = &scan->rejected[i];

        log_msg(rejection_level(r), env->queue_id,
                "not tracked: %s %s from %s (%s), confidence %d: %s", r->kind,
                r->inv.number[0] ? r->inv.number : "(no number)", invoice_source_name(r->inv.source),
                r->inv.origin, r->inv.confidence, r->why);
    }
}

/* Seller unknown (text invoices): the sending domain stands for it, so
 * that (seller, number) still names one case. */
static void fill_seller(struct invoice *inv, const struct envelope *env)
{
    if (inv->seller_name[0] == '\0')
        str_copy(inv->seller_name, sizeof inv->seller_name, domain_of(env->sender));
}

/* The store's failure, once per interval whatever the number of messages. */
static void log_store_failure(const char *queue_id, const char *what)
{
    log_every("database", CATCHUP_LOG_INTERVAL_S, LOG_LEVEL_ERROR, queue_id,
              "%s; database errors: invoices queued for catch-up (%zu message(s) waiting), logged at most once"
              " every %ds", what, catchup_pending() + 1, CATCHUP_LOG_INTERVAL_S);
}

/* Whether the invoice is the creditor's own; the log says why not. A
 * supplier's invoice forwarded by accounting, or another seller's credit
 * note, must not become a case against its buyer (us). */
static bool is_ours(const struct config *cfg, const struct invoice *inv, const struct envelope *env)
{
    struct owner_decision d;

    invoice_owner_decide(cfg->creditor_name, &cfg->creditor_ids, inv, &d);
    if (invoice_owner_tracked(d.verdict)) {
        log_debug(env->queue_id, "%s %s: %s", invoice_type_name(inv->type), inv->number, d.why);
        return true;
    }
    log_notice(env->queue_id, "not tracked: %s %s from %s (%s): %s", invoice_type_name(inv->type), inv->number,
               invoice_source_name(inv->source), inv->origin, d.why);
    return false;
}

/* A copy of the mail for the court file, once per case it created; a
 * failure is logged and changes nothing else. */
static void keep_copy(const struct config *cfg, struct store *st, const struct audit_key *key,
                      const struct envelope *env, const char *data, size_t len)
{
    size_t cases = 0;

    if (store_keep_invoice_message(st, key, env->message_id, env->queue_id, data, len,
                                   (size_t)cfg->archive_max_size, &cases) != STORE_OK)
        log_error(env->queue_id, "invoice mail not kept for the court file: %s", store_last_error(st));
    else if (cases > 0)
        log_debug(env->queue_id, "invoice mail kept for %zu case(s)", cases);
}

/* The message's invoices that are the creditor's, debtor chosen, in the
 * order they are recorded: invoices first, a credit note may correct one
 * sent alongside. Returns how many (at most cap). */
static size_t ours_in_order(const struct config *cfg, struct invoice_scan *scan, const struct envelope *env,
                            struct catchup_invoice *out, size_t cap)
{
    size_t n = 0;

    for (int pass = 0; pass < 2; pass++) {
        enum invoice_type wanted = pass == 0 ? INVOICE_TYPE_INVOICE : INVOICE_TYPE_CREDIT_NOTE;

        for (size_t i = 0; i < scan->invoices.count && n < cap; i++) {
            struct invoice *inv = &scan->invoices.items[i];

            if (inv->type != wanted || !is_ours(cfg, inv, env))
                continue;
            fill_seller(inv, env);
            out[n].inv = *inv;
            outgoing_choose_debtor(inv, env, out[n].debtor, sizeof out[n].debtor);
            n++;
        }
    }
    return n;
}

static enum outgoing_result store_invoices(const struct config *cfg, struct store_pool *pool,
                                           const struct audit_key *key, struct invoice_scan *scan,
                                           const struct envelope *env, const char *data, size_t len,
                                           struct strbuf *header)
{
    char why[256];
    struct store *st;
    struct catchup_invoice *items = xcalloc(scan->invoices.count, sizeof *items);
    size_t count = ours_in_order(cfg, scan, env, items, scan->invoices.count);
    enum outgoing_result result = OUTGOING_OK;

    if (count == 0) {
        free(items);
        return OUTGOING_OK;
    }
    st = store_pool_get(pool, why, sizeof why);
    if (st == NULL) {
        char unavailable[300];

        str_format(unavailable, sizeof unavailable, "database unavailable: %s", why);
        str_copy(why, sizeof why, unavailable);
        result = OUTGOING_DB_ERROR;
    } else {
        for (size_t i = 0; i < count && result == OUTGOING_OK; i++) {
            if (!invoice_record_one(st, key, &items[i].inv, items[i].debtor, env->message_id, env->queue_id,
                                     header, NULL)) {
                str_format(why, sizeof why, "cannot record %s %s: %s", invoice_type_name(items[i].inv.type),
                           items[i].inv.number, store_last_error(st));
                result = OUTGOING_DB_ERROR;
            }
        }
        if (result == OUTGOING_OK)
            keep_copy(cfg, st, key, env, data, len);
        store_pool_put(pool, st);
    }
    if (result == OUTGOING_DB_ERROR) {
        log_store_failure(env->queue_id, why);
        /* Whole: what was recorded is recorded again as "already tracked". */
        if (cfg->on_db_error != ON_ERROR_TEMPFAIL)
            catchup_add(env->queue_id, env->message_id, items, count, data, len);
    }
    free(items);
    return result;
}

enum outgoing_result outgoing_process(const struct config *cfg, struct store_pool *pool,
                                      const struct audit_key *key, const char *data, size_t len,
                                      const struct envelope *env, struct strbuf *header_value)
{
    struct scan_limits limits;
    struct invoice_scan scan;
    enum outgoing_result result = OUTGOING_OK;

    outgoing_scan_limits(cfg, &limits);
    invoice_scan_init(&scan);
    invoice_scan_message(data, len, &limits, &scan);
    log_notes(env, &scan);
    log_rejections(env, &scan);
    if (scan.invoices.count == 0)
        log_info(env->queue_id, "analysed %zu bytes from <%s>: no invoice", len, env->sender);
    else
        result = store_invoices(cfg, pool, key, &scan, env, data, len, header_value);
    if (result == OUTGOING_OK && scan.failures.count > 0)
        result = OUTGOING_INTERNAL_ERROR;
    invoice_scan_free(&scan);
    return result;
}
