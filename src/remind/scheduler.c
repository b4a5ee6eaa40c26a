/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler.c - the due work (see scheduler.h): whether reminders may go
 * out at all, settling what an interrupted run left, selecting and
 * grouping the due cases, and for each debtor's group: claim, submit (or
 * write the dry run), record.
 *
 * Order of a reminder's life, for the "exactly once" promise: the
 * Message-ID and token are decided, the message is built, the store claims
 * the step ('pending', in one transaction), only then is it submitted, and
 * the outcome is recorded after. A crash between submission and recording
 * leaves a 'pending' row whose Message-ID the milter marks when it sees
 * the mail pass: the next run settles it as sent, or holds it. Never a
 * second submission without the operator. Both halves of that recovery,
 * the sighting and the settling, are here.
 *
 * It does not compose a reminder (scheduler_compose.c), write its files or
 * the creditor's copy (scheduler_copies.c), or run on a timer
 * (scheduler_thread.c); nor does it render templates (template.c), compute
 * amounts (reminder_content.c), build MIME (reminder.c) or talk to the MTA
 * (submit.c). It decides what happens, in what order.
 */
#include "remind/scheduler.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/calendar.h"
#include "lib/log.h"
#include "lib/submit.h"
#include "lib/token.h"
#include "remind/ladder_choice.h"
#include "remind/outbox.h"
#include "remind/reminder.h"
#include "remind/scheduler_compose.h"
#include "remind/review_lapse.h"
#include "remind/scheduler_context.h"
#include "remind/scheduler_copies.h"
#include "remind/scheduler_recover.h"
#include "remind/scheduler_tasks.h"
#include "store/store_messages.h"

/* ---- readiness ---- */

static bool step_needs_creditor(const struct ladder_step *s)
{
    return s->copy || s->action == LADDER_COURT;
}

static bool ladder_needs_creditor_email(const struct config *cfg)
{
    return ladder_any_step(cfg, step_needs_creditor);
}

void scheduler_missing_keys(const struct config *cfg, struct strbuf *out)
{
    const struct {
        const char *name, *value;
    } required[] = {
        {"CreditorName", cfg->creditor_name},
        {"AgencyName", cfg->agency_name},
        {"AgencySender", cfg->agency_sender},
        {"ReplyAddress", cfg->reply_address},
    };

    for (size_t i = 0; i < ARRAY_LEN(required); i++)
        if (required[i].value == NULL || required[i].value[0] == '\0')
            strbuf_printf(out, "%s%s", out->len ? ", " : "", required[i].name);
    if (ladder_needs_creditor_email(cfg) && cfg->creditor_email[0] == '\0')
        strbuf_printf(out, "%sCreditorEmail", out->len ? ", " : "");
}

/* ---- the milter's side ---- */

bool scheduler_note_sighting(struct store_pool *pool, const struct audit_key *key, const char *queue_id,
                             const char *message_id, const char *marker)
{
    struct reply_token token;
    struct store *st;
    char why[256];
    enum store_result r;

    if (!token_verify(key, marker, &token)) {
        log_warning(queue_id, "%s header does not verify: read like any other message", REMINDER_MARKER_HEADER);
        return false;
    }
    st = store_pool_get(pool, why, sizeof why);
    if (st == NULL) {
        log_error(queue_id, "relance's own message <%s> passed, sighting not recorded: %s",
                  message_id ? message_id : "", why);
        return true;
    }
    r = store_reminder_seen(st, message_id ? message_id : "", marker);
    if (r == STORE_OK)
        log_info(queue_id, "relance's reminder <%s> (case %lld, step %d) passed: accepted unread",
                 message_id, (long long)token.case_id, token.step);
    else if (r == STORE_NOT_FOUND)
        log_info(queue_id, "relance's own message <%s> (case %lld) passed: accepted unread",
                 message_id ? message_id : "", (long long)token.case_id);
    else
        log_error(queue_id, "relance's reminder <%s> passed, sighting not recorded: %s",
                  message_id ? message_id : "", store_last_error(st));
    store_pool_put(pool, st);
    return true;
}

/* ---- settling what a dead runner left ---- */

static bool step_is_court(const struct ladder_steps *steps, int step)
{
    return step >= 1 && (size_t)step <= steps->count && steps->items[step - 1].action == LADDER_COURT;
}

/* A reminder row names its step: found in whichever ladder has it. */
static bool reminder_is_court(const struct config *cfg, const struct reminder_row *r)
{
    const struct ladder_step *s = ladder_step_named(cfg, r->step_name);

    return s != NULL ? s->action == LADDER_COURT : step_is_court(&cfg->steps, r->step);
}

static void settle_stale(struct scheduler_ctx *x, const struct reminder_row *r)
{
    const struct scheduler_run *run = x->run;
    const char *id = r->numbers[0] ? r->numbers : "-";
    enum store_result res;

    if (r->mta_seen_at[0]) {
        struct scheduler_recovery rec;

        /* Composed before it is recorded: its history must not list it. */
        scheduler_recovery_compose(x, r, &rec);
        res = store_reminder_sent(run->st, run->key, r->id, reminder_is_court(x->cfg, r), run->actor,
                                  "recorded after an interrupted run: the MTA had the message");
        if (res == STORE_OK) {
            log_notice(id, "reminder %lld (step %d) was submitted before an interruption and seen by the MTA "
                           "at %s: recorded as sent", (long long)r->id, r->step, r->mta_seen_at);
            x->report->recovered++;
            scheduler_recovery_copies(&rec, r->id);
        }
        scheduler_recovery_free(&rec);
    } else {
        res = store_reminder_held(run->st, run->key, r->id, run->actor,
                                  "interrupted run: no trace of the message in the MTA; check the mail log, "
                                  "then relancectl release --sent or --retry");
        if (res == STORE_OK) {
            log_warning(id, "reminder %lld (step %d, Message-ID <%s>) was interrupted and never seen by the "
                            "MTA: held for the operator", (long long)r->id, r->step, r->message_id);
            x->report->held++;
        }
    }
    if (res != STORE_OK && res != STORE_CONFLICT)
        log_error(id, "cannot settle reminder %lld: %s", (long long)r->id, store_last_error(run->st));
}

static bool settle_stale_reminders(struct scheduler_ctx *x)
{
    char before[CALENDAR_UTC_MAX];
    struct reminder_list stale;
    enum store_result r;

    calendar_utc_text(time(NULL) - (time_t)x->cfg->pending_timeout, before);
    r = store_list_stale_reminders(x->run->st, before, &stale);
    if (r != STORE_OK) {
        log_error(NULL, "cannot read pending reminders: %s", store_last_error(x->run->st));
        return false;
    }
    for (size_t i = 0; i < stale.count; i++)
        settle_stale(x, &stale.items[i]);
    reminder_list_free(&stale);
    return true;
}

/* ---- selection ---- */

/* A debtor's reminder of the run: the most advanced step due, in the
 * currency of its first case at that step (one mail per debtor per run).
 * The cases are copies: the rows they came from are gone. */
struct group {
    int64_t debtor_id;
    int step;
    char ladder[LADDER_NAME_MAX]; /* the cases' ladder: one mail follows one ladder */
    char currency[4];
    struct due_case *copies; /* GROUP_MAX_CASES of them, allocated once */
    const struct due_case *cases[GROUP_MAX_CASES];
    size_t count;
};

/* The due work is read a page of debtors at a time and sent page by page,
 * so that neither the daemon nor relancectl ever holds the whole book:
 * at most PLAN_DEBTORS groups of GROUP_MAX_CASES cases each. */
#define PLAN_DEBTORS 64

struct plan {
    struct scheduler_ctx *x;
    struct group items[PLAN_DEBTORS];
    size_t count;
    int64_t last_debtor; /* the debtor of the last row taken */
    bool full;           /* stopped at a debtor the page has no room for */
};

static struct date local_date_of(const struct calendar_zone *zone, const char *utc_text)
{
    struct date none = {0, 0, 0};
    time_t t;

    if (!calendar_parse_utc(utc_text, &t))
        return none;
    return calendar_zone_local(zone, t).date;
}

static int due_step(const struct scheduler_ctx *x, const struct due_case *dc)
{
    struct ladder_case lc;
    int step;

    if (dc->busy || dc->c.debtor_email[0] == '\0')
        return LADDER_NONE;
    if (dc->c.balance < x->cfg->minimum_amount)
        return LADDER_NONE;
    lc.due = dc->c.inv.due_date;
    lc.level = dc->c.level;
    lc.last_step = local_date_of(x->cfg->timezone, dc->last_step_at);
    lc.resumed = local_date_of(x->cfg->timezone, dc->resumed_at);
    lc.courtesy_done = dc->courtesy_done;
    step = ladder_due_step(ladder_steps_named(x->cfg, dc->c.ladder, NULL), (int)x->cfg->courtesy_days, &lc,
                           x->local.date);
    /* An address that bounced gets no more mail; the court file goes to
     * the creditor, not to it, and still goes out when due, as a task
     * (a person calls or visits: no mail) does. */
    if (dc->undeliverable && !step_is_court(ladder_steps_named(x->cfg, dc->c.ladder, NULL), step) &&
        !(step >= 1 && ladder_steps_named(x->cfg, dc->c.ladder, NULL)->items[step - 1].action == LADDER_TASK))
        return LADDER_NONE;
    return step;
}

static void group_start(struct group *g, const struct due_case *dc, int step)
{
    g->debtor_id = dc->c.debtor_id;
    g->step = step;
    str_copy(g->ladder, sizeof g->ladder, dc->c.ladder);
    str_copy(g->currency, sizeof g->currency, dc->c.inv.currency);
    g->count = 0;
}

/* Keeps what the debtor's mail will carry: a more advanced step replaces
 * the group; the same step in the same currency joins it (a bounded
 * mail: the rest waits for the next day's reminder); anything else waits. */
static void group_take(struct group *g, const struct due_case *dc, int step)
{
    if (step > g->step)
        group_start(g, dc, step);
    else if (step < g->step || strcmp(g->currency, dc->c.inv.currency) != 0 || strcmp(g->ladder, dc->c.ladder) != 0)
        return;
    if (g->count < GROUP_MAX_CASES) {
        g->copies[g->count] = *dc;
        g->cases[g->count] = &g->copies[g->count];
        g->count++;
    }
}

static bool follow_ladder(struct scheduler_ctx *x, struct due_case *dc);

/* One row of the due work, in debtor order. The row is read into a copy:
 * the case's ladder may be chosen (and recorded) on the way. */
static bool plan_take(const struct due_case *row, void *arg)
{
    struct plan *p = arg;
    struct group *g = p->count > 0 ? &p->items[p->count - 1] : NULL;
    struct due_case copy = *row;
    const struct due_case *dc = &copy;
    int step;

    if (dc->c.debtor_id != p->last_debtor) {
        if (p->count == PLAN_DEBTORS) {
            p->full = true;
            return false;
        }
        p->last_debtor = dc->c.debtor_id;
    }
    if (!follow_ladder(p->x, &copy))
        return true;
    if ((step = due_step(p->x, dc)) == LADDER_NONE)
        return true;
    if (g == NULL || g->debtor_id != dc->c.debtor_id) {
        g = &p->items[p->count++];
        if (g->copies == NULL)
            g->copies = xmalloc(GROUP_MAX_CASES * sizeof *g->copies);
        group_start(g, dc, step);
    }
    group_take(g, dc, step);
    return true;
}

/* ---- claiming, sending, recording ---- */

enum sent_outcome { OUTCOME_DONE, OUTCOME_SKIPPED, OUTCOME_STORE_FAILED };

static enum store_result claim(const struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t *id)
{
    struct claim_item items[GROUP_MAX_CASES];
    const char *recipient = x->cfg->redirect_to[0] ? x->cfg->redirect_to : c->recipient;
    struct reminder_claim cl = {c->lines[0].dc->c.debtor_id, c->step_number, c->step->name, c->message_id,
                                c->token, c->sender_address, recipient, x->at, x->day_start, x->day_end,
                                x->cfg->dry_run, items, c->count};

    for (size_t i = 0; i < c->count; i++) {
        items[i].case_id = c->lines[i].dc->c.id;
        /* The courtesy notice goes before step 1, at level 0. */
        items[i].expected_level = c->lines[i].dc->c.level;
        items[i].principal = c->lines[i].principal;
        items[i].penalties = c->lines[i].penalties;
        items[i].indemnity = c->lines[i].indemnity;
    }
    return store_claim_reminder(x->run->st, &cl, id);
}

static enum sent_outcome dry_run(struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id)
{
    const char *log_id = c->lines[0].dc->c.inv.number;
    char why[300];
    char *path = scheduler_write_dry_run(x, c, id, why, sizeof why);
    enum store_result r;

    if (path == NULL) {
        r = store_reminder_failed(x->run->st, x->run->key, id, x->run->actor, why);
        log_error(log_id, "dry run of reminder %lld failed: %s", (long long)id, why);
        x->report->failed++;
    } else {
        r = store_reminder_dry_run(x->run->st, x->run->key, id, x->run->actor, path);
        log_notice(log_id, "DryRun: step %d (%s) for <%s> written to %s", c->step_number, c->step->name,
                   c->recipient, path);
        free(scheduler_write_letter(x, c, x->cfg->dry_run_dir, id));
        x->report->dry_runs++;
    }
    free(path);
    return r == STORE_OK ? OUTCOME_DONE : OUTCOME_STORE_FAILED;
}

static void log_sent(const struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id)
{
    struct strbuf numbers;

    strbuf_init(&numbers);
    for (size_t i = 0; i < c->count; i++)
        strbuf_printf(&numbers, "%s%s", i ? ", " : "", c->lines[i].dc->c.inv.number);
    log_notice(c->lines[0].dc->c.inv.number,
               "step %d (%s) sent to <%s>%s%s from <%s>: reminder %lld, %zu invoice(s) %s, Message-ID <%s>",
               c->step_number, c->step->name, x->cfg->redirect_to[0] ? x->cfg->redirect_to : c->recipient,
               x->cfg->redirect_to[0] ? " instead of " : "", x->cfg->redirect_to[0] ? c->recipient : "",
               c->sender_address, (long long)id, c->count, numbers.data, c->message_id);
    strbuf_free(&numbers);
}

static enum sent_outcome record_submission(struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id,
                                           enum submit_result sr, const char *error)
{
    const char *log_id = c->lines[0].dc->c.inv.number;
    const struct scheduler_run *run = x->run;
    enum store_result r;

    if (sr == SUBMIT_OK) {
        char *note = x->cfg->redirect_to[0] ? xasprintf("RedirectTo: sent to %s instead of %s",
                                                        x->cfg->redirect_to, c->recipient)
                                            : NULL;
        r = store_reminder_sent(run->st, run->key, id, c->court, run->actor, note);
        free(note);
        if (r != STORE_OK) {
            /* Submitted but not recorded: the row stays 'pending' and the
             * next run settles it from the milter's sighting. */
            log_error(log_id, "reminder %lld went out but could not be recorded (%s): it will be settled "
                              "by a later run", (long long)id, store_last_error(run->st));
            return OUTCOME_STORE_FAILED;
        }
        log_sent(x, c, id);
        /* The reminder as submitted, for the court file. */
        if (store_keep_reminder_message(run->st, run->key, id, c->mail, c->mail_len,
                                        (size_t)x->cfg->archive_max_size, &(size_t){0}) != STORE_OK)
            log_error(log_id, "reminder %lld not kept for the court file: %s", (long long)id,
                      store_last_error(run->st));
        x->report->sent++;
        scheduler_after_sent(x, c, id);
        return OUTCOME_DONE;
    }
    if (sr == SUBMIT_DEFINITE) {
        r = store_reminder_failed(run->st, run->key, id, run->actor, error);
        log_error(log_id, "step %d for <%s> not handed to the MTA (%s): will be tried again", c->step_number,
                  c->recipient, error);
        x->report->failed++;
    } else {
        r = store_reminder_held(run->st, run->key, id, run->actor, error);
        log_error(log_id, "step %d for <%s>: the MTA may or may not have it (%s): held for the operator "
                          "(relancectl reminders --held)", c->step_number, c->recipient, error);
        x->report->held++;
    }
    return r == STORE_OK ? OUTCOME_DONE : OUTCOME_STORE_FAILED;
}

static enum sent_outcome submit_and_record(struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id)
{
    struct strlist rcpt;
    char error[300];
    enum submit_result sr;

    strlist_init(&rcpt);
    strlist_add(&rcpt, x->cfg->redirect_to[0] ? x->cfg->redirect_to : c->recipient);
    {
        struct submit_envelope env = {c->reply_address, &rcpt};
        sr = submit_message(&x->submit, &env, c->mail, c->mail_len, SUBMIT_TIMEOUT_S, error, sizeof error);
    }
    strlist_free(&rcpt);
    if (sr == SUBMIT_OK && getenv(SCHEDULER_CRASH_ENV) != NULL) {
        log_warning(c->lines[0].dc->c.inv.number, "%s is set: stopping before recording reminder %lld",
                    SCHEDULER_CRASH_ENV, (long long)id);
        _exit(99);
    }
    return record_submission(x, c, id, sr, error);
}

static enum sent_outcome send_group(struct scheduler_ctx *x, const struct group *g)
{
    /* A step done by people: a task instead of a mail; a rehearsal
     * (DryRun) creates none, and its ladder stops there. */
    const struct ladder_steps *steps = ladder_steps_named(x->cfg, g->cases[0]->c.ladder, NULL);

    if (g->step >= 1 && (size_t)g->step <= steps->count && steps->items[g->step - 1].action == LADDER_TASK) {
        if (x->cfg->dry_run) {
            log_notice(g->cases[0]->c.inv.number, "DryRun: step %d (%s) for <%s> would create a task: none created",
                       g->step, steps->items[g->step - 1].name, g->cases[0]->c.debtor_email);
            x->report->skipped++;
            return OUTCOME_SKIPPED;
        }
        return scheduler_create_task(x, g->cases, g->count, g->step) ? OUTCOME_DONE : OUTCOME_STORE_FAILED;
    }
    const char *log_id = g->cases[0]->c.inv.number;
    struct scheduler_composed c;
    char why[300];
    int64_t id = 0;
    enum store_result r;
    enum sent_outcome outcome;

    if (!scheduler_compose(x, g->cases, g->count, g->step, &c, why, sizeof why)) {
        log_error(log_id, "step %d for <%s> not sent: %s", g->step, g->cases[0]->c.debtor_email, why);
        scheduler_composed_free(&c);
        x->report->skipped++;
        return strncmp(why, "database:", 9) == 0 ? OUTCOME_STORE_FAILED : OUTCOME_SKIPPED;
    }
    r = claim(x, &c, &id);
    if (r == STORE_CONFLICT) {
        log_info(log_id, "step %d for <%s>: already claimed, or the debtor had a reminder today, or the case "
                         "changed: nothing sent", g->step, c.recipient);
        scheduler_composed_free(&c);
        x->report->skipped++;
        return OUTCOME_SKIPPED;
    }
    if (r != STORE_OK) {
        log_error(log_id, "cannot claim step %d: %s", g->step, store_last_error(x->run->st));
        scheduler_composed_free(&c);
        return OUTCOME_STORE_FAILED;
    }
    outcome = x->cfg->dry_run ? dry_run(x, &c, id) : submit_and_record(x, &c, id);
    scheduler_composed_free(&c);
    return outcome;
}

/* ---- the run ---- */

static int earliest_first_step(const struct config *cfg)
{
    int days = cfg->steps.count > 0 ? cfg->steps.items[0].delay : LADDER_MAX_DELAY;

    for (size_t i = 0; i < cfg->ladders.count; i++)
        if (cfg->ladders.items[i].steps.count > 0 && cfg->ladders.items[i].steps.items[0].delay < days)
            days = cfg->ladders.items[i].steps.items[0].delay;
    return days;
}

/* The case's ladder: the one recorded, else the one the rules choose,
 * recorded when its first step is due (a courtesy notice is no step).
 * Without named ladders nor rules there is nothing to choose: the default
 * ladder, nothing recorded. False: leave the case for the next run. */
static bool follow_ladder(struct scheduler_ctx *x, struct due_case *dc)
{
    struct ladder_choice ch;
    enum store_result r;
    int step;

    if (!ladder_choice_configured(x->cfg) || dc->busy || dc->c.debtor_email[0] == '\0')
        return true;
    /* Steps sent before ladders were chosen (an older version, or no
     * named ladder then): the default ladder, which it has been following. */
    if (dc->c.ladder[0] == '\0' && dc->c.level > 0)
        return true;
    if (dc->c.ladder[0] != '\0') {
        if (ladder_set_find(&x->cfg->ladders, dc->c.ladder) == NULL && strcmp(dc->c.ladder, LADDER_DEFAULT_NAME) != 0)
            log_warning(dc->c.inv.number, "case %lld follows ladder %s, which is no longer configured: the default "
                                          "ladder applies", (long long)dc->c.id, dc->c.ladder);
        return true;
    }
    /* Before the earliest first step of any ladder nothing can be due:
     * no need to read the debtor's history yet. */
    if (date_compare(x->local.date, date_add_days(dc->c.inv.due_date, earliest_first_step(x->cfg))) < 0)
        return true;
    if (!ladder_choose(x->cfg, x->run->st, &dc->c, &ch)) {
        log_error(dc->c.inv.number, "cannot choose a ladder: %s", store_last_error(x->run->st));
        return false;
    }
    str_copy(dc->c.ladder, sizeof dc->c.ladder, ch.name);
    step = due_step(x, dc);
    /* Not due yet: followed for this run, chosen afresh at the next. */
    if (step == LADDER_NONE || step == LADDER_COURTESY)
        return true;
    r = store_set_case_ladder(x->run->st, x->run->key, dc->c.id, ch.name, ch.why, x->run->actor);
    if (r != STORE_OK && r != STORE_CONFLICT) {
        log_error(dc->c.inv.number, "cannot record the ladder: %s", store_last_error(x->run->st));
        return false;
    }
    log_info(dc->c.inv.number, "case %lld follows ladder %s: %s", (long long)dc->c.id, ch.name, ch.why);
    return true;
}

/* For each level, the latest due date that may have a step due today in
 * any ladder: the least delay of the next step among the ladders, before
 * today (its interval after the last step only comes later); at level 0,
 * the courtesy notice goes up to CourtesyDays before the due date. Cases
 * due later are not read. */
static void due_cutoff(const struct scheduler_ctx *x, struct due_filter *f)
{
    const struct ladder_steps *sets[1 + LADDER_MAX_NAMED];
    size_t nsets = 0;

    sets[nsets++] = &x->cfg->steps;
    for (size_t i = 0; i < x->cfg->ladders.count && nsets < ARRAY_LEN(sets); i++)
        sets[nsets++] = &x->cfg->ladders.items[i].steps;
    f->max_level = -1;
    for (size_t i = 0; i < nsets; i++)
        if ((int)sets[i]->count - 1 > f->max_level)
            f->max_level = (int)sets[i]->count - 1;
    for (int level = 0; level <= f->max_level; level++) {
        int delay = LADDER_MAX_DELAY;
        for (size_t i = 0; i < nsets; i++)
            if ((size_t)level < sets[i]->count && sets[i]->items[level].delay < delay)
                delay = sets[i]->items[level].delay;
        int ahead = -delay;
        if (level == 0 && x->cfg->courtesy_days > 0)
            ahead = (int)x->cfg->courtesy_days;
        date_format(date_add_days(x->local.date, ahead), f->latest_due[level]);
    }
}

static bool send_due(struct scheduler_ctx *x)
{
    struct due_filter f = {x->cfg->dry_run, 0, 0, {""}};
    struct plan *plan;
    bool ok = true;

    if (x->cfg->steps.count == 0)
        return true;
    due_cutoff(x, &f);
    plan = xcalloc(1, sizeof *plan);
    plan->x = x;
    do {
        plan->count = 0;
        plan->full = false;
        plan->last_debtor = f.after_debtor;
        if (store_each_due_case(x->run->st, &f, plan_take, plan) != STORE_OK) {
            log_error(NULL, "cannot read the cases: %s", store_last_error(x->run->st));
            ok = false;
            break;
        }
        /* A page stops before the first row of a debtor it has no room
         * for: the next page starts with that debtor. */
        f.after_debtor = plan->last_debtor;
        for (size_t i = 0; i < plan->count && ok; i++)
            ok = send_group(x, &plan->items[i]) != OUTCOME_STORE_FAILED;
    } while (ok && plan->full);
    for (size_t i = 0; i < PLAN_DEBTORS; i++)
        free(plan->items[i].copies);
    free(plan);
    return ok;
}

/* Pauses end on their own (a promise's date and grace, a payment's
 * verification period): from the run's day on, the ladder takes the case
 * again. Disputes never end here. */
static bool resume_expired_pauses(struct scheduler_ctx *x)
{
    int count = 0;

    if (store_resume_expired_pauses(x->run->st, x->run->key, x->local.date, x->run->actor, &count) != STORE_OK) {
        log_error(NULL, "cannot end expired pauses: %s", store_last_error(x->run->st));
        return false;
    }
    if (count > 0)
        log_info(NULL, "%d paused case(s) resumed: their pause ended", count);
    x->report->resumed += count;
    return true;
}

/* Mail about replies left in the outbox (the daemon's thread sends it at
 * once; run-due from cron is the other way out). Real time decides what is
 * due (a notice is due when it was written); what is sent is recorded at
 * the run's moment, as reminders are, so that the ladder's interval after
 * the answer to a resolved dispute counts from the run's calendar. */
static bool send_outbox(struct scheduler_ctx *x)
{
    struct outbox_report out;
    bool ok = outbox_send_due(x->cfg, x->run->st, time(NULL), x->run->moment, &out);

    x->report->notices += out.sent;
    return ok;
}

/* TaskDigest: queued once a day, after the day's tasks, and sent now. */
static bool send_task_digest(struct scheduler_ctx *x)
{
    bool queued = false;

    if (!scheduler_task_digest(x, &queued))
        return false;
    return !queued || send_outbox(x);
}

bool scheduler_run_due(const struct scheduler_run *run, struct scheduler_report *report)
{
    struct strbuf missing;
    struct scheduler_ctx x;
    bool ok;

    if (!scheduler_ctx_init(&x, run, report))
        return true;
    ok = settle_stale_reminders(&x) && resume_expired_pauses(&x) && scheduler_end_lapsed_reviews(&x) &&
         scheduler_time_out_tasks(&x) && send_outbox(&x);
    /* A dry run changes nothing, held letters included. */
    if (ok && !run->cfg->dry_run)
        scheduler_write_held_letters(&x);
    strbuf_init(&missing);
    scheduler_missing_keys(run->cfg, &missing);
    if (ok && missing.len > 0) {
        log_warning(NULL, "no reminder is sent until these keys are set: %s", missing.data);
    } else if (ok && !calendar_may_send(&x.cal, x.local)) {
        log_debug(NULL, "%s %02d:%02d is outside the sending days and hours: nothing sent", x.at,
                  x.local.minute / 60, x.local.minute % 60);
    } else if (ok) {
        ok = send_due(&x);
    }
    if (ok && !run->cfg->dry_run)
        ok = send_task_digest(&x);
    strbuf_free(&missing);
    submit_spec_free(&x.submit);
    return ok;
}
