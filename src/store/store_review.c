/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_review.c - cases in review: a person's reply that relance could
 * not place holds the ladder until the operator decides (what the person
 * meant: a dispute, a promise, a payment) or until ReviewDays pass, when
 * the case goes back to open and the creditor is reminded once (see
 * store.h).
 *
 * The reminder goes in the same transaction as the status: the status
 * leaves review once, so the reminder is queued once, whichever runner
 * (daemon thread, relancectl run-due) gets there first. The review itself
 * starts in store_replies.c, with the reply.
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "lib/json.h"
#include "store/store.h"
#include "store/store_internal.h"
#include "store/store_transitions.h"

const char *review_decision_name(enum review_decision how)
{
    return how == REVIEW_DISPUTE ? "dispute" : how == REVIEW_PROMISE ? "promise" : "paid";
}

enum store_result store_lapsed_reviews(struct store *st, struct date today, int64_t **ids, size_t *count)
{
    static const char sql[] = "SELECT id FROM invoices WHERE status = 'review' AND paused_until IS NOT NULL"
                              " AND paused_until < ?1 ORDER BY id";
    char day[DATE_STR_MAX];
    sqlite3_stmt *stmt;
    size_t cap = 0;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    *ids = NULL;
    *count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare lapsed reviews");
    date_format(today, day);
    store_bind_text(stmt, 1, day);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            *ids = xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*count)++] = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "read lapsed reviews");
}

static enum store_result review_event(struct store *st, const struct audit_key *key, int64_t case_id,
                                      const char *kind, const char *actor, const char *k1, const char *v1,
                                      const char *until)
{
    struct strbuf detail;
    struct json j;
    enum store_result r;

    strbuf_init(&detail);
    json_init(&j, &detail, false);
    json_object_begin(&j);
    json_kv_string(&j, k1, v1);
    if (until)
        json_kv_string_or_null(&j, "until", until);
    json_object_end(&j);
    r = store_event_insert(st, key, case_id, kind, actor, detail.data);
    strbuf_free(&detail);
    return r;
}

static enum store_result end_in_transaction(struct store *st, const struct audit_key *key, int64_t case_id,
                                            const char *actor, const struct outbox_message *notice, bool *ended)
{
    char now[32];
    enum store_result r;

    store_now_text(now);
    r = store_case_transition(st, case_id, CASE_EVENT_REVIEW_EXPIRED, now, NULL);
    if (r == STORE_CONFLICT)
        return STORE_OK;
    if (r != STORE_OK)
        return r;
    *ended = true;
    r = review_event(st, key, case_id, "case-resumed", actor, "reason", "review ended without a decision", NULL);
    if (r == STORE_OK && notice != NULL)
        r = store_outbox_queue(st, notice, 0, now);
    return r;
}

enum store_result store_end_review(struct store *st, const struct audit_key *key, int64_t case_id,
                                   const char *actor, const struct outbox_message *notice, bool *ended)
{
    enum store_result r;

    *ended = false;
    if ((r = store_begin(st)) != STORE_OK)
        return r;
    r = store_finish(st, end_in_transaction(st, key, case_id, actor, notice, ended));
    if (r != STORE_OK)
        *ended = false;
    return r;
}

static enum store_result decide_in_transaction(struct store *st, const struct audit_key *key, int64_t case_id,
                                               enum review_decision how, struct date until, const char *actor,
                                               enum case_status *status_after)
{
    struct case_pause pause = {until, how == REVIEW_PROMISE ? "promise" : "paid"};
    struct case_row c;
    char now[32], day[DATE_STR_MAX];
    enum store_result r;

    store_now_text(now);
    r = store_case_transition(st, case_id, how == REVIEW_DISPUTE ? CASE_EVENT_DECIDED_DISPUTE : CASE_EVENT_DECIDED_PAUSE,
                              now, how == REVIEW_DISPUTE ? NULL : &pause);
    if (r != STORE_OK)
        return r;
    date_format(how == REVIEW_DISPUTE ? (struct date){0, 0, 0} : until, day);
    r = review_event(st, key, case_id, "case-resolved", actor, "resolution", review_decision_name(how), day);
    if (r == STORE_OK && (r = store_get_case(st, case_id, &c)) == STORE_OK)
        *status_after = c.status;
    return r;
}

enum store_result store_decide_review(struct store *st, const struct audit_key *key, int64_t case_id,
                                      enum review_decision how, struct date until, const char *actor,
                                      enum case_status *status_after)
{
    enum store_result r;

    if ((r = store_begin(st)) != STORE_OK)
        return r;
    return store_finish(st, decide_in_transaction(st, key, case_id, how, until, actor, status_after));
}
