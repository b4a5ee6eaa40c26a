/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * review_lapse.c - reviews that ReviewDays ended without a decision (see
 * review_lapse.h): the creditor's reminder is built here, then the store
 * moves the case and queues the reminder in one transaction
 * (store_end_review), so that it goes out once however many runners see
 * the case.
 */
#include "remind/review_lapse.h"

#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/template.h"
#include "lib/token.h"
#include "remind/reminder.h"
#include "remind/reminder_content.h"

struct lapse_mail {
    char *data; /* owned */
    size_t len;
    char recipient[320];
    char sender[INVOICE_EMAIL_MAX + TOKEN_MAX];
    char message_id[REMINDER_MESSAGE_ID_MAX];
    char token[TOKEN_MAX];
};

static bool render(const struct scheduler_ctx *x, struct due_case *dc, struct lapse_mail *m, struct rendered *out,
                   char *why, size_t whylen)
{
    const struct config *cfg = x->cfg;
    enum language lang = scheduler_default_language(cfg);
    struct money_payment *payments = NULL;
    struct reminder_line line;
    struct ladder_step step;
    struct template_vars vars;
    struct template t;
    size_t np = 0;
    bool ok;

    if (store_list_payments(x->run->st, dc->c.id, &payments, &np) != STORE_OK) {
        str_format(why, whylen, "database: %s", store_last_error(x->run->st));
        return false;
    }
    memset(&line, 0, sizeof line);
    line.dc = dc;
    reminder_line_amounts(cfg, false, DEBTOR_KIND_BUSINESS, x->local.date, payments, np, &line);
    free(payments);
    ladder_courtesy_step(&step);
    step.claim = false;
    if (!template_load(cfg->template_dir, lang, "revue-expiree", &t, why, whylen))
        return false;
    struct reminder_content rc = {cfg, &step, 0, lang, DEBTOR_KIND_BUSINESS, x->local.date, cfg->agency_name,
                                  m->sender, &line, 1, NULL, NULL};
    char days[16];
    template_vars_init(&vars);
    reminder_content_vars(&rc, &vars);
    template_set(&vars, "review_number", dc->c.inv.number);
    str_format(days, sizeof days, "%d", (int)cfg->review_days);
    template_set(&vars, "review_days", days);
    ok = template_render(&t, &vars, lang, TEMPLATE_ORANGE, out, why, whylen);
    template_vars_free(&vars);
    template_free(&t);
    return ok;
}

/* The creditor's reminder about one case; false with a reason. */
static bool build(const struct scheduler_ctx *x, int64_t case_id, struct lapse_mail *m, char *why, size_t whylen)
{
    const struct config *cfg = x->cfg;
    bool redirect = cfg->redirect_to[0] != '\0';
    struct reply_token token;
    struct rendered text = {0};
    struct due_case dc;
    bool ok;

    memset(m, 0, sizeof *m);
    if (cfg->creditor_email[0] == '\0' || cfg->agency_sender[0] == '\0') {
        str_copy(why, whylen, "CreditorEmail or AgencySender is not set");
        return false;
    }
    if (store_get_due_case(x->run->st, case_id, false, &dc) != STORE_OK) {
        str_format(why, whylen, "database: %s", store_last_error(x->run->st));
        return false;
    }
    token.case_id = case_id;
    token.step = dc.c.level;
    token_make(x->run->key, &token, m->token);
    token_address(cfg->reply_address, m->token, m->sender, sizeof m->sender);
    str_copy(m->recipient, sizeof m->recipient, cfg->creditor_email);
    reminder_new_message_id(cfg->agency_sender, m->message_id);
    ok = render(x, &dc, m, &text, why, whylen);
    if (ok) {
        struct reminder_mail mail = {
            .from_name = cfg->agency_name,
            .from_address = cfg->agency_sender,
            .to_address = redirect ? cfg->redirect_to : m->recipient,
            .redirected_from = redirect ? m->recipient : NULL,
            .message_id = m->message_id,
            .marker = m->token,
            .language = language_code(scheduler_default_language(cfg)),
            .subject = text.subject,
            .text = text.text,
            .html = text.html,
            .date = x->run->moment,
            .zone = cfg->timezone,
        };
        m->data = reminder_build(&mail, &m->len);
        ok = m->data != NULL;
        if (!ok)
            str_copy(why, whylen, "cannot build the message");
    }
    rendered_free(&text);
    return ok;
}

static bool end_one(struct scheduler_ctx *x, int64_t case_id)
{
    struct lapse_mail m;
    struct outbox_message notice;
    char why[256];
    bool built = build(x, case_id, &m, why, sizeof why), ended;
    enum store_result r;

    if (!built)
        log_warning(NULL, "case %lld: no reminder to the creditor that its review lapsed: %s", (long long)case_id,
                    why);
    notice = (struct outbox_message){"review-lapsed", case_id, m.sender, m.recipient, m.message_id, m.data, m.len};
    r = store_end_review(x->run->st, x->run->key, case_id, x->run->actor, built ? &notice : NULL, &ended);
    free(m.data);
    if (r != STORE_OK) {
        log_error(NULL, "cannot end the review of case %lld: %s", (long long)case_id, store_last_error(x->run->st));
        return false;
    }
    if (ended) {
        log_info(NULL, "case %lld: no decision within ReviewDays, the ladder resumes", (long long)case_id);
        x->report->resumed++;
    }
    return true;
}

bool scheduler_end_lapsed_reviews(struct scheduler_ctx *x)
{
    int64_t *ids;
    size_t n;
    bool ok = true;

    if (store_lapsed_reviews(x->run->st, x->local.date, &ids, &n) != STORE_OK) {
        log_error(NULL, "cannot read lapsed reviews: %s", store_last_error(x->run->st));
        return false;
    }
    for (size_t i = 0; ok && i < n; i++)
        ok = end_one(x, ids[i]);
    free(ids);
    return ok;
}
