/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_copies.c - the copies of a reminder besides the mail itself:
 * the .eml a dry run writes instead of sending, the printable letter (PDF)
 * of the steps that have one, and the creditor's copy that follows a
 * reminder that went out.
 *
 * Only the dry run's .eml decides the reminder's fate (scheduler.c marks
 * it failed without one); a letter or a creditor's copy that fails is
 * logged, never retried: the reminder itself went out and is recorded.
 * It neither claims nor records.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/calendar.h"
#include "lib/letter.h"
#include "lib/log.h"
#include "lib/submit.h"
#include "lib/template.h"
#include "remind/reminder.h"
#include "remind/reminder_content.h"
#include "remind/scheduler_compose.h"
#include "remind/scheduler_context.h"
#include "remind/scheduler_copies.h"

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

static char *file_path(const char *dir, const struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id, const char *ext)
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

char *scheduler_write_dry_run(const struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id, char *why,
                              size_t whylen)
{
    char *path;

    if (!ensure_directory(x->cfg->dry_run_dir, why, whylen))
        return NULL;
    path = file_path(x->cfg->dry_run_dir, x, c, id, "eml");
    if (!write_file(path, c->mail, c->mail_len, why, whylen)) {
        free(path);
        return NULL;
    }
    return path;
}

static void letter_lines(const struct config *cfg, const struct scheduler_composed *c, struct letter *l)
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
char *scheduler_write_letter(const struct scheduler_ctx *x, const struct scheduler_composed *c, const char *dir, int64_t id)
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

static bool render_copy(const struct scheduler_ctx *x, const struct scheduler_composed *c, struct rendered *out, char *why,
                        size_t whylen)
{
    enum language lang = scheduler_default_language(x->cfg);
    struct reminder_content rc = {x->cfg, c->step, c->step_number, lang, c->kind, x->local.date,
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
static char *build_copy(const struct scheduler_ctx *x, const struct scheduler_composed *c, const struct rendered *text,
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
            .language = language_code(scheduler_default_language(cfg)),
            .subject = text->subject,
            .text = text->text,
            .html = text->html,
            .date = x->run->moment,
            .zone = cfg->timezone,
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
static void send_copy(const struct scheduler_ctx *x, const struct scheduler_composed *c, const char *letter_path)
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

/* ---- after a reminder went out ---- */

void scheduler_after_sent(const struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id)
{
    char *letter = scheduler_write_letter(x, c, x->cfg->letter_dir, id);

    if (c->step->copy && !c->court && x->cfg->creditor_email[0])
        send_copy(x, c, letter);
    free(letter);
}
