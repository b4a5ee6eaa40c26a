/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_recover.c - the letter and the creditor's copy of a reminder
 * recorded as sent after an interruption (see scheduler_recover.h).
 *
 * A runner that dies between submitting a reminder and recording it
 * leaves it 'pending'; when the milter saw it pass, the next run records
 * it as sent (scheduler.c). The mail reached the debtor, so the letter
 * (LetterDirectory) and the creditor's copy are owed as for any reminder
 * that went out. They are composed again from the store, as at the
 * claim's moment, with the Message-ID, token and recipient it went out
 * with.
 */
#include "remind/scheduler_recover.h"

#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "remind/scheduler_copies.h"

static bool load_cases(struct scheduler_recovery *rec, const struct scheduler_ctx *x, const struct reminder_row *r,
                       size_t *count, char *why, size_t whylen)
{
    int64_t ids[GROUP_MAX_CASES];

    if (store_reminder_case_ids(x->run->st, r->id, ids, GROUP_MAX_CASES, count) != STORE_OK || *count == 0) {
        str_format(why, whylen, "its cases cannot be read: %s", *count ? "" : store_last_error(x->run->st));
        return false;
    }
    rec->cases = xcalloc(*count, sizeof *rec->cases);
    for (size_t i = 0; i < *count; i++) {
        if (store_get_due_case(x->run->st, ids[i], false, &rec->cases[i]) != STORE_OK) {
            str_format(why, whylen, "case %lld cannot be read", (long long)ids[i]);
            return false;
        }
        rec->ptrs[i] = &rec->cases[i];
    }
    return true;
}

bool scheduler_recovery_compose(const struct scheduler_ctx *x, const struct reminder_row *r,
                                struct scheduler_recovery *rec)
{
    const char *log_id = r->numbers[0] ? r->numbers : "-";
    char why[300] = "";
    size_t count = 0;
    time_t claimed;

    memset(rec, 0, sizeof *rec);
    rec->run = *x->run;
    /* Dated as the mail was: the claim's moment, unless this run is set
     * before it (relancectl run-due --now a past day), whose day stands. */
    if (calendar_parse_utc(r->created_at, &claimed) && claimed < rec->run.moment)
        rec->run.moment = claimed;
    rec->ctx_ready = scheduler_ctx_init(&rec->x, &rec->run, &rec->report);
    if (!rec->ctx_ready)
        str_format(why, sizeof why, "Submit is not valid");
    else if (load_cases(rec, x, r, &count, why, sizeof why))
        rec->composed = scheduler_compose_again(&rec->x, rec->ptrs, count, r, &rec->c, why, sizeof why);
    if (!rec->composed)
        log_error(log_id, "reminder %lld was sent but its letter and the creditor's copy cannot be made: %s",
                  (long long)r->id, why);
    return rec->composed;
}

void scheduler_recovery_copies(struct scheduler_recovery *rec, int64_t id)
{
    if (rec->composed)
        scheduler_after_sent(&rec->x, &rec->c, id);
}

void scheduler_recovery_free(struct scheduler_recovery *rec)
{
    if (rec->composed)
        scheduler_composed_free(&rec->c);
    if (rec->ctx_ready)
        submit_spec_free(&rec->x.submit);
    free(rec->cases);
    memset(rec, 0, sizeof *rec);
}
