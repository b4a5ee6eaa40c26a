/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_notice.c - the creditor's notice of a reply and the debtor's
 * acknowledgment of a dispute (see reply_notice.h).
 *
 * Both speak of the cases with the reminders' own variables (invoices
 * table, amounts, parties: reminder_content.h, with nothing claimed), plus
 * the reply's: its verdict, its author, its words and what relance did.
 * The debtor's words reach the creditor as plain text values, escaped in
 * the HTML part, so that a reply can never inject markup into the notice.
 * Both carry relance's marker, so that the milter knows them as its own
 * mail when they pass; the acknowledgment carries a tagged Reply-To, so
 * that the debtor's answer to it is matched like an answer to a reminder.
 */
#include "replies/reply_notice.h"

#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "lib/template.h"
#include "lib/token.h"
#include "remind/reminder.h"
#include "remind/reminder_content.h"

#define NOTICE_MAX_CASES 50

struct notice {
    const struct reply_notice_input *in;
    bool ack;
    enum language lang;
    struct ladder_step step; /* neutral: nothing claimed */
    struct due_case cases[NOTICE_MAX_CASES];
    struct reminder_line lines[NOTICE_MAX_CASES];
    size_t count;
    char token[TOKEN_MAX];
    char reply_to[INVOICE_EMAIL_MAX + TOKEN_MAX];
};

static enum language creditor_language(const struct config *cfg)
{
    return cfg->default_language == 1 ? LANG_EN : LANG_FR;
}

/* The debtor's language: the profile's, else DefaultLanguage. */
static enum language debtor_language(const struct notice *n)
{
    enum language lang;

    if (n->count > 0 && language_parse(n->cases[0].debtor_language, &lang))
        return lang;
    return creditor_language(n->in->cfg);
}

static bool load_cases(struct notice *n, char *why, size_t whylen)
{
    const struct reply_notice_input *in = n->in;

    for (size_t i = 0; i < in->case_count && n->count < NOTICE_MAX_CASES; i++) {
        struct money_payment *payments = NULL;
        size_t np = 0;
        struct due_case *dc = &n->cases[n->count];

        if (store_get_due_case(in->st, in->case_ids[i], false, dc) != STORE_OK ||
            store_list_payments(in->st, dc->c.id, &payments, &np) != STORE_OK) {
            str_format(why, whylen, "database: %s", store_last_error(in->st));
            return false;
        }
        memset(&n->lines[n->count], 0, sizeof n->lines[n->count]);
        n->lines[n->count].dc = dc;
        reminder_line_amounts(in->cfg, false, DEBTOR_KIND_BUSINESS, in->today, payments, np, &n->lines[n->count]);
        free(payments);
        n->count++;
    }
    if (n->count == 0)
        str_copy(why, whylen, "no case");
    return n->count > 0;
}

static const char *verdict_label(enum reply_verdict v, enum language lang)
{
    static const char *const fr[] = {"contestation", "promesse de paiement", "paiement annoncé",
                                     "demande d'échéancier ou de délai", "réponse automatique",
                                     "message non distribué", "autre réponse",
                                     "procédure collective annoncée"};
    static const char *const en[] = {"dispute", "payment promise", "payment reported",
                                     "payment plan or delay request", "auto-reply",
                                     "undelivered message", "other reply",
                                     "insolvency proceedings announced"};
    if ((unsigned)v >= REPLY_VERDICT_COUNT)
        v = REPLY_OTHER;
    return lang == LANG_EN ? en[v] : fr[v];
}

static void set_day(struct template_vars *v, const char *name, struct date d, enum language lang)
{
    char text[64] = "";

    if (date_is_set(d))
        calendar_format_long(d, lang, text, sizeof text);
    template_set(v, name, text);
}

/* What relance did, as the action says it: the notice never claims a
 * pause or a marked address that did not happen. */
static void action_vars(const struct notice *n, struct template_vars *v)
{
    const char *action = n->in->action ? n->in->action : "";
    char number[24];

    template_set_flag(v, "paused", strncmp(action, "paused", 6) == 0);
    template_set_flag(v, "undeliverable", strcmp(action, "address undeliverable") == 0);
    template_set_flag(v, "capped", strstr(action, "(" REPLY_NOTE_CAPPED) != NULL);
    template_set_flag(v, "pause_limit", strstr(action, "(" REPLY_NOTE_PAUSE_LIMIT ")") != NULL);
    str_format(number, sizeof number, "%d", (int)n->in->cfg->promise_max_days);
    template_set(v, "promise_max_days", number);
    str_format(number, sizeof number, "%d", (int)n->in->cfg->max_pauses_per_case);
    template_set(v, "max_pauses", number);
}

/* What relance did was to put the cases in review (reply.c's action). */
static bool in_review(const struct reply_notice_input *in)
{
    return !in->unverified && in->action && strncmp(in->action, "review", 6) == 0;
}

/* A case put in review: why relance could not decide, until when it
 * waits, and the commands that decide, written with the case's number. */
static void review_vars(const struct notice *n, bool review, struct template_vars *v)
{
    const struct reply_reading *r = n->in->reading;
    char number[24];

    template_set_flag(v, "review", review);
    template_set_flag(v, "review_unsure", review && r->verdict != REPLY_OTHER);
    template_set_flag(v, "review_several", n->count > 1);
    template_set(v, "review_number", n->count > 0 ? n->cases[0].c.inv.number : "");
    set_day(v, "review_until", review ? n->in->pause_until : (struct date){0, 0, 0}, n->lang);
    str_format(number, sizeof number, "%d", r->margin);
    template_set(v, "review_margin", number);
    str_format(number, sizeof number, "%d", (int)n->in->cfg->review_days);
    template_set(v, "review_days", number);
}

static void reply_vars(const struct notice *n, struct template_vars *v)
{
    const struct reply_notice_input *in = n->in;
    const struct reply_reading *r = in->reading;
    /* In review, no verdict's effect happened: only the review is told. */
    bool review = in_review(in);
    bool told = !in->unverified && !review;

    template_set(v, "verdict", reply_verdict_name(r->verdict));
    if (in->unverified) {
        char *label = xasprintf("%s (%s)", verdict_label(r->verdict, n->lang),
                                n->lang == LANG_EN ? "unverified sender" : "expéditeur non vérifié");
        template_set(v, "verdict_label", label);
        free(label);
    } else {
        template_set(v, "verdict_label", verdict_label(r->verdict, n->lang));
    }
    template_set(v, "reply_from", in->writer ? in->writer : "");
    template_set(v, "reply_subject", in->subject ? in->subject : "");
    template_set(v, "reply_words", r->own_words && r->own_words[0] ? r->own_words : r->excerpt);
    template_set(v, "reply_reason", r->reason);
    template_set(v, "action", in->action ? in->action : "");
    set_day(v, "promised_date", r->promised, n->lang);
    set_day(v, "pause_until", in->pause_until, n->lang);
    template_set_flag(v, "promised", date_is_set(r->promised));
    template_set_flag(v, "until", date_is_set(in->pause_until));
    /* An unverified reply changed nothing: none of the verdicts' effects is told. */
    template_set_flag(v, "unverified", in->unverified);
    template_set_flag(v, "dispute", told && r->verdict == REPLY_DISPUTE);
    template_set_flag(v, "promise", told && r->verdict == REPLY_PROMISE);
    template_set_flag(v, "paid", told && r->verdict == REPLY_PAID);
    template_set_flag(v, "plan", told && r->verdict == REPLY_PLAN);
    template_set_flag(v, "bounce", told && r->verdict == REPLY_BOUNCE);
    action_vars(n, v);
    review_vars(n, review, v);
    template_set_flag(v, "other", told && (r->verdict == REPLY_OTHER || r->verdict == REPLY_AUTO_REPLY));
}

static bool render(struct notice *n, struct rendered *out, char *why, size_t whylen)
{
    const struct config *cfg = n->in->cfg;
    struct reminder_content rc = {cfg, &n->step, 0, n->lang, DEBTOR_KIND_BUSINESS, n->in->today, cfg->agency_name,
                                  n->reply_to, n->lines, n->count, NULL, NULL};
    struct template_vars vars;
    struct template t;
    bool ok;

    if (!template_load(cfg->template_dir, n->lang, n->ack ? "accuse-contestation" : "reponse-creancier", &t, why,
                       whylen))
        return false;
    template_vars_init(&vars);
    reminder_content_vars(&rc, &vars);
    reply_vars(n, &vars);
    /* A dispute, and a reply that waits for the creditor's reading, call for attention. */
    ok = template_render(&t, &vars, n->lang,
                         n->in->reading->verdict == REPLY_DISPUTE || in_review(n->in) ? TEMPLATE_ORANGE : TEMPLATE_GREEN,
                         out, why, whylen);
    template_vars_free(&vars);
    template_free(&t);
    return ok;
}

static void build(const struct notice *n, const struct rendered *text, struct reply_notice *out)
{
    const struct config *cfg = n->in->cfg;
    bool redirect = cfg->redirect_to[0] != '\0';
    struct strlist refs;
    struct reminder_mail m = {
        .from_name = cfg->agency_name,
        .from_address = cfg->agency_sender,
        .to_name = NULL,
        .to_address = redirect ? cfg->redirect_to : out->recipient,
        .redirected_from = redirect ? out->recipient : NULL,
        /* The creditor answers the debtor directly; the debtor answers relance. */
        .reply_to = n->ack ? n->reply_to : n->in->writer,
        .message_id = out->message_id,
        .references = &refs,
        .marker = n->token,
        .language = language_code(n->lang),
        .subject = text->subject,
        .text = text->text,
        .html = text->html,
        .date = n->in->now,
        .zone = cfg->timezone,
    };

    strlist_init(&refs);
    if (n->ack && n->in->message_id && n->in->message_id[0])
        strlist_add(&refs, n->in->message_id);
    out->data = reminder_build(&m, &out->len);
    strlist_free(&refs);
}

bool reply_notice_build(const struct reply_notice_input *in, const char *kind, struct reply_notice *out,
                        char *why, size_t whylen)
{
    struct notice *n = xcalloc(1, sizeof *n);
    struct reply_token token;
    struct rendered text = {0};
    bool ok = false;

    memset(out, 0, sizeof *out);
    n->in = in;
    n->ack = strcmp(kind, "dispute-ack") == 0;
    ladder_courtesy_step(&n->step);
    n->step.claim = false;
    if (!load_cases(n, why, whylen))
        goto done;
    n->lang = n->ack ? debtor_language(n) : creditor_language(in->cfg);
    token.case_id = n->cases[0].c.id;
    token.step = n->cases[0].c.level;
    token_make(in->key, &token, n->token);
    token_address(in->cfg->reply_address, n->token, n->reply_to, sizeof n->reply_to);
    str_copy(out->recipient, sizeof out->recipient, n->ack ? (in->writer ? in->writer : "") : in->cfg->creditor_email);
    if (out->recipient[0] == '\0' || in->cfg->agency_sender[0] == '\0') {
        str_copy(why, whylen, n->ack ? "no address to answer" : "CreditorEmail or AgencySender is not set");
        goto done;
    }
    str_copy(out->sender, sizeof out->sender, n->reply_to);
    reminder_new_message_id(in->cfg->agency_sender, out->message_id);
    if (!render(n, &text, why, whylen))
        goto done;
    build(n, &text, out);
    ok = out->data != NULL;
    if (!ok)
        str_copy(why, whylen, "cannot build the message");
done:
    rendered_free(&text);
    free(n);
    return ok;
}

void reply_notice_free(struct reply_notice *n)
{
    free(n->data);
    n->data = NULL;
    n->len = 0;
}
