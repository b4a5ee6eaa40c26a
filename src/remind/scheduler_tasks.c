/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_tasks.c - steps done by people (see scheduler_tasks.h).
 *
 * A task step sends nothing: at its date the debtor's due cases get one
 * task (a call, a visit, a letter, a text message) carrying what the
 * person needs: who, which invoices and how much, the number to call, and
 * what happened so far. The cases reach the step (level raised) in the
 * same transaction, so that the ladder waits: an open task makes its
 * cases busy. The task ends when the person records it (relancectl task
 * ID --done), or at the first run on or after its timeout day (the day it
 * was created plus TaskTimeoutDays); either end is the step's date for
 * the next step's interval.
 */
#include "remind/scheduler_tasks.h"

#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/template.h"
#include "lib/token.h"
#include "lib/utf8.h"
#include "remind/ladder_choice.h"
#include "remind/reminder.h"
#include "store/store_tasks.h"

/* ---- creating ---- */

/* What happened so far on the cases, in words, for the person: the steps
 * that went out and the replies that came back, oldest first. */
static void history_of(struct store *st, const struct due_case *const *cases, size_t count, struct strbuf *out)
{
    for (size_t i = 0; i < count; i++) {
        struct reminder_list rems;
        struct reply_list replies;
        const char *number = cases[i]->c.inv.number;

        if (store_list_reminders(st, NULL, cases[i]->c.id, &rems) == STORE_OK) {
            for (size_t k = rems.count; k-- > 0;)
                if (rems.items[k].state == REMINDER_SENT)
                    strbuf_printf(out, "%s: step %d (%s) sent %.10s\n", number, rems.items[k].step,
                                  rems.items[k].step_name, rems.items[k].sent_at);
            reminder_list_free(&rems);
        }
        if (store_list_replies(st, cases[i]->c.id, &replies) == STORE_OK) {
            for (size_t k = replies.count; k-- > 0;)
                strbuf_printf(out, "%s: reply %.10s (%s): %s\n", number, replies.items[k].received_at,
                              replies.items[k].verdict, replies.items[k].action);
            reply_list_free(&replies);
        }
    }
    if (out->len >= TASK_HISTORY_MAX)
        out->data[utf8_cut(out->data, out->len, TASK_HISTORY_MAX - 1)] = '\0';
}

bool scheduler_create_task(struct scheduler_ctx *x, const struct due_case *const *cases, size_t count, int step)
{
    const struct ladder_step *s = &ladder_steps_named(x->cfg, cases[0]->c.ladder, NULL)->items[step - 1];
    const char *log_id = cases[0]->c.inv.number;
    struct claim_item items[GROUP_MAX_CASES];
    char phone[TASK_PHONE_MAX];
    struct strbuf history;
    int64_t id = 0;
    enum store_result r;

    for (size_t i = 0; i < count; i++) {
        memset(&items[i], 0, sizeof items[i]);
        items[i].case_id = cases[i]->c.id;
        items[i].expected_level = cases[i]->c.level;
        items[i].principal = cases[i]->c.balance;
    }
    if (store_debtor_phone(x->run->st, cases[0]->c.debtor_id, phone, sizeof phone) != STORE_OK)
        phone[0] = '\0';
    strbuf_init(&history);
    history_of(x->run->st, cases, count, &history);
    {
        struct task_claim claim = {cases[0]->c.debtor_id, step, s->name, ladder_task_kind_name(s->task), phone,
                                   history.data ? history.data : "", x->at, x->local.date,
                                   date_add_days(x->local.date, (int)x->cfg->task_timeout_days), items, count};
        r = store_create_task(x->run->st, x->run->key, &claim, x->run->actor, &id);
    }
    strbuf_free(&history);
    if (r == STORE_CONFLICT) {
        log_info(log_id, "step %d (%s) for <%s>: the case moved or the task exists: no task created", step,
                 s->name, cases[0]->c.debtor_email);
        x->report->skipped++;
        return true;
    }
    if (r != STORE_OK) {
        log_error(log_id, "cannot create the task of step %d: %s", step, store_last_error(x->run->st));
        return false;
    }
    log_notice(log_id, "step %d (%s): task %lld (%s) for <%s>, %zu invoice(s), phone %s: nothing sent", step,
               s->name, (long long)id, ladder_task_kind_name(s->task), cases[0]->c.debtor_email, count,
               phone[0] ? phone : "unknown");
    x->report->tasks++;
    return true;
}

/* ---- the timeout ---- */

bool scheduler_time_out_tasks(struct scheduler_ctx *x)
{
    int count = 0;

    if (store_time_out_tasks(x->run->st, x->run->key, x->local.date, x->at, x->run->actor, &count) != STORE_OK) {
        log_error(NULL, "cannot time out tasks: %s", store_last_error(x->run->st));
        return false;
    }
    if (count > 0)
        log_notice(NULL, "%d task(s) left undone for TaskTimeoutDays: timed out, the ladder goes on", count);
    x->report->tasks_timed_out += count;
    return true;
}

/* ---- the digest ---- */

/* The task's kind in the creditor's language. */
static const char *kind_words(const char *kind, enum language lang)
{
    static const char *const fr[][2] = {{"call", "appel"}, {"visit", "visite"}, {"letter", "lettre"}, {"sms", "SMS"}};

    for (size_t i = 0; lang == LANG_FR && i < ARRAY_LEN(fr); i++)
        if (strcmp(kind, fr[i][0]) == 0)
            return fr[i][1];
    return kind;
}

static void digest_table(const struct task_list *tasks, enum language lang, struct template_table *t)
{
    static const char *const header_fr[] = {"Tâche", "Débiteur", "Téléphone", "Factures", "Montant", "Depuis le"};
    static const char *const header_en[] = {"Task", "Debtor", "Telephone", "Invoices", "Amount", "Since"};

    template_table_init(t, 6);
    t->right[4] = true;
    template_table_row(t, lang == LANG_FR ? header_fr : header_en);
    for (size_t i = 0; i < tasks->count; i++) {
        const struct task_row *k = &tasks->items[i];
        char id[48], amount[MONEY_TEXT_MAX], since[DATE_STR_MAX];
        struct strbuf numbers;
        int64_t total = 0;

        strbuf_init(&numbers);
        for (size_t c = 0; c < k->case_count; c++) {
            strbuf_printf(&numbers, "%s%s", c ? ", " : "", k->cases[c].number);
            total += k->cases[c].balance;
        }
        str_format(id, sizeof id, "#%lld %s", (long long)k->id, kind_words(k->kind, lang));
        money_format_text(total, k->case_count ? k->cases[0].currency : "EUR", lang, amount);
        date_format(k->created_on, since);
        {
            const char *row[] = {id, k->debtor_name[0] ? k->debtor_name : k->debtor_email,
                                 k->phone[0] ? k->phone : "-", numbers.data ? numbers.data : "", amount, since};
            template_table_row(t, row);
        }
        strbuf_free(&numbers);
    }
}

static char *digest_mail(struct scheduler_ctx *x, const struct task_list *tasks, char *message_id, size_t *len,
                         char *why, size_t whylen)
{
    const struct config *cfg = x->cfg;
    enum language lang = scheduler_default_language(cfg);
    bool redirect = cfg->redirect_to[0] != '\0';
    struct reply_token token = {tasks->items[0].case_count ? tasks->items[0].cases[0].case_id : 0,
                                tasks->items[0].step};
    char marker[TOKEN_MAX];
    struct template_vars vars;
    struct template_table table;
    struct rendered text = {0};
    struct template t;
    char *data = NULL;

    if (!template_load(cfg->template_dir, lang, "taches-du-jour", &t, why, whylen))
        return NULL;
    template_vars_init(&vars);
    template_set(&vars, "agency_name", cfg->agency_name);
    template_set(&vars, "agency_email", cfg->agency_sender);
    template_set(&vars, "creditor_name", cfg->creditor_name);
    template_setf(&vars, "task_count", "%zu", tasks->count);
    template_setf(&vars, "task_timeout_days", "%d", (int)cfg->task_timeout_days);
    digest_table(tasks, lang, &table);
    template_set_table(&vars, "tasks", &table);
    if (template_render(&t, &vars, lang, TEMPLATE_ORANGE, &text, why, whylen)) {
        token_make(x->run->key, &token, marker);
        reminder_new_message_id(cfg->agency_sender, message_id);
        struct reminder_mail mail = {
            .from_name = cfg->agency_name,
            .from_address = cfg->agency_sender,
            .to_address = redirect ? cfg->redirect_to : cfg->creditor_email,
            .redirected_from = redirect ? cfg->creditor_email : NULL,
            .message_id = message_id,
            .marker = marker,
            .language = language_code(lang),
            .subject = text.subject,
            .text = text.text,
            .html = text.html,
            .date = x->run->moment,
            .zone = cfg->timezone,
        };
        data = reminder_build(&mail, len);
        if (data == NULL)
            str_copy(why, whylen, "cannot build the message");
    }
    rendered_free(&text);
    template_table_free(&table);
    template_vars_free(&vars);
    template_free(&t);
    return data;
}

bool scheduler_task_digest(struct scheduler_ctx *x, bool *queued)
{
    char message_id[REMINDER_MESSAGE_ID_MAX], why[256];
    struct outbox_message notice;
    struct task_list tasks;
    size_t len = 0;
    char *data;
    enum store_result r;

    *queued = false;
    if (!x->cfg->task_digest || x->cfg->dry_run)
        return true;
    if (x->cfg->creditor_email[0] == '\0' || x->cfg->agency_sender[0] == '\0') {
        log_warning(NULL, "TaskDigest: CreditorEmail or AgencySender is not set: no digest");
        return true;
    }
    if (store_list_tasks(x->run->st, false, &tasks) != STORE_OK) {
        log_error(NULL, "cannot read the open tasks: %s", store_last_error(x->run->st));
        return false;
    }
    /* No open task, no digest (and the day stays free for a later run). */
    if (tasks.count == 0) {
        task_list_free(&tasks);
        return true;
    }
    data = digest_mail(x, &tasks, message_id, &len, why, sizeof why);
    if (data == NULL) {
        log_warning(NULL, "TaskDigest: no digest today: %s", why);
        task_list_free(&tasks);
        return true;
    }
    notice = (struct outbox_message){"task-digest", tasks.items[0].case_count ? tasks.items[0].cases[0].case_id : 0,
                                     x->cfg->agency_sender,
                                     x->cfg->redirect_to[0] ? x->cfg->redirect_to : x->cfg->creditor_email,
                                     message_id, data, len};
    r = store_task_digest_once(x->run->st, x->local.date, &notice, queued);
    if (r != STORE_OK)
        log_error(NULL, "cannot queue the task digest: %s", store_last_error(x->run->st));
    else if (*queued)
        log_info(NULL, "TaskDigest: %zu open task(s) to <%s>", tasks.count, x->cfg->creditor_email);
    free(data);
    task_list_free(&tasks);
    return r == STORE_OK;
}
