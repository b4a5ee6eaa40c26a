/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_compose.c - one reminder as it would go out: the step, the
 * debtor's language and kind, each invoice's amounts, the sender and the
 * recipient, the earlier reminders, the rendered text and the MIME
 * message; and the operator's preview, the same composition shown
 * instead of sent.
 *
 * Composing only reads the store (payments, sent reminders): claiming,
 * submitting and recording are scheduler.c's, which is what makes a
 * preview harmless at any time.
 */
#include "remind/scheduler.h"

#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/qr.h"
#include "lib/token.h"
#include "remind/ladder_choice.h"
#include "remind/reminder.h"
#include "remind/reminder_content.h"
#include "remind/reminder_payment.h"
#include "remind/scheduler_compose.h"
#include "remind/scheduler_context.h"

/* ---- composing ---- */

static const struct ladder_step *step_def(const struct config *cfg, const char *ladder, int step,
                                         struct ladder_step *courtesy)
{
    const struct ladder_steps *steps = ladder_steps_named(cfg, ladder, NULL);

    if (step == LADDER_COURTESY) {
        ladder_courtesy_step(courtesy);
        return courtesy;
    }
    if (step < 1 || (size_t)step > steps->count)
        return NULL;
    return &steps->items[step - 1];
}

void scheduler_composed_free(struct scheduler_composed *c)
{
    reminder_list_free(&c->history);
    strlist_free(&c->references);
    rendered_free(&c->text);
    free(c->qr_png);
    free(c->mail);
}

static enum language debtor_language(const struct config *cfg, const struct due_case *dc)
{
    enum language lang;

    if (language_parse(dc->debtor_language, &lang))
        return lang;
    return scheduler_default_language(cfg);
}


static bool compute_lines(const struct scheduler_run *run, struct scheduler_composed *c, struct date today)
{
    for (size_t i = 0; i < c->count; i++) {
        struct money_payment *payments = NULL;
        size_t n = 0;
        if (store_list_payments(run->st, c->lines[i].dc->c.id, &payments, &n) != STORE_OK)
            return false;
        reminder_line_amounts(run->cfg, c->step->claim, c->kind, today, payments, n, &c->lines[i]);
        free(payments);
    }
    return true;
}

/* A creditor step is the creditor's own reminder: its name in From:,
 * from CreditorSender when set, else from the agency's mailbox (replies
 * must reach relance), never "via" the agency: a mail that names the agency
 * as its writer is collection for another, owing every R124-4 mention.
 * Agency steps go out in the agency's own name. */
static void choose_identity(const struct config *cfg, struct scheduler_composed *c)
{
    if (c->step->from == LADDER_FROM_AGENCY) {
        str_copy(c->sender_name, sizeof c->sender_name, cfg->agency_name);
        c->sender_address = cfg->agency_sender;
    } else {
        str_copy(c->sender_name, sizeof c->sender_name, cfg->creditor_name);
        c->sender_address = cfg->creditor_sender[0] ? cfg->creditor_sender : cfg->agency_sender;
    }
}

static void choose_recipient(const struct config *cfg, struct scheduler_composed *c)
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
static bool gather_history(const struct scheduler_run *run, struct scheduler_composed *c)
{
    static const enum reminder_state sent = REMINDER_SENT;

    memset(&c->history, 0, sizeof c->history);
    for (size_t i = 0; i < c->count; i++) {
        struct reminder_list one;
        if (store_list_reminders(run->st, &sent, c->lines[i].dc->c.id, &one) != STORE_OK)
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

/* R124-4, last paragraph: a later agency letter recalls the reference and
 * the date of the first. The reference is made from the first case that
 * letter was about, so it stays the same if the cases are grouped
 * differently later. */
static bool recall_first_agency_letter(const struct scheduler_run *run, const struct scheduler_composed *c,
                                       struct template_vars *vars)
{
    const struct reminder_row *first = reminder_first_agency_letter(run->cfg, &c->history, c->step->name);
    struct date sent = {0, 0, 0};
    int64_t ids[1];
    size_t n = 0;

    if (first == NULL || c->step->from != LADDER_FROM_AGENCY || !date_parse(first->sent_at, &sent))
        return true;
    if (store_reminder_case_ids(run->st, first->id, ids, 1, &n) != STORE_OK)
        return false;
    reminder_reference_vars(run->cfg, c->lang, n == 1 ? ids[0] : c->lines[0].dc->c.id, sent, false, vars);
    return true;
}

/* The newest letter about these cases that the operator recorded as
 * posted: all a reminder may say of postal dispatch (reminder_content.c). */
static bool gather_dispatch(const struct scheduler_run *run, struct scheduler_composed *c)
{
    int64_t ids[GROUP_MAX_CASES];

    for (size_t i = 0; i < c->count; i++)
        ids[i] = c->lines[i].dc->c.id;
    return store_letter_dispatch(run->st, ids, c->count, &c->dispatch) == STORE_OK;
}

/* The EPC QR code of the reminder, as a PNG for the HTML part: its
 * payload is kept for the letter. A QR code that cannot be made is
 * logged and left out (the transfer details stay in the text). */
static void make_qr(const struct reminder_content *rc, struct scheduler_composed *c)
{
    struct qr_code q;

    str_format(c->qr_content_id, sizeof c->qr_content_id, "qr.%s", c->message_id);
    if (!reminder_payment_qr(rc, c->qr_payload))
        return;
    /* 4 pixels a module: a version 10-13 symbol is about 250 pixels wide. */
    if (!qr_encode(c->qr_payload, strlen(c->qr_payload), &q) || !qr_png(&q, 4, &c->qr_png, &c->qr_png_len)) {
        log_error(rc->lines[0].dc->c.inv.number, "the payment QR code could not be made: left out");
        c->qr_payload[0] = '\0';
        c->qr_png = NULL;
    }
    qr_free(&q);
}

static bool render_step(const struct scheduler_run *run, struct scheduler_composed *c, struct date today, char *why,
                        size_t whylen)
{
    struct reminder_content rc = {run->cfg, c->step, c->step_number, c->lang, c->kind, today,
                                  c->sender_name, c->reply_address, c->lines, c->count, &c->history, NULL};
    struct template_vars vars;
    struct template t;
    bool ok;

    if (!template_load(run->cfg->template_dir, c->lang, c->step->template_name, &t, why, whylen))
        return false;
    make_qr(&rc, c);
    if (c->qr_png)
        rc.qr_content_id = c->qr_content_id;
    template_vars_init(&vars);
    reminder_content_vars(&rc, &vars);
    ok = recall_first_agency_letter(run, c, &vars);
    if (!ok) {
        str_format(why, whylen, "database: %s", store_last_error(run->st));
    } else {
        reminder_dispatch_vars(&c->dispatch, c->lang, &vars);
        ok = template_render(&t, &vars, c->lang, (enum template_colour)c->step->severity, &c->text, why, whylen);
    }
    template_vars_free(&vars);
    template_free(&t);
    return ok;
}

static void build_mail(const struct config *cfg, struct scheduler_composed *c, time_t date)
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
        .zone = cfg->timezone,
    };
    struct reminder_attachment qr = {"paiement-qr.png", "image/png", c->qr_png, c->qr_png_len};

    if (c->qr_png) {
        m.html_image = &qr;
        m.html_image_id = c->qr_content_id;
    }
    c->mail = reminder_build(&m, &c->mail_len);
}

bool scheduler_compose(const struct scheduler_ctx *x, const struct due_case *const *cases, size_t count, int step,
                       struct scheduler_composed *c, char *why, size_t whylen)
{
    const struct scheduler_run *run = x->run;
    const struct config *cfg = x->cfg;
    struct reply_token token = {cases[0]->c.id, step};

    memset(c, 0, sizeof *c);
    strlist_init(&c->references);
    c->step = step_def(cfg, cases[0]->c.ladder, step, &c->courtesy);
    if (c->step == NULL) {
        str_format(why, whylen, "step %d is not in the ladder", step);
        return false;
    }
    c->step_number = step;
    c->court = c->step->action == LADDER_COURT;
    /* The creditor reads the court hand-off: it is in the default language. */
    c->lang = c->court ? scheduler_default_language(cfg) : debtor_language(cfg, cases[0]);
    c->kind = debtor_kind_effective(cases[0]->debtor_kind, (enum debtor_kind)cfg->default_debtor_kind);
    c->count = count;
    for (size_t i = 0; i < count; i++) {
        c->lines[i].dc = cases[i];
        if (cases[i]->c.message_id[0] && !strlist_contains_icase(&c->references, cases[i]->c.message_id))
            strlist_add(&c->references, cases[i]->c.message_id);
    }
    if (!compute_lines(run, c, x->local.date) || !gather_history(run, c) || !gather_dispatch(run, c)) {
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

bool scheduler_compose_again(const struct scheduler_ctx *x, const struct due_case *const *cases, size_t count,
                             const struct reminder_row *sent, struct scheduler_composed *c, char *why, size_t whylen)
{
    if (!scheduler_compose(x, cases, count, sent->step, c, why, whylen))
        return false;
    /* The identity it went out with, not fresh ones: the copy shows the
     * reminder the debtor has, and a reply quoting it must still match. */
    str_copy(c->message_id, sizeof c->message_id, sent->message_id);
    if (sent->token[0]) {
        str_copy(c->token, sizeof c->token, sent->token);
        token_address(x->cfg->reply_address, c->token, c->reply_address, sizeof c->reply_address);
    }
    if (sent->recipient[0])
        str_copy(c->recipient, sizeof c->recipient, sent->recipient);
    free(c->mail);
    build_mail(x->cfg, c, x->run->moment);
    return true;
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
    struct scheduler_composed c;
    struct scheduler_ctx x;
    bool ok;

    memset(out, 0, sizeof *out);
    if (!scheduler_ctx_init(&x, run, &report)) {
        str_format(why, whylen, "Submit is not valid");
        return false;
    }
    submit_spec_free(&x.submit);
    if (store_get_due_case(run->st, case_id, false, &dc) != STORE_OK) {
        str_format(why, whylen, "no such case, or it has no debtor");
        return false;
    }
    /* A case whose ladder is not chosen yet: the one it would follow. */
    if (dc.c.ladder[0] == '\0' && ladder_choice_configured(run->cfg)) {
        struct ladder_choice ch;
        if (!ladder_choose(run->cfg, run->st, &dc.c, &ch)) {
            str_format(why, whylen, "database: %s", store_last_error(run->st));
            return false;
        }
        str_copy(dc.c.ladder, sizeof dc.c.ladder, ch.name);
    }
    if (step < 0)
        step = dc.c.level + 1;
    const struct ladder_steps *steps = ladder_steps_named(run->cfg, dc.c.ladder, NULL);
    if (step >= 1 && (size_t)step <= steps->count && steps->items[step - 1].action == LADDER_TASK) {
        const struct ladder_step *s = &steps->items[step - 1];
        str_format(why, whylen, "step %d (%s) is done by people (task=%s): it sends nothing (relancectl tasks)",
                   step, s->name, ladder_task_kind_name(s->task));
        return false;
    }
    one[0] = &dc;
    ok = scheduler_compose(&x, one, 1, step, &c, why, whylen);
    if (ok) {
        out->from = xasprintf("\"%s\" <%s>", c.sender_name, c.sender_address);
        out->to = xasprintf("%s <%s>", c.recipient_name, c.recipient);
        out->subject = xstrdup(c.text.subject);
        out->text = xstrdup(c.text.text);
        out->html = xstrdup(c.text.html);
    }
    scheduler_composed_free(&c);
    return ok;
}
