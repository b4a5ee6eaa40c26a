/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply.c - incoming replies: screen at end of headers, then match, read
 * and act (see reply.h).
 *
 * Order of work for a whole message: find its cases (token, thread,
 * bounce, number: the first clue that names live cases wins), read it
 * (reply_classify.c), decide the effect, write the notices, and record
 * it all in one store transaction; only then is the scheduler woken to
 * send the notices. A store failure leaves the message untouched (the
 * caller applies On-DBError) and nothing half-done.
 *
 * The effect of each verdict, as the credit controller expects it:
 *   dispute     escalation stops until an operator resolves it; the
 *               creditor gets the debtor's words; the debtor, optionally,
 *               a note that the case is under review;
 *   promise     paused until the promised date plus PromiseGraceDays (no
 *               date: PromiseDefaultDays from today), then resumes; never
 *               past today + PromiseMaxDays: a farther promise is capped
 *               there and the creditor is told;
 *   paid        paused for PaymentVerificationDays; the creditor is told;
 *   plan        paused without end; the creditor is told (it is theirs to
 *               accept);
 *   auto-reply  recorded;
 *   bounce      (a null sender to the reply address only) the recipient
 *               of the reminder it names, by the token of its envelope
 *               recipient or by the Message-ID in its returned headers, is
 *               marked undeliverable (no more e-mail steps), unless the
 *               report names only other addresses; never an address the
 *               report alone names; the creditor is told either way;
 *   other       (and any person's verdict the classifier is not sure of)
 *               an open case goes to review: no reminder until the
 *               operator decides (relancectl resolve) or ReviewDays
 *               business days pass; the creditor is always told, with the
 *               commands that decide.
 *   insolvency  every unsettled case of the debtor (its address, or the same
 *               legal identifier: store_insolvency.h) becomes insolvent, the
 *               proceeding is recorded and the creditor gets the amounts to
 *               declare (insolvency_notice.h); the debtor gets nothing.
 * Replies pause a case or put it in review at most MaxPausesPerCase times
 * (promise, paid, plan and review together, counted from the replies
 * recorded): a further one is recorded, changes nothing and goes to the
 * creditor.
 * A reply matched by its number alone from a writer whose domain is not
 * authenticated (reply_auth.h) has no effect whatever its verdict: it is
 * recorded as "unverified: nothing changed" and the creditor is told that
 * it could not be verified.
 */
#include "replies/reply.h"

#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "lib/log.h"
#include "lib/message.h"
#include "remind/scheduler.h"
#include "replies/insolvency_notice.h"
#include "replies/reply_auth.h"
#include "replies/reply_classify.h"
#include "replies/reply_limits.h"
#include "replies/reply_match.h"
#include "replies/reply_notice.h"
#include "replies/reply_text.h"
#include "store/store_insolvency.h"
#include "store/store_messages.h"

#define HEADER_VALUE_MAX 900
#define REPLY_MAX_NOTICES 2

/* ---- end of headers ---- */

char *reply_writer_address(const struct reply_envelope *env)
{
    const char *from = env->header_from;
    const char *lt = from ? strrchr(from, '<') : NULL;
    char *addr;
    size_t len;

    if (from == NULL || from[0] == '\0')
        return xstrdup(env->sender ? env->sender : "");
    from = lt ? lt + 1 : from;
    while (*from == ' ' || *from == '\t')
        from++;
    len = strcspn(from, ">");
    addr = xstrndup(from, len);
    str_trim(addr);
    if (!str_is_email(addr)) {
        free(addr);
        return xstrdup(env->sender ? env->sender : "");
    }
    return addr;
}

static bool is_null_sender(const char *sender)
{
    return sender == NULL || sender[0] == '\0' || strcasecmp(sender, "MAILER-DAEMON") == 0;
}

static bool to_reply_address(const struct config *cfg, const struct strlist *recipients)
{
    for (size_t i = 0; recipients && i < recipients->count; i++)
        if (reply_match_is_reply_address(cfg->reply_address, recipients->items[i]))
            return true;
    return false;
}

/* Whether a colleague's domain may stand for the debtor's. */
static bool domain_counts(const struct config *cfg, const char *writer)
{
    return !config_address_listed(&cfg->public_mail_domains, writer);
}

static enum store_result screen_store(const struct config *cfg, struct store *st, const struct reply_envelope *env,
                                      struct reply_hints *h)
{
    struct strlist ids;
    enum store_result r = STORE_OK;
    char *writer;

    strlist_init(&ids);
    reply_match_message_ids(env->in_reply_to, env->references, &ids);
    for (size_t i = 0; r == STORE_OK && !h->thread && i < ids.count; i++)
        r = store_message_id_known(st, ids.items[i], &h->thread);
    strlist_free(&ids);
    writer = reply_writer_address(env);
    if (r == STORE_OK && !h->thread && str_is_email(writer))
        r = store_correspondent_known(st, writer, domain_counts(cfg, writer), &h->correspondent);
    free(writer);
    return r;
}

bool reply_screen(const struct config *cfg, struct store_pool *pool, const struct audit_key *key,
                  const struct reply_envelope *env, struct reply_hints *h)
{
    struct store *st;
    char why[256];
    enum store_result r;

    memset(h, 0, sizeof *h);
    if (cfg->reply_address[0] != '\0') {
        h->tagged = reply_match_tagged_recipient(cfg->reply_address, env->recipients, h->token, sizeof h->token);
        h->token_valid = h->tagged && token_verify(key, h->token, &h->token_ref);
        h->bounce = is_null_sender(env->sender) && to_reply_address(cfg, env->recipients);
    }
    if (h->tagged && !h->token_valid) {
        log_warning(env->queue_id, "reply token \"%s\" from <%s> does not verify: not trusted, the message passes untouched",
                    h->token, env->sender ? env->sender : "");
        return false;
    }
    if (h->token_valid)
        return true;
    st = store_pool_get(pool, why, sizeof why);
    if (st == NULL) {
        log_error(env->queue_id, "cannot open the database to screen a possible reply: %s", why);
        return h->bounce;
    }
    r = screen_store(cfg, st, env, h);
    if (r != STORE_OK)
        log_error(env->queue_id, "cannot screen a possible reply: %s", store_last_error(st));
    store_pool_put(pool, st);
    return h->thread || h->correspondent || h->bounce;
}

/* ---- matching ---- */

struct match {
    struct case_list cases;
    int64_t reminder_id;
    const char *by;
    bool unverified; /* by number, from a writer whose domain is not authenticated */
};

static void match_take(struct match *m, struct case_list *found, int64_t reminder_id, const char *by)
{
    case_list_free(&m->cases);
    m->cases = *found;
    m->reminder_id = reminder_id;
    m->by = by;
}

static enum store_result match_token(struct store *st, const struct reply_hints *h, struct match *m)
{
    struct case_list found;
    struct case_row one;
    int64_t reminder_id = 0;
    enum store_result r = store_cases_of_reminder_token(st, h->token, &reminder_id, &found);

    if (r != STORE_OK)
        return r;
    if (found.count == 0) {
        /* Not a reminder's token (an acknowledgment's): its case alone. */
        r = store_get_case(st, h->token_ref.case_id, &one);
        if (r == STORE_NOT_FOUND)
            return STORE_OK;
        if (r != STORE_OK)
            return r;
        /* Settled cases are nobody's business any more, as with every other clue. */
        if (!case_is_live(one.inv.type, one.status))
            return STORE_OK;
        found.items = xmalloc(sizeof *found.items);
        found.items[0] = one;
        found.count = 1;
    }
    match_take(m, &found, reminder_id, "token");
    return STORE_OK;
}

static enum store_result match_thread(struct store *st, const struct reply_envelope *env, struct match *m)
{
    struct strlist ids;
    struct case_list found = {0};
    int64_t reminder_id = 0;
    enum store_result r = STORE_OK;

    strlist_init(&ids);
    reply_match_message_ids(env->in_reply_to, env->references, &ids);
    for (size_t i = 0; r == STORE_OK && m->cases.count == 0 && i < ids.count; i++) {
        r = store_cases_of_reminder_message(st, ids.items[i], &reminder_id, &found);
        if (r == STORE_OK && found.count == 0) {
            case_list_free(&found);
            r = store_cases_of_invoice_message(st, ids.items[i], &found);
        }
        if (r == STORE_OK && found.count > 0)
            match_take(m, &found, reminder_id, "thread");
        else
            case_list_free(&found);
    }
    strlist_free(&ids);
    return r;
}

static enum store_result match_bounce(struct store *st, const struct reply_reading *rd, struct match *m)
{
    struct case_list found;
    int64_t reminder_id = 0;
    enum store_result r;

    if (rd->verdict != REPLY_BOUNCE || rd->bounce.message_id[0] == '\0')
        return STORE_OK;
    r = store_cases_of_reminder_message(st, rd->bounce.message_id, &reminder_id, &found);
    if (r == STORE_OK && found.count > 0)
        match_take(m, &found, reminder_id, "bounce");
    else
        case_list_free(&found);
    return r;
}

/* Keeps the cases whose number the text names; false when it names none.
 * One pass over the subject and one over the text, whatever the number of
 * cases (reply_match_named_numbers). */
static bool keep_named(struct case_list *cases, const char *subject, const char *text)
{
    const char **numbers = xcalloc(cases->count + 1, sizeof *numbers);
    bool *named = xcalloc(cases->count + 1, sizeof *named);
    size_t kept = 0;

    for (size_t i = 0; i < cases->count; i++)
        numbers[i] = cases->items[i].inv.number;
    reply_match_named_numbers(subject, numbers, cases->count, named);
    reply_match_named_numbers(text, numbers, cases->count, named);
    for (size_t i = 0; i < cases->count; i++)
        if (named[i])
            cases->items[kept++] = cases->items[i];
    free(numbers);
    free(named);
    if (kept == 0)
        return false;
    cases->count = kept;
    return true;
}

static enum store_result match_number(const struct config *cfg, struct store *st, const char *writer,
                                      const char *subject, const char *body, struct match *m)
{
    struct case_list found;
    enum store_result r;

    if (!str_is_email(writer))
        return STORE_OK;
    r = store_cases_of_correspondent(st, writer, domain_counts(cfg, writer), &found);
    if (r == STORE_OK && keep_named(&found, subject, body))
        match_take(m, &found, 0, "number");
    else
        case_list_free(&found);
    return r;
}

/* ---- reading ---- */

struct reply_msg {
    struct message *msg;
    char *subject;
    char *body;      /* the whole text, quotes included (numbers are named there too);
                        read only for the number clue, the classifier reads its own */
    char *writer;
    enum reply_auth auth; /* how the writer's domain is authenticated */
    struct reply_reading reading;
    struct date today;
};

static void reply_msg_free(struct reply_msg *rm)
{
    message_free(rm->msg);
    free(rm->subject);
    free(rm->body);
    free(rm->writer);
    if (rm->reading.own_words)
        reply_reading_free(&rm->reading);
}

static void read_limits(const struct config *cfg, struct message_walk_limits *limits)
{
    memset(limits, 0, sizeof *limits);
    limits->max_parts = (int)cfg->max_mime_parts;
    limits->max_depth = (int)cfg->max_mime_depth;
    limits->max_part_size = (size_t)cfg->max_message_size;
}

static bool reply_msg_read(const struct config *cfg, const char *data, size_t len,
                           const struct reply_envelope *env, bool may_bounce, time_t now, struct reply_msg *rm)
{
    struct message_walk_limits limits;
    struct mime_scan_result scan;

    memset(rm, 0, sizeof *rm);
    read_limits(cfg, &limits);
    rm->msg = message_parse_bounded(data, len, &limits, &scan);
    if (rm->msg == NULL)
        return false;
    if (scan.stop != MIME_SCAN_WHOLE) {
        log_notice(env->queue_id, "MIME structure with %s: only its first %zu of %zu bytes (%d parts) read",
                   mime_scan_stop_name(scan.stop), scan.keep, len, scan.parts);
        len = scan.keep;
    }
    rm->today = calendar_zone_local(cfg->timezone, now).date;
    rm->subject = message_header(rm->msg, "Subject");
    if (rm->subject == NULL)
        rm->subject = xstrdup("");
    rm->writer = reply_writer_address(env);
    reply_read_message(cfg->lexicon, rm->msg, data, len, &limits, rm->today, may_bounce, &rm->reading);
    rm->auth = reply_auth_domain(&cfg->trusted_authserv_ids, env->auth_results, reply_auth_domain_of(rm->writer));
    return true;
}

/* ---- acting ---- */

struct decision {
    enum reply_effect effect;
    const char *pause_reason;
    struct date until;
    bool tell_creditor;
    bool acknowledge;
    char undeliverable[INVOICE_EMAIL_MAX];
    char note[48];   /* said of the action in brackets, "" when nothing */
    char action[64]; /* as the store will record it for a case that moves */
};

/* A promise pauses at most PromiseMaxDays from today ("le 31/12/2099"
 * included); replies pause a case at most MaxPausesPerCase times. Past
 * either, the creditor hears of it. */
static void limit_pause(const struct config *cfg, const struct reply_msg *rm, const struct reply_history *hist,
                        struct decision *d)
{
    struct date latest = date_add_days(rm->today, (int)cfg->promise_max_days);

    if (d->effect != REPLY_EFFECT_PAUSE && d->effect != REPLY_EFFECT_REVIEW)
        return;
    if (hist->pauses >= (int)cfg->max_pauses_per_case) {
        d->effect = REPLY_EFFECT_NONE;
        d->pause_reason = NULL;
        d->until = (struct date){0, 0, 0};
        d->tell_creditor = true;
        str_copy(d->note, sizeof d->note, REPLY_NOTE_PAUSE_LIMIT);
    } else if (rm->reading.verdict == REPLY_PROMISE && date_compare(d->until, latest) > 0) {
        d->until = latest;
        d->tell_creditor = true;
        str_format(d->note, sizeof d->note, REPLY_NOTE_CAPPED " %d days", (int)cfg->promise_max_days);
    }
}

bool reply_needs_review(const struct reply_reading *r)
{
    switch (r->verdict) {
    case REPLY_OTHER:
        return true;
    case REPLY_DISPUTE:
    case REPLY_PROMISE:
    case REPLY_PAID:
    case REPLY_PLAN:
        return r->unsure;
    default:
        return false;
    }
}

/* A review holds open cases only (a paused, disputed or court case keeps
 * its status): with none, the reply is recorded and told. Its last day is
 * ReviewDays business days after today. */
static void decide_review(const struct config *cfg, const struct reply_msg *rm, const struct match *m,
                          struct decision *d)
{
    struct calendar cal;
    bool open = false;

    for (size_t i = 0; i < m->cases.count; i++)
        open |= m->cases.items[i].status == CASE_OPEN;
    memset(d, 0, sizeof *d);
    d->tell_creditor = true;
    if (!open)
        return;
    config_calendar(cfg, &cal);
    d->effect = REPLY_EFFECT_REVIEW;
    d->until = calendar_add_business_days(&cal, rm->today, (int)cfg->review_days);
}

static void decide(const struct config *cfg, const struct reply_msg *rm, const struct match *m,
                   const struct reply_history *hist, struct decision *d)
{
    const struct reply_reading *r = &rm->reading;
    char day[DATE_STR_MAX];

    memset(d, 0, sizeof *d);
    switch (r->verdict) {
    case REPLY_DISPUTE:
        d->effect = REPLY_EFFECT_DISPUTE;
        d->tell_creditor = true;
        d->acknowledge = cfg->acknowledge_disputes && str_is_email(rm->writer);
        break;
    case REPLY_PROMISE:
        d->effect = REPLY_EFFECT_PAUSE;
        d->pause_reason = "promise";
        d->until = date_is_set(r->promised) ? date_add_days(r->promised, (int)cfg->promise_grace_days)
                                            : date_add_days(rm->today, (int)cfg->promise_default_days);
        break;
    case REPLY_PAID:
        d->effect = REPLY_EFFECT_PAUSE;
        d->pause_reason = "paid";
        d->until = date_add_days(rm->today, (int)cfg->payment_verification_days);
        d->tell_creditor = true;
        break;
    case REPLY_PLAN:
        d->effect = REPLY_EFFECT_PAUSE;
        d->pause_reason = "plan";
        d->tell_creditor = true;
        break;
    case REPLY_BOUNCE:
        /* Only the recipient of the reminder it names (bounce_history). */
        d->tell_creditor = true;
        if (hist->bounced[0] != '\0') {
            d->effect = REPLY_EFFECT_UNDELIVERABLE;
            str_copy(d->undeliverable, sizeof d->undeliverable, hist->bounced);
        } else {
            str_copy(d->note, sizeof d->note, hist->unmarked ? hist->unmarked : "bounce names no reminder");
        }
        break;
    case REPLY_INSOLVENCY:
        d->effect = REPLY_EFFECT_INSOLVENT;
        d->tell_creditor = true;
        break;
    default:
        break;
    }
    if (reply_needs_review(r))
        decide_review(cfg, rm, m, d);
    limit_pause(cfg, rm, hist, d);
    if (m->unverified) {
        /* Anyone can write a From header: record, tell the creditor, change nothing. */
        d->effect = REPLY_EFFECT_NONE;
        d->pause_reason = NULL;
        d->until = (struct date){0};
        d->undeliverable[0] = '\0';
        d->acknowledge = false;
        d->note[0] = '\0';
        d->tell_creditor = r->verdict != REPLY_AUTO_REPLY;
    }
    date_format(d->until, day);
    if (m->unverified)
        str_copy(d->action, sizeof d->action, "unverified: nothing changed");
    else if (d->effect == REPLY_EFFECT_DISPUTE)
        str_copy(d->action, sizeof d->action, "disputed");
    else if (d->effect == REPLY_EFFECT_PAUSE)
        str_format(d->action, sizeof d->action, day[0] ? "paused until %s" : "paused", day);
    else if (d->effect == REPLY_EFFECT_REVIEW)
        str_format(d->action, sizeof d->action, "review until %s", day);
    else if (d->effect == REPLY_EFFECT_UNDELIVERABLE)
        str_copy(d->action, sizeof d->action, "address undeliverable");
    else if (d->effect == REPLY_EFFECT_INSOLVENT)
        str_copy(d->action, sizeof d->action, "insolvent");
    else
        str_copy(d->action, sizeof d->action, "recorded");
    if (d->note[0] != '\0' && d->effect != REPLY_EFFECT_UNDELIVERABLE)
        str_format(d->action + strlen(d->action), sizeof d->action - strlen(d->action), " (%s)", d->note);
}

struct acting {
    const struct config *cfg;
    const struct audit_key *key;
    struct store *st;
    const struct reply_envelope *env;
    struct reply_msg *rm;
    struct match *m;
    struct decision d;
    int64_t case_ids[64];
    size_t case_count;
    struct reply_notice notices[REPLY_MAX_NOTICES];
    struct outbox_message outbox[REPLY_MAX_NOTICES];
    const char *raw; /* the message, kept for the court file with the reply */
    size_t raw_len;
    size_t notice_count;
    time_t now;
};

/* A proceeding covers the debtor: every unsettled case of its address
 * and legal identifier, not only the cases the reply named; the creditor's
 * notice is the declaration's (insolvency_notice.h). */
static enum store_result insolvency_cases(struct acting *a)
{
    struct case_list all;
    enum store_result r = store_insolvency_cases(a->st, a->case_ids, a->case_count, NULL, &all);

    for (size_t i = 0; r == STORE_OK && i < all.count && a->case_count < ARRAY_LEN(a->case_ids); i++) {
        bool known = false;
        for (size_t k = 0; k < a->case_count; k++)
            known |= a->case_ids[k] == all.items[i].id;
        if (!known)
            a->case_ids[a->case_count++] = all.items[i].id;
    }
    case_list_free(&all);
    return r;
}

static void add_insolvency_notice(struct acting *a)
{
    struct insolvency_notice_input in = {a->cfg, a->key, a->st, a->case_ids, a->case_count,
                                         &a->rm->reading.insolvency, a->rm->writer, a->rm->reading.own_words,
                                         a->rm->today, a->now};
    struct reply_notice *n = &a->notices[a->notice_count];
    char why[256];

    if (!insolvency_notice_build(&in, n, why, sizeof why)) {
        log_warning(a->env->queue_id, "no insolvency notice for this reply: %s", why);
        return;
    }
    a->outbox[a->notice_count] = (struct outbox_message){INSOLVENCY_NOTICE_KIND, a->case_ids[0], n->sender,
                                                          n->recipient, n->message_id, n->data, n->len};
    a->notice_count++;
}

static void add_notice(struct acting *a, const char *kind)
{
    struct reply_notice_input in = {a->cfg, a->key, a->st, a->case_ids, a->case_count, &a->rm->reading,
                                    a->rm->writer, a->rm->subject, a->env->message_id, a->d.action,
                                    a->d.until, a->rm->today, a->now, a->m->unverified};
    struct reply_notice *n = &a->notices[a->notice_count];
    char why[256];

    if (!reply_notice_build(&in, kind, n, why, sizeof why)) {
        log_warning(a->env->queue_id, "no %s for this reply: %s", kind, why);
        return;
    }
    a->outbox[a->notice_count] = (struct outbox_message){kind, a->case_ids[0], n->sender, n->recipient,
                                                          n->message_id, n->data, n->len};
    a->notice_count++;
}

static void numbers_of(const struct case_list *cases, struct strbuf *out)
{
    for (size_t i = 0; i < cases->count; i++)
        strbuf_printf(out, "%s%s", i ? ", " : "", cases->items[i].inv.number);
}

static void log_outcome(const struct acting *a, const struct reply_outcome *o)
{
    const struct reply_reading *r = &a->rm->reading;
    struct strbuf numbers;
    char promised[DATE_STR_MAX];

    strbuf_init(&numbers);
    numbers_of(&a->m->cases, &numbers);
    date_format(r->promised, promised);
    if (o->duplicate)
        log_info(a->env->queue_id, "reply from <%s> about %s already recorded: nothing changed", a->rm->writer,
                 numbers.data);
    else
        log_info(a->env->queue_id, "reply from <%s> matched by %s to %s: %s (%s)%s%s; %s, %zu case(s) changed, %zu notice(s) queued",
                 a->rm->writer, a->m->by, numbers.data, reply_verdict_name(r->verdict), r->reason,
                 promised[0] ? ", promised " : "", promised, a->d.action, o->changed, a->notice_count);
    strbuf_free(&numbers);
}

/* An acknowledgment goes to the debtor, or to an authenticated colleague
 * at the debtor's domain (reply_auth.h), at most once a day per case. */
static enum store_result may_acknowledge(struct acting *a, bool *ok)
{
    const char *emails[ARRAY_LEN(a->case_ids)];
    const char *why = NULL;
    size_t n = 0;
    bool sent = false;
    enum store_result r = STORE_OK;

    for (size_t i = 0; i < a->m->cases.count && n < ARRAY_LEN(emails); i++)
        emails[n++] = a->m->cases.items[i].debtor_email;
    *ok = reply_auth_may_acknowledge(a->rm->writer, emails, n, a->rm->auth != REPLY_AUTH_NONE,
                                     !domain_counts(a->cfg, a->rm->writer), &why);
    for (size_t i = 0; *ok && r == STORE_OK && !sent && i < a->case_count; i++)
        r = store_acknowledged_since(a->st, a->case_ids[i], a->now - 86400, &sent);
    if (sent) {
        why = "an acknowledgment about this case went out in the last 24 hours";
        *ok = false;
    }
    if (r == STORE_OK && !*ok)
        log_notice(a->env->queue_id, "no acknowledgment to <%s>: %s", a->rm->writer, why);
    return r;
}

static enum store_result act(struct acting *a, struct reply_outcome *outcome)
{
    const struct reply_reading *r = &a->rm->reading;
    struct reply_history hist;
    enum store_result hr = reply_history_read(a->st, r, a->m->by, a->m->reminder_id, &a->m->cases,
                                              (int)a->cfg->max_pauses_per_case, &hist);
    enum store_result res;
    bool ack = false;

    if (hr != STORE_OK)
        return hr;
    decide(a->cfg, a->rm, a->m, &hist, &a->d);
    for (size_t i = 0; i < a->m->cases.count && a->case_count < ARRAY_LEN(a->case_ids); i++)
        a->case_ids[a->case_count++] = a->m->cases.items[i].id;
    if (a->d.acknowledge && (res = may_acknowledge(a, &ack)) != STORE_OK)
        return res;
    if (a->d.effect == REPLY_EFFECT_INSOLVENT && (res = insolvency_cases(a)) != STORE_OK)
        return res;
    if (a->d.effect == REPLY_EFFECT_INSOLVENT)
        add_insolvency_notice(a);
    else if (a->d.tell_creditor)
        add_notice(a, "creditor-notice");
    if (ack)
        add_notice(a, "dispute-ack");

    const struct reply_insolvency *said = &r->insolvency;
    struct debtor_insolvency proceeding = {said->kind, said->opened, said->representative, said->address,
                                           "reply", a->env->message_id};
    struct reply_record rec = {
        .case_ids = a->case_ids,
        .case_count = a->case_count,
        .reminder_id = a->m->reminder_id,
        .message_id = a->env->message_id,
        .sender = a->rm->writer,
        .subject = a->rm->subject,
        .queue_id = a->env->queue_id,
        .matched_by = a->m->by,
        .verdict = reply_verdict_name(r->verdict),
        .promised = r->promised,
        .reason = r->reason,
        .excerpt = r->excerpt,
        .own_words = r->own_words,
        .effect = a->d.effect,
        .pause_reason = a->d.pause_reason,
        .pause_until = a->d.until,
        .undeliverable = a->d.undeliverable,
        .note = a->d.note[0] ? a->d.note : NULL,
        .max_pauses = (int)a->cfg->max_pauses_per_case,
        .unverified = a->m->unverified,
        .insolvency = &proceeding,
        .outbox = a->outbox,
        .outbox_count = a->notice_count,
        .copy = a->raw,
        .copy_len = a->raw_len,
        .copy_max = (size_t)a->cfg->archive_max_size,
    };
    return store_record_reply(a->st, a->key, &rec, "milter", outcome);
}

/* ---- the whole message ---- */

static enum store_result find_cases(const struct config *cfg, struct store *st, const struct reply_envelope *env,
                                    const struct reply_hints *h, struct reply_msg *rm, struct match *m)
{
    enum store_result r = STORE_OK;

    if (h->token_valid)
        r = match_token(st, h, m);
    if (r == STORE_OK && m->cases.count == 0)
        r = match_thread(st, env, m);
    if (r == STORE_OK && m->cases.count == 0)
        r = match_bounce(st, &rm->reading, m);
    if (r == STORE_OK && m->cases.count == 0) {
        struct message_walk_limits limits;
        read_limits(cfg, &limits);
        rm->body = reply_body_text(rm->msg, &limits);
        r = match_number(cfg, st, rm->writer, rm->subject, rm->body, m);
        if (r == STORE_OK && m->cases.count > 0) {
            m->unverified = rm->auth == REPLY_AUTH_NONE;
            log_info(env->queue_id, "<%s> named an invoice number; its domain is %s%s", rm->writer,
                     m->unverified ? "not authenticated: the reply is recorded as unverified" : "authenticated by ",
                     m->unverified ? "" : reply_auth_name(rm->auth));
        }
    }
    /* A reply about a reminder of several invoices that names some of
     * them speaks of those only ("we contest F-2"). */
    if (r == STORE_OK && m->cases.count > 1 && strcmp(m->by, "number") != 0) {
        struct case_list named = {xmalloc(m->cases.count * sizeof *named.items), m->cases.count};
        memcpy(named.items, m->cases.items, m->cases.count * sizeof *named.items);
        if (keep_named(&named, rm->subject, rm->reading.own_words))
            match_take(m, &named, m->reminder_id, m->by);
        else
            case_list_free(&named);
    }
    return r;
}

static void header_value_of(const struct reply_reading *r, const struct match *m, struct strbuf *out)
{
    strbuf_puts(out, reply_verdict_name(r->verdict));
    strbuf_puts(out, m->unverified ? " (unverified); " : "; ");
    for (size_t i = 0; i < m->cases.count && out->len < HEADER_VALUE_MAX; i++)
        strbuf_printf(out, "%s%s", i ? ", " : "", m->cases.items[i].inv.number);
}

static enum outgoing_result process_with_store(const struct config *cfg, struct store *st, const struct audit_key *key,
                                               const struct reply_envelope *env, const struct reply_hints *h,
                                               struct reply_msg *rm, const char *data, size_t len, time_t now,
                                               struct strbuf *header_value, bool *kept)
{
    struct match m = {{NULL, 0}, 0, "", false};
    struct acting *a;
    struct reply_outcome outcome;
    enum store_result r = find_cases(cfg, st, env, h, rm, &m);

    if (r != STORE_OK || m.cases.count == 0) {
        if (r == STORE_OK)
            log_info(env->queue_id, "message from <%s> names no tracked case: passed untouched", rm->writer);
        else
            log_error(env->queue_id, "cannot match a reply: %s", store_last_error(st));
        case_list_free(&m.cases);
        return r == STORE_OK ? OUTGOING_OK : OUTGOING_DB_ERROR;
    }
    a = xcalloc(1, sizeof *a);
    *a = (struct acting){.cfg = cfg, .key = key, .st = st, .env = env, .rm = rm, .m = &m, .now = now,
                         .raw = data, .raw_len = len};
    r = act(a, &outcome);
    if (r == STORE_OK) {
        *kept = outcome.kept;
        log_outcome(a, &outcome);
        header_value_of(&rm->reading, &m, header_value);
        if (a->notice_count > 0 && !outcome.duplicate)
            scheduler_wake();
    } else {
        log_error(env->queue_id, "cannot record a reply: %s", store_last_error(st));
    }
    for (size_t i = 0; i < a->notice_count; i++)
        reply_notice_free(&a->notices[i]);
    free(a);
    case_list_free(&m.cases);
    return r == STORE_OK ? OUTGOING_OK : OUTGOING_DB_ERROR;
}

enum outgoing_result reply_process(const struct config *cfg, struct store_pool *pool, const struct audit_key *key,
                                   const char *data, size_t len, const struct reply_envelope *env,
                                   const struct reply_hints *h, time_t now, struct strbuf *header_value)
{
    struct reply_msg rm;
    struct store *st;
    char why[256];
    enum outgoing_result res;
    size_t kept;
    bool kept_with_reply = false;

    if (cfg->lexicon == NULL) {
        log_error(env->queue_id, "no reply lexicon loaded (ReplyLexicon): reply not read");
        return OUTGOING_INTERNAL_ERROR;
    }
    if (!reply_msg_read(cfg, data, len, env, h->bounce, now, &rm)) {
        log_notice(env->queue_id, "possible reply not readable as MIME: passed untouched");
        return OUTGOING_OK;
    }
    st = store_pool_get(pool, why, sizeof why);
    if (st == NULL) {
        log_error(env->queue_id, "cannot open the database for a reply: %s", why);
        reply_msg_free(&rm);
        return OUTGOING_DB_ERROR;
    }
    res = process_with_store(cfg, st, key, env, h, &rm, data, len, now, header_value, &kept_with_reply);
    /* A copy for the court file, for the cases the reply was recorded
     * against, when not kept with the reply (a duplicate whose copy was
     * lost, a copy that failed there). */
    if (res == OUTGOING_OK && !kept_with_reply && store_keep_reply_message(st, key, env->message_id, env->queue_id, data, len,
                                                       (size_t)cfg->archive_max_size, &kept) != STORE_OK)
        log_error(env->queue_id, "reply not kept for the court file: %s", store_last_error(st));
    store_pool_put(pool, st);
    reply_msg_free(&rm);
    return res;
}
