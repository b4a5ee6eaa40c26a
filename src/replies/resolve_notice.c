/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * resolve_notice.c - the debtor's answer to a resolved dispute (see
 * resolve_notice.h).
 *
 * It speaks of the case with the reminders' variables (reminder_content.h)
 * and claims nothing but what is owed: the principal, after the credit
 * when one is granted; never penalties nor the indemnity, which only a
 * step of the ladder claims. Like the acknowledgment, it carries relance's
 * marker and a tagged Reply-To, so that the debtor's answer is matched to
 * the case.
 */
#include "replies/resolve_notice.h"

#include <stdlib.h>
#include <string.h>

#include "lib/template.h"
#include "lib/token.h"
#include "remind/reminder.h"
#include "remind/reminder_content.h"

struct resolution {
    const struct resolve_notice_input *in;
    enum language lang;
    struct ladder_step step; /* neutral: nothing claimed */
    struct due_case dc;
    struct reminder_line line;
    char token[TOKEN_MAX];
    char reply_to[INVOICE_EMAIL_MAX + TOKEN_MAX];
};

const char *resolve_notice_kind(enum case_resolution how)
{
    switch (how) {
    case RESOLVE_RESUME:
    case RESOLVE_CREDIT:
        return RESOLVE_NOTICE_RESUMED;
    case RESOLVE_CANCEL:
        return RESOLVE_NOTICE_WITHDRAWN;
    case RESOLVE_END_PAUSE:
        break;
    }
    return NULL;
}

/* The debtor's language: the profile's, else DefaultLanguage. */
static enum language debtor_language(const struct resolution *r)
{
    enum language lang;

    if (language_parse(r->dc.debtor_language, &lang))
        return lang;
    return r->in->cfg->default_language == 1 ? LANG_EN : LANG_FR;
}

/* The case as it will be once resolved: the credit taken off the balance. */
static bool load_case(struct resolution *r, char *why, size_t whylen)
{
    const struct resolve_notice_input *in = r->in;
    struct money_payment *payments = NULL;
    size_t np = 0;

    if (store_get_due_case(in->st, in->case_id, false, &r->dc) != STORE_OK ||
        store_list_payments(in->st, in->case_id, &payments, &np) != STORE_OK) {
        str_format(why, whylen, "database: %s", store_last_error(in->st));
        return false;
    }
    if (in->how == RESOLVE_CREDIT)
        r->dc.c.balance -= in->credit;
    r->line.dc = &r->dc;
    reminder_line_amounts(in->cfg, false, true, in->today, payments, np, &r->line);
    free(payments);
    return true;
}

static bool render(const struct resolution *r, struct rendered *out, char *why, size_t whylen)
{
    const struct config *cfg = r->in->cfg;
    struct reminder_content rc = {cfg, &r->step, 0, r->lang, true, r->in->today, cfg->agency_name,
                                  r->reply_to, &r->line, 1, NULL, NULL};
    bool cancel = r->in->how == RESOLVE_CANCEL;
    struct template_vars vars;
    struct template t;
    char credit[MONEY_TEXT_MAX];
    bool ok;

    if (!template_load(cfg->template_dir, r->lang, cancel ? "retrait-creance" : "reprise-contestation", &t, why,
                       whylen))
        return false;
    template_vars_init(&vars);
    reminder_content_vars(&rc, &vars);
    money_format_text(r->in->how == RESOLVE_CREDIT ? r->in->credit : 0, r->dc.c.inv.currency, r->lang, credit);
    template_set(&vars, "credit_amount", credit);
    template_set_flag(&vars, "credit", r->in->how == RESOLVE_CREDIT);
    ok = template_render(&t, &vars, r->lang, cancel ? TEMPLATE_GREEN : TEMPLATE_ORANGE, out, why, whylen);
    template_vars_free(&vars);
    template_free(&t);
    return ok;
}

static void build(const struct resolution *r, const struct rendered *text, struct reply_notice *out)
{
    const struct config *cfg = r->in->cfg;
    bool redirect = cfg->redirect_to[0] != '\0';
    struct strlist refs;
    struct reminder_mail m = {
        .from_name = cfg->agency_name,
        .from_address = cfg->agency_sender,
        .to_address = redirect ? cfg->redirect_to : out->recipient,
        .redirected_from = redirect ? out->recipient : NULL,
        .reply_to = r->reply_to,
        .message_id = out->message_id,
        .references = &refs,
        .marker = r->token,
        .language = language_code(r->lang),
        .subject = text->subject,
        .text = text->text,
        .html = text->html,
        .date = r->in->now,
        .zone = cfg->timezone,
    };

    strlist_init(&refs);
    out->data = reminder_build(&m, &out->len);
    strlist_free(&refs);
}

bool resolve_notice_build(const struct resolve_notice_input *in, struct reply_notice *out, char *why,
                          size_t whylen)
{
    struct resolution *r = xcalloc(1, sizeof *r);
    struct reply_token token;
    struct rendered text = {0};
    bool ok = false;

    memset(out, 0, sizeof *out);
    r->in = in;
    ladder_courtesy_step(&r->step);
    r->step.claim = false;
    if (resolve_notice_kind(in->how) == NULL) {
        str_copy(why, whylen, "nothing to say");
        goto done;
    }
    if (!load_case(r, why, whylen))
        goto done;
    r->lang = debtor_language(r);
    token.case_id = r->dc.c.id;
    token.step = r->dc.c.level;
    token_make(in->key, &token, r->token);
    token_address(in->cfg->reply_address, r->token, r->reply_to, sizeof r->reply_to);
    str_copy(out->recipient, sizeof out->recipient, r->dc.c.debtor_email);
    if (out->recipient[0] == '\0' || in->cfg->agency_sender[0] == '\0' || r->reply_to[0] == '\0') {
        str_copy(why, whylen, !out->recipient[0]              ? "the debtor has no address"
                              : !in->cfg->agency_sender[0] ? "AgencySender is not set"
                                                            : "ReplyAddress is not set");
        goto done;
    }
    str_copy(out->sender, sizeof out->sender, r->reply_to);
    reminder_new_message_id(in->cfg->agency_sender, out->message_id);
    if (!render(r, &text, why, whylen))
        goto done;
    build(r, &text, out);
    ok = out->data != NULL;
    if (!ok)
        str_copy(why, whylen, "cannot build the message");
done:
    rendered_free(&text);
    free(r);
    return ok;
}
