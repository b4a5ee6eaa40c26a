/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * insolvency_notice.c - the creditor's notice of a debtor's collective
 * proceeding (see insolvency_notice.h).
 *
 * It speaks of the cases with the reminders' variables (reminder_content.h:
 * the itemised {{amounts}} table, the totals), computed as at the opening,
 * plus what is known of the proceeding. Whatever the reply said reaches the
 * creditor as plain text values, escaped in the HTML part.
 */
#include "replies/insolvency_notice.h"

#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/debtor_kind.h"
#include "lib/template.h"
#include "lib/token.h"
#include "remind/reminder.h"
#include "remind/reminder_content.h"

#define NOTICE_MAX_CASES 64

struct insolvency_notice {
    const struct insolvency_notice_input *in;
    enum language lang;
    enum debtor_kind kind;
    struct date until;
    struct ladder_step step;
    struct due_case cases[NOTICE_MAX_CASES];
    struct reminder_line lines[NOTICE_MAX_CASES];
    size_t count;
    char token[TOKEN_MAX];
    char reply_to[INVOICE_EMAIL_MAX + TOKEN_MAX];
};

struct date insolvency_amounts_until(struct date opened, struct date today)
{
    return date_is_set(opened) ? date_add_days(opened, -1) : today;
}

static bool load_cases(struct insolvency_notice *n, char *why, size_t whylen)
{
    const struct insolvency_notice_input *in = n->in;

    for (size_t i = 0; i < in->case_count && n->count < NOTICE_MAX_CASES; i++) {
        struct money_payment *payments = NULL;
        size_t np = 0;
        struct due_case *dc = &n->cases[n->count];
        enum debtor_kind kind;

        if (store_get_due_case(in->st, in->case_ids[i], false, dc) != STORE_OK ||
            store_list_payments(in->st, dc->c.id, &payments, &np) != STORE_OK) {
            str_format(why, whylen, "database: %s", store_last_error(in->st));
            return false;
        }
        kind = debtor_kind_effective(dc->debtor_kind, (enum debtor_kind)in->cfg->default_debtor_kind);
        if (n->count == 0)
            n->kind = kind;
        memset(&n->lines[n->count], 0, sizeof n->lines[n->count]);
        n->lines[n->count].dc = dc;
        /* Each debtor as what it is: a consumer's line is its principal. */
        reminder_line_amounts(in->cfg, true, kind, n->until, payments, np, &n->lines[n->count]);
        free(payments);
        n->count++;
    }
    if (n->count == 0)
        str_copy(why, whylen, "no case");
    return n->count > 0;
}

static const char *kind_label(const char *kind, enum language lang)
{
    static const struct {
        const char *kind, *fr, *en;
    } labels[] = {
        {"sauvegarde", "procédure de sauvegarde", "safeguard proceedings (sauvegarde)"},
        {"redressement", "redressement judiciaire", "receivership (redressement judiciaire)"},
        {"liquidation", "liquidation judiciaire", "liquidation"},
        {"administration", "administration (procédure étrangère)", "administration"},
        {"receivership", "receivership (procédure étrangère)", "receivership"},
        {"chapter 11", "Chapter 11 (procédure américaine)", "Chapter 11"},
        {"chapter 7", "Chapter 7 (procédure américaine)", "Chapter 7"},
    };

    for (size_t i = 0; kind != NULL && i < ARRAY_LEN(labels); i++)
        if (strcmp(kind, labels[i].kind) == 0)
            return lang == LANG_EN ? labels[i].en : labels[i].fr;
    return lang == LANG_EN ? "collective proceedings (kind not stated)"
                           : "procédure collective (nature non précisée)";
}

/* French proceedings, and those whose kind was not written (the reply
 * came to a French creditor: the French rules are the ones to follow
 * until the creditor learns otherwise). */
static bool french_kind(const char *kind)
{
    return kind == NULL || kind[0] == '\0' || strcmp(kind, "sauvegarde") == 0 ||
           strcmp(kind, "redressement") == 0 || strcmp(kind, "liquidation") == 0;
}

static void set_day(struct template_vars *v, const char *name, struct date d, enum language lang)
{
    char text[64] = "";

    if (date_is_set(d))
        calendar_format_long(d, lang, text, sizeof text);
    template_set(v, name, text);
}

static void proceeding_vars(const struct insolvency_notice *n, struct template_vars *v)
{
    const struct insolvency_notice_input *in = n->in;
    const struct reply_insolvency *info = in->info;

    template_set(v, "proceeding", kind_label(info->kind, n->lang));
    template_set_flag(v, "french_proceeding", french_kind(info->kind));
    set_day(v, "opened", info->opened, n->lang);
    template_set_flag(v, "opened_known", date_is_set(info->opened));
    set_day(v, "amounts_until", n->until, n->lang);
    template_set(v, "representative", info->representative);
    template_set_flag(v, "representative_known", info->representative[0] != '\0');
    template_set(v, "representative_address", info->address);
    template_set_flag(v, "representative_address_known", info->address[0] != '\0');
    template_set_flag(v, "from_reply", in->writer != NULL);
    template_set(v, "reply_from", in->writer ? in->writer : "");
    template_set(v, "reply_words", in->words ? in->words : "");
    template_set(v, "first_case_number", n->cases[0].c.inv.number);
    template_setf(v, "case_count", "%zu", n->count);
}

static bool render(struct insolvency_notice *n, struct rendered *out, char *why, size_t whylen)
{
    const struct config *cfg = n->in->cfg;
    struct reminder_content rc = {cfg, &n->step, 0, n->lang, n->kind, n->until, cfg->agency_name,
                                  n->reply_to, n->lines, n->count, NULL, NULL};
    struct template_vars vars;
    struct template t;
    bool ok;

    if (!template_load(cfg->template_dir, n->lang, "insolvency-notice", &t, why, whylen))
        return false;
    template_vars_init(&vars);
    reminder_content_vars(&rc, &vars);
    proceeding_vars(n, &vars);
    ok = template_render(&t, &vars, n->lang, TEMPLATE_ORANGE, out, why, whylen);
    template_vars_free(&vars);
    template_free(&t);
    return ok;
}

static void build(const struct insolvency_notice *n, const struct rendered *text, struct reply_notice *out)
{
    const struct config *cfg = n->in->cfg;
    bool redirect = cfg->redirect_to[0] != '\0';
    struct strlist refs;
    struct reminder_mail m = {
        .from_name = cfg->agency_name,
        .from_address = cfg->agency_sender,
        .to_address = redirect ? cfg->redirect_to : out->recipient,
        .redirected_from = redirect ? out->recipient : NULL,
        /* The creditor answers whoever told (the representative, often). */
        .reply_to = n->in->writer ? n->in->writer : cfg->agency_sender,
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
    out->data = reminder_build(&m, &out->len);
    strlist_free(&refs);
}

bool insolvency_notice_build(const struct insolvency_notice_input *in, struct reply_notice *out, char *why,
                             size_t whylen)
{
    struct insolvency_notice *n = xcalloc(1, sizeof *n);
    struct reply_token token;
    struct rendered text = {0};
    bool ok = false;

    memset(out, 0, sizeof *out);
    n->in = in;
    n->until = insolvency_amounts_until(in->info->opened, in->today);
    ladder_courtesy_step(&n->step);
    n->step.claim = true; /* the amounts are the declaration's, not a claim on the debtor */
    n->lang = in->cfg->default_language == 1 ? LANG_EN : LANG_FR;
    if (!load_cases(n, why, whylen))
        goto done;
    token.case_id = n->cases[0].c.id;
    token.step = n->cases[0].c.level;
    token_make(in->key, &token, n->token);
    token_address(in->cfg->reply_address, n->token, n->reply_to, sizeof n->reply_to);
    str_copy(out->recipient, sizeof out->recipient, in->cfg->creditor_email);
    if (out->recipient[0] == '\0' || in->cfg->agency_sender[0] == '\0') {
        str_copy(why, whylen, "CreditorEmail or AgencySender is not set");
        goto done;
    }
    str_copy(out->sender, sizeof out->sender, n->reply_to[0] ? n->reply_to : in->cfg->agency_sender);
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
