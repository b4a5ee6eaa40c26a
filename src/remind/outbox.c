/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * outbox.c - sends the queued mail about replies (see outbox.h).
 *
 * Each message is claimed before it is submitted (pending -> sending,
 * store_outbox_claim), as reminders are: of two senders at once (the
 * daemon's thread and relancectl run-due) only one submits it, and a
 * sender killed between its submission and its record leaves a claim
 * that the next run, after PendingTimeout, marks 'uncertain' and never
 * sends again (the MTA may have it: the operator checks the mail log).
 *
 * Retries wait 5 minutes, then twice as long each time (5, 10, 20, 40,
 * 80 minutes): long enough for a restarted MTA, short enough that a
 * creditor hears of a dispute the same day.
 */
#include "remind/outbox.h"

#include <string.h>

#include "core/calendar.h"
#include "lib/log.h"
#include "lib/submit.h"

#define OUTBOX_SUBMIT_TIMEOUT_S 120
#define OUTBOX_FIRST_RETRY_S 300

static void retry_time(time_t now, int attempts, char out[CALENDAR_UTC_MAX])
{
    time_t delay = (time_t)OUTBOX_FIRST_RETRY_S << (attempts < 10 ? attempts : 10);

    calendar_utc_text(now + delay, out);
}

static enum store_result send_one(const struct submit_spec *spec, struct store *st, const struct outbox_row *o,
                                  time_t now, const char *stamp, struct outbox_report *report)
{
    struct strlist rcpt;
    struct submit_envelope env = {o->sender, &rcpt};
    char why[256] = "", retry[CALENDAR_UTC_MAX];
    enum submit_result res;
    enum store_result r;
    char id[24];

    str_format(id, sizeof id, "outbox-%lld", (long long)o->id);
    r = store_outbox_claim(st, o->id);
    if (r == STORE_CONFLICT) {
        log_debug(id, "%s <%s> claimed by another sender", o->kind, o->message_id);
        return STORE_OK;
    }
    if (r != STORE_OK)
        return r;
    strlist_init(&rcpt);
    strlist_add(&rcpt, o->recipient);
    res = submit_message(spec, &env, o->data, o->len, OUTBOX_SUBMIT_TIMEOUT_S, why, sizeof why);
    strlist_free(&rcpt);
    if (res == SUBMIT_OK) {
        log_info(id, "%s <%s> sent to <%s>", o->kind, o->message_id, o->recipient);
        report->sent++;
        return store_outbox_done_at(st, o->id, "sent", NULL, "", stamp);
    }
    if (res == SUBMIT_AMBIGUOUS) {
        log_warning(id, "%s <%s> to <%s> may or may not have been handed to the MTA (%s): not retried",
                    o->kind, o->message_id, o->recipient, why);
        report->uncertain++;
        return store_outbox_done(st, o->id, "uncertain", NULL, why);
    }
    if (o->attempts + 1 >= OUTBOX_MAX_ATTEMPTS) {
        log_error(id, "%s <%s> to <%s> not sent after %d attempts: %s", o->kind, o->message_id, o->recipient,
                  o->attempts + 1, why);
        report->failed++;
        return store_outbox_done(st, o->id, "failed", NULL, why);
    }
    retry_time(now, o->attempts, retry);
    log_warning(id, "%s <%s> to <%s> not sent (%s): trying again at %s", o->kind, o->message_id, o->recipient,
                why, retry);
    report->retried++;
    return store_outbox_done(st, o->id, "pending", retry, why);
}

/* Claims nobody recorded within PendingTimeout: their sender died after
 * claiming, perhaps after submitting. Never sent again. */
static bool settle_stale(const struct config *cfg, struct store *st, struct outbox_report *report)
{
    char before[CALENDAR_UTC_MAX], id[24];
    struct outbox_list stale;
    enum store_result r = STORE_OK;

    calendar_utc_text(time(NULL) - (time_t)cfg->pending_timeout, before);
    if (store_outbox_list_stale(st, before, &stale) != STORE_OK) {
        log_error(NULL, "cannot read the outbox's claims: %s", store_last_error(st));
        return false;
    }
    for (size_t i = 0; i < stale.count && (r == STORE_OK || r == STORE_CONFLICT); i++) {
        const struct outbox_row *o = &stale.items[i];

        str_format(id, sizeof id, "outbox-%lld", (long long)o->id);
        r = store_outbox_abandon(st, o->id, "interrupted send: claimed and never recorded; it may have gone out: "
                                            "check the mail log");
        if (r == STORE_OK) {
            log_warning(id, "%s <%s> to <%s> was claimed at %s by a sender that never recorded its outcome: "
                            "marked uncertain, not sent again (check the mail log)",
                        o->kind, o->message_id, o->recipient, o->claimed_at);
            report->uncertain++;
        }
    }
    outbox_list_free(&stale);
    if (r != STORE_OK && r != STORE_CONFLICT) {
        log_error(NULL, "cannot settle the outbox's stale claims: %s", store_last_error(st));
        return false;
    }
    return true;
}

bool outbox_send_due(const struct config *cfg, struct store *st, time_t now, time_t moment,
                     struct outbox_report *report)
{
    struct submit_spec spec;
    struct outbox_list due;
    char at[CALENDAR_UTC_MAX], stamp[CALENDAR_UTC_MAX], why[256];
    enum store_result r;

    memset(report, 0, sizeof *report);
    if (!settle_stale(cfg, st, report))
        return false;
    calendar_utc_text(now, at);
    calendar_utc_text(moment, stamp);
    if (store_outbox_due(st, at, OUTBOX_BATCH, &due) != STORE_OK) {
        log_error(NULL, "cannot read the outbox: %s", store_last_error(st));
        return false;
    }
    if (due.count == 0) {
        outbox_list_free(&due);
        return true;
    }
    if (!submit_spec_parse(cfg->submit, &spec, why, sizeof why)) {
        log_error(NULL, "Submit: %s: %zu message(s) about replies wait in the outbox", why, due.count);
        outbox_list_free(&due);
        return true;
    }
    r = STORE_OK;
    for (size_t i = 0; i < due.count && (r == STORE_OK || r == STORE_CONFLICT); i++)
        r = send_one(&spec, st, &due.items[i], now, stamp, report);
    if (r == STORE_CONFLICT)
        r = STORE_OK; /* an outcome for a claim given up meanwhile: logged above */
    if (r != STORE_OK)
        log_error(NULL, "cannot record an outbox message's outcome: %s", store_last_error(st));
    submit_spec_free(&spec);
    outbox_list_free(&due);
    return r == STORE_OK;
}
