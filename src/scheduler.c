/*
 * scheduler.c - the due work (see scheduler.h): select, group, compose,
 * claim, submit, record; and the daemon's thread around it.
 *
 * Order of a reminder's life, for the "exactly once" promise: the
 * Message-ID and token are decided, the message is built, the store claims
 * the step ('pending', in one transaction), only then is it submitted, and
 * the outcome is recorded after. A crash between submission and recording
 * leaves a 'pending' row whose Message-ID the milter marks when it sees
 * the mail pass: the next run settles it as sent, or holds it. Never a
 * second submission without the operator.
 *
 * It does not render templates (template.c), compute amounts
 * (reminder_content.c), build MIME (reminder.c) or talk to the MTA
 * (submit.c); it decides what happens, in what order.
 */
#include "scheduler.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"
#include "letter.h"
#include "log.h"
#include "reminder.h"
#include "reminder_content.h"
#include "submit.h"
#include "token.h"

#define GROUP_MAX_CASES 50
#define SUBMIT_TIMEOUT_S 120

/* ---- readiness ---- */

static bool ladder_needs_creditor_email(const struct config *cfg)
{
    for (size_t i = 0; i < cfg->steps.count; i++)
        if (cfg->steps.items[i].copy || cfg->steps.items[i].action == LADDER_COURT)
            return true;
    return false;
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

/* ---- the run's context ---- */

struct ctx {
    const struct scheduler_run *run;
    const struct config *cfg;
    struct calendar cal;
    struct local_moment local;
    char at[CALENDAR_UTC_MAX];        /* the moment, UTC text */
    char day_start[CALENDAR_UTC_MAX]; /* its local day, UTC text */
    char day_end[CALENDAR_UTC_MAX];
    struct submit_spec submit;
    struct scheduler_report *report;
};

static const struct ladder_step *step_def(const struct config *cfg, int step, struct ladder_step *courtesy)
{
    if (step == LADDER_COURTESY) {
        ladder_courtesy_step(courtesy);
        return courtesy;
    }
    if (step < 1 || (size_t)step > cfg->steps.count)
        return NULL;
    return &cfg->steps.items[step - 1];
}

static bool step_is_court(const struct config *cfg, int step)
{
    return step >= 1 && (size_t)step <= cfg->steps.count && cfg->steps.items[step - 1].action == LADDER_COURT;
}

/* ---- settling what a dead runner left ---- */

static void settle_stale(struct ctx *x, const struct reminder_row *r)
{
    const struct scheduler_run *run = x->run;
    const char *id = r->numbers[0] ? r->numbers : "-";
    enum store_result res;

    if (r->mta_seen_at[0]) {
        res = store_reminder_sent(run->st, run->key, r->id, step_is_court(x->cfg, r->step), run->actor,
                                  "recorded after an interrupted run: the MTA had the message");
        if (res == STORE_OK) {
            log_notice(id, "reminder %lld (step %d) was submitted before an interruption and seen by the MTA "
                           "at %s: recorded as sent", (long long)r->id, r->step, r->mta_seen_at);
            x->report->recovered++;
        }
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

static bool settle_stale_reminders(struct ctx *x)
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

struct group {
    int64_t debtor_id;
    int step;
    char currency[4];
    const struct due_case *cases[GROUP_MAX_CASES];
    size_t count;
};

struct plan {
    struct group *items;
    size_t count, cap;
};

static struct date local_date_of(const char *utc_text)
{
    struct date none = {0, 0, 0};
    time_t t;

    if (!calendar_parse_utc(utc_text, &t))
        return none;
    return calendar_local(t).date;
}

static int due_step(const struct ctx *x, const struct due_case *dc)
{
    struct ladder_case lc;

    if (dc->busy || dc->undeliverable || dc->c.debtor_email[0] == '\0')
        return LADDER_NONE;
    if (dc->c.balance < x->cfg->minimum_amount)
        return LADDER_NONE;
    lc.due = dc->c.inv.due_date;
    lc.level = dc->c.level;
    lc.last_step = local_date_of(dc->last_step_at);
    lc.courtesy_done = dc->courtesy_done;
    return ladder_due_step(&x->cfg->steps, (int)x->cfg->courtesy_days, &lc, x->local.date);
}

static void plan_add(struct plan *p, const struct due_case *dc, int step)
{
    struct group *g = NULL;

    for (size_t i = 0; i < p->count && g == NULL; i++)
        if (p->items[i].debtor_id == dc->c.debtor_id && p->items[i].step == step &&
            strcmp(p->items[i].currency, dc->c.inv.currency) == 0)
            g = &p->items[i];
    if (g == NULL) {
        if (p->count == p->cap) {
            p->cap = p->cap ? p->cap * 2 : 16;
            p->items = xrealloc(p->items, p->cap * sizeof *p->items);
        }
        g = &p->items[p->count++];
        memset(g, 0, sizeof *g);
        g->debtor_id = dc->c.debtor_id;
        g->step = step;
        str_copy(g->currency, sizeof g->currency, dc->c.inv.currency);
    }
    /* A bounded mail: the rest waits for the next day's reminder. */
    if (g->count < GROUP_MAX_CASES)
        g->cases[g->count++] = dc;
}

/* The group that goes to this debtor today: the most advanced step. */
static const struct group *best_group_of(const struct plan *p, int64_t debtor_id)
{
    const struct group *best = NULL;

    for (size_t i = 0; i < p->count; i++)
        if (p->items[i].debtor_id == debtor_id && (best == NULL || p->items[i].step > best->step))
            best = &p->items[i];
    return best;
}

/* ---- composing ---- */

struct composed {
    struct ladder_step courtesy;
    const struct ladder_step *step;
    int step_number;
    bool court;
    enum language lang;
    bool business;
    struct reminder_line lines[GROUP_MAX_CASES];
    size_t count;
    struct reminder_list history;
    char sender_name[600];
    const char *sender_address;
    char recipient[INVOICE_EMAIL_MAX];
    char recipient_name[INVOICE_NAME_MAX];
    char token[TOKEN_MAX];
    char reply_address[INVOICE_EMAIL_MAX + TOKEN_MAX];
    char message_id[REMINDER_MESSAGE_ID_MAX];
    struct strlist references;
    struct rendered text;
    char *mail;
    size_t mail_len;
};

static void composed_free(struct composed *c)
{
    reminder_list_free(&c->history);
    strlist_free(&c->references);
    rendered_free(&c->text);
    free(c->mail);
}

/* DefaultLanguage's choices "fr|en" are in enum language's order. */
static enum language default_language(const struct config *cfg)
{
    return cfg->default_language == LANG_EN ? LANG_EN : LANG_FR;
}

static enum language debtor_language(const struct config *cfg, const struct due_case *dc)
{
    enum language lang;

    if (language_parse(dc->debtor_language, &lang))
        return lang;
    return default_language(cfg);
}

static bool debtor_is_business(const struct config *cfg, const struct due_case *dc)
{
    if (strcmp(dc->debtor_kind, "business") == 0)
        return true;
    if (strcmp(dc->debtor_kind, "consumer") == 0)
        return false;
    return cfg->default_debtor_kind == DEBTOR_BUSINESS;
}

static bool compute_lines(const struct scheduler_run *run, struct composed *c, struct date today)
{
    for (size_t i = 0; i < c->count; i++) {
        struct money_payment *payments = NULL;
        size_t n = 0;
        if (store_list_payments(run->st, c->lines[i].dc->c.id, &payments, &n) != STORE_OK)
            return false;
        reminder_line_amounts(run->cfg, c->step->claim, c->business, today, payments, n, &c->lines[i]);
        free(payments);
    }
    return true;
}

/* Steps 1-3 go out on the creditor's behalf from the agency's address
 * (or CreditorSender when set); agency steps in the agency's own name. */
static void choose_identity(const struct config *cfg, struct composed *c)
{
    if (c->step->from == LADDER_FROM_AGENCY) {
        str_copy(c->sender_name, sizeof c->sender_name, cfg->agency_name);
        c->sender_address = cfg->agency_sender;
    } else if (cfg->creditor_sender[0]) {
        str_copy(c->sender_name, sizeof c->sender_name, cfg->creditor_name);
        c->sender_address = cfg->creditor_sender;
    } else {
        str_format(c->sender_name, sizeof c->sender_name, "%s via %s", cfg->creditor_name, cfg->agency_name);
        c->sender_address = cfg->agency_sender;
    }
}

static void choose_recipient(const struct config *cfg, struct composed *c)
{
    const struct case_row *first = &c->lines[0].dc->c;

    if (c->court) {
        str_copy(c->recipient, sizeof c->recipient, cfg->creditor_email);
        str_copy(c->recipient_name, sizeof c->recipient_name, cfg->creditor_name);
    } else {
        str_copy(c->recipient, sizeof c->recipient, first->debtor_email);
        str_copy(c->recipient_name, sizeof c->recipient_name,
                 first->debtor_name[0] ? first->debtor_name : first->inv.buyer_name);
    }
}

/* Every earlier reminder of the cases (sent ones), newest first. */
static bool gather_history(const struct scheduler_run *run, struct composed *c)
{
    memset(&c->history, 0, sizeof c->history);
    for (size_t i = 0; i < c->count; i++) {
        struct reminder_list one;
        if (store_list_reminders(run->st, "sent", c->lines[i].dc->c.id, &one) != STORE_OK)
            return false;
        for (size_t k = 0; k < one.count; k++) {
            bool seen = false;
            for (size_t j = 0; j < c->history.count && !seen; j++)
                seen = c->history.items[j].id == one.items[k].id;
            if (seen)
                continue;
            c->history.items = xrealloc(c->history.items, (c->history.count + 1) * sizeof *c->history.items);
            c->history.items[c->history.count++] = one.items[k];
        }
        reminder_list_free(&one);
    }
    return true;
}

static bool render_step(const struct scheduler_run *run, struct composed *c, struct date today, char *why,
                        size_t whylen)
{
    struct reminder_content rc = {run->cfg, c->step, c->step_number, c->lang, c->business, today,
                                  c->sender_name, c->reply_address, c->lines, c->count, &c->history};
    struct template_vars vars;
    struct template t;
    bool ok;

    if (!template_load(run->cfg->template_dir, c->lang, c->step->template_name, &t, why, whylen))
        return false;
    template_vars_init(&vars);
    reminder_content_vars(&rc, &vars);
    ok = template_render(&t, &vars, c->lang, (enum template_colour)c->step->severity, &c->text, why, whylen);
    template_vars_free(&vars);
    template_free(&t);
    return ok;
}

static void build_mail(const struct config *cfg, struct composed *c, time_t date)
{
    bool redirect = cfg->redirect_to[0] != '\0';
    struct reminder_mail m = {
        .from_name = c->sender_name,
        .from_address = c->sender_address,
        .to_name = redirect ? NULL : c->recipient_name,
        .to_address = redirect ? cfg->redirect_to : c->recipient,
        .redirected_from = redirect ? c->recipient : NULL,
        .reply_to = c->reply_address,
        .message_id = c->message_id,
        .references = &c->references,
        .marker = c->token,
        .language = language_code(c->lang),
        .subject = c->text.subject,
        .text = c->text.text,
        .html = c->text.html,
        .date = date,
    };

    c->mail = reminder_build(&m, &c->mail_len);
}

static bool compose(const struct ctx *x, const struct due_case *const *cases, size_t count, int step,
                    struct composed *c, char *why, size_t whylen)
{
    const struct scheduler_run *run = x->run;
    const struct config *cfg = x->cfg;
    struct reply_token token = {cases[0]->c.id, step};

    memset(c, 0, sizeof *c);
    strlist_init(&c->references);
    c->step = step_def(cfg, step, &c->courtesy);
    if (c->step == NULL) {
        str_format(why, whylen, "step %d is not in the ladder", step);
        return false;
    }
    c->step_number = step;
    c->court = c->step->action == LADDER_COURT;
    /* The creditor reads the court hand-off: it is in the default language. */
    c->lang = c->court ? default_language(cfg) : debtor_language(cfg, cases[0]);
    c->business = debtor_is_business(cfg, cases[0]);
    c->count = count;
    for (size_t i = 0; i < count; i++) {
        c->lines[i].dc = cases[i];
        if (cases[i]->c.message_id[0] && !strlist_contains_icase(&c->references, cases[i]->c.message_id))
            strlist_add(&c->references, cases[i]->c.message_id);
    }
    if (!compute_lines(run, c, x->local.date) || !gather_history(run, c)) {
        str_format(why, whylen, "database: %s", store_last_error(run->st));
        return false;
    }
    choose_identity(cfg, c);
    choose_recipient(cfg, c);
    token_make(run->key, &token, c->token);
    token_address(cfg->reply_address, c->token, c->reply_address, sizeof c->reply_address);
    reminder_new_message_id(c->sender_address, c->message_id);
    if (!render_step(run, c, x->local.date, why, whylen))
        return false;
    /* Dated at the run's moment: a run as at a past or future day (relancectl
     * run-due --now) writes the mail of that day. */
    build_mail(cfg, c, x->run->moment);
    return true;
}

/* ---- files: dry runs and letters ---- */

static bool ensure_directory(const char *dir, char *why, size_t whylen)
{
    if (mkdir(dir, 0750) == 0 || errno == EEXIST)
        return true;
    str_format(why, whylen, "cannot create %s: %s", dir, strerror(errno));
    return false;
}

/* A file name part from an invoice number: letters, digits, '-', '_'. */
static void safe_name(const char *in, char *out, size_t size)
{
    size_t n = 0;

    for (; *in && n + 1 < size && n < 40; in++)
        out[n++] = (isalnum((unsigned char)*in) || *in == '-' || *in == '_') ? *in : '_';
    out[n] = '\0';
}

static char *file_path(const char *dir, const struct ctx *x, const struct composed *c, int64_t id, const char *ext)
{
    char number[48];

    safe_name(c->lines[0].dc->c.inv.number, number, sizeof number);
    return xasprintf("%s/%04d-%02d-%02d-%s-%s-%lld.%s", dir, x->local.date.year, x->local.date.month,
                     x->local.date.day, number, c->step->name, (long long)id, ext);
}

static bool write_file(const char *path, const char *data, size_t len, char *why, size_t whylen)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    bool ok = f != NULL && fwrite(data, 1, len, f) == len;

    if (f != NULL && fclose(f) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        str_format(why, whylen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

static void letter_lines(const struct config *cfg, const struct composed *c, struct letter *l)
{
    const struct case_row *first = &c->lines[0].dc->c;
    bool agency = c->step->from == LADDER_FROM_AGENCY;

    strlist_init(&l->sender);
    strlist_init(&l->recipient);
    strlist_add(&l->sender, agency ? cfg->agency_name : cfg->creditor_name);
    if ((agency ? cfg->agency_address : cfg->creditor_address)[0])
        strlist_add(&l->sender, agency ? cfg->agency_address : cfg->creditor_address);
    strlist_add(&l->sender, agency ? cfg->agency_sender : cfg->creditor_email);
    strlist_add(&l->recipient, c->recipient_name[0] ? c->recipient_name : first->debtor_email);
    strlist_add(&l->recipient, first->debtor_email);
}

/* The printable letter of the step; NULL when the step has none or it
 * could not be written (logged). */
static char *write_letter(const struct ctx *x, const struct composed *c, const char *dir, int64_t id)
{
    const char *log_id = c->lines[0].dc->c.inv.number;
    char date_text[64], why[300];
    struct letter l;
    char *path, *place_date, *object;
    bool ok;

    if (!c->step->letter)
        return NULL;
    if (!ensure_directory(dir, why, sizeof why)) {
        log_error(log_id, "no letter for reminder %lld: %s", (long long)id, why);
        return NULL;
    }
    calendar_format_long(x->local.date, c->lang, date_text, sizeof date_text);
    place_date = xasprintf(c->lang == LANG_FR ? "Le %s" : "%s", date_text);
    object = xasprintf(c->lang == LANG_FR ? "Objet : %s" : "Subject: %s", c->text.subject);
    letter_lines(x->cfg, c, &l);
    l.place_date = place_date;
    l.object = object;
    l.body = c->text.text;
    l.footer = x->cfg->agency_name;
    path = file_path(dir, x, c, id, "pdf");
    ok = letter_write_pdf(&l, path, why, sizeof why);
    strlist_free(&l.sender);
    strlist_free(&l.recipient);
    free(place_date);
    free(object);
    if (!ok) {
        log_error(log_id, "no letter for reminder %lld: %s", (long long)id, why);
        free(path);
        return NULL;
    }
    log_info(log_id, "letter of reminder %lld written to %s", (long long)id, path);
    return path;
}

/* ---- the creditor's copy ---- */

static bool render_copy(const struct ctx *x, const struct composed *c, struct rendered *out, char *why,
                        size_t whylen)
{
    enum language lang = default_language(x->cfg);
    struct reminder_content rc = {x->cfg, c->step, c->step_number, lang, c->business, x->local.date,
                                  c->sender_name, c->reply_address, c->lines, c->count, &c->history};
    struct template_vars vars;
    struct template t;
    bool ok;

    if (!template_load(x->cfg->template_dir, lang, "copie", &t, why, whylen))
        return false;
    template_vars_init(&vars);
    reminder_content_vars(&rc, &vars);
    template_set(&vars, "copy_recipient", c->recipient);
    template_set(&vars, "original_subject", c->text.subject);
    ok = template_render(&t, &vars, lang, (enum template_colour)c->step->severity, out, why, whylen);
    template_vars_free(&vars);
    template_free(&t);
    return ok;
}

/* The copy: the creditor's template, the reminder attached as it was
 * sent, and the letter when there is one. */
static char *build_copy(const struct ctx *x, const struct composed *c, const struct rendered *text,
                        const char *letter_path, size_t *len)
{
    const struct config *cfg = x->cfg;
    bool redirect = cfg->redirect_to[0] != '\0';
    struct reminder_attachment files[2] = {{"relance.eml", "message/rfc822", c->mail, c->mail_len}};
    char message_id[REMINDER_MESSAGE_ID_MAX];
    struct strlist refs;
    size_t pdf_len = 0;
    char *pdf = letter_path ? file_read_all(letter_path, 16 * 1024 * 1024, &pdf_len) : NULL;
    char *mail;

    if (pdf)
        files[1] = (struct reminder_attachment){strrchr(letter_path, '/') + 1, "application/pdf", pdf, pdf_len};
    strlist_init(&refs);
    strlist_add(&refs, c->message_id);
    reminder_new_message_id(cfg->agency_sender, message_id);
    {
        struct reminder_mail m = {
            .from_name = cfg->agency_name,
            .from_address = cfg->agency_sender,
            .to_name = redirect ? NULL : cfg->creditor_name,
            .to_address = redirect ? cfg->redirect_to : cfg->creditor_email,
            .redirected_from = redirect ? cfg->creditor_email : NULL,
            .message_id = message_id,
            .references = &refs,
            .marker = c->token,
            .language = language_code(default_language(cfg)),
            .subject = text->subject,
            .text = text->text,
            .html = text->html,
            .date = x->run->moment,
            .attachments = files,
            .attachment_count = pdf ? 2 : 1,
        };
        mail = reminder_build(&m, len);
    }
    strlist_free(&refs);
    free(pdf);
    return mail;
}

/* A copy that does not go out is logged, never retried: the reminder
 * itself went out and is recorded. */
static void send_copy(const struct ctx *x, const struct composed *c, const char *letter_path)
{
    const char *log_id = c->lines[0].dc->c.inv.number;
    const char *to = x->cfg->redirect_to[0] ? x->cfg->redirect_to : x->cfg->creditor_email;
    struct submit_envelope env;
    struct strlist rcpt;
    struct rendered text;
    char why[300];
    char *mail;
    size_t len;

    if (!render_copy(x, c, &text, why, sizeof why)) {
        log_error(log_id, "no copy for the creditor: %s", why);
        return;
    }
    mail = build_copy(x, c, &text, letter_path, &len);
    strlist_init(&rcpt);
    strlist_add(&rcpt, to);
    env.sender = c->reply_address;
    env.recipients = &rcpt;
    if (submit_message(&x->submit, &env, mail, len, SUBMIT_TIMEOUT_S, why, sizeof why) == SUBMIT_OK)
        log_info(log_id, "copy of reminder <%s> sent to the creditor <%s>", c->message_id, to);
    else
        log_warning(log_id, "copy of reminder <%s> to the creditor not sent: %s", c->message_id, why);
    strlist_free(&rcpt);
    rendered_free(&text);
    free(mail);
}

/* ---- claiming, sending, recording ---- */

enum sent_outcome { OUTCOME_DONE, OUTCOME_SKIPPED, OUTCOME_STORE_FAILED };

static enum store_result claim(const struct ctx *x, const struct composed *c, int64_t *id)
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

static enum sent_outcome dry_run(struct ctx *x, const struct composed *c, int64_t id)
{
    const char *log_id = c->lines[0].dc->c.inv.number;
    char why[300];
    char *path;
    enum store_result r;

    if (!ensure_directory(x->cfg->dry_run_dir, why, sizeof why)) {
        r = store_reminder_failed(x->run->st, x->run->key, id, x->run->actor, why);
        log_error(log_id, "dry run of reminder %lld failed: %s", (long long)id, why);
        x->report->failed++;
        return r == STORE_OK ? OUTCOME_DONE : OUTCOME_STORE_FAILED;
    }
    path = file_path(x->cfg->dry_run_dir, x, c, id, "eml");
    if (!write_file(path, c->mail, c->mail_len, why, sizeof why)) {
        r = store_reminder_failed(x->run->st, x->run->key, id, x->run->actor, why);
        log_error(log_id, "dry run of reminder %lld failed: %s", (long long)id, why);
        x->report->failed++;
    } else {
        r = store_reminder_dry_run(x->run->st, x->run->key, id, x->run->actor, path);
        log_notice(log_id, "DryRun: step %d (%s) for <%s> written to %s", c->step_number, c->step->name,
                   c->recipient, path);
        free(write_letter(x, c, x->cfg->dry_run_dir, id));
        x->report->dry_runs++;
    }
    free(path);
    return r == STORE_OK ? OUTCOME_DONE : OUTCOME_STORE_FAILED;
}

static void log_sent(const struct ctx *x, const struct composed *c, int64_t id)
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

static void after_sent(const struct ctx *x, const struct composed *c, int64_t id)
{
    char *letter = write_letter(x, c, x->cfg->letter_dir, id);

    if (c->step->copy && !c->court && x->cfg->creditor_email[0])
        send_copy(x, c, letter);
    free(letter);
}

static enum sent_outcome record_submission(struct ctx *x, const struct composed *c, int64_t id,
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
        x->report->sent++;
        after_sent(x, c, id);
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

static enum sent_outcome submit_and_record(struct ctx *x, const struct composed *c, int64_t id)
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

static enum sent_outcome send_group(struct ctx *x, const struct group *g)
{
    const char *log_id = g->cases[0]->c.inv.number;
    struct composed c;
    char why[300];
    int64_t id = 0;
    enum store_result r;
    enum sent_outcome outcome;

    if (!compose(x, g->cases, g->count, g->step, &c, why, sizeof why)) {
        log_error(log_id, "step %d for <%s> not sent: %s", g->step, g->cases[0]->c.debtor_email, why);
        composed_free(&c);
        x->report->skipped++;
        return strncmp(why, "database:", 9) == 0 ? OUTCOME_STORE_FAILED : OUTCOME_SKIPPED;
    }
    r = claim(x, &c, &id);
    if (r == STORE_CONFLICT) {
        log_info(log_id, "step %d for <%s>: already claimed, or the debtor had a reminder today, or the case "
                         "changed: nothing sent", g->step, c.recipient);
        composed_free(&c);
        x->report->skipped++;
        return OUTCOME_SKIPPED;
    }
    if (r != STORE_OK) {
        log_error(log_id, "cannot claim step %d: %s", g->step, store_last_error(x->run->st));
        composed_free(&c);
        return OUTCOME_STORE_FAILED;
    }
    outcome = x->cfg->dry_run ? dry_run(x, &c, id) : submit_and_record(x, &c, id);
    composed_free(&c);
    return outcome;
}

/* ---- the run ---- */

static bool send_due(struct ctx *x)
{
    struct due_case_list due;
    struct plan plan = {NULL, 0, 0};
    int64_t last_debtor = 0;
    bool ok = true;

    if (store_list_due_cases(x->run->st, x->cfg->dry_run, &due) != STORE_OK) {
        log_error(NULL, "cannot read the cases: %s", store_last_error(x->run->st));
        return false;
    }
    for (size_t i = 0; i < due.count; i++) {
        int step = due_step(x, &due.items[i]);
        if (step != LADDER_NONE)
            plan_add(&plan, &due.items[i], step);
    }
    /* Groups come in debtor order: one mail per debtor per run. */
    for (size_t i = 0; i < plan.count && ok; i++) {
        const struct group *g;
        if (plan.items[i].debtor_id == last_debtor)
            continue;
        last_debtor = plan.items[i].debtor_id;
        g = best_group_of(&plan, last_debtor);
        ok = send_group(x, g) != OUTCOME_STORE_FAILED;
    }
    free(plan.items);
    due_case_list_free(&due);
    return ok;
}

static bool ctx_init(struct ctx *x, const struct scheduler_run *run, struct scheduler_report *report)
{
    struct local_moment start;
    char why[200];

    memset(x, 0, sizeof *x);
    memset(report, 0, sizeof *report);
    x->run = run;
    x->cfg = run->cfg;
    x->report = report;
    config_calendar(run->cfg, &x->cal);
    x->local = calendar_local(run->moment);
    calendar_utc_text(run->moment, x->at);
    start.date = x->local.date;
    start.minute = 0;
    calendar_utc_text(calendar_instant(start), x->day_start);
    start.date = date_add_days(x->local.date, 1);
    calendar_utc_text(calendar_instant(start), x->day_end);
    if (!submit_spec_parse(run->cfg->submit, &x->submit, why, sizeof why)) {
        log_error(NULL, "Submit: %s", why);
        return false;
    }
    return true;
}

bool scheduler_run_due(const struct scheduler_run *run, struct scheduler_report *report)
{
    struct strbuf missing;
    struct ctx x;
    bool ok;

    if (!ctx_init(&x, run, report))
        return true;
    ok = settle_stale_reminders(&x);
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
    strbuf_free(&missing);
    submit_spec_free(&x.submit);
    return ok;
}

/* ---- preview ---- */

void preview_free(struct preview *p)
{
    free(p->from);
    free(p->to);
    free(p->subject);
    free(p->text);
    free(p->html);
    memset(p, 0, sizeof *p);
}

bool scheduler_preview(const struct scheduler_run *run, int64_t case_id, int step, struct preview *out,
                       char *why, size_t whylen)
{
    struct scheduler_report report;
    const struct due_case *one[1];
    struct due_case dc;
    struct composed c;
    struct ctx x;
    bool ok;

    memset(out, 0, sizeof *out);
    if (!ctx_init(&x, run, &report)) {
        str_format(why, whylen, "Submit is not valid");
        return false;
    }
    submit_spec_free(&x.submit);
    if (store_get_due_case(run->st, case_id, false, &dc) != STORE_OK) {
        str_format(why, whylen, "no such case, or it has no debtor");
        return false;
    }
    if (step < 0)
        step = dc.c.level + 1;
    one[0] = &dc;
    ok = compose(&x, one, 1, step, &c, why, whylen);
    if (ok) {
        out->from = xasprintf("\"%s\" <%s>", c.sender_name, c.sender_address);
        out->to = xasprintf("%s <%s>", c.recipient_name, c.recipient);
        out->subject = xstrdup(c.text.subject);
        out->text = xstrdup(c.text.text);
        out->html = xstrdup(c.text.html);
    }
    composed_free(&c);
    return ok;
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

/* ---- the daemon's thread ---- */

struct scheduler_thread {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
    struct config *(*get_config)(void);
    struct store_pool *pool;
    struct audit_key key;
};

static void run_once(struct scheduler_thread *t, const struct config *cfg)
{
    struct scheduler_report report;
    struct scheduler_run run = {cfg, &t->key, NULL, time(NULL), "scheduler"};
    char why[256];

    run.st = store_pool_get(t->pool, why, sizeof why);
    if (run.st == NULL) {
        log_error(NULL, "scheduler: database unavailable: %s", why);
        return;
    }
    if (!scheduler_run_due(&run, &report))
        log_error(NULL, "scheduler: the run stopped early on a database error");
    if (report.sent + report.dry_runs + report.held + report.failed + report.recovered > 0)
        log_info(NULL, "scheduler: %d sent, %d dry runs, %d held, %d failed, %d settled after an interruption",
                 report.sent, report.dry_runs, report.held, report.failed, report.recovered);
    store_pool_put(t->pool, run.st);
}

/* Sleeps up to seconds, or until asked to stop; true when asked. */
static bool wait_or_stop(struct scheduler_thread *t, long long seconds)
{
    struct timespec until;
    bool stop;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(seconds > 0 ? seconds : 60);
    pthread_mutex_lock(&t->lock);
    while (!t->stop && pthread_cond_timedwait(&t->wake, &t->lock, &until) == 0)
        ;
    stop = t->stop;
    pthread_mutex_unlock(&t->lock);
    return stop;
}

static void *scheduler_main(void *arg)
{
    struct scheduler_thread *t = arg;
    long long interval;

    do {
        struct config *cfg = t->get_config();
        interval = cfg->scheduler_interval;
        /* SchedulerInterval 0 (after a reload): idle until it changes. */
        if (interval > 0)
            run_once(t, cfg);
        config_unref(cfg);
    } while (!wait_or_stop(t, interval));
    return NULL;
}

struct scheduler_thread *scheduler_start(struct config *(*get_config)(void), struct store_pool *pool,
                                         const struct audit_key *key)
{
    struct scheduler_thread *t = xcalloc(1, sizeof *t);
    sigset_t all, old;
    int rc;

    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->wake, NULL);
    t->get_config = get_config;
    t->pool = pool;
    t->key = *key;
    /* Signals belong to libmilter's and the reload thread: the scheduler
     * starts with all of them blocked. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rc = pthread_create(&t->thread, NULL, scheduler_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&t->wake);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    return t;
}

void scheduler_stop(struct scheduler_thread *t)
{
    if (t == NULL)
        return;
    pthread_mutex_lock(&t->lock);
    t->stop = true;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    explicit_bzero(&t->key, sizeof t->key);
    free(t);
}
